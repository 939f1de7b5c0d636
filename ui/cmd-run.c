/* cmd-run.c - the "run" verb (not built yet: see its issue). */
#include <config.h>

#include "commands.h"

int
mx_cmd_run(int argc, char **argv)
{
	return mx_cmd_not_built(argc, argv);
}
