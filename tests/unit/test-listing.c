/* test-listing.c - a Maildir's listing and its digests through the local
 * transport: the SHA-256 of every message equals OpenSSL's own, with the
 * host's openssl and with sha256sum alone (a host without openssl). */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "buf.h"
#include "err.h"
#include "host.h"
#include "listing.h"
#include "tap.h"
#include "tree.h"

static char dir[] = "/tmp/mxlisting-test.XXXXXX";

static void
sha256_hex(const char *text, char *hex)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n, i;

	EVP_Digest(text, strlen(text), md, &n, EVP_sha256(), NULL);
	for (i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

static const char *const files[][2] = {
	{ "cur/1700000000.M1P1.old,S=5:2,S", "hello" },
	{ "new/1700000001.M2P1.old", "second message\n" },
	{ ".Sent/cur/1700000002.M3P1.old:2,", "sent\n\nbody\n" },
	{ "cur/1700000003.M4P1.old:2,RS", "" },
};
#define NFILES (sizeof files / sizeof files[0])

/* List the Maildir and digest every message; count those right. */
static size_t
digests_right(struct mx_host *h, const char *md)
{
	struct mx_listing l;
	struct mx_msgrec *recs[NFILES];
	struct mx_err err;
	char want[65];
	size_t i, right = 0;

	if (mx_listing_init(&l, &err) == -1 || mx_listing_read(h, md, &l, &err) == -1)
		return 0;
	for (i = 0; i < l.n && i < NFILES; i++)
		recs[i] = &l.v[i];
	if (l.n == NFILES && mx_listing_digest(h, md, recs, l.n, &err) == 0)
		for (i = 0; i < NFILES; i++) {
			struct mx_msgrec *r = NULL;
			char key[1024], folder[1024];
			const char *name;

			if (mx_listing_msg_path(files[i][0], key, sizeof key, folder,
			    sizeof folder, &name) == 0)
				r = mx_listing_get(&l, key);
			sha256_hex(files[i][1], want);
			if (r != NULL && strcmp(r->digest, want) == 0)
				right++;
			else
				printf("# %s: got '%s'\n", files[i][0],
				    r ? r->digest : "(none)");
		}
	mx_listing_free(&l);
	return right;
}

int
main(void)
{
	struct mx_host *h = NULL;
	struct mx_err err;
	char hex[65], md[256], bin[256], cmd[1024];
	const char *p, *oldpath;
	size_t i;

	if (mkdtemp(dir) == NULL)
		return 1;

	/* The line parser: both programs' forms. */
	p = mx_listing_digest_line("2CF24DBA5FB0A30E26E83B2AC5B9E29E1B161E5C1FA7425E"
	    "73043362938B9824 *cur/a", hex);
	is_str(p, "cur/a", "openssl -r line: the path");
	is_str(hex, "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
	    "openssl -r line: the digest, lower case");
	p = mx_listing_digest_line("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e"
	    "73043362938b9824  new/b c", hex);
	is_str(p, "new/b c", "sha256sum line: the path, spaces kept");
	ok(mx_listing_digest_line("\\2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa742"
	    "5e73043362938b9824  cur/x\\\\y", hex) == NULL,
	    "an escaped sha256sum line is not taken");
	ok(mx_listing_digest_line("2cf24dba5f  cur/a", hex) == NULL,
	    "a short digest is not one");
	ok(mx_listing_digest_line("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e"
	    "73043362938b982z  cur/a", hex) == NULL, "nor one with a non-hex digit");
	ok(mx_listing_digest_line("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e"
	    "73043362938b9824  ", hex) == NULL, "nor one without a path");

	snprintf(md, sizeof md, "%s/Maildir", dir);
	for (i = 0; i < NFILES; i++) {
		char rel[512];

		snprintf(rel, sizeof rel, "Maildir/%s", files[i][0]);
		tree_mkpath(dir, "Maildir/cur", 0700);
		tree_mkpath(dir, "Maildir/new", 0700);
		tree_mkpath(dir, "Maildir/tmp", 0700);
		tree_mkpath(dir, "Maildir/.Sent/cur", 0700);
		tree_put(dir, rel, files[i][1]);
	}
	ok(mx_host_open(&h, "local:", NULL, NULL, &err) == 0, "local host");
	/* openssl is in tests/packages-test.txt. */
	ok(system("command -v openssl >/dev/null 2>&1") == 0, "openssl here");
	is_int((int)digests_right(h, md), (int)NFILES,
	    "every digest right (openssl dgst)");

	/* A host without openssl: only sh's builtins and sha256sum. */
	snprintf(bin, sizeof bin, "%s/bin", dir);
	tree_mkpath(dir, "bin", 0755);
	snprintf(cmd, sizeof cmd, "for p in sha256sum find; do ln -s \"$(command -v "
	    "$p)\" '%s/'; done", bin);
	ok(system(cmd) == 0, "a PATH with sha256sum and find, no openssl");
	oldpath = getenv("PATH");
	oldpath = oldpath ? strdup(oldpath) : NULL;
	setenv("PATH", bin, 1);
	is_int((int)digests_right(h, md), (int)NFILES,
	    "every digest right (sha256sum)");
	if (oldpath != NULL)
		setenv("PATH", oldpath, 1);
	free((char *)oldpath);

	mx_host_close(h);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# cannot remove %s\n", dir);
	return tap_done();
}
