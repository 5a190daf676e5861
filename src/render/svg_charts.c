/*
 * svg_charts.c - the report's five charts, drawn as inline SVG from plain
 * arrays: time-series lines, the stage waterfall before vs after, the
 * cumulative flow diagram, the cycle-time scatterplot and the sorted bar
 * chart.  Each is a <figure> with a caption, the SVG (role="img", a
 * <title> and a <desc>), a "how to read this" line and its numbers as
 * tables in a <details> element, so they can be read by a screen reader,
 * copied, and checked against the metric commands.
 *
 * The charts only draw: every figure (percentiles included) is the
 * caller's.  The one thing computed here is presentation: the order of
 * bars, the stacking of areas and each reviewer's share of the total.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "render/svg.h"

#define CHART_W 760
#define LABEL_MAX 22   /* code points of a category label on the chart */
#define SCATTER_LAYERS 16  /* paths the dots of a scatterplot are dealt to */

/* ---- shared pieces ----------------------------------------------------- */

/* Cells of one table row: formatted numbers live in txt, cells[] point
 * there or at caller strings. */
typedef struct row {
	size_t ncols;
	char (*txt)[48];
	const char **cells;
	char *align;
} row;

static int row_init(orgmri_report *r, row *w, size_t ncols)
{
	w->ncols = ncols;
	w->txt = calloc(ncols, sizeof(*w->txt));
	w->cells = calloc(ncols, sizeof(*w->cells));
	w->align = calloc(ncols + 1, 1);
	if (!w->txt || !w->cells || !w->align)
		return orgmri_report_fail(r, ORGMRI_ENOMEM, "out of memory");
	memset(w->align, 'r', ncols);
	return 0;
}

static void row_free(row *w)
{
	free(w->txt);
	free(w->cells);
	free(w->align);
}

static void row_num(row *w, size_t i, double v)
{
	orgmri_fmt_value(w->txt[i], sizeof(w->txt[i]), v);
	w->cells[i] = w->txt[i];
}

static void row_date(row *w, size_t i, int64_t t)
{
	orgmri_fmt_date(w->txt[i], sizeof(w->txt[i]), t);
	w->cells[i] = w->txt[i];
}

/* "Show the numbers (what, in unit)". */
static void details_open(orgmri_report *r, const char *what, const char *unit)
{
	char s[ORGMRI_REPORT_TEXT_MAX * 2 + 64];
	if (what && *what && unit && *unit)
		snprintf(s, sizeof(s), "Show the numbers (%s, in %s)", what, unit);
	else if (unit && *unit)
		snprintf(s, sizeof(s), "Show the numbers (in %s)", unit);
	else
		snprintf(s, sizeof(s), "Show the numbers");
	orgmri_report_details_open(r, s);
}

/* A row saying how many rows a table left out. */
static void table_rest(orgmri_report *r, size_t shown, size_t total,
                       size_t ncols)
{
	if (shown >= total)
		return;
	char s[128];
	snprintf(s, sizeof(s), "... and %zu more rows, not listed here",
	         total - shown);
	const char **cells = calloc(ncols, sizeof(*cells));
	if (!cells) {
		r->body.oom = 1;
		return;
	}
	cells[0] = s;
	orgmri_report_subtable_row(r, cells, ncols, NULL);
	free(cells);
}

static void time_range(const int64_t *x, size_t n, int64_t split,
                       int64_t *lo, int64_t *hi)
{
	*lo = INT64_MAX;
	*hi = INT64_MIN;
	for (size_t i = 0; i < n; i++) {
		if (x[i] < *lo)
			*lo = x[i];
		if (x[i] > *hi)
			*hi = x[i];
	}
	if (split != ORGMRI_REPORT_NO_TIME && n) {
		if (split < *lo)
			*lo = split;
		if (split > *hi)
			*hi = split;
	}
	/* Times past +-SVG_TIME_MAX (year 5138) are nonsense; clamping keeps
	 * the arithmetic on them from overflowing. */
	*lo = *lo < -SVG_TIME_MAX ? -SVG_TIME_MAX : *lo > SVG_TIME_MAX ? SVG_TIME_MAX : *lo;
	*hi = *hi < -SVG_TIME_MAX ? -SVG_TIME_MAX : *hi > SVG_TIME_MAX ? SVG_TIME_MAX : *hi;
	if (*lo >= *hi) {
		/* One point in time: show the week around it. */
		*lo -= 84 * 3600000LL;
		*hi += 84 * 3600000LL;
	}
}

/* Draw a legend into its own buffer first, to know its height. */
static double legend_into(orgmri_buf *leg, const char *const *names,
                          const char *const *colors, const svg_key *kinds,
                          size_t n, double x, double w)
{
	if (n == 0)
		return 0;
	return svg_legend(leg, x, 16, w, names, colors, kinds, n);
}

static double widest_label(const char *const *labels, size_t n, double min)
{
	double w = min;
	for (size_t i = 0; i < n; i++) {
		double t = svg_text_width(labels ? labels[i] : NULL, LABEL_MAX);
		if (t > w)
			w = t;
	}
	return w;
}

