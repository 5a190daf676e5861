/*
 * test_metrics.c - edge cases of the value-stream model and the metric
 * families, each on a few hand-written canonical events whose expected
 * figures follow from the definitions in docs/metrics.md by hand.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#define H 3600000.0

/* cmocka of this Debian has no assert_double_equal */
static void near(double got, double want, double eps, int line)
{
	if (!(fabs(got - want) <= eps))
		fail_msg("line %d: got %.10g, want %.10g", line, got, want);
}
#define assert_double_equal(a, b, eps) near((a), (b), (eps), __LINE__)

typedef tu_model fixture;

static orgmri_dora *dora(fixture *f, orgmri_dora_options *o)
{
	orgmri_dora_options d = ORGMRI_DORA_OPTIONS_INIT;
	orgmri_dora *r;
	orgmri_error err;
	assert_int_equal(orgmri_dora_compute(f->model, o ? o : &d, &r, &err), 0);
	assert_true(r->nrows >= 1);
	return r;
}

/* span of stage `name` of the only (first) item in hours, NaN if none */
static double span_h(const fixture *f, size_t item, const char *name)
{
	int64_t ms;
	uint32_t s = orgmri_model_stage(f->model, name);
	assert_int_not_equal(s, ORGMRI_NONE);
	return orgmri_model_span(f->model, item, s, &ms) ? (double)ms / H : NAN;
}

/* A PR: commit at 00:00, opened 02:00, review 05:00, approved 07:00,
 * merged 08:00 on 2026-03-02. */
#define PR \
	"{\"time\":\"2026-03-02T00:00:00Z\",\"object\":\"commit:c1\",\"activity\":\"authored\",\"actor\":\"ann\",\"related\":[\"change:r#1\"]}\n" \
	"{\"time\":\"2026-03-02T02:00:00Z\",\"object\":\"change:r#1\",\"activity\":\"opened\",\"actor\":\"ann\"}\n" \
	"{\"time\":\"2026-03-02T05:00:00Z\",\"object\":\"change:r#1\",\"activity\":\"commented\",\"actor\":\"bob\"}\n" \
	"{\"time\":\"2026-03-02T07:00:00Z\",\"object\":\"change:r#1\",\"activity\":\"approved\",\"actor\":\"bob\"}\n" \
	"{\"time\":\"2026-03-02T08:00:00Z\",\"object\":\"change:r#1\",\"activity\":\"merged\",\"actor\":\"bob\"}\n"

#define DEPLOY(id, time, env) \
	"{\"time\":\"" time "\",\"object\":\"deployment:" id "\",\"activity\":\"deployed\",\"related\":[\"change:r#1\"],\"attrs\":{\"environment\":\"" env "\"}}\n"

static void test_no_deployments(void **state)
{
	(void)state;
	fixture f;
	tu_model_load(&f, PR, "pr", 0);
	assert_double_equal(span_h(&f, 0, "coding"), 2, 1e-9);
	assert_double_equal(span_h(&f, 0, "pickup"), 3, 1e-9);
	assert_double_equal(span_h(&f, 0, "review"), 2, 1e-9);
	assert_double_equal(span_h(&f, 0, "merge"), 1, 1e-9);
	assert_true(isnan(span_h(&f, 0, "deploy")));
	assert_true(isnan(span_h(&f, 0, "security")));
	orgmri_dora *d = dora(&f, NULL);
	assert_int_equal(d->rows[0].deployments, 0);
	assert_int_equal(d->rows[0].lead.n, 0);
	assert_true(isnan(d->rows[0].change_failure_rate));
	assert_true(isnan(d->rows[0].rework_rate));
	assert_null(d->rows[0].tier[ORGMRI_BANDS_2023][ORGMRI_DORA_LT]);
	assert_null(d->rows[0].tier[ORGMRI_BANDS_2023][ORGMRI_DORA_CFR]);
	/* no deploy days: frequency is the lowest tier, not missing */
	assert_string_equal(d->rows[0].tier[ORGMRI_BANDS_2023][ORGMRI_DORA_DF],
	                    "low");
	orgmri_dora_free(d);
	tu_model_free(&f);
}

