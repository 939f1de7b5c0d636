/* plan.c - the migration's answers, saved between runs (see plan.h). */
#include <config.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "i18n.h"
#include "plan.h"

struct mx_plan_state {
	char *name;
	char *value;
	struct mx_plan_state *next;
};

typedef int (*check_fn)(const char *key, const char *v, struct mx_err *err);

struct keydef {
	const char *name;
	const char *help;	/* N_() */
	const char *def;
	check_fn check;
};

static int check_host(const char *, const char *, struct mx_err *);
static int check_domains(const char *, const char *, struct mx_err *);
static int check_strategy(const char *, const char *, struct mx_err *);
static int check_ip(const char *, const char *, struct mx_err *);
static int check_path(const char *, const char *, struct mx_err *);
static int check_servers(const char *, const char *, struct mx_err *);
static int check_sources(const char *, const char *, struct mx_err *);
static int check_target(const char *, const char *, struct mx_err *);
static int check_mta(const char *, const char *, struct mx_err *);
static int check_ttl(const char *, const char *, struct mx_err *);

static const struct keydef keys[MX_PLAN_NKEYS] = {
	[MX_PLAN_OLD] = { "old", N_("the old host: ssh://[user@]name[:port], "
	    "an ssh alias, or local:/root"), "", check_host },
	[MX_PLAN_NEW] = { "new", N_("the new host, in the same forms"), "",
	    check_host },
	[MX_PLAN_DOMAINS] = { "domains", N_("the mail domains to move, "
	    "separated by spaces"), "", check_domains },
	[MX_PLAN_STRATEGY] = { "strategy", N_("how to freeze the old host: "
	    "sticky (home directories) or queue (remote queue)"), "sticky",
	    check_strategy },
	[MX_PLAN_DEAD_IP] = { "dead_ip", N_("an address of the new host "
	    "where nothing listens on port 25"), "", check_ip },
	[MX_PLAN_LIVE_IP] = { "live_ip", N_("the new host's live SMTP "
	    "address"), "", check_ip },
	[MX_PLAN_TSIG_KEY] = { "tsig_key", N_("TSIG key file for DNS updates "
	    "(empty: show what to change)"), "", check_path },
	[MX_PLAN_DNS_SERVERS] = { "dns_servers", N_("authoritative servers "
	    "ADDR[@PORT] (empty: ask the NS records)"), "", check_servers },
	[MX_PLAN_ZONE_FILE] = { "zone_file", N_("a zone file, or a directory "
	    "of DOMAIN.zone files, to edit instead of live DNS (demo, offline)"), "", check_path },
	[MX_PLAN_SOURCE] = { "source", N_("account sources: passwd vpopmail "
	    "vpopmail-mysql qmail-mysql plesk dovecot (empty: detect)"), "", check_sources },
	[MX_PLAN_TARGET] = { "target", N_("account target: system vpopmail "
	    "vpopmail-mysql dovecot mysql"), "", check_target },
	[MX_PLAN_MTA_OLD] = { "mta_old", N_("the old host's MTA: qmail, "
	    "postfix or sendmail (empty: detect)"), "", check_mta },
	[MX_PLAN_MTA_NEW] = { "mta_new", N_("the new host's MTA (empty: "
	    "detect)"), "", check_mta },
	[MX_PLAN_LOW_TTL] = { "low_ttl", N_("the TTL to lower to before the "
	    "move, in seconds"), "600", check_ttl },
};

static const char *const source_kinds[] = { "passwd", "vpopmail",
	"vpopmail-mysql", "qmail-mysql", "plesk", "dovecot", NULL };
static const char *const target_kinds[] = { "system", "vpopmail",
	"vpopmail-mysql", "dovecot", "mysql", NULL };
static const char *const mtas[] = { "qmail", "postfix", "sendmail", NULL };

const char *
mx_plan_key_name(enum mx_plan_key k)
{
	return (unsigned)k < MX_PLAN_NKEYS ? keys[k].name : "?";
}

const char *
mx_plan_key_help(enum mx_plan_key k)
{
	return (unsigned)k < MX_PLAN_NKEYS ? keys[k].help : "";
}

static int
one_line(const char *key, const char *v, struct mx_err *err)
{
	const unsigned char *s;

	for (s = (const unsigned char *)v; *s; s++)
		if (*s < 0x20 || *s == 0x7f)
			return mx_err_set(err, MX_E_USAGE,
			    _("%s: control characters are not allowed"), key);
	return 0;
}

