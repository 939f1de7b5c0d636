/* journal.c - the transfer journal (see journal.h). */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
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

struct mx_journal {
	int fd, lockfd;
	pthread_mutex_t mu;
	char path[PATH_MAX];
};

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
	pthread_mutex_init(&j->mu, NULL);
	*out = j;
	return 0;
}

void
mx_journal_close(struct mx_journal *j)
{
	if (j == NULL)
		return;
	close(j->fd);
	close(j->lockfd);
	pthread_mutex_destroy(&j->mu);
	free(j);
}

static void
field(struct mx_buf *b, const char *s)
{
	for (; s && *s; s++)
		mx_buf_append(b, (*s == '\t' || *s == '\n' || *s == '\r') ?
		    " " : s, 1);
}

int
mx_journal_add(struct mx_journal *j, const char *user, const char *event,
    const char *detail, struct mx_err *err)
{
	struct mx_buf line = MX_BUF_INIT;
	ssize_t n;
	int rc = 0;

	if (j == NULL)
		return 0;
	mx_buf_printf(&line, "%lld\t", (long long)time(NULL));
	field(&line, user);
	mx_buf_puts(&line, "\t");
	field(&line, event);
	mx_buf_puts(&line, "\t");
	field(&line, detail);
	mx_buf_puts(&line, "\n");
	pthread_mutex_lock(&j->mu);
	n = write(j->fd, line.data, line.len);
	if (n != (ssize_t)line.len || fsync(j->fd) == -1)
		rc = mx_err_errno(err, errno ? errno : EIO, _("%s: cannot write"),
		    j->path);
	pthread_mutex_unlock(&j->mu);
	mx_buf_free(&line);
	return rc;
}

int
mx_journal_last(const char *dir, const char *user, char *event, size_t elen,
    char *detail, size_t dlen, struct mx_err *err)
{
	char path[PATH_MAX], *line = NULL, *f[4], *s;
	size_t cap = 0;
	ssize_t n;
	FILE *fp;
	int i;

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
		s = line;
		for (i = 0; i < 4; i++) {
			f[i] = s;
			s = i < 3 ? strchr(s, '\t') : NULL;
			if (i < 3) {
				if (s == NULL)
					break;
				*s++ = '\0';
			}
		}
		if (i < 4 || strcmp(f[1], user) != 0)
			continue;
		snprintf(event, elen, "%s", f[2]);
		if (detail != NULL)
			snprintf(detail, dlen, "%s", f[3]);
	}
	free(line);
	fclose(fp);
	return 0;
}
