/*
 * metrics_cli.c - option parsing, loading and formatting shared by the
 * metric commands.  Loading is store -> configuration -> event table ->
 * value-stream model; the commands then call one metric family each and
 * render its result struct.
 */
#include <math.h>
#include <string.h>
#include <strings.h>

#include "cli/metrics_cli.h"

const struct option metrics_long_options[] = {
	{ "stream", required_argument, NULL, MOPT_STREAM },
	{ "production", required_argument, NULL, MOPT_PRODUCTION },
	{ "cohort", required_argument, NULL, MOPT_COHORT },
	{ "devlake", no_argument, NULL, MOPT_DEVLAKE },
	{ "per-person", no_argument, NULL, MOPT_PER_PERSON },
	{ "weekly", no_argument, NULL, MOPT_WEEKLY },
	{ "lead-unit", required_argument, NULL, MOPT_LEAD },
	{ "statistic", required_argument, NULL, MOPT_STAT },
	{ "linkage", required_argument, NULL, MOPT_LINKAGE },
	{ "group-by", required_argument, NULL, MOPT_GROUP },
	{ NULL, 0, NULL, 0 }
};

void metrics_opts_init(metrics_opts *o)
{
	orgmri_dora_options d = ORGMRI_DORA_OPTIONS_INIT;
	memset(o, 0, sizeof(*o));
	o->dora = d;
}

typedef struct name_val {
	const char *name;
	int value;
} name_val;

static const name_val lead_units[] = {
	{ "pr", ORGMRI_LEAD_PR }, { "commit", ORGMRI_LEAD_COMMIT }, { NULL, 0 }
};
static const name_val statistics[] = {
	{ "median", ORGMRI_STAT_MEDIAN },
	{ "lower-median", ORGMRI_STAT_LOWER_MEDIAN },
	{ "mean", ORGMRI_STAT_MEAN }, { NULL, 0 }
};
static const name_val linkages[] = {
	{ "explicit", ORGMRI_LINK_EXPLICIT }, { "revert", ORGMRI_LINK_REVERT },
	{ "previous", ORGMRI_LINK_PREVIOUS }, { "window", ORGMRI_LINK_WINDOW },
	{ "none", 0 }, { NULL, 0 }
};
static const name_val groups[] = {
	{ "none", ORGMRI_GROUP_NONE }, { "repo", ORGMRI_GROUP_REPO },
	{ "team", ORGMRI_GROUP_TEAM },
	{ "environment", ORGMRI_GROUP_ENVIRONMENT },
	{ "week", ORGMRI_GROUP_WEEK }, { "month", ORGMRI_GROUP_MONTH },
	{ NULL, 0 }
};

static int lookup(const name_val *t, const char *s, size_t len, int *out)
{
	for (; t->name; t++)
		if (strlen(t->name) == len && strncmp(t->name, s, len) == 0) {
			*out = t->value;
			return 0;
		}
	return -1;
}

static int bad(cli_ctx *ctx, const char *opt, const char *arg,
               const char *choices)
{
	cli_usage_error(ctx, "--%s: \"%s\" is not one of %s", opt, arg, choices);
	return EXIT_USAGE;
}

