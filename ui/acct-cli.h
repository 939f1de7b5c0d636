/* acct-cli.h - what the accounts verbs share: opening a host, the source
 * options (--uid-min, --defaults-file ...), printing an account set. */
#ifndef MX_ACCT_CLI_H
#define MX_ACCT_CLI_H

#include <stdio.h>

#include "account.h"
#include "host.h"

/* getopt_long codes of the source options (above 255). */
enum {
	MX_ACO_SOURCE = 256, MX_ACO_UID_MIN, MX_ACO_UID_MAX,
	MX_ACO_DEFAULTS_FILE, MX_ACO_DATABASE, MX_ACO_VPOPMAIL_DIR,
	MX_ACO_QMAIL_DIR, MX_ACO_DOVECOT_USERS, MX_ACO_ASK_SQL
};
#define MX_ACCT_CLI_LONGOPTS \
	{ "source", required_argument, NULL, MX_ACO_SOURCE }, \
	{ "uid-min", required_argument, NULL, MX_ACO_UID_MIN }, \
	{ "uid-max", required_argument, NULL, MX_ACO_UID_MAX }, \
	{ "defaults-file", required_argument, NULL, MX_ACO_DEFAULTS_FILE }, \
	{ "database", required_argument, NULL, MX_ACO_DATABASE }, \
	{ "vpopmail-dir", required_argument, NULL, MX_ACO_VPOPMAIL_DIR }, \
	{ "qmail-dir", required_argument, NULL, MX_ACO_QMAIL_DIR }, \
	{ "dovecot-users", required_argument, NULL, MX_ACO_DOVECOT_USERS }, \
	{ "ask-sql-password", no_argument, NULL, MX_ACO_ASK_SQL }

struct mx_acct_cli {
	struct mx_acct_opts o;
	const char *source;		/* --source, or NULL (auto) */
	int ask_sql;			/* prompt for the MySQL user/password */
	char sql_user[128], sql_password[256];
};

void mx_acct_cli_init(struct mx_acct_cli *c);
/* Handle one of the options above: 1 handled, 0 not ours, -1 bad value
 * (message printed). */
int mx_acct_cli_option(struct mx_acct_cli *c, const char *verb, int code,
    const char *arg);
/* Ask for the MySQL credentials on the terminal when --ask-sql-password
 * was given. Returns 0 or -1 (message printed). */
int mx_acct_cli_prompt(struct mx_acct_cli *c, const char *verb);
void mx_acct_cli_wipe(struct mx_acct_cli *c);
struct mx_audit;
/* Open a host for a verb (errors printed). */
struct mx_host *mx_acct_cli_open(const char *verb, const char *spec);
/* The same, recording every command in an audit log (may be NULL). */
struct mx_host *mx_acct_cli_open_audit(const char *verb, const char *spec,
    struct mx_audit *audit);
/* The account set as text (hashes masked). */
void mx_acct_cli_print(FILE *fp, const struct mx_accounts *a);
/* ... and as JSON (json-c). Returns 0 or -1. */
int mx_acct_cli_json(FILE *fp, const struct mx_accounts *a);

#endif
