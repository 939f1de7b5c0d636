/* maildir.c - Maildir and Maildir++ stores (see maildir.h). */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "i18n.h"
#include "maildir.h"

int
mx_maildir_parse_name(const char *name, struct mx_mdname *out)
{
	const char *colon, *s;

	memset(out, 0, sizeof *out);
	if (name == NULL || name[0] == '\0' || name[0] == '.' ||
	    strchr(name, '/') != NULL)
		return -1;
	colon = strchr(name, ':');
	out->base_len = colon ? (size_t)(colon - name) : strlen(name);
	if (out->base_len == 0)
		return -1;
	if (colon != NULL && strncmp(colon, ":2,", 3) == 0)
		out->flags = colon + 3;
	/* ",S=NNN" inside the unique part (Dovecot, vdelivermail). */
	for (s = name; s < name + out->base_len; s++) {
		if (s[0] == ',' && s[1] == 'S' && s[2] == '=' &&
		    s[3] >= '0' && s[3] <= '9') {
			uint64_t v = 0;
			const char *p = s + 3;

			while (p < name + out->base_len && *p >= '0' &&
			    *p <= '9') {
				v = v * 10 + (uint64_t)(*p - '0');
				p++;
			}
			out->has_size = 1;
			out->size = v;
			break;
		}
	}
	return 0;
}

int
mx_maildir_is_folder(const char *name)
{
	return name[0] == '.' && name[1] != '\0' && strcmp(name, "..") != 0 &&
	    strchr(name, '/') == NULL;
}

void
mx_maildir_flags_sort(char *flags)
{
	int seen[128] = { 0 };
	char *p;
	int c, n = 0;

	for (p = flags; *p != '\0'; p++) {
		c = (unsigned char)*p;
		if (c < 128 && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')))
			seen[c] = 1;
	}
	for (c = 0; c < 128; c++)
		if (seen[c])
			flags[n++] = (char)c;
	flags[n] = '\0';
}

int
mx_maildir_key(char *buf, size_t len, const char *folder, const char *name)
{
	struct mx_mdname mn;
	size_t fl;

	if (mx_maildir_parse_name(name, &mn) == -1)
		return -1;
	/* "FOLDER/BASE" (copied by hand: every listed message comes here) */
	fl = strlen(folder);
	if (fl + 1 + mn.base_len >= len)
		return -1;
	memcpy(buf, folder, fl);
	buf[fl] = '/';
	memcpy(buf + fl + 1, name, mn.base_len);
	buf[fl + 1 + mn.base_len] = '\0';
	return 0;
}

static int
walk_sub(const char *root, const char *folder, const char *sub,
    mx_maildir_visit_fn fn, void *ctx, struct mx_err *err)
{
	char path[PATH_MAX];
	struct dirent *de;
	struct stat st;
	DIR *d;
	int dfd, rc = 0;

	snprintf(path, sizeof path, "%s/%s%s%s", root, folder,
	    folder[0] ? "/" : "", sub);
	d = opendir(path);
	if (d == NULL) {
		if (errno == ENOENT)
			return 0;
		return mx_err_errno(err, errno, _("%s: cannot open"), path);
	}
	dfd = dirfd(d);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1)
			continue;	/* gone meanwhile (a client moved it) */
		if (!S_ISREG(st.st_mode))
			continue;
		if (fn(ctx, folder, sub, de->d_name, &st, err) == -1) {
			rc = -1;
			break;
		}
	}
	closedir(d);
	return rc;
}

static int
walk_folder(const char *root, const char *folder, mx_maildir_visit_fn fn,
    void *ctx, struct mx_err *err)
{
	if (walk_sub(root, folder, "new", fn, ctx, err) == -1)
		return -1;
	return walk_sub(root, folder, "cur", fn, ctx, err);
}

int
mx_maildir_walk(const char *root, mx_maildir_visit_fn fn, void *ctx,
    struct mx_err *err)
{
	struct dirent *de;
	struct stat st;
	DIR *d;
	int rc = 0;

	d = opendir(root);
	if (d == NULL)
		return mx_err_errno(err, errno, _("%s: cannot open the Maildir"),
		    root);
	if (walk_folder(root, "", fn, ctx, err) == -1) {
		closedir(d);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (!mx_maildir_is_folder(de->d_name))
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) ==
		    -1 || !S_ISDIR(st.st_mode))
			continue;
		if (walk_folder(root, de->d_name, fn, ctx, err) == -1) {
			rc = -1;
			break;
		}
	}
	closedir(d);
	return rc;
}

static int
make_dir(const char *path, mode_t mode, uid_t uid, gid_t gid,
    struct mx_err *err)
{
	struct stat st;

