/* adapt-xfer.c - the wizard's account creation (window 2), transfer and
 * verification (window 4), and the final report (window 5).
 *
 * Window 2 writes the accounts map (STATE/accounts.map, 0600): one line
 * per account, "address TAB source maildir or mbox TAB target maildir
 * TAB status", the same as `mxmove create-accounts --map`. Window 4 reads
 * it to know where each mailbox goes, and writes each pass's results to
 * STATE/transfer.results, which the report sums up.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "account.h"
#include "acct-target.h"
#include "adapt.h"
#include "host.h"
#include "i18n.h"
#include "ledger.h"
#include "overview.h"
#include "transfer.h"
#include "usertable.h"

#define JOBS 2		/* users copied at once */

static char *
state_file(const struct wz_stepctx *c, const char *name)
{
	struct mx_buf b = MX_BUF_INIT;

	mx_buf_printf(&b, "%s/%s", c->app->demo_dir ? c->app->demo_dir :
	    c->app->state_dir, name);
	return mx_buf_steal(&b);
}

static const char *
target_kind(const struct mx_plan *p, const struct mx_accounts *a)
{
	const char *t = mx_plan_get(p, MX_PLAN_TARGET);

	if (*t)
		return t;
	return strcmp(a->source, "passwd") == 0 ? "system" : "vpopmail";
}

static void
target_opts(const struct wz_stepctx *c, struct mx_target_opts *t)
{
	mx_target_opts_init(t);
	/* The demo runs as whoever starts it: its Maildirs belong to them. */
	if (c->app->demo && getuid() != 0) {
		t->uid = (long long)getuid();
		t->gid = (long long)getgid();
	}
}

/* For each source kind of the plan: read, plan the target's script, and
 * render it (apply 0) or apply it and append to the map (apply 1). */
static int
create(struct wz_stepctx *c, int apply, struct mx_buf *out,
    struct mx_err *err)
{
	char *copy = strdup(mx_plan_get(c->plan, MX_PLAN_SOURCE));
	char *kind, *save = NULL, *map = NULL;
	struct mx_host *src = NULL, *dst = NULL;
	struct mx_acct_opts ao;
	struct mx_target_opts to;
	struct mx_accounts *a = NULL;
	struct mx_script *s = NULL;
	size_t created = 0, existed = 0, refused = 0, failed = 0, i;
	FILE *fp = NULL;
	int rc = -1, fd;

	if (copy == NULL)
		return mx_err_set(err, MX_E_GENERIC, _("out of memory"));
	if (wz_host_open(c->plan, 0, c->job, &src, err) == -1 ||
	    wz_host_open(c->plan, 1, c->job, &dst, err) == -1)
		goto out;
	mx_acct_opts_init(&ao);
	target_opts(c, &to);
	if (apply) {
		map = state_file(c, "accounts.map");
		fd = open(map, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd == -1 || (fp = fdopen(fd, "w")) == NULL) {
			mx_err_errno(err, errno, "%s", map);
			if (fd != -1)
				close(fd);
			goto out;
		}
		fputs("# address\tsource maildir or mbox\ttarget maildir\t"
		    "status\n", fp);
	}
	kind = strtok_r(copy, " ", &save);
	do {
		if (mx_accounts_read(src, kind, &ao, &a, err) == -1 ||
		    mx_accounts_plan(dst, target_kind(c->plan, a), a, &to, &s,
		    err) == -1)
			goto out;
		if (!apply) {
			mx_script_render(s, 1, a, out);
		} else {
			if (mx_script_apply(dst, s, a, err) == -1)
				goto out;
			created += s->created;
			existed += s->existed;
			refused += s->refused;
			failed += s->failed;
			for (i = 0; i < a->nacct; i++) {
				const struct mx_account *ac = &a->acct[i];

				if (ac->skip != NULL)
					continue;
				if (ac->status && strncmp(ac->status, "created",
				    7) != 0 && strncmp(ac->status, "exists", 6) != 0)
					wz_log(c->app, "account %s%s%s: %s",
					    ac->local, *ac->domain ? "@" : "",
					    ac->domain, ac->status);
				fprintf(fp, "%s%s%s\t%s\t%s\t%s\n", ac->local,
				    *ac->domain ? "@" : "", ac->domain,
				    ac->src_maildir ? ac->src_maildir :
				    ac->mbox ? ac->mbox : "-",
				    ac->dst_maildir ? ac->dst_maildir : "-",
				    ac->status ? ac->status : "-");
			}
		}
		mx_script_free(s);
		s = NULL;
		mx_accounts_free(a);
		a = NULL;
	} while (kind && (kind = strtok_r(NULL, " ", &save)) != NULL);
	if (apply) {
		if (fclose(fp) != 0) {
			fp = NULL;
			mx_err_errno(err, errno, "%s", map);
			goto out;
		}
		fp = NULL;
		wz_log(c->app, "accounts created: %zu, existed %zu, refused %zu, "
		    "failed %zu; map %s", created, existed, refused, failed, map);
		mx_buf_printf(out, _("%zu created, %zu already there, %zu "
		    "refused, %zu failed"), created, existed, refused, failed);
		if (failed || refused) {
			mx_err_set(err, MX_E_REMOTE, _("%zu account(s) failed and "
			    "%zu were refused: see the log"), failed, refused);
			goto out;
		}
	}
	rc = 0;
out:
	if (fp != NULL)
		fclose(fp);
	mx_script_free(s);
	mx_accounts_free(a);
	mx_host_close(src);
	mx_host_close(dst);
	free(copy);
	free(map);
	return rc;
}

