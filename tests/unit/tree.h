/* tree.h - files under a unit test's temporary root (a fake host's /):
 * make directories, write a file, read one back. Header-only, like tap.h;
 * failures show up in the test's own checks. */
#ifndef MX_TREE_H
#define MX_TREE_H

#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"

/* root/rel and its parents (0755); rel itself gets mode. */
static void __attribute__((unused))
tree_mkpath(const char *root, const char *rel, mode_t mode)
{
	char p[1024], *s;

	snprintf(p, sizeof p, "%s/%s", root, rel);
	for (s = p + strlen(root) + 1; (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		mkdir(p, 0755);
		*s = '/';
	}
	mkdir(p, mode);
	chmod(p, mode);
}

/* Write text to root/rel (rel alone when root is NULL). */
static void __attribute__((unused))
tree_put(const char *root, const char *rel, const char *text)
{
	char p[1024];
	FILE *f;

	snprintf(p, sizeof p, "%s%s%s", root ? root : "", root ? "/" : "", rel);
	f = fopen(p, "w");
	if (f != NULL) {
		fputs(text, f);
		fclose(f);
	}
}

/* root/rel's whole text, malloc'd; NULL when it cannot be read. */
static __attribute__((unused)) char *
tree_slurp(const char *root, const char *rel)
{
	char p[1024], chunk[4096];
	struct mx_buf b = MX_BUF_INIT;
	size_t n;
	FILE *f;

	snprintf(p, sizeof p, "%s%s%s", root ? root : "", root ? "/" : "", rel);
	f = fopen(p, "r");
	if (f == NULL)
		return NULL;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		mx_buf_append(&b, chunk, n);
	fclose(f);
	return mx_buf_steal(&b);
}

static int __attribute__((unused))
tree_rm_one(const char *path, const struct stat *st, int type, struct FTW *f)
{
	(void)st;
	(void)f;
	if (type == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

/* Remove path and everything under it (links are not followed). */
static void __attribute__((unused))
tree_rm(const char *path)
{
	nftw(path, tree_rm_one, 16, FTW_PHYS | FTW_DEPTH);
}

#endif
