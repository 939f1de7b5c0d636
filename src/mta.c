/* mta.c - the MTA back-ends by name, detection, shared helpers (mta.h). */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctlfile.h"
#include "host.h"
#include "i18n.h"
#include "mta.h"
#include "quote.h"

static const struct mx_mta_ops *const backends[] = {
	&mx_mta_qmail,
	&mx_mta_postfix,
	&mx_mta_sendmail,
	NULL
};

const struct mx_mta_ops *
mx_mta_lookup(const char *name)
{
	size_t i;

	for (i = 0; backends[i] != NULL; i++)
		if (strcmp(backends[i]->name, name) == 0)
			return backends[i];
	return NULL;
}

const char *
mx_mta_names(void)
{
	return "qmail, postfix, sendmail";
}

int
mx_mta_detect(struct mx_host *h, const struct mx_mta_opts *o,
    const struct mx_mta_ops **ops, struct mx_err *err)
{
	size_t i;
	int r;

	*ops = NULL;
	for (i = 0; backends[i] != NULL; i++) {
		r = backends[i]->detect(h, o, err);
		if (r == -1)
			return -1;
		if (r == 1) {
			*ops = backends[i];
			return 0;
		}
	}
	return mx_err_set(err, MX_E_NOTFOUND,
	    _("%s: no MTA found (looked for %s); name one with --mta"),
	    mx_host_name(h), mx_mta_names());
}

char *
mx_mta_state_path(const struct mx_mta_ops *m, const struct mx_mta_opts *o,
    const char *verb)
{
	struct mx_buf b = MX_BUF_INIT;
	const char *dir = m->state_dir(o);

	mx_buf_printf(&b, "%s%smxmove.%s", dir,
	    dir[0] && dir[strlen(dir) - 1] == '/' ? "" : "/", verb);
	return mx_buf_steal(&b);
}

void
mx_mta_count(struct mx_mta_queue *q, const char *name, long value)
{
	if (q->n < MX_MTA_COUNTERS) {
		q->c[q->n].name = name;
		q->c[q->n].value = value;
		q->n++;
	}
}

int
mx_mta_read_ctl(struct mx_host *h, const char *path, int key,
    struct mx_ctl *c, char **text, size_t *len, int *exists,
    struct mx_err *err)
{
	struct mx_buf b = MX_BUF_INIT;
	struct mx_stat st;
	char label[1024];

	*text = NULL;
	*len = 0;
	if (mx_host_stat(h, path, &st, err) == -1)
		return -1;
	*exists = st.exists;
	if (st.exists && !st.is_reg)
		return mx_err_set(err, MX_E_IO, _("%s: %s: not a regular file"),
		    mx_host_name(h), path);
	if (st.exists && mx_host_read_file(h, path, &b, err) == -1)
		return -1;
	snprintf(label, sizeof label, "%s: %s", mx_host_name(h), path);
	if (mx_ctl_parse(c, b.data ? b.data : "", b.len, (enum mx_ctl_key)key,
	    label, err) == -1) {
		mx_buf_free(&b);
		return -1;
	}
	*len = b.len;
	*text = mx_buf_steal(&b);
	return 0;
}

int
mx_mta_plan_ctl(struct mx_changes *cs, const char *path, const char *before,
    size_t blen, int existed, const struct mx_ctl *c, mode_t mode,
    struct mx_err *err)
{
	size_t alen;
	char *after = mx_ctl_text(c, &alen);
	int rc;

	if (after == NULL)
		return mx_err_set(err, MX_E_GENERIC, _("out of memory"));
	if (!existed && alen == 0) {
		free(after);
		return 0;	/* a missing file stays missing */
	}
	rc = mx_changes_file(cs, path, existed ? before : NULL, blen, after,
	    alen, mode, err);
	free(after);
	return rc;
}

int
mx_mta_domain_ok(const char *d)
{
	const char *p = d;

	if (*p == '.')
		p++;
	if (*p == '\0' || strlen(d) > 253)
		return 0;
	for (; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.' &&
		    *p != '_')
			return 0;
	return 1;
}

int
mx_mta_run(struct mx_host *h, const char *const argv[], struct mx_buf *out,
    struct mx_err *err)
{
	struct mx_buf eout = MX_BUF_INIT, line = MX_BUF_INIT;
	int status;

