/* adapt-dns.c - the wizard's DNS and probe steps: the MX poll panel, the
 * zone read, lowering the TTL, the dead and live MX changes and their
 * polls, and the port-25 probes. Live servers (with a TSIG key, or
 * instructions when there is none) or the zone-file back-end. */
#include <config.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "adapt.h"
#include "dns.h"
#include "i18n.h"
#include "probe.h"
#include "zonefile.h"

#define POLL_EVERY 5	/* seconds between rounds in the waiting steps */

/* The zone file for domain: zone_file is a file (one domain) or a
 * directory of DOMAIN.zone files. Caller frees; NULL: live DNS. */
static char *
zone_path(const struct mx_plan *p, const char *domain)
{
	const char *z = mx_plan_get(p, MX_PLAN_ZONE_FILE);
	struct stat st;
	struct mx_buf b = MX_BUF_INIT;

	if (*z == '\0')
		return NULL;
	if (stat(z, &st) == 0 && S_ISDIR(st.st_mode))
		mx_buf_printf(&b, "%s/%s.zone", z, domain);
	else
		mx_buf_puts(&b, z);
	return mx_buf_steal(&b);
}

/* The plan's servers, or the zone's NS found through the resolver. */
static int
servers_for(const struct mx_plan *p, const char *domain,
    struct mx_dns_server **sv, size_t *n, struct mx_err *err)
{
	char *copy, *w, *save = NULL;
	struct mx_dns_server *v = NULL, *nv;
	size_t k = 0;

	if (*mx_plan_get(p, MX_PLAN_DNS_SERVERS) == '\0')
		return mx_dns_discover(domain, NULL, 3000, sv, n, err);
	if ((copy = strdup(mx_plan_get(p, MX_PLAN_DNS_SERVERS))) == NULL)
		return mx_err_set(err, MX_E_GENERIC, _("out of memory"));
	for (w = strtok_r(copy, " \t", &save); w;
	    w = strtok_r(NULL, " \t", &save)) {
		if ((nv = realloc(v, (k + 1) * sizeof *v)) == NULL)
			break;
		v = nv;
		if (mx_dns_server_parse(w, &v[k], err) == -1) {
			free(v);
			free(copy);
			return -1;
		}
		k++;
	}
	free(copy);
	*sv = v;
	*n = k;
	return 0;
}

/* One round for domain. */
static int
round_for(const struct mx_plan *p, const char *domain,
    const struct mx_dns_round *prev, struct mx_dns_round *out,
    struct mx_err *err)
{
	struct mx_dns_query_cfg cfg;
	struct mx_dns_server *sv = NULL;
	char *zp = zone_path(p, domain);
	size_t n = 0;
	int r;

	memset(&cfg, 0, sizeof cfg);
	cfg.zone = domain;
	cfg.timeout_ms = 2000;
	memset(out, 0, sizeof *out);
	if (zp != NULL) {
		r = mx_zonefile_round(zp, &cfg, prev, out, err);
		free(zp);
		return r;
	}
	if (servers_for(p, domain, &sv, &n, err) == -1)
		return mx_err_prefix(err, "%s", domain);
	r = mx_dns_round_run(&cfg, sv, n, prev, out, err);
	free(sv);
	return r;
}

/* ---- the MX poll panel ---- */

#define MAXDOM 16
static struct mx_dns_round prev_rounds[MAXDOM];
static char *prev_names[MAXDOM];
static pthread_mutex_t prev_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *
short_server(const struct mx_dns_answer *a)
{
	const char *s = a->server.name[0] ? a->server.name : a->server.addr;

	/* The zone-file back-end names its file: say what it is. */
	if (strchr(s, '/') != NULL)
		return _("zone file");
	return s;
}

/* MX lines first, then SOA, then the rest. */
static int
line_rank(const char *line)
{
	if (strstr(line, "\tMX\t") || strstr(line, " MX "))
		return 0;
	if (strstr(line, "\tSOA\t") || strstr(line, " SOA "))
		return 2;
	return 1;
}

