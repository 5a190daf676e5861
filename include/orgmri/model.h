/*
 * model.h - the value-stream model: stage intervals per work item.
 *
 * A stream is a list of stages over one object type (changes for the PR
 * stream, issues for the tracker stream).  A stage runs from a start
 * selector to an end selector over the events of one work item and is of
 * kind wait or work.  A selector is written as text (docs/metrics.md,
 * "Selectors"):
 *
 *   SELECTOR := ("first" | "last") ALTS [" !author"] ["@commits" | "@deploy"]
 *   ALTS     := ANY ("|" ANY)*        alternatives, the first that occurs wins
 *   ANY      := TERM ("," TERM)*      any of these activities
 *   TERM     := ACTIVITY ["[" KEY "=" VALUE "]"]
 *
 *   "first ready_for_review|opened"              ready for review, else opened
 *   "first commented,changes_requested,approved !author"   first review by
 *                                                someone else than the author
 *   "first approved[team=security]"              the security approval
 *   "last approved[team=]"                       the last approval not given
 *                                                for a team ([KEY=] matches
 *                                                events without KEY)
 *   "first authored@commits"                     over the contained commits
 *   "first deployed@deploy"                      first successful production
 *                                                deployment containing the item
 *
 * Computing a model over a loaded table gives, per work item and stage, a
 * start and an end time.  An item missing either event has no value for
 * that stage (never a guessed one); an end before its start is a data
 * error: counted, listed, and not kept as a span.
 *
 * Deployments are resolved once per model: each deployment object's
 * environment, repository, outcome and its predecessor in the chain of
 * successful deployments of the same (repository, environment).
 */
#ifndef ORGMRI_MODEL_H
#define ORGMRI_MODEL_H

#include <stddef.h>
#include <stdint.h>
#include "config.h"
#include "error.h"
#include "table.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ORGMRI_NO_TIME INT64_MIN   /* "no such event" */
#define ORGMRI_STAGE_NAME_MAX 32
#define ORGMRI_SELECTOR_MAX 256
#define ORGMRI_STREAM_MAX_STAGES 16

typedef enum orgmri_stage_kind {
	ORGMRI_STAGE_WAIT = 0,
	ORGMRI_STAGE_WORK = 1
} orgmri_stage_kind;

typedef struct orgmri_stage_def {
	char name[ORGMRI_STAGE_NAME_MAX];
	orgmri_stage_kind kind;
	char start[ORGMRI_SELECTOR_MAX];  /* selector text */
	char end[ORGMRI_SELECTOR_MAX];
} orgmri_stage_def;

/* A stream definition: plain data, copied freely. */
typedef struct orgmri_stream {
	char name[ORGMRI_STAGE_NAME_MAX];        /* "pr", "issue", "devlake" */
	char object_type[ORGMRI_STAGE_NAME_MAX]; /* "change", "issue" */
	size_t nstages;
	orgmri_stage_def stages[ORGMRI_STREAM_MAX_STAGES];
} orgmri_stream;

/*
 * A built-in stream: "pr" (coding, pickup, review, security, qa, merge,
 * deploy), "issue" (spec, ready, in_progress, review, qa, done) or
 * "devlake" (DevLake's coding, pickup, review, deploy).  Returns 0 or
 * ORGMRI_ENOTFOUND.
 */
int orgmri_stream_builtin(orgmri_stream *out, const char *name,
                          orgmri_error *err);

/*
 * The built-in stream `name` with the overrides of `cfg` applied (keys
 * stage.<NAME>.start/end/kind/stream/remove, see docs/metrics.md).  Every
 * selector is checked; a bad one is ORGMRI_EPARSE naming the key.
 * cfg may be NULL.
 */
int orgmri_stream_configured(orgmri_stream *out, const char *name,
                             const orgmri_config *cfg, orgmri_error *err);

/* Check that `text` is a well-formed selector (ORGMRI_EPARSE if not). */
int orgmri_selector_check(const char *text, orgmri_error *err);

/* Options of the model: what a production deployment is. */
typedef struct orgmri_model_options {
	unsigned version;
	/* comma-separated environment names counted as production, compared
	 * case-insensitively; a deployment without an environment attribute
	 * counts as production.  NULL = "production,prod". */
	const char *production;
	/* DevLake's rule: a deployment only ships items when it has a
	 * predecessor in its chain (so the first deployment of each
	 * (repo, environment) never gives a lead time). */
	int require_previous;
	/* AI-assisted markers (cohorts): label names (comma-separated) and
	 * authors (comma-separated) besides the ai_assisted=true attribute.
	 * NULL = label "ai-assisted", no authors. */
	const char *ai_labels;
	const char *ai_authors;
	/* team membership from the configuration (team.<NAME>.member and
	 * team.<NAME>.repo); may be NULL */
	const orgmri_config *config;
	/* more AI markers: object keys of AI-assisted changes
	 * (comma-separated, e.g. "change:acme/api#12"), and a period
	 * [ai_since, ai_until) in which every work item created counts as
	 * AI-assisted (e.g. a team-wide rollout); ai_since = INT64_MAX (the
	 * default) = no such period */
	const char *ai_changes;
	int64_t ai_since, ai_until;
} orgmri_model_options;

