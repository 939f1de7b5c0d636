/* demo.h - the demo lab: old and new hosts as local directory roots and
 * zone files, for `mxmove --demo` (see demo.c). */
#ifndef MX_DEMO_H
#define MX_DEMO_H

#include "err.h"
#include "plan.h"

/* Build the lab under dir (old/, new/, zone/) where files are missing. */
int mx_demo_build(const char *dir, struct mx_err *err);
/* Fill a new plan with the lab's hosts, domains, zone and addresses. */
int mx_demo_plan(struct mx_plan *p, const char *dir, struct mx_err *err);

#endif
