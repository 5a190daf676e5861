/*
 * des.c - the discrete-event simulation of the value stream.
 *
 * One replication simulates work items flowing through the stages in route
 * order (coding, pickup, review, security, qa, merge, deploy).  Every stage
 * but deploy is a station: `servers` people working in parallel and one
 * queue, FIFO or smallest-change-first; or, with servers = 0 (no capacity
 * known), a delay: every item starts at once (its utilisation is 0, so it
 * is never the constraint).  An item's work time at a station
 * is drawn from the stage's empirical sample (or an exponential, for
 * queueing checks) and scaled by the scenario.  After review an item with
 * rework loops left goes back to coding for one rework period and then
 * queues for review again.  An item whose coding is unobserved (a squash
 * merge: it arrives at its merge) skips coding.  A merged item then waits
 * for production in one of two ways: with observed deployment waits (deploy_waits), no
 * batch limit and no train asked for, for a resampled observed wait (a
 * delay, no queue); else for the next release train, which takes up to
 * batch_max items: trains leave at the given times (deploy_times, a
 * backtest's actual releases), then after resampled intervals, the
 * first conditioned on the time since the last release (deploy_age).
 * Trains run in both cases (they count deployments and incidents).  An optional CONWIP limit holds arriving
 * items in a backlog until fewer than `wip` items are between coding and
 * merge.
 *
 * The future event list is a binary min-heap on time; events are 16 bytes
 * and nothing is allocated per event.  Every replication has its own
 * random stream (seed, replication index) and writes its own result slot,
 * so results are the same for any number of threads.
 *
 * Measured items are those arriving in [warmup, horizon); arrivals stop at
 * the horizon and the system then drains until every item is done or
 * until 2 * horizon + 4 weeks (what is left then counts as unfinished).
 * Utilisation and throughput are measured over [warmup, horizon).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "orgmri/sim.h"
#include "sim/rng.h"
#include "sim/simint.h"

#define WEEK ORGMRI_SIM_HOURS_PER_WEEK
#define NS ORGMRI_SIM_NSTAGES
#define NSTATIONS (NS - 1)   /* deploy is a train, not a station */

enum { EV_ARRIVAL = 0, EV_DONE, EV_DEPLOY };
enum { IT_MEASURED = 1, IT_REWORK = 2 };

typedef struct event {
	double t;
	uint32_t item;
	uint8_t kind, stage;
} event;

typedef struct qentry {
	uint64_t key;   /* priority << 40 | sequence; smallest first */
	uint32_t item;
} qentry;

typedef struct item {
	double arrival, start, enter;
	uint32_t size;
	uint16_t loops;
	uint8_t visits, tier, flags, pad;
} item;

typedef struct qheap {
	qentry *e;
	size_t n, cap;
} qheap;

/* A FIFO of item indexes (backlog, deploy buffer). */
typedef struct fifo {
	uint32_t *e;
	size_t head, n, cap;
} fifo;

/* One replication's figures. */
typedef struct rep_out {
	double lead_p50, lead_p85, lead_p95, lead_mean;
	double throughput;
	double util[NS], wait[NS], work[NS];
	double backlog_wait, deploys, incidents;
	double unfinished;
	long long events;
} rep_out;

/* Working memory of one thread, reused across its replications. */
typedef struct workspace {
	event *heap;
	size_t nheap, capheap;
	item *items;
	size_t nitems, capitems;
	uint32_t *freelist;          /* slots of completed items, reused */
	size_t nfree, capfree;
	qheap q[NSTATIONS];
	fifo backlog, deploybuf;
	double *leads;
	size_t nleads, capleads;
} workspace;

typedef struct rep_state {
	const orgmri_sim_model *m;
	workspace *w;
	sim_rng rng;
	double w0, w1, stop;
	int busy[NSTATIONS];
	double busy_area[NSTATIONS], busy_last[NSTATIONS];
	double wait_sum[NS], work_sum[NS];
	double nwait[NS], nwork[NS];
	double backlog_sum;
	double week_end, rate_now, inv_rate;   /* next_poisson's cache */
	unsigned skipmask[ORGMRI_SIM_NTIERS];  /* stages each tier skips */
	uint8_t always, sometimes;   /* stages with p_visit >= 1, in (0, 1) */
	size_t nmeasured, done_in_window, deploys, incidents;
	size_t in_wip, in_system, next_arrival, next_deploy;
	uint64_t seq;
	long long events;
	size_t narrived;
	int arrivals_over, oom, limit;
	int delay, trains;   /* delay_deploys(m), has_trains(m), computed once */
} rep_state;

