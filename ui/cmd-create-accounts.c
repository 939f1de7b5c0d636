/* cmd-create-accounts.c - the "create-accounts" verb (not built yet: see its issue). */
#include <config.h>

#include "commands.h"

int
mx_cmd_create_accounts(int argc, char **argv)
{
	return mx_cmd_not_built(argc, argv);
}
