/* confirm.c - the confirmation: what will run (the previews), scrollable,
 * and a yes or no. Nothing runs until 'y'. */
#include <config.h>

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "wz.h"

struct confirm {
	char *title, *text;
	void (*cb)(void *);
	void *arg;
	int skip, total, h;
};

static void
confirm_draw(void *v, int lines, int cols)
{
	struct confirm *c = v;
	int h = lines - 4, w = cols - 6;
	WINDOW *win;

	if (w > 110)
		w = 110;
	if ((win = wz_modal_window(h, w, c->title)) == NULL)
		return;
	h = getmaxy(win);
	w = getmaxx(win);
	c->h = h - 4;
	c->total = wz_text_box(win, 1, 2, c->h, w - 4, c->text, c->skip);
	if (c->skip + c->h < c->total) {
		wattron(win, wz_attr(WZ_C_WARN));
		wz_put(win, h - 3, w - 2 - wz_cols(_("(more: PgDn)")),
		    _("(more: PgDn)"), wz_cols(_("(more: PgDn)")));
		wattroff(win, wz_attr(WZ_C_WARN));
	}
	wattron(win, A_BOLD);
	wz_put(win, h - 2, 2, _("Run it? y = yes, n or Esc = no; PgUp/PgDn "
	    "scroll"), w - 4);
	wattroff(win, A_BOLD);
	wnoutrefresh(win);
	delwin(win);
}

static int
confirm_key(void *v, enum wz_action a, int ch)
{
	struct confirm *c = v;

	(void)ch;
	switch (a) {
	case WZ_A_YES:
		c->cb(c->arg);
		return 0;
	case WZ_A_NO:
	case WZ_A_QUIT:
		return 0;
	case WZ_A_DOWN:
		if (c->skip + c->h < c->total)
			c->skip++;
		return 1;
	case WZ_A_UP:
		if (c->skip > 0)
			c->skip--;
		return 1;
	case WZ_A_PGDN:
		c->skip += c->h > 1 ? c->h - 1 : 1;
		if (c->skip > c->total - c->h)
			c->skip = c->total - c->h > 0 ? c->total - c->h : 0;
		return 1;
	case WZ_A_PGUP:
		c->skip -= c->h > 1 ? c->h - 1 : 1;
		if (c->skip < 0)
			c->skip = 0;
		return 1;
	default:
		return 1;
	}
}

static void
confirm_free(void *v)
{
	struct confirm *c = v;

	free(c->title);
	free(c->text);
	free(c);
}

static const struct wz_modal_ops confirm_ops = {
	confirm_draw, confirm_key, confirm_free
};

void
wz_confirm_open(struct wz_app *app, const char *title, const char *text,
    void (*cb)(void *arg), void *arg)
{
	struct confirm *c = calloc(1, sizeof *c);

	if (c == NULL)
		return;
	c->title = strdup(title);
	c->text = strdup(text);
	c->cb = cb;
	c->arg = arg;
	if (c->title == NULL || c->text == NULL) {
		confirm_free(c);
		return;
	}
	wz_modal_push(app, &confirm_ops, c);
}
