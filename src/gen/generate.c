/*
 * generate.c - the discrete-event simulation behind `orgmri generate`.
 *
 * A change's life, step by step (docs/generator.md has the details):
 *
 *   arrival ─► coding pool ─► opened ─► review pool ─┬► approved ─► [security
 *   (issue)    (authors)      + CI      (reviewers)  └► changes requested ─►
 *                                                        rework, push, CI ─► review
 *   pool] ─► [qa pool] ─► merge (CI green) ─► deployment (daily train or
 *   continuous) ─► some deployments cause incidents
 *
 * Each pool has `capacity` people and a FIFO queue; a person takes the
 * longest-waiting change as soon as they are idle, and idle people are
 * handed work longest-idle first.  Work times are log-normal.  Time is
 * continuous (no nights or weekends) and rounded to whole seconds, so the
 * ground truth and the events agree exactly.  Steps are processed in
 * (time, sequence) order from a binary heap, and every random number comes
 * from one xoshiro256** stream in that order, so a seed fixes the output.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gen/sim.h"
#include "orgmri/time.h"

#define HOUR_MS 3600000.0
#define DAY_MS 86400000LL
/* Caps on what one run may hold (ids are 32-bit; memory stays < ~4 GB). */
#define MAX_CHANGES 20000000u
#define MAX_COMMITS 200000000u

enum {
	K_ARRIVAL, K_CODED, K_REVIEWED, K_REWORKED, K_SECURED, K_SEC_REWORKED,
	K_QA_DONE, K_MERGE, K_DEPLOY_TICK, K_DEPLOY_DONE
};

/* ---- small helpers ----------------------------------------------------- */

/* A duration of `hours`, in ms rounded to whole seconds, at least 1 s and
 * at most 10^6 hours (a wide log-normal can draw absurd values; they must
 * not overflow the clock). */
static int64_t dur(double hours)
{
	if (!(hours < 1e6))  /* also NaN */
		hours = 1e6;
	double s = floor(hours * 3600.0 + 0.5);
	return (int64_t)(s < 1 ? 1 : s) * 1000;
}

static void fail(gen_sim *g, int rc)
{
	if (!g->rc)
		g->rc = rc ? rc : ORGMRI_ENOMEM;
}

static int item_less(const gen_item *a, const gen_item *b)
{
	return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

static void schedule(gen_sim *g, int64_t t, uint32_t kind, uint32_t id)
{
	if (orgmri_array_grow((void **)&g->heap, &g->heap_cap, g->nheap + 1,
	                      sizeof(gen_item), 1024, 0)) {
		fail(g, ORGMRI_ENOMEM);
		return;
	}
	gen_item it = { t, g->seq++, kind, id };
	size_t i = g->nheap++;
	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (!item_less(&it, &g->heap[parent]))
			break;
		g->heap[i] = g->heap[parent];
		i = parent;
	}
	g->heap[i] = it;
}

static gen_item pop(gen_sim *g)
{
	gen_item top = g->heap[0], last = g->heap[--g->nheap];
	size_t i = 0, n = g->nheap;
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		const gen_item *best = &last;
		if (l < n && item_less(&g->heap[l], best))
			best = &g->heap[m = l];
		if (l + 1 < n && item_less(&g->heap[l + 1], best))
			best = &g->heap[m = l + 1];
		if (m == i)
			break;
		g->heap[i] = g->heap[m];
		i = m;
	}
	if (n)
		g->heap[i] = last;
	return top;
}

/* ---- pools ------------------------------------------------------------- */

static void start_work(gen_sim *g, gen_pool *pl, uint32_t cid, uint32_t who,
                       int64_t t);

static int pool_init(gen_pool *pl, int stage, int cap)
{
	memset(pl, 0, sizeof(*pl));
	pl->stage = stage;
	pl->cap = cap;
	pl->idle = calloc((size_t)cap, sizeof(*pl->idle));
	if (!pl->idle)
		return ORGMRI_ENOMEM;
	for (int i = 0; i < cap; i++)
		pl->idle[i] = (uint32_t)i;
	pl->nidle = cap;
	return 0;
}

