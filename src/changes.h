/* changes.h - a set of changes to a host's configuration, made safely.
 *
 * The MTA back-ends never touch a host while they plan: they build a
 * change set (file edits with the whole text before and after, mode
 * changes such as qmail's sticky bit, commands to run after them such as
 * postmap or a HUP). The caller shows the preview (a unified diff per
 * file), then applies it: every file is checked against the text planned
 * from, backed up beside itself ("FILE.mxmove-YYYYMMDD-HHMMSS") and
 * written atomically; a failure part-way undoes what was already done.
 *
 * A change set is also a record: it is saved to a state file on the host
 * (mx_changes_save appends), so that one call (mx_changes_undo) puts back
 * exactly what was changed and nothing else: a file untouched since is
 * restored byte for byte; a file edited since gets only our lines taken
 * out and put back (mx_ctl_revert); a mode changed since is left alone.
 */
#ifndef MX_CHANGES_H
#define MX_CHANGES_H

#include <stddef.h>
#include <sys/types.h>

#include "buf.h"
#include "err.h"

struct mx_host;

enum mx_change_kind {
	MX_CH_FILE,	/* replace a file's text */
	MX_CH_MODE,	/* chmod (the sticky bit) */
	MX_CH_RUN	/* a command (postmap, reload, HUP) */
};

/* When a command runs (MX_CH_RUN). */
#define MX_RUN_APPLY	1	/* after the changes are made */
#define MX_RUN_UNDO	2	/* after they are undone */
#define MX_RUN_DAEMON	4	/* for a live host only (signals a daemon,
				   or is the host's own tool): skipped on a
				   mounted copy (local:/root) */

struct mx_change {
	enum mx_change_kind kind;
	char *path;		/* FILE, MODE: as the host sees it */
	char *before;		/* FILE: text before (NULL: did not exist) */
	size_t blen;
	char *after;		/* FILE: text after */
	size_t alen;
	mode_t mode;		/* FILE: mode of a new file */
	mode_t mode_before;	/* MODE */
	mode_t mode_after;
	char **argv;		/* RUN: NULL-terminated */
	int when;		/* RUN: MX_RUN_* bits */
	char *backup;		/* FILE: the backup made by apply, or NULL */
};

struct mx_changes {
	struct mx_change *v;
	size_t n, cap;
};

#define MX_CHANGES_INIT { NULL, 0, 0 }

void mx_changes_free(struct mx_changes *cs);
/* Number of FILE and MODE changes (commands alone change nothing). */
size_t mx_changes_count(const struct mx_changes *cs);

/* Plan a file's new text; nothing is added when it does not change.
 * before NULL: the file does not exist (it is created with mode). */
int mx_changes_file(struct mx_changes *cs, const char *path,
    const char *before, size_t blen, const char *after, size_t alen,
    mode_t mode, struct mx_err *err);
/* Plan a chmod; nothing is added when the modes are equal. */
int mx_changes_mode(struct mx_changes *cs, const char *path, mode_t before,
    mode_t after, struct mx_err *err);
/* Plan a command (argv is copied). A RUN already in the set with the
 * same argv is merged (its when bits added). */
int mx_changes_run(struct mx_changes *cs, int when, const char *const argv[],
    struct mx_err *err);

/* The preview: each file's diff, each chmod, each command. */
int mx_changes_preview(const struct mx_changes *cs, struct mx_buf *out);

/* Make the changes on h. Checks first that every file still holds the
 * text planned from and every mode is still the one planned from (else
 * nothing is done: plan again); then backs up, writes, chmods, runs.
 * When a step fails the steps already done are undone. Lines saying
 * what was done (backups, skipped commands) are appended to log. */
int mx_changes_apply(struct mx_host *h, struct mx_changes *cs,
    struct mx_buf *log, struct mx_err *err);
/* Undo cs on h, last change first, then run its MX_RUN_UNDO commands. */
int mx_changes_undo(struct mx_host *h, const struct mx_changes *cs,
    struct mx_buf *log, struct mx_err *err);

/* The preview of mx_changes_undo on h as it is now: each file's diff
 * from its present text to what the undo would write, each chmod that
 * would be made or left alone, each command. */
int mx_changes_undo_preview(struct mx_host *h, const struct mx_changes *cs,
    struct mx_buf *out, struct mx_err *err);

/* The record: serialise (appended to out) and read back (appended to cs:
 * a state file holding several sets reads as one set, in order). */
int mx_changes_dump(const struct mx_changes *cs, struct mx_buf *out);
int mx_changes_load(struct mx_changes *cs, const char *text, size_t len,
    const char *label, struct mx_err *err);

/* State files on the host (mode 0600). save appends cs to the file;
 * read fills cs from it (*found 0 and cs empty when it does not exist);
 * drop removes it after a successful undo. */
int mx_changes_save(struct mx_host *h, const char *path,
    const struct mx_changes *cs, struct mx_err *err);
int mx_changes_read(struct mx_host *h, const char *path,
    struct mx_changes *cs, int *found, struct mx_err *err);
int mx_changes_drop(struct mx_host *h, const char *path, struct mx_err *err);

/* True when h is a mounted copy (local:/root): daemons are not there. */
int mx_host_is_copy(const struct mx_host *h);

#endif
