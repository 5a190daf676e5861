/*
 * pipeline.c - parse on one core, write on the other.
 *
 * Ingest of canonical files is about one third parsing and two thirds
 * SQLite.  A STREAM adapter (one that only emits events) runs here on a
 * producer thread whose sink copies each event into a batch; full batches
 * pass through a bounded queue (QUEUE_MIN, QUEUE_MAX) to the calling
 * thread, which feeds them to the real sink (the store) in order.  The
 * store connection is only ever touched by the calling thread.
 *
 * When the sink is the store's own (the usual `orgmri ingest`), the
 * producer also does the store's per-event preparation (store/bulk.h):
 * it numbers object, activity and person names densely in its own intern
 * tables, sorts and encodes the attributes, drops repeated related objects
 * and names each relation, so the store's thread only maps numbers to row
 * ids through arrays and writes.  Measured on 4.9M generated events the
 * store's thread was 85% of the work before; see docs/performance.md.
 *
 * orgmri_pipeline_call does the same for a function rather than an
 * adapter: the git adapter reads and writes high-water marks in the
 * store before and after, and runs only its event passes here.
 *
 * ORGMRI_PIPELINE=0 in the environment runs the adapter on the calling
 * thread straight into the sink instead (for tests comparing the paths).
 *
 * Errors: a sink failure is recorded and makes the producer's next event
 * fail with the same code, so the adapter stops as it would have without
 * the pipeline; the consumer discards what is still queued.  Skipped-record
 * counts travel with the batches so they reach the run's counters on the
 * store's thread.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/attrs.h"
#include "core/util.h"
#include "ingest/adapter.h"
#include "store/bulk.h"

#define BATCH 4096

/*
 * The producer's name numbering (bulk mode): open addressing, linear
 * probing, at most 3/4 full.  A slot holds the interned string, the high
 * half of its hash and its number, so a look-up touches the slot and, on
 * a hash match, the string: two cache misses where orgmri_intern takes
 * four (slot, length, name pointer, name).  The low half of each hash is
 * kept beside (slot_hash) so growing never rehashes a string.
 */
typedef struct name_slot {
	const char *s;       /* NULL = empty */
	uint32_t hash, id;
} name_slot;

typedef struct numbering {
	name_slot *slots;
	uint32_t *slot_hash;
	uint32_t nslots, count;
	orgmri_arena arena;
} numbering;

static void numbering_init(numbering *nm)
{
	memset(nm, 0, sizeof(*nm));
	orgmri_arena_init(&nm->arena, 256 * 1024);
}

static void numbering_free(numbering *nm)
{
	free(nm->slots);
	free(nm->slot_hash);
	orgmri_arena_free(&nm->arena);
	memset(nm, 0, sizeof(*nm));
}

static int grow(numbering *nm)
{
	uint32_t n = nm->nslots ? nm->nslots * 2 : 1024;
	if (n < nm->nslots)
		return ORGMRI_ENOMEM;
	name_slot *slots = calloc(n, sizeof(*slots));
	uint32_t *sh = calloc(n, sizeof(*sh));
	if (!slots || !sh) {
		free(slots);
		free(sh);
		return ORGMRI_ENOMEM;
	}
	for (uint32_t j = 0; j < nm->nslots; j++) {
		if (!nm->slots[j].s)
			continue;
		uint32_t i = nm->slot_hash[j] & (n - 1);
		while (slots[i].s)
			i = (i + 1) & (n - 1);
		slots[i] = nm->slots[j];
		sh[i] = nm->slot_hash[j];
	}
	free(nm->slots);
	free(nm->slot_hash);
	nm->slots = slots;
	nm->slot_hash = sh;
	nm->nslots = n;
	return 0;
}
/* Full batches the queue may hold: QUEUE_MIN normally, enough to bridge
 * the store's WAL checkpoints (10x BPIC 2012 XES: 2.98-3.09 s with 4,
 * 2.72-2.84 s with 32, +38 MB peak RSS); QUEUE_MAX while the store keeps
 * events back to sort them (bulk.h), because it then writes a whole store
 * batch (500,000 events) in one burst, and a queue of about that many
 * events lets the parser go on meanwhile (4.9M generated CSV events:
 * 11.3-11.8 s with 32, 9.3-9.8 s with 128; +106 MB peak RSS). */
