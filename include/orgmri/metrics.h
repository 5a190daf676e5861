/*
 * metrics.h - the metric families computed over a value-stream model:
 * DORA, stage statistics, flow, people and rework.
 *
 * Every function takes a computed orgmri_model (model.h) and returns a
 * plain result struct owned by the caller and freed with one call.  All
 * durations are milliseconds (double, so that means and interpolated
 * quantiles keep their fraction); NaN means "no data".  The exact
 * definitions are in docs/metrics.md; each result carries a `conventions`
 * text naming the choices it was computed with, which every output prints.
 */
#ifndef ORGMRI_METRICS_H
#define ORGMRI_METRICS_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"
#include "model.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ORGMRI_MS_HOUR 3600000.0
#define ORGMRI_MS_DAY 86400000.0
#define ORGMRI_MS_WEEK 604800000.0

/* ---- shared ----------------------------------------------------------- */

typedef enum orgmri_statistic {
	ORGMRI_STAT_MEDIAN = 0,       /* interpolated (PERCENTILE_CONT) */
	ORGMRI_STAT_LOWER_MEDIAN = 1, /* DevLake: max x with percent_rank <= .5 */
	ORGMRI_STAT_MEAN = 2
} orgmri_statistic;

typedef enum orgmri_cohort {
	ORGMRI_COHORT_ALL = 0,
	ORGMRI_COHORT_AI = 1,     /* AI-assisted items / deployments only */
	ORGMRI_COHORT_OTHER = 2   /* the rest */
} orgmri_cohort;

/* Which work items and deployments a metric looks at. */
typedef struct orgmri_filter {
	int64_t since, until;    /* [since, until); INT64_MIN/MAX = the data */
	const char *team, *repo; /* NULL = all */
	orgmri_cohort cohort;
} orgmri_filter;

#define ORGMRI_FILTER_INIT { INT64_MIN, INT64_MAX, NULL, NULL, 0 }

/* A distribution summary; values in ms (or the unit of the input). */
typedef struct orgmri_summary {
	long long n;
	double p50, p85, p95, mean;
	double value;             /* the statistic asked for */
} orgmri_summary;

/* Quantile q in [0,1] of sorted values, linear interpolation between
 * closest ranks (PERCENTILE_CONT, R type 7).  NaN when n == 0. */
double orgmri_quantile(const double *sorted, size_t n, double q);
/* DevLake's lower median: sorted[(n - 1) / 2].  NaN when n == 0. */
double orgmri_lower_median(const double *sorted, size_t n);
/* Sort `v` in place and summarise it. */
void orgmri_summarize(double *v, size_t n, orgmri_statistic st,
                      orgmri_summary *out);
const char *orgmri_statistic_name(orgmri_statistic st);

/* Resolve an unset since/until to the table's first/last event time
 * (until = last + 1 ms). */
void orgmri_filter_window(const orgmri_model *m, const orgmri_filter *f,
                          int64_t *since, int64_t *until);
/* Does work item i of m pass the filter's team/repo/cohort? (not time) */
int orgmri_filter_item(const orgmri_model *m, const orgmri_filter *f,
                       size_t i);
/* Does deployment d pass the filter's team/repo/cohort? (not time) */
int orgmri_filter_deployment(const orgmri_filter *f,
                             const orgmri_deployment *d);

/* Monday 00:00 UTC of the week holding t. */
int64_t orgmri_week_start(int64_t t);

/* ---- DORA ------------------------------------------------------------- */

typedef enum orgmri_lead_unit {
	ORGMRI_LEAD_PR = 0,      /* per change: first commit -> first prod deploy */
	ORGMRI_LEAD_COMMIT = 1   /* Four Keys: per commit -> its first prod deploy */
} orgmri_lead_unit;

