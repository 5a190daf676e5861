/*
 * test_git.c - what the git adapter reads from a commit message (change
 * styles, revert, AI trailers, titles), case by case from a table, and
 * the adapter on a repository built here with libgit2 and fixed dates.
 * The CLI test (tests/cli/test_git.sh) covers merge topologies, tags and
 * incremental runs against the git program.
 */
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/git_internal.h"
#include "orgmri/ingest.h"
#include "testutil.h"

typedef struct change_case {
	const char *msg;
	unsigned parents;
	git_change_style style;
	long long number;
	const char *project;
} change_case;

static const change_case change_cases[] = {
	{ "Merge pull request #412 from alice/export\n\nAdd export\n", 2,
	  GIT_CHANGE_GITHUB, 412, "" },
	{ "Add export (#413)\n\n* wip\n", 1, GIT_CHANGE_SQUASH, 413, "" },
	{ "Add export (#413)  \n", 1, GIT_CHANGE_SQUASH, 413, "" },
	{ "Merge branch 'f' into 'main'\n\nTitle\n\nSee merge request grp/sub/app!77\n",
	  2, GIT_CHANGE_GITLAB, 77, "grp/sub/app" },
	{ "Merge branch 'topic'\n", 2, GIT_CHANGE_MERGE, 0, "" },
	/* squash form on a merge commit is a plain merge */
	{ "Merge things (#5)\n", 2, GIT_CHANGE_MERGE, 0, "" },
	/* GitHub form needs a merge commit */
	{ "Merge pull request #9 from a/b\n", 1, GIT_CHANGE_NONE, 0, "" },
	{ "Fix (#)\n", 1, GIT_CHANGE_NONE, 0, "" },
	{ "Fix (#12) more\n", 1, GIT_CHANGE_NONE, 0, "" },
	{ "Fix (#1234567890)\n", 1, GIT_CHANGE_NONE, 0, "" }, /* > 9 digits */
	{ "Initial\n", 0, GIT_CHANGE_NONE, 0, "" },
	{ "x\nSee merge request !3\n", 2, GIT_CHANGE_MERGE, 0, "" },
};

static void test_change_styles(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(change_cases) / sizeof(change_cases[0]); i++) {
		const change_case *c = &change_cases[i];
		git_change_ref r;
		orgmri_git_parse_change(c->msg, c->parents, &r);
		if (r.style != c->style || r.number != c->number ||
		    strcmp(r.project, c->project) != 0)
			fail_msg("case %zu (%s): got style %s #%lld \"%s\"", i, c->msg,
			         orgmri_git_style_name(r.style), r.number, r.project);
	}
}

static void test_revert(void **state)
{
	(void)state;
	char sha[41];
	assert_int_equal(orgmri_git_parse_revert(
		"Revert \"x\"\n\nThis reverts commit "
		"0123456789ABCDEF0123456789abcdef01234567.\n", sha), 1);
	assert_string_equal(sha, "0123456789abcdef0123456789abcdef01234567");
	/* too short, too long */
	assert_int_equal(orgmri_git_parse_revert(
		"This reverts commit 0123456789abcdef.\n", sha), 0);
	assert_int_equal(orgmri_git_parse_revert(
		"This reverts commit 0123456789abcdef0123456789abcdef012345678\n",
		sha), 0);
}

static void test_titles(void **state)
{
	(void)state;
	char buf[16];
	assert_int_equal(orgmri_git_title("\n\nHello world  \r\nbody", buf,
	                                  sizeof(buf)), 11);
	assert_string_equal(buf, "Hello world");
	/* cut to the buffer, never inside a UTF-8 sequence */
	orgmri_git_title("abcdefghijklmn\xc3\xa9z", buf, sizeof(buf));
	assert_string_equal(buf, "abcdefghijklmn");
	orgmri_git_title("bad \xff byte", buf, sizeof(buf));
	assert_string_equal(buf, "bad ");
	assert_int_equal(orgmri_git_body_first_line("Merge pull request #1 "
	                 "from a/b\n\n  Add it\n", buf, sizeof(buf)), 6);
	assert_string_equal(buf, "Add it");
	assert_int_equal(orgmri_git_body_first_line("Only title\n", buf,
	                                            sizeof(buf)), 0);
}