#define QUEUE_MIN 32
#define QUEUE_MAX 128

typedef struct batch {
	orgmri_arena arena;
	orgmri_event ev[BATCH];
	orgmri_bulk_event be[BATCH]; /* prepared form (bulk mode only) */
	size_t n;
	long long skipped;
} batch;

typedef struct pipeline {
	orgmri_sink sink;            /* the producer's sink */
	pthread_mutex_t mu;
	pthread_cond_t not_full, not_empty;
	batch *queue[QUEUE_MAX];     /* ring of full batches */
	size_t limit;                /* QUEUE_MIN or QUEUE_MAX (see there) */
	size_t head, count;
	batch *free_list[QUEUE_MAX + 2];
	size_t nfree;
	batch *cur;                  /* being filled by the producer */
	int done;                    /* producer finished */
	int failed;                  /* consumer saw an error: its code */
	orgmri_pipeline_fn fn;       /* what the producer runs */
	void *arg;
	int report_events;           /* the consumer reports "events" progress */
	orgmri_adapter_ctx pctx;     /* the producer's context */
	int prod_rc;
	orgmri_error prod_err;
	orgmri_read_options user_read;
	int validated;               /* the adapter validated each event */
	/* bulk mode (store/bulk.h): the producer's numbering and scratch */
	int bulk;
	numbering objects, activities, people;
	uint32_t *seen;              /* object number -> stamp of last event */
	size_t seen_cap;
	uint32_t stamp;
	orgmri_attr sorted[256];
	orgmri_buf attrs;
} pipeline;

static batch *take_free(pipeline *p)
{
	pthread_mutex_lock(&p->mu);
	batch *b = p->nfree ? p->free_list[--p->nfree] : NULL;
	pthread_mutex_unlock(&p->mu);
	if (!b) {
		b = calloc(1, sizeof(*b));
		if (b)
			orgmri_arena_init(&b->arena, 256 * 1024);
	}
	return b;
}

static void give_free(pipeline *p, batch *b)
{
	orgmri_arena_reset(&b->arena);
	b->n = 0;
	b->skipped = 0;
	pthread_mutex_lock(&p->mu);
	if (p->nfree < p->limit + 2) {
		p->free_list[p->nfree++] = b;
		b = NULL;
	}
	pthread_mutex_unlock(&p->mu);
	if (b) {
		orgmri_arena_free(&b->arena);
		free(b);
	}
}

/* Hand the current batch to the consumer; returns the consumer's error. */
static int push(pipeline *p)
{
	pthread_mutex_lock(&p->mu);
	while (p->count >= p->limit && !p->failed)
		pthread_cond_wait(&p->not_full, &p->mu);
	int failed = p->failed;
	if (!failed) {
		p->queue[(p->head + p->count) % QUEUE_MAX] = p->cur;
		p->count++;
		p->cur = NULL;
		pthread_cond_signal(&p->not_empty);
	}
	pthread_mutex_unlock(&p->mu);
	return failed;
}

static char *copy_str(orgmri_arena *a, const char *s)
{
	return s ? orgmri_arena_strdup(a, s) : NULL;
}

