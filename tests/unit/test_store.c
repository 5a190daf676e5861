/* test_store.c - the SQLite store: schema and migrations, idempotent
 * batched ingest, links, stats, replay order, damaged files; and the
 * columnar loader on top of it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "testutil.h"

typedef struct fixture {
	char *dir;
	char *db;
	orgmri_store *store;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	f->dir = tu_tempdir();
	assert_non_null(f->dir);
	assert_true(asprintf(&f->db, "%s/t.db", f->dir) > 0);
	orgmri_error err;
	assert_int_equal(orgmri_store_open(&f->store, f->db, 0, &err), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	orgmri_store_close(f->store);
	tu_rmtree(f->dir);
	free(f->dir);
	free(f->db);
	free(f);
	return 0;
}

static const char *rel1[] = { "commit:r@1", "issue:X-1" };
static const orgmri_attr attrs1[] = {
	{ "title", "Add \"x\"", ORGMRI_ATTR_STRING },
	{ "additions", "12", ORGMRI_ATTR_INT },
};
static const orgmri_attr attrs_bot[] = { { "bot", "true", ORGMRI_ATTR_BOOL } };
static const orgmri_attr attrs_team[] = { { "team", "security", ORGMRI_ATTR_STRING } };

/* Five events on three objects, one with two links, one a duplicate. */
static int feed(orgmri_store *s, orgmri_ingest_counts *out)
{
	orgmri_event evs[] = {
		{ 3000, "change:r#1", "approved", "sam", NULL, NULL, 0, attrs_team, 1 },
		{ 1000, "change:r#1", "opened", "alice", NULL, rel1, 2, attrs1, 2 },
		{ 500, "commit:r@1", "authored", "alice", NULL, NULL, 0, NULL, 0 },
		{ 4000, "deployment:r/prod/1", "deployed", "ci", NULL, rel1, 1,
		  attrs_bot, 1 },
		{ 1000, "change:r#1", "opened", "alice", NULL, rel1, 2, attrs1, 2 },
		{ 3000, "change:r#1", "approved", "sam", "second", NULL, 0, NULL, 0 },
	};
	orgmri_ingest *ing;
	orgmri_error err;
	assert_int_equal(orgmri_ingest_begin(s, "test", "test", &ing, &err), 0);
	orgmri_sink *sink = orgmri_ingest_sink(ing);
	for (size_t i = 0; i < sizeof(evs) / sizeof(evs[0]); i++)
		assert_int_equal(sink->event(sink, &evs[i], &err), 0);
	*out = *orgmri_ingest_get_counts(ing);
	return orgmri_ingest_finish(ing, 1, NULL, &err);
}

static long long count_of(const orgmri_count *c, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(c[i].name, name) == 0)
			return c[i].n;
	return -1;
}

static void test_ingest_idempotent(void **state)
{
	fixture *f = *state;
	orgmri_ingest_counts c;
	assert_int_equal(feed(f->store, &c), 0);
	assert_int_equal(c.read, 6);
	assert_int_equal(c.added, 5);
	assert_int_equal(c.links, 3);
	assert_int_equal(feed(f->store, &c), 0);
	assert_int_equal(c.read, 6);
	assert_int_equal(c.added, 0);
	assert_int_equal(c.links, 0);

	orgmri_stats st;
	orgmri_error err;
	assert_int_equal(orgmri_store_stats(f->store, &st, &err), 0);
	assert_int_equal(st.events, 5);
	assert_int_equal(st.objects, 4); /* change, commit, deployment, issue */
	assert_int_equal(st.links, 3);
	assert_int_equal(st.people, 3); /* alice, sam, ci */
	assert_int_equal(st.runs, 2);
	assert_int_equal(st.first_time, 500);
	assert_int_equal(st.last_time, 4000);
	assert_int_equal(count_of(st.events_by_activity, st.nactivities, "approved"), 2);
	assert_int_equal(count_of(st.objects_by_type, st.nobject_types, "issue"), 1);
	assert_int_equal(count_of(st.links_by_relation, st.nrelations, "contains"), 1);
	assert_int_equal(count_of(st.links_by_relation, st.nrelations, "implements"), 1);
	assert_int_equal(count_of(st.links_by_relation, st.nrelations, "deploys"), 1);
	orgmri_stats_free(&st);
}

static void test_replay_order(void **state)
{
	fixture *f = *state;
	orgmri_ingest_counts c;
	assert_int_equal(feed(f->store, &c), 0);
	tu_sink s;
	tu_sink_init(&s);
	orgmri_error err;
	assert_int_equal(orgmri_store_replay(f->store, INT64_MIN, INT64_MAX,
	                                     &s.sink, &err), 0);
	assert_int_equal(s.n, 5);
	/* object key order, then time, activity, actor, id */
	assert_string_equal(s.ev[0].object, "change:r#1");
	assert_string_equal(s.ev[0].activity, "opened");
	assert_int_equal(s.ev[0].nrelated, 2);
	assert_string_equal(s.ev[0].related[0], "commit:r@1");
	assert_string_equal(tu_attr(&s, 0, "title"), "Add \"x\"");
	assert_string_equal(s.ev[1].activity, "approved");
	assert_string_equal(s.ev[1].id, "");
	assert_string_equal(s.ev[2].id, "second");
	assert_string_equal(s.ev[3].object, "commit:r@1");
	assert_string_equal(s.ev[4].object, "deployment:r/prod/1");
	tu_sink_free(&s);

	/* time window */
	tu_sink_init(&s);
	assert_int_equal(orgmri_store_replay(f->store, 1000, 3000, &s.sink, &err), 0);
	assert_int_equal(s.n, 3);
	tu_sink_free(&s);
}