static void test_one_deployment(void **state)
{
	(void)state;
	fixture f;
	tu_model_load(&f, PR DEPLOY("d1", "2026-03-02T12:00:00Z", "production"), "pr", 0);
	assert_double_equal(span_h(&f, 0, "deploy"), 4, 1e-9);
	orgmri_dora *d = dora(&f, NULL);
	assert_int_equal(d->rows[0].deployments, 1);
	assert_int_equal(d->rows[0].deploy_days, 1);
	assert_int_equal(d->rows[0].lead.n, 1);
	assert_double_equal(d->rows[0].lead.value, 12 * H, 1e-6);
	assert_double_equal(d->rows[0].change_failure_rate, 0, 1e-12);
	assert_string_equal(d->rows[0].tier[ORGMRI_BANDS_2023][ORGMRI_DORA_LT],
	                    "elite");
	orgmri_dora_free(d);
	/* per commit (Four Keys): the same single commit, 12 h */
	orgmri_dora_options o = ORGMRI_DORA_OPTIONS_INIT;
	o.lead_unit = ORGMRI_LEAD_COMMIT;
	d = dora(&f, &o);
	assert_int_equal(d->rows[0].lead.n, 1);
	assert_double_equal(d->rows[0].lead.value, 12 * H, 1e-6);
	orgmri_dora_free(d);
	tu_model_free(&f);
	/* DevLake: the first deployment of a chain ships nothing */
	tu_model_load(&f, PR DEPLOY("d1", "2026-03-02T12:00:00Z", "production"), "devlake",
	     1);
	assert_true(isnan(span_h(&f, 0, "deploy")));
	tu_model_free(&f);
}

static void test_staging_is_not_production(void **state)
{
	(void)state;
	fixture f;
	tu_model_load(&f, PR DEPLOY("s1", "2026-03-02T09:00:00Z", "staging")
	         DEPLOY("p1", "2026-03-03T08:00:00Z", "Production"), "pr", 0);
	assert_double_equal(span_h(&f, 0, "deploy"), 24, 1e-9);
	orgmri_dora_options o = ORGMRI_DORA_OPTIONS_INIT;
	o.group = ORGMRI_GROUP_ENVIRONMENT;
	orgmri_dora *d = dora(&f, &o);
	assert_int_equal(d->nrows, 2);   /* sorted: "Production", "staging" */
	assert_string_equal(d->rows[0].group, "Production");
	assert_int_equal(d->rows[0].deployments, 1);
	assert_string_equal(d->rows[1].group, "staging");
	assert_int_equal(d->rows[1].deployments, 1);
	orgmri_dora_free(d);
	tu_model_free(&f);
}

static void test_incidents_without_deployments(void **state)
{
	(void)state;
	fixture f;
	tu_model_load(&f,
	     "{\"time\":\"2026-03-02T00:00:00Z\",\"object\":\"incident:i1\",\"activity\":\"incident_opened\"}\n"
	     "{\"time\":\"2026-03-02T03:30:00Z\",\"object\":\"incident:i1\",\"activity\":\"incident_resolved\"}\n",
	     "pr", 0);
	orgmri_dora *d = dora(&f, NULL);
	assert_int_equal(d->rows[0].incidents, 1);
	assert_int_equal(d->rows[0].incidents_linked, 0);
	assert_int_equal(d->rows[0].restore.n, 1);
	assert_double_equal(d->rows[0].restore.value, 3.5 * H, 1e-6);
	assert_int_equal(d->rows[0].recovery.n, 0);
	assert_true(isnan(d->rows[0].change_failure_rate));
	orgmri_dora_free(d);
	tu_model_free(&f);
}

/* previous (DevLake, strict <) vs window (Middleware, <=) at a tie, and
 * the explicit link winning over both */
