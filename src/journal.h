/* journal.h - an append-only record of each user's transfer steps, on the
 * machine running mxmove (never on the old host).
 *
 * One line per event, written with O_APPEND:
 *     TIME<TAB>USER<TAB>EVENT<TAB>DETAIL
 * A line that must be durable before the step it announces ("start":
 * the target is about to change) is fsynced (mx_journal_add); an outcome
 * ("done", "failed") may be written without (mx_journal_note): losing it
 * in a crash leaves the user's previous last line, which at worst makes
 * the next run clear an empty stage and verify again. The next fsync, or
 * the close, makes such lines durable with it.
 * EVENT is "start", "copied", "done" or "failed". A user whose last event
 * is "start" or "copied" was interrupted: the next run clears its stage
 * and copies what is still missing (names make that exact). A lock file
 * keeps two runs from using the same state directory at once.
 */
#ifndef MX_JOURNAL_H
#define MX_JOURNAL_H

#include "err.h"

struct mx_journal;

/* Open (creating dir 0700 and the journal 0600) and lock; every user's
 * last event is read once here (mx_journal_get). */
int mx_journal_open(struct mx_journal **out, const char *dir,
    struct mx_err *err);
void mx_journal_close(struct mx_journal *j);
/* Append one event (thread-safe) and fsync it. Tabs and newlines in
 * fields become spaces. */
int mx_journal_add(struct mx_journal *j, const char *user, const char *event,
    const char *detail, struct mx_err *err);
/* The same without the fsync (see above): made durable by the next
 * mx_journal_add or by mx_journal_close. */
int mx_journal_note(struct mx_journal *j, const char *user, const char *event,
    const char *detail, struct mx_err *err);
/* Make every line written so far durable (one fsync, none when nothing
 * is pending): e.g. the "start" lines of a group of users noted one by
 * one, before the group's target changes. */
int mx_journal_sync(struct mx_journal *j, struct mx_err *err);
/* The last event of user as the journal was at open, with the lines
 * added since ("" if none); no read of the file (thread-safe). */
void mx_journal_get(struct mx_journal *j, const char *user, char *event,
    size_t elen, char *detail, size_t dlen);
/* The last event recorded for user in the journal in dir ("" if none),
 * read from the file (a whole read per call: an open journal has
 * mx_journal_get). Returns 0, or -1 on a read error. */
int mx_journal_last(const char *dir, const char *user, char *event,
    size_t elen, char *detail, size_t dlen, struct mx_err *err);

#endif
