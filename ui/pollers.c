/* pollers.c - the MX poll and the queue counts, in workers (see
 * pollers.h). A round runs every MX_EVERY / Q_EVERY seconds; a round that
 * is still out is never doubled. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "adapt.h"
#include "i18n.h"
#include "pollers.h"

#define MX_EVERY 10
#define Q_EVERY 15
#define WIN_POLL (-2)	/* the jobs' win: not a window's */

enum { JOB_MX, JOB_QOLD, JOB_QNEW, NJOBS };

struct round {
	int kind;
	struct mx_plan *plan;	/* a private copy */
};

struct mx_result {
	struct wz_mx_row rows[WZ_MX_MAX];
	int n;
	char note[128];
};

static struct wz_job *out[NJOBS];
static time_t last[NJOBS];
static int stopped;

static int
round_job(struct wz_job *j)
{
	struct round *r = j->arg;
	struct mx_err err;

	mx_err_clear(&err);
	if (r->kind == JOB_MX) {
		struct mx_result *m = calloc(1, sizeof *m);

		if (m == NULL)
			return -1;
		if (wz_adapt_mx_round(r->plan, m->rows, WZ_MX_MAX, &m->n,
		    &err) == -1)
			snprintf(m->note, sizeof m->note, "%.120s", err.msg);
		wz_event_post(WZ_EV_MX, WIN_POLL, 0, 0, NULL, m, free);
	} else {
		struct wz_queue_counts *q = calloc(1, sizeof *q);

		if (q == NULL)
			return -1;
		if (wz_adapt_queue(r->plan, r->kind == JOB_QNEW, q, &err) == -1) {
			q->known = 0;
			snprintf(q->note, sizeof q->note, "%.90s", err.msg);
		}
		q->at = time(NULL);
		wz_event_post(WZ_EV_QUEUE, WIN_POLL, 0, r->kind == JOB_QNEW,
		    NULL, q, free);
	}
	return 0;
}

static void
start(struct wz_app *app, int kind)
{
	struct round *r;

	if (out[kind] != NULL || stopped)
		return;
	if ((r = calloc(1, sizeof *r)) == NULL)
		return;
	r->kind = kind;
	if ((r->plan = mx_plan_copy(app->plan)) == NULL) {
		free(r);
		return;
	}
	out[kind] = wz_job_start(WIN_POLL, kind, round_job, r);
	if (out[kind] == NULL) {
		mx_plan_free(r->plan);
		free(r);
	}
	last[kind] = time(NULL);
}

void
wz_pollers_start(struct wz_app *app)
{
	stopped = 0;
	snprintf(app->live.mx_note, sizeof app->live.mx_note, "%s",
	    _("waiting for the first round..."));
	snprintf(app->live.xfer.note, sizeof app->live.xfer.note, "%s",
	    _("no transfer has run yet"));
	app->live.xfer.eta = -1;
	start(app, JOB_MX);
	start(app, JOB_QOLD);
	start(app, JOB_QNEW);
}

void
wz_pollers_stop(struct wz_app *app)
{
	(void)app;
	stopped = 1;
}

void
wz_pollers_kick(void)
{
	int k;

	for (k = 0; k < NJOBS; k++)
		last[k] = 0;
}

void
wz_pollers_tick(struct wz_app *app, time_t now)
{
	if (now - last[JOB_MX] >= MX_EVERY)
		start(app, JOB_MX);
	if (now - last[JOB_QOLD] >= Q_EVERY)
		start(app, JOB_QOLD);
	if (now - last[JOB_QNEW] >= Q_EVERY)
		start(app, JOB_QNEW);
}

static void
mx_update(struct wz_live *l, const struct mx_result *m)
{
	int i, k;

	for (i = 0; i < m->n; i++) {
		struct wz_mx_row r = m->rows[i];

		r.changed = 0;
		for (k = 0; k < l->nmx; k++)
			if (strcmp(l->mx[k].server, r.server) == 0 &&
			    strncmp(l->mx[k].line, r.line, 24) == 0)
				break;
		/* Changed: same server, different answer than before. */
		if (l->nmx > 0 && (k == l->nmx ||
		    strcmp(l->mx[k].line, r.line) != 0 ||
		    l->mx[k].serial != r.serial))
			r.changed = 1;
		else if (k < l->nmx && l->mx[k].changed &&
		    time(NULL) - l->mx[k].at < 3 * MX_EVERY)
			r.changed = 1;	/* keep the highlight a while */
		l->mx[i] = r;
	}
	l->nmx = m->n;
	snprintf(l->mx_note, sizeof l->mx_note, "%s", m->note);
	l->mx_round = time(NULL);
}

void
wz_pollers_event(struct wz_app *app, const struct wz_event *ev)
{
	struct wz_live *l = &app->live;

	switch (ev->type) {
	case WZ_EV_MX:
		if (ev->data)
			mx_update(l, ev->data);
		break;
	case WZ_EV_QUEUE:
		if (ev->data)
			*(ev->state ? &l->q_new : &l->q_old) =
			    *(const struct wz_queue_counts *)ev->data;
		break;
	case WZ_EV_XFER:
		if (ev->data)
			l->xfer = *(const struct wz_xfer_summary *)ev->data;
		break;
	default:
		break;
	}
}

int
wz_pollers_job_end(struct wz_app *app, struct wz_job *j)
{
	struct round *r;
	int k;

	(void)app;
	for (k = 0; k < NJOBS; k++)
		if (out[k] == j) {
			r = j->arg;
			mx_plan_free(r->plan);
			free(r);
			out[k] = NULL;
			wz_job_join(j);
			return 1;
		}
	return 0;
}

int
wz_pollers_count(void)
{
	int k, n = 0;

	for (k = 0; k < NJOBS; k++)
		n += out[k] != NULL;
	return n;
}
