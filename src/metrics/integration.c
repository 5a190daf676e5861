/*
 * integration.c - integration pain (docs/metrics.md, "Files changed"):
 *
 * (a) overlapping changes: change X overlaps change Y when their open
 *     intervals intersect (closed intervals: start_X <= end_Y and
 *     start_Y <= end_X) and their file sets share a file.  The share is
 *     picked changes with a file set that overlap at least one other
 *     change (picked or not) / picked changes with a file set.
 *       open interval: start = the change's first `opened` event, else
 *       the earliest `authored` time of its commits (git-only changes:
 *       work in progress), else its first event; end = when it was done
 *       (merged / closed), else `open_end`; an end before the start is
 *       moved to the start.
 *       file set: the files of its non-merge commits; when none of those
 *       carries `paths`, the files of its merge commits (a merge's
 *       first-parent diff is what the change brought in).
 * (b) base-branch merges: a commit of the change (contains / belongs_to)
 *     that is a merge (parents >= 2 or merge=true), is not the change's
 *     own merge commit (the `merge_commit` attribute of its `merged`
 *     event), and whose title starts "Merge branch 'B'" or "Merge
 *     remote-tracking branch 'R/B'" for the change's base branch B
 *     (attribute `base`, else `target_branch`; unknown: main, master,
 *     develop, development or trunk).  The share is picked changes with
 *     such a merge / picked changes with a commit whose parent count is
 *     known (a `parents` or `merge` attribute).
 * Per file, intervals sorted by start make both directions of (a) one
 * pass: an interval overlaps an earlier one iff the largest end before it
 * reaches its start, and a later one iff the next start is within it.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "metrics/files.h"
#include "model/internal.h"
#include "orgmri/metrics.h"

static const char *const default_bases[] = {
	"main", "master", "develop", "development", "trunk"
};

/* "Merge branch 'X'..." / "Merge remote-tracking branch 'X'...": X. */
static const char *merged_branch(const char *title, size_t *len)
{
	static const char *const prefixes[] = {
		"Merge branch '", "Merge remote-tracking branch '"
	};
	for (size_t i = 0; title && i < 2; i++) {
		size_t pl = strlen(prefixes[i]);
		if (strncmp(title, prefixes[i], pl) == 0) {
			const char *x = title + pl, *q = strchr(x, '\'');
			if (!q)
				return NULL;
			*len = (size_t)(q - x);
			return x;
		}
	}
	return NULL;
}

/* Branch name x[0..n) is base b, or REMOTE/b. */
static int names_base(const char *x, size_t n, const char *b)
{
	size_t bl = strlen(b);
	if (n == bl && memcmp(x, b, n) == 0)
		return 1;
	return n > bl && x[n - bl - 1] == '/' && memcmp(x + n - bl, b, bl) == 0;
}

int orgmri_is_base_merge(const char *title, const char *base)
{
	size_t n;
	const char *x = merged_branch(title, &n);
	if (!x)
		return 0;
	if (base && *base)
		return names_base(x, n, base);
	for (size_t i = 0; i < sizeof(default_bases) / sizeof(*default_bases); i++)
		if (names_base(x, n, default_bases[i]))
			return 1;
	return 0;
}

typedef struct ids {
	uint32_t opened, authored, merged;
	uint32_t k_base, k_target, k_merge_commit, k_parents, k_merge, k_title;
} ids;

static const char *item_attr(const orgmri_table *t, uint32_t o, uint32_t key)
{
	for (size_t ev = t->obj_first[o]; key != ORGMRI_NONE &&
	                                  ev < t->obj_first[o + 1]; ev++) {
		const char *v = orgmri_table_attr(t, ev, key);
		if (v && *v)
			return v;
	}
	return NULL;
}

/* (b) for item i: sets *known when a commit's parent count is known;
 * returns the number of base-branch merges. */
