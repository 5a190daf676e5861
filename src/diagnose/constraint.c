/*
 * constraint.c - which stage limits throughput (Theory of Constraints),
 * from the visits of work items to each stage.
 *
 * Utilisation is the evidence that ranks stages: rho = busy time /
 * (people x period).  Busy time is not recorded anywhere, so it is
 * estimated from departures: a person who finishes items one at a time
 * started on an item at the later of its arrival and their previous
 * finish.  For a first-come, work-conserving queue that is exactly the
 * work; where people batch or multitask it overstates work, which makes
 * rho an upper bound.  Queue growth (WIP at the end minus at the start),
 * the share of time items spend waiting, and whether waits grow with
 * arrivals (rank correlation) back the verdict; see docs/diagnosis.md.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagnose/stats.h"
#include "orgmri/metrics.h"
#include "core/util.h"
#include "orgmri/diagnose.h"

#define MS_PER_HOUR 3600000.0
#define MS_PER_WEEK (7.0 * 24 * MS_PER_HOUR)

static int cmp_server_depart(const void *a, const void *b)
{
	const orgmri_visit *x = *(const orgmri_visit *const *)a;
	const orgmri_visit *y = *(const orgmri_visit *const *)b;
	if (x->server != y->server)
		return x->server < y->server ? -1 : 1;
	if (x->depart != y->depart)
		return x->depart < y->depart ? -1 : 1;
	return x->arrive < y->arrive ? -1 : x->arrive > y->arrive;
}

static double overlap(int64_t a0, int64_t a1, int64_t b0, int64_t b1)
{
	int64_t lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1;
	return hi > lo ? (double)(hi - lo) : 0.0;
}

/* Average ranks (1-based, ties averaged) of v into r. */
static void ranks(const double *v, size_t n, double *r)
{
	size_t *idx = malloc(n * sizeof(*idx));
	if (!idx)
		return;
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	/* insertion sort: n is a number of weeks */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && v[idx[j - 1]] > v[idx[j]]; j--) {
			size_t t = idx[j];
			idx[j] = idx[j - 1];
			idx[j - 1] = t;
		}
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j + 1 < n && v[idx[j + 1]] == v[idx[i]])
			j++;
		double avg = (double)(i + j) / 2.0 + 1.0;
		for (size_t k = i; k <= j; k++)
			r[idx[k]] = avg;
		i = j + 1;
	}
	free(idx);
}

static double pearson(const double *x, const double *y, size_t n)
{
	double mx = orgmri_mean(x, n), my = orgmri_mean(y, n);
	double sxy = 0, sxx = 0, syy = 0;
	for (size_t i = 0; i < n; i++) {
		sxy += (x[i] - mx) * (y[i] - my);
		sxx += (x[i] - mx) * (x[i] - mx);
		syy += (y[i] - my) * (y[i] - my);
	}
	return sxx > 0 && syy > 0 ? sxy / sqrt(sxx * syy) : NAN;
}

/* Spearman correlation of weekly arrivals and weekly mean wait. */
static double wait_load_corr(const orgmri_visit *v, size_t n,
                             const double *wait_ms, int64_t from, int64_t to)
{
	size_t weeks = (size_t)ceil((double)(to - from) / MS_PER_WEEK);
	if (weeks < 4 || weeks > 100000)
		return NAN;
	double *arr = calloc(weeks, sizeof(double));
	double *wsum = calloc(weeks, sizeof(double));
	double *wn = calloc(weeks, sizeof(double));
	double *x = malloc(weeks * sizeof(double));
	double *y = malloc(weeks * sizeof(double));
	double *rx = malloc(weeks * sizeof(double));
	double *ry = malloc(weeks * sizeof(double));
	double corr = NAN;
	if (!arr || !wsum || !wn || !x || !y || !rx || !ry)
		goto done;
	for (size_t i = 0; i < n; i++) {
		if (v[i].arrive >= from && v[i].arrive < to)
			arr[(size_t)((double)(v[i].arrive - from) / MS_PER_WEEK)]++;
		if (v[i].depart >= from && v[i].depart < to) {
			size_t w = (size_t)((double)(v[i].depart - from) / MS_PER_WEEK);
			wsum[w] += wait_ms[i];
			wn[w]++;
		}
	}
	size_t m = 0;
	for (size_t w = 0; w < weeks; w++)
		if (wn[w] > 0) {
			x[m] = arr[w];
			y[m] = wsum[w] / wn[w];
			m++;
		}
	if (m >= 4) {
		ranks(x, m, rx);
		ranks(y, m, ry);
		corr = pearson(rx, ry, m);
	}
done:
	free(arr);
	free(wsum);
	free(wn);
	free(x);
	free(y);
	free(rx);
	free(ry);
	return corr;
}

