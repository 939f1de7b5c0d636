/* ctlfile.c - line files kept byte for byte, entries by key (ctlfile.h). */
#include <config.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "buf.h"
#include "ctlfile.h"
#include "host.h"
#include "i18n.h"

static int
push_line(struct mx_ctl *c, size_t at, const char *s, size_t len)
{
	char **v, *copy;

	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;

		v = realloc(c->lines, cap * sizeof *v);
		if (v == NULL)
			return -1;
		c->lines = v;
		c->cap = cap;
	}
	copy = malloc(len + 1);
	if (copy == NULL)
		return -1;
	memcpy(copy, s, len);
	copy[len] = '\0';
	memmove(c->lines + at + 1, c->lines + at, (c->n - at) * sizeof *c->lines);
	c->lines[at] = copy;
	c->n++;
	return 0;
}

static void
drop_line(struct mx_ctl *c, size_t at)
{
	free(c->lines[at]);
	memmove(c->lines + at, c->lines + at + 1,
	    (c->n - at - 1) * sizeof *c->lines);
	c->n--;
}

int
mx_ctl_parse(struct mx_ctl *c, const char *text, size_t len,
    enum mx_ctl_key key, const char *label, struct mx_err *err)
{
	size_t start = 0, i, lineno = 1;

	memset(c, 0, sizeof *c);
	c->key = key;
	c->final_newline = 1;
	for (i = 0; i < len; i++) {
		if (text[i] == '\0') {
			mx_ctl_free(c);
			return mx_err_set(err, MX_E_PARSE,
			    _("%s: line %zu: a NUL byte: not a text file"),
			    label, lineno);
		}
		if (text[i] != '\n')
			continue;
		if (push_line(c, c->n, text + start, i - start) == -1)
			goto nomem;
		start = i + 1;
		lineno++;
	}
	if (start < len) {
		if (push_line(c, c->n, text + start, len - start) == -1)
			goto nomem;
		c->final_newline = 0;
	}
	return 0;
nomem:
	mx_ctl_free(c);
	return mx_err_set(err, MX_E_GENERIC, _("%s: out of memory"), label);
}

char *
mx_ctl_text(const struct mx_ctl *c, size_t *len)
{
	struct mx_buf b = MX_BUF_INIT;
	size_t i;

	for (i = 0; i < c->n; i++) {
		mx_buf_puts(&b, c->lines[i]);
		if (i + 1 < c->n || c->final_newline)
			mx_buf_puts(&b, "\n");
	}
	if (len != NULL)
		*len = b.len;
	return mx_buf_steal(&b);
}

void
mx_ctl_free(struct mx_ctl *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++)
		free(c->lines[i]);
	free(c->lines);
	c->lines = NULL;
	c->n = c->cap = 0;
}

/* The key of one line, trimmed; "" for comments and blank lines. */
static void
key_of(enum mx_ctl_key kind, const char *line, char *buf, size_t size)
{
	const char *s = line, *e;
	size_t n;

	buf[0] = '\0';
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '#' || *s == '\0' || size == 0)
		return;
	switch (kind) {
	case MX_CTL_COLON:
		e = strchr(s, ':');
		if (e == NULL)
			e = s + strlen(s);
		break;
	case MX_CTL_SPACE:
		e = s + strcspn(s, " \t");
		break;
	default:
		e = s + strlen(s);
		break;
	}
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	n = (size_t)(e - s);
	if (n >= size)
		n = size - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
}

void
mx_ctl_line_key(const struct mx_ctl *c, size_t i, char *buf, size_t size)
{
	key_of(c->key, c->lines[i], buf, size);
}

static int
is_end_line(const char *line)
{
	return strcmp(line, ".") == 0;
}

long
mx_ctl_find(const struct mx_ctl *c, const char *key)
{
	char k[1024];
	size_t i;

	for (i = 0; i < c->n; i++) {
		key_of(c->key, c->lines[i], k, sizeof k);
		if (k[0] != '\0' && !is_end_line(k) && strcasecmp(k, key) == 0)
			return (long)i;
	}
	return -1;
}

const char *
mx_ctl_get(const struct mx_ctl *c, const char *key)
{
	long i = mx_ctl_find(c, key);

	return i < 0 ? NULL : c->lines[i];
}

