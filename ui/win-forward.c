/* win-forward.c - window 5, Forwarding afterwards: make the old host relay
 * to the new one, thaw, MX to the live IP, watch the old queues drain, a
 * last catch-up pass, and the final report. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapt.h"
#include "i18n.h"
#include "batch.h"
#include "stepwin.h"
#include "wz.h"

static const char intro[] = N_("Point MX at the live address, relay "
    "stragglers from the old host, drain its queue, and write the report.");

static const struct wz_stepdef steps[] = {
	{ "forward", N_("Make the old host relay its domains to the new one"),
	    "mta", wz_forward_preview, wz_forward_run },
	{ "thaw", N_("Thaw the old host's freeze"), "mta", wz_thaw_preview,
	    wz_thaw_run },
	{ "probe-live", N_("Probe the live IP: port 25 must greet"), "dns",
	    wz_probe_live_preview, wz_probe_live_run },
	{ "mx-live", N_("Point MX at the live IP"), "dns", wz_mx_live_preview,
	    wz_mx_live_run },
	{ "poll-live", N_("Poll until every server shows the live MX"), "dns",
	    wz_poll_live_preview, wz_poll_live_run },
	{ "drain", N_("Watch the old queues drain"), "mta", wz_drain_preview,
	    wz_drain_run },
	{ "catch-up", N_("Last catch-up pass"), "transfer",
	    wz_transfer_preview, wz_transfer_run },
	{ "report", N_("Write the final report"), "transfer",
	    wz_report_preview, wz_report_run },
};

static int
extra(struct wz_stepwin *sw, WINDOW *w, int y, int h, int width)
{
	struct wz_app *app = wz_stepwin_app(sw);
	const struct wz_queue_counts *q = &app->live.q_old;
	const char *report = mx_plan_state_get(app->plan, "report");
	char buf[512];
	int rows = 0;

	/* The report first: it is what this window ends with. */
	if (report != NULL) {
		snprintf(buf, sizeof buf, _("Final report: %s"), report);
		wattron(w, wz_attr(WZ_C_OK));
		wz_put(w, y + rows++, 1, buf, width - 2);
		wattroff(w, wz_attr(WZ_C_OK));
		if (rows >= h)
			return rows;
	}
	if (!q->known)
		snprintf(buf, sizeof buf, "%s", _("Old queue: not counted yet."));
	else if (q->total == 0)
		snprintf(buf, sizeof buf, "%s", _("Old queue: drained (empty)."));
	else
		snprintf(buf, sizeof buf, _("Old queue: %ld message(s) still "
		    "waiting."), q->total);
	wattron(w, wz_attr(q->known && q->total == 0 ? WZ_C_OK :
	    WZ_C_WARN));
	wz_put(w, y + rows++, 1, buf, width - 2);
	wattroff(w, wz_attr(WZ_C_OK) | wz_attr(WZ_C_WARN));
	return rows;
}

static void *
fwd_init(struct wz_app *app)
{
	struct wz_stepwin *sw = wz_stepwin_new(app, 4, steps,
	    (int)(sizeof steps / sizeof steps[0]), _(intro));

	if (sw != NULL)
		wz_stepwin_set_extra(sw, extra, 2, NULL);
	return sw;
}

static void fwd_draw(void *st, WINDOW *w) { wz_stepwin_draw(st, w); }
static int fwd_key(void *st, enum wz_action a, int ch)
{ return wz_stepwin_key(st, a, ch); }
static void fwd_event(void *st, const struct wz_event *ev)
{ wz_stepwin_event(st, ev); }
static int fwd_done(void *st) { return wz_stepwin_done(st); }
static void fwd_free(void *st) { wz_stepwin_free(st); }

const struct wz_screen_ops wz_win_forward = {
	.title = N_("Forwarding"),
	.help = N_("Window 5, Forwarding afterwards. Some senders still hold "
	    "the old MX in a cache, and mail may sit in the old queue. The old "
	    "host becomes a relay to the new one (qmail: the domains leave "
	    "locals and virtualdomains, stay in rcpthosts, and smtproutes "
	    "sends them to the new host), the freeze is lifted so queued mail "
	    "flows on, and MX moves to the live address. mxmove polls every "
	    "authoritative server, watches the old queues drain, runs a last "
	    "catch-up pass of the mailboxes, and writes the final report: "
	    "what moved, the verification figures, and when the old host can "
	    "be switched off.\n"
	    "In the demo no MTA runs: nothing greets on the live address and "
	    "nothing delivers the old queue. Skip those two steps (s).\n"
	    "v opens the overview of every account, as in window 4."),
	.init = fwd_init,
	.draw = fwd_draw,
	.key = fwd_key,
	.event = fwd_event,
	.done = fwd_done,
	.free = fwd_free,
};

/* The steps, for batch mode (batch.c runs the same ones). */
const struct wz_stepdef *
wz_win_forward_steps(int *n)
{
	*n = (int)(sizeof steps / sizeof steps[0]);
	return steps;
}
