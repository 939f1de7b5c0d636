/* host.c - the host layer's dispatch: parse a host spec, pick the
 * transport (host-local.c, host-ssh.c), audit every command, and put the
 * host's name in front of every error (see host.h). */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "host-impl.h"
#include "i18n.h"
#include "quote.h"

static char *
xstrdup(const char *s)
{
	return s == NULL ? NULL : strdup(s);
}

static double
elapsed(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) +
	    (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

void
mx_sigpipe_block(struct mx_sigpipe *sp)
{
	sigset_t set, pending;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, &sp->old);
	sigpending(&pending);
	sp->was_pending = sigismember(&pending, SIGPIPE);
}

void
mx_sigpipe_restore(struct mx_sigpipe *sp)
{
	struct timespec zero = { 0, 0 };
	sigset_t set, pending;
	int e = errno;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	sigpending(&pending);
	if (!sp->was_pending && sigismember(&pending, SIGPIPE))
		sigtimedwait(&set, NULL, &zero);
	pthread_sigmask(SIG_SETMASK, &sp->old, NULL);
	errno = e;
}

void
mx_host_fmt_bytes(char *buf, size_t len, uint64_t n)
{
	static const char *unit[] = { "KiB", "MiB", "GiB", "TiB" };
	double v = (double)n;
	int i = -1;

	if (n < 1024) {
		snprintf(buf, len, P_("%" PRIu64 " byte", "%" PRIu64 " bytes",
		    (unsigned long)n), n);
		return;
	}
	while (v >= 1024 && i < 3) {
		v /= 1024;
		i++;
	}
	snprintf(buf, len, "%.1f %s", v, unit[i]);
}

int
mx_host_split_path(const char *path, char **dir, const char **base,
    struct mx_err *err)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL) {
		*dir = strdup(".");
		*base = path;
	} else {
		*base = slash + 1;
		*dir = slash == path ? strdup("/") :
		    strndup(path, (size_t)(slash - path));
	}
	if (**base == '\0' || strcmp(*base, ".") == 0 ||
	    strcmp(*base, "..") == 0) {
		free(*dir);
		*dir = NULL;
		return mx_err_set(err, MX_E_USAGE,
		    _("%s: not a file name"), path);
	}
	if (*dir == NULL)
		return mx_err_set(err, MX_E_GENERIC, _("out of memory"));
	return 0;
}

void
mx_host_tmp_name(char *buf, size_t len, const char *base)
{
	static const char set[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char rnd[8];
	char suffix[9];
	struct timespec ts;
	size_t i;
	int fd;

	clock_gettime(CLOCK_REALTIME, &ts);
	for (i = 0; i < sizeof rnd; i++)
		rnd[i] = (unsigned char)((ts.tv_nsec >> (i * 3)) ^ getpid() ^ i * 37);
	fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd != -1) {
		if (read(fd, rnd, sizeof rnd) != (ssize_t)sizeof rnd)
			rnd[0] ^= 0x5a;
		close(fd);
	}
	for (i = 0; i < sizeof rnd; i++)
		suffix[i] = set[rnd[i] % (sizeof set - 1)];
	suffix[sizeof rnd] = '\0';
	/* Keep the whole name under NAME_MAX (255). */
	snprintf(buf, len, ".%.200s.mxmove-%s", base, suffix);
}

int
mx_host_ask_fd(void *ctx, const char *host, const char *prompt, int echo,
    char *buf, size_t len)
{
	struct mx_host_askfd *a = ctx;
	size_t n = 0;
	ssize_t r;
	char ch;

	(void)host;
	(void)prompt;
	(void)echo;
	if (a == NULL || len == 0)
		return -1;
	if (!a->have) {
		while (n + 1 < sizeof a->answer) {
			r = read(a->fd, &ch, 1);
			if (r == -1 && errno == EINTR)
				continue;
			if (r <= 0 || ch == '\n')
				break;
			a->answer[n++] = ch;
		}
		if (n > 0 && a->answer[n - 1] == '\r')
			n--;
		a->answer[n] = '\0';
		if (n == 0)
			return -1;
		a->have = 1;
	}
	if (strlen(a->answer) >= len)
		return -1;
	memcpy(buf, a->answer, strlen(a->answer) + 1);
	return 0;
}