	if (mx_host_run(h, argv, NULL, 0, out, &eout, &status, err) == -1) {
		mx_buf_free(&eout);
		return -1;
	}
	if (status != 0) {
		while (eout.len > 0 && eout.data[eout.len - 1] == '\n')
			eout.data[--eout.len] = '\0';
		mx_shell_join(&line, argv);
		mx_err_set(err, MX_E_REMOTE, _("%s: %s: exit status %d%s%s"),
		    mx_host_name(h), line.data, status, eout.len ? ": " : "",
		    eout.len ? eout.data : "");
		mx_buf_free(&eout);
		mx_buf_free(&line);
		return -1;
	}
	mx_buf_free(&eout);
	return 0;
}

int
mx_mta_apply(struct mx_host *h, const struct mx_mta_ops *m,
    const struct mx_mta_opts *o, const char *verb, struct mx_changes *cs,
    struct mx_buf *log, struct mx_err *err)
{
	struct mx_buf old = MX_BUF_INIT, dump = MX_BUF_INIT;
	struct mx_stat st;
	struct mx_err e2;
	char *state = mx_mta_state_path(m, o, verb);
	int rc = -1;

	if (mx_host_stat(h, state, &st, err) == -1 ||
	    (st.exists && mx_host_read_file(h, state, &old, err) == -1))
		goto out;
	/* Write ahead: the record first, then the change, so that a crash
	 * between the two leaves a record of what may have been done. A
	 * re-run after such a crash plans the same set again: it is not
	 * recorded twice. */
	if (mx_changes_dump(cs, &dump) == -1) {
		mx_err_set(err, MX_E_GENERIC, _("out of memory"));
		goto out;
	}
	if (!(old.len >= dump.len &&
	    memcmp(old.data + old.len - dump.len, dump.data, dump.len) == 0) &&
	    mx_changes_save(h, state, cs, err) == -1)
		goto out;
	if (mx_changes_apply(h, cs, log, err) == 0) {
		if (log != NULL)
			mx_buf_printf(log, _("recorded in %s\n"), state);
		rc = 0;
		goto out;
	}
	/* Nothing stayed changed: the record goes back as it was. */
	if (st.exists)
		mx_host_write_file(h, state, old.data ? old.data : "", old.len,
		    0600, (uid_t)-1, (gid_t)-1, 0, &e2);
	else
		mx_changes_drop(h, state, &e2);
out:
	mx_buf_free(&old);
	mx_buf_free(&dump);
	free(state);
	return rc;
}

int
mx_mta_undo(struct mx_host *h, const struct mx_mta_ops *m,
    const struct mx_mta_opts *o, const char *verb, struct mx_buf *preview,
    struct mx_buf *log, struct mx_err *err)
{
	struct mx_changes cs = MX_CHANGES_INIT;
	char *state = mx_mta_state_path(m, o, verb);
	int found, rc = -1;

	if (mx_changes_read(h, state, &cs, &found, err) == -1)
		goto out;
	if (!found) {
		mx_err_set(err, MX_E_NOTFOUND,
		    _("%s: nothing to undo: no record of %s (%s)"),
		    mx_host_name(h), verb, state);
		goto out;
	}
	if (preview != NULL) {
		rc = mx_changes_undo_preview(h, &cs, preview, err);
		goto out;
	}
	if (mx_changes_undo(h, &cs, log, err) == -1 ||
	    mx_changes_drop(h, state, err) == -1)
		goto out;
	rc = 0;
out:
	mx_changes_free(&cs);
	free(state);
	return rc;
}

