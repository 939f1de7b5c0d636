/* cmd-mbox2maildir.c - the "mbox2maildir" verb: convert one mbox file
 * into a Maildir, keeping flags, dates and X-UIDL/X-UID headers.
 *
 * Exit status: 0 all read cleanly; 1 damage was reported (every good
 * message is still imported) or the conversion failed; 2 bad usage. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "i18n.h"
#include "mbox.h"

static void
m2m_usage(FILE *fp)
{
	fputs(_("Usage: mxmove mbox2maildir [OPTION]... MBOX MAILDIR\n"
	    "Convert an mbox file into a Maildir (created when missing).\n"
	    "Running it again adds only the messages not yet converted.\n\n"
	    "  --format F     mboxo (default), mboxrd or mboxcl2\n"
	    "  --host NAME    host part of the new file names (default: this host)\n"
	    "  --owner U:G    numeric owner of what is written\n"
	    "  --dry-run      read and count, write nothing\n"), fp);
}

static void
report_damage(void *ctx, uint64_t off, const char *what)
{
	const char *mbox = ctx;

	fprintf(stderr, _("mxmove mbox2maildir: %s: byte offset %" PRIu64
	    ": %s\n"), mbox, off, what);
}

int
mx_cmd_mbox2maildir(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "host", required_argument, NULL, 'H' },
		{ "owner", required_argument, NULL, 'o' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct mx_mbox_conv_opts opts;
	struct mx_mbox_conv_stats st;
	struct mx_err err;
	unsigned long u, g;
	char *end;
	int c, fd, rc;

	memset(&opts, 0, sizeof opts);
	opts.format = MX_MBOXO;
	opts.uid = (uid_t)-1;
	opts.gid = (gid_t)-1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (mx_mbox_format_parse(optarg, &opts.format) == -1) {
				fprintf(stderr, _("mxmove mbox2maildir: unknown "
				    "format '%s' (mboxo, mboxrd or mboxcl2)\n"),
				    optarg);
				return MX_EXIT_USAGE;
			}
			break;
		case 'H':
			opts.host = optarg;
			break;
		case 'o':
			errno = 0;
			u = strtoul(optarg, &end, 10);
			if (errno || *end != ':' || end == optarg) {
bad_owner:
				fprintf(stderr, _("mxmove mbox2maildir: --owner "
				    "wants UID:GID in numbers, not '%s'\n"), optarg);
				return MX_EXIT_USAGE;
			}
			g = strtoul(end + 1, &end, 10);
			if (errno || *end != '\0')
				goto bad_owner;
			opts.uid = (uid_t)u;
			opts.gid = (gid_t)g;
			break;
		case 'n':
			opts.dry_run = 1;
			break;
		case 'h':
			m2m_usage(stdout);
			return MX_EXIT_OK;
		default:
			m2m_usage(stderr);
			return MX_EXIT_USAGE;
		}
	}
	if (argc - optind != 2) {
		m2m_usage(stderr);
		return MX_EXIT_USAGE;
	}
	fd = open(argv[optind], O_RDONLY | O_CLOEXEC);
	if (fd == -1) {
		fprintf(stderr, _("mxmove mbox2maildir: %s: %s\n"), argv[optind],
		    strerror(errno));
		return MX_EXIT_FAIL;
	}
	mx_err_clear(&err);
	rc = mx_mbox_to_maildir(mx_mbox_read_fd, &fd, argv[optind + 1], &opts,
	    report_damage, argv[optind], &st, &err);
	close(fd);
	if (rc == -1)
		return mx_cmd_fail("mbox2maildir", err.msg);
	printf(opts.dry_run ?
	    _("%s: %" PRIu64 " messages (%" PRIu64 " bytes) to convert, %"
	    PRIu64 " already there, %" PRIu64 " pseudo skipped, %" PRIu64
	    " damaged spots\n") :
	    _("%s: %" PRIu64 " messages (%" PRIu64 " bytes) converted, %"
	    PRIu64 " already there, %" PRIu64 " pseudo skipped, %" PRIu64
	    " damaged spots\n"),
	    argv[optind], st.messages, st.bytes, st.existing, st.pseudo,
	    st.damaged);
	return st.damaged > 0 ? MX_EXIT_FAIL : MX_EXIT_OK;
}