void
mx_host_askfd_clear(struct mx_host_askfd *a)
{
	explicit_bzero(a->answer, sizeof a->answer);
	a->have = 0;
}

/* Names go to ssh_config's %h/%r expansions (ProxyCommand): nothing a
 * shell would read specially. */
static int
bad_chars(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f ||
		    strchr("'\"`$;&|<>\\(){}*?!#~", *s) != NULL)
			return 1;
	return 0;
}

/* "ssh://[user@]host[:port]", "[user@]alias", "[user@][v6]:port". */
static int
parse_ssh(struct mx_host *h, const char *spec, struct mx_err *err)
{
	const char *p = spec, *at, *end;
	char *port_end;
	long port;
	int url = 0;

	if (strncmp(p, "ssh://", 6) == 0) {
		p += 6;
		url = 1;
	}
	if ((end = strchr(p, '/')) != NULL && end[1] != '\0')
		return mx_err_set(err, MX_E_USAGE,
		    _("%s: a host is ssh://[user@]name[:port], an ssh alias "
		    "or local:[/root]"), spec);
	end = p + strlen(p);
	if (end > p && end[-1] == '/')
		end--;
	if ((at = memchr(p, '@', (size_t)(end - p))) != NULL) {
		if (at == p)
			return mx_err_set(err, MX_E_USAGE,
			    _("%s: empty user name"), spec);
		h->ssh_user = strndup(p, (size_t)(at - p));
		p = at + 1;
	}
	if (*p == '[') {
		const char *close = memchr(p, ']', (size_t)(end - p));

		if (close == NULL)
			return mx_err_set(err, MX_E_USAGE,
			    _("%s: missing ']'"), spec);
		h->ssh_host = strndup(p + 1, (size_t)(close - p - 1));
		p = close + 1;
	} else {
		const char *colon = memchr(p, ':', (size_t)(end - p));

		h->ssh_host = strndup(p, (size_t)((colon ? colon : end) - p));
		p = colon ? colon : end;
	}
	if (h->ssh_host == NULL || h->ssh_host[0] == '\0' ||
	    h->ssh_host[0] == '-')
		return mx_err_set(err, MX_E_USAGE, _("%s: no host name"), spec);
	if (bad_chars(h->ssh_host) || (h->ssh_user && bad_chars(h->ssh_user)))
		return mx_err_set(err, MX_E_USAGE,
		    _("%s: bad character in the host or user name"), spec);
	if (p < end && *p == ':') {
		errno = 0;
		port = strtol(p + 1, &port_end, 10);
		if (errno || port_end != end || port < 1 || port > 65535)
			return mx_err_set(err, MX_E_USAGE,
			    _("%s: bad port number"), spec);
		h->ssh_port = (int)port;
	} else if (p != end)
		return mx_err_set(err, MX_E_USAGE, _("%s: bad host"), spec);
	(void)url;
	return 0;
}

static int
parse_spec(struct mx_host *h, const char *spec, struct mx_err *err)
{
	size_t n;

	if (spec == NULL || spec[0] == '\0')
		return mx_err_set(err, MX_E_USAGE, _("no host given"));
	if (strncmp(spec, "local:", 6) == 0) {
		h->ops = &mx_host_local_ops;
		if (spec[6] == '\0')
			return 0;
		if (spec[6] != '/')
			return mx_err_set(err, MX_E_USAGE,
			    _("%s: the root of a local host must be an "
			    "absolute path (local:/mnt/old)"), spec);
		n = strlen(spec + 6);
		while (n > 1 && spec[6 + n - 1] == '/')
			n--;
		if (n == 1 && spec[6] == '/')
			return 0;	/* local:/ is this machine */
		if ((h->root = strndup(spec + 6, n)) == NULL)
			return mx_err_set(err, MX_E_GENERIC, _("out of memory"));
		return 0;
	}
	h->ops = &mx_host_ssh_ops;
	return parse_ssh(h, spec, err);
}

