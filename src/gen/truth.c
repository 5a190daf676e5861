/*
 * truth.c - the ground truth of a generated organisation, and its JSON.
 *
 * Definitions (the same as docs/generator.md; tests recompute them from
 * the events alone):
 *   - a change belongs to the period (before / after ai.rollout) in which
 *     its first commit was authored; changes without a pull request at
 *     the end are left out (their commits are written when it opens);
 *   - stage intervals per change, counted only when both ends happened:
 *       coding   first commit authored -> opened
 *       pickup   opened -> first code review (approved or changes_requested
 *                without a team)
 *       review   first code review -> code approval (approved, no team)
 *       security first review_requested team=security -> approved team=security
 *       qa       review_requested team=qa -> approved team=qa
 *       merge    last approval of any kind -> merged
 *       deploy   merged -> the successful production deployment shipping it
 *     and lead time = first commit -> that deployment;
 *   - median of n sorted values: the middle one, or the mean of the two
 *     middle ones;
 *   - utilisation of a pool in a period: time its people were busy inside
 *     the period / (people x period length); offered load: the work that
 *     started in the period / (people x period length);
 *   - the constraint of a period: the pool stage with the highest
 *     utilisation.
 */
#include <math.h>
#include <stdlib.h>

#include "core/util.h"
#include <string.h>

#include "gen/sim.h"
#include "orgmri/time.h"

#define HOUR_MS 3600000.0

typedef struct vec {
	double *v;
	size_t n, cap;
} vec;

static int vec_push(vec *x, double d)
{
	if (x->n == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 256;
		double *v = orgmri_reallocarray(x->v, cap, sizeof(*v));
		if (!v)
			return ORGMRI_ENOMEM;
		x->v = v;
		x->cap = cap;
	}
	x->v[x->n++] = d;
	return 0;
}

static double median(vec *x)
{
	if (x->n == 0)
		return 0;
	orgmri_sort_doubles(x->v, x->n);
	size_t m = x->n / 2;
	return x->n % 2 ? x->v[m] : (x->v[m - 1] + x->v[m]) / 2;
}

static double mean(const vec *x)
{
	double s = 0;
	for (size_t i = 0; i < x->n; i++)
		s += x->v[i];
	return x->n ? s / (double)x->n : 0;
}

/* The interval [a, b] of a stage for change c, or -1 when incomplete. */
static double stage_hours(const gen_change *c, int stage)
{
	int64_t a = 0, b = 0;
	switch (stage) {
	case ORGMRI_GEN_CODING: a = c->first_commit; b = c->opened; break;
	case ORGMRI_GEN_PICKUP: a = c->opened; b = c->first_review; break;
	case ORGMRI_GEN_REVIEW: a = c->first_review; b = c->code_approved; break;
	case ORGMRI_GEN_SECURITY: a = c->sec_req; b = c->sec_appr; break;
	case ORGMRI_GEN_QA: a = c->qa_req; b = c->qa_appr; break;
	case ORGMRI_GEN_MERGE: a = c->last_approval; b = c->merged; break;
	case ORGMRI_GEN_DEPLOY: a = c->merged; b = c->deployed; break;
	}
	if (!a || !b)
		return -1;
	return (double)(b - a) / HOUR_MS;
}

static const int pool_stage[NPOOLS] = { ORGMRI_GEN_CODING, ORGMRI_GEN_REVIEW,
                                        ORGMRI_GEN_SECURITY, ORGMRI_GEN_QA };

