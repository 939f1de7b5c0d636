/* zonefile.h - the zone-file back-end: answers the same questions as an
 * authoritative server (dns.h) from a local zone file, and applies the same
 * RFC 2136 updates to it (for the demo, dry runs and offline work). */
#ifndef MX_ZONEFILE_H
#define MX_ZONEFILE_H

#include <stdint.h>

#include "dns.h"
#include "err.h"

/* One round with a single answer: the file's records for the zone's MX,
 * the A/AAAA of the service names and in-zone MX targets, and the SOA,
 * as a server would give them. A file that does not parse: -1, with the
 * file and line in the message. */
int mx_zonefile_round(const char *path, const struct mx_dns_query_cfg *cfg,
    const struct mx_dns_round *prev, struct mx_dns_round *out,
    struct mx_err *err);

/* Apply the update to the file (atomically: a new file renamed over the old
 * one, mode kept), raising the SOA serial by one like a server would.
 * Comments and $-directives are not kept: the file is rewritten with
 * absolute names. *serial gets the new serial (may be NULL). */
int mx_zonefile_apply(const char *path, const struct mx_dns_update *up,
    uint32_t *serial, struct mx_err *err);

#endif
