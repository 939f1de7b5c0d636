/* ledger.c - the reconciliation ledger (see ledger.h). */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>
#include <openssl/evp.h>

#include "host.h"
#include "i18n.h"
#include "ledger.h"
#include "listing.h"
#include "maildir.h"
#include "mbox.h"

int
mx_ledger_ok(const struct mx_ledger_entry *e)
{
	return e->missing == 0 && e->flags_differ == 0 && e->dates_differ == 0 &&
	    e->content_differ == 0 && e->damaged == 0 &&
	    e->dst.duplicates <= e->src.duplicates;
}

static const char *
flags_of(const struct mx_msgrec *r)
{
	const char *slash = strrchr(r->path, '/');
	struct mx_mdname nm;

	if (slash == NULL || mx_maildir_parse_name(slash + 1, &nm) == -1 ||
	    nm.flags == NULL)
		return "";
	return nm.flags;
}

static int
cmp_digest(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Tally one side; with digests, count messages whose content repeats. */
static int
tally(const struct mx_listing *l, int digests, struct mx_ledger_side *s,
    struct mx_err *err)
{
	const char *f, *p;
	char **d = NULL;
	size_t i, nd = 0;

	memset(s, 0, sizeof *s);
	s->messages = l->n;
	s->bytes = l->bytes;
	for (i = 0; i < l->n; i++) {
		const struct mx_msgrec *r = &l->v[i];

		for (f = flags_of(r); *f; f++)
			if ((p = strchr(MX_LEDGER_FLAGS, *f)) != NULL)
				s->flag[p - MX_LEDGER_FLAGS]++;
		if (s->first == 0 || r->mtime < s->first)
			s->first = r->mtime;
		if (r->mtime > s->last)
			s->last = r->mtime;
	}
	if (!digests || l->n == 0)
		return 0;
	d = malloc(l->n * sizeof *d);
	if (d == NULL)
		return mx_err_errno(err, ENOMEM, "malloc");
	for (i = 0; i < l->n; i++)
		if (l->v[i].digest[0] != '\0')
			d[nd++] = l->v[i].digest;
	qsort(d, nd, sizeof *d, cmp_digest);
	for (i = 1; i < nd; i++)
		if (strcmp(d[i], d[i - 1]) == 0)
			s->duplicates++;
	free(d);
	return 0;
}

static int
digest_all(struct mx_host *h, const char *dir, struct mx_listing *l,
    struct mx_err *err)
{
	struct mx_msgrec **recs;
	size_t i;
	int rc;

	if (l->n == 0)
		return 0;
	recs = malloc(l->n * sizeof *recs);
	if (recs == NULL)
		return mx_err_errno(err, ENOMEM, "malloc");
	for (i = 0; i < l->n; i++)
		recs[i] = &l->v[i];
	rc = mx_listing_digest(h, dir, recs, l->n, err);
	free(recs);
	return rc;
}

/* Keep the first problem: what kind (translated) and which message. */
static void
problem(struct mx_ledger_entry *e, const char *what, const char *key)
{
	if (e->first_problem[0] == '\0')
		snprintf(e->first_problem, sizeof e->first_problem, "%s: %s", what, key);
}

int
mx_ledger_compare(struct mx_host *src, const char *sdir, struct mx_host *dst,
    const char *ddir, int digests, struct mx_ledger_entry *e,
    struct mx_err *err)
{
	return mx_ledger_compare_fmt(src, sdir, MX_MBOXO, dst, ddir, digests,
	    e, err);
}

int
mx_ledger_compare_fmt(struct mx_host *src, const char *sdir,
    enum mx_mbox_format fmt, struct mx_host *dst, const char *ddir,
    int digests, struct mx_ledger_entry *e, struct mx_err *err)
{
	struct mx_listing a, b;
	size_t i;
	int rc = -1;

	e->missing = e->extra = e->flags_differ = e->dates_differ = 0;
	e->content_differ = e->damaged = e->uidl_total = e->uidl_same = 0;
	e->first_problem[0] = '\0';
	if (mx_listing_init(&a, err) == -1)
		return -1;
	if (mx_listing_init(&b, err) == -1) {
		mx_listing_free(&a);
		return -1;
	}
	if (mx_listing_read(src, sdir, &a, err) == -1 ||
	    mx_listing_read(dst, ddir, &b, err) == -1)
		goto out;
	if (a.is_file && !b.is_file) {
		mx_listing_free(&a);
		mx_listing_free(&b);
		return mx_ledger_compare_mbox(src, sdir, fmt, dst, ddir,
		    digests, e, err);
	}
	if (a.is_file || b.is_file) {
		mx_err_set(err, MX_E_USAGE, _("%s: %s is a file, not a Maildir "
		    "(an mbox? convert it first)"), mx_host_name(a.is_file ? src : dst),
		    a.is_file ? sdir : ddir);
		goto out;
	}
	if (digests && (digest_all(src, sdir, &a, err) == -1 ||
	    digest_all(dst, ddir, &b, err) == -1))
		goto out;
	if (tally(&a, digests, &e->src, err) == -1 ||
	    tally(&b, digests, &e->dst, err) == -1)
		goto out;
	for (i = 0; i < a.n; i++) {
		const struct mx_msgrec *r = &a.v[i], *t = mx_listing_get(&b, r->key);

		if (r->key[0] == '/')
			e->uidl_total++;
		if (t == NULL) {
			e->missing++;
			problem(e, _("missing on the target"), r->key);
			continue;
		}
		if (r->key[0] == '/')
			e->uidl_same++;
		if (strcmp(flags_of(r), flags_of(t)) != 0) {
			e->flags_differ++;
			problem(e, _("flags differ"), r->key);
		}
		if (r->mtime != t->mtime) {
			e->dates_differ++;
			problem(e, _("date differs"), r->key);
		}
		if (digests && strcmp(r->digest, t->digest) != 0) {
			e->content_differ++;
			problem(e, _("content differs"), r->key);
		}
	}
	for (i = 0; i < b.n; i++)
		if (mx_listing_get(&a, b.v[i].key) == NULL)
			e->extra++;
	e->checked = (int64_t)time(NULL);
	rc = 0;
out:
	mx_listing_free(&a);
	mx_listing_free(&b);
	return rc;
}

/* ---- an mbox source ---- */

struct mbrec {
	char name[48];		/* "DATE.HDIGEST16[_N]": the name minus .HOST */
	char digest[65];
	char flags[8];
	int64_t date;
	uint64_t size;
	int xuidl;
};

struct mbscan {
	EVP_MD_CTX *md;
	struct mbrec *v;
	size_t n, cap;
	uint64_t size;
	struct mx_stream *s;
	struct mx_ledger_entry *e;
};

static ssize_t
mb_read(void *ctx, void *buf, size_t len, struct mx_err *err)
{
	return mx_stream_read(((struct mbscan *)ctx)->s, buf, len, err);
}

static int
mb_begin(void *ctx, const struct mx_mbox_msg *m, struct mx_err *err)
{
	struct mbscan *b = ctx;

	(void)m;
	b->size = 0;
	if (EVP_DigestInit_ex(b->md, EVP_sha256(), NULL) != 1)
		return mx_err_set(err, MX_E_GENERIC, "SHA-256 init failed");
	return 0;
}

static int
mb_data(void *ctx, const void *p, size_t n, struct mx_err *err)
{
	struct mbscan *b = ctx;

	(void)err;
	b->size += n;
	EVP_DigestUpdate(b->md, p, n);
	return 0;
}

static int
mb_end(void *ctx, const struct mx_mbox_msg *m, struct mx_err *err)
{
	struct mbscan *b = ctx;
	unsigned char dg[EVP_MAX_MD_SIZE];
	unsigned int dlen, i;
	struct mbrec *r;

	EVP_DigestFinal_ex(b->md, dg, &dlen);
	if (m->pseudo)
		return 0;	/* the conversion leaves it out too */
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		struct mbrec *v = realloc(b->v, cap * sizeof *v);

		if (v == NULL)
			return mx_err_errno(err, ENOMEM, "malloc");
		b->v = v;
		b->cap = cap;
	}
	r = &b->v[b->n++];
	memset(r, 0, sizeof *r);
	for (i = 0; i < 32 && i < dlen; i++)
		snprintf(r->digest + 2 * i, 3, "%02x", dg[i]);
	memcpy(r->flags, m->flags, sizeof r->flags);
	r->flags[sizeof r->flags - 1] = '\0';
	r->date = m->date;
	r->size = b->size;
	r->xuidl = m->x_uidl[0] != '\0';
	return 0;
}

