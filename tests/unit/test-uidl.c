/* test-uidl.c - UIDL lists as qmail-pop3d presents them, and their diff. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "uidl.h"

int
main(void)
{
	struct mx_uidl_list old = { 0 }, new_ = { 0 }, bad = { 0 };
	struct mx_uidl_diff d;
	struct mx_err err;

	/* find -printf '%T@ %s %f\n' over new/ and cur/, in no order. */
	ok(mx_uidl_parse_find(
	    "1700000300.0000000000 120 1700000300.M1P2.old,S=120:2,S\n"
	    "1700000100.5000000000 4096 1700000100.12345.old.example.org\n"
	    "1700000200.0000000000 77 1700000200.M9P9V1.old:2,\n", &old, &err) == 0,
	    "a maildir listing parses");
	is_int(old.n, 3, "three messages");
	is_str(old.v[0].uidl, "1700000100.12345.old.example.org", "oldest first (mtime order)");
	is_str(old.v[1].uidl, "1700000200.M9P9V1.old", "UIDL stops at the first ':'");
	is_str(old.v[2].uidl, "1700000300.M1P2.old,S=120", "S= stays part of the UIDL");
	is_int(old.v[0].size, 4096, "size kept");

	ok(mx_uidl_parse_find("garbage line\n", &bad, &err) == -1, "garbage is refused");
	ok(strstr(err.msg, "line 1") != NULL, "the error names the line: %s", err.msg);
	ok(mx_uidl_parse_find("", &bad, &err) == 0 && bad.n == 0, "an empty maildir is empty");

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
	return tap_done();
}
