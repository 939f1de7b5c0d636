/* dns.c - authoritative DNS: discovery, poll rounds, TTL arithmetic,
 * TSIG-signed RFC 2136 updates. The only module (with zonefile.c) that
 * calls ldns. See dns.h. */
#include <config.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <ldns/ldns.h>

#include "buf.h"
#include "dns.h"
#include "i18n.h"

const char *const mx_dns_default_names[] = { "mail", "smtp", "pop3", "imap" };
const size_t mx_dns_default_nnames = 4;

#define DEFAULT_TIMEOUT_MS 2000
#define MAX_QUERIES 64		/* per server and round */

/* ---------------------------------------------------------------- */
/* Small helpers */

static double
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static char *
xstrdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* "example.com" -> "example.com." (malloc'd, lower case). */
static char *
absname(const char *name)
{
	size_t len = strlen(name);
	char *s = malloc(len + 2);
	size_t i;

	if (s == NULL)
		return NULL;
	for (i = 0; i < len; i++)
		s[i] = (char)tolower((unsigned char)name[i]);
	if (len == 0 || s[len - 1] != '.')
		s[len++] = '.';
	s[len] = '\0';
	return s;
}

/* Is `name` (absolute) the zone or under it? */
static int
in_zone(const char *name, const char *zone)
{
	size_t ln = strlen(name), lz = strlen(zone);

	if (ln == lz)
		return strcasecmp(name, zone) == 0;
	if (strcmp(zone, ".") == 0)
		return 1;
	return ln > lz && name[ln - lz - 1] == '.' &&
	    strcasecmp(name + ln - lz, zone) == 0;
}

int
mx_dns_server_parse(const char *spec, struct mx_dns_server *out,
    struct mx_err *err)
{
	char host[MX_DNS_ADDR_MAX];
	const char *at, *h = spec;
	size_t hl;
	unsigned char tmp[sizeof(struct in6_addr)];
	char *end;
	unsigned long port = 53;

	memset(out, 0, sizeof(*out));
	at = strrchr(spec, '@');
	hl = at ? (size_t)(at - spec) : strlen(spec);
	if (hl >= 2 && spec[0] == '[' && spec[hl - 1] == ']') {
		h = spec + 1;
		hl -= 2;
	}
	if (hl == 0 || hl >= sizeof(host))
		return mx_err_set(err, MX_E_USAGE,
		    _("'%s': expected ADDR[@PORT], e.g. 192.0.2.53@53"), spec);
	memcpy(host, h, hl);
	host[hl] = '\0';
	if (at != NULL) {
		errno = 0;
		port = strtoul(at + 1, &end, 10);
		if (at[1] == '\0' || *end != '\0' || errno || port == 0 || port > 65535)
			return mx_err_set(err, MX_E_USAGE,
			    _("'%s': the port must be a number from 1 to 65535"), spec);
	}
	if (inet_pton(AF_INET, host, tmp) != 1 && inet_pton(AF_INET6, host, tmp) != 1)
		return mx_err_set(err, MX_E_USAGE,
		    _("'%s': not an IPv4 or IPv6 address (give the server's address)"),
		    spec);
	snprintf(out->addr, sizeof(out->addr), "%s", host);
	snprintf(out->name, sizeof(out->name), "%s", host);
	out->port = (unsigned)port;
	return 0;
}

static socklen_t
server_sockaddr(const struct mx_dns_server *s, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (strchr(s->addr, ':') != NULL) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)s->port);
		if (inet_pton(AF_INET6, s->addr, &a->sin6_addr) != 1)
			return 0;
		return sizeof(*a);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;

		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)s->port);
		if (inet_pton(AF_INET, s->addr, &a->sin_addr) != 1)
			return 0;
		return sizeof(*a);
	}
}

const char *
mx_dns_status_name(enum mx_dns_status s)
{
	switch (s) {
	case MX_DNS_PENDING: return "pending";
	case MX_DNS_OK: return "ok";
	case MX_DNS_TIMEOUT: return "timeout";
	case MX_DNS_UNREACHABLE: return "unreachable";
	case MX_DNS_REFUSED: return "refused";
	case MX_DNS_SERVFAIL: return "servfail";
	case MX_DNS_LAME: return "lame";
	case MX_DNS_ERROR: return "error";
	}
	return "error";
}

/* ---------------------------------------------------------------- */
/* Lines: dig-style records, in a canonical order so that two back-ends
 * (or two servers) giving the same records give the same lines. */

static int
type_rank(const char *line)
{
	/* owner \t ttl \t class \t type \t rdata */
	const char *p = line;
	int f;
	size_t l;

	for (f = 0; f < 3 && p != NULL; f++) {
		p = strchr(p, '\t');
		if (p != NULL)
			p++;
	}
	if (p == NULL)
		return 9;
	l = strcspn(p, "\t");
	if (l == 2 && strncmp(p, "MX", 2) == 0)
		return 0;
	if (l == 1 && strncmp(p, "A", 1) == 0)
		return 1;
	if (l == 4 && strncmp(p, "AAAA", 4) == 0)
		return 2;
	if (l == 3 && strncmp(p, "SOA", 3) == 0)
		return 4;
	return 3;
}

static int
line_cmp(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	int rx = type_rank(x), ry = type_rank(y);

	if (rx != ry)
		return rx - ry;
	return strcmp(x, y);
}

void
mx_dns_sort_lines(char **lines, size_t n)
{
	if (n > 1)
		qsort(lines, n, sizeof(*lines), line_cmp);
}

/* Append the records of `list` to the answer as lines; track max TTL. */
int
mx_dns_answer_add_rrs(struct mx_dns_answer *a, const ldns_rr_list *list)
{
	size_t i, cnt = list ? ldns_rr_list_rr_count(list) : 0;

	for (i = 0; i < cnt; i++) {
		ldns_rr *rr = ldns_rr_list_rr(list, i);
		char *s, **nl;
		size_t l;
		ldns_rr_type t = ldns_rr_get_type(rr);

		if (t == LDNS_RR_TYPE_RRSIG)
			continue;
		s = ldns_rr2str(rr);
		if (s == NULL)
			return -1;
		l = strlen(s);
		while (l > 0 && (s[l - 1] == '\n' || s[l - 1] == ' '))
			s[--l] = '\0';
		/* duplicates (the same RR asked twice) are dropped */
		{
			size_t j;
			int dup = 0;

			for (j = 0; j < a->nlines; j++)
				if (strcmp(a->lines[j], s) == 0)
					dup = 1;
			if (dup) {
				free(s);
				continue;
			}
		}
		nl = realloc(a->lines, (a->nlines + 1) * sizeof(*nl));
		if (nl == NULL) {
			free(s);
			return -1;
		}
		a->lines = nl;
		a->lines[a->nlines++] = s;
		if (t == LDNS_RR_TYPE_SOA) {
			ldns_rdf *sr = ldns_rr_rdf(rr, 2);

			if (sr != NULL) {
				a->serial = ldns_rdf2native_int32(sr);
				a->has_serial = 1;
			}
		} else if (t == LDNS_RR_TYPE_MX || t == LDNS_RR_TYPE_A ||
		    t == LDNS_RR_TYPE_AAAA) {
			if (ldns_rr_ttl(rr) > a->max_ttl)
				a->max_ttl = ldns_rr_ttl(rr);
		}
	}
	return 0;
}

void
mx_dns_answer_free(struct mx_dns_answer *a)
{
	size_t i;

	for (i = 0; i < a->nlines; i++)
		free(a->lines[i]);
	free(a->lines);
	free(a->content);
	a->lines = NULL;
	a->nlines = 0;
	a->content = NULL;
}