int
mx_ctl_set(struct mx_ctl *c, const char *line)
{
	char key[1024];
	long at;
	size_t i;
	char *copy;

	key_of(c->key, line, key, sizeof key);
	at = mx_ctl_find(c, key);
	if (at >= 0) {
		int changed = strcmp(c->lines[at], line) != 0;

		if (changed) {
			copy = strdup(line);
			if (copy == NULL)
				return -1;
			free(c->lines[at]);
			c->lines[at] = copy;
		}
		/* Later entries with the same key would be dead or
		 * contradict the one we mean. */
		for (i = (size_t)at + 1; i < c->n; ) {
			char k[1024];

			key_of(c->key, c->lines[i], k, sizeof k);
			if (k[0] != '\0' && strcasecmp(k, key) == 0) {
				drop_line(c, i);
				changed = 1;
			} else
				i++;
		}
		return changed;
	}
	i = c->n;
	if (i > 0 && is_end_line(c->lines[i - 1]))
		i--;
	if (push_line(c, i, line, strlen(line)) == -1)
		return -1;
	if (i == c->n - 1)
		c->final_newline = 1;
	return 1;
}

int
mx_ctl_remove(struct mx_ctl *c, const char *key)
{
	char k[1024];
	size_t i;
	int removed = 0;

	for (i = 0; i < c->n; ) {
		key_of(c->key, c->lines[i], k, sizeof k);
		if (k[0] != '\0' && !is_end_line(k) && strcasecmp(k, key) == 0) {
			drop_line(c, i);
			removed++;
		} else
			i++;
	}
	return removed;
}

size_t
mx_ctl_entries(const struct mx_ctl *c)
{
	char k[1024];
	size_t i, n = 0;

	for (i = 0; i < c->n; i++) {
		key_of(c->key, c->lines[i], k, sizeof k);
		if (k[0] != '\0' && !is_end_line(k))
			n++;
	}
	return n;
}

/* ---- line diff ---------------------------------------------------- */

/* One step of an edit script: ' ' same, '-' old line a, '+' new line b. */
struct op {
	char kind;
	size_t a, b;
};

struct script {
	struct op *ops;
	size_t n;
};

static int
add_op(struct script *s, size_t *cap, char kind, size_t a, size_t b)
{
	if (s->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		struct op *v = realloc(s->ops, nc * sizeof *v);

		if (v == NULL)
			return -1;
		s->ops = v;
		*cap = nc;
	}
	s->ops[s->n].kind = kind;
	s->ops[s->n].a = a;
	s->ops[s->n].b = b;
	s->n++;
	return 0;
}

/* Longest common subsequence on the middle part (after the common prefix
 * and suffix are taken off); a middle too big for the table is written as
 * all removed then all added: correct, only less tidy. */
/* Lines are equal when their text is, and both or neither are a last
 * line without its newline. */
static int
same(const struct mx_ctl *o, size_t i, const struct mx_ctl *n, size_t j)
{
	int ol = i == o->n - 1 && !o->final_newline;
	int nl = j == n->n - 1 && !n->final_newline;

	return ol == nl && strcmp(o->lines[i], n->lines[j]) == 0;
}

static int
diff_lines(const struct mx_ctl *o, const struct mx_ctl *n, struct script *s)
{
	size_t cap = 0, pre = 0, suf = 0, m1, m2, i, j;
	unsigned *t = NULL;

	s->ops = NULL;
	s->n = 0;
	while (pre < o->n && pre < n->n && same(o, pre, n, pre))
		pre++;
	while (suf < o->n - pre && suf < n->n - pre &&
	    same(o, o->n - 1 - suf, n, n->n - 1 - suf))
		suf++;
	m1 = o->n - pre - suf;
	m2 = n->n - pre - suf;
	for (i = 0; i < pre; i++)
		if (add_op(s, &cap, ' ', i, i) == -1)
			goto nomem;
	if (m1 > 0 && m2 > 0 && (m1 + 1) * (m2 + 1) <= 4000000)
		t = calloc((m1 + 1) * (m2 + 1), sizeof *t);
	if (t != NULL) {
#define T(x, y) t[(x) * (m2 + 1) + (y)]
		for (i = m1; i-- > 0; )
			for (j = m2; j-- > 0; ) {
				if (same(o, pre + i, n, pre + j))
					T(i, j) = T(i + 1, j + 1) + 1;
				else
					T(i, j) = T(i + 1, j) >= T(i, j + 1) ?
					    T(i + 1, j) : T(i, j + 1);
			}
		i = j = 0;
		while (i < m1 || j < m2) {
			int r;

			if (i < m1 && j < m2 && same(o, pre + i, n, pre + j))
				r = add_op(s, &cap, ' ', pre + i++, pre + j++);
			else if (i < m1 && (j == m2 || T(i + 1, j) >= T(i, j + 1)))
				r = add_op(s, &cap, '-', pre + i++, 0);
			else
				r = add_op(s, &cap, '+', 0, pre + j++);
			if (r == -1)
				goto nomem;
		}
#undef T
		free(t);
	} else {
		for (i = 0; i < m1; i++)
			if (add_op(s, &cap, '-', pre + i, 0) == -1)
				goto nomem;
		for (j = 0; j < m2; j++)
			if (add_op(s, &cap, '+', 0, pre + j) == -1)
				goto nomem;
	}
	for (i = 0; i < suf; i++)
		if (add_op(s, &cap, ' ', o->n - suf + i, n->n - suf + i) == -1)
			goto nomem;
	return 0;
nomem:
	free(t);
	free(s->ops);
	s->ops = NULL;
	return -1;
}