	if (mkdir(path, mode) == -1) {
		if (errno != EEXIST)
			return mx_err_errno(err, errno, _("%s: cannot create"),
			    path);
		if (lstat(path, &st) == -1 || !S_ISDIR(st.st_mode))
			return mx_err_set(err, MX_E_IO,
			    _("%s: exists and is not a directory"), path);
		return 0;
	}
	if (chmod(path, mode) == -1)
		return mx_err_errno(err, errno, _("%s: cannot set its mode"), path);
	if ((uid != (uid_t)-1 || gid != (gid_t)-1) &&
	    lchown(path, uid, gid) == -1)
		return mx_err_errno(err, errno, _("%s: cannot set its owner"), path);
	return 0;
}

int
mx_maildir_make(const char *root, mode_t mode, uid_t uid, gid_t gid,
    struct mx_err *err)
{
	static const char *const subs[] = { "tmp", "new", "cur" };
	char path[PATH_MAX];
	size_t i;

	if (make_dir(root, mode, uid, gid, err) == -1)
		return -1;
	for (i = 0; i < 3; i++) {
		if (snprintf(path, sizeof path, "%s/%s", root, subs[i]) >=
		    (int)sizeof path)
			return mx_err_set(err, MX_E_USAGE, _("%s: path too long"),
			    root);
		if (make_dir(path, mode, uid, gid, err) == -1)
			return -1;
	}
	return 0;
}

int
mx_maildir_make_parent(const char *dir, mode_t mode, uid_t uid, gid_t gid,
    int *made, struct mx_err *err)
{
	struct stat st;

	*made = 0;
	if (mkdir(dir, mode) == -1) {
		if (errno != EEXIST)
			return mx_err_errno(err, errno, _("%s: cannot create"), dir);
		if (stat(dir, &st) == -1 || !S_ISDIR(st.st_mode))
			return mx_err_set(err, MX_E_IO,
			    _("%s: exists and is not a directory"), dir);
		return 0;	/* someone's directory: left as it is */
	}
	*made = 1;
	if (chmod(dir, mode) == -1)
		return mx_err_errno(err, errno, _("%s: cannot set its mode"), dir);
	if ((uid != (uid_t)-1 || gid != (gid_t)-1) && lchown(dir, uid, gid) == -1)
		return mx_err_errno(err, errno, _("%s: cannot set its owner"), dir);
	return 0;
}

int
mx_maildir_unique(char *buf, size_t len, int64_t secs, long usec,
    const char *host)
{
	static unsigned long seq;
	int n;

	n = snprintf(buf, len, "%" PRId64 ".M%ldP%ldQ%lu.%s", secs, usec,
	    (long)getpid(), __atomic_add_fetch(&seq, 1, __ATOMIC_RELAXED),
	    host);
	return (n < 0 || (size_t)n >= len) ? -1 : 0;
}

struct mx_mdwriter {
	char dir[PATH_MAX];
	char tmp[PATH_MAX];	/* its path, for messages (and the path API) */
	const char *name;	/* its name in tmp/ (points into tmp) */
	int atfd;		/* tmp/ of a batch, or AT_FDCWD: tmp is used */
	int fd;
	int anon;		/* O_TMPFILE: no name until it is linked */
	int named;		/* a named file was made in tmp/ */
	struct mx_mdbatch *batch;	/* makes the file once it is needed */
	mode_t cmode;		/* the mode it was created with, 0: unknown */
	uint64_t size;
	size_t nbuf;
	char buf[65536];	/* writes go out in large pieces */
};

static int mdb_create(struct mx_mdwriter *w, struct mx_err *err);

static int
md_flush(struct mx_mdwriter *w, struct mx_err *err)
{
	const char *p = w->buf;
	size_t len = w->nbuf;
	ssize_t n;

	/* A batch writer makes its file only now: a message that turns
	 * out to be there already (or to be skipped) and fits the buffer
	 * never touches the disk. */
	if (w->fd == -1 && w->batch != NULL && mdb_create(w, err) == -1)
		return -1;
	while (len > 0) {
		n = write(w->fd, p, len);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return mx_err_errno(err, errno, _("%s: cannot write"),
			    w->tmp);
		}
		p += n;
		len -= (size_t)n;
	}
	w->nbuf = 0;
	return 0;
}

/* getpid() is a system call each time: once per process is enough
 * (nothing here forks and goes on writing). */
static pid_t
my_pid(void)
{
	static pid_t pid;
	pid_t p = __atomic_load_n(&pid, __ATOMIC_RELAXED);

	if (p == 0) {
		p = getpid();
		__atomic_store_n(&pid, p, __ATOMIC_RELAXED);
	}
	return p;
}