static int
in_list(const char *w, size_t n, const char *const *list)
{
	for (; *list; list++)
		if (strlen(*list) == n && strncmp(*list, w, n) == 0)
			return 1;
	return 0;
}

/* Call fn on each space-separated word of v; stop at the first error. */
static int
each_word(const char *key, const char *v, struct mx_err *err,
    int (*fn)(const char *key, const char *w, size_t n, struct mx_err *err))
{
	const char *s = v, *e;

	while (*s) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0')
			break;
		for (e = s; *e && *e != ' ' && *e != '\t'; e++)
			;
		if (fn(key, s, (size_t)(e - s), err) == -1)
			return -1;
		s = e;
	}
	return 0;
}

static int
check_host(const char *key, const char *v, struct mx_err *err)
{
	const char *s;

	if (one_line(key, v, err) == -1)
		return -1;
	if (*v == '\0' || strncmp(v, "local:", 6) == 0)
		return 0;
	for (s = v; *s; s++)
		if (isspace((unsigned char)*s))
			return mx_err_set(err, MX_E_USAGE, _("%s: '%s': a host "
			    "has no spaces (ssh://[user@]name[:port], an ssh "
			    "alias, or local:/root)"), key, v);
	if (strncmp(v, "ssh://", 6) == 0 && v[6] == '\0')
		return mx_err_set(err, MX_E_USAGE, _("%s: '%s': no host name "
		    "after ssh://"), key, v);
	if (strchr(v, ':') != NULL && strncmp(v, "ssh://", 6) != 0)
		return mx_err_set(err, MX_E_USAGE, _("%s: '%s': write "
		    "ssh://name:port or local:/root"), key, v);
	return 0;
}

static int
domain_word(const char *key, const char *w, size_t n, struct mx_err *err)
{
	size_t i, label = 0;

	if (n > 253)
		goto bad;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)w[i];

		if (c == '.') {
			if (label == 0)
				goto bad;
			label = 0;
		} else if (isalnum(c) || c == '-' || c == '_') {
			if (++label > 63 || (label == 1 && c == '-'))
				goto bad;
		} else
			goto bad;
	}
	if (label == 0 && (n == 0 || w[n - 1] != '.'))
		goto bad;
	if (memchr(w, '.', n) == NULL)
		goto bad;
	return 0;
bad:
	return mx_err_set(err, MX_E_USAGE, _("%s: '%.*s' is not a domain "
	    "name"), key, (int)n, w);
}

static int
check_domains(const char *key, const char *v, struct mx_err *err)
{
	if (one_line(key, v, err) == -1)
		return -1;
	return each_word(key, v, err, domain_word);
}

static int
check_strategy(const char *key, const char *v, struct mx_err *err)
{
	if (strcmp(v, "sticky") == 0 || strcmp(v, "queue") == 0)
		return 0;
	return mx_err_set(err, MX_E_USAGE, _("%s: '%s': say sticky or "
	    "queue"), key, v);
}

static int
is_ip(const char *s, size_t n)
{
	char tmp[INET6_ADDRSTRLEN + 1];
	unsigned char addr[16];

	if (n == 0 || n >= sizeof tmp)
		return 0;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	return inet_pton(AF_INET, tmp, addr) == 1 ||
	    inet_pton(AF_INET6, tmp, addr) == 1;
}

static int
check_ip(const char *key, const char *v, struct mx_err *err)
{
	if (*v == '\0' || is_ip(v, strlen(v)))
		return 0;
	if (one_line(key, v, err) == -1)
		return -1;
	return mx_err_set(err, MX_E_USAGE, _("%s: '%s' is not an IP "
	    "address"), key, v);
}

static int
check_path(const char *key, const char *v, struct mx_err *err)
{
	return one_line(key, v, err);
}

static int
server_word(const char *key, const char *w, size_t n, struct mx_err *err)
{
	const char *at = memchr(w, '@', n);
	size_t alen = at ? (size_t)(at - w) : n;
	long port;
	char *end;

	if (!is_ip(w, alen))
		return mx_err_set(err, MX_E_USAGE, _("%s: '%.*s': write an IP "
		    "address, optionally @PORT"), key, (int)n, w);
	if (at == NULL)
		return 0;
	errno = 0;
	port = strtol(at + 1, &end, 10);
	if (end != w + n || end == at + 1 || port < 1 || port > 65535 ||
	    errno)
		return mx_err_set(err, MX_E_USAGE, _("%s: '%.*s': the port "
		    "must be 1 to 65535"), key, (int)n, w);
	return 0;
}

