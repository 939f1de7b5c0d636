/* cmd-queue.c - the "queue" verb (not built yet: see its issue). */
#include <config.h>

#include "commands.h"

int
mx_cmd_queue(int argc, char **argv)
{
	return mx_cmd_not_built(argc, argv);
}
