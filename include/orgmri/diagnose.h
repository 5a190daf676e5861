/*
 * diagnose.h - the diagnosis: before/after comparison, the constraint,
 * health indicators and what to fix first (docs/diagnosis.md).
 *
 * The building blocks work on plain arrays so that each can be checked on
 * small hand-made cases; orgmri_diagnose (diagnosis.h's glue, in
 * src/diagnose/diagnose.c) fills them from the value-stream model.
 */
#ifndef ORGMRI_DIAGNOSE_H
#define ORGMRI_DIAGNOSE_H

#include <stddef.h>
#include <stdint.h>
#include "config.h"
#include "error.h"
#include "map.h"
#include "model.h"
#include "table.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- comparing two periods ------------------------------------------- */

/* A before/after figure with a bootstrap interval for the change. */
typedef struct orgmri_diff {
	double before, after;   /* the statistic in each period (NAN: no data) */
	double delta;           /* after - before */
	double lo, hi;          /* 95% percentile-bootstrap interval of delta */
	size_t n_before, n_after;
	int significant;        /* the interval excludes 0 */
	int normal;             /* the interval is the large-sample normal one,
	                           not the bootstrap (see orgmri_diff_compute) */
} orgmri_diff;

typedef enum orgmri_diff_stat {
	ORGMRI_DIFF_MEDIAN = 0,
	ORGMRI_DIFF_MEAN = 1
} orgmri_diff_stat;

/*
 * Compare samples a (before) and b (after) on their median or mean, with
 * `reps` bootstrap resamples seeded by `seed` (same inputs and seed, same
 * interval).  NaN values in the samples are ignored.  When the two
 * samples hold more than ORGMRI_BOOTSTRAP_MAX values together, the
 * bootstrap (reps x n work) gives way to the large-sample normal interval,
 * delta +- 1.96 sqrt(se_a^2 + se_b^2), with se of a mean = sd / sqrt(n) and
 * se of a median from its distribution-free order-statistic interval;
 * `normal` says so.  Returns 0, or ORGMRI_ENOMEM.
 */
#define ORGMRI_BOOTSTRAP_MAX 40000

int orgmri_diff_compute(const double *a, size_t na, const double *b,
                        size_t nb, orgmri_diff_stat stat, int reps,
                        uint64_t seed, orgmri_diff *out);

/*
 * Additive decomposition of the change in mean lead time: with each
 * item's lead time the sum of its stage spans (a missing span counts 0),
 * mean(lead) = sum over stages of mean(span), so
 *   contribution[s] = mean_after(span_s) - mean_before(span_s)
 * adds up exactly to the change in mean lead time.  `before` and `after`
 * are row-major [item * nstages + stage] in hours, NaN = missing.
 * total_before/after receive the mean lead times.
 */
int orgmri_decompose_means(const double *before, size_t nb,
                           const double *after, size_t na, size_t nstages,
                           double *contribution, double *total_before,
                           double *total_after);

/* ---- the constraint ---------------------------------------------------- */

/* One pass of one work item through one stage. */
typedef struct orgmri_visit {
	int64_t arrive;   /* the stage started (ms) */
	int64_t depart;   /* the stage ended (ms) */
	uint32_t server;  /* who completed it, 0 = unknown */
} orgmri_visit;

/* What a stage's visits say about its load within one period. */
typedef struct orgmri_stage_load {
	size_t visits;               /* visits departing in the period */
	size_t served;               /* of which with a known server */
	double weeks;                /* period length */
	double arrivals_per_week;
	double departures_per_week;
	double queue_growth_per_week;/* (wip at end - wip at start) / weeks */
	double wip_mean;             /* time-weighted, in the period */
	int servers;                 /* distinct people completing visits */
	double service_h_mean;       /* estimated work per visit, hours */
	double service_h_p50;
	double wait_h_mean;          /* span minus estimated work, hours */
	double span_h_p50;
	double utilisation;          /* busy time / (servers x period), or
	                                NAN without servers */
	double wait_load_corr;       /* Spearman rank correlation of weekly
	                                arrivals and weekly mean wait, NAN when
	                                under 4 weeks have both */
} orgmri_stage_load;

/*
 * Load of one stage in [from, to) from its visits (any order).  Work per
 * visit is estimated from departures, assuming each person finishes one
 * item at a time: work = depart - max(arrive, that person's previous
 * departure).  This is exact for a work-conserving first-come queue and
 * an upper bound on work otherwise (docs/diagnosis.md).
 */
int orgmri_stage_load_compute(const orgmri_visit *v, size_t n, int64_t from,
                              int64_t to, orgmri_stage_load *out);

typedef enum orgmri_confidence {
	ORGMRI_CONF_CANNOT_TELL = 0,
	ORGMRI_CONF_LOW,
	ORGMRI_CONF_MEDIUM,
	ORGMRI_CONF_HIGH
} orgmri_confidence;

