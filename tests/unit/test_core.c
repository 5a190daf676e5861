/* test_core.c - interning, the stored attribute encoding, UTF-8 checks,
 * error formatting and the .orgmri configuration. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/attrs.h"
#include "core/util.h"
#include "testutil.h"

static void test_intern(void **state)
{
	(void)state;
	orgmri_intern in;
	orgmri_intern_init(&in);
	char key[32];
	for (int i = 0; i < 100000; i++) {
		int n = snprintf(key, sizeof(key), "object:%d", i);
		assert_int_equal(orgmri_intern_add(&in, key, (size_t)n), i);
	}
	for (int i = 0; i < 100000; i += 7) {
		int n = snprintf(key, sizeof(key), "object:%d", i);
		assert_int_equal(orgmri_intern_add(&in, key, (size_t)n), i);
		assert_int_equal(orgmri_intern_find(&in, key, (size_t)n), i);
		assert_string_equal(in.names[i], key);
	}
	assert_int_equal(orgmri_intern_find(&in, "object:x", 8), UINT32_MAX);
	/* the empty string and embedded-prefix strings are distinct */
	int64_t e = orgmri_intern_add(&in, "", 0);
	assert_int_equal(orgmri_intern_add(&in, "obj", 3), e + 1);
	assert_int_equal(in.count, 100002);
	orgmri_intern_free(&in);
}