static void test_table(void **state)
{
	fixture *f = *state;
	orgmri_ingest_counts c;
	assert_int_equal(feed(f->store, &c), 0);
	orgmri_table *t;
	orgmri_error err;
	assert_int_equal(orgmri_table_load(f->store, &t, &err), 0);
	assert_int_equal(t->nevents, 5);
	assert_int_equal(t->nobjects, 4);
	uint32_t ch = orgmri_table_object(t, "change:r#1");
	assert_int_equal(ch, 0); /* keys sorted */
	assert_int_equal(t->obj_first[ch + 1] - t->obj_first[ch], 3);
	size_t e0 = t->obj_first[ch];
	assert_string_equal(t->activity_names[t->ev_activity[e0]], "opened");
	assert_int_equal(t->ev_time[e0], 1000);
	assert_string_equal(t->person_names[t->ev_actor[e0]], "alice");
	assert_string_equal(orgmri_table_attr(t, e0, orgmri_table_attr_key(t, "title")),
	                    "Add \"x\"");
	assert_null(orgmri_table_attr(t, e0, orgmri_table_attr_key(t, "team")));
	assert_string_equal(orgmri_table_attr(t, e0 + 1,
	                    orgmri_table_attr_key(t, "team")), "security");
	assert_int_equal(orgmri_table_attr_key(t, "nope"), ORGMRI_NONE);
	/* links, both directions */
	assert_int_equal(t->nlinks, 3);
	assert_int_equal(t->link_first[ch + 1] - t->link_first[ch], 2);
	uint32_t commit = orgmri_table_object(t, "commit:r@1");
	assert_int_equal(t->rlink_first[commit + 1] - t->rlink_first[commit], 2);
	uint32_t rel = t->link_rel[t->link_first[ch]];
	assert_string_equal(t->relation_names[rel], "contains");
	assert_string_equal(t->type_names[t->obj_type[commit]], "commit");
	/* the bot mark */
	for (size_t p = 1; p < t->npeople; p++)
		assert_int_equal(t->person_bot[p], strcmp(t->person_names[p], "ci") == 0);
	orgmri_table_free(t);
}

static void test_invalid_event_rejected(void **state)
{
	fixture *f = *state;
	orgmri_ingest *ing;
	orgmri_error err;
	assert_int_equal(orgmri_ingest_begin(f->store, "t", "t", &ing, &err), 0);
	orgmri_sink *sink = orgmri_ingest_sink(ing);
	orgmri_event bad = { 1, "nocolon", "x", NULL, NULL, NULL, 0, NULL, 0 };
	assert_int_equal(sink->event(sink, &bad, &err), ORGMRI_EPARSE);
	orgmri_event ok = { 1, "a:1", "x", NULL, NULL, NULL, 0, NULL, 0 };
	assert_int_equal(sink->event(sink, &ok, &err), 0);
	assert_int_equal(orgmri_ingest_finish(ing, 1, NULL, &err), 0);
	orgmri_stats st;
	assert_int_equal(orgmri_store_stats(f->store, &st, &err), 0);
	assert_int_equal(st.events, 1);
	orgmri_stats_free(&st);
}

static void test_meta(void **state)
{
	fixture *f = *state;
	char buf[64];
	orgmri_error err;
	assert_int_equal(orgmri_store_meta_get(f->store, "k", buf, sizeof(buf), &err),
	                 ORGMRI_ENOTFOUND);
	assert_int_equal(orgmri_store_meta_set(f->store, "k", "v1", &err), 0);
	assert_int_equal(orgmri_store_meta_set(f->store, "k", "v2", &err), 0);
	assert_int_equal(orgmri_store_meta_get(f->store, "k", buf, sizeof(buf), &err), 0);
	assert_string_equal(buf, "v2");
}

static void test_newer_schema_refused(void **state)
{
	fixture *f = *state;
	orgmri_store_close(f->store);
	f->store = NULL;
	sqlite3 *db;
	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL,
	                              NULL), SQLITE_OK);
	sqlite3_close(db);
	orgmri_error err;
	orgmri_error_clear(&err);
	assert_int_equal(orgmri_store_open(&f->store, f->db, 0, &err),
	                 ORGMRI_EUNSUPPORTED);
	assert_true(strstr(err.message, "newer") != NULL);
	assert_null(f->store);
}

static void test_not_a_store(void **state)
{
	fixture *f = *state;
	char *junk = tu_write(f->dir, "junk.db", "this is not a database, just text "
	                      "long enough to fill a header page..................");
	orgmri_store *s = NULL;
	orgmri_error err;
	orgmri_error_clear(&err);
	int rc = orgmri_store_open(&s, junk, 0, &err);
	assert_int_equal(rc, ORGMRI_ECORRUPT);
	assert_true(strstr(err.message, "junk.db") != NULL);
	assert_null(s);
	/* and the file is untouched */
	FILE *fp = fopen(junk, "rb");
	char head[8] = { 0 };
	assert_int_equal(fread(head, 1, 7, fp), 7);
	fclose(fp);
	assert_string_equal(head, "this is");
	free(junk);
}

static void test_readonly_missing(void **state)
{
	fixture *f = *state;
	char *p;
	assert_true(asprintf(&p, "%s/none.db", f->dir) > 0);
	orgmri_store *s = NULL;
	orgmri_error err;
	assert_true(orgmri_store_open(&s, p, ORGMRI_STORE_READONLY, &err) < 0);
	assert_null(s);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ingest_idempotent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replay_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalid_event_rejected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_meta, setup, teardown),
		cmocka_unit_test_setup_teardown(test_newer_schema_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_a_store, setup, teardown),
		cmocka_unit_test_setup_teardown(test_readonly_missing, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