/* Arrivals per replication are capped so that a scenario such as
 * arrivals*1000000 fails clearly instead of exhausting memory and time. */
#define MAX_ARRIVALS 2000000u

/* ---- containers -------------------------------------------------------- */

static inline int heap_push(rep_state *s, double t, uint32_t it, int kind,
                            int st)
{
	workspace *w = s->w;
	if (orgmri_array_grow((void **)&w->heap, &w->capheap, w->nheap + 1,
	                      sizeof(event), 64, 0)) {
		s->oom = 1;
		return -1;
	}
	size_t i = w->nheap++;
	event e = { t, it, (uint8_t)kind, (uint8_t)st };
	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (w->heap[p].t <= t)
			break;
		w->heap[i] = w->heap[p];
		i = p;
	}
	w->heap[i] = e;
	return 0;
}

static inline event heap_pop(workspace *w)
{
	event top = w->heap[0];
	event last = w->heap[--w->nheap];
	size_t n = w->nheap, i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= n)
			break;
		/* the smaller child, without a branch: which one it is is a
		 * coin toss, so a branch here is mispredicted half the time.
		 * heap[n] (c + 1 == n) is the old last element, still in the
		 * array, and the test then adds 0 as the branch did. */
		c += (c + 1 < n) & (w->heap[c + 1].t < w->heap[c].t);
		if (last.t <= w->heap[c].t)
			break;
		w->heap[i] = w->heap[c];
		i = c;
	}
	if (n)
		w->heap[i] = last;
	return top;
}

static inline int q_push(qheap *q, uint64_t key, uint32_t it)
{
	if (orgmri_array_grow((void **)&q->e, &q->cap, q->n + 1, sizeof(qentry),
	                      64, 0))
		return -1;
	size_t i = q->n++;
	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (q->e[p].key <= key)
			break;
		q->e[i] = q->e[p];
		i = p;
	}
	q->e[i] = (qentry){ key, it };
	return 0;
}

static inline uint32_t q_pop(qheap *q)
{
	uint32_t top = q->e[0].item;
	qentry last = q->e[--q->n];
	size_t n = q->n, i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && q->e[c + 1].key < q->e[c].key)
			c++;
		if (last.key <= q->e[c].key)
			break;
		q->e[i] = q->e[c];
		i = c;
	}
	if (n)
		q->e[i] = last;
	return top;
}

static int fifo_push(fifo *f, uint32_t v)
{
	if (f->n == f->cap) {
		size_t c = f->cap ? f->cap * 2 : 64;
		uint32_t *e = orgmri_reallocarray(NULL, c, sizeof(*e));
		if (!e)
			return -1;
		for (size_t i = 0; i < f->n; i++)
			e[i] = f->e[(f->head + i) % f->cap];
		free(f->e);
		f->e = e;
		f->cap = c;
		f->head = 0;
	}
	f->e[(f->head + f->n++) % f->cap] = v;
	return 0;
}

static uint32_t fifo_pop(fifo *f)
{
	uint32_t v = f->e[f->head];
	f->head = (f->head + 1) % f->cap;
	f->n--;
	return v;
}

static void workspace_free(workspace *w)
{
	free(w->heap);
	free(w->items);
	free(w->freelist);
	for (int i = 0; i < NSTATIONS; i++)
		free(w->q[i].e);
	free(w->backlog.e);
	free(w->deploybuf.e);
	free(w->leads);
	memset(w, 0, sizeof(*w));
}

/* ---- the model's moves -------------------------------------------------- */

/* The moves of one event are small and run tens of millions of times a
 * second; gcc -O2 left several of them as calls.  Forced inline into the
 * event loop, the M/M/3 benchmark runs ~10% and the organisation ~8%
 * faster (bench/sim.sh; docs/simulation.md section 8).  Nothing else
 * changes: the same draws in the same order, the same results. */
