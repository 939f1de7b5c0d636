/* lineedit.c - a one-line text field (see lineedit.h). */
#include <config.h>

#include <curses.h>
#include <string.h>

#include "lineedit.h"
#include "wz.h"

void
wz_line_set(struct wz_line *l, const char *s)
{
	size_t n = strlen(s);

	if (n >= sizeof l->buf)
		n = sizeof l->buf - 1;
	memcpy(l->buf, s, n);
	l->buf[n] = '\0';
	l->len = n;
}

int
wz_line_key(struct wz_line *l, int ch)
{
	if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
		/* drop UTF-8 continuation bytes, then the lead byte */
		while (l->len > 0 && ((unsigned char)l->buf[l->len - 1] & 0xc0)
		    == 0x80)
			l->len--;
		if (l->len > 0)
			l->len--;
		l->buf[l->len] = '\0';
		return 1;
	}
	if (ch == 21) {		/* ^U: clear */
		wz_line_wipe(l);
		return 1;
	}
	if ((ch >= 32 && ch < 127) || (ch >= 128 && ch < 256)) {
		if (l->len + 1 < sizeof l->buf) {
			l->buf[l->len++] = (char)ch;
			l->buf[l->len] = '\0';
		}
		return 1;
	}
	return 0;
}

void
wz_line_draw(WINDOW *w, int y, int x, int width, const struct wz_line *l,
    int secret)
{
	const char *s = l->buf;

	wattron(w, A_UNDERLINE);
	if (secret) {
		wz_put_pad(w, y, x, "", width);
	} else {
		/* show the end of a long value */
		while (wz_cols(s) > width - 1 && *s)
			s++;
		wz_put_pad(w, y, x, s, width);
	}
	wattroff(w, A_UNDERLINE);
}

void
wz_line_wipe(struct wz_line *l)
{
	volatile char *p = l->buf;
	size_t i;

	for (i = 0; i < sizeof l->buf; i++)
		p[i] = '\0';
	l->len = 0;
}
