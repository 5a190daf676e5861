/*
 * report.h - building one self-contained HTML report.
 *
 * A report is built top to bottom by calls that append blocks: sections,
 * paragraphs, "how to read this" notes, tables, tiles (a figure with a
 * unit and a coloured tier, as DORA's), recommendation lists and charts.
 * The charts are drawn by orgmri itself as inline SVG from plain numeric
 * arrays; each carries a title, axis labels with units, a "how to read
 * this" note and its numbers as an HTML table (in a <details> element).
 *
 * The document needs nothing from the network when opened: no external
 * fonts, scripts, images or style sheets; CSS is inline, including rules
 * for printing.  It contains no script at all.  The markup is also
 * well-formed XML (void elements closed, every attribute quoted, no named
 * entities), so an XML parser can check it.
 *
 * Every string a caller passes is treated as untrusted text (PR titles,
 * people's names, labels, branch names): it is escaped for HTML text and
 * attributes, invalid UTF-8 and control characters become U+FFFD, and it
 * is cut to ORGMRI_REPORT_TEXT_MAX bytes.  No caller string is ever
 * interpreted as markup.
 *
 * Errors are sticky: every call returns 0 or a negative ORGMRI_E* code,
 * and after the first failure later calls do nothing and return the same
 * code.  orgmri_report_render / orgmri_report_write_file report it with
 * its message, so a caller may build the whole document and check once.
 *
 * The same calls with the same data give byte-identical output (numbers
 * are formatted without the C locale, no clock is read).
 */
#ifndef ORGMRI_REPORT_H
#define ORGMRI_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Longest caller string kept, in bytes; longer ones end in "...". */
#define ORGMRI_REPORT_TEXT_MAX 2000
/* Largest document built, in bytes (ORGMRI_ELIMIT past it). */
#define ORGMRI_REPORT_SIZE_MAX (64u * 1024u * 1024u)
/* "No time": a marker or split date that is not drawn. */
#define ORGMRI_REPORT_NO_TIME INT64_MIN

typedef struct orgmri_report orgmri_report;

/*
 * Start a report titled `title`; `subtitle` (may be NULL) is a line
 * under it, e.g. the data source and period.  *out is owned by the
 * caller and freed with orgmri_report_free.
 */
int orgmri_report_new(orgmri_report **out, const char *title,
                      const char *subtitle, orgmri_error *err);
void orgmri_report_free(orgmri_report *r);

/* ---- text blocks ------------------------------------------------------ */

/* Start a top-level section (an <h2>, listed in the contents at the top);
 * it ends where the next section starts. */
int orgmri_report_section(orgmri_report *r, const char *heading);
/* A heading inside the current section (<h3>). */
int orgmri_report_heading(orgmri_report *r, const char *heading);
int orgmri_report_paragraph(orgmri_report *r, const char *text);
/* A boxed "How to read this" note. */
int orgmri_report_note(orgmri_report *r, const char *text);
/* A boxed warning, e.g. "too few items to tell" or "no deployments". */
int orgmri_report_warning(orgmri_report *r, const char *text);

/* ---- tables ----------------------------------------------------------- */

/*
 * A table of ncols columns.  `align` has one letter per column, 'l' or
 * 'r' (numbers: right-aligned, tabular digits); NULL means all left.
 * Then one orgmri_report_table_row per row (ncols cells, NULL cell =
 * empty), then orgmri_report_table_end.  No other block may come between.
 */
int orgmri_report_table_begin(orgmri_report *r, const char *caption,
                              const char *const *headers, size_t ncols,
                              const char *align);
int orgmri_report_table_row(orgmri_report *r, const char *const *cells);
int orgmri_report_table_end(orgmri_report *r);

/* ---- tiles ------------------------------------------------------------ */

/* The tone of a tile's tier, which picks its colour (the tier's label is
 * always written too, so colour is never the only signal). */
typedef enum orgmri_report_tone {
	ORGMRI_TONE_NEUTRAL = 0, /* grey: no tier, or not enough data */
	ORGMRI_TONE_BEST,        /* DORA elite */
	ORGMRI_TONE_GOOD,        /* DORA high; a health indicator that is fine */
	ORGMRI_TONE_FAIR,        /* DORA medium */
	ORGMRI_TONE_POOR         /* DORA low; a health indicator of concern */
} orgmri_report_tone;

typedef struct orgmri_report_tile {
	const char *label;  /* "Deployment frequency" */
	const char *value;  /* as it should read: "4.2", "n/a" */
	const char *unit;   /* "per week"; may be NULL */
	const char *tier;   /* "Elite"; may be NULL */
	orgmri_report_tone tone;
	const char *detail; /* a line below: "before: 2.1 (Medium)"; may be NULL */
} orgmri_report_tile;

