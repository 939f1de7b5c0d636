/* mta-cli.h - what the MTA verbs (queue, freeze, thaw, accept-for,
 * forward) share: the options naming where the MTA lives, opening the
 * host, and choosing the back-end. */
#ifndef MX_MTA_CLI_H
#define MX_MTA_CLI_H

#include "mta.h"

struct mx_host;

/* Long option values for the shared options (above any short option). */
enum {
	MX_OPT_MTA = 1000,
	MX_OPT_QMAIL_DIR,
	MX_OPT_POSTFIX_CONFIG,
	MX_OPT_SENDMAIL_DIR,
	MX_OPT_SENDMAIL_QUEUE
};

#define MX_MTA_CLI_LONGOPTS \
	{ "mta", required_argument, NULL, MX_OPT_MTA }, \
	{ "qmail-dir", required_argument, NULL, MX_OPT_QMAIL_DIR }, \
	{ "postfix-config", required_argument, NULL, MX_OPT_POSTFIX_CONFIG }, \
	{ "sendmail-dir", required_argument, NULL, MX_OPT_SENDMAIL_DIR }, \
	{ "sendmail-queue", required_argument, NULL, MX_OPT_SENDMAIL_QUEUE }

/* Take one shared option; 1 if it was one, 0 if not. */
int mx_mta_cli_option(int c, const char *arg, const char **mta,
    struct mx_mta_opts *o);

/* Open HOST and find its MTA (by name when mta is not NULL). Prints the
 * error as "mxmove VERB: ..." and returns the exit status (0 when open). */
int mx_mta_cli_open(const char *verb, const char *spec, const char *mta,
    const struct mx_mta_opts *o, struct mx_host **h,
    const struct mx_mta_ops **ops);

#endif