int orgmri_stage_load_compute(const orgmri_visit *v, size_t n, int64_t from,
                              int64_t to, orgmri_stage_load *out)
{
	memset(out, 0, sizeof(*out));
	out->utilisation = NAN;
	out->wait_load_corr = NAN;
	out->service_h_mean = out->service_h_p50 = NAN;
	out->wait_h_mean = out->span_h_p50 = NAN;
	if (to <= from)
		return ORGMRI_EINVAL;
	double period = (double)(to - from);
	out->weeks = period / MS_PER_WEEK;

	const orgmri_visit **by = malloc((n ? n : 1) * sizeof(*by));
	double *service_ms = malloc((n ? n : 1) * sizeof(double));
	double *wait_ms = malloc((n ? n : 1) * sizeof(double));
	double *tmp = malloc((n ? n : 1) * sizeof(double));
	if (!by || !service_ms || !wait_ms || !tmp) {
		free(by);
		free(service_ms);
		free(wait_ms);
		free(tmp);
		return ORGMRI_ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		by[i] = &v[i];
	qsort(by, n, sizeof(*by), cmp_server_depart);

	double busy = 0, wip_area = 0;
	long wip_from = 0, wip_to = 0;
	size_t arrivals = 0;
	uint32_t last_server = 0, last_counted = 0;
	int64_t prev_depart = INT64_MIN;
	for (size_t k = 0; k < n; k++) {
		const orgmri_visit *x = by[k];
		size_t i = (size_t)(x - v);
		if (x->server != last_server || k == 0) {
			last_server = x->server;
			prev_depart = INT64_MIN;
		}
		int64_t start = x->arrive > prev_depart ? x->arrive : prev_depart;
		if (start > x->depart)
			start = x->depart;
		service_ms[i] = x->server ? (double)(x->depart - start) : NAN;
		wait_ms[i] = (double)(x->depart - x->arrive) -
		             (x->server ? service_ms[i] : 0);
		if (x->server) {
			prev_depart = x->depart;
			double b = overlap(start, x->depart, from, to);
			busy += b;
			if (b > 0 && x->server != last_counted) {
				out->servers++;
				last_counted = x->server;
			}
		}
		if (x->arrive >= from && x->arrive < to)
			arrivals++;
		wip_area += overlap(x->arrive, x->depart, from, to);
		/* WIP just before each boundary, so that the growth equals
		 * arrivals minus departures within [from, to) */
		wip_from += x->arrive < from && x->depart >= from;
		wip_to += x->arrive < to && x->depart >= to;
	}

	/* statistics over visits departing in the period */
	size_t m = 0, ms = 0;
	double svc_sum = 0, wait_sum = 0;
	for (size_t i = 0; i < n; i++) {
		if (v[i].depart < from || v[i].depart >= to)
			continue;
		out->visits++;
		tmp[m++] = (double)(v[i].depart - v[i].arrive) / MS_PER_HOUR;
		wait_sum += wait_ms[i];
		if (v[i].server) {
			service_ms[ms++] = service_ms[i];
			svc_sum += service_ms[i];
		}
	}
	/* service_ms[0..ms) now holds the period's service times (compacted
	 * in place: index ms <= i always) */
	out->served = ms;
	orgmri_sort_doubles(tmp, m);
	out->span_h_p50 = orgmri_quantile(tmp, m, 0.5);
	if (m)
		out->wait_h_mean = wait_sum / (double)m / MS_PER_HOUR;
	if (ms) {
		out->service_h_mean = svc_sum / (double)ms / MS_PER_HOUR;
		orgmri_sort_doubles(service_ms, ms);
		out->service_h_p50 = orgmri_quantile(service_ms, ms, 0.5) /
		                     MS_PER_HOUR;
	}
	out->arrivals_per_week = (double)arrivals / out->weeks;
	out->departures_per_week = (double)out->visits / out->weeks;
	out->queue_growth_per_week = (double)(wip_to - wip_from) / out->weeks;
	out->wip_mean = wip_area / period;
	if (out->servers > 0)
		out->utilisation = busy / ((double)out->servers * period);
	out->wait_load_corr = wait_load_corr(v, n, wait_ms, from, to);
	free(by);
	free(service_ms);
	free(wait_ms);
	free(tmp);
	return 0;
}

const char *orgmri_confidence_name(orgmri_confidence c)
{
	static const char *names[] = { "cannot tell", "low", "medium", "high" };
	return (unsigned)c < 4 ? names[c] : "?";
}

void orgmri_constraint_find(const orgmri_stage_load *loads,
                            const char *const *names, size_t n,
                            const orgmri_constraint_rules *rules,
                            orgmri_constraint *out)
{
	orgmri_constraint_rules def = ORGMRI_CONSTRAINT_RULES_INIT;
	if (!rules)
		rules = &def;
	memset(out, 0, sizeof(*out));
	out->stage = out->next = -1;
	int best = -1, second = -1, judged = 0;
	for (size_t i = 0; i < n; i++) {
		const orgmri_stage_load *l = &loads[i];
		if (isnan(l->utilisation) || l->served < rules->min_visits)
			continue;
		judged++;
		if (best < 0 || l->utilisation > loads[best].utilisation) {
			second = best;
			best = (int)i;
		} else if (second < 0 || l->utilisation > loads[second].utilisation) {
			second = (int)i;
		}
	}
	if (judged == 0) {
		out->confidence = ORGMRI_CONF_CANNOT_TELL;
		snprintf(out->reason, sizeof(out->reason),
		         "no stage has %zu or more visits with a known person "
		         "finishing them, so utilisation cannot be estimated",
		         rules->min_visits);
		return;
	}
	const orgmri_stage_load *b = &loads[best];
	double gap = second >= 0 ? b->utilisation - loads[second].utilisation
	                         : b->utilisation;
	if (b->utilisation < rules->busy && b->queue_growth_per_week <= 0) {
		out->confidence = ORGMRI_CONF_CANNOT_TELL;
		out->next = best;
		snprintf(out->reason, sizeof(out->reason),
		         "no measured stage is busy: the highest utilisation is "
		         "%.0f%% (%s) and no queue is growing, so throughput is "
		         "limited by demand or by work outside these stages",
		         100 * b->utilisation, names[best]);
		return;
	}
	out->stage = best;
	out->next = second;
	int growing = b->queue_growth_per_week > 0;
	if (b->utilisation >= rules->saturated && gap >= rules->clear_gap)
		out->confidence = ORGMRI_CONF_HIGH;
	else if (gap >= rules->clear_gap / 3 || growing)
		out->confidence = ORGMRI_CONF_MEDIUM;
	else
		out->confidence = ORGMRI_CONF_LOW;
	if (b->served < 2 * rules->min_visits &&
	    out->confidence == ORGMRI_CONF_HIGH)
		out->confidence = ORGMRI_CONF_MEDIUM;
	snprintf(out->reason, sizeof(out->reason),
	         "%s is %.0f%% utilised by %d people (%.0f points ahead of %s)"
	         "%s", names[best], 100 * b->utilisation, b->servers, 100 * gap,
	         second >= 0 ? names[second] : "any other stage",
	         growing ? " and its queue is growing" : "");
}