static void
add_rows(const struct mx_dns_round *r, struct wz_mx_row *rows, int max,
    int *n, int rank)
{
	size_t i, l;
	time_t now = time(NULL);

	for (i = 0; i < r->n; i++) {
		const struct mx_dns_answer *a = &r->answers[i];

		if (a->status != MX_DNS_OK) {
			if (rank != 0 || *n >= max)
				continue;
			snprintf(rows[*n].server, sizeof rows[*n].server, "%.63s",
			    short_server(a));
			snprintf(rows[*n].line, sizeof rows[*n].line, "%.20s: %.160s",
			    mx_dns_status_name(a->status), a->error);
			rows[*n].failed = 1;
			rows[*n].at = now;
			(*n)++;
			continue;
		}
		for (l = 0; l < a->nlines && *n < max; l++) {
			if (line_rank(a->lines[l]) != rank)
				continue;
			snprintf(rows[*n].server, sizeof rows[*n].server, "%.63s",
			    short_server(a));
			snprintf(rows[*n].line, sizeof rows[*n].line, "%.191s",
			    a->lines[l]);
			rows[*n].serial = a->has_serial ? a->serial : 0;
			rows[*n].at = a->answered_at.tv_sec ?
			    a->answered_at.tv_sec : now;
			rows[*n].changed = a->changed_at != 0 &&
			    now - a->changed_at < 60;
			rows[*n].failed = 0;
			(*n)++;
		}
	}
}

int
wz_adapt_mx_round(const struct mx_plan *p, struct wz_mx_row *rows, int max,
    int *n, struct mx_err *err)
{
	struct mx_dns_round r[MAXDOM];
	char **doms;
	size_t nd, i;
	int rank, failed = 0;

	*n = 0;
	if ((doms = wz_domains(p, &nd)) == NULL)
		return mx_err_set(err, MX_E_GENERIC, _("out of memory"));
	if (nd == 0) {
		wz_strv_free(doms);
		return mx_err_set(err, MX_E_USAGE, _("no domains in the plan yet: "
		    "press p"));
	}
	if (nd > MAXDOM)
		nd = MAXDOM;
	pthread_mutex_lock(&prev_lock);
	for (i = 0; i < nd; i++) {
		const struct mx_dns_round *prev = NULL;

		if (prev_names[i] && strcmp(prev_names[i], doms[i]) == 0)
			prev = &prev_rounds[i];
		if (round_for(p, doms[i], prev, &r[i], err) == -1) {
			memset(&r[i], 0, sizeof r[i]);
			failed = 1;
			continue;
		}
		if (prev_names[i])
			mx_dns_round_free(&prev_rounds[i]);
		free(prev_names[i]);
		prev_names[i] = strdup(doms[i]);
		prev_rounds[i] = r[i];
	}
	for (rank = 0; rank < 3; rank++)
		for (i = 0; i < nd; i++)
			add_rows(&prev_rounds[i], rows, max, n, rank);
	pthread_mutex_unlock(&prev_lock);
	wz_strv_free(doms);
	return failed ? -1 : 0;
}

/* ---- rounds for the steps ---- */

/* Print a round dig-style into out. */
static void
print_round(struct mx_buf *out, const char *domain,
    const struct mx_dns_round *r)
{
	size_t i, l;

	for (i = 0; i < r->n; i++) {
		const struct mx_dns_answer *a = &r->answers[i];

		mx_buf_printf(out, ";; %s @%s: %s", domain, short_server(a),
		    mx_dns_status_name(a->status));
		if (a->has_serial)
			mx_buf_printf(out, ", serial %lu",
			    (unsigned long)a->serial);
		mx_buf_puts(out, "\n");
		if (a->status != MX_DNS_OK)
			mx_buf_printf(out, ";; %s\n", a->error);
		for (l = 0; l < a->nlines; l++)
			mx_buf_printf(out, "%s\n", a->lines[l]);
	}
}

