/*
 * backtest.c - what a backtest compares a calibrated model with: the
 * changes that actually arrived in a later period [from, to), their actual
 * lead times, and their arrival times to drive the simulation (trace-
 * driven arrivals, issue 9: "simulate the next period with its actual
 * arrivals").
 *
 * Definitions (docs/simulation.md, section 7):
 *  - the input is the history read with no `until` bound, so that every
 *    change's later stages are known;
 *  - the simulation runs over [from - warmup, to): it is fed the arrival
 *    times of the changes that arrived in that span (the first warmup
 *    weeks fill the stations as the real ones were filled at `from`) and
 *    measures the changes arriving in [from, to);
 *  - the actual lead time of a change is done - arrival (first commit to
 *    production, else merge, as extract.c defines them), for the changes
 *    arriving in [from, to) that are done; the others are counted as
 *    unfinished.  It is an error when none is done, or when more than
 *    520 weeks would be simulated (the engine's limit);
 *  - an arrival whose coding is unobserved (orgmri_sim_coding_unobserved:
 *    a squash merge, which arrives at its merge) carries that flag into
 *    the simulation, where it skips coding as the recorded change did;
 *  - the releases that shipped a change are the distinct times at which
 *    some change first reached production (its deploy stage's end); the
 *    trace-driven release variant (--releases actual) runs the trains at
 *    those at or after from - warmup, i.e. the release policy that was
 *    actually followed, while the calibrated train (--releases train)
 *    only takes from them the time since the last release before
 *    from - warmup (the phase of the train, known at --until);
 *  - the actual waits are the merge -> production waits (deploy stage
 *    spans) of the changes merged in [from - warmup, to), whenever they
 *    were deployed: how long merged work actually waited for a release
 *    then.  The other trace-driven variant (--releases actual-waits)
 *    resamples them, as the default resamples the calibrated waits: it
 *    takes the release behaviour as given rather than the release dates,
 *    which is what is kept when releases follow the merges (the dates
 *    would move with them; docs/simulation.md, section 7, item 6).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "orgmri/sim.h"
#include "sim/simint.h"

#define MS_PER_HOUR 3600000.0

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* An arrival and whether its coding is unobserved, sorted by time then
 * flag (a total order, so equal times sort the same on any qsort). */
typedef struct arrival {
	double t;
	uint8_t unobserved;
} arrival;

static int cmp_arrival(const void *a, const void *b)
{
	const arrival *x = a, *y = b;
	if (x->t != y->t)
		return (x->t > y->t) - (x->t < y->t);
	return (x->unobserved > y->unobserved) - (x->unobserved < y->unobserved);
}

/* The releases that shipped a change (distinct deploy-stage ends), those
 * at or after `start` as hours since it into bt->releases, and the age
 * at `start` of the last one before it. */
static int collect_releases(const orgmri_sim_input *all, int64_t start,
                            orgmri_sim_backtest *bt)
{
	int64_t last = INT64_MIN;
	size_t n = 0;
	bt->release_age = -1;
	bt->releases = malloc((all->nitems ? all->nitems : 1) * sizeof(double));
	if (!bt->releases)
		return ORGMRI_ENOMEM;
	for (size_t i = 0; i < all->nitems; i++) {
		int64_t at = all->items[i].end[ORGMRI_STAGE_DEPLOY];
		if (!at)
			continue;
		if (at >= start)
			bt->releases[n++] = (double)(at - start) / MS_PER_HOUR;
		else if (at > last)
			last = at;
	}
	qsort(bt->releases, n, sizeof(double), cmp_double);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (k == 0 || bt->releases[i] != bt->releases[k - 1])
			bt->releases[k++] = bt->releases[i];
	bt->nreleases = k;
	if (last != INT64_MIN)
		bt->release_age = (double)(start - last) / MS_PER_HOUR;
	return 0;
}

