/*
 * dora.c - the five DORA software-delivery metrics and their tiers.
 *
 * Deployment frequency, lead time for changes, change failure rate,
 * failed-deployment recovery time (DORA 2023; with the older time to
 * restore, DORA 2021) and deployment rework rate (DORA 2024), per group
 * (all, repository, team, environment, week or month).  The peers'
 * conventions are options (docs/metrics.md gives every formula and how it
 * differs from Four Keys, DevLake and Middleware):
 *
 *   lead unit   per change (DevLake, Middleware) or per commit (Four Keys)
 *   statistic   interpolated median, DevLake's lower median, or mean
 *   linkage     explicit caused_by link, revert, previous deployment
 *               (DevLake), deployment window (Middleware)
 *
 * A "deployment" is a deployment object with a `deployed` event in a
 * production environment (model options); with grouping by environment
 * every environment's successful deployments count in their own row.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/util.h"
#include "metrics/vec.h"
#include "model/internal.h"
#include "orgmri/metrics.h"
#include "orgmri/time.h"

/* ---- tiers ------------------------------------------------------------ */

/*
 * Bands as data.  A value v gets names[i] for the first i with v < cut[i]
 * (or v <= cut[i] when `inclusive`, or v >= cut[i] when `higher` is
 * better); else names[3].  Sources: DORA 2023 as re-bucketed into
 * contiguous ranges by DevLake (20240223_add_dora_2023_benchmark.go);
 * DORA 2024 from the report's cluster table (docs/metrics.md explains
 * its overlaps: CFR by nearest cluster centre, recovery's medium cluster
 * shares high's band and is unreachable).
 */
typedef struct band {
	int bands, metric, higher, inclusive;
	double cut[3];
	const char *names[4];
} band;

#define H ORGMRI_MS_HOUR
#define D ORGMRI_MS_DAY
static const band bands[] = {
	/* DF: median deployment days per week (>= 5 on-demand, >= 1 weekly),
	 * the third cut is checked against days per month */
	{ ORGMRI_BANDS_2023, ORGMRI_DORA_DF, 1, 0, { 5, 1, 1 },
	  { "elite", "high", "medium", "low" } },
	{ ORGMRI_BANDS_2024, ORGMRI_DORA_DF, 1, 0, { 5, 1, 1 },
	  { "elite", "high", "medium", "low" } },
	{ ORGMRI_BANDS_2023, ORGMRI_DORA_LT, 0, 0, { D, 7 * D, 30 * D },
	  { "elite", "high", "medium", "low" } },
	{ ORGMRI_BANDS_2024, ORGMRI_DORA_LT, 0, 0, { D, 7 * D, 30 * D },
	  { "elite", "high", "medium", "low" } },
	{ ORGMRI_BANDS_2023, ORGMRI_DORA_CFR, 0, 1, { 0.05, 0.10, 0.15 },
	  { "elite", "high", "medium", "low" } },
	/* 2024 clusters: elite 5 %, medium 10 %, high 20 %, low 40 %;
	 * cuts at the midpoints between neighbouring centres */
	{ ORGMRI_BANDS_2024, ORGMRI_DORA_CFR, 0, 1, { 0.075, 0.15, 0.30 },
	  { "elite", "medium", "high", "low" } },
	{ ORGMRI_BANDS_2023, ORGMRI_DORA_FDRT, 0, 0, { H, D, 7 * D },
	  { "elite", "high", "medium", "low" } },
	{ ORGMRI_BANDS_2024, ORGMRI_DORA_FDRT, 0, 0, { H, D, D },
	  { "elite", "high", "medium", "low" } },
};
#undef H
#undef D

const char *orgmri_dora_metric_name(int metric)
{
	static const char *const names[] = {
		"deployment_frequency", "lead_time", "change_failure_rate",
		"recovery_time"
	};
	return (unsigned)metric < ORGMRI_DORA_NMETRICS ? names[metric] : "?";
}

