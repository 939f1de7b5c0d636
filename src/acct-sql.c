/* acct-sql.c - the sources in MySQL: vpopmail's MySQL back-end, the qmail
 * MySQL patch tables and Plesk's psa database. The only file that calls
 * mysql_*.
 *
 * Credentials come from a MySQL option file ([client] group, read by the
 * client library: --defaults-file) or from a prompt (sql_user and
 * sql_password in the options, never argv); they are never logged. The
 * connection is made from this machine: the option file's host/port/socket
 * say where the database is (for a remote old host, its address or an ssh
 * tunnel). Files that complete the tables (users/assign, poppasswd,
 * psa.conf) are read through the host layer.
 *
 * Columns are found by name (SELECT *), so an older or newer schema with
 * extra or missing optional columns still reads; a row missing a required
 * value is reported with its table and key and skipped.
 */
#include <config.h>

#include <mysql.h>
#include <mysqld_error.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "acct-int.h"
#include "host.h"
#include "i18n.h"

static int
oom(struct mx_err *err)
{
	return mx_err_set(err, MX_E_GENERIC, _("out of memory"));
}

static int
sql_connect(MYSQL **out, const struct mx_acct_opts *o, const char *defdb,
    struct mx_err *err)
{
	unsigned int timeout = 15;
	MYSQL *m;
	MYSQL_RES *res;
	MYSQL_ROW row;
	int nodb = 0;

	*out = NULL;
	if ((m = mysql_init(NULL)) == NULL)
		return oom(err);
	mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	mysql_options(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	if (o->defaults_file != NULL) {
		mysql_options(m, MYSQL_READ_DEFAULT_FILE, o->defaults_file);
		mysql_options(m, MYSQL_READ_DEFAULT_GROUP, "client");
	}
	if (mysql_real_connect(m, NULL, o->sql_user, o->sql_password,
	    o->database, 0, NULL, 0) == NULL) {
		mx_err_set(err, MX_E_AUTH, _("MySQL: %s%s"), mysql_error(m),
		    o->defaults_file == NULL ? _(" (give the credentials in "
		    "an option file: --defaults-file FILE, group [client])") : "");
		mysql_close(m);
		return -1;
	}
	/* No database named anywhere: the source's usual one. */
	if (mysql_query(m, "SELECT DATABASE()") == 0 &&
	    (res = mysql_store_result(m)) != NULL) {
		row = mysql_fetch_row(res);
		nodb = row == NULL || row[0] == NULL;
		mysql_free_result(res);
	}
	if (nodb && mysql_select_db(m, defdb) != 0) {
		mx_err_set(err, MX_E_NOTFOUND, _("MySQL: database %s: %s"),
		    defdb, mysql_error(m));
		mysql_close(m);
		return -1;
	}
	*out = m;
	return 0;
}

struct q {
	MYSQL_RES *res;
	MYSQL_FIELD *f;
	unsigned int nf;
	MYSQL_ROW row;
};

/* Run a query; 1 with rows to fetch, 0 when the table does not exist,
 * -1 on error. */
/* A failed query: which server, as which user, reading which table, and
 * the server's (or the client library's) reason, e.g. "MySQL
 * mxread@localhost via /run/mysqld/mysqld.sock: vpopmail.vpopmail: Lost
 * connection to server during query". */
static int
q_fail(MYSQL *m, const char *sql, struct mx_err *err)
{
	char table[200] = "?";
	const char *f = strstr(sql, " FROM ");

	if (f != NULL)
		snprintf(table, sizeof table, "%s%s%.*s", m->db ? m->db : "",
		    m->db ? "." : "", (int)strcspn(f + 6, " "), f + 6);
	if (m->unix_socket != NULL && (m->host == NULL ||
	    strcmp(m->host, "localhost") == 0))
		return mx_err_set(err, MX_E_REMOTE, _("MySQL %s@%s via %s: %s: "
		    "%s (a re-run reads everything again)"),
		    m->user ? m->user : "?", m->host ? m->host : "localhost",
		    m->unix_socket, table, mysql_error(m));
	return mx_err_set(err, MX_E_REMOTE, _("MySQL %s@%s:%u: %s: %s (a "
	    "re-run reads everything again)"), m->user ? m->user : "?",
	    m->host ? m->host : "?", m->port, table, mysql_error(m));
}

static int
q_run(MYSQL *m, struct q *q, const char *sql, struct mx_err *err)
{
	memset(q, 0, sizeof *q);
	if (mysql_query(m, sql) != 0) {
		if (mysql_errno(m) == ER_NO_SUCH_TABLE ||
		    mysql_errno(m) == ER_BAD_FIELD_ERROR)
			return 0;
		return q_fail(m, sql, err);
	}
	if ((q->res = mysql_store_result(m)) == NULL)
		return q_fail(m, sql, err);
	q->nf = mysql_num_fields(q->res);
	q->f = mysql_fetch_fields(q->res);
	return 1;
}

static int
q_next(struct q *q)
{
	return q->res != NULL && (q->row = mysql_fetch_row(q->res)) != NULL;
}

static void
q_done(struct q *q)
{
	if (q->res != NULL)
		mysql_free_result(q->res);
	q->res = NULL;
}

/* The value of a column by name in the current row; NULL when the column
 * does not exist or is NULL. */
static const char *
col(const struct q *q, const char *name)
{
	unsigned int i;

	for (i = 0; i < q->nf; i++)
		if (strcasecmp(q->f[i].name, name) == 0)
			return q->row[i];
	return NULL;
}

static long long
col_num(const struct q *q, const char *name)
{
	const char *s = col(q, name);
	long long v;

	if (s != NULL && s[0] == '-' && mx_acct_num(s + 1, &v) == 0)
		return -v;
	return s != NULL && mx_acct_num(s, &v) == 0 ? v : -1;
}

static int
has_col(const struct q *q, const char *name)
{
	unsigned int i;

	for (i = 0; i < q->nf; i++)
		if (strcasecmp(q->f[i].name, name) == 0)
			return 1;
	return 0;
}

/* The domain's system uid/gid from users/assign (vpopmail: 89:89). */
static void
assign_ids(struct mx_host *h, const struct mx_acct_opts *o,
    struct mx_accounts *a, struct mx_assign **as, size_t *n)
{
	struct mx_buf b = MX_BUF_INIT;
	struct mx_err e;
	char *path = NULL;