static long long base_merges(const orgmri_model *m, const ids *k, size_t i,
                             int *known)
{
	const orgmri_table *t = m->table;
	uint32_t o = m->item[i];
	const char *base = item_attr(t, o, k->k_base);
	if (!base)
		base = item_attr(t, o, k->k_target);
	const char *own = NULL;
	for (size_t ev = t->obj_first[o]; ev < t->obj_first[o + 1]; ev++)
		if (t->ev_activity[ev] == k->merged &&
		    (own = orgmri_table_attr(t, ev, k->k_merge_commit)))
			break;
	const uint32_t *cs;
	size_t nc = model_commits(m, o, &cs);
	long long found = 0;
	*known = 0;
	for (size_t j = 0; j < nc; j++) {
		uint32_t c = cs[j];
		int merge = 0, has = 0;
		const char *title = NULL;
		for (size_t ev = t->obj_first[c]; ev < t->obj_first[c + 1]; ev++) {
			const char *p = orgmri_table_attr(t, ev, k->k_parents);
			const char *g = orgmri_table_attr(t, ev, k->k_merge);
			has |= p || g;
			merge |= (p && atol(p) >= 2) ||
			         (g && (strcasecmp(g, "true") == 0 || strcmp(g, "1") == 0));
			if (!title)
				title = orgmri_table_attr(t, ev, k->k_title);
		}
		*known |= has;
		if (!merge)
			continue;
		const char *sha = strchr(orgmri_table_object_key(t, c), '@');
		if (own && sha && strcmp(sha + 1, own) == 0)
			continue;
		found += orgmri_is_base_merge(title, base);
	}
	return found;
}

typedef struct span {
	uint32_t file, item;
	int64_t start, end;
} span;

