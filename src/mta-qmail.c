/* mta-qmail.c - qmail (and vpopmail's part of it): queue, accept-for,
 * freeze (sticky homes or the remote queue), forward (mta.h).
 *
 * Facts (qmail-control(5), qmail-send(8), qmail-local.c): locals and
 * virtualdomains are reread on HUP; concurrencyremote only at start;
 * rcpthosts and smtproutes are read by each qmail-smtpd / qmail-remote
 * run. A sticky home makes qmail-local defer (#4.2.1). users/assign is
 * compiled into users/cdb by qmail-newu.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ctlfile.h"
#include "host.h"
#include "i18n.h"
#include "mta.h"
#include "quote.h"

#define QMAIL_DEFAULT "/var/qmail"

/* Signal qmail-send where it runs; no qmail-send is not an error: it
 * reads the control files when it starts. */
static const char hup_script[] =
    "p=$(pidof qmail-send 2>/dev/null || pgrep -x qmail-send 2>/dev/null); "
    "if [ -n \"$p\" ]; then kill -HUP $p && echo \"qmail-send: HUP\"; "
    "else echo \"qmail-send is not running\"; fi";
static const char alrm_script[] =
    "p=$(pidof qmail-send 2>/dev/null || pgrep -x qmail-send 2>/dev/null); "
    "if [ -n \"$p\" ]; then kill -ALRM $p && echo \"qmail-send: ALRM (retry now)\"; "
    "else echo \"qmail-send is not running\"; fi";
/* concurrencyremote is read only when qmail-send starts. */
static const char restart_script[] =
    "if command -v svc >/dev/null 2>&1 && [ -d /service/qmail-send ]; then "
    "svc -t /service/qmail-send && echo \"qmail-send: restarted (svc -t)\"; "
    "elif command -v svc >/dev/null 2>&1 && [ -d /service/qmail ]; then "
    "svc -t /service/qmail && echo \"qmail: restarted (svc -t)\"; "
    "elif [ -x /etc/init.d/qmail ]; then /etc/init.d/qmail restart; "
    "elif p=$(pidof qmail-send 2>/dev/null || pgrep -x qmail-send 2>/dev/null); then "
    "echo \"qmail-send (pid $p) is not supervised: restart it yourself "
    "(concurrencyremote is read at start)\" >&2; exit 1; "
    "else echo \"qmail-send is not running\"; fi";

static const char *
qdir(const struct mx_mta_opts *o)
{
	return o != NULL && o->qmail_dir != NULL ? o->qmail_dir : QMAIL_DEFAULT;
}

static const char *
qmail_state_dir(const struct mx_mta_opts *o)
{
	return qdir(o);
}

static char *
qpath(const struct mx_mta_opts *o, const char *rel)
{
	return mx_mta_path(qdir(o), rel);
}

static int
cf_open(struct mx_mta_file *f, struct mx_host *h, const struct mx_mta_opts *o,
    const char *rel, enum mx_ctl_key key, struct mx_err *err)
{
	return mx_mta_file_open(f, h, qpath(o, rel), key, err);
}

static int
bad_domain(const char *d, struct mx_err *err)
{
	return mx_err_set(err, MX_E_USAGE,
	    _("'%s' is not a domain name (letters, digits, '-' and '.')"), d);
}

static int
check_domains(const char *const *domains, int need, struct mx_err *err)
{
	size_t i;

	if (need && (domains == NULL || domains[0] == NULL))
		return mx_err_set(err, MX_E_USAGE, _("no domain given (--domain)"));
	for (i = 0; domains != NULL && domains[i] != NULL; i++)
		if (!mx_mta_domain_ok(domains[i]))
			return bad_domain(domains[i], err);
	return 0;
}

