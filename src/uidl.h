/* uidl.h - POP3 UIDL lists: as the old server presents them, as the new
 * one does, and the difference, per user. */
#ifndef MX_UIDL_H
#define MX_UIDL_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct mx_host;

struct mx_uidl {
	char *uidl;
	uint64_t size;	/* octets as LIST gives them, or the file size */
};

struct mx_uidl_list {
	struct mx_uidl *v;
	size_t n;
	size_t cap;
};

int mx_uidl_add(struct mx_uidl_list *l, const char *uidl, uint64_t size);
void mx_uidl_free(struct mx_uidl_list *l);

/* What qmail-pop3d (and vpopmail's) would present for a Maildir: every
 * file in new/ and cur/, in mtime order, UIDL = the name up to the first
 * ':'. Reads the store through the host (listing.h). */
int mx_uidl_from_maildir(struct mx_host *h, const char *maildir,
    struct mx_uidl_list *out, struct mx_err *err);

struct mx_uidl_diff {
	size_t unchanged;	/* in both */
	size_t old_total, new_total;
	char **missing;		/* on the old host, not presented by the new */
	size_t nmissing;
	char **added;		/* presented by the new, not by the old */
	size_t nadded;
};

/* Compare the lists as sets of UIDLs. */
int mx_uidl_diff(const struct mx_uidl_list *old, const struct mx_uidl_list *new_,
    struct mx_uidl_diff *d, struct mx_err *err);
void mx_uidl_diff_free(struct mx_uidl_diff *d);

#endif
