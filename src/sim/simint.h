/*
 * simint.h - helpers shared inside src/sim/ (not public API).
 */
#ifndef ORGMRI_SIM_SIMINT_H
#define ORGMRI_SIM_SIMINT_H

#include <stddef.h>

/* Sort doubles ascending in place. */
void sim_sort(double *x, size_t n);
/* Quantile p in [0, 1] of sorted x (n > 0): linear interpolation between
 * the closest ranks, h = (n - 1) p (Hyndman and Fan type 7, the default
 * of R and NumPy).  0 when n == 0. */
double sim_quantile(const double *sorted, size_t n, double p);

/* The same quantile without sorting first (O(n) expected); reorders x. */
double sim_quantile_unsorted(double *x, size_t n, double p);
/* Several quantiles (ps ascending) into out, with one multiple
 * selection; reorders x. */
void sim_quantiles_unsorted(double *x, size_t n, const double *ps,
                            double *out, size_t m);

#endif
