/* buf.h - a growable byte buffer, always NUL-terminated. */
#ifndef MX_BUF_H
#define MX_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct mx_buf {
	char *data;	/* NUL-terminated; NULL until the first append */
	size_t len;
	size_t cap;
};

#define MX_BUF_INIT { NULL, 0, 0 }

/* Each returns 0, or -1 when memory runs out (the buffer is unchanged). */
int mx_buf_append(struct mx_buf *b, const void *data, size_t len);
int mx_buf_puts(struct mx_buf *b, const char *s);
int mx_buf_printf(struct mx_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int mx_buf_vprintf(struct mx_buf *b, const char *fmt, va_list ap);
void mx_buf_reset(struct mx_buf *b);	/* len = 0, memory kept */
void mx_buf_free(struct mx_buf *b);
/* Hand the string over to the caller (never NULL: "" for an empty buffer). */
char *mx_buf_steal(struct mx_buf *b);

#endif
