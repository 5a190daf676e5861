/*
 * sim.h - what-if simulation and delivery forecasts.
 *
 * Four steps, each usable on its own:
 *
 *   1. Extraction: orgmri_sim_input_from_table() turns the event table
 *      into one small record per work item (a change): when it arrived,
 *      how long each value-stream stage took, who ended each stage, rework
 *      loops, size and risk tier; plus deployment and incident times.
 *      Tests (and later the metrics module) may fill the same struct
 *      directly.
 *   2. Calibration: orgmri_sim_calibrate() fits, from that input, the
 *      arrival process, each stage's work-time sample and capacity, the
 *      routing, deployment cadence and incident rate.  The result owns
 *      every array; orgmri_sim_calibration.model is a ready baseline.
 *   3. Scenarios: orgmri_sim_scenario_parse() reads "coding.time*0.6,
 *      security.capacity+2" and orgmri_sim_scenario_apply() changes a copy
 *      of the model.  A model is plain data with read-only pointers into
 *      the calibration, so copying the struct is how scenarios are made.
 *   4. Simulation: orgmri_sim_run() runs many seeded replications of the
 *      discrete-event model in parallel threads and summarises them.
 *      Results depend only on the model, seed and replication count, never
 *      on the thread count.
 *
 * Time inside the simulation is in hours since the start of the simulated
 * period; weeks are 168 hours.  docs/simulation.md defines every figure.
 */
#ifndef ORGMRI_SIM_H
#define ORGMRI_SIM_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"
#include "table.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The default PR value stream (DESIGN.md), in route order. */
enum {
	ORGMRI_STAGE_CODING = 0,
	ORGMRI_STAGE_PICKUP,
	ORGMRI_STAGE_REVIEW,
	ORGMRI_STAGE_SECURITY,
	ORGMRI_STAGE_QA,
	ORGMRI_STAGE_MERGE,
	ORGMRI_STAGE_DEPLOY,
	ORGMRI_SIM_NSTAGES
};

/* Risk tiers (docs/simulation.md gives the rule). */
enum { ORGMRI_TIER_LOW = 0, ORGMRI_TIER_MEDIUM, ORGMRI_TIER_HIGH,
       ORGMRI_SIM_NTIERS };

#define ORGMRI_SIM_HOURS_PER_WEEK 168.0

/* "coding", "pickup", ...; NULL when out of range. */
const char *orgmri_sim_stage_name(int stage);
/* The stage index of a name, or -1. */
int orgmri_sim_stage_find(const char *name, size_t len);
const char *orgmri_sim_tier_name(int tier);

/* ---- 1. input: one record per work item ------------------------------ */

typedef struct orgmri_sim_item {
	int64_t arrival;   /* ms: start of its first visited stage */
	int64_t done;      /* ms: end of its last stage; 0 = unfinished */
	/* Per stage: when it ended (ms, 0 = not visited) and how long the
	 * stage lasted in hours (start = end - span). */
	int64_t end[ORGMRI_SIM_NSTAGES];
	double span[ORGMRI_SIM_NSTAGES];
	/* Who ended the stage (any id unique per person; 0 = unknown). */
	uint32_t actor[ORGMRI_SIM_NSTAGES];
	uint32_t rework_loops;   /* changes_requested during review */
	double rework_hours;     /* total time the author spent on them */
	uint32_t size;           /* lines added + deleted */
	uint32_t files;          /* files touched */
	uint8_t sensitive;       /* touches a sensitive path */
	uint8_t tier;            /* ORGMRI_TIER_* (orgmri_sim_tier) */
} orgmri_sim_item;

typedef struct orgmri_sim_input {
	orgmri_sim_item *items;
	size_t nitems;
	int64_t *deploys;        /* production deployment times, sorted */
	size_t ndeploys;
	int64_t *incidents;      /* incident opening times, sorted */
	size_t nincidents;
	int64_t start, end;      /* the window the input covers (ms) */
} orgmri_sim_input;