/* A row of n tiles that wraps on narrow screens. */
int orgmri_report_tiles(orgmri_report *r, const orgmri_report_tile *tiles,
                        size_t n);

/* ---- recommendations -------------------------------------------------- */

typedef struct orgmri_report_rec {
	const char *title;  /* the lever: "Add security reviewer capacity" */
	const char *why;    /* the evidence; may be NULL */
	const char *effect; /* what it will likely buy; may be NULL */
} orgmri_report_rec;

/* An ordered list: the first item is the one to do first. */
int orgmri_report_recommendations(orgmri_report *r,
                                  const orgmri_report_rec *recs, size_t n);

/* ---- charts ----------------------------------------------------------- */

/*
 * What every chart has.  title and how_to_read are required; the
 * how_to_read text is shown under the chart and is also the SVG's
 * description for screen readers.
 */
typedef struct orgmri_chart_text {
	const char *title;
	const char *how_to_read;
} orgmri_chart_text;

/* A horizontal reference line at `value`, e.g. "85th percentile". */
typedef struct orgmri_chart_refline {
	double value;
	const char *label;
} orgmri_chart_refline;

/* One line of a time-series chart: y[i] belongs to the chart's x[i];
 * a NaN y is a gap in the line (a week without data). */
typedef struct orgmri_chart_series {
	const char *name;
	const double *y;
} orgmri_chart_series;

/*
 * Time-series line chart: lines over time on one y axis, e.g. median and
 * 85th-percentile lead time per week.  x (n times, increasing, ms UTC) is
 * shared by all series.  Draw quantities with different units as separate
 * charts.  y_min_zero makes the y axis start at 0 (durations, counts).
 */
typedef struct orgmri_chart_lines {
	orgmri_chart_text text;
	const char *y_label;   /* "lead time" */
	const char *y_unit;    /* "hours" */
	const int64_t *x;
	size_t n;
	const orgmri_chart_series *series;
	size_t nseries;
	int y_min_zero;
	int64_t split;             /* vertical marker, or ORGMRI_REPORT_NO_TIME */
	const char *split_label;   /* "AI rollout"; may be NULL */
} orgmri_chart_lines;

#define ORGMRI_CHART_LINES_INIT { { NULL, NULL }, NULL, NULL, NULL, 0, NULL, 0, \
	1, ORGMRI_REPORT_NO_TIME, NULL }

/*
 * Stage "waterfall", before vs after: one row per stage; in each row one
 * bar per period, placed where the previous stage's bar of that period
 * ended, split into working time (solid) and waiting time (light).  The
 * bottom row is the total.  Arrays have nstages entries; a NaN is a stage
 * without data in that period (drawn as nothing, shown as "n/a").
 */
typedef struct orgmri_chart_stages {
	orgmri_chart_text text;
	const char *unit;            /* "hours" */
	const char *const *stages;   /* names, in flow order */
	size_t nstages;
	const char *period[2];       /* "before", "after" */
	const double *wait[2];       /* per period */
	const double *work[2];
	long constraint;             /* stage index highlighted, or -1 */
} orgmri_chart_stages;

#define ORGMRI_CHART_STAGES_INIT { { NULL, NULL }, NULL, NULL, 0, \
	{ "before", "after" }, { NULL, NULL }, { NULL, NULL }, -1 }

/*
 * Cumulative flow diagram: at each time x[i], counts[s * n + i] items
 * are in stage s (stages in flow order, the last one usually "done").
 * Drawn as stacked areas, the last stage at the bottom, so each band's
 * thickness is the work in that stage and the top edge is everything
 * that has arrived.
 */
typedef struct orgmri_chart_flow {
	orgmri_chart_text text;
	const char *y_unit;          /* "items" */
	const int64_t *x;
	size_t n;
	const char *const *stages;
	size_t nstages;
	const double *counts;        /* nstages * n */
	int64_t split;
	const char *split_label;
} orgmri_chart_flow;

#define ORGMRI_CHART_FLOW_INIT { { NULL, NULL }, NULL, NULL, 0, NULL, 0, NULL, \
	ORGMRI_REPORT_NO_TIME, NULL }

/*
 * Cycle-time scatterplot: one dot per finished item at (x[i] = when it
 * finished, y[i] = its cycle time), with horizontal percentile lines the
 * caller computed (so they match the metric commands exactly).  labels
 * (may be NULL) names each item in the table of numbers.  At most
 * ORGMRI_CHART_SCATTER_MAX dots are drawn; past that an evenly spaced
 * subset is, and the chart says so.  Every chart's table of numbers
 * lists at most ORGMRI_CHART_TABLE_MAX rows and says how many it left out.
 */
typedef struct orgmri_chart_scatter {
	orgmri_chart_text text;
	const char *y_label;     /* "cycle time" */
	const char *y_unit;      /* "days" */
	const int64_t *x;
	const double *y;
	const char *const *labels;
	size_t n;
	const orgmri_chart_refline *lines;  /* e.g. 50th, 85th, 95th */
	size_t nlines;
	int64_t split;
	const char *split_label;
} orgmri_chart_scatter;

