/* pop3.c - a small POP3 client (see pop3.h). */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "buf.h"
#include "i18n.h"
#include "pop3.h"

struct conn {
	int fd;
	int timeout_ms;
	char in[4096];
	size_t have;
	const char *where;	/* "addr:port" for messages */
};

static int
dial(struct conn *c, const char *addr, int port, struct mx_err *err)
{
	struct addrinfo hints, *res = NULL;
	struct pollfd pfd;
	char portstr[16];
	int fd, r, soerr = 0;
	socklen_t len = sizeof soerr;

	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	snprintf(portstr, sizeof portstr, "%d", port);
	if ((r = getaddrinfo(addr, portstr, &hints, &res)) != 0)
		return mx_err_set(err, MX_E_NET, _("%s: %s"), c->where, gai_strerror(r));
	fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd == -1) {
		freeaddrinfo(res);
		return mx_err_errno(err, errno, "%s", c->where);
	}
	r = connect(fd, res->ai_addr, res->ai_addrlen);
	freeaddrinfo(res);
	if (r == -1 && errno != EINPROGRESS) {
		mx_err_errno(err, errno, "%s", c->where);
		close(fd);
		return -1;
	}
	pfd.fd = fd;
	pfd.events = POLLOUT;
	r = poll(&pfd, 1, c->timeout_ms);
	if (r == 0) {
		close(fd);
		return mx_err_set(err, MX_E_NET, _("%s: connection timed out"), c->where);
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == -1 || soerr != 0) {
		mx_err_errno(err, soerr ? soerr : errno, "%s", c->where);
		close(fd);
		return -1;
	}
	c->fd = fd;
	return 0;
}

/* Read one line (CRLF or LF stripped) into line. */
static int
read_line(struct conn *c, struct mx_buf *line, struct mx_err *err)
{
	struct pollfd pfd;
	char *nl;
	ssize_t n;

	mx_buf_reset(line);
	for (;;) {
		nl = memchr(c->in, '\n', c->have);
		if (nl != NULL) {
			size_t len = (size_t)(nl - c->in);
			size_t keep = len;

			if (keep > 0 && c->in[keep - 1] == '\r')
				keep--;
			if (mx_buf_append(line, c->in, keep) == -1)
				return mx_err_set(err, MX_E_GENERIC, _("out of memory"));
			memmove(c->in, nl + 1, c->have - len - 1);
			c->have -= len + 1;
			return 0;
		}
		if (c->have == sizeof c->in)
			return mx_err_set(err, MX_E_PARSE,
			    _("%s: a line longer than %zu bytes"), c->where, sizeof c->in);
		pfd.fd = c->fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, c->timeout_ms) == 0)
			return mx_err_set(err, MX_E_NET, _("%s: no answer within %d ms"),
			    c->where, c->timeout_ms);
		n = read(c->fd, c->in + c->have, sizeof c->in - c->have);
		if (n == 0)
			return mx_err_set(err, MX_E_NET, _("%s: connection closed by the server"),
			    c->where);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return mx_err_errno(err, errno, "%s", c->where);
		}
		c->have += (size_t)n;
	}
}

static int
send_cmd(struct conn *c, const char *verb, const char *arg, struct mx_err *err)
{
	struct mx_buf b = MX_BUF_INIT;
	size_t off = 0;
	ssize_t n;
	struct pollfd pfd;

	if (mx_buf_printf(&b, arg ? "%s %s\r\n" : "%s\r\n", verb, arg) == -1)
		return mx_err_set(err, MX_E_GENERIC, _("out of memory"));
	while (off < b.len) {
		n = write(c->fd, b.data + off, b.len - off);
		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			pfd.fd = c->fd;
			pfd.events = POLLOUT;
			if (poll(&pfd, 1, c->timeout_ms) == 0) {
				mx_buf_free(&b);
				return mx_err_set(err, MX_E_NET, _("%s: send timed out"), c->where);
			}
			continue;
		}
		if (n < 0) {
			/* b may hold a password: wipe it before freeing. */
			memset(b.data, 0, b.len);
			mx_buf_free(&b);
			return mx_err_errno(err, errno, "%s", c->where);
		}
		off += (size_t)n;
	}
	memset(b.data, 0, b.len);
	mx_buf_free(&b);
	return 0;
}

/* Send a command and expect +OK; what follows "+OK " stays in line. */
static int
command(struct conn *c, const char *verb, const char *arg, const char *shown,
    struct mx_buf *line, struct mx_err *err)
{
	if (send_cmd(c, verb, arg, err) == -1 || read_line(c, line, err) == -1)
		return -1;
	if (strncmp(line->data, "+OK", 3) != 0)
		return mx_err_set(err, MX_E_REMOTE, _("%s: %s refused: %s"), c->where,
		    shown, line->data);
	return 0;
}

/* Read a multi-line answer of "N VALUE" lines; call each for every one. */
static int
multiline(struct conn *c, struct mx_buf *line, struct mx_uidl_list *out,
    int is_list, struct mx_err *err)
{
	size_t idx = 0;

	for (;;) {
		unsigned long num;
		char *end;

		if (read_line(c, line, err) == -1)
			return -1;
		if (strcmp(line->data, ".") == 0)
			return 0;
		num = strtoul(line->data, &end, 10);
		if (end == line->data || *end != ' ' || end[1] == '\0')
			return mx_err_set(err, MX_E_PARSE, _("%s: unexpected line '%s'"),
			    c->where, line->data);
		if (is_list) {
			if (idx >= out->n || num != idx + 1)
				return mx_err_set(err, MX_E_PARSE,
				    _("%s: LIST and UIDL disagree at message %lu"),
				    c->where, num);
			out->v[idx].size = strtoull(end + 1, NULL, 10);
		} else if (mx_uidl_add(out, end + 1, 0) == -1)
			return mx_err_set(err, MX_E_GENERIC, _("out of memory"));
		idx++;
	}
}

int
mx_pop3_uidl(const char *addr, int port, const char *user, const char *pass,
    int timeout_ms, struct mx_uidl_list *out, struct mx_err *err)
{
	struct mx_buf line = MX_BUF_INIT;
	char where[300];
	struct conn c;
	int rc = -1;

	memset(&c, 0, sizeof c);
	c.fd = -1;
	c.timeout_ms = timeout_ms > 0 ? timeout_ms : 10000;
	snprintf(where, sizeof where, "%s:%d", addr, port);
	c.where = where;
	if (dial(&c, addr, port, err) == -1)
		return -1;
	if (read_line(&c, &line, err) == -1)
		goto out;
	if (strncmp(line.data, "+OK", 3) != 0) {
		mx_err_set(err, MX_E_REMOTE, _("%s: not a POP3 greeting: %s"), where, line.data);
		goto out;
	}
	if (command(&c, "USER", user, "USER", &line, err) == -1 ||
	    command(&c, "PASS", pass, "PASS", &line, err) == -1) {
		if (err != NULL)
			err->code = MX_E_AUTH;
		goto out;
	}
	if (command(&c, "UIDL", NULL, "UIDL", &line, err) == -1 ||
	    multiline(&c, &line, out, 0, err) == -1 ||
	    command(&c, "LIST", NULL, "LIST", &line, err) == -1 ||
	    multiline(&c, &line, out, 1, err) == -1)
		goto out;
	/* No QUIT: a session closed without it never enters the UPDATE
	 * state, so the server changes nothing (qmail-pop3d would move the
	 * messages of new/ into cur/ on QUIT). */
	rc = 0;
out:
	mx_buf_free(&line);
	close(c.fd);
	return rc;
}
