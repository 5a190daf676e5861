/*
 * cmd_forecast.c - `orgmri forecast`: Monte Carlo delivery forecasts from
 * resampled weekly throughput: when N more items will be done, and how
 * many will be done by a date, at 50/85/95%.
 */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

#define MS_PER_DAY (3600000LL * 24)
#define MS_PER_WEEK (MS_PER_DAY * 7)

enum { OPT_ITEMS = 2100, OPT_BY, OPT_WINDOW, OPT_TRIALS, OPT_FSEED };

static const struct option fc_options[] = {
	{ "items", required_argument, NULL, OPT_ITEMS },
	{ "by", required_argument, NULL, OPT_BY },
	{ "window", required_argument, NULL, OPT_WINDOW },
	{ "trials", required_argument, NULL, OPT_TRIALS },
	{ "seed", required_argument, NULL, OPT_FSEED },
	{ NULL, 0, NULL, 0 },
};

typedef struct fc_args {
	long items, window, trials, seed;
	int64_t by;
	int has_by;
} fc_args;

static int number(cli_ctx *ctx, const char *name, const char *arg, long lo,
                  long hi, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(arg, &end, 10);
	if (errno || *end || end == arg || v < lo || v > hi)
		return cli_usage_error(ctx, "--%s: expected a whole number "
		                       "%ld..%ld, got \"%s\"", name, lo, hi, arg);
	*out = v;
	return 0;
}

static int on_option(cli_ctx *ctx, int opt, const char *arg, void *st)
{
	fc_args *a = st;
	switch (opt) {
	case OPT_ITEMS: return number(ctx, "items", arg, 1, 10000000, &a->items);
	case OPT_WINDOW: return number(ctx, "window", arg, 1, 520, &a->window);
	case OPT_TRIALS: return number(ctx, "trials", arg, 1, 10000000,
	                               &a->trials);
	case OPT_FSEED: return number(ctx, "seed", arg, 0, 2147483647L, &a->seed);
	case OPT_BY:
		if (cli_parse_time(arg, &a->by))
			return cli_usage_error(ctx, "--by: not a date: \"%s\"", arg);
		a->has_by = 1;
		return 0;
	}
	return cli_usage_error(ctx, "unexpected option");
}

static const int pct[3] = { 50, 85, 95 };