typedef struct ai_case {
	const char *msg;
	int marked;
} ai_case;

static const ai_case ai_cases[] = {
	{ "x\n\nCo-authored-by: Claude <noreply@anthropic.com>\n", 1 },
	{ "x\n\nCo-authored-by: Copilot <198982749+Copilot@users.noreply.github.com>\n", 1 },
	{ "x\n\nCo-authored-by: Bob <bob@example.com>\n", 0 },
	{ "x\n\nAssisted-by: aider\n", 1 },
	{ "x\n\ngenerated-by: something\n", 1 },
	{ "x\n\nMade-with: Cursor\n", 1 },
	/* not in the last paragraph: not a trailer */
	{ "x\n\nAssisted-by: aider\n\nSigned-off-by: A <a@b>\nplain text\n", 0 },
	{ "Claude did it\n", 0 },
};

static void test_ai_defaults(void **state)
{
	(void)state;
	git_ai_rules rules;
	assert_int_equal(orgmri_git_ai_load(&rules, NULL, NULL), 0);
	for (size_t i = 0; i < sizeof(ai_cases) / sizeof(ai_cases[0]); i++) {
		char which[64];
		int m = orgmri_git_ai_marker(&rules, ai_cases[i].msg, which,
		                             sizeof(which));
		if (m != ai_cases[i].marked)
			fail_msg("case %zu: %s: got %d", i, ai_cases[i].msg, m);
	}
	char which[64];
	orgmri_git_ai_marker(&rules, "x\n\nMade-with: Cursor\n", which,
	                     sizeof(which));
	assert_string_equal(which, "Made-with: Cursor");
	orgmri_git_ai_free(&rules);
}

static void test_ai_config(void **state)
{
	(void)state;
	char *dir = tu_tempdir();
	char *path = tu_write(dir, "cfg", "[ai]\n\tname = robo\n\tname = helper\n"
	                      "\ttrailer = Robot\n");
	orgmri_config *cfg;
	assert_int_equal(orgmri_config_load(&cfg, path, NULL), 0);
	git_ai_rules rules;
	assert_int_equal(orgmri_git_ai_load(&rules, cfg, NULL), 0);
	assert_int_equal(rules.nnames, 2);
	assert_int_equal(rules.ntrailers, 1);
	char which[64];
	/* configured names replace the defaults */
	assert_int_equal(orgmri_git_ai_marker(&rules, "x\n\nCo-authored-by: "
	                 "Claude <c@a>\n", which, sizeof(which)), 0);
	assert_int_equal(orgmri_git_ai_marker(&rules, "x\n\nCo-authored-by: "
	                 "Helper Bot <h@x>\n", which, sizeof(which)), 1);
	assert_int_equal(orgmri_git_ai_marker(&rules, "x\n\nRobot: yes\n",
	                 which, sizeof(which)), 1);
	assert_int_equal(orgmri_git_ai_marker(&rules, "x\n\nAssisted-by: a\n",
	                 which, sizeof(which)), 0);
	orgmri_git_ai_free(&rules);
	orgmri_config_free(cfg);
	tu_rmtree(dir);
	free(path);
	free(dir);
}

/* ---- the adapter on a repository written with libgit2 ---------------- */

