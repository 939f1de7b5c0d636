/* stepwin.c - a window of steps: checklist, previews, confirm, run (see
 * stepwin.h). */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "stepwin.h"

struct wz_stepwin {
	struct wz_app *app;
	int win;
	const struct wz_stepdef *defs;
	int n;
	const char *intro;
	struct wz_checklist cl;
	struct wz_check_item *items;
	char **preview;		/* per step; NULL while being built */
	char **note;
	int *queue;		/* steps left to run, in order */
	int nqueue;
	int running;		/* the step running, or -1 */
	int previewing;		/* a preview job is out */
	int preview_again;	/* the plan changed meanwhile */
	int scroll;		/* first preview line shown */
	wz_extra_fn extra;
	int extra_rows;
	void *extra_data;
	struct wz_stepwin *next_win;
};

static struct wz_stepwin *all_wins;

/* A job's argument: the context and what it produced. */
struct runarg {
	struct wz_stepctx ctx;
	int preview_only;
	struct wz_stepwin *sw;	/* defs and n only: never changed */
	struct mx_buf out;
	struct mx_err err;
	int rc;
};

void
wz_ctx_state(struct wz_stepctx *c, const char *name, const char *value)
{
	mx_buf_printf(&c->state_updates, "%s\t%s\n", name, value);
}

void
wz_ctx_note(struct wz_stepctx *c, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	wz_event_post(WZ_EV_STEP, c->win, c->step, WZ_RUNNING, buf, NULL, NULL);
}

static void
state_key(char *buf, size_t len, const struct wz_stepwin *sw, int i)
{
	snprintf(buf, len, "%d.%s", sw->win + 1, sw->defs[i].id);
}

static int
parse_state(const char *v)
{
	if (v == NULL)
		return WZ_TODO;
	if (strcmp(v, "done") == 0)
		return WZ_DONE;
	if (strcmp(v, "failed") == 0)
		return WZ_FAILED;
	if (strcmp(v, "skipped") == 0)
		return WZ_SKIPPED;
	return WZ_TODO;	/* "running" from a run that was cut off */
}

static const char *
state_word(int s)
{
	switch (s) {
	case WZ_DONE: return "done";
	case WZ_FAILED: return "failed";
	case WZ_SKIPPED: return "skipped";
	case WZ_RUNNING: return "running";
	}
	return "todo";
}

static void
set_state(struct wz_stepwin *sw, int i, int state)
{
	char key[96];
	struct mx_err err;

	sw->items[i].state = state;
	state_key(key, sizeof key, sw, i);
	if (mx_plan_state_set(sw->app->plan, key, state_word(state), &err) == 0)
		wz_save_plan(sw->app);
}

static void
set_note(struct wz_stepwin *sw, int i, const char *text)
{
	size_t n;

	free(sw->note[i]);
	sw->note[i] = NULL;
	if (text != NULL) {
		n = strcspn(text, "\n");
		sw->note[i] = strndup(text, n);
	}
	sw->items[i].note = sw->note[i];
}

struct wz_stepwin *
wz_stepwin_new(struct wz_app *app, int win, const struct wz_stepdef *defs,
    int n, const char *intro)
{
	struct wz_stepwin *sw = calloc(1, sizeof *sw);
	char key[96];
	int i;

	if (sw == NULL)
		return NULL;
	sw->app = app;
	sw->win = win;
	sw->defs = defs;
	sw->n = n;
	sw->intro = intro;
	sw->running = -1;
	sw->items = calloc((size_t)n, sizeof *sw->items);
	sw->preview = calloc((size_t)n, sizeof *sw->preview);
	sw->note = calloc((size_t)n, sizeof *sw->note);
	sw->queue = calloc((size_t)n, sizeof *sw->queue);
	if (!sw->items || !sw->preview || !sw->note || !sw->queue) {
		wz_stepwin_free(sw);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		sw->items[i].label = _(defs[i].label);
		state_key(key, sizeof key, sw, i);
		sw->items[i].state = parse_state(mx_plan_state_get(app->plan,
		    key));
	}
	sw->cl.items = sw->items;
	sw->cl.n = n;
	sw->next_win = all_wins;
	all_wins = sw;
	wz_stepwin_refresh(sw);
	return sw;
}

void
wz_stepwin_free(struct wz_stepwin *sw)
{
	struct wz_stepwin **pp;
	int i;

	if (sw == NULL)
		return;
	for (pp = &all_wins; *pp; pp = &(*pp)->next_win)
		if (*pp == sw) {
			*pp = sw->next_win;
			break;
		}
	for (i = 0; i < sw->n; i++) {
		if (sw->preview)
			free(sw->preview[i]);
		if (sw->note)
			free(sw->note[i]);
	}
	free(sw->preview);
	free(sw->note);
	free(sw->items);
	free(sw->queue);
	free(sw);
}

