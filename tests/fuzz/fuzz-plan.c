/* fuzz-plan.c - libFuzzer target: the plan file parser, and the promise
 * that a parsed plan formats to text that parses to the same text. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mx_plan *p = NULL, *q = NULL;
	struct mx_err err;
	char *t1, *t2;

	if (mx_plan_parse(&p, (const char *)data, size, "fuzz", &err) == -1)
		return 0;
	t1 = mx_plan_format(p);
	if (t1 == NULL || mx_plan_parse(&q, t1, strlen(t1), "again", &err) == -1)
		abort();
	t2 = mx_plan_format(q);
	if (t2 == NULL || strcmp(t1, t2) != 0)
		abort();
	free(t1);
	free(t2);
	mx_plan_free(p);
	mx_plan_free(q);
	return 0;
}
