/*
 * test_report.c - the HTML report and its SVG charts: escaping, number
 * and tick formatting, each chart kind (well-formed XML checked with
 * expat, non-empty paths, axis titles, deterministic bytes), hostile
 * strings, empty data and sticky errors.
 *
 * Run with ORGMRI_REPORT_SAMPLE=FILE it only writes the sample report
 * (every chart kind, hostile titles included) to FILE and exits: the
 * browser test (tests/cli/test_html.sh) opens that file in Chromium.
 * ORGMRI_REPORT_ITEMS=N makes its scatterplot N items (bench/).
 */
#include <expat.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "orgmri/report.h"
#include "render/html.h"
#include "render/svg.h"

#define HOSTILE "<img src=x onerror=alert(1)>"
#define HOSTILE2 "<script>window.__pwned=1</script>"
#define HOSTILE3 "\" onmouseover=\"alert(2)"
#define DAY 86400000LL

/* ---- the sample report -------------------------------------------------- */

/* A small deterministic generator (LCG, Numerical Recipes constants). */
static uint32_t lcg(uint32_t *s)
{
	*s = *s * 1664525u + 1013904223u;
	return *s >> 8;
}

static double uniform(uint32_t *s)
{
	return (double)lcg(s) / 16777216.0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted v. */
static double percentile(const double *v, size_t n, double p)
{
	size_t rank = (size_t)ceil(p / 100.0 * (double)n);
	return v[rank ? rank - 1 : 0];
}

#define WEEKS 26
#define ITEMS 300

static void sample_summary(orgmri_report *r)
{
	orgmri_report_section(r, "Summary");
	orgmri_report_paragraph(r, "Individual output rose after the AI rollout, "
	                        "but lead time for changes did not fall: the "
	                        "time went into waiting for security review.");
	const orgmri_report_tile tiles[] = {
		{ "Deployment frequency", "4.2", "per week", "High",
		  ORGMRI_TONE_GOOD, "before: 3.9 per week (High)" },
		{ "Lead time for changes", "6.8", "days", "Medium", ORGMRI_TONE_FAIR,
		  "before: 4.1 days (Medium)" },
		{ "Change failure rate", "4", "%", "Elite", ORGMRI_TONE_BEST,
		  "before: 5 %" },
		{ "Time to restore", "2.5", "days", "Low", ORGMRI_TONE_POOR,
		  "before: 1.2 days (Medium)" },
		{ "Rework rate", "n/a", NULL, "not enough data",
		  ORGMRI_TONE_NEUTRAL, NULL },
	};
	orgmri_report_tiles(r, tiles, sizeof(tiles) / sizeof(tiles[0]));
}

static void sample_speed(orgmri_report *r, int64_t start, int64_t split)
{
	static int64_t x[WEEKS];
	static double med[WEEKS], p85[WEEKS], dep[WEEKS];
	uint32_t s = 7;
	for (int i = 0; i < WEEKS; i++) {
		x[i] = start + i * 7 * DAY;
		double base = i < 13 ? 4.0 : 4.0 + 0.25 * (i - 12);
		med[i] = 24 * (base + uniform(&s));
		p85[i] = med[i] * (1.8 + 0.4 * uniform(&s));
		dep[i] = floor(3 + 3 * uniform(&s));
	}
	med[5] = NAN; /* a week without a deployment */
	p85[5] = NAN;
	orgmri_report_section(r, "Are we faster?");
	orgmri_chart_series ser[] = { { "median", med }, { "85th percentile", p85 } };
	orgmri_chart_lines lc = ORGMRI_CHART_LINES_INIT;
	lc.text.title = "Lead time for changes per week";
	lc.text.how_to_read = "Each point is one week: the lead time of the "
	                      "changes deployed that week, from first commit to "
	                      "production. Lower is better. The dashed line marks "
	                      "the split date.";
	lc.y_label = "lead time";
	lc.y_unit = "hours";
	lc.x = x;
	lc.n = WEEKS;
	lc.series = ser;
	lc.nseries = 2;
	lc.split = split;
	lc.split_label = "AI rollout";
	orgmri_report_chart_lines(r, &lc);
	orgmri_chart_series ds[] = { { "deployments", dep } };
	lc.text.title = "Deployments per week";
	lc.text.how_to_read = "Successful production deployments per week. "
	                      "Higher is better.";
	lc.y_label = "deployments";
	lc.y_unit = "per week";
	lc.series = ds;
	lc.nseries = 1;
	orgmri_report_chart_lines(r, &lc);
}

static void sample_stages(orgmri_report *r)
{
	static const char *const stages[] = { "coding", "pickup", "review",
	                                      "security review", "qa", "merge",
	                                      "deploy" };
	static const double wait0[] = { 0, 10, 6, 14, 8, 3, 5 };
	static const double work0[] = { 20, 0, 5, 3, 4, 0.5, 1 };
	static const double wait1[] = { 0, 12, 9, 41, 9, 3, 5 };
	static const double work1[] = { 11, 0, 6, 3, 4, 0.5, 1 };
	orgmri_report_section(r, "Where did the time go?");
	orgmri_chart_stages sc = ORGMRI_CHART_STAGES_INIT;
	sc.text.title = "Lead time by stage, before and after the AI rollout";
	sc.text.how_to_read = "Each row is one stage of the value stream; its "
	                      "bars start where the previous stage ended. Light "
	                      "is waiting, dark is working; the grey bar is "
	                      "before, the blue bar after. The red row is the "
	                      "constraint.";
	sc.unit = "hours";
	sc.stages = stages;
	sc.nstages = 7;
	sc.wait[0] = wait0;
	sc.work[0] = work0;
	sc.wait[1] = wait1;
	sc.work[1] = work1;
	sc.constraint = 3;
	orgmri_report_chart_stages(r, &sc);
	orgmri_report_paragraph(r, "Coding got 9 hours faster, but waiting for "
	                        "security review grew by 27 hours.");
}

static void sample_flow(orgmri_report *r, int64_t start, int64_t split)
{
	enum { N = WEEKS * 7 / 2, S = 5 };
	static const char *const stages[S] = { "coding", "review",
	                                       "security review", "qa", "done" };
	static int64_t x[N];
	static double counts[S * N];
	double wip[S] = { 0 };
	uint32_t s = 11;
	for (int i = 0; i < N; i++) {
		x[i] = start + i * 2 * DAY;
		int after = x[i] >= split;
		/* Arrivals, then each stage passes on a share of its items. */
		static const double pass[2][S] = { { .5, .5, .5, .6, 0 },
		                                   { .6, .5, .25, .6, 0 } };
		wip[0] += 2 + 3 * uniform(&s) + (after ? 1.5 : 0);
		for (int k = S - 2; k >= 0; k--) {
			double moved = floor(wip[k] * pass[after][k]);
			wip[k] -= moved;
			wip[k + 1] += moved;
		}
		for (int k = 0; k < S; k++)
			counts[k * N + i] = floor(wip[k]);
	}
	orgmri_report_section(r, "Flow");
	orgmri_chart_flow fc = ORGMRI_CHART_FLOW_INIT;
	fc.text.title = "Cumulative flow of changes";
	fc.text.how_to_read = "Each band is the number of changes in one stage "
	                      "over time; the bottom band is done. A band that "
	                      "widens is a queue that grows: work arrives faster "
	                      "than it leaves.";
	fc.y_unit = "changes";
	fc.x = x;
	fc.n = N;
	fc.stages = stages;
	fc.nstages = S;
	fc.counts = counts;
	fc.split = split;
	fc.split_label = "AI rollout";
	orgmri_report_chart_flow(r, &fc);
}

/* n items (ITEMS for the test; more for the benchmark). */
static void sample_cycle(orgmri_report *r, int64_t start, int64_t split,
                         size_t n)
{
	int64_t *x = calloc(n, sizeof(*x));
	double *y = calloc(n, sizeof(*y)), *sorted = calloc(n, sizeof(*sorted));
	char (*names)[48] = calloc(n, sizeof(*names));
	const char **labels = calloc(n, sizeof(*labels));
	assert_true(x && y && sorted && names && labels && n >= ITEMS);
	uint32_t s = 3;
	for (size_t i = 0; i < n; i++) {
		x[i] = start + (int64_t)(uniform(&s) * WEEKS * 7 * DAY);
		double u = uniform(&s);
		y[i] = (x[i] >= split ? 2.5 : 1.5) * -log(1 - u * 0.98) + 0.2;
		snprintf(names[i], sizeof(names[i]), "change acme/api#%zu", 100 + i);
		labels[i] = names[i];
		sorted[i] = y[i];
	}
	labels[7] = HOSTILE;
	labels[8] = HOSTILE2;
	labels[9] = HOSTILE3;
	qsort(sorted, n, sizeof(double), cmp_double);
	orgmri_chart_refline lines[] = {
		{ percentile(sorted, n, 50), "50th percentile" },
		{ percentile(sorted, n, 85), "85th percentile" },
		{ percentile(sorted, n, 95), "95th percentile" },
	};
	orgmri_report_section(r, "Cycle time");
	orgmri_chart_scatter sc = ORGMRI_CHART_SCATTER_INIT;
	sc.text.title = "Cycle time of each change";
	sc.text.how_to_read = "Each dot is one change, placed at the day it was "
	                      "deployed and as high as it took from first commit. "
	                      "85 % of changes lie below the 85th percentile line.";
	sc.y_label = "cycle time";
	sc.y_unit = "days";
	sc.x = x;
	sc.y = y;
	sc.labels = labels;
	sc.n = n;
	sc.lines = lines;
	sc.nlines = 3;
	sc.split = split;
	sc.split_label = "AI rollout";
	orgmri_report_chart_scatter(r, &sc);
	free(x), free(y), free(sorted), free(names), free(labels);
}

static void sample_people(orgmri_report *r)
{
	static const char *const who[] = {
		"alice", "bob", "carol", "dave", HOSTILE2, "erin",
		"frank-with-a-very-long-login-name-indeed", "grace", HOSTILE, "heidi",
	};
	static const double reviews[] = { 212, 35, 41, 18, 7, 29, 12, 9, 3, 22 };
	double sum = 0;
	for (size_t i = 0; i < 10; i++)
		sum += reviews[i];
	orgmri_chart_refline even = { sum / 10, "even share" };
	orgmri_report_section(r, "People");
	orgmri_chart_bars bc = ORGMRI_CHART_BARS_INIT;
	bc.text.title = "Reviews done per reviewer";
	bc.text.how_to_read = "One bar per reviewer, most reviews first. When one "
	                      "bar is far past the even-share line, reviews wait "
	                      "for one person.";
	bc.value_label = "reviews";
	bc.unit = "count";
	bc.labels = who;
	bc.values = reviews;
	bc.n = 10;
	bc.line = &even;
	orgmri_report_chart_bars(r, &bc);
}

static const orgmri_chart_graph_node graph_nodes[] = {
	{ "opened", 10, 10, 0, NAN },
	{ "review_requested", 12, 0, 0, 1.5 },
	{ "approved", 8, 0, 0, NAN },
	{ "merged", 9, 0, 9, NAN },
	{ HOSTILE, 1, 0, 1, NAN },
};

static const orgmri_chart_graph_edge graph_edges[] = {
	{ 0, 1, 10, 0.5 },     /* opened -> review_requested, 30 min */
	{ 1, 2, 8, 3 },        /* -> approved after 3 h */
	{ 2, 1, 2, 0.2 },      /* back: approved -> review_requested */
	{ 2, 3, 6, 50 },       /* approved -> merged after 2.1 days */
	{ 1, 1, 1, 0.01 },     /* self-loop, 36 s */
	{ 1, 4, 1, NAN },
	{ 4, 3, 0, 1 },        /* no transitions: never drawn */
};

static int add_graph(orgmri_report *r, int variant)
{
	orgmri_chart_graph c = ORGMRI_CHART_GRAPH_INIT;
	c.text.title = "Process map";
	c.text.how_to_read = "boxes and arrows";
	c.unit = "hours";
	c.nodes = graph_nodes;
	c.nnodes = variant ? 0 : 5;
	c.edges = graph_edges;
	c.nedges = variant ? 0 : 7;
	c.coverage = 1;
	return orgmri_report_chart_graph(r, &c);
}

static void sample_map(orgmri_report *r)
{
	add_graph(r, 0);
}

static void sample_health(orgmri_report *r)
{
	orgmri_report_section(r, "Health and what to do");
	const char *hd[] = { "indicator", "figure", "threshold", "status" };
	orgmri_report_table_begin(r, "Health indicators", hd, 4, "lrrl");
	const char *r1[] = { "review load on the top reviewer", "54 %", "30 %",
	                     "concern" };
	const char *r2[] = { "truck factor", "1", "2", "concern" };
	const char *r3[] = { ("PR title " HOSTILE), "1", "-", "from the data" };
	orgmri_report_table_row(r, r1);
	orgmri_report_table_row(r, r2);
	orgmri_report_table_row(r, r3);
	orgmri_report_table_end(r);
	orgmri_report_warning(r, "No incidents were recorded: time to restore "
	                      "comes from 3 rollbacks only.");
	const orgmri_report_rec recs[] = {
		{ "Add security review capacity",
		  "Security review waits 41 hours per change, 52 % of lead time.",
		  "About 30 hours less lead time; review becomes the constraint." },
		{ "Let low-risk changes skip manual security review",
		  "62 % of changes touch no sensitive path.", NULL },
		{ "Spread reviews beyond " HOSTILE, NULL, NULL },
	};
	orgmri_report_recommendations(r, recs, 3);
}

static int build_sample(orgmri_report **out, size_t items)
{
	int64_t start = tu_time("2026-01-05"), split = tu_time("2026-04-06");
	int rc = orgmri_report_new(out, "Delivery diagnosis: acme " HOSTILE,
	                           "Sample organisation, 2026-01-05 to 2026-07-05. "
	                           "Split date 2026-04-06 (AI rollout).", NULL);
	if (rc)
		return rc;
	orgmri_report *r = *out;
	sample_summary(r);
	sample_speed(r, start, split);
	sample_stages(r);
	sample_flow(r, start, split);
	sample_cycle(r, start, split, items);
	sample_people(r);
	sample_map(r);
	return sample_health(r), orgmri_report_settle(r);
}

/* ---- XML checks -------------------------------------------------------- */

typedef struct xml_seen {
	size_t elements, svgs, imgs, scripts, paths, empty_paths, texts, rects;
	size_t with_handler_attr, outside_refs;
	orgmri_buf chars;  /* all character data */
} xml_seen;

static void on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	xml_seen *x = ud;
	x->elements++;
	x->svgs += strcmp(name, "svg") == 0;
	x->imgs += strcmp(name, "img") == 0;
	x->scripts += strcmp(name, "script") == 0;
	x->texts += strcmp(name, "text") == 0;
	x->rects += strcmp(name, "rect") == 0;
	for (size_t i = 0; atts[i]; i += 2) {
		if (strncmp(atts[i], "on", 2) == 0)
			x->with_handler_attr++;
		/* src, or a link that leaves the document */
		if (strcmp(atts[i], "src") == 0 || strcmp(atts[i], "srcset") == 0 ||
		    ((strcmp(atts[i], "href") == 0 ||
		      strcmp(atts[i], "xlink:href") == 0) && atts[i + 1][0] != '#'))
			x->outside_refs++;
		if (strcmp(name, "path") == 0 && strcmp(atts[i], "d") == 0) {
			x->paths++;
			if (strlen(atts[i + 1]) < 4 || atts[i + 1][0] != 'M')
				x->empty_paths++;
		}
	}
}

