/*
 * test_sim.c - the simulation module: the engine against queueing theory
 * (Erlang C), determinism across thread counts, a backtest on a history
 * generated here by an independent FIFO tandem-queue model, scenario
 * parsing, forecasts, and extraction from the bundled sample organisation.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/simint.h"
#include "testutil.h"

#define WEEK 168.0
#define MS_H 3600000.0

/* ---- queueing theory ------------------------------------------------- */

/* A model where every item visits only the review stage: M/M/c. */
static void mmc_model(orgmri_sim_model *m, double lambda, double mu, int c,
                      double weeks)
{
	memset(m, 0, sizeof(*m));
	for (int s = 0; s < ORGMRI_SIM_NSTAGES; s++) {
		m->stage[s].servers = 1;
		m->stage[s].time_scale = 1;
		m->stage[s].skip_tier = -1;
	}
	m->stage[ORGMRI_STAGE_REVIEW].servers = c;
	m->stage[ORGMRI_STAGE_REVIEW].dist = ORGMRI_SIM_EXPONENTIAL;
	m->stage[ORGMRI_STAGE_REVIEW].mean = 1 / mu;
	m->p_visit[ORGMRI_STAGE_REVIEW] = 1;
	m->rate = lambda * WEEK;
	m->arrival_scale = 1;
	m->cadence_scale = 1;
	m->warmup_weeks = 2;
	m->horizon_weeks = weeks;
}

static void test_erlang_formula(void **state)
{
	(void)state;
	/* M/M/1: Wq = rho / (mu - lambda) */
	assert_true(fabs(orgmri_sim_erlang_c_wait(0.8, 1, 1) - 4.0) < 1e-12);
	/* M/M/2, lambda = 1, mu = 1: a = 1, P(wait) = 1/3, Wq = 1/3 */
	assert_true(fabs(orgmri_sim_erlang_c_wait(1, 1, 2) - 1.0 / 3) < 1e-12);
	assert_true(orgmri_sim_erlang_c_wait(2, 1, 2) < 0);
}

static void test_mmc_matches_erlang_c(void **state)
{
	(void)state;
	/* c = 3, rho = 0.8: about 3.2 million customers in 16 replications */
	double lambda = 2.4, mu = 1.0;
	int c = 3;
	orgmri_sim_model m;
	mmc_model(&m, lambda, mu, c, 500);
	orgmri_sim_options o = { 16, 2, 12345 };
	orgmri_sim_result r;
	orgmri_error err;
	assert_int_equal(orgmri_sim_run(&m, &o, &r, &err), 0);
	double theory = orgmri_sim_erlang_c_wait(lambda, mu, c);
	double sim = r.wait[ORGMRI_STAGE_REVIEW].mean;
	print_message("M/M/3 rho=0.8: Erlang C Wq=%.4f h, simulated %.4f h "
	              "(%+.2f%%), %lld events\n", theory, sim,
	              100 * (sim / theory - 1), r.events);
	assert_true(fabs(sim / theory - 1) < 0.02);
	/* utilisation = lambda / (c mu) */
	assert_true(fabs(r.util[ORGMRI_STAGE_REVIEW].mean - 0.8) < 0.01);
	assert_int_equal(r.constraint, ORGMRI_STAGE_REVIEW);
}

static void test_threads_do_not_change_results(void **state)
{
	(void)state;
	orgmri_sim_model m;
	mmc_model(&m, 2.0, 1.0, 3, 20);
	orgmri_sim_options o1 = { 12, 1, 7 }, o2 = { 12, 2, 7 };
	orgmri_sim_result a, b;
	assert_int_equal(orgmri_sim_run(&m, &o1, &a, NULL), 0);
	assert_int_equal(orgmri_sim_run(&m, &o2, &b, NULL), 0);
	assert_memory_equal(&a, &b, sizeof(a));
	o2.seed = 8;
	assert_int_equal(orgmri_sim_run(&m, &o2, &b, NULL), 0);
	assert_true(a.lead_p50.mean != b.lead_p50.mean);
}

/* The engine's knobs on a small model with fixed work times: coding 1 h,
 * review 0.5 h, security 2 h, arrivals 0.2 per hour, daily deployments. */
