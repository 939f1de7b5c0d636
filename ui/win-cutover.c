/* win-cutover.c - window 3, Dead-MX cutover: probe the dead IP (it must
 * refuse port 25, so senders get a temporary failure and retry), freeze
 * the old host, move MX to the dead IP, poll until every authoritative
 * server agrees, and count down one TTL. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "adapt.h"
#include "i18n.h"
#include "batch.h"
#include "stepwin.h"
#include "wz.h"

static const char intro[] = N_("Point MX at an address where nothing "
    "listens, freeze the old host, and wait one TTL: senders retry.");

static const struct wz_stepdef steps[] = {
	{ "probe-dead", N_("Probe the dead IP: port 25 must refuse"), "dns",
	    wz_probe_dead_preview, wz_probe_dead_run },
	{ "freeze", N_("Freeze the old host's deliveries"), "mta",
	    wz_freeze_preview, wz_freeze_run },
	{ "mx-dead", N_("Point MX at the dead IP"), "dns", wz_mx_dead_preview,
	    wz_mx_dead_run },
	{ "poll-dead", N_("Poll until every server shows the dead MX"), "dns",
	    wz_poll_dead_preview, wz_poll_dead_run },
	{ "wait-ttl", N_("Wait one TTL while the old queues settle"), "dns",
	    wz_wait_one_ttl_preview, wz_wait_one_ttl_run },
};

static int
extra(struct wz_stepwin *sw, WINDOW *w, int y, int h, int width)
{
	struct wz_app *app = wz_stepwin_app(sw);
	const char *probe = mx_plan_state_get(app->plan, "dead_probe");
	time_t at = mx_plan_state_time(app->plan, "mx_dead_at");
	long ttl = atol(mx_plan_get(app->plan, MX_PLAN_LOW_TTL));
	time_t now = time(NULL);
	char buf[256], dur[64];
	int rows = 0;

	snprintf(buf, sizeof buf, _("Dead IP %s: %s"),
	    *mx_plan_get(app->plan, MX_PLAN_DEAD_IP) ?
	    mx_plan_get(app->plan, MX_PLAN_DEAD_IP) : _("(not in the plan)"),
	    probe ? probe : _("not probed yet"));
	wz_put(w, y + rows++, 1, buf, width - 2);
	if (rows >= h)
		return rows;
	if (at == 0)
		snprintf(buf, sizeof buf, _("One TTL (%lds): counts down once MX "
		    "points at the dead IP."), ttl);
	else if (at + ttl > now) {
		wz_fmt_dur(dur, sizeof dur, (long)(at + ttl - now));
		snprintf(buf, sizeof buf, _("One TTL: %s left before the "
		    "transfer is safe."), dur);
	} else
		snprintf(buf, sizeof buf, "%s", _("One TTL has passed: no "
		    "sender uses the old MX any more."));
	wattron(w, wz_attr(at && at + ttl <= now ? WZ_C_OK : WZ_C_WARN));
	wz_put(w, y + rows++, 1, buf, width - 2);
	wattroff(w, wz_attr(WZ_C_OK) | wz_attr(WZ_C_WARN));
	return rows;
}

static void *
cut_init(struct wz_app *app)
{
	struct wz_stepwin *sw = wz_stepwin_new(app, 2, steps,
	    (int)(sizeof steps / sizeof steps[0]), _(intro));

	if (sw != NULL)
		wz_stepwin_set_extra(sw, extra, 2, NULL);
	return sw;
}

static void cut_draw(void *st, WINDOW *w) { wz_stepwin_draw(st, w); }
static int cut_key(void *st, enum wz_action a, int ch)
{ return wz_stepwin_key(st, a, ch); }
static void cut_event(void *st, const struct wz_event *ev)
{ wz_stepwin_event(st, ev); }
static int cut_done(void *st) { return wz_stepwin_done(st); }
static void cut_free(void *st) { wz_stepwin_free(st); }

const struct wz_screen_ops wz_win_cutover = {
	.title = N_("Dead-MX cutover"),
	.help = N_("Window 3, Dead-MX cutover. The MX moves to an address of "
	    "the new host where nothing listens on port 25: senders get "
	    "'connection refused', a temporary failure, and retry later. "
	    "First mxmove probes that address (it must refuse, not time out "
	    "and not greet). Then it freezes the old host so nothing more is "
	    "delivered into mailboxes about to move: the sticky bit on home "
	    "directories (qmail defers local delivery) or the remote-queue "
	    "freeze. It moves MX, polls every authoritative server until all "
	    "agree, and counts down one TTL while watching the old queues."),
	.init = cut_init,
	.draw = cut_draw,
	.key = cut_key,
	.event = cut_event,
	.done = cut_done,
	.free = cut_free,
};

/* The steps, for batch mode (batch.c runs the same ones). */
const struct wz_stepdef *
wz_win_cutover_steps(int *n)
{
	*n = (int)(sizeof steps / sizeof steps[0]);
	return steps;
}