void
mx_dns_round_free(struct mx_dns_round *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		mx_dns_answer_free(&r->answers[i]);
	free(r->answers);
	r->answers = NULL;
	r->n = 0;
}

/* ---------------------------------------------------------------- */
/* The round: every query to every server at once, on non-blocking UDP. */

struct query {
	char *name;		/* absolute */
	ldns_rr_type type;
	uint16_t id;
	int done;
	int tries;
	ldns_pkt *reply;
	uint8_t *wire;		/* the query on the wire, with its own id */
	size_t len;
	double replied_ms;
};

/* Query packets built once per round and copied to each server with its
 * own id (the same questions go to every server). */
struct wire_cache {
	struct {
		char *name;
		ldns_rr_type type;
		uint8_t *wire;
		size_t len;
	} e[MAX_QUERIES];
	size_t n;
};

static int
wire_for(struct wire_cache *wc, const char *name, ldns_rr_type type,
    const uint8_t **wire, size_t *len)
{
	ldns_rdf *dn;
	ldns_pkt *p;
	uint8_t *w = NULL;
	size_t i, l = 0;

	for (i = 0; i < wc->n; i++)
		if (wc->e[i].type == type && strcmp(wc->e[i].name, name) == 0) {
			*wire = wc->e[i].wire;
			*len = wc->e[i].len;
			return 0;
		}
	if (wc->n >= MAX_QUERIES || (dn = ldns_dname_new_frm_str(name)) == NULL)
		return -1;
	p = ldns_pkt_query_new(dn, type, LDNS_RR_CLASS_IN, 0);
	if (p == NULL)
		return -1;
	ldns_pkt_set_rd(p, false);
	if (ldns_pkt2wire(&w, p, &l) != LDNS_STATUS_OK || l < 12) {
		free(w);
		ldns_pkt_free(p);
		return -1;
	}
	ldns_pkt_free(p);
	wc->e[wc->n].name = strdup(name);
	if (wc->e[wc->n].name == NULL) {
		free(w);
		return -1;
	}
	wc->e[wc->n].type = type;
	wc->e[wc->n].wire = w;
	wc->e[wc->n].len = l;
	wc->n++;
	*wire = w;
	*len = l;
	return 0;
}

static void
wire_cache_free(struct wire_cache *wc)
{
	size_t i;

	for (i = 0; i < wc->n; i++) {
		free(wc->e[i].name);
		free(wc->e[i].wire);
	}
	wc->n = 0;
}

struct srv_state {
	struct mx_dns_answer *ans;
	struct wire_cache *wc;
	double t0;
	int timeout_ms;
	int fd;
	struct query q[MAX_QUERIES];
	size_t nq;
	int got_any;
	int failed;		/* a socket error: no more queries */
	int targets_added;
};

static int
srv_add_query(struct srv_state *s, const char *name, ldns_rr_type type)
{
	size_t i;

	for (i = 0; i < s->nq; i++)
		if (s->q[i].type == type && strcasecmp(s->q[i].name, name) == 0)
			return 0;
	if (s->nq >= MAX_QUERIES)
		return 0;
	{
		struct query *q = &s->q[s->nq];
		const uint8_t *w;
		size_t l;

		memset(q, 0, sizeof(*q));
		if (wire_for(s->wc, name, type, &w, &l) < 0 ||
		    (q->wire = malloc(l)) == NULL)
			return -1;
		q->name = xstrdup(name);
		if (q->name == NULL) {
			free(q->wire);
			return -1;
		}
		memcpy(q->wire, w, l);
		q->len = l;
		q->type = type;
		q->id = (uint16_t)ldns_get_random();
		q->wire[0] = (uint8_t)(q->id >> 8);
		q->wire[1] = (uint8_t)(q->id & 0xff);
	}
	s->nq++;
	return 0;
}

static void
srv_fail(struct srv_state *s, enum mx_dns_status st, const char *msg)
{
	if (s->ans->status == MX_DNS_PENDING || s->ans->status == MX_DNS_OK) {
		s->ans->status = st;
		snprintf(s->ans->error, sizeof(s->ans->error), "%s", msg);
	}
	s->failed = 1;
}

static void
srv_send_error(struct srv_state *s, int e)
{
	if (e == ECONNREFUSED)
		srv_fail(s, MX_DNS_UNREACHABLE, _("nothing listens there (port unreachable)"));
	else if (e != EAGAIN && e != EWOULDBLOCK && e != EINTR)
		srv_fail(s, MX_DNS_ERROR, strerror(e));
}

static void
srv_send(struct srv_state *s, struct query *q)
{
	if (send(s->fd, q->wire, q->len, 0) < 0)
		srv_send_error(s, errno);
	q->tries++;
}

/* Send every query not sent yet in one system call. */
static void
srv_send_new(struct srv_state *s)
{
	struct mmsghdr m[MAX_QUERIES];
	struct iovec iov[MAX_QUERIES];
	struct query *qs[MAX_QUERIES];
	unsigned n = 0, off = 0;
	size_t k;
	int r;

	if (s->fd < 0 || s->failed)
		return;
	memset(m, 0, sizeof(m));
	for (k = 0; k < s->nq; k++) {
		if (s->q[k].tries != 0 || s->q[k].done)
			continue;
		iov[n].iov_base = s->q[k].wire;
		iov[n].iov_len = s->q[k].len;
		m[n].msg_hdr.msg_iov = &iov[n];
		m[n].msg_hdr.msg_iovlen = 1;
		qs[n] = &s->q[k];
		n++;
	}
	while (off < n) {
		r = sendmmsg(s->fd, m + off, n - off, 0);
		if (r <= 0) {
			srv_send_error(s, r < 0 ? errno : EIO);
			break;
		}
		off += (unsigned)r;
	}
	for (k = 0; k < n; k++)
		qs[k]->tries++;
}

/* A reply arrived on s->fd: match it to its query. */
static void
srv_receive(struct srv_state *s, const char *zone)
{
	uint8_t buf[65535];
	ssize_t r;
	ldns_pkt *p = NULL;
	size_t i;

	for (;;) {
		r = recv(s->fd, buf, sizeof(buf), 0);
		if (r < 0) {
			if (errno == ECONNREFUSED)
				srv_fail(s, MX_DNS_UNREACHABLE,
				    _("nothing listens there (port unreachable)"));
			else if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR)
				srv_fail(s, MX_DNS_ERROR, strerror(errno));
			return;
		}
		if (ldns_wire2pkt(&p, buf, (size_t)r) != LDNS_STATUS_OK)
			continue;	/* garbage: ignore */
		for (i = 0; i < s->nq; i++) {
			struct query *q = &s->q[i];
			ldns_rr *qq;
			char *qn;
			int match;

			if (q->done || q->id != ldns_pkt_id(p) || !ldns_pkt_qr(p))
				continue;
			qq = ldns_rr_list_rr(ldns_pkt_question(p), 0);
			if (qq == NULL || ldns_rr_get_type(qq) != q->type)
				continue;
			qn = ldns_rdf2str(ldns_rr_owner(qq));
			match = qn != NULL && strcasecmp(qn, q->name) == 0;
			free(qn);
			if (!match)
				continue;
			q->done = 1;
			q->replied_ms = mono_ms() - s->t0;
			q->reply = p;
			p = NULL;
			s->got_any = 1;
			clock_gettime(CLOCK_REALTIME, &s->ans->answered_at);
			/* MX answered: ask for its in-zone targets too */
			if (q->type == LDNS_RR_TYPE_MX) {
				ldns_rr_list *an = ldns_pkt_answer(q->reply);
				size_t k;

				for (k = 0; an && k < ldns_rr_list_rr_count(an); k++) {
					ldns_rr *rr = ldns_rr_list_rr(an, k);
					char *t;

					if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_MX ||
					    ldns_rr_rd_count(rr) < 2)
						continue;
					t = ldns_rdf2str(ldns_rr_rdf(rr, 1));
					if (t != NULL && in_zone(t, zone)) {
						srv_add_query(s, t, LDNS_RR_TYPE_A);
						srv_add_query(s, t, LDNS_RR_TYPE_AAAA);
					}
					free(t);
				}
				srv_send_new(s);
			}
			break;
		}
		if (p != NULL) {
			ldns_pkt_free(p);
			p = NULL;
		}
	}
}

