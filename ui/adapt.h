/* adapt.h - the wizard's adapters over the engine: the few calls the
 * screens and panels make, in the shape they need. Each returns -1 with
 * a message (MX_E_GENERIC, "not available yet: ...") while the engine
 * module it wraps is not in the build, so windows can say so plainly.
 * Called from worker threads only (never curses). */
#ifndef MX_ADAPT_H
#define MX_ADAPT_H

#include "buf.h"
#include "err.h"
#include "plan.h"
#include "wz.h"

/* Which engine modules this build has, for the panels' and windows'
 * "not available yet" notes. */
int wz_have_dns(void);
int wz_have_mta(void);
int wz_have_accounts(void);
int wz_have_transfer(void);
int wz_have_host(void);

/* One MX poll round over the plan's domains: rows dig-style, one per
 * (server, record) with TTL and serial. */
int wz_adapt_mx_round(const struct mx_plan *p, struct wz_mx_row *rows,
    int max, int *n, struct mx_err *err);
/* Queue counts on the old (which 0) or new (1) host. */
int wz_adapt_queue(const struct mx_plan *p, int which,
    struct wz_queue_counts *q, struct mx_err *err);

#endif