static void test_engine_knobs(void **state)
{
	(void)state;
	static const double one[1] = { 1 }, half[1] = { 0.5 }, two[1] = { 2 };
	static const double rework[1] = { 3 }, daily[1] = { 24 };
	const uint8_t path = 1u << ORGMRI_STAGE_CODING | 1u << ORGMRI_STAGE_REVIEW |
	                     1u << ORGMRI_STAGE_SECURITY | 1u << ORGMRI_STAGE_DEPLOY;
	orgmri_sim_profile prof[2] = {
		{ path, ORGMRI_TIER_LOW, 0, 10 }, { path, ORGMRI_TIER_HIGH, 0, 900 },
	};
	orgmri_sim_model m;
	mmc_model(&m, 0.2, 1, 1, 60);
	m.stage[ORGMRI_STAGE_REVIEW].dist = ORGMRI_SIM_EMPIRICAL;
	m.stage[ORGMRI_STAGE_CODING].samples = one;
	m.stage[ORGMRI_STAGE_REVIEW].samples = half;
	m.stage[ORGMRI_STAGE_SECURITY].samples = two;
	for (int s = 0; s <= ORGMRI_STAGE_SECURITY; s++)
		m.stage[s].nsamples = 1;
	m.profiles = prof;
	m.nprofiles = 2;
	m.rework_samples = rework;
	m.nrework = 1;
	m.deploy_intervals = daily;
	m.ndeploy_intervals = 1;
	orgmri_sim_options o = { 8, 2, 3 };
	orgmri_sim_result base, r;
	assert_int_equal(orgmri_sim_run(&m, &o, &base, NULL), 0);
	/* utilisation = rate x work: security 0.2 x 2 = 0.4 */
	assert_true(fabs(base.util[ORGMRI_STAGE_SECURITY].mean - 0.4) < 0.02);
	assert_true(fabs(base.work[ORGMRI_STAGE_CODING].mean - 1) < 1e-9);
	/* trains every 24 h: merged items wait 12 h on average */
	assert_true(fabs(base.wait[ORGMRI_STAGE_DEPLOY].mean - 12) < 0.6);
	assert_true(fabs(base.deploys_per_week.mean - 7) < 0.1);
	assert_true(base.backlog_wait.mean == 0);

	orgmri_sim_model k = m;   /* low-risk changes skip security */
	k.stage[ORGMRI_STAGE_SECURITY].skip_tier = ORGMRI_TIER_LOW;
	assert_int_equal(orgmri_sim_run(&k, &o, &r, NULL), 0);
	assert_true(fabs(r.util[ORGMRI_STAGE_SECURITY].mean - 0.2) < 0.02);

	k = m;                    /* twice as many trains: 6 h wait */
	k.cadence_scale = 0.5;
	assert_int_equal(orgmri_sim_run(&k, &o, &r, NULL), 0);
	assert_true(fabs(r.wait[ORGMRI_STAGE_DEPLOY].mean - 6) < 0.3);

	/* observed deployment waits: every merged item waits exactly 5 h
	 * (times the cadence factor), while the trains still count */
	static const double five[1] = { 5 };
	k = m;
	k.deploy_waits = five;
	k.ndeploy_waits = 1;
	assert_int_equal(orgmri_sim_run(&k, &o, &r, NULL), 0);
	assert_true(fabs(r.wait[ORGMRI_STAGE_DEPLOY].mean - 5) < 1e-9);
	assert_true(fabs(r.deploys_per_week.mean - 7) < 0.1);
	k.cadence_scale = 2;
	assert_int_equal(orgmri_sim_run(&k, &o, &r, NULL), 0);
	assert_true(fabs(r.wait[ORGMRI_STAGE_DEPLOY].mean - 10) < 1e-9);
	k.cadence_scale = 1;      /* a batch limit needs the train: 12 h again */
	k.batch_max = 1000;
	assert_int_equal(orgmri_sim_run(&k, &o, &r, NULL), 0);
	assert_true(fabs(r.wait[ORGMRI_STAGE_DEPLOY].mean - 12) < 0.6);

	k = m;                    /* one item at a time: a backlog forms */
	k.wip = 1;
	assert_int_equal(orgmri_sim_run(&k, &o, &r, NULL), 0);
	assert_true(r.backlog_wait.mean > 0.1);
	assert_true(r.wait[ORGMRI_STAGE_SECURITY].mean == 0);

	/* one rework loop: coding visited twice (1 h, then 3 h of rework),
	 * review twice */
	prof[0].rework_loops = prof[1].rework_loops = 1;
	assert_int_equal(orgmri_sim_run(&m, &o, &r, NULL), 0);
	assert_true(fabs(r.work[ORGMRI_STAGE_CODING].mean - 2) < 1e-9);
	assert_true(fabs(r.util[ORGMRI_STAGE_REVIEW].mean - 0.2) < 0.01);
	assert_true(r.lead_p50.mean > base.lead_p50.mean + 3.4);
}

/* ---- release trains ---------------------------------------------------- */

/* Items that are coded in exactly 1 h (ten coders: no queue) and then
 * released, arriving at the given hours; every replication is the same
 * but for the train's draws, so lead times are known exactly. */
static void train_model(orgmri_sim_model *m, orgmri_sim_profile *prof,
                        const double *arrivals, size_t n)
{
	static const double one[1] = { 1 }, three[1] = { 3 };
	memset(m, 0, sizeof(*m));
	for (int s = 0; s < ORGMRI_SIM_NSTAGES; s++) {
		m->stage[s].servers = 10;
		m->stage[s].time_scale = 1;
		m->stage[s].skip_tier = -1;
	}
	m->stage[ORGMRI_STAGE_CODING].samples = one;
	m->stage[ORGMRI_STAGE_CODING].nsamples = 1;
	*prof = (orgmri_sim_profile){ 1u << ORGMRI_STAGE_CODING |
	                              1u << ORGMRI_STAGE_DEPLOY, 1, 0, 10 };
	m->profiles = prof;
	m->nprofiles = 1;
	m->arrival_times = arrivals;
	m->narrivals = n;
	m->arrival_scale = 1;
	m->cadence_scale = 1;
	m->deploy_waits = three;     /* every change's own wait: 3 h */
	m->ndeploy_waits = 1;
	m->warmup_weeks = 0;
	m->horizon_weeks = 1;
}

/* The median lead time, checking that every replication gave it. */
static double fixed_p50(const orgmri_sim_model *m)
{
	orgmri_sim_options o = { 6, 2, 5 };
	orgmri_sim_result r;
	assert_int_equal(orgmri_sim_run(m, &o, &r, NULL), 0);
	assert_true(r.lead_p50.lo == r.lead_p50.hi);
	return r.lead_p50.mean;
}

