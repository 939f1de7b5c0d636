/* acct-read.c - the sources that read files through the host layer
 * (passwd+shadow, vpopmail's files, a Dovecot passwd-file), the table of
 * sources, and mx_accounts_read(). The parsing itself is acct-parse.c. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acct-int.h"
#include "host.h"
#include "i18n.h"

/* --- host helpers --------------------------------------------------- */

int
mx_acct_read_opt(struct mx_host *h, const char *path, struct mx_buf *out,
    struct mx_err *err)
{
	struct mx_stat st;

	mx_buf_reset(out);
	if (mx_host_stat(h, path, &st, err) == -1)
		return -1;
	if (!st.exists)
		return 0;
	if (mx_host_read_file(h, path, out, err) == -1)
		return -1;
	if (out->data == NULL && mx_buf_puts(out, "") == -1)
		return mx_err_set(err, MX_E_GENERIC, _("out of memory"));
	return 1;
}

int
mx_acct_is_dir(struct mx_host *h, const char *path, struct mx_err *err)
{
	struct mx_stat st;

	if (mx_host_stat(h, path, &st, err) == -1)
		return -1;
	return st.exists && st.is_dir;
}

int
mx_acct_exists(struct mx_host *h, const char *path)
{
	struct mx_stat st;
	struct mx_err e;

	return mx_host_stat(h, path, &st, &e) == 0 && st.exists;
}

char *
mx_acct_vpopmail_dir(struct mx_host *h, const struct mx_acct_opts *o)
{
	struct mx_buf b = MX_BUF_INIT;
	struct mx_err e;
	char *home = NULL, *line, *f[8], *p, *save = NULL;

	if (o->vpopmail_dir != NULL)
		return strdup(o->vpopmail_dir);
	if (mx_acct_read_opt(h, "/etc/passwd", &b, &e) == 1) {
		for (p = b.data; (line = strtok_r(p, "\n", &save)) != NULL;
		    p = NULL) {
			if (strncmp(line, "vpopmail:", 9) == 0 &&
			    mx_acct_split(line, ':', f, 7) == 7 && f[5][0] == '/') {
				home = strdup(f[5]);
				break;
			}
		}
	}
	mx_buf_free(&b);
	return home != NULL ? home : strdup("/home/vpopmail");
}

static char *
join(const char *dir, const char *name)
{
	char *s = NULL;

	if (mx_setf(&s, "%s%s%s", dir, dir[0] != '\0' &&
	    dir[strlen(dir) - 1] == '/' ? "" : "/", name) == -1)
		return NULL;
	return s;
}

static int
oom(struct mx_err *err)
{
	return mx_err_set(err, MX_E_GENERIC, _("out of memory"));
}

/* --- passwd + shadow (qmail with home Maildirs, sendmail with mbox) -- */

static int
passwd_probe(struct mx_host *h, const struct mx_acct_opts *o)
{
	(void)h;
	(void)o;
	return 1;	/* every Unix host has one: the last resort */
}

/* Where a system user's mail is: ~/Maildir, else the mbox spool. Their
 * .qmail and .forward give forwards. */
static int
passwd_mail(struct mx_host *h, struct mx_account *ac, struct mx_err *err)
{
	static const char *const spools[] = { "/var/spool/mail/", "/var/mail/",
	    NULL };
	struct mx_buf b = MX_BUF_INIT;
	char *p;
	size_t i;
	int r = 0;

	if (ac->home != NULL && ac->home[0] == '/') {
		if ((p = join(ac->home, "Maildir")) == NULL)
			return oom(err);
		if (mx_acct_is_dir(h, p, err) == 1)
			ac->src_maildir = p;
		else
			free(p);
	}
	for (i = 0; ac->src_maildir == NULL && spools[i] != NULL; i++) {
		p = NULL;
		if (mx_setf(&p, "%s%s", spools[i], ac->local) == -1)
			return oom(err);
		if (mx_acct_exists(h, p)) {
			ac->mbox = p;
			break;
		}
		free(p);
	}
	if (ac->home == NULL || ac->home[0] != '/')
		return 0;
	if ((p = join(ac->home, ".qmail")) == NULL)
		return oom(err);
	if ((r = mx_acct_read_opt(h, p, &b, err)) == 1)
		r = mx_acct_parse_dotqmail(ac, b.data);
	free(p);
	if (r != -1) {
		if ((p = join(ac->home, ".forward")) == NULL) {
			mx_buf_free(&b);
			return oom(err);
		}
		if ((r = mx_acct_read_opt(h, p, &b, err)) == 1)
			r = mx_acct_parse_forward(ac, b.data);
		free(p);
	}
	mx_buf_free(&b);
	return r == -1 ? -1 : 0;
}

