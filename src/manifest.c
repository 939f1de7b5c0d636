/* manifest.c - the digests proved by the last verified pass (see
 * manifest.h). */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "i18n.h"
#include "listing.h"
#include "maildir.h"
#include "manifest.h"
#include "statefile.h"

#define MAGIC "mxmove-manifest 1"

struct mfent {
	const char *spath, *dpath;	/* into the manifest's buffer */
	uint64_t ssize, dsize;
	int64_t sctime, dctime;
	char digest[65];
};

struct mx_manifest {
	struct mfent *v;
	size_t n, cap;
	struct mx_nameset *idx;	/* key (in buf) -> index */
	char *buf;		/* the file, its fields cut in place */
};

void
mx_manifest_free(struct mx_manifest *m)
{
	if (m == NULL)
		return;
	free(m->v);
	mx_nameset_free(m->idx);
	free(m->buf);
	free(m);
}

size_t
mx_manifest_count(const struct mx_manifest *m)
{
	return m ? m->n : 0;
}

/* One line (its newline cut): KEY SPATH SSIZE SCTIME DPATH DSIZE DCTIME
 * DIGEST, tabs. The fields stay in the buffer. -1 damaged, -2 memory. */
static int
add_line(struct mx_manifest *m, char *line)
{
	char *f[8], *p = line, *end;
	struct mfent *e;
	int i;

	for (i = 0; i < 8; i++) {
		f[i] = p;
		if (i == 7)
			break;
		p = strchr(p, '\t');
		if (p == NULL)
			return -1;
		*p++ = '\0';
	}
	if (strlen(f[7]) != 64)
		return -1;
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 256;
		struct mfent *v = realloc(m->v, cap * sizeof *v);

		if (v == NULL)
			return -2;
		m->v = v;
		m->cap = cap;
	}
	e = &m->v[m->n];
	errno = 0;
	e->ssize = strtoull(f[2], &end, 10);
	if (*end != '\0')
		return -1;
	e->sctime = strtoll(f[3], &end, 10);
	if (*end != '\0')
		return -1;
	e->dsize = strtoull(f[5], &end, 10);
	if (*end != '\0')
		return -1;
	e->dctime = strtoll(f[6], &end, 10);
	if (*end != '\0' || errno != 0)
		return -1;
	memcpy(e->digest, f[7], 65);
	e->spath = f[1];
	e->dpath = f[4];
	switch (mx_nameset_add(m->idx, f[0], (uint64_t)m->n)) {
	case -1:
		return -2;
	case 0:
		return -1;	/* a key twice */
	}
	m->n++;
	return 0;
}

int
mx_manifest_load(const char *path, const char *id, struct mx_manifest **out,
    struct mx_err *err)
{
	struct mx_manifest *m;
	char *line, *nl, *end;
	size_t len = 0;
	int r, ok = 0;

	*out = NULL;
	m = calloc(1, sizeof *m);
	if (m == NULL || (m->idx = mx_nameset_new_ref()) == NULL) {
		free(m);
		return mx_err_errno(err, ENOMEM, "malloc");
	}
	r = mx_statefile_read(path, &m->buf, &len);
	if (r == -2) {
		mx_manifest_free(m);
		return mx_err_errno(err, ENOMEM, "malloc");
	}
	if (r == -1) {
		*out = m;	/* none (or unreadable): trust nothing */
		return 0;
	}
	end = m->buf + len;
	line = m->buf;
	nl = memchr(line, '\n', (size_t)(end - line));
	if (nl != NULL) {
		*nl = '\0';
		/* Made by a pass between the same hosts and directories? */
		if (strncmp(line, MAGIC "\t", sizeof MAGIC) != 0 ||
		    strcmp(line + sizeof MAGIC, id) != 0)
			nl = NULL;
	}
	for (line = nl ? nl + 1 : end; line < end; line = nl + 1) {
		nl = memchr(line, '\n', (size_t)(end - line));
		if (nl == NULL)
			break;		/* cut short */
		*nl = '\0';
		if (strncmp(line, "end\t", 4) == 0) {
			ok = (size_t)strtoull(line + 4, NULL, 10) == m->n;
			break;
		}
		r = add_line(m, line);
		if (r == -2) {
			mx_manifest_free(m);
			return mx_err_errno(err, ENOMEM, "malloc");
		}
		if (r == -1)
			break;
	}
	if (!ok) {
		/* Damaged or foreign: trust nothing in it. */
		free(m->v);
		free(m->buf);
		mx_nameset_free(m->idx);
		memset(m, 0, sizeof *m);
		if ((m->idx = mx_nameset_new_ref()) == NULL) {
			free(m);
			return mx_err_errno(err, ENOMEM, "malloc");
		}
	}
	*out = m;
	return 0;
}

int
mx_manifest_trust(const struct mx_manifest *m, struct mx_msgrec *s,
    struct mx_msgrec *d)
{
	const struct mfent *e;
	uint64_t i;

	if (m == NULL || !mx_nameset_has(m->idx, s->key, &i))
		return 0;
	e = &m->v[i];
	if (s->ctime_ns == 0 || d->ctime_ns == 0 || e->ssize != s->size ||
	    e->dsize != d->size || e->sctime != s->ctime_ns ||
	    e->dctime != d->ctime_ns || strcmp(e->spath, s->path) != 0 ||
	    strcmp(e->dpath, d->path) != 0)
		return 0;
	memcpy(s->digest, e->digest, 65);
	memcpy(d->digest, e->digest, 65);
	return 1;
}

static int
plain(const char *s)
{
	return strpbrk(s, "\t\n") == NULL;
}

int
mx_manifest_save(const char *path, const char *id, const struct mx_listing *S,
    const struct mx_listing *D, struct mx_err *err)
{
	struct mx_buf b = MX_BUF_INIT;
	const struct mx_msgrec *s, *d;
	size_t i, n = 0;
	int64_t recent;
	int rc;

	/* A file's ctime has the clock's coarse tick: a source message
	 * changed in the last seconds before it was listed (by the old
	 * host's clock) could change again without its ctime moving. Those
	 * are read again next time; all are, if that clock is not known. */
	recent = S->listed_at > 0 ? S->listed_at - 2000000000 : INT64_MIN;
	mx_buf_printf(&b, "%s\t%s\n", MAGIC, id);
	for (i = 0; i < S->n; i++) {
		s = &S->v[i];
		d = mx_listing_get(D, s->key);
		if (d == NULL || s->digest[0] == '\0' || s->ctime_ns >= recent ||
		    strcmp(s->digest, d->digest) != 0 || s->ctime_ns == 0 ||
		    d->ctime_ns == 0 || !plain(s->key) || !plain(s->path) ||
		    !plain(d->path))
			continue;
		mx_buf_printf(&b, "%s\t%s\t%" PRIu64 "\t%" PRId64 "\t%s\t%" PRIu64
		    "\t%" PRId64 "\t%s\n", s->key, s->path, s->size, s->ctime_ns,
		    d->path, d->size, d->ctime_ns, s->digest);
		n++;
	}
	mx_buf_printf(&b, "end\t%zu\n", n);
	if (b.data == NULL)
		return mx_err_errno(err, ENOMEM, "malloc");
	rc = mx_statefile_replace(path, b.data, b.len, err);
	mx_buf_free(&b);
	return rc;
}
