/* mta-postfix.c - Postfix: queue (postqueue -j), accept-for (mydestination
 * or relay_domains), freeze (defer_transports), forward (transport_maps,
 * postmap, reload) (mta.h).
 *
 * main.cf is edited as text (logical lines: a line starting with white
 * space continues the one above) so that the preview is a diff, the
 * backup and the undo are exact and comments stay. Values are read from
 * main.cf when set there, else from "postconf -x -h" (the default).
 * Every Postfix command gets "-c CONFDIR".
 */
#include <config.h>

#include <ctype.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ctlfile.h"
#include "host.h"
#include "i18n.h"
#include "mta.h"
#include "quote.h"

#define POSTFIX_DEFAULT "/etc/postfix"

static const char *
conf(const struct mx_mta_opts *o)
{
	return o != NULL && o->postfix_conf != NULL ? o->postfix_conf :
	    POSTFIX_DEFAULT;
}

static const char *
postfix_state_dir(const struct mx_mta_opts *o)
{
	return conf(o);
}

static char *
confpath(const struct mx_mta_opts *o, const char *rel)
{
	return mx_mta_path(conf(o), rel);
}

static int
postfix_detect(struct mx_host *h, const struct mx_mta_opts *o,
    struct mx_err *err)
{
	return mx_mta_detect_path(h, conf(o), "main.cf", 0, err);
}

/* Run a Postfix tool with "-c CONFDIR" (the path as this host's
 * commands see it) followed by args. */
