/*
 * test_gen.c - the sample-organisation generator: determinism, sizes,
 * parameters, the ground truth recomputed from the events alone, the
 * paradox shape of the bundled organisation, planting, and that the
 * output goes through the real store and CSV reader unchanged in number.
 */
#include <jansson.h>
#include <math.h>
#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* ---- helpers --------------------------------------------------------- */

/* Generate into memory as canonical JSONL; returns malloc'ed text. */
static char *gen_jsonl(const orgmri_gen_params *p, size_t *len,
                       orgmri_gen_truth *truth)
{
	char *buf = NULL;
	FILE *fp = open_memstream(&buf, len);
	assert_non_null(fp);
	orgmri_writer *w;
	orgmri_error err;
	orgmri_error_clear(&err);
	assert_int_equal(orgmri_jsonl_writer_new(&w, fp, &err), 0);
	int rc = orgmri_gen_run(p, orgmri_writer_sink(w), truth, &err);
	if (rc)
		fail_msg("generate: %s", err.message);
	assert_int_equal(orgmri_writer_close(w, &err), 0);
	fclose(fp);
	return buf;
}

/* A small organisation: 60 days, rollout after 30. */
static void small_params(orgmri_gen_params *p)
{
	orgmri_error err;
	orgmri_gen_params_default(p);
	assert_int_equal(orgmri_gen_params_set(p, "gen.days", "60", &err), 0);
	assert_int_equal(orgmri_gen_params_set(p, "ai.rollout", "2026-02-04",
	                                       &err), 0);
}

/* ---- determinism and sizes -------------------------------------------- */

static void test_determinism(void **state)
{
	(void)state;
	orgmri_gen_params p;
	small_params(&p);
	size_t n1, n2, n3;
	orgmri_gen_truth t1, t2;
	char *a = gen_jsonl(&p, &n1, &t1);
	char *b = gen_jsonl(&p, &n2, &t2);
	assert_true(n1 > 1000);
	assert_int_equal(n1, n2);
	assert_memory_equal(a, b, n1);
	assert_memory_equal(&t1, &t2, sizeof(t1));
	p.seed = 4;
	char *c = gen_jsonl(&p, &n3, NULL);
	assert_true(n3 != n1 || memcmp(a, c, n1) != 0);
	/* the event count in the truth is the number of lines */
	size_t lines = 0;
	for (size_t i = 0; i < n1; i++)
		lines += a[i] == '\n';
	assert_int_equal(lines, (size_t)t1.events);
	free(a);
	free(b);
	free(c);
}

static void test_sizes(void **state)
{
	(void)state;
	static const long long targets[] = { 1000, 20000, 120000 };
	for (size_t i = 0; i < 3; i++) {
		orgmri_gen_params p;
		orgmri_gen_truth t;
		orgmri_error err;
		orgmri_gen_params_default(&p);
		assert_int_equal(orgmri_gen_params_scale(&p, targets[i], &err), 0);
		assert_int_equal(orgmri_gen_run(&p, NULL, &t, &err), 0);
		double ratio = (double)t.events / (double)targets[i];
		if (ratio < 0.85 || ratio > 1.15)
			fail_msg("asked %lld events, got %lld", targets[i], t.events);
		assert_true(p.rollout > p.start);
	}
	orgmri_gen_params p;
	orgmri_error err;
	orgmri_gen_params_default(&p);
	assert_int_equal(orgmri_gen_params_scale(&p, 0, &err), ORGMRI_EINVAL);
}

/* ---- parameters -------------------------------------------------------- */

static char *params_text(const orgmri_gen_params *p)
{
	char *buf = NULL;
	size_t len;
	FILE *fp = open_memstream(&buf, &len);
	assert_int_equal(orgmri_gen_params_write(p, fp, NULL), 0);
	fclose(fp);
	return buf;
}

