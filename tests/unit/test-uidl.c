/* test-uidl.c - UIDL lists as qmail-pop3d presents them, and their diff. */
#include <config.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "host.h"
#include "tap.h"
#include "uidl.h"

/* Write a message of size bytes at dir/rel with this mtime. */
static int
put(const char *dir, const char *rel, time_t mtime, size_t size)
{
	char path[512], cmd[600];
	struct timespec ts[2];
	FILE *fp;
	size_t i;

	snprintf(cmd, sizeof cmd, "mkdir -p '%s/new' '%s/cur' '%s/tmp' '%s/.Sent/cur' "
	    "'%s/.Sent/new' '%s/.Sent/tmp'", dir, dir, dir, dir, dir, dir);
	if (system(cmd) != 0)
		return -1;
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	if ((fp = fopen(path, "w")) == NULL)
		return -1;
	for (i = 0; i < size; i++)
		fputc('x', fp);
	fclose(fp);
	ts[0].tv_sec = ts[1].tv_sec = mtime;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	return utimensat(AT_FDCWD, path, ts, 0);
}

int
main(void)
{
	struct mx_uidl_list old = { 0 }, new_ = { 0 }, bad = { 0 };
	struct mx_uidl_diff d;
	struct mx_err err;
	struct mx_host *h = NULL;
	char dir[] = "/tmp/mxuidl.XXXXXX", path[256];

	/* A Maildir as qmail leaves it, read through the host layer. */
	ok(mkdtemp(dir) != NULL, "a temporary Maildir");
	ok(put(dir, "cur/1700000300.M1P2.old,S=120:2,S", 1700000300, 120) == 0 &&
	    put(dir, "new/1700000100.12345.old.example.org", 1700000100, 4096) == 0 &&
	    put(dir, "cur/1700000200.M9P9V1.old:2,", 1700000200, 77) == 0 &&
	    put(dir, ".Sent/cur/1700000050.1.old:2,S", 1700000050, 10) == 0,
	    "four messages, one in a folder");
	ok(mx_host_open(&h, "local:", NULL, NULL, &err) == 0, "open this machine");
	ok(mx_uidl_from_maildir(h, dir, &old, &err) == 0, "the store's UIDLs: %s", err.msg);
	is_int(old.n, 3, "three messages in the inbox (folders are not POP3's)");
	is_str(old.n > 0 ? old.v[0].uidl : NULL, "1700000100.12345.old.example.org",
	    "oldest first (mtime order)");
	is_str(old.n > 1 ? old.v[1].uidl : NULL, "1700000200.M9P9V1.old",
	    "UIDL stops at the first ':'");
	is_str(old.n > 2 ? old.v[2].uidl : NULL, "1700000300.M1P2.old,S=120",
	    "S= stays part of the UIDL");
	is_int(old.n > 0 ? old.v[0].size : 0, 4096, "size kept");
	snprintf(path, sizeof path, "%s/nonexistent", dir);
	ok(mx_uidl_from_maildir(h, path, &bad, &err) == -1 &&
	    strstr(err.msg, "not a Maildir") != NULL, "a missing Maildir is an error: %s",
	    err.msg);
	mx_host_close(h);

	mx_uidl_add(&new_, "1700000100.12345.old.example.org", 4096);
	mx_uidl_add(&new_, "1700000300.M1P2.old,S=120", 120);
	mx_uidl_add(&new_, "renamed-by-the-import", 77);
	ok(mx_uidl_diff(&old, &new_, &d, &err) == 0, "diff runs");
	is_int(d.unchanged, 2, "two UIDLs unchanged");
	is_int(d.nmissing, 1, "one UIDL the new host lost");
	is_str(d.nmissing ? d.missing[0] : NULL, "1700000200.M9P9V1.old", "it is named");
	is_int(d.nadded, 1, "one UIDL the new host made up");
	is_str(d.nadded ? d.added[0] : NULL, "renamed-by-the-import", "it is named");
	mx_uidl_diff_free(&d);

	ok(mx_uidl_diff(&old, &old, &d, &err) == 0 && d.unchanged == 3 &&
	    d.nmissing == 0 && d.nadded == 0, "a list equals itself");
	mx_uidl_diff_free(&d);
	mx_uidl_free(&old);
	mx_uidl_free(&new_);
	mx_uidl_free(&bad);
	snprintf(path, sizeof path, "rm -rf '%s'", dir);
	if (system(path) != 0)
		return 1;
	return tap_done();
}
