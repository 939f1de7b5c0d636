/* cmd-verify.c - the "verify" verb: compare users' mailboxes on both hosts
 * (message count, bytes and the SHA-256 of every message), writing
 * nothing on either host (an mbox source is converted on this machine).
 *
 * Exit status: 0 every source message is on the target with the same
 * content; 1 a difference (named) or a failure; 2 bad usage. */
#include <config.h>

#include "cmd-transfer.h"
#include "commands.h"

int
mx_cmd_verify(int argc, char **argv)
{
	return mx_cmd_xfer_main(argc, argv, 1);
}
