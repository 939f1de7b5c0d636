/* cmd-ledger.c - "mxmove ledger": the reconciliation ledger, one line per
 * user (counts, bytes, flags, dates, duplicates, the first problem), kept
 * in a file across runs. */
#include <config.h>

#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "commands.h"
#include "host.h"
#include "i18n.h"
#include "ledger.h"
#include "overview.h"
#include "plan.h"

static void
usage(void)
{
	fprintf(stderr, _("Usage: mxmove ledger (--from HOST --to HOST | --plan FILE)\n"
	    "         [--user NAME:SRC_MAILDIR:DST_MAILDIR]... [--file LEDGER]\n"
	    "         [--no-digests] [--mbox-format F] [--json]\n"
	    "With no --user, shows the ledger file as it stands. With --plan,\n"
	    "the ledger is PLAN.ledger and --json adds the overview of every\n"
	    "account (state, counts, bytes, flags and UIDLs equal, problems).\n"
	    "SRC may be an mbox file: it is compared with the Maildir it became.\n"));
}

static void
print_entry(const struct mx_ledger_entry *e)
{
	char fl[64];
	int i, n = 0;

	for (i = 0; i < 6; i++)
		n += snprintf(fl + n, sizeof fl - (size_t)n, "%c%llu ",
		    MX_LEDGER_FLAGS[i], (unsigned long long)e->dst.flag[i]);
	fl[n > 0 ? n - 1 : 0] = '\0';
	/* TRANSLATORS: user, state, source msgs/bytes, target msgs/bytes */
	printf(_("%-20s %-8s src %llu msgs %llu B  dst %llu msgs %llu B  flags %s  "
	    "missing %llu  flags-differ %llu  dates-differ %llu  dups %llu"),
	    e->user, mx_ledger_ok(e) ? _("ok") : _("PROBLEM"),
	    (unsigned long long)e->src.messages, (unsigned long long)e->src.bytes,
	    (unsigned long long)e->dst.messages, (unsigned long long)e->dst.bytes,
	    fl, (unsigned long long)e->missing, (unsigned long long)e->flags_differ,
	    (unsigned long long)e->dates_differ, (unsigned long long)e->dst.duplicates);
	if (e->first_problem[0] != '\0')
		printf("  (%s)", e->first_problem);
	putchar('\n');
}

/* The overview across all accounts of a plan: the state the steps left
 * beside the plan file (batch mode's layout) and this ledger. */
static json_object *
plan_overview(const char *planfile, const struct mx_ledger *l)
{
	struct mx_overview ov;
	struct mx_err err;
	char *copy = strdup(planfile);
	json_object *a;

	if (copy == NULL || mx_overview_build(&ov, dirname(copy), l, &err) == -1) {
		if (copy != NULL)
			fprintf(stderr, "mxmove ledger: %s\n", err.msg);
		free(copy);
		return json_object_new_array();
	}
	mx_overview_sort(&ov, MX_OV_USER, 0);
	a = mx_overview_json(&ov);
	mx_overview_free(&ov);
	free(copy);
	return a;
}

/* With a plan: every account needing attention, why, and what to do. */
static void
print_attention(const char *planfile, const struct mx_ledger *l)
{
	struct mx_overview ov;
	struct mx_err err;
	char *copy = strdup(planfile);
	size_t i;

	if (copy == NULL || mx_overview_build(&ov, dirname(copy), l, &err) == -1) {
		if (copy != NULL)
			fprintf(stderr, "mxmove ledger: %s\n", err.msg);
		free(copy);
		return;
	}
	mx_overview_sort(&ov, MX_OV_USER, 0);
	printf(_("%zu account(s), %zu need attention\n"), ov.n,
	    mx_overview_problems(&ov));
	for (i = 0; i < ov.n; i++)
		if (ov.v[i].problem)
			printf(_("  %s (%s): %s\n    what to do: %s\n"), ov.v[i].user,
			    ov.v[i].state, ov.v[i].reason, ov.v[i].advice ?
			    _(ov.v[i].advice) : "-");
	mx_overview_free(&ov);
	free(copy);
}

