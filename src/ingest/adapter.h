/*
 * adapter.h - the contract between the ingest dispatcher and one source
 * adapter.  Adding a source means writing one file with a detect and a
 * run function and adding one row to the table in registry.c.
 */
#ifndef ORGMRI_INGEST_ADAPTER_H
#define ORGMRI_INGEST_ADAPTER_H

#include "orgmri/canonical.h"
#include "orgmri/ingest.h"

typedef struct orgmri_adapter_ctx {
	orgmri_store *store;        /* for high-water marks (meta) */
	orgmri_ingest *ingest;      /* counts, flush */
	orgmri_sink *sink;          /* where events go */
	const orgmri_ingest_options *opts;
	const orgmri_config *config; /* never NULL */
	const char *path;
	orgmri_read_options read;   /* skip/warn policy wired to the run */
} orgmri_adapter_ctx;

typedef struct orgmri_adapter {
	const char *kind;
	const char *description;
	/* Does `path` look like this kind?  Higher wins; 0 = no. */
	int (*detect)(const char *path);
	int (*run)(orgmri_adapter_ctx *ctx, orgmri_error *err);
	/* ORGMRI_ADAPTER_STREAM: run only touches ctx->sink, ctx->read and
	 * progress (never the store), so it may run on a thread of its own
	 * while the store writes on the caller's (see pipeline.c). */
	unsigned flags;
} orgmri_adapter;

#define ORGMRI_ADAPTER_STREAM 0x1
/* ORGMRI_ADAPTER_OWN_PIPELINE: run reads and writes the store itself
 * (high-water marks) but hands its events to orgmri_pipeline_call; the
 * dispatcher gives it the store's own sink, not wrapped for progress
 * (the pipeline's prepared-event path needs the store's sink, and the
 * adapter reports its own progress). */
#define ORGMRI_ADAPTER_OWN_PIPELINE 0x2
/* ORGMRI_ADAPTER_VALIDATED: run hands its sink only events that
 * orgmri_event_validate accepted (and reports the others as bad records
 * with its own location), so the pipeline does not check them again
 * (the check was 5% of the XES reader's thread). */
#define ORGMRI_ADAPTER_VALIDATED 0x4

/* Run a STREAM adapter on a second thread, its events handed over in
 * batches to ctx->sink on this thread.  Same result as ad->run(ctx). */
int orgmri_pipeline_run(const orgmri_adapter *ad, orgmri_adapter_ctx *ctx,
                        orgmri_error *err);

/* The same for any function: fn(pctx, arg, err) runs on a second thread,
 * where pctx is a copy of ctx whose sink and skip counter hand over to
 * this thread; fn must not touch ctx->store (this thread writes it).
 * report_events = 0: this thread does not report "events" progress (fn
 * reports its own; the progress callback is then only ever called from
 * fn's thread).  Returns fn's error, or the sink's when that failed
 * first. */
typedef int (*orgmri_pipeline_fn)(orgmri_adapter_ctx *pctx, void *arg,
                                  orgmri_error *err);
int orgmri_pipeline_call(orgmri_adapter_ctx *ctx, orgmri_pipeline_fn fn,
                         void *arg, int report_events, orgmri_error *err);

/* From fn: hand what was emitted so far to the store's thread now, not
 * when the batch fills or fn returns (fn has slow clean-up to do before
 * it returns).  Does nothing when pctx's sink is not a pipeline's. */
void orgmri_pipeline_push(orgmri_adapter_ctx *pctx);

/* Helpers adapters share. */
/* Report progress (throttling is the callback's business). */
void orgmri_adapter_progress(orgmri_adapter_ctx *ctx, const char *unit,
                             long long done, long long total);
int orgmri_path_is_dir(const char *path);
int orgmri_path_has_suffix(const char *path, const char *suffix);
/* Report one bad record per the run's policy: warn and count, or fail.
 * Returns 0 to go on, or the error code to stop with (copied to err). */
int orgmri_adapter_bad_record(orgmri_adapter_ctx *ctx, orgmri_error *rec,
                              orgmri_error *err);

#endif
