/* test-dns.c - the DNS layer without a network: parsing, change tracking
 * across rounds, the countdown arithmetic, keys, update plans, the
 * zone-file back-end, and TCP probes on the local machine. */
#include <config.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dns.h"
#include "probe.h"
#include "tap.h"
#include "zonefile.h"

static char tmpdir[] = "/tmp/mx-test-dns.XXXXXX";

/* libldns 1.8.3 leaks the half-read record when a zone file has a bad
 * record (ldns_zone_new_frm_fp_l's error path): not ours, so LeakSanitizer
 * is told (the hook is only called in a sanitizer build). */
const char *__lsan_default_suppressions(void);
const char *__asan_default_options(void);
const char *
__lsan_default_suppressions(void)
{
	return "leak:ldns_zone_new_frm_fp_l\n";
}

/* libldns has no frame pointers: unwind slowly so that the stack reaches
 * the suppressed function. */
const char *
__asan_default_options(void)
{
	return "fast_unwind_on_malloc=0";
}

static void
set_answer(struct mx_dns_answer *a, const char *addr, enum mx_dns_status st,
    uint32_t ttl, const char *mx)
{
	char line[256];

	memset(a, 0, sizeof(*a));
	snprintf(a->server.addr, sizeof(a->server.addr), "%s", addr);
	snprintf(a->server.name, sizeof(a->server.name), "%s", addr);
	a->server.port = 53;
	a->status = st;
	if (st != MX_DNS_OK)
		return;
	snprintf(line, sizeof(line), "example.test.\t%u\tIN\tMX\t%s", (unsigned)ttl, mx);
	a->lines = calloc(1, sizeof(char *));
	a->lines[0] = strdup(line);
	a->nlines = 1;
	a->max_ttl = ttl;
}

static void
make_round(struct mx_dns_round *r, time_t t, size_t n)
{
	memset(r, 0, sizeof(*r));
	r->started.tv_sec = t;
	r->n = n;
	r->answers = calloc(n, sizeof(*r->answers));
}

static void
test_tracking(void)
{
	struct mx_dns_round r1, r2, r3, r4;

	/* round 1 at t=1000: both servers say MX 10 mail, TTL 3600 */
	make_round(&r1, 1000, 2);
	set_answer(&r1.answers[0], "192.0.2.1", MX_DNS_OK, 3600, "10 mail.example.test.");
	set_answer(&r1.answers[1], "192.0.2.2", MX_DNS_OK, 3600, "10 mail.example.test.");
	mx_dns_round_finish(&r1, NULL);
	ok(r1.all_ok && r1.agree, "two identical answers agree");
	is_int(r1.safe_at, 0, "no change seen: no countdown");
	is_int(r1.answers[0].changed_at, 0, "first round: no change time");

	/* round 2 at t=1060: the primary changed, the secondary lags */
	make_round(&r2, 1060, 2);
	set_answer(&r2.answers[0], "192.0.2.1", MX_DNS_OK, 300, "10 dead.example.test.");
	set_answer(&r2.answers[1], "192.0.2.2", MX_DNS_OK, 3600, "10 mail.example.test.");
	mx_dns_round_finish(&r2, &r1);
	ok(r2.all_ok && !r2.agree, "a lagging secondary: servers disagree");
	is_int(r2.answers[0].changed_at, 1060, "the change is time-stamped on the primary");
	is_int(r2.answers[0].prev_max_ttl, 3600, "the old TTL is remembered");
	is_int(r2.answers[1].changed_at, 0, "the secondary has not changed");

	/* round 3 at t=1120: the secondary times out; the change tracking stays */
	make_round(&r3, 1120, 2);
	set_answer(&r3.answers[0], "192.0.2.1", MX_DNS_OK, 300, "10 dead.example.test.");
	set_answer(&r3.answers[1], "192.0.2.2", MX_DNS_TIMEOUT, 0, NULL);
	mx_dns_round_finish(&r3, &r2);
	ok(!r3.all_ok && !r3.agree, "a timeout: not all answered");
	is_int(r3.answers[0].changed_at, 1060, "an unchanged answer keeps its change time");
	is_int(r3.answers[1].max_ttl, 3600, "a timeout keeps the server's last TTL");

	/* round 4 at t=1180: the secondary caught up */
	make_round(&r4, 1180, 2);
	set_answer(&r4.answers[0], "192.0.2.1", MX_DNS_OK, 300, "10 dead.example.test.");
	set_answer(&r4.answers[1], "192.0.2.2", MX_DNS_OK, 300, "10 dead.example.test.");
	mx_dns_round_finish(&r4, &r3);
	ok(r4.all_ok && r4.agree, "caught up: servers agree");
	is_int(r4.all_seen, 1180, "seen everywhere when the last server had it");
	is_int(r4.old_ttl, 3600, "the old TTL is the largest any server gave");
	is_int(r4.safe_at, 1180 + 3600, "caches expire one old TTL after that");
	is_int(mx_dns_countdown(r4.safe_at, 1180 + 600), 3000, "countdown 10 minutes in");
	is_int(mx_dns_countdown(r4.safe_at, 1180 + 4000), 0, "countdown ends at 0");

	mx_dns_round_free(&r1);
	mx_dns_round_free(&r2);
	mx_dns_round_free(&r3);
	mx_dns_round_free(&r4);
}

