/*
 * test_files.c - the figures that need the files each commit changed
 * (commit `paths`): file-level churn, the truck factor from commit paths,
 * CODEOWNERS matching and coverage, integration pain, and the health rows.
 * One hand-made history (below, as a table) whose expected figures are
 * worked out by hand from the definitions in docs/metrics.md; a second,
 * random one is checked against a brute-force recomputation in C.
 *
 *   day  commit  author  paths                       change
 *    0   c1      ann     README.md, src/a.c, src/b.c  #1 (opened 0, merged 25)
 *   10   c2b     ann     README.md                    #1
 *   21   c2      bob     src/a.c                      #1
 *   30   c3      ann     src/b.c, docs/x.md           #2 (opened 20, merged 35, base develop)
 *   31   c3m     ann     merge "Merge remote-tracking branch 'origin/develop' into topic"  #2
 *   40   c4      cy      src/a.c                      #3 (opened 38, merged 42, base main)
 *   41   c5      cy      merge "Merge branch 'main' into feature", paths src/a.c, src/c.c  #3
 *   66   c7      dana    src/c.c                      #5 (opened 65, still open)
 *   70   c6      bob     src/c.c, src/a.c             #4 (no opened; merged 72 by m4)
 *   72   m4      bob     merge "Merge branch 'main' of github.com:acme/api" (own)  #4
 *   c9 (day 12, eve): a commit without paths (ignored by file figures)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "orgmri/diagnose.h"

#define DAY 86400000LL
#define T0 1767225600000LL   /* 2026-01-01T00:00:00Z */

static void near(double got, double want, double eps, int line)
{
	if (!(fabs(got - want) <= eps))
		fail_msg("line %d: got %.10g, want %.10g", line, got, want);
}
#define assert_near(a, b, eps) near((a), (b), (eps), __LINE__)

typedef tu_model fixture;

/* A growing JSONL text. */
typedef struct text {
	char *s;
	size_t n, cap;
} text;

