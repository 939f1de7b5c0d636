/* preflight.c - the credential preflight (see preflight.h). */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "i18n.h"
#include "preflight.h"

/* A setting per scheme that crypt() accepts when it knows the scheme. */
static const struct {
	enum mx_hash_scheme scheme;
	const char *setting;
} probes[] = {
	{ MX_HASH_DES, "ab" },
	{ MX_HASH_BSDI, "_J9..abcd" },
	{ MX_HASH_MD5, "$1$abcdefgh$" },
	{ MX_HASH_SHA256, "$5$abcdefghijklmnop$" },
	{ MX_HASH_SHA512, "$6$abcdefghijklmnop$" },
	{ MX_HASH_BCRYPT, "$2b$05$abcdefghijklmnopqrstuu" },
	{ MX_HASH_YESCRYPT, "$y$j9T$abcdefghijklmnop$" },
};
#define NPROBES (sizeof probes / sizeof probes[0])

/* For each setting: crypt() answers with a string that starts like the
 * setting's scheme and is not an error token ("*0", "*1", undef). */
static const char probe_script[] =
    "for my $s (@ARGV) { my $h = crypt('mxmove-preflight', $s);"
    " my $ok = (defined $h && length($h) >= 13 && substr($h, 0, 1) ne '*'"
    " && substr($h, 0, 2) eq substr($s, 0, 2)) ? 1 : 0; print \"$s $ok\\n\" }";

int
mx_preflight_parse(const char *text, struct mx_crypt_support *out,
    struct mx_err *err)
{
	const char *line = text;
	size_t i, seen = 0;

	memset(out, 0, sizeof *out);
	while (*line != '\0') {
		const char *eol = strchr(line, '\n'), *sp;
		size_t len = eol ? (size_t)(eol - line) : strlen(line);

		sp = memchr(line, ' ', len);
		if (sp == NULL || sp + 2 != line + len || (sp[1] != '0' && sp[1] != '1'))
			return mx_err_set(err, MX_E_PARSE,
			    _("crypt probe: unexpected answer '%.*s'"), (int)len, line);
		for (i = 0; i < NPROBES; i++)
			if (strlen(probes[i].setting) == (size_t)(sp - line) &&
			    memcmp(probes[i].setting, line, (size_t)(sp - line)) == 0) {
				out->scheme[probes[i].scheme] = sp[1] == '1';
				seen++;
			}
		line = eol ? eol + 1 : line + len;
	}
	if (seen != NPROBES)
		return mx_err_set(err, MX_E_PARSE,
		    _("crypt probe: %zu answers for %zu schemes"), seen, NPROBES);
	out->scheme[MX_HASH_PLAIN] = 0;		/* crypt() never takes it */
	out->dovecot_plain = 1;
	return 0;
}

int
mx_preflight_probe(struct mx_host *target, struct mx_crypt_support *out,
    struct mx_err *err)
{
	const char *argv[4 + NPROBES];
	struct mx_buf o = MX_BUF_INIT, e = MX_BUF_INIT;
	size_t i;
	int status = 0, rc;

	argv[0] = "perl";
	argv[1] = "-e";
	argv[2] = probe_script;
	for (i = 0; i < NPROBES; i++)
		argv[3 + i] = probes[i].setting;
	argv[3 + NPROBES] = NULL;
	rc = mx_host_run(target, argv, NULL, 0, &o, &e, &status, err);
	if (rc == 0 && status != 0)
		rc = mx_err_set(err, MX_E_REMOTE,
		    _("%s: cannot ask crypt() which hashes it knows (perl exit %d): %s"),
		    mx_host_name(target), status, e.data ? e.data : "");
	if (rc == 0)
		rc = mx_preflight_parse(o.data ? o.data : "", out, err);
	if (rc == -1)
		mx_err_prefix(err, "%s", mx_host_name(target));
	mx_buf_free(&o);
	mx_buf_free(&e);
	return rc;
}

const char *
mx_pf_verdict_name(enum mx_pf_verdict v)
{
	switch (v) {
	case MX_PF_OK: return "ok";
	case MX_PF_WEAK: return "weak";
	case MX_PF_LOCKOUT: return "lockout";
	case MX_PF_RESET: return "reset";
	default: return "skipped";
	}
}

enum mx_pf_verdict
mx_preflight_judge(const struct mx_account *a, const char *target_kind,
    const struct mx_crypt_support *cs, const char **why)
{
	int dovecot = strcmp(target_kind, "dovecot") == 0;

	*why = "";
	if (a->skip != NULL || a->scheme == MX_HASH_NONE || a->scheme == MX_HASH_LOCKED) {
		*why = N_("locked or without a password on the source: not migrated");
		return MX_PF_SKIPPED;
	}
	switch (a->scheme) {
	case MX_HASH_PLESK_AES:
		*why = N_("Plesk AES-encrypted password: decrypt it on the old host with "
		    "/etc/psa/private/secret_key, or have the user reset it");
		return MX_PF_RESET;
	case MX_HASH_PLAIN:
		if (dovecot && cs->dovecot_plain) {
			*why = N_("clear text on the source: kept as {PLAIN}; consider a reset");
			return MX_PF_WEAK;
		}
		*why = N_("clear text on the source: the target stores only hashes; "
		    "hash it with crypt() before creating the account");
		return MX_PF_WEAK;
	case MX_HASH_UNKNOWN:
		*why = N_("unknown hash format: the target cannot check it");
		return MX_PF_LOCKOUT;
	default:
		break;
	}
	if (!cs->scheme[a->scheme]) {
		*why = N_("the target's crypt() does not know this hash scheme: the user "
		    "would be locked out");
		return MX_PF_LOCKOUT;
	}
	if (a->scheme == MX_HASH_DES || a->scheme == MX_HASH_BSDI) {
		*why = N_("DES crypt: works, but only the first 8 characters count");
		return MX_PF_WEAK;
	}
	if (a->scheme == MX_HASH_MD5) {
		*why = N_("MD5 crypt: works, but is weak; consider a reset");
		return MX_PF_WEAK;
	}
	return MX_PF_OK;
}
