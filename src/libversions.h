/* libversions.h - the versions of the libraries the engine runs with. */
#ifndef MX_LIBVERSIONS_H
#define MX_LIBVERSIONS_H

struct mx_libversion {
	const char *name;
	const char *version;	/* as the library reports it at run time */
};

/* Fills at most max entries (libssh, ldns, libarchive, MySQL client,
 * OpenSSL, json-c); returns how many. Strings are static. */
int mx_lib_versions(struct mx_libversion *v, int max);

#endif
