/* host-ssh.c - the ssh transport, through libssh. The only module that
 * calls ssh_* and sftp_* functions.
 *
 * Connecting: ~/.ssh/config (or the file given, or none) is applied to
 * the name given (aliases, User, Port, IdentityFile, HostName); the host
 * key is checked against known_hosts (unknown: refused unless the caller
 * names its SHA256 fingerprint, then recorded; changed: always refused);
 * then the agent and key files, and only then a password or
 * keyboard-interactive answers through the caller's callback.
 *
 * Commands run on exec channels; files go through SFTP (read, stat, list,
 * statvfs; writes to a temporary name beside the file, then rename), with
 * "df -Pk" when the server lacks the statvfs extension.
 *
 * A session belongs to one thread at a time (host.h); libssh itself is
 * initialised once for the process.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <libssh/sftp.h>

#include "audit.h"
#include "host-impl.h"
#include "i18n.h"
#include "quote.h"

#define POLL_MS 100		/* wait for stdout, then look at stderr */
#define CHUNK 32768		/* SFTP and channel writes */
#define MAX_ERRTEXT (64u << 10)	/* stderr kept for a stream */
#define MAX_SMALL_FILE (256u << 20)

struct sshc {
	ssh_session s;
	sftp_session sftp;
	struct ssh_callbacks_struct cb;	/* passphrases through h->ask */
	struct mx_host *h;
	char *user;		/* the user logged in as */
	char *hostname;		/* the address connected to */
	int port;
	int lost;		/* the connection dropped: reopen */
};

struct schan {
	ssh_channel ch;
	struct ssh_channel_callbacks_struct cb;
	int signal;		/* exit-signal received: its number */
	struct mx_buf errbuf;	/* stderr of a stream */
};

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_rc;

static void
init_libssh(void)
{
	init_rc = ssh_init();
}

static struct sshc *
C(struct mx_host *h)
{
	return h->priv;
}

/* The connection is gone: say so, remember it. */
static int
lost(struct mx_host *h, uint64_t bytes, int streaming, struct mx_err *err)
{
	struct sshc *c = C(h);
	char size[32];

	c->lost = 1;
	if (streaming) {
		mx_host_fmt_bytes(size, sizeof size, bytes);
		return mx_err_set(err, MX_E_NET,
		    _("connection lost after %s (%s)"), size,
		    ssh_get_error(c->s));
	}
	return mx_err_set(err, MX_E_NET, _("connection lost (%s)"),
	    ssh_get_error(c->s));
}

static int
is_lost(struct mx_host *h)
{
	struct sshc *c = C(h);

	if (!c->lost && !ssh_is_connected(c->s))
		c->lost = 1;
	return c->lost;
}

static int
gone(struct mx_host *h, struct mx_err *err)
{
	(void)h;
	return mx_err_set(err, MX_E_NET,
	    _("the connection was lost; reopen the host"));
}

/* libssh asks for a key's passphrase: pass the question on. */
static int
ask_passphrase(const char *prompt, char *buf, size_t len, int echo,
    int verify, void *userdata)
{
	struct sshc *c = userdata;
	struct mx_host *h = c->h;

	(void)verify;
	if (h->ask == NULL)
		return -1;
	if (h->ask(h->ask_ctx, h->name, prompt, echo, buf, len) != 0)
		return -1;
	mx_audit_add_secret(h->audit, buf);
	return 0;
}

static char *
fingerprint(ssh_key key)
{
	unsigned char *hash = NULL;
	size_t hlen = 0;
	char *fp, *copy;

	if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash,
	    &hlen) < 0)
		return NULL;
	fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hlen);
	ssh_clean_pubkey_hash(&hash);
	if (fp == NULL)
		return NULL;
	copy = strdup(fp);
	ssh_string_free_char(fp);
	return copy;
}

static const char *
known_hosts_file(struct mx_host *h)
{
	return h->known_hosts ? h->known_hosts : "~/.ssh/known_hosts";
}

/* The fingerprint known_hosts holds for this host (libssh 0.10 only
 * returns an entry for a matching key): the first entry for host[:port]
 * in the user's file, then the global one. Returns NULL or malloc'd. */
static char *
recorded_fingerprint(struct mx_host *h)
{
	struct sshc *c = C(h);
	struct ssh_knownhosts_entry *entry;
	const char *files[2] = { NULL, NULL };
	char hostport[300], path[4096], line[8192], *fp = NULL;
	struct passwd pw, *pwp = NULL;
	char pwbuf[4096];
	FILE *f;
	int i;

	if (c->port == 22 || c->port == 0)
		snprintf(hostport, sizeof hostport, "%s", c->hostname);
	else
		snprintf(hostport, sizeof hostport, "[%s]:%d", c->hostname,
		    c->port);
	if (h->known_hosts != NULL)
		files[0] = h->known_hosts;
	else {
		if (getpwuid_r(getuid(), &pw, pwbuf, sizeof pwbuf, &pwp) == 0 &&
		    pwp != NULL) {
			snprintf(path, sizeof path, "%s/.ssh/known_hosts",
			    pw.pw_dir);
			files[0] = path;
		}
		files[1] = "/etc/ssh/ssh_known_hosts";
	}
	for (i = 0; i < 2 && fp == NULL; i++) {
		if (files[i] == NULL || (f = fopen(files[i], "re")) == NULL)
			continue;
		while (fp == NULL && fgets(line, sizeof line, f) != NULL) {
			line[strcspn(line, "\r\n")] = '\0';
			if (line[0] == '#' || line[0] == '\0')
				continue;
			entry = NULL;
			if (ssh_known_hosts_parse_line(hostport, line, &entry) ==
			    SSH_OK && entry != NULL && entry->publickey != NULL)
				fp = fingerprint(entry->publickey);
			ssh_knownhosts_entry_free(entry);
		}
		fclose(f);
	}
	return fp;
}

