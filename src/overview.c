/* overview.c - one line per user across all accounts (see overview.h). */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "i18n.h"
#include "ledger.h"
#include "overview.h"

static const char *const colnames[MX_OV_NCOLS] = {
	N_("user"), N_("state"), N_("source"), N_("target"), N_("bytes"),
	N_("flags"), N_("UIDLs"), N_("problem"),
};

const char *
mx_ov_col_name(enum mx_ov_col c)
{
	return c < MX_OV_NCOLS ? colnames[c] : "";
}

static const char mbox_advice[] = N_("the mbox is damaged at the offset "
    "named: see mxmove mbox-check, repair a copy on the old host, run "
    "window 4 again");

static struct mx_ov_row *
row_for(struct mx_overview *ov, const char *user, struct mx_err *err)
{
	struct mx_ov_row *r;
	size_t i;

	for (i = 0; i < ov->n; i++)
		if (strcmp(ov->v[i].user, user) == 0)
			return &ov->v[i];
	if (ov->n == ov->cap) {
		size_t cap = ov->cap ? ov->cap * 2 : 64;
		struct mx_ov_row *v = realloc(ov->v, cap * sizeof *v);

		if (v == NULL) {
			mx_err_errno(err, ENOMEM, "malloc");
			return NULL;
		}
		ov->v = v;
		ov->cap = cap;
	}
	r = &ov->v[ov->n++];
	memset(r, 0, sizeof *r);
	snprintf(r->user, sizeof r->user, "%s", user);
	snprintf(r->state, sizeof r->state, "todo");
	r->flags_equal = r->uidls_equal = -1;
	return r;
}

static void
set_problem(struct mx_ov_row *r, const char *reason, const char *advice)
{
	r->problem = 1;
	if (r->reason[0] == '\0') {
		snprintf(r->reason, sizeof r->reason, "%s", reason);
		r->advice = advice;
	}
}

/* Split a line into at most n tab-separated fields; returns how many. */
static int
fields(char *line, char **f, int n)
{
	int k = 0;

	line[strcspn(line, "\r\n")] = '\0';
	while (k < n) {
		f[k++] = line;
		if ((line = strchr(line, '\t')) == NULL)
			break;
		*line++ = '\0';
	}
	return k;
}

static int
read_map(struct mx_overview *ov, const char *path, struct mx_err *err)
{
	char line[4096], *f[4];
	FILE *fp = fopen(path, "r");
	struct mx_ov_row *r;

	if (fp == NULL)
		return errno == ENOENT ? 0 : mx_err_errno(err, errno, "%s", path);
	while (fgets(line, sizeof line, fp) != NULL) {
		int ok;

		if (line[0] == '#' || fields(line, f, 4) != 4)
			continue;
		ok = strncmp(f[3], "created", 7) == 0 ||
		    strncmp(f[3], "exists", 6) == 0 || strcmp(f[3], "-") == 0;
		if (ok && (strcmp(f[1], "-") == 0 || strcmp(f[2], "-") == 0))
			continue;	/* nothing to move: not in the transfer */
		if ((r = row_for(ov, f[0], err)) == NULL) {
			fclose(fp);
			return -1;
		}
		if (!ok) {
			snprintf(r->state, sizeof r->state, "no-account");
			set_problem(r, f[3], N_("create the account on the new "
			    "host (window 2, or mxmove create-accounts), then "
			    "run window 4 again"));
		}
	}
	fclose(fp);
	return 0;
}

static int
read_results(struct mx_overview *ov, const char *path, struct mx_err *err)
{
	char line[4096], *f[9];
	FILE *fp = fopen(path, "r");
	struct mx_ov_row *r;

	if (fp == NULL)
		return errno == ENOENT ? 0 : mx_err_errno(err, errno, "%s", path);
	while (fgets(line, sizeof line, fp) != NULL) {
		int n;

		if (line[0] == '#' || (n = fields(line, f, 9)) < 8)
			continue;
		if ((r = row_for(ov, f[0], err)) == NULL) {
			fclose(fp);
			return -1;
		}
		r->src_msgs = strtoull(f[2], NULL, 10);
		r->src_bytes = strtoull(f[3], NULL, 10);
		r->dst_msgs = strtoull(f[4], NULL, 10);
		r->dst_bytes = strtoull(f[5], NULL, 10);
		if (strcmp(f[1], "done") == 0 && strcmp(f[7], "1") == 0) {
			if (strcmp(r->state, "no-account") != 0)
				snprintf(r->state, sizeof r->state, "done");
			if (n == 9 && f[8][0] != '\0')	/* a damaged mbox */
				set_problem(r, f[8], mbox_advice);
		} else {
			snprintf(r->state, sizeof r->state, "failed");
			set_problem(r, n == 9 && f[8][0] ? f[8] :
			    _("not verified"), N_("fix the cause named here, "
			    "then run window 4 (or mxmove run --step 4) again: "
			    "only what is missing is copied"));
		}
	}
	fclose(fp);
	return 0;
}

static int
sides_equal(const struct mx_ledger_side *a, const struct mx_ledger_side *b)
{
	return memcmp(a->flag, b->flag, sizeof a->flag) == 0;
}