static void test_linkage(void **state)
{
	(void)state;
	fixture f;
	tu_model_load(&f, PR DEPLOY("d1", "2026-03-02T12:00:00Z", "production")
	         DEPLOY("d2", "2026-03-03T12:00:00Z", "production")
	     "{\"time\":\"2026-03-03T12:00:00Z\",\"object\":\"incident:i1\",\"activity\":\"incident_opened\"}\n"
	     "{\"time\":\"2026-03-03T14:00:00Z\",\"object\":\"incident:i1\",\"activity\":\"incident_resolved\"}\n",
	     "pr", 0);
	orgmri_dora_options o = ORGMRI_DORA_OPTIONS_INIT;
	o.linkage = ORGMRI_LINK_PREVIOUS;
	orgmri_dora *d = dora(&f, &o);
	assert_int_equal(d->nlinks, 1);
	assert_string_equal(orgmri_table_object_key(f.table, f.model->deployments[
		d->links[0].deployment].object), "deployment:d1");
	assert_int_equal(d->rows[0].failed, 1);
	assert_double_equal(d->rows[0].change_failure_rate, 0.5, 1e-12);
	/* recovery (2023) from d1's finish: 26 h; restore (2021): 2 h */
	assert_double_equal(d->rows[0].recovery.value, 26 * H, 1e-6);
	assert_double_equal(d->rows[0].restore.value, 2 * H, 1e-6);
	/* d2 finished the instant the incident opened, not while it was
	 * open: no rework */
	assert_int_equal(d->rows[0].rework, 0);
	orgmri_dora_free(d);
	o.linkage = ORGMRI_LINK_WINDOW;
	d = dora(&f, &o);
	assert_string_equal(orgmri_table_object_key(f.table, f.model->deployments[
		d->links[0].deployment].object), "deployment:d2");
	orgmri_dora_free(d);
	tu_model_free(&f);
}

/* a deployment made while an incident from an earlier one is open is
 * rework; so is one shipping a revert */
static void test_rework_rate(void **state)
{
	(void)state;
	fixture f;
	tu_model_load(&f, PR DEPLOY("d1", "2026-03-02T12:00:00Z", "production")
	         DEPLOY("d2", "2026-03-03T12:00:00Z", "production")
	     "{\"time\":\"2026-03-03T11:00:00Z\",\"object\":\"incident:i1\",\"activity\":\"incident_opened\"}\n"
	     "{\"time\":\"2026-03-03T14:00:00Z\",\"object\":\"incident:i1\",\"activity\":\"incident_resolved\"}\n"
	     "{\"time\":\"2026-03-04T09:00:00Z\",\"object\":\"commit:rv\",\"activity\":\"authored\",\"related\":[\"commit:c1\"]}\n"
	     "{\"time\":\"2026-03-04T12:00:00Z\",\"object\":\"deployment:d3\",\"activity\":\"deployed\",\"related\":[\"commit:rv\"]}\n",
	     "pr", 0);
	orgmri_dora *d = dora(&f, NULL);
	assert_int_equal(d->rows[0].deployments, 3);
	assert_int_equal(d->rows[0].failed, 1);      /* d1 */
	assert_int_equal(d->rows[0].rework, 2);      /* d2 during, d3 revert */
	assert_double_equal(d->rows[0].rework_rate, 2.0 / 3.0, 1e-12);
	orgmri_dora_free(d);
	/* revert linkage: c1 (in r#1, first shipped by d1) was reverted by
	 * rv, shipped by d3 */
	orgmri_dora_options o = ORGMRI_DORA_OPTIONS_INIT;
	o.linkage = ORGMRI_LINK_REVERT;
	d = dora(&f, &o);
	int found = 0;
	for (size_t k = 0; k < d->nlinks; k++)
		if (d->links[k].how == ORGMRI_LINK_REVERT) {
			found = 1;
			assert_string_equal(orgmri_table_object_key(f.table, f.model->deployments[
				d->links[k].deployment].object), "deployment:d1");
		}
	assert_true(found);
	orgmri_dora_free(d);
	orgmri_rework rw;
	orgmri_error err;
	assert_int_equal(orgmri_rework_compute(f.model, NULL, &rw, &err), 0);
	assert_int_equal(rw.commits, 2);
	assert_int_equal(rw.reverted, 1);
	assert_int_equal(rw.hotfixes, 1);            /* d3 ships a revert */
	tu_model_free(&f);
}

