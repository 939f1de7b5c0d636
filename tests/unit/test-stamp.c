/* test-stamp.c - the directories' times a listing takes and a verified
 * pass records (src/stamp.c), through the local transport: which
 * directories count, times too recent to record, the file read back,
 * damaged and foreign files, and the question to the host telling
 * changed Maildirs from unchanged ones. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "err.h"
#include "host.h"
#include "listing.h"
#include "stamp.h"
#include "tap.h"
#include "tree.h"

static char dir[] = "/tmp/mxstamp-test.XXXXXX";
static struct mx_host *h;
static char md[256], path[256];

/* Whether the Maildir (as source and as target) is as recorded. */
static int
same_now(struct mx_stamp *st)
{
	const char *dirs[1] = { md };
	struct mx_stamp *v[1] = { st };
	int same[1] = { st != NULL };
	struct mx_err err;

	if (mx_stamp_check(h, 0, dirs, v, 1, same, &err) == -1 ||
	    mx_stamp_check(h, 1, dirs, v, 1, same, &err) == -1)
		return -1;
	return same[0];
}

/* List md, record it as both sides (aged: listed 3 s later than it
 * was), load it back. */
static struct mx_stamp *
record(void)
{
	struct mx_listing l;
	struct mx_stamp *st = NULL;
	struct mx_err err;

	if (mx_listing_init(&l, &err) == -1 || mx_listing_read(h, md, &l, &err) == -1)
		return NULL;
	l.listed_at += 3000000000LL;
	if (mx_stamp_save(path, "id", &l, &l, &err) != 1 ||
	    mx_stamp_load(path, "id", &st, &err) == -1)
		st = NULL;
	mx_listing_free(&l);
	return st;
}

