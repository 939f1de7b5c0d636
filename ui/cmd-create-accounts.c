/* cmd-create-accounts.c - "mxmove create-accounts --from HOST --to HOST
 * [--target KIND] [--script FILE] [--dry-run]": create the source's
 * accounts on the target with the same hashes. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "acct-cli.h"
#include "acct-target.h"
#include "audit.h"
#include "commands.h"
#include "i18n.h"

enum {
	O_FROM = 512, O_TO, O_TARGET, O_SCRIPT, O_DRY, O_USERS, O_MAILROOT,
	O_OWNER, O_TVPOP, O_MAP, O_TDEF, O_TDB, O_LOG
};

static void
usage(void)
{
	size_t i;

	fprintf(stderr, _("Usage: mxmove create-accounts --from HOST --to HOST "
	    "[--target KIND]\n"
	    "  [--script FILE] [--dry-run] [--map FILE]\n"
	    "  [--target-users FILE] [--mail-root DIR] [--owner UID:GID]\n"
	    "  [--target-vpopmail-dir DIR] [--target-defaults-file FILE]\n"
	    "  [--target-database NAME] [--log FILE]\n"
	    "  and the source options of 'mxmove accounts' (--source KIND ...)\n"
	    "Targets (KIND):\n"));
	for (i = 0; mx_acct_targets[i] != NULL; i++)
		fprintf(stderr, "  %-15s %s\n", mx_acct_targets[i]->name,
		    _(mx_acct_targets[i]->summary));
}

/* Write text to path, mode 0600 (hashes inside). */
static int
write_private(const char *path, const char *text, size_t len)
{
	int fd, e;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd == -1)
		return -1;
	if (fchmod(fd, 0600) == -1 || write(fd, text, len) != (ssize_t)len ||
	    fsync(fd) == -1) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return close(fd);
}

static int
write_map(const char *path, const struct mx_accounts *a)
{
	FILE *fp;
	size_t i;
	const struct mx_account *ac;

	if ((fp = fopen(path, "w")) == NULL)
		return -1;
	fputs("# address\tsource maildir or mbox\ttarget maildir\tstatus\n", fp);
	for (i = 0; i < a->nacct; i++) {
		ac = &a->acct[i];
		if (ac->skip != NULL)
			continue;
		fprintf(fp, "%s%s%s\t%s\t%s\t%s\n", ac->local,
		    ac->domain[0] ? "@" : "", ac->domain,
		    ac->src_maildir ? ac->src_maildir : ac->mbox ? ac->mbox : "-",
		    ac->dst_maildir ? ac->dst_maildir : "-",
		    ac->status ? ac->status : "-");
	}
	return fclose(fp);
}

static int
parse_owner(const char *arg, struct mx_target_opts *t)
{
	if (sscanf(arg, "%lld:%lld", &t->uid, &t->gid) != 2 || t->uid <= 0 ||
	    t->gid <= 0) {
		fprintf(stderr, _("mxmove create-accounts: --owner wants "
		    "UID:GID (numbers above 0), not '%s'\n"), arg);
		return -1;
	}
	return 0;
}

static void
report(const struct mx_script *s, const struct mx_accounts *a)
{
	size_t i;
	const struct mx_account *ac;

	for (i = 0; i < a->nacct; i++) {
		ac = &a->acct[i];
		if (ac->skip != NULL) {
			printf(_("skipped %s%s%s: %s\n"), ac->local,
			    ac->domain[0] ? "@" : "", ac->domain, ac->skip);
			continue;
		}
		if (ac->status == NULL)
			continue;
		printf("%s %s%s%s", ac->status, ac->local,
		    ac->domain[0] ? "@" : "", ac->domain);
		if (ac->dst_maildir != NULL && strncmp(ac->status, "created", 7) == 0)
			printf(" %s", ac->dst_maildir);
		putchar('\n');
	}
	printf(_("%zu created, %zu already there (left as they were), "
	    "%zu refused, %zu failed\n"), s->created, s->existed, s->refused,
	    s->failed);
}