#define HOT static inline __attribute__((always_inline))

/* Add busy-server time on station st up to t, clipped to the window. */
HOT void busy_account(rep_state *s, int st, double t)
{
	double a = s->busy_last[st] > s->w0 ? s->busy_last[st] : s->w0;
	double b = t < s->w1 ? t : s->w1;
	if (b > a)
		s->busy_area[st] += s->busy[st] * (b - a);
	s->busy_last[st] = t;
}

static int visits(const rep_state *s, const item *it, int st)
{
	return (it->visits & ~s->skipmask[it->tier] & (1u << st)) != 0;
}

/* The first stage after `from` that the item visits among the stations,
 * or NSTATIONS when none. */
static int next_station(const rep_state *s, const item *it, int from)
{
	unsigned after = (unsigned)it->visits & ~s->skipmask[it->tier] &
	                 ((1u << NSTATIONS) - 1) & ~((1u << (from + 1)) - 1);
	return after ? __builtin_ctz(after) : NSTATIONS;
}

/* Merged items wait an observed deployment wait rather than for a train:
 * when waits were observed, no batch limit is set and no train is asked
 * for (deploy_train, or a schedule of trains). */
static int delay_deploys(const orgmri_sim_model *m)
{
	return m->ndeploy_waits > 0 && m->batch_max <= 0 && !m->deploy_train &&
	       !m->ndeploy_times;
}

static int has_trains(const orgmri_sim_model *m)
{
	return m->ndeploy_intervals > 0 || m->ndeploy_times > 0;
}

/* The first resampled interval after time 0, when the last train left
 * deploy_age hours before it: drawn uniformly among the intervals
 * (times cadence_scale) longer than the age, less the age (the residual
 * of an interval known to have lasted that long); 0 when none is that
 * long (the release is overdue).  With age 0 this is a plain draw. */
static double first_interval(rep_state *s)
{
	const orgmri_sim_model *m = s->m;
	double age = m->deploy_age > 0 ? m->deploy_age : 0;
	size_t k = 0;
	for (size_t i = 0; i < m->ndeploy_intervals; i++)
		k += m->deploy_intervals[i] * m->cadence_scale > age;
	if (k == 0)
		return 0;
	size_t pick = sim_rng_below(&s->rng, k);
	for (size_t i = 0;; i++)
		if (m->deploy_intervals[i] * m->cadence_scale > age && pick-- == 0)
			return m->deploy_intervals[i] * m->cadence_scale - age;
}

/* When the train after one leaving at t leaves (first: the first train
 * of the replication), or -1 when there is none: the next given time
 * while any are left, then a resampled interval later. */
static double next_train(rep_state *s, double t, int first)
{
	const orgmri_sim_model *m = s->m;
	if (s->next_deploy < m->ndeploy_times) {
		double at = m->deploy_times[s->next_deploy++];
		return at > t ? at : t;
	}
	if (!m->ndeploy_intervals)
		return -1;
	double gap = first && !m->ndeploy_times ? first_interval(s) :
		m->deploy_intervals[sim_rng_below(&s->rng, m->ndeploy_intervals)] *
		m->cadence_scale;
	return t + (gap < 1e-6 ? 1e-6 : gap);
}

HOT double draw_work(rep_state *s, const item *it, int st)
{
	const orgmri_sim_stage *g = &s->m->stage[st];
	double x;
	if ((it->flags & IT_REWORK) && s->m->nrework)
		x = s->m->rework_samples[sim_rng_below(&s->rng, s->m->nrework)];
	else if (g->dist == ORGMRI_SIM_EXPONENTIAL)
		x = sim_rng_exp(&s->rng, g->mean);
	else if (g->nsamples)
		x = g->samples[sim_rng_below(&s->rng, g->nsamples)];
	else
		x = 0;
	return x * g->time_scale;
}

HOT void start_service(rep_state *s, uint32_t id, int st, double t)
{
	item *it = &s->w->items[id];
	double d = draw_work(s, it, st);
	if (it->flags & IT_MEASURED) {
		s->wait_sum[st] += t - it->enter;
		s->work_sum[st] += d;
		s->nwait[st] += 1;
	}
	busy_account(s, st, t);
	s->busy[st]++;
	heap_push(s, t + d, id, EV_DONE, st);
}