int
mx_mta_count_files(struct mx_host *h, const char *const *dirs,
    const char *const *patterns, size_t n, long *v, struct mx_err *err)
{
	struct mx_buf cmd = MX_BUF_INIT, out = MX_BUF_INIT, eout = MX_BUF_INIT;
	const char *argv[4];
	size_t i;
	int status, rc = -1;
	char *p, *end;

	/* a marker before the counts: a login shell may print first */
	mx_buf_puts(&cmd, "echo mxmove-counts\n");
	for (i = 0; i < n; i++) {
		char *hp = mx_host_path(h, dirs[i]);

		if (hp == NULL) {
			mx_err_set(err, MX_E_GENERIC, _("out of memory"));
			goto out;
		}
		mx_buf_puts(&cmd, "d=");
		mx_shell_quote(&cmd, hp);
		free(hp);
		mx_buf_puts(&cmd, "; if [ -d \"$d\" ]; then { find \"$d\" -type f");
		if (patterns != NULL && patterns[i] != NULL) {
			mx_buf_puts(&cmd, " -name ");
			mx_shell_quote(&cmd, patterns[i]);
		}
		/* find's failure is not lost in the pipe: a marker line
		 * (never a path: those start with the directory) */
		mx_buf_puts(&cmd, " -print || echo mxmove-find-failed; } | "
		    "awk '$0 == \"mxmove-find-failed\" { bad = 1 } "
		    "END { if (bad) exit 1; print NR }' || exit 1; "
		    "else echo 0; fi\n");
	}
	/* through sh -c: the login shell may be csh */
	argv[0] = "sh";
	argv[1] = "-c";
	argv[2] = cmd.data;
	argv[3] = NULL;
	if (mx_host_run(h, argv, NULL, 0, &out, &eout, &status, err) == -1)
		goto out;
	if (status != 0) {
		while (eout.len > 0 && eout.data[eout.len - 1] == '\n')
			eout.data[--eout.len] = '\0';
		mx_err_set(err, MX_E_REMOTE, _("%s: counting files in %s: %s"),
		    mx_host_name(h), dirs[0], eout.len ? eout.data :
		    _("failed (reading a mail queue needs root)"));
		goto out;
	}
	p = out.data ? strstr(out.data, "mxmove-counts\n") : NULL;
	p = p ? p + strlen("mxmove-counts\n") : "";
	for (i = 0; i < n; i++) {
		v[i] = strtol(p, &end, 10);
		if (end == p) {
			mx_err_set(err, MX_E_PARSE,
			    _("%s: counting files in %s: unexpected output"),
			    mx_host_name(h), dirs[i]);
			goto out;
		}
		p = end;
	}
	rc = 0;
out:
	mx_buf_free(&cmd);
	mx_buf_free(&out);
	mx_buf_free(&eout);
	return rc;
}

char *
mx_mta_path(const char *base, const char *rel)
{
	struct mx_buf b = MX_BUF_INIT;

	mx_buf_printf(&b, "%s/%s", base, rel);
	return mx_buf_steal(&b);
}

int
mx_mta_detect_path(struct mx_host *h, const char *base, const char *rel,
    int want_dir, struct mx_err *err)
{
	struct mx_stat st;
	char *p = mx_mta_path(base, rel);
	int rc;

	if (p == NULL)
		return mx_err_errno(err, ENOMEM, "malloc");
	rc = mx_host_stat(h, p, &st, err);
	free(p);
	if (rc == -1)
		return -1;
	return st.exists && (want_dir ? st.is_dir : st.is_reg);
}

int
mx_mta_file_open(struct mx_mta_file *f, struct mx_host *h, char *path,
    enum mx_ctl_key key, struct mx_err *err)
{
	memset(f, 0, sizeof *f);
	if (path == NULL)
		return mx_err_set(err, MX_E_GENERIC, _("out of memory"));
	f->path = path;
	if (mx_mta_read_ctl(h, f->path, key, &f->c, &f->text, &f->len,
	    &f->exists, err) == -1) {
		free(f->path);
		f->path = NULL;
		return -1;
	}
	return 0;
}

int
mx_mta_file_plan(struct mx_mta_file *f, struct mx_changes *cs,
    struct mx_err *err)
{
	return mx_mta_plan_ctl(cs, f->path, f->text, f->len, f->exists, &f->c,
	    0644, err);
}

int
mx_mta_file_changed(const struct mx_mta_file *f)
{
	size_t len;
	char *t = mx_ctl_text(&f->c, &len);
	int changed = t == NULL || len != f->len ||
	    memcmp(t, f->text ? f->text : "", len) != 0;

	if (!f->exists && len == 0)
		changed = 0;
	free(t);
	return changed;
}

void
mx_mta_file_close(struct mx_mta_file *f)
{
	if (f->path == NULL)
		return;
	mx_ctl_free(&f->c);
	free(f->text);
	free(f->path);
	f->path = NULL;
}