static void on_end(void *ud, const XML_Char *name)
{
	(void)ud;
	(void)name;
}

static void on_chars(void *ud, const XML_Char *s, int len)
{
	xml_seen *x = ud;
	orgmri_buf_put(&x->chars, s, (size_t)len);
}

/* Parse as XML; fail the test with expat's message when not well-formed. */
static void parse_xml(const char *doc, size_t len, xml_seen *x)
{
	memset(x, 0, sizeof(*x));
	XML_Parser p = XML_ParserCreate("UTF-8");
	assert_non_null(p);
	XML_SetUserData(p, x);
	XML_SetElementHandler(p, on_start, on_end);
	XML_SetCharacterDataHandler(p, on_chars);
	if (XML_Parse(p, doc, (int)len, 1) != XML_STATUS_OK) {
		long line = (long)XML_GetCurrentLineNumber(p);
		const char *msg = XML_ErrorString(XML_GetErrorCode(p));
		XML_ParserFree(p);
		fail_msg("not well-formed XML at line %ld: %s", line, msg);
	}
	XML_ParserFree(p);
	orgmri_buf_cstr(&x->chars);
}

static char *render(orgmri_report *r, size_t *len)
{
	char *html = NULL;
	orgmri_error err;
	orgmri_error_clear(&err);
	int rc = orgmri_report_render(r, &html, len, &err);
	if (rc)
		fail_msg("render: %s", err.message);
	return html;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0, len = strlen(needle);
	for (size_t i = 0; hay[i]; i++)
		if (strncmp(hay + i, needle, len) == 0) {
			n++;
			i += len - 1;
		}
	return n;
}