static git_oid write_commit(git_repository *repo, const char *file,
                            const char *text, const char *msg,
                            git_time_t when, int offset_min,
                            const git_oid *parents, size_t nparents)
{
	git_oid blob, tree_id, id;
	git_treebuilder *tb;
	git_tree *tree;
	assert_int_equal(git_blob_create_from_buffer(&blob, repo, text,
	                                             strlen(text)), 0);
	assert_int_equal(git_treebuilder_new(&tb, repo, NULL), 0);
	assert_int_equal(git_treebuilder_insert(NULL, tb, file, &blob,
	                                        GIT_FILEMODE_BLOB), 0);
	assert_int_equal(git_treebuilder_write(&tree_id, tb), 0);
	git_treebuilder_free(tb);
	assert_int_equal(git_tree_lookup(&tree, repo, &tree_id), 0);
	git_signature *sig;
	assert_int_equal(git_signature_new(&sig, "Ann", "ann@example.com",
	                                   when, offset_min), 0);
	const git_commit *pc[2] = { NULL, NULL };
	for (size_t i = 0; i < nparents; i++)
		assert_int_equal(git_commit_lookup((git_commit **)&pc[i], repo,
		                                   &parents[i]), 0);
	assert_int_equal(git_commit_create(&id, repo, NULL, sig, sig, NULL, msg,
	                                   tree, nparents, pc), 0);
	for (size_t i = 0; i < nparents; i++)
		git_commit_free((git_commit *)pc[i]);
	git_signature_free(sig);
	git_tree_free(tree);
	return id;
}

static void test_adapter_libgit2_repo(void **state)
{
	(void)state;
	char *dir = tu_tempdir();
	char repo_path[1024], db_path[1024];
	snprintf(repo_path, sizeof(repo_path), "%s/proj.git", dir);
	snprintf(db_path, sizeof(db_path), "%s/store.db", dir);
	git_libgit2_init();
	git_repository *repo;
	assert_int_equal(git_repository_init(&repo, repo_path, 1), 0);
	/* 2026-03-02T09:15:00+01:00 = 08:15Z */
	git_time_t t0 = 1772439300;
	git_oid c1 = write_commit(repo, "a.txt", "1\n2\n", "First\n", t0, 60,
	                          NULL, 0);
	git_oid c2 = write_commit(repo, "a.txt", "1\n3\n4\n", "Change (#4)\n",
	                          t0 + 3600, -120, &c1, 1);
	git_reference *ref;
	assert_int_equal(git_reference_create(&ref, repo, "refs/heads/main",
	                                      &c2, 1, NULL), 0);
	git_reference_free(ref);
	assert_int_equal(git_repository_set_head(repo, "refs/heads/main"), 0);
	git_repository_free(repo);

	assert_string_equal(orgmri_ingest_detect(repo_path), "git");
	orgmri_store *store;
	assert_int_equal(orgmri_store_open(&store, db_path, 0, NULL), 0);
	orgmri_ingest_counts counts;
	orgmri_error err;
	orgmri_error_clear(&err);
	int rc = orgmri_ingest_source(store, repo_path, NULL, &counts, &err);
	if (rc)
		fail_msg("%s", err.message);
	/* 2 commits x (authored, committed) + 1 squash change */
	assert_int_equal(counts.read, 5);
	assert_int_equal(counts.added, 5);
	/* the change contains the squash commit */
	assert_int_equal(counts.links, 1);
	rc = orgmri_ingest_source(store, repo_path, NULL, &counts, &err);
	assert_int_equal(rc, 0);
	assert_int_equal(counts.added, 0);

	tu_sink sink;
	tu_sink_init(&sink);
	assert_int_equal(orgmri_store_replay(store, INT64_MIN, INT64_MAX,
	                                     &sink.sink, NULL), 0);
	char hex[GIT_OID_HEXSZ + 1], key[128];
	snprintf(key, sizeof(key), "commit:proj@%s",
	         git_oid_tostr(hex, sizeof(hex), &c2));
	assert_int_equal(tu_count(&sink, key, "committed"), 1);
	assert_int_equal(tu_count(&sink, "change:proj#4", "merged"), 1);
	for (size_t i = 0; i < sink.n; i++) {
		if (strcmp(sink.ev[i].object, key) != 0 ||
		    strcmp(sink.ev[i].activity, "committed") != 0)
			continue;
		assert_true(sink.ev[i].time == (int64_t)(t0 + 3600) * 1000);
		assert_string_equal(tu_attr(&sink, i, "tz"), "-0200");
		/* "1\n2\n" -> "1\n3\n4\n": 2 in, 1 out */
		assert_string_equal(tu_attr(&sink, i, "additions"), "2");
		assert_string_equal(tu_attr(&sink, i, "deletions"), "1");
		assert_string_equal(tu_attr(&sink, i, "files"), "1");
		assert_string_equal(tu_attr(&sink, i, "paths"), "a.txt");
	}
	tu_sink_free(&sink);
	orgmri_store_close(store);
	git_libgit2_shutdown();
	tu_rmtree(dir);
	free(dir);
}