static void
emit_hunk(struct mx_buf *b, const struct script *s, size_t from, size_t to,
    const struct mx_ctl *o, const struct mx_ctl *n)
{
	size_t k, oa = 0, ol = 0, na = 0, nl = 0;
	int ofirst = 1, nfirst = 1;

	for (k = from; k < to; k++) {
		const struct op *p = &s->ops[k];

		if (p->kind != '+') {
			if (ofirst)
				oa = p->a, ofirst = 0;
			ol++;
		}
		if (p->kind != '-') {
			if (nfirst)
				na = p->b, nfirst = 0;
			nl++;
		}
	}
	/* A hunk with no old (new) lines starts after line oa (na). */
	if (ofirst) {
		for (k = from; k > 0 && ofirst; k--)
			if (s->ops[k - 1].kind != '+')
				oa = s->ops[k - 1].a + 1, ofirst = 0;
		oa = ofirst ? 0 : oa;
	} else
		oa++;
	if (nfirst) {
		for (k = from; k > 0 && nfirst; k--)
			if (s->ops[k - 1].kind != '-')
				na = s->ops[k - 1].b + 1, nfirst = 0;
		na = nfirst ? 0 : na;
	} else
		na++;
	mx_buf_printf(b, "@@ -%zu,%zu +%zu,%zu @@\n", oa, ol, na, nl);
	for (k = from; k < to; k++) {
		const struct op *p = &s->ops[k];
		const char *line = p->kind == '+' ? n->lines[p->b] : o->lines[p->a];

		mx_buf_printf(b, "%c%s\n", p->kind, line);
		if ((p->kind == '+' && p->b == n->n - 1 && !n->final_newline) ||
		    (p->kind != '+' && p->a == o->n - 1 && !o->final_newline &&
		    (p->kind == '-' || !n->final_newline)))
			mx_buf_puts(b, "\\ No newline at end of file\n");
	}
}

char *
mx_diff(const char *label, const char *old, size_t oldlen, const char *new_,
    size_t newlen)
{
	struct mx_ctl o, n;
	struct script s;
	struct mx_buf b = MX_BUF_INIT;
	size_t k, start, end;

	if (old != NULL && oldlen == newlen && memcmp(old, new_, oldlen) == 0)
		return strdup("");
	if (mx_ctl_parse(&o, old ? old : "", old ? oldlen : 0, MX_CTL_WHOLE,
	    label, NULL) == -1)
		return NULL;
	if (mx_ctl_parse(&n, new_, newlen, MX_CTL_WHOLE, label, NULL) == -1) {
		mx_ctl_free(&o);
		return NULL;
	}
	if (diff_lines(&o, &n, &s) == -1) {
		mx_ctl_free(&o);
		mx_ctl_free(&n);
		return NULL;
	}
	mx_buf_printf(&b, "--- %s%s\n+++ %s\n", label,
	    old == NULL ? _(" (does not exist yet)") : "", label);
	for (k = 0; k < s.n; ) {
		if (s.ops[k].kind == ' ') {
			k++;
			continue;
		}
		start = k > 3 ? k - 3 : 0;
		/* extend while changes are within 6 lines of each other */
		end = k;
		for (;;) {
			size_t same = 0;

			while (end < s.n && s.ops[end].kind != ' ')
				end++;
			while (end + same < s.n && s.ops[end + same].kind == ' ')
				same++;
			if (end + same < s.n && same <= 6) {
				end += same;
				continue;
			}
			end += same < 3 ? same : 3;
			break;
		}
		emit_hunk(&b, &s, start, end, &o, &n);
		k = end;
	}
	free(s.ops);
	mx_ctl_free(&o);
	mx_ctl_free(&n);
	return mx_buf_steal(&b);
}