int
mx_cmd_create_accounts(int argc, char **argv)
{
	static const struct option longopts[] = {
		MX_ACCT_CLI_LONGOPTS,
		{ "from", required_argument, NULL, O_FROM },
		{ "to", required_argument, NULL, O_TO },
		{ "target", required_argument, NULL, O_TARGET },
		{ "script", required_argument, NULL, O_SCRIPT },
		{ "dry-run", no_argument, NULL, O_DRY },
		{ "target-users", required_argument, NULL, O_USERS },
		{ "mail-root", required_argument, NULL, O_MAILROOT },
		{ "owner", required_argument, NULL, O_OWNER },
		{ "target-vpopmail-dir", required_argument, NULL, O_TVPOP },
		{ "map", required_argument, NULL, O_MAP },
		{ "target-defaults-file", required_argument, NULL, O_TDEF },
		{ "target-database", required_argument, NULL, O_TDB },
		{ "log", required_argument, NULL, O_LOG },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct mx_acct_cli cli;
	struct mx_target_opts t;
	struct mx_accounts *a = NULL;
	struct mx_script *s = NULL;
	struct mx_host *src = NULL, *dst = NULL;
	struct mx_err err = { 0 };
	struct mx_buf text = MX_BUF_INIT;
	const char *from = NULL, *to = NULL, *kind = NULL, *script = NULL;
	const char *map = NULL, *verb = argv[0], *logpath = NULL;
	struct mx_audit *audit = NULL;
	int c, dry = 0, r, rc = MX_EXIT_FAIL;

	mx_acct_cli_init(&cli);
	mx_target_opts_init(&t);
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case O_FROM: from = optarg; break;
		case O_TO: to = optarg; break;
		case O_TARGET: kind = optarg; break;
		case O_SCRIPT: script = optarg; break;
		case O_DRY: dry = 1; break;
		case O_USERS: t.dovecot_users = optarg; break;
		case O_MAILROOT: t.mail_root = optarg; break;
		case O_TVPOP: t.vpopmail_dir = optarg; break;
		case O_MAP: map = optarg; break;
		case O_TDEF: t.sql_defaults = optarg; break;
		case O_TDB: t.sql_db = optarg; break;
		case O_LOG: logpath = optarg; break;
		case O_OWNER:
			if (parse_owner(optarg, &t) == -1)
				return MX_EXIT_USAGE;
			break;
		case 'h':
			usage();
			return MX_EXIT_OK;
		default:
			if ((r = mx_acct_cli_option(&cli, verb, c, optarg)) != 1) {
				if (r == 0)
					usage();
				return MX_EXIT_USAGE;
			}
		}
	}
	if (from == NULL || to == NULL || optind != argc) {
		usage();
		return MX_EXIT_USAGE;
	}
	if (kind != NULL && mx_acct_target_find(kind) == NULL) {
		fprintf(stderr, _("mxmove %s: unknown target '%s'\n"), verb, kind);
		usage();
		return MX_EXIT_USAGE;
	}
	if (mx_acct_cli_prompt(&cli, verb) == -1)
		return MX_EXIT_USAGE;
	if (logpath != NULL && mx_audit_open(&audit, logpath, &err) == -1) {
		mx_acct_cli_wipe(&cli);
		return mx_cmd_fail(verb, err.msg);
	}
	if ((src = mx_acct_cli_open_audit(verb, from, audit)) == NULL)
		goto out;
	r = mx_accounts_read(src, cli.source, &cli.o, &a, &err);
	mx_acct_cli_wipe(&cli);
	if (r == -1) {
		mx_cmd_fail(verb, err.msg);
		goto out;
	}
	for (size_t i = 0; i < a->nproblem; i++)
		fprintf(stderr, _("mxmove %s: malformed, skipped: %s: %s\n"),
		    verb, a->problem[i].where, a->problem[i].what);
	if (kind == NULL)
		kind = strcmp(a->source, "passwd") == 0 ? "system" : "vpopmail";
	if ((dst = mx_acct_cli_open_audit(verb, to, audit)) == NULL)
		goto out;
	if (mx_accounts_plan(dst, kind, a, &t, &s, &err) == -1) {
		mx_cmd_fail(verb, err.msg);
		goto out;
	}
	if (script != NULL || dry) {
		if (script != NULL) {
			if (mx_script_render(s, 0, a, &text) == -1 ||
			    write_private(script, text.data, text.len) == -1) {
				fprintf(stderr, _("mxmove %s: cannot write %s: %s\n"),
				    verb, script, strerror(errno));
				goto out;
			}
			fprintf(stderr, _("mxmove %s: wrote %s (mode 0600: it "
			    "holds password hashes); nothing was changed\n"),
			    verb, script);
		}
		if (dry) {
			mx_buf_reset(&text);
			mx_script_render(s, 1, a, &text);
			fputs(text.data, stdout);
			fprintf(stderr, _("mxmove %s: dry run: nothing was "
			    "changed; hashes are shown as a prefix only "
			    "(--script FILE writes them)\n"), verb);
		}
		rc = MX_EXIT_OK;
		goto out;
	}
	s->audit = audit;
	if (mx_script_apply(dst, s, a, &err) == -1) {
		report(s, a);
		mx_cmd_fail(verb, err.msg);
		goto out;
	}
	report(s, a);
	if (map != NULL && write_map(map, a) != 0) {
		fprintf(stderr, _("mxmove %s: cannot write %s: %s\n"), verb, map,
		    strerror(errno));
		goto out;
	}
	rc = s->failed > 0 || s->refused > 0 ? MX_EXIT_FAIL : MX_EXIT_OK;
out:
	if (text.data != NULL)
		explicit_bzero(text.data, text.len);
	mx_buf_free(&text);
	mx_script_free(s);
	mx_accounts_free(a);
	if (src != NULL)
		mx_host_close(src);
	if (dst != NULL)
		mx_host_close(dst);
	mx_audit_close(audit);
	mx_acct_cli_wipe(&cli);
	return rc;
}
