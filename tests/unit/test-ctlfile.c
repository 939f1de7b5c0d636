/* test-ctlfile.c - line files kept byte for byte, entries by key, the
 * preview diff, the undo of an edit, and change records. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "changes.h"
#include "ctlfile.h"
#include "err.h"
#include "tap.h"

static char *
roundtrip(const char *text, enum mx_ctl_key key)
{
	struct mx_ctl c;
	char *out;

	if (mx_ctl_parse(&c, text, strlen(text), key, "t", NULL) == -1)
		return NULL;
	out = mx_ctl_text(&c, NULL);
	mx_ctl_free(&c);
	return out;
}

/* Parse, apply one edit, give the text back. */
static char *
edit(const char *text, enum mx_ctl_key key, const char *set, const char *rm,
    int *changed)
{
	struct mx_ctl c;
	char *out;

	if (mx_ctl_parse(&c, text, strlen(text), key, "t", NULL) == -1)
		return NULL;
	*changed = 0;
	if (set != NULL)
		*changed = mx_ctl_set(&c, set);
	if (rm != NULL)
		*changed = mx_ctl_remove(&c, rm);
	out = mx_ctl_text(&c, NULL);
	mx_ctl_free(&c);
	return out;
}

static void
test_roundtrip(void)
{
	static const char *const texts[] = {
		"",
		"example.com\n",
		"example.com",
		"# comment\n\nexample.com\n  spaced.org  \nunknown line: x\n",
		"a\n\n\n",
		"a\r\nb\r\n",
		"+example.com-:example.com:89:89:/home/vpopmail/domains/example.com:-::\n.\n",
		NULL
	};
	struct mx_ctl c;
	struct mx_err err;
	size_t i;
	char *out;

	for (i = 0; texts[i] != NULL; i++) {
		out = roundtrip(texts[i], MX_CTL_WHOLE);
		is_str(out, texts[i], "parse and rewrite keep text %zu exactly", i);
		free(out);
	}
	ok(mx_ctl_parse(&c, "a\n\0b\n", 5, MX_CTL_WHOLE, "locals", &err) == -1,
	    "a NUL byte is refused");
	is_int(err.code, MX_E_PARSE, "as a parse error");
	ok(strstr(err.msg, "locals: line 2") != NULL,
	    "naming the file and line: %s", err.msg);
}

static void
test_entries(void)
{
	struct mx_ctl c;
	char *out;
	int ch;
	const char *locals = "# our names\nexample.com\nExample.ORG  \n\n# end\n";
	const char *routes = "# routes\n:smarthost.example.net\n.af.mil:\nexample.com:old.example.net\n";

	out = edit(locals, MX_CTL_WHOLE, "new.example.net", NULL, &ch);
	is_str(out, "# our names\nexample.com\nExample.ORG  \n\n# end\nnew.example.net\n",
	    "a new entry is appended, comments and blanks kept");
	is_int(ch, 1, "and reported as a change");
	free(out);
	out = edit(locals, MX_CTL_WHOLE, "example.org", NULL, &ch);
	is_int(ch, 1, "set of a key present with other spelling replaces it");
	is_str(out, "# our names\nexample.com\nexample.org\n\n# end\n",
	    "in place");
	free(out);
	out = edit(locals, MX_CTL_WHOLE, NULL, "EXAMPLE.org", &ch);
	is_str(out, "# our names\nexample.com\n\n# end\n",
	    "remove by key, case-insensitively, trailing blanks ignored");
	is_int(ch, 1, "one line removed");
	free(out);
	out = edit(locals, MX_CTL_WHOLE, NULL, "# our names", &ch);
	is_int(ch, 0, "comments are never entries");
	free(out);
	out = edit("example.com", MX_CTL_WHOLE, "b.example", NULL, &ch);
	is_str(out, "example.com\nb.example\n",
	    "appending to a file without a final newline ends the old line");
	free(out);

	out = edit(routes, MX_CTL_COLON, "example.com:new.example.net:26", NULL, &ch);
	is_str(out, "# routes\n:smarthost.example.net\n.af.mil:\nexample.com:new.example.net:26\n",
	    "smtproutes: the route for a domain is replaced in place");
	free(out);
	out = edit(routes, MX_CTL_COLON, "example.com:old.example.net", NULL, &ch);
	is_int(ch, 0, "the same route again is no change");
	free(out);
	out = edit(routes, MX_CTL_COLON, NULL, "af.mil", &ch);
	is_int(ch, 0, "'.af.mil' (subdomains) is another key than 'af.mil'");
	free(out);
	out = edit("a.example:x\nb.example:y\na.example:z\n", MX_CTL_COLON,
	    "a.example:new", NULL, &ch);
	is_str(out, "a.example:new\nb.example:y\n",
	    "a later duplicate of the key goes (it would contradict)");
	free(out);

	out = edit("=joe:joe:1000:1000:/home/joe:::\n.\n", MX_CTL_COLON,
	    "+example.com-:example.com:89:89:/home/vpopmail/domains/example.com:-::",
	    NULL, &ch);
	is_str(out, "=joe:joe:1000:1000:/home/joe:::\n"
	    "+example.com-:example.com:89:89:/home/vpopmail/domains/example.com:-::\n.\n",
	    "users/assign: entries go before the final '.'");
	free(out);

	out = edit("example.com smtp:[old]\n# x\n", MX_CTL_SPACE,
	    "example.com\tsmtp:[new]", NULL, &ch);
	is_str(out, "example.com\tsmtp:[new]\n# x\n",
	    "transport/mailertable: keyed by the first word");
	free(out);

	mx_ctl_parse(&c, locals, strlen(locals), MX_CTL_WHOLE, "t", NULL);
	is_int(mx_ctl_entries(&c), 2, "two entries counted");
	ok(mx_ctl_find(&c, "example.org") == 2, "find gives the line index");
	ok(mx_ctl_get(&c, "nothere") == NULL, "a missing key gives NULL");
	mx_ctl_free(&c);
}

