/* fuzz-accounts.c - libFuzzer target: the account parsers (passwd and
 * shadow, vpasswd, users/assign, .qmail, .forward, Dovecot passwd-file,
 * Plesk's users/poppasswd). The first byte picks the parser (6:
 * poppasswd, else modulo 6); the rest is the file's text. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "acct-int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mx_accounts *a;
	struct mx_account *ac;
	struct mx_assign *as = NULL;
	size_t nas = 0;
	char *text, *half;

	if (size < 1)
		return 0;
	text = malloc(size);
	if (text == NULL)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	a = mx_accounts_new("fuzz");
	/* 6 (and only 6) picks poppasswd: the seeds' bytes 0-5 keep their
	 * parsers. */
	switch (data[0] == 6 ? 6 : data[0] % 6) {
	case 0:
		/* passwd and shadow from the two halves of the input */
		half = strchr(text, '\f');
		if (half != NULL)
			*half++ = '\0';
		mx_acct_parse_passwd(a, text, "passwd", half, "shadow", NULL, 0, 65535);
		break;
	case 1:
		mx_acct_parse_vpasswd(a, "example.test", text, "vpasswd", 89, 89);
		break;
	case 2:
		mx_acct_parse_assign(text, "assign", a, &as, &nas);
		mx_assign_free(as, nas);
		break;
	case 3:
		ac = mx_accounts_add(a, "", "u");
		if (ac != NULL)
			mx_acct_parse_dotqmail(ac, text);
		break;
	case 4:
		ac = mx_accounts_add(a, "", "u");
		if (ac != NULL)
			mx_acct_parse_forward(ac, text);
		break;
	case 6:
		/* Plesk's poppasswd over accounts psa gave: clear text, none,
		 * an AES blob, a hash. */
		if ((ac = mx_accounts_add(a, "example.test", "plain")) != NULL &&
		    mx_set(&ac->hash, "pw-plain") == 0)
			ac->scheme = MX_HASH_PLAIN;
		if ((ac = mx_accounts_add(a, "example.test", "none")) != NULL)
			ac->scheme = MX_HASH_NONE;
		if ((ac = mx_accounts_add(a, "example.test", "aes")) != NULL &&
		    mx_set(&ac->hash, "$AES-128-CBC$aXY=$Y2k=") == 0)
			ac->scheme = MX_HASH_PLESK_AES;
		if ((ac = mx_accounts_add(a, "other.test", "md5")) != NULL &&
		    mx_set(&ac->hash, "$1$abcdefgh$0123456789abcdefghijkl") == 0)
			ac->scheme = MX_HASH_MD5;
		mx_acct_parse_poppasswd(a, text, "poppasswd");
		break;
	default:
		mx_acct_parse_dovecot(a, text, "users");
		break;
	}
	mx_accounts_free(a);
	free(text);
	return 0;
}
