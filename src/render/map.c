/*
 * map.c - the process map (map.h) as text, JSON, Graphviz DOT and SVG
 * (drawn by svg_graph.c).
 *
 * Durations are milliseconds in JSON (exact: medians of integer
 * milliseconds are whole or halves, means are printed to 0.001 ms) and
 * human units in text and DOT.  Names are escaped for each format.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "orgmri/map.h"
#include "orgmri/time.h"

/* "3d 4h", "2h 5m", "12m 3s", "4.2s", "0s" */
static const char *human(double ms, char *buf, size_t size)
{
	double s = ms / 1000.0;
	if (s >= 86400)
		snprintf(buf, size, "%.0fd %.0fh", (double)(long long)(s / 86400),
		         (double)((long long)s % 86400 / 3600));
	else if (s >= 3600)
		snprintf(buf, size, "%.0fh %.0fm", (double)(long long)(s / 3600),
		         (double)((long long)s % 3600 / 60));
	else if (s >= 60)
		snprintf(buf, size, "%.0fm %.0fs", (double)(long long)(s / 60),
		         (double)((long long)s % 60));
	else
		snprintf(buf, size, "%.3gs", s);
	return buf;
}

static int finish_write(FILE *fp)
{
	return ferror(fp) ? ORGMRI_EIO : 0;
}

static size_t shown(const orgmri_map *m, size_t max)
{
	return max && max < m->nvariants ? max : m->nvariants;
}

int orgmri_map_write_text(const orgmri_map *m, FILE *fp, size_t max_variants)
{
	char a[ORGMRI_TIME_BUFSZ], b[ORGMRI_TIME_BUFSZ], h1[48], h2[48];
	fprintf(fp, "cases %lld, events %lld, activities %zu, edges %zu, "
	        "variants %zu\n", m->cases, m->events, m->nactivities, m->nedges,
	        m->nvariants);
	if (m->events)
		fprintf(fp, "from %s to %s\n", orgmri_time_format(m->first_time, a),
		        orgmri_time_format(m->last_time, b));
	fprintf(fp, "\nactivities (events, starts, ends, working time median / "
	        "mean over start-complete pairs)\n");
	for (size_t i = 0; i < m->nactivities; i++) {
		const orgmri_map_activity *x = &m->activities[i];
		fprintf(fp, "  %-40s %8lld %7lld %7lld", x->name, x->count, x->starts,
		        x->ends);
		if (x->work_pairs)
			fprintf(fp, "  %s / %s (%lld pairs)",
			        human(x->work_median_ms, h1, sizeof(h1)),
			        human(x->work_mean_ms, h2, sizeof(h2)), x->work_pairs);
		fputc('\n', fp);
	}
	fprintf(fp, "\ndirectly-follows edges (count, waiting time median / "
	        "mean)\n");
	for (size_t i = 0; i < m->nedges; i++) {
		const orgmri_map_edge *e = &m->edges[i];
		fprintf(fp, "  %s -> %s  %lld  %s / %s\n",
		        m->activities[e->from].name, m->activities[e->to].name,
		        e->count, human(e->wait_median_ms, h1, sizeof(h1)),
		        human(e->wait_mean_ms, h2, sizeof(h2)));
	}
	size_t nv = shown(m, max_variants);
	fprintf(fp, "\nvariants (%zu of %zu, by cases)\n", nv, m->nvariants);
	for (size_t v = 0; v < nv; v++) {
		const orgmri_map_variant *x = &m->variants[v];
		fprintf(fp, "  %6lld  ", x->count);
		for (size_t i = 0; i < x->len; i++)
			fprintf(fp, "%s%s", i ? ", " : "", m->activities[x->acts[i]].name);
		fputc('\n', fp);
	}
	return finish_write(fp);
}

static void json_str(FILE *fp, const char *s)
{
	orgmri_buf b = ORGMRI_BUF_INIT;
	orgmri_buf_put_json_string(&b, s, strlen(s));
	if (!b.oom && b.len)
		fwrite(b.ptr, 1, b.len, fp);
	orgmri_buf_free(&b);
}