/* After the round: the status and the lines from the replies. */
/* A truncated UDP answer: ask again over TCP (blocking, bounded). */
static void
srv_tcp_retry(struct srv_state *s, struct query *q)
{
	struct sockaddr_storage ss;
	socklen_t sl = server_sockaddr(&s->ans->server, &ss);
	ldns_buffer *b = ldns_buffer_new(q->len);
	uint8_t *wire = NULL;
	size_t len = 0;
	ldns_pkt *p = NULL;
	struct timeval tv;

	if (b == NULL || sl == 0) {
		if (b)
			ldns_buffer_free(b);
		return;
	}
	ldns_buffer_write(b, q->wire, q->len);
	tv.tv_sec = s->timeout_ms / 1000;
	tv.tv_usec = (s->timeout_ms % 1000) * 1000;
	if (ldns_tcp_send(&wire, b, &ss, sl, tv, &len) == LDNS_STATUS_OK && wire != NULL &&
	    ldns_wire2pkt(&p, wire, len) == LDNS_STATUS_OK) {
		if (ldns_pkt_id(p) == q->id) {
			ldns_pkt_free(q->reply);
			q->reply = p;
			q->replied_ms = mono_ms() - s->t0;
		} else
			ldns_pkt_free(p);
	}
	free(wire);
	ldns_buffer_free(b);
}

static void
srv_conclude(struct srv_state *s, const char *zone)
{
	struct mx_dns_answer *a = s->ans;
	size_t i, missing = 0;
	char *rc;

	for (i = 0; i < s->nq; i++)
		if (s->q[i].reply != NULL && ldns_pkt_tc(s->q[i].reply))
			srv_tcp_retry(s, &s->q[i]);

	for (i = 0; i < s->nq; i++)
		if (!s->q[i].done)
			missing++;
	if (a->status == MX_DNS_PENDING && !s->got_any) {
		a->status = MX_DNS_TIMEOUT;
		snprintf(a->error, sizeof(a->error), "%s",
		    _("no answer before the deadline"));
	}
	if (a->status != MX_DNS_PENDING)
		return;
	for (i = 0; i < s->nq; i++) {
		ldns_pkt *p = s->q[i].reply;
		ldns_pkt_rcode code;

		if (p == NULL)
			continue;
		code = ldns_pkt_get_rcode(p);
		if (code == LDNS_RCODE_REFUSED) {
			a->status = MX_DNS_REFUSED;
			snprintf(a->error, sizeof(a->error), _("refuses to answer for %s"), zone);
			return;
		}
		if (code == LDNS_RCODE_SERVFAIL) {
			a->status = MX_DNS_SERVFAIL;
			snprintf(a->error, sizeof(a->error), _("SERVFAIL for %s"),
			    s->q[i].name);
			return;
		}
		if (code == LDNS_RCODE_NOTAUTH ||
		    ((code == LDNS_RCODE_NOERROR || code == LDNS_RCODE_NXDOMAIN) &&
		    !ldns_pkt_aa(p))) {
			a->status = MX_DNS_LAME;
			snprintf(a->error, sizeof(a->error),
			    _("answers without authority for %s (lame delegation)"), zone);
			return;
		}
		if (code != LDNS_RCODE_NOERROR && code != LDNS_RCODE_NXDOMAIN) {
			rc = ldns_pkt_rcode2str(code);
			a->status = MX_DNS_ERROR;
			snprintf(a->error, sizeof(a->error), _("answered %s"),
			    rc ? rc : "?");
			free(rc);
			return;
		}
	}
	if (missing > 0) {
		a->status = MX_DNS_TIMEOUT;
		snprintf(a->error, sizeof(a->error),
		    _("%zu of %zu queries unanswered before the deadline"),
		    missing, s->nq);
		return;
	}
	for (i = 0; i < s->nq; i++) {
		ldns_rr_list *an = ldns_pkt_answer(s->q[i].reply);
		ldns_rr_list *sel = ldns_rr_list_new();
		size_t k;

		if (sel == NULL)
			break;
		/* only the records asked for (no CNAME chase, no extras) */
		for (k = 0; an && k < ldns_rr_list_rr_count(an); k++) {
			ldns_rr *rr = ldns_rr_list_rr(an, k);

			if (ldns_rr_get_type(rr) == s->q[i].type)
				ldns_rr_list_push_rr(sel, rr);
		}
		mx_dns_answer_add_rrs(a, sel);
		ldns_rr_list_free(sel);	/* the RRs belong to the packet */
	}
	mx_dns_sort_lines(a->lines, a->nlines);
	a->status = MX_DNS_OK;
	a->rtt_ms = 0;
	for (i = 0; i < s->nq; i++)
		if (s->q[i].replied_ms > a->rtt_ms)
			a->rtt_ms = s->q[i].replied_ms;
}

static char *
join_lines(char **lines, size_t n)
{
	struct mx_buf b = MX_BUF_INIT;
	size_t i;

	for (i = 0; i < n; i++)
		if (mx_buf_puts(&b, lines[i]) < 0 || mx_buf_puts(&b, "\n") < 0) {
			mx_buf_free(&b);
			return NULL;
		}
	return mx_buf_steal(&b);
}

void
mx_dns_round_finish(struct mx_dns_round *r, const struct mx_dns_round *prev)
{
	time_t now = r->started.tv_sec;
	const char *first = NULL;
	size_t i, j;

	r->all_ok = r->n > 0;
	r->agree = r->n > 0;
	r->all_seen = 0;
	r->old_ttl = 0;
	r->safe_at = 0;
	for (i = 0; i < r->n; i++) {
		struct mx_dns_answer *a = &r->answers[i];
		const struct mx_dns_answer *pa = NULL;

		for (j = 0; prev != NULL && j < prev->n; j++)
			if (strcmp(prev->answers[j].server.addr, a->server.addr) == 0 &&
			    prev->answers[j].server.port == a->server.port)
				pa = &prev->answers[j];
		free(a->content);
		a->content = NULL;
		if (a->status == MX_DNS_OK) {
			a->content = join_lines(a->lines, a->nlines);
			if (pa == NULL || pa->content == NULL) {
				a->first_seen = now;
				a->changed_at = pa ? pa->changed_at : 0;
				a->prev_max_ttl = pa ? pa->prev_max_ttl : 0;
			} else if (a->content && strcmp(pa->content, a->content) == 0) {
				a->first_seen = pa->first_seen;
				a->changed_at = pa->changed_at;
				a->prev_max_ttl = pa->prev_max_ttl;
			} else {
				a->first_seen = now;
				a->changed_at = now;
				a->prev_max_ttl = pa->max_ttl;
			}
		} else if (pa != NULL) {
			/* a failed round keeps what the server said last */
			a->content = xstrdup(pa->content);
			a->first_seen = pa->first_seen;
			a->changed_at = pa->changed_at;
			a->prev_max_ttl = pa->prev_max_ttl;
			if (a->max_ttl == 0)
				a->max_ttl = pa->max_ttl;
		}
		if (a->status != MX_DNS_OK) {
			r->all_ok = 0;
			r->agree = 0;
			continue;
		}
		if (first == NULL)
			first = a->content ? a->content : "";
		else if (a->content == NULL || strcmp(first, a->content) != 0)
			r->agree = 0;
	}
	if (!r->agree)
		return;
	/* Every server gives the same content: when did the last one start? */
	for (i = 0; i < r->n; i++) {
		struct mx_dns_answer *a = &r->answers[i];

		if (a->changed_at == 0)
			continue;
		if (a->first_seen > r->all_seen)
			r->all_seen = a->first_seen;
		if (a->prev_max_ttl > r->old_ttl)
			r->old_ttl = a->prev_max_ttl;
	}
	if (r->all_seen != 0)
		r->safe_at = mx_dns_safe_at(r->all_seen, r->old_ttl);
}

