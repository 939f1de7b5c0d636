/* manifest.h - what the last verified pass proved, per user, kept on
 * this machine (STATE/manifest/USER, 0600): for every message its key,
 * and on both sides its path, size and inode change time (ctime, to the
 * nanosecond), with the SHA-256 both sides were found to share.
 *
 * A later pass trusts a message's digests only when both sides still
 * show the same path, size and ctime: writing a file's content, setting
 * its mtime back (touch), renaming or replacing it all change its ctime,
 * which no program can set. Anything else is read again. */
#ifndef MX_MANIFEST_H
#define MX_MANIFEST_H

#include <stdint.h>

#include "err.h"

struct mx_listing;
struct mx_msgrec;
struct mx_manifest;

/* Load path, made by a pass between the same hosts and directories (id
 * names them); a missing, foreign or damaged file gives an empty
 * manifest. -1 only when out of memory. */
int mx_manifest_load(const char *path, const char *id,
    struct mx_manifest **out, struct mx_err *err);
void mx_manifest_free(struct mx_manifest *m);
size_t mx_manifest_count(const struct mx_manifest *m);
/* Copy the digest proved for s and d into both when they are unchanged
 * since: 1; else 0. */
int mx_manifest_trust(const struct mx_manifest *m, struct mx_msgrec *s,
    struct mx_msgrec *d);
/* Record every message of S whose digest equals that of its namesake
 * in D (written to a temporary name, then renamed). */
int mx_manifest_save(const char *path, const char *id,
    const struct mx_listing *S, const struct mx_listing *D,
    struct mx_err *err);

#endif
