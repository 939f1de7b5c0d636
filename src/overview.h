/* overview.h - one line per user across all accounts: state, message
 * counts and bytes on both sides, whether flags and POP3 UIDLs are equal,
 * and the problem with what to do about it.
 *
 * Built from the files the steps leave in the state directory: the
 * accounts map (window 2: address, source, target, account status), the
 * last pass's results (window 4: STATE/transfer.results, with the reason
 * of a failure) and the ledger (mx_ledger). Nothing is asked of a host:
 * the wizard builds it on its UI thread, batch mode at the end of a run,
 * `mxmove ledger --plan` on demand. */
#ifndef MX_OVERVIEW_H
#define MX_OVERVIEW_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct mx_ledger;
struct json_object;

enum mx_ov_col {
	MX_OV_USER, MX_OV_STATE, MX_OV_SRC, MX_OV_DST, MX_OV_BYTES,
	MX_OV_FLAGS, MX_OV_UIDLS, MX_OV_PROBLEM, MX_OV_NCOLS
};

/* The column's heading, untranslated (N_): callers translate it. */
const char *mx_ov_col_name(enum mx_ov_col c);

struct mx_ov_row {
	char user[128];
	char state[16];		/* todo, done, failed, no-account */
	uint64_t src_msgs, dst_msgs, src_bytes, dst_bytes;
	int flags_equal;	/* 1, 0, or -1: not reconciled yet */
	int uidls_equal;	/* 1, 0, or -1: none to keep / not known */
	uint64_t uidl_same, uidl_total;
	int problem;		/* 1: something needs the admin */
	char reason[256];	/* what went wrong, or "" */
	const char *advice;	/* N_(): what to do, or NULL */
};

struct mx_overview {
	struct mx_ov_row *v;
	size_t n, cap;
};

/* Build from STATE_DIR/accounts.map, STATE_DIR/transfer.results (either
 * may be missing) and the ledger l (may be NULL). */
int mx_overview_build(struct mx_overview *ov, const char *state_dir,
    const struct mx_ledger *l, struct mx_err *err);
void mx_overview_free(struct mx_overview *ov);

/* Sort the rows by a column, ascending (reverse: descending); ties by
 * user name. */
void mx_overview_sort(struct mx_overview *ov, enum mx_ov_col col,
    int reverse);

/* Does the row pass the filter? "" or NULL: every row; "!" (or the
 * word "problems", or its translation): rows with a problem only;
 * anything else: a case-insensitive substring of the user, the state or
 * the reason. */
int mx_ov_match(const struct mx_ov_row *r, const char *filter);

/* The rows as a JSON array (caller puts it). */
struct json_object *mx_overview_json(const struct mx_overview *ov);

size_t mx_overview_problems(const struct mx_overview *ov);

#endif