const char *orgmri_dora_tier(int which, int metric, double value,
                             double per_month)
{
	if (isnan(value))
		return NULL;
	for (size_t b = 0; b < sizeof(bands) / sizeof(bands[0]); b++) {
		const band *x = &bands[b];
		if (x->bands != which || x->metric != metric)
			continue;
		for (int i = 0; i < 3; i++) {
			double v = metric == ORGMRI_DORA_DF && i == 2 ? per_month : value;
			int hit = x->higher ? v >= x->cut[i]
			        : x->inclusive ? v <= x->cut[i] : v < x->cut[i];
			if (hit)
				return x->names[i];
		}
		return x->names[3];
	}
	return NULL;
}

/* ---- growable vectors and rows ---------------------------------------- */

typedef struct row_acc {
	dvec lead, recovery, restore, days;
} row_acc;

typedef struct dora_ctx {
	const orgmri_model *m;
	const orgmri_dora_options *o;
	orgmri_dora *d;
	row_acc *acc;
	size_t cap;
	int64_t since, until;
	uint8_t *failed, *rework;   /* per deployment */
	int oom;
} dora_ctx;

static int64_t floor_div(int64_t a, int64_t b)
{
	return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/* Civil date of a day number (Howard Hinnant's algorithm). */
static void civil(int64_t days, int *y, int *mo, int *d)
{
	days += 719468;
	int64_t era = floor_div(days, 146097);
	int64_t doe = days - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*mo = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*mo <= 2));
}

static int64_t month_start(int64_t t, int add)
{
	int y, mo, d;
	civil(floor_div(t, 86400000), &y, &mo, &d);
	mo += add;
	while (mo > 12) {
		mo -= 12;
		y++;
	}
	return orgmri_days_from_civil(y, (unsigned)mo, 1) * 86400000;
}

/* The group key of something with this repo, team, environment and time;
 * lo and hi get the row's window. */
static void group_key(const dora_ctx *c, const char *repo, const char *team,
                      const char *env, int64_t t, char *key, size_t size,
                      int64_t *lo, int64_t *hi)
{
	*lo = c->since;
	*hi = c->until;
	int y, mo, d;
	switch (c->o->group) {
	case ORGMRI_GROUP_REPO:
		snprintf(key, size, "%s", repo && repo[0] ? repo : "(none)");
		break;
	case ORGMRI_GROUP_TEAM:
		snprintf(key, size, "%s", team && team[0] ? team : "(none)");
		break;
	case ORGMRI_GROUP_ENVIRONMENT:
		snprintf(key, size, "%s", env && env[0] ? env : "(none)");
		break;
	case ORGMRI_GROUP_WEEK:
		*lo = orgmri_week_start(t);
		*hi = *lo + 7 * 86400000LL;
		civil(floor_div(*lo, 86400000), &y, &mo, &d);
		snprintf(key, size, "%04d-%02d-%02d", y, mo, d);
		break;
	case ORGMRI_GROUP_MONTH:
		*lo = month_start(t, 0);
		*hi = month_start(t, 1);
		civil(floor_div(*lo, 86400000), &y, &mo, &d);
		snprintf(key, size, "%04d-%02d", y, mo);
		break;
	default:
		snprintf(key, size, "all");
	}
	if (*lo < c->since)
		*lo = c->since;
	if (*hi > c->until)
		*hi = c->until;
}

static size_t row_for(dora_ctx *c, const char *repo, const char *team,
                      const char *env, int64_t t)
{
	char key[64];
	int64_t lo, hi;
	group_key(c, repo, team, env, t, key, sizeof(key), &lo, &hi);
	for (size_t i = 0; i < c->d->nrows; i++)
		if (strcmp(c->d->rows[i].group, key) == 0)
			return i;
	if (c->d->nrows == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 8;
		orgmri_dora_row *r = orgmri_reallocarray(c->d->rows, cap, sizeof(*r));
		row_acc *a = r ? orgmri_reallocarray(c->acc, cap, sizeof(*a)) : NULL;
		if (r)
			c->d->rows = r;
		if (!r || !a) {
			c->oom = 1;
			return SIZE_MAX;
		}
		c->acc = a;
		c->cap = cap;
	}
	size_t i = c->d->nrows++;
	orgmri_dora_row *row = &c->d->rows[i];
	memset(row, 0, sizeof(*row));
	memset(&c->acc[i], 0, sizeof(c->acc[i]));
	snprintf(row->group, sizeof(row->group), "%s", key);
	row->since = lo;
	row->until = hi;
	return i;
}

