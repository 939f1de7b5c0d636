/* changes.c - change sets: plan, preview, apply, record, undo (changes.h). */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "changes.h"
#include "ctlfile.h"
#include "host.h"
#include "i18n.h"
#include "quote.h"

static void
change_free(struct mx_change *c)
{
	char **p;

	free(c->path);
	free(c->before);
	free(c->after);
	free(c->backup);
	if (c->argv != NULL) {
		for (p = c->argv; *p != NULL; p++)
			free(*p);
		free(c->argv);
	}
	memset(c, 0, sizeof *c);
}

void
mx_changes_free(struct mx_changes *cs)
{
	size_t i;

	if (cs == NULL)
		return;
	for (i = 0; i < cs->n; i++)
		change_free(&cs->v[i]);
	free(cs->v);
	cs->v = NULL;
	cs->n = cs->cap = 0;
}

size_t
mx_changes_count(const struct mx_changes *cs)
{
	size_t i, n = 0;

	for (i = 0; i < cs->n; i++)
		if (cs->v[i].kind != MX_CH_RUN)
			n++;
	return n;
}

static struct mx_change *
new_change(struct mx_changes *cs, enum mx_change_kind kind)
{
	struct mx_change *v;

	if (cs->n == cs->cap) {
		size_t cap = cs->cap ? cs->cap * 2 : 8;

		v = realloc(cs->v, cap * sizeof *v);
		if (v == NULL)
			return NULL;
		cs->v = v;
		cs->cap = cap;
	}
	v = &cs->v[cs->n++];
	memset(v, 0, sizeof *v);
	v->kind = kind;
	return v;
}

