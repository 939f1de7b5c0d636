/* audit.c - the audit log (see audit.h). */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "buf.h"
#include "i18n.h"

struct mx_audit {
	int fd;
	int own_fd;
	pthread_mutex_t lock;
	char **secrets;
	size_t nsecrets;
};

static int
audit_new(struct mx_audit **out, int fd, int own, struct mx_err *err)
{
	struct mx_audit *a = calloc(1, sizeof *a);

	if (a == NULL)
		return mx_err_set(err, MX_E_GENERIC, _("out of memory"));
	a->fd = fd;
	a->own_fd = own;
	pthread_mutex_init(&a->lock, NULL);
	*out = a;
	return 0;
}

int
mx_audit_open(struct mx_audit **out, const char *path, struct mx_err *err)
{
	int fd;

	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd == -1)
		return mx_err_errno(err, errno, _("audit log %s"), path);
	if (audit_new(out, fd, 1, err) == -1) {
		close(fd);
		return -1;
	}
	return 0;
}

int
mx_audit_open_fd(struct mx_audit **out, int fd, struct mx_err *err)
{
	return audit_new(out, fd, 0, err);
}

void
mx_audit_close(struct mx_audit *a)
{
	size_t i;

	if (a == NULL)
		return;
	if (a->own_fd)
		close(a->fd);
	for (i = 0; i < a->nsecrets; i++) {
		explicit_bzero(a->secrets[i], strlen(a->secrets[i]));
		free(a->secrets[i]);
	}
	free(a->secrets);
	pthread_mutex_destroy(&a->lock);
	free(a);
}

int
mx_audit_add_secret(struct mx_audit *a, const char *s)
{
	char **v, *copy;

	if (a == NULL || s == NULL || strlen(s) < 3)
		return 0;
	if ((copy = strdup(s)) == NULL)
		return -1;
	pthread_mutex_lock(&a->lock);
	v = realloc(a->secrets, (a->nsecrets + 1) * sizeof *v);
	if (v == NULL) {
		pthread_mutex_unlock(&a->lock);
		free(copy);
		return -1;
	}
	v[a->nsecrets++] = copy;
	a->secrets = v;
	pthread_mutex_unlock(&a->lock);
	return 0;
}

/* Append s with control characters escaped and secrets masked. Called
 * with the lock held. */
static int
put_escaped(struct mx_audit *a, struct mx_buf *b, const char *s)
{
	size_t i, n;
	int r = 0;

	while (*s != '\0' && r == 0) {
		for (i = 0; i < a->nsecrets; i++) {
			n = strlen(a->secrets[i]);
			if (strncmp(s, a->secrets[i], n) == 0)
				break;
		}
		if (i < a->nsecrets) {
			r = mx_buf_puts(b, "***");
			s += strlen(a->secrets[i]);
			continue;
		}
		switch (*s) {
		case '\n': r = mx_buf_puts(b, "\\n"); break;
		case '\t': r = mx_buf_puts(b, "\\t"); break;
		case '\r': r = mx_buf_puts(b, "\\r"); break;
		case '\\': r = mx_buf_puts(b, "\\\\"); break;
		default:
			if ((unsigned char)*s < 0x20 || *s == 0x7f)
				r = mx_buf_printf(b, "\\x%02x", (unsigned char)*s);
			else
				r = mx_buf_append(b, s, 1);
		}
		s++;
	}
	return r;
}

int
mx_audit_record(struct mx_audit *a, const char *host, const char *command,
    int status, double seconds)
{
	struct mx_buf b = MX_BUF_INIT;
	struct timespec ts;
	struct tm tm;
	char when[64];
	size_t off;
	ssize_t w;
	int r = 0;

	if (a == NULL)
		return 0;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
	pthread_mutex_lock(&a->lock);
	r |= mx_buf_printf(&b, "%s.%03ldZ\t", when, ts.tv_nsec / 1000000L);
	r |= put_escaped(a, &b, host);
	if (status < 0)
		r |= mx_buf_printf(&b, "\t-\t%.3fs\t", seconds);
	else
		r |= mx_buf_printf(&b, "\t%d\t%.3fs\t", status, seconds);
	r |= put_escaped(a, &b, command);
	r |= mx_buf_puts(&b, "\n");
	/* One write per line: O_APPEND keeps lines whole across processes. */
	for (off = 0; r == 0 && off < b.len; off += (size_t)w) {
		w = write(a->fd, b.data + off, b.len - off);
		if (w == -1 && errno == EINTR)
			w = 0;
		else if (w <= 0)
			r = -1;
	}
	pthread_mutex_unlock(&a->lock);
	mx_buf_free(&b);
	return r ? -1 : 0;
}
