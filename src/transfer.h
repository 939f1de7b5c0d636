/* transfer.h - moving one user's mailbox from the old host to the new one:
 * streamed, owner-remapped, staged, verified, incremental, resumable.
 *
 * The pipeline, per user:
 *   list    the source's messages (find over the host's exec channel:
 *           key FOLDER/UNIQUE, size, path) and the target's
 *   plan    what the target lacks, by unique name (flags never decide:
 *           a message a client renamed on the target is not copied twice)
 *   read    `tar cf - -C SRC ...` on the old host, read with libarchive;
 *           every entry checked: only FOLDER/{new,cur}/NAME regular files
 *           go on (absolute paths, "..", links, devices are refused and
 *           named in the report); an mbox source is first converted
 *           (mbox.h) into a spool Maildir in the state directory
 *   remap   owner to the target user, 0600 files, 0700 directories,
 *           mtimes kept, names never changed (",S=" included)
 *   write   a local target: archive_write_disk with the secure-extraction
 *           flags into the stage directory beside new/ (MX_STAGE), then
 *           rename into new/ or cur/ without replacing; a remote target:
 *           a tar stream written with libarchive into `tar x` in the stage
 *           directory, then linked in (cp -Rln, never over a name there)
 *           in chunks
 *   verify  count and bytes of the source's set on the target, and the
 *           SHA-256 of every message: for one copied in this pass the
 *           stream's digest against the file read back on the target;
 *           for one unchanged on both sides (path, size, ctime) since a
 *           verified pass, the digest that pass recorded in the manifest
 *           (manifest.h); anything else read on both sides
 *   journal a line per user and step in the state directory
 *
 * Round trips: workers take users in groups (up to 12); a user whose
 * Maildir directories show, on both hosts, the times recorded after the
 * last verified pass (src/stamp.c) ends there, one command per host for
 * the group. The others' Maildirs are listed with one command per host,
 * both hosts at once. The users of a group with little to copy share
 * one tar c, one tar x (each user's files into its own stage), one
 * command linking the stages in and taking the digests of the files in
 * place, and one listing (copy_group); the others get their preparation
 * with their first tar x, and their last move, listing after the copy
 * and the digests of what was copied in one command. A pass with nothing
 * new is the group listings alone, or the stamps' question alone.
 *
 * Nothing is ever written on the old host. A run killed at any moment
 * leaves only whole messages on the target (stage, then link or rename);
 * the next run clears the stage and copies what is still missing.
 */
#ifndef MX_TRANSFER_H
#define MX_TRANSFER_H

#include <stdint.h>
#include <sys/types.h>

#include "buf.h"
#include "err.h"
#include "host.h"
#include "mbox.h"

#define MX_STAGE "mxmove-stage"	/* the stage directory beside new/ */

struct mx_journal;

struct mx_xfer_user {
	const char *name;	/* for messages, the journal, the spool */
	const char *src;	/* the Maildir (or mbox file) on the old host */
	const char *dst;	/* the Maildir on the new host */
	uid_t uid;		/* owner on the target; (uid_t)-1: the owner of */
	gid_t gid;		/* dst (or of its parent when dst is missing) */
};

enum mx_xfer_state {
	MX_XS_QUEUED, MX_XS_LISTING, MX_XS_CONVERTING, MX_XS_COPYING,
	MX_XS_VERIFYING, MX_XS_DONE, MX_XS_FAILED
};
const char *mx_xfer_state_name(enum mx_xfer_state s);

struct mx_xfer_progress {
	const char *user;
	enum mx_xfer_state state;
	uint64_t msgs_done, msgs_total;	/* of this pass's copy */
	uint64_t bytes_done, bytes_total;
	double rate;			/* bytes per second, 0 unknown */
	double eta;			/* seconds left, -1 unknown */
};

/* Called from the worker running the user (several at once with jobs >
 * 1: the callback must be thread-safe). At most every 0.2 s per user,
 * and at each change of state. */
typedef void (*mx_xfer_progress_fn)(void *ctx, const struct mx_xfer_progress *p);

struct mx_xfer_opts {
	int dry_run;		/* list and plan only */
	int verify_only;	/* no copy: full comparison with digests */
	const char *state_dir;	/* spool for mbox conversion (NULL: /tmp);
				   mx_transfer_all opens the journal here */
	struct mx_journal *journal;	/* NULL: none */
	enum mx_mbox_format mbox_format;
	int stream_sink;	/* write through `tar x` even to a local
				   target (what a remote target gets) */
	uint64_t stream_chunk;	/* bytes per `tar x` before they are moved
				   into place; 0: 32 MiB */
	mx_xfer_progress_fn progress;
	void *progress_ctx;
};

struct mx_xfer_result {
	enum mx_xfer_state state;	/* MX_XS_DONE or MX_XS_FAILED */
	uint64_t src_msgs, src_bytes;	/* the source's set */
	uint64_t dst_msgs, dst_bytes;	/* the target's, after the pass */
	uint64_t copied_msgs, copied_bytes;
	uint64_t skipped;		/* already on the target */
	uint64_t refused;		/* hostile or odd entries refused */
	uint64_t mismatched;		/* messages failing verification */
	uint64_t damaged;		/* mbox damage reports */
	int verified;			/* 1: the source's set is on the target */
	struct mx_buf report;		/* lines naming messages and problems */
	struct mx_err err;		/* why it failed */
};

void mx_xfer_result_free(struct mx_xfer_result *r);

/* Transfer (or with verify_only: compare) one user. Returns 0 when the
 * user ends verified, -1 otherwise (r->err and err tell why; r->report
 * names the messages). */
int mx_transfer_user(struct mx_host *from, struct mx_host *to,
    const struct mx_xfer_user *u, const struct mx_xfer_opts *o,
    struct mx_xfer_result *r, struct mx_err *err);

/* Several users, jobs at a time, each worker with its own sessions to
 * both hosts (opened from the specs with hopts). results has n entries.
 * Returns the number of users that failed, or -1 when nothing could run. */
int mx_transfer_all(const char *from, const char *to,
    const struct mx_host_opts *hopts, const struct mx_xfer_user *users,
    size_t n, int jobs, const struct mx_xfer_opts *o,
    struct mx_xfer_result *results, struct mx_err *err);

/* Read a tar stream from fd as the transfer reads the old host's `tar c`,
 * into the Maildir u->dst on the local host `to`: every entry checked,
 * messages written into the stage (u->dst/MX_STAGE, which must exist, as
 * must new/, cur/ and the folders) and renamed into place without
 * replacing. No listing: every message entry is taken. Returns 0 or -1;
 * r counts what was copied and refused. For tests and tests/fuzz/fuzz-tar. */
int mx_transfer_tar_fd(struct mx_host *to, const struct mx_xfer_user *u,
    int fd, struct mx_xfer_result *r, struct mx_err *err);

#endif
