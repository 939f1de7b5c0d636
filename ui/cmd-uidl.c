/* cmd-uidl.c - the "uidl" verb: the POP3 UIDLs a store or a server
 * presents, per user, and whether they survived the move. */
#include <config.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "commands.h"
#include "host.h"
#include "i18n.h"
#include "pop3.h"
#include "uidl.h"

struct user {
	char *name;
	char *maildir;	/* on HOST; NULL when only the POP3 server is read */
};

struct creds {
	char **user, **pass;
	size_t n;
};

static void
creds_free(struct creds *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		free(c->user[i]);
		if (c->pass[i] != NULL)
			memset(c->pass[i], 0, strlen(c->pass[i]));
		free(c->pass[i]);
	}
	free(c->user);
	free(c->pass);
}

/* FILE holds "user:password" lines; it must not be readable by others. */
static int
creds_read(const char *path, struct creds *c)
{
	char *line = NULL, *colon;
	size_t cap = 0, lineno = 0;
	ssize_t len;
	struct stat st;
	FILE *fp;

	fp = fopen(path, "r");
	if (fp == NULL) {
		perror(path);
		return -1;
	}
	if (fstat(fileno(fp), &st) == 0 && (st.st_mode & 077) != 0) {
		fprintf(stderr, _("%s: readable by others (mode %03o); chmod 600 it first\n"),
		    path, (unsigned)(st.st_mode & 0777));
		fclose(fp);
		return -1;
	}
	while ((len = getline(&line, &cap, fp)) != -1) {
		lineno++;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (line[0] == '\0' || line[0] == '#')
			continue;
		colon = strchr(line, ':');
		if (colon == NULL || colon == line) {
			fprintf(stderr, _("%s:%zu: expected user:password\n"), path, lineno);
			continue;
		}
		*colon = '\0';
		c->user = realloc(c->user, (c->n + 1) * sizeof *c->user);
		c->pass = realloc(c->pass, (c->n + 1) * sizeof *c->pass);
		if (c->user == NULL || c->pass == NULL)
			break;
		c->user[c->n] = strdup(line);
		c->pass[c->n] = strdup(colon + 1);
		c->n++;
	}
	if (line != NULL)
		memset(line, 0, cap);
	free(line);
	fclose(fp);
	return 0;
}

static const char *
creds_find(const struct creds *c, const char *user)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->user[i], user) == 0)
			return c->pass[i];
	return NULL;
}

static void
usage_hint(void)
{
	fprintf(stderr, _("Usage: mxmove uidl [HOST] --user NAME[=MAILDIR]... "
	    "[--pop3 ADDR[:PORT] --credentials FILE]\n"));
}

static int
read_pop3(const char *server, const struct creds *c, const char *user,
    struct mx_uidl_list *l, struct mx_err *err)
{
	char addr[256];
	const char *colon = strrchr(server, ':'), *pass = creds_find(c, user);
	int port = 110;

	if (pass == NULL)
		return mx_err_set(err, MX_E_USAGE, _("%s: no password in the credentials file"),
		    user);
	snprintf(addr, sizeof addr, "%.*s", colon ? (int)(colon - server) : (int)strlen(server),
	    server);
	if (colon != NULL)
		port = atoi(colon + 1);
	return mx_pop3_uidl(addr, port, user, pass, 10000, l, err);
}

