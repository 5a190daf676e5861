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
} orgmri_adapter;

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
