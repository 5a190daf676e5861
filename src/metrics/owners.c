/*
 * owners.c - CODEOWNERS coverage: the share of the files changed in a
 * period that a CODEOWNERS rule gives an owner (docs/metrics.md, "Files
 * changed").
 *
 * The rules come from the git adapter's `codeowners` event on object
 * `repo:REPO` (attribute `rules`: the file's text at HEAD; the latest
 * event per repository is used).  GitHub's syntax, as documented by
 * GitHub: one rule a line, a pattern then owners; blank lines and lines
 * starting with `#` are skipped, a token starting with `#` ends the line;
 * the LAST matching rule decides; a rule without owners leaves the path
 * unowned.  Lines starting with `[` or `^[` (GitLab section headers) are
 * skipped.  Patterns are gitignore-style with GitHub's restrictions (no
 * `!` negation, no `[...]` ranges, `\#` escapes do not work):
 *   - a trailing `/` matches only directories (so every file below one);
 *   - a pattern with a `/` at the start or in the middle is anchored at
 *     the repository root; one without matches at any depth;
 *   - `*` matches any run of characters except `/`, `?` one character
 *     except `/`, a double star any run including `/` (double star then
 *     `/x`: x at any depth; `x/` then a double star: everything below x;
 *     `a/`, double star, `/b`: zero or more folders between);
 *   - a pattern matches a file when it matches the file's whole path or
 *     one of its leading folders (`/apps/github` owns apps/github/x.c),
 *     except that a pattern whose last segment is a lone star matches
 *     only the folder's direct files (GitHub: `docs/` + star owns
 *     docs/a.md, not docs/build/b.md).
 * Matching is backtracking with a step budget (ORGMRI_GLOB_STEPS per
 * path): a hostile pattern that exceeds it counts as not matching.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/files.h"
#include "orgmri/metrics.h"

#define ORGMRI_GLOB_STEPS 100000

/* Glob p[0..pn) against s[0..sn); *budget counts down steps. */
static int glob(const char *p, size_t pn, const char *s, size_t sn,
                long *budget)
{
	size_t pi = 0, si = 0;
	while (pi < pn) {
		if (--*budget < 0)
			return 0;
		char c = p[pi];
		if (c == '*' && pi + 1 < pn && p[pi + 1] == '*') {
			size_t rest = pi + 2;
			if (rest < pn && p[rest] == '/') {
				/* double star and slash: zero or more whole folders */
				if (glob(p + rest + 1, pn - rest - 1, s + si, sn - si, budget))
					return 1;
				for (size_t k = si; k < sn; k++)
					if (s[k] == '/' &&
					    glob(p + rest + 1, pn - rest - 1, s + k + 1,
					         sn - k - 1, budget))
						return 1;
				return 0;
			}
			/* a double star elsewhere: any run, slashes included */
			for (size_t k = si; k <= sn; k++)
				if (glob(p + rest, pn - rest, s + k, sn - k, budget))
					return 1;
			return 0;
		}
		if (c == '*') {
			for (size_t k = si; k <= sn; k++) {
				if (glob(p + pi + 1, pn - pi - 1, s + k, sn - k, budget))
					return 1;
				if (k < sn && s[k] == '/')
					break;
			}
			return 0;
		}
		if (si >= sn)
			return 0;
		if (c == '?') {
			if (s[si] == '/')
				return 0;
		} else {
			if (c == '\\' && pi + 1 < pn)
				c = p[++pi];
			if (s[si] != c)
				return 0;
		}
		pi++;
		si++;
	}
	return si == sn;
}

