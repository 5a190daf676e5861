/*
 * series.c - the time series behind the report's charts: weekly lead time,
 * deployments and merges; the cumulative flow through the stages; the
 * cycle-time scatter; review load per reviewer.  Same model, same
 * periods and the same definitions as the diagnosis (docs/diagnosis.md).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "diagnose/stats.h"
#include "orgmri/diagnose.h"
#include "orgmri/metrics.h"

#define MS_H 3600000.0
#define MS_DAY 86400000LL
#define MS_WEEK (7 * MS_DAY)
#define MAX_SAMPLES 400

void orgmri_diag_series_free(orgmri_diag_series *s)
{
	free(s->week);
	free(s->lead_p50_h);
	free(s->deploys);
	free(s->merged);
	free(s->sample);
	free(s->flow);
	free(s->done_at);
	free(s->cycle_h);
	free(s->reviews);
	orgmri_map_free(s->map);
	memset(s, 0, sizeof(*s));
}

static int64_t first_of(const orgmri_table *t, uint32_t obj, uint32_t act)
{
	for (size_t e = t->obj_first[obj]; e < t->obj_first[obj + 1]; e++)
		if (t->ev_activity[e] == act)
			return t->ev_time[e];
	return ORGMRI_NO_TIME;
}

/* Start of an item's flow: the start of its first stage with a start. */
static int64_t item_start(const orgmri_model *m, size_t i)
{
	for (size_t s = 0; s < m->nstages; s++) {
		uint8_t st = m->state[i * m->nstages + s];
		if (st == ORGMRI_SPAN_OK || st == ORGMRI_SPAN_OPEN)
			return m->start[i * m->nstages + s];
	}
	return m->item_created[i];
}

static int weekly(const orgmri_table *t, const orgmri_model *m,
                  const orgmri_diagnosis *d, orgmri_diag_series *s)
{
	int64_t w0 = orgmri_week_start(d->before_from);
	int64_t w1 = orgmri_week_start(d->after_to - 1);
	size_t n = (size_t)((w1 - w0) / MS_WEEK) + 1;
	if (n > 5000)
		n = 5000;
	s->nweeks = n;
	s->week = malloc(n * sizeof(int64_t));
	s->lead_p50_h = malloc(n * sizeof(double));
	s->deploys = calloc(n, sizeof(double));
	s->merged = calloc(n, sizeof(double));
	double *lt = malloc((m->nitems + 1) * sizeof(double));
	size_t *wk = malloc((m->nitems + 1) * sizeof(size_t));
	if (!s->week || !s->lead_p50_h || !s->deploys || !s->merged || !lt || !wk) {
		free(lt);
		free(wk);
		return ORGMRI_ENOMEM;
	}
	for (size_t w = 0; w < n; w++)
		s->week[w] = w0 + (int64_t)w * MS_WEEK;
#define WEEK_OF(t_) ((size_t)(((t_) - w0) / MS_WEEK))
	for (size_t k = 0; k < m->ndeployments; k++) {
		const orgmri_deployment *dp = &m->deployments[k];
		if (dp->production && dp->success && dp->finished >= w0 &&
		    WEEK_OF(dp->finished) < n)
			s->deploys[WEEK_OF(dp->finished)]++;
	}
	uint32_t merged = orgmri_table_activity(t, "merged");
	size_t nl = 0;
	for (size_t i = 0; i < m->nitems; i++) {
		int64_t mg = first_of(t, m->item[i], merged);
		if (mg != ORGMRI_NO_TIME && mg >= w0 && WEEK_OF(mg) < n)
			s->merged[WEEK_OF(mg)]++;
		int64_t dep = m->item_deployed[i];
		if (dep != ORGMRI_NO_TIME && dep >= w0 && WEEK_OF(dep) < n) {
			wk[nl] = WEEK_OF(dep);
			lt[nl++] = (double)(dep - item_start(m, i)) / MS_H;
		}
	}
	/* median per week: gather each week's values */
	double *buf = malloc((nl + 1) * sizeof(double));
	if (!buf) {
		free(lt);
		free(wk);
		return ORGMRI_ENOMEM;
	}
	for (size_t w = 0; w < n; w++) {
		size_t k = 0;
		for (size_t j = 0; j < nl; j++)
			if (wk[j] == w)
				buf[k++] = lt[j];
		orgmri_sort_doubles(buf, k);
		s->lead_p50_h[w] = k ? orgmri_quantile(buf, k, 0.5) : NAN;
	}
#undef WEEK_OF
	free(buf);
	free(lt);
	free(wk);
	return 0;
}

