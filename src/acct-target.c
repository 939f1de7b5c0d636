/* acct-target.c - the targets (system users, vpopmail, a Dovecot
 * passwd-file), the step script, its rendering and its application (see
 * acct-target.h). */
#include <config.h>

#include <crypt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acct-int.h"
#include "acct-target.h"
#include "audit.h"
#include "host.h"
#include "i18n.h"
#include "quote.h"

void
mx_target_opts_init(struct mx_target_opts *o)
{
	memset(o, 0, sizeof *o);
	o->uid = o->gid = -1;
}

char *
mx_hash_make(const char *clear)
{
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data *cd;
	char *h, *r = NULL;

	if (crypt_gensalt_rn("$6$", 0, NULL, 0, salt, sizeof salt) == NULL)
		return NULL;
	if ((cd = calloc(1, sizeof *cd)) == NULL)
		return NULL;
	h = crypt_r(clear, salt, cd);
	if (h != NULL && h[0] == '$')
		r = strdup(h);
	explicit_bzero(cd, sizeof *cd);
	free(cd);
	return r;
}

/* --- building steps ------------------------------------------------- */

static void
strv_free(char **v)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

/* A NULL-terminated argv from the words (NULL-terminated varargs). */
static char **
argv_make(const char *first, ...)
{
	const char *w;
	char **v = NULL, **p;
	size_t n = 0;
	va_list ap;

	va_start(ap, first);
	for (w = first; w != NULL; w = va_arg(ap, const char *)) {
		if ((p = realloc(v, (n + 2) * sizeof *v)) == NULL)
			goto fail;
		v = p;
		if ((v[n] = strdup(w)) == NULL)
			goto fail;
		v[++n] = NULL;
	}
	va_end(ap);
	return v;
fail:
	va_end(ap);
	if (v != NULL)
		v[n] = NULL;
	strv_free(v);
	return NULL;
}

/* Append a word to an argv. */
static int
argv_push(char ***v, const char *w)
{
	size_t n = 0;
	char **p;

	while (*v != NULL && (*v)[n] != NULL)
		n++;
	if ((p = realloc(*v, (n + 2) * sizeof *p)) == NULL)
		return -1;
	*v = p;
	if ((p[n] = strdup(w)) == NULL)
		return -1;
	p[n + 1] = NULL;
	return 0;
}

static struct mx_step *
step_add(struct mx_script *s, size_t acct, const char *label)
{
	struct mx_step *st;
	void *p;

	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 32;
		if ((p = realloc(s->v, s->cap * sizeof *st)) == NULL)
			return NULL;
		s->v = p;
	}
	st = &s->v[s->n];
	memset(st, 0, sizeof *st);
	st->acct = acct;
	if ((st->label = strdup(label)) == NULL)
		return NULL;
	s->n++;
	return st;
}

static int
step_cmd(struct mx_step *st, char **argv, const char *input)
{
	struct mx_cmd *p;

	if (argv == NULL)
		return -1;
	if ((p = realloc(st->cmds, (st->ncmds + 1) * sizeof *p)) == NULL) {
		strv_free(argv);
		return -1;
	}
	st->cmds = p;
	p[st->ncmds].argv = argv;
	p[st->ncmds].input = input != NULL ? strdup(input) : NULL;
	st->ncmds++;
	return 0;
}

static int
step_refuse(struct mx_step *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int
step_refuse(struct mx_step *st, const char *fmt, ...)
{
	struct mx_buf b = MX_BUF_INIT;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = mx_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (r == -1) {
		mx_buf_free(&b);
		return -1;
	}
	free(st->refused);
	st->refused = mx_buf_steal(&b);
	return 0;
}

void
mx_script_free(struct mx_script *s)
{
	size_t i, j;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++) {
		free(s->v[i].label);
		strv_free(s->v[i].check);
		for (j = 0; j < s->v[i].ncmds; j++) {
			strv_free(s->v[i].cmds[j].argv);
			if (s->v[i].cmds[j].input != NULL) {
				explicit_bzero(s->v[i].cmds[j].input,
				    strlen(s->v[i].cmds[j].input));
				free(s->v[i].cmds[j].input);
			}
		}
		free(s->v[i].cmds);
		strv_free(s->v[i].readback);
		free(s->v[i].maildir_suffix);
		free(s->v[i].sql_check);
		if (s->v[i].sql != NULL)
			explicit_bzero(s->v[i].sql, strlen(s->v[i].sql));
		free(s->v[i].sql);
		free(s->v[i].refused);
	}
	free(s->v);
	free(s->target);
	free(s->host);
	free(s->sql_defaults);
	free(s->sql_db);
	free(s);
}

