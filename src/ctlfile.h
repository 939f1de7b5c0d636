/* ctlfile.h - line files: qmail control files and their kind.
 *
 * qmail's control/locals, rcpthosts, virtualdomains, smtproutes,
 * users/assign, sendmail's local-host-names, relay-domains and mailertable,
 * Postfix's transport file: one entry a line. A struct mx_ctl holds the
 * file as its lines, untouched, so that rewriting it keeps comments, blank
 * lines, order, unknown lines and the final newline (or its absence)
 * exactly; only the lines an edit names change.
 *
 * An entry's key is what the MTA looks up, compared case-insensitively
 * after trimming blanks (qmail lowercases domains and strips trailing
 * white space; so do sendmail and Postfix for their keys):
 *   MX_CTL_WHOLE  the whole line            locals, rcpthosts, local-host-names
 *   MX_CTL_COLON  the text before ':'       virtualdomains, smtproutes, assign
 *   MX_CTL_SPACE  the first word            mailertable, Postfix transport
 * Lines starting with '#' and blank lines are never entries. A line
 * holding only "." ends users/assign: additions go before it.
 *
 * Also here: a line diff for previews, and the timestamped backup.
 */
#ifndef MX_CTLFILE_H
#define MX_CTLFILE_H

#include <stddef.h>

#include "err.h"

struct mx_host;

enum mx_ctl_key {
	MX_CTL_WHOLE,
	MX_CTL_COLON,
	MX_CTL_SPACE
};

struct mx_ctl {
	char **lines;		/* each without its '\n'; owned */
	size_t n, cap;
	int final_newline;	/* the last line ended with '\n' */
	enum mx_ctl_key key;
};

/* Split text into lines (a NUL byte is refused: control files are text;
 * err names the file as "label"). Returns 0 or -1. */
int mx_ctl_parse(struct mx_ctl *c, const char *text, size_t len,
    enum mx_ctl_key key, const char *label, struct mx_err *err);
/* The file's text again, owned by the caller; *len may be NULL. Parsing
 * and rewriting an untouched file gives the same bytes. */
char *mx_ctl_text(const struct mx_ctl *c, size_t *len);
void mx_ctl_free(struct mx_ctl *c);

/* The key of line i into buf ("" for a comment or blank line). */
void mx_ctl_line_key(const struct mx_ctl *c, size_t i, char *buf,
    size_t size);
/* Index of the first entry whose key is key, or -1. */
long mx_ctl_find(const struct mx_ctl *c, const char *key);
/* The line of the first entry with this key, or NULL (borrowed). */
const char *mx_ctl_get(const struct mx_ctl *c, const char *key);

/* Make line the entry for its key: replace the first entry with the same
 * key in place (others with that key are removed), or append it (before a
 * final "." line). Returns 1 when the file changed, 0 when it already
 * held exactly that, -1 when memory ran out. */
int mx_ctl_set(struct mx_ctl *c, const char *line);
/* Remove every entry with this key. Returns how many, or -1. */
int mx_ctl_remove(struct mx_ctl *c, const char *key);
/* Count of entries (not comments, blanks or the "." end). */
size_t mx_ctl_entries(const struct mx_ctl *c);

/* Undo one edit on text that may have changed since: lines the edit
 * removed (in before, not in after) come back after the line that
 * preceded them in before (or at the start), lines it added are taken
 * out; everything else in now stays. Returns the new text (caller
 * frees) or NULL when memory runs out. */
char *mx_ctl_revert(const char *before, size_t blen, const char *after,
    size_t alen, const char *now, size_t nlen, size_t *outlen);

/* A unified diff (3 lines of context) from old to new, with "--- label"
 * and "+++ label" headers; "" when they are equal. Caller frees. A
 * missing file is old == NULL. */
char *mx_diff(const char *label, const char *old, size_t oldlen,
    const char *new_, size_t newlen);

/* Copy path to "path.mxmove-YYYYMMDD-HHMMSS" (a "-N" suffix when that
 * exists) with the same mode and owner. *backup (caller frees) gets the
 * name; NULL when path does not exist (nothing to back up). */
int mx_ctl_backup(struct mx_host *h, const char *path, char **backup,
    struct mx_err *err);

#endif
