/* win-before.c - window 1, Before: check both hosts, read the zone, lower
 * the TTL, and count down to the earliest safe cutover (the change time
 * plus the old TTL: until then some cache may hold the old MX). */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "i18n.h"
#include "adapt.h"
#include "batch.h"
#include "stepwin.h"
#include "wz.h"

static const char intro[] = N_("Lower the DNS TTL well ahead, check both "
    "hosts, and wait until every cache holds the short TTL.");

static const struct wz_stepdef steps[] = {
	{ "check-old", N_("Check the old host: connection, host key, MTA, "
	    "layout"), "host", wz_check_old_preview, wz_check_old_run },
	{ "check-new", N_("Check the new host, and its free disk space"),
	    "host", wz_check_new_preview, wz_check_new_run },
	{ "accept-names", N_("Both hosts accept mail for each other's names"),
	    "mta", wz_accept_preview, wz_accept_run },
	{ "read-zone", N_("Ask every authoritative server for MX, A, SOA"),
	    "dns", wz_read_zone_preview, wz_read_zone_run },
	{ "lower-ttl", N_("Lower the TTL of MX and A records"), "dns",
	    wz_lower_ttl_preview, wz_lower_ttl_run },
	{ "wait-ttl", N_("Wait until every server shows the low TTL"), "dns",
	    wz_wait_low_preview, wz_wait_low_run },
};

static int
countdown(struct wz_stepwin *sw, WINDOW *w, int y, int h, int width)
{
	struct wz_app *app = wz_stepwin_app(sw);
	time_t at = mx_plan_state_time(app->plan, "ttl_lowered_at");
	time_t seen = mx_plan_state_time(app->plan, "ttl_seen_at");
	time_t old = mx_plan_state_time(app->plan, "old_ttl");
	time_t now = time(NULL), safe;
	char buf[256], dur[64], when[64];
	struct tm tm;

	(void)h;
	if (at == 0) {
		wattron(w, wz_attr(WZ_C_WARN));
		wz_put(w, y, 1, _("Earliest safe cutover: not known until the "
		    "TTL is lowered."), width - 2);
		wattroff(w, wz_attr(WZ_C_WARN));
		return 1;
	}
	/* The old TTL counts from when every server showed the new one. */
	safe = (seen > at ? seen : at) + old;
	gmtime_r(&safe, &tm);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm);
	if (safe > now) {
		wz_fmt_dur(dur, sizeof dur, (long)(safe - now));
		snprintf(buf, sizeof buf, _("Earliest safe cutover: in %s (%s)"),
		    dur, when);
		wattron(w, wz_attr(WZ_C_WARN));
	} else {
		snprintf(buf, sizeof buf, _("Earliest safe cutover: now (since "
		    "%s): every cache holds the short TTL."), when);
		wattron(w, wz_attr(WZ_C_OK));
	}
	wz_put(w, y, 1, buf, width - 2);
	wattroff(w, wz_attr(WZ_C_OK) | wz_attr(WZ_C_WARN));
	return 1;
}

static void *
before_init(struct wz_app *app)
{
	struct wz_stepwin *sw = wz_stepwin_new(app, 0, steps,
	    (int)(sizeof steps / sizeof steps[0]), _(intro));

	if (sw != NULL)
		wz_stepwin_set_extra(sw, countdown, 1, NULL);
	return sw;
}

static void
before_draw(void *st, WINDOW *w)
{
	wz_stepwin_draw(st, w);
}

static int
before_key(void *st, enum wz_action a, int ch)
{
	return wz_stepwin_key(st, a, ch);
}

static void
before_event(void *st, const struct wz_event *ev)
{
	wz_stepwin_event(st, ev);
}

static int
before_done(void *st)
{
	return wz_stepwin_done(st);
}

static void
before_free(void *st)
{
	wz_stepwin_free(st);
}

const struct wz_screen_ops wz_win_before = {
	.title = N_("Before"),
	.help = N_("Window 1, Before. Days ahead of the move, lower the TTL "
	    "of the MX and the mail host's A record (600 seconds is usual), "
	    "so that later changes reach every sender quickly. mxmove asks "
	    "each authoritative name server directly, not a cache, and shows "
	    "the answers in the MX panel. The countdown tells when the old, "
	    "long TTL has run out everywhere: only then is the cutover safe.\n"
	    "The checks connect to both hosts (verifying their host keys), "
	    "make both accept mail for each other's names, compare the new "
	    "host's free space with what the old one holds, and count both "
	    "queues."),
	.init = before_init,
	.draw = before_draw,
	.key = before_key,
	.event = before_event,
	.tick = NULL,
	.done = before_done,
	.free = before_free,
};

/* The steps, for batch mode (batch.c runs the same ones). */
const struct wz_stepdef *
wz_win_before_steps(int *n)
{
	*n = (int)(sizeof steps / sizeof steps[0]);
	return steps;
}
