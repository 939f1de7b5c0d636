/* logview.c - the audit log: every step started, done, failed or
 * skipped, and every command the engine ran (never a secret). Opens at
 * the end; Up/Down/PgUp/PgDn/Home/End scroll. */
#include <config.h>

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "i18n.h"
#include "wz.h"

#define LOG_MAX (1024 * 1024)	/* show the last megabyte */

struct logview {
	char *text;
	int skip, total, h, at_end;
};

static char *
read_tail(const char *path)
{
	struct mx_buf b = MX_BUF_INIT;
	char chunk[4096];
	size_t n;
	long size;
	FILE *fp;

	if (path == NULL || (fp = fopen(path, "r")) == NULL) {
		mx_buf_puts(&b, _("The log is empty: nothing has run yet."));
		return mx_buf_steal(&b);
	}
	if (fseek(fp, 0, SEEK_END) == 0 && (size = ftell(fp)) > LOG_MAX)
		fseek(fp, size - LOG_MAX, SEEK_SET);
	else
		fseek(fp, 0, SEEK_SET);
	while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
		mx_buf_append(&b, chunk, n);
	fclose(fp);
	return mx_buf_steal(&b);
}

static void
log_draw(void *v, int lines, int cols)
{
	struct logview *lv = v;
	WINDOW *win;
	int h, w;

	if ((win = wz_modal_window(lines - 2, cols - 2, _("Log"))) == NULL)
		return;
	h = getmaxy(win);
	w = getmaxx(win);
	lv->h = h - 3;
	lv->total = wz_text_box(NULL, 0, 0, 0, w - 4, lv->text, 0);
	if (lv->at_end)
		lv->skip = lv->total > lv->h ? lv->total - lv->h : 0;
	wz_text_box(win, 1, 2, lv->h, w - 4, lv->text, lv->skip);
	wattron(win, wz_attr(WZ_C_DIM));
	wz_put(win, h - 2, 2, _("Esc or q closes; Up/Down/PgUp/PgDn scroll"),
	    w - 4);
	wattroff(win, wz_attr(WZ_C_DIM));
	wnoutrefresh(win);
	delwin(win);
}

static int
log_key(void *v, enum wz_action a, int ch)
{
	struct logview *lv = v;
	int max = lv->total > lv->h ? lv->total - lv->h : 0;

	(void)ch;
	switch (a) {
	case WZ_A_UP: lv->skip--; break;
	case WZ_A_DOWN: lv->skip++; break;
	case WZ_A_PGUP: lv->skip -= lv->h; break;
	case WZ_A_PGDN: lv->skip += lv->h; break;
	case WZ_A_HOME: lv->skip = 0; break;
	case WZ_A_END: lv->skip = max; break;
	default: return 0;
	}
	if (lv->skip < 0)
		lv->skip = 0;
	if (lv->skip > max)
		lv->skip = max;
	lv->at_end = lv->skip == max;
	return 1;
}

static void
log_free(void *v)
{
	struct logview *lv = v;

	free(lv->text);
	free(lv);
}

static const struct wz_modal_ops log_ops = { log_draw, log_key, log_free };

void
wz_logview_open(struct wz_app *app)
{
	struct logview *lv = calloc(1, sizeof *lv);

	if (lv == NULL)
		return;
	lv->text = read_tail(app->log_path);
	lv->at_end = 1;
	wz_modal_push(app, &log_ops, lv);
}
