/* account.h - one model for every source's mail accounts.
 *
 * Sources (passwd+shadow, vpopmail files, vpopmail MySQL, qmail MySQL
 * patch tables, Plesk) fill a struct mx_accounts; targets (system users,
 * vpopmail, a Dovecot passwd-file, vpopmail MySQL rows) turn it into a
 * struct mx_script of steps that is either applied through the host layer
 * or written out as a shell script for review (acct-script.h).
 *
 * Both are ops structs looked up by name (mx_acct_source_find,
 * mx_acct_target_find).
 *
 * For the transfer module: mx_accounts_read() gives every account with
 * the path of its mail on the source (src_maildir, or mbox for a spool);
 * mx_accounts_resolve() (acct-target.h) fills dst_home/dst_maildir for a
 * target (computed for system users and Dovecot, read back with
 * vuserinfo -d for vpopmail).
 * Ownership: everything in a struct mx_accounts belongs to it and goes
 * with mx_accounts_free().
 *
 * Secrets: hash and clear are never printed; mx_hash_mask() gives the
 * printable form ("$6$rounds..." : scheme and a few characters).
 */
#ifndef MX_ACCOUNT_H
#define MX_ACCOUNT_H

#include <stddef.h>
#include <sys/types.h>

#include "err.h"

struct mx_host;

enum mx_hash_scheme {
	MX_HASH_NONE,		/* empty: no password at all (skipped) */
	MX_HASH_LOCKED,		/* '!' or '*' in the hash (skipped) */
	MX_HASH_DES,		/* 13 characters: traditional crypt */
	MX_HASH_BSDI,		/* _ and 19 characters: extended DES */
	MX_HASH_MD5,		/* $1$ */
	MX_HASH_SHA256,		/* $5$ */
	MX_HASH_SHA512,		/* $6$ */
	MX_HASH_BCRYPT,		/* $2a$ $2b$ $2y$ */
	MX_HASH_YESCRYPT,	/* $y$ */
	MX_HASH_PLESK_AES,	/* $AES-128-CBC$iv$data: Plesk 11+, reversible */
	MX_HASH_PLAIN,		/* clear text, as the source stored it */
	MX_HASH_UNKNOWN		/* none of the above: kept, reported */
};

/* "des", "md5", "sha512", ... (stable, used in JSON). */
const char *mx_hash_scheme_name(enum mx_hash_scheme s);
/* The scheme of a stored hash. may_be_plain: the source can hold clear
 * text (Plesk, qmail MySQL): an unrecognised value is then PLAIN. */
enum mx_hash_scheme mx_hash_detect(const char *hash, int may_be_plain);
/* A printable hint: scheme and the first characters ("$6$rounds...",
 * "ab...", "(plain text)"); never the whole hash. */
void mx_hash_mask(const char *hash, enum mx_hash_scheme s, char *out,
    size_t len);
/* 1 when this machine's crypt() (libxcrypt: crypt_checksalt) can check
 * the hash: a Dovecot {CRYPT} or a system login will then work. */
int mx_hash_usable(const char *hash);

/* vpopmail's gid flag bits (vpasswd field 4). */
#define MX_VPOP_NO_PASSWD_CHNG	0x01
#define MX_VPOP_NO_POP		0x02
#define MX_VPOP_NO_WEBMAIL	0x04
#define MX_VPOP_NO_IMAP		0x08
#define MX_VPOP_BOUNCE_MAIL	0x10

struct mx_account {
	char *domain;		/* "" for system users */
	char *local;		/* user name or local part */
	char *hash;		/* as stored (may be clear text: see scheme) */
	enum mx_hash_scheme scheme;
	char *clear;		/* vpopmail's clear-text field, or NULL */
	char *quota;		/* as stored ("NOQUOTA", "5000000S,100C"), or NULL */
	long long quota_bytes;	/* -1: no limit */
	long long quota_count;	/* -1: no limit */
	long long uid, gid;	/* system uid/gid (vpopmail: the domain's) */
	long long vflags;	/* vpopmail: the gid field (flag bits); else 0 */
	long long vuid;		/* vpopmail: the uid field (1 POP, 2 APOP) */
	char *gecos;
	char *group;		/* group name on the source, or NULL */
	char *shell;
	char *home;		/* home on the source */
	char *src_maildir;	/* Maildir on the source, or NULL */
	char *mbox;		/* mbox spool on the source, or NULL */
	char **forwards;	/* addresses or Maildir paths mail also goes to */
	size_t nforwards;
	int keep_copy;		/* forwards and also delivers locally */
	char *autoresponder;	/* what answers (program line or dir), or NULL */
	int disabled;		/* cannot log in (flags) but receives mail */
	char *skip;		/* why it is not migrated (locked...), or NULL */
	char *origin;		/* "/etc/shadow line 12", "psa.mail id 4" */
	/* Filled by a target: */
	char *dst_home;
	char *dst_maildir;
	char *status;		/* "created", "exists", "failed: ...", "refused: ..." */
};