/* Left margin for a y axis: widest tick label, the turned title, gaps. */
static double y_axis_margin(const svg_axis *a)
{
	char s[64];
	double w = 0;
	for (size_t i = 0; i < svg_axis_ticks(a); i++) {
		orgmri_fmt_fixed(s, sizeof(s), a->lo + (double)i * a->step,
		                 a->decimals);
		if (svg_text_width(s, 0) > w)
			w = svg_text_width(s, 0);
	}
	return w + 40;
}

static int bad_args(orgmri_report *r, const char *chart)
{
	return orgmri_report_fail(r, ORGMRI_EINVAL,
	                          "%s chart: missing data arrays", chart);
}

static int finish(orgmri_report *r)
{
	svg_chart_end(r);
	return orgmri_report_settle(r);
}

/* ---- time-series lines ------------------------------------------------- */

static void series_path(orgmri_buf *b, const orgmri_chart_lines *c, size_t s,
                        const svg_frame *f, const svg_axis *ya, int64_t lo,
                        int64_t hi)
{
	const double *y = c->series[s].y;
	const char *color = svg_color(s);
	orgmri_buf_puts(b, "<path fill=\"none\" stroke-width=\"2.5\" "
	                "stroke-linejoin=\"round\" stroke=\"");
	orgmri_buf_puts(b, color);
	orgmri_buf_puts(b, "\" d=\"");
	int pen = 0;
	for (size_t i = 0; i < c->n; i++) {
		if (!isfinite(y[i])) {
			pen = 0;
			continue;
		}
		svg_point(b, pen ? 'L' : 'M',
		          svg_map((double)c->x[i], (double)lo, (double)hi, f->x0, f->x1),
		          svg_map(y[i], ya->lo, ya->hi, f->y1, f->y0));
		pen = 1;
	}
	orgmri_buf_puts(b, "\" />\n");
	/* Dots on the points (a point between two gaps shows only so). */
	if (c->n > 160)
		return;
	orgmri_buf_puts(b, "<path fill=\"none\" stroke-width=\"6\" "
	                "stroke-linecap=\"round\" stroke=\"");
	orgmri_buf_puts(b, color);
	orgmri_buf_puts(b, "\" d=\"");
	for (size_t i = 0; i < c->n; i++) {
		if (!isfinite(y[i]))
			continue;
		svg_point(b, 'M',
		          svg_map((double)c->x[i], (double)lo, (double)hi, f->x0, f->x1),
		          svg_map(y[i], ya->lo, ya->hi, f->y1, f->y0));
		orgmri_buf_puts(b, "h0");
	}
	orgmri_buf_puts(b, "\" />\n");
}

static void lines_table(orgmri_report *r, const orgmri_chart_lines *c)
{
	row w;
	if (row_init(r, &w, c->nseries + 1))
		return;
	w.cells[0] = "date (UTC)";
	w.align[0] = 'l';
	for (size_t s = 0; s < c->nseries; s++)
		w.cells[s + 1] = c->series[s].name;
	details_open(r, c->y_label, c->y_unit);
	orgmri_report_subtable_begin(r, NULL, w.cells, w.ncols, w.align);
	size_t shown = c->n < SVG_TABLE_MAX ? c->n : SVG_TABLE_MAX;
	for (size_t i = 0; i < shown; i++) {
		row_date(&w, 0, c->x[i]);
		for (size_t s = 0; s < c->nseries; s++)
			row_num(&w, s + 1, c->series[s].y[i]);
		orgmri_report_subtable_row(r, w.cells, w.ncols, w.align);
	}
	table_rest(r, shown, c->n, w.ncols);
	orgmri_report_subtable_end(r);
	orgmri_report_details_close(r);
	row_free(&w);
}

