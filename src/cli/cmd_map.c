/*
 * cmd_map.c - `orgmri map`: the process map (directly-follows graph with
 * frequencies and waiting times, activities with working times, variants)
 * of the stored events, as text, JSON, Graphviz DOT or SVG, and with
 * --html as a one-page HTML report (the drawing, its numbers and the
 * variants).
 */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

#define MAX_EXCLUDE 64

typedef struct map_state {
	orgmri_map_options opts;
	const char *exclude[MAX_EXCLUDE];
	long variants;
	int variants_set;
	long max_activities;   /* drawing: 0 = the chart's default */
	double coverage;       /* drawing: share, 0 = the chart's default */
} map_state;

enum { OPT_TYPE = 1, OPT_DOC, OPT_EXCLUDE, OPT_VARIANTS, OPT_MAXACT,
       OPT_COVERAGE };

static const struct option map_options[] = {
	{ "type", required_argument, NULL, OPT_TYPE },
	{ "document-order", no_argument, NULL, OPT_DOC },
	{ "exclude", required_argument, NULL, OPT_EXCLUDE },
	{ "variants", required_argument, NULL, OPT_VARIANTS },
	{ "max-activities", required_argument, NULL, OPT_MAXACT },
	{ "coverage", required_argument, NULL, OPT_COVERAGE },
	{ NULL, 0, NULL, 0 },
};

static int on_opt(cli_ctx *ctx, int opt, const char *arg, void *p)
{
	map_state *st = p;
	char *end;
	switch (opt) {
	case OPT_TYPE: st->opts.object_type = arg; break;
	case OPT_DOC: st->opts.document_order = 1; break;
	case OPT_EXCLUDE:
		if (st->opts.nexclude >= MAX_EXCLUDE)
			return cli_usage_error(ctx, "at most %d --exclude", MAX_EXCLUDE);
		st->exclude[st->opts.nexclude++] = arg;
		break;
	case OPT_VARIANTS:
		st->variants = strtol(arg, &end, 10);
		if (*end || st->variants < 0)
			return cli_usage_error(ctx, "--variants: not a count: \"%s\"", arg);
		st->variants_set = 1;
		break;
	case OPT_MAXACT:
		st->max_activities = strtol(arg, &end, 10);
		if (*end || st->max_activities < 1 || st->max_activities > 60)
			return cli_usage_error(ctx, "--max-activities: a number from 1 "
			                       "to 60: \"%s\"", arg);
		break;
	case OPT_COVERAGE:
		st->coverage = strtod(arg, &end) / 100;
		if (*end || !(st->coverage > 0 && st->coverage <= 1))
			return cli_usage_error(ctx, "--coverage: a percentage above 0 "
			                       "and at most 100: \"%s\"", arg);
		break;
	default: return 1;
	}
	return 0;
}

/* The variants as a table under the drawing (at most 50). */
static void variants_table(orgmri_report *r, const orgmri_map *m)
{
	static const char *const hd[3] = { "cases", "share", "activities in order" };
	size_t n = m->nvariants < 50 ? m->nvariants : 50;
	char caption[96];
	snprintf(caption, sizeof(caption), "Variants (%zu of %zu, by cases)", n,
	         m->nvariants);
	orgmri_report_table_begin(r, caption, hd, 3, "rrl");
	char seq[ORGMRI_REPORT_TEXT_MAX + 1];
	for (size_t i = 0; i < n; i++) {
		const orgmri_map_variant *v = &m->variants[i];
		char cnt[32], share[32];
		snprintf(cnt, sizeof(cnt), "%lld", v->count);
		snprintf(share, sizeof(share), "%.1f %%", m->cases ?
		         100.0 * (double)v->count / (double)m->cases : 0.0);
		/* the report cuts a cell at ORGMRI_REPORT_TEXT_MAX bytes anyway */
		size_t len = 0;
		seq[0] = '\0';
		for (size_t k = 0; k < v->len && len + 1 < sizeof(seq); k++) {
			int w = snprintf(seq + len, sizeof(seq) - len, "%s%s",
			                 k ? " \xe2\x86\x92 " : "",
			                 m->activities[v->acts[k]].name);
			if (w < 0)
				break;
			len += (size_t)w;
		}
		const char *cells[3] = { cnt, share, seq };
		orgmri_report_table_row(r, cells);
	}
	orgmri_report_table_end(r);
}

/* The drawing of the map with the command's filter options. */
static int make_chart(const map_state *st, const orgmri_map *m,
                      orgmri_map_chart *c, orgmri_error *err)
{
	int rc = orgmri_map_chart_make(m, c, err);
	if (rc)
		return rc;
	c->graph.max_nodes = (size_t)st->max_activities;
	c->graph.coverage = st->coverage;
	return 0;
}

static int write_html(cli_ctx *ctx, const map_state *st, const orgmri_map *m,
                      orgmri_error *err)
{
	char sub[160], a[ORGMRI_TIME_BUFSZ], b[ORGMRI_TIME_BUFSZ];
	if (m->events)
		snprintf(sub, sizeof(sub), "%lld cases, %lld events, %.10s to %.10s",
		         m->cases, m->events, orgmri_time_format(m->first_time, a),
		         orgmri_time_format(m->last_time, b));
	else
		snprintf(sub, sizeof(sub), "no events");
	orgmri_report *r;
	int rc = orgmri_report_new(&r, "orgmri map", sub, err);
	if (rc)
		return rc;
	orgmri_map_chart c;
	if ((rc = make_chart(st, m, &c, err))) {
		orgmri_report_free(r);
		return rc;
	}
	orgmri_report_section(r, "Process map");
	orgmri_report_chart_graph(r, &c.graph);
	variants_table(r, m);
	rc = orgmri_report_write_file(r, ctx->html, err);
	orgmri_map_chart_free(&c);
	orgmri_report_free(r);
	return rc;
}

