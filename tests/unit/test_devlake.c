/*
 * test_devlake.c - reproduce Apache DevLake's own expected DORA outputs.
 *
 * The fixtures are DevLake's e2e CSVs (../shared/data/devlake/dora/, see
 * its README).  A helper turns DevLake's domain tables into canonical
 * events (PR opened/merged, commits authored, review comments, deployment
 * started/finished with the commits each shipped), stores them, and the
 * test compares what orgmri computes in DevLake mode with DevLake's
 * expected rows, figure by figure:
 *
 *   change_lead_time/project_pr_metrics.csv   per-PR coding, pickup,
 *       review, deploy and cycle time (ceil minutes) and the deployment
 *   prev_success_deployment_commit/...after.csv  deployment chaining
 *   connect_incident_to_deployment/...        incident -> deployment
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* ---- a small CSV reader (these fixtures have no quoted fields) -------- */

typedef struct csv {
	char *buf;
	char **cell;       /* row-major, row 0 = header */
	size_t rows, cols;   /* rows: data rows (header excluded) */
} csv;

static void csv_load(csv *c, const char *rel)
{
	char *path = tu_shared(rel);
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	long n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	c->buf = malloc((size_t)n + 2);
	assert_int_equal(fread(c->buf, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	free(path);
	c->buf[n] = '\n';
	c->buf[n + 1] = '\0';
	assert_null(strchr(c->buf, '"'));
	size_t cap = 64;
	c->cell = malloc(cap * sizeof(char *));
	c->rows = c->cols = 0;
	size_t ncell = 0, rowcells = 0;
	char *p = c->buf;
	while (*p) {
		char *eol = strchr(p, '\n');
		*eol = '\0';
		if (eol > p && eol[-1] == '\r')
			eol[-1] = '\0';
		if (*p) {
			rowcells = 0;
			for (char *f = p;; ) {
				char *comma = strchr(f, ',');
				if (comma)
					*comma = '\0';
				if (ncell == cap) {
					cap *= 2;
					c->cell = realloc(c->cell, cap * sizeof(char *));
				}
				c->cell[ncell++] = f;
				rowcells++;
				if (!comma)
					break;
				f = comma + 1;
			}
			if (c->rows == 0)
				c->cols = rowcells;
			assert_int_equal(rowcells, c->cols);
			c->rows++;
		}
		p = eol + 1;
	}
	assert_true(c->rows > 0);
	c->rows--;   /* data rows, the header not counted */
}

static const char *get(const csv *c, size_t row, const char *col)
{
	for (size_t k = 0; k < c->cols; k++)
		if (strcmp(c->cell[k], col) == 0)
			return c->cell[(row + 1) * c->cols + k];
	fail_msg("no column %s", col);
	return NULL;
}

static void csv_free(csv *c)
{
	free(c->buf);
	free(c->cell);
}

/* DevLake writes "2023-4-10 6:51:47" and "2023-04-10T06:51:47.000+00:00",
 * both UTC. */
static int64_t dl_time(const char *s)
{
	int y, mo, d, h, mi, se;
	assert_int_equal(sscanf(s, "%d-%d-%d%*c%d:%d:%d", &y, &mo, &d, &h, &mi,
	                        &se), 6);
	return ((orgmri_days_from_civil(y, (unsigned)mo, (unsigned)d) * 24 + h) *
	        60 + mi) * 60000LL + se * 1000LL;
}

/* ---- emitting canonical events ---------------------------------------- */

typedef struct out {
	orgmri_store *store;
	orgmri_ingest *ing;
	char *dir;
} out;

static void out_open(out *o)
{
	orgmri_error err;
	o->dir = tu_tempdir();
	char path[512];
	snprintf(path, sizeof(path), "%s/s.db", o->dir);
	assert_int_equal(orgmri_store_open(&o->store, path, 0, &err), 0);
	assert_int_equal(orgmri_ingest_begin(o->store, "devlake", "test", &o->ing,
	                                     &err), 0);
}

static void emit(out *o, int64_t t, const char *obj, const char *act,
                 const char *actor, const char *disc, const char **rel,
                 size_t nrel, const orgmri_attr *attrs, size_t nattrs)
{
	orgmri_error err;
	orgmri_event ev = { t, obj, act, actor, disc, rel, nrel, attrs, nattrs };
	orgmri_sink *s = orgmri_ingest_sink(o->ing);
	if (s->event(s, &ev, &err))
		fail_msg("%s", err.message);
}

static orgmri_table *out_table(out *o)
{
	orgmri_error err;
	orgmri_table *t;
	assert_int_equal(orgmri_ingest_finish(o->ing, 1, NULL, &err), 0);
	assert_int_equal(orgmri_table_load(o->store, &t, &err), 0);
	return t;
}

static void out_close(out *o, orgmri_table *t)
{
	orgmri_table_free(t);
	orgmri_store_close(o->store);
	tu_rmtree(o->dir);
	free(o->dir);
}

/* Deployments: one object per deployment-commit row, keyed
 * "deployment:<cicd_deployment_id>/<id>"; `repo` is the chain key (DevLake
 * chains by cicd_scope_id, repo_url, environment) or the project. */
static void emit_deployments(out *o, const csv *dc, const csv *diffs,
                             const csv *pm, int repo_is_project)
{
	for (size_t r = 0; r < dc->rows; r++) {
		char obj[128], repo[128];
		snprintf(obj, sizeof(obj), "deployment:%s/%s",
		         get(dc, r, "cicd_deployment_id"), get(dc, r, "id"));
		const char *scope = get(dc, r, "cicd_scope_id");
		snprintf(repo, sizeof(repo), "%s:%s", scope, get(dc, r, "repo_url"));
		if (repo_is_project) {
			snprintf(repo, sizeof(repo), "(no project)");
			for (size_t k = 0; k < pm->rows; k++)
				if (strcmp(get(pm, k, "table"), "cicd_scopes") == 0 &&
				    strcmp(get(pm, k, "row_id"), scope) == 0)
					snprintf(repo, sizeof(repo), "%s",
					         get(pm, k, "project_name"));
		}
		orgmri_attr attrs[2] = { { "repo", repo, ORGMRI_ATTR_STRING },
		                         { "environment", get(dc, r, "environment"),
		                           ORGMRI_ATTR_STRING } };
		size_t nattrs = attrs[1].value[0] ? 2 : 1;
		const char *rel[16];
		char relbuf[16][96];
		size_t nrel = 0;
		for (size_t k = 0; diffs && k < diffs->rows && nrel < 16; k++)
			if (strcmp(get(diffs, k, "new_commit_sha"),
			           get(dc, r, "commit_sha")) == 0) {
				snprintf(relbuf[nrel], sizeof(relbuf[nrel]), "commit:%s",
				         get(diffs, k, "commit_sha"));
				rel[nrel] = relbuf[nrel];
				nrel++;
			}
		emit(o, dl_time(get(dc, r, "started_date")), obj, "deploy_started",
		     NULL, NULL, NULL, 0, attrs, nattrs);
		int ok = strcmp(get(dc, r, "result"), "SUCCESS") == 0;
		emit(o, dl_time(get(dc, r, "finished_date")), obj,
		     ok ? "deployed" : "deploy_failed", NULL, NULL, rel, nrel, attrs,
		     nattrs);
	}
}

#define LT "data/devlake/dora/change_lead_time/"

static void emit_prs(out *o)
{
	csv pr, pc, cm;
	csv_load(&pr, LT "pull_requests.csv");
	csv_load(&pc, LT "pull_request_commits.csv");
	csv_load(&cm, LT "pull_request_comments.csv");
	char obj[128], rel[128];
	for (size_t r = 0; r < pr.rows; r++) {
		snprintf(obj, sizeof(obj), "change:%s", get(&pr, r, "id"));
		orgmri_attr repo = { "repo", get(&pr, r, "base_repo_id"),
		                     ORGMRI_ATTR_STRING };
		emit(o, dl_time(get(&pr, r, "created_date")), obj, "opened",
		     get(&pr, r, "author_id"), NULL, NULL, 0, &repo, 1);
		if (!get(&pr, r, "merged_date")[0])
			continue;
		snprintf(rel, sizeof(rel), "commit:%s", get(&pr, r, "merge_commit_sha"));
		const char *rp = rel;
		emit(o, dl_time(get(&pr, r, "merged_date")), obj, "merged", NULL, NULL,
		     &rp, 1, NULL, 0);
	}
	for (size_t r = 0; r < pc.rows; r++) {
		snprintf(obj, sizeof(obj), "commit:%s", get(&pc, r, "commit_sha"));
		snprintf(rel, sizeof(rel), "change:%s", get(&pc, r, "pull_request_id"));
		const char *rp = rel;
		emit(o, dl_time(get(&pc, r, "commit_authored_date")), obj, "authored",
		     NULL, NULL, &rp, 1, NULL, 0);
	}
	for (size_t r = 0; r < cm.rows; r++) {
		snprintf(obj, sizeof(obj), "change:%s", get(&cm, r, "pull_request_id"));
		emit(o, dl_time(get(&cm, r, "created_date")), obj, "commented",
		     get(&cm, r, "account_id"), get(&cm, r, "id"), NULL, 0, NULL, 0);
	}
	csv_free(&pr);
	csv_free(&pc);
	csv_free(&cm);
}

static orgmri_model *devlake_model(const orgmri_table *t)
{
	orgmri_error err;
	orgmri_stream s;
	orgmri_model *m;
	orgmri_model_options mo = ORGMRI_MODEL_OPTIONS_INIT;
	mo.require_previous = 1;
	assert_int_equal(orgmri_stream_builtin(&s, "devlake", &err), 0);
	assert_int_equal(orgmri_model_compute(t, &s, &mo, &m, &err), 0);
	return m;
}

static size_t item_of(const orgmri_model *m, const char *key)
{
	for (size_t i = 0; i < m->nitems; i++)
		if (strcmp(orgmri_table_object_key(m->table, m->item[i]), key) == 0)
			return i;
	fail_msg("no item %s", key);
	return 0;
}

/* Our figure as DevLake prints it: ceil minutes, "" when none. */
static void ours(const orgmri_model *m, size_t i, const char *stage,
                 char *buf, size_t size)
{
	int64_t ms;
	uint32_t s = orgmri_model_stage(m, stage);
	assert_int_not_equal(s, ORGMRI_NONE);
	if (orgmri_model_span(m, i, s, &ms))
		snprintf(buf, size, "%.0f", ceil((double)ms / 60000.0));
	else
		buf[0] = '\0';
}

static void test_change_lead_time(void **state)
{
	(void)state;
	out o;
	csv dc, diffs, want;
	out_open(&o);
	emit_prs(&o);
	csv_load(&dc, LT "cicd_deployment_commits.csv");
	csv_load(&diffs, LT "commits_diffs.csv");
	emit_deployments(&o, &dc, &diffs, NULL, 0);
	orgmri_table *t = out_table(&o);
	orgmri_model *m = devlake_model(t);
	csv_load(&want, LT "project_pr_metrics.csv");
	assert_int_equal(want.rows, 6);
	static const struct { const char *col, *stage; } cols[] = {
		{ "pr_coding_time", "coding" }, { "pr_pickup_time", "pickup" },
		{ "pr_review_time", "review" }, { "pr_deploy_time", "deploy" },
	};
	size_t compared = 0;
	for (size_t r = 0; r < want.rows; r++) {
		char key[64], buf[32];
		snprintf(key, sizeof(key), "change:%s", get(&want, r, "id"));
		size_t i = item_of(m, key);
		for (size_t c = 0; c < sizeof(cols) / sizeof(cols[0]); c++) {
			ours(m, i, cols[c].stage, buf, sizeof(buf));
			if (strcmp(buf, get(&want, r, cols[c].col)) != 0)
				fail_msg("%s %s: orgmri \"%s\", DevLake \"%s\"", key,
				         cols[c].col, buf, get(&want, r, cols[c].col));
			compared++;
		}
		double lead;
		assert_true(orgmri_dora_item_lead(m, i, 1, &lead));
		snprintf(buf, sizeof(buf), "%.0f", lead / 60000.0);
		assert_string_equal(buf, get(&want, r, "pr_cycle_time"));
		/* the deployment DevLake attributed the PR to */
		const char *dep = "";
		if (m->item_deployment[i] != ORGMRI_NONE) {
			const char *k = orgmri_table_object_key(t, m->deployments[
				m->item_deployment[i]].object);
			dep = strchr(k, '/') + 1;
		}
		assert_string_equal(dep, get(&want, r, "deployment_commit_id"));
		compared += 2;
	}
	assert_int_equal(compared, 36);
	/* the negative spans DevLake turns into NULL are our data errors:
	 * pr2 coding, pr3 pickup and deploy, pr4 review, pr5 pickup */
	assert_int_equal(m->nerrors, 5);
	csv_free(&want);
	csv_free(&dc);
	csv_free(&diffs);
	orgmri_model_free(m);
	out_close(&o, t);
}

#define PREV "data/devlake/dora/prev_success_deployment_commit/"

static void test_deployment_chain(void **state)
{
	(void)state;
	out o;
	csv dc;
	out_open(&o);
	csv_load(&dc, PREV "cicd_deployment_commits_after.csv");
	emit_deployments(&o, &dc, NULL, NULL, 0);
	orgmri_table *t = out_table(&o);
	orgmri_model *m = devlake_model(t);
	assert_int_equal(m->ndeployments, dc.rows);
	for (size_t r = 0; r < dc.rows; r++) {
		char key[128];
		snprintf(key, sizeof(key), "deployment:%s/%s",
		         get(&dc, r, "cicd_deployment_id"), get(&dc, r, "id"));
		const orgmri_deployment *d = NULL;
		for (size_t k = 0; k < m->ndeployments; k++)
			if (strcmp(orgmri_table_object_key(t, m->deployments[k].object), key) == 0)
				d = &m->deployments[k];
		assert_non_null(d);
		const char *prev = "";
		if (d->prev != ORGMRI_NONE)
			prev = strchr(orgmri_table_object_key(t, m->deployments[d->prev].object), '/') + 1;
		if (strcmp(prev, get(&dc, r, "prev_success_deployment_commit_id")))
			fail_msg("%s: previous orgmri \"%s\", DevLake \"%s\"", key, prev,
			         get(&dc, r, "prev_success_deployment_commit_id"));
	}
	orgmri_model_free(m);
	csv_free(&dc);
	out_close(&o, t);
}

#define CI "data/devlake/dora/connect_incident_to_deployment/"

static void test_incident_linkage(void **state)
{
	(void)state;
	out o;
	csv dc, pm, inc, want;
	orgmri_error err;
	out_open(&o);
	csv_load(&dc, CI "prev_success_deployment_commit/cicd_deployment_commits_after.csv");
	csv_load(&pm, CI "raw_tables/project_mapping.csv");
	csv_load(&inc, CI "raw_tables/incidents.csv");
	csv_load(&want, CI "snapshot_tables/project_incident_deployment_relationships.csv");
	emit_deployments(&o, &dc, NULL, &pm, 1);
	for (size_t r = 0; r < inc.rows; r++) {
		char obj[128], project[64] = "(no project)";
		snprintf(obj, sizeof(obj), "incident:%s", get(&inc, r, "id"));
		for (size_t k = 0; k < pm.rows; k++)
			if (strcmp(get(&pm, k, "table"), get(&inc, r, "table")) == 0 &&
			    strcmp(get(&pm, k, "row_id"), get(&inc, r, "scope_id")) == 0)
				snprintf(project, sizeof(project), "%s",
				         get(&pm, k, "project_name"));
		orgmri_attr a = { "repo", project, ORGMRI_ATTR_STRING };
		emit(&o, dl_time(get(&inc, r, "created_date")), obj,
		     "incident_opened", NULL, NULL, NULL, 0, &a, 1);
	}
	orgmri_table *t = out_table(&o);
	orgmri_model *m = devlake_model(t);
	orgmri_dora_options opt = ORGMRI_DORA_OPTIONS_INIT;
	opt.linkage = ORGMRI_LINK_PREVIOUS;
	orgmri_dora *d;
	assert_int_equal(orgmri_dora_compute(m, &opt, &d, &err), 0);
	assert_int_equal(d->nlinks, inc.rows);
	size_t linked = 0;
	for (size_t k = 0; k < d->nlinks; k++) {
		const char *id = orgmri_table_object_key(t, d->links[k].incident) + strlen("incident:");
		const char *expect = NULL;
		for (size_t r = 0; r < want.rows; r++)
			if (strcmp(get(&want, r, "id"), id) == 0)
				expect = get(&want, r, "deployment_id");
		if (d->links[k].deployment == ORGMRI_NONE) {
			if (expect)
				fail_msg("%s: not linked, DevLake %s", id, expect);
			continue;
		}
		char pipeline[64];
		snprintf(pipeline, sizeof(pipeline), "%s", orgmri_table_object_key(t, 
			m->deployments[d->links[k].deployment].object) +
			strlen("deployment:"));
		*strchr(pipeline, '/') = '\0';
		if (!expect || strcmp(expect, pipeline) != 0)
			fail_msg("%s: orgmri %s, DevLake %s", id, pipeline,
			         expect ? expect : "(none)");
		linked++;
	}
	assert_int_equal(linked, want.rows);
	orgmri_dora_free(d);
	orgmri_model_free(m);
	csv_free(&dc);
	csv_free(&pm);
	csv_free(&inc);
	csv_free(&want);
	out_close(&o, t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_change_lead_time),
		cmocka_unit_test(test_deployment_chain),
		cmocka_unit_test(test_incident_linkage),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