static void
host_free(struct mx_host *h)
{
	if (h == NULL)
		return;
	free(h->spec);
	free(h->name);
	free(h->root);
	free(h->ssh_host);
	free(h->ssh_user);
	free(h->known_hosts);
	free(h->ssh_config);
	free(h->identity);
	free(h->accept_fingerprint);
	free(h);
}

int
mx_host_open(struct mx_host **out, const char *spec,
    const struct mx_host_opts *opts, struct mx_hostkey_info *key,
    struct mx_err *err)
{
	static const struct mx_host_opts none;
	struct mx_host *h;

	*out = NULL;
	if (opts == NULL)
		opts = &none;
	if (key != NULL)
		memset(key, 0, sizeof *key);
	if ((h = calloc(1, sizeof *h)) == NULL)
		return mx_err_set(err, MX_E_GENERIC, _("out of memory"));
	h->spec = xstrdup(spec ? spec : "");
	h->name = xstrdup(opts->label ? opts->label :
	    spec && strcmp(spec, "local:") == 0 ? "local" : spec ? spec : "");
	h->known_hosts = xstrdup(opts->known_hosts);
	h->ssh_config = xstrdup(opts->ssh_config);
	h->identity = xstrdup(opts->identity);
	h->accept_fingerprint = xstrdup(opts->accept_fingerprint);
	h->ask = opts->ask;
	h->ask_ctx = opts->ask_ctx;
	h->audit = opts->audit;
	h->timeout_sec = opts->timeout_sec > 0 ? opts->timeout_sec : 15;
	if (h->spec == NULL || h->name == NULL) {
		host_free(h);
		return mx_err_set(err, MX_E_GENERIC, _("out of memory"));
	}
	if (parse_spec(h, spec, err) == -1) {
		host_free(h);
		return -1;
	}
	if (h->ops->open(h, key, err) == -1) {
		mx_err_prefix(err, "%s", h->name);
		host_free(h);
		return -1;
	}
	h->open = 1;
	*out = h;
	return 0;
}

int
mx_host_reopen(struct mx_host *h, struct mx_err *err)
{
	if (h->open)
		h->ops->close(h);
	h->open = 0;
	if (h->ops->open(h, NULL, err) == -1)
		return mx_err_prefix(err, "%s", h->name);
	h->open = 1;
	return 0;
}

void
mx_host_close(struct mx_host *h)
{
	if (h == NULL)
		return;
	if (h->open)
		h->ops->close(h);
	host_free(h);
}

const char *
mx_host_name(const struct mx_host *h)
{
	return h->name;
}

int
mx_host_is_local(const struct mx_host *h)
{
	return h->ops == &mx_host_local_ops;
}

const char *
mx_host_root(const struct mx_host *h)
{
	return h->root;
}

char *
mx_host_path(const struct mx_host *h, const char *path)
{
	struct mx_buf b = MX_BUF_INIT;

	if (h->root == NULL)
		return strdup(path);
	if (mx_buf_puts(&b, h->root) == -1 ||
	    (path[0] != '/' && mx_buf_puts(&b, "/") == -1) ||
	    mx_buf_puts(&b, path) == -1) {
		mx_buf_free(&b);
		return NULL;
	}
	return mx_buf_steal(&b);
}

static int
not_open(struct mx_host *h, struct mx_err *err)
{
	return mx_err_set(err, MX_E_NET,
	    _("%s: not connected (the connection was lost; reopen it)"),
	    h->name);
}

