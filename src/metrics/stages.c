/*
 * stages.c - statistics per value-stream stage: duration quantiles, share
 * of lead time, waiting vs working, arrivals and departures per week,
 * time-weighted work in progress and a Little's-law check.
 *
 * Definitions (docs/metrics.md, "stages"), for a window [S, U):
 *   a span counts when it has a value and ends in [S, U) (a departure);
 *   an arrival is a span start in [S, U);
 *   WIP = sum over spans of |[start, end) ∩ [S, U)| / (U - S), where an
 *         open span (item still open) runs to U; spans that ended without
 *         a value (a missing or negative end) are not in WIP;
 *   little = WIP / (departures / (U - S) * mean duration): 1 when the
 *         window holds whole spans only (Little's law L = lambda W).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "metrics/vec.h"
#include "orgmri/metrics.h"

/* Overlap of [a, b) with [lo, hi) in ms. */
static double overlap(int64_t a, int64_t b, int64_t lo, int64_t hi)
{
	int64_t s = a > lo ? a : lo, e = b < hi ? b : hi;
	return e > s ? (double)(e - s) : 0.0;
}

/* Fill one stats record for stage s over the window [lo, hi). */
static int stage_window(const orgmri_model *m, const orgmri_filter *f,
                        const uint8_t *pass, size_t s, int64_t lo, int64_t hi,
                        orgmri_stage_stats *out)
{
	dvec d = { 0 };
	double wip = 0;
	const orgmri_stage_def *def = &m->stream.stages[s];
	memset(out, 0, sizeof(*out));
	memcpy(out->name, def->name, sizeof(out->name));
	out->kind = def->kind;
	(void)f;
	for (size_t i = 0; i < m->nitems; i++) {
		if (!pass[i])
			continue;
		size_t c = i * m->nstages + s;
		int64_t a = m->start[c], b = m->end[c];
		uint8_t st = m->state[c];
		if (st == ORGMRI_SPAN_NONE && a == ORGMRI_NO_TIME)
			continue;
		if (a >= lo && a < hi && st != ORGMRI_SPAN_NEGATIVE)
			out->arrivals++;
		if (st == ORGMRI_SPAN_NEGATIVE) {
			if (b >= lo && b < hi)
				out->errors++;
			continue;
		}
		if (st == ORGMRI_SPAN_OPEN) {
			if (a < hi)
				out->open++;
			wip += overlap(a, hi, lo, hi);
			continue;
		}
		if (st != ORGMRI_SPAN_OK)
			continue;
		wip += overlap(a, b, lo, hi);
		if (b >= lo && b < hi) {
			out->departures++;
			if (dvec_push(&d, (double)(b - a))) {
				free(d.v);
				return ORGMRI_ENOMEM;
			}
		}
	}
	orgmri_summary sum;
	orgmri_summarize(d.v, d.n, ORGMRI_STAT_MEDIAN, &sum);
	out->n = sum.n;
	out->p50 = sum.p50;
	out->p85 = sum.p85;
	out->p95 = sum.p95;
	out->mean = sum.mean;
	out->total = 0;
	for (size_t i = 0; i < d.n; i++)
		out->total += d.v[i];
	free(d.v);
	double len = (double)(hi - lo);
	double weeks = len / ORGMRI_MS_WEEK;
	out->arrivals_per_week = weeks > 0 ? (double)out->arrivals / weeks : NAN;
	out->departures_per_week = weeks > 0 ? (double)out->departures / weeks
	                                     : NAN;
	out->wip = len > 0 ? wip / len : NAN;
	double lw = len > 0 && out->n ? (double)out->departures / len * out->mean
	                              : NAN;
	out->little = lw > 0 ? out->wip / lw : NAN;
	return 0;
}

static void shares(orgmri_stage_stats *st, size_t n)
{
	double all = 0;
	for (size_t s = 0; s < n; s++)
		all += st[s].total;
	for (size_t s = 0; s < n; s++)
		st[s].share = all > 0 ? st[s].total / all : NAN;
}

int orgmri_stages_compute(const orgmri_model *m, const orgmri_filter *f,
                          int weekly, orgmri_stages **out, orgmri_error *err)
{
	orgmri_filter all = ORGMRI_FILTER_INIT;
	if (!f)
		f = &all;
	*out = NULL;
	orgmri_stages *r = calloc(1, sizeof(*r));
	uint8_t *pass = calloc(m->nitems ? m->nitems : 1, 1);
	int rc = 0;
	if (!r || !pass) {
		rc = ORGMRI_ENOMEM;
		goto done;
	}
	snprintf(r->conventions, sizeof(r->conventions),
	         "stream=%s spans=ending-in-window quantiles=interpolated "
	         "wip=time-weighted negative-spans=excluded",
	         m->stream.name);
	orgmri_filter_window(m, f, &r->since, &r->until);
	r->weeks = (double)(r->until - r->since) / ORGMRI_MS_WEEK;
	for (size_t i = 0; i < m->nitems; i++) {
		pass[i] = (uint8_t)orgmri_filter_item(m, f, i);
		r->nitems += pass[i];
	}
	r->nstages = m->nstages;
	r->stages = calloc(m->nstages ? m->nstages : 1, sizeof(*r->stages));
	if (!r->stages) {
		rc = ORGMRI_ENOMEM;
		goto done;
	}
	for (size_t s = 0; s < m->nstages && !rc; s++)
		rc = stage_window(m, f, pass, s, r->since, r->until, &r->stages[s]);
	if (rc)
		goto done;
	shares(r->stages, r->nstages);
	for (size_t s = 0; s < m->nstages; s++) {
		if (r->stages[s].kind == ORGMRI_STAGE_WORK)
			r->work_ms += r->stages[s].total;
		else
			r->wait_ms += r->stages[s].total;
	}
	if (!weekly || r->until <= r->since)
		goto done;
	int64_t w0 = orgmri_week_start(r->since);
	r->nweeks = (size_t)((r->until - 1 - w0) / (7 * 86400000LL)) + 1;
	if (r->nweeks > 100000) {
		rc = orgmri_seterr(err, ORGMRI_ELIMIT,
		                   "window of %zu weeks is too long for --weekly",
		                   r->nweeks);
		goto done;
	}
	r->week_start = calloc(r->nweeks, sizeof(int64_t));
	r->weekly = calloc(r->nweeks * (m->nstages ? m->nstages : 1),
	                   sizeof(*r->weekly));
	if (!r->week_start || !r->weekly) {
		rc = ORGMRI_ENOMEM;
		goto done;
	}
	for (size_t w = 0; w < r->nweeks && !rc; w++) {
		int64_t lo = w0 + (int64_t)w * 7 * 86400000LL, hi = lo + 7 * 86400000LL;
		r->week_start[w] = lo;
		if (lo < r->since)
			lo = r->since;
		if (hi > r->until)
			hi = r->until;
		for (size_t s = 0; s < m->nstages && !rc; s++)
			rc = stage_window(m, f, pass, s, lo, hi,
			                  &r->weekly[w * m->nstages + s]);
		shares(&r->weekly[w * m->nstages], m->nstages);
	}
done:
	free(pass);
	if (rc) {
		orgmri_stages_free(r);
		if (rc == ORGMRI_ENOMEM)
			orgmri_seterr(err, rc, "out of memory computing stages");
		return rc;
	}
	*out = r;
	return 0;
}

void orgmri_stages_free(orgmri_stages *s)
{
	if (!s)
		return;
	free(s->stages);
	free(s->week_start);
	free(s->weekly);
	free(s);
}
