/* panel-transfer.c - the transfer summary: users done of all, bytes,
 * rate, ETA, failures. */
#include <config.h>

#include <curses.h>
#include <stdio.h>

#include "i18n.h"
#include "panel.h"
#include "wz.h"

void
wz_panel_xfer_draw(WINDOW *w, const struct wz_live *l)
{
	const struct wz_xfer_summary *x = &l->xfer;
	int h = getmaxy(w), cols = getmaxx(w), y = 1;
	char buf[192], b1[32], b2[32], eta[32];

	wz_panel_frame(w, _("Transfer"));
	if (x->users_total == 0) {
		wattron(w, wz_attr(WZ_C_WARN));
		wz_wrap(w, 1, 1, cols - 2, h - 1, x->note);
		wattroff(w, wz_attr(WZ_C_WARN));
		return;
	}
	snprintf(buf, sizeof buf, _("users %ld of %ld done"), x->users_done,
	    x->users_total);
	wz_put(w, y++, 1, buf, cols - 2);
	if (y < h) {
		wz_fmt_bytes(b1, sizeof b1, x->bytes_done);
		wz_fmt_bytes(b2, sizeof b2, x->bytes_total);
		snprintf(buf, sizeof buf, _("%s of %s"), b1, b2);
		wz_put(w, y++, 1, buf, cols - 2);
	}
	if (y < h) {
		wz_fmt_bytes(b1, sizeof b1, (unsigned long long)x->rate);
		if (x->eta >= 0)
			wz_fmt_dur(eta, sizeof eta, x->eta);
		else
			snprintf(eta, sizeof eta, "-");
		snprintf(buf, sizeof buf, _("%s/s, ETA %s"), b1, eta);
		wz_put(w, y++, 1, buf, cols - 2);
	}
	if (y < h && x->users_failed > 0) {
		wattron(w, wz_attr(WZ_C_ERR));
		snprintf(buf, sizeof buf, _("%ld user(s) failed"),
		    x->users_failed);
		wz_put(w, y++, 1, buf, cols - 2);
		wattroff(w, wz_attr(WZ_C_ERR));
	}
}
