/* acct-cli.c - shared by the accounts and create-accounts verbs. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "acct-cli.h"
#include "commands.h"
#include "i18n.h"

void
mx_acct_cli_init(struct mx_acct_cli *c)
{
	memset(c, 0, sizeof *c);
	mx_acct_opts_init(&c->o);
}

static int
num_arg(const char *verb, const char *opt, const char *arg, long long *v)
{
	char *end;

	errno = 0;
	*v = strtoll(arg, &end, 10);
	if (errno != 0 || *end != '\0' || end == arg || *v < 0) {
		fprintf(stderr, _("mxmove %s: %s wants a number, not '%s'\n"),
		    verb, opt, arg);
		return -1;
	}
	return 1;
}

int
mx_acct_cli_option(struct mx_acct_cli *c, const char *verb, int code,
    const char *arg)
{
	switch (code) {
	case MX_ACO_SOURCE:
		if (strcmp(arg, "auto") != 0 && mx_acct_source_find(arg) == NULL) {
			size_t i;

			fprintf(stderr, _("mxmove %s: unknown source '%s'; one of:"),
			    verb, arg);
			for (i = 0; mx_acct_sources[i] != NULL; i++)
				fprintf(stderr, " %s", mx_acct_sources[i]->name);
			fputc('\n', stderr);
			return -1;
		}
		c->source = arg;
		return 1;
	case MX_ACO_UID_MIN:
		return num_arg(verb, "--uid-min", arg, &c->o.uid_min);
	case MX_ACO_UID_MAX:
		return num_arg(verb, "--uid-max", arg, &c->o.uid_max);
	case MX_ACO_DEFAULTS_FILE:
		if (access(arg, R_OK) != 0) {
			fprintf(stderr, _("mxmove %s: cannot read the option file %s: %s\n"),
			    verb, arg, strerror(errno));
			return -1;
		}
		c->o.defaults_file = arg;
		return 1;
	case MX_ACO_DATABASE:
		c->o.database = arg;
		return 1;
	case MX_ACO_VPOPMAIL_DIR:
		c->o.vpopmail_dir = arg;
		return 1;
	case MX_ACO_QMAIL_DIR:
		c->o.qmail_dir = arg;
		return 1;
	case MX_ACO_DOVECOT_USERS:
		c->o.dovecot_users = arg;
		return 1;
	case MX_ACO_ASK_SQL:
		c->ask_sql = 1;
		return 1;
	default:
		return 0;
	}
}

/* Read a line from the terminal, without echo when secret. */
static int
ask(const char *prompt, char *buf, size_t len, int secret)
{
	struct termios t, saved;
	FILE *tty;
	int fd, r = -1;

	if ((tty = fopen("/dev/tty", "r+")) == NULL)
		return -1;
	fd = fileno(tty);
	fputs(prompt, tty);
	fflush(tty);
	if (secret && tcgetattr(fd, &saved) == 0) {
		t = saved;
		t.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(fd, TCSAFLUSH, &t);
	}
	if (fgets(buf, (int)len, tty) != NULL) {
		buf[strcspn(buf, "\r\n")] = '\0';
		r = 0;
	}
	if (secret) {
		tcsetattr(fd, TCSAFLUSH, &saved);
		fputc('\n', tty);
	}
	fclose(tty);
	return r;
}

int
mx_acct_cli_prompt(struct mx_acct_cli *c, const char *verb)
{
	if (!c->ask_sql)
		return 0;
	if (ask(_("MySQL user: "), c->sql_user, sizeof c->sql_user, 0) == -1 ||
	    ask(_("MySQL password: "), c->sql_password,
	    sizeof c->sql_password, 1) == -1) {
		fprintf(stderr, _("mxmove %s: no terminal to ask the MySQL "
		    "password on; use --defaults-file FILE\n"), verb);
		return -1;
	}
	c->o.sql_user = c->sql_user;
	c->o.sql_password = c->sql_password;
	return 0;
}

void
mx_acct_cli_wipe(struct mx_acct_cli *c)
{
	explicit_bzero(c->sql_password, sizeof c->sql_password);
}