static const struct mx_dns_answer *
first_ok(const struct mx_dns_round *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (r->answers[i].status == MX_DNS_OK)
			return &r->answers[i];
	return NULL;
}

int
wz_read_zone_preview(struct wz_stepctx *c, struct mx_buf *out,
    struct mx_err *err)
{
	char **doms = wz_domains(c->plan, NULL);
	char *zp;
	size_t i;

	(void)err;
	mx_buf_puts(out, _("Read only. Ask each authoritative server "
	    "directly (not a cache) for MX, the mail names' A records and "
	    "SOA:\n"));
	for (i = 0; doms && doms[i]; i++) {
		if ((zp = zone_path(c->plan, doms[i])) != NULL)
			mx_buf_printf(out, "  %s: %s %s\n", doms[i],
			    _("zone file"), zp);
		else
			mx_buf_printf(out, "  %s: dig @%s MX %s; dig A mail.%s; "
			    "dig SOA %s\n", doms[i],
			    *mx_plan_get(c->plan, MX_PLAN_DNS_SERVERS) ?
			    mx_plan_get(c->plan, MX_PLAN_DNS_SERVERS) :
			    _("each NS"), doms[i], doms[i], doms[i]);
		free(zp);
	}
	wz_strv_free(doms);
	return 0;
}

int
wz_read_zone_run(struct wz_stepctx *c, struct mx_buf *out,
    struct mx_err *err)
{
	char **doms = wz_domains(c->plan, NULL);
	struct mx_dns_round r;
	struct mx_buf det = MX_BUF_INIT;
	uint32_t maxttl = 0;
	size_t i, servers = 0;
	char num[32];
	int rc = 0;

	for (i = 0; doms && doms[i] && rc == 0; i++) {
		if (round_for(c->plan, doms[i], NULL, &r, err) == -1) {
			rc = -1;
			break;
		}
		if (!r.all_ok || !r.agree) {
			print_round(&det, doms[i], &r);
			mx_err_set(err, MX_E_REMOTE, _("%s: the servers %s"),
			    doms[i], !r.all_ok ? _("do not all answer") :
			    _("disagree"));
			rc = -1;
		} else {
			const struct mx_dns_answer *a = first_ok(&r);

			if (a && a->max_ttl > maxttl)
				maxttl = a->max_ttl;
			servers += r.n;
		}
		mx_dns_round_free(&r);
	}
	wz_strv_free(doms);
	if (rc == 0) {
		snprintf(num, sizeof num, "%lu", (unsigned long)maxttl);
		wz_ctx_state(c, "zone_ttl", num);
		mx_buf_printf(out, _("%zu answer(s) agree; the longest TTL is "
		    "%lu s"), servers, (unsigned long)maxttl);
	}
	mx_buf_free(&det);
	return rc;
}

/* ---- updates (TTL, MX) ---- */

struct change {
	int has_ttl;
	uint32_t ttl;
	const char *mx_label;	/* "mx-dead", "mx-live" or NULL */
	const char *addr;	/* its address */
};

/* Plan the update of one domain from what it holds now. */
static int
plan_update(const struct mx_plan *p, const char *domain,
    const struct change *ch, struct mx_dns_update *up, uint32_t *old_ttl,
    struct mx_err *err)
{
	struct mx_dns_round r;
	struct mx_dns_change chg;
	const struct mx_dns_answer *a;
	char mx[300], arec[300];
	const char *mxv[1], *av[1];
	int rc;

