/* journal.c - the transfer journal (see journal.h). */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "i18n.h"
#include "journal.h"
#include "maildir.h"

/* The last event of each user, read once at open and kept up to date
 * by every line added. */
struct last {
	char *event, *detail;
};

struct mx_journal {
	int fd, lockfd;
	int unsynced;		/* lines written since the last fsync */
	pthread_mutex_t mu;
	char path[PATH_MAX];
	struct mx_nameset *users;	/* user -> index into last */
	struct last *last;
	size_t nlast, caplast;
};

/* Split a whole line (its newline taken off) into its four fields;
 * -1 for anything else (a line torn by a crash and then ended). */
static int
split_line(char *line, char *f[4])
{
	char *s = line;
	int i;

	for (i = 0; i < 3; i++) {
		f[i] = s;
		s = strchr(s, '\t');
		if (s == NULL)
			return -1;
		*s++ = '\0';
	}
	f[3] = s;
	return 0;
}

/* Record event and detail as user's last (mu held, or not yet shared). */
static int
set_last(struct mx_journal *j, const char *user, const char *event,
    const char *detail)
{
	struct last *l;
	char *e, *d;
	uint64_t i;

	e = strdup(event);
	d = strdup(detail);
	if (e == NULL || d == NULL)
		goto nomem;
	if (mx_nameset_has(j->users, user, &i)) {
		l = &j->last[i];
		free(l->event);
		free(l->detail);
		l->event = e;
		l->detail = d;
		return 0;
	}
	if (j->nlast == j->caplast) {
		size_t cap = j->caplast ? j->caplast * 2 : 64;

		l = realloc(j->last, cap * sizeof *l);
		if (l == NULL)
			goto nomem;
		j->last = l;
		j->caplast = cap;
	}
	if (mx_nameset_add(j->users, user, (uint64_t)j->nlast) == -1)
		goto nomem;
	j->last[j->nlast].event = e;
	j->last[j->nlast].detail = d;
	j->nlast++;
	return 0;
nomem:
	free(e);
	free(d);
	return -1;
}

/* Every user's last event from the journal (one read of the file). */
static int
load_last(struct mx_journal *j, struct mx_err *err)
{
	char *line = NULL, *f[4];
	size_t cap = 0;
	ssize_t n;
	FILE *fp;
	int fd, rc = 0;

	fd = open(j->path, O_RDONLY | O_CLOEXEC);
	if (fd == -1 || (fp = fdopen(fd, "r")) == NULL) {
		mx_err_errno(err, errno, _("%s: cannot read"), j->path);
		if (fd != -1)
			close(fd);
		return -1;
	}
	while ((n = getline(&line, &cap, fp)) > 0) {
		if (line[n - 1] != '\n')
			break;		/* a torn last line: ignored */
		line[n - 1] = '\0';
		if (split_line(line, f) == -1)
			continue;
		if (set_last(j, f[1], f[2], f[3]) == -1) {
			rc = mx_err_errno(err, ENOMEM, "malloc");
			break;
		}
	}
	if (rc == 0 && ferror(fp))
		rc = mx_err_errno(err, errno, _("%s: cannot read"), j->path);
	free(line);
	fclose(fp);
	return rc;
}

static void
free_last(struct mx_journal *j)
{
	size_t i;

	for (i = 0; i < j->nlast; i++) {
		free(j->last[i].event);
		free(j->last[i].detail);
	}
	free(j->last);
	mx_nameset_free(j->users);
}

static int
mkdirs(const char *dir, struct mx_err *err)
{
	char p[PATH_MAX], *s;

	if (snprintf(p, sizeof p, "%s", dir) >= (int)sizeof p)
		return mx_err_set(err, MX_E_USAGE, _("%s: path too long"), dir);
	for (s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0700) == -1 && errno != EEXIST)
			return mx_err_errno(err, errno, _("%s: cannot create"), p);
		*s = '/';
	}
	if (mkdir(p, 0700) == -1 && errno != EEXIST)
		return mx_err_errno(err, errno, _("%s: cannot create"), p);
	return 0;
}