static void test_never_reviewed_and_skew(void **state)
{
	(void)state;
	fixture f;
	tu_model_load(&f,
	     /* never reviewed: merged straight away */
	     "{\"time\":\"2026-03-02T02:00:00Z\",\"object\":\"change:r#1\",\"activity\":\"opened\",\"actor\":\"ann\"}\n"
	     "{\"time\":\"2026-03-02T04:00:00Z\",\"object\":\"change:r#1\",\"activity\":\"merged\",\"actor\":\"ann\"}\n"
	     /* review recorded before the PR was opened (clock skew); the
	      * author's own comment does not count as a review */
	     "{\"time\":\"2026-03-02T01:00:00Z\",\"object\":\"change:r#2\",\"activity\":\"commented\",\"actor\":\"bob\"}\n"
	     "{\"time\":\"2026-03-02T02:00:00Z\",\"object\":\"change:r#2\",\"activity\":\"opened\",\"actor\":\"ann\"}\n"
	     "{\"time\":\"2026-03-02T02:30:00Z\",\"object\":\"change:r#2\",\"activity\":\"commented\",\"actor\":\"ann\"}\n"
	     "{\"time\":\"2026-03-02T03:00:00Z\",\"object\":\"change:r#2\",\"activity\":\"approved\",\"actor\":\"bob\"}\n",
	     "pr", 0);
	assert_int_equal(f.model->nitems, 2);
	assert_true(isnan(span_h(&f, 0, "pickup")));
	assert_true(isnan(span_h(&f, 0, "review")));
	assert_true(isnan(span_h(&f, 0, "merge")));
	assert_true(isnan(span_h(&f, 1, "pickup")));    /* negative: excluded */
	assert_double_equal(span_h(&f, 1, "review"), 2, 1e-9);
	assert_int_equal(f.model->nerrors, 1);
	assert_int_equal(f.model->errors[0].item, 1);
	assert_string_equal(f.model->stream.stages[f.model->errors[0].stage].name,
	                    "pickup");
	orgmri_stages *s;
	orgmri_error err;
	assert_int_equal(orgmri_stages_compute(f.model, NULL, 0, &s, &err), 0);
	uint32_t pk = orgmri_model_stage(f.model, "pickup");
	assert_int_equal(s->stages[pk].n, 0);
	assert_int_equal(s->stages[pk].errors, 1);
	orgmri_stages_free(s);
	/* rework: one reviewed merged change?  r#2 is not merged */
	orgmri_rework rw;
	assert_int_equal(orgmri_rework_compute(f.model, NULL, &rw, &err), 0);
	assert_int_equal(rw.changes, 1);
	assert_int_equal(rw.reviewed, 0);
	tu_model_free(&f);
}

static void test_time_zones(void **state)
{
	(void)state;
	fixture f;
	/* the same instants as PR's first two events, written with offsets */
	tu_model_load(&f,
	     "{\"time\":\"2026-03-02T02:00:00+02:00\",\"object\":\"commit:c1\",\"activity\":\"authored\",\"related\":[\"change:r#1\"]}\n"
	     "{\"time\":\"2026-03-01T21:00:00-05:00\",\"object\":\"change:r#1\",\"activity\":\"opened\",\"actor\":\"ann\"}\n",
	     "pr", 0);
	assert_double_equal(span_h(&f, 0, "coding"), 2, 1e-9);
	tu_model_free(&f);
}

static void test_empty_period(void **state)
{
	(void)state;
	fixture f;
	orgmri_error err;
	tu_model_load(&f, PR DEPLOY("d1", "2026-03-02T12:00:00Z", "production"), "pr", 0);
	orgmri_dora_options o = ORGMRI_DORA_OPTIONS_INIT;
	assert_int_equal(orgmri_time_parse("2027-01-01", 10, 0, &o.filter.since,
	                                   NULL, NULL), 0);
	assert_int_equal(orgmri_time_parse("2027-02-01", 10, 0, &o.filter.until,
	                                   NULL, NULL), 0);
	orgmri_dora *d = dora(&f, &o);
	assert_int_equal(d->rows[0].deployments, 0);
	assert_int_equal(d->rows[0].lead.n, 0);
	assert_double_equal(d->rows[0].deploy_days_per_week, 0, 1e-12);
	orgmri_dora_free(d);
	orgmri_stages *s;
	assert_int_equal(orgmri_stages_compute(f.model, &o.filter, 1, &s, &err), 0);
	assert_int_equal(s->stages[0].n, 0);
	assert_true(s->nweeks >= 5);
	assert_double_equal(s->stages[0].wip, 0, 1e-12);
	orgmri_stages_free(s);
	/* grouping by month inside an empty window: no rows, no crash */
	o.group = ORGMRI_GROUP_MONTH;
	assert_int_equal(orgmri_dora_compute(f.model, &o, &d, &err), 0);
	assert_int_equal(d->nrows, 0);
	orgmri_dora_free(d);
	tu_model_free(&f);
}

