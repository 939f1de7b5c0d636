/* panel-overview.c - the overview across all accounts, a panel over windows 4
 * and 5 (key v): one line per user with state, messages on both sides,
 * bytes, whether flags and POP3 UIDLs are equal, and the problem. o sorts
 * by the next column, r reverses, / types a filter (a word, or
 * "problems" / "!" for the users needing attention), PgUp/PgDn/Home/End
 * and Up/Down scroll, Enter on a row shows its problem and what to do.
 * Only the rows on screen are drawn; the data is read again when the
 * step files change (a pass ended while the panel was open). */
#include <config.h>

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "adapt.h"
#include "i18n.h"
#include "lineedit.h"
#include "overview.h"
#include "wz.h"

struct ovpanel {
	struct wz_app *app;
	struct mx_overview ov;
	size_t *shown;		/* indexes into ov.v that pass the filter */
	size_t nshown;
	enum mx_ov_col col;
	int reverse;
	int top, cur, page;
	int editing;		/* typing the filter */
	struct wz_line filter, before;	/* before: restored by Esc */
	time_t stamp;		/* newest mtime of the files read */
	char err[256];
};

static time_t
newest(const struct ovpanel *p)
{
	const char *dir = p->app->demo_dir ? p->app->demo_dir : p->app->state_dir;
	const char *names[] = { "accounts.map", "transfer.results" };
	char path[4096], *lp = wz_ledger_path(p->app);
	struct stat st;
	time_t t = 0;
	size_t i;

	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		if (stat(path, &st) == 0 && st.st_mtime > t)
			t = st.st_mtime;
	}
	if (lp != NULL && stat(lp, &st) == 0 && st.st_mtime > t)
		t = st.st_mtime;
	free(lp);
	return t;
}

static void
refilter(struct ovpanel *p)
{
	size_t i;

	p->nshown = 0;
	for (i = 0; i < p->ov.n; i++)
		if (mx_ov_match(&p->ov.v[i], p->filter.buf))
			p->shown[p->nshown++] = i;
	if (p->cur >= (int)p->nshown)
		p->cur = p->nshown ? (int)p->nshown - 1 : 0;
}

static void
load(struct ovpanel *p)
{
	struct mx_err err;
	size_t *s;

	mx_overview_free(&p->ov);
	p->err[0] = '\0';
	p->stamp = newest(p);
	if (wz_overview_load(p->app, &p->ov, &err) == -1)
		snprintf(p->err, sizeof p->err, "%.250s", err.msg);
	mx_overview_sort(&p->ov, p->col, p->reverse);
	s = realloc(p->shown, (p->ov.n ? p->ov.n : 1) * sizeof *s);
	if (s == NULL) {
		mx_overview_free(&p->ov);
		snprintf(p->err, sizeof p->err, "%s", _("out of memory"));
	} else
		p->shown = s;
	refilter(p);
}

static const char *
state_label(const char *s)
{
	if (strcmp(s, "todo") == 0)
		return _("to do");
	if (strcmp(s, "done") == 0)
		return _("done");
	if (strcmp(s, "failed") == 0)
		return _("failed");
	if (strcmp(s, "no-account") == 0)
		return _("no account");
	return s;
}

static const char *
tri_label(int v)
{
	return v < 0 ? "-" : v ? _("equal") : _("DIFFER");
}

/* Column widths for the screen width: the problem column takes what is
 * left; narrow screens drop bytes, then UIDLs, then the problem. */
static void
widths(int width, int *wd)
{
	static const int base[MX_OV_NCOLS] = { 0, 11, 8, 8, 10, 7, 9, 0 };
	int i, used = 0;

	for (i = 0; i < MX_OV_NCOLS; i++)
		used += wd[i] = base[i];
	wd[MX_OV_USER] = width - used > 60 ? 30 : width - used > 36 ? 22 : 16;
	used += wd[MX_OV_USER];
	if (width - used < 12) {
		used -= wd[MX_OV_BYTES];
		wd[MX_OV_BYTES] = 0;
	}
	if (width - used < 12) {
		used -= wd[MX_OV_UIDLS];
		wd[MX_OV_UIDLS] = 0;
	}
	wd[MX_OV_PROBLEM] = width - used >= 10 ? width - used : 0;
}