/* A label that is safe in a comment and an echo: non-printing bytes as '?'. */
static void
addr_of(char *buf, size_t len, const struct mx_account *ac)
{
	char *p;

	snprintf(buf, len, "%s%s%s", ac->local, ac->domain[0] ? "@" : "",
	    ac->domain);
	for (p = buf; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
}

/* The step keeps the hash it uses alive, and masks it in previews and
 * logs (st->secret): a clear-text password hashed now (target_hash)
 * replaces the account's, which becomes SHA-512; hash is consumed. */
static void
keep_hash(struct mx_account *ac, struct mx_step *st, char *hash)
{
	if (ac->scheme == MX_HASH_PLAIN) {
		free(ac->hash);
		ac->hash = hash;
		ac->scheme = MX_HASH_SHA512;
		hash = NULL;
	}
	st->secret = ac->hash;
	free(hash);
}

/* The hash a target stores: the source's, or clear text hashed now.
 * Returns a malloc'd hash, or NULL with *why set. */
static char *
target_hash(struct mx_account *ac, const char **why)
{
	switch (ac->scheme) {
	case MX_HASH_PLAIN:
		if (ac->hash != NULL && ac->hash[0] != '\0')
			return mx_hash_make(ac->hash);
		if (ac->clear != NULL)
			return mx_hash_make(ac->clear);
		*why = _("no password");
		return NULL;
	case MX_HASH_PLESK_AES:
		*why = _("the password is encrypted with Plesk's key: decrypt it "
		    "on the old host or have the user reset it");
		return NULL;
	case MX_HASH_UNKNOWN:
		*why = _("the password field is not a hash this tool knows");
		return NULL;
	case MX_HASH_NONE:
	case MX_HASH_LOCKED:
		*why = _("no usable password (locked or empty)");
		return NULL;
	default:
		if (!mx_hash_usable(ac->hash)) {
			*why = _("crypt() here cannot check this hash scheme");
			return NULL;
		}
		return strdup(ac->hash);
	}
}

/* The root of a rooted local host, or NULL. Caller frees. */
static char *
host_root(struct mx_host *h)
{
	char *p = mx_host_path(h, "/");
	size_t n;

	if (p == NULL || strcmp(p, "/") == 0) {
		free(p);
		return NULL;
	}
	n = strlen(p);
	while (n > 1 && p[n - 1] == '/')
		p[--n] = '\0';
	return p;
}

/* Names in field 0 (and field 2 = ids) of a colon file on the host. */
struct colon {
	char **name;
	long long *id;
	size_t n;
};

static void
colon_free(struct colon *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		free(c->name[i]);
	free(c->name);
	free(c->id);
}

static int
colon_line(void *vctx, char *line, size_t lineno)
{
	struct colon *c = vctx;
	char *f[8];
	long long id;
	void *p;

	(void)lineno;
	if (mx_acct_split(line, ':', f, 7) < 3 || mx_acct_num(f[2], &id) == -1)
		return 0;
	if ((p = realloc(c->name, (c->n + 1) * sizeof *c->name)) == NULL)
		return -1;
	c->name = p;
	if ((p = realloc(c->id, (c->n + 1) * sizeof *c->id)) == NULL)
		return -1;
	c->id = p;
	if ((c->name[c->n] = strdup(f[0])) == NULL)
		return -1;
	c->id[c->n++] = id;
	return 0;
}

static int
colon_read(struct mx_host *h, const char *path, struct colon *c,
    struct mx_err *err)
{
	struct mx_buf b = MX_BUF_INIT;
	int r;

	memset(c, 0, sizeof *c);
	r = mx_acct_read_opt(h, path, &b, err);
	if (r == 1 && mx_acct_each_line(b.data, colon_line, c) == -1)
		r = mx_err_set(err, MX_E_GENERIC, _("out of memory"));
	mx_buf_free(&b);
	return r == -1 ? -1 : 0;
}

static const char *
colon_name(const struct colon *c, long long id)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (c->id[i] == id)
			return c->name[i];
	return NULL;
}

static int
colon_has(const struct colon *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->name[i], name) == 0)
			return 1;
	return 0;
}

/* mkdir + chown of home, home/Maildir and its cur new tmp (the Maildir
 * made and owned as maildirmake + chown would). hpath: home as the
 * transport sees it. */
static int
maildir_cmds(struct mx_step *st, const char *hpath, long long uid,
    long long gid)
{
	char *md = NULL, *cur = NULL, *nw = NULL, *tmp = NULL, owner[64];
	int r = -1;

	snprintf(owner, sizeof owner, "%lld:%lld", uid, gid);
	if (mx_setf(&md, "%s/Maildir", hpath) == -1 ||
	    mx_setf(&cur, "%s/cur", md) == -1 ||
	    mx_setf(&nw, "%s/new", md) == -1 ||
	    mx_setf(&tmp, "%s/tmp", md) == -1)
		goto out;
	if (step_cmd(st, argv_make("mkdir", "-p", "-m", "0700", "--", hpath,
	    md, cur, nw, tmp, NULL), NULL) == -1 ||
	    step_cmd(st, argv_make("chown", owner, "--", hpath, md, cur, nw,
	    tmp, NULL), NULL) == -1)
		goto out;
	r = 0;
out:
	free(md);
	free(cur);
	free(nw);
	free(tmp);
	return r;
}

/* Common checks; 1 when the account gets a step body, 0 refused/skipped. */
static int
usable(struct mx_step *st, struct mx_account *ac, char **hash)
{
	const char *why = NULL;

	*hash = NULL;
	if (!mx_name_safe(ac->local) ||
	    (ac->domain[0] != '\0' && !mx_domain_safe(ac->domain))) {
		step_refuse(st, _("the name holds characters that are not "
		    "safe (only letters, digits and . _ - + =)"));
		return 0;
	}
	if ((*hash = target_hash(ac, &why)) == NULL) {
		step_refuse(st, "%s", why ? why : _("out of memory"));
		return 0;
	}
	return 1;
}

/* --- target: system users ------------------------------------------- */

