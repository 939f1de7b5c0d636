/* account.c - the account model: storage, hash schemes, quotas, names. */
#include <config.h>

#include <limits.h>

#include <crypt.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "account.h"
#include "buf.h"

static const char *const scheme_names[] = {
	[MX_HASH_NONE] = "none",
	[MX_HASH_LOCKED] = "locked",
	[MX_HASH_DES] = "des",
	[MX_HASH_BSDI] = "bsdi-des",
	[MX_HASH_MD5] = "md5",
	[MX_HASH_SHA256] = "sha256",
	[MX_HASH_SHA512] = "sha512",
	[MX_HASH_BCRYPT] = "bcrypt",
	[MX_HASH_YESCRYPT] = "yescrypt",
	[MX_HASH_PLESK_AES] = "plesk-aes",
	[MX_HASH_PLAIN] = "plain",
	[MX_HASH_UNKNOWN] = "unknown",
};

const char *
mx_hash_scheme_name(enum mx_hash_scheme s)
{
	if ((size_t)s >= sizeof scheme_names / sizeof scheme_names[0])
		return "unknown";
	return scheme_names[s];
}

/* crypt(3)'s alphabet: ./0-9A-Za-z */
static int
all_b64(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] == '\0' || !(isalnum((unsigned char)s[i]) ||
		    s[i] == '.' || s[i] == '/'))
			return 0;
	return 1;
}

enum mx_hash_scheme
mx_hash_detect(const char *h, int may_be_plain)
{
	size_t n;

	if (h == NULL || *h == '\0')
		return MX_HASH_NONE;
	/* The seed's rule: '!' or '*' anywhere locks (crypt's alphabet has
	 * neither). */
	if (!may_be_plain && strpbrk(h, "!*") != NULL)
		return MX_HASH_LOCKED;
	n = strlen(h);
	if (strncmp(h, "$1$", 3) == 0)
		return MX_HASH_MD5;
	if (strncmp(h, "$5$", 3) == 0)
		return MX_HASH_SHA256;
	if (strncmp(h, "$6$", 3) == 0)
		return MX_HASH_SHA512;
	if (strncmp(h, "$2a$", 4) == 0 || strncmp(h, "$2b$", 4) == 0 ||
	    strncmp(h, "$2y$", 4) == 0)
		return MX_HASH_BCRYPT;
	if (strncmp(h, "$y$", 3) == 0)
		return MX_HASH_YESCRYPT;
	if (strncmp(h, "$AES-128-CBC$", 13) == 0)
		return MX_HASH_PLESK_AES;
	if (n == 13 && all_b64(h, 13))
		return may_be_plain ? MX_HASH_UNKNOWN : MX_HASH_DES;
	if (n == 20 && h[0] == '_' && all_b64(h + 1, 19))
		return may_be_plain ? MX_HASH_UNKNOWN : MX_HASH_BSDI;
	return may_be_plain ? MX_HASH_PLAIN : MX_HASH_UNKNOWN;
}

void
mx_hash_mask(const char *h, enum mx_hash_scheme s, char *out, size_t len)
{
	size_t pre, n;
	const char *p;

	if (len == 0)
		return;
	switch (s) {
	case MX_HASH_NONE:
		snprintf(out, len, "(empty)");
		return;
	case MX_HASH_PLAIN:
		snprintf(out, len, "(plain text)");
		return;
	case MX_HASH_LOCKED:
		snprintf(out, len, "%c...", h != NULL && *h ? h[0] : '!');
		return;
	case MX_HASH_DES:
	case MX_HASH_BSDI:
	case MX_HASH_UNKNOWN:
		snprintf(out, len, "%.2s...", h != NULL ? h : "");
		return;
	default:
		break;
	}
	/* $id$ then 6 characters of what follows (salt or parameters). */
	p = strchr(h + 1, '$');
	pre = p != NULL ? (size_t)(p - h) + 1 : 1;
	if (s == MX_HASH_PLESK_AES) {
		snprintf(out, len, "%.*s...", (int)pre, h);
		return;
	}
	/* Up to 6 characters of the salt or parameters, never past them. */
	n = strcspn(h + pre, "$");
	snprintf(out, len, "%.*s...", (int)(pre + (n < 6 ? n : 6)), h);
}

int
mx_hash_usable(const char *hash)
{
	int r;

	switch (mx_hash_detect(hash, 0)) {
	case MX_HASH_DES: case MX_HASH_BSDI: case MX_HASH_MD5:
	case MX_HASH_SHA256: case MX_HASH_SHA512: case MX_HASH_BCRYPT:
	case MX_HASH_YESCRYPT:
		break;
	default:
		return 0;
	}
	r = crypt_checksalt(hash);
	return r == CRYPT_SALT_OK || r == CRYPT_SALT_METHOD_LEGACY ||
	    r == CRYPT_SALT_TOO_CHEAP;
}

