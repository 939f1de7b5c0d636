/* adapt.h - the wizard's adapters over the engine: hosts opened with the
 * audit log, the password prompt and the host-key screen; DNS rounds on
 * live servers or the zone-file back-end; MTA change sets; accounts. The
 * step functions (preview/run, see stepwin.h) of the five windows live in
 * adapt-*.c. Everything here runs in worker threads (never curses).
 */
#ifndef MX_ADAPT_H
#define MX_ADAPT_H

#include "buf.h"
#include "err.h"
#include "plan.h"
#include "stepwin.h"
#include "wz.h"

struct mx_host;
struct wz_job;

/* Open the audit log shared by every host (UI thread, at start). */
void wz_adapt_init(struct wz_app *app);
void wz_adapt_fini(void);
/* The shared audit log, for engine calls that open their own hosts. */
struct mx_audit *wz_audit(void);
/* A line of the wizard's own in the audit log (host "wizard"). */
void wz_adapt_log(const char *path, const char *text);

/* Open the old (which 0) or new (1) host of the plan. An unknown host key
 * is shown on the host-key screen and recorded when accepted; a password
 * is asked without echo. j may be NULL (then nothing is asked). */
int wz_host_open(const struct mx_plan *p, int which, struct wz_job *j,
    struct mx_host **out, struct mx_err *err);

/* The plan's domains as a NULL-terminated vector (free with
 * wz_strv_free). */
char **wz_domains(const struct mx_plan *p, size_t *n);
void wz_strv_free(char **v);

/* Sleep up to secs, waking early when j is cancelled. Returns -1 when
 * cancelled. */
int wz_job_sleep(struct wz_job *j, int secs);

/* The live panels. */
int wz_adapt_mx_round(const struct mx_plan *p, struct wz_mx_row *rows,
    int max, int *n, struct mx_err *err);
int wz_adapt_queue(const struct mx_plan *p, int which,
    struct wz_queue_counts *q, struct mx_err *err);
void wz_adapt_queue_close(void);

/* Window 1, Before. */
int wz_check_old_preview(struct wz_stepctx *, struct mx_buf *, struct mx_err *);
int wz_check_old_run(struct wz_stepctx *, struct mx_buf *, struct mx_err *);
int wz_check_new_preview(struct wz_stepctx *, struct mx_buf *, struct mx_err *);
int wz_check_new_run(struct wz_stepctx *, struct mx_buf *, struct mx_err *);
int wz_accept_preview(struct wz_stepctx *, struct mx_buf *, struct mx_err *);
int wz_accept_run(struct wz_stepctx *, struct mx_buf *, struct mx_err *);
int wz_read_zone_preview(struct wz_stepctx *, struct mx_buf *, struct mx_err *);
int wz_read_zone_run(struct wz_stepctx *, struct mx_buf *, struct mx_err *);
int wz_lower_ttl_preview(struct wz_stepctx *, struct mx_buf *, struct mx_err *);
int wz_lower_ttl_run(struct wz_stepctx *, struct mx_buf *, struct mx_err *);
int wz_wait_low_preview(struct wz_stepctx *, struct mx_buf *, struct mx_err *);
int wz_wait_low_run(struct wz_stepctx *, struct mx_buf *, struct mx_err *);
/* Window 2, Accounts. */
int wz_acct_read_preview(struct wz_stepctx *, struct mx_buf *, struct mx_err *);
int wz_acct_read_run(struct wz_stepctx *, struct mx_buf *, struct mx_err *);
int wz_create_preview(struct wz_stepctx *, struct mx_buf *, struct mx_err *);
int wz_create_run(struct wz_stepctx *, struct mx_buf *, struct mx_err *);
/* Window 4, Transfer (and window 5's catch-up). */
/* The plan's ledger file (PLAN.ledger; caller frees) and the overview
 * across all accounts from the state directory and that ledger. */
char *wz_ledger_path(const struct wz_app *app);
struct mx_overview;
int wz_overview_load(const struct wz_app *app, struct mx_overview *ov,
    struct mx_err *err);

int wz_transfer_preview(struct wz_stepctx *, struct mx_buf *, struct mx_err *);
int wz_transfer_run(struct wz_stepctx *, struct mx_buf *, struct mx_err *);
int wz_verify_preview(struct wz_stepctx *, struct mx_buf *, struct mx_err *);
int wz_verify_run(struct wz_stepctx *, struct mx_buf *, struct mx_err *);
int wz_report_preview(struct wz_stepctx *, struct mx_buf *, struct mx_err *);
int wz_report_run(struct wz_stepctx *, struct mx_buf *, struct mx_err *);
/* Window 3, Dead-MX cutover. */
int wz_probe_dead_preview(struct wz_stepctx *, struct mx_buf *, struct mx_err *);
int wz_probe_dead_run(struct wz_stepctx *, struct mx_buf *, struct mx_err *);
int wz_freeze_preview(struct wz_stepctx *, struct mx_buf *, struct mx_err *);
int wz_freeze_run(struct wz_stepctx *, struct mx_buf *, struct mx_err *);
int wz_mx_dead_preview(struct wz_stepctx *, struct mx_buf *, struct mx_err *);
int wz_mx_dead_run(struct wz_stepctx *, struct mx_buf *, struct mx_err *);
int wz_poll_dead_preview(struct wz_stepctx *, struct mx_buf *, struct mx_err *);
int wz_poll_dead_run(struct wz_stepctx *, struct mx_buf *, struct mx_err *);
int wz_wait_one_ttl_preview(struct wz_stepctx *, struct mx_buf *, struct mx_err *);
int wz_wait_one_ttl_run(struct wz_stepctx *, struct mx_buf *, struct mx_err *);
/* Window 5, Forwarding. */
int wz_forward_preview(struct wz_stepctx *, struct mx_buf *, struct mx_err *);
int wz_forward_run(struct wz_stepctx *, struct mx_buf *, struct mx_err *);
int wz_thaw_preview(struct wz_stepctx *, struct mx_buf *, struct mx_err *);
int wz_thaw_run(struct wz_stepctx *, struct mx_buf *, struct mx_err *);
int wz_probe_live_preview(struct wz_stepctx *, struct mx_buf *, struct mx_err *);
int wz_probe_live_run(struct wz_stepctx *, struct mx_buf *, struct mx_err *);
int wz_mx_live_preview(struct wz_stepctx *, struct mx_buf *, struct mx_err *);
int wz_mx_live_run(struct wz_stepctx *, struct mx_buf *, struct mx_err *);
int wz_poll_live_preview(struct wz_stepctx *, struct mx_buf *, struct mx_err *);
int wz_poll_live_run(struct wz_stepctx *, struct mx_buf *, struct mx_err *);
int wz_drain_preview(struct wz_stepctx *, struct mx_buf *, struct mx_err *);
int wz_drain_run(struct wz_stepctx *, struct mx_buf *, struct mx_err *);

#endif
