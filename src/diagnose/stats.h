/*
 * stats.h - what the diagnosis adds to the metrics' statistics
 * (orgmri_quantile in metrics.h): a seeded random generator and the
 * percentile bootstrap.  Internal to the library.
 */
#ifndef ORGMRI_DIAGNOSE_STATS_H
#define ORGMRI_DIAGNOSE_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "core/util.h"

/* splitmix64: a small, fast, well-mixed generator; same seed, same
 * sequence on every platform. */
typedef struct orgmri_rng {
	uint64_t s;
} orgmri_rng;

void orgmri_rng_seed(orgmri_rng *r, uint64_t seed);
uint64_t orgmri_rng_next(orgmri_rng *r);
/* Uniform integer in [0, n), without modulo bias. */
uint64_t orgmri_rng_below(orgmri_rng *r, uint64_t n);

/* orgmri_sort_doubles (sorting ascending) is core/util.h's. */

double orgmri_mean(const double *v, size_t n);

typedef enum orgmri_boot_stat {
	ORGMRI_BOOT_MEDIAN = 0,
	ORGMRI_BOOT_MEAN
} orgmri_boot_stat;

/*
 * Percentile bootstrap of stat(b) - stat(a): `reps` resamples of each
 * sample with replacement, the 2.5th and 97.5th percentiles of the
 * differences into *lo and *hi.  Deterministic for a given seed.  Returns
 * 0, or -1 when a sample is empty or memory runs out (lo/hi set to NAN).
 */
int orgmri_bootstrap_diff(const double *a, size_t na, const double *b,
                          size_t nb, orgmri_boot_stat stat, int reps,
                          uint64_t seed, double *lo, double *hi);

#endif