/* Whether an item's coding is unobserved: it visited coding and the
 * visit lasted exactly 0 (its first commit is the moment it was opened,
 * e.g. a squash merge seen only in git history, whose one commit is
 * authored when it merges).  Such an item arrives at its merge; the
 * calibration keeps its coding out of the coding work sample, and a
 * trace-driven arrival of one skips coding (docs/simulation.md, 2, 6). */
int orgmri_sim_coding_unobserved(const orgmri_sim_item *it);

/* The risk tier of a change: high when size > 500 lines or it touches a
 * sensitive path, low when size <= 100 lines and files <= 5, else medium. */
int orgmri_sim_tier(uint32_t size, uint32_t files, int sensitive);

/*
 * Fill `in` from the event table, keeping work items whose arrival lies in
 * [since, until) (INT64_MIN/INT64_MAX for no bound).  The arrays are
 * malloc'ed; free them with orgmri_sim_input_free.
 */
int orgmri_sim_input_from_table(const orgmri_table *t, int64_t since,
                                int64_t until, orgmri_sim_input *in,
                                orgmri_error *err);
void orgmri_sim_input_free(orgmri_sim_input *in);
/* The same, loading the event table from `store` first (and freeing it). */
int orgmri_sim_input_from_store(orgmri_store *store, int64_t since,
                                int64_t until, orgmri_sim_input *in,
                                orgmri_error *err);

/* ---- 2. model and calibration ------------------------------------------ */

enum { ORGMRI_SIM_EMPIRICAL = 0, ORGMRI_SIM_EXPONENTIAL };
enum { ORGMRI_SIM_FIFO = 0, ORGMRI_SIM_PRIORITY };  /* smallest first */

typedef struct orgmri_sim_stage {
	int servers;             /* capacity: people working in parallel;
	                            0 = a delay (no capacity known): every
	                            item starts at once */
	int dist;                /* ORGMRI_SIM_EMPIRICAL or _EXPONENTIAL */
	double mean;             /* hours, for EXPONENTIAL */
	const double *samples;   /* hours, for EMPIRICAL (resampled) */
	size_t nsamples;
	double time_scale;       /* work time multiplier (1 = as fitted) */
	int queue;               /* ORGMRI_SIM_FIFO or _PRIORITY */
	int skip_tier;           /* items with tier <= this skip (-1 none) */
} orgmri_sim_stage;

/* What a simulated item is like: drawn uniformly from these profiles
 * (historical items), or, with none, from visit probabilities. */
typedef struct orgmri_sim_profile {
	uint8_t visits;          /* bit s set = visits stage s */
	uint8_t tier;
	uint16_t rework_loops;
	uint32_t size;
} orgmri_sim_profile;

typedef struct orgmri_sim_model {
	orgmri_sim_stage stage[ORGMRI_SIM_NSTAGES];
	double p_visit[ORGMRI_SIM_NSTAGES];   /* used when nprofiles == 0 */
	const orgmri_sim_profile *profiles;
	size_t nprofiles;
	const double *rework_samples;         /* hours per loop */
	size_t nrework;

	/* Arrivals: a Poisson process with weekly rate
	 * max(0, rate + trend * week) * arrival_scale, or, when
	 * arrival_times is set, exactly those times (hours) with no scaling
	 * (trace-driven, for backtests). */
	double rate, trend, arrival_scale;
	const double *arrival_times;
	size_t narrivals;
	/* Coding unobserved (orgmri_sim_coding_unobserved): a trace-driven
	 * arrival i with arrival_unobserved[i] != 0 (NULL = none) skips
	 * coding, as the recorded change did; a Poisson arrival whose
	 * profile visits coding skips it with probability p_unobserved
	 * (the calibrated share of coding visits not observed). */
	const uint8_t *arrival_unobserved;
	double p_unobserved;

	/* Deployment: with deploy_waits, batch_max == 0, deploy_train == 0
	 * and no deploy_times, a merged item reaches production after a
	 * resampled observed wait (hours, times cadence_scale).  Otherwise
	 * it waits for the next release train, which takes up to batch_max
	 * merged items (0 = all): trains leave first at deploy_times (hours,
	 * ascending, not scaled: a given schedule), then after resampled
	 * deploy_intervals (hours, times cadence_scale).  The first
	 * resampled interval is drawn among those longer than deploy_age
	 * (hours since the last train before time 0; 0 = one just left)
	 * and shortened by it.  Trains also run alongside the waits, to
	 * count deployments and incidents.  Neither = done at merge. */
	const double *deploy_waits;
	size_t ndeploy_waits;
	const double *deploy_intervals;
	size_t ndeploy_intervals;
	const double *deploy_times;
	size_t ndeploy_times;
	double deploy_age;
	int deploy_train;
	double cadence_scale;
	int batch_max;
	double p_incident;        /* per deployment */

	int wip;                  /* 0, or at most this many items between
	                             start of coding and merge (CONWIP) */
	double warmup_weeks, horizon_weeks;
} orgmri_sim_model;

