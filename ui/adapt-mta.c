/* adapt-mta.c - the wizard's host and MTA steps: the queue panel, the
 * host checks, stage zero (both hosts accept each other's names), the
 * freeze and its undo (thaw), forwarding, and the drain of the old queue.
 * Every change is an engine change set: previewed as a diff, applied with
 * backups, and recorded on the host so that it can be undone. */
#include <config.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "account.h"
#include "adapt.h"
#include "changes.h"
#include "host.h"
#include "i18n.h"
#include "mta.h"

/* The plan's MTA on host h, or the one found there. */
static int
mta_for(const struct mx_plan *p, int which, struct mx_host *h,
    const struct mx_mta_ops **ops, struct mx_err *err)
{
	const char *name = mx_plan_get(p, which ? MX_PLAN_MTA_NEW :
	    MX_PLAN_MTA_OLD);

	if (*name) {
		if ((*ops = mx_mta_lookup(name)) == NULL)
			return mx_err_set(err, MX_E_USAGE, _("unknown MTA '%s' "
			    "(%s)"), name, mx_mta_names());
		return 0;
	}
	return mx_mta_detect(h, NULL, ops, err);
}

/* ---- the queue panel: one cached host per side ---- */

static struct mx_host *qhost[2];
static char *qspec[2];
static pthread_mutex_t qlock = PTHREAD_MUTEX_INITIALIZER;

void
wz_adapt_queue_close(void)
{
	int i;

	pthread_mutex_lock(&qlock);
	for (i = 0; i < 2; i++) {
		mx_host_close(qhost[i]);
		qhost[i] = NULL;
		free(qspec[i]);
		qspec[i] = NULL;
	}
	pthread_mutex_unlock(&qlock);
}

int
wz_adapt_queue(const struct mx_plan *p, int which, struct wz_queue_counts *q,
    struct mx_err *err)
{
	const char *spec = mx_plan_get(p, which ? MX_PLAN_NEW : MX_PLAN_OLD);
	const struct mx_mta_ops *ops;
	struct mx_mta_queue mq;
	int rc = -1, i, k;

	memset(q, 0, sizeof *q);
	pthread_mutex_lock(&qlock);
	if (qhost[which] != NULL && strcmp(qspec[which], spec) != 0) {
		mx_host_close(qhost[which]);
		qhost[which] = NULL;
	}
	/* No prompts from the panel: a host needing a password or a new
	 * key is opened by a step first. */
	if (qhost[which] == NULL) {
		if (wz_host_open(p, which, NULL, &qhost[which], err) == -1)
			goto out;
		free(qspec[which]);
		qspec[which] = strdup(spec);
	}
	if (mta_for(p, which, qhost[which], &ops, err) == -1 ||
	    ops->queue(qhost[which], NULL, &mq, err) == -1) {
		if (err->code == MX_E_NET) {
			mx_host_close(qhost[which]);
			qhost[which] = NULL;
		}
		goto out;
	}
	q->known = 1;
	q->total = mq.total;
	snprintf(q->mta, sizeof q->mta, "%s", mq.mta);
	/* The panel has room for three counters: the first three. */
	for (i = 0, k = 0; i < mq.n && k < 3; i++, k++) {
		long *v = k == 0 ? &q->a : k == 1 ? &q->b : &q->c;

		snprintf(q->labels[k], sizeof q->labels[k], "%s", mq.c[i].name);
		*v = mq.c[i].value;
	}
	rc = 0;
out:
	pthread_mutex_unlock(&qlock);
	return rc;
}

/* ---- host checks ---- */

static int
check_preview(struct wz_stepctx *c, int which, struct mx_buf *out,
    struct mx_err *err)
{
	if (*mx_plan_get(c->plan, which ? MX_PLAN_NEW : MX_PLAN_OLD) == '\0')
		return mx_err_set(err, MX_E_USAGE, _("the plan has no %s host: "
		    "press p to give it"), which ? "new" : "old");
	mx_buf_printf(out, _("Read only, on %s:\n"
	    "  connect (verifying the host key), find the MTA "
	    "(qmail, Postfix, sendmail),\n"
	    "  read its name (/var/qmail/control/me or hostname),\n"
	    "  df of /, and du -sk of the mail directories "
	    "(/home /var/spool/mail /var/qmail/mailnames)."),
	    mx_plan_get(c->plan, which ? MX_PLAN_NEW : MX_PLAN_OLD));
	return 0;
}