static int
check_host_key(struct mx_host *h, struct mx_hostkey_info *key,
    struct mx_err *err)
{
	struct sshc *c = C(h);
	enum ssh_known_hosts_e st;
	ssh_key srv = NULL;
	char *fp, *oldfp = NULL;
	int r = -1;

	if (ssh_get_server_publickey(c->s, &srv) != SSH_OK)
		return mx_err_set(err, MX_E_NET, _("no host key received: %s"),
		    ssh_get_error(c->s));
	fp = fingerprint(srv);
	ssh_key_free(srv);
	if (fp == NULL)
		return mx_err_set(err, MX_E_HOSTKEY,
		    _("cannot compute the host key's fingerprint"));
	if (key != NULL)
		snprintf(key->fingerprint, sizeof key->fingerprint, "%s", fp);
	st = ssh_session_is_known_server(c->s);
	switch (st) {
	case SSH_KNOWN_HOSTS_OK:
		r = 0;
		break;
	case SSH_KNOWN_HOSTS_CHANGED:
	case SSH_KNOWN_HOSTS_OTHER:
		oldfp = recorded_fingerprint(h);
		if (key != NULL) {
			key->changed = 1;
			snprintf(key->old_fingerprint,
			    sizeof key->old_fingerprint, "%s",
			    oldfp ? oldfp : "?");
		}
		mx_err_set(err, MX_E_HOSTKEY,
		    _("host key changed (was %s, now %s); refusing to connect. "
		    "If the change is expected, remove the old key from %s"),
		    oldfp ? oldfp : _("a key of another type"), fp,
		    known_hosts_file(h));
		break;
	case SSH_KNOWN_HOSTS_UNKNOWN:
	case SSH_KNOWN_HOSTS_NOT_FOUND:
		if (h->accept_fingerprint == NULL) {
			mx_err_set(err, MX_E_HOSTKEY,
			    _("host key not known (%s); check this fingerprint "
			    "with the host's administrator, then accept it "
			    "explicitly"), fp);
			break;
		}
		if (strcmp(h->accept_fingerprint, fp) != 0) {
			mx_err_set(err, MX_E_HOSTKEY,
			    _("host key %s is not the one you accepted (%s); "
			    "refusing to connect"), fp, h->accept_fingerprint);
			break;
		}
		if (ssh_session_update_known_hosts(c->s) != SSH_OK) {
			mx_err_set(err, MX_E_IO,
			    _("cannot record the host key in %s: %s"),
			    known_hosts_file(h), ssh_get_error(c->s));
			break;
		}
		r = 0;
		break;
	case SSH_KNOWN_HOSTS_ERROR:
	default:
		mx_err_set(err, MX_E_HOSTKEY,
		    _("cannot check the host key against %s: %s"),
		    known_hosts_file(h), ssh_get_error(c->s));
		break;
	}
	free(fp);
	free(oldfp);
	return r;
}

static void
methods_text(char *buf, size_t len, int methods)
{
	static const struct { int bit; const char *name; } m[] = {
		{ SSH_AUTH_METHOD_PUBLICKEY, "publickey" },
		{ SSH_AUTH_METHOD_PASSWORD, "password" },
		{ SSH_AUTH_METHOD_INTERACTIVE, "keyboard-interactive" },
		{ SSH_AUTH_METHOD_HOSTBASED, "hostbased" },
		{ SSH_AUTH_METHOD_GSSAPI_MIC, "gssapi-with-mic" },
	};
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < sizeof m / sizeof m[0]; i++)
		if (methods & m[i].bit)
			n += (size_t)snprintf(buf + n, n < len ? len - n : 0,
			    "%s%s", n ? "," : "", m[i].name);
	if (buf[0] == '\0')
		snprintf(buf, len, "none");
}

static int
auth_kbdint(struct mx_host *h, struct mx_err *err)
{
	struct sshc *c = C(h);
	char answer[512];
	const char *prompt;
	char echo;
	int rc, i, n, rounds = 0;

	rc = ssh_userauth_kbdint(c->s, NULL, NULL);
	while (rc == SSH_AUTH_INFO && rounds++ < 10) {
		n = ssh_userauth_kbdint_getnprompts(c->s);
		for (i = 0; i < n; i++) {
			prompt = ssh_userauth_kbdint_getprompt(c->s,
			    (unsigned)i, &echo);
			if (h->ask(h->ask_ctx, h->name, prompt ? prompt : "",
			    echo, answer, sizeof answer) != 0) {
				explicit_bzero(answer, sizeof answer);
				return mx_err_set(err, MX_E_AUTH,
				    _("authentication cancelled"));
			}
			if (!echo)
				mx_audit_add_secret(h->audit, answer);
			ssh_userauth_kbdint_setanswer(c->s, (unsigned)i, answer);
			explicit_bzero(answer, sizeof answer);
		}
		rc = ssh_userauth_kbdint(c->s, NULL, NULL);
	}
	return rc;
}

static int
auth_password(struct mx_host *h, struct mx_err *err)
{
	struct sshc *c = C(h);
	char prompt[300], pw[512];
	int rc;

	snprintf(prompt, sizeof prompt, _("%s@%s's password: "), c->user,
	    c->hostname);
	if (h->ask(h->ask_ctx, h->name, prompt, 0, pw, sizeof pw) != 0) {
		explicit_bzero(pw, sizeof pw);
		return mx_err_set(err, MX_E_AUTH, _("authentication cancelled"));
	}
	mx_audit_add_secret(h->audit, pw);
	rc = ssh_userauth_password(c->s, NULL, pw);
	explicit_bzero(pw, sizeof pw);
	return rc;
}