static void pool_free(gen_pool *pl)
{
	free(pl->queue);
	free(pl->idle);
}

/* A change asks the pool for work at time t. */
static void pool_offer(gen_sim *g, gen_pool *pl, uint32_t cid, int64_t t)
{
	g->changes[cid].enq = t;
	if (pl->nidle > 0) {
		uint32_t who = pl->idle[pl->ihead];
		pl->ihead = (pl->ihead + 1) % pl->cap;
		pl->nidle--;
		start_work(g, pl, cid, who, t);
		return;
	}
	if (pl->qlen == pl->qcap) {
		size_t ncap = pl->qcap ? pl->qcap * 2 : 64;
		uint32_t *q = orgmri_reallocarray(NULL, ncap, sizeof(*q));
		if (!q) {
			fail(g, ORGMRI_ENOMEM);
			return;
		}
		for (size_t i = 0; i < pl->qlen; i++)
			q[i] = pl->queue[(pl->qhead + i) % pl->qcap];
		free(pl->queue);
		pl->queue = q;
		pl->qcap = ncap;
		pl->qhead = 0;
	}
	pl->queue[(pl->qhead + pl->qlen++) % pl->qcap] = cid;
}

/* Person `who` finished at t: next in the queue, or idle. */
static void pool_release(gen_sim *g, gen_pool *pl, uint32_t who, int64_t t)
{
	if (pl->qlen > 0) {
		uint32_t cid = pl->queue[pl->qhead];
		pl->qhead = (pl->qhead + 1) % pl->qcap;
		pl->qlen--;
		start_work(g, pl, cid, who, t);
		return;
	}
	pl->idle[(pl->ihead + pl->nidle++) % pl->cap] = who;
}

/* Busy time [t0, t1) counted in each period, clipped to the horizon. */
static void account(gen_sim *g, gen_pool *pl, int64_t enq, int64_t t0,
                    int64_t t1)
{
	int per = gen_period(g, t0);
	pl->served[per]++;
	pl->wait_ms[per] += (double)(t0 - enq);
	pl->work_ms[per] += (double)(t1 - t0);
	int64_t bounds[3] = { g->p.start, g->p.rollout, g->end };
	for (int k = 0; k < 2; k++) {
		int64_t a = t0 > bounds[k] ? t0 : bounds[k];
		int64_t b = t1 < bounds[k + 1] ? t1 : bounds[k + 1];
		if (b > a)
			pl->busy_ms[k] += (double)(b - a);
	}
}

/* ---- the steps of a change --------------------------------------------- */

static uint32_t new_commit(gen_sim *g, gen_change *c)
{
	if (g->ncommits >= MAX_COMMITS) {
		if (!g->rc)
			g->rc = orgmri_seterr(g->err, ORGMRI_ELIMIT, "more than %u commits: "
			                      "ask for fewer events", MAX_COMMITS);
		return GEN_NONE;
	}
	if (orgmri_array_grow((void **)&g->commits, &g->commits_cap, g->ncommits + 1,
	                      sizeof(gen_commit), 1024, 0)) {
		fail(g, ORGMRI_ENOMEM);
		return GEN_NONE;
	}
	uint32_t k = (uint32_t)g->ncommits++;
	uint32_t cid = (uint32_t)(c - g->changes);
	g->commits[k] = (gen_commit){ cid, GEN_NONE };
	if (c->commit_tail == GEN_NONE)
		c->commit_head = k;
	else
		g->commits[c->commit_tail].next = k;
	c->commit_tail = k;
	return k;
}

