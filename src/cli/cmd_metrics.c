/*
 * cmd_metrics.c - `orgmri metrics`: every metric family (dora, stages,
 * flow, people, rework) from one load of the store, each exactly as its
 * own command prints it.
 *
 * Text: the five reports one after another, a blank line between.
 * JSON: one object, schema orgmri.metrics/1, whose members "dora",
 * "stages", "flow", "people" and "rework" are the families' own
 * documents (docs/json.md).  CSV is left to the family commands: five
 * tables of different columns make no single CSV file.
 *
 * Why a command of its own: the families share the table and the value
 * stream model, which are most of a family command's time on a large
 * store; computing all of them in one process pays for those once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/metrics_cli.h"

static const struct {
	const char *name;
	const metrics_family *fam;
} families[] = {
	{ "dora", &metrics_family_dora },
	{ "stages", &metrics_family_stages },
	{ "flow", &metrics_family_flow },
	{ "people", &metrics_family_people },
	{ "rework", &metrics_family_rework },
};
#define NFAMILIES (sizeof(families) / sizeof(families[0]))

/* Render into memory and parse it back as the member `name` of all. */
static int render_json(cli_ctx *ctx, const metrics_input *in,
                       const metrics_family *fam, void *const *res,
                       const orgmri_cohort *cohorts, size_t nc,
                       const char *name, json_t *all)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	if (!mem) {
		cli_errorf(ctx, "out of memory");
		return EXIT_FAIL;
	}
	FILE *out = ctx->out;
	ctx->out = mem;
	int status = fam->render(ctx, in, res, cohorts, nc);
	ctx->out = out;
	if (fclose(mem) != 0 && !status) {
		cli_errorf(ctx, "out of memory");
		status = EXIT_FAIL;
	}
	if (!status) {
		json_error_t je;
		json_t *doc = json_loadb(text, len, 0, &je);
		if (!doc) {
			cli_errorf(ctx, "%s: its JSON does not read back (%s, line "
			           "%d): a bug", name, je.text, je.line);
			status = EXIT_FAIL;
		} else {
			json_object_set_new(all, name, doc);
		}
	}
	free(text);
	return status;
}

/* One family: compute every cohort, then render (or collect) it. */
static int family(cli_ctx *ctx, const metrics_input *in,
                  const metrics_opts *o, size_t k,
                  const orgmri_cohort *cohorts, size_t nc, json_t *all)
{
	const metrics_family *fam = families[k].fam;
	void *res[2] = { NULL, NULL };
	orgmri_error err;
	orgmri_error_clear(&err);
	int status = 0;
	for (size_t c = 0; c < nc && !status; c++) {
		orgmri_filter f = metrics_filter(ctx, cohorts[c]);
		if (fam->compute(in, o, &f, &res[c], &err)) {
			cli_error(ctx, &err);
			status = EXIT_FAIL;
		}
	}
	if (!status && all)
		status = render_json(ctx, in, fam, res, cohorts, nc,
		                     families[k].name, all);
	else if (!status) {
		if (k > 0)
			fputc('\n', ctx->out);
		status = fam->render(ctx, in, res, cohorts, nc);
	}
	for (size_t c = 0; c < nc; c++)
		if (res[c])
			fam->free_result(res[c]);
	return status;
}

static int run(cli_ctx *ctx, int argc, char **argv)
{
	metrics_opts o;
	metrics_input in;
	int status = metrics_start(ctx, &cmd_metrics, argc, argv, "text,json",
	                           "pr", &o, &in);
	if (status >= 0)
		return status;
	status = 0;
	orgmri_cohort cohorts[2];
	size_t nc = metrics_cohorts(&o, cohorts);
	json_t *all = NULL;
	if (ctx->format && strcmp(ctx->format, "json") == 0) {
		all = json_object();
		json_object_set_new(all, "schema", json_string("orgmri.metrics/1"));
	}
	if ((status = cli_open_output(ctx)) == 0) {
		for (size_t k = 0; k < NFAMILIES && !status; k++)
			status = family(ctx, &in, &o, k, cohorts, nc, all);
		if (!status && all) {
			status = emit_json(ctx, all);
			all = NULL; /* emit_json releases it */
		}
		int s2 = cli_close_output(ctx);
		status = status ? status : s2;
	}
	json_decref(all);
	metrics_unload(&in);
	return status;
}

const cli_command cmd_metrics = {
	"metrics", "every metric family at once: dora, stages, flow, people, rework",
	"usage: orgmri metrics [OPTIONS]\n"
	"\n"
	"The reports of `orgmri dora`, `stages`, `flow`, `people` and `rework`,\n"
	"in that order, from one load of the store: faster than running the\n"
	"five commands.  Text prints them one after another; JSON is one object\n"
	"(schema orgmri.metrics/1) holding each family's own document under its\n"
	"name.  For CSV, run the family commands.  Options are theirs, each\n"
	"applied where it means something.\n"
	"\n"
	"  --stream pr|issue|devlake   which value stream (default pr)\n"
	"  --production ENVS           production environment names\n"
	"  --devlake                   DevLake's conventions (stream, chaining)\n"
	"  --lead-unit, --statistic, --linkage, --group-by\n"
	"                              dora's conventions (orgmri help dora)\n"
	"  --weekly                    stages per week too\n"
	"  --per-person                people per person (off by default)\n"
	"  --cohort ai                 split into AI-assisted and other\n"
	"  --since, --until, --team, --repo, --format text|json, -o FILE\n",
	run,
};