static int
check_servers(const char *key, const char *v, struct mx_err *err)
{
	if (one_line(key, v, err) == -1)
		return -1;
	return each_word(key, v, err, server_word);
}

static int
source_word(const char *key, const char *w, size_t n, struct mx_err *err)
{
	if (in_list(w, n, source_kinds))
		return 0;
	return mx_err_set(err, MX_E_USAGE, _("%s: '%.*s' is not a source "
	    "(passwd vpopmail vpopmail-mysql qmail-mysql plesk dovecot)"), key,
	    (int)n, w);
}

static int
check_sources(const char *key, const char *v, struct mx_err *err)
{
	if (one_line(key, v, err) == -1)
		return -1;
	return each_word(key, v, err, source_word);
}

static int
check_target(const char *key, const char *v, struct mx_err *err)
{
	if (*v == '\0' || in_list(v, strlen(v), target_kinds))
		return 0;
	if (one_line(key, v, err) == -1)
		return -1;
	return mx_err_set(err, MX_E_USAGE, _("%s: '%s' is not a target "
	    "(system vpopmail vpopmail-mysql dovecot mysql)"), key, v);
}

static int
check_mta(const char *key, const char *v, struct mx_err *err)
{
	if (*v == '\0' || in_list(v, strlen(v), mtas))
		return 0;
	if (one_line(key, v, err) == -1)
		return -1;
	return mx_err_set(err, MX_E_USAGE, _("%s: '%s': say qmail, postfix "
	    "or sendmail"), key, v);
}

static int
check_ttl(const char *key, const char *v, struct mx_err *err)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (*v == '\0' || *end != '\0' || errno || n < 30 || n > 86400) {
		if (one_line(key, v, err) == -1)
			return -1;
		return mx_err_set(err, MX_E_USAGE, _("%s: '%s': give seconds, "
		    "30 to 86400"), key, v);
	}
	return 0;
}

struct mx_plan *
mx_plan_new(void)
{
	struct mx_plan *p;
	int i;

	if ((p = calloc(1, sizeof *p)) == NULL)
		return NULL;
	for (i = 0; i < MX_PLAN_NKEYS; i++)
		if ((p->val[i] = strdup(keys[i].def)) == NULL) {
			mx_plan_free(p);
			return NULL;
		}
	return p;
}

void
mx_plan_free(struct mx_plan *p)
{
	struct mx_plan_state *s, *next;
	int i;

	if (p == NULL)
		return;
	for (i = 0; i < MX_PLAN_NKEYS; i++)
		free(p->val[i]);
	for (s = p->state; s; s = next) {
		next = s->next;
		free(s->name);
		free(s->value);
		free(s);
	}
	free(p);
}

int
mx_plan_check(enum mx_plan_key k, const char *value, struct mx_err *err)
{
	if ((unsigned)k >= MX_PLAN_NKEYS)
		return mx_err_set(err, MX_E_USAGE, _("no such plan setting"));
	return keys[k].check(keys[k].name, value, err);
}

int
mx_plan_set(struct mx_plan *p, enum mx_plan_key k, const char *value,
    struct mx_err *err)
{
	char *v;

	if (mx_plan_check(k, value, err) == -1)
		return -1;
	if ((v = strdup(value)) == NULL)
		return mx_err_errno(err, errno, "%s", keys[k].name);
	free(p->val[k]);
	p->val[k] = v;
	return 0;
}

const char *
mx_plan_get(const struct mx_plan *p, enum mx_plan_key k)
{
	if (p == NULL || (unsigned)k >= MX_PLAN_NKEYS)
		return "";
	return p->val[k];
}

int
mx_plan_complete(const struct mx_plan *p, struct mx_err *err)
{
	static const enum mx_plan_key need[] = { MX_PLAN_OLD, MX_PLAN_NEW,
		MX_PLAN_DOMAINS };
	size_t i;

	for (i = 0; i < sizeof need / sizeof need[0]; i++)
		if (p->val[need[i]][0] == '\0')
			return mx_err_set(err, MX_E_USAGE, _("the plan has no "
			    "%s yet"), keys[need[i]].name);
	if ((p->val[MX_PLAN_DEAD_IP][0] == '\0') !=
	    (p->val[MX_PLAN_LIVE_IP][0] == '\0'))
		return mx_err_set(err, MX_E_USAGE, _("give both dead_ip and "
		    "live_ip, or neither"));
	if (*p->val[MX_PLAN_DEAD_IP] &&
	    strcmp(p->val[MX_PLAN_DEAD_IP], p->val[MX_PLAN_LIVE_IP]) == 0)
		return mx_err_set(err, MX_E_USAGE, _("dead_ip and live_ip must "
		    "differ: nothing may listen on the dead one"));
	return 0;
}