int
main(void)
{
	struct mx_listing l;
	struct mx_stamp *st = NULL;
	struct mx_err err;
	char cmd[1024];
	FILE *f;
	int r;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(md, sizeof md, "%s/Maildir", dir);
	snprintf(path, sizeof path, "%s/alice.stamp", dir);
	tree_mkpath(dir, "Maildir/cur/deeper", 0700);
	tree_mkpath(dir, "Maildir/new", 0700);
	tree_mkpath(dir, "Maildir/tmp", 0700);
	tree_mkpath(dir, "Maildir/.Sent/cur", 0700);
	tree_mkpath(dir, "Maildir/.Sent/new", 0700);
	tree_mkpath(dir, "Maildir/.Sent/tmp", 0700);
	tree_put(dir, "Maildir/cur/1700000000.M1P1.old:2,S", "hello");
	tree_put(dir, "Maildir/.Sent/cur/1700000002.M3P1.old:2,", "sent\n");
	ok(mx_host_open(&h, "local:", NULL, NULL, &err) == 0, "local host");

	/* What a listing takes. */
	ok(mx_listing_init(&l, &err) == 0 && mx_listing_read(h, md, &l, &err) == 0,
	    "listed");
	is_int((int)l.n, 2, "two messages");
	is_int((int)(l.dirs.len > 0), 1, "directories' times taken");
	{
		/* The paths alone, sorted. */
		char *lines = strdup(l.dirs.data ? l.dirs.data : ""), *s, *sv;
		char got[512] = "";
		const char *want = "|.Sent|.Sent/cur|.Sent/new|cur|new|";
		char *names[16];
		int n = 0, i, k;

		for (s = strtok_r(lines, "\n", &sv); s && n < 16; s = strtok_r(NULL, "\n", &sv)) {
			*strchr(s, '\t') = '\0';
			names[n++] = s;
		}
		for (i = 0; i < n; i++)
			for (k = i + 1; k < n; k++)
				if (strcmp(names[k], names[i]) < 0) {
					char *x = names[i];
					names[i] = names[k];
					names[k] = x;
				}
		for (i = 0; i < n; i++) {
			strcat(got, names[i]);
			strcat(got, "|");
		}
		is_str(got, want, "the Maildir, new, cur, a folder and its new and cur (no tmp, nothing deeper)");
		free(lines);
	}
	ok(l.dirs_newest > 0 && l.dirs_newest <= l.listed_at + 1000000000LL,
	    "the newest time is the directories' own");

	/* Times within 2 s of the listing are not recorded. */
	tree_put(dir, "alice.stamp", "left from before\n");
	r = mx_stamp_save(path, "id", &l, &l, &err);
	is_int(r, 0, "just made: not recorded");
	ok(access(path, F_OK) == -1, "and what the file held is removed");
	{
		/* Only the old host's side must have settled. */
		struct mx_listing a;

		ok(mx_listing_init(&a, &err) == 0 &&
		    mx_listing_read(h, md, &a, &err) == 0, "listed again");
		a.listed_at += 3000000000LL;
		is_int(mx_stamp_save(path, "id", &l, &a, &err), 0,
		    "the old host's side just changed: not recorded");
		is_int(mx_stamp_save(path, "id", &a, &l, &err), 1,
		    "the new host's side just changed (the copy): recorded");
		l.listed_at = 0;
		is_int(mx_stamp_save(path, "id", &l, &a, &err), 0,
		    "the old host's clock not known: not recorded");
		ok(access(path, F_OK) == -1, "and the file removed");
		mx_listing_free(&a);
	}
	mx_listing_free(&l);

	st = record();
	ok(st != NULL, "aged: recorded and read back");
	if (st != NULL) {
		is_int((int)mx_stamp_counts(st)->src_msgs, 2, "the counts kept");
		is_int((int)mx_stamp_counts(st)->dst_bytes, 10, "and the bytes");
	}
	is_int(same_now(st), 1, "nothing changed: the same");
	tree_put(dir, "Maildir/tmp/1700000009.M9P1.old", "delivering");
	is_int(same_now(st), 1, "a file in tmp/: still the same");
	tree_put(dir, "Maildir/cur/deeper/x", "x");
	is_int(same_now(st), 1, "below cur/'s subdirectory: still the same");
	tree_put(dir, "Maildir/new/1700000010.M10P1.old", "new mail");
	is_int(same_now(st), 0, "new mail: changed");
	mx_stamp_free(st);

	st = record();
	is_int(same_now(st), 1, "recorded again: the same");
	snprintf(cmd, sizeof cmd, "mv '%s/cur/1700000000.M1P1.old:2,S' "
	    "'%s/cur/1700000000.M1P1.old:2,RS'", md, md);
	ok(system(cmd) == 0, "a message flagged");
	is_int(same_now(st), 0, "flagged: changed");
	mx_stamp_free(st);

	st = record();
	snprintf(cmd, sizeof cmd, "rm -r '%s/.Sent'", md);
	ok(system(cmd) == 0, "a folder deleted");
	is_int(same_now(st), 0, "a folder gone: changed");
	mx_stamp_free(st);

	/* Damaged and foreign files are nothing. */
	st = record();
	ok(st != NULL, "recorded");
	mx_stamp_free(st);
	st = NULL;
	ok(mx_stamp_load(path, "other", &st, &err) == 0 && st == NULL,
	    "made for other directories: nothing");
	snprintf(cmd, sizeof cmd, "sed -i '$d' '%s'", path);
	ok(system(cmd) == 0 && mx_stamp_load(path, "id", &st, &err) == 0 &&
	    st == NULL, "cut short: nothing");
	f = fopen(path, "w");
	if (f != NULL) {
		fputs("mxmove-stamp 1\tid\ncounts\t1\t2\t3\t4\nend\t0\n", f);
		fclose(f);
	}
	ok(mx_stamp_load(path, "id", &st, &err) == 0 && st == NULL,
	    "no directories: nothing");
	ok(mx_stamp_load("/nonexistent/x.stamp", "id", &st, &err) == 0 &&
	    st == NULL, "no file: nothing");

	mx_host_close(h);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		return 1;
	return tap_done();
}