static int report(cli_ctx *ctx, const fc_args *a, int64_t end,
                  const double *weekly, const double *when,
                  const double *howmany, long by_weeks)
{
	char t[ORGMRI_TIME_BUFSZ], d[ORGMRI_TIME_BUFSZ];
	double sum = 0;
	for (long i = 0; i < a->window; i++)
		sum += weekly[i];
	int json = ctx->format && strcmp(ctx->format, "json") == 0;
	int status = cli_open_output(ctx);
	if (status)
		return status;
	orgmri_time_format(end, t);
	if (!json) {
		fprintf(ctx->out, "throughput: %ld weeks before %s, %.1f items per "
		        "week on average:", a->window, t, sum / (double)a->window);
		for (long i = 0; i < a->window; i++)
			fprintf(ctx->out, " %.0f", weekly[i]);
		fprintf(ctx->out, "\n%ld trials, seed %ld\n", a->trials, a->seed);
		if (a->items) {
			fprintf(ctx->out, "\nwhen will %ld items be done?\n", a->items);
			for (int i = 0; i < 3; i++)
				fprintf(ctx->out, "  %d%%  within %3.0f weeks, by %s\n",
				        pct[i], when[i], orgmri_time_format(end +
				        (int64_t)when[i] * MS_PER_WEEK, d));
		}
		if (a->has_by) {
			fprintf(ctx->out, "\nhow many items by %s (%ld whole weeks)?\n",
			        orgmri_time_format(a->by, d), by_weeks);
			for (int i = 0; i < 3; i++)
				fprintf(ctx->out, "  %d%%  at least %.0f\n", pct[i],
				        howmany[i]);
		}
		return cli_close_output(ctx);
	}
	json_t *o = json_object(), *w = json_array();
	json_object_set_new(o, "schema", json_string("orgmri.forecast/1"));
	json_object_set_new(o, "start", json_string(t));
	for (long i = 0; i < a->window; i++)
		json_array_append_new(w, json_real(weekly[i]));
	json_object_set_new(o, "weekly_throughput", w);
	json_object_set_new(o, "trials", json_integer(a->trials));
	json_object_set_new(o, "seed", json_integer(a->seed));
	if (a->items) {
		json_t *x = json_object();
		json_object_set_new(x, "items", json_integer(a->items));
		for (int i = 0; i < 3; i++) {
			char key[16];
			json_t *y = json_object();
			snprintf(key, sizeof(key), "p%d", pct[i]);
			json_object_set_new(y, "weeks", json_real(when[i]));
			json_object_set_new(y, "date", json_string(orgmri_time_format(
				end + (int64_t)when[i] * MS_PER_WEEK, d)));
			json_object_set_new(x, key, y);
		}
		json_object_set_new(o, "when", x);
	}
	if (a->has_by) {
		json_t *x = json_object();
		json_object_set_new(x, "date", json_string(orgmri_time_format(a->by, d)));
		json_object_set_new(x, "weeks", json_integer(by_weeks));
		for (int i = 0; i < 3; i++) {
			char key[16];
			snprintf(key, sizeof(key), "p%d", pct[i]);
			json_object_set_new(x, key, json_real(howmany[i]));
		}
		json_object_set_new(o, "how_many", x);
	}
	json_dumpf(o, ctx->out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', ctx->out);
	json_decref(o);
	return cli_close_output(ctx);
}

static int run(cli_ctx *ctx, int argc, char **argv)
{
	fc_args a;
	memset(&a, 0, sizeof(a));
	a.window = 12;
	a.trials = 10000;
	a.seed = 1;
	int first, status = cli_parse(ctx, &cmd_forecast, argc, argv, fc_options,
	                              NULL, on_option, &a, &first);
	if (status >= 0)
		return status;
	if (first < argc)
		return cli_usage_error(ctx, "unexpected argument '%s'", argv[first]);
	if ((status = cli_check_format(ctx, "text,json")))
		return status;
	if (!a.items && !a.has_by)
		return cli_usage_error(ctx, "give --items N, --by DATE or both");
	orgmri_store *store = NULL;
	orgmri_sim_input in;
	double *weekly = NULL, when[3] = { 0 }, howmany[3] = { 0 };
	memset(&in, 0, sizeof(in));
	orgmri_error err;
	orgmri_error_clear(&err);
	if ((status = cli_open_store(ctx, &store, 1)))
		return status;
	status = EXIT_FAIL;
	if (orgmri_sim_input_from_store(store, ctx->since, ctx->until, &in, &err))
		goto fail;
	/* the window ends at --until, else at the midnight after the last
	 * finished item */
	int64_t end = ctx->until != INT64_MAX ? ctx->until : INT64_MIN;
	if (end == INT64_MIN) {
		for (size_t i = 0; i < in.nitems; i++)
			if (in.items[i].done && in.items[i].done > end)
				end = in.items[i].done;
		/* the next UTC midnight, so weeks start at midnight */
		if (end != INT64_MIN)
			end = (end / MS_PER_DAY + 1) * MS_PER_DAY;
		if (end == INT64_MIN) {
			cli_errorf(ctx, "forecast: no finished change in the store");
			goto done;
		}
	}
	long by_weeks = 0;
	if (a.has_by) {
		if (a.by < end) {
			char t[ORGMRI_TIME_BUFSZ];
			status = cli_usage_error(ctx, "--by must be after the history's "
			                         "end, %s", orgmri_time_format(end, t));
			goto done;
		}
		by_weeks = (long)((a.by - end) / MS_PER_WEEK);
	}
	/* weeks before the history began would count as zero throughput */
	if (in.nitems && in.start < end &&
	    (end - in.start) / MS_PER_WEEK < a.window) {
		long have = (long)((end - in.start) / MS_PER_WEEK);
		a.window = have > 0 ? have : 1;
		if (!ctx->quiet)
			cli_errorf(ctx, "forecast: the history holds only %ld whole "
			           "week(s); using those", a.window);
	}
	if (orgmri_sim_forecast_weekly(&in, end, (size_t)a.window, &weekly, &err))
		goto fail;
	if (a.items && orgmri_sim_forecast_when(weekly, (size_t)a.window, a.items,
	                                    (unsigned)a.trials, (uint64_t)a.seed,
	                                    when, &err))
		goto fail;
	if (a.has_by && orgmri_sim_forecast_how_many(weekly, (size_t)a.window,
	                                         by_weeks, (unsigned)a.trials,
	                                         (uint64_t)a.seed, howmany, &err))
		goto fail;
	status = report(ctx, &a, end, weekly, when, howmany, by_weeks);
	goto done;
fail:
	cli_error(ctx, &err);
done:
	free(weekly);
	orgmri_sim_input_free(&in);
	orgmri_store_close(store);
	return status;
}

const cli_command cmd_forecast = {
	"forecast", "Monte Carlo delivery forecasts from throughput",
	"usage: orgmri forecast [--items N] [--by DATE] [--window WEEKS]\n"
	"                       [--trials N] [--seed N] [--format text|json]\n"
	"                       [--since DATE] [--until DATE] [--db PATH] [-o FILE]\n"
	"\n"
	"Resamples the weekly throughput (changes finished: deployed, else\n"
	"merged) of the last WEEKS whole weeks (default 12, fewer when the\n"
	"history is shorter) before the end of\n"
	"the history (--until, else the midnight after the last finished\n"
	"change):\n"
	"  --items N   when will N more items be done, at 50/85/95%\n"
	"  --by DATE   how many items will be done by DATE (whole weeks), at\n"
	"              50/85/95% confidence (at least that many)\n"
	"  --trials N  Monte Carlo trials (default 10000); --seed N (default 1)\n"
	"See docs/simulation.md.\n",
	run,
};
