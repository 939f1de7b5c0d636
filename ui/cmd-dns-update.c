/* cmd-dns-update.c - the "dns-update" verb (not built yet: see its issue). */
#include <config.h>

#include "commands.h"

int
mx_cmd_dns_update(int argc, char **argv)
{
	return mx_cmd_not_built(argc, argv);
}