HOT void enter_station(rep_state *s, uint32_t id, int st, double t)
{
	item *it = &s->w->items[id];
	it->enter = t;
	int c = s->m->stage[st].servers;
	if (c == 0 || s->busy[st] < c) {   /* 0: a delay, never a queue */
		start_service(s, id, st, t);
		return;
	}
	uint64_t prio = s->m->stage[st].queue == ORGMRI_SIM_PRIORITY ?
	                (uint64_t)it->size : 0;
	if (prio > 0xffffff)
		prio = 0xffffff;
	if (q_push(&s->w->q[st], prio << 40 | (s->seq++ & 0xffffffffffULL), id))
		s->oom = 1;
}

HOT void complete(rep_state *s, uint32_t id, double t)
{
	workspace *w = s->w;
	item *it = &w->items[id];
	s->in_system--;
	if (t >= s->w0 && t < s->w1)
		s->done_in_window++;
	if (it->flags & IT_MEASURED) {
		if (orgmri_array_grow((void **)&w->leads, &w->capleads,
		                      w->nleads + 1, sizeof(double), 64, 0)) {
			s->oom = 1;
			return;
		}
		w->leads[w->nleads++] = t - it->start;
	}
	/* no event refers to the item any more: its slot can be reused
	 * (capfree >= capitems always, so this cannot fail) */
	w->freelist[w->nfree++] = id;
}

static void admit(rep_state *s, uint32_t id, double t);

/* Move an item on from stage `from` (-1 = just admitted). */
HOT void route(rep_state *s, uint32_t id, int from, double t)
{
	item *it = &s->w->items[id];
	int st = next_station(s, it, from);
	if (st < NSTATIONS) {
		enter_station(s, id, st, t);
		return;
	}
	/* past merge: leave the WIP-limited part, let the backlog in */
	s->in_wip--;
	while (s->w->backlog.n &&
	       (s->m->wip <= 0 || s->in_wip < (size_t)s->m->wip))
		admit(s, fifo_pop(&s->w->backlog), t);
	if (!visits(s, it, ORGMRI_STAGE_DEPLOY)) {
		complete(s, id, t);
	} else if (s->delay) {
		/* an observed merge -> production wait; EV_DONE at deploy */
		it->enter = t;
		double d = s->m->deploy_waits[sim_rng_below(&s->rng,
		                              s->m->ndeploy_waits)] *
		           s->m->cadence_scale;
		heap_push(s, t + d, id, EV_DONE, ORGMRI_STAGE_DEPLOY);
	} else if (s->trains) {
		it->enter = t;
		if (fifo_push(&s->w->deploybuf, id))
			s->oom = 1;
	} else {
		complete(s, id, t);
	}
}

static void admit(rep_state *s, uint32_t id, double t)
{
	item *it = &s->w->items[id];
	it->start = t;
	if (it->flags & IT_MEASURED)
		s->backlog_sum += t - it->arrival;
	s->in_wip++;
	route(s, id, -1, t);
}

static void draw_profile(rep_state *s, item *it)
{
	const orgmri_sim_model *m = s->m;
	if (m->nprofiles) {
		const orgmri_sim_profile *p =
			&m->profiles[sim_rng_below(&s->rng, m->nprofiles)];
		it->visits = p->visits;
		it->tier = p->tier;
		it->loops = p->rework_loops;
		it->size = p->size;
		return;
	}
	it->visits = s->always;
	for (int st = 0; st < NS && s->sometimes; st++)
		if ((s->sometimes & (1u << st)) &&
		    sim_rng_uniform(&s->rng) < m->p_visit[st])
			it->visits |= (uint8_t)(1u << st);
	it->tier = ORGMRI_TIER_MEDIUM;
	it->loops = 0;
	it->size = 0;
}

/* Time of the next Poisson arrival after t, or a time >= w1 when there is
 * none: the weekly rate is constant within a week, so an Exp(1) budget is
 * spent week by week (memorylessness makes this exact).  The current
 * week's end and rate are cached: most arrivals fall in the same week. */
