/* hostinfo.c - user, system, MTA, mail layout and free space of a host
 * (see hostinfo.h). */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hostinfo.h"
#include "i18n.h"

static int
exists(struct mx_host *h, const char *path, int want_dir)
{
	struct mx_stat st;
	struct mx_err err;

	if (mx_host_stat(h, path, &st, &err) == -1 || !st.exists)
		return 0;
	return want_dir ? st.is_dir : 1;
}

/* The first line of a small file, trimmed, into buf (empty if none). */
static void
first_line(struct mx_host *h, const char *path, char *buf, size_t len)
{
	struct mx_buf b = MX_BUF_INIT;
	struct mx_err err;
	size_t n;

	buf[0] = '\0';
	if (mx_host_read_file(h, path, &b, &err) == 0 && b.data != NULL) {
		n = strcspn(b.data, "\r\n");
		if (n >= len)
			n = len - 1;
		memcpy(buf, b.data, n);
		buf[n] = '\0';
	}
	mx_buf_free(&b);
}

static int
file_contains(struct mx_host *h, const char *path, const char *what)
{
	struct mx_buf b = MX_BUF_INIT;
	struct mx_err err;
	int r = 0;

	if (mx_host_read_file(h, path, &b, &err) == 0 && b.data != NULL)
		r = strstr(b.data, what) != NULL;
	mx_buf_free(&b);
	return r;
}

/* Entries of a directory; with dots_only, only names holding a dot
 * (domain names), and never hidden ones or lock files. */
static long
count_dir(struct mx_host *h, const char *path, int dots_only)
{
	struct mx_err err;
	char **names;
	size_t n, i;
	long count = 0;

	if (mx_host_list(h, path, &names, &n, &err) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		const char *s = names[i];
		size_t l = strlen(s);

		if (s[0] == '.' || (l > 5 && strcmp(s + l - 5, ".lock") == 0))
			continue;
		if (dots_only && strchr(s, '.') == NULL)
			continue;
		count++;
	}
	mx_strv_free(names, n);
	return count;
}

static void
add_layout(struct mx_host *h, struct mx_hostinfo *hi,
    enum mx_layout_kind kind, const char *path, long count)
{
	struct mx_layout *l;
	struct mx_err err;

	if (hi->nlayouts >= MX_LAYOUT_MAX)
		return;
	l = &hi->layouts[hi->nlayouts++];
	l->kind = kind;
	snprintf(l->path, sizeof l->path, "%s", path);
	l->count = count;
	l->df_ok = mx_host_df(h, path, &l->avail, &l->total, &err) == 0;
}

static void
probe_os(struct mx_host *h, struct mx_hostinfo *hi)
{
	const char *uname[] = { "uname", "-srm", NULL };
	struct mx_buf b = MX_BUF_INIT, out = MX_BUF_INIT;
	struct mx_err err;
	char *p, *e;
	int st;

	if (mx_host_read_file(h, "/etc/os-release", &b, &err) == 0 &&
	    b.data != NULL && (p = strstr(b.data, "PRETTY_NAME=")) != NULL) {
		p += 12;
		if (*p == '"')
			p++;
		e = p + strcspn(p, "\"\n");
		snprintf(hi->os, sizeof hi->os, "%.*s", (int)(e - p), p);
	}
	mx_buf_free(&b);
	/* On a rooted local host uname would describe this machine. */
	if (mx_host_root(h) == NULL &&
	    mx_host_run(h, uname, NULL, 0, &out, NULL, &st, &err) == 0 &&
	    st == 0 && out.data != NULL) {
		out.data[strcspn(out.data, "\n")] = '\0';
		size_t n = strlen(hi->os);

		snprintf(hi->os + n, sizeof hi->os - n, "%s%s",
		    n ? "; " : "", out.data);
	}
	mx_buf_free(&out);
}

static int
probe_user(struct mx_host *h, struct mx_hostinfo *hi, struct mx_err *err)
{
	const char *id[] = { "sh", "-c", "id -un; id -u", NULL };
	struct mx_buf out = MX_BUF_INIT, eo = MX_BUF_INIT;
	char *nl;
	int st = -1;

	if (mx_host_run(h, id, NULL, 0, &out, &eo, &st, err) == -1)
		goto fail;
	if (st != 0 || out.data == NULL || (nl = strchr(out.data, '\n')) == NULL) {
		/* What the host said (a nologin shell says it on stdout). */
		const char *why = eo.len ? eo.data : out.len ? out.data : "";
		int n = (int)strcspn(why, "\n");

		if (n > 200)
			n = 200;
		mx_err_set(err, MX_E_REMOTE,
		    _("%s: cannot run a command (id exited %d%s%.*s)"),
		    mx_host_name(h), st, n ? ": " : "", n, why);
		goto fail;
	}
	*nl = '\0';
	snprintf(hi->user, sizeof hi->user, "%s", out.data);
	hi->uid = strtol(nl + 1, NULL, 10);
	mx_buf_free(&out);
	mx_buf_free(&eo);
	return 0;
fail:
	mx_buf_free(&out);
	mx_buf_free(&eo);
	return -1;
}