int orgmri_report_chart_lines(orgmri_report *r, const orgmri_chart_lines *c)
{
	if (orgmri_report_ready(r))
		return r ? r->status : ORGMRI_EINVAL;
	if (!c || (c->n && !c->x) || (c->nseries && !c->series))
		return bad_args(r, "line");
	for (size_t s = 0; s < c->nseries; s++)
		if (c->n && !c->series[s].y)
			return bad_args(r, "line");

	double ymin = INFINITY, ymax = -INFINITY;
	for (size_t s = 0; s < c->nseries; s++)
		for (size_t i = 0; i < c->n; i++) {
			double v = c->series[s].y[i];
			if (isfinite(v)) {
				ymin = fmin(ymin, v);
				ymax = fmax(ymax, v);
			}
		}
	int empty = !isfinite(ymin);
	if (empty || c->y_min_zero)
		ymin = empty ? 0 : fmin(ymin, 0);
	if (empty)
		ymax = 1;
	svg_axis ya;
	svg_axis_nice(&ya, ymin, ymax, 5);

	orgmri_buf leg = ORGMRI_BUF_INIT;
	const char **names = calloc(c->nseries + 1, sizeof(*names));
	const char **colors = calloc(c->nseries + 1, sizeof(*colors));
	svg_key *kinds = calloc(c->nseries + 1, sizeof(*kinds));
	if (!names || !colors || !kinds) {
		free(names), free(colors), free(kinds);
		return orgmri_report_fail(r, ORGMRI_ENOMEM, "out of memory");
	}
	for (size_t s = 0; s < c->nseries; s++) {
		names[s] = c->series[s].name;
		colors[s] = svg_color(s);
		kinds[s] = SVG_KEY_LINE;
	}
	double left = y_axis_margin(&ya);
	double legh = legend_into(&leg, names, colors, kinds, c->nseries, left,
	                          CHART_W - left - 20);
	free(names), free(colors), free(kinds);

	svg_frame f = { left, 16 + legh + 20, CHART_W - 24, 0 };
	f.y1 = f.y0 + 220;
	int height = (int)(f.y1 + 58);
	svg_chart_begin(r, &c->text, CHART_W, height);
	orgmri_buf *b = &r->body;
	orgmri_buf_put(b, leg.ptr ? leg.ptr : "", leg.len);
	if (leg.oom)
		b->oom = 1;
	orgmri_buf_free(&leg);

	int64_t lo, hi;
	time_range(c->x, c->n, c->split, &lo, &hi);
	svg_y_axis(b, &f, &ya, c->y_label, c->y_unit);
	if (empty || c->n == 0) {
		svg_no_data(b, &f);
	} else {
		svg_x_axis_time(b, &f, lo, hi, "date (UTC)");
		for (size_t s = 0; s < c->nseries; s++)
			series_path(b, c, s, &f, &ya, lo, hi);
		svg_time_marker(b, &f, lo, hi, c->split, c->split_label);
	}
	svg_chart_end_svg(r, &c->text);
	lines_table(r, c);
	return finish(r);
}

/* ---- stage waterfall --------------------------------------------------- */

static const char *const stage_colors[2][2] = {
	/* [period][0 = waiting, 1 = working] */
	{ "#c4cbd3", "#59636e" },
	{ "#9ccbea", "#0072b2" },
};

static double nz(double v)
{
	return isfinite(v) && v > 0 ? v : 0;
}

static double period_total(const orgmri_chart_stages *c, int p)
{
	double t = 0;
	for (size_t s = 0; s < c->nstages; s++)
		t += nz(c->wait[p][s]) + nz(c->work[p][s]);
	return t;
}

static void rect(orgmri_buf *b, double x, double y, double w, double h,
                 const char *fill)
{
	if (w <= 0)
		return;
	orgmri_buf_puts(b, "<rect x=\"");
	svg_num(b, x);
	orgmri_buf_puts(b, "\" y=\"");
	svg_num(b, y);
	orgmri_buf_puts(b, "\" width=\"");
	svg_num(b, w < 0.6 ? 0.6 : w);
	orgmri_buf_puts(b, "\" height=\"");
	svg_num(b, h);
	orgmri_buf_printf(b, "\" fill=\"%s\" />\n", fill);
}

/* One period's bar in one row: waiting first (the item queues), then
 * working, starting at `start`; its value after the end. */
static void stage_bar(orgmri_buf *b, const svg_frame *f, const svg_axis *xa,
                      int p, double start, double wait, double work, double y)
{
	double x0 = svg_map(start, xa->lo, xa->hi, f->x0, f->x1);
	double x1 = svg_map(start + nz(wait), xa->lo, xa->hi, f->x0, f->x1);
	double x2 = svg_map(start + nz(wait) + nz(work), xa->lo, xa->hi, f->x0,
	                    f->x1);
	rect(b, x0, y, x1 - x0, 14, stage_colors[p][0]);
	rect(b, x1, y, x2 - x1, 14, stage_colors[p][1]);
	char s[48];
	if (!isfinite(wait) && !isfinite(work))
		snprintf(s, sizeof(s), "n/a");
	else
		orgmri_fmt_value(s, sizeof(s), nz(wait) + nz(work));
	svg_text(b, x2 + 4, y + 11, "start", "val", s, 0);
}

