/* ledger.h - the reconciliation ledger: per user, what the source holds
 * and what the target holds, side by side, kept across restarts.
 *
 * For each side: messages, bytes, a histogram of flags (from Maildir
 * names: D draft, F flagged, P passed, R replied, S seen, T trashed), the
 * date range (Maildir mtimes: the received date IMAP shows), and how many
 * messages hold the same content as another one (SHA-256). Across sides,
 * by message key (FOLDER/UNIQUE): source messages missing on the target,
 * flags that differ, dates that differ, content that differs.
 *
 * The ledger file is JSON (one object per user), written 0600 with a
 * temporary name and a rename, so a crash never leaves half a ledger. */
#ifndef MX_LEDGER_H
#define MX_LEDGER_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "mbox.h"

struct mx_host;

#define MX_LEDGER_FLAGS "DFPRST"

struct mx_ledger_side {
	uint64_t messages, bytes;
	uint64_t flag[6];	/* counts per letter of MX_LEDGER_FLAGS */
	int64_t first, last;	/* mtime range; 0 when empty */
	uint64_t duplicates;	/* messages whose content another one has */
};

struct mx_ledger_entry {
	char user[128];
	struct mx_ledger_side src, dst;
	uint64_t missing;	/* on the source, not on the target */
	uint64_t extra;		/* on the target only (new mail: fine) */
	uint64_t flags_differ;	/* same message, other flags */
	uint64_t dates_differ;	/* same message, other mtime */
	uint64_t content_differ;	/* same message, other SHA-256 */
	uint64_t damaged;	/* mbox spots the reader could not read as
				   mbox (see mx_mbox_parse) */
	uint64_t uidl_total;	/* POP3 UIDLs the old server presents that
				   the target can keep (INBOX messages of a
				   Maildir; X-UIDL headers of an mbox) */
	uint64_t uidl_same;	/* of those, found unchanged on the target */
	int64_t checked;	/* when (seconds since the epoch) */
	char first_problem[256];	/* names a message, or "" */
};

/* 1 when the entry shows the move complete and faithful. */
int mx_ledger_ok(const struct mx_ledger_entry *e);

/* Compare one user's Maildirs: sdir on src, ddir on dst. digests: also
 * compare contents and count duplicates (reads every message). When sdir
 * is a file, it is read as an mbox (mboxo; see mx_ledger_compare_mbox). */
int mx_ledger_compare(struct mx_host *src, const char *sdir,
    struct mx_host *dst, const char *ddir, int digests,
    struct mx_ledger_entry *e, struct mx_err *err);
/* The same, reading an mbox source as fmt (what the transfer was told). */
int mx_ledger_compare_fmt(struct mx_host *src, const char *sdir,
    enum mx_mbox_format fmt, struct mx_host *dst, const char *ddir,
    int digests, struct mx_ledger_entry *e, struct mx_err *err);

/* Compare an mbox on src (read once, streamed, never written) with the
 * Maildir it was converted into on dst (mbox.h names: DATE.HDIGEST[_N].
 * HOST). The source side: messages (the UW-IMAP pseudo message left out),
 * bytes as Maildir files, flags from Status/X-Status (R seen, A replied,
 * F flagged, T draft, D trashed), the From_ date range, duplicates by
 * SHA-256 (always: the whole mbox is read anyway). Each message is found
 * on the target by its name; its flags, its date (the From_ date against
 * the file's mtime) and with digests its content are compared. */
int mx_ledger_compare_mbox(struct mx_host *src, const char *mbox,
    enum mx_mbox_format fmt, struct mx_host *dst, const char *ddir,
    int digests, struct mx_ledger_entry *e, struct mx_err *err);

struct mx_ledger {
	struct mx_ledger_entry *v;
	size_t n, cap;
};

/* Load a ledger file (missing: an empty ledger). */
int mx_ledger_load(struct mx_ledger *l, const char *path, struct mx_err *err);
/* Add or replace the user's entry. */
int mx_ledger_put(struct mx_ledger *l, const struct mx_ledger_entry *e,
    struct mx_err *err);
int mx_ledger_save(const struct mx_ledger *l, const char *path,
    struct mx_err *err);
void mx_ledger_free(struct mx_ledger *l);
/* The ledger as JSON text (caller frees), for --json and the file. */
char *mx_ledger_json(const struct mx_ledger *l);

#endif