static void test_params(void **state)
{
	(void)state;
	orgmri_gen_params def, p;
	orgmri_error err;
	orgmri_error_clear(&err);
	orgmri_gen_params_default(&def);
	/* the bundled file is exactly the defaults */
	char path[4096];
	snprintf(path, sizeof(path), "%s/data/sample/org.conf",
	         getenv("ORGMRI_SOURCE_DIR"));
	orgmri_config *cfg;
	assert_int_equal(orgmri_config_load(&cfg, path, &err), 0);
	orgmri_gen_params_default(&p);
	p.seed = 999;
	assert_int_equal(orgmri_gen_params_from_config(&p, cfg, &err), 0);
	orgmri_config_free(cfg);
	char *a = params_text(&def), *b = params_text(&p);
	assert_string_equal(a, b);
	free(a);
	free(b);
	/* a file of our own */
	char *dir = tu_tempdir();
	char *f = tu_write(dir, "org.conf",
	                   "[stage \"security\"]\n\tcapacity = 5\n"
	                   "[deploy]\n\tmode = continuous\n[gen]\n\tseed = 7\n");
	assert_int_equal(orgmri_config_load(&cfg, f, &err), 0);
	assert_int_equal(orgmri_gen_params_from_config(&p, cfg, &err), 0);
	orgmri_config_free(cfg);
	assert_int_equal(p.security.capacity, 5);
	assert_int_equal(p.deploy_continuous, 1);
	assert_int_equal((int)p.seed, 7);
	free(f);
	f = tu_write(dir, "bad.conf", "[stage \"security\"]\n\tcapacty = 5\n");
	assert_int_equal(orgmri_config_load(&cfg, f, &err), 0);
	assert_int_equal(orgmri_gen_params_from_config(&p, cfg, &err),
	                 ORGMRI_EINVAL);
	assert_non_null(strstr(err.message, "stage.security.capacty"));
	orgmri_config_free(cfg);
	free(f);
	tu_rmtree(dir);
	free(dir);
	/* bad values name the key */
	assert_int_equal(orgmri_gen_params_set(&p, "ai.share", "1.5", &err),
	                 ORGMRI_EINVAL);
	assert_non_null(strstr(err.message, "ai.share"));
	assert_int_equal(orgmri_gen_params_set(&p, "stage.qa.capacity", "2.5",
	                                       &err), ORGMRI_EINVAL);
	assert_int_equal(orgmri_gen_params_set(&p, "ai.rollout", "2026-13-01",
	                                       &err), ORGMRI_EINVAL);
	assert_int_equal(orgmri_gen_params_set(&p, "plant.stage", "deploy",
	                                       &err), ORGMRI_EINVAL);
	/* a rollout outside the simulated span is refused */
	orgmri_gen_params_default(&p);
	assert_int_equal(orgmri_gen_params_set(&p, "ai.rollout", "2030-01-01",
	                                       &err), 0);
	assert_int_equal(orgmri_gen_run(&p, NULL, NULL, &err), ORGMRI_EINVAL);
	/* hostile sizes are refused before anything is allocated */
	orgmri_gen_params_default(&p);
	assert_int_equal(orgmri_gen_params_set(&p, "gen.units", "100000", &err), 0);
	assert_int_equal(orgmri_gen_params_set(&p, "stage.coding.capacity",
	                                       "10000", &err), 0);
	assert_int_equal(orgmri_gen_run(&p, NULL, NULL, &err), ORGMRI_ELIMIT);
	assert_int_equal(orgmri_gen_params_set(&p, "stage.coding.capacity",
	                                       "10001", &err), ORGMRI_EINVAL);
}

/* ---- ground truth, recomputed from the events alone ------------------- */

/* What the events say about one change. */
typedef struct rec {
	int64_t first_commit, opened, first_review, code_approved;
	int64_t sec_req, sec_appr, qa_req, qa_appr, last_approval, merged;
	int64_t deployed;
} rec;

typedef struct recsink {
	orgmri_sink sink;
	rec *recs;
	size_t n, cap;
	char **keys;          /* change keys, owned */
	char **ckeys;         /* commit key -> change index, owned */
	size_t *cchange;
	size_t nc, ccap;
	int64_t *ctime;       /* commit authored times, by commit index */
} recsink;

static size_t change_index(recsink *s, const char *key)
{
	ENTRY e = { (char *)key, NULL }, *f = hsearch(e, FIND);
	if (f)
		return (size_t)(uintptr_t)f->data - 1;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 1024;
		s->recs = realloc(s->recs, s->cap * sizeof(*s->recs));
		s->keys = realloc(s->keys, s->cap * sizeof(*s->keys));
	}
	memset(&s->recs[s->n], 0, sizeof(rec));
	s->keys[s->n] = strdup(key);
	e.key = s->keys[s->n];
	e.data = (void *)(uintptr_t)(s->n + 1);
	assert_non_null(hsearch(e, ENTER));
	return s->n++;
}

