/* cmd-dns.c - the "dns" verb: poll a zone's authoritative servers (or a
 * zone file), dig-style, once or every --watch seconds. */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "dns.h"
#include "i18n.h"
#include "zonefile.h"

#define VERB "dns"

static int
usage_error(const char *msg)
{
	fprintf(stderr, "mxmove %s: %s\n", VERB, msg);
	fprintf(stderr, _("Usage: mxmove dns ZONE [--server ADDR[@PORT]]... "
	    "[--resolver ADDR[@PORT]] [--zonefile FILE]\n"
	    "       [--name LABEL]... [--watch SECS [--rounds N] "
	    "[--until agree|change]] [--timeout SECS] [--json]\n"));
	return MX_EXIT_USAGE;
}

static const char *
fmt_time(time_t t, char *buf, size_t size)
{
	struct tm tm;

	if (t == 0) {
		snprintf(buf, size, "-");
		return buf;
	}
	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%d %H:%M:%S UTC", &tm);
	return buf;
}

static const char *
fmt_ts(const struct timespec *ts, char *buf, size_t size)
{
	struct tm tm;
	char b[32];

	if (ts->tv_sec == 0) {
		snprintf(buf, size, "-");
		return buf;
	}
	gmtime_r(&ts->tv_sec, &tm);
	strftime(b, sizeof(b), "%H:%M:%S", &tm);
	snprintf(buf, size, "%s.%03ld", b, ts->tv_nsec / 1000000);
	return buf;
}

static void
print_text(const struct mx_dns_round *r, const char *zone)
{
	char t1[64], t2[64], d[32];
	size_t i, j;
	time_t now = time(NULL);

	printf(_(";; %s: %zu server(s), round at %s, %.1f ms\n"), zone, r->n,
	    fmt_time(r->started.tv_sec, t1, sizeof(t1)), r->elapsed_ms);
	for (i = 0; i < r->n; i++) {
		const struct mx_dns_answer *a = &r->answers[i];

		if (a->server.port == 0)
			printf(";; %s: %s", a->server.name, mx_dns_status_name(a->status));
		else if (strcmp(a->server.name, a->server.addr) == 0)
			printf(";; %s@%u: %s", a->server.addr, a->server.port,
			    mx_dns_status_name(a->status));
		else
			printf(";; %s (%s@%u): %s", a->server.name, a->server.addr,
			    a->server.port, mx_dns_status_name(a->status));
		if (a->status == MX_DNS_OK) {
			if (a->has_serial)
				printf(_(", serial %u"), (unsigned)a->serial);
			printf(_(", answered %s"), fmt_ts(&a->answered_at, t2, sizeof(t2)));
			if (a->server.port != 0)
				printf(" (%.1f ms)", a->rtt_ms);
			if (a->changed_at != 0)
				printf(_(", changed %s"), fmt_time(a->changed_at, t1, sizeof(t1)));
			printf("\n");
			for (j = 0; j < a->nlines; j++)
				printf("%s\n", a->lines[j]);
		} else
			printf(" (%s)\n", a->error);
	}
	if (r->agree && r->n > 1)
		printf(_(";; all %zu servers agree\n"), r->n);
	else if (r->n > 1 && r->all_ok)
		printf(_(";; the servers DISAGREE\n"));
	else if (!r->all_ok)
		printf(_(";; not every server answered\n"));
	if (r->safe_at != 0) {
		long left = mx_dns_countdown(r->safe_at, now);

		printf(_(";; change seen on every server at %s; old TTL %u s; "
		    "every cache has expired at %s"),
		    fmt_time(r->all_seen, t1, sizeof(t1)), (unsigned)r->old_ttl,
		    fmt_time(r->safe_at, t2, sizeof(t2)));
		if (left > 0)
			printf(_(" (in %s)\n"), mx_dns_fmt_duration(left, d, sizeof(d)));
		else
			printf(_(" (passed)\n"));
	}
	printf("\n");
}

