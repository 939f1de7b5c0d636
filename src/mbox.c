/* mbox.c - the streaming mbox reader and mbox to Maildir (see mbox.h). */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "i18n.h"
#include "maildir.h"
#include "mbox.h"

#define LR_SIZE 65536

int
mx_mbox_format_parse(const char *s, enum mx_mbox_format *out)
{
	if (strcmp(s, "mboxo") == 0)
		*out = MX_MBOXO;
	else if (strcmp(s, "mboxrd") == 0)
		*out = MX_MBOXRD;
	else if (strcmp(s, "mboxcl2") == 0 || strcmp(s, "mboxcl") == 0)
		*out = MX_MBOXCL2;
	else
		return -1;
	return 0;
}

ssize_t
mx_mbox_read_fd(void *ctx, void *buf, size_t len, struct mx_err *err)
{
	int fd = *(int *)ctx;
	ssize_t n;

	do
		n = read(fd, buf, len);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return mx_err_errno(err, errno, _("cannot read the mbox"));
	return n;
}

/* From_ dates ------------------------------------------------------- */

static int
month_of(const char *s)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	int i;

	for (i = 0; i < 12; i++)
		if (strncasecmp(s, months + 3 * i, 3) == 0)
			return i;
	return -1;
}

static int
is_wday(const char *s, size_t n)
{
	static const char days[] = "SunMonTueWedThuFriSat";
	int i;

	if (n != 3)
		return 0;
	for (i = 0; i < 7; i++)
		if (strncasecmp(s, days + 3 * i, 3) == 0)
			return 1;
	return 0;
}

#define MAXTOK 16

int64_t
mx_mbox_from_date(const char *line, size_t len)
{
	const char *tok[MAXTOK];
	size_t tlen[MAXTOK], i, j;
	int ntok = 0, k, mon, day, hh, mm, ss, year;
	struct tm tm;

	if (len < 5 || memcmp(line, "From ", 5) != 0)
		return -1;
	i = 5;
	while (i < len && ntok < MAXTOK) {
		while (i < len && (line[i] == ' ' || line[i] == '\t'))
			i++;
		if (i >= len || line[i] == '\n' || line[i] == '\r')
			break;
		j = i;
		while (j < len && line[j] != ' ' && line[j] != '\t' &&
		    line[j] != '\n' && line[j] != '\r')
			j++;
		tok[ntok] = line + i;
		tlen[ntok++] = j - i;
		i = j;
	}
	for (k = 0; k + 4 <= ntok; k++) {
		char buf[16];
		int m;

		if (!is_wday(tok[k], tlen[k]) || tlen[k + 1] != 3 ||
		    (mon = month_of(tok[k + 1])) < 0)
			continue;
		if (tlen[k + 2] > 2 || sscanf(tok[k + 2], "%2d", &day) != 1)
			continue;
		if (tlen[k + 3] >= sizeof buf)
			continue;
		memcpy(buf, tok[k + 3], tlen[k + 3]);
		buf[tlen[k + 3]] = '\0';
		ss = 0;
		if (sscanf(buf, "%d:%d:%d", &hh, &mm, &ss) < 2)
			continue;
		/* The year: the first 4-digit token after the time (zone
		 * names and offsets around it are ignored). */
		year = -1;
		for (m = k + 4; m < ntok && m < k + 7; m++)
			if (tlen[m] == 4 && isdigit((unsigned char)tok[m][0]) &&
			    isdigit((unsigned char)tok[m][3])) {
				year = atoi(tok[m]);
				break;
			}
		if (year < 1970 || day < 1 || day > 31 || hh > 23 || mm > 59 ||
		    ss > 60)
			continue;
		memset(&tm, 0, sizeof tm);
		tm.tm_year = year - 1900;
		tm.tm_mon = mon;
		tm.tm_mday = day;
		tm.tm_hour = hh;
		tm.tm_min = mm;
		tm.tm_sec = ss;
		return (int64_t)timegm(&tm);
	}
	return -1;
}

/* The line reader: one fixed buffer; lines longer than it come in
 * fragments (start == 0 for the ones after the first). ---------------- */

struct lr {
	mx_mbox_read_fn rd;
	void *rctx;
	size_t pos, end;
	uint64_t base;		/* file offset of buf[0] */
	int eof;
	int at_start;
	char buf[LR_SIZE];
};

