/*
 * rework.c - how much work is done twice (docs/metrics.md, "rework").
 *
 * Over a window [S, U):
 *   review iterations   changes_requested events on changes merged in the
 *                       window, per reviewed change;
 *   pushed after review  merged changes with a `pushed` event (or a commit
 *                       authored) after their first review;
 *   revert rate         commits authored in the window that some commit or
 *                       change later reverts (a "reverts" link), / commits;
 *   reopened            `reopened` events in the window (changes, issues);
 *   backwards moves     issue status changes in the window whose `to`
 *                       category comes before their `from` category in
 *                       spec < ready < in_progress < review < qa < done;
 *   hotfix rate         unplanned production deployments (the DORA rework
 *                       rule of the model) / production deployments.
 *   churn (file level)  of the file changes (commit, path) of non-merge
 *                       commits authored in the window, the share that
 *                       another non-merge commit changed again within 21
 *                       days (t < t' <= t + 21 d); file changes whose 21
 *                       days reach past the data's last commit are left
 *                       out (censored), not counted as unchanged.
 *   churn (line level)  of the commits carrying `churn_lines` (the git
 *                       adapter's first-parent line of HEAD) authored in
 *                       the window: Σ churn_lines / Σ additions, the
 *                       lines rewritten within 21 days of being written
 *                       per line added.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "metrics/files.h"
#include "model/internal.h"
#include "orgmri/metrics.h"

static const char *const categories[] = {
	"spec", "ready", "in_progress", "review", "qa", "done"
};

static int category_rank(const char *c)
{
	for (size_t i = 0; c && i < sizeof(categories) / sizeof(categories[0]); i++)
		if (strcasecmp(c, categories[i]) == 0)
			return (int)i;
	return -1;
}

static int in(int64_t t, const orgmri_rework *r)
{
	return t >= r->since && t < r->until;
}

/* Review iterations and pushes after the first review, per merged change. */
static void review_rework(const orgmri_model *m, const orgmri_filter *f,
                          orgmri_rework *r)
{
	const orgmri_table *t = m->table;
	uint32_t a_req = orgmri_table_activity(t, "changes_requested");
	uint32_t a_com = orgmri_table_activity(t, "commented");
	uint32_t a_app = orgmri_table_activity(t, "approved");
	uint32_t a_push = orgmri_table_activity(t, "pushed");
	uint32_t a_auth = orgmri_table_activity(t, "authored");
	uint32_t a_merged = orgmri_table_activity(t, "merged");
	for (size_t i = 0; i < m->nitems; i++) {
		uint32_t o = m->item[i];
		if (!orgmri_filter_item(m, f, i))
			continue;
		int64_t merged = ORGMRI_NO_TIME, first_review = ORGMRI_NO_TIME;
		long long requested = 0;
		int pushed_after = 0;
		uint32_t author = m->item_author[i];
		for (size_t ev = t->obj_first[o]; ev < t->obj_first[o + 1]; ev++) {
			uint32_t a = t->ev_activity[ev];
			if (a == a_merged && merged == ORGMRI_NO_TIME)
				merged = t->ev_time[ev];
			int review = a != ORGMRI_NONE && (a == a_req || a == a_com ||
			                                  a == a_app) &&
			             t->ev_actor[ev] != author;
			if (review && first_review == ORGMRI_NO_TIME)
				first_review = t->ev_time[ev];
			requested += a != ORGMRI_NONE && a == a_req;
			if (a != ORGMRI_NONE && a == a_push &&
			    first_review != ORGMRI_NO_TIME &&
			    t->ev_time[ev] > first_review)
				pushed_after = 1;
		}
		if (merged == ORGMRI_NO_TIME || !in(merged, r))
			continue;
		/* commits authored after the first review count as pushes too */
		const uint32_t *cs;
		size_t nc = model_commits(m, o, &cs);
		for (size_t k = 0; k < nc && !pushed_after &&
		                   first_review != ORGMRI_NO_TIME; k++)
			for (size_t ev = t->obj_first[cs[k]]; ev < t->obj_first[cs[k] + 1];
			     ev++)
				if (t->ev_activity[ev] == a_auth &&
				    t->ev_time[ev] > first_review)
					pushed_after = 1;
		r->changes++;
		if (first_review == ORGMRI_NO_TIME)
			continue;
		r->reviewed++;
		r->changes_requested += requested;
		r->pushed_after_review += pushed_after;
	}
}

