/* mta-cli.c - shared by the MTA verbs (mta-cli.h). */
#include <config.h>

#include <getopt.h>
#include <stdio.h>

#include "commands.h"
#include "host.h"
#include "i18n.h"
#include "mta-cli.h"

int
mx_mta_cli_option(int c, const char *arg, const char **mta,
    struct mx_mta_opts *o)
{
	switch (c) {
	case MX_OPT_MTA:
		*mta = arg;
		return 1;
	case MX_OPT_QMAIL_DIR:
		o->qmail_dir = arg;
		return 1;
	case MX_OPT_POSTFIX_CONFIG:
		o->postfix_conf = arg;
		return 1;
	case MX_OPT_SENDMAIL_DIR:
		o->sendmail_dir = arg;
		return 1;
	case MX_OPT_SENDMAIL_QUEUE:
		o->sendmail_queue = arg;
		return 1;
	default:
		return 0;
	}
}

int
mx_mta_cli_open(const char *verb, const char *spec, const char *mta,
    const struct mx_mta_opts *o, struct mx_host **h,
    const struct mx_mta_ops **ops)
{
	struct mx_host_opts hopts = { 0 };
	struct mx_hostkey_info key;
	struct mx_err err;

	*h = NULL;
	*ops = NULL;
	if (mta != NULL && (*ops = mx_mta_lookup(mta)) == NULL) {
		fprintf(stderr, _("mxmove %s: unknown MTA '%s' (known: %s)\n"),
		    verb, mta, mx_mta_names());
		return MX_EXIT_USAGE;
	}
	if (mx_host_open(h, spec, &hopts, &key, &err) == -1) {
		if (err.code == MX_E_HOSTKEY)
			fprintf(stderr, _("mxmove %s: %s\n(key %s: see 'mxmove "
			    "check %s')\n"), verb, err.msg, key.fingerprint,
			    spec);
		else
			fprintf(stderr, "mxmove %s: %s\n", verb, err.msg);
		*h = NULL;
		return err.code == MX_E_USAGE ? MX_EXIT_USAGE : MX_EXIT_FAIL;
	}
	if (*ops == NULL && mx_mta_detect(*h, o, ops, &err) == -1) {
		fprintf(stderr, "mxmove %s: %s\n", verb, err.msg);
		mx_host_close(*h);
		*h = NULL;
		return MX_EXIT_FAIL;
	}
	return MX_EXIT_OK;
}