	if (round_for(p, domain, NULL, &r, err) == -1)
		return -1;
	if ((a = first_ok(&r)) == NULL) {
		mx_dns_round_free(&r);
		return mx_err_set(err, MX_E_REMOTE, _("%s: no server answered"),
		    domain);
	}
	if (old_ttl)
		*old_ttl = a->max_ttl;
	memset(&chg, 0, sizeof chg);
	chg.has_ttl = ch->has_ttl;
	chg.ttl = ch->ttl;
	if (ch->mx_label != NULL) {
		snprintf(mx, sizeof mx, "10 %s.%s.", ch->mx_label, domain);
		snprintf(arec, sizeof arec, "%s.%s.=%s", ch->mx_label, domain,
		    ch->addr);
		mxv[0] = mx;
		av[0] = arec;
		chg.mx = mxv;
		chg.nmx = 1;
		chg.a = av;
		chg.na = 1;
	}
	rc = mx_dns_update_plan(domain, a, &chg, up, err);
	mx_dns_round_free(&r);
	return rc;
}

/* Where an update goes, for the preview. */
static void
target_line(struct mx_buf *out, const struct mx_plan *p, const char *domain)
{
	char *zp = zone_path(p, domain);
	const char *key = mx_plan_get(p, MX_PLAN_TSIG_KEY);

	if (zp != NULL)
		mx_buf_printf(out, _("%s: edit the zone file %s (the SOA serial "
		    "goes up by one):\n"), domain, zp);
	else if (*key)
		mx_buf_printf(out, _("%s: RFC 2136 update to the primary, signed "
		    "with the TSIG key in %s:\n"), domain, key);
	else
		mx_buf_printf(out, _("%s: no TSIG key in the plan: make this "
		    "change at your DNS provider; mxmove then polls until "
		    "every server shows it:\n"), domain);
	free(zp);
}

static int
update_preview(struct wz_stepctx *c, const struct change *ch,
    struct mx_buf *out, struct mx_err *err)
{
	char **doms = wz_domains(c->plan, NULL);
	struct mx_dns_update up;
	char *text;
	size_t i;
	int rc = 0;

	for (i = 0; doms && doms[i] && rc == 0; i++) {
		if (plan_update(c->plan, doms[i], ch, &up, NULL, err) == -1) {
			rc = -1;
			break;
		}
		target_line(out, c->plan, doms[i]);
		if ((text = mx_dns_update_preview(&up)) != NULL)
			mx_buf_printf(out, "%s\n", text);
		free(text);
		mx_dns_update_free(&up);
	}
	wz_strv_free(doms);
	return rc;
}

/* Send or apply one domain's update. *applied 0: instructions only. */
static int
update_apply(const struct mx_plan *p, const char *domain,
    const struct mx_dns_update *up, int *applied, struct mx_buf *log,
    struct mx_err *err)
{
	char *zp = zone_path(p, domain);
	const char *keyf = mx_plan_get(p, MX_PLAN_TSIG_KEY);
	struct mx_dns_server *sv = NULL;
	struct mx_dns_update_result res;
	struct mx_dns_key key;
	uint32_t serial;
	size_t n = 0;
	int rc;

	*applied = 0;
	if (zp != NULL) {
		rc = mx_zonefile_apply(zp, up, &serial, err);
		if (rc == 0) {
			mx_buf_printf(log, _("%s: serial %lu; "), domain,
			    (unsigned long)serial);
			*applied = 1;
		}
		free(zp);
		return rc;
	}
	if (*keyf == '\0') {
		mx_buf_printf(log, _("%s: change it at your DNS provider; "),
		    domain);
		return 0;
	}
	if (mx_dns_key_load(keyf, &key, err) == -1 ||
	    servers_for(p, domain, &sv, &n, err) == -1)
		return -1;
	if (n == 0) {
		free(sv);
		return mx_err_set(err, MX_E_REMOTE, _("%s: no server to send "
		    "the update to"), domain);
	}
	/* The first server listed (or the first NS) is the primary. */
	rc = mx_dns_update_send(up, &sv[0], &key, 5000, &res, err);
	explicit_bzero(&key, sizeof key);
	free(sv);
	if (rc == -1)
		return -1;
	if (!res.accepted)
		return mx_err_set(err, MX_E_REMOTE, "%s: %s", domain,
		    res.message);
	mx_buf_printf(log, _("%s: accepted; "), domain);
	*applied = 1;
	return 0;
}

