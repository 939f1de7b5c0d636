/* uidl.c - POP3 UIDL lists and their difference (see uidl.h). */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "i18n.h"
#include "uidl.h"

int
mx_uidl_add(struct mx_uidl_list *l, const char *uidl, uint64_t size)
{
	struct mx_uidl *v;
	size_t cap;

	if (l->n == l->cap) {
		cap = l->cap ? l->cap * 2 : 64;
		v = realloc(l->v, cap * sizeof *v);
		if (v == NULL)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n].uidl = strdup(uidl);
	if (l->v[l->n].uidl == NULL)
		return -1;
	l->v[l->n].size = size;
	l->n++;
	return 0;
}

void
mx_uidl_free(struct mx_uidl_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].uidl);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

struct found {
	double mtime;
	uint64_t size;
	char *name;
};

static int
by_mtime(const void *a, const void *b)
{
	const struct found *x = a, *y = b;

	if (x->mtime < y->mtime)
		return -1;
	if (x->mtime > y->mtime)
		return 1;
	return strcmp(x->name, y->name);
}

int
mx_uidl_parse_find(const char *text, struct mx_uidl_list *out,
    struct mx_err *err)
{
	struct found *f = NULL, *nf;
	size_t n = 0, cap = 0, i, lineno = 0;
	const char *p = text, *eol;
	int rc = -1;

	while (*p != '\0') {
		char *end, *name, *colon;
		double mt;
		unsigned long long sz;

		lineno++;
		eol = strchr(p, '\n');
		if (eol == NULL)
			eol = p + strlen(p);
		errno = 0;
		mt = strtod(p, &end);
		if (end == p || *end != ' ')
			goto bad;
		sz = strtoull(end + 1, &end, 10);
		if (errno != 0 || *end != ' ' || end + 1 >= eol)
			goto bad;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			nf = realloc(f, cap * sizeof *f);
			if (nf == NULL) {
				mx_err_set(err, MX_E_GENERIC, _("out of memory"));
				goto out;
			}
			f = nf;
		}
		name = strndup(end + 1, (size_t)(eol - end - 1));
		if (name == NULL) {
			mx_err_set(err, MX_E_GENERIC, _("out of memory"));
			goto out;
		}
		colon = strchr(name, ':');
		if (colon != NULL)
			*colon = '\0';
		f[n].mtime = mt;
		f[n].size = sz;
		f[n].name = name;
		n++;
		p = *eol ? eol + 1 : eol;
	}
	if (n > 0)
		qsort(f, n, sizeof *f, by_mtime);
	for (i = 0; i < n; i++)
		if (mx_uidl_add(out, f[i].name, f[i].size) == -1) {
			mx_err_set(err, MX_E_GENERIC, _("out of memory"));
			goto out;
		}
	rc = 0;
	goto out;
bad:
	mx_err_set(err, MX_E_PARSE, _("maildir listing: line %zu: not 'MTIME SIZE NAME'"),
	    lineno);
out:
	for (i = 0; i < n; i++)
		free(f[i].name);
	free(f);
	return rc;
}

int
mx_uidl_from_maildir(struct mx_host *h, const char *maildir,
    struct mx_uidl_list *out, struct mx_err *err)
{
	struct mx_buf out_b = MX_BUF_INIT, err_b = MX_BUF_INIT;
	char *path = mx_host_path(h, maildir);
	char *newd = NULL, *curd = NULL;
	int status = 0, rc = -1;

	if (path == NULL)
		return mx_err_set(err, MX_E_GENERIC, _("out of memory"));
	if (asprintf(&newd, "%s/new", path) < 0 || asprintf(&curd, "%s/cur", path) < 0) {
		mx_err_set(err, MX_E_GENERIC, _("out of memory"));
		goto out;
	}
	{
		const char *argv[] = { "find", newd, curd, "-maxdepth", "1",
		    "-type", "f", "-printf", "%T@ %s %f\\n", NULL };
		if (mx_host_run(h, argv, NULL, 0, &out_b, &err_b, &status, err) == -1)
			goto out;
	}
	if (status != 0) {
		while (err_b.len > 0 && (err_b.data[err_b.len - 1] == '\n' ||
		    err_b.data[err_b.len - 1] == ' '))
			err_b.data[--err_b.len] = '\0';
		for (char *nl = err_b.data; nl && (nl = strchr(nl, '\n')); )
			*nl = ';';
		mx_err_set(err, MX_E_REMOTE, _("%s: cannot list %s: %s"),
		    mx_host_name(h), maildir, err_b.data ? err_b.data : "");
		goto out;
	}
	rc = mx_uidl_parse_find(out_b.data ? out_b.data : "", out, err);
out:
	free(path);
	free(newd);
	free(curd);
	mx_buf_free(&out_b);
	mx_buf_free(&err_b);
	return rc;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char **
sorted_names(const struct mx_uidl_list *l)
{
	char **v = malloc((l->n + 1) * sizeof *v);
	size_t i;

	if (v == NULL)
		return NULL;
	for (i = 0; i < l->n; i++)
		v[i] = l->v[i].uidl;
	qsort(v, l->n, sizeof *v, cmp_str);
	return v;
}

static int
push(char ***v, size_t *n, const char *s)
{
	char **nv = realloc(*v, (*n + 1) * sizeof **v);

	if (nv == NULL)
		return -1;
	*v = nv;
	if ((nv[*n] = strdup(s)) == NULL)
		return -1;
	(*n)++;
	return 0;
}

int
mx_uidl_diff(const struct mx_uidl_list *old, const struct mx_uidl_list *new_,
    struct mx_uidl_diff *d, struct mx_err *err)
{
	char **a = sorted_names(old), **b = sorted_names(new_);
	size_t i = 0, j = 0;
	int c, rc = -1;

	memset(d, 0, sizeof *d);
	d->old_total = old->n;
	d->new_total = new_->n;
	if (a == NULL || b == NULL)
		goto oom;
	while (i < old->n || j < new_->n) {
		if (i == old->n)
			c = 1;
		else if (j == new_->n)
			c = -1;
		else
			c = strcmp(a[i], b[j]);
		if (c == 0) {
			d->unchanged++;
			i++;
			j++;
		} else if (c < 0) {
			if (push(&d->missing, &d->nmissing, a[i++]) == -1)
				goto oom;
		} else if (push(&d->added, &d->nadded, b[j++]) == -1)
			goto oom;
	}
	rc = 0;
	goto out;
oom:
	mx_uidl_diff_free(d);
	mx_err_set(err, MX_E_GENERIC, _("out of memory"));
out:
	free(a);
	free(b);
	return rc;
}

void
mx_uidl_diff_free(struct mx_uidl_diff *d)
{
	size_t i;

	for (i = 0; i < d->nmissing; i++)
		free(d->missing[i]);
	for (i = 0; i < d->nadded; i++)
		free(d->added[i]);
	free(d->missing);
	free(d->added);
	memset(d, 0, sizeof *d);
}