/* --- storage ------------------------------------------------------- */

int
mx_set(char **field, const char *s)
{
	char *c = NULL;

	if (s != NULL && (c = strdup(s)) == NULL)
		return -1;
	free(*field);
	*field = c;
	return 0;
}

int
mx_setf(char **field, const char *fmt, ...)
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
	free(*field);
	*field = mx_buf_steal(&b);
	return 0;
}

/* Make room for one more element of size sz in *v (n used, *cap). */
static int
grow(void **v, size_t n, size_t *cap, size_t sz)
{
	void *p;
	size_t nc;

	if (n < *cap)
		return 0;
	nc = *cap ? *cap * 2 : 16;
	p = realloc(*v, nc * sz);
	if (p == NULL)
		return -1;
	*v = p;
	*cap = nc;
	return 0;
}

struct mx_accounts *
mx_accounts_new(const char *source)
{
	struct mx_accounts *a = calloc(1, sizeof *a);

	if (a == NULL)
		return NULL;
	if (mx_set(&a->source, source) == -1) {
		free(a);
		return NULL;
	}
	return a;
}

static void
strv_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void
account_free(struct mx_account *ac)
{
	free(ac->domain);
	free(ac->local);
	if (ac->hash != NULL)
		explicit_bzero(ac->hash, strlen(ac->hash));
	free(ac->hash);
	if (ac->clear != NULL)
		explicit_bzero(ac->clear, strlen(ac->clear));
	free(ac->clear);
	free(ac->quota);
	free(ac->gecos);
	free(ac->group);
	free(ac->shell);
	free(ac->home);
	free(ac->src_maildir);
	free(ac->mbox);
	strv_free(ac->forwards, ac->nforwards);
	free(ac->autoresponder);
	free(ac->skip);
	free(ac->origin);
	free(ac->dst_home);
	free(ac->dst_maildir);
	free(ac->status);
}

void
mx_accounts_free(struct mx_accounts *a)
{
	size_t i;

	if (a == NULL)
		return;
	for (i = 0; i < a->nacct; i++)
		account_free(&a->acct[i]);
	free(a->acct);
	for (i = 0; i < a->nalias; i++) {
		free(a->alias[i].domain);
		free(a->alias[i].name);
		strv_free(a->alias[i].dest, a->alias[i].ndest);
		free(a->alias[i].origin);
	}
	free(a->alias);
	for (i = 0; i < a->nlist; i++) {
		free(a->list[i].domain);
		free(a->list[i].name);
		free(a->list[i].dir);
		free(a->list[i].origin);
	}
	free(a->list);
	for (i = 0; i < a->nproblem; i++) {
		free(a->problem[i].where);
		free(a->problem[i].what);
	}
	free(a->problem);
	strv_free(a->domains, a->ndomains);
	free(a->source);
	free(a);
}

struct mx_account *
mx_accounts_add(struct mx_accounts *a, const char *domain, const char *local)
{
	struct mx_account *ac;

	if (grow((void **)&a->acct, a->nacct, &a->cap_acct, sizeof *ac) == -1)
		return NULL;
	ac = &a->acct[a->nacct];
	memset(ac, 0, sizeof *ac);
	ac->uid = ac->gid = -1;
	ac->quota_bytes = ac->quota_count = -1;
	if (mx_set(&ac->domain, domain ? domain : "") == -1 ||
	    mx_set(&ac->local, local) == -1) {
		free(ac->domain);
		return NULL;
	}
	a->nacct++;
	return ac;
}

static int
strv_push(char ***v, size_t *n, const char *s)
{
	char **p, *c;

	if ((c = strdup(s)) == NULL)
		return -1;
	p = realloc(*v, (*n + 1) * sizeof *p);
	if (p == NULL) {
		free(c);
		return -1;
	}
	p[*n] = c;
	*v = p;
	(*n)++;
	return 0;
}

int
mx_account_add_forward(struct mx_account *ac, const char *dest)
{
	return strv_push(&ac->forwards, &ac->nforwards, dest);
}

int
mx_alias_add_dest(struct mx_alias *al, const char *line)
{
	return strv_push(&al->dest, &al->ndest, line);
}

struct mx_alias *
mx_accounts_add_alias(struct mx_accounts *a, const char *domain,
    const char *name)
{
	struct mx_alias *al;

	if (grow((void **)&a->alias, a->nalias, &a->cap_alias, sizeof *al) == -1)
		return NULL;
	al = &a->alias[a->nalias];
	memset(al, 0, sizeof *al);
	if (mx_set(&al->domain, domain ? domain : "") == -1 ||
	    mx_set(&al->name, name) == -1) {
		free(al->domain);
		return NULL;
	}
	a->nalias++;
	return al;
}