static int
check_relay(const char *to, struct mx_err *err)
{
	const char *p;

	if (to == NULL || *to == '\0')
		return mx_err_set(err, MX_E_USAGE,
		    _("no new host given (--to HOST)"));
	for (p = to; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789.-_[]:", *p))
			return mx_err_set(err, MX_E_USAGE,
			    _("'%s' is not a host name, [address] or host:port"),
			    to);
	return 0;
}

static int
run_sh(struct mx_changes *cs, int when, const char *script,
    struct mx_err *err)
{
	const char *argv[] = { "sh", "-c", script, NULL };

	return mx_changes_run(cs, when, argv, err);
}

/* ---- detect, queue, flush ----------------------------------------- */

static int
qmail_flush(struct mx_host *h, const struct mx_mta_opts *o, struct mx_err *err)
{
	int st;

	(void)o;
	return mx_host_run_sh(h, alrm_script, NULL, 0, NULL, NULL, &st, err);
}

static int
qmail_detect(struct mx_host *h, const struct mx_mta_opts *o,
    struct mx_err *err)
{
	return mx_mta_detect_path(h, qdir(o), "control", 1, err);
}

/* qmail-qstat's two finds, and the same for local/ and remote/: one
 * command, so that a refresh every few seconds costs one round trip. */
static int
qmail_queue(struct mx_host *h, const struct mx_mta_opts *o,
    struct mx_mta_queue *q, struct mx_err *err)
{
	static const char *const names[] = { "mess", "todo", "local", "remote" };
	static const char *const shown[] = { "queue", "unpreprocessed",
	    "local", "remote" };
	const char *dirs[4];
	char *path[4];
	struct mx_stat st;
	char *rel = qpath(o, "queue");
	long v[4];
	int i, rc = -1;

	memset(q, 0, sizeof *q);
	q->mta = "qmail";
	for (i = 0; i < 4; i++) {
		struct mx_buf b = MX_BUF_INIT;

		mx_buf_printf(&b, "%s/%s", rel, names[i]);
		dirs[i] = path[i] = mx_buf_steal(&b);
	}
	if (mx_host_stat(h, rel, &st, err) == -1)
		goto out;
	if (!st.exists || !st.is_dir) {
		mx_err_set(err, MX_E_NOTFOUND, _("%s: %s: no qmail queue here"),
		    mx_host_name(h), rel);
		goto out;
	}
	if (mx_mta_count_files(h, dirs, NULL, 4, v, err) == -1)
		goto out;
	q->total = v[0];
	for (i = 0; i < 4; i++)
		mx_mta_count(q, shown[i], v[i]);
	rc = 0;
out:
	for (i = 0; i < 4; i++)
		free(path[i]);
	free(rel);
	return rc;
}

/* ---- accept-for --------------------------------------------------- */

static int
qmail_accept_for(struct mx_host *h, const struct mx_mta_opts *o,
    const char *const *domains, int local, struct mx_changes *cs,
    struct mx_err *err)
{
	struct mx_mta_file rcpt, more, loc;
	size_t i;
	int rc = -1;

	if (check_domains(domains, 1, err) == -1)
		return -1;
	loc.path = more.path = NULL;
	if (cf_open(&rcpt, h, o, "control/rcpthosts", MX_CTL_WHOLE, err) == -1)
		return -1;
	if (cf_open(&more, h, o, "control/morercpthosts", MX_CTL_WHOLE,
	    err) == -1)
		goto out;
	if (local && cf_open(&loc, h, o, "control/locals", MX_CTL_WHOLE,
	    err) == -1)
		goto out;
	for (i = 0; domains[i] != NULL; i++) {
		if (mx_ctl_find(&more.c, domains[i]) < 0 &&
		    mx_ctl_find(&rcpt.c, domains[i]) < 0 &&
		    mx_ctl_set(&rcpt.c, domains[i]) == -1)
			goto nomem;
		if (local && mx_ctl_find(&loc.c, domains[i]) < 0 &&
		    mx_ctl_set(&loc.c, domains[i]) == -1)
			goto nomem;
	}
	if (mx_mta_file_plan(&rcpt, cs, err) == -1)
		goto out;
	if (local && mx_mta_file_changed(&loc)) {
		if (mx_mta_file_plan(&loc, cs, err) == -1 ||
		    run_sh(cs, MX_RUN_APPLY | MX_RUN_UNDO | MX_RUN_DAEMON,
		    hup_script, err) == -1)
			goto out;
	}
	rc = 0;
	goto out;
nomem:
	mx_err_set(err, MX_E_GENERIC, _("out of memory"));
out:
	mx_mta_file_close(&rcpt);
	mx_mta_file_close(&more);
	mx_mta_file_close(&loc);
	return rc;
}

/* ---- route domains to the remote queue (forward, remote-queue freeze) */

static int
route_remote(struct mx_host *h, const struct mx_mta_opts *o,
    const char *const *domains, const char *to, int hold,
    struct mx_changes *cs, struct mx_err *err)
{
	struct mx_mta_file loc, vd, rcpt, more, routes, assign, conc;
	struct mx_buf line = MX_BUF_INIT;
	size_t i;
	int rc = -1, reread = 0, newu = 0;
	const int daemon = MX_RUN_APPLY | MX_RUN_UNDO | MX_RUN_DAEMON;

	if (check_domains(domains, 1, err) == -1 || check_relay(to, err) == -1)
		return -1;
	loc.path = vd.path = rcpt.path = more.path = routes.path = NULL;
	assign.path = conc.path = NULL;
	if (cf_open(&loc, h, o, "control/locals", MX_CTL_WHOLE, err) == -1 ||
	    cf_open(&vd, h, o, "control/virtualdomains", MX_CTL_COLON, err) == -1 ||
	    cf_open(&rcpt, h, o, "control/rcpthosts", MX_CTL_WHOLE, err) == -1 ||
	    cf_open(&more, h, o, "control/morercpthosts", MX_CTL_WHOLE, err) == -1 ||
	    cf_open(&routes, h, o, "control/smtproutes", MX_CTL_COLON, err) == -1 ||
	    cf_open(&assign, h, o, "users/assign", MX_CTL_COLON, err) == -1 ||
	    (hold && cf_open(&conc, h, o, "control/concurrencyremote",
	    MX_CTL_WHOLE, err) == -1))
		goto out;
	for (i = 0; domains[i] != NULL; i++) {
		const char *d = domains[i];

		if (mx_ctl_remove(&loc.c, d) > 0)
			reread = 1;
		if (mx_ctl_remove(&vd.c, d) > 0)
			reread = 1;
		mx_buf_reset(&line);
		mx_buf_printf(&line, "+%s-", d);
		if (mx_ctl_remove(&assign.c, line.data) > 0)
			newu = 1;
		/* Kept (or put) in rcpthosts: still accepted, then relayed. */
		if (mx_ctl_find(&more.c, d) < 0 && mx_ctl_find(&rcpt.c, d) < 0 &&
		    mx_ctl_set(&rcpt.c, d) == -1)
			goto nomem;
		mx_buf_reset(&line);
		mx_buf_printf(&line, "%s:%s", d, to);
		if (mx_ctl_set(&routes.c, line.data) == -1)
			goto nomem;
	}
	if (hold) {
		/* One line "0": remote deliveries wait in the queue. */
		mx_ctl_free(&conc.c);
		if (mx_ctl_parse(&conc.c, "0\n", 2, MX_CTL_WHOLE, conc.path,
		    err) == -1)
			goto out;
	}
	if (mx_mta_file_plan(&loc, cs, err) == -1 || mx_mta_file_plan(&vd, cs, err) == -1 ||
	    mx_mta_file_plan(&rcpt, cs, err) == -1 || mx_mta_file_plan(&routes, cs, err) == -1 ||
	    mx_mta_file_plan(&assign, cs, err) == -1 ||
	    (hold && mx_mta_file_plan(&conc, cs, err) == -1))
		goto out;
	if (newu) {
		char *newu_path = qpath(o, "bin/qmail-newu");
		const char *argv[] = { newu_path, NULL };
		int r = mx_changes_run(cs, daemon, argv, err);

		free(newu_path);
		if (r == -1)
			goto out;
	}
	if (hold && mx_mta_file_changed(&conc)) {
		if (run_sh(cs, daemon, restart_script, err) == -1)
			goto out;
	} else if (reread && run_sh(cs, daemon, hup_script, err) == -1)
		goto out;
	rc = 0;
	goto out;
nomem:
	mx_err_set(err, MX_E_GENERIC, _("out of memory"));
out:
	mx_buf_free(&line);
	mx_mta_file_close(&loc);
	mx_mta_file_close(&vd);
	mx_mta_file_close(&rcpt);
	mx_mta_file_close(&more);
	mx_mta_file_close(&routes);
	mx_mta_file_close(&assign);
	mx_mta_file_close(&conc);
	return rc;
}

static int
qmail_forward(struct mx_host *h, const struct mx_mta_opts *o,
    const char *const *domains, const char *to, struct mx_changes *cs,
    struct mx_err *err)
{
	return route_remote(h, o, domains, to, 0, cs, err);
}

/* ---- the sticky-bit freeze ---------------------------------------- */

static int
sticky_one(struct mx_host *h, const char *dir, struct mx_changes *cs,
    struct mx_err *err)
{
	struct mx_stat st;

	if (mx_host_stat(h, dir, &st, err) == -1)
		return -1;
	if (!st.exists || !st.is_dir || st.is_link)
		return mx_err_set(err, MX_E_NOTFOUND,
		    _("%s: %s: not a directory (a home to freeze)"),
		    mx_host_name(h), dir);
	return mx_changes_mode(cs, dir, st.mode & 07777,
	    (st.mode & 07777) | 01000, err);
}

static int
sticky_under(struct mx_host *h, const char *parent, struct mx_changes *cs,
    struct mx_err *err)
{
	char **names;
	size_t n, i;
	struct mx_buf p = MX_BUF_INIT;
	struct mx_stat st;
	int rc = 0;

	if (mx_host_list(h, parent, &names, &n, err) == -1)
		return -1;
	for (i = 0; i < n && rc == 0; i++) {
		mx_buf_reset(&p);
		mx_buf_printf(&p, "%s/%s", parent, names[i]);
		rc = mx_host_stat(h, p.data, &st, err);
		if (rc == 0 && st.is_dir && !st.is_link)
			rc = sticky_one(h, p.data, cs, err);
	}
	mx_buf_free(&p);
	mx_strv_free(names, n);
	return rc;
}

/* The home a domain's mail goes to: vpopmail's users/assign line
 * "+DOMAIN-:DOMAIN:uid:gid:HOMEDIR:-::". */
static int
sticky_domain(struct mx_host *h, const struct mx_mta_opts *o,
    const struct mx_ctl *assign, const char *d, struct mx_changes *cs,
    struct mx_err *err)
{
	char key[300], home[1024];
	const char *line, *p;
	size_t len;
	int field;

	snprintf(key, sizeof key, "+%s-", d);
	line = mx_ctl_get(assign, key);
	if (line == NULL)
		return mx_err_set(err, MX_E_NOTFOUND,
		    _("%s: %s/users/assign has no line for %s; name the homes "
		    "with --home or --homes-under"), mx_host_name(h), qdir(o), d);
	for (p = line, field = 0; field < 4 && p != NULL; field++) {
		p = strchr(p, ':');
		if (p != NULL)
			p++;
	}
	len = p ? strcspn(p, ":") : 0;
	if (p == NULL || len == 0 || len >= sizeof home || p[0] != '/')
		return mx_err_set(err, MX_E_PARSE,
		    _("%s: %s/users/assign: no home directory in '%s'"),
		    mx_host_name(h), qdir(o), line);
	memcpy(home, p, len);
	home[len] = '\0';
	return sticky_one(h, home, cs, err);
}

static int
freeze_sticky(struct mx_host *h, const struct mx_mta_opts *o,
    const struct mx_mta_freeze *f, struct mx_changes *cs, struct mx_err *err)
{
	struct mx_mta_file assign;
	size_t i;
	int rc = 0;

	if (check_domains(f->domains, 0, err) == -1)
		return -1;
	if ((f->domains == NULL || !f->domains[0]) &&
	    (f->homes == NULL || !f->homes[0]) &&
	    (f->homes_under == NULL || !f->homes_under[0]))
		return mx_err_set(err, MX_E_USAGE,
		    _("the sticky-bit freeze needs --domain (vpopmail), --home "
		    "or --homes-under"));
	for (i = 0; f->homes != NULL && f->homes[i] != NULL && rc == 0; i++)
		rc = sticky_one(h, f->homes[i], cs, err);
	for (i = 0; f->homes_under != NULL && f->homes_under[i] != NULL &&
	    rc == 0; i++)
		rc = sticky_under(h, f->homes_under[i], cs, err);
	if (rc == 0 && f->domains != NULL && f->domains[0] != NULL) {
		if (cf_open(&assign, h, o, "users/assign", MX_CTL_COLON,
		    err) == -1)
			return -1;
		for (i = 0; f->domains[i] != NULL && rc == 0; i++)
			rc = sticky_domain(h, o, &assign.c, f->domains[i], cs,
			    err);
		mx_mta_file_close(&assign);
	}
	/* Thawed: deliveries deferred meanwhile are retried at once. */
	if (rc == 0)
		rc = run_sh(cs, MX_RUN_UNDO | MX_RUN_DAEMON, alrm_script, err);
	return rc;
}

static int
qmail_freeze(struct mx_host *h, const struct mx_mta_opts *o,
    const struct mx_mta_freeze *f, struct mx_changes *cs, struct mx_err *err)
{
	switch (f->method) {
	case MX_FREEZE_DEFAULT:
	case MX_FREEZE_STICKY:
		return freeze_sticky(h, o, f, cs, err);
	case MX_FREEZE_REMOTE_QUEUE:
		return route_remote(h, o, f->domains, f->to, 1, cs, err);
	default:
		return mx_err_set(err, MX_E_USAGE,
		    _("qmail freezes with the sticky bit or the remote queue "
		    "(--method sticky|remote-queue)"));
	}
}

const struct mx_mta_ops mx_mta_qmail = {
	.name = "qmail",
	.detect = qmail_detect,
	.queue = qmail_queue,
	.accept_for = qmail_accept_for,
	.freeze = qmail_freeze,
	.forward = qmail_forward,
	.state_dir = qmail_state_dir,
	.flush = qmail_flush,
};
