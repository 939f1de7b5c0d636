/* test-mta-qmail.c - the qmail back-end against a tree laid out as qmail
 * lays it (formats.md), on a rooted local host: queue counts of known
 * size, accept-for, the sticky-bit and remote-queue freezes and their
 * thaw (byte-identical), forward with vpopmail's users/assign, backups,
 * the record on the host, and refusals that leave everything as it was. */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "changes.h"
#include "ctlfile.h"
#include "err.h"
#include "host.h"
#include "mta.h"
#include "tap.h"
#include "tree.h"

static char root[] = "/tmp/mxqmail-test.XXXXXX";
#define mkpath(rel, mode) tree_mkpath(root, rel, mode)
#define put(rel, text) tree_put(root, rel, text)
#define slurp(rel) tree_slurp(root, rel)

static mode_t
mode_of(const char *rel)
{
	char p[1024];
	struct stat st;

	snprintf(p, sizeof p, "%s/%s", root, rel);
	if (stat(p, &st) == -1)
		return (mode_t)-1;
	return st.st_mode & 07777;
}

static int
exists(const char *rel)
{
	char p[1024];

	snprintf(p, sizeof p, "%s/%s", root, rel);
	return access(p, F_OK) == 0;
}

/* Files beside rel whose names start with "rel.mxmove-": backups. */
static int
backups_of(const char *rel)
{
	char cmd[1200], buf[32];
	FILE *p;
	int n = 0;

	snprintf(cmd, sizeof cmd, "ls -1 %s/%s.mxmove-* 2>/dev/null | wc -l",
	    root, rel);
	p = popen(cmd, "r");
	if (p != NULL) {
		if (fgets(buf, sizeof buf, p) != NULL)
			n = atoi(buf);
		pclose(p);
	}
	return n;
}

static const char locals0[] = "# this host\nold.example.org\nold\nexample.org\n";
static const char rcpt0[] = "old.example.org\nold\nexample.org\nvpop.example\n";
static const char vd0[] = "vpop.example:vpop.example\n";
static const char assign0[] =
    "=joe:joe:1001:1001:/mail/joe:::\n"
    "+vpop.example-:vpop.example:89:89:/home/vpopmail/domains/vpop.example:-::\n"
    ".\n";
static const char routes0[] = "# default route\n:smarthost.example.net\n";

/* A queue as qmail-send leaves it: mess/N/INODE with N = inode % 23. */
static void
build_tree(void)
{
	static const int inodes[] = { 101, 102, 125, 200, 301, 302, 333, 470, 999 };
	char p[256];
	size_t i;

	mkpath("var/qmail/control", 0755);
	mkpath("var/qmail/users", 0755);
	mkpath("var/qmail/bin", 0755);
	put("var/qmail/control/me", "old.example.org\n");
	put("var/qmail/control/locals", locals0);
	put("var/qmail/control/rcpthosts", rcpt0);
	put("var/qmail/control/virtualdomains", vd0);
	put("var/qmail/control/smtproutes", routes0);
	put("var/qmail/users/assign", assign0);
	mkpath("var/qmail/queue/lock", 0750);
	mkpath("var/qmail/queue/pid", 0700);
	for (i = 0; i < 23; i++) {
		snprintf(p, sizeof p, "var/qmail/queue/mess/%zu", i);
		mkpath(p, 0750);
		snprintf(p, sizeof p, "var/qmail/queue/info/%zu", i);
		mkpath(p, 0700);
		snprintf(p, sizeof p, "var/qmail/queue/local/%zu", i);
		mkpath(p, 0700);
		snprintf(p, sizeof p, "var/qmail/queue/remote/%zu", i);
		mkpath(p, 0700);
		snprintf(p, sizeof p, "var/qmail/queue/todo/%zu", i);
		mkpath(p, 0750);	/* notqmail splits todo too */
	}
	mkpath("var/qmail/queue/intd", 0700);
	mkpath("var/qmail/queue/bounce", 0700);
	for (i = 0; i < 9; i++) {	/* 9 messages */
		snprintf(p, sizeof p, "var/qmail/queue/mess/%d/%d",
		    inodes[i] % 23, inodes[i]);
		put(p, "Received: ...\n\nbody\n");
	}
	for (i = 0; i < 2; i++) {	/* 2 not yet preprocessed */
		snprintf(p, sizeof p, "var/qmail/queue/todo/%d/%d",
		    inodes[i] % 23, inodes[i]);
		put(p, "u0\np0\nFjoe@example.org\n");
	}
	for (i = 2; i < 9; i++) {	/* 7 preprocessed: 3 local, 4 remote */
		snprintf(p, sizeof p, "var/qmail/queue/info/%d/%d",
		    inodes[i] % 23, inodes[i]);
		put(p, "Fjoe@example.org");
		snprintf(p, sizeof p, "var/qmail/queue/%s/%d/%d",
		    i < 5 ? "local" : "remote", inodes[i] % 23, inodes[i]);
		put(p, "Tjoe@example.org");
	}
	mkpath("mail/joe", 0755);
	mkpath("mail/ann", 0700);
	mkpath("mail/already", 01755);
	put("mail/not-a-home", "x");
	mkpath("home/vpopmail/domains/vpop.example", 0700);
}

