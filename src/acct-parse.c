/* acct-parse.c - the accounts module's pure parsers (see acct-int.h):
 * passwd/shadow, .qmail and .forward files, users/assign, vpasswd, a
 * Dovecot passwd-file. A malformed line is recorded with its file and
 * line and skipped, never guessed. */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acct-int.h"
#include "i18n.h"

int
mx_acct_each_line(const char *text, int (*fn)(void *, char *, size_t),
    void *ctx)
{
	const char *p = text, *nl;
	size_t lineno = 0, n;
	char *line;
	int r;

	if (text == NULL)
		return 0;
	while (*p != '\0') {
		nl = strchr(p, '\n');
		n = nl != NULL ? (size_t)(nl - p) : strlen(p);
		lineno++;
		if ((line = malloc(n + 1)) == NULL)
			return -1;
		memcpy(line, p, n);
		line[n] = '\0';
		if (n > 0 && line[n - 1] == '\r')
			line[n - 1] = '\0';
		r = fn(ctx, line, lineno);
		free(line);
		if (r == -1)
			return -1;
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return 0;
}

size_t
mx_acct_split(char *line, int sep, char **f, size_t max)
{
	size_t n = 0;
	char *p = line, *q;

	while (n < max) {
		f[n++] = p;
		if ((q = strchr(p, sep)) == NULL)
			return n;
		*q = '\0';
		p = q + 1;
	}
	/* More fields than max: say so by returning max + 1. */
	return max + 1;
}

int
mx_acct_num(const char *s, long long *v)
{
	char *end;

	if (s == NULL || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	*v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	return 0;
}

static int
blank_or_comment(const char *line)
{
	while (*line == ' ' || *line == '\t')
		line++;
	return *line == '\0' || *line == '#';
}

/* --- passwd + shadow ------------------------------------------------ */

struct pw_ctx {
	struct mx_accounts *a;
	const char *path;
	const char *shadow, *shadow_path, *group;
	long long uid_min, uid_max;
};

/* The field of name in a colon file (shadow: hash, group by gid: name).
 * Returns a malloc'd copy, NULL when not there; *lineno if found. */
static char *
colon_lookup(const char *text, const char *key, size_t keyfield,
    size_t want, size_t *lineno)
{
	const char *p = text, *nl;
	size_t n, ln = 0, nf;
	char *line, *f[16], *r = NULL;

	while (p != NULL && *p != '\0' && r == NULL) {
		nl = strchr(p, '\n');
		n = nl != NULL ? (size_t)(nl - p) : strlen(p);
		ln++;
		if ((line = strndup(p, n)) == NULL)
			return NULL;
		nf = mx_acct_split(line, ':', f, 16);
		if (nf > keyfield && nf > want && nf <= 16 &&
		    strcmp(f[keyfield], key) == 0) {
			r = strdup(f[want]);
			if (lineno != NULL)
				*lineno = ln;
		}
		free(line);
		p = nl != NULL ? nl + 1 : NULL;
	}
	return r;
}

static int
passwd_line(void *vctx, char *line, size_t lineno)
{
	struct pw_ctx *c = vctx;
	struct mx_account *ac;
	char *f[8], where[512], gid[32], *hash = NULL, *group;
	long long uid, g;
	size_t nf, sl = 0;
	const char *hwhere;


	if (blank_or_comment(line) || line[0] == '+' || line[0] == '-')
		return 0;	/* NIS markers are not accounts */
	snprintf(where, sizeof where, "%s line %zu", c->path, lineno);
	nf = mx_acct_split(line, ':', f, 7);
	if (nf != 7)
		return mx_accounts_problem(c->a, where,
		    _("not name:x:uid:gid:gecos:home:shell (7 fields); line skipped"));
	if (f[0][0] == '\0' || mx_acct_num(f[2], &uid) == -1 ||
	    mx_acct_num(f[3], &g) == -1)
		return mx_accounts_problem(c->a, where,
		    _("empty name or a uid/gid that is not a number; line skipped"));
	if (uid < c->uid_min || uid > c->uid_max)
		return 0;
	if ((ac = mx_accounts_add(c->a, "", f[0])) == NULL)
		return -1;
	ac->uid = uid;
	ac->gid = g;
	hwhere = c->path;
	if (strcmp(f[1], "x") == 0 && c->shadow != NULL) {
		hash = colon_lookup(c->shadow, f[0], 0, 1, &sl);
		hwhere = c->shadow_path;
	} else if (strcmp(f[1], "x") != 0)
		hash = strdup(f[1]);
	snprintf(gid, sizeof gid, "%lld", g);
	group = c->group != NULL ? colon_lookup(c->group, gid, 2, 0, NULL) : NULL;
	if (mx_set(&ac->gecos, f[4]) == -1 || mx_set(&ac->home, f[5]) == -1 ||
	    mx_set(&ac->shell, f[6]) == -1) {
		free(hash);
		free(group);
		return -1;
	}
	ac->group = group;
	if (sl > 0)
		mx_setf(&ac->origin, "%s line %zu", hwhere, sl);
	else
		mx_setf(&ac->origin, "%s line %zu", c->path, lineno);
	if (hash == NULL) {
		ac->scheme = MX_HASH_NONE;
		return mx_set(&ac->skip, _("no password hash (not in the shadow file)"));
	}
	ac->hash = hash;
	ac->scheme = mx_hash_detect(hash, 0);
	if (ac->scheme == MX_HASH_LOCKED)
		return mx_set(&ac->skip, _("locked ('!' or '*' in the hash)"));
	if (ac->scheme == MX_HASH_NONE)
		return mx_set(&ac->skip, _("empty password: anyone could log in"));
	return 0;
}

int
mx_acct_parse_passwd(struct mx_accounts *a, const char *passwd,
    const char *passwd_path, const char *shadow, const char *shadow_path,
    const char *group, long long uid_min, long long uid_max)
{
	struct pw_ctx c = { a, passwd_path, shadow, shadow_path, group,
	    uid_min, uid_max };

	return mx_acct_each_line(passwd, passwd_line, &c);
}

/* --- .qmail and .forward ------------------------------------------- */

enum mx_qline
mx_acct_qmail_line(const char *line, const char **arg)
{
	size_t n;

	*arg = line;
	if (blank_or_comment(line))
		return MX_QL_NONE;
	switch (line[0]) {
	case '|':
		*arg = line + 1;
		while (**arg == ' ')
			(*arg)++;
		return MX_QL_PROGRAM;
	case '&':
		*arg = line + 1;
		return MX_QL_FORWARD;
	case '/':
	case '.':
		n = strlen(line);
		return line[n - 1] == '/' ? MX_QL_MAILDIR : MX_QL_MBOX;
	default:
		return MX_QL_FORWARD;
	}
}

static int
has_word(const char *cmd, const char *prog)
{
	const char *p = cmd;
	size_t n = strlen(prog);

	while ((p = strstr(p, prog)) != NULL) {
		if ((p == cmd || p[-1] == '/' || p[-1] == ' ') &&
		    (p[n] == '\0' || p[n] == ' ' || p[n] == '\t'))
			return 1;
		p += n;
	}
	return 0;
}

int
mx_acct_program_kind(const char *cmd, char *dir, size_t dirlen)
{
	static const char *const responders[] = { "autorespond",
	    "qmail-autoresponder", "vacation", "mailbot", NULL };
	const char *p, *e;
	size_t i;

	for (i = 0; responders[i] != NULL; i++)
		if (has_word(cmd, responders[i]))
			return 1;
	if ((p = strstr(cmd, "ezmlm-")) == NULL)
		return 0;
	if (dir != NULL && dirlen > 0) {
		dir[0] = '\0';
		/* The first argument that is an absolute path: the list dir. */
		for (p = strchr(p, ' '); p != NULL; p = strchr(p + 1, ' ')) {
			while (*p == ' ')
				p++;
			if (*p == '\'' || *p == '"')
				p++;
			if (*p != '/')
				continue;
			e = p + strcspn(p, " '\"");
			snprintf(dir, dirlen, "%.*s", (int)(e - p), p);
			break;
		}
	}
	return 2;
}

static int
dotqmail_line(void *vctx, char *line, size_t lineno)
{
	struct mx_account *ac = vctx;
	const char *arg;

	(void)lineno;
	switch (mx_acct_qmail_line(line, &arg)) {
	case MX_QL_FORWARD:
		return mx_account_add_forward(ac, arg);
	case MX_QL_PROGRAM:
		if (mx_acct_program_kind(arg, NULL, 0) == 1)
			return mx_set(&ac->autoresponder, arg);
		if (strstr(arg, "vdelivermail") != NULL)
			ac->keep_copy = 1;	/* normal vpopmail delivery */
		return 0;
	case MX_QL_MAILDIR:
	case MX_QL_MBOX:
		ac->keep_copy = 1;
		return 0;
	default:
		return 0;
	}
}

int
mx_acct_parse_dotqmail(struct mx_account *ac, const char *text)
{
	return mx_acct_each_line(text, dotqmail_line, ac);
}

int
mx_acct_parse_forward(struct mx_account *ac, const char *text)
{
	char *copy, *p, *tok, *save = NULL;
	int r = 0;

	if ((copy = strdup(text)) == NULL)
		return -1;
	for (p = copy; (tok = strtok_r(p, ",\n", &save)) != NULL; p = NULL) {
		while (*tok == ' ' || *tok == '\t')
			tok++;
		tok[strcspn(tok, "\r")] = '\0';
		while (*tok != '\0' && (tok[strlen(tok) - 1] == ' ' ||
		    tok[strlen(tok) - 1] == '\t'))
			tok[strlen(tok) - 1] = '\0';
		if (*tok == '\0' || *tok == '#')
			continue;
		if (*tok == '\\') {
			ac->keep_copy = 1;
			continue;
		}
		if (*tok == '|') {
			if (mx_acct_program_kind(tok + 1, NULL, 0) == 1 &&
			    (r = mx_set(&ac->autoresponder, tok + 1)) == -1)
				break;
			continue;
		}
		if (*tok == '"')
			continue;	/* quoted program or file: kept on the source */
		if ((r = mx_account_add_forward(ac, tok)) == -1)
			break;
	}
	free(copy);
	return r;
}

/* --- users/assign -------------------------------------------------- */

struct assign_ctx {
	const char *path;
	struct mx_accounts *problems;
	struct mx_assign *v;
	size_t n;
	int ended;
};

static int
assign_line(void *vctx, char *line, size_t lineno)
{
	struct assign_ctx *c = vctx;
	struct mx_assign *p, *e;
	char *f[9], where[512];
	size_t nf, dl;
	long long uid, gid;

	if (c->ended || line[0] == '\0')
		return 0;
	if (strcmp(line, ".") == 0) {
		c->ended = 1;
		return 0;
	}
	snprintf(where, sizeof where, "%s line %zu", c->path, lineno);
	if (line[0] != '+' && line[0] != '=')
		return mx_accounts_problem(c->problems, where,
		    _("a line must start with '+' or '=' (or be '.'); skipped"));
	nf = mx_acct_split(line + 1, ':', f, 8);
	if (nf < 7 || nf > 8 || mx_acct_num(f[2], &uid) == -1 ||
	    mx_acct_num(f[3], &gid) == -1)
		return mx_accounts_problem(c->problems, where,
		    _("not PREFIX:USER:UID:GID:DIR:DASH:EXT: ; skipped"));
	if (line[0] != '+')
		return 0;
	/* vpopmail: "+example.com-:example.com:89:89:DIR:-::" */
	dl = strlen(f[0]);
	if (dl < 2 || f[0][dl - 1] != '-' || strncmp(f[0], f[1], dl - 1) != 0 ||
	    f[1][dl - 1] != '\0')
		return 0;
	p = realloc(c->v, (c->n + 1) * sizeof *p);
	if (p == NULL)
		return -1;
	c->v = p;
	e = &p[c->n];
	e->domain = strdup(f[1]);
	e->dir = strdup(f[4]);
	e->uid = uid;
	e->gid = gid;
	if (e->domain == NULL || e->dir == NULL) {
		free(e->domain);
		free(e->dir);
		return -1;
	}
	c->n++;
	return 0;
}

int
mx_acct_parse_assign(const char *text, const char *path,
    struct mx_accounts *problems, struct mx_assign **out, size_t *n)
{
	struct assign_ctx c = { path, problems, NULL, 0, 0 };

	if (mx_acct_each_line(text, assign_line, &c) == -1) {
		mx_assign_free(c.v, c.n);
		return -1;
	}
	*out = c.v;
	*n = c.n;
	return 0;
}

void
mx_assign_free(struct mx_assign *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].domain);
		free(v[i].dir);
	}
	free(v);
}

