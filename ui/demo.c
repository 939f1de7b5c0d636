/* demo.c - the demo lab behind `mxmove --demo`: an old and a new host as
 * local directory roots, and zone files for DNS. Nothing here is a
 * server: the windows run the real engine on these files (local: hosts,
 * the zone-file back-end).
 *
 * The old host holds:
 *   - qmail with system users alice and bob (Maildirs in their homes,
 *     a Sent folder, flags in cur/), a locked user eve, and daemon below
 *     the uid range;
 *   - vpopmail domain example.net with info and sales (vpasswd, MD5
 *     hashes, a postmaster alias);
 *   - sendmail mbox spools for carol and dave in /var/spool/mail (Status
 *     flags, a ">From " line);
 *   - a qmail queue with messages waiting.
 * The new host has an empty qmail/vpopmail layout. The lab is built only
 * where files are missing: re-running keeps what a walk-through changed.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "buf.h"
#include "demo.h"
#include "i18n.h"

#define T0 1763800000L	/* 2025-11-22: the messages' delivery times */

struct dfile {
	const char *path;
	mode_t mode;
	long age;	/* seconds before T0, for the mtime */
	const char *text;
};

#define MSG(from, to, subj, date, body) \
	"Return-Path: <" from ">\n" \
	"Delivered-To: " to "\n" \
	"From: " from "\n" \
	"To: " to "\n" \
	"Subject: " subj "\n" \
	"Date: " date "\n" \
	"Message-ID: <" subj "." from ">\n" \
	"\n" body "\n"

static const char *const old_dirs[] = {
	"etc", "home", "home/alice", "home/alice/Maildir",
	"home/alice/Maildir/new", "home/alice/Maildir/cur",
	"home/alice/Maildir/tmp", "home/alice/Maildir/.Sent",
	"home/alice/Maildir/.Sent/new", "home/alice/Maildir/.Sent/cur",
	"home/alice/Maildir/.Sent/tmp", "home/bob", "home/bob/Maildir",
	"home/bob/Maildir/new", "home/bob/Maildir/cur", "home/bob/Maildir/tmp",
	"home/eve", "home/vpopmail", "home/vpopmail/domains",
	"home/vpopmail/domains/example.net",
	"home/vpopmail/domains/example.net/info",
	"home/vpopmail/domains/example.net/info/Maildir",
	"home/vpopmail/domains/example.net/info/Maildir/new",
	"home/vpopmail/domains/example.net/info/Maildir/cur",
	"home/vpopmail/domains/example.net/info/Maildir/tmp",
	"home/vpopmail/domains/example.net/sales",
	"home/vpopmail/domains/example.net/sales/Maildir",
	"home/vpopmail/domains/example.net/sales/Maildir/new",
	"home/vpopmail/domains/example.net/sales/Maildir/cur",
	"home/vpopmail/domains/example.net/sales/Maildir/tmp",
	"var", "var/spool", "var/spool/mail", "var/qmail", "var/qmail/control",
	"var/qmail/users", "var/qmail/queue", "var/qmail/queue/mess",
	"var/qmail/queue/mess/0", "var/qmail/queue/mess/1",
	"var/qmail/queue/todo", "var/qmail/queue/info",
	"var/qmail/queue/info/0", "var/qmail/queue/info/1",
	"var/qmail/queue/local",
	"var/qmail/queue/local/0", "var/qmail/queue/remote",
	"var/qmail/queue/remote/1", NULL
};