/* Cumulative flow by difference arrays: each item contributes +1/-1 at
 * the samples where it enters and leaves each state. */
static int flow(const orgmri_model *m, const orgmri_diagnosis *d,
                orgmri_diag_series *s)
{
	int64_t from = d->before_from, to = d->after_to;
	int64_t step = (to - from) / MAX_SAMPLES;
	if (step < MS_DAY)
		step = MS_DAY;
	size_t n = (size_t)((to - from) / step) + 1;
	size_t ns = m->nstages < ORGMRI_DIAG_MAX_STAGES ? m->nstages
	                                                : ORGMRI_DIAG_MAX_STAGES;
	s->nsamples = n;
	s->nflow = ns + 1;
	s->sample = malloc(n * sizeof(int64_t));
	s->flow = calloc(s->nflow * (n + 1), sizeof(double));
	if (!s->sample || !s->flow)
		return ORGMRI_ENOMEM;
	for (size_t i = 0; i < n; i++)
		s->sample[i] = from + (int64_t)i * step;
	for (size_t k = 0; k < ns; k++)
		s->flow_names[k] = m->stream.stages[k].name;
	s->flow_names[ns] = "done";
	/* first sample index at or after t */
#define AT(t_) ((t_) <= from ? 0 : (size_t)(((t_) - from + step - 1) / step))
	for (size_t i = 0; i < m->nitems; i++) {
		int64_t prev_t = ORGMRI_NO_TIME;
		size_t prev_state = 0;
		int64_t last_end = ORGMRI_NO_TIME;
		for (size_t k = 0; k < ns; k++) {
			size_t cell = i * m->nstages + k;
			uint8_t st = m->state[cell];
			if (st != ORGMRI_SPAN_OK && st != ORGMRI_SPAN_OPEN)
				continue;
			int64_t start = m->start[cell];
			if (prev_t != ORGMRI_NO_TIME && start > prev_t) {
				size_t a = AT(prev_t), b = AT(start);
				if (a < n) {
					s->flow[prev_state * (n + 1) + a] += 1;
					s->flow[prev_state * (n + 1) + (b < n ? b : n)] -= 1;
				}
			}
			if (prev_t == ORGMRI_NO_TIME || start > prev_t) {
				prev_t = start;
				prev_state = k;
			}
			if (st == ORGMRI_SPAN_OK && (last_end == ORGMRI_NO_TIME ||
			                             m->end[cell] > last_end))
				last_end = m->end[cell];
		}
		if (prev_t == ORGMRI_NO_TIME)
			continue;
		int done = m->item_done[i] != ORGMRI_NO_TIME;
		int64_t until = done && last_end != ORGMRI_NO_TIME && last_end > prev_t
		                ? last_end : (done ? prev_t : to);
		size_t a = AT(prev_t), b = AT(until);
		if (a < n) {
			s->flow[prev_state * (n + 1) + a] += 1;
			s->flow[prev_state * (n + 1) + (b < n ? b : n)] -= 1;
		}
		if (done && b < n)
			s->flow[ns * (n + 1) + b] += 1;   /* done from then on */
	}
#undef AT
	/* prefix sums turn the differences into counts; compact rows to n */
	for (size_t k = 0; k < s->nflow; k++) {
		double run = 0;
		for (size_t i = 0; i < n; i++) {
			run += s->flow[k * (n + 1) + i];
			s->flow[k * n + i] = run;
		}
	}
	return 0;
}

