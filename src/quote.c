/* quote.c - quoting for a remote POSIX shell (see quote.h). */
#include <config.h>

#include <string.h>

#include "quote.h"

static int
is_safe(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789@%+=:,./_-", *s) == NULL)
			return 0;
	return 1;
}

int
mx_shell_quote(struct mx_buf *b, const char *s)
{
	if (is_safe(s))
		return mx_buf_puts(b, s);
	if (mx_buf_puts(b, "'") == -1)
		return -1;
	for (; *s; s++) {
		if (*s == '\'') {
			if (mx_buf_puts(b, "'\\''") == -1)
				return -1;
		} else if (mx_buf_append(b, s, 1) == -1)
			return -1;
	}
	return mx_buf_puts(b, "'");
}

int
mx_shell_join(struct mx_buf *b, const char *const argv[])
{
	size_t i;

	for (i = 0; argv[i] != NULL; i++) {
		if (i > 0 && mx_buf_puts(b, " ") == -1)
			return -1;
		if (mx_shell_quote(b, argv[i]) == -1)
			return -1;
	}
	return 0;
}
