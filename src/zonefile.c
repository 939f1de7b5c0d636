/* zonefile.c - answer dns.h's questions from a zone file and apply its
 * updates to it, with ldns's zone parser and printer. See zonefile.h. */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ldns/ldns.h>

#include "buf.h"
#include "i18n.h"
#include "zonefile.h"

static char *
zabs(const char *name)
{
	size_t len = strlen(name), i;
	char *s = malloc(len + 2);

	if (s == NULL)
		return NULL;
	for (i = 0; i < len; i++)
		s[i] = (char)tolower((unsigned char)name[i]);
	if (len == 0 || s[len - 1] != '.')
		s[len++] = '.';
	s[len] = '\0';
	return s;
}

static int
zone_load(const char *path, const char *zone, ldns_zone **z, struct mx_err *err)
{
	FILE *fp;
	ldns_rdf *origin;
	ldns_status st;
	int line = 0;
	char *o = zabs(zone);

	*z = NULL;
	if (o == NULL)
		return mx_err_set(err, MX_E_GENERIC, _("out of memory"));
	origin = ldns_dname_new_frm_str(o);
	free(o);
	if (origin == NULL)
		return mx_err_set(err, MX_E_USAGE, _("'%s': not a valid zone name"), zone);
	fp = fopen(path, "r");
	if (fp == NULL) {
		ldns_rdf_deep_free(origin);
		return mx_err_errno(err, errno, "%s", path);
	}
	st = ldns_zone_new_frm_fp_l(z, fp, origin, 3600, LDNS_RR_CLASS_IN, &line);
	fclose(fp);
	ldns_rdf_deep_free(origin);
	if (st != LDNS_STATUS_OK) {
		*z = NULL;
		return mx_err_set(err, MX_E_PARSE, "%s: line %d: %s", path, line,
		    ldns_get_errorstr_by_id(st));
	}
	if (ldns_zone_soa(*z) == NULL) {
		ldns_zone_deep_free(*z);
		*z = NULL;
		return mx_err_set(err, MX_E_PARSE, _("%s: no SOA record for %s"), path, zone);
	}
	return 0;
}

static char *
owner_str(const ldns_rr *rr)
{
	char *s = ldns_rdf2str(ldns_rr_owner(rr));
	size_t i;

	for (i = 0; s && s[i]; i++)
		s[i] = (char)tolower((unsigned char)s[i]);
	return s;
}

static int
name_in(char **names, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcasecmp(names[i], name) == 0)
			return 1;
	return 0;
}

static int
in_zone(const char *name, const char *zone)
{
	size_t ln = strlen(name), lz = strlen(zone);

	if (ln == lz)
		return strcasecmp(name, zone) == 0;
	return ln > lz && name[ln - lz - 1] == '.' &&
	    strcasecmp(name + ln - lz, zone) == 0;
}