static struct mx_host *
open_root(void)
{
	struct mx_host *h = NULL;
	struct mx_err err;
	char spec[256];

	snprintf(spec, sizeof spec, "local:%s", root);
	if (mx_host_open(&h, spec, NULL, NULL, &err) == -1) {
		printf("# %s\n", err.msg);
		return NULL;
	}
	return h;
}

static void
test_queue(struct mx_host *h)
{
	const struct mx_mta_ops *m = mx_mta_lookup("qmail");
	struct mx_mta_queue q;
	struct mx_err err;
	struct mx_mta_opts o = { 0 };
	const struct mx_mta_ops *found;

	ok(m != NULL, "qmail is found by name");
	ok(mx_mta_lookup("exim") == NULL, "an unknown MTA is not");
	ok(mx_mta_detect(h, &o, &found, &err) == 0 && found == m,
	    "qmail is detected from /var/qmail/control");
	ok(m->queue(h, &o, &q, &err) == 0, "the queue is counted");
	is_int(q.total, 9, "messages in queue: 9 (files under mess/)");
	is_int(q.n, 4, "four counters");
	is_str(q.c[1].name, "unpreprocessed", "second: not yet preprocessed");
	is_int(q.c[1].value, 2, "2 in todo/");
	is_int(q.c[2].value, 3, "3 with local deliveries");
	is_int(q.c[3].value, 4, "4 with remote deliveries");
	put("var/qmail/queue/mess/5/28", "new\n");
	put("var/qmail/queue/todo/5/28", "new\n");
	m->queue(h, &o, &q, &err);
	is_int(q.total, 10, "a message injected: the count moves");
	is_int(q.c[1].value, 3, "and it waits in todo/");
	o.qmail_dir = "/nonexistent/qmail";
	ok(m->queue(h, &o, &q, &err) == -1 && err.code == MX_E_NOTFOUND,
	    "no queue: a clear error (%s)", err.msg);
}

/* Plan, apply and record as the verbs do. */
static int
apply(struct mx_host *h, struct mx_changes *cs, const char *state,
    struct mx_buf *log)
{
	struct mx_err err;

	if (mx_changes_save(h, state, cs, &err) == -1 ||
	    mx_changes_apply(h, cs, log, &err) == -1) {
		printf("# %s\n", err.msg);
		return -1;
	}
	return 0;
}

static int
undo(struct mx_host *h, const char *state, struct mx_buf *log)
{
	struct mx_changes cs = MX_CHANGES_INIT;
	struct mx_err err;
	int found, rc;

	rc = mx_changes_read(h, state, &cs, &found, &err);
	if (rc == 0 && !found)
		rc = -1;
	if (rc == 0)
		rc = mx_changes_undo(h, &cs, log, &err);
	if (rc == 0)
		rc = mx_changes_drop(h, state, &err);
	if (rc == -1)
		printf("# %s\n", err.msg);
	mx_changes_free(&cs);
	return rc;
}