static void test_release_train(void **state)
{
	(void)state;
	static const double arr[4] = { 0, 5, 20, 55 };
	static const double times[2] = { 10, 50 }, hundred[1] = { 100 };
	static const double day2[1] = { 48 }, two_gaps[2] = { 10, 48 };
	orgmri_sim_profile prof;
	orgmri_sim_model m;
	train_model(&m, &prof, arr, 3);
	/* waits: merged at 1, 6, 21, each released 3 h later */
	assert_true(fabs(fixed_p50(&m) - 4) < 1e-9);
	/* a given schedule overrides the waits: released at 10, 10, 50 */
	m.deploy_times = times;
	m.ndeploy_times = 2;
	m.deploy_intervals = hundred;
	m.ndeploy_intervals = 1;
	assert_true(fabs(fixed_p50(&m) - 10) < 1e-9);   /* 10, 5, 30 */
	/* past the schedule, calibrated intervals: merged at 56, released
	 * at 50 + 100; lead times 10, 5, 30, 95 */
	m.narrivals = 4;
	assert_true(fabs(fixed_p50(&m) - 20) < 1e-9);
	/* the calibrated train, every 48 h, the last one 40 h before time
	 * 0: trains at 8, 56, ...; lead times 8, 3, 36 */
	m.narrivals = 3;
	m.deploy_times = NULL;
	m.ndeploy_times = 0;
	m.deploy_intervals = day2;
	m.deploy_train = 1;
	m.deploy_age = 40;
	assert_true(fabs(fixed_p50(&m) - 8) < 1e-9);
	/* the first interval is drawn among those longer than the age: of
	 * 10 and 48 h only 48 (a 10 h gap would have ended already); later
	 * ones among both, which cannot release the third change before
	 * 28 h (8 + 10 + 10), so the median stays 8 */
	m.deploy_intervals = two_gaps;
	m.ndeploy_intervals = 2;
	assert_true(fabs(fixed_p50(&m) - 8) < 1e-9);
	/* a train just left: trains at 48, 96; lead times 48, 43, 28 */
	m.deploy_intervals = day2;
	m.ndeploy_intervals = 1;
	m.deploy_age = 0;
	assert_true(fabs(fixed_p50(&m) - 43) < 1e-9);
	/* the train is asked for: without it the waits apply again */
	m.deploy_train = 0;
	assert_true(fabs(fixed_p50(&m) - 4) < 1e-9);

	/* --releases: the modes set the model up, or say why they cannot */
	orgmri_sim_backtest bt;
	memset(&bt, 0, sizeof(bt));
	double rel[1] = { 30 };
	bt.releases = rel;
	bt.nreleases = 1;
	bt.release_age = 12;
	orgmri_sim_model k = m;
	assert_int_equal(orgmri_sim_releases_apply(&bt, ORGMRI_SIM_RELEASES_TRAIN,
	                                           &k, NULL), 0);
	assert_true(k.deploy_train == 1 && k.deploy_age == 12 && !k.ndeploy_times);
	k = m;
	assert_int_equal(orgmri_sim_releases_apply(&bt, ORGMRI_SIM_RELEASES_ACTUAL,
	                                           &k, NULL), 0);
	assert_true(k.deploy_times == rel && k.ndeploy_times == 1);
	assert_int_equal(orgmri_sim_releases_apply(NULL, ORGMRI_SIM_RELEASES_ACTUAL,
	                                           &k, NULL), ORGMRI_EINVAL);
	k.ndeploy_intervals = 0;
	assert_int_equal(orgmri_sim_releases_apply(NULL, ORGMRI_SIM_RELEASES_TRAIN,
	                                           &k, NULL), ORGMRI_EINVAL);
}

/* ---- the calibration window ------------------------------------------ */

static orgmri_sim_item window_item(double arrival, double coded, double done)
{
	orgmri_sim_item it;
	memset(&it, 0, sizeof(it));
	for (int s = 0; s < ORGMRI_SIM_NSTAGES; s++)
		it.span[s] = -1;
	it.arrival = (int64_t)(arrival * MS_H);
	it.end[ORGMRI_STAGE_CODING] = (int64_t)(coded * MS_H);
	it.span[ORGMRI_STAGE_CODING] = coded - arrival;
	if (done > 0) {
		it.end[ORGMRI_STAGE_DEPLOY] = it.done = (int64_t)(done * MS_H);
		it.span[ORGMRI_STAGE_DEPLOY] = done - coded;
	}
	return it;
}

/* The input of `n` items over the window [0, 100 h). */
static orgmri_sim_input window_input(orgmri_sim_item *items, size_t n)
{
	orgmri_sim_input in;
	memset(&in, 0, sizeof(in));
	in.items = items;
	in.nitems = n;
	in.start = 0;
	in.end = (int64_t)(100 * MS_H);
	return in;
}

/* Coding unobserved (a squash merge: coding of exactly 0 h).  The
 * calibration counts such a visit but keeps it out of coding's sample
 * and sets p_unobserved; the engine skips coding for a flagged
 * trace-driven arrival, and for a Poisson arrival with that share. */
static void test_coding_unobserved(void **state)
{
	(void)state;
	orgmri_sim_item items[4] = {
		window_item(0, 10, 20), window_item(5, 9, 20),
		window_item(30, 30, 50), window_item(60, 60, 70),
	};
	orgmri_sim_input in = window_input(items, 4);
	assert_int_equal(orgmri_sim_coding_unobserved(&items[1]), 0);
	assert_int_equal(orgmri_sim_coding_unobserved(&items[2]), 1);
	orgmri_sim_calibration cal;
	assert_int_equal(orgmri_sim_calibrate(&in, &cal, NULL), 0);
	const orgmri_sim_stage_fit *f = &cal.fit[ORGMRI_STAGE_CODING];
	assert_int_equal(f->visits, 4);
	assert_int_equal(cal.coding_unobserved, 2);
	assert_true(fabs(cal.model.p_unobserved - 0.5) < 1e-12);
	/* the sample holds the observed visits only: spans 10 and 4 h */
	assert_int_equal(cal.model.stage[ORGMRI_STAGE_CODING].nsamples, 2);
	assert_true(fabs(f->span_p50 - 7) < 1e-9);
	orgmri_sim_calibration_free(&cal);

	/* engine: coding only, 1 h work; utilisation = arrivals x work */
	static const double one[1] = { 1 };
	orgmri_sim_model m;
	mmc_model(&m, 0.2, 1, 1, 60);
	m.p_visit[ORGMRI_STAGE_REVIEW] = 0;
	m.p_visit[ORGMRI_STAGE_CODING] = 1;
	m.stage[ORGMRI_STAGE_CODING].samples = one;
	m.stage[ORGMRI_STAGE_CODING].nsamples = 1;
	orgmri_sim_options o = { 8, 2, 5 };
	orgmri_sim_result r;
	assert_int_equal(orgmri_sim_run(&m, &o, &r, NULL), 0);
	assert_true(fabs(r.util[ORGMRI_STAGE_CODING].mean - 0.2) < 0.01);
	m.p_unobserved = 0.25;   /* 0.2 x 0.75 */
	assert_int_equal(orgmri_sim_run(&m, &o, &r, NULL), 0);
	assert_true(fabs(r.util[ORGMRI_STAGE_CODING].mean - 0.15) < 0.01);
	/* trace-driven: one arrival every 10 h over 4 weeks, every other
	 * one flagged; p_unobserved does not apply to them */
	double times[67];
	uint8_t flags[67];
	for (int i = 0; i < 67; i++) {
		times[i] = 10.0 * i;
		flags[i] = (uint8_t)(i % 2);
	}
	m.arrival_times = times;
	m.narrivals = 67;
	m.warmup_weeks = 0;
	m.horizon_weeks = 4;
	assert_int_equal(orgmri_sim_run(&m, &o, &r, NULL), 0);
	assert_true(fabs(r.work[ORGMRI_STAGE_CODING].mean - 1) < 1e-12);
	double all = r.util[ORGMRI_STAGE_CODING].mean;   /* 67 h / 672 h */
	assert_true(fabs(all - 67.0 / 672) < 1e-9);
	m.arrival_unobserved = flags;   /* 33 of 67 skip coding, 34 code */
	assert_int_equal(orgmri_sim_run(&m, &o, &r, NULL), 0);
	assert_true(fabs(r.util[ORGMRI_STAGE_CODING].mean - 34.0 / 672) < 1e-9);
}