	*as = NULL;
	*n = 0;
	if (h == NULL || mx_setf(&path, "%s/users/assign",
	    o->qmail_dir ? o->qmail_dir : "/var/qmail") == -1)
		return;
	if (mx_acct_read_opt(h, path, &b, &e) == 1)
		mx_acct_parse_assign(b.data, path, a, as, n);
	mx_buf_free(&b);
	free(path);
}

/* --- vpopmail MySQL ------------------------------------------------- */

static int
vpop_sql_probe(struct mx_host *h, const struct mx_acct_opts *o)
{
	char *dir = mx_acct_vpopmail_dir(h, o), *p = NULL;
	int r = 0;

	if (dir != NULL && mx_setf(&p, "%s/etc/vpopmail.mysql", dir) == 0)
		r = mx_acct_exists(h, p);
	free(p);
	free(dir);
	return r;
}

static int
vpop_sql_row(struct q *q, struct mx_accounts *a, struct mx_assign *as,
    size_t nas)
{
	struct mx_account *ac;
	const char *name = col(q, "pw_name"), *dom = col(q, "pw_domain");
	const char *dir = col(q, "pw_dir"), *quota = col(q, "pw_shell");
	const char *clear = col(q, "pw_clear_passwd");
	char where[600];
	long long qb, qc;
	size_t i;

	snprintf(where, sizeof where, "vpopmail.vpopmail (%s, %s)",
	    name ? name : "NULL", dom ? dom : "NULL");
	if (name == NULL || name[0] == '\0' || dom == NULL || dom[0] == '\0')
		return mx_accounts_problem(a, where,
		    _("no pw_name or pw_domain; row skipped"));
	if (dir == NULL || dir[0] != '/')
		return mx_accounts_problem(a, where,
		    _("pw_dir is not an absolute path; row skipped"));
	if (mx_quota_parse(quota, &qb, &qc) == -1)
		return mx_accounts_problem(a, where,
		    _("the quota (pw_shell) '%s' is not NOQUOTA, NNNS or "
		    "NNNS,NNC; row skipped"), quota);
	if (col_num(q, "pw_uid") < 0 || col_num(q, "pw_gid") < 0)
		return mx_accounts_problem(a, where,
		    _("pw_uid or pw_gid is not a number; row skipped"));
	if (mx_accounts_add_domain(a, dom) == -1 ||
	    (ac = mx_accounts_add(a, dom, name)) == NULL)
		return -1;
	ac->vuid = col_num(q, "pw_uid");
	ac->vflags = col_num(q, "pw_gid");
	ac->quota_bytes = qb;
	ac->quota_count = qc;
	ac->disabled = (ac->vflags & (MX_VPOP_NO_POP | MX_VPOP_NO_IMAP)) ==
	    (MX_VPOP_NO_POP | MX_VPOP_NO_IMAP);
	for (i = 0; i < nas; i++)
		if (strcmp(as[i].domain, dom) == 0) {
			ac->uid = as[i].uid;
			ac->gid = as[i].gid;
		}
	if (mx_set(&ac->hash, col(q, "pw_passwd")) == -1 ||
	    mx_set(&ac->gecos, col(q, "pw_gecos")) == -1 ||
	    mx_set(&ac->home, dir) == -1 || mx_set(&ac->quota, quota) == -1 ||
	    mx_setf(&ac->src_maildir, "%s/Maildir", dir) == -1 ||
	    mx_set(&ac->origin, where) == -1)
		return -1;
	if (clear != NULL && clear[0] != '\0' && mx_set(&ac->clear, clear) == -1)
		return -1;
	ac->scheme = mx_hash_detect(ac->hash, 0);
	if (ac->scheme == MX_HASH_NONE && ac->clear != NULL)
		ac->scheme = MX_HASH_PLAIN;
	if (ac->scheme == MX_HASH_NONE)
		return mx_set(&ac->skip, _("no password at all"));
	if (ac->scheme == MX_HASH_LOCKED)
		return mx_set(&ac->skip, _("locked ('!' or '*' in the hash)"));
	return 0;
}

static int
add_alias_line(struct mx_accounts *a, const char *domain, const char *name,
    const char *line, const char *origin)
{
	struct mx_alias *al = NULL;
	size_t i;

	for (i = 0; i < a->nalias; i++)
		if (strcmp(a->alias[i].domain, domain) == 0 &&
		    strcmp(a->alias[i].name, name) == 0)
			al = &a->alias[i];
	if (al == NULL) {
		if ((al = mx_accounts_add_alias(a, domain, name)) == NULL ||
		    mx_set(&al->origin, origin) == -1)
			return -1;
	}
	return mx_alias_add_dest(al, line);
}

static int
vpop_sql_read(struct mx_host *h, const struct mx_acct_opts *o,
    struct mx_accounts *a, struct mx_err *err)
{
	struct mx_assign *as;
	size_t nas;
	MYSQL *m;
	struct q q;
	int r;