static void
test_accept_for(struct mx_host *h)
{
	const struct mx_mta_ops *m = &mx_mta_qmail;
	struct mx_mta_opts o = { 0 };
	struct mx_changes cs = MX_CHANGES_INIT;
	struct mx_buf prev = MX_BUF_INIT, log = MX_BUF_INIT;
	struct mx_err err;
	const char *const names[] = { "new.example.org", "new", NULL };
	const char *const bad[] = { "evil.example\nroot", NULL };
	char *t, *state = mx_mta_state_path(m, &o, "accept-for");

	is_str(state, "/var/qmail/mxmove.accept-for",
	    "the record lives beside the configuration");
	ok(m->accept_for(h, &o, bad, 0, &cs, &err) == -1 &&
	    err.code == MX_E_USAGE, "a name with a newline is refused");
	ok(m->accept_for(h, &o, names, 0, &cs, &err) == 0,
	    "accept-for (relay only) is planned");
	is_int(mx_changes_count(&cs), 1, "one file: rcpthosts");
	mx_changes_preview(&cs, &prev);
	ok(strstr(prev.data, "+++ /var/qmail/control/rcpthosts\n") &&
	    strstr(prev.data, "+new.example.org\n+new\n"),
	    "the preview is a diff adding both names");
	t = slurp("var/qmail/control/rcpthosts");
	is_str(t, rcpt0, "planning changed nothing");
	free(t);
	ok(apply(h, &cs, state, &log) == 0, "applied");
	t = slurp("var/qmail/control/rcpthosts");
	is_str(t, "old.example.org\nold\nexample.org\nvpop.example\nnew.example.org\nnew\n",
	    "rcpthosts holds the new host's names");
	free(t);
	t = slurp("var/qmail/control/locals");
	is_str(t, locals0, "locals untouched (relay, not local)");
	free(t);
	is_int(backups_of("var/qmail/control/rcpthosts"), 1,
	    "a timestamped backup beside it");
	is_int(mode_of("var/qmail/mxmove.accept-for"), 0600,
	    "the record is private (0600)");
	mx_changes_free(&cs);
	ok(m->accept_for(h, &o, names, 0, &cs, &err) == 0 &&
	    mx_changes_count(&cs) == 0, "again: nothing to do");
	mx_changes_free(&cs);
	ok(m->accept_for(h, &o, names, 1, &cs, &err) == 0,
	    "accept-for --local is planned");
	is_int(mx_changes_count(&cs), 1, "one file: locals (rcpthosts has them)");
	ok(cs.n == 2 && cs.v[1].kind == MX_CH_RUN &&
	    strstr(cs.v[1].argv[2], "kill -HUP") != NULL,
	    "and a HUP to qmail-send (it rereads locals)");
	ok(apply(h, &cs, state, &log) == 0, "applied");
	ok(strstr(log.data, "not run on a mounted copy") != NULL,
	    "the HUP is not sent on a mounted copy");
	ok(undo(h, state, &log) == 0, "one call undoes both");
	t = slurp("var/qmail/control/rcpthosts");
	is_str(t, rcpt0, "rcpthosts byte-identical again");
	free(t);
	t = slurp("var/qmail/control/locals");
	is_str(t, locals0, "locals byte-identical again");
	free(t);
	ok(!exists("var/qmail/mxmove.accept-for"), "the record is gone");
	mx_changes_free(&cs);
	mx_buf_free(&prev);
	mx_buf_free(&log);
	free(state);
}

