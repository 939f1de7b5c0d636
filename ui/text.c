/* text.c - text measured in screen columns (wcwidth), never in bytes. */
#include <config.h>

#include <curses.h>
#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "wz.h"

/* Decode one character of s (n bytes left) into *wc; returns the bytes
 * used (at least 1: an invalid byte becomes '?'). */
static size_t
next_char(const char *s, size_t n, wchar_t *wc, mbstate_t *st)
{
	size_t r = mbrtowc(wc, s, n, st);

	if (r == (size_t)-1 || r == (size_t)-2 || r == 0) {
		memset(st, 0, sizeof *st);
		*wc = L'?';
		return 1;
	}
	return r;
}

static int
char_cols(wchar_t wc)
{
	int c = wcwidth(wc);

	return c < 0 ? 1 : c;
}

int
wz_cols(const char *s)
{
	mbstate_t st;
	size_t n = strlen(s), k;
	wchar_t wc;
	int cols = 0;

	memset(&st, 0, sizeof st);
	while (n > 0) {
		k = next_char(s, n, &wc, &st);
		cols += char_cols(wc);
		s += k;
		n -= k;
	}
	return cols;
}

int
wz_put(WINDOW *w, int y, int x, const char *s, int maxcols)
{
	mbstate_t st;
	size_t n = strlen(s), k;
	wchar_t wc, one[2];
	int cols = 0, c;

	if (maxcols <= 0 || wmove(w, y, x) == ERR)
		return 0;
	memset(&st, 0, sizeof st);
	while (n > 0) {
		k = next_char(s, n, &wc, &st);
		if (wc == L'\t' || wc == L'\n' || wc < 0x20)
			wc = L' ';
		c = char_cols(wc);
		if (cols + c > maxcols)
			break;
		one[0] = wc;
		one[1] = L'\0';
		if (wc < 0x80)
			waddch(w, (chtype)wc);
		else if (waddnwstr(w, one, 1) == ERR)
			waddch(w, '?');
		cols += c;
		s += k;
		n -= k;
	}
	return cols;
}

void
wz_put_pad(WINDOW *w, int y, int x, const char *s, int maxcols)
{
	int used = wz_put(w, y, x, s, maxcols);

	for (; used < maxcols; used++)
		waddch(w, ' ');
}

/* The bytes of the longest prefix of s (up to its end or a newline) that
 * fits width columns, broken after a space when it can be. */
static size_t
fit(const char *s, int width, int *brk)
{
	mbstate_t st;
	size_t n = strcspn(s, "\n"), k, off = 0, last_space = 0;
	wchar_t wc;
	int cols = 0;

	memset(&st, 0, sizeof st);
	*brk = 0;
	while (off < n) {
		k = next_char(s + off, n - off, &wc, &st);
		if (cols + char_cols(wc) > width) {
			if (last_space > 0) {
				*brk = 1;
				return last_space;
			}
			return off > 0 ? off : k;
		}
		cols += char_cols(wc);
		off += k;
		if (wc == L' ')
			last_space = off;
	}
	return off;
}

/* Wrap s; rows before skip are measured but not drawn. */
static int
wrap_from(WINDOW *w, int y, int x, int width, int skip, int maxlines,
    const char *s)
{
	char *line;
	size_t len;
	int rows = 0, brk;

	if (width <= 0)
		return 0;
	while (*s) {
		len = fit(s, width, &brk);
		if (w != NULL && rows >= skip && rows - skip < maxlines) {
			if ((line = strndup(s, len)) != NULL) {
				wz_put(w, y + rows - skip, x, line, width);
				free(line);
			}
		}
		rows++;
		s += len;
		if (*s == '\n')
			s++;
		else
			while (*s == ' ')
				s++;
	}
	return rows;
}

int
wz_wrap(WINDOW *w, int y, int x, int width, int maxlines, const char *s)
{
	return wrap_from(w, y, x, width, 0, maxlines, s);
}

static int
utf8(void)
{
	static int cached = -1;

	if (cached == -1)
		cached = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	return cached;
}

const char *
wz_glyph(enum wz_glyph g)
{
	static const char *const u[] = { "\u2713", "\u2717", "\u25b8",
		"\u21bb", "\u00b7" };
	static const char *const a[] = { "+", "x", ">", "*", "." };

	if ((unsigned)g > WZ_G_DOT)
		return "?";
	return utf8() ? u[g] : a[g];
}

void
wz_fmt_dur(char *buf, size_t len, long s)
{
	if (s < 0)
		s = 0;
	if (s >= 86400)
		snprintf(buf, len, "%ldd %02ldh %02ldm", s / 86400,
		    s % 86400 / 3600, s % 3600 / 60);
	else if (s >= 3600)
		snprintf(buf, len, "%ldh %02ldm %02lds", s / 3600,
		    s % 3600 / 60, s % 60);
	else if (s >= 60)
		snprintf(buf, len, "%ldm %02lds", s / 60, s % 60);
	else
		snprintf(buf, len, "%lds", s);
}

void
wz_fmt_bytes(char *buf, size_t len, unsigned long long n)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = (double)n;
	int i = 0;

	while (v >= 1024 && i < 4) {
		v /= 1024;
		i++;
	}
	if (i == 0)
		snprintf(buf, len, "%llu B", n);
	else
		snprintf(buf, len, "%.1f %s", v, unit[i]);
}

int
wz_text_box(WINDOW *w, int y, int x, int h, int width, const char *text,
    int skip)
{
	const char *s = text;
	int total = 0, row, need;
	char *line;
	size_t n;

	while (*s) {
		n = strcspn(s, "\n");
		if ((line = strndup(s, n)) == NULL)
			break;
		need = n == 0 ? 1 : wrap_from(NULL, 0, 0, width, 0, 0, line);
		row = total - skip;
		if (w != NULL && row + need > 0 && row < h)
			wrap_from(w, y + (row > 0 ? row : 0), x, width,
			    row < 0 ? -row : 0, h - (row > 0 ? row : 0), line);
		total += need;
		free(line);
		s += n;
		if (*s == '\n')
			s++;
	}
	return total;
}