static int
passwd_read(struct mx_host *h, const struct mx_acct_opts *o,
    struct mx_accounts *a, struct mx_err *err)
{
	struct mx_buf pw = MX_BUF_INIT, sh = MX_BUF_INIT, gr = MX_BUF_INIT;
	int r = -1, have_shadow;
	size_t i;

	if (mx_host_read_file(h, "/etc/passwd", &pw, err) == -1)
		return -1;
	if ((have_shadow = mx_acct_read_opt(h, "/etc/shadow", &sh, err)) == -1) {
		mx_err_prefix(err, _("the hashes are in /etc/shadow (root only)"));
		goto out;
	}
	if (mx_acct_read_opt(h, "/etc/group", &gr, err) == -1)
		goto out;
	if (mx_acct_parse_passwd(a, pw.data ? pw.data : "", "/etc/passwd",
	    have_shadow ? sh.data : NULL, "/etc/shadow",
	    gr.data, o->uid_min, o->uid_max) == -1) {
		oom(err);
		goto out;
	}
	for (i = 0; i < a->nacct; i++)
		if (passwd_mail(h, &a->acct[i], err) == -1)
			goto out;
	r = 0;
out:
	if (sh.data != NULL)
		explicit_bzero(sh.data, sh.len);
	mx_buf_free(&pw);
	mx_buf_free(&sh);
	mx_buf_free(&gr);
	return r;
}

const struct mx_acct_source mx_acct_source_passwd = {
	.name = "passwd",
	.summary = N_("system users: /etc/passwd + /etc/shadow, ~/Maildir or the mbox spool"),
	.probe = passwd_probe,
	.read = passwd_read,
};

/* --- vpopmail (cdb/file back-end) ----------------------------------- */

static int
vpop_probe(struct mx_host *h, const struct mx_acct_opts *o)
{
	char *dir = mx_acct_vpopmail_dir(h, o), *p;
	int r;

	if (dir == NULL)
		return 0;
	p = join(dir, "domains");
	r = p != NULL && mx_acct_exists(h, p);
	free(p);
	free(dir);
	return r;
}

struct vdomain {
	char *name, *dir;
	long long uid, gid;
	int in_assign;
};

struct vdomains {
	struct vdomain *v;
	size_t n;
};

static int
vdom_add(struct vdomains *d, const char *name, const char *dir,
    long long uid, long long gid, int in_assign)
{
	struct vdomain *p;
	size_t i;

	for (i = 0; i < d->n; i++)
		if (strcmp(d->v[i].name, name) == 0)
			return 0;
	if ((p = realloc(d->v, (d->n + 1) * sizeof *p)) == NULL)
		return -1;
	d->v = p;
	p[d->n].name = strdup(name);
	p[d->n].dir = strdup(dir);
	p[d->n].uid = uid;
	p[d->n].gid = gid;
	p[d->n].in_assign = in_assign;
	if (p[d->n].name == NULL || p[d->n].dir == NULL) {
		free(p[d->n].name);
		free(p[d->n].dir);
		return -1;
	}
	d->n++;
	return 0;
}

static void
vdom_free(struct vdomains *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		free(d->v[i].name);
		free(d->v[i].dir);
	}
	free(d->v);
}

/* A bucket directory: one character of 0-9 A-Z a-z. */
static int
is_bucket(const char *name)
{
	return name[0] != '\0' && name[1] == '\0' &&
	    strchr("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
	    name[0]) != NULL;
}

