/* cmd-check.c - the "check" verb: connect to a host, verify its key
 * (printing the fingerprint), and show the remote user, the system, the
 * MTA, the mail layout and the free space where mail lives.
 *
 * mxmove check HOST [--known-hosts FILE] [--accept-key SHA256:...]
 *                   [--identity FILE] [--password-fd N]
 * Exit status: 0 the host is usable; 1 it is not (unreachable, key
 * unknown or changed, authentication refused, commands do not run);
 * 2 bad command line. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "commands.h"
#include "host.h"
#include "hostinfo.h"
#include "i18n.h"

/* Ask on the terminal, without echo for secrets. */
static int
ask_tty(void *ctx, const char *host, const char *prompt, int echo, char *buf,
    size_t len)
{
	struct termios old, raw;
	int fd, restore = 0, r = -1;
	size_t n = 0;
	char ch;

	(void)ctx;
	if ((fd = open("/dev/tty", O_RDWR | O_CLOEXEC)) == -1)
		return -1;
	dprintf(fd, "%s: %s", host, prompt);
	if (!echo && tcgetattr(fd, &old) == 0) {
		raw = old;
		raw.c_lflag &= ~(tcflag_t)ECHO;
		restore = tcsetattr(fd, TCSAFLUSH, &raw) == 0;
	}
	while (n + 1 < len) {
		ssize_t k = read(fd, &ch, 1);

		if (k == -1 && errno == EINTR)
			continue;
		if (k <= 0 || ch == '\n')
			break;
		buf[n++] = ch;
	}
	buf[n] = '\0';
	if (restore) {
		tcsetattr(fd, TCSAFLUSH, &old);
		dprintf(fd, "\n");
	}
	r = n > 0 ? 0 : -1;
	close(fd);
	return r;
}

static void
usage_error(const char *msg)
{
	fprintf(stderr, "mxmove check: %s\n", msg);
	fprintf(stderr, _("Usage: mxmove check HOST [--known-hosts FILE] "
	    "[--accept-key SHA256:...] [--identity FILE] [--password-fd N]\n"));
}

static void
print_mtas(const struct mx_hostinfo *hi)
{
	const char *sep = "";

	printf("%-12s ", _("MTA:"));
	if (hi->mtas & MX_MTA_QMAIL) {
		printf("qmail");
		if (hi->qmail_me[0])
			printf(_(" (me: %s)"), hi->qmail_me);
		sep = ", ";
	}
	if (hi->mtas & MX_MTA_POSTFIX) {
		printf("%sPostfix", sep);
		sep = ", ";
	}
	if (hi->mtas & MX_MTA_SENDMAIL) {
		printf("%ssendmail", sep);
		sep = ", ";
	}
	if (hi->mtas & MX_MTA_EXIM) {
		printf(_("%sExim (not supported)"), sep);
		sep = ", ";
	}
	if (sep[0] == '\0')
		printf(_("none found"));
	printf("\n");
	if (hi->plesk_version[0])
		printf("%-12s %s\n", _("Plesk:"), hi->plesk_version);
	if (hi->dovecot)
		printf("%-12s Dovecot\n", _("IMAP/POP3:"));
}

static void
print_space(uint64_t avail, uint64_t total)
{
	char a[32], t[32];

	mx_host_fmt_bytes(a, sizeof a, avail);
	mx_host_fmt_bytes(t, sizeof t, total);
	printf(_("%s free of %s"), a, t);
}

static void
print_layouts(const struct mx_hostinfo *hi)
{
	const struct mx_layout *l;
	int i;

	for (i = 0; i < hi->nlayouts; i++) {
		l = &hi->layouts[i];
		printf("%-12s %s: %s", i == 0 ? _("Mail:") : "",
		    _(mx_layout_name(l->kind)), l->path);
		if (l->count >= 0)
			printf(" (%ld)", l->count);
		printf("\n%-12s ", "");
		if (l->df_ok)
			print_space(l->avail, l->total);
		else
			printf(_("free space unknown"));
		printf("\n");
	}
	if (hi->nlayouts == 0) {
		printf("%-12s %s\n", _("Mail:"), _("no mail layout found"));
		if (hi->root_df_ok) {
			printf("%-12s / ", _("Disk:"));
			print_space(hi->root_avail, hi->root_total);
			printf("\n");
		}
	}
}

