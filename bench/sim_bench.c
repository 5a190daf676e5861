/*
 * sim_bench.c - speed of the simulation engine (run by bench/sim.sh).
 *
 *   sim_bench mmc CUSTOMERS REPS   an M/M/c queue (lambda 240/h, mu 100/h,
 *                                  c 3), CUSTOMERS in all over REPS
 *                                  replications, on one thread: events/s,
 *                                  customers/s and the mean wait Wq
 *   sim_bench org REPS THREADS     REPS replications of a year of a
 *                                  200-person organisation (below)
 *
 * The organisation: 160 developers opening 2 changes each a week (320 a
 * week), 40 reviewers (pickup and review), 3 security reviewers (30% of
 * changes), 6 QA engineers (20%), merge by 20 maintainers, a deployment
 * every 24 hours, 15% of changes with one rework loop.  Work times are
 * empirical samples (4096 lognormal draws each), as after calibration.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "orgmri/sim.h"

static double clock_s(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Wall time, and the CPU time of the whole process (all threads): the
 * latter is what other load on a shared machine disturbs least. */
static double now(void) { return clock_s(CLOCK_MONOTONIC); }
static double cpu(void) { return clock_s(CLOCK_PROCESS_CPUTIME_ID); }

static void base(orgmri_sim_model *m)
{
	memset(m, 0, sizeof(*m));
	for (int s = 0; s < ORGMRI_SIM_NSTAGES; s++) {
		m->stage[s].servers = 1;
		m->stage[s].time_scale = 1;
		m->stage[s].skip_tier = -1;
	}
	m->arrival_scale = 1;
	m->cadence_scale = 1;
}

static int mmc(long customers, unsigned reps)
{
	orgmri_sim_model m;
	base(&m);
	/* rho = 0.8; fast rates so that millions of customers fit in weeks */
	double lambda = 240, mu = 100;
	m.stage[ORGMRI_STAGE_REVIEW].servers = 3;
	m.stage[ORGMRI_STAGE_REVIEW].dist = ORGMRI_SIM_EXPONENTIAL;
	m.stage[ORGMRI_STAGE_REVIEW].mean = 1 / mu;
	m.p_visit[ORGMRI_STAGE_REVIEW] = 1;
	m.rate = lambda * 168;
	m.warmup_weeks = 1;
	m.horizon_weeks = (double)customers / reps / (lambda * 168);
	if (m.horizon_weeks > 520) {
		fprintf(stderr, "too many customers\n");
		return 1;
	}
	orgmri_sim_options o = { reps, 1, 1 };
	orgmri_sim_result r;
	orgmri_error err;
	double t0 = now(), c0 = cpu();
	if (orgmri_sim_run(&m, &o, &r, &err)) {
		fprintf(stderr, "%s\n", err.message);
		return 1;
	}
	double dt = now() - t0, dc = cpu() - c0;
	printf("mmc customers=%ld reps=%u events=%lld seconds=%.3f "
	       "cpu_seconds=%.3f customers_per_cpu_s=%.0f events_per_cpu_s=%.0f "
	       "wq_sim=%.4f wq_erlang=%.4f\n", customers, reps, r.events, dt, dc,
	       (double)customers / dc, (double)r.events / dc,
	       r.wait[ORGMRI_STAGE_REVIEW].mean,
	       orgmri_sim_erlang_c_wait(lambda, mu, 3));
	return 0;
}

/* Lognormal samples with the given median and sigma (Box-Muller). */
static double *lognormal(double median, double sigma, size_t n, unsigned *st)
{
	double *x = malloc(n * sizeof(double));
	for (size_t i = 0; i < n; i++) {
		double u1 = (rand_r(st) + 1.0) / (RAND_MAX + 2.0);
		double u2 = (rand_r(st) + 1.0) / (RAND_MAX + 2.0);
		double z = sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
		x[i] = median * exp(sigma * z);
	}
	return x;
}

static int org(unsigned reps, unsigned threads)
{
	enum { NS = 4096 };
	orgmri_sim_model m;
	base(&m);
	unsigned st = 7;
	static const struct { int stage, servers; double median, sigma; } def[] = {
		{ ORGMRI_STAGE_CODING, 160, 24, 0.8 },
		{ ORGMRI_STAGE_PICKUP, 40, 2, 1.0 },
		{ ORGMRI_STAGE_REVIEW, 40, 5, 0.8 },
		{ ORGMRI_STAGE_SECURITY, 3, 3, 0.6 },
		{ ORGMRI_STAGE_QA, 6, 5, 0.6 },
		{ ORGMRI_STAGE_MERGE, 20, 0.5, 0.8 },
	};
	double *samples[6];
	for (int i = 0; i < 6; i++) {
		samples[i] = lognormal(def[i].median, def[i].sigma, NS, &st);
		m.stage[def[i].stage].servers = def[i].servers;
		m.stage[def[i].stage].samples = samples[i];
		m.stage[def[i].stage].nsamples = NS;
	}
	/* profiles: 100 items with the routing shares above */
	orgmri_sim_profile prof[100];
	for (int i = 0; i < 100; i++) {
		prof[i].visits = 1u << ORGMRI_STAGE_CODING | 1u << ORGMRI_STAGE_PICKUP |
		                 1u << ORGMRI_STAGE_REVIEW | 1u << ORGMRI_STAGE_MERGE |
		                 1u << ORGMRI_STAGE_DEPLOY;
		if (i % 10 < 3)
			prof[i].visits |= 1u << ORGMRI_STAGE_SECURITY;
		if (i % 5 == 4)
			prof[i].visits |= 1u << ORGMRI_STAGE_QA;
		prof[i].tier = (uint8_t)(i % 3);
		prof[i].rework_loops = i % 20 < 3;
		prof[i].size = (uint32_t)(10 + 7 * i);
	}
	double *rework = lognormal(4, 0.8, NS, &st);
	double daily = 24;
	m.profiles = prof;
	m.nprofiles = 100;
	m.rework_samples = rework;
	m.nrework = NS;
	m.deploy_intervals = &daily;
	m.ndeploy_intervals = 1;
	m.p_incident = 0.05;
	m.rate = 320;
	m.warmup_weeks = 4;
	m.horizon_weeks = 52;
	orgmri_sim_options o = { reps, threads, 1 };
	orgmri_sim_result r;
	orgmri_error err;
	double t0 = now(), c0 = cpu();
	int rc = orgmri_sim_run(&m, &o, &r, &err);
	double dt = now() - t0, dc = cpu() - c0;
	if (rc)
		fprintf(stderr, "%s\n", err.message);
	else
		printf("org reps=%u threads=%u events=%lld seconds=%.3f "
		       "cpu_seconds=%.3f events_per_cpu_s=%.0f lead_p50_h=%.1f "
		       "throughput=%.1f constraint=%s util_security=%.2f\n", reps,
		       threads, r.events, dt, dc, (double)r.events / dc,
		       r.lead_p50.mean, r.throughput.mean,
		       orgmri_sim_stage_name(r.constraint),
		       r.util[ORGMRI_STAGE_SECURITY].mean);
	for (int i = 0; i < 6; i++)
		free(samples[i]);
	free(rework);
	return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "mmc") == 0)
		return mmc(atol(argv[2]), (unsigned)atoi(argv[3]));
	if (argc == 4 && strcmp(argv[1], "org") == 0)
		return org((unsigned)atoi(argv[2]), (unsigned)atoi(argv[3]));
	fprintf(stderr, "usage: sim_bench mmc CUSTOMERS REPS | org REPS THREADS\n");
	return 2;
}
