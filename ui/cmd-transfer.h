/* cmd-transfer.h - the part "transfer" and "verify" share. */
#ifndef MX_CMD_TRANSFER_H
#define MX_CMD_TRANSFER_H

/* Parse the options, run the users, print the results. verify_only: no
 * copy, a full comparison with digests on both hosts. */
int mx_cmd_xfer_main(int argc, char **argv, int verify_only);

#endif