int
mx_cmd_ledger(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "plan", required_argument, NULL, 'p' },
		{ "user", required_argument, NULL, 'u' },
		{ "file", required_argument, NULL, 'F' },
		{ "no-digests", no_argument, NULL, 'D' },
		{ "mbox-format", required_argument, NULL, 'M' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *from = NULL, *to = NULL, *planfile = NULL, *file = NULL;
	char **users = NULL, *deflt = NULL;
	size_t nusers = 0, i;
	int c, json = 0, digests = 1, rc = MX_EXIT_OK;
	enum mx_mbox_format fmt = MX_MBOXO;
	struct mx_plan *plan = NULL;
	struct mx_host *src = NULL, *dst = NULL;
	struct mx_ledger l = { NULL, 0, 0 };
	struct mx_err err = { 0 };

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'f': from = optarg; break;
		case 't': to = optarg; break;
		case 'p': planfile = optarg; break;
		case 'F': file = optarg; break;
		case 'D': digests = 0; break;
		case 'M':
			if (mx_mbox_format_parse(optarg, &fmt) == -1) {
				fprintf(stderr, _("mxmove ledger: unknown mbox format "
				    "%s (mboxo, mboxrd or mboxcl2)\n"), optarg);
				free(users);
				return MX_EXIT_USAGE;
			}
			break;
		case 'j': json = 1; break;
		case 'u':
			users = realloc(users, (nusers + 1) * sizeof *users);
			if (users == NULL)
				return mx_cmd_fail(argv[0], _("out of memory"));
			users[nusers++] = optarg;
			break;
		case 'h': usage(); return MX_EXIT_OK;
		default: usage(); free(users); return MX_EXIT_USAGE;
		}
	}
	if (optind != argc || (planfile == NULL && nusers > 0 && (from == NULL || to == NULL))) {
		usage();
		free(users);
		return MX_EXIT_USAGE;
	}
	if (planfile != NULL) {
		if (mx_plan_load(&plan, planfile, &err) == -1) {
			rc = mx_cmd_fail(argv[0], err.msg);
			goto out;
		}
		if (from == NULL)
			from = mx_plan_get(plan, MX_PLAN_OLD);
		if (to == NULL)
			to = mx_plan_get(plan, MX_PLAN_NEW);
		if (file == NULL && asprintf(&deflt, "%s.ledger", planfile) < 0)
			deflt = NULL;
	}
	if (file == NULL)
		file = deflt;
	if (file == NULL && nusers == 0) {
		usage();
		rc = MX_EXIT_USAGE;
		goto out;
	}
	if (file != NULL && mx_ledger_load(&l, file, &err) == -1) {
		rc = mx_cmd_fail(argv[0], err.msg);
		goto out;
	}
	if (nusers > 0 && (mx_host_open(&src, from, NULL, NULL, &err) == -1 ||
	    mx_host_open(&dst, to, NULL, NULL, &err) == -1)) {
		rc = mx_cmd_fail(argv[0], err.msg);
		goto out;
	}
	for (i = 0; i < nusers; i++) {
		struct mx_ledger_entry e;
		char *spec = strdup(users[i]), *sdir, *ddir;

		memset(&e, 0, sizeof e);
		sdir = spec ? strchr(spec, ':') : NULL;
		ddir = sdir ? strchr(sdir + 1, ':') : NULL;
		if (sdir == NULL || ddir == NULL) {
			fprintf(stderr, _("mxmove ledger: --user %s: expected NAME:SRC:DST\n"),
			    users[i]);
			free(spec);
			rc = MX_EXIT_USAGE;
			goto out;
		}
		*sdir++ = '\0';
		*ddir++ = '\0';
		snprintf(e.user, sizeof e.user, "%s", spec);
		if (mx_ledger_compare_fmt(src, sdir, fmt, dst, ddir, digests, &e,
		    &err) == -1) {
			/* One user's failure never stops the others. */
			snprintf(e.first_problem, sizeof e.first_problem, "%.200s", err.msg);
			e.missing = e.src.messages ? e.src.messages : 1;
		}
		free(spec);
		if (mx_ledger_put(&l, &e, &err) == -1) {
			rc = mx_cmd_fail(argv[0], err.msg);
			goto out;
		}
	}
	if (file != NULL && nusers > 0 && mx_ledger_save(&l, file, &err) == -1) {
		rc = mx_cmd_fail(argv[0], err.msg);
		goto out;
	}
	if (json) {
		char *text = mx_ledger_json(&l);
		json_object *o = text ? json_tokener_parse(text) : NULL;

		if (o != NULL && planfile != NULL)
			json_object_object_add(o, "overview",
			    plan_overview(planfile, &l));
		if (o != NULL)
			puts(json_object_to_json_string_ext(o,
			    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
		free(text);
	} else {
		for (i = 0; i < l.n; i++)
			print_entry(&l.v[i]);
		if (planfile != NULL)
			print_attention(planfile, &l);
	}
	for (i = 0; i < l.n; i++)
		if (!mx_ledger_ok(&l.v[i]))
			rc = MX_EXIT_FAIL;
out:
	if (src != NULL)
		mx_host_close(src);
	if (dst != NULL)
		mx_host_close(dst);
	mx_ledger_free(&l);
	if (plan != NULL)
		mx_plan_free(plan);
	free(deflt);
	free(users);
	return rc;
}
