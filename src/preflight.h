/* preflight.h - the credential preflight: before any account is created,
 * which users would be locked out on the target, and why.
 *
 * The target's crypt() is asked directly (one perl run on the target
 * host: perl-base is on every Debian and most other systems), so the
 * answer is about that host's libc, not ours. */
#ifndef MX_PREFLIGHT_H
#define MX_PREFLIGHT_H

#include "account.h"
#include "err.h"

struct mx_host;

/* Which hash schemes the target's crypt() verifies. */
struct mx_crypt_support {
	int scheme[MX_HASH_UNKNOWN + 1];	/* 1 yes, 0 no, indexed by
						   enum mx_hash_scheme */
	int dovecot_plain;	/* Dovecot can keep {PLAIN} entries */
};

/* Ask the target host (one command; exit status 0 expected). */
int mx_preflight_probe(struct mx_host *target, struct mx_crypt_support *out,
    struct mx_err *err);
/* Parse the probe's output ("scheme 1|0" lines); for the unit tests. */
int mx_preflight_parse(const char *text, struct mx_crypt_support *out,
    struct mx_err *err);

enum mx_pf_verdict {
	MX_PF_OK,	/* the user logs in with the same password */
	MX_PF_WEAK,	/* works, but weak: say so (DES, clear text) */
	MX_PF_LOCKOUT,	/* the target cannot check this hash */
	MX_PF_RESET,	/* needs the old host's key or a reset (Plesk AES) */
	MX_PF_SKIPPED	/* not migrated anyway (locked, no password) */
};

/* "ok", "weak", "lockout", "reset", "skipped" (stable: JSON). */
const char *mx_pf_verdict_name(enum mx_pf_verdict v);

/* Judge one account for a target kind ("system", "dovecot", "vpopmail",
 * "vpopmail-mysql"). why gets a sentence a person can act on (English,
 * N_()-marked pieces: translate the returned pointer's text with _()). */
enum mx_pf_verdict mx_preflight_judge(const struct mx_account *a,
    const char *target_kind, const struct mx_crypt_support *cs,
    const char **why);

#endif