static void stages_table(orgmri_report *r, const orgmri_chart_stages *c)
{
	char h[5][ORGMRI_REPORT_TEXT_MAX + 16];
	for (int p = 0; p < 2; p++) {
		snprintf(h[2 * p], sizeof(h[0]), "%s: waiting", c->period[p]);
		snprintf(h[2 * p + 1], sizeof(h[0]), "%s: working", c->period[p]);
	}
	snprintf(h[4], sizeof(h[4]), "change in total");
	row w;
	if (row_init(r, &w, 6))
		return;
	w.cells[0] = "stage";
	w.align[0] = 'l';
	for (int i = 0; i < 5; i++)
		w.cells[i + 1] = h[i];
	details_open(r, "time per stage", c->unit);
	orgmri_report_subtable_begin(r, NULL, w.cells, w.ncols, w.align);
	for (size_t s = 0; s <= c->nstages; s++) {
		int total = s == c->nstages;
		w.cells[0] = total ? "total" : c->stages[s];
		double sum[2] = { 0, 0 };
		for (int p = 0; p < 2; p++) {
			double wa = 0, wo = 0;
			for (size_t k = total ? 0 : s; k < (total ? c->nstages : s + 1);
			     k++) {
				wa += total ? nz(c->wait[p][k]) : c->wait[p][k];
				wo += total ? nz(c->work[p][k]) : c->work[p][k];
			}
			row_num(&w, 1 + 2 * p, wa);
			row_num(&w, 2 + 2 * p, wo);
			sum[p] = nz(wa) + nz(wo);
			if (!isfinite(wa) && !isfinite(wo))
				sum[p] = NAN;
		}
		row_num(&w, 5, sum[1] - sum[0]);
		if (isfinite(sum[1] - sum[0]) && sum[1] - sum[0] > 0) {
			char tmp[48];
			snprintf(tmp, sizeof(tmp), "+%s", w.txt[5]);
			memcpy(w.txt[5], tmp, sizeof(w.txt[5]));
		}
		if ((long)s == c->constraint) {
			/* Said in words too, not only by colour. */
			char *name = malloc(strlen(c->stages[s]) + 16);
			if (!name) {
				r->body.oom = 1;
				break;
			}
			sprintf(name, "%s (constraint)", c->stages[s]);
			w.cells[0] = name;
			orgmri_report_subtable_row(r, w.cells, w.ncols, w.align);
			free(name);
			continue;
		}
		orgmri_report_subtable_row(r, w.cells, w.ncols, w.align);
	}
	orgmri_report_subtable_end(r);
	orgmri_report_details_close(r);
	row_free(&w);
}

int orgmri_report_chart_stages(orgmri_report *r, const orgmri_chart_stages *c)
{
	if (orgmri_report_ready(r))
		return r ? r->status : ORGMRI_EINVAL;
	if (!c || (c->nstages && (!c->stages || !c->wait[0] || !c->wait[1] ||
	                          !c->work[0] || !c->work[1])))
		return bad_args(r, "stage");
	for (size_t s = 0; s < c->nstages; s++)
		if (!c->stages[s])
			return bad_args(r, "stage");

	orgmri_chart_stages cc = *c;
	for (int p = 0; p < 2; p++)
		if (!cc.period[p])
			cc.period[p] = p ? "after" : "before";
	c = &cc;
	double xmax = fmax(period_total(c, 0), period_total(c, 1));
	int empty = c->nstages == 0 || xmax <= 0;
	svg_axis xa;
	svg_axis_nice(&xa, 0, empty ? 1 : xmax, 6);

	char ln[5][ORGMRI_REPORT_TEXT_MAX + 16];
	const char *names[5], *colors[5];
	svg_key kinds[5] = { SVG_KEY_BOX, SVG_KEY_BOX, SVG_KEY_BOX, SVG_KEY_BOX,
	                     SVG_KEY_BOX };
	for (int p = 0; p < 2; p++) {
		snprintf(ln[2 * p], sizeof(ln[0]), "%s: waiting", c->period[p]);
		snprintf(ln[2 * p + 1], sizeof(ln[0]), "%s: working", c->period[p]);
		names[2 * p] = ln[2 * p];
		names[2 * p + 1] = ln[2 * p + 1];
		colors[2 * p] = stage_colors[p][0];
		colors[2 * p + 1] = stage_colors[p][1];
	}
	names[4] = "constraint";
	colors[4] = "#fbd5d8";
	size_t nleg = c->constraint >= 0 && (size_t)c->constraint < c->nstages ?
	              5 : 4;

	double left = widest_label(c->stages, c->nstages, 80) + 20;
	orgmri_buf leg = ORGMRI_BUF_INIT;
	double legh = legend_into(&leg, names, colors, kinds, nleg, left,
	                          CHART_W - left - 20);
	double rowh = 44;
	svg_frame f = { left, 16 + legh + 12, CHART_W - 60, 0 };
	f.y1 = f.y0 + rowh * (double)(c->nstages + 1);
	svg_chart_begin(r, &c->text, CHART_W, (int)(f.y1 + 48));
	orgmri_buf *b = &r->body;
	orgmri_buf_put(b, leg.ptr ? leg.ptr : "", leg.len);
	if (leg.oom)
		b->oom = 1;
	orgmri_buf_free(&leg);
	if (empty) {
		f.y1 = f.y0 + rowh;
		svg_no_data(b, &f);
		svg_chart_end_svg(r, &c->text);
		stages_table(r, c);
		return finish(r);
	}
	/* The constraint's row first, so the grid shows through it. */
	if (nleg == 5) {
		double y = f.y0 + rowh * (double)c->constraint;
		orgmri_buf_puts(b, "<rect x=\"4\" y=\"");
		svg_num(b, y + 1);
		orgmri_buf_printf(b, "\" width=\"%d\" height=\"", CHART_W - 8);
		svg_num(b, rowh - 2);
		orgmri_buf_puts(b, "\" rx=\"4\" fill=\"#fde8ea\" stroke=\"#cf222e\" />\n");
	}
	svg_x_axis_value(b, &f, &xa, "time", c->unit);
	double start[2] = { 0, 0 };
	for (size_t s = 0; s <= c->nstages; s++) {
		int total = s == c->nstages;
		double y = f.y0 + rowh * (double)s;
		const char *label = total ? "total" : c->stages[s];
		int con = (long)s == c->constraint;
		svg_text(b, left - 10, y + (con ? 20 : 27), "end",
		         total ? "atitle" : NULL, label, LABEL_MAX);
		if (con)
			svg_text(b, left - 10, y + 34, "end", "clabel",
			         "constraint", 0);
		for (int p = 0; p < 2; p++) {
			double yb = y + 6 + 17 * p;
			if (total) {
				double wa = 0, wo = 0;
				for (size_t k = 0; k < c->nstages; k++) {
					wa += nz(c->wait[p][k]);
					wo += nz(c->work[p][k]);
				}
				stage_bar(b, &f, &xa, p, 0, wa, wo, yb);
				continue;
			}
			stage_bar(b, &f, &xa, p, start[p], c->wait[p][s], c->work[p][s],
			          yb);
			start[p] += nz(c->wait[p][s]) + nz(c->work[p][s]);
		}
	}
	svg_chart_end_svg(r, &c->text);
	stages_table(r, c);
	return finish(r);
}

