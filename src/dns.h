/* dns.h - what the authoritative name servers say: discovery, poll rounds,
 * TTL arithmetic, RFC 2136 updates signed with TSIG.
 *
 * Everything here is plain data and blocking-free for the caller's screen:
 * a round sends every query to every server at once on non-blocking UDP
 * sockets and waits with poll() up to a deadline, so a round takes about
 * one round trip of the slowest server. Nothing is shared between calls:
 * a round may run in a worker thread (each call makes its own sockets and
 * ldns objects). dns.c and zonefile.c are the only modules calling ldns.
 */
#ifndef MX_DNS_H
#define MX_DNS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "err.h"

#define MX_DNS_ADDR_MAX 64

/* One authoritative server: an address and a port, and the name it was
 * found under (NS target) or the address given by the user. */
struct mx_dns_server {
	char name[256];
	char addr[MX_DNS_ADDR_MAX];	/* numeric IPv4 or IPv6 */
	unsigned port;			/* 53 unless given */
};

/* "ADDR", "ADDR@PORT", "[V6]@PORT"; a name is refused (give an address). */
int mx_dns_server_parse(const char *spec, struct mx_dns_server *out,
    struct mx_err *err);

/* Discovery: the zone's NS records and their addresses, asked of
 * `resolver` (NULL: the system resolver from /etc/resolv.conf). Glue in
 * the additional section is used; otherwise each NS name's A/AAAA is asked.
 * On success *out is a malloc'd array of *n servers (free()). */
int mx_dns_discover(const char *zone, const struct mx_dns_server *resolver,
    int timeout_ms, struct mx_dns_server **out, size_t *n, struct mx_err *err);

enum mx_dns_status {
	MX_DNS_PENDING = 0,
	MX_DNS_OK,		/* answered, authoritative */
	MX_DNS_TIMEOUT,		/* no answer before the deadline */
	MX_DNS_UNREACHABLE,	/* ICMP: nothing listens there (port closed) */
	MX_DNS_REFUSED,		/* rcode REFUSED */
	MX_DNS_SERVFAIL,	/* rcode SERVFAIL */
	MX_DNS_LAME,		/* answered without authority for the zone */
	MX_DNS_ERROR		/* any other failure: see error */
};

/* "ok", "timeout", "unreachable", "refused", "servfail", "lame", "error". */
const char *mx_dns_status_name(enum mx_dns_status s);

/* One server's answer in one round. */
struct mx_dns_answer {
	struct mx_dns_server server;
	enum mx_dns_status status;
	char error[256];	/* detail when status is not OK */
	char **lines;		/* dig-style, one record a line */
	size_t nlines;
	int has_serial;
	uint32_t serial;
	uint32_t max_ttl;	/* largest TTL among MX, A, AAAA records */
	struct timespec answered_at;	/* wall clock of the last reply */
	double rtt_ms;		/* from the round's start to the last reply */
	/* Change tracking across rounds (carried over a timeout): */
	char *content;		/* the lines joined: what "same answer" means */
	time_t first_seen;	/* first round that saw this content */
	time_t changed_at;	/* round that saw it replace another; 0: none yet */
	uint32_t prev_max_ttl;	/* max_ttl of the content it replaced */
};

/* What to ask. */
struct mx_dns_query_cfg {
	const char *zone;	/* "example.com" or "example.com." */
	const char *const *names;	/* service labels; NULL: mail smtp pop3 imap */
	size_t nnames;
	int timeout_ms;		/* per round; 0: 2000 */
};

/* One poll round over every server. */
struct mx_dns_round {
	struct timespec started;
	double elapsed_ms;
	size_t n;
	struct mx_dns_answer *answers;
	int all_ok;		/* every server answered */
	int agree;		/* ...and all gave the same content */
	time_t all_seen;	/* when the current content was first seen on
				 * every server (0: unknown, no change seen) */
	uint32_t old_ttl;	/* largest TTL of the content it replaced */
	time_t safe_at;		/* all_seen + old_ttl: every cache has let go
				 * of the old records (0: no change seen) */
};

/* Run one round. `prev` (may be NULL) is the previous round over the same
 * servers: changes are detected against it and time-stamped. The round is
 * filled even when servers fail (their status says why); -1 only when the
 * round could not run at all (bad zone, no memory, no socket). */
int mx_dns_round_run(const struct mx_dns_query_cfg *cfg,
    const struct mx_dns_server *servers, size_t n,
    const struct mx_dns_round *prev, struct mx_dns_round *out,
    struct mx_err *err);