/* O_TMPFILE files stay open until they are linked: the process keeps
 * at most half its descriptor limit for them (the rest for everything
 * else, such as other threads' mboxes); past that, named files. */
static long anon_open;

static int
anon_take(void)
{
	static long cap = -1;
	long c = __atomic_load_n(&cap, __ATOMIC_RELAXED);
	struct rlimit rl;

	if (c == -1) {
		c = 0;
		if (getrlimit(RLIMIT_NOFILE, &rl) == 0)
			c = rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > 1 << 20 ?
			    1 << 19 : (long)rl.rlim_cur / 2 - 16;
		if (c < 0)
			c = 0;
		__atomic_store_n(&cap, c, __ATOMIC_RELAXED);
	}
	if (__atomic_add_fetch(&anon_open, 1, __ATOMIC_RELAXED) > c) {
		__atomic_sub_fetch(&anon_open, 1, __ATOMIC_RELAXED);
		return -1;
	}
	return 0;
}

static void
anon_close(int fd)
{
	close(fd);
	__atomic_sub_fetch(&anon_open, 1, __ATOMIC_RELAXED);
}

int
mx_maildir_umask_parse(const char *status)
{
	const char *p = strstr(status, "\nUmask:");
	unsigned v = 0;
	int digits = 0;

	if (p == NULL)
		return -1;
	for (p += 7; *p == ' ' || *p == '\t'; p++)
		;
	for (; *p >= '0' && *p <= '7'; p++, digits++)
		v = v * 8 + (unsigned)(*p - '0');
	if (digits == 0 || digits > 4 || (*p != '\n' && *p != '\0'))
		return -1;
	return (int)(v & 0777);
}

/* The process's umask, read without changing it (umask(2) can only be
 * read by setting it, which would race with other threads creating
 * files): from /proc/self/status. -1 when it cannot be known. */
static int
my_umask(void)
{
	char buf[4096];
	ssize_t n;
	int fd, m = -1;

	fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return -1;
	n = read(fd, buf, sizeof buf - 1);
	if (n > 0) {
		buf[n] = '\0';
		m = mx_maildir_umask_parse(buf);
	}
	close(fd);
	return m;
}

static struct mx_mdwriter *
md_alloc(const char *dir, struct mx_err *err)
{
	/* Not calloc: the 64 KiB buffer need not be zeroed each message. */
	struct mx_mdwriter *w = malloc(sizeof *w);

	if (w == NULL) {
		mx_err_errno(err, errno, "malloc");
		return NULL;
	}
	w->fd = -1;
	w->anon = 0;
	w->named = 0;
	w->batch = NULL;
	w->atfd = AT_FDCWD;
	w->cmode = 0;
	w->size = 0;
	w->nbuf = 0;
	if (snprintf(w->dir, sizeof w->dir, "%s", dir) >= (int)sizeof w->dir) {
		free(w);
		mx_err_set(err, MX_E_USAGE, _("%s: path too long"), dir);
		return NULL;
	}
	return w;
}

/* Name the temporary file: w->tmp is DIR/tmp/NAME, w->name its NAME. */
static int
md_name(struct mx_mdwriter *w, struct mx_err *err)
{
	static unsigned long seq;
	struct timeval tv;
	size_t dl = strlen(w->dir);

	gettimeofday(&tv, NULL);
	if (snprintf(w->tmp, sizeof w->tmp, "%s/tmp/%lld.M%ldP%ldQ%lu.mxmove",
	    w->dir, (long long)tv.tv_sec, (long)tv.tv_usec, (long)my_pid(),
	    __atomic_add_fetch(&seq, 1, __ATOMIC_RELAXED)) >= (int)sizeof w->tmp)
		return mx_err_set(err, MX_E_USAGE, _("%s: path too long"), w->dir);
	w->name = w->tmp + dl + 5;
	return 0;
}

int
mx_mdwriter_open(struct mx_mdwriter **out, const char *dir,
    struct mx_err *err)
{
	struct mx_mdwriter *w;

	w = md_alloc(dir, err);
	if (w == NULL)
		return -1;
	if (md_name(w, err) == -1) {
		free(w);
		return -1;
	}
	w->fd = open(w->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
	    O_NOFOLLOW, 0600);
	if (w->fd == -1) {
		mx_err_errno(err, errno, _("%s: cannot create"), w->tmp);
		free(w);
		return -1;
	}
	w->named = 1;
	*out = w;
	return 0;
}