static int run(cli_ctx *ctx, int argc, char **argv)
{
	map_state st;
	memset(&st, 0, sizeof(st));
	orgmri_map_options defaults = ORGMRI_MAP_OPTIONS_INIT;
	st.opts = defaults;
	st.opts.exclude = st.exclude;
	/* The synthetic per-object events of an OCEL log are not steps of
	 * the process. */
	st.exclude[st.opts.nexclude++] = ORGMRI_OCEL_OBJECT_ACTIVITY;
	int first, status = cli_parse(ctx, &cmd_map, argc, argv, map_options, "",
	                              on_opt, &st, &first);
	if (status >= 0)
		return status;
	if (first < argc)
		return cli_usage_error(ctx, "unexpected argument '%s'", argv[first]);
	if ((status = cli_check_format(ctx, "text,json,dot,svg")))
		return status;
	st.opts.since = ctx->since;
	st.opts.until = ctx->until;
	const char *fmt = ctx->format ? ctx->format : "text";
	size_t maxv = st.variants_set ? (size_t)st.variants
	              : strcmp(fmt, "text") == 0 ? 20 : 0;
	orgmri_store *store;
	if ((status = cli_open_store(ctx, &store, 1)))
		return status;
	orgmri_error err;
	orgmri_error_clear(&err);
	orgmri_table *t = NULL;
	orgmri_map *m = NULL;
	int rc = orgmri_table_load(store, &t, &err);
	if (!rc)
		rc = orgmri_map_build(t, &st.opts, &m, &err);
	if (rc) {
		cli_error(ctx, &err);
		status = EXIT_FAIL;
		goto done;
	}
	if (ctx->html) {
		if (write_html(ctx, &st, m, &err)) {
			cli_error(ctx, &err);
			status = EXIT_FAIL;
			goto done;
		}
		if (!ctx->quiet)
			fprintf(stderr, "%s: wrote the process map\n", ctx->html);
		if (!ctx->format && !ctx->output)
			goto done;
	}
	if ((status = cli_open_output(ctx)))
		goto done;
	if (strcmp(fmt, "svg") == 0) {
		orgmri_map_chart c;
		int rc2 = make_chart(&st, m, &c, &err);
		if (!rc2) {
			rc2 = orgmri_chart_graph_write_svg(&c.graph, ctx->out, &err);
			orgmri_map_chart_free(&c);
		}
		if (rc2) {
			cli_error(ctx, &err);
			status = EXIT_FAIL;
		}
	} else if (strcmp(fmt, "json") == 0)
		orgmri_map_write_json(m, ctx->out, maxv);
	else if (strcmp(fmt, "dot") == 0)
		orgmri_map_write_dot(m, ctx->out);
	else
		orgmri_map_write_text(m, ctx->out, maxv);
	if (cli_close_output(ctx))
		status = EXIT_FAIL;
done:
	orgmri_map_free(m);
	orgmri_table_free(t);
	orgmri_store_close(store);
	return status;
}

const cli_command cmd_map = {
	"map", "the process map: directly-follows graph, times, variants",
	"usage: orgmri map [--type TYPE] [--document-order] [--exclude ACTIVITY]\n"
	"                  [--variants N] [--since DATE] [--until DATE]\n"
	"                  [--format text|json|dot|svg] [-o FILE] [--html FILE]\n"
	"                  [--max-activities N] [--coverage PCT]\n"
	"\n"
	"The directly-follows graph of the stored events: per edge the number of\n"
	"times one activity directly follows another within an object and the\n"
	"waiting time between them (median, mean); per activity its events and\n"
	"working time from lifecycle start/complete pairs; the variants (distinct\n"
	"activity sequences) with their counts.  Definitions: docs/eventlogs.md.\n"
	"\n"
	"Options:\n"
	"  --type TYPE        only objects of this type (e.g. case, change, issue)\n"
	"  --document-order   order each object's events as in the source file\n"
	"                     (XES position) instead of by time\n"
	"  --exclude ACT      leave this activity out (repeatable); ocel:object\n"
	"                     (OCEL object attributes) is always left out\n"
	"  --variants N       list at most N variants (text default 20, else all)\n"
	"  --since DATE, --until DATE   only events in this window\n"
	"  --format FMT       text (default), json, dot (Graphviz) or svg (the\n"
	"                     map drawn, as in the HTML report)\n"
	"  --html FILE        write the map, its numbers and the variants as a\n"
	"                     self-contained HTML page (alone, unless --format\n"
	"                     or -o asks for more)\n"
	"  --max-activities N draw at most the N most frequent activities\n"
	"                     (svg and html; default 16, at most 60)\n"
	"  --coverage PCT     draw transitions, strongest first, until they cover\n"
	"                     PCT% of all (svg and html; default 95; each drawn\n"
	"                     activity keeps its strongest way in and out)\n",
	run,
};