/* Releases that shipped a change: the distinct deploy-stage ends in the
 * window calibrate the train (with the gaps at the window's edges), the
 * deployments that shipped nothing only count as deployments; a
 * backtest takes the later ones as its schedule and the age of the last
 * earlier one. */
static void test_release_calibration(void **state)
{
	(void)state;
	orgmri_sim_item items[5] = {
		window_item(0, 10, 20), window_item(5, 15, 20),
		window_item(30, 40, 50), window_item(60, 70, 120),
		window_item(150, 160, 200),
	};
	int64_t deploys[4], incidents[1] = { (int64_t)(21 * MS_H) };
	static const double dep_h[4] = { 20, 35, 50, 80 };   /* 35, 80 empty */
	for (int i = 0; i < 4; i++)
		deploys[i] = (int64_t)(dep_h[i] * MS_H);
	orgmri_sim_input in = window_input(items, 4);
	in.deploys = deploys;
	in.ndeploys = 4;
	in.incidents = incidents;
	in.nincidents = 1;
	orgmri_sim_calibration cal;
	assert_int_equal(orgmri_sim_calibrate(&in, &cal, NULL), 0);
	assert_int_equal(cal.nreleases, 2);
	assert_true(cal.releases[0] == (int64_t)(20 * MS_H) &&
	            cal.releases[1] == (int64_t)(50 * MS_H));
	/* all deployments 15, 15, 30 h apart; the train 20, 30, 50 h */
	assert_true(fabs(cal.deploy_interval_p50 - 15) < 1e-9);
	assert_int_equal(cal.model.ndeploy_intervals, 3);
	double sum = 0;
	for (size_t i = 0; i < 3; i++)
		sum += cal.model.deploy_intervals[i];
	assert_true(fabs(sum - 100) < 1e-9);
	assert_true(fabs(cal.release_interval_p50 - 30) < 1e-9);
	assert_true(fabs(cal.model.p_incident - 0.5) < 1e-9);   /* 1 of 2 */
	orgmri_sim_calibration_free(&cal);

	in.nitems = 5;
	orgmri_sim_backtest bt;
	assert_int_equal(orgmri_sim_backtest_prepare(&in, (int64_t)(100 * MS_H),
	                 (int64_t)(250 * MS_H), 0, &bt, NULL), 0);
	assert_int_equal(bt.nreleases, 2);                 /* 120, 200 h */
	assert_true(fabs(bt.releases[0] - 20) < 1e-9 && fabs(bt.releases[1] - 100)
	            < 1e-9);
	assert_true(fabs(bt.release_age - 50) < 1e-9);     /* 100 - 50 */
	assert_int_equal(bt.changes, 1);
	orgmri_sim_backtest_free(&bt);
}

/* Visits that ended in [start, end) calibrate, arrivals in it count, and
 * with no change done in it the stages' shares route the items. */
static void test_calibration_window(void **state)
{
	(void)state;
	orgmri_sim_item items[4] = {
		window_item(0, 10, 50),     /* all in the window */
		window_item(90, 150, 160),  /* arrived in it, coded after it */
		window_item(-50, 20, 30),   /* arrived before it */
		window_item(40, 60, 0),     /* unfinished */
	};
	orgmri_sim_input in = window_input(items, 4);
	orgmri_sim_calibration cal;
	assert_int_equal(orgmri_sim_calibrate(&in, &cal, NULL), 0);
	assert_int_equal(cal.narrivals, 3);
	assert_int_equal(cal.fit[ORGMRI_STAGE_CODING].visits, 3);   /* 0, 2, 3 */
	assert_int_equal(cal.model.ndeploy_waits, 2);              /* 0, 2 */
	assert_true(fabs(cal.deploy_wait_p50 - 25) < 1e-9);       /* 40 and 10 */
	assert_int_equal(cal.model.nprofiles, 2);
	orgmri_sim_calibration_free(&cal);

	in.end = (int64_t)(25 * MS_H);   /* nothing done in [0, 25 h) */
	assert_int_equal(orgmri_sim_calibrate(&in, &cal, NULL), 0);
	assert_int_equal(cal.model.nprofiles, 0);
	assert_true(fabs(cal.model.p_visit[ORGMRI_STAGE_CODING] - 0.5) < 1e-9);
	assert_true(cal.model.p_visit[ORGMRI_STAGE_DEPLOY] == 0);
	orgmri_sim_calibration_free(&cal);
}

/* ---- an independent history: FIFO c-server stations in series --------- */

typedef struct truth_stage {
	int c;
	double mean;      /* exponential work, hours */
	double p;         /* share of items visiting */
} truth_stage;

static uint64_t tr_state;
static double tr_uniform(void)
{
	/* a 64-bit LCG (Knuth MMIX), top 53 bits */
	tr_state = tr_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (double)(tr_state >> 11) / 9007199254740992.0;
}
static double tr_exp(double mean) { return -mean * log(1 - tr_uniform()); }

typedef struct order_ent { double t; size_t i; } order_ent;
static int cmp_order(const void *a, const void *b)
{
	const order_ent *x = a, *y = b;
	return (x->t > y->t) - (x->t < y->t);
}

/* Items get arrival times (hours) at rate lambda per hour over `hours`,
 * pass the stations in order (each in FIFO order of arrival at it), then
 * wait for the next daily deployment at 24 k + 10 hours. */
