/* test-journal.c - the transfer journal: append, last event, lock. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "journal.h"
#include "tap.h"

int
main(void)
{
	char dir[] = "/tmp/test-journal.XXXXXX", sub[256], ev[32], det[256];
	char cmd[300];
	struct mx_journal *j, *j2;
	struct mx_err err;
	FILE *fp;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(sub, sizeof sub, "%s/a/b", dir);
	mx_err_clear(&err);
	ok(mx_journal_open(&j, sub, &err) == 0, "opened, parents made: %s", err.msg);
	ok(mx_journal_open(&j2, sub, &err) == -1 &&
	    strstr(err.msg, "another mxmove run") != NULL,
	    "a second run on the same state directory is refused");
	ok(mx_journal_add(j, "alice", "start", "", &err) == 0, "start added");
	ok(mx_journal_add(j, "bob", "start", "", &err) == 0, "bob started");
	ok(mx_journal_add(j, "alice", "done", "3 3\t0\n", &err) == 0, "done added");
	ok(mx_journal_last(sub, "alice", ev, sizeof ev, det, sizeof det, &err) == 0,
	    "read back");
	is_str(ev, "done", "alice's last event");
	is_str(det, "3 3 0 ", "tabs and newlines in a detail become spaces");
	mx_journal_last(sub, "bob", ev, sizeof ev, NULL, 0, &err);
	is_str(ev, "start", "bob was interrupted");
	mx_journal_last(sub, "carol", ev, sizeof ev, NULL, 0, &err);
	is_str(ev, "", "an unknown user: no event");
	/* A torn last line (crash while writing) is ignored. */
	snprintf(cmd, sizeof cmd, "%s/journal", sub);
	fp = fopen(cmd, "a");
	if (fp) {
		fputs("1700000000\tbob\tdo", fp);
		fclose(fp);
	}
	mx_journal_last(sub, "bob", ev, sizeof ev, NULL, 0, &err);
	is_str(ev, "start", "a torn last line is ignored");
	mx_journal_close(j);
	ok(mx_journal_open(&j2, sub, &err) == 0, "the lock goes with the close");
	mx_journal_add(j2, "bob", "done", "1", &err);
	mx_journal_last(sub, "bob", ev, sizeof ev, NULL, 0, &err);
	is_str(ev, "done", "after a torn line, the next event is read whole");
	mx_journal_close(j2);

	/* An open journal: every user's last event read once, then kept up
	 * to date by the lines added. */
	ok(mx_journal_open(&j, sub, &err) == 0, "opened again: %s", err.msg);
	mx_journal_get(j, "bob", ev, sizeof ev, det, sizeof det);
	is_str(ev, "done", "bob's last event, read at open");
	is_str(det, "1", "with its detail");
	mx_journal_get(j, "alice", ev, sizeof ev, NULL, 0);
	is_str(ev, "done", "alice's, from earlier lines");
	mx_journal_get(j, "carol", ev, sizeof ev, det, sizeof det);
	ok(ev[0] == '\0' && det[0] == '\0', "an unknown user: no event");
	ok(mx_journal_add(j, "carol", "start", "", &err) == 0, "carol started");
	mx_journal_get(j, "carol", ev, sizeof ev, NULL, 0);
	is_str(ev, "start", "a line added is seen without reading the file");
	ok(mx_journal_note(j, "carol", "done", "2\t2", &err) == 0,
	    "an outcome noted without fsync");
	mx_journal_get(j, "carol", ev, sizeof ev, det, sizeof det);
	is_str(ev, "done", "the noted outcome is carol's last event");
	is_str(det, "2 2", "its detail cleaned as in the file");
	mx_journal_last(sub, "carol", ev, sizeof ev, NULL, 0, &err);
	is_str(ev, "done", "the noted line is in the file at once");
	ok(mx_journal_note(j, "dave", "start", "", &err) == 0 &&
	    mx_journal_note(j, "erin", "start", "", &err) == 0 &&
	    mx_journal_sync(j, &err) == 0, "two starts noted, then one sync");
	ok(mx_journal_sync(j, &err) == 0, "a sync with nothing pending");
	ok(mx_journal_sync(NULL, &err) == 0, "no journal: nothing to sync");
	mx_journal_last(sub, "erin", ev, sizeof ev, NULL, 0, &err);
	is_str(ev, "start", "both in the file");
	{
		char u[32];
		int i, k, bad = 0;

		/* Many users, several events each: the last one wins. */
		for (k = 0; k < 3; k++)
			for (i = 0; i < 300; i++) {
				snprintf(u, sizeof u, "u%03d", i);
				mx_journal_note(j, u, k == 2 && i % 2 ? "start" :
				    "done", "", &err);
			}
		mx_journal_close(j);
		fp = fopen(cmd, "a");	/* a torn line after the close */
		if (fp) {
			fputs("1700000000\tu001\tdo", fp);
			fclose(fp);
		}
		ok(mx_journal_open(&j, sub, &err) == 0, "reopened: %s", err.msg);
		for (i = 0; i < 300; i++) {
			snprintf(u, sizeof u, "u%03d", i);
			mx_journal_get(j, u, ev, sizeof ev, NULL, 0);
			if (strcmp(ev, i % 2 ? "start" : "done") != 0)
				bad++;
		}
		is_int(bad, 0, "300 users: each one's last event read at open "
		    "(a torn line ignored)");
	}
	mx_journal_get(j, "carol", ev, sizeof ev, NULL, 0);
	is_str(ev, "done", "a noted line is read back after the close");
	mx_journal_get(NULL, "carol", ev, sizeof ev, NULL, 0);
	is_str(ev, "", "no journal: no event");
	mx_journal_close(j);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# cleanup failed\n");
	return tap_done();
}
