/* mbox.h - a streaming mbox reader (mboxo, mboxrd, mboxcl2) and the
 * conversion of an mbox into a Maildir.
 *
 * The reader holds one fixed buffer whatever the size of the mbox or of
 * its messages: data reaches the caller in pieces as it is read. A
 * message starts at a From_ line ("From SENDER DATE" with a date that
 * parses) at the start of the file or after a blank line. Damage (bytes
 * before the first From_ line, a Content-Length that does not end on a
 * message boundary or runs past the end) is reported with its byte
 * offset and the read goes on: every good message is still delivered.
 */
#ifndef MX_MBOX_H
#define MX_MBOX_H

#include <stdint.h>
#include <sys/types.h>

#include "err.h"

enum mx_mbox_format {
	MX_MBOXO,	/* ">From " loses one '>' (the default) */
	MX_MBOXRD,	/* ">>*From " loses one '>' */
	MX_MBOXCL2	/* Content-Length gives the body; no quoting */
};

/* Parse "mboxo", "mboxrd", "mboxcl2" (also "mboxcl"). Returns 0 or -1. */
int mx_mbox_format_parse(const char *s, enum mx_mbox_format *out);

struct mx_mbox_msg {
	uint64_t offset;	/* byte offset of its From_ line */
	uint64_t index;		/* 1 for the first message */
	int64_t date;		/* the From_ date (seconds, UTC), or -1 */
	char flags[8];		/* Maildir flags, in order ("FRS") */
	int seen;		/* Status R or O: it belongs in cur/ */
	int pseudo;		/* UW-IMAP's "FOLDER INTERNAL DATA" message */
	char x_uidl[128];	/* X-UIDL value, or "" */
	char x_uid[32];		/* X-UID value, or "" */
};

/* The reader's consumer. begin: a message starts (only offset, index and
 * date are known yet); data: its bytes, in order, as they go into the
 * Maildir file (From_ line dropped, quoting undone, mbox-only headers
 * Status, X-Status, X-Keywords, X-IMAP, X-IMAPbase and Content-Length
 * left out); end: the message is complete (flags known). damage: a spot
 * that could not be read as mbox, reported and skipped or kept as the
 * text says. Callbacks return 0, or -1 to stop the read (err set). */
struct mx_mbox_ops {
	int (*begin)(void *ctx, const struct mx_mbox_msg *m, struct mx_err *err);
	int (*data)(void *ctx, const void *p, size_t n, struct mx_err *err);
	int (*end)(void *ctx, const struct mx_mbox_msg *m, struct mx_err *err);
	void (*damage)(void *ctx, uint64_t offset, const char *what);
};

/* Where the bytes come from: returns bytes read, 0 at the end, -1 (err
 * set) on failure. */
typedef ssize_t (*mx_mbox_read_fn)(void *ctx, void *buf, size_t len,
    struct mx_err *err);

int mx_mbox_parse(mx_mbox_read_fn rd, void *rctx, enum mx_mbox_format fmt,
    const struct mx_mbox_ops *ops, void *ctx, struct mx_err *err);

/* Parse the date of a From_ line ("From sender Mon Nov  2 10:00:00 2026",
 * time zone names ignored). Returns seconds (UTC) or -1. */
int64_t mx_mbox_from_date(const char *line, size_t len);

/* Converting into a Maildir. */
struct mx_mbox_conv_opts {
	enum mx_mbox_format format;
	const char *host;	/* host part of the names; NULL: this host */
	uid_t uid;		/* owner of what is written; -1: unchanged */
	gid_t gid;
	int dry_run;		/* read and count only */
};

struct mx_mbox_conv_stats {
	uint64_t messages;	/* written */
	uint64_t bytes;
	uint64_t existing;	/* already in the Maildir (earlier run) */
	uint64_t pseudo;	/* UW-IMAP pseudo messages skipped */
	uint64_t damaged;	/* damage reports */
};

typedef void (*mx_mbox_damage_fn)(void *ctx, uint64_t offset,
    const char *what);

/* Convert the mbox read by rd into the Maildir at maildir (created when
 * missing, 0700). Each message becomes "DATE.HDIGEST[_N].HOST" (DATE the
 * From_ date, DIGEST the first 16 hex digits of its SHA-256, _N for the
 * Nth identical copy), in cur/ with ":2,FLAGS" when it was seen, else in
 * new/, with its mtime set to the From_ date. The names do not depend on
 * when or where the conversion runs, so running it again adds only what
 * is new. damage (may be NULL) hears each damaged spot. */
int mx_mbox_to_maildir(mx_mbox_read_fn rd, void *rctx, const char *maildir,
    const struct mx_mbox_conv_opts *opts, mx_mbox_damage_fn damage,
    void *dctx, struct mx_mbox_conv_stats *stats, struct mx_err *err);

/* Converting several mboxes with one sync for many of them: as
 * mx_mbox_to_maildir, but the messages still waiting for a sync stay in
 * *batch (NULL in a dry run), none of them visible yet. The caller
 * flushes it, alone or with others (mx_mdbatch_flush_many: one syncfs
 * for them all), then passes it to mx_mbox_conv_settle, which makes
 * stats final and frees it; or frees it (mx_mdbatch_free: its messages
 * are dropped). On failure (-1) nothing is held. */
struct mx_mdbatch;
int mx_mbox_to_maildir_held(mx_mbox_read_fn rd, void *rctx,
    const char *maildir, const struct mx_mbox_conv_opts *opts,
    mx_mbox_damage_fn damage, void *dctx, struct mx_mbox_conv_stats *stats,
    struct mx_mdbatch **batch, struct mx_err *err);
/* After the flush: counts messages a flush found already in place as
 * "existing" in stats, and frees b (NULL: nothing). */
void mx_mbox_conv_settle(struct mx_mdbatch *b, struct mx_mbox_conv_stats *stats);

/* A read function over a file descriptor (ctx: a pointer to the int). */
ssize_t mx_mbox_read_fd(void *ctx, void *buf, size_t len, struct mx_err *err);

#endif
