/* hostctl.c - a small command line over the host layer, for the shell
 * tests against the lab's sshd (and the benchmark). Not installed.
 *
 * hostctl [OPTIONS] HOST OP [ARG]...
 *   --known-hosts F --accept-key FP --identity F --config F --no-config
 *   --password-fd N --audit F --label L
 * OP: run ARGV... | sh CMDLINE | read PATH | write PATH [MODE] (stdin) |
 *     stat PATH | list PATH | df PATH | cat ARGV... (stream to stdout) |
 *     feed ARGV... (stdin to the command) | sha ARGV... (SHA-256 of the
 *     stream) | cut-reopen ARGV... (read until the connection breaks,
 *     then reopen and run "echo reopened"; with HOSTCTL_MARK=FILE, FILE
 *     is created once 1 MiB has been read) | close-early ARGV... (read
 *     one chunk, close the stream, then run "echo again" 3 times on the
 *     same session and print what it said)
 * Exit: the command's status for run/sh/feed; 0 ok; 70 host error
 * (message on stderr; for a host key: "fingerprint: ..." lines). */
#include <config.h>

#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pthread.h>

#include <openssl/evp.h>

#include "audit.h"
#include "buf.h"
#include "err.h"
#include "host.h"

static int
fail(const struct mx_err *err)
{
	fprintf(stderr, "hostctl: %s\n", err->msg);
	return 70;
}

static int
slurp_stdin(struct mx_buf *b)
{
	char chunk[65536];
	ssize_t n;

	while ((n = read(0, chunk, sizeof chunk)) > 0)
		mx_buf_append(b, chunk, (size_t)n);
	return n < 0 ? -1 : 0;
}

static int
op_stream_out(struct mx_host *h, char **argv, int sha, struct mx_err *err)
{
	static char buf[1 << 17];
	struct mx_stream *s;
	struct mx_buf eo = MX_BUF_INIT;
	EVP_MD_CTX *md = NULL;
	unsigned char dig[32];
	unsigned int dlen, i;
	ssize_t n;
	int st = -1;

	if (mx_host_exec_read(h, (const char *const *)argv, &s, err) == -1)
		return fail(err);
	if (sha) {
		md = EVP_MD_CTX_new();
		EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	}
	while ((n = mx_stream_read(s, buf, sizeof buf, err)) > 0) {
		if (sha)
			EVP_DigestUpdate(md, buf, (size_t)n);
		else if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
			break;
	}
	if (n < 0) {
		mx_stream_close(s, NULL, NULL, NULL);
		if (md)
			EVP_MD_CTX_free(md);
		return fail(err);
	}
	if (sha) {
		EVP_DigestFinal_ex(md, dig, &dlen);
		EVP_MD_CTX_free(md);
		for (i = 0; i < dlen; i++)
			printf("%02x", dig[i]);
		printf(" %" PRIu64 "\n", mx_stream_bytes(s));
	}
	if (mx_stream_close(s, &st, &eo, err) == -1) {
		mx_buf_free(&eo);
		return fail(err);
	}
	if (eo.len)
		fwrite(eo.data, 1, eo.len, stderr);
	mx_buf_free(&eo);
	return st;
}

static int
op_close_early(struct mx_host *h, char **argv, struct mx_err *err)
{
	static const char *const again[] = { "echo", "again", NULL };
	char buf[512];
	struct mx_stream *s;
	struct mx_buf out = MX_BUF_INIT;
	int i, st = -1;

	if (mx_host_exec_read(h, (const char *const *)argv, &s, err) == -1)
		return fail(err);
	if (mx_stream_read(s, buf, sizeof buf, err) < 0) {
		mx_stream_close(s, NULL, NULL, NULL);
		return fail(err);
	}
	mx_stream_close(s, NULL, NULL, NULL);	/* its status is not wanted */
	for (i = 0; i < 3; i++) {
		mx_buf_reset(&out);
		if (mx_host_run(h, again, NULL, 0, &out, NULL, &st, err) == -1) {
			mx_buf_free(&out);
			return fail(err);
		}
		fwrite(out.data ? out.data : "", 1, out.len, stdout);
	}
	mx_buf_free(&out);
	return st;
}

static int
op_feed(struct mx_host *h, char **argv, struct mx_err *err)
{
	static char buf[1 << 17];
	struct mx_stream *s;
	struct mx_buf eo = MX_BUF_INIT;
	ssize_t n;
	int st = -1;

	if (mx_host_exec_write(h, (const char *const *)argv, &s, err) == -1)
		return fail(err);
	while ((n = read(0, buf, sizeof buf)) > 0)
		if (mx_stream_write(s, buf, (size_t)n, err) == -1) {
			mx_stream_close(s, NULL, NULL, NULL);
			return fail(err);
		}
	if (mx_stream_close(s, &st, &eo, err) == -1) {
		mx_buf_free(&eo);
		return fail(err);
	}
	if (eo.len)
		fwrite(eo.data, 1, eo.len, stderr);
	mx_buf_free(&eo);
	return st;
}

