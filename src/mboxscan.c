/* mboxscan.c - the mbox sanity scan (see mboxscan.h). */
#include <config.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "mboxscan.h"

#define HEAD 512	/* bytes of each line kept for the checks */

static const char *const kind_text[MX_SCAN_NKINDS] = {
	N_("\"From \" line without a blank line before it"),
	N_("From_ line whose date does not parse"),
	N_("Content-Length disagrees with the next message"),
	N_("UW-IMAP pseudo message (folder internal data)"),
	N_("mixed line endings (CRLF and LF)"),
	N_("bytes before the first From_ line"),
};

const char *
mx_scan_kind_text(enum mx_scan_kind k)
{
	return k < MX_SCAN_NKINDS ? kind_text[k] : "?";
}

struct scan {
	struct mx_scan_result *res;
	void (*found)(void *, const struct mx_scan_finding *);
	void *fctx;
	/* the line being read */
	char head[HEAD + 1];
	size_t headlen;
	uint64_t line_off, lineno, offset;
	int line_cr;		/* the line ended in CRLF */
	char last;		/* the line's last byte before '\n' */
	/* state between lines */
	int prev_blank;
	int in_headers;
	int started;		/* a From_ line was seen */
	int64_t clen;		/* Content-Length of this message, or -1 */
	uint64_t body_start;
	uint64_t msg_off;
	int eol_reported;
};

static void
report(struct scan *s, enum mx_scan_kind k, uint64_t off, uint64_t line,
    const char *text, size_t len)
{
	struct mx_scan_finding f;
	size_t i;

	s->res->count[k]++;
	if (s->found == NULL)
		return;
	memset(&f, 0, sizeof f);
	f.kind = k;
	f.offset = off;
	f.line = line;
	for (i = 0; i < len && i < sizeof f.text - 1; i++)
		f.text[i] = isprint((unsigned char)text[i]) ? text[i] : '?';
	s->found(s->fctx, &f);
}

/* The previous message ended just before a separator at off. */
static void
end_message(struct scan *s, uint64_t off)
{
	uint64_t body;

	if (!s->started || s->clen < 0)
		return;
	body = off - s->body_start;
	/* The body is followed by one blank line before the next From_. */
	if (body != (uint64_t)s->clen && body != (uint64_t)s->clen + 1 &&
	    body != (uint64_t)s->clen + 2)
		report(s, MX_SCAN_CONTENT_LENGTH, s->msg_off, 0,
		    "Content-Length", 14);
}

static void
line_done(struct scan *s)
{
	const char *l = s->head;
	size_t n = s->headlen;
	int blank;

	if (s->line_cr)
		s->res->lines_crlf++;
	else
		s->res->lines_lf++;
	if (!s->eol_reported && s->res->lines_crlf > 0 && s->res->lines_lf > 0) {
		s->eol_reported = 1;
		report(s, MX_SCAN_MIXED_EOL, s->line_off, s->lineno, l, n);
	}
	if (n > 0 && l[n - 1] == '\r')
		n--;
	blank = n == 0;

	if (s->started && !s->in_headers && s->clen >= 0 &&
	    s->line_off < s->body_start + (uint64_t)s->clen) {
		/* inside a body whose Content-Length is known: body text */
	} else if (n >= 5 && memcmp(l, "From ", 5) == 0) {
		int dated = mx_mbox_from_date(l, n) != -1;

		if (s->lineno != 1 && !s->prev_blank)
			report(s, MX_SCAN_FROM_NO_BLANK, s->line_off, s->lineno, l, n);
		else if (!dated)
			report(s, MX_SCAN_FROM_BAD_DATE, s->line_off, s->lineno, l, n);
		else {
			end_message(s, s->line_off);
			s->res->messages++;
			s->started = 1;
			s->in_headers = 1;
			s->clen = -1;
			s->msg_off = s->line_off;
		}
	} else if (!s->started && s->lineno == 1) {
		report(s, MX_SCAN_GARBAGE_START, 0, 1, l, n);
	} else if (s->in_headers) {
		if (blank) {
			s->in_headers = 0;
			s->body_start = s->offset;
		} else if (n > 15 && strncasecmp(l, "Content-Length:", 15) == 0) {
			s->clen = strtoll(l + 15, NULL, 10);
		} else if (n > 8 && strncasecmp(l, "Subject:", 8) == 0 &&
		    memmem(l, n, "FOLDER INTERNAL DATA", 20) != NULL) {
			report(s, MX_SCAN_PSEUDO, s->msg_off, 0, l, n);
		}
	}
	s->prev_blank = blank;
	s->headlen = 0;
	s->line_cr = 0;
	s->lineno++;
	s->line_off = s->offset;
}

int
mx_mbox_scan(mx_mbox_read_fn rd, void *rctx,
    void (*found)(void *ctx, const struct mx_scan_finding *f), void *fctx,
    struct mx_scan_result *res, struct mx_err *err)
{
	struct scan *s;
	char buf[65536];
	ssize_t got;
	size_t i;
	int rc = 0;

	memset(res, 0, sizeof *res);
	s = calloc(1, sizeof *s);
	if (s == NULL)
		return mx_err_set(err, MX_E_GENERIC, _("out of memory"));
	s->res = res;
	s->found = found;
	s->fctx = fctx;
	s->lineno = 1;
	s->clen = -1;
	while ((got = rd(rctx, buf, sizeof buf, err)) > 0) {
		for (i = 0; i < (size_t)got; i++) {
			char c = buf[i];

			s->offset++;
			if (c == '\n') {
				s->line_cr = s->last == '\r';
				line_done(s);
				s->last = 0;
			} else {
				s->last = c;
				if (s->headlen < HEAD)
					s->head[s->headlen++] = c;
			}
		}
	}
	if (got < 0)
		rc = -1;
	else {
		if (s->headlen > 0)
			line_done(s);
		end_message(s, s->offset);
		res->bytes = s->offset;
	}
	free(s);
	return rc;
}