static int in_window(const dora_ctx *c, int64_t t)
{
	return t != ORGMRI_NO_TIME && t >= c->since && t < c->until;
}

/* Deployments that count: successful, passing the filter, production
 * (every environment when grouping by environment). */
static int counts(const dora_ctx *c, const orgmri_deployment *dp)
{
	return dp->success && orgmri_filter_deployment(&c->o->filter, dp) &&
	       (dp->production || c->o->group == ORGMRI_GROUP_ENVIRONMENT);
}

static size_t deploy_row(dora_ctx *c, const orgmri_deployment *dp,
                         int64_t t)
{
	return row_for(c, dp->repo, dp->team, dp->environment, t);
}

/* ---- incidents and linkage -------------------------------------------- */

static int add_link(dora_ctx *c, size_t *cap, uint32_t incident,
                    uint32_t deployment, unsigned how, int64_t opened,
                    int64_t resolved)
{
	orgmri_dora *d = c->d;
	if (d->nlinks == *cap) {
		size_t n = *cap ? *cap * 2 : 16;
		orgmri_incident_link *l = orgmri_reallocarray(d->links, n,
		                                             sizeof(*l));
		if (!l)
			return ORGMRI_ENOMEM;
		d->links = l;
		*cap = n;
	}
	d->links[d->nlinks++] = (orgmri_incident_link){ incident, deployment, how,
	                                                opened, resolved };
	return 0;
}

/* The production deployment an explicit caused_by target stands for. */
static uint32_t explicit_target(const orgmri_model *m, uint32_t x)
{
	uint32_t di = model_deployment_of(m, x);
	if (di != ORGMRI_NONE) {
		/* only a successful production deployment can fail in production */
		const orgmri_deployment *dp = &m->deployments[di];
		return dp->success && dp->production ? di : ORGMRI_NONE;
	}
	return model_first_deployment(m, x);
}

/* DevLake: the last successful production deployment finished strictly
 * before `t`; Middleware's window: finished at or before `t`. */
static uint32_t previous_deployment(const orgmri_model *m, int64_t t,
                                    const char *repo, int inclusive)
{
	size_t lo = 0, hi = m->ndeployments;
	while (lo < hi) {   /* first index with finished > t (or >= t) */
		size_t mid = lo + (hi - lo) / 2;
		int64_t f = m->deployments[mid].finished;
		int before = f != ORGMRI_NO_TIME && (inclusive ? f <= t : f < t);
		/* deployments without a finish sort by start; treat as before
		 * when their start is */
		if (f == ORGMRI_NO_TIME)
			before = m->deployments[mid].started <= t;
		if (before)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i-- > 0;) {
		const orgmri_deployment *dp = &m->deployments[i];
		if (!dp->success || !dp->production)
			continue;
		if (repo && repo[0] && strcmp(repo, dp->repo) != 0)
			continue;
		return (uint32_t)i;
	}
	return ORGMRI_NONE;
}