/* Per-stage fit report. */
typedef struct orgmri_sim_stage_fit {
	size_t visits;                 /* items that visited the stage */
	double share;                  /* visits / items */
	double span_p50, span_p85;     /* observed stage duration, hours */
	double work_p50, work_p85;     /* estimated work time, hours */
	double wait_mean;              /* estimated queue wait, hours */
	double capacity;               /* median people per active week */
	size_t capacity_weeks;         /* weeks with at least one actor */
} orgmri_sim_stage_fit;

typedef struct orgmri_sim_calibration {
	orgmri_sim_model model;        /* the baseline */
	size_t nitems;                 /* items used (in progress in the
	                                  window) */
	size_t narrivals;              /* of them, arrived in the window */
	double weeks;                  /* length of the input window */
	double rate_mean;              /* arrivals per week */
	double rate_a, rate_b;         /* least squares rate = a + b * week */
	orgmri_sim_stage_fit fit[ORGMRI_SIM_NSTAGES];
	/* Of fit[CODING].visits, those whose coding is unobserved: they are
	 * left out of coding's work sample, capacity and waits; their share
	 * is model.p_unobserved. */
	size_t coding_unobserved;
	double p_security[ORGMRI_SIM_NTIERS];  /* share per tier */
	size_t tier_n[ORGMRI_SIM_NTIERS];
	double p_rework;               /* share of reviewed items with a loop */
	double rework_loops_mean;      /* loops per reworked item */
	double rework_p50;             /* hours per loop */
	size_t ndeploys;
	double deploys_per_week, deploy_interval_p50;
	/* Releases: the distinct times at which some change of the window
	 * first reached production in it (releases that shipped a change;
	 * on git histories, not the maintenance tags), sorted, in ms.  With
	 * two or more, the train's intervals (model.deploy_intervals) are
	 * theirs; else those of all deployments. */
	const int64_t *releases;
	size_t nreleases;
	double release_interval_p50;
	double deploy_wait_p50, deploy_wait_p85;  /* merge -> production, h */
	size_t nincidents;
	void *internal;                /* owned arrays */
} orgmri_sim_calibration;

/*
 * Fit a model to `in`.  The calibration owns its arrays; the input may be
 * freed afterwards.  Fails with ORGMRI_EINVAL when there are no items.
 * Free with orgmri_sim_calibration_free.
 */
int orgmri_sim_calibrate(const orgmri_sim_input *in,
                         orgmri_sim_calibration *cal, orgmri_error *err);
void orgmri_sim_calibration_free(orgmri_sim_calibration *cal);

/* ---- 3. scenarios ------------------------------------------------------ */

#define ORGMRI_SIM_MAX_CHANGES 16

typedef struct orgmri_sim_change {
	int target;     /* a stage, or -1 for arrivals/wip */
	int knob;       /* internal code (scenario.c) */
	char op;        /* '*', '+', '-', '=' */
	double value;
} orgmri_sim_change;

typedef struct orgmri_sim_scenario {
	char name[64];
	orgmri_sim_change change[ORGMRI_SIM_MAX_CHANGES];
	int nchanges;
} orgmri_sim_scenario;

/*
 * Parse "[NAME:] TERM[, TERM]..." where TERM is one of
 *   STAGE.time*X       scale a stage's work time
 *   STAGE.capacity+N   (also -N, =N) change its number of servers
 *   STAGE.skip=TIER    items of TIER or lower skip the stage (low, medium,
 *                      high, none)
 *   STAGE.queue=fifo|priority
 *   arrivals*X         scale the arrival rate
 *   wip=N              CONWIP limit (0 = none)
 *   deploy.cadence*X   scale the interval between deployments
 *   deploy.batch=N     at most N items per deployment (0 = all)
 * The name defaults to the text itself.
 */