/* ---- cumulative flow --------------------------------------------------- */

static double flow_count(const orgmri_chart_flow *c, size_t s, size_t i)
{
	return nz(c->counts[s * c->n + i]);
}

static void flow_table(orgmri_report *r, const orgmri_chart_flow *c)
{
	row w;
	if (row_init(r, &w, c->nstages + 1))
		return;
	w.cells[0] = "date (UTC)";
	w.align[0] = 'l';
	for (size_t s = 0; s < c->nstages; s++)
		w.cells[s + 1] = c->stages[s];
	details_open(r, "items in each stage", c->y_unit);
	orgmri_report_subtable_begin(r, NULL, w.cells, w.ncols, w.align);
	size_t shown = c->n < SVG_TABLE_MAX ? c->n : SVG_TABLE_MAX;
	for (size_t i = 0; i < shown; i++) {
		row_date(&w, 0, c->x[i]);
		for (size_t s = 0; s < c->nstages; s++)
			row_num(&w, s + 1, c->counts[s * c->n + i]);
		orgmri_report_subtable_row(r, w.cells, w.ncols, w.align);
	}
	table_rest(r, shown, c->n, w.ncols);
	orgmri_report_subtable_end(r);
	orgmri_report_details_close(r);
	row_free(&w);
}

int orgmri_report_chart_flow(orgmri_report *r, const orgmri_chart_flow *c)
{
	if (orgmri_report_ready(r))
		return r ? r->status : ORGMRI_EINVAL;
	if (!c || (c->n && !c->x) ||
	    (c->nstages && (!c->stages || (c->n && !c->counts))))
		return bad_args(r, "flow");
	if (c->n && c->nstages > SIZE_MAX / c->n)
		return bad_args(r, "flow");

	double ymax = 0;
	for (size_t i = 0; i < c->n; i++) {
		double t = 0;
		for (size_t s = 0; s < c->nstages; s++)
			t += flow_count(c, s, i);
		ymax = fmax(ymax, t);
	}
	int empty = c->n == 0 || c->nstages == 0 || ymax <= 0;
	svg_axis ya;
	svg_axis_nice(&ya, 0, empty ? 1 : ymax, 5);

	const char **colors = calloc(c->nstages + 1, sizeof(*colors));
	svg_key *kinds = calloc(c->nstages + 1, sizeof(*kinds));
	if (!colors || !kinds) {
		free(colors), free(kinds);
		return orgmri_report_fail(r, ORGMRI_ENOMEM, "out of memory");
	}
	for (size_t s = 0; s < c->nstages; s++) {
		colors[s] = svg_color(s);
		kinds[s] = SVG_KEY_BOX;
	}
	double left = y_axis_margin(&ya);
	orgmri_buf leg = ORGMRI_BUF_INIT;
	double legh = legend_into(&leg, c->stages, colors, kinds, c->nstages,
	                          left, CHART_W - left - 20);
	free(kinds);
	svg_frame f = { left, 16 + legh + 20, CHART_W - 24, 0 };
	f.y1 = f.y0 + 240;
	svg_chart_begin(r, &c->text, CHART_W, (int)(f.y1 + 58));
	orgmri_buf *b = &r->body;
	orgmri_buf_put(b, leg.ptr ? leg.ptr : "", leg.len);
	if (leg.oom)
		b->oom = 1;
	orgmri_buf_free(&leg);

	int64_t lo, hi;
	time_range(c->x, c->n, c->split, &lo, &hi);
	svg_y_axis(b, &f, &ya, "work items", c->y_unit);
	if (empty) {
		svg_no_data(b, &f);
	} else {
		svg_x_axis_time(b, &f, lo, hi, "date (UTC)");
		/* Bands from the last stage (bottom) up to the first. */
		for (size_t k = c->nstages; k-- > 0;) {
			orgmri_buf_printf(b, "<path fill=\"%s\" fill-opacity=\"0.85\" "
			                  "stroke=\"#ffffff\" stroke-width=\"0.5\" d=\"",
			                  colors[k]);
			for (size_t i = 0; i < c->n; i++) {
				double lower = 0;
				for (size_t s = k + 1; s < c->nstages; s++)
					lower += flow_count(c, s, i);
				double upper = lower + flow_count(c, k, i);
				svg_point(b, i ? 'L' : 'M',
				          svg_map((double)c->x[i], (double)lo, (double)hi,
				                  f.x0, f.x1),
				          svg_map(upper, ya.lo, ya.hi, f.y1, f.y0));
			}
			for (size_t i = c->n; i-- > 0;) {
				double lower = 0;
				for (size_t s = k + 1; s < c->nstages; s++)
					lower += flow_count(c, s, i);
				svg_point(b, 'L',
				          svg_map((double)c->x[i], (double)lo, (double)hi,
				                  f.x0, f.x1),
				          svg_map(lower, ya.lo, ya.hi, f.y1, f.y0));
			}
			orgmri_buf_puts(b, "Z\" />\n");
		}
		svg_time_marker(b, &f, lo, hi, c->split, c->split_label);
	}
	free(colors);
	svg_chart_end_svg(r, &c->text);
	flow_table(r, c);
	return finish(r);
}