int
mx_dns_round_run(const struct mx_dns_query_cfg *cfg,
    const struct mx_dns_server *servers, size_t n,
    const struct mx_dns_round *prev, struct mx_dns_round *out,
    struct mx_err *err)
{
	const char *const *names = cfg->names ? cfg->names : mx_dns_default_names;
	size_t nnames = cfg->names ? cfg->nnames : mx_dns_default_nnames;
	int timeout = cfg->timeout_ms > 0 ? cfg->timeout_ms : DEFAULT_TIMEOUT_MS;
	struct srv_state *st = NULL;
	struct pollfd *pfd = NULL;
	struct wire_cache wc;
	char *zone;
	double t0, deadline, next_retry;
	size_t i, k;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	wc.n = 0;
	zone = absname(cfg->zone);
	if (zone == NULL)
		return mx_err_set(err, MX_E_GENERIC, _("out of memory"));
	{
		ldns_rdf *z = ldns_dname_new_frm_str(zone);

		if (z == NULL) {
			mx_err_set(err, MX_E_USAGE, _("'%s': not a valid zone name"), cfg->zone);
			free(zone);
			return -1;
		}
		ldns_rdf_deep_free(z);
	}
	clock_gettime(CLOCK_REALTIME, &out->started);
	out->answers = calloc(n ? n : 1, sizeof(*out->answers));
	st = calloc(n ? n : 1, sizeof(*st));
	pfd = calloc(n ? n : 1, sizeof(*pfd));
	if (out->answers == NULL || st == NULL || pfd == NULL) {
		mx_err_set(err, MX_E_GENERIC, _("out of memory"));
		goto done;
	}
	out->n = n;
	t0 = mono_ms();
	deadline = t0 + timeout;
	for (i = 0; i < n; i++) {
		struct sockaddr_storage ss;
		socklen_t sl;
		char nm[300];

		st[i].ans = &out->answers[i];
		st[i].wc = &wc;
		st[i].t0 = t0;
		st[i].timeout_ms = timeout;
		st[i].ans->server = servers[i];
		st[i].fd = -1;
		sl = server_sockaddr(&servers[i], &ss);
		if (sl == 0) {
			srv_fail(&st[i], MX_DNS_ERROR, _("not an address"));
			continue;
		}
		st[i].fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (st[i].fd < 0 || connect(st[i].fd, (struct sockaddr *)&ss, sl) < 0) {
			srv_fail(&st[i], MX_DNS_UNREACHABLE, strerror(errno));
			continue;
		}
		srv_add_query(&st[i], zone, LDNS_RR_TYPE_MX);
		srv_add_query(&st[i], zone, LDNS_RR_TYPE_SOA);
		for (k = 0; k < nnames; k++) {
			snprintf(nm, sizeof(nm), "%s.%s", names[k], zone);
			srv_add_query(&st[i], nm, LDNS_RR_TYPE_A);
			srv_add_query(&st[i], nm, LDNS_RR_TYPE_AAAA);
		}
		srv_send_new(&st[i]);
	}
	/* Resend what is unanswered at a third of the deadline (UDP loss). */
	next_retry = t0 + timeout / 3.0;
	for (;;) {
		double now = mono_ms();
		size_t np = 0, pending = 0;
		int wait;

		for (i = 0; i < n; i++) {
			int open = 0;

			if (st[i].fd < 0 || st[i].failed)
				continue;
			for (k = 0; k < st[i].nq; k++)
				if (!st[i].q[k].done)
					open = 1;
			if (!open)
				continue;
			pending++;
			pfd[np].fd = st[i].fd;
			pfd[np].events = POLLIN;
			pfd[np].revents = 0;
			np++;
		}
		if (pending == 0 || now >= deadline)
			break;
		if (now >= next_retry) {
			for (i = 0; i < n; i++)
				for (k = 0; k < st[i].nq && st[i].fd >= 0 && !st[i].failed; k++)
					if (!st[i].q[k].done && st[i].q[k].tries < 3)
						srv_send(&st[i], &st[i].q[k]);
			next_retry += timeout / 3.0;
		}
		wait = (int)((next_retry < deadline ? next_retry : deadline) - now) + 1;
		if (poll(pfd, np, wait) < 0 && errno != EINTR) {
			mx_err_errno(err, errno, "poll");
			goto done;
		}
		for (i = 0; i < np; i++) {
			if (pfd[i].revents == 0)
				continue;
			for (k = 0; k < n; k++)
				if (st[k].fd == pfd[i].fd)
					srv_receive(&st[k], zone);
		}
	}
	out->elapsed_ms = mono_ms() - t0;
	for (i = 0; i < n; i++)
		srv_conclude(&st[i], zone);
	mx_dns_round_finish(out, prev);
	rc = 0;
done:
	for (i = 0; st != NULL && i < n; i++) {
		if (st[i].fd >= 0)
			close(st[i].fd);
		for (k = 0; k < st[i].nq; k++) {
			free(st[i].q[k].name);
			free(st[i].q[k].wire);
			if (st[i].q[k].reply)
				ldns_pkt_free(st[i].q[k].reply);
		}
	}
	free(st);
	free(pfd);
	free(zone);
	wire_cache_free(&wc);
	if (rc < 0)
		mx_dns_round_free(out);
	return rc;
}

/* ---------------------------------------------------------------- */
/* Discovery */

static ldns_resolver *
resolver_for(const struct mx_dns_server *s, int timeout_ms, int recursive,
    struct mx_err *err)
{
	ldns_resolver *res;
	struct timeval tv;

	if (s == NULL) {
		if (ldns_resolver_new_frm_file(&res, NULL) != LDNS_STATUS_OK) {
			mx_err_set(err, MX_E_NET,
			    _("no system resolver (/etc/resolv.conf): give --resolver ADDR or --server ADDR"));
			return NULL;
		}
	} else {
		ldns_rdf *a;

		res = ldns_resolver_new();
		if (res == NULL) {
			mx_err_set(err, MX_E_GENERIC, _("out of memory"));
			return NULL;
		}
		a = ldns_rdf_new_frm_str(strchr(s->addr, ':') ? LDNS_RDF_TYPE_AAAA :
		    LDNS_RDF_TYPE_A, s->addr);
		if (a == NULL || ldns_resolver_push_nameserver(res, a) != LDNS_STATUS_OK) {
			ldns_rdf_deep_free(a);
			ldns_resolver_deep_free(res);
			mx_err_set(err, MX_E_USAGE, _("'%s': not an address"), s->addr);
			return NULL;
		}
		ldns_rdf_deep_free(a);
		ldns_resolver_set_port(res, (uint16_t)s->port);
	}
	ldns_resolver_set_recursive(res, recursive);
	ldns_resolver_set_retry(res, 1);
	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (timeout_ms % 1000) * 1000;
	ldns_resolver_set_timeout(res, tv);
	return res;
}