int orgmri_sim_scenario_parse(const char *text, orgmri_sim_scenario *sc,
                              orgmri_error *err);
/* Parse a file: one scenario per line, '#' comments, blank lines
 * ignored.  *out is malloc'ed (free()). Errors name the file and line. */
int orgmri_sim_scenario_load(const char *path, orgmri_sim_scenario **out,
                             size_t *n, orgmri_error *err);
/* Apply sc to *model in place. */
int orgmri_sim_scenario_apply(const orgmri_sim_scenario *sc,
                              orgmri_sim_model *model, orgmri_error *err);

/* ---- 4. simulation ----------------------------------------------------- */

typedef struct orgmri_sim_options {
	unsigned replications;    /* default 200 */
	unsigned threads;         /* default 2 */
	uint64_t seed;
} orgmri_sim_options;

/* A figure across replications: mean and the 2.5 and 97.5 percentiles. */
typedef struct orgmri_sim_stat {
	double mean, lo, hi;
} orgmri_sim_stat;

typedef struct orgmri_sim_result {
	unsigned replications;
	orgmri_sim_stat lead_p50, lead_p85, lead_p95, lead_mean;  /* hours */
	orgmri_sim_stat throughput;          /* items done per week */
	orgmri_sim_stat util[ORGMRI_SIM_NSTAGES];
	orgmri_sim_stat wait[ORGMRI_SIM_NSTAGES];  /* mean queue wait, hours */
	orgmri_sim_stat work[ORGMRI_SIM_NSTAGES];  /* mean work, hours */
	orgmri_sim_stat backlog_wait;        /* waiting for a WIP slot, h */
	orgmri_sim_stat deploys_per_week, incidents_per_week;
	double unfinished_share;             /* measured items not done */
	int constraint;                      /* stage with highest mean util */
	long long events;                    /* events processed, all reps */
} orgmri_sim_result;

/* Run opts->replications replications of `model`. */
int orgmri_sim_run(const orgmri_sim_model *model,
                   const orgmri_sim_options *opts, orgmri_sim_result *res,
                   orgmri_error *err);

/*
 * The constraint's migration (Goldratt's "elevate, repeat"): starting from
 * `model`, add people to the constraint one at a time until another stage
 * has the highest utilisation; that stage is the next constraint.  Up to
 * `steps` migrations.  order[0] is the model's constraint (-1 if none);
 * order[i] the constraint after added[i] people were added to order[i-1].
 * Stops early when ORGMRI_SIM_MIGRATE_MAX_ADD people do not move it.
 * Both arrays need steps + 1 entries.  Returns the entries written, or a
 * negative error.
 */
#define ORGMRI_SIM_MIGRATE_MAX_ADD 10
int orgmri_sim_migration(const orgmri_sim_model *model,
                         const orgmri_sim_options *opts, int steps,
                         int *order, int *added, orgmri_error *err);

/* Erlang C: the mean queue wait of an M/M/c queue with arrival rate
 * lambda and service rate mu per server (same time unit), or -1 when
 * unstable (lambda >= c * mu). */
double orgmri_sim_erlang_c_wait(double lambda, double mu, int c);

/* ---- backtest ---------------------------------------------------------- */

