/*
 * ingest.h - bringing sources into the store.
 *
 * orgmri_ingest_source detects what a path is (a git repository, a GitHub
 * export folder, a canonical .jsonl/.csv file, an XES log, ...) and runs
 * the matching adapter, which streams canonical events into the store.
 * Adapters never compute metrics; they parse, validate and normalise.
 *
 * Bad records: by default an adapter reports each bad record (file, line,
 * column or JSON path) through the `warn` callback, skips it, counts it and
 * goes on; with `strict` the first bad record fails the run.  Either way
 * every batch committed before stays in the store.
 */
#ifndef ORGMRI_INGEST_H
#define ORGMRI_INGEST_H

#include <stdint.h>
#include "config.h"
#include "error.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Progress of a long ingest: `done` of `total` (0 = unknown) `unit`s
 * ("events", "commits", "files"). */
typedef struct orgmri_progress {
	const char *source;
	const char *unit;
	long long done, total;
} orgmri_progress;

typedef struct orgmri_ingest_options {
	unsigned version;          /* ORGMRI_INGEST_OPTIONS_VERSION */
	const char *kind;          /* NULL = detect from the path */
	const orgmri_config *config; /* NULL = defaults */
	int strict;                /* fail on the first bad record */
	int all_refs;              /* git: every branch and tag, not just HEAD */
	int no_diff;               /* git: skip line counts */
	int64_t since;             /* only events at or after (INT64_MIN = all) */
	/* Called for each skipped bad record; may be NULL. */
	void (*warn)(const orgmri_error *what, void *ctx);
	void *warn_ctx;
	/* Called now and then during long work (often: the callee should
	 * throttle its output); may be NULL. */
	void (*progress)(const orgmri_progress *p, void *ctx);
	void *progress_ctx;
	long batch;                /* events per transaction, 0 = default */
} orgmri_ingest_options;

#define ORGMRI_INGEST_OPTIONS_VERSION 1
#define ORGMRI_INGEST_OPTIONS_INIT \
	{ ORGMRI_INGEST_OPTIONS_VERSION, NULL, NULL, 0, 0, 0, INT64_MIN, \
	  NULL, NULL, NULL, NULL, 0 }

/*
 * The adapter kind for `path` ("git", "jsonl", "csv", "github", ...), or
 * NULL when nothing recognises it.
 */
const char *orgmri_ingest_detect(const char *path);

/* Calls fn(kind, description, ctx) for every adapter, in a fixed order. */
void orgmri_ingest_each_kind(void (*fn)(const char *kind, const char *desc,
                                        void *ctx),
                             void *ctx);

/*
 * Ingest one source into `store`, recording the run.  `counts` (may be
 * NULL) receives what was read, added and skipped.
 */
int orgmri_ingest_source(orgmri_store *store, const char *path,
                         const orgmri_ingest_options *opts,
                         orgmri_ingest_counts *counts, orgmri_error *err);

#ifdef __cplusplus
}
#endif
#endif
