/*
 * calibrate.c - fit the simulation model to an organisation's history.
 *
 * From the per-item input (extract.c) this fits:
 *
 *  - arrivals: items per week over the input window; the mean rate, and a
 *    least-squares line rate = a + b * week over the whole weeks;
 *  - capacity per stage: the number of distinct people who ended the
 *    stage in a week, median over the weeks with any.  When no actor is
 *    known (coding of a change seen only in git: no opener) there is no
 *    capacity to learn and the stage is a delay (servers = 0): each item
 *    takes its own resampled time, with no queue.  (It was 1 + the mean
 *    number of items in the stage, by Little's law, with the c-th rule
 *    below; that reads merges made in batches, e.g. just before a
 *    release, as queueing: docs/simulation.md, section 2);
 *  - work time per stage: the observed stage interval minus the part of
 *    it explained by queueing.  A person works on one item at a time, so
 *    an item ended by actor A cannot have been started before A ended the
 *    previous item: work_i = end_i - max(start_i, previous end by A).
 *    Items with no known actor in a stage whose capacity is known from
 *    the others use the stage's c people instead: ordered by end, item i
 *    cannot have started before the c-th earlier end, so
 *    work_i = end_i - max(start_i, end_{i-c}).  Both are exact for FIFO
 *    servers that are the actors (c = 1 for the second).  In a delay the
 *    work is the whole interval.  The review
 *    stage's work is further divided over its passes:
 *    (work - rework hours) / (loops + 1);
 *  - coding unobserved: a coding visit of exactly 0 hours (the first
 *    commit is the opening, e.g. a squash merge seen only in git) shows
 *    no coding at all.  It counts as a visit, but stays out of coding's
 *    work sample, capacity and waits (a zero would dilute the sample,
 *    and a zero-length visit ending at the merge would cut its author's
 *    next work time short); its share of the coding visits is
 *    p_unobserved, with which simulated arrivals skip coding;
 *  - routing: each finished item becomes a profile (the stages it
 *    visited, its risk tier, rework loops and size), resampled whole so
 *    that correlations between them survive; the share of items ending
 *    each stage in the window is the fallback when none finished;
 *  - rework: hours per loop (rework hours / loops);
 *  - deployment: the observed merge -> production waits of the changes
 *    deployed in the window (what a merged change waits for), and the
 *    release train's intervals: between successive releases that
 *    shipped a change (the distinct times at which some change of the
 *    window first reached production), or, with fewer than two such
 *    releases, between any production deployments (the train is used
 *    with a batch limit or --releases train, and counts deployments);
 *    incidents per deployment.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "orgmri/sim.h"
#include "sim/simint.h"

#define NS ORGMRI_SIM_NSTAGES
#define MS_PER_HOUR 3600000.0
#define MS_PER_WEEK (MS_PER_HOUR * ORGMRI_SIM_HOURS_PER_WEEK)

static const char *const stage_names[NS] = {
	"coding", "pickup", "review", "security", "qa", "merge", "deploy",
};
static const char *const tier_names[ORGMRI_SIM_NTIERS] = {
	"low", "medium", "high",
};

const char *orgmri_sim_stage_name(int stage)
{
	return stage >= 0 && stage < NS ? stage_names[stage] : NULL;
}

int orgmri_sim_stage_find(const char *name, size_t len)
{
	for (int s = 0; s < NS; s++)
		if (strlen(stage_names[s]) == len &&
		    memcmp(stage_names[s], name, len) == 0)
			return s;
	return -1;
}

const char *orgmri_sim_tier_name(int tier)
{
	return tier >= 0 && tier < ORGMRI_SIM_NTIERS ? tier_names[tier] : NULL;
}

/* Whether time x (ms) lies in the input window: the calibration uses the
 * stage visits that ended in it and the arrivals that fell in it. */
static int in_window(const orgmri_sim_input *in, int64_t x)
{
	return x >= in->start && x < in->end;
}