#define ORGMRI_MODEL_OPTIONS_VERSION 1
#define ORGMRI_MODEL_OPTIONS_INIT \
	{ ORGMRI_MODEL_OPTIONS_VERSION, NULL, 0, NULL, NULL, NULL, NULL, \
	  INT64_MAX, INT64_MAX }

/* One deployment object, resolved. */
typedef struct orgmri_deployment {
	uint32_t object;        /* index into table objects */
	int64_t started;        /* deploy_started, else ORGMRI_NO_TIME */
	int64_t finished;       /* first `deployed`, else ORGMRI_NO_TIME */
	int64_t failed;         /* first deploy_failed, else ORGMRI_NO_TIME */
	int64_t rolled_back;    /* first rolled_back, else ORGMRI_NO_TIME */
	const char *environment;/* as given, "" when none */
	const char *repo;       /* "" when unknown */
	const char *team;       /* NULL when unknown */
	int production;         /* environment is a production one */
	int success;            /* has a `deployed` event */
	int hotfix;             /* marked unplanned (see docs/metrics.md) */
	int ai;                 /* ships at least one AI-assisted change */
	uint32_t prev;          /* previous successful deployment of the same
	                           (repo, environment), index into deployments,
	                           ORGMRI_NONE for the first */
} orgmri_deployment;

/* A negative span: the end selector matched before the start. */
typedef struct orgmri_model_error {
	uint32_t item;     /* index into items */
	uint32_t stage;
	int64_t start, end;
} orgmri_model_error;

/* Cell states. */
enum {
	ORGMRI_SPAN_NONE = 0,     /* start or end missing: no value */
	ORGMRI_SPAN_OK = 1,       /* end >= start */
	ORGMRI_SPAN_NEGATIVE = 2, /* end < start: a data error, no value */
	ORGMRI_SPAN_OPEN = 3      /* started, not ended, item not finished */
};

typedef struct orgmri_model {
	const orgmri_table *table;   /* borrowed; must outlive the model */
	orgmri_stream stream;
	size_t nitems, nstages;
	uint32_t *item;              /* object index per item */
	/* per item: time of its first event, of its terminal event (merged,
	 * closed, resolved, or ORGMRI_NO_TIME while open) and of its first
	 * production deployment (ORGMRI_NO_TIME when none) */
	int64_t *item_created, *item_done, *item_deployed;
	uint32_t *item_deployment;   /* index into deployments or ORGMRI_NONE */
	uint32_t *item_author;       /* person index, 0 = unknown */
	const char **item_repo;      /* "" when unknown */
	const char **item_team;      /* NULL when unknown */
	uint8_t *item_ai;            /* 1 = AI-assisted */
	/* cells: [item * nstages + stage] */
	int64_t *start, *end;
	uint8_t *state;
	size_t nerrors;              /* negative spans */
	orgmri_model_error *errors;
	size_t ndeployments;
	orgmri_deployment *deployments;  /* sorted by finished time */
	void *internal;
} orgmri_model;

/*
 * Compute `stream` over table `t`.  The model borrows t.  Free with
 * orgmri_model_free.  opts may be NULL (defaults).
 */
int orgmri_model_compute(const orgmri_table *t, const orgmri_stream *stream,
                         const orgmri_model_options *opts, orgmri_model **out,
                         orgmri_error *err);
void orgmri_model_free(orgmri_model *m);

/* Span in ms of (item, stage) into *ms; returns 1 when it has a value. */
int orgmri_model_span(const orgmri_model *m, size_t item, size_t stage,
                      int64_t *ms);
/* Index of stage `name`, or ORGMRI_NONE. */
uint32_t orgmri_model_stage(const orgmri_model *m, const char *name);
/* The team of person p per the configuration given at compute time, or
 * NULL. */
const char *orgmri_model_person_team(const orgmri_model *m, uint32_t person);
/* Whether event ev's object is a production deployment per the options
 * (used by the metrics for environment filters). */
int orgmri_model_is_production(const orgmri_model *m, const char *env);

/*
 * Evaluate one selector over object `obj` of t (for callers that need ad
 * hoc times, e.g. the diagnosis).  *out is ORGMRI_NO_TIME when nothing
 * matches.  "@deploy" needs a model: pass it, or NULL to refuse.
 */
int orgmri_selector_eval(const orgmri_table *t, const orgmri_model *m,
                         const char *selector, uint32_t obj, int64_t *out,
                         orgmri_error *err);

#ifdef __cplusplus
}
#endif
#endif
