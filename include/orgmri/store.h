/*
 * store.h - where events are kept between runs.
 *
 * The store is an interface with one backend today, SQLite (a single file,
 * WAL journal), and room for PostgreSQL later: callers never see SQL.
 * Writing goes through an ingest handle, which is an orgmri_sink: events
 * are interned, checked and inserted in batches, one transaction per batch,
 * and every event is unique on (object, activity, time, actor,
 * discriminator), so that ingesting the same input twice changes nothing.
 * A process killed mid-ingest leaves every committed batch intact; running
 * the same ingest again completes it.  The schema is in docs/store.md.
 */
#ifndef ORGMRI_STORE_H
#define ORGMRI_STORE_H

#include <stdint.h>
#include "error.h"
#include "event.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct orgmri_store orgmri_store;
typedef struct orgmri_ingest orgmri_ingest;

/* Open flags. */
#define ORGMRI_STORE_READONLY 0x1 /* fail rather than create or write */

/* The path used when none is given: $ORGMRI_DB, else ".orgmri.db". */
const char *orgmri_store_default_path(void);

/*
 * Open (creating if needed, unless READONLY) the store at `path` and
 * migrate its schema forward.  A store written by a newer orgmri is
 * refused with ORGMRI_EUNSUPPORTED.  Free with orgmri_store_close.
 */
int orgmri_store_open(orgmri_store **out, const char *path, unsigned flags,
                      orgmri_error *err);
void orgmri_store_close(orgmri_store *store);

/* The schema version this build writes. */
int orgmri_store_schema_version(void);

/* Small persistent key/value settings, e.g. an adapter's high-water mark.
 * orgmri_store_meta_get copies the value into buf (NUL-terminated, cut to
 * size) and returns ORGMRI_ENOTFOUND when the key is absent. */
int orgmri_store_meta_get(orgmri_store *store, const char *key, char *buf,
                          size_t size, orgmri_error *err);
int orgmri_store_meta_set(orgmri_store *store, const char *key,
                          const char *value, orgmri_error *err);

/*
 * The store's generation: a number that changes (it grows by one) in the
 * same transaction as every ingest batch that changed stored events,
 * objects, links or names, and starts at a random value in a new store.
 * Caches of the store's content (the table snapshot, docs/store.md) are
 * current when they recorded the same number.  ORGMRI_ENOTFOUND when
 * nothing was ever ingested by an orgmri that keeps it.
 */
int orgmri_store_generation(orgmri_store *store, uint64_t *out,
                            orgmri_error *err);

/* ---- writing ---------------------------------------------------------- */

typedef struct orgmri_ingest_counts {
	long long read;     /* events handed to the sink */
	long long added;    /* events that were new */
	long long skipped;  /* records an adapter skipped (bad input, counted) */
	long long links;    /* new links */
} orgmri_ingest_counts;

/*
 * Start an ingest run of `source` (a path or name, recorded) of the given
 * `kind` ("jsonl", "git", ...).  The returned handle's sink (see
 * orgmri_ingest_sink) accepts events until orgmri_ingest_finish, which
 * commits the last batch and records the run with its counts.  On a failed
 * run call orgmri_ingest_finish with `ok` = 0: batches already committed
 * stay (they are valid events), and the run is recorded as failed.
 */
int orgmri_ingest_begin(orgmri_store *store, const char *source,
                        const char *kind, orgmri_ingest **out,
                        orgmri_error *err);
orgmri_sink *orgmri_ingest_sink(orgmri_ingest *ing);
/* Events per transaction (default 500,000; <= 0 restores it).  Smaller
 * batches lose less work to a crash and hold less memory.  The first
 * ingest into an empty store is one transaction (its "build", see
 * docs/store.md); there a batch is what is written at once. */
void orgmri_ingest_set_batch(orgmri_ingest *ing, long events);
/* Count a record the adapter skipped (bad input it chose to pass over). */
void orgmri_ingest_note_skip(orgmri_ingest *ing);
const orgmri_ingest_counts *orgmri_ingest_get_counts(const orgmri_ingest *ing);
/* Commit what is pending now (adapters call this at safe points, e.g.
 * before saving a high-water mark with orgmri_store_meta_set).  During a
 * build everything, the mark included, commits together when the run
 * finishes. */
int orgmri_ingest_flush(orgmri_ingest *ing, orgmri_error *err);
int orgmri_ingest_finish(orgmri_ingest *ing, int ok, const char *message,
                         orgmri_error *err);

/* ---- reading ---------------------------------------------------------- */

typedef struct orgmri_count {
	const char *name;
	long long n;
} orgmri_count;

typedef struct orgmri_stats {
	long long objects, events, links, people, runs;
	int64_t first_time, last_time;   /* valid when events > 0 */
	orgmri_count *objects_by_type;   size_t nobject_types;
	orgmri_count *events_by_activity; size_t nactivities;
	orgmri_count *links_by_relation; size_t nrelations;
} orgmri_stats;

/* What the store holds.  Free with orgmri_stats_free. */
int orgmri_store_stats(orgmri_store *store, orgmri_stats *out,
                       orgmri_error *err);
void orgmri_stats_free(orgmri_stats *stats);

/*
 * Replay every stored event, ordered by object key, then time, activity,
 * actor and discriminator, into `sink`, with its related objects and
 * attributes exactly as stored.  `since`/`until` (ms; INT64_MIN/INT64_MAX
 * for no bound) restrict by event time.
 */
int orgmri_store_replay(orgmri_store *store, int64_t since, int64_t until,
                        orgmri_sink *sink, orgmri_error *err);

#ifdef __cplusplus
}
#endif
#endif
