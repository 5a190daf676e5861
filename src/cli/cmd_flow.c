/*
 * cmd_flow.c - `orgmri flow`: Flow Framework metrics (velocity, time,
 * efficiency, load, distribution) over the work items of a value stream.
 * Computation: orgmri_flow_compute; JSON schema orgmri.flow/1.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/metrics_cli.h"

static json_t *json_flow(orgmri_cohort c, const orgmri_flow *f)
{
	json_t *o = json_object();
	json_object_set_new(o, "cohort", json_string(metrics_cohort_name(c)));
	json_object_set_new(o, "completed", json_integer(f->completed));
	json_object_set_new(o, "velocity_per_week", jnum(f->velocity));
	json_t *ft = json_object();
	json_object_set_new(ft, "n", json_integer(f->flow_time.n));
	json_object_set_new(ft, "p50_hours", jnum(f->flow_time.p50 / ORGMRI_MS_HOUR));
	json_object_set_new(ft, "p85_hours", jnum(f->flow_time.p85 / ORGMRI_MS_HOUR));
	json_object_set_new(ft, "p95_hours", jnum(f->flow_time.p95 / ORGMRI_MS_HOUR));
	json_object_set_new(ft, "mean_hours", jnum(f->flow_time.mean / ORGMRI_MS_HOUR));
	json_object_set_new(o, "flow_time", ft);
	json_object_set_new(o, "efficiency", jnum(f->efficiency));
	json_object_set_new(o, "load", jnum(f->load));
	json_t *d = json_object();
	for (int k = 0; k < ORGMRI_FLOW_NTYPES; k++)
		json_object_set_new(d, orgmri_flow_type_name(k),
		                    json_integer(f->distribution[k]));
	json_object_set_new(o, "distribution", d);
	return o;
}

static int render(cli_ctx *ctx, const metrics_input *in, void *const *vres,
                  const orgmri_cohort *cohorts, size_t nc)
{
	orgmri_flow res[2];
	int status = 0;
	for (size_t c = 0; c < nc; c++)
		res[c] = *(const orgmri_flow *)vres[c];
	const char *fmt = ctx->format ? ctx->format : "text";
	if (strcmp(fmt, "json") == 0) {
		json_t *j = json_object();
		json_object_set_new(j, "schema", json_string("orgmri.flow/1"));
		json_object_set_new(j, "conventions", json_string(res[0].conventions));
		json_object_set_new(j, "stream", json_string(in->model->stream.name));
		json_object_set_new(j, "since", jtime(res[0].since));
		json_object_set_new(j, "until", jtime(res[0].until));
		json_t *a = json_array();
		for (size_t c = 0; c < nc; c++)
			json_array_append_new(a, json_flow(cohorts[c], &res[c]));
		json_object_set_new(j, "cohorts", a);
		status = emit_json(ctx, j);
	} else if (strcmp(fmt, "csv") == 0) {
		fprintf(ctx->out, "# %s\ncohort,completed,velocity_per_week,"
		        "flow_time_p50_hours,flow_time_mean_hours,efficiency,load,"
		        "feature,defect,risk,debt,other\n", res[0].conventions);
		for (size_t c = 0; c < nc; c++) {
			const orgmri_flow *f = &res[c];
			fprintf(ctx->out, "%s,%lld,", metrics_cohort_name(cohorts[c]),
			        f->completed);
			csv_num(ctx->out, f->velocity); fputc(',', ctx->out);
			csv_num(ctx->out, f->flow_time.p50 / ORGMRI_MS_HOUR); fputc(',', ctx->out);
			csv_num(ctx->out, f->flow_time.mean / ORGMRI_MS_HOUR); fputc(',', ctx->out);
			csv_num(ctx->out, f->efficiency); fputc(',', ctx->out);
			csv_num(ctx->out, f->load);
			for (int k = 0; k < ORGMRI_FLOW_NTYPES; k++)
				fprintf(ctx->out, ",%lld", f->distribution[k]);
			fputc('\n', ctx->out);
		}
	} else {
		char a[32];
		fprintf(ctx->out, "flow metrics (%s)\nconventions: %s\n",
		        in->model->stream.name, res[0].conventions);
		for (size_t c = 0; c < nc; c++) {
			const orgmri_flow *f = &res[c];
			fprintf(ctx->out, "\ncohort: %s\n", metrics_cohort_name(cohorts[c]));
			fprintf(ctx->out, "  flow velocity    %.2f items/week (%lld done)\n",
			        isnan(f->velocity) ? 0 : f->velocity, f->completed);
			fprintf(ctx->out, "  flow time        p50 %s", fmt_dur(f->flow_time.p50, a, sizeof(a)));
			fprintf(ctx->out, ", mean %s\n", fmt_dur(f->flow_time.mean, a, sizeof(a)));
			fprintf(ctx->out, "  flow efficiency  %.1f%%\n",
			        isnan(f->efficiency) ? 0 : 100 * f->efficiency);
			fprintf(ctx->out, "  flow load        %.2f items in progress\n",
			        isnan(f->load) ? 0 : f->load);
			fprintf(ctx->out, "  distribution    ");
			for (int k = 0; k < ORGMRI_FLOW_NTYPES; k++)
				fprintf(ctx->out, " %s %lld", orgmri_flow_type_name(k),
				        f->distribution[k]);
			fputc('\n', ctx->out);
		}
	}
	return status;
}

static int compute(const metrics_input *in, const metrics_opts *o,
                   const orgmri_filter *f, void **res, orgmri_error *err)
{
	(void)o;
	orgmri_flow *r = malloc(sizeof(*r));
	if (!r) {
		snprintf(err->message, sizeof(err->message), "out of memory");
		return err->code = ORGMRI_ENOMEM;
	}
	*res = r;
	return orgmri_flow_compute(in->model, f, r, err);
}

static void free_result(void *res)
{
	free(res);
}

const metrics_family metrics_family_flow = {
	&cmd_flow, "pr", compute, free_result, render
};

static int run(cli_ctx *ctx, int argc, char **argv)
{
	return metrics_run(ctx, argc, argv, &metrics_family_flow);
}

const cli_command cmd_flow = {
	"flow", "flow metrics: velocity, time, efficiency, load, distribution",
	"usage: orgmri flow [OPTIONS]\n"
	"\n"
	"Flow Framework metrics over the work items of a value stream:\n"
	"velocity (done per week), flow time, flow efficiency (work-stage time /\n"
	"flow time), flow load (average items in progress) and the distribution\n"
	"of done items over feature, defect, risk and debt (from labels and\n"
	"issue types).  Definitions: docs/metrics.md.\n"
	"\n"
	"  --stream pr|issue           work items: changes (default) or issues\n"
	"  --cohort ai                 split into AI-assisted and other\n"
	"  --since, --until, --team, --repo, --format text|json|csv, -o FILE\n",
	run,
};
