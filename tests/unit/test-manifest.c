/* test-manifest.c - the manifest of a verified pass: save, load, trust
 * only what is unchanged, refuse a damaged or foreign file; and the
 * nameset that indexes it (keys copied or the caller's). */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "listing.h"
#include "maildir.h"
#include "manifest.h"
#include "tap.h"

#define OLD ((int64_t)1600000000 * 1000000000)	/* a ctime long past */
#define DIG "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* n messages on each side, the same digest, ctimes long past. */
static void
fill(struct mx_listing *S, struct mx_listing *D, int n)
{
	char p[64];
	int i;

	mx_listing_init(S, NULL);
	mx_listing_init(D, NULL);
	S->listed_at = (int64_t)time(NULL) * 1000000000;	/* the old host's clock */
	for (i = 0; i < n; i++) {
		snprintf(p, sizeof p, "%s/%d.M%dP1.host,S=%d%s", i % 3 ? "cur" :
		    "new", 1600000000 + i, i, 100 + i, i % 3 ? ":2,S" : "");
		mx_listing_add(S, p, (uint64_t)(100 + i), 0, NULL);
		mx_listing_add(D, p, (uint64_t)(100 + i), 0, NULL);
		S->v[i].ctime_ns = OLD + i;
		D->v[i].ctime_ns = OLD + 7 * i;
		memcpy(S->v[i].digest, DIG, 65);
		memcpy(D->v[i].digest, DIG, 65);
		S->v[i].digest[0] = D->v[i].digest[0] = (char)('a' + i % 6);
	}
}

/* How many messages of S the manifest at path vouches for. */
static int
trusted(const char *path, const char *id, struct mx_listing *S,
    struct mx_listing *D)
{
	struct mx_manifest *m;
	struct mx_err err;
	size_t i;
	int n = 0;

	if (mx_manifest_load(path, id, &m, &err) == -1)
		return -1;
	for (i = 0; i < S->n; i++) {
		S->v[i].digest[0] = '\0';
		if (mx_manifest_trust(m, &S->v[i],
		    mx_listing_get(D, S->v[i].key)))
			n++;
	}
	mx_manifest_free(m);
	return n;
}

static void
put(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	if (fp != NULL) {
		fputs(text, fp);
		fclose(fp);
	}
}

