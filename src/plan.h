/* plan.h - the migration's answers, saved between runs.
 *
 * A migration spans days (the TTL wait alone can take one), so the wizard
 * and batch mode keep their answers and their progress in a plan file:
 * plain text, one "key = value" per line, '#' comments and blank lines
 * allowed, saved with mode 0600 (it names hosts and a TSIG key file) by
 * writing a temporary file beside it and renaming it over.
 *
 *     old = ssh://root@old.example.org
 *     new = local:/srv/new
 *     domains = example.com example.net
 *     strategy = sticky
 *     dead_ip = 192.0.2.9
 *     live_ip = 192.0.2.25
 *     tsig_key = /etc/mxmove/example.com.key
 *     source = system vpopmail
 *     target = vpopmail
 *     state.1.lower-ttl = done
 *
 * Parsing is strict: an unknown key, a key given twice, a line without
 * '=', or a value that does not validate is an error naming the file and
 * the line ("plan: line 4: dead_ip: '300.1.1.1' is not an IP address").
 * Keys starting "state." hold progress (step states, times) and take any
 * single-line value.
 */
#ifndef MX_PLAN_H
#define MX_PLAN_H

#include <stddef.h>
#include <time.h>

#include "err.h"

/* The settings a person answers, in the order the form shows them. */
enum mx_plan_key {
	MX_PLAN_OLD,		/* host spec of the old host */
	MX_PLAN_NEW,		/* host spec of the new host */
	MX_PLAN_DOMAINS,	/* space-separated domain names */
	MX_PLAN_STRATEGY,	/* freeze: "sticky" or "queue" */
	MX_PLAN_DEAD_IP,	/* where nothing listens on port 25 */
	MX_PLAN_LIVE_IP,	/* the new host's live SMTP address */
	MX_PLAN_TSIG_KEY,	/* TSIG key file, or empty: instruct only */
	MX_PLAN_DNS_SERVERS,	/* ADDR[@PORT]..., or empty: discover NS */
	MX_PLAN_ZONE_FILE,	/* zone-file back-end (demo, offline) */
	MX_PLAN_SOURCE,		/* account source kinds, space-separated */
	MX_PLAN_TARGET,		/* account target kind */
	MX_PLAN_MTA_OLD,	/* qmail, postfix, sendmail */
	MX_PLAN_MTA_NEW,
	MX_PLAN_LOW_TTL,	/* the TTL to lower to, seconds */
	MX_PLAN_NKEYS
};

struct mx_plan_state;		/* the "state.*" entries */

struct mx_plan {
	char *val[MX_PLAN_NKEYS];	/* never NULL after mx_plan_new */
	struct mx_plan_state *state;
};

/* The key's name in the file ("dead_ip"), and a one-line description
 * (N_() marked: translate when shown). */
const char *mx_plan_key_name(enum mx_plan_key k);
const char *mx_plan_key_help(enum mx_plan_key k);

/* An empty plan with defaults (strategy sticky, low_ttl 600). */
struct mx_plan *mx_plan_new(void);
void mx_plan_free(struct mx_plan *p);

/* Check one value for key k without changing the plan. Returns 0, or -1
 * with err saying why ("dead_ip: '300.1.1.1' is not an IP address"). */
int mx_plan_check(enum mx_plan_key k, const char *value, struct mx_err *err);
/* Set key k after checking it. */
int mx_plan_set(struct mx_plan *p, enum mx_plan_key k, const char *value,
    struct mx_err *err);
const char *mx_plan_get(const struct mx_plan *p, enum mx_plan_key k);

/* Check what a run needs: old, new and domains set, and dead_ip and
 * live_ip both set or both empty. Returns 0 or -1 naming the first gap. */
int mx_plan_complete(const struct mx_plan *p, struct mx_err *err);

/* Progress: "state.NAME" entries. NAME is [A-Za-z0-9._-]+; the value
 * one line. get returns NULL when unset. */
const char *mx_plan_state_get(const struct mx_plan *p, const char *name);
int mx_plan_state_set(struct mx_plan *p, const char *name, const char *value,
    struct mx_err *err);
/* A time stored as seconds since the epoch; 0 when unset or malformed. */
time_t mx_plan_state_time(const struct mx_plan *p, const char *name);

/* Parse text (len bytes) named name in messages. On error *out is left
 * untouched. */
int mx_plan_parse(struct mx_plan **out, const char *text, size_t len,
    const char *name, struct mx_err *err);
/* Read a plan file; MX_E_NOTFOUND when it does not exist. */
int mx_plan_load(struct mx_plan **out, const char *path, struct mx_err *err);
/* Write the plan file atomically with mode 0600. */
int mx_plan_save(const struct mx_plan *p, const char *path,
    struct mx_err *err);
/* A deep copy (for a worker thread), or NULL when memory runs out. */
struct mx_plan *mx_plan_copy(const struct mx_plan *p);
/* The text that mx_plan_save writes (caller frees). */
char *mx_plan_format(const struct mx_plan *p);

/* The default plan path: $XDG_STATE_HOME/mxmove/plan, or
 * ~/.local/state/mxmove/plan. Caller frees; NULL without HOME. */
char *mx_plan_default_path(void);

#endif