static int scatter(const orgmri_model *m, const orgmri_table *t,
                   const orgmri_diagnosis *d, orgmri_diag_series *s)
{
	uint32_t merged = orgmri_table_activity(t, "merged");
	s->done_at = malloc((m->nitems + 1) * sizeof(int64_t));
	s->cycle_h = malloc((m->nitems + 1) * sizeof(double));
	double *sorted = malloc((m->nitems + 1) * sizeof(double));
	if (!s->done_at || !s->cycle_h || !sorted) {
		free(sorted);
		return ORGMRI_ENOMEM;
	}
	for (size_t i = 0; i < m->nitems; i++) {
		int64_t end = m->item_deployed[i];
		if (end == ORGMRI_NO_TIME)
			end = first_of(t, m->item[i], merged);
		if (end == ORGMRI_NO_TIME || end < d->before_from ||
		    end >= d->after_to)
			continue;
		int64_t start = item_start(m, i);
		if (end < start)
			continue;
		s->done_at[s->npoints] = end;
		s->cycle_h[s->npoints] = (double)(end - start) / MS_H;
		sorted[s->npoints] = s->cycle_h[s->npoints];
		s->npoints++;
	}
	orgmri_sort_doubles(sorted, s->npoints);
	s->p50 = orgmri_quantile(sorted, s->npoints, 0.50);
	s->p85 = orgmri_quantile(sorted, s->npoints, 0.85);
	s->p95 = orgmri_quantile(sorted, s->npoints, 0.95);
	free(sorted);
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static int cmp_desc(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x > y ? -1 : x < y;
}

static int review_load(const orgmri_table *t, const orgmri_model *m,
                       const orgmri_diagnosis *d, orgmri_diag_series *s)
{
	uint32_t acts[] = { orgmri_table_activity(t, "approved"),
	                    orgmri_table_activity(t, "changes_requested"),
	                    orgmri_table_activity(t, "commented") };
	size_t cap = 1024, n = 0;
	uint32_t *who = malloc(cap * sizeof(*who));
	if (!who)
		return ORGMRI_ENOMEM;
	for (size_t i = 0; i < m->nitems; i++) {
		if (m->item_created[i] < d->after_from ||
		    m->item_created[i] >= d->after_to)
			continue;
		uint32_t o = m->item[i];
		for (size_t e = t->obj_first[o]; e < t->obj_first[o + 1]; e++) {
			uint32_t a = t->ev_activity[e], p = t->ev_actor[e];
			if ((a != acts[0] && a != acts[1] && a != acts[2]) || !p ||
			    p == m->item_author[i] || t->person_bot[p])
				continue;
			if (n == cap) {
				uint32_t *w = realloc(who, (cap *= 2) * sizeof(*w));
				if (!w) {
					free(who);
					return ORGMRI_ENOMEM;
				}
				who = w;
			}
			who[n++] = p;
		}
	}
	qsort(who, n, sizeof(*who), cmp_u32);
	s->reviews = malloc((n + 1) * sizeof(double));
	if (!s->reviews) {
		free(who);
		return ORGMRI_ENOMEM;
	}
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && who[j] == who[i])
			j++;
		s->reviews[s->nreviewers++] = (double)(j - i);
		i = j;
	}
	qsort(s->reviews, s->nreviewers, sizeof(double), cmp_desc);
	free(who);
	return 0;
}

/* The process map of the items created in the two periods. */
static int process_map(const orgmri_table *t, const orgmri_model *m,
                       const orgmri_diagnosis *d, orgmri_diag_series *s,
                       orgmri_error *err)
{
	if (m->nitems == 0)
		return 0;
	uint32_t *objs = malloc(m->nitems * sizeof(*objs));
	if (!objs)
		return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	size_t n = 0;
	for (size_t i = 0; i < m->nitems; i++)
		if (m->item_created[i] >= d->before_from &&
		    m->item_created[i] < d->after_to)
			objs[n++] = m->item[i];
	orgmri_map_options o = ORGMRI_MAP_OPTIONS_INIT;
	o.objects = objs;
	o.nobjects = n;
	int rc = orgmri_map_build(t, &o, &s->map, err);
	free(objs);
	return rc;
}

int orgmri_diag_series_compute(const orgmri_table *t, const orgmri_model *m,
                               const orgmri_diagnosis *d,
                               orgmri_diag_series *out, orgmri_error *err)
{
	memset(out, 0, sizeof(*out));
	int rc;
	if ((rc = weekly(t, m, d, out)) || (rc = flow(m, d, out)) ||
	    (rc = scatter(m, t, d, out)) || (rc = review_load(t, m, d, out))) {
		orgmri_diag_series_free(out);
		return orgmri_seterr(err, rc, "out of memory for the report's "
		                     "series");
	}
	if ((rc = process_map(t, m, d, out, err)))
		orgmri_diag_series_free(out);
	return rc;
}