int
mx_cmd_uidl(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "user", required_argument, NULL, 'u' },
		{ "pop3", required_argument, NULL, 'p' },
		{ "credentials", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 }
	};
	struct user *users = NULL;
	struct creds creds = { NULL, NULL, 0 };
	struct mx_host *h = NULL;
	struct mx_err err;
	const char *pop3 = NULL, *credfile = NULL, *hostspec = NULL;
	size_t nusers = 0, i, j;
	int c, rc = MX_EXIT_OK;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		char *eq;

		switch (c) {
		case 'u':
			users = realloc(users, (nusers + 1) * sizeof *users);
			if (users == NULL)
				return mx_cmd_fail(argv[0], _("out of memory"));
			eq = strchr(optarg, '=');
			users[nusers].name = eq ? strndup(optarg, (size_t)(eq - optarg))
			    : strdup(optarg);
			users[nusers].maildir = eq ? strdup(eq + 1) : NULL;
			nusers++;
			break;
		case 'p':
			pop3 = optarg;
			break;
		case 'c':
			credfile = optarg;
			break;
		default:
			usage_hint();
			rc = MX_EXIT_USAGE;
			goto out;
		}
	}
	if (optind < argc)
		hostspec = argv[optind++];
	if (optind < argc || nusers == 0 || (pop3 != NULL) != (credfile != NULL)) {
		usage_hint();
		rc = MX_EXIT_USAGE;
		goto out;
	}
	for (i = 0; i < nusers; i++)
		if (users[i].maildir != NULL && hostspec == NULL) {
			fprintf(stderr, _("mxmove uidl: --user %s=MAILDIR needs a HOST\n"),
			    users[i].name);
			rc = MX_EXIT_USAGE;
			goto out;
		} else if (users[i].maildir == NULL && pop3 == NULL) {
			fprintf(stderr, _("mxmove uidl: --user %s needs =MAILDIR or --pop3\n"),
			    users[i].name);
			rc = MX_EXIT_USAGE;
			goto out;
		}
	if (credfile != NULL && creds_read(credfile, &creds) == -1) {
		rc = MX_EXIT_FAIL;
		goto out;
	}
	if (hostspec != NULL && mx_host_open(&h, hostspec, NULL, NULL, &err) == -1) {
		rc = mx_cmd_fail(argv[0], err.msg);
		goto out;
	}

	for (i = 0; i < nusers; i++) {
		struct mx_uidl_list store = { 0 }, server = { 0 };
		struct mx_uidl_diff d;
		const char *u = users[i].name;

		if (users[i].maildir != NULL &&
		    mx_uidl_from_maildir(h, users[i].maildir, &store, &err) == -1) {
			printf(_("%s: ERROR %s\n"), u, err.msg);
			rc = MX_EXIT_FAIL;
			goto next;
		}
		if (pop3 != NULL && read_pop3(pop3, &creds, u, &server, &err) == -1) {
			printf(_("%s: ERROR %s\n"), u, err.msg);
			rc = MX_EXIT_FAIL;
			goto next;
		}
		if (users[i].maildir == NULL || pop3 == NULL) {
			const struct mx_uidl_list *l = pop3 ? &server : &store;

			for (j = 0; j < l->n; j++)
				printf("%s %zu %s %llu\n", u, j + 1, l->v[j].uidl,
				    (unsigned long long)l->v[j].size);
			goto next;
		}
		if (mx_uidl_diff(&store, &server, &d, &err) == -1) {
			printf(_("%s: ERROR %s\n"), u, err.msg);
			rc = MX_EXIT_FAIL;
			goto next;
		}
		/* TRANSLATORS: "alice: 12 of 12 UIDLs unchanged" */
		printf(_("%s: %zu of %zu UIDLs unchanged\n"), u, d.unchanged, d.old_total);
		for (j = 0; j < d.nmissing; j++)
			printf(_("%s:   changed or missing on the server: %s\n"), u, d.missing[j]);
		for (j = 0; j < d.nadded; j++)
			printf(_("%s:   new on the server: %s\n"), u, d.added[j]);
		if (d.nmissing || d.nadded || d.unchanged != d.old_total)
			rc = MX_EXIT_FAIL;
		mx_uidl_diff_free(&d);
next:
		mx_uidl_free(&store);
		mx_uidl_free(&server);
	}
out:
	if (h != NULL)
		mx_host_close(h);
	creds_free(&creds);
	for (i = 0; i < nusers; i++) {
		free(users[i].name);
		free(users[i].maildir);
	}
	free(users);
	return rc;
}
