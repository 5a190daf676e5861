/*
 * svg.c - the drawing helpers behind the report's charts: nice numeric
 * ticks (1-2-5 steps), calendar ticks for time axes, axes with titles and
 * units, legends, the split-date marker, and the <figure> that holds a
 * chart with its accessible title and description.
 *
 * "Nice" ticks: the step is the smallest of 1, 2, 5 or 10 times a power
 * of ten that covers the range in at most `target` steps; the axis runs
 * from the largest multiple of the step at or below the data to the
 * smallest at or above it.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "orgmri/time.h"
#include "render/svg.h"

#define HOUR_MS 3600000LL
#define DAY_MS 86400000LL

static const char *const month_abbr[12] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

/* ---- numbers ----------------------------------------------------------- */

static int step_decimals(double step)
{
	int d = 0;
	while (d < 6 && fabs(step * pow(10, d) - round(step * pow(10, d))) > 1e-6)
		d++;
	return d;
}

void svg_axis_nice(svg_axis *a, double lo, double hi, int target)
{
	if (!isfinite(lo) || !isfinite(hi)) {
		lo = 0;
		hi = 1;
	}
	/* Past +-1e12 the data is nonsense for a chart of durations or
	 * counts; clamping keeps every step representable. */
	lo = fmax(-SVG_VALUE_MAX, fmin(SVG_VALUE_MAX, lo));
	hi = fmax(-SVG_VALUE_MAX, fmin(SVG_VALUE_MAX, hi));
	if (hi < lo) {
		double t = lo;
		lo = hi;
		hi = t;
	}
	/* A range too narrow for its magnitude (ticks would not advance):
	 * widen it around the value. */
	if (hi - lo <= 1e-9 * (fabs(lo) + fabs(hi)) || hi == lo) {
		double pad = lo == 0 ? 1 : fabs(lo) * 0.5;
		hi = lo + pad;
		if (lo != 0)
			lo -= pad;
	}
	if (target < 2)
		target = 2;
	double raw = (hi - lo) / target;
	double mag = pow(10, floor(log10(raw)));
	static const double mult[] = { 1, 2, 5, 10 };
	double step = mag * 10;
	for (size_t i = 0; i < sizeof(mult) / sizeof(mult[0]); i++) {
		if (mult[i] * mag >= raw * (1 - 1e-9)) {
			step = mult[i] * mag;
			break;
		}
	}
	a->step = step;
	a->lo = floor(lo / step + 1e-9) * step;
	a->hi = ceil(hi / step - 1e-9) * step;
	if (a->hi <= a->lo)
		a->hi = a->lo + step;
	a->decimals = step_decimals(step);
}

double svg_map(double v, double d0, double d1, double r0, double r1)
{
	if (d1 == d0)
		return (r0 + r1) / 2;
	return r0 + (v - d0) / (d1 - d0) * (r1 - r0);
}

void svg_num(orgmri_buf *b, double v)
{
	char s[48];
	/* Far-off values (a caller's outlier) are clamped so the markup
	 * stays small and every viewer can draw it. */
	if (!isfinite(v))
		v = 0;
	if (v > 1e6)
		v = 1e6;
	if (v < -1e6)
		v = -1e6;
	orgmri_fmt_fixed(s, sizeof(s), v, 1);
	size_t n = strlen(s);
	if (n > 2 && strcmp(s + n - 2, ".0") == 0)
		s[n - 2] = '\0';
	orgmri_buf_puts(b, s);
}

void svg_point(orgmri_buf *b, char cmd, double x, double y)
{
	orgmri_buf_putc(b, cmd);
	svg_num(b, x);
	orgmri_buf_putc(b, ' ');
	svg_num(b, y);
}

/* ---- time ticks -------------------------------------------------------- */

typedef struct time_step {
	svg_time_unit unit;
	int k;
	double approx_ms;
} time_step;