/* A later period's actual changes, to compare a calibrated model with. */
typedef struct orgmri_sim_backtest {
	double *arrivals;        /* hours since from - warmup, sorted (owned) */
	size_t narrivals;        /* arrivals in [from - warmup, to) */
	uint8_t *unobserved;     /* per arrival: 1 = its coding is unobserved
	                            (owned) */
	size_t nunobserved;      /* arrivals with the flag */
	size_t changes_unobserved;   /* of `changes`, those with the flag */
	size_t changes;          /* changes that arrived in [from, to) */
	size_t finished;         /* of them, done: their lead time is known */
	double actual_p50, actual_p85;   /* hours, done - arrival */
	double actual_p50_lo, actual_p50_hi;   /* about 95% interval of the
	                                          actual median (order
	                                          statistics) */
	double warmup_weeks, horizon_weeks;
	/* Releases that shipped a change (the distinct first-production
	 * times of the changes), at or after from - warmup: hours since
	 * then, sorted (owned); and the hours from the last such release
	 * before it to it (-1 = none known). */
	double *releases;
	size_t nreleases;
	double release_age;
	/* The merge -> production waits (hours) of the changes merged from
	 * from - warmup until to and deployed (at any time), owned: the
	 * release behaviour that was actually followed, for
	 * ORGMRI_SIM_RELEASES_ACTUAL_WAITS. */
	double *waits;
	size_t nwaits;
} orgmri_sim_backtest;

/* How a simulated merged change reaches production (--releases). */
enum {
	ORGMRI_SIM_RELEASES_WAITS = 0,   /* its own resampled observed wait */
	ORGMRI_SIM_RELEASES_TRAIN,       /* the next train; calibrated cadence */
	ORGMRI_SIM_RELEASES_ACTUAL,      /* the next of the backtest period's
	                                    actual releases */
	ORGMRI_SIM_RELEASES_ACTUAL_WAITS /* its own wait resampled from the
	                                    backtest period's actual waits */
};

/*
 * From `all` (the history read without an `until` bound, so later stages
 * are known), collect the changes that arrived in [from, to) and their
 * actual lead times, the arrival times in [from - warmup_weeks, to)
 * that drive the simulation, and the releases (above).  `all` should
 * start no later than the calibration window, so that the last release
 * before from - warmup is in it.  Free with orgmri_sim_backtest_free.
 */
int orgmri_sim_backtest_prepare(const orgmri_sim_input *all, int64_t from,
                                int64_t to, double warmup_weeks,
                                orgmri_sim_backtest *bt, orgmri_error *err);
/* Make *m simulate the backtest period with its actual arrivals: the
 * model borrows bt->arrivals (keep bt alive while m is used). */
void orgmri_sim_backtest_apply(const orgmri_sim_backtest *bt,
                               orgmri_sim_model *m);
/* Set how merged changes reach production (ORGMRI_SIM_RELEASES_*).
 * TRAIN: the calibrated train, its first interval conditioned on the
 * time since the last release (bt->release_age; bt may be NULL, then
 * 0).  ACTUAL (needs bt): trains leave at bt->releases (borrowed), then
 * at calibrated intervals.  ACTUAL_WAITS (needs bt): each merged change
 * waits one of bt->waits (borrowed), as with WAITS.  Returns
 * ORGMRI_EINVAL for ACTUAL or ACTUAL_WAITS without a backtest or a
 * release (a wait) in it. */
int orgmri_sim_releases_apply(const orgmri_sim_backtest *bt, int mode,
                              orgmri_sim_model *m, orgmri_error *err);
void orgmri_sim_backtest_free(orgmri_sim_backtest *bt);

/* ---- forecasts --------------------------------------------------------- */

/* Items done per week over the `nweeks` whole weeks ending at `end` (ms),
 * oldest first, from item done times.  *out is malloc'ed. */
int orgmri_sim_forecast_weekly(const orgmri_sim_input *in, int64_t end,
                               size_t nweeks, double **out,
                               orgmri_error *err);

/*
 * Monte Carlo from resampled weekly throughput (docs/simulation.md):
 * "when": weeks needed to finish `items`, at 50/85/95% (p-th percentile
 * of trials);  "how many": items done within `weeks` whole weeks, at
 * 50/85/95% confidence (the 50th/15th/5th percentile of trials).
 * Trials needing more than 520 weeks count as 521 in "when".
 */
int orgmri_sim_forecast_when(const double *weekly, size_t nweeks,
                             long items, unsigned trials, uint64_t seed,
                             double out[3], orgmri_error *err);
int orgmri_sim_forecast_how_many(const double *weekly, size_t nweeks,
                                 long weeks, unsigned trials, uint64_t seed,
                                 double out[3], orgmri_error *err);

#ifdef __cplusplus
}
#endif
#endif
