/*
 * eventlog_common.h - what the xes and ocel adapters share: running an
 * event-log reader on the adapter's file with the run's skip policy.
 */
#ifndef ORGMRI_INGEST_EVENTLOG_COMMON_H
#define ORGMRI_INGEST_EVENTLOG_COMMON_H

#include "core/util.h"
#include "ingest/adapter.h"
#include "orgmri/eventlog.h"

typedef int (*eventlog_reader)(FILE *, const char *,
                               const orgmri_eventlog_options *, orgmri_sink *,
                               orgmri_eventlog_stats *, orgmri_error *);

/* Open ctx->path and run `read` on it into ctx->sink; skipped records are
 * counted in the run and passed to the run's warn callback, notes (code
 * 0) only passed on. */
int orgmri_eventlog_run(orgmri_adapter_ctx *ctx, eventlog_reader read,
                        orgmri_error *err);

/* Pass a note (an error record with code 0, file set) to opts->warn. */
void eventlog_note(const orgmri_eventlog_options *opts, const char *file,
                   const char *fmt, ...) ORGMRI_PRINTF(3, 4);
/* The note "N timestamps have no UTC offset; read as UTC", if N > 0. */
void eventlog_note_times(const orgmri_eventlog_options *opts,
                         const char *file, long long naive);

/* ingest/ocel.c: the canonical events of an OCEL 2.0 document in its JSON
 * shape ({"objects": [...], "events": [...]}); ocel_sqlite.c builds that
 * shape from the SQLite form.  `root` stays the caller's. */
typedef struct json_t json_t;
int ocel_emit_document(json_t *root, const char *name,
                       const orgmri_eventlog_options *opts, orgmri_sink *sink,
                       orgmri_eventlog_stats *stats, orgmri_error *err);

#endif