static void
mb_damage(void *ctx, uint64_t off, const char *what)
{
	struct mbscan *b = ctx;
	char where[64];

	b->e->damaged++;
	snprintf(where, sizeof where, _("mbox byte offset %llu"),
	    (unsigned long long)off);
	if (b->e->first_problem[0] == '\0')
		snprintf(b->e->first_problem, sizeof b->e->first_problem,
		    "%s: %s", where, what);
}

static int
cmp_rec_digest(const void *a, const void *b)
{
	return strcmp(((const struct mbrec *)a)->digest,
	    ((const struct mbrec *)b)->digest);
}

/* The names the conversion gives: the Nth copy of one (date, digest) is
 * DATE.HDIGEST_N. */
static int
name_records(struct mbrec *v, size_t n, struct mx_err *err)
{
	struct mx_nameset *used = mx_nameset_new();
	size_t i;
	int k, r;

	if (used == NULL)
		return mx_err_errno(err, ENOMEM, "malloc");
	for (i = 0; i < n; i++)
		for (k = 1;; k++) {
			if (k == 1)
				snprintf(v[i].name, sizeof v[i].name, "%lld.H%.16s",
				    (long long)v[i].date, v[i].digest);
			else
				snprintf(v[i].name, sizeof v[i].name, "%lld.H%.16s_%d",
				    (long long)v[i].date, v[i].digest, k);
			if ((r = mx_nameset_add(used, v[i].name, 0)) == -1) {
				mx_nameset_free(used);
				return mx_err_errno(err, ENOMEM, "malloc");
			}
			if (r == 1)
				break;
		}
	mx_nameset_free(used);
	return 0;
}