int metrics_opt(cli_ctx *ctx, int opt, const char *arg, void *st)
{
	metrics_opts *o = st;
	int v;
	switch (opt) {
	case MOPT_STREAM: o->stream = arg; return 0;
	case MOPT_PRODUCTION: o->production = arg; return 0;
	case MOPT_PER_PERSON: o->per_person = 1; return 0;
	case MOPT_WEEKLY: o->weekly = 1; return 0;
	case MOPT_COHORT:
		if (strcmp(arg, "ai") != 0)
			return bad(ctx, "cohort", arg, "ai");
		o->cohort_ai = 1;
		return 0;
	case MOPT_DEVLAKE:
		/* DevLake's conventions in one switch (docs/metrics.md) */
		o->devlake = 1;
		o->dora.lead_unit = ORGMRI_LEAD_PR;
		o->dora.devlake_parts = 1;
		o->dora.statistic = ORGMRI_STAT_LOWER_MEDIAN;
		o->dora.linkage = ORGMRI_LINK_PREVIOUS;
		return 0;
	case MOPT_LEAD:
		if (lookup(lead_units, arg, strlen(arg), &v))
			return bad(ctx, "lead-unit", arg, "pr, commit");
		o->dora.lead_unit = (orgmri_lead_unit)v;
		return 0;
	case MOPT_STAT:
		if (lookup(statistics, arg, strlen(arg), &v))
			return bad(ctx, "statistic", arg, "median, lower-median, mean");
		o->dora.statistic = (orgmri_statistic)v;
		return 0;
	case MOPT_GROUP:
		if (lookup(groups, arg, strlen(arg), &v))
			return bad(ctx, "group-by", arg,
			           "none, repo, team, environment, week, month");
		o->dora.group = (orgmri_group)v;
		return 0;
	case MOPT_LINKAGE:
		o->dora.linkage = 0;
		for (const char *p = arg; *p;) {
			size_t l = strcspn(p, ",");
			if (lookup(linkages, p, l, &v))
				return bad(ctx, "linkage", arg,
				           "a list of explicit, revert, previous, window");
			o->dora.linkage |= (unsigned)v;
			p += l + (p[l] == ',');
		}
		return 0;
	}
	return cli_usage_error(ctx, "unexpected option");
}

int metrics_load(cli_ctx *ctx, const metrics_opts *o, const char *stream,
                 metrics_input *in)
{
	orgmri_error err;
	orgmri_error_clear(&err);
	memset(in, 0, sizeof(*in));
	int status = cli_open_store(ctx, &in->store, 1);
	if (status)
		return status;
	orgmri_stream s;
	orgmri_model_options mo = ORGMRI_MODEL_OPTIONS_INIT;
	if (orgmri_config_load(&in->config, ctx->config_path, &err) ||
	    orgmri_stream_configured(&s, o->stream ? o->stream : stream,
	                             in->config, &err))
		goto fail;
	mo.config = in->config;
	mo.production = o->production ? o->production
		: orgmri_config_string(in->config, "deploy.production", NULL);
	mo.ai_labels = orgmri_config_string(in->config, "ai.labels", NULL);
	mo.ai_authors = orgmri_config_string(in->config, "ai.authors", NULL);
	mo.ai_changes = orgmri_config_string(in->config, "ai.changes", NULL);
	const char *since = orgmri_config_string(in->config, "ai.since", NULL);
	const char *until = orgmri_config_string(in->config, "ai.until", NULL);
	if ((since && orgmri_time_parse(since, strlen(since), 0, &mo.ai_since,
	                                NULL, &err)) ||
	    (until && orgmri_time_parse(until, strlen(until), 0, &mo.ai_until,
	                                NULL, &err))) {
		snprintf(err.message, sizeof(err.message), "ai.since/ai.until: not a date");
		goto fail;
	}
	if (until && !since)
		mo.ai_since = INT64_MIN;
	mo.require_previous = o->devlake;
	if (orgmri_table_load(in->store, &in->table, &err) ||
	    orgmri_model_compute(in->table, &s, &mo, &in->model, &err))
		goto fail;
	return 0;
fail:
	cli_error(ctx, &err);
	metrics_unload(in);
	return EXIT_FAIL;
}

void metrics_unload(metrics_input *in)
{
	orgmri_model_free(in->model);
	orgmri_table_free(in->table);
	orgmri_config_free(in->config);
	if (in->store)
		orgmri_store_close(in->store);
	memset(in, 0, sizeof(*in));
}

orgmri_filter metrics_filter(const cli_ctx *ctx, orgmri_cohort cohort)
{
	orgmri_filter f = ORGMRI_FILTER_INIT;
	f.since = ctx->since;
	f.until = ctx->until;
	f.team = ctx->team;
	f.repo = ctx->repo;
	f.cohort = cohort;
	return f;
}

