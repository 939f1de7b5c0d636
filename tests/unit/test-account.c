/* test-account.c - the account model and the pure parsers: hash schemes
 * (real crypt() output of each), masks, quotas, names, passwd+shadow at
 * the uid edges, locked accounts, vpasswd, users/assign, .qmail,
 * .forward, Dovecot passwd-files, malformed lines. */
#include <config.h>

#include <crypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acct-int.h"
#include "acct-target.h"
#include "buf.h"
#include "tap.h"

static char *
make_hash(const char *prefix, const char *pw)
{
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	const char *h;

	if (strcmp(prefix, "des") == 0)
		h = crypt(pw, "ab");
	else {
		if (crypt_gensalt_rn(prefix, 0, NULL, 0, salt, sizeof salt) == NULL)
			return NULL;
		h = crypt(pw, salt);
	}
	return h != NULL && h[0] != '*' ? strdup(h) : NULL;
}

static void
test_schemes(void)
{
	static const struct { const char *prefix; enum mx_hash_scheme s; } t[] = {
		{ "des", MX_HASH_DES }, { "$1$", MX_HASH_MD5 },
		{ "$5$", MX_HASH_SHA256 }, { "$6$", MX_HASH_SHA512 },
		{ "$2b$", MX_HASH_BCRYPT }, { "$y$", MX_HASH_YESCRYPT },
	};
	char mask[64], *h;
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		h = make_hash(t[i].prefix, "s3cret");
		ok(h != NULL, "crypt() makes a %s hash", t[i].prefix);
		if (h == NULL)
			continue;
		is_str(mx_hash_scheme_name(mx_hash_detect(h, 0)),
		    mx_hash_scheme_name(t[i].s), "%s detected", t[i].prefix);
		ok(mx_hash_usable(h), "crypt_checksalt accepts the %s hash",
		    t[i].prefix);
		mx_hash_mask(h, t[i].s, mask, sizeof mask);
		ok(strlen(mask) < strlen(h) && strstr(mask, "...") != NULL &&
		    strncmp(mask, h, strlen(mask) - 3) == 0,
		    "the %s mask '%s' is a prefix, not the hash", t[i].prefix, mask);
		free(h);
	}
	is_int(mx_hash_detect("$2a$10$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234", 0),
	    MX_HASH_BCRYPT, "$2a$ is bcrypt");
	is_int(mx_hash_detect("$2y$10$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234", 0),
	    MX_HASH_BCRYPT, "$2y$ is bcrypt");
	is_int(mx_hash_detect("!$6$abc$def", 0), MX_HASH_LOCKED, "'!' prefix: locked");
	is_int(mx_hash_detect("*", 0), MX_HASH_LOCKED, "'*': locked");
	is_int(mx_hash_detect("!!", 0), MX_HASH_LOCKED, "'!!' (useradd's): locked");
	is_int(mx_hash_detect("ab!cdefghijkl", 0), MX_HASH_LOCKED,
	    "'!' anywhere locks (the sendmail seed's rule)");
	is_int(mx_hash_detect("", 0), MX_HASH_NONE, "empty: none");
	is_int(mx_hash_detect("$AES-128-CBC$aXY=$cGFzcw==", 1), MX_HASH_PLESK_AES,
	    "Plesk's $AES-128-CBC$ is recognised");
	is_int(mx_hash_detect("hunter2", 1), MX_HASH_PLAIN,
	    "clear text from a source that holds it: plain");
	is_int(mx_hash_detect("hunter2", 0), MX_HASH_UNKNOWN,
	    "clear text where a hash belongs: unknown, never called a hash");
	is_int(mx_hash_detect("abcdefghijklm", 1), MX_HASH_UNKNOWN,
	    "13 characters from a plain-text source: ambiguous, unknown");
	mx_hash_mask("hunter2", MX_HASH_PLAIN, mask, sizeof mask);
	is_str(mask, "(plain text)", "plain text is never shown");
	mx_hash_mask("$6$rounds=5000$saltsalt$xyz", MX_HASH_SHA512, mask, sizeof mask);
	is_str(mask, "$6$rounds...", "the mask of a $6$ hash");
	mx_hash_mask("$AES-128-CBC$aXY=$cGFzcw==", MX_HASH_PLESK_AES, mask, sizeof mask);
	is_str(mask, "$AES-128-CBC$...", "the Plesk mask shows no ciphertext");
	ok(!mx_hash_usable("hunter2"), "clear text is not a usable crypt hash");
}

