/* adapt.c - hosts for the wizard's workers (see adapt.h). */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "adapt.h"
#include "audit.h"
#include "host.h"
#include "i18n.h"
#include "pollers.h"

static struct mx_audit *audit;

void
wz_adapt_init(struct wz_app *app)
{
	struct mx_err err;

	if (app->log_path != NULL &&
	    mx_audit_open(&audit, app->log_path, &err) == -1)
		audit = NULL;
}

struct mx_audit *
wz_audit(void)
{
	return audit;
}

void
wz_adapt_log(const char *path, const char *text)
{
	struct mx_audit *a = audit;
	struct mx_err err;

	if (a == NULL && mx_audit_open(&a, path, &err) == -1)
		return;
	mx_audit_record(a, "wizard", text, 0, 0.0);
	if (a != audit)
		mx_audit_close(a);
}

void
wz_adapt_fini(void)
{
	wz_adapt_queue_close();
	mx_audit_close(audit);
	audit = NULL;
}

static int
ask_password(void *ctx, const char *host, const char *prompt, int echo,
    char *buf, size_t len)
{
	struct wz_job *j = ctx;
	struct wz_ask *q = calloc(1, sizeof *q);
	int r;

	if (q == NULL)
		return -1;
	snprintf(q->host, sizeof q->host, "%s", host);
	snprintf(q->prompt, sizeof q->prompt, "%s", prompt);
	q->echo = echo;
	r = wz_ask_wait(j, q);
	if (r == 0)
		snprintf(buf, len, "%s", q->answer);
	explicit_bzero(q->answer, sizeof q->answer);
	if (q->done)
		free(q);
	/* else: the prompt still holds q (cancelled): leaked on purpose,
	 * the process is quitting. */
	return r;
}

int
wz_host_open(const struct mx_plan *p, int which, struct wz_job *j,
    struct mx_host **out, struct mx_err *err)
{
	const char *spec = mx_plan_get(p, which ? MX_PLAN_NEW : MX_PLAN_OLD);
	struct mx_host_opts o;
	struct mx_hostkey_info key;
	struct wz_ask *q;
	char fp[sizeof key.fingerprint];
	int r;

	if (*spec == '\0')
		return mx_err_set(err, MX_E_USAGE, _("the plan has no %s host: "
		    "press p to give it"), which ? "new" : "old");
	memset(&o, 0, sizeof o);
	o.audit = audit;
	o.label = which ? "new" : "old";
	o.ask = j ? ask_password : NULL;
	o.ask_ctx = j;
	memset(&key, 0, sizeof key);
	if (mx_host_open(out, spec, &o, &key, err) == 0)
		return 0;
	if (err->code != MX_E_HOSTKEY || j == NULL || key.fingerprint[0] == '\0')
		return -1;
	/* The host-key screen: unknown keys may be accepted, changed ones
	 * are shown and refused. */
	if ((q = calloc(1, sizeof *q)) == NULL)
		return -1;
	q->hostkey = 1;
	snprintf(q->host, sizeof q->host, "%s", spec);
	snprintf(q->fingerprint, sizeof q->fingerprint, "%s", key.fingerprint);
	if (key.changed)
		snprintf(q->old_fingerprint, sizeof q->old_fingerprint, "%s",
		    key.old_fingerprint[0] ? key.old_fingerprint : "?");
	r = wz_ask_wait(j, q);
	if (!q->done)
		return -1;	/* cancelled: q stays with the prompt */
	free(q);
	if (r != 0 || key.changed)
		return -1;	/* err still says why */
	/* Its own copy: mx_host_open fills key again. */
	snprintf(fp, sizeof fp, "%s", key.fingerprint);
	o.accept_fingerprint = fp;
	return mx_host_open(out, spec, &o, &key, err);
}

char **
wz_domains(const struct mx_plan *p, size_t *n)
{
	char *copy = strdup(mx_plan_get(p, MX_PLAN_DOMAINS)), *w, *save = NULL;
	char **v = NULL, **nv;
	size_t k = 0;

	if (copy == NULL)
		return NULL;
	for (w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t",
	    &save)) {
		if ((nv = realloc(v, (k + 2) * sizeof *v)) == NULL)
			break;
		v = nv;
		v[k++] = strdup(w);
		v[k] = NULL;
	}
	free(copy);
	if (v == NULL)
		v = calloc(1, sizeof *v);
	if (n)
		*n = k;
	return v;
}

void
wz_strv_free(char **v)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; v[i]; i++)
		free(v[i]);
	free(v);
}

int
wz_job_sleep(struct wz_job *j, int secs)
{
	int i;

	for (i = 0; i < secs * 10; i++) {
		if (j && wz_job_cancelled(j))
			return -1;
		usleep(100000);
	}
	return j && wz_job_cancelled(j) ? -1 : 0;
}
