/*
 * diagnose.c - the whole diagnosis from the value-stream model: fills an
 * orgmri_diagnosis with the before/after figures, the stage table and its
 * decomposition, each stage's load and the constraint in each period,
 * health indicators, advice, and notes that name what data is missing.
 *
 * Work items are assigned to a period by when they were created (the
 * first event of the change), so "after" means "work started after the
 * split".  Every figure says which statistic it is; definitions are in
 * docs/diagnosis.md.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "diagnose/health.h"
#include "diagnose/stats.h"
#include "orgmri/metrics.h"
#include "core/util.h"
#include "orgmri/diagnose.h"
#include "orgmri/time.h"

#define MS_H 3600000.0
#define MS_WEEK (7.0 * 24 * MS_H)

enum { NONE = 0, BEFORE = 1, AFTER = 2 };

typedef struct dvec {
	double *v;
	size_t n, cap;
	int oom;
} dvec;

static void dpush(dvec *d, double x)
{
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 64;
		double *v = realloc(d->v, cap * sizeof(*v));
		if (!v) {
			d->oom = 1;
			return;
		}
		d->v = v;
		d->cap = cap;
	}
	d->v[d->n++] = x;
}

static void dfree(dvec *d)
{
	free(d->v);
	memset(d, 0, sizeof(*d));
}

typedef struct ctx {
	const orgmri_table *t;
	const orgmri_model *m;
	const orgmri_diagnose_options *o;
	orgmri_diagnosis *d;
	int64_t from, split, to;      /* the whole window and the split */
	int64_t bf, bt, af, at;       /* the two periods: [bf, bt) and [af, at) */
	uint8_t *period;          /* per item */
	int oom;
	int normal;               /* a row used the large-sample interval */
	/* activity ids (ORGMRI_NONE when absent) */
	uint32_t a_merged, a_authored, a_opened, a_approved, a_changes_requested,
	         a_commented, a_review_requested, a_ci_started, a_ci_passed,
	         a_ci_failed, a_incident_opened, a_incident_resolved,
	         a_status_changed, a_created;
	uint32_t k_additions, k_deletions, k_category;
	uint32_t t_change, t_commit, t_incident, t_build, t_issue;
	uint32_t r_caused_by, r_implements, r_contains, r_builds;
} ctx;