static char *
dupmem(const char *s, size_t len)
{
	char *p = malloc(len + 1);

	if (p != NULL) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

static int
nomem(struct mx_err *err)
{
	return mx_err_set(err, MX_E_GENERIC, _("out of memory"));
}

int
mx_changes_file(struct mx_changes *cs, const char *path, const char *before,
    size_t blen, const char *after, size_t alen, mode_t mode,
    struct mx_err *err)
{
	struct mx_change *c;
	size_t i;

	if (before != NULL && blen == alen && memcmp(before, after, alen) == 0)
		return 0;
	/* A second edit of the same file in one set: keep the first
	 * "before", take the new "after". */
	for (i = 0; i < cs->n; i++) {
		c = &cs->v[i];
		if (c->kind == MX_CH_FILE && strcmp(c->path, path) == 0) {
			char *a = dupmem(after, alen);

			if (a == NULL)
				return nomem(err);
			free(c->after);
			c->after = a;
			c->alen = alen;
			return 0;
		}
	}
	c = new_change(cs, MX_CH_FILE);
	if (c == NULL)
		return nomem(err);
	c->path = strdup(path);
	c->before = before ? dupmem(before, blen) : NULL;
	c->blen = before ? blen : 0;
	c->after = dupmem(after, alen);
	c->alen = alen;
	c->mode = mode;
	if (c->path == NULL || c->after == NULL || (before && !c->before)) {
		cs->n--;
		change_free(c);
		return nomem(err);
	}
	return 0;
}

int
mx_changes_mode(struct mx_changes *cs, const char *path, mode_t before,
    mode_t after, struct mx_err *err)
{
	struct mx_change *c;

	if ((before & 07777) == (after & 07777))
		return 0;
	c = new_change(cs, MX_CH_MODE);
	if (c == NULL)
		return nomem(err);
	c->path = strdup(path);
	if (c->path == NULL) {
		cs->n--;
		return nomem(err);
	}
	c->mode_before = before & 07777;
	c->mode_after = after & 07777;
	return 0;
}

static int
argv_equal(char *const *a, const char *const *b)
{
	size_t i;

	for (i = 0; a[i] != NULL && b[i] != NULL; i++)
		if (strcmp(a[i], b[i]) != 0)
			return 0;
	return a[i] == NULL && b[i] == NULL;
}

int
mx_changes_run(struct mx_changes *cs, int when, const char *const argv[],
    struct mx_err *err)
{
	struct mx_change *c;
	size_t i, n;

	for (i = 0; i < cs->n; i++)
		if (cs->v[i].kind == MX_CH_RUN &&
		    argv_equal(cs->v[i].argv, argv)) {
			cs->v[i].when |= when;
			return 0;
		}
	for (n = 0; argv[n] != NULL; n++)
		;
	c = new_change(cs, MX_CH_RUN);
	if (c == NULL)
		return nomem(err);
	c->when = when;
	c->argv = calloc(n + 1, sizeof *c->argv);
	if (c->argv == NULL) {
		cs->n--;
		return nomem(err);
	}
	for (i = 0; i < n; i++)
		if ((c->argv[i] = strdup(argv[i])) == NULL) {
			cs->n--;
			change_free(c);
			return nomem(err);
		}
	return 0;
}

static void
cmdline(struct mx_buf *b, char *const *argv)
{
	mx_shell_join(b, (const char *const *)argv);
}

int
mx_changes_preview(const struct mx_changes *cs, struct mx_buf *out)
{
	size_t i;

	for (i = 0; i < cs->n; i++) {
		const struct mx_change *c = &cs->v[i];
		char *d;

		switch (c->kind) {
		case MX_CH_FILE:
			d = mx_diff(c->path, c->before, c->blen, c->after,
			    c->alen);
			if (d == NULL)
				return -1;
			mx_buf_puts(out, d);
			free(d);
			break;
		case MX_CH_MODE:
			mx_buf_printf(out, _("chmod %04o %s (was %04o)\n"),
			    (unsigned)c->mode_after, c->path,
			    (unsigned)c->mode_before);
			break;
		case MX_CH_RUN:
			if (c->when & MX_RUN_APPLY) {
				mx_buf_puts(out, _("run: "));
				cmdline(out, c->argv);
				mx_buf_puts(out, "\n");
			}
			if (c->when & MX_RUN_UNDO) {
				mx_buf_puts(out, _("run when undone: "));
				cmdline(out, c->argv);
				mx_buf_puts(out, "\n");
			}
			break;
		}
	}
	return 0;
}

int
mx_host_is_copy(const struct mx_host *h)
{
	char *p = mx_host_path(h, "/");
	int copy = p != NULL && strcmp(p, "/") != 0;

	free(p);
	return copy;
}

/* ---- doing it ----------------------------------------------------- */

static int
do_chmod(struct mx_host *h, const char *path, mode_t mode, struct mx_err *err)
{
	char m[16], *hp = mx_host_path(h, path);
	const char *argv[] = { "chmod", m, hp, NULL };
	struct mx_buf eout = MX_BUF_INIT;
	int status, rc;

	if (hp == NULL)
		return nomem(err);
	snprintf(m, sizeof m, "%04o", (unsigned)(mode & 07777));
	rc = mx_host_run(h, argv, NULL, 0, NULL, &eout, &status, err);
	if (rc == 0 && status != 0)
		rc = mx_err_set(err, MX_E_REMOTE, _("%s: chmod %s %s: %s"),
		    mx_host_name(h), m, path,
		    eout.data ? eout.data : _("failed"));
	free(hp);
	mx_buf_free(&eout);
	return rc;
}

static int
do_remove(struct mx_host *h, const char *path, struct mx_err *err)
{
	char *hp = mx_host_path(h, path);
	const char *argv[] = { "rm", "-f", "--", hp, NULL };
	struct mx_buf eout = MX_BUF_INIT;
	int status, rc;

	if (hp == NULL)
		return nomem(err);
	rc = mx_host_run(h, argv, NULL, 0, NULL, &eout, &status, err);
	if (rc == 0 && status != 0)
		rc = mx_err_set(err, MX_E_REMOTE, _("%s: rm %s: %s"),
		    mx_host_name(h), path, eout.data ? eout.data : _("failed"));
	free(hp);
	mx_buf_free(&eout);
	return rc;
}

static int
do_run(struct mx_host *h, char *const *argv, struct mx_buf *log,
    struct mx_err *err)
{
	struct mx_buf out = MX_BUF_INIT, eout = MX_BUF_INIT, line = MX_BUF_INIT;
	int status, rc;

	cmdline(&line, argv);
	rc = mx_host_run(h, (const char *const *)argv, NULL, 0, &out, &eout,
	    &status, err);
	if (rc == 0 && status != 0) {
		while (eout.len > 0 && eout.data[eout.len - 1] == '\n')
			eout.data[--eout.len] = '\0';
		rc = mx_err_set(err, MX_E_REMOTE,
		    _("%s: %s: exit status %d: %s"), mx_host_name(h),
		    line.data, status, eout.len ? eout.data : "");
	} else if (rc == 0 && log != NULL) {
		mx_buf_printf(log, _("ran: %s\n"), line.data);
		if (out.len > 0)
			mx_buf_puts(log, out.data);
	}
	mx_buf_free(&out);
	mx_buf_free(&eout);
	mx_buf_free(&line);
	return rc;
}

static int
read_maybe(struct mx_host *h, const char *path, struct mx_buf *b, int *exists,
    struct mx_err *err)
{
	struct mx_stat st;

	if (mx_host_stat(h, path, &st, err) == -1)
		return -1;
	*exists = st.exists;
	if (!st.exists)
		return 0;
	return mx_host_read_file(h, path, b, err);
}

/* Before touching anything: is every file and mode as planned from? */
static int
check_unchanged(struct mx_host *h, const struct mx_changes *cs,
    struct mx_err *err)
{
	struct mx_buf b = MX_BUF_INIT;
	struct mx_stat st;
	size_t i;
	int exists;

	for (i = 0; i < cs->n; i++) {
		const struct mx_change *c = &cs->v[i];

		if (c->kind == MX_CH_FILE) {
			mx_buf_reset(&b);
			if (read_maybe(h, c->path, &b, &exists, err) == -1)
				goto fail;
			if (exists != (c->before != NULL) || (exists &&
			    (b.len != c->blen ||
			    memcmp(b.data ? b.data : "", c->before, b.len) != 0))) {
				mx_err_set(err, MX_E_GENERIC,
				    _("%s: %s changed since the plan was made; "
				    "nothing was changed: plan again"),
				    mx_host_name(h), c->path);
				goto fail;
			}
		} else if (c->kind == MX_CH_MODE) {
			if (mx_host_stat(h, c->path, &st, err) == -1)
				goto fail;
			if (!st.exists || (st.mode & 07777) != c->mode_before) {
				mx_err_set(err, MX_E_GENERIC,
				    _("%s: the mode of %s changed since the plan "
				    "was made; nothing was changed: plan again"),
				    mx_host_name(h), c->path);
				goto fail;
			}
		}
	}
	mx_buf_free(&b);
	return 0;
fail:
	mx_buf_free(&b);
	return -1;
}

static int
apply_one(struct mx_host *h, struct mx_change *c, struct mx_buf *log,
    struct mx_err *err)
{
	switch (c->kind) {
	case MX_CH_FILE:
		if (c->before != NULL) {
			if (mx_ctl_backup(h, c->path, &c->backup, err) == -1)
				return -1;
			if (log != NULL && c->backup != NULL)
				mx_buf_printf(log, _("backup: %s\n"), c->backup);
		}
		if (mx_host_write_file(h, c->path, c->after, c->alen, c->mode,
		    (uid_t)-1, (gid_t)-1, c->before != NULL, err) == -1)
			return -1;
		if (log != NULL)
			mx_buf_printf(log, _("wrote: %s\n"), c->path);
		return 0;
	case MX_CH_MODE:
		if (do_chmod(h, c->path, c->mode_after, err) == -1)
			return -1;
		if (log != NULL)
			mx_buf_printf(log, _("chmod %04o %s\n"),
			    (unsigned)c->mode_after, c->path);
		return 0;
	case MX_CH_RUN:
		if (!(c->when & MX_RUN_APPLY))
			return 0;
		if ((c->when & MX_RUN_DAEMON) && mx_host_is_copy(h)) {
			struct mx_buf l = MX_BUF_INIT;

			cmdline(&l, c->argv);
			if (log != NULL)
				mx_buf_printf(log, _("not run on a mounted "
				    "copy: %s\n"), l.data);
			mx_buf_free(&l);
			return 0;
		}
		return do_run(h, c->argv, log, err);
	}
	return 0;
}

/* Undo one file or mode change (commands are handled by the caller). */
static int
undo_one(struct mx_host *h, const struct mx_change *c, struct mx_buf *log,
    struct mx_err *err)
{
	struct mx_buf now = MX_BUF_INIT;
	struct mx_stat st;
	char *text, *bk = NULL;
	size_t tlen;
	int exists, rc = -1;

	if (c->kind == MX_CH_MODE) {
		if (mx_host_stat(h, c->path, &st, err) == -1)
			return -1;
		if (!st.exists || (st.mode & 07777) != c->mode_after) {
			if (log != NULL)
				mx_buf_printf(log, _("left alone (changed "
				    "since): %s\n"), c->path);
			return 0;
		}
		if (do_chmod(h, c->path, c->mode_before, err) == -1)
			return -1;
		if (log != NULL)
			mx_buf_printf(log, _("chmod %04o %s\n"),
			    (unsigned)c->mode_before, c->path);
		return 0;
	}
	if (c->kind != MX_CH_FILE)
		return 0;
	if (read_maybe(h, c->path, &now, &exists, err) == -1)
		return -1;
	if (!exists) {
		/* Gone since: put the old text back if there was one. */
		rc = 0;
		if (c->before != NULL)
			rc = mx_host_write_file(h, c->path, c->before, c->blen,
			    c->mode, (uid_t)-1, (gid_t)-1, 0, err);
		goto out;
	}
	if (c->before == NULL && now.len == c->alen &&
	    memcmp(now.data ? now.data : "", c->after, c->alen) == 0) {
		rc = do_remove(h, c->path, err);
		if (rc == 0 && log != NULL)
			mx_buf_printf(log, _("removed: %s\n"), c->path);
		goto out;
	}
	text = mx_ctl_revert(c->before ? c->before : "", c->blen, c->after,
	    c->alen, now.data ? now.data : "", now.len, &tlen);
	if (text == NULL) {
		nomem(err);
		goto out;
	}
	if (tlen != now.len || memcmp(text, now.data ? now.data : "", tlen)) {
		if (mx_ctl_backup(h, c->path, &bk, err) == -1 ||
		    mx_host_write_file(h, c->path, text, tlen, 0644, (uid_t)-1,
		    (gid_t)-1, 1, err) == -1) {
			free(text);
			free(bk);
			goto out;
		}
		if (log != NULL)
			mx_buf_printf(log, _("restored: %s (the text before "
			    "this undo is in %s)\n"), c->path, bk ? bk : "-");
	}
	free(text);
	free(bk);
	rc = 0;
out:
	mx_buf_free(&now);
	return rc;
}

int
mx_changes_apply(struct mx_host *h, struct mx_changes *cs,
    struct mx_buf *log, struct mx_err *err)
{
	struct mx_err e2;
	struct mx_changes done = MX_CHANGES_INIT;
	size_t i;

	if (check_unchanged(h, cs, err) == -1)
		return -1;
	for (i = 0; i < cs->n; i++) {
		if (apply_one(h, &cs->v[i], log, err) == -1)
			goto rollback;
	}
	return 0;
rollback:
	/* Undo the file and mode changes made so far (not the commands). */
	done.v = cs->v;
	done.n = i;
	while (done.n > 0) {
		const struct mx_change *c = &done.v[done.n - 1];

		if (c->kind != MX_CH_RUN && undo_one(h, c, NULL, &e2) == -1 &&
		    err != NULL) {
			size_t l = strlen(err->msg);

			snprintf(err->msg + l, sizeof err->msg - l,
			    _(" (and undoing failed: %s; see the backups)"),
			    e2.msg);
		}
		done.n--;
	}
	return -1;
}

int
mx_changes_undo(struct mx_host *h, const struct mx_changes *cs,
    struct mx_buf *log, struct mx_err *err)
{
	size_t i;

	for (i = cs->n; i-- > 0; )
		if (undo_one(h, &cs->v[i], log, err) == -1)
			return -1;
	for (i = 0; i < cs->n; i++) {
		const struct mx_change *c = &cs->v[i];

		if (c->kind != MX_CH_RUN || !(c->when & MX_RUN_UNDO))
			continue;
		if ((c->when & MX_RUN_DAEMON) && mx_host_is_copy(h)) {
			if (log != NULL) {
				struct mx_buf l = MX_BUF_INIT;

				cmdline(&l, c->argv);
				mx_buf_printf(log, _("not run on a mounted "
				    "copy: %s\n"), l.data);
				mx_buf_free(&l);
			}
			continue;
		}
		if (do_run(h, c->argv, log, err) == -1)
			return -1;
	}
	return 0;
}

int
mx_changes_undo_preview(struct mx_host *h, const struct mx_changes *cs,
    struct mx_buf *out, struct mx_err *err)
{
	struct mx_buf now = MX_BUF_INIT;
	struct mx_stat st;
	size_t i, tlen;
	int exists;
	char *text, *d;

	for (i = cs->n; i-- > 0; ) {
		const struct mx_change *c = &cs->v[i];

		if (c->kind == MX_CH_MODE) {
			if (mx_host_stat(h, c->path, &st, err) == -1)
				goto fail;
			if (st.exists && (st.mode & 07777) == c->mode_after)
				mx_buf_printf(out, _("chmod %04o %s (was %04o)\n"),
				    (unsigned)c->mode_before, c->path,
				    (unsigned)c->mode_after);
			else
				mx_buf_printf(out, _("left alone (changed "
				    "since): %s\n"), c->path);
			continue;
		}
		if (c->kind != MX_CH_FILE)
			continue;
		mx_buf_reset(&now);
		if (read_maybe(h, c->path, &now, &exists, err) == -1)
			goto fail;
		if (!exists) {
			if (c->before != NULL) {
				d = mx_diff(c->path, NULL, 0, c->before, c->blen);
				if (d != NULL)
					mx_buf_puts(out, d);
				free(d);
			}
			continue;
		}
		if (c->before == NULL && now.len == c->alen &&
		    memcmp(now.data ? now.data : "", c->after, c->alen) == 0) {
			mx_buf_printf(out, _("remove %s (the change created it)\n"),
			    c->path);
			continue;
		}
		text = mx_ctl_revert(c->before ? c->before : "", c->blen,
		    c->after, c->alen, now.data ? now.data : "", now.len, &tlen);
		if (text == NULL) {
			nomem(err);
			goto fail;
		}
		d = mx_diff(c->path, now.data ? now.data : "", now.len, text,
		    tlen);
		if (d != NULL)
			mx_buf_puts(out, d);
		free(d);
		free(text);
	}
	for (i = 0; i < cs->n; i++) {
		const struct mx_change *c = &cs->v[i];

		if (c->kind == MX_CH_RUN && (c->when & MX_RUN_UNDO)) {
			mx_buf_puts(out, _("run: "));
			cmdline(out, c->argv);
			mx_buf_puts(out, "\n");
		}
	}
	mx_buf_free(&now);
	return 0;
fail:
	mx_buf_free(&now);
	return -1;
}

/* ---- the record --------------------------------------------------- */

/* Words in the record: bytes outside a safe set as %XX; "%" alone is "". */
static void
put_word(struct mx_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	mx_buf_puts(b, " ");
	if (*p == '\0') {
		mx_buf_puts(b, "%");
		return;
	}
	for (; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("._/+,@=:-[]", *p))
			mx_buf_append(b, p, 1);
		else
			mx_buf_printf(b, "%%%02X", *p);
	}
}