static void
test_arith(void)
{
	char b[32];

	is_int(mx_dns_safe_at(1000, 600), 1600, "safe_at = seen + TTL");
	is_str(mx_dns_fmt_duration(7, b, sizeof(b)), "7s", "7 seconds");
	is_str(mx_dns_fmt_duration(245, b, sizeof(b)), "4m05s", "4 minutes 5");
	is_str(mx_dns_fmt_duration(3600, b, sizeof(b)), "1h00m00s", "one hour");
	is_str(mx_dns_fmt_duration(2 * 86400 + 3 * 3600 + 4 * 60 + 5, b, sizeof(b)),
	    "2d03h04m05s", "days");
	is_str(mx_dns_fmt_duration(-5, b, sizeof(b)), "0s", "negative is 0");
}

static void
test_parse(void)
{
	struct mx_dns_server s;
	struct mx_err err;
	char addr[64];
	unsigned port;

	ok(mx_dns_server_parse("192.0.2.53", &s, &err) == 0 && s.port == 53 &&
	    strcmp(s.addr, "192.0.2.53") == 0, "ADDR: port 53");
	ok(mx_dns_server_parse("127.0.0.1@5300", &s, &err) == 0 && s.port == 5300,
	    "ADDR@PORT");
	ok(mx_dns_server_parse("[2001:db8::1]@53", &s, &err) == 0 &&
	    strcmp(s.addr, "2001:db8::1") == 0, "[V6]@PORT");
	ok(mx_dns_server_parse("ns1.example.com", &s, &err) < 0 &&
	    strstr(err.msg, "not an IPv4 or IPv6 address") != NULL, "a name is refused");
	ok(mx_dns_server_parse("127.0.0.1@70000", &s, &err) < 0, "port out of range");
	ok(mx_dns_server_parse("127.0.0.1@", &s, &err) < 0, "empty port");

	ok(mx_probe_parse("192.0.2.25", 25, addr, sizeof(addr), &port, &err) == 0 &&
	    port == 25, "probe ADDR: port 25");
	ok(mx_probe_parse("192.0.2.25:587", 25, addr, sizeof(addr), &port, &err) == 0 &&
	    port == 587, "probe ADDR:PORT");
	ok(mx_probe_parse("[::1]:110", 25, addr, sizeof(addr), &port, &err) == 0 &&
	    port == 110 && strcmp(addr, "::1") == 0, "probe [V6]:PORT");
	ok(mx_probe_parse("::1", 25, addr, sizeof(addr), &port, &err) == 0 &&
	    port == 25, "probe bare V6");
	ok(mx_probe_parse("mail.example.com:25", 25, addr, sizeof(addr), &port, &err) < 0,
	    "probe: a name is refused");
	ok(mx_probe_parse("192.0.2.25:x", 25, addr, sizeof(addr), &port, &err) < 0,
	    "probe: a bad port is refused");
}

