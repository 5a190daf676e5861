/*
 * cmd_rework.c - `orgmri rework`: review iterations, pushes after review,
 * reverts, reopened items, backwards status moves, hotfix deployments,
 * file-level and line-level churn.
 * Computation: orgmri_rework_compute; JSON schema orgmri.rework/1.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/metrics_cli.h"

static json_t *json_rework(orgmri_cohort c, const orgmri_rework *r)
{
	json_t *o = json_object();
	json_object_set_new(o, "cohort", json_string(metrics_cohort_name(c)));
	json_object_set_new(o, "changes", json_integer(r->changes));
	json_object_set_new(o, "reviewed", json_integer(r->reviewed));
	json_object_set_new(o, "changes_requested", json_integer(r->changes_requested));
	json_object_set_new(o, "review_iterations_mean", jnum(r->iterations_mean));
	json_object_set_new(o, "pushed_after_review", json_integer(r->pushed_after_review));
	json_object_set_new(o, "pushed_after_review_share", jnum(r->pushed_after_review_share));
	json_object_set_new(o, "commits", json_integer(r->commits));
	json_object_set_new(o, "reverted", json_integer(r->reverted));
	json_object_set_new(o, "revert_rate", jnum(r->revert_rate));
	json_object_set_new(o, "reopened", json_integer(r->reopened));
	json_object_set_new(o, "status_changes", json_integer(r->status_changes));
	json_object_set_new(o, "backwards_moves", json_integer(r->backwards));
	json_object_set_new(o, "deployments", json_integer(r->deployments));
	json_object_set_new(o, "hotfix_deployments", json_integer(r->hotfixes));
	json_object_set_new(o, "hotfix_rate", jnum(r->hotfix_rate));
	/* churn at file level (docs/metrics.md): null without commit paths */
	json_object_set_new(o, "churn_21d", r->churn_available
	                    ? jnum(r->churn_share) : json_null());
	json_object_set_new(o, "churn_21d_same_author", r->churn_available
	                    ? jnum(r->churn_self_share) : json_null());
	json_object_set_new(o, "churn_file_changes", json_integer(r->churn_file_changes));
	json_object_set_new(o, "churn_rechanged", json_integer(r->churn_rechanged));
	json_object_set_new(o, "churn_rechanged_same_author", json_integer(r->churn_by_author));
	json_object_set_new(o, "churn_censored", json_integer(r->churn_censored));
	/* line level: null without `churn_lines` (git ingested with diffs) */
	json_object_set_new(o, "line_churn_21d", r->line_churn_available
	                    ? jnum(r->line_churn_rate) : json_null());
	json_object_set_new(o, "lines_rewritten_21d", json_integer(r->lines_rewritten));
	json_object_set_new(o, "lines_added", json_integer(r->lines_added));
	json_object_set_new(o, "line_churn_commits", json_integer(r->line_churn_commits));
	return o;
}

static double pct(double v)
{
	return isnan(v) ? 0 : 100 * v;
}

