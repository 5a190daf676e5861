/*
 * stats.c - sorting and quantiles for calibration, replication summaries
 * and forecasts; one definition of "percentile" for all of src/sim/.
 */
#include <math.h>
#include <stdlib.h>

#include "sim/simint.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

void sim_sort(double *x, size_t n)
{
	if (n > 1)
		qsort(x, n, sizeof(*x), cmp_double);
}

double sim_quantile(const double *sorted, size_t n, double p)
{
	if (n == 0)
		return 0;
	if (p <= 0)
		return sorted[0];
	if (p >= 1)
		return sorted[n - 1];
	double h = (double)(n - 1) * p;
	size_t lo = (size_t)floor(h);
	if (lo + 1 >= n)
		return sorted[n - 1];
	return sorted[lo] + (h - (double)lo) * (sorted[lo + 1] - sorted[lo]);
}

/* Hoare's selection: afterwards x[k] holds the value it would have if x
 * were sorted, smaller-or-equal values before it, larger-or-equal after. */
static void select_kth(double *x, size_t n, size_t k)
{
	size_t lo = 0, hi = n - 1;
	while (lo < hi) {
		/* median of three as the pivot */
		size_t mid = lo + (hi - lo) / 2;
		double a = x[lo], b = x[mid], c = x[hi];
		double pivot = a < b ? (b < c ? b : (a < c ? c : a))
		                     : (a < c ? a : (b < c ? c : b));
		size_t i = lo, j = hi;
		while (i <= j) {
			while (x[i] < pivot)
				i++;
			while (x[j] > pivot)
				j--;
			if (i <= j) {
				double t = x[i];
				x[i] = x[j];
				x[j] = t;
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
			return;
	}
}

/* The type-7 quantile p of x, given that x[0, from) are all <= the
 * rest (an earlier selection), so only x[from, n) is searched. */
static double quantile_from(double *x, size_t n, size_t from, double p)
{
	if (n == 0)
		return 0;
	double h = (double)(n - 1) * (p < 0 ? 0 : p > 1 ? 1 : p);
	size_t lo = (size_t)floor(h);
	if (lo < from)
		from = 0;
	select_kth(x + from, n - from, lo - from);
	if (lo + 1 >= n || h == (double)lo)
		return x[lo];
	double next = x[lo + 1];   /* the smallest value after x[lo] */
	for (size_t i = lo + 2; i < n; i++)
		if (x[i] < next)
			next = x[i];
	return x[lo] + (h - (double)lo) * (next - x[lo]);
}

double sim_quantile_unsorted(double *x, size_t n, double p)
{
	return quantile_from(x, n, 0, p);
}

void sim_quantiles_unsorted(double *x, size_t n, const double *ps,
                            double *out, size_t m)
{
	size_t from = 0;
	for (size_t i = 0; i < m; i++) {
		out[i] = quantile_from(x, n, from, ps[i]);
		if (n) {
			double h = (double)(n - 1) * (ps[i] < 0 ? 0 : ps[i] > 1 ? 1 : ps[i]);
			from = (size_t)floor(h);
		}
	}
}