int orgmri_sim_backtest_prepare(const orgmri_sim_input *all, int64_t from,
                                int64_t to, double warmup_weeks,
                                orgmri_sim_backtest *bt, orgmri_error *err)
{
	memset(bt, 0, sizeof(*bt));
	if (to <= from || !(warmup_weeks >= 0))
		return orgmri_seterr(err, ORGMRI_EINVAL,
		                     "backtest: the predicted period is empty");
	int64_t start = from - (int64_t)(warmup_weeks * ORGMRI_SIM_HOURS_PER_WEEK *
	                                 MS_PER_HOUR);
	size_t n = all->nitems ? all->nitems : 1;
	bt->arrivals = malloc(n * sizeof(double));
	bt->unobserved = malloc(n);
	bt->waits = malloc(n * sizeof(double));
	double *leads = malloc(n * sizeof(double));
	arrival *arr = malloc(n * sizeof(*arr));
	if (!bt->arrivals || !bt->unobserved || !bt->waits || !leads || !arr) {
		free(leads);
		free(arr);
		orgmri_sim_backtest_free(bt);
		return orgmri_seterr(err, ORGMRI_ENOMEM, "backtest: out of memory");
	}
	size_t nl = 0;
	int rc = collect_releases(all, start, bt);
	if (rc) {
		free(leads);
		free(arr);
		orgmri_sim_backtest_free(bt);
		return orgmri_seterr(err, rc, "backtest: out of memory");
	}
	for (size_t i = 0; i < all->nitems; i++) {
		const orgmri_sim_item *it = &all->items[i];
		int64_t dend = it->end[ORGMRI_STAGE_DEPLOY];
		double dspan = it->span[ORGMRI_STAGE_DEPLOY];
		if (dend && dspan >= 0) {
			int64_t merged = dend - (int64_t)llround(dspan * MS_PER_HOUR);
			if (merged >= start && merged < to)
				bt->waits[bt->nwaits++] = dspan;
		}
		if (it->arrival < start || it->arrival >= to)
			continue;
		uint8_t u = (uint8_t)orgmri_sim_coding_unobserved(it);
		arr[bt->narrivals++] = (arrival){
			(double)(it->arrival - start) / MS_PER_HOUR, u };
		bt->nunobserved += u;
		if (it->arrival < from)
			continue;
		bt->changes++;
		bt->changes_unobserved += u;
		if (it->done)
			leads[nl++] = (double)(it->done - it->arrival) / MS_PER_HOUR;
	}
	qsort(arr, bt->narrivals, sizeof(*arr), cmp_arrival);
	for (size_t i = 0; i < bt->narrivals; i++) {
		bt->arrivals[i] = arr[i].t;
		bt->unobserved[i] = arr[i].unobserved;
	}
	free(arr);
	sim_sort(leads, nl);
	bt->finished = nl;
	bt->actual_p50 = sim_quantile(leads, nl, 0.50);
	bt->actual_p85 = sim_quantile(leads, nl, 0.85);
	/* how precisely the actual median is known: the order statistics
	 * x(j) <= median <= x(k) that cover it with about 95% probability,
	 * j, k = n/2 -+ 1.96 sqrt(n)/2 (normal approximation to the
	 * binomial), 1-based and clipped to 1..n */
	if (nl) {
		double h = 0.98 * sqrt((double)nl);
		double j = floor((double)nl / 2 - h), k = ceil((double)nl / 2 + h + 1);
		if (j < 1)
			j = 1;
		if (k > (double)nl)
			k = (double)nl;
		bt->actual_p50_lo = leads[(size_t)j - 1];
		bt->actual_p50_hi = leads[(size_t)k - 1];
	}
	bt->warmup_weeks = warmup_weeks;
	bt->horizon_weeks = (double)(to - start) /
	                    (ORGMRI_SIM_HOURS_PER_WEEK * MS_PER_HOUR);
	free(leads);
	if (bt->horizon_weeks > 520) {
		orgmri_sim_backtest_free(bt);
		return orgmri_seterr(err, ORGMRI_ELIMIT,
		                     "backtest: more than 520 weeks to simulate");
	}
	if (bt->finished == 0) {
		orgmri_sim_backtest_free(bt);
		return orgmri_seterr(err, ORGMRI_EINVAL, "backtest: no change that "
		                     "arrived in the predicted period is done");
	}
	return 0;
}

void orgmri_sim_backtest_apply(const orgmri_sim_backtest *bt,
                               orgmri_sim_model *m)
{
	m->arrival_times = bt->arrivals;
	m->narrivals = bt->narrivals;
	m->arrival_unobserved = bt->unobserved;
	m->warmup_weeks = bt->warmup_weeks;
	m->horizon_weeks = bt->horizon_weeks;
}

int orgmri_sim_releases_apply(const orgmri_sim_backtest *bt, int mode,
                              orgmri_sim_model *m, orgmri_error *err)
{
	switch (mode) {
	case ORGMRI_SIM_RELEASES_WAITS:
		m->deploy_train = 0;
		return 0;
	case ORGMRI_SIM_RELEASES_TRAIN:
		if (!m->ndeploy_intervals)
			return orgmri_seterr(err, ORGMRI_EINVAL, "release train: "
			                     "fewer than two deployments calibrated");
		m->deploy_train = 1;
		m->deploy_age = bt && bt->release_age > 0 ? bt->release_age : 0;
		return 0;
	case ORGMRI_SIM_RELEASES_ACTUAL:
		if (!bt || !bt->nreleases)
			return orgmri_seterr(err, ORGMRI_EINVAL, "actual releases: "
			                     "no release shipped a change in the "
			                     "backtest period");
		m->deploy_train = 1;
		m->deploy_times = bt->releases;
		m->ndeploy_times = bt->nreleases;
		return 0;
	case ORGMRI_SIM_RELEASES_ACTUAL_WAITS:
		if (!bt || !bt->nwaits)
			return orgmri_seterr(err, ORGMRI_EINVAL, "actual waits: no "
			                     "change merged in the backtest period "
			                     "was released");
		m->deploy_train = 0;
		m->deploy_waits = bt->waits;
		m->ndeploy_waits = bt->nwaits;
		return 0;
	}
	return orgmri_seterr(err, ORGMRI_EINVAL, "unknown release mode %d", mode);
}

void orgmri_sim_backtest_free(orgmri_sim_backtest *bt)
{
	if (!bt)
		return;
	free(bt->arrivals);
	free(bt->unobserved);
	free(bt->releases);
	free(bt->waits);
	memset(bt, 0, sizeof(*bt));
}
