/* cmd-mbox2maildir.c - the "mbox2maildir" verb (not built yet: see its issue). */
#include <config.h>

#include "commands.h"

int
mx_cmd_mbox2maildir(int argc, char **argv)
{
	return mx_cmd_not_built(argc, argv);
}
