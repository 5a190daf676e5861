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
 * Churn (lines rewritten within 21 days) needs per-line blame data that
 * the event vocabulary does not carry; it is reported as unavailable.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

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
	for (size_t ev = 0; ev < t->nevents; ev++) {
		uint32_t a = t->ev_activity[ev];
		if (a == ORGMRI_NONE || !in(t->ev_time[ev], r))
			continue;
		if (a == a_re)
			r->reopened++;
		if (a != a_sc)
			continue;
		r->status_changes++;
		/* the previous category: from_category if given, else the
		 * category of the previous status change of the same issue */
		int to = category_rank(orgmri_table_attr(t, ev, k_cat));
		int from = category_rank(orgmri_table_attr(t, ev, k_from));
		uint32_t o = t->ev_object[ev];
		for (size_t p = ev; from < 0 && p-- > t->obj_first[o];)
			if (t->ev_activity[p] == a_sc)
				from = category_rank(orgmri_table_attr(t, p, k_cat));
		if (to >= 0 && from >= 0 && to < from)
			r->backwards++;
	}
}

int orgmri_rework_compute(const orgmri_model *m, const orgmri_filter *f,
                          orgmri_rework *r, orgmri_error *err)
{
	orgmri_filter all = ORGMRI_FILTER_INIT;
	(void)err;
	if (!f)
		f = &all;
	memset(r, 0, sizeof(*r));
	snprintf(r->conventions, sizeof(r->conventions),
	         "changes=merged in window; iteration=changes_requested; "
	         "revert=commit with an incoming reverts link; backwards=status "
	         "category order spec<ready<in_progress<review<qa<done; "
	         "churn=unavailable");
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
	r->churn_available = 0;
	return 0;
}