static int
authenticate(struct mx_host *h, struct mx_err *err)
{
	struct sshc *c = C(h);
	char list[128];
	int rc, methods;

	rc = ssh_userauth_none(c->s, NULL);
	if (rc == SSH_AUTH_SUCCESS)
		return 0;
	if (rc == SSH_AUTH_ERROR)
		return mx_err_set(err, MX_E_NET, _("authentication failed: %s"),
		    ssh_get_error(c->s));
	methods = ssh_userauth_list(c->s, NULL);
	if (methods & SSH_AUTH_METHOD_PUBLICKEY) {
		/* The agent first, then the key files (config, --identity,
		 * ~/.ssh/id_*). */
		rc = ssh_userauth_publickey_auto(c->s, NULL, NULL);
		if (rc == SSH_AUTH_SUCCESS)
			return 0;
	}
	/* A password only as the last resort, and only when asked for. */
	if (h->ask != NULL && rc != SSH_AUTH_ERROR &&
	    (methods & SSH_AUTH_METHOD_INTERACTIVE)) {
		rc = auth_kbdint(h, err);
		if (rc == -1)
			return -1;
		if (rc == SSH_AUTH_SUCCESS)
			return 0;
	}
	if (h->ask != NULL && rc != SSH_AUTH_ERROR &&
	    (methods & SSH_AUTH_METHOD_PASSWORD)) {
		rc = auth_password(h, err);
		if (rc == -1)
			return -1;
		if (rc == SSH_AUTH_SUCCESS)
			return 0;
	}
	if (rc == SSH_AUTH_ERROR)
		return mx_err_set(err, MX_E_NET, _("authentication failed: %s"),
		    ssh_get_error(c->s));
	methods_text(list, sizeof list, methods);
	return mx_err_set(err, MX_E_AUTH,
	    _("permission denied (%s) for user %s"), list, c->user);
}

#define CIPHERS "aes128-gcm@openssh.com,aes256-gcm@openssh.com," \
    "chacha20-poly1305@openssh.com,aes128-ctr,aes256-ctr"

static int
set_options(struct mx_host *h, struct mx_err *err)
{
	struct sshc *c = C(h);
	long timeout = h->timeout_sec;
	int off = 0, nodelay = 1, verbosity = SSH_LOG_NOLOG;
	unsigned int port;
	char *s = NULL;

	ssh_options_set(c->s, SSH_OPTIONS_LOG_VERBOSITY, &verbosity);
	if (ssh_options_set(c->s, SSH_OPTIONS_HOST, h->ssh_host) < 0)
		return mx_err_set(err, MX_E_USAGE, _("bad host name: %s"),
		    ssh_get_error(c->s));
	/* What the spec says wins over the config file. */
	if (h->ssh_user != NULL &&
	    ssh_options_set(c->s, SSH_OPTIONS_USER, h->ssh_user) < 0)
		return mx_err_set(err, MX_E_USAGE, _("bad user name: %s"),
		    ssh_get_error(c->s));
	if (h->ssh_port > 0) {
		port = (unsigned)h->ssh_port;
		ssh_options_set(c->s, SSH_OPTIONS_PORT, &port);
	}
	/* AES-GCM first: with AES-NI (any x86 or arm64 server of the last
	 * decade) it costs both ends a fraction of chacha20-poly1305, which
	 * libssh 0.10 puts first. Set before the config is read, so that a
	 * Ciphers line there still wins. */
	ssh_options_set(c->s, SSH_OPTIONS_CIPHERS_C_S, CIPHERS);
	ssh_options_set(c->s, SSH_OPTIONS_CIPHERS_S_C, CIPHERS);
	if (h->ssh_config == NULL) {
		if (ssh_options_parse_config(c->s, NULL) < 0)
			return mx_err_set(err, MX_E_PARSE,
			    _("~/.ssh/config: %s"), ssh_get_error(c->s));
	} else if (h->ssh_config[0] != '\0' &&
	    ssh_options_parse_config(c->s, h->ssh_config) < 0)
		return mx_err_set(err, MX_E_PARSE, "%s: %s", h->ssh_config,
		    ssh_get_error(c->s));
	ssh_options_set(c->s, SSH_OPTIONS_PROCESS_CONFIG, &off);
	/* libssh 0.10's config parser overrides Port even when set: the
	 * spec's user and port win, as with ssh(1)'s command line. */
	if (h->ssh_user != NULL)
		ssh_options_set(c->s, SSH_OPTIONS_USER, h->ssh_user);
	if (h->ssh_port > 0) {
		port = (unsigned)h->ssh_port;
		ssh_options_set(c->s, SSH_OPTIONS_PORT, &port);
	}
	/* A LogLevel in the config must not make libssh print: the engine
	 * never prints. */
	ssh_options_set(c->s, SSH_OPTIONS_LOG_VERBOSITY, &verbosity);
	/* Small requests (exec, SFTP) one after the other: without
	 * TCP_NODELAY each waits out Nagle and a delayed ACK (~40 ms). */
	ssh_options_set(c->s, SSH_OPTIONS_NODELAY, &nodelay);
	if (h->known_hosts != NULL) {
		ssh_options_set(c->s, SSH_OPTIONS_KNOWNHOSTS, h->known_hosts);
		ssh_options_set(c->s, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null");
	}
	if (h->identity != NULL &&
	    ssh_options_set(c->s, SSH_OPTIONS_ADD_IDENTITY, h->identity) < 0)
		return mx_err_set(err, MX_E_USAGE, "%s: %s", h->identity,
		    ssh_get_error(c->s));
	ssh_options_set(c->s, SSH_OPTIONS_TIMEOUT, &timeout);
	if (ssh_options_get(c->s, SSH_OPTIONS_USER, &s) != SSH_OK) {
		/* No user in the spec or the config: this one's name. */
		struct passwd pw, *pwp = NULL;
		char pwbuf[4096];

		if (getpwuid_r(getuid(), &pw, pwbuf, sizeof pwbuf, &pwp) != 0 ||
		    pwp == NULL)
			return mx_err_set(err, MX_E_USAGE,
			    _("no user name: give user@host"));
		ssh_options_set(c->s, SSH_OPTIONS_USER, pw.pw_name);
	} else
		ssh_string_free_char(s);
	if (ssh_options_get(c->s, SSH_OPTIONS_USER, &s) == SSH_OK) {
		c->user = strdup(s);
		ssh_string_free_char(s);
	}
	if (ssh_options_get(c->s, SSH_OPTIONS_HOST, &s) == SSH_OK) {
		c->hostname = strdup(s);
		ssh_string_free_char(s);
	}
	if (ssh_options_get_port(c->s, &port) == SSH_OK)
		c->port = (int)port;
	if (c->user == NULL || c->hostname == NULL)
		return mx_err_set(err, MX_E_USAGE,
		    _("cannot tell which user or host to use"));
	return 0;
}

static void
ssh_close_host(struct mx_host *h)
{
	struct sshc *c = C(h);
	struct mx_sigpipe sp;

	if (c == NULL)
		return;
	mx_sigpipe_block(&sp);
	if (c->sftp != NULL)
		sftp_free(c->sftp);
	if (c->s != NULL) {
		if (!c->lost)
			ssh_disconnect(c->s);
		ssh_free(c->s);
	}
	mx_sigpipe_restore(&sp);
	free(c->user);
	free(c->hostname);
	free(c);
	h->priv = NULL;
}

static int
ssh_open_host(struct mx_host *h, struct mx_hostkey_info *key,
    struct mx_err *err)
{
	struct mx_sigpipe sp;
	struct sshc *c;
	int one = 1, r = -1;
	socket_t fd;

	pthread_once(&init_once, init_libssh);
	if (init_rc != 0)
		return mx_err_set(err, MX_E_GENERIC,
		    _("libssh could not be initialised"));
	if ((c = calloc(1, sizeof *c)) == NULL)
		return mx_err_set(err, MX_E_GENERIC, _("out of memory"));
	c->h = h;
	h->priv = c;
	if ((c->s = ssh_new()) == NULL) {
		ssh_close_host(h);
		return mx_err_set(err, MX_E_GENERIC, _("out of memory"));
	}
	ssh_callbacks_init(&c->cb);
	c->cb.userdata = c;
	c->cb.auth_function = ask_passphrase;
	ssh_set_callbacks(c->s, &c->cb);
	if (set_options(h, err) == -1)
		goto out;
	mx_sigpipe_block(&sp);
	if (ssh_connect(c->s) != SSH_OK) {
		mx_err_set(err, MX_E_NET, _("cannot connect to %s port %d: %s"),
		    c->hostname, c->port, ssh_get_error(c->s));
		c->lost = 1;
	} else if (check_host_key(h, key, err) == 0 &&
	    authenticate(h, err) == 0) {
		r = 0;
		/* Notice a peer that vanished without closing. */
		fd = ssh_get_fd(c->s);
		if (fd != SSH_INVALID_SOCKET) {
			int idle = 60, intvl = 10, cnt = 6;

			/* Notice in about two minutes, not two hours. */
			setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one,
			    sizeof one);
			setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle,
			    sizeof idle);
			setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl,
			    sizeof intvl);
			setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt,
			    sizeof cnt);
		}
	}
	mx_sigpipe_restore(&sp);