/* Commits live in the same table under their own keys ("commit:..."). */
static size_t commit_index(recsink *s, const char *key)
{
	ENTRY e = { (char *)key, NULL }, *f = hsearch(e, FIND);
	if (f)
		return (size_t)(uintptr_t)f->data - 1;
	if (s->nc == s->ccap) {
		s->ccap = s->ccap ? s->ccap * 2 : 1024;
		s->ckeys = realloc(s->ckeys, s->ccap * sizeof(*s->ckeys));
		s->cchange = realloc(s->cchange, s->ccap * sizeof(*s->cchange));
		s->ctime = realloc(s->ctime, s->ccap * sizeof(*s->ctime));
	}
	s->ckeys[s->nc] = strdup(key);
	s->cchange[s->nc] = SIZE_MAX;
	s->ctime[s->nc] = 0;
	e.key = s->ckeys[s->nc];
	e.data = (void *)(uintptr_t)(s->nc + 1);
	assert_non_null(hsearch(e, ENTER));
	return s->nc++;
}

static void min_time(int64_t *at, int64_t t)
{
	if (!*at || t < *at)
		*at = t;
}

static void max_time(int64_t *at, int64_t t)
{
	if (t > *at)
		*at = t;
}

static int record(orgmri_sink *sk, const orgmri_event *ev, orgmri_error *err)
{
	recsink *s = (recsink *)sk;
	(void)err;
	const orgmri_attr *team = orgmri_event_attr(ev, "team");
	const char *tm = team ? team->value : NULL;
	const char *act = ev->activity;
	if (strncmp(ev->object, "commit:", 7) == 0) {
		if (strcmp(act, "authored") == 0) {
			size_t k = commit_index(s, ev->object);
			s->ctime[k] = ev->time;
		}
		return 0;
	}
	if (strcmp(act, "deployed") == 0) {
		for (size_t i = 0; i < ev->nrelated; i++)
			if (strncmp(ev->related[i], "change:", 7) == 0) {
				size_t ci = change_index(s, ev->related[i]);
				min_time(&s->recs[ci].deployed, ev->time);
			}
		return 0;
	}
	if (strncmp(ev->object, "change:", 7) != 0)
		return 0;
	size_t ci = change_index(s, ev->object);
	rec *r = &s->recs[ci];
	for (size_t i = 0; i < ev->nrelated; i++)
		if (strncmp(ev->related[i], "commit:", 7) == 0) {
			size_t k = commit_index(s, ev->related[i]);
			s->cchange[k] = ci;
		}
	if (strcmp(act, "opened") == 0) {
		r->opened = ev->time;
	} else if (strcmp(act, "review_requested") == 0 && tm) {
		min_time(strcmp(tm, "security") == 0 ? &r->sec_req : &r->qa_req,
		         ev->time);
	} else if (strcmp(act, "approved") == 0 ||
	           strcmp(act, "changes_requested") == 0) {
		int approved = act[0] == 'a';
		if (!tm)
			min_time(&r->first_review, ev->time);
		if (approved) {
			max_time(&r->last_approval, ev->time);
			if (!tm)
				max_time(&r->code_approved, ev->time);
			else if (strcmp(tm, "security") == 0)
				max_time(&r->sec_appr, ev->time);
			else
				max_time(&r->qa_appr, ev->time);
		}
	} else if (strcmp(act, "merged") == 0) {
		r->merged = ev->time;
	}
	return 0;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double med(double *v, size_t n)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_d);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void check_truth(const orgmri_gen_params *p)
{
	recsink s;
	memset(&s, 0, sizeof(s));
	s.sink.event = record;
	assert_int_not_equal(hcreate(400000), 0);
	orgmri_gen_truth t;
	orgmri_error err;
	assert_int_equal(orgmri_gen_run(p, &s.sink, &t, &err), 0);
	for (size_t k = 0; k < s.nc; k++)
		if (s.cchange[k] != SIZE_MAX)
			min_time(&s.recs[s.cchange[k]].first_commit, s.ctime[k]);
	double *v[2][8];
	size_t n[2][8];
	long changes[2] = { 0, 0 };
	memset(n, 0, sizeof(n));
	for (int a = 0; a < 2; a++)
		for (int b = 0; b < 8; b++)
			v[a][b] = malloc((s.n + 1) * sizeof(double));
	for (size_t i = 0; i < s.n; i++) {
		rec *r = &s.recs[i];
		if (!r->first_commit)
			continue;
		int per = r->first_commit >= p->rollout;
		changes[per]++;
		int64_t ends[8][2] = {
			{ r->first_commit, r->opened }, { r->opened, r->first_review },
			{ r->first_review, r->code_approved }, { r->sec_req, r->sec_appr },
			{ r->qa_req, r->qa_appr }, { r->last_approval, r->merged },
			{ r->merged, r->deployed }, { r->first_commit, r->deployed },
		};
		for (int st = 0; st < 8; st++)
			if (ends[st][0] && ends[st][1])
				v[per][st][n[per][st]++] =
				    (double)(ends[st][1] - ends[st][0]) / 3600000.0;
	}
	for (int per = 0; per < 2; per++) {
		const orgmri_gen_period_truth *pt = &t.period[per];
		/* opened-but-unstarted changes have no first commit in either */
		assert_int_equal(changes[per], pt->changes);
		for (int st = 0; st < ORGMRI_GEN_NSTAGES; st++) {
			assert_int_equal((long)n[per][st], pt->stage[st].n);
			double m = med(v[per][st], n[per][st]);
			if (fabs(m - pt->stage[st].median_h) > 1e-9)
				fail_msg("period %d stage %s: events say %.6f h, truth %.6f h",
				         per, orgmri_gen_stage_name(st), m,
				         pt->stage[st].median_h);
		}
		double lead = med(v[per][7], n[per][7]);
		assert_true(fabs(lead - pt->lead_median_h) < 1e-9);
		assert_int_equal((long)n[per][7], pt->deployed);
		/* a pool's busy time never exceeds its people's time */
		for (int st = 0; st < ORGMRI_GEN_NSTAGES; st++)
			assert_true(pt->stage[st].utilisation <= 1.0 + 1e-9);
	}
	for (int a = 0; a < 2; a++)
		for (int b = 0; b < 8; b++)
			free(v[a][b]);
	hdestroy();
	for (size_t i = 0; i < s.n; i++)
		free(s.keys[i]);
	for (size_t i = 0; i < s.nc; i++)
		free(s.ckeys[i]);
	free(s.keys);
	free(s.ckeys);
	free(s.recs);
	free(s.cchange);
	free(s.ctime);
}

