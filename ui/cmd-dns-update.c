/* cmd-dns-update.c - the "dns-update" verb: preview, then send, a
 * TSIG-signed RFC 2136 update (or apply it to a zone file). */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "dns.h"
#include "i18n.h"
#include "zonefile.h"

#define VERB "dns-update"

static int
usage_error(const char *msg)
{
	fprintf(stderr, "mxmove %s: %s\n", VERB, msg);
	fprintf(stderr, _("Usage: mxmove dns-update ZONE (--server ADDR[@PORT] --key FILE | "
	    "--zonefile FILE)\n"
	    "       (--ttl N | --mx 'PREF HOST' | --a NAME=ADDR)... [--dry-run] "
	    "[--timeout SECS]\n"));
	return MX_EXIT_USAGE;
}

static int
push(const char ***v, size_t *n, const char *s)
{
	const char **nv = realloc(*v, (*n + 1) * sizeof(*nv));

	if (nv == NULL)
		return -1;
	*v = nv;
	nv[(*n)++] = s;
	return 0;
}

int
mx_cmd_dns_update(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "server", required_argument, NULL, 's' },
		{ "zonefile", required_argument, NULL, 'z' },
		{ "key", required_argument, NULL, 'k' },
		{ "ttl", required_argument, NULL, 'T' },
		{ "mx", required_argument, NULL, 'm' },
		{ "a", required_argument, NULL, 'a' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct mx_dns_server server;
	struct mx_dns_key key;
	struct mx_dns_change chg;
	struct mx_dns_query_cfg cfg;
	struct mx_dns_round cur;
	struct mx_dns_update up;
	struct mx_dns_update_result res;
	struct mx_err err;
	const char **mx = NULL, **a = NULL;
	size_t nmx = 0, na = 0;
	const char *zonefile = NULL, *keyspec = NULL;
	int have_server = 0, dry = 0, c, rc = MX_EXIT_USAGE, have_round = 0;
	int have_up = 0;
	long timeout_ms = 3000;
	char *preview;

	memset(&chg, 0, sizeof(chg));
	memset(&up, 0, sizeof(up));
	memset(&server, 0, sizeof(server));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		char *end;

		switch (c) {
		case 's':
			if (have_server) {
				rc = usage_error(_("give one --server: the primary that takes updates"));
				goto out;
			}
			if (mx_dns_server_parse(optarg, &server, &err) < 0) {
				rc = usage_error(err.msg);
				goto out;
			}
			have_server = 1;
			break;
		case 'z':
			zonefile = optarg;
			break;
		case 'k':
			keyspec = optarg;
			break;
		case 'T': {
			unsigned long v;

			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (optarg[0] == '\0' || optarg[0] == '-' || *end != '\0' || errno ||
			    v > 2147483647UL) {
				rc = usage_error(_("--ttl: expected seconds (0 to 2147483647)"));
				goto out;
			}
			chg.has_ttl = 1;
			chg.ttl = (uint32_t)v;
			break;
		}
		case 'm':
			if (push(&mx, &nmx, optarg) < 0)
				goto out;
			break;
		case 'a':
			if (push(&a, &na, optarg) < 0)
				goto out;
			break;
		case 'n':
			dry = 1;
			break;
		case 't': {
			double v;

			errno = 0;
			v = strtod(optarg, &end);
			if (*end != '\0' || errno || !(v >= 0.01) || v > 600) {
				rc = usage_error(_("--timeout: expected seconds, e.g. 3"));
				goto out;
			}
			timeout_ms = (long)(v * 1000 + 0.5);
			break;
		}
		case 'h':
			usage_error(_("send a TSIG-signed RFC 2136 update"));
			rc = MX_EXIT_OK;
			goto out;
		default:
			rc = usage_error(_("unknown or incomplete option"));
			goto out;
		}
	}
	if (optind != argc - 1) {
		rc = usage_error(_("give exactly one ZONE"));
		goto out;
	}
	if (have_server == (zonefile != NULL)) {
		rc = usage_error(_("give either --server (with --key) or --zonefile"));
		goto out;
	}
	if (!chg.has_ttl && nmx == 0 && na == 0) {
		rc = usage_error(_("nothing to change: give --ttl, --mx or --a"));
		goto out;
	}
	if (have_server && keyspec == NULL && !dry) {
		rc = usage_error(_("--key FILE is needed to sign the update "
		    "(BIND key format or NAME:SECRET)"));
		goto out;
	}
	if (keyspec != NULL && mx_dns_key_load(keyspec, &key, &err) < 0) {
		rc = mx_cmd_fail(VERB, err.msg);
		goto out;
	}
	chg.mx = mx;
	chg.nmx = nmx;
	chg.a = a;
	chg.na = na;

	/* What the zone holds now, from the place to be changed. */
	memset(&cfg, 0, sizeof(cfg));
	cfg.zone = argv[optind];
	cfg.timeout_ms = (int)timeout_ms;
	if (zonefile != NULL) {
		if (mx_zonefile_round(zonefile, &cfg, NULL, &cur, &err) < 0) {
			rc = mx_cmd_fail(VERB, err.msg);
			goto out;
		}
	} else if (mx_dns_round_run(&cfg, &server, 1, NULL, &cur, &err) < 0) {
		rc = mx_cmd_fail(VERB, err.msg);
		goto out;
	}
	have_round = 1;
	if (cur.answers[0].status != MX_DNS_OK) {
		fprintf(stderr, _("mxmove %s: %s@%u: %s (%s): cannot read the zone's "
		    "records before changing them\n"), VERB, server.addr, server.port,
		    mx_dns_status_name(cur.answers[0].status), cur.answers[0].error);
		rc = MX_EXIT_FAIL;
		goto out;
	}
	if (mx_dns_update_plan(cfg.zone, &cur.answers[0], &chg, &up, &err) < 0) {
		rc = err.code == MX_E_USAGE ? usage_error(err.msg) : mx_cmd_fail(VERB, err.msg);
		goto out;
	}
	have_up = 1;
	if (up.n == 0) {
		printf(_(";; nothing to change: the records already have TTL %u\n"),
		    (unsigned)chg.ttl);
		rc = MX_EXIT_OK;
		goto out;
	}
	preview = mx_dns_update_preview(&up);
	printf(_(";; the update%s:\n%s"), dry ? _(" (dry run: not sent)") : "", preview);
	free(preview);
	fflush(stdout);
	if (dry) {
		rc = MX_EXIT_OK;
		goto out;
	}
	if (zonefile != NULL) {
		uint32_t serial;

		if (mx_zonefile_apply(zonefile, &up, &serial, &err) < 0) {
			rc = mx_cmd_fail(VERB, err.msg);
			goto out;
		}
		printf(_(";; applied to %s, serial now %u\n"), zonefile, (unsigned)serial);
		rc = MX_EXIT_OK;
		goto out;
	}
	if (mx_dns_update_send(&up, &server, keyspec ? &key : NULL, (int)timeout_ms,
	    &res, &err) < 0) {
		rc = mx_cmd_fail(VERB, err.msg);
		goto out;
	}
	if (res.accepted) {
		printf(";; %s@%u: %s\n", server.addr, server.port, res.message);
		rc = MX_EXIT_OK;
	} else {
		fprintf(stderr, "mxmove %s: %s@%u: %s\n", VERB, server.addr, server.port,
		    res.message);
		rc = MX_EXIT_FAIL;
	}
out:
	if (have_up)
		mx_dns_update_free(&up);
	if (have_round)
		mx_dns_round_free(&cur);
	free(mx);
	free(a);
	return rc;
}