static void
print_json(const struct mx_dns_round *r, const char *zone)
{
	json_object *o = json_object_new_object(), *arr = json_object_new_array();
	size_t i, j;

	json_object_object_add(o, "zone", json_object_new_string(zone));
	json_object_object_add(o, "started", json_object_new_int64(r->started.tv_sec));
	json_object_object_add(o, "elapsed_ms", json_object_new_double(r->elapsed_ms));
	json_object_object_add(o, "all_ok", json_object_new_boolean(r->all_ok));
	json_object_object_add(o, "agree", json_object_new_boolean(r->agree));
	json_object_object_add(o, "all_seen", json_object_new_int64(r->all_seen));
	json_object_object_add(o, "old_ttl", json_object_new_int64(r->old_ttl));
	json_object_object_add(o, "safe_at", json_object_new_int64(r->safe_at));
	json_object_object_add(o, "countdown", json_object_new_int64(
	    r->safe_at ? mx_dns_countdown(r->safe_at, time(NULL)) : 0));
	for (i = 0; i < r->n; i++) {
		const struct mx_dns_answer *a = &r->answers[i];
		json_object *s = json_object_new_object(), *l = json_object_new_array();

		json_object_object_add(s, "name", json_object_new_string(a->server.name));
		json_object_object_add(s, "addr", json_object_new_string(a->server.addr));
		json_object_object_add(s, "port", json_object_new_int(a->server.port));
		json_object_object_add(s, "status",
		    json_object_new_string(mx_dns_status_name(a->status)));
		if (a->status != MX_DNS_OK)
			json_object_object_add(s, "error", json_object_new_string(a->error));
		if (a->has_serial)
			json_object_object_add(s, "serial", json_object_new_int64(a->serial));
		json_object_object_add(s, "max_ttl", json_object_new_int64(a->max_ttl));
		json_object_object_add(s, "answered_at", json_object_new_double(
		    a->answered_at.tv_sec + a->answered_at.tv_nsec / 1e9));
		json_object_object_add(s, "rtt_ms", json_object_new_double(a->rtt_ms));
		json_object_object_add(s, "first_seen", json_object_new_int64(a->first_seen));
		json_object_object_add(s, "changed_at", json_object_new_int64(a->changed_at));
		for (j = 0; j < a->nlines; j++)
			json_object_array_add(l, json_object_new_string(a->lines[j]));
		json_object_object_add(s, "lines", l);
		json_object_array_add(arr, s);
	}
	json_object_object_add(o, "servers", arr);
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
}

static int
changed(const struct mx_dns_round *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (r->answers[i].changed_at != 0)
			return 1;
	return 0;
}

static int
parse_secs(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || errno || !(v >= 0) || v > 86400 * 7)
		return -1;
	*out = v;
	return 0;
}