int
wz_create_preview(struct wz_stepctx *c, struct mx_buf *o, struct mx_err *e)
{
	mx_buf_printf(o, _("On %s, as target %s (hashes shown as a prefix "
	    "only):\n"), mx_plan_get(c->plan, MX_PLAN_NEW),
	    *mx_plan_get(c->plan, MX_PLAN_TARGET) ?
	    mx_plan_get(c->plan, MX_PLAN_TARGET) : _("(by source)"));
	return create(c, 0, o, e);
}

int
wz_create_run(struct wz_stepctx *c, struct mx_buf *o, struct mx_err *e)
{
	return create(c, 1, o, e);
}

/* ---- the map ---- */

struct map {
	struct mx_xfer_user *u;
	char **names;		/* sorted copy for lookups: "name\tindex" */
	size_t n;
};

static void
map_free(struct map *m)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		free((char *)m->u[i].name);
		free((char *)m->u[i].src);
		free((char *)m->u[i].dst);
	}
	free(m->u);
	free(m->names);
	memset(m, 0, sizeof *m);
}

static int
map_read(const struct wz_stepctx *c, struct map *m, struct mx_err *err)
{
	char *path = state_file(c, "accounts.map"), line[4096], *f[4], *s;
	struct mx_xfer_user *nu;
	FILE *fp;
	int k, lineno = 0;

	memset(m, 0, sizeof *m);
	if ((fp = fopen(path, "r")) == NULL) {
		mx_err_errno(err, errno, _("%s (create the accounts in window 2 "
		    "first)"), path);
		free(path);
		return -1;
	}
	while (fgets(line, sizeof line, fp) != NULL) {
		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		for (k = 0, s = line; k < 4; k++) {
			f[k] = s;
			if (k < 3) {
				if ((s = strchr(s, '\t')) == NULL)
					break;
				*s++ = '\0';
			}
		}
		if (k < 4) {
			mx_err_set(err, MX_E_PARSE, _("%s: line %d: expected 4 "
			    "fields"), path, lineno);
			goto fail;
		}
		if (strcmp(f[1], "-") == 0 || strcmp(f[2], "-") == 0)
			continue;	/* nothing to move, or nowhere to */
		if ((nu = realloc(m->u, (m->n + 1) * sizeof *nu)) == NULL)
			goto fail;
		m->u = nu;
		memset(&m->u[m->n], 0, sizeof m->u[m->n]);
		m->u[m->n].name = strdup(f[0]);
		m->u[m->n].src = strdup(f[1]);
		m->u[m->n].dst = strdup(f[2]);
		m->u[m->n].uid = (uid_t)-1;
		m->u[m->n].gid = (gid_t)-1;
		m->n++;
	}
	fclose(fp);
	free(path);
	return 0;
fail:
	fclose(fp);
	free(path);
	map_free(m);
	return -1;
}