/* Fill `out` from answers already made (the zone-file back-end, tests):
 * computes agreement and change tracking exactly like mx_dns_round_run. */
void mx_dns_round_finish(struct mx_dns_round *r, const struct mx_dns_round *prev);

void mx_dns_round_free(struct mx_dns_round *r);
void mx_dns_answer_free(struct mx_dns_answer *a);

/* TTL arithmetic. */
/* The moment every cache has certainly expired the old records: the change
 * was seen on every server at `all_seen`, the old records' largest TTL was
 * `old_ttl`. */
time_t mx_dns_safe_at(time_t all_seen, uint32_t old_ttl);
/* Seconds left until `safe_at` (0 when passed). */
long mx_dns_countdown(time_t safe_at, time_t now);
/* "2d03h04m05s", "1h00m00s", "4m05s", "7s" into buf. */
const char *mx_dns_fmt_duration(long secs, char *buf, size_t size);

/* A TSIG key. */
struct mx_dns_key {
	char name[256];
	char algorithm[64];	/* "hmac-sha256." */
	char secret[256];	/* base64 */
};

/* Read a key: BIND's `key "NAME" { algorithm ...; secret "..."; };`,
 * or a line NAME:SECRET, or ALG:NAME:SECRET (also a literal, not a file,
 * when `spec` is not a readable file and contains ':'). */
int mx_dns_key_load(const char *spec, struct mx_dns_key *key, struct mx_err *err);

/* An RFC 2136 update as text operations (the same for a server and for
 * a zone file). */
enum mx_dns_op_kind {
	MX_DNS_DEL_RRSET,	/* delete every record of owner/type */
	MX_DNS_ADD		/* add one record */
};

struct mx_dns_op {
	enum mx_dns_op_kind kind;
	char *owner;		/* absolute: "mail.example.com." */
	char *type;		/* "MX", "A", "AAAA" */
	uint32_t ttl;		/* MX_DNS_ADD only */
	char *rdata;		/* MX_DNS_ADD only: "10 mail.example.com." */
};

struct mx_dns_update {
	char *zone;		/* absolute */
	size_t n;
	struct mx_dns_op *ops;
};

/* What the user asked for. */
struct mx_dns_change {
	int has_ttl;
	uint32_t ttl;		/* --ttl */
	const char *const *mx;	/* --mx "PREF HOST", may be NULL */
	size_t nmx;
	const char *const *a;	/* --a NAME=ADDR */
	size_t na;
};

/* Build the update from what the zone holds now (`current`: an OK answer
 * of the server or zone file to be changed) and the change. --ttl alone
 * sets the TTL of the MX RRset and of every A/AAAA RRset the answer holds;
 * with --mx/--a it is the TTL of the new records too. An update with no
 * operation (up->n == 0) means the records already have that TTL. */
int mx_dns_update_plan(const char *zone, const struct mx_dns_answer *current,
    const struct mx_dns_change *chg, struct mx_dns_update *up,
    struct mx_err *err);

/* The preview, one operation a line ("update delete ...", "update add ..."),
 * malloc'd. */
char *mx_dns_update_preview(const struct mx_dns_update *up);

void mx_dns_update_free(struct mx_dns_update *up);

/* The server's verdict on an update. */
struct mx_dns_update_result {
	int accepted;		/* rcode NOERROR and a valid TSIG on the reply */
	char rcode[32];		/* "NOERROR", "NOTAUTH", "REFUSED", ... */
	char tsig_error[32];	/* "", "BADSIG", "BADKEY", "BADTIME" */
	char message[512];	/* one line a person can act on */
};

/* Send the update to `server`, signed with `key` (NULL: unsigned). -1 only
 * when no answer came (timeout, network); a refusal is 0 with
 * res->accepted == 0. */
int mx_dns_update_send(const struct mx_dns_update *up,
    const struct mx_dns_server *server, const struct mx_dns_key *key,
    int timeout_ms, struct mx_dns_update_result *res, struct mx_err *err);

/* Internal, shared with zonefile.c: the default service labels and the
 * service labels asked about, and the helpers below. */
extern const char *const mx_dns_default_names[];
extern const size_t mx_dns_default_nnames;
void mx_dns_sort_lines(char **lines, size_t n);
/* Append ldns records (an ldns_rr_list) to an answer as dig-style lines,
 * keeping the serial and the largest MX/A/AAAA TTL. */
struct ldns_struct_rr_list;
int mx_dns_answer_add_rrs(struct mx_dns_answer *a,
    const struct ldns_struct_rr_list *list);

#endif
