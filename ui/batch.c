/* batch.c - batch mode: the wizard's steps without a screen (batch.h). */
#include <config.h>

#include <errno.h>
#include <libgen.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <json-c/json.h>

#include "batch.h"
#include "demo.h"
#include "events.h"
#include "i18n.h"
#include "adapt.h"
#include "overview.h"
#include "plan.h"
#include "pollers.h"
#include "usertable.h"
#include "wz.h"

const struct wz_stepdef *
wz_batch_steps(int w, int *n)
{
	switch (w) {
	case 0: return wz_win_before_steps(n);
	case 1: return wz_win_accounts_steps(n);
	case 2: return wz_win_cutover_steps(n);
	case 3: return wz_win_transfer_steps(n);
	case 4: return wz_win_forward_steps(n);
	}
	*n = 0;
	return NULL;
}

/* A progress line: "HH:MM:SS W.STEP what". */
static void
progress(int win, const char *id, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
progress(int win, const char *id, const char *fmt, ...)
{
	char when[16];
	time_t now = time(NULL);
	struct tm tm;
	va_list ap;

	localtime_r(&now, &tm);
	strftime(when, sizeof when, "%H:%M:%S", &tm);
	fprintf(stderr, "%s %d.%s ", when, win + 1, id);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

struct batch_step {
	const struct wz_stepdef *def;
	struct wz_stepctx ctx;
	struct mx_buf out;
	struct mx_err err;
	int rc;
};

static int
step_job(struct wz_job *j)
{
	struct batch_step *b = j->arg;

	b->ctx.job = j;
	mx_err_clear(&b->err);
	b->rc = b->def->run(&b->ctx, &b->out, &b->err);
	return b->rc;
}

/* Answer a question from a worker: batch mode never types a password or
 * accepts a host key on its own. */
/* The whole table after a pass (id -1): one line per user that failed,
 * with the reason (the wizard shows it in the table). */
static void
user_failures(int win, const char *id, const struct wz_user_ev *u)
{
	int i;

	if (u == NULL || u->id != -1 || u->rows == NULL)
		return;
	for (i = 0; i < u->n; i++)
		if (u->rows[i].state == WZ_FAILED)
			progress(win, id, _("%s: failed: %s"), u->rows[i].name,
			    u->rows[i].error[0] ? u->rows[i].error : "?");
}

static void
refuse(struct wz_ask *q, int win, const char *id)
{
	if (q->hostkey)
		progress(win, id, _("host key of %s not confirmed (%s): add it to "
		    "known_hosts, or run the wizard to confirm it"), q->host,
		    q->fingerprint);
	else
		progress(win, id, _("%s asks for a password: batch mode does not "
		    "ask; use a key or ssh-agent"), q->host);
	pthread_mutex_lock(&q->lock);
	q->result = -1;
	q->done = 1;
	pthread_cond_signal(&q->cond);
	pthread_mutex_unlock(&q->lock);
}

/* Run one step in a worker, printing its events until it ends. */
static void
run_in_worker(struct batch_step *b, int win, const char *id)
{
	struct wz_job *job;
	struct wz_event *ev, *next;
	int ended = 0;

	job = wz_job_start(win, b->ctx.step, step_job, b);
	if (job == NULL) {
		b->rc = mx_err_set(&b->err, MX_E_GENERIC,
		    _("could not start a worker thread"));
		return;
	}
	while (!ended) {
		struct pollfd pfd = { wz_events_fd(), POLLIN, 0 };

		if (poll(&pfd, 1, 1000) == -1 && errno != EINTR)
			break;
		wz_events_drain();
		for (ev = wz_events_take(); ev; ev = next) {
			next = ev->next;
			switch (ev->type) {
			case WZ_EV_STEP:
			case WZ_EV_LOG:
				if (ev->text != NULL && ev->text[0] != '\0')
					progress(win, id, "%s", ev->text);
				break;
			case WZ_EV_USER:
				if (ev->text != NULL && ev->text[0] != '\0')
					progress(win, id, "%s", ev->text);
				user_failures(win, id, ev->data);
				break;
			case WZ_EV_ASK:
				refuse(ev->data, win, id);
				ev->data = NULL;
				break;
			case WZ_EV_JOB_END:
				wz_job_join(ev->data);
				if (ev->data == job)
					ended = 1;
				ev->data = NULL;
				break;
			default:
				break;
			}
			wz_event_free(ev);
		}
	}
}

static void
apply_states(struct mx_plan *p, const struct mx_buf *b)
{
	char *copy, *line, *save = NULL, *tab;
	struct mx_err err;

	if (b->data == NULL || (copy = strdup(b->data)) == NULL)
		return;
	for (line = strtok_r(copy, "\n", &save); line;
	    line = strtok_r(NULL, "\n", &save))
		if ((tab = strchr(line, '\t')) != NULL) {
			*tab = '\0';
			if (mx_plan_state_set(p, line, tab + 1, &err) == -1)
				fprintf(stderr, "mxmove run: %s\n", err.msg);
		}
	free(copy);
}

static int
save(struct wz_app *app)
{
	struct mx_err err;

	if (mx_plan_save(app->plan, app->plan_path, &err) == -1) {
		fprintf(stderr, "mxmove run: %s\n", err.msg);
		return -1;
	}
	return 0;
}

static char *
sibling(const char *path, const char *name)
{
	char *copy = strdup(path), *dir, *out = NULL;

	if (copy == NULL)
		return NULL;
	dir = dirname(copy);
	/* "." is the plan's directory itself (no "DIR/./" in the paths
	 * the report shows). */
	if (strcmp(name, ".") == 0)
		out = strdup(dir);
	else if (asprintf(&out, "%s/%s", dir, name) < 0)
		out = NULL;
	free(copy);
	return out;
}

static json_object *
step_json(int win, const struct wz_stepdef *d, const char *state,
    const char *text)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "window", json_object_new_int(win + 1));
	json_object_object_add(o, "step", json_object_new_string(d->id));
	json_object_object_add(o, "label", json_object_new_string(d->label));
	json_object_object_add(o, "state", json_object_new_string(state));
	json_object_object_add(o, "result", json_object_new_string(text ? text : ""));
	return o;
}