out:
	if (r == -1)
		ssh_close_host(h);
	return r;
}

/* --- channels ------------------------------------------------------- */

static const struct { const char *name; int num; } signals[] = {
	{ "HUP", 1 }, { "INT", 2 }, { "QUIT", 3 }, { "ILL", 4 },
	{ "ABRT", 6 }, { "FPE", 8 }, { "KILL", 9 }, { "SEGV", 11 },
	{ "PIPE", 13 }, { "ALRM", 14 }, { "TERM", 15 }, { "USR1", 10 },
	{ "USR2", 12 }, { "BUS", 7 }, { "XFSZ", 25 }, { "XCPU", 24 },
};

static void
on_exit_signal(ssh_session session, ssh_channel channel, const char *signal,
    int core, const char *errmsg, const char *lang, void *userdata)
{
	struct schan *sc = userdata;
	size_t i;

	(void)session; (void)channel; (void)core; (void)errmsg; (void)lang;
	sc->signal = 255 - 128;
	for (i = 0; i < sizeof signals / sizeof signals[0]; i++)
		if (signal != NULL && strcmp(signal, signals[i].name) == 0)
			sc->signal = signals[i].num;
}

/* Free sc's channel. libssh keeps a channel whose close the server has
 * not yet sent, and goes on calling its callbacks when packets for it
 * arrive while another channel of the session is used: the callbacks
 * (which live in sc, often on the stack) are taken off first. */
static void
chan_release(struct schan *sc)
{
	ssh_remove_channel_callbacks(sc->ch, &sc->cb);
	ssh_channel_free(sc->ch);
	sc->ch = NULL;
}

static int
chan_open(struct mx_host *h, struct schan *sc, const char *cmd,
    struct mx_err *err)
{
	struct sshc *c = C(h);

	if ((sc->ch = ssh_channel_new(c->s)) == NULL)
		return is_lost(h) ? lost(h, 0, 0, err) :
		    mx_err_set(err, MX_E_GENERIC, "%s", ssh_get_error(c->s));
	ssh_callbacks_init(&sc->cb);
	sc->cb.userdata = sc;
	sc->cb.channel_exit_signal_function = on_exit_signal;
	ssh_set_channel_callbacks(sc->ch, &sc->cb);
	if (ssh_channel_open_session(sc->ch) != SSH_OK) {
		if (is_lost(h))
			lost(h, 0, 0, err);
		else
			mx_err_set(err, MX_E_REMOTE,
			    _("cannot open a channel: %s"), ssh_get_error(c->s));
		goto fail;
	}
	if (ssh_channel_request_exec(sc->ch, cmd) != SSH_OK) {
		if (is_lost(h))
			lost(h, 0, 0, err);
		else
			mx_err_set(err, MX_E_REMOTE, _("cannot run '%s': %s"),
			    cmd, ssh_get_error(c->s));
		goto fail;
	}
	return 0;
fail:
	chan_release(sc);
	return -1;
}

