/*
 * cmd_map.c - `orgmri map`: the process map (directly-follows graph with
 * frequencies and waiting times, activities with working times, variants)
 * of the stored events, as text, JSON or Graphviz DOT.
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
} map_state;

enum { OPT_TYPE = 1, OPT_DOC, OPT_EXCLUDE, OPT_VARIANTS };

static const struct option map_options[] = {
	{ "type", required_argument, NULL, OPT_TYPE },
	{ "document-order", no_argument, NULL, OPT_DOC },
	{ "exclude", required_argument, NULL, OPT_EXCLUDE },
	{ "variants", required_argument, NULL, OPT_VARIANTS },
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
	default: return 1;
	}
	return 0;
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
	if ((status = cli_check_format(ctx, "text,json,dot")))
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
	if ((status = cli_open_output(ctx)))
		goto done;
	if (strcmp(fmt, "json") == 0)
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
	"                  [--format text|json|dot] [-o FILE]\n"
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
	"  --format FMT       text (default), json or dot (Graphviz)\n",
	run,
};