/* The host's mail name: qmail's control/me, else hostname -f. */
static char *
host_me(struct mx_host *h, const struct mx_mta_ops *ops)
{
	struct mx_buf b = MX_BUF_INIT;
	struct mx_err err;
	const char *const argv[] = { "hostname", "-f", NULL };
	int status;

	if (strcmp(ops->name, "qmail") == 0 &&
	    mx_host_read_file(h, "/var/qmail/control/me", &b, &err) == 0) {
	} else if (mx_host_run(h, argv, NULL, 0, &b, NULL, &status, &err) == -1 ||
	    status != 0) {
		mx_buf_free(&b);
		return NULL;
	}
	if (b.data)
		b.data[strcspn(b.data, "\r\n")] = '\0';
	return mx_buf_steal(&b);
}

/* KiB under the mail directories that exist. */
static long long
mail_kib(struct mx_host *h)
{
	static const char *const dirs[] = { "/home", "/var/spool/mail",
		"/var/qmail/mailnames", NULL };
	const char *argv[8];
	char *paths[4] = { NULL };
	struct mx_buf out = MX_BUF_INIT;
	struct mx_stat st;
	struct mx_err err;
	long long total = 0;
	int i, n = 0, status;
	char *s, *end;

	argv[n++] = "du";
	argv[n++] = "-sk";
	for (i = 0; dirs[i]; i++)
		if (mx_host_stat(h, dirs[i], &st, &err) == 0 && st.exists &&
		    st.is_dir) {
			paths[i] = mx_host_path(h, dirs[i]);
			argv[n++] = paths[i];
		}
	argv[n] = NULL;
	if (n > 2 && mx_host_run(h, argv, NULL, 0, &out, NULL, &status,
	    &err) == 0) {
		for (s = out.data; s && *s; ) {
			total += strtoll(s, &end, 10);
			s = strchr(end, '\n');
			if (s)
				s++;
		}
	}
	for (i = 0; i < 4; i++)
		free(paths[i]);
	mx_buf_free(&out);
	return total;
}

static int
check_run(struct wz_stepctx *c, int which, struct mx_buf *out,
    struct mx_err *err)
{
	struct mx_host *h;
	const struct mx_mta_ops *ops;
	uint64_t avail = 0, total = 0;
	long long kib;
	char *me, num[32], b1[32];
	int rc = -1;

	if (wz_host_open(c->plan, which, c->job, &h, err) == -1)
		return -1;
	if (mta_for(c->plan, which, h, &ops, err) == -1)
		goto out;
	me = host_me(h, ops);
	if (mx_host_df(h, "/", &avail, &total, err) == -1)
		goto out;
	kib = mail_kib(h);
	snprintf(num, sizeof num, "%lld", kib);
	wz_ctx_state(c, which ? "new_mail_kib" : "old_mail_kib", num);
	snprintf(num, sizeof num, "%llu", (unsigned long long)(avail / 1024));
	wz_ctx_state(c, which ? "new_free_kib" : "old_free_kib", num);
	if (me)
		wz_ctx_state(c, which ? "new_me" : "old_me", me);
	wz_fmt_bytes(b1, sizeof b1, avail);
	mx_buf_printf(out, _("%s, %s, %s free, mail %lld KiB"), ops->name,
	    me ? me : "?", b1, kib);
	if (which) {
		long long need = atoll(mx_plan_state_get(c->plan,
		    "old_mail_kib") ? mx_plan_state_get(c->plan,
		    "old_mail_kib") : "0");

		if ((long long)(avail / 1024) < need) {
			mx_err_set(err, MX_E_NOSPACE, _("the new host has %llu "
			    "KiB free; the old one holds %lld KiB of mail"),
			    (unsigned long long)(avail / 1024), need);
			free(me);
			goto out;
		}
	}
	free(me);
	rc = 0;
out:
	mx_host_close(h);
	return rc;
}