struct mx_host *
mx_acct_cli_open(const char *verb, const char *spec)
{
	return mx_acct_cli_open_audit(verb, spec, NULL);
}

struct mx_host *
mx_acct_cli_open_audit(const char *verb, const char *spec,
    struct mx_audit *audit)
{
	struct mx_host_opts ho;
	struct mx_hostkey_info key;
	struct mx_host *h = NULL;
	struct mx_err err = { 0 };

	memset(&ho, 0, sizeof ho);
	memset(&key, 0, sizeof key);
	ho.audit = audit;
	if (mx_host_open(&h, spec, &ho, &key, &err) == -1) {
		mx_cmd_fail(verb, err.msg);
		if (err.code == MX_E_HOSTKEY && key.fingerprint[0] != '\0')
			fprintf(stderr, _("mxmove %s: the host offers %s; check "
			    "it, then run 'mxmove check %s' to accept it\n"),
			    verb, key.fingerprint, spec);
		return NULL;
	}
	return h;
}

static void
address(char *buf, size_t len, const char *local, const char *domain)
{
	snprintf(buf, len, "%s%s%s", local, domain[0] ? "@" : "", domain);
}

void
mx_acct_cli_print(FILE *fp, const struct mx_accounts *a)
{
	char addr[400], mask[64];
	size_t i, j, skipped = 0;
	const struct mx_account *ac;

	for (i = 0; i < a->nacct; i++)
		skipped += a->acct[i].skip != NULL;
	fprintf(fp, _("source %s: %zu domains, %zu accounts (%zu skipped), "
	    "%zu aliases, %zu lists, %zu malformed entries\n"), a->source,
	    a->ndomains, a->nacct, skipped, a->nalias, a->nlist, a->nproblem);
	for (i = 0; i < a->nacct; i++) {
		ac = &a->acct[i];
		if (ac->skip != NULL)
			continue;
		address(addr, sizeof addr, ac->local, ac->domain);
		mx_hash_mask(ac->hash, ac->scheme, mask, sizeof mask);
		fprintf(fp, "  %-32s %-9s %-16s %-14s %s\n", addr,
		    mx_hash_scheme_name(ac->scheme), mask,
		    ac->quota ? ac->quota : "-",
		    ac->src_maildir ? ac->src_maildir :
		    ac->mbox ? ac->mbox : "-");
		for (j = 0; j < ac->nforwards; j++)
			fprintf(fp, _("      forwards to %s%s\n"), ac->forwards[j],
			    ac->keep_copy ? _(" (and keeps a copy)") : "");
		if (ac->autoresponder != NULL)
			fprintf(fp, _("      autoresponder: %s\n"), ac->autoresponder);
		if (ac->disabled)
			fprintf(fp, _("      disabled (no POP, no IMAP)\n"));
		if (ac->scheme == MX_HASH_PLESK_AES)
			fprintf(fp, _("      password encrypted with Plesk's key "
			    "(/etc/psa/private/secret_key): decrypt it on the "
			    "old host, or have the user reset it\n"));
	}
	for (i = 0; i < a->nacct; i++) {
		ac = &a->acct[i];
		if (ac->skip == NULL)
			continue;
		address(addr, sizeof addr, ac->local, ac->domain);
		fprintf(fp, _("  skipped %s: %s\n"), addr, ac->skip);
	}
	for (i = 0; i < a->nalias; i++) {
		address(addr, sizeof addr, a->alias[i].name, a->alias[i].domain);
		fprintf(fp, _("  alias %s ->"), addr);
		for (j = 0; j < a->alias[i].ndest; j++)
			fprintf(fp, " %s", a->alias[i].dest[j]);
		fputc('\n', fp);
	}
	for (i = 0; i < a->nlist; i++) {
		address(addr, sizeof addr, a->list[i].name, a->list[i].domain);
		fprintf(fp, _("  mailing list %s in %s\n"), addr, a->list[i].dir);
	}
	for (i = 0; i < a->nproblem; i++)
		fprintf(fp, _("  malformed: %s: %s\n"), a->problem[i].where,
		    a->problem[i].what);
}