static int link_incidents(dora_ctx *c)
{
	const orgmri_model *m = c->m;
	const orgmri_table *t = m->table;
	unsigned how = c->o->linkage;
	uint32_t type = orgmri_table_type(t, "incident");
	uint32_t a_open = orgmri_table_activity(t, "incident_opened");
	uint32_t a_res = orgmri_table_activity(t, "incident_resolved");
	uint32_t k_repo = orgmri_table_attr_key(t, "repo");
	uint32_t rel_caused = model_rel(m, "caused_by");
	size_t cap = 0;
	for (size_t o = 0; type != ORGMRI_NONE && o < t->nobjects; o++) {
		if (t->obj_type[o] != type)
			continue;
		size_t lo = t->obj_first[o], hi = t->obj_first[o + 1];
		int64_t opened = ORGMRI_NO_TIME, resolved = ORGMRI_NO_TIME;
		const char *repo = NULL;
		for (size_t ev = lo; ev < hi; ev++) {
			if (t->ev_activity[ev] == a_open && opened == ORGMRI_NO_TIME)
				opened = t->ev_time[ev];
			if (t->ev_activity[ev] == a_res)
				resolved = t->ev_time[ev];
			if (!repo)
				repo = orgmri_table_attr(t, ev, k_repo);
		}
		if (opened == ORGMRI_NO_TIME && lo < hi)
			opened = t->ev_time[lo];
		uint32_t di = ORGMRI_NONE;
		unsigned by = 0;
		if (how & ORGMRI_LINK_EXPLICIT)
			for (uint32_t l = t->link_first[o];
			     di == ORGMRI_NONE && l < t->link_first[o + 1]; l++)
				if (t->link_rel[l] == rel_caused) {
					di = explicit_target(m, t->link_dst[l]);
					by = ORGMRI_LINK_EXPLICIT;
				}
		if (di == ORGMRI_NONE && (how & (ORGMRI_LINK_PREVIOUS |
		                                 ORGMRI_LINK_WINDOW)) &&
		    opened != ORGMRI_NO_TIME) {
			int incl = !(how & ORGMRI_LINK_PREVIOUS);
			di = previous_deployment(m, opened, repo, incl);
			by = incl ? ORGMRI_LINK_WINDOW : ORGMRI_LINK_PREVIOUS;
		}
		if (add_link(c, &cap, (uint32_t)o, di, di == ORGMRI_NONE ? 0 : by,
		             opened, resolved))
			return ORGMRI_ENOMEM;
	}
	if (!(how & ORGMRI_LINK_REVERT))
		return 0;
	/* a commit (or change) reverting another: the reverted one's first
	 * production deployment failed; restored when the revert shipped */
	uint32_t rel_rev = model_rel(m, "reverts");
	for (size_t o = 0; rel_rev != ORGMRI_NONE && o < t->nobjects; o++)
		for (uint32_t l = t->link_first[o]; l < t->link_first[o + 1]; l++) {
			if (t->link_rel[l] != rel_rev)
				continue;
			uint32_t bad = model_first_deployment(m, t->link_dst[l]);
			if (bad == ORGMRI_NONE)
				continue;
			uint32_t fix = model_first_deployment(m, (uint32_t)o);
			int64_t res = fix == ORGMRI_NONE ? ORGMRI_NO_TIME
			                                 : m->deployments[fix].finished;
			if (add_link(c, &cap, (uint32_t)o, bad, ORGMRI_LINK_REVERT,
			             m->deployments[bad].finished, res))
				return ORGMRI_ENOMEM;
		}
	return 0;
}

/* Failed: a linked incident or a rollback.  Rework: marked unplanned, or
 * shipped while an incident caused by an earlier deployment of the same
 * repository and environment was open. */
static void mark_failures(dora_ctx *c)
{
	const orgmri_model *m = c->m;
	for (size_t i = 0; i < m->ndeployments; i++) {
		/* bit 0: rolled back */
		c->failed[i] = m->deployments[i].rolled_back != ORGMRI_NO_TIME;
		c->rework[i] = (uint8_t)m->deployments[i].hotfix;
	}
	for (size_t k = 0; k < c->d->nlinks; k++) {
		const orgmri_incident_link *l = &c->d->links[k];
		if (l->deployment == ORGMRI_NONE)
			continue;
		c->failed[l->deployment] |= 2;   /* bit 1: an incident */
		const orgmri_deployment *bad = &m->deployments[l->deployment];
		for (size_t i = l->deployment + 1; i < m->ndeployments; i++) {
			const orgmri_deployment *dp = &m->deployments[i];
			if (!dp->success || dp->finished <= l->opened)
				continue;
			if (l->resolved != ORGMRI_NO_TIME && dp->finished > l->resolved)
				break;
			if (strcmp(dp->repo, bad->repo) == 0 &&
			    strcasecmp(dp->environment, bad->environment) == 0)
				c->rework[i] = 1;
		}
	}
}

/* ---- lead time -------------------------------------------------------- */