/* Incident -> deployment linkage, tried in this order. */
#define ORGMRI_LINK_EXPLICIT 0x1  /* caused_by link (deployment, change, commit) */
#define ORGMRI_LINK_REVERT 0x2    /* a revert commit: the reverted one failed */
#define ORGMRI_LINK_PREVIOUS 0x4  /* DevLake: last prod deploy finished < opened */
#define ORGMRI_LINK_WINDOW 0x8    /* Middleware: deploy_i <= opened < deploy_i+1 */

typedef enum orgmri_group {
	ORGMRI_GROUP_NONE = 0,
	ORGMRI_GROUP_REPO,
	ORGMRI_GROUP_TEAM,
	ORGMRI_GROUP_ENVIRONMENT,
	ORGMRI_GROUP_WEEK,
	ORGMRI_GROUP_MONTH
} orgmri_group;

typedef struct orgmri_dora_options {
	unsigned version;
	orgmri_filter filter;
	orgmri_lead_unit lead_unit;
	orgmri_statistic statistic;
	unsigned linkage;        /* ORGMRI_LINK_* bits */
	/* DevLake's per-PR cycle time: ceil-minute coding + (merged - opened)
	 * + deploy, each part dropped when missing or negative, instead of
	 * one span first commit -> deployment */
	int devlake_parts;
	orgmri_group group;
} orgmri_dora_options;

#define ORGMRI_DORA_OPTIONS_VERSION 1
#define ORGMRI_DORA_OPTIONS_INIT \
	{ ORGMRI_DORA_OPTIONS_VERSION, ORGMRI_FILTER_INIT, ORGMRI_LEAD_PR, \
	  ORGMRI_STAT_MEDIAN, ORGMRI_LINK_EXPLICIT | ORGMRI_LINK_PREVIOUS, 0, \
	  ORGMRI_GROUP_NONE }

enum { ORGMRI_DORA_DF = 0, ORGMRI_DORA_LT, ORGMRI_DORA_CFR,
       ORGMRI_DORA_FDRT, ORGMRI_DORA_NMETRICS };
enum { ORGMRI_BANDS_2023 = 0, ORGMRI_BANDS_2024, ORGMRI_NBANDS };

typedef struct orgmri_dora_row {
	char group[64];             /* "all", a repo, team, environment,
	                               "2026-W09"-style week or "2026-03" */
	int64_t since, until;
	double weeks;
	long long deployments;      /* successful production deployments */
	long long deploy_days;      /* distinct UTC days with one */
	long long failed;           /* of those, failed (incident or rollback) */
	long long rework;           /* of those, unplanned (hotfix) */
	long long incidents;        /* opened in the window */
	long long incidents_linked; /* of those, linked to a deployment */
	double deploys_per_week;
	double deploy_days_per_week;   /* median over the weeks */
	double deploy_days_per_month;  /* median over the months */
	orgmri_summary lead;        /* ms */
	orgmri_summary recovery;    /* DORA 2023: deployment -> restored, ms */
	orgmri_summary restore;     /* DORA 2021: incident opened -> resolved */
	double change_failure_rate; /* failed / deployments, NaN if none */
	double rework_rate;         /* rework / deployments, NaN if none */
	const char *tier[ORGMRI_NBANDS][ORGMRI_DORA_NMETRICS]; /* "elite" ...,
	                               NULL when the figure is missing */
} orgmri_dora_row;

/* How one incident was linked. */
typedef struct orgmri_incident_link {
	uint32_t incident;          /* object index; revert links: the commit */
	uint32_t deployment;        /* index into model deployments or NONE */
	unsigned how;               /* the ORGMRI_LINK_* bit that linked it */
	int64_t opened, resolved;   /* ORGMRI_NO_TIME when unknown */
} orgmri_incident_link;

typedef struct orgmri_dora {
	orgmri_dora_options opts;
	char conventions[512];
	size_t nrows;
	orgmri_dora_row *rows;
	size_t nlinks;
	orgmri_incident_link *links;
	long long lead_dropped;     /* non-positive or incomplete lead times */
} orgmri_dora;