static int
pf_tool(struct mx_host *h, const struct mx_mta_opts *o, const char *tool,
    const char *const *args, struct mx_buf *out, struct mx_err *err)
{
	const char *argv[16];
	char *c = mx_host_path(h, conf(o));
	size_t n = 0, i;
	int rc;

	argv[n++] = tool;
	argv[n++] = "-c";
	argv[n++] = c;
	for (i = 0; args[i] != NULL && n < 15; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	rc = mx_mta_run(h, argv, out, err);
	free(c);
	return rc;
}

/* ---- the queue ---------------------------------------------------- */

static int
postfix_flush(struct mx_host *h, const struct mx_mta_opts *o,
    struct mx_err *err)
{
	static const char *const args[] = { "-f", NULL };

	return pf_tool(h, o, "postqueue", args, NULL, err);
}

static const char *const queue_names[] = {
	"incoming", "active", "deferred", "hold", "maildrop", NULL
};

static int
count_json(const char *text, long *v, struct mx_err *err, const char *host)
{
	const char *p = text, *nl;
	int i;

	while (*p != '\0') {
		struct json_object *obj, *qn;
		const char *name;
		char *line;

		nl = strchr(p, '\n');
		line = nl ? strndup(p, (size_t)(nl - p)) : strdup(p);
		p = nl ? nl + 1 : p + strlen(p);
		if (line == NULL)
			return mx_err_set(err, MX_E_GENERIC, _("out of memory"));
		if (line[0] == '\0') {
			free(line);
			continue;
		}
		obj = json_tokener_parse(line);
		free(line);
		if (obj == NULL || !json_object_object_get_ex(obj, "queue_name",
		    &qn)) {
			json_object_put(obj);
			return mx_err_set(err, MX_E_PARSE,
			    _("%s: postqueue -j: a line that is not a queue "
			    "entry"), host);
		}
		name = json_object_get_string(qn);
		for (i = 0; queue_names[i] != NULL; i++)
			if (name != NULL && strcmp(name, queue_names[i]) == 0)
				v[i]++;
		json_object_put(obj);
	}
	return 0;
}

/* Postfix stopped (postqueue needs its showq service): count the files
 * in the queue directories instead, as root can. */
static int
count_files(struct mx_host *h, const struct mx_mta_opts *o, long *v,
    struct mx_err *err)
{
	static const char *const args[] = { "-h", "queue_directory", NULL };
	struct mx_buf out = MX_BUF_INIT;
	char *dirs[5];
	int i, rc = -1;

	if (pf_tool(h, o, "postconf", args, &out, err) == -1) {
		mx_buf_free(&out);
		return -1;
	}
	while (out.len > 0 && (out.data[out.len - 1] == '\n' ||
	    out.data[out.len - 1] == ' '))
		out.data[--out.len] = '\0';
	for (i = 0; i < 5; i++) {
		struct mx_buf b = MX_BUF_INIT;

		mx_buf_printf(&b, "%s/%s", out.data ? out.data : "",
		    queue_names[i]);
		dirs[i] = mx_buf_steal(&b);
	}
	/* queue_directory as main.cf (of a copy too) names it: the host's view */
	rc = mx_mta_count_files(h, (const char *const *)dirs, NULL, 5, v, err);
	for (i = 0; i < 5; i++)
		free(dirs[i]);
	mx_buf_free(&out);
	return rc;
}

static int
postfix_queue(struct mx_host *h, const struct mx_mta_opts *o,
    struct mx_mta_queue *q, struct mx_err *err)
{
	static const char *const args[] = { "-j", NULL };
	struct mx_buf out = MX_BUF_INIT;
	struct mx_err e2;
	long v[5] = { 0, 0, 0, 0, 0 };
	int i, rc;

	memset(q, 0, sizeof *q);
	q->mta = "postfix";
	rc = pf_tool(h, o, "postqueue", args, &out, err);
	if (rc == 0)
		rc = count_json(out.data ? out.data : "", v, err,
		    mx_host_name(h));
	else if (count_files(h, o, v, &e2) == 0)
		rc = 0;		/* stopped: the files tell */
	mx_buf_free(&out);
	if (rc == -1)
		return -1;
	for (i = 0; i < 4; i++) {
		mx_mta_count(q, queue_names[i], v[i]);
		q->total += v[i];
	}
	q->total += v[4];
	if (v[4] > 0)
		mx_mta_count(q, queue_names[4], v[4]);
	return 0;
}

/* ---- main.cf as logical lines -------------------------------------- */

struct maincf {
	char *path;
	struct mx_ctl c;
	char *text;
	size_t len;
	int exists;
};

static int
maincf_open(struct maincf *m, struct mx_host *h, const struct mx_mta_opts *o,
    struct mx_err *err)
{
	m->path = confpath(o, "main.cf");
	if (mx_mta_read_ctl(h, m->path, MX_CTL_WHOLE, &m->c, &m->text,
	    &m->len, &m->exists, err) == -1) {
		free(m->path);
		m->path = NULL;
		return -1;
	}
	if (!m->exists) {
		mx_err_set(err, MX_E_NOTFOUND, _("%s: %s: no such file"),
		    mx_host_name(h), m->path);
		mx_ctl_free(&m->c);
		free(m->text);
		free(m->path);
		m->path = NULL;
		return -1;
	}
	return 0;
}

static void
maincf_close(struct maincf *m)
{
	if (m->path == NULL)
		return;
	mx_ctl_free(&m->c);
	free(m->text);
	free(m->path);
	m->path = NULL;
}

/* The last definition of name: first line index, *end one past its
 * continuation lines. -1 when not set. */
static long
maincf_find(const struct mx_ctl *c, const char *name, size_t *end)
{
	size_t i, nl = strlen(name), j;
	long found = -1;

	for (i = 0; i < c->n; i++) {
		const char *l = c->lines[i], *p;

		if (strncmp(l, name, nl) != 0)
			continue;
		p = l + nl;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != '=')
			continue;
		found = (long)i;
		for (j = i + 1; j < c->n; j++) {
			const char *q = c->lines[j];

			if (q[0] != ' ' && q[0] != '\t')
				break;
			while (*q == ' ' || *q == '\t')
				q++;
			if (*q == '\0' || *q == '#')
				break;
		}
		*end = j;
	}
	return found;
}

/* The value set in main.cf (joined continuation lines), or NULL. */
static char *
maincf_value(const struct mx_ctl *c, const char *name)
{
	struct mx_buf b = MX_BUF_INIT;
	size_t end, j;
	long i = maincf_find(c, name, &end);
	const char *p;

	if (i < 0)
		return NULL;
	p = strchr(c->lines[i], '=') + 1;
	for (j = (size_t)i; j < end; j++) {
		if (j > (size_t)i)
			p = c->lines[j];
		while (*p == ' ' || *p == '\t')
			p++;
		if (b.len > 0)
			mx_buf_puts(&b, " ");
		mx_buf_puts(&b, p);
	}
	while (b.len > 0 && (b.data[b.len - 1] == ' ' || b.data[b.len - 1] == '\t'))
		b.data[--b.len] = '\0';
	return mx_buf_steal(&b);
}