/* --- vpasswd ------------------------------------------------------- */

struct vpw_ctx {
	struct mx_accounts *a;
	const char *domain, *path;
	long long uid, gid;
};

static int
vpasswd_line(void *vctx, char *line, size_t lineno)
{
	struct vpw_ctx *c = vctx;
	struct mx_account *ac;
	char *f[9], where[512];
	long long vuid, flags, qb, qc;
	size_t nf;

	if (line[0] == '\0')
		return 0;
	snprintf(where, sizeof where, "%s line %zu", c->path, lineno);
	nf = mx_acct_split(line, ':', f, 8);
	if (nf < 7 || nf > 8)
		return mx_accounts_problem(c->a, where,
		    _("not name:hash:uid:gid:gecos:dir:quota[:clear]; line skipped"));
	if (f[0][0] == '\0' || mx_acct_num(f[2], &vuid) == -1 ||
	    mx_acct_num(f[3], &flags) == -1)
		return mx_accounts_problem(c->a, where,
		    _("empty name, or a uid/gid field that is not a number; line skipped"));
	if (f[5][0] != '/')
		return mx_accounts_problem(c->a, where,
		    _("the directory '%s' is not an absolute path; line skipped"), f[5]);
	if (mx_quota_parse(f[6], &qb, &qc) == -1)
		return mx_accounts_problem(c->a, where,
		    _("the quota '%s' is not NOQUOTA, NNNS or NNNS,NNC; line skipped"),
		    f[6]);
	if (mx_accounts_find(c->a, c->domain, f[0]) != NULL)
		return mx_accounts_problem(c->a, where,
		    _("%s@%s appears twice; the second line is skipped"), f[0],
		    c->domain);
	if ((ac = mx_accounts_add(c->a, c->domain, f[0])) == NULL)
		return -1;
	ac->vuid = vuid;
	ac->vflags = flags;
	ac->uid = c->uid;
	ac->gid = c->gid;
	ac->quota_bytes = qb;
	ac->quota_count = qc;
	ac->disabled = (flags & (MX_VPOP_NO_POP | MX_VPOP_NO_IMAP)) ==
	    (MX_VPOP_NO_POP | MX_VPOP_NO_IMAP);
	if (mx_set(&ac->hash, f[1]) == -1 || mx_set(&ac->gecos, f[4]) == -1 ||
	    mx_set(&ac->home, f[5]) == -1 || mx_set(&ac->quota, f[6]) == -1 ||
	    mx_setf(&ac->src_maildir, "%s/Maildir", f[5]) == -1 ||
	    mx_set(&ac->origin, where) == -1)
		return -1;
	if (nf == 8 && f[7][0] != '\0' && mx_set(&ac->clear, f[7]) == -1)
		return -1;
	ac->scheme = mx_hash_detect(f[1], 0);
	if (ac->scheme == MX_HASH_NONE && ac->clear != NULL)
		ac->scheme = MX_HASH_PLAIN;	/* only the clear field */
	if (ac->scheme == MX_HASH_NONE)
		return mx_set(&ac->skip, _("no password at all"));
	if (ac->scheme == MX_HASH_LOCKED)
		return mx_set(&ac->skip, _("locked ('!' or '*' in the hash)"));
	return 0;
}

