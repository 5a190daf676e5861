/*
 * health.c - concentration measures behind the health indicators.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "diagnose/stats.h"
#include "orgmri/metrics.h"
#include "orgmri/diagnose.h"

/* A sorted copy of v (NULL when empty or out of memory). */
static double *sorted_copy(const double *v, size_t n)
{
	double *s = n ? malloc(n * sizeof(*s)) : NULL;
	if (!s)
		return NULL;
	memcpy(s, v, n * sizeof(*s));
	orgmri_sort_doubles(s, n);
	return s;
}

/* Gini = sum_i (2i - n - 1) x_(i) / (n sum x), x sorted ascending,
 * i = 1..n: 0 when all equal, (n-1)/n when one holds everything. */
double orgmri_gini(const double *v, size_t n)
{
	double *s = sorted_copy(v, n);
	if (!s)
		return NAN;
	double num = 0, total = 0;
	for (size_t i = 0; i < n; i++) {
		num += (2.0 * (double)(i + 1) - (double)n - 1.0) * s[i];
		total += s[i];
	}
	free(s);
	return total > 0 ? num / ((double)n * total) : NAN;
}

double orgmri_top_share(const double *v, size_t n, size_t k)
{
	double *s = sorted_copy(v, n);
	if (!s)
		return NAN;
	double top = 0, total = 0;
	for (size_t i = 0; i < n; i++) {
		total += s[i];
		if (i >= n - (k < n ? k : n))
			top += s[i];
	}
	free(s);
	return total > 0 ? top / total : NAN;
}