int orgmri_map_write_json(const orgmri_map *m, FILE *fp, size_t max_variants)
{
	char a[ORGMRI_TIME_BUFSZ];
	fprintf(fp, "{\"schema\":\"orgmri.map/1\",\"cases\":%lld,"
	        "\"events\":%lld", m->cases, m->events);
	if (m->events) {
		fprintf(fp, ",\"first_time\":\"%s\"", orgmri_time_format(m->first_time, a));
		fprintf(fp, ",\"last_time\":\"%s\"", orgmri_time_format(m->last_time, a));
	}
	fputs(",\"activities\":[", fp);
	for (size_t i = 0; i < m->nactivities; i++) {
		const orgmri_map_activity *x = &m->activities[i];
		fputs(i ? ",{\"name\":" : "{\"name\":", fp);
		json_str(fp, x->name);
		fprintf(fp, ",\"count\":%lld,\"starts\":%lld,\"ends\":%lld,"
		        "\"work_pairs\":%lld", x->count, x->starts, x->ends,
		        x->work_pairs);
		if (x->work_pairs)
			fprintf(fp, ",\"work_median_ms\":%.1f,\"work_mean_ms\":%.3f",
			        x->work_median_ms, x->work_mean_ms);
		fputc('}', fp);
	}
	fputs("],\"edges\":[", fp);
	for (size_t i = 0; i < m->nedges; i++) {
		const orgmri_map_edge *e = &m->edges[i];
		fputs(i ? ",{\"from\":" : "{\"from\":", fp);
		json_str(fp, m->activities[e->from].name);
		fputs(",\"to\":", fp);
		json_str(fp, m->activities[e->to].name);
		fprintf(fp, ",\"count\":%lld,\"wait_median_ms\":%.1f,"
		        "\"wait_mean_ms\":%.3f}", e->count, e->wait_median_ms,
		        e->wait_mean_ms);
	}
	fprintf(fp, "],\"variants_total\":%zu,\"variants\":[", m->nvariants);
	size_t nv = shown(m, max_variants);
	for (size_t v = 0; v < nv; v++) {
		const orgmri_map_variant *x = &m->variants[v];
		fprintf(fp, "%s{\"count\":%lld,\"activities\":[", v ? "," : "",
		        x->count);
		for (size_t i = 0; i < x->len; i++) {
			if (i)
				fputc(',', fp);
			json_str(fp, m->activities[x->acts[i]].name);
		}
		fputs("]}", fp);
	}
	fputs("]}\n", fp);
	return finish_write(fp);
}

/* A DOT double-quoted string. */
static void dot_str(FILE *fp, const char *s)
{
	fputc('"', fp);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', fp);
		if (*s == '\n')
			fputs("\\n", fp);
		else
			fputc(*s, fp);
	}
	fputc('"', fp);
}

int orgmri_map_write_dot(const orgmri_map *m, FILE *fp)
{
	char h[48];
	long long maxc = 1;
	for (size_t i = 0; i < m->nedges; i++)
		if (m->edges[i].count > maxc)
			maxc = m->edges[i].count;
	fputs("digraph process_map {\n  rankdir=LR;\n"
	      "  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n"
	      "  start [shape=circle, label=\"\", width=0.25];\n"
	      "  end [shape=doublecircle, label=\"\", width=0.25];\n", fp);
	for (size_t i = 0; i < m->nactivities; i++) {
		const orgmri_map_activity *x = &m->activities[i];
		fprintf(fp, "  a%zu [label=", i);
		char label[1200];
		snprintf(label, sizeof(label), "%.1000s\n%lld", x->name, x->count);
		dot_str(fp, label);
		fputs("];\n", fp);
		if (x->starts)
			fprintf(fp, "  start -> a%zu [label=\"%lld\"];\n", i, x->starts);
		if (x->ends)
			fprintf(fp, "  a%zu -> end [label=\"%lld\"];\n", i, x->ends);
	}
	for (size_t i = 0; i < m->nedges; i++) {
		const orgmri_map_edge *e = &m->edges[i];
		double pw = 1.0 + 4.0 * (double)e->count / (double)maxc;
		fprintf(fp, "  a%u -> a%u [label=\"%lld / %s\", penwidth=%.2f];\n",
		        e->from, e->to, e->count,
		        human(e->wait_median_ms, h, sizeof(h)), pw);
	}
	fputs("}\n", fp);
	return finish_write(fp);
}