typedef struct acts {
	uint32_t authored, committed, opened, merged, rel_contains, rel_deploys;
} acts;

static void acts_init(const orgmri_model *m, acts *a)
{
	const orgmri_table *t = m->table;
	a->authored = orgmri_table_activity(t, "authored");
	a->committed = orgmri_table_activity(t, "committed");
	a->opened = orgmri_table_activity(t, "opened");
	a->merged = orgmri_table_activity(t, "merged");
	a->rel_contains = model_rel(m, "contains");
	a->rel_deploys = model_rel(m, "deploys");
}

/* First commit of a change: earliest `authored` over its commits. */
static int64_t first_commit(const orgmri_model *m, const acts *a, uint32_t o)
{
	const orgmri_table *t = m->table;
	const uint32_t *cs;
	size_t n = model_commits(m, o, &cs);
	int64_t best = ORGMRI_NO_TIME;
	for (size_t k = 0; k < n; k++) {
		int64_t v = model_first_time(t, cs[k], a->authored);
		if (v != ORGMRI_NO_TIME && (best == ORGMRI_NO_TIME || v < best))
			best = v;
	}
	return best;
}

/* DevLake's computeTimeSpan: ceil(minutes); negative or missing -> none */
static double ceil_minutes(int64_t from, int64_t to)
{
	if (from == ORGMRI_NO_TIME || to == ORGMRI_NO_TIME || to < from)
		return NAN;
	return ceil((double)(to - from) / 60000.0);
}

static double pr_lead(const orgmri_model *m, const acts *a, size_t i,
                      int devlake)
{
	const orgmri_table *t = m->table;
	uint32_t o = m->item[i];
	int64_t first = first_commit(m, a, o), dep = m->item_deployed[i];
	if (!devlake)
		return first == ORGMRI_NO_TIME || dep < first ? NAN
		                                              : (double)(dep - first);
	int64_t opened = model_first_time(t, o, a->opened);
	int64_t merged = model_first_time(t, o, a->merged);
	if (merged == ORGMRI_NO_TIME)
		return NAN;
	double parts[3] = { ceil_minutes(first, opened),
	                    ceil_minutes(opened, merged),
	                    ceil_minutes(merged, dep) };
	double sum = 0;
	for (int k = 0; k < 3; k++)
		if (!isnan(parts[k]))
			sum += parts[k];
	return sum * 60000.0;
}

static int lead_per_pr(dora_ctx *c, const acts *a)
{
	const orgmri_model *m = c->m;
	for (size_t i = 0; i < m->nitems; i++) {
		uint32_t di = m->item_deployment[i];
		if (di == ORGMRI_NONE || !orgmri_filter_item(m, &c->o->filter, i) ||
		    !in_window(c, m->item_deployed[i]))
			continue;
		const orgmri_deployment *dp = &m->deployments[di];
		double v = pr_lead(m, a, i, c->o->devlake_parts);
		if (isnan(v)) {
			c->d->lead_dropped++;
			continue;
		}
		size_t r = row_for(c, m->item_repo[i], m->item_team[i],
		                   dp->environment, dp->finished);
		if (r == SIZE_MAX || dvec_push(&c->acc[r].lead, v))
			return ORGMRI_ENOMEM;
	}
	return 0;
}

typedef struct commit_walk {
	dora_ctx *c;
	const acts *a;
	const orgmri_deployment *dp;
	uint8_t *seen;
	size_t row;
	int in;
	int rc;
} commit_walk;

static void one_commit(commit_walk *w, uint32_t x)
{
	const orgmri_table *t = w->c->m->table;
	if (w->seen[x])
		return;
	w->seen[x] = 1;
	if (!w->in)
		return;
	if (w->c->o->filter.cohort == ORGMRI_COHORT_AI &&
	    !model_object_ai(w->c->m, x))
		return;
	if (w->c->o->filter.cohort == ORGMRI_COHORT_OTHER &&
	    model_object_ai(w->c->m, x))
		return;
	int64_t ct = model_first_time(t, x, w->a->committed);
	if (ct == ORGMRI_NO_TIME)
		ct = model_first_time(t, x, w->a->authored);
	if (ct == ORGMRI_NO_TIME)
		return;   /* a change object or a commit without events */
	/* Four Keys drops non-positive lead times ("automated pushes") */
	if (w->dp->finished <= ct) {
		w->c->d->lead_dropped++;
		return;
	}
	if (dvec_push(&w->c->acc[w->row].lead, (double)(w->dp->finished - ct)))
		w->rc = ORGMRI_ENOMEM;
}

