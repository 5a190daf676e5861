/*
 * cmd_stages.c - `orgmri stages`: statistics per value-stream stage.
 *
 * Computation is orgmri_stages_compute (src/metrics/stages.c); this file
 * parses options and renders text, JSON (orgmri.stages/1, docs/json.md)
 * or CSV.  Negative spans (data errors) are listed, not hidden.
 */
#include <math.h>
#include <string.h>

#include "cli/metrics_cli.h"

#define TEXT_ERRORS_MAX 10

static json_t *json_stage(const orgmri_stage_stats *s)
{
	json_t *o = json_object();
	json_object_set_new(o, "name", json_string(s->name));
	json_object_set_new(o, "kind", json_string(s->kind == ORGMRI_STAGE_WORK
	                                           ? "work" : "wait"));
	json_object_set_new(o, "n", json_integer(s->n));
	json_object_set_new(o, "p50_hours", jnum(s->p50 / ORGMRI_MS_HOUR));
	json_object_set_new(o, "p85_hours", jnum(s->p85 / ORGMRI_MS_HOUR));
	json_object_set_new(o, "p95_hours", jnum(s->p95 / ORGMRI_MS_HOUR));
	json_object_set_new(o, "mean_hours", jnum(s->mean / ORGMRI_MS_HOUR));
	json_object_set_new(o, "total_hours", jnum(s->total / ORGMRI_MS_HOUR));
	json_object_set_new(o, "share", jnum(s->share));
	json_object_set_new(o, "arrivals", json_integer(s->arrivals));
	json_object_set_new(o, "departures", json_integer(s->departures));
	json_object_set_new(o, "arrivals_per_week", jnum(s->arrivals_per_week));
	json_object_set_new(o, "departures_per_week",
	                    jnum(s->departures_per_week));
	json_object_set_new(o, "wip", jnum(s->wip));
	json_object_set_new(o, "little", jnum(s->little));
	json_object_set_new(o, "open", json_integer(s->open));
	json_object_set_new(o, "data_errors", json_integer(s->errors));
	return o;
}

