/* panel-mx.c - the MX poll: per authoritative server, dig-style lines
 * with TTL, SOA serial and age; answers that changed since the last round
 * are highlighted. */
#include <config.h>

#include <curses.h>
#include <stdio.h>
#include <string.h>

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

/* The server column's width: 0 when every row comes from one source
 * (the zone file): its name is then in the title. */
static int
server_width(const struct wz_live *l, const char **only)
{
	int i, w = 0, c;

	*only = l->nmx > 0 ? l->mx[0].server : NULL;
	for (i = 0; i < l->nmx; i++) {
		if (*only && strcmp(*only, l->mx[i].server) != 0)
			*only = NULL;
		if ((c = wz_cols(l->mx[i].server)) > w)
			w = c;
	}
	if (*only != NULL)
		return 0;
	return w > 16 ? 16 : w;
}

void
wz_panel_mx_draw(WINDOW *w, const struct wz_live *l, time_t now)
{
	int h = getmaxy(w), cols = getmaxx(w), i, y = 1, x, sw, room;
	char age[32], tail[96], title[160];
	const char *only;

	sw = server_width(l, &only);
	if (only != NULL)
		snprintf(title, sizeof title, _("MX poll: %s"), only);
	else
		snprintf(title, sizeof title, "%s",
		    _("MX poll (authoritative servers)"));
	wz_panel_frame(w, title);
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
		if (sw > 0) {
			wz_put_pad(w, y, x, r->server, sw);
			x += sw + 1;
		}
		if (r->failed)
			wattron(w, wz_attr(WZ_C_ERR));
		else if (r->changed)
			wattron(w, wz_attr(WZ_C_CHANGED));
		snprintf(tail, sizeof tail, _("  serial %lu, %s ago"), r->serial,
		    age);
		room = cols - x - 1;
		x += wz_put(w, y, x, r->line, room);
		wattroff(w, wz_attr(WZ_C_ERR) | wz_attr(WZ_C_CHANGED));
		/* Serial and age when they fit after the whole line. */
		if (!r->failed && room >= wz_cols(r->line) + wz_cols(tail)) {
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