/* The target's INBOX message whose name starts with "NAME." */
static const struct mx_msgrec *
find_converted(const struct mx_listing *l, struct mx_nameset *idx,
    const char *name)
{
	uint64_t i;

	if (!mx_nameset_has(idx, name, &i) || i >= l->n)
		return NULL;
	return &l->v[i];
}

int
mx_ledger_compare_mbox(struct mx_host *src, const char *mbox,
    enum mx_mbox_format fmt, struct mx_host *dst, const char *ddir,
    int digests, struct mx_ledger_entry *e, struct mx_err *err)
{
	static const struct mx_mbox_ops ops = { mb_begin, mb_data, mb_end,
	    mb_damage };
	const char *cat[] = { "cat", "--", NULL, NULL };
	char *hpath = NULL;
	struct mbscan b;
	struct mx_listing t;
	struct mx_nameset *idx = NULL, *seen = NULL;
	struct mx_buf eo = MX_BUF_INIT;
	struct mbrec *sorted = NULL;
	const char *f, *p;
	size_t i;
	int st = -1, rc = -1, prc;

	memset(&b, 0, sizeof b);
	b.e = e;
	e->damaged = 0;
	e->missing = e->extra = e->flags_differ = e->dates_differ = 0;
	e->content_differ = e->uidl_total = e->uidl_same = 0;
	e->first_problem[0] = '\0';
	memset(&e->src, 0, sizeof e->src);
	memset(&e->dst, 0, sizeof e->dst);
	if (mx_listing_init(&t, err) == -1)
		return -1;
	if ((b.md = EVP_MD_CTX_new()) == NULL) {
		mx_err_errno(err, ENOMEM, "malloc");
		goto out;
	}
	if ((hpath = mx_host_path(src, mbox)) == NULL) {
		mx_err_errno(err, ENOMEM, "malloc");
		goto out;
	}
	cat[2] = hpath;
	if (mx_host_exec_read(src, cat, &b.s, err) == -1)
		goto out;
	prc = mx_mbox_parse(mb_read, &b, fmt, &ops, &b, err);
	if (mx_stream_close(b.s, &st, &eo, prc == 0 ? err : NULL) == -1)
		goto out;
	if (prc == -1)
		goto out;
	if (st != 0) {
		mx_err_set(err, MX_E_REMOTE, _("%s: reading %s failed: %s"),
		    mx_host_name(src), mbox, eo.data ? eo.data : "");
		goto out;
	}
	if (name_records(b.v, b.n, err) == -1)
		goto out;
	if (mx_listing_read(dst, ddir, &t, err) == -1)
		goto out;
	if (t.is_file) {
		mx_err_set(err, MX_E_USAGE, _("%s: %s is a file, not a Maildir"),
		    mx_host_name(dst), ddir);
		goto out;
	}
	if (digests && digest_all(dst, ddir, &t, err) == -1)
		goto out;
	if (tally(&t, digests, &e->dst, err) == -1)
		goto out;
	/* The target's INBOX by converted name (without ".HOST"). */
	if ((idx = mx_nameset_new()) == NULL || (seen = mx_nameset_new()) == NULL) {
		mx_err_errno(err, ENOMEM, "malloc");
		goto out;
	}
	for (i = 0; i < t.n; i++) {
		char nm[48];
		const char *k = t.v[i].key, *dot;

		if (k[0] != '/' || (dot = strchr(k + 1, '.')) == NULL ||
		    (dot = strchr(dot + 1, '.')) == NULL ||
		    (size_t)(dot - k - 1) >= sizeof nm)
			continue;
		memcpy(nm, k + 1, (size_t)(dot - k - 1));
		nm[dot - k - 1] = '\0';
		if (mx_nameset_add(idx, nm, (uint64_t)i) == -1) {
			mx_err_errno(err, ENOMEM, "malloc");
			goto out;
		}
	}
	/* The source side. */
	e->src.messages = b.n;
	for (i = 0; i < b.n; i++) {
		const struct mbrec *r = &b.v[i];
		const struct mx_msgrec *m;

		e->src.bytes += r->size;
		for (f = r->flags; *f; f++)
			if ((p = strchr(MX_LEDGER_FLAGS, *f)) != NULL)
				e->src.flag[p - MX_LEDGER_FLAGS]++;
		if (r->date >= 0 && (e->src.first == 0 || r->date < e->src.first))
			e->src.first = r->date;
		if (r->date > e->src.last)
			e->src.last = r->date;
		if (r->xuidl)
			e->uidl_total++;
		if ((m = find_converted(&t, idx, r->name)) == NULL) {
			e->missing++;
			problem(e, _("missing on the target"), r->name);
			continue;
		}
		if (mx_nameset_add(seen, m->key, 0) == -1) {
			mx_err_errno(err, ENOMEM, "malloc");
			goto out;
		}
		if (r->xuidl)
			e->uidl_same++;
		if (strcmp(r->flags, flags_of(m)) != 0) {
			e->flags_differ++;
			problem(e, _("flags differ"), m->key);
		}
		if (r->date >= 0 && r->date != m->mtime) {
			e->dates_differ++;
			problem(e, _("date differs"), m->key);
		}
		if (digests && strcmp(r->digest, m->digest) != 0) {
			e->content_differ++;
			problem(e, _("content differs"), m->key);
		}
	}
	for (i = 0; i < t.n; i++)
		if (!mx_nameset_has(seen, t.v[i].key, NULL))
			e->extra++;
	if (b.n > 0) {
		if ((sorted = malloc(b.n * sizeof *sorted)) == NULL) {
			mx_err_errno(err, ENOMEM, "malloc");
			goto out;
		}
		memcpy(sorted, b.v, b.n * sizeof *sorted);
		qsort(sorted, b.n, sizeof *sorted, cmp_rec_digest);
		for (i = 1; i < b.n; i++)
			if (strcmp(sorted[i].digest, sorted[i - 1].digest) == 0)
				e->src.duplicates++;
	}
	if (!digests)
		e->dst.duplicates = 0;
	e->checked = (int64_t)time(NULL);
	rc = 0;
out:
	free(hpath);
	free(sorted);
	mx_nameset_free(idx);
	mx_nameset_free(seen);
	mx_buf_free(&eo);
	EVP_MD_CTX_free(b.md);
	free(b.v);
	mx_listing_free(&t);
	return rc;
}