static int
sys_plan(struct mx_host *dst, struct mx_accounts *a,
    const struct mx_target_opts *o, struct mx_script *s, struct mx_err *err)
{
	struct colon pw, gr;
	struct mx_step *st;
	struct mx_account *ac;
	char *root = host_root(dst), *pwpath = NULL, *hash, *hpath;
	char addr[400], uid[32], gid[32], **ua;
	const char *gname;
	size_t i, j;
	int r = -1;

	(void)o;
	if (colon_read(dst, "/etc/passwd", &pw, err) == -1)
		goto out0;
	if (colon_read(dst, "/etc/group", &gr, err) == -1)
		goto out1;
	pwpath = mx_host_path(dst, "/etc/passwd");
	for (i = 0; i < a->nacct; i++) {
		ac = &a->acct[i];
		if (ac->skip != NULL)
			continue;
		addr_of(addr, sizeof addr, ac);
		if ((st = step_add(s, i, addr)) == NULL)
			goto oom;
		if (!usable(st, ac, &hash))
			continue;
		st->secret = NULL;
		if (colon_has(&pw, ac->local)) {
			st->exists = 1;
		} else if (ac->uid < 500 || ac->gid < 0) {
			step_refuse(st, _("uid %lld is not a user's id (a "
			    "virtual account): use --target dovecot or "
			    "vpopmail"), ac->uid);
		} else if (colon_name(&pw, ac->uid) != NULL) {
			step_refuse(st, _("uid %lld belongs to %s on the "
			    "target"), ac->uid, colon_name(&pw, ac->uid));
		} else if (ac->home == NULL || ac->home[0] != '/') {
			step_refuse(st, _("no home directory"));
		}
		for (j = 0; j < i && st->refused == NULL && !st->exists; j++)
			if (a->acct[j].skip == NULL &&
			    strcmp(a->acct[j].local, ac->local) == 0)
				step_refuse(st, _("the name %s is taken by an "
				    "earlier account (system users have no "
				    "domain)"), ac->local);
		if (st->refused != NULL) {
			free(hash);
			continue;
		}
		st->check = argv_make("awk", "-F:", "-v", NULL);
		{
			char *u = NULL, *prog = "$1 == u { f = 1 } END { exit !f }";

			mx_setf(&u, "u=%s", ac->local);
			argv_push(&st->check, u);
			argv_push(&st->check, prog);
			argv_push(&st->check, pwpath);
			free(u);
		}
		if (st->exists) {
			mx_set(&ac->dst_home, ac->home);
			free(hash);
			continue;
		}
		snprintf(uid, sizeof uid, "%lld", ac->uid);
		snprintf(gid, sizeof gid, "%lld", ac->gid);
		if (colon_name(&gr, ac->gid) == NULL) {
			gname = ac->group != NULL && mx_name_safe(ac->group) &&
			    !colon_has(&gr, ac->group) ? ac->group : ac->local;
			ua = argv_make("groupadd", NULL);
			if (root != NULL)
				argv_push(&ua, "--prefix"), argv_push(&ua, root);
			argv_push(&ua, "-g");
			argv_push(&ua, gid);
			argv_push(&ua, "--");
			argv_push(&ua, gname);
			if (step_cmd(st, ua, NULL) == -1)
				goto oom;
		}
		ua = argv_make("useradd", NULL);
		if (root != NULL)
			argv_push(&ua, "--prefix"), argv_push(&ua, root);
		argv_push(&ua, "-M");
		argv_push(&ua, "-u");
		argv_push(&ua, uid);
		argv_push(&ua, "-g");
		argv_push(&ua, gid);
		argv_push(&ua, "-d");
		argv_push(&ua, ac->home);
		if (ac->shell != NULL && ac->shell[0] == '/' &&
		    strchr(ac->shell, ':') == NULL)
			argv_push(&ua, "-s"), argv_push(&ua, ac->shell);
		if (ac->gecos != NULL && ac->gecos[0] != '\0' &&
		    strpbrk(ac->gecos, ":\n") == NULL)
			argv_push(&ua, "-c"), argv_push(&ua, ac->gecos);
		argv_push(&ua, "-p");
		argv_push(&ua, hash);
		argv_push(&ua, "--");
		argv_push(&ua, ac->local);
		if (step_cmd(st, ua, NULL) == -1)
			goto oom;
		hpath = mx_host_path(dst, ac->home);
		if (hpath == NULL || maildir_cmds(st, hpath, ac->uid, ac->gid) == -1) {
			free(hpath);
			goto oom;
		}
		free(hpath);
		mx_set(&ac->dst_home, ac->home);
		mx_setf(&ac->dst_maildir, "%s/Maildir", ac->home);
		keep_hash(ac, st, hash);
	}
	r = 0;
	goto out;
oom:
	mx_err_set(err, MX_E_GENERIC, _("out of memory"));
out:
	colon_free(&gr);
out1:
	colon_free(&pw);
out0:
	free(pwpath);
	free(root);
	return r;
}

static const struct mx_acct_target target_system = {
	.name = "system",
	.summary = N_("system users: useradd -p HASH (--prefix on local:ROOT), home and Maildir owned by the user"),
	.plan = sys_plan,
};

/* --- target: a Dovecot passwd-file ---------------------------------- */

