/* acct-target.h - creating accounts on a target, as steps that are either
 * applied through the host layer or written as a shell script.
 *
 * A target (ops struct, found by name) turns a struct mx_accounts into a
 * struct mx_script: one step per domain or account, each with a check
 * (exit 0: it exists already, left as it is), the commands that create it
 * (argv vectors, optional stdin), and a read-back command printing the
 * directory the target really chose. Every word is quoted with
 * mx_shell_quote() when the script is written; names that are not safe
 * (mx_name_safe) are refused, never executed.
 *
 * On a rooted local host (local:/ROOT) every path and useradd/groupadd
 * (--prefix) act inside the root, never on this machine's accounts.
 */
#ifndef MX_ACCT_TARGET_H
#define MX_ACCT_TARGET_H

#include "account.h"
#include "buf.h"

struct mx_host;
struct mx_audit;

struct mx_cmd {
	char **argv;		/* NULL-terminated */
	char *input;		/* stdin text, or NULL */
};

struct mx_step {
	size_t acct;		/* index in the accounts, or (size_t)-1 */
	char *label;		/* "alice@example.com", "domain example.com" */
	char **check;		/* argv: exit 0 = exists already; or NULL */
	struct mx_cmd *cmds;
	size_t ncmds;
	char **readback;	/* argv printing the directory chosen, or NULL */
	char *maildir_suffix;	/* appended to the read-back dir ("/Maildir") */
	const char *secret;	/* the hash in this step (borrowed): masked
				   when the script is printed */
	char *refused;		/* why it is not created, or NULL */
	int exists;		/* known to exist when the plan was made */
	char *sql_check;	/* SQL: a row back = exists (vpopmail-mysql) */
	char *sql;		/* SQL run after the commands, or NULL */
};

struct mx_script {
	char *target;		/* target kind */
	char *host;		/* target host's name */
	struct mx_step *v;
	size_t n, cap;
	size_t created, existed, refused, failed;
	char *sql_defaults;	/* MySQL option file for the SQL steps */
	char *sql_db;		/* their database */
	struct mx_audit *audit;	/* set by the caller: each step's hash is
				   registered as a secret before it runs, so
				   "useradd -p HASH" is logged as "-p ***" */
};

struct mx_target_opts {
	const char *dovecot_users;	/* NULL: /etc/dovecot/users */
	const char *mail_root;		/* Dovecot virtual users: /var/vmail */
	const char *vpopmail_dir;	/* NULL: /home/vpopmail */
	long long uid, gid;		/* owner override (dovecot); -1: keep */
	const char *sql_defaults;	/* vpopmail-mysql: MySQL option file
					   ([client]) to write the rows with */
	const char *sql_db;		/* NULL: vpopmail */
};
void mx_target_opts_init(struct mx_target_opts *o);

struct mx_acct_target {
	const char *name;
	const char *summary;		/* N_() marked */
	/* Plan the steps (reads the target's current state, changes
	 * nothing). */
	int (*plan)(struct mx_host *dst, struct mx_accounts *a,
	    const struct mx_target_opts *o, struct mx_script *s,
	    struct mx_err *err);
};

extern const struct mx_acct_target *const mx_acct_targets[];
const struct mx_acct_target *mx_acct_target_find(const char *name);

void mx_script_free(struct mx_script *s);

/* Plan for kind on dst; *out is allocated. */
int mx_accounts_plan(struct mx_host *dst, const char *kind,
    struct mx_accounts *a, const struct mx_target_opts *o,
    struct mx_script **out, struct mx_err *err);

/* The script as text: sh, every word quoted. mask_secrets: hashes shown
 * as a prefix only (for --dry-run on a screen). */
int mx_script_render(const struct mx_script *s, int mask_secrets,
    const struct mx_accounts *a, struct mx_buf *out);

/* Run the steps on dst. Each account's status ("created", "exists",
 * "refused: ...", "failed: ...") and dst_home/dst_maildir are filled.
 * One failure does not stop the others. Returns -1 only when the host
 * itself fails (connection lost). */
int mx_script_apply(struct mx_host *dst, struct mx_script *s,
    struct mx_accounts *a, struct mx_err *err);

/* For the transfer module: where each account's mail will be on the
 * target, without creating anything: dst_home/dst_maildir filled (planned
 * paths for system, dovecot and vpopmail-mysql; for vpopmail, read back
 * with "vuserinfo -d" from accounts that exist there already, else left
 * NULL). Returns 0 or -1. */
int mx_accounts_resolve(struct mx_host *dst, const char *kind,
    struct mx_accounts *a, const struct mx_target_opts *o,
    struct mx_err *err);

/* Hash clear text for a target that needs a hash (SHA-512 crypt).
 * Returns a malloc'd hash or NULL. */
char *mx_hash_make(const char *clear);

#endif