/* ---- escaping and formatting ------------------------------------------- */

static void escaped_is(const char *in, size_t max, const char *want, int cut)
{
	orgmri_buf b = ORGMRI_BUF_INIT;
	assert_int_equal(orgmri_html_escape(&b, in, max), cut);
	assert_string_equal(orgmri_buf_cstr(&b), want);
	orgmri_buf_free(&b);
}

static void test_escape(void **state)
{
	(void)state;
	escaped_is(HOSTILE, 0, "&lt;img src=x onerror=alert(1)&gt;", 0);
	escaped_is("a&b \"q\" 'x'", 0, "a&amp;b &quot;q&quot; &#39;x&#39;", 0);
	escaped_is("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80", 0,
	           "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80", 0);
	/* invalid byte, overlong '/', a surrogate, controls */
	escaped_is("a\xFF" "b", 0, "a\xEF\xBF\xBD" "b", 0);
	escaped_is("\xC0\xAF", 0, "\xEF\xBF\xBD\xEF\xBF\xBD", 0);
	escaped_is("\xED\xA0\x80", 0,
	           "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD", 0);
	escaped_is("a\x01\x7F\tb\n", 0, "a\xEF\xBF\xBD\xEF\xBF\xBD\tb\n", 0);
	escaped_is("\xC2\x85\xEF\xBF\xBF", 0, "\xEF\xBF\xBD\xEF\xBF\xBD", 0);
	escaped_is("\xE2\x82", 0, "\xEF\xBF\xBD\xEF\xBF\xBD", 0); /* cut short */
	/* cut to 3 code points, counting a two-byte one as one */
	escaped_is("\xC3\xA9" "bcdef", 3, "\xC3\xA9" "bc\xE2\x80\xA6", 1);
	escaped_is("abc", 3, "abc", 0);
	escaped_is(NULL, 0, "", 0);
	/* the byte cap */
	char *big = malloc(ORGMRI_REPORT_TEXT_MAX + 100);
	memset(big, 'x', ORGMRI_REPORT_TEXT_MAX + 99);
	big[ORGMRI_REPORT_TEXT_MAX + 99] = '\0';
	orgmri_buf b = ORGMRI_BUF_INIT;
	assert_int_equal(orgmri_html_escape(&b, big, 0), 1);
	assert_int_equal(b.len, ORGMRI_REPORT_TEXT_MAX + 3);
	orgmri_buf_free(&b);
	free(big);
}