struct mx_mlist *
mx_accounts_add_list(struct mx_accounts *a, const char *domain,
    const char *name, const char *dir)
{
	struct mx_mlist *l;

	if (grow((void **)&a->list, a->nlist, &a->cap_list, sizeof *l) == -1)
		return NULL;
	l = &a->list[a->nlist];
	memset(l, 0, sizeof *l);
	if (mx_set(&l->domain, domain ? domain : "") == -1 ||
	    mx_set(&l->name, name) == -1 || mx_set(&l->dir, dir) == -1) {
		free(l->domain);
		free(l->name);
		return NULL;
	}
	a->nlist++;
	return l;
}

int
mx_accounts_problem(struct mx_accounts *a, const char *where,
    const char *fmt, ...)
{
	struct mx_problem *p;
	struct mx_buf b = MX_BUF_INIT;
	va_list ap;
	int r;

	if (grow((void **)&a->problem, a->nproblem, &a->cap_problem,
	    sizeof *p) == -1)
		return -1;
	va_start(ap, fmt);
	r = mx_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (r == -1) {
		mx_buf_free(&b);
		return -1;
	}
	p = &a->problem[a->nproblem];
	p->where = strdup(where);
	p->what = mx_buf_steal(&b);
	if (p->where == NULL) {
		free(p->what);
		return -1;
	}
	a->nproblem++;
	return 0;
}

int
mx_accounts_add_domain(struct mx_accounts *a, const char *domain)
{
	size_t i;

	for (i = 0; i < a->ndomains; i++)
		if (strcmp(a->domains[i], domain) == 0)
			return 0;
	if (grow((void **)&a->domains, a->ndomains, &a->cap_domains,
	    sizeof *a->domains) == -1)
		return -1;
	if ((a->domains[a->ndomains] = strdup(domain)) == NULL)
		return -1;
	a->ndomains++;
	return 0;
}

struct mx_account *
mx_accounts_find(struct mx_accounts *a, const char *domain, const char *local)
{
	size_t i;

	if (domain == NULL)
		domain = "";
	for (i = 0; i < a->nacct; i++)
		if (strcmp(a->acct[i].domain, domain) == 0 &&
		    strcmp(a->acct[i].local, local) == 0)
			return &a->acct[i];
	return NULL;
}

/* --- quotas and names ---------------------------------------------- */

static int
parse_num(const char **p, long long *v)
{
	char *end;

	if (!isdigit((unsigned char)**p))
		return -1;
	errno = 0;
	*v = strtoll(*p, &end, 10);
	if (errno != 0 || *v < 0)
		return -1;
	*p = end;
	return 0;
}

int
mx_quota_parse(const char *s, long long *bytes, long long *count)
{
	const char *p = s;
	long long v;

	*bytes = *count = -1;
	if (s == NULL || *s == '\0' || strcasecmp(s, "NOQUOTA") == 0)
		return 0;
	if (parse_num(&p, &v) == -1)
		return -1;
	switch (*p) {
	case 'k': case 'K':
		if (v > LLONG_MAX / 1024)
			return -1;	/* no quota is that large: malformed */
		v *= 1024, p++;
		break;
	case 'm': case 'M':
		if (v > LLONG_MAX / (1024 * 1024))
			return -1;
		v *= 1024 * 1024, p++;
		break;
	case 'g': case 'G':
		if (v > LLONG_MAX / (1024LL * 1024 * 1024))
			return -1;
		v *= 1024LL * 1024 * 1024, p++;
		break;
	case 'S':
		p++;
		break;
	case 'C':
		/* count only: "100C" */
		*count = v;
		return p[1] == '\0' ? 0 : -1;
	default:
		break;
	}
	*bytes = v;
	if (*p == '\0')
		return 0;
	if (*p != ',')
		return -1;
	p++;
	if (parse_num(&p, &v) == -1 || *p != 'C' || p[1] != '\0')
		return -1;
	*count = v;
	return 0;
}

int
mx_name_safe(const char *s)
{
	size_t n;

	if (s == NULL || *s == '\0' || *s == '-' || *s == '.')
		return 0;
	for (n = 0; s[n] != '\0'; n++)
		if (!isalnum((unsigned char)s[n]) && strchr("._-+=", s[n]) == NULL)
			return 0;
	return n <= 64;
}

int
mx_domain_safe(const char *s)
{
	size_t n;

	if (s == NULL || *s == '\0' || *s == '-' || *s == '.')
		return 0;
	for (n = 0; s[n] != '\0'; n++)
		if (!isalnum((unsigned char)s[n]) && s[n] != '.' && s[n] != '-')
			return 0;
	return n <= 253;
}

void
mx_acct_opts_init(struct mx_acct_opts *o)
{
	memset(o, 0, sizeof *o);
	o->uid_min = 500;
	o->uid_max = 63999;
}
