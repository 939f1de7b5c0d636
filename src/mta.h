/* mta.h - one ops table per MTA (qmail, Postfix, sendmail).
 *
 * A back-end is a const struct mx_mta_ops found by name (mx_mta_lookup)
 * or by looking at a host (mx_mta_detect). It counts the queue, and plans
 * the changes of the migration's windows as a change set (changes.h):
 * accept-for (stage zero), freeze, forward. Planning never changes the
 * host: the caller previews the set, applies it, and saves it as the
 * record that undoes it (thaw is the undo of the freeze record).
 *
 * Where each record lives (mx_mta_state_path): beside the configuration
 * it changed, so that a mounted copy or a private config carries it too:
 *   qmail     QMAILDIR/mxmove.VERB          (/var/qmail/mxmove.freeze)
 *   Postfix   CONFDIR/mxmove.VERB           (/etc/postfix/mxmove.freeze)
 *   sendmail  MAILDIR/mxmove.VERB           (/etc/mail/mxmove.freeze)
 * VERB is freeze, accept-for or forward; each holds the sets applied so
 * far, in order, and is removed once undone.
 */
#ifndef MX_MTA_H
#define MX_MTA_H

#include <stddef.h>

#include "changes.h"
#include "ctlfile.h"
#include "err.h"

struct mx_host;

/* Where the MTA lives on the host; NULL fields take the defaults. */
struct mx_mta_opts {
	const char *qmail_dir;		/* /var/qmail */
	const char *postfix_conf;	/* /etc/postfix (passed as -c) */
	const char *sendmail_dir;	/* /etc/mail */
	const char *sendmail_queue;	/* /var/spool/mqueue */
};

/* Queue counts: named counters in display order, and the total. */
#define MX_MTA_COUNTERS 8
struct mx_mta_queue {
	const char *mta;		/* "qmail", "postfix", "sendmail" */
	long total;
	int n;
	struct {
		const char *name;	/* static, untranslated: "local" */
		long value;
	} c[MX_MTA_COUNTERS];
};

enum mx_freeze_method {
	MX_FREEZE_DEFAULT,	/* the MTA's usual one (see below) */
	MX_FREEZE_STICKY,	/* qmail: chmod +t on the homes (default) */
	MX_FREEZE_REMOTE_QUEUE,	/* qmail: domains to the remote queue, held */
	MX_FREEZE_DEFER,	/* Postfix: defer_transports (default) */
	MX_FREEZE_QUEUEONLY	/* sendmail: DeliveryMode queueonly (default) */
};

struct mx_mta_freeze {
	enum mx_freeze_method method;
	const char *const *domains;	/* NULL-terminated; may be empty */
	const char *const *homes;	/* sticky: directories to make sticky */
	const char *const *homes_under;	/* sticky: every directory in these */
	const char *to;			/* remote-queue: the new host */
};

struct mx_mta_ops {
	const char *name;
	/* 1: this MTA is installed on h, 0: not (a failure to look is -1). */
	int (*detect)(struct mx_host *h, const struct mx_mta_opts *o,
	    struct mx_err *err);
	int (*queue)(struct mx_host *h, const struct mx_mta_opts *o,
	    struct mx_mta_queue *q, struct mx_err *err);
	/* Accept mail for domains: local 1 delivers them here (qmail locals,
	 * Postfix mydestination, sendmail local-host-names), 0 only accepts
	 * and relays them (rcpthosts, relay_domains, relay-domains). */
	int (*accept_for)(struct mx_host *h, const struct mx_mta_opts *o,
	    const char *const *domains, int local, struct mx_changes *cs,
	    struct mx_err *err);
	int (*freeze)(struct mx_host *h, const struct mx_mta_opts *o,
	    const struct mx_mta_freeze *f, struct mx_changes *cs,
	    struct mx_err *err);
	/* Relay domains to the host "to" (name, [addr] or name:port). */
	int (*forward)(struct mx_host *h, const struct mx_mta_opts *o,
	    const char *const *domains, const char *to, struct mx_changes *cs,
	    struct mx_err *err);
	/* Directory that holds the state files. */
	const char *(*state_dir)(const struct mx_mta_opts *o);
	/* Ask the running MTA to retry its queue now (qmail-send ALRM,
	 * postqueue -f); changes no file. postqueue -f also delivers what
	 * a freeze (defer_transports) holds: call it once thawed only (the
	 * drain step of window 5). NULL where there is no such nudge
	 * (sendmail's queue runs deliver in the foreground). */
	int (*flush)(struct mx_host *h, const struct mx_mta_opts *o,
	    struct mx_err *err);
};