static int
state_name_ok(const char *name)
{
	const char *s;

	if (*name == '\0')
		return 0;
	for (s = name; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '.' && *s != '_' &&
		    *s != '-')
			return 0;
	return 1;
}

static struct mx_plan_state *
state_find(const struct mx_plan *p, const char *name)
{
	struct mx_plan_state *s;

	for (s = p->state; s; s = s->next)
		if (strcmp(s->name, name) == 0)
			return s;
	return NULL;
}

const char *
mx_plan_state_get(const struct mx_plan *p, const char *name)
{
	struct mx_plan_state *s = p ? state_find(p, name) : NULL;

	return s ? s->value : NULL;
}

int
mx_plan_state_set(struct mx_plan *p, const char *name, const char *value,
    struct mx_err *err)
{
	struct mx_plan_state *s, **tail;
	char *v;

	if (!state_name_ok(name))
		return mx_err_set(err, MX_E_USAGE, _("state.%s: a state name is "
		    "letters, digits, '.', '_' and '-'"), name);
	if (one_line(name, value, err) == -1)
		return -1;
	if ((v = strdup(value)) == NULL)
		return mx_err_errno(err, errno, "state.%s", name);
	if ((s = state_find(p, name)) != NULL) {
		free(s->value);
		s->value = v;
		return 0;
	}
	if ((s = calloc(1, sizeof *s)) == NULL ||
	    (s->name = strdup(name)) == NULL) {
		free(s);
		free(v);
		return mx_err_errno(err, ENOMEM, "state.%s", name);
	}
	s->value = v;
	for (tail = &p->state; *tail; tail = &(*tail)->next)
		;
	*tail = s;
	return 0;
}

time_t
mx_plan_state_time(const struct mx_plan *p, const char *name)
{
	const char *v = mx_plan_state_get(p, name);
	char *end;
	long long t;

	if (v == NULL || *v == '\0')
		return 0;
	errno = 0;
	t = strtoll(v, &end, 10);
	if (*end != '\0' || errno || t < 0)
		return 0;
	return (time_t)t;
}

static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

static int
find_key(const char *name)
{
	int i;

	for (i = 0; i < MX_PLAN_NKEYS; i++)
		if (strcmp(keys[i].name, name) == 0)
			return i;
	return -1;
}

/* One line "key = value" into p; seen[] catches keys given twice. */
static int
parse_line(struct mx_plan *p, char *line, int *seen, struct mx_err *err)
{
	char *eq, *key, *val;
	int k;

	line = trim(line);
	if (*line == '\0' || *line == '#')
		return 0;
	if ((eq = strchr(line, '=')) == NULL)
		return mx_err_set(err, MX_E_PARSE, _("expected 'key = value'"));
	*eq = '\0';
	key = trim(line);
	val = trim(eq + 1);
	if (strncmp(key, "state.", 6) == 0) {
		if (mx_plan_state_get(p, key + 6) != NULL)
			return mx_err_set(err, MX_E_PARSE, _("%s is given twice"),
			    key);
		return mx_plan_state_set(p, key + 6, val, err);
	}
	if ((k = find_key(key)) < 0)
		return mx_err_set(err, MX_E_PARSE, _("unknown setting '%s'"),
		    key);
	if (seen[k]++)
		return mx_err_set(err, MX_E_PARSE, _("%s is given twice"), key);
	if (mx_plan_set(p, (enum mx_plan_key)k, val, err) == -1) {
		err->code = MX_E_PARSE;
		return -1;
	}
	return 0;
}

int
mx_plan_parse(struct mx_plan **out, const char *text, size_t len,
    const char *name, struct mx_err *err)
{
	int seen[MX_PLAN_NKEYS] = { 0 };
	struct mx_plan *p;
	const char *s = text, *end = text + len, *nl;
	char *line;
	int lineno = 0;

	if (memchr(text, '\0', len) != NULL)
		return mx_err_set(err, MX_E_PARSE, _("%s: not a text file"),
		    name);
	if ((p = mx_plan_new()) == NULL)
		return mx_err_errno(err, ENOMEM, "%s", name);
	while (s < end) {
		lineno++;
		nl = memchr(s, '\n', (size_t)(end - s));
		if (nl == NULL)
			nl = end;
		if ((line = strndup(s, (size_t)(nl - s))) == NULL) {
			mx_plan_free(p);
			return mx_err_errno(err, ENOMEM, "%s", name);
		}
		if (parse_line(p, line, seen, err) == -1) {
			free(line);
			mx_plan_free(p);
			return mx_err_prefix(err, _("%s: line %d"), name, lineno);
		}
		free(line);
		s = nl + 1;
	}
	*out = p;
	return 0;
}