static int copy_event(orgmri_arena *a, orgmri_event *dst,
                      const orgmri_event *src)
{
	*dst = *src;
	dst->object = copy_str(a, src->object);
	dst->activity = copy_str(a, src->activity);
	dst->actor = copy_str(a, src->actor);
	dst->discriminator = copy_str(a, src->discriminator);
	if ((src->object && !dst->object) || (src->activity && !dst->activity) ||
	    (src->actor && !dst->actor) ||
	    (src->discriminator && !dst->discriminator))
		return ORGMRI_ENOMEM;
	if (src->nrelated) {
		const char **rel = orgmri_arena_alloc(a, src->nrelated * sizeof(*rel));
		if (!rel)
			return ORGMRI_ENOMEM;
		for (size_t i = 0; i < src->nrelated; i++)
			if (!(rel[i] = copy_str(a, src->related[i])))
				return ORGMRI_ENOMEM;
		dst->related = rel;
	}
	if (src->nattrs) {
		orgmri_attr *at = orgmri_arena_alloc(a, src->nattrs * sizeof(*at));
		if (!at)
			return ORGMRI_ENOMEM;
		for (size_t i = 0; i < src->nattrs; i++) {
			at[i].type = src->attrs[i].type;
			at[i].name = copy_str(a, src->attrs[i].name);
			at[i].value = copy_str(a, src->attrs[i].value);
			if (!at[i].name || !at[i].value)
				return ORGMRI_ENOMEM;
		}
		dst->attrs = at;
	}
	return 0;
}

/* Dense number of `name` in `nm`, and its interned copy (stable: the
 * arena never moves, so the store's thread may read it). */
static int number(numbering *nm, const char *name, uint32_t *n,
                  const char **copy)
{
	size_t len = strlen(name);
	uint64_t h = orgmri_hash(name, len);
	if ((uint64_t)(nm->count + 1) * 4 > (uint64_t)nm->nslots * 3 && grow(nm))
		return ORGMRI_ENOMEM;
	uint32_t mask = nm->nslots - 1, i = (uint32_t)h & mask;
	for (;; i = (i + 1) & mask) {
		name_slot *sl = &nm->slots[i];
		if (!sl->s)
			break;
		if (sl->hash == (uint32_t)(h >> 32) &&
		    memcmp(sl->s, name, len) == 0 && sl->s[len] == '\0') {
			*n = sl->id;
			*copy = sl->s;
			return 0;
		}
	}
	if (nm->count == UINT32_MAX - 1)
		return ORGMRI_ELIMIT;
	char *c = orgmri_arena_strndup(&nm->arena, name, len);
	if (!c)
		return ORGMRI_ENOMEM;
	nm->slots[i] = (name_slot){ c, (uint32_t)(h >> 32), nm->count, };
	nm->slot_hash[i] = (uint32_t)h;
	*n = nm->count++;
	*copy = c;
	return 0;
}

/* Has object number n been seen already in the current event? */
static int seen_before(pipeline *p, uint32_t n)
{
	if (n >= p->seen_cap) {
		size_t cap = p->seen_cap ? p->seen_cap : 4096;
		while (cap <= n)
			cap *= 2;
		uint32_t *sn = orgmri_reallocarray(p->seen, cap, sizeof(*sn));
		if (!sn)
			return -1;
		memset(sn + p->seen_cap, 0, (cap - p->seen_cap) * sizeof(*sn));
		p->seen = sn;
		p->seen_cap = cap;
	}
	if (p->seen[n] == p->stamp)
		return 1;
	p->seen[n] = p->stamp;
	return 0;
}

/* Fill b->be[b->n] and b->ev[b->n] from a validated event: everything the
 * store's sink would compute itself (sqlite.c, ingest_event), done here. */
