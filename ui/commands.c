/* commands.c - the table of verbs. Each verb lives in its own cmd-*.c. */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "i18n.h"

const struct mx_command mx_commands[] = {
	{ "check", "HOST",
	  N_("connect, verify the host key, show MTA, layout and disk"), mx_cmd_check },
	{ "dns", "ZONE [--server ADDR[@PORT]]... [--resolver ADDR[@PORT]] [--zonefile FILE] "
	  "[--name LABEL]... [--watch SECS [--rounds N] [--until agree|change]] [--timeout SECS] [--json]",
	  N_("poll the zone's authoritative servers, dig-style"), mx_cmd_dns },
	{ "dns-update", "ZONE (--server ADDR[@PORT] --key FILE | --zonefile FILE) "
	  "(--ttl N | --mx 'PREF HOST' | --a NAME=ADDR)... [--dry-run] [--timeout SECS]",
	  N_("send a TSIG-signed RFC 2136 update"), mx_cmd_dns_update },
	{ "probe", "ADDR[:PORT]... [--mail-ports] [--expect open|closed|220] [--timeout SECS] [--json]",
	  N_("TCP probe: refused, timeout, or open with its greeting"), mx_cmd_probe },
	{ "queue", "HOST [--mta qmail|postfix|sendmail]",
	  N_("count the mail queue"), mx_cmd_queue },
	{ "accounts", "HOST [--source KIND] [--json]",
	  N_("list the mail accounts a host holds"), mx_cmd_accounts },
	{ "create-accounts", "--from HOST --to HOST [--target KIND] [--script FILE] [--dry-run]",
	  N_("create the source's accounts on the target with the same hashes"), mx_cmd_create_accounts },
	{ "preflight", "--from HOST --to HOST [--target KIND] [--source KIND]",
	  N_("list the users whose password the target could not check"), mx_cmd_preflight },
	{ "transfer", "--from HOST --to HOST [--user U]... [--jobs N] [--dry-run]",
	  N_("copy mailboxes, verified and resumable"), mx_cmd_transfer },
	{ "verify", "--from HOST --to HOST [--user U]...",
	  N_("compare mailboxes on both hosts"), mx_cmd_verify },
	{ "ledger", "(--from HOST --to HOST | --plan FILE) [--user NAME:SRC:DST]... [--json]",
	  N_("the reconciliation ledger: counts, bytes, flags, dates, duplicates per user"), mx_cmd_ledger },
	{ "mbox2maildir", "MBOX MAILDIR | --into DIR MBOX...",
	  N_("convert an mbox file into a Maildir"), mx_cmd_mbox2maildir },
	{ "mbox-check", "MBOX...",
	  N_("find what could split an mbox wrongly, with byte offsets"), mx_cmd_mbox_check },
	{ "freeze", "HOST [--method sticky|remote-queue|defer|queue-only] [--domain D]... [--home DIR]... [--homes-under DIR]... [--to NEWHOST] [--dry-run]",
	  N_("stop deliveries into mailboxes that are moving"), mx_cmd_mta },
	{ "thaw", "HOST [--dry-run]", N_("undo exactly what freeze did"), mx_cmd_mta },
	{ "accept-for", "HOST --domain NAME... [--local] [--dry-run] [--undo]",
	  N_("make a host accept mail for the other's names"), mx_cmd_mta },
	{ "forward", "HOST --domain D... --to NEWHOST [--dry-run] [--undo]",
	  N_("relay a host's domains to the new host"), mx_cmd_mta },
	{ "uidl", "[HOST] --user NAME[=MAILDIR]... [--pop3 ADDR[:PORT] --credentials FILE]",
	  N_("POP3 UIDLs of a store or a server, and whether they survived the move"), mx_cmd_uidl },
	{ "run", "--plan FILE [--step N | --all] [--yes]",
	  N_("batch mode: run the wizard's steps without a screen"), mx_cmd_run },
	{ "status", "--plan FILE [--json]",
	  N_("show a plan's progress"), mx_cmd_status },
	{ NULL, NULL, NULL, NULL }
};

const struct mx_command *
mx_command_find(const char *name)
{
	const struct mx_command *c;

	for (c = mx_commands; c->name != NULL; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

int
mx_cmd_not_built(int argc, char **argv)
{
	(void)argc;
	fprintf(stderr, _("mxmove %s: not built yet in this version\n"), argv[0]);
	return MX_EXIT_USAGE;
}

int
mx_cmd_fail(const char *verb, const char *msg)
{
	fprintf(stderr, "mxmove %s: %s\n", verb, msg);
	return MX_EXIT_FAIL;
}
