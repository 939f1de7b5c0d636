/* cmd-status.c - "mxmove status --plan FILE [--json]": every step's state,
 * for monitoring from outside (cron, Ansible). */
#include <config.h>

#include <getopt.h>
#include <stdio.h>

#include "batch.h"
#include "commands.h"
#include "i18n.h"

int
mx_cmd_status(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "plan", required_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	const char *plan = NULL;
	int c, json = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'p': plan = optarg; break;
		case 'j': json = 1; break;
		default:
			fprintf(stderr, _("Usage: mxmove status --plan FILE [--json]\n"));
			return MX_EXIT_USAGE;
		}
	}
	if (plan == NULL || optind != argc) {
		fprintf(stderr, _("Usage: mxmove status --plan FILE [--json]\n"));
		return MX_EXIT_USAGE;
	}
	return mx_batch_status(plan, json);
}
