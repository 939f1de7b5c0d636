/* pop3.h - a small POP3 client: enough to read what a server presents
 * (UIDL and LIST), to prove UIDL continuity and logins after a move. */
#ifndef MX_POP3_H
#define MX_POP3_H

#include <stdint.h>

#include "err.h"
#include "uidl.h"

/* Log in as user with pass (USER/PASS, plaintext: the lab and a trusted
 * link only), read UIDL and LIST, and close without QUIT so that the
 * server changes nothing in the mailbox (qmail-pop3d moves new/ to cur/
 * on QUIT). The password is never copied into an error message. timeout_ms bounds each read and the connect. */
int mx_pop3_uidl(const char *addr, int port, const char *user,
    const char *pass, int timeout_ms, struct mx_uidl_list *out,
    struct mx_err *err);

#endif