static int
update_run(struct wz_stepctx *c, const struct change *ch, uint32_t *old_ttl,
    struct mx_buf *out, struct mx_err *err)
{
	char **doms = wz_domains(c->plan, NULL);
	struct mx_dns_update up;
	uint32_t ot;
	size_t i;
	int rc = 0, applied = 0;

	*old_ttl = 0;
	for (i = 0; doms && doms[i] && rc == 0; i++) {
		if (plan_update(c->plan, doms[i], ch, &up, &ot, err) == -1) {
			rc = -1;
			break;
		}
		if (ot > *old_ttl)
			*old_ttl = ot;
		rc = update_apply(c->plan, doms[i], &up, &applied, out, err);
		mx_dns_update_free(&up);
		wz_log(c->app, "dns update %s: %s", doms[i], rc == 0 ?
		    (applied ? "applied" : "instructions shown") : err->msg);
	}
	wz_strv_free(doms);
	return rc;
}

static void
state_now(struct wz_stepctx *c, const char *name)
{
	char num[32];

	snprintf(num, sizeof num, "%lld", (long long)time(NULL));
	wz_ctx_state(c, name, num);
}

static uint32_t
low_ttl(const struct mx_plan *p)
{
	return (uint32_t)strtoul(mx_plan_get(p, MX_PLAN_LOW_TTL), NULL, 10);
}

int
wz_lower_ttl_preview(struct wz_stepctx *c, struct mx_buf *out,
    struct mx_err *err)
{
	struct change ch = { 1, low_ttl(c->plan), NULL, NULL };

	return update_preview(c, &ch, out, err);
}

int
wz_lower_ttl_run(struct wz_stepctx *c, struct mx_buf *out,
    struct mx_err *err)
{
	struct change ch = { 1, low_ttl(c->plan), NULL, NULL };
	uint32_t old;
	char num[32];

	if (update_run(c, &ch, &old, out, err) == -1)
		return -1;
	/* Run again once the TTL is low: the countdown keeps counting from
	 * the first change and the old, long TTL. */
	if (old <= ch.ttl && mx_plan_state_time(c->plan, "old_ttl") > 0) {
		mx_buf_printf(out, _("the TTL was already %lu"),
		    (unsigned long)ch.ttl);
		return 0;
	}
	state_now(c, "ttl_lowered_at");
	snprintf(num, sizeof num, "%lu", (unsigned long)old);
	wz_ctx_state(c, "old_ttl", num);
	mx_buf_printf(out, _("TTL %lu -> %lu"), (unsigned long)old,
	    (unsigned long)ch.ttl);
	return 0;
}

/* Poll every POLL_EVERY seconds until ok(round) holds for every domain. */
static int
poll_until(struct wz_stepctx *c, int (*ok)(const struct mx_plan *,
    const char *, const struct mx_dns_round *, char *, size_t),
    struct mx_buf *out, struct mx_err *err)
{
	char **doms = wz_domains(c->plan, NULL);
	struct mx_dns_round r;
	char why[256];
	size_t i;
	int rounds = 0, all;

	for (;;) {
		all = 1;
		rounds++;
		for (i = 0; doms && doms[i] && all; i++) {
			if (round_for(c->plan, doms[i], NULL, &r, err) == -1) {
				wz_ctx_note(c, _("round %d: %s"), rounds, err->msg);
				all = 0;
				break;
			}
			if (!ok(c->plan, doms[i], &r, why, sizeof why)) {
				wz_ctx_note(c, _("round %d: %s: %s"), rounds,
				    doms[i], why);
				all = 0;
			}
			mx_dns_round_free(&r);
		}
		if (all)
			break;
		if (wz_job_sleep(c->job, POLL_EVERY) == -1) {
			wz_strv_free(doms);
			return mx_err_set(err, MX_E_GENERIC, _("stopped"));
		}
	}
	wz_strv_free(doms);
	mx_buf_printf(out, _("every server agrees (round %d)"), rounds);
	return 0;
}