static const time_step time_steps[] = {
	{ SVG_HOURS, 1, 1 * HOUR_MS }, { SVG_HOURS, 2, 2 * HOUR_MS },
	{ SVG_HOURS, 3, 3 * HOUR_MS }, { SVG_HOURS, 6, 6 * HOUR_MS },
	{ SVG_HOURS, 12, 12 * HOUR_MS },
	{ SVG_DAYS, 1, DAY_MS }, { SVG_DAYS, 2, 2 * DAY_MS },
	{ SVG_DAYS, 7, 7 * DAY_MS }, { SVG_DAYS, 14, 14 * DAY_MS },
	{ SVG_MONTHS, 1, 30.44 * DAY_MS }, { SVG_MONTHS, 3, 91.3 * DAY_MS },
	{ SVG_MONTHS, 6, 182.6 * DAY_MS },
	{ SVG_YEARS, 1, 365.25 * DAY_MS }, { SVG_YEARS, 2, 730.5 * DAY_MS },
	{ SVG_YEARS, 5, 1826 * DAY_MS }, { SVG_YEARS, 10, 3652 * DAY_MS },
	{ SVG_YEARS, 20, 7305 * DAY_MS }, { SVG_YEARS, 50, 18262 * DAY_MS },
	{ SVG_YEARS, 100, 36525 * DAY_MS },
};

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static void add_tick(svg_time_ticks *tt, int64_t t, int64_t lo, int64_t hi)
{
	if (t >= lo && t <= hi && tt->n < SVG_TICKS_MAX)
		tt->t[tt->n++] = t;
}

/* Ticks every k units of `period` ms, counted from `origin` ms. */
static void regular_ticks(svg_time_ticks *tt, int64_t lo, int64_t hi,
                          int64_t period, int64_t origin)
{
	int64_t t = (floor_div(lo - origin, period) + 1) * period + origin;
	if (t - period >= lo)
		t -= period;
	for (; t <= hi && tt->n < SVG_TICKS_MAX; t += period)
		add_tick(tt, t, lo, hi);
}

static void calendar_ticks(svg_time_ticks *tt, int64_t lo, int64_t hi,
                           int months)
{
	int64_t y;
	unsigned m, d;
	orgmri_civil_from_days(floor_div(lo, DAY_MS), &y, &m, &d);
	int64_t idx = y * 12 + (m - 1);
	idx -= ((idx % months) + months) % months;
	for (; tt->n < SVG_TICKS_MAX; idx += months) {
		int64_t yy = floor_div(idx, 12);
		unsigned mm = (unsigned)(idx - yy * 12) + 1;
		int64_t t = orgmri_days_from_civil(yy, mm, 1) * DAY_MS;
		if (t > hi)
			break;
		add_tick(tt, t, lo, hi);
	}
}

void svg_time_ticks_make(svg_time_ticks *tt, int64_t lo, int64_t hi,
                         int target)
{
	tt->n = 0;
	if (target < 2)
		target = 2;
	size_t i = 0, nsteps = sizeof(time_steps) / sizeof(time_steps[0]);
	while (i + 1 < nsteps &&
	       (double)(hi - lo) / time_steps[i].approx_ms + 1 > target)
		i++;
	const time_step *s = &time_steps[i];
	tt->unit = s->unit;
	/* 1970-01-05 (day 4) was a Monday: weeks start there. */
	switch (s->unit) {
	case SVG_HOURS:
		regular_ticks(tt, lo, hi, s->k * HOUR_MS, 0);
		break;
	case SVG_DAYS:
		regular_ticks(tt, lo, hi, s->k * DAY_MS, s->k >= 7 ? 4 * DAY_MS : 0);
		break;
	case SVG_MONTHS:
		calendar_ticks(tt, lo, hi, s->k);
		break;
	case SVG_YEARS:
		calendar_ticks(tt, lo, hi, 12 * s->k);
		break;
	}
}

/* ---- text -------------------------------------------------------------- */

double svg_text_width(const char *s, size_t max_chars)
{
	size_t n = orgmri_html_text_chars(s);
	if (max_chars && n > max_chars)
		n = max_chars + 1;
	/* 7 px per character: a little wider than the average glyph of the
	 * sans-serif fonts at 12 px, so labels rather get too much room. */
	return 7.0 * (double)n;
}

