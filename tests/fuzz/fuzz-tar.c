/* fuzz-tar.c - libFuzzer target: incoming tar streams, read as the
 * transfer reads the old host's `tar c` (mx_transfer_tar_fd: every entry
 * checked, staged, renamed in) into a local Maildir in a temp directory.
 * The promise checked after every input: nothing was written outside the
 * user's Maildir, and inside it only regular files in new/ or cur/ (of
 * the Maildir or of a folder) or in the stage: no link, no device, no new
 * directory. A broken promise aborts (libFuzzer keeps the input).
 * FUZZ_TAR_VERBOSE=1 ./fuzz-tar INPUT: what one input did. */
#include <config.h>

#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host.h"
#include "transfer.h"
#include "../unit/tree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char root[PATH_MAX];	/* the temp dir: root/Maildir, root/canary */
static size_t rootlen;
static struct mx_host *host;

/* The directories the harness makes; nothing else may appear. */
static const char *const dirs[] = {
	"", "/canary", "/Maildir", "/Maildir/new", "/Maildir/cur",
	"/Maildir/tmp", "/Maildir/" MX_STAGE, "/Maildir/.Sent",
	"/Maildir/.Sent/new", "/Maildir/.Sent/cur", "/Maildir/.Sent/tmp",
	NULL
};
/* Where a file may be. */
static const char *const filedirs[] = {
	"/Maildir/new", "/Maildir/cur", "/Maildir/" MX_STAGE,
	"/Maildir/.Sent/new", "/Maildir/.Sent/cur", NULL
};

static int
in(const char *const *set, const char *s, size_t n)
{
	size_t i;

	for (i = 0; set[i] != NULL; i++)
		if (strlen(set[i]) == n && strncmp(set[i], s, n) == 0)
			return 1;
	return 0;
}

static int
check(const char *path, const struct stat *st, int type, struct FTW *f)
{
	const char *rel = path + rootlen, *slash;

	(void)f;
	if (strncmp(path, root, rootlen) != 0)
		abort();
	if (type == FTW_D || type == FTW_DP) {
		if (!in(dirs, rel, strlen(rel))) {
			fprintf(stderr, "fuzz-tar: a directory appeared: %s\n", rel);
			abort();
		}
		return 0;
	}
	slash = strrchr(rel, '/');
	if (!S_ISREG(st->st_mode) || slash == NULL ||
	    !in(filedirs, rel, (size_t)(slash - rel))) {
		fprintf(stderr, "fuzz-tar: written outside new/, cur/ and the "
		    "stage, or not a regular file: %s (mode %o)\n", rel,
		    (unsigned)st->st_mode);
		abort();
	}
	return 0;
}

static int
rm(const char *path, const struct stat *st, int type, struct FTW *f)
{
	(void)st;
	(void)f;
	if (strcmp(path, root) == 0 || strncmp(path + rootlen, "/canary", 7) == 0)
		return 0;
	if (type == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

static void
cleanup(void)
{
	if (rootlen > 0)
		tree_rm(root);
	mx_host_close(host);
	host = NULL;
}

static int
setup(void)
{
	struct mx_err err;
	const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";

	snprintf(root, sizeof root, "%s/fuzz-tar.XXXXXX", base);
	if (mkdtemp(root) == NULL)
		return -1;
	rootlen = strlen(root);
	atexit(cleanup);
	if (mx_host_open(&host, "local:", NULL, NULL, &err) == -1) {
		fprintf(stderr, "fuzz-tar: %s\n", err.msg);
		return -1;
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mx_xfer_user u;
	struct mx_xfer_result r;
	struct mx_err err;
	char p[PATH_MAX + 64];
	size_t i;
	int fd;

	if (host == NULL && setup() == -1)
		abort();
	for (i = 1; dirs[i] != NULL; i++) {
		snprintf(p, sizeof p, "%s%s", root, dirs[i]);
		mkdir(p, 0700);
	}
	fd = memfd_create("fuzz-tar", MFD_CLOEXEC);
	if (fd == -1 || (size > 0 && write(fd, data, size) != (ssize_t)size) ||
	    lseek(fd, 0, SEEK_SET) != 0)
		abort();
	snprintf(p, sizeof p, "%s/Maildir", root);
	memset(&u, 0, sizeof u);
	u.name = "fuzz";
	u.src = "/nonexistent";
	u.dst = p;
	u.uid = getuid();
	u.gid = getgid();
	/* Failing is a fine outcome; writing out of place is not. */
	(void)mx_transfer_tar_fd(host, &u, fd, &r, &err);
	if (getenv("FUZZ_TAR_VERBOSE") != NULL)	/* one input, explained */
		fprintf(stderr, "fuzz-tar: %llu copied, %llu refused%s%s\n%s",
		    (unsigned long long)r.copied_msgs,
		    (unsigned long long)r.refused, r.state == MX_XS_FAILED ?
		    "; failed: " : "", r.state == MX_XS_FAILED ? r.err.msg : "",
		    r.report.data ? r.report.data : "");
	mx_xfer_result_free(&r);
	close(fd);
	if (nftw(root, check, 16, FTW_PHYS | FTW_DEPTH) != 0)
		abort();
	nftw(root, rm, 16, FTW_PHYS | FTW_DEPTH);
	return 0;
}