static void add(text *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void add(text *t, const char *fmt, ...)
{
	va_list ap;
	for (;;) {
		va_start(ap, fmt);
		int k = vsnprintf(t->s + t->n, t->cap - t->n, fmt, ap);
		va_end(ap);
		assert_true(k >= 0);
		if ((size_t)k < t->cap - t->n) {
			t->n += (size_t)k;
			return;
		}
		t->cap = (t->cap + (size_t)k + 1) * 2;
		t->s = realloc(t->s, t->cap);
		assert_non_null(t->s);
	}
}

/* A commit: authored + committed (with paths unless NULL), related to
 * change #n when n > 0. */
static void commit(text *t, const char *sha, double day, const char *who,
                   int parents, const char *title, const char *paths, int n)
{
	long long ms = T0 + (long long)(day * DAY);
	add(t, "{\"time\":%lld,\"object\":\"commit:acme/api@%s\",\"activity\":"
	    "\"authored\",\"actor\":\"%s\"}\n", ms, sha, who);
	add(t, "{\"time\":%lld,\"object\":\"commit:acme/api@%s\",\"activity\":"
	    "\"committed\",\"actor\":\"%s\",\"attrs\":{\"repo\":\"acme/api\","
	    "\"parents\":%d,\"title\":\"%s\"%s%s%s}}\n", ms + 60000, sha, who,
	    parents, title, paths ? ",\"paths\":\"" : "", paths ? paths : "",
	    paths ? "\"" : "");
	if (n > 0)
		add(t, "{\"time\":%lld,\"object\":\"change:acme/api#%d\",\"activity\":"
		    "\"pushed\",\"actor\":\"%s\",\"related\":[\"commit:acme/api@%s\"]}\n",
		    ms + 120000, n, who, sha);
}

static void change(text *t, int n, double opened, double merged,
                   const char *who, const char *attrs)
{
	if (opened >= 0)
		add(t, "{\"time\":%lld,\"object\":\"change:acme/api#%d\",\"activity\":"
		    "\"opened\",\"actor\":\"%s\"%s%s%s}\n",
		    T0 + (long long)(opened * DAY), n, who, attrs ? ",\"attrs\":{" : "",
		    attrs ? attrs : "", attrs ? "}" : "");
	if (merged >= 0)
		add(t, "{\"time\":%lld,\"object\":\"change:acme/api#%d\",\"activity\":"
		    "\"merged\",\"actor\":\"%s\"%s%s%s}\n",
		    T0 + (long long)(merged * DAY), n, who,
		    opened < 0 && attrs ? ",\"attrs\":{" : "",
		    opened < 0 && attrs ? attrs : "", opened < 0 && attrs ? "}" : "");
}

static const char rules[] =
	"# owners\\n"
	"*            @all\\n"
	"/docs/       @docs-team   # the docs\\n"
	"src/*.c      @c-team\\n"
	"src/b.c\\n";

static char *history(void)
{
	text t = { 0 };
	commit(&t, "c1", 0, "ann", 1, "one", "README.md\\nsrc/a.c\\nsrc/b.c", 1);
	commit(&t, "c2b", 10, "ann", 1, "two", "README.md", 1);
	commit(&t, "c2", 21, "bob", 1, "three", "src/a.c", 1);
	commit(&t, "c3", 30, "ann", 1, "four", "docs/x.md\\nsrc/b.c", 2);
	commit(&t, "c3m", 31, "ann", 2,
	       "Merge remote-tracking branch 'origin/develop' into topic", NULL, 2);
	commit(&t, "c4", 40, "cy", 1, "five", "src/a.c", 3);
	commit(&t, "c5", 41, "cy", 2, "Merge branch 'main' into feature",
	       "src/a.c\\nsrc/c.c", 3);
	commit(&t, "c7", 66, "dana", 1, "six", "src/c.c", 5);
	commit(&t, "c6", 70, "bob", 1, "seven", "src/a.c\\nsrc/c.c", 4);
	commit(&t, "m4", 72, "bob", 2, "Merge branch 'main' of github.com:acme/api",
	       NULL, 4);
	commit(&t, "c9", 12.5, "eve", 1, "no paths", NULL, 0);
	change(&t, 1, 0, 25, "ann", NULL);
	change(&t, 2, 20, 35, "ann", "\"base\":\"develop\"");
	change(&t, 3, 38, 42, "cy", "\"base\":\"main\"");
	change(&t, 4, -1, 72, "bob", "\"merge_commit\":\"m4\"");
	change(&t, 5, 65, -1, "dana", NULL);
	add(&t, "{\"time\":%lld,\"object\":\"repo:acme/api\",\"activity\":"
	    "\"codeowners\",\"attrs\":{\"path\":\".github/CODEOWNERS\","
	    "\"rules\":\"%s\"}}\n", T0 + 73 * DAY, rules);
	return t.s;
}

static void test_churn(void **state)
{
	(void)state;
	fixture f;
	char *h = history();
	tu_model_load(&f, h, "pr", 0);
	free(h);
	orgmri_rework r;
	orgmri_error err;
	assert_int_equal(orgmri_rework_compute(f.model, NULL, &r, &err), 0);
	assert_int_equal(r.churn_available, 1);
	/* last commit day 70 (author time): file changes after day 49 are
	 * censored: c7 (1) and c6 (2); merges c3m, c5, m4 never count */
	assert_int_equal(r.churn_censored, 3);
	/* c1 x3, c2b, c2, c3 x2, c4 */
	assert_int_equal(r.churn_file_changes, 8);
	/* c1 README -> c2b (10 d, ann again), c1 a.c -> c2 (exactly 21 d,
	 * bob), c2 a.c -> c4 (19 d, cy); c1 b.c -> c3 is 30 d; c4 a.c -> c6
	 * is 30 d (the merge c5 on day 41 does not count) */
	assert_int_equal(r.churn_rechanged, 3);
	assert_int_equal(r.churn_by_author, 1);
	assert_near(r.churn_share, 3.0 / 8, 1e-12);
	assert_near(r.churn_self_share, 1.0 / 8, 1e-12);
	/* window from day 20: c2, c3 x2, c4 counted; only c2 a.c rechanged */
	orgmri_filter w = ORGMRI_FILTER_INIT;
	w.since = T0 + 20 * DAY;
	assert_int_equal(orgmri_rework_compute(f.model, &w, &r, &err), 0);
	assert_int_equal(r.churn_file_changes, 4);
	assert_int_equal(r.churn_rechanged, 1);
	/* another repository: nothing */
	w = (orgmri_filter)ORGMRI_FILTER_INIT;
	w.repo = "acme/web";
	assert_int_equal(orgmri_rework_compute(f.model, &w, &r, &err), 0);
	assert_int_equal(r.churn_file_changes, 0);
	assert_true(isnan(r.churn_share));
	tu_model_free(&f);
}

static void test_truck_factor_paths(void **state)
{
	(void)state;
	fixture f;
	char *h = history();
	tu_model_load(&f, h, "pr", 0);
	free(h);
	int tf;
	long long files;
	orgmri_error err;
	/* DOA by hand (non-merge commits):
	 *   README  ann FA DL2        4.719  -> ann
	 *   a.c     ann FA DL1 AC3    4.110  -> ann
	 *           bob DL2 AC2       3.268 (< 3.293)   cy DL1 AC3 3.012
	 *   b.c     ann FA DL2        4.719  -> ann
	 *   x.md    ann FA DL1        4.555  -> ann
	 *   c.c     dana FA DL1       4.555  -> dana; bob DL1 AC1 3.234
	 * ann authors 4 of 5 files: without her 1 of 5 keeps an author: TF 1 */
	assert_int_equal(orgmri_truck_factor_of(f.model, INT64_MAX, NULL, &tf,
	                                        &files, &err), 0);
	assert_int_equal(tf, 1);
	assert_int_equal(files, 5);
	/* before day 35: README, a.c, b.c, x.md, all ann's (bob's DOA on a.c
	 * = 3.293 + 0.164 - 0.321 ln 2 = 3.23 < 3.293): TF 1 of 4 files */
	assert_int_equal(orgmri_truck_factor_of(f.model, T0 + 35 * DAY, NULL, &tf,
	                                        &files, &err), 0);
	assert_int_equal(tf, 1);
	assert_int_equal(files, 4);
	/* people: the same figure */
	orgmri_people *p;
	assert_int_equal(orgmri_people_compute(f.model, NULL, 0, &p, &err), 0);
	assert_int_equal(p->truck_factor, 1);
	assert_int_equal(p->tf_files, 5);
	orgmri_people_free(p);
	tu_model_free(&f);
}

static void test_codeowners_match(void **state)
{
	(void)state;
	static const struct {
		const char *pattern, *path;
		int want;
	} cases[] = {
		/* GitHub's documented examples */
		{ "*.js", "a/b/c.js", 1 }, { "*.js", "c.js", 1 },
		{ "*.js", "c.jsx", 0 },
		{ "/build/logs/", "build/logs/x.log", 1 },
		{ "/build/logs/", "build/logs/deep/y", 1 },
		{ "/build/logs/", "a/build/logs/x", 0 },
		{ "docs/*", "docs/getting-started.md", 1 },
		{ "docs/*", "docs/build-app/troubleshooting.md", 0 },
		{ "apps/", "apps/x", 1 }, { "apps/", "a/b/apps/y", 1 },
		{ "apps/", "apps", 0 },
		{ "/docs/", "docs/a", 1 }, { "/docs/", "x/docs/a", 0 },
		{ "/apps/github", "apps/github/x.c", 1 },
		{ "/apps/github", "apps/github", 1 },
		{ "/apps/github", "apps/githubx", 0 },
		{ "**/logs", "logs/x", 1 }, { "**/logs", "a/b/logs/y", 1 },
		{ "**/logs", "a/logs", 1 }, { "**/logs", "a/xlogs", 0 },
		{ "a/**/b", "a/b", 1 }, { "a/**/b", "a/x/y/b/z", 1 },
		{ "a/**/b", "c/a/b", 0 },
		{ "docs/**", "docs/a/b", 1 }, { "docs/**", "src/docs/a", 0 },
		{ "?.c", "x.c", 1 }, { "?.c", "d/x.c", 1 }, { "?.c", "xy.c", 0 },
		{ "*", "any/thing", 1 }, { "/", "x", 1 },
		{ "src/*.c", "src/a.c", 1 }, { "src/*.c", "src/d/a.c", 0 },
		{ "src/*.c", "lib/src/a.c", 0 },
		{ "Makefile", "sub/Makefile", 1 }, { "Makefile", "Makefile.am", 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int got = orgmri_codeowners_match(cases[i].pattern,
		                                  strlen(cases[i].pattern),
		                                  cases[i].path);
		if (got != cases[i].want)
			fail_msg("pattern %s on %s: got %d", cases[i].pattern,
			         cases[i].path, got);
	}
	/* last match wins; a rule without owners un-owns */
	const char *r = "/apps/ @octocat\n/apps/github\n# x\n*.md @docs # c\n";
	int line;
	assert_int_equal(orgmri_codeowners_owner(r, "apps/x.c", &line), 1);
	assert_int_equal(line, 1);
	assert_int_equal(orgmri_codeowners_owner(r, "apps/github/x.c", &line), 0);
	assert_int_equal(line, 2);
	assert_int_equal(orgmri_codeowners_owner(r, "apps/github/R.md", &line), 1);
	assert_int_equal(line, 4);
	assert_int_equal(orgmri_codeowners_owner(r, "lib/x.c", &line), 0);
	assert_int_equal(line, 0);
	/* a rule whose only owner-token is a comment owns nothing */
	assert_int_equal(orgmri_codeowners_owner("*.c # nobody\n", "a.c", &line), 0);
	assert_int_equal(line, 1);
	/* a hostile pattern ends within the step budget */
	char big[200];
	for (int i = 0; i < 198; i += 2) {
		big[i] = '*';
		big[i + 1] = 'a';
	}
	big[198] = 'b';
	big[199] = 0;
	char path[300];
	memset(path, 'a', 299);
	path[299] = 0;
	assert_int_equal(orgmri_codeowners_match(big, strlen(big), path), 0);
}

static void test_coverage(void **state)
{
	(void)state;
	fixture f;
	char *h = history();
	tu_model_load(&f, h, "pr", 0);
	free(h);
	orgmri_owner_coverage c;
	orgmri_error err;
	/* files changed (non-merge): README (rule 2, @all), a.c (rule 4,
	 * src/STAR.c), b.c (rule 5: no owners), x.md (rule 3, /docs/), c.c
	 * (rule 4): 4 of 5 */
	assert_int_equal(orgmri_owner_coverage_compute(f.model, INT64_MIN,
	                                               INT64_MAX, &c, &err), 0);
	assert_int_equal(c.available, 1);
	assert_int_equal(c.repos, 1);
	assert_int_equal(c.files, 5);
	assert_int_equal(c.owned, 4);
	assert_near(c.share, 0.8, 1e-12);
	/* days [25, 35): c3 only: b.c unowned, x.md owned */
	assert_int_equal(orgmri_owner_coverage_compute(f.model, T0 + 25 * DAY,
	                                               T0 + 35 * DAY, &c, &err), 0);
	assert_int_equal(c.files, 2);
	assert_int_equal(c.owned, 1);
	tu_model_free(&f);
}

static void test_integration(void **state)
{
	(void)state;
	fixture f;
	char *h = history();
	tu_model_load(&f, h, "pr", 0);
	free(h);
	/* items in key order: #1 .. #5 */
	assert_int_equal(f.model->nitems, 5);
	uint8_t pick[5] = { 1, 1, 1, 1, 1 };
	orgmri_integration ip;
	orgmri_error err;
	assert_int_equal(orgmri_integration_compute(f.model, pick, T0 + 80 * DAY,
	                                            &ip, &err), 0);
	/* intervals and files: #1 [0,25] {README,a,b}; #2 [20,35] {b,x};
	 * #3 [38,42] {a} (the merge c5 left out); #4 [70,72] {a,c} (no
	 * opened: from c6's author time); #5 [65,80] {c}.  #1-#2 share b,
	 * #4-#5 share c; #3 overlaps nobody */
	assert_int_equal(ip.with_files, 5);
	assert_int_equal(ip.overlapping, 4);
	assert_near(ip.overlap_share, 0.8, 1e-12);
	/* base merges: #2's c3m (origin/develop, base develop) and #3's c5
	 * (main); #4's m4 is its own merge commit */
	assert_int_equal(ip.with_parents, 5);
	assert_int_equal(ip.base_merged, 2);
	assert_int_equal(ip.base_merges, 2);
	assert_near(ip.base_merge_share, 0.4, 1e-12);
	/* only #3 and #4 picked */
	uint8_t two[5] = { 0, 0, 1, 1, 0 };
	assert_int_equal(orgmri_integration_compute(f.model, two, T0 + 80 * DAY,
	                                            &ip, &err), 0);
	assert_int_equal(ip.with_files, 2);
	assert_int_equal(ip.overlapping, 1);
	assert_int_equal(ip.base_merged, 1);
	/* #5 still open: closed at day 69 it no longer meets #4 */
	assert_int_equal(orgmri_integration_compute(f.model, pick, T0 + 69 * DAY,
	                                            &ip, &err), 0);
	assert_int_equal(ip.overlapping, 2);
	assert_true(orgmri_is_base_merge("Merge branch 'master'", NULL));
	assert_true(orgmri_is_base_merge(
		"Merge remote-tracking branch 'upstream/main' into x", NULL));
	assert_false(orgmri_is_base_merge("Merge branch 'feature'", NULL));
	assert_false(orgmri_is_base_merge("Merge branch 'main'", "release"));
	assert_false(orgmri_is_base_merge("Merge pull request #3 from a/main",
	                                  NULL));
	assert_false(orgmri_is_base_merge(NULL, NULL));
	tu_model_free(&f);
}

/* Brute force of (a) over random intervals and file sets. */
static void test_overlap_brute(void **state)
{
	(void)state;
	text t = { 0 };
	enum { N = 40, FILES = 12 };
	int64_t s[N], e[N];
	unsigned files[N];
	uint64_t x = 88172645463325252ULL;
	for (int i = 0; i < N; i++) {
		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		s[i] = (int64_t)(x % 200);
		e[i] = s[i] + (int64_t)((x >> 20) % 15);
		files[i] = (unsigned)((x >> 32) % (1u << FILES)) & (unsigned)
		           ((x >> 44) % (1u << FILES));
		char paths[256] = "";
		for (int b = 0; b < FILES; b++)
			if (files[i] & (1u << b))
				snprintf(paths + strlen(paths), sizeof(paths) - strlen(paths),
				         "%sf%d", *paths ? "\\n" : "", b);
		char sha[16];
		snprintf(sha, sizeof(sha), "s%d", i);
		add(&t, "{\"time\":%lld,\"object\":\"change:acme/api#%d\",\"activity\":"
		    "\"opened\",\"actor\":\"p\"}\n", T0 + s[i] * DAY, 100 + i);
		add(&t, "{\"time\":%lld,\"object\":\"change:acme/api#%d\",\"activity\":"
		    "\"merged\",\"actor\":\"p\"}\n", T0 + e[i] * DAY, 100 + i);
		if (files[i])
			commit(&t, sha, (double)s[i], "p", 1, "c", paths, 100 + i);
	}
	fixture f;
	tu_model_load(&f, t.s, "pr", 0);
	free(t.s);
	uint8_t pick[N];
	memset(pick, 1, sizeof(pick));
	orgmri_integration ip;
	orgmri_error err;
	assert_int_equal(f.model->nitems, N);
	assert_int_equal(orgmri_integration_compute(f.model, pick, T0 + 999 * DAY,
	                                            &ip, &err), 0);
	/* item order = key order: change:acme/api#100 .. #139 */
	long long want = 0, with = 0;
	for (int i = 0; i < N; i++) {
		if (!files[i])
			continue;
		with++;
		int hit = 0;
		for (int j = 0; j < N && !hit; j++)
			hit = j != i && (files[i] & files[j]) && s[i] <= e[j] &&
			      s[j] <= e[i];
		want += hit;
	}
	assert_int_equal(ip.with_files, with);
	assert_int_equal(ip.overlapping, want);
	tu_model_free(&f);
}

static void test_health_rows(void **state)
{
	(void)state;
	fixture f;
	char *h = history();
	tu_model_load(&f, h, "pr", 0);
	free(h);
	orgmri_health_row rows[8];
	size_t n = 0;
	uint8_t pick[5] = { 1, 1, 1, 1, 1 };
	orgmri_error err;
	assert_int_equal(orgmri_health_files(f.model, pick, INT64_MIN, INT64_MAX,
	                                     NULL, rows, 8, &n, &err), 0);
	assert_int_equal(n, 5);
	assert_string_equal(rows[0].name, "truck factor");
	assert_near(rows[0].value, 1, 0);
	assert_true(rows[0].concern);            /* below 2 */
	assert_string_equal(rows[1].name, "CODEOWNERS coverage");
	assert_near(rows[1].value, 0.8, 1e-12);
	assert_false(rows[1].concern);           /* not below 80 % */
	assert_near(rows[2].value, 0.8, 1e-12);
	assert_true(rows[2].concern);            /* above 30 % */
	assert_near(rows[3].value, 0.4, 1e-12);
	assert_true(rows[3].concern);            /* above 20 % */
	assert_string_equal(rows[4].name, "code churn");
	assert_true(isnan(rows[4].value));       /* no churn_lines here */
	assert_non_null(strstr(rows[4].detail, "not available"));
	tu_model_free(&f);

	/* line churn: (12 + 8) / (100 + 50) young lines per line added,
	 * the third commit is outside [day 0, day 20) and the fourth has no
	 * churn_lines (off the first-parent line) */
	text t = { 0 };
	static const char *const ch[][2] = {
		{ "5", "\"churn_lines\":12,\"additions\":100" },
		{ "9", "\"churn_lines\":8,\"additions\":50" },
		{ "25", "\"churn_lines\":90,\"additions\":90" },
		{ "6", "\"additions\":1000" },
	};
	for (int i = 0; i < 4; i++)
		add(&t, "{\"time\":%lld,\"object\":\"commit:acme/api@x%d\","
		    "\"activity\":\"committed\",\"actor\":\"a\",\"attrs\":"
		    "{\"paths\":\"a.c\",%s}}\n", T0 + atoll(ch[i][0]) * DAY, i,
		    ch[i][1]);
	tu_model_load(&f, t.s, "pr", 0);
	free(t.s);
	n = 0;
	uint8_t none[1] = { 0 };
	assert_int_equal(orgmri_health_files(f.model, none, T0, T0 + 20 * DAY,
	                                     NULL, rows, 8, &n, &err), 0);
	assert_string_equal(rows[4].name, "code churn");
	assert_near(rows[4].value, 20.0 / 150.0, 1e-12);
	assert_true(rows[4].concern);            /* above 10 % */
	assert_non_null(strstr(rows[4].detail, "20 lines rewritten"));
	orgmri_rework rw;
	assert_int_equal(orgmri_rework_compute(f.model, NULL, &rw, &err), 0);
	assert_int_equal(rw.line_churn_available, 1);
	assert_int_equal(rw.line_churn_commits, 3);
	assert_int_equal(rw.lines_rewritten, 110);
	assert_int_equal(rw.lines_added, 240);
	tu_model_free(&f);

	/* without paths, codeowners or parents: every row n/a, named */
	tu_model_load(&f, "{\"time\":\"2026-03-02T09:00:00Z\","
	              "\"object\":\"change:r#1\",\"activity\":\"opened\","
	              "\"actor\":\"a\"}\n", "pr", 0);
	n = 0;
	uint8_t one[1] = { 1 };
	assert_int_equal(orgmri_health_files(f.model, one, INT64_MIN, INT64_MAX,
	                                     NULL, rows, 8, &n, &err), 0);
	assert_int_equal(n, 5);
	for (size_t i = 0; i < n; i++) {
		assert_true(isnan(rows[i].value));
		assert_false(rows[i].concern);
		assert_non_null(strstr(rows[i].detail, "not available"));
	}
	orgmri_rework r;
	assert_int_equal(orgmri_rework_compute(f.model, NULL, &r, &err), 0);
	assert_int_equal(r.churn_available, 0);
	assert_true(isnan(r.churn_share));
	tu_model_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_churn),
		cmocka_unit_test(test_truck_factor_paths),
		cmocka_unit_test(test_codeowners_match),
		cmocka_unit_test(test_coverage),
		cmocka_unit_test(test_integration),
		cmocka_unit_test(test_overlap_brute),
		cmocka_unit_test(test_health_rows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