static const struct dfile old_files[] = {
	{ "etc/passwd", 0644, 0,
	  "root:x:0:0:root:/root:/bin/sh\n"
	  "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
	  "vpopmail:x:89:89::/home/vpopmail:/bin/false\n"
	  "alice:x:1001:1001:Alice Demo:/home/alice:/bin/sh\n"
	  "bob:x:1002:1002:Bob Demo:/home/bob:/bin/sh\n"
	  "carol:x:1003:1003:Carol Demo:/home/carol:/bin/sh\n"
	  "dave:x:1004:1004:Dave Demo:/home/dave:/bin/sh\n"
	  "eve:x:1005:1005:Eve Locked:/home/eve:/bin/sh\n" },
	{ "etc/shadow", 0600, 0,
	  "root:*:20000:0:99999:7:::\n"
	  "daemon:*:20000:0:99999:7:::\n"
	  "vpopmail:!:20000:0:99999:7:::\n"
	  "alice:$6$demoalicesalt$/7MF2NuvCvcTDxZoNVqTv4nOX6BqsKbdhj.D2cJfKPDbTRJBgDJCDasuTi83OxmM2sHIIPTCHhgr9fMJ7Idq.1:20000:0:99999:7:::\n"
	  "bob:$6$demobobsalt$zVEq9XPUsTjGxySWNYCFOl0516aykiNKQKnm1pQqsVzchchQ0Jpz4fXHlAg6qXKd9Hysrqt1MIKtUvnOeb1GR.:20000:0:99999:7:::\n"
	  "carol:$6$democarolsalt$SSDlDUlIEVOPcjz.6RgMf6DvSV4i037iuOTPB0DVb1/0DIdIiA38rAgLvRDtT6w9Qfy0goc9hkwYFXADCDYJk.:20000:0:99999:7:::\n"
	  "dave:$6$demodavesalt$qUZQqbJIt1FyZ5UBdxXNkkb3GI85gQVhpFwfj1AAEeRTyfWZ7o33eLVuzPh7Ne.CD4eGYgKrevJVvSUAM0UbQ/:20000:0:99999:7:::\n"
	  "eve:!$6$locked$x:20000:0:99999:7:::\n" },
	{ "etc/group", 0644, 0, "root:x:0:\nvpopmail:x:89:\n"
	  "alice:x:1001:\nbob:x:1002:\ncarol:x:1003:\ndave:x:1004:\n"
	  "eve:x:1005:\n" },
	{ "var/qmail/control/me", 0644, 0, "old.example.com\n" },
	{ "var/qmail/control/locals", 0644, 0,
	  "old.example.com\nexample.com\n" },
	{ "var/qmail/control/rcpthosts", 0644, 0,
	  "old.example.com\nexample.com\nexample.net\n" },
	{ "var/qmail/control/virtualdomains", 0644, 0,
	  "example.net:example.net\n" },
	{ "var/qmail/users/assign", 0644, 0,
	  "+example.net-:example.net:89:89:/home/vpopmail/domains/example.net:-::\n"
	  ".\n" },
	{ "home/alice/Maildir/cur/1763790000.1001.old.example.com:2,S", 0600,
	  10000, MSG("carol@example.com", "alice@example.com", "Lunch",
	  "Sat, 22 Nov 2025 06:13:20 +0000", "Lunch on Friday?") },
	{ "home/alice/Maildir/cur/1763795000.1002.old.example.com:2,RS", 0600,
	  5000, MSG("bob@example.com", "alice@example.com", "Report",
	  "Sat, 22 Nov 2025 07:36:40 +0000", "The report is attached.") },
	{ "home/alice/Maildir/new/1763799000.1003.old.example.com", 0600,
	  1000, MSG("info@example.net", "alice@example.com", "Welcome",
	  "Sat, 22 Nov 2025 08:43:20 +0000", "Welcome to example.net.") },
	{ "home/alice/Maildir/.Sent/cur/1763796000.1004.old.example.com:2,S",
	  0600, 4000, MSG("alice@example.com", "bob@example.com", "Re: Report",
	  "Sat, 22 Nov 2025 07:53:20 +0000", "Thanks, Bob.") },
	{ "home/alice/Maildir/.Sent/maildirfolder", 0600, 4000, "" },
	{ "home/bob/Maildir/cur/1763780000.2001.old.example.com:2,FS", 0600,
	  20000, MSG("alice@example.com", "bob@example.com", "Keys",
	  "Sat, 22 Nov 2025 03:26:40 +0000", "Where are the keys?") },
	{ "home/bob/Maildir/new/1763799500.2002.old.example.com", 0600, 500,
	  MSG("dave@example.com", "bob@example.com", "Meeting",
	  "Sat, 22 Nov 2025 08:51:40 +0000", "Meeting moved to 3pm.") },
	{ "home/vpopmail/domains/example.net/vpasswd", 0600, 0,
	  "info:$1$infosl$oUU6rf6YuQRed2NzS1IeN.:1:0:Info:/home/vpopmail/domains/example.net/info:NOQUOTA\n"
	  "sales:$1$salessl$d5rw.lzxh7XTeXFP9ipNs1:1:0:Sales:/home/vpopmail/domains/example.net/sales:10485760S\n" },
	{ "home/vpopmail/domains/example.net/.qmail-default", 0600, 0,
	  "| /home/vpopmail/bin/vdelivermail '' bounce-no-mailbox\n" },
	{ "home/vpopmail/domains/example.net/.qmail-postmaster", 0600, 0,
	  "&info@example.net\n" },
	{ "home/vpopmail/domains/example.net/info/Maildir/cur/1763791000.3001.old.example.com,S=#:2,S",
	  0600, 9000, MSG("sales@example.net", "info@example.net", "Orders",
	  "Sat, 22 Nov 2025 06:30:00 +0000", "Twelve new orders today.") },
	{ "home/vpopmail/domains/example.net/info/Maildir/new/1763799800.3002.old.example.com,S=#",
	  0600, 200, MSG("alice@example.com", "info@example.net", "Hello",
	  "Sat, 22 Nov 2025 08:56:40 +0000", "Hello from Alice.") },
	{ "home/vpopmail/domains/example.net/sales/Maildir/new/1763799900.3003.old.example.com,S=#",
	  0600, 100, MSG("carol@example.com", "sales@example.net", "Quote",
	  "Sat, 22 Nov 2025 08:58:20 +0000", "Please send a quote.") },
	{ "var/spool/mail/carol", 0600, 300,
	  "From alice@example.com  Sat Nov 22 05:00:00 2025\n"
	  "From: alice@example.com\nTo: carol@example.com\n"
	  "Subject: Old mail\nDate: Sat, 22 Nov 2025 05:00:00 +0000\n"
	  "Status: RO\n\n"
	  "Read and kept.\n>From the archive: quoted, not a new message.\n\n"
	  "From bob@example.com  Sat Nov 22 06:00:00 2025\n"
	  "From: bob@example.com\nTo: carol@example.com\n"
	  "Subject: Flagged\nDate: Sat, 22 Nov 2025 06:00:00 +0000\n"
	  "Status: RO\nX-Status: AF\n\n"
	  "Answered and flagged.\n\n"
	  "From dave@example.com  Sat Nov 22 08:00:00 2025\n"
	  "From: dave@example.com\nTo: carol@example.com\n"
	  "Subject: Unread\nDate: Sat, 22 Nov 2025 08:00:00 +0000\n\n"
	  "Not read yet.\n" },
	{ "var/spool/mail/dave", 0600, 250,
	  "From carol@example.com  Sat Nov 22 07:00:00 2025\n"
	  "From: carol@example.com\nTo: dave@example.com\n"
	  "Subject: Hi Dave\nDate: Sat, 22 Nov 2025 07:00:00 +0000\n"
	  "Status: O\n\n"
	  "Seen by the client, not read.\n" },
	{ "var/qmail/queue/mess/0/4600", 0640, 60,
	  MSG("carol@example.com", "bob@example.com", "Queued",
	  "Sat, 22 Nov 2025 09:00:00 +0000", "Waiting for delivery.") },
	{ "var/qmail/queue/info/0/4600", 0600, 60, "Fcarol@example.com\n" },
	{ "var/qmail/queue/local/0/4600", 0600, 60, "Tbob@example.com\n" },
	{ "var/qmail/queue/mess/1/4601", 0640, 30,
	  MSG("alice@example.com", "friend@example.org", "Outgoing",
	  "Sat, 22 Nov 2025 09:10:00 +0000", "Remote delivery pending.") },
	{ "var/qmail/queue/info/1/4601", 0600, 30, "Falice@example.com\n" },
	{ "var/qmail/queue/remote/1/4601", 0600, 30, "Tfriend@example.org\n" },
	{ "var/qmail/queue/todo/4602", 0600, 10, "" },
	{ NULL, 0, 0, NULL }
};

