/*
 * pipeline.c - parse on one core, write on the other.
 *
 * Ingest of canonical files is about one third parsing and two thirds
 * SQLite.  A STREAM adapter (one that only emits events) runs here on a
 * producer thread whose sink copies each event into a batch; full batches
 * pass through a small bounded queue to the calling thread, which feeds
 * them to the real sink (the store) in order.  The store connection is
 * only ever touched by the calling thread.
 *
 * Errors: a sink failure is recorded and makes the producer's next event
 * fail with the same code, so the adapter stops as it would have without
 * the pipeline; the consumer discards what is still queued.  Skipped-record
 * counts travel with the batches so they reach the run's counters on the
 * store's thread.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "ingest/adapter.h"

#define BATCH 4096
#define QUEUE 4

typedef struct batch {
	orgmri_arena arena;
	orgmri_event ev[BATCH];
	size_t n;
	long long skipped;
} batch;

typedef struct pipeline {
	orgmri_sink sink;            /* the producer's sink */
	pthread_mutex_t mu;
	pthread_cond_t not_full, not_empty;
	batch *queue[QUEUE];         /* ring of full batches */
	size_t head, count;
	batch *free_list[QUEUE + 2];
	size_t nfree;
	batch *cur;                  /* being filled by the producer */
	int done;                    /* producer finished */
	int failed;                  /* consumer saw an error: its code */
	const orgmri_adapter *ad;
	orgmri_adapter_ctx pctx;     /* the producer's context */
	int prod_rc;
	orgmri_error prod_err;
	orgmri_read_options user_read;
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
	if (p->nfree < QUEUE + 2) {
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
	while (p->count == QUEUE && !p->failed)
		pthread_cond_wait(&p->not_full, &p->mu);
	int failed = p->failed;
	if (!failed) {
		p->queue[(p->head + p->count) % QUEUE] = p->cur;
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

static int produce_event(orgmri_sink *s, const orgmri_event *ev,
                         orgmri_error *err)
{
	pipeline *p = (pipeline *)s;
	/* Validate here so a bad event is reported with the adapter's
	 * location, exactly as the store would have refused it. */
	int rc = orgmri_event_validate(ev, err);
	if (rc)
		return rc;
	if (!p->cur && !(p->cur = take_free(p)))
		return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	if (copy_event(&p->cur->arena, &p->cur->ev[p->cur->n], ev))
		return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	if (++p->cur->n == BATCH && (rc = push(p)))
		return orgmri_seterr(err, rc, "the store stopped the ingest");
	return 0;
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
	p->prod_rc = p->ad->run(&p->pctx, &p->prod_err);
	if (p->cur && (p->cur->n || p->cur->skipped))
		push(p);
	pthread_mutex_lock(&p->mu);
	p->done = 1;
	pthread_cond_signal(&p->not_empty);
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

static batch *pop(pipeline *p)
{
	pthread_mutex_lock(&p->mu);
	while (p->count == 0 && !p->done)
		pthread_cond_wait(&p->not_empty, &p->mu);
	batch *b = NULL;
	if (p->count) {
		b = p->queue[p->head];
		p->head = (p->head + 1) % QUEUE;
		p->count--;
		pthread_cond_signal(&p->not_full);
	}
	pthread_mutex_unlock(&p->mu);
	return b;
}

static void set_failed(pipeline *p, int rc)
{
	pthread_mutex_lock(&p->mu);
	p->failed = rc;
	pthread_cond_broadcast(&p->not_full);
	pthread_mutex_unlock(&p->mu);
}

int orgmri_pipeline_run(const orgmri_adapter *ad, orgmri_adapter_ctx *ctx,
                        orgmri_error *err)
{
	pipeline *p = calloc(1, sizeof(*p));
	if (!p)
		return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	p->sink.event = produce_event;
	p->ad = ad;
	p->pctx = *ctx;
	p->pctx.sink = &p->sink;
	p->pctx.read.skipped = produce_skip;
	p->pctx.read.skipped_ctx = p;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->not_full, NULL);
	pthread_cond_init(&p->not_empty, NULL);
	pthread_t th;
	if (pthread_create(&th, NULL, producer, p) != 0) {
		free(p);
		return ad->run(ctx, err); /* no thread: do it here */
	}
	int rc = 0;
	orgmri_error cerr;
	orgmri_error_clear(&cerr);
	batch *b;
	while ((b = pop(p))) {
		for (size_t i = 0; !rc && i < b->n; i++) {
			rc = ctx->sink->event(ctx->sink, &b->ev[i], &cerr);
			if (rc)
				set_failed(p, rc);
		}
		for (long long k = 0; !rc && k < b->skipped; k++)
			ctx->read.skipped(ctx->read.skipped_ctx);
		give_free(p, b);
	}
	pthread_join(th, NULL);
	/* The store's error comes first: the producer's is its echo. */
	if (rc) {
		if (err)
			*err = cerr;
	} else if (p->prod_rc) {
		rc = p->prod_rc;
		if (err)
			*err = p->prod_err;
	}
	for (size_t i = 0; i < p->nfree; i++) {
		orgmri_arena_free(&p->free_list[i]->arena);
		free(p->free_list[i]);
	}
	if (p->cur) {
		orgmri_arena_free(&p->cur->arena);
		free(p->cur);
	}
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->not_full);
	pthread_cond_destroy(&p->not_empty);
	free(p);
	return rc;
}