static void reverts(const orgmri_model *m, orgmri_rework *r)
{
	const orgmri_table *t = m->table;
	uint32_t commit = orgmri_table_type(t, "commit");
	uint32_t a_auth = orgmri_table_activity(t, "authored");
	uint32_t rel = model_rel(m, "reverts");
	for (size_t o = 0; commit != ORGMRI_NONE && o < t->nobjects; o++) {
		if (t->obj_type[o] != commit)
			continue;
		int64_t when = ORGMRI_NO_TIME;
		for (size_t ev = t->obj_first[o]; ev < t->obj_first[o + 1]; ev++)
			if (t->ev_activity[ev] == a_auth) {
				when = t->ev_time[ev];
				break;
			}
		if (when == ORGMRI_NO_TIME || !in(when, r))
			continue;
		r->commits++;
		for (uint32_t l = t->rlink_first[o]; l < t->rlink_first[o + 1]; l++)
			if (t->rlink_rel[l] == rel) {
				r->reverted++;
				break;
			}
	}
}

static void status_moves(const orgmri_model *m, orgmri_rework *r)
{
	const orgmri_table *t = m->table;
	uint32_t a_re = orgmri_table_activity(t, "reopened");
	uint32_t a_sc = orgmri_table_activity(t, "status_changed");
	uint32_t k_from = orgmri_table_attr_key(t, "from_category");
	uint32_t k_cat = orgmri_table_attr_key(t, "category");
	for (size_t o = 0; o < t->nobjects; o++) {
		for (size_t ev = t->obj_first[o]; ev < t->obj_first[o + 1]; ev++) {
			uint32_t a = t->ev_activity[ev];
			if (a == ORGMRI_NONE || !in(t->ev_time[ev], r))
				continue;
			if (a == a_re)
				r->reopened++;
			if (a != a_sc)
				continue;
			r->status_changes++;
			/* the previous category: from_category if given, else
			 * the category of the previous status change of the
			 * same issue */
			int to = category_rank(orgmri_table_attr(t, ev, k_cat));
			int from = category_rank(orgmri_table_attr(t, ev, k_from));
			for (size_t p = ev; from < 0 && p-- > t->obj_first[o];)
				if (t->ev_activity[p] == a_sc)
					from = category_rank(orgmri_table_attr(t, p, k_cat));
			if (to >= 0 && from >= 0 && to < from)
				r->backwards++;
		}
	}
}

/* One file change of a non-merge commit. */
typedef struct fchange {
	uint32_t file, author;
	int64_t time;
	uint32_t commit;
} fchange;

static int cmp_fchange(const void *a, const void *b)
{
	const fchange *x = a, *y = b;
	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return x->commit < y->commit ? -1 : x->commit > y->commit;
}

/* Does commit c of the index pass the filter's repo/team/cohort? */
static int commit_passes(const orgmri_model *m, const orgmri_filter *f,
                         const files_index *fx, const files_commit *c)
{
	if (f->repo && strcmp(fx->repos.names[c->repo], f->repo) != 0)
		return 0;
	if (f->team) {
		const char *team = orgmri_model_person_team(m, c->author);
		if (!team || strcmp(team, f->team) != 0)
			return 0;
	}
	int ai = model_object_ai(m, c->object);
	return f->cohort == ORGMRI_COHORT_ALL ||
	       (f->cohort == ORGMRI_COHORT_AI) == (ai != 0);
}