static void test_quantiles_and_tiers(void **state)
{
	(void)state;
	double v[] = { 4, 1, 3, 2 };
	orgmri_summary s;
	orgmri_summarize(v, 4, ORGMRI_STAT_LOWER_MEDIAN, &s);
	assert_double_equal(s.p50, 2.5, 1e-12);        /* interpolated */
	assert_double_equal(s.value, 2, 1e-12);        /* DevLake's lower */
	assert_double_equal(s.p85, 3.55, 1e-12);       /* 1 + 0.85*3 = 3.55 */
	assert_double_equal(s.mean, 2.5, 1e-12);
	assert_true(isnan(orgmri_quantile(v, 0, 0.5)));
	/* 2023: CFR 5 % elite (inclusive), above it high */
	assert_string_equal(orgmri_dora_tier(0, ORGMRI_DORA_CFR, 0.05, 0), "elite");
	assert_string_equal(orgmri_dora_tier(0, ORGMRI_DORA_CFR, 0.0501, 0), "high");
	assert_string_equal(orgmri_dora_tier(0, ORGMRI_DORA_CFR, 0.2, 0), "low");
	/* 2024: nearest cluster centre (elite 5, medium 10, high 20, low 40) */
	assert_string_equal(orgmri_dora_tier(1, ORGMRI_DORA_CFR, 0.12, 0), "medium");
	assert_string_equal(orgmri_dora_tier(1, ORGMRI_DORA_CFR, 0.18, 0), "high");
	assert_string_equal(orgmri_dora_tier(1, ORGMRI_DORA_CFR, 0.35, 0), "low");
	/* lead time: < 1 day elite, exactly one day high */
	assert_string_equal(orgmri_dora_tier(0, ORGMRI_DORA_LT, 23 * H, 0), "elite");
	assert_string_equal(orgmri_dora_tier(0, ORGMRI_DORA_LT, 24 * H, 0), "high");
	/* recovery 2024: one day and more is low (medium shares high's band) */
	assert_string_equal(orgmri_dora_tier(1, ORGMRI_DORA_FDRT, 30 * H, 0), "low");
	assert_string_equal(orgmri_dora_tier(0, ORGMRI_DORA_FDRT, 30 * H, 0), "medium");
	/* frequency: 5 deploy days a week elite; 0/week but 1/month medium */
	assert_string_equal(orgmri_dora_tier(0, ORGMRI_DORA_DF, 5, 20), "elite");
	assert_string_equal(orgmri_dora_tier(0, ORGMRI_DORA_DF, 0, 1), "medium");
	assert_string_equal(orgmri_dora_tier(0, ORGMRI_DORA_DF, 0, 0), "low");
	assert_null(orgmri_dora_tier(0, ORGMRI_DORA_LT, NAN, 0));
}

static void test_selectors_and_config(void **state)
{
	(void)state;
	orgmri_error err;
	assert_int_equal(orgmri_selector_check("first a|b,c[team=x] !author@commits", &err), 0);
	assert_int_equal(orgmri_selector_check("sometimes opened", &err), ORGMRI_EPARSE);
	assert_int_equal(orgmri_selector_check("first opened@nowhere", &err), ORGMRI_EPARSE);
	assert_int_equal(orgmri_selector_check("first opened[team]", &err), ORGMRI_EPARSE);
	assert_int_equal(orgmri_selector_check("first ", &err), ORGMRI_EPARSE);
	char *dir = tu_tempdir();
	char *cfg_path = tu_write(dir, "cfg",
		"[stage \"coding\"]\n\tend = first opened\n"
		"[stage \"qa\"]\n\tremove = true\n"
		"[stage \"triage\"]\n\tstream = issue\n\tkind = work\n"
		"\tstart = first created\n\tend = first status_changed\n");
	orgmri_config *cfg;
	assert_int_equal(orgmri_config_load(&cfg, cfg_path, &err), 0);
	orgmri_stream pr, issue;
	assert_int_equal(orgmri_stream_configured(&pr, "pr", cfg, &err), 0);
	assert_int_equal(pr.nstages, 6);
	assert_string_equal(pr.stages[0].end, "first opened");
	for (size_t i = 0; i < pr.nstages; i++)
		assert_string_not_equal(pr.stages[i].name, "qa");
	assert_int_equal(orgmri_stream_configured(&issue, "issue", cfg, &err), 0);
	assert_int_equal(issue.nstages, 7);
	assert_string_equal(issue.stages[6].name, "triage");
	assert_int_equal(issue.stages[6].kind, ORGMRI_STAGE_WORK);
	orgmri_config_free(cfg);
	char *bad = tu_write(dir, "bad", "[stage \"coding\"]\n\tend = whenever\n");
	assert_int_equal(orgmri_config_load(&cfg, bad, &err), 0);
	assert_int_equal(orgmri_stream_configured(&pr, "pr", cfg, &err),
	                 ORGMRI_EPARSE);
	assert_non_null(strstr(err.message, "stage.coding.end"));
	orgmri_config_free(cfg);
	free(cfg_path);
	free(bad);
	tu_rmtree(dir);
	free(dir);
}