int orgmri_dora_compute(const orgmri_model *m, const orgmri_dora_options *o,
                        orgmri_dora **out, orgmri_error *err);
void orgmri_dora_free(orgmri_dora *d);

/* The tier of `value` for metric ORGMRI_DORA_* by bands ORGMRI_BANDS_*.
 * For ORGMRI_DORA_DF the value is the median deployment days per week
 * and `per_month` the median per month.  NULL for NaN. */
const char *orgmri_dora_tier(int bands, int metric, double value,
                             double per_month);
const char *orgmri_dora_metric_name(int metric);

/*
 * The per-change lead time of work item `item` (a change) into *ms:
 * first commit authored -> first production deployment, or with
 * `devlake_parts` DevLake's pr_cycle_time (ceil-minute coding +
 * (merged - opened) + deploy, each part left out when missing or
 * negative; defined without a deployment too).  Returns 1 when defined.
 */
int orgmri_dora_item_lead(const orgmri_model *m, size_t item,
                          int devlake_parts, double *ms);

/* ---- stages ----------------------------------------------------------- */

typedef struct orgmri_stage_stats {
	char name[ORGMRI_STAGE_NAME_MAX];
	orgmri_stage_kind kind;
	long long n;               /* spans ending in the window */
	long long errors;          /* negative spans (data errors) */
	long long open;            /* started, not ended, item still open */
	double p50, p85, p95, mean, total;  /* ms */
	double share;              /* total / sum of all stages' totals */
	long long arrivals, departures;     /* starts / ends in the window */
	double arrivals_per_week, departures_per_week;
	double wip;                /* time-weighted average items in stage */
	double little;             /* wip / (departure rate * mean); 1 = exact */
} orgmri_stage_stats;

typedef struct orgmri_stages {
	char conventions[256];
	int64_t since, until;
	double weeks;
	size_t nstages;
	orgmri_stage_stats *stages;
	double wait_ms, work_ms;   /* totals by stage kind */
	size_t nitems;             /* items passing the filter */
	size_t nweeks;             /* when weekly: rows of weekly[] */
	int64_t *week_start;
	orgmri_stage_stats *weekly; /* [week * nstages + stage] */
} orgmri_stages;

/* Per-stage statistics; `weekly` adds the same per week. */
int orgmri_stages_compute(const orgmri_model *m, const orgmri_filter *f,
                          int weekly, orgmri_stages **out,
                          orgmri_error *err);
void orgmri_stages_free(orgmri_stages *s);

/* ---- flow (Flow Framework over the model's work items) ----------------- */

enum { ORGMRI_FLOW_FEATURE = 0, ORGMRI_FLOW_DEFECT, ORGMRI_FLOW_RISK,
       ORGMRI_FLOW_DEBT, ORGMRI_FLOW_OTHER, ORGMRI_FLOW_NTYPES };

typedef struct orgmri_flow {
	char conventions[256];
	int64_t since, until;
	double weeks;
	long long completed;        /* items done in the window */
	double velocity;            /* completed per week */
	orgmri_summary flow_time;   /* created -> done, ms, items done in window */
	double efficiency;          /* work-stage time / flow time, completed items */
	double load;                /* time-weighted average of open items */
	long long distribution[ORGMRI_FLOW_NTYPES]; /* completed items by type */
} orgmri_flow;

int orgmri_flow_compute(const orgmri_model *m, const orgmri_filter *f,
                        orgmri_flow *out, orgmri_error *err);
const char *orgmri_flow_type_name(int type);
/* The flow type of a label / issue-type text (keyword table, see
 * docs/metrics.md), ORGMRI_FLOW_OTHER when nothing matches. */
int orgmri_flow_type_of(const char *labels);

/* ---- people ------------------------------------------------------------- */

typedef struct orgmri_people_week {
	int64_t week;               /* Monday 00:00 UTC */
	long long authors, reviewers, prs, reviews;
} orgmri_people_week;