HOT double next_poisson(rep_state *s, double t)
{
	const orgmri_sim_model *m = s->m;
	double e = sim_rng_exp(&s->rng, 1.0);
	if (t < s->week_end && s->rate_now > 0 && t + e * s->inv_rate < s->week_end)
		return t + e * s->inv_rate;
	while (t < s->w1) {
		double week = floor(t / WEEK);
		double rate = (m->rate + m->trend * week) * m->arrival_scale / WEEK;
		s->week_end = (week + 1) * WEEK;
		s->rate_now = rate;
		s->inv_rate = rate > 0 ? 1 / rate : 0;
		if (rate > 0 && t + e / rate < s->week_end)
			return t + e * s->inv_rate;
		if (rate > 0)
			e -= (s->week_end - t) * rate;
		t = s->week_end;
	}
	return t;
}

HOT void schedule_arrival(rep_state *s, double t)
{
	double next;
	int unobserved = 0;
	if (s->m->arrival_times) {
		if (s->next_arrival >= s->m->narrivals) {
			s->arrivals_over = 1;
			return;
		}
		unobserved = s->m->arrival_unobserved &&
		             s->m->arrival_unobserved[s->next_arrival];
		next = s->m->arrival_times[s->next_arrival++];
	} else {
		next = next_poisson(s, t);
	}
	if (next >= s->w1) {
		s->arrivals_over = 1;
		return;
	}
	/* the event's stage field carries the trace's flag */
	heap_push(s, next, 0, EV_ARRIVAL, unobserved);
}

/* An arrival whose coding is unobserved skips coding (it arrives at its
 * merge): trace-driven ones as flagged, Poisson ones with the calibrated
 * share p_unobserved of coding visits (docs/simulation.md, section 2).
 * One more draw only when that share is above 0. */
HOT void arrival_coding(rep_state *s, item *it, int unobserved)
{
	const orgmri_sim_model *m = s->m;
	if (!(it->visits & (1u << ORGMRI_STAGE_CODING)))
		return;
	if (!m->arrival_times && m->p_unobserved > 0)
		unobserved = sim_rng_uniform(&s->rng) < m->p_unobserved;
	if (unobserved)
		it->visits &= (uint8_t)~(1u << ORGMRI_STAGE_CODING);
}

HOT void on_arrival(rep_state *s, double t, int unobserved)
{
	workspace *w = s->w;
	if (++s->narrived > MAX_ARRIVALS) {
		s->limit = 1;
		return;
	}
	uint32_t id;
	if (w->nfree) {
		id = w->freelist[--w->nfree];
	} else {
		if (orgmri_array_grow((void **)&w->items, &w->capitems,
		                      w->nitems + 1, sizeof(item), 64, 0) ||
		    orgmri_array_grow((void **)&w->freelist, &w->capfree,
		                      w->capitems, sizeof(uint32_t), 64, 0)) {
			s->oom = 1;
			return;
		}
		id = (uint32_t)w->nitems++;
	}
	item *it = &w->items[id];
	memset(it, 0, sizeof(*it));
	it->arrival = t;
	draw_profile(s, it);
	arrival_coding(s, it, unobserved);
	if (t >= s->w0 && t < s->w1) {
		it->flags |= IT_MEASURED;
		s->nmeasured++;
	}
	s->in_system++;
	if (s->m->wip > 0 && s->in_wip >= (size_t)s->m->wip) {
		if (fifo_push(&w->backlog, id))
			s->oom = 1;
	} else {
		admit(s, id, t);
	}
	schedule_arrival(s, t);
}

HOT void on_done(rep_state *s, uint32_t id, int st, double t)
{
	if (st == ORGMRI_STAGE_DEPLOY) {   /* the end of a deployment wait */
		if (s->w->items[id].flags & IT_MEASURED) {
			s->wait_sum[st] += t - s->w->items[id].enter;
			s->nwait[st] += 1;
		}
		complete(s, id, t);
		return;
	}
	busy_account(s, st, t);
	s->busy[st]--;
	if (s->w->q[st].n)
		start_service(s, q_pop(&s->w->q[st]), st, t);
	item *it = &s->w->items[id];
	if (st == ORGMRI_STAGE_CODING && (it->flags & IT_REWORK)) {
		it->flags &= (uint8_t)~IT_REWORK;
		enter_station(s, id, ORGMRI_STAGE_REVIEW, t);
	} else if (st == ORGMRI_STAGE_REVIEW && it->loops > 0) {
		it->loops--;
		it->flags |= IT_REWORK;
		enter_station(s, id, ORGMRI_STAGE_CODING, t);
	} else {
		route(s, id, st, t);
	}
}