static int churn(const orgmri_model *m, const orgmri_filter *f,
                 orgmri_rework *r)
{
	files_index fx;
	int rc = files_build(m, &fx);
	fchange *v = NULL;
	if (rc || fx.ncommits == 0)
		goto done;
	r->churn_available = 1;
	/* every non-merge file change, whoever made it: a change outside the
	 * filter can still rewrite one inside it */
	size_t n = 0;
	for (size_t c = 0; c < fx.ncommits; c++)
		n += fx.commit[c].merge ? 0 : fx.commit[c].n;
	v = malloc((n ? n : 1) * sizeof(*v));
	if (!v) {
		rc = ORGMRI_ENOMEM;
		goto done;
	}
	n = 0;
	for (size_t c = 0; c < fx.ncommits; c++) {
		const files_commit *fc = &fx.commit[c];
		for (uint32_t k = 0; !fc->merge && k < fc->n; k++)
			v[n++] = (fchange){ fx.file[fc->first + k], fc->author,
			                    fc->time, (uint32_t)c };
	}
	for (size_t c = 0; c < fx.ncommits; c++) {
		const files_commit *fc = &fx.commit[c];
		if (fc->churn_lines < 0)
			continue;
		r->line_churn_available = 1;
		if (!in(fc->time, r) || !commit_passes(m, f, &fx, fc))
			continue;
		r->line_churn_commits++;
		r->lines_added += fc->additions;
		r->lines_rewritten += fc->churn_lines;
	}
	qsort(v, n, sizeof(*v), cmp_fchange);
	const int64_t span = (int64_t)ORGMRI_CHURN_DAYS * 86400000;
	for (size_t i = 0; i < n; i++) {
		const files_commit *fc = &fx.commit[v[i].commit];
		if (!in(v[i].time, r) || !commit_passes(m, f, &fx, fc))
			continue;
		if (v[i].time > fx.last_time - span) {
			r->churn_censored++;
			continue;
		}
		r->churn_file_changes++;
		/* the next change of the same file at a later time */
		size_t j = i + 1;
		while (j < n && v[j].file == v[i].file && v[j].time == v[i].time)
			j++;
		if (j < n && v[j].file == v[i].file &&
		    v[j].time <= v[i].time + span) {
			r->churn_rechanged++;
			r->churn_by_author += v[j].author == v[i].author;
		}
	}
done:
	free(v);
	files_free(&fx);
	return rc;
}

int orgmri_rework_compute(const orgmri_model *m, const orgmri_filter *f,
                          orgmri_rework *r, orgmri_error *err)
{
	orgmri_filter all = ORGMRI_FILTER_INIT;
	if (!f)
		f = &all;
	memset(r, 0, sizeof(*r));
	snprintf(r->conventions, sizeof(r->conventions),
	         "changes=merged in window; iteration=changes_requested; "
	         "revert=commit with an incoming reverts link; backwards=status "
	         "category order spec<ready<in_progress<review<qa<done; "
	         "churn=file changes changed again within %d days (file level); "
	         "line churn=lines rewritten within %d days of being written "
	         "per line added, first-parent commits",
	         ORGMRI_CHURN_DAYS, ORGMRI_CHURN_DAYS);
	orgmri_filter_window(m, f, &r->since, &r->until);
	review_rework(m, f, r);
	reverts(m, r);
	status_moves(m, r);
	for (size_t i = 0; i < m->ndeployments; i++) {
		const orgmri_deployment *d = &m->deployments[i];
		if (!d->success || !d->production || !in(d->finished, r) ||
		    !orgmri_filter_deployment(f, d))
			continue;
		r->deployments++;
		r->hotfixes += d->hotfix;
	}
	r->iterations_mean = r->reviewed ? (double)r->changes_requested /
	                                   (double)r->reviewed : NAN;
	r->pushed_after_review_share = r->reviewed
		? (double)r->pushed_after_review / (double)r->reviewed : NAN;
	r->revert_rate = r->commits ? (double)r->reverted / (double)r->commits
	                            : NAN;
	r->hotfix_rate = r->deployments ? (double)r->hotfixes /
	                                  (double)r->deployments : NAN;
	if (churn(m, f, r))
		return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory computing "
		                     "churn");
	r->churn_share = r->churn_file_changes
		? (double)r->churn_rechanged / (double)r->churn_file_changes : NAN;
	r->churn_self_share = r->churn_file_changes
		? (double)r->churn_by_author / (double)r->churn_file_changes : NAN;
	r->line_churn_rate = r->lines_added
		? (double)r->lines_rewritten / (double)r->lines_added : NAN;
	return 0;
}
