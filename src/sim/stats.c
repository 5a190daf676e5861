/*
 * stats.c - sorting and quantiles for calibration, replication summaries
 * and forecasts; one definition of "percentile" for all of src/sim/.
 */
#include <math.h>
#include <stdlib.h>

#include "core/util.h"

#include "sim/simint.h"

void sim_sort(double *x, size_t n)
{
	orgmri_sort_doubles(x, n);
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

/* Multiple selection (Hoare's FIND for several ranks at once): afterwards
 * each x[k[i]] holds the value it would have if x were sorted.  k is
 * ascending; partitions holding no wanted rank are left alone, so finding
 * several ranks costs little more than finding one. */
static void multiselect(double *x, size_t lo, size_t hi, const size_t *k,
                        size_t nk)
{
	while (nk && lo < hi) {
		/* median of three as the pivot */
		size_t mid = lo + (hi - lo) / 2;
		double a = x[lo], b = x[mid], c = x[hi];
		double pivot = a < b ? (b < c ? b : (a < c ? c : a))
		                     : (a < c ? a : (b < c ? c : b));
		size_t i = lo, j = hi;
		int under = 0;   /* j went below 0 */
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
				if (j == 0) {
					under = 1;
					break;
				}
				j--;
			}
		}
		/* now x[lo..j] <= pivot, x[i..hi] >= pivot, between: == pivot */
		size_t nl = 0, nmid;
		while (!under && nl < nk && k[nl] <= j)
			nl++;
		nmid = nl;
		while (nmid < nk && k[nmid] < i)
			nmid++;
		if (nl)
			multiselect(x, lo, j, k, nl);
		k += nmid;
		nk -= nmid;
		lo = i;
	}
}

double sim_quantile_unsorted(double *x, size_t n, double p)
{
	double q;
	sim_quantiles_unsorted(x, n, &p, &q, 1);
	return q;
}

void sim_quantiles_unsorted(double *x, size_t n, const double *ps,
                            double *out, size_t m)
{
	size_t k[16] = { 0 }, nk = 0;
	if (n == 0 || m > 8) {
		for (size_t i = 0; i < m; i++)
			out[i] = 0;
		if (n && m > 8) {   /* many quantiles: sorting is as good */
			sim_sort(x, n);
			for (size_t i = 0; i < m; i++)
				out[i] = sim_quantile(x, n, ps[i]);
		}
		return;
	}
	/* each type-7 quantile needs ranks floor(h) and floor(h) + 1 */
	for (size_t i = 0; i < m; i++) {
		double p = ps[i] < 0 ? 0 : ps[i] > 1 ? 1 : ps[i];
		size_t lo = (size_t)floor((double)(n - 1) * p);
		for (size_t r = lo; r <= lo + 1 && r < n; r++)
			if (nk == 0 || k[nk - 1] < r)
				k[nk++] = r;
	}
	multiselect(x, 0, n - 1, k, nk);
	for (size_t i = 0; i < m; i++) {
		double p = ps[i] < 0 ? 0 : ps[i] > 1 ? 1 : ps[i];
		double h = (double)(n - 1) * p;
		size_t lo = (size_t)floor(h);
		out[i] = lo + 1 < n ? x[lo] + (h - (double)lo) * (x[lo + 1] - x[lo])
		                    : x[lo];
	}
}
