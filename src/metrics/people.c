/*
 * people.c - who writes and who reviews: active authors and reviewers per
 * week, PRs and reviews per person, review-load concentration (Gini and
 * top-3 share), review turnaround, cross-team reviews, and the truck
 * factor of Avelino et al. (2016).
 *
 * Aggregates by team by default; per-person rows only when asked, since
 * these figures must not become a surveillance tool.  Definitions
 * (docs/metrics.md, "people"):
 *   PR      a change created (first event) in the window, by its author;
 *   review  the first review activity (commented, changes_requested,
 *           approved) of one reviewer on one change, in the window, by a
 *           human other than the author; one per (reviewer, change);
 *   turnaround  that review's time - the change's ready_for_review (else
 *           opened) time, when not negative;
 *   Gini    over reviews per active reviewer:
 *           G = 2 sum_i i x_(i) / (n sum x) - (n + 1) / n, x sorted, i = 1..n;
 *   cross-team  reviewer's team != author's team (teams from the
 *           configuration), over reviews where both are known.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "metrics/files.h"
#include "orgmri/metrics.h"

/* ---- truck factor ------------------------------------------------------- */

typedef struct touch {
	uint32_t file, author;
	size_t order;
} touch;

static int cmp_touch(const void *a, const void *b)
{
	const touch *x = a, *y = b;
	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

#define DOA_BASE 3.293

/* Decide the authors of one file's touches [lo, hi) (sorted by time) and
 * append an (author, file) pair for each.  slot[] (per author, all zero
 * on entry and on return) finds an author's row; authors/dl/doa have room
 * for hi - lo rows. */
static int file_authors(const touch *tc, size_t lo, size_t hi, uint32_t *slot,
                        uint32_t *authors, uint32_t *dl, double *doa,
                        uint32_t **pairs, size_t *npairs, size_t *cap)
{
	size_t na = 0, total = hi - lo;
	for (size_t k = lo; k < hi; k++) {
		uint32_t a = tc[k].author;
		if (!slot[a]) {
			authors[na] = a;
			dl[na++] = 0;
			slot[a] = (uint32_t)na;
		}
		dl[slot[a] - 1]++;
	}
	double best = -INFINITY;
	for (size_t a = 0; a < na; a++) {
		/* FA: a created the file = made its first change in the data */
		double fa = authors[a] == tc[lo].author ? 1.0 : 0.0;
		double ac = (double)(total - dl[a]);
		doa[a] = DOA_BASE + 1.098 * fa + 0.164 * dl[a] - 0.321 * log(1 + ac);
		if (doa[a] > best)
			best = doa[a];
	}
	int rc = 0;
	for (size_t a = 0; a < na; a++) {
		slot[authors[a]] = 0;
		if (rc || best <= 0 || doa[a] / best <= 0.75 || doa[a] < DOA_BASE)
			continue;
		if (*npairs + 2 > *cap) {
			size_t c = *cap ? *cap * 2 : 256;
			uint32_t *p = orgmri_reallocarray(*pairs, c, sizeof(*p));
			if (!p) {
				rc = ORGMRI_ENOMEM;
				continue;
			}
			*pairs = p;
			*cap = c;
		}
		(*pairs)[(*npairs)++] = authors[a];
		(*pairs)[(*npairs)++] = tc[lo].file;
	}
	return rc;
}

static int greedy(const uint32_t *pairs, size_t npairs, uint32_t nauthors,
                  uint32_t nfiles)
{
	size_t *owned = calloc(nauthors ? nauthors : 1, sizeof(size_t));
	uint32_t *left = calloc(nfiles ? nfiles : 1, sizeof(uint32_t));
	uint8_t *gone = calloc(nauthors ? nauthors : 1, 1);
	int tf = ORGMRI_ENOMEM;
	if (!owned || !left || !gone)
		goto done;
	for (size_t k = 0; k < npairs; k += 2) {
		owned[pairs[k]]++;
		left[pairs[k + 1]]++;
	}
	size_t covered = 0;
	for (uint32_t f = 0; f < nfiles; f++)
		covered += left[f] > 0;
	tf = 0;
	while (nfiles && 2 * covered >= nfiles) {
		uint32_t top = UINT32_MAX;
		for (uint32_t a = 0; a < nauthors; a++)
			if (!gone[a] && owned[a] &&
			    (top == UINT32_MAX || owned[a] > owned[top]))
				top = a;
		if (top == UINT32_MAX)
			break;
		gone[top] = 1;
		tf++;
		for (size_t k = 0; k < npairs; k += 2)
			if (pairs[k] == top && --left[pairs[k + 1]] == 0)
				covered--;
	}
done:
	free(owned);
	free(left);
	free(gone);
	return tf;
}

int orgmri_truck_factor(const uint32_t *author, const uint32_t *file,
                        size_t n, uint32_t nauthors, uint32_t nfiles)
{
	touch *tc = malloc((n ? n : 1) * sizeof(*tc));
	uint32_t *authors = malloc((n ? n : 1) * sizeof(uint32_t));
	uint32_t *dl = malloc((n ? n : 1) * sizeof(uint32_t));
	double *doa = malloc((n ? n : 1) * sizeof(double));
	uint32_t *slot = calloc(nauthors ? nauthors : 1, sizeof(uint32_t));
	uint32_t *pairs = NULL;
	size_t npairs = 0, cap = 0;
	int rc = ORGMRI_ENOMEM;
	if (!tc || !authors || !dl || !doa || !slot)
		goto done;
	for (size_t k = 0; k < n; k++) {
		if (author[k] >= nauthors || file[k] >= nfiles) {
			rc = ORGMRI_EINVAL;
			goto done;
		}
		tc[k] = (touch){ file[k], author[k], k };
	}
	qsort(tc, n, sizeof(*tc), cmp_touch);
	rc = 0;
	for (size_t lo = 0; lo < n && !rc;) {
		size_t hi = lo;
		while (hi < n && tc[hi].file == tc[lo].file)
			hi++;
		rc = file_authors(tc, lo, hi, slot, authors, dl, doa, &pairs,
		                  &npairs, &cap);
		lo = hi;
	}
	/* files nobody touched do not count */
	if (!rc) {
		uint32_t used = 0;
		for (size_t k = 0; k < n; k++)
			if (k == 0 || tc[k].file != tc[k - 1].file)
				used++;
		/* renumber files densely for the coverage count */
		uint32_t *dense = calloc(nfiles ? nfiles : 1, sizeof(uint32_t));
		if (!dense) {
			rc = ORGMRI_ENOMEM;
			goto done;
		}
		uint32_t next = 0;
		for (size_t k = 0; k < n; k++)
			if (k == 0 || tc[k].file != tc[k - 1].file)
				dense[tc[k].file] = next++;
		for (size_t k = 1; k < npairs; k += 2)
			pairs[k] = dense[pairs[k]];
		free(dense);
		rc = greedy(pairs, npairs, nauthors, used);
	}
done:
	free(tc);
	free(authors);
	free(dl);
	free(doa);
	free(slot);
	free(pairs);
	return rc;
}

/* One touch of the truck factor: a file changed by a commit. */
typedef struct tt {
	int64_t time;
	uint32_t commit, author, file;
} tt;

static int cmp_tt(const void *a, const void *b)
{
	const tt *x = a, *y = b;
	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	if (x->commit != y->commit)
		return x->commit < y->commit ? -1 : 1;
	return x->file < y->file ? -1 : x->file > y->file;
}

/* Touches of the non-merge commits authored before `until` (of `repo`
 * when given), in time order; files renumbered densely. */
static int collect_touches(const files_index *fx, int64_t until,
                           const char *repo, tt **out, size_t *nout)
{
	uint32_t want = ORGMRI_NONE;
	if (repo && (want = orgmri_intern_find(&fx->repos, repo,
	                                       strlen(repo))) == ORGMRI_NONE) {
		*out = NULL;
		*nout = 0;
		return 0;
	}
	size_t n = 0;
	for (size_t c = 0; c < fx->ncommits; c++) {
		const files_commit *fc = &fx->commit[c];
		if (!fc->merge && fc->time < until &&
		    (want == ORGMRI_NONE || fc->repo == want))
			n += fc->n;
	}
	tt *v = malloc((n ? n : 1) * sizeof(*v));
	if (!v)
		return ORGMRI_ENOMEM;
	n = 0;
	for (size_t c = 0; c < fx->ncommits; c++) {
		const files_commit *fc = &fx->commit[c];
		if (fc->merge || fc->time >= until ||
		    (want != ORGMRI_NONE && fc->repo != want))
			continue;
		for (uint32_t k = 0; k < fc->n; k++)
			v[n++] = (tt){ fc->time, (uint32_t)c, fc->author,
			               fx->file[fc->first + k] };
	}
	qsort(v, n, sizeof(*v), cmp_tt);
	*out = v;
	*nout = n;
	return 0;
}

typedef struct named {
	const char *name;
	uint32_t person;
} named;

static int cmp_named(const void *a, const void *b)
{
	const named *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : (x->person < y->person ? -1 : x->person > y->person);
}

/* rank[p] = position of person p in byte order of names, so that the
 * greedy removal's ties (equal file counts) go to the name first in byte
 * order, whatever order the store met the people in. */
static uint32_t *name_ranks(const orgmri_table *t)
{
	size_t np = t->npeople ? t->npeople : 1;
	named *order = malloc(np * sizeof(*order));
	uint32_t *rank = malloc(np * sizeof(uint32_t));
	if (!order || !rank) {
		free(order);
		free(rank);
		return NULL;
	}
	for (size_t p = 0; p < t->npeople; p++)
		order[p] = (named){ t->person_names[p], (uint32_t)p };
	qsort(order, t->npeople, sizeof(*order), cmp_named);
	for (size_t k = 0; k < t->npeople; k++)
		rank[order[k].person] = (uint32_t)k;
	free(order);
	return rank;
}

int files_truck_factor(const orgmri_model *m, const files_index *fx,
                       int64_t until, const char *repo, int *tf,
                       long long *nfiles)
{
	tt *v = NULL;
	size_t n = 0;
	uint32_t *au = NULL, *fi = NULL, *dense = NULL, *rank = NULL;
	int rc = 0;
	*tf = -1;
	*nfiles = 0;
	if (fx->ncommits == 0)
		goto done;
	if ((rc = collect_touches(fx, until, repo, &v, &n)))
		goto done;
	au = malloc((n ? n : 1) * sizeof(uint32_t));
	fi = malloc((n ? n : 1) * sizeof(uint32_t));
	dense = malloc((fx->files.count ? fx->files.count : 1) * sizeof(uint32_t));
	rank = name_ranks(m->table);
	if (!au || !fi || !dense || !rank) {
		rc = ORGMRI_ENOMEM;
		goto done;
	}
	for (uint32_t f = 0; f < fx->files.count; f++)
		dense[f] = ORGMRI_NONE;
	uint32_t used = 0;
	for (size_t i = 0; i < n; i++) {
		if (dense[v[i].file] == ORGMRI_NONE)
			dense[v[i].file] = used++;
		au[i] = rank[v[i].author];
		fi[i] = dense[v[i].file];
	}
	int r = orgmri_truck_factor(au, fi, n, (uint32_t)m->table->npeople, used);
	if (r < 0) {
		rc = r;
		goto done;
	}
	*tf = r;
	*nfiles = used;
done:
	free(v);
	free(au);
	free(fi);
	free(dense);
	free(rank);
	return rc;
}

int orgmri_truck_factor_of(const orgmri_model *m, int64_t until,
                           const char *repo, int *tf, long long *nfiles,
                           orgmri_error *err)
{
	files_index fx;
	*tf = -1;
	*nfiles = 0;
	int rc = files_build(m, &fx);
	if (!rc)
		rc = files_truck_factor(m, &fx, until, repo, tf, nfiles);
	files_free(&fx);
	if (rc)
		return orgmri_seterr(err, rc, "out of memory computing the truck "
		                     "factor");
	return 0;
}

/* ---- reviews ------------------------------------------------------------ */

typedef struct review {
	uint32_t reviewer, author;
	int64_t time;
	double turnaround;      /* ms, NaN when unknown */
} review;

typedef struct rv_vec {
	review *v;
	size_t n, cap;
} rv_vec;

static int rv_push(rv_vec *r, review x)
{
	if (r->n == r->cap) {
		size_t c = r->cap ? r->cap * 2 : 1024;
		review *v = orgmri_reallocarray(r->v, c, sizeof(*v));
		if (!v)
			return ORGMRI_ENOMEM;
		r->v = v;
		r->cap = c;
	}
	r->v[r->n++] = x;
	return 0;
}

static int collect_reviews(const orgmri_model *m, const orgmri_filter *f,
                           int64_t lo, int64_t hi, rv_vec *out)
{
	const orgmri_table *t = m->table;
	uint32_t acts[3] = { orgmri_table_activity(t, "commented"),
	                     orgmri_table_activity(t, "changes_requested"),
	                     orgmri_table_activity(t, "approved") };
	uint32_t a_ready = orgmri_table_activity(t, "ready_for_review");
	uint32_t a_open = orgmri_table_activity(t, "opened");
	for (size_t i = 0; i < m->nitems; i++) {
		if (!orgmri_filter_item(m, f, i))
			continue;
		uint32_t o = m->item[i], author = m->item_author[i];
		size_t first = t->obj_first[o], last = t->obj_first[o + 1];
		int64_t ready = ORGMRI_NO_TIME, opened = ORGMRI_NO_TIME;
		for (size_t ev = first; ev < last; ev++) {
			if (t->ev_activity[ev] == a_ready && ready == ORGMRI_NO_TIME)
				ready = t->ev_time[ev];
			if (t->ev_activity[ev] == a_open && opened == ORGMRI_NO_TIME)
				opened = t->ev_time[ev];
		}
		int64_t start = ready != ORGMRI_NO_TIME ? ready : opened;
		size_t mark = out->n;
		for (size_t ev = first; ev < last; ev++) {
			uint32_t a = t->ev_activity[ev], who = t->ev_actor[ev];
			if (a == ORGMRI_NONE || (a != acts[0] && a != acts[1] &&
			                         a != acts[2]))
				continue;
			if (!who || who == author || t->person_bot[who])
				continue;
			int seen = 0;
			for (size_t k = mark; k < out->n && !seen; k++)
				seen = out->v[k].reviewer == who;
			/* a reviewer's first review of this change is the one; it
			 * counts when it falls in the window */
			if (seen)
				continue;
			review r = { who, author, t->ev_time[ev], NAN };
			if (start != ORGMRI_NO_TIME && r.time >= start)
				r.turnaround = (double)(r.time - start);
			if (rv_push(out, r))
				return ORGMRI_ENOMEM;
		}
		/* drop this change's reviews outside the window */
		size_t w = mark;
		for (size_t k = mark; k < out->n; k++)
			if (out->v[k].time >= lo && out->v[k].time < hi)
				out->v[w++] = out->v[k];
		out->n = w;
	}
	return 0;
}

static int cmp_ll_desc(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return x > y ? -1 : x < y;
}

/* Gini and top-3 share of per-reviewer review counts. */
static void concentration(const long long *per, size_t npeople, double *gini,
                          double *top3)
{
	long long *x = malloc((npeople ? npeople : 1) * sizeof(long long));
	size_t n = 0;
	double sum = 0;
	*gini = *top3 = NAN;
	if (!x)
		return;
	for (size_t p = 0; p < npeople; p++)
		if (per[p] > 0) {
			x[n++] = per[p];
			sum += (double)per[p];
		}
	if (n > 0 && sum > 0) {
		qsort(x, n, sizeof(*x), cmp_ll_desc);
		double weighted = 0, top = 0;
		for (size_t i = 0; i < n; i++) {
			/* ascending rank of x[i] is n - i */
			weighted += (double)(n - i) * (double)x[i];
			if (i < 3)
				top += (double)x[i];
		}
		*gini = 2 * weighted / ((double)n * sum) - ((double)n + 1) / (double)n;
		*top3 = top / sum;
	}
	free(x);
}

/* ---- assembly ----------------------------------------------------------- */

static const char *team_of(const orgmri_model *m, uint32_t p)
{
	const char *t = orgmri_model_person_team(m, p);
	return t ? t : "(none)";
}

static double median_of(double *v, size_t n)
{
	orgmri_summary s;
	orgmri_summarize(v, n, ORGMRI_STAT_MEDIAN, &s);
	return s.p50;
}

static int add_teams(const orgmri_model *m, orgmri_people *r,
                     const long long *prs, const long long *revs,
                     const rv_vec *rv)
{
	size_t np = m->table->npeople;
	r->teams = calloc(np ? np : 1, sizeof(*r->teams));
	double *tv = malloc((rv->n ? rv->n : 1) * sizeof(double));
	if (!r->teams || !tv) {
		free(tv);
		return ORGMRI_ENOMEM;
	}
	for (size_t p = 0; p < np; p++) {
		if (!prs[p] && !revs[p])
			continue;
		const char *team = team_of(m, (uint32_t)p);
		size_t k;
		for (k = 0; k < r->nteams && strcmp(r->teams[k].team, team); k++)
			;
		if (k == r->nteams) {
			r->teams[k].team = team;
			r->nteams++;
		}
		orgmri_team_stats *ts = &r->teams[k];
		ts->authors += prs[p] > 0;
		ts->reviewers += revs[p] > 0;
		ts->prs += prs[p];
		ts->reviews += revs[p];
	}
	for (size_t k = 0; k < r->nteams; k++) {
		orgmri_team_stats *ts = &r->teams[k];
		size_t n = 0;
		for (size_t i = 0; i < rv->n; i++)
			if (!isnan(rv->v[i].turnaround) &&
			    strcmp(team_of(m, rv->v[i].reviewer), ts->team) == 0)
				tv[n++] = rv->v[i].turnaround;
		ts->turnaround_p50 = median_of(tv, n);
		ts->review_share = r->reviews ? (double)ts->reviews /
		                                (double)r->reviews : NAN;
	}
	free(tv);
	return 0;
}

static int add_people(const orgmri_model *m, orgmri_people *r,
                      const long long *prs, const long long *revs,
                      const long long *cross, const rv_vec *rv)
{
	size_t np = m->table->npeople;
	r->people = calloc(np ? np : 1, sizeof(*r->people));
	/* turnarounds bucketed by reviewer (counting sort), so that each
	 * person's median costs only their own reviews */
	size_t *first = calloc(np + 1, sizeof(size_t));
	double *tv = malloc((rv->n ? rv->n : 1) * sizeof(double));
	size_t *fill = calloc(np + 1, sizeof(size_t));
	int rc = ORGMRI_ENOMEM;
	if (!r->people || !first || !tv || !fill)
		goto done;
	for (size_t i = 0; i < rv->n; i++)
		if (!isnan(rv->v[i].turnaround))
			first[rv->v[i].reviewer + 1]++;
	for (size_t p = 0; p < np; p++)
		first[p + 1] += first[p];
	for (size_t i = 0; i < rv->n; i++) {
		uint32_t who = rv->v[i].reviewer;
		if (!isnan(rv->v[i].turnaround))
			tv[first[who] + fill[who]++] = rv->v[i].turnaround;
	}
	for (size_t p = 0; p < np; p++) {
		if (!prs[p] && !revs[p])
			continue;
		orgmri_person *x = &r->people[r->npeople++];
		x->person = (uint32_t)p;
		x->team = orgmri_model_person_team(m, (uint32_t)p);
		x->prs = prs[p];
		x->reviews = revs[p];
		x->cross_team = cross[p];
		x->turnaround_p50 = median_of(tv + first[p], first[p + 1] - first[p]);
	}
	rc = 0;
done:
	free(first);
	free(fill);
	free(tv);
	return rc;
}

static int add_weeks(const orgmri_model *m, const orgmri_filter *f,
                     orgmri_people *r, const rv_vec *rv)
{
	if (r->until <= r->since)
		return 0;
	int64_t w0 = orgmri_week_start(r->since);
	size_t nw = (size_t)((r->until - 1 - w0) / (7 * 86400000LL)) + 1;
	size_t np = m->table->npeople;
	if (nw > 5000 || (double)nw * (double)np > 5e7)
		return 0;   /* too large for the bitmap; documented */
	uint8_t *seen = calloc(nw * (np ? np : 1), 1);
	r->weeks = calloc(nw, sizeof(*r->weeks));
	if (!seen || !r->weeks) {
		free(seen);
		return ORGMRI_ENOMEM;
	}
	r->nweeks = nw;
	for (size_t w = 0; w < nw; w++)
		r->weeks[w].week = w0 + (int64_t)w * 7 * 86400000LL;
	for (size_t i = 0; i < m->nitems; i++) {
		int64_t c = m->item_created[i];
		if (!orgmri_filter_item(m, f, i) || c < r->since || c >= r->until)
			continue;
		size_t w = (size_t)((c - w0) / (7 * 86400000LL));
		r->weeks[w].prs++;
		uint8_t *s = &seen[w * np + m->item_author[i]];
		r->weeks[w].authors += !(*s & 1);
		*s |= 1;
	}
	for (size_t k = 0; k < rv->n; k++) {
		size_t w = (size_t)((rv->v[k].time - w0) / (7 * 86400000LL));
		r->weeks[w].reviews++;
		uint8_t *s = &seen[w * np + rv->v[k].reviewer];
		r->weeks[w].reviewers += !(*s & 2);
		*s |= 2;
	}
	free(seen);
	return 0;
}

int orgmri_people_compute(const orgmri_model *m, const orgmri_filter *f,
                          int per_person, orgmri_people **out,
                          orgmri_error *err)
{
	orgmri_filter all = ORGMRI_FILTER_INIT;
	if (!f)
		f = &all;
	*out = NULL;
	size_t np = m->table->npeople ? m->table->npeople : 1;
	orgmri_people *r = calloc(1, sizeof(*r));
	long long *prs = calloc(np, sizeof(long long));
	long long *revs = calloc(np, sizeof(long long));
	long long *cross = calloc(np, sizeof(long long));
	rv_vec rv = { 0 };
	double *tv = NULL;
	int rc = ORGMRI_ENOMEM;
	if (!r || !prs || !revs || !cross)
		goto done;
	snprintf(r->conventions, sizeof(r->conventions),
	         "review=first review per (reviewer, change) by a human non-author; "
	         "turnaround=ready|opened->review; teams from team.<name>.member; "
	         "view=%s", per_person ? "per-person" : "by-team");
	orgmri_filter_window(m, f, &r->since, &r->until);
	for (size_t i = 0; i < m->nitems; i++) {
		int64_t c = m->item_created[i];
		if (orgmri_filter_item(m, f, i) && c >= r->since && c < r->until &&
		    m->item_author[i]) {
			prs[m->item_author[i]]++;
			r->prs++;
		}
	}
	if ((rc = collect_reviews(m, f, r->since, r->until, &rv)))
		goto done;
	long long both = 0, across = 0;
	tv = malloc((rv.n ? rv.n : 1) * sizeof(double));
	if (!tv) {
		rc = ORGMRI_ENOMEM;
		goto done;
	}
	size_t ntv = 0;
	for (size_t k = 0; k < rv.n; k++) {
		revs[rv.v[k].reviewer]++;
		const char *a = orgmri_model_person_team(m, rv.v[k].author);
		const char *b = orgmri_model_person_team(m, rv.v[k].reviewer);
		if (a && b) {
			both++;
			if (strcmp(a, b) != 0) {
				across++;
				cross[rv.v[k].reviewer]++;
			}
		}
		if (!isnan(rv.v[k].turnaround))
			tv[ntv++] = rv.v[k].turnaround;
	}
	r->reviews = (long long)rv.n;
	orgmri_summarize(tv, ntv, ORGMRI_STAT_MEDIAN, &r->turnaround);
	for (size_t p = 0; p < np; p++) {
		r->authors += prs[p] > 0;
		r->reviewers += revs[p] > 0;
	}
	r->prs_per_author = r->authors ? (double)r->prs / (double)r->authors : NAN;
	r->reviews_per_reviewer = r->reviewers
		? (double)r->reviews / (double)r->reviewers : NAN;
	r->cross_team_share = both ? (double)across / (double)both : NAN;
	concentration(revs, np, &r->review_gini, &r->top3_share);
	/* authorship accumulates over the whole history up to the window's
	 * end (Avelino et al. use the full history) */
	if ((rc = orgmri_truck_factor_of(m, r->until, f->repo, &r->truck_factor,
	                                 &r->tf_files, err)))
		goto done;
	if ((rc = add_teams(m, r, prs, revs, &rv)) ||
	    (per_person && (rc = add_people(m, r, prs, revs, cross, &rv))) ||
	    (rc = add_weeks(m, f, r, &rv)))
		goto done;
	rc = 0;
done:
	free(prs);
	free(revs);
	free(cross);
	free(rv.v);
	free(tv);
	if (rc) {
		orgmri_people_free(r);
		return orgmri_seterr(err, rc, "out of memory computing people");
	}
	*out = r;
	return 0;
}

void orgmri_people_free(orgmri_people *p)
{
	if (!p)
		return;
	free(p->weeks);
	free(p->teams);
	free(p->people);
	free(p);
}
