/* cmd-queue.c - the "queue" verb: count a host's mail queue.
 *
 *   mxmove queue HOST [--mta qmail|postfix|sendmail] [--json]
 *                [--qmail-dir DIR] [--postfix-config DIR]
 *                [--sendmail-dir DIR] [--sendmail-queue DIR]
 *
 * Prints "mta: NAME", "total: N", then one "COUNTER: N" line per counter
 * (qmail: queue, unpreprocessed, local, remote; Postfix: incoming,
 * active, deferred, hold; sendmail: queue, quarantined, submission).
 */
#include <config.h>

#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>

#include "commands.h"
#include "host.h"
#include "i18n.h"
#include "mta-cli.h"
#include "mta.h"

static void
print_json(const char *host, const struct mx_mta_queue *q)
{
	struct json_object *o = json_object_new_object();
	struct json_object *c = json_object_new_object();
	int i;

	json_object_object_add(o, "host", json_object_new_string(host));
	json_object_object_add(o, "mta", json_object_new_string(q->mta));
	json_object_object_add(o, "total", json_object_new_int64(q->total));
	for (i = 0; i < q->n; i++)
		json_object_object_add(c, q->c[i].name,
		    json_object_new_int64(q->c[i].value));
	json_object_object_add(o, "counts", c);
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
}

int
mx_cmd_queue(int argc, char **argv)
{
	static const struct option longopts[] = {
		MX_MTA_CLI_LONGOPTS,
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct mx_mta_opts o = { 0 };
	const struct mx_mta_ops *ops;
	const char *mta = NULL;
	struct mx_mta_queue q;
	struct mx_host *h;
	struct mx_err err;
	int c, json = 0, rc, i;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (mx_mta_cli_option(c, optarg, &mta, &o))
			continue;
		switch (c) {
		case 'j':
			json = 1;
			break;
		case 'h':
			printf(_("Usage: mxmove queue HOST [--mta qmail|postfix|sendmail] [--json]\n"
			    "       [--qmail-dir DIR] [--postfix-config DIR] [--sendmail-dir DIR]\n"
			    "       [--sendmail-queue DIR]\n"));
			return MX_EXIT_OK;
		default:
			return MX_EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, _("mxmove queue: give one HOST\n"));
		return MX_EXIT_USAGE;
	}
	rc = mx_mta_cli_open("queue", argv[optind], mta, &o, &h, &ops);
	if (rc != MX_EXIT_OK)
		return rc;
	if (ops->queue(h, &o, &q, &err) == -1) {
		mx_host_close(h);
		return mx_cmd_fail("queue", err.msg);
	}
	if (json)
		print_json(argv[optind], &q);
	else {
		printf("mta: %s\n", q.mta);
		printf("total: %ld\n", q.total);
		for (i = 0; i < q.n; i++)
			printf("%s: %ld\n", q.c[i].name, q.c[i].value);
	}
	mx_host_close(h);
	return MX_EXIT_OK;
}