static int prepare_event(pipeline *p, batch *b, const orgmri_event *src,
                         orgmri_error *err)
{
	orgmri_arena *a = &b->arena;
	orgmri_event *ev = &b->ev[b->n];
	orgmri_bulk_event *be = &b->be[b->n];
	memset(ev, 0, sizeof(*ev));
	memset(be, 0, sizeof(*be));
	be->ev = ev;
	ev->time = src->time;
	be->actor = ORGMRI_BULK_NO_ACTOR;
	if (number(&p->objects, src->object, &be->object, &ev->object) ||
	    number(&p->activities, src->activity, &be->activity,
	           &ev->activity) ||
	    (src->actor && src->actor[0] &&
	     number(&p->people, src->actor, &be->actor, &ev->actor)) ||
	    (src->discriminator &&
	     !(ev->discriminator = orgmri_arena_strdup(a, src->discriminator))))
		goto oom;
	if (src->nattrs > 256)
		return orgmri_seterr(err, ORGMRI_ELIMIT, "more than 256 attributes");
	if (src->nattrs) {
		memcpy(p->sorted, src->attrs, src->nattrs * sizeof(*src->attrs));
		orgmri_attrs_sort(p->sorted, src->nattrs);
		orgmri_buf_clear(&p->attrs);
		char *enc;
		if (orgmri_attrs_encode(&p->attrs, p->sorted, src->nattrs) ||
		    !(enc = orgmri_arena_strndup(a, p->attrs.ptr, p->attrs.len)))
			goto oom;
		be->attrs = enc;
		be->attrs_len = p->attrs.len;
		const orgmri_attr *bot = orgmri_event_attr(src, "bot");
		be->bot = bot && strcmp(bot->value, "true") == 0;
	} else {
		be->attrs = "";
	}
	if (src->nrelated) {
		size_t n = src->nrelated;
		uint32_t *rel = orgmri_arena_alloc(a, n * sizeof(*rel));
		const char **key = orgmri_arena_alloc(a, n * sizeof(*key));
		const char **relation = orgmri_arena_alloc(a, n * sizeof(*relation));
		if (!rel || !key || !relation)
			goto oom;
		if (++p->stamp == 0) { /* wrapped: forget every stamp */
			memset(p->seen, 0, p->seen_cap * sizeof(*p->seen));
			p->stamp = 1;
		}
		size_t tl = orgmri_object_type_len(src->object), k = 0;
		for (size_t i = 0; i < n; i++) {
			const char *dst = src->related[i];
			if (number(&p->objects, dst, &rel[k], &key[k]))
				goto oom;
			int dup = seen_before(p, rel[k]);
			if (dup < 0)
				goto oom;
			if (dup)
				continue; /* the store keeps the first (event, dst) */
			relation[k] = orgmri_relation_name(src->object, tl, dst,
			                                   orgmri_object_type_len(dst));
			k++;
		}
		be->nrelated = k;
		be->related = rel;
		be->related_key = key;
		be->relation = relation;
	}
	return 0;
oom:
	return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
}

static int produce_event(orgmri_sink *s, const orgmri_event *ev,
                         orgmri_error *err)
{
	pipeline *p = (pipeline *)s;
	/* Validate here so a bad event is reported with the adapter's
	 * location, exactly as the store would have refused it (unless the
	 * adapter did that already: ORGMRI_ADAPTER_VALIDATED). */
	int rc = p->validated ? 0 : orgmri_event_validate(ev, err);
	if (rc)
		return rc;
	if (!p->cur && !(p->cur = take_free(p)))
		return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	if (p->bulk) {
		if ((rc = prepare_event(p, p->cur, ev, err)))
			return rc;
	} else if (copy_event(&p->cur->arena, &p->cur->ev[p->cur->n], ev)) {
		return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	}
	if (++p->cur->n == BATCH && (rc = push(p)))
		return orgmri_seterr(err, rc, "the store stopped the ingest");
	return 0;
}

void orgmri_pipeline_push(orgmri_adapter_ctx *pctx)
{
	if (pctx->sink->event != produce_event)
		return; /* no pipeline: events went straight to the sink */
	pipeline *p = (pipeline *)pctx->sink;
	if (p->cur && (p->cur->n || p->cur->skipped))
		push(p); /* (a consumer's error comes back with the next event) */
}

static void produce_skip(void *ctx)
{
	pipeline *p = ctx;
	if (!p->cur)
		p->cur = take_free(p);
	if (p->cur)
		p->cur->skipped++;
}