static void
test_quota_names(void)
{
	long long b, c;

	ok(mx_quota_parse("7776777777777757777M", &b, &c) == -1,
	    "a quota that overflows is malformed, not wrapped (found by fuzz-accounts)");
	ok(mx_quota_parse("NOQUOTA", &b, &c) == 0 && b == -1 && c == -1, "NOQUOTA");
	ok(mx_quota_parse("5000000S", &b, &c) == 0 && b == 5000000 && c == -1, "NNNS");
	ok(mx_quota_parse("5000000S,100C", &b, &c) == 0 && b == 5000000 && c == 100,
	    "NNNS,NNC");
	ok(mx_quota_parse("1048576", &b, &c) == 0 && b == 1048576, "bare bytes");
	ok(mx_quota_parse("5M", &b, &c) == 0 && b == 5242880, "5M");
	ok(mx_quota_parse("lots", &b, &c) == -1, "a word is refused");
	ok(mx_quota_parse("5S,x", &b, &c) == -1, "a broken count is refused");
	ok(mx_name_safe("john.doe-1+x"), "an ordinary local part is safe");
	ok(!mx_name_safe("a;rm -rf /"), "';' and spaces are refused");
	ok(!mx_name_safe("$(id)"), "$( ) is refused");
	ok(!mx_name_safe("-rf"), "a leading '-' is refused (option injection)");
	ok(!mx_name_safe("a'b"), "a quote is refused");
	ok(!mx_name_safe("a:b"), "':' is refused (passwd-file separator)");
	ok(mx_domain_safe("example.com"), "a domain is safe");
	ok(!mx_domain_safe("ex ample.com"), "a domain with a space is refused");
	ok(!mx_domain_safe("a/../b"), "a domain with '/' is refused");
}

static const char passwd_txt[] =
    "root:x:0:0:root:/root:/bin/bash\n"
    "edge499:x:499:100::/home/edge499:/bin/sh\n"
    "edge500:x:500:100:Edge Low:/home/edge500:/bin/sh\n"
    "alice:x:1001:1001:Alice:/home/alice:/bin/bash\n"
    "locked:x:1002:1002::/home/locked:/bin/sh\n"
    "nopw:x:1003:1003::/home/nopw:/bin/sh\n"
    "broken:x:1004\n"
    "badnum:x:12a:100::/home/badnum:/bin/sh\n"
    "star:x:1005:1005::/home/star:/bin/sh\n"
    "edge63999:x:63999:100::/home/edge63999:/bin/sh\n"
    "edge64000:x:64000:100::/home/edge64000:/bin/sh\n"
    "nobody:x:65534:65534::/nonexistent:/usr/sbin/nologin\n"
    "oldstyle:ab01234567890:1006:100::/home/oldstyle:/bin/sh\n";
static const char shadow_txt[] =
    "root:*:19000:0:99999:7:::\n"
    "edge500:$1$saltsalt$abcdefghijklmnopqrstuv:19000:0:99999:7:::\n"
    "alice:$6$rounds=5000$abcdefgh$ABCDEFGHIJ:19000:0:99999:7:::\n"
    "locked:!$6$xyz$abc:19000:0:99999:7:::\n"
    "nopw::19000:0:99999:7:::\n"
    "star:*:19000:0:99999:7:::\n"
    "edge63999:$5$salt$hash:19000:0:99999:7:::\n";
static const char group_txt[] = "users:x:100:\nalice:x:1001:\n";