static int render(cli_ctx *ctx, const metrics_input *in, void *const *vres,
                  const orgmri_cohort *cohorts, size_t nc)
{
	orgmri_rework res[2];
	int status = 0;
	(void)in;
	for (size_t c = 0; c < nc; c++)
		res[c] = *(const orgmri_rework *)vres[c];
	const char *fmt = ctx->format ? ctx->format : "text";
	if (strcmp(fmt, "json") == 0) {
		json_t *j = json_object();
		json_object_set_new(j, "schema", json_string("orgmri.rework/1"));
		json_object_set_new(j, "conventions", json_string(res[0].conventions));
		json_object_set_new(j, "since", jtime(res[0].since));
		json_object_set_new(j, "until", jtime(res[0].until));
		json_t *a = json_array();
		for (size_t c = 0; c < nc; c++)
			json_array_append_new(a, json_rework(cohorts[c], &res[c]));
		json_object_set_new(j, "cohorts", a);
		status = emit_json(ctx, j);
	} else if (strcmp(fmt, "csv") == 0) {
		fprintf(ctx->out, "# %s\ncohort,changes,reviewed,changes_requested,"
		        "pushed_after_review,commits,reverted,reopened,"
		        "status_changes,backwards_moves,deployments,"
		        "hotfix_deployments,churn_file_changes,churn_rechanged,"
		        "lines_added,lines_rewritten_21d\n",
		        res[0].conventions);
		for (size_t c = 0; c < nc; c++) {
			const orgmri_rework *r = &res[c];
			fprintf(ctx->out, "%s,%lld,%lld,%lld,%lld,%lld,%lld,%lld,%lld,"
			        "%lld,%lld,%lld,%lld,%lld,%lld,%lld\n",
			        metrics_cohort_name(cohorts[c]),
			        r->changes, r->reviewed, r->changes_requested,
			        r->pushed_after_review, r->commits, r->reverted,
			        r->reopened, r->status_changes, r->backwards,
			        r->deployments, r->hotfixes, r->churn_file_changes,
			        r->churn_rechanged, r->lines_added, r->lines_rewritten);
		}
	} else {
		fprintf(ctx->out, "rework\nconventions: %s\n", res[0].conventions);
		for (size_t c = 0; c < nc; c++) {
			const orgmri_rework *r = &res[c];
			fprintf(ctx->out, "\ncohort: %s\n", metrics_cohort_name(cohorts[c]));
			fprintf(ctx->out, "  review iterations   %.2f changes requested per reviewed change (%lld of %lld changes reviewed)\n",
			        isnan(r->iterations_mean) ? 0 : r->iterations_mean,
			        r->reviewed, r->changes);
			fprintf(ctx->out, "  pushed after review %.1f%% (%lld)\n",
			        pct(r->pushed_after_review_share), r->pushed_after_review);
			fprintf(ctx->out, "  reverted commits    %.1f%% (%lld of %lld)\n",
			        pct(r->revert_rate), r->reverted, r->commits);
			fprintf(ctx->out, "  reopened            %lld\n", r->reopened);
			fprintf(ctx->out, "  backwards moves     %lld of %lld status changes\n",
			        r->backwards, r->status_changes);
			fprintf(ctx->out, "  hotfix deployments  %.1f%% (%lld of %lld)\n",
			        pct(r->hotfix_rate), r->hotfixes, r->deployments);
			if (!r->churn_available)
				fprintf(ctx->out, "  churn within 21 days: unavailable (no commit carries `paths`)\n");
			else
				fprintf(ctx->out, "  churn within 21 days %.1f%% of %lld file changes changed again (%lld by the same author; %lld too recent to judge)\n",
				        pct(r->churn_share), r->churn_file_changes,
				        r->churn_by_author, r->churn_censored);
			if (!r->line_churn_available)
				fprintf(ctx->out, "  line churn, 21 days: unavailable (no commit carries `churn_lines`; ingest git with diffs)\n");
			else
				fprintf(ctx->out, "  line churn, 21 days %.1f%%: %lld lines rewritten within 21 days of being written, per %lld lines added (%lld first-parent commits)\n",
				        pct(r->line_churn_rate), r->lines_rewritten,
				        r->lines_added, r->line_churn_commits);
		}
	}
	return status;
}

static int compute(const metrics_input *in, const metrics_opts *o,
                   const orgmri_filter *f, void **res, orgmri_error *err)
{
	(void)o;
	orgmri_rework *r = malloc(sizeof(*r));
	if (!r) {
		snprintf(err->message, sizeof(err->message), "out of memory");
		return err->code = ORGMRI_ENOMEM;
	}
	*res = r;
	return orgmri_rework_compute(in->model, f, r, err);
}

static void free_result(void *res)
{
	free(res);
}

const metrics_family metrics_family_rework = {
	&cmd_rework, "pr", compute, free_result, render
};

static int run(cli_ctx *ctx, int argc, char **argv)
{
	return metrics_run(ctx, argc, argv, &metrics_family_rework);
}

const cli_command cmd_rework = {
	"rework", "rework: review iterations, reverts, reopens, backwards moves, hotfixes",
	"usage: orgmri rework [OPTIONS]\n"
	"\n"
	"Review iterations (changes requested, pushes after the first review),\n"
	"reverted commits, reopened changes and issues, backwards status moves,\n"
	"hotfix deployments, churn within 21 days: per file (needs commit\n"
	"`paths` from the git adapter) and per line (lines rewritten within 21\n"
	"days of being written per line added; needs `churn_lines`, git\n"
	"ingested with diffs).  Definitions: docs/metrics.md.\n"
	"\n"
	"  --cohort ai                 split into AI-assisted and other\n"
	"  --since, --until, --team, --repo, --format text|json|csv, -o FILE\n",
	run,
};
