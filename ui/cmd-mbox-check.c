/* cmd-mbox-check.c - the "mbox-check" verb: the mbox sanity scan, with
 * byte offsets, before anything is converted. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "i18n.h"
#include "mboxscan.h"

static void
print_finding(void *ctx, const struct mx_scan_finding *f)
{
	const char *file = ctx;

	if (f->line > 0)
		printf(_("%s: offset %" PRIu64 " (line %" PRIu64 "): %s: %s\n"), file,
		    f->offset, f->line, _(mx_scan_kind_text(f->kind)), f->text);
	else
		printf(_("%s: offset %" PRIu64 ": %s\n"), file, f->offset,
		    _(mx_scan_kind_text(f->kind)));
}

int
mx_cmd_mbox_check(int argc, char **argv)
{
	int i, k, rc = MX_EXIT_OK;

	if (argc < 2 || argv[1][0] == '-') {
		fprintf(stderr, _("Usage: mxmove mbox-check MBOX...\n"));
		return MX_EXIT_USAGE;
	}
	for (i = 1; i < argc; i++) {
		struct mx_scan_result res;
		struct mx_err err;
		uint64_t total = 0;
		int fd = open(argv[i], O_RDONLY | O_CLOEXEC);

		if (fd == -1) {
			fprintf(stderr, "mxmove mbox-check: %s: %s\n", argv[i], strerror(errno));
			rc = MX_EXIT_FAIL;
			continue;
		}
		if (mx_mbox_scan(mx_mbox_read_fd, &fd, print_finding, argv[i], &res,
		    &err) == -1) {
			fprintf(stderr, "mxmove mbox-check: %s: %s\n", argv[i], err.msg);
			rc = MX_EXIT_FAIL;
		}
		close(fd);
		for (k = 0; k < MX_SCAN_NKINDS; k++)
			total += res.count[k];
		printf(_("%s: %" PRIu64 " messages, %" PRIu64 " bytes, %" PRIu64
		    " suspicious spots\n"), argv[i], res.messages, res.bytes, total);
		if (total > 0)
			rc = MX_EXIT_FAIL;
	}
	return rc;
}