static void
jset(json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, v ? json_object_new_string(v) : NULL);
}

static json_object *
jstrv(char **v, size_t n)
{
	json_object *arr = json_object_new_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_object_array_add(arr, json_object_new_string(v[i]));
	return arr;
}

static json_object *
jaccount(const struct mx_account *ac)
{
	json_object *o = json_object_new_object();
	char addr[400], mask[64];

	address(addr, sizeof addr, ac->local, ac->domain);
	mx_hash_mask(ac->hash, ac->scheme, mask, sizeof mask);
	jset(o, "address", addr);
	jset(o, "domain", ac->domain);
	jset(o, "local", ac->local);
	jset(o, "scheme", mx_hash_scheme_name(ac->scheme));
	jset(o, "hash_hint", mask);
	jset(o, "quota", ac->quota);
	json_object_object_add(o, "quota_bytes", json_object_new_int64(ac->quota_bytes));
	json_object_object_add(o, "quota_count", json_object_new_int64(ac->quota_count));
	json_object_object_add(o, "uid", json_object_new_int64(ac->uid));
	json_object_object_add(o, "gid", json_object_new_int64(ac->gid));
	if (ac->vuid > 0 || ac->vflags > 0)
		json_object_object_add(o, "vpopmail_flags",
		    json_object_new_int64(ac->vflags));
	jset(o, "gecos", ac->gecos);
	jset(o, "home", ac->home);
	jset(o, "maildir", ac->src_maildir);
	jset(o, "mbox", ac->mbox);
	json_object_object_add(o, "forwards", jstrv(ac->forwards, ac->nforwards));
	json_object_object_add(o, "keep_copy", json_object_new_boolean(ac->keep_copy));
	jset(o, "autoresponder", ac->autoresponder);
	json_object_object_add(o, "disabled", json_object_new_boolean(ac->disabled));
	jset(o, "skipped", ac->skip);
	jset(o, "origin", ac->origin);
	if (ac->dst_maildir != NULL)
		jset(o, "target_maildir", ac->dst_maildir);
	if (ac->status != NULL)
		jset(o, "status", ac->status);
	return o;
}

int
mx_acct_cli_json(FILE *fp, const struct mx_accounts *a)
{
	json_object *root = json_object_new_object(), *arr, *o;
	char addr[400];
	size_t i;

	if (root == NULL)
		return -1;
	jset(root, "source", a->source);
	json_object_object_add(root, "domains", jstrv(a->domains, a->ndomains));
	arr = json_object_new_array();
	for (i = 0; i < a->nacct; i++)
		json_object_array_add(arr, jaccount(&a->acct[i]));
	json_object_object_add(root, "accounts", arr);
	arr = json_object_new_array();
	for (i = 0; i < a->nalias; i++) {
		o = json_object_new_object();
		address(addr, sizeof addr, a->alias[i].name, a->alias[i].domain);
		jset(o, "address", addr);
		json_object_object_add(o, "dest",
		    jstrv(a->alias[i].dest, a->alias[i].ndest));
		jset(o, "origin", a->alias[i].origin);
		json_object_array_add(arr, o);
	}
	json_object_object_add(root, "aliases", arr);
	arr = json_object_new_array();
	for (i = 0; i < a->nlist; i++) {
		o = json_object_new_object();
		address(addr, sizeof addr, a->list[i].name, a->list[i].domain);
		jset(o, "address", addr);
		jset(o, "dir", a->list[i].dir);
		json_object_array_add(arr, o);
	}
	json_object_object_add(root, "lists", arr);
	arr = json_object_new_array();
	for (i = 0; i < a->nproblem; i++) {
		o = json_object_new_object();
		jset(o, "where", a->problem[i].where);
		jset(o, "what", a->problem[i].what);
		json_object_array_add(arr, o);
	}
	json_object_object_add(root, "malformed", arr);
	fprintf(fp, "%s\n", json_object_to_json_string_ext(root,
	    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
	return 0;
}
