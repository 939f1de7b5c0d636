/* quote.h - the one function that quotes arguments for a remote shell.
 *
 * Every word that goes into a command line run by a host's shell passes
 * through mx_shell_quote() (the qmail seed's "Watch those quotes!"). */
#ifndef MX_QUOTE_H
#define MX_QUOTE_H

#include "buf.h"

/* Append s to b as one POSIX sh word: bare when it holds only safe
 * characters, else in single quotes with each ' written '\''.
 * Returns 0, or -1 when memory runs out. */
int mx_shell_quote(struct mx_buf *b, const char *s);
/* Bytes of quoted names one command line takes before a command is cut
 * into several (one argument of sh -c stays far below ARG_MAX). */
#define MX_CHUNK_ARGS 60000

/* Append argv (NULL-terminated) to b, each word quoted, space-separated. */
int mx_shell_join(struct mx_buf *b, const char *const argv[]);

#endif
