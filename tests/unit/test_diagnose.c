/* test_diagnose.c - the diagnosis building blocks on hand-made cases:
 * bootstrap comparison, mean decomposition, stage load and utilisation,
 * the constraint verdict, concentration measures. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "diagnose/stats.h"
#include "orgmri/metrics.h"
#include "orgmri/diagnose.h"
#include "testutil.h"

#define H 3600000LL  /* one hour in ms */

static void test_quantile(void **state)
{
	(void)state;
	double v[] = { 1, 2, 3, 4 };
	assert_float_equal(orgmri_quantile(v, 4, 0.5), 2.5, 1e-12);
	assert_float_equal(orgmri_quantile(v, 4, 0.25), 1.75, 1e-12);
	assert_float_equal(orgmri_quantile(v, 4, 0.95), 3.85, 1e-12);
	assert_float_equal(orgmri_quantile(v, 1, 0.5), 1, 0);
	assert_true(isnan(orgmri_quantile(v, 0, 0.5)));
}

static void test_diff(void **state)
{
	(void)state;
	double a[200], b[200], c[200];
	orgmri_rng r;
	orgmri_rng_seed(&r, 7);
	for (int i = 0; i < 200; i++) {
		a[i] = 10 + (double)(orgmri_rng_next(&r) % 1000) / 100.0;
		b[i] = a[i] + 5;          /* shifted by exactly 5 */
	}
	for (int i = 0; i < 200; i++)
		c[i] = a[(i * 37) % 200]; /* a permutation of a */
	orgmri_diff d, d2;
	assert_int_equal(orgmri_diff_compute(a, 200, b, 200, ORGMRI_DIFF_MEDIAN,
	                                     1000, 42, &d), 0);
	assert_float_equal(d.delta, 5.0, 1e-9);
	assert_true(d.lo <= 5.0 && d.hi >= 5.0);
	assert_true(d.significant);
	assert_int_equal(d.n_before, 200);
	/* same seed, same interval */
	assert_int_equal(orgmri_diff_compute(a, 200, b, 200, ORGMRI_DIFF_MEDIAN,
	                                     1000, 42, &d2), 0);
	assert_true(d.lo == d2.lo && d.hi == d2.hi);
	/* the same values reordered: no change, within noise */
	assert_int_equal(orgmri_diff_compute(a, 200, c, 200, ORGMRI_DIFF_MEAN,
	                                     1000, 42, &d), 0);
	assert_float_equal(d.delta, 0.0, 1e-9);
	assert_false(d.significant);
	assert_true(d.lo < 0 && d.hi > 0);
	/* NaNs are ignored; an empty side gives no interval */
	double e[] = { NAN, 1, 2, NAN, 3 };
	assert_int_equal(orgmri_diff_compute(e, 5, e, 0, ORGMRI_DIFF_MEDIAN,
	                                     100, 1, &d), 0);
	assert_int_equal(d.n_before, 3);
	assert_float_equal(d.before, 2.0, 0);
	assert_true(isnan(d.after) && isnan(d.lo));
	assert_false(d.significant);
}

/* The bootstrap's selection-based median agrees with sorting: a
 * resample of one value repeated n times has that value as median, and
 * the interval of b - a for constant samples is exactly the shift. */
static void test_bootstrap_median(void **state)
{
	(void)state;
	double a[7] = { 5, 1, 4, 1, 5, 9, 2 }, b[6] = { 3, 3, 3, 3, 3, 3 };
	double lo, hi;
	assert_int_equal(orgmri_bootstrap_diff(b, 6, b, 6, ORGMRI_BOOT_MEDIAN, 200,
	                                       3, &lo, &hi), 0);
	assert_float_equal(lo, 0, 0);
	assert_float_equal(hi, 0, 0);
	/* every resample median of a lies within [min, max] of a */
	assert_int_equal(orgmri_bootstrap_diff(a, 7, b, 6, ORGMRI_BOOT_MEDIAN, 500,
	                                       9, &lo, &hi), 0);
	assert_true(lo >= 3 - 9 && hi <= 3 - 1);
	/* with many distinct values, the interval brackets the true shift */
	double x[1000], y[1000];
	orgmri_rng r;
	orgmri_rng_seed(&r, 11);
	for (int i = 0; i < 1000; i++) {
		x[i] = (double)(orgmri_rng_next(&r) % 100000) / 1000.0;
		y[i] = x[i] + 2.5;
	}
	assert_int_equal(orgmri_bootstrap_diff(x, 1000, y, 1000, ORGMRI_BOOT_MEDIAN,
	                                       400, 5, &lo, &hi), 0);
	assert_true(lo < 2.5 + 1e-9 && hi > 2.5 - 1e-9);
	assert_true(hi - lo < 10);
}