int
mx_journal_open(struct mx_journal **out, const char *dir, struct mx_err *err)
{
	struct mx_journal *j;
	char lock[PATH_MAX];

	if (mkdirs(dir, err) == -1)
		return -1;
	j = calloc(1, sizeof *j);
	if (j == NULL)
		return mx_err_errno(err, errno, "malloc");
	snprintf(j->path, sizeof j->path, "%s/journal", dir);
	snprintf(lock, sizeof lock, "%s/lock", dir);
	j->lockfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (j->lockfd == -1) {
		mx_err_errno(err, errno, _("%s: cannot open"), lock);
		free(j);
		return -1;
	}
	if (flock(j->lockfd, LOCK_EX | LOCK_NB) == -1) {
		mx_err_set(err, MX_E_USAGE, _("%s: another mxmove run uses this "
		    "state directory; wait for it or give another --state"), dir);
		close(j->lockfd);
		free(j);
		return -1;
	}
	j->fd = open(j->path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (j->fd == -1) {
		mx_err_errno(err, errno, _("%s: cannot open"), j->path);
		close(j->lockfd);
		free(j);
		return -1;
	}
	{
		/* A line torn by a crash is ended, so the next one is whole. */
		struct stat st;
		char c;

		if (fstat(j->fd, &st) == 0 && st.st_size > 0 &&
		    pread(j->fd, &c, 1, st.st_size - 1) != 1)
			c = '\n';
		if (st.st_size > 0 && c != '\n' && write(j->fd, "\n", 1) != 1) {
			mx_err_errno(err, errno, _("%s: cannot write"), j->path);
			close(j->fd);
			close(j->lockfd);
			free(j);
			return -1;
		}
	}
	/* Read once: every user's last event, for the whole run. */
	j->users = mx_nameset_new();
	if (j->users == NULL || load_last(j, err) == -1) {
		if (j->users == NULL)
			mx_err_errno(err, ENOMEM, "malloc");
		free_last(j);
		close(j->fd);
		close(j->lockfd);
		free(j);
		return -1;
	}
	pthread_mutex_init(&j->mu, NULL);
	*out = j;
	return 0;
}

void
mx_journal_close(struct mx_journal *j)
{
	if (j == NULL)
		return;
	/* The outcomes written without fsync are made durable together. */
	if (j->unsynced)
		(void)fsync(j->fd);
	close(j->fd);
	close(j->lockfd);
	pthread_mutex_destroy(&j->mu);
	free_last(j);
	free(j);
}

static void
field(struct mx_buf *b, const char *s)
{
	for (; s && *s; s++)
		mx_buf_append(b, (*s == '\t' || *s == '\n' || *s == '\r') ?
		    " " : s, 1);
}

static int
add(struct mx_journal *j, const char *user, const char *event,
    const char *detail, int sync, struct mx_err *err)
{
	struct mx_buf line = MX_BUF_INIT, u = MX_BUF_INIT, e = MX_BUF_INIT,
	    d = MX_BUF_INIT;
	ssize_t n;
	int rc = 0;

	if (j == NULL)
		return 0;
	field(&u, user);
	field(&e, event);
	field(&d, detail);
	mx_buf_printf(&line, "%lld\t%s\t%s\t%s\n", (long long)time(NULL),
	    u.data ? u.data : "", e.data ? e.data : "", d.data ? d.data : "");
	pthread_mutex_lock(&j->mu);
	errno = 0;
	if (line.data == NULL)
		rc = mx_err_errno(err, ENOMEM, "malloc");
	else if ((n = write(j->fd, line.data, line.len)) != (ssize_t)line.len)
		rc = mx_err_errno(err, errno ? errno : EIO, _("%s: cannot write"),
		    j->path);
	else if (sync && fsync(j->fd) == -1)
		rc = mx_err_errno(err, errno, _("%s: cannot write"), j->path);
	else {
		/* One fsync makes every line before it durable too. */
		j->unsynced = !sync;
		if (set_last(j, u.data ? u.data : "", e.data ? e.data : "",
		    d.data ? d.data : "") == -1)
			rc = mx_err_errno(err, ENOMEM, "malloc");
	}
	pthread_mutex_unlock(&j->mu);
	mx_buf_free(&line);
	mx_buf_free(&u);
	mx_buf_free(&e);
	mx_buf_free(&d);
	return rc;
}

int
mx_journal_add(struct mx_journal *j, const char *user, const char *event,
    const char *detail, struct mx_err *err)
{
	return add(j, user, event, detail, 1, err);
}

int
mx_journal_note(struct mx_journal *j, const char *user, const char *event,
    const char *detail, struct mx_err *err)
{
	return add(j, user, event, detail, 0, err);
}

int
mx_journal_sync(struct mx_journal *j, struct mx_err *err)
{
	int rc = 0;

	if (j == NULL)
		return 0;
	pthread_mutex_lock(&j->mu);
	if (j->unsynced) {
		if (fsync(j->fd) == -1)
			rc = mx_err_errno(err, errno, _("%s: cannot write"),
			    j->path);
		else
			j->unsynced = 0;
	}
	pthread_mutex_unlock(&j->mu);
	return rc;
}

void
mx_journal_get(struct mx_journal *j, const char *user, char *event,
    size_t elen, char *detail, size_t dlen)
{
	uint64_t i;

	if (elen > 0)
		event[0] = '\0';
	if (detail != NULL && dlen > 0)
		detail[0] = '\0';
	if (j == NULL)
		return;
	pthread_mutex_lock(&j->mu);
	if (mx_nameset_has(j->users, user, &i)) {
		snprintf(event, elen, "%s", j->last[i].event);
		if (detail != NULL)
			snprintf(detail, dlen, "%s", j->last[i].detail);
	}
	pthread_mutex_unlock(&j->mu);
}

int
mx_journal_last(const char *dir, const char *user, char *event, size_t elen,
    char *detail, size_t dlen, struct mx_err *err)
{
	char path[PATH_MAX], *line = NULL, *f[4];
	size_t cap = 0;
	ssize_t n;
	FILE *fp;

	event[0] = '\0';
	if (detail != NULL && dlen > 0)
		detail[0] = '\0';
	snprintf(path, sizeof path, "%s/journal", dir);
	fp = fopen(path, "re");
	if (fp == NULL) {
		if (errno == ENOENT)
			return 0;
		return mx_err_errno(err, errno, _("%s: cannot read"), path);
	}
	while ((n = getline(&line, &cap, fp)) > 0) {
		if (line[n - 1] != '\n')
			break;		/* a torn last line: ignored */
		line[n - 1] = '\0';
		if (split_line(line, f) == -1 || strcmp(f[1], user) != 0)
			continue;
		snprintf(event, elen, "%s", f[2]);
		if (detail != NULL)
			snprintf(detail, dlen, "%s", f[3]);
	}
	free(line);
	fclose(fp);
	return 0;
}