static const char *const new_dirs[] = {
	"etc", "home", "home/vpopmail", "home/vpopmail/domains", "var",
	"var/spool", "var/spool/mail", "var/qmail", "var/qmail/control",
	"var/qmail/users", "var/qmail/queue", "var/qmail/queue/mess",
	"var/qmail/queue/todo", "var/qmail/queue/info", "var/qmail/queue/local",
	"var/qmail/queue/remote", NULL
};

static const struct dfile new_files[] = {
	{ "etc/passwd", 0644, 0, "root:x:0:0:root:/root:/bin/sh\n"
	  "vpopmail:x:89:89::/home/vpopmail:/bin/false\n" },
	{ "etc/shadow", 0600, 0, "root:*:20000:0:99999:7:::\n"
	  "vpopmail:!:20000:0:99999:7:::\n" },
	{ "etc/group", 0644, 0, "root:x:0:\nvpopmail:x:89:\n" },
	{ "var/qmail/control/me", 0644, 0, "new.example.com\n" },
	{ "var/qmail/control/locals", 0644, 0, "new.example.com\n" },
	{ "var/qmail/control/rcpthosts", 0644, 0, "new.example.com\n" },
	{ "var/qmail/users/assign", 0644, 0, ".\n" },
	{ NULL, 0, 0, NULL }
};