	if (sql_connect(&m, o, "vpopmail", err) == -1)
		return -1;
	assign_ids(h, o, a, &as, &nas);
	r = q_run(m, &q, "SELECT * FROM vpopmail ORDER BY pw_domain, pw_name",
	    err);
	if (r == 0)
		r = mx_err_set(err, MX_E_NOTFOUND, _("MySQL: no table vpopmail "
		    "(one table per domain, many-domains off, is not read)"));
	while (r == 1 && q_next(&q))
		if (vpop_sql_row(&q, a, as, nas) == -1)
			r = oom(err);
	q_done(&q);
	if (r == 1)
		r = q_run(m, &q, "SELECT alias, domain, valias_line FROM valias",
		    err);
	while (r == 1 && q_next(&q)) {
		const char *al = col(&q, "alias"), *dom = col(&q, "domain");
		const char *line = col(&q, "valias_line");

		if (al == NULL || dom == NULL || line == NULL)
			r = mx_accounts_problem(a, "vpopmail.valias",
			    _("a row with a NULL alias, domain or line; skipped"));
		else
			r = add_alias_line(a, dom, al, line, "vpopmail.valias");
		r = r == -1 ? oom(err) : 1;
	}
	q_done(&q);
	mx_assign_free(as, nas);
	mysql_close(m);
	return r == -1 ? -1 : 0;
}

const struct mx_acct_source mx_acct_source_vpopmail_mysql = {
	.name = "vpopmail-mysql",
	.summary = N_("vpopmail's MySQL back-end: tables vpopmail and valias"),
	.probe = vpop_sql_probe,
	.read = vpop_sql_read,
};

/* --- the qmail MySQL patch tables ----------------------------------- */

static int
qmail_sql_probe(struct mx_host *h, const struct mx_acct_opts *o)
{
	char *p = NULL;
	int r = 0;

	if (mx_setf(&p, "%s/control/sqlserver",
	    o->qmail_dir ? o->qmail_dir : "/var/qmail") == 0)
		r = mx_acct_exists(h, p);
	free(p);
	return r;
}

static int
qmail_sql_row(struct mx_host *h, struct q *q, struct mx_accounts *a)
{
	struct mx_account *ac;
	const char *user = col(q, "username"), *home = col(q, "home");
	const char *type = col(q, "password_type");
	char where[600], *p = NULL;
	long long uid = col_num(q, "uid"), gid = col_num(q, "gid");

	snprintf(where, sizeof where, "qmail.mailbox (username %s)",
	    user ? user : "NULL");
	if (user == NULL || user[0] == '\0')
		return mx_accounts_problem(a, where, _("no username; row skipped"));
	if (home == NULL || home[0] != '/')
		return mx_accounts_problem(a, where,
		    _("home is not an absolute path; row skipped"));
	if (uid < 0 || gid < 0)
		return mx_accounts_problem(a, where,
		    _("uid or gid is not a number; row skipped"));
	if ((ac = mx_accounts_add(a, "", user)) == NULL)
		return -1;
	ac->uid = uid;
	ac->gid = gid;
	if (mx_set(&ac->hash, col(q, "password")) == -1 ||
	    mx_set(&ac->home, home) == -1 || mx_set(&ac->origin, where) == -1)
		return -1;
	/* The seed makes the Maildir at home itself ("maildirmake $home");
	 * a home holding Maildir/ is the other layout. */
	if (mx_setf(&p, "%s/new", home) == -1)
		return -1;
	if (h != NULL && mx_acct_exists(h, p))
		mx_set(&ac->src_maildir, home);
	else
		mx_setf(&ac->src_maildir, "%s%sMaildir", home,
		    home[strlen(home) - 1] == '/' ? "" : "/");
	free(p);
	if (type != NULL && (strcasestr(type, "plain") != NULL ||
	    strcasestr(type, "clear") != NULL || strcasestr(type, "text") != NULL))
		ac->scheme = ac->hash && ac->hash[0] ? MX_HASH_PLAIN : MX_HASH_NONE;
	else
		ac->scheme = mx_hash_detect(ac->hash, 0);
	if (ac->scheme == MX_HASH_NONE)
		return mx_set(&ac->skip, _("no password at all"));
	if (ac->scheme == MX_HASH_LOCKED)
		return mx_set(&ac->skip, _("locked ('!' or '*' in the hash)"));
	return 0;
}

static int
qmail_sql_read(struct mx_host *h, const struct mx_acct_opts *o,
    struct mx_accounts *a, struct mx_err *err)
{
	MYSQL *m;
	struct q q;
	char dest[1024], name[600];
	int r;