static void ci_run(gen_sim *g, gen_change *c, uint32_t commit, int64_t t)
{
	gen_unit *u = &g->units[c->unit];
	int64_t start = t + 30000;
	int64_t end = start + dur(gen_rng_lognormal(&g->rng, g->p.ci_minutes / 60,
	                                            0.3));
	c->ci_failed = (uint8_t)gen_rng_chance(&g->rng, g->p.ci_fail_prob);
	c->ci_end = end;
	g->builds++;
	gen_emit_build(g, c, commit, ++u->next_run, start, end, c->ci_failed);
}

/* A push of one new commit at t (rework or a CI fix), with its CI run. */
static void push(gen_sim *g, gen_change *c, int64_t t)
{
	uint32_t k = new_commit(g, c);
	if (k == GEN_NONE)
		return;
	gen_emit_commit(g, c, k, t);
	char actor[64];
	gen_person(g, c->unit, POOL_CODING, c->author, actor, sizeof(actor));
	gen_emit_change(g, c, t, "pushed", actor, NULL, k);
	ci_run(g, c, k, t);
}

static double pool_hours(const gen_sim *g, const gen_change *c, int pool)
{
	const orgmri_gen_params *p = &g->p;
	switch (pool) {
	case POOL_CODING:
		return gen_rng_lognormal((gen_rng *)&g->rng,
		                         p->coding.hours *
		                         (c->ai ? p->ai_coding_factor : 1.0),
		                         p->coding.sigma);
	case POOL_REVIEW:  /* re-reviews after rework take half as long */
		return gen_rng_lognormal((gen_rng *)&g->rng, p->review.hours *
		                         (c->rounds ? 0.5 : 1.0), p->review.sigma);
	case POOL_SECURITY:
		return gen_rng_lognormal((gen_rng *)&g->rng, p->security.hours *
		                         (c->sec_rounds ? 0.5 : 1.0),
		                         p->security.sigma);
	default:
		return gen_rng_lognormal((gen_rng *)&g->rng, p->qa.hours, p->qa.sigma);
	}
}

static const uint32_t done_kind[NPOOLS] = { K_CODED, K_REVIEWED, K_SECURED,
                                            K_QA_DONE };

static void start_work(gen_sim *g, gen_pool *pl, uint32_t cid, uint32_t who,
                       int64_t t)
{
	gen_change *c = &g->changes[cid];
	int pool = (int)(pl - g->units[c->unit].pool);
	c->who = who;
	if (pool == POOL_CODING) {
		c->author = who;
		c->first_commit = t;
		c->ai = (uint8_t)(t >= g->p.rollout &&
		                  gen_rng_chance(&g->rng, g->p.ai_share));
		gen_emit_status(g, c, t, "To Do", "In Progress", "in_progress");
	}
	int64_t work = dur(pool_hours(g, c, pool));
	if (pool == POOL_CODING)
		c->coding_work = work;
	account(g, pl, c->enq, t, t + work);
	schedule(g, t + work, done_kind[pool], cid);
}

static void arrival(gen_sim *g, uint32_t unit, int64_t t)
{
	gen_unit *u = &g->units[unit];
	if (g->nchanges >= MAX_CHANGES) {
		if (!g->rc)
			g->rc = orgmri_seterr(g->err, ORGMRI_ELIMIT, "more than %u work "
			                      "items: ask for fewer events", MAX_CHANGES);
		return;
	}
	if (orgmri_array_grow((void **)&g->changes, &g->changes_cap, g->nchanges + 1,
	                      sizeof(gen_change), 1024, 0)) {
		fail(g, ORGMRI_ENOMEM);
		return;
	}
	uint32_t cid = (uint32_t)g->nchanges++;
	gen_change *c = &g->changes[cid];
	memset(c, 0, sizeof(*c));
	c->unit = unit;
	c->issue = ++u->next_issue;
	c->arrival = t;
	c->commit_head = c->commit_tail = c->next_pending = GEN_NONE;
	c->bug = (uint8_t)gen_rng_chance(&g->rng, 0.2);
	c->needs_sec = (uint8_t)gen_rng_chance(&g->rng, g->p.security_share);
	c->needs_qa = (uint8_t)gen_rng_chance(&g->rng, g->p.qa_share);
	gen_emit_issue_created(g, c);
	pool_offer(g, &u->pool[POOL_CODING], cid, t);

	double per_day = g->p.arrivals_per_day *
	                 (t >= g->p.rollout ? g->p.ai_arrival_factor : 1.0);
	int64_t next = t + dur(gen_rng_exponential(&g->rng, 24.0 / per_day));
	if (next < g->end)
		schedule(g, next, K_ARRIVAL, unit);
}