static void test_format(void **state)
{
	(void)state;
	char s[48];
	assert_string_equal(orgmri_fmt_fixed(s, sizeof(s), 3.14159, 2), "3.14");
	assert_string_equal(orgmri_fmt_fixed(s, sizeof(s), -0.004, 2), "0.00");
	assert_string_equal(orgmri_fmt_fixed(s, sizeof(s), -2.5, 1), "-2.5");
	assert_string_equal(orgmri_fmt_fixed(s, sizeof(s), 0.05, 1), "0.1");
	assert_string_equal(orgmri_fmt_fixed(s, sizeof(s), 1234.5, 0), "1235");
	assert_string_equal(orgmri_fmt_fixed(s, sizeof(s), NAN, 1), "n/a");
	assert_string_equal(orgmri_fmt_fixed(s, sizeof(s), 1e20, 2), "1.00e+20");
	assert_string_equal(orgmri_fmt_fixed(s, sizeof(s), -1.234e300, 0),
	                    "-1.23e+300");
	assert_string_equal(orgmri_fmt_fixed(s, sizeof(s), 9.999e16, 0),
	                    "1.00e+17");
	assert_string_equal(orgmri_fmt_value(s, sizeof(s), 212), "212");
	assert_string_equal(orgmri_fmt_value(s, sizeof(s), 41.27), "41.3");
	assert_string_equal(orgmri_fmt_value(s, sizeof(s), 4.126), "4.13");
	assert_string_equal(orgmri_fmt_date(s, sizeof(s), tu_time("2026-03-02T23:59:59Z")),
	                    "2026-03-02");
	assert_string_equal(orgmri_fmt_date(s, sizeof(s), -1), "1969-12-31");
	assert_string_equal(orgmri_fmt_date(s, sizeof(s), -86400000), "1969-12-31");
	assert_string_equal(orgmri_fmt_date(s, sizeof(s), INT64_MIN),
	                    "-292275055-05-16");
	assert_string_equal(orgmri_fmt_date(s, sizeof(s), tu_time("2024-02-29")),
	                    "2024-02-29");
}

static void test_ticks(void **state)
{
	(void)state;
	svg_axis a;
	svg_axis_nice(&a, 0, 7.3, 5);        /* raw 1.46 -> 2 */
	assert_true(a.lo == 0 && a.hi == 8 && a.step == 2 && a.decimals == 0);
	svg_axis_nice(&a, 0, 103, 5);        /* raw 20.6 -> 50 */
	assert_true(a.lo == 0 && a.hi == 150 && a.step == 50);
	svg_axis_nice(&a, 0.013, 0.087, 5);  /* raw 0.0148 -> 0.02 */
	assert_true(fabs(a.step - 0.02) < 1e-12 && a.lo == 0);
	assert_true(fabs(a.hi - 0.1) < 1e-12);
	assert_int_equal(a.decimals, 2);
	svg_axis_nice(&a, -12, 33, 5);       /* raw 9 -> 10 */
	assert_true(a.lo == -20 && a.hi == 40 && a.step == 10);
	svg_axis_nice(&a, 5, 5, 5);          /* a flat line still has a range */
	assert_true(a.lo < 5 && a.hi > 5);
	svg_axis_nice(&a, 0, 0, 5);
	assert_true(a.lo == 0 && a.hi == 1);
	/* a range too narrow for its magnitude still has ticks that advance */
	svg_axis_nice(&a, 1e11, 1e11 + 1e-3, 5);
	assert_true(a.lo + a.step > a.lo && svg_axis_ticks(&a) >= 2);
	svg_axis_nice(&a, -1e308, 1e308, 5);     /* clamped to +-1e12 */
	assert_true(a.lo == -1e12 && a.hi == 1e12);
	assert_int_equal(svg_axis_ticks(&a), 5);

	svg_time_ticks tt;
	/* 26 weeks: monthly ticks on the 1st. */
	svg_time_ticks_make(&tt, tu_time("2026-01-05"), tu_time("2026-07-05"), 9);
	assert_int_equal(tt.unit, SVG_MONTHS);
	assert_int_equal(tt.n, 6);
	assert_int_equal(tt.t[0], tu_time("2026-02-01"));
	assert_int_equal(tt.t[5], tu_time("2026-07-01"));
	/* 6 weeks, 8 labels: weekly ticks on Mondays. */
	svg_time_ticks_make(&tt, tu_time("2026-03-04"), tu_time("2026-04-15"), 8);
	assert_int_equal(tt.unit, SVG_DAYS);
	assert_int_equal(tt.n, 6);
	assert_int_equal(tt.t[0], tu_time("2026-03-09")); /* a Monday */
	assert_int_equal(tt.t[1] - tt.t[0], 7 * DAY);
	/* 10 days: every other day. */
	svg_time_ticks_make(&tt, tu_time("2026-03-01"), tu_time("2026-03-11"), 10);
	assert_int_equal(tt.n, 5);  /* even days since 1970: 2, 4, ... 10 March */
	assert_int_equal(tt.t[0], tu_time("2026-03-02"));
	assert_int_equal(tt.t[1] - tt.t[0], 2 * DAY);
	/* A day: hours. */
	svg_time_ticks_make(&tt, tu_time("2026-03-01T00:30Z"),
	                    tu_time("2026-03-01T23:00Z"), 10);
	assert_int_equal(tt.unit, SVG_HOURS);
	assert_int_equal(tt.t[0], tu_time("2026-03-01T03:00Z"));
	/* Ten years: yearly ticks on 1 January. */
	svg_time_ticks_make(&tt, tu_time("2015-06-01"), tu_time("2025-06-01"), 12);
	assert_int_equal(tt.unit, SVG_YEARS);
	assert_int_equal(tt.t[0], tu_time("2016-01-01"));
	assert_int_equal(tt.n, 10);
}