static void test_truth_matches_events(void **state)
{
	(void)state;
	orgmri_gen_params p;
	orgmri_gen_params_default(&p);
	check_truth(&p);
	/* continuous deployment, two units */
	orgmri_error err;
	small_params(&p);
	assert_int_equal(orgmri_gen_params_set(&p, "deploy.mode", "continuous",
	                                       &err), 0);
	assert_int_equal(orgmri_gen_params_set(&p, "gen.units", "2", &err), 0);
	check_truth(&p);
}

/* ---- the bundled organisation shows the paradox ----------------------- */

static void test_paradox(void **state)
{
	(void)state;
	orgmri_gen_params p;
	orgmri_gen_truth t;
	orgmri_error err;
	orgmri_gen_params_default(&p);
	assert_int_equal(orgmri_gen_run(&p, NULL, &t, &err), 0);
	const orgmri_gen_period_truth *b = &t.period[0], *a = &t.period[1];
	double coding = a->coding_median_h / b->coding_median_h - 1;
	double lead = a->lead_median_h / b->lead_median_h - 1;
	if (coding > -0.30)
		fail_msg("coding changed by %.1f%%, want <= -30%%", coding * 100);
	if (fabs(lead) > 0.15)
		fail_msg("lead time changed by %.1f%%, want within 15%%", lead * 100);
	assert_true(a->stage[ORGMRI_GEN_SECURITY].utilisation > 0.9);
	assert_int_equal(a->constraint, ORGMRI_GEN_SECURITY);
	/* individuals faster: more PRs per author each week */
	assert_true(a->prs_per_author_week > 1.2 * b->prs_per_author_week);
	/* where the time went: security waits far longer after */
	assert_true(a->stage[ORGMRI_GEN_SECURITY].wait_mean_h >
	            2 * b->stage[ORGMRI_GEN_SECURITY].wait_mean_h);
}

/* ---- planting a constraint ------------------------------------------- */