int
mx_host_run_sh(struct mx_host *h, const char *cmdline,
    const void *in, size_t inlen, struct mx_buf *out, struct mx_buf *errout,
    int *status, struct mx_err *err)
{
	struct timespec t0;
	int r, st = -1;

	if (!h->open)
		return not_open(h, err);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	r = h->ops->run(h, cmdline, in, inlen, out, errout, &st, err);
	mx_audit_record(h->audit, h->name, cmdline, r == 0 ? st : -1,
	    elapsed(&t0));
	if (r == -1)
		return mx_err_prefix(err, "%s", h->name);
	if (status != NULL)
		*status = st;
	return 0;
}

int
mx_host_run(struct mx_host *h, const char *const argv[],
    const void *in, size_t inlen, struct mx_buf *out, struct mx_buf *errout,
    int *status, struct mx_err *err)
{
	struct mx_buf cmd = MX_BUF_INIT;
	int r;

	if (argv == NULL || argv[0] == NULL)
		return mx_err_set(err, MX_E_USAGE, _("%s: empty command"),
		    h->name);
	if (mx_shell_join(&cmd, argv) == -1) {
		mx_buf_free(&cmd);
		return mx_err_set(err, MX_E_GENERIC, _("out of memory"));
	}
	r = mx_host_run_sh(h, cmd.data, in, inlen, out, errout, status, err);
	mx_buf_free(&cmd);
	return r;
}

static int
exec_stream(struct mx_host *h, const char *cmdline, int writing,
    struct mx_stream **out, struct mx_err *err)
{
	struct mx_stream *s;

	*out = NULL;
	if (!h->open)
		return not_open(h, err);
	if ((s = calloc(1, sizeof *s)) == NULL ||
	    (s->cmd = strdup(cmdline)) == NULL) {
		free(s);
		return mx_err_set(err, MX_E_GENERIC, _("out of memory"));
	}
	s->h = h;
	s->writing = writing;
	clock_gettime(CLOCK_MONOTONIC, &s->t0);
	if (h->ops->exec(h, s, err) == -1) {
		mx_audit_record(h->audit, h->name, cmdline, -1, elapsed(&s->t0));
		free(s->cmd);
		free(s);
		return mx_err_prefix(err, "%s", h->name);
	}
	*out = s;
	return 0;
}

static int
exec_argv(struct mx_host *h, const char *const argv[], int writing,
    struct mx_stream **out, struct mx_err *err)
{
	struct mx_buf cmd = MX_BUF_INIT;
	int r;

	*out = NULL;
	if (argv == NULL || argv[0] == NULL)
		return mx_err_set(err, MX_E_USAGE, _("%s: empty command"),
		    h->name);
	if (mx_shell_join(&cmd, argv) == -1) {
		mx_buf_free(&cmd);
		return mx_err_set(err, MX_E_GENERIC, _("out of memory"));
	}
	r = exec_stream(h, cmd.data, writing, out, err);
	mx_buf_free(&cmd);
	return r;
}

int
mx_host_exec_read(struct mx_host *h, const char *const argv[],
    struct mx_stream **out, struct mx_err *err)
{
	return exec_argv(h, argv, 0, out, err);
}

int
mx_host_exec_write(struct mx_host *h, const char *const argv[],
    struct mx_stream **out, struct mx_err *err)
{
	return exec_argv(h, argv, 1, out, err);
}

int
mx_host_exec_read_sh(struct mx_host *h, const char *cmdline,
    struct mx_stream **out, struct mx_err *err)
{
	return exec_stream(h, cmdline, 0, out, err);
}

int
mx_host_exec_write_sh(struct mx_host *h, const char *cmdline,
    struct mx_stream **out, struct mx_err *err)
{
	return exec_stream(h, cmdline, 1, out, err);
}

