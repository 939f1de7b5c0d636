/* host.h - a host you can run commands on and read and write files on.
 *
 * One API over two transports:
 *   ssh    "ssh://[user@]name[:port]" or an alias from ~/.ssh/config (libssh)
 *   local  "local:" (this machine) or "local:/root/of/a/mounted/copy"
 *
 * Paths given to the file functions are paths as the host sees them
 * ("/var/qmail/control/locals"); on a rooted local host they are taken
 * under the root. Commands get argv vectors; each word is quoted with
 * mx_shell_quote() before it reaches a shell. On a rooted local host,
 * commands run on this machine with the working directory set to the
 * root: callers that name paths in a command use mx_host_path().
 *
 * A struct mx_host is used by one thread at a time: each worker opens its
 * own. Every command run is written to the audit log (time, host, command,
 * exit status, duration), never a secret; so is every write_file (path and
 * size, never the content).
 *
 * Over ssh, commands run on exec channels and files go through SFTP; a
 * file is replaced by writing ".NAME.mxmove-XXXXXXXX" beside it, then
 * renaming (a crash or a dropped connection may leave that temporary
 * behind, never a half-written NAME). When a connection drops, the call
 * fails with MX_E_NET ("old: connection lost after 1.2 GiB (...)") and so
 * does every later one ("the connection was lost; reopen the host") until
 * mx_host_reopen(); nothing aborts. SIGPIPE is never delivered for the
 * host layer's pipes and sockets.
 *
 * Errors carry the host's name (the label, or the spec) in front.
 */
#ifndef MX_HOST_H
#define MX_HOST_H

#include <stdint.h>
#include <sys/types.h>

#include "buf.h"
#include "err.h"

struct mx_host;
struct mx_stream;
struct mx_audit;

/* Asked for a password or a keyboard-interactive answer, only after keys
 * and the agent failed. Fill buf (NUL-terminated); return 0, or -1 to
 * give up. echo is 0 for secrets. */
typedef int (*mx_host_ask_fn)(void *ctx, const char *host, const char *prompt,
    int echo, char *buf, size_t len);

/* An mx_host_ask_fn for batch mode: the answer is the first line read
 * from fd (never argv or the environment), read once and reused for a
 * reconnection. ctx is a struct mx_host_askfd; clear it with
 * mx_host_askfd_clear(). */
struct mx_host_askfd {
	int fd;
	int have;
	char answer[512];
};
int mx_host_ask_fd(void *ctx, const char *host, const char *prompt,
    int echo, char *buf, size_t len);
void mx_host_askfd_clear(struct mx_host_askfd *a);

struct mx_host_opts {
	const char *known_hosts;	/* NULL: ~/.ssh/known_hosts */
	const char *ssh_config;		/* NULL: ~/.ssh/config; "" : none */
	const char *identity;		/* extra private key file, or NULL */
	const char *accept_fingerprint;	/* "SHA256:..." accepted for an
					   unknown key and then recorded */
	mx_host_ask_fn ask;		/* NULL: never ask */
	void *ask_ctx;
	struct mx_audit *audit;		/* NULL: no audit log */
	int timeout_sec;		/* connect timeout; 0: 15 s */
	const char *label;		/* name in messages and the audit
					   log ("old"); NULL: the spec */
};

/* What mx_host_open() found out about an unknown or changed host key,
 * for the confirmation screen. */
struct mx_hostkey_info {
	char fingerprint[128];		/* "SHA256:..." of the key offered */
	char old_fingerprint[128];	/* for a changed key, else "" */
	int changed;			/* 1: changed (refused), 0: unknown */
};

/* Open a host. *key (if not NULL) gets the SHA256 fingerprint of the key
 * an ssh server offered (empty for local); on MX_E_HOSTKEY failure it
 * tells whether the key is unknown or changed (with the old fingerprint),
 * so a caller can ask and retry with accept_fingerprint. */
int mx_host_open(struct mx_host **out, const char *spec,
    const struct mx_host_opts *opts, struct mx_hostkey_info *key,
    struct mx_err *err);
/* Reconnect after a dropped connection. */
int mx_host_reopen(struct mx_host *h, struct mx_err *err);
void mx_host_close(struct mx_host *h);