static void
test_passwd(void)
{
	struct mx_accounts *a = mx_accounts_new("passwd");
	struct mx_account *ac;

	ok(mx_acct_parse_passwd(a, passwd_txt, "/etc/passwd", shadow_txt,
	    "/etc/shadow", group_txt, 500, 63999) == 0, "passwd+shadow parse");
	ok(mx_accounts_find(a, "", "edge499") == NULL, "uid 499 is outside");
	ok(mx_accounts_find(a, "", "edge64000") == NULL, "uid 64000 is outside");
	ok(mx_accounts_find(a, "", "root") == NULL, "root is outside");
	ac = mx_accounts_find(a, "", "edge500");
	ok(ac != NULL && ac->skip == NULL && ac->scheme == MX_HASH_MD5,
	    "uid 500 is in, with its $1$ hash");
	ok(ac != NULL && ac->group != NULL && strcmp(ac->group, "users") == 0,
	    "its group name comes from /etc/group");
	ac = mx_accounts_find(a, "", "edge63999");
	ok(ac != NULL && ac->scheme == MX_HASH_SHA256, "uid 63999 is in ($5$)");
	ac = mx_accounts_find(a, "", "alice");
	ok(ac != NULL && strcmp(ac->home, "/home/alice") == 0 &&
	    ac->uid == 1001 && ac->gid == 1001 &&
	    strcmp(ac->origin, "/etc/shadow line 3") == 0,
	    "alice: home, uid, gid, origin in the shadow file");
	ac = mx_accounts_find(a, "", "locked");
	ok(ac != NULL && ac->skip != NULL && ac->scheme == MX_HASH_LOCKED,
	    "'!' hash: listed as skipped");
	ac = mx_accounts_find(a, "", "star");
	ok(ac != NULL && ac->skip != NULL, "'*' hash: listed as skipped");
	ac = mx_accounts_find(a, "", "nopw");
	ok(ac != NULL && ac->skip != NULL && ac->scheme == MX_HASH_NONE,
	    "empty hash: skipped (anyone could log in)");
	ac = mx_accounts_find(a, "", "oldstyle");
	ok(ac != NULL && ac->scheme == MX_HASH_DES && ac->skip == NULL,
	    "a DES hash in /etc/passwd itself");
	is_int(a->nproblem, 2, "two malformed lines reported");
	ok(a->nproblem == 2 && strcmp(a->problem[0].where, "/etc/passwd line 7") == 0 &&
	    strcmp(a->problem[1].where, "/etc/passwd line 8") == 0,
	    "each with its file and line");
	ok(mx_accounts_find(a, "", "broken") == NULL &&
	    mx_accounts_find(a, "", "badnum") == NULL, "and never guessed");
	mx_accounts_free(a);
}

static void
test_qmail_files(void)
{
	struct mx_accounts *a = mx_accounts_new("x");
	struct mx_account *ac = mx_accounts_add(a, "", "bob");
	const char *arg;
	char dir[256];

	is_int(mx_acct_qmail_line("&joe@example.org", &arg), MX_QL_FORWARD, "&addr");
	is_str(arg, "joe@example.org", "its address");
	is_int(mx_acct_qmail_line("joe@example.org", &arg), MX_QL_FORWARD, "bare addr");
	is_int(mx_acct_qmail_line("./Maildir/", &arg), MX_QL_MAILDIR, "./Maildir/");
	is_int(mx_acct_qmail_line("/var/spool/mail/bob", &arg), MX_QL_MBOX, "mbox");
	is_int(mx_acct_qmail_line("# comment", &arg), MX_QL_NONE, "comment");
	is_int(mx_acct_qmail_line("| /usr/bin/autorespond 86400 3 msg dir", &arg),
	    MX_QL_PROGRAM, "|program");
	is_int(mx_acct_program_kind(arg, NULL, 0), 1, "autorespond is an autoresponder");
	is_int(mx_acct_program_kind("/usr/bin/ezmlm/ezmlm-send '/home/vpopmail/domains/example.com/list'",
	    dir, sizeof dir), 2, "ezmlm-send is a list");
	is_str(dir, "/home/vpopmail/domains/example.com/list", "its list dir");
	is_int(mx_acct_program_kind("/usr/bin/procmail", NULL, 0), 0, "procmail is neither");
	ok(mx_acct_parse_dotqmail(ac, "&a@x.org\n./Maildir/\n|/usr/bin/vacation bob\n") == 0,
	    ".qmail parse");
	ok(ac->nforwards == 1 && strcmp(ac->forwards[0], "a@x.org") == 0 &&
	    ac->keep_copy && ac->autoresponder != NULL,
	    ".qmail: forward, local copy, autoresponder");
	ac = mx_accounts_add(a, "", "carol");
	ok(mx_acct_parse_forward(ac, "\\carol, c@y.org\n  d@z.org \n") == 0,
	    ".forward parse");
	ok(ac->nforwards == 2 && strcmp(ac->forwards[1], "d@z.org") == 0 && ac->keep_copy,
	    ".forward: two addresses and \\user keeps a copy");
	mx_accounts_free(a);
}

