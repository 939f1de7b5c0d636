/* cmd-probe.c - the "probe" verb: TCP connect to a mail port; refused,
 * timeout or open with the server's greeting. */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "i18n.h"
#include "probe.h"

#define VERB "probe"

static const unsigned mail_ports[] = { 25, 110, 143, 587, 993, 995 };

static int
usage_error(const char *msg)
{
	fprintf(stderr, "mxmove %s: %s\n", VERB, msg);
	fprintf(stderr, _("Usage: mxmove probe ADDR[:PORT]... [--mail-ports] "
	    "[--expect open|closed|220] [--timeout SECS] [--json]\n"));
	return MX_EXIT_USAGE;
}

struct target {
	char addr[64];
	unsigned port;
};

int
mx_cmd_probe(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "mail-ports", no_argument, NULL, 'm' },
		{ "timeout", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "expect", required_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *expect = "open";
	struct target *t = NULL;
	size_t nt = 0, i, k;
	int all_ports = 0, json = 0, c, rc = MX_EXIT_USAGE, failed = 0;
	long timeout_ms = 5000;
	struct mx_err err;
	json_object *arr = NULL;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'm':
			all_ports = 1;
			break;
		case 't': {
			char *end;
			double v;

			errno = 0;
			v = strtod(optarg, &end);
			if (*end != '\0' || errno || !(v >= 0.01) || v > 600)
				return usage_error(_("--timeout: expected seconds, e.g. 5"));
			timeout_ms = (long)(v * 1000 + 0.5);
			break;
		}
		case 'j':
			json = 1;
			break;
		case 'e':
			if (strcmp(optarg, "open") != 0 && strcmp(optarg, "closed") != 0 &&
			    strcmp(optarg, "220") != 0)
				return usage_error(_("--expect: 'open', 'closed' or '220'"));
			expect = optarg;
			break;
		case 'h':
			usage_error(_("probe TCP ports"));
			return MX_EXIT_OK;
		default:
			return usage_error(_("unknown or incomplete option"));
		}
	}
	if (optind >= argc)
		return usage_error(_("give at least one ADDR[:PORT]"));
	for (i = (size_t)optind; i < (size_t)argc; i++) {
		struct target one;
		size_t nports = all_ports ? sizeof(mail_ports) / sizeof(mail_ports[0]) : 1;
		struct target *nt2;

		if (mx_probe_parse(argv[i], 25, one.addr, sizeof(one.addr), &one.port,
		    &err) < 0) {
			rc = usage_error(err.msg);
			goto out;
		}
		nt2 = realloc(t, (nt + nports) * sizeof(*t));
		if (nt2 == NULL)
			goto out;
		t = nt2;
		for (k = 0; k < nports; k++) {
			t[nt] = one;
			if (all_ports)
				t[nt].port = mail_ports[k];
			nt++;
		}
	}
	if (json)
		arr = json_object_new_array();
	for (i = 0; i < nt; i++) {
		struct mx_probe_result r;
		int v6 = strchr(t[i].addr, ':') != NULL;

		/* TLS-on-connect ports say nothing in clear: no greeting to wait for */
		int tls = t[i].port == 465 || t[i].port == 993 || t[i].port == 995;

		if (mx_probe_tcp(t[i].addr, t[i].port, (int)timeout_ms, !tls, &r, &err) < 0) {
			rc = usage_error(err.msg);
			goto out;
		}
		if (strcmp(expect, "closed") == 0 ? !mx_probe_is_closed(&r) :
		    strcmp(expect, "220") == 0 ? !mx_probe_greets_220(&r) :
		    r.status != MX_PROBE_OPEN)
			failed = 1;
		if (json) {
			json_object *o = json_object_new_object();

			json_object_object_add(o, "addr", json_object_new_string(t[i].addr));
			json_object_object_add(o, "port", json_object_new_int((int)t[i].port));
			json_object_object_add(o, "status",
			    json_object_new_string(mx_probe_status_name(r.status)));
			if (r.status == MX_PROBE_OPEN) {
				json_object_object_add(o, "connect_ms",
				    json_object_new_double(r.connect_ms));
				json_object_object_add(o, "greeting",
				    json_object_new_string(r.greeting));
			} else
				json_object_object_add(o, "error", json_object_new_string(r.error));
			json_object_array_add(arr, o);
			continue;
		}
		printf(v6 ? "[%s]:%u " : "%s:%u ", t[i].addr, t[i].port);
		if (r.status == MX_PROBE_OPEN) {
			printf(_("open (%.1f ms)"), r.connect_ms);
			if (r.greeting[0] != '\0')
				printf(": %s\n", r.greeting);
			else
				printf(tls ? _(": TLS port (no greeting in clear)\n") :
				    _(": no greeting (a silent server)\n"));
		} else
			printf("%s (%s)\n", mx_probe_status_name(r.status), r.error);
	}
	if (json)
		printf("%s\n", json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PLAIN));
	rc = failed ? MX_EXIT_FAIL : MX_EXIT_OK;
out:
	if (arr)
		json_object_put(arr);
	free(t);
	return rc;
}
