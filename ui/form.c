/* form.c - the plan form: hosts, domains, strategy, dead and live IP,
 * TSIG key file, DNS servers, zone file, source and target kinds, MTAs,
 * the low TTL. Each value is checked when entered (mx_plan_check) and the
 * plan is saved (0600) when the form closes, to resume on the next start.
 */
#include <config.h>

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "lineedit.h"
#include "stepwin.h"
#include "wz.h"

struct form {
	struct wz_app *app;
	int cur;
	int editing;
	int changed;
	struct wz_line line;
	char msg[MX_ERR_MAX];
	int msg_err;
};

static int
label_width(void)
{
	int i, m = 0, c;

	for (i = 0; i < MX_PLAN_NKEYS; i++)
		if ((c = wz_cols(mx_plan_key_name(i))) > m)
			m = c;
	return m;
}

static void
form_draw(void *v, int lines, int cols)
{
	struct form *f = v;
	int lw = label_width(), i, y = 1, h, w, x;
	WINDOW *win;

	win = wz_modal_window(MX_PLAN_NKEYS + 8, cols > 104 ? 100 : cols - 4,
	    _("The plan"));
	if (win == NULL)
		return;
	(void)lines;
	h = getmaxy(win);
	w = getmaxx(win);
	x = 2 + lw + 2;
	for (i = 0; i < MX_PLAN_NKEYS && y < h - 5; i++, y++) {
		if (i == f->cur)
			wattron(win, wz_attr(WZ_C_CURSOR));
		wz_put_pad(win, y, 2, mx_plan_key_name(i), lw + 1);
		if (i == f->cur)
			wattroff(win, wz_attr(WZ_C_CURSOR));
		if (i == f->cur && f->editing)
			wz_line_draw(win, y, x, w - x - 2, &f->line, 0);
		else
			wz_put(win, y, x, mx_plan_get(f->app->plan, i),
			    w - x - 2);
	}
	y = h - 5;
	wattron(win, wz_attr(WZ_C_DIM));
	wz_wrap(win, y, 2, w - 4, 1, _(mx_plan_key_help(f->cur)));
	wattroff(win, wz_attr(WZ_C_DIM));
	if (f->msg[0]) {
		wattron(win, wz_attr(f->msg_err ? WZ_C_ERR : WZ_C_OK));
		wz_wrap(win, y + 1, 2, w - 4, 2, f->msg);
		wattroff(win, wz_attr(f->msg_err ? WZ_C_ERR : WZ_C_OK));
	}
	wz_put(win, h - 2, 2, f->editing ? _("Enter keeps the value, Esc "
	    "drops the edit") : _("Enter edits; Esc or q saves the plan and "
	    "closes"), w - 4);
	wnoutrefresh(win);
	delwin(win);
}

static void
commit(struct form *f)
{
	struct mx_err err;

	if (mx_plan_set(f->app->plan, f->cur, f->line.buf, &err) == -1) {
		snprintf(f->msg, sizeof f->msg, "%s", err.msg);
		f->msg_err = 1;
		return;		/* stay in the field: fix or Esc */
	}
	f->editing = 0;
	f->changed = 1;
	if (mx_plan_complete(f->app->plan, &err) == -1) {
		snprintf(f->msg, sizeof f->msg, "%s", err.msg);
		f->msg_err = 1;
	} else {
		snprintf(f->msg, sizeof f->msg, "%s", _("The plan is complete."));
		f->msg_err = 0;
	}
}

static int
form_key(void *v, enum wz_action a, int ch)
{
	struct form *f = v;

	if (f->editing) {
		if (ch == 27) {
			f->editing = 0;
			f->msg[0] = '\0';
		} else if (ch == '\n' || ch == '\r' || ch == KEY_ENTER)
			commit(f);
		else
			wz_line_key(&f->line, ch);
		return 1;
	}
	switch (a) {
	case WZ_A_UP:
		f->cur = f->cur > 0 ? f->cur - 1 : MX_PLAN_NKEYS - 1;
		f->msg[0] = '\0';
		return 1;
	case WZ_A_DOWN:
	case WZ_A_TOGGLE:
		f->cur = f->cur < MX_PLAN_NKEYS - 1 ? f->cur + 1 : 0;
		f->msg[0] = '\0';
		return 1;
	case WZ_A_RUN:
		wz_line_set(&f->line, mx_plan_get(f->app->plan, f->cur));
		f->editing = 1;
		return 1;
	case WZ_A_NO:
	case WZ_A_QUIT:
	case WZ_A_PLAN:
		return 0;
	default:
		return 1;
	}
}

static void
form_free(void *v)
{
	struct form *f = v;

	if (f->changed && wz_save_plan(f->app) == 0) {
		wz_status(f->app, 0, _("Plan saved to %s"), f->app->plan_path);
		wz_log(f->app, "plan edited and saved");
		wz_stepwins_plan_changed(f->app);
	}
	free(f);
}

static const struct wz_modal_ops form_ops = { form_draw, form_key, form_free };

void
wz_form_open(struct wz_app *app)
{
	struct form *f = calloc(1, sizeof *f);

	if (f == NULL)
		return;
	f->app = app;
	wz_modal_push(app, &form_ops, f);
}