int wz_check_old_preview(struct wz_stepctx *c, struct mx_buf *o,
    struct mx_err *e) { return check_preview(c, 0, o, e); }
int wz_check_new_preview(struct wz_stepctx *c, struct mx_buf *o,
    struct mx_err *e) { return check_preview(c, 1, o, e); }
int wz_check_old_run(struct wz_stepctx *c, struct mx_buf *o,
    struct mx_err *e) { return check_run(c, 0, o, e); }
int wz_check_new_run(struct wz_stepctx *c, struct mx_buf *o,
    struct mx_err *e) { return check_run(c, 1, o, e); }

/* ---- change sets on a host ---- */

/* What a change step plans on one host. */
typedef int (*plan_fn)(struct wz_stepctx *c, struct mx_host *h,
    const struct mx_mta_ops *ops, struct mx_changes *cs, struct mx_err *err);

struct side {
	struct mx_host *h;
	const struct mx_mta_ops *ops;
	struct mx_changes cs;
};

static int
side_plan(struct wz_stepctx *c, int which, plan_fn fn, struct side *s,
    struct mx_err *err)
{
	memset(s, 0, sizeof *s);
	if (wz_host_open(c->plan, which, c->job, &s->h, err) == -1)
		return -1;
	if (mta_for(c->plan, which, s->h, &s->ops, err) == -1 ||
	    fn(c, s->h, s->ops, &s->cs, err) == -1) {
		mx_changes_free(&s->cs);
		mx_host_close(s->h);
		s->h = NULL;
		return -1;
	}
	return 0;
}

static void
side_free(struct side *s)
{
	mx_changes_free(&s->cs);
	mx_host_close(s->h);
	s->h = NULL;
}

static void
side_preview(struct mx_buf *out, const struct mx_plan *p, int which,
    struct side *s)
{
	mx_buf_printf(out, "== %s (%s, %s) ==\n", which ? _("new host") :
	    _("old host"), mx_plan_get(p, which ? MX_PLAN_NEW : MX_PLAN_OLD),
	    s->ops->name);
	if (mx_changes_count(&s->cs) == 0 && s->cs.n == 0)
		mx_buf_puts(out, _("(nothing to change: already so)\n"));
	else
		mx_changes_preview(&s->cs, out);
	mx_buf_puts(out, "\n");
}

/* Apply and record under the state file of verb. */
static int
side_apply(struct wz_stepctx *c, struct side *s, const char *verb,
    struct mx_buf *out, struct mx_err *err)
{
	struct mx_buf log = MX_BUF_INIT;
	int rc;

	if (s->cs.n == 0)
		return 0;
	/* The engine records before it changes (write-ahead), so a crash in
	 * between still lets thaw undo exactly what was done. */
	rc = mx_mta_apply(s->h, s->ops, NULL, verb, &s->cs, &log, err);
	wz_log(c->app, "%s on %s: %s%s", verb, mx_host_name(s->h),
	    rc == 0 ? "applied" : err->msg, log.data ? "" : "");
	if (rc == 0)
		mx_buf_printf(out, _("%s: %zu change(s); "), mx_host_name(s->h),
		    mx_changes_count(&s->cs));
	mx_buf_free(&log);
	return rc;
}

/* Run a change step on the hosts in which[] (n of them). */
static int
change_step(struct wz_stepctx *c, const int *which, const plan_fn *fns,
    int n, const char *verb, int apply, struct mx_buf *out,
    struct mx_err *err)
{
	struct side s[2];
	int i, rc = 0;

	for (i = 0; i < n; i++)
		if (side_plan(c, which[i], fns[i], &s[i], err) == -1) {
			while (--i >= 0)
				side_free(&s[i]);
			return -1;
		}
	for (i = 0; i < n; i++) {
		if (!apply)
			side_preview(out, c->plan, which[i], &s[i]);
		else if (rc == 0 && side_apply(c, &s[i], verb, out, err) == -1)
			rc = -1;
	}
	for (i = 0; i < n; i++)
		side_free(&s[i]);
	return rc;
}