/* ---- chart -------------------------------------------------------------- */

typedef struct time_unit {
	const char *name;
	double ms;
} time_unit;

/* The largest unit the longest median reaches (at least 1 of it); days
 * only from two days on, so a few hours stay in hours. */
static time_unit pick_unit(const orgmri_map *m)
{
	double top = 0;
	for (size_t i = 0; i < m->nedges; i++)
		if (isfinite(m->edges[i].wait_median_ms))
			top = fmax(top, m->edges[i].wait_median_ms);
	for (size_t i = 0; i < m->nactivities; i++)
		if (m->activities[i].work_pairs > 0)
			top = fmax(top, m->activities[i].work_median_ms);
	if (top >= 2 * 86400000.0)
		return (time_unit){ "days", 86400000.0 };
	if (top >= 3600000.0)
		return (time_unit){ "hours", 3600000.0 };
	if (top >= 60000.0)
		return (time_unit){ "minutes", 60000.0 };
	return (time_unit){ "seconds", 1000.0 };
}

int orgmri_map_chart_make(const orgmri_map *m, orgmri_map_chart *out,
                          orgmri_error *err)
{
	memset(out, 0, sizeof(*out));
	out->nodes = calloc(m->nactivities ? m->nactivities : 1,
	                    sizeof(*out->nodes));
	out->edges = calloc(m->nedges ? m->nedges : 1, sizeof(*out->edges));
	if (!out->nodes || !out->edges) {
		orgmri_map_chart_free(out);
		return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	}
	time_unit u = pick_unit(m);
	for (size_t i = 0; i < m->nactivities; i++) {
		const orgmri_map_activity *a = &m->activities[i];
		out->nodes[i] = (orgmri_chart_graph_node){
			.name = a->name, .count = (double)a->count,
			.starts = (double)a->starts, .ends = (double)a->ends,
			.work = a->work_pairs > 0 ? a->work_median_ms / u.ms : NAN };
	}
	for (size_t i = 0; i < m->nedges; i++) {
		const orgmri_map_edge *e = &m->edges[i];
		out->edges[i] = (orgmri_chart_graph_edge){
			.from = e->from, .to = e->to, .count = (double)e->count,
			.wait = e->wait_median_ms / u.ms };
	}
	orgmri_chart_graph *g = &out->graph;
	*g = (orgmri_chart_graph)ORGMRI_CHART_GRAPH_INIT;
	g->text.title = "Process map";
	g->text.how_to_read = "Boxes are activities with their number of "
		"events (and median working time where start and complete "
		"events pair up); arrows are the transitions from one activity "
		"directly to the next within an item, thicker for more, labelled "
		"with how many and the median wait between the two. Orange "
		"arrows loop back (repeated work). Rare activities and "
		"transitions are left out of the drawing, as the line at the "
		"bottom says; the table lists them all.";
	g->unit = u.name;
	g->nodes = out->nodes;
	g->nnodes = m->nactivities;
	g->edges = out->edges;
	g->nedges = m->nedges;
	return 0;
}

void orgmri_map_chart_free(orgmri_map_chart *c)
{
	free(c->nodes);
	free(c->edges);
	c->nodes = NULL;
	c->edges = NULL;
}

int orgmri_map_write_svg(const orgmri_map *m, FILE *fp, orgmri_error *err)
{
	orgmri_map_chart c;
	int rc = orgmri_map_chart_make(m, &c, err);
	if (rc)
		return rc;
	rc = orgmri_chart_graph_write_svg(&c.graph, fp, err);
	orgmri_map_chart_free(&c);
	return rc;
}