/* Set name = value in place (the last definition), or append it. */
static int
maincf_set(struct mx_ctl *c, const char *name, const char *value)
{
	struct mx_buf b = MX_BUF_INIT;
	size_t end;
	long i = maincf_find(c, name, &end);
	int rc;

	mx_buf_printf(&b, "%s = %s", name, value);
	if (i >= 0) {
		char *old = maincf_value(c, name);
		size_t j;

		if (old != NULL && strcmp(old, value) == 0 &&
		    end == (size_t)i + 1) {
			free(old);
			mx_buf_free(&b);
			return 0;
		}
		free(old);
		free(c->lines[i]);
		c->lines[i] = mx_buf_steal(&b);
		for (j = (size_t)i + 1; j < end; j++)
			free(c->lines[j]);
		memmove(c->lines + i + 1, c->lines + end,
		    (c->n - end) * sizeof *c->lines);
		c->n -= end - (size_t)i - 1;
		return 1;
	}
	/* Appended: mx_ctl_set appends a line whose key is new. */
	rc = mx_ctl_set(c, b.data);
	mx_buf_free(&b);
	return rc;
}

/* The value in effect: main.cf's, else Postfix's default, unexpanded
 * where main.cf sets it. Caller frees. */
static char *
param(struct mx_host *h, const struct mx_mta_opts *o, const struct mx_ctl *c,
    const char *name, struct mx_err *err)
{
	const char *args[] = { "-x", "-h", name, NULL };
	struct mx_buf out = MX_BUF_INIT;
	char *v = maincf_value(c, name);

	if (v != NULL)
		return v;
	if (pf_tool(h, o, "postconf", args, &out, err) == -1) {
		mx_buf_free(&out);
		return NULL;
	}
	while (out.len > 0 && (out.data[out.len - 1] == '\n' ||
	    out.data[out.len - 1] == ' '))
		out.data[--out.len] = '\0';
	return mx_buf_steal(&out);
}

/* Is word an item of a Postfix list (comma and/or space separated)? */
static int
list_has(const char *list, const char *word)
{
	size_t wl = strlen(word);
	const char *p = list;

	while (*p) {
		size_t n;

		p += strspn(p, ", \t");
		n = strcspn(p, ", \t");
		if (n == wl && strncasecmp(p, word, n) == 0)
			return 1;
		p += n;
	}
	return 0;
}

static char *
list_add(const char *list, const char *word)
{
	struct mx_buf b = MX_BUF_INIT;
	size_t n = strlen(list);

	while (n > 0 && strchr(", \t", list[n - 1]))
		n--;
	mx_buf_append(&b, list, n);
	if (n > 0)
		mx_buf_puts(&b, ", ");
	mx_buf_puts(&b, word);
	return mx_buf_steal(&b);
}

static char *
list_remove(const char *list, const char *word)
{
	struct mx_buf b = MX_BUF_INIT;
	size_t wl = strlen(word);
	const char *p = list;

	while (*p) {
		size_t n;

		p += strspn(p, ", \t");
		n = strcspn(p, ", \t");
		if (n > 0 && !(n == wl && strncasecmp(p, word, n) == 0)) {
			if (b.len > 0)
				mx_buf_puts(&b, ", ");
			mx_buf_append(&b, p, n);
		}
		p += n;
	}
	return mx_buf_steal(&b);
}

static int
reload_cmd(struct mx_host *h, const struct mx_mta_opts *o,
    struct mx_changes *cs, struct mx_err *err)
{
	/* A stopped Postfix reads main.cf when it starts: not an error. */
	static const char script[] =
	    "if postfix -c \"$1\" status >/dev/null 2>&1; then "
	    "postfix -c \"$1\" reload; "
	    "else echo \"Postfix is not running (it reads main.cf when it "
	    "starts)\"; fi";
	char *c = mx_host_path(h, conf(o));
	const char *argv[] = { "sh", "-c", script, "sh", c, NULL };
	int rc = mx_changes_run(cs, MX_RUN_APPLY | MX_RUN_UNDO | MX_RUN_DAEMON,
	    argv, err);