static void
write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	fputs(text, fp);
	fclose(fp);
}

static void
test_keys(void)
{
	struct mx_dns_key k;
	struct mx_err err;
	char path[256];

	snprintf(path, sizeof(path), "%s/bind.key", tmpdir);
	write_file(path, "key \"mxkey\" {\n\talgorithm hmac-sha256;\n"
	    "\tsecret \"o+Wx5pT6a+N7rMfnpjuUHzP4tDYa/GvrnrDuUEalaig=\";\n};\n");
	ok(mx_dns_key_load(path, &k, &err) == 0, "BIND key file loads");
	is_str(k.name, "mxkey.", "key name made absolute");
	is_str(k.algorithm, "hmac-sha256.", "algorithm");
	is_str(k.secret, "o+Wx5pT6a+N7rMfnpjuUHzP4tDYa/GvrnrDuUEalaig=", "secret");

	snprintf(path, sizeof(path), "%s/pair.key", tmpdir);
	write_file(path, "other:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n");
	ok(mx_dns_key_load(path, &k, &err) == 0 && strcmp(k.name, "other.") == 0 &&
	    strcmp(k.algorithm, "hmac-sha256.") == 0, "NAME:SECRET file loads");
	ok(mx_dns_key_load("hmac-sha512:k2:AAAA", &k, &err) == 0 &&
	    strcmp(k.algorithm, "hmac-sha512.") == 0, "ALG:NAME:SECRET literal");
	ok(mx_dns_key_load("k:not base64!", &k, &err) < 0 &&
	    strstr(err.msg, "base64") != NULL, "a bad secret is refused");
	ok(mx_dns_key_load("hmac-md4:k:AAAA", &k, &err) < 0 &&
	    strstr(err.msg, "not supported") != NULL, "an unknown algorithm is refused");
	snprintf(path, sizeof(path), "%s/missing.key", tmpdir);
	ok(mx_dns_key_load(path, &k, &err) < 0 && strstr(err.msg, "missing.key") != NULL,
	    "a missing file is named");
	snprintf(path, sizeof(path), "%s/nosecret.key", tmpdir);
	write_file(path, "key \"k\" { algorithm hmac-sha256; };\n");
	ok(mx_dns_key_load(path, &k, &err) < 0 && strstr(err.msg, "secret") != NULL,
	    "a key without secret is refused");
}

static const char zone_text[] =
    "$ORIGIN example.test.\n"
    "$TTL 3600\n"
    "@ IN SOA ns1 hostmaster 2026010101 86400 3600 604800 300\n"
    "@ NS ns1\n"
    "ns1 A 192.0.2.53\n"
    "@ 600 MX 10 mail\n"
    "@ 600 MX 20 mx2.example.test.\n"
    "mail 600 A 192.0.2.2\n"
    "mx2 600 A 192.0.2.22\n"
    "smtp 600 A 192.0.2.2\n"
    "www A 192.0.2.80\n";

static int
has_line(const struct mx_dns_answer *a, const char *line)
{
	size_t i;

	for (i = 0; i < a->nlines; i++)
		if (strcmp(a->lines[i], line) == 0)
			return 1;
	return 0;
}