static int
add_ledger(struct mx_overview *ov, const struct mx_ledger *l,
    struct mx_err *err)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		const struct mx_ledger_entry *e = &l->v[i];
		struct mx_ov_row *r = row_for(ov, e->user, err);

		if (r == NULL)
			return -1;
		r->src_msgs = e->src.messages;
		r->src_bytes = e->src.bytes;
		r->dst_msgs = e->dst.messages;
		r->dst_bytes = e->dst.bytes;
		/* Flags of the messages on both sides; with none missing,
		 * the histograms too. A compare that failed knows nothing. */
		r->flags_equal = e->checked == 0 ? -1 : e->flags_differ == 0 &&
		    (e->missing != 0 || sides_equal(&e->src, &e->dst));
		r->uidl_same = e->uidl_same;
		r->uidl_total = e->uidl_total;
		r->uidls_equal = e->uidl_total == 0 || e->checked == 0 ? -1 :
		    e->uidl_same == e->uidl_total;
		if (!mx_ledger_ok(e))
			set_problem(r, e->first_problem[0] ? e->first_problem :
			    _("the ledger does not agree"), e->damaged ? mbox_advice :
			    N_("see mxmove ledger --plan FILE for the message "
			    "named; copy again (window 4) or fix it on the "
			    "target"));
	}
	return 0;
}

int
mx_overview_build(struct mx_overview *ov, const char *state_dir,
    const struct mx_ledger *l, struct mx_err *err)
{
	char path[4096];

	memset(ov, 0, sizeof *ov);
	snprintf(path, sizeof path, "%s/accounts.map", state_dir);
	if (read_map(ov, path, err) == -1)
		goto fail;
	snprintf(path, sizeof path, "%s/transfer.results", state_dir);
	if (read_results(ov, path, err) == -1)
		goto fail;
	if (l != NULL && add_ledger(ov, l, err) == -1)
		goto fail;
	return 0;
fail:
	mx_overview_free(ov);
	return -1;
}

void
mx_overview_free(struct mx_overview *ov)
{
	free(ov->v);
	memset(ov, 0, sizeof *ov);
}

static int
cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

static enum mx_ov_col sort_col;
static int sort_rev;

static int
cmp_rows(const void *pa, const void *pb)
{
	const struct mx_ov_row *a = pa, *b = pb;
	int c = 0;

	switch (sort_col) {
	case MX_OV_USER: break;
	case MX_OV_STATE: c = strcmp(a->state, b->state); break;
	case MX_OV_SRC: c = cmp_u64(a->src_msgs, b->src_msgs); break;
	case MX_OV_DST: c = cmp_u64(a->dst_msgs, b->dst_msgs); break;
	case MX_OV_BYTES: c = cmp_u64(a->src_bytes, b->src_bytes); break;
	case MX_OV_FLAGS: c = a->flags_equal - b->flags_equal; break;
	case MX_OV_UIDLS: c = a->uidls_equal - b->uidls_equal; break;
	case MX_OV_PROBLEM:
		c = b->problem - a->problem;
		if (c == 0)
			c = strcmp(a->reason, b->reason);
		break;
	case MX_OV_NCOLS: break;
	}
	if (sort_rev)
		c = -c;
	return c != 0 ? c : strcmp(a->user, b->user);
}

void
mx_overview_sort(struct mx_overview *ov, enum mx_ov_col col, int reverse)
{
	/* qsort has no context argument: the sort runs on one thread (the
	 * UI's, or a verb's). */
	sort_col = col;
	sort_rev = reverse;
	if (ov->n > 1)
		qsort(ov->v, ov->n, sizeof *ov->v, cmp_rows);
}

static int
has_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return 1;
	return n == 0;
}

int
mx_ov_match(const struct mx_ov_row *r, const char *filter)
{
	if (filter == NULL || filter[0] == '\0')
		return 1;
	if (strcmp(filter, "!") == 0 || strcasecmp(filter, "problems") == 0 ||
	    strcasecmp(filter, _("problems")) == 0)
		return r->problem;
	return has_ci(r->user, filter) || has_ci(r->state, filter) ||
	    has_ci(r->reason, filter);
}

size_t
mx_overview_problems(const struct mx_overview *ov)
{
	size_t i, n = 0;

	for (i = 0; i < ov->n; i++)
		n += ov->v[i].problem != 0;
	return n;
}

static json_object *
tri(int v)
{
	return v < 0 ? NULL : json_object_new_boolean(v);
}

struct json_object *
mx_overview_json(const struct mx_overview *ov)
{
	json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < ov->n; i++) {
		const struct mx_ov_row *r = &ov->v[i];
		json_object *o = json_object_new_object();

		json_object_object_add(o, "user", json_object_new_string(r->user));
		json_object_object_add(o, "state", json_object_new_string(r->state));
		json_object_object_add(o, "source_messages", json_object_new_int64((int64_t)r->src_msgs));
		json_object_object_add(o, "target_messages", json_object_new_int64((int64_t)r->dst_msgs));
		json_object_object_add(o, "source_bytes", json_object_new_int64((int64_t)r->src_bytes));
		json_object_object_add(o, "target_bytes", json_object_new_int64((int64_t)r->dst_bytes));
		json_object_object_add(o, "flags_equal", tri(r->flags_equal));
		json_object_object_add(o, "uidls_equal", tri(r->uidls_equal));
		json_object_object_add(o, "uidls_unchanged", json_object_new_int64((int64_t)r->uidl_same));
		json_object_object_add(o, "uidls_total", json_object_new_int64((int64_t)r->uidl_total));
		json_object_object_add(o, "problem", json_object_new_boolean(r->problem));
		json_object_object_add(o, "reason", json_object_new_string(r->reason));
		json_object_object_add(o, "advice", json_object_new_string(
		    r->advice ? _(r->advice) : ""));
		json_object_array_add(a, o);
	}
	return a;
}