static void *producer(void *arg)
{
	pipeline *p = arg;
	orgmri_error_clear(&p->prod_err);
	p->prod_rc = p->fn(&p->pctx, p->arg, &p->prod_err);
	if (p->cur && (p->cur->n || p->cur->skipped))
		push(p);
	pthread_mutex_lock(&p->mu);
	p->done = 1;
	pthread_cond_signal(&p->not_empty);
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* The next full batch, waiting for one at most ms milliseconds (< 0:
 * until one comes or the producer is done); NULL when none came, with
 * *timed_out set if the wait ran out, or when the producer is done and
 * the queue empty. */
static batch *take_within(pipeline *p, long ms, int *timed_out)
{
	struct timespec until;
	if (ms > 0) {
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += ms / 1000;
		until.tv_nsec += (ms % 1000) * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
	}
	pthread_mutex_lock(&p->mu);
	while (ms != 0 && p->count == 0 && !p->done) {
		if (ms < 0) {
			pthread_cond_wait(&p->not_empty, &p->mu);
		} else if (pthread_cond_timedwait(&p->not_empty, &p->mu,
		                                  &until) == ETIMEDOUT) {
			*timed_out = p->count == 0 && !p->done;
			break;
		}
	}
	batch *b = NULL;
	if (p->count) {
		b = p->queue[p->head];
		p->head = (p->head + 1) % QUEUE_MAX;
		p->count--;
		pthread_cond_signal(&p->not_full);
	}
	pthread_mutex_unlock(&p->mu);
	return b;
}

/* The next full batch; NULL when the producer is done and the queue
 * empty, or, when `wait` is 0, when nothing is queued right now. */
static batch *take(pipeline *p, int wait)
{
	return take_within(p, wait ? -1 : 0, NULL);
}

static void set_limit(pipeline *p, size_t limit)
{
	pthread_mutex_lock(&p->mu);
	if (limit != p->limit) {
		p->limit = limit;
		pthread_cond_broadcast(&p->not_full);
	}
	pthread_mutex_unlock(&p->mu);
}

static void set_failed(pipeline *p, int rc)
{
	pthread_mutex_lock(&p->mu);
	p->failed = rc;
	pthread_cond_broadcast(&p->not_full);
	pthread_mutex_unlock(&p->mu);
}

static void pipeline_free(pipeline *p)
{
	for (size_t i = 0; i < p->nfree; i++) {
		orgmri_arena_free(&p->free_list[i]->arena);
		free(p->free_list[i]);
	}
	if (p->cur) {
		orgmri_arena_free(&p->cur->arena);
		free(p->cur);
	}
	numbering_free(&p->objects);
	numbering_free(&p->activities);
	numbering_free(&p->people);
	free(p->seen);
	orgmri_buf_free(&p->attrs);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->not_full);
	pthread_cond_destroy(&p->not_empty);
	free(p);
}

static int run_adapter(orgmri_adapter_ctx *ctx, void *arg, orgmri_error *err)
{
	const orgmri_adapter *ad = arg;
	return ad->run(ctx, err);
}

static int run_pipeline(orgmri_adapter_ctx *ctx, orgmri_pipeline_fn fn,
                        void *arg, int report_events, int validated,
                        orgmri_error *err);

int orgmri_pipeline_run(const orgmri_adapter *ad, orgmri_adapter_ctx *ctx,
                        orgmri_error *err)
{
	return run_pipeline(ctx, run_adapter, (void *)ad, 1,
	                    (ad->flags & ORGMRI_ADAPTER_VALIDATED) != 0, err);
}

int orgmri_pipeline_call(orgmri_adapter_ctx *ctx, orgmri_pipeline_fn fn,
                         void *arg, int report_events, orgmri_error *err)
{
	return run_pipeline(ctx, fn, arg, report_events, 0, err);
}

