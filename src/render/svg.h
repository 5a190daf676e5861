/*
 * svg.h - drawing helpers for the report's inline SVG charts: scales,
 * "nice" ticks (1-2-5 steps; calendar steps on time axes), axes, legends,
 * markers and the <figure> around a chart.  Not public API.
 *
 * Geometry is in SVG user units (CSS pixels at 100%); every coordinate is
 * written with one decimal by a locale-free formatter, so the same data
 * gives the same bytes.
 */
#ifndef ORGMRI_RENDER_SVG_H
#define ORGMRI_RENDER_SVG_H

#include "render/html.h"

/* Rows of a chart's table of numbers at most (the rest is summarised). */
#define SVG_TABLE_MAX ORGMRI_CHART_TABLE_MAX
/* Ticks on one axis at most. */
#define SVG_TICKS_MAX 32

/* A numeric axis: lo..hi in steps of `step` (1, 2 or 5 times a power of
 * ten), labelled with `decimals` digits. */
typedef struct svg_axis {
	double lo, hi, step;
	int decimals;
} svg_axis;

/* The plot area inside the chart: x0 left, x1 right, y0 top, y1 bottom. */
typedef struct svg_frame {
	double x0, y0, x1, y1;
} svg_frame;

/* Ticks of a time axis and how to label them. */
typedef enum svg_time_unit {
	SVG_HOURS, SVG_DAYS, SVG_MONTHS, SVG_YEARS
} svg_time_unit;

typedef struct svg_time_ticks {
	int64_t t[SVG_TICKS_MAX];
	size_t n;
	svg_time_unit unit;
} svg_time_ticks;

/* Times beyond +-SVG_TIME_MAX ms (about year 5138) are drawn at it. */
#define SVG_TIME_MAX 100000000000000LL
/* Values beyond +-SVG_VALUE_MAX are drawn at it. */
#define SVG_VALUE_MAX 1e12

/* The smallest 1-2-5 axis covering [lo, hi] with about `target` steps.
 * lo == hi (or non-finite) is widened to a sensible range. */
void svg_axis_nice(svg_axis *a, double lo, double hi, int target);
/* Number of ticks of an axis (lo, lo + step, ... hi), at most
 * SVG_TICKS_MAX. */
size_t svg_axis_ticks(const svg_axis *a);
/* Calendar ticks inside [lo, hi]: hours, days, Mondays, months or years,
 * at most `target` (>= 2) of them. */
void svg_time_ticks_make(svg_time_ticks *tt, int64_t lo, int64_t hi,
                         int target);

/* Linear map of v from [d0, d1] to [r0, r1]; d0 == d1 maps to the middle. */
double svg_map(double v, double d0, double d1, double r0, double r1);
/* Append a coordinate (one decimal, locale-free). */
void svg_num(orgmri_buf *b, double v);
/* Append "x,y " style pairs: `M` or `L` then the point. */
void svg_point(orgmri_buf *b, char cmd, double x, double y);

/*
 * <text> at (x, y) with anchor "start"/"middle"/"end" and class cls (may
 * be NULL); s is escaped and cut to max_chars code points (0 = no cut),
 * in which case the whole string is its tooltip (<title>).
 */
void svg_text(orgmri_buf *b, double x, double y, const char *anchor,
              const char *cls, const char *s, size_t max_chars);
/* An approximate width of s in px at the 12px chart font. */
double svg_text_width(const char *s, size_t max_chars);

/* Start a chart: <figure>, caption, <svg> with role, aria-label, <title>,
 * <desc>.  Returns the chart's number (its ids are "c<N>"). */
unsigned svg_chart_begin(orgmri_report *r, const orgmri_chart_text *t,
                         int width, int height);
/* End the <svg> and write the "how to read this" line under it. */
void svg_chart_end_svg(orgmri_report *r, const orgmri_chart_text *t);
/* End the figure. */
void svg_chart_end(orgmri_report *r);
/* The "no data" text across the plot area. */
void svg_no_data(orgmri_buf *b, const svg_frame *f);

/* Horizontal grid lines with labels on the left, the y axis title
 * "label (unit)" turned upright along it. */
void svg_y_axis(orgmri_buf *b, const svg_frame *f, const svg_axis *a,
                const char *label, const char *unit);
/* Vertical grid lines with labels below, title "label (unit)" below. */
void svg_x_axis_value(orgmri_buf *b, const svg_frame *f, const svg_axis *a,
                      const char *label, const char *unit);
/* Date ticks below the plot (two lines: day and month, then the year
 * where it changes) and the axis title. */
void svg_x_axis_time(orgmri_buf *b, const svg_frame *f, int64_t lo,
                     int64_t hi, const char *title);
/* A dashed vertical marker at time t with "label date" at its top. */
void svg_time_marker(orgmri_buf *b, const svg_frame *f, int64_t lo,
                     int64_t hi, int64_t t, const char *label);

/* A legend entry kind: a line, or a filled box. */
typedef enum svg_key { SVG_KEY_LINE, SVG_KEY_BOX, SVG_KEY_DASH } svg_key;
/* A one-row (wrapping) legend starting at (x, y) within width w;
 * returns the height it used. */
double svg_legend(orgmri_buf *b, double x, double y, double w,
                  const char *const *names, const char *const *colors,
                  const svg_key *kinds, size_t n);

/* The categorical palette (Okabe-Ito, readable on white): colour i. */
const char *svg_color(size_t i);

#endif