int
mx_changes_dump(const struct mx_changes *cs, struct mx_buf *out)
{
	size_t i;
	char **a;

	mx_buf_puts(out, "mxmove-changes 1\n");
	for (i = 0; i < cs->n; i++) {
		const struct mx_change *c = &cs->v[i];

		switch (c->kind) {
		case MX_CH_FILE:
			mx_buf_puts(out, "file");
			put_word(out, c->path);
			mx_buf_printf(out, " %d %o %zu %zu\n", c->before != NULL,
			    (unsigned)c->mode, c->blen, c->alen);
			if (c->before != NULL)
				mx_buf_append(out, c->before, c->blen);
			mx_buf_puts(out, "\n");
			mx_buf_append(out, c->after, c->alen);
			mx_buf_puts(out, "\n");
			break;
		case MX_CH_MODE:
			mx_buf_puts(out, "mode");
			put_word(out, c->path);
			mx_buf_printf(out, " %o %o\n", (unsigned)c->mode_before,
			    (unsigned)c->mode_after);
			break;
		case MX_CH_RUN:
			mx_buf_printf(out, "run %d", c->when);
			for (a = c->argv; *a != NULL; a++)
				put_word(out, *a);
			mx_buf_puts(out, "\n");
			break;
		}
	}
	return mx_buf_puts(out, "end\n");
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Split one record line into decoded words (max 64). */
static int
split_words(const char *line, size_t len, char **w, int max)
{
	size_t i = 0;
	int n = 0;

	while (i < len && n < max) {
		struct mx_buf b = MX_BUF_INIT;

		while (i < len && line[i] == ' ')
			i++;
		if (i == len)
			break;
		if (line[i] == '%' && (i + 1 == len || line[i + 1] == ' ')) {
			w[n++] = strdup("");
			i++;
			continue;
		}
		while (i < len && line[i] != ' ') {
			if (line[i] == '%' && i + 2 < len &&
			    hexval(line[i + 1]) >= 0 && hexval(line[i + 2]) >= 0) {
				char ch = (char)(hexval(line[i + 1]) * 16 +
				    hexval(line[i + 2]));

				mx_buf_append(&b, &ch, 1);
				i += 3;
			} else
				mx_buf_append(&b, &line[i++], 1);
		}
		w[n++] = mx_buf_steal(&b);
	}
	return n;
}

static void
free_words(char **w, int n)
{
	while (n-- > 0)
		free(w[n]);
}

int
mx_changes_load(struct mx_changes *cs, const char *text, size_t len,
    const char *label, struct mx_err *err)
{
	size_t pos = 0, lineno = 0;
	char *w[66];
	int n, rc = 0;

	while (pos < len && rc == 0) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - (text + pos)) : len - pos;

		lineno++;
		n = split_words(text + pos, ll, w, 65);
		pos += ll + 1;
		w[n] = NULL;
		if (n == 0 || strcmp(w[0], "end") == 0 ||
		    strcmp(w[0], "mxmove-changes") == 0) {
			free_words(w, n);
			continue;
		}
		if (strcmp(w[0], "file") == 0 && n == 6) {
			int existed = atoi(w[2]);
			mode_t mode = (mode_t)strtoul(w[3], NULL, 8);
			size_t bl = strtoul(w[4], NULL, 10);
			size_t al = strtoul(w[5], NULL, 10);
			size_t need = (existed ? bl : 0) + 1 + al + 1;

			if (need > len - pos || need < al) {
				rc = mx_err_set(err, MX_E_PARSE,
				    _("%s: line %zu: truncated record"),
				    label, lineno);
			} else {
				const char *bp = text + pos;
				const char *ap = bp + (existed ? bl : 0) + 1;

				rc = mx_changes_file(cs, w[1], existed ? bp : NULL,
				    bl, ap, al, mode, err);
				/* an unchanged file was not recorded twice */
				pos += need;
			}
		} else if (strcmp(w[0], "mode") == 0 && n == 4) {
			rc = mx_changes_mode(cs, w[1],
			    (mode_t)strtoul(w[2], NULL, 8),
			    (mode_t)strtoul(w[3], NULL, 8), err);
		} else if (strcmp(w[0], "run") == 0 && n >= 3) {
			rc = mx_changes_run(cs, atoi(w[1]),
			    (const char *const *)(w + 2), err);
		} else {
			rc = mx_err_set(err, MX_E_PARSE,
			    _("%s: line %zu: not a change record"), label,
			    lineno);
		}
		free_words(w, n);
	}
	return rc;
}

int
mx_changes_save(struct mx_host *h, const char *path,
    const struct mx_changes *cs, struct mx_err *err)
{
	struct mx_buf b = MX_BUF_INIT;
	int exists, rc;

	if (read_maybe(h, path, &b, &exists, err) == -1)
		return -1;
	mx_changes_dump(cs, &b);
	rc = mx_host_write_file(h, path, b.data, b.len, 0600, (uid_t)-1,
	    (gid_t)-1, 0, err);
	mx_buf_free(&b);
	return rc;
}

int
mx_changes_read(struct mx_host *h, const char *path, struct mx_changes *cs,
    int *found, struct mx_err *err)
{
	struct mx_buf b = MX_BUF_INIT;
	int rc;

	if (read_maybe(h, path, &b, found, err) == -1)
		return -1;
	rc = *found ? mx_changes_load(cs, b.data ? b.data : "", b.len, path,
	    err) : 0;
	mx_buf_free(&b);
	return rc;
}

int
mx_changes_drop(struct mx_host *h, const char *path, struct mx_err *err)
{
	return do_remove(h, path, err);
}