static void test_attrs_roundtrip(void **state)
{
	(void)state;
	orgmri_attr in[] = {
		{ "title", "quote \" backslash \\ nl \n tab \t ctl \x01 \xc3\xa9",
		  ORGMRI_ATTR_STRING },
		{ "n", "-12", ORGMRI_ATTR_INT },
		{ "r", "1.5e3", ORGMRI_ATTR_REAL },
		{ "b", "false", ORGMRI_ATTR_BOOL },
		{ "not_int", "007", ORGMRI_ATTR_INT },  /* not canonical: a string */
		{ "k\"ey", "", ORGMRI_ATTR_STRING },
	};
	orgmri_buf b = ORGMRI_BUF_INIT, scratch = ORGMRI_BUF_INIT;
	assert_int_equal(orgmri_attrs_encode(&b, in, 6), 0);
	orgmri_attr out[8];
	long n = orgmri_attrs_decode(b.ptr, b.len, &scratch, out, 8);
	assert_int_equal(n, 6);
	for (int i = 0; i < 6; i++) {
		assert_string_equal(out[i].name, in[i].name);
		assert_string_equal(out[i].value, in[i].value);
	}
	assert_int_equal(out[1].type, ORGMRI_ATTR_INT);
	assert_int_equal(out[2].type, ORGMRI_ATTR_REAL);
	assert_int_equal(out[3].type, ORGMRI_ATTR_BOOL);
	assert_int_equal(out[4].type, ORGMRI_ATTR_STRING);
	/* \u escapes and surrogate pairs decode to UTF-8 */
	const char *j = "{\"a\":\"\\u00e9\\ud83d\\ude00\"}";
	assert_int_equal(orgmri_attrs_decode(j, strlen(j), &scratch, out, 8), 1);
	assert_string_equal(out[0].value, "\xc3\xa9\xf0\x9f\x98\x80");
	/* damaged text is an error, not a crash */
	const char *bad[] = { "{\"a\":", "{\"a\"}", "[1]", "{\"a\":tru}", "{\"a\":\"x" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_true(orgmri_attrs_decode(bad[i], strlen(bad[i]), &scratch,
		                                out, 8) < 0);
	assert_int_equal(orgmri_attrs_decode("", 0, &scratch, out, 8), 0);
	orgmri_buf_free(&b);
	orgmri_buf_free(&scratch);
}

static void test_number_text(void **state)
{
	(void)state;
	assert_true(orgmri_is_int_text("0", 1));
	assert_true(orgmri_is_int_text("-5", 2));
	assert_false(orgmri_is_int_text("05", 2));
	assert_false(orgmri_is_int_text("-", 1));
	assert_false(orgmri_is_int_text("1e3", 3));
	assert_true(orgmri_is_number_text("1e3", 3));
	assert_true(orgmri_is_number_text("-0.5", 4));
	assert_false(orgmri_is_number_text("1.", 2));
	assert_false(orgmri_is_number_text(".5", 2));
	assert_false(orgmri_is_number_text("1.2.3", 5));
}

static void test_utf8(void **state)
{
	(void)state;
	assert_int_equal(orgmri_utf8_valid_prefix("abc", 3), 3);
	assert_int_equal(orgmri_utf8_valid_prefix("a\xc3\xa9z", 4), 4);
	assert_int_equal(orgmri_utf8_valid_prefix("a\xff", 2), 1);
	assert_int_equal(orgmri_utf8_valid_prefix("a\xc0\x80", 3), 1);  /* overlong */
	assert_int_equal(orgmri_utf8_valid_prefix("\xed\xa0\x80", 3), 0); /* surrogate */
	assert_int_equal(orgmri_utf8_valid_prefix("\xe2\x82", 2), 0);  /* truncated */
}

static void test_error_format(void **state)
{
	(void)state;
	orgmri_error e;
	char buf[512];
	orgmri_error_clear(&e);
	orgmri_seterr(&e, ORGMRI_EPARSE, "bad %s", "thing");
	orgmri_seterr_at(&e, "f.jsonl", 3, 7);
	assert_string_equal(orgmri_error_format(&e, buf, sizeof(buf)),
	                    "f.jsonl:3:7: bad thing");
	orgmri_error_clear(&e);
	orgmri_seterr(&e, ORGMRI_EPARSE, "must be a string");
	orgmri_seterr_at(&e, "pulls.json", 0, 0);
	snprintf(e.path, sizeof(e.path), "$[3].user.login");
	assert_string_equal(orgmri_error_format(&e, buf, sizeof(buf)),
	                    "pulls.json: $[3].user.login: must be a string");
	assert_string_equal(orgmri_strerror(ORGMRI_ENOMEM), "out of memory");
}

static int count(const char *v, void *ctx)
{
	(void)v;
	++*(int *)ctx;
	return 0;
}

static void test_config(void **state)
{
	(void)state;
	char *dir = tu_tempdir();
	char *path = tu_write(dir, "orgmri.conf",
		"# comment\n"
		"[ai]\n"
		"\ttrailer = Co-authored-by: GitHub Copilot\n"
		"\ttrailer = Assisted-by\n"
		"[team \"Security\"]\n"
		"\tmember = sam\n"
		"\tmember = sue\n"
		"[compare]\n"
		"\tsplit = 2026-03-01\n"
		"\tbootstrap = 2k\n"
		"\tstrict = yes\n");
	orgmri_config *c;
	orgmri_error err;
	assert_int_equal(orgmri_config_load(&c, path, &err), 0);
	assert_string_equal(orgmri_config_string(c, "compare.split", "x"), "2026-03-01");
	assert_string_equal(orgmri_config_string(c, "COMPARE.Split", "x"), "2026-03-01");
	assert_string_equal(orgmri_config_string(c, "compare.none", "def"), "def");
	assert_int_equal(orgmri_config_int(c, "compare.bootstrap", 1), 2048);
	assert_int_equal(orgmri_config_bool(c, "compare.strict", 0), 1);
	assert_int_equal(orgmri_config_bool(c, "compare.none", 1), 1);
	/* subsection names keep their case */
	assert_string_equal(orgmri_config_string(c, "team.Security.member", ""), "sue");
	assert_string_equal(orgmri_config_string(c, "team.security.member", "-"), "-");
	int n = 0;
	assert_int_equal(orgmri_config_each(c, "ai.trailer", count, &n), 0);
	assert_int_equal(n, 2);
	orgmri_config_free(c);

	/* malformed: an error naming the file and line */
	char *bad = tu_write(dir, "bad.conf", "[ai]\n\ttrailer = x\n[broken\n");
	orgmri_error_clear(&err);
	assert_int_equal(orgmri_config_load(&c, bad, &err), ORGMRI_EPARSE);
	assert_true(strstr(err.file, "bad.conf") != NULL);
	assert_int_equal(err.line, 3);
	assert_true(strstr(err.message, "section header") != NULL);
	/* missing explicit file: not found; missing default: empty config */
	assert_int_equal(orgmri_config_load(&c, "/nonexistent/x", &err),
	                 ORGMRI_ENOTFOUND);
	tu_rmtree(dir);
	free(dir);
	free(path);
	free(bad);
}

static int cmp_ref(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The radix sort gives qsort's numeric order: random arrays of every size
 * around the insertion-sort cut-off and far past it, with negatives,
 * zeros, duplicates, tiny and huge magnitudes and infinities. */
static void test_sort_doubles(void **state)
{
	(void)state;
	static const size_t sizes[] = { 0, 1, 2, 63, 64, 65, 100, 1000, 100000 };
	uint64_t x = 88172645463325252ULL;
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		size_t n = sizes[s];
		double *v = malloc((n ? n : 1) * sizeof(double));
		double *w = malloc((n ? n : 1) * sizeof(double));
		assert_non_null(v);
		assert_non_null(w);
		for (size_t i = 0; i < n; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			double d;
			switch (x % 8) {
			case 0: d = 0.0; break;
			case 1: d = -(double)(x % 1000); break;
			case 2: d = (double)(x % 50);  break;   /* many duplicates */
			case 3: d = (double)(x >> 11) * 1e-300; break;
			case 4: d = -(double)(x >> 11) * 1e290; break;
			case 5: d = (x & 16) ? HUGE_VAL : -HUGE_VAL; break;
			default: d = ((double)(x >> 11) / 9007199254740992.0 - 0.5) * 1e6;
			}
			v[i] = w[i] = d;
		}
		orgmri_sort_doubles(n ? v : NULL, n);
		if (n)
			qsort(w, n, sizeof(double), cmp_ref);
		for (size_t i = 0; i < n; i++)
			if (v[i] != w[i])
				fail_msg("size %zu: element %zu is %g, qsort says %g", n, i,
				         v[i], w[i]);
		free(v);
		free(w);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_intern),
		cmocka_unit_test(test_sort_doubles),
		cmocka_unit_test(test_attrs_roundtrip),
		cmocka_unit_test(test_number_text),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_error_format),
		cmocka_unit_test(test_config),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