int
mx_cmd_check(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "known-hosts", required_argument, NULL, 'k' },
		{ "accept-key", required_argument, NULL, 'a' },
		{ "identity", required_argument, NULL, 'i' },
		{ "password-fd", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct mx_host_askfd askfd = { -1, 0, "" };
	struct mx_host_opts o;
	struct mx_hostkey_info key;
	struct mx_hostinfo hi;
	struct mx_host *h;
	struct mx_err err;
	const char *spec;
	char *end;
	long fd;
	int c;

	memset(&o, 0, sizeof o);
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'k': o.known_hosts = optarg; break;
		case 'a':
			if (strncmp(optarg, "SHA256:", 7) != 0) {
				usage_error(_("--accept-key takes a fingerprint "
				    "like SHA256:..."));
				return MX_EXIT_USAGE;
			}
			o.accept_fingerprint = optarg;
			break;
		case 'i': o.identity = optarg; break;
		case 'p':
			errno = 0;
			fd = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || fd < 0 ||
			    fd > 1024 || fcntl((int)fd, F_GETFD) == -1) {
				usage_error(_("--password-fd takes an open file "
				    "descriptor number"));
				return MX_EXIT_USAGE;
			}
			askfd.fd = (int)fd;
			o.ask = mx_host_ask_fd;
			o.ask_ctx = &askfd;
			break;
		case 'h':
			printf(_("Usage: mxmove check HOST [--known-hosts FILE] "
			    "[--accept-key SHA256:...] [--identity FILE] "
			    "[--password-fd N]\n"));
			return MX_EXIT_OK;
		default:
			usage_error(_("bad option"));
			return MX_EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		usage_error(argc - optind == 0 ? _("no HOST given") :
		    _("only one HOST at a time"));
		return MX_EXIT_USAGE;
	}
	spec = argv[optind];
	if (o.ask == NULL && isatty(0))
		o.ask = ask_tty;

	printf("%-12s %s\n", _("Host:"), spec);
	if (mx_host_open(&h, spec, &o, &key, &err) == -1) {
		if (err.code == MX_E_USAGE) {
			usage_error(err.msg);
			return MX_EXIT_USAGE;
		}
		if (key.fingerprint[0])
			printf("%-12s %s (%s)\n", _("Host key:"), key.fingerprint,
			    key.changed ? _("CHANGED") : _("not known"));
		fflush(stdout);
		mx_cmd_fail("check", err.msg);
		if (err.code == MX_E_HOSTKEY && !key.changed && key.fingerprint[0])
			fprintf(stderr, _("If this is the right key, accept it "
			    "with: mxmove check %s --accept-key %s\n"), spec,
			    key.fingerprint);
		mx_host_askfd_clear(&askfd);
		return MX_EXIT_FAIL;
	}
	mx_host_askfd_clear(&askfd);
	if (key.fingerprint[0])
		printf("%-12s %s (%s)\n", _("Host key:"), key.fingerprint,
		    o.accept_fingerprint ? _("accepted") :
		    _("verified against known_hosts"));
	else
		printf("%-12s %s\n", _("Host key:"), _("none (local)"));
	if (mx_hostinfo_probe(h, &hi, &err) == -1) {
		mx_host_close(h);
		fflush(stdout);
		return mx_cmd_fail("check", err.msg);
	}
	printf("%-12s %s (uid %ld)\n", _("User:"), hi.user, hi.uid);
	if (hi.os[0])
		printf("%-12s %s\n", _("System:"), hi.os);
	print_mtas(&hi);
	print_layouts(&hi);
	printf("%-12s %s\n", _("Result:"), _("usable"));
	mx_host_close(h);
	return MX_EXIT_OK;
}
