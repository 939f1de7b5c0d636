/* cmd-mta.c - the verbs that change an MTA; argv[0] tells which:
 *
 *   mxmove accept-for HOST --domain NAME... [--local] [--dry-run] [--undo]
 *   mxmove freeze HOST [--method sticky|remote-queue|defer|queue-only]
 *                 [--domain D]... [--home DIR]... [--homes-under DIR]...
 *                 [--to NEWHOST] [--dry-run]
 *   mxmove thaw HOST [--dry-run]
 *   mxmove forward HOST --domain D... --to NEWHOST [--dry-run] [--undo]
 * each also with [--mta KIND] [--qmail-dir DIR] [--postfix-config DIR]
 * [--sendmail-dir DIR].
 *
 * The change is shown as a diff (and chmods and commands) first; with
 * --dry-run nothing else happens. Otherwise every file is backed up
 * beside itself, written atomically, and the change recorded on the host
 * (mta.h) so that thaw (or --undo) puts back exactly what changed.
 * Exit: 0 done (or nothing to do), 1 it failed (nothing left half-done),
 * 2 bad command line.
 */
#include <config.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "changes.h"
#include "commands.h"
#include "host.h"
#include "i18n.h"
#include "mta-cli.h"
#include "mta.h"

struct args {
	const char *verb;
	const char *host;
	const char *mta;
	struct mx_mta_opts o;
	int dry_run, local, undo;
	struct mx_mta_freeze f;
	const char **domains, **homes, **under;
	size_t nd, nh, nu;
};

static void
usage(FILE *fp, const char *verb)
{
	if (strcmp(verb, "accept-for") == 0)
		fputs(_("Usage: mxmove accept-for HOST --domain NAME... [--local] "
		    "[--dry-run] [--undo]\n"), fp);
	else if (strcmp(verb, "freeze") == 0)
		fputs(_("Usage: mxmove freeze HOST [--method sticky|remote-queue|"
		    "defer|queue-only]\n"
		    "       [--domain D]... [--home DIR]... [--homes-under DIR]... "
		    "[--to NEWHOST] [--dry-run]\n"), fp);
	else if (strcmp(verb, "thaw") == 0)
		fputs(_("Usage: mxmove thaw HOST [--dry-run]\n"), fp);
	else
		fputs(_("Usage: mxmove forward HOST --domain D... --to NEWHOST "
		    "[--dry-run] [--undo]\n"), fp);
	fputs(_("       [--mta qmail|postfix|sendmail] [--qmail-dir DIR] "
	    "[--postfix-config DIR] [--sendmail-dir DIR]\n"), fp);
}