/* The overview across all accounts for the report; each user with a
 * problem also gets a line on stderr: who, why, what to do. */
static json_object *
overview(const struct wz_app *app)
{
	struct mx_overview ov;
	struct mx_err err;
	json_object *a;
	size_t i;

	if (wz_overview_load(app, &ov, &err) == -1) {
		fprintf(stderr, "mxmove run: %s\n", err.msg);
		return json_object_new_array();
	}
	mx_overview_sort(&ov, MX_OV_USER, 0);
	if (mx_overview_problems(&ov) > 0)
		fprintf(stderr, _("%zu of %zu user(s) need attention:\n"),
		    mx_overview_problems(&ov), ov.n);
	for (i = 0; i < ov.n; i++)
		if (ov.v[i].problem)
			fprintf(stderr, _("  %s: %s\n    what to do: %s\n"),
			    ov.v[i].user, ov.v[i].reason, ov.v[i].advice ?
			    _(ov.v[i].advice) : "-");
	a = mx_overview_json(&ov);
	mx_overview_free(&ov);
	return a;
}

/* Whether key ("W.STEP") was named with --again. */
static int
named_again(const struct mx_batch_opts *o, const char *key)
{
	int i;

	for (i = 0; i < o->nagain; i++)
		if (strcmp(o->again[i], key) == 0)
			return 1;
	return 0;
}

