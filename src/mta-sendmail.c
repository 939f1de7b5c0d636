/* mta-sendmail.c - sendmail: queue (qf files), accept-for
 * (local-host-names or relay-domains), freeze (queue-only and held queue
 * runs), forward (mailertable + makemap) (mta.h).
 *
 * Facts: a domain in local-host-names ($=w) is never looked up in the
 * mailertable; the mailertable needs FEATURE(`mailertable') in the .cf;
 * the daemon rereads its configuration when it gets HUP (it re-executes
 * itself). The freeze sets "O DeliveryMode=queueonly" (new mail is only
 * queued) and "O QueueLA=0", "O QueueFactor=1" (every message counts as
 * too expensive for the load: queue runs skip them all); thaw puts the
 * lines back as they were and HUPs the daemon, which runs the queue when
 * it starts again.
 */
#include <config.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ctlfile.h"
#include "host.h"
#include "i18n.h"
#include "mta.h"
#include "quote.h"

#define SENDMAIL_DIR "/etc/mail"
#define SENDMAIL_QUEUE "/var/spool/mqueue"
#define SENDMAIL_CLIENTQUEUE "/var/spool/clientmqueue"

/* HUP the daemon (it re-executes itself, rereads its files and runs the
 * queue once) by its pid file: the one sendmail.cf names ($1), then
 * Debian's and the classic ones. */
static const char hup_script[] =
    "for f in \"$1\" /run/sendmail/mta/sendmail.pid "
    "/var/run/sendmail/mta/sendmail.pid /var/run/sendmail.pid "
    "/etc/mail/sendmail.pid; do "
    "if [ -n \"$f\" ] && [ -f \"$f\" ]; then p=$(head -n 1 \"$f\"); "
    "if kill -0 \"$p\" 2>/dev/null; then kill -HUP \"$p\" && "
    "echo \"sendmail: HUP (pid $p)\"; exit 0; fi; fi; done; "
    "echo \"sendmail is not running\"";

static const char *
mdir(const struct mx_mta_opts *o)
{
	return o != NULL && o->sendmail_dir != NULL ? o->sendmail_dir :
	    SENDMAIL_DIR;
}

static const char *
sendmail_state_dir(const struct mx_mta_opts *o)
{
	return mdir(o);
}

static char *
mpath(const struct mx_mta_opts *o, const char *rel)
{
	return mx_mta_path(mdir(o), rel);
}

static int
cf_open(struct mx_mta_file *f, struct mx_host *h, const struct mx_mta_opts *o,
    const char *rel, enum mx_ctl_key key, struct mx_err *err)
{
	return mx_mta_file_open(f, h, mpath(o, rel), key, err);
}

static int
check_domains(const char *const *domains, struct mx_err *err)
{
	size_t i;

	if (domains == NULL || domains[0] == NULL)
		return mx_err_set(err, MX_E_USAGE, _("no domain given (--domain)"));
	for (i = 0; domains[i] != NULL; i++)
		if (!mx_mta_domain_ok(domains[i]))
			return mx_err_set(err, MX_E_USAGE,
			    _("'%s' is not a domain name (letters, digits, '-' "
			    "and '.')"), domains[i]);
	return 0;
}

/* The daemon's pid file as sendmail.cf names it ("" when it does not). */
static char *
pid_file(struct mx_host *h, const struct mx_mta_opts *o)
{
	struct mx_ctl c;
	struct mx_err err;
	char *path = mpath(o, "sendmail.cf"), *text, *pf = NULL;
	size_t len, i;
	int exists;

	if (mx_mta_read_ctl(h, path, MX_CTL_WHOLE, &c, &text, &len, &exists,
	    &err) == 0) {
		for (i = 0; i < c.n && pf == NULL; i++)
			if (strncmp(c.lines[i], "O PidFile=", 10) == 0)
				pf = strdup(c.lines[i] + 10);
		mx_ctl_free(&c);
		free(text);
	}
	free(path);
	return pf != NULL ? pf : strdup("");
}

static int
hup(struct mx_host *h, const struct mx_mta_opts *o, struct mx_changes *cs,
    struct mx_err *err)
{
	char *pf = pid_file(h, o);
	const char *argv[] = { "sh", "-c", hup_script, "sh", pf ? pf : "",
	    NULL };
	int rc = mx_changes_run(cs, MX_RUN_APPLY | MX_RUN_UNDO | MX_RUN_DAEMON,
	    argv, err);

	free(pf);
	return rc;
}

static int
sendmail_detect(struct mx_host *h, const struct mx_mta_opts *o,
    struct mx_err *err)
{
	return mx_mta_detect_path(h, mdir(o), "sendmail.cf", 0, err);
}

/* qf files are messages (hf: quarantined), in the MTA queue and in the
 * submission queue; queue subdirectories (qf/, q1/...) are walked too. */
