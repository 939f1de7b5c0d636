/* transfer.c - the per-user transfer pipeline (see transfer.h). */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <openssl/evp.h>

#include "i18n.h"
#include "journal.h"
#include "listing.h"
#include "maildir.h"
#include "manifest.h"
#include "quote.h"
#include "stamp.h"
#include "transfer.h"

#define XBUF 65536
#define REMOTE_CHUNK (32u << 20)	/* bytes per tar x before moving */
#define REPORT_MAX 50		/* lines naming messages */
#define TAR_BLOCK 32768		/* bytes per write of a tar stream to a
				   host: one SSH packet each (libarchive's
				   default, 10240, makes three times as many) */

const char *
mx_xfer_state_name(enum mx_xfer_state s)
{
	switch (s) {
	case MX_XS_QUEUED: return N_("queued");
	case MX_XS_LISTING: return N_("listing");
	case MX_XS_CONVERTING: return N_("converting");
	case MX_XS_COPYING: return N_("copying");
	case MX_XS_VERIFYING: return N_("verifying");
	case MX_XS_DONE: return N_("done");
	case MX_XS_FAILED: return N_("failed");
	}
	return "?";
}

void
mx_xfer_result_free(struct mx_xfer_result *r)
{
	if (r != NULL)
		mx_buf_free(&r->report);
}

/* Listings ------------------------------------------------------------ */

/* Run a shell script on a host; a non-zero status is an error carrying
 * the script's stderr. out may be NULL. */
static int
run_script(struct mx_host *h, const char *script, struct mx_buf *out,
    struct mx_err *err)
{
	struct mx_buf eo = MX_BUF_INIT;
	int st = -1;

	if (mx_host_run_sh(h, script, NULL, 0, out, &eo, &st, err) == -1) {
		mx_buf_free(&eo);
		return -1;
	}
	if (st != 0) {
		mx_err_set(err, MX_E_REMOTE, _("%s: command failed (status %d): %s"),
		    mx_host_name(h), st, eo.data ? eo.data : "");
		mx_buf_free(&eo);
		return -1;
	}
	mx_buf_free(&eo);
	return 0;
}

/* Progress ------------------------------------------------------------- */

struct prog {
	const struct mx_xfer_opts *o;
	struct mx_xfer_progress p;
	struct timespec t0, last;
};

