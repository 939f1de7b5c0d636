/* commands.h - the verbs of the command line, one file each (cmd-*.c). */
#ifndef MX_COMMANDS_H
#define MX_COMMANDS_H

/* Exit statuses shared by every verb (documented in mxmove(1)). */
#define MX_EXIT_OK 0
#define MX_EXIT_FAIL 1		/* the verb ran and found a problem */
#define MX_EXIT_USAGE 2		/* bad command line, or a verb not built yet */

struct mx_command {
	const char *name;
	const char *usage;	/* arguments, untranslated syntax */
	const char *summary;	/* N_() marked; translated when shown */
	int (*run)(int argc, char **argv);	/* argv[0] is the verb */
};

extern const struct mx_command mx_commands[];
const struct mx_command *mx_command_find(const char *name);

/* The verbs, one file each. */
int mx_cmd_check(int, char **);
int mx_cmd_dns(int, char **);
int mx_cmd_dns_update(int, char **);
int mx_cmd_probe(int, char **);
int mx_cmd_queue(int, char **);
int mx_cmd_accounts(int, char **);
int mx_cmd_create_accounts(int, char **);
int mx_cmd_preflight(int, char **);
int mx_cmd_transfer(int, char **);
int mx_cmd_verify(int, char **);
int mx_cmd_ledger(int, char **);
int mx_cmd_mbox2maildir(int, char **);
int mx_cmd_mbox_check(int, char **);
int mx_cmd_mta(int, char **);
int mx_cmd_uidl(int, char **);
int mx_cmd_run(int, char **);
int mx_cmd_status(int, char **);

/* For verbs whose issue has not landed: say so, exit status 2. */
int mx_cmd_not_built(int argc, char **argv);

/* Print "mxmove VERB: message" to stderr; returns MX_EXIT_FAIL. */
int mx_cmd_fail(const char *verb, const char *msg);

#endif