int
mx_mdwriter_write(struct mx_mdwriter *w, const void *data, size_t len,
    struct mx_err *err)
{
	const char *p = data;
	size_t room;

	w->size += len;
	while (len > 0) {
		room = sizeof w->buf - w->nbuf;
		if (room > len)
			room = len;
		memcpy(w->buf + w->nbuf, p, room);
		w->nbuf += room;
		p += room;
		len -= room;
		if (w->nbuf == sizeof w->buf && md_flush(w, err) == -1)
			return -1;
	}
	return 0;
}

uint64_t
mx_mdwriter_size(const struct mx_mdwriter *w)
{
	return w->size;
}

void
mx_mdwriter_abort(struct mx_mdwriter *w)
{
	if (w == NULL)
		return;
	if (w->anon && w->fd != -1)
		anon_close(w->fd);
	else if (w->fd != -1)
		close(w->fd);
	if (w->named)
		unlinkat(w->atfd, w->atfd == AT_FDCWD ? w->tmp : w->name, 0);
	free(w);
}

/* Everything but the sync and the rename: the last bytes, mode and owner
 * (fchmod only when the file was not created with that mode already),
 * times, close. The file is complete once this returns 0. */
static int
md_finish(struct mx_mdwriter *w, mode_t mode, uid_t uid, gid_t gid,
    int64_t mtime, int sync, struct mx_err *err)
{
	struct timespec ts[2];

	if (md_flush(w, err) == -1)
		return -1;
	if ((w->cmode != (mode & 07777) && fchmod(w->fd, mode) == -1) ||
	    ((uid != (uid_t)-1 || gid != (gid_t)-1) &&
	    fchown(w->fd, uid, gid) == -1))
		return mx_err_errno(err, errno, _("%s: cannot set mode or owner"),
		    w->tmp);
	if (sync && fsync(w->fd) == -1)
		return mx_err_errno(err, errno, _("%s: cannot write"), w->tmp);
	if (mtime >= 0) {
		ts[0].tv_sec = ts[1].tv_sec = (time_t)mtime;
		ts[0].tv_nsec = ts[1].tv_nsec = 0;
		if (futimens(w->fd, ts) == -1)
			return mx_err_errno(err, errno, _("%s: cannot set its time"),
			    w->tmp);
	}
	if (w->anon)
		return 0;	/* it stays open until it is linked */
	if (close(w->fd) == -1) {
		w->fd = -1;
		return mx_err_errno(err, errno, _("%s: cannot write"), w->tmp);
	}
	w->fd = -1;
	return 0;
}

int
mx_mdwriter_commit(struct mx_mdwriter *w, const char *sub, const char *name,
    mode_t mode, uid_t uid, gid_t gid, int64_t mtime, int *existed,
    struct mx_err *err)
{
	char dst[PATH_MAX];

	*existed = 0;
	if (snprintf(dst, sizeof dst, "%s/%s/%s", w->dir, sub, name) >=
	    (int)sizeof dst) {
		mx_err_set(err, MX_E_USAGE, _("%s: path too long"), w->dir);
		goto fail;
	}
	if (md_finish(w, mode, uid, gid, mtime, 1, err) == -1)
		goto fail;
	/* link() never replaces: the name already there wins. */
	if (link(w->tmp, dst) == -1) {
		if (errno == EEXIST) {
			*existed = 1;
			mx_mdwriter_abort(w);
			return 0;
		}
		mx_err_errno(err, errno, _("%s: cannot move into place"), dst);
		goto fail;
	}
	unlink(w->tmp);
	free(w);
	return 0;
fail:
	mx_mdwriter_abort(w);
	return -1;
}

/* Group commit ------------------------------------------------------- */

/* A message waiting in tmp/: its names are relative to the directory
 * descriptors (the batch's own, or AT_FDCWD with whole paths). */
struct mdb_ent {
	char *tmp, *dst;	/* tmp NULL: fd is an O_TMPFILE file */
	int tmpfd, dstfd, fd;
	uint64_t size;
};

struct mx_mdbatch {
	int dirfd, tmpfd, newfd, curfd;
	char dir[PATH_MAX];
	mode_t cmode;		/* mode of a file created 0600 in tmp/, or 0 */
	struct mdb_ent e[MX_MDBATCH_MAX];
	size_t n;
	uint64_t bytes;
	uint64_t existed, existed_bytes;
	int anon;		/* 1: O_TMPFILE works here, 0: no, -1: unknown */
	int procfd;		/* /proc/self/fd, to link without privilege */
	dev_t dev;		/* the file system syncfs syncs */
};