/* ---- cycle-time scatterplot -------------------------------------------- */

static void scatter_table(orgmri_report *r, const orgmri_chart_scatter *c)
{
	row w;
	if (row_init(r, &w, 3))
		return;
	details_open(r, c->y_label, c->y_unit);
	if (c->nlines) {
		const char *hd[2] = { "reference line", "value" };
		orgmri_report_subtable_begin(r, NULL, hd, 2, "lr");
		for (size_t k = 0; k < c->nlines; k++) {
			w.cells[0] = c->lines[k].label;
			row_num(&w, 1, c->lines[k].value);
			orgmri_report_subtable_row(r, w.cells, 2, "lr");
		}
		orgmri_report_subtable_end(r);
	}
	const char *hd[3] = { "finished (UTC)", c->y_label ? c->y_label : "value",
	                      "item" };
	orgmri_report_subtable_begin(r, NULL, hd, 3, "lrl");
	size_t shown = c->n < SVG_TABLE_MAX ? c->n : SVG_TABLE_MAX;
	for (size_t i = 0; i < shown; i++) {
		row_date(&w, 0, c->x[i]);
		row_num(&w, 1, c->y[i]);
		w.cells[2] = c->labels ? c->labels[i] : NULL;
		orgmri_report_subtable_row(r, w.cells, 3, "lrl");
	}
	table_rest(r, shown, c->n, 3);
	orgmri_report_subtable_end(r);
	orgmri_report_details_close(r);
	row_free(&w);
}

/* Reference lines with their labels in the right margin, pushed apart
 * so that close percentiles stay readable. */
static void scatter_lines(orgmri_buf *b, const orgmri_chart_scatter *c,
                          const svg_frame *f, const svg_axis *ya)
{
	size_t n = c->nlines < 16 ? c->nlines : 16;
	double ly[16];
	size_t order[16];
	for (size_t k = 0; k < n; k++) {
		ly[k] = svg_map(c->lines[k].value, ya->lo, ya->hi, f->y1, f->y0);
		order[k] = k;
	}
	/* Insertion sort by position, bottom (largest y) first. */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && ly[order[j]] > ly[order[j - 1]]; j--) {
			size_t t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	double last = INFINITY;
	for (size_t i = 0; i < n; i++) {
		size_t k = order[i];
		if (!isfinite(c->lines[k].value))
			continue;
		const char *color = svg_color(k + 1);
		orgmri_buf_printf(b, "<path class=\"ref\" stroke=\"%s\" d=\"", color);
		svg_point(b, 'M', f->x0, ly[k]);
		svg_point(b, 'L', f->x1, ly[k]);
		orgmri_buf_puts(b, "\" />\n");
		double ty = ly[k] + 4;
		if (ty > last - 14)
			ty = last - 14;
		last = ty;
		char v[48], text[ORGMRI_REPORT_TEXT_MAX + 64];
		orgmri_fmt_value(v, sizeof(v), c->lines[k].value);
		snprintf(text, sizeof(text), "%s: %s",
		         c->lines[k].label ? c->lines[k].label : "", v);
		svg_text(b, f->x1 + 6, ty, "start", "val", text, 22);
	}
}