static void on_deploy(rep_state *s, double t)
{
	const orgmri_sim_model *m = s->m;
	fifo *b = &s->w->deploybuf;
	size_t take = b->n;
	if (m->batch_max > 0 && take > (size_t)m->batch_max)
		take = (size_t)m->batch_max;
	for (size_t i = 0; i < take; i++) {
		uint32_t id = fifo_pop(b);
		item *it = &s->w->items[id];
		if (it->flags & IT_MEASURED) {
			s->wait_sum[ORGMRI_STAGE_DEPLOY] += t - it->enter;
			s->nwait[ORGMRI_STAGE_DEPLOY] += 1;
		}
		complete(s, id, t);
	}
	if ((take || s->delay) && t >= s->w0 && t < s->w1) {
		s->deploys++;
		if (sim_rng_uniform(&s->rng) < m->p_incident)
			s->incidents++;
	}
	if (s->arrivals_over && s->in_system == 0)
		return;
	double next = next_train(s, t, 0);
	if (next >= 0)
		heap_push(s, next, 0, EV_DEPLOY, 0);
}

/* ---- one replication ---------------------------------------------------- */

static void summarise(rep_state *s, rep_out *o)
{
	workspace *w = s->w;
	const orgmri_sim_model *m = s->m;
	double win = s->w1 - s->w0;
	memset(o, 0, sizeof(*o));
	static const double ps[3] = { 0.50, 0.85, 0.95 };
	double q[3];
	sim_quantiles_unsorted(w->leads, w->nleads, ps, q, 3);
	o->lead_p50 = q[0];
	o->lead_p85 = q[1];
	o->lead_p95 = q[2];
	/* summed in the order the selection left (so its last bits depend
	 * on that order; see stats.c on bracketed selection) */
	double sum = 0;
	for (size_t i = 0; i < w->nleads; i++)
		sum += w->leads[i];
	o->lead_mean = w->nleads ? sum / (double)w->nleads : 0;
	o->throughput = win > 0 ? (double)s->done_in_window / (win / WEEK) : 0;
	for (int st = 0; st < NS; st++) {
		if (st < NSTATIONS) {
			busy_account(s, st, s->w1);
			double cap = m->stage[st].servers * win;
			o->util[st] = cap > 0 ? s->busy_area[st] / cap : 0;
		}
		o->wait[st] = s->nwait[st] ? s->wait_sum[st] / s->nwait[st] : 0;
		o->work[st] = s->nwait[st] ? s->work_sum[st] / s->nwait[st] : 0;
	}
	o->backlog_wait = s->nmeasured ? s->backlog_sum / (double)s->nmeasured : 0;
	o->deploys = win > 0 ? (double)s->deploys / (win / WEEK) : 0;
	o->incidents = win > 0 ? (double)s->incidents / (win / WEEK) : 0;
	o->unfinished = s->nmeasured ?
		(double)(s->nmeasured - w->nleads) / (double)s->nmeasured : 0;
	o->events = s->events;
}

