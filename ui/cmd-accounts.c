/* cmd-accounts.c - "mxmove accounts HOST [--source KIND] [--json]": list
 * the mail accounts a host holds (hashes shown as a scheme and a prefix). */
#include <config.h>

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "acct-cli.h"
#include "commands.h"
#include "i18n.h"

static void
usage(void)
{
	size_t i;

	fprintf(stderr, _("Usage: mxmove accounts HOST [--source KIND] [--json]\n"
	    "  [--uid-min N] [--uid-max N] [--defaults-file FILE] [--database NAME]\n"
	    "  [--ask-sql-password] [--vpopmail-dir DIR] [--qmail-dir DIR]\n"
	    "  [--dovecot-users FILE]\n"
	    "Sources (KIND; default: the first one the host looks like):\n"));
	for (i = 0; mx_acct_sources[i] != NULL; i++)
		fprintf(stderr, "  %-15s %s\n", mx_acct_sources[i]->name,
		    _(mx_acct_sources[i]->summary));
}

int
mx_cmd_accounts(int argc, char **argv)
{
	static const struct option longopts[] = {
		MX_ACCT_CLI_LONGOPTS,
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct mx_acct_cli cli;
	struct mx_accounts *a = NULL;
	struct mx_host *h;
	struct mx_err err = { 0 };
	int c, json = 0, r;

	mx_acct_cli_init(&cli);
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == 'j')
			json = 1;
		else if (c == 'h') {
			usage();
			return MX_EXIT_OK;
		} else if ((r = mx_acct_cli_option(&cli, argv[0], c, optarg)) != 1) {
			if (r == 0)
				usage();
			return MX_EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		usage();
		return MX_EXIT_USAGE;
	}
	if (mx_acct_cli_prompt(&cli, argv[0]) == -1)
		return MX_EXIT_USAGE;
	if ((h = mx_acct_cli_open(argv[0], argv[optind])) == NULL) {
		mx_acct_cli_wipe(&cli);
		return MX_EXIT_FAIL;
	}
	r = mx_accounts_read(h, cli.source, &cli.o, &a, &err);
	mx_acct_cli_wipe(&cli);
	mx_host_close(h);
	if (r == -1)
		return mx_cmd_fail(argv[0], err.msg);
	if (json)
		mx_acct_cli_json(stdout, a);
	else
		mx_acct_cli_print(stdout, a);
	r = a->nproblem > 0 ? MX_EXIT_FAIL : MX_EXIT_OK;
	if (a->nproblem > 0 && json)
		fprintf(stderr, _("mxmove accounts: %zu malformed entries were "
		    "skipped (see \"malformed\")\n"), a->nproblem);
	mx_accounts_free(a);
	return r;
}