static size_t make_history(const truth_stage *st, double lambda, double hours,
                           orgmri_sim_item **out, double **lead_hours)
{
	size_t cap = (size_t)(lambda * hours * 1.3) + 100, n = 0;
	orgmri_sim_item *it = calloc(cap, sizeof(*it));
	double *now = calloc(cap, sizeof(double));
	order_ent *ord = calloc(cap, sizeof(*ord));
	for (double t = tr_exp(1 / lambda); t < hours && n < cap;
	     t += tr_exp(1 / lambda)) {
		memset(&it[n], 0, sizeof(it[n]));
		for (int s = 0; s < ORGMRI_SIM_NSTAGES; s++)
			it[n].span[s] = -1;
		it[n].arrival = (int64_t)(t * MS_H);
		now[n] = t;
		n++;
	}
	for (int s = 0; s < ORGMRI_STAGE_DEPLOY; s++) {
		if (st[s].p <= 0)
			continue;
		size_t k = 0;
		for (size_t i = 0; i < n; i++) {
			/* decide the visit first so the stream is order-free */
			if (st[s].p >= 1 || tr_uniform() < st[s].p)
				ord[k++] = (order_ent){ now[i], i };
		}
		qsort(ord, k, sizeof(*ord), cmp_order);
		double free_at[64] = { 0 };
		for (size_t j = 0; j < k; j++) {
			size_t i = ord[j].i;
			int best = 0;
			for (int x = 1; x < st[s].c; x++)
				if (free_at[x] < free_at[best])
					best = x;
			double begin = now[i] > free_at[best] ? now[i] : free_at[best];
			double end = begin + tr_exp(st[s].mean);
			free_at[best] = end;
			it[i].end[s] = (int64_t)(end * MS_H);
			it[i].span[s] = (double)(it[i].end[s] -
			                 (int64_t)(now[i] * MS_H)) / MS_H;
			it[i].actor[s] = (uint32_t)(1 + 100 * s + best);
			now[i] = end;
		}
	}
	*lead_hours = calloc(n ? n : 1, sizeof(double));
	for (size_t i = 0; i < n; i++) {
		double dep = ceil((now[i] - 10) / 24) * 24 + 10;
		it[i].end[ORGMRI_STAGE_DEPLOY] = (int64_t)(dep * MS_H);
		it[i].span[ORGMRI_STAGE_DEPLOY] = (double)(it[i].end[ORGMRI_STAGE_DEPLOY]
		                                 - (int64_t)(now[i] * MS_H)) / MS_H;
		it[i].actor[ORGMRI_STAGE_DEPLOY] = 999;
		it[i].done = it[i].end[ORGMRI_STAGE_DEPLOY];
		it[i].size = 50;
		it[i].tier = ORGMRI_TIER_LOW;
		(*lead_hours)[i] = (double)(it[i].done - it[i].arrival) / MS_H;
	}
	free(now);
	free(ord);
	*out = it;
	return n;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void test_backtest_synthetic(void **state)
{
	(void)state;
	/* review is the constraint: rho = 0.6 * 5.5 / 4 = 0.825; then
	 * security, 0.6 * 0.3 * 7 / 2 = 0.63 */
	const truth_stage st[ORGMRI_SIM_NSTAGES] = {
		{ 20, 16, 1 }, { 6, 2, 1 }, { 4, 5.5, 1 }, { 2, 7, 0.3 },
		{ 1, 1, 0 }, { 3, 1, 1 }, { 0, 0, 1 },
	};
	double lambda = 0.6;   /* per hour, about 100 items a week */
	tr_state = 42;
	orgmri_sim_item *all;
	double *lead;
	size_t n = make_history(st, lambda, 24 * WEEK, &all, &lead);

	/* calibrate on weeks [0, 12) */
	orgmri_sim_input in;
	memset(&in, 0, sizeof(in));
	in.items = all;
	in.start = 0;
	in.end = (int64_t)(12 * WEEK * MS_H);
	while (in.nitems < n && all[in.nitems].arrival < in.end)
		in.nitems++;
	int64_t deps[12 * 7];
	for (int d = 0; d < 12 * 7; d++)
		deps[d] = (int64_t)((24.0 * d + 10) * MS_H);
	in.deploys = deps;
	in.ndeploys = 12 * 7;
	orgmri_sim_calibration cal;
	orgmri_error err;
	assert_int_equal(orgmri_sim_calibrate(&in, &cal, &err), 0);
	assert_int_equal(cal.model.stage[ORGMRI_STAGE_REVIEW].servers, 4);
	assert_int_equal(cal.model.stage[ORGMRI_STAGE_SECURITY].servers, 2);
	assert_int_equal(cal.model.stage[ORGMRI_STAGE_CODING].servers, 20);

	/* the next 12 weeks, with their actual arrivals (from week 10 on, the
	 * first two weeks as warm-up) */
	size_t first = 0, last = 0;
	while (first < n && all[first].arrival < (int64_t)(10 * WEEK * MS_H))
		first++;
	size_t meas = first;
	while (meas < n && all[meas].arrival < (int64_t)(12 * WEEK * MS_H))
		meas++;
	last = n;
	double *arr = calloc(last - first, sizeof(double));
	for (size_t i = first; i < last; i++)
		arr[i - first] = (double)all[i].arrival / MS_H - 10 * WEEK;
	orgmri_sim_model m = cal.model;
	m.arrival_times = arr;
	m.narrivals = last - first;
	m.warmup_weeks = 2;
	m.horizon_weeks = 14;
	orgmri_sim_options o = { 100, 2, 1 };
	orgmri_sim_result r;
	assert_int_equal(orgmri_sim_run(&m, &o, &r, &err), 0);
	double *actual = lead + meas;
	size_t na = last - meas;
	qsort(actual, na, sizeof(double), cmp_d);
	double med = na % 2 ? actual[na / 2] :
	             (actual[na / 2 - 1] + actual[na / 2]) / 2;
	double errp = 100 * (r.lead_p50.mean / med - 1);
	print_message("backtest (synthetic): actual median lead %.2f h, "
	              "simulated %.2f h [%.2f, %.2f], error %+.1f%%, "
	              "constraint %s\n", med, r.lead_p50.mean, r.lead_p50.lo,
	              r.lead_p50.hi, errp, orgmri_sim_stage_name(r.constraint));
	print_message("  utilisation: review %.3f security %.3f; work review "
	              "%.2f h security %.2f h\n", r.util[ORGMRI_STAGE_REVIEW].mean,
	              r.util[ORGMRI_STAGE_SECURITY].mean,
	              r.work[ORGMRI_STAGE_REVIEW].mean,
	              r.work[ORGMRI_STAGE_SECURITY].mean);
	assert_true(fabs(errp) < 15);
	assert_int_equal(r.constraint, ORGMRI_STAGE_REVIEW);

	/* relieving review moves the constraint (review +1, then the next) */
	int order[3], added[3];
	orgmri_sim_options o2 = { 20, 2, 1 };
	assert_int_equal(orgmri_sim_migration(&m, &o2, 2, order, added, &err), 3);
	/* review (0.825 with 4 people) is relieved by one or two more
	 * reviewers (0.66, 0.55), leaving security (0.63) as the busiest;
	 * one more security reviewer (0.42) leaves review again */
	print_message("migration: %s -(+%d)-> %s -(+%d)-> %s\n",
	              orgmri_sim_stage_name(order[0]), added[1],
	              orgmri_sim_stage_name(order[1]), added[2],
	              orgmri_sim_stage_name(order[2]));
	assert_int_equal(order[0], ORGMRI_STAGE_REVIEW);
	assert_int_equal(order[1], ORGMRI_STAGE_SECURITY);
	assert_true(added[1] == 1 || added[1] == 2);
	assert_int_equal(order[2], ORGMRI_STAGE_REVIEW);
	assert_int_equal(added[2], 1);
	free(arr);
	orgmri_sim_calibration_free(&cal);
	free(all);
	free(lead);
}

/* Large inputs take the bracketed selection of stats.c (n >= 65536):
 * the same values as sorting, for random data with ties, sorted and
 * reversed data, a trend (as lead times in completion order), all equal
 * values, and ranks close together (brackets that merge). */
static void test_quantile_select_large(void **state)
{
	(void)state;
	unsigned st = 11;
	const size_t ns[] = { 65536, 70001, 200003 };
	const double ps[] = { 0, 0.15, 0.5, 0.51, 0.85, 0.95, 0.999, 1 };
	for (size_t in = 0; in < 3; in++) {
		size_t n = ns[in];
		double *a = malloc(n * sizeof(double)), *b = malloc(n * sizeof(double));
		for (int kind = 0; kind < 5; kind++) {
			for (size_t i = 0; i < n; i++) {
				double r = (double)(rand_r(&st) % 1000);
				a[i] = kind == 0 ? r : kind == 1 ? (double)i :
				       kind == 2 ? (double)(n - i) :
				       kind == 3 ? (double)i * 0.01 + r : 7.0;
			}
			memcpy(b, a, n * sizeof(double));
			sim_sort(b, n);
			double q[8];
			sim_quantiles_unsorted(a, n, ps, q, 8);
			for (size_t k = 0; k < 8; k++)
				assert_true(q[k] == sim_quantile(b, n, ps[k]));
			/* the three of every replication summary, from a fresh copy */
			for (size_t i = 0; i < n; i++)
				a[i] = b[(i * 7919) % n];
			const double p3[] = { 0.5, 0.85, 0.95 };
			sim_quantiles_unsorted(a, n, p3, q, 3);
			for (size_t k = 0; k < 3; k++)
				assert_true(q[k] == sim_quantile(b, n, p3[k]));
		}
		free(a);
		free(b);
	}
}

static void test_quantile_select(void **state)
{
	(void)state;
	unsigned st = 5;
	for (size_t n = 1; n < 300; n += 7) {
		double *a = malloc(n * sizeof(double)), *b = malloc(n * sizeof(double));
		for (size_t i = 0; i < n; i++)
			a[i] = b[i] = (double)(rand_r(&st) % 50);   /* with ties */
		sim_sort(b, n);
		const double ps[] = { 0, 0.15, 0.5, 0.85, 0.95, 1 };
		for (size_t k = 0; k < 6; k++)
			assert_true(sim_quantile_unsorted(a, n, ps[k]) ==
			            sim_quantile(b, n, ps[k]));
		double q[6];
		for (size_t i = 0; i < n; i++)   /* shuffle back to random */
			a[i] = (double)(rand_r(&st) % 50);
		memcpy(b, a, n * sizeof(double));
		sim_sort(b, n);
		sim_quantiles_unsorted(a, n, ps, q, 6);
		for (size_t k = 0; k < 6; k++)
			assert_true(q[k] == sim_quantile(b, n, ps[k]));
		free(a);
		free(b);
	}
	/* type 7 by hand: 1..4, p = 0.5 -> 2.5; p = 0.85 -> 3.55 */
	double x[4] = { 4, 1, 3, 2 };
	assert_true(fabs(sim_quantile_unsorted(x, 4, 0.5) - 2.5) < 1e-12);
	assert_true(fabs(sim_quantile_unsorted(x, 4, 0.85) - 3.55) < 1e-12);
}

/* Median lead time of the truth's items arriving in weeks [12, 24). */
static double truth_median(const truth_stage *st, double lambda,
                           uint64_t seed)
{
	orgmri_sim_item *all;
	double *lead;
	tr_state = seed;
	size_t n = make_history(st, lambda, 24 * WEEK, &all, &lead);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (all[i].arrival >= (int64_t)(12 * WEEK * MS_H))
			lead[k++] = lead[i];
	qsort(lead, k, sizeof(double), cmp_d);
	double med = k % 2 ? lead[k / 2] : (lead[k / 2 - 1] + lead[k / 2]) / 2;
	free(all);
	free(lead);
	return med;
}

/* Against ground truth: calibrate on the first 12 weeks of an
 * organisation, simulate a change, then regenerate the organisation with
 * that change applied and compare median lead times. */
static void test_ground_truth_scenarios(void **state)
{
	(void)state;
	truth_stage st[ORGMRI_SIM_NSTAGES] = {
		{ 20, 16, 1 }, { 6, 2, 1 }, { 4, 5.5, 1 }, { 2, 7, 0.3 },
		{ 1, 1, 0 }, { 3, 1, 1 }, { 0, 0, 1 },
	};
	double lambda = 0.6;
	orgmri_sim_item *all;
	double *lead;
	tr_state = 42;
	size_t n = make_history(st, lambda, 24 * WEEK, &all, &lead);
	orgmri_sim_input in;
	memset(&in, 0, sizeof(in));
	in.items = all;
	in.end = (int64_t)(12 * WEEK * MS_H);
	while (in.nitems < n && all[in.nitems].arrival < in.end)
		in.nitems++;
	int64_t deps[12 * 7];
	for (int d = 0; d < 12 * 7; d++)
		deps[d] = (int64_t)((24.0 * d + 10) * MS_H);
	in.deploys = deps;
	in.ndeploys = 12 * 7;
	orgmri_sim_calibration cal;
	assert_int_equal(orgmri_sim_calibrate(&in, &cal, NULL), 0);
	static const struct {
		const char *scenario;
		int stage;          /* truth change: stage servers/time, or -1 */
		int add;
		double time_scale, arrival_scale;
	} cases[] = {
		{ "review.capacity+1", ORGMRI_STAGE_REVIEW, 1, 1, 1 },
		{ "coding.time*0.6", ORGMRI_STAGE_CODING, 0, 0.6, 1 },
		{ "arrivals*1.08", -1, 0, 1, 1.08 },
		/* overloads security (rho 1.26); the median item skips it */
		{ "security.capacity-1", ORGMRI_STAGE_SECURITY, -1, 1, 1 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		truth_stage t2[ORGMRI_SIM_NSTAGES];
		memcpy(t2, st, sizeof(t2));
		if (cases[i].stage >= 0) {
			t2[cases[i].stage].c += cases[i].add;
			t2[cases[i].stage].mean *= cases[i].time_scale;
		}
		double truth = truth_median(t2, lambda * cases[i].arrival_scale, 43);
		orgmri_sim_scenario sc;
		orgmri_sim_model m = cal.model;
		assert_int_equal(orgmri_sim_scenario_parse(cases[i].scenario, &sc,
		                 NULL), 0);
		assert_int_equal(orgmri_sim_scenario_apply(&sc, &m, NULL), 0);
		m.warmup_weeks = 4;
		m.horizon_weeks = 16;
		orgmri_sim_options o = { 60, 2, 5 };
		orgmri_sim_result r;
		assert_int_equal(orgmri_sim_run(&m, &o, &r, NULL), 0);
		double e = 100 * (r.lead_p50.mean / truth - 1);
		print_message("ground truth %-20s regenerated median %.2f h, "
		              "predicted %.2f h, error %+.1f%%\n", cases[i].scenario,
		              truth, r.lead_p50.mean, e);
		assert_true(fabs(e) < 15);
	}
	orgmri_sim_calibration_free(&cal);
	free(all);
	free(lead);
}

/* ---- scenarios ------------------------------------------------------- */

static void test_scenario_parse_apply(void **state)
{
	(void)state;
	orgmri_sim_scenario sc;
	orgmri_error err;
	assert_int_equal(orgmri_sim_scenario_parse("faster: coding.time*0.6, "
	                 "security.capacity+2, arrivals*1.98, security.skip=low, "
	                 "review.queue=priority, wip=30, deploy.cadence*0.5, "
	                 "deploy.batch=4", &sc, &err), 0);
	assert_string_equal(sc.name, "faster");
	assert_int_equal(sc.nchanges, 8);
	orgmri_sim_model m;
	mmc_model(&m, 1, 1, 1, 10);
	m.stage[ORGMRI_STAGE_SECURITY].servers = 3;
	assert_int_equal(orgmri_sim_scenario_apply(&sc, &m, &err), 0);
	assert_true(fabs(m.stage[ORGMRI_STAGE_CODING].time_scale - 0.6) < 1e-12);
	assert_int_equal(m.stage[ORGMRI_STAGE_SECURITY].servers, 5);
	assert_true(fabs(m.arrival_scale - 1.98) < 1e-12);
	assert_int_equal(m.stage[ORGMRI_STAGE_SECURITY].skip_tier,
	                 ORGMRI_TIER_LOW);
	assert_int_equal(m.stage[ORGMRI_STAGE_REVIEW].queue, ORGMRI_SIM_PRIORITY);
	assert_int_equal(m.wip, 30);
	assert_true(fabs(m.cadence_scale - 0.5) < 1e-12);
	assert_int_equal(m.batch_max, 4);

	assert_int_equal(orgmri_sim_scenario_parse("review.capacity-1", &sc,
	                 &err), 0);
	assert_string_equal(sc.name, "review.capacity-1");
	assert_int_equal(orgmri_sim_scenario_apply(&sc, &m, &err), ORGMRI_EINVAL);
	assert_non_null(strstr(err.message, "at least 1"));

	static const char *const bad[] = {
		"coding.speed*2", "deploy.time*2", "coding.time+1", "arrivals*x",
		"security.skip=sometimes", "review.capacity+1.5", "wip",
		"deploy.cadence*0", "nosuch.capacity+1",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		orgmri_error_clear(&err);
		assert_int_equal(orgmri_sim_scenario_parse(bad[i], &sc, &err),
		                 ORGMRI_EINVAL);
		assert_non_null(strstr(err.message, "scenario term"));
	}

	char *dir = tu_tempdir();
	char *path = tu_write(dir, "s.txt", "# what-ifs\n\nsec: security."
	                      "capacity+2\nai: coding.time*0.6 # comment\n"
	                      "bad: review.tim*2\n");
	orgmri_sim_scenario *list;
	size_t nl;
	assert_int_equal(orgmri_sim_scenario_load(path, &list, &nl, &err),
	                 ORGMRI_EINVAL);
	assert_int_equal(err.line, 5);
	free(tu_write(dir, "s.txt", "sec: security.capacity+2\nai: "
	              "coding.time*0.6\n"));
	assert_int_equal(orgmri_sim_scenario_load(path, &list, &nl, &err), 0);
	assert_int_equal(nl, 2);
	assert_string_equal(list[1].name, "ai");
	free(list);
	free(path);
	tu_rmtree(dir);
	free(dir);
}

/* ---- forecasts ------------------------------------------------------- */

static void test_forecast(void **state)
{
	(void)state;
	double out[3];
	const double five[4] = { 5, 5, 5, 5 };
	assert_int_equal(orgmri_sim_forecast_when(five, 4, 20, 1000, 1, out, NULL), 0);
	assert_true(out[0] == 4 && out[1] == 4 && out[2] == 4);
	assert_int_equal(orgmri_sim_forecast_how_many(five, 4, 3, 1000, 1, out,
	                 NULL), 0);
	assert_true(out[0] == 15 && out[1] == 15 && out[2] == 15);
	/* weeks of 0 or 10: "when 10" needs the first 10-week; P(done in k
	 * weeks) = 1 - 0.5^k, so p50 = 1, p85 = 3 (0.875), p95 = 5 (0.969) */
	const double two[2] = { 0, 10 };
	assert_int_equal(orgmri_sim_forecast_when(two, 2, 10, 200000, 3, out, NULL), 0);
	assert_true(out[0] == 1 && out[1] == 3 && out[2] == 5);
	/* how many in 4 weeks: 10 * Binomial(4, 0.5); the 15th percentile
	 * is 10 (P(<=1) = 5/16 = 0.31), the 5th is 0 or 10 (P(0) = 1/16 =
	 * 0.0625 > 0.05 so 0), the median 20 */
	assert_int_equal(orgmri_sim_forecast_how_many(two, 2, 4, 200000, 3, out,
	                 NULL), 0);
	assert_true(out[0] == 20 && out[1] == 10 && out[2] == 0);
	const double none[2] = { 0, 0 };
	orgmri_error err;
	assert_int_equal(orgmri_sim_forecast_when(none, 2, 10, 100, 1, out, &err),
	                 ORGMRI_EINVAL);
}

/* ---- extraction from the sample organisation ------------------------- */

static void test_extract_sample(void **state)
{
	(void)state;
	char *dir = tu_tempdir();
	char db[1024], src[1024];
	snprintf(db, sizeof(db), "%s/t.db", dir);
	snprintf(src, sizeof(src), "%s/data/sample/events.jsonl",
	         getenv("ORGMRI_SOURCE_DIR"));
	orgmri_store *store;
	orgmri_error err;
	assert_int_equal(orgmri_store_open(&store, db, 0, &err), 0);
	orgmri_ingest_options opt = ORGMRI_INGEST_OPTIONS_INIT;
	assert_int_equal(orgmri_ingest_source(store, src, &opt, NULL, &err), 0);
	orgmri_table *t;
	assert_int_equal(orgmri_table_load(store, &t, &err), 0);
	orgmri_sim_input in;
	assert_int_equal(orgmri_sim_input_from_table(t, INT64_MIN, INT64_MAX,
	                 &in, &err), 0);
	assert_int_equal(in.nitems, 2);
	assert_int_equal(in.ndeploys, 1);
	assert_int_equal(in.nincidents, 1);
	assert_int_equal(in.deploys[0], tu_time("2026-03-06T09:00:00Z"));
	/* items in object-key order: #412 then #413 (hours from the JSONL) */
	const orgmri_sim_item *a = &in.items[0], *b = &in.items[1];
	const double want_a[ORGMRI_SIM_NSTAGES] = {
		1.25,                  /* 08:00 authored -> 09:15 opened */
		3.75,                  /* -> 13:00 bob's comment */
		21.0,                  /* -> 03-03 10:00 bob approves */
		78.0 + 44.0 / 60,      /* 03-02 09:16 request -> 03-05 16:00 */
		-1,                    /* no QA */
		0.5,                   /* 03-05 16:00 last approval -> 16:30 */
		16.5,                  /* -> 03-06 09:00 deployed */
	};
	const double want_b[ORGMRI_SIM_NSTAGES] = {
		20.0 / 60, 160.0 / 60, 0, -1, -1, 5.0 / 60,
		45 + 55.0 / 60,        /* 03-04 11:05 -> 03-06 09:00 */
	};
	for (int s = 0; s < ORGMRI_SIM_NSTAGES; s++) {
		if (fabs(a->span[s] - want_a[s]) > 1e-9 ||
		    fabs(b->span[s] - want_b[s]) > 1e-9)
			print_message("stage %d: %g/%g %g/%g\n", s, a->span[s],
			              want_a[s], b->span[s], want_b[s]);
		assert_true(fabs(a->span[s] - want_a[s]) < 1e-9);
		assert_true(fabs(b->span[s] - want_b[s]) < 1e-9);
	}
	assert_int_equal(a->arrival, tu_time("2026-03-02T08:00:00Z"));
	assert_int_equal(a->done, tu_time("2026-03-06T09:00:00Z"));
	assert_int_equal(a->tier, ORGMRI_TIER_MEDIUM);   /* 124 lines */
	assert_int_equal(b->tier, ORGMRI_TIER_LOW);      /* 17 lines */
	orgmri_sim_calibration cal;
	assert_int_equal(orgmri_sim_calibrate(&in, &cal, &err), 0);
	assert_int_equal(cal.fit[ORGMRI_STAGE_SECURITY].visits, 1);
	assert_true(fabs(cal.p_security[ORGMRI_TIER_MEDIUM] - 1) < 1e-12);
	assert_true(fabs(cal.model.p_incident - 1) < 1e-12);
	orgmri_sim_calibration_free(&cal);
	orgmri_sim_input_free(&in);
	orgmri_table_free(t);
	orgmri_store_close(store);
	tu_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_erlang_formula),
		cmocka_unit_test(test_mmc_matches_erlang_c),
		cmocka_unit_test(test_threads_do_not_change_results),
		cmocka_unit_test(test_engine_knobs),
		cmocka_unit_test(test_release_train),
		cmocka_unit_test(test_release_calibration),
		cmocka_unit_test(test_coding_unobserved),
		cmocka_unit_test(test_calibration_window),
		cmocka_unit_test(test_backtest_synthetic),
		cmocka_unit_test(test_ground_truth_scenarios),
		cmocka_unit_test(test_quantile_select),
		cmocka_unit_test(test_quantile_select_large),
		cmocka_unit_test(test_scenario_parse_apply),
		cmocka_unit_test(test_forecast),
		cmocka_unit_test(test_extract_sample),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
