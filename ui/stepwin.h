/* stepwin.h - what the five windows share: a checklist of steps, each
 * with a preview (the exact commands or DNS update, per host) built in a
 * worker, a confirmation listing every checked step's preview, and the
 * run of the checked steps one after the other in a worker, with the
 * state of each kept in the plan ("state.W.ID = done") so a run resumes.
 * Like tmux's mode-tree: one generic screen, the windows give the data.
 */
#ifndef MX_STEPWIN_H
#define MX_STEPWIN_H

#include "buf.h"
#include "checklist.h"
#include "err.h"
#include "events.h"
#include "plan.h"
#include "wz.h"

/* What a step's preview and run functions get, in the worker thread: a
 * private copy of the plan (read it freely), the paths, and a way to
 * record plan state changes that the UI thread applies when the step
 * ends. */
struct wz_stepctx {
	struct wz_job *job;	/* NULL while building a preview */
	struct mx_plan *plan;
	struct wz_app *app;	/* only for wz_log() and read-only paths */
	int win, step;
	struct mx_buf state_updates;	/* "name\tvalue\n" lines */
};
/* Record "state.NAME = VALUE" for the plan (applied on the UI thread). */
void wz_ctx_state(struct wz_stepctx *c, const char *name, const char *value);
/* Post a progress note for this step (shown beside it). */
void wz_ctx_note(struct wz_stepctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

struct wz_stepdef {
	const char *id;		/* plan state name: "W.ID" */
	const char *label;	/* N_() */
	/* The engine module the step waits for when run is NULL. */
	const char *needs;
	/* Build the preview (worker): the exact commands or DNS update per
	 * host. NULL: the preview says what is missing. */
	int (*preview)(struct wz_stepctx *c, struct mx_buf *out,
	    struct mx_err *err);
	/* Do it (worker): result gets a short summary (first line shown
	 * beside the step) and details. */
	int (*run)(struct wz_stepctx *c, struct mx_buf *result,
	    struct mx_err *err);
};

struct wz_stepwin;

/* Extra drawing below the checklist (countdowns, tables, the report):
 * draw in rows y..y+h-1; return the rows used. */
typedef int (*wz_extra_fn)(struct wz_stepwin *sw, WINDOW *w, int y, int h,
    int width);

struct wz_stepwin *wz_stepwin_new(struct wz_app *app, int win,
    const struct wz_stepdef *defs, int n, const char *intro);
void wz_stepwin_free(struct wz_stepwin *sw);
void wz_stepwin_set_extra(struct wz_stepwin *sw, wz_extra_fn fn, int rows,
    void *data);
void *wz_stepwin_data(struct wz_stepwin *sw);
struct wz_app *wz_stepwin_app(struct wz_stepwin *sw);
void wz_stepwin_draw(struct wz_stepwin *sw, WINDOW *w);
int wz_stepwin_key(struct wz_stepwin *sw, enum wz_action a, int ch);
void wz_stepwin_event(struct wz_stepwin *sw, const struct wz_event *ev);
int wz_stepwin_done(struct wz_stepwin *sw);
int wz_stepwin_state(struct wz_stepwin *sw, const char *id);
/* Build every preview again (after a plan change or a run). */
void wz_stepwin_refresh(struct wz_stepwin *sw);
/* Set by the frame after the plan form saves. */
void wz_stepwins_plan_changed(struct wz_app *app);

#endif