static int
low_ok(const struct mx_plan *p, const char *domain,
    const struct mx_dns_round *r, char *why, size_t len)
{
	uint32_t low = low_ttl(p);
	size_t i, shown = 0;

	(void)domain;
	for (i = 0; i < r->n; i++)
		if (r->answers[i].status == MX_DNS_OK &&
		    r->answers[i].max_ttl <= low)
			shown++;
	if (shown == r->n && r->n > 0)
		return 1;
	snprintf(why, len, _("%zu of %zu server(s) show TTL %lu"), shown, r->n,
	    (unsigned long)low);
	return 0;
}

int
wz_wait_low_preview(struct wz_stepctx *c, struct mx_buf *out,
    struct mx_err *err)
{
	(void)err;
	mx_buf_printf(out, _("Read only. Every %d seconds, ask every "
	    "authoritative server; done when all show a TTL of %s s or "
	    "less. The countdown below then runs to the earliest safe "
	    "cutover."), POLL_EVERY, mx_plan_get(c->plan, MX_PLAN_LOW_TTL));
	return 0;
}

int
wz_wait_low_run(struct wz_stepctx *c, struct mx_buf *out, struct mx_err *err)
{
	if (poll_until(c, low_ok, out, err) == -1)
		return -1;
	/* Every server shows it from now: the countdown runs from here
	 * when that is later than the change itself. */
	state_now(c, "ttl_seen_at");
	return 0;
}

/* ---- probes ---- */

static int
probe(struct wz_stepctx *c, int live, struct mx_buf *out, struct mx_err *err)
{
	const char *ip = mx_plan_get(c->plan, live ? MX_PLAN_LIVE_IP :
	    MX_PLAN_DEAD_IP);
	struct mx_probe_result res;
	char note[320];

	if (*ip == '\0')
		return mx_err_set(err, MX_E_USAGE, _("the plan has no %s: press "
		    "p"), live ? "live_ip" : "dead_ip");
	if (mx_probe_tcp(ip, 25, 3000, live, &res, err) == -1)
		return -1;
	if (!live) {
		snprintf(note, sizeof note, "%s (%.1f ms)",
		    mx_probe_status_name(res.status), res.connect_ms);
		wz_ctx_state(c, "dead_probe", note);
		if (res.status == MX_PROBE_REFUSED) {
			mx_buf_printf(out, _("%s:25 refuses: senders will retry"),
			    ip);
			return 0;
		}
		if (res.status == MX_PROBE_OPEN)
			return mx_err_set(err, MX_E_REMOTE, _("%s:25 is open "
			    "(\"%s\"): something listens there, so mail would "
			    "be accepted; use an address where nothing "
			    "listens"), ip, res.greeting);
		return mx_err_set(err, MX_E_REMOTE, _("%s:25: %s: senders would "
		    "wait for a timeout; an address that refuses at once is "
		    "what makes them retry"), ip,
		    mx_probe_status_name(res.status));
	}
	snprintf(note, sizeof note, "%.20s %.280s",
	    mx_probe_status_name(res.status), res.greeting);
	wz_ctx_state(c, "live_probe", note);
	if (res.status == MX_PROBE_OPEN && strncmp(res.greeting, "220", 3) == 0) {
		mx_buf_printf(out, _("%s:25 greets: %s"), ip, res.greeting);
		return 0;
	}
	return mx_err_set(err, MX_E_REMOTE, _("%s:25 does not greet with 220 "
	    "(%s%s%s): start the MTA on the new host first"), ip,
	    mx_probe_status_name(res.status), res.greeting[0] ? ": " : "",
	    res.greeting);
}