static int
add_server(struct mx_dns_server **out, size_t *n, const char *name,
    const char *addr)
{
	struct mx_dns_server *ns;
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp((*out)[i].addr, addr) == 0)
			return 0;
	ns = realloc(*out, (*n + 1) * sizeof(*ns));
	if (ns == NULL)
		return -1;
	*out = ns;
	memset(&ns[*n], 0, sizeof(ns[*n]));
	snprintf(ns[*n].name, sizeof(ns[*n].name), "%s", name);
	snprintf(ns[*n].addr, sizeof(ns[*n].addr), "%s", addr);
	ns[*n].port = 53;
	(*n)++;
	return 0;
}

/* Addresses of `nsname` found in `list` (glue); returns how many. */
static int
addrs_from(const ldns_rr_list *list, const char *nsname,
    struct mx_dns_server **out, size_t *n)
{
	size_t i;
	int found = 0;

	for (i = 0; list && i < ldns_rr_list_rr_count(list); i++) {
		ldns_rr *rr = ldns_rr_list_rr(list, i);
		ldns_rr_type t = ldns_rr_get_type(rr);
		char *own, *ad;

		if (t != LDNS_RR_TYPE_A && t != LDNS_RR_TYPE_AAAA)
			continue;
		own = ldns_rdf2str(ldns_rr_owner(rr));
		if (own != NULL && strcasecmp(own, nsname) == 0 &&
		    (ad = ldns_rdf2str(ldns_rr_rdf(rr, 0))) != NULL) {
			if (add_server(out, n, nsname, ad) == 0)
				found++;
			free(ad);
		}
		free(own);
	}
	return found;
}

int
mx_dns_discover(const char *zone, const struct mx_dns_server *resolver,
    int timeout_ms, struct mx_dns_server **out, size_t *n, struct mx_err *err)
{
	ldns_resolver *res;
	ldns_rdf *zn = NULL;
	ldns_pkt *p = NULL;
	ldns_rr_list *ns = NULL;
	ldns_status s;
	char *zabs;
	size_t i;
	int rc = -1;

	*out = NULL;
	*n = 0;
	if (timeout_ms <= 0)
		timeout_ms = DEFAULT_TIMEOUT_MS;
	zabs = absname(zone);
	if (zabs == NULL || (zn = ldns_dname_new_frm_str(zabs)) == NULL) {
		free(zabs);
		return mx_err_set(err, MX_E_USAGE, _("'%s': not a valid zone name"), zone);
	}
	res = resolver_for(resolver, timeout_ms, 1, err);
	if (res == NULL)
		goto done;
	s = ldns_resolver_query_status(&p, res, zn, LDNS_RR_TYPE_NS, LDNS_RR_CLASS_IN,
	    LDNS_RD);
	if (s != LDNS_STATUS_OK || p == NULL) {
		mx_err_set(err, MX_E_NET, _("%s: no answer to the NS query (%s)"),
		    zone, ldns_get_errorstr_by_id(s));
		goto done;
	}
	if (ldns_pkt_get_rcode(p) != LDNS_RCODE_NOERROR) {
		char *rcs = ldns_pkt_rcode2str(ldns_pkt_get_rcode(p));

		mx_err_set(err, MX_E_NOTFOUND, _("%s: the NS query answered %s"),
		    zone, rcs ? rcs : "?");
		free(rcs);
		goto done;
	}
	ns = ldns_pkt_rr_list_by_type(p, LDNS_RR_TYPE_NS, LDNS_SECTION_ANSWER);
	if (ns == NULL || ldns_rr_list_rr_count(ns) == 0) {
		mx_err_set(err, MX_E_NOTFOUND, _("%s: no NS records (is it a zone?)"), zone);
		goto done;
	}
	ldns_rr_list_sort(ns);
	for (i = 0; i < ldns_rr_list_rr_count(ns); i++) {
		ldns_rr *rr = ldns_rr_list_rr(ns, i);
		char *nsname = ldns_rdf2str(ldns_rr_rdf(rr, 0));
		int found;
		ldns_rr_type types[2] = { LDNS_RR_TYPE_A, LDNS_RR_TYPE_AAAA };
		int t;

		if (nsname == NULL)
			continue;
		found = addrs_from(ldns_pkt_additional(p), nsname, out, n);
		for (t = 0; t < 2 && found == 0; t++) {
			ldns_pkt *ap = NULL;
			ldns_rdf *dn = ldns_dname_new_frm_str(nsname);

			if (dn != NULL && ldns_resolver_query_status(&ap, res, dn, types[t],
			    LDNS_RR_CLASS_IN, LDNS_RD) == LDNS_STATUS_OK && ap != NULL)
				addrs_from(ldns_pkt_answer(ap), nsname, out, n);
			ldns_rdf_deep_free(dn);
			if (ap != NULL)
				ldns_pkt_free(ap);
		}
		free(nsname);
	}
	if (*n == 0) {
		mx_err_set(err, MX_E_NOTFOUND,
		    _("%s: the NS names have no addresses the resolver knows"), zone);
		goto done;
	}
	rc = 0;
done:
	if (rc < 0) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	if (ns)
		ldns_rr_list_deep_free(ns);
	if (p)
		ldns_pkt_free(p);
	if (res)
		ldns_resolver_deep_free(res);
	ldns_rdf_deep_free(zn);
	free(zabs);
	return rc;
}

/* ---------------------------------------------------------------- */
/* TTL arithmetic */

time_t
mx_dns_safe_at(time_t all_seen, uint32_t old_ttl)
{
	return all_seen + (time_t)old_ttl;
}

long
mx_dns_countdown(time_t safe_at, time_t now)
{
	return safe_at > now ? (long)(safe_at - now) : 0;
}

const char *
mx_dns_fmt_duration(long secs, char *buf, size_t size)
{
	long d, h, m, s;

	if (secs < 0)
		secs = 0;
	d = secs / 86400;
	h = secs / 3600 % 24;
	m = secs / 60 % 60;
	s = secs % 60;
	if (d > 0)
		snprintf(buf, size, "%ldd%02ldh%02ldm%02lds", d, h, m, s);
	else if (h > 0)
		snprintf(buf, size, "%ldh%02ldm%02lds", h, m, s);
	else if (m > 0)
		snprintf(buf, size, "%ldm%02lds", m, s);
	else
		snprintf(buf, size, "%lds", s);
	return buf;
}

/* ---------------------------------------------------------------- */
/* TSIG keys */

static int
key_set(struct mx_dns_key *key, const char *alg, const char *name,
    const char *secret, const char *where, struct mx_err *err)
{
	size_t l;

	memset(key, 0, sizeof(*key));
	if (name[0] == '\0' || secret[0] == '\0')
		return mx_err_set(err, MX_E_PARSE, _("%s: the key needs a name and a secret"), where);
	if (strlen(name) >= sizeof(key->name) - 1 || strlen(secret) >= sizeof(key->secret))
		return mx_err_set(err, MX_E_PARSE, _("%s: the key's name or secret is too long"), where);
	snprintf(key->name, sizeof(key->name), "%s", name);
	l = strlen(key->name);
	if (key->name[l - 1] != '.')
		key->name[l] = '.';
	snprintf(key->secret, sizeof(key->secret), "%s", secret);
	if (alg == NULL || alg[0] == '\0')
		alg = "hmac-sha256";
	if (strcasecmp(alg, "hmac-sha256") != 0 && strcasecmp(alg, "hmac-sha256.") != 0 &&
	    strcasecmp(alg, "hmac-sha512") != 0 && strcasecmp(alg, "hmac-sha512.") != 0 &&
	    strcasecmp(alg, "hmac-sha1") != 0 && strcasecmp(alg, "hmac-sha1.") != 0)
		return mx_err_set(err, MX_E_PARSE,
		    _("%s: algorithm '%s' is not supported (use hmac-sha256)"), where, alg);
	snprintf(key->algorithm, sizeof(key->algorithm), "%s", alg);
	l = strlen(key->algorithm);
	if (key->algorithm[l - 1] != '.')
		key->algorithm[l] = '.';
	for (l = 0; key->algorithm[l]; l++)
		key->algorithm[l] = (char)tolower((unsigned char)key->algorithm[l]);
	{
		/* the secret must be base64 */
		size_t n = strlen(key->secret);

		if (n % 4 != 0 || strspn(key->secret, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "abcdefghijklmnopqrstuvwxyz0123456789+/=") != n)
			return mx_err_set(err, MX_E_PARSE,
			    _("%s: the secret is not base64"), where);
	}
	return 0;
}