/* ---- stage zero: accept each other's names ---- */

static int
accept_plan(struct wz_stepctx *c, struct mx_host *h,
    const struct mx_mta_ops *ops, struct mx_changes *cs, struct mx_err *err,
    int which)
{
	struct mx_host *other;
	const struct mx_mta_ops *oops;
	const char *names[2] = { NULL, NULL };
	char *me;
	int rc;

	(void)h;
	/* The other host's name, so that mail addressed to it explicitly
	 * is delivered here rather than bounced. */
	if (wz_host_open(c->plan, !which, c->job, &other, err) == -1)
		return -1;
	if (mta_for(c->plan, !which, other, &oops, err) == -1) {
		mx_host_close(other);
		return -1;
	}
	me = host_me(other, oops);
	mx_host_close(other);
	if (me == NULL || *me == '\0') {
		free(me);
		return mx_err_set(err, MX_E_REMOTE, _("cannot tell the %s host's "
		    "name"), which ? "old" : "new");
	}
	names[0] = me;
	rc = ops->accept_for(h, NULL, names, 1, cs, err);
	free(me);
	return rc;
}

static int
accept_old(struct wz_stepctx *c, struct mx_host *h,
    const struct mx_mta_ops *ops, struct mx_changes *cs, struct mx_err *err)
{
	return accept_plan(c, h, ops, cs, err, 0);
}

static int
accept_new(struct wz_stepctx *c, struct mx_host *h,
    const struct mx_mta_ops *ops, struct mx_changes *cs, struct mx_err *err)
{
	return accept_plan(c, h, ops, cs, err, 1);
}

static const int both[2] = { 0, 1 };
static const plan_fn accept_fns[2] = { accept_old, accept_new };

int
wz_accept_preview(struct wz_stepctx *c, struct mx_buf *o, struct mx_err *e)
{
	return change_step(c, both, accept_fns, 2, "accept-for", 0, o, e);
}

int
wz_accept_run(struct wz_stepctx *c, struct mx_buf *o, struct mx_err *e)
{
	return change_step(c, both, accept_fns, 2, "accept-for", 1, o, e);
}

/* ---- the freeze ---- */

/* Add s to the NULL-terminated vector *v (of *n) unless it is there. */
static int
strv_add(char ***v, size_t *n, const char *s)
{
	char **nv;
	size_t k;

	for (k = 0; k < *n; k++)
		if (strcmp((*v)[k], s) == 0)
			return 0;
	if ((nv = realloc(*v, (*n + 2) * sizeof *nv)) == NULL)
		return -1;
	*v = nv;
	if ((nv[*n] = strdup(s)) == NULL)
		return -1;
	nv[++*n] = NULL;
	return 0;
}

/* What the sticky bit goes on: each system account's home, and each
 * vpopmail domain (its directory is found in users/assign: qmail-local's
 * "home" for the whole domain). */
static int
freeze_targets(struct wz_stepctx *c, struct mx_host *h, char ***homes,
    char ***vdoms, struct mx_err *err)
{
	char *copy = strdup(mx_plan_get(c->plan, MX_PLAN_SOURCE));
	char *kind, *save = NULL;
	struct mx_acct_opts ao;
	struct mx_accounts *a;
	size_t i, nh = 0, nd = 0;

	*homes = calloc(1, sizeof **homes);
	*vdoms = calloc(1, sizeof **vdoms);
	if (copy == NULL || *homes == NULL || *vdoms == NULL) {
		free(copy);
		return mx_err_set(err, MX_E_GENERIC, _("out of memory"));
	}
	mx_acct_opts_init(&ao);
	kind = strtok_r(copy, " ", &save);
	do {
		if (mx_accounts_read(h, kind, &ao, &a, err) == -1) {
			free(copy);
			return -1;
		}
		for (i = 0; i < a->nacct; i++) {
			struct mx_account *ac = &a->acct[i];

			if (ac->skip != NULL)
				continue;
			if (ac->domain && *ac->domain)
				strv_add(vdoms, &nd, ac->domain);
			else if (ac->home && ac->src_maildir)
				strv_add(homes, &nh, ac->home);
		}
		mx_accounts_free(a);
	} while (kind && (kind = strtok_r(NULL, " ", &save)) != NULL);
	free(copy);
	return 0;
}