int
mx_cmd_dns(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "server", required_argument, NULL, 's' },
		{ "resolver", required_argument, NULL, 'r' },
		{ "zonefile", required_argument, NULL, 'z' },
		{ "name", required_argument, NULL, 'n' },
		{ "watch", required_argument, NULL, 'w' },
		{ "rounds", required_argument, NULL, 'R' },
		{ "until", required_argument, NULL, 'u' },
		{ "timeout", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct mx_dns_server *servers = NULL, resolver;
	size_t nservers = 0;
	const char **names = NULL;
	size_t nnames = 0;
	const char *zonefile = NULL, *until = NULL;
	int have_resolver = 0, json = 0, c, rc = MX_EXIT_USAGE;
	double watch = -1, timeout = 2;
	long rounds = -1, done = 0;
	struct mx_dns_query_cfg cfg;
	struct mx_dns_round prev, cur;
	struct mx_err err;
	int have_prev = 0;

	memset(&prev, 0, sizeof(prev));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 's': {
			struct mx_dns_server *ns = realloc(servers,
			    (nservers + 1) * sizeof(*ns));

			if (ns == NULL)
				goto out;
			servers = ns;
			if (mx_dns_server_parse(optarg, &servers[nservers], &err) < 0) {
				rc = usage_error(err.msg);
				goto out;
			}
			nservers++;
			break;
		}
		case 'r':
			if (mx_dns_server_parse(optarg, &resolver, &err) < 0) {
				rc = usage_error(err.msg);
				goto out;
			}
			have_resolver = 1;
			break;
		case 'z':
			zonefile = optarg;
			break;
		case 'n': {
			const char **nn = realloc(names, (nnames + 1) * sizeof(*nn));

			if (nn == NULL)
				goto out;
			names = nn;
			names[nnames++] = optarg;
			break;
		}
		case 'w':
			if (parse_secs(optarg, &watch) < 0) {
				rc = usage_error(_("--watch: expected seconds, e.g. 5 or 0.5"));
				goto out;
			}
			break;
		case 'R': {
			char *end;

			errno = 0;
			rounds = strtol(optarg, &end, 10);
			if (*end != '\0' || errno || rounds < 1) {
				rc = usage_error(_("--rounds: expected a number of rounds (1 or more)"));
				goto out;
			}
			break;
		}
		case 'u':
			if (strcmp(optarg, "agree") != 0 && strcmp(optarg, "change") != 0) {
				rc = usage_error(_("--until: expected 'agree' or 'change'"));
				goto out;
			}
			until = optarg;
			break;
		case 't':
			if (parse_secs(optarg, &timeout) < 0 || timeout < 0.01) {
				rc = usage_error(_("--timeout: expected seconds, e.g. 2"));
				goto out;
			}
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			usage_error(_("poll the zone's authoritative servers"));
			rc = MX_EXIT_OK;
			goto out;
		default:
			rc = usage_error(optopt ? _("unknown or incomplete option") :
			    _("unknown option"));
			goto out;
		}
	}
	if (optind != argc - 1) {
		rc = usage_error(_("give exactly one ZONE"));
		goto out;
	}
	if (zonefile != NULL && (nservers > 0 || have_resolver)) {
		rc = usage_error(_("--zonefile answers by itself: no --server or --resolver with it"));
		goto out;
	}
	if ((rounds > 0 || until != NULL) && watch < 0) {
		rc = usage_error(_("--rounds and --until go with --watch SECS"));
		goto out;
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.zone = argv[optind];
	cfg.names = names;
	cfg.nnames = nnames;
	cfg.timeout_ms = (int)(timeout * 1000 + 0.5);
	if (zonefile == NULL && nservers == 0) {
		if (mx_dns_discover(cfg.zone, have_resolver ? &resolver : NULL,
		    cfg.timeout_ms, &servers, &nservers, &err) < 0) {
			rc = mx_cmd_fail(VERB, err.msg);
			goto out;
		}
	}
	if (watch >= 0 && rounds < 0 && until == NULL)
		rounds = -1;	/* forever */
	else if (watch < 0)
		rounds = 1;
	for (;;) {
		int r;

		if (zonefile != NULL)
			r = mx_zonefile_round(zonefile, &cfg, have_prev ? &prev : NULL,
			    &cur, &err);
		else
			r = mx_dns_round_run(&cfg, servers, nservers,
			    have_prev ? &prev : NULL, &cur, &err);
		if (r < 0) {
			rc = mx_cmd_fail(VERB, err.msg);
			goto out;
		}
		done++;
		if (json)
			print_json(&cur, cfg.zone);
		else
			print_text(&cur, cfg.zone);
		fflush(stdout);
		if (have_prev)
			mx_dns_round_free(&prev);
		prev = cur;
		have_prev = 1;
		if (until != NULL && strcmp(until, "agree") == 0 && prev.agree) {
			rc = MX_EXIT_OK;
			goto out;
		}
		if (until != NULL && strcmp(until, "change") == 0 && changed(&prev)) {
			rc = MX_EXIT_OK;
			goto out;
		}
		if (rounds > 0 && done >= rounds)
			break;
		{
			struct timespec ts;

			ts.tv_sec = (time_t)watch;
			ts.tv_nsec = (long)((watch - (double)ts.tv_sec) * 1e9);
			while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
				;
		}
	}
	if (until != NULL) {
		fprintf(stderr, _("mxmove %s: gave up after %ld round(s): %s not seen\n"),
		    VERB, done, strcmp(until, "agree") == 0 ?
		    _("agreement") : _("a change"));
		rc = MX_EXIT_FAIL;
	} else
		rc = prev.all_ok && prev.agree ? MX_EXIT_OK : MX_EXIT_FAIL;
out:
	if (have_prev)
		mx_dns_round_free(&prev);
	free(servers);
	free(names);
	return rc;
}
