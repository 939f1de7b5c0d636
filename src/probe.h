/* probe.h - TCP probes: is a mail port refused, silent (filtered) or open,
 * and what does it say first? Non-blocking connect with a timeout; safe to
 * call from a worker thread (nothing shared). */
#ifndef MX_PROBE_H
#define MX_PROBE_H

#include <stddef.h>

#include "err.h"

enum mx_probe_status {
	MX_PROBE_OPEN,		/* connected */
	MX_PROBE_REFUSED,	/* RST: nothing listens (a dead MX wants this) */
	MX_PROBE_TIMEOUT,	/* no answer: packets dropped (filtered) */
	MX_PROBE_UNREACHABLE,	/* no route / host unreachable (ICMP) */
	MX_PROBE_ERROR		/* anything else: see error */
};

struct mx_probe_result {
	enum mx_probe_status status;
	double connect_ms;
	char greeting[512];	/* first line(s) the server sent, CR/LF removed */
	char error[256];
};

/* What the cutover windows check: a dead MX must be closed (refused,
 * timeout or unreachable: senders queue and retry); a live MX must greet
 * with 220. */
int mx_probe_is_closed(const struct mx_probe_result *r);
int mx_probe_greets_220(const struct mx_probe_result *r);

/* "open", "refused", "timeout", "unreachable", "error". */
const char *mx_probe_status_name(enum mx_probe_status s);

/* Parse ADDR[:PORT] or [V6ADDR][:PORT] (an address, not a name); the port
 * defaults to `defport`. */
int mx_probe_parse(const char *spec, unsigned defport, char *addr,
    size_t addrsize, unsigned *port, struct mx_err *err);

/* Connect to addr:port within timeout_ms. When open and read_greeting is
 * set, wait up to timeout_ms for the greeting (SMTP multi-line 220-
 * greetings are read to their last line; TLS ports send nothing: empty).
 * Returns 0 with the result filled; -1 only for a bad address. */
int mx_probe_tcp(const char *addr, unsigned port, int timeout_ms,
    int read_greeting, struct mx_probe_result *res, struct mx_err *err);

#endif