static int cmp_span(const void *a, const void *b)
{
	const span *x = a, *y = b;
	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->item < y->item ? -1 : x->item > y->item;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* The open interval of item i (see the top of the file). */
static void interval(const orgmri_model *m, const ids *k, size_t i,
                     int64_t open_end, int64_t *start, int64_t *end)
{
	const orgmri_table *t = m->table;
	uint32_t o = m->item[i];
	int64_t s = model_first_time(t, o, k->opened);
	if (s == ORGMRI_NO_TIME) {
		const uint32_t *cs;
		size_t nc = model_commits(m, o, &cs);
		for (size_t j = 0; j < nc; j++) {
			int64_t a = model_first_time(t, cs[j], k->authored);
			if (a != ORGMRI_NO_TIME && (s == ORGMRI_NO_TIME || a < s))
				s = a;
		}
	}
	if (s == ORGMRI_NO_TIME)
		s = m->item_created[i];
	int64_t e = m->item_done[i] != ORGMRI_NO_TIME ? m->item_done[i] : open_end;
	*start = s;
	*end = e < s ? s : e;
}

/* Append item i's file set to *v as spans. */
static int item_spans(const orgmri_model *m, const files_index *fx,
                      const ids *k, size_t i, int64_t open_end, span **v,
                      size_t *n, size_t *cap, uint32_t **tmp, size_t *tcap)
{
	const uint32_t *cs;
	size_t nc = model_commits(m, m->item[i], &cs);
	size_t nt = 0;
	for (int pass = 0; pass < 2 && nt == 0; pass++) {
		for (size_t j = 0; j < nc; j++) {
			uint32_t c = fx->commit_of[cs[j]];
			if (c == ORGMRI_NONE || fx->commit[c].merge != pass)
				continue;
			const files_commit *fc = &fx->commit[c];
			if (nt + fc->n > *tcap) {
				size_t nw = (nt + fc->n) * 2;
				uint32_t *x = orgmri_reallocarray(*tmp, nw, sizeof(*x));
				if (!x)
					return ORGMRI_ENOMEM;
				*tmp = x;
				*tcap = nw;
			}
			memcpy(*tmp + nt, fx->file + fc->first, fc->n * sizeof(uint32_t));
			nt += fc->n;
		}
	}
	if (nt == 0)
		return 0;
	qsort(*tmp, nt, sizeof(uint32_t), cmp_u32);
	int64_t s, e;
	interval(m, k, i, open_end, &s, &e);
	for (size_t j = 0; j < nt; j++) {
		if (j > 0 && (*tmp)[j] == (*tmp)[j - 1])
			continue;
		if (*n == *cap) {
			size_t nw = *cap ? *cap * 2 : 1024;
			span *x = orgmri_reallocarray(*v, nw, sizeof(*x));
			if (!x)
				return ORGMRI_ENOMEM;
			*v = x;
			*cap = nw;
		}
		(*v)[(*n)++] = (span){ (*tmp)[j], (uint32_t)i, s, e };
	}
	return 1;
}

/* Mark every item whose span overlaps another item's span of a file. */
static void mark_overlaps(const span *v, size_t n, uint8_t *hit)
{
	for (size_t lo = 0; lo < n;) {
		size_t hi = lo;
		while (hi < n && v[hi].file == v[lo].file)
			hi++;
		int64_t maxend = INT64_MIN;
		for (size_t j = lo; j < hi; j++) {
			if (j > lo && maxend >= v[j].start)
				hit[v[j].item] = 1;
			if (j + 1 < hi && v[j + 1].start <= v[j].end)
				hit[v[j].item] = 1;
			if (v[j].end > maxend)
				maxend = v[j].end;
		}
		lo = hi;
	}
}

int files_integration(const orgmri_model *m, const files_index *fx,
                      const uint8_t *pick, int64_t open_end,
                      orgmri_integration *out)
{
	const orgmri_table *t = m->table;
	ids k = { orgmri_table_activity(t, "opened"),
	          orgmri_table_activity(t, "authored"),
	          orgmri_table_activity(t, "merged"),
	          orgmri_table_attr_key(t, "base"),
	          orgmri_table_attr_key(t, "target_branch"),
	          orgmri_table_attr_key(t, "merge_commit"),
	          orgmri_table_attr_key(t, "parents"),
	          orgmri_table_attr_key(t, "merge"),
	          orgmri_table_attr_key(t, "title") };
	span *v = NULL;
	uint32_t *tmp = NULL;
	uint8_t *has = NULL, *hit = NULL;
	size_t n = 0, cap = 0, tcap = 0;
	memset(out, 0, sizeof(*out));
	out->overlap_share = out->base_merge_share = NAN;
	int rc = 0;
	if (k.k_parents != ORGMRI_NONE || k.k_merge != ORGMRI_NONE)
		for (size_t i = 0; i < m->nitems; i++) {
			if (!pick[i])
				continue;
			int known;
			long long b = base_merges(m, &k, i, &known);
			out->with_parents += known;
			out->base_merged += known && b > 0;
			out->base_merges += b;
		}
	out->parents_available = out->with_parents > 0;
	if (out->with_parents)
		out->base_merge_share = (double)out->base_merged /
		                        (double)out->with_parents;
	if (fx->ncommits == 0)
		goto done;
	has = calloc(m->nitems ? m->nitems : 1, 1);
	hit = calloc(m->nitems ? m->nitems : 1, 1);
	if (!has || !hit) {
		rc = ORGMRI_ENOMEM;
		goto done;
	}
	for (size_t i = 0; i < m->nitems; i++) {
		int r = item_spans(m, fx, &k, i, open_end, &v, &n, &cap, &tmp, &tcap);
		if (r < 0) {
			rc = r;
			goto done;
		}
		has[i] = (uint8_t)r;
	}
	if (n > 0)
		qsort(v, n, sizeof(*v), cmp_span);
	mark_overlaps(v, n, hit);
	for (size_t i = 0; i < m->nitems; i++) {
		if (!pick[i] || !has[i])
			continue;
		out->with_files++;
		out->overlapping += hit[i];
	}
	out->files_available = out->with_files > 0;
	if (out->with_files)
		out->overlap_share = (double)out->overlapping /
		                     (double)out->with_files;
done:
	free(v);
	free(tmp);
	free(has);
	free(hit);
	return rc;
}

int orgmri_integration_compute(const orgmri_model *m, const uint8_t *pick,
                               int64_t open_end, orgmri_integration *out,
                               orgmri_error *err)
{
	files_index fx;
	int rc = files_build(m, &fx);
	if (!rc)
		rc = files_integration(m, &fx, pick, open_end, out);
	else
		memset(out, 0, sizeof(*out));
	files_free(&fx);
	if (rc)
		return orgmri_seterr(err, rc, "out of memory computing integration "
		                     "pain");
	return 0;
}