static const struct dfile zone_files[] = {
	{ "example.com.zone", 0644, 0,
	  "$ORIGIN example.com.\n"
	  "$TTL 300\n"
	  "@\t300\tIN\tSOA\tns1.example.com. hostmaster.example.com. "
	  "2025112201 3600 900 604800 300\n"
	  "@\t300\tIN\tNS\tns1.example.com.\n"
	  "@\t300\tIN\tNS\tns2.example.com.\n"
	  "@\t300\tIN\tMX\t10 mail.example.com.\n"
	  "mail\t300\tIN\tA\t192.0.2.10\n"
	  "old\t300\tIN\tA\t192.0.2.10\n"
	  "new\t300\tIN\tA\t192.0.2.20\n"
	  "ns1\t300\tIN\tA\t192.0.2.53\n"
	  "ns2\t300\tIN\tA\t192.0.2.54\n" },
	{ "example.net.zone", 0644, 0,
	  "$ORIGIN example.net.\n"
	  "$TTL 300\n"
	  "@\t300\tIN\tSOA\tns1.example.com. hostmaster.example.com. "
	  "2025112201 3600 900 604800 300\n"
	  "@\t300\tIN\tNS\tns1.example.com.\n"
	  "@\t300\tIN\tNS\tns2.example.com.\n"
	  "@\t300\tIN\tMX\t10 mail.example.com.\n" },
	{ NULL, 0, 0, NULL }
};

static int
make_dir(const char *path, struct mx_err *err)
{
	if (mkdir(path, 0755) == -1 && errno != EEXIST)
		return mx_err_errno(err, errno, _("demo lab: %s"), path);
	return 0;
}

static int
make_dirs(const char *root, const char *const *dirs, struct mx_err *err)
{
	struct mx_buf p = MX_BUF_INIT;
	int r = 0;

	if (make_dir(root, err) == -1)
		return -1;
	for (; *dirs && r == 0; dirs++) {
		mx_buf_reset(&p);
		mx_buf_printf(&p, "%s/%s", root, *dirs);
		r = make_dir(p.data, err);
	}
	mx_buf_free(&p);
	return r;
}