int
mx_plan_load(struct mx_plan **out, const char *path, struct mx_err *err)
{
	struct mx_buf b = MX_BUF_INIT;
	char chunk[4096];
	ssize_t n;
	int fd, r;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return mx_err_errno(err, errno, "%s", path);
	while ((n = read(fd, chunk, sizeof chunk)) > 0)
		if (mx_buf_append(&b, chunk, (size_t)n) == -1) {
			close(fd);
			mx_buf_free(&b);
			return mx_err_errno(err, ENOMEM, "%s", path);
		}
	if (n == -1) {
		r = errno;
		close(fd);
		mx_buf_free(&b);
		return mx_err_errno(err, r, "%s", path);
	}
	close(fd);
	r = mx_plan_parse(out, b.data ? b.data : "", b.len, path, err);
	mx_buf_free(&b);
	return r;
}

char *
mx_plan_format(const struct mx_plan *p)
{
	struct mx_buf b = MX_BUF_INIT;
	const struct mx_plan_state *s;
	int i;

	mx_buf_puts(&b, "# mxmove plan: the migration's answers and progress.\n"
	    "# One 'key = value' a line; edited by the wizard.\n");
	for (i = 0; i < MX_PLAN_NKEYS; i++)
		mx_buf_printf(&b, "%s = %s\n", keys[i].name, p->val[i]);
	for (s = p->state; s; s = s->next)
		mx_buf_printf(&b, "state.%s = %s\n", s->name, s->value);
	return mx_buf_steal(&b);
}

static int
write_all(int fd, const char *s, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, s, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* mkdir -p of path's parent directory, mode 0700 for new ones. */
static int
make_parent(const char *path, struct mx_err *err)
{
	char *d = strdup(path), *s;

	if (d == NULL)
		return mx_err_errno(err, ENOMEM, "%s", path);
	for (s = d + 1; (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		if (mkdir(d, 0700) == -1 && errno != EEXIST) {
			mx_err_errno(err, errno, "%s", d);
			free(d);
			return -1;
		}
		*s = '/';
	}
	free(d);
	return 0;
}

int
mx_plan_save(const struct mx_plan *p, const char *path, struct mx_err *err)
{
	struct mx_buf tmp = MX_BUF_INIT;
	char *text;
	int fd, e;

	if (make_parent(path, err) == -1)
		return -1;
	if ((text = mx_plan_format(p)) == NULL ||
	    mx_buf_printf(&tmp, "%s.tmp.%ld", path, (long)getpid()) == -1) {
		free(text);
		return mx_err_errno(err, ENOMEM, "%s", path);
	}
	fd = open(tmp.data, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd == -1 || fchmod(fd, 0600) == -1 ||
	    write_all(fd, text, strlen(text)) == -1 || fsync(fd) == -1) {
		e = errno;
		if (fd != -1) {
			close(fd);
			unlink(tmp.data);
		}
		free(text);
		mx_buf_free(&tmp);
		return mx_err_errno(err, e, "%s", path);
	}
	free(text);
	if (close(fd) == -1 || rename(tmp.data, path) == -1) {
		e = errno;
		unlink(tmp.data);
		mx_buf_free(&tmp);
		return mx_err_errno(err, e, "%s", path);
	}
	mx_buf_free(&tmp);
	return 0;
}

char *
mx_plan_default_path(void)
{
	struct mx_buf b = MX_BUF_INIT;
	const char *x = getenv("XDG_STATE_HOME"), *h = getenv("HOME");

	if (x != NULL && *x == '/')
		mx_buf_printf(&b, "%s/mxmove/plan", x);
	else if (h != NULL && *h != '\0')
		mx_buf_printf(&b, "%s/.local/state/mxmove/plan", h);
	else
		return NULL;
	return mx_buf_steal(&b);
}

struct mx_plan *
mx_plan_copy(const struct mx_plan *p)
{
	struct mx_plan *q = NULL;
	struct mx_err err;
	char *text = mx_plan_format(p);

	if (text != NULL)
		mx_plan_parse(&q, text, strlen(text), "plan", &err);
	free(text);
	return q;
}