static int
freeze_plan(struct wz_stepctx *c, struct mx_host *h,
    const struct mx_mta_ops *ops, struct mx_changes *cs, struct mx_err *err)
{
	struct mx_mta_freeze f;
	char **doms = wz_domains(c->plan, NULL), **homes = NULL, **vdoms = NULL;
	char to[300];
	int rc;

	memset(&f, 0, sizeof f);
	/* Only qmail freezes per domain or home; Postfix and sendmail hold
	 * every delivery and refuse a domain list. */
	if (strcmp(ops->name, "qmail") == 0) {
		f.domains = (const char *const *)doms;
		if (strcmp(mx_plan_get(c->plan, MX_PLAN_STRATEGY), "queue") == 0) {
			f.method = MX_FREEZE_REMOTE_QUEUE;
			snprintf(to, sizeof to, "%s",
			    mx_plan_state_get(c->plan, "new_me") ?
			    mx_plan_state_get(c->plan, "new_me") : "");
			if (*to == '\0') {
				wz_strv_free(doms);
				return mx_err_set(err, MX_E_USAGE, _("the new "
				    "host's name is not known: run window 1's "
				    "check of the new host first"));
			}
			f.to = to;
		} else {
			f.method = MX_FREEZE_STICKY;
			if (freeze_targets(c, h, &homes, &vdoms, err) == -1) {
				wz_strv_free(doms);
				wz_strv_free(homes);
				wz_strv_free(vdoms);
				return -1;
			}
			f.homes = (const char *const *)homes;
			f.domains = (const char *const *)vdoms;
		}
	}
	rc = ops->freeze(h, NULL, &f, cs, err);
	wz_strv_free(doms);
	wz_strv_free(homes);
	wz_strv_free(vdoms);
	return rc;
}

static const int old_only[1] = { 0 };
static const plan_fn freeze_fns[1] = { freeze_plan };

int
wz_freeze_preview(struct wz_stepctx *c, struct mx_buf *o, struct mx_err *e)
{
	return change_step(c, old_only, freeze_fns, 1, "freeze", 0, o, e);
}

int
wz_freeze_run(struct wz_stepctx *c, struct mx_buf *o, struct mx_err *e)
{
	return change_step(c, old_only, freeze_fns, 1, "freeze", 1, o, e);
}

/* ---- forward ---- */

static int
forward_plan(struct wz_stepctx *c, struct mx_host *h,
    const struct mx_mta_ops *ops, struct mx_changes *cs, struct mx_err *err)
{
	char **doms = wz_domains(c->plan, NULL);
	const char *live = mx_plan_get(c->plan, MX_PLAN_LIVE_IP);
	const char *me = mx_plan_state_get(c->plan, "new_me");
	char to[300];
	int rc;

	/* Relay to the live address (no MX lookup), else the new name. */
	if (*live)
		snprintf(to, sizeof to, "[%s]", live);
	else if (me && *me)
		snprintf(to, sizeof to, "%s", me);
	else {
		wz_strv_free(doms);
		return mx_err_set(err, MX_E_USAGE, _("give live_ip in the plan "
		    "(p), or run window 1's check of the new host"));
	}
	rc = ops->forward(h, NULL, (const char *const *)doms, to, cs, err);
	wz_strv_free(doms);
	return rc;
}

static const plan_fn forward_fns[1] = { forward_plan };

int
wz_forward_preview(struct wz_stepctx *c, struct mx_buf *o, struct mx_err *e)
{
	return change_step(c, old_only, forward_fns, 1, "forward", 0, o, e);
}

int
wz_forward_run(struct wz_stepctx *c, struct mx_buf *o, struct mx_err *e)
{
	return change_step(c, old_only, forward_fns, 1, "forward", 1, o, e);
}

/* ---- thaw: undo the freeze record ---- */

