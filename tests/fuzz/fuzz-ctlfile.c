/* fuzz-ctlfile.c - libFuzzer target: control files (qmail's and the
 * like): parse, the round-trip property (an untouched file comes back
 * byte for byte), set/remove, the diff and the revert. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctlfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mx_ctl c;
	struct mx_err err;
	const char *text;
	char *back, *after, *diff, *rev;
	size_t len, blen, alen, rlen;

	if (size < 1)
		return 0;
	text = (const char *)data + 1;
	len = size - 1;
	memset(&c, 0, sizeof c);
	if (mx_ctl_parse(&c, text, len, (enum mx_ctl_key)(data[0] % 3), "fuzz",
	    &err) == -1)
		return 0;
	back = mx_ctl_text(&c, &blen);
	/* The promise: an untouched file is rewritten byte for byte. */
	if (back == NULL || blen != len || memcmp(back, text, len) != 0)
		abort();
	mx_ctl_set(&c, "example.test:new.example.test");
	mx_ctl_remove(&c, "old.example.test");
	after = mx_ctl_text(&c, &alen);
	diff = mx_diff("fuzz", back, blen, after, alen);
	rev = mx_ctl_revert(back, blen, after, alen, after, alen, &rlen);
	free(rev);
	free(diff);
	free(after);
	free(back);
	mx_ctl_free(&c);
	return 0;
}
