/* cmd-preflight.c - "mxmove preflight --from HOST --to HOST": before any
 * account is created, which users would be locked out on the target. */
#include <config.h>

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "acct-cli.h"
#include "commands.h"
#include "i18n.h"
#include "preflight.h"

static void
usage(void)
{
	fprintf(stderr, _("Usage: mxmove preflight --from HOST --to HOST "
	    "[--target system|dovecot|vpopmail|vpopmail-mysql] [--source KIND]\n"
	    "  [source options as for 'mxmove accounts']\n"));
}

int
mx_cmd_preflight(int argc, char **argv)
{
	static const struct option longopts[] = {
		MX_ACCT_CLI_LONGOPTS,
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "target", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *from = NULL, *to = NULL, *target = "dovecot";
	struct mx_acct_cli cli;
	struct mx_accounts *a = NULL;
	struct mx_crypt_support cs;
	struct mx_host *src = NULL, *dst = NULL;
	struct mx_err err = { 0 };
	size_t i, count[MX_PF_SKIPPED + 1] = { 0 };
	int c, r, rc = MX_EXIT_OK;

	mx_acct_cli_init(&cli);
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': from = optarg; break;
		case 't': to = optarg; break;
		case 'T': target = optarg; break;
		case 'h': usage(); return MX_EXIT_OK;
		default:
			if ((r = mx_acct_cli_option(&cli, argv[0], c, optarg)) != 1) {
				if (r == 0)
					usage();
				return MX_EXIT_USAGE;
			}
		}
	}
	if (from == NULL || to == NULL || optind != argc) {
		usage();
		return MX_EXIT_USAGE;
	}
	if (strcmp(target, "system") != 0 && strcmp(target, "dovecot") != 0 &&
	    strcmp(target, "vpopmail") != 0 && strcmp(target, "vpopmail-mysql") != 0) {
		fprintf(stderr, _("mxmove preflight: unknown target '%s'\n"), target);
		return MX_EXIT_USAGE;
	}
	if (mx_acct_cli_prompt(&cli, argv[0]) == -1)
		return MX_EXIT_USAGE;
	if ((src = mx_acct_cli_open(argv[0], from)) == NULL ||
	    (dst = mx_acct_cli_open(argv[0], to)) == NULL) {
		rc = MX_EXIT_FAIL;
		goto out;
	}
	if (mx_accounts_read(src, cli.source, &cli.o, &a, &err) == -1 ||
	    mx_preflight_probe(dst, &cs, &err) == -1) {
		rc = mx_cmd_fail(argv[0], err.msg);
		goto out;
	}
	for (i = 0; i < a->nacct; i++) {
		const struct mx_account *ac = &a->acct[i];
		const char *why;
		char mask[64];
		enum mx_pf_verdict v = mx_preflight_judge(ac, target, &cs, &why);

		count[v]++;
		mx_hash_mask(ac->hash ? ac->hash : "", ac->scheme, mask, sizeof mask);
		printf("%-8s %s%s%s  %s  %s\n", mx_pf_verdict_name(v), ac->local,
		    ac->domain[0] ? "@" : "", ac->domain, mask, _(why));
	}
	printf(_("preflight: %zu accounts: %zu ok, %zu weak, %zu locked out, "
	    "%zu need a reset, %zu skipped\n"), a->nacct, count[MX_PF_OK],
	    count[MX_PF_WEAK], count[MX_PF_LOCKOUT], count[MX_PF_RESET],
	    count[MX_PF_SKIPPED]);
	if (count[MX_PF_LOCKOUT] > 0 || count[MX_PF_RESET] > 0)
		rc = MX_EXIT_FAIL;
out:
	mx_acct_cli_wipe(&cli);
	if (a != NULL)
		mx_accounts_free(a);
	if (src != NULL)
		mx_host_close(src);
	if (dst != NULL)
		mx_host_close(dst);
	return rc;
}