int
mx_acct_parse_vpasswd(struct mx_accounts *a, const char *domain,
    const char *text, const char *path, long long uid, long long gid)
{
	struct vpw_ctx c = { a, domain, path, uid, gid };

	return mx_acct_each_line(text, vpasswd_line, &c);
}

/* --- Dovecot passwd-file ------------------------------------------- */

struct dov_ctx {
	struct mx_accounts *a;
	const char *path;
};

static int
dovecot_line(void *vctx, char *line, size_t lineno)
{
	struct dov_ctx *c = vctx;
	struct mx_account *ac;
	char *f[9], where[512], *at, *hash;
	long long uid = -1, gid = -1;
	size_t nf;

	if (blank_or_comment(line))
		return 0;
	snprintf(where, sizeof where, "%s line %zu", c->path, lineno);
	nf = mx_acct_split(line, ':', f, 8);
	if (nf > 8)
		nf = 8;	/* extra fields may hold ':' */
	if (nf < 2 || f[0][0] == '\0' ||
	    (nf > 2 && f[2][0] != '\0' && mx_acct_num(f[2], &uid) == -1) ||
	    (nf > 3 && f[3][0] != '\0' && mx_acct_num(f[3], &gid) == -1))
		return mx_accounts_problem(c->a, where,
		    _("not user:password:uid:gid:gecos:home:shell:extra; line skipped"));
	at = strrchr(f[0], '@');
	if (at != NULL)
		*at++ = '\0';
	if ((ac = mx_accounts_add(c->a, at != NULL ? at : "", f[0])) == NULL)
		return -1;
	if (at != NULL && mx_accounts_add_domain(c->a, at) == -1)
		return -1;
	ac->uid = uid;
	ac->gid = gid;
	hash = f[1];
	if (hash[0] == '{' && strchr(hash, '}') != NULL)
		hash = strchr(hash, '}') + 1;
	if (mx_set(&ac->hash, hash) == -1 || mx_set(&ac->origin, where) == -1)
		return -1;
	ac->scheme = mx_hash_detect(hash, strncmp(f[1], "{PLAIN}", 7) == 0);
	if (nf > 5 && f[5][0] != '\0') {
		if (mx_set(&ac->home, f[5]) == -1 ||
		    mx_setf(&ac->src_maildir, "%s/Maildir", f[5]) == -1)
			return -1;
	}
	return 0;
}

int
mx_acct_parse_dovecot(struct mx_accounts *a, const char *text,
    const char *path)
{
	struct dov_ctx c = { a, path };

	return mx_acct_each_line(text, dovecot_line, &c);
}