const char *mx_host_name(const struct mx_host *h);	/* for messages */
int mx_host_is_local(const struct mx_host *h);
/* The path as the transport sees it (root prefixed on a rooted local
 * host). Returns a string owned by the caller. */
char *mx_host_path(const struct mx_host *h, const char *path);
/* The root of a rooted local host, else NULL. */
const char *mx_host_root(const struct mx_host *h);

/* Run argv (NULL-terminated) to the end. in/inlen feed stdin (may be
 * NULL/0); out and errout collect stdout/stderr (may be NULL). *status
 * gets the exit status (or 128+signal). Returns -1 only when the command
 * could not be run at all; a non-zero status is not an error here. */
int mx_host_run(struct mx_host *h, const char *const argv[],
    const void *in, size_t inlen, struct mx_buf *out, struct mx_buf *errout,
    int *status, struct mx_err *err);
/* The same with a shell command line already quoted by the caller. */
int mx_host_run_sh(struct mx_host *h, const char *cmdline,
    const void *in, size_t inlen, struct mx_buf *out, struct mx_buf *errout,
    int *status, struct mx_err *err);

/* Streams: run a command and read its stdout (e.g. "tar cf - ...") or
 * write its stdin (e.g. "tar xf - ..."; its stdout is discarded). Its
 * stderr is kept (up to 64 KiB) for mx_stream_close(). The command is
 * audited when the stream is closed. */
int mx_host_exec_read(struct mx_host *h, const char *const argv[],
    struct mx_stream **out, struct mx_err *err);
int mx_host_exec_write(struct mx_host *h, const char *const argv[],
    struct mx_stream **out, struct mx_err *err);
/* The same with a command line already quoted by the caller (pipes:
 * "tar cf - -C DIR . | gzip"). */
int mx_host_exec_read_sh(struct mx_host *h, const char *cmdline,
    struct mx_stream **out, struct mx_err *err);
int mx_host_exec_write_sh(struct mx_host *h, const char *cmdline,
    struct mx_stream **out, struct mx_err *err);
/* Returns bytes read (0 at the end), or -1. */
ssize_t mx_stream_read(struct mx_stream *s, void *buf, size_t len,
    struct mx_err *err);
int mx_stream_write(struct mx_stream *s, const void *buf, size_t len,
    struct mx_err *err);
/* Close stdin (for exec_write), wait, give the exit status and stderr
 * text (errout may be NULL). Always frees s. */
int mx_stream_close(struct mx_stream *s, int *status, struct mx_buf *errout,
    struct mx_err *err);
/* Bytes read or written so far. */
uint64_t mx_stream_bytes(const struct mx_stream *s);

/* mx_host_stat() follows a symbolic link (is_link tells that path is
 * one; a dangling link gives the link's own fields). A missing path is not
 * an error: exists is 0. */
struct mx_stat {
	int exists;
	int is_dir, is_reg, is_link;
	mode_t mode;		/* permission bits including sticky */
	uid_t uid;
	gid_t gid;
	uint64_t size;
	int64_t mtime;
};

/* Small files (control files, passwd, vpasswd): read whole. */
int mx_host_read_file(struct mx_host *h, const char *path, struct mx_buf *out,
    struct mx_err *err);
/* Write atomically: a temporary name beside path, then rename. mode/uid/
 * gid of an existing file are kept when keep_owner is 1; else the given
 * ones apply (uid/gid (uid_t)-1: unchanged). */
int mx_host_write_file(struct mx_host *h, const char *path, const void *data,
    size_t len, mode_t mode, uid_t uid, gid_t gid, int keep_owner,
    struct mx_err *err);
int mx_host_stat(struct mx_host *h, const char *path, struct mx_stat *st,
    struct mx_err *err);
/* Names in a directory, without "." and ".."; free with mx_strv_free. */
int mx_host_list(struct mx_host *h, const char *path, char ***names,
    size_t *count, struct mx_err *err);
int mx_host_df(struct mx_host *h, const char *path, uint64_t *avail,
    uint64_t *total, struct mx_err *err);
void mx_strv_free(char **v, size_t n);

/* "1.2 GiB", "512 bytes"... into buf (for messages). */
void mx_host_fmt_bytes(char *buf, size_t len, uint64_t n);

#endif
