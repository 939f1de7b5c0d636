/* cmd-transfer.c - the "transfer" verb (not built yet: see its issue). */
#include <config.h>

#include "commands.h"

int
mx_cmd_transfer(int argc, char **argv)
{
	return mx_cmd_not_built(argc, argv);
}
