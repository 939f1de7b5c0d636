/* maildir.h - Maildir and Maildir++ stores: names, flags, enumeration,
 * safe writes (tmp, then rename) and the maildirsize quota file.
 *
 * A message is named by its folder ("" for INBOX, ".Sent", ".A.B" for
 * Maildir++ folders), its subdirectory ("new" or "cur") and its file name
 * "UNIQUE[:2,FLAGS]". The unique part (before ':') is what identifies a
 * message across hosts and passes: it is qmail-pop3d's UIDL and Dovecot's
 * %f. Names are never changed here: ",S=" and ",W=" stay as they are.
 */
#ifndef MX_MAILDIR_H
#define MX_MAILDIR_H

#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "err.h"

/* What a file name holds. Pointers point into the parsed name. */
struct mx_mdname {
	size_t base_len;	/* length of the unique part (before ':') */
	const char *flags;	/* after ":2," (may be ""), or NULL */
	int has_size;		/* ",S=" was in the unique part */
	uint64_t size;		/* its value */
};

/* Parse a Maildir file name. Returns 0, or -1 for a name that cannot be a
 * message (empty, starting with '.', holding '/'). */
int mx_maildir_parse_name(const char *name, struct mx_mdname *out);

/* Is this a valid Maildir++ folder directory name (".Name", not "." or
 * "..", no '/')? */
int mx_maildir_is_folder(const char *name);

/* Put flag letters in ASCII order, without duplicates, keeping only
 * letters (in place). */
void mx_maildir_flags_sort(char *flags);

/* Called for each message file: folder ("" or ".Name"), sub ("new" or
 * "cur"), the file name and its lstat. Return 0 to go on, -1 to stop (the
 * walk then returns -1 with err as the callback left it). */
typedef int (*mx_maildir_visit_fn)(void *ctx, const char *folder,
    const char *sub, const char *name, const struct stat *st,
    struct mx_err *err);

/* Enumerate new/ and cur/ of the Maildir at root and of each Maildir++
 * folder in it. Only regular files are reported (symlinks and others are
 * skipped). A missing root is an MX_E_NOTFOUND error. */
int mx_maildir_walk(const char *root, mx_maildir_visit_fn fn, void *ctx,
    struct mx_err *err);

/* Create a Maildir (root, tmp, new, cur) where missing, with the given
 * directory mode and owner (uid/gid (uid_t)-1: unchanged). */
int mx_maildir_make(const char *root, mode_t mode, uid_t uid, gid_t gid,
    struct mx_err *err);

/* Make dir (one level), meant to hold many Maildirs, with the given mode
 * and owner; *made says whether it was made here. A directory already
 * there is left as it is. */
int mx_maildir_make_parent(const char *dir, mode_t mode, uid_t uid,
    gid_t gid, int *made, struct mx_err *err);

/* A new unique name "SECS.MusecPpidQn.HOST" (qmail's modern form). */
int mx_maildir_unique(char *buf, size_t len, int64_t secs, long usec,
    const char *host);

/* Writing one message safely: into tmp/, then fsync, then rename into
 * new/ or cur/ without ever replacing a file already there. */
struct mx_mdwriter;

/* Open tmp/ for a new message in the Maildir dir (a folder's own
 * directory, created beforehand). */
int mx_mdwriter_open(struct mx_mdwriter **out, const char *dir,
    struct mx_err *err);
int mx_mdwriter_write(struct mx_mdwriter *w, const void *data, size_t len,
    struct mx_err *err);
/* Bytes written so far. */
uint64_t mx_mdwriter_size(const struct mx_mdwriter *w);
/* Finish: mode, owner (-1: unchanged), mtime (-1: now), then rename to
 * SUB/NAME (SUB "new" or "cur"). When SUB/NAME exists, *existed is set
 * to 1 and the temporary file is removed. Always frees w. */
int mx_mdwriter_commit(struct mx_mdwriter *w, const char *sub,
    const char *name, mode_t mode, uid_t uid, gid_t gid, int64_t mtime,
    int *existed, struct mx_err *err);
void mx_mdwriter_abort(struct mx_mdwriter *w);