const char *orgmri_confidence_name(orgmri_confidence c);

/* The verdict over candidate stages. */
typedef struct orgmri_constraint {
	int stage;                  /* index of the constraint, -1 = none */
	int next;                   /* what would limit next, -1 = none */
	orgmri_confidence confidence;
	char reason[256];           /* one sentence: why, or why not */
} orgmri_constraint;

/* Thresholds of the verdict (defaults in ORGMRI_CONSTRAINT_RULES_INIT). */
typedef struct orgmri_constraint_rules {
	size_t min_visits;          /* fewer: the stage cannot be judged (20) */
	double saturated;           /* utilisation counted as saturated (0.85) */
	double busy;                /* utilisation worth naming at all (0.6) */
	double clear_gap;           /* lead over the runner-up for HIGH (0.15) */
} orgmri_constraint_rules;

#define ORGMRI_CONSTRAINT_RULES_INIT { 20, 0.85, 0.6, 0.15 }

/*
 * Name the constraint among `n` stages (loads[i], names[i]; a stage with
 * no servers is not a candidate).  Utilisation ranks the candidates;
 * queue growth and wait share back the verdict; confidence falls when the
 * evidence is thin or the lead is small (docs/diagnosis.md).
 */
void orgmri_constraint_find(const orgmri_stage_load *loads,
                            const char *const *names, size_t n,
                            const orgmri_constraint_rules *rules,
                            orgmri_constraint *out);

/* ---- health --------------------------------------------------------- */

/* Gini coefficient of non-negative counts (0 = even, ->1 = one person
 * does everything); NAN for n == 0 or all zero. */
double orgmri_gini(const double *v, size_t n);
/* Share of the total held by the `k` largest values; NAN when empty. */
double orgmri_top_share(const double *v, size_t n, size_t k);

/* ---- the whole diagnosis ------------------------------------------ */

#define ORGMRI_DIAG_MAX_ROWS 24
#define ORGMRI_DIAG_MAX_STAGES 16
#define ORGMRI_DIAG_MAX_ADVICE 8
#define ORGMRI_DIAG_MAX_NOTES 12

/* Which way is better for a figure. */
enum { ORGMRI_BETTER_LOWER = -1, ORGMRI_BETTER_NEITHER = 0,
       ORGMRI_BETTER_HIGHER = 1 };

typedef struct orgmri_metric_row {
	char name[48];          /* "coding time per change" */
	char unit[16];          /* "h", "/week", "%", "lines" */
	char stat[16];          /* "median", "mean", "rate", "share" */
	char source[32];        /* the command that shows it: "orgmri dora" */
	int better;             /* ORGMRI_BETTER_* */
	orgmri_diff diff;
	char note[128];         /* why a value is missing, conventions */
} orgmri_metric_row;

typedef struct orgmri_stage_row {
	char name[32];
	int work;               /* stage kind: 1 work, 0 wait */
	orgmri_diff span;       /* median span in hours, before vs after */
	double mean_before, mean_after;  /* mean span, missing counted 0 */
	double contribution;    /* mean_after - mean_before (adds up) */
	double wait_before, wait_after;  /* mean waiting hours per item */
	double work_before, work_after;  /* mean working hours per item */
	int has_load;           /* someone identifiable finishes this stage */
	orgmri_stage_load load_before, load_after;
} orgmri_stage_row;

typedef struct orgmri_health_row {
	char name[48];
	char unit[16];
	double value;           /* NAN when not available */
	double threshold;       /* the line that makes it a concern */
	int higher_is_worse;    /* value beyond threshold in this direction */
	int concern;
	char detail[192];       /* what it means here, or what data is missing */
} orgmri_health_row;

/*
 * The health rows that need the files each change touches (commit
 * `paths`, docs/diagnosis.md section 4): truck factor (history before
 * `to`), CODEOWNERS coverage (files changed in [from, to)), and the two
 * integration-pain rows (work items with pick[i] != 0).  Each row is
 * "not available" with the missing data named when the data lacks it.
 * `repo` (may be NULL) limits the truck factor to one repository.
 * Appends up to `max` rows at rows[*n]; returns 0 or ORGMRI_ENOMEM.
 */
int orgmri_health_files(const orgmri_model *m, const uint8_t *pick,
                        int64_t from, int64_t to, const char *repo,
                        orgmri_health_row *rows, size_t max, size_t *n,
                        orgmri_error *err);

typedef struct orgmri_advice {
	char stage[32];         /* the stage it acts on */
	char lever[256];        /* what to do */
	char why[256];          /* the evidence that points at it */
	char expect[192];       /* what it would likely buy */
} orgmri_advice;

