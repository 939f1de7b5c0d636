/* cmd-transfer.c - the "transfer" verb (and the common part of "verify"):
 * copy users' mailboxes from the old host to the new one, verified and
 * resumable, several users at once.
 *
 * Users come from --user NAME[:SRC[:DST[:UID:GID]]] (SRC and DST default
 * to /home/NAME/Maildir; UID and GID to the owner of DST or of its
 * parent) or from --map FILE, lines "USER SRC DST [UID GID]" ('#'
 * comments; "-" for UID or GID: the owner of DST).
 *
 * Exit status: 0 every user verified; 1 a user failed or did not verify
 * (the report names the messages); 2 bad usage. */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "cmd-transfer.h"
#include "commands.h"
#include "i18n.h"
#include "transfer.h"

struct ulist {
	struct mx_xfer_user *v;
	char **strs;		/* owned strings */
	size_t n, cap, nstr, capstr;
};

static char *
keep(struct ulist *l, const char *s, size_t n)
{
	char *d = strndup(s, n);

	if (d == NULL)
		return NULL;
	if (l->nstr == l->capstr) {
		size_t cap = l->capstr ? l->capstr * 2 : 32;
		char **v = realloc(l->strs, cap * sizeof *v);

		if (v == NULL) {
			free(d);
			return NULL;
		}
		l->strs = v;
		l->capstr = cap;
	}
	l->strs[l->nstr++] = d;
	return d;
}

static void
ulist_free(struct ulist *l)
{
	size_t i;

	for (i = 0; i < l->nstr; i++)
		free(l->strs[i]);
	free(l->strs);
	free(l->v);
}

static int
parse_id(const char *s, size_t n, unsigned long *out)
{
	char buf[32], *end;

	if (n == 1 && s[0] == '-') {
		*out = (unsigned long)-1;
		return 0;
	}
	if (n == 0 || n >= sizeof buf)
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	errno = 0;
	*out = strtoul(buf, &end, 10);
	return (errno || *end != '\0') ? -1 : 0;
}