static void test_plant(void **state)
{
	(void)state;
	static const char *const stages[] = { "review", "qa", "coding",
	                                      "security" };
	static const int expect[] = { ORGMRI_GEN_REVIEW, ORGMRI_GEN_QA,
	                              ORGMRI_GEN_CODING, ORGMRI_GEN_SECURITY };
	for (int i = 0; i < 4; i++) {
		orgmri_gen_params p;
		orgmri_gen_truth t;
		orgmri_error err;
		orgmri_gen_params_default(&p);
		assert_int_equal(orgmri_gen_params_set(&p, "plant.stage", stages[i],
		                                       &err), 0);
		/* no rollout effect: the planted stage stays the constraint */
		assert_int_equal(orgmri_gen_params_set(&p, "ai.arrival-factor", "1",
		                                       &err), 0);
		assert_int_equal(orgmri_gen_params_set(&p, "ai.share", "0", &err), 0);
		p.seed = 100 + (uint64_t)i;
		assert_int_equal(orgmri_gen_run(&p, NULL, &t, &err), 0);
		for (int per = 0; per < 2; per++) {
			assert_int_equal(t.period[per].constraint, expect[i]);
			double u = t.period[per].stage[expect[i]].utilisation;
			if (u < 0.8)
				fail_msg("planted %s runs at %.2f", stages[i], u);
		}
	}
}

/* ---- through the real store and CSV reader ----------------------------- */

static int count_event(orgmri_sink *s, const orgmri_event *ev,
                       orgmri_error *err)
{
	(void)ev;
	(void)err;
	((tu_sink *)s)->n++;
	return 0;
}

static void test_store_and_csv(void **state)
{
	(void)state;
	orgmri_gen_params p;
	orgmri_gen_truth t;
	orgmri_error err;
	orgmri_error_clear(&err);
	small_params(&p);
	char *dir = tu_tempdir();
	char db[4096], csv[4096];
	snprintf(db, sizeof(db), "%s/gen.db", dir);
	snprintf(csv, sizeof(csv), "%s/events.csv", dir);
	orgmri_store *store;
	orgmri_ingest *ing;
	assert_int_equal(orgmri_store_open(&store, db, 0, &err), 0);
	assert_int_equal(orgmri_ingest_begin(store, "gen", "generate", &ing,
	                                     &err), 0);
	if (orgmri_gen_run(&p, orgmri_ingest_sink(ing), &t, &err))
		fail_msg("%s", err.message);
	assert_int_equal(orgmri_ingest_finish(ing, 1, NULL, &err), 0);
	orgmri_stats st;
	assert_int_equal(orgmri_store_stats(store, &st, &err), 0);
	/* every event is unique on (object, activity, time, actor, id) */
	assert_int_equal(st.events, t.events);
	long long changes = 0;
	for (size_t i = 0; i < st.nobject_types; i++)
		if (strcmp(st.objects_by_type[i].name, "change") == 0)
			changes = st.objects_by_type[i].n;
	orgmri_stats_free(&st);
	orgmri_store_close(store);
	/* changes opened = change objects */
	long long opened = 0;
	for (int per = 0; per < 2; per++)
		opened += t.period[per].stage[ORGMRI_GEN_CODING].n;
	assert_int_equal(changes, opened);

	FILE *fp = fopen(csv, "w");
	orgmri_writer *w;
	size_t nnames;
	const char *const *names = orgmri_gen_attr_names(&nnames);
	assert_int_equal(orgmri_csv_writer_new(&w, fp, names, nnames, &err), 0);
	assert_int_equal(orgmri_gen_run(&p, orgmri_writer_sink(w), NULL, &err), 0);
	assert_int_equal(orgmri_writer_close(w, &err), 0);
	fclose(fp);
	fp = fopen(csv, "r");
	tu_sink counter;
	memset(&counter, 0, sizeof(counter));
	counter.sink.event = count_event;
	orgmri_read_options ro = { 1, NULL, NULL, NULL, NULL };
	assert_int_equal(orgmri_canonical_read_csv(fp, csv, &ro, &counter.sink,
	                                           &err), 0);
	fclose(fp);
	assert_int_equal((long long)counter.n, t.events);
	tu_rmtree(dir);
	free(dir);
}

/* ---- the GitHub export and webhooks agree with the events ------------- */

typedef struct tally {
	orgmri_sink sink;
	orgmri_sink *next;
	long opened, review_requested, reviews, pushed, merged, ci_done;
	long deploy_started, deploy_done, incidents;
} tally;

static int tally_event(orgmri_sink *s, const orgmri_event *ev,
                       orgmri_error *err)
{
	tally *t = (tally *)s;
	const char *a = ev->activity;
	if (strncmp(ev->object, "change:", 7) == 0) {
		t->opened += strcmp(a, "opened") == 0;
		t->review_requested += strcmp(a, "review_requested") == 0;
		t->reviews += strcmp(a, "approved") == 0 ||
		              strcmp(a, "changes_requested") == 0;
		t->pushed += strcmp(a, "pushed") == 0;
		t->merged += strcmp(a, "merged") == 0;
	}
	t->ci_done += strcmp(a, "ci_passed") == 0 || strcmp(a, "ci_failed") == 0;
	t->deploy_started += strcmp(a, "deploy_started") == 0;
	t->deploy_done += strcmp(a, "deployed") == 0 ||
	                  strcmp(a, "deploy_failed") == 0;
	t->incidents += strncmp(a, "incident_", 9) == 0;
	return t->next->event(t->next, ev, err);
}

