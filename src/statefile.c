/* statefile.c - files read and replaced whole (see statefile.h). */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"
#include "statefile.h"

int
mx_statefile_read(const char *path, char **data, size_t *len)
{
	struct stat st;
	size_t cap, n = 0;
	ssize_t r;
	char *b;
	int fd, e;

	*data = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return -1;
	cap = fstat(fd, &st) == 0 && st.st_size > 0 ? (size_t)st.st_size + 1 :
	    65536;
	if ((b = malloc(cap)) == NULL) {
		close(fd);
		return -2;
	}
	for (;;) {
		if (n + 1 >= cap) {
			char *nb = realloc(b, cap * 2);

			if (nb == NULL) {
				free(b);
				close(fd);
				return -2;
			}
			b = nb;
			cap *= 2;
		}
		r = read(fd, b + n, cap - 1 - n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	e = errno;
	close(fd);
	if (r == -1) {
		free(b);
		errno = e;
		return -1;
	}
	b[n] = '\0';
	*data = b;
	*len = n;
	return 0;
}

int
mx_statefile_replace(const char *path, const void *data, size_t len,
    struct mx_err *err)
{
	char tmp[PATH_MAX];
	ssize_t w;
	int fd, e;

	if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
		return mx_err_set(err, MX_E_USAGE, _("%s: path too long"), path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd == -1)
		return mx_err_errno(err, errno, _("%s: cannot create"), tmp);
	w = write(fd, data, len);
	e = w == -1 ? errno : EIO;
	if (close(fd) == -1 && w == (ssize_t)len) {
		w = -1;
		e = errno;
	}
	if (w != (ssize_t)len) {
		unlink(tmp);
		return mx_err_errno(err, e, _("%s: cannot write"), tmp);
	}
	if (rename(tmp, path) == -1) {
		e = errno;
		unlink(tmp);
		return mx_err_errno(err, e, _("%s: cannot write"), path);
	}
	return 0;
}