/* NAME:SECRET or ALG:NAME:SECRET */
static int
key_from_pair(const char *s, struct mx_dns_key *key, const char *where,
    struct mx_err *err)
{
	char tmp[600], *c1, *c2;

	snprintf(tmp, sizeof(tmp), "%s", s);
	tmp[strcspn(tmp, "\r\n")] = '\0';
	c1 = strchr(tmp, ':');
	if (c1 == NULL)
		return mx_err_set(err, MX_E_PARSE,
		    _("%s: expected BIND's key format or NAME:SECRET"), where);
	*c1++ = '\0';
	c2 = strchr(c1, ':');
	if (c2 != NULL) {
		*c2++ = '\0';
		return key_set(key, tmp, c1, c2, where, err);
	}
	return key_set(key, NULL, tmp, c1, where, err);
}

/* The value after `word` in BIND's syntax: a quoted string or a token. */
static int
bind_value(const char *text, const char *word, char *out, size_t size)
{
	const char *p = text;
	size_t wl = strlen(word), l;

	while ((p = strstr(p, word)) != NULL) {
		if ((p == text || isspace((unsigned char)p[-1]) || p[-1] == '{' ||
		    p[-1] == ';') && (isspace((unsigned char)p[wl]) || p[wl] == '"'))
			break;
		p += wl;
	}
	if (p == NULL)
		return -1;
	p += wl;
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '"') {
		p++;
		l = strcspn(p, "\"");
		if (p[l] != '"')
			return -1;
	} else
		l = strcspn(p, "; \t\r\n{}");
	if (l == 0 || l >= size)
		return -1;
	memcpy(out, p, l);
	out[l] = '\0';
	return 0;
}

int
mx_dns_key_load(const char *spec, struct mx_dns_key *key, struct mx_err *err)
{
	FILE *fp = fopen(spec, "r");
	char text[4096], name[256], alg[64], secret[256];
	size_t len;

	if (fp == NULL) {
		if (errno == ENOENT && strchr(spec, ':') != NULL && strchr(spec, '/') == NULL)
			return key_from_pair(spec, key, _("the key given"), err);
		return mx_err_errno(err, errno, "%s", spec);
	}
	len = fread(text, 1, sizeof(text) - 1, fp);
	text[len] = '\0';
	fclose(fp);
	if (strstr(text, "key") != NULL && strchr(text, '{') != NULL) {
		if (bind_value(text, "key", name, sizeof(name)) < 0)
			return mx_err_set(err, MX_E_PARSE, _("%s: no key name after 'key'"), spec);
		if (bind_value(text, "secret", secret, sizeof(secret)) < 0)
			return mx_err_set(err, MX_E_PARSE, _("%s: no 'secret' in the key"), spec);
		if (bind_value(text, "algorithm", alg, sizeof(alg)) < 0)
			return mx_err_set(err, MX_E_PARSE, _("%s: no 'algorithm' in the key"), spec);
		return key_set(key, alg, name, secret, spec, err);
	}
	return key_from_pair(text, key, spec, err);
}

/* ---------------------------------------------------------------- */
/* Updates */

static int
up_push(struct mx_dns_update *up, enum mx_dns_op_kind kind, const char *owner,
    const char *type, uint32_t ttl, const char *rdata)
{
	struct mx_dns_op *n = realloc(up->ops, (up->n + 1) * sizeof(*n));

	if (n == NULL)
		return -1;
	up->ops = n;
	n = &up->ops[up->n];
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->owner = xstrdup(owner);
	n->type = xstrdup(type);
	n->ttl = ttl;
	n->rdata = xstrdup(rdata);
	up->n++;
	if (n->owner == NULL || n->type == NULL || (rdata && n->rdata == NULL))
		return -1;
	return 0;
}

void
mx_dns_update_free(struct mx_dns_update *up)
{
	size_t i;

	for (i = 0; i < up->n; i++) {
		free(up->ops[i].owner);
		free(up->ops[i].type);
		free(up->ops[i].rdata);
	}
	free(up->ops);
	free(up->zone);
	memset(up, 0, sizeof(*up));
}

/* The current records, parsed back from the answer's lines. */
struct cur_rr {
	char *owner, *type, *rdata;
	uint32_t ttl;
};

static int
parse_line(const char *line, struct cur_rr *c)
{
	ldns_rr *rr = NULL;
	char *s;
	size_t i;
	struct mx_buf b = MX_BUF_INIT;

	if (ldns_rr_new_frm_str(&rr, line, 0, NULL, NULL) != LDNS_STATUS_OK)
		return -1;
	c->owner = ldns_rdf2str(ldns_rr_owner(rr));
	c->type = ldns_rr_type2str(ldns_rr_get_type(rr));
	c->ttl = ldns_rr_ttl(rr);
	for (i = 0; i < ldns_rr_rd_count(rr); i++) {
		s = ldns_rdf2str(ldns_rr_rdf(rr, i));
		if (s != NULL) {
			mx_buf_printf(&b, "%s%s", i ? " " : "", s);
			free(s);
		}
	}
	c->rdata = mx_buf_steal(&b);
	ldns_rr_free(rr);
	return 0;
}

/* Owner name for --a NAME: relative to the zone unless it ends with '.'. */
static char *
owner_in_zone(const char *name, const char *zone)
{
	struct mx_buf b = MX_BUF_INIT;

	if (strcmp(name, "@") == 0)
		return xstrdup(zone);
	if (name[0] != '\0' && name[strlen(name) - 1] == '.')
		return absname(name);
	mx_buf_printf(&b, "%s.%s", name, zone);
	{
		char *s = mx_buf_steal(&b), *r = absname(s);

		free(s);
		return r;
	}
}

int
mx_dns_update_plan(const char *zone, const struct mx_dns_answer *current,
    const struct mx_dns_change *chg, struct mx_dns_update *up,
    struct mx_err *err)
{
	struct cur_rr *cur = NULL;
	size_t ncur = 0, i, j;
	char *z = absname(zone);
	int rc = -1;
	uint32_t mx_ttl = 0;
	int have_mx = 0;

	memset(up, 0, sizeof(*up));
	if (z == NULL)
		return mx_err_set(err, MX_E_GENERIC, _("out of memory"));
	up->zone = z;
	if (!chg->has_ttl && chg->nmx == 0 && chg->na == 0) {
		mx_err_set(err, MX_E_USAGE, _("nothing to change: give --ttl, --mx or --a"));
		goto done;
	}
	cur = calloc(current && current->nlines ? current->nlines : 1, sizeof(*cur));
	if (cur == NULL)
		goto oom;
	for (i = 0; current != NULL && i < current->nlines; i++)
		if (parse_line(current->lines[i], &cur[ncur]) == 0)
			ncur++;
	for (i = 0; i < ncur; i++)
		if (strcmp(cur[i].type, "MX") == 0 && strcasecmp(cur[i].owner, z) == 0) {
			have_mx = 1;
			mx_ttl = cur[i].ttl;
		}

