/* listing.c - the messages of a Maildir on a host (see listing.h). */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "host.h"
#include "i18n.h"
#include "listing.h"
#include "maildir.h"
#include "quote.h"

#define XBUF 65536

void
mx_listing_free(struct mx_listing *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].key);	/* the path shares its block */
	free(l->v);
	mx_nameset_free(l->idx);
	mx_buf_free(&l->dirs);
	memset(l, 0, sizeof *l);
}

int
mx_listing_init(struct mx_listing *l, struct mx_err *err)
{
	memset(l, 0, sizeof *l);
	l->idx = mx_nameset_new_ref();	/* keyed by the records' own keys */
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
	size_t kl, pl;

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
	/* One block for the key and the path; the index points at the key
	 * (one allocation per message instead of three). */
	kl = strlen(key) + 1;
	pl = strlen(path) + 1;
	r->key = malloc(kl + pl);
	if (r->key == NULL)
		return mx_err_errno(err, ENOMEM, "malloc");
	memcpy(r->key, key, kl);
	r->path = memcpy(r->key + kl, path, pl);
	r->size = size;
	r->mtime = mtime;
	if (mx_nameset_add(l->idx, r->key, (uint64_t)l->n) == -1) {
		free(r->key);
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

/* The host's own clock as a record "@T SECONDS.FRACTION\0", before
 * find reads a directory: the file times it prints come from that
 * clock, not from this machine's (the two may disagree by minutes). A
 * date(1) without %N gives whole seconds ("S.N" or "S.%N": the
 * fraction reads as 0, an earlier time, which records less). */
#define HOST_CLOCK "printf '@T %s\\0' \"$(date +%s.%N 2>/dev/null)\"; "

/* The listing script for one directory: "@T NOW\0" (HOST_CLOCK),
 * records "SIZE MTIME CTIME PATH\0", directories as "DMTIME CTIME
 * PATH\0", "0 0 0 @attachments\0" and "0 0 0 maildirsize\0"; its
 * status says what is there (0 a Maildir, 4 a file, 3 something else,
 * 5 nothing, 6 find failed). */
static void
list_fn(struct mx_buf *cmd)
{
	mx_buf_puts(cmd, "L() { if [ -d \"$1\" ]; then " HOST_CLOCK
	    "if [ -d \"$1/../@attachments\" ]; then printf '0 0 0 @attachments\\0'; fi; "
	    "if [ -f \"$1/maildirsize\" ]; then printf '0 0 0 maildirsize\\0'; fi; "
	    "(cd \"$1\" && exec find . -maxdepth 3 \\( -type d -printf "
	    "'D%T@ %C@ %P\\0' -o -type f \\( -path './new/*' -o -path "
	    "'./cur/*' -o -path './.*/new/*' -o -path './.*/cur/*' \\) "
	    "-printf '%s %T@ %C@ %P\\0' \\)) || return 6; elif [ -f \"$1\" ]; then return 4; "
	    "elif [ -e \"$1\" ]; then return 3; else return 5; fi; }; ");
}

/* An unsigned decimal at p into *v; the character after it. */
static const char *
parse_u64(const char *p, uint64_t *v)
{
	uint64_t n = 0;

	while (*p >= '0' && *p <= '9')
		n = n * 10 + (uint64_t)(*p++ - '0');
	*v = n;
	return p;
}

/* "SECONDS.FRACTION" (find's %T@) at p: *sec the seconds, *ns the time
 * in nanoseconds (SECONDS * 10^9 + the first nine digits of FRACTION);
 * the character after it. */
static const char *
parse_stamp(const char *p, int64_t *sec, int64_t *ns)
{
	uint64_t s;
	int64_t f = 0;
	int neg = *p == '-', i;

	p = parse_u64(p + neg, &s);
	*sec = neg ? -(int64_t)s : (int64_t)s;
	if (*p == '.') {
		p++;
		for (i = 0; i < 9; i++) {
			f *= 10;
			if (*p >= '0' && *p <= '9')
				f += *p++ - '0';
		}
		while (*p >= '0' && *p <= '9')
			p++;
	}
	*ns = *sec * 1000000000 + f;
	return p;
}

/* Whether a directory's entries are messages or folders: "" (the
 * Maildir), "new", "cur", ".F", ".F/new", ".F/cur". */
static int
msg_dir(const char *p)
{
	const char *sl;

	if (*p == '\0' || strcmp(p, "new") == 0 || strcmp(p, "cur") == 0)
		return 1;
	if (p[0] != '.' || strcmp(p, ".") == 0 || strcmp(p, "..") == 0)
		return 0;
	sl = strchr(p, '/');
	return sl == NULL || strcmp(sl, "/new") == 0 || strcmp(sl, "/cur") == 0;
}

/* A directory record "MTIME CTIME PATH" into l->dirs (msg_dir ones). */
static int
add_dir(struct mx_listing *l, const char *p, struct mx_err *err)
{
	const char *q, *path;
	int64_t s, m, c;

	q = parse_stamp(p, &s, &m);
	if (*q != ' ')
		return 0;
	q = parse_stamp(q + 1, &s, &c);
	if (*q != ' ')
		return 0;
	path = q + 1;
	if (!msg_dir(path))
		return 0;
	if (strpbrk(path, "\t\n") != NULL) {
		l->dirs_odd = 1;
		return 0;
	}
	if (m > l->dirs_newest)
		l->dirs_newest = m;
	if (c > l->dirs_newest)
		l->dirs_newest = c;
	mx_buf_printf(&l->dirs, "%s\t%.*s\n", path, (int)(q - p), p);
	if (l->dirs.data == NULL)
		return mx_err_errno(err, ENOMEM, "malloc");
	return 0;
}

/* One record "SIZE MTIME CTIME PATH" (times as find's %T@ and %C@) into
 * l, or a directory's "DMTIME CTIME PATH"; the names @attachments and
 * maildirsize only set l's flags. */
static int
add_record(struct mx_listing *l, const char *p, struct mx_err *err)
{
	const char *q;
	uint64_t size;
	int64_t mtime, mtime_ns, csec, ctime_ns;
	size_t before = l->n;

	if (p[0] == 'D')
		return add_dir(l, p + 1, err);
	/* One pass over the record (it comes once per message). */
	q = parse_u64(p, &size);
	if (*q != ' ')
		return 0;
	q = parse_stamp(q + 1, &mtime, &mtime_ns);
	if (*q != ' ')
		return 0;
	q = parse_stamp(q + 1, &csec, &ctime_ns);
	if (*q != ' ')
		return 0;
	q++;
	if (q[0] == '@' && strcmp(q, "@attachments") == 0) {
		l->has_attachments = 1;
		return 0;
	}
	if (q[0] == 'm' && strcmp(q, "maildirsize") == 0) {
		l->has_quota = 1;
		return 0;
	}
	if (mx_listing_add(l, q, size, mtime, err) == -1)
		return -1;
	if (l->n > before) {
		l->v[before].mtime_ns = mtime_ns;
		l->v[before].ctime_ns = ctime_ns;
	}
	return 0;
}

/* A listing read whole: its vector no longer than it (a pass holds
 * many: doubling leaves up to half of each unused). */
static void
fit(struct mx_listing *l)
{
	struct mx_msgrec *v;

	if (l->n == 0 || l->n == l->cap)
		return;
	if ((v = realloc(l->v, l->n * sizeof *v)) != NULL) {
		l->v = v;
		l->cap = l->n;
	}
}

/* The end of a listing: its status says what was there. */
static int
status_of(struct mx_host *h, const char *dir, int status, const char *eo,
    struct mx_listing *l, struct mx_err *err)
{
	fit(l);
	if (status == 4 || status == 5) {
		l->is_file = status == 4;
		l->missing = status == 5;
		return 0;
	}
	if (status == 3)
		return mx_err_set(err, MX_E_USAGE, _("%s: %s is not a directory"),
		    mx_host_name(h), dir);
	if (status != 0)
		return mx_err_set(err, MX_E_REMOTE, _("%s: listing %s failed: %s"),
		    mx_host_name(h), dir, eo ? eo : "");
	return 0;
}

/* The host's clock from a "@T SECONDS.FRACTION" record, ns; 0 (not
 * known: nothing is recorded as settled) for anything else. */
static int64_t
host_clock(const char *p)
{
	int64_t sec, ns;

	if (*p < '0' || *p > '9')
		return 0;
	p = parse_stamp(p, &sec, &ns);
	return *p == '\0' && sec > 0 ? ns : 0;
}

/* Read one directory's listing stream into l; with rest, what follows
 * a "@S" record goes there as it is (with its "@"). */
static int
read_records(struct mx_stream *s, struct mx_listing *l, struct mx_buf *rest,
    struct mx_err *err)
{
	struct mx_buf acc = MX_BUF_INIT;
	char buf[XBUF], *p, *z;
	ssize_t got;
	size_t used;
	int rc = -1;

	l->listed_at = 0;	/* until the host's clock says ("@T") */
	for (;;) {
		got = mx_stream_read(s, buf, sizeof buf, err);
		if (got < 0)
			goto out;
		if (got == 0)
			break;
		if (rest != NULL && rest->len > 0) {
			/* After "@S": the rest of the output, as it is. */
			if (mx_buf_append(rest, buf, (size_t)got) == -1) {
				mx_err_errno(err, ENOMEM, "malloc");
				goto out;
			}
			continue;
		}
		if (mx_buf_append(&acc, buf, (size_t)got) == -1) {
			mx_err_errno(err, ENOMEM, "malloc");
			goto out;
		}
		used = 0;
		p = acc.data;
		while ((z = memchr(p, '\0', acc.len - used)) != NULL) {
			if (p[0] == '@' && p[1] == 'S' && rest != NULL) {
				used += (size_t)(z - p) + 1;
				if (mx_buf_append(rest, "@", 1) == -1 ||
				    mx_buf_append(rest, z + 1, acc.len - used) == -1) {
					mx_err_errno(err, ENOMEM, "malloc");
					goto out;
				}
				used = acc.len;
				break;
			}
			if (p[0] == '@' && p[1] == 'T' && p[2] == ' ')
				l->listed_at = host_clock(p + 3);
			else if (add_record(l, p, err) == -1)
				goto out;
			used += (size_t)(z - p) + 1;
			p = z + 1;
		}
		memmove(acc.data, acc.data + used, acc.len - used);
		acc.len -= used;
	}
	rc = 0;
out:
	mx_buf_free(&acc);
	return rc;
}

/* List the messages of the Maildir dir on h (missing: empty listing). */
int
mx_listing_read(struct mx_host *h, const char *dir, struct mx_listing *l,
    struct mx_err *err)
{
	struct mx_buf cmd = MX_BUF_INIT, eo = MX_BUF_INIT;
	struct mx_stream *s = NULL;
	char *hp = NULL;
	int status = -1, rc = -1;

	/* One round trip: what is there (a Maildir, an mbox file, nothing),
	 * whether @attachments and maildirsize exist, and the messages. */
	hp = mx_host_path(h, dir);
	list_fn(&cmd);
	mx_buf_puts(&cmd, "L ");
	mx_shell_quote(&cmd, hp ? hp : dir);
	if (mx_host_exec_read_sh(h, cmd.data, &s, err) == -1)
		goto out;
	if (read_records(s, l, NULL, err) == -1)
		goto out;
	if (mx_stream_close(s, &status, &eo, err) == -1) {
		s = NULL;
		goto out;
	}
	s = NULL;
	rc = status_of(h, dir, status, eo.data, l, err);
out:
	if (s != NULL)
		mx_stream_close(s, NULL, NULL, NULL);
	mx_buf_free(&cmd);
	mx_buf_free(&eo);
	free(hp);
	return rc;
}

int
mx_listing_read_ex(struct mx_host *h, const char *dir, const char *pre,
    const char *post, struct mx_listing *l, struct mx_buf *out,
    struct mx_err *err)
{
	struct mx_buf cmd = MX_BUF_INIT, eo = MX_BUF_INIT, rest = MX_BUF_INIT;
	struct mx_stream *s = NULL;
	char *hp = NULL;
	int status = -1, rc = -1;

	hp = mx_host_path(h, dir);
	list_fn(&cmd);
	mx_buf_puts(&cmd, "{ ");
	mx_buf_puts(&cmd, pre);
	mx_buf_puts(&cmd, "; } || exit 7; L ");
	mx_shell_quote(&cmd, hp ? hp : dir);
	mx_buf_puts(&cmd, "; st=$?; printf '@S\\0'; ");
	mx_buf_puts(&cmd, post && post[0] ? post : ":");
	mx_buf_puts(&cmd, "; exit $st");
	if (mx_host_exec_read_sh(h, cmd.data, &s, err) == -1)
		goto out;
	if (read_records(s, l, &rest, err) == -1)
		goto out;
	if (mx_stream_close(s, &status, &eo, err) == -1) {
		s = NULL;
		goto out;
	}
	s = NULL;
	if (status == 7) {
		mx_err_set(err, MX_E_REMOTE, _("%s: command failed (status %d): %s"),
		    mx_host_name(h), 1, eo.data ? eo.data : "");
		goto out;
	}
	if (rest.len > 0 && mx_buf_append(out, rest.data + 1, rest.len - 1) == -1) {
		mx_err_errno(err, ENOMEM, "malloc");
		goto out;
	}
	rc = status_of(h, dir, status, eo.data, l, err);
out:
	if (s != NULL)
		mx_stream_close(s, NULL, NULL, NULL);
	mx_buf_free(&cmd);
	mx_buf_free(&eo);
	mx_buf_free(&rest);
	free(hp);
	return rc;
}

/* Several directories: the shell looks at each (builtins only), then
 * one find(1) lists them all; each of its records is preceded by the
 * directory it belongs to ("%H"). Markers: "@A I" @attachments, "@Q I"
 * maildirsize, "@E I STATUS". */
static int
read_many_records(struct mx_stream *s, char **hps, struct mx_listing *ls,
    int *st, size_t n, int64_t *clock, struct mx_err *err)
{
	struct mx_buf acc = MX_BUF_INIT;
	struct mx_listing *l = NULL;
	char buf[XBUF], *p, *z, *sp1;
	ssize_t got;
	size_t used, k, last = 0;
	unsigned long i;
	int rc = -1;

	for (;;) {
		got = mx_stream_read(s, buf, sizeof buf, err);
		if (got < 0)
			goto out;
		if (got == 0)
			break;
		if (mx_buf_append(&acc, buf, (size_t)got) == -1) {
			mx_err_errno(err, ENOMEM, "malloc");
			goto out;
		}
		used = 0;
		p = acc.data;
		while ((z = memchr(p, '\0', acc.len - used)) != NULL) {
			if (p[0] == '@' && p[1] == 'T' && p[2] == ' ')
				*clock = host_clock(p + 3);
			else if (p[0] == '@' && p[1] != '\0' && p[2] == ' ') {
				i = strtoul(p + 3, &sp1, 10);
				if (i < n && p[1] == 'A')
					ls[i].has_attachments = 1;
				else if (i < n && p[1] == 'Q')
					ls[i].has_quota = 1;
				else if (i < n && p[1] == 'E')
					st[i] = (int)strtol(sp1, NULL, 10);
			} else if (p[0] == '/') {
				/* find goes one directory after the other: the
				 * last one first. */
				if (last < n && strcmp(p, hps[last]) == 0)
					l = &ls[last];
				else
					for (l = NULL, k = 0; k < n && l == NULL; k++)
						if (strcmp(p, hps[k]) == 0) {
							l = &ls[k];
							last = k;
						}
			} else if (l != NULL) {
				if (add_record(l, p, err) == -1)
					goto out;
				l = NULL;	/* every record names its directory */
			}
			used += (size_t)(z - p) + 1;
			p = z + 1;
		}
		memmove(acc.data, acc.data + used, acc.len - used);
		acc.len -= used;
	}
	rc = 0;
out:
	mx_buf_free(&acc);
	return rc;
}

int
mx_listing_read_many(struct mx_host *h, const char *const dirs[], size_t n,
    struct mx_listing *ls, struct mx_err *errs, struct mx_err *err)
{
	struct mx_buf cmd = MX_BUF_INIT, eo = MX_BUF_INIT;
	struct mx_stream *s = NULL;
	char **hps;
	int *st = NULL, status = -1, rc = -1;
	int64_t clock;
	size_t i, start = 0;

	st = calloc(n + 1, sizeof *st);
	hps = calloc(n + 1, sizeof *hps);
	if (st == NULL || hps == NULL) {
		free(st);
		free(hps);
		return mx_err_errno(err, ENOMEM, "malloc");
	}
	for (i = 0; i < n; i++) {
		st[i] = -1;
		mx_err_clear(&errs[i]);
		hps[i] = mx_host_path(h, dirs[i]);
		if (hps[i] == NULL) {
			mx_err_errno(err, ENOMEM, "malloc");
			goto out;
		}
		if (hps[i][0] != '/') {
			mx_err_set(err, MX_E_USAGE, _("%s: not an absolute path"),
			    dirs[i]);
			goto out;
		}
	}
	while (start < n) {
		/* One script per 60 KB of names (one argument of sh -c). */
		mx_buf_reset(&cmd);
		mx_buf_reset(&eo);
		mx_buf_puts(&cmd, "set --; " HOST_CLOCK);
		for (i = start; i < n && (i == start || cmd.len < MX_CHUNK_ARGS); i++) {
			mx_buf_puts(&cmd, "d=");
			mx_shell_quote(&cmd, hps[i]);
			mx_buf_printf(&cmd, "; if [ -d \"$d\" ]; then "
			    "if [ -d \"$d/../@attachments\" ]; then printf '@A %zu\\0'; fi; "
			    "if [ -f \"$d/maildirsize\" ]; then printf '@Q %zu\\0'; fi; "
			    "set -- \"$@\" \"$d\"; printf '@E %zu 0\\0'; "
			    "elif [ -f \"$d\" ]; then printf '@E %zu 4\\0'; "
			    "elif [ -e \"$d\" ]; then printf '@E %zu 3\\0'; "
			    "else printf '@E %zu 5\\0'; fi; ", i, i, i, i, i, i);
		}
		/* find in the shell's place (one fork less per listing):
		 * its failure is the script's status. */
		mx_buf_puts(&cmd, "[ $# -eq 0 ] || exec find -H \"$@\" -maxdepth 3 "
		    "\\( -type d -printf '%H\\0D%T@ %C@ %P\\0' -o -type f -printf "
		    "'%H\\0%s %T@ %C@ %P\\0' \\)");
		if (mx_host_exec_read_sh(h, cmd.data, &s, err) == -1)
			goto out;
		clock = 0;
		if (read_many_records(s, hps, ls, st, n, &clock, err) == -1)
			goto out;
		if (mx_stream_close(s, &status, &eo, err) == -1) {
			s = NULL;
			goto out;
		}
		s = NULL;
		for (; start < i; start++) {
			ls[start].listed_at = clock;
			if (st[start] == -1 || (st[start] == 0 && status != 0))
				mx_err_set(&errs[start], MX_E_REMOTE, _("%s: listing "
				    "%s failed: %s"), mx_host_name(h), dirs[start],
				    eo.data ? eo.data : "");
			else
				status_of(h, dirs[start], st[start], eo.data,
				    &ls[start], &errs[start]);
		}
	}
	rc = 0;
out:
	if (s != NULL)
		mx_stream_close(s, NULL, NULL, NULL);
	for (i = 0; i < n; i++)
		free(hps[i]);
	free(hps);
	mx_buf_free(&cmd);
	mx_buf_free(&eo);
	free(st);
	return rc;
}

void
mx_listing_digest_fn(struct mx_buf *cmd)
{
	mx_buf_puts(cmd, "if command -v openssl >/dev/null 2>&1; then "
	    "D='openssl dgst -sha256 -r'; else D='sha256sum --'; fi; "
	    "S() { $D \"$@\"; }; ");
}

const char *
mx_listing_digest_line(const char *line, char *hex)
{
	size_t i;

	for (i = 0; i < 64; i++)
		if (!isxdigit((unsigned char)line[i]))
			return NULL;
	/* sha256sum: "HEX  PATH" (text) or "HEX *PATH"; openssl -r: the
	 * latter. A sha256sum line starting with a backslash (an escaped name) is
	 * not one: its digest stays unknown. */
	if (line[64] != ' ' || (line[65] != ' ' && line[65] != '*') ||
	    line[66] == '\0')
		return NULL;
	for (i = 0; i < 64; i++)
		hex[i] = (char)tolower((unsigned char)line[i]);
	hex[64] = '\0';
	return line + 66;
}

/* SHA-256 of files (relative to dir) on h, in chunks of command lines:
 * fills rec->digest for each of recs[0..n). */
int
mx_listing_digest(struct mx_host *h, const char *dir, struct mx_msgrec **recs, size_t n,
    struct mx_err *err)
{
	struct mx_buf cmd = MX_BUF_INIT, out = MX_BUF_INIT;
	struct mx_nameset *idx = NULL;
	char *hp = mx_host_path(h, dir), *line, *nl, hex[65];
	const char *name;
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
		mx_listing_digest_fn(&cmd);
		mx_buf_puts(&cmd, "cd ");
		mx_shell_quote(&cmd, hp ? hp : dir);
		mx_buf_puts(&cmd, " && S");
		start = i;
		while (i < n && (i == start || cmd.len < MX_CHUNK_ARGS)) {
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
			if ((name = mx_listing_digest_line(line, hex)) != NULL &&
			    mx_nameset_has(idx, name, &k))
				memcpy(recs[k]->digest, hex, sizeof hex);
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
