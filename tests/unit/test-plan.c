/* test-plan.c - the plan file: strict parsing, validation, 0600 saves. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plan.h"
#include "tap.h"

static int
parse_fails(const char *text, const char *want)
{
	struct mx_plan *p = NULL;
	struct mx_err err;
	int r;

	mx_err_clear(&err);
	r = mx_plan_parse(&p, text, strlen(text), "plan", &err);
	if (r == 0) {
		mx_plan_free(p);
		printf("#   parsed: %s\n", text);
		return 0;
	}
	if (strstr(err.msg, want) == NULL) {
		printf("#   message '%s' lacks '%s'\n", err.msg, want);
		return 0;
	}
	return p == NULL;
}

int
main(void)
{
	static const char good[] =
	    "# a comment\n"
	    "\n"
	    "old = local:/srv/old\n"
	    "new = ssh://root@new.example.org:2222\n"
	    "domains =  example.com example.net \n"
	    "strategy = queue\n"
	    "dead_ip = 192.0.2.9\n"
	    "live_ip = 2001:db8::25\n"
	    "dns_servers = 127.0.0.53@5353 127.0.0.54\n"
	    "source = passwd vpopmail dovecot\n"
	    "target = vpopmail\n"
	    "state.1.lower-ttl = done\n"
	    "state.ttl_changed_at = 1700000000\n";
	struct mx_plan *p = NULL, *q = NULL;
	struct mx_err err;
	char dir[] = "/tmp/test-plan.XXXXXX", path[256];
	struct stat st;
	char *a, *b;

	ok(mx_plan_parse(&p, good, strlen(good), "plan", &err) == 0,
	    "a good plan parses");
	is_str(mx_plan_get(p, MX_PLAN_OLD), "local:/srv/old", "old");
	is_str(mx_plan_get(p, MX_PLAN_DOMAINS), "example.com example.net",
	    "domains trimmed");
	is_str(mx_plan_get(p, MX_PLAN_STRATEGY), "queue", "strategy");
	is_str(mx_plan_get(p, MX_PLAN_LOW_TTL), "600", "low_ttl default");
	is_str(mx_plan_state_get(p, "1.lower-ttl"), "done", "state entry");
	is_int(mx_plan_state_time(p, "ttl_changed_at"), 1700000000, "state time");
	ok(mx_plan_state_get(p, "nothing") == NULL, "unset state is NULL");
	ok(mx_plan_complete(p, &err) == 0, "the plan is complete");

	ok(parse_fails("old = a\nbogus = 1\n", "plan: line 2: unknown setting 'bogus'"),
	    "an unknown key names its line");
	ok(parse_fails("\n\n\nnew = x\nnew = y\n", "line 5: new is given twice"),
	    "a key given twice");
	ok(parse_fails("old\n", "line 1: expected 'key = value'"),
	    "a line without =");
	ok(parse_fails("dead_ip = 300.1.1.1\n", "line 1: dead_ip: '300.1.1.1' is not an IP address"),
	    "a bad IP address");
	ok(parse_fails("strategy = melt\n", "strategy: 'melt'"), "a bad strategy");
	ok(parse_fails("domains = example.com exa..mple\n", "'exa..mple' is not a domain name"),
	    "a bad domain");
	ok(parse_fails("dns_servers = 127.0.0.1@70000\n", "the port must be 1 to 65535"),
	    "a bad port");
	ok(parse_fails("source = passwd exchange\n", "'exchange' is not a source"),
	    "a bad source");
	ok(parse_fails("low_ttl = 5\n", "30 to 86400"), "a TTL out of range");
	ok(parse_fails("old = a b\n", "a host has no spaces"), "a host with a space");
	ok(parse_fails("state.a = 1\nstate.a = 2\n", "line 2: state.a is given twice"),
	    "a state given twice");
	ok(parse_fails("state.a/b = 1\n", "a state name"), "a bad state name");
	ok(mx_plan_parse(&q, "old = a\0b\n", 10, "plan", &err) == -1 &&
	    strstr(err.msg, "not a text file") != NULL, "a NUL byte is refused");

	ok(mx_plan_set(p, MX_PLAN_LIVE_IP, "", &err) == 0, "clear live_ip");
	ok(mx_plan_complete(p, &err) == -1 && strstr(err.msg, "both dead_ip"),
	    "dead_ip without live_ip is incomplete");
	ok(mx_plan_set(p, MX_PLAN_LIVE_IP, "192.0.2.9", &err) == 0, "live_ip");
	ok(mx_plan_complete(p, &err) == -1 && strstr(err.msg, "must differ"),
	    "the same dead and live IP is refused");
	ok(mx_plan_set(p, MX_PLAN_LIVE_IP, "nope", &err) == -1 &&
	    strcmp(mx_plan_get(p, MX_PLAN_LIVE_IP), "192.0.2.9") == 0,
	    "a refused value leaves the old one");
	ok(mx_plan_set(p, MX_PLAN_LIVE_IP, "192.0.2.25", &err) == 0, "live_ip again");

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof path, "%s/sub/plan", dir);
	ok(mx_plan_save(p, path, &err) == 0, "save (creating the directory)");
	ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600, "saved 0600");
	ok(mx_plan_load(&q, path, &err) == 0, "load it back");
	a = mx_plan_format(p);
	b = q ? mx_plan_format(q) : NULL;
	is_str(b, a, "the plan survives a save and a load");
	free(b);
	mx_plan_free(q);
	q = mx_plan_copy(p);
	b = q ? mx_plan_format(q) : NULL;
	is_str(b, a, "a copy holds the same settings and states");
	ok(q != NULL && q->state != p->state && q->val[0] != p->val[0],
	    "and shares no memory with the original");
	free(a);
	free(b);
	mx_plan_free(q);
	ok(mx_plan_load(&q, "/nonexistent/plan", &err) == -1 &&
	    err.code == MX_E_NOTFOUND, "a missing plan is NOTFOUND");
	unlink(path);
	snprintf(path, sizeof path, "%s/sub", dir);
	rmdir(path);
	rmdir(dir);
	mx_plan_free(p);
	return tap_done();
}