int
mx_ledger_put(struct mx_ledger *l, const struct mx_ledger_entry *e,
    struct mx_err *err)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].user, e->user) == 0) {
			l->v[i] = *e;
			return 0;
		}
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		struct mx_ledger_entry *v = realloc(l->v, cap * sizeof *v);

		if (v == NULL)
			return mx_err_errno(err, ENOMEM, "malloc");
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *e;
	return 0;
}

void
mx_ledger_free(struct mx_ledger *l)
{
	free(l->v);
	memset(l, 0, sizeof *l);
}

static json_object *
side_json(const struct mx_ledger_side *s)
{
	json_object *o = json_object_new_object(), *f = json_object_new_object();
	char k[2] = { 0, 0 };
	int i;

	json_object_object_add(o, "messages", json_object_new_int64((int64_t)s->messages));
	json_object_object_add(o, "bytes", json_object_new_int64((int64_t)s->bytes));
	for (i = 0; i < 6; i++) {
		k[0] = MX_LEDGER_FLAGS[i];
		json_object_object_add(f, k, json_object_new_int64((int64_t)s->flag[i]));
	}
	json_object_object_add(o, "flags", f);
	json_object_object_add(o, "first", json_object_new_int64(s->first));
	json_object_object_add(o, "last", json_object_new_int64(s->last));
	json_object_object_add(o, "duplicates", json_object_new_int64((int64_t)s->duplicates));
	return o;
}