static void note(orgmri_diagnosis *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void note(orgmri_diagnosis *d, const char *fmt, ...)
{
	if (d->nnotes >= ORGMRI_DIAG_MAX_NOTES)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(d->notes[d->nnotes++], sizeof(d->notes[0]), fmt, ap);
	va_end(ap);
}

static int in_period(const ctx *c, int64_t t, int which)
{
	if (which == BEFORE)
		return t >= c->bf && t < c->bt;
	return t >= c->af && t < c->at;
}

static int which_period(const ctx *c, int64_t t)
{
	return in_period(c, t, BEFORE) ? BEFORE :
	       in_period(c, t, AFTER) ? AFTER : NONE;
}

/* ---- rows ------------------------------------------------------------- */

static orgmri_metric_row *new_row(ctx *c, int individual, const char *name,
                                  const char *unit, const char *stat,
                                  const char *source, int better)
{
	orgmri_diagnosis *d = c->d;
	size_t *n = individual ? &d->nindividual : &d->norganisational;
	if (*n >= ORGMRI_DIAG_MAX_ROWS)
		return NULL;
	orgmri_metric_row *r = individual ? &d->individual[*n] :
	                                    &d->organisational[*n];
	(*n)++;
	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", name);
	snprintf(r->unit, sizeof(r->unit), "%s", unit);
	snprintf(r->stat, sizeof(r->stat), "%s", stat);
	snprintf(r->source, sizeof(r->source), "%s", source);
	r->better = better;
	r->diff.before = r->diff.after = r->diff.delta = NAN;
	r->diff.lo = r->diff.hi = NAN;
	return r;
}

static void fill_row(ctx *c, orgmri_metric_row *r, dvec *a, dvec *b,
                     orgmri_diff_stat stat, const char *empty_note)
{
	if (!r)
		return;
	if (a->oom || b->oom ||
	    orgmri_diff_compute(a->v, a->n, b->v, b->n, stat, c->d->bootstrap_reps,
	                        c->d->seed, &r->diff))
		c->oom = 1;
	if (r->diff.normal)
		c->normal = 1;
	if (a->n == 0 && b->n == 0 && empty_note)
		snprintf(r->note, sizeof(r->note), "%s", empty_note);
	else if (a->n == 0 || b->n == 0)
		snprintf(r->note, sizeof(r->note), "no data %s the split",
		         a->n == 0 ? "before" : "after");
}

/* Per whole week of one period [p0, p1): the count of `times` in that
 * week, divided by the number of distinct people (per_who at per_times)
 * active that week when per_times is given (weeks with nobody skipped). */
static void weekly_one(ctx *c, int64_t p0, int64_t p1, const dvec *times,
                       const dvec *per_times, const dvec *per_who, dvec *out)
{
	size_t weeks = (size_t)floor((double)(p1 - p0) / MS_WEEK);
	if (weeks == 0 || weeks > 20000)
		return;
	double *num = calloc(weeks, sizeof(double));
	double *den = calloc(weeks, sizeof(double));
	dvec keys = { 0 };
	if (!num || !den) {
		c->oom = 1;
		goto done;
	}
	int64_t end = p0 + (int64_t)((double)weeks * MS_WEEK);
	for (size_t i = 0; i < times->n; i++) {
		int64_t t = (int64_t)times->v[i];
		if (t >= p0 && t < end)
			num[(size_t)((double)(t - p0) / MS_WEEK)]++;
	}
	if (per_times) {
		/* distinct (week, person) pairs, encoded in one double */
		for (size_t i = 0; i < per_times->n; i++) {
			int64_t t = (int64_t)per_times->v[i];
			if (t >= p0 && t < end)
				dpush(&keys, floor((double)(t - p0) / MS_WEEK) *
				             4294967296.0 + per_who->v[i]);
		}
		orgmri_sort_doubles(keys.v, keys.n);
		for (size_t i = 0; i < keys.n; i++)
			if (i == 0 || keys.v[i] != keys.v[i - 1])
				den[(size_t)(keys.v[i] / 4294967296.0)]++;
	}
	for (size_t w = 0; w < weeks; w++) {
		if (per_times && den[w] == 0)
			continue;
		dpush(out, per_times ? num[w] / den[w] : num[w]);
	}
done:
	if (keys.oom)
		c->oom = 1;
	dfree(&keys);
	free(num);
	free(den);
}

static void weekly(ctx *c, const dvec *times, const dvec *per_times,
                   const dvec *per_who, dvec *out_before, dvec *out_after)
{
	weekly_one(c, c->bf, c->bt, times, per_times, per_who, out_before);
	weekly_one(c, c->af, c->at, times, per_times, per_who, out_after);
}

/* ---- helpers over the table --------------------------------------------- */

static double attr_num(const orgmri_table *t, size_t ev, uint32_t key)
{
	const char *v = orgmri_table_attr(t, ev, key);
	return v ? strtod(v, NULL) : NAN;
}

/* Lines changed of a change: its own additions+deletions when given, else
 * the sum over its commits (the first of each commit's events that carries
 * them: git puts them on `committed`, other sources on `authored`). */
static double change_size(const ctx *c, uint32_t obj)
{
	const orgmri_table *t = c->t;
	for (size_t e = t->obj_first[obj]; e < t->obj_first[obj + 1]; e++) {
		double a = attr_num(t, e, c->k_additions);
		double d = attr_num(t, e, c->k_deletions);
		if (!isnan(a) || !isnan(d))
			return (isnan(a) ? 0 : a) + (isnan(d) ? 0 : d);
	}
	double sum = 0;
	int any = 0;
	for (uint32_t l = t->link_first[obj]; l < t->link_first[obj + 1]; l++) {
		if (t->link_rel[l] != c->r_contains)
			continue;
		uint32_t k = t->link_dst[l];
		for (size_t e = t->obj_first[k]; e < t->obj_first[k + 1]; e++) {
			double a = attr_num(t, e, c->k_additions);
			double d = attr_num(t, e, c->k_deletions);
			if (!isnan(a) || !isnan(d)) {
				sum += (isnan(a) ? 0 : a) + (isnan(d) ? 0 : d);
				any = 1;
				break;
			}
		}
	}
	return any ? sum : NAN;
}

/* Who finished an item's stage: the actor of an event at `end` on the
 * item, preferring someone other than the author (a reviewer) unless the
 * stage is the author's own work. */
static uint32_t end_actor(const ctx *c, size_t item, int64_t end,
                          int authors_stage)
{
	const orgmri_table *t = c->t;
	uint32_t obj = c->m->item[item], author = c->m->item_author[item];
	uint32_t found = 0;
	for (size_t e = t->obj_first[obj]; e < t->obj_first[obj + 1]; e++) {
		if (t->ev_time[e] < end)
			continue;
		if (t->ev_time[e] > end)
			break;
		uint32_t p = t->ev_actor[e];
		if (p == 0 || t->person_bot[p])
			continue;
		if (authors_stage ? p == author : p != author)
			return p;
		if (!found)
			found = p;
	}
	return found;
}

/* ---- periods ----------------------------------------------------------- */

static int choose_window(ctx *c, orgmri_error *err)
{
	const orgmri_table *t = c->t;
	int64_t lo = INT64_MAX, hi = INT64_MIN;
	for (size_t e = 0; e < t->nevents; e++) {
		if (t->ev_time[e] < lo)
			lo = t->ev_time[e];
		if (t->ev_time[e] > hi)
			hi = t->ev_time[e];
	}
	if (t->nevents == 0)
		return orgmri_seterr(err, ORGMRI_EINVAL, "the store holds no events");
	c->from = c->o->from != INT64_MIN ? c->o->from : lo;
	c->to = c->o->to != INT64_MAX ? c->o->to : hi + 1;
	const char *src = c->o->split_source;
	c->split = c->o->split;
	if (c->split == INT64_MIN) {
		/* a team's own rollout date first (team.NAME.split), then the
		 * organisation's (compare.split) */
		char key[160];
		const char *cfg = NULL;
		if (c->o->team) {
			snprintf(key, sizeof(key), "team.%s.split", c->o->team);
			cfg = orgmri_config_string(c->o->config, key, NULL);
		}
		if (!cfg)
			snprintf(key, sizeof(key), "compare.split");
		if (!cfg)
			cfg = orgmri_config_string(c->o->config, key, NULL);
		if (cfg && orgmri_time_parse(cfg, strlen(cfg), 0, &c->split, NULL,
		                             err) == 0) {
			snprintf(c->d->split_source, sizeof(c->d->split_source),
			         "%s in the configuration", key);
			src = c->d->split_source;
		} else if (cfg) {
			orgmri_err_prefix(err, "%s", key);
			return ORGMRI_EPARSE;
		} else {
			c->split = c->from + (c->to - c->from) / 2;
			src = "the middle of the data (no --split given)";
		}
	}
	c->bf = c->from;
	c->bt = c->af = c->split;
	c->at = c->to;
	if (c->o->after_from != INT64_MIN) {
		/* two explicit periods */
		c->bf = c->o->before_from;
		c->bt = c->o->before_to;
		c->af = c->o->after_from;
		c->at = c->o->after_to;
		c->from = c->bf < c->af ? c->bf : c->af;
		c->to = c->bt > c->at ? c->bt : c->at;
		c->split = c->af;
		src = "two explicit periods";
		if (c->bt <= c->bf || c->at <= c->af)
			return orgmri_seterr(err, ORGMRI_EINVAL, "a period ends before "
			                     "it starts");
	} else if (c->split <= c->from || c->split >= c->to) {
		return orgmri_seterr(err, ORGMRI_EINVAL, "the split date is outside "
		                     "the data (or the --since/--until window)");
	}
	if (src != c->d->split_source)
		snprintf(c->d->split_source, sizeof(c->d->split_source), "%s",
		         src ? src : "--split");
	c->d->before_from = c->bf;
	c->d->before_to = c->bt;
	c->d->after_from = c->af;
	c->d->after_to = c->at;
	return 0;
}

static void assign_items(ctx *c)
{
	const orgmri_model *m = c->m;
	for (size_t i = 0; i < m->nitems; i++) {
		int p = which_period(c, m->item_created[i]);
		if (p && c->o->team && (!m->item_team[i] ||
		                        strcmp(m->item_team[i], c->o->team) != 0))
			p = NONE;
		if (p && c->o->repo && strcmp(m->item_repo[i], c->o->repo) != 0)
			p = NONE;
		c->period[i] = (uint8_t)p;
		if (p == BEFORE)
			c->d->items_before++;
		else if (p == AFTER)
			c->d->items_after++;
	}
}

/* ---- are we faster? ----------------------------------------------------- */

static void span_samples(ctx *c, uint32_t stage, dvec *a, dvec *b)
{
	for (size_t i = 0; stage != ORGMRI_NONE && i < c->m->nitems; i++) {
		int64_t ms;
		if (!c->period[i] || !orgmri_model_span(c->m, i, stage, &ms))
			continue;
		dpush(c->period[i] == BEFORE ? a : b, (double)ms / MS_H);
	}
}

static void individual_rows(ctx *c)
{
	const orgmri_model *m = c->m;
	const orgmri_table *t = c->t;
	dvec a = { 0 }, b = { 0 }, times = { 0 }, ptimes = { 0 }, who = { 0 };
	uint32_t coding = orgmri_model_stage(m, "coding");

	orgmri_metric_row *r = new_row(c, 1, "coding time per change", "h",
	                               "median", "orgmri stages", ORGMRI_BETTER_LOWER);
	span_samples(c, coding, &a, &b);
	fill_row(c, r, &a, &b, ORGMRI_DIFF_MEDIAN,
	         "no first-commit and opened times on the same changes");
	a.n = b.n = 0;

	/* changes opened per active author per week */
	for (size_t i = 0; i < m->nitems; i++) {
		if (!c->period[i])
			continue;
		dpush(&times, (double)m->item_created[i]);
		dpush(&ptimes, (double)m->item_created[i]);
		dpush(&who, (double)m->item_author[i]);
	}
	r = new_row(c, 1, "changes per author per week", "", "median",
	            "orgmri people", ORGMRI_BETTER_HIGHER);
	weekly(c, &times, &ptimes, &who, &a, &b);
	fill_row(c, r, &a, &b, ORGMRI_DIFF_MEDIAN, "fewer than one whole week "
	         "on a side of the split");
	a.n = b.n = times.n = ptimes.n = who.n = 0;

	/* commits per active author per week */
	for (size_t o = 0; o < t->nobjects; o++) {
		if (t->obj_type[o] != c->t_commit)
			continue;
		for (size_t e = t->obj_first[o]; e < t->obj_first[o + 1]; e++) {
			if (t->ev_activity[e] != c->a_authored)
				continue;
			dpush(&times, (double)t->ev_time[e]);
			dpush(&ptimes, (double)t->ev_time[e]);
			dpush(&who, (double)t->ev_actor[e]);
		}
	}
	r = new_row(c, 1, "commits per author per week", "", "median",
	            "orgmri people", ORGMRI_BETTER_NEITHER);
	weekly(c, &times, &ptimes, &who, &a, &b);
	fill_row(c, r, &a, &b, ORGMRI_DIFF_MEDIAN, "no commit authored events");
	a.n = b.n = 0;

	r = new_row(c, 1, "change size", "lines", "median", "orgmri flow",
	            ORGMRI_BETTER_LOWER);
	for (size_t i = 0; i < m->nitems; i++) {
		if (!c->period[i])
			continue;
		double s = change_size(c, m->item[i]);
		if (!isnan(s))
			dpush(c->period[i] == BEFORE ? &a : &b, s);
	}
	fill_row(c, r, &a, &b, ORGMRI_DIFF_MEDIAN, "no additions/deletions "
	         "recorded");
	a.n = b.n = 0;

	r = new_row(c, 1, "AI-assisted changes", "%", "share", "orgmri stages "
	            "--cohort ai", ORGMRI_BETTER_NEITHER);
	for (size_t i = 0; i < m->nitems; i++)
		if (c->period[i])
			dpush(c->period[i] == BEFORE ? &a : &b, m->item_ai[i] ? 1 : 0);
	fill_row(c, r, &a, &b, ORGMRI_DIFF_MEAN, NULL);
	if (a.oom || b.oom || times.oom || ptimes.oom || who.oom)
		c->oom = 1;
	dfree(&a);
	dfree(&b);
	dfree(&times);
	dfree(&ptimes);
	dfree(&who);
}

/* Has object `obj` a link of relation `rel` from an object of type
 * `type` (e.g. an incident caused by this deployment)? */
static int has_rlink(const orgmri_table *t, uint32_t obj, uint32_t rel,
                     uint32_t type)
{
	for (uint32_t l = t->rlink_first[obj]; l < t->rlink_first[obj + 1]; l++)
		if (t->rlink_rel[l] == rel && t->obj_type[t->rlink_src[l]] == type)
			return 1;
	return 0;
}

static int64_t first_event(const orgmri_table *t, uint32_t obj, uint32_t act)
{
	for (size_t e = t->obj_first[obj]; e < t->obj_first[obj + 1]; e++)
		if (t->ev_activity[e] == act)
			return t->ev_time[e];
	return ORGMRI_NO_TIME;
}

static void lead_time_row(ctx *c, dvec *a, dvec *b)
{
	const orgmri_model *m = c->m;
	uint32_t coding = orgmri_model_stage(m, "coding");
	size_t deployed = 0;
	for (size_t i = 0; i < m->nitems; i++) {
		if (!c->period[i] || m->item_deployed[i] == ORGMRI_NO_TIME)
			continue;
		int64_t start = m->item_created[i];
		if (coding != ORGMRI_NONE &&
		    m->state[i * m->nstages + coding] == ORGMRI_SPAN_OK)
			start = m->start[i * m->nstages + coding];
		deployed++;
		dpush(c->period[i] == BEFORE ? a : b,
		      (double)(m->item_deployed[i] - start) / MS_H);
	}
	orgmri_metric_row *r = new_row(c, 0, "lead time, commit to production", "h", "median", "orgmri dora",
	                               ORGMRI_BETTER_LOWER);
	fill_row(c, r, a, b, ORGMRI_DIFF_MEDIAN, "no production deployment "
	         "linked to changes");
	if (deployed == 0)
		note(c->d, "No change is linked to a production deployment, so lead "
		     "time and the deploy stage cannot be measured: ingest "
		     "deployments (or releases from git) to see them.");
}

static void deployment_rows(ctx *c)
{
	const orgmri_model *m = c->m;
	const orgmri_table *t = c->t;
	dvec times = { 0 }, a = { 0 }, b = { 0 }, fa = { 0 }, fb = { 0 },
	     ha = { 0 }, hb = { 0 };
	for (size_t k = 0; k < m->ndeployments; k++) {
		const orgmri_deployment *dp = &m->deployments[k];
		if (!dp->production || !dp->success)
			continue;
		int p = which_period(c, dp->finished);
		if (!p)
			continue;
		dpush(&times, (double)dp->finished);
		int failed = has_rlink(t, dp->object, c->r_caused_by, c->t_incident) ||
		             dp->rolled_back != ORGMRI_NO_TIME;
		dpush(p == BEFORE ? &fa : &fb, failed ? 1 : 0);
		dpush(p == BEFORE ? &ha : &hb, dp->hotfix ? 1 : 0);
	}
	orgmri_metric_row *r = new_row(c, 0, "deployment frequency", "/week",
	                               "mean", "orgmri dora", ORGMRI_BETTER_HIGHER);
	weekly(c, &times, NULL, NULL, &a, &b);
	fill_row(c, r, &a, &b, ORGMRI_DIFF_MEAN, "no production deployments");
	r = new_row(c, 0, "change failure rate", "%", "share", "orgmri dora",
	            ORGMRI_BETTER_LOWER);
	fill_row(c, r, &fa, &fb, ORGMRI_DIFF_MEAN, "no production deployments");
	r = new_row(c, 0, "deployment rework rate", "%", "share", "orgmri dora",
	            ORGMRI_BETTER_LOWER);
	fill_row(c, r, &ha, &hb, ORGMRI_DIFF_MEAN, "no production deployments");

	/* recovery: incident opened -> resolved */
	a.n = b.n = 0;
	size_t incidents = 0;
	for (uint32_t o = 0; o < t->nobjects; o++) {
		if (t->obj_type[o] != c->t_incident)
			continue;
		int64_t op = first_event(t, o, c->a_incident_opened);
		int64_t rs = first_event(t, o, c->a_incident_resolved);
		int p = op == ORGMRI_NO_TIME ? NONE : which_period(c, op);
		incidents++;
		if (p && rs != ORGMRI_NO_TIME && rs >= op)
			dpush(p == BEFORE ? &a : &b, (double)(rs - op) / MS_H);
	}
	r = new_row(c, 0, "time to restore", "h", "median", "orgmri dora",
	            ORGMRI_BETTER_LOWER);
	fill_row(c, r, &a, &b, ORGMRI_DIFF_MEDIAN, incidents ? "no resolved "
	         "incidents on a side" : "no incidents recorded");
	if (times.oom || a.oom || b.oom || fa.oom || fb.oom || ha.oom || hb.oom)
		c->oom = 1;
	dfree(&times);
	dfree(&a);
	dfree(&b);
	dfree(&fa);
	dfree(&fb);
	dfree(&ha);
	dfree(&hb);
}

static void delivery_rows(ctx *c)
{
	const orgmri_model *m = c->m;
	const orgmri_table *t = c->t;
	dvec times = { 0 }, a = { 0 }, b = { 0 };
	for (size_t i = 0; i < m->nitems; i++) {
		int64_t mg = first_event(t, m->item[i], c->a_merged);
		if (mg != ORGMRI_NO_TIME)
			dpush(&times, (double)mg);
	}
	orgmri_metric_row *r = new_row(c, 0, "changes merged per week", "/week",
	                               "mean", "orgmri flow", ORGMRI_BETTER_HIGHER);
	weekly(c, &times, NULL, NULL, &a, &b);
	fill_row(c, r, &a, &b, ORGMRI_DIFF_MEAN, "no merged changes");

	/* issue kick-off (first in-progress status, else created) to the
	 * production deployment of a change implementing it */
	a.n = b.n = 0;
	for (size_t i = 0; i < m->nitems; i++) {
		if (!c->period[i] || m->item_deployed[i] == ORGMRI_NO_TIME)
			continue;
		uint32_t o = m->item[i];
		for (uint32_t l = t->link_first[o]; l < t->link_first[o + 1]; l++) {
			if (t->link_rel[l] != c->r_implements)
				continue;
			uint32_t is = t->link_dst[l];
			int64_t kick = ORGMRI_NO_TIME;
			for (size_t e = t->obj_first[is]; e < t->obj_first[is + 1]; e++) {
				const char *cat = orgmri_table_attr(t, e, c->k_category);
				if (t->ev_activity[e] == c->a_status_changed && cat &&
				    strcmp(cat, "in_progress") == 0) {
					kick = t->ev_time[e];
					break;
				}
			}
			if (kick == ORGMRI_NO_TIME)
				kick = first_event(t, is, c->a_created);
			if (kick != ORGMRI_NO_TIME && kick <= m->item_deployed[i])
				dpush(c->period[i] == BEFORE ? &a : &b,
				      (double)(m->item_deployed[i] - kick) / MS_H);
			break;
		}
	}
	r = new_row(c, 0, "issue kick-off to production", "h", "median",
	            "orgmri stages --stream issue", ORGMRI_BETTER_LOWER);
	fill_row(c, r, &a, &b, ORGMRI_DIFF_MEDIAN, "no deployed change is linked "
	         "to an issue");
	if (times.oom || a.oom || b.oom)
		c->oom = 1;
	dfree(&times);
	dfree(&a);
	dfree(&b);
}

/* ---- where did the time go, and the constraint ------------------------ */

/* Is stage s someone's work with a queue in front of it (a resource)?
 * Work-kind stages are; so are the stages named in diagnose.resources
 * (default: security and qa, whose spans are request -> approval). */
static int is_resource(const ctx *c, size_t s)
{
	const orgmri_stage_def *def = &c->m->stream.stages[s];
	if (def->kind == ORGMRI_STAGE_WORK)
		return 1;
	const char *list = orgmri_config_string(c->o->config, "diagnose.resources",
	                                        "security,qa");
	size_t nl = strlen(def->name);
	for (const char *p = list; *p;) {
		const char *comma = strchr(p, ',');
		size_t l = comma ? (size_t)(comma - p) : strlen(p);
		if (l == nl && strncasecmp(p, def->name, l) == 0)
			return 1;
		p += l + (comma != NULL);
	}
	return 0;
}

static int stage_rows(ctx *c)
{
	const orgmri_model *m = c->m;
	orgmri_diagnosis *d = c->d;
	size_t ns = m->nstages < ORGMRI_DIAG_MAX_STAGES ? m->nstages
	                                                : ORGMRI_DIAG_MAX_STAGES;
	size_t nb = d->items_before, na = d->items_after;
	double *rb = malloc((nb * ns + 1) * sizeof(double));
	double *ra = malloc((na * ns + 1) * sizeof(double));
	double *contrib = malloc((ns + 1) * sizeof(double));
	orgmri_visit *v = malloc((m->nitems + 1) * sizeof(*v));
	if (!rb || !ra || !contrib || !v) {
		free(rb);
		free(ra);
		free(contrib);
		free(v);
		return ORGMRI_ENOMEM;
	}
	size_t ib = 0, ia = 0;
	for (size_t i = 0; i < m->nitems; i++) {
		if (!c->period[i])
			continue;
		double *row = c->period[i] == BEFORE ? rb + ns * ib++ : ra + ns * ia++;
		for (size_t s = 0; s < ns; s++) {
			int64_t ms;
			row[s] = orgmri_model_span(m, i, s, &ms) ? (double)ms / MS_H : NAN;
		}
	}
	orgmri_decompose_means(rb, nb, ra, na, ns, contrib, &d->lead_mean_before,
	                       &d->lead_mean_after);
	d->nstages = ns;
	for (size_t s = 0; s < ns; s++) {
		orgmri_stage_row *row = &d->stages[s];
		memset(row, 0, sizeof(*row));
		snprintf(row->name, sizeof(row->name), "%s", m->stream.stages[s].name);
		row->work = m->stream.stages[s].kind == ORGMRI_STAGE_WORK;
		dvec a = { 0 }, b = { 0 };
		span_samples(c, (uint32_t)s, &a, &b);
		if (a.oom || b.oom ||
		    orgmri_diff_compute(a.v, a.n, b.v, b.n, ORGMRI_DIFF_MEDIAN,
		                        d->bootstrap_reps, d->seed, &row->span))
			c->oom = 1;
		c->normal |= row->span.normal;
		if (a.n + b.n == 0)
			note(d, "Stage %s has no complete span in either period: its "
			     "start or end events are not in the data.", row->name);
		dfree(&a);
		dfree(&b);
		double sb = 0, sa = 0;
		for (size_t i = 0; i < nb; i++)
			sb += isnan(rb[i * ns + s]) ? 0 : rb[i * ns + s];
		for (size_t i = 0; i < na; i++)
			sa += isnan(ra[i * ns + s]) ? 0 : ra[i * ns + s];
		row->mean_before = nb ? sb / (double)nb : NAN;
		row->mean_after = na ? sa / (double)na : NAN;
		row->contribution = contrib[s];

		/* load, from every complete visit (either period) */
		size_t nv = 0;
		int resource = is_resource(c, s);
		int authors = m->stream.stages[s].kind == ORGMRI_STAGE_WORK &&
		              strcmp(row->name, "coding") == 0;
		/* A wait stage right before a resource is its queue (pickup is
		 * the queue of review): a visit arrives when that wait began. */
		int queue = s > 0 && !is_resource(c, s - 1) &&
		            m->stream.stages[s - 1].kind == ORGMRI_STAGE_WAIT;
		for (size_t i = 0; resource && i < m->nitems; i++) {
			size_t cell = i * m->nstages + s;
			if (m->state[cell] != ORGMRI_SPAN_OK)
				continue;
			if (c->o->team || c->o->repo) {
				if (!c->period[i])
					continue;
			}
			v[nv].arrive = m->start[cell];
			if (queue && m->state[cell - 1] == ORGMRI_SPAN_OK &&
			    m->end[cell - 1] == m->start[cell])
				v[nv].arrive = m->start[cell - 1];
			v[nv].depart = m->end[cell];
			v[nv].server = end_actor(c, i, m->end[cell], authors);
			nv++;
		}
		row->has_load = resource && nv > 0;
		orgmri_stage_load_compute(v, nv, c->bf, c->bt, &row->load_before);
		orgmri_stage_load_compute(v, nv, c->af, c->at, &row->load_after);
		if (!row->has_load) {
			row->load_before.utilisation = NAN;
			row->load_after.utilisation = NAN;
		}
		/* split each period's mean into waiting and working */
		const orgmri_stage_load *lb = &row->load_before, *la = &row->load_after;
		double fb = 1, fa = 1;  /* share of the span that is work */
		if (row->has_load) {
			if (lb->service_h_mean + lb->wait_h_mean > 0)
				fb = lb->service_h_mean / (lb->service_h_mean + lb->wait_h_mean);
			if (la->service_h_mean + la->wait_h_mean > 0)
				fa = la->service_h_mean / (la->service_h_mean + la->wait_h_mean);
			fb = isnan(fb) ? 1 : fb;
			fa = isnan(fa) ? 1 : fa;
		} else if (!row->work) {
			fb = fa = 0;
		}
		row->work_before = row->mean_before * fb;
		row->wait_before = row->mean_before - row->work_before;
		row->work_after = row->mean_after * fa;
		row->wait_after = row->mean_after - row->work_after;
	}
	free(rb);
	free(ra);
	free(contrib);
	free(v);
	return 0;
}

static void find_constraints(ctx *c)
{
	orgmri_diagnosis *d = c->d;
	orgmri_stage_load before[ORGMRI_DIAG_MAX_STAGES],
	                  after[ORGMRI_DIAG_MAX_STAGES];
	const char *names[ORGMRI_DIAG_MAX_STAGES];
	for (size_t s = 0; s < d->nstages; s++) {
		before[s] = d->stages[s].load_before;
		after[s] = d->stages[s].load_after;
		names[s] = d->stages[s].name;
	}
	orgmri_constraint_find(before, names, d->nstages, &c->o->rules,
	                       &d->constraint_before);
	orgmri_constraint_find(after, names, d->nstages, &c->o->rules,
	                       &d->constraint_after);
}

/* ---- health ------------------------------------------------------------ */

static orgmri_health_row *health(ctx *c, const char *name, const char *unit,
                                 double value, double threshold,
                                 int higher_is_worse)
{
	return diag_health_row(c->d->health, ORGMRI_DIAG_MAX_ROWS,
	                       &c->d->nhealth, name, unit, value, threshold,
	                       higher_is_worse);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* Reviews per reviewer in the after period -> concentration. */
static void review_concentration(ctx *c)
{
	const orgmri_model *m = c->m;
	const orgmri_table *t = c->t;
	size_t cap = 1024, n = 0;
	uint32_t *who = malloc(cap * sizeof(*who));
	if (!who) {
		c->oom = 1;
		return;
	}
	for (size_t i = 0; i < m->nitems; i++) {
		if (c->period[i] != AFTER)
			continue;
		uint32_t o = m->item[i];
		for (size_t e = t->obj_first[o]; e < t->obj_first[o + 1]; e++) {
			uint32_t a = t->ev_activity[e], p = t->ev_actor[e];
			if ((a != c->a_approved && a != c->a_changes_requested &&
			     a != c->a_commented) || p == 0 || p == m->item_author[i] ||
			    t->person_bot[p])
				continue;
			if (n == cap) {
				uint32_t *w = realloc(who, (cap *= 2) * sizeof(*w));
				if (!w) {
					c->oom = 1;
					free(who);
					return;
				}
				who = w;
			}
			who[n++] = p;
		}
	}
	qsort(who, n, sizeof(*who), cmp_u32);
	dvec counts = { 0 };
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && who[j] == who[i])
			j++;
		dpush(&counts, (double)(j - i));
		i = j;
	}
	double top3 = orgmri_top_share(counts.v, counts.n, 3);
	double gini = orgmri_gini(counts.v, counts.n);
	orgmri_health_row *h = health(c, "review load concentration", "%",
	                              counts.n >= 4 ? top3 : NAN, 0.5, 1);
	if (h) {
		if (counts.n >= 4)
			snprintf(h->detail, sizeof(h->detail), "the 3 busiest of %zu "
			         "reviewers did %.0f%% of %zu reviews (Gini %.2f)",
			         counts.n, 100 * top3, n, gini);
		else
			snprintf(h->detail, sizeof(h->detail), "%zu reviewers: too few "
			         "to judge concentration", counts.n);
	}
	dfree(&counts);
	free(who);
}