	free(c);
	return rc;
}

static int
check_domains(const char *const *domains, struct mx_err *err)
{
	size_t i;

	if (domains == NULL || domains[0] == NULL)
		return mx_err_set(err, MX_E_USAGE, _("no domain given (--domain)"));
	for (i = 0; domains[i] != NULL; i++)
		if (!mx_mta_domain_ok(domains[i]))
			return mx_err_set(err, MX_E_USAGE,
			    _("'%s' is not a domain name (letters, digits, '-' "
			    "and '.')"), domains[i]);
	return 0;
}

/* Add each domain to list parameter name; 1 if it changed. */
static int
add_to_list(struct mx_host *h, const struct mx_mta_opts *o, struct mx_ctl *c,
    const char *name, const char *const *domains, struct mx_err *err)
{
	char *v = param(h, o, c, name, err), *nv;
	size_t i;
	int changed = 0;

	if (v == NULL)
		return -1;
	for (i = 0; domains[i] != NULL; i++) {
		if (list_has(v, domains[i]))
			continue;
		nv = list_add(v, domains[i]);
		free(v);
		v = nv;
		changed = 1;
	}
	if (changed && maincf_set(c, name, v) == -1)
		changed = mx_err_set(err, MX_E_GENERIC, _("out of memory"));
	free(v);
	return changed;
}

/* ---- accept-for, freeze, forward ----------------------------------- */

static int
postfix_accept_for(struct mx_host *h, const struct mx_mta_opts *o,
    const char *const *domains, int local, struct mx_changes *cs,
    struct mx_err *err)
{
	struct maincf m;
	int r, rc = -1;

	if (check_domains(domains, err) == -1 ||
	    maincf_open(&m, h, o, err) == -1)
		return -1;
	r = add_to_list(h, o, &m.c, local ? "mydestination" : "relay_domains",
	    domains, err);
	if (r == 1 && (mx_mta_plan_ctl(cs, m.path, m.text, m.len, 1, &m.c,
	    0644, err) == -1 || reload_cmd(h, o, cs, err) == -1))
		r = -1;
	if (r != -1)
		rc = 0;
	maincf_close(&m);
	return rc;
}

/* The transport names that deliver into mailboxes here. */
static int
delivery_transports(struct mx_host *h, const struct mx_mta_opts *o,
    const struct mx_ctl *c, struct mx_buf *names, struct mx_err *err)
{
	static const char *const params[] = { "local_transport",
	    "virtual_transport", NULL };
	size_t i, n;

	for (i = 0; params[i] != NULL; i++) {
		char *v = param(h, o, c, params[i], err), *t;

		if (v == NULL)
			return -1;
		n = strcspn(v, ":");
		t = strndup(v, n);
		free(v);
		if (t == NULL)
			return mx_err_set(err, MX_E_GENERIC, _("out of memory"));
		if (n > 0 && !list_has(names->data ? names->data : "", t)) {
			if (names->len > 0)
				mx_buf_puts(names, " ");
			mx_buf_puts(names, t);
		}
		free(t);
	}
	return 0;
}

