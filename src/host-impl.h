/* host-impl.h - the inside of a host: what src/host.c (dispatch) shares
 * with the transports (src/host-local.c, src/host-ssh.c). Not for other
 * modules: they use host.h only. */
#ifndef MX_HOST_IMPL_H
#define MX_HOST_IMPL_H

#include <signal.h>
#include <stdint.h>
#include <time.h>

#include "host.h"

/* One table of functions per transport. Messages filled in err carry no
 * host name: host.c puts "NAME: " in front. */
struct mx_host_ops {
	const char *scheme;
	int (*open)(struct mx_host *h, struct mx_hostkey_info *key,
	    struct mx_err *err);
	void (*close)(struct mx_host *h);	/* frees h->priv */
	int (*run)(struct mx_host *h, const char *cmd, const void *in,
	    size_t inlen, struct mx_buf *out, struct mx_buf *errout,
	    int *status, struct mx_err *err);
	int (*exec)(struct mx_host *h, struct mx_stream *s, struct mx_err *err);
	ssize_t (*sread)(struct mx_stream *s, void *buf, size_t len,
	    struct mx_err *err);
	int (*swrite)(struct mx_stream *s, const void *buf, size_t len,
	    struct mx_err *err);
	/* Close and wait; frees s->priv. */
	int (*sclose)(struct mx_stream *s, int *status, struct mx_buf *errout,
	    struct mx_err *err);
	int (*read_file)(struct mx_host *h, const char *path,
	    struct mx_buf *out, struct mx_err *err);
	int (*write_file)(struct mx_host *h, const char *path,
	    const void *data, size_t len, mode_t mode, uid_t uid, gid_t gid,
	    int keep_owner, struct mx_err *err);
	int (*stat)(struct mx_host *h, const char *path, struct mx_stat *st,
	    struct mx_err *err);
	int (*list)(struct mx_host *h, const char *path, char ***names,
	    size_t *count, struct mx_err *err);
	int (*df)(struct mx_host *h, const char *path, uint64_t *avail,
	    uint64_t *total, struct mx_err *err);
};

struct mx_host {
	const struct mx_host_ops *ops;
	char *spec;		/* as given */
	char *name;		/* for messages: label, or spec */
	char *root;		/* local: the root directory, or NULL */
	/* ssh: parsed from the spec; user/port NULL/0 when not given */
	char *ssh_host;
	char *ssh_user;
	int ssh_port;
	/* copies of the options (strings owned) */
	char *known_hosts, *ssh_config, *identity, *accept_fingerprint;
	mx_host_ask_fn ask;
	void *ask_ctx;
	struct mx_audit *audit;
	int timeout_sec;
	void *priv;		/* the transport's state */
	int open;		/* 1 while connected */
};

struct mx_stream {
	struct mx_host *h;
	char *cmd;		/* the command line, for the audit log */
	int writing;		/* 1: exec_write, 0: exec_read */
	uint64_t bytes;		/* moved so far */
	struct timespec t0;
	void *priv;
};

extern const struct mx_host_ops mx_host_local_ops;
extern const struct mx_host_ops mx_host_ssh_ops;

/* SIGPIPE blocked in this thread around writes to pipes and sockets; a
 * SIGPIPE raised meanwhile is consumed on restore (the process's signal
 * dispositions are left alone). */
struct mx_sigpipe {
	sigset_t old;
	int was_pending;
};
void mx_sigpipe_block(struct mx_sigpipe *sp);
void mx_sigpipe_restore(struct mx_sigpipe *sp);

/* Split "/a/b/c" into a malloc'd directory "/a/b" and a pointer to "c". */
int mx_host_split_path(const char *path, char **dir, const char **base,
    struct mx_err *err);
/* A temporary name beside base: ".base.mxmove-XXXXXX" (random). */
void mx_host_tmp_name(char *buf, size_t len, const char *base);

#endif
