/*
 * map.c - the process map (map.h) as text, JSON and Graphviz DOT.
 *
 * Durations are milliseconds in JSON (exact: medians of integer
 * milliseconds are whole or halves, means are printed to 0.001 ms) and
 * human units in text and DOT.  Names are escaped for each format.
 */
#include <stdio.h>
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
	fprintf(fp, "{\"cases\":%lld,\"events\":%lld", m->cases, m->events);
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
