/*
 * cmd_export.c - `orgmri export`: the store written back out in the
 * canonical format (JSONL or CSV), ordered by object then time, so that
 * export -> ingest into a new store -> export gives the same bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

/* First pass for CSV: the set of attribute names, sorted. */
typedef struct names_sink {
	orgmri_sink sink;
	char **names;
	size_t n, cap;
	int oom;
} names_sink;

static int collect_names(orgmri_sink *s, const orgmri_event *ev,
                         orgmri_error *err)
{
	names_sink *ns = (names_sink *)s;
	for (size_t a = 0; a < ev->nattrs; a++) {
		size_t i = 0;
		while (i < ns->n && strcmp(ns->names[i], ev->attrs[a].name))
			i++;
		if (i < ns->n)
			continue;
		if (ns->n == ns->cap) {
			size_t cap = ns->cap ? ns->cap * 2 : 16;
			char **nn = realloc(ns->names, cap * sizeof(*nn));
			if (!nn)
				goto oom;
			ns->names = nn;
			ns->cap = cap;
		}
		if (!(ns->names[ns->n] = strdup(ev->attrs[a].name)))
			goto oom;
		ns->n++;
	}
	return 0;
oom:
	err->code = ORGMRI_ENOMEM;
	snprintf(err->message, sizeof(err->message), "out of memory");
	return ORGMRI_ENOMEM;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Process-mining formats (docs/eventlogs.md). */
static int export_eventlog(cli_ctx *ctx, orgmri_store *store,
                           orgmri_error *err)
{
	orgmri_eventlog_writer *w;
	int rc = strcmp(ctx->format, "xes") == 0
	         ? orgmri_xes_writer_new(&w, ctx->out, "orgmri", err)
	         : orgmri_ocel_writer_new(&w, ctx->out, err);
	if (rc)
		return rc;
	rc = orgmri_store_replay(store, ctx->since, ctx->until,
	                         orgmri_eventlog_writer_sink(w), err);
	int crc = orgmri_eventlog_writer_close(w, rc ? NULL : err);
	return rc ? rc : crc;
}

static int run(cli_ctx *ctx, int argc, char **argv)
{
	int first, status = cli_parse(ctx, &cmd_export, argc, argv, NULL, NULL,
	                              NULL, NULL, &first);
	if (status >= 0)
		return status;
	if (first < argc)
		return cli_usage_error(ctx, "unexpected argument '%s'", argv[first]);
	if (!ctx->format)
		ctx->format = "jsonl";
	if ((status = cli_check_format(ctx, "jsonl,csv,xes,ocel")))
		return status;
	orgmri_store *store;
	if ((status = cli_open_store(ctx, &store, 1)))
		return status;
	orgmri_error err;
	orgmri_error_clear(&err);
	names_sink ns = { { collect_names }, NULL, 0, 0, 0 };
	orgmri_writer *w = NULL;
	int rc = 0;
	if ((status = cli_open_output(ctx)))
		goto done;
	if (strcmp(ctx->format, "xes") == 0 || strcmp(ctx->format, "ocel") == 0) {
		rc = export_eventlog(ctx, store, &err);
		goto done;
	}
	if (strcmp(ctx->format, "csv") == 0) {
		if ((rc = orgmri_store_replay(store, ctx->since, ctx->until,
		                              &ns.sink, &err)))
			goto done;
		if (ns.n > 1)
			qsort(ns.names, ns.n, sizeof(*ns.names), cmp_str);
		rc = orgmri_csv_writer_new(&w, ctx->out,
		                           (const char *const *)ns.names, ns.n, &err);
	} else {
		rc = orgmri_jsonl_writer_new(&w, ctx->out, &err);
	}
	if (!rc)
		rc = orgmri_store_replay(store, ctx->since, ctx->until,
		                         orgmri_writer_sink(w), &err);
	if (w) {
		int crc = orgmri_writer_close(w, rc ? NULL : &err);
		rc = rc ? rc : crc;
	}
done:
	if (rc)
		cli_error(ctx, &err);
	if (cli_close_output(ctx))
		status = EXIT_FAIL;
	for (size_t i = 0; i < ns.n; i++)
		free(ns.names[i]);
	free(ns.names);
	orgmri_store_close(store);
	return rc ? EXIT_FAIL : status;
}

const cli_command cmd_export = {
	"export", "write the store out (canonical JSONL/CSV, XES, OCEL 2.0)",
	"usage: orgmri export [--format jsonl|csv|xes|ocel] [--since DATE]\n"
	"                     [--until DATE]\n"
	"                     [-o FILE] [--db PATH]\n"
	"\n"
	"Write every stored event in orgmri's canonical format (docs/formats.md),\n"
	"ordered by object, then time.  Ingesting the output into a new store\n"
	"and exporting again gives the same bytes.  Default format: jsonl.\n"
	"--format xes writes an XES log (one trace per object) and --format ocel\n"
	"an OCEL 2.0 JSON log, for process-mining tools (docs/eventlogs.md).\n",
	run,
};
