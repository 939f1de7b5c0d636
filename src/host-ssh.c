/* host-ssh.c - the ssh transport (libssh). */
#include <config.h>

#include "host-impl.h"
#include "i18n.h"

static int
ssh_open_stub(struct mx_host *h, struct mx_hostkey_info *key,
    struct mx_err *err)
{
	(void)h;
	(void)key;
	return mx_err_set(err, MX_E_USAGE,
	    _("the ssh transport is not built yet; use local:"));
}

const struct mx_host_ops mx_host_ssh_ops = {
	.scheme = "ssh",
	.open = ssh_open_stub,
};