static const char assign_txt[] =
    "=bob:bob:1001:1001:/home/bob:::\n"
    "+example.com-:example.com:89:89:/home/vpopmail/domains/example.com:-::\n"
    "+big.test-:big.test:89:89:/home/vpopmail/domains/3/big.test:-::\n"
    "+alias.test-:example.com:89:89:/home/vpopmail/domains/example.com:-::\n"
    "garbage\n"
    ".\n"
    "+after.end-:after.end:89:89:/x:-::\n";

static void
test_assign(void)
{
	struct mx_accounts *a = mx_accounts_new("vpopmail");
	struct mx_assign *v = NULL;
	size_t n = 0;

	ok(mx_acct_parse_assign(assign_txt, "/var/qmail/users/assign", a, &v, &n) == 0,
	    "assign parses");
	is_int(n, 2, "two vpopmail domains (an alias domain and '=' lines are not)");
	ok(n == 2 && strcmp(v[1].dir, "/home/vpopmail/domains/3/big.test") == 0 &&
	    v[1].uid == 89, "the hashed domain dir and uid");
	is_int(a->nproblem, 1, "the garbage line is reported");
	mx_assign_free(v, n);
	mx_accounts_free(a);
}

static const char vpasswd_txt[] =
    "postmaster:$1$abcdefgh$0123456789012345678901:1:0:Postmaster:/home/vpopmail/domains/example.com/postmaster:NOQUOTA:secret1\n"
    "john:$6$saltsalt$hash:1:9:John Doe:/home/vpopmail/domains/example.com/0/john:5000000S,100C\n"
    "desuser:ab0123456789A:2:0::/home/vpopmail/domains/example.com/desuser:1048576:\n"
    "short:$1$x$y:1:0\n"
    "badquota:$1$x$y:1:0::/home/vpopmail/domains/example.com/badquota:lots\n"
    "reldir:$1$x$y:1:0::domains/x:NOQUOTA\n"
    "john:$1$dup$dup:1:0::/home/vpopmail/domains/example.com/john:NOQUOTA\n"
    "clearonly::1:0::/home/vpopmail/domains/example.com/clearonly:NOQUOTA:pw\n"
    "off:$1$a$b:1:10::/home/vpopmail/domains/example.com/off:NOQUOTA\n";