ssize_t
mx_stream_read(struct mx_stream *s, void *buf, size_t len, struct mx_err *err)
{
	ssize_t n;

	if (s->writing)
		return mx_err_set(err, MX_E_USAGE,
		    _("%s: this stream feeds a command; it cannot be read"),
		    s->h->name);
	n = s->h->ops->sread(s, buf, len, err);
	if (n < 0)
		return mx_err_prefix(err, "%s", s->h->name);
	s->bytes += (uint64_t)n;
	return n;
}

int
mx_stream_write(struct mx_stream *s, const void *buf, size_t len,
    struct mx_err *err)
{
	if (!s->writing)
		return mx_err_set(err, MX_E_USAGE,
		    _("%s: this stream reads a command's output; it cannot "
		    "be written"), s->h->name);
	if (s->h->ops->swrite(s, buf, len, err) == -1)
		return mx_err_prefix(err, "%s", s->h->name);
	s->bytes += len;
	return 0;
}

uint64_t
mx_stream_bytes(const struct mx_stream *s)
{
	return s->bytes;
}

int
mx_stream_close(struct mx_stream *s, int *status, struct mx_buf *errout,
    struct mx_err *err)
{
	int r, st = -1;

	if (s == NULL)
		return 0;
	r = s->h->ops->sclose(s, &st, errout, err);
	mx_audit_record(s->h->audit, s->h->name, s->cmd, r == 0 ? st : -1,
	    elapsed(&s->t0));
	if (r == -1)
		mx_err_prefix(err, "%s", s->h->name);
	else if (status != NULL)
		*status = st;
	free(s->cmd);
	free(s);
	return r;
}

int
mx_host_read_file(struct mx_host *h, const char *path, struct mx_buf *out,
    struct mx_err *err)
{
	if (!h->open)
		return not_open(h, err);
	if (h->ops->read_file(h, path, out, err) == -1)
		return mx_err_prefix(err, "%s", h->name);
	return 0;
}

int
mx_host_write_file(struct mx_host *h, const char *path, const void *data,
    size_t len, mode_t mode, uid_t uid, gid_t gid, int keep_owner,
    struct mx_err *err)
{
	struct mx_buf what = MX_BUF_INIT;
	struct timespec t0;
	int r;

	if (!h->open)
		return not_open(h, err);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	r = h->ops->write_file(h, path, data, len, mode, uid, gid, keep_owner,
	    err);
	/* A change on a host: logged like a command (never the content). */
	mx_buf_printf(&what, "(write file, %zu bytes) ", len);
	mx_shell_quote(&what, path);
	mx_audit_record(h->audit, h->name, what.data ? what.data : path,
	    r == 0 ? 0 : -1, elapsed(&t0));
	mx_buf_free(&what);
	if (r == -1)
		return mx_err_prefix(err, "%s", h->name);
	return 0;
}

int
mx_host_stat(struct mx_host *h, const char *path, struct mx_stat *st,
    struct mx_err *err)
{
	if (!h->open)
		return not_open(h, err);
	memset(st, 0, sizeof *st);
	if (h->ops->stat(h, path, st, err) == -1)
		return mx_err_prefix(err, "%s", h->name);
	return 0;
}

int
mx_host_list(struct mx_host *h, const char *path, char ***names,
    size_t *count, struct mx_err *err)
{
	*names = NULL;
	*count = 0;
	if (!h->open)
		return not_open(h, err);
	if (h->ops->list(h, path, names, count, err) == -1)
		return mx_err_prefix(err, "%s", h->name);
	return 0;
}

int
mx_host_df(struct mx_host *h, const char *path, uint64_t *avail,
    uint64_t *total, struct mx_err *err)
{
	if (!h->open)
		return not_open(h, err);
	if (h->ops->df(h, path, avail, total, err) == -1)
		return mx_err_prefix(err, "%s", h->name);
	return 0;
}

void
mx_strv_free(char **v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}