int
mx_zonefile_round(const char *path, const struct mx_dns_query_cfg *cfg,
    const struct mx_dns_round *prev, struct mx_dns_round *out,
    struct mx_err *err)
{
	const char *const *labels = cfg->names ? cfg->names : mx_dns_default_names;
	size_t nlabels = cfg->names ? cfg->nnames : mx_dns_default_nnames;
	ldns_zone *z;
	ldns_rr_list *all, *sel = NULL;
	char *zone = NULL, **names = NULL;
	size_t nnames = 0, i, k;
	struct mx_dns_answer *a;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	clock_gettime(CLOCK_REALTIME, &out->started);
	if (zone_load(path, cfg->zone, &z, err) < 0)
		return -1;
	zone = zabs(cfg->zone);
	names = calloc(nlabels + 64, sizeof(*names));
	sel = ldns_rr_list_new();
	out->answers = calloc(1, sizeof(*out->answers));
	if (zone == NULL || names == NULL || sel == NULL || out->answers == NULL) {
		mx_err_set(err, MX_E_GENERIC, _("out of memory"));
		goto done;
	}
	out->n = 1;
	a = &out->answers[0];
	snprintf(a->server.name, sizeof(a->server.name), "%s", path);
	snprintf(a->server.addr, sizeof(a->server.addr), "zonefile");
	a->server.port = 0;
	for (i = 0; i < nlabels; i++) {
		struct mx_buf b = MX_BUF_INIT;
		char *n;

		mx_buf_printf(&b, "%s.%s", labels[i], zone);
		n = mx_buf_steal(&b);
		names[nnames++] = zabs(n);
		free(n);
	}
	all = ldns_zone_rrs(z);
	/* the MX RRset and its in-zone targets */
	for (i = 0; i < ldns_rr_list_rr_count(all); i++) {
		ldns_rr *rr = ldns_rr_list_rr(all, i);
		char *own;

		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_MX)
			continue;
		own = owner_str(rr);
		if (own != NULL && strcmp(own, zone) == 0) {
			char *t = ldns_rdf2str(ldns_rr_rdf(rr, 1));

			ldns_rr_list_push_rr(sel, rr);
			for (k = 0; t && t[k]; k++)
				t[k] = (char)tolower((unsigned char)t[k]);
			if (t != NULL && in_zone(t, zone) && !name_in(names, nnames, t) &&
			    nnames < nlabels + 64)
				names[nnames++] = t;
			else
				free(t);
		}
		free(own);
	}
	for (i = 0; i < ldns_rr_list_rr_count(all); i++) {
		ldns_rr *rr = ldns_rr_list_rr(all, i);
		ldns_rr_type t = ldns_rr_get_type(rr);
		char *own;

		if (t != LDNS_RR_TYPE_A && t != LDNS_RR_TYPE_AAAA)
			continue;
		own = owner_str(rr);
		if (own != NULL && name_in(names, nnames, own))
			ldns_rr_list_push_rr(sel, rr);
		free(own);
	}
	ldns_rr_list_push_rr(sel, ldns_zone_soa(z));
	if (mx_dns_answer_add_rrs(a, sel) < 0) {
		mx_err_set(err, MX_E_GENERIC, _("out of memory"));
		goto done;
	}
	mx_dns_sort_lines(a->lines, a->nlines);
	a->status = MX_DNS_OK;
	clock_gettime(CLOCK_REALTIME, &a->answered_at);
	mx_dns_round_finish(out, prev);
	rc = 0;
done:
	if (sel)
		ldns_rr_list_free(sel);	/* the records belong to the zone */
	for (i = 0; names && i < nnames; i++)
		free(names[i]);
	free(names);
	free(zone);
	ldns_zone_deep_free(z);
	if (rc < 0)
		mx_dns_round_free(out);
	return rc;
}

/* Same owner and type (the RRset). */
static int
same_rrset(const ldns_rr *a, const ldns_rr *b)
{
	return ldns_rr_get_type(a) == ldns_rr_get_type(b) &&
	    ldns_dname_compare(ldns_rr_owner(a), ldns_rr_owner(b)) == 0;
}