static void coded(gen_sim *g, gen_change *c, int64_t t)
{
	gen_unit *u = &g->units[c->unit];
	pool_release(g, &u->pool[POOL_CODING], c->who, t);
	c->number = ++u->next_pr;
	c->opened = t;
	/* commits: the first when coding starts, the rest spread over it */
	int n = 1;
	double extra = g->p.commits_mean - 1;
	while (n < 16 && gen_rng_chance(&g->rng, extra / (extra + 1)))
		n++;
	int64_t times[16];
	times[0] = c->first_commit;
	for (int i = 1; i < n; i++)
		times[i] = c->first_commit +
		           (int64_t)(gen_rng_uniform(&g->rng) *
		                     (double)(c->coding_work / 1000)) * 1000;
	for (int i = 1; i < n; i++)  /* insertion sort, n <= 16 */
		for (int j = i; j > 1 && times[j] < times[j - 1]; j--) {
			int64_t x = times[j];
			times[j] = times[j - 1];
			times[j - 1] = x;
		}
	for (int i = 0; i < n; i++) {
		uint32_t k = new_commit(g, c);
		if (k == GEN_NONE)
			return;
		gen_emit_commit(g, c, k, times[i]);
	}
	gen_emit_opened(g, c);
	gen_emit_status(g, c, t, "In Progress", "In Review", "review");
	ci_run(g, c, c->commit_tail, t);
	pool_offer(g, &u->pool[POOL_REVIEW], (uint32_t)(c - g->changes), t);
}

static void go_merge(gen_sim *g, gen_change *c, int64_t t)
{
	c->last_approval = t;
	int64_t m = t + dur(gen_rng_lognormal(&g->rng, g->p.merge_hours, 0.6));
	int64_t fix = t;
	/* a red build must be fixed before merging: push fixes until green */
	for (int tries = 0; c->ci_failed && tries < 8; tries++) {
		fix = (c->ci_end > fix ? c->ci_end : fix) +
		      dur(gen_rng_lognormal(&g->rng, 0.5, 0.5));
		push(g, c, fix);
	}
	if (c->ci_end + 60000 > m)
		m = c->ci_end + 60000;
	schedule(g, m, K_MERGE, (uint32_t)(c - g->changes));
}

static void after_review(gen_sim *g, gen_change *c, int64_t t)
{
	gen_unit *u = &g->units[c->unit];
	uint32_t cid = (uint32_t)(c - g->changes);
	char actor[64];
	gen_person(g, c->unit, POOL_CODING, c->author, actor, sizeof(actor));
	if (c->needs_sec && !c->sec_appr) {
		if (!c->sec_req)
			c->sec_req = t;
		gen_emit_change(g, c, t, "review_requested", actor, "security",
		                GEN_NONE);
		pool_offer(g, &u->pool[POOL_SECURITY], cid, t);
	} else if (c->needs_qa && !c->qa_appr) {
		c->qa_req = t;
		gen_emit_change(g, c, t, "review_requested", actor, "qa", GEN_NONE);
		gen_emit_status(g, c, t, "In Review", "QA", "qa");
		pool_offer(g, &u->pool[POOL_QA], cid, t);
	} else {
		go_merge(g, c, t);
	}
}

/* A review round ends: approve, or ask for changes (less likely in each
 * later round: p x 0.4^(round-1)). */
