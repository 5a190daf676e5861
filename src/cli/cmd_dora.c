/*
 * cmd_dora.c - `orgmri dora`: the five DORA metrics with their tiers.
 *
 * Computation is orgmri_dora_compute (src/metrics/dora.c); this file only
 * parses options and renders the result as text, JSON (schema
 * orgmri.dora/1, docs/json.md) or CSV.
 */
#include <math.h>
#include <string.h>

#include "cli/metrics_cli.h"

static json_t *json_summary(const orgmri_summary *s)
{
	json_t *o = json_object();
	json_object_set_new(o, "n", json_integer(s->n));
	json_object_set_new(o, "value_hours", jnum(s->value / ORGMRI_MS_HOUR));
	json_object_set_new(o, "p50_hours", jnum(s->p50 / ORGMRI_MS_HOUR));
	json_object_set_new(o, "p85_hours", jnum(s->p85 / ORGMRI_MS_HOUR));
	json_object_set_new(o, "p95_hours", jnum(s->p95 / ORGMRI_MS_HOUR));
	json_object_set_new(o, "mean_hours", jnum(s->mean / ORGMRI_MS_HOUR));
	return o;
}

static json_t *json_tiers(const orgmri_dora_row *r)
{
	static const char *const years[] = { "2023", "2024" };
	json_t *o = json_object();
	for (int b = 0; b < ORGMRI_NBANDS; b++) {
		json_t *y = json_object();
		for (int k = 0; k < ORGMRI_DORA_NMETRICS; k++)
			json_object_set_new(y, orgmri_dora_metric_name(k),
			                    r->tier[b][k] ? json_string(r->tier[b][k])
			                                  : json_null());
		json_object_set_new(o, years[b], y);
	}
	return o;
}

static json_t *json_row(const orgmri_dora_row *r)
{
	json_t *o = json_object();
	json_object_set_new(o, "group", json_string(r->group));
	json_object_set_new(o, "since", jtime(r->since));
	json_object_set_new(o, "until", jtime(r->until));
	json_object_set_new(o, "weeks", jnum(r->weeks));
	json_object_set_new(o, "deployments", json_integer(r->deployments));
	json_object_set_new(o, "deploy_days", json_integer(r->deploy_days));
	json_object_set_new(o, "deploys_per_week", jnum(r->deploys_per_week));
	json_object_set_new(o, "deploy_days_per_week_median",
	                    jnum(r->deploy_days_per_week));
	json_object_set_new(o, "deploy_days_per_month_median",
	                    jnum(r->deploy_days_per_month));
	json_object_set_new(o, "lead_time", json_summary(&r->lead));
	json_object_set_new(o, "failed_deployments", json_integer(r->failed));
	json_object_set_new(o, "change_failure_rate",
	                    jnum(r->change_failure_rate));
	json_object_set_new(o, "recovery_time", json_summary(&r->recovery));
	json_object_set_new(o, "time_to_restore", json_summary(&r->restore));
	json_object_set_new(o, "rework_deployments", json_integer(r->rework));
	json_object_set_new(o, "rework_rate", jnum(r->rework_rate));
	json_object_set_new(o, "incidents", json_integer(r->incidents));
	json_object_set_new(o, "incidents_linked",
	                    json_integer(r->incidents_linked));
	json_object_set_new(o, "tiers", json_tiers(r));
	return o;
}

static const char *link_name(unsigned how)
{
	switch (how) {
	case ORGMRI_LINK_EXPLICIT: return "explicit";
	case ORGMRI_LINK_REVERT: return "revert";
	case ORGMRI_LINK_PREVIOUS: return "previous";
	case ORGMRI_LINK_WINDOW: return "window";
	}
	return NULL;
}

static json_t *json_links(const orgmri_model *m, const orgmri_dora *d)
{
	json_t *a = json_array();
	for (size_t i = 0; i < d->nlinks; i++) {
		const orgmri_incident_link *l = &d->links[i];
		json_t *o = json_object();
		json_object_set_new(o, "incident",
		                    json_string(orgmri_table_object_key(m->table, l->incident)));
		json_object_set_new(o, "deployment", l->deployment == ORGMRI_NONE
			? json_null()
			: json_string(orgmri_table_object_key(m->table, 
				m->deployments[l->deployment].object)));
		const char *how = link_name(l->how);
		json_object_set_new(o, "linkage", how ? json_string(how)
		                                      : json_null());
		json_object_set_new(o, "opened", jtime(l->opened));
		json_object_set_new(o, "resolved", jtime(l->resolved));
		json_array_append_new(a, o);
	}
	return a;
}

