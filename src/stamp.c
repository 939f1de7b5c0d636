/* stamp.c - the directories' times of the last verified pass (see
 * stamp.h). */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "host.h"
#include "i18n.h"
#include "listing.h"
#include "quote.h"
#include "stamp.h"
#include "statefile.h"

#define MAGIC "mxmove-stamp 1"
#define RECENT_NS 2000000000LL	/* times this close to a listing: racy */

struct dent {
	const char *path, *times;	/* into the stamp's buffer */
};

struct mx_stamp {
	struct mx_stamp_counts c;
	struct dent *d[2];		/* the source's, the target's */
	size_t n[2];
	char *buf;
};

void
mx_stamp_free(struct mx_stamp *s)
{
	if (s == NULL)
		return;
	free(s->d[0]);
	free(s->d[1]);
	free(s->buf);
	free(s);
}

const struct mx_stamp_counts *
mx_stamp_counts(const struct mx_stamp *s)
{
	return &s->c;
}

/* One "S|D\tPATH\tTIMES" line (cut in place) into s: 0, -1 damaged, -2
 * out of memory. */
static int
add_line(struct mx_stamp *s, char *line)
{
	char *path, *times;
	struct dent *v;
	int side;

	if ((line[0] != 'S' && line[0] != 'D') || line[1] != '\t')
		return -1;
	side = line[0] == 'D';
	path = line + 2;
	times = strchr(path, '\t');
	if (times == NULL)
		return -1;
	*times++ = '\0';
	v = realloc(s->d[side], (s->n[side] + 1) * sizeof *v);
	if (v == NULL)
		return -2;
	s->d[side] = v;
	v[s->n[side]].path = path;
	v[s->n[side]++].times = times;
	return 0;
}

int
mx_stamp_load(const char *path, const char *id, struct mx_stamp **out,
    struct mx_err *err)
{
	struct mx_stamp *s;
	char *buf, *line, *nl, *end;
	size_t len;
	int ok = 0, rc;

	*out = NULL;
	switch (mx_statefile_read(path, &buf, &len)) {
	case -2:
		return mx_err_errno(err, ENOMEM, "malloc");
	case -1:
		return 0;	/* none (or unreadable): nothing is known */
	}
	if ((s = calloc(1, sizeof *s)) == NULL) {
		free(buf);
		return mx_err_errno(err, ENOMEM, "malloc");
	}
	s->buf = buf;
	end = s->buf + len;
	line = s->buf;
	nl = strchr(line, '\n');
	if (nl == NULL || (*nl = '\0', strncmp(line, MAGIC "\t", sizeof MAGIC) != 0) ||
	    strcmp(line + sizeof MAGIC, id) != 0)
		goto out;	/* another pass's, or not one */
	line = nl + 1;
	if ((nl = strchr(line, '\n')) == NULL)
		goto out;
	*nl = '\0';
	if (sscanf(line, "counts\t%" SCNu64 "\t%" SCNu64 "\t%" SCNu64 "\t%" SCNu64,
	    &s->c.src_msgs, &s->c.src_bytes, &s->c.dst_msgs, &s->c.dst_bytes) != 4)
		goto out;
	for (line = nl + 1; line < end; line = nl + 1) {
		if ((nl = strchr(line, '\n')) == NULL)
			break;	/* cut short */
		*nl = '\0';
		if (strncmp(line, "end\t", 4) == 0) {
			ok = (size_t)strtoull(line + 4, NULL, 10) == s->n[0] + s->n[1] &&
			    s->n[0] > 0 && s->n[1] > 0;
			break;
		}
		rc = add_line(s, line);
		if (rc == -2) {
			mx_stamp_free(s);
			return mx_err_errno(err, ENOMEM, "malloc");
		}
		if (rc == -1)
			break;
	}
out:
	if (!ok)
		mx_stamp_free(s);
	else
		*out = s;
	return 0;
}

/* Whether l's directories can stand for its messages next time; with
 * settled, only if none changed in the last RECENT_NS before the
 * listing (by the host's clock). The old host's side must be settled:
 * mail delivered there later in the tick of a recorded time would be
 * missed. The new host's need not be, and is not right after a copy:
 * a change there missed the same way can only be the new host's own
 * (a delivery, a flag, an expunge), never a message to copy, and the
 * next change to the old host's side lists both again. */
static int
recordable(const struct mx_listing *l, int settled)
{
	return l->dirs.len > 0 && !l->dirs_odd && (!settled ||
	    (l->listed_at > 0 && l->dirs_newest < l->listed_at - RECENT_NS));
}

/* l's lines, each prefixed "TAG\t". */
static size_t
put_side(struct mx_buf *b, const struct mx_listing *l, char tag)
{
	const char *p = l->dirs.data, *nl;
	size_t n = 0;

	for (; p != NULL && *p != '\0'; p = nl + 1, n++) {
		nl = strchr(p, '\n');
		mx_buf_printf(b, "%c\t%.*s\n", tag, (int)(nl - p), p);
	}
	return n;
}