/* Sorting, joining and the cap of the `paths` attribute. */
static void test_join_paths(void **state)
{
	(void)state;
	static const char list[] = "b\0a/x\0a\0\xc3\xa9\0a-b\0";
	int trunc = -1;
	char *s = orgmri_git_join_paths(list, sizeof(list) - 1, 1000, &trunc);
	/* bytewise: "a" < "a-b" < "a/x" < "b" < "\xc3\xa9" */
	assert_string_equal(s, "a\na-b\na/x\nb\n\xc3\xa9");
	assert_int_equal(trunc, 0);
	free(s);
	/* "a\na-b\na/x" is 9 bytes: a cap of 9 keeps three whole paths,
	 * 8 keeps two. */
	s = orgmri_git_join_paths(list, sizeof(list) - 1, 9, &trunc);
	assert_string_equal(s, "a\na-b\na/x");
	assert_int_equal(trunc, 1);
	free(s);
	s = orgmri_git_join_paths(list, sizeof(list) - 1, 8, &trunc);
	assert_string_equal(s, "a\na-b");
	assert_int_equal(trunc, 1);
	free(s);
	s = orgmri_git_join_paths("", 0, 8, &trunc);
	assert_string_equal(s, "");
	assert_int_equal(trunc, 0);
	free(s);
}

/* ---- churn replay (git_churn.c) on hunks lists written here ---------- */

#define DAY (86400000LL)

/* Append one file record to b: path, renamed-from (or NULL), hunks. */
static void rec(orgmri_buf *b, const char *path, const char *from,
                const git_hunk *h, uint32_t nh)
{
	git_hunk_file f = { (uint32_t)strlen(path), nh,
	                    from ? (uint32_t)strlen(from) : 0 };
	assert_int_equal(orgmri_buf_put(b, &f, sizeof(f)), 0);
	assert_int_equal(orgmri_buf_put(b, path, strlen(path)), 0);
	if (from)
		assert_int_equal(orgmri_buf_put(b, from, strlen(from)), 0);
	assert_int_equal(orgmri_buf_put(b, h, nh * sizeof(*h)), 0);
}

static long long step(git_churn *c, int64_t day, const orgmri_buf *b)
{
	long long n = -1;
	assert_int_equal(orgmri_git_churn_apply(c, day * DAY, INT64_MIN,
	                                        b->ptr, b->len, &n), 0);
	return n;
}