static void
test_vpasswd(void)
{
	struct mx_accounts *a = mx_accounts_new("vpopmail");
	struct mx_account *ac;

	ok(mx_acct_parse_vpasswd(a, "example.com", vpasswd_txt,
	    "/home/vpopmail/domains/example.com/vpasswd", 89, 89) == 0, "vpasswd parses");
	is_int(a->nacct, 5, "five accounts");
	is_int(a->nproblem, 4, "four malformed lines (fields, quota, dir, duplicate)");
	ac = mx_accounts_find(a, "example.com", "postmaster");
	ok(ac != NULL && ac->clear != NULL && strcmp(ac->clear, "secret1") == 0 &&
	    ac->scheme == MX_HASH_MD5 && ac->vuid == 1 && ac->uid == 89,
	    "postmaster: every field, with the clear-text 8th");
	ac = mx_accounts_find(a, "example.com", "john");
	ok(ac != NULL && ac->quota_bytes == 5000000 && ac->quota_count == 100 &&
	    ac->vflags == 9 && strcmp(ac->src_maildir,
	    "/home/vpopmail/domains/example.com/0/john/Maildir") == 0 &&
	    strcmp(ac->gecos, "John Doe") == 0,
	    "john: quota, flags, gecos and the bucketed Maildir");
	ok(ac != NULL && !ac->disabled, "flags 9 (no IMAP, no password change) is not disabled");
	ac = mx_accounts_find(a, "example.com", "desuser");
	ok(ac != NULL && ac->scheme == MX_HASH_DES && ac->vuid == 2 &&
	    ac->clear == NULL, "DES, APOP, empty clear field");
	ac = mx_accounts_find(a, "example.com", "clearonly");
	ok(ac != NULL && ac->scheme == MX_HASH_PLAIN && ac->skip == NULL,
	    "no hash but a clear field: plain, marked so");
	ac = mx_accounts_find(a, "example.com", "off");
	ok(ac != NULL && ac->disabled, "no POP + no IMAP: disabled");
	mx_accounts_free(a);
}

static void
test_dovecot(void)
{
	struct mx_accounts *a = mx_accounts_new("dovecot");
	struct mx_account *ac;

	ok(mx_acct_parse_dovecot(a,
	    "# users\n"
	    "alice@example.com:{CRYPT}$6$abc$def:5000:5000::/var/vmail/example.com/alice::\n"
	    "bob:{PLAIN}pw:1001:1001::/home/bob::userdb_quota_rule=*:bytes=1M\n"
	    "bad:{CRYPT}x:notanumber:1::/x::\n", "/etc/dovecot/users") == 0,
	    "a Dovecot passwd-file parses");
	ac = mx_accounts_find(a, "example.com", "alice");
	ok(ac != NULL && ac->scheme == MX_HASH_SHA512 && ac->uid == 5000 &&
	    strcmp(ac->src_maildir, "/var/vmail/example.com/alice/Maildir") == 0,
	    "user@domain, {CRYPT}, uid, Maildir under home");
	ac = mx_accounts_find(a, "", "bob");
	ok(ac != NULL && ac->scheme == MX_HASH_PLAIN, "{PLAIN} is plain");
	is_int(a->nproblem, 1, "a bad uid is reported");
	mx_accounts_free(a);
}

static void
test_sql_and_make(void)
{
	struct mx_buf b = MX_BUF_INIT;
	char *h;

	mx_acct_sql_quote(&b, "O'Brien \"x\" \\ \n");
	is_str(b.data, "'O\\'Brien \\\"x\\\" \\\\ \\n'",
	    "SQL literals escape quotes, backslashes and newlines");
	mx_buf_reset(&b);
	mx_acct_sql_quote(&b, "$6$salt$hash");
	is_str(b.data, "'$6$salt$hash'", "a hash is quoted as it is");
	mx_buf_free(&b);
	h = mx_hash_make("clear pw");
	ok(h != NULL && strncmp(h, "$6$", 3) == 0, "clear text is hashed as SHA-512");
	ok(h != NULL && strcmp(crypt("clear pw", h), h) == 0,
	    "and the hash checks the clear password");
	ok(h != NULL && strstr(h, "clear pw") == NULL, "without holding it");
	free(h);
}

int
main(void)
{
	test_schemes();
	test_quota_names();
	test_passwd();
	test_qmail_files();
	test_assign();
	test_vpasswd();
	test_dovecot();
	test_sql_and_make();
	return tap_done();
}