typedef struct orgmri_person {
	uint32_t person;            /* index into table person_names */
	const char *team;           /* NULL when unknown */
	long long prs, reviews, cross_team;
	double turnaround_p50;      /* ms */
} orgmri_person;

typedef struct orgmri_team_stats {
	const char *team;           /* "(none)" for people without a team */
	long long authors, reviewers, prs, reviews;
	double review_share;        /* of all reviews */
	double turnaround_p50;      /* ms */
} orgmri_team_stats;

typedef struct orgmri_people {
	char conventions[256];
	int64_t since, until;
	long long authors, reviewers, prs, reviews;
	double prs_per_author, reviews_per_reviewer;
	double review_gini;         /* Gini of reviews per reviewer, 0..1 */
	double top3_share;          /* share of reviews by the 3 busiest */
	double cross_team_share;    /* reviews across teams / reviews with both
	                               teams known; NaN when none */
	orgmri_summary turnaround;  /* ready/opened -> reviewer's first review */
	int truck_factor;           /* Avelino et al. 2016; -1 = no file data */
	long long tf_files;         /* files considered */
	size_t nweeks;
	orgmri_people_week *weeks;
	size_t nteams;
	orgmri_team_stats *teams;
	size_t npeople;             /* only with per_person */
	orgmri_person *people;
} orgmri_people;

/* People metrics.  Per-person rows only when `per_person` is non-zero:
 * the default view is by team.  Free with orgmri_people_free. */
int orgmri_people_compute(const orgmri_model *m, const orgmri_filter *f,
                          int per_person, orgmri_people **out,
                          orgmri_error *err);
void orgmri_people_free(orgmri_people *p);

/*
 * The truck factor of Avelino, Passos, Hora and Valente (ICPC 2016) over
 * (author, file) touches in time order: DOA = 3.293 + 1.098 FA + 0.164 DL
 * - 0.321 ln(1 + AC); author of a file iff DOA / max DOA > 0.75 and
 * DOA >= 3.293; then greedily remove the author of most files until
 * fewer than half the files have an author left.  `file` and `author`
 * are small integers (ids), touches sorted by time.  Returns the truck
 * factor (0 for no files) or a negative ORGMRI_E* code.
 */
int orgmri_truck_factor(const uint32_t *author, const uint32_t *file,
                        size_t n, uint32_t nauthors, uint32_t nfiles);

/* ---- files changed (commit `paths`; docs/metrics.md, "Files changed") -- */

#define ORGMRI_CHURN_DAYS 21

/*
 * Does a CODEOWNERS file give `path` an owner?  `rules` is the file's
 * text; GitHub's syntax: one rule a line, a gitignore-style pattern and
 * owners; `#` starts a comment; the last matching rule wins and a rule
 * without owners leaves the path unowned.  Returns 1 owned, 0 not; *line
 * (may be NULL) receives the 1-based line of the deciding rule, 0 when no
 * rule matches.
 */
int orgmri_codeowners_owner(const char *rules, const char *path, int *line);
/* Does one CODEOWNERS pattern match `path` (gitignore-style, GitHub's
 * variant; exact rules in docs/metrics.md)? */
int orgmri_codeowners_match(const char *pattern, size_t plen,
                            const char *path);

/* CODEOWNERS coverage of the files changed in [from, to). */
typedef struct orgmri_owner_coverage {
	long long files;        /* distinct files changed, in repositories
	                           with a CODEOWNERS file */
	long long owned;        /* of those, given an owner */
	long long repos;        /* repositories with a `codeowners` event */
	long long files_elsewhere; /* files changed in repositories without */
	double share;           /* owned / files, NaN when none */
	int available;          /* 0: no paths or no codeowners event */
} orgmri_owner_coverage;

