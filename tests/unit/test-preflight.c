/* test-preflight.c - the credential preflight: this machine's crypt()
 * asked through the host layer, and the verdict per account. */
#include <config.h>

#include <string.h>

#include "host.h"
#include "preflight.h"
#include "tap.h"

static struct mx_account
acct(const char *hash, enum mx_hash_scheme s)
{
	struct mx_account a;

	memset(&a, 0, sizeof a);
	a.local = (char *)"u";
	a.hash = (char *)hash;
	a.scheme = s;
	return a;
}

int
main(void)
{
	struct mx_crypt_support cs, limited;
	struct mx_account a;
	struct mx_host *h = NULL;
	struct mx_err err;
	const char *why;

	ok(mx_host_open(&h, "local:", NULL, NULL, &err) == 0, "open this machine");
	ok(mx_preflight_probe(h, &cs, &err) == 0, "probe this machine's crypt(): %s",
	    err.msg);
	/* Debian 12's libxcrypt checks all of these. */
	ok(cs.scheme[MX_HASH_SHA512] && cs.scheme[MX_HASH_MD5] &&
	    cs.scheme[MX_HASH_YESCRYPT] && cs.scheme[MX_HASH_BCRYPT],
	    "sha512, md5, yescrypt and bcrypt are known here");
	ok(!cs.scheme[MX_HASH_PLAIN], "crypt() never takes clear text");
	mx_host_close(h);

	/* A target whose crypt() lacks yescrypt and DES (an older libc). */
	ok(mx_preflight_parse("ab 0\n_J9..abcd 0\n$1$abcdefgh$ 1\n"
	    "$5$abcdefghijklmnop$ 1\n$6$abcdefghijklmnop$ 1\n"
	    "$2b$05$abcdefghijklmnopqrstuu 0\n$y$j9T$abcdefghijklmnop$ 0\n",
	    &limited, &err) == 0, "parse a probe answer");
	ok(mx_preflight_parse("ab 1\n", &limited, &err) == -1 &&
	    strstr(err.msg, "1 answers for 7") != NULL, "a short answer is refused: %s",
	    err.msg);
	ok(mx_preflight_parse("ab 0\n_J9..abcd 0\n$1$abcdefgh$ 1\n"
	    "$5$abcdefghijklmnop$ 1\n$6$abcdefghijklmnop$ 1\n"
	    "$2b$05$abcdefghijklmnopqrstuu 0\n$y$j9T$abcdefghijklmnop$ 0\n",
	    &limited, &err) == 0, "parse it again");

	a = acct("$y$j9T$abc$def", MX_HASH_YESCRYPT);
	is_int(mx_preflight_judge(&a, "system", &limited, &why), MX_PF_LOCKOUT,
	    "yescrypt on a target without it: lockout");
	ok(strstr(why, "locked out") != NULL, "and it says so: %s", why);
	is_int(mx_preflight_judge(&a, "system", &cs, &why), MX_PF_OK,
	    "yescrypt on this machine: ok");
	a = acct("abJnggxhB/yWI", MX_HASH_DES);
	is_int(mx_preflight_judge(&a, "dovecot", &cs, &why), MX_PF_WEAK,
	    "DES where it is known: weak");
	ok(strstr(why, "8 characters") != NULL, "and why: %s", why);
	is_int(mx_preflight_judge(&a, "dovecot", &limited, &why), MX_PF_LOCKOUT,
	    "DES where it is not: lockout");
	a = acct("secret", MX_HASH_PLAIN);
	is_int(mx_preflight_judge(&a, "dovecot", &cs, &why), MX_PF_WEAK,
	    "clear text to Dovecot: weak ({PLAIN})");
	a = acct("$AES-128-CBC$aXY=$Zm9v", MX_HASH_PLESK_AES);
	is_int(mx_preflight_judge(&a, "vpopmail", &cs, &why), MX_PF_RESET,
	    "Plesk AES: needs the key or a reset");
	a = acct("!$6$x$y", MX_HASH_LOCKED);
	is_int(mx_preflight_judge(&a, "system", &cs, &why), MX_PF_SKIPPED,
	    "locked: skipped");
	a = acct("$6$x$y", MX_HASH_SHA512);
	is_int(mx_preflight_judge(&a, "system", &limited, &why), MX_PF_OK,
	    "sha512: ok");
	is_str(mx_pf_verdict_name(MX_PF_LOCKOUT), "lockout", "verdict names are stable");
	return tap_done();
}