void
mx_stamp_drop(const char *path)
{
	/* One that cannot be removed only speaks of directories that have
	 * changed since: it matches nothing any more. */
	(void)unlink(path);
}

int
mx_stamp_save(const char *path, const char *id, const struct mx_listing *S,
    const struct mx_listing *D, struct mx_err *err)
{
	struct mx_buf b = MX_BUF_INIT;
	size_t n;
	int rc;

	if (!recordable(S, 1) || !recordable(D, 0)) {
		/* What it held is out of date: these directories changed. */
		mx_stamp_drop(path);
		return 0;
	}
	mx_buf_printf(&b, "%s\t%s\ncounts\t%zu\t%" PRIu64 "\t%zu\t%" PRIu64 "\n",
	    MAGIC, id, S->n, S->bytes, D->n, D->bytes);
	n = put_side(&b, S, 'S');
	n += put_side(&b, D, 'D');
	mx_buf_printf(&b, "end\t%zu\n", n);
	if (b.data == NULL)
		return mx_err_errno(err, ENOMEM, "malloc");
	rc = mx_statefile_replace(path, b.data, b.len, err) == 0 ? 1 : -1;
	mx_buf_free(&b);
	return rc;
}

/* A directory asked about: whose, and what it should say. */
struct want {
	size_t user;
	const struct dent *e;
	char *hpath;
};

/* find's answers ("PATH\0TIMES\0", in the order asked, a directory
 * missing left out) against want[0..n): a user with one directory
 * missing or different is not the same. */
static void
compare(const struct mx_buf *out, struct want *want, size_t n, int same[])
{
	const char *p = out->data, *end = out->data + out->len, *t;
	size_t k = 0, j;

	while (p != NULL && p < end) {
		t = memchr(p, '\0', (size_t)(end - p));
		if (t == NULL || t + 1 >= end || memchr(t + 1, '\0',
		    (size_t)(end - t - 1)) == NULL)
			break;
		t++;
		for (j = k; j < n && strcmp(want[j].hpath, p) != 0; j++)
			;
		if (j == n)
			break;	/* not asked: let the rest count as missing */
		for (; k < j; k++)
			same[want[k].user] = 0;		/* missing */
		if (strcmp(want[k].e->times, t) != 0)
			same[want[k].user] = 0;
		k++;
		p = t + strlen(t) + 1;
	}
	for (; k < n; k++)
		same[want[k].user] = 0;
}

int
mx_stamp_check(struct mx_host *h, int side, const char *const dirs[],
    struct mx_stamp *const st[], size_t n, int same[], struct mx_err *err)
{
	struct mx_buf cmd = MX_BUF_INIT, out = MX_BUF_INIT, p = MX_BUF_INIT;
	struct want *want = NULL;
	size_t i, k, nw = 0, cap = 0, first = 0;
	char *hp;
	int status, rc = -1;

	for (i = 0; i < n; i++) {
		if (st[i] == NULL || !same[i])
			continue;
		if ((hp = mx_host_path(h, dirs[i])) == NULL)
			goto nomem;
		for (k = 0; k < st[i]->n[side]; k++) {
			const struct dent *e = &st[i]->d[side][k];

			if (nw == cap) {
				struct want *v;

				cap = cap ? cap * 2 : 64;
				if ((v = realloc(want, cap * sizeof *v)) == NULL) {
					free(hp);
					goto nomem;
				}
				want = v;
			}
			mx_buf_reset(&p);
			mx_buf_printf(&p, "%s%s%s", hp, e->path[0] ? "/" : "",
			    e->path);
			want[nw].user = i;
			want[nw].e = e;
			if ((want[nw].hpath = mx_buf_steal(&p)) == NULL) {
				free(hp);
				goto nomem;
			}
			nw++;
		}
		free(hp);
	}
	while (first < nw) {
		/* find in the shell's place; a directory gone is only a
		 * difference (its complaint is not kept). */
		mx_buf_reset(&cmd);
		mx_buf_reset(&out);
		mx_buf_puts(&cmd, "exec 2>/dev/null; exec find -H");
		for (k = first; k < nw && (k == first || cmd.len < MX_CHUNK_ARGS); k++) {
			mx_buf_puts(&cmd, " ");
			mx_shell_quote(&cmd, want[k].hpath);
		}
		mx_buf_puts(&cmd, " -maxdepth 0 -printf '%p\\0%T@ %C@\\0'");
		if (cmd.data == NULL)
			goto nomem;
		if (mx_host_run_sh(h, cmd.data, NULL, 0, &out, NULL, &status,
		    err) == -1)
			goto out;
		compare(&out, want + first, k - first, same);
		first = k;
	}
	rc = 0;
	goto out;
nomem:
	mx_err_errno(err, ENOMEM, "malloc");
out:
	for (i = 0; i < nw; i++)
		free(want[i].hpath);
	free(want);
	mx_buf_free(&cmd);
	mx_buf_free(&out);
	mx_buf_free(&p);
	return rc;
}