static void
test_zonefile(void)
{
	struct mx_dns_query_cfg cfg;
	struct mx_dns_round r, r2;
	struct mx_dns_update up;
	struct mx_dns_change chg;
	struct mx_err err;
	char path[256], *pv;
	const char *mx[] = { "5 dead" };
	const char *a[] = { "mail=192.0.2.3" }, *bad_a[] = { "mail=999.1.1.1" };
	const char *bad_mx[] = { "ten mail" };
	uint32_t serial = 0;

	snprintf(path, sizeof(path), "%s/example.test.zone", tmpdir);
	write_file(path, zone_text);
	memset(&cfg, 0, sizeof(cfg));
	cfg.zone = "example.test";
	ok(mx_zonefile_round(path, &cfg, NULL, &r, &err) == 0, "zone file answers");
	ok(r.n == 1 && r.answers[0].status == MX_DNS_OK, "one OK answer");
	is_int(r.answers[0].nlines, 6, "MX x2, A x3 (mail, mx2, smtp), SOA");
	is_str(r.answers[0].lines[0], "example.test.\t600\tIN\tMX\t10 mail.example.test.",
	    "dig-style MX line first");
	ok(has_line(&r.answers[0], "mx2.example.test.\t600\tIN\tA\t192.0.2.22"),
	    "an in-zone MX target's A is answered");
	ok(!has_line(&r.answers[0], "www.example.test.\t3600\tIN\tA\t192.0.2.80"),
	    "an unrelated name is not");
	is_int(r.answers[0].serial, 2026010101, "the serial");
	is_int(r.answers[0].max_ttl, 600, "the largest mail TTL");

	/* plan: --ttl alone */
	memset(&chg, 0, sizeof(chg));
	chg.has_ttl = 1;
	chg.ttl = 300;
	ok(mx_dns_update_plan("example.test", &r.answers[0], &chg, &up, &err) == 0,
	    "plan --ttl 300");
	pv = mx_dns_update_preview(&up);
	ok(strstr(pv, "update delete example.test. MX\n") != NULL &&
	    strstr(pv, "update add example.test.\t300\tIN\tMX\t20 mx2.example.test.\n") != NULL &&
	    strstr(pv, "update add smtp.example.test.\t300\tIN\tA\t192.0.2.2\n") != NULL,
	    "the preview re-adds every record with the new TTL");
	ok(strstr(pv, "SOA") == NULL, "the SOA is not touched");
	free(pv);
	ok(mx_zonefile_apply(path, &up, &serial, &err) == 0, "applied to the zone file");
	is_int(serial, 2026010102, "the serial went up by one");
	mx_dns_update_free(&up);
	ok(mx_zonefile_round(path, &cfg, &r, &r2, &err) == 0, "the zone file answers again");
	ok(has_line(&r2.answers[0], "example.test.\t300\tIN\tMX\t10 mail.example.test.") &&
	    has_line(&r2.answers[0], "mail.example.test.\t300\tIN\tA\t192.0.2.2"),
	    "the new TTL is in the file");
	is_int(r2.answers[0].prev_max_ttl, 600, "the change remembers the old TTL");
	mx_dns_round_free(&r);

	/* --ttl again: nothing to do */
	ok(mx_dns_update_plan("example.test", &r2.answers[0], &chg, &up, &err) == 0 &&
	    up.n == 0, "the same TTL again: an empty update");
	mx_dns_update_free(&up);

	/* --mx and --a */
	memset(&chg, 0, sizeof(chg));
	chg.mx = mx;
	chg.nmx = 1;
	chg.a = a;
	chg.na = 1;
	ok(mx_dns_update_plan("example.test.", &r2.answers[0], &chg, &up, &err) == 0,
	    "plan --mx '5 dead' --a mail=192.0.2.3");
	pv = mx_dns_update_preview(&up);
	is_str(pv, "zone example.test.\n"
	    "update delete example.test. MX\n"
	    "update add example.test.\t300\tIN\tMX\t5 dead.example.test.\n"
	    "update delete mail.example.test. A\n"
	    "update add mail.example.test.\t300\tIN\tA\t192.0.2.3\n",
	    "the exact preview (relative names completed, TTLs kept)");
	free(pv);
	ok(mx_zonefile_apply(path, &up, NULL, &err) == 0, "applied");
	mx_dns_update_free(&up);
	ok(mx_zonefile_round(path, &cfg, NULL, &r, &err) == 0 &&
	    has_line(&r.answers[0], "example.test.\t300\tIN\tMX\t5 dead.example.test.") &&
	    !has_line(&r.answers[0], "example.test.\t300\tIN\tMX\t10 mail.example.test.") &&
	    has_line(&r.answers[0], "mail.example.test.\t300\tIN\tA\t192.0.2.3"),
	    "the MX RRset and the A record were replaced");
	mx_dns_round_free(&r);

	/* bad input */
	memset(&chg, 0, sizeof(chg));
	chg.mx = bad_mx;
	chg.nmx = 1;
	ok(mx_dns_update_plan("example.test", &r2.answers[0], &chg, &up, &err) < 0 &&
	    err.code == MX_E_USAGE, "--mx 'ten mail' is refused");
	memset(&chg, 0, sizeof(chg));
	chg.a = bad_a;
	chg.na = 1;
	ok(mx_dns_update_plan("example.test", &r2.answers[0], &chg, &up, &err) < 0 &&
	    strstr(err.msg, "not an IP address") != NULL, "--a with a bad address is refused");
	memset(&chg, 0, sizeof(chg));
	ok(mx_dns_update_plan("example.test", &r2.answers[0], &chg, &up, &err) < 0,
	    "an empty change is refused");
	mx_dns_round_free(&r2);

	snprintf(path, sizeof(path), "%s/broken.zone", tmpdir);
	write_file(path, "$ORIGIN example.test.\n@ IN SOA ns1 hm 1 2 3 4 5\n"
	    "mail IN A 300.1.1.1\n");
	ok(mx_zonefile_round(path, &cfg, NULL, &r, &err) < 0 &&
	    strstr(err.msg, "broken.zone: line 3") != NULL,
	    "a broken zone file: file and line named");
}

