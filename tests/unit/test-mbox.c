/* test-mbox.c - the streaming mbox reader: From_ dates, splitting,
 * unquoting per variant, flags, pseudo message, damage with offsets,
 * fragments longer than the buffer, reads one byte at a time. */
#include <config.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "maildir.h"
#include "mbox.h"
#include "tap.h"

struct src {
	const char *data;
	size_t len, pos, chunk;
};

static ssize_t
mem_read(void *ctx, void *buf, size_t len, struct mx_err *err)
{
	struct src *s = ctx;
	size_t n = s->len - s->pos;

	(void)err;
	if (n > len)
		n = len;
	if (n > s->chunk)
		n = s->chunk;
	memcpy(buf, s->data + s->pos, n);
	s->pos += n;
	return (ssize_t)n;
}

/* Messages in new/ and cur/ of a Maildir. */
static int
md_count(const char *md)
{
	static const char *const subs[] = { "new", "cur" };
	char path[512];
	struct dirent *de;
	DIR *d;
	int n = 0, i;

	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof path, "%s/%s", md, subs[i]);
		d = opendir(path);
		if (d == NULL)
			continue;
		while ((de = readdir(d)) != NULL)
			if (de->d_name[0] != '.')
				n++;
		closedir(d);
	}
	return n;
}

static int
held_run(const char *text, const char *md, struct mx_mbox_conv_stats *st,
    struct mx_mdbatch **b)
{
	static const struct mx_mbox_conv_opts opts = { MX_MBOXO, "h",
	    (uid_t)-1, (gid_t)-1, 0 };
	struct src sr = { text, strlen(text), 0, 65536 };
	struct mx_err err;

	return mx_mbox_to_maildir_held(mem_read, &sr, md, &opts, NULL, NULL,
	    st, b, &err);
}

#define MAXM 8
struct got {
	int n;
	struct mx_buf body[MAXM];
	struct mx_mbox_msg m[MAXM];
	int ndamage;
	uint64_t damage_off[MAXM];
	char damage[MAXM][512];
};

static int
g_begin(void *ctx, const struct mx_mbox_msg *m, struct mx_err *err)
{
	(void)ctx; (void)m; (void)err;
	return 0;
}

static int
g_data(void *ctx, const void *p, size_t n, struct mx_err *err)
{
	struct got *g = ctx;

	(void)err;
	if (g->n < MAXM)
		mx_buf_append(&g->body[g->n], p, n);
	return 0;
}

static int
g_end(void *ctx, const struct mx_mbox_msg *m, struct mx_err *err)
{
	struct got *g = ctx;

	(void)err;
	if (g->n < MAXM) {
		g->m[g->n] = *m;
		if (g->body[g->n].data == NULL)
			mx_buf_puts(&g->body[g->n], "");
	}
	g->n++;
	return 0;
}

static void
g_damage(void *ctx, uint64_t off, const char *what)
{
	struct got *g = ctx;

	if (g->ndamage < MAXM) {
		g->damage_off[g->ndamage] = off;
		snprintf(g->damage[g->ndamage], 512, "%s", what);
	}
	g->ndamage++;
}

static const struct mx_mbox_ops ops = { g_begin, g_data, g_end, g_damage };

static void
run(struct got *g, const char *data, size_t len, enum mx_mbox_format fmt,
    size_t chunk)
{
	struct src s = { data, len, 0, chunk };
	struct mx_err err;
	int i;

	for (i = 0; i < MAXM; i++)
		mx_buf_free(&g->body[i]);
	memset(g, 0, sizeof *g);
	mx_err_clear(&err);
	if (mx_mbox_parse(mem_read, &s, fmt, &ops, g, &err) == -1)
		printf("# parse failed: %s\n", err.msg);
}