int orgmri_owner_coverage_compute(const orgmri_model *m, int64_t from,
                                  int64_t to, orgmri_owner_coverage *out,
                                  orgmri_error *err);

/* Integration pain over the work items picked by pick[i] != 0. */
typedef struct orgmri_integration {
	/* (a) changes open at the same time touching the same files */
	long long with_files;      /* picked changes with a file set */
	long long overlapping;     /* of those, overlapping another change */
	double overlap_share;      /* overlapping / with_files */
	/* (b) merges of the base branch into the change's branch */
	long long with_parents;    /* picked changes with a commit whose
	                              parents are known */
	long long base_merged;     /* of those, with a base-branch merge */
	long long base_merges;     /* such merge commits */
	double base_merge_share;   /* base_merged / with_parents */
	int files_available, parents_available;
} orgmri_integration;

/* `open_end` closes intervals of changes still open (the window end). */
int orgmri_integration_compute(const orgmri_model *m, const uint8_t *pick,
                               int64_t open_end, orgmri_integration *out,
                               orgmri_error *err);

/* Does a merge commit's title bring branch `base` in ("Merge branch
 * 'main'", "Merge remote-tracking branch 'origin/main'", ...)?  base NULL:
 * any of main, master, develop, development, trunk. */
int orgmri_is_base_merge(const char *title, const char *base);

/* The truck factor of the data's non-merge commits with `paths`
 * authored before `until` (of repository `repo` only, when not NULL) into
 * *tf, -1 when no commit carries `paths`; *nfiles receives the files
 * considered.  Returns 0 or ORGMRI_ENOMEM. */
int orgmri_truck_factor_of(const orgmri_model *m, int64_t until,
                           const char *repo, int *tf, long long *nfiles,
                           orgmri_error *err);

/* ---- rework ------------------------------------------------------------- */

typedef struct orgmri_rework {
	char conventions[512];
	int64_t since, until;
	long long changes;              /* changes merged in the window */
	long long reviewed;             /* of those, reviewed */
	long long changes_requested;    /* changes_requested events on them */
	double iterations_mean;         /* mean changes_requested per reviewed */
	long long pushed_after_review;  /* reviewed changes pushed to after the
	                                   first review */
	double pushed_after_review_share;
	long long commits, reverted;    /* commits authored in the window, and
	                                   how many were later reverted */
	double revert_rate;
	long long reopened;             /* changes and issues reopened */
	long long status_changes, backwards; /* issue status moves, backwards */
	long long deployments, hotfixes;     /* production deployments, unplanned */
	double hotfix_rate;
	/* churn, file level (docs/metrics.md, "rework"): of the file changes
	 * (commit, path) of non-merge commits authored in the window whose
	 * next 21 days the data covers, the share changed again by another
	 * commit within 21 days */
	int churn_available;            /* 0: no commit carries `paths` */
	long long churn_file_changes;   /* file changes counted */
	long long churn_rechanged;      /* of those, changed again in 21 days */
	long long churn_by_author;      /* of those, the next change was by the
	                                   same author */
	long long churn_censored;       /* file changes in the window less than
	                                   21 days before the data's last
	                                   commit: left out */
	double churn_share;             /* rechanged / file_changes */
	double churn_self_share;        /* by_author / file_changes */
	/* churn, line level (docs/metrics.md, "rework"): over the commits
	 * with a `churn_lines` attribute (the first-parent line of HEAD)
	 * authored in the window, lines rewritten within 21 days of being
	 * written per line added */
	int line_churn_available;       /* 0: no commit carries `churn_lines` */
	long long line_churn_commits;   /* commits counted */
	long long lines_added;          /* their additions */
	long long lines_rewritten;      /* their churn_lines */
	double line_churn_rate;         /* rewritten / added */
} orgmri_rework;

int orgmri_rework_compute(const orgmri_model *m, const orgmri_filter *f,
                          orgmri_rework *out, orgmri_error *err);

#ifdef __cplusplus
}
#endif
#endif
