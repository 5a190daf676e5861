/*
 * gen.h - the sample-organisation generator.
 *
 * A small discrete-event simulation of a software organisation (see
 * docs/generator.md): work items arrive over time, authors code them,
 * reviewers review them (with rework loops), a small security team and QA
 * review a share of them, CI runs on every push, changes merge, deployments
 * ship them (scheduled or continuous) and some deployments cause
 * incidents.  Each reviewing stage is a pool of people with a FIFO queue,
 * so queues form where capacity is short.  An AI rollout date makes coding
 * faster and work arrive faster, which is how "individuals faster,
 * organisation flat" appears when a downstream stage saturates.
 *
 * The output is canonical events, sent to any orgmri_sink (a canonical
 * writer, a store ingest handle, a test's recording sink), plus the ground
 * truth of what the simulation did: per period (before / after the
 * rollout) the planted constraint, each stage's true utilisation and its
 * true median duration.  The same parameters and seed give the same events
 * in the same order, byte for byte.
 *
 * The default parameters are the bundled sample organisation
 * (data/sample/org.conf spells them out).
 */
#ifndef ORGMRI_GEN_H
#define ORGMRI_GEN_H

#include <stdint.h>
#include <stdio.h>
#include "config.h"
#include "error.h"
#include "event.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The value-stream stages of DESIGN.md's default PR stream, in order. */
enum {
	ORGMRI_GEN_CODING = 0,
	ORGMRI_GEN_PICKUP,
	ORGMRI_GEN_REVIEW,
	ORGMRI_GEN_SECURITY,
	ORGMRI_GEN_QA,
	ORGMRI_GEN_MERGE,
	ORGMRI_GEN_DEPLOY,
	ORGMRI_GEN_NSTAGES
};

/* Name of stage i ("coding", "pickup", ...). */
const char *orgmri_gen_stage_name(int stage);

/* A pool of people doing one kind of work (coding, review, security, qa):
 * how many, and the log-normal work time of one piece of work. */
typedef struct orgmri_gen_pool {
	int capacity;        /* people in the pool, >= 1 */
	double hours;        /* median work time, hours */
	double sigma;        /* log-normal shape (sd of log work time) */
} orgmri_gen_pool;

typedef struct orgmri_gen_params {
	uint64_t seed;
	char repo[64];          /* "acme/shop"; units get "-2", "-3", ... */
	int64_t start;          /* first arrival, ms since the epoch */
	double days;            /* simulated length */
	int64_t rollout;        /* AI rollout, ms (splits the two periods) */
	int units;              /* independent copies of the organisation */

	double arrivals_per_day;   /* new work items per day, before rollout */
	double ai_arrival_factor;  /* arrival rate multiplier after rollout */
	double ai_share;           /* share of changes AI-assisted after */
	double ai_coding_factor;   /* coding time multiplier, AI-assisted */

	orgmri_gen_pool coding, review, security, qa;
	double security_share;     /* share of changes needing security */
	double qa_share;           /* share of changes needing QA */
	double rework_prob;        /* first review asks for changes */
	double rework_hours;       /* median rework time before a push */
	double security_rework_prob;
	double commits_mean;       /* mean commits in the first push, >= 1 */

	double ci_minutes;         /* median CI run */
	double ci_fail_prob;       /* a CI run fails */
	double merge_hours;        /* median delay from approval to merge */

	int deploy_continuous;     /* 1: deploy after each merge batch */
	double deploy_every_hours; /* scheduled: train interval */
	double deploy_minutes;     /* median deployment duration */
	double deploy_fail_prob;
	double incident_prob;      /* per shipped change in a deployment */
	double restore_hours;      /* median time to resolve an incident */

	/* Planting (for constraint-detection evaluations): when `plant` is
	 * a pool stage (coding, review, security or qa), work times are set
	 * so that stage's offered load is plant_load and every other pool's
	 * is at most other_load, before the rollout. -1 = off. */
	int plant;
	double plant_load, other_load;
} orgmri_gen_params;

/* The bundled sample organisation (the defaults). */
void orgmri_gen_params_default(orgmri_gen_params *p);

/*
 * Set one parameter by its configuration key, e.g. "stage.security.capacity"
 * = "2" or "ai.rollout" = "2026-04-01".  The keys are listed in
 * docs/generator.md.  ORGMRI_EINVAL for an unknown key or bad value, with
 * a message naming both.
 */