static int run_pipeline(orgmri_adapter_ctx *ctx, orgmri_pipeline_fn fn,
                        void *arg, int report_events, int validated,
                        orgmri_error *err)
{
	/* ORGMRI_PIPELINE=0: everything on the calling thread through the
	 * sink (tests compare the two paths' stores; see test_ingest_paths.sh) */
	const char *env = getenv("ORGMRI_PIPELINE");
	if (env && strcmp(env, "0") == 0)
		return fn(ctx, arg, err);
	pipeline *p = calloc(1, sizeof(*p));
	if (!p)
		return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	p->sink.event = produce_event;
	p->fn = fn;
	p->arg = arg;
	p->report_events = report_events;
	p->validated = validated;
	p->limit = QUEUE_MIN;
	p->pctx = *ctx;
	p->pctx.sink = &p->sink;
	p->pctx.read.skipped = produce_skip;
	p->pctx.read.skipped_ctx = p;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->not_full, NULL);
	/* timed waits for events (take_within) count on the monotonic
	 * clock: a change of the wall clock is not a stall */
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p->not_empty, &ca);
	pthread_condattr_destroy(&ca);
	orgmri_bulk *bulk = NULL;
	if (ctx->ingest && ctx->sink == orgmri_ingest_sink(ctx->ingest)) {
		if (orgmri_bulk_new(ctx->ingest, &bulk, NULL) == 0)
			p->bulk = 1;
		numbering_init(&p->objects);
		numbering_init(&p->activities);
		numbering_init(&p->people);
	}
	pthread_t th;
	if (pthread_create(&th, NULL, producer, p) != 0) {
		pipeline_free(p);
		orgmri_bulk_free(bulk);
		return fn(ctx, arg, err); /* no thread: do it here */
	}
	int rc = 0;
	long long done = 0;
	orgmri_error cerr;
	orgmri_error_clear(&cerr);
	batch *b;
	for (;;) {
		/* Nothing queued: the store does now what it would do after
		 * the last event (store/bulk.h, orgmri_bulk_idle). */
		if (!(b = take(p, 0)) && bulk && !rc &&
		    (rc = orgmri_bulk_idle(bulk, &cerr)))
			set_failed(p, rc);
		/* Still nothing after ORGMRI_BULK_STALL_MS: the input is
		 * slower than the store (orgmri_bulk_stalled). */
		int timed_out = 0;
		if (!b && bulk && !rc &&
		    !(b = take_within(p, ORGMRI_BULK_STALL_MS, &timed_out)) &&
		    timed_out && (rc = orgmri_bulk_stalled(bulk, &cerr)))
			set_failed(p, rc);
		if (!b && !(b = take(p, 1)))
			break;
		for (size_t i = 0; !rc && i < b->n; i++) {
			rc = bulk ? orgmri_bulk_event_add(bulk, &b->be[i], &cerr)
			          : ctx->sink->event(ctx->sink, &b->ev[i], &cerr);
			if (rc)
				set_failed(p, rc);
			/* the same cadence as registry.c's progress sink */
			if ((++done & 0x3fff) == 0 && p->report_events)
				orgmri_adapter_progress(ctx, "events", done, 0);
		}
		for (long long k = 0; !rc && k < b->skipped; k++)
			ctx->read.skipped(ctx->read.skipped_ctx);
		give_free(p, b);
		if (bulk)
			set_limit(p, orgmri_bulk_sorting(bulk) ? QUEUE_MAX : QUEUE_MIN);
	}
	pthread_join(th, NULL);
	/* events the store keeps back for sorting: written now, so that the
	 * run's counts are final before the caller reads them */
	if (bulk && !rc)
		rc = orgmri_bulk_end(bulk, &cerr);
	/* The store's error comes first: the producer's is its echo. */
	if (rc) {
		if (err)
			*err = cerr;
	} else if (p->prod_rc) {
		rc = p->prod_rc;
		if (err)
			*err = p->prod_err;
	}
	orgmri_bulk_free(bulk);
	pipeline_free(p);
	return rc;
}