/* Move what is buffered on stream is_stderr into b (b may be NULL: the
 * bytes are dropped). Returns 0, or -1 when the connection failed. */
static int
chan_drain(struct schan *sc, int is_stderr, struct mx_buf *b, size_t max)
{
	char chunk[CHUNK];
	int n;

	for (;;) {
		n = ssh_channel_read_nonblocking(sc->ch, chunk, sizeof chunk,
		    is_stderr);
		if (n == SSH_EOF || n == 0)
			return 0;
		if (n < 0)
			return ssh_channel_is_eof(sc->ch) ? 0 : -1;
		if (b != NULL && b->len < max &&
		    mx_buf_append(b, chunk, (size_t)n) == -1)
			return -1;
	}
}

/* Read stdout and stderr until the remote end's EOF. */
static int
chan_until_eof(struct mx_host *h, struct schan *sc, struct mx_buf *out,
    struct mx_buf *errout, size_t errmax, uint64_t bytes, int streaming,
    struct mx_err *err)
{
	int rc;

	for (;;) {
		if (chan_drain(sc, 0, out, (size_t)-1) == -1 ||
		    chan_drain(sc, 1, errout, errmax) == -1)
			return lost(h, bytes, streaming, err);
		if (ssh_channel_is_eof(sc->ch) || ssh_channel_is_closed(sc->ch))
			return 0;
		rc = ssh_channel_poll_timeout(sc->ch, POLL_MS, 0);
		if (rc == SSH_ERROR || is_lost(h))
			return lost(h, bytes, streaming, err);
	}
}

/* The exit status once the output ended (128+signal for a signal). */
static int
chan_status(struct mx_host *h, struct schan *sc, uint64_t bytes,
    int streaming, int *status, struct mx_err *err)
{
	int st;

	st = ssh_channel_get_exit_status(sc->ch);
	if (st == -1 && sc->signal)
		st = 128 + sc->signal;
	if (st == -1) {
		if (is_lost(h))
			return lost(h, bytes, streaming, err);
		st = 255;	/* ended without a status, like ssh(1) */
	}
	*status = st;
	return 0;
}

static void
chan_free(struct schan *sc)
{
	if (sc->ch != NULL) {
		if (!ssh_channel_is_closed(sc->ch))
			ssh_channel_close(sc->ch);
		chan_release(sc);
	}
	mx_buf_free(&sc->errbuf);
}

static int
ssh_run(struct mx_host *h, const char *cmd, const void *in, size_t inlen,
    struct mx_buf *out, struct mx_buf *errout, int *status, struct mx_err *err)
{
	struct schan sc;
	struct mx_sigpipe sp;
	const char *p = in;
	size_t off = 0;
	int n, r = -1;

	if (C(h)->lost)
		return gone(h, err);
	memset(&sc, 0, sizeof sc);
	mx_sigpipe_block(&sp);
	if (chan_open(h, &sc, cmd, err) == -1)
		goto out;
	while (off < inlen) {
		n = ssh_channel_write(sc.ch, p + off,
		    (uint32_t)(inlen - off < CHUNK ? inlen - off : CHUNK));
		if (n == SSH_ERROR) {
			if (is_lost(h)) {
				lost(h, 0, 0, err);
				goto out;
			}
			break;	/* it stopped reading: like EPIPE */
		}
		off += (size_t)n;
		if (chan_drain(&sc, 0, out, (size_t)-1) == -1 ||
		    chan_drain(&sc, 1, errout, (size_t)-1) == -1) {
			lost(h, 0, 0, err);
			goto out;
		}
	}
	if (!ssh_channel_is_closed(sc.ch))
		ssh_channel_send_eof(sc.ch);
	if (chan_until_eof(h, &sc, out, errout, (size_t)-1, 0, 0, err) == -1)
		goto out;
	r = chan_status(h, &sc, 0, 0, status, err);
out:
	chan_free(&sc);
	mx_sigpipe_restore(&sp);
	return r;
}

static int
ssh_exec(struct mx_host *h, struct mx_stream *s, struct mx_err *err)
{
	struct mx_sigpipe sp;
	struct schan *sc;
	int r;

	if (C(h)->lost)
		return gone(h, err);
	if ((sc = calloc(1, sizeof *sc)) == NULL)
		return mx_err_set(err, MX_E_GENERIC, _("out of memory"));
	mx_sigpipe_block(&sp);
	r = chan_open(h, sc, s->cmd, err);
	mx_sigpipe_restore(&sp);
	if (r == -1) {
		free(sc);
		return -1;
	}
	s->priv = sc;
	return 0;
}

static ssize_t
ssh_sread(struct mx_stream *s, void *buf, size_t len, struct mx_err *err)
{
	struct schan *sc = s->priv;
	struct mx_host *h = s->h;
	struct mx_sigpipe sp;
	int n;

	if (C(h)->lost)
		return lost(h, s->bytes, 1, err);
	if (len > 0x7fffffff)
		len = 0x7fffffff;
	mx_sigpipe_block(&sp);
	for (;;) {
		n = ssh_channel_read_timeout(sc->ch, buf, (uint32_t)len, 0,
		    POLL_MS);
		if (n > 0)
			break;
		if (n == SSH_ERROR || is_lost(h)) {
			n = -1;
			lost(h, s->bytes, 1, err);
			break;
		}
		/* Nothing on stdout yet: keep stderr flowing meanwhile. */
		if (chan_drain(sc, 1, &sc->errbuf, MAX_ERRTEXT) == -1) {
			n = -1;
			lost(h, s->bytes, 1, err);
			break;
		}
		if (ssh_channel_is_eof(sc->ch) || ssh_channel_is_closed(sc->ch)) {
			n = 0;
			break;
		}
	}
	mx_sigpipe_restore(&sp);
	return n;
}

static int
ssh_swrite(struct mx_stream *s, const void *buf, size_t len,
    struct mx_err *err)
{
	struct schan *sc = s->priv;
	struct mx_host *h = s->h;
	struct mx_sigpipe sp;
	const char *p = buf;
	char size[32];
	int n, r = 0;