static void health_rows(ctx *c)
{
	const orgmri_model *m = c->m;
	const orgmri_table *t = c->t;
	review_concentration(c);

	size_t reviewed = 0, sent_back = 0, with_ci = 0, unassigned = 0, items = 0;
	size_t ci_pass = 0, ci_fail = 0;
	dvec sizes = { 0 };
	for (size_t i = 0; i < m->nitems; i++) {
		if (c->period[i] != AFTER)
			continue;
		uint32_t o = m->item[i];
		int rev = 0, back = 0, ci = 0, req = 0;
		items++;
		for (size_t e = t->obj_first[o]; e < t->obj_first[o + 1]; e++) {
			uint32_t a = t->ev_activity[e];
			rev |= a == c->a_approved || a == c->a_changes_requested;
			back |= a == c->a_changes_requested;
			req |= a == c->a_review_requested;
			if (a == c->a_ci_started || a == c->a_ci_passed ||
			    a == c->a_ci_failed)
				ci = 1;
			ci_pass += a == c->a_ci_passed;
			ci_fail += a == c->a_ci_failed;
		}
		/* CI runs recorded as builds linked to the change */
		for (uint32_t l = t->rlink_first[o]; l < t->rlink_first[o + 1]; l++) {
			uint32_t b = t->rlink_src[l];
			if (t->obj_type[b] != c->t_build)
				continue;
			ci = 1;
			for (size_t e = t->obj_first[b]; e < t->obj_first[b + 1]; e++) {
				ci_pass += t->ev_activity[e] == c->a_ci_passed;
				ci_fail += t->ev_activity[e] == c->a_ci_failed;
			}
		}
		reviewed += rev;
		sent_back += back;
		with_ci += ci;
		unassigned += !req;
		double s = change_size(c, o);
		if (!isnan(s))
			dpush(&sizes, s);
	}
	/* An activity the data never records makes its indicator "not
	 * available", not a concern: git alone has no reviews or CI runs. */
	int have_reviews = c->a_approved != ORGMRI_NONE ||
	                   c->a_changes_requested != ORGMRI_NONE;
	int have_ci = c->a_ci_started != ORGMRI_NONE ||
	              c->a_ci_passed != ORGMRI_NONE ||
	              c->a_ci_failed != ORGMRI_NONE;
	int have_requests = c->a_review_requested != ORGMRI_NONE;
	orgmri_health_row *h;
	h = health(c, "rework cycles", "%", have_reviews && reviewed ?
	           (double)sent_back / (double)reviewed : NAN, 0.3, 1);
	if (h && have_reviews)
		snprintf(h->detail, sizeof(h->detail), "%zu of %zu reviewed changes "
		         "were sent back with changes requested at least once",
		         sent_back, reviewed);
	else if (h)
		snprintf(h->detail, sizeof(h->detail), "no reviews in the data");
	h = health(c, "CI on changes", "%", have_ci && items ?
	           (double)with_ci / (double)items : NAN, 0.8, 0);
	if (h && have_ci)
		snprintf(h->detail, sizeof(h->detail), "%zu of %zu changes ran CI",
		         with_ci, items);
	else if (h)
		snprintf(h->detail, sizeof(h->detail), "no CI runs in the data");
	h = health(c, "CI pass rate", "%", ci_pass + ci_fail ? (double)ci_pass /
	           (double)(ci_pass + ci_fail) : NAN, 0.8, 0);
	if (h)
		snprintf(h->detail, sizeof(h->detail), "%zu passed, %zu failed",
		         ci_pass, ci_fail);
	h = health(c, "unassigned reviews", "%", have_requests && items ?
	           (double)unassigned / (double)items : NAN, 0.3, 1);
	if (h && have_requests)
		snprintf(h->detail, sizeof(h->detail), "%zu of %zu changes had no "
		         "review request", unassigned, items);
	else if (h)
		snprintf(h->detail, sizeof(h->detail), "no review requests in the "
		         "data");
	orgmri_sort_doubles(sizes.v, sizes.n);
	h = health(c, "PR size", "lines", orgmri_quantile(sizes.v, sizes.n,
	           0.5), 400, 1);
	if (h)
		snprintf(h->detail, sizeof(h->detail), "median lines changed per "
		         "change (%zu changes with sizes)", sizes.n);
	dfree(&sizes);

	/* unplanned work and batch size, from production deployments */
	size_t deps = 0, hot = 0;
	dvec batch = { 0 };
	double *shipped = calloc(m->ndeployments + 1, sizeof(double));
	if (!shipped) {
		c->oom = 1;
		return;
	}
	for (size_t i = 0; i < m->nitems; i++)
		if (m->item_deployment[i] != ORGMRI_NONE &&
		    m->item_deployment[i] < m->ndeployments)
			shipped[m->item_deployment[i]]++;
	for (size_t k = 0; k < m->ndeployments; k++) {
		const orgmri_deployment *dp = &m->deployments[k];
		if (!dp->production || !dp->success ||
		    which_period(c, dp->finished) != AFTER)
			continue;
		deps++;
		hot += dp->hotfix != 0;
		dpush(&batch, shipped[k]);
	}
	free(shipped);
	h = health(c, "unplanned work", "%", deps ? (double)hot / (double)deps
	           : NAN, 0.15, 1);
	if (h)
		snprintf(h->detail, sizeof(h->detail), "%zu of %zu production "
		         "deployments were hotfixes", hot, deps);
	orgmri_sort_doubles(batch.v, batch.n);
	h = health(c, "deployment batch size", "changes",
	           orgmri_quantile(batch.v, batch.n, 0.5), 10, 1);
	if (h)
		snprintf(h->detail, sizeof(h->detail), "median changes shipped per "
		         "production deployment");
	dfree(&batch);
	/* truck factor, CODEOWNERS coverage, integration pain (health.c) */
	uint8_t *after = calloc(m->nitems + 1, 1);
	if (!after) {
		c->oom = 1;
		return;
	}
	for (size_t i = 0; i < m->nitems; i++)
		after[i] = c->period[i] == AFTER;
	if (orgmri_health_files(m, after, c->af, c->at, c->o->repo,
	                        c->d->health, ORGMRI_DIAG_MAX_ROWS,
	                        &c->d->nhealth, NULL))
		c->oom = 1;
	free(after);
	if (sizes.oom || batch.oom)
		c->oom = 1;
}