int
mx_batch_run(const struct mx_batch_opts *o)
{
	struct wz_app app;
	struct mx_err err;
	json_object *report = json_object_new_object(), *steps = json_object_new_array();
	int w, i, n, rc = MX_RUN_OK, stop = 0, pending = 0;

	memset(&app, 0, sizeof app);
	app.plan_path = strdup(o->plan_path);
	app.log_path = sibling(o->plan_path, "audit.log");
	/* Batch state (the account map, journals) lives beside the plan. */
	app.state_dir = sibling(o->plan_path, ".");
	app.demo = o->demo;
	if (o->demo) {
		app.demo_dir = strdup(o->demo_dir);
		if (mx_demo_build(o->demo_dir, &err) == -1) {
			fprintf(stderr, "mxmove run: %s\n", err.msg);
			rc = MX_RUN_USAGE;
			goto out;
		}
	}
	if (mx_plan_load(&app.plan, o->plan_path, &err) == -1) {
		if (!(o->demo && err.code == MX_E_NOTFOUND)) {
			fprintf(stderr, "mxmove run: %s\n", err.msg);
			rc = MX_RUN_USAGE;
			goto out;
		}
		if ((app.plan = mx_plan_new()) == NULL ||
		    mx_demo_plan(app.plan, o->demo_dir, &err) == -1 || save(&app) == -1) {
			fprintf(stderr, "mxmove run: %s\n", err.msg);
			rc = MX_RUN_USAGE;
			goto out;
		}
	}
	if (mx_plan_complete(app.plan, &err) == -1) {
		fprintf(stderr, "mxmove run: %s: %s\n", o->plan_path, err.msg);
		rc = MX_RUN_USAGE;
		goto out;
	}
	if (wz_events_init() == -1) {
		fprintf(stderr, "mxmove run: %s\n", _("cannot set up the event queue"));
		rc = MX_RUN_FAILED;
		goto out;
	}
	wz_log(&app, "batch start plan=%s windows %d-%d%s", o->plan_path,
	    o->first + 1, o->last + 1, o->yes ? " --yes" : "");

	for (w = o->first; w <= o->last && !stop; w++) {
		const struct wz_stepdef *defs = wz_batch_steps(w, &n);

		for (i = 0; i < n && !stop; i++) {
			const struct wz_stepdef *d = &defs[i];
			struct batch_step b;
			char key[96];
			const char *st;

			snprintf(key, sizeof key, "%d.%s", w + 1, d->id);
			st = mx_plan_state_get(app.plan, key);
			if (st != NULL && (strcmp(st, "done") == 0 ||
			    strcmp(st, "skipped") == 0) && !named_again(o, key)) {
				progress(w, d->id, _("already %s"), _(st));
				json_object_array_add(steps, step_json(w, d, st, NULL));
				continue;
			}
			memset(&b, 0, sizeof b);
			b.def = d;
			b.ctx.plan = mx_plan_copy(app.plan);
			b.ctx.app = &app;
			b.ctx.win = w;
			b.ctx.step = i;
			if (b.ctx.plan == NULL) {
				rc = MX_RUN_FAILED;
				stop = 1;
				break;
			}
			progress(w, d->id, "%s", _(d->label));
			if (d->preview == NULL || d->run == NULL) {
				progress(w, d->id, _("not available in this build (needs %s)"),
				    d->needs ? d->needs : "?");
				json_object_array_add(steps, step_json(w, d, "unavailable", NULL));
				rc = MX_RUN_FAILED;
				stop = 1;
			} else if (d->preview(&b.ctx, &b.out, &b.err) == -1) {
				progress(w, d->id, _("preview failed: %s"), b.err.msg);
				json_object_array_add(steps, step_json(w, d, "failed", b.err.msg));
				rc = MX_RUN_FAILED;
				stop = 1;
			} else {
				char *line, *save2 = NULL;

				for (line = strtok_r(b.out.data ? b.out.data : (char *)"", "\n", &save2);
				    line; line = strtok_r(NULL, "\n", &save2))
					fprintf(stderr, "    | %s\n", line);
				mx_buf_reset(&b.out);
				if (!o->yes) {
					json_object_array_add(steps, step_json(w, d, "pending", NULL));
					pending = 1;
					/* Later steps build on this one: stop here. */
					stop = 1;
				} else {
					wz_log(&app, "batch window %d: step %s: started", w + 1, d->id);
					mx_plan_state_set(app.plan, key, "running", &err);
					save(&app);
					run_in_worker(&b, w, d->id);
					apply_states(app.plan, &b.ctx.state_updates);
					if (b.rc == 0) {
						mx_plan_state_set(app.plan, key, "done", &err);
						progress(w, d->id, _("done: %s"), b.out.data ? b.out.data : "");
						wz_log(&app, "batch window %d: step %s: done", w + 1, d->id);
						json_object_array_add(steps, step_json(w, d, "done", b.out.data));
					} else {
						mx_plan_state_set(app.plan, key, "failed", &err);
						progress(w, d->id, _("FAILED: %s"), b.err.msg);
						wz_log(&app, "batch window %d: step %s: failed: %s",
						    w + 1, d->id, b.err.msg);
						json_object_array_add(steps, step_json(w, d, "failed", b.err.msg));
						rc = MX_RUN_FAILED;
						stop = 1;
					}
					save(&app);
				}
			}
			mx_plan_free(b.ctx.plan);
			mx_buf_free(&b.ctx.state_updates);
			mx_buf_free(&b.out);
		}
	}
	wz_jobs_stop_all();
	wz_events_shutdown();
	if (rc == MX_RUN_OK && pending)
		rc = MX_RUN_PREVIEW;
	json_object_object_add(report, "plan", json_object_new_string(o->plan_path));
	json_object_object_add(report, "status", json_object_new_string(
	    rc == MX_RUN_OK ? "ok" : rc == MX_RUN_PREVIEW ? "preview" : "failed"));
	json_object_object_add(report, "steps", steps);
	steps = NULL;
	json_object_object_add(report, "overview", overview(&app));
	puts(json_object_to_json_string_ext(report, JSON_C_TO_STRING_PRETTY |
	    JSON_C_TO_STRING_NOSLASHESCAPE));
out:
	json_object_put(steps);
	json_object_put(report);
	mx_plan_free(app.plan);
	free(app.plan_path);
	free(app.log_path);
	free(app.state_dir);
	free(app.demo_dir);
	return rc;
}

