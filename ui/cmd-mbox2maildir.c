/* cmd-mbox2maildir.c - the "mbox2maildir" verb: convert an mbox file
 * into a Maildir, keeping flags, dates and X-UIDL/X-UID headers; with
 * --into, many mboxes in one run, each into DIR/BASENAME, on --jobs
 * threads.
 *
 * Exit status: 0 all read cleanly; 1 damage was reported (every good
 * message is still imported) or a conversion failed (with --into: the
 * worst of the mboxes; one failing never stops the others); 2 bad usage
 * (nothing written). */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "i18n.h"
#include "maildir.h"
#include "mbox.h"

static void
m2m_usage(FILE *fp)
{
	fputs(_("Usage: mxmove mbox2maildir [OPTION]... MBOX MAILDIR\n"
	    "   or: mxmove mbox2maildir [OPTION]... --into DIR MBOX...\n"
	    "Convert an mbox file into a Maildir (created when missing); with\n"
	    "--into, each MBOX into DIR/BASENAME (DIR and the Maildirs created\n"
	    "when missing). Running it again adds only the messages not yet\n"
	    "converted.\n\n"
	    "  --into DIR     convert every MBOX into DIR/BASENAME of it\n"
	    "  --jobs N       with --into: mboxes converted at once (2)\n"
	    "  --format F     mboxo (default), mboxrd or mboxcl2\n"
	    "  --host NAME    host part of the new file names (default: this host)\n"
	    "  --owner U:G    numeric owner of what is written\n"
	    "  --dry-run      read and count, write nothing\n"), fp);
}

static void
report_damage(void *ctx, uint64_t off, const char *what)
{
	const char *mbox = ctx;

	fprintf(stderr, _("mxmove mbox2maildir: %s: byte offset %" PRIu64
	    ": %s\n"), mbox, off, what);
}

static void
report_stats(const char *mbox, const struct mx_mbox_conv_opts *opts,
    const struct mx_mbox_conv_stats *st)
{
	printf(opts->dry_run ?
	    _("%s: %" PRIu64 " messages (%" PRIu64 " bytes) to convert, %"
	    PRIu64 " already there, %" PRIu64 " pseudo skipped, %" PRIu64
	    " damaged spots\n") :
	    _("%s: %" PRIu64 " messages (%" PRIu64 " bytes) converted, %"
	    PRIu64 " already there, %" PRIu64 " pseudo skipped, %" PRIu64
	    " damaged spots\n"),
	    mbox, st->messages, st->bytes, st->existing, st->pseudo,
	    st->damaged);
}

/* Convert one mbox; the exit status it deserves. With held NULL, all of
 * it; else (--into: several run at once, errors name the mbox) what
 * waits for a sync is left in *held, stats to be reported once it is
 * flushed (status -1 then). */
static int
convert_one(const char *mbox, const char *maildir,
    const struct mx_mbox_conv_opts *opts, struct mx_mbox_conv_stats *stp,
    struct mx_mdbatch **held)
{
	struct mx_mbox_conv_stats st;
	struct mx_err err;
	struct stat sb;
	int fd, rc, prefix = held != NULL;