/* ---- entry point --------------------------------------------------------- */

static void lookup_ids(ctx *c)
{
	const orgmri_table *t = c->t;
	c->a_merged = orgmri_table_activity(t, "merged");
	c->a_authored = orgmri_table_activity(t, "authored");
	c->a_opened = orgmri_table_activity(t, "opened");
	c->a_approved = orgmri_table_activity(t, "approved");
	c->a_changes_requested = orgmri_table_activity(t, "changes_requested");
	c->a_commented = orgmri_table_activity(t, "commented");
	c->a_review_requested = orgmri_table_activity(t, "review_requested");
	c->a_ci_started = orgmri_table_activity(t, "ci_started");
	c->a_ci_passed = orgmri_table_activity(t, "ci_passed");
	c->a_ci_failed = orgmri_table_activity(t, "ci_failed");
	c->a_incident_opened = orgmri_table_activity(t, "incident_opened");
	c->a_incident_resolved = orgmri_table_activity(t, "incident_resolved");
	c->a_status_changed = orgmri_table_activity(t, "status_changed");
	c->a_created = orgmri_table_activity(t, "created");
	c->k_additions = orgmri_table_attr_key(t, "additions");
	c->k_deletions = orgmri_table_attr_key(t, "deletions");
	c->k_category = orgmri_table_attr_key(t, "category");
	c->t_change = orgmri_table_type(t, "change");
	c->t_commit = orgmri_table_type(t, "commit");
	c->t_incident = orgmri_table_type(t, "incident");
	c->t_build = orgmri_table_type(t, "build");
	c->t_issue = orgmri_table_type(t, "issue");
	c->r_caused_by = orgmri_table_relation(t, "caused_by");
	c->r_implements = orgmri_table_relation(t, "implements");
	c->r_contains = orgmri_table_relation(t, "contains");
	c->r_builds = orgmri_table_relation(t, "builds");
}

