/* panel-queue.c - queue counts on the old and the new host (qmail:
 * messages and not yet preprocessed; Postfix: active/deferred/hold;
 * sendmail: mailq's total). */
#include <config.h>

#include <curses.h>
#include <stdio.h>

#include "i18n.h"
#include "panel.h"
#include "wz.h"

static void
one(WINDOW *w, int y, const char *name, const struct wz_queue_counts *q,
    time_t now)
{
	int cols = getmaxx(w), x = 1, i;
	char buf[160], age[32];
	long v[3];

	x += wz_put(w, y, x, name, cols - 2);
	x += wz_put(w, y, x, ": ", cols - x - 1);
	if (!q->known) {
		wattron(w, wz_attr(WZ_C_WARN));
		wz_put(w, y, x, q->note[0] ? q->note : _("not counted yet"),
		    cols - x - 1);
		wattroff(w, wz_attr(WZ_C_WARN));
		return;
	}
	v[0] = q->a;
	v[1] = q->b;
	v[2] = q->c;
	for (i = 0; i < 3; i++) {
		if (q->labels[i][0] == '\0')
			continue;
		/* Narrow: labels cut to five letters ("unpre"). */
		snprintf(buf, sizeof buf, "%.*s %ld  ", cols < 50 ? 5 : 32,
		    q->labels[i], v[i]);
		if (v[i] > 0)
			wattron(w, A_BOLD);
		x += wz_put(w, y, x, buf, cols - x - 1);
		wattroff(w, A_BOLD);
	}
	wz_fmt_dur(age, sizeof age, (long)(now - q->at));
	wattron(w, wz_attr(WZ_C_DIM));
	snprintf(buf, sizeof buf, "(%s, %s)", q->mta, age);
	wz_put(w, y, x, buf, cols - x - 1);
	wattroff(w, wz_attr(WZ_C_DIM));
}

void
wz_panel_queue_draw(WINDOW *w, const struct wz_live *l, time_t now)
{
	int h = getmaxy(w);

	wz_panel_frame(w, _("Queues"));
	/* TRANSLATORS: the old and the new host, in the queue panel. */
	if (h > 1)
		one(w, 1, _("old"), &l->q_old, now);
	if (h > 2)
		one(w, 2, _("new"), &l->q_new, now);
}