void
wz_stepwin_set_extra(struct wz_stepwin *sw, wz_extra_fn fn, int rows,
    void *data)
{
	sw->extra = fn;
	sw->extra_rows = rows;
	sw->extra_data = data;
}

void *
wz_stepwin_data(struct wz_stepwin *sw)
{
	return sw->extra_data;
}

struct wz_app *
wz_stepwin_app(struct wz_stepwin *sw)
{
	return sw->app;
}

int
wz_stepwin_state(struct wz_stepwin *sw, const char *id)
{
	int i;

	for (i = 0; i < sw->n; i++)
		if (strcmp(sw->defs[i].id, id) == 0)
			return sw->items[i].state;
	return -1;
}

int
wz_stepwin_done(struct wz_stepwin *sw)
{
	int i;

	for (i = 0; i < sw->n; i++)
		if (sw->items[i].state != WZ_DONE &&
		    sw->items[i].state != WZ_SKIPPED)
			return 0;
	return 1;
}

/* The preview when the engine piece is missing: say so plainly. */
static void
missing(struct mx_buf *out, const struct wz_stepdef *d)
{
	mx_buf_printf(out, _("Not available yet: this step needs the %s "
	    "module of the engine, which is not in this build. Nothing will "
	    "be run."), d->needs ? d->needs : "?");
}

static void
runarg_free(struct runarg *ra)
{
	if (ra == NULL)
		return;
	mx_plan_free(ra->ctx.plan);
	mx_buf_free(&ra->ctx.state_updates);
	mx_buf_free(&ra->out);
	free(ra);
}

static struct runarg *
runarg_new(struct wz_stepwin *sw, int step, int preview_only)
{
	struct runarg *ra = calloc(1, sizeof *ra);

	if (ra == NULL)
		return NULL;
	ra->ctx.plan = mx_plan_copy(sw->app->plan);
	if (ra->ctx.plan == NULL) {
		free(ra);
		return NULL;
	}
	ra->ctx.app = sw->app;
	ra->sw = sw;
	ra->ctx.win = sw->win;
	ra->ctx.step = step;
	ra->preview_only = preview_only;
	return ra;
}

/* Worker: build every step's preview, posting each as it is ready. */
static int
preview_job(struct wz_job *j)
{
	struct runarg *ra = j->arg;
	const struct wz_stepwin *sw = ra->sw;
	int i, n = sw->n;

	/* No job in the context: a preview never asks (password, host
	 * key); only a step the user runs does. */
	ra->ctx.job = NULL;
	for (i = 0; i < n && !wz_job_cancelled(j); i++) {
		struct mx_buf out = MX_BUF_INIT;
		struct mx_err err;
		const struct wz_stepdef *d = &sw->defs[i];

		mx_err_clear(&err);
		ra->ctx.step = i;
		if (d->preview == NULL)
			missing(&out, d);
		else if (d->preview(&ra->ctx, &out, &err) == -1) {
			mx_buf_reset(&out);
			mx_buf_printf(&out, _("The preview failed: %s"), err.msg);
		}
		wz_event_post(WZ_EV_PREVIEW, ra->ctx.win, i, 0,
		    out.data ? out.data : "", NULL, NULL);
		mx_buf_free(&out);
	}
	return 0;
}

void
wz_stepwin_refresh(struct wz_stepwin *sw)
{
	struct runarg *ra;

	if (sw->app->quit)
		return;
	if (sw->previewing) {
		sw->preview_again = 1;
		return;
	}
	if ((ra = runarg_new(sw, 0, 1)) == NULL)
		return;
	if (wz_job_start(sw->win, -1, preview_job, ra) == NULL) {
		runarg_free(ra);
		return;
	}
	sw->previewing = 1;
	sw->preview_again = 0;
}

void
wz_stepwins_plan_changed(struct wz_app *app)
{
	struct wz_stepwin *sw;

	(void)app;
	for (sw = all_wins; sw; sw = sw->next_win)
		wz_stepwin_refresh(sw);
}

struct runjob {
	struct runarg *ra;
	const struct wz_stepdef *def;
};

static int
step_job(struct wz_job *j)
{
	struct runjob *rj = j->arg;
	struct runarg *ra = rj->ra;

	ra->ctx.job = j;
	mx_err_clear(&ra->err);
	ra->rc = rj->def->run(&ra->ctx, &ra->out, &ra->err);
	return ra->rc;
}

static void start_next(struct wz_stepwin *sw);