/* ---- progress: per-user rows and the summary ---- */

struct prog {
	struct map *m;
	struct wz_user_row *rows;
	pthread_mutex_t lock;
	struct timespec last_sum;
	time_t started;
};

static int
find_user(const struct map *m, const char *name)
{
	size_t i;

	/* Users are few per worker call; the map is in the order the
	 * table got it: a linear search is fine up to a few thousand per
	 * 0.2 s. Look near the hint first. */
	for (i = 0; i < m->n; i++)
		if (strcmp(m->u[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int
row_state(enum mx_xfer_state s)
{
	switch (s) {
	case MX_XS_QUEUED: return WZ_TODO;
	case MX_XS_DONE: return WZ_DONE;
	case MX_XS_FAILED: return WZ_FAILED;
	default: return WZ_RUNNING;
	}
}

static void
post_summary(struct prog *pg, int force)
{
	struct wz_xfer_summary *x;
	struct timespec now;
	size_t i;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!force && (now.tv_sec - pg->last_sum.tv_sec) * 1000 +
	    (now.tv_nsec - pg->last_sum.tv_nsec) / 1000000 < 300)
		return;
	pg->last_sum = now;
	if ((x = calloc(1, sizeof *x)) == NULL)
		return;
	x->users_total = (long)pg->m->n;
	for (i = 0; i < pg->m->n; i++) {
		const struct wz_user_row *r = &pg->rows[i];

		x->users_done += r->state == WZ_DONE;
		x->users_failed += r->state == WZ_FAILED;
		x->bytes_done += r->bytes;
		x->bytes_total += r->bytes_total;
		x->rate += r->state == WZ_RUNNING ? r->rate : 0;
	}
	x->eta = x->rate > 0 ? (long)((double)(x->bytes_total - x->bytes_done) /
	    x->rate) : -1;
	wz_event_post(WZ_EV_XFER, -2, 0, 0, NULL, x, free);
}

static void
on_progress(void *ctx, const struct mx_xfer_progress *p)
{
	struct prog *pg = ctx;
	struct wz_user_ev *ev;
	struct wz_user_row *r;
	int i;

	pthread_mutex_lock(&pg->lock);
	if ((i = find_user(pg->m, p->user)) < 0) {
		pthread_mutex_unlock(&pg->lock);
		return;
	}
	r = &pg->rows[i];
	r->state = row_state(p->state);
	r->msgs = (long)p->msgs_done;
	r->msgs_total = (long)p->msgs_total;
	r->bytes = p->bytes_done;
	r->bytes_total = p->bytes_total;
	r->rate = p->rate;
	r->eta = (long)p->eta;
	if ((ev = calloc(1, sizeof *ev)) != NULL &&
	    (ev->rows = malloc(sizeof *ev->rows)) != NULL) {
		ev->id = i;
		ev->n = 1;
		ev->rows[0] = *r;
		wz_event_post(WZ_EV_USER, 3, -1, 0, NULL, ev, wz_user_ev_free);
	} else
		free(ev);
	post_summary(pg, p->state == MX_XS_DONE || p->state == MX_XS_FAILED);
	pthread_mutex_unlock(&pg->lock);
}

/* After a pass: each row shows the user's whole set, source against
 * target, and what went wrong. */
static void
final_rows(struct prog *pg, const struct mx_xfer_result *res)
{
	struct wz_user_ev *ev;
	size_t i;

	pthread_mutex_lock(&pg->lock);
	for (i = 0; i < pg->m->n; i++) {
		struct wz_user_row *r = &pg->rows[i];

		r->state = res[i].state == MX_XS_DONE && res[i].verified ?
		    WZ_DONE : WZ_FAILED;
		r->msgs = (long)res[i].dst_msgs;
		r->msgs_total = (long)res[i].src_msgs;
		r->bytes = res[i].dst_bytes;
		r->bytes_total = res[i].src_bytes;
		r->rate = 0;
		r->eta = -1;
		r->errors = (long)(res[i].refused + res[i].mismatched +
		    res[i].damaged) + (r->state == WZ_FAILED);
		snprintf(r->error, sizeof r->error, "%.150s", res[i].err.msg);
	}
	if ((ev = calloc(1, sizeof *ev)) != NULL &&
	    (ev->rows = malloc((pg->m->n ? pg->m->n : 1) *
	    sizeof *ev->rows)) != NULL) {
		memcpy(ev->rows, pg->rows, pg->m->n * sizeof *ev->rows);
		ev->id = -1;
		ev->n = (int)pg->m->n;
		wz_event_post(WZ_EV_USER, 3, -1, 0, NULL, ev, wz_user_ev_free);
	} else
		free(ev);
	pthread_mutex_unlock(&pg->lock);
}

/* Give the table its rows (the map's users, to do). */
/* The last pass's results into rows (matched by name). */
static void
rows_from_results(const struct wz_stepctx *c, const struct map *m,
    struct wz_user_row *rows, struct wz_xfer_summary *x)
{
	char *path = state_file(c, "transfer.results"), line[4096];
	FILE *fp = fopen(path, "r");
	size_t i = 0;

	free(path);
	if (fp == NULL)
		return;
	while (fgets(line, sizeof line, fp) != NULL) {
		char name[1024], state[32];
		unsigned long long sm, sb, dm, db, cp;
		int v;
		size_t k;

		if (line[0] == '#' || sscanf(line, "%1023[^\t]\t%31[^\t]\t%llu"
		    "\t%llu\t%llu\t%llu\t%llu\t%d", name, state, &sm, &sb, &dm,
		    &db, &cp, &v) != 8)
			continue;
		/* the results are in map order: look from the last hit */
		for (k = 0; k < m->n; k++, i = (i + 1) % m->n)
			if (strcmp(m->u[i].name, name) == 0)
				break;
		if (k == m->n)
			continue;
		rows[i].state = strcmp(state, "done") == 0 && v ? WZ_DONE :
		    WZ_FAILED;
		rows[i].msgs = (long)dm;
		rows[i].msgs_total = (long)sm;
		rows[i].bytes = db;
		rows[i].bytes_total = sb;
		x->users_total++;
		x->users_done += rows[i].state == WZ_DONE;
		x->users_failed += rows[i].state == WZ_FAILED;
		x->bytes_done += db;
		x->bytes_total += sb;
	}
	fclose(fp);
}

static struct wz_user_row *
table_reset(const struct map *m, int only_if_empty,
    const struct wz_stepctx *c)
{
	struct wz_xfer_summary *x = NULL;

	struct wz_user_row *rows = calloc(m->n ? m->n : 1, sizeof *rows);
	struct wz_user_ev *ev;
	size_t i;

	if (rows == NULL)
		return NULL;
	for (i = 0; i < m->n; i++) {
		snprintf(rows[i].name, sizeof rows[i].name, "%s", m->u[i].name);
		rows[i].state = WZ_TODO;
		rows[i].eta = -1;
	}
	if (c != NULL && m->n > 0 && (x = calloc(1, sizeof *x)) != NULL) {
		x->eta = -1;
		rows_from_results(c, m, rows, x);
		if (x->users_total > 0)
			wz_event_post(WZ_EV_XFER, -2, 0, 0, NULL, x, free);
		else
			free(x);
	}
	if ((ev = calloc(1, sizeof *ev)) != NULL &&
	    (ev->rows = malloc((m->n ? m->n : 1) * sizeof *rows)) != NULL) {
		memcpy(ev->rows, rows, m->n * sizeof *rows);
		ev->id = only_if_empty ? -2 : -1;
		ev->n = (int)m->n;
		wz_event_post(WZ_EV_USER, 3, -1, 0, NULL, ev, wz_user_ev_free);
	} else
		free(ev);
	return rows;
}

static void
write_results(const struct wz_stepctx *c, const struct map *m,
    const struct mx_xfer_result *res, int verify)
{
	char *path = state_file(c, "transfer.results");
	size_t i;
	FILE *fp;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd == -1 || (fp = fdopen(fd, "w")) == NULL) {
		if (fd != -1)
			close(fd);
		free(path);
		return;
	}
	fprintf(fp, "# %s: user\tstate\tsource msgs\tsource bytes\ttarget "
	    "msgs\ttarget bytes\tcopied\tverified\twhy it failed\n", verify ?
	    "verify" : "transfer");
	for (i = 0; i < m->n; i++) {
		char why[sizeof res[i].err.msg], *p;

		why[0] = '\0';
		if (res[i].state != MX_XS_DONE || !res[i].verified)
			snprintf(why, sizeof why, "%s", res[i].err.msg);
		else if (res[i].damaged > 0 && res[i].report.data != NULL)
			/* Done, but the mbox was damaged: name the first spot. */
			snprintf(why, sizeof why, "%.*s",
			    (int)strcspn(res[i].report.data + 2, "\n"),
			    res[i].report.data + 2);
		for (p = why; *p; p++)
			if (*p == '\t' || *p == '\n' || *p == '\r')
				*p = ' ';
		fprintf(fp, "%s\t%s\t%llu\t%llu\t%llu\t%llu\t%llu\t%d\t%s\n",
		    m->u[i].name, mx_xfer_state_name(res[i].state),
		    (unsigned long long)res[i].src_msgs,
		    (unsigned long long)res[i].src_bytes,
		    (unsigned long long)res[i].dst_msgs,
		    (unsigned long long)res[i].dst_bytes,
		    (unsigned long long)res[i].copied_msgs, res[i].verified, why);
	}
	fclose(fp);
	free(path);
}

/* The ledger file of a plan: PLAN.ledger, as `mxmove ledger --plan`. */
char *
wz_ledger_path(const struct wz_app *app)
{
	struct mx_buf b = MX_BUF_INIT;

	mx_buf_printf(&b, "%s.ledger", app->plan_path);
	return mx_buf_steal(&b);
}

int
wz_overview_load(const struct wz_app *app, struct mx_overview *ov,
    struct mx_err *err)
{
	struct mx_ledger l;
	char *lp = wz_ledger_path(app);
	int rc = -1;

	if (lp != NULL && mx_ledger_load(&l, lp, err) == 0) {
		rc = mx_overview_build(ov, app->demo_dir ? app->demo_dir :
		    app->state_dir, &l, err);
		mx_ledger_free(&l);
	}
	free(lp);
	return rc;
}

/* After a verification pass: each user's ledger (flags, dates, UIDLs,
 * duplicates), one user's failure recorded as that user's problem. */
static void
reconcile(struct wz_stepctx *c, const struct map *m, int digests)
{
	struct mx_host *src = NULL, *dst = NULL;
	struct mx_ledger l;
	struct mx_err err;
	char *lp = wz_ledger_path(c->app);
	size_t i;

	if (lp == NULL || mx_ledger_load(&l, lp, &err) == -1) {
		if (lp != NULL)
			wz_log(c->app, "ledger: %s", err.msg);
		free(lp);
		return;
	}
	if (wz_host_open(c->plan, 0, c->job, &src, &err) == -1 ||
	    wz_host_open(c->plan, 1, c->job, &dst, &err) == -1) {
		wz_log(c->app, "ledger: %s", err.msg);
		goto out;
	}
	for (i = 0; i < m->n; i++) {
		struct mx_ledger_entry e;

		memset(&e, 0, sizeof e);
		snprintf(e.user, sizeof e.user, "%s", m->u[i].name);
		if (mx_ledger_compare(src, m->u[i].src, dst, m->u[i].dst, digests, &e,
		    &err) == -1) {
			snprintf(e.first_problem, sizeof e.first_problem, "%.200s",
			    err.msg);
			e.missing = e.src.messages ? e.src.messages : 1;
		}
		if (mx_ledger_put(&l, &e, &err) == -1)
			break;
	}
	if (mx_ledger_save(&l, lp, &err) == -1)
		wz_log(c->app, "ledger: %s", err.msg);
out:
	mx_host_close(src);
	mx_host_close(dst);
	mx_ledger_free(&l);
	free(lp);
}

static int
xfer(struct wz_stepctx *c, int verify, struct mx_buf *out, struct mx_err *err)
{
	struct map m;
	struct prog pg;
	struct mx_xfer_opts o;
	struct mx_host_opts ho;
	struct mx_xfer_result *res;
	char *sdir = state_file(c, "transfer");
	unsigned long long copied = 0, msgs = 0;
	size_t i;
	int failed;

	if (map_read(c, &m, err) == -1) {
		free(sdir);
		return -1;
	}
	memset(&pg, 0, sizeof pg);
	pg.m = &m;
	pthread_mutex_init(&pg.lock, NULL);
	pg.rows = table_reset(&m, 0, NULL);
	res = calloc(m.n ? m.n : 1, sizeof *res);
	if (pg.rows == NULL || res == NULL) {
		free(pg.rows);
		free(res);
		map_free(&m);
		free(sdir);
		return mx_err_set(err, MX_E_GENERIC, _("out of memory"));
	}
	memset(&o, 0, sizeof o);
	o.verify_only = verify;
	o.state_dir = sdir;
	o.progress = on_progress;
	o.progress_ctx = &pg;
	memset(&ho, 0, sizeof ho);
	ho.audit = wz_audit();	/* every worker's commands are logged */
	failed = mx_transfer_all(mx_plan_get(c->plan, MX_PLAN_OLD),
	    mx_plan_get(c->plan, MX_PLAN_NEW), &ho, m.u, m.n, JOBS, &o, res,
	    err);
	if (failed >= 0) {
		final_rows(&pg, res);
		post_summary(&pg, 1);
		write_results(c, &m, res, verify);
		/* After a copy, names, flags and dates; after a verification
		 * also every message's content. */
		reconcile(c, &m, verify);
		for (i = 0; i < m.n; i++) {
			copied += res[i].copied_msgs;
			msgs += res[i].dst_msgs;
			if (res[i].state == MX_XS_FAILED)
				wz_log(c->app, "%s %s: failed: %s", verify ?
				    "verify" : "transfer", m.u[i].name,
				    res[i].err.msg);
		}
		mx_buf_printf(out, verify ? _("%zu user(s) verified, %d "
		    "failed; %llu message(s) on the new host") :
		    _("%zu user(s) done, %d failed; %llu message(s) copied, "
		    "%llu on the new host"), m.n - (size_t)failed, failed,
		    verify ? msgs : copied, msgs);
		if (failed > 0)
			mx_err_set(err, MX_E_REMOTE, _("%d user(s) failed: see "
			    "the table and the log"), failed);
	}
	for (i = 0; i < m.n; i++)
		mx_xfer_result_free(&res[i]);
	free(res);
	free(pg.rows);
	pthread_mutex_destroy(&pg.lock);
	map_free(&m);
	free(sdir);
	return failed == 0 ? 0 : -1;
}

static int
xfer_preview(struct wz_stepctx *c, int verify, struct mx_buf *out,
    struct mx_err *err)
{
	struct map m;
	size_t i;

	if (map_read(c, &m, err) == -1)
		return -1;
	mx_buf_printf(out, verify ? _("Read only. For each user, compare the "
	    "old and the new Maildir: message count, bytes, and the SHA-256 "
	    "of every message:\n") : _("For each user: tar cf - on the old "
	    "host (read only), checked entry by entry, staged in "
	    "Maildir/%s on the new host and renamed into new/ or cur/; "
	    "mbox spools converted to Maildir; then verified. %d users at "
	    "a time:\n"), MX_STAGE, JOBS);
	for (i = 0; i < m.n && i < 200; i++)
		mx_buf_printf(out, "  %s: %s -> %s\n", m.u[i].name, m.u[i].src,
		    m.u[i].dst);
	if (m.n > 200)
		mx_buf_printf(out, _("  ... and %zu more\n"), m.n - 200);
	/* The table shows the users even before the first run, with what
	 * the last pass found when there was one. */
	free(table_reset(&m, 1, c));
	map_free(&m);
	return 0;
}

int
wz_transfer_preview(struct wz_stepctx *c, struct mx_buf *o, struct mx_err *e)
{
	return xfer_preview(c, 0, o, e);
}

int
wz_transfer_run(struct wz_stepctx *c, struct mx_buf *o, struct mx_err *e)
{
	return xfer(c, 0, o, e);
}

int
wz_verify_preview(struct wz_stepctx *c, struct mx_buf *o, struct mx_err *e)
{
	return xfer_preview(c, 1, o, e);
}

int
wz_verify_run(struct wz_stepctx *c, struct mx_buf *o, struct mx_err *e)
{
	return xfer(c, 1, o, e);
}

/* ---- the final report ---- */

/* The steps that were skipped or failed, from the plan's states: a
 * report says what was not done as plainly as what was. */
static void
steps_not_done(struct wz_stepctx *c, struct mx_buf *b)
{
	char *text = mx_plan_format(c->plan), *line, *save = NULL;
	int any = 0;

	if (text == NULL)
		return;
	for (line = strtok_r(text, "\n", &save); line;
	    line = strtok_r(NULL, "\n", &save)) {
		const char *eq = strstr(line, " = ");

		if (strncmp(line, "state.", 6) != 0 || eq == NULL ||
		    line[6] < '1' || line[6] > '5' || line[7] != '.')
			continue;
		if (strcmp(eq + 3, "skipped") != 0 && strcmp(eq + 3, "failed") != 0)
			continue;
		if (!any++)
			mx_buf_puts(b, _("\nSteps not done (window.step: state):\n"));
		mx_buf_printf(b, "  %.*s: %s\n", (int)(eq - line - 6), line + 6,
		    eq + 3);
	}
	if (!any)
		mx_buf_puts(b, _("\nEvery step of the five windows is done.\n"));
	free(text);
}

struct totals {
	int users, verified;
	unsigned long long sm, sb, dm, db;
};

/* The users the overview says need attention: who, why, what to do. */
static void
attention(struct wz_stepctx *c, struct mx_buf *b)
{
	struct mx_overview ov;
	struct mx_err err;
	size_t i;

	if (wz_overview_load(c->app, &ov, &err) == -1) {
		mx_buf_printf(b, _("\nThe overview could not be read: %s\n"),
		    err.msg);
		return;
	}
	mx_overview_sort(&ov, MX_OV_USER, 0);
	if (mx_overview_problems(&ov) == 0)
		mx_buf_printf(b, _("\nFlags, dates and UIDLs: every user "
		    "reconciled without a problem.\n"));
	else
		mx_buf_printf(b, _("\n%zu of %zu user(s) need attention:\n"),
		    mx_overview_problems(&ov), ov.n);
	for (i = 0; i < ov.n; i++)
		if (ov.v[i].problem)
			mx_buf_printf(b, _("  %s: %s\n    what to do: %s\n"),
			    ov.v[i].user, ov.v[i].reason, ov.v[i].advice ?
			    _(ov.v[i].advice) : "-");
	mx_overview_free(&ov);
}

static void
report_text(struct wz_stepctx *c, struct mx_buf *b, struct totals *t)
{
	char *res = state_file(c, "transfer.results"), line[4096];
	time_t now = time(NULL), off;
	char when[64], offs[64];
	struct tm tm;
	unsigned long long sm = 0, sb = 0, dm = 0, db = 0;
	int users = 0, verified = 0;
	FILE *fp;

	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", &tm);
	mx_buf_printf(b, _("mxmove final report, %s\n\n"), when);
	mx_buf_printf(b, _("Old host: %s\nNew host: %s\nDomains: %s\n"),
	    mx_plan_get(c->plan, MX_PLAN_OLD), mx_plan_get(c->plan, MX_PLAN_NEW),
	    mx_plan_get(c->plan, MX_PLAN_DOMAINS));
	mx_buf_printf(b, _("Accounts read: %s\n\n"),
	    mx_plan_state_get(c->plan, "accounts") ?
	    mx_plan_state_get(c->plan, "accounts") : "?");
	mx_buf_puts(b, _("Per user (source messages/bytes -> new host "
	    "messages/bytes, verified):\n"));
	if ((fp = fopen(res, "r")) != NULL) {
		while (fgets(line, sizeof line, fp) != NULL) {
			char name[1024], state[32];
			unsigned long long a1, a2, a3, a4, cp;
			int v;

			if (line[0] == '#' || sscanf(line, "%1023[^\t]\t%31[^\t]"
			    "\t%llu\t%llu\t%llu\t%llu\t%llu\t%d", name, state, &a1,
			    &a2, &a3, &a4, &cp, &v) != 8)
				continue;
			mx_buf_printf(b, "  %-32s %-8s %llu/%llu -> %llu/%llu %s\n",
			    name, state, a1, a2, a3, a4, v ? _("verified") :
			    _("NOT verified"));
			users++;
			verified += v;
			sm += a1;
			sb += a2;
			dm += a3;
			db += a4;
		}
		fclose(fp);
	} else
		mx_buf_puts(b, _("  (no transfer has run)\n"));
	mx_buf_printf(b, _("\nTotal: %d user(s), %d verified; %llu message(s), "
	    "%llu bytes on the old host; %llu message(s), %llu bytes on the "
	    "new host.\n"), users, verified, sm, sb, dm, db);
	if (t != NULL) {
		t->users = users;
		t->verified = verified;
		t->sm = sm;
		t->sb = sb;
		t->dm = dm;
		t->db = db;
	}
	attention(c, b);
	steps_not_done(c, b);
	/* Senders retry for up to five days; some caches hold the old MX
	 * for the old TTL. Keep the relay a week past the live MX. */
	off = mx_plan_state_time(c->plan, "mx_live_at");
	if (off == 0)
		off = now;
	off += 7 * 86400 + (time_t)atol(mx_plan_state_get(c->plan, "old_ttl") ?
	    mx_plan_state_get(c->plan, "old_ttl") : "0");
	gmtime_r(&off, &tm);
	strftime(offs, sizeof offs, "%Y-%m-%d %H:%M UTC", &tm);
	mx_buf_printf(b, _("\nThe old host relays to the new one. Keep it "
	    "running until %s (a week after MX moved to the live address, "
	    "plus the old TTL: senders retry for up to five days), check "
	    "that its queue stays empty, then switch it off.\n"), offs);
	free(res);
}

int
wz_report_preview(struct wz_stepctx *c, struct mx_buf *o, struct mx_err *e)
{
	char *path = state_file(c, "report.txt");

	(void)e;
	mx_buf_printf(o, _("Write %s (0600):\n\n"), path);
	report_text(c, o, NULL);
	free(path);
	return 0;
}

int
wz_report_run(struct wz_stepctx *c, struct mx_buf *o, struct mx_err *e)
{
	char *path = state_file(c, "report.txt");
	struct mx_buf b = MX_BUF_INIT;
	struct totals t;
	int fd, rc = -1;

	report_text(c, &b, &t);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd == -1 || write(fd, b.data, b.len) != (ssize_t)b.len) {
		mx_err_errno(e, errno, "%s", path);
		if (fd != -1)
			close(fd);
		goto out;
	}
	if (close(fd) == -1) {
		mx_err_errno(e, errno, "%s", path);
		goto out;
	}
	wz_ctx_state(c, "report", path);
	/* The figures travel in the batch report's JSON too. */
	mx_buf_printf(o, _("written to %s: %d user(s), %d verified; %llu "
	    "message(s), %llu bytes on the old host; %llu message(s), %llu "
	    "bytes on the new host"), path, t.users, t.verified, t.sm, t.sb,
	    t.dm, t.db);
	rc = 0;
out:
	mx_buf_free(&b);
	free(path);
	return rc;
}
