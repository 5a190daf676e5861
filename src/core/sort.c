/*
 * sort.c - sorting arrays of doubles, the hot spot of every percentile.
 *
 * `orgmri stages` over ten million events spent more than half its time
 * in qsort's calls to a comparison function.  Above a small size this is
 * an LSD radix sort on the IEEE-754 bit patterns, 11 bits per pass:
 * flipping every bit of a negative number and only the sign bit of a
 * non-negative one makes the unsigned order of the patterns the numeric
 * order, so six counting passes sort the array in linear time.  A pass in
 * which every key has the same digit (the high bits of similar values)
 * is skipped.  Small arrays take an insertion sort.
 *
 * The result is the numeric order the callers' comparison functions
 * gave.  Equal values are indistinguishable, except that -0.0 sorts
 * before +0.0; NaNs (which no caller passes) go to the ends instead of
 * leaving the order undefined.  Without memory for the scratch array the
 * sort falls back to qsort.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

#define SMALL 64
#define BITS 11
#define RADIX (1u << BITS)
#define PASSES 6   /* 6 x 11 >= 64 */

static uint64_t key_of(double d)
{
	uint64_t u;
	memcpy(&u, &d, sizeof(u));
	return (u >> 63) ? ~u : u | (UINT64_C(1) << 63);
}

static double double_of(uint64_t k)
{
	uint64_t u = (k >> 63) ? k & ~(UINT64_C(1) << 63) : ~k;
	double d;
	memcpy(&d, &u, sizeof(d));
	return d;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void insertion(double *v, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		double x = v[i];
		size_t j = i;
		for (; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

void orgmri_sort_doubles(double *v, size_t n)
{
	if (n < 2)   /* an empty vector's array may be NULL */
		return;
	if (n <= SMALL) {
		insertion(v, n);
		return;
	}
	uint64_t *a = malloc(n * sizeof(*a)), *b = malloc(n * sizeof(*b));
	size_t (*count)[RADIX] = calloc(PASSES, sizeof(*count));
	if (!a || !b || !count) {
		free(a);
		free(b);
		free(count);
		qsort(v, n, sizeof(*v), cmp_double);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		uint64_t k = key_of(v[i]);
		a[i] = k;
		for (unsigned p = 0; p < PASSES; p++)
			count[p][(k >> (p * BITS)) & (RADIX - 1)]++;
	}
	for (unsigned p = 0; p < PASSES; p++) {
		size_t *c = count[p];
		/* every key has this digit: the pass would change nothing */
		if (c[(a[0] >> (p * BITS)) & (RADIX - 1)] == n)
			continue;
		size_t sum = 0;
		for (size_t d = 0; d < RADIX; d++) {
			size_t t = c[d];
			c[d] = sum;
			sum += t;
		}
		for (size_t i = 0; i < n; i++)
			b[c[(a[i] >> (p * BITS)) & (RADIX - 1)]++] = a[i];
		uint64_t *t = a;
		a = b;
		b = t;
	}
	for (size_t i = 0; i < n; i++)
		v[i] = double_of(a[i]);
	free(a);
	free(b);
	free(count);
}