static int
postfix_freeze(struct mx_host *h, const struct mx_mta_opts *o,
    const struct mx_mta_freeze *f, struct mx_changes *cs, struct mx_err *err)
{
	struct mx_buf names = MX_BUF_INIT;
	struct maincf m;
	char *cur = NULL, *nv = NULL, *c;
	const char *p;
	int rc = -1;

	if (f->method != MX_FREEZE_DEFAULT && f->method != MX_FREEZE_DEFER)
		return mx_err_set(err, MX_E_USAGE,
		    _("Postfix freezes with defer_transports (--method defer)"));
	if ((f->domains && f->domains[0]) || (f->homes && f->homes[0]) ||
	    (f->homes_under && f->homes_under[0]) || f->to)
		return mx_err_set(err, MX_E_USAGE,
		    _("%s: the freeze holds every delivery; --domain, --home, "
		    "--homes-under and --to do not apply"), "Postfix");
	if (maincf_open(&m, h, o, err) == -1)
		return -1;
	if (delivery_transports(h, o, &m.c, &names, err) == -1)
		goto out;
	cur = param(h, o, &m.c, "defer_transports", err);
	if (cur == NULL)
		goto out;
	nv = strdup(cur);
	for (p = names.data; nv != NULL && p != NULL && *p; ) {
		size_t n = strcspn(p, " ");
		char *t = strndup(p, n);

		if (t != NULL && !list_has(nv, t)) {
			char *x = list_add(nv, t);

			free(nv);
			nv = x;
		}
		free(t);
		p += n;
		p += strspn(p, " ");
	}
	if (nv == NULL || maincf_set(&m.c, "defer_transports", nv) == -1) {
		mx_err_set(err, MX_E_GENERIC, _("out of memory"));
		goto out;
	}
	if (mx_mta_plan_ctl(cs, m.path, m.text, m.len, 1, &m.c, 0644,
	    err) == -1 || reload_cmd(h, o, cs, err) == -1)
		goto out;
	/* Thawed: deliver what waited. */
	c = mx_host_path(h, conf(o));
	{
		const char *argv[] = { "sh", "-c",
		    "if postfix -c \"$1\" status >/dev/null 2>&1; then "
		    "postqueue -c \"$1\" -f && echo \"postqueue -f: the queue "
		    "is flushed\"; else echo \"Postfix is not running\"; fi",
		    "sh", c, NULL };

		rc = mx_changes_run(cs, MX_RUN_UNDO | MX_RUN_DAEMON, argv, err);
	}
	free(c);
out:
	free(cur);
	free(nv);
	mx_buf_free(&names);
	maincf_close(&m);
	return rc;
}

/* "host" -> "smtp:[host]", "[addr]" -> "smtp:[addr]", "host:26" ->
 * "smtp:[host]:26". */
static char *
nexthop(const char *to)
{
	struct mx_buf b = MX_BUF_INIT;
	const char *colon;

	if (to[0] == '[') {
		mx_buf_printf(&b, "smtp:%s", to);
		return mx_buf_steal(&b);
	}
	colon = strchr(to, ':');
	if (colon != NULL)
		mx_buf_printf(&b, "smtp:[%.*s]%s", (int)(colon - to), to, colon);
	else
		mx_buf_printf(&b, "smtp:[%s]", to);
	return mx_buf_steal(&b);
}

/* The file behind transport_maps: the first hash:, lmdb:, btree: or cdb:
 * table; a new hash:CONF/transport when transport_maps is empty. *table
 * gets "type:path". */
static int
transport_file(struct mx_host *h, const struct mx_mta_opts *o,
    struct mx_ctl *c, char **file, char **table, struct mx_err *err)
{
	static const char *const types[] = { "hash:", "lmdb:", "btree:",
	    "cdb:", NULL };
	char *v = param(h, o, c, "transport_maps", err);
	const char *p;
	size_t i;

	*file = *table = NULL;
	if (v == NULL)
		return -1;
	for (p = v; *p; ) {
		size_t n;

		p += strspn(p, ", \t");
		n = strcspn(p, ", \t");
		for (i = 0; types[i] != NULL && n > 0; i++) {
			size_t tl = strlen(types[i]);

			if (n > tl && strncmp(p, types[i], tl) == 0 &&
			    p[tl] == '/') {
				*file = strndup(p + tl, n - tl);
				*table = strndup(p, n);
				free(v);
				return 0;
			}
		}
		if (n > 0) {
			mx_err_set(err, MX_E_GENERIC,
			    _("%s: transport_maps is '%s': no hash:, lmdb:, btree: "
			    "or cdb: file to add to; add the routes yourself"),
			    mx_host_name(h), v);
			free(v);
			return -1;
		}
	}
	free(v);
	*file = confpath(o, "transport");
	{
		struct mx_buf b = MX_BUF_INIT;

		mx_buf_printf(&b, "hash:%s", *file);
		*table = mx_buf_steal(&b);
	}
	if (maincf_set(c, "transport_maps", *table) == -1)
		return mx_err_set(err, MX_E_GENERIC, _("out of memory"));
	return 0;
}

