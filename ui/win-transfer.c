/* win-transfer.c - window 4, Transfer and import: copy every mailbox,
 * verify it, import it so no client sees half a message; the per-user
 * table shows each user's state, messages, bytes, rate, ETA and errors.
 * The same window serves the first pass and every catch-up pass. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>

#include "adapt.h"
#include "i18n.h"
#include "batch.h"
#include "stepwin.h"
#include "usertable.h"
#include "wz.h"

static const char intro[] = N_("Copy every mailbox, verify it, and import "
    "it so that no client ever sees half a message.");

static const struct wz_stepdef steps[] = {
	{ "transfer", N_("Copy and import every mailbox"), "transfer",
	    wz_transfer_preview, wz_transfer_run },
	{ "verify", N_("Verify every user: count, bytes, digests"), "transfer",
	    wz_verify_preview, wz_verify_run },
	{ "catch-up", N_("Catch-up pass: copy only what is new"), "transfer",
	    wz_transfer_preview, wz_transfer_run },
};

struct xfer_win {
	struct wz_stepwin *sw;
	struct wz_usertable *table;
};

static int
table_extra(struct wz_stepwin *sw, WINDOW *w, int y, int h, int width)
{
	struct xfer_win *x = wz_stepwin_data(sw);

	wz_usertable_draw(x->table, w, y, h, width);
	return h;
}

static void *
xfer_init(struct wz_app *app)
{
	struct xfer_win *x = calloc(1, sizeof *x);

	if (x == NULL)
		return NULL;
	x->sw = wz_stepwin_new(app, 3, steps,
	    (int)(sizeof steps / sizeof steps[0]), _(intro));
	x->table = wz_usertable_new();
	if (x->sw == NULL || x->table == NULL) {
		wz_stepwin_free(x->sw);
		wz_usertable_free(x->table);
		free(x);
		return NULL;
	}
	wz_stepwin_set_extra(x->sw, table_extra, -60, x);
	return x;
}

static void
xfer_draw(void *st, WINDOW *w)
{
	struct xfer_win *x = st;

	wz_stepwin_draw(x->sw, w);
}

static int
xfer_key(void *st, enum wz_action a, int ch)
{
	struct xfer_win *x = st;

	/* The table takes the paging and sorting keys. */
	if (a == WZ_A_PGUP || a == WZ_A_PGDN || a == WZ_A_HOME ||
	    a == WZ_A_END || a == WZ_A_SORT || a == WZ_A_REVERSE)
		return wz_usertable_key(x->table, a);
	return wz_stepwin_key(x->sw, a, ch);
}

static void
xfer_event(void *st, const struct wz_event *ev)
{
	struct xfer_win *x = st;

	if (ev->type == WZ_EV_USER && ev->data != NULL)
		wz_usertable_apply(x->table, ev->data);
	wz_stepwin_event(x->sw, ev);
}

static int
xfer_done(void *st)
{
	return wz_stepwin_done(((struct xfer_win *)st)->sw);
}

static void
xfer_free(void *st)
{
	struct xfer_win *x = st;

	wz_stepwin_free(x->sw);
	wz_usertable_free(x->table);
	free(x);
}

const struct wz_screen_ops wz_win_transfer = {
	.title = N_("Transfer"),
	.help = N_("Window 4, Transfer and import. For each user mxmove "
	    "streams the mailbox from the old host, gives files the new "
	    "host's owner and modes, stages them beside new/ and moves them "
	    "into place with rename, so no client ever sees half a message. "
	    "Flags in cur/ names, delivery dates (mtimes) and POP3 UIDLs are "
	    "kept; mbox spools become Maildirs. Each user is verified "
	    "(message count, bytes, a digest of every message) before it is "
	    "marked done. Running the step again copies only what is new: "
	    "the same window serves every catch-up pass. Nothing is ever "
	    "deleted on the old host.\n"
	    "The table: PgUp/PgDn/Home/End scroll, o sorts by the next "
	    "column, r reverses. v opens the overview of every account: "
	    "state, messages and bytes on both sides, whether flags and POP3 "
	    "UIDLs are equal, and each problem with what to do; / filters it "
	    "(\"problems\" keeps the users needing attention)."),
	.init = xfer_init,
	.draw = xfer_draw,
	.key = xfer_key,
	.event = xfer_event,
	.done = xfer_done,
	.free = xfer_free,
};

/* The steps, for batch mode (batch.c runs the same ones). */
const struct wz_stepdef *
wz_win_transfer_steps(int *n)
{
	*n = (int)(sizeof steps / sizeof steps[0]);
	return steps;
}