/* ---- charts ------------------------------------------------------------ */

typedef int (*add_chart)(orgmri_report *r, int variant);

/* Build a report holding one chart; return its bytes. */
static char *one_chart(add_chart add, int variant, size_t *len)
{
	orgmri_report *r;
	assert_int_equal(orgmri_report_new(&r, "t", NULL, NULL), 0);
	assert_int_equal(orgmri_report_section(r, "s"), 0);
	assert_int_equal(add(r, variant), 0);
	char *html = render(r, len);
	orgmri_report_free(r);
	return html;
}

/* Checks every chart must pass: well-formed, one <svg> with role and
 * title, paths that draw, the axis titles, the numbers table, and the
 * same bytes on a second build. */
static char *check_chart(add_chart add, int variant, const char *const *must)
{
	size_t len, len2;
	char *html = one_chart(add, variant, &len);
	char *again = one_chart(add, variant, &len2);
	assert_int_equal(len, len2);
	assert_memory_equal(html, again, len);
	free(again);
	xml_seen x;
	parse_xml(html, len, &x);
	assert_int_equal(x.svgs, 1);
	assert_true(x.paths + x.rects > 0);
	assert_int_equal(x.empty_paths, 0);
	assert_int_equal(x.imgs + x.scripts + x.with_handler_attr, 0);
	assert_non_null(strstr(html, "role=\"img\""));
	assert_non_null(strstr(html, "aria-label=\""));
	assert_non_null(strstr(html, "<title>"));
	assert_non_null(strstr(html, "<details><summary>Show the numbers"));
	assert_non_null(strstr(html, "How to read this"));
	for (size_t i = 0; must && must[i]; i++)
		if (!strstr(x.chars.ptr, must[i]))
			fail_msg("chart text lacks \"%s\"", must[i]);
	orgmri_buf_free(&x.chars);
	return html;
}

/* A chart without data: an empty frame that says so, still well-formed. */
static void check_empty(add_chart add)
{
	size_t len;
	char *html = one_chart(add, 1, &len);
	xml_seen x;
	parse_xml(html, len, &x);
	assert_int_equal(x.svgs, 1);
	assert_non_null(strstr(x.chars.ptr, "No data for this chart"));
	orgmri_buf_free(&x.chars);
	free(html);
}

static const int64_t week_x[4] = { 1767571200000LL, 1768176000000LL,
                                   1768780800000LL, 1769385600000LL };

static int add_lines(orgmri_report *r, int variant)
{
	static const double med[4] = { 10, 12.5, NAN, 30 };
	static const double p85[4] = { 20, 25, 41, 60 };
	orgmri_chart_series ser[2] = { { "median", med }, { HOSTILE, p85 } };
	orgmri_chart_lines c = ORGMRI_CHART_LINES_INIT;
	c.text.title = "Lead time";
	c.text.how_to_read = "lower is better";
	c.y_label = "lead time";
	c.y_unit = "hours";
	c.x = week_x;
	c.n = variant ? 0 : 4;
	c.series = ser;
	c.nseries = 2;
	c.split = week_x[2];
	c.split_label = "rollout";
	return orgmri_report_chart_lines(r, &c);
}

static void test_chart_lines(void **state)
{
	(void)state;
	const char *must[] = { "lead time (hours)", "date (UTC)", "rollout 2026-01-19",
	                       "median", HOSTILE, "12.5", "5 Jan", NULL };
	char *html = check_chart(add_lines, 0, must);
	/* median: a gap splits it into M L, M; p85: M L L L. */
	assert_non_null(strstr(html, "stroke=\"#0072b2\" d=\"M"));
	assert_int_equal(count(html, "stroke-width=\"2.5\" stroke-linejoin"), 2);
	/* y axis: 0..60 in steps of 20 (raw 12 -> 20) */
	assert_non_null(strstr(html, ">60</text>"));
	assert_null(strstr(html, ">80</text>"));
	free(html);
	check_empty(add_lines);
}

static int add_stages(orgmri_report *r, int variant)
{
	static const char *const st[] = { "coding", "review", HOSTILE2 };
	static const double wait0[] = { 0, 6, 14 }, work0[] = { 20, 5, 3 };
	static const double wait1[] = { 0, 9, 41 }, work1[] = { 11, NAN, 3 };
	orgmri_chart_stages c = ORGMRI_CHART_STAGES_INIT;
	c.text.title = "Stages";
	c.text.how_to_read = "rows are stages";
	c.unit = "hours";
	c.stages = st;
	c.nstages = variant ? 0 : 3;
	c.wait[0] = wait0;
	c.work[0] = work0;
	c.wait[1] = wait1;
	c.work[1] = work1;
	c.constraint = 2;
	return orgmri_report_chart_stages(r, &c);
}

static void test_chart_stages(void **state)
{
	(void)state;
	/* before total 48, after 64 (review work unknown) -> axis 0..80 by 20 */
	const char *must[] = { "time (hours)", "before: waiting", "after: working",
	                       "constraint", HOSTILE2, "total", "48", "64",
	                       HOSTILE2 " (constraint)", "+16", NULL };
	char *html = check_chart(add_stages, 0, must);
	assert_non_null(strstr(html, ">80</text>"));
	assert_null(strstr(html, ">100</text>"));
	/* the constraint row's band */
	assert_int_equal(count(html, "fill=\"#fde8ea\""), 1);
	/* bars: before 2+2+2 segments (coding wait 0 draws nothing: 5) + total
	 * 2; after: coding 1, review 1, security 2, total 2 */
	assert_int_equal(count(html, "fill=\"#59636e\"") +
	                 count(html, "fill=\"#c4cbd3\""), 2 + 5 + 2 - 2 + 2);
	free(html);
	check_empty(add_stages);
}