/* Four Keys: each commit counts once, at its first production deployment. */
static int lead_per_commit(dora_ctx *c, const acts *a)
{
	const orgmri_model *m = c->m;
	const orgmri_table *t = m->table;
	uint8_t *seen = calloc(t->nobjects ? t->nobjects : 1, 1);
	if (!seen)
		return ORGMRI_ENOMEM;
	commit_walk w = { c, a, NULL, seen, 0, 0, 0 };
	for (size_t i = 0; i < m->ndeployments && !w.rc; i++) {
		const orgmri_deployment *dp = &m->deployments[i];
		if (!dp->success || !dp->production)
			continue;
		w.dp = dp;
		w.in = in_window(c, dp->finished) && counts(c, dp);
		if (w.in && (w.row = deploy_row(c, dp, dp->finished)) == SIZE_MAX) {
			w.rc = ORGMRI_ENOMEM;
			break;
		}
		uint32_t o = dp->object;
		for (uint32_t l = t->link_first[o]; l < t->link_first[o + 1]; l++) {
			if (t->link_rel[l] != a->rel_deploys)
				continue;
			uint32_t x = t->link_dst[l];
			one_commit(&w, x);
			const uint32_t *cs;
			size_t nc = model_commits(m, x, &cs);
			for (size_t k = 0; k < nc; k++)
				one_commit(&w, cs[k]);
		}
	}
	free(seen);
	return w.rc;
}

/* ---- frequency -------------------------------------------------------- */

/* Median over the weeks (or months) of the row's window of the number of
 * distinct deployment days in each. */
static double median_days_per(const dvec *days, int64_t lo, int64_t hi,
                              int months)
{
	if (hi <= lo)
		return NAN;
	dvec per = { 0 };
	int64_t b = months ? month_start(lo, 0) : orgmri_week_start(lo);
	size_t k = 0;
	while (b < hi) {
		int64_t e = months ? month_start(b, 1) : b + 7 * 86400000LL;
		double n = 0;
		for (; k < days->n && days->v[k] * 86400000.0 < (double)e; k++)
			n += days->v[k] * 86400000.0 >= (double)b;
		if (dvec_push(&per, n)) {
			free(per.v);
			return NAN;
		}
		b = e;
	}
	orgmri_summary s;
	orgmri_summarize(per.v, per.n, ORGMRI_STAT_MEDIAN, &s);
	free(per.v);
	return s.p50;
}

static int add_deployments(dora_ctx *c)
{
	const orgmri_model *m = c->m;
	for (size_t i = 0; i < m->ndeployments; i++) {
		const orgmri_deployment *dp = &m->deployments[i];
		if (!counts(c, dp) || !in_window(c, dp->finished))
			continue;
		size_t r = deploy_row(c, dp, dp->finished);
		if (r == SIZE_MAX)
			return ORGMRI_ENOMEM;
		orgmri_dora_row *row = &c->d->rows[r];
		row->deployments++;
		row->failed += c->failed[i] != 0;
		row->rework += c->rework[i];
		if (dvec_push(&c->acc[r].days,
		              (double)floor_div(dp->finished, 86400000)))
			return ORGMRI_ENOMEM;
		/* a rollback without a linked incident: recovered at rollback */
		if (dp->rolled_back != ORGMRI_NO_TIME && dp->rolled_back >= dp->finished) {
			int linked = (c->failed[i] & 2) != 0;
			if (!linked && dvec_push(&c->acc[r].recovery,
			                         (double)(dp->rolled_back - dp->finished)))
				return ORGMRI_ENOMEM;
		}
	}
	return 0;
}

