/* usertable.c - window 4's per-user table (see usertable.h). */
#include <config.h>

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checklist.h"
#include "i18n.h"
#include "usertable.h"

struct wz_usertable {
	struct wz_user_row *rows;
	int n;
	int *order;		/* row indexes in display order */
	int sorted;		/* order is current */
	enum wz_user_col col;
	int reverse;
	int top, page;
};

void
wz_user_ev_free(void *p)
{
	struct wz_user_ev *ev = p;

	if (ev != NULL) {
		free(ev->rows);
		free(ev);
	}
}

struct wz_usertable *
wz_usertable_new(void)
{
	return calloc(1, sizeof(struct wz_usertable));
}

void
wz_usertable_free(struct wz_usertable *t)
{
	if (t == NULL)
		return;
	free(t->rows);
	free(t->order);
	free(t);
}

int
wz_usertable_count(const struct wz_usertable *t)
{
	return t->n;
}

void
wz_usertable_apply(struct wz_usertable *t, const struct wz_user_ev *ev)
{
	int i;

	if (ev->id == -2 && t->n > 0)
		return;		/* a preview's list: keep the live one */
	if (ev->id < 0) {
		struct wz_user_row *r = NULL;
		int *o = NULL;

		if (ev->n > 0) {
			r = malloc((size_t)ev->n * sizeof *r);
			o = malloc((size_t)ev->n * sizeof *o);
			if (r == NULL || o == NULL) {
				free(r);
				free(o);
				return;
			}
			memcpy(r, ev->rows, (size_t)ev->n * sizeof *r);
			for (i = 0; i < ev->n; i++)
				o[i] = i;
		}
		free(t->rows);
		free(t->order);
		t->rows = r;
		t->order = o;
		t->n = ev->n;
		t->top = 0;
	} else if (ev->id < t->n && ev->rows != NULL)
		t->rows[ev->id] = ev->rows[0];
	t->sorted = 0;
}

static const struct wz_usertable *sort_t;	/* qsort has no context */

static int
cmp(const void *a, const void *b)
{
	const struct wz_user_row *x = &sort_t->rows[*(const int *)a];
	const struct wz_user_row *y = &sort_t->rows[*(const int *)b];
	int r = 0;

	switch (sort_t->col) {
	case WZ_UC_NAME: break;
	case WZ_UC_STATE: r = x->state - y->state; break;
	case WZ_UC_MSGS: r = (x->msgs_total > y->msgs_total) -
	    (x->msgs_total < y->msgs_total); break;
	case WZ_UC_BYTES: r = (x->bytes_total > y->bytes_total) -
	    (x->bytes_total < y->bytes_total); break;
	case WZ_UC_RATE: r = (x->rate > y->rate) - (x->rate < y->rate); break;
	case WZ_UC_ETA: r = (x->eta > y->eta) - (x->eta < y->eta); break;
	case WZ_UC_ERRORS: r = (x->errors > y->errors) -
	    (x->errors < y->errors); break;
	default: break;
	}
	if (r == 0)
		r = strcmp(x->name, y->name);
	return sort_t->reverse ? -r : r;
}

static void
sort_rows(struct wz_usertable *t)
{
	if (t->sorted || t->n == 0)
		return;
	sort_t = t;
	qsort(t->order, (size_t)t->n, sizeof *t->order, cmp);
	sort_t = NULL;
	t->sorted = 1;
}

static const char *
col_name(enum wz_user_col c)
{
	switch (c) {
	/* TRANSLATORS: the per-user table's column heads; keep them short. */
	case WZ_UC_NAME: return _("user");
	case WZ_UC_STATE: return _("state");
	case WZ_UC_MSGS: return _("messages");
	case WZ_UC_BYTES: return _("bytes");
	case WZ_UC_RATE: return _("rate");
	case WZ_UC_ETA: return _("ETA");
	case WZ_UC_ERRORS: return _("errors");
	default: return "";
	}
}

/* Column widths: the name takes what the others leave. */
static void
widths(int width, int *wd)
{
	static const int fixed[WZ_UC_N] = { 0, 9, 12, 19, 11, 9, 7 };
	int i, rest = width - 2;

	for (i = 1; i < WZ_UC_N; i++) {
		wd[i] = fixed[i];
		/* Narrow: rate and ETA go (the Transfer panel has the sums). */
		if (width < 100 && (i == WZ_UC_RATE || i == WZ_UC_ETA))
			wd[i] = 0;
		rest -= wd[i];
	}
	wd[0] = rest > 8 ? rest : 8;
}

