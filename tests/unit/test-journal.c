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
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# cleanup failed\n");
	return tap_done();
}