	/* --mx: replace the MX RRset */
	if (chg->nmx > 0) {
		uint32_t ttl = chg->has_ttl ? chg->ttl : have_mx ? mx_ttl : 3600;

		if (up_push(up, MX_DNS_DEL_RRSET, z, "MX", 0, NULL) < 0)
			goto oom;
		for (i = 0; i < chg->nmx; i++) {
			char pref[16], host[256], extra;
			char *h, rd[300];
			unsigned long pv;
			char *end;

			if (sscanf(chg->mx[i], "%15s %255s %c", pref, host, &extra) != 2) {
				mx_err_set(err, MX_E_USAGE,
				    _("--mx '%s': expected 'PREFERENCE HOST', e.g. '10 mail.example.com'"),
				    chg->mx[i]);
				goto done;
			}
			errno = 0;
			pv = strtoul(pref, &end, 10);
			if (*end != '\0' || errno || pv > 65535) {
				mx_err_set(err, MX_E_USAGE,
				    _("--mx '%s': the preference must be a number from 0 to 65535"),
				    chg->mx[i]);
				goto done;
			}
			h = owner_in_zone(host, z);
			if (h == NULL)
				goto oom;
			{
				ldns_rdf *chk = ldns_dname_new_frm_str(h);

				if (chk == NULL) {
					mx_err_set(err, MX_E_USAGE, _("--mx '%s': '%s' is not a host name"),
					    chg->mx[i], host);
					free(h);
					goto done;
				}
				ldns_rdf_deep_free(chk);
			}
			snprintf(rd, sizeof(rd), "%lu %s", pv, h);
			free(h);
			if (up_push(up, MX_DNS_ADD, z, "MX", ttl, rd) < 0)
				goto oom;
		}
	}
	/* --a NAME=ADDR: replace an A (or AAAA) RRset */
	for (i = 0; i < chg->na; i++) {
		const char *eq = strchr(chg->a[i], '=');
		char name[256], *owner;
		unsigned char tmp[16];
		const char *type;
		uint32_t ttl = 3600;
		int found = 0;

		if (eq == NULL || eq == chg->a[i] || (size_t)(eq - chg->a[i]) >= sizeof(name)) {
			mx_err_set(err, MX_E_USAGE,
			    _("--a '%s': expected NAME=ADDRESS, e.g. mail=192.0.2.25"), chg->a[i]);
			goto done;
		}
		memcpy(name, chg->a[i], (size_t)(eq - chg->a[i]));
		name[eq - chg->a[i]] = '\0';
		if (inet_pton(AF_INET, eq + 1, tmp) == 1)
			type = "A";
		else if (inet_pton(AF_INET6, eq + 1, tmp) == 1)
			type = "AAAA";
		else {
			mx_err_set(err, MX_E_USAGE, _("--a '%s': '%s' is not an IP address"),
			    chg->a[i], eq + 1);
			goto done;
		}
		owner = owner_in_zone(name, z);
		if (owner == NULL)
			goto oom;
		if (!in_zone(owner, z)) {
			mx_err_set(err, MX_E_USAGE, _("--a '%s': %s is not in the zone %s"),
			    chg->a[i], owner, z);
			free(owner);
			goto done;
		}
		for (j = 0; j < ncur; j++)
			if (strcmp(cur[j].type, type) == 0 && strcasecmp(cur[j].owner, owner) == 0) {
				ttl = cur[j].ttl;
				found = 1;
			}
		if (chg->has_ttl)
			ttl = chg->ttl;
		else if (!found && have_mx)
			ttl = mx_ttl;
		if (up_push(up, MX_DNS_DEL_RRSET, owner, type, 0, NULL) < 0 ||
		    up_push(up, MX_DNS_ADD, owner, type, ttl, eq + 1) < 0) {
			free(owner);
			goto oom;
		}
		free(owner);
	}
	/* --ttl alone for the RRsets not replaced above: re-add with the new TTL */
	if (chg->has_ttl) {
		for (i = 0; i < ncur; i++) {
			int touched = 0;

			if (strcmp(cur[i].type, "MX") != 0 && strcmp(cur[i].type, "A") != 0 &&
			    strcmp(cur[i].type, "AAAA") != 0)
				continue;
			if (cur[i].ttl == chg->ttl)
				continue;	/* already so */
			for (j = 0; j < up->n; j++)
				if (up->ops[j].kind == MX_DNS_DEL_RRSET &&
				    strcasecmp(up->ops[j].owner, cur[i].owner) == 0 &&
				    strcmp(up->ops[j].type, cur[i].type) == 0)
					touched = 1;
			if (touched)
				continue;
			if (up_push(up, MX_DNS_DEL_RRSET, cur[i].owner, cur[i].type, 0, NULL) < 0)
				goto oom;
			for (j = 0; j < ncur; j++)
				if (strcasecmp(cur[j].owner, cur[i].owner) == 0 &&
				    strcmp(cur[j].type, cur[i].type) == 0 &&
				    up_push(up, MX_DNS_ADD, cur[j].owner, cur[j].type,
				    chg->ttl, cur[j].rdata) < 0)
					goto oom;
		}
	}
	/* up->n == 0: the records already have that TTL; nothing to send */
	rc = 0;
	goto done;
oom:
	mx_err_set(err, MX_E_GENERIC, _("out of memory"));
done:
	for (i = 0; i < ncur; i++) {
		free(cur[i].owner);
		free(cur[i].type);
		free(cur[i].rdata);
	}
	free(cur);
	if (rc < 0)
		mx_dns_update_free(up);
	return rc;
}

char *
mx_dns_update_preview(const struct mx_dns_update *up)
{
	struct mx_buf b = MX_BUF_INIT;
	size_t i;

	mx_buf_printf(&b, "zone %s\n", up->zone);
	for (i = 0; i < up->n; i++) {
		const struct mx_dns_op *o = &up->ops[i];

		if (o->kind == MX_DNS_DEL_RRSET)
			mx_buf_printf(&b, "update delete %s %s\n", o->owner, o->type);
		else
			mx_buf_printf(&b, "update add %s\t%u\tIN\t%s\t%s\n", o->owner,
			    (unsigned)o->ttl, o->type, o->rdata);
	}
	return mx_buf_steal(&b);
}

/* The update's records as ldns wants them (RFC 2136 2.5). */
static ldns_rr_list *
update_rrs(const struct mx_dns_update *up, struct mx_err *err)
{
	ldns_rr_list *l = ldns_rr_list_new();
	size_t i;

	if (l == NULL)
		return NULL;
	for (i = 0; i < up->n; i++) {
		const struct mx_dns_op *o = &up->ops[i];
		ldns_rr *rr = NULL;
		char line[1024];

		if (o->kind == MX_DNS_DEL_RRSET) {
			rr = ldns_rr_new();
			if (rr == NULL)
				goto fail;
			ldns_rr_set_owner(rr, ldns_dname_new_frm_str(o->owner));
			ldns_rr_set_type(rr, ldns_get_rr_type_by_name(o->type));
			ldns_rr_set_class(rr, LDNS_RR_CLASS_ANY);
			ldns_rr_set_ttl(rr, 0);
			ldns_rr_set_question(rr, true);	/* no rdata */
		} else {
			snprintf(line, sizeof(line), "%s %u IN %s %s", o->owner,
			    (unsigned)o->ttl, o->type, o->rdata);
			if (ldns_rr_new_frm_str(&rr, line, 0, NULL, NULL) != LDNS_STATUS_OK) {
				mx_err_set(err, MX_E_USAGE, _("'%s': not a valid record"), line);
				goto fail;
			}
		}
		ldns_rr_list_push_rr(l, rr);
	}
	return l;
fail:
	ldns_rr_list_deep_free(l);
	return NULL;
}

