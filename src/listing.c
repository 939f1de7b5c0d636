/* listing.c - the messages of a Maildir on a host (see listing.h). */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "i18n.h"
#include "listing.h"
#include "maildir.h"
#include "quote.h"

#define XBUF 65536
#define CHUNK_ARGS 60000	/* bytes of names per command line */

void
mx_listing_free(struct mx_listing *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].key);
		free(l->v[i].path);
	}
	free(l->v);
	mx_nameset_free(l->idx);
	memset(l, 0, sizeof *l);
}

int
mx_listing_init(struct mx_listing *l, struct mx_err *err)
{
	memset(l, 0, sizeof *l);
	l->idx = mx_nameset_new();
	if (l->idx == NULL)
		return mx_err_errno(err, ENOMEM, "malloc");
	return 0;
}

/* Split a relative path into folder, sub and name; the key goes to key.
 * Returns 0 for a message path, -1 otherwise. */
int
mx_listing_msg_path(const char *path, char *key, size_t klen, char *folder, size_t flen,
    const char **name)
{
	const char *s1, *s2, *sub;
	size_t fl = 0;

	s1 = strchr(path, '/');
	if (s1 == NULL)
		return -1;
	s2 = strchr(s1 + 1, '/');
	if (s2 == NULL) {		/* sub/NAME */
		sub = path;
		*name = s1 + 1;
	} else {			/* .F/sub/NAME */
		if (strchr(s2 + 1, '/') != NULL || path[0] != '.')
			return -1;
		fl = (size_t)(s1 - path);
		if (fl + 1 > flen || fl < 2 || (fl == 2 && path[1] == '.'))
			return -1;
		sub = s1 + 1;
		*name = s2 + 1;
	}
	if (strncmp(sub, "new/", 4) != 0 && strncmp(sub, "cur/", 4) != 0)
		return -1;
	memcpy(folder, path, fl);
	folder[fl] = '\0';
	return mx_maildir_key(key, klen, folder, *name);
}

int
mx_listing_add(struct mx_listing *l, const char *path, uint64_t size, int64_t mtime,
    struct mx_err *err)
{
	char key[PATH_MAX], folder[PATH_MAX];
	const char *name;
	struct mx_msgrec *r;
	int a;

	if (mx_listing_msg_path(path, key, sizeof key, folder, sizeof folder, &name) == -1)
		return 0;
	if (mx_nameset_has(l->idx, key, NULL))
		return 0;	/* in new/ and cur/ at once: counted once */
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 256;
		struct mx_msgrec *v = realloc(l->v, cap * sizeof *v);

		if (v == NULL)
			return mx_err_errno(err, ENOMEM, "malloc");
		l->v = v;
		l->cap = cap;
	}
	r = &l->v[l->n];
	memset(r, 0, sizeof *r);
	r->key = strdup(key);
	r->path = strdup(path);
	r->size = size;
	r->mtime = mtime;
	a = mx_nameset_add(l->idx, key, (uint64_t)l->n);
	if (r->key == NULL || r->path == NULL || a == -1) {
		free(r->key);
		free(r->path);
		return mx_err_errno(err, ENOMEM, "malloc");
	}
	l->n++;
	l->bytes += size;
	return 0;
}

struct mx_msgrec *
mx_listing_get(const struct mx_listing *l, const char *key)
{
	uint64_t i;

	if (!mx_nameset_has(l->idx, key, &i))
		return NULL;
	return &l->v[i];
}

/* List the messages of the Maildir dir on h (missing: empty listing). */
int
mx_listing_read(struct mx_host *h, const char *dir, struct mx_listing *l,
    struct mx_err *err)
{
	struct mx_buf cmd = MX_BUF_INIT, acc = MX_BUF_INIT, eo = MX_BUF_INIT;
	struct mx_stream *s = NULL;
	char *hp = NULL, buf[XBUF], *p, *z, *sp1, *sp2;
	ssize_t n;
	size_t used;
	int status = -1, rc = -1;