/* ---- revert ------------------------------------------------------- */

static long
find_exact(const struct mx_ctl *c, const char *line, size_t from)
{
	size_t i;

	for (i = from; i < c->n; i++)
		if (strcmp(c->lines[i], line) == 0)
			return (long)i;
	return -1;
}

char *
mx_ctl_revert(const char *before, size_t blen, const char *after,
    size_t alen, const char *now, size_t nlen, size_t *outlen)
{
	struct mx_ctl b, a, w;
	struct script s;
	char *out = NULL;
	size_t k;

	if (alen == nlen && memcmp(after, now, alen) == 0) {
		out = malloc(blen + 1);
		if (out != NULL) {
			memcpy(out, before, blen);
			out[blen] = '\0';
			*outlen = blen;
		}
		return out;
	}
	if (mx_ctl_parse(&b, before, blen, MX_CTL_WHOLE, "", NULL) == -1)
		return NULL;
	if (mx_ctl_parse(&a, after, alen, MX_CTL_WHOLE, "", NULL) == -1)
		goto out_b;
	if (mx_ctl_parse(&w, now, nlen, MX_CTL_WHOLE, "", NULL) == -1)
		goto out_a;
	if (diff_lines(&b, &a, &s) == -1)
		goto out_w;
	/* Take out what the edit added. */
	for (k = 0; k < s.n; k++) {
		long at;

		if (s.ops[k].kind != '+')
			continue;
		at = find_exact(&w, a.lines[s.ops[k].b], 0);
		if (at >= 0)
			drop_line(&w, (size_t)at);
	}
	/* Put back what it removed, after the line that preceded it. */
	for (k = 0; k < s.n; k++) {
		long at = -1;
		size_t p;

		if (s.ops[k].kind != '-')
			continue;
		p = s.ops[k].a;
		if (p > 0) {
			at = find_exact(&w, b.lines[p - 1], 0);
			if (at < 0)
				at = (long)w.n - 1;
		}
		if (find_exact(&w, b.lines[p], 0) >= 0 && at >= 0 &&
		    (size_t)at + 1 < w.n &&
		    strcmp(w.lines[at + 1], b.lines[p]) == 0)
			continue;	/* already back */
		if (push_line(&w, (size_t)(at + 1), b.lines[p],
		    strlen(b.lines[p])) == -1)
			goto out_s;
	}
	if (w.n > 0 && !w.final_newline && b.final_newline)
		w.final_newline = 1;
	out = mx_ctl_text(&w, outlen);
out_s:
	free(s.ops);
out_w:
	mx_ctl_free(&w);
out_a:
	mx_ctl_free(&a);
out_b:
	mx_ctl_free(&b);
	return out;
}

/* ---- backups ------------------------------------------------------ */

int
mx_ctl_backup(struct mx_host *h, const char *path, char **backup,
    struct mx_err *err)
{
	struct mx_buf data = MX_BUF_INIT, name = MX_BUF_INIT;
	struct mx_stat st, bst;
	char stamp[32];
	struct tm tm;
	time_t now = time(NULL);
	int i;

	*backup = NULL;
	if (mx_host_stat(h, path, &st, err) == -1)
		return -1;
	if (!st.exists)
		return 0;
	if (!st.is_reg)
		return mx_err_set(err, MX_E_IO,
		    _("%s: %s: not a regular file; refusing to back it up"),
		    mx_host_name(h), path);
	if (mx_host_read_file(h, path, &data, err) == -1)
		return -1;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
	for (i = 0; i < 100; i++) {
		mx_buf_reset(&name);
		if (i == 0)
			mx_buf_printf(&name, "%s.mxmove-%s", path, stamp);
		else
			mx_buf_printf(&name, "%s.mxmove-%s-%d", path, stamp, i);
		if (mx_host_stat(h, name.data, &bst, err) == -1)
			goto fail;
		if (!bst.exists)
			break;
	}
	if (i == 100) {
		mx_err_set(err, MX_E_IO, _("%s: %s: too many backups this second"),
		    mx_host_name(h), path);
		goto fail;
	}
	if (mx_host_write_file(h, name.data, data.data ? data.data : "",
	    data.len, st.mode & 07777, st.uid, st.gid, 0, err) == -1)
		goto fail;
	mx_buf_free(&data);
	*backup = mx_buf_steal(&name);
	return 0;
fail:
	mx_buf_free(&data);
	mx_buf_free(&name);
	return -1;
}