static void fill_pools(const gen_sim *g, orgmri_gen_truth *t)
{
	for (int per = 0; per < 2; per++) {
		orgmri_gen_period_truth *pt = &t->period[per];
		double len = (double)(pt->to - pt->from);
		double best = -1;
		pt->constraint = -1;
		for (int s = 0; s < ORGMRI_GEN_NSTAGES; s++)
			pt->stage[s].utilisation = -1;
		for (int q = 0; q < NPOOLS; q++) {
			double busy = 0, work = 0, wait = 0;
			long served = 0;
			int cap = 0;
			for (int k = 0; k < g->p.units; k++) {
				const gen_pool *pl = &g->units[k].pool[q];
				busy += pl->busy_ms[per];
				work += pl->work_ms[per];
				wait += pl->wait_ms[per];
				served += pl->served[per];
				cap += pl->cap;
			}
			orgmri_gen_stage_truth *st = &pt->stage[pool_stage[q]];
			st->capacity = cap;
			st->utilisation = len > 0 ? busy / ((double)cap * len) : 0;
			st->offered_load = len > 0 ? work / ((double)cap * len) : 0;
			st->wait_mean_h = served ? wait / (double)served / HOUR_MS : 0;
			st->work_mean_h = served ? work / (double)served / HOUR_MS : 0;
			if (st->utilisation > best) {
				best = st->utilisation;
				pt->constraint = pool_stage[q];
			}
		}
	}
}

int gen_truth_fill(const gen_sim *g, orgmri_gen_truth *t, orgmri_error *err)
{
	vec v[2][ORGMRI_GEN_NSTAGES + 1];
	int rc = 0;
	memset(v, 0, sizeof(v));
	memset(t, 0, sizeof(*t));
	t->seed = g->p.seed;
	t->events = g->events;
	t->changes = (long long)g->nchanges;
	t->issues = (long long)g->nchanges;
	t->commits = (long long)g->ncommits;
	t->builds = g->builds;
	t->deployments = g->dep_count[0] + g->dep_count[1];
	t->incidents = g->incidents;
	t->period[0].from = g->p.start;
	t->period[0].to = t->period[1].from = g->p.rollout;
	t->period[1].to = g->end;
	for (int per = 0; per < 2; per++) {
		t->period[per].deployments = g->dep_count[per];
		t->period[per].incidents = g->inc_count[per];
	}
	for (size_t i = 0; i < g->nchanges; i++) {
		const gen_change *c = &g->changes[i];
		if (!c->opened)
			continue;
		int per = gen_period(g, c->first_commit);
		orgmri_gen_period_truth *pt = &t->period[per];
		pt->changes++;
		for (int s = 0; s < ORGMRI_GEN_NSTAGES; s++) {
			double h = stage_hours(c, s);
			if (h >= 0 && vec_push(&v[per][s], h))
				goto oom;
		}
		if (c->deployed) {
			pt->deployed++;
			if (vec_push(&v[per][ORGMRI_GEN_NSTAGES],
			             (double)(c->deployed - c->first_commit) / HOUR_MS))
				goto oom;
		}
	}
	for (int per = 0; per < 2; per++) {
		orgmri_gen_period_truth *pt = &t->period[per];
		for (int s = 0; s < ORGMRI_GEN_NSTAGES; s++) {
			pt->stage[s].n = (long)v[per][s].n;
			pt->stage[s].mean_h = mean(&v[per][s]);
			pt->stage[s].median_h = median(&v[per][s]);
		}
		pt->lead_median_h = median(&v[per][ORGMRI_GEN_NSTAGES]);
		pt->coding_median_h = pt->stage[ORGMRI_GEN_CODING].median_h;
		/* PRs opened per author (all people of the coding pools) per week */
		double weeks = (double)(pt->to - pt->from) / (7 * 24 * HOUR_MS);
		long opened = 0;
		for (size_t i = 0; i < g->nchanges; i++)
			if (g->changes[i].opened &&
			    gen_period(g, g->changes[i].opened) == per)
				opened++;
		double people = (double)g->p.coding.capacity * g->p.units;
		pt->prs_per_author_week = weeks > 0 ? (double)opened / people / weeks
		                                    : 0;
	}
	fill_pools(g, t);
	goto done;
oom:
	rc = orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
done:
	for (int per = 0; per < 2; per++)
		for (int s = 0; s <= ORGMRI_GEN_NSTAGES; s++)
			free(v[per][s].v);
	return rc;
}

/* ---- JSON ---------------------------------------------------------------- */