static void test_churn_replay(void **state)
{
	(void)state;
	git_churn *c;
	assert_int_equal(orgmri_git_churn_new(&c, GIT_CHURN_WINDOW_MS), 0);
	orgmri_buf b = ORGMRI_BUF_INIT;
	/* day 0: a.c gets 10 lines */
	rec(&b, "a.c", NULL, (git_hunk[]){ { 0, 0, 10 } }, 1);
	assert_int_equal(step(c, 0, &b), 0);
	/* day 5: lines 3-4 replaced by 3 lines, 2 lines after line 8 */
	orgmri_buf_clear(&b);
	rec(&b, "a.c", NULL, (git_hunk[]){ { 3, 2, 3 }, { 8, 0, 2 } }, 2);
	assert_int_equal(step(c, 5, &b), 2);
	/* day 21: lines 1-12 deleted: lines 1-2 and 6-9 (old 5-8) are day
	 * 0, exactly 21 days: not young; 3-5 (day 5) and 10-11 (day 5)
	 * are; 12 is day 0 */
	orgmri_buf_clear(&b);
	rec(&b, "a.c", NULL, (git_hunk[]){ { 1, 12, 0 } }, 1);
	assert_int_equal(step(c, 21, &b), 5);
	/* day 22: renamed to b.c with its first line (day 0, old file's
	 * line 13) replaced: 0; then b.c's remaining line... */
	orgmri_buf_clear(&b);
	rec(&b, "a.c", NULL, (git_hunk[]){ { 0, 0, 4 } }, 1);
	assert_int_equal(step(c, 22, &b), 0);
	orgmri_buf_clear(&b);
	rec(&b, "b.c", "a.c", (git_hunk[]){ { 2, 1, 0 } }, 1);
	assert_int_equal(step(c, 23, &b), 1);   /* a line of day 22 */
	orgmri_buf_clear(&b);
	rec(&b, "a.c", NULL, (git_hunk[]){ { 1, 3, 0 } }, 1);
	assert_int_equal(step(c, 24, &b), 0);   /* a.c moved: nothing young */
	orgmri_buf_clear(&b);
	rec(&b, "b.c", NULL, (git_hunk[]){ { 1, 4, 0 } }, 1);
	assert_int_equal(step(c, 24, &b), 3);   /* the rest of day 22 */
	/* forgetting: everything is older than the window now */
	long long n;
	assert_int_equal(orgmri_git_churn_apply(c, 60 * DAY, INT64_MAX, "", 0,
	                                        &n), 0);
	/* malformed lists are refused, not read past their end */
	orgmri_buf_clear(&b);
	rec(&b, "a.c", NULL, (git_hunk[]){ { 0, 0, 1 } }, 1);
	assert_int_equal(orgmri_git_churn_apply(c, 61 * DAY, INT64_MIN, b.ptr,
	                                        b.len - 1, &n), ORGMRI_ECORRUPT);
	orgmri_buf_clear(&b);
	rec(&b, "a.c", NULL, (git_hunk[]){ { 0, 5, 1 } }, 1);
	assert_int_equal(orgmri_git_churn_apply(c, 61 * DAY, INT64_MIN, b.ptr,
	                                        b.len, &n), ORGMRI_ECORRUPT);
	orgmri_buf_free(&b);
	orgmri_git_churn_free(c);
}

/* Ages no later commit can count are dropped: only young files stay. */
static void test_churn_forgets(void **state)
{
	(void)state;
	git_churn *c;
	assert_int_equal(orgmri_git_churn_new(&c, GIT_CHURN_WINDOW_MS), 0);
	orgmri_buf b = ORGMRI_BUF_INIT;
	char path[32];
	long long n;
	for (int i = 0; i < 100; i++) {
		orgmri_buf_clear(&b);
		snprintf(path, sizeof(path), "f%d", i);
		rec(&b, path, NULL, (git_hunk[]){ { 0, 0, 3 } }, 1);
		/* one file a day; the next commit is a day later */
		assert_int_equal(orgmri_git_churn_apply(c, i * DAY,
		                                        (i + 1) * DAY -
		                                        GIT_CHURN_WINDOW_MS,
		                                        b.ptr, b.len, &n), 0);
	}
	/* swept every 512 commits, or when touched: at most all 100 here,
	 * and a touch of an old file finds nothing young */
	orgmri_buf_clear(&b);
	rec(&b, "f0", NULL, (git_hunk[]){ { 1, 3, 0 } }, 1);
	assert_int_equal(orgmri_git_churn_apply(c, 100 * DAY, INT64_MAX, b.ptr,
	                                        b.len, &n), 0);
	assert_int_equal(n, 0);
	assert_true(orgmri_git_churn_live_files(c) <= 100);
	orgmri_buf_free(&b);
	orgmri_git_churn_free(c);
}

int main(void)
{
	git_libgit2_init(); /* git_message_trailers needs it */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_change_styles),
		cmocka_unit_test(test_revert),
		cmocka_unit_test(test_titles),
		cmocka_unit_test(test_ai_defaults),
		cmocka_unit_test(test_ai_config),
		cmocka_unit_test(test_adapter_libgit2_repo),
		cmocka_unit_test(test_join_paths),
		cmocka_unit_test(test_churn_replay),
		cmocka_unit_test(test_churn_forgets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