size_t metrics_cohorts(const metrics_opts *o, orgmri_cohort *out)
{
	if (!o->cohort_ai) {
		out[0] = ORGMRI_COHORT_ALL;
		return 1;
	}
	out[0] = ORGMRI_COHORT_AI;
	out[1] = ORGMRI_COHORT_OTHER;
	return 2;
}

const char *metrics_cohort_name(orgmri_cohort c)
{
	return c == ORGMRI_COHORT_AI ? "ai" : c == ORGMRI_COHORT_OTHER ? "other"
	                                                               : "all";
}

json_t *jnum(double v)
{
	return isnan(v) || isinf(v) ? json_null() : json_real(v);
}

json_t *jtime(int64_t t)
{
	char buf[ORGMRI_TIME_BUFSZ];
	return t == ORGMRI_NO_TIME ? json_null()
	                           : json_string(orgmri_time_format(t, buf));
}

const char *fmt_dur(double ms, char *buf, size_t size)
{
	if (isnan(ms))
		snprintf(buf, size, "-");
	else if (ms < ORGMRI_MS_HOUR)
		snprintf(buf, size, "%.0fm", ms / 60000.0);
	else if (ms < 2 * ORGMRI_MS_DAY)
		snprintf(buf, size, "%.1fh", ms / ORGMRI_MS_HOUR);
	else
		snprintf(buf, size, "%.1fd", ms / ORGMRI_MS_DAY);
	return buf;
}

void csv_num(FILE *fp, double v)
{
	if (!isnan(v) && !isinf(v))
		fprintf(fp, "%.10g", v);
}

int emit_json(cli_ctx *ctx, json_t *o)
{
	int rc = json_dumpf(o, ctx->out, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
	                                 JSON_REAL_PRECISION(12));
	fputc('\n', ctx->out);
	json_decref(o);
	return rc ? EXIT_FAIL : 0;
}

int metrics_start(cli_ctx *ctx, const cli_command *cmd, int argc,
                  char **argv, const char *formats, const char *stream,
                  metrics_opts *o, metrics_input *in)
{
	metrics_opts_init(o);
	int first, status = cli_parse(ctx, cmd, argc, argv, metrics_long_options,
	                              NULL, metrics_opt, o, &first);
	if (status >= 0)
		return status;
	if (first < argc)
		return cli_usage_error(ctx, "unexpected argument '%s'", argv[first]);
	if ((status = cli_check_format(ctx, formats)) ||
	    (status = metrics_load(ctx, o, o->devlake ? "devlake" : stream, in)))
		return status;
	return -1;
}

int metrics_run(cli_ctx *ctx, int argc, char **argv,
                const metrics_family *fam)
{
	metrics_opts o;
	metrics_input in;
	int status = metrics_start(ctx, fam->cmd, argc, argv, "text,json,csv",
	                           fam->stream, &o, &in);
	if (status >= 0)
		return status;
	status = 0;
	orgmri_cohort cohorts[2];
	size_t nc = metrics_cohorts(&o, cohorts);
	void *res[2] = { NULL, NULL };
	orgmri_error err;
	orgmri_error_clear(&err);
	for (size_t c = 0; c < nc && !status; c++) {
		orgmri_filter f = metrics_filter(ctx, cohorts[c]);
		if (fam->compute(&in, &o, &f, &res[c], &err)) {
			cli_error(ctx, &err);
			status = EXIT_FAIL;
		}
	}
	if (!status && (status = cli_open_output(ctx)) == 0) {
		status = fam->render(ctx, &in, res, cohorts, nc);
		int s2 = cli_close_output(ctx);
		status = status ? status : s2;
	}
	for (size_t c = 0; c < nc; c++)
		if (res[c])
			fam->free_result(res[c]);
	metrics_unload(&in);
	return status;
}