static void
test_sticky(struct mx_host *h)
{
	const struct mx_mta_ops *m = &mx_mta_qmail;
	struct mx_mta_opts o = { 0 };
	struct mx_changes cs = MX_CHANGES_INIT;
	struct mx_buf log = MX_BUF_INIT, prev = MX_BUF_INIT;
	struct mx_err err;
	const char *const under[] = { "/mail", NULL };
	const char *const doms[] = { "vpop.example", NULL };
	const char *const nodoms[] = { "example.org", NULL };
	struct mx_mta_freeze f = { MX_FREEZE_STICKY, NULL, NULL, under, NULL };
	char *state = mx_mta_state_path(m, &o, "freeze");

	ok(m->freeze(h, &o, &f, &cs, &err) == 0, "sticky freeze of /mail/*");
	is_int(mx_changes_count(&cs), 2,
	    "two homes to change (the sticky one and the file are left)");
	mx_changes_preview(&cs, &prev);
	ok(strstr(prev.data, "chmod 1755 /mail/joe (was 0755)") != NULL &&
	    strstr(prev.data, "chmod 1700 /mail/ann (was 0700)") != NULL,
	    "the preview names each chmod");
	ok(apply(h, &cs, state, &log) == 0, "applied");
	is_int(mode_of("mail/joe"), 01755, "joe's home is sticky");
	is_int(mode_of("mail/ann"), 01700, "ann's home is sticky");
	mx_changes_free(&cs);
	f.homes_under = NULL;
	f.domains = doms;
	ok(m->freeze(h, &o, &f, &cs, &err) == 0,
	    "sticky freeze of a vpopmail domain (from users/assign)");
	ok(cs.n >= 1 && cs.v[0].kind == MX_CH_MODE &&
	    strcmp(cs.v[0].path, "/home/vpopmail/domains/vpop.example") == 0,
	    "the domain directory is the home");
	ok(apply(h, &cs, state, &log) == 0, "applied (appended to the record)");
	is_int(mode_of("home/vpopmail/domains/vpop.example"), 01700,
	    "the domain is sticky");
	mx_changes_free(&cs);
	f.domains = nodoms;
	ok(m->freeze(h, &o, &f, &cs, &err) == -1 &&
	    strstr(err.msg, "no line for example.org") != NULL,
	    "a domain without an assign line: a clear error (%s)", err.msg);
	mx_changes_free(&cs);
	/* someone else changes ann's mode meanwhile: thaw leaves it */
	{
		char p[512];

		snprintf(p, sizeof p, "%s/mail/ann", root);
		chmod(p, 01750);
	}
	ok(undo(h, state, &log) == 0, "thaw");
	is_int(mode_of("mail/joe"), 0755, "joe's home is back to 0755");
	is_int(mode_of("home/vpopmail/domains/vpop.example"), 0700,
	    "the domain is back to 0700");
	is_int(mode_of("mail/already"), 01755,
	    "a home sticky before the freeze stays sticky");
	is_int(mode_of("mail/ann"), 01750,
	    "a mode changed by someone else since is left alone");
	ok(strstr(log.data, "left alone (changed since): /mail/ann") != NULL,
	    "and the log says so");
	mx_buf_free(&log);
	mx_buf_free(&prev);
	free(state);
}

static void
test_remote_queue(struct mx_host *h)
{
	const struct mx_mta_ops *m = &mx_mta_qmail;
	struct mx_mta_opts o = { 0 };
	struct mx_changes cs = MX_CHANGES_INIT;
	struct mx_buf log = MX_BUF_INIT;
	struct mx_err err;
	const char *const doms[] = { "example.org", "vpop.example", NULL };
	struct mx_mta_freeze f = { MX_FREEZE_REMOTE_QUEUE, doms, NULL, NULL,
	    "new.example.org" };
	char *state = mx_mta_state_path(m, &o, "freeze"), *t;
	size_t i;
	int newu = 0, restart = 0;

	f.to = NULL;
	ok(m->freeze(h, &o, &f, &cs, &err) == -1 && err.code == MX_E_USAGE,
	    "the remote-queue freeze needs --to: %s", err.msg);
	f.to = "new.example.org;rm";
	ok(m->freeze(h, &o, &f, &cs, &err) == -1 && err.code == MX_E_USAGE,
	    "a host name with shell characters is refused");
	f.to = "new.example.org";
	ok(m->freeze(h, &o, &f, &cs, &err) == 0, "remote-queue freeze planned");
	for (i = 0; i < cs.n; i++) {
		if (cs.v[i].kind == MX_CH_RUN && strstr(cs.v[i].argv[0], "qmail-newu"))
			newu = 1;
		if (cs.v[i].kind == MX_CH_RUN && cs.v[i].argv[1] &&
		    cs.v[i].argv[2] && strstr(cs.v[i].argv[2], "svc -t"))
			restart = 1;
	}
	ok(newu, "qmail-newu runs (users/assign changed)");
	ok(restart, "qmail-send is restarted (concurrencyremote)");
	ok(apply(h, &cs, state, &log) == 0, "applied");
	t = slurp("var/qmail/control/locals");
	is_str(t, "# this host\nold.example.org\nold\n",
	    "the domain is out of locals");
	free(t);
	t = slurp("var/qmail/control/virtualdomains");
	is_str(t, "", "and out of virtualdomains");
	free(t);
	t = slurp("var/qmail/control/rcpthosts");
	is_str(t, rcpt0, "still in rcpthosts: still accepted");
	free(t);
	t = slurp("var/qmail/control/smtproutes");
	is_str(t, "# default route\n:smarthost.example.net\n"
	    "example.org:new.example.org\nvpop.example:new.example.org\n",
	    "smtproutes sends both to the new host, comments kept");
	free(t);
	t = slurp("var/qmail/control/concurrencyremote");
	is_str(t, "0\n", "concurrencyremote 0: remote deliveries wait");
	free(t);
	t = slurp("var/qmail/users/assign");
	is_str(t, "=joe:joe:1001:1001:/mail/joe:::\n.\n",
	    "vpopmail's assign line is out, the '.' kept");
	free(t);
	mx_changes_free(&cs);
	ok(undo(h, state, &log) == 0, "thaw");
	t = slurp("var/qmail/control/locals");
	is_str(t, locals0, "locals byte-identical");
	free(t);
	t = slurp("var/qmail/control/virtualdomains");
	is_str(t, vd0, "virtualdomains byte-identical");
	free(t);
	t = slurp("var/qmail/control/smtproutes");
	is_str(t, routes0, "smtproutes byte-identical");
	free(t);
	t = slurp("var/qmail/users/assign");
	is_str(t, assign0, "users/assign byte-identical");
	free(t);
	ok(!exists("var/qmail/control/concurrencyremote"),
	    "concurrencyremote, created by the freeze, is gone again");
	mx_buf_free(&log);
	free(state);
}