static void
test_probe(void)
{
	struct mx_probe_result res;
	struct mx_err err;
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	int lfd, c;
	unsigned port;
	pid_t child;

	lfd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(lfd, 4) < 0 ||
	    getsockname(lfd, (struct sockaddr *)&sa, &sl) < 0) {
		ok(0, "a local listening socket");
		return;
	}
	port = ntohs(sa.sin_port);
	ok(mx_probe_tcp("127.0.0.1", port, 2000, 0, &res, &err) == 0 &&
	    res.status == MX_PROBE_OPEN, "a listening port is open");
	/* greeting: the child writes one, then the probe reads it */
	child = fork();
	if (child == 0) {
		c = accept(lfd, NULL, NULL);
		c = accept(lfd, NULL, NULL);
		if (write(c, "220-first line\r\n220 lab ESMTP\r\n", 31) < 0)
			_exit(1);
		sleep(2);
		_exit(0);
	}
	ok(mx_probe_tcp("127.0.0.1", port, 2000, 1, &res, &err) == 0 &&
	    res.status == MX_PROBE_OPEN, "open again");
	is_str(res.greeting, "220-first line 220 lab ESMTP",
	    "a multi-line SMTP greeting is read to its last line");
	ok(mx_probe_greets_220(&res) && !mx_probe_is_closed(&res), "it greets with 220");
	close(lfd);
	if (child > 0) {
		kill(child, SIGTERM);
		waitpid(child, NULL, 0);
	}
	ok(mx_probe_tcp("127.0.0.1", port, 2000, 1, &res, &err) == 0 &&
	    res.status == MX_PROBE_REFUSED, "a closed port is refused");
	ok(mx_probe_is_closed(&res) && !mx_probe_greets_220(&res), "refused is closed");
	snprintf(res.greeting, sizeof(res.greeting), "554 go away");
	res.status = MX_PROBE_OPEN;
	ok(!mx_probe_greets_220(&res), "a 554 greeting is not 220");
	ok(strcmp(mx_probe_status_name(MX_PROBE_TIMEOUT), "timeout") == 0,
	    "status names");
	ok(mx_probe_tcp("not-an-address", 25, 100, 0, &res, &err) < 0,
	    "a bad address is an error");
}

int
main(void)
{
	char cmd[300];

	if (mkdtemp(tmpdir) == NULL) {
		printf("Bail out! mkdtemp\n");
		return 1;
	}
	test_tracking();
	test_arith();
	test_parse();
	test_keys();
	test_zonefile();
	test_probe();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", tmpdir);
	return tap_done();
}
