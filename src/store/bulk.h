/*
 * bulk.h - a second, faster door into an ingest run, for the ingest
 * pipeline (src/ingest/pipeline.c); not public API.
 *
 * Through orgmri_ingest_sink the store's thread validates each event,
 * looks its names up in hash tables, sorts and encodes its attributes and
 * only then writes.  The pipeline's parsing thread has time to spare, so
 * it does all of that before handing the event over: names become dense
 * per-run numbers (0, 1, 2, ... in order of first sight, one numbering
 * each for objects, activities and people), attributes arrive encoded
 * exactly as orgmri_ingest_sink would store them, related objects arrive
 * without repeats and with their relation names.  The store's thread then
 * maps dense numbers to row ids through plain arrays (asking SQLite only
 * the first time a number is seen) and writes.  What ends up stored is
 * exactly what the sink path stores for the same events.
 */
#ifndef ORGMRI_STORE_BULK_H
#define ORGMRI_STORE_BULK_H

#include <stdint.h>
#include "orgmri/store.h"

#define ORGMRI_BULK_NO_ACTOR UINT32_MAX

/* One prepared event.  All pointers are borrowed for the call. */
typedef struct orgmri_bulk_event {
	const orgmri_event *ev;  /* validated; its strings name new numbers */
	uint32_t object;         /* dense object number of ev->object */
	uint32_t activity;       /* dense activity number */
	uint32_t actor;          /* dense person number, or ORGMRI_BULK_NO_ACTOR */
	size_t nrelated;         /* distinct related objects, first sight order */
	const uint32_t *related; /* their dense object numbers */
	const char *const *related_key;     /* their "TYPE:KEY" */
	const char *const *relation;        /* orgmri_relation_name of each */
	const char *attrs;       /* orgmri_attrs_encode of the sorted attributes */
	size_t attrs_len;
	int bot;                 /* the event has attribute bot = "true" */
} orgmri_bulk_event;

/* The dense number -> row id maps of one numbering session (a pipeline
 * run).  Free with orgmri_bulk_free. */
typedef struct orgmri_bulk orgmri_bulk;

int orgmri_bulk_new(orgmri_ingest *ing, orgmri_bulk **out, orgmri_error *err);
void orgmri_bulk_free(orgmri_bulk *b);

/* Store one prepared event: the same effect, counts and batching as
 * handing be->ev to orgmri_ingest_sink. */
int orgmri_bulk_event_add(orgmri_bulk *b, const orgmri_bulk_event *be,
                          orgmri_error *err);

/* 1 while the store keeps events back to write them sorted, a whole
 * batch in one burst (then the pipeline lets its queue grow), else 0
 * (also while the events waiting arrived in key order: those are
 * written every 4,096). */
int orgmri_bulk_sorting(const orgmri_bulk *b);

/* Write the events the store keeps back for sorting (docs/store.md,
 * "Sorted batches") so that the run's counts are final; call once after
 * the last event, before orgmri_ingest_get_counts.  The transaction stays
 * open (orgmri_ingest_finish commits it).  On failure the open batch is
 * rolled back. */
int orgmri_bulk_end(orgmri_bulk *b, orgmri_error *err);

/*
 * The pipeline's queue is empty: the store has time, so it does now
 * what it would otherwise do after the last event, while the reading
 * thread works.  It writes what it keeps back for sorting (a reading
 * thread slower than the store gains nothing from sorting, and a run
 * smaller than a batch would write nothing until its end), and once the
 * open batch holds ORGMRI_BULK_IDLE_COMMIT events it commits the batch
 * early and copies the WAL into the database file (a passive
 * checkpoint), which the store's close would do at the end; not during
 * a build (below), which goes on through short waits.  On failure
 * the open batch is rolled back, as with orgmri_bulk_end.
 */
#define ORGMRI_BULK_IDLE_COMMIT 16384
int orgmri_bulk_idle(orgmri_bulk *b, orgmri_error *err);

/*
 * The queue stayed empty for ORGMRI_BULK_STALL_MS after
 * orgmri_bulk_idle: the input is slower than the store.  The first
 * ingest into an empty store, written as one transaction (its "build",
 * docs/store.md), commits here and goes on batch by batch, so that
 * readers see a slow stream.  Otherwise nothing happens.
 */
#define ORGMRI_BULK_STALL_MS 1000
int orgmri_bulk_stalled(orgmri_bulk *b, orgmri_error *err);

#endif