int
mx_zonefile_apply(const char *path, const struct mx_dns_update *up,
    uint32_t *serial, struct mx_err *err)
{
	ldns_zone *z;
	ldns_rr_list *rrs, *keep = NULL;
	ldns_rr *soa;
	uint32_t s;
	struct stat stt;
	struct mx_buf tmp = MX_BUF_INIT;
	FILE *fp = NULL;
	size_t i, k;
	int rc = -1;

	if (zone_load(path, up->zone, &z, err) < 0)
		return -1;
	rrs = ldns_zone_rrs(z);
	for (i = 0; i < up->n; i++) {
		const struct mx_dns_op *o = &up->ops[i];
		ldns_rdf *own = ldns_dname_new_frm_str(o->owner);
		ldns_rr_type t = ldns_get_rr_type_by_name(o->type);

		if (own == NULL) {
			mx_err_set(err, MX_E_USAGE, _("'%s': not a valid name"), o->owner);
			goto done;
		}
		if (o->kind == MX_DNS_DEL_RRSET) {
			keep = ldns_rr_list_new();
			if (keep == NULL) {
				ldns_rdf_deep_free(own);
				goto oom;
			}
			for (k = 0; k < ldns_rr_list_rr_count(rrs); k++) {
				ldns_rr *rr = ldns_rr_list_rr(rrs, k);

				if (ldns_rr_get_type(rr) == t &&
				    ldns_dname_compare(ldns_rr_owner(rr), own) == 0)
					ldns_rr_free(rr);
				else
					ldns_rr_list_push_rr(keep, rr);
			}
			ldns_rr_list_free(rrs);
			ldns_zone_set_rrs(z, keep);
			rrs = keep;
			keep = NULL;
		} else {
			ldns_rr *rr = NULL;
			char line[1024];
			int dup = 0;

			snprintf(line, sizeof(line), "%s %u IN %s %s", o->owner,
			    (unsigned)o->ttl, o->type, o->rdata);
			if (ldns_rr_new_frm_str(&rr, line, 0, NULL, NULL) != LDNS_STATUS_OK) {
				ldns_rdf_deep_free(own);
				mx_err_set(err, MX_E_USAGE, _("'%s': not a valid record"), line);
				goto done;
			}
			/* the RRset takes the new TTL; an identical record is not doubled */
			for (k = 0; k < ldns_rr_list_rr_count(rrs); k++) {
				ldns_rr *x = ldns_rr_list_rr(rrs, k);

				if (!same_rrset(x, rr))
					continue;
				ldns_rr_set_ttl(x, o->ttl);
				if (ldns_rr_compare(x, rr) == 0)
					dup = 1;
			}
			if (dup)
				ldns_rr_free(rr);
			else
				ldns_rr_list_push_rr(rrs, rr);
		}
		ldns_rdf_deep_free(own);
	}
	/* the serial goes up by one (RFC 1982 arithmetic wraps) */
	soa = ldns_zone_soa(z);
	s = ldns_rdf2native_int32(ldns_rr_rdf(soa, 2)) + 1;
	ldns_rdf_deep_free(ldns_rr_set_rdf(soa,
	    ldns_native2rdf_int32(LDNS_RDF_TYPE_INT32, s), 2));
	if (serial != NULL)
		*serial = s;

	if (stat(path, &stt) < 0) {
		mx_err_errno(err, errno, "%s", path);
		goto done;
	}
	mx_buf_printf(&tmp, "%s.mxmove-tmp", path);
	if (tmp.data == NULL)
		goto oom;
	fp = fopen(tmp.data, "w");
	if (fp == NULL) {
		mx_err_errno(err, errno, "%s", tmp.data);
		goto done;
	}
	ldns_rr_print(fp, soa);
	for (k = 0; k < ldns_rr_list_rr_count(rrs); k++)
		ldns_rr_print(fp, ldns_rr_list_rr(rrs, k));
	if (fflush(fp) != 0 || fsync(fileno(fp)) != 0 || ferror(fp)) {
		mx_err_errno(err, errno, "%s", tmp.data);
		goto done;
	}
	fchmod(fileno(fp), stt.st_mode & 07777);
	if (fclose(fp) != 0) {
		fp = NULL;
		mx_err_errno(err, errno, "%s", tmp.data);
		goto done;
	}
	fp = NULL;
	if (rename(tmp.data, path) < 0) {
		mx_err_errno(err, errno, _("rename %s to %s"), tmp.data, path);
		goto done;
	}
	rc = 0;
	goto done;
oom:
	mx_err_set(err, MX_E_GENERIC, _("out of memory"));
done:
	if (fp != NULL) {
		fclose(fp);
		unlink(tmp.data);
	} else if (rc < 0 && tmp.data != NULL)
		unlink(tmp.data);
	mx_buf_free(&tmp);
	ldns_zone_deep_free(z);
	return rc;
}