/* Above ORGMRI_BOOTSTRAP_MAX values the interval is the normal one: it
 * brackets a known shift and its width is what theory says. */
static void test_large_sample_interval(void **state)
{
	(void)state;
	size_t n = 30000;
	double *a = malloc(n * sizeof(double)), *b = malloc(n * sizeof(double));
	assert_non_null(a);
	assert_non_null(b);
	orgmri_rng r;
	orgmri_rng_seed(&r, 21);
	for (size_t i = 0; i < n; i++) {
		/* uniform on [0, 100): sd 28.87, median density 1/100 */
		a[i] = (double)(orgmri_rng_next(&r) % 1000000) / 10000.0;
		b[i] = (double)(orgmri_rng_next(&r) % 1000000) / 10000.0 + 5;
	}
	orgmri_diff d;
	assert_int_equal(orgmri_diff_compute(a, n, b, n, ORGMRI_DIFF_MEAN, 2000, 1,
	                                     &d), 0);
	assert_true(d.normal);
	assert_true(d.significant);
	assert_true(d.lo < 5 && d.hi > 5);
	/* half-width 1.96 * sqrt(2 * 28.87^2 / n) = 0.462 */
	assert_float_equal((d.hi - d.lo) / 2, 0.462, 0.02);
	assert_int_equal(orgmri_diff_compute(a, n, b, n, ORGMRI_DIFF_MEDIAN, 2000,
	                                     1, &d), 0);
	assert_true(d.normal);
	/* se of a median: sqrt(1 / (4 n f^2)) = 100 / (2 sqrt(n)) = 0.289;
	 * half-width 1.96 * sqrt(2) * 0.289 = 0.80 */
	assert_float_equal((d.hi - d.lo) / 2, 0.80, 0.06);
	assert_true(d.lo < 5 && d.hi > 5);
	/* small samples still bootstrap */
	assert_int_equal(orgmri_diff_compute(a, 100, b, 100, ORGMRI_DIFF_MEDIAN,
	                                     500, 1, &d), 0);
	assert_false(d.normal);
	free(a);
	free(b);
}

static void test_decompose(void **state)
{
	(void)state;
	/* 3 stages; NaN = the item skipped the stage */
	double before[] = { 1, 10, NAN,   3, 20, 5,   2, 30, NAN };
	double after[] = { 0.5, 40, 8,    1.5, 60, 2 };
	double contrib[3], tb, ta;
	assert_int_equal(orgmri_decompose_means(before, 3, after, 2, 3, contrib,
	                                        &tb, &ta), 0);
	assert_float_equal(tb, (11 + 28 + 32) / 3.0, 1e-12);
	assert_float_equal(ta, (48.5 + 63.5) / 2.0, 1e-12);
	assert_float_equal(contrib[0], 1.0 - 2.0, 1e-12);
	assert_float_equal(contrib[1], 50.0 - 20.0, 1e-12);
	assert_float_equal(contrib[2], 5.0 - 5.0 / 3, 1e-12);
	assert_float_equal(contrib[0] + contrib[1] + contrib[2], ta - tb, 1e-9);
}

/* One person, an item every 2 h taking 1 h: utilisation 1/2, work 1 h. */
static void test_load_light(void **state)
{
	(void)state;
	orgmri_visit v[100];
	for (int i = 0; i < 100; i++) {
		v[i].arrive = i * 2 * H;
		v[i].depart = v[i].arrive + H;
		v[i].server = 7;
	}
	orgmri_stage_load l;
	assert_int_equal(orgmri_stage_load_compute(v, 100, 0, 200 * H, &l), 0);
	assert_int_equal(l.visits, 100);
	assert_int_equal(l.servers, 1);
	assert_float_equal(l.utilisation, 0.5, 1e-9);
	assert_float_equal(l.service_h_mean, 1.0, 1e-9);
	assert_float_equal(l.wait_h_mean, 0.0, 1e-9);
	assert_float_equal(l.wip_mean, 0.5, 1e-9);
	assert_float_equal(l.queue_growth_per_week, 0.0, 1e-9);
	assert_float_equal(l.arrivals_per_week, 100 / (200.0 / 168), 1e-9);
}

/* One person, an item every hour, 2 h each: the queue grows, the person
 * is never idle, and the estimated work is the true 2 h. */