/* Domains found under DIR (and its buckets) that users/assign missed. */
static int
vpop_scan(struct mx_host *h, const char *dir, int depth, struct vdomains *d,
    struct mx_accounts *a, struct mx_err *err)
{
	char **names = NULL, *p, *vp;
	size_t n = 0, i;
	struct mx_stat st;
	int r = 0;

	if (mx_host_list(h, dir, &names, &n, err) == -1)
		return -1;
	for (i = 0; i < n && r == 0; i++) {
		if ((p = join(dir, names[i])) == NULL ||
		    (vp = join(p, "vpasswd")) == NULL) {
			free(p);
			r = oom(err);
			break;
		}
		if (mx_host_stat(h, p, &st, err) == -1)
			r = -1;
		else if (!st.is_dir)
			;
		else if (mx_acct_exists(h, vp)) {
			size_t before = d->n;

			if (vdom_add(d, names[i], p, st.uid, st.gid, 0) == -1)
				r = oom(err);
			else if (d->n > before && mx_accounts_problem(a, p,
			    _("a domain directory that users/assign does not "
			    "name: read, but check assign on the source")) == -1)
				r = oom(err);
		} else if (depth < 3 && is_bucket(names[i]))
			r = vpop_scan(h, p, depth + 1, d, a, err);
		free(vp);
		free(p);
	}
	mx_strv_free(names, n);
	return r;
}

/* The list names (with '.') of .qmail-NAME files holding ezmlm-send. */
static int
vpop_lists(struct mx_host *h, const struct vdomain *dom, char **names,
    size_t n, struct mx_accounts *a, struct mx_err *err)
{
	struct mx_buf b = MX_BUF_INIT;
	char *p, *name, dir[1024];
	size_t i;
	int r = 0;

	for (i = 0; i < n && r == 0; i++) {
		if (strncmp(names[i], ".qmail-", 7) != 0)
			continue;
		if ((p = join(dom->dir, names[i])) == NULL)
			return oom(err);
		if (mx_acct_read_opt(h, p, &b, err) == -1)
			r = -1;
		else if (b.data != NULL && strstr(b.data, "ezmlm-send") != NULL) {
			const char *l = strstr(b.data, "ezmlm-send");

			while (l > b.data && l[-1] != '\n')
				l--;
			if (*l == '|')
				l++;
			mx_acct_program_kind(l, dir, sizeof dir);
			name = strdup(names[i] + 7);
			if (name == NULL) {
				r = oom(err);
			} else {
				char *c, *d = NULL;

				for (c = name; *c; c++)
					if (*c == ':')
						*c = '.';
				if (dir[0] == '\0')
					d = join(dom->dir, name);
				if (mx_accounts_add_list(a, dom->name, name,
				    dir[0] ? dir : d) == NULL)
					r = oom(err);
				else
					mx_set(&a->list[a->nlist - 1].origin, p);
				free(d);
				free(name);
			}
		}
		free(p);
	}
	mx_buf_free(&b);
	return r;
}

/* Does .qmail-X belong to one of this domain's lists (X or X-...)? */
static int
of_list(struct mx_accounts *a, const char *domain, const char *name)
{
	size_t i, n;

	for (i = 0; i < a->nlist; i++) {
		if (strcmp(a->list[i].domain, domain) != 0)
			continue;
		n = strlen(a->list[i].name);
		if (strncmp(name, a->list[i].name, n) == 0 &&
		    (name[n] == '\0' || name[n] == '-'))
			return 1;
	}
	return 0;
}

struct alias_ctx {
	struct mx_alias *al;
};

static int
alias_line(void *vctx, char *line, size_t lineno)
{
	struct alias_ctx *c = vctx;
	const char *arg;

	(void)lineno;
	if (mx_acct_qmail_line(line, &arg) == MX_QL_NONE)
		return 0;
	return mx_alias_add_dest(c->al, line);
}

/* .qmail-NAME files: a user's delivery (forwards, autoresponder) or an
 * alias. ezmlm lists were taken first; .qmail-default is vdelivermail. */