static int run_one(const orgmri_sim_model *m, workspace *w, uint64_t seed,
                   unsigned rep, rep_out *o)
{
	rep_state s;
	memset(&s, 0, sizeof(s));
	s.m = m;
	s.w = w;
	sim_rng_seed(&s.rng, seed, rep);
	s.w0 = m->warmup_weeks * WEEK;
	s.w1 = m->horizon_weeks * WEEK;
	s.stop = 2 * s.w1 + 4 * WEEK;
	s.delay = delay_deploys(m);
	s.trains = has_trains(m);
	for (int st = 0; st < NS; st++) {
		for (int tier = 0; tier < ORGMRI_SIM_NTIERS; tier++)
			if (tier <= m->stage[st].skip_tier)
				s.skipmask[tier] |= 1u << st;
		if (m->p_visit[st] >= 1)
			s.always |= (uint8_t)(1u << st);
		else if (m->p_visit[st] > 0)
			s.sometimes |= (uint8_t)(1u << st);
	}
	w->nheap = w->nitems = w->nleads = w->nfree = 0;
	for (int i = 0; i < NSTATIONS; i++)
		w->q[i].n = 0;
	w->backlog.n = w->backlog.head = 0;
	w->deploybuf.n = w->deploybuf.head = 0;

	schedule_arrival(&s, 0);
	double train = next_train(&s, 0, 1);
	if (train >= 0)
		heap_push(&s, train, 0, EV_DEPLOY, 0);
	while (w->nheap && !s.oom && !s.limit) {
		event e = heap_pop(w);
		if (e.t > s.stop)
			break;
		s.events++;
		switch (e.kind) {
		case EV_ARRIVAL: on_arrival(&s, e.t, e.stage); break;
		case EV_DONE: on_done(&s, e.item, e.stage, e.t); break;
		default: on_deploy(&s, e.t); break;
		}
	}
	if (s.oom)
		return ORGMRI_ENOMEM;
	if (s.limit)
		return ORGMRI_ELIMIT;
	summarise(&s, o);
	return 0;
}

/* ---- replications in threads -------------------------------------------- */

typedef struct pool {
	const orgmri_sim_model *m;
	uint64_t seed;
	unsigned n;
	rep_out *out;
	atomic_uint next;
	atomic_int rc;
} pool;

static void *worker(void *arg)
{
	pool *p = arg;
	workspace w;
	memset(&w, 0, sizeof(w));
	for (;;) {
		unsigned i = atomic_fetch_add(&p->next, 1);
		if (i >= p->n || atomic_load(&p->rc))
			break;
		int rc = run_one(p->m, &w, p->seed, i, &p->out[i]);
		if (rc)
			atomic_store(&p->rc, rc);
	}
	workspace_free(&w);
	return NULL;
}

static orgmri_sim_stat stat_of(const rep_out *o, unsigned n, size_t off,
                               double *tmp)
{
	orgmri_sim_stat st = { 0, 0, 0 };
	double sum = 0;
	for (unsigned i = 0; i < n; i++) {
		tmp[i] = *(const double *)((const char *)&o[i] + off);
		sum += tmp[i];
	}
	sim_sort(tmp, n);
	st.mean = n ? sum / n : 0;
	st.lo = sim_quantile(tmp, n, 0.025);
	st.hi = sim_quantile(tmp, n, 0.975);
	return st;
}

#define STAT(field) stat_of(out, n, offsetof(rep_out, field), tmp)

static void aggregate(const rep_out *out, unsigned n, double *tmp,
                      orgmri_sim_result *res)
{
	res->replications = n;
	res->lead_p50 = STAT(lead_p50);
	res->lead_p85 = STAT(lead_p85);
	res->lead_p95 = STAT(lead_p95);
	res->lead_mean = STAT(lead_mean);
	res->throughput = STAT(throughput);
	for (int st = 0; st < NS; st++) {
		res->util[st] = STAT(util[st]);
		res->wait[st] = STAT(wait[st]);
		res->work[st] = STAT(work[st]);
	}
	res->backlog_wait = STAT(backlog_wait);
	res->deploys_per_week = STAT(deploys);
	res->incidents_per_week = STAT(incidents);
	res->unfinished_share = STAT(unfinished).mean;
	res->events = 0;
	for (unsigned i = 0; i < n; i++)
		res->events += out[i].events;
	res->constraint = -1;
	double best = 0;
	for (int st = 0; st < NSTATIONS; st++)
		if (res->util[st].mean > best) {
			best = res->util[st].mean;
			res->constraint = st;
		}
}

