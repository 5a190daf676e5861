/* fuzz_report.c - any strings and numbers put into an HTML report must
 * give a well-formed document in which no element or attribute came from
 * the data: the input is split at newlines into strings (titles, names,
 * cells) and its bytes also make the chart values (NaN, infinities and
 * huge numbers included).  expat parses the result; a parse error, an
 * <img>/<script> element or an on* attribute aborts. */
#include <expat.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "orgmri/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NSTR 8

static void on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	(void)ud;
	if (strcmp(name, "img") == 0 || strcmp(name, "script") == 0)
		abort();
	for (size_t i = 0; atts[i]; i += 2)
		if (strncmp(atts[i], "on", 2) == 0)
			abort();
}

/* A value from 8 bytes: any double, NaN and infinities included. */
static double value(const uint8_t *data, size_t size, size_t i)
{
	double v = (double)i;
	if (size >= 8) {
		uint64_t bits = 0;
		for (size_t k = 0; k < 8; k++)
			bits = bits << 8 | data[(i * 8 + k) % size];
		memcpy(&v, &bits, sizeof(v));
	}
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 65536)
		return 0;
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	const char *s[NSTR];
	size_t n = 0;
	for (char *p = text; n < NSTR; n++) {
		s[n] = p;
		char *nl = strchr(p, '\n');
		if (!nl) {
			n++;
			break;
		}
		*nl = '\0';
		p = nl + 1;
	}
	for (size_t i = n; i < NSTR; i++)
		s[i] = "";

	double v[NSTR];
	int64_t x[NSTR];
	for (size_t i = 0; i < NSTR; i++) {
		v[i] = value(data, size, i);
		/* times: a regular series, or (odd sizes) any int64 at all */
		x[i] = (int64_t)i * 86400000LL * (1 + (size % 40));
		if (size % 2)
			memcpy(&x[i], &v[i], sizeof(x[i]));
	}
	orgmri_report *r;
	if (orgmri_report_new(&r, s[0], s[1], NULL)) {
		free(text);
		return 0;
	}
	orgmri_report_section(r, s[2]);
	orgmri_report_paragraph(r, s[3]);
	orgmri_report_tile tile = { s[4], s[5], s[6], s[7], ORGMRI_TONE_POOR, s[0] };
	orgmri_report_tiles(r, &tile, 1);
	orgmri_chart_series ser = { s[1], v };
	orgmri_chart_lines lc = ORGMRI_CHART_LINES_INIT;
	lc.text.title = s[2];
	lc.text.how_to_read = s[3];
	lc.y_label = s[4];
	lc.y_unit = s[5];
	lc.x = x;
	lc.n = NSTR;
	lc.series = &ser;
	lc.nseries = 1;
	lc.split = x[3];
	lc.split_label = s[6];
	orgmri_report_chart_lines(r, &lc);
	orgmri_chart_bars bc = ORGMRI_CHART_BARS_INIT;
	orgmri_chart_refline line = { v[2], s[7] };
	bc.text.title = s[0];
	bc.labels = s;
	bc.values = v;
	bc.n = NSTR;
	bc.line = &line;
	orgmri_report_chart_bars(r, &bc);
	orgmri_chart_scatter sc = ORGMRI_CHART_SCATTER_INIT;
	sc.text.title = s[1];
	sc.x = x;
	sc.y = v;
	sc.labels = s;
	sc.n = NSTR;
	sc.lines = &line;
	sc.nlines = 1;
	orgmri_report_chart_scatter(r, &sc);
	orgmri_chart_stages st = ORGMRI_CHART_STAGES_INIT;
	st.text.title = s[2];
	st.stages = s;
	st.nstages = 4;
	st.period[0] = s[5];
	st.period[1] = s[6];
	st.wait[0] = v;
	st.work[0] = v + 1;
	st.wait[1] = v + 2;
	st.work[1] = v + 4;
	st.constraint = (long)(size % 5);
	orgmri_report_chart_stages(r, &st);
	orgmri_chart_flow fc = ORGMRI_CHART_FLOW_INIT;
	fc.text.title = s[3];
	fc.x = x;
	fc.n = 4;
	fc.stages = s;
	fc.nstages = 2;
	fc.counts = v;
	orgmri_report_chart_flow(r, &fc);
	/* a process map: nodes named by the strings, edges between any of
	 * them (self-loops, both directions, out-of-range ends) from bytes */
	orgmri_chart_graph_node gn[NSTR];
	orgmri_chart_graph_edge ge[2 * NSTR];
	for (size_t i = 0; i < NSTR; i++) {
		gn[i] = (orgmri_chart_graph_node){ s[i], v[i], v[(i + 1) % NSTR],
		                                   v[(i + 2) % NSTR], v[(i + 3) % NSTR] };
		for (size_t k = 0; k < 2; k++) {
			size_t j = 2 * i + k;
			unsigned char a = size ? data[j % size] : 0;
			unsigned char b = size ? data[(j * 7 + 3) % size] : 0;
			ge[j] = (orgmri_chart_graph_edge){ a % (NSTR + 1), b % NSTR,
			                                   v[j % NSTR], v[(j + 5) % NSTR] };
		}
	}
	orgmri_chart_graph gc = ORGMRI_CHART_GRAPH_INIT;
	gc.text.title = s[4];
	gc.text.how_to_read = s[5];
	gc.unit = size % 3 ? "hours" : s[6];
	gc.nodes = gn;
	gc.nnodes = NSTR;
	gc.edges = ge;
	gc.nedges = 2 * NSTR;
	gc.max_nodes = size % 7;
	gc.coverage = v[1];
	orgmri_report_chart_graph(r, &gc);

	char *html;
	size_t len;
	if (orgmri_report_render(r, &html, &len, NULL) == 0) {
		XML_Parser p = XML_ParserCreate("UTF-8");
		if (!p)
			abort();
		XML_SetElementHandler(p, on_start, NULL);
		if (XML_Parse(p, html, (int)len, 1) != XML_STATUS_OK)
			abort();
		XML_ParserFree(p);
		free(html);
	}
	orgmri_report_free(r);
	free(text);
	return 0;
}