/* Write a file unless it exists; set its mode and mtime. */
static int
make_file(const char *path, const struct dfile *f, struct mx_err *err)
{
	struct timeval tv[2];
	size_t len = strlen(f->text);
	ssize_t w;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, f->mode);
	if (fd == -1) {
		if (errno == EEXIST)
			return 0;
		return mx_err_errno(err, errno, _("demo lab: %s"), path);
	}
	w = write(fd, f->text, len);
	if (w != (ssize_t)len || fchmod(fd, f->mode) == -1) {
		int e = w == -1 ? errno : EIO;

		close(fd);
		unlink(path);
		return mx_err_errno(err, e, _("demo lab: %s"), path);
	}
	close(fd);
	tv[0].tv_sec = tv[1].tv_sec = T0 - f->age;
	tv[0].tv_usec = tv[1].tv_usec = 0;
	utimes(path, tv);
	return 0;
}

static int
make_files(const char *root, const struct dfile *files, struct mx_err *err)
{
	struct mx_buf p = MX_BUF_INIT;
	int r = 0;

	for (; files->path && r == 0; files++) {
		const char *hash = strchr(files->path, '#');

		mx_buf_reset(&p);
		/* vdelivermail's ",S=SIZE": the real size, never invented */
		if (hash != NULL)
			mx_buf_printf(&p, "%s/%.*s%zu%s", root,
			    (int)(hash - files->path), files->path,
			    strlen(files->text), hash + 1);
		else
			mx_buf_printf(&p, "%s/%s", root, files->path);
		r = make_file(p.data, files, err);
	}
	mx_buf_free(&p);
	return r;
}

int
mx_demo_build(const char *dir, struct mx_err *err)
{
	struct mx_buf root = MX_BUF_INIT;
	int r = -1;

	if (make_dir(dir, err) == -1)
		return -1;
	mx_buf_printf(&root, "%s/old", dir);
	if (make_dirs(root.data, old_dirs, err) == -1 ||
	    make_files(root.data, old_files, err) == -1)
		goto out;
	mx_buf_reset(&root);
	mx_buf_printf(&root, "%s/new", dir);
	if (make_dirs(root.data, new_dirs, err) == -1 ||
	    make_files(root.data, new_files, err) == -1)
		goto out;
	mx_buf_reset(&root);
	mx_buf_printf(&root, "%s/zone", dir);
	if (make_dir(root.data, err) == -1 ||
	    make_files(root.data, zone_files, err) == -1)
		goto out;
	r = 0;
out:
	mx_buf_free(&root);
	return r;
}

int
mx_demo_plan(struct mx_plan *p, const char *dir, struct mx_err *err)
{
	struct mx_buf v = MX_BUF_INIT;
	int r = -1;

	mx_buf_printf(&v, "local:%s/old", dir);
	if (mx_plan_set(p, MX_PLAN_OLD, v.data, err) == -1)
		goto out;
	mx_buf_reset(&v);
	mx_buf_printf(&v, "local:%s/new", dir);
	if (mx_plan_set(p, MX_PLAN_NEW, v.data, err) == -1)
		goto out;
	mx_buf_reset(&v);
	mx_buf_printf(&v, "%s/zone", dir);
	if (mx_plan_set(p, MX_PLAN_DOMAINS, "example.com example.net",
	    err) == -1 ||
	    mx_plan_set(p, MX_PLAN_ZONE_FILE, v.data, err) == -1 ||
	    mx_plan_set(p, MX_PLAN_STRATEGY, "sticky", err) == -1 ||
	    /* 127.0.0.9: on loopback, where nothing listens on port 25. */
	    mx_plan_set(p, MX_PLAN_DEAD_IP, "127.0.0.9", err) == -1 ||
	    mx_plan_set(p, MX_PLAN_LIVE_IP, "192.0.2.20", err) == -1 ||
	    mx_plan_set(p, MX_PLAN_SOURCE, "passwd vpopmail", err) == -1 ||
	    mx_plan_set(p, MX_PLAN_TARGET, "dovecot", err) == -1 ||
	    mx_plan_set(p, MX_PLAN_LOW_TTL, "30", err) == -1 ||
	    mx_plan_set(p, MX_PLAN_MTA_OLD, "qmail", err) == -1 ||
	    mx_plan_set(p, MX_PLAN_MTA_NEW, "qmail", err) == -1)
		goto out;
	r = 0;
out:
	mx_buf_free(&v);
	return r;
}