static void reviewed(gen_sim *g, gen_change *c, int64_t t, int pool)
{
	gen_unit *u = &g->units[c->unit];
	pool_release(g, &u->pool[pool], c->who, t);
	char actor[64];
	gen_person(g, c->unit, pool, c->who, actor, sizeof(actor));
	int sec = pool == POOL_SECURITY;
	uint8_t *rounds = sec ? &c->sec_rounds : &c->rounds;
	double p = sec ? g->p.security_rework_prob : g->p.rework_prob;
	p *= pow(0.4, *rounds);
	(*rounds)++;
	const char *team = sec ? "security" : NULL;
	if (!sec && !c->first_review)
		c->first_review = t;
	if (gen_rng_chance(&g->rng, p)) {
		gen_emit_change(g, c, t, "changes_requested", actor, team, GEN_NONE);
		schedule(g, t + dur(gen_rng_lognormal(&g->rng, g->p.rework_hours, 0.5)),
		         sec ? K_SEC_REWORKED : K_REWORKED, (uint32_t)(c - g->changes));
		return;
	}
	gen_emit_change(g, c, t, "approved", actor, team, GEN_NONE);
	if (sec)
		c->sec_appr = t;
	else
		c->code_approved = t;
	after_review(g, c, t);
}

static void reworked(gen_sim *g, gen_change *c, int64_t t, int sec)
{
	push(g, c, t);
	gen_unit *u = &g->units[c->unit];
	if (sec) {
		char actor[64];
		gen_person(g, c->unit, POOL_CODING, c->author, actor, sizeof(actor));
		gen_emit_change(g, c, t, "review_requested", actor, "security",
		                GEN_NONE);
	}
	pool_offer(g, &u->pool[sec ? POOL_SECURITY : POOL_REVIEW],
	           (uint32_t)(c - g->changes), t);
}

static void qa_done(gen_sim *g, gen_change *c, int64_t t)
{
	gen_unit *u = &g->units[c->unit];
	pool_release(g, &u->pool[POOL_QA], c->who, t);
	char actor[64];
	gen_person(g, c->unit, POOL_QA, c->who, actor, sizeof(actor));
	gen_emit_change(g, c, t, "approved", actor, "qa", GEN_NONE);
	c->qa_appr = t;
	go_merge(g, c, t);
}

/* ---- deployments ------------------------------------------------------- */

static void deploy_start(gen_sim *g, uint32_t unit, int64_t t)
{
	gen_unit *u = &g->units[unit];
	if (u->deploying || u->pending_head == GEN_NONE)
		return;
	if (orgmri_array_grow((void **)&g->deps, &g->deps_cap, g->ndeps + 1,
	                      sizeof(gen_deployment), 1024, 0)) {
		fail(g, ORGMRI_ENOMEM);
		return;
	}
	uint32_t did = (uint32_t)g->ndeps++;
	gen_deployment *d = &g->deps[did];
	d->unit = unit;
	d->number = ++u->next_deploy;
	d->first = u->pending_head;
	u->pending_head = u->pending_tail = GEN_NONE;
	u->deploying = 1;
	gen_emit_deploy(g, d, t, "deploy_started");
	schedule(g, t + dur(gen_rng_lognormal(&g->rng, g->p.deploy_minutes / 60,
	                                      0.3)),
	         K_DEPLOY_DONE, did);
}

