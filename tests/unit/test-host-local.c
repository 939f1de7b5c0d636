/* test-host-local.c - the local transport (plain and rooted) and the
 * audit log: commands, quoting, streams, atomic writes, stat, list, df. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "audit.h"
#include "buf.h"
#include "err.h"
#include "host.h"
#include "tap.h"
#include "tree.h"

static char dir[] = "/tmp/mxhost-test.XXXXXX";
#define put(rel, text) tree_put(dir, rel, text)
#define slurp(path) tree_slurp(NULL, path)

static size_t
count_tmp(const char *d)
{
	struct mx_buf cmd = MX_BUF_INIT;
	char line[64] = "";
	FILE *p;

	mx_buf_printf(&cmd, "ls -A '%s' | grep -c mxmove-", d);
	p = popen(cmd.data, "r");
	if (p != NULL) {
		if (fgets(line, sizeof line, p) == NULL)
			line[0] = '\0';
		pclose(p);
	}
	mx_buf_free(&cmd);
	return (size_t)atoi(line);
}

static void
test_run(struct mx_host *h)
{
	static const char *hostile[] = {
		"plain", "with space", "it's", "say \"hi\"", "$HOME", "`id`",
		"$(id)", "line\nbreak", "-rf", "--", "a;b|c&d", "*", "~root",
		"back\\slash", "", "'", "tab\there", "-n", "Émile", NULL
	};
	struct mx_buf out = MX_BUF_INIT, eo = MX_BUF_INIT, big = MX_BUF_INIT;
	struct mx_err err;
	int st = -1, i;

	const char *exit3[] = { "sh", "-c", "echo out; echo err >&2; exit 3", NULL };
	ok(mx_host_run(h, exit3, NULL, 0, &out, &eo, &st, &err) == 0,
	    "run a command");
	is_int(st, 3, "exit status passed through");
	is_str(out.data, "out\n", "stdout collected");
	is_str(eo.data, "err\n", "stderr collected apart");
	mx_buf_reset(&out);

	const char *killself[] = { "sh", "-c", "kill -TERM $$", NULL };
	ok(mx_host_run(h, killself, NULL, 0, NULL, NULL, &st, &err) == 0,
	    "a killed command is not an error of the layer");
	is_int(st, 128 + SIGTERM, "signal shown as 128+signal");

	const char *missing[] = { "/nonexistent/cmd", NULL };
	mx_host_run(h, missing, NULL, 0, NULL, NULL, &st, &err);
	is_int(st, 127, "a missing program gives 127");

	for (i = 0; hostile[i] != NULL; i++) {
		const char *argv[] = { "printf", "%s", hostile[i], NULL };

		mx_buf_reset(&out);
		mx_host_run(h, argv, NULL, 0, &out, NULL, &st, &err);
		is_str(out.data ? out.data : "", hostile[i],
		    "argument %d comes back byte-exact", i);
	}

	/* 3 MB through cat: stdin fed while stdout is read (no deadlock). */
	for (i = 0; i < 3 * 1024 * 1024 / 64; i++)
		mx_buf_printf(&big, "%063d\n", i);
	const char *cat[] = { "cat", NULL };
	mx_buf_reset(&out);
	ok(mx_host_run(h, cat, big.data, big.len, &out, NULL, &st, &err) == 0 &&
	    out.len == big.len && memcmp(out.data, big.data, big.len) == 0,
	    "3 MB fed to stdin come back on stdout");
	/* A command that reads nothing: EPIPE, not SIGPIPE death. */
	const char *tru[] = { "true", NULL };
	ok(mx_host_run(h, tru, big.data, big.len, NULL, NULL, &st, &err) == 0 &&
	    st == 0, "input refused by the command does not kill us");
	mx_buf_free(&big);
	mx_buf_free(&out);
	mx_buf_free(&eo);
}

