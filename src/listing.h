/* listing.h - the messages of a Maildir on a host, as the transfer,
 * the UIDL check and the ledger see them: one find(1) run over the host's
 * exec channel (new/, cur/ and Maildir++ folders; several Maildirs in one
 * run for the transfer's groups), with size, mtime and ctime to the
 * nanosecond, then SHA-256 digests on demand (openssl dgst or sha256sum
 * in chunks of command lines).
 *
 * A message's key is FOLDER/UNIQUE (mx_maildir_key): the unique name
 * without ":2,FLAGS", so a message is the same message whether it sits in
 * new/ or cur/ and whatever its flags. */
#ifndef MX_LISTING_H
#define MX_LISTING_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"

struct mx_host;
struct mx_nameset;

struct mx_msgrec {
	char *key;		/* FOLDER/UNIQUE */
	char *path;		/* relative: "cur/NAME" or ".F/new/NAME" */
	uint64_t size;
	int64_t mtime;		/* seconds */
	int64_t mtime_ns;	/* nanoseconds, as listed (0: unknown) */
	int64_t ctime_ns;	/* inode change time, the same way */
	char digest[65];	/* "" until known */
};

struct mx_listing {
	struct mx_msgrec *v;
	size_t n, cap;
	struct mx_nameset *idx;	/* key -> index into v */
	uint64_t bytes;
	int missing;		/* the directory does not exist */
	int is_file;		/* a regular file there: an mbox */
	int has_attachments;	/* ../@attachments exists (Plesk) */
	int has_quota;		/* maildirsize exists */
	/* The directories whose entries are the messages (the Maildir,
	 * new/, cur/, each folder and its new/ and cur/), one line each,
	 * "PATH\tMTIME CTIME\n" (PATH relative, "" the Maildir; the times
	 * as find's %T@ and %C@ print them), in find's order: what
	 * src/stamp.c records and compares. */
	struct mx_buf dirs;
	int64_t dirs_newest;	/* the latest of those times, ns */
	int dirs_odd;		/* a name that cannot be recorded */
	int64_t listed_at;	/* the listed host's own clock (ns) before
				 * find read a directory; 0: not known */
};

void mx_listing_free(struct mx_listing *l);
int mx_listing_init(struct mx_listing *l, struct mx_err *err);
/* Add a message by its path relative to the Maildir ("cur/NAME",
 * ".F/new/NAME"); other paths are ignored (0). */
int mx_listing_add(struct mx_listing *l, const char *path, uint64_t size,
    int64_t mtime, struct mx_err *err);
struct mx_msgrec *mx_listing_get(const struct mx_listing *l, const char *key);
/* Split a path relative to the Maildir into its key (FOLDER/UNIQUE),
 * folder and name. Returns 0 for a message path, -1 otherwise. */
int mx_listing_msg_path(const char *path, char *key, size_t klen,
    char *folder, size_t flen, const char **name);
/* List the Maildir dir on h (a missing dir: an empty listing). */
int mx_listing_read(struct mx_host *h, const char *dir, struct mx_listing *l,
    struct mx_err *err);
/* The same in one round trip with two shell scripts: pre before (its
 * failure fails the call, with its stderr) and post after the listing,
 * whose stdout goes to out. */
struct mx_buf;
int mx_listing_read_ex(struct mx_host *h, const char *dir, const char *pre,
    const char *post, struct mx_listing *l, struct mx_buf *out,
    struct mx_err *err);
/* List n directories on h in one round trip per 60 KB of names: ls[i]
 * (each initialised by the caller) gets dirs[i]'s listing, errs[i] why
 * that one failed (errs[i].code 0: it did not). Returns -1 only when
 * nothing could be listed. */
int mx_listing_read_many(struct mx_host *h, const char *const dirs[],
    size_t n, struct mx_listing *ls, struct mx_err *errs, struct mx_err *err);
/* The SHA-256 command of a host's shell script: appends to cmd the
 * definition of a shell function S that prints "HEX *PATH" (or "HEX
 * PATH") for each file named, and of $D, the same command (for find
 * -exec $D {} +): openssl dgst where the host has it (it uses the CPU's
 * SHA instructions: ~8x coreutils' sha256sum), else sha256sum. Names
 * must not start with '-' (message paths start with "new/", "cur/" or
 * "."). */
void mx_listing_digest_fn(struct mx_buf *cmd);
/* One output line of S: the digest into hex (65 bytes), the path
 * returned; NULL for a line that is not one. */
const char *mx_listing_digest_line(const char *line, char *hex);
/* Fill the digest of recs[0..n) (files relative to dir on h); a file gone
 * meanwhile keeps an empty digest. */
int mx_listing_digest(struct mx_host *h, const char *dir,
    struct mx_msgrec **recs, size_t n, struct mx_err *err);

#endif
