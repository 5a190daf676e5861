/*
 * cmd_people.c - `orgmri people`: authors and reviewers, review load and
 * its concentration, turnaround, cross-team reviews, truck factor.
 * Aggregated by team unless --per-person is given.  Computation:
 * orgmri_people_compute; JSON schema orgmri.people/1.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/metrics_cli.h"

static json_t *json_people(const orgmri_model *m, orgmri_cohort c,
                           const orgmri_people *p)
{
	json_t *o = json_object();
	json_object_set_new(o, "cohort", json_string(metrics_cohort_name(c)));
	json_object_set_new(o, "authors", json_integer(p->authors));
	json_object_set_new(o, "reviewers", json_integer(p->reviewers));
	json_object_set_new(o, "prs", json_integer(p->prs));
	json_object_set_new(o, "reviews", json_integer(p->reviews));
	json_object_set_new(o, "prs_per_author", jnum(p->prs_per_author));
	json_object_set_new(o, "reviews_per_reviewer", jnum(p->reviews_per_reviewer));
	json_object_set_new(o, "review_gini", jnum(p->review_gini));
	json_object_set_new(o, "review_top3_share", jnum(p->top3_share));
	json_object_set_new(o, "cross_team_share", jnum(p->cross_team_share));
	json_object_set_new(o, "turnaround_p50_hours", jnum(p->turnaround.p50 / ORGMRI_MS_HOUR));
	json_object_set_new(o, "turnaround_p85_hours", jnum(p->turnaround.p85 / ORGMRI_MS_HOUR));
	json_object_set_new(o, "truck_factor", p->truck_factor < 0 ? json_null()
	                                       : json_integer(p->truck_factor));
	json_object_set_new(o, "truck_factor_files", json_integer(p->tf_files));
	json_t *w = json_array();
	for (size_t k = 0; k < p->nweeks; k++) {
		json_t *x = json_object();
		json_object_set_new(x, "week", jtime(p->weeks[k].week));
		json_object_set_new(x, "active_authors", json_integer(p->weeks[k].authors));
		json_object_set_new(x, "active_reviewers", json_integer(p->weeks[k].reviewers));
		json_object_set_new(x, "prs", json_integer(p->weeks[k].prs));
		json_object_set_new(x, "reviews", json_integer(p->weeks[k].reviews));
		json_array_append_new(w, x);
	}
	json_object_set_new(o, "weeks", w);
	json_t *t = json_array();
	for (size_t k = 0; k < p->nteams; k++) {
		const orgmri_team_stats *s = &p->teams[k];
		json_t *x = json_object();
		json_object_set_new(x, "team", json_string(s->team));
		json_object_set_new(x, "authors", json_integer(s->authors));
		json_object_set_new(x, "reviewers", json_integer(s->reviewers));
		json_object_set_new(x, "prs", json_integer(s->prs));
		json_object_set_new(x, "reviews", json_integer(s->reviews));
		json_object_set_new(x, "review_share", jnum(s->review_share));
		json_object_set_new(x, "turnaround_p50_hours", jnum(s->turnaround_p50 / ORGMRI_MS_HOUR));
		json_array_append_new(t, x);
	}
	json_object_set_new(o, "teams", t);
	if (p->people) {
		json_t *a = json_array();
		for (size_t k = 0; k < p->npeople; k++) {
			const orgmri_person *s = &p->people[k];
			json_t *x = json_object();
			json_object_set_new(x, "person", json_string(m->table->person_names[s->person]));
			json_object_set_new(x, "team", s->team ? json_string(s->team) : json_null());
			json_object_set_new(x, "prs", json_integer(s->prs));
			json_object_set_new(x, "reviews", json_integer(s->reviews));
			json_object_set_new(x, "cross_team_reviews", json_integer(s->cross_team));
			json_object_set_new(x, "turnaround_p50_hours", jnum(s->turnaround_p50 / ORGMRI_MS_HOUR));
			json_array_append_new(a, x);
		}
		json_object_set_new(o, "people", a);
	}
	return o;
}

static void text_people(FILE *fp, const orgmri_model *m, orgmri_cohort c,
                        const orgmri_people *p)
{
	char a[32];
	fprintf(fp, "\ncohort: %s\n", metrics_cohort_name(c));
	fprintf(fp, "  active authors %lld, reviewers %lld; %lld PRs, %lld reviews\n",
	        p->authors, p->reviewers, p->prs, p->reviews);
	fprintf(fp, "  review load: Gini %.2f, top-3 share %.1f%%, cross-team %.1f%%\n",
	        isnan(p->review_gini) ? 0 : p->review_gini,
	        isnan(p->top3_share) ? 0 : 100 * p->top3_share,
	        isnan(p->cross_team_share) ? 0 : 100 * p->cross_team_share);
	fprintf(fp, "  review turnaround p50 %s\n",
	        fmt_dur(p->turnaround.p50, a, sizeof(a)));
	if (p->truck_factor < 0)
		fprintf(fp, "  truck factor: - (no commit carries `paths`)\n");
	else
		fprintf(fp, "  truck factor: %d (%lld files)\n", p->truck_factor,
		        p->tf_files);
	fprintf(fp, "  %-16s %8s %9s %6s %8s %7s %10s\n", "team", "authors",
	        "reviewers", "prs", "reviews", "share", "turnaround");
	for (size_t k = 0; k < p->nteams; k++) {
		const orgmri_team_stats *s = &p->teams[k];
		fprintf(fp, "  %-16s %8lld %9lld %6lld %8lld %6.1f%% %10s\n", s->team,
		        s->authors, s->reviewers, s->prs, s->reviews,
		        isnan(s->review_share) ? 0 : 100 * s->review_share,
		        fmt_dur(s->turnaround_p50, a, sizeof(a)));
	}
	for (size_t k = 0; p->people && k < p->npeople; k++) {
		const orgmri_person *s = &p->people[k];
		fprintf(fp, "  person %-20s team %-10s prs %4lld reviews %4lld turnaround %s\n",
		        m->table->person_names[s->person], s->team ? s->team : "-",
		        s->prs, s->reviews, fmt_dur(s->turnaround_p50, a, sizeof(a)));
	}
}

static int render(cli_ctx *ctx, const metrics_input *in, void *const *vres,
                  const orgmri_cohort *cohorts, size_t nc)
{
	orgmri_people *const *res = (orgmri_people *const *)vres;
	int status = 0;
	const char *fmt = ctx->format ? ctx->format : "text";
	if (strcmp(fmt, "json") == 0) {
		json_t *j = json_object();
		json_object_set_new(j, "schema", json_string("orgmri.people/1"));
		json_object_set_new(j, "conventions", json_string(res[0]->conventions));
		json_object_set_new(j, "since", jtime(res[0]->since));
		json_object_set_new(j, "until", jtime(res[0]->until));
		json_t *a = json_array();
		for (size_t c = 0; c < nc; c++)
			json_array_append_new(a, json_people(in->model, cohorts[c], res[c]));
		json_object_set_new(j, "cohorts", a);
		status = emit_json(ctx, j);
	} else if (strcmp(fmt, "csv") == 0) {
		fprintf(ctx->out, "# %s\ncohort,team,authors,reviewers,prs,reviews,"
		        "review_share,turnaround_p50_hours\n", res[0]->conventions);
		for (size_t c = 0; c < nc; c++)
			for (size_t k = 0; k < res[c]->nteams; k++) {
				const orgmri_team_stats *s = &res[c]->teams[k];
				fprintf(ctx->out, "%s,\"%s\",%lld,%lld,%lld,%lld,",
				        metrics_cohort_name(cohorts[c]), s->team, s->authors,
				        s->reviewers, s->prs, s->reviews);
				csv_num(ctx->out, s->review_share);
				fputc(',', ctx->out);
				csv_num(ctx->out, s->turnaround_p50 / ORGMRI_MS_HOUR);
				fputc('\n', ctx->out);
			}
	} else {
		fprintf(ctx->out, "people and review load\nconventions: %s\n",
		        res[0]->conventions);
		for (size_t c = 0; c < nc; c++)
			text_people(ctx->out, in->model, cohorts[c], res[c]);
	}
	return status;
}

static int compute(const metrics_input *in, const metrics_opts *o,
                   const orgmri_filter *f, void **res, orgmri_error *err)
{
	return orgmri_people_compute(in->model, f, o->per_person,
	                             (orgmri_people **)res, err);
}

static void free_result(void *res)
{
	orgmri_people_free(res);
}

const metrics_family metrics_family_people = {
	&cmd_people, "pr", compute, free_result, render
};

static int run(cli_ctx *ctx, int argc, char **argv)
{
	return metrics_run(ctx, argc, argv, &metrics_family_people);
}

const cli_command cmd_people = {
	"people", "authors, reviewers, review load and concentration, truck factor",
	"usage: orgmri people [OPTIONS]\n"
	"\n"
	"Active authors and reviewers per week, PRs and reviews per person,\n"
	"review-load Gini and top-3 share, review turnaround, cross-team review\n"
	"share, truck factor (Avelino et al. 2016; needs commit `paths`).\n"
	"Aggregated by team (teams: team.<NAME>.member in .orgmri).\n"
	"\n"
	"  --per-person                also list each person (off by default:\n"
	"                              these figures are not for ranking people)\n"
	"  --cohort ai                 split into AI-assisted and other\n"
	"  --since, --until, --team, --repo, --format text|json|csv, -o FILE\n",
	run,
};