void svg_text(orgmri_buf *b, double x, double y, const char *anchor,
              const char *cls, const char *s, size_t max_chars)
{
	orgmri_buf_puts(b, "<text x=\"");
	svg_num(b, x);
	orgmri_buf_puts(b, "\" y=\"");
	svg_num(b, y);
	orgmri_buf_putc(b, '"');
	if (anchor && strcmp(anchor, "start") != 0)
		orgmri_buf_printf(b, " text-anchor=\"%s\"", anchor);
	if (cls)
		orgmri_buf_printf(b, " class=\"%s\"", cls);
	orgmri_buf_putc(b, '>');
	size_t mark = b->len;
	if (orgmri_html_escape(b, s, max_chars) == 1) {
		/* Cut: the whole name as a tooltip, before the visible part. */
		orgmri_buf tmp = ORGMRI_BUF_INIT;
		orgmri_buf_put(&tmp, b->ptr + mark, b->len - mark);
		b->len = mark;
		orgmri_buf_puts(b, "<title>");
		orgmri_html_escape(b, s, 0);
		orgmri_buf_puts(b, "</title>");
		if (tmp.oom)
			b->oom = 1;
		else
			orgmri_buf_put(b, tmp.ptr, tmp.len);
		orgmri_buf_free(&tmp);
	}
	orgmri_buf_puts(b, "</text>\n");
}

/* "label (unit)", or the one that is given. */
static void axis_title(char *out, size_t cap, const char *label,
                       const char *unit)
{
	if (label && *label && unit && *unit)
		snprintf(out, cap, "%s (%s)", label, unit);
	else
		snprintf(out, cap, "%s", label && *label ? label :
		         unit ? unit : "");
}

/* ---- figure ------------------------------------------------------------ */

unsigned svg_chart_begin(orgmri_report *r, const orgmri_chart_text *t,
                         int width, int height)
{
	unsigned id = ++r->ncharts;
	orgmri_buf *b = &r->body;
	orgmri_buf_printf(b, "<figure id=\"c%u\">\n<figcaption>", id);
	orgmri_html_escape(b, t->title, 0);
	orgmri_buf_printf(b, "</figcaption>\n<svg class=\"chart\" role=\"img\" "
	                  "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
	                  "aria-label=\"", width, height, width, height);
	orgmri_html_escape(b, t->title, 0);
	orgmri_buf_printf(b, "\" aria-describedby=\"c%u-d\">\n<title>", id);
	orgmri_html_escape(b, t->title, 0);
	orgmri_buf_printf(b, "</title>\n<desc id=\"c%u-d\">", id);
	orgmri_html_escape(b, t->how_to_read, 0);
	orgmri_buf_puts(b, "</desc>\n");
	return id;
}

void svg_chart_end_svg(orgmri_report *r, const orgmri_chart_text *t)
{
	orgmri_report_raw(r, "</svg>\n");
	if (t->how_to_read && *t->how_to_read) {
		orgmri_report_raw(r, "<p class=\"how\"><strong>How to read this: "
		                     "</strong>");
		orgmri_report_text(r, t->how_to_read);
		orgmri_report_raw(r, "</p>\n");
	}
}

void svg_chart_end(orgmri_report *r)
{
	orgmri_report_raw(r, "</figure>\n");
}

void svg_no_data(orgmri_buf *b, const svg_frame *f)
{
	orgmri_buf_puts(b, "<rect x=\"");
	svg_num(b, f->x0);
	orgmri_buf_puts(b, "\" y=\"");
	svg_num(b, f->y0);
	orgmri_buf_puts(b, "\" width=\"");
	svg_num(b, f->x1 - f->x0);
	orgmri_buf_puts(b, "\" height=\"");
	svg_num(b, f->y1 - f->y0);
	orgmri_buf_puts(b, "\" fill=\"#f6f8fa\" stroke=\"#d1d9e0\" />\n");
	svg_text(b, (f->x0 + f->x1) / 2, (f->y0 + f->y1) / 2, "middle", "empty",
	         "No data for this chart", 0);
}

/* ---- axes -------------------------------------------------------------- */

static void line(orgmri_buf *b, const char *cls, double x1, double y1,
                 double x2, double y2)
{
	orgmri_buf_printf(b, "<line class=\"%s\" x1=\"", cls);
	svg_num(b, x1);
	orgmri_buf_puts(b, "\" y1=\"");
	svg_num(b, y1);
	orgmri_buf_puts(b, "\" x2=\"");
	svg_num(b, x2);
	orgmri_buf_puts(b, "\" y2=\"");
	svg_num(b, y2);
	orgmri_buf_puts(b, "\" />\n");
}