	if (stp == NULL)
		stp = &st;
	fd = open(mbox, O_RDONLY | O_CLOEXEC);
	if (fd != -1 && fstat(fd, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		close(fd);
		fd = -1;
		errno = EISDIR;		/* refused before a Maildir is made */
	}
	mx_err_clear(&err);
	if (fd == -1) {
		mx_err_errno(&err, errno, "%s", mbox);
		fprintf(stderr, _("mxmove mbox2maildir: %s\n"), err.msg);
		return MX_EXIT_FAIL;
	}
	if (held != NULL)
		rc = mx_mbox_to_maildir_held(mx_mbox_read_fd, &fd, maildir, opts,
		    report_damage, (void *)mbox, stp, held, &err);
	else
		rc = mx_mbox_to_maildir(mx_mbox_read_fd, &fd, maildir, opts,
		    report_damage, (void *)mbox, stp, &err);
	close(fd);
	if (rc == -1) {
		if (prefix) {
			fprintf(stderr, _("mxmove mbox2maildir: %s: %s\n"), mbox,
			    err.msg);
			return MX_EXIT_FAIL;
		}
		return mx_cmd_fail("mbox2maildir", err.msg);
	}
	if (held != NULL)
		return -1;
	report_stats(mbox, opts, stp);
	return stp->damaged > 0 ? MX_EXIT_FAIL : MX_EXIT_OK;
}

/* --into ------------------------------------------------------------ */

struct into_job {
	char *mbox;
	const char *base;	/* its last path component */
	char *maildir;		/* DIR/BASE */
	int status;
	struct mx_mbox_conv_stats st;
	struct mx_mdbatch *held;	/* converted, waiting for a sync */
};

/* A thread's converted mboxes wait for one sync together, up to: */
#define HOLD_JOBS 32
#define HOLD_MSGS 512
#define HOLD_BYTES ((uint64_t)64 << 20)
/* Holds handed to the settler and not taken yet, at most: */
#define QUEUED 2

struct hold {
	struct into_job *j[HOLD_JOBS];
	size_t n;
};

struct into {
	struct into_job *jobs;
	size_t n;
	size_t next;		/* the next job to take (atomic) */
	const struct mx_mbox_conv_opts *opts;
	/* The converters hand their holds to one settler thread, which
	 * syncs and links them while they go on converting: the disk
	 * writes back one hold while the next is made. */
	pthread_mutex_t mu;
	pthread_cond_t work, room;
	struct hold q[QUEUED];
	size_t nq;
	size_t hold_jobs;	/* mboxes a hold takes, at most HOLD_JOBS */
	int converting;		/* converters still running */
	int inline_settle;	/* no settler thread: each converter settles */
};

/* The last component of a path ("a/b/" -> "b"), in place (trailing
 * slashes cut); NULL for "", ".", ".." or "/". */
static const char *
path_base(char *path)
{
	size_t n = strlen(path);
	char *s;

	while (n > 1 && path[n - 1] == '/')
		path[--n] = '\0';
	s = strrchr(path, '/');
	s = s ? s + 1 : path;
	if (*s == '\0' || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return NULL;
	return s;
}

static int
base_cmp(const void *a, const void *b)
{
	const struct into_job *x = a, *y = b;

	return strcmp(x->base, y->base);
}

/* One sync for the held mboxes, their messages into place, their
 * results reported. */
static void
settle(const struct into *in, struct into_job **held, size_t n)
{
	struct mx_mdbatch *bs[QUEUED * HOLD_JOBS] = { NULL };
	struct mx_err *errs;
	int rcs[QUEUED * HOLD_JOBS];
	size_t i;

	if (n == 0)
		return;
	errs = calloc(n, sizeof *errs);
	for (i = 0; i < n; i++)
		bs[i] = held[i]->held;
	if (errs == NULL) {
		for (i = 0; i < n; i++) {
			mx_mdbatch_free(bs[i]);
			held[i]->held = NULL;
			fprintf(stderr, _("mxmove mbox2maildir: %s: %s\n"),
			    held[i]->mbox, strerror(ENOMEM));
			held[i]->status = MX_EXIT_FAIL;
		}
		return;
	}
	mx_mdbatch_flush_many(bs, n, rcs, errs);
	for (i = 0; i < n; i++) {
		struct into_job *j = held[i];

		j->held = NULL;
		if (rcs[i] == -1) {
			mx_mdbatch_free(bs[i]);
			fprintf(stderr, _("mxmove mbox2maildir: %s: %s\n"), j->mbox,
			    errs[i].msg);
			j->status = MX_EXIT_FAIL;
			continue;
		}
		mx_mbox_conv_settle(bs[i], &j->st);
		report_stats(j->mbox, in->opts, &j->st);
		j->status = j->st.damaged > 0 ? MX_EXIT_FAIL : MX_EXIT_OK;
	}
	free(errs);
}

/* Hand a hold to the settler (waiting while QUEUED are pending). */
static void
hand_over(struct into *in, struct into_job **held, size_t n)
{
	if (n == 0)
		return;
	if (in->inline_settle) {
		settle(in, held, n);
		return;
	}
	pthread_mutex_lock(&in->mu);
	while (in->nq == QUEUED)
		pthread_cond_wait(&in->room, &in->mu);
	memcpy(in->q[in->nq].j, held, n * sizeof *held);
	in->q[in->nq++].n = n;
	pthread_cond_signal(&in->work);
	pthread_mutex_unlock(&in->mu);
}

static void *
into_worker(void *arg)
{
	struct into *in = arg;
	struct into_job *j, *held[HOLD_JOBS];
	uint64_t msgs = 0, bytes = 0, b;
	size_t i, nheld = 0;

	for (;;) {
		i = __atomic_fetch_add(&in->next, 1, __ATOMIC_RELAXED);
		if (i >= in->n)
			break;
		j = &in->jobs[i];
		j->status = convert_one(j->mbox, j->maildir, in->opts, &j->st,
		    &j->held);
		if (j->status != -1)
			continue;	/* failed, and said so */
		held[nheld++] = j;
		msgs += mx_mdbatch_pending(j->held, &b);
		bytes += b;
		if (nheld == in->hold_jobs || msgs >= HOLD_MSGS ||
		    bytes >= HOLD_BYTES) {
			hand_over(in, held, nheld);
			nheld = 0;
			msgs = bytes = 0;
		}
	}
	hand_over(in, held, nheld);
	pthread_mutex_lock(&in->mu);
	in->converting--;
	pthread_cond_signal(&in->work);
	pthread_mutex_unlock(&in->mu);
	return NULL;
}

/* The settler: whatever holds are waiting, in one sync. */
static void *
into_settler(void *arg)
{
	struct into *in = arg;
	struct into_job *all[QUEUED * HOLD_JOBS];
	size_t k, n;

	for (;;) {
		pthread_mutex_lock(&in->mu);
		while (in->nq == 0 && in->converting > 0)
			pthread_cond_wait(&in->work, &in->mu);
		if (in->nq == 0) {
			pthread_mutex_unlock(&in->mu);
			return NULL;
		}
		for (n = k = 0; k < in->nq; k++) {
			memcpy(all + n, in->q[k].j, in->q[k].n * sizeof *all);
			n += in->q[k].n;
		}
		in->nq = 0;
		pthread_cond_broadcast(&in->room);
		pthread_mutex_unlock(&in->mu);
		settle(in, all, n);
	}
}

static int
make_into(const char *dir, const struct mx_mbox_conv_opts *opts)
{
	struct mx_err err;
	int made;

	if (opts->dry_run)
		return 0;
	mx_err_clear(&err);
	if (mx_maildir_make_parent(dir, 0700, opts->uid, opts->gid, &made,
	    &err) == -1) {
		fprintf(stderr, "mxmove mbox2maildir: %s\n", err.msg);
		return -1;
	}
	return 0;
}

static int
convert_into(const char *dir, char **mboxes, size_t n, long nthreads,
    const struct mx_mbox_conv_opts *opts)
{
	struct into in;
	struct into_job *sorted = NULL;
	pthread_t *th = NULL;
	struct rlimit rl;
	size_t i, started = 0;
	int rc = MX_EXIT_USAGE, settler;

	memset(&in, 0, sizeof in);
	in.opts = opts;
	in.n = n;
	in.jobs = calloc(n, sizeof *in.jobs);
	sorted = calloc(n, sizeof *sorted);
	if (in.jobs == NULL || sorted == NULL) {
		rc = mx_cmd_fail("mbox2maildir", strerror(ENOMEM));
		goto out;
	}
	/* Every name checked before anything is written. */
	for (i = 0; i < n; i++) {
		in.jobs[i].mbox = strdup(mboxes[i]);
		if (in.jobs[i].mbox == NULL) {
			rc = mx_cmd_fail("mbox2maildir", strerror(ENOMEM));
			goto out;
		}
		in.jobs[i].base = path_base(in.jobs[i].mbox);
		if (in.jobs[i].base == NULL) {
			fprintf(stderr, _("mxmove mbox2maildir: '%s' names no "
			    "file: no Maildir name can come from it\n"),
			    mboxes[i]);
			goto out;
		}
		if (asprintf(&in.jobs[i].maildir, "%s/%s", dir,
		    in.jobs[i].base) == -1) {
			in.jobs[i].maildir = NULL;
			rc = mx_cmd_fail("mbox2maildir", strerror(ENOMEM));
			goto out;
		}
		if (strlen(in.jobs[i].maildir) >= PATH_MAX - 64) {
			fprintf(stderr, _("mxmove mbox2maildir: %s: path too "
			    "long\n"), in.jobs[i].maildir);
			goto out;
		}
	}
	memcpy(sorted, in.jobs, n * sizeof *sorted);
	qsort(sorted, n, sizeof *sorted, base_cmp);
	for (i = 1; i < n; i++)
		if (strcmp(sorted[i - 1].base, sorted[i].base) == 0) {
			fprintf(stderr, _("mxmove mbox2maildir: %s and %s would "
			    "both go into %s/%s: convert them in separate runs "
			    "(nothing written)\n"), sorted[i - 1].mbox,
			    sorted[i].mbox, dir, sorted[i].base);
			goto out;
		}
	if (make_into(dir, opts) == -1) {
		rc = MX_EXIT_FAIL;
		goto out;
	}
	if ((size_t)nthreads > n)
		nthreads = (long)n;
	th = calloc((size_t)nthreads, sizeof *th);
	if (th == NULL) {
		rc = mx_cmd_fail("mbox2maildir", strerror(ENOMEM));
		goto out;
	}
	/* A held mbox keeps its Maildir's directories open (five
	 * descriptors): the holds being filled, queued and settling take
	 * at most a quarter of the limit (half is for the files waiting,
	 * see maildir.c). Too few for that: each converter settles its
	 * own holds of one mbox. */
	in.hold_jobs = HOLD_JOBS;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
		size_t room = (size_t)rl.rlim_cur / 4 / (5 *
		    ((size_t)nthreads + 2 * QUEUED));

		if (room == 0)
			in.inline_settle = 1;
		in.hold_jobs = room < 1 ? 1 : room < HOLD_JOBS ? room : HOLD_JOBS;
	}
	pthread_mutex_init(&in.mu, NULL);
	pthread_cond_init(&in.work, NULL);
	pthread_cond_init(&in.room, NULL);
	in.converting = (int)nthreads;
	/* th[0]: the settler (or, failing a thread, the calling thread
	 * settles as it goes); the calling thread is one of the
	 * converters. */
	settler = !in.inline_settle &&
	    pthread_create(&th[0], NULL, into_settler, &in) == 0;
	in.inline_settle = !settler;
	for (i = 1; i < (size_t)nthreads; i++) {
		if (pthread_create(&th[i], NULL, into_worker, &in) != 0)
			break;
		started++;
	}
	pthread_mutex_lock(&in.mu);
	in.converting -= (int)((size_t)nthreads - 1 - started);
	pthread_mutex_unlock(&in.mu);
	into_worker(&in);
	for (i = 1; i <= started; i++)
		pthread_join(th[i], NULL);
	if (settler)
		pthread_join(th[0], NULL);
	pthread_cond_destroy(&in.room);
	pthread_cond_destroy(&in.work);
	pthread_mutex_destroy(&in.mu);
	rc = MX_EXIT_OK;
	for (i = 0; i < n; i++)
		if (in.jobs[i].status > rc)
			rc = in.jobs[i].status;
out:
	if (in.jobs != NULL)
		for (i = 0; i < n; i++) {
			free(in.jobs[i].mbox);
			free(in.jobs[i].maildir);
		}
	free(in.jobs);
	free(sorted);
	free(th);
	return rc;
}

int
mx_cmd_mbox2maildir(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "host", required_argument, NULL, 'H' },
		{ "owner", required_argument, NULL, 'o' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "into", required_argument, NULL, 'i' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct mx_mbox_conv_opts opts;
	const char *into = NULL;
	struct rlimit rl;
	unsigned long u, g;
	long jobs = 2;
	int c, have_jobs = 0;
	char *end;

	memset(&opts, 0, sizeof opts);
	opts.format = MX_MBOXO;
	opts.uid = (uid_t)-1;
	opts.gid = (gid_t)-1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (mx_mbox_format_parse(optarg, &opts.format) == -1) {
				fprintf(stderr, _("mxmove mbox2maildir: unknown "
				    "format '%s' (mboxo, mboxrd or mboxcl2)\n"),
				    optarg);
				return MX_EXIT_USAGE;
			}
			break;
		case 'H':
			opts.host = optarg;
			break;
		case 'o':
			errno = 0;
			u = strtoul(optarg, &end, 10);
			if (errno || *end != ':' || end == optarg) {
bad_owner:
				fprintf(stderr, _("mxmove mbox2maildir: --owner "
				    "wants UID:GID in numbers, not '%s'\n"), optarg);
				return MX_EXIT_USAGE;
			}
			g = strtoul(end + 1, &end, 10);
			if (errno || *end != '\0')
				goto bad_owner;
			opts.uid = (uid_t)u;
			opts.gid = (gid_t)g;
			break;
		case 'n':
			opts.dry_run = 1;
			break;
		case 'i':
			if (optarg[0] == '\0') {
				fprintf(stderr, _("mxmove mbox2maildir: --into "
				    "wants a directory\n"));
				return MX_EXIT_USAGE;
			}
			into = optarg;
			break;
		case 'j':
			errno = 0;
			jobs = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || jobs < 1 ||
			    jobs > 64) {
				fprintf(stderr, _("mxmove mbox2maildir: --jobs "
				    "wants a number from 1 to 64\n"));
				return MX_EXIT_USAGE;
			}
			have_jobs = 1;
			break;
		case 'h':
			m2m_usage(stdout);
			return MX_EXIT_OK;
		default:
			m2m_usage(stderr);
			return MX_EXIT_USAGE;
		}
	}
	/* Files wait open until their batch is synced (see maildir.h):
	 * room for them, within the hard limit. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max &&
	    rl.rlim_cur < 65536) {
		rl.rlim_cur = rl.rlim_max < 65536 ? rl.rlim_max : 65536;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (into != NULL) {
		if (argc - optind < 1) {
			m2m_usage(stderr);
			return MX_EXIT_USAGE;
		}
		return convert_into(into, argv + optind, (size_t)(argc - optind),
		    jobs, &opts);
	}
	if (have_jobs) {
		fprintf(stderr, _("mxmove mbox2maildir: --jobs goes with "
		    "--into\n"));
		return MX_EXIT_USAGE;
	}
	if (argc - optind != 2) {
		m2m_usage(stderr);
		return MX_EXIT_USAGE;
	}
	return convert_one(argv[optind], argv[optind + 1], &opts, NULL, NULL);
}
