/* journal.h - an append-only record of each user's transfer steps, on the
 * machine running mxmove (never on the old host).
 *
 * One line per event, written with O_APPEND and fsync before the step it
 * records is taken as done:
 *     TIME<TAB>USER<TAB>EVENT<TAB>DETAIL
 * EVENT is "start", "copied", "done" or "failed". A user whose last event
 * is "start" or "copied" was interrupted: the next run clears its stage
 * and copies what is still missing (names make that exact). A lock file
 * keeps two runs from using the same state directory at once.
 */
#ifndef MX_JOURNAL_H
#define MX_JOURNAL_H

#include "err.h"

struct mx_journal;

/* Open (creating dir 0700 and the journal 0600) and lock. */
int mx_journal_open(struct mx_journal **out, const char *dir,
    struct mx_err *err);
void mx_journal_close(struct mx_journal *j);
/* Append one event (thread-safe). Tabs and newlines in fields become
 * spaces. */
int mx_journal_add(struct mx_journal *j, const char *user, const char *event,
    const char *detail, struct mx_err *err);
/* The last event recorded for user in the journal in dir ("" if none),
 * into buf. Returns 0, or -1 on a read error. */
int mx_journal_last(const char *dir, const char *user, char *event,
    size_t elen, char *detail, size_t dlen, struct mx_err *err);

#endif