static void
mdb_close(struct mx_mdbatch *b)
{
	if (b->curfd != -1)
		close(b->curfd);
	if (b->newfd != -1)
		close(b->newfd);
	if (b->tmpfd != -1)
		close(b->tmpfd);
	if (b->procfd != -1)
		close(b->procfd);
	close(b->dirfd);
}

int
mx_mdbatch_new(struct mx_mdbatch **out, const char *dir, struct mx_err *err)
{
	struct mx_mdbatch *b = calloc(1, sizeof *b);
	struct stat st;
	int um;

	if (b == NULL)
		return mx_err_errno(err, errno, "malloc");
	b->tmpfd = b->newfd = b->curfd = b->procfd = -1;
	b->anon = -1;
	if (snprintf(b->dir, sizeof b->dir, "%s", dir) >= (int)sizeof b->dir) {
		free(b);
		return mx_err_set(err, MX_E_USAGE, _("%s: path too long"), dir);
	}
	b->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (b->dirfd == -1 || fstat(b->dirfd, &st) == -1) {
		mx_err_errno(err, errno, _("%s: cannot open"), dir);
		if (b->dirfd != -1)
			close(b->dirfd);
		free(b);
		return -1;
	}
	b->dev = st.st_dev;
	/* The subdirectories by descriptor, for mx_mdbatch_writer (a
	 * Maildir without them still takes writers opened by path). */
	b->tmpfd = openat(b->dirfd, "tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC |
	    O_NOFOLLOW);
	b->newfd = openat(b->dirfd, "new", O_RDONLY | O_DIRECTORY | O_CLOEXEC |
	    O_NOFOLLOW);
	b->curfd = openat(b->dirfd, "cur", O_RDONLY | O_DIRECTORY | O_CLOEXEC |
	    O_NOFOLLOW);
	if ((b->tmpfd == -1 || b->newfd == -1 || b->curfd == -1) &&
	    (errno == EMFILE || errno == ENFILE)) {
		/* Not "not a Maildir": the process is out of descriptors. */
		mx_err_errno(err, errno, _("%s: cannot open its directories"),
		    dir);
		mdb_close(b);
		free(b);
		return -1;
	}
	/* A file created 0600 in tmp/ has mode 0600 & ~umask, unless tmp/
	 * has a default ACL (which then decides): fchmod is skipped only
	 * when that is known to be 0600. */
	um = my_umask();
	if (b->tmpfd != -1 && um != -1 && (um & 0600) == 0 &&
	    fgetxattr(b->tmpfd, "system.posix_acl_default", NULL, 0) == -1 &&
	    (errno == ENODATA || errno == ENOTSUP))
		b->cmode = 0600;
	*out = b;
	return 0;
}

int
mx_mdbatch_writer(struct mx_mdbatch *b, struct mx_mdwriter **out,
    struct mx_err *err)
{
	struct mx_mdwriter *w;

	if (b->tmpfd == -1 || b->newfd == -1 || b->curfd == -1)
		return mx_err_set(err, MX_E_IO, _("%s: not a Maildir (tmp/, new/ "
		    "and cur/ are needed)"), b->dir);
	w = md_alloc(b->dir, err);
	if (w == NULL)
		return -1;
	if (md_name(w, err) == -1) {
		free(w);
		return -1;
	}
	w->batch = b;
	w->atfd = b->tmpfd;
	w->cmode = b->cmode;
	*out = w;
	return 0;
}

/* Make a batch writer's file. */
static int
mdb_create(struct mx_mdwriter *w, struct mx_err *err)
{
	struct mx_mdbatch *b = w->batch;

	/* An O_TMPFILE file has no name in tmp/ to add and remove, and
	 * none left behind by a crash; where the file system has none, a
	 * named file in tmp/ (also when descriptors run short). */
	if (b->anon != 0 && anon_take() == 0) {
		w->fd = openat(b->tmpfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC,
		    0600);
		if (w->fd != -1) {
			b->anon = 1;
			w->anon = 1;
			return 0;
		}
		__atomic_sub_fetch(&anon_open, 1, __ATOMIC_RELAXED);
		if (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)
			b->anon = 0;
		else if (errno != EMFILE && errno != ENFILE)
			return mx_err_errno(err, errno, _("%s: cannot create"),
			    w->tmp);
	}
	w->fd = openat(b->tmpfd, w->name, O_WRONLY | O_CREAT | O_EXCL |
	    O_CLOEXEC | O_NOFOLLOW, 0600);
	if (w->fd == -1)
		return mx_err_errno(err, errno, _("%s: cannot create"), w->tmp);
	w->named = 1;
	return 0;
}