int
mx_hostinfo_probe(struct mx_host *h, struct mx_hostinfo *hi,
    struct mx_err *err)
{
	static const char *vpop[] = { "/home/vpopmail", "/var/vpopmail",
	    "/usr/local/vpopmail", NULL };
	struct mx_stat st;
	char path[600];
	int i;

	memset(hi, 0, sizeof *hi);
	hi->uid = -1;
	if (probe_user(h, hi, err) == -1)
		return -1;
	if (mx_host_stat(h, "/", &st, err) == -1)
		return -1;
	probe_os(h, hi);

	if (exists(h, "/var/qmail/control", 1) ||
	    exists(h, "/var/qmail/bin/qmail-send", 0)) {
		hi->mtas |= MX_MTA_QMAIL;
		first_line(h, "/var/qmail/control/me", hi->qmail_me,
		    sizeof hi->qmail_me);
	}
	if (exists(h, "/etc/postfix/main.cf", 0))
		hi->mtas |= MX_MTA_POSTFIX;
	if (exists(h, "/etc/mail/sendmail.cf", 0))
		hi->mtas |= MX_MTA_SENDMAIL;
	if (exists(h, "/etc/exim4", 1) || exists(h, "/etc/exim/exim.conf", 0))
		hi->mtas |= MX_MTA_EXIM;
	hi->dovecot = exists(h, "/etc/dovecot/dovecot.conf", 0);

	if (exists(h, "/usr/local/psa/version", 0))
		first_line(h, "/usr/local/psa/version", hi->plesk_version,
		    sizeof hi->plesk_version);
	else if (exists(h, "/opt/psa/version", 0))
		first_line(h, "/opt/psa/version", hi->plesk_version,
		    sizeof hi->plesk_version);
	if (exists(h, "/var/qmail/mailnames", 1))
		add_layout(h, hi, MX_LAYOUT_PLESK, "/var/qmail/mailnames",
		    count_dir(h, "/var/qmail/mailnames", 1));
	for (i = 0; vpop[i] != NULL; i++) {
		snprintf(path, sizeof path, "%s/domains", vpop[i]);
		if (exists(h, path, 1)) {
			add_layout(h, hi, MX_LAYOUT_VPOPMAIL, path,
			    count_dir(h, path, 1));
			break;
		}
	}
	if (hi->mtas & MX_MTA_QMAIL) {
		if (file_contains(h, "/var/qmail/control/defaultdelivery",
		    "Maildir") || file_contains(h, "/var/qmail/rc", "Maildir"))
			add_layout(h, hi, MX_LAYOUT_QMAIL_MAILDIR, "/home", -1);
		else if (file_contains(h, "/var/qmail/control/defaultdelivery",
		    "Mailbox") || file_contains(h, "/var/qmail/rc", "Mailbox"))
			add_layout(h, hi, MX_LAYOUT_QMAIL_MBOX, "/home", -1);
	}
	if (exists(h, "/var/spool/mail", 1)) {
		long n = count_dir(h, "/var/spool/mail", 0);

		if (n > 0 || (hi->mtas & MX_MTA_SENDMAIL))
			add_layout(h, hi, MX_LAYOUT_MBOX_SPOOL,
			    "/var/spool/mail", n);
	}
	if (hi->nlayouts == 0)
		hi->root_df_ok = mx_host_df(h, "/", &hi->root_avail,
		    &hi->root_total, err) == 0;
	mx_err_clear(err);
	return 0;
}

const char *
mx_layout_name(enum mx_layout_kind kind)
{
	switch (kind) {
	case MX_LAYOUT_QMAIL_MAILDIR:
		return N_("qmail, system users, ~/Maildir");
	case MX_LAYOUT_QMAIL_MBOX:
		return N_("qmail, system users, ~/Mailbox");
	case MX_LAYOUT_VPOPMAIL:
		return N_("vpopmail domains");
	case MX_LAYOUT_PLESK:
		return N_("Plesk qmail mailnames");
	case MX_LAYOUT_MBOX_SPOOL:
		return N_("mbox spool");
	}
	return "?";
}