int
wz_probe_dead_preview(struct wz_stepctx *c, struct mx_buf *out,
    struct mx_err *err)
{
	(void)err;
	mx_buf_printf(out, _("Read only. Open a TCP connection to %s port 25; "
	    "it must be refused at once (nothing listens), so that senders "
	    "get a temporary failure and retry later."),
	    mx_plan_get(c->plan, MX_PLAN_DEAD_IP));
	return 0;
}

int
wz_probe_dead_run(struct wz_stepctx *c, struct mx_buf *out,
    struct mx_err *err)
{
	return probe(c, 0, out, err);
}

int
wz_probe_live_preview(struct wz_stepctx *c, struct mx_buf *out,
    struct mx_err *err)
{
	(void)err;
	mx_buf_printf(out, _("Read only. Connect to %s port 25 and read the "
	    "greeting: it must start with 220 before MX points there."),
	    mx_plan_get(c->plan, MX_PLAN_LIVE_IP));
	return 0;
}

int
wz_probe_live_run(struct wz_stepctx *c, struct mx_buf *out,
    struct mx_err *err)
{
	return probe(c, 1, out, err);
}

/* ---- MX to the dead and the live address ---- */

static int
mx_change_preview(struct wz_stepctx *c, int live, struct mx_buf *out,
    struct mx_err *err)
{
	struct change ch = { 1, low_ttl(c->plan), live ? "mx-live" : "mx-dead",
		mx_plan_get(c->plan, live ? MX_PLAN_LIVE_IP : MX_PLAN_DEAD_IP) };
	time_t at = mx_plan_state_time(c->plan, "ttl_lowered_at");
	time_t seen = mx_plan_state_time(c->plan, "ttl_seen_at");
	time_t safe = (seen > at ? seen : at) +
	    mx_plan_state_time(c->plan, "old_ttl");
	char dur[64];

	if (*ch.addr == '\0')
		return mx_err_set(err, MX_E_USAGE, _("the plan has no %s: press "
		    "p"), live ? "live_ip" : "dead_ip");
	if (!live && safe > time(NULL)) {
		wz_fmt_dur(dur, sizeof dur, (long)(safe - time(NULL)));
		mx_buf_printf(out, _("WARNING: the earliest safe cutover is in "
		    "%s: until then some caches still hold the old, long TTL "
		    "and senders may keep using the old MX.\n\n"), dur);
	}
	return update_preview(c, &ch, out, err);
}

static int
mx_change_run(struct wz_stepctx *c, int live, struct mx_buf *out,
    struct mx_err *err)
{
	struct change ch = { 1, low_ttl(c->plan), live ? "mx-live" : "mx-dead",
		mx_plan_get(c->plan, live ? MX_PLAN_LIVE_IP : MX_PLAN_DEAD_IP) };
	uint32_t old;

	if (*ch.addr == '\0')
		return mx_err_set(err, MX_E_USAGE, _("the plan has no %s: press "
		    "p"), live ? "live_ip" : "dead_ip");
	if (update_run(c, &ch, &old, out, err) == -1)
		return -1;
	state_now(c, live ? "mx_live_at" : "mx_dead_at");
	mx_buf_printf(out, _("MX -> %s.<domain> (%s)"), ch.mx_label, ch.addr);
	return 0;
}

int
wz_mx_dead_preview(struct wz_stepctx *c, struct mx_buf *o, struct mx_err *e)
{
	return mx_change_preview(c, 0, o, e);
}

int
wz_mx_dead_run(struct wz_stepctx *c, struct mx_buf *o, struct mx_err *e)
{
	return mx_change_run(c, 0, o, e);
}

int
wz_mx_live_preview(struct wz_stepctx *c, struct mx_buf *o, struct mx_err *e)
{
	return mx_change_preview(c, 1, o, e);
}

int
wz_mx_live_run(struct wz_stepctx *c, struct mx_buf *o, struct mx_err *e)
{
	return mx_change_run(c, 1, o, e);
}