static void
mdb_drop(struct mdb_ent *e)
{
	if (e->tmp != NULL)
		unlinkat(e->tmpfd, e->tmp, 0);
	else
		anon_close(e->fd);
	free(e->tmp);
	free(e->dst);
}

/* Give an O_TMPFILE file its name (never over one already there). */
static int
mdb_link_anon(struct mx_mdbatch *b, struct mdb_ent *e)
{
	char fdname[32];

	if (linkat(e->fd, "", e->dstfd, e->dst, AT_EMPTY_PATH) == 0)
		return 0;
	if (errno != EPERM && errno != ENOENT)
		return -1;
	/* Without CAP_DAC_READ_SEARCH: through /proc/self/fd. */
	snprintf(fdname, sizeof fdname, "%d", e->fd);
	if (b->procfd == -1)
		b->procfd = open("/proc/self/fd", O_RDONLY | O_DIRECTORY |
		    O_CLOEXEC);
	if (b->procfd == -1)
		return -1;
	return linkat(b->procfd, fdname, e->dstfd, e->dst, AT_SYMLINK_FOLLOW);
}

/* After an attempt to put e in place (r its result, errno set when -1):
 * a name already there counts as "already there", another error fails
 * (the new rc). */
static int
mdb_placed(struct mx_mdbatch *b, const struct mdb_ent *e, int r,
    struct mx_err *err)
{
	if (r == 0)
		return 0;
	if (errno == EEXIST) {
		b->existed++;
		b->existed_bytes += e->size;
		return 0;
	}
	return mx_err_errno(err, errno, _("%s: cannot move into place"), e->dst);
}

/* Link what waits into place, the sync done (rc 0) or failed (rc -1:
 * everything is dropped). Returns rc, or -1 when a link failed. */
static int
mdb_link_all(struct mx_mdbatch *b, int rc, struct mx_err *err)
{
	struct mdb_ent *e;
	size_t i;
	int r;

	for (i = 0; i < b->n; i++) {
		e = &b->e[i];
		if (rc == 0 && e->tmp == NULL) {
			rc = mdb_placed(b, e, mdb_link_anon(b, e), err);
		} else if (rc == 0) {
			/* Into place without replacing: one rename where the
			 * file system has RENAME_NOREPLACE, else link (and
			 * mdb_drop unlinks). */
			if (renameat2(e->tmpfd, e->tmp, e->dstfd, e->dst,
			    RENAME_NOREPLACE) == 0) {
				free(e->tmp);
				free(e->dst);
				continue;
			}
			r = errno == EEXIST ? -1 : linkat(e->tmpfd, e->tmp,
			    e->dstfd, e->dst, 0);
			rc = mdb_placed(b, e, r, err);
		}
		mdb_drop(e);
	}
	b->n = 0;
	b->bytes = 0;
	return rc;
}

int
mx_mdbatch_flush(struct mx_mdbatch *b, struct mx_err *err)
{
	int rc = 0;

	if (b == NULL || b->n == 0)
		return 0;
	/* The data of every waiting file reaches the disk before any of
	 * them gets a visible name: a crash never leaves an empty message
	 * in new/ or cur/. */
	if (syncfs(b->dirfd) == -1)
		rc = mx_err_errno(err, errno, _("cannot sync the Maildir"));
	return mdb_link_all(b, rc, err);
}

int
mx_mdbatch_flush_many(struct mx_mdbatch *const *bs, size_t n, int *rcs,
    struct mx_err *errs)
{
	size_t i, k;
	int rc = 0;

	/* One sync per file system first (all data on disk), then the
	 * links, batch by batch. */
	for (i = 0; i < n; i++) {
		rcs[i] = 0;
		if (bs[i] == NULL || bs[i]->n == 0)
			continue;
		for (k = 0; k < i; k++)
			if (bs[k] != NULL && bs[k]->n > 0 &&
			    bs[k]->dev == bs[i]->dev)
				break;
		if (k < i) {
			rcs[i] = rcs[k];
			if (rcs[i] == -1)
				errs[i] = errs[k];
		} else if (syncfs(bs[i]->dirfd) == -1) {
			rcs[i] = mx_err_errno(&errs[i], errno,
			    _("cannot sync the Maildir"));
		}
	}
	for (i = 0; i < n; i++) {
		if (bs[i] == NULL || bs[i]->n == 0)
			continue;
		rcs[i] = mdb_link_all(bs[i], rcs[i], &errs[i]);
		if (rcs[i] == -1)
			rc = -1;
	}
	return rc;
}

void
mx_mdbatch_named(struct mx_mdbatch *b)
{
	b->anon = 0;
}

