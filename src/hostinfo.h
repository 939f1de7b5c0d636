/* hostinfo.h - what a host is: its user, system, MTA and mail layout,
 * and the free space where its mail lives (for "mxmove check" and the
 * wizard's pre-flight). Found with the host layer only: stat, reads,
 * listings and a few portable commands (id, uname). */
#ifndef MX_HOSTINFO_H
#define MX_HOSTINFO_H

#include <stdint.h>

#include "err.h"
#include "host.h"

/* MTAs found (bits). */
#define MX_MTA_QMAIL	0x01
#define MX_MTA_POSTFIX	0x02
#define MX_MTA_SENDMAIL	0x04
#define MX_MTA_EXIM	0x08

enum mx_layout_kind {
	MX_LAYOUT_QMAIL_MAILDIR,	/* qmail, system users, ~/Maildir */
	MX_LAYOUT_QMAIL_MBOX,		/* qmail, system users, ~/Mailbox */
	MX_LAYOUT_VPOPMAIL,		/* vpopmail domains/ */
	MX_LAYOUT_PLESK,		/* Plesk qmail /var/qmail/mailnames */
	MX_LAYOUT_MBOX_SPOOL		/* /var/spool/mail mbox files */
};

struct mx_layout {
	enum mx_layout_kind kind;
	char path[512];		/* where the mail lives */
	long count;		/* domains or mailboxes; -1: not counted */
	int df_ok;		/* avail/total are known */
	uint64_t avail, total;
};

#define MX_LAYOUT_MAX 8

struct mx_hostinfo {
	char user[64];		/* remote user; "" if unknown */
	long uid;		/* -1 if unknown */
	char os[256];		/* "Debian GNU/Linux 12 (bookworm); Linux 6.1..." */
	unsigned mtas;		/* MX_MTA_* bits */
	char qmail_me[256];	/* /var/qmail/control/me */
	char plesk_version[64];
	int dovecot;		/* /etc/dovecot/dovecot.conf present */
	struct mx_layout layouts[MX_LAYOUT_MAX];
	int nlayouts;
	/* Free space of "/" when no layout was found. */
	int root_df_ok;
	uint64_t root_avail, root_total;
};

/* Look. Fails only when the host cannot run a command or read a path at
 * all; what is missing is simply not reported. */
int mx_hostinfo_probe(struct mx_host *h, struct mx_hostinfo *hi,
    struct mx_err *err);

/* "qmail (system users, ~/Maildir)" etc., untranslated names of kinds. */
const char *mx_layout_name(enum mx_layout_kind kind);

#endif
