/* panel-mx.c - the MX poll: per authoritative server, dig-style lines
 * with TTL, SOA serial and age; answers that changed since the last round
 * are highlighted. */
#include <config.h>

#include <curses.h>
#include <stdio.h>

#include "i18n.h"
#include "panel.h"
#include "wz.h"

void
wz_panel_frame(WINDOW *w, const char *title)
{
	int cols = getmaxx(w);

	werase(w);
	wattron(w, wz_attr(WZ_C_BORDER));
	mvwhline(w, 0, 0, ACS_HLINE, cols);
	wattroff(w, wz_attr(WZ_C_BORDER));
	wattron(w, wz_attr(WZ_C_TITLE));
	wz_put(w, 0, 1, " ", 1);
	wz_put(w, 0, 2 + wz_put(w, 0, 2, title, cols - 4), " ", 1);
	wattroff(w, wz_attr(WZ_C_TITLE));
}

void
wz_panel_mx_draw(WINDOW *w, const struct wz_live *l, time_t now)
{
	int h = getmaxy(w), cols = getmaxx(w), i, y = 1, x;
	char age[32], tail[96];

	wz_panel_frame(w, _("MX poll (authoritative servers)"));
	if (l->nmx == 0) {
		wattron(w, wz_attr(WZ_C_WARN));
		wz_wrap(w, 1, 1, cols - 2, h - 1, l->mx_note);
		wattroff(w, wz_attr(WZ_C_WARN));
		return;
	}
	for (i = 0; i < l->nmx && y < h; i++, y++) {
		const struct wz_mx_row *r = &l->mx[i];

		wz_fmt_dur(age, sizeof age, (long)(now - r->at));
		x = 1;
		x += wz_put(w, y, x, r->server, 14);
		x = 16 < cols ? 16 : cols;
		if (r->failed)
			wattron(w, wz_attr(WZ_C_ERR));
		else if (r->changed)
			wattron(w, wz_attr(WZ_C_CHANGED));
		snprintf(tail, sizeof tail, _("  serial %lu, %s ago"), r->serial,
		    age);
		x += wz_put(w, y, x, r->line, cols - x - 1 - (cols > 100 ?
		    wz_cols(tail) : 0));
		wattroff(w, wz_attr(WZ_C_ERR) | wz_attr(WZ_C_CHANGED));
		if (cols > 100 && !r->failed) {
			wattron(w, wz_attr(WZ_C_DIM));
			wz_put(w, y, x, tail, cols - x - 1);
			wattroff(w, wz_attr(WZ_C_DIM));
		}
	}
	if (y < h && l->mx_note[0]) {
		wattron(w, wz_attr(WZ_C_WARN));
		wz_put(w, y, 1, l->mx_note, cols - 2);
		wattroff(w, wz_attr(WZ_C_WARN));
	}
}