static int
postfix_forward(struct mx_host *h, const struct mx_mta_opts *o,
    const char *const *domains, const char *to, struct mx_changes *cs,
    struct mx_err *err)
{
	struct maincf m;
	struct mx_ctl t;
	struct mx_buf line = MX_BUF_INIT, script = MX_BUF_INIT;
	char *file = NULL, *table = NULL, *ttext = NULL, *hop = NULL;
	char *mydest = NULL, *nd, *c = NULL, *hf = NULL;
	size_t tlen, i;
	int texists, rc = -1;
	const char *p;

	if (check_domains(domains, err) == -1)
		return -1;
	if (to == NULL || *to == '\0')
		return mx_err_set(err, MX_E_USAGE,
		    _("no new host given (--to HOST)"));
	for (p = to; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr(".-_[]:", *p))
			return mx_err_set(err, MX_E_USAGE,
			    _("'%s' is not a host name, [address] or host:port"),
			    to);
	if (maincf_open(&m, h, o, err) == -1)
		return -1;
	t.lines = NULL;
	t.n = 0;
	if (transport_file(h, o, &m.c, &file, &table, err) == -1)
		goto out;
	if (mx_mta_read_ctl(h, file, MX_CTL_SPACE, &t, &ttext, &tlen, &texists,
	    err) == -1)
		goto out;
	hop = nexthop(to);
	for (i = 0; domains[i] != NULL; i++) {
		mx_buf_reset(&line);
		mx_buf_printf(&line, "%s %s", domains[i], hop);
		if (mx_ctl_set(&t, line.data) == -1)
			goto nomem;
	}
	/* Out of mydestination (else it is delivered here), into
	 * relay_domains (so that it is still accepted). */
	mydest = param(h, o, &m.c, "mydestination", err);
	if (mydest == NULL)
		goto out;
	for (i = 0; domains[i] != NULL; i++) {
		if (!list_has(mydest, domains[i]))
			continue;
		nd = list_remove(mydest, domains[i]);
		free(mydest);
		mydest = nd;
		if (maincf_set(&m.c, "mydestination", mydest) == -1)
			goto nomem;
	}
	if (add_to_list(h, o, &m.c, "relay_domains", domains, err) == -1)
		goto out;
	if (mx_mta_plan_ctl(cs, file, ttext, tlen, texists, &t, 0644,
	    err) == -1 ||
	    mx_mta_plan_ctl(cs, m.path, m.text, m.len, 1, &m.c, 0644,
	    err) == -1)
		goto out;
	/* postmap after the file is written, and again when undone (when
	 * the file is still there). */
	c = mx_host_path(h, conf(o));
	hf = mx_host_path(h, file);
	mx_buf_printf(&script, "if [ -f \"$2\" ]; then postmap -c \"$1\" "
	    "%.*s\"$2\"; fi", (int)(strchr(table, ':') - table + 1), table);
	{
		const char *argv[] = { "sh", "-c", script.data, "sh", c, hf,
		    NULL };

		/* the host's own postmap (its map format): live hosts only */
		if (mx_changes_run(cs, MX_RUN_APPLY | MX_RUN_UNDO |
		    MX_RUN_DAEMON, argv, err) == -1)
			goto out;
	}
	if (reload_cmd(h, o, cs, err) == -1)
		goto out;
	rc = 0;
	goto out;
nomem:
	mx_err_set(err, MX_E_GENERIC, _("out of memory"));
out:
	if (t.lines != NULL || t.n != 0)
		mx_ctl_free(&t);
	free(file);
	free(table);
	free(ttext);
	free(hop);
	free(mydest);
	free(c);
	free(hf);
	mx_buf_free(&line);
	mx_buf_free(&script);
	maincf_close(&m);
	return rc;
}

const struct mx_mta_ops mx_mta_postfix = {
	.name = "postfix",
	.detect = postfix_detect,
	.queue = postfix_queue,
	.accept_for = postfix_accept_for,
	.freeze = postfix_freeze,
	.forward = postfix_forward,
	.state_dir = postfix_state_dir,
	.flush = postfix_flush,
};