static void text_row(FILE *fp, const orgmri_dora_row *r)
{
	char a[32], b[32], c[32];
	fprintf(fp, "  [%s]\n", r->group);
	fprintf(fp, "    deployment frequency   %lld deployments, %.2f/week, "
	        "median %.1f deploy-days/week   2023 %s, 2024 %s\n",
	        r->deployments, isnan(r->deploys_per_week) ? 0 : r->deploys_per_week,
	        isnan(r->deploy_days_per_week) ? 0 : r->deploy_days_per_week,
	        r->tier[0][ORGMRI_DORA_DF] ? r->tier[0][ORGMRI_DORA_DF] : "-",
	        r->tier[1][ORGMRI_DORA_DF] ? r->tier[1][ORGMRI_DORA_DF] : "-");
	fprintf(fp, "    lead time for changes  %s (n=%lld, p85 %s)   2023 %s, 2024 %s\n",
	        fmt_dur(r->lead.value, a, sizeof(a)), r->lead.n,
	        fmt_dur(r->lead.p85, b, sizeof(b)),
	        r->tier[0][ORGMRI_DORA_LT] ? r->tier[0][ORGMRI_DORA_LT] : "-",
	        r->tier[1][ORGMRI_DORA_LT] ? r->tier[1][ORGMRI_DORA_LT] : "-");
	if (isnan(r->change_failure_rate))
		fprintf(fp, "    change failure rate    - (no deployments)\n");
	else
		fprintf(fp, "    change failure rate    %.1f%% (%lld of %lld)   "
		        "2023 %s, 2024 %s\n", 100 * r->change_failure_rate, r->failed,
		        r->deployments, r->tier[0][ORGMRI_DORA_CFR],
		        r->tier[1][ORGMRI_DORA_CFR]);
	fprintf(fp, "    recovery time (2023)   %s (n=%lld)   2023 %s, 2024 %s\n",
	        fmt_dur(r->recovery.value, c, sizeof(c)), r->recovery.n,
	        r->tier[0][ORGMRI_DORA_FDRT] ? r->tier[0][ORGMRI_DORA_FDRT] : "-",
	        r->tier[1][ORGMRI_DORA_FDRT] ? r->tier[1][ORGMRI_DORA_FDRT] : "-");
	fprintf(fp, "    time to restore (2021) %s (n=%lld)\n",
	        fmt_dur(r->restore.value, a, sizeof(a)), r->restore.n);
	if (isnan(r->rework_rate))
		fprintf(fp, "    deployment rework rate -\n");
	else
		fprintf(fp, "    deployment rework rate %.1f%% (%lld of %lld)\n",
		        100 * r->rework_rate, r->rework, r->deployments);
	fprintf(fp, "    incidents              %lld opened, %lld linked\n",
	        r->incidents, r->incidents_linked);
}

static void csv_header(FILE *fp)
{
	fputs("cohort,group,since,until,deployments,deploy_days,deploys_per_week,"
	      "deploy_days_per_week_median,lead_time_n,lead_time_hours,"
	      "lead_time_p85_hours,change_failure_rate,failed_deployments,"
	      "recovery_n,recovery_hours,restore_n,restore_hours,rework_rate,"
	      "rework_deployments,incidents,incidents_linked,tier2023_df,"
	      "tier2023_lt,tier2023_cfr,tier2023_fdrt,tier2024_df,tier2024_lt,"
	      "tier2024_cfr,tier2024_fdrt\n", fp);
}

static void csv_row(FILE *fp, const char *cohort, const orgmri_dora_row *r)
{
	char a[ORGMRI_TIME_BUFSZ], b[ORGMRI_TIME_BUFSZ];
	fprintf(fp, "%s,\"%s\",%s,%s,%lld,%lld,", cohort, r->group,
	        orgmri_time_format(r->since, a), orgmri_time_format(r->until, b),
	        r->deployments, r->deploy_days);
	csv_num(fp, r->deploys_per_week); fputc(',', fp);
	csv_num(fp, r->deploy_days_per_week); fputc(',', fp);
	fprintf(fp, "%lld,", r->lead.n);
	csv_num(fp, r->lead.value / ORGMRI_MS_HOUR); fputc(',', fp);
	csv_num(fp, r->lead.p85 / ORGMRI_MS_HOUR); fputc(',', fp);
	csv_num(fp, r->change_failure_rate);
	fprintf(fp, ",%lld,%lld,", r->failed, r->recovery.n);
	csv_num(fp, r->recovery.value / ORGMRI_MS_HOUR);
	fprintf(fp, ",%lld,", r->restore.n);
	csv_num(fp, r->restore.value / ORGMRI_MS_HOUR); fputc(',', fp);
	csv_num(fp, r->rework_rate);
	fprintf(fp, ",%lld,%lld,%lld", r->rework, r->incidents, r->incidents_linked);
	for (int y = 0; y < ORGMRI_NBANDS; y++)
		for (int k = 0; k < ORGMRI_DORA_NMETRICS; k++)
			fprintf(fp, ",%s", r->tier[y][k] ? r->tier[y][k] : "");
	fputc('\n', fp);
}