static void deploy_done(gen_sim *g, gen_deployment *d, int64_t t)
{
	gen_unit *u = &g->units[d->unit];
	u->deploying = 0;
	if (gen_rng_chance(&g->rng, g->p.deploy_fail_prob)) {
		gen_emit_deploy(g, d, t, "deploy_failed");
		/* the batch goes first in the next deployment */
		uint32_t last = d->first;
		while (g->changes[last].next_pending != GEN_NONE)
			last = g->changes[last].next_pending;
		g->changes[last].next_pending = u->pending_head;
		if (u->pending_head == GEN_NONE)
			u->pending_tail = last;
		u->pending_head = d->first;
	} else {
		gen_emit_deploy(g, d, t, "deployed");
		g->dep_count[gen_period(g, t)]++;
		int n = 0;
		for (uint32_t c = d->first; c != GEN_NONE;
		     c = g->changes[c].next_pending, n++) {
			g->changes[c].deployed = t;
			gen_emit_status(g, &g->changes[c], t,
			                g->changes[c].qa_req ? "QA" : "In Review", "Done",
			                "done");
			gen_emit_issue_resolved(g, &g->changes[c], t);
		}
		/* each shipped change may break production on its own */
		if (gen_rng_chance(&g->rng, 1 - pow(1 - g->p.incident_prob, n))) {
			static const char *const sev[] = { "sev1", "sev2", "sev2",
			                                   "sev3", "sev3" };
			int64_t opened = t + dur(gen_rng_exponential(&g->rng, 2));
			int64_t resolved = opened +
			                   dur(gen_rng_lognormal(&g->rng, g->p.restore_hours,
			                                         0.8));
			g->incidents++;
			g->inc_count[gen_period(g, t)]++;
			gen_emit_incident(g, d, ++u->next_incident, opened, resolved,
			                  sev[gen_rng_below(&g->rng, 5)]);
		}
	}
	if (g->p.deploy_continuous)
		deploy_start(g, d->unit, t);
}

static void merged(gen_sim *g, gen_change *c, int64_t t)
{
	gen_unit *u = &g->units[c->unit];
	c->merged = t;
	char actor[64];
	gen_person(g, c->unit, POOL_CODING, c->author, actor, sizeof(actor));
	gen_emit_change(g, c, t, "merged", actor, NULL, GEN_NONE);
	uint32_t cid = (uint32_t)(c - g->changes);
	if (u->pending_tail == GEN_NONE)
		u->pending_head = cid;
	else
		g->changes[u->pending_tail].next_pending = cid;
	u->pending_tail = cid;
	if (g->p.deploy_continuous)
		deploy_start(g, c->unit, t);
}

/* ---- set-up and the main loop ------------------------------------------ */

static void step(gen_sim *g, const gen_item *it)
{
	gen_change *c = it->kind == K_ARRIVAL || it->kind == K_DEPLOY_TICK ||
	                it->kind == K_DEPLOY_DONE ? NULL : &g->changes[it->id];
	switch (it->kind) {
	case K_ARRIVAL: arrival(g, it->id, it->time); break;
	case K_CODED: coded(g, c, it->time); break;
	case K_REVIEWED: reviewed(g, c, it->time, POOL_REVIEW); break;
	case K_SECURED: reviewed(g, c, it->time, POOL_SECURITY); break;
	case K_REWORKED: reworked(g, c, it->time, 0); break;
	case K_SEC_REWORKED: reworked(g, c, it->time, 1); break;
	case K_QA_DONE: qa_done(g, c, it->time); break;
	case K_MERGE: merged(g, c, it->time); break;
	case K_DEPLOY_DONE: deploy_done(g, &g->deps[it->id], it->time); break;
	case K_DEPLOY_TICK:
		deploy_start(g, it->id, it->time);
		if (it->time + dur(g->p.deploy_every_hours) < g->end)
			schedule(g, it->time + dur(g->p.deploy_every_hours),
			         K_DEPLOY_TICK, it->id);
		break;
	}
}

/* Expected review rounds when round k asks for changes with p x 0.4^(k-1),
 * and the expected work in them when later rounds take half as long. */
static double expected_work_rounds(double p)
{
	double reach = 1, work = 0;
	for (int k = 0; k < 60 && reach > 1e-12; k++) {
		work += reach * (k ? 0.5 : 1.0);
		reach *= p * pow(0.4, k);
	}
	return work;
}

/* Offered load of a pool before the rollout: arrivals x mean work /
 * capacity (the mean of a log-normal is median x exp(sigma^2 / 2)). */