int orgmri_diagnose(const orgmri_table *t, const orgmri_model *m,
                    const orgmri_diagnose_options *opts,
                    orgmri_diagnosis *out, orgmri_error *err)
{
	orgmri_diagnose_options def = ORGMRI_DIAGNOSE_OPTIONS_INIT;
	if (!opts)
		opts = &def;
	memset(out, 0, sizeof(*out));
	out->bootstrap_reps = opts->reps > 0 ? opts->reps : 2000;
	out->seed = opts->seed ? opts->seed : 1;
	ctx c;
	memset(&c, 0, sizeof(c));
	c.t = t;
	c.m = m;
	c.o = opts;
	c.d = out;
	lookup_ids(&c);
	int rc = choose_window(&c, err);
	if (rc)
		return rc;
	c.period = calloc(m->nitems + 1, 1);
	if (!c.period)
		return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	assign_items(&c);
	if (out->items_before == 0 || out->items_after == 0)
		note(out, "One period has no changes (%zu before, %zu after): move "
		     "the split date or widen the window.", out->items_before,
		     out->items_after);
	if (m->nerrors)
		note(out, "%zu stage spans ended before they started (clock skew or "
		     "out-of-order data); they are left out (orgmri stages lists "
		     "them).", m->nerrors);
	individual_rows(&c);
	dvec a = { 0 }, b = { 0 };
	lead_time_row(&c, &a, &b);
	dfree(&a);
	dfree(&b);
	deployment_rows(&c);
	delivery_rows(&c);
	if ((rc = stage_rows(&c)) == 0) {
		find_constraints(&c);
		health_rows(&c);
		orgmri_advise(out);
	}
	if (c.normal)
		note(out, "Samples of more than %d changes use the large-sample "
		     "normal interval (standard errors from the order statistics "
		     "of the median) instead of the bootstrap.",
		     ORGMRI_BOOTSTRAP_MAX);
	if (!rc && c.oom)
		rc = ORGMRI_ENOMEM;
	free(c.period);
	if (rc)
		return orgmri_seterr(err, rc, "out of memory in the diagnosis");
	return 0;
}