static int64_t
geti(json_object *o, const char *k)
{
	json_object *v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_int64(v) : 0;
}

static void
side_from(json_object *o, struct mx_ledger_side *s)
{
	json_object *f;
	char k[2] = { 0, 0 };
	int i;

	s->messages = (uint64_t)geti(o, "messages");
	s->bytes = (uint64_t)geti(o, "bytes");
	if (json_object_object_get_ex(o, "flags", &f))
		for (i = 0; i < 6; i++) {
			k[0] = MX_LEDGER_FLAGS[i];
			s->flag[i] = (uint64_t)geti(f, k);
		}
	s->first = geti(o, "first");
	s->last = geti(o, "last");
	s->duplicates = (uint64_t)geti(o, "duplicates");
}

char *
mx_ledger_json(const struct mx_ledger *l)
{
	json_object *root = json_object_new_object(), *users = json_object_new_array();
	char *text;
	size_t i;

	for (i = 0; i < l->n; i++) {
		const struct mx_ledger_entry *e = &l->v[i];
		json_object *o = json_object_new_object();

		json_object_object_add(o, "user", json_object_new_string(e->user));
		json_object_object_add(o, "ok", json_object_new_boolean(mx_ledger_ok(e)));
		json_object_object_add(o, "source", side_json(&e->src));
		json_object_object_add(o, "target", side_json(&e->dst));
		json_object_object_add(o, "missing", json_object_new_int64((int64_t)e->missing));
		json_object_object_add(o, "extra", json_object_new_int64((int64_t)e->extra));
		json_object_object_add(o, "flags_differ", json_object_new_int64((int64_t)e->flags_differ));
		json_object_object_add(o, "dates_differ", json_object_new_int64((int64_t)e->dates_differ));
		json_object_object_add(o, "content_differ", json_object_new_int64((int64_t)e->content_differ));
		json_object_object_add(o, "damaged", json_object_new_int64((int64_t)e->damaged));
		json_object_object_add(o, "uidl_total", json_object_new_int64((int64_t)e->uidl_total));
		json_object_object_add(o, "uidl_same", json_object_new_int64((int64_t)e->uidl_same));
		json_object_object_add(o, "checked", json_object_new_int64(e->checked));
		json_object_object_add(o, "problem", json_object_new_string(e->first_problem));
		json_object_array_add(users, o);
	}
	json_object_object_add(root, "users", users);
	text = strdup(json_object_to_json_string_ext(root,
	    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
	return text;
}

int
mx_ledger_load(struct mx_ledger *l, const char *path, struct mx_err *err)
{
	json_object *root, *users, *o, *v;
	struct mx_ledger_entry e;
	size_t i, n;

	memset(l, 0, sizeof *l);
	if (access(path, F_OK) == -1 && errno == ENOENT)
		return 0;
	root = json_object_from_file(path);
	if (root == NULL || !json_object_object_get_ex(root, "users", &users) ||
	    !json_object_is_type(users, json_type_array)) {
		json_object_put(root);
		return mx_err_set(err, MX_E_PARSE, _("%s: not a ledger file (%s)"),
		    path, json_util_get_last_err() ? json_util_get_last_err() : "no \"users\"");
	}
	n = json_object_array_length(users);
	for (i = 0; i < n; i++) {
		o = json_object_array_get_idx(users, i);
		memset(&e, 0, sizeof e);
		if (!json_object_object_get_ex(o, "user", &v))
			continue;
		snprintf(e.user, sizeof e.user, "%s", json_object_get_string(v));
		if (json_object_object_get_ex(o, "source", &v))
			side_from(v, &e.src);
		if (json_object_object_get_ex(o, "target", &v))
			side_from(v, &e.dst);
		e.missing = (uint64_t)geti(o, "missing");
		e.extra = (uint64_t)geti(o, "extra");
		e.flags_differ = (uint64_t)geti(o, "flags_differ");
		e.dates_differ = (uint64_t)geti(o, "dates_differ");
		e.content_differ = (uint64_t)geti(o, "content_differ");
		e.damaged = (uint64_t)geti(o, "damaged");
		e.uidl_total = (uint64_t)geti(o, "uidl_total");
		e.uidl_same = (uint64_t)geti(o, "uidl_same");
		e.checked = geti(o, "checked");
		if (json_object_object_get_ex(o, "problem", &v))
			snprintf(e.first_problem, sizeof e.first_problem, "%s",
			    json_object_get_string(v));
		if (mx_ledger_put(l, &e, err) == -1) {
			json_object_put(root);
			return -1;
		}
	}
	json_object_put(root);
	return 0;
}

int
mx_ledger_save(const struct mx_ledger *l, const char *path, struct mx_err *err)
{
	char tmp[4096];
	char *text = mx_ledger_json(l);
	size_t len;
	int fd;

	if (text == NULL)
		return mx_err_errno(err, ENOMEM, "malloc");
	snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd == -1) {
		free(text);
		return mx_err_errno(err, errno, "%s", tmp);
	}
	len = strlen(text);
	if (write(fd, text, len) != (ssize_t)len || write(fd, "\n", 1) != 1 ||
	    fsync(fd) == -1) {
		mx_err_errno(err, errno, "%s", tmp);
		close(fd);
		unlink(tmp);
		free(text);
		return -1;
	}
	free(text);
	if (close(fd) == -1 || rename(tmp, path) == -1) {
		mx_err_errno(err, errno, "%s", path);
		unlink(tmp);
		return -1;
	}
	return 0;
}