static void test_issue_stream(void **state)
{
	(void)state;
	fixture f;
	tu_model_load(&f,
	     "{\"time\":\"2026-03-02T00:00:00Z\",\"object\":\"issue:T-1\",\"activity\":\"created\",\"actor\":\"pm\"}\n"
	     "{\"time\":\"2026-03-02T10:00:00Z\",\"object\":\"issue:T-1\",\"activity\":\"status_changed\",\"attrs\":{\"category\":\"ready\"}}\n"
	     "{\"time\":\"2026-03-03T10:00:00Z\",\"object\":\"issue:T-1\",\"activity\":\"status_changed\",\"attrs\":{\"category\":\"in_progress\"}}\n"
	     "{\"time\":\"2026-03-03T12:00:00Z\",\"object\":\"issue:T-1\",\"activity\":\"status_changed\",\"attrs\":{\"category\":\"ready\"}}\n"
	     "{\"time\":\"2026-03-04T10:00:00Z\",\"object\":\"issue:T-1\",\"activity\":\"status_changed\",\"attrs\":{\"category\":\"done\"}}\n",
	     "issue", 0);
	assert_double_equal(span_h(&f, 0, "spec"), 10, 1e-9);
	assert_double_equal(span_h(&f, 0, "ready"), 24, 1e-9);
	assert_double_equal(span_h(&f, 0, "in_progress"), 24, 1e-9);
	assert_true(isnan(span_h(&f, 0, "review")));
	orgmri_rework rw;
	orgmri_error err;
	assert_int_equal(orgmri_rework_compute(f.model, NULL, &rw, &err), 0);
	assert_int_equal(rw.status_changes, 4);
	assert_int_equal(rw.backwards, 1);   /* in_progress -> ready */
	tu_model_free(&f);
}

static void test_truck_factor(void **state)
{
	(void)state;
	/* A (0) creates f0, f1, f2; B (1) creates f3: remove A -> 1 of 4
	 * files covered (< 50 %): TF 1 */
	uint32_t a1[] = { 0, 0, 0, 1 }, f1[] = { 0, 1, 2, 3 };
	assert_int_equal(orgmri_truck_factor(a1, f1, 4, 2, 4), 1);
	/* two authors, two files each: removing one leaves 50 %, not below */
	uint32_t a2[] = { 0, 0, 1, 1 }, f2[] = { 0, 1, 2, 3 };
	assert_int_equal(orgmri_truck_factor(a2, f2, 4, 2, 4), 2);
	/* B edits A's file f0 ten times: DOA(B) = 3.293 + 0.164*10 - 0.321 ln 2
	 * = 4.71 vs DOA(A) = 3.293 + 1.098 + 0.164 - 0.321 ln 11 = 3.78:
	 * A's normalised 0.80 > 0.75, both author f0; B owns f0, f1 and goes
	 * first, leaving f0 to A (1 of 2 = 50 %, not below): then A, TF 2 */
	uint32_t a3[12] = { 0 }, f3[12] = { 0 };
	for (int i = 1; i < 11; i++)
		a3[i] = 1;
	a3[11] = 1;
	f3[11] = 1;   /* B also creates f1 */
	assert_int_equal(orgmri_truck_factor(a3, f3, 12, 2, 2), 2);
	assert_int_equal(orgmri_truck_factor(NULL, NULL, 0, 0, 0), 0);
}