extern const struct mx_mta_ops mx_mta_qmail;
extern const struct mx_mta_ops mx_mta_postfix;
extern const struct mx_mta_ops mx_mta_sendmail;

/* By name ("qmail", "postfix", "sendmail"), or NULL. */
const struct mx_mta_ops *mx_mta_lookup(const char *name);
/* The first MTA found on h (qmail, then Postfix, then sendmail). */
int mx_mta_detect(struct mx_host *h, const struct mx_mta_opts *o,
    const struct mx_mta_ops **ops, struct mx_err *err);
/* The names, for messages: "qmail, postfix, sendmail". */
const char *mx_mta_names(void);

/* The state file of verb ("freeze", "accept-for", "forward"); caller
 * frees. */
char *mx_mta_state_path(const struct mx_mta_ops *m,
    const struct mx_mta_opts *o, const char *verb);

/* Apply cs on h and record it in the verb's state file (the record is
 * written first, so that a crash part-way can still be undone; when the
 * apply fails the record is put back as it was). */
int mx_mta_apply(struct mx_host *h, const struct mx_mta_ops *m,
    const struct mx_mta_opts *o, const char *verb, struct mx_changes *cs,
    struct mx_buf *log, struct mx_err *err);
/* Undo everything the verb's record holds and remove the record. With
 * preview not NULL nothing is changed: the preview is appended to it.
 * MX_E_NOTFOUND when there is no record. */
int mx_mta_undo(struct mx_host *h, const struct mx_mta_ops *m,
    const struct mx_mta_opts *o, const char *verb, struct mx_buf *preview,
    struct mx_buf *log, struct mx_err *err);

/* Add a counter to q (name must be static). */
void mx_mta_count(struct mx_mta_queue *q, const char *name, long value);

/* Helpers for the back-ends. */
/* Read a line file into c; a missing file is an empty one (*exists 0). */
int mx_mta_read_ctl(struct mx_host *h, const char *path, int key,
    struct mx_ctl *c, char **text, size_t *len, int *exists,
    struct mx_err *err);
/* Plan c's text as path's new text (nothing when unchanged). */
int mx_mta_plan_ctl(struct mx_changes *cs, const char *path,
    const char *before, size_t blen, int existed, const struct mx_ctl *c,
    mode_t mode, struct mx_err *err);
/* base/rel, malloc'd (NULL when out of memory): a back-end's file. */
char *mx_mta_path(const char *base, const char *rel);
/* Whether base/rel exists on h as a directory (want_dir) or a regular
 * file: 1 or 0, -1 when it cannot be told. The back-ends' detect. */
int mx_mta_detect_path(struct mx_host *h, const char *base, const char *rel,
    int want_dir, struct mx_err *err);
/* One line file being edited by a back-end: read once, edited in c,
 * planned as a change when its text differs. */
struct mx_mta_file {
	char *path;		/* as the host sees it; NULL when closed */
	struct mx_ctl c;
	char *text;		/* the text read */
	size_t len;
	int exists;
};
/* Read path (taken over: freed by close, or here on failure). */
int mx_mta_file_open(struct mx_mta_file *f, struct mx_host *h, char *path,
    enum mx_ctl_key key, struct mx_err *err);
/* Plan the edited text as the file's new text (mode 0644 if created). */
int mx_mta_file_plan(struct mx_mta_file *f, struct mx_changes *cs,
    struct mx_err *err);
/* 1 when the edits changed the text. */
int mx_mta_file_changed(const struct mx_mta_file *f);
void mx_mta_file_close(struct mx_mta_file *f);

/* A domain name we are willing to write into a control file: letters,
 * digits, '-', '.', optionally a leading '.'; no spaces, ':' or '#'. */
int mx_mta_domain_ok(const char *d);
/* Count regular files under each of n directories (paths as the host
 * sees them; a missing one counts 0), only names matching patterns[i]
 * when patterns is not NULL and patterns[i] is not NULL (find -name).
 * One command for all: cheap enough to repeat every few seconds. A
 * directory that cannot be read is an error (with find's message), not a
 * short count; noise a login shell writes on stderr is ignored. */
int mx_mta_count_files(struct mx_host *h, const char *const *dirs,
    const char *const *patterns, size_t n, long *v, struct mx_err *err);
/* Run argv on h and count the lines of its output ("find ... | wc -l"
 * style counts use mx_host_run_sh). */
int mx_mta_run(struct mx_host *h, const char *const argv[],
    struct mx_buf *out, struct mx_err *err);

#endif