static void
draw_row(WINDOW *w, int y, int width, const struct wz_user_row *r)
{
	int wd[WZ_UC_N], x = 1;
	char buf[64], b1[24], b2[24];

	widths(width, wd);
	wz_put_pad(w, y, x, r->name, wd[0] - 1);
	x += wd[0];
	wattron(w, wz_attr(wz_state_color(r->state)));
	wz_put_pad(w, y, x, wz_state_name(r->state), wd[1] - 1);
	wattroff(w, wz_attr(wz_state_color(r->state)));
	x += wd[1];
	snprintf(buf, sizeof buf, "%ld/%ld", r->msgs, r->msgs_total);
	wz_put_pad(w, y, x, buf, wd[2] - 1);
	x += wd[2];
	wz_fmt_bytes(b1, sizeof b1, r->bytes);
	wz_fmt_bytes(b2, sizeof b2, r->bytes_total);
	snprintf(buf, sizeof buf, "%s/%s", b1, b2);
	wz_put_pad(w, y, x, buf, wd[3] - 1);
	x += wd[3];
	if (wd[4] == 0)
		goto errors;
	if (r->rate > 0) {
		wz_fmt_bytes(b1, sizeof b1, (unsigned long long)r->rate);
		snprintf(buf, sizeof buf, "%s/s", b1);
	} else
		snprintf(buf, sizeof buf, "-");
	wz_put_pad(w, y, x, buf, wd[4] - 1);
	x += wd[4];
	if (r->eta >= 0)
		wz_fmt_dur(buf, sizeof buf, r->eta);
	else
		snprintf(buf, sizeof buf, "-");
	wz_put_pad(w, y, x, buf, wd[5] - 1);
	x += wd[5];
errors:
	snprintf(buf, sizeof buf, "%ld", r->errors);
	if (r->errors)
		wattron(w, wz_attr(WZ_C_ERR));
	wz_put_pad(w, y, x, buf, wd[6] - 1);
	wattroff(w, wz_attr(WZ_C_ERR));
}

void
wz_usertable_draw(struct wz_usertable *t, WINDOW *w, int y, int h, int width)
{
	int wd[WZ_UC_N], x = 1, i, row;
	char head[64];

	if (h < 2)
		return;
	sort_rows(t);
	widths(width, wd);
	wattron(w, wz_attr(WZ_C_TITLE) | A_UNDERLINE);
	for (i = 0; i < WZ_UC_N; i++) {
		if (wd[i] == 0)
			continue;
		snprintf(head, sizeof head, "%s%s", col_name(i),
		    (int)t->col == i ? (t->reverse ? " v" : " ^") : "");
		wz_put_pad(w, y, x, head, wd[i] - 1);
		x += wd[i];
	}
	wattroff(w, wz_attr(WZ_C_TITLE) | A_UNDERLINE);
	t->page = h - 1;
	if (t->top > t->n - t->page)
		t->top = t->n - t->page;
	if (t->top < 0)
		t->top = 0;
	if (t->n == 0) {
		wattron(w, wz_attr(WZ_C_DIM));
		wz_put(w, y + 1, 1, _("No users yet: the list comes from "
		    "window 2's accounts."), width - 2);
		wattroff(w, wz_attr(WZ_C_DIM));
		return;
	}
	for (row = 0; row < t->page && t->top + row < t->n; row++)
		draw_row(w, y + 1 + row, width, &t->rows[t->order[t->top + row]]);
	if (t->n > t->page) {
		snprintf(head, sizeof head, " %d-%d/%d ", t->top + 1,
		    t->top + row, t->n);
		wattron(w, wz_attr(WZ_C_DIM));
		wz_put(w, y, width - wz_cols(head) - 1, head, wz_cols(head));
		wattroff(w, wz_attr(WZ_C_DIM));
	}
}

int
wz_usertable_key(struct wz_usertable *t, enum wz_action a)
{
	int page = t->page > 1 ? t->page : 1;

	switch (a) {
	case WZ_A_PGDN: t->top += page; break;
	case WZ_A_PGUP: t->top -= page; break;
	case WZ_A_HOME: t->top = 0; break;
	case WZ_A_END: t->top = t->n; break;
	case WZ_A_SORT:
		t->col = (t->col + 1) % WZ_UC_N;
		t->sorted = 0;
		break;
	case WZ_A_REVERSE:
		t->reverse = !t->reverse;
		t->sorted = 0;
		break;
	default:
		return 0;
	}
	if (t->top < 0)
		t->top = 0;
	return 1;
}