static int
thaw(struct wz_stepctx *c, int apply, struct mx_buf *out, struct mx_err *err)
{
	struct mx_host *h;
	const struct mx_mta_ops *ops;
	struct mx_changes cs = MX_CHANGES_INIT;
	struct mx_buf log = MX_BUF_INIT;
	char *path = NULL;
	int found = 0, rc = -1;

	if (wz_host_open(c->plan, 0, c->job, &h, err) == -1)
		return -1;
	if (mta_for(c->plan, 0, h, &ops, err) == -1 ||
	    (path = mx_mta_state_path(ops, NULL, "freeze")) == NULL ||
	    mx_changes_read(h, path, &cs, &found, err) == -1)
		goto out;
	if (!found) {
		mx_buf_printf(out, _("No freeze is recorded on the old host "
		    "(%s): nothing to undo."), path);
		rc = 0;
		goto out;
	}
	if (!apply) {
		mx_buf_printf(out, _("Undo the freeze recorded in %s on the old "
		    "host, last change first:\n"), path);
		mx_changes_preview(&cs, out);
		rc = 0;
		goto out;
	}
	if (mx_changes_undo(h, &cs, &log, err) == -1 ||
	    mx_changes_drop(h, path, err) == -1)
		goto out;
	wz_log(c->app, "thaw on old: undone");
	mx_buf_printf(out, _("freeze undone (%zu change(s))"),
	    mx_changes_count(&cs));
	rc = 0;
out:
	mx_changes_free(&cs);
	mx_buf_free(&log);
	free(path);
	mx_host_close(h);
	return rc;
}

int
wz_thaw_preview(struct wz_stepctx *c, struct mx_buf *o, struct mx_err *e)
{
	return thaw(c, 0, o, e);
}

int
wz_thaw_run(struct wz_stepctx *c, struct mx_buf *o, struct mx_err *e)
{
	return thaw(c, 1, o, e);
}

/* ---- the drain ---- */

/* While mail is queued: nudge the MTA once, then look again every 2 s
 * for at most DRAIN_WAIT s (a reload during deliveries, as in a thaw cut
 * short, can leave delivered messages waiting for the next queue scan). */
#define DRAIN_WAIT 30

int
wz_drain_preview(struct wz_stepctx *c, struct mx_buf *out, struct mx_err *err)
{
	(void)err;
	mx_buf_printf(out, _("Read only. Count the old host's queue (%s); while "
	    "mail is queued, ask its MTA to retry it now and look again for "
	    "up to %d s: done when it is empty, that is when what was queued "
	    "has gone on through the forwarding to the new host. The Queues "
	    "panel watches it meanwhile; run this step again when it shows "
	    "0."), mx_plan_get(c->plan, MX_PLAN_OLD), DRAIN_WAIT);
	return 0;
}

int
wz_drain_run(struct wz_stepctx *c, struct mx_buf *out, struct mx_err *err)
{
	struct mx_host *h;
	const struct mx_mta_ops *ops;
	struct mx_mta_queue q;
	struct mx_err ferr;
	int rc = -1, waited;

	if (wz_host_open(c->plan, 0, c->job, &h, err) == -1)
		return -1;
	if (mta_for(c->plan, 0, h, &ops, err) == -1 ||
	    ops->queue(h, NULL, &q, err) == -1)
		goto out;
	if (q.total > 0 && ops->flush != NULL &&
	    ops->flush(h, NULL, &ferr) == 0)
		mx_buf_printf(out, _("%ld message(s) queued: asked %s to retry "
		    "them now; "), q.total, ops->name);
	for (waited = 0; q.total > 0 && waited < DRAIN_WAIT &&
	    (c->job == NULL || !wz_job_cancelled(c->job)); waited += 2) {
		sleep(2);
		if (ops->queue(h, NULL, &q, err) == -1)
			goto out;
	}
	if (q.total > 0) {
		mx_err_set(err, MX_E_REMOTE, _("%ld message(s) still queued on "
		    "the old host: let its MTA deliver them (it relays to the "
		    "new host now), then run this step again"), q.total);
		goto out;
	}
	mx_buf_puts(out, _("the old queue is empty"));
	rc = 0;
out:
	mx_host_close(h);
	return rc;
}
