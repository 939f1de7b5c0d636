/* cmd-run.c - "mxmove run": batch mode (see batch.h). */
#include <config.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "batch.h"
#include "commands.h"
#include "i18n.h"

static void
usage(void)
{
	fprintf(stderr, _("Usage: mxmove run --plan FILE [--step N | --all] [--yes]\n"
	    "       mxmove run --demo DIR [--step N | --all] [--yes]\n"
	    "Runs the wizard's steps without a screen: one progress line per event\n"
	    "on stderr, a JSON report on stdout. Without --yes, shows the previews\n"
	    "of the next steps and changes nothing (exit status 3).\n"));
}

int
mx_cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "plan", required_argument, NULL, 'p' },
		{ "step", required_argument, NULL, 's' },
		{ "all", no_argument, NULL, 'a' },
		{ "yes", no_argument, NULL, 'y' },
		{ "demo", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct mx_batch_opts o = { NULL, 0, 4, 0, 0, NULL };
	char *planbuf = NULL, *end;
	int c, step = 0, all = 0, rc;
	long v;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'p': o.plan_path = optarg; break;
		case 'a': all = 1; break;
		case 'y': o.yes = 1; break;
		case 'd': o.demo = 1; o.demo_dir = optarg; break;
		case 's':
			v = strtol(optarg, &end, 10);
			if (*end != '\0' || v < 1 || v > 5) {
				fprintf(stderr, _("mxmove run: --step takes a window number, 1 to 5\n"));
				return MX_RUN_USAGE;
			}
			step = (int)v;
			break;
		case 'h': usage(); return MX_RUN_OK;
		default: usage(); return MX_RUN_USAGE;
		}
	}
	if (optind != argc || (o.plan_path == NULL && !o.demo) || (step && all)) {
		usage();
		return MX_RUN_USAGE;
	}
	if (o.plan_path == NULL && asprintf(&planbuf, "%s/plan", o.demo_dir) < 0)
		return MX_RUN_FAILED;
	if (planbuf != NULL)
		o.plan_path = planbuf;
	if (step) {
		o.first = o.last = step - 1;
	}
	rc = mx_batch_run(&o);
	free(planbuf);
	return rc;
}