static int add_flow(orgmri_report *r, int variant)
{
	static const char *const st[] = { "open", "review", "done" };
	static const double counts[] = { 3, 4, 2, 1,    /* open */
	                                 0, 2, 5, 3,    /* review */
	                                 0, 1, 3, 9 };  /* done */
	orgmri_chart_flow c = ORGMRI_CHART_FLOW_INIT;
	c.text.title = "Flow";
	c.text.how_to_read = "bands are stages";
	c.y_unit = "changes";
	c.x = week_x;
	c.n = variant ? 0 : 4;
	c.stages = st;
	c.nstages = 3;
	c.counts = counts;
	return orgmri_report_chart_flow(r, &c);
}

static void test_chart_flow(void **state)
{
	(void)state;
	const char *must[] = { "work items (changes)", "open", "review", "done",
	                       "date (UTC)", NULL };
	char *html = check_chart(add_flow, 0, must);
	/* one closed band per stage; totals 3 7 10 13 -> axis 0..15 by 5 */
	assert_int_equal(count(html, "fill-opacity=\"0.85\""), 3);
	assert_int_equal(count(html, "Z\" />"), 3);
	assert_non_null(strstr(html, ">15</text>"));
	assert_null(strstr(html, ">20</text>"));
	free(html);
	check_empty(add_flow);
}

static int add_scatter(orgmri_report *r, int variant)
{
	static const double y[4] = { 1.5, 3, 0.5, 12 };  /* 4 dots, 4 paths */
	static const char *const labels[4] = { "a", HOSTILE, "c", "d" };
	static const orgmri_chart_refline lines[3] = {
		{ 2.25, "50th" }, { 3, "85th" }, { 12, "95th" } };
	orgmri_chart_scatter c = ORGMRI_CHART_SCATTER_INIT;
	c.text.title = "Cycle time";
	c.text.how_to_read = "dots are changes";
	c.y_label = "cycle time";
	c.y_unit = "days";
	c.x = week_x;
	c.y = y;
	c.labels = labels;
	c.n = variant ? 0 : 4;
	c.lines = lines;
	c.nlines = 3;
	return orgmri_report_chart_scatter(r, &c);
}

static void test_chart_scatter(void **state)
{
	(void)state;
	const char *must[] = { "cycle time (days)", "finished (date, UTC)",
	                       "50th: 2.25", "85th: 3", "95th: 12", HOSTILE,
	                       "reference line", NULL };
	char *html = check_chart(add_scatter, 0, must);
	assert_int_equal(count(html, "h0"), 4);   /* one dot per item */
	assert_int_equal(count(html, "class=\"ref\""), 3);
	free(html);
	check_empty(add_scatter);
}

/* More items than are drawn: an evenly spaced subset, and it says so. */
static void test_scatter_cap(void **state)
{
	(void)state;
	size_t n = ORGMRI_CHART_SCATTER_MAX + 5000;
	int64_t *x = malloc(n * sizeof(*x));
	double *y = malloc(n * sizeof(*y));
	for (size_t i = 0; i < n; i++) {
		x[i] = week_x[0] + (int64_t)i * 60000;
		y[i] = (double)(i % 97);
	}
	orgmri_report *r;
	assert_int_equal(orgmri_report_new(&r, "t", NULL, NULL), 0);
	orgmri_chart_scatter c = ORGMRI_CHART_SCATTER_INIT;
	c.text.title = "many";
	c.x = x;
	c.y = y;
	c.n = n;
	assert_int_equal(orgmri_report_chart_scatter(r, &c), 0);
	size_t len;
	char *html = render(r, &len);
	assert_int_equal(count(html, "h0"), ORGMRI_CHART_SCATTER_MAX);
	assert_non_null(strstr(html, "20000 of 25000 items drawn"));
	assert_non_null(strstr(html, "and 24500 more rows, not listed here"));
	assert_true(len < 2 * 1024 * 1024);
	free(html);
	orgmri_report_free(r);
	free(x);
	free(y);
}

static int add_bars(orgmri_report *r, int variant)
{
	static const char *const who[] = { "bob", "alice", HOSTILE, "carol",
	                                   "dave" };
	static const double v[] = { 12, 40, 12, 3, NAN };
	static const orgmri_chart_refline even = { 16.75, "even share" };
	orgmri_chart_bars c = ORGMRI_CHART_BARS_INIT;
	c.text.title = "Reviews";
	c.text.how_to_read = "most first";
	c.value_label = "reviews";
	c.unit = "count";
	c.labels = who;
	c.values = v;
	c.n = variant ? 0 : 5;
	c.max_bars = 4;
	c.line = &even;
	return orgmri_report_chart_bars(r, &c);
}

static void test_chart_bars(void **state)
{
	(void)state;
	const char *must[] = { "reviews (count)", "even share: 16.8",
	                       "the 4 largest of 5 shown", "59.7 %", NULL };
	char *html = check_chart(add_bars, 0, must);
	/* Sorted: alice 40, then the 12s by name ("<" sorts before "b"),
	 * carol 3; dave (no value) last, only in the table. */
	const char *svg_end = strstr(html, "</svg>");
	const char *a = strstr(html, ">alice</text>");
	/* cut to 22 characters on the chart, whole in its tooltip */
	const char *h = strstr(html, "<text x=\"");
	h = strstr(html, "<title>&lt;img src=x onerror=alert(1)&gt;</title>"
	           "&lt;img src=x onerror=ale\xE2\x80\xA6</text>");
	const char *b = strstr(html, ">bob</text>");
	const char *c = strstr(html, ">carol</text>");
	assert_true(a && h && b && c && a < h && h < b && b < c && c < svg_end);
	assert_null(strstr(html, ">dave</text>"));
	assert_non_null(strstr(svg_end, "<td>dave</td>"));
	free(html);
	check_empty(add_bars);
}