void
mx_mdbatch_existed(const struct mx_mdbatch *b, uint64_t *msgs, uint64_t *bytes)
{
	*msgs = b ? b->existed : 0;
	*bytes = b ? b->existed_bytes : 0;
}

size_t
mx_mdbatch_pending(const struct mx_mdbatch *b, uint64_t *bytes)
{
	if (bytes != NULL)
		*bytes = b ? b->bytes : 0;
	return b ? b->n : 0;
}

void
mx_mdbatch_free(struct mx_mdbatch *b)
{
	size_t i;

	if (b == NULL)
		return;
	for (i = 0; i < b->n; i++)
		mdb_drop(&b->e[i]);
	mdb_close(b);
	free(b);
}

int
mx_mdwriter_commit_batch(struct mx_mdwriter *w, struct mx_mdbatch *b,
    const char *sub, const char *name, mode_t mode, uid_t uid, gid_t gid,
    int64_t mtime, struct mx_err *err)
{
	struct mdb_ent *e;
	char dst[PATH_MAX];
	int mine;

	/* A writer of this batch names its files by descriptor; any other
	 * by whole paths. */
	mine = w->atfd != AT_FDCWD && w->atfd == b->tmpfd;
	if (mine && strcmp(sub, "new") != 0 && strcmp(sub, "cur") != 0)
		mine = 0;
	if (!mine && snprintf(dst, sizeof dst, "%s/%s/%s", w->dir, sub, name) >=
	    (int)sizeof dst) {
		mx_mdwriter_abort(w);
		return mx_err_set(err, MX_E_USAGE, _("%s: path too long"), w->dir);
	}
	if (md_finish(w, mode, uid, gid, mtime, 0, err) == -1) {
		mx_mdwriter_abort(w);
		return -1;
	}
	e = &b->e[b->n];
	e->fd = -1;
	if (w->anon) {
		e->tmp = NULL;
		e->dst = strdup(mine ? name : dst);
		e->fd = w->fd;
		e->tmpfd = AT_FDCWD;
		e->dstfd = !mine ? AT_FDCWD : strcmp(sub, "new") == 0 ?
		    b->newfd : b->curfd;
		w->fd = -1;
	} else if (mine) {
		e->tmp = strdup(w->name);
		e->dst = strdup(name);
		e->tmpfd = b->tmpfd;
		e->dstfd = strcmp(sub, "new") == 0 ? b->newfd : b->curfd;
	} else {
		e->tmp = strdup(w->tmp);
		e->dst = strdup(dst);
		e->tmpfd = e->dstfd = AT_FDCWD;
	}
	e->size = w->size;
	if ((e->tmp == NULL && e->fd == -1) || e->dst == NULL) {
		if (e->fd != -1)
			anon_close(e->fd);
		free(e->tmp);
		free(e->dst);
		mx_mdwriter_abort(w);
		return mx_err_errno(err, ENOMEM, "malloc");
	}
	b->n++;
	b->bytes += w->size;
	free(w);	/* the tmp/ file now belongs to the batch */
	if (b->n == MX_MDBATCH_MAX || b->bytes >= (64u << 20))
		return mx_mdbatch_flush(b, err);
	return 0;
}

/* maildirsize ------------------------------------------------------- */

struct quota_sum {
	uint64_t bytes, count;
};

static int
quota_visit(void *ctx, const char *folder, const char *sub, const char *name,
    const struct stat *st, struct mx_err *err)
{
	struct quota_sum *q = ctx;
	struct mx_mdname mn;

	(void)folder;
	(void)sub;
	(void)err;
	if (mx_maildir_parse_name(name, &mn) == -1)
		return 0;
	q->bytes += mn.has_size ? mn.size : (uint64_t)st->st_size;
	q->count++;
	return 0;
}

