/* cmd-run.c - "mxmove run": batch mode (see batch.h). */
#include <config.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "commands.h"
#include "i18n.h"
#include "wz.h"

/* Whether id ("W.STEP") names one of the wizard's steps. */
static int
step_exists(const char *id)
{
	const struct wz_stepdef *defs;
	char key[96];
	int w, i, n;

	for (w = 0; w < 5; w++) {
		defs = wz_batch_steps(w, &n);
		for (i = 0; i < n; i++) {
			snprintf(key, sizeof key, "%d.%s", w + 1, defs[i].id);
			if (strcmp(key, id) == 0)
				return 1;
		}
	}
	return 0;
}

static void
usage(void)
{
	fprintf(stderr, _("Usage: mxmove run --plan FILE [--step N | --all] [--again W.STEP]... [--yes]\n"
	    "       mxmove run --demo DIR [--step N | --all] [--again W.STEP]... [--yes]\n"
	    "Runs the wizard's steps without a screen: one progress line per event\n"
	    "on stderr, a JSON report on stdout. Without --yes, shows the previews\n"
	    "of the next steps and changes nothing (exit status 3). A step done\n"
	    "is not run again unless named with --again (e.g. 5.catch-up).\n"));
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
		{ "again", required_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct mx_batch_opts o = { NULL, 0, 4, 0, 0, NULL, NULL, 0 };
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
		case 'A':
			if (!step_exists(optarg)) {
				fprintf(stderr, _("mxmove run: --again %s: no such "
				    "step (W.STEP, as mxmove status lists them)\n"),
				    optarg);
				free(o.again);
				return MX_RUN_USAGE;
			}
			{
				char **a = realloc(o.again,
				    (size_t)(o.nagain + 1) * sizeof *a);

				if (a == NULL) {
					free(o.again);
					return MX_RUN_FAILED;
				}
				o.again = a;
				o.again[o.nagain++] = optarg;
			}
			break;
		case 's':
			v = strtol(optarg, &end, 10);
			if (*end != '\0' || v < 1 || v > 5) {
				fprintf(stderr, _("mxmove run: --step takes a window number, 1 to 5\n"));
				return MX_RUN_USAGE;
			}
			step = (int)v;
			break;
		case 'h': usage(); free(o.again); return MX_RUN_OK;
		default: usage(); free(o.again); return MX_RUN_USAGE;
		}
	}
	if (optind != argc || (o.plan_path == NULL && !o.demo) || (step && all)) {
		usage();
		free(o.again);
		return MX_RUN_USAGE;
	}
	if (o.plan_path == NULL && asprintf(&planbuf, "%s/plan", o.demo_dir) < 0) {
		free(o.again);
		return MX_RUN_FAILED;
	}
	if (planbuf != NULL)
		o.plan_path = planbuf;
	if (step) {
		o.first = o.last = step - 1;
	}
	rc = mx_batch_run(&o);
	free(planbuf);
	free(o.again);
	return rc;
}