static void test_chart_graph(void **state)
{
	(void)state;
	/* every arrow with its count and its wait in a readable unit; the
	 * start and end arrows; the note; the hostile name as text */
	const char *must[] = { "10 \xc2\xb7 30 min", "8 \xc2\xb7 3.0 h",
	                       "6 \xc2\xb7 2.1 d", "1 \xc2\xb7 36 s",
	                       "2 \xc2\xb7 12 min", "start", "end",
	                       "12 \xc2\xb7 work 1.5 h",
	                       "drawn: 5 of 5 activities, 9 of 9 kinds of "
	                       "transition (100% of all transitions)",
	                       HOSTILE, NULL };
	char *html = check_chart(add_graph, 0, must);
	/* the back edge and the self-loop are orange, the others blue */
	const char *t = strstr(html, "approved \xe2\x86\x92 review_requested");
	assert_non_null(t);
	const char *p = t;
	while (p > html && strncmp(p, "<path", 5) != 0)
		p--;
	assert_non_null(strstr(p, "stroke=\"#d55e00\""));
	assert_true(strstr(p, "stroke=\"#d55e00\"") < t);
	/* the numbers list every edge, the one never drawn included */
	assert_non_null(strstr(html, "<td>merged</td>"));
	assert_null(strstr(html, "url("));
	free(html);
	check_empty(add_graph);
}

/* A map past every cap: 250 activities with 3000-byte hostile names and
 * 1000 edges (self-loops, both directions).  At most the 60 activities
 * asked for are drawn, 40 edges at most, and the markup stays well-formed
 * and bounded. */
static int add_big_graph(orgmri_report *r, int variant)
{
	enum { NN = 250, NE = 1000 };
	static char names[NN][3001];
	static orgmri_chart_graph_node nodes[NN];
	static orgmri_chart_graph_edge edges[NE];
	for (size_t i = 0; i < NN; i++) {
		snprintf(names[i], sizeof(names[i]), "%zu ", i);
		size_t len = strlen(names[i]);
		while (len + sizeof(HOSTILE) < sizeof(names[i])) {
			memcpy(names[i] + len, HOSTILE, sizeof(HOSTILE) - 1);
			len += sizeof(HOSTILE) - 1;
		}
		names[i][len] = '\0';
		nodes[i] = (orgmri_chart_graph_node){ names[i], (double)(NN - i),
		                                      i % 7 == 0, i % 5 == 0, NAN };
	}
	for (size_t j = 0; j < NE; j++)
		edges[j] = (orgmri_chart_graph_edge){ (j * 37) % NN, (j * 91 + 3) % NN,
		                                      (double)(1 + j % 17),
		                                      (double)j / 10 };
	orgmri_chart_graph c = ORGMRI_CHART_GRAPH_INIT;
	c.text.title = "Big map";
	c.text.how_to_read = "many boxes";
	c.unit = "hours";
	c.nodes = nodes;
	c.nnodes = NN;
	c.edges = edges;
	c.nedges = NE;
	c.max_nodes = variant ? 1000 : 60;   /* 1000: capped at 60 too */
	c.coverage = 1;
	return orgmri_report_chart_graph(r, &c);
}

static void test_chart_graph_big(void **state)
{
	(void)state;
	for (int variant = 0; variant < 2; variant++) {
		size_t len;
		char *html = one_chart(add_big_graph, variant, &len);
		xml_seen x;
		parse_xml(html, len, &x);
		assert_int_equal(x.svgs, 1);
		assert_int_equal(x.imgs + x.scripts + x.with_handler_attr, 0);
		assert_non_null(strstr(x.chars.ptr, "of 250 activities"));
		/* 40 drawn edges and their arrowheads at most: count the
		 * tooltips of the arrows */
		size_t arrows = 0;
		for (const char *p = html; (p = strstr(p, "\" d=\"M")); p++)
			arrows++;
		assert_true(arrows <= 2 * 40 + 1);
		/* boxes of at most 60 activities (plus start and end) */
		size_t boxes = 0;
		for (const char *p = html; (p = strstr(p, "fill=\"#e8f1f8\"")); p++)
			boxes++;
		assert_true(boxes >= 1 && boxes <= 60);
		assert_true(len < 8 * 1024 * 1024);
		orgmri_buf_free(&x.chars);
		free(html);
	}
}

/* ---- the whole document -------------------------------------------------- */

static void test_hostile_document(void **state)
{
	(void)state;
	orgmri_report *r;
	assert_int_equal(build_sample(&r, ITEMS), 0);
	size_t len;
	char *html = render(r, &len);
	xml_seen x;
	parse_xml(html, len, &x);
	/* No element and no handler attribute came from the data, and the
	 * hostile strings read as the text they are. */
	assert_int_equal(x.imgs, 0);
	assert_int_equal(x.scripts, 0);
	assert_int_equal(x.with_handler_attr, 0);
	assert_int_equal(x.svgs, 7);
	assert_int_equal(x.empty_paths, 0);
	assert_non_null(strstr(x.chars.ptr, HOSTILE));
	assert_non_null(strstr(x.chars.ptr, HOSTILE2));
	assert_non_null(strstr(x.chars.ptr, HOSTILE3));
	assert_null(strstr(html, "<img"));
	assert_null(strstr(html, "<script"));
	/* self-contained: no reference to anything outside */
	assert_null(strstr(html, "http:"));
	assert_null(strstr(html, "https:"));
	assert_null(strstr(html, "url("));
	assert_null(strstr(html, "@import"));
	assert_int_equal(x.outside_refs, 0);
	assert_true(len < 2 * 1024 * 1024);
	/* the same calls give the same bytes */
	orgmri_report *r2;
	assert_int_equal(build_sample(&r2, ITEMS), 0);
	size_t len2;
	char *html2 = render(r2, &len2);
	assert_int_equal(len, len2);
	assert_memory_equal(html, html2, len);
	free(html2);
	orgmri_report_free(r2);
	orgmri_buf_free(&x.chars);
	free(html);
	orgmri_report_free(r);
}

