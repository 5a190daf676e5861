/*
 * diagnosis_run.c - what `orgmri compare` and `orgmri scan` share: their
 * options, and the load -> model -> diagnose -> render pipeline.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "orgmri/diagnose.h"
#include "orgmri/model.h"
#include "orgmri/render.h"

enum { OPT_SPLIT = 1, OPT_BEFORE, OPT_AFTER, OPT_SEED, OPT_RESAMPLES };

const struct option diag_options[] = {
	{ "split", required_argument, NULL, OPT_SPLIT },
	{ "before", required_argument, NULL, OPT_BEFORE },
	{ "after", required_argument, NULL, OPT_AFTER },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "resamples", required_argument, NULL, OPT_RESAMPLES },
	{ NULL, 0, NULL, 0 },
};

/* "FROM..TO" into two times. */
static int parse_range(const char *s, int64_t *a, int64_t *b)
{
	const char *dots = strstr(s, "..");
	if (!dots)
		return -1;
	return orgmri_time_parse(s, (size_t)(dots - s), 0, a, NULL, NULL) ||
	       orgmri_time_parse(dots + 2, strlen(dots + 2), 0, b, NULL, NULL);
}

int diag_on_opt(cli_ctx *ctx, int opt, const char *arg, void *st)
{
	orgmri_diagnose_options *o = st;
	char *end;
	switch (opt) {
	case OPT_SPLIT:
		if (cli_parse_time(arg, &o->split))
			return cli_usage_error(ctx, "--split: not a date: \"%s\"", arg);
		o->split_source = "--split";
		return 0;
	case OPT_BEFORE:
		if (parse_range(arg, &o->before_from, &o->before_to))
			return cli_usage_error(ctx, "--before: expected FROM..TO dates, "
			                       "got \"%s\"", arg);
		return 0;
	case OPT_AFTER:
		if (parse_range(arg, &o->after_from, &o->after_to))
			return cli_usage_error(ctx, "--after: expected FROM..TO dates, "
			                       "got \"%s\"", arg);
		return 0;
	case OPT_SEED:
		o->seed = strtoull(arg, &end, 10);
		if (*end || !*arg)
			return cli_usage_error(ctx, "--seed: not a number: \"%s\"", arg);
		return 0;
	case OPT_RESAMPLES:
		o->reps = (int)strtol(arg, &end, 10);
		if (*end || o->reps < 100 || o->reps > 100000)
			return cli_usage_error(ctx, "--resamples: a number from 100 to "
			                       "100000");
		return 0;
	}
	return EXIT_USAGE;
}

int diag_check_periods(cli_ctx *ctx, const orgmri_diagnose_options *o)
{
	if ((o->before_from == INT64_MIN) != (o->after_from == INT64_MIN))
		return cli_usage_error(ctx, "--before and --after go together");
	if (o->after_from != INT64_MIN && o->split != INT64_MIN)
		return cli_usage_error(ctx, "give --split or --before/--after, "
		                       "not both");
	return 0;
}

int diag_run(cli_ctx *ctx, orgmri_store *store, orgmri_diagnose_options *o,
             unsigned render_flags)
{
	orgmri_error err;
	orgmri_error_clear(&err);
	orgmri_config *cfg = NULL;
	orgmri_table *t = NULL;
	orgmri_model *m = NULL;
	orgmri_diagnosis *d = NULL;
	int status = EXIT_FAIL;
	orgmri_stream stream;
	if (orgmri_config_load(&cfg, ctx->config_path, &err) ||
	    orgmri_stream_configured(&stream, "pr", cfg, &err) ||
	    orgmri_table_load(store, &t, &err))
		goto fail;
	orgmri_model_options mo = ORGMRI_MODEL_OPTIONS_INIT;
	mo.config = cfg;
	if (orgmri_model_compute(t, &stream, &mo, &m, &err))
		goto fail;
	if (!(d = calloc(1, sizeof(*d)))) {
		cli_errorf(ctx, "out of memory");
		goto done;
	}
	o->config = cfg;
	o->from = ctx->since;
	o->to = ctx->until;
	o->team = ctx->team;
	o->repo = ctx->repo;
	if (orgmri_diagnose(t, m, o, d, &err))
		goto fail;
	if (ctx->html) {
		orgmri_diag_series s;
		if (orgmri_diag_series_compute(t, m, d, &s, &err))
			goto fail;
		int rc = orgmri_render_diagnosis_html(d, &s, "orgmri scan",
		                                      ctx->html, &err);
		orgmri_diag_series_free(&s);
		if (rc)
			goto fail;
		if (!ctx->quiet)
			fprintf(stderr, "%s: wrote the HTML report\n", ctx->html);
		if (render_flags & DIAG_HTML_ONLY) {
			status = EXIT_OK;
			goto done;
		}
	}
	if ((status = cli_open_output(ctx)))
		goto done;
	if (ctx->format && strcmp(ctx->format, "json") == 0)
		orgmri_render_diagnosis_json(ctx->out, d,
		                             render_flags & ~DIAG_HTML_ONLY);
	else
		orgmri_render_diagnosis_text(ctx->out, d,
		                             (render_flags & ~DIAG_HTML_ONLY) |
		                             (ctx->color ? ORGMRI_RENDER_COLOR : 0));
	status = cli_close_output(ctx);
	goto done;
fail:
	cli_error(ctx, &err);
done:
	free(d);
	orgmri_model_free(m);
	orgmri_table_free(t);
	orgmri_config_free(cfg);
	return status;
}