size_t svg_axis_ticks(const svg_axis *a)
{
	double n = round((a->hi - a->lo) / a->step) + 1;
	if (!isfinite(n) || n < 1)
		return 1;
	return n > SVG_TICKS_MAX ? SVG_TICKS_MAX : (size_t)n;
}

static char *tick_label(char *buf, size_t cap, const svg_axis *a, size_t i)
{
	double v = a->lo + (double)i * a->step;
	if (fabs(v) < a->step * 1e-9)
		v = 0;
	return orgmri_fmt_fixed(buf, cap, v, a->decimals);
}

void svg_y_axis(orgmri_buf *b, const svg_frame *f, const svg_axis *a,
                const char *label, const char *unit)
{
	char s[64];
	size_t n = svg_axis_ticks(a);
	double widest = 0;
	orgmri_buf_puts(b, "<g>\n");
	for (size_t i = 0; i < n; i++) {
		double v = a->lo + (double)i * a->step;
		double y = svg_map(v, a->lo, a->hi, f->y1, f->y0);
		line(b, i ? "grid" : "axis", f->x0, y, f->x1, y);
		tick_label(s, sizeof(s), a, i);
		svg_text(b, f->x0 - 6, y + 4, "end", "tick", s, 0);
		if (svg_text_width(s, 0) > widest)
			widest = svg_text_width(s, 0);
	}
	char title[256];
	axis_title(title, sizeof(title), label, unit);
	double x = f->x0 - widest - 14;
	double y = (f->y0 + f->y1) / 2;
	orgmri_buf_puts(b, "<text class=\"atitle\" text-anchor=\"middle\" "
	                "transform=\"translate(");
	svg_num(b, x);
	orgmri_buf_putc(b, ' ');
	svg_num(b, y);
	orgmri_buf_puts(b, ") rotate(-90)\">");
	orgmri_html_escape(b, title, 0);
	orgmri_buf_puts(b, "</text>\n</g>\n");
}

void svg_x_axis_value(orgmri_buf *b, const svg_frame *f, const svg_axis *a,
                      const char *label, const char *unit)
{
	char s[64];
	size_t n = svg_axis_ticks(a);
	orgmri_buf_puts(b, "<g>\n");
	for (size_t i = 0; i < n; i++) {
		double v = a->lo + (double)i * a->step;
		double x = svg_map(v, a->lo, a->hi, f->x0, f->x1);
		line(b, i ? "grid" : "axis", x, f->y0, x, f->y1);
		svg_text(b, x, f->y1 + 16, "middle", "tick",
		         tick_label(s, sizeof(s), a, i), 0);
	}
	line(b, "axis", f->x0, f->y1, f->x1, f->y1);
	char title[256];
	axis_title(title, sizeof(title), label, unit);
	svg_text(b, (f->x0 + f->x1) / 2, f->y1 + 36, "middle", "atitle", title, 0);
	orgmri_buf_puts(b, "</g>\n");
}

/* The two lines of a date tick; `prev` is the previous tick or
 * ORGMRI_REPORT_NO_TIME.  The second line is empty unless it changed. */
static void time_label(const svg_time_ticks *tt, size_t i, char *l1,
                       char *l2, size_t cap)
{
	int64_t y, py = INT64_MIN;
	unsigned m, d, pm = 0, pd = 0;
	int64_t t = tt->t[i];
	orgmri_civil_from_days(floor_div(t, DAY_MS), &y, &m, &d);
	if (i > 0)
		orgmri_civil_from_days(floor_div(tt->t[i - 1], DAY_MS), &py, &pm,
		                       &pd);
	l2[0] = '\0';
	switch (tt->unit) {
	case SVG_HOURS: {
		int64_t h = floor_div(t, HOUR_MS) - floor_div(t, DAY_MS) * 24;
		snprintf(l1, cap, "%02d:00", (int)h);
		if (i == 0 || d != pd || m != pm || y != py)
			snprintf(l2, cap, "%u %s", d, month_abbr[m - 1]);
		break;
	}
	case SVG_DAYS:
		snprintf(l1, cap, "%u %s", d, month_abbr[m - 1]);
		if (i == 0 || y != py)
			snprintf(l2, cap, "%lld", (long long)y);
		break;
	case SVG_MONTHS:
		snprintf(l1, cap, "%s", month_abbr[m - 1]);
		if (i == 0 || y != py)
			snprintf(l2, cap, "%lld", (long long)y);
		break;
	case SVG_YEARS:
		snprintf(l1, cap, "%lld", (long long)y);
		break;
	}
}