static void test_sticky_errors(void **state)
{
	(void)state;
	orgmri_report *r;
	assert_int_equal(orgmri_report_new(&r, "t", NULL, NULL), 0);
	const char *cells[] = { "x" };
	assert_int_equal(orgmri_report_table_row(r, cells), ORGMRI_EINVAL);
	assert_int_equal(orgmri_report_paragraph(r, "later"), ORGMRI_EINVAL);
	char *html = (char *)1;
	orgmri_error err;
	orgmri_error_clear(&err);
	assert_int_equal(orgmri_report_render(r, &html, NULL, &err), ORGMRI_EINVAL);
	assert_null(html);
	assert_non_null(strstr(err.message, "table row outside a table"));
	orgmri_report_free(r);

	/* a block inside an open table, a chart without arrays */
	assert_int_equal(orgmri_report_new(&r, "t", NULL, NULL), 0);
	const char *hd[] = { "a", "b" };
	assert_int_equal(orgmri_report_table_begin(r, NULL, hd, 2, "lr"), 0);
	assert_int_equal(orgmri_report_heading(r, "h"), ORGMRI_EINVAL);
	orgmri_report_free(r);
	assert_int_equal(orgmri_report_new(&r, "t", NULL, NULL), 0);
	orgmri_chart_lines c = ORGMRI_CHART_LINES_INIT;
	c.n = 3;
	assert_int_equal(orgmri_report_chart_lines(r, &c), ORGMRI_EINVAL);
	orgmri_report_free(r);
}

static void test_blocks(void **state)
{
	(void)state;
	orgmri_report *r;
	assert_int_equal(orgmri_report_new(&r, "T & Co", "sub <b>", NULL), 0);
	assert_int_equal(orgmri_report_section(r, "One"), 0);
	assert_int_equal(orgmri_report_section(r, "Two 'x'"), 0);
	const orgmri_report_tile t = { "Lead time", "4.1", "days", "Elite",
	                               ORGMRI_TONE_BEST, NULL };
	assert_int_equal(orgmri_report_tiles(r, &t, 1), 0);
	const char *hd[] = { "name", "n" };
	const char *row[] = { "a<b", "12" };
	assert_int_equal(orgmri_report_table_begin(r, "cap", hd, 2, "lr"), 0);
	assert_int_equal(orgmri_report_table_row(r, row), 0);
	assert_int_equal(orgmri_report_table_end(r), 0);
	assert_int_equal(orgmri_report_note(r, "lower is <better>"), 0);
	assert_int_equal(orgmri_report_warning(r, "thin data"), 0);
	const orgmri_report_rec rec = { "Fix & go", "because", NULL };
	assert_int_equal(orgmri_report_recommendations(r, &rec, 1), 0);
	size_t len;
	char *html = render(r, &len);
	xml_seen x;
	parse_xml(html, len, &x);
	assert_non_null(strstr(html, "<p class=\"note\"><strong>How to read this: "
	                        "</strong>lower is &lt;better&gt;</p>"));
	assert_non_null(strstr(html, "<strong>Note: </strong>thin data</p>"));
	assert_non_null(strstr(html, "<li><strong>Fix &amp; go</strong><br />\n"
	                        "<span class=\"why\">Why: because</span></li>"));
	assert_null(strstr(html, "Likely effect"));
	assert_non_null(strstr(html, "<title>T &amp; Co</title>"));
	assert_non_null(strstr(html, "<p class=\"subtitle\">sub &lt;b&gt;</p>"));
	assert_non_null(strstr(html, "<li><a href=\"#s2\">Two &#39;x&#39;</a></li>"));
	assert_non_null(strstr(html, "<div class=\"tile tone-best\">"));
	assert_non_null(strstr(html, "<span class=\"tier\">Elite</span>"));
	assert_non_null(strstr(html, "<td>a&lt;b</td><td class=\"r\">12</td>"));
	assert_non_null(strstr(html, "@media print"));
	assert_int_equal(count(html, "<section "), 2);
	assert_int_equal(count(html, "</section>"), 2);
	orgmri_buf_free(&x.chars);
	free(html);
	orgmri_report_free(r);
}

static void test_write_file(void **state)
{
	(void)state;
	orgmri_report *r;
	assert_int_equal(build_sample(&r, ITEMS), 0);
	size_t len;
	char *html = render(r, &len);
	char *dir = tu_tempdir();
	char path[4096];
	snprintf(path, sizeof(path), "%s/report.html", dir);
	orgmri_error err;
	orgmri_error_clear(&err);
	assert_int_equal(orgmri_report_write_file(r, path, &err), 0);
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	char *back = malloc(len + 1);
	assert_int_equal(fread(back, 1, len + 1, fp), len);
	fclose(fp);
	assert_memory_equal(back, html, len);
	/* a folder that does not exist: an error naming the file */
	snprintf(path, sizeof(path), "%s/missing/report.html", dir);
	assert_int_equal(orgmri_report_write_file(r, path, &err), ORGMRI_EIO);
	assert_non_null(strstr(err.message, "missing/report.html"));
	free(back);
	free(html);
	orgmri_report_free(r);
	tu_rmtree(dir);
	free(dir);
}

int main(void)
{
	const char *sample = getenv("ORGMRI_REPORT_SAMPLE");
	if (sample && *sample) {
		orgmri_report *r;
		orgmri_error err;
		orgmri_error_clear(&err);
		/* ORGMRI_REPORT_ITEMS: dots in the scatterplot (benchmark) */
		const char *items = getenv("ORGMRI_REPORT_ITEMS");
		long n = items ? strtol(items, NULL, 10) : ITEMS;
		int rc = build_sample(&r, n > ITEMS ? (size_t)n : ITEMS);
		if (rc == 0)
			rc = orgmri_report_write_file(r, sample, &err);
		if (rc)
			fprintf(stderr, "test_report: %s\n", err.message);
		orgmri_report_free(r);
		return rc ? 1 : 0;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_ticks),
		cmocka_unit_test(test_chart_lines),
		cmocka_unit_test(test_chart_stages),
		cmocka_unit_test(test_chart_flow),
		cmocka_unit_test(test_chart_scatter),
		cmocka_unit_test(test_scatter_cap),
		cmocka_unit_test(test_chart_bars),
		cmocka_unit_test(test_chart_graph),
		cmocka_unit_test(test_chart_graph_big),
		cmocka_unit_test(test_hostile_document),
		cmocka_unit_test(test_sticky_errors),
		cmocka_unit_test(test_blocks),
		cmocka_unit_test(test_write_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
