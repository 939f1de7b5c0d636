/* win-accounts.c - window 2, Accounts: read the old host's accounts into
 * one model, show them, and create them on the new host with the same
 * password hashes and empty Maildirs (the commands previewed per host). */
#include <config.h>

#include <stdio.h>

#include "adapt.h"
#include "i18n.h"
#include "batch.h"
#include "stepwin.h"
#include "wz.h"

static const char intro[] = N_("Read the old host's accounts and create "
    "them on the new host with the same password hashes and empty "
    "Maildirs.");

static const struct wz_stepdef steps[] = {
	{ "read", N_("Read accounts from the old host's sources"), "accounts",
	    wz_acct_read_preview, wz_acct_read_run },
	{ "create", N_("Create domains and accounts with their hashes and "
	    "empty Maildirs; read back their paths"), "accounts",
	    wz_create_preview, wz_create_run },
};

static void *
acc_init(struct wz_app *app)
{
	return wz_stepwin_new(app, 1, steps,
	    (int)(sizeof steps / sizeof steps[0]), _(intro));
}

static void acc_draw(void *st, WINDOW *w) { wz_stepwin_draw(st, w); }
static int acc_key(void *st, enum wz_action a, int ch)
{ return wz_stepwin_key(st, a, ch); }
static void acc_event(void *st, const struct wz_event *ev)
{ wz_stepwin_event(st, ev); }
static int acc_done(void *st) { return wz_stepwin_done(st); }
static void acc_free(void *st) { wz_stepwin_free(st); }

const struct wz_screen_ops wz_win_accounts = {
	.title = N_("Accounts"),
	.help = N_("Window 2, Accounts. mxmove reads the accounts from the "
	    "sources in the plan (system users from passwd and shadow, "
	    "vpopmail's vpasswd or MySQL tables, qmail's MySQL tables, Plesk, "
	    "mbox spools) into one list: name, domain, password hash, quota, "
	    "home and Maildir. Locked accounts and system users below uid 500 "
	    "are listed and skipped. It then creates the domains and accounts "
	    "on the new host with the same hashes (never a plain password), "
	    "with empty Maildirs owned by the right user, and reads back the "
	    "paths the new host really chose: vpopmail buckets users "
	    "differently on each host."),
	.init = acc_init,
	.draw = acc_draw,
	.key = acc_key,
	.event = acc_event,
	.done = acc_done,
	.free = acc_free,
};

/* The steps, for batch mode (batch.c runs the same ones). */
const struct wz_stepdef *
wz_win_accounts_steps(int *n)
{
	*n = (int)(sizeof steps / sizeof steps[0]);
	return steps;
}
