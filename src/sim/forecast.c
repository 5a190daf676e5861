/*
 * forecast.c - "when will it be done" and "how many by then", by Monte
 * Carlo over resampled weekly throughput (Magennis, Vacanti; see
 * shared/notes/process-mining.md section 5), in weeks instead of days
 * because weekly counts of a team's changes are rarely all zero.
 *
 * when:     a trial draws historical weeks uniformly with replacement
 *           until their sum reaches N; its result is the number of weeks
 *           drawn.  The p% answer is the p-th percentile of the trials
 *           ("p% of trials were done within this many weeks").
 * how many: a trial sums W drawn weeks.  "At least this many with p%
 *           confidence" is the (100 - p)-th percentile of the trials.
 *
 * Each trial uses its own random stream (seed, trial index), so results
 * do not depend on evaluation order.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "orgmri/sim.h"
#include "sim/rng.h"
#include "sim/simint.h"

#define MS_PER_WEEK (3600000LL * 168)
#define MAX_WEEKS 520
#define MAX_TRIALS 10000000u

static const double levels[3] = { 0.50, 0.85, 0.95 };

int orgmri_sim_forecast_weekly(const orgmri_sim_input *in, int64_t end,
                               size_t nweeks, double **out,
                               orgmri_error *err)
{
	*out = NULL;
	if (nweeks == 0 || nweeks > 100000)
		return orgmri_seterr(err, ORGMRI_EINVAL,
		                     "forecast: window must be 1..100000 weeks");
	double *w = calloc(nweeks, sizeof(double));
	if (!w)
		return orgmri_seterr(err, ORGMRI_ENOMEM, "forecast: out of memory");
	int64_t start = end - (int64_t)nweeks * MS_PER_WEEK;
	for (size_t i = 0; i < in->nitems; i++) {
		int64_t d = in->items[i].done;
		if (d && d >= start && d < end)
			w[(d - start) / MS_PER_WEEK] += 1;
	}
	*out = w;
	return 0;
}

static int check(const double *weekly, size_t n, unsigned trials,
                 orgmri_error *err)
{
	if (n == 0)
		return orgmri_seterr(err, ORGMRI_EINVAL,
		                     "forecast: no weeks of throughput history");
	if (trials == 0 || trials > MAX_TRIALS)
		return orgmri_seterr(err, ORGMRI_EINVAL,
		                     "forecast: trials must be 1..%u", MAX_TRIALS);
	(void)weekly;
	return 0;
}

int orgmri_sim_forecast_when(const double *weekly, size_t nweeks,
                             long items, unsigned trials, uint64_t seed,
                             double out[3], orgmri_error *err)
{
	int rc = check(weekly, nweeks, trials, err);
	if (rc)
		return rc;
	if (items < 1)
		return orgmri_seterr(err, ORGMRI_EINVAL,
		                     "forecast: --items must be at least 1");
	double total = 0;
	for (size_t i = 0; i < nweeks; i++)
		total += weekly[i];
	if (!(total > 0))
		return orgmri_seterr(err, ORGMRI_EINVAL, "forecast: no item was "
		                     "finished in the throughput window");
	double *res = malloc(trials * sizeof(double));
	if (!res)
		return orgmri_seterr(err, ORGMRI_ENOMEM, "forecast: out of memory");
	for (unsigned t = 0; t < trials; t++) {
		sim_rng r;
		sim_rng_seed(&r, seed, t);
		double left = (double)items;
		int w = 0;
		while (left > 0 && w <= MAX_WEEKS) {
			left -= weekly[sim_rng_below(&r, nweeks)];
			w++;
		}
		res[t] = w;
	}
	sim_sort(res, trials);
	for (int i = 0; i < 3; i++)
		out[i] = ceil(sim_quantile(res, trials, levels[i]));
	free(res);
	return 0;
}

int orgmri_sim_forecast_how_many(const double *weekly, size_t nweeks,
                                 long weeks, unsigned trials, uint64_t seed,
                                 double out[3], orgmri_error *err)
{
	int rc = check(weekly, nweeks, trials, err);
	if (rc)
		return rc;
	if (weeks < 0 || weeks > MAX_WEEKS)
		return orgmri_seterr(err, ORGMRI_EINVAL,
		                     "forecast: the date must be 0..%d weeks ahead",
		                     MAX_WEEKS);
	double *res = malloc(trials * sizeof(double));
	if (!res)
		return orgmri_seterr(err, ORGMRI_ENOMEM, "forecast: out of memory");
	for (unsigned t = 0; t < trials; t++) {
		sim_rng r;
		sim_rng_seed(&r, seed, t);
		double sum = 0;
		for (long w = 0; w < weeks; w++)
			sum += weekly[sim_rng_below(&r, nweeks)];
		res[t] = sum;
	}
	sim_sort(res, trials);
	for (int i = 0; i < 3; i++)
		out[i] = floor(sim_quantile(res, trials, 1 - levels[i]));
	free(res);
	return 0;
}
