/*
 * map.h - the process map: a directly-follows graph (DFG) over the event
 * table, with frequencies and times, and the variants.
 *
 * Definitions (docs/eventlogs.md has them with examples):
 *
 * - A case is an object (of the chosen type, or any) with at least one
 *   event left after the activity exclusions and the time window.  Its
 *   sequence is its events ordered by time, ties broken by
 *   ORGMRI_XES_POSITION when events carry it (then by the table's order);
 *   with `document_order` by ORGMRI_XES_POSITION alone (the XES file's
 *   order, pm4py's "variants"), falling back to the time order for
 *   objects without positions.
 * - Activity frequency: events with that activity.  Start / end count:
 *   cases whose sequence begins / ends with it.
 * - Edge (a, b): each pair of consecutive events in a sequence; frequency
 *   = number of such pairs.  Waiting time of one pair = time(b) - time(a),
 *   taken as 0 when negative (possible in document order); the edge has
 *   the mean and median of these (the median of an even count is the mean
 *   of the two middle values).  This is pm4py's performance DFG on a log
 *   without start timestamps.
 * - Working time of an activity: within a case, each event whose
 *   lifecycle:transition is "complete" (any letter case) is paired with
 *   the oldest unpaired "start" of the same activity before it (FIFO, as
 *   pm4py's interval_lifecycle); a pair's working time = complete - start.
 *   Mean and median over the pairs; `work_pairs` = 0 when none.
 * - A variant is a distinct activity sequence; count = cases with it.
 *   Variants are listed by count, descending, then by sequence.
 *
 * Times are milliseconds.
 */
#ifndef ORGMRI_MAP_H
#define ORGMRI_MAP_H

#include <stdint.h>
#include <stdio.h>
#include "error.h"
#include "report.h"
#include "table.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct orgmri_map_options {
	unsigned version;              /* ORGMRI_MAP_OPTIONS_VERSION */
	const char *object_type;       /* only objects of this type; NULL = all */
	int document_order;            /* order by position, see above */
	const char *const *exclude;    /* activities left out (NULL or nexclude) */
	size_t nexclude;
	int64_t since, until;          /* only events with since <= time <=
	                                  until (INT64_MIN / INT64_MAX: all) */
	/* version 2: only these objects (table indexes, each once; NULL =
	 * every object), e.g. the items of a value-stream model */
	const uint32_t *objects;
	size_t nobjects;
} orgmri_map_options;

#define ORGMRI_MAP_OPTIONS_VERSION 2
#define ORGMRI_MAP_OPTIONS_INIT \
	{ ORGMRI_MAP_OPTIONS_VERSION, NULL, 0, NULL, 0, INT64_MIN, INT64_MAX, \
	  NULL, 0 }

typedef struct orgmri_map_activity {
	const char *name;
	long long count, starts, ends;
	long long work_pairs;
	double work_mean_ms, work_median_ms;
} orgmri_map_activity;

typedef struct orgmri_map_edge {
	uint32_t from, to;            /* indexes into activities */
	long long count;
	double wait_mean_ms, wait_median_ms;
} orgmri_map_edge;

typedef struct orgmri_map_variant {
	const uint32_t *acts;         /* indexes into activities */
	size_t len;
	long long count;
} orgmri_map_variant;

typedef struct orgmri_map {
	long long cases, events;
	int64_t first_time, last_time;  /* valid when events > 0 */
	/* activities by name; edges by (from name, to name) */
	size_t nactivities, nedges, nvariants;
	orgmri_map_activity *activities;
	orgmri_map_edge *edges;
	orgmri_map_variant *variants;
	void *internal;
} orgmri_map;

/*
 * Build the map of table `t`.  The map borrows names from `t`, so free the
 * map (orgmri_map_free) before the table.
 */
int orgmri_map_build(const orgmri_table *t, const orgmri_map_options *opts,
                     orgmri_map **out, orgmri_error *err);
void orgmri_map_free(orgmri_map *m);

/*
 * Write the map.  Text: a summary, activities, edges, then the first
 * `max_variants` variants (0 = all).  JSON: the schema in
 * docs/eventlogs.md.  DOT: a Graphviz digraph, edge labels "count /
 * median wait".  Return 0 or ORGMRI_EIO.
 */
int orgmri_map_write_text(const orgmri_map *m, FILE *fp, size_t max_variants);
int orgmri_map_write_json(const orgmri_map *m, FILE *fp, size_t max_variants);
int orgmri_map_write_dot(const orgmri_map *m, FILE *fp);

/*
 * The map as a process-map chart (report.h): one node per activity, one
 * edge per directly-follows pair, median working and waiting times in
 * the unit that suits the largest of them (seconds, minutes, hours or
 * days, in out->graph.unit).  Titles are defaults the caller may
 * replace.  The arrays are malloc'ed and names borrowed from m: free with
 * orgmri_map_chart_free before freeing m.
 */
typedef struct orgmri_map_chart {
	orgmri_chart_graph graph;
	orgmri_chart_graph_node *nodes;
	orgmri_chart_graph_edge *edges;
} orgmri_map_chart;

int orgmri_map_chart_make(const orgmri_map *m, orgmri_map_chart *out,
                          orgmri_error *err);
void orgmri_map_chart_free(orgmri_map_chart *c);

/* SVG: the map drawn as a standalone SVG document (the chart above). */
int orgmri_map_write_svg(const orgmri_map *m, FILE *fp, orgmri_error *err);

#ifdef __cplusplus
}
#endif
#endif