static const char mboxo[] =
    "From MAILER-DAEMON Mon Nov  2 10:00:00 2026\n"
    "Date: Mon, 2 Nov 2026 10:00:00 +0000\n"
    "Subject: DON'T DELETE THIS MESSAGE -- FOLDER INTERNAL DATA\n"
    "X-IMAP: 1234567890 0000000003\n"
    "\n"
    "This text is part of the internal format of your mail folder.\n"
    "\n"
    "From alice@example.org Tue Nov  3 11:00:00 2026\n"
    "From: alice@example.org\n"
    "Subject: first\n"
    "Status: RO\n"
    "X-Status: AFTD\n"
    "X-UIDL: 3f2a1b\n"
    "X-UID: 7\n"
    "X-Keywords: junk\n"
    "Content-Length: 99\n"
    "\n"
    "line one\n"
    ">From the start\n"
    ">>From deeper\n"
    "From not-a-separator (no blank line before)\n"
    "\n"
    "\n"
    "From bob@example.org Wed Nov  4 12:30:45 2026\n"
    "Subject: second\n"
    "Status: O\n"
    "\n"
    "unread? no, old\n"
    "\n"
    "From carol Thu Nov  5 01:02:03 PST 2026\n"
    "Subject: third\n"
    "\n"
    "new one\n";