struct mx_alias {
	char *domain;		/* "" for system aliases */
	char *name;		/* local part the alias answers for */
	char **dest;		/* .qmail lines: &addr, addr, |prog, /path/ */
	size_t ndest;
	char *origin;
};

struct mx_mlist {		/* an ezmlm (or other) list directory */
	char *domain;
	char *name;
	char *dir;		/* on the source */
	char *origin;
};

struct mx_problem {		/* a malformed line or row, skipped */
	char *where;		/* "DIR/vpasswd line 4", "psa.mail id 7" */
	char *what;
};

struct mx_accounts {
	char *source;		/* the source kind that read them */
	char **domains;
	size_t ndomains;
	struct mx_account *acct;
	size_t nacct;
	struct mx_alias *alias;
	size_t nalias;
	struct mx_mlist *list;
	size_t nlist;
	struct mx_problem *problem;
	size_t nproblem;
	size_t cap_acct, cap_alias, cap_list, cap_problem, cap_domains;
};

struct mx_accounts *mx_accounts_new(const char *source);
void mx_accounts_free(struct mx_accounts *a);
/* Append a zeroed entry (uid/gid/quota -1); NULL when memory runs out. */
struct mx_account *mx_accounts_add(struct mx_accounts *a, const char *domain,
    const char *local);
struct mx_alias *mx_accounts_add_alias(struct mx_accounts *a,
    const char *domain, const char *name);
int mx_alias_add_dest(struct mx_alias *al, const char *line);
int mx_account_add_forward(struct mx_account *ac, const char *dest);
struct mx_mlist *mx_accounts_add_list(struct mx_accounts *a,
    const char *domain, const char *name, const char *dir);
/* Record a malformed input, printf-style what. Returns 0 or -1 (memory). */
int mx_accounts_problem(struct mx_accounts *a, const char *where,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int mx_accounts_add_domain(struct mx_accounts *a, const char *domain);
struct mx_account *mx_accounts_find(struct mx_accounts *a, const char *domain,
    const char *local);
/* Set a string field: free the old value, copy s (NULL allowed). */
int mx_set(char **field, const char *s);
/* printf into a field. */
int mx_setf(char **field, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Parse a vpopmail/Maildir++ quota ("NOQUOTA", "5000000", "5000000S",
 * "5000000S,100C", "5M"). Returns 0, or -1 for anything else. */
int mx_quota_parse(const char *s, long long *bytes, long long *count);

/* Names that can be created safely: letters, digits and . _ - + = ;
 * never starting with '-' or '.'; at most 64 bytes (local) / 253 (domain,
 * letters digits . -). 1 when safe. */
int mx_name_safe(const char *local);
int mx_domain_safe(const char *domain);

/* Options shared by the sources. */
struct mx_acct_opts {
	long long uid_min, uid_max;	/* passwd: 500..63999 by default */
	const char *qmail_dir;		/* NULL: /var/qmail */
	const char *vpopmail_dir;	/* NULL: ~vpopmail from passwd, or
					   /home/vpopmail */
	const char *defaults_file;	/* MySQL option file ([client]) */
	const char *sql_user;		/* from a prompt (never argv); NULL:
					   the option file's */
	const char *sql_password;
	const char *database;		/* NULL: vpopmail, qmail or psa */
	const char *dovecot_users;	/* the dovecot source: passwd-file */
};
void mx_acct_opts_init(struct mx_acct_opts *o);

struct mx_acct_source {
	const char *name;
	const char *summary;		/* N_() marked */
	/* 1 when the host looks like it holds this kind, else 0. */
	int (*probe)(struct mx_host *h, const struct mx_acct_opts *o);
	int (*read)(struct mx_host *h, const struct mx_acct_opts *o,
	    struct mx_accounts *out, struct mx_err *err);
};

extern const struct mx_acct_source *const mx_acct_sources[];
const struct mx_acct_source *mx_acct_source_find(const char *name);

/* Read the accounts of a host. kind NULL or "auto": the first source
 * whose probe says yes (plesk, vpopmail-mysql, vpopmail, qmail-mysql,
 * passwd). Malformed lines are in (*out)->problem, not errors. */
int mx_accounts_read(struct mx_host *h, const char *kind,
    const struct mx_acct_opts *o, struct mx_accounts **out,
    struct mx_err *err);

#endif
