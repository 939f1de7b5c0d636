/* mboxscan.h - the mbox sanity scan: what could make a conversion split
 * or join messages wrongly, found before converting, with byte offsets.
 *
 * Reads the mbox once, in a fixed buffer, and reports:
 *   - a "From " line not preceded by a blank line (an unescaped body line
 *     that a naive reader would take for a new message),
 *   - a From_ line whose date does not parse (a careful reader keeps it as
 *     body text; a naive one splits there),
 *   - a Content-Length header that disagrees with where the next message
 *     starts,
 *   - UW-IMAP's pseudo message ("DON'T DELETE THIS MESSAGE -- FOLDER
 *     INTERNAL DATA"), which must not become mail,
 *   - mixed line endings (CRLF and LF in one file),
 *   - bytes before the first From_ line.
 */
#ifndef MX_MBOXSCAN_H
#define MX_MBOXSCAN_H

#include <stdint.h>

#include "err.h"
#include "mbox.h"

enum mx_scan_kind {
	MX_SCAN_FROM_NO_BLANK,
	MX_SCAN_FROM_BAD_DATE,
	MX_SCAN_CONTENT_LENGTH,
	MX_SCAN_PSEUDO,
	MX_SCAN_MIXED_EOL,
	MX_SCAN_GARBAGE_START,
	MX_SCAN_NKINDS
};

struct mx_scan_finding {
	enum mx_scan_kind kind;
	uint64_t offset;	/* byte offset of the line concerned */
	uint64_t line;		/* its line number, from 1 */
	char text[96];		/* the start of the line, printable */
};

struct mx_scan_result {
	uint64_t messages;	/* From_ separators with a good date */
	uint64_t bytes;
	uint64_t lines_lf, lines_crlf;
	uint64_t count[MX_SCAN_NKINDS];
};

/* A short English name of a finding's kind (N_() marked). */
const char *mx_scan_kind_text(enum mx_scan_kind k);

/* Scan the mbox read by rd. found (may be NULL) hears every finding, in
 * file order. Returns 0, or -1 when reading failed. */
int mx_mbox_scan(mx_mbox_read_fn rd, void *rctx,
    void (*found)(void *ctx, const struct mx_scan_finding *f), void *fctx,
    struct mx_scan_result *res, struct mx_err *err);

#endif