#define ORGMRI_CHART_SCATTER_MAX 20000
#define ORGMRI_CHART_TABLE_MAX 500
#define ORGMRI_CHART_SCATTER_INIT { { NULL, NULL }, NULL, NULL, NULL, NULL, \
	NULL, 0, NULL, 0, ORGMRI_REPORT_NO_TIME, NULL }

/*
 * Sorted bar chart: one horizontal bar per label, largest first (ties by
 * label), e.g. reviews done per reviewer.  At most max_bars bars are
 * drawn (0 = 25); the table lists all.  An optional reference line, e.g.
 * "even share".
 */
typedef struct orgmri_chart_bars {
	orgmri_chart_text text;
	const char *value_label;  /* "reviews" */
	const char *unit;         /* "reviews"; may be NULL */
	const char *const *labels;
	const double *values;
	size_t n;
	size_t max_bars;
	const orgmri_chart_refline *line;  /* may be NULL */
} orgmri_chart_bars;

#define ORGMRI_CHART_BARS_INIT { { NULL, NULL }, NULL, NULL, NULL, NULL, 0, 0, NULL }

/*
 * Process map: a directed graph of activities (nodes) and
 * directly-follows transitions (edges), drawn top to bottom in layers
 * (docs/report.md: the layout).  Node i's `starts` / `ends` are the items
 * whose sequence begins / ends there (drawn as edges from "start" and to
 * "end").  Times (`work`, `wait`: medians) are in `unit`; NaN = none.
 *
 * Big graphs are filtered so they stay readable: the `max_nodes` most
 * frequent activities (0: 16); of the edges among them, each node's
 * strongest incoming and outgoing one, then the others by count until
 * they cover `coverage` of all transitions (0: 0.95) or `max_edges` are
 * drawn (0: 40).  The chart says what it left out; its table of numbers
 * lists every node and edge.  An edge label that would overlap another
 * label or a node is not drawn (the edge keeps a tooltip with its
 * numbers).
 */
typedef struct orgmri_chart_graph_node {
	const char *name;
	double count;          /* events */
	double starts, ends;   /* items beginning / ending here */
	double work;           /* median working time, NaN = unknown */
} orgmri_chart_graph_node;

typedef struct orgmri_chart_graph_edge {
	size_t from, to;       /* node indexes */
	double count;          /* transitions */
	double wait;           /* median waiting time, NaN = unknown */
} orgmri_chart_graph_edge;

typedef struct orgmri_chart_graph {
	orgmri_chart_text text;
	const char *unit;      /* of work and wait: "hours" */
	const orgmri_chart_graph_node *nodes;
	size_t nnodes;
	const orgmri_chart_graph_edge *edges;
	size_t nedges;
	size_t max_nodes, max_edges;
	double coverage;
} orgmri_chart_graph;

#define ORGMRI_CHART_GRAPH_INIT { { NULL, NULL }, NULL, NULL, 0, NULL, 0, 0, 0, 0 }

/* Each appends one chart (a <figure>) to the current section.  A chart
 * without data is drawn as an empty frame that says so. */
int orgmri_report_chart_lines(orgmri_report *r, const orgmri_chart_lines *c);
int orgmri_report_chart_stages(orgmri_report *r, const orgmri_chart_stages *c);
int orgmri_report_chart_flow(orgmri_report *r, const orgmri_chart_flow *c);
int orgmri_report_chart_scatter(orgmri_report *r,
                                const orgmri_chart_scatter *c);
int orgmri_report_chart_bars(orgmri_report *r, const orgmri_chart_bars *c);
int orgmri_report_chart_graph(orgmri_report *r, const orgmri_chart_graph *c);

/*
 * The process map alone as a standalone SVG document (with its own
 * styles), e.g. for `orgmri map --format svg`.  Returns 0, ORGMRI_EINVAL,
 * ORGMRI_ENOMEM or ORGMRI_EIO, with a message in err.
 */
int orgmri_chart_graph_write_svg(const orgmri_chart_graph *c, FILE *fp,
                                 orgmri_error *err);

/* ---- output ----------------------------------------------------------- */

/*
 * The finished document.  On success *html is a malloc'ed NUL-terminated
 * string the caller frees, *len its length.  The report stays usable
 * (more blocks can follow, rendering again includes them).  On a sticky
 * error returns it, with its message in err.
 */
int orgmri_report_render(orgmri_report *r, char **html, size_t *len,
                         orgmri_error *err);
/* Render and write to path (replacing it). */
int orgmri_report_write_file(orgmri_report *r, const char *path,
                             orgmri_error *err);

#ifdef __cplusplus
}
#endif
#endif