static int
op_cut_reopen(struct mx_host *h, char **argv, struct mx_err *err)
{
	static char buf[1 << 16];
	const char *mark = getenv("HOSTCTL_MARK");
	const char *again[] = { "echo", "reopened", NULL };
	struct mx_buf out = MX_BUF_INIT;
	struct mx_stream *s;
	struct mx_err e2;
	ssize_t n;
	int st = -1, marked = 0;

	if (mx_host_exec_read(h, (const char *const *)argv, &s, err) == -1)
		return fail(err);
	while ((n = mx_stream_read(s, buf, sizeof buf, err)) > 0)
		if (!marked && mark && mx_stream_bytes(s) >= (1u << 20)) {
			close(open(mark, O_WRONLY | O_CREAT, 0600));
			marked = 1;
		}
	printf("read: %s\n", n < 0 ? err->msg : "to the end");
	if (mx_stream_close(s, &st, NULL, &e2) == -1)
		printf("close: %s\n", e2.msg);
	if (mx_host_run(h, again, NULL, 0, &out, NULL, &st, &e2) == -1)
		printf("run before reopen: %s\n", e2.msg);
	if (mx_host_reopen(h, &e2) == -1) {
		printf("reopen: %s\n", e2.msg);
		mx_buf_free(&out);
		return 70;
	}
	mx_buf_reset(&out);
	if (mx_host_run(h, again, NULL, 0, &out, NULL, &st, &e2) == -1) {
		printf("run: %s\n", e2.msg);
		mx_buf_free(&out);
		return 70;
	}
	fputs(out.data ? out.data : "", stdout);
	mx_buf_free(&out);
	return 0;
}

/* threads N: N workers, each with its own session, at once. */
struct worker {
	const char *spec;
	const struct mx_host_opts *o;
	int i, ok;
	char msg[MX_ERR_MAX + 64];
};

static void *
work(void *arg)
{
	struct worker *w = arg;
	const char *gen[] = { "head", "-c", "20000000", "/dev/zero", NULL };
	char want[32], buf[65536];
	const char *echo[] = { "echo", want, NULL };
	struct mx_buf out = MX_BUF_INIT;
	struct mx_stream *s;
	struct mx_host *h;
	struct mx_err err;
	uint64_t total = 0;
	ssize_t n;
	int st = -1;

	snprintf(want, sizeof want, "worker-%d", w->i);
	if (mx_host_open(&h, w->spec, w->o, NULL, &err) == -1) {
		snprintf(w->msg, sizeof w->msg, "open: %s", err.msg);
		return NULL;
	}
	if (mx_host_run(h, echo, NULL, 0, &out, NULL, &st, &err) == -1 ||
	    st != 0 || out.data == NULL || strncmp(out.data, want, strlen(want))) {
		snprintf(w->msg, sizeof w->msg, "run: %s", err.msg);
		goto out;
	}
	if (mx_host_exec_read(h, gen, &s, &err) == -1) {
		snprintf(w->msg, sizeof w->msg, "exec: %s", err.msg);
		goto out;
	}
	while ((n = mx_stream_read(s, buf, sizeof buf, &err)) > 0)
		total += (uint64_t)n;
	if (mx_stream_close(s, &st, NULL, &err) == -1 || n < 0 ||
	    total != 20000000 || st != 0) {
		snprintf(w->msg, sizeof w->msg, "stream: %" PRIu64 " bytes, %s",
		    total, err.msg);
		goto out;
	}
	w->ok = 1;
out:
	mx_buf_free(&out);
	mx_host_close(h);
	return NULL;
}

static int
op_threads(const char *spec, const struct mx_host_opts *o, int n)
{
	struct worker w[16];
	pthread_t t[16];
	int i, good = 0;

	if (n < 1 || n > 16)
		return 2;
	for (i = 0; i < n; i++) {
		memset(&w[i], 0, sizeof w[i]);
		w[i].spec = spec;
		w[i].o = o;
		w[i].i = i;
		pthread_create(&t[i], NULL, work, &w[i]);
	}
	for (i = 0; i < n; i++) {
		pthread_join(t[i], NULL);
		if (w[i].ok)
			good++;
		else
			printf("worker %d: %s\n", i, w[i].msg);
	}
	printf("threads: %d of %d ok\n", good, n);
	return good == n ? 0 : 70;
}

