/* err.h - errors as values.
 *
 * Every engine function that can fail returns 0 on success and -1 on
 * failure, and fills a caller-owned struct mx_err with a message a person
 * can act on ("old.example.org: host key changed ... refusing to connect").
 * Nothing in the engine prints or exits: the message travels up to the
 * screen, or to stderr in batch mode.
 */
#ifndef MX_ERR_H
#define MX_ERR_H

#include <stddef.h>

#define MX_ERR_MAX 1024

/* What kind of failure, so callers can decide without parsing text. */
enum mx_err_code {
	MX_OK = 0,
	MX_E_GENERIC,	/* anything not listed below */
	MX_E_USAGE,	/* bad input from the user: fix the input */
	MX_E_IO,	/* a file or a stream failed */
	MX_E_NET,	/* connection refused, lost, timed out */
	MX_E_AUTH,	/* authentication refused */
	MX_E_HOSTKEY,	/* host key unknown or changed */
	MX_E_PARSE,	/* malformed input: file and line are in the message */
	MX_E_REMOTE,	/* a command on a host failed */
	MX_E_NOTFOUND,	/* a file, user or record does not exist */
	MX_E_NOSPACE	/* a filesystem is full */
};

struct mx_err {
	enum mx_err_code code;
	char msg[MX_ERR_MAX];
};

/* Set the error (printf-style); always returns -1 so that callers can
 * write "return mx_err_set(err, ...);". err may be NULL. */
int mx_err_set(struct mx_err *err, enum mx_err_code code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Like mx_err_set, with ": strerror(errnum)" appended. */
int mx_err_errno(struct mx_err *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Put "prefix: " in front of the message already there (context added
 * on the way up). Returns -1. */
int mx_err_prefix(struct mx_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void mx_err_clear(struct mx_err *err);

#endif