static const char *
tsig_error_name(unsigned e)
{
	switch (e) {
	case 0: return "";
	case 16: return "BADSIG";
	case 17: return "BADKEY";
	case 18: return "BADTIME";
	case 19: return "BADMODE";
	case 20: return "BADNAME";
	case 21: return "BADALG";
	case 22: return "BADTRUNC";
	}
	return "TSIG error";
}

int
mx_dns_update_send(const struct mx_dns_update *up,
    const struct mx_dns_server *server, const struct mx_dns_key *key,
    int timeout_ms, struct mx_dns_update_result *res, struct mx_err *err)
{
	ldns_resolver *r = NULL;
	ldns_rr_list *rrs = NULL;
	ldns_rdf *zn = NULL;
	ldns_pkt *q = NULL, *a = NULL;
	ldns_status st;
	ldns_rr *tsig;
	char *rcs;
	int rc = -1;
	unsigned terr = 0;

	memset(res, 0, sizeof(*res));
	if (timeout_ms <= 0)
		timeout_ms = DEFAULT_TIMEOUT_MS;
	r = resolver_for(server, timeout_ms, 0, err);
	if (r == NULL)
		return -1;
	rrs = update_rrs(up, err);
	if (rrs == NULL)
		goto done;
	zn = ldns_dname_new_frm_str(up->zone);
	/* the packet takes the zone name and copies the records */
	q = ldns_update_pkt_new(zn, LDNS_RR_CLASS_IN, NULL, rrs, NULL);
	zn = NULL;
	if (q == NULL) {
		mx_err_set(err, MX_E_GENERIC, _("could not build the update"));
		goto done;
	}
	ldns_pkt_set_random_id(q);
	if (key != NULL) {
		ldns_resolver_set_tsig_keyname(r, key->name);
		ldns_resolver_set_tsig_algorithm(r, key->algorithm);
		ldns_resolver_set_tsig_keydata(r, key->secret);
		if (ldns_update_pkt_tsig_add(q, r) != LDNS_STATUS_OK) {
			mx_err_set(err, MX_E_USAGE, _("could not sign the update with key %s"),
			    key->name);
			goto done;
		}
	}
	/* Sent by hand over TCP: ldns_resolver_send_pkt drops a reply whose
	 * TSIG does not verify, and that reply is the one that says why
	 * (BADSIG, BADKEY, BADTIME). */
	{
		struct sockaddr_storage ss;
		socklen_t sl = server_sockaddr(server, &ss);
		ldns_buffer *qb = ldns_buffer_new(LDNS_MAX_PACKETLEN);
		uint8_t *wire = NULL;
		size_t wlen = 0;
		struct timeval tv;

		tv.tv_sec = timeout_ms / 1000;
		tv.tv_usec = (timeout_ms % 1000) * 1000;
		if (qb == NULL || ldns_pkt2buffer_wire(qb, q) != LDNS_STATUS_OK) {
			if (qb)
				ldns_buffer_free(qb);
			mx_err_set(err, MX_E_GENERIC, _("could not build the update"));
			goto done;
		}
		st = ldns_tcp_send(&wire, qb, &ss, sl, tv, &wlen);
		ldns_buffer_free(qb);
		if (st != LDNS_STATUS_OK || wire == NULL) {
			free(wire);
			mx_err_set(err, MX_E_NET,
			    _("%s@%u: no answer to the update over TCP within %d ms (%s)"),
			    server->addr, server->port, timeout_ms, ldns_get_errorstr_by_id(st));
			goto done;
		}
		if (ldns_wire2pkt(&a, wire, wlen) != LDNS_STATUS_OK) {
			free(wire);
			a = NULL;
			mx_err_set(err, MX_E_NET, _("%s@%u: a malformed answer to the update"),
			    server->addr, server->port);
			goto done;
		}
		st = LDNS_STATUS_OK;
		if (key != NULL) {
			ldns_rr *qt = ldns_pkt_tsig(q);

			if (ldns_pkt_tsig(a) == NULL || qt == NULL ||
			    !ldns_pkt_tsig_verify(a, wire, wlen, key->name, key->secret,
			    ldns_rr_rdf(qt, 3)))
				st = LDNS_STATUS_CRYPTO_TSIG_BOGUS;
		}
		free(wire);
	}
	tsig = ldns_pkt_tsig(a);
	if (tsig != NULL && ldns_rr_rd_count(tsig) >= 6)
		terr = ldns_rdf2native_int16(ldns_rr_rdf(tsig, 5));
	rcs = ldns_pkt_rcode2str(ldns_pkt_get_rcode(a));
	snprintf(res->rcode, sizeof(res->rcode), "%s", rcs ? rcs : "?");
	free(rcs);
	snprintf(res->tsig_error, sizeof(res->tsig_error), "%s", tsig_error_name(terr));
	if (ldns_pkt_get_rcode(a) == LDNS_RCODE_NOERROR && terr == 0) {
		if (key != NULL && st == LDNS_STATUS_CRYPTO_TSIG_BOGUS) {
			snprintf(res->message, sizeof(res->message), "%s",
			    _("NOERROR, but the reply's TSIG signature does not verify: "
			    "do not trust this answer; check the zone"));
		} else {
			res->accepted = 1;
			snprintf(res->message, sizeof(res->message), "%s",
			    _("NOERROR: the server accepted the update"));
		}
	} else if (terr == 16) {
		snprintf(res->message, sizeof(res->message),
		    _("%s (BADSIG): the server knows a key named %s but the secret differs"),
		    res->rcode, key ? key->name : "?");
	} else if (terr == 17) {
		snprintf(res->message, sizeof(res->message),
		    _("%s (BADKEY): the server does not know the key %s (or its algorithm)"),
		    res->rcode, key ? key->name : "?");
	} else if (terr == 18) {
		snprintf(res->message, sizeof(res->message), "%s",
		    _("NOTAUTH (BADTIME): this machine's clock and the server's differ "
		    "by more than the fudge (300 s): fix the clock"));
	} else if (terr != 0) {
		snprintf(res->message, sizeof(res->message), _("%s (%s): the key was refused"),
		    res->rcode, res->tsig_error);
	} else if (ldns_pkt_get_rcode(a) == LDNS_RCODE_NOTAUTH) {
		snprintf(res->message, sizeof(res->message),
		    _("NOTAUTH: the server is not authoritative for %s or needs a key it accepts"),
		    up->zone);
	} else if (ldns_pkt_get_rcode(a) == LDNS_RCODE_REFUSED) {
		snprintf(res->message, sizeof(res->message), "%s",
		    _("REFUSED: the server does not allow this update (policy or missing key)"));
	} else if (ldns_pkt_get_rcode(a) == LDNS_RCODE_NOTZONE) {
		snprintf(res->message, sizeof(res->message),
		    _("NOTZONE: a record is outside the zone %s"), up->zone);
	} else if (ldns_pkt_get_rcode(a) == LDNS_RCODE_SERVFAIL) {
		snprintf(res->message, sizeof(res->message), "%s",
		    _("SERVFAIL: the server failed to apply the update (see its log)"));
	} else {
		snprintf(res->message, sizeof(res->message), _("%s: the update was not applied"),
		    res->rcode);
	}
	rc = 0;
done:
	if (a)
		ldns_pkt_free(a);
	if (q)
		ldns_pkt_free(q);
	if (rrs)
		ldns_rr_list_deep_free(rrs);
	ldns_rdf_deep_free(zn);
	/* the resolver copied the key strings; free them with it */
	ldns_resolver_deep_free(r);
	return rc;
}