static int
dovecot_plan(struct mx_host *dst, struct mx_accounts *a,
    const struct mx_target_opts *o, struct mx_script *s, struct mx_err *err)
{
	const char *file = o->dovecot_users ? o->dovecot_users :
	    "/etc/dovecot/users";
	const char *mroot = o->mail_root ? o->mail_root : "/var/vmail";
	struct mx_accounts *have = mx_accounts_new("dovecot");
	struct mx_buf b = MX_BUF_INIT;
	struct mx_step *st;
	struct mx_account *ac;
	char addr[400], *fpath = NULL, *hash, *home = NULL, *hpath, *line = NULL;
	char *u = NULL, *dir = NULL, qf[128];
	long long uid, gid;
	size_t i;
	int r = -1;

	if (have == NULL)
		return mx_err_set(err, MX_E_GENERIC, _("out of memory"));
	if (mx_acct_read_opt(dst, file, &b, err) == -1)
		goto out;
	if (b.data != NULL && mx_acct_parse_dovecot(have, b.data, file) == -1)
		goto oom;
	if ((fpath = mx_host_path(dst, file)) == NULL)
		goto oom;
	for (i = 0; i < a->nacct; i++) {
		ac = &a->acct[i];
		if (ac->skip != NULL)
			continue;
		addr_of(addr, sizeof addr, ac);
		if ((st = step_add(s, i, addr)) == NULL)
			goto oom;
		if (!usable(st, ac, &hash))
			continue;
		uid = o->uid >= 0 ? o->uid : ac->uid;
		gid = o->gid >= 0 ? o->gid : ac->gid;
		free(home);
		home = NULL;
		/* Virtual users under the mail root; system users keep their
		 * home unless a mail root is given. */
		if (ac->domain[0] != '\0')
			mx_setf(&home, "%s/%s/%s", mroot, ac->domain, ac->local);
		else if (o->mail_root != NULL)
			mx_setf(&home, "%s/%s", mroot, ac->local);
		else
			mx_set(&home, ac->home);
		if (mx_accounts_find(have, ac->domain, ac->local) != NULL)
			st->exists = 1;
		else if (uid <= 0 || gid <= 0)
			step_refuse(st, _("no owner for its mail (uid %lld): give "
			    "--owner UID:GID"), uid);
		else if (home == NULL || home[0] != '/' || strchr(home, ':'))
			step_refuse(st, _("no usable home directory"));
		if (st->refused != NULL) {
			free(hash);
			continue;
		}
		/* exists when the file has a line "addr:..." */
		mx_setf(&u, "u=%s", addr);
		st->check = argv_make("awk", "-F:", "-v", u,
		    "$1 == u { f = 1 } END { exit !f }", fpath, NULL);
		mx_set(&ac->dst_home, home);
		mx_setf(&ac->dst_maildir, "%s/Maildir", home);
		if (st->exists) {
			free(hash);
			continue;
		}
		hpath = mx_host_path(dst, home);
		if (hpath == NULL || maildir_cmds(st, hpath, uid, gid) == -1) {
			free(hpath);
			free(hash);
			goto oom;
		}
		free(hpath);
		free(line);
		line = NULL;
		/* The quota travels as a userdb field for Dovecot's quota
		 * plugin (ignored when the plugin is not loaded). */
		if (ac->quota_bytes >= 0 && ac->quota_count >= 0)
			snprintf(qf, sizeof qf, "userdb_quota_rule=*:bytes=%lld:"
			    "messages=%lld", ac->quota_bytes, ac->quota_count);
		else if (ac->quota_bytes >= 0)
			snprintf(qf, sizeof qf, "userdb_quota_rule=*:bytes=%lld",
			    ac->quota_bytes);
		else
			qf[0] = '\0';
		mx_setf(&line, "%s:{CRYPT}%s:%lld:%lld::%s::%s\n", addr, hash, uid,
		    gid, home, qf);
		free(dir);
		dir = NULL;
		/* The file's directory must exist. A new file is made 0600; an
		 * existing one keeps its mode and owner (Dovecot's auth user must
		 * read it: 0640 root:dovecot). */
		mx_set(&dir, fpath);
		if (strrchr(dir, '/') != NULL && strrchr(dir, '/') != dir)
			*strrchr(dir, '/') = '\0';
		if (line == NULL || step_cmd(st, argv_make("sh", "-c",
		    "umask 077 && mkdir -p -- \"$1\" && cat >> \"$2\"", "sh",
		    dir, fpath, NULL), line) == -1) {
			free(hash);
			goto oom;
		}
		keep_hash(ac, st, hash);
	}
	r = 0;
	goto out;
oom:
	mx_err_set(err, MX_E_GENERIC, _("out of memory"));
out:
	if (line != NULL)
		explicit_bzero(line, strlen(line));
	free(line);
	free(u);
	free(dir);
	free(home);
	free(fpath);
	mx_buf_free(&b);
	mx_accounts_free(have);
	return r;
}

static const struct mx_acct_target target_dovecot = {
	.name = "dovecot",
	.summary = N_("a Dovecot passwd-file (user:{CRYPT}hash:uid:gid::home::) and Maildirs"),
	.plan = dovecot_plan,
};

/* --- target: vpopmail (vadddomain, vadduser -e) --------------------- */

/* Aliases (.qmail-NAME, valias rows): "valias -i LINE NAME@DOMAIN" for
 * each forward; program and file lines point at the old host's paths and
 * are refused (re-create them by hand). Exists when the domain's
 * .qmail-NAME is there. */