static int
op_files(struct mx_host *h, const char *op, char **args, struct mx_err *err)
{
	struct mx_buf b = MX_BUF_INIT;
	struct mx_stat st;
	uint64_t avail, total;
	char **names;
	size_t n, i;
	int r = 0;

	if (args[0] == NULL) {
		fprintf(stderr, "hostctl: %s needs a path\n", op);
		return 2;
	}
	if (strcmp(op, "read") == 0) {
		if ((r = mx_host_read_file(h, args[0], &b, err)) == 0)
			fwrite(b.data, 1, b.len, stdout);
	} else if (strcmp(op, "write") == 0) {
		mode_t mode = args[1] ? (mode_t)strtol(args[1], NULL, 8) : 0644;

		slurp_stdin(&b);
		r = mx_host_write_file(h, args[0], b.data ? b.data : "", b.len,
		    mode, (uid_t)-1, (gid_t)-1, args[1] == NULL, err);
	} else if (strcmp(op, "stat") == 0) {
		if ((r = mx_host_stat(h, args[0], &st, err)) == 0)
			printf("exists=%d dir=%d reg=%d link=%d mode=%04o uid=%ld "
			    "gid=%ld size=%" PRIu64 "\n", st.exists, st.is_dir,
			    st.is_reg, st.is_link, (unsigned)st.mode,
			    (long)st.uid, (long)st.gid, st.size);
	} else if (strcmp(op, "list") == 0) {
		if ((r = mx_host_list(h, args[0], &names, &n, err)) == 0) {
			for (i = 0; i < n; i++)
				printf("%s\n", names[i]);
			mx_strv_free(names, n);
		}
	} else if (strcmp(op, "df") == 0) {
		if ((r = mx_host_df(h, args[0], &avail, &total, err)) == 0)
			printf("%" PRIu64 " %" PRIu64 "\n", avail, total);
	} else {
		fprintf(stderr, "hostctl: unknown op %s\n", op);
		mx_buf_free(&b);
		return 2;
	}
	mx_buf_free(&b);
	return r == -1 ? fail(err) : 0;
}

int
main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "known-hosts", required_argument, NULL, 'k' },
		{ "accept-key", required_argument, NULL, 'a' },
		{ "identity", required_argument, NULL, 'i' },
		{ "config", required_argument, NULL, 'c' },
		{ "no-config", no_argument, NULL, 'C' },
		{ "password-fd", required_argument, NULL, 'p' },
		{ "audit", required_argument, NULL, 'A' },
		{ "label", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 }
	};
	struct mx_host_opts o;
	struct mx_hostkey_info key;
	struct mx_host_askfd askfd = { -1, 0, "" };
	struct mx_audit *audit = NULL;
	struct mx_host *h;
	struct mx_buf out = MX_BUF_INIT, eo = MX_BUF_INIT;
	struct mx_err err;
	const char *op, *spec;
	int c, st = -1, r;

	memset(&o, 0, sizeof o);
	while ((c = getopt_long(argc, argv, "+", lo, NULL)) != -1) {
		switch (c) {
		case 'k': o.known_hosts = optarg; break;
		case 'a': o.accept_fingerprint = optarg; break;
		case 'i': o.identity = optarg; break;
		case 'c': o.ssh_config = optarg; break;
		case 'C': o.ssh_config = ""; break;
		case 'l': o.label = optarg; break;
		case 'p':
			askfd.fd = atoi(optarg);
			o.ask = mx_host_ask_fd;
			o.ask_ctx = &askfd;
			break;
		case 'A':
			if (mx_audit_open(&audit, optarg, &err) == -1)
				return fail(&err);
			o.audit = audit;
			break;
		default:
			return 2;
		}
	}
	if (argc - optind < 2) {
		fprintf(stderr, "usage: hostctl [OPTIONS] HOST OP [ARG]...\n");
		return 2;
	}
	if (mx_host_open(&h, argv[optind], &o, &key, &err) == -1) {
		if (err.code == MX_E_HOSTKEY && key.fingerprint[0])
			fprintf(stderr, "fingerprint: %s\n", key.fingerprint);
		if (key.changed)
			fprintf(stderr, "old fingerprint: %s\n",
			    key.old_fingerprint);
		r = fail(&err);
		mx_audit_close(audit);
		return r;
	}
	spec = argv[optind];
	op = argv[optind + 1];
	argv += optind + 2;
	if (strcmp(op, "run") == 0 || strcmp(op, "sh") == 0) {
		if (strcmp(op, "run") == 0)
			r = mx_host_run(h, (const char *const *)argv, NULL, 0,
			    &out, &eo, &st, &err);
		else
			r = mx_host_run_sh(h, argv[0], NULL, 0, &out, &eo, &st,
			    &err);
		if (r == -1)
			st = fail(&err);
		fwrite(out.data ? out.data : "", 1, out.len, stdout);
		fwrite(eo.data ? eo.data : "", 1, eo.len, stderr);
	} else if (strcmp(op, "cat") == 0 || strcmp(op, "sha") == 0)
		st = op_stream_out(h, argv, op[0] == 's', &err);
	else if (strcmp(op, "feed") == 0)
		st = op_feed(h, argv, &err);
	else if (strcmp(op, "threads") == 0)
		st = op_threads(spec, &o, argv[0] ? atoi(argv[0]) : 0);
	else if (strcmp(op, "cut-reopen") == 0)
		st = op_cut_reopen(h, argv, &err);
	else if (strcmp(op, "close-early") == 0)
		st = op_close_early(h, argv, &err);
	else
		st = op_files(h, op, argv, &err);
	fflush(stdout);
	mx_buf_free(&out);
	mx_buf_free(&eo);
	mx_host_close(h);
	mx_host_askfd_clear(&askfd);
	mx_audit_close(audit);
	return st;
}