static void jnum(FILE *fp, double d)
{
	/* 6 significant decimals: stable text, enough for hours */
	if (d == floor(d) && fabs(d) < 1e15)
		fprintf(fp, "%.0f", d);
	else
		fprintf(fp, "%.6g", d);
}

static void write_period(FILE *fp, const orgmri_gen_period_truth *pt,
                         const char *name)
{
	char a[ORGMRI_TIME_BUFSZ], b[ORGMRI_TIME_BUFSZ];
	fprintf(fp, "    \"%s\": {\n      \"from\": \"%s\", \"to\": \"%s\",\n",
	        name, orgmri_time_format(pt->from, a),
	        orgmri_time_format(pt->to, b));
	fprintf(fp, "      \"constraint\": \"%s\",\n",
	        orgmri_gen_stage_name(pt->constraint));
	fprintf(fp, "      \"changes\": %ld, \"deployed\": %ld, "
	            "\"deployments\": %ld, \"incidents\": %ld,\n",
	        pt->changes, pt->deployed, pt->deployments, pt->incidents);
	fprintf(fp, "      \"lead_time_median_h\": ");
	jnum(fp, pt->lead_median_h);
	fprintf(fp, ", \"coding_median_h\": ");
	jnum(fp, pt->coding_median_h);
	fprintf(fp, ", \"prs_per_author_week\": ");
	jnum(fp, pt->prs_per_author_week);
	fprintf(fp, ",\n      \"stages\": {\n");
	for (int s = 0; s < ORGMRI_GEN_NSTAGES; s++) {
		const orgmri_gen_stage_truth *st = &pt->stage[s];
		fprintf(fp, "        \"%s\": {\"n\": %ld, \"median_h\": ",
		        orgmri_gen_stage_name(s), st->n);
		jnum(fp, st->median_h);
		fprintf(fp, ", \"mean_h\": ");
		jnum(fp, st->mean_h);
		if (st->utilisation >= 0) {
			fprintf(fp, ", \"capacity\": %d, \"utilisation\": ", st->capacity);
			jnum(fp, st->utilisation);
			fprintf(fp, ", \"offered_load\": ");
			jnum(fp, st->offered_load);
			fprintf(fp, ", \"wait_mean_h\": ");
			jnum(fp, st->wait_mean_h);
			fprintf(fp, ", \"work_mean_h\": ");
			jnum(fp, st->work_mean_h);
		} else {
			fprintf(fp, ", \"utilisation\": null");
		}
		fprintf(fp, "}%s\n", s + 1 < ORGMRI_GEN_NSTAGES ? "," : "");
	}
	fprintf(fp, "      }\n    }");
}

int orgmri_gen_truth_write_json(const orgmri_gen_truth *t,
                                const orgmri_gen_params *p, FILE *fp,
                                orgmri_error *err)
{
	fprintf(fp, "{\n  \"generator\": \"orgmri generate\",\n"
	            "  \"schema\": 1,\n  \"seed\": %llu,\n",
	        (unsigned long long)t->seed);
	fprintf(fp, "  \"repo\": \"%s\", \"units\": %d,\n", p->repo, p->units);
	fprintf(fp, "  \"planted\": \"%s\",\n",
	        p->plant < 0 ? "none" : orgmri_gen_stage_name(p->plant));
	fprintf(fp, "  \"counts\": {\"events\": %lld, \"changes\": %lld, "
	            "\"issues\": %lld, \"commits\": %lld, \"builds\": %lld, "
	            "\"deployments\": %lld, \"incidents\": %lld},\n",
	        t->events, t->changes, t->issues, t->commits, t->builds,
	        t->deployments, t->incidents);
	fprintf(fp, "  \"periods\": {\n");
	write_period(fp, &t->period[0], "before");
	fprintf(fp, ",\n");
	write_period(fp, &t->period[1], "after");
	fprintf(fp, "\n  }\n}\n");
	if (fflush(fp) != 0 || ferror(fp))
		return orgmri_seterr(err, ORGMRI_EIO, "write failed");
	return 0;
}