static void
test_streams(struct mx_host *h)
{
	struct mx_stream *s;
	struct mx_buf eo = MX_BUF_INIT, got = MX_BUF_INIT;
	struct mx_err err;
	char buf[65536], path[512], *text;
	ssize_t n;
	uint64_t total = 0;
	int st = -1, i;

	const char *gen[] = { "sh", "-c",
	    "head -c 10485760 /dev/zero; echo done >&2; exit 4", NULL };
	ok(mx_host_exec_read(h, gen, &s, &err) == 0, "exec_read starts");
	while ((n = mx_stream_read(s, buf, sizeof buf, &err)) > 0)
		total += (uint64_t)n;
	is_int(n, 0, "stream ends cleanly");
	is_int(total, 10485760, "10 MiB read from the stream");
	is_int(mx_stream_bytes(s), 10485760, "stream counts its bytes");
	ok(mx_stream_close(s, &st, &eo, &err) == 0, "stream closes");
	is_int(st, 4, "stream exit status");
	is_str(eo.data, "done\n", "stream stderr");

	snprintf(path, sizeof path, "%s/fed file", dir);
	const char *sink[] = { "sh", "-c", "cat > \"$1\"", "sh", path, NULL };
	ok(mx_host_exec_write(h, sink, &s, &err) == 0, "exec_write starts");
	for (i = 0; i < 1000; i++) {
		mx_buf_reset(&got);
		mx_buf_printf(&got, "line %d\n", i);
		mx_stream_write(s, got.data, got.len, &err);
	}
	ok(mx_stream_close(s, &st, NULL, &err) == 0 && st == 0,
	    "exec_write closes with status 0");
	text = slurp(path);
	ok(text != NULL && strlen(text) == 8890 &&
	    strstr(text, "line 999\n") != NULL, "what was fed arrived");
	free(text);

	const char *quit[] = { "true", NULL };
	ok(mx_host_exec_write(h, quit, &s, &err) == 0, "exec_write to true");
	memset(buf, 'x', sizeof buf);
	for (i = 0, n = 0; i < 100 && n == 0; i++)
		n = mx_stream_write(s, buf, sizeof buf, &err);
	ok(n == -1 && strstr(err.msg, "stopped reading") != NULL,
	    "writing to a command that quit is an error: %s", err.msg);
	mx_stream_close(s, &st, NULL, &err);
	mx_buf_free(&eo);
	mx_buf_free(&got);
}

static void
test_files(struct mx_host *h, const char *root)
{
	struct mx_buf b = MX_BUF_INIT;
	struct mx_stat st;
	struct mx_err err;
	char **names;
	size_t n;
	uint64_t avail = 0, total = 0;
	char p[512];
	pid_t pid;
	int ws;

	/* Paths as the host sees them. */
	const char *base = root ? "" : dir;
	char ctl[512], sub[512];

	snprintf(ctl, sizeof ctl, "%s/control", base);
	snprintf(sub, sizeof sub, "%s/control/locals", base);
	ok(mx_host_read_file(h, sub, &b, &err) == 0, "read_file");
	is_str(b.data, "example.org\nexample.net\n", "file content");
	mx_buf_reset(&b);
	snprintf(p, sizeof p, "%s/control/nothing", base);
	ok(mx_host_read_file(h, p, &b, &err) == -1 && err.code == MX_E_NOTFOUND,
	    "missing file: NOTFOUND");
	ok(strstr(err.msg, "control/nothing: No such file") != NULL &&
	    strncmp(err.msg, mx_host_name(h), strlen(mx_host_name(h))) == 0,
	    "message names host and file: %s", err.msg);

	snprintf(p, sizeof p, "%s/control/locals", dir);
	chmod(p, 0640);
	if (geteuid() == 0 && chown(p, 1234, 2345) != 0)
		ok(0, "chown");
	ok(mx_host_write_file(h, sub, "new.example\n", 12, 0600, (uid_t)-1,
	    (gid_t)-1, 1, &err) == 0, "write_file keeping the owner");
	mx_host_stat(h, sub, &st, &err);
	is_int(st.mode, 0640, "mode kept");
	if (geteuid() == 0) {
		is_int(st.uid, 1234, "uid kept");
		is_int(st.gid, 2345, "gid kept");
	}
	is_int(st.size, 12, "new size");
	mx_host_read_file(h, sub, &b, &err);
	is_str(b.data, "new.example\n", "new content");
	mx_buf_reset(&b);
	snprintf(p, sizeof p, "%s/control", dir);
	is_int(count_tmp(p), 0, "no temporary file left");

	snprintf(p, sizeof p, "%s/control/fresh", base);
	ok(mx_host_write_file(h, p, "x", 1, 0604, (uid_t)-1, (gid_t)-1, 1,
	    &err) == 0, "write a new file");
	mx_host_stat(h, p, &st, &err);
	ok(st.exists && st.is_reg && st.mode == 0604, "new file has the given mode");
	ok(mx_host_write_file(h, p, "y", 1, 0600, (uid_t)-1, (gid_t)-1, 0,
	    &err) == 0, "rewrite with keep_owner 0");
	mx_host_stat(h, p, &st, &err);
	is_int(st.mode, 0600, "given mode applies");

	/* Interrupted half way: the write fails when the file size limit
	 * is hit; the old file must stay whole, and no temporary is left. */
	pid = fork();
	if (pid == 0) {
		struct rlimit rl = { 4096, 4096 };
		static char big[1 << 20];
		struct mx_err e2;

		signal(SIGXFSZ, SIG_IGN);
		setrlimit(RLIMIT_FSIZE, &rl);
		memset(big, 'z', sizeof big);
		_exit(mx_host_write_file(h, sub, big, sizeof big, 0600,
		    (uid_t)-1, (gid_t)-1, 1, &e2) == -1 &&
		    strstr(e2.msg, "File too large") ? 0 : 1);
	}
	waitpid(pid, &ws, 0);
	ok(WIFEXITED(ws) && WEXITSTATUS(ws) == 0,
	    "a write cut half way fails with a message");
	mx_host_read_file(h, sub, &b, &err);
	is_str(b.data, "new.example\n", "the old file is intact");
	mx_buf_reset(&b);
	snprintf(p, sizeof p, "%s/control", dir);
	is_int(count_tmp(p), 0, "and no temporary file is left");

	ok(mx_host_write_file(h, ctl, "x", 1, 0600, (uid_t)-1, (gid_t)-1, 1,
	    &err) == -1, "a directory is not replaced: %s", err.msg);

	ok(mx_host_stat(h, ctl, &st, &err) == 0 && st.exists && st.is_dir,
	    "stat of a directory");
	snprintf(p, sizeof p, "%s/control/none", base);
	ok(mx_host_stat(h, p, &st, &err) == 0 && !st.exists,
	    "stat of a missing path: exists 0, no error");
	snprintf(p, sizeof p, "%s/control/link", base);
	ok(mx_host_stat(h, p, &st, &err) == 0 && st.exists && st.is_link &&
	    st.is_reg, "stat follows a link and says it is one");

	ok(mx_host_list(h, ctl, &names, &n, &err) == 0, "list");
	ok(n == 4 && strcmp(names[0], "fresh") == 0 &&
	    strcmp(names[1], "link") == 0 && strcmp(names[2], "locals") == 0 &&
	    strcmp(names[3], "me") == 0, "list: sorted names, no . or ..");
	mx_strv_free(names, n);
	snprintf(p, sizeof p, "%s/control/locals", base);
	ok(mx_host_list(h, p, &names, &n, &err) == -1, "list of a file fails");

	ok(mx_host_df(h, ctl, &avail, &total, &err) == 0 && total > 0 &&
	    avail <= total, "df gives free and total space");
	mx_buf_free(&b);
}