static int
lr_fill(struct lr *l, struct mx_err *err)
{
	ssize_t n;

	if (l->pos > 0) {
		memmove(l->buf, l->buf + l->pos, l->end - l->pos);
		l->base += l->pos;
		l->end -= l->pos;
		l->pos = 0;
	}
	if (l->eof || l->end == LR_SIZE)
		return 0;
	n = l->rd(l->rctx, l->buf + l->end, LR_SIZE - l->end, err);
	if (n < 0)
		return -1;
	if (n == 0)
		l->eof = 1;
	l->end += (size_t)n;
	return 0;
}

static int
lr_line(struct lr *l, const char **p, size_t *n, int *start, uint64_t *off,
    struct mx_err *err)
{
	char *nl;
	size_t len;

	for (;;) {
		nl = memchr(l->buf + l->pos, '\n', l->end - l->pos);
		if (nl != NULL) {
			len = (size_t)(nl - (l->buf + l->pos)) + 1;
			break;
		}
		if (l->eof || (l->pos == 0 && l->end == LR_SIZE)) {
			len = l->end - l->pos;
			if (len == 0)
				return 0;
			break;
		}
		if (lr_fill(l, err) == -1)
			return -1;
	}
	*p = l->buf + l->pos;
	*n = len;
	*start = l->at_start;
	*off = l->base + l->pos;
	l->pos += len;
	l->at_start = l->buf[l->pos - 1] == '\n';
	return 1;
}

/* Up to max raw bytes (Content-Length bodies). */
static int
lr_raw(struct lr *l, uint64_t max, const char **p, size_t *n,
    struct mx_err *err)
{
	size_t len;

	if (l->pos == l->end) {
		if (lr_fill(l, err) == -1)
			return -1;
		if (l->pos == l->end)
			return 0;
	}
	len = l->end - l->pos;
	if ((uint64_t)len > max)
		len = (size_t)max;
	*p = l->buf + l->pos;
	*n = len;
	l->pos += len;
	l->at_start = l->buf[l->pos - 1] == '\n';
	return 1;
}

/* The parser ---------------------------------------------------------- */

enum hkind { H_NONE, H_STATUS, H_XSTATUS, H_XUIDL, H_XUID, H_CLEN, H_SUBJECT };
enum pstate { P_GARBAGE, P_HDR, P_BODY };

struct ps {
	const struct mx_mbox_ops *ops;
	void *ctx;
	enum mx_mbox_format fmt;
	enum pstate state;
	struct mx_mbox_msg m;
	uint64_t count;
	int prev_blank;
	char pending[2];
	size_t npending;
	int strip;		/* the current header is left out */
	enum hkind kind;	/* the current header is captured */
	char hval[256];
	size_t nhval;
	char status[32], xstatus[32];
	int has_clen, ximap;
	uint64_t clen;
	int cl_check;
	uint64_t junk_off, junk_bytes;
	int junk_text;
};

