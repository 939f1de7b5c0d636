/* test-core.c - errors, buffers and the remote-shell quoting. */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "buf.h"
#include "err.h"
#include "quote.h"
#include "tap.h"

/* Run the quoted word through a real sh and read back what it printed. */
static char *
through_sh(const char *word)
{
	struct mx_buf cmd = MX_BUF_INIT, out = MX_BUF_INIT;
	char chunk[256];
	size_t n;
	FILE *p;

	mx_buf_puts(&cmd, "printf %s ");
	mx_shell_quote(&cmd, word);
	p = popen(cmd.data, "r");
	if (p == NULL)
		return NULL;
	while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
		mx_buf_append(&out, chunk, n);
	pclose(p);
	mx_buf_free(&cmd);
	return mx_buf_steal(&out);
}

int
main(void)
{
	struct mx_err err;
	struct mx_buf b = MX_BUF_INIT;
	static const char *hostile[] = {
		"plain", "with space", "it's", "say \"hi\"", "$HOME", "`id`",
		"$(id)", "line\nbreak", "-rf", "--", "a;b|c&d", "*", "~root",
		"back\\slash", "", "'", "''", "tab\there", "Émile", NULL
	};
	const char *argv[] = { "chown", "-R", "1001:1001", "/mail/o'brien x", NULL };
	char *s;
	int i;

	mx_err_clear(&err);
	is_int(mx_err_set(&err, MX_E_USAGE, "bad %s", "input"), -1,
	    "mx_err_set returns -1");
	is_str(err.msg, "bad input", "message formatted");
	is_int(err.code, MX_E_USAGE, "code kept");
	mx_err_errno(&err, ENOENT, "open %s", "/x");
	is_str(err.msg, "open /x: No such file or directory", "errno appended");
	is_int(err.code, MX_E_NOTFOUND, "ENOENT maps to NOTFOUND");
	mx_err_prefix(&err, "old");
	is_str(err.msg, "old: open /x: No such file or directory", "prefix added");
	ok(mx_err_set(NULL, MX_E_IO, "x") == -1, "NULL error is allowed");

	for (i = 0; i < 1000; i++)
		mx_buf_printf(&b, "%d,", i);
	ok(b.len == strlen(b.data), "buffer length matches its string");
	ok(strncmp(b.data, "0,1,2,", 6) == 0 && strstr(b.data, "999,") != NULL,
	    "buffer grows and keeps everything");
	mx_buf_reset(&b);
	is_int(b.len, 0, "reset empties");
	s = mx_buf_steal(&b);
	is_str(s, "", "steal of an empty buffer gives an empty string");
	free(s);

	for (i = 0; hostile[i] != NULL; i++) {
		char *back = through_sh(hostile[i]);
		is_str(back, hostile[i], "quoted word %d comes back byte-exact", i);
		free(back);
	}
	mx_shell_join(&b, argv);
	is_str(b.data, "chown -R 1001:1001 '/mail/o'\\''brien x'", "join quotes each word");
	mx_buf_free(&b);
	return tap_done();
}