static void test_load_saturated(void **state)
{
	(void)state;
	orgmri_visit v[100];
	int64_t free_at = 0;
	for (int i = 0; i < 100; i++) {
		v[i].arrive = i * H;
		int64_t start = v[i].arrive > free_at ? v[i].arrive : free_at;
		v[i].depart = start + 2 * H;
		free_at = v[i].depart;
		v[i].server = 3;
	}
	orgmri_stage_load l;
	assert_int_equal(orgmri_stage_load_compute(v, 100, 0, 100 * H, &l), 0);
	assert_float_equal(l.utilisation, 1.0, 1e-9);
	assert_float_equal(l.service_h_p50, 2.0, 1e-9);
	assert_true(l.queue_growth_per_week > 0);
	assert_int_equal(l.visits, 49);   /* departures at 2, 4, ... 98 h */
	assert_true(l.wait_h_mean > 10);
}

static void test_load_unknown_server(void **state)
{
	(void)state;
	orgmri_visit v[] = { { 0, H, 0 }, { H, 3 * H, 0 } };
	orgmri_stage_load l;
	assert_int_equal(orgmri_stage_load_compute(v, 2, 0, 10 * H, &l), 0);
	assert_int_equal(l.servers, 0);
	assert_true(isnan(l.utilisation));
	assert_float_equal(l.span_h_p50, 1.5, 1e-9);
	assert_int_equal(orgmri_stage_load_compute(v, 2, 5, 5, &l), ORGMRI_EINVAL);
}

static orgmri_stage_load load(double rho, size_t served, double growth)
{
	orgmri_stage_load l;
	memset(&l, 0, sizeof(l));
	l.utilisation = rho;
	l.served = served;
	l.servers = 2;
	l.queue_growth_per_week = growth;
	return l;
}

static void test_constraint(void **state)
{
	(void)state;
	const char *names[] = { "review", "security", "qa" };
	orgmri_constraint c;
	orgmri_stage_load l[3] = { load(0.55, 200, 0), load(0.97, 80, 1.5),
	                           load(0.30, 50, 0) };
	orgmri_constraint_find(l, names, 3, NULL, &c);
	assert_int_equal(c.stage, 1);
	assert_int_equal(c.next, 0);
	assert_int_equal(c.confidence, ORGMRI_CONF_HIGH);
	assert_non_null(strstr(c.reason, "security is 97% utilised"));

	/* close race: named, with low confidence */
	l[0] = load(0.90, 200, 0);
	l[1] = load(0.92, 200, 0);
	orgmri_constraint_find(l, names, 3, NULL, &c);
	assert_int_equal(c.stage, 1);
	assert_int_equal(c.confidence, ORGMRI_CONF_LOW);

	/* too few visits everywhere: cannot tell */
	orgmri_stage_load thin[3] = { load(0.99, 5, 1), load(0.9, 3, 0),
	                              load(NAN, 100, 0) };
	orgmri_constraint_find(thin, names, 3, NULL, &c);
	assert_int_equal(c.stage, -1);
	assert_int_equal(c.confidence, ORGMRI_CONF_CANNOT_TELL);

	/* nobody busy, no queue growing: not a stage constraint */
	orgmri_stage_load idle[3] = { load(0.2, 100, 0), load(0.3, 100, 0),
	                              load(0.1, 100, -0.5) };
	orgmri_constraint_find(idle, names, 3, NULL, &c);
	assert_int_equal(c.stage, -1);
	assert_int_equal(c.confidence, ORGMRI_CONF_CANNOT_TELL);
	assert_non_null(strstr(c.reason, "no measured stage is busy"));
}

static void test_concentration(void **state)
{
	(void)state;
	double even[] = { 5, 5, 5, 5 }, one[] = { 0, 0, 0, 8 };
	double mixed[] = { 1, 2, 3, 4 };
	assert_float_equal(orgmri_gini(even, 4), 0.0, 1e-12);
	assert_float_equal(orgmri_gini(one, 4), 0.75, 1e-12);
	/* sum (2i-n-1)x = -3*1 -1*2 +1*3 +3*4 = 10; / (4 * 10) */
	assert_float_equal(orgmri_gini(mixed, 4), 0.25, 1e-12);
	assert_float_equal(orgmri_top_share(mixed, 4, 3), 0.9, 1e-12);
	assert_float_equal(orgmri_top_share(mixed, 4, 10), 1.0, 1e-12);
	assert_true(isnan(orgmri_gini(mixed, 0)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quantile),
		cmocka_unit_test(test_diff),
		cmocka_unit_test(test_bootstrap_median),
		cmocka_unit_test(test_large_sample_interval),
		cmocka_unit_test(test_decompose),
		cmocka_unit_test(test_load_light),
		cmocka_unit_test(test_load_saturated),
		cmocka_unit_test(test_load_unknown_server),
		cmocka_unit_test(test_constraint),
		cmocka_unit_test(test_concentration),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
