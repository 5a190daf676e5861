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

/* Bracketed selection, for large n (Floyd and Rivest's idea of narrowing
 * by a sample, "Expected time bounds for selection", 1975): a systematic
 * sample of BR_SAMPLE values estimates, for each wanted rank, two values
 * a <= b that very probably enclose it.  One branch-free pass moves every
 * value inside a bracket to the front of x and counts the values below
 * each bracket; when each wanted rank r falls inside its bracket j
 * (below_j <= r < below_j + size_j), the values at those ranks are the
 * values at ranks r - below_j + (sizes of the brackets before j) of the
 * front part, found by multiselect on that part alone (a few percent of
 * x).  Otherwise (a bad sample, or a NaN) it returns -1 and the caller
 * selects on all of x: the values are the same either way, only the
 * time differs.  The order x is left in differs from plain multiselect's,
 * which moves only the rounding of a sum taken over x afterwards (des.c's
 * mean lead time of a replication with >= BR_MIN measured items: tens
 * of ulps, ~1e-14 relative).
 * pos[i] receives where rank k[i] ended up.  The M/M/3 benchmark spends
 * ~10% of its time here and in the selection after it, where multiselect
 * on all values took ~13% of a longer time (docs/simulation.md, 8). */
#define BR_MIN 65536      /* below this, plain multiselect is as fast */
#define BR_SAMPLE 8192
#define BR_DEV 180        /* sample ranks either side: ~4 sd at p = 0.5 */
#define BR_MAX 16         /* at most this many wanted ranks */

static int bracket_select(double *x, size_t n, const size_t *k, size_t nk,
                          size_t *pos)
{
	double smp[BR_SAMPLE];
	size_t sk[2 * BR_MAX], nsk = 0;
	size_t m = BR_SAMPLE, d = BR_DEV;
	if (nk > BR_MAX)
		return -1;
	for (size_t i = 0; i < m; i++)
		smp[i] = x[(2 * i + 1) * n / (2 * m)];
	/* the sample ranks that bound each wanted rank */
	size_t lo_at[BR_MAX], hi_at[BR_MAX];
	for (size_t i = 0; i < nk; i++) {
		size_t c = (size_t)((double)k[i] / (double)n * (double)m);
		lo_at[i] = c >= d ? c - d : (size_t)-1;      /* -1: no bound */
		hi_at[i] = c + d < m ? c + d : (size_t)-1;
		if (lo_at[i] != (size_t)-1)
			sk[nsk++] = lo_at[i];
		if (hi_at[i] != (size_t)-1)
			sk[nsk++] = hi_at[i];
	}
	/* multiselect wants them ascending and distinct */
	for (size_t i = 1; i < nsk; i++)
		for (size_t j = i; j > 0 && sk[j - 1] > sk[j]; j--) {
			size_t t = sk[j];
			sk[j] = sk[j - 1];
			sk[j - 1] = t;
		}
	size_t u = 0;
	for (size_t i = 0; i < nsk; i++)
		if (u == 0 || sk[u - 1] != sk[i])
			sk[u++] = sk[i];
	nsk = u;
	if (nsk)
		multiselect(smp, 0, m - 1, sk, nsk);
	/* brackets, merged where they overlap */
	double a[BR_MAX], b[BR_MAX];
	size_t nb = 0, of[BR_MAX];   /* of[i]: the bracket of rank k[i] */
	for (size_t i = 0; i < nk; i++) {
		double lo = lo_at[i] == (size_t)-1 ? -INFINITY : smp[lo_at[i]];
		double hi = hi_at[i] == (size_t)-1 ? INFINITY : smp[hi_at[i]];
		if (nb && lo <= b[nb - 1]) {
			if (hi > b[nb - 1])
				b[nb - 1] = hi;
		} else {
			a[nb] = lo;
			b[nb++] = hi;
		}
		of[i] = nb - 1;
	}
	/* the pass: branch-free Lomuto partition of the bracket values */
	size_t below[BR_MAX] = { 0 }, size[BR_MAX] = { 0 }, f = 0, nan = 0;
	for (size_t i = 0; i < n; i++) {
		double v = x[i];
		size_t in = 0;
		for (size_t j = 0; j < nb; j++) {
			size_t lt = v < a[j], inj = (v >= a[j]) & (v <= b[j]);
			below[j] += lt;
			size[j] += inj;
			in |= inj;
		}
		nan += v != v;
		x[i] = x[f];
		x[f] = v;
		f += in;
	}
	if (nan)
		return -1;
	size_t before[BR_MAX], acc = 0;
	for (size_t j = 0; j < nb; j++) {
		before[j] = acc;
		acc += size[j];
	}
	for (size_t i = 0; i < nk; i++) {
		size_t j = of[i];
		if (k[i] < below[j] || k[i] >= below[j] + size[j])
			return -1;
		pos[i] = k[i] - below[j] + before[j];
	}
	if (f)
		multiselect(x, 0, f - 1, pos, nk);
	return 0;
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
	/* pos[i]: where the value of rank k[i] ends up */
	size_t pos[16];
	if (n < BR_MIN || bracket_select(x, n, k, nk, pos)) {
		multiselect(x, 0, n - 1, k, nk);
		for (size_t i = 0; i < nk; i++)
			pos[i] = k[i];
	}
	for (size_t i = 0; i < m; i++) {
		double p = ps[i] < 0 ? 0 : ps[i] > 1 ? 1 : ps[i];
		double h = (double)(n - 1) * p;
		size_t lo = (size_t)floor(h), j = 0;
		while (k[j] != lo)
			j++;
		double xl = x[pos[j]];
		out[i] = lo + 1 < n ? xl + (h - (double)lo) * (x[pos[j + 1]] - xl)
		                    : xl;
	}
}
