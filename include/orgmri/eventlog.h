/*
 * eventlog.h - process-mining event logs: XES (IEEE 1849) and OCEL 2.0
 * JSON, read into canonical events and written back out.
 *
 * How a log maps onto orgmri's object-centric model (docs/eventlogs.md):
 *
 * XES.  Each <trace> becomes one object "case:LOG/NAME", LOG being the
 * log name (the file name without .xes/.xes.gz unless given) and NAME the
 * trace's concept:name, or "#N" (N = 1-based trace number in the file)
 * when it has none.  Each <event> becomes one event: activity =
 * concept:name, time = time:timestamp, actor = org:resource; every other
 * attribute that is a direct child of the event is kept under its XES key
 * (lifecycle:transition included, with its value as written), trace
 * attributes are copied onto each event as "case:KEY" (the pm4py
 * convention), and ORGMRI_XES_POSITION holds the event's 1-based position
 * in its trace, which is also the event's discriminator, so document
 * order survives and equal-looking events stay distinct.
 *
 * OCEL 2.0 (JSON, XML and SQLite forms).  An OCEL event related to k
 * objects becomes k orgmri events, one on each object ("TYPE:ID" with the
 * OCEL object type, ':' in it written '.', and id; an id that already
 * starts with "TYPE:" is kept), all with the OCEL event id as
 * discriminator, the event type as activity, the event's attributes,
 * ORGMRI_OCEL_QUALIFIER holding the E2O qualifier, and the other k - 1
 * objects as related objects.  Each OCEL object also gets one event
 * ORGMRI_OCEL_OBJECT_ACTIVITY per distinct attribute time (at least one:
 * without attribute values, at the time of the object's first event, or
 * 0) carrying the attribute values set then and, on the first, its
 * object-to-object relationships as related objects (qualifiers as
 * "ocel:o2o:TARGET" attributes).
 */
#ifndef ORGMRI_EVENTLOG_H
#define ORGMRI_EVENTLOG_H

#include <stdint.h>
#include <stdio.h>
#include "error.h"
#include "event.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Attribute holding an XES event's 1-based position within its trace. */
#define ORGMRI_XES_POSITION "orgmri:position"
/* Object type of XES traces. */
#define ORGMRI_XES_CASE_TYPE "case"
/* Activity of the synthetic per-object events of an OCEL log. */
#define ORGMRI_OCEL_OBJECT_ACTIVITY "ocel:object"
/* Attribute holding an OCEL event-to-object qualifier. */
#define ORGMRI_OCEL_QUALIFIER "ocel:qualifier"

/* Default caps on hostile input (0 in the options selects them). */
#define ORGMRI_EVENTLOG_MAX_BYTES (4ull << 30)   /* XML/JSON after gunzip */
#define ORGMRI_EVENTLOG_MAX_DEPTH 64u            /* element nesting */
#define ORGMRI_EVENTLOG_MAX_VALUE (1u << 20)     /* one attribute value */

typedef struct orgmri_eventlog_options {
	unsigned version;          /* ORGMRI_EVENTLOG_OPTIONS_VERSION */
	const char *log_name;      /* XES: LOG in "case:LOG/NAME"; NULL = from
	                              the file name */
	uint64_t max_bytes;        /* cap on (decompressed) input; 0 = default */
	unsigned max_depth;        /* cap on XML nesting; 0 = default */
	size_t max_value;          /* cap on one attribute value; 0 = default */
	int strict;                /* fail on the first bad record */
	/* Called for each skipped bad record (code != 0) and for notes such
	 * as "N timestamps had no UTC offset" (code == 0); may be NULL. */
	void (*warn)(const orgmri_error *what, void *ctx);
	void *warn_ctx;
} orgmri_eventlog_options;

#define ORGMRI_EVENTLOG_OPTIONS_VERSION 1
#define ORGMRI_EVENTLOG_OPTIONS_INIT \
	{ ORGMRI_EVENTLOG_OPTIONS_VERSION, NULL, 0, 0, 0, 0, NULL, NULL }