/* Every server answers, agrees, and the MX names label.domain. */
static int
mx_is(const char *label, const char *domain, const struct mx_dns_round *r,
    char *why, size_t len)
{
	char want[300];
	size_t i, l, shown = 0;

	snprintf(want, sizeof want, " %s.%s.", label, domain);
	for (i = 0; i < r->n; i++) {
		const struct mx_dns_answer *a = &r->answers[i];

		if (a->status != MX_DNS_OK)
			continue;
		for (l = 0; l < a->nlines; l++)
			if (line_rank(a->lines[l]) == 0 &&
			    strstr(a->lines[l], want) != NULL) {
				shown++;
				break;
			}
	}
	if (shown == r->n && r->n > 0 && r->agree)
		return 1;
	snprintf(why, len, _("%zu of %zu server(s) show MX%s"), shown, r->n,
	    want);
	return 0;
}

static int
dead_ok(const struct mx_plan *p, const char *d, const struct mx_dns_round *r,
    char *why, size_t len)
{
	(void)p;
	return mx_is("mx-dead", d, r, why, len);
}

static int
live_ok(const struct mx_plan *p, const char *d, const struct mx_dns_round *r,
    char *why, size_t len)
{
	(void)p;
	return mx_is("mx-live", d, r, why, len);
}

int
wz_poll_dead_preview(struct wz_stepctx *c, struct mx_buf *out,
    struct mx_err *err)
{
	(void)c;
	(void)err;
	mx_buf_printf(out, _("Read only. Every %d seconds, ask every "
	    "authoritative server; done when all agree that MX is "
	    "mx-dead.<domain>."), POLL_EVERY);
	return 0;
}

int
wz_poll_dead_run(struct wz_stepctx *c, struct mx_buf *out,
    struct mx_err *err)
{
	if (poll_until(c, dead_ok, out, err) == -1)
		return -1;
	state_now(c, "mx_dead_seen_at");
	return 0;
}

int
wz_poll_live_preview(struct wz_stepctx *c, struct mx_buf *out,
    struct mx_err *err)
{
	(void)c;
	(void)err;
	mx_buf_printf(out, _("Read only. Every %d seconds, ask every "
	    "authoritative server; done when all agree that MX is "
	    "mx-live.<domain>."), POLL_EVERY);
	return 0;
}

int
wz_poll_live_run(struct wz_stepctx *c, struct mx_buf *out,
    struct mx_err *err)
{
	return poll_until(c, live_ok, out, err);
}

int
wz_wait_one_ttl_preview(struct wz_stepctx *c, struct mx_buf *out,
    struct mx_err *err)
{
	(void)err;
	mx_buf_printf(out, _("Read only. Wait one TTL (%s s) after every "
	    "server showed the dead MX: then no sender still delivers to the "
	    "old host, and the transfer can start."),
	    mx_plan_get(c->plan, MX_PLAN_LOW_TTL));
	return 0;
}

int
wz_wait_one_ttl_run(struct wz_stepctx *c, struct mx_buf *out,
    struct mx_err *err)
{
	time_t seen = mx_plan_state_time(c->plan, "mx_dead_seen_at");
	time_t end, now;
	char dur[64];

	if (seen == 0)
		seen = mx_plan_state_time(c->plan, "mx_dead_at");
	if (seen == 0)
		return mx_err_set(err, MX_E_USAGE, _("MX does not point at the "
		    "dead IP yet: run the steps above first"));
	end = seen + (time_t)low_ttl(c->plan);
	while ((now = time(NULL)) < end) {
		wz_fmt_dur(dur, sizeof dur, (long)(end - now));
		wz_ctx_note(c, _("%s left"), dur);
		if (wz_job_sleep(c->job, 1) == -1)
			return mx_err_set(err, MX_E_GENERIC, _("stopped"));
	}
	mx_buf_puts(out, _("one TTL has passed"));
	return 0;
}
