/*
 * summary.c - what every metric family shares: quantiles, the lower
 * median DevLake uses, distribution summaries, the filter over items and
 * deployments, and week arithmetic.
 *
 * Quantiles interpolate linearly between closest ranks (h = (n-1)q,
 * x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h])), which is SQL's
 * PERCENTILE_CONT and R's type 7, so the SQL oracle can compute the same.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "metrics/vec.h"
#include "orgmri/metrics.h"

double orgmri_quantile(const double *v, size_t n, double q)
{
	if (n == 0)
		return NAN;
	double h = (double)(n - 1) * q;
	size_t lo = (size_t)floor(h);
	if (lo + 1 >= n)
		return v[n - 1];
	return v[lo] + (h - (double)lo) * (v[lo + 1] - v[lo]);
}

double orgmri_lower_median(const double *v, size_t n)
{
	return n ? v[(n - 1) / 2] : NAN;
}

void orgmri_summarize(double *v, size_t n, orgmri_statistic st,
                      orgmri_summary *out)
{
	orgmri_sort_doubles(v, n);
	double sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += v[i];
	out->n = (long long)n;
	out->p50 = orgmri_quantile(v, n, 0.50);
	out->p85 = orgmri_quantile(v, n, 0.85);
	out->p95 = orgmri_quantile(v, n, 0.95);
	out->mean = n ? sum / (double)n : NAN;
	out->value = st == ORGMRI_STAT_MEAN ? out->mean
	           : st == ORGMRI_STAT_LOWER_MEDIAN ? orgmri_lower_median(v, n)
	           : out->p50;
}

const char *orgmri_statistic_name(orgmri_statistic st)
{
	static const char *const names[] = { "median", "lower-median", "mean" };
	return (unsigned)st < 3 ? names[st] : "?";
}

void orgmri_filter_window(const orgmri_model *m, const orgmri_filter *f,
                          int64_t *since, int64_t *until)
{
	const orgmri_table *t = m->table;
	int64_t lo = INT64_MAX, hi = INT64_MIN;
	if (f->since == INT64_MIN || f->until == INT64_MAX)
		for (size_t i = 0; i < t->nevents; i++) {
			if (t->ev_time[i] < lo)
				lo = t->ev_time[i];
			if (t->ev_time[i] > hi)
				hi = t->ev_time[i];
		}
	if (lo > hi)
		lo = hi = 0;
	*since = f->since != INT64_MIN ? f->since : lo;
	*until = f->until != INT64_MAX ? f->until : hi + 1;
	if (*until < *since)
		*until = *since;
}

static int same(const char *want, const char *have)
{
	return !want || (have && strcmp(want, have) == 0);
}

int orgmri_filter_item(const orgmri_model *m, const orgmri_filter *f,
                       size_t i)
{
	if (f->cohort == ORGMRI_COHORT_AI && !m->item_ai[i])
		return 0;
	if (f->cohort == ORGMRI_COHORT_OTHER && m->item_ai[i])
		return 0;
	return same(f->repo, m->item_repo[i]) && same(f->team, m->item_team[i]);
}

int orgmri_filter_deployment(const orgmri_filter *f,
                             const orgmri_deployment *d)
{
	if (f->cohort == ORGMRI_COHORT_AI && !d->ai)
		return 0;
	if (f->cohort == ORGMRI_COHORT_OTHER && d->ai)
		return 0;
	return same(f->repo, d->repo) && same(f->team, d->team);
}

int64_t orgmri_week_start(int64_t t)
{
	/* 1970-01-01 was a Thursday: Monday 1969-12-29 is day -3 */
	int64_t day = t >= 0 ? t / 86400000 : -((-t + 86400000 - 1) / 86400000);
	int64_t k = day + 3;
	int64_t w = k >= 0 ? k / 7 : -((-k + 6) / 7);
	return (w * 7 - 3) * 86400000;
}

int dvec_push(dvec *d, double x)
{
	if (d->n == d->cap) {
		size_t c = d->cap ? d->cap * 2 : 64;
		double *v = orgmri_reallocarray(d->v, c, sizeof(*v));
		if (!v)
			return ORGMRI_ENOMEM;
		d->v = v;
		d->cap = c;
	}
	d->v[d->n++] = x;
	return 0;
}