static void
start_step(struct wz_stepwin *sw, int i)
{
	struct runjob *rj = calloc(1, sizeof *rj);

	if (rj == NULL || (rj->ra = runarg_new(sw, i, 0)) == NULL) {
		free(rj);
		wz_status(sw->app, 1, _("Out of memory"));
		sw->nqueue = 0;
		return;
	}
	rj->def = &sw->defs[i];
	sw->running = i;
	set_state(sw, i, WZ_RUNNING);
	set_note(sw, i, NULL);
	wz_log(sw->app, "window %d: step %s: started", sw->win + 1,
	    sw->defs[i].id);
	if (wz_job_start(sw->win, i, step_job, rj) == NULL) {
		runarg_free(rj->ra);
		free(rj);
		sw->running = -1;
		set_state(sw, i, WZ_FAILED);
		set_note(sw, i, _("could not start a worker thread"));
		sw->nqueue = 0;
	}
}

static void
start_next(struct wz_stepwin *sw)
{
	int i;

	if (sw->nqueue == 0 || sw->running >= 0 || sw->app->quit)
		return;
	i = sw->queue[0];
	memmove(sw->queue, sw->queue + 1, (size_t)(sw->nqueue - 1) *
	    sizeof *sw->queue);
	sw->nqueue--;
	start_step(sw, i);
}

/* Apply "name\tvalue\n" lines to the plan. */
static void
apply_states(struct wz_stepwin *sw, const struct mx_buf *b)
{
	char *copy, *line, *save = NULL, *tab;
	struct mx_err err;

	if (b->data == NULL)
		return;
	if ((copy = strdup(b->data)) == NULL)
		return;
	for (line = strtok_r(copy, "\n", &save); line;
	    line = strtok_r(NULL, "\n", &save)) {
		if ((tab = strchr(line, '\t')) == NULL)
			continue;
		*tab = '\0';
		if (mx_plan_state_set(sw->app->plan, line, tab + 1, &err) == -1)
			wz_status(sw->app, 1, "%s", err.msg);
	}
	free(copy);
	wz_save_plan(sw->app);
}

static void
job_ended(struct wz_stepwin *sw, struct wz_job *j)
{
	struct runjob *rj;
	struct runarg *ra;
	int i = j->step;

	if (i < 0) {		/* the preview job */
		runarg_free(j->arg);
		sw->previewing = 0;
		if (sw->preview_again)
			wz_stepwin_refresh(sw);
		return;
	}
	rj = j->arg;
	ra = rj->ra;
	apply_states(sw, &ra->ctx.state_updates);
	if (ra->rc == 0) {
		set_state(sw, i, WZ_DONE);
		set_note(sw, i, ra->out.data);
		wz_log(sw->app, "window %d: step %s: done: %s", sw->win + 1,
		    sw->defs[i].id, ra->out.data ? ra->out.data : "");
	} else {
		set_state(sw, i, WZ_FAILED);
		set_note(sw, i, ra->err.msg);
		wz_status(sw->app, 1, "%s: %s", _(sw->defs[i].label),
		    ra->err.msg);
		wz_log(sw->app, "window %d: step %s: failed: %s", sw->win + 1,
		    sw->defs[i].id, ra->err.msg);
		sw->nqueue = 0;	/* stop the sequence at a failure */
	}
	runarg_free(ra);
	free(rj);
	sw->running = -1;
	if (sw->nqueue > 0)
		start_next(sw);
	else {
		if (sw->items[i].state == WZ_DONE)
			wz_status(sw->app, 0, _("Done: %s"),
			    _(sw->defs[i].label));
		wz_stepwins_plan_changed(sw->app);
	}
}

void
wz_stepwin_event(struct wz_stepwin *sw, const struct wz_event *ev)
{
	if (ev->win != sw->win)
		return;
	switch (ev->type) {
	case WZ_EV_PREVIEW:
		if (ev->step >= 0 && ev->step < sw->n) {
			free(sw->preview[ev->step]);
			sw->preview[ev->step] = strdup(ev->text ? ev->text : "");
		}
		break;
	case WZ_EV_STEP:
		if (ev->step >= 0 && ev->step < sw->n)
			set_note(sw, ev->step, ev->text);
		break;
	case WZ_EV_JOB_END:
		job_ended(sw, ev->data);
		break;
	default:
		break;
	}
}

static void
confirmed(void *arg)
{
	struct wz_stepwin *sw = arg;

	wz_status(sw->app, 0, _("Running %d step(s)..."), sw->nqueue);
	start_next(sw);
}

