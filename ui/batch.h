/* batch.h - batch mode: the wizard's steps without a screen.
 *
 * The same step definitions as the five windows (win-*.c) run in the same
 * worker threads and post the same events; batch mode consumes the events
 * and prints one progress line each on stderr, keeps each step's state in
 * the plan exactly as the wizard does (so the wizard and batch mode can
 * take turns on one plan), and ends with a JSON report on stdout. */
#ifndef MX_BATCH_H
#define MX_BATCH_H

#include "stepwin.h"

/* Each window's steps. */
const struct wz_stepdef *wz_win_before_steps(int *n);
const struct wz_stepdef *wz_win_accounts_steps(int *n);
const struct wz_stepdef *wz_win_cutover_steps(int *n);
const struct wz_stepdef *wz_win_transfer_steps(int *n);
const struct wz_stepdef *wz_win_forward_steps(int *n);
/* Window w (0..4): its steps. */
const struct wz_stepdef *wz_batch_steps(int w, int *n);

/* Exit statuses of "mxmove run" (documented in mxmove(1)). */
#define MX_RUN_OK 0		/* every step asked for is done or skipped */
#define MX_RUN_FAILED 1		/* a step failed: the report says which */
#define MX_RUN_USAGE 2		/* bad command line or plan */
#define MX_RUN_PREVIEW 3	/* previews shown, nothing run: add --yes */

struct mx_batch_opts {
	const char *plan_path;
	int first, last;	/* windows, 0..4 */
	int yes;		/* run; else previews only */
	int demo;		/* build the demo lab first */
	const char *demo_dir;
	char **again;		/* "W.STEP" ids to run even when done */
	int nagain;
};
int mx_batch_run(const struct mx_batch_opts *o);
/* "mxmove status": every step's state from the plan. */
int mx_batch_status(const char *plan_path, int json);

#endif