static int add_incidents(dora_ctx *c)
{
	const orgmri_model *m = c->m;
	const orgmri_filter *f = &c->o->filter;
	for (size_t k = 0; k < c->d->nlinks; k++) {
		const orgmri_incident_link *l = &c->d->links[k];
		const orgmri_deployment *dp = l->deployment == ORGMRI_NONE
			? NULL : &m->deployments[l->deployment];
		if (dp ? !orgmri_filter_deployment(f, dp)
		       : (f->repo || f->team || f->cohort != ORGMRI_COHORT_ALL))
			continue;
		if (dp && !dp->production && c->o->group != ORGMRI_GROUP_ENVIRONMENT)
			continue;
		const char *repo = dp ? dp->repo : NULL, *team = dp ? dp->team : NULL,
		           *env = dp ? dp->environment : NULL;
		if (l->how != ORGMRI_LINK_REVERT && in_window(c, l->opened)) {
			size_t r = row_for(c, repo, team, env, l->opened);
			if (r == SIZE_MAX)
				return ORGMRI_ENOMEM;
			c->d->rows[r].incidents++;
			c->d->rows[r].incidents_linked += dp != NULL;
		}
		if (!in_window(c, l->resolved))
			continue;
		size_t r = row_for(c, repo, team, env, l->resolved);
		if (r == SIZE_MAX)
			return ORGMRI_ENOMEM;
		if (dp && l->resolved >= dp->finished &&
		    dvec_push(&c->acc[r].recovery, (double)(l->resolved - dp->finished)))
			return ORGMRI_ENOMEM;
		if (l->how != ORGMRI_LINK_REVERT && l->opened != ORGMRI_NO_TIME &&
		    l->resolved >= l->opened &&
		    dvec_push(&c->acc[r].restore, (double)(l->resolved - l->opened)))
			return ORGMRI_ENOMEM;
	}
	return 0;
}

static int cmp_row(const void *a, const void *b)
{
	return strcmp(((const orgmri_dora_row *)a)->group,
	              ((const orgmri_dora_row *)b)->group);
}

static void finish_row(dora_ctx *c, size_t r)
{
	orgmri_dora_row *row = &c->d->rows[r];
	row_acc *acc = &c->acc[r];
	orgmri_statistic st = c->o->statistic;
	row->weeks = (double)(row->until - row->since) / ORGMRI_MS_WEEK;
	row->deploys_per_week = row->weeks > 0
		? (double)row->deployments / row->weeks : NAN;
	/* distinct days */
	orgmri_sort_doubles(acc->days.v, acc->days.n);
	size_t u = 0;
	for (size_t i = 0; i < acc->days.n; i++)
		if (u == 0 || acc->days.v[i] != acc->days.v[u - 1])
			acc->days.v[u++] = acc->days.v[i];
	acc->days.n = u;
	row->deploy_days = (long long)u;
	row->deploy_days_per_week = median_days_per(&acc->days, row->since,
	                                            row->until, 0);
	row->deploy_days_per_month = median_days_per(&acc->days, row->since,
	                                             row->until, 1);
	orgmri_summarize(acc->lead.v, acc->lead.n, st, &row->lead);
	orgmri_summarize(acc->recovery.v, acc->recovery.n, st, &row->recovery);
	orgmri_summarize(acc->restore.v, acc->restore.n, st, &row->restore);
	row->change_failure_rate = row->deployments
		? (double)row->failed / (double)row->deployments : NAN;
	row->rework_rate = row->deployments
		? (double)row->rework / (double)row->deployments : NAN;
	for (int b = 0; b < ORGMRI_NBANDS; b++) {
		row->tier[b][ORGMRI_DORA_DF] = orgmri_dora_tier(
			b, ORGMRI_DORA_DF, row->deploy_days_per_week,
			row->deploy_days_per_month);
		row->tier[b][ORGMRI_DORA_LT] = orgmri_dora_tier(
			b, ORGMRI_DORA_LT, row->lead.value, 0);
		row->tier[b][ORGMRI_DORA_CFR] = orgmri_dora_tier(
			b, ORGMRI_DORA_CFR, row->change_failure_rate, 0);
		row->tier[b][ORGMRI_DORA_FDRT] = orgmri_dora_tier(
			b, ORGMRI_DORA_FDRT, row->recovery.value, 0);
	}
}

