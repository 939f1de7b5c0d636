/* err.c - errors as values (see err.h). */
#include <config.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "i18n.h"

int
mx_err_set(struct mx_err *err, enum mx_err_code code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return -1;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	return -1;
}

int
mx_err_errno(struct mx_err *err, int errnum, const char *fmt, ...)
{
	va_list ap;
	size_t n;
	enum mx_err_code code;

	if (err == NULL)
		return -1;
	switch (errnum) {
	case ENOENT: code = MX_E_NOTFOUND; break;
	case ENOSPC: case EDQUOT: code = MX_E_NOSPACE; break;
	case ECONNREFUSED: case ETIMEDOUT: case EHOSTUNREACH:
	case ENETUNREACH: case ECONNRESET: case EPIPE: code = MX_E_NET; break;
	default: code = MX_E_IO; break;
	}
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	n = strlen(err->msg);
	snprintf(err->msg + n, sizeof err->msg - n, ": %s", strerror(errnum));
	/* Out of descriptors: wherever it happens, say what to do. */
	n = strlen(err->msg);
	if (errnum == EMFILE)
		snprintf(err->msg + n, sizeof err->msg - n, " %s", _("(raise the "
		    "open-file limit, ulimit -n, and run again)"));
	else if (errnum == ENFILE)
		snprintf(err->msg + n, sizeof err->msg - n, " %s", _("(the "
		    "system's open-file table is full: raise fs.file-max or "
		    "close programs, and run again)"));
	return -1;
}

int
mx_err_prefix(struct mx_err *err, const char *fmt, ...)
{
	char old[MX_ERR_MAX];
	va_list ap;
	size_t n;

	if (err == NULL)
		return -1;
	memcpy(old, err->msg, sizeof old);
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	n = strlen(err->msg);
	snprintf(err->msg + n, sizeof err->msg - n, ": %s", old);
	return -1;
}

void
mx_err_clear(struct mx_err *err)
{
	if (err == NULL)
		return;
	err->code = MX_OK;
	err->msg[0] = '\0';
}
