/* test-dns-threads.c - helper for tests/dns/threads.sh (not a test by itself):
 * runs poll rounds from several worker threads at once, as the wizard
 * does, each thread with its own chain of rounds.
 *     test-dns-threads ZONE THREADS ROUNDS ADDR[@PORT]...
 * Prints one line per round: "T R all_ok agree serial nlines", then, for
 * the last round of thread 0, the first server's lines. */
#include <config.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns.h"

struct job {
	int id, rounds;
	const char *zone;
	struct mx_dns_server *servers;
	size_t n;
	struct mx_dns_round last;
	char out[64][128];
	int failed;
};

static void *
run(void *arg)
{
	struct job *j = arg;
	struct mx_dns_query_cfg cfg;
	struct mx_dns_round prev, cur;
	struct mx_err err;
	int r, have = 0;

	memset(&cfg, 0, sizeof(cfg));
	cfg.zone = j->zone;
	cfg.timeout_ms = 3000;
	for (r = 0; r < j->rounds && r < 64; r++) {
		if (mx_dns_round_run(&cfg, j->servers, j->n, have ? &prev : NULL,
		    &cur, &err) < 0) {
			snprintf(j->out[r], sizeof(j->out[r]), "%d %d error %.100s", j->id, r, err.msg);
			j->failed = 1;
			break;
		}
		snprintf(j->out[r], sizeof(j->out[r]), "%d %d %d %d %u %zu", j->id, r,
		    cur.all_ok, cur.agree, (unsigned)cur.answers[0].serial,
		    cur.answers[0].nlines);
		if (have)
			mx_dns_round_free(&prev);
		prev = cur;
		have = 1;
	}
	if (have)
		j->last = prev;
	return NULL;
}

int
main(int argc, char **argv)
{
	struct mx_dns_server *servers;
	struct job *jobs;
	pthread_t *th;
	struct mx_err err;
	int nt, nr, i, r, rc = 0;
	size_t n, k;

	if (argc < 5) {
		fprintf(stderr, "usage: test-dns-threads ZONE THREADS ROUNDS ADDR[@PORT]...\n");
		return 2;
	}
	nt = atoi(argv[2]);
	nr = atoi(argv[3]);
	n = (size_t)(argc - 4);
	if (nt < 1 || nt > 16 || nr < 1 || nr > 64)
		return 2;
	servers = calloc(n, sizeof(*servers));
	jobs = calloc((size_t)nt, sizeof(*jobs));
	th = calloc((size_t)nt, sizeof(*th));
	for (k = 0; k < n; k++)
		if (mx_dns_server_parse(argv[4 + k], &servers[k], &err) < 0) {
			fprintf(stderr, "%s\n", err.msg);
			return 2;
		}
	for (i = 0; i < nt; i++) {
		jobs[i].id = i;
		jobs[i].rounds = nr;
		jobs[i].zone = argv[1];
		jobs[i].servers = servers;
		jobs[i].n = n;
		pthread_create(&th[i], NULL, run, &jobs[i]);
	}
	for (i = 0; i < nt; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < nt; i++) {
		for (r = 0; r < nr && jobs[i].out[r][0]; r++)
			printf("%s\n", jobs[i].out[r]);
		if (jobs[i].failed)
			rc = 1;
	}
	for (k = 0; jobs[0].last.n > 0 && k < jobs[0].last.answers[0].nlines; k++)
		printf("%s\n", jobs[0].last.answers[0].lines[k]);
	for (i = 0; i < nt; i++)
		mx_dns_round_free(&jobs[i].last);
	free(servers);
	free(jobs);
	free(th);
	return rc;
}
