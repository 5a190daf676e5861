/*
 * config.c - the .orgmri file (git-config syntax), read with libgit2.
 *
 * libgit2 already parses git's config syntax exactly (sections,
 * subsections, quoting, multi-valued keys, includes), so we take a
 * snapshot of every entry at load time into a flat list; look-ups after
 * that are plain string compares on data we own, and the configuration is
 * immutable and safe to share.
 */
#include <git2.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/util.h"
#include "orgmri/config.h"

struct orgmri_config {
	orgmri_arena arena;
	const char **names, **values;
	size_t n, cap;
};

static int add_entry(orgmri_config *c, const char *name, const char *value)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 32;
		const char **nn = orgmri_reallocarray((void *)c->names, cap,
		                                      sizeof(*nn));
		if (!nn)
			return ORGMRI_ENOMEM;
		c->names = nn;
		const char **vv = orgmri_reallocarray((void *)c->values, cap,
		                                      sizeof(*vv));
		if (!vv)
			return ORGMRI_ENOMEM;
		c->values = vv;
		c->cap = cap;
	}
	c->names[c->n] = orgmri_arena_strdup(&c->arena, name);
	c->values[c->n] = orgmri_arena_strdup(&c->arena, value ? value : "");
	if (!c->names[c->n] || !c->values[c->n])
		return ORGMRI_ENOMEM;
	c->n++;
	return 0;
}

int orgmri_config_empty(orgmri_config **out, orgmri_error *err)
{
	*out = calloc(1, sizeof(**out));
	if (!*out)
		return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	orgmri_arena_init(&(*out)->arena, 4096);
	return 0;
}

int orgmri_config_load(orgmri_config **out, const char *path,
                       orgmri_error *err)
{
	int rc = orgmri_config_empty(out, err);
	if (rc)
		return rc;
	if (!path) {
		const char *env = getenv("ORGMRI_CONFIG");
		path = env && *env ? env : ".orgmri";
		if (access(path, F_OK) != 0)
			return 0; /* no file: all defaults */
	} else if (access(path, F_OK) != 0) {
		orgmri_config_free(*out);
		*out = NULL;
		return orgmri_seterr(err, ORGMRI_ENOTFOUND,
		                     "%s: no such configuration file", path);
	}
	git_libgit2_init();
	git_config *gc = NULL;
	git_config_iterator *it = NULL;
	git_config_entry *e;
	if (git_config_open_ondisk(&gc, path) < 0)
		goto gitfail;
	if (git_config_iterator_new(&it, gc) < 0)
		goto gitfail;
	int g;
	while ((g = git_config_next(&e, it)) == 0)
		if (add_entry(*out, e->name, e->value)) {
			rc = orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
			goto done;
		}
	if (g != GIT_ITEROVER)
		goto gitfail;
	goto done;
gitfail:;
	const git_error *ge = git_error_last();
	const char *msg = ge && ge->message ? ge->message : "cannot read";
	/* libgit2 ends its message with " (in FILE:LINE)": take the line
	 * number out into the error's location. */
	long line = 0;
	size_t ml = strlen(msg);
	const char *in = strstr(msg, " (in ");
	if (in && ml && msg[ml - 1] == ')') {
		const char *colon = msg + ml - 1;
		while (colon > in && colon[-1] >= '0' && colon[-1] <= '9')
			colon--;
		if (colon[-1] == ':')
			line = strtol(colon, NULL, 10);
		ml = (size_t)(in - msg);
	}
	rc = orgmri_seterr(err, ORGMRI_EPARSE, "%.*s", (int)ml, msg);
	orgmri_seterr_at(err, path, line, 0);
done:
	git_config_iterator_free(it);
	git_config_free(gc);
	git_libgit2_shutdown();
	if (rc) {
		orgmri_config_free(*out);
		*out = NULL;
	}
	return rc;
}

void orgmri_config_free(orgmri_config *c)
{
	if (!c)
		return;
	orgmri_arena_free(&c->arena);
	free((void *)c->names);
	free((void *)c->values);
	free(c);
}

/* git lower-cases section and variable names but keeps subsection case:
 * compare the first and last dotted parts without case, the middle with. */
static int key_eq(const char *stored, const char *asked)
{
	const char *s1 = strchr(stored, '.'), *a1 = strchr(asked, '.');
	const char *s2 = strrchr(stored, '.'), *a2 = strrchr(asked, '.');
	if (!s1 || !a1)
		return strcasecmp(stored, asked) == 0;
	if (s1 - stored != a1 - asked ||
	    strncasecmp(stored, asked, (size_t)(s1 - stored)) != 0)
		return 0;
	if (strcasecmp(s2, a2) != 0)
		return 0;
	if (s2 - s1 != a2 - a1)
		return 0;
	return strncmp(s1, a1, (size_t)(s2 - s1)) == 0;
}

const char *orgmri_config_string(const orgmri_config *c, const char *key,
                                 const char *def)
{
	const char *v = def;
	/* last one wins, as in git */
	for (size_t i = 0; c && i < c->n; i++)
		if (key_eq(c->names[i], key))
			v = c->values[i];
	return v;
}

long long orgmri_config_int(const orgmri_config *c, const char *key,
                            long long def)
{
	const char *v = orgmri_config_string(c, key, NULL);
	if (!v || !*v)
		return def;
	char *end;
	long long n = strtoll(v, &end, 10);
	if (*end == 'k' || *end == 'K')
		n *= 1024, end++;
	else if (*end == 'm' || *end == 'M')
		n *= 1024 * 1024, end++;
	return *end ? def : n;
}

int orgmri_config_bool(const orgmri_config *c, const char *key, int def)
{
	const char *v = orgmri_config_string(c, key, NULL);
	if (!v)
		return def;
	static const char *yes[] = { "true", "yes", "on", "1", "" };
	static const char *no[] = { "false", "no", "off", "0" };
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (strcasecmp(v, yes[i]) == 0)
			return 1;
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (strcasecmp(v, no[i]) == 0)
			return 0;
	return def;
}

int orgmri_config_each(const orgmri_config *c, const char *key,
                       int (*fn)(const char *, void *), void *ctx)
{
	for (size_t i = 0; c && i < c->n; i++)
		if (key_eq(c->names[i], key)) {
			int rc = fn(c->values[i], ctx);
			if (rc)
				return rc;
		}
	return 0;
}

int orgmri_config_each_prefix(const orgmri_config *c, const char *prefix,
                              int (*fn)(const char *, const char *, void *),
                              void *ctx)
{
	size_t pl = strlen(prefix);
	for (size_t i = 0; c && i < c->n; i++)
		if (strncasecmp(c->names[i], prefix, pl) == 0) {
			int rc = fn(c->names[i], c->values[i], ctx);
			if (rc)
				return rc;
		}
	return 0;
}
