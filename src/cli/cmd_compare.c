/*
 * cmd_compare.c - `orgmri compare`: the before/after ("paradox") report.
 */
#include "cli/cli.h"
#include "orgmri/diagnose.h"
#include "orgmri/render.h"

static int run(cli_ctx *ctx, int argc, char **argv)
{
	orgmri_diagnose_options o = ORGMRI_DIAGNOSE_OPTIONS_INIT;
	int first, status = cli_parse(ctx, &cmd_compare, argc, argv, diag_options,
	                              "", diag_on_opt, &o, &first);
	if (status >= 0)
		return status;
	if (first < argc)
		return cli_usage_error(ctx, "unexpected argument '%s'", argv[first]);
	if ((status = cli_check_format(ctx, "text,json")) ||
	    (status = diag_check_periods(ctx, &o)))
		return status;
	orgmri_store *store;
	if ((status = cli_open_store(ctx, &store, 1)))
		return status;
	status = diag_run(ctx, store, &o, ORGMRI_RENDER_COMPARE_ONLY);
	orgmri_store_close(store);
	return status;
}

const cli_command cmd_compare = {
	"compare", "before/after: individual vs organisational speed, per stage",
	"usage: orgmri compare [--split DATE | --before FROM..TO --after FROM..TO]\n"
	"                      [--seed N] [--resamples N] [--format text|json]\n"
	"                      [--since DATE] [--until DATE] [--team T] [--repo R]\n"
	"\n"
	"Compare two periods: individual figures (coding time, changes and\n"
	"commits per author, change size, AI-assisted share) beside the\n"
	"organisation's (lead time, deployment frequency, change failure rate,\n"
	"time to restore, rework, delivery rate, issue kick-off to production),\n"
	"then each stage's time before and after with the change in mean lead\n"
	"time split into stage contributions that add up.  Every change has a\n"
	"95% bootstrap interval and says when it is within noise.\n"
	"\n"
	"The split defaults to compare.split in .orgmri (e.g. the AI rollout\n"
	"date), else the middle of the data.  Changes belong to the period in\n"
	"which they were opened.\n"
	"\n"
	"  --split DATE          periods are [start, DATE) and [DATE, end]\n"
	"  --before FROM..TO     two explicit periods\n"
	"  --after FROM..TO\n"
	"  --seed N              bootstrap seed (default 1): same seed, same output\n"
	"  --resamples N         bootstrap resamples (default 2000)\n",
	run,
};
