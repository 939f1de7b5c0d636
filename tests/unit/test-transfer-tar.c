/* test-transfer-tar.c - the transfer's tar reader on the seed streams of
 * the fuzz target (tests/fuzz/corpus/fuzz-tar, made by mkcorpus-tar.py):
 * what is copied, what is refused, and that nothing lands anywhere but
 * new/ or cur/ of the Maildir (never a link, a device, a file outside). */
#include <config.h>

#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host.h"
#include "tap.h"
#include "tree.h"
#include "transfer.h"

static char root[PATH_MAX];
static size_t rootlen;
static int n_msgs, n_bad, n_stage;

static int
walk(const char *path, const struct stat *st, int type, struct FTW *f)
{
	const char *rel = path + rootlen;
	static const char *const ok_dirs[] = { "/Maildir/new/", "/Maildir/cur/",
	    "/Maildir/.Sent/new/", "/Maildir/.Sent/cur/", NULL };
	size_t i;

	(void)f;
	if (type == FTW_D || type == FTW_DP)
		return 0;
	if (strncmp(rel, "/Maildir/" MX_STAGE "/", strlen(MX_STAGE) + 10) == 0) {
		n_stage++;
		return 0;
	}
	for (i = 0; ok_dirs[i] != NULL; i++)
		if (strncmp(rel, ok_dirs[i], strlen(ok_dirs[i])) == 0 &&
		    strchr(rel + strlen(ok_dirs[i]), '/') == NULL &&
		    S_ISREG(st->st_mode) && (st->st_mode & 07777) == 0600) {
			n_msgs++;
			return 0;
		}
	printf("#   out of place: %s (mode %o)\n", rel, (unsigned)st->st_mode);
	n_bad++;
	return 0;
}

/* Feed one seed; returns mx_transfer_tar_fd's value, counts in r. */
static int
feed(struct mx_host *h, const char *seed, struct mx_xfer_result *r)
{
	static const char *const dirs[] = { "", "/Maildir", "/Maildir/new",
	    "/Maildir/cur", "/Maildir/tmp", "/Maildir/" MX_STAGE,
	    "/Maildir/.Sent", "/Maildir/.Sent/new", "/Maildir/.Sent/cur",
	    "/Maildir/.Sent/tmp", NULL };
	const char *srcdir = getenv("top_srcdir");
	char p[PATH_MAX + 64], dst[PATH_MAX + 16];
	struct mx_xfer_user u;
	struct mx_err err;
	size_t i;
	int fd, rc;

	snprintf(root, sizeof root, "/tmp/test-transfer-tar.XXXXXX");
	if (mkdtemp(root) == NULL)
		return -2;
	rootlen = strlen(root);
	for (i = 1; dirs[i] != NULL; i++) {
		snprintf(p, sizeof p, "%s%s", root, dirs[i]);
		mkdir(p, 0700);
	}
	snprintf(p, sizeof p, "%s/tests/fuzz/corpus/fuzz-tar/%s",
	    srcdir ? srcdir : ".", seed);
	if ((fd = open(p, O_RDONLY | O_CLOEXEC)) == -1) {
		printf("#   cannot open %s\n", p);
		return -2;
	}
	snprintf(dst, sizeof dst, "%s/Maildir", root);
	memset(&u, 0, sizeof u);
	u.name = seed;
	u.src = "/nonexistent";
	u.dst = dst;
	u.uid = getuid();
	u.gid = getgid();
	rc = mx_transfer_tar_fd(h, &u, fd, r, &err);
	close(fd);
	n_msgs = n_bad = n_stage = 0;
	nftw(root, walk, 16, FTW_PHYS);
	tree_rm(root);
	return rc;
}

int
main(void)
{
	static const struct {
		const char *seed;
		int rc, copied, refused, msgs;
	} t[] = {
		/* No listing here: .Sent is a folder the target does not
		 * know, its message waits for a pass that lists it. */
		{ "maildir", 0, 2, 0, 2 },
		{ "maildir-pax", 0, 2, 0, 2 },
		{ "absolute", 0, 0, 2, 0 },
		{ "dotdot", 0, 0, 3, 0 },
		{ "hardlinks", 0, 1, 2, 1 },
		{ "devices", 0, 0, 3, 0 },
		{ "symlinks", 0, 0, 3, 0 },
		{ "longname-pax", 0, 0, 1, 0 },
		{ "truncated", -1, 0, 0, 0 },
		{ "twice", 0, 1, 0, 1 },
	};
	struct mx_host *h = NULL;
	struct mx_xfer_result r;
	struct mx_err err;
	size_t i;
	int rc;

	if (mx_host_open(&h, "local:", NULL, NULL, &err) == -1) {
		printf("Bail out! %s\n", err.msg);
		return 1;
	}
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		rc = feed(h, t[i].seed, &r);
		is_int(rc, t[i].rc, "%s: %s", t[i].seed, t[i].rc == 0 ?
		    "read to the end" : "fails");
		if (rc == -1)
			printf("#   %s\n", r.err.msg);
		is_int(r.copied_msgs, t[i].copied, "%s: %d copied", t[i].seed,
		    t[i].copied);
		is_int(r.refused, t[i].refused, "%s: %d refused", t[i].seed,
		    t[i].refused);
		is_int(n_msgs, t[i].msgs, "%s: %d messages in new/ or cur/",
		    t[i].seed, t[i].msgs);
		is_int(n_bad, 0, "%s: nothing out of place, no link, no device",
		    t[i].seed);
		if (t[i].rc == 0)
			is_int(n_stage, 0, "%s: the stage is empty", t[i].seed);
		if (strcmp(t[i].seed, "truncated") == 0)
			ok(strstr(r.err.msg, "broke off") != NULL,
			    "truncated: the error says the stream broke off");
		mx_xfer_result_free(&r);
	}
	{
		/* A user's name becomes a file under STATE: one that could
		 * leave it is refused before anything is read or written. */
		static const char *const bad[] = { "../x", "a/b", ".hidden",
		    "tab\tname", "" };
		struct mx_xfer_opts xo;
		struct mx_xfer_user u;
		struct mx_err e;

		memset(&xo, 0, sizeof xo);
		xo.state_dir = "/nonexistent/state";
		for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
			memset(&u, 0, sizeof u);
			u.name = bad[i];
			u.src = u.dst = "/nonexistent/Maildir";
			u.uid = (uid_t)-1;
			u.gid = (gid_t)-1;
			is_int(mx_transfer_user(h, h, &u, &xo, &r, &e), -1,
			    "user name '%s' refused", bad[i]);
			ok(strstr(e.msg, "cannot name a user's state") != NULL,
			    "saying why: %s", e.msg);
			mx_xfer_result_free(&r);
		}
	}
	mx_host_close(h);
	return tap_done();
}
