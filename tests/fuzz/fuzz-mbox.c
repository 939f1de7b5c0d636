/* fuzz-mbox.c - libFuzzer target: the streaming mbox reader (all three
 * formats, with a small read size so messages straddle buffers) and the
 * mbox sanity scan. The first byte picks the format and the read size. */
#include <config.h>

#include <stdint.h>
#include <string.h>

#include "mbox.h"
#include "mboxscan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct mem {
	const uint8_t *p;
	size_t left, step;
};

static ssize_t
mem_read(void *ctx, void *buf, size_t len, struct mx_err *err)
{
	struct mem *m = ctx;
	size_t n = len < m->step ? len : m->step;

	(void)err;
	if (n > m->left)
		n = m->left;
	memcpy(buf, m->p, n);
	m->p += n;
	m->left -= n;
	return (ssize_t)n;
}

static int
begin(void *ctx, const struct mx_mbox_msg *m, struct mx_err *err)
{
	(void)ctx; (void)m; (void)err;
	return 0;
}

static int
data_fn(void *ctx, const void *p, size_t n, struct mx_err *err)
{
	(void)err;
	if (n > 0)
		*(uint64_t *)ctx += ((const uint8_t *)p)[n - 1];
	return 0;
}

static void
damage(void *ctx, uint64_t off, const char *what)
{
	(void)ctx; (void)off; (void)what;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct mx_mbox_ops ops = { begin, data_fn, begin, damage };
	struct mx_scan_result res;
	struct mx_err err;
	struct mem m;
	uint64_t sum = 0;

	if (size < 1)
		return 0;
	m.p = data + 1;
	m.left = size - 1;
	m.step = 1 + (data[0] >> 2) * 7;
	mx_mbox_parse(mem_read, &m, (enum mx_mbox_format)(data[0] % 3), &ops, &sum, &err);
	m.p = data + 1;
	m.left = size - 1;
	mx_mbox_scan(mem_read, &m, NULL, NULL, &res, &err);
	return 0;
}