int
main(void)
{
	struct got g;
	static struct got g2;
	struct mx_buf big = MX_BUF_INIT;
	enum mx_mbox_format f;
	size_t i;
	int same;

	memset(&g, 0, sizeof g);
	/* dates */
	is_int(mx_mbox_from_date("From a Mon Nov  2 10:00:00 2026\n", 32),
	    1793613600, "asctime From_ date");
	is_int(mx_mbox_from_date("From a@b Thu Nov  5 01:02:03 PST 2026", 37),
	    1793840523, "a zone name before the year is ignored");
	is_int(mx_mbox_from_date("From  Mon Nov  2 10:00 2026", 27),
	    1793613600, "no sender, no seconds");
	is_int(mx_mbox_from_date("From a Mon Nov  2 10:00:00 2026 +0100", 37),
	    1793613600, "a numeric offset after the year is ignored");
	is_int(mx_mbox_from_date("From here on, things change\n", 28), -1,
	    "prose is no From_ line");
	is_int(mx_mbox_from_date(">From a Mon Nov  2 10:00:00 2026", 32), -1,
	    "a quoted line is no From_ line");
	ok(mx_mbox_format_parse("mboxrd", &f) == 0 && f == MX_MBOXRD &&
	    mx_mbox_format_parse("mboxcl2", &f) == 0 && f == MX_MBOXCL2 &&
	    mx_mbox_format_parse("mbx", &f) == -1, "format names");

	/* mboxo */
	run(&g, mboxo, sizeof mboxo - 1, MX_MBOXO, 65536);
	is_int(g.n, 4, "mboxo: four messages (pseudo included, marked)");
	ok(g.m[0].pseudo && !g.m[1].pseudo, "the UW-IMAP pseudo message is marked");
	is_str(g.body[1].data,
	    "From: alice@example.org\nSubject: first\nX-UIDL: 3f2a1b\nX-UID: 7\n\n"
	    "line one\nFrom the start\n>>From deeper\n"
	    "From not-a-separator (no blank line before)\n\n",
	    "mboxo: one level of >From undone, Status/X-Status/X-Keywords/"
	    "Content-Length dropped, X-UIDL/X-UID kept, last blank line is the "
	    "separator");
	is_str(g.m[1].flags, "DFRST", "Status R -> S, X-Status A F T D -> R F D T");
	ok(g.m[1].seen, "Status R: seen");
	is_str(g.m[1].x_uidl, "3f2a1b", "X-UIDL captured");
	is_str(g.m[1].x_uid, "7", "X-UID captured");
	is_int(g.m[1].date, 1793703600, "From_ date");
	is_int(g.m[1].offset, 234, "offset of the From_ line");
	ok(g.m[2].seen && strcmp(g.m[2].flags, "") == 0, "Status O: seen, no flag");
	ok(!g.m[3].seen, "no Status: unseen");
	is_str(g.body[3].data, "Subject: third\n\nnew one\n", "last message");
	is_int(g.ndamage, 0, "no damage");

	/* mboxrd */
	run(&g, mboxo, sizeof mboxo - 1, MX_MBOXRD, 65536);
	ok(strstr(g.body[1].data, "\nFrom the start\n>From deeper\n") != NULL,
	    "mboxrd: every >*From loses one >");

	/* one byte at a time gives the same result */
	run(&g2, mboxo, sizeof mboxo - 1, MX_MBOXO, 1);
	run(&g, mboxo, sizeof mboxo - 1, MX_MBOXO, 65536);
	same = g.n == g2.n;
	for (i = 0; same && i < (size_t)g.n; i++)
		same = strcmp(g.body[i].data, g2.body[i].data) == 0 &&
		    strcmp(g.m[i].flags, g2.m[i].flags) == 0;
	ok(same, "reads of one byte give the same messages");

	/* mboxcl2: an unquoted From line inside, counted by Content-Length */
	{
		static const char cl2[] =
		    "From a Mon Nov  2 10:00:00 2026\n"
		    "Subject: cl\n"
		    "Content-Length: 34\n"
		    "\n"
		    "x\n"
		    "\n"
		    "From b Mon Nov  2 10:00:00 2026\n"
		    "\n"
		    "From c Tue Nov  3 10:00:00 2026\n"
		    "Subject: next\n"
		    "Content-Length: 6\n"
		    "\n"
		    "short\n"
		    "extra text\n";

		run(&g, cl2, sizeof cl2 - 1, MX_MBOXCL2, 7);
		is_int(g.n, 2, "mboxcl2: a From_ line inside a body does not split");
		is_str(g.body[0].data, "Subject: cl\n\nx\n\nFrom b Mon Nov  2 10:00:00 2026\n",
		    "mboxcl2: body taken by Content-Length, unquoted");
		is_int(g.ndamage, 1, "a Content-Length that ends early is reported");
		is_int(g.damage_off[0], 171, "at the offset where the boundary should be");
		is_str(g.body[1].data, "Subject: next\n\nshort\nextra text\n",
		    "the text after it is kept in the message");
	}
	{
		static const char cl2[] =
		    "From a Mon Nov  2 10:00:00 2026\n"
		    "Content-Length: 500\n"
		    "\n"
		    "truncated\n";

		run(&g, cl2, sizeof cl2 - 1, MX_MBOXCL2, 65536);
		ok(g.n == 1 && g.ndamage == 1 && strstr(g.damage[0], "past the end"),
		    "a Content-Length past the end is reported");
		is_int(g.damage_off[0], 53, "with the offset of the body");
	}

	/* junk at the start, CRLF, a line longer than the buffer */
	mx_buf_puts(&big, "garbage\nmore\nFrom x Mon Nov  2 10:00:00 2026\r\n"
	    "Subject: crlf\r\n\r\n");
	for (i = 0; i < 200000; i++)
		mx_buf_puts(&big, i % 50000 == 0 ? "From " : "a");
	mx_buf_puts(&big, "\r\n\r\nFrom y Mon Nov  2 10:00:00 2026\r\n\r\nz\r\n");
	run(&g, big.data, big.len, MX_MBOXO, 4096);
	is_int(g.n, 2, "long lines and CRLF: two messages");
	is_int(g.ndamage, 1, "the junk before the first From_ line is reported");
	is_int(g.damage_off[0], 0, "at offset 0");
	is_int(g.body[0].len, strlen("Subject: crlf\r\n\r\n") + 200000 + 4 * 4 + 2,
	    "the 200000-byte line is kept whole, separator dropped");
	is_str(g.body[1].data, "\r\nz\r\n", "CRLF message");

	/* a message without headers */
	{
		static const char nohdr[] = "From a Mon Nov  2 10:00:00 2026\n"
		    "just text, no header\n";

		run(&g, nohdr, sizeof nohdr - 1, MX_MBOXO, 65536);
		ok(g.n == 1 && g.ndamage == 1 && g.damage_off[0] == 32,
		    "a message without a header is reported at the bad line");
		is_str(g.body[0].data, "just text, no header\n", "and kept");
	}
	run(&g, "", 0, MX_MBOXO, 1);
	is_int(g.n, 0, "an empty mbox: no message");

	/* several mboxes, one sync: nothing visible before the flush */
	{
		static const char ma[] = "From a Mon Nov  2 10:00:00 2026\n"
		    "Subject: a1\n\none\n\nFrom a Mon Nov  2 10:00:01 2026\n"
		    "Subject: a2\nStatus: RO\n\ntwo\n";
		static const char mb[] = "From b Mon Nov  2 11:00:00 2026\n"
		    "Subject: b1\n\nthree\n";
		static const char mc[] = "From c Mon Nov  2 12:00:00 2026\n"
		    "Subject: c1\n\ndropped\n";
		static const struct mx_mbox_conv_opts o1 = { MX_MBOXO, "h",
		    (uid_t)-1, (gid_t)-1, 0 };
		struct mx_mbox_conv_stats sa, sb, sc, s1;
		struct mx_mdbatch *bs[3];
		struct mx_err errs[3];
		char dir[] = "/tmp/test-mbox.XXXXXX", a[64], b[64], c[64], a1[64];
		char cmd[256];
		int rcs[3];

		if (mkdtemp(dir) == NULL)
			return 1;
		snprintf(a, sizeof a, "%s/A", dir);
		snprintf(b, sizeof b, "%s/B", dir);
		snprintf(c, sizeof c, "%s/C", dir);
		snprintf(a1, sizeof a1, "%s/A1", dir);
		ok(held_run(ma, a, &sa, &bs[0]) == 0 && bs[0] != NULL &&
		    held_run(mb, b, &sb, &bs[1]) == 0 && bs[1] != NULL,
		    "two mboxes converted, their messages held");
		is_int(md_count(a) + md_count(b), 0, "none visible before the flush");
		bs[2] = NULL;
		ok(mx_mdbatch_flush_many(bs, 3, rcs, errs) == 0 && rcs[0] == 0 &&
		    rcs[1] == 0 && rcs[2] == 0, "one flush for both (and a NULL)");
		is_int(md_count(a), 2, "the first mbox's two messages in place");
		is_int(md_count(b), 1, "the second's one");
		mx_mbox_conv_settle(bs[0], &sa);
		mx_mbox_conv_settle(bs[1], &sb);
		ok(sa.messages == 2 && sa.existing == 0 && sb.messages == 1,
		    "settled: two and one converted");
		ok(held_run(ma, a, &sa, &bs[0]) == 0 &&
		    mx_mdbatch_pending(bs[0], NULL) == 0, "a second run holds nothing");
		mx_mbox_conv_settle(bs[0], &sa);
		ok(sa.messages == 0 && sa.existing == 2, "and finds both there");
		ok(held_run(mc, c, &sc, &bs[2]) == 0, "a third held");
		mx_mdbatch_free(bs[2]);
		is_int(md_count(c), 0, "freed unflushed: nothing appears");
		{
			struct src sr = { ma, sizeof ma - 1, 0, 65536 };
			struct mx_err e1;

			ok(mx_mbox_to_maildir(mem_read, &sr, a1, &o1, NULL, NULL,
			    &s1, &e1) == 0 && s1.messages == 2,
			    "the one-shot conversion of the same mbox");
		}
		snprintf(cmd, sizeof cmd, "cd '%s' && diff -r A A1 >/dev/null && "
		    "test \"$(cd A && ls -R)\" = \"$(cd A1 && ls -R)\"", dir);
		ok(system(cmd) == 0, "writes the same names and bytes as held");
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			printf("# cleanup failed\n");
	}

	for (i = 0; i < MAXM; i++) {
		mx_buf_free(&g.body[i]);
		mx_buf_free(&g2.body[i]);
	}
	mx_buf_free(&big);
	return tap_done();
}
