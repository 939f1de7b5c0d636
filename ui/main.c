/* main.c - mxmove's entry point: options, verbs, or the wizard. */
#include <config.h>

#include <curses.h>
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "i18n.h"
#include "libversions.h"
#include "wizard.h"

static void
usage(FILE *fp)
{
	const struct mx_command *c;

	fprintf(fp, _("Usage: %s [OPTION]...\n"
	    "       %s VERB [ARGUMENT]...\n"), PACKAGE, PACKAGE);
	fputs(_("Move a mail service from an old host to a new one without "
	    "losing a message.\n\n"), fp);
	fputs(_("With no verb, the wizard opens on the last plan.\n\n"), fp);
	fputs(_("Options:\n"), fp);
	fputs(_("  --demo       open the wizard on a built-in demo lab (no servers needed)\n"), fp);
	fputs(_("  --demo-dir DIR  build and use the demo lab in DIR (implies --demo)\n"), fp);
	fputs(_("  --plan FILE  the plan file (default: $XDG_STATE_HOME/mxmove/plan)\n"), fp);
	fputs(_("  --help       show this help and exit\n"), fp);
	fputs(_("  --version    show the version and the libraries' versions and exit\n\n"), fp);
	fputs(_("Verbs:\n"), fp);
	for (c = mx_commands; c->name != NULL; c++)
		fprintf(fp, "  %s %s\n      %s\n", c->name, c->usage, _(c->summary));
	fputs(_("\nA HOST is ssh://[user@]name[:port], an alias from ~/.ssh/config,\n"
	    "or local:[/root/of/a/mounted/copy].\n"), fp);
	fprintf(fp, _("\nReport bugs to: %s\n"), PACKAGE_BUGREPORT);
}

static void
version(void)
{
	struct mx_libversion v[16];
	int i, n;

	printf("%s %s\n", PACKAGE, PACKAGE_VERSION);
	printf("  %-14s %s\n", "ncursesw", curses_version());
	n = mx_lib_versions(v, 16);
	for (i = 0; i < n; i++)
		printf("  %-14s %s\n", v[i].name, v[i].version);
	fputs(_("License GPLv3+: GNU GPL version 3 or later.\n"
	    "This is free software: you are free to change and redistribute it.\n"
	    "There is NO WARRANTY, to the extent permitted by law.\n"), stdout);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "demo", no_argument, NULL, 'd' },
		{ "demo-dir", required_argument, NULL, 'D' },
		{ "plan", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const struct mx_command *cmd;
	struct mx_wizard_opts wo;
	int c;

	setlocale(LC_ALL, "");
	/* MXMOVE_LOCALEDIR: translations from a build tree (tests). */
	bindtextdomain(PACKAGE, getenv("MXMOVE_LOCALEDIR") &&
	    *getenv("MXMOVE_LOCALEDIR") ? getenv("MXMOVE_LOCALEDIR") :
	    LOCALEDIR);
	textdomain(PACKAGE);

	memset(&wo, 0, sizeof wo);
	/* A verb comes first; its own options follow it. */
	if (argc > 1 && argv[1][0] != '-') {
		cmd = mx_command_find(argv[1]);
		if (cmd == NULL) {
			fprintf(stderr, _("%s: unknown verb '%s'\n"
			    "Try '%s --help' for the list of verbs.\n"),
			    PACKAGE, argv[1], PACKAGE);
			return MX_EXIT_USAGE;
		}
		return cmd->run(argc - 1, argv + 1);
	}

	while ((c = getopt_long(argc, argv, "hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			wo.demo = 1;
			break;
		case 'D':
			wo.demo_dir = optarg;
			break;
		case 'P':
			wo.plan = optarg;
			break;
		case 'h':
			usage(stdout);
			return MX_EXIT_OK;
		case 'V':
			version();
			return MX_EXIT_OK;
		default:
			fprintf(stderr, _("Try '%s --help' for more information.\n"),
			    PACKAGE);
			return MX_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, _("%s: unexpected argument '%s'\n"), PACKAGE,
		    argv[optind]);
		return MX_EXIT_USAGE;
	}
	return mx_wizard_main(&wo);
}