static int
method_of(const char *s, enum mx_freeze_method *m)
{
	static const struct {
		const char *name;
		enum mx_freeze_method m;
	} t[] = {
		{ "sticky", MX_FREEZE_STICKY },
		{ "remote-queue", MX_FREEZE_REMOTE_QUEUE },
		{ "defer", MX_FREEZE_DEFER },
		{ "queue-only", MX_FREEZE_QUEUEONLY },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		if (strcmp(s, t[i].name) == 0) {
			*m = t[i].m;
			return 0;
		}
	return -1;
}

/* Parse argv into a; returns -1 (usage printed) or 0. */
static int
parse(int argc, char **argv, struct args *a)
{
	static const struct option longopts[] = {
		MX_MTA_CLI_LONGOPTS,
		{ "domain", required_argument, NULL, 'd' },
		{ "local", no_argument, NULL, 'l' },
		{ "method", required_argument, NULL, 'm' },
		{ "home", required_argument, NULL, 'H' },
		{ "homes-under", required_argument, NULL, 'U' },
		{ "to", required_argument, NULL, 't' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "undo", no_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *verb = argv[0];
	int c;

	a->domains = calloc((size_t)argc + 1, sizeof *a->domains);
	a->homes = calloc((size_t)argc + 1, sizeof *a->homes);
	a->under = calloc((size_t)argc + 1, sizeof *a->under);
	if (!a->domains || !a->homes || !a->under)
		return -1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (mx_mta_cli_option(c, optarg, &a->mta, &a->o))
			continue;
		switch (c) {
		case 'd':
			a->domains[a->nd++] = optarg;
			break;
		case 'l':
			a->local = 1;
			break;
		case 'm':
			if (method_of(optarg, &a->f.method) == -1) {
				fprintf(stderr, _("mxmove %s: unknown method '%s' "
				    "(sticky, remote-queue, defer, queue-only)\n"),
				    verb, optarg);
				return -1;
			}
			break;
		case 'H':
			a->homes[a->nh++] = optarg;
			break;
		case 'U':
			a->under[a->nu++] = optarg;
			break;
		case 't':
			a->f.to = optarg;
			break;
		case 'n':
			a->dry_run = 1;
			break;
		case 'u':
			a->undo = 1;
			break;
		case 'h':
			usage(stdout, verb);
			exit(MX_EXIT_OK);
		default:
			usage(stderr, verb);
			return -1;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, _("mxmove %s: give one HOST\n"), verb);
		usage(stderr, verb);
		return -1;
	}
	a->host = argv[optind];
	a->verb = verb;
	a->f.domains = a->domains;
	a->f.homes = a->homes;
	a->f.homes_under = a->under;
	/* Options that mean nothing for this verb are refused, not ignored. */
	if ((a->local && strcmp(verb, "accept-for") != 0) ||
	    (a->undo && strcmp(verb, "accept-for") != 0 &&
	    strcmp(verb, "forward") != 0) ||
	    ((a->nh || a->nu || a->f.method) && strcmp(verb, "freeze") != 0) ||
	    (a->f.to && strcmp(verb, "freeze") != 0 &&
	    strcmp(verb, "forward") != 0) ||
	    (a->nd && strcmp(verb, "thaw") == 0) ||
	    (a->undo && (a->nd || a->f.to || a->local))) {
		fprintf(stderr, _("mxmove %s: an option that does not go with "
		    "this verb\n"), verb);
		usage(stderr, verb);
		return -1;
	}
	return 0;
}

/* thaw, or --undo: put back what the verb's record holds. */
static int
undo(struct mx_host *h, const struct mx_mta_ops *ops, struct args *a,
    const char *record)
{
	struct mx_buf out = MX_BUF_INIT;
	struct mx_err err;
	int rc;

	if (a->dry_run) {
		rc = mx_mta_undo(h, ops, &a->o, record, &out, NULL, &err);
		if (rc == 0) {
			fputs(out.data ? out.data : "", stdout);
			printf(_("dry run: nothing was changed\n"));
		}
	} else {
		rc = mx_mta_undo(h, ops, &a->o, record, NULL, &out, &err);
		fputs(out.data ? out.data : "", stdout);
		if (rc == 0)
			printf(_("%s: %s undone\n"), a->host, record);
	}
	mx_buf_free(&out);
	if (rc == -1)
		return mx_cmd_fail(a->verb, err.msg);
	return MX_EXIT_OK;
}

static int
plan(struct mx_host *h, const struct mx_mta_ops *ops, struct args *a,
    struct mx_changes *cs, struct mx_err *err)
{
	const char *const *d = a->domains;

	if (strcmp(a->verb, "accept-for") == 0)
		return ops->accept_for(h, &a->o, d, a->local, cs, err);
	if (strcmp(a->verb, "forward") == 0)
		return ops->forward(h, &a->o, d, a->f.to, cs, err);
	return ops->freeze(h, &a->o, &a->f, cs, err);
}

static int
change(struct mx_host *h, const struct mx_mta_ops *ops, struct args *a)
{
	struct mx_changes cs = MX_CHANGES_INIT;
	struct mx_buf out = MX_BUF_INIT;
	struct mx_err err;
	int rc = MX_EXIT_OK;

	if (plan(h, ops, a, &cs, &err) == -1) {
		rc = err.code == MX_E_USAGE ? MX_EXIT_USAGE : MX_EXIT_FAIL;
		fprintf(stderr, "mxmove %s: %s\n", a->verb, err.msg);
		goto out;
	}
	if (mx_changes_count(&cs) == 0) {
		printf(_("%s: nothing to change (%s is already so)\n"), a->host,
		    ops->name);
		goto out;
	}
	mx_changes_preview(&cs, &out);
	fputs(out.data ? out.data : "", stdout);
	mx_buf_reset(&out);
	if (a->dry_run) {
		printf(_("dry run: nothing was changed\n"));
		goto out;
	}
	if (mx_mta_apply(h, ops, &a->o, a->verb, &cs, &out, &err) == -1) {
		fputs(out.data ? out.data : "", stdout);
		rc = mx_cmd_fail(a->verb, err.msg);
		goto out;
	}
	fputs(out.data ? out.data : "", stdout);
	if (strcmp(a->verb, "freeze") == 0)
		printf(_("frozen; undo with: mxmove thaw %s\n"), a->host);
	else
		printf(_("done; undo with: mxmove %s %s --undo\n"), a->verb,
		    a->host);
out:
	mx_changes_free(&cs);
	mx_buf_free(&out);
	return rc;
}

int
mx_cmd_mta(int argc, char **argv)
{
	struct args a;
	const struct mx_mta_ops *ops;
	struct mx_host *h;
	int rc;

	memset(&a, 0, sizeof a);
	if (parse(argc, argv, &a) == -1) {
		rc = MX_EXIT_USAGE;
		goto out;
	}
	rc = mx_mta_cli_open(a.verb, a.host, a.mta, &a.o, &h, &ops);
	if (rc != MX_EXIT_OK)
		goto out;
	if (strcmp(a.verb, "thaw") == 0)
		rc = undo(h, ops, &a, "freeze");
	else if (a.undo)
		rc = undo(h, ops, &a, a.verb);
	else
		rc = change(h, ops, &a);
	mx_host_close(h);
out:
	free(a.domains);
	free(a.homes);
	free(a.under);
	return rc;
}