static int
vpop_alias_steps(struct mx_accounts *a, const char *vdir, struct mx_script *s)
{
	char lbl[600], addr[400], *dominfo = NULL, *valias = NULL, *file = NULL;
	const struct mx_alias *al;
	struct mx_step *st;
	const char *arg;
	size_t i, j;
	char *c;
	int r = -1;

	if (mx_setf(&dominfo, "%s/bin/vdominfo", vdir) == -1 ||
	    mx_setf(&valias, "%s/bin/valias", vdir) == -1)
		goto out;
	for (i = 0; i < a->nalias; i++) {
		al = &a->alias[i];
		snprintf(addr, sizeof addr, "%s@%s", al->name, al->domain);
		for (c = addr; *c; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				*c = '?';
		snprintf(lbl, sizeof lbl, "alias %s", addr);
		if ((st = step_add(s, (size_t)-1, lbl)) == NULL)
			goto out;
		if (al->domain[0] == '\0' || !mx_domain_safe(al->domain) ||
		    !mx_name_safe(al->name)) {
			step_refuse(st, _("the alias name is not safe"));
			continue;
		}
		for (j = 0; j < al->ndest && st->refused == NULL; j++)
			if (mx_acct_qmail_line(al->dest[j], &arg) != MX_QL_FORWARD ||
			    strpbrk(arg, " \t") != NULL)
				step_refuse(st, _("a program or file delivery "
				    "(%s): re-create it by hand"), al->dest[j]);
		if (st->refused != NULL)
			continue;
		free(file);
		file = NULL;
		if (mx_setf(&file, ".qmail-%s", al->name) == -1)
			goto out;
		for (c = file + 7; *c; c++)
			if (*c == '.')
				*c = ':';
		st->check = argv_make("sh", "-c",
		    "d=$(\"$1\" -d \"$2\") && test -e \"$d/$3\"", "sh",
		    dominfo, al->domain, file, NULL);
		for (j = 0; j < al->ndest; j++)
			if (step_cmd(st, argv_make(valias, "-i", al->dest[j],
			    addr, NULL), NULL) == -1)
				goto out;
	}
	r = 0;
out:
	free(dominfo);
	free(valias);
	free(file);
	return r;
}

static int
vpop_plan(struct mx_host *dst, struct mx_accounts *a,
    const struct mx_target_opts *o, struct mx_script *s, struct mx_err *err)
{
	const char *vdir = o->vpopmail_dir ? o->vpopmail_dir : "/home/vpopmail";
	char *bin[6] = { NULL }, *root = host_root(dst), addr[400], lbl[400];
	static const char *const names[] = { "vdominfo", "vadddomain",
	    "vuserinfo", "vadduser", "vmoduser" };
	static const struct { long long bit; const char *opt; } flags[] = {
		{ MX_VPOP_NO_PASSWD_CHNG, "-d" }, { MX_VPOP_NO_POP, "-p" },
		{ MX_VPOP_NO_WEBMAIL, "-w" }, { MX_VPOP_NO_IMAP, "-i" },
		{ MX_VPOP_BOUNCE_MAIL, "-b" },
	};
	struct mx_step *st;
	struct mx_account *ac;
	char *hash, quota[64], **mod;
	size_t i, k;
	int r = -1;

	if (root != NULL) {
		free(root);
		return mx_err_set(err, MX_E_USAGE, _("the vpopmail target runs "
		    "vpopmail's own programs: on a local:ROOT copy they cannot "
		    "act inside the root; write the script (--script FILE) and "
		    "run it on the new host"));
	}
	for (k = 0; k < 5; k++)
		if (mx_setf(&bin[k], "%s/bin/%s", vdir, names[k]) == -1)
			goto oom;
	for (i = 0; i < a->ndomains; i++) {
		snprintf(lbl, sizeof lbl, "domain %s", a->domains[i]);
		if ((st = step_add(s, (size_t)-1, lbl)) == NULL)
			goto oom;
		if (!mx_domain_safe(a->domains[i])) {
			step_refuse(st, _("the domain name is not safe"));
			continue;
		}
		st->check = argv_make(bin[0], "-d", a->domains[i], NULL);
		/* -r: a random postmaster password (never on a command line) */
		if (step_cmd(st, argv_make(bin[1], "-r", a->domains[i], NULL),
		    NULL) == -1)
			goto oom;
	}
	for (i = 0; i < a->nacct; i++) {
		ac = &a->acct[i];
		if (ac->skip != NULL)
			continue;
		addr_of(addr, sizeof addr, ac);
		if ((st = step_add(s, i, addr)) == NULL)
			goto oom;
		if (ac->domain[0] == '\0') {
			step_refuse(st, _("a system user has no domain: give "
			    "the domain on the source side (vpopmail needs "
			    "user@domain)"));
			continue;
		}
		if (!usable(st, ac, &hash))
			continue;
		st->check = argv_make(bin[2], "-d", addr, NULL);
		st->readback = argv_make(bin[2], "-d", addr, NULL);
		mx_set(&st->maildir_suffix, "/Maildir");
		if (ac->quota_bytes >= 0)
			snprintf(quota, sizeof quota, "%lld", ac->quota_bytes);
		else
			snprintf(quota, sizeof quota, "NOQUOTA");
		if (step_cmd(st, argv_make(bin[3], "-q", quota, "-c",
		    ac->gecos && ac->gecos[0] && !strpbrk(ac->gecos, ":\n") ?
		    ac->gecos : ac->local, "-e", hash, addr, NULL), NULL) == -1) {
			free(hash);
			goto oom;
		}
		mod = argv_make(bin[4], NULL);
		for (k = 0; k < sizeof flags / sizeof flags[0]; k++)
			if (ac->vflags > 0 && (ac->vflags & flags[k].bit))
				argv_push(&mod, flags[k].opt);
		if (mod != NULL && mod[1] != NULL) {
			argv_push(&mod, addr);
			if (step_cmd(st, mod, NULL) == -1)
				goto oom;
		} else
			strv_free(mod);
		keep_hash(ac, st, hash);
	}
	if (vpop_alias_steps(a, vdir, s) == -1)
		goto oom;
	r = 0;
	goto out;
oom:
	mx_err_set(err, MX_E_GENERIC, _("out of memory"));
out:
	for (k = 0; k < 5; k++)
		free(bin[k]);
	return r;
}

static const struct mx_acct_target target_vpopmail = {
	.name = "vpopmail",
	.summary = N_("vpopmail: vadddomain, vadduser -e HASH -q QUOTA, the directory read back with vuserinfo -d"),
	.plan = vpop_plan,
};

/* --- target: rows in vpopmail's MySQL tables ------------------------ */

static int
vsql_plan(struct mx_host *dst, struct mx_accounts *a,
    const struct mx_target_opts *o, struct mx_script *s, struct mx_err *err)
{
	const char *vdir = o->vpopmail_dir ? o->vpopmail_dir : "/home/vpopmail";
	char *root = host_root(dst), addr[400], lbl[400], *hash, *dir = NULL;
	char *bin_info = NULL, *bin_add = NULL, *hpath;
	struct mx_buf q = MX_BUF_INIT;
	struct mx_step *st;
	struct mx_account *ac;
	long long uid, gid;
	size_t i;
	int r = -1;

	if (mx_setf(&bin_info, "%s/bin/vdominfo", vdir) == -1 ||
	    mx_setf(&bin_add, "%s/bin/vadddomain", vdir) == -1)
		goto oom;
	/* Domains: vadddomain (it knows qmail's files); not inside a
	 * local:ROOT copy, where the domain must be added on the host. */
	for (i = 0; root == NULL && i < a->ndomains; i++) {
		snprintf(lbl, sizeof lbl, "domain %s", a->domains[i]);
		if ((st = step_add(s, (size_t)-1, lbl)) == NULL)
			goto oom;
		if (!mx_domain_safe(a->domains[i])) {
			step_refuse(st, _("the domain name is not safe"));
			continue;
		}
		st->check = argv_make(bin_info, "-d", a->domains[i], NULL);
		if (step_cmd(st, argv_make(bin_add, "-r", a->domains[i], NULL),
		    NULL) == -1)
			goto oom;
	}
	for (i = 0; i < a->nacct; i++) {
		ac = &a->acct[i];
		if (ac->skip != NULL)
			continue;
		addr_of(addr, sizeof addr, ac);
		if ((st = step_add(s, i, addr)) == NULL)
			goto oom;
		if (ac->domain[0] == '\0') {
			step_refuse(st, _("a system user has no domain (vpopmail "
			    "needs user@domain)"));
			continue;
		}
		if (!usable(st, ac, &hash))
			continue;
		uid = o->uid >= 0 ? o->uid : ac->uid;
		gid = o->gid >= 0 ? o->gid : ac->gid;
		if (uid <= 0 || gid <= 0) {
			step_refuse(st, _("no owner for its mail (uid %lld): give "
			    "--owner UID:GID (vpopmail's)"), uid);
			free(hash);
			continue;
		}
		free(dir);
		dir = NULL;
		mx_setf(&dir, "%s/domains/%s/%s", vdir, ac->domain, ac->local);
		mx_buf_reset(&q);
		mx_buf_puts(&q, "SELECT 1 FROM vpopmail WHERE pw_name = ");
		mx_acct_sql_quote(&q, ac->local);
		mx_buf_puts(&q, " AND pw_domain = ");
		mx_acct_sql_quote(&q, ac->domain);
		st->sql_check = mx_buf_steal(&q);
		mx_buf_puts(&q, "INSERT INTO vpopmail (pw_name, pw_domain, "
		    "pw_passwd, pw_uid, pw_gid, pw_gecos, pw_dir, pw_shell) "
		    "VALUES (");
		mx_acct_sql_quote(&q, ac->local);
		mx_buf_puts(&q, ", ");
		mx_acct_sql_quote(&q, ac->domain);
		mx_buf_puts(&q, ", ");
		mx_acct_sql_quote(&q, hash);
		mx_buf_printf(&q, ", %lld, %lld, ", ac->vuid > 0 ? ac->vuid : 1,
		    ac->vflags > 0 ? ac->vflags : 0);
		mx_acct_sql_quote(&q, ac->gecos ? ac->gecos : "");
		mx_buf_puts(&q, ", ");
		mx_acct_sql_quote(&q, dir ? dir : "");
		mx_buf_puts(&q, ", ");
		mx_acct_sql_quote(&q, ac->quota_bytes >= 0 && ac->quota ?
		    ac->quota : "NOQUOTA");
		mx_buf_puts(&q, ")");
		st->sql = mx_buf_steal(&q);
		hpath = dir ? mx_host_path(dst, dir) : NULL;
		if (st->sql_check == NULL || st->sql == NULL || hpath == NULL ||
		    maildir_cmds(st, hpath, uid, gid) == -1) {
			free(hpath);
			free(hash);
			goto oom;
		}
		free(hpath);
		mx_set(&ac->dst_home, dir);
		mx_setf(&ac->dst_maildir, "%s/Maildir", dir);
		keep_hash(ac, st, hash);
	}
	r = 0;
	goto out;
oom:
	mx_err_set(err, MX_E_GENERIC, _("out of memory"));
out:
	mx_buf_free(&q);
	free(dir);
	free(bin_info);
	free(bin_add);
	free(root);
	return r;
}

static const struct mx_acct_target target_vpopmail_mysql = {
	.name = "vpopmail-mysql",
	.summary = N_("rows in vpopmail's MySQL table (vpopmail), Maildirs made and owned; domains with vadddomain"),
	.plan = vsql_plan,
};

const struct mx_acct_target *const mx_acct_targets[] = {
	&target_system,
	&target_vpopmail,
	&target_dovecot,
	&target_vpopmail_mysql,
	NULL
};

const struct mx_acct_target *
mx_acct_target_find(const char *name)
{
	size_t i;

	for (i = 0; mx_acct_targets[i] != NULL; i++)
		if (strcmp(mx_acct_targets[i]->name, name) == 0)
			return mx_acct_targets[i];
	return NULL;
}

int
mx_accounts_plan(struct mx_host *dst, const char *kind,
    struct mx_accounts *a, const struct mx_target_opts *o,
    struct mx_script **out, struct mx_err *err)
{
	const struct mx_acct_target *t = mx_acct_target_find(kind);
	struct mx_script *s;

	*out = NULL;
	if (t == NULL)
		return mx_err_set(err, MX_E_USAGE,
		    _("unknown account target '%s'"), kind);
	if ((s = calloc(1, sizeof *s)) == NULL ||
	    mx_set(&s->target, kind) == -1 ||
	    mx_set(&s->host, mx_host_name(dst)) == -1 ||
	    mx_set(&s->sql_defaults, o->sql_defaults) == -1 ||
	    mx_set(&s->sql_db, o->sql_db ? o->sql_db : "vpopmail") == -1) {
		mx_script_free(s);
		return mx_err_set(err, MX_E_GENERIC, _("out of memory"));
	}
	if (t->plan(dst, a, o, s, err) == -1) {
		mx_script_free(s);
		return -1;
	}
	*out = s;
	return 0;
}

/* --- rendering ------------------------------------------------------ */

/* s with every occurrence of secret replaced by its mask. */
static char *
masked(const char *s, const char *secret, const struct mx_account *ac)
{
	struct mx_buf b = MX_BUF_INIT;
	char mask[64];
	const char *p;
	size_t n;

	if (secret == NULL || secret[0] == '\0' || strstr(s, secret) == NULL)
		return strdup(s);
	mx_hash_mask(secret, ac ? ac->scheme : MX_HASH_UNKNOWN, mask, sizeof mask);
	n = strlen(secret);
	while ((p = strstr(s, secret)) != NULL) {
		mx_buf_append(&b, s, (size_t)(p - s));
		mx_buf_puts(&b, mask);
		s = p + n;
	}
	mx_buf_puts(&b, s);
	return mx_buf_steal(&b);
}

static int
render_argv(struct mx_buf *out, char *const *argv, const char *secret,
    const struct mx_account *ac, int mask)
{
	size_t i;
	char *w;

	for (i = 0; argv[i] != NULL; i++) {
		if (i > 0)
			mx_buf_puts(out, " ");
		w = mask ? masked(argv[i], secret, ac) : strdup(argv[i]);
		if (w == NULL || mx_shell_quote(out, w) == -1) {
			free(w);
			return -1;
		}
		free(w);
	}
	return 0;
}

int
mx_script_render(const struct mx_script *s, int mask_secrets,
    const struct mx_accounts *a, struct mx_buf *out)
{
	const struct mx_step *st;
	const struct mx_account *ac;
	char *in;
	size_t i, j;

	mx_buf_printf(out, "#!/bin/sh\n"
	    "# mxmove create-accounts: target %s on %s.\n"
	    "# Review it, then run it as root on the target. It holds password\n"
	    "# hashes: keep it mode 0600 and delete it when done.\n"
	    "# Each account: left as it is when it exists, else created.\n"
	    "mx_failed=0\n\n", s->target, s->host);
	for (i = 0; i < s->n; i++) {
		st = &s->v[i];
		ac = st->acct != (size_t)-1 ? &a->acct[st->acct] : NULL;
		mx_buf_printf(out, "# %s\n", st->label);
		if (st->refused != NULL) {
			mx_buf_printf(out, "# refused: %s\n", st->refused);
			mx_buf_puts(out, "echo refused: ");
			mx_shell_quote(out, st->label);
			mx_buf_puts(out, " >&2\nmx_failed=1\n\n");
			continue;
		}
		if (st->check != NULL) {
			mx_buf_puts(out, "if ");
			render_argv(out, st->check, NULL, NULL, 0);
			mx_buf_puts(out, " >/dev/null 2>&1; then\n\techo exists: ");
			mx_shell_quote(out, st->label);
			mx_buf_puts(out, "\nelif ");
		} else if (st->sql_check != NULL) {
			/* The target's own MySQL client and option files. */
			mx_buf_puts(out, "if [ -n \"$(mysql -N -B -e ");
			mx_shell_quote(out, st->sql_check);
			mx_buf_puts(out, " ");
			mx_shell_quote(out, s->sql_db ? s->sql_db : "vpopmail");
			mx_buf_puts(out, ")\" ]; then\n\techo exists: ");
			mx_shell_quote(out, st->label);
			mx_buf_puts(out, "\nelif ");
		} else
			mx_buf_puts(out, "if ");
		for (j = 0; j < st->ncmds; j++) {
			if (j > 0)
				mx_buf_puts(out, "\t");
			render_argv(out, st->cmds[j].argv, st->secret, ac,
			    mask_secrets);
			if (st->cmds[j].input != NULL)
				mx_buf_puts(out, " <<'MXMOVE_EOF'");
			mx_buf_puts(out, j + 1 < st->ncmds || st->sql ? " &&\n" :
			    "\n");
			if (st->cmds[j].input != NULL) {
				in = mask_secrets ? masked(st->cmds[j].input,
				    st->secret, ac) : strdup(st->cmds[j].input);
				mx_buf_puts(out, in ? in : "");
				if (in != NULL) {
					explicit_bzero(in, strlen(in));
					free(in);
				}
				mx_buf_puts(out, "MXMOVE_EOF\n");
			}
		}
		if (st->sql != NULL) {
			char *q = mask_secrets ? masked(st->sql, st->secret, ac) :
			    strdup(st->sql);

			mx_buf_puts(out, "\tmysql -e ");
			mx_shell_quote(out, q ? q : "");
			mx_buf_puts(out, " ");
			mx_shell_quote(out, s->sql_db ? s->sql_db : "vpopmail");
			mx_buf_puts(out, "\n");
			free(q);
		} else if (st->ncmds == 0)
			mx_buf_puts(out, "true\n");
		mx_buf_puts(out, "then\n\techo created: ");
		mx_shell_quote(out, st->label);
		mx_buf_puts(out, "\nelse\n\techo FAILED: ");
		mx_shell_quote(out, st->label);
		mx_buf_puts(out, " >&2\n\tmx_failed=1\nfi\n");
		if (st->readback != NULL) {
			mx_buf_puts(out, "printf '%s\\t%s\\n' ");
			mx_shell_quote(out, st->label);
			mx_buf_puts(out, " \"$(");
			render_argv(out, st->readback, NULL, NULL, 0);
			mx_buf_puts(out, ")\"\n");
		}
		mx_buf_puts(out, "\n");
	}
	return mx_buf_puts(out, "exit $mx_failed\n");
}

/* --- applying ------------------------------------------------------- */

static void
first_line(struct mx_buf *b)
{
	if (b->data != NULL)
		b->data[strcspn(b->data, "\r\n")] = '\0';
}

int
mx_script_apply(struct mx_host *dst, struct mx_script *s,
    struct mx_accounts *a, struct mx_err *err)
{
	struct mx_buf out = MX_BUF_INIT, eout = MX_BUF_INIT;
	struct mx_account *ac;
	struct mx_step *st;
	struct mx_sqlconn *sql = NULL;
	long long rows;
	size_t i, j;
	int status, r = 0;
	char *status_msg;

	for (i = 0; i < s->n && r == 0; i++) {
		st = &s->v[i];
		ac = st->acct != (size_t)-1 ? &a->acct[st->acct] : NULL;
		status_msg = NULL;
		if (st->secret != NULL && strlen(st->secret) >= 3 &&
		    mx_audit_add_secret(s->audit, st->secret) == -1) {
			r = mx_err_set(err, MX_E_GENERIC, _("out of memory"));
			break;
		}
		if (st->refused != NULL) {
			s->refused++;
			mx_setf(&status_msg, "refused: %s", st->refused);
			goto record;
		}
		if ((st->sql_check != NULL || st->sql != NULL) && sql == NULL) {
			if (s->sql_defaults == NULL) {
				r = mx_err_set(err, MX_E_USAGE, _("the %s target "
				    "writes MySQL rows: give the target's "
				    "credentials in an option file "
				    "(--target-defaults-file FILE)"), s->target);
				break;
			}
			if (mx_acct_sql_open(&sql, s->sql_defaults, s->sql_db,
			    err) == -1) {
				r = -1;
				break;
			}
		}
		if (st->sql_check != NULL) {
			if (mx_acct_sql_exec(sql, st->sql_check, &rows, err) == -1) {
				r = -1;
				break;
			}
			if (rows > 0) {
				s->existed++;
				mx_set(&status_msg, "exists");
				goto readback;
			}
		}
		if (st->check != NULL) {
			if (mx_host_run(dst, (const char *const *)st->check, NULL,
			    0, NULL, NULL, &status, err) == -1) {
				r = -1;
				break;
			}
			if (status == 0) {
				s->existed++;
				mx_set(&status_msg, "exists");
				goto readback;
			}
		}
		for (j = 0; j < st->ncmds; j++) {
			mx_buf_reset(&eout);
			if (mx_host_run(dst, (const char *const *)st->cmds[j].argv,
			    st->cmds[j].input, st->cmds[j].input ?
			    strlen(st->cmds[j].input) : 0, NULL, &eout, &status,
			    err) == -1) {
				r = -1;
				break;
			}
			if (status != 0) {
				first_line(&eout);
				mx_setf(&status_msg, "failed: %s exited %d: %s",
				    st->cmds[j].argv[0], status,
				    eout.data ? eout.data : "");
				s->failed++;
				break;
			}
		}
		if (r == -1)
			break;
		if (status_msg == NULL && st->sql != NULL &&
		    mx_acct_sql_exec(sql, st->sql, &rows, err) == -1) {
			mx_setf(&status_msg, "failed: %s", err->msg);
			s->failed++;
		}
		if (status_msg != NULL)
			goto record;
		s->created++;
		mx_set(&status_msg, "created");
readback:
		if (st->readback != NULL && ac != NULL) {
			mx_buf_reset(&out);
			if (mx_host_run(dst, (const char *const *)st->readback,
			    NULL, 0, &out, NULL, &status, err) == -1) {
				r = -1;
				break;
			}
			first_line(&out);
			if (status == 0 && out.data != NULL && out.data[0] == '/') {
				mx_set(&ac->dst_home, out.data);
				mx_setf(&ac->dst_maildir, "%s%s", out.data,
				    st->maildir_suffix ? st->maildir_suffix : "");
			}
		}
record:
		if (ac != NULL) {
			free(ac->status);
			ac->status = status_msg;
		} else
			free(status_msg);
	}
	mx_acct_sql_close(sql);
	mx_buf_free(&out);
	mx_buf_free(&eout);
	return r;
}

int
mx_accounts_resolve(struct mx_host *dst, const char *kind,
    struct mx_accounts *a, const struct mx_target_opts *o,
    struct mx_err *err)
{
	struct mx_buf out = MX_BUF_INIT;
	struct mx_script *s;
	struct mx_step *st;
	struct mx_account *ac;
	size_t i;
	int status, r = 0;

	if (mx_accounts_plan(dst, kind, a, o, &s, err) == -1)
		return -1;
	for (i = 0; i < s->n && r == 0; i++) {
		st = &s->v[i];
		if (st->readback == NULL || st->acct == (size_t)-1 ||
		    st->refused != NULL)
			continue;
		ac = &a->acct[st->acct];
		mx_buf_reset(&out);
		if (mx_host_run(dst, (const char *const *)st->readback, NULL, 0,
		    &out, NULL, &status, err) == -1) {
			r = -1;
			break;
		}
		first_line(&out);
		if (status == 0 && out.data != NULL && out.data[0] == '/') {
			mx_set(&ac->dst_home, out.data);
			mx_setf(&ac->dst_maildir, "%s%s", out.data,
			    st->maildir_suffix ? st->maildir_suffix : "");
		}
	}
	mx_buf_free(&out);
	mx_script_free(s);
	return r;
}
