/* buf.c - a growable byte buffer (see buf.h). */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

static int
grow(struct mx_buf *b, size_t need)
{
	size_t cap;
	char *p;

	if (b->len + need + 1 <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < b->len + need + 1) {
		if (cap > ((size_t)-1) / 2)
			return -1;
		cap *= 2;
	}
	p = realloc(b->data, cap);
	if (p == NULL)
		return -1;
	b->data = p;
	b->cap = cap;
	return 0;
}

int
mx_buf_append(struct mx_buf *b, const void *data, size_t len)
{
	if (grow(b, len) == -1)
		return -1;
	if (len > 0)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

int
mx_buf_puts(struct mx_buf *b, const char *s)
{
	return mx_buf_append(b, s, strlen(s));
}

int
mx_buf_vprintf(struct mx_buf *b, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0 || grow(b, (size_t)n) == -1)
		return -1;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int
mx_buf_printf(struct mx_buf *b, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = mx_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return r;
}

void
mx_buf_reset(struct mx_buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

void
mx_buf_free(struct mx_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

char *
mx_buf_steal(struct mx_buf *b)
{
	char *s = b->data;

	if (s == NULL)
		s = strdup("");
	b->data = NULL;
	b->len = b->cap = 0;
	return s;
}
