/* host-local.c - the local transport: this machine, or this machine
 * rooted at a directory holding a mounted or copied disk (local:/mnt/old).
 *
 * Commands run through /bin/sh -c (the working directory is the root).
 * File paths on a rooted host are resolved inside the root with
 * openat2(RESOLVE_IN_ROOT): an absolute symbolic link on the copied disk
 * ("/var/qmail -> /usr/local/qmail") resolves inside the copy, never on
 * this machine, and ".." cannot climb out of it. */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "host-impl.h"
#include "i18n.h"

#define MAX_SMALL_FILE (256u << 20)	/* read_file refuses beyond this */
#define MAX_ERRTEXT (64u << 10)		/* stderr kept for a stream */

struct local {
	int rootfd;	/* O_PATH of the root, or -1 */
};

struct lstream {
	pid_t pid;
	int fd;		/* the pipe: child's stdout (read) or stdin (write) */
	int errfd;	/* an unlinked temporary file holding stderr */
};

static int
local_open(struct mx_host *h, struct mx_hostkey_info *key, struct mx_err *err)
{
	struct local *l;
	struct stat st;

	(void)key;
	if ((l = calloc(1, sizeof *l)) == NULL)
		return mx_err_set(err, MX_E_GENERIC, _("out of memory"));
	l->rootfd = -1;
	if (h->root != NULL) {
		l->rootfd = open(h->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (l->rootfd == -1) {
			int e = errno;

			free(l);
			if (e == ENOTDIR)
				return mx_err_set(err, MX_E_USAGE,
				    _("%s is not a directory"), h->root);
			return mx_err_errno(err, e, _("cannot open the root %s"),
			    h->root);
		}
		if (fstat(l->rootfd, &st) == -1 || !S_ISDIR(st.st_mode)) {
			close(l->rootfd);
			free(l);
			return mx_err_set(err, MX_E_USAGE,
			    _("%s is not a directory"), h->root);
		}
	}
	h->priv = l;
	return 0;
}

static void
local_close(struct mx_host *h)
{
	struct local *l = h->priv;

	if (l == NULL)
		return;
	if (l->rootfd != -1)
		close(l->rootfd);
	free(l);
	h->priv = NULL;
}

/* open(2) of a path as the host sees it. */
static int
host_openat(struct mx_host *h, const char *path, int flags, mode_t mode)
{
	struct local *l = h->priv;
	struct open_how how;
	char *full;
	long fd;
	int e;

	flags |= O_CLOEXEC;
	if (l->rootfd == -1)
		return open(path, flags, mode);
	memset(&how, 0, sizeof how);
	how.flags = (uint64_t)flags;
	how.mode = (flags & O_CREAT) ? mode : 0;
	how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
	fd = syscall(SYS_openat2, l->rootfd, path, &how, sizeof how);
	if (fd != -1 || (errno != ENOSYS && errno != EPERM))
		return (int)fd;
	/* A kernel before 5.6 (or a filter refusing openat2): plain paths
	 * under the root; absolute links then resolve on this machine. */
	if ((full = mx_host_path(h, path)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	fd = open(full, flags, mode);
	e = errno;
	free(full);
	errno = e;
	return (int)fd;
}

/* Write to a pipe without dying of SIGPIPE. */
static ssize_t
pipe_write(int fd, const void *buf, size_t len)
{
	struct mx_sigpipe sp;
	ssize_t n;

	mx_sigpipe_block(&sp);
	do
		n = write(fd, buf, len);
	while (n == -1 && errno == EINTR);
	mx_sigpipe_restore(&sp);
	return n;
}

static int
exit_status(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return 255;
}

static int
wait_child(pid_t pid, int *status)
{
	int ws;

	while (waitpid(pid, &ws, 0) == -1)
		if (errno != EINTR)
			return -1;
	*status = exit_status(ws);
	return 0;
}

/* Start /bin/sh -c cmd with fds[0..2] as its stdin/stdout/stderr (-1:
 * /dev/null). Only async-signal-safe calls between fork and exec. */
static pid_t
spawn(struct mx_host *h, const char *cmd, const int fds[3])
{
	const char *argv[] = { "sh", "-c", cmd, NULL };
	sigset_t none;
	pid_t pid;
	int devnull, i, fd;

	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull == -1)
		return -1;
	sigemptyset(&none);
	pid = fork();
	if (pid == 0) {
		for (i = 0; i < 3; i++) {
			fd = fds[i] == -1 ? devnull : fds[i];
			if (dup2(fd, i) == -1)
				_exit(127);
			if (fd == i)
				fcntl(i, F_SETFD, 0);
		}
		signal(SIGPIPE, SIG_DFL);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (h->root != NULL && chdir(h->root) == -1)
			_exit(126);
		execv("/bin/sh", (char *const *)argv);
		_exit(127);
	}
	close(devnull);
	return pid;
}

static int
append_fd(struct mx_buf *b, int fd, size_t max)
{
	char chunk[8192];
	ssize_t n;

	while ((n = read(fd, chunk, sizeof chunk)) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (b != NULL && b->len < max)
			mx_buf_append(b, chunk, (size_t)n);
	}
	return 0;
}

static int
local_run(struct mx_host *h, const char *cmd, const void *in, size_t inlen,
    struct mx_buf *out, struct mx_buf *errout, int *status, struct mx_err *err)
{
	int pin[2] = { -1, -1 }, pout[2] = { -1, -1 }, perr[2] = { -1, -1 };
	struct pollfd pfd[3];
	const char *inp = in;
	size_t done = 0;
	char chunk[16384];
	pid_t pid;
	ssize_t n;
	int fds[3], i, open_fds, e = 0;

	if (pipe2(pin, O_CLOEXEC) == -1 || pipe2(pout, O_CLOEXEC) == -1 ||
	    pipe2(perr, O_CLOEXEC) == -1) {
		e = errno;
		goto fail;
	}
	fds[0] = pin[0];
	fds[1] = pout[1];
	fds[2] = perr[1];
	if ((pid = spawn(h, cmd, fds)) == -1) {
		e = errno;
		goto fail;
	}
	close(pin[0]);
	close(pout[1]);
	close(perr[1]);
	pin[0] = pout[1] = perr[1] = -1;
	fcntl(pin[1], F_SETFL, O_NONBLOCK);
	if (inlen == 0) {
		close(pin[1]);
		pin[1] = -1;
	}
	for (;;) {
		pfd[0].fd = pin[1];
		pfd[0].events = POLLOUT;
		pfd[1].fd = pout[0];
		pfd[1].events = POLLIN;
		pfd[2].fd = perr[0];
		pfd[2].events = POLLIN;
		open_fds = (pin[1] != -1) + (pout[0] != -1) + (perr[0] != -1);
		if (open_fds == 0)
			break;
		if (poll(pfd, 3, -1) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pin[1] != -1 && (pfd[0].revents & (POLLOUT | POLLERR))) {
			n = pipe_write(pin[1], inp + done, inlen - done);
			if (n > 0)
				done += (size_t)n;
			if ((n == -1 && errno != EAGAIN) || done == inlen) {
				close(pin[1]);	/* EPIPE: it stopped reading */
				pin[1] = -1;
			}
		}
		for (i = 1; i < 3; i++) {
			int *fd = i == 1 ? &pout[0] : &perr[0];
			struct mx_buf *b = i == 1 ? out : errout;

			if (*fd == -1 || !(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = read(*fd, chunk, sizeof chunk);
			if (n > 0) {
				if (b != NULL && mx_buf_append(b, chunk, (size_t)n) == -1)
					e = ENOMEM;
			} else if (n == 0 || errno != EINTR) {
				close(*fd);
				*fd = -1;
			}
		}
	}
	for (i = 0; i < 2; i++) {
		if (pin[i] != -1) close(pin[i]);
		if (pout[i] != -1) close(pout[i]);
		if (perr[i] != -1) close(perr[i]);
	}
	if (wait_child(pid, status) == -1)
		return mx_err_errno(err, errno, _("waiting for '%s'"), cmd);
	if (e != 0)
		return mx_err_errno(err, e, _("reading the output of '%s'"), cmd);
	return 0;
fail:
	for (i = 0; i < 2; i++) {
		if (pin[i] != -1) close(pin[i]);
		if (pout[i] != -1) close(pout[i]);
		if (perr[i] != -1) close(perr[i]);
	}
	return mx_err_errno(err, e, _("cannot run '%s'"), cmd);
}

static int
errfile(void)
{
	const char *dir = getenv("TMPDIR");
	int fd;

	fd = open(dir && *dir ? dir : "/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC,
	    0600);
	if (fd == -1)
		fd = open("/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	return fd;
}

static int
local_exec(struct mx_host *h, struct mx_stream *s, struct mx_err *err)
{
	struct lstream *ls;
	int p[2], fds[3], e;

	if ((ls = calloc(1, sizeof *ls)) == NULL)
		return mx_err_set(err, MX_E_GENERIC, _("out of memory"));
	if ((ls->errfd = errfile()) == -1) {
		e = errno;
		free(ls);
		return mx_err_errno(err, e, _("cannot make a temporary file "
		    "for the errors of '%s'"), s->cmd);
	}
	if (pipe2(p, O_CLOEXEC) == -1) {
		e = errno;
		close(ls->errfd);
		free(ls);
		return mx_err_errno(err, e, _("cannot run '%s'"), s->cmd);
	}
	fds[0] = s->writing ? p[0] : -1;
	fds[1] = s->writing ? -1 : p[1];
	fds[2] = ls->errfd;
	if ((ls->pid = spawn(h, s->cmd, fds)) == -1) {
		e = errno;
		close(p[0]);
		close(p[1]);
		close(ls->errfd);
		free(ls);
		return mx_err_errno(err, e, _("cannot run '%s'"), s->cmd);
	}
	close(s->writing ? p[0] : p[1]);
	ls->fd = s->writing ? p[1] : p[0];
	s->priv = ls;
	return 0;
}

static ssize_t
local_sread(struct mx_stream *s, void *buf, size_t len, struct mx_err *err)
{
	struct lstream *ls = s->priv;
	ssize_t n;

	do
		n = read(ls->fd, buf, len);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return mx_err_errno(err, errno, _("reading from '%s'"), s->cmd);
	return n;
}

static int
local_swrite(struct mx_stream *s, const void *buf, size_t len,
    struct mx_err *err)
{
	struct lstream *ls = s->priv;
	const char *p = buf;
	char size[32];
	ssize_t n;

	while (len > 0) {
		n = pipe_write(ls->fd, p, len);
		if (n == -1) {
			mx_host_fmt_bytes(size, sizeof size, s->bytes);
			if (errno == EPIPE)
				return mx_err_set(err, MX_E_REMOTE,
				    _("'%s' stopped reading after %s"), s->cmd,
				    size);
			return mx_err_errno(err, errno, _("writing to '%s'"),
			    s->cmd);
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
local_sclose(struct mx_stream *s, int *status, struct mx_buf *errout,
    struct mx_err *err)
{
	struct lstream *ls = s->priv;
	int r = 0;

	close(ls->fd);
	if (wait_child(ls->pid, status) == -1)
		r = mx_err_errno(err, errno, _("waiting for '%s'"), s->cmd);
	if (errout != NULL && lseek(ls->errfd, 0, SEEK_SET) == 0)
		append_fd(errout, ls->errfd, MAX_ERRTEXT);
	close(ls->errfd);
	free(ls);
	s->priv = NULL;
	return r;
}

static int
local_read_file(struct mx_host *h, const char *path, struct mx_buf *out,
    struct mx_err *err)
{
	struct stat st;
	size_t before = out->len;
	int fd, e;

	if ((fd = host_openat(h, path, O_RDONLY, 0)) == -1)
		return mx_err_errno(err, errno, "%s", path);
	if (fstat(fd, &st) == -1) {
		e = errno;
		close(fd);
		return mx_err_errno(err, e, "%s", path);
	}
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > MAX_SMALL_FILE) {
		close(fd);
		if (S_ISDIR(st.st_mode))
			return mx_err_set(err, MX_E_IO, _("%s is a directory"),
			    path);
		return mx_err_set(err, MX_E_IO,
		    _("%s: not a small regular file"), path);
	}
	if (append_fd(out, fd, (size_t)-1) == -1) {
		e = errno;
		close(fd);
		out->len = before;
		return mx_err_errno(err, e, _("reading %s"), path);
	}
	close(fd);
	if (out->data == NULL)
		mx_buf_append(out, "", 0);
	return 0;
}

static int
write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
local_write_file(struct mx_host *h, const char *path, const void *data,
    size_t len, mode_t mode, uid_t uid, gid_t gid, int keep_owner,
    struct mx_err *err)
{
	char tmp[300], *dir = NULL;
	const char *base;
	struct stat st;
	int dfd = -1, fd = -1, tries, e;

	if (mx_host_split_path(path, &dir, &base, err) == -1)
		return -1;
	dfd = host_openat(h, dir, O_RDONLY | O_DIRECTORY, 0);
	if (dfd == -1) {
		e = errno;
		mx_err_errno(err, e, _("%s: cannot open the directory %s"),
		    path, dir);
		free(dir);
		return -1;
	}
	free(dir);
	if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (S_ISLNK(st.st_mode) || !S_ISREG(st.st_mode)) {
			close(dfd);
			return mx_err_set(err, MX_E_IO,
			    _("%s is not a regular file (a link or a "
			    "directory); not replacing it"), path);
		}
		if (keep_owner) {
			mode = st.st_mode & 07777;
			uid = st.st_uid;
			gid = st.st_gid;
		}
	} else if (errno != ENOENT) {
		e = errno;
		close(dfd);
		return mx_err_errno(err, e, "%s", path);
	}
	for (tries = 0; tries < 20 && fd == -1; tries++) {
		mx_host_tmp_name(tmp, sizeof tmp, base);
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
		    O_NOFOLLOW, 0600);
		if (fd == -1 && errno != EEXIST)
			break;
	}
	if (fd == -1) {
		e = errno;
		close(dfd);
		return mx_err_errno(err, e, _("%s: cannot create a temporary "
		    "file beside it"), path);
	}
	if (write_all(fd, data, len) == -1 || fsync(fd) == -1) {
		e = errno;
		mx_err_errno(err, e, _("writing %s"), path);
		goto fail;
	}
	if ((uid != (uid_t)-1 || gid != (gid_t)-1) &&
	    fchown(fd, uid, gid) == -1) {
		e = errno;
		mx_err_errno(err, e, _("%s: cannot give it owner %ld:%ld"),
		    path, uid == (uid_t)-1 ? -1L : (long)uid,
		    gid == (gid_t)-1 ? -1L : (long)gid);
		goto fail;
	}
	if (fchmod(fd, mode & 07777) == -1) {
		e = errno;
		mx_err_errno(err, e, _("%s: cannot set mode %04o"), path,
		    (unsigned)(mode & 07777));
		goto fail;
	}
	if (close(fd) == -1) {
		fd = -1;
		e = errno;
		mx_err_errno(err, e, _("writing %s"), path);
		goto fail;
	}
	fd = -1;
	if (renameat(dfd, tmp, dfd, base) == -1) {
		e = errno;
		mx_err_errno(err, e, _("%s: cannot rename the new version "
		    "into place"), path);
		goto fail;
	}
	fsync(dfd);
	close(dfd);
	return 0;
fail:
	if (fd != -1)
		close(fd);
	unlinkat(dfd, tmp, 0);
	close(dfd);
	return -1;
}

static void
fill_stat(struct mx_stat *st, const struct stat *sb)
{
	st->exists = 1;
	st->is_dir = S_ISDIR(sb->st_mode);
	st->is_reg = S_ISREG(sb->st_mode);
	st->mode = sb->st_mode & 07777;
	st->uid = sb->st_uid;
	st->gid = sb->st_gid;
	st->size = (uint64_t)sb->st_size;
	st->mtime = (int64_t)sb->st_mtime;
}

static int
local_stat(struct mx_host *h, const char *path, struct mx_stat *st,
    struct mx_err *err)
{
	struct stat sb;
	int fd;

	fd = host_openat(h, path, O_PATH | O_NOFOLLOW, 0);
	if (fd == -1) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;	/* exists = 0 */
		return mx_err_errno(err, errno, "%s", path);
	}
	if (fstatat(fd, "", &sb, AT_EMPTY_PATH) == -1) {
		close(fd);
		return mx_err_errno(err, errno, "%s", path);
	}
	close(fd);
	fill_stat(st, &sb);
	if (!S_ISLNK(sb.st_mode))
		return 0;
	st->is_link = 1;
	fd = host_openat(h, path, O_PATH, 0);
	if (fd == -1)
		return 0;	/* dangling: the link's own fields */
	if (fstatat(fd, "", &sb, AT_EMPTY_PATH) == 0)
		fill_stat(st, &sb);
	st->is_link = 1;
	close(fd);
	return 0;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
local_list(struct mx_host *h, const char *path, char ***names, size_t *count,
    struct mx_err *err)
{
	struct dirent *de;
	char **v = NULL, **nv;
	size_t n = 0, cap = 0;
	DIR *d;
	int fd;

	if ((fd = host_openat(h, path, O_RDONLY | O_DIRECTORY, 0)) == -1)
		return mx_err_errno(err, errno, "%s", path);
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return mx_err_errno(err, errno, "%s", path);
	}
	errno = 0;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			if ((nv = realloc(v, cap * sizeof *v)) == NULL)
				goto nomem;
			v = nv;
		}
		if ((v[n] = strdup(de->d_name)) == NULL)
			goto nomem;
		n++;
	}
	closedir(d);
	if (n > 0)
		qsort(v, n, sizeof *v, cmp_names);
	*names = v;
	*count = n;
	return 0;
nomem:
	closedir(d);
	mx_strv_free(v, n);
	return mx_err_set(err, MX_E_GENERIC, _("out of memory"));
}

static int
local_df(struct mx_host *h, const char *path, uint64_t *avail,
    uint64_t *total, struct mx_err *err)
{
	struct statvfs sv;
	int fd;

	if ((fd = host_openat(h, path, O_PATH, 0)) == -1)
		return mx_err_errno(err, errno, "%s", path);
	if (fstatvfs(fd, &sv) == -1) {
		int e = errno;

		close(fd);
		return mx_err_errno(err, e, _("free space of %s"), path);
	}
	close(fd);
	*avail = (uint64_t)sv.f_bavail * sv.f_frsize;
	if (total != NULL)
		*total = (uint64_t)sv.f_blocks * sv.f_frsize;
	return 0;
}

const struct mx_host_ops mx_host_local_ops = {
	.scheme = "local",
	.open = local_open,
	.close = local_close,
	.run = local_run,
	.exec = local_exec,
	.sread = local_sread,
	.swrite = local_swrite,
	.sclose = local_sclose,
	.read_file = local_read_file,
	.write_file = local_write_file,
	.stat = local_stat,
	.list = local_list,
	.df = local_df,
};