static void
test_forward(struct mx_host *h)
{
	const struct mx_mta_ops *m = &mx_mta_qmail;
	struct mx_mta_opts o = { 0 };
	struct mx_changes cs = MX_CHANGES_INIT;
	struct mx_buf log = MX_BUF_INIT;
	struct mx_err err;
	const char *const doms[] = { "example.org", NULL };
	char *state = mx_mta_state_path(m, &o, "forward"), *t;

	ok(m->forward(h, &o, doms, "[127.0.0.3]:2525", &cs, &err) == 0,
	    "forward planned");
	/* an admin edits locals between the plan and the apply */
	put("var/qmail/control/locals", "# this host\nold.example.org\nold\nexample.org\nx.example\n");
	ok(mx_changes_apply(h, &cs, &log, &err) == -1,
	    "a file changed since the plan: refused");
	ok(strstr(err.msg, "changed since the plan") != NULL, "saying so: %s",
	    err.msg);
	t = slurp("var/qmail/control/smtproutes");
	is_str(t, routes0, "and nothing was changed");
	free(t);
	mx_changes_free(&cs);
	ok(m->forward(h, &o, doms, "[127.0.0.3]:2525", &cs, &err) == 0,
	    "planned again");
	ok(apply(h, &cs, state, &log) == 0, "applied");
	t = slurp("var/qmail/control/smtproutes");
	ok(t && strstr(t, "example.org:[127.0.0.3]:2525\n"), "the route with a port");
	free(t);
	/* the admin adds another local name after the forward */
	t = slurp("var/qmail/control/locals");
	is_str(t, "# this host\nold.example.org\nold\nx.example\n",
	    "the domain left locals");
	free(t);
	put("var/qmail/control/locals", "# this host\nold.example.org\nold\nx.example\ny.example\n");
	ok(undo(h, state, &log) == 0, "forward undone");
	t = slurp("var/qmail/control/locals");
	is_str(t, "# this host\nold.example.org\nold\nexample.org\nx.example\ny.example\n",
	    "our line is back where it was, the later edit kept");
	free(t);
	t = slurp("var/qmail/control/smtproutes");
	is_str(t, routes0, "smtproutes byte-identical");
	free(t);
	mx_changes_free(&cs);
	mx_buf_free(&log);
	free(state);
}

int
main(void)
{
	struct mx_host *h;
	char cmd[300];

	if (mkdtemp(root) == NULL) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	build_tree();
	h = open_root();
	ok(h != NULL, "the tree opens as local:%s", root);
	if (h != NULL) {
		test_queue(h);
		test_accept_for(h);
		test_sticky(h);
		test_remote_queue(h);
		test_forward(h);
		mx_host_close(h);
	}
	snprintf(cmd, sizeof cmd, "rm -rf %s", root);
	if (tap_failed == 0 && system(cmd) != 0)
		printf("# could not remove %s\n", root);
	return tap_done();
}
