/*
 * compare.c - before/after figures with bootstrap intervals, and the
 * additive decomposition of a change in mean lead time into stages.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "diagnose/stats.h"
#include "orgmri/metrics.h"
#include "core/util.h"
#include "orgmri/diagnose.h"

/* Copy the non-NaN values of v into a new array; *m gets their count. */
static double *finite_copy(const double *v, size_t n, size_t *m)
{
	double *out = malloc((n ? n : 1) * sizeof(*out));
	*m = 0;
	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!isnan(v[i]))
			out[(*m)++] = v[i];
	return out;
}

static double statistic(double *v, size_t n, orgmri_diff_stat stat)
{
	if (stat == ORGMRI_DIFF_MEAN)
		return orgmri_mean(v, n);
	orgmri_sort_doubles(v, n);
	return orgmri_quantile(v, n, 0.5);
}

/* Standard error of the mean of sorted v. */
static double se_mean(const double *v, size_t n)
{
	if (n < 2)
		return NAN;
	double m = orgmri_mean(v, n), ss = 0;
	for (size_t i = 0; i < n; i++)
		ss += (v[i] - m) * (v[i] - m);
	return sqrt(ss / (double)(n - 1) / (double)n);
}

/* Standard error of the median of sorted v, from the distribution-free
 * 95% interval of the median: the order statistics n/2 -+ 1.96 sqrt(n)/2
 * (binomial, normal approximation), whose half-width is 1.96 se. */
static double se_median(const double *v, size_t n)
{
	if (n < 2)
		return NAN;
	double h = 1.96 * sqrt((double)n) / 2;
	double lo = floor((double)n / 2 - h), hi = ceil((double)n / 2 + h);
	if (lo < 0)
		lo = 0;
	if (hi > (double)(n - 1))
		hi = (double)(n - 1);
	return (v[(size_t)hi] - v[(size_t)lo]) / (2 * 1.96);
}

static void normal_interval(const double *a, size_t na, const double *b,
                            size_t nb, orgmri_diff_stat stat, orgmri_diff *out)
{
	double sa = stat == ORGMRI_DIFF_MEAN ? se_mean(a, na) : se_median(a, na);
	double sb = stat == ORGMRI_DIFF_MEAN ? se_mean(b, nb) : se_median(b, nb);
	double half = 1.96 * sqrt(sa * sa + sb * sb);
	out->lo = out->delta - half;
	out->hi = out->delta + half;
	out->normal = 1;
}

int orgmri_diff_compute(const double *a, size_t na, const double *b,
                        size_t nb, orgmri_diff_stat stat, int reps,
                        uint64_t seed, orgmri_diff *out)
{
	memset(out, 0, sizeof(*out));
	size_t ma, mb;
	double *fa = finite_copy(a, na, &ma), *fb = finite_copy(b, nb, &mb);
	if (!fa || !fb) {
		free(fa);
		free(fb);
		return ORGMRI_ENOMEM;
	}
	out->n_before = ma;
	out->n_after = mb;
	out->before = statistic(fa, ma, stat);
	out->after = statistic(fb, mb, stat);
	out->delta = out->after - out->before;
	out->lo = out->hi = NAN;
	int rc = 0;
	if (ma && mb && ma + mb > ORGMRI_BOOTSTRAP_MAX) {
		/* statistic() sorted both samples, as se_median needs */
		if (stat == ORGMRI_DIFF_MEAN) {
			orgmri_sort_doubles(fa, ma);
			orgmri_sort_doubles(fb, mb);
		}
		normal_interval(fa, ma, fb, mb, stat, out);
	} else if (ma && mb &&
	    orgmri_bootstrap_diff(fa, ma, fb, mb, stat == ORGMRI_DIFF_MEAN ?
	                          ORGMRI_BOOT_MEAN : ORGMRI_BOOT_MEDIAN,
	                          reps, seed, &out->lo, &out->hi) != 0)
		rc = ORGMRI_ENOMEM;
	out->significant = !isnan(out->lo) && (out->lo > 0 || out->hi < 0);
	free(fa);
	free(fb);
	return rc;
}

static void stage_means(const double *rows, size_t n, size_t nstages,
                        double *means, double *total)
{
	*total = 0;
	for (size_t s = 0; s < nstages; s++) {
		double sum = 0;
		for (size_t i = 0; i < n; i++) {
			double v = rows[i * nstages + s];
			if (!isnan(v))
				sum += v;
		}
		means[s] = n ? sum / (double)n : NAN;
		*total += means[s];
	}
}

int orgmri_decompose_means(const double *before, size_t nb,
                           const double *after, size_t na, size_t nstages,
                           double *contribution, double *total_before,
                           double *total_after)
{
	double *mb = malloc((nstages ? nstages : 1) * sizeof(double));
	double *ma = malloc((nstages ? nstages : 1) * sizeof(double));
	if (!mb || !ma) {
		free(mb);
		free(ma);
		return ORGMRI_ENOMEM;
	}
	stage_means(before, nb, nstages, mb, total_before);
	stage_means(after, na, nstages, ma, total_after);
	for (size_t s = 0; s < nstages; s++)
		contribution[s] = ma[s] - mb[s];
	free(mb);
	free(ma);
	return 0;
}