void svg_x_axis_time(orgmri_buf *b, const svg_frame *f, int64_t lo,
                     int64_t hi, const char *title)
{
	svg_time_ticks tt;
	/* Room for a label of about 60 px each. */
	int target = (int)((f->x1 - f->x0) / 70);
	svg_time_ticks_make(&tt, lo, hi, target);
	orgmri_buf_puts(b, "<g>\n");
	line(b, "axis", f->x0, f->y1, f->x1, f->y1);
	for (size_t i = 0; i < tt.n; i++) {
		char l1[32], l2[32];
		double x = svg_map((double)tt.t[i], (double)lo, (double)hi, f->x0,
		                   f->x1);
		line(b, "grid", x, f->y0, x, f->y1 - 0.5);
		line(b, "axis", x, f->y1, x, f->y1 + 4);
		time_label(&tt, i, l1, l2, sizeof(l1));
		svg_text(b, x, f->y1 + 16, "middle", "tick", l1, 0);
		if (l2[0])
			svg_text(b, x, f->y1 + 30, "middle", "tick", l2, 0);
	}
	svg_text(b, (f->x0 + f->x1) / 2, f->y1 + 48, "middle", "atitle", title, 0);
	orgmri_buf_puts(b, "</g>\n");
}

void svg_time_marker(orgmri_buf *b, const svg_frame *f, int64_t lo,
                     int64_t hi, int64_t t, const char *label)
{
	if (t == ORGMRI_REPORT_NO_TIME || t < lo || t > hi)
		return;
	double x = svg_map((double)t, (double)lo, (double)hi, f->x0, f->x1);
	line(b, "marker", x, f->y0 - 4, x, f->y1);
	char date[16], text[ORGMRI_REPORT_TEXT_MAX + 32];
	orgmri_fmt_date(date, sizeof(date), t);
	snprintf(text, sizeof(text), "%s%s%s", label && *label ? label : "",
	         label && *label ? " " : "", date);
	/* Keep the label inside the chart: right of the line unless it is
	 * in the right third. */
	int right = x > f->x0 + (f->x1 - f->x0) * 0.66;
	svg_text(b, right ? x - 4 : x + 4, f->y0 - 8, right ? "end" : "start",
	         "mlabel", text, 40);
}

/* ---- legend and colours ------------------------------------------------ */

static const char *const palette[] = {
	"#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9",
	"#6b4c9a", "#8c564b", "#444c56",
};

const char *svg_color(size_t i)
{
	return palette[i % (sizeof(palette) / sizeof(palette[0]))];
}

double svg_legend(orgmri_buf *b, double x, double y, double w,
                  const char *const *names, const char *const *colors,
                  const svg_key *kinds, size_t n)
{
	double cx = x, cy = y;
	orgmri_buf_puts(b, "<g>\n");
	for (size_t i = 0; i < n; i++) {
		double tw = svg_text_width(names[i], 28);
		double item = 18 + 6 + tw + 16;
		if (cx > x && cx + item > x + w) {
			cx = x;
			cy += 18;
		}
		if (kinds[i] == SVG_KEY_BOX) {
			orgmri_buf_puts(b, "<rect x=\"");
			svg_num(b, cx);
			orgmri_buf_puts(b, "\" y=\"");
			svg_num(b, cy - 10);
			orgmri_buf_printf(b, "\" width=\"18\" height=\"11\" fill=\"%s\" />\n",
			                  colors[i]);
		} else {
			orgmri_buf_puts(b, "<path d=\"");
			svg_point(b, 'M', cx, cy - 4);
			orgmri_buf_puts(b, "h18\" fill=\"none\" stroke-width=\"2.5\"");
			if (kinds[i] == SVG_KEY_DASH)
				orgmri_buf_puts(b, " stroke-dasharray=\"6 3\"");
			orgmri_buf_printf(b, " stroke=\"%s\" />\n", colors[i]);
		}
		svg_text(b, cx + 24, cy, "start", NULL, names[i], 28);
		cx += item;
	}
	orgmri_buf_puts(b, "</g>\n");
	return cy - y + 18;
}
