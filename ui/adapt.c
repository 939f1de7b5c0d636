/* adapt.c - adapters over the engine (see adapt.h). */
#include <config.h>

#include <string.h>

#include "adapt.h"
#include "i18n.h"

int wz_have_dns(void) { return 0; }
int wz_have_mta(void) { return 0; }
int wz_have_accounts(void) { return 0; }
int wz_have_transfer(void) { return 0; }
int wz_have_host(void) { return 0; }

static int
not_yet(struct mx_err *err, const char *module)
{
	return mx_err_set(err, MX_E_GENERIC, _("not available yet: the %s "
	    "module is not in this build"), module);
}

int
wz_adapt_mx_round(const struct mx_plan *p, struct wz_mx_row *rows, int max,
    int *n, struct mx_err *err)
{
	(void)p;
	(void)rows;
	(void)max;
	*n = 0;
	return not_yet(err, "dns");
}

int
wz_adapt_queue(const struct mx_plan *p, int which, struct wz_queue_counts *q,
    struct mx_err *err)
{
	(void)p;
	(void)which;
	memset(q, 0, sizeof *q);
	return not_yet(err, "mta");
}
