/* acct-int.h - the accounts module's internals: the pure parsers (text in,
 * model out: no host, no database, unit-tested alone) and the sources'
 * ops structs. Not for other modules: they use account.h. */
#ifndef MX_ACCT_INT_H
#define MX_ACCT_INT_H

#include "account.h"
#include "buf.h"

/* passwd + shadow (+ group for names) texts; paths name them in
 * problems. Users outside [uid_min, uid_max] are left out; locked ones
 * ('!' or '*') are added with skip set. shadow and group may be NULL. */
int mx_acct_parse_passwd(struct mx_accounts *a, const char *passwd,
    const char *passwd_path, const char *shadow, const char *shadow_path,
    const char *group, long long uid_min, long long uid_max);

/* What one line of a .qmail file does. */
enum mx_qline {
	MX_QL_NONE,		/* blank or comment */
	MX_QL_FORWARD,		/* &addr or addr: *arg = address */
	MX_QL_PROGRAM,		/* |command: *arg = command */
	MX_QL_MAILDIR,		/* /path/ : *arg = path */
	MX_QL_MBOX		/* /path : *arg = path */
};
/* Classify a line (without its newline); *arg points into line. */
enum mx_qline mx_acct_qmail_line(const char *line, const char **arg);
/* 1 when a program line is an autoresponder (autorespond, vacation,
 * qmail-autoresponder), 2 when it is ezmlm (ezmlm-send/-reject/-manage/
 * -return/-warn...), else 0. For ezmlm the list dir is copied to dir
 * (if the command names it). */
int mx_acct_program_kind(const char *cmd, char *dir, size_t dirlen);

/* A .forward file: addresses split on commas and newlines; "\user" means
 * keep a local copy. Adds to ac->forwards. */
int mx_acct_parse_forward(struct mx_account *ac, const char *text);
/* A user's .qmail: forwards, the Maildir or mbox it delivers to,
 * autoresponder. */
int mx_acct_parse_dotqmail(struct mx_account *ac, const char *text);

/* users/assign: each "+DOMAIN-:USER:uid:gid:DIR:-::" line whose user
 * field names the domain is a vpopmail domain. */
struct mx_assign {
	char *domain;
	char *dir;
	long long uid, gid;
};
int mx_acct_parse_assign(const char *text, const char *path,
    struct mx_accounts *problems, struct mx_assign **out, size_t *n);
void mx_assign_free(struct mx_assign *v, size_t n);

/* A domain's vpasswd: name:hash:uid:gid:gecos:dir:quota[:clear]. uid/gid
 * are the domain's system ids (from assign). */
int mx_acct_parse_vpasswd(struct mx_accounts *a, const char *domain,
    const char *text, const char *path, long long uid, long long gid);

/* Plesk's users/poppasswd: address:hash[:...]; fills the hashes of
 * accounts already in a (from psa) that have only clear text or none.
 * text is cut into lines in place. -1: out of memory. */
int mx_acct_parse_poppasswd(struct mx_accounts *a, char *text,
    const char *path);

/* A Dovecot passwd-file: user:{SCHEME}hash:uid:gid:gecos:home:shell:extra */
int mx_acct_parse_dovecot(struct mx_accounts *a, const char *text,
    const char *path);

/* Call fn for each line (without '\n', NUL-terminated, writable copy),
 * numbered from 1. Stops when fn returns -1. */
int mx_acct_each_line(const char *text,
    int (*fn)(void *ctx, char *line, size_t lineno), void *ctx);
/* Split line on sep into at most max fields (in place); returns count. */
size_t mx_acct_split(char *line, int sep, char **f, size_t max);
/* Parse a whole decimal number; -1 when not one. */
int mx_acct_num(const char *s, long long *v);

/* Sources, one per file. */
extern const struct mx_acct_source mx_acct_source_passwd;
extern const struct mx_acct_source mx_acct_source_vpopmail;
extern const struct mx_acct_source mx_acct_source_vpopmail_mysql;
extern const struct mx_acct_source mx_acct_source_qmail_mysql;
extern const struct mx_acct_source mx_acct_source_plesk;
extern const struct mx_acct_source mx_acct_source_dovecot;

/* SQL for the vpopmail-mysql target (acct-sql.c, the only mysql_* user).
 * mx_acct_sql_quote appends s as a quoted MySQL string literal. */
int mx_acct_sql_quote(struct mx_buf *b, const char *s);
struct mx_sqlconn;
/* Open with an option file ([client]) and a database. */
int mx_acct_sql_open(struct mx_sqlconn **out, const char *defaults_file,
    const char *db, struct mx_err *err);
/* Run one statement; *rows: rows returned (or affected). */
int mx_acct_sql_exec(struct mx_sqlconn *c, const char *sql, long long *rows,
    struct mx_err *err);
void mx_acct_sql_close(struct mx_sqlconn *c);

/* Host helpers shared by the sources. */
/* Read a file; 1 read, 0 missing (out empty), -1 error. */
int mx_acct_read_opt(struct mx_host *h, const char *path, struct mx_buf *out,
    struct mx_err *err);
/* 1 directory, 0 not, -1 error. */
int mx_acct_is_dir(struct mx_host *h, const char *path, struct mx_err *err);
int mx_acct_exists(struct mx_host *h, const char *path);
/* ~vpopmail: opts, then /etc/passwd's vpopmail entry, then /home/vpopmail.
 * Caller frees. */
char *mx_acct_vpopmail_dir(struct mx_host *h, const struct mx_acct_opts *o);

#endif