/* Arrays the calibration owns. */
typedef struct owned {
	double *samples[NS];
	orgmri_sim_profile *profiles;
	double *rework;
	double *deploy_intervals;
	double *deploy_waits;
	int64_t *releases;
} owned;

/* One visit of a stage, for the work-time decomposition. */
typedef struct visit {
	int64_t start, end;
	uint32_t actor;
	uint32_t item;
} visit;

static int cmp_visit(const void *a, const void *b)
{
	const visit *x = a, *y = b;
	if (x->end != y->end)
		return (x->end > y->end) - (x->end < y->end);
	return (x->item > y->item) - (x->item < y->item);
}

static int cmp_actor_end(const void *a, const void *b)
{
	const visit *x = a, *y = b;
	if (x->actor != y->actor)
		return (x->actor > y->actor) - (x->actor < y->actor);
	return cmp_visit(a, b);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* Median over weeks of distinct actors ending a visit that week; the
 * week count goes to *nweeks.  -1 when no actor is known. */
static double weekly_capacity(const visit *v, size_t n, int64_t start,
                              size_t *nweeks, int *fail)
{
	uint64_t *pairs = malloc((n ? n : 1) * sizeof(*pairs));
	double *counts = malloc((n ? n : 1) * sizeof(*counts));
	size_t np = 0, nw = 0;
	double med = -1;
	*nweeks = 0;
	if (!pairs || !counts) {
		*fail = 1;
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		if (!v[i].actor)
			continue;
		uint64_t week = (uint64_t)((v[i].end - start) / (int64_t)MS_PER_WEEK);
		pairs[np++] = week << 32 | v[i].actor;
	}
	if (np == 0)
		goto done;
	qsort(pairs, np, sizeof(*pairs), cmp_u64);
	for (size_t i = 0; i < np;) {   /* one count per week */
		size_t j = i, distinct = 0;
		while (j < np && pairs[j] >> 32 == pairs[i] >> 32) {
			if (j == i || pairs[j] != pairs[j - 1])
				distinct++;
			j++;
		}
		counts[nw++] = (double)distinct;
		i = j;
	}
	sim_sort(counts, nw);
	med = sim_quantile(counts, nw, 0.5);
	*nweeks = nw;
done:
	free(pairs);
	free(counts);
	return med;
}

/* Fit one station stage: capacity, work samples and the report. */
static int fit_stage(const orgmri_sim_input *in, int s,
                     orgmri_sim_calibration *cal, owned *own)
{
	orgmri_sim_stage_fit *fit = &cal->fit[s];
	orgmri_sim_stage *st = &cal->model.stage[s];
	visit *v = malloc((in->nitems ? in->nitems : 1) * sizeof(*v));
	double *spans = malloc((in->nitems ? in->nitems : 1) * sizeof(*spans));
	double *work = malloc((in->nitems ? in->nitems : 1) * sizeof(*work));
	int fail = 0;
	size_t n = 0, unobserved = 0;
	if (!v || !spans || !work)
		goto oom;
	for (size_t i = 0; i < in->nitems; i++) {
		const orgmri_sim_item *it = &in->items[i];
		if (!it->end[s] || it->span[s] < 0 || !in_window(in, it->end[s]))
			continue;
		if (s == ORGMRI_STAGE_CODING && orgmri_sim_coding_unobserved(it)) {
			unobserved++;   /* no coding to learn from (see top) */
			continue;
		}
		int64_t len = (int64_t)llround(it->span[s] * MS_PER_HOUR);
		v[n] = (visit){ it->end[s] - len, it->end[s], it->actor[s],
		                (uint32_t)i };
		spans[n] = it->span[s];
		n++;
	}
	fit->visits = n + unobserved;
	fit->share = cal->nitems ? (double)fit->visits / (double)cal->nitems : 0;
	if (s == ORGMRI_STAGE_CODING) {
		cal->coding_unobserved = unobserved;
		cal->model.p_unobserved = fit->visits ?
			(double)unobserved / (double)fit->visits : 0;
	}
	qsort(v, n, sizeof(*v), cmp_visit);
	double cap = weekly_capacity(v, n, in->start, &fit->capacity_weeks, &fail);
	if (fail)
		goto oom;
	if (cap < 0) {   /* no actor known: no capacity to learn, a delay */
		fit->capacity = 0;
		st->servers = 0;
	} else {
		fit->capacity = cap;
		st->servers = cap < 1 ? 1 : (int)lround(cap);
	}
	/* person by person: an actor works on one item at a time */
	qsort(v, n, sizeof(*v), cmp_actor_end);
	double wait_sum = 0;
	for (size_t i = 0; i < n; i++) {
		int64_t free_at;
		if (v[i].actor)
			free_at = i > 0 && v[i - 1].actor == v[i].actor ?
			          v[i - 1].end : INT64_MIN;
		else if (st->servers > 0)   /* unknown actors sort first, by
		                               end: the c-th rule */
			free_at = i >= (size_t)st->servers ?
			          v[i - (size_t)st->servers].end : INT64_MIN;
		else   /* a delay: nothing to queue behind */
			free_at = INT64_MIN;
		int64_t begin = v[i].start > free_at ? v[i].start : free_at;
		double w = (double)(v[i].end - begin) / MS_PER_HOUR;
		double span = (double)(v[i].end - v[i].start) / MS_PER_HOUR;
		wait_sum += span - w;
		const orgmri_sim_item *it = &in->items[v[i].item];
		if (s == ORGMRI_STAGE_REVIEW) {
			w -= it->rework_hours;
			w = (w > 0 ? w : 0) / (double)(it->rework_loops + 1);
		}
		work[i] = w;
	}
	fit->wait_mean = n ? wait_sum / (double)n : 0;
	sim_sort(spans, n);
	fit->span_p50 = sim_quantile(spans, n, 0.5);
	fit->span_p85 = sim_quantile(spans, n, 0.85);
	/* the sample keeps item order (by end) for the simulation; sort a
	 * copy for the report */
	memcpy(spans, work, n * sizeof(double));
	sim_sort(spans, n);
	fit->work_p50 = sim_quantile(spans, n, 0.5);
	fit->work_p85 = sim_quantile(spans, n, 0.85);
	own->samples[s] = work;
	st->samples = work;
	st->nsamples = n;
	free(v);
	free(spans);
	return 0;
oom:
	free(v);
	free(spans);
	free(work);
	return ORGMRI_ENOMEM;
}

/* Weekly arrival counts, mean rate and the least-squares trend. */
static void fit_arrivals(const orgmri_sim_input *in, double weeks,
                         orgmri_sim_calibration *cal, double *counts,
                         size_t nweeks)
{
	size_t whole = (size_t)floor(weeks), n = 0;
	memset(counts, 0, nweeks * sizeof(double));
	for (size_t i = 0; i < in->nitems; i++) {
		if (!in_window(in, in->items[i].arrival))
			continue;
		n++;
		int64_t w = (in->items[i].arrival - in->start) / (int64_t)MS_PER_WEEK;
		if (w >= 0 && (size_t)w < nweeks)
			counts[w] += 1;
	}
	cal->narrivals = n;
	cal->rate_mean = weeks > 0 ? (double)n / weeks : 0;
	cal->rate_a = cal->rate_mean;
	cal->rate_b = 0;
	if (whole < 2)
		return;
	double sx = 0, sy = 0, sxx = 0, sxy = 0, k = (double)whole;
	for (size_t w = 0; w < whole; w++) {
		double x = (double)w + 0.5;   /* the middle of week w */
		sx += x;
		sy += counts[w];
		sxx += x * x;
		sxy += x * counts[w];
	}
	double den = k * sxx - sx * sx;
	cal->rate_b = den > 0 ? (k * sxy - sx * sy) / den : 0;
	cal->rate_a = (sy - cal->rate_b * sx) / k;
}

static int fit_routing(const orgmri_sim_input *in, orgmri_sim_calibration *cal,
                       owned *own)
{
	size_t n = in->nitems ? in->nitems : 1;
	own->profiles = malloc(n * sizeof(*own->profiles));
	own->rework = malloc(n * sizeof(double));
	if (!own->profiles || !own->rework)
		return ORGMRI_ENOMEM;
	size_t np = 0, nr = 0, reviewed = 0, reworked = 0, loops = 0;
	size_t sec[ORGMRI_SIM_NTIERS] = { 0 };
	for (size_t i = 0; i < in->nitems; i++) {
		const orgmri_sim_item *it = &in->items[i];
		cal->tier_n[it->tier < ORGMRI_SIM_NTIERS ? it->tier : 1]++;
		if (it->end[ORGMRI_STAGE_SECURITY])
			sec[it->tier < ORGMRI_SIM_NTIERS ? it->tier : 1]++;
		if (it->end[ORGMRI_STAGE_REVIEW] &&
		    in_window(in, it->end[ORGMRI_STAGE_REVIEW])) {
			reviewed++;
			if (it->rework_loops) {
				reworked++;
				loops += it->rework_loops;
				if (it->rework_hours > 0)
					own->rework[nr++] = it->rework_hours / it->rework_loops;
			}
		}
		if (!it->done || !in_window(in, it->done))
			continue;   /* unfinished: its later stages are unknown */
		orgmri_sim_profile *p = &own->profiles[np++];
		p->visits = 0;
		for (int s = 0; s < NS; s++)
			if (it->end[s])
				p->visits |= (uint8_t)(1u << s);
		p->tier = it->tier < ORGMRI_SIM_NTIERS ? it->tier : ORGMRI_TIER_MEDIUM;
		p->rework_loops = (uint16_t)(it->rework_loops > 1000 ? 1000 :
		                             it->rework_loops);
		p->size = it->size;
	}
	for (int t = 0; t < ORGMRI_SIM_NTIERS; t++)
		cal->p_security[t] = cal->tier_n[t] ?
			(double)sec[t] / (double)cal->tier_n[t] : 0;
	cal->p_rework = reviewed ? (double)reworked / (double)reviewed : 0;
	cal->rework_loops_mean = reworked ? (double)loops / (double)reworked : 0;
	cal->model.profiles = own->profiles;
	cal->model.nprofiles = np;
	cal->model.rework_samples = own->rework;
	cal->model.nrework = nr;
	double *tmp = malloc((nr ? nr : 1) * sizeof(double));
	if (!tmp)
		return ORGMRI_ENOMEM;
	memcpy(tmp, own->rework, nr * sizeof(double));
	sim_sort(tmp, nr);
	cal->rework_p50 = sim_quantile(tmp, nr, 0.5);
	free(tmp);
	return 0;
}

/* The merge -> production waits of the changes deployed in the window. */
static int fit_deploy_waits(const orgmri_sim_input *in,
                            orgmri_sim_calibration *cal, owned *own)
{
	size_t n = 0;
	own->deploy_waits = malloc((in->nitems ? in->nitems : 1) * sizeof(double));
	if (!own->deploy_waits)
		return ORGMRI_ENOMEM;
	for (size_t i = 0; i < in->nitems; i++)
		if (in->items[i].end[ORGMRI_STAGE_DEPLOY] &&
		    in_window(in, in->items[i].end[ORGMRI_STAGE_DEPLOY]) &&
		    in->items[i].span[ORGMRI_STAGE_DEPLOY] >= 0)
			own->deploy_waits[n++] = in->items[i].span[ORGMRI_STAGE_DEPLOY];
	double *tmp = malloc((n ? n : 1) * sizeof(double));
	if (!tmp)
		return ORGMRI_ENOMEM;
	memcpy(tmp, own->deploy_waits, n * sizeof(double));
	sim_sort(tmp, n);
	cal->deploy_wait_p50 = sim_quantile(tmp, n, 0.5);
	cal->deploy_wait_p85 = sim_quantile(tmp, n, 0.85);
	free(tmp);
	cal->model.deploy_waits = own->deploy_waits;
	cal->model.ndeploy_waits = n;
	return 0;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* The releases that shipped a change: the distinct times at which a
 * change of the input first reached production in the window. */
static int fit_releases(const orgmri_sim_input *in,
                        orgmri_sim_calibration *cal, owned *own)
{
	size_t n = 0;
	own->releases = malloc((in->nitems ? in->nitems : 1) * sizeof(int64_t));
	if (!own->releases)
		return ORGMRI_ENOMEM;
	for (size_t i = 0; i < in->nitems; i++) {
		int64_t at = in->items[i].end[ORGMRI_STAGE_DEPLOY];
		if (at && in_window(in, at))
			own->releases[n++] = at;
	}
	qsort(own->releases, n, sizeof(int64_t), cmp_i64);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (k == 0 || own->releases[i] != own->releases[k - 1])
			own->releases[k++] = own->releases[i];
	cal->releases = own->releases;
	cal->nreleases = k;
	return 0;
}

/* Successive differences of the sorted times t[0..n) in hours (equal
 * times give none) into *out (malloc'ed); their median to *p50. */
static int intervals_of(const int64_t *t, size_t n, double **out, size_t *k,
                        double *p50)
{
	*out = malloc((n ? n : 1) * sizeof(double));
	double *tmp = malloc((n ? n : 1) * sizeof(double));
	if (!*out || !tmp) {
		free(tmp);
		return ORGMRI_ENOMEM;
	}
	*k = 0;
	for (size_t i = 1; i < n; i++)
		if (t[i] > t[i - 1])
			(*out)[(*k)++] = (double)(t[i] - t[i - 1]) / MS_PER_HOUR;
	memcpy(tmp, *out, *k * sizeof(double));
	sim_sort(tmp, *k);
	*p50 = sim_quantile(tmp, *k, 0.5);
	free(tmp);
	return 0;
}

static int fit_deploys(const orgmri_sim_input *in, double weeks,
                       orgmri_sim_calibration *cal, owned *own)
{
	size_t n = in->ndeploys, k = 0;
	int rc = fit_deploy_waits(in, cal, own);
	if (!rc)
		rc = fit_releases(in, cal, own);
	if (rc)
		return rc;
	cal->ndeploys = n;
	cal->nincidents = in->nincidents;
	cal->deploys_per_week = weeks > 0 ? (double)n / weeks : 0;
	cal->model.p_incident = n ? (double)in->nincidents / (double)n : 0;
	if (cal->model.p_incident > 1)
		cal->model.p_incident = 1;
	double *all = NULL, p50 = 0;
	rc = intervals_of(in->deploys, n, &all, &k, &p50);
	if (rc)
		return rc;
	cal->deploy_interval_p50 = p50;
	own->deploy_intervals = all;
	cal->model.deploy_intervals = all;
	cal->model.ndeploy_intervals = k;
	if (cal->nreleases < 1)
		return 0;
	/* the train runs at the cadence of the releases that shipped a
	 * change: on git histories most tags are maintenance releases that
	 * ship no main-line change, and a train at their cadence would
	 * ship every merged change far too soon (docs, section 2).  The
	 * gaps from the window's start to the first release and from the
	 * last one to its end count as intervals too: they are only known
	 * to be at least that long, but leaving them out would drop the
	 * longest gaps (a long gap is the likeliest to be open at --until) */
	int64_t *edge = malloc((cal->nreleases + 2) * sizeof(int64_t));
	if (!edge) {
		free(all);
		return ORGMRI_ENOMEM;
	}
	edge[0] = in->start;
	memcpy(edge + 1, cal->releases, cal->nreleases * sizeof(int64_t));
	edge[cal->nreleases + 1] = in->end;
	rc = intervals_of(edge, cal->nreleases + 2, &own->deploy_intervals, &k,
	                  &cal->release_interval_p50);
	free(edge);
	free(all);
	if (rc)
		return rc;
	cal->model.deploy_intervals = own->deploy_intervals;
	cal->model.ndeploy_intervals = k;
	/* incidents per train, so that incidents per week stay as observed */
	cal->model.p_incident = (double)in->nincidents / (double)cal->nreleases;
	if (cal->model.p_incident > 1)
		cal->model.p_incident = 1;
	return 0;
}

int orgmri_sim_calibrate(const orgmri_sim_input *in,
                         orgmri_sim_calibration *cal, orgmri_error *err)
{
	memset(cal, 0, sizeof(*cal));
	if (!in || in->nitems == 0)
		return orgmri_seterr(err, ORGMRI_EINVAL,
		                     "calibration: no changes (pull requests) in "
		                     "the selected period");
	owned *own = calloc(1, sizeof(*own));
	if (!own)
		return orgmri_seterr(err, ORGMRI_ENOMEM, "calibration: out of memory");
	cal->internal = own;
	cal->nitems = in->nitems;
	double weeks = (double)(in->end - in->start) / MS_PER_WEEK;
	if (weeks < 1.0 / 7)
		weeks = 1.0 / 7;
	cal->weeks = weeks;
	size_t nweeks = (size_t)ceil(weeks) + 1;
	if (nweeks > 100000)
		nweeks = 100000;
	double *counts = malloc(nweeks * sizeof(double));
	int rc = counts ? 0 : ORGMRI_ENOMEM;
	orgmri_sim_model *m = &cal->model;
	if (!rc) {
		fit_arrivals(in, weeks, cal, counts, nweeks);
		free(counts);
	}
	m->rate = cal->rate_mean;
	m->trend = 0;
	m->arrival_scale = 1;
	m->cadence_scale = 1;
	for (int s = 0; s < NS && !rc; s++) {
		m->stage[s].time_scale = 1;
		m->stage[s].skip_tier = -1;
		m->stage[s].dist = ORGMRI_SIM_EMPIRICAL;
		m->stage[s].servers = 1;
		if (s != ORGMRI_STAGE_DEPLOY)
			rc = fit_stage(in, s, cal, own);
		else
			cal->fit[s].visits = 0;
	}
	for (size_t i = 0; i < in->nitems && !rc; i++)
		if (in->items[i].end[ORGMRI_STAGE_DEPLOY] &&
		    in_window(in, in->items[i].end[ORGMRI_STAGE_DEPLOY]))
			cal->fit[ORGMRI_STAGE_DEPLOY].visits++;
	cal->fit[ORGMRI_STAGE_DEPLOY].share =
		(double)cal->fit[ORGMRI_STAGE_DEPLOY].visits / (double)in->nitems;
	if (!rc)
		rc = fit_routing(in, cal, own);
	/* no change finished in the window, so no whole profile: items visit
	 * each stage with the share of changes seen ending it in the window
	 * (without this they would visit nothing and take no time) */
	for (int s = 0; s < NS && !rc; s++)
		m->p_visit[s] = cal->fit[s].share > 1 ? 1 : cal->fit[s].share;
	if (!rc)
		rc = fit_deploys(in, weeks, cal, own);
	m->horizon_weeks = weeks < 4 ? 4 : ceil(weeks);
	m->warmup_weeks = floor(m->horizon_weeks / 5);
	if (m->warmup_weeks > 8)
		m->warmup_weeks = 8;
	if (rc) {
		orgmri_sim_calibration_free(cal);
		return orgmri_seterr(err, rc, "calibration: out of memory");
	}
	return 0;
}

void orgmri_sim_calibration_free(orgmri_sim_calibration *cal)
{
	if (!cal)
		return;
	owned *own = cal->internal;
	if (own) {
		for (int s = 0; s < NS; s++)
			free(own->samples[s]);
		free(own->profiles);
		free(own->rework);
		free(own->deploy_intervals);
		free(own->deploy_waits);
		free(own->releases);
		free(own);
	}
	memset(cal, 0, sizeof(*cal));
}