static int
sendmail_queue(struct mx_host *h, const struct mx_mta_opts *o,
    struct mx_mta_queue *q, struct mx_err *err)
{
	const char *qd = o != NULL && o->sendmail_queue != NULL ?
	    o->sendmail_queue : SENDMAIL_QUEUE;
	const char *dirs[3] = { qd, qd, SENDMAIL_CLIENTQUEUE };
	static const char *const pats[3] = { "qf*", "hf*", "qf*" };
	struct mx_stat st;
	long v[3];

	memset(q, 0, sizeof *q);
	q->mta = "sendmail";
	if (mx_host_stat(h, qd, &st, err) == -1)
		return -1;
	if (!st.exists || !st.is_dir)
		return mx_err_set(err, MX_E_NOTFOUND,
		    _("%s: %s: no sendmail queue here"), mx_host_name(h), qd);
	if (mx_mta_count_files(h, dirs, pats, 3, v, err) == -1)
		return -1;
	mx_mta_count(q, "queue", v[0]);
	mx_mta_count(q, "quarantined", v[1]);
	mx_mta_count(q, "submission", v[2]);
	q->total = v[0] + v[1] + v[2];
	return 0;
}

static int
sendmail_accept_for(struct mx_host *h, const struct mx_mta_opts *o,
    const char *const *domains, int local, struct mx_changes *cs,
    struct mx_err *err)
{
	struct mx_mta_file f;
	size_t i;
	int rc = 0;

	if (check_domains(domains, err) == -1)
		return -1;
	if (cf_open(&f, h, o, local ? "local-host-names" : "relay-domains",
	    MX_CTL_WHOLE, err) == -1)
		return -1;
	for (i = 0; domains[i] != NULL && rc == 0; i++)
		if (mx_ctl_find(&f.c, domains[i]) < 0 &&
		    mx_ctl_set(&f.c, domains[i]) == -1)
			rc = mx_err_set(err, MX_E_GENERIC, _("out of memory"));
	if (rc == 0) {
		size_t before = cs->n;

		rc = mx_mta_file_plan(&f, cs, err);
		if (rc == 0 && cs->n > before)
			rc = hup(h, o, cs, err);
	}
	mx_mta_file_close(&f);
	return rc;
}

/* Set "O NAME=value" in sendmail.cf in place (an active line, else
 * after a commented "#O NAME=" line, else at the end). */
static int
cf_option(struct mx_ctl *c, const char *name, const char *value)
{
	struct mx_buf b = MX_BUF_INIT;
	size_t i, nl = strlen(name);
	long commented = -1;

	mx_buf_printf(&b, "O %s=%s", name, value);
	for (i = 0; i < c->n; i++) {
		const char *l = c->lines[i];

		if (strncmp(l, "O ", 2) == 0 && strncmp(l + 2, name, nl) == 0 &&
		    l[2 + nl] == '=') {
			if (strcmp(l, b.data) == 0) {
				mx_buf_free(&b);
				return 0;
			}
			free(c->lines[i]);
			c->lines[i] = mx_buf_steal(&b);
			return 1;
		}
		if (strncmp(l, "#O ", 3) == 0 && strncmp(l + 3, name, nl) == 0 &&
		    l[3 + nl] == '=')
			commented = (long)i;
	}
	if (commented < 0) {
		int r = mx_ctl_set(c, b.data);

		mx_buf_free(&b);
		return r;
	}
	/* insert after the commented default */
	if (mx_ctl_set(c, b.data) == -1) {
		mx_buf_free(&b);
		return -1;
	}
	{
		char *line = c->lines[c->n - 1];

		memmove(c->lines + commented + 2, c->lines + commented + 1,
		    (c->n - 1 - (size_t)commented - 1) * sizeof *c->lines);
		c->lines[commented + 1] = line;
	}
	mx_buf_free(&b);
	return 1;
}

static int
sendmail_freeze(struct mx_host *h, const struct mx_mta_opts *o,
    const struct mx_mta_freeze *f, struct mx_changes *cs, struct mx_err *err)
{
	struct mx_mta_file c;
	int rc = -1;

	if (f->method != MX_FREEZE_DEFAULT && f->method != MX_FREEZE_QUEUEONLY)
		return mx_err_set(err, MX_E_USAGE,
		    _("sendmail freezes by queueing only (--method queue-only)"));
	if ((f->domains && f->domains[0]) || (f->homes && f->homes[0]) ||
	    (f->homes_under && f->homes_under[0]) || f->to)
		return mx_err_set(err, MX_E_USAGE,
		    _("%s: the freeze holds every delivery; --domain, --home, "
		    "--homes-under and --to do not apply"), "sendmail");
	if (cf_open(&c, h, o, "sendmail.cf", MX_CTL_WHOLE, err) == -1)
		return -1;
	if (!c.exists) {
		mx_err_set(err, MX_E_NOTFOUND, _("%s: %s: no such file"),
		    mx_host_name(h), c.path);
		goto out;
	}
	/* shouldqueue() is true for every message when the load average
	 * (0 or more) is at least QueueLA and the priority above
	 * QueueFactor / (LA - QueueLA + 1): new mail is only queued and
	 * queue runs are skipped ("load average too high"). */
	if (cf_option(&c.c, "DeliveryMode", "queueonly") == -1 ||
	    cf_option(&c.c, "QueueLA", "0") == -1 ||
	    cf_option(&c.c, "QueueFactor", "1") == -1) {
		mx_err_set(err, MX_E_GENERIC, _("out of memory"));
		goto out;
	}
	/* The HUP after the thaw restarts the daemon, which runs the queue
	 * at once. */
	if (mx_mta_file_plan(&c, cs, err) == -1 || hup(h, o, cs, err) == -1)
		goto out;
	rc = 0;
out:
	mx_mta_file_close(&c);
	return rc;
}

