/* stamp.h - whether a user's Maildirs are untouched since the last
 * verified pass, told without listing a message.
 *
 * After a verified pass, the modification and change times of the
 * directories whose entries are the messages (the Maildir, new/, cur/,
 * each folder and its new/ and cur/) are recorded for both hosts, with
 * the pass's counts (STATE/manifest/USER.stamp, 0600). Delivering,
 * expunging, moving or flagging a message adds, removes or renames a
 * name in one of them, which moves its times, and a ctime cannot be set
 * back; Maildir messages are never rewritten in place (a rewrite that
 * goes by rename is seen too). A later pass asks each host for those
 * times with one find(1) for many users; a user whose times are all the
 * same on both hosts is as the last pass proved it. Dovecot decides when
 * to read a Maildir again the same way.
 *
 * The old host's times within 2 s of its listing (by its own clock) are
 * not recorded: a directory changed again within the clock's tick
 * would keep its time, and mail delivered then would be missed. The new
 * host's are, even right after the copy: what such a tick could hide
 * there is the new host's own change, never a message to copy.
 * `mxmove verify` reads everything, whatever is recorded. */
#ifndef MX_STAMP_H
#define MX_STAMP_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct mx_host;
struct mx_listing;
struct mx_stamp;

/* The counts the recorded pass reported. */
struct mx_stamp_counts {
	uint64_t src_msgs, src_bytes, dst_msgs, dst_bytes;
};

/* Load path, recorded between the same hosts and directories (id names
 * them). *out is NULL when there is none, or it is foreign or damaged.
 * -1 only when out of memory. */
int mx_stamp_load(const char *path, const char *id, struct mx_stamp **out,
    struct mx_err *err);
void mx_stamp_free(struct mx_stamp *s);
const struct mx_stamp_counts *mx_stamp_counts(const struct mx_stamp *s);

/* Record S's and D's directories (the listings a verified pass
 * compared) at path, or remove what path held when they cannot be
 * recorded (a time within 2 s of its listing, a name with a tab or a
 * newline, no directories). Returns 1 recorded, 0 not, -1 on error. */
int mx_stamp_save(const char *path, const char *id, const struct mx_listing *S,
    const struct mx_listing *D, struct mx_err *err);

/* Remove what path holds: this user is listed next time. */
void mx_stamp_drop(const char *path);

/* Ask h for the times of the directories recorded for side (0 the
 * source, 1 the target) of st[0..n) (NULL: nothing to ask), dirs[i] being
 * that user's Maildir on h; clear same[i] for each user whose times
 * differ or are missing. One command per 60 KB of names. */
int mx_stamp_check(struct mx_host *h, int side, const char *const dirs[],
    struct mx_stamp *const st[], size_t n, int same[], struct mx_err *err);

#endif
