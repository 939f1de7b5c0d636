/* audit.h - the audit log: one line for every command run on every host.
 *
 * A line is tab-separated:
 *   TIME(UTC, ISO 8601, ms)  HOST  STATUS  DURATION  COMMAND
 * e.g.
 *   2026-11-23T10:43:27.123Z	old	0	0.012s	cat /var/qmail/control/me
 * STATUS is the exit status (128+signal for a signal), or "-" when the
 * command could not be run or its connection was lost. Tabs, newlines,
 * backslashes and other control characters in HOST and COMMAND are written
 * as \t, \n, \\, \xHH so that one entry is always one line.
 *
 * Secrets never appear: nothing read from stdin or typed at a prompt is
 * logged, and every string registered with mx_audit_add_secret() is
 * replaced by "***" wherever it appears in a command.
 *
 * One log may be shared by every worker thread (a mutex inside); the file
 * is opened O_APPEND, so several processes may share it too.
 */
#ifndef MX_AUDIT_H
#define MX_AUDIT_H

#include "err.h"

struct mx_audit;

/* Append to path (created 0600). */
int mx_audit_open(struct mx_audit **out, const char *path, struct mx_err *err);
/* Write to an open descriptor (not closed by mx_audit_close). */
int mx_audit_open_fd(struct mx_audit **out, int fd, struct mx_err *err);
void mx_audit_close(struct mx_audit *a);	/* NULL is fine */

/* Never write s (at least 3 bytes long) in the log. Returns 0 or -1. */
int mx_audit_add_secret(struct mx_audit *a, const char *s);

/* Record one command. status < 0: it could not be run / was cut off.
 * a may be NULL (nothing is written). Returns 0, or -1 when the log
 * could not be written. */
int mx_audit_record(struct mx_audit *a, const char *host, const char *command,
    int status, double seconds);

#endif