static void
draw_row(WINDOW *w, int y, int x0, const int *wd, const struct mx_ov_row *r,
    int selected)
{
	char cell[64];
	int x = x0, i;
	attr_t base = selected ? wz_attr(WZ_C_CURSOR) : 0;

	for (i = 0; i < MX_OV_NCOLS; i++) {
		const char *s = cell;
		attr_t a = base;

		if (wd[i] == 0)
			continue;
		switch (i) {
		case MX_OV_USER: s = r->user; break;
		case MX_OV_STATE:
			s = state_label(r->state);
			if (!selected)
				a = wz_attr(strcmp(r->state, "done") == 0 ? WZ_C_OK :
				    strcmp(r->state, "todo") == 0 ? WZ_C_DIM : WZ_C_ERR);
			break;
		case MX_OV_SRC:
			snprintf(cell, sizeof cell, "%llu", (unsigned long long)r->src_msgs);
			break;
		case MX_OV_DST:
			snprintf(cell, sizeof cell, "%llu", (unsigned long long)r->dst_msgs);
			break;
		case MX_OV_BYTES:
			wz_fmt_bytes(cell, sizeof cell, r->src_bytes);
			break;
		case MX_OV_FLAGS:
			s = tri_label(r->flags_equal);
			if (!selected && r->flags_equal == 0)
				a = wz_attr(WZ_C_ERR);
			break;
		case MX_OV_UIDLS:
			if (r->uidl_total == 0)
				s = "-";
			else
				snprintf(cell, sizeof cell, "%llu/%llu",
				    (unsigned long long)r->uidl_same,
				    (unsigned long long)r->uidl_total);
			if (!selected && r->uidls_equal == 0)
				a = wz_attr(WZ_C_ERR);
			break;
		case MX_OV_PROBLEM:
			s = r->problem ? r->reason : "";
			if (!selected && r->problem)
				a = wz_attr(WZ_C_ERR);
			break;
		}
		wattron(w, a);
		wz_put_pad(w, y, x, s, wd[i] - 1);
		if (i != MX_OV_PROBLEM)
			wz_put(w, y, x + wd[i] - 1, " ", 1);
		wattroff(w, a);
		x += wd[i];
	}
}

static void
ov_draw(void *v, int lines, int cols)
{
	struct ovpanel *p = v;
	WINDOW *win;
	char line[512], head[96];
	int h, w, wd[MX_OV_NCOLS], x, i, row, y;

	if (newest(p) != p->stamp)
		load(p);
	if ((win = wz_modal_window(lines - 2, cols - 2, _("Overview: every "
	    "account"))) == NULL)
		return;
	h = getmaxy(win);
	w = getmaxx(win);
	snprintf(line, sizeof line, _("%zu user(s), %zu need attention; "
	    "shown: %zu"), p->ov.n, mx_overview_problems(&p->ov), p->nshown);
	wz_put(win, 1, 2, line, w - 4);
	y = 2;
	wattron(win, wz_attr(p->editing ? WZ_C_CURRENT : WZ_C_DIM));
	snprintf(line, sizeof line, "%s ", _("filter:"));
	x = 2 + wz_put(win, y, 2, line, w - 4);
	wattroff(win, wz_attr(p->editing ? WZ_C_CURRENT : WZ_C_DIM));
	if (p->editing)
		wz_line_draw(win, y, x, w - x - 2, &p->filter, 0);
	else
		wz_put(win, y, x, p->filter.len ? p->filter.buf :
		    _("(none: / to type one, \"problems\" for those needing "
		    "attention)"), w - x - 2);
	widths(w - 4, wd);
	wattron(win, wz_attr(WZ_C_TITLE) | A_UNDERLINE);
	for (i = 0, x = 2; i < MX_OV_NCOLS; i++) {
		if (wd[i] == 0)
			continue;
		snprintf(head, sizeof head, "%s%s", _(mx_ov_col_name(i)),
		    (int)p->col == i ? (p->reverse ? " v" : " ^") : "");
		wz_put_pad(win, 4, x, head, wd[i] - 1);
		x += wd[i];
	}
	wattroff(win, wz_attr(WZ_C_TITLE) | A_UNDERLINE);
	p->page = h - 10 > 1 ? h - 10 : 1;
	if (p->cur < p->top)
		p->top = p->cur;
	if (p->cur >= p->top + p->page)
		p->top = p->cur - p->page + 1;
	if (p->top > (int)p->nshown - p->page)
		p->top = (int)p->nshown - p->page;
	if (p->top < 0)
		p->top = 0;
	if (p->err[0] != '\0') {
		wattron(win, wz_attr(WZ_C_ERR));
		wz_put(win, 5, 2, p->err, w - 4);
		wattroff(win, wz_attr(WZ_C_ERR));
	} else if (p->nshown == 0) {
		wattron(win, wz_attr(WZ_C_DIM));
		wz_put(win, 5, 2, p->ov.n ? _("No user matches the filter.") :
		    _("No users yet: the list comes from window 2's accounts "
		    "and window 4's passes."), w - 4);
		wattroff(win, wz_attr(WZ_C_DIM));
	}
	for (row = 0; row < p->page && p->top + row < (int)p->nshown; row++)
		draw_row(win, 5 + row, 2, wd, &p->ov.v[p->shown[p->top + row]],
		    p->top + row == p->cur);
	if (p->nshown > 0) {
		snprintf(head, sizeof head, " %d-%d/%zu ", p->top + 1,
		    p->top + row, p->nshown);
		wattron(win, wz_attr(WZ_C_DIM));
		wz_put(win, 1, w - wz_cols(head) - 2, head, wz_cols(head));
		wattroff(win, wz_attr(WZ_C_DIM));
	}
	/* The selected user's problem and what to do, in full. */
	if (p->nshown > 0 && p->ov.v[p->shown[p->cur]].problem) {
		const struct mx_ov_row *r = &p->ov.v[p->shown[p->cur]];

		snprintf(line, sizeof line, "%s: %s", r->user, r->reason);
		wattron(win, wz_attr(WZ_C_ERR));
		wz_put(win, h - 4, 2, line, w - 4);
		wattroff(win, wz_attr(WZ_C_ERR));
		snprintf(line, sizeof line, _("what to do: %s"), r->advice ?
		    _(r->advice) : "-");
		wattron(win, wz_attr(WZ_C_WARN));
		wz_put(win, h - 3, 2, line, w - 4);
		wattroff(win, wz_attr(WZ_C_WARN));
	}
	wattron(win, wz_attr(WZ_C_DIM));
	wz_put(win, h - 2, 2, p->editing ? _("type the filter; Enter keeps "
	    "it, Esc puts the old one back") : _("o sort  r reverse  / filter  "
	    "Up/Down/PgUp/PgDn scroll  Esc close"), w - 4);
	wattroff(win, wz_attr(WZ_C_DIM));
	wnoutrefresh(win);
	delwin(win);
}