static int
vpop_dotqmails(struct mx_host *h, const struct vdomain *dom, char **names,
    size_t n, struct mx_accounts *a, struct mx_err *err)
{
	struct mx_buf b = MX_BUF_INIT;
	struct mx_account *ac;
	struct alias_ctx c;
	char *p, *name, *s;
	size_t i;
	int r = 0;

	for (i = 0; i < n && r == 0; i++) {
		if (strncmp(names[i], ".qmail-", 7) != 0 ||
		    strcmp(names[i], ".qmail-default") == 0)
			continue;
		if ((name = strdup(names[i] + 7)) == NULL)
			return oom(err);
		for (s = name; *s; s++)
			if (*s == ':')
				*s = '.';
		if (of_list(a, dom->name, name)) {
			free(name);
			continue;
		}
		if ((p = join(dom->dir, names[i])) == NULL) {
			free(name);
			return oom(err);
		}
		if (mx_acct_read_opt(h, p, &b, err) == -1)
			r = -1;
		else if ((ac = mx_accounts_find(a, dom->name, name)) != NULL) {
			if (mx_acct_parse_dotqmail(ac, b.data ? b.data : "") == -1)
				r = oom(err);
		} else if ((c.al = mx_accounts_add_alias(a, dom->name, name)) ==
		    NULL || mx_set(&c.al->origin, p) == -1 ||
		    mx_acct_each_line(b.data, alias_line, &c) == -1)
			r = oom(err);
		free(p);
		free(name);
	}
	mx_buf_free(&b);
	return r;
}

static int
vpop_domain(struct mx_host *h, const struct vdomain *dom,
    struct mx_accounts *a, struct mx_err *err)
{
	struct mx_buf b = MX_BUF_INIT;
	char *p, **names = NULL;
	size_t n = 0, i, first = a->nacct;
	int r;

	if (mx_accounts_add_domain(a, dom->name) == -1 ||
	    (p = join(dom->dir, "vpasswd")) == NULL)
		return oom(err);
	r = mx_acct_read_opt(h, p, &b, err);
	if (r == 0)
		r = mx_accounts_problem(a, p, _("missing (only vpasswd.cdb? "
		    "run vmkpasswd on the source); domain %s has no users "
		    "here"), dom->name);
	else if (r == 1)
		r = mx_acct_parse_vpasswd(a, dom->name, b.data, p, dom->uid,
		    dom->gid);
	free(p);
	if (r == 0 && mx_host_list(h, dom->dir, &names, &n, err) == -1)
		r = -1;
	if (r == 0)
		r = vpop_lists(h, dom, names, n, a, err);
	if (r == 0)
		r = vpop_dotqmails(h, dom, names, n, a, err);
	/* A user's own .qmail in its directory (qmailadmin's forwards and
	 * vacation messages). */
	for (i = first; r == 0 && i < a->nacct; i++) {
		if ((p = join(a->acct[i].home, ".qmail")) == NULL) {
			r = oom(err);
			break;
		}
		if ((r = mx_acct_read_opt(h, p, &b, err)) == 1)
			r = mx_acct_parse_dotqmail(&a->acct[i], b.data);
		free(p);
	}
	mx_strv_free(names, n);
	mx_buf_free(&b);
	return r == -1 ? -1 : 0;
}

static int
vpop_read(struct mx_host *h, const struct mx_acct_opts *o,
    struct mx_accounts *a, struct mx_err *err)
{
	struct mx_buf b = MX_BUF_INIT;
	struct mx_assign *as = NULL;
	struct vdomains d = { NULL, 0 };
	char *vdir, *assign = NULL, *domains = NULL;
	size_t nas = 0, i;
	int r = -1;

	if ((vdir = mx_acct_vpopmail_dir(h, o)) == NULL ||
	    mx_setf(&assign, "%s/users/assign",
	    o->qmail_dir ? o->qmail_dir : "/var/qmail") == -1 ||
	    (domains = join(vdir, "domains")) == NULL) {
		oom(err);
		goto out;
	}
	switch (mx_acct_read_opt(h, assign, &b, err)) {
	case -1:
		goto out;
	case 1:
		if (mx_acct_parse_assign(b.data, assign, a, &as, &nas) == -1) {
			oom(err);
			goto out;
		}
		break;
	default:
		if (mx_accounts_problem(a, assign, _("missing: domains are "
		    "taken from %s only"), domains) == -1)
			goto out;
	}
	for (i = 0; i < nas; i++)
		if (strstr(as[i].dir, "/domains/") != NULL &&
		    vdom_add(&d, as[i].domain, as[i].dir, as[i].uid, as[i].gid,
		    1) == -1) {
			oom(err);
			goto out;
		}
	if (mx_acct_is_dir(h, domains, err) == 1 &&
	    vpop_scan(h, domains, 0, &d, a, err) == -1)
		goto out;
	for (i = 0; i < d.n; i++)
		if (vpop_domain(h, &d.v[i], a, err) == -1)
			goto out;
	r = 0;
out:
	mx_assign_free(as, nas);
	vdom_free(&d);
	mx_buf_free(&b);
	free(vdir);
	free(assign);
	free(domains);
	return r;
}