static double offered(const orgmri_gen_params *p, int pool)
{
	double lambda = p->arrivals_per_day / 24.0;
	switch (pool) {
	case POOL_CODING:
		return lambda * p->coding.hours *
		       exp(p->coding.sigma * p->coding.sigma / 2) / p->coding.capacity;
	case POOL_REVIEW:
		return lambda * p->review.hours *
		       exp(p->review.sigma * p->review.sigma / 2) *
		       expected_work_rounds(p->rework_prob) / p->review.capacity;
	case POOL_SECURITY:
		return lambda * p->security_share * p->security.hours *
		       exp(p->security.sigma * p->security.sigma / 2) *
		       expected_work_rounds(p->security_rework_prob) /
		       p->security.capacity;
	default:
		return lambda * p->qa_share * p->qa.hours *
		       exp(p->qa.sigma * p->qa.sigma / 2) / p->qa.capacity;
	}
}

/* Planting: set work times so that the planted pool runs at plant_load
 * and every other pool at most at other_load (before the rollout). */
static void apply_plant(orgmri_gen_params *p)
{
	static const int stage_of[NPOOLS] = { ORGMRI_GEN_CODING, ORGMRI_GEN_REVIEW,
	                                      ORGMRI_GEN_SECURITY, ORGMRI_GEN_QA };
	orgmri_gen_pool *pools[NPOOLS] = { &p->coding, &p->review, &p->security,
	                                   &p->qa };
	if (p->plant < 0)
		return;
	for (int k = 0; k < NPOOLS; k++) {
		double load = offered(p, k);
		if (load <= 0)
			continue;
		if (stage_of[k] == p->plant)
			pools[k]->hours *= p->plant_load / load;
		else if (load > p->other_load)
			pools[k]->hours *= p->other_load / load;
	}
}

static void unit_names(gen_unit *u, const char *repo, uint32_t k)
{
	const char *name = strchr(repo, '/') + 1;
	size_t j = 0;
	for (const char *s = name; *s && j + 2 < sizeof(u->issue_prefix); s++)
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9'))
			u->issue_prefix[j++] = (char)(*s >= 'a' && *s <= 'z' ? *s - 32 : *s);
	u->issue_prefix[j] = '\0';
	if (k == 0) {
		snprintf(u->repo, sizeof(u->repo), "%s", repo);
		u->suffix[0] = '\0';
	} else {
		snprintf(u->repo, sizeof(u->repo), "%s-%u", repo, k + 1);
		snprintf(u->suffix, sizeof(u->suffix), ".u%u", k + 1);
		size_t l = strlen(u->issue_prefix);
		snprintf(u->issue_prefix + l, sizeof(u->issue_prefix) - l, "%u",
		         k + 1);
	}
}

static int sim_init(gen_sim *g, const orgmri_gen_params *p, orgmri_sink *sink,
                    orgmri_error *err)
{
	memset(g, 0, sizeof(*g));
	g->p = *p;
	apply_plant(&g->p);
	g->sink = sink;
	g->err = err;
	g->end = p->start + (int64_t)(p->days * (double)DAY_MS);
	if (p->rollout < p->start || p->rollout > g->end)
		return orgmri_seterr(err, ORGMRI_EINVAL,
		                     "ai.rollout must lie between gen.start and "
		                     "gen.start + gen.days");
	if (!strchr(p->repo, '/') || p->units < 1)
		return orgmri_seterr(err, ORGMRI_EINVAL,
		                     "gen.repo must be OWNER/NAME and gen.units >= 1");
	double people = (double)p->units * (p->coding.capacity + p->review.capacity +
	                                    p->security.capacity + p->qa.capacity);
	if (people > 1e7)
		return orgmri_seterr(err, ORGMRI_ELIMIT,
		                     "%.0f people (gen.units x pool capacities) is "
		                     "more than the generator holds (10 million)",
		                     people);
	gen_rng_seed(&g->rng, p->seed);
	g->units = calloc((size_t)p->units, sizeof(*g->units));
	if (!g->units)
		return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	int caps[NPOOLS] = { p->coding.capacity, p->review.capacity,
	                     p->security.capacity, p->qa.capacity };
	static const int stages[NPOOLS] = { ORGMRI_GEN_CODING, ORGMRI_GEN_REVIEW,
	                                    ORGMRI_GEN_SECURITY, ORGMRI_GEN_QA };
	for (int k = 0; k < p->units; k++) {
		gen_unit *u = &g->units[k];
		unit_names(u, p->repo, (uint32_t)k);
		u->pending_head = u->pending_tail = GEN_NONE;
		for (int q = 0; q < NPOOLS; q++)
			if (pool_init(&u->pool[q], stages[q], caps[q]))
				return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	}
	/* first arrivals; daily trains leave at 14:00 UTC */
	for (int k = 0; k < p->units; k++) {
		schedule(g, p->start + dur(gen_rng_exponential(&g->rng,
		                                               24.0 / p->arrivals_per_day)),
		         K_ARRIVAL, (uint32_t)k);
		if (!p->deploy_continuous)
			schedule(g, p->start + 14 * 3600000LL, K_DEPLOY_TICK, (uint32_t)k);
	}
	return g->rc ? orgmri_seterr(err, g->rc, "out of memory") : 0;
}

