/*
 * stats.c - means, splitmix64 and the percentile bootstrap.
 *
 * The bootstrap answers "could this difference be noise?" without
 * assuming a distribution: delivery times are heavy-tailed, so normal
 * approximations mislead.  It resamples both periods independently,
 * which is right when items in a period are exchangeable; it does not
 * model week-to-week correlation (docs/diagnosis.md says so).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "diagnose/stats.h"
#include "orgmri/metrics.h"

void orgmri_rng_seed(orgmri_rng *r, uint64_t seed)
{
	r->s = seed;
}

uint64_t orgmri_rng_next(orgmri_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

uint64_t orgmri_rng_below(orgmri_rng *r, uint64_t n)
{
	if (n <= 1)
		return 0;
	uint64_t limit = UINT64_MAX - UINT64_MAX % n;
	uint64_t x;
	do
		x = orgmri_rng_next(r);
	while (x >= limit);
	return x % n;
}

double orgmri_mean(const double *v, size_t n)
{
	if (n == 0)
		return NAN;
	double s = 0;
	for (size_t i = 0; i < n; i++)
		s += v[i];
	return s / (double)n;
}

/* The k-th smallest (0-based) of v[0..n), reordering v: Hoare's
 * selection with a median-of-three pivot, linear on average.  The
 * bootstrap takes thousands of medians; sorting each resample made it
 * the slowest part of a scan. */
static double select_kth(double *v, size_t n, size_t k)
{
	size_t lo = 0, hi = n - 1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		double a = v[lo], b = v[mid], c = v[hi];
		double pivot = a < b ? (b < c ? b : (a < c ? c : a))
		                     : (a < c ? a : (b < c ? c : b));
		size_t i = lo, j = hi;
		while (i <= j) {
			while (v[i] < pivot)
				i++;
			while (v[j] > pivot)
				j--;
			if (i <= j) {
				double t = v[i];
				v[i] = v[j];
				v[j] = t;
				i++;
				if (j == 0)
					break;
				j--;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			return v[k];
	}
	return v[k];
}

/* Median with the same interpolation as orgmri_quantile(.., 0.5). */
static double median_inplace(double *v, size_t n)
{
	size_t k = (n - 1) / 2;
	double lo = select_kth(v, n, k);
	if (n % 2)
		return lo;
	/* the next order statistic is the smallest of what lies above k */
	double hi = v[k + 1];
	for (size_t i = k + 2; i < n; i++)
		if (v[i] < hi)
			hi = v[i];
	return lo + 0.5 * (hi - lo);
}

/* The statistic of one resample of v into scratch. */
static double resample_stat(const double *v, size_t n, double *scratch,
                            orgmri_boot_stat stat, orgmri_rng *r)
{
	for (size_t i = 0; i < n; i++)
		scratch[i] = v[orgmri_rng_below(r, n)];
	if (stat == ORGMRI_BOOT_MEAN)
		return orgmri_mean(scratch, n);
	return median_inplace(scratch, n);
}

int orgmri_bootstrap_diff(const double *a, size_t na, const double *b,
                          size_t nb, orgmri_boot_stat stat, int reps,
                          uint64_t seed, double *lo, double *hi)
{
	*lo = *hi = NAN;
	if (na == 0 || nb == 0 || reps < 2)
		return -1;
	double *scratch = malloc((na > nb ? na : nb) * sizeof(double));
	double *d = malloc((size_t)reps * sizeof(double));
	if (!scratch || !d) {
		free(scratch);
		free(d);
		return -1;
	}
	orgmri_rng r;
	orgmri_rng_seed(&r, seed);
	for (int i = 0; i < reps; i++) {
		double sa = resample_stat(a, na, scratch, stat, &r);
		double sb = resample_stat(b, nb, scratch, stat, &r);
		d[i] = sb - sa;
	}
	orgmri_sort_doubles(d, (size_t)reps);
	*lo = orgmri_quantile(d, (size_t)reps, 0.025);
	*hi = orgmri_quantile(d, (size_t)reps, 0.975);
	free(scratch);
	free(d);
	return 0;
}