/* Group commit, for bulk imports: messages wait in tmp/ without an fsync
 * each; a flush syncs the filesystem once, then links them all into place
 * (never over a name already there). At most MX_MDBATCH_MAX messages or
 * 64 MiB wait, so memory stays bounded. */
#define MX_MDBATCH_MAX 512
struct mx_mdbatch;
int mx_mdbatch_new(struct mx_mdbatch **out, const char *dir,
    struct mx_err *err);
/* Open a writer in the batch's Maildir (it must have tmp/, new/ and
 * cur/). Its file is an O_TMPFILE file in tmp/ where the file system
 * has them (no name until the flush links it into place; a crash leaves
 * nothing behind), else a named file in tmp/, both by directory
 * descriptor; when the umask and tmp/'s ACLs already give 0600,
 * committing it with mode 0600 needs no fchmod. Commit it (or abort it)
 * before the batch is freed. */
int mx_mdbatch_writer(struct mx_mdbatch *b, struct mx_mdwriter **out,
    struct mx_err *err);
/* From now on, the batch's writers use named files in tmp/ (as where
 * O_TMPFILE is missing). */
void mx_mdbatch_named(struct mx_mdbatch *b);
/* Like mx_mdwriter_commit, but the rename waits for the next flush (done
 * here when the batch is full). Always frees w. */
int mx_mdwriter_commit_batch(struct mx_mdwriter *w, struct mx_mdbatch *b,
    const char *sub, const char *name, mode_t mode, uid_t uid, gid_t gid,
    int64_t mtime, struct mx_err *err);
/* Sync, then link what waits. Messages found already there are counted in
 * the batch (see mx_mdbatch_existed). */
int mx_mdbatch_flush(struct mx_mdbatch *b, struct mx_err *err);
/* Flush n batches (NULL ones skipped) with one sync per file system
 * among them, then link what waits in each. rcs[i] gets 0 or -1 (with
 * errs[i]) for bs[i]. Returns -1 when any failed. */
int mx_mdbatch_flush_many(struct mx_mdbatch *const *bs, size_t n, int *rcs,
    struct mx_err *errs);
/* Messages and bytes found already in place at flushes so far. */
void mx_mdbatch_existed(const struct mx_mdbatch *b, uint64_t *msgs,
    uint64_t *bytes);
/* Messages (and their bytes, when bytes is not NULL) queued and not yet
 * flushed. */
size_t mx_mdbatch_pending(const struct mx_mdbatch *b, uint64_t *bytes);
/* Drop what still waits (its tmp/ files are removed) and free. */
void mx_mdbatch_free(struct mx_mdbatch *b);

/* The umask in the text of /proc/PID/status ("Umask:\t0022" line), or
 * -1 when there is none. */
int mx_maildir_umask_parse(const char *status);

/* Recompute maildirsize in root: the first line (the quota definition,
 * "NNNS,MMMC") is kept; the rest becomes one line with the bytes and
 * message count of every message (sizes from ",S=" when present). When
 * the file does not exist and quota is NULL, nothing is written. With
 * quota not NULL, it replaces the definition. Returns 0 or -1. */
int mx_maildir_quota_recompute(const char *root, const char *quota,
    uint64_t *bytes, uint64_t *count, struct mx_err *err);

/* A set of strings (message keys "FOLDER/UNIQUE"), with a size each. */
struct mx_nameset;
struct mx_nameset *mx_nameset_new(void);
/* The same, but the keys added are the caller's strings, neither copied
 * nor freed: each must outlive the set and never change. */
struct mx_nameset *mx_nameset_new_ref(void);
void mx_nameset_free(struct mx_nameset *s);
/* Add key (copied, unless the set is a _ref one). Returns 1 if added, 0 if it was there, -1 on memory. */
int mx_nameset_add(struct mx_nameset *s, const char *key, uint64_t size);
/* 1 and *size when present, else 0. size may be NULL. */
int mx_nameset_has(const struct mx_nameset *s, const char *key,
    uint64_t *size);
size_t mx_nameset_count(const struct mx_nameset *s);

/* Build the key "FOLDER/UNIQUE" for a file name into buf. Returns 0, or
 * -1 when it does not fit or the name is not a message name. */
int mx_maildir_key(char *buf, size_t len, const char *folder,
    const char *name);

#endif
