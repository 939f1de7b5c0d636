/* probe.c - TCP probes with a non-blocking connect. See probe.h. */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "i18n.h"
#include "probe.h"

static double
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

const char *
mx_probe_status_name(enum mx_probe_status s)
{
	switch (s) {
	case MX_PROBE_OPEN: return "open";
	case MX_PROBE_REFUSED: return "refused";
	case MX_PROBE_TIMEOUT: return "timeout";
	case MX_PROBE_UNREACHABLE: return "unreachable";
	case MX_PROBE_ERROR: return "error";
	}
	return "error";
}

int
mx_probe_is_closed(const struct mx_probe_result *r)
{
	return r->status == MX_PROBE_REFUSED || r->status == MX_PROBE_TIMEOUT ||
	    r->status == MX_PROBE_UNREACHABLE;
}

int
mx_probe_greets_220(const struct mx_probe_result *r)
{
	return r->status == MX_PROBE_OPEN && strncmp(r->greeting, "220", 3) == 0 &&
	    (r->greeting[3] == ' ' || r->greeting[3] == '-' || r->greeting[3] == '\0');
}

int
mx_probe_parse(const char *spec, unsigned defport, char *addr,
    size_t addrsize, unsigned *port, struct mx_err *err)
{
	const char *h = spec, *colon = NULL;
	size_t hl;
	unsigned char tmp[16];
	char host[64], *end;
	unsigned long p = defport;

	if (spec[0] == '[') {
		const char *rb = strchr(spec, ']');

		if (rb == NULL)
			return mx_err_set(err, MX_E_USAGE, _("'%s': missing ']'"), spec);
		h = spec + 1;
		hl = (size_t)(rb - h);
		if (rb[1] == ':')
			colon = rb + 1;
		else if (rb[1] != '\0')
			return mx_err_set(err, MX_E_USAGE,
			    _("'%s': expected [ADDRESS]:PORT"), spec);
	} else {
		colon = strchr(spec, ':');
		if (colon != NULL && strchr(colon + 1, ':') != NULL)
			colon = NULL;	/* a bare IPv6 address */
		hl = colon ? (size_t)(colon - spec) : strlen(spec);
	}
	if (hl == 0 || hl >= sizeof(host) || hl >= addrsize)
		return mx_err_set(err, MX_E_USAGE,
		    _("'%s': expected ADDRESS[:PORT], e.g. 192.0.2.25:25"), spec);
	memcpy(host, h, hl);
	host[hl] = '\0';
	if (colon != NULL) {
		errno = 0;
		p = strtoul(colon + 1, &end, 10);
		if (colon[1] == '\0' || *end != '\0' || errno || p == 0 || p > 65535)
			return mx_err_set(err, MX_E_USAGE,
			    _("'%s': the port must be a number from 1 to 65535"), spec);
	}
	if (inet_pton(AF_INET, host, tmp) != 1 && inet_pton(AF_INET6, host, tmp) != 1)
		return mx_err_set(err, MX_E_USAGE,
		    _("'%s': not an IPv4 or IPv6 address"), spec);
	memcpy(addr, host, hl + 1);
	*port = (unsigned)p;
	return 0;
}

static void
set_errno_status(struct mx_probe_result *res, int e)
{
	switch (e) {
	case ECONNREFUSED:
		res->status = MX_PROBE_REFUSED;
		break;
	case ETIMEDOUT:
		res->status = MX_PROBE_TIMEOUT;
		break;
	case EHOSTUNREACH:
	case ENETUNREACH:
	case EACCES:
	case EPERM:
		res->status = MX_PROBE_UNREACHABLE;
		break;
	default:
		res->status = MX_PROBE_ERROR;
	}
	snprintf(res->error, sizeof(res->error), "%s", strerror(e));
}

/* Is the greeting complete? A line ending in LF that is not an SMTP
 * continuation ("220-..."). */
static int
greeting_done(const char *g, size_t len)
{
	const char *line = g, *nl;

	while ((nl = memchr(line, '\n', len - (size_t)(line - g))) != NULL) {
		if (!(nl - line >= 4 && line[3] == '-' &&
		    line[0] >= '0' && line[0] <= '9'))
			return 1;
		line = nl + 1;
	}
	return 0;
}

static void
read_greeting(int fd, int timeout_ms, struct mx_probe_result *res)
{
	char buf[sizeof(res->greeting)];
	size_t len = 0, i, o = 0;
	double deadline = mono_ms() + timeout_ms;

	while (len < sizeof(buf) - 1) {
		struct pollfd p = { fd, POLLIN, 0 };
		double left = deadline - mono_ms();
		ssize_t r;

		if (left <= 0 || poll(&p, 1, (int)left + 1) <= 0)
			break;
		r = recv(fd, buf + len, sizeof(buf) - 1 - len, 0);
		if (r <= 0)
			break;
		len += (size_t)r;
		buf[len] = '\0';
		if (greeting_done(buf, len))
			break;
	}
	/* CR/LF out; lines joined with " | " would hide nothing but keep one
	 * line: keep the text, LF becomes a space when not at the end */
	for (i = 0; i < len && o < sizeof(res->greeting) - 1; i++) {
		if (buf[i] == '\r')
			continue;
		if (buf[i] == '\n') {
			if (i + 1 < len && o < sizeof(res->greeting) - 1)
				res->greeting[o++] = ' ';
			continue;
		}
		res->greeting[o++] = (buf[i] >= 32 && buf[i] != 127) ? buf[i] : '?';
	}
	res->greeting[o] = '\0';
}

int
mx_probe_tcp(const char *addr, unsigned port, int timeout_ms,
    int read_greeting_too, struct mx_probe_result *res, struct mx_err *err)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd, e = 0;
	double t0;

	memset(res, 0, sizeof(*res));
	memset(&ss, 0, sizeof(ss));
	if (timeout_ms <= 0)
		timeout_ms = 5000;
	if (strchr(addr, ':') != NULL) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, addr, &a->sin6_addr) != 1)
			return mx_err_set(err, MX_E_USAGE, _("'%s': not an IPv6 address"), addr);
		sl = sizeof(*a);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;

		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, addr, &a->sin_addr) != 1)
			return mx_err_set(err, MX_E_USAGE, _("'%s': not an IPv4 address"), addr);
		sl = sizeof(*a);
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		set_errno_status(res, errno);
		return 0;
	}
	t0 = mono_ms();
	if (connect(fd, (struct sockaddr *)&ss, sl) < 0) {
		if (errno != EINPROGRESS) {
			set_errno_status(res, errno);
			close(fd);
			return 0;
		}
		for (;;) {
			struct pollfd p = { fd, POLLOUT, 0 };
			double left = t0 + timeout_ms - mono_ms();
			int r;

			if (left <= 0) {
				res->status = MX_PROBE_TIMEOUT;
				snprintf(res->error, sizeof(res->error),
				    _("no answer within %d ms (filtered?)"), timeout_ms);
				close(fd);
				return 0;
			}
			r = poll(&p, 1, (int)left + 1);
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0) {
				set_errno_status(res, errno);
				close(fd);
				return 0;
			}
			if (r > 0)
				break;
		}
		sl = sizeof(e);
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &sl) < 0)
			e = errno;
		if (e != 0) {
			set_errno_status(res, e);
			close(fd);
			return 0;
		}
	}
	res->connect_ms = mono_ms() - t0;
	res->status = MX_PROBE_OPEN;
	if (read_greeting_too)
		read_greeting(fd, timeout_ms, res);
	close(fd);
	return 0;
}