	if (sql_connect(&m, o, "qmail", err) == -1)
		return -1;
	r = q_run(m, &q, "SELECT * FROM mailbox ORDER BY username", err);
	if (r == 0)
		r = mx_err_set(err, MX_E_NOTFOUND, _("MySQL: no table mailbox"));
	while (r == 1 && q_next(&q))
		if (qmail_sql_row(h, &q, a) == -1)
			r = oom(err);
	q_done(&q);
	if (r == 1 && (r = q_run(m, &q, "SELECT * FROM rcpthosts", err)) == 1)
		while (r == 1 && q_next(&q))
			if (col(&q, "host") != NULL &&
			    mx_accounts_add_domain(a, col(&q, "host")) == -1)
				r = oom(err);
	q_done(&q);
	/* virtual: virtual_username@virtual_host is delivered to username. */
	if (r != -1 && (r = q_run(m, &q, "SELECT * FROM virtual", err)) == 1)
		while (r == 1 && q_next(&q)) {
			const char *u = col(&q, "username");
			const char *vu = col(&q, "virtual_username");
			const char *vh = col(&q, "virtual_host");

			if (u == NULL || vh == NULL) {
				r = mx_accounts_problem(a, "qmail.virtual",
				    _("a row with a NULL username or "
				    "virtual_host; skipped"));
			} else {
				r = mx_accounts_add_domain(a, vh);
				if (r == 0)
					r = add_alias_line(a, vh,
					    vu && vu[0] ? vu : "*", u,
					    "qmail.virtual");
			}
			r = r == -1 ? oom(err) : 1;
		}
	q_done(&q);
	/* alias: USERNAME-ALIAS goes to alias_username@alias_host. */
	if (r != -1 && (r = q_run(m, &q, "SELECT * FROM alias", err)) == 1)
		while (r == 1 && q_next(&q)) {
			const char *u = col(&q, "username");
			const char *al = col(&q, "alias");
			const char *au = col(&q, "alias_username");
			const char *ah = col(&q, "alias_host");

			if (u == NULL || al == NULL || au == NULL) {
				r = mx_accounts_problem(a, "qmail.alias",
				    _("a row with a NULL username, alias or "
				    "alias_username; skipped"));
			} else {
				snprintf(name, sizeof name, "%s-%s", u, al);
				snprintf(dest, sizeof dest, "&%s%s%s", au,
				    ah && ah[0] ? "@" : "", ah ? ah : "");
				r = add_alias_line(a, "", name, dest,
				    "qmail.alias");
			}
			r = r == -1 ? oom(err) : 1;
		}
	q_done(&q);
	mysql_close(m);
	return r == -1 ? -1 : 0;
}

const struct mx_acct_source mx_acct_source_qmail_mysql = {
	.name = "qmail-mysql",
	.summary = N_("the qmail MySQL patch tables: mailbox, alias, virtual, rcpthosts"),
	.probe = qmail_sql_probe,
	.read = qmail_sql_read,
};

/* --- Plesk (psa database + users/poppasswd) ------------------------- */

static int
plesk_probe(struct mx_host *h, const struct mx_acct_opts *o)
{
	(void)o;
	return mx_acct_exists(h, "/etc/psa/psa.conf");
}

/* PLESK_MAILNAMES_D from psa.conf ("KEY value" lines). */
static char *
plesk_mailroot(struct mx_host *h, struct mx_err *err)
{
	struct mx_buf b = MX_BUF_INIT;
	char *line, *p, *save = NULL, *r = NULL;

	if (mx_acct_read_opt(h, "/etc/psa/psa.conf", &b, err) == 1)
		for (p = b.data; (line = strtok_r(p, "\n", &save)) != NULL;
		    p = NULL) {
			if (strncmp(line, "PLESK_MAILNAMES_D", 17) != 0 ||
			    (line[17] != ' ' && line[17] != '\t'))
				continue;
			line += 17;
			line += strspn(line, " \t");
			line[strcspn(line, " \t\r")] = '\0';
			if (line[0] == '/')
				r = strdup(line);
		}
	mx_buf_free(&b);
	return r != NULL ? r : strdup("/var/qmail/mailnames");
}

/* users/poppasswd: "address:hash[:...]". Fill hashes that psa holds only
 * as clear text or encrypted; a real hash always wins over clear text.
 * text is cut into lines in place. -1: out of memory. */
int
mx_acct_parse_poppasswd(struct mx_accounts *a, char *text, const char *path)
{
	char *line, *p, *save = NULL, *f[4], *at, where[600];
	struct mx_account *ac;
	size_t ln = 0, nf;
	int r = 0;

	if (text == NULL)
		return 0;
	for (p = text; r == 0 && (line = strtok_r(p, "\n", &save)) != NULL;
	    p = NULL) {
		ln++;
		snprintf(where, sizeof where, "%s line %zu", path, ln);
		nf = mx_acct_split(line, ':', f, 4);
		if (nf < 2 || (at = strrchr(f[0], '@')) == NULL) {
			if (mx_accounts_problem(a, where, _("not "
			    "address:hash; line skipped")) == -1)
				r = -1;
			continue;
		}
		*at++ = '\0';
		if ((ac = mx_accounts_find(a, at, f[0])) == NULL)
			continue;
		if (mx_hash_usable(f[1]) && ac->scheme != mx_hash_detect(f[1], 0) &&
		    (ac->scheme == MX_HASH_PLAIN || ac->scheme == MX_HASH_NONE ||
		    ac->scheme == MX_HASH_PLESK_AES ||
		    ac->scheme == MX_HASH_UNKNOWN)) {
			if (ac->scheme == MX_HASH_PLAIN && mx_set(&ac->clear,
			    ac->hash) == -1)
				r = -1;
			if (mx_set(&ac->hash, f[1]) == -1 ||
			    mx_setf(&ac->origin, "%s", where) == -1)
				r = -1;
			ac->scheme = mx_hash_detect(f[1], 0);
			free(ac->skip);
			ac->skip = NULL;
		}
	}
	return r;
}

static int
plesk_poppasswd(struct mx_host *h, const struct mx_acct_opts *o,
    struct mx_accounts *a, struct mx_err *err)
{
	struct mx_buf b = MX_BUF_INIT;
	char *path = NULL;
	int r;