static int
add_user(struct ulist *l, const char *fields[5], const size_t lens[5],
    int nf, const char *where)
{
	struct mx_xfer_user *u;
	unsigned long id;
	char def[4096];

	if (nf < 1 || lens[0] == 0 || nf == 4 || nf > 5) {
		fprintf(stderr, _("mxmove transfer: %s: want USER[:SRC[:DST[:UID:"
		    "GID]]]\n"), where);
		return -1;
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct mx_xfer_user *v = realloc(l->v, cap * sizeof *v);

		if (v == NULL)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	u = &l->v[l->n];
	memset(u, 0, sizeof *u);
	u->name = keep(l, fields[0], lens[0]);
	snprintf(def, sizeof def, "/home/%.*s/Maildir", (int)lens[0], fields[0]);
	u->src = nf > 1 && lens[1] ? keep(l, fields[1], lens[1]) : keep(l, def,
	    strlen(def));
	u->dst = nf > 2 && lens[2] ? keep(l, fields[2], lens[2]) : keep(l, def,
	    strlen(def));
	u->uid = (uid_t)-1;
	u->gid = (gid_t)-1;
	if (nf == 5) {
		if (parse_id(fields[3], lens[3], &id) == -1)
			goto bad_id;
		u->uid = (uid_t)id;
		if (parse_id(fields[4], lens[4], &id) == -1)
			goto bad_id;
		u->gid = (gid_t)id;
	}
	if (u->name == NULL || u->src == NULL || u->dst == NULL)
		return -1;
	if (u->src[0] != '/' || u->dst[0] != '/') {
		fprintf(stderr, _("mxmove transfer: %s: paths must be absolute\n"),
		    where);
		return -1;
	}
	if (strchr(u->name, '/') != NULL || u->name[0] == '.') {
		fprintf(stderr, _("mxmove transfer: %s: '%s' is not a user name\n"),
		    where, u->name);
		return -1;
	}
	l->n++;
	return 0;
bad_id:
	fprintf(stderr, _("mxmove transfer: %s: UID and GID are numbers or "
	    "'-'\n"), where);
	return -1;
}

static int
user_arg(struct ulist *l, const char *arg)
{
	const char *f[5], *s = arg, *c;
	size_t n[5];
	int nf = 0;

	for (;;) {
		if (nf == 5)
			return add_user(l, f, n, 6, arg);
		c = strchr(s, ':');
		f[nf] = s;
		n[nf++] = c ? (size_t)(c - s) : strlen(s);
		if (c == NULL)
			break;
		s = c + 1;
	}
	return add_user(l, f, n, nf, arg);
}

static int
map_file(struct ulist *l, const char *path)
{
	const char *f[5];
	size_t n[5], cap = 0;
	char *line = NULL, *s, where[512];
	ssize_t len;
	FILE *fp;
	int nf, lineno = 0, rc = 0;

	fp = fopen(path, "re");
	if (fp == NULL) {
		fprintf(stderr, _("mxmove transfer: %s: %s\n"), path,
		    strerror(errno));
		return -1;
	}
	while (rc == 0 && (len = getline(&line, &cap, fp)) > 0) {
		lineno++;
		s = line;
		nf = 0;
		for (;;) {
			while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
				s++;
			if (*s == '\0' || *s == '#')
				break;
			if (nf == 5) {
				nf = 6;
				break;
			}
			f[nf] = s;
			while (*s && *s != ' ' && *s != '\t' && *s != '\n' &&
			    *s != '\r')
				s++;
			n[nf] = (size_t)(s - f[nf]);
			nf++;
		}
		if (nf == 0)
			continue;
		snprintf(where, sizeof where, "%s: line %d", path, lineno);
		if (nf < 3) {
			fprintf(stderr, _("mxmove transfer: %s: want USER SRC DST "
			    "[UID GID]\n"), where);
			rc = -1;
			break;
		}
		rc = add_user(l, f, n, nf, where);
	}
	free(line);
	fclose(fp);
	return rc;
}

static pthread_mutex_t out_mu = PTHREAD_MUTEX_INITIALIZER;

static void
human(char *buf, size_t len, double b)
{
	const char *u[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	int i = 0;

	while (b >= 1024 && i < 4) {
		b /= 1024;
		i++;
	}
	snprintf(buf, len, i ? "%.1f %s" : "%.0f %s", b, u[i]);
}

static void
show_progress(void *ctx, const struct mx_xfer_progress *p)
{
	char done[32], total[32], rate[32];

	(void)ctx;
	human(done, sizeof done, (double)p->bytes_done);
	human(total, sizeof total, (double)p->bytes_total);
	human(rate, sizeof rate, p->rate);
	pthread_mutex_lock(&out_mu);
	if (p->eta >= 0)
		fprintf(stderr, _("%s: %s, %" PRIu64 "/%" PRIu64 " messages, "
		    "%s/%s, %s/s, ETA %.0f s\n"), p->user,
		    _(mx_xfer_state_name(p->state)), p->msgs_done, p->msgs_total,
		    done, total, rate, p->eta);
	else
		fprintf(stderr, _("%s: %s, %" PRIu64 "/%" PRIu64 " messages, "
		    "%s/%s\n"), p->user, _(mx_xfer_state_name(p->state)),
		    p->msgs_done, p->msgs_total, done, total);
	pthread_mutex_unlock(&out_mu);
}

static void
xfer_usage(FILE *fp, const char *verb)
{
	fprintf(fp, _("Usage: mxmove %s --from HOST --to HOST "
	    "(--user USER[:SRC[:DST[:UID:GID]]] | --map FILE)... [OPTION]...\n"),
	    verb);
	fputs(_("  --user U       a user; SRC and DST default to /home/USER/Maildir,\n"
	    "                 UID:GID to the owner of DST (or of its parent)\n"
	    "  --map FILE     users from FILE: lines 'USER SRC DST [UID GID]'\n"
	    "                 (SRC may be an mbox file: it is converted)\n"
	    "  --jobs N       users in parallel, each with its own sessions (2)\n"
	    "  --state DIR    journal and spool (~/.local/state/mxmove)\n"
	    "  --mbox-format F  mboxo (default), mboxrd or mboxcl2\n"
	    "  --progress     progress lines on stderr\n"
	    "  --audit FILE   every command run on a host, with its time\n"
	    "  --via-tar      write through `tar x` on the target even when it\n"
	    "                 is local (as for an ssh target)\n"
	    "  --chunk BYTES  bytes through one `tar x` before they are moved\n"
	    "                 into place (32 MiB)\n"
	    "  --known-hosts FILE, --identity FILE, --ssh-config FILE\n"), fp);
	if (strcmp(verb, "transfer") == 0)
		fputs(_("  --dry-run      list and count what would be copied\n"), fp);
}

int
mx_cmd_xfer_main(int argc, char **argv, int verify_only)
{
	static const struct option longopts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "user", required_argument, NULL, 'u' },
		{ "map", required_argument, NULL, 'm' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "state", required_argument, NULL, 's' },
		{ "mbox-format", required_argument, NULL, 'F' },
		{ "progress", no_argument, NULL, 'p' },
		{ "known-hosts", required_argument, NULL, 'K' },
		{ "identity", required_argument, NULL, 'I' },
		{ "ssh-config", required_argument, NULL, 'C' },
		{ "via-tar", no_argument, NULL, 'T' },
		{ "chunk", required_argument, NULL, 'k' },
		{ "audit", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *verb = argv[0], *from = NULL, *to = NULL, *state = NULL;
	struct mx_host_opts hopts;
	struct mx_xfer_opts o;
	struct mx_xfer_result *res;
	struct ulist ul;
	struct mx_audit *audit = NULL;
	struct mx_err err;
	char defstate[4096], *end;
	size_t i;
	long jobs = 2;
	int c, failed, rc = MX_EXIT_USAGE;

	memset(&ul, 0, sizeof ul);
	memset(&hopts, 0, sizeof hopts);
	memset(&o, 0, sizeof o);
	o.mbox_format = MX_MBOXO;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': from = optarg; break;
		case 't': to = optarg; break;
		case 'u':
			if (user_arg(&ul, optarg) == -1)
				goto out;
			break;
		case 'm':
			if (map_file(&ul, optarg) == -1)
				goto out;
			break;
		case 'j':
			errno = 0;
			jobs = strtol(optarg, &end, 10);
			if (errno || *end || jobs < 1 || jobs > 64) {
				fprintf(stderr, _("mxmove %s: --jobs wants a number "
				    "from 1 to 64\n"), verb);
				goto out;
			}
			break;
		case 'n':
			if (verify_only) {
				xfer_usage(stderr, verb);
				goto out;
			}
			o.dry_run = 1;
			break;
		case 's': state = optarg; break;
		case 'F':
			if (mx_mbox_format_parse(optarg, &o.mbox_format) == -1) {
				fprintf(stderr, _("mxmove %s: unknown mbox format "
				    "'%s'\n"), verb, optarg);
				goto out;
			}
			break;
		case 'p':
			o.progress = show_progress;
			break;
		case 'T':
			o.stream_sink = 1;
			break;
		case 'k':
			errno = 0;
			o.stream_chunk = strtoull(optarg, &end, 10);
			if (errno || *end || o.stream_chunk == 0) {
				fprintf(stderr, _("mxmove %s: --chunk wants a "
				    "number of bytes\n"), verb);
				goto out;
			}
			break;
		case 'a':
			if (audit == NULL && mx_audit_open(&audit, optarg,
			    &err) == -1) {
				fprintf(stderr, "mxmove %s: %s\n", verb, err.msg);
				goto out;
			}
			hopts.audit = audit;
			break;
		case 'K': hopts.known_hosts = optarg; break;
		case 'I': hopts.identity = optarg; break;
		case 'C': hopts.ssh_config = optarg; break;
		case 'h':
			xfer_usage(stdout, verb);
			rc = MX_EXIT_OK;
			goto out;
		default:
			xfer_usage(stderr, verb);
			goto out;
		}
	}
	if (optind < argc || from == NULL || to == NULL || ul.n == 0) {
		if (optind < argc)
			fprintf(stderr, _("mxmove %s: unexpected argument '%s'\n"),
			    verb, argv[optind]);
		else
			fprintf(stderr, _("mxmove %s: --from, --to and at least one "
			    "--user or --map are needed\n"), verb);
		xfer_usage(stderr, verb);
		goto out;
	}
	if (state == NULL) {
		const char *xs = getenv("XDG_STATE_HOME"), *home = getenv("HOME");

		if (xs != NULL && xs[0] == '/')
			snprintf(defstate, sizeof defstate, "%s/mxmove", xs);
		else
			snprintf(defstate, sizeof defstate, "%s/.local/state/mxmove",
			    home ? home : "/root");
		state = defstate;
	}
	o.state_dir = state;
	o.verify_only = verify_only;
	res = calloc(ul.n, sizeof *res);
	if (res == NULL) {
		rc = mx_cmd_fail(verb, strerror(errno));
		goto out;
	}
	mx_err_clear(&err);
	failed = mx_transfer_all(from, to, &hopts, ul.v, ul.n, (int)jobs, &o,
	    res, &err);
	if (failed < 0) {
		rc = mx_cmd_fail(verb, err.msg);
		free(res);
		goto out;
	}
	for (i = 0; i < ul.n; i++) {
		struct mx_xfer_result *r = &res[i];

		if (r->state == MX_XS_FAILED && r->src_msgs == 0 &&
		    r->report.len == 0) {
			printf(_("%s: failed: %s\n"), ul.v[i].name, r->err.msg);
			continue;
		}
		if (o.dry_run)
			printf(_("%s: would copy %" PRIu64 " of %" PRIu64 " messages "
			    "(%" PRIu64 " of %" PRIu64 " bytes); %" PRIu64
			    " already there\n"), ul.v[i].name, r->copied_msgs,
			    r->src_msgs, r->copied_bytes, r->src_bytes, r->skipped);
		else if (verify_only)
			printf(_("%s: %s: source %" PRIu64 " messages (%" PRIu64
			    " bytes), target %" PRIu64 " messages (%" PRIu64
			    " bytes), %" PRIu64 " differ\n"), ul.v[i].name,
			    r->verified ? _("verified") : _("NOT verified"),
			    r->src_msgs, r->src_bytes, r->dst_msgs, r->dst_bytes,
			    r->mismatched);
		else if (r->state == MX_XS_FAILED && r->mismatched == 0)
			/* The pass broke off: what was sent may not be in
			 * place yet (a stage is moved in per chunk). */
			printf(_("%s: stopped: %" PRIu64 " messages (%" PRIu64
			    " bytes) sent before the failure, %" PRIu64 " already "
			    "there, %" PRIu64 " refused; source %" PRIu64
			    " messages (%" PRIu64 " bytes)\n"), ul.v[i].name,
			    r->copied_msgs, r->copied_bytes, r->skipped,
			    r->refused, r->src_msgs, r->src_bytes);
		else
			printf(_("%s: %s: %" PRIu64 " copied (%" PRIu64 " bytes), %"
			    PRIu64 " already there, %" PRIu64 " refused; source %"
			    PRIu64 " messages (%" PRIu64 " bytes), target %" PRIu64
			    " messages\n"), ul.v[i].name,
			    r->verified ? _("verified") : _("NOT verified"),
			    r->copied_msgs, r->copied_bytes, r->skipped, r->refused,
			    r->src_msgs, r->src_bytes, r->dst_msgs);
		if (r->report.len > 0)
			fputs(r->report.data, stdout);
		if (r->state == MX_XS_FAILED)
			printf(_("%s: failed: %s\n"), ul.v[i].name, r->err.msg);
	}
	for (i = 0; i < ul.n; i++)
		mx_xfer_result_free(&res[i]);
	free(res);
	rc = failed > 0 ? MX_EXIT_FAIL : MX_EXIT_OK;
out:
	ulist_free(&ul);
	mx_audit_close(audit);
	return rc;
}

int
mx_cmd_transfer(int argc, char **argv)
{
	return mx_cmd_xfer_main(argc, argv, 0);
}
