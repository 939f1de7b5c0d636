/* test-maildir.c - Maildir names, flags, walking, safe writes, quota. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "maildir.h"
#include "tap.h"

struct seen {
	int count;
	char list[16][256];
};

static int
visit(void *ctx, const char *folder, const char *sub, const char *name,
    const struct stat *st, struct mx_err *err)
{
	struct seen *s = ctx;

	(void)st;
	(void)err;
	if (s->count < 16)
		snprintf(s->list[s->count], 256, "%s|%s|%s", folder, sub, name);
	s->count++;
	return 0;
}

static int
cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void
put(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	if (fp) {
		fputs(text, fp);
		fclose(fp);
	}
}

static char *
slurp(const char *path)
{
	static char buf[4096];
	FILE *fp = fopen(path, "r");
	size_t n;

	if (fp == NULL)
		return NULL;
	n = fread(buf, 1, sizeof buf - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

int
main(void)
{
	struct mx_mdname mn;
	struct mx_err err;
	struct mx_mdwriter *w;
	struct mx_nameset *ns;
	struct seen s;
	struct stat st;
	char dir[] = "/tmp/test-maildir.XXXXXX", path[512], key[256];
	char flags[16];
	uint64_t bytes, count, sz, em2, eb2, pb;
	int existed, i, added;

	/* names */
	ok(mx_maildir_parse_name("1700000000.M1P2.host,S=1234:2,FS", &mn) == 0,
	    "a Dovecot name parses");
	is_int(mn.base_len, strlen("1700000000.M1P2.host,S=1234"),
	    "the unique part stops at ':'");
	is_str(mn.flags, "FS", "flags after :2,");
	is_int(mn.has_size, 1, ",S= seen");
	is_int(mn.size, 1234, ",S= value");
	ok(mx_maildir_parse_name("1700000000.1234.old.example.org", &mn) == 0 &&
	    mn.flags == NULL && !mn.has_size, "a qmail new/ name: no flags, no S=");
	ok(mx_maildir_parse_name(".hidden", &mn) == -1, "a dot file is no message");
	ok(mx_maildir_parse_name("a/b", &mn) == -1, "a slash is refused");
	ok(mx_maildir_parse_name(":2,S", &mn) == -1, "an empty unique part is refused");
	ok(mx_maildir_is_folder(".Sent") && mx_maildir_is_folder(".A.B"),
	    "Maildir++ folders");
	ok(!mx_maildir_is_folder(".") && !mx_maildir_is_folder("..") &&
	    !mx_maildir_is_folder("cur"), ". .. and cur are no folders");
	strcpy(flags, "SRFFa2D");
	mx_maildir_flags_sort(flags);
	is_str(flags, "DFRSa", "flags sorted, duplicates and digits dropped");
	ok(mx_maildir_key(key, sizeof key, ".Sent", "123.x.h:2,S") == 0,
	    "key built");
	is_str(key, ".Sent/123.x.h", "key is FOLDER/UNIQUE");

	/* make, write, commit */
	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof path, "%s/Maildir", dir);
	mx_err_clear(&err);
	ok(mx_maildir_make(path, 0700, (uid_t)-1, (gid_t)-1, &err) == 0,
	    "Maildir made: %s", err.msg);
	snprintf(path, sizeof path, "%s/Maildir/cur", dir);
	ok(stat(path, &st) == 0 && S_ISDIR(st.st_mode) &&
	    (st.st_mode & 07777) == 0700, "cur/ exists, mode 0700");
	snprintf(path, sizeof path, "%s/Maildir", dir);
	ok(mx_mdwriter_open(&w, path, &err) == 0, "writer opened");
	ok(mx_mdwriter_write(w, "Subject: x\n\nhi\n", 15, &err) == 0, "written");
	is_int(mx_mdwriter_size(w), 15, "size counted");
	ok(mx_mdwriter_commit(w, "cur", "1000.A.h:2,S", 0600, (uid_t)-1,
	    (gid_t)-1, 1000000000, &existed, &err) == 0 && !existed,
	    "committed to cur/");
	snprintf(path, sizeof path, "%s/Maildir/cur/1000.A.h:2,S", dir);
	ok(stat(path, &st) == 0 && st.st_mtime == 1000000000 &&
	    (st.st_mode & 07777) == 0600 && st.st_size == 15,
	    "mtime, mode and size right");
	snprintf(path, sizeof path, "%s/Maildir", dir);
	ok(mx_mdwriter_open(&w, path, &err) == 0, "second writer");
	mx_mdwriter_write(w, "other\n", 6, &err);
	ok(mx_mdwriter_commit(w, "cur", "1000.A.h:2,S", 0600, (uid_t)-1,
	    (gid_t)-1, -1, &existed, &err) == 0 && existed,
	    "a name already there is reported, never replaced");
	snprintf(path, sizeof path, "%s/Maildir/cur/1000.A.h:2,S", dir);
	is_str(slurp(path), "Subject: x\n\nhi\n", "the first file is intact");
	snprintf(path, sizeof path, "%s/Maildir/tmp", dir);
	{
		struct seen t = { 0 };
		char mroot[512];

		snprintf(mroot, sizeof mroot, "%s/Maildir", dir);
		mx_maildir_walk(mroot, visit, &t, &err);
		is_int(t.count, 1, "tmp/ left empty, one message");
	}

	/* walk with folders, a symlink, a dot file */
	snprintf(path, sizeof path, "%s/Maildir/new/1001.B.h,S=5", dir);
	put(path, "12345");
	snprintf(path, sizeof path, "%s/Maildir/new/.nfs123", dir);
	put(path, "x");
	snprintf(path, sizeof path, "%s/Maildir/.Sent", dir);
	mx_maildir_make(path, 0700, (uid_t)-1, (gid_t)-1, &err);
	snprintf(path, sizeof path, "%s/Maildir/.Sent/cur/1002.C.h:2,RS", dir);
	put(path, "sent\n");
	snprintf(path, sizeof path, "%s/Maildir/.Sent/cur/link", dir);
	ok(symlink("/etc/passwd", path) == 0, "a symlink planted");
	memset(&s, 0, sizeof s);
	snprintf(path, sizeof path, "%s/Maildir", dir);
	ok(mx_maildir_walk(path, visit, &s, &err) == 0, "walk");
	is_int(s.count, 3, "three messages (symlink and dot file skipped)");
	qsort(s.list, (size_t)(s.count < 16 ? s.count : 16), 256, cmp);
	is_str(s.list[0], ".Sent|cur|1002.C.h:2,RS", "folder message");
	is_str(s.list[1], "|cur|1000.A.h:2,S", "INBOX cur");
	is_str(s.list[2], "|new|1001.B.h,S=5", "INBOX new");
	snprintf(path, sizeof path, "%s/nowhere", dir);
	ok(mx_maildir_walk(path, visit, &s, &err) == -1 &&
	    err.code == MX_E_NOTFOUND, "a missing Maildir: not found");

	/* maildirsize */
	snprintf(path, sizeof path, "%s/Maildir", dir);
	ok(mx_maildir_quota_recompute(path, NULL, &bytes, &count, &err) == 0,
	    "quota recompute without a file");
	is_int(count, 3, "three messages counted");
	is_int(bytes, 15 + 5 + 5, "bytes from S= or the file size");
	snprintf(path, sizeof path, "%s/Maildir/maildirsize", dir);
	ok(access(path, F_OK) == -1, "no maildirsize made when none existed");
	put(path, "1000000S,100C\n999 9\n-5 -1\n");
	snprintf(path, sizeof path, "%s/Maildir", dir);
	ok(mx_maildir_quota_recompute(path, NULL, NULL, NULL, &err) == 0,
	    "quota recompute with a file");
	snprintf(path, sizeof path, "%s/Maildir/maildirsize", dir);
	is_str(slurp(path), "1000000S,100C\n25 3\n",
	    "definition kept, one line of totals");
	snprintf(path, sizeof path, "%s/Maildir", dir);
	mx_maildir_quota_recompute(path, "5000S", NULL, NULL, &err);
	snprintf(path, sizeof path, "%s/Maildir/maildirsize", dir);
	is_str(slurp(path), "5000S\n25 3\n", "a new definition replaces the old");

	/* group commit */
	{
		struct mx_mdbatch *b;
		uint64_t em, eb;
		char md[512];
		int k;

		snprintf(md, sizeof md, "%s/Maildir", dir);
		ok(mx_mdbatch_new(&b, md, &err) == 0, "batch opened");
		for (k = 0; k < 3; k++) {
			mx_mdwriter_open(&w, md, &err);
			mx_mdwriter_write(w, "batched\n", 8, &err);
			snprintf(key, sizeof key, k == 2 ? "1000.A.h:2,S" :
			    "2000.B%d.h:2,S", k);
			ok(mx_mdwriter_commit_batch(w, b, "cur", key, 0600,
			    (uid_t)-1, (gid_t)-1, 1500000000, &err) == 0,
			    "message %d queued", k);
		}
		snprintf(path, sizeof path, "%s/Maildir/cur/2000.B0.h:2,S", dir);
		ok(access(path, F_OK) == -1, "nothing in place before the flush");
		ok(mx_mdbatch_flush(b, &err) == 0, "flushed: %s", err.msg);
		ok(access(path, F_OK) == 0 && stat(path, &st) == 0 &&
		    st.st_mtime == 1500000000, "in place after the flush, mtime set");
		mx_mdbatch_existed(b, &em, &eb);
		ok(em == 1 && eb == 8, "the name already there is counted, not replaced");
		snprintf(path, sizeof path, "%s/Maildir/cur/1000.A.h:2,S", dir);
		is_str(slurp(path), "Subject: x\n\nhi\n", "the old file is intact");
		mx_mdwriter_open(&w, md, &err);
		mx_mdwriter_write(w, "dropped\n", 8, &err);
		mx_mdwriter_commit_batch(w, b, "new", "3000.C.h", 0600, (uid_t)-1,
		    (gid_t)-1, -1, &err);
		mx_mdbatch_free(b);
		snprintf(path, sizeof path, "%s/Maildir/new/3000.C.h", dir);
		ok(access(path, F_OK) == -1, "freeing a batch drops what waits");
		snprintf(path, sizeof path, "%s/Maildir/tmp", dir);
		{
			struct seen t = { 0 };

			mx_maildir_walk(md, visit, &t, &err);
			is_int(t.count, 5, "five messages now");
		}
		snprintf(path, sizeof path, "ls -A '%s/Maildir/tmp' | grep -q .", dir);
		ok(system(path) != 0, "tmp/ is empty");
		/* clean the extra messages so the quota figures stay as before */
		snprintf(path, sizeof path, "%s/Maildir/cur/2000.B0.h:2,S", dir);
		unlink(path);
		snprintf(path, sizeof path, "%s/Maildir/cur/2000.B1.h:2,S", dir);
		unlink(path);
	}

	/* writers of a batch: by descriptor, mode 0600 whatever the umask */
	is_int(mx_maildir_umask_parse("Name:\tx\nUmask:\t0022\nState:\tR\n"),
	    022, "umask read from a status text");
	is_int(mx_maildir_umask_parse("Name:\tx\nUmask:\t0277\n"), 0277,
	    "umask 0277 read");
	is_int(mx_maildir_umask_parse("Name:\tx\nState:\tR\n"), -1,
	    "no Umask line: unknown");
	is_int(mx_maildir_umask_parse("Name:\tx\nUmask:\t08x\n"), -1,
	    "a garbled Umask line: unknown");
	{
		static const mode_t masks[] = { 022, 0277, 022, 0277 };
		struct mx_mdbatch *b;
		struct mx_mdwriter *w2;
		char md[256], name[64];
		size_t mi;

		for (mi = 0; mi < 4; mi++) {
			mode_t old = umask(masks[mi]);
			int named = mi >= 2;

			snprintf(md, sizeof md, "%s/Batch%zu", dir, mi);
			mx_maildir_make(md, 0700, (uid_t)-1, (gid_t)-1, &err);
			ok(mx_mdbatch_new(&b, md, &err) == 0,
			    "umask %03o, %s files: a batch", (unsigned)masks[mi],
			    named ? "named" : "O_TMPFILE");
			if (named)
				mx_mdbatch_named(b);
			ok(mx_mdbatch_writer(b, &w, &err) == 0, "a batch writer");
			mx_mdwriter_write(w, "by fd\n", 6, &err);
			if (named) {
				snprintf(path, sizeof path,
				    "test $(ls -A '%s/tmp' | wc -l) = 0", md);
				ok(system(path) == 0, "no file made before it is "
				    "needed (a message found there already costs "
				    "no write)");
			}
			snprintf(name, sizeof name, "4000.D%zu.h:2,S", mi);
			ok(mx_mdwriter_commit_batch(w, b, "cur", name, 0600,
			    (uid_t)-1, (gid_t)-1, 1600000000, &err) == 0,
			    "committed to the batch");
			ok(mx_mdbatch_writer(b, &w, &err) == 0, "a second writer");
			mx_mdwriter_write(w, "new\n", 4, &err);
			ok(mx_mdwriter_commit_batch(w, b, "new", "4001.E.h", 0600,
			    (uid_t)-1, (gid_t)-1, -1, &err) == 0, "one for new/");
			ok(mx_mdbatch_writer(b, &w2, &err) == 0, "a third, aborted");
			mx_mdwriter_write(w2, "gone\n", 5, &err);
			mx_mdwriter_abort(w2);
			is_int(mx_mdbatch_pending(b, &pb), 2, "two messages wait");
			is_int(pb, 10, "of 10 bytes");
			if (named) {
				snprintf(path, sizeof path,
				    "test $(ls -A '%s/tmp' | wc -l) = 2", md);
				ok(system(path) == 0, "named: they wait in tmp/");
			}
			ok(mx_mdbatch_flush(b, &err) == 0, "flushed");
			is_int(mx_mdbatch_pending(b, NULL), 0, "none waits after the flush");
			snprintf(path, sizeof path, "%s/cur/%s", md, name);
			ok(stat(path, &st) == 0 && (st.st_mode & 07777) == 0600 &&
			    st.st_mtime == 1600000000 && st.st_size == 6,
			    "in cur/: mode 0600, mtime and size right");
			is_str(slurp(path), "by fd\n", "its content");
			snprintf(path, sizeof path, "%s/new/4001.E.h", md);
			ok(stat(path, &st) == 0 && (st.st_mode & 07777) == 0600,
			    "in new/: mode 0600");
			/* the same name again: never replaced */
			mx_mdbatch_writer(b, &w, &err);
			mx_mdwriter_write(w, "other\n", 6, &err);
			mx_mdwriter_commit_batch(w, b, "cur", name, 0600, (uid_t)-1,
			    (gid_t)-1, -1, &err);
			ok(mx_mdbatch_flush(b, &err) == 0, "second flush");
			mx_mdbatch_existed(b, &em2, &eb2);
			ok(em2 == 1 && eb2 == 6, "the name already there is counted");
			snprintf(path, sizeof path, "%s/cur/%s", md, name);
			is_str(slurp(path), "by fd\n", "and left intact");
			mx_mdbatch_free(b);
			snprintf(path, sizeof path, "ls -A '%s/tmp' | grep -q .", md);
			ok(system(path) != 0, "tmp/ is empty");
			umask(old);
		}
		/* one batch holding both kinds of file */
		snprintf(md, sizeof md, "%s/Mixed", dir);
		mx_maildir_make(md, 0700, (uid_t)-1, (gid_t)-1, &err);
		mx_mdbatch_new(&b, md, &err);
		mx_mdbatch_writer(b, &w, &err);
		mx_mdwriter_write(w, "one\n", 4, &err);
		mx_mdwriter_commit_batch(w, b, "cur", "5000.F.h:2,", 0600,
		    (uid_t)-1, (gid_t)-1, -1, &err);
		mx_mdbatch_named(b);
		mx_mdbatch_writer(b, &w, &err);
		mx_mdwriter_write(w, "two\n", 4, &err);
		mx_mdwriter_commit_batch(w, b, "new", "5001.G.h", 0600,
		    (uid_t)-1, (gid_t)-1, -1, &err);
		ok(mx_mdbatch_flush(b, &err) == 0, "a mixed batch flushed");
		snprintf(path, sizeof path, "%s/cur/5000.F.h:2,", md);
		is_str(slurp(path), "one\n", "the first in place");
		snprintf(path, sizeof path, "%s/new/5001.G.h", md);
		is_str(slurp(path), "two\n", "the second in place");
		mx_mdbatch_free(b);

		snprintf(md, sizeof md, "%s/NoMaildir", dir);
		mkdir(md, 0700);
		ok(mx_mdbatch_new(&b, md, &err) == 0 &&
		    mx_mdbatch_writer(b, &w, &err) == -1 &&
		    strstr(err.msg, "not a Maildir") != NULL,
		    "no tmp/: the batch writer says so");
		mx_mdbatch_free(b);
	}

	/* a directory for many Maildirs */
	{
		char top[256], probe[256];
		int made;

		snprintf(probe, sizeof probe, "%s/probe", dir);
		mkdir(probe, 0700);
		snprintf(top, sizeof top, "%s/top", dir);
		ok(mx_maildir_make_parent(top, 0700, (uid_t)-1, (gid_t)-1, &made,
		    &err) == 0 && made, "a parent directory made");
		ok(stat(top, &st) == 0 && S_ISDIR(st.st_mode) &&
		    (st.st_mode & 07777) == 0700, "mode 0700");
		ok(mx_maildir_make_parent(top, 0700, (uid_t)-1, (gid_t)-1, &made,
		    &err) == 0 && !made, "one already there: left as it is");
		ok(mx_maildir_make_parent(probe, 0700, (uid_t)-1, (gid_t)-1,
		    &made, &err) == 0 && !made, "also when not made here");
		snprintf(path, sizeof path, "%s/afile", dir);
		put(path, "x");
		ok(mx_maildir_make_parent(path, 0700, (uid_t)-1, (gid_t)-1, &made,
		    &err) == -1 && strstr(err.msg, "not a directory") != NULL,
		    "a file there: refused, said so");
		snprintf(path, sizeof path, "%s/no/such", dir);
		ok(mx_maildir_make_parent(path, 0700, (uid_t)-1, (gid_t)-1, &made,
		    &err) == -1 && strstr(err.msg, "cannot create") != NULL,
		    "a missing parent: cannot create");
	}

	/* name set */
	ns = mx_nameset_new();
	added = 0;
	for (i = 0; i < 5000; i++) {
		snprintf(key, sizeof key, "/%d.M%dP1.host", i, i * 7);
		added += mx_nameset_add(ns, key, (uint64_t)i);
	}
	is_int(added, 5000, "5000 keys added");
	is_int(mx_nameset_add(ns, "/10.M70P1.host", 1), 0, "a key twice: not added");
	ok(mx_nameset_has(ns, "/4999.M34993P1.host", &sz) && sz == 4999,
	    "found with its size after growing");
	ok(!mx_nameset_has(ns, "/5000.M35000P1.host", NULL), "absent key");
	is_int(mx_nameset_count(ns), 5000, "count");
	mx_nameset_free(ns);

	snprintf(path, sizeof path, "rm -rf '%s'", dir);
	if (system(path) != 0)
		printf("# cleanup failed\n");
	return tap_done();
}