int orgmri_report_chart_scatter(orgmri_report *r,
                                const orgmri_chart_scatter *c)
{
	if (orgmri_report_ready(r))
		return r ? r->status : ORGMRI_EINVAL;
	if (!c || (c->n && (!c->x || !c->y)) || (c->nlines && !c->lines))
		return bad_args(r, "scatter");

	double ymax = 0;
	size_t finite = 0;
	for (size_t i = 0; i < c->n; i++)
		if (isfinite(c->y[i])) {
			ymax = fmax(ymax, c->y[i]);
			finite++;
		}
	for (size_t k = 0; k < c->nlines; k++)
		if (isfinite(c->lines[k].value))
			ymax = fmax(ymax, c->lines[k].value);
	int empty = finite == 0;
	svg_axis ya;
	svg_axis_nice(&ya, 0, empty || ymax <= 0 ? 1 : ymax, 5);

	const char *names[2] = { "finished item", NULL };
	const char *colors[2] = { "#0072b2", NULL };
	svg_key kinds[2] = { SVG_KEY_BOX, SVG_KEY_BOX };
	double left = y_axis_margin(&ya);
	orgmri_buf leg = ORGMRI_BUF_INIT;
	double legh = legend_into(&leg, names, colors, kinds, 1, left, 400);
	svg_frame f = { left, 16 + legh + 20, CHART_W - 160, 0 };
	f.y1 = f.y0 + 260;
	svg_chart_begin(r, &c->text, CHART_W, (int)(f.y1 + 58));
	orgmri_buf *b = &r->body;
	orgmri_buf_put(b, leg.ptr ? leg.ptr : "", leg.len);
	if (leg.oom)
		b->oom = 1;
	orgmri_buf_free(&leg);

	int64_t lo, hi;
	time_range(c->x, c->n, c->split, &lo, &hi);
	svg_y_axis(b, &f, &ya, c->y_label, c->y_unit);
	if (empty) {
		svg_no_data(b, &f);
	} else {
		svg_x_axis_time(b, &f, lo, hi, "finished (date, UTC)");
		/* All dots in one path: a zero-length segment with a round cap
		 * is a dot, at a tenth of the bytes of a <circle>. */
		/* Smaller, fainter dots the more there are.  Dots in one path
		 * do not darken where they overlap, so they are dealt round
		 * SCATTER_LAYERS paths: a pile shows darker. */
		const char *dot = c->n <= 500 ? "stroke-opacity=\"0.55\" "
		                  "stroke-width=\"5\"" : c->n <= 3000 ?
		                  "stroke-opacity=\"0.4\" stroke-width=\"3.5\"" :
		                  "stroke-opacity=\"0.3\" stroke-width=\"2.5\"";
		size_t drawn = c->n > ORGMRI_CHART_SCATTER_MAX ?
		               ORGMRI_CHART_SCATTER_MAX : c->n;
		orgmri_buf_printf(b, "<g fill=\"none\" stroke=\"#0072b2\" %s "
		                  "stroke-linecap=\"round\">\n", dot);
		for (size_t layer = 0; layer < SCATTER_LAYERS && layer < drawn;
		     layer++) {
			size_t mark = b->len;
			orgmri_buf_puts(b, "<path d=\"");
			size_t start = b->len;
			for (size_t j = layer; j < drawn; j += SCATTER_LAYERS) {
				size_t i = (size_t)((double)j * (double)c->n / (double)drawn);
				if (!isfinite(c->y[i]))
					continue;
				svg_point(b, 'M',
				          svg_map((double)c->x[i], (double)lo, (double)hi,
				                  f.x0, f.x1),
				          svg_map(c->y[i], ya.lo, ya.hi, f.y1, f.y0));
				orgmri_buf_puts(b, "h0");
			}
			if (b->len == start && !b->oom)
				b->len = mark;  /* no dot in this layer: no empty path */
			else
				orgmri_buf_puts(b, "\" />\n");
		}
		orgmri_buf_puts(b, "</g>\n");
		scatter_lines(b, c, &f, &ya);
		svg_time_marker(b, &f, lo, hi, c->split, c->split_label);
		if (c->n > ORGMRI_CHART_SCATTER_MAX) {
			char s[128];
			snprintf(s, sizeof(s), "%d of %zu items drawn, evenly spaced",
			         ORGMRI_CHART_SCATTER_MAX, c->n);
			/* below the plot, right of the axis title */
			svg_text(b, CHART_W - 8, f.y1 + 48, "end", "tick", s, 0);
		}
	}
	svg_chart_end_svg(r, &c->text);
	scatter_table(r, c);
	return finish(r);
}

/* ---- sorted bars ------------------------------------------------------- */

static int cmp_bars(const void *pa, const void *pb, void *ctx)
{
	const orgmri_chart_bars *sort_bars = ctx;
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	double va = sort_bars->values[a], vb = sort_bars->values[b];
	int fa = isfinite(va), fb = isfinite(vb);
	if (fa != fb)
		return fb - fa;           /* numbers before missing values */
	if (fa && va != vb)
		return va < vb ? 1 : -1;  /* largest first */
	const char *la = sort_bars->labels[a] ? sort_bars->labels[a] : "";
	const char *lb = sort_bars->labels[b] ? sort_bars->labels[b] : "";
	int c = strcmp(la, lb);
	return c ? c : (a > b) - (a < b);
}