	if (C(h)->lost)
		return lost(h, s->bytes, 1, err);
	mx_sigpipe_block(&sp);
	while (len > 0) {
		n = ssh_channel_write(sc->ch, p,
		    (uint32_t)(len < CHUNK ? len : CHUNK));
		if (n == SSH_ERROR) {
			if (is_lost(h)) {
				r = lost(h, s->bytes, 1, err);
			} else {
				mx_host_fmt_bytes(size, sizeof size, s->bytes);
				r = mx_err_set(err, MX_E_REMOTE,
				    _("'%s' stopped reading after %s"), s->cmd,
				    size);
			}
			break;
		}
		p += n;
		len -= (size_t)n;
		if (chan_drain(sc, 1, &sc->errbuf, MAX_ERRTEXT) == -1) {
			r = lost(h, s->bytes, 1, err);
			break;
		}
	}
	mx_sigpipe_restore(&sp);
	return r;
}

static int
ssh_sclose(struct mx_stream *s, int *status, struct mx_buf *errout,
    struct mx_err *err)
{
	struct schan *sc = s->priv;
	struct mx_host *h = s->h;
	struct mx_sigpipe sp;
	int r = -1;

	mx_sigpipe_block(&sp);
	if (C(h)->lost) {
		lost(h, s->bytes, 1, err);
		goto out;
	}
	if (s->writing) {
		if (!ssh_channel_is_closed(sc->ch))
			ssh_channel_send_eof(sc->ch);
	} else if (!ssh_channel_is_eof(sc->ch)) {
		/* The reader stopped early: no more output wanted. */
		ssh_channel_close(sc->ch);
	}
	if (!ssh_channel_is_closed(sc->ch) &&
	    chan_until_eof(h, sc, NULL, &sc->errbuf, MAX_ERRTEXT, s->bytes, 1,
	    err) == -1)
		goto out;
	r = chan_status(h, sc, s->bytes, 1, status, err);
out:
	if (errout != NULL && sc->errbuf.len > 0)
		mx_buf_append(errout, sc->errbuf.data, sc->errbuf.len);
	chan_free(sc);
	free(sc);
	s->priv = NULL;
	mx_sigpipe_restore(&sp);
	return r;
}

/* --- files (SFTP) --------------------------------------------------- */

static int
sftp_ready(struct mx_host *h, struct mx_err *err)
{
	struct sshc *c = C(h);

	if (c->lost)
		return gone(h, err);
	if (c->sftp != NULL)
		return 0;
	if ((c->sftp = sftp_new(c->s)) == NULL) {
		if (is_lost(h))
			return lost(h, 0, 0, err);
		return mx_err_set(err, MX_E_REMOTE,
		    _("SFTP is not available (%s); the server needs an sftp "
		    "subsystem"), ssh_get_error(c->s));
	}
	if (sftp_init(c->sftp) < 0) {
		mx_err_set(err, MX_E_REMOTE, _("SFTP failed to start: %s"),
		    ssh_get_error(c->s));
		sftp_free(c->sftp);
		c->sftp = NULL;
		if (is_lost(h))
			return lost(h, 0, 0, err);
		return -1;
	}
	return 0;
}

/* An SFTP failure on path, as a message like the local one. */
static int
sftp_fail(struct mx_host *h, const char *what, const char *path,
    struct mx_err *err)
{
	struct sshc *c = C(h);
	int code = c->sftp ? sftp_get_error(c->sftp) : -1;
	const char *reason;
	enum mx_err_code ec = MX_E_REMOTE;

	if (is_lost(h))
		return lost(h, 0, 0, err);
	switch (code) {
	case SSH_FX_NO_SUCH_FILE:
	case SSH_FX_NO_SUCH_PATH:
		reason = _("No such file or directory");
		ec = MX_E_NOTFOUND;
		break;
	case SSH_FX_PERMISSION_DENIED:
		reason = _("Permission denied");
		break;
	case SSH_FX_FILE_ALREADY_EXISTS:
		reason = _("File exists");
		break;
	case SSH_FX_WRITE_PROTECT:
		reason = _("Read-only file system");
		break;
	case SSH_FX_NO_MEDIA:
		reason = _("No medium found");
		break;
	default:
		reason = ssh_get_error(c->s);
		if (reason == NULL || reason[0] == '\0')
			reason = _("failed");
		break;
	}
	if (what != NULL)
		return mx_err_set(err, ec, "%s %s: %s", what, path, reason);
	return mx_err_set(err, ec, "%s: %s", path, reason);
}

static int
ssh_read_file(struct mx_host *h, const char *path, struct mx_buf *out,
    struct mx_err *err)
{
	struct sshc *c = C(h);
	struct mx_sigpipe sp;
	sftp_attributes a;
	sftp_file f;
	char chunk[CHUNK];
	size_t before = out->len;
	ssize_t n;
	int r = -1;

	mx_sigpipe_block(&sp);
	if (sftp_ready(h, err) == -1)
		goto out;
	if ((f = sftp_open(c->sftp, path, O_RDONLY, 0)) == NULL) {
		sftp_fail(h, NULL, path, err);
		goto out;
	}
	if ((a = sftp_fstat(f)) != NULL) {
		int dir = a->type == SSH_FILEXFER_TYPE_DIRECTORY;
		int big = a->size > MAX_SMALL_FILE;

		sftp_attributes_free(a);
		if (dir || big) {
			sftp_close(f);
			mx_err_set(err, MX_E_IO, dir ? _("%s is a directory") :
			    _("%s: not a small regular file"), path);
			goto out;
		}
	}
	while ((n = sftp_read(f, chunk, sizeof chunk)) > 0)
		if (mx_buf_append(out, chunk, (size_t)n) == -1) {
			n = -2;
			break;
		}
	if (n < 0) {
		out->len = before;
		if (n == -2)
			mx_err_set(err, MX_E_GENERIC, _("out of memory"));
		else
			sftp_fail(h, _("reading"), path, err);
		sftp_close(f);
		goto out;
	}
	sftp_close(f);
	if (out->data == NULL)
		mx_buf_append(out, "", 0);
	r = 0;
out:
	mx_sigpipe_restore(&sp);
	return r;
}