static double
secs_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) +
	    (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

static void
prog_emit(struct prog *g, int force)
{
	double el;

	if (g->o->progress == NULL)
		return;
	if (!force && secs_since(&g->last) < 0.2)
		return;
	clock_gettime(CLOCK_MONOTONIC, &g->last);
	el = secs_since(&g->t0);
	g->p.rate = el > 0 ? (double)g->p.bytes_done / el : 0;
	g->p.eta = g->p.rate > 0 ? (double)(g->p.bytes_total -
	    (g->p.bytes_done < g->p.bytes_total ? g->p.bytes_done :
	    g->p.bytes_total)) / g->p.rate : -1;
	g->o->progress(g->o->progress_ctx, &g->p);
}

static void
prog_state(struct prog *g, enum mx_xfer_state s)
{
	g->p.state = s;
	prog_emit(g, 1);
}

/* Sinks ---------------------------------------------------------------- */

/* A tar stream into a command on a host. */
struct out {
	struct mx_stream *s;
	struct mx_err *err;	/* where a write error goes */
};

struct sink {
	struct mx_host *to;
	char *dst;		/* Maildir path as the host sees it */
	char *hdst;		/* ... as a command or this machine sees it */
	uid_t uid;
	gid_t gid;
	int local;
	/* local */
	struct archive *disk;
	int stagefd, dstfd, oldcwd;
	/* remote */
	struct archive *tw;
	struct out out;
	uint64_t chunk, chunk_max;
	/* current entry */
	char path[PATH_MAX];
	char name[PATH_MAX];
	int existed;
	char prefix[32];	/* before a remote entry's path (a group's "I/") */
	int stage_gone;		/* the last chunk removed the stage */
	struct mx_buf *prep;	/* the preparation, run before the first
				   tar x (same round trip), or empty */
	struct mx_buf *markers;	/* folder markers for the first tar x to
				   make ("F/maildirfolder\0"...), or empty */
	/* the last move also lists the target into after and runs post
	 * (digests), its output into post_out */
	struct mx_listing *after;
	const char *post;
	struct mx_buf *post_out;
	int after_done;
};

static int
local_sink_open(struct sink *k, struct mx_err *err)
{
	char stage[PATH_MAX];

	k->stagefd = k->dstfd = k->oldcwd = -1;
	snprintf(stage, sizeof stage, "%s/%s", k->hdst, MX_STAGE);
	/* This thread gets its own working directory, so that extraction
	 * works on relative names (secure flags, no absolute paths) while
	 * other users' workers do the same elsewhere. */
	if (unshare(CLONE_FS) == -1)
		return mx_err_errno(err, errno, "unshare(CLONE_FS)");
	k->oldcwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	k->dstfd = open(k->hdst, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	k->stagefd = open(stage, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (k->dstfd == -1 || k->stagefd == -1)
		return mx_err_errno(err, errno, _("%s: cannot open"), stage);
	if (fchdir(k->stagefd) == -1)
		return mx_err_errno(err, errno, _("%s: cannot enter"), stage);
	k->disk = archive_write_disk_new();
	if (k->disk == NULL)
		return mx_err_errno(err, ENOMEM, "archive_write_disk_new");
	archive_write_disk_set_options(k->disk, ARCHIVE_EXTRACT_TIME |
	    ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_OWNER |
	    ARCHIVE_EXTRACT_NO_OVERWRITE | ARCHIVE_EXTRACT_SECURE_SYMLINKS |
	    ARCHIVE_EXTRACT_SECURE_NODOTDOT |
	    ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS);
	return 0;
}

/* libarchive's writer into a command's stdin on a host (a tar x): the
 * first write error is kept in err. */
static la_ssize_t
out_write(struct archive *a, void *ctx, const void *buf, size_t len)
{
	struct out *o = ctx;

	(void)a;
	if (mx_stream_write(o->s, buf, len, o->err) == -1)
		return -1;
	return (la_ssize_t)len;
}

/* The entry of a file for the user: its name (after the sink's prefix,
 * remotely), size and mtime; the user's, 0600. NULL: out of memory. */
static struct archive_entry *
user_file(const struct sink *k, const char *name, uint64_t size,
    int64_t mtime)
{
	struct archive_entry *e = archive_entry_new();
	char pp[PATH_MAX + 32];

	if (e == NULL)
		return NULL;
	snprintf(pp, sizeof pp, "%s%s", k->local ? "" : k->prefix, name);
	archive_entry_set_pathname(e, pp);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0600);
	archive_entry_set_uid(e, k->uid);
	archive_entry_set_gid(e, k->gid);
	archive_entry_set_size(e, (la_int64_t)size);
	archive_entry_set_mtime(e, (time_t)mtime, 0);
	return e;
}

/* The folder markers a remote target lacks, as empty files in the tar
 * stream (owned by the user, 0600): linked into place with the
 * messages, never over one there. */
static int
sink_markers(struct sink *k, struct mx_err *err)
{
	struct archive_entry *e;
	const char *p;
	int r;

	if (k->markers == NULL || k->markers->data == NULL)
		return 0;
	for (p = k->markers->data; p < k->markers->data + k->markers->len;
	    p += strlen(p) + 1) {
		if ((e = user_file(k, p, 0, time(NULL))) == NULL)
			return mx_err_errno(err, ENOMEM, "archive_entry_new");
		k->out.err = err;
		r = archive_write_header(k->tw, e);
		archive_entry_free(e);
		if (r < ARCHIVE_WARN)
			return mx_err_set(err, MX_E_IO, _("%s: cannot write %s: %s"),
			    mx_host_name(k->to), p, archive_error_string(k->tw));
	}
	mx_buf_reset(k->markers);
	return 0;
}

static int
remote_chunk_open(struct sink *k, struct mx_err *err)
{
	char stage[PATH_MAX];
	const char *argv[] = { "tar", "--numeric-owner", "-xpf", "-", "-C",
	    stage, NULL };

	snprintf(stage, sizeof stage, "%s/%s", k->hdst, MX_STAGE);
	if (k->prep != NULL && k->prep->len > 0) {
		/* The target's preparation and the first tar x: one round
		 * trip. A failed preparation stops before tar runs. */
		struct mx_buf cmd = MX_BUF_INIT;
		int r;

		mx_buf_append(&cmd, k->prep->data, k->prep->len);
		mx_buf_puts(&cmd, " && exec ");
		mx_shell_join(&cmd, argv);
		r = mx_host_exec_write_sh(k->to, cmd.data, &k->out.s, err);
		mx_buf_free(&cmd);
		mx_buf_reset(k->prep);
		if (r == -1)
			return -1;
	} else if (mx_host_exec_write(k->to, argv, &k->out.s, err) == -1) {
		return -1;
	}
	k->out.err = err;
	k->tw = archive_write_new();
	if (k->tw == NULL ||
	    archive_write_set_format_pax_restricted(k->tw) != ARCHIVE_OK ||
	    archive_write_set_bytes_per_block(k->tw, TAR_BLOCK) != ARCHIVE_OK ||
	    archive_write_open(k->tw, &k->out, NULL, out_write, NULL) != ARCHIVE_OK) {
		mx_err_set(err, MX_E_IO, _("cannot start the tar stream: %s"),
		    k->tw ? archive_error_string(k->tw) : "");
		return -1;
	}
	k->chunk = 0;
	return sink_markers(k, err);
}

/* After a failed write on the target: name a full filesystem as the
 * cause (GNU tar reports a short write as "Wrote only N of M bytes",
 * without the errno). */
static void
note_full(struct sink *k, struct mx_err *err)
{
	uint64_t avail = 0, total = 0;
	struct mx_err e;

	if (mx_host_df(k->to, k->dst, &avail, &total, &e) == 0 &&
	    avail < (1u << 20))
		mx_err_prefix(err, _("%s: %s: no space left on the filesystem "
		    "(%" PRIu64 " KiB free; make room, then run again)"),
		    mx_host_name(k->to), k->dst, avail / 1024);
}

/* The shell words that link a stage's files into place (run in the
 * stage): one hard link per file (cp -l: a message appears whole, with
 * its owner, mode and mtime), never over a name already there (-n: what
 * the target had stays, and the stage's file keeps one link). Whether cp
 * skipped a name is not its exit status (coreutils 9.2 turned skips into
 * failures) but whether the target has the name: a file left unlinked
 * whose name the target lacks fails the command, with cp's message. */
static void
link_in(struct mx_buf *cmd)
{
	mx_buf_puts(cmd, " && { cp -Rln -- ./. ../ || :; } && L=$(find . -type f "
	    "-links 1 ! -exec test -e ../{} \\; -print) && if [ -n \"$L\" ]; then "
	    "echo \"not put in place: $L\" >&2; exit 1; fi");
}

/* The shell script that puts what tar x wrote into the stage in place
 * (final: then removes the stage; else empties it). In a subshell: the
 * caller goes on in its own directory. */
static void
move_script(struct mx_buf *cmd, const char *stage, int final)
{
	mx_buf_puts(cmd, "( cd ");
	mx_shell_quote(cmd, stage);
	link_in(cmd);
	if (final) {
		mx_buf_puts(cmd, " && cd / && rm -rf ");
		mx_shell_quote(cmd, stage);
	} else {
		mx_buf_puts(cmd, " && find . -type f -exec rm -f -- {} +");
	}
	mx_buf_puts(cmd, " )");
}

/* Close the current tar x and move what it wrote into place; the last
 * one also removes the stage. */
static int
remote_chunk_close(struct sink *k, int final, struct mx_err *err)
{
	struct mx_buf eo = MX_BUF_INIT, cmd = MX_BUF_INIT;
	char stage[PATH_MAX];
	int st = -1, r;

	if (k->tw == NULL)
		return 0;
	k->out.err = err;
	r = archive_write_close(k->tw);
	archive_write_free(k->tw);
	k->tw = NULL;
	if (mx_stream_close(k->out.s, &st, &eo, err) == -1) {
		k->out.s = NULL;
		mx_buf_free(&eo);
		return -1;
	}
	k->out.s = NULL;
	if (r != ARCHIVE_OK || st != 0) {
		mx_err_set(err, MX_E_REMOTE, _("%s: tar x failed (status %d): %s"),
		    mx_host_name(k->to), st, eo.data ? eo.data : "");
		mx_buf_free(&eo);
		note_full(k, err);
		return -1;
	}
	mx_buf_free(&eo);
	snprintf(stage, sizeof stage, "%s/%s", k->hdst, MX_STAGE);
	move_script(&cmd, stage, final);
	if (final && k->after != NULL) {
		/* The move, the target's listing after it and the digests of
		 * what was copied: one round trip. */
		r = mx_listing_read_ex(k->to, k->dst, cmd.data, k->post,
		    k->after, k->post_out, err);
		if (r == 0)
			k->after_done = 1;
	} else {
		r = run_script(k->to, cmd.data, NULL, err);
	}
	if (r == 0 && final)
		k->stage_gone = 1;
	mx_buf_free(&cmd);
	return r;
}

static int
sink_begin(struct sink *k, const char *path, const char *name, uint64_t size,
    int64_t mtime, struct mx_err *err)
{
	struct archive_entry *e;
	int r;

	snprintf(k->path, sizeof k->path, "%s", path);
	snprintf(k->name, sizeof k->name, "%s", name);
	k->existed = 0;
	if (!k->local && k->tw == NULL && remote_chunk_open(k, err) == -1)
		return -1;
	e = user_file(k, k->local ? name : path, size, mtime);
	if (e == NULL)
		return mx_err_errno(err, ENOMEM, "archive_entry_new");
	k->out.err = err;
	if (k->local) {
		/* A stage file left by an earlier pass is ours: replace it. */
		unlinkat(k->stagefd, name, 0);
		r = archive_write_header(k->disk, e);
	} else {
		r = archive_write_header(k->tw, e);
	}
	archive_entry_free(e);
	if (r < ARCHIVE_WARN)
		return mx_err_set(err, MX_E_IO, _("%s: cannot write %s: %s"),
		    mx_host_name(k->to), path, archive_error_string(k->local ?
		    k->disk : k->tw));
	return 0;
}

static int
sink_data(struct sink *k, const void *p, size_t n, struct mx_err *err)
{
	la_ssize_t w;

	k->out.err = err;
	w = archive_write_data(k->local ? k->disk : k->tw, p, n);
	if (w < 0 || (size_t)w != n) {
		mx_err_set(err, MX_E_IO, _("%s: cannot write %s: %s"),
		    mx_host_name(k->to), k->path, archive_error_string(k->local ?
		    k->disk : k->tw));
		note_full(k, err);
		return -1;
	}
	if (!k->local)
		k->chunk += n;
	return 0;
}

static int
sink_end(struct sink *k, struct mx_err *err)
{
	int r;

	k->out.err = err;
	r = archive_write_finish_entry(k->local ? k->disk : k->tw);
	if (r < ARCHIVE_WARN)
		return mx_err_set(err, MX_E_IO, _("%s: cannot write %s: %s"),
		    mx_host_name(k->to), k->path, archive_error_string(k->local ?
		    k->disk : k->tw));
	if (!k->local) {
		if (k->chunk >= k->chunk_max)
			return remote_chunk_close(k, 0, err);
		return 0;
	}
	/* Into place, never over a file already there. */
	if (renameat2(k->stagefd, k->name, k->dstfd, k->path,
	    RENAME_NOREPLACE) == -1) {
		if (errno == EEXIST) {
			k->existed = 1;
			unlinkat(k->stagefd, k->name, 0);
			return 0;
		}
		return mx_err_errno(err, errno, _("%s: cannot move %s into place"),
		    mx_host_name(k->to), k->path);
	}
	return 0;
}

static int
sink_finish(struct sink *k, struct mx_err *err)
{
	if (k->local) {
		if (k->stagefd != -1 && syncfs(k->stagefd) == -1)
			return mx_err_errno(err, errno, _("%s: cannot sync"),
			    k->hdst);
		return 0;
	}
	return remote_chunk_close(k, 1, err);
}

static void
sink_free(struct sink *k)
{
	if (k->disk != NULL) {
		archive_write_close(k->disk);
		archive_write_free(k->disk);
	}
	if (k->tw != NULL) {
		archive_write_free(k->tw);
		k->tw = NULL;
	}
	if (k->out.s != NULL)
		mx_stream_close(k->out.s, NULL, NULL, NULL);
	if (k->oldcwd != -1) {
		if (fchdir(k->oldcwd) == -1) {
			/* nothing better to do: the thread ends soon */
		}
		close(k->oldcwd);
	}
	if (k->stagefd != -1)
		close(k->stagefd);
	if (k->dstfd != -1)
		close(k->dstfd);
}

/* The source: tar streams read with libarchive ------------------------- */

struct src {
	struct mx_stream *s;
	struct mx_err *err;
	char buf[XBUF];
};

static la_ssize_t
src_read(struct archive *a, void *ctx, const void **out)
{
	struct src *s = ctx;
	ssize_t n;

	n = mx_stream_read(s->s, s->buf, sizeof s->buf, s->err);
	if (n < 0) {
		archive_set_error(a, EIO, "%s", s->err->msg);
		return -1;
	}
	*out = s->buf;
	return n;
}

/* A user's listings taken ahead, several users in one round trip. */
struct prelist {
	struct mx_listing src, dst;
	struct mx_err serr, derr;	/* msg "": listed */
};

struct job {
	struct mx_host *from, *to;
	const struct mx_xfer_user *u;
	const struct mx_xfer_opts *o;
	struct mx_xfer_result *r;
	struct mx_listing src, dst;
	struct mx_nameset *want;	/* keys to copy */
	struct mx_nameset *done;	/* keys copied in this pass */
	struct mx_nameset *known;	/* the target's folders (lazily) */
	size_t *copied;			/* src indexes copied in this pass */
	size_t ncopied, capcopied;
	struct sink sink;
	struct mx_buf prep;		/* the sink's preparation script */
	struct mx_buf markers;		/* the sink's folder markers */
	struct mx_listing after;	/* the target after the copy */
	struct mx_buf post, post_out;	/* digests read with that listing */
	struct prog prog;
	char *srcpath;			/* as the source host's commands see it */
	EVP_MD_CTX *md;
	uint64_t report_lines;
	struct prelist *pre;		/* listings taken ahead, or NULL */
	int is_mbox;
	int owner_known;
	int resumed;			/* the journal's last line was "start" */
	int finished;			/* a dry run or a verification: planned
					   and done */
	int no_journal;			/* a name the journal cannot hold */
	size_t not_placed;		/* in a group: files cp did not link */
	char first_not_placed[256];
	struct mx_buf cp_said;		/* ... and what cp said */
	size_t nwant;			/* messages to copy, and their bytes */
	uint64_t wbytes;
	size_t wnames;			/* ... and the length of their names */
	struct mx_xfer_user mu;		/* an mbox user: the spool instead */
	struct mx_host *spoolhost;	/* this machine, for the spool */
	char spool[PATH_MAX];
};

static void
report(struct job *j, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
report(struct job *j, const char *fmt, ...)
{
	va_list ap;

	j->report_lines++;
	if (j->report_lines > REPORT_MAX) {
		if (j->report_lines == REPORT_MAX + 1)
			mx_buf_puts(&j->r->report, _("  ... (more lines left out)\n"));
		return;
	}
	mx_buf_puts(&j->r->report, "  ");
	va_start(ap, fmt);
	mx_buf_vprintf(&j->r->report, fmt, ap);
	va_end(ap);
	mx_buf_puts(&j->r->report, "\n");
}

/* A folder this pass prepared on the target (prepare_target: the folders
 * of the messages wanted), where the sinks move messages in. */
static int
known_folder(struct job *j, const char *folder)
{
	char f[PATH_MAX], k[PATH_MAX];
	const char *nm;
	size_t i;

	if (folder[0] == '\0')
		return 1;
	if (j->known == NULL) {
		if ((j->known = mx_nameset_new()) == NULL)
			return 0;
		for (i = 0; i < j->src.n; i++)
			if (mx_nameset_has(j->want, j->src.v[i].key, NULL) &&
			    mx_listing_msg_path(j->src.v[i].path, k, sizeof k, f,
			    sizeof f, &nm) == 0 && f[0] != '\0' &&
			    mx_nameset_add(j->known, f, 0) == -1)
				return 0;
	}
	return mx_nameset_has(j->known, folder, NULL);
}

/* Check an entry's path: 1 a message to copy, 0 to pass over quietly,
 * -1 refused (hostile or odd; reported). */
static int
check_entry(struct job *j, struct archive_entry *e, const char *p, char *path,
    size_t plen, const char **name, char *key, size_t klen)
{
	const char *c;
	char folder[PATH_MAX];
	mode_t type = archive_entry_filetype(e);

	if (p == NULL)
		return -1;
	while (p[0] == '.' && p[1] == '/')
		p++, p++;
	while (*p == '/' && p[1] == '/')
		p++;
	if (p[0] == '/') {
		report(j, _("refused (absolute path): %s"), p);
		return -1;
	}
	for (c = p; c != NULL; c = strchr(c, '/') ? strchr(c, '/') + 1 : NULL)
		if (c[0] == '.' && c[1] == '.' && (c[2] == '/' || c[2] == '\0')) {
			report(j, _("refused (\"..\" in the path): %s"), p);
			return -1;
		}
	if (archive_entry_hardlink(e) != NULL) {
		report(j, _("refused (hard link): %s"), p);
		return -1;
	}
	if (type == AE_IFDIR || p[0] == '\0' || strcmp(p, ".") == 0)
		return 0;
	if (type == AE_IFLNK) {
		report(j, _("refused (symbolic link): %s"), p);
		return -1;
	}
	if (type != AE_IFREG) {
		report(j, _("refused (device or special file): %s"), p);
		return -1;
	}
	if (snprintf(path, plen, "%s", p) >= (int)plen)
		return 0;
	if (mx_listing_msg_path(path, key, klen, folder, sizeof folder, name) == -1)
		return 0;
	if (strlen(*name) > NAME_MAX) {	/* no file system holds it */
		report(j, _("refused (a name longer than %d bytes): %.80s..."),
		    NAME_MAX, p);
		return -1;
	}
	/* Once per unique name, even when new/ and cur/ both hold it (a
	 * client moved it while tar ran). */
	if (mx_nameset_has(j->done, key, NULL))
		return 0;
	if (mx_nameset_has(j->want, key, NULL))
		return 1;
	/* Arrived after the listing and not on the target: take it too,
	 * when this pass prepared its folder (else the next pass will). */
	if (mx_listing_get(&j->src, key) == NULL &&
	    mx_listing_get(&j->dst, key) == NULL)
		return known_folder(j, folder);
	return 0;
}

static int
copy_entry(struct job *j, struct archive *a, struct archive_entry *e,
    const char *path, const char *name, const char *key, struct mx_err *err)
{
	unsigned char dg[EVP_MAX_MD_SIZE];
	unsigned int dl, i;
	char buf[XBUF];
	la_ssize_t n;
	uint64_t size = (uint64_t)archive_entry_size(e), got = 0;
	struct mx_msgrec *r;

	if (sink_begin(&j->sink, path, name, size,
	    (int64_t)archive_entry_mtime(e), err) == -1)
		return -1;
	EVP_DigestInit_ex(j->md, EVP_sha256(), NULL);
	while ((n = archive_read_data(a, buf, sizeof buf)) > 0) {
		EVP_DigestUpdate(j->md, buf, (size_t)n);
		if (sink_data(&j->sink, buf, (size_t)n, err) == -1)
			return -1;
		got += (uint64_t)n;
		j->prog.p.bytes_done += (uint64_t)n;
		prog_emit(&j->prog, 0);
	}
	if (n < 0)
		return mx_err_set(err, MX_E_IO, _("%s: reading %s from the tar "
		    "stream: %s"), mx_host_name(j->from), path,
		    archive_error_string(a));
	if (sink_end(&j->sink, err) == -1)
		return -1;
	EVP_DigestFinal_ex(j->md, dg, &dl);
	if (j->sink.existed) {
		j->r->skipped++;
		return 0;
	}
	/* Remember what was copied, with its digest, for verification. */
	r = mx_listing_get(&j->src, key);
	if (r == NULL) {
		if (mx_listing_add(&j->src, path, got, (int64_t)archive_entry_mtime(e),
		    err) == -1)
			return -1;
		r = mx_listing_get(&j->src, key);
		if (r == NULL)
			return 0;
	}
	for (i = 0; i < 32; i++)
		snprintf(r->digest + 2 * i, 3, "%02x", dg[i]);
	if (j->ncopied == j->capcopied) {
		size_t cap = j->capcopied ? j->capcopied * 2 : 64;
		size_t *v = realloc(j->copied, cap * sizeof *v);

		if (v == NULL)
			return mx_err_errno(err, ENOMEM, "malloc");
		j->copied = v;
		j->capcopied = cap;
	}
	/* An index: the listing may grow and move. */
	j->copied[j->ncopied++] = (size_t)(r - j->src.v);
	if (mx_nameset_add(j->done, key, 0) == -1)
		return mx_err_errno(err, ENOMEM, "malloc");
	j->r->copied_msgs++;
	j->r->copied_bytes += got;
	j->prog.p.msgs_done++;
	prog_emit(&j->prog, 0);
	return 0;
}

/* libarchive stops at the end-of-archive blocks; tar goes on to pad its
 * last record (up to 10 KiB of zeros). Read that to the end, or tar dies
 * of SIGPIPE (status 141) and the channel is closed under it. */
static int
drain_padding(struct mx_host *from, struct src *s, struct mx_err *err)
{
	size_t total = 0;
	ssize_t n;

	while ((n = mx_stream_read(s->s, s->buf, sizeof s->buf, err)) > 0) {
		total += (size_t)n;
		if (total > (1u << 20))
			return mx_err_set(err, MX_E_REMOTE, _("%s: more than 1 MiB "
			    "after the end of the tar stream"),
			    mx_host_name(from));
	}
	return n < 0 ? -1 : 0;
}

/* An entry of a user's stream (p: its path in the Maildir): copied
 * when wanted, else passed over (its data skipped by the next header). */
static int
job_entry(struct job *j, struct archive *a, struct archive_entry *e,
    const char *p, struct mx_err *err)
{
	char path[PATH_MAX], key[PATH_MAX];
	const char *name;
	int c;

	if (p == NULL) {
		j->r->refused++;
		return 0;
	}
	c = check_entry(j, e, p, path, sizeof path, &name, key, sizeof key);
	if (c == -1)
		j->r->refused++;
	if (c != 1)
		return 0;
	return copy_entry(j, a, e, path, name, key, err);
}

static int
job_entry_fn(void *ctx, struct archive *a, struct archive_entry *e,
    struct mx_err *err)
{
	return job_entry(ctx, a, e, archive_entry_pathname(e), err);
}

/* Read one tar stream from the source (argv run on from), each entry to
 * fn. */
static int
read_stream(struct mx_host *from, const char *const argv[],
    int (*fn)(void *, struct archive *, struct archive_entry *,
    struct mx_err *), void *ctx, struct mx_err *err)
{
	struct src *s;
	struct archive *a;
	struct archive_entry *e;
	struct mx_buf eo = MX_BUF_INIT;
	int r, st = -1, rc = -1;

	s = calloc(1, sizeof *s);
	if (s == NULL)
		return mx_err_errno(err, ENOMEM, "malloc");
	s->err = err;
	if (mx_host_exec_read(from, argv, &s->s, err) == -1) {
		free(s);
		return -1;
	}
	a = archive_read_new();
	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	if (archive_read_open(a, s, NULL, src_read, NULL) != ARCHIVE_OK) {
		mx_err_set(err, MX_E_REMOTE, _("%s: not a tar stream: %s"),
		    mx_host_name(from), archive_error_string(a));
		goto out;
	}
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK ||
	    r == ARCHIVE_WARN)
		if (fn(ctx, a, e, err) == -1)
			goto out;
	if (r != ARCHIVE_EOF) {
		mx_err_set(err, MX_E_REMOTE, _("%s: the tar stream broke off: %s"),
		    mx_host_name(from), archive_error_string(a));
		goto out;
	}
	if (drain_padding(from, s, err) == -1)
		goto out;
	rc = 0;
out:
	archive_read_free(a);
	if (mx_stream_close(s->s, &st, &eo, rc == 0 ? err : NULL) == -1)
		rc = -1;
	else if (rc == 0 && st != 0 && st != 1) {
		/* GNU tar: 1 = some file changed or vanished while read
		 * (a client on the old host); verification decides. */
		mx_err_set(err, MX_E_REMOTE, _("%s: tar c failed (status %d): %s"),
		    mx_host_name(from), st, eo.data ? eo.data : "");
		rc = -1;
	}
	mx_buf_free(&eo);
	free(s);
	return rc;
}

/* Copy the planned messages: one stream of the whole Maildir when most
 * is missing, else streams naming the missing files. */
static int
copy_planned(struct job *j, size_t nwant, struct mx_err *err)
{
	const char **argv;
	size_t i, n, bytes, k;
	int rc = 0;

	if (nwant * 2 > j->src.n) {
		const char *full[] = { "tar", "cf", "-", "-C", j->srcpath, ".",
		    NULL };

		return read_stream(j->from, full, job_entry_fn, j, err);
	}
	argv = calloc(j->src.n + 8, sizeof *argv);
	if (argv == NULL)
		return mx_err_errno(err, ENOMEM, "malloc");
	i = 0;
	while (rc == 0 && i < j->src.n) {
		n = 0;
		argv[n++] = "tar";
		argv[n++] = "cf";
		argv[n++] = "-";
		argv[n++] = "-C";
		argv[n++] = j->srcpath;
		argv[n++] = "--";
		k = n;
		for (bytes = 0; i < j->src.n && bytes < MX_CHUNK_ARGS; i++) {
			if (!mx_nameset_has(j->want, j->src.v[i].key, NULL))
				continue;
			argv[n++] = j->src.v[i].path;
			bytes += strlen(j->src.v[i].path) + 3;
		}
		argv[n] = NULL;
		if (n > k)
			rc = read_stream(j->from, argv, job_entry_fn, j, err);
	}
	free(argv);
	return rc;
}

/* Target preparation: the Maildir, its folders, the stage. One shell
 * script and a handful of processes, whatever the number of folders: the
 * directories missing are created by one mkdir and one chown. */
static void
mk_dir(struct mx_buf *sc, const char *base, const char *folder,
    const char *sub)
{
	struct mx_buf p = MX_BUF_INIT;

	mx_buf_printf(&p, "%s%s%s%s", base, folder[0] ? "/" : "", folder, sub);
	mx_buf_puts(sc, " ");
	mx_shell_quote(sc, p.data);
	mx_buf_free(&p);
}

static int
prepare_target(struct job *j, int stage_later, struct mx_err *err)
{
	static const char *const subs[] = { "", "/tmp", "/new", "/cur" };
	struct mx_buf sc = MX_BUF_INIT, mf = MX_BUF_INIT, mf2 = MX_BUF_INIT;
	struct mx_nameset *seen;
	char folder[PATH_MAX], key[PATH_MAX], own[64];
	const char *name;
	size_t i, d;
	int rc;

	seen = mx_nameset_new();
	if (seen == NULL)
		return mx_err_errno(err, ENOMEM, "malloc");
	snprintf(own, sizeof own, "%lu:%lu", (unsigned long)j->sink.uid,
	    (unsigned long)j->sink.gid);
	/* A symbolic link where a directory belongs is refused: the
	 * links into place must not leave the Maildir. Parents come before
	 * their children, so one install -d makes the directories missing
	 * with their owner and mode (a remote target's folder markers come
	 * with the messages, sink_markers; a local one's are made here). The
	 * stage (mkdir without -p: never one that
	 * appeared meanwhile; a group makes its members' in one mkdir) stays
	 * owned by whoever runs the copy (root): the user cannot plant links
	 * in it while it is written; one left by an interrupted pass goes
	 * first. */
	mx_buf_puts(&sc, "set -e; umask 077; set --; for d in");
	for (d = 0; d < 4; d++)
		mk_dir(&sc, j->sink.hdst, "", subs[d]);
	for (i = 0; i < j->src.n; i++) {
		if (!mx_nameset_has(j->want, j->src.v[i].key, NULL) ||
		    mx_listing_msg_path(j->src.v[i].path, key, sizeof key, folder,
		    sizeof folder, &name) == -1 || folder[0] == '\0' ||
		    mx_nameset_add(seen, folder, 0) != 1)
			continue;
		for (d = 0; d < 4; d++)
			mk_dir(&sc, j->sink.hdst, folder, subs[d]);
		if (j->sink.local || j->sink.markers == NULL) {
			mk_dir(&mf, j->sink.hdst, folder, "/maildirfolder");
		} else {
			mx_buf_printf(j->sink.markers, "%s/maildirfolder", folder);
			mx_buf_append(j->sink.markers, "", 1);
		}
	}
	mx_buf_puts(&sc, "; do if [ -L \"$d\" ]; then echo \"$d is a "
	    "symbolic link: refused\" >&2; exit 1; fi; [ -d \"$d\" ] || set -- "
	    "\"$@\" \"$d\"; done; S=");
	mx_buf_reset(&mf2);
	mx_buf_printf(&mf2, "%s/%s", j->sink.hdst, MX_STAGE);
	mx_shell_quote(&sc, mf2.data ? mf2.data : "");
	mx_buf_printf(&sc, "; if [ -e \"$S\" ] || [ -L \"$S\" ]; then rm -rf "
	    "\"$S\"; fi; if [ $# -gt 0 ]; then install -d -m 700 -o %lu -g %lu "
	    "\"$@\"; fi; %s", (unsigned long)j->sink.uid,
	    (unsigned long)j->sink.gid, stage_later ? "" : "mkdir -m 700 \"$S\"; ");
	if (mf.len > 0) {
		mx_buf_puts(&sc, "set --; for f in");
		mx_buf_append(&sc, mf.data, mf.len);
		mx_buf_printf(&sc, "; do [ -e \"$f\" ] || { : > \"$f\"; set -- "
		    "\"$@\" \"$f\"; }; done; if [ $# -gt 0 ]; then chown %s "
		    "\"$@\"; fi", own);
	} else {
		mx_buf_puts(&sc, ":");
	}
	if (j->sink.local || j->sink.prep == NULL) {
		rc = run_script(j->to, sc.data, NULL, err);
	} else {
		/* Sent with the first tar x (remote_chunk_open). */
		mx_buf_reset(j->sink.prep);
		mx_buf_puts(j->sink.prep, "( ");
		mx_buf_append(j->sink.prep, sc.data, sc.len);
		mx_buf_puts(j->sink.prep, " )");
		rc = 0;
	}
	mx_buf_free(&sc);
	mx_buf_free(&mf);
	mx_buf_free(&mf2);
	mx_nameset_free(seen);
	return rc;
}

static int
remove_stage(struct job *j, struct mx_err *err)
{
	struct mx_buf sc = MX_BUF_INIT;
	char stage[PATH_MAX];
	int rc;

	snprintf(stage, sizeof stage, "%s/%s", j->sink.hdst, MX_STAGE);
	mx_buf_puts(&sc, "rm -rf ");
	mx_shell_quote(&sc, stage);
	rc = run_script(j->to, sc.data, NULL, err);
	mx_buf_free(&sc);
	return rc;
}

/* maildirsize: keep the definition line, one line of totals. */
static int
fix_quota(struct job *j, struct mx_err *err)
{
	struct mx_buf old = MX_BUF_INIT, nw = MX_BUF_INIT;
	struct mx_mdname mn;
	char path[PATH_MAX];
	const char *slash;
	uint64_t bytes = 0;
	size_t i;
	int rc = -1;

	snprintf(path, sizeof path, "%s/maildirsize", j->u->dst);
	if (!j->dst.has_quota)
		return 0;
	if (mx_host_read_file(j->to, path, &old, err) == -1)
		goto out;
	for (i = 0; i < j->dst.n; i++) {
		slash = strrchr(j->dst.v[i].path, '/');
		if (mx_maildir_parse_name(slash ? slash + 1 : j->dst.v[i].path,
		    &mn) == 0 && mn.has_size)
			bytes += mn.size;
		else
			bytes += j->dst.v[i].size;
	}
	mx_buf_append(&nw, old.data ? old.data : "",
	    old.data ? strcspn(old.data, "\n") : 0);
	mx_buf_printf(&nw, "\n%" PRIu64 " %zu\n", bytes, j->dst.n);
	rc = mx_host_write_file(j->to, path, nw.data, nw.len, 0600, j->sink.uid,
	    j->sink.gid, 1, err);
out:
	mx_buf_free(&old);
	mx_buf_free(&nw);
	return rc;
}

/* Verification ----------------------------------------------------------- */

static void after_digests(struct job *j);

/* What the last verified pass proved of a user: STATE/manifest/USER
 * and STATE/manifest/USER.stamp (suffix ".stamp"). */
static char *
proof_path(const struct mx_xfer_opts *o, const char *user, const char *suffix,
    int mkdirs)
{
	struct mx_buf p = MX_BUF_INIT;

	if (o->state_dir == NULL)
		return NULL;
	mx_buf_printf(&p, "%s/manifest", o->state_dir);
	if (p.data == NULL)
		return NULL;
	if (mkdirs)
		(void)mkdir(p.data, 0700);
	mx_buf_printf(&p, "/%s%s", user, suffix);
	return p.data;
}

static char *
manifest_path(struct job *j, int mkdirs)
{
	return proof_path(j->o, j->u->name, "", mkdirs);
}

/* The hosts and directories a manifest or stamp was made between. */
static void
proof_id(const char *from, const char *to, const struct mx_xfer_user *u,
    struct mx_buf *id)
{
	mx_buf_printf(id, "%s\t%s\t%s\t%s", from, to, u->src, u->dst);
	for (size_t i = 0; i < id->len; i++)
		if (id->data[i] == '\n')
			id->data[i] = ' ';
}

static void
manifest_id(struct job *j, struct mx_buf *id)
{
	proof_id(mx_host_name(j->from), mx_host_name(j->to), j->u, id);
}

/* After a verified pass: the directories' times of both listings, for
 * the next pass to find the user unchanged without listing it (not for
 * an mbox, converted anew each pass, nor for Plesk's @attachments, which
 * the times do not cover). */
static void
save_stamp(struct job *j, const struct mx_listing *S,
    const struct mx_listing *D, const char *id)
{
	struct mx_err serr;
	char *path = proof_path(j->o, j->u->name, ".stamp", 1);

	if (path == NULL)
		return;
	/* Not written: the next pass lists this user. */
	if (j->is_mbox || S->has_attachments || D->has_attachments)
		mx_stamp_drop(path);
	else
		(void)mx_stamp_save(path, id, S, D, &serr);
	free(path);
}

/* Compare the source's set with the target. Every message must be
 * there with the same size, and the same SHA-256:
 *  - copied in this pass: the digest of the stream, against the file
 *    read back on the target;
 *  - unchanged on both sides (path, size, ctime) since a verified pass
 *    recorded their common digest in the manifest: that digest;
 *  - anything else (and everything with all_digests): read on both.
 * A verified pass records the digests in the manifest. */
static int
verify(struct job *j, int all_digests, int relist, struct mx_err *err)
{
	struct mx_listing d2, *S = &j->src, *D = &j->dst;
	struct mx_msgrec **sv = NULL, **dv = NULL, **sd = NULL, **dd = NULL;
	struct mx_msgrec *s, *d;
	struct mx_manifest *mf = NULL;
	struct mx_buf id = MX_BUF_INIT;
	char *mpath = NULL;
	size_t i, n = 0, ns = 0, nd = 0, trusted = 0;
	int rc = -1;

	memset(&d2, 0, sizeof d2);
	if (relist && j->sink.after_done) {
		after_digests(j);
		d2 = j->after;
		memset(&j->after, 0, sizeof j->after);
		D = &d2;
	} else if (relist) {
		if (mx_listing_init(&d2, err) == -1)
			goto out;
		/* The source's set is the one listed at the start (plus what
		 * arrived in the stream); the target is looked at again. */
		if (mx_listing_read(j->to, j->u->dst, &d2, err) == -1)
			goto out;
		D = &d2;
	}
	manifest_id(j, &id);
	mpath = manifest_path(j, 0);
	if (!all_digests && mpath != NULL && id.data != NULL &&
	    mx_manifest_load(mpath, id.data, &mf, err) == -1)
		goto out;
	j->r->src_msgs = S->n;
	j->r->src_bytes = S->bytes;
	j->r->dst_msgs = D->n;
	j->r->dst_bytes = D->bytes;
	sv = calloc(S->n + 1, sizeof *sv);
	dv = calloc(S->n + 1, sizeof *dv);
	sd = calloc(S->n + 1, sizeof *sd);
	dd = calloc(S->n + 1, sizeof *dd);
	if (sv == NULL || dv == NULL || sd == NULL || dd == NULL) {
		mx_err_errno(err, ENOMEM, "malloc");
		goto out;
	}
	for (i = 0; i < S->n; i++) {
		s = &S->v[i];
		d = mx_listing_get(D, s->key);
		if (d == NULL) {
			report(j, _("missing on the target: %s"), s->path);
			j->r->mismatched++;
			continue;
		}
		if (d->size != s->size) {
			report(j, _("size differs: %s (%" PRIu64 " bytes) and %s "
			    "(%" PRIu64 " bytes)"), s->path, s->size, d->path,
			    d->size);
			j->r->mismatched++;
			continue;
		}
		if (!all_digests && s->digest[0] != '\0' &&
		    mx_nameset_has(j->done, s->key, NULL)) {
			/* Copied in this pass: the stream's digest. */
		} else if (!all_digests && mx_manifest_trust(mf, s, d)) {
			trusted++;
			continue;
		} else {
			s->digest[0] = '\0';
			sd[ns++] = s;
		}
		sv[n] = s;
		dv[n++] = d;
	}
	if (ns > 0 && mx_listing_digest(j->from, j->u->src, sd, ns, err) == -1)
		goto out;
	for (i = 0, nd = 0; i < n; i++)
		if (dv[i]->digest[0] == '\0')
			dd[nd++] = dv[i];
	if (nd > 0 && mx_listing_digest(j->to, j->u->dst, dd, nd, err) == -1)
		goto out;
	for (i = 0; i < n; i++)
		if (sv[i]->digest[0] == '\0' ||
		    strcmp(sv[i]->digest, dv[i]->digest) != 0) {
			report(j, _("content differs (SHA-256): %s"), dv[i]->path);
			j->r->mismatched++;
		}
	j->r->verified = j->r->mismatched == 0;
	/* Record what is proved, unless the manifest already says it all. */
	if (j->r->verified && mpath != NULL && id.data != NULL &&
	    (n > 0 || trusted != mx_manifest_count(mf))) {
		struct mx_err merr;

		/* A manifest not written (no state directory yet, a full
		 * disk) only costs a re-read on the next pass. */
		free(mpath);
		mpath = manifest_path(j, 1);
		if (mpath != NULL)
			(void)mx_manifest_save(mpath, id.data, S, D, &merr);
	}
	if (j->r->verified && id.data != NULL && !j->o->dry_run)
		save_stamp(j, S, D, id.data);
	if (j->r->verified && !j->is_mbox && S->n > 0 && S->listed_at == 0)
		report(j, _("%s: its clock could not be read (date +%%s.%%N): "
		    "nothing was recorded, so the next pass lists and reads "
		    "every message again"), mx_host_name(j->from));
	if (relist) {
		/* The target listing after the pass, for maildirsize. */
		mx_listing_free(&j->dst);
		j->dst = d2;
		memset(&d2, 0, sizeof d2);
	}
	rc = 0;
out:
	free(sv);
	free(dv);
	free(sd);
	free(dd);
	free(mpath);
	mx_buf_free(&id);
	mx_manifest_free(mf);
	if (d2.idx != NULL)
		mx_listing_free(&d2);
	return rc;
}

/* Owner --------------------------------------------------------------- */

static int
resolve_owner(struct job *j, struct mx_err *err)
{
	struct mx_stat st;
	char parent[PATH_MAX], *sl;

	j->sink.uid = j->u->uid;
	j->sink.gid = j->u->gid;
	if (j->u->uid != (uid_t)-1 && j->u->gid != (gid_t)-1) {
		j->owner_known = 1;
		return 0;
	}
	if (mx_host_stat(j->to, j->u->dst, &st, err) == -1)
		return -1;
	if (!st.exists) {
		snprintf(parent, sizeof parent, "%s", j->u->dst);
		sl = strrchr(parent, '/');
		if (sl != NULL && sl != parent)
			*sl = '\0';
		if (mx_host_stat(j->to, parent, &st, err) == -1)
			return -1;
		if (!st.exists)
			return mx_err_set(err, MX_E_NOTFOUND, _("%s: neither %s "
			    "nor its parent exists: create the account first or "
			    "give its uid and gid"), mx_host_name(j->to),
			    j->u->dst);
	}
	if (j->sink.uid == (uid_t)-1)
		j->sink.uid = st.uid;
	if (j->sink.gid == (gid_t)-1)
		j->sink.gid = st.gid;
	j->owner_known = 1;
	return 0;
}

/* mbox source: convert into a spool Maildir on this machine. ------------ */

struct mbox_rd {
	struct mx_stream *s;
};

static ssize_t
mbox_stream_read(void *ctx, void *buf, size_t len, struct mx_err *err)
{
	struct mbox_rd *m = ctx;

	return mx_stream_read(m->s, buf, len, err);
}

struct dmg_ctx {
	struct job *j;
};

static void
mbox_damage(void *ctx, uint64_t off, const char *what)
{
	struct dmg_ctx *d = ctx;

	report(d->j, _("mbox %s: byte offset %" PRIu64 ": %s"), d->j->u->src,
	    off, what);
}

static int
convert_mbox(struct job *j, const char *spool, struct mx_err *err)
{
	struct mx_mbox_conv_opts co;
	struct mx_mbox_conv_stats cs;
	struct mbox_rd rd;
	struct dmg_ctx dc = { j };
	struct mx_buf host = MX_BUF_INIT, eo = MX_BUF_INIT;
	const char *un[] = { "uname", "-n", NULL };
	const char *cat[] = { "cat", "--", j->srcpath, NULL };
	int st = -1, rc;

	memset(&co, 0, sizeof co);
	co.format = j->o->mbox_format;
	co.uid = (uid_t)-1;
	co.gid = (gid_t)-1;
	/* Names carry the old host's name: the same on every run. */
	if (mx_host_run(j->from, un, NULL, 0, &host, NULL, &st, err) == 0 &&
	    st == 0 && host.data != NULL) {
		host.data[strcspn(host.data, "\n")] = '\0';
		co.host = host.data;
	}
	if (mx_host_exec_read(j->from, cat, &rd.s, err) == -1) {
		mx_buf_free(&host);
		return -1;
	}
	rc = mx_mbox_to_maildir(mbox_stream_read, &rd, spool, &co, mbox_damage,
	    &dc, &cs, err);
	if (mx_stream_close(rd.s, &st, &eo, rc == 0 ? err : NULL) == -1)
		rc = -1;
	else if (rc == 0 && st != 0)
		rc = mx_err_set(err, MX_E_REMOTE, _("%s: reading %s failed: %s"),
		    mx_host_name(j->from), j->u->src, eo.data ? eo.data : "");
	j->r->damaged = cs.damaged;
	mx_buf_free(&host);
	mx_buf_free(&eo);
	return rc;
}

/* Plesk's @attachments beside the Maildir: the whole tree, modes kept,
 * owners remapped, files already on the target left alone. ------------- */

static int
att_path_ok(const char *p)
{
	const char *c;

	if (strncmp(p, "@attachments", 12) != 0 || (p[12] != '/' && p[12] != '\0'))
		return 0;
	for (c = p; c != NULL; c = strchr(c, '/') ? strchr(c, '/') + 1 : NULL)
		if (c[0] == '.' && c[1] == '.' && (c[2] == '/' || c[2] == '\0'))
			return 0;
	return 1;
}

static int
copy_attachments(struct job *j, struct mx_err *err)
{
	char sparent[PATH_MAX], dparent[PATH_MAX], *sl, *hs = NULL, *hd = NULL;
	char buf[XBUF];
	struct mx_stream *in = NULL;
	struct archive *a = NULL, *w = NULL;
	struct archive_entry *e;
	struct out aw = { NULL, err };
	struct src *sr = NULL;
	struct mx_buf eo = MX_BUF_INIT;
	la_ssize_t n;
	uint64_t files = 0;
	int r, rc = -1, status = -1;

	snprintf(sparent, sizeof sparent, "%s", j->u->src);
	snprintf(dparent, sizeof dparent, "%s", j->u->dst);
	if ((sl = strrchr(sparent, '/')) == NULL || sl == sparent)
		return 0;
	*sl = '\0';
	if ((sl = strrchr(dparent, '/')) == NULL || sl == dparent)
		return 0;
	*sl = '\0';
	if (!j->src.has_attachments)
		return 0;
	if (!j->owner_known && resolve_owner(j, err) == -1)
		return -1;
	hs = mx_host_path(j->from, sparent);
	hd = mx_host_path(j->to, dparent);
	if (hs == NULL || hd == NULL) {
		mx_err_errno(err, ENOMEM, "malloc");
		goto out;
	}
	{
		const char *rd[] = { "tar", "cf", "-", "-C", hs, "@attachments",
		    NULL };
		const char *wr[] = { "tar", "--numeric-owner", "--skip-old-files",
		    "-xpf", "-", "-C", hd, NULL };

		if (mx_host_exec_read(j->from, rd, &in, err) == -1 ||
		    mx_host_exec_write(j->to, wr, &aw.s, err) == -1)
			goto out;
	}
	sr = calloc(1, sizeof *sr);
	a = archive_read_new();
	w = archive_write_new();
	if (sr == NULL || a == NULL || w == NULL) {
		mx_err_errno(err, ENOMEM, "malloc");
		goto out;
	}
	sr->s = in;
	sr->err = err;
	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	archive_write_set_format_pax_restricted(w);
	if (archive_read_open(a, sr, NULL, src_read, NULL) != ARCHIVE_OK ||
	    archive_write_open(w, &aw, NULL, out_write, NULL) != ARCHIVE_OK) {
		mx_err_set(err, MX_E_IO, _("@attachments: %s"),
		    archive_error_string(a));
		goto out;
	}
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK ||
	    r == ARCHIVE_WARN) {
		const char *p = archive_entry_pathname(e);
		mode_t t = archive_entry_filetype(e);

		if (p == NULL || !att_path_ok(p) || (t != AE_IFREG && t != AE_IFDIR) ||
		    archive_entry_hardlink(e) != NULL) {
			report(j, _("refused in @attachments: %s"), p ? p : "?");
			j->r->refused++;
			continue;
		}
		archive_entry_set_uid(e, j->sink.uid);
		archive_entry_set_gid(e, j->sink.gid);
		archive_entry_set_uname(e, NULL);
		archive_entry_set_gname(e, NULL);
		if (archive_write_header(w, e) < ARCHIVE_WARN)
			goto werr;
		if (t == AE_IFREG) {
			files++;
			while ((n = archive_read_data(a, buf, sizeof buf)) > 0)
				if (archive_write_data(w, buf, (size_t)n) != n)
					goto werr;
			if (n < 0) {
				mx_err_set(err, MX_E_IO, _("@attachments: %s"),
				    archive_error_string(a));
				goto out;
			}
		}
	}
	if (r != ARCHIVE_EOF) {
		mx_err_set(err, MX_E_REMOTE, _("@attachments: the tar stream broke "
		    "off: %s"), archive_error_string(a));
		goto out;
	}
	if (archive_write_close(w) != ARCHIVE_OK)
		goto werr;
	rc = 0;
	goto out;
werr:
	mx_err_set(err, MX_E_IO, _("@attachments: cannot write: %s"),
	    archive_error_string(w));
out:
	if (a != NULL)
		archive_read_free(a);
	if (w != NULL)
		archive_write_free(w);
	if (in != NULL)
		mx_stream_close(in, NULL, NULL, NULL);
	if (aw.s != NULL) {
		if (mx_stream_close(aw.s, &status, &eo, rc == 0 ? err : NULL) == -1)
			rc = -1;
		else if (rc == 0 && status != 0)
			rc = mx_err_set(err, MX_E_REMOTE, _("%s: tar x of @attachments "
			    "failed: %s"), mx_host_name(j->to), eo.data ? eo.data : "");
	}
	if (rc == 0 && files > 0)
		report(j, _("@attachments: %" PRIu64 " files copied or already "
		    "there"), files);
	mx_buf_free(&eo);
	free(sr);
	free(hs);
	free(hd);
	return rc;
}

/* One user ---------------------------------------------------------------- */

static int
journal_add(const struct mx_xfer_opts *o, const char *user, const char *ev,
    const char *detail)
{
	return mx_journal_add(o->journal, user, ev, detail, NULL);
}

/* A remote target: its listing after the copy and the digests of the
 * messages copied come with the last move (one round trip; with too
 * many names for one command line, verify reads the digests). */
static int
after_setup(struct job *j, struct mx_err *err)
{
	size_t i;

	if (mx_listing_init(&j->after, err) == -1)
		return -1;
	mx_buf_reset(&j->post);
	mx_listing_digest_fn(&j->post);
	mx_buf_puts(&j->post, "cd ");
	mx_shell_quote(&j->post, j->sink.hdst);
	mx_buf_puts(&j->post, " && S");
	for (i = 0; i < j->ncopied && j->post.len < MX_CHUNK_ARGS; i++) {
		mx_buf_puts(&j->post, " ");
		mx_shell_quote(&j->post, j->src.v[j->copied[i]].path);
	}
	if (j->post.data == NULL)
		return mx_err_errno(err, ENOMEM, "malloc");
	if (i < j->ncopied || j->ncopied == 0)
		mx_buf_reset(&j->post);
	j->sink.after = &j->after;
	j->sink.post = j->post.len > 0 ? j->post.data : NULL;
	j->sink.post_out = &j->post_out;
	return 0;
}

/* The digest lines read with the listing into its records. */
static void
after_digests(struct job *j)
{
	char *line, *nl, key[PATH_MAX], folder[PATH_MAX], hex[65];
	const char *name, *path;
	struct mx_msgrec *d;

	if (j->post_out.data == NULL)
		return;
	for (line = j->post_out.data; *line != '\0'; line = nl) {
		nl = strchr(line, '\n');
		if (nl == NULL)
			break;
		*nl++ = '\0';
		if ((path = mx_listing_digest_line(line, hex)) == NULL ||
		    mx_listing_msg_path(path, key, sizeof key, folder,
		    sizeof folder, &name) == -1)
			continue;
		d = mx_listing_get(&j->after, key);
		if (d != NULL && strcmp(d->path, path) == 0)
			memcpy(d->digest, hex, sizeof hex);
	}
}

/* What a pass must copy for this user (j->want, j->nwant, j->wbytes).
 * A dry run or a verification ends here (j->finished). */
static int
job_plan(struct job *j, struct mx_err *err)
{
	size_t i;

	prog_state(&j->prog, MX_XS_LISTING);
	j->want = mx_nameset_new();
	j->done = mx_nameset_new();
	j->md = EVP_MD_CTX_new();
	if (j->want == NULL || j->done == NULL || j->md == NULL)
		return mx_err_errno(err, ENOMEM, "malloc");
	if (j->pre != NULL && j->pre->derr.msg[0] == '\0') {
		j->dst = j->pre->dst;
		memset(&j->pre->dst, 0, sizeof j->pre->dst);
	} else if (mx_listing_init(&j->dst, err) == -1 ||
	    mx_listing_read(j->to, j->u->dst, &j->dst, err) == -1) {
		return -1;
	}
	if (j->dst.is_file)
		return mx_err_set(err, MX_E_USAGE, _("%s: %s is a file, not a "
		    "Maildir"), mx_host_name(j->to), j->u->dst);
	for (i = 0; i < j->src.n; i++) {
		if (mx_listing_get(&j->dst, j->src.v[i].key) != NULL) {
			j->r->skipped++;
			continue;
		}
		if (mx_nameset_add(j->want, j->src.v[i].key, 0) == -1)
			return mx_err_errno(err, ENOMEM, "malloc");
		j->nwant++;
		j->wbytes += j->src.v[i].size;
		j->wnames += strlen(j->src.v[i].path) + 1;
	}
	j->r->src_msgs = j->src.n;
	j->r->src_bytes = j->src.bytes;
	j->prog.p.msgs_total = j->nwant;
	j->prog.p.bytes_total = j->wbytes;
	if (j->o->verify_only) {
		prog_state(&j->prog, MX_XS_VERIFYING);
		j->r->skipped = 0;
		j->finished = 1;
		return verify(j, 1, 0, err);
	}
	if (j->o->dry_run) {
		j->r->copied_msgs = j->nwant;
		j->r->copied_bytes = j->wbytes;
		j->r->verified = 0;
		j->finished = 1;
	}
	return 0;
}

/* Before the target changes: the journal's "start", the owner, the
 * target's preparation. (A pass with nothing to copy writes its "done"
 * line alone.) */
static int
job_start_copy(struct job *j, int stage_later, struct mx_err *err)
{
	/* A group notes its members' starts and makes them durable at
	 * once (copy_group), before any target changes. */
	if (stage_later)
		(void)mx_journal_note(j->o->journal, j->u->name, "start", "",
		    NULL);
	else
		journal_add(j->o, j->u->name, "start", "");
	if (resolve_owner(j, err) == -1)
		return -1;
	prog_state(&j->prog, MX_XS_COPYING);
	j->sink.local = mx_host_is_local(j->to) && !j->o->stream_sink;
	return prepare_target(j, stage_later, err);
}

/* Copy what job_plan found missing, in this user's own streams. */
static int
job_copy(struct job *j, struct mx_err *err)
{
	if (j->nwant == 0) {
		/* Killed after its last message was moved in: nothing is
		 * left to copy, but its stage is. */
		if (j->resumed && remove_stage(j, err) == -1)
			return -1;
		return 0;
	}
	if (job_start_copy(j, 0, err) == -1)
		return -1;
	j->sink.chunk_max = j->o->stream_chunk ? j->o->stream_chunk :
	    REMOTE_CHUNK;
	if (j->sink.local && local_sink_open(&j->sink, err) == -1)
		return -1;
	if (copy_planned(j, j->nwant, err) == -1)
		return -1;
	if (!j->sink.local && after_setup(j, err) == -1)
		return -1;
	if (sink_finish(&j->sink, err) == -1)
		return -1;
	if (!j->sink.stage_gone && remove_stage(j, err) == -1)
		return -1;
	return 0;
}

/* After the copy: @attachments, the verification, maildirsize. */
static int
job_end(struct job *j, struct mx_err *err)
{
	if (!j->is_mbox && copy_attachments(j, err) == -1)
		return -1;
	prog_state(&j->prog, MX_XS_VERIFYING);
	/* Nothing copied: the listings just taken are the comparison. */
	if (verify(j, 0, j->nwant > 0, err) == -1)
		return -1;
	if (j->nwant == 0)
		return 0;
	return fix_quota(j, err);
}

/* Whether name may be a file name under STATE and a journal field. */
static int
state_name_ok(const char *name)
{
	const unsigned char *p = (const unsigned char *)name;

	if (*p == '\0' || *p == '.')
		return 0;
	for (; *p; p++)
		if (*p == '/' || *p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

/* What a job holds (its sink is freed by sink_free first). */
static void
job_free(struct job *j)
{
	mx_listing_free(&j->src);
	mx_listing_free(&j->dst);
	mx_nameset_free(j->want);
	mx_nameset_free(j->done);
	mx_nameset_free(j->known);
	EVP_MD_CTX_free(j->md);
	free(j->copied);
	mx_buf_free(&j->prep);
	mx_buf_free(&j->markers);
	mx_buf_free(&j->cp_said);
	mx_buf_free(&j->post);
	mx_buf_free(&j->post_out);
	if (j->after.idx != NULL)
		mx_listing_free(&j->after);
	free(j->srcpath);
	free(j->sink.dst);
	free(j->sink.hdst);
}

/* A user's job up to its plan's start: the journal's word on the last
 * pass, the source listed (taken from pre when the group's listing has
 * it), an mbox converted into a spool Maildir on this machine. */
static int
job_begin(struct job *j, struct mx_host *from, struct mx_host *to,
    const struct mx_xfer_user *u, const struct mx_xfer_opts *o,
    struct mx_xfer_result *r, struct prelist *pre, struct mx_err *err)
{
	memset(r, 0, sizeof *r);
	mx_err_clear(err);
	memset(j, 0, sizeof *j);
	j->from = from;
	j->to = to;
	j->u = u;
	j->o = o;
	j->r = r;
	j->sink.to = to;
	j->sink.prep = &j->prep;
	j->sink.markers = &j->markers;
	j->sink.stagefd = j->sink.dstfd = j->sink.oldcwd = -1;
	j->prog.o = o;
	j->prog.p.user = u->name;
	clock_gettime(CLOCK_MONOTONIC, &j->prog.t0);
	j->prog.last = j->prog.t0;
	if (!state_name_ok(u->name)) {
		/* The name becomes a file name (manifest, spool) and a
		 * journal field. */
		j->no_journal = 1;
		return mx_err_set(err, MX_E_USAGE, _("'%s' cannot name a user's "
		    "state (no '/', no leading '.', no control characters)"),
		    u->name);
	}
	if (o->journal != NULL) {
		char ev[32];

		/* Read from the journal's memory: the file was read once,
		 * when mx_transfer_all opened it. */
		mx_journal_get(o->journal, u->name, ev, sizeof ev, NULL, 0);
		if (strcmp(ev, "start") == 0) {
			report(j, _("resuming after an interrupted pass: the stage "
			    "is cleared and what is missing copied"));
			j->resumed = 1;
		}
	}
	j->srcpath = mx_host_path(from, u->src);
	j->sink.dst = strdup(u->dst);
	j->sink.hdst = mx_host_path(to, u->dst);
	if (j->srcpath == NULL || j->sink.dst == NULL || j->sink.hdst == NULL)
		return mx_err_errno(err, ENOMEM, "malloc");
	j->pre = pre;
	/* A group's listing that failed for this user (a find error in
	 * one Maildir fails the group's): listed again alone. */
	if (pre != NULL && pre->serr.msg[0] == '\0') {
		j->src = pre->src;
		memset(&pre->src, 0, sizeof pre->src);
	} else if (mx_listing_init(&j->src, err) == -1 ||
	    mx_listing_read(from, u->src, &j->src, err) == -1) {
		return -1;
	}
	if (j->src.missing)
		return mx_err_set(err, MX_E_NOTFOUND, _("%s: %s does not exist"),
		    mx_host_name(from), u->src);
	if (j->src.is_file) {
		struct mx_buf rm = MX_BUF_INIT;
		int rc;

		/* An mbox: convert it on this machine, then move the result. */
		prog_state(&j->prog, MX_XS_CONVERTING);
		if (o->state_dir != NULL)
			snprintf(j->spool, sizeof j->spool, "%s/spool/%s",
			    o->state_dir, u->name);
		else
			snprintf(j->spool, sizeof j->spool,
			    "/tmp/mxmove-spool.%ld.%s", (long)getpid(), u->name);
		mx_buf_puts(&rm, "rm -rf ");
		mx_shell_quote(&rm, j->spool);
		mx_buf_puts(&rm, " && mkdir -p ");
		mx_shell_quote(&rm, j->spool);
		rc = mx_host_open(&j->spoolhost, "local:", NULL, NULL, err) == -1 ||
		    run_script(j->spoolhost, rm.data, NULL, err) == -1 ? -1 : 0;
		mx_buf_free(&rm);
		if (rc == -1)
			return -1;
		strncat(j->spool, "/Maildir", sizeof j->spool - strlen(j->spool) - 1);
		if (convert_mbox(j, j->spool, err) == -1)
			return -1;
		j->is_mbox = 1;
		j->mu = *u;
		j->mu.src = j->spool;
		j->u = &j->mu;
		j->from = j->spoolhost;
		mx_listing_free(&j->src);
		if (mx_listing_init(&j->src, err) == -1 ||
		    mx_listing_read(j->from, j->spool, &j->src, err) == -1)
			return -1;
		free(j->srcpath);
		j->srcpath = strdup(j->spool);
		if (j->srcpath == NULL)
			return mx_err_errno(err, ENOMEM, "malloc");
	}
	return 0;
}

/* Let go of what a job holds: its sink, its spool. */
static void
job_release(struct job *j)
{
	sink_free(&j->sink);
	if (j->spoolhost != NULL && j->spool[0] != '\0') {
		struct mx_buf rm = MX_BUF_INIT;
		char *sl;

		sl = strrchr(j->spool, '/');
		if (sl != NULL)
			*sl = '\0';
		mx_buf_puts(&rm, "rm -rf ");
		mx_shell_quote(&rm, j->spool);
		run_script(j->spoolhost, rm.data, NULL, NULL);
		mx_buf_free(&rm);
	}
	mx_host_close(j->spoolhost);
	j->spoolhost = NULL;
	job_free(j);
}

/* A user's outcome in the journal: "done COPIED SOURCE MISMATCHED" or
 * "failed WHY". Without fsync: lost in a crash, the user's last line
 * stays "start" (or an earlier pass's outcome), and the next run clears
 * the stage and verifies again, which it would do anyway. The next
 * "start" (fsynced) or the journal's close makes it durable. */
static void
journal_outcome(const struct mx_xfer_opts *o, const char *user,
    const struct mx_xfer_result *r)
{
	char detail[256];

	snprintf(detail, sizeof detail, "%" PRIu64 " %" PRIu64 " %" PRIu64,
	    r->copied_msgs, r->src_msgs, r->mismatched);
	(void)mx_journal_note(o->journal, user, r->state == MX_XS_DONE ?
	    "done" : "failed", r->state == MX_XS_DONE ? detail : r->err.msg,
	    NULL);
}

/* The end of a user's pass (rc: how it went): the result, the journal's
 * "done" or "failed", the last progress event. Returns rc. */
static int
job_finish(struct job *j, int rc, struct mx_err *err)
{
	struct mx_xfer_result *r = j->r;

	if (rc == 0 && !j->o->dry_run && !r->verified) {
		mx_err_set(err, MX_E_GENERIC, P_("%s: %" PRIu64 " message does not "
		    "match on the target", "%s: %" PRIu64 " messages do not match "
		    "on the target", r->mismatched), j->u->name, r->mismatched);
		rc = -1;
	}
	r->state = rc == 0 ? MX_XS_DONE : MX_XS_FAILED;
	if (rc == -1)
		r->err = *err;
	if (!j->no_journal)
		journal_outcome(j->o, j->u->name, r);
	j->prog.p.state = r->state;
	prog_emit(&j->prog, 1);
	job_release(j);
	return rc;
}

static int
transfer_user(struct mx_host *from, struct mx_host *to,
    const struct mx_xfer_user *u, const struct mx_xfer_opts *o,
    struct mx_xfer_result *r, struct prelist *pre, struct mx_err *err)
{
	struct job j;
	int rc = -1;

	if (job_begin(&j, from, to, u, o, r, pre, err) == 0 &&
	    job_plan(&j, err) == 0 &&
	    (j.finished || (job_copy(&j, err) == 0 && job_end(&j, err) == 0)))
		rc = 0;
	return job_finish(&j, rc, err);
}

int
mx_transfer_user(struct mx_host *from, struct mx_host *to,
    const struct mx_xfer_user *u, const struct mx_xfer_opts *o,
    struct mx_xfer_result *r, struct mx_err *err)
{
	return transfer_user(from, to, u, o, r, NULL, err);
}

/* A group of users in shared streams ------------------------------------- *
 *
 * Small users cost more in round trips and processes than in bytes: a
 * group of them shares one `tar c` on the old host (their Maildirs, or
 * the files they miss, under -C /), one command on the new host that
 * prepares every target and runs one `tar x` for all of them (member I's
 * entries are named "I/PATH"; a positional "-C STAGE_I I" and
 * --strip-components=1 put each in its own stage), one command that
 * links every stage into place and takes the digests of the files in
 * place through the stages (their inodes), and one listing. Each user
 * keeps everything else: plan, journal, checks of every entry,
 * verification, manifest. A group that fails is not a failure: its
 * users run again, one by one. */

#define GROUP_BYTES (8u << 20)	/* at most this much to copy in a group */
#define GROUP_MSGS 2048		/* messages a group copies at most */

struct group {
	struct job **m;		/* the members */
	size_t n;
	char **rel;		/* each one's source path without its '/' */
	char **stage;		/* each one's stage on the new host */
	struct archive *tw;	/* the archive of them all, */
	struct out out;		/* into the new host's tar x */
};

/* The bytes a member adds to the group's tar c: its Maildir, or the
 * files it misses (copy_group's choice). */
static size_t
group_args(const struct job *j)
{
	size_t n = strlen(j->srcpath) + 4;

	return j->nwant * 2 >= j->src.n ? n : j->wnames + j->nwant * n;
}

/* Whether a planned job can copy in a group. */
static int
groupable(const struct job *j)
{
	return !j->is_mbox && j->nwant > 0 && j->wbytes <= GROUP_BYTES &&
	    group_args(j) <= MX_CHUNK_ARGS / 4 &&
	    (j->o->stream_chunk == 0 || j->wbytes <= j->o->stream_chunk) &&
	    (!mx_host_is_local(j->to) || j->o->stream_sink) &&
	    j->srcpath[0] == '/' && j->sink.hdst[0] == '/';
}

/* Whether a is b or holds it (path prefix at a '/'). */
static int
path_within(const char *a, const char *b)
{
	size_t n = strlen(a);

	return strncmp(a, b, n) == 0 && (b[n] == '\0' || b[n] == '/');
}

/* The group's archive on its way to the new host: a directory entry
 * "I/" for every member first (so that tar x finds each member it is
 * told of, even one whose files vanished meanwhile), then the members'
 * files as they come. */
static int
group_archive(struct group *g, struct mx_err *err)
{
	struct archive_entry *e;
	char name[32];
	size_t i;
	int r;

	g->out.err = err;
	g->tw = archive_write_new();
	if (g->tw == NULL ||
	    archive_write_set_format_pax_restricted(g->tw) != ARCHIVE_OK ||
	    archive_write_set_bytes_per_block(g->tw, TAR_BLOCK) != ARCHIVE_OK ||
	    archive_write_open(g->tw, &g->out, NULL, out_write, NULL) != ARCHIVE_OK)
		return mx_err_set(err, MX_E_IO, _("cannot start the tar stream: %s"),
		    g->tw ? archive_error_string(g->tw) : "");
	for (i = 0; i < g->n; i++) {
		if ((e = archive_entry_new()) == NULL)
			return mx_err_errno(err, ENOMEM, "archive_entry_new");
		snprintf(name, sizeof name, "%zu/", i);
		archive_entry_set_pathname(e, name);
		archive_entry_set_filetype(e, AE_IFDIR);
		archive_entry_set_perm(e, 0700);
		r = archive_write_header(g->tw, e);
		archive_entry_free(e);
		if (r < ARCHIVE_WARN)
			return mx_err_set(err, MX_E_IO, _("%s: cannot write %s: %s"),
			    mx_host_name(g->m[i]->to), name,
			    archive_error_string(g->tw));
		g->m[i]->sink.tw = g->tw;
		snprintf(g->m[i]->sink.prefix, sizeof g->m[i]->sink.prefix,
		    "%zu/", i);
		if (sink_markers(&g->m[i]->sink, err) == -1)
			return -1;
	}
	return 0;
}

/* An entry of the group's stream: to the member whose Maildir holds it,
 * with its path in that Maildir. */
static int
group_entry(void *ctx, struct archive *a, struct archive_entry *e,
    struct mx_err *err)
{
	struct group *g = ctx;
	const char *p = archive_entry_pathname(e);
	size_t i, best = g->n, len, blen = 0;

	if (p == NULL)
		return 0;
	while (p[0] == '.' && p[1] == '/')
		p += 2;
	for (i = 0; i < g->n; i++) {
		len = strlen(g->rel[i]);
		if (path_within(g->rel[i], p) && len >= blen) {
			best = i;
			blen = len;
		}
	}
	if (best == g->n)
		return 0;		/* nobody's: not copied */
	p += blen;
	while (*p == '/')
		p++;
	return job_entry(g->m[best], a, e, p, err);
}

/* The members' stages, as words of a command. */
static void
group_stages(const struct group *g, struct mx_buf *cmd)
{
	size_t i;

	for (i = 0; i < g->n; i++) {
		mx_buf_puts(cmd, " ");
		mx_shell_quote(cmd, g->stage[i]);
	}
}

/* The new host's command for the group: every target prepared, the
 * stages made, then one tar x putting each member's files into its
 * stage. */
static void
group_receiver(struct group *g, struct mx_buf *cmd)
{
	size_t i;

	for (i = 0; i < g->n; i++) {
		mx_buf_append(cmd, g->m[i]->prep.data, g->m[i]->prep.len);
		mx_buf_puts(cmd, " && ");
		mx_buf_reset(&g->m[i]->prep);
	}
	mx_buf_puts(cmd, "mkdir -m 700");
	group_stages(g, cmd);
	mx_buf_puts(cmd, " && exec tar --numeric-owner --strip-components=1 -xpf -");
	for (i = 0; i < g->n; i++) {
		mx_buf_puts(cmd, " -C ");
		mx_shell_quote(cmd, g->stage[i]);
		mx_buf_printf(cmd, " %zu", i);
	}
}

/* The output of the group's moves into the members' listings after
 * them: digest lines name the staged files (STAGE/cur/NAME); after "@M
 * I", what cp said for member I; lines "@L STAGE/PATH" name the files cp
 * left in a stage. One whose name the target has (the target had it
 * already) is not proved by the stage's digest; one the target lacks
 * was not put in place: that member fails, with cp's words. */
static void
group_digests(struct group *g, char *out)
{
	char *line, *nl, key[PATH_MAX], folder[PATH_MAX], hex[65];
	const char *path, *name;
	struct mx_msgrec *d;
	struct job *j, *said = NULL;
	size_t i, len;

	for (line = out; line != NULL && *line != '\0'; line = nl) {
		nl = strchr(line, '\n');
		if (nl == NULL)
			break;
		*nl++ = '\0';
		if (strncmp(line, "@M ", 3) == 0) {
			i = (size_t)strtoul(line + 3, NULL, 10);
			said = i < g->n ? g->m[i] : NULL;
			continue;
		}
		if (strncmp(line, "@L ", 3) == 0) {
			path = line + 3;
		} else if ((path = mx_listing_digest_line(line, hex)) == NULL) {
			if (said != NULL && said->cp_said.len < 1024) {
				mx_buf_puts(&said->cp_said, line);
				mx_buf_puts(&said->cp_said, "; ");
			}
			continue;
		}
		for (j = NULL, i = 0; i < g->n && j == NULL; i++) {
			len = strlen(g->stage[i]);
			if (strncmp(path, g->stage[i], len) == 0 &&
			    path[len] == '/') {
				j = g->m[i];
				path += len + 1;
			}
		}
		if (j == NULL || !j->sink.after_done ||
		    mx_listing_msg_path(path, key, sizeof key, folder,
		    sizeof folder, &name) == -1)
			continue;
		d = mx_listing_get(&j->after, key);
		if (line[0] == '@' && (d == NULL || strcmp(d->path, path) != 0)) {
			if (j->not_placed++ == 0)
				snprintf(j->first_not_placed,
				    sizeof j->first_not_placed, "%s", path);
			continue;
		}
		if (d == NULL || strcmp(d->path, path) != 0)
			continue;
		if (line[0] == '@')
			d->digest[0] = '\0';
		else
			memcpy(d->digest, hex, sizeof hex);
	}
}

/* Copy the planned messages of the members m[0..n). */
static int
copy_group(struct job **m, size_t n, struct mx_err *err)
{
	struct group g;
	struct mx_buf cmd = MX_BUF_INIT, out = MX_BUF_INIT, eo = MX_BUF_INIT;
	struct mx_listing *ls = NULL;
	struct mx_err *errs = NULL;
	const char **argv = NULL, **dsts = NULL;
	struct mx_host *from = m[0]->from, *to = m[0]->to;
	size_t i, k, na = 0, cap = 8;
	int rc = -1, st = -1, wr;

	memset(&g, 0, sizeof g);
	g.m = m;
	g.n = n;
	g.rel = calloc(n, sizeof *g.rel);
	g.stage = calloc(n, sizeof *g.stage);
	dsts = calloc(n, sizeof *dsts);
	ls = calloc(n, sizeof *ls);
	errs = calloc(n, sizeof *errs);
	for (i = 0; i < n; i++)
		cap += m[i]->nwant * 2 >= m[i]->src.n ? 1 : m[i]->nwant;
	argv = calloc(cap + 1, sizeof *argv);
	if (g.rel == NULL || g.stage == NULL || dsts == NULL || ls == NULL ||
	    errs == NULL || argv == NULL) {
		mx_err_errno(err, ENOMEM, "malloc");
		goto out;
	}
	/* The old host's tar c: a whole Maildir ("DIR/.", followed even
	 * when a link) when most is missing, else the files missing. */
	argv[na++] = "tar";
	argv[na++] = "cf";
	argv[na++] = "-";
	argv[na++] = "-C";
	argv[na++] = "/";
	for (i = 0; i < n; i++) {
		struct job *j = m[i];
		struct mx_buf a = MX_BUF_INIT;

		g.rel[i] = strdup(j->srcpath + 1);
		if (g.rel[i] != NULL)	/* "a/b/" names the same as "a/b" */
			for (k = strlen(g.rel[i]); k > 0 && g.rel[i][k - 1] == '/'; k--)
				g.rel[i][k - 1] = '\0';
		mx_buf_printf(&a, "%s/%s", j->sink.hdst, MX_STAGE);
		g.stage[i] = mx_buf_steal(&a);
		if (g.rel[i] == NULL || g.stage[i] == NULL) {
			mx_err_errno(err, ENOMEM, "malloc");
			goto out;
		}
		if (j->nwant * 2 >= j->src.n) {
			mx_buf_printf(&a, "./%s/.", g.rel[i]);
			if ((argv[na++] = mx_buf_steal(&a)) == NULL)
				goto nomem;
			continue;
		}
		for (k = 0; k < j->src.n; k++) {
			if (!mx_nameset_has(j->want, j->src.v[k].key, NULL))
				continue;
			mx_buf_reset(&a);
			mx_buf_printf(&a, "./%s/%s", g.rel[i], j->src.v[k].path);
			if ((argv[na++] = mx_buf_steal(&a)) == NULL)
				goto nomem;
		}
	}
	for (i = 0; i < n; i++) {
		if (job_start_copy(m[i], 1, err) == -1)
			goto out;
		m[i]->sink.chunk_max = UINT64_MAX;
	}
	if (m[0]->o->journal != NULL && mx_journal_sync(m[0]->o->journal,
	    err) == -1)
		goto out;
	group_receiver(&g, &cmd);
	if (mx_host_exec_write_sh(to, cmd.data, &g.out.s, err) == -1)
		goto out;
	if (group_archive(&g, err) == -1 ||
	    read_stream(from, argv, group_entry, &g, err) == -1)
		goto out;
	g.out.err = err;
	wr = archive_write_close(g.tw);
	for (k = 0; k < n; k++)
		m[k]->sink.tw = NULL;
	archive_write_free(g.tw);
	g.tw = NULL;
	if (wr != ARCHIVE_OK) {
		if (err->msg[0] == '\0')
			mx_err_set(err, MX_E_IO, _("%s: cannot write the tar stream"),
			    mx_host_name(to));
		goto out;
	}
	st = -1;
	if (mx_stream_close(g.out.s, &st, &eo, err) == -1) {
		g.out.s = NULL;
		goto out;
	}
	g.out.s = NULL;
	if (st != 0) {
		mx_err_set(err, MX_E_REMOTE, _("%s: tar x failed (status %d): %s"),
		    mx_host_name(to), st, eo.data ? eo.data : "");
		note_full(&m[0]->sink, err);
		goto out;
	}
	/* Into place: each stage linked in (cp -l, as link_in), then one
	 * look at the stages: a file cp left unlinked (one link) is named
	 * for group_digests to judge; any other shares its inode with the
	 * file now in place, whose SHA-256 it gives. Then the stages
	 * removed, and the targets listed: two round trips. */
	mx_buf_reset(&cmd);
	mx_buf_puts(&cmd, "set -e; ");
	mx_listing_digest_fn(&cmd);
	mx_buf_puts(&cmd, ":");
	for (i = 0; i < n; i++) {
		/* cp's status is not the judge (see link_in): its messages
		 * are, with what it left, the reason given. */
		mx_buf_printf(&cmd, "; echo '@M %zu'; ( cd ", i);
		mx_shell_quote(&cmd, g.stage[i]);
		mx_buf_puts(&cmd, " && { cp -Rln -- ./. ../ 2>&1 || :; } )");
	}
	mx_buf_puts(&cmd, "; find");
	group_stages(&g, &cmd);
	mx_buf_puts(&cmd, " -type f \\( -links 1 -printf '@L %p\\n' -o -exec $D "
	    "{} + \\); cd / && rm -rf");
	group_stages(&g, &cmd);
	if (run_script(to, cmd.data, &out, err) == -1)
		goto out;
	for (i = 0; i < n; i++) {
		m[i]->sink.stage_gone = 1;
		/* The listings after replace those from before the copy:
		 * those go first (a group holds fewer listings at once). */
		mx_listing_free(&m[i]->dst);
		dsts[i] = m[i]->u->dst;
		if (mx_listing_init(&ls[i], err) == -1)
			goto out;
	}
	if (mx_listing_read_many(to, dsts, n, ls, errs, err) == -1)
		goto out;
	for (i = 0; i < n; i++) {
		if (errs[i].msg[0] != '\0')
			continue;	/* verify lists it again */
		m[i]->after = ls[i];
		memset(&ls[i], 0, sizeof ls[i]);
		m[i]->sink.after_done = 1;
	}
	if (out.data != NULL)
		group_digests(&g, out.data);
	rc = 0;
	goto out;
nomem:
	mx_err_errno(err, ENOMEM, "malloc");
out:
	for (i = 0; i < n; i++)
		m[i]->sink.tw = NULL;
	if (g.tw != NULL)
		archive_write_free(g.tw);
	if (g.out.s != NULL)
		mx_stream_close(g.out.s, NULL, NULL, NULL);
	for (i = 0; i < n; i++) {
		if (ls != NULL && ls[i].idx != NULL)
			mx_listing_free(&ls[i]);
		if (g.rel != NULL)
			free(g.rel[i]);
		if (g.stage != NULL)
			free(g.stage[i]);
	}
	for (i = 5; argv != NULL && i < na; i++)
		free((char *)argv[i]);
	free(argv);
	free(g.rel);
	free(g.stage);
	free(dsts);
	free(ls);
	free(errs);
	mx_buf_free(&cmd);
	mx_buf_free(&out);
	mx_buf_free(&eo);
	return rc;
}

/* Copy a group m[0..nm) and end its members' passes; returns how many
 * failed. A group that fails runs again one by one (its stages are
 * cleared; what is in place is not copied twice). */
static int
group_run(struct mx_host *from, struct mx_host *to, struct job **m,
    size_t nm, const struct mx_xfer_opts *o)
{
	struct mx_err err, gerr;
	const char *why;
	size_t k;
	int failed = 0, rc;

	mx_err_clear(&gerr);
	if (nm == 1) {
		rc = job_copy(m[0], &err) == 0 && job_end(m[0], &err) == 0 ? 0 : -1;
		return job_finish(m[0], rc, &err) == -1;
	}
	if (nm > 1 && copy_group(m, nm, &gerr) == -1) {
		for (k = 0; k < nm; k++) {
			const struct mx_xfer_user *u = m[k]->u;
			struct mx_xfer_result *r = m[k]->r;

			job_release(m[k]);
			if (transfer_user(from, to, u, o, r, NULL, &err) == -1)
				failed++;
			/* Why it went alone, for whoever reads the report: the
			 * end of the message (a host may quote its command
			 * first). */
			why = gerr.msg;
			if (strlen(why) > 160)
				why += strlen(why) - 160;
			mx_buf_printf(&r->report, _("  copied alone: the stream "
			    "shared with other users failed: %s%s\n"),
			    why == gerr.msg ? "" : "...", why);
		}
		return failed;
	}
	for (k = 0; k < nm; k++) {
		if (m[k]->not_placed > 0) {
			struct mx_buf *w = &m[k]->cp_said;

			while (w->len > 0 && (w->data[w->len - 1] == ' ' ||
			    w->data[w->len - 1] == ';'))
				w->data[--w->len] = '\0';
			mx_err_set(&err, MX_E_REMOTE, P_("%s: %zu message not put "
			    "in place (%s): %s", "%s: %zu messages not put in place "
			    "(%s ...): %s", m[k]->not_placed), mx_host_name(to),
			    m[k]->not_placed, m[k]->first_not_placed,
			    m[k]->cp_said.data ? m[k]->cp_said.data : "");
			rc = -1;
		} else {
			rc = job_end(m[k], &err);
		}
		if (job_finish(m[k], rc, &err) == -1)
			failed++;
	}
	return failed;
}

/* Several users listed together (pl), in order: each planned; the small
 * ones with something to copy gather into groups (copy_group) of at
 * most GROUP_MSGS messages and one tar c's command line, the others go
 * on alone. A group is copied as soon as it is full: what a pass holds
 * in memory is one group's. Returns the number of users that failed. */
static int
transfer_batch(struct mx_host *from, struct mx_host *to,
    const struct mx_xfer_user *users, size_t n, const struct mx_xfer_opts *o,
    struct mx_xfer_result *results, struct prelist *pl)
{
	struct job *js, **m;
	struct mx_err err;
	size_t i, k, nm = 0, args = 0, msgs = 0;
	int failed = 0, rc;

	js = calloc(n, sizeof *js);
	m = calloc(n, sizeof *m);
	if (js == NULL || m == NULL) {
		free(js);
		free(m);
		for (i = 0; i < n; i++)
			if (transfer_user(from, to, &users[i], o, &results[i], NULL,
			    &err) == -1)
				failed++;
		return failed;
	}
	for (i = 0; i < n; i++) {
		rc = job_begin(&js[i], from, to, &users[i], o, &results[i], &pl[i],
		    &err) == 0 && job_plan(&js[i], &err) == 0 ? 0 : -1;
		if (rc == 0 && !js[i].finished && groupable(&js[i])) {
			/* Apart from the others' Maildirs. */
			for (k = 0; k < nm; k++)
				if (path_within(m[k]->srcpath, js[i].srcpath) ||
				    path_within(js[i].srcpath, m[k]->srcpath) ||
				    strcmp(m[k]->sink.hdst, js[i].sink.hdst) == 0)
					break;
			if (k < nm || args + group_args(&js[i]) > MX_CHUNK_ARGS ||
			    msgs + js[i].nwant > GROUP_MSGS) {
				failed += group_run(from, to, m, nm, o);
				nm = args = msgs = 0;
			}
			m[nm++] = &js[i];
			args += group_args(&js[i]);
			msgs += js[i].nwant;
			continue;
		}
		if (rc == 0 && !js[i].finished && (job_copy(&js[i], &err) == -1 ||
		    job_end(&js[i], &err) == -1))
			rc = -1;
		if (job_finish(&js[i], rc, &err) == -1)
			failed++;
	}
	if (nm > 0)
		failed += group_run(from, to, m, nm, o);
	free(js);
	free(m);
	return failed;
}

/* Several users ----------------------------------------------------------- */

#define GROUP_MAX 12	/* users listed in one round trip per host */

struct pool {
	const char *from, *to;
	const struct mx_host_opts *hopts;
	const struct mx_xfer_user *users;
	size_t n, next, group;
	const struct mx_xfer_opts *o;
	struct mx_xfer_result *results;
	pthread_mutex_t mu;
	int failed;
};

static void
fail_user(struct pool *p, size_t i, const struct mx_err *err)
{
	memset(&p->results[i], 0, sizeof p->results[i]);
	p->results[i].state = MX_XS_FAILED;
	p->results[i].err = *err;
	pthread_mutex_lock(&p->mu);
	p->failed++;
	pthread_mutex_unlock(&p->mu);
}

/* fn(a) in a thread of its own and fn(b) in this one, both done on
 * return (a's in this thread too when no thread can start). */
static void
both_at_once(void *(*fn)(void *), void *a, void *b)
{
	pthread_t t;
	int threaded = pthread_create(&t, NULL, fn, a) == 0;

	if (!threaded)
		fn(a);
	fn(b);
	if (threaded)
		pthread_join(t, NULL);
}

struct lister {
	struct mx_host *h;
	const char *dirs[GROUP_MAX];
	struct mx_listing ls[GROUP_MAX];
	struct mx_err es[GROUP_MAX];
	size_t n;
	int rc;
	struct mx_err err;
};

static void *
lister_run(void *arg)
{
	struct lister *l = arg;

	l->rc = mx_listing_read_many(l->h, l->dirs, l->n, l->ls, l->es, &l->err);
	return NULL;
}

/* List a group of users on both hosts, one round trip each, both hosts
 * at once (a thread for the old host's listing). */
static int
prelist(struct mx_host *from, struct mx_host *to, const struct mx_xfer_user *u,
    size_t n, struct prelist *pl, struct mx_err *err)
{
	struct lister *ls = calloc(2, sizeof *ls);
	int rc = -1;
	size_t i;

	if (ls == NULL)
		return mx_err_errno(err, ENOMEM, "malloc");
	for (i = 0; i < n; i++) {
		memset(&pl[i], 0, sizeof pl[i]);
		if (mx_listing_init(&ls[0].ls[i], err) == -1 ||
		    mx_listing_init(&ls[1].ls[i], err) == -1)
			goto out;
		ls[0].dirs[i] = u[i].src;
		ls[1].dirs[i] = u[i].dst;
	}
	ls[0].h = from;
	ls[1].h = to;
	ls[0].n = ls[1].n = n;
	both_at_once(lister_run, &ls[0], &ls[1]);
	if (ls[0].rc == -1 || ls[1].rc == -1) {
		*err = ls[0].rc == -1 ? ls[0].err : ls[1].err;
		goto out;
	}
	rc = 0;
out:
	for (i = 0; i < n; i++) {
		pl[i].src = ls[0].ls[i];
		pl[i].serr = ls[0].es[i];
		pl[i].dst = ls[1].ls[i];
		pl[i].derr = ls[1].es[i];
	}
	free(ls);
	return rc;
}

static void
prelist_free(struct prelist *pl, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (pl[i].src.idx != NULL)
			mx_listing_free(&pl[i].src);
		if (pl[i].dst.idx != NULL)
			mx_listing_free(&pl[i].dst);
	}
}

struct opener {
	struct mx_host **h;
	const char *spec;
	const struct mx_host_opts *hopts;
	int rc;
	struct mx_err err;
};

static void *
opener_run(void *arg)
{
	struct opener *o = arg;

	o->rc = mx_host_open(o->h, o->spec, o->hopts, NULL, &o->err);
	return NULL;
}

/* A worker's sessions to both hosts (those not open yet), opened at once
 * (a thread for the old host's): each is a few round trips and the
 * server's own work (its fork, key exchange, authentication, its first
 * channel), better overlapped than waited for one after the other. */
static int
open_pair(struct pool *p, struct mx_host **from, struct mx_host **to,
    struct mx_err *err)
{
	struct opener o;
	pthread_t t;
	int threaded = 0, rc = 0;

	memset(&o, 0, sizeof o);
	o.h = from;
	o.spec = p->from;
	o.hopts = p->hopts;
	if (*from != NULL && *to != NULL)
		return 0;
	if (*from != NULL)
		return mx_host_open(to, p->to, p->hopts, NULL, err);
	if (*to == NULL)
		threaded = pthread_create(&t, NULL, opener_run, &o) == 0;
	if (!threaded)
		opener_run(&o);
	if (*to == NULL && (threaded || o.rc == 0))
		rc = mx_host_open(to, p->to, p->hopts, NULL, err);
	if (threaded)
		pthread_join(t, NULL);
	if (o.rc == -1) {
		*err = o.err;	/* the old host's failure is told first */
		return -1;
	}
	return rc;
}

/* A user the stamps found as the last verified pass left it: its
 * result is that pass's, nothing listed or read. */
static void
finish_unchanged(struct pool *p, size_t i, const struct mx_stamp *st)
{
	const struct mx_stamp_counts *c = mx_stamp_counts(st);
	struct mx_xfer_result *r = &p->results[i];
	struct prog g;

	memset(r, 0, sizeof *r);
	r->state = MX_XS_DONE;
	r->verified = 1;
	r->src_msgs = r->skipped = c->src_msgs;
	r->src_bytes = c->src_bytes;
	r->dst_msgs = c->dst_msgs;
	r->dst_bytes = c->dst_bytes;
	mx_buf_puts(&r->report, _("  unchanged since the last verified pass "
	    "(no directory of either Maildir changed): not listed\n"));
	journal_outcome(p->o, p->users[i].name, r);
	memset(&g, 0, sizeof g);
	g.o = p->o;
	g.p.user = p->users[i].name;
	g.p.state = MX_XS_DONE;
	clock_gettime(CLOCK_MONOTONIC, &g.t0);
	prog_emit(&g, 1);
}

/* One host's answer on the directories' times of a group. */
struct checker {
	struct mx_host *h;
	int side;
	const char *const *dirs;
	struct mx_stamp *const *st;
	size_t n;
	int same[GROUP_MAX];
	int rc;
	struct mx_err err;
};

static void *
checker_run(void *arg)
{
	struct checker *c = arg;

	c->rc = mx_stamp_check(c->h, c->side, c->dirs, c->st, c->n, c->same,
	    &c->err);
	return NULL;
}

/* Both hosts asked at once (a thread for the old host's question):
 * same[i] stays 1 for the users both find unchanged. -1 when a host
 * could not be asked. */
static int
check_both(struct mx_host *from, struct mx_host *to, const char *const src[],
    const char *const dst[], struct mx_stamp *const st[], size_t n, int same[])
{
	struct checker c[2];
	size_t i;

	memset(c, 0, sizeof c);
	for (i = 0; i < 2; i++) {
		c[i].h = i == 0 ? from : to;
		c[i].side = (int)i;
		c[i].dirs = i == 0 ? src : dst;
		c[i].st = st;
		c[i].n = n;
		memcpy(c[i].same, same, n * sizeof *same);
	}
	both_at_once(checker_run, &c[0], &c[1]);
	if (c[0].rc == -1 || c[1].rc == -1)
		return -1;
	for (i = 0; i < n; i++)
		same[i] = c[0].same[i] && c[1].same[i];
	return 0;
}

/* The users of [first, first+n) whose stamps say both Maildirs are as
 * the last verified pass left them are finished (one find per host for
 * them all); idx[] gets the others. Returns how many those are. Not for
 * a dry run or a verification, nor for a user whose last pass was cut
 * off (its stage must go). */
static size_t
skip_unchanged(struct pool *p, struct mx_host *from, struct mx_host *to,
    size_t first, size_t n, size_t idx[])
{
	struct mx_stamp *st[GROUP_MAX];
	const char *src[GROUP_MAX], *dst[GROUP_MAX];
	int same[GROUP_MAX];
	struct mx_buf id = MX_BUF_INIT;
	struct mx_err err;
	size_t i, k, any = 0;
	char *path, ev[32];

	for (i = 0; i < n; i++) {
		const struct mx_xfer_user *u = &p->users[first + i];

		st[i] = NULL;
		src[i] = u->src;
		dst[i] = u->dst;
		if (p->o->dry_run || p->o->verify_only || p->o->journal == NULL ||
		    !state_name_ok(u->name))
			continue;
		mx_journal_get(p->o->journal, u->name, ev, sizeof ev, NULL, 0);
		if (strcmp(ev, "done") != 0)
			continue;
		path = proof_path(p->o, u->name, ".stamp", 0);
		mx_buf_reset(&id);
		proof_id(mx_host_name(from), mx_host_name(to), u, &id);
		if (path != NULL && id.data != NULL &&
		    mx_stamp_load(path, id.data, &st[i], &err) == 0 && st[i] != NULL)
			any++;
		free(path);
	}
	mx_buf_free(&id);
	for (i = 0; i < n; i++)
		same[i] = st[i] != NULL;
	/* A host that cannot be asked: every user is listed, as always. */
	if (any > 0 && check_both(from, to, src, dst, st, n, same) == -1)
		memset(same, 0, sizeof same);
	for (i = k = 0; i < n; i++) {
		if (same[i])
			finish_unchanged(p, first + i, st[i]);
		else
			idx[k++] = first + i;
		mx_stamp_free(st[i]);
	}
	return k;
}

static void *
worker(void *arg)
{
	struct pool *p = arg;
	struct mx_host *from = NULL, *to = NULL;
	struct prelist *pl;
	struct mx_xfer_user us[GROUP_MAX];
	struct mx_xfer_result rs[GROUP_MAX];
	size_t idx[GROUP_MAX];
	struct mx_err err;
	size_t i, k, first, n;

	pl = calloc(GROUP_MAX, sizeof *pl);
	for (;;) {
		/* Users are taken a group at a time: one listing per host
		 * for the group (a no-op pass is then a few round trips). */
		pthread_mutex_lock(&p->mu);
		first = p->next;
		n = p->group;
		if (first >= p->n)
			n = 0;
		else if (n > p->n - first)
			n = p->n - first;
		p->next += n;
		pthread_mutex_unlock(&p->mu);
		if (n == 0)
			break;
		mx_err_clear(&err);
		if (open_pair(p, &from, &to, &err) == -1) {
			for (i = first; i < first + n; i++)
				fail_user(p, i, &err);
			continue;
		}
		n = skip_unchanged(p, from, to, first, n, idx);
		if (n == 0)
			continue;
		/* The others, side by side (results moved back after). */
		for (i = 0; i < n; i++)
			us[i] = p->users[idx[i]];
		if (pl == NULL || n == 1 || p->o->verify_only ||
		    prelist(from, to, us, n, pl, &err) == -1) {
			/* One at a time, as a single user is. */
			if (pl != NULL)
				prelist_free(pl, n);
			for (i = 0; i < n; i++)
				if (mx_transfer_user(from, to, &p->users[idx[i]],
				    p->o, &p->results[idx[i]], &err) == -1) {
					pthread_mutex_lock(&p->mu);
					p->failed++;
					pthread_mutex_unlock(&p->mu);
				}
			continue;
		}
		k = (size_t)transfer_batch(from, to, us, n, p->o, rs, pl);
		for (i = 0; i < n; i++)
			p->results[idx[i]] = rs[i];
		pthread_mutex_lock(&p->mu);
		p->failed += (int)k;
		pthread_mutex_unlock(&p->mu);
		prelist_free(pl, n);
	}
	free(pl);
	mx_host_close(from);
	mx_host_close(to);
	return NULL;
}

int
mx_transfer_all(const char *from, const char *to,
    const struct mx_host_opts *hopts, const struct mx_xfer_user *users,
    size_t n, int jobs, const struct mx_xfer_opts *o,
    struct mx_xfer_result *results, struct mx_err *err)
{
	struct mx_xfer_opts oj = *o;
	struct mx_journal *jn = NULL;
	struct pool p;
	pthread_t *t;
	int i, started = 0;

	if (oj.journal == NULL && oj.state_dir != NULL && !oj.dry_run &&
	    !oj.verify_only) {
		if (mx_journal_open(&jn, oj.state_dir, err) == -1)
			return -1;
		oj.journal = jn;
	}
	o = &oj;

	if (jobs < 1)
		jobs = 1;
	if ((size_t)jobs > n)
		jobs = n > 0 ? (int)n : 1;
	memset(&p, 0, sizeof p);
	p.from = from;
	p.to = to;
	p.hopts = hopts;
	p.users = users;
	p.n = n;
	p.o = o;
	p.results = results;
	/* Groups small enough that every worker gets several. */
	p.group = n / ((size_t)jobs * 4);
	if (p.group > GROUP_MAX)
		p.group = GROUP_MAX;
	if (p.group < 1)
		p.group = 1;
	pthread_mutex_init(&p.mu, NULL);
	t = calloc((size_t)jobs, sizeof *t);
	if (t == NULL) {
		mx_journal_close(jn);
		return mx_err_errno(err, ENOMEM, "malloc");
	}
	for (i = 0; i < jobs; i++) {
		if (pthread_create(&t[i], NULL, worker, &p) != 0)
			break;
		started++;
	}
	if (started == 0) {
		free(t);
		mx_journal_close(jn);
		pthread_mutex_destroy(&p.mu);
		return mx_err_set(err, MX_E_GENERIC, _("cannot start a worker thread"));
	}
	for (i = 0; i < started; i++)
		pthread_join(t[i], NULL);
	free(t);
	mx_journal_close(jn);
	pthread_mutex_destroy(&p.mu);
	return p.failed;
}

/* A tar stream from a file descriptor (tests, fuzz-tar) ------------------ */

struct fdsrc {
	int fd;
	char buf[XBUF];
};

static la_ssize_t
fd_read(struct archive *a, void *ctx, const void **out)
{
	struct fdsrc *s = ctx;
	ssize_t n;

	do
		n = read(s->fd, s->buf, sizeof s->buf);
	while (n == -1 && errno == EINTR);
	if (n < 0) {
		archive_set_error(a, errno, "read");
		return -1;
	}
	*out = s->buf;
	return n;
}

int
mx_transfer_tar_fd(struct mx_host *to, const struct mx_xfer_user *u, int fd,
    struct mx_xfer_result *r, struct mx_err *err)
{
	struct mx_xfer_opts o;
	struct job j;
	struct fdsrc *s = NULL;
	struct archive *a = NULL;
	struct archive_entry *e;
	int ar, rc = -1;

	memset(r, 0, sizeof *r);
	memset(&j, 0, sizeof j);
	memset(&o, 0, sizeof o);
	mx_err_clear(err);
	j.from = j.to = j.sink.to = to;
	j.u = u;
	j.o = j.prog.o = &o;
	j.r = r;
	j.sink.stagefd = j.sink.dstfd = j.sink.oldcwd = -1;
	j.sink.local = 1;
	j.prog.p.user = u->name;
	j.sink.dst = strdup(u->dst);
	j.sink.hdst = mx_host_path(to, u->dst);
	j.want = mx_nameset_new();
	j.done = mx_nameset_new();
	j.md = EVP_MD_CTX_new();
	s = malloc(sizeof *s);
	if (j.sink.dst == NULL || j.sink.hdst == NULL || j.want == NULL ||
	    j.done == NULL || j.md == NULL || s == NULL) {
		mx_err_errno(err, ENOMEM, "malloc");
		goto out;
	}
	s->fd = fd;
	if (!mx_host_is_local(to)) {
		mx_err_set(err, MX_E_USAGE, "%s: not a local host", mx_host_name(to));
		goto out;
	}
	if (mx_listing_init(&j.src, err) == -1 ||
	    mx_listing_init(&j.dst, err) == -1 ||
	    resolve_owner(&j, err) == -1 || local_sink_open(&j.sink, err) == -1)
		goto out;
	if ((a = archive_read_new()) == NULL) {
		mx_err_errno(err, ENOMEM, "archive_read_new");
		goto out;
	}
	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	if (archive_read_open(a, s, NULL, fd_read, NULL) != ARCHIVE_OK) {
		mx_err_set(err, MX_E_REMOTE, _("not a tar stream: %s"),
		    archive_error_string(a));
		goto out;
	}
	while ((ar = archive_read_next_header(a, &e)) == ARCHIVE_OK ||
	    ar == ARCHIVE_WARN)
		if (job_entry_fn(&j, a, e, err) == -1)
			goto out;
	if (ar != ARCHIVE_EOF) {
		mx_err_set(err, MX_E_REMOTE, _("the tar stream broke off: %s"),
		    archive_error_string(a));
		goto out;
	}
	rc = sink_finish(&j.sink, err);
out:
	if (a != NULL)
		archive_read_free(a);
	sink_free(&j.sink);
	r->state = rc == 0 ? MX_XS_DONE : MX_XS_FAILED;
	if (rc == -1)
		r->err = *err;
	job_free(&j);
	free(s);
	return rc;
}