static void test_ai_markers(void **state)
{
	(void)state;
	fixture f;
	orgmri_error err;
	tu_model_load(&f, PR "{\"time\":\"2026-03-02T09:00:00Z\",\"object\":\"change:r#2\",\"activity\":\"opened\",\"actor\":\"cy\",\"attrs\":{\"labels\":\"bug,AI-Assisted\"}}\n",
	     "pr", 0);
	/* default markers: the label (case-insensitive) marks r#2 only */
	assert_int_equal(f.model->item_ai[0], 0);
	assert_int_equal(f.model->item_ai[1], 1);
	orgmri_stream s;
	orgmri_model *m;
	orgmri_model_options mo = ORGMRI_MODEL_OPTIONS_INIT;
	assert_int_equal(orgmri_stream_builtin(&s, "pr", &err), 0);
	mo.ai_changes = "change:r#1";
	mo.ai_labels = "copilot";
	assert_int_equal(orgmri_model_compute(f.table, &s, &mo, &m, &err), 0);
	assert_int_equal(m->item_ai[0], 1);
	assert_int_equal(m->item_ai[1], 0);
	orgmri_model_free(m);
	/* a period: items created from 2026-03-02T05:00 on: r#2 (09:00), not
	 * r#1 (opened 02:00) */
	mo = (orgmri_model_options)ORGMRI_MODEL_OPTIONS_INIT;
	mo.ai_labels = "none";
	assert_int_equal(orgmri_time_parse("2026-03-02T05:00:00Z", 20, 0,
	                                   &mo.ai_since, NULL, NULL), 0);
	mo.ai_until = INT64_MAX;
	assert_int_equal(orgmri_model_compute(f.table, &s, &mo, &m, &err), 0);
	assert_int_equal(m->item_ai[0], 0);
	assert_int_equal(m->item_ai[1], 1);
	orgmri_model_free(m);
	tu_model_free(&f);
}

static void test_people(void **state)
{
	(void)state;
	fixture f;
	orgmri_error err;
	tu_model_load(&f, PR
	     "{\"time\":\"2026-03-02T03:00:00Z\",\"object\":\"change:r#2\",\"activity\":\"opened\",\"actor\":\"bob\"}\n"
	     "{\"time\":\"2026-03-02T04:00:00Z\",\"object\":\"change:r#2\",\"activity\":\"commented\",\"actor\":\"ann\"}\n"
	     "{\"time\":\"2026-03-02T05:00:00Z\",\"object\":\"change:r#2\",\"activity\":\"approved\",\"actor\":\"ann\"}\n"
	     "{\"time\":\"2026-03-02T06:00:00Z\",\"object\":\"change:r#2\",\"activity\":\"approved\",\"actor\":\"cy\"}\n",
	     "pr", 0);
	orgmri_people *p;
	assert_int_equal(orgmri_people_compute(f.model, NULL, 0, &p, &err), 0);
	assert_int_equal(p->prs, 2);
	assert_int_equal(p->reviews, 3);    /* bob on #1; ann, cy on #2 */
	assert_int_equal(p->reviewers, 3);
	assert_double_equal(p->review_gini, 0, 1e-12);
	assert_double_equal(p->top3_share, 1, 1e-12);
	/* turnarounds 3 h, 1 h, 3 h: median 3 h */
	assert_double_equal(p->turnaround.p50, 3 * H, 1e-6);
	assert_null(p->people);             /* no per-person view by default */
	assert_int_equal(p->truck_factor, -1);
	orgmri_people_free(p);
	assert_int_equal(orgmri_people_compute(f.model, NULL, 1, &p, &err), 0);
	assert_int_equal(p->npeople, 3);
	orgmri_people_free(p);
	tu_model_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_deployments),
		cmocka_unit_test(test_one_deployment),
		cmocka_unit_test(test_staging_is_not_production),
		cmocka_unit_test(test_incidents_without_deployments),
		cmocka_unit_test(test_linkage),
		cmocka_unit_test(test_rework_rate),
		cmocka_unit_test(test_never_reviewed_and_skew),
		cmocka_unit_test(test_time_zones),
		cmocka_unit_test(test_empty_period),
		cmocka_unit_test(test_quantiles_and_tiers),
		cmocka_unit_test(test_selectors_and_config),
		cmocka_unit_test(test_issue_stream),
		cmocka_unit_test(test_truck_factor),
		cmocka_unit_test(test_ai_markers),
		cmocka_unit_test(test_people),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