int orgmri_codeowners_match(const char *pattern, size_t plen,
                            const char *path)
{
	const char *p = pattern;
	size_t pn = plen;
	int dir_only = 0;
	while (pn > 0 && p[pn - 1] == '/') {
		pn--;
		dir_only = 1;
	}
	int anchored = memchr(p, '/', pn) != NULL;
	while (pn > 0 && *p == '/') {
		p++;
		pn--;
	}
	if (pn == 0)
		return dir_only;   /* "/" alone: the root folder, every file */
	/* a last segment of exactly "*" matches direct files only */
	int star_last = pn >= 1 && p[pn - 1] == '*' &&
	                (pn == 1 || p[pn - 2] == '/');
	size_t sn = strlen(path);
	long budget = ORGMRI_GLOB_STEPS;
	/* candidates: the whole path (a file; not for dir_only), then each
	 * leading folder (not when the last segment is "*"); an unanchored
	 * pattern may start at any segment */
	for (size_t start = 0; start <= sn;) {
		const char *s = path + start;
		size_t rest = sn - start;
		if (!dir_only && glob(p, pn, s, rest, &budget))
			return 1;
		for (size_t k = 0; !star_last && k < rest; k++)
			if (s[k] == '/' && glob(p, pn, s, k, &budget))
				return 1;
		if (anchored || budget < 0)
			break;
		const char *slash = memchr(s, '/', rest);
		if (!slash)
			break;
		start = (size_t)(slash - path) + 1;
	}
	return 0;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

int orgmri_codeowners_owner(const char *rules, const char *path, int *line)
{
	int owned = 0, decided = 0, lineno = 0;
	for (const char *l = rules; l && *l;) {
		size_t len = strcspn(l, "\n");
		const char *end = l + len, *q = l;
		lineno++;
		while (q < end && is_space(*q))
			q++;
		if (q < end && *q != '#' && *q != '[' && !(*q == '^' && q[1] == '[')) {
			/* the pattern: up to unescaped white space */
			const char *ps = q;
			while (q < end && !is_space(*q))
				q += (*q == '\\' && q + 1 < end) ? 2 : 1;
			size_t pn = (size_t)(q - ps);
			if (orgmri_codeowners_match(ps, pn, path)) {
				/* owners: tokens before a comment */
				while (q < end && is_space(*q))
					q++;
				owned = q < end && *q != '#';
				decided = lineno;
			}
		}
		l = *end ? end + 1 : end;
	}
	if (line)
		*line = decided;
	return owned;
}

/* The rules text of each repository of the index (NULL: none). */
static int repo_rules(const orgmri_table *t, const files_index *fx,
                      const char **rules, long long *nrepos)
{
	uint32_t act = orgmri_table_activity(t, "codeowners");
	uint32_t k_rules = orgmri_table_attr_key(t, "rules");
	*nrepos = 0;
	if (act == ORGMRI_NONE || k_rules == ORGMRI_NONE)
		return 0;
	for (size_t o = 0; o < t->nobjects; o++) {
		const char *text = NULL;
		/* events are in time order: the last one is the latest */
		for (size_t ev = t->obj_first[o]; ev < t->obj_first[o + 1]; ev++)
			if (t->ev_activity[ev] == act) {
				const char *r = orgmri_table_attr(t, ev, k_rules);
				text = r ? r : "";
			}
		if (!text)
			continue;
		(*nrepos)++;
		size_t len;
		const char *repo = files_key_repo(orgmri_table_object_key(t, o), &len);
		uint32_t id = orgmri_intern_find(&fx->repos, repo, len);
		if (id != ORGMRI_NONE)
			rules[id] = text;
	}
	return *nrepos > 0;
}

int files_owner_coverage(const orgmri_model *m, const files_index *fx,
                         int64_t from, int64_t to, orgmri_owner_coverage *out)
{
	const char **rules = NULL;
	uint8_t *seen = NULL;
	int rc = 0;
	memset(out, 0, sizeof(*out));
	out->share = NAN;
	if (fx->ncommits == 0)
		return 0;
	rules = calloc(fx->repos.count ? fx->repos.count : 1, sizeof(*rules));
	seen = calloc(fx->files.count ? fx->files.count : 1, 1);
	if (!rules || !seen) {
		rc = ORGMRI_ENOMEM;
		goto done;
	}
	if (!repo_rules(m->table, fx, rules, &out->repos))
		goto done;
	out->available = 1;
	for (size_t c = 0; c < fx->ncommits; c++) {
		const files_commit *fc = &fx->commit[c];
		if (fc->merge || fc->time < from || fc->time >= to)
			continue;
		for (uint32_t k = 0; k < fc->n; k++)
			seen[fx->file[fc->first + k]] = 1;
	}
	for (uint32_t f = 0; f < fx->files.count; f++) {
		if (!seen[f])
			continue;
		const char *text = rules[fx->file_repo[f]];
		if (!text) {
			out->files_elsewhere++;
			continue;
		}
		const char *path = strchr(fx->files.names[f], '\n') + 1;
		out->files++;
		out->owned += orgmri_codeowners_owner(text, path, NULL);
	}
	if (out->files)
		out->share = (double)out->owned / (double)out->files;
done:
	free(rules);
	free(seen);
	return rc;
}

int orgmri_owner_coverage_compute(const orgmri_model *m, int64_t from,
                                  int64_t to, orgmri_owner_coverage *out,
                                  orgmri_error *err)
{
	files_index fx;
	int rc = files_build(m, &fx);
	if (!rc)
		rc = files_owner_coverage(m, &fx, from, to, out);
	files_free(&fx);
	if (rc)
		return orgmri_seterr(err, rc, "out of memory computing CODEOWNERS "
		                     "coverage");
	return 0;
}