static int check_model(const orgmri_sim_model *m, orgmri_error *err)
{
	if (!(m->horizon_weeks > 0) || m->warmup_weeks < 0 ||
	    m->warmup_weeks >= m->horizon_weeks)
		return orgmri_seterr(err, ORGMRI_EINVAL,
		                     "simulation: need 0 <= warmup < horizon weeks");
	if (m->horizon_weeks > 520)
		return orgmri_seterr(err, ORGMRI_ELIMIT,
		                     "simulation: horizon above 520 weeks");
	for (int st = 0; st < NSTATIONS; st++)
		if (m->stage[st].servers < 0 || m->stage[st].servers > 100000)
			return orgmri_seterr(err, ORGMRI_EINVAL,
			                     "simulation: stage %s needs 0..100000 "
			                     "servers (0 = a delay)",
			                     orgmri_sim_stage_name(st));
	return 0;
}

int orgmri_sim_run(const orgmri_sim_model *model,
                   const orgmri_sim_options *opts, orgmri_sim_result *res,
                   orgmri_error *err)
{
	int rc = check_model(model, err);
	if (rc)
		return rc;
	sim_rng_init();
	unsigned n = opts && opts->replications ? opts->replications : 200;
	unsigned nt = opts && opts->threads ? opts->threads : 2;
	if (n > 1000000)
		return orgmri_seterr(err, ORGMRI_ELIMIT,
		                     "simulation: more than 1000000 replications");
	if (nt > 64)
		nt = 64;
	if (nt > n)
		nt = n;
	pool p;
	p.m = model;
	p.seed = opts ? opts->seed : 0;
	p.n = n;
	atomic_init(&p.next, 0);
	atomic_init(&p.rc, 0);
	p.out = calloc(n, sizeof(rep_out));
	double *tmp = calloc(n, sizeof(double));
	pthread_t th[64];
	unsigned started = 0;
	if (!p.out || !tmp) {
		rc = orgmri_seterr(err, ORGMRI_ENOMEM, "simulation: out of memory");
		goto done;
	}
	for (unsigned i = 1; i < nt; i++) {
		if (pthread_create(&th[i], NULL, worker, &p))
			break;   /* fewer threads: same results, just slower */
		started++;
	}
	worker(&p);
	for (unsigned i = 1; i <= started; i++)
		pthread_join(th[i], NULL);
	rc = atomic_load(&p.rc);
	if (rc) {
		if (rc == ORGMRI_ELIMIT)
			orgmri_seterr(err, rc, "simulation: more than %u arrivals in "
			              "one replication (lower arrivals or --weeks)",
			              MAX_ARRIVALS);
		else
			orgmri_seterr(err, rc, "simulation: out of memory");
		goto done;
	}
	memset(res, 0, sizeof(*res));
	aggregate(p.out, n, tmp, res);
done:
	free(p.out);
	free(tmp);
	return rc;
}

int orgmri_sim_migration(const orgmri_sim_model *model,
                         const orgmri_sim_options *opts, int steps,
                         int *order, int *added, orgmri_error *err)
{
	orgmri_sim_model m = *model;
	orgmri_sim_result r;
	int rc = orgmri_sim_run(&m, opts, &r, err);
	if (rc)
		return rc;
	order[0] = r.constraint;
	added[0] = 0;
	int k = 1;
	for (; k <= steps && r.constraint >= 0; k++) {
		int c = r.constraint, n = 0;
		/* elevate c until another stage limits the flow */
		while (r.constraint == c && n < ORGMRI_SIM_MIGRATE_MAX_ADD) {
			m.stage[c].servers++;
			n++;
			if ((rc = orgmri_sim_run(&m, opts, &r, err)))
				return rc;
		}
		if (r.constraint == c)
			break;   /* still c after the maximum: stop here */
		order[k] = r.constraint;
		added[k] = n;
	}
	return k;
}

/* Erlang C: P(wait) = (a^c / c!) (c / (c - a)) / (sum_{k<c} a^k / k! +
 * (a^c / c!) (c / (c - a))) with a = lambda / mu; Wq = P(wait) /
 * (c mu - lambda).  Terms are built up iteratively to avoid overflow. */
double orgmri_sim_erlang_c_wait(double lambda, double mu, int c)
{
	if (c < 1 || !(mu > 0) || lambda >= c * mu)
		return -1;
	double a = lambda / mu, term = 1, sum = 0;
	for (int k = 0; k < c; k++) {
		sum += term;
		term *= a / (k + 1);
	}
	double top = term * c / (c - a);
	double pw = top / (sum + top);
	return pw / (c * mu - lambda);
}