static json_t *load(const char *dir, const char *rel)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/github/acme/shop/%s", dir, rel);
	json_error_t je;
	json_t *v = json_load_file(path, 0, &je);
	if (!v)
		fail_msg("%s: %s", path, je.text);
	return v;
}

static void test_github_export(void **state)
{
	(void)state;
	orgmri_gen_params p;
	orgmri_error err;
	orgmri_error_clear(&err);
	small_params(&p);
	/* 20 days: a few hundred PRs, so a few hundred small files */
	assert_int_equal(orgmri_gen_params_set(&p, "gen.days", "20", &err), 0);
	assert_int_equal(orgmri_gen_params_set(&p, "ai.rollout", "2026-01-15",
	                                       &err), 0);
	char *dir = tu_tempdir();
	char gh[4096], hooks[4096];
	snprintf(gh, sizeof(gh), "%s/github", dir);
	snprintf(hooks, sizeof(hooks), "%s/webhooks.jsonl", dir);
	FILE *hf = fopen(hooks, "w");
	orgmri_gen_github *g;
	assert_int_equal(orgmri_gen_github_new(&g, gh, hf, &err), 0);
	tally t;
	memset(&t, 0, sizeof(t));
	t.sink.event = tally_event;
	t.next = orgmri_gen_github_sink(g);
	if (orgmri_gen_run(&p, &t.sink, NULL, &err))
		fail_msg("%s", err.message);
	assert_int_equal(orgmri_gen_github_close(g, &err), 0);
	fclose(hf);

	json_t *pulls = load(dir, "pulls.json");
	assert_int_equal((long)json_array_size(pulls), t.opened);
	long reviews = 0, merged = 0;
	for (size_t i = 0; i < json_array_size(pulls); i++) {
		json_t *pr = json_array_get(pulls, i);
		assert_int_equal(json_integer_value(json_object_get(pr, "number")),
		                 (json_int_t)i + 1);
		merged += json_is_string(json_object_get(pr, "merged_at"));
		char rel[64];
		snprintf(rel, sizeof(rel), "pulls/%zu/reviews.json", i + 1);
		json_t *rv = load(dir, rel);
		for (size_t k = 0; k < json_array_size(rv); k++) {
			const char *st = json_string_value(json_object_get(
			    json_array_get(rv, k), "state"));
			/* REST spells review states in upper case */
			assert_true(strcmp(st, "APPROVED") == 0 ||
			            strcmp(st, "CHANGES_REQUESTED") == 0);
		}
		reviews += (long)json_array_size(rv);
		json_decref(rv);
	}
	assert_int_equal(reviews, t.reviews);
	assert_int_equal(merged, t.merged);
	json_decref(pulls);
	json_t *runs = load(dir, "actions/runs.json");
	assert_int_equal(json_integer_value(json_object_get(runs, "total_count")),
	                 t.ci_done);
	json_decref(runs);
	json_t *deps = load(dir, "deployments.json");
	assert_int_equal((long)json_array_size(deps), t.deploy_started);
	json_decref(deps);

	/* one delivery per GitHub-visible event, each {event, delivery, payload} */
	long lines = 0;
	char line[1 << 16];
	hf = fopen(hooks, "r");
	while (fgets(line, sizeof(line), hf)) {
		json_error_t je;
		json_t *d = json_loads(line, 0, &je);
		assert_non_null(d);
		assert_true(json_is_string(json_object_get(d, "event")));
		assert_int_equal(strlen(json_string_value(json_object_get(d, "delivery"))), 36);
		assert_true(json_is_object(json_object_get(d, "payload")));
		json_decref(d);
		lines++;
	}
	fclose(hf);
	assert_int_equal(lines, t.opened + t.review_requested + t.reviews +
	                        t.pushed + t.merged + t.ci_done + t.deploy_started +
	                        t.deploy_done + t.incidents);
	tu_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_determinism),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_truth_matches_events),
		cmocka_unit_test(test_paradox),
		cmocka_unit_test(test_plant),
		cmocka_unit_test(test_store_and_csv),
		cmocka_unit_test(test_github_export),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