static void
reset_tree(void)
{
	char p[512];

	snprintf(p, sizeof p, "rm -rf '%s/control' '%s/fed file'", dir, dir);
	if (system(p) != 0)
		ok(0, "cleanup");
	snprintf(p, sizeof p, "%s/control", dir);
	mkdir(p, 0755);
	put("control/locals", "example.org\nexample.net\n");
	put("control/me", "mail.example.org\n");
	snprintf(p, sizeof p, "%s/control/link", dir);
	if (symlink("me", p) != 0)
		ok(0, "symlink");
}

int
main(void)
{
	struct mx_host *h;
	struct mx_audit *audit;
	struct mx_host_opts o;
	struct mx_err err;
	struct mx_buf b = MX_BUF_INIT;
	char spec[600], logp[512], *log;
	int st;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(logp, sizeof logp, "%s.audit", dir);
	ok(mx_audit_open(&audit, logp, &err) == 0, "audit log opens");
	mx_audit_add_secret(audit, "s3cr3t-pw");
	memset(&o, 0, sizeof o);
	o.audit = audit;

	/* Plain local. */
	reset_tree();
	ok(mx_host_open(&h, "local:", &o, NULL, &err) == 0, "open local:");
	ok(mx_host_is_local(h), "is local");
	is_str(mx_host_name(h), "local", "name");
	test_run(h);
	test_streams(h);
	test_files(h, NULL);
	mx_host_close(h);

	/* Rooted local: paths and links stay inside the root. */
	reset_tree();
	snprintf(spec, sizeof spec, "local:%s/", dir);
	o.label = "old";
	ok(mx_host_open(&h, spec, &o, NULL, &err) == 0, "open local:/root");
	is_str(mx_host_name(h), "old", "a label names the host");
	is_str(mx_host_root(h), dir, "root without the trailing slash");
	{
		char *p = mx_host_path(h, "/var/qmail");
		char want[600];

		snprintf(want, sizeof want, "%s/var/qmail", dir);
		is_str(p, want, "mx_host_path prefixes the root");
		free(p);
	}
	test_files(h, dir);
	{
		const char *pwd[] = { "pwd", NULL };

		mx_host_run(h, pwd, NULL, 0, &b, NULL, &st, &err);
		ok(b.data && strncmp(b.data, dir, strlen(dir)) == 0,
		    "commands run in the root");
		mx_buf_reset(&b);
	}
	/* An absolute link on the copy resolves inside the copy. */
	{
		char p[600];

		snprintf(p, sizeof p, "%s/etc-link", dir);
		if (symlink("/etc", p) != 0)
			ok(0, "symlink");
		ok(mx_host_read_file(h, "/etc-link/passwd", &b, &err) == -1 &&
		    err.code == MX_E_NOTFOUND,
		    "an absolute link does not reach this machine's /etc");
		mx_buf_reset(&b);
		ok(mx_host_read_file(h, "/../../../../etc/passwd", &b, &err) == -1,
		    "'..' does not climb out of the root");
		mx_buf_reset(&b);
		unlink(p);
	}
	{
		const char *secret[] = { "echo", "user:s3cr3t-pw", NULL };

		mx_host_run(h, secret, NULL, 0, NULL, NULL, &st, &err);
	}
	mx_host_close(h);
	o.label = NULL;

	ok(mx_host_open(&h, "local:relative", &o, NULL, &err) == -1 &&
	    err.code == MX_E_USAGE, "a relative root is refused: %s", err.msg);
	ok(mx_host_open(&h, "local:/nonexistent/x", &o, NULL, &err) == -1 &&
	    strstr(err.msg, "/nonexistent/x") != NULL,
	    "a missing root is refused: %s", err.msg);

	/* Host specs refused before any connection is tried. */
	{
		static const struct { const char *spec, *msg; } bad[] = {
			{ "ssh://host:99999", "bad port number" },
			{ "ssh://host:22x", "bad port number" },
			{ "ssh://@host", "empty user name" },
			{ "ssh://", "no host name" },
			{ "-oProxyCommand=touch x", "no host name" },
			{ "ho st", "bad character" },
			{ "a`id`", "bad character" },
			{ "us er@host", "bad character" },
			{ "ssh://[::1", "missing ']'" },
			{ "ssh://host/path", "a host is ssh://" },
			{ "", "no host given" },
		};
		size_t k;

		for (k = 0; k < sizeof bad / sizeof bad[0]; k++) {
			h = NULL;
			ok(mx_host_open(&h, bad[k].spec, &o, NULL, &err) == -1 &&
			    h == NULL && err.code == MX_E_USAGE &&
			    strstr(err.msg, bad[k].msg) != NULL,
			    "spec '%s' refused: %s", bad[k].spec, err.msg);
		}
	}
	/* A password from a file descriptor: first line, read once. */
	{
		struct mx_host_askfd a = { -1, 0, "" };
		char pw[64];
		int p[2];

		if (pipe(p) == 0) {
			if (write(p[1], "s3cr3t pw\nnext\n", 15) != 15)
				ok(0, "write");
			close(p[1]);
			a.fd = p[0];
			ok(mx_host_ask_fd(&a, "old", "pw: ", 0, pw, sizeof pw) == 0,
			    "ask_fd answers");
			is_str(pw, "s3cr3t pw", "with the first line");
			ok(mx_host_ask_fd(&a, "old", "pw: ", 0, pw, sizeof pw) == 0,
			    "ask_fd answers again (reconnection)");
			is_str(pw, "s3cr3t pw", "with the same line");
			ok(mx_host_ask_fd(&a, "old", "pw: ", 0, pw, 4) == -1,
			    "a buffer too small is refused, not cut");
			mx_host_askfd_clear(&a);
			is_int(a.have, 0, "cleared");
			close(p[0]);
		}
	}

	mx_audit_close(audit);
	log = slurp(logp);
	ok(log != NULL && strstr(log, "\tlocal\t3\t") != NULL &&
	    strstr(log, "sh -c 'echo out; echo err >&2; exit 3'\n") != NULL,
	    "audit: host, status and command");
	ok(log != NULL && strstr(log, "printf %s 'line\\nbreak'\n") != NULL,
	    "audit: a newline in a command is escaped");
	ok(log != NULL && strstr(log, "\told\t0\t") != NULL &&
	    strstr(log, "(write file, 12 bytes) /control/locals") != NULL,
	    "audit: file writes logged under the label");
	ok(log != NULL && strstr(log, "s3cr3t") == NULL &&
	    strstr(log, "echo user:***") != NULL, "audit: a secret never appears");
	ok(log != NULL && strstr(log, "new.example") == NULL,
	    "audit: file content never appears");
	ok(log != NULL && log[0] == '2' && strstr(log, "Z\t") != NULL &&
	    strstr(log, "s\t") != NULL, "audit: UTC time and duration");
	free(log);

	snprintf(spec, sizeof spec, "rm -rf '%s' '%s'", dir, logp);
	if (system(spec) != 0)
		ok(0, "cleanup");
	mx_buf_free(&b);
	return tap_done();
}