static void bars_table(orgmri_report *r, const orgmri_chart_bars *c,
                       const size_t *order, double sum)
{
	row w;
	if (row_init(r, &w, 4))
		return;
	const char *hd[4] = { "rank", "name", c->value_label ? c->value_label :
	                      "value", "share of total" };
	details_open(r, c->value_label, c->unit);
	orgmri_report_subtable_begin(r, NULL, hd, 4, "rlrr");
	size_t shown = c->n < SVG_TABLE_MAX ? c->n : SVG_TABLE_MAX;
	for (size_t j = 0; j < shown; j++) {
		size_t i = order[j];
		snprintf(w.txt[0], sizeof(w.txt[0]), "%zu", j + 1);
		w.cells[0] = w.txt[0];
		w.cells[1] = c->labels[i];
		row_num(&w, 2, c->values[i]);
		double share = sum > 0 && isfinite(c->values[i]) ?
		               100.0 * c->values[i] / sum : NAN;
		orgmri_fmt_fixed(w.txt[3], sizeof(w.txt[3]), share, 1);
		if (isfinite(share))
			strcat(w.txt[3], " %");
		w.cells[3] = w.txt[3];
		orgmri_report_subtable_row(r, w.cells, 4, "rlrr");
	}
	table_rest(r, shown, c->n, 4);
	orgmri_report_subtable_end(r);
	orgmri_report_details_close(r);
	row_free(&w);
}

int orgmri_report_chart_bars(orgmri_report *r, const orgmri_chart_bars *c)
{
	if (orgmri_report_ready(r))
		return r ? r->status : ORGMRI_EINVAL;
	if (!c || (c->n && (!c->labels || !c->values)))
		return bad_args(r, "bar");
	size_t *order = malloc((c->n ? c->n : 1) * sizeof(*order));
	if (!order)
		return orgmri_report_fail(r, ORGMRI_ENOMEM, "out of memory");
	for (size_t i = 0; i < c->n; i++)
		order[i] = i;
	qsort_r(order, c->n, sizeof(*order), cmp_bars, (void *)c);

	size_t max_bars = c->max_bars ? c->max_bars : 25;
	size_t nb = c->n < max_bars ? c->n : max_bars;
	double vmin = 0, vmax = 0, sum = 0;
	for (size_t i = 0; i < c->n; i++)
		if (isfinite(c->values[i])) {
			vmin = fmin(vmin, c->values[i]);
			vmax = fmax(vmax, c->values[i]);
			sum += c->values[i];
		}
	if (c->line && isfinite(c->line->value))
		vmax = fmax(vmax, c->line->value);
	int empty = nb == 0 || (vmax <= 0 && vmin >= 0);
	svg_axis xa;
	svg_axis_nice(&xa, vmin, empty ? 1 : vmax, 6);

	double left = widest_label(c->labels, nb, 60) + 16;
	double rowh = 24;
	svg_frame f = { left, c->line ? 34 : 14, CHART_W - 60, 0 };
	f.y1 = f.y0 + rowh * (double)(nb ? nb : 1);
	svg_chart_begin(r, &c->text, CHART_W, (int)(f.y1 + 48));
	orgmri_buf *b = &r->body;
	if (empty) {
		svg_no_data(b, &f);
	} else {
		svg_x_axis_value(b, &f, &xa, c->value_label, c->unit);
		double x0 = svg_map(0, xa.lo, xa.hi, f.x0, f.x1);
		/* The reference line under the bars and their labels. */
		if (c->line && isfinite(c->line->value)) {
			double x = svg_map(c->line->value, xa.lo, xa.hi, f.x0, f.x1);
			orgmri_buf_puts(b, "<path class=\"ref\" stroke=\"#d55e00\" d=\"");
			svg_point(b, 'M', x, f.y0 - 6);
			svg_point(b, 'L', x, f.y1);
			orgmri_buf_puts(b, "\" />\n");
			char v[48], text[ORGMRI_REPORT_TEXT_MAX + 64];
			orgmri_fmt_value(v, sizeof(v), c->line->value);
			snprintf(text, sizeof(text), "%s: %s",
			         c->line->label ? c->line->label : "", v);
			int right = x > f.x0 + (f.x1 - f.x0) * 0.6;
			svg_text(b, right ? x - 4 : x + 4, f.y0 - 12,
			         right ? "end" : "start", "tick", text, 40);
		}
		for (size_t j = 0; j < nb; j++) {
			size_t i = order[j];
			double y = f.y0 + rowh * (double)j;
			svg_text(b, left - 8, y + 16, "end", NULL, c->labels[i], LABEL_MAX);
			double v = c->values[i];
			char s[48];
			orgmri_fmt_value(s, sizeof(s), v);
			if (!isfinite(v)) {
				svg_text(b, x0 + 4, y + 16, "start", "val", s, 0);
				continue;
			}
			double x = svg_map(v, xa.lo, xa.hi, f.x0, f.x1);
			rect(b, fmin(x, x0), y + 4, fabs(x - x0), 16, "#0072b2");
			svg_text(b, fmax(x, x0) + 4, y + 16, "start", "val", s, 0);
		}
		if (c->n > nb) {
			char s[96];
			snprintf(s, sizeof(s), "the %zu largest of %zu shown", nb, c->n);
			svg_text(b, f.x1, f.y1 + 36, "end", "tick", s, 0);
		}
	}
	svg_chart_end_svg(r, &c->text);
	bars_table(r, c, order, sum);
	free(order);
	return finish(r);
}