	if (mx_setf(&path, "%s/users/poppasswd",
	    o->qmail_dir ? o->qmail_dir : "/var/qmail") == -1)
		return oom(err);
	r = mx_acct_read_opt(h, path, &b, err);
	if (r == 1 && mx_acct_parse_poppasswd(a, b.data, path) == -1)
		r = oom(err);
	if (b.data != NULL)
		explicit_bzero(b.data, b.len);
	mx_buf_free(&b);
	free(path);
	return r == -1 ? -1 : 0;
}

static int
plesk_row(struct mx_host *h, struct q *q, const char *root,
    struct mx_accounts *a)
{
	struct mx_account *ac;
	const char *name = col(q, "mail_name"), *dom = col(q, "dom_name");
	const char *pw = col(q, "acc_password"), *type = col(q, "acc_type");
	const char *postbox = col(q, "postbox"), *redir = col(q, "redirect");
	const char *addr = col(q, "redir_addr"), *resp = col(q, "autoresponder");
	char where[600], *p = NULL;
	struct mx_stat st;
	struct mx_err e;
	long long quota = col_num(q, "mbox_quota");

	snprintf(where, sizeof where, "psa.mail id %s",
	    col(q, "id") ? col(q, "id") : "NULL");
	if (name == NULL || name[0] == '\0' || dom == NULL || dom[0] == '\0')
		return mx_accounts_problem(a, where,
		    _("no mail_name or domain; row skipped"));
	if (mx_accounts_add_domain(a, dom) == -1)
		return -1;
	if (postbox != NULL && strcmp(postbox, "false") == 0) {
		/* No mailbox: an address that only forwards. */
		if (redir != NULL && strcmp(redir, "true") == 0 && addr != NULL)
			return add_alias_line(a, dom, name, addr, where);
		return 0;
	}
	if ((ac = mx_accounts_add(a, dom, name)) == NULL)
		return -1;
	if (mx_set(&ac->hash, pw) == -1 || mx_set(&ac->origin, where) == -1 ||
	    mx_setf(&ac->home, "%s/%s/%s", root, dom, name) == -1 ||
	    mx_setf(&ac->src_maildir, "%s/%s/%s/Maildir", root, dom, name) == -1)
		return -1;
	ac->quota_bytes = quota >= 0 ? quota : -1;
	if (quota >= 0)
		mx_setf(&ac->quota, "%lldS", quota);
	if (redir != NULL && strcmp(redir, "true") == 0 && addr != NULL &&
	    addr[0] != '\0') {
		if (mx_account_add_forward(ac, addr) == -1)
			return -1;
		ac->keep_copy = 1;
	}
	if (resp != NULL && strcmp(resp, "true") == 0 &&
	    mx_set(&ac->autoresponder, "psa.mail_resp") == -1)
		return -1;
	if (h != NULL && mx_host_stat(h, ac->src_maildir, &st, &e) == 0 &&
	    st.exists) {
		ac->uid = st.uid;
		ac->gid = st.gid;
	}
	free(p);
	/* Plesk 11+ keeps type 'plain' for encrypted passwords: the prefix
	 * decides first, else the ciphertext would become a password. */
	if (pw != NULL && strncmp(pw, "$AES-", 5) == 0)
		ac->scheme = MX_HASH_PLESK_AES;
	else if (type != NULL && strcmp(type, "plain") == 0)
		ac->scheme = pw && pw[0] ? MX_HASH_PLAIN : MX_HASH_NONE;
	else
		ac->scheme = mx_hash_detect(pw, 1);
	if (ac->scheme == MX_HASH_NONE)
		return mx_set(&ac->skip, _("no password at all"));
	return 0;
}

/* mail_aliases(mn_id, alias) and mail_redir(mn_id, address), when there. */
static int
plesk_extras(MYSQL *m, struct mx_accounts *a, struct mx_err *err)
{
	struct mx_account *ac;
	char target[600];
	struct q q;
	int r;

	r = q_run(m, &q, "SELECT d.name AS dom_name, m.mail_name, x.alias "
	    "FROM mail_aliases x JOIN mail m ON x.mn_id = m.id "
	    "JOIN domains d ON m.dom_id = d.id ORDER BY d.name, x.alias", err);
	while (r == 1 && q_next(&q)) {
		const char *d = col(&q, "dom_name"), *n = col(&q, "mail_name");
		const char *al = col(&q, "alias");

		if (d == NULL || n == NULL || al == NULL)
			continue;
		snprintf(target, sizeof target, "&%s@%s", n, d);
		if (add_alias_line(a, d, al, target, "psa.mail_aliases") == -1)
			r = oom(err);
	}
	q_done(&q);
	if (r == -1)
		return -1;
	r = q_run(m, &q, "SELECT d.name AS dom_name, m.mail_name, x.address "
	    "FROM mail_redir x JOIN mail m ON x.mn_id = m.id "
	    "JOIN domains d ON m.dom_id = d.id", err);
	while (r == 1 && q_next(&q)) {
		const char *d = col(&q, "dom_name"), *n = col(&q, "mail_name");
		const char *ad = col(&q, "address");

		if (d == NULL || n == NULL || ad == NULL ||
		    (ac = mx_accounts_find(a, d, n)) == NULL)
			continue;
		if (mx_account_add_forward(ac, ad) == -1)
			r = oom(err);
	}
	q_done(&q);
	return r == -1 ? -1 : 0;
}

static int
plesk_read(struct mx_host *h, const struct mx_acct_opts *o,
    struct mx_accounts *a, struct mx_err *err)
{
	char *root;
	MYSQL *m;
	struct q q;
	int r;