	/* One round trip: what is there (a Maildir, an mbox file, nothing),
	 * whether @attachments and maildirsize exist, and the messages. */
	hp = mx_host_path(h, dir);
	mx_buf_puts(&cmd, "d=");
	mx_shell_quote(&cmd, hp ? hp : dir);
	mx_buf_puts(&cmd, "; if [ -d \"$d\" ]; then "
	    "if [ -d \"$d/../@attachments\" ]; then printf '0 0 @attachments\\0'; fi; "
	    "if [ -f \"$d/maildirsize\" ]; then printf '0 0 maildirsize\\0'; fi; "
	    "cd \"$d\" && find . -mindepth 2 "
	    "-maxdepth 3 -type f \\( -path './new/*' -o -path './cur/*' -o "
	    "-path './.*/new/*' -o -path './.*/cur/*' \\) -printf "
	    "'%s %T@ %P\\0'; elif [ -f \"$d\" ]; then exit 4; "
	    "elif [ -e \"$d\" ]; then exit 3; else exit 5; fi");
	if (mx_host_exec_read_sh(h, cmd.data, &s, err) == -1)
		goto out;
	for (;;) {
		n = mx_stream_read(s, buf, sizeof buf, err);
		if (n < 0)
			goto out;
		if (n == 0)
			break;
		if (mx_buf_append(&acc, buf, (size_t)n) == -1) {
			mx_err_errno(err, ENOMEM, "malloc");
			goto out;
		}
		used = 0;
		p = acc.data;
		while ((z = memchr(p, '\0', acc.len - used)) != NULL) {
			sp1 = strchr(p, ' ');
			sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
			if (sp2 != NULL && strcmp(sp2 + 1, "@attachments") == 0)
				l->has_attachments = 1;
			else if (sp2 != NULL && strcmp(sp2 + 1, "maildirsize") == 0)
				l->has_quota = 1;
			else if (sp2 != NULL && mx_listing_add(l, sp2 + 1,
			    strtoull(p, NULL, 10), strtoll(sp1 + 1, NULL, 10),
			    err) == -1)
				goto out;
			used += (size_t)(z - p) + 1;
			p = z + 1;
		}
		memmove(acc.data, acc.data + used, acc.len - used);
		acc.len -= used;
	}
	if (mx_stream_close(s, &status, &eo, err) == -1) {
		s = NULL;
		goto out;
	}
	s = NULL;
	if (status == 4 || status == 5) {
		l->is_file = status == 4;
		l->missing = status == 5;
		rc = 0;
		goto out;
	}
	if (status == 3) {
		mx_err_set(err, MX_E_USAGE, _("%s: %s is not a directory"),
		    mx_host_name(h), dir);
		goto out;
	}
	if (status != 0) {
		mx_err_set(err, MX_E_REMOTE, _("%s: listing %s failed: %s"),
		    mx_host_name(h), dir, eo.data ? eo.data : "");
		goto out;
	}
	rc = 0;
out:
	if (s != NULL)
		mx_stream_close(s, NULL, NULL, NULL);
	mx_buf_free(&cmd);
	mx_buf_free(&acc);
	mx_buf_free(&eo);
	free(hp);
	return rc;
}

/* SHA-256 of files (relative to dir) on h, in chunks of command lines:
 * fills rec->digest for each of recs[0..n). */
int
mx_listing_digest(struct mx_host *h, const char *dir, struct mx_msgrec **recs, size_t n,
    struct mx_err *err)
{
	struct mx_buf cmd = MX_BUF_INIT, out = MX_BUF_INIT;
	struct mx_nameset *idx = NULL;
	char *hp = mx_host_path(h, dir), *line, *nl;
	size_t i = 0, start;
	uint64_t k;
	int rc = -1;

	while (i < n) {
		mx_buf_reset(&cmd);
		mx_buf_reset(&out);
		mx_nameset_free(idx);
		idx = mx_nameset_new();
		if (idx == NULL)
			goto nomem;
		mx_buf_puts(&cmd, "cd ");
		mx_shell_quote(&cmd, hp ? hp : dir);
		mx_buf_puts(&cmd, " && sha256sum --");
		start = i;
		while (i < n && (i == start || cmd.len < CHUNK_ARGS)) {
			mx_buf_puts(&cmd, " ");
			if (mx_shell_quote(&cmd, recs[i]->path) == -1 ||
			    mx_nameset_add(idx, recs[i]->path, (uint64_t)i) == -1)
				goto nomem;
			i++;
		}
		/* A file gone meanwhile gives status 1: the others still
		 * count, the missing one keeps an empty digest. */
		{
			struct mx_buf eo = MX_BUF_INIT;
			int st;

			if (mx_host_run_sh(h, cmd.data, NULL, 0, &out, &eo, &st,
			    err) == -1) {
				mx_buf_free(&eo);
				goto out;
			}
			mx_buf_free(&eo);
		}
		for (line = out.data; line != NULL && *line != '\0'; line = nl) {
			nl = strchr(line, '\n');
			if (nl != NULL)
				*nl++ = '\0';
			if (strlen(line) < 67 || line[64] != ' ')
				continue;
			if (mx_nameset_has(idx, line + 66, &k)) {
				memcpy(recs[k]->digest, line, 64);
				recs[k]->digest[64] = '\0';
			}
		}
	}
	rc = 0;
	goto out;
nomem:
	mx_err_errno(err, ENOMEM, "malloc");
out:
	mx_nameset_free(idx);
	mx_buf_free(&cmd);
	mx_buf_free(&out);
	free(hp);
	return rc;
}
