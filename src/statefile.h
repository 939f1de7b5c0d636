/* statefile.h - mxmove's own files on this machine that a pass reads
 * whole and writes whole (the manifests and stamps under STATE): read
 * into memory in one go; replaced through a temporary name (0600, never
 * through a symbolic link), without fsync: one lost in a crash only
 * costs the next pass some reading, and a file cut short is refused by
 * its own count line. */
#ifndef MX_STATEFILE_H
#define MX_STATEFILE_H

#include <stddef.h>

#include "err.h"

/* The whole file into a NUL-terminated buffer (*len bytes). Returns 0,
 * -1 when it cannot be read (errno set: ENOENT for none), -2 when out of
 * memory. */
int mx_statefile_read(const char *path, char **data, size_t *len);
/* Replace path with data[0..len): path.tmp written, then renamed. */
int mx_statefile_replace(const char *path, const void *data, size_t len,
    struct mx_err *err);

#endif