int
main(void)
{
	char dir[] = "/tmp/test-manifest.XXXXXX", path[256], cmd[300];
	const char *id = "old\tnew\t/home/a/Maildir\t/home/a/Maildir";
	struct mx_listing S, D;
	struct mx_manifest *m;
	struct mx_nameset *ns;
	struct mx_err err;
	uint64_t v = 0;
	char *buf = NULL, k[32];
	size_t len = 0;
	FILE *fp;
	int i, bad;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof path, "%s/u1", dir);

	/* The nameset, both kinds. */
	ns = mx_nameset_new();
	for (i = 0, bad = 0; i < 5000; i++) {
		snprintf(k, sizeof k, "k%d", i);
		if (mx_nameset_add(ns, k, (uint64_t)i) != 1)
			bad++;
	}
	is_int(bad, 0, "5000 keys added (copied) through several grows");
	ok(mx_nameset_add(ns, "k42", 7) == 0 && mx_nameset_has(ns, "k42", &v) &&
	    v == 42, "a key added twice keeps its first value");
	ok(!mx_nameset_has(ns, "k5000", NULL), "a key never added is absent");
	is_int(mx_nameset_count(ns), 5000, "count");
	mx_nameset_free(ns);
	{
		static char keys[3000][16];

		ns = mx_nameset_new_ref();
		for (i = 0, bad = 0; i < 3000; i++) {
			snprintf(keys[i], sizeof keys[i], ".F/%d", i);
			if (mx_nameset_add(ns, keys[i], (uint64_t)i * 2) != 1)
				bad++;
		}
		for (i = 0; i < 3000; i++)
			if (!mx_nameset_has(ns, keys[i], &v) || v != (uint64_t)i * 2)
				bad++;
		is_int(bad, 0, "a _ref set: the caller's 3000 keys, found again "
		    "after grows");
		mx_nameset_free(ns);	/* frees none of the keys */
	}

	/* No file: an empty manifest. */
	fill(&S, &D, 40);
	ok(mx_manifest_load(path, id, &m, &err) == 0 && m != NULL &&
	    mx_manifest_count(m) == 0, "no file: nothing trusted");
	mx_manifest_free(m);
	ok(mx_manifest_save(path, id, &S, &D, &err) == 0, "saved: %s", err.msg);
	ok(mx_manifest_load(path, id, &m, &err) == 0 &&
	    mx_manifest_count(m) == 40, "loaded back: 40 messages");
	mx_manifest_free(m);
	is_int(trusted(path, id, &S, &D), 40, "all 40 trusted when unchanged");
	ok(strcmp(S.v[5].digest, D.v[5].digest) == 0 && S.v[5].digest[0] ==
	    'a' + 5 % 6, "the digest proved is copied to both sides");
	is_int(trusted(path, "old\tnew\t/x\t/y", &S, &D), 0,
	    "another pair of directories: nothing trusted");

	/* What changed is read again. */
	mx_listing_free(&S);
	mx_listing_free(&D);
	fill(&S, &D, 40);
	S.v[3].ctime_ns++;
	D.v[4].size++;
	D.v[7].ctime_ns = 0;		/* unknown ctime: never trusted */
	is_int(trusted(path, id, &S, &D), 37,
	    "a new ctime, a new size, an unknown ctime: 3 read again");

	/* A recent source ctime is not recorded (it could change again
	 * within the clock's tick). */
	mx_listing_free(&S);
	mx_listing_free(&D);
	fill(&S, &D, 10);
	S.v[2].ctime_ns = (int64_t)time(NULL) * 1000000000;
	D.v[9].digest[1] ^= 1;		/* a differing digest */
	mx_manifest_save(path, id, &S, &D, &err);
	ok(mx_manifest_load(path, id, &m, &err) == 0 &&
	    mx_manifest_count(m) == 8, "a recent ctime and a mismatch: not "
	    "recorded (8 of 10)");
	mx_manifest_free(m);

	/* Damaged files give an empty manifest. */
	fp = fopen(path, "r");
	if (fp != NULL) {
		ssize_t n = getdelim(&buf, &len, '\0', fp);

		len = n > 0 ? (size_t)n : 0;
		fclose(fp);
	}
	ok(buf != NULL && len > 100, "the file read (%zu bytes)", len);
	if (buf != NULL) {
		char *cut = strndup(buf, len - 9);	/* no whole "end" line */
		char *dup = NULL, *nl;

		put(path, cut);
		is_int(trusted(path, id, &S, &D), 0, "cut short: nothing trusted");
		cut[len - 12] = '\0';
		put(path, cut);
		is_int(trusted(path, id, &S, &D), 0, "cut mid-line: nothing trusted");
		free(cut);
		/* A line twice, the count matching: refused. */
		nl = strchr(strchr(buf, '\n') + 1, '\n');
		if (nl != NULL && asprintf(&dup, "%.*s%.*send\t2\n",
		    (int)(nl + 1 - buf), buf, (int)(nl - strchr(buf, '\n')),
		    strchr(buf, '\n') + 1) > 0) {
			put(path, dup);
			is_int(trusted(path, id, &S, &D), 0,
			    "a key twice: nothing trusted");
		} else
			ok(0, "a key twice: test file built");
		free(dup);
		put(path, "mxmove-manifest 1\told\tnew\t/home/a/Maildir\t/home/a/"
		    "Maildir\nk\tcur/a\t1\t2\tcur/a\t1\t2\tshort\nend\t1\n");
		is_int(trusted(path, id, &S, &D), 0, "a short digest: refused");
		put(path, "");
		is_int(trusted(path, id, &S, &D), 0, "an empty file: nothing "
		    "trusted");
		put(path, buf);
		is_int(trusted(path, id, &S, &D), 8, "the whole file again: 8 "
		    "trusted");
	}
	free(buf);

	/* The old host's clock is the reference: an hour behind this
	 * machine's, a ctime 1 s before its listing is still recent. */
	mx_listing_free(&S);
	mx_listing_free(&D);
	fill(&S, &D, 10);
	S.listed_at -= (int64_t)3600 * 1000000000;
	S.v[4].ctime_ns = S.listed_at - 1000000000;
	mx_manifest_save(path, id, &S, &D, &err);
	ok(mx_manifest_load(path, id, &m, &err) == 0 &&
	    mx_manifest_count(m) == 9, "recent by the old host's clock, an "
	    "hour behind this one: not recorded (9 of 10)");
	mx_manifest_free(m);

	/* That clock not known: nothing is recorded. */
	S.listed_at = 0;
	mx_manifest_save(path, id, &S, &D, &err);
	ok(mx_manifest_load(path, id, &m, &err) == 0 &&
	    mx_manifest_count(m) == 0, "the old host's clock not known: "
	    "nothing recorded");
	mx_manifest_free(m);

	mx_listing_free(&S);
	mx_listing_free(&D);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# cleanup failed\n");
	return tap_done();
}