/* Enter: the checked steps (or the current one), previews, confirm. */
static void
ask_run(struct wz_stepwin *sw)
{
	struct mx_buf text = MX_BUF_INIT;
	int i, any = 0;

	if (sw->running >= 0 || sw->nqueue > 0) {
		wz_status(sw->app, 1, _("A step is running: wait for it to "
		    "end."));
		return;
	}
	for (i = 0; i < sw->n; i++)
		any |= sw->items[i].checked;
	sw->nqueue = 0;
	for (i = 0; i < sw->n; i++) {
		if (any ? !sw->items[i].checked : i != sw->cl.cur)
			continue;
		if (sw->defs[i].run == NULL) {
			wz_status(sw->app, 1, _("'%s' is not available yet: it "
			    "needs the %s module."), _(sw->defs[i].label),
			    sw->defs[i].needs ? sw->defs[i].needs : "?");
			sw->nqueue = 0;
			mx_buf_free(&text);
			return;
		}
		if (sw->preview[i] == NULL) {
			wz_status(sw->app, 1, _("The preview of '%s' is still "
			    "being built: try again in a moment."),
			    _(sw->defs[i].label));
			sw->nqueue = 0;
			mx_buf_free(&text);
			return;
		}
		sw->queue[sw->nqueue++] = i;
		mx_buf_printf(&text, "== %s ==\n%s\n\n", _(sw->defs[i].label),
		    sw->preview[i]);
	}
	for (i = 0; i < sw->n; i++)
		sw->items[i].checked = 0;
	wz_confirm_open(sw->app, _("Run these steps?"), text.data ? text.data :
	    "", confirmed, sw);
	mx_buf_free(&text);
}

static void
toggle_skip(struct wz_stepwin *sw)
{
	int i = sw->cl.cur;

	if (sw->items[i].state == WZ_RUNNING)
		return;
	set_state(sw, i, sw->items[i].state == WZ_SKIPPED ? WZ_TODO :
	    WZ_SKIPPED);
	wz_log(sw->app, "window %d: step %s: %s", sw->win + 1, sw->defs[i].id,
	    state_word(sw->items[i].state));
}

int
wz_stepwin_key(struct wz_stepwin *sw, enum wz_action a, int ch)
{
	(void)ch;
	switch (a) {
	case WZ_A_RUN:
		ask_run(sw);
		return 1;
	case WZ_A_SKIP:
		toggle_skip(sw);
		return 1;
	case WZ_A_PGDN:
		sw->scroll += 5;
		return 1;
	case WZ_A_PGUP:
		sw->scroll = sw->scroll > 5 ? sw->scroll - 5 : 0;
		return 1;
	case WZ_A_UP:
	case WZ_A_DOWN:
	case WZ_A_HOME:
	case WZ_A_END:
		sw->scroll = 0;
		/* FALLTHROUGH */
	default:
		return wz_checklist_key(&sw->cl, a, sw->n);
	}
}

/* The preview of the current step, from line sw->scroll. */
static void
draw_preview(struct wz_stepwin *sw, WINDOW *w, int y, int h, int width)
{
	const char *p = sw->preview[sw->cl.cur], *s;
	int line = 0, row = 0;

	if (h < 2)
		return;
	wattron(w, wz_attr(WZ_C_TITLE));
	wz_put(w, y, 1, _("Preview (PgUp/PgDn scroll):"), width - 2);
	wattroff(w, wz_attr(WZ_C_TITLE));
	if (p == NULL) {
		wz_put(w, y + 1, 3, _("building the preview..."), width - 4);
		return;
	}
	for (s = p; *s && row < h - 1; line++) {
		size_t n = strcspn(s, "\n");
		char *l = strndup(s, n);

		if (line >= sw->scroll && l != NULL) {
			row += wz_wrap(w, y + 1 + row, 3, width - 4,
			    h - 1 - row, l);
		}
		free(l);
		s += n;
		if (*s == '\n')
			s++;
	}
	if (sw->scroll > line)
		sw->scroll = line;
}

void
wz_stepwin_draw(struct wz_stepwin *sw, WINDOW *w)
{
	int h = getmaxy(w), width = getmaxx(w), y = 0, rows, extra;
	char title[256];

	werase(w);
	snprintf(title, sizeof title, _("Window %d of %d: %s"), sw->win + 1,
	    WZ_NWIN, _(wz_win_title(sw->win)));
	wattron(w, wz_attr(WZ_C_TITLE));
	wz_put(w, y++, 1, title, width - 2);
	wattroff(w, wz_attr(WZ_C_TITLE));
	if (h >= 14)
		y += wz_wrap(w, y, 1, width - 2, h >= 20 ? 3 : 2, sw->intro);
	rows = sw->n;
	if (rows > h - y - 3)
		rows = h - y - 3;
	if (rows < 1)
		rows = 1;
	wz_checklist_draw(w, y, 1, rows, width - 2, &sw->cl);
	y += rows;
	if (sw->extra != NULL && y < h) {
		extra = sw->extra_rows;
		if (extra < 0)	/* a share of what is left */
			extra = (h - y) * -extra / 100;
		if (extra > h - y - 2)
			extra = h - y - 2;
		if (extra > 0)
			y += sw->extra(sw, w, y, extra, width);
	}
	if (y < h)
		draw_preview(sw, w, y, h - y, width);
}
