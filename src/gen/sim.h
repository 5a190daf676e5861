/*
 * sim.h - the generator's internal state, shared by the simulation
 * (generate.c), the event writer (emit.c) and the ground truth (truth.c).
 */
#ifndef ORGMRI_GEN_SIM_H
#define ORGMRI_GEN_SIM_H

#include <stdint.h>

#include "core/util.h"
#include "gen/rng.h"
#include "orgmri/gen.h"

#define GEN_NONE UINT32_MAX

/* One work item: an issue and the pull request that implements it.  All
 * times are ms since the epoch, whole seconds; 0 = did not happen. */
typedef struct gen_change {
	uint32_t unit, number, issue, author;
	uint32_t who;              /* person serving it in the current pool */
	uint32_t commit_head, commit_tail;  /* list through gen_commit.next */
	uint32_t next_pending;     /* deploy queue link */
	uint8_t ai, needs_sec, needs_qa, rounds, sec_rounds, ci_failed;
	uint8_t bug;
	int64_t arrival, first_commit, opened, first_review, code_approved;
	int64_t sec_req, sec_appr, qa_req, qa_appr, last_approval, merged;
	int64_t deployed, enq, ci_end, coding_work;
} gen_change;

typedef struct gen_commit {
	uint32_t change, next;
} gen_commit;

/* A pool of people with a FIFO queue of changes waiting for them. */
typedef struct gen_pool {
	int stage, cap;
	uint32_t *queue;           /* ring of change ids */
	size_t qhead, qlen, qcap;
	uint32_t *idle;            /* ring of idle people, longest idle first */
	int ihead, nidle;
	/* per period (0 before, 1 after the rollout), by service start */
	double busy_ms[2];         /* busy time clipped to the period */
	double work_ms[2], wait_ms[2];
	long served[2];
} gen_pool;

enum { POOL_CODING, POOL_REVIEW, POOL_SECURITY, POOL_QA, NPOOLS };

typedef struct gen_unit {
	char repo[80];             /* "acme/shop" or "acme/shop-2" */
	char issue_prefix[40];     /* "SHOP" or "SHOP2" */
	char suffix[16];           /* "" or ".u2": appended to people */
	gen_pool pool[NPOOLS];
	uint32_t pending_head, pending_tail;  /* merged, not yet shipped */
	int deploying;
	uint32_t next_pr, next_issue, next_run, next_deploy, next_incident;
} gen_unit;

typedef struct gen_deployment {
	uint32_t unit, number;
	uint32_t first;            /* batch: list through next_pending */
} gen_deployment;

typedef struct gen_item {       /* a scheduled simulation step */
	int64_t time;
	uint64_t seq;
	uint32_t kind, id;
} gen_item;

typedef struct gen_sim {
	orgmri_gen_params p;
	gen_rng rng;
	orgmri_sink *sink;
	orgmri_error *err;
	int rc;                    /* first sink error, sticks */
	int64_t end;
	long long events;

	gen_unit *units;
	gen_change *changes;
	size_t nchanges, changes_cap;
	gen_commit *commits;
	size_t ncommits, commits_cap;
	gen_deployment *deps;
	size_t ndeps, deps_cap;
	long long builds, incidents, dep_count[2], inc_count[2];

	gen_item *heap;
	size_t nheap, heap_cap;
	uint64_t seq;

	orgmri_buf scratch;        /* related-object strings of one event */
	size_t *offs;
	const char **rel;
	size_t rel_cap;
} gen_sim;

/* Index of the period a time falls in: 0 before the rollout, 1 after. */
static inline int gen_period(const gen_sim *g, int64_t t)
{
	return t >= g->p.rollout;
}

/* emit.c: the canonical events of each step. */
void gen_emit_issue_created(gen_sim *g, const gen_change *c);
void gen_emit_status(gen_sim *g, const gen_change *c, int64_t t,
                     const char *from, const char *to, const char *category);
void gen_emit_issue_resolved(gen_sim *g, const gen_change *c, int64_t t);
void gen_emit_commit(gen_sim *g, const gen_change *c, uint32_t commit,
                     int64_t t);
void gen_emit_opened(gen_sim *g, const gen_change *c);
void gen_emit_change(gen_sim *g, const gen_change *c, int64_t t,
                     const char *activity, const char *actor,
                     const char *team, uint32_t commit);
void gen_emit_build(gen_sim *g, const gen_change *c, uint32_t commit,
                    uint32_t run, int64_t start, int64_t end, int failed);
void gen_emit_deploy(gen_sim *g, const gen_deployment *d, int64_t t,
                     const char *activity);
void gen_emit_incident(gen_sim *g, const gen_deployment *d, uint32_t number,
                       int64_t opened, int64_t resolved, const char *severity);
/* The name of person i of pool `pool` in unit u ("dev03", "sec01.u2"). */
void gen_person(const gen_sim *g, uint32_t unit, int pool, uint32_t i,
                char *buf, size_t size);

/* truth.c */
int gen_truth_fill(const gen_sim *g, orgmri_gen_truth *t, orgmri_error *err);

#endif
