/* uidl.c - POP3 UIDL lists and their difference (see uidl.h). */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "listing.h"
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
	int64_t mtime;
	const struct mx_msgrec *r;
};

static int
by_mtime(const void *a, const void *b)
{
	const struct found *x = a, *y = b;

	if (x->mtime != y->mtime)
		return x->mtime < y->mtime ? -1 : 1;
	return strcmp(x->r->key, y->r->key);
}

int
mx_uidl_from_maildir(struct mx_host *h, const char *maildir,
    struct mx_uidl_list *out, struct mx_err *err)
{
	struct mx_listing l;
	struct found *f = NULL;
	size_t i, n = 0;
	int rc = -1;

	if (mx_listing_init(&l, err) == -1)
		return -1;
	if (mx_listing_read(h, maildir, &l, err) == -1)
		goto out;
	if (l.missing || l.is_file) {
		mx_err_set(err, MX_E_NOTFOUND, _("%s: %s is not a Maildir"),
		    mx_host_name(h), maildir);
		goto out;
	}
	if (l.n > 0 && (f = malloc(l.n * sizeof *f)) == NULL) {
		mx_err_set(err, MX_E_GENERIC, _("out of memory"));
		goto out;
	}
	/* The inbox only (key "/UNIQUE"): POP3 sees no folders. */
	for (i = 0; i < l.n; i++)
		if (l.v[i].key[0] == '/') {
			f[n].mtime = l.v[i].mtime;
			f[n].r = &l.v[i];
			n++;
		}
	if (n > 0)
		qsort(f, n, sizeof *f, by_mtime);
	for (i = 0; i < n; i++)
		if (mx_uidl_add(out, f[i].r->key + 1, f[i].r->size) == -1) {
			mx_err_set(err, MX_E_GENERIC, _("out of memory"));
			goto out;
		}
	rc = 0;
out:
	free(f);
	mx_listing_free(&l);
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