typedef struct orgmri_diagnosis {
	int64_t before_from, before_to, after_from, after_to;  /* ms */
	char split_source[64];  /* "--split", "compare.split in .orgmri", ... */
	size_t items_before, items_after;
	size_t nindividual, norganisational, nstages, nhealth, nadvice, nnotes;
	orgmri_metric_row individual[ORGMRI_DIAG_MAX_ROWS];
	orgmri_metric_row organisational[ORGMRI_DIAG_MAX_ROWS];
	orgmri_stage_row stages[ORGMRI_DIAG_MAX_STAGES];
	double lead_mean_before, lead_mean_after;  /* sum of stage means */
	orgmri_constraint constraint_before, constraint_after;
	orgmri_health_row health[ORGMRI_DIAG_MAX_ROWS];
	orgmri_advice advice[ORGMRI_DIAG_MAX_ADVICE];
	char notes[ORGMRI_DIAG_MAX_NOTES][192];  /* missing data, conventions */
	int bootstrap_reps;
	uint64_t seed;
} orgmri_diagnosis;

/*
 * Recommendations ordered by Theory of Constraints from a diagnosis whose
 * stages, constraint and health are filled: the constraint's levers first
 * (chosen by its evidence), then what would become the constraint next.
 * Fills d->advice and d->nadvice.
 */
void orgmri_advise(orgmri_diagnosis *d);

typedef struct orgmri_diagnose_options {
	unsigned version;          /* ORGMRI_DIAGNOSE_OPTIONS_VERSION */
	int64_t split;             /* INT64_MIN: compare.split from config, else
	                              the middle of the data's time span */
	const char *split_source;  /* how the split was chosen, for the report */
	int64_t from, to;          /* the whole window (INT64_MIN/MAX: all) */
	/* two explicit periods instead of a split (after_from INT64_MIN:
	 * not given) */
	int64_t before_from, before_to, after_from, after_to;
	int reps;                  /* bootstrap resamples, 0 = 2000 */
	uint64_t seed;             /* bootstrap seed, 0 = 1 */
	const char *team, *repo;   /* only items of this team / repository */
	const orgmri_config *config;
	orgmri_constraint_rules rules;
} orgmri_diagnose_options;

#define ORGMRI_DIAGNOSE_OPTIONS_VERSION 1
#define ORGMRI_DIAGNOSE_OPTIONS_INIT \
	{ ORGMRI_DIAGNOSE_OPTIONS_VERSION, INT64_MIN, NULL, INT64_MIN, \
	  INT64_MAX, INT64_MIN, INT64_MIN, INT64_MIN, INT64_MIN, 0, 0, NULL, \
	  NULL, NULL, ORGMRI_CONSTRAINT_RULES_INIT }

/*
 * The whole diagnosis of the work items of model `m` (a "pr" stream
 * computed over t): before/after figures, stages, the constraint in each
 * period, health, advice, and notes naming missing data.  `out` is plain
 * data owned by the caller (it is large: allocate it).
 */
int orgmri_diagnose(const orgmri_table *t, const orgmri_model *m,
                    const orgmri_diagnose_options *opts,
                    orgmri_diagnosis *out, orgmri_error *err);

/* ---- series for the charts ------------------------------------------- */

/* What the report draws over time, from the same model and periods as the
 * diagnosis.  Arrays are malloc'ed; free with orgmri_diag_series_free. */
typedef struct orgmri_diag_series {
	/* per week (Monday 00:00 UTC) from the first to the last week */
	size_t nweeks;
	int64_t *week;             /* week starts */
	double *lead_p50_h;        /* median lead time of changes deployed
	                              that week (NaN: none) */
	double *deploys;           /* successful production deployments */
	double *merged;            /* changes merged */
	/* cumulative flow: items in each stage at each sample time */
	size_t nsamples, nflow;    /* nflow = stages + 1 ("done") */
	int64_t *sample;
	const char *flow_names[ORGMRI_DIAG_MAX_STAGES + 1];
	double *flow;              /* [state * nsamples + i] */
	/* cycle-time scatter: finished changes */
	size_t npoints;
	int64_t *done_at;          /* production deployment, else merge */
	double *cycle_h;           /* from start of coding (else opened) */
	double p50, p85, p95;      /* of cycle_h */
	/* review load in the after period, per reviewer, largest first;
	 * reviewers are numbered, not named (docs/diagnosis.md) */
	size_t nreviewers;
	double *reviews;
	/* process map of the items created in either period (all their
	 * events, in time order); NULL only when the model has no items */
	orgmri_map *map;
} orgmri_diag_series;

int orgmri_diag_series_compute(const orgmri_table *t, const orgmri_model *m,
                               const orgmri_diagnosis *d,
                               orgmri_diag_series *out, orgmri_error *err);
void orgmri_diag_series_free(orgmri_diag_series *s);

#ifdef __cplusplus
}
#endif
#endif