static void
test_diff(void)
{
	char *d;
	const char *a = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n";
	const char *b = "1\n2\n3\n4\n5\nsix\n7\n8\n9\n10\n11\n";

	d = mx_diff("/var/qmail/control/locals", a, strlen(a), a, strlen(a));
	is_str(d, "", "equal texts: no diff");
	free(d);
	d = mx_diff("f", a, strlen(a), b, strlen(b));
	is_str(d, "--- f\n+++ f\n@@ -3,8 +3,9 @@\n 3\n 4\n 5\n-6\n+six\n 7\n 8\n 9\n 10\n+11\n",
	    "changes close together share one hunk with 3 lines of context");
	free(d);
	d = mx_diff("f", NULL, 0, "x\n", 2);
	ok(d != NULL && strstr(d, "does not exist yet") && strstr(d, "@@ -0,0 +1,1 @@\n+x\n"),
	    "a new file diffs from nothing");
	free(d);
	d = mx_diff("f", "x", 1, "x\n", 2);
	ok(d != NULL && strstr(d, "-x\n\\ No newline at end of file\n+x\n"),
	    "a missing final newline is shown");
	free(d);
}

static void
test_revert(void)
{
	const char *before = "# locals\nexample.com\nold.example.net\n";
	const char *after = "# locals\nold.example.net\nnew.example.net\n";
	const char *now = "# locals\nold.example.net\nnew.example.net\nsomeone.else\n";
	size_t len;
	char *out;

	out = mx_ctl_revert(before, strlen(before), after, strlen(after), after,
	    strlen(after), &len);
	is_str(out, before, "unchanged since: the text before, byte for byte");
	free(out);
	out = mx_ctl_revert(before, strlen(before), after, strlen(after), now,
	    strlen(now), &len);
	is_str(out, "# locals\nexample.com\nold.example.net\nsomeone.else\n",
	    "edited since: our lines undone, the other edit kept");
	free(out);
}

static void
test_record(void)
{
	struct mx_changes cs = MX_CHANGES_INIT, back = MX_CHANGES_INIT;
	struct mx_buf a = MX_BUF_INIT, b = MX_BUF_INIT;
	struct mx_err err;
	const char *argv[] = { "sh", "-c", "kill -HUP $p && echo 'it''s done'", NULL };
	const char *odd = "a b\n%x\n\nno newline";

	mx_changes_file(&cs, "/var/qmail/control/locals", "a\n", 2, "a\nb\n", 4,
	    0644, &err);
	mx_changes_file(&cs, "/etc/odd name", NULL, 0, odd, strlen(odd), 0600,
	    &err);
	mx_changes_file(&cs, "/same", "x", 1, "x", 1, 0644, &err);
	mx_changes_mode(&cs, "/home/joe", 0755, 01755, &err);
	mx_changes_mode(&cs, "/home/same", 0755, 0755, &err);
	mx_changes_run(&cs, MX_RUN_APPLY | MX_RUN_DAEMON, argv, &err);
	mx_changes_run(&cs, MX_RUN_UNDO, argv, &err);
	is_int(cs.n, 4, "unchanged files and modes are not planned; runs merged");
	is_int(mx_changes_count(&cs), 3, "three changes (commands aside)");
	is_int(cs.v[3].when, MX_RUN_APPLY | MX_RUN_UNDO | MX_RUN_DAEMON,
	    "the same command twice: one run, both times");
	mx_changes_dump(&cs, &a);
	ok(mx_changes_load(&back, a.data, a.len, "state", &err) == 0,
	    "a record reads back");
	mx_changes_dump(&back, &b);
	is_str(b.data, a.data, "and dumps to the same bytes");
	is_str(back.v[1].after, odd, "odd bytes survive");
	ok(back.v[1].before == NULL, "a file that did not exist stays so");
	is_str(back.v[3].argv[2], argv[2], "quotes in commands survive");
	mx_changes_free(&back);
	/* two sets in one state file read as one, first "before" kept */
	mx_buf_reset(&b);
	mx_changes_free(&cs);
	mx_changes_file(&cs, "/var/qmail/control/locals", "a\nb\n", 4,
	    "a\nb\nc\n", 6, 0644, &err);
	mx_changes_dump(&cs, &a);
	ok(mx_changes_load(&back, a.data, a.len, "state", &err) == 0,
	    "two sets read as one");
	is_str(back.v[0].before, "a\n", "the first text before is kept");
	is_str(back.v[0].after, "a\nb\nc\n", "the last text after is kept");
	mx_changes_free(&back);
	ok(mx_changes_load(&back, "file /x 1 644 99 1\nab\n", 21, "state",
	    &err) == -1, "a truncated record is refused");
	ok(strstr(err.msg, "state: line 1") != NULL, "with its line: %s",
	    err.msg);
	mx_changes_free(&back);
	mx_changes_free(&cs);
	mx_buf_free(&a);
	mx_buf_free(&b);
}

int
main(void)
{
	test_roundtrip();
	test_entries();
	test_diff();
	test_revert();
	test_record();
	return tap_done();
}