static int
ov_key(void *v, enum wz_action a, int ch)
{
	struct ovpanel *p = v;
	int n = (int)p->nshown;

	if (p->editing) {
		if (ch == 27) {
			p->filter = p->before;
			p->editing = 0;
		} else if (a == WZ_A_RUN) {
			p->editing = 0;
		} else if (wz_line_key(&p->filter, ch)) {
			p->cur = p->top = 0;
		}
		refilter(p);
		return 1;
	}
	if (ch == '/') {
		p->before = p->filter;
		p->editing = 1;
		return 1;
	}
	switch (a) {
	case WZ_A_UP: p->cur--; break;
	case WZ_A_DOWN: p->cur++; break;
	case WZ_A_PGUP: p->cur -= p->page; p->top -= p->page; break;
	case WZ_A_PGDN: p->cur += p->page; p->top += p->page; break;
	case WZ_A_HOME: p->cur = 0; break;
	case WZ_A_END: p->cur = n - 1; break;
	case WZ_A_SORT:
	case WZ_A_REVERSE:
		if (a == WZ_A_SORT)
			p->col = (p->col + 1) % MX_OV_NCOLS;
		else
			p->reverse = !p->reverse;
		mx_overview_sort(&p->ov, p->col, p->reverse);
		refilter(p);
		break;
	case WZ_A_REDRAW:
		load(p);
		break;
	case WZ_A_NO:
	case WZ_A_QUIT:
		return 0;
	default:
		if (ch == 'v')
			return 0;	/* the key that opened it closes it */
		return 1;
	}
	if (p->cur >= n)
		p->cur = n - 1;
	if (p->cur < 0)
		p->cur = 0;
	if (p->top < 0)
		p->top = 0;
	return 1;
}

static void
ov_free(void *v)
{
	struct ovpanel *p = v;

	mx_overview_free(&p->ov);
	free(p->shown);
	free(p);
}

static const struct wz_modal_ops ov_ops = { ov_draw, ov_key, ov_free };

void
wz_overview_open(struct wz_app *app)
{
	struct ovpanel *p = calloc(1, sizeof *p);

	if (p == NULL)
		return;
	p->app = app;
	load(p);
	wz_modal_push(app, &ov_ops, p);
}