static void
damage(struct ps *s, uint64_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
damage(struct ps *s, uint64_t off, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (s->ops->damage == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	s->ops->damage(s->ctx, off, msg);
}

static int
emit(struct ps *s, const void *p, size_t n, struct mx_err *err)
{
	if (n == 0)
		return 0;
	return s->ops->data(s->ctx, p, n, err);
}

static int
is_blank(const char *p, size_t n)
{
	return (n == 1 && p[0] == '\n') || (n == 2 && p[0] == '\r' && p[1] == '\n');
}

static void
capture(struct ps *s, const char *p, size_t n)
{
	size_t room = sizeof s->hval - 1 - s->nhval;

	if (s->kind == H_NONE)
		return;
	if (n > room)
		n = room;
	memcpy(s->hval + s->nhval, p, n);
	s->nhval += n;
	s->hval[s->nhval] = '\0';
}

/* The captured header is complete: use its value. */
static void
finish_header(struct ps *s)
{
	char *v = s->hval, *e;

	if (s->kind == H_NONE)
		return;
	while (*v == ' ' || *v == '\t')
		v++;
	e = v + strlen(v);
	while (e > v && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' ' ||
	    e[-1] == '\t'))
		*--e = '\0';
	switch (s->kind) {
	case H_STATUS:
		snprintf(s->status, sizeof s->status, "%s", v);
		break;
	case H_XSTATUS:
		snprintf(s->xstatus, sizeof s->xstatus, "%s", v);
		break;
	case H_XUIDL:
		snprintf(s->m.x_uidl, sizeof s->m.x_uidl, "%s", v);
		break;
	case H_XUID:
		snprintf(s->m.x_uid, sizeof s->m.x_uid, "%s", v);
		break;
	case H_CLEN:
		if (*v >= '0' && *v <= '9') {
			s->has_clen = 1;
			s->clen = strtoull(v, NULL, 10);
		}
		break;
	case H_SUBJECT:
		if (strstr(v, "FOLDER INTERNAL DATA") != NULL)
			s->m.pseudo = 1;
		break;
	case H_NONE:
		break;
	}
	s->kind = H_NONE;
	s->nhval = 0;
	s->hval[0] = '\0';
}

static void
set_flags(struct ps *s)
{
	char f[8];
	int n = 0;

	if (strchr(s->status, 'R'))
		f[n++] = 'S';
	if (strchr(s->status, 'R') || strchr(s->status, 'O'))
		s->m.seen = 1;
	if (strchr(s->xstatus, 'A'))
		f[n++] = 'R';
	if (strchr(s->xstatus, 'F'))
		f[n++] = 'F';
	if (strchr(s->xstatus, 'T'))
		f[n++] = 'D';
	if (strchr(s->xstatus, 'D'))
		f[n++] = 'T';
	f[n] = '\0';
	mx_maildir_flags_sort(f);
	memcpy(s->m.flags, f, sizeof f);
	if (s->ximap && s->m.index == 1)
		s->m.pseudo = 1;
}

static int
end_msg(struct ps *s, struct mx_err *err)
{
	if (s->state == P_HDR)
		finish_header(s);
	set_flags(s);
	s->npending = 0;
	s->state = P_GARBAGE;
	return s->ops->end(s->ctx, &s->m, err);
}

static int
begin_msg(struct ps *s, uint64_t off, int64_t date, struct mx_err *err)
{
	memset(&s->m, 0, sizeof s->m);
	s->m.offset = off;
	s->m.index = ++s->count;
	s->m.date = date;
	s->state = P_HDR;
	s->prev_blank = 0;
	s->npending = 0;
	s->strip = 0;
	s->kind = H_NONE;
	s->nhval = 0;
	s->status[0] = s->xstatus[0] = '\0';
	s->has_clen = s->ximap = 0;
	s->cl_check = 0;
	return s->ops->begin(s->ctx, &s->m, err);
}

static int
header_line(struct ps *s, const char *p, size_t n)
{
	static const struct {
		const char *name;
		int strip;
		enum hkind kind;
	} known[] = {
		{ "Status", 1, H_STATUS }, { "X-Status", 1, H_XSTATUS },
		{ "X-Keywords", 1, H_NONE }, { "X-IMAP", 1, H_NONE },
		{ "X-IMAPbase", 1, H_NONE }, { "Content-Length", 1, H_CLEN },
		{ "X-UIDL", 0, H_XUIDL }, { "X-UID", 0, H_XUID },
		{ "Subject", 0, H_SUBJECT },
	};
	const char *colon = memchr(p, ':', n);
	size_t i, nl;

	if (colon == NULL || colon == p)
		return -1;
	nl = (size_t)(colon - p);
	for (i = 0; i < nl; i++)
		if (p[i] <= ' ' || p[i] > '~')
			return -1;
	s->strip = 0;
	s->kind = H_NONE;
	for (i = 0; i < sizeof known / sizeof known[0]; i++)
		if (strlen(known[i].name) == nl &&
		    strncasecmp(p, known[i].name, nl) == 0) {
			s->strip = known[i].strip;
			s->kind = known[i].kind;
			if (strncasecmp(p, "X-IMAP", nl) == 0 ||
			    strncasecmp(p, "X-IMAPbase", nl) == 0)
				s->ximap = 1;
			break;
		}
	capture(s, colon + 1, n - nl - 1);
	return 0;
}

/* Read a Content-Length body raw. */
static int
cl_body(struct ps *s, struct lr *l, struct mx_err *err)
{
	uint64_t left = s->clen, start = l->base + l->pos;
	const char *p;
	size_t n;
	int r;

	while (left > 0) {
		r = lr_raw(l, left, &p, &n, err);
		if (r == -1)
			return -1;
		if (r == 0) {
			damage(s, start, _("Content-Length %" PRIu64 " runs past "
			    "the end of the file (%" PRIu64 " bytes there); the "
			    "message is kept as far as it goes"), s->clen,
			    s->clen - left);
			return 0;
		}
		if (emit(s, p, n, err) == -1)
			return -1;
		left -= n;
	}
	s->cl_check = 1;
	s->prev_blank = 1;	/* a boundary is expected here */
	l->at_start = 1;	/* what follows is checked as a line */
	return 0;
}

static int
body_line(struct ps *s, const char *p, size_t n, int start, uint64_t off,
    struct mx_err *err)
{
	size_t k;

	if (!start)
		return emit(s, p, n, err);
	if (is_blank(p, n)) {
		if (s->npending > 0 && emit(s, s->pending, s->npending, err) == -1)
			return -1;
		memcpy(s->pending, p, n);
		s->npending = n;
		s->prev_blank = 1;
		return 0;
	}
	if (s->npending > 0) {
		if (emit(s, s->pending, s->npending, err) == -1)
			return -1;
		s->npending = 0;
	}
	if (s->cl_check) {
		damage(s, off, _("Content-Length of the message at offset %"
		    PRIu64 " does not end at a message boundary; the text "
		    "up to the next From_ line is kept in it"), s->m.offset);
		s->cl_check = 0;
	}
	s->prev_blank = 0;
	if (s->fmt == MX_MBOXO && n >= 6 && memcmp(p, ">From ", 6) == 0)
		return emit(s, p + 1, n - 1, err);
	if (s->fmt == MX_MBOXRD && n >= 6 && p[0] == '>') {
		for (k = 0; k < n && p[k] == '>'; k++)
			;
		if (n - k >= 5 && memcmp(p + k, "From ", 5) == 0)
			return emit(s, p + 1, n - 1, err);
	}
	return emit(s, p, n, err);
}

static int
hdr_line(struct ps *s, struct lr *l, const char *p, size_t n, int start,
    uint64_t off, struct mx_err *err)
{
	if (!start) {
		capture(s, p, n);
		return s->strip ? 0 : emit(s, p, n, err);
	}
	if (is_blank(p, n)) {
		finish_header(s);
		if (emit(s, p, n, err) == -1)
			return -1;
		s->state = P_BODY;
		s->prev_blank = 1;
		if (s->fmt == MX_MBOXCL2 && s->has_clen)
			return cl_body(s, l, err);
		return 0;
	}
	if (p[0] == ' ' || p[0] == '\t') {
		capture(s, p, n);
		return s->strip ? 0 : emit(s, p, n, err);
	}
	finish_header(s);
	if (header_line(s, p, n) == -1) {
		damage(s, off, _("the message at offset %" PRIu64 " has a line "
		    "that is not a header before its body; kept as body"),
		    s->m.offset);
		s->state = P_BODY;
		s->strip = 0;
		return body_line(s, p, n, start, off, err);
	}
	return s->strip ? 0 : emit(s, p, n, err);
}

static void
junk_report(struct ps *s)
{
	if (s->junk_bytes > 0 && s->junk_text)
		damage(s, s->junk_off, _("%" PRIu64 " bytes that belong to no "
		    "message (no From_ line before them) skipped"),
		    s->junk_bytes);
	s->junk_bytes = 0;
	s->junk_text = 0;
}

int
mx_mbox_parse(mx_mbox_read_fn rd, void *rctx, enum mx_mbox_format fmt,
    const struct mx_mbox_ops *ops, void *ctx, struct mx_err *err)
{
	struct lr *l;
	struct ps s;
	const char *p;
	size_t n;
	uint64_t off;
	int64_t date;
	int r, start, rc = -1;

	l = calloc(1, sizeof *l);
	if (l == NULL)
		return mx_err_errno(err, errno, "malloc");
	l->rd = rd;
	l->rctx = rctx;
	l->at_start = 1;
	memset(&s, 0, sizeof s);
	s.ops = ops;
	s.ctx = ctx;
	s.fmt = fmt;
	s.state = P_GARBAGE;
	s.prev_blank = 1;
	while ((r = lr_line(l, &p, &n, &start, &off, err)) > 0) {
		date = -1;
		if (start && n > 5 && memcmp(p, "From ", 5) == 0 &&
		    (s.state == P_GARBAGE || s.prev_blank))
			date = mx_mbox_from_date(p, n);
		if (date >= 0) {
			if (s.state != P_GARBAGE && end_msg(&s, err) == -1)
				goto out;
			junk_report(&s);
			if (begin_msg(&s, off, date, err) == -1)
				goto out;
			continue;
		}
		switch (s.state) {
		case P_GARBAGE:
			if (s.junk_bytes == 0)
				s.junk_off = off;
			s.junk_bytes += n;
			if (!is_blank(p, n))
				s.junk_text = 1;
			break;
		case P_HDR:
			if (hdr_line(&s, l, p, n, start, off, err) == -1)
				goto out;
			break;
		case P_BODY:
			if (body_line(&s, p, n, start, off, err) == -1)
				goto out;
			break;
		}
	}
	if (r == -1)
		goto out;
	if (s.state != P_GARBAGE && end_msg(&s, err) == -1)
		goto out;
	junk_report(&s);
	rc = 0;
out:
	free(l);
	return rc;
}

/* mbox to Maildir ----------------------------------------------------- */

struct conv {
	const char *maildir;
	const struct mx_mbox_conv_opts *opts;
	char host[256];
	struct mx_nameset *existing;	/* keys already in the Maildir */
	struct mx_nameset *used;	/* names given in this run */
	struct mx_mdwriter *w;
	struct mx_mdbatch *batch;
	EVP_MD_CTX *md;
	struct mx_mbox_conv_stats *st;
	mx_mbox_damage_fn damage;
	void *dctx;
	uint64_t size;
};

static int
conv_begin(void *ctx, const struct mx_mbox_msg *m, struct mx_err *err)
{
	struct conv *c = ctx;

	(void)m;
	c->size = 0;
	if (EVP_DigestInit_ex(c->md, EVP_sha256(), NULL) != 1)
		return mx_err_set(err, MX_E_GENERIC, "SHA-256 init failed");
	if (c->opts->dry_run)
		return 0;
	return mx_mdbatch_writer(c->batch, &c->w, err);
}

static int
conv_data(void *ctx, const void *p, size_t n, struct mx_err *err)
{
	struct conv *c = ctx;

	c->size += n;
	EVP_DigestUpdate(c->md, p, n);
	if (c->w == NULL)
		return 0;
	return mx_mdwriter_write(c->w, p, n, err);
}

static int
conv_end(void *ctx, const struct mx_mbox_msg *m, struct mx_err *err)
{
	struct conv *c = ctx;
	unsigned char dg[EVP_MAX_MD_SIZE];
	char hex[17], base[512], name[560], key[600];
	unsigned int dlen, i;
	int64_t date = m->date;
	int cur, k, r;

	EVP_DigestFinal_ex(c->md, dg, &dlen);
	for (i = 0; i < 8; i++)
		snprintf(hex + 2 * i, 3, "%02x", dg[i]);
	if (m->pseudo) {
		mx_mdwriter_abort(c->w);
		c->w = NULL;
		c->st->pseudo++;
		return 0;
	}
	if (date < 0)
		date = (int64_t)time(NULL);
	for (k = 1;; k++) {
		if (k == 1)
			snprintf(base, sizeof base, "%" PRId64 ".H%s.%s", date, hex,
			    c->host);
		else
			snprintf(base, sizeof base, "%" PRId64 ".H%s_%d.%s", date,
			    hex, k, c->host);
		r = mx_nameset_add(c->used, base, 0);
		if (r == -1) {
			mx_mdwriter_abort(c->w);
			c->w = NULL;
			return mx_err_errno(err, ENOMEM, "malloc");
		}
		if (r == 1)
			break;
	}
	snprintf(key, sizeof key, "/%s", base);
	if (mx_nameset_has(c->existing, key, NULL)) {
		mx_mdwriter_abort(c->w);
		c->w = NULL;
		c->st->existing++;
		return 0;
	}
	cur = m->seen || m->flags[0] != '\0';
	if (cur)
		snprintf(name, sizeof name, "%s:2,%s", base, m->flags);
	else
		snprintf(name, sizeof name, "%s", base);
	c->st->messages++;
	c->st->bytes += c->size;
	if (c->w == NULL)
		return 0;
	r = mx_mdwriter_commit_batch(c->w, c->batch, cur ? "cur" : "new", name,
	    0600, c->opts->uid, c->opts->gid, date, err);
	c->w = NULL;
	return r;
}

static void
conv_damage(void *ctx, uint64_t off, const char *what)
{
	struct conv *c = ctx;

	c->st->damaged++;
	if (c->damage != NULL)
		c->damage(c->dctx, off, what);
}

static int
existing_visit(void *ctx, const char *folder, const char *sub,
    const char *name, const struct stat *st, struct mx_err *err)
{
	struct conv *c = ctx;
	char key[600];

	(void)sub;
	if (folder[0] != '\0' || mx_maildir_key(key, sizeof key, folder, name) == -1)
		return 0;
	if (mx_nameset_add(c->existing, key, (uint64_t)st->st_size) == -1)
		return mx_err_errno(err, ENOMEM, "malloc");
	return 0;
}

static void
safe_host(char *out, size_t len, const char *host)
{
	size_t o = 0;

	for (; *host != '\0' && o + 5 < len; host++) {
		if (*host == '/')
			o += (size_t)snprintf(out + o, len - o, "\\057");
		else if (*host == ':')
			o += (size_t)snprintf(out + o, len - o, "\\072");
		else
			out[o++] = *host;
	}
	out[o] = '\0';
	if (o == 0)
		snprintf(out, len, "localhost");
}

void
mx_mbox_conv_settle(struct mx_mdbatch *b, struct mx_mbox_conv_stats *stats)
{
	uint64_t em, eb;

	if (b == NULL)
		return;
	/* Messages a flush found already in place (written meanwhile by
	 * someone else) were counted as converted. */
	mx_mdbatch_existed(b, &em, &eb);
	stats->messages -= em;
	stats->bytes -= eb;
	stats->existing += em;
	mx_mdbatch_free(b);
}

static int
conv_run(mx_mbox_read_fn rd, void *rctx, const char *maildir,
    const struct mx_mbox_conv_opts *opts, mx_mbox_damage_fn dmg,
    void *dctx, struct mx_mbox_conv_stats *stats, struct mx_mdbatch **held,
    struct mx_err *err)
{
	static const struct mx_mbox_ops ops = {
		conv_begin, conv_data, conv_end, conv_damage
	};
	struct conv c;
	char hn[256];
	struct stat st;
	int rc = -1;

	memset(&c, 0, sizeof c);
	memset(stats, 0, sizeof *stats);
	c.maildir = maildir;
	c.opts = opts;
	c.st = stats;
	c.damage = dmg;
	c.dctx = dctx;
	if (opts->host == NULL) {
		if (gethostname(hn, sizeof hn) == -1)
			hn[0] = '\0';
		hn[sizeof hn - 1] = '\0';
		safe_host(c.host, sizeof c.host, hn);
	} else {
		safe_host(c.host, sizeof c.host, opts->host);
	}
	c.existing = mx_nameset_new();
	c.used = mx_nameset_new();
	c.md = EVP_MD_CTX_new();
	if (c.existing == NULL || c.used == NULL || c.md == NULL) {
		mx_err_errno(err, ENOMEM, "malloc");
		goto out;
	}
	if (!opts->dry_run) {
		if (mx_maildir_make(maildir, 0700, opts->uid, opts->gid, err) == -1)
			goto out;
	}
	if (stat(maildir, &st) == 0 &&
	    mx_maildir_walk(maildir, existing_visit, &c, err) == -1)
		goto out;
	if (!opts->dry_run && mx_mdbatch_new(&c.batch, maildir, err) == -1)
		goto out;
	if (mx_mbox_parse(rd, rctx, opts->format, &ops, &c, err) == -1)
		goto out;
	if (held == NULL && mx_mdbatch_flush(c.batch, err) == -1)
		goto out;
	rc = 0;
out:
	mx_mdwriter_abort(c.w);	/* before its batch's descriptors close */
	if (rc == 0 && held != NULL)
		*held = c.batch;	/* the caller flushes and settles */
	else
		mx_mbox_conv_settle(c.batch, stats);
	mx_nameset_free(c.existing);
	mx_nameset_free(c.used);
	EVP_MD_CTX_free(c.md);
	return rc;
}

int
mx_mbox_to_maildir(mx_mbox_read_fn rd, void *rctx, const char *maildir,
    const struct mx_mbox_conv_opts *opts, mx_mbox_damage_fn dmg,
    void *dctx, struct mx_mbox_conv_stats *stats, struct mx_err *err)
{
	return conv_run(rd, rctx, maildir, opts, dmg, dctx, stats, NULL, err);
}

int
mx_mbox_to_maildir_held(mx_mbox_read_fn rd, void *rctx, const char *maildir,
    const struct mx_mbox_conv_opts *opts, mx_mbox_damage_fn dmg,
    void *dctx, struct mx_mbox_conv_stats *stats, struct mx_mdbatch **batch,
    struct mx_err *err)
{
	*batch = NULL;
	return conv_run(rd, rctx, maildir, opts, dmg, dctx, stats, batch, err);
}