int
mx_maildir_quota_recompute(const char *root, const char *quota,
    uint64_t *bytes, uint64_t *count, struct mx_err *err)
{
	char path[PATH_MAX], tmp[PATH_MAX], def[256] = "";
	struct quota_sum q = { 0, 0 };
	struct stat st;
	FILE *fp;
	int fd, have = 0;

	if (mx_maildir_walk(root, quota_visit, &q, err) == -1)
		return -1;
	if (bytes)
		*bytes = q.bytes;
	if (count)
		*count = q.count;
	snprintf(path, sizeof path, "%s/maildirsize", root);
	fp = fopen(path, "re");
	if (fp != NULL) {
		have = 1;
		if (fgets(def, sizeof def, fp) == NULL)
			def[0] = '\0';
		def[strcspn(def, "\n")] = '\0';
		if (fstat(fileno(fp), &st) == -1)
			memset(&st, 0, sizeof st);
		fclose(fp);
	} else if (errno != ENOENT) {
		return mx_err_errno(err, errno, _("%s: cannot read"), path);
	}
	if (quota != NULL)
		snprintf(def, sizeof def, "%s", quota);
	else if (!have)
		return 0;
	snprintf(tmp, sizeof tmp, "%s/tmp/maildirsize.%ld", root, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd == -1)
		return mx_err_errno(err, errno, _("%s: cannot create"), tmp);
	if (dprintf(fd, "%s\n%" PRIu64 " %" PRIu64 "\n", def, q.bytes,
	    q.count) < 0 || fsync(fd) == -1 ||
	    (have && fchown(fd, st.st_uid, st.st_gid) == -1)) {
		mx_err_errno(err, errno, _("%s: cannot write"), tmp);
		close(fd);
		unlink(tmp);
		return -1;
	}
	if (!have && lstat(root, &st) == 0 && fchown(fd, st.st_uid, st.st_gid) == -1) {
		mx_err_errno(err, errno, _("%s: cannot set its owner"), tmp);
		close(fd);
		unlink(tmp);
		return -1;
	}
	close(fd);
	if (rename(tmp, path) == -1) {
		mx_err_errno(err, errno, _("%s: cannot replace"), path);
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* A name set: open addressing over FNV-1a hashes. ------------------- */

struct ns_slot {
	char *key;
	uint64_t size;
	uint64_t hash;		/* of key: no rehash to grow, few strcmp */
};

struct mx_nameset {
	struct ns_slot *slots;
	size_t cap, count;
	int ref;		/* keys are the caller's: neither copied nor freed */
};

static uint64_t
ns_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 1099511628211ULL;
	}
	return h;
}

struct mx_nameset *
mx_nameset_new(void)
{
	struct mx_nameset *s = calloc(1, sizeof *s);

	if (s == NULL)
		return NULL;
	s->cap = 256;
	s->slots = calloc(s->cap, sizeof *s->slots);
	if (s->slots == NULL) {
		free(s);
		return NULL;
	}
	return s;
}

struct mx_nameset *
mx_nameset_new_ref(void)
{
	struct mx_nameset *s = mx_nameset_new();

	if (s != NULL)
		s->ref = 1;
	return s;
}

void
mx_nameset_free(struct mx_nameset *s)
{
	size_t i;

	if (s == NULL)
		return;
	if (!s->ref)
		for (i = 0; i < s->cap; i++)
			free(s->slots[i].key);
	free(s->slots);
	free(s);
}

static struct ns_slot *
ns_find(const struct mx_nameset *s, const char *key, uint64_t h)
{
	size_t i = (size_t)h & (s->cap - 1);

	while (s->slots[i].key != NULL && (s->slots[i].hash != h ||
	    strcmp(s->slots[i].key, key) != 0))
		i = (i + 1) & (s->cap - 1);
	return &s->slots[i];
}

static int
ns_grow(struct mx_nameset *s)
{
	struct ns_slot *v;
	size_t i, j, cap = s->cap * 2;

	v = calloc(cap, sizeof *v);
	if (v == NULL)
		return -1;
	for (i = 0; i < s->cap; i++) {
		if (s->slots[i].key == NULL)
			continue;
		for (j = (size_t)s->slots[i].hash & (cap - 1); v[j].key != NULL;
		    j = (j + 1) & (cap - 1))
			;
		v[j] = s->slots[i];
	}
	free(s->slots);
	s->slots = v;
	s->cap = cap;
	return 0;
}

int
mx_nameset_add(struct mx_nameset *s, const char *key, uint64_t size)
{
	struct ns_slot *sl;
	uint64_t h = ns_hash(key);

	/* Up to three quarters full: a listing of 525 messages takes 1024
	 * slots, not 2048 (a pass holds many listings at once). */
	if ((s->count + 1) * 4 > s->cap * 3 && ns_grow(s) == -1)
		return -1;
	sl = ns_find(s, key, h);
	if (sl->key != NULL)
		return 0;
	sl->key = s->ref ? (char *)key : strdup(key);
	if (sl->key == NULL)
		return -1;
	sl->size = size;
	sl->hash = h;
	s->count++;
	return 1;
}

int
mx_nameset_has(const struct mx_nameset *s, const char *key, uint64_t *size)
{
	const struct ns_slot *sl = ns_find(s, key, ns_hash(key));

	if (sl->key == NULL)
		return 0;
	if (size != NULL)
		*size = sl->size;
	return 1;
}

size_t
mx_nameset_count(const struct mx_nameset *s)
{
	return s->count;
}
