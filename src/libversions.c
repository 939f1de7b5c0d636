/* libversions.c - the versions of the libraries the engine runs with. */
#include <config.h>

#include <archive.h>
#include <json-c/json_c_version.h>
#include <ldns/ldns.h>
#include <libssh/libssh.h>
#include <mysql.h>
#include <openssl/crypto.h>

#include "libversions.h"

int
mx_lib_versions(struct mx_libversion *v, int max)
{
	struct mx_libversion all[] = {
		{ "libssh", ssh_version(0) },
		{ "ldns", ldns_version() },
		{ "libarchive", archive_version_details() },
		{ "MySQL client", mysql_get_client_info() },
		{ "OpenSSL", OpenSSL_version(OPENSSL_VERSION) },
		{ "json-c", json_c_version() },
	};
	int i, n = (int)(sizeof all / sizeof all[0]);

	for (i = 0; i < n && i < max; i++)
		v[i] = all[i];
	return i;
}
