/*
 * cmd_scan.c - `orgmri scan [SOURCE...]`: ingest, then the whole
 * diagnosis on one screen (or as JSON).
 */
#include <string.h>

#include "cli/cli.h"
#include "orgmri/diagnose.h"
#include "orgmri/render.h"

static int run(cli_ctx *ctx, int argc, char **argv)
{
	orgmri_diagnose_options o = ORGMRI_DIAGNOSE_OPTIONS_INIT;
	int first, status = cli_parse(ctx, &cmd_scan, argc, argv, diag_options,
	                              "", diag_on_opt, &o, &first);
	if (status >= 0)
		return status;
	if ((status = cli_check_format(ctx, "text,json")) ||
	    (status = diag_check_periods(ctx, &o)))
		return status;
	orgmri_store *store;
	if ((status = cli_open_store(ctx, &store, first >= argc)))
		return status;
	if (first < argc) {
		orgmri_ingest_options io = ORGMRI_INGEST_OPTIONS_INIT;
		status = cli_ingest_sources(ctx, store, argv + first, argc - first,
		                            &io);
		if (status) {
			orgmri_store_close(store);
			return status;
		}
	}
	status = diag_run(ctx, store, &o, 0);
	orgmri_store_close(store);
	return status;
}

const cli_command cmd_scan = {
	"scan", "the whole diagnosis: faster?, where the time went, the constraint",
	"usage: orgmri scan [SOURCE...] [--split DATE | --before FROM..TO\n"
	"                   --after FROM..TO] [--format text|json] [-o FILE]\n"
	"                   [--html FILE] [--seed N] [--since DATE] [--until DATE]\n"
	"\n"
	"Ingest each SOURCE (any kind `orgmri ingest` reads; none = use the\n"
	"store as it is), then answer on one screen: are we faster (the\n"
	"before/after figures of `orgmri compare`), where did the time go (per\n"
	"stage, waiting vs working), what is the constraint now (utilisation,\n"
	"queue growth, waiting share, with a confidence, or 'cannot tell'),\n"
	"how healthy are we, and what to fix first.  Notes name missing data.\n"
	"Same sources and seed: the same output.  JSON: schema orgmri.scan/1\n"
	"(docs/json.md).  Colour only on a terminal, never with NO_COLOR.\n"
	"\n"
	"  --html FILE   also write the report as one self-contained HTML file\n"
	"                (charts drawn inline, no network needed to open it)\n"
	"Other options as for `orgmri compare`.\n",
	run,
};