	if ((root = plesk_mailroot(h, err)) == NULL)
		return oom(err);
	if (sql_connect(&m, o, "psa", err) == -1) {
		free(root);
		return -1;
	}
	r = q_run(m, &q, "SELECT m.*, d.name AS dom_name, a.password AS "
	    "acc_password, a.type AS acc_type FROM mail m JOIN domains d ON "
	    "m.dom_id = d.id LEFT JOIN accounts a ON m.account_id = a.id "
	    "ORDER BY d.name, m.mail_name", err);
	if (r == 0)
		r = mx_err_set(err, MX_E_NOTFOUND, _("MySQL: no tables mail, "
		    "domains and accounts: is this Plesk's psa database?"));
	if (r == 1 && !has_col(&q, "mail_name"))
		r = mx_err_set(err, MX_E_PARSE, _("MySQL: psa.mail has no "
		    "mail_name column: an unknown Plesk schema"));
	while (r == 1 && q_next(&q))
		if (plesk_row(h, &q, root, a) == -1)
			r = oom(err);
	q_done(&q);
	if (r == 1 && plesk_extras(m, a, err) == -1)
		r = -1;
	mysql_close(m);
	free(root);
	if (r == -1)
		return -1;
	return plesk_poppasswd(h, o, a, err);
}

const struct mx_acct_source mx_acct_source_plesk = {
	.name = "plesk",
	.summary = N_("Plesk (qmail era): psa database (mail, domains, accounts, aliases, redirects) and users/poppasswd"),
	.probe = plesk_probe,
	.read = plesk_read,
};

/* --- writing: the vpopmail-mysql target ----------------------------- */

int
mx_acct_sql_quote(struct mx_buf *b, const char *s)
{
	if (mx_buf_puts(b, "'") == -1)
		return -1;
	for (; *s; s++) {
		const char *e = NULL;

		switch (*s) {
		case '\'': e = "\\'"; break;
		case '"': e = "\\\""; break;
		case '\\': e = "\\\\"; break;
		case '\n': e = "\\n"; break;
		case '\r': e = "\\r"; break;
		case '\t': e = "\\t"; break;
		case '\032': e = "\\Z"; break;
		default: break;
		}
		if ((e != NULL ? mx_buf_puts(b, e) : mx_buf_append(b, s, 1)) == -1)
			return -1;
	}
	return mx_buf_puts(b, "'");
}

struct mx_sqlconn {
	MYSQL *m;
};

int
mx_acct_sql_open(struct mx_sqlconn **out, const char *defaults_file,
    const char *db, struct mx_err *err)
{
	struct mx_acct_opts o;

	mx_acct_opts_init(&o);
	o.defaults_file = defaults_file;
	o.database = db;
	if ((*out = calloc(1, sizeof **out)) == NULL)
		return oom(err);
	if (sql_connect(&(*out)->m, &o, db ? db : "vpopmail", err) == -1) {
		free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

int
mx_acct_sql_exec(struct mx_sqlconn *c, const char *sql, long long *rows,
    struct mx_err *err)
{
	MYSQL_RES *res;

	*rows = 0;
	if (mysql_query(c->m, sql) != 0)
		return mx_err_set(err, MX_E_REMOTE, _("MySQL: %s"),
		    mysql_error(c->m));
	if ((res = mysql_store_result(c->m)) != NULL) {
		*rows = (long long)mysql_num_rows(res);
		mysql_free_result(res);
	} else if (mysql_field_count(c->m) != 0)
		return mx_err_set(err, MX_E_REMOTE, _("MySQL: %s"),
		    mysql_error(c->m));
	else
		*rows = (long long)mysql_affected_rows(c->m);
	return 0;
}

void
mx_acct_sql_close(struct mx_sqlconn *c)
{
	if (c == NULL)
		return;
	mysql_close(c->m);
	free(c);
}
