/* lineedit.h - a one-line text field for forms and prompts: bytes kept
 * as typed (UTF-8 stays whole), Backspace removes one character. */
#ifndef MX_LINEEDIT_H
#define MX_LINEEDIT_H

#include <curses.h>
#include <stddef.h>

struct wz_line {
	char buf[512];
	size_t len;
};

void wz_line_set(struct wz_line *l, const char *s);
/* Feed a key: returns 1 when it edited, 0 when not an editing key. */
int wz_line_key(struct wz_line *l, int ch);
/* Draw in width columns at y,x showing the end; secret: draw nothing of
 * the text. */
void wz_line_draw(WINDOW *w, int y, int x, int width,
    const struct wz_line *l, int secret);
/* Wipe (for secrets). */
void wz_line_wipe(struct wz_line *l);

#endif