static int
sendmail_forward(struct mx_host *h, const struct mx_mta_opts *o,
    const char *const *domains, const char *to, struct mx_changes *cs,
    struct mx_err *err)
{
	struct mx_mta_file mt, lhn, rd, scf;
	struct mx_buf line = MX_BUF_INIT;
	char *hp = NULL, *hcf = NULL;
	const char *p;
	size_t i;
	int rc = -1, has_feature = 0;

	if (check_domains(domains, err) == -1)
		return -1;
	if (to == NULL || *to == '\0')
		return mx_err_set(err, MX_E_USAGE,
		    _("no new host given (--to HOST)"));
	for (p = to; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr(".-_[]:", *p))
			return mx_err_set(err, MX_E_USAGE,
			    _("'%s' is not a host name, [address] or host:port"),
			    to);
	mt.path = lhn.path = rd.path = scf.path = NULL;
	if (cf_open(&scf, h, o, "sendmail.cf", MX_CTL_WHOLE, err) == -1 ||
	    cf_open(&mt, h, o, "mailertable", MX_CTL_SPACE, err) == -1 ||
	    cf_open(&lhn, h, o, "local-host-names", MX_CTL_WHOLE, err) == -1 ||
	    cf_open(&rd, h, o, "relay-domains", MX_CTL_WHOLE, err) == -1)
		goto out;
	for (i = 0; i < scf.c.n; i++)
		if (strncmp(scf.c.lines[i], "Kmailertable ", 13) == 0)
			has_feature = 1;
	if (!has_feature) {
		mx_err_set(err, MX_E_GENERIC,
		    _("%s: %s has no mailertable: add FEATURE(`mailertable') "
		    "to sendmail.mc, rebuild sendmail.cf, and try again"),
		    mx_host_name(h), scf.path);
		goto out;
	}
	for (i = 0; domains[i] != NULL; i++) {
		mx_buf_reset(&line);
		if (to[0] == '[')
			mx_buf_printf(&line, "%s esmtp:%s", domains[i], to);
		else
			mx_buf_printf(&line, "%s esmtp:[%s]", domains[i], to);
		if (mx_ctl_set(&mt.c, line.data) == -1 ||
		    mx_ctl_remove(&lhn.c, domains[i]) == -1 ||
		    (mx_ctl_find(&rd.c, domains[i]) < 0 &&
		    mx_ctl_set(&rd.c, domains[i]) == -1)) {
			mx_err_set(err, MX_E_GENERIC, _("out of memory"));
			goto out;
		}
	}
	if (mx_mta_file_plan(&mt, cs, err) == -1 || mx_mta_file_plan(&lhn, cs, err) == -1 ||
	    mx_mta_file_plan(&rd, cs, err) == -1)
		goto out;
	hp = mx_host_path(h, mt.path);
	hcf = mx_host_path(h, scf.path);
	{
		const char *argv[] = { "sh", "-c",
		    "if [ -f \"$1\" ]; then makemap -C \"$2\" hash \"$1\" "
		    "< \"$1\"; fi", "sh", hp, hcf, NULL };

		/* makemap is the host's own (its db format): live hosts only */
		if (mx_changes_run(cs, MX_RUN_APPLY | MX_RUN_UNDO |
		    MX_RUN_DAEMON, argv, err) == -1)
			goto out;
	}
	rc = hup(h, o, cs, err);
out:
	free(hp);
	free(hcf);
	mx_buf_free(&line);
	mx_mta_file_close(&scf);
	mx_mta_file_close(&mt);
	mx_mta_file_close(&lhn);
	mx_mta_file_close(&rd);
	return rc;
}

const struct mx_mta_ops mx_mta_sendmail = {
	.name = "sendmail",
	.detect = sendmail_detect,
	.queue = sendmail_queue,
	.accept_for = sendmail_accept_for,
	.freeze = sendmail_freeze,
	.forward = sendmail_forward,
	.state_dir = sendmail_state_dir,
};
