/* adapt-acct.c - the wizard's accounts steps: read the old host's
 * accounts from the plan's sources into the engine's model, and hand the
 * list of mailboxes to window 4's table. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "adapt.h"
#include "host.h"
#include "i18n.h"
#include "usertable.h"

int
wz_acct_read_preview(struct wz_stepctx *c, struct mx_buf *out,
    struct mx_err *err)
{
	char *copy = strdup(mx_plan_get(c->plan, MX_PLAN_SOURCE));
	char *kind, *save = NULL;
	const struct mx_acct_source *s;

	if (copy == NULL)
		return 0;
	if (*mx_plan_get(c->plan, MX_PLAN_OLD) == '\0') {
		free(copy);
		return mx_err_set(err, MX_E_USAGE, _("the plan has no old host: "
		    "press p to give it"));
	}
	mx_buf_printf(out, _("Read only, on %s:\n"),
	    mx_plan_get(c->plan, MX_PLAN_OLD));
	if (*copy == '\0')
		mx_buf_puts(out, _("  the first source found (plesk, "
		    "vpopmail-mysql, vpopmail, qmail-mysql, dovecot, passwd)\n"));
	for (kind = strtok_r(copy, " ", &save); kind;
	    kind = strtok_r(NULL, " ", &save)) {
		s = mx_acct_source_find(kind);
		mx_buf_printf(out, "  %s: %s\n", kind, s ? _(s->summary) :
		    _("unknown source"));
	}
	mx_buf_puts(out, _("Hashes are read, never shown; locked accounts and "
	    "system users outside uid 500..63999 are listed and skipped."));
	free(copy);
	return 0;
}

/* Append a's mailboxes to rows. */
static int
add_rows(const struct mx_accounts *a, struct wz_user_row **rows, int *n)
{
	struct wz_user_row *nr;
	size_t i;

	for (i = 0; i < a->nacct; i++) {
		const struct mx_account *ac = &a->acct[i];

		if (ac->skip != NULL || (ac->src_maildir == NULL &&
		    ac->mbox == NULL))
			continue;
		if ((nr = realloc(*rows, (size_t)(*n + 1) * sizeof *nr)) == NULL)
			return -1;
		*rows = nr;
		memset(&nr[*n], 0, sizeof nr[*n]);
		if (ac->domain && *ac->domain)
			snprintf(nr[*n].name, sizeof nr[*n].name, "%s@%s",
			    ac->local, ac->domain);
		else
			snprintf(nr[*n].name, sizeof nr[*n].name, "%s",
			    ac->local);
		nr[*n].state = WZ_TODO;
		nr[*n].eta = -1;
		(*n)++;
	}
	return 0;
}

int
wz_acct_read_run(struct wz_stepctx *c, struct mx_buf *out,
    struct mx_err *err)
{
	char *copy = strdup(mx_plan_get(c->plan, MX_PLAN_SOURCE));
	char *kind, *save = NULL, num[32];
	struct mx_acct_opts ao;
	struct mx_accounts *a;
	struct mx_host *h;
	struct wz_user_ev *ev;
	struct wz_user_row *rows = NULL;
	size_t nacct = 0, nskip = 0, nalias = 0, nprob = 0, i;
	int n = 0, rc = -1;

	if (copy == NULL)
		return mx_err_set(err, MX_E_GENERIC, _("out of memory"));
	if (wz_host_open(c->plan, 0, c->job, &h, err) == -1) {
		free(copy);
		return -1;
	}
	mx_acct_opts_init(&ao);
	kind = strtok_r(copy, " ", &save);
	do {
		if (mx_accounts_read(h, kind, &ao, &a, err) == -1)
			goto out;
		for (i = 0; i < a->nacct; i++)
			a->acct[i].skip ? nskip++ : nacct++;
		nalias += a->nalias;
		nprob += a->nproblem;
		add_rows(a, &rows, &n);
		mx_accounts_free(a);
	} while (kind && (kind = strtok_r(NULL, " ", &save)) != NULL);
	snprintf(num, sizeof num, "%zu", nacct);
	wz_ctx_state(c, "accounts", num);
	if ((ev = calloc(1, sizeof *ev)) != NULL) {
		ev->id = -1;
		ev->n = n;
		ev->rows = rows;
		rows = NULL;
		wz_event_post(WZ_EV_USER, 3, -1, 0, NULL, ev, wz_user_ev_free);
	}
	mx_buf_printf(out, _("%zu account(s), %zu skipped, %zu alias(es), "
	    "%zu malformed line(s)"), nacct, nskip, nalias, nprob);
	rc = 0;
out:
	free(rows);
	free(copy);
	mx_host_close(h);
	return rc;
}