const struct mx_acct_source mx_acct_source_vpopmail = {
	.name = "vpopmail",
	.summary = N_("vpopmail with its files: users/assign, ~vpopmail/domains, vpasswd, .qmail-*"),
	.probe = vpop_probe,
	.read = vpop_read,
};

/* --- a Dovecot passwd-file (e.g. what create-accounts made) --------- */

static const char *
dovecot_path(const struct mx_acct_opts *o)
{
	return o->dovecot_users ? o->dovecot_users : "/etc/dovecot/users";
}

static int
dovecot_probe(struct mx_host *h, const struct mx_acct_opts *o)
{
	return o->dovecot_users != NULL && mx_acct_exists(h, dovecot_path(o));
}

static int
dovecot_read(struct mx_host *h, const struct mx_acct_opts *o,
    struct mx_accounts *a, struct mx_err *err)
{
	struct mx_buf b = MX_BUF_INIT;
	int r;

	if (mx_host_read_file(h, dovecot_path(o), &b, err) == -1)
		return -1;
	r = mx_acct_parse_dovecot(a, b.data ? b.data : "", dovecot_path(o));
	if (b.data != NULL)
		explicit_bzero(b.data, b.len);
	mx_buf_free(&b);
	return r == -1 ? oom(err) : 0;
}

const struct mx_acct_source mx_acct_source_dovecot = {
	.name = "dovecot",
	.summary = N_("a Dovecot passwd-file (user:{CRYPT}hash:uid:gid::home::)"),
	.probe = dovecot_probe,
	.read = dovecot_read,
};

/* --- the table ------------------------------------------------------ */

/* In probe order: the most specific first, passwd last. */
const struct mx_acct_source *const mx_acct_sources[] = {
	&mx_acct_source_plesk,
	&mx_acct_source_vpopmail_mysql,
	&mx_acct_source_vpopmail,
	&mx_acct_source_qmail_mysql,
	&mx_acct_source_dovecot,
	&mx_acct_source_passwd,
	NULL
};

const struct mx_acct_source *
mx_acct_source_find(const char *name)
{
	size_t i;

	for (i = 0; mx_acct_sources[i] != NULL; i++)
		if (strcmp(mx_acct_sources[i]->name, name) == 0)
			return mx_acct_sources[i];
	return NULL;
}

int
mx_accounts_read(struct mx_host *h, const char *kind,
    const struct mx_acct_opts *o, struct mx_accounts **out,
    struct mx_err *err)
{
	const struct mx_acct_source *src = NULL;
	struct mx_acct_opts def;
	size_t i;

	*out = NULL;
	if (o == NULL) {
		mx_acct_opts_init(&def);
		o = &def;
	}
	if (kind != NULL && strcmp(kind, "auto") != 0) {
		if ((src = mx_acct_source_find(kind)) == NULL)
			return mx_err_set(err, MX_E_USAGE,
			    _("unknown account source '%s'"), kind);
	} else {
		for (i = 0; src == NULL && mx_acct_sources[i] != NULL; i++)
			if (mx_acct_sources[i]->probe(h, o))
				src = mx_acct_sources[i];
	}
	if ((*out = mx_accounts_new(src->name)) == NULL)
		return oom(err);
	if (src->read(h, o, *out, err) == -1) {
		mx_accounts_free(*out);
		*out = NULL;
		return mx_err_prefix(err, "%s", src->name);
	}
	return 0;
}