static int render(cli_ctx *ctx, const metrics_input *in, void *const *vres,
                  const orgmri_cohort *cohorts, size_t nc)
{
	const orgmri_model *m = in->model;
	orgmri_dora *const *res = (orgmri_dora *const *)vres;
	const char *fmt = ctx->format ? ctx->format : "text";
	if (strcmp(fmt, "json") == 0) {
		json_t *o = json_object();
		json_object_set_new(o, "schema", json_string("orgmri.dora/1"));
		json_object_set_new(o, "conventions",
		                    json_string(res[0]->conventions));
		json_t *arr = json_array();
		for (size_t c = 0; c < nc; c++) {
			json_t *co = json_object();
			json_object_set_new(co, "cohort",
			                    json_string(metrics_cohort_name(cohorts[c])));
			json_t *rows = json_array();
			for (size_t r = 0; r < res[c]->nrows; r++)
				json_array_append_new(rows, json_row(&res[c]->rows[r]));
			json_object_set_new(co, "rows", rows);
			json_object_set_new(co, "lead_time_dropped",
			                    json_integer(res[c]->lead_dropped));
			json_object_set_new(co, "incident_links",
			                    json_links(m, res[c]));
			json_array_append_new(arr, co);
		}
		json_object_set_new(o, "cohorts", arr);
		return emit_json(ctx, o);
	}
	if (strcmp(fmt, "csv") == 0) {
		fprintf(ctx->out, "# %s\n", res[0]->conventions);
		csv_header(ctx->out);
		for (size_t c = 0; c < nc; c++)
			for (size_t r = 0; r < res[c]->nrows; r++)
				csv_row(ctx->out, metrics_cohort_name(cohorts[c]),
				        &res[c]->rows[r]);
		return 0;
	}
	fprintf(ctx->out, "DORA software delivery metrics\n"
	        "conventions: %s\n", res[0]->conventions);
	for (size_t c = 0; c < nc; c++) {
		fprintf(ctx->out, "\ncohort: %s\n", metrics_cohort_name(cohorts[c]));
		for (size_t r = 0; r < res[c]->nrows; r++)
			text_row(ctx->out, &res[c]->rows[r]);
		if (res[c]->lead_dropped)
			fprintf(ctx->out, "  (%lld lead times dropped: missing first "
			        "commit or non-positive)\n", res[c]->lead_dropped);
	}
	return 0;
}

static int compute(const metrics_input *in, const metrics_opts *o,
                   const orgmri_filter *f, void **res, orgmri_error *err)
{
	orgmri_dora_options d = o->dora;
	d.filter = *f;
	return orgmri_dora_compute(in->model, &d, (orgmri_dora **)res, err);
}

static void free_result(void *res)
{
	orgmri_dora_free(res);
}

const metrics_family metrics_family_dora = {
	&cmd_dora, "pr", compute, free_result, render
};

static int run(cli_ctx *ctx, int argc, char **argv)
{
	return metrics_run(ctx, argc, argv, &metrics_family_dora);
}

const cli_command cmd_dora = {
	"dora", "DORA metrics: deployment frequency, lead time, CFR, recovery, rework",
	"usage: orgmri dora [OPTIONS]\n"
	"\n"
	"Deployment frequency, lead time for changes, change failure rate,\n"
	"failed-deployment recovery time (DORA 2023) and time to restore\n"
	"(DORA 2021), deployment rework rate (DORA 2024), each with its tier by\n"
	"the 2023 and 2024 bands.  Definitions: docs/metrics.md.\n"
	"\n"
	"  --lead-unit pr|commit       per change (default) or per commit (Four Keys)\n"
	"  --statistic median|lower-median|mean   (default median, interpolated)\n"
	"  --linkage LIST              incident linkage, tried in order: explicit,\n"
	"                              revert, previous, window (default\n"
	"                              explicit,previous)\n"
	"  --group-by KEY              none, repo, team, environment, week, month\n"
	"  --production ENVS           production environment names\n"
	"                              (default production,prod; config deploy.production)\n"
	"  --devlake                   DevLake's conventions: per-PR parts in ceil\n"
	"                              minutes, lower median, previous-deployment\n"
	"                              linkage, first deployment of a chain ships nothing\n"
	"  --cohort ai                 split into AI-assisted and other\n"
	"  --since, --until, --team, --repo, --format text|json|csv, -o FILE\n",
	run,
};
