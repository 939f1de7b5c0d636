/* test-overview.c - the overview across all accounts: built from the
 * accounts map, the last pass's results and the ledger; sorted, filtered,
 * as JSON. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "ledger.h"
#include "overview.h"
#include "tap.h"

static int
put(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *fp;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((fp = fopen(path, "w")) == NULL)
		return -1;
	fputs(text, fp);
	return fclose(fp);
}

static const struct mx_ov_row *
row(const struct mx_overview *ov, const char *user)
{
	size_t i;

	for (i = 0; i < ov->n; i++)
		if (strcmp(ov->v[i].user, user) == 0)
			return &ov->v[i];
	return NULL;
}

int
main(void)
{
	char dir[] = "/tmp/test-overview.XXXXXX", cmd[600];
	struct mx_overview ov;
	struct mx_ledger l = { NULL, 0, 0 };
	struct mx_ledger_entry e;
	struct mx_err err;
	const struct mx_ov_row *r;
	json_object *a;
	size_t i, n;

	if (mkdtemp(dir) == NULL)
		return 1;
	/* Nothing there yet: an empty overview, no error. */
	is_int(mx_overview_build(&ov, dir, NULL, &err), 0, "a new state directory");
	is_int((int)ov.n, 0, "has no users");
	mx_overview_free(&ov);

	put(dir, "accounts.map", "# address\tsrc\tdst\tstatus\n"
	    "ann\t/home/ann/Maildir\t/home/ann/Maildir\tcreated\n"
	    "bob\t/var/mail/bob\t/home/bob/Maildir\texists\n"
	    "cid\t/home/cid/Maildir\t/home/cid/Maildir\trefused: DES hash\n"
	    "dee\t-\t/home/dee/Maildir\tcreated\n"
	    "eve\t/home/eve/Maildir\t/home/eve/Maildir\tcreated\n"
	    "fay\t/home/fay/Maildir\t/home/fay/Maildir\tcreated\n");
	put(dir, "transfer.results", "# transfer: ...\n"
	    "ann\tdone\t4\t400\t4\t400\t4\t1\t\n"
	    "bob\tdone\t2\t100\t2\t100\t2\t1\tmbox /var/mail/bob: byte offset 7: junk\n"
	    "eve\tfailed\t3\t300\t1\t100\t1\t0\tnew: No space left on device\n"
	    "fay\tdone\t9\t900\t9\t900\t0\t1\n");	/* an older 8-field line */
	memset(&e, 0, sizeof e);
	snprintf(e.user, sizeof e.user, "ann");
	e.src.messages = e.dst.messages = 4;
	e.src.bytes = e.dst.bytes = 400;
	e.src.flag[4] = e.dst.flag[4] = 3;
	e.uidl_total = e.uidl_same = 4;
	e.checked = 1700000000;
	mx_ledger_put(&l, &e, &err);
	snprintf(e.user, sizeof e.user, "fay");
	e.dst.flag[4] = 2;
	e.flags_differ = 1;
	e.uidl_same = 3;
	snprintf(e.first_problem, sizeof e.first_problem, "flags differ: /1.2.x");
	mx_ledger_put(&l, &e, &err);

	is_int(mx_overview_build(&ov, dir, &l, &err), 0, "built from map, results, ledger");
	is_int((int)ov.n, 5, "one line per account with mail to move (dee has none)");
	r = row(&ov, "ann");
	ok(r && strcmp(r->state, "done") == 0 && !r->problem && r->flags_equal == 1 &&
	    r->uidls_equal == 1 && r->src_msgs == 4 && r->dst_bytes == 400,
	    "ann: done, flags and UIDLs equal, no problem");
	r = row(&ov, "bob");
	ok(r && strcmp(r->state, "done") == 0 && r->problem &&
	    strstr(r->reason, "byte offset 7") && r->advice &&
	    strstr(r->advice, "mbox-check"), "bob: done but a damaged mbox, with advice");
	ok(r && r->flags_equal == -1 && r->uidls_equal == -1, "bob: not reconciled yet");
	r = row(&ov, "cid");
	ok(r && strcmp(r->state, "no-account") == 0 && r->problem &&
	    strcmp(r->reason, "refused: DES hash") == 0, "cid: no account, the refusal");
	r = row(&ov, "eve");
	ok(r && strcmp(r->state, "failed") == 0 && r->problem &&
	    strstr(r->reason, "No space") && r->dst_msgs == 1 && r->src_msgs == 3,
	    "eve: failed with the reason, counts kept");
	r = row(&ov, "fay");
	ok(r && r->problem && r->flags_equal == 0 && r->uidls_equal == 0 &&
	    r->uidl_same == 3 && strstr(r->reason, "flags differ"),
	    "fay: flags and UIDLs differ, the message named");
	is_int((int)mx_overview_problems(&ov), 4, "four users need attention");

	for (n = 0, i = 0; i < ov.n; i++)
		n += mx_ov_match(&ov.v[i], "problems");
	is_int((int)n, 4, "the filter \"problems\" keeps four");
	for (n = 0, i = 0; i < ov.n; i++)
		n += mx_ov_match(&ov.v[i], "!");
	is_int((int)n, 4, "so does \"!\"");
	for (n = 0, i = 0; i < ov.n; i++)
		n += mx_ov_match(&ov.v[i], "SPACE");
	is_int((int)n, 1, "a word matches the reason, any case");
	for (n = 0, i = 0; i < ov.n; i++)
		n += mx_ov_match(&ov.v[i], "");
	is_int((int)n, 5, "an empty filter keeps all");

	mx_overview_sort(&ov, MX_OV_SRC, 0);
	is_str(ov.v[0].user, "cid", "by source count: cid (none) first");
	is_str(ov.v[1].user, "bob", "then bob (2)");
	is_str(ov.v[4].user, "fay", "fay last (4 from the ledger, tied with ann)");
	mx_overview_sort(&ov, MX_OV_SRC, 1);
	is_str(ov.v[4].user, "cid", "reversed: cid last");
	mx_overview_sort(&ov, MX_OV_PROBLEM, 0);
	is_str(ov.v[4].user, "ann", "by problem: the one without a problem last");
	mx_overview_sort(&ov, MX_OV_USER, 0);
	is_str(ov.v[0].user, "ann", "by user: ann first");
	is_str(ov.v[4].user, "fay", "fay last");

	a = mx_overview_json(&ov);
	is_int((int)json_object_array_length(a), 5, "JSON: one object per user");
	{
		json_object *o = json_object_array_get_idx(a, 0), *v;

		ok(json_object_object_get_ex(o, "flags_equal", &v) &&
		    json_object_get_boolean(v), "JSON: ann's flags_equal is true");
		ok(json_object_object_get_ex(json_object_array_get_idx(a, 1),
		    "uidls_equal", &v) && v == NULL, "JSON: bob's uidls_equal is null (unknown)");
		ok(json_object_object_get_ex(json_object_array_get_idx(a, 3),
		    "reason", &v) && strstr(json_object_get_string(v), "No space"),
		    "JSON: eve's reason");
	}
	json_object_put(a);
	mx_overview_free(&ov);

	put(dir, "accounts.map", "ann\tonly two\tfields\n");
	is_int(mx_overview_build(&ov, dir, NULL, &err), 0, "a short map line is skipped");
	mx_overview_free(&ov);
	mx_ledger_free(&l);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		return 1;
	return tap_done();
}