int orgmri_gen_params_set(orgmri_gen_params *p, const char *key,
                          const char *value, orgmri_error *err);
/* Apply every key of `cfg` that the generator knows (git-config syntax:
 * sections gen, ai, stage.NAME, ci, deploy, incident, plant).  Unknown
 * keys in those sections are an error. */
int orgmri_gen_params_from_config(orgmri_gen_params *p,
                                  const orgmri_config *cfg,
                                  orgmri_error *err);
/* Write p as a configuration file readable by the above. */
int orgmri_gen_params_write(const orgmri_gen_params *p, FILE *fp,
                            orgmri_error *err);

/*
 * Write the organisation's people as .orgmri configuration (git-config
 * syntax): one [team "NAME"] section per pool (developers, reviewers,
 * security, qa) with a `member` line per person, and [ai] rollout, so an
 * analysis of a GitHub export (where reviews carry no team) can tell
 * security approvals from code reviews.
 */
int orgmri_gen_teams_write(const orgmri_gen_params *p, FILE *fp,
                           orgmri_error *err);

/* What one stage really did in one period. */
typedef struct orgmri_gen_stage_truth {
	long n;               /* completed intervals of the stage */
	double median_h;      /* their median duration, hours (0 when n = 0) */
	double mean_h;
	double wait_mean_h;   /* pool stages: mean time queued, hours */
	double work_mean_h;   /* pool stages: mean time worked, hours */
	double utilisation;   /* pool stages: busy time / (capacity x period);
	                         -1 for stages that are not a pool */
	double offered_load;  /* pool stages: arrivals x mean work / capacity */
	int capacity;         /* people in the pool (all units); 0 if none */
} orgmri_gen_stage_truth;

typedef struct orgmri_gen_period_truth {
	int64_t from, to;             /* [from, to) in ms */
	long changes;                 /* PRs whose first commit is here */
	long deployed;                /* ... of them deployed to production */
	long deployments, incidents;
	double lead_median_h;         /* first commit -> production */
	double coding_median_h;
	double prs_per_author_week;
	int constraint;               /* stage with the highest utilisation */
	orgmri_gen_stage_truth stage[ORGMRI_GEN_NSTAGES];
} orgmri_gen_period_truth;

typedef struct orgmri_gen_truth {
	uint64_t seed;
	long long events;             /* events sent to the sink */
	long long changes, commits, builds, deployments, incidents, issues;
	orgmri_gen_period_truth period[2];  /* 0 before, 1 after the rollout */
} orgmri_gen_truth;

/*
 * Run the simulation, sending every event to `sink` (may be NULL to only
 * count), and fill `truth` (may be NULL).  Returns 0, the sink's error, or
 * ORGMRI_EINVAL for impossible parameters.
 */
int orgmri_gen_run(const orgmri_gen_params *p, orgmri_sink *sink,
                   orgmri_gen_truth *truth, orgmri_error *err);

/*
 * Adjust p (units, or days when fewer) so that a run gives about
 * `events` events (within a few per cent; the truth says how many).
 * Runs the simulation once at the base size to measure.
 */
int orgmri_gen_params_scale(orgmri_gen_params *p, long long events,
                            orgmri_error *err);

/* Write truth (with the parameters that made it) as JSON; schema in
 * docs/generator.md. */
int orgmri_gen_truth_write_json(const orgmri_gen_truth *t,
                                const orgmri_gen_params *p, FILE *fp,
                                orgmri_error *err);

/* The attribute names the generator uses, sorted (for a CSV header);
 * NULL-terminated, static. */
const char *const *orgmri_gen_attr_names(size_t *n);

/*
 * A sink that turns the generator's canonical events into a GitHub export
 * folder (pulls.json, pulls/N/reviews.json, ... as DESIGN.md lists) under
 * `dir`, one sub-folder per repository, and/or webhook deliveries as JSON
 * lines on `webhooks` (either may be NULL).  It understands the events the
 * generator writes, not arbitrary ones.  Files are written by
 * orgmri_gen_github_close, which frees the sink.
 */
typedef struct orgmri_gen_github orgmri_gen_github;
int orgmri_gen_github_new(orgmri_gen_github **out, const char *dir,
                          FILE *webhooks, orgmri_error *err);
orgmri_sink *orgmri_gen_github_sink(orgmri_gen_github *g);
int orgmri_gen_github_close(orgmri_gen_github *g, orgmri_error *err);

#ifdef __cplusplus
}
#endif
#endif
