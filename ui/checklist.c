/* checklist.c - the checklist widget (see checklist.h). */
#include <config.h>

#include <curses.h>

#include "checklist.h"
#include "i18n.h"

const char *
wz_state_name(int state)
{
	switch (state) {
	/* TRANSLATORS: step states in the checklists; keep them short. */
	case WZ_TODO: return _("to do");
	case WZ_RUNNING: return _("running");
	case WZ_DONE: return _("done");
	case WZ_FAILED: return _("failed");
	case WZ_SKIPPED: return _("skipped");
	}
	return "?";
}

enum wz_color
wz_state_color(int state)
{
	switch (state) {
	case WZ_RUNNING: return WZ_C_RUN;
	case WZ_DONE: return WZ_C_OK;
	case WZ_FAILED: return WZ_C_ERR;
	case WZ_SKIPPED: return WZ_C_DIM;
	}
	return WZ_C_NORMAL;
}

static const char *
state_glyph(int state)
{
	switch (state) {
	case WZ_RUNNING: return wz_glyph(WZ_G_RUN);
	case WZ_DONE: return wz_glyph(WZ_G_TICK);
	case WZ_FAILED: return wz_glyph(WZ_G_CROSS);
	case WZ_SKIPPED: return "-";
	}
	return " ";
}

static int
state_col_width(void)
{
	static const int states[] = { WZ_TODO, WZ_RUNNING, WZ_DONE,
		WZ_FAILED, WZ_SKIPPED };
	int i, c, m = 0;

	for (i = 0; i < 5; i++)
		if ((c = wz_cols(wz_state_name(states[i]))) > m)
			m = c;
	return m;
}

void
wz_checklist_draw(WINDOW *w, int y, int x, int h, int width,
    struct wz_checklist *cl)
{
	int i, row, sw = state_col_width(), lx;
	const struct wz_check_item *it;
	char box[8];

	if (cl->cur < cl->top)
		cl->top = cl->cur;
	if (cl->cur >= cl->top + h)
		cl->top = cl->cur - h + 1;
	for (row = 0; row < h; row++) {
		i = cl->top + row;
		wmove(w, y + row, x);
		if (i >= cl->n)
			continue;
		it = &cl->items[i];
		if (i == cl->cur)
			wattron(w, wz_attr(WZ_C_CURSOR));
		wz_put_pad(w, y + row, x, "", width);
		snprintf(box, sizeof box, "[%s] ", it->checked ? "x" : " ");
		lx = x + wz_put(w, y + row, x, box, width);
		if (i != cl->cur)
			wattron(w, wz_attr(wz_state_color(it->state)));
		lx += wz_put(w, y + row, lx, state_glyph(it->state), 2);
		lx += wz_put(w, y + row, lx, " ", 1);
		wz_put_pad(w, y + row, lx, wz_state_name(it->state), sw);
		if (i != cl->cur)
			wattroff(w, wz_attr(wz_state_color(it->state)));
		lx += sw + 1;
		lx += wz_put(w, y + row, lx, it->label, x + width - lx);
		if (it->note != NULL && *it->note && x + width - lx > 6) {
			wattron(w, i == cl->cur ? A_NORMAL : wz_attr(WZ_C_DIM));
			lx += wz_put(w, y + row, lx, "  ", x + width - lx);
			wz_put(w, y + row, lx, it->note, x + width - lx);
			wattroff(w, wz_attr(WZ_C_DIM));
		}
		if (i == cl->cur)
			wattroff(w, wz_attr(WZ_C_CURSOR));
	}
}

int
wz_checklist_key(struct wz_checklist *cl, enum wz_action a, int h)
{
	int i;

	if (cl->n == 0)
		return 0;
	switch (a) {
	case WZ_A_UP:
		if (cl->cur > 0)
			cl->cur--;
		return 1;
	case WZ_A_DOWN:
		if (cl->cur < cl->n - 1)
			cl->cur++;
		return 1;
	case WZ_A_HOME:
		cl->cur = 0;
		return 1;
	case WZ_A_END:
		cl->cur = cl->n - 1;
		return 1;
	case WZ_A_PGUP:
		cl->cur = cl->cur > h ? cl->cur - h : 0;
		return 1;
	case WZ_A_PGDN:
		cl->cur = cl->cur + h < cl->n ? cl->cur + h : cl->n - 1;
		return 1;
	case WZ_A_TOGGLE:
		if (cl->items[cl->cur].state != WZ_RUNNING)
			cl->items[cl->cur].checked = !cl->items[cl->cur].checked;
		if (cl->cur < cl->n - 1)
			cl->cur++;
		return 1;
	case WZ_A_ALL:
		for (i = 0; i < cl->n; i++)
			cl->items[i].checked = cl->items[i].state == WZ_TODO ||
			    cl->items[i].state == WZ_FAILED;
		return 1;
	default:
		return 0;
	}
}