static void describe(orgmri_dora *d)
{
	const orgmri_dora_options *o = &d->opts;
	char link[96] = "";
	static const char *const ln[] = { "explicit", "revert", "previous",
	                                  "window" };
	for (int b = 0; b < 4; b++)
		if (o->linkage & (1u << b)) {
			strcat(link, link[0] ? "," : "");
			strcat(link, ln[b]);
		}
	snprintf(d->conventions, sizeof(d->conventions),
	         "lead=%s%s statistic=%s linkage=%s "
	         "cfr=deployments-with-incident-or-rollback/deployments "
	         "recovery=deployment-finished->incident-resolved (DORA 2023) "
	         "restore=incident-opened->resolved (DORA 2021) "
	         "bands=2023(DevLake contiguous),2024(report clusters)",
	         o->lead_unit == ORGMRI_LEAD_COMMIT ? "per-commit(Four Keys)"
	                                            : "per-PR",
	         o->lead_unit == ORGMRI_LEAD_PR
	             ? (o->devlake_parts ? "(DevLake parts, ceil minutes)"
	                                 : "(first commit->first production deployment)")
	             : "",
	         orgmri_statistic_name(o->statistic), link[0] ? link : "none");
}

int orgmri_dora_compute(const orgmri_model *m, const orgmri_dora_options *o,
                        orgmri_dora **out, orgmri_error *err)
{
	orgmri_dora_options defaults = ORGMRI_DORA_OPTIONS_INIT;
	if (!o)
		o = &defaults;
	*out = NULL;
	orgmri_dora *d = calloc(1, sizeof(*d));
	dora_ctx c = { m, o, d, NULL, 0, 0, 0, NULL, NULL, 0 };
	int rc = 0;
	if (!d)
		return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	d->opts = *o;
	describe(d);
	orgmri_filter_window(m, &o->filter, &c.since, &c.until);
	size_t nd = m->ndeployments ? m->ndeployments : 1;
	c.failed = calloc(nd, 1);
	c.rework = calloc(nd, 1);
	acts a;
	acts_init(m, &a);
	if (!c.failed || !c.rework || (o->group == ORGMRI_GROUP_NONE &&
	                               row_for(&c, NULL, NULL, NULL, 0) == SIZE_MAX)) {
		rc = ORGMRI_ENOMEM;
		goto done;
	}
	if ((rc = link_incidents(&c)))
		goto done;
	mark_failures(&c);
	if ((rc = add_deployments(&c)) || (rc = add_incidents(&c)))
		goto done;
	rc = o->lead_unit == ORGMRI_LEAD_COMMIT ? lead_per_commit(&c, &a)
	                                        : lead_per_pr(&c, &a);
	if (rc || c.oom) {
		rc = ORGMRI_ENOMEM;
		goto done;
	}
	for (size_t r = 0; r < d->nrows; r++)
		finish_row(&c, r);
	if (d->nrows)
		qsort(d->rows, d->nrows, sizeof(*d->rows), cmp_row);
done:
	for (size_t r = 0; r < d->nrows; r++) {
		free(c.acc[r].lead.v);
		free(c.acc[r].recovery.v);
		free(c.acc[r].restore.v);
		free(c.acc[r].days.v);
	}
	free(c.acc);
	free(c.failed);
	free(c.rework);
	if (rc) {
		orgmri_dora_free(d);
		return orgmri_seterr(err, rc, "out of memory computing DORA");
	}
	*out = d;
	return 0;
}

void orgmri_dora_free(orgmri_dora *d)
{
	if (!d)
		return;
	free(d->rows);
	free(d->links);
	free(d);
}

int orgmri_dora_item_lead(const orgmri_model *m, size_t item,
                          int devlake_parts, double *ms)
{
	acts a;
	acts_init(m, &a);
	if (item >= m->nitems)
		return 0;
	*ms = pr_lead(m, &a, item, devlake_parts);
	return !isnan(*ms);
}