/* What a read saw. */
typedef struct orgmri_eventlog_stats {
	long long traces;       /* XES traces / OCEL objects */
	long long events;       /* XES events / OCEL events (before fan-out) */
	long long emitted;      /* canonical events handed to the sink */
	long long skipped;      /* bad records skipped */
	long long naive_times;  /* timestamps without a UTC offset (read as UTC) */
	long long no_time;      /* events without a timestamp (stored at 0) */
} orgmri_eventlog_stats;

/*
 * Stream an XES log (plain or gzip, detected by its magic bytes) from `in`
 * into `sink`.  `name` is used in messages and, without opts->log_name,
 * for the log name.  Malformed XML, nesting deeper than max_depth and
 * input beyond max_bytes are fatal (ORGMRI_EPARSE / ORGMRI_ELIMIT, with
 * line and column); a bad event (wrong attribute value, oversized value)
 * is skipped and reported through warn, or is fatal with strict.  Events
 * handed to the sink before a fatal error stay handed.  `stats` may be
 * NULL.
 */
int orgmri_xes_read(FILE *in, const char *name,
                    const orgmri_eventlog_options *opts, orgmri_sink *sink,
                    orgmri_eventlog_stats *stats, orgmri_error *err);

/*
 * Read an OCEL 2.0 JSON log (plain or gzip) from `in` into `sink`, as
 * described above.  The document is loaded whole (capped by max_bytes).
 */
int orgmri_ocel_read(FILE *in, const char *name,
                     const orgmri_eventlog_options *opts, orgmri_sink *sink,
                     orgmri_eventlog_stats *stats, orgmri_error *err);

/*
 * Read an OCEL 2.0 XML log (plain or gzip) from `in`: the same mapping;
 * values are typed by their attribute's declaration on the object or
 * event type.
 */
int orgmri_ocel_read_xml(FILE *in, const char *name,
                         const orgmri_eventlog_options *opts,
                         orgmri_sink *sink, orgmri_eventlog_stats *stats,
                         orgmri_error *err);

/*
 * Read an OCEL 2.0 SQLite log (the tables event, object, event_object,
 * object_object, event_map_type, object_map_type, event_<T>, object_<T>)
 * at `path`, with the same mapping as the JSON form.  Error paths such as
 * $.events[3] count rows of the event and object tables in rowid order.
 */
int orgmri_ocel_read_sqlite(const char *path,
                            const orgmri_eventlog_options *opts,
                            orgmri_sink *sink, orgmri_eventlog_stats *stats,
                            orgmri_error *err);

/*
 * Writers.  Both are sinks fed in the store's replay order (object, then
 * time); orgmri_eventlog_writer_close writes the document's end, flushes
 * and frees.  `fp` is not closed.
 *
 * XES: one <trace> per object (concept:name = NAME for "case:LOG/NAME"
 * objects, else the whole object key), events in the order received with
 * concept:name, time:timestamp, org:resource and their attributes
 * ("case:KEY" attributes go back onto the trace, ORGMRI_XES_POSITION is
 * dropped).  `log_name` (may be NULL) becomes the log's concept:name.
 *
 * OCEL: events are buffered and written at close; orgmri events sharing an
 * OCEL event id (discriminator) and activity and time are merged back into
 * one OCEL event relating all their objects.
 */
typedef struct orgmri_eventlog_writer orgmri_eventlog_writer;

int orgmri_xes_writer_new(orgmri_eventlog_writer **out, FILE *fp,
                          const char *log_name, orgmri_error *err);
int orgmri_ocel_writer_new(orgmri_eventlog_writer **out, FILE *fp,
                           orgmri_error *err);
orgmri_sink *orgmri_eventlog_writer_sink(orgmri_eventlog_writer *w);
int orgmri_eventlog_writer_close(orgmri_eventlog_writer *w,
                                 orgmri_error *err);

#ifdef __cplusplus
}
#endif
#endif
