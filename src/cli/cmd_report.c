/*
 * cmd_report.c - `orgmri report --html FILE`: the scan's HTML report from
 * the store as it is.
 */
#include "cli/cli.h"
#include "orgmri/diagnose.h"

static int run(cli_ctx *ctx, int argc, char **argv)
{
	orgmri_diagnose_options o = ORGMRI_DIAGNOSE_OPTIONS_INIT;
	int first, status = cli_parse(ctx, &cmd_report, argc, argv, diag_options,
	                              "", diag_on_opt, &o, &first);
	if (status >= 0)
		return status;
	if (first < argc)
		return cli_usage_error(ctx, "unexpected argument '%s'", argv[first]);
	if (!ctx->html)
		return cli_usage_error(ctx, "name the file to write with --html FILE");
	if ((status = diag_check_periods(ctx, &o)))
		return status;
	orgmri_store *store;
	if ((status = cli_open_store(ctx, &store, 1)))
		return status;
	status = diag_run(ctx, store, &o, DIAG_HTML_ONLY);
	orgmri_store_close(store);
	return status;
}

const cli_command cmd_report = {
	"report", "write the diagnosis as a self-contained HTML report",
	"usage: orgmri report --html FILE [--split DATE | --before FROM..TO\n"
	"                     --after FROM..TO] [--seed N] [--since DATE]\n"
	"                     [--until DATE] [--team T] [--repo R]\n"
	"\n"
	"Write what `orgmri scan` shows, from the store as it is, as one HTML\n"
	"file with the DORA tiles, lead time and deployments per week, the\n"
	"stage waterfall before and after, the cumulative flow, the cycle-time\n"
	"scatter, review load and the recommendations (docs/report.md).  It\n"
	"needs no network when opened and prints well.\n",
	run,
};