static int
sftp_write_all(sftp_file f, const char *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = sftp_write(f, p, len < CHUNK ? len : CHUNK);
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int ssh_run(struct mx_host *h, const char *cmd, const void *in,
    size_t inlen, struct mx_buf *out, struct mx_buf *errout, int *status,
    struct mx_err *err);

static int
mv_into_place(struct mx_host *h, const char *tmp, const char *path,
    struct mx_err *err)
{
	const char *argv[] = { "mv", "-f", "--", tmp, path, NULL };
	struct mx_buf cmd = MX_BUF_INIT, eo = MX_BUF_INIT;
	int st = -1, r = -1;

	if (mx_shell_join(&cmd, argv) == -1) {
		mx_err_set(err, MX_E_GENERIC, _("out of memory"));
		goto out;
	}
	if (ssh_run(h, cmd.data, NULL, 0, NULL, &eo, &st, err) == -1)
		goto out;
	if (st != 0) {
		while (eo.len > 0 && eo.data[eo.len - 1] == '\n')
			eo.data[--eo.len] = '\0';
		mx_err_set(err, MX_E_REMOTE,
		    _("cannot rename the new version into place: %s: %s"),
		    path, eo.len ? eo.data : _("mv failed"));
		goto out;
	}
	r = 0;
out:
	mx_buf_free(&cmd);
	mx_buf_free(&eo);
	return r;
}

static int
ssh_write_file(struct mx_host *h, const char *path, const void *data,
    size_t len, mode_t mode, uid_t uid, gid_t gid, int keep_owner,
    struct mx_err *err)
{
	struct sshc *c = C(h);
	struct mx_sigpipe sp;
	struct mx_buf tmp = MX_BUF_INIT;
	sftp_attributes a;
	sftp_file f = NULL;
	char name[300], *dir = NULL;
	const char *base;
	int r = -1, tries, existed = 0;

	if (mx_host_split_path(path, &dir, &base, err) == -1)
		return -1;
	mx_sigpipe_block(&sp);
	if (sftp_ready(h, err) == -1)
		goto out;
	if ((a = sftp_lstat(c->sftp, path)) != NULL) {
		int reg = a->type == SSH_FILEXFER_TYPE_REGULAR;

		existed = 1;
		if (reg && keep_owner) {
			mode = a->permissions & 07777;
			uid = a->uid;
			gid = a->gid;
		}
		sftp_attributes_free(a);
		if (!reg) {
			mx_err_set(err, MX_E_IO, _("%s is not a regular file (a "
			    "link or a directory); not replacing it"), path);
			goto out;
		}
	} else if (sftp_get_error(c->sftp) != SSH_FX_NO_SUCH_FILE) {
		sftp_fail(h, NULL, path, err);
		goto out;
	}
	for (tries = 0; tries < 20 && f == NULL; tries++) {
		mx_host_tmp_name(name, sizeof name, base);
		mx_buf_reset(&tmp);
		mx_buf_printf(&tmp, "%s%s%s", dir, strcmp(dir, "/") ? "/" : "",
		    name);
		f = sftp_open(c->sftp, tmp.data, O_WRONLY | O_CREAT | O_EXCL,
		    0600);
		if (f == NULL &&
		    sftp_get_error(c->sftp) != SSH_FX_FILE_ALREADY_EXISTS)
			break;
	}
	if (f == NULL) {
		sftp_fail(h, _("cannot create a temporary file beside"), path,
		    err);
		goto out;
	}
	if (sftp_write_all(f, data, len) == -1) {
		sftp_fail(h, _("writing"), path, err);
		goto fail;
	}
	if (sftp_extension_supported(c->sftp, "fsync@openssh.com", "1") &&
	    sftp_fsync(f) < 0) {
		sftp_fail(h, _("writing"), path, err);
		goto fail;
	}
	if (sftp_close(f) < 0) {
		f = NULL;
		sftp_fail(h, _("writing"), path, err);
		goto fail;
	}
	f = NULL;
	if (uid != (uid_t)-1 || gid != (gid_t)-1) {
		if (uid == (uid_t)-1 || gid == (gid_t)-1) {
			a = sftp_stat(c->sftp, tmp.data);
			if (a != NULL) {
				if (uid == (uid_t)-1)
					uid = a->uid;
				if (gid == (gid_t)-1)
					gid = a->gid;
				sftp_attributes_free(a);
			}
		}
		if (sftp_chown(c->sftp, tmp.data, uid, gid) < 0) {
			char what[96];

			snprintf(what, sizeof what, _("cannot give owner %ld:%ld to"),
			    (long)uid, (long)gid);
			sftp_fail(h, what, path, err);
			goto fail;
		}
	}
	if (sftp_chmod(c->sftp, tmp.data, mode & 07777) < 0) {
		sftp_fail(h, _("cannot set the mode of"), path, err);
		goto fail;
	}
	/* SFTP v3's rename refuses an existing target (and libssh 0.10 has
	 * no posix-rename): over an old file, mv(1) in the same directory
	 * is one rename(2). */
	if (existed ? mv_into_place(h, tmp.data, path, err) == -1 :
	    sftp_rename(c->sftp, tmp.data, path) < 0) {
		if (!existed)
			sftp_fail(h, _("cannot rename the new version into "
			    "place:"), path, err);
		goto fail;
	}
	r = 0;
	goto out;
fail:
	if (f != NULL)
		sftp_close(f);
	if (!is_lost(h))
		sftp_unlink(c->sftp, tmp.data);
out:
	mx_sigpipe_restore(&sp);
	mx_buf_free(&tmp);
	free(dir);
	return r;
}

static void
fill_stat(struct mx_stat *st, sftp_attributes a)
{
	st->exists = 1;
	st->is_dir = a->type == SSH_FILEXFER_TYPE_DIRECTORY;
	st->is_reg = a->type == SSH_FILEXFER_TYPE_REGULAR;
	st->mode = a->permissions & 07777;
	st->uid = a->uid;
	st->gid = a->gid;
	st->size = a->size;
	st->mtime = (int64_t)a->mtime;
}

static int
ssh_stat(struct mx_host *h, const char *path, struct mx_stat *st,
    struct mx_err *err)
{
	struct sshc *c = C(h);
	struct mx_sigpipe sp;
	sftp_attributes a;
	int r = -1, code;

	mx_sigpipe_block(&sp);
	if (sftp_ready(h, err) == -1)
		goto out;
	if ((a = sftp_lstat(c->sftp, path)) == NULL) {
		code = sftp_get_error(c->sftp);
		if (!is_lost(h) && (code == SSH_FX_NO_SUCH_FILE ||
		    code == SSH_FX_NO_SUCH_PATH))
			r = 0;	/* exists = 0 */
		else
			sftp_fail(h, NULL, path, err);
		goto out;
	}
	fill_stat(st, a);
	if (a->type == SSH_FILEXFER_TYPE_SYMLINK) {
		sftp_attributes_free(a);
		st->is_link = 1;
		if ((a = sftp_stat(c->sftp, path)) != NULL) {
			fill_stat(st, a);
			st->is_link = 1;
		}
	}
	sftp_attributes_free(a);
	r = 0;
out:
	mx_sigpipe_restore(&sp);
	return r;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
ssh_list(struct mx_host *h, const char *path, char ***names, size_t *count,
    struct mx_err *err)
{
	struct sshc *c = C(h);
	struct mx_sigpipe sp;
	sftp_attributes a;
	sftp_dir d;
	char **v = NULL, **nv;
	size_t n = 0, cap = 0;
	int r = -1;

	mx_sigpipe_block(&sp);
	if (sftp_ready(h, err) == -1)
		goto out;
	if ((d = sftp_opendir(c->sftp, path)) == NULL) {
		sftp_fail(h, NULL, path, err);
		goto out;
	}
	while ((a = sftp_readdir(c->sftp, d)) != NULL) {
		if (strcmp(a->name, ".") != 0 && strcmp(a->name, "..") != 0) {
			if (n == cap) {
				cap = cap ? cap * 2 : 32;
				nv = realloc(v, cap * sizeof *v);
				if (nv == NULL) {
					sftp_attributes_free(a);
					break;
				}
				v = nv;
			}
			if ((v[n] = strdup(a->name)) != NULL)
				n++;
		}
		sftp_attributes_free(a);
	}
	if (!sftp_dir_eof(d)) {
		sftp_fail(h, _("listing"), path, err);
		sftp_closedir(d);
		mx_strv_free(v, n);
		goto out;
	}
	sftp_closedir(d);
	if (n > 0)
		qsort(v, n, sizeof *v, cmp_names);
	*names = v;
	*count = n;
	r = 0;
out:
	mx_sigpipe_restore(&sp);
	return r;
}

/* "df -Pk PATH": the POSIX output, for servers without statvfs@openssh. */
static int
df_command(struct mx_host *h, const char *path, uint64_t *avail,
    uint64_t *total, struct mx_err *err)
{
	struct mx_buf cmd = MX_BUF_INIT, out = MX_BUF_INIT, eo = MX_BUF_INIT;
	unsigned long long blocks, used, av;
	const char *line;
	int st = -1, r = -1;

	mx_buf_puts(&cmd, "df -Pk ");
	mx_shell_quote(&cmd, path);
	if (ssh_run(h, cmd.data, NULL, 0, &out, &eo, &st, err) == -1)
		goto out;
	line = out.data ? strchr(out.data, '\n') : NULL;
	if (st != 0 || line == NULL ||
	    sscanf(line + 1, "%*s %llu %llu %llu", &blocks, &used, &av) != 3) {
		mx_err_set(err, MX_E_REMOTE, _("free space of %s: %s"), path,
		    eo.len ? eo.data : _("df gave no answer"));
		goto out;
	}
	*avail = (uint64_t)av * 1024;
	if (total != NULL)
		*total = (uint64_t)blocks * 1024;
	r = 0;
out:
	mx_buf_free(&cmd);
	mx_buf_free(&out);
	mx_buf_free(&eo);
	return r;
}

static int
ssh_df(struct mx_host *h, const char *path, uint64_t *avail, uint64_t *total,
    struct mx_err *err)
{
	struct sshc *c = C(h);
	struct mx_sigpipe sp;
	sftp_statvfs_t v = NULL;
	int r = -1;

	mx_sigpipe_block(&sp);
	if (sftp_ready(h, err) == -1)
		goto out;
	if (sftp_extension_supported(c->sftp, "statvfs@openssh.com", "2")) {
		if ((v = sftp_statvfs(c->sftp, path)) == NULL) {
			sftp_fail(h, _("free space of"), path, err);
			goto out;
		}
		*avail = v->f_bavail * v->f_frsize;
		if (total != NULL)
			*total = v->f_blocks * v->f_frsize;
		sftp_statvfs_free(v);
		r = 0;
	} else
		r = df_command(h, path, avail, total, err);
out:
	mx_sigpipe_restore(&sp);
	return r;
}

const struct mx_host_ops mx_host_ssh_ops = {
	.scheme = "ssh",
	.open = ssh_open_host,
	.close = ssh_close_host,
	.run = ssh_run,
	.exec = ssh_exec,
	.sread = ssh_sread,
	.swrite = ssh_swrite,
	.sclose = ssh_sclose,
	.read_file = ssh_read_file,
	.write_file = ssh_write_file,
	.stat = ssh_stat,
	.list = ssh_list,
	.df = ssh_df,
};
