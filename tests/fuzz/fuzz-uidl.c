/* fuzz-uidl.c - libFuzzer target: the Maildir listing parser behind the
 * UIDL lists. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "uidl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mx_uidl_list l = { 0 }, m = { 0 };
	struct mx_uidl_diff d;
	struct mx_err err;
	char *text = malloc(size + 1);

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (mx_uidl_parse_find(text, &l, &err) == 0) {
		if (l.n > 0)
			mx_uidl_add(&m, l.v[0].uidl, 0);
		if (mx_uidl_diff(&l, &m, &d, &err) == 0)
			mx_uidl_diff_free(&d);
	}
	mx_uidl_free(&l);
	mx_uidl_free(&m);
	free(text);
	return 0;
}