static void sim_free(gen_sim *g)
{
	for (int k = 0; g->units && k < g->p.units; k++)
		for (int q = 0; q < NPOOLS; q++)
			pool_free(&g->units[k].pool[q]);
	free(g->units);
	free(g->changes);
	free(g->commits);
	free(g->deps);
	free(g->heap);
	free(g->offs);
	free(g->rel);
	orgmri_buf_free(&g->scratch);
}

int orgmri_gen_run(const orgmri_gen_params *p, orgmri_sink *sink,
                   orgmri_gen_truth *truth, orgmri_error *err)
{
	gen_sim g;
	int rc = sim_init(&g, p, sink, err);
	while (!rc && !g.rc && g.nheap > 0 && g.heap[0].time < g.end) {
		gen_item it = pop(&g);
		step(&g, &it);
	}
	if (!rc && g.rc) {
		rc = g.rc;
		if (rc == ORGMRI_ENOMEM && (!err || !err->message[0]))
			orgmri_seterr(err, rc, "out of memory");
	}
	if (!rc && truth)
		rc = gen_truth_fill(&g, truth, err);
	sim_free(&g);
	return rc;
}

int orgmri_gen_params_scale(orgmri_gen_params *p, long long events,
                            orgmri_error *err)
{
	if (events < 1)
		return orgmri_seterr(err, ORGMRI_EINVAL, "events must be positive");
	orgmri_gen_truth t;
	int rc = orgmri_gen_run(p, NULL, &t, err);
	if (rc)
		return rc;
	double base = (double)t.events / p->units;
	if (base < 1)
		return orgmri_seterr(err, ORGMRI_EINVAL,
		                     "these parameters generate no events");
	double units = floor((double)events / base);
	double frac = (double)p->rollout - (double)p->start;
	frac /= p->days * (double)DAY_MS;
	if (units > 100000)
		return orgmri_seterr(err, ORGMRI_ELIMIT,
		                     "%lld events is more than the generator makes",
		                     events);
	if (units < 1)
		units = 1;
	/* the remainder goes into the length, keeping the rollout's place */
	p->units = (int)units;
	p->days *= (double)events / (units * base);
	p->rollout = p->start + (int64_t)(frac * p->days * (double)DAY_MS);
	p->rollout -= p->rollout % 1000;
	if (units > 1)
		return 0;
	/* A short run is not proportional (queues and the deployment train
	 * start empty): measure once more and correct the length. */
	if ((rc = orgmri_gen_run(p, NULL, &t, err)))
		return rc;
	if (t.events > 0) {
		p->days *= (double)events / (double)t.events;
		p->rollout = p->start + (int64_t)(frac * p->days * (double)DAY_MS);
		p->rollout -= p->rollout % 1000;
	}
	return 0;
}