static json_t *json_errors(const orgmri_model *m)
{
	json_t *a = json_array();
	for (size_t i = 0; i < m->nerrors; i++) {
		const orgmri_model_error *e = &m->errors[i];
		json_t *o = json_object();
		json_object_set_new(o, "item", json_string(
			orgmri_table_object_key(m->table, m->item[e->item])));
		json_object_set_new(o, "stage",
		                    json_string(m->stream.stages[e->stage].name));
		json_object_set_new(o, "start", jtime(e->start));
		json_object_set_new(o, "end", jtime(e->end));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *json_cohort(const orgmri_model *m, orgmri_cohort c,
                           const orgmri_stages *s)
{
	json_t *o = json_object();
	json_object_set_new(o, "cohort", json_string(metrics_cohort_name(c)));
	json_object_set_new(o, "items", json_integer((json_int_t)s->nitems));
	json_object_set_new(o, "wait_hours", jnum(s->wait_ms / ORGMRI_MS_HOUR));
	json_object_set_new(o, "work_hours", jnum(s->work_ms / ORGMRI_MS_HOUR));
	json_t *st = json_array();
	for (size_t i = 0; i < s->nstages; i++)
		json_array_append_new(st, json_stage(&s->stages[i]));
	json_object_set_new(o, "stages", st);
	if (s->nweeks) {
		json_t *w = json_array();
		for (size_t k = 0; k < s->nweeks; k++) {
			json_t *wk = json_object();
			json_object_set_new(wk, "week", jtime(s->week_start[k]));
			json_t *ws = json_array();
			for (size_t i = 0; i < s->nstages; i++)
				json_array_append_new(ws, json_stage(
					&s->weekly[k * s->nstages + i]));
			json_object_set_new(wk, "stages", ws);
			json_array_append_new(w, wk);
		}
		json_object_set_new(o, "weekly", w);
	}
	(void)m;
	return o;
}

static void csv_stage(FILE *fp, const char *cohort, const char *week,
                      const orgmri_stage_stats *s)
{
	fprintf(fp, "%s,%s,%s,%s,%lld,", cohort, week, s->name,
	        s->kind == ORGMRI_STAGE_WORK ? "work" : "wait", s->n);
	double v[] = { s->p50 / ORGMRI_MS_HOUR, s->p85 / ORGMRI_MS_HOUR,
	               s->p95 / ORGMRI_MS_HOUR, s->mean / ORGMRI_MS_HOUR,
	               s->share, s->arrivals_per_week, s->departures_per_week,
	               s->wip, s->little };
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		csv_num(fp, v[i]);
		fputc(',', fp);
	}
	fprintf(fp, "%lld,%lld,%lld,%lld\n", s->arrivals, s->departures, s->open,
	        s->errors);
}

static void text_cohort(FILE *fp, orgmri_cohort c, const orgmri_stages *s)
{
	char a[32], b[32], d[32], e[32];
	fprintf(fp, "\ncohort: %s (%zu items)\n", metrics_cohort_name(c),
	        s->nitems);
	fprintf(fp, "  %-12s %-4s %7s %8s %8s %8s %8s %6s %7s %7s %6s %6s\n",
	        "stage", "kind", "n", "p50", "p85", "p95", "mean", "share",
	        "arr/wk", "dep/wk", "wip", "little");
	for (size_t i = 0; i < s->nstages; i++) {
		const orgmri_stage_stats *x = &s->stages[i];
		fprintf(fp, "  %-12s %-4s %7lld %8s %8s %8s %8s %5.1f%% %7.2f %7.2f "
		        "%6.2f %6.2f\n", x->name,
		        x->kind == ORGMRI_STAGE_WORK ? "work" : "wait", x->n,
		        fmt_dur(x->p50, a, sizeof(a)), fmt_dur(x->p85, b, sizeof(b)),
		        fmt_dur(x->p95, d, sizeof(d)), fmt_dur(x->mean, e, sizeof(e)),
		        isnan(x->share) ? 0 : 100 * x->share,
		        isnan(x->arrivals_per_week) ? 0 : x->arrivals_per_week,
		        isnan(x->departures_per_week) ? 0 : x->departures_per_week,
		        isnan(x->wip) ? 0 : x->wip, isnan(x->little) ? 0 : x->little);
	}
	double all = s->wait_ms + s->work_ms;
	if (all > 0)
		fprintf(fp, "  waiting %.1f%%, working %.1f%% of stage time\n",
		        100 * s->wait_ms / all, 100 * s->work_ms / all);
	for (size_t k = 0; k < s->nweeks; k++) {
		char wk[ORGMRI_TIME_BUFSZ];
		fprintf(fp, "  week %.10s:", orgmri_time_format(s->week_start[k], wk));
		for (size_t i = 0; i < s->nstages; i++) {
			const orgmri_stage_stats *x = &s->weekly[k * s->nstages + i];
			fprintf(fp, " %s n=%lld p50=%s", x->name, x->n,
			        fmt_dur(x->p50, a, sizeof(a)));
		}
		fputc('\n', fp);
	}
}

static int render(cli_ctx *ctx, const metrics_input *in, void *const *vres,
                  const orgmri_cohort *cohorts, size_t nc)
{
	const orgmri_model *m = in->model;
	orgmri_stages *const *res = (orgmri_stages *const *)vres;
	const char *fmt = ctx->format ? ctx->format : "text";
	if (strcmp(fmt, "json") == 0) {
		json_t *o = json_object();
		json_object_set_new(o, "schema", json_string("orgmri.stages/1"));
		json_object_set_new(o, "conventions",
		                    json_string(res[0]->conventions));
		json_object_set_new(o, "stream", json_string(m->stream.name));
		json_object_set_new(o, "since", jtime(res[0]->since));
		json_object_set_new(o, "until", jtime(res[0]->until));
		json_object_set_new(o, "weeks", jnum(res[0]->weeks));
		json_t *arr = json_array();
		for (size_t c = 0; c < nc; c++)
			json_array_append_new(arr, json_cohort(m, cohorts[c], res[c]));
		json_object_set_new(o, "cohorts", arr);
		json_object_set_new(o, "data_errors", json_errors(m));
		return emit_json(ctx, o);
	}
	if (strcmp(fmt, "csv") == 0) {
		fprintf(ctx->out, "# %s\n", res[0]->conventions);
		fputs("cohort,week,stage,kind,n,p50_hours,p85_hours,p95_hours,"
		      "mean_hours,share,arrivals_per_week,departures_per_week,wip,"
		      "little,arrivals,departures,open,data_errors\n", ctx->out);
		for (size_t c = 0; c < nc; c++) {
			const char *cn = metrics_cohort_name(cohorts[c]);
			for (size_t i = 0; i < res[c]->nstages; i++)
				csv_stage(ctx->out, cn, "", &res[c]->stages[i]);
			for (size_t k = 0; k < res[c]->nweeks; k++) {
				char wk[ORGMRI_TIME_BUFSZ];
				orgmri_time_format(res[c]->week_start[k], wk);
				wk[10] = '\0';
				for (size_t i = 0; i < res[c]->nstages; i++)
					csv_stage(ctx->out, cn, wk,
					          &res[c]->weekly[k * res[c]->nstages + i]);
			}
		}
		return 0;
	}
	char a[ORGMRI_TIME_BUFSZ], b[ORGMRI_TIME_BUFSZ];
	fprintf(ctx->out, "value-stream stages (%s), %s .. %s\nconventions: %s\n",
	        m->stream.name, orgmri_time_format(res[0]->since, a),
	        orgmri_time_format(res[0]->until, b), res[0]->conventions);
	for (size_t c = 0; c < nc; c++)
		text_cohort(ctx->out, cohorts[c], res[c]);
	if (m->nerrors) {
		fprintf(ctx->out, "\n%zu data errors (end before start; excluded):\n",
		        m->nerrors);
		for (size_t i = 0; i < m->nerrors && i < TEXT_ERRORS_MAX; i++) {
			const orgmri_model_error *e = &m->errors[i];
			fprintf(ctx->out, "  %s %s: %s .. %s\n",
			        orgmri_table_object_key(m->table, m->item[e->item]),
			        m->stream.stages[e->stage].name,
			        orgmri_time_format(e->start, a),
			        orgmri_time_format(e->end, b));
		}
		if (m->nerrors > TEXT_ERRORS_MAX)
			fprintf(ctx->out, "  ... (all in --format json)\n");
	}
	return 0;
}

static int compute(const metrics_input *in, const metrics_opts *o,
                   const orgmri_filter *f, void **res, orgmri_error *err)
{
	return orgmri_stages_compute(in->model, f, o->weekly,
	                             (orgmri_stages **)res, err);
}

static void free_result(void *res)
{
	orgmri_stages_free(res);
}

const metrics_family metrics_family_stages = {
	&cmd_stages, "pr", compute, free_result, render
};

static int run(cli_ctx *ctx, int argc, char **argv)
{
	return metrics_run(ctx, argc, argv, &metrics_family_stages);
}

const cli_command cmd_stages = {
	"stages", "value-stream stages: durations, share, WIP, flow per stage",
	"usage: orgmri stages [OPTIONS]\n"
	"\n"
	"For each stage of the value stream: n, p50, p85, p95, mean, share of\n"
	"lead time, waiting vs working, arrivals and departures per week,\n"
	"time-weighted WIP and a Little's-law consistency figure.\n"
	"Stages and selectors: docs/metrics.md; override in .orgmri.\n"
	"\n"
	"  --stream pr|issue|devlake   which value stream (default pr)\n"
	"  --weekly                    add the same per week\n"
	"  --production ENVS           production environment names\n"
	"  --devlake                   DevLake's stream and deployment chaining\n"
	"  --cohort ai                 split into AI-assisted and other\n"
	"  --since, --until, --team, --repo, --format text|json|csv, -o FILE\n",
	run,
};
