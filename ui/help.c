/* help.c - F1 or '?': the window's step explained in a few lines, and the
 * keys. */
#include <config.h>

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "i18n.h"
#include "wz.h"

struct help {
	char *title, *text;
	int skip, total, h;
};

static void
help_draw(void *v, int lines, int cols)
{
	struct help *hp = v;
	int h = lines - 4, w = cols - 8;
	WINDOW *win;

	if (w > 90)
		w = 90;
	if ((win = wz_modal_window(h, w, hp->title)) == NULL)
		return;
	h = getmaxy(win);
	w = getmaxx(win);
	hp->h = h - 3;
	hp->total = wz_text_box(win, 1, 2, hp->h, w - 4, hp->text, hp->skip);
	wattron(win, wz_attr(WZ_C_DIM));
	wz_put(win, h - 2, 2, _("Esc or q closes; PgUp/PgDn scroll"), w - 4);
	wattroff(win, wz_attr(WZ_C_DIM));
	wnoutrefresh(win);
	delwin(win);
}

static int
help_key(void *v, enum wz_action a, int ch)
{
	struct help *hp = v;

	(void)ch;
	switch (a) {
	case WZ_A_DOWN:
	case WZ_A_PGDN:
		if (hp->skip + hp->h < hp->total)
			hp->skip += a == WZ_A_DOWN ? 1 : hp->h;
		return 1;
	case WZ_A_UP:
	case WZ_A_PGUP:
		hp->skip -= a == WZ_A_UP ? 1 : hp->h;
		if (hp->skip < 0)
			hp->skip = 0;
		return 1;
	default:
		return 0;
	}
}

static void
help_free(void *v)
{
	struct help *hp = v;

	free(hp->title);
	free(hp->text);
	free(hp);
}

static const struct wz_modal_ops help_ops = { help_draw, help_key, help_free };

void
wz_help_open(struct wz_app *app, const char *title, const char *text)
{
	struct help *hp = calloc(1, sizeof *hp);
	struct mx_buf b = MX_BUF_INIT;

	if (hp == NULL)
		return;
	mx_buf_printf(&b, _("Help: %s"), title);
	hp->title = mx_buf_steal(&b);
	mx_buf_printf(&b, "%s\n\n%s", text, _("Keys:\n"
	    "  Up/Down     choose a step; its preview is shown below the list\n"
	    "  Space       check or uncheck a step; a  check every step to do\n"
	    "  Enter       show the previews of the checked steps (or the "
	    "current one) and ask before running them\n"
	    "  s           skip a step, or take it back\n"
	    "  PgUp/PgDn   scroll the preview (window 4: the user table)\n"
	    "  Tab, S-Tab  next and previous window; 1-5 go to a window\n"
	    "  p           the plan: hosts, domains, strategy, addresses\n"
	    "  l           the log of everything run\n"
	    "  q           quit: the plan keeps the progress for next time"));
	hp->text = mx_buf_steal(&b);
	wz_modal_push(app, &help_ops, hp);
}