int
mx_batch_status(const char *plan_path, int json)
{
	struct mx_plan *p = NULL;
	struct mx_err err;
	json_object *steps = json_object_new_array(), *report;
	int w, i, n, all_done = 1;

	if (mx_plan_load(&p, plan_path, &err) == -1) {
		fprintf(stderr, "mxmove status: %s\n", err.msg);
		json_object_put(steps);
		return MX_RUN_USAGE;
	}
	for (w = 0; w < WZ_NWIN; w++) {
		const struct wz_stepdef *defs = wz_batch_steps(w, &n);

		if (!json)
			printf("%d %s\n", w + 1, _(wz_win_title(w)));
		for (i = 0; i < n; i++) {
			char key[96];
			const char *st;

			snprintf(key, sizeof key, "%d.%s", w + 1, defs[i].id);
			st = mx_plan_state_get(p, key);
			if (st == NULL)
				st = "todo";
			if (strcmp(st, "done") != 0 && strcmp(st, "skipped") != 0)
				all_done = 0;
			if (json)
				json_object_array_add(steps, step_json(w, &defs[i], st, NULL));
			else
				printf("  %-8s %s\n", _(st), _(defs[i].label));
		}
	}
	if (json) {
		report = json_object_new_object();
		json_object_object_add(report, "plan", json_object_new_string(plan_path));
		json_object_object_add(report, "complete", json_object_new_boolean(all_done));
		json_object_object_add(report, "steps", steps);
		puts(json_object_to_json_string_ext(report, JSON_C_TO_STRING_PRETTY |
		    JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(report);
	} else
		json_object_put(steps);
	mx_plan_free(p);
	return MX_RUN_OK;
}
