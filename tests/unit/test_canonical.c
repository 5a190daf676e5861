/* test_canonical.c - the canonical JSONL and CSV readers and writers:
 * every field, the typing rules, and each kind of bad input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

typedef struct warns {
	int n;
	orgmri_error last;
	orgmri_error first;
} warns;

static void on_warn(const orgmri_error *e, void *ctx)
{
	warns *w = ctx;
	if (w->n++ == 0)
		w->first = *e;
	w->last = *e;
}

static int read_text(const char *text, size_t len, int csv, int strict,
                     tu_sink *sink, warns *w, orgmri_error *err)
{
	FILE *fp = fmemopen((void *)text, len, "rb");
	assert_non_null(fp);
	orgmri_read_options o = { strict, on_warn, w, NULL, NULL };
	int rc = csv ? orgmri_canonical_read_csv(fp, "in", &o, &sink->sink, err)
	             : orgmri_canonical_read_jsonl(fp, "in", &o, &sink->sink, err);
	fclose(fp);
	return rc;
}

static void test_jsonl_fields(void **state)
{
	(void)state;
	const char *in =
		"{\"time\":\"2026-03-02T09:15:00Z\",\"object\":\"change:acme/api#412\","
		"\"activity\":\"opened\",\"actor\":\"alice\",\"related\":[\"issue:ACME-77\"],"
		"\"attrs\":{\"title\":\"Add \\\"export\\\" \\u00e9\",\"additions\":120,"
		"\"ratio\":0.25,\"ai_assisted\":true,\"nothing\":null}}\n"
		"\n"
		"{\"time\":1772442900000,\"object\":\"commit:x@1\",\"activity\":\"authored\","
		"\"id\":42}\r\n";
	tu_sink s;
	tu_sink_init(&s);
	warns w = { 0 };
	orgmri_error err;
	assert_int_equal(read_text(in, strlen(in), 0, 1, &s, &w, &err), 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.ev[0].time, 1772442900000LL);
	assert_string_equal(s.ev[0].object, "change:acme/api#412");
	assert_string_equal(s.ev[0].actor, "alice");
	assert_int_equal(s.ev[0].nrelated, 1);
	assert_string_equal(s.ev[0].related[0], "issue:ACME-77");
	assert_int_equal(s.ev[0].nattrs, 4); /* null is dropped */
	assert_string_equal(tu_attr(&s, 0, "title"), "Add \"export\" \xc3\xa9");
	assert_string_equal(tu_attr(&s, 0, "additions"), "120");
	assert_int_equal(s.ev[0].attrs[1].type, ORGMRI_ATTR_INT);
	assert_string_equal(tu_attr(&s, 0, "ratio"), "0.25");
	assert_int_equal(s.ev[0].attrs[2].type, ORGMRI_ATTR_REAL);
	assert_string_equal(tu_attr(&s, 0, "ai_assisted"), "true");
	assert_int_equal(s.ev[0].attrs[3].type, ORGMRI_ATTR_BOOL);
	assert_int_equal(s.ev[1].time, 1772442900000LL);
	assert_string_equal(s.ev[1].id, "42");
	assert_null(s.ev[1].actor);
	tu_sink_free(&s);
}

/* One bad line among good ones: skipped and reported with its location,
 * or in strict mode the error. */
static void expect_bad_jsonl(const char *bad, long line, const char *needle,
                             const char *path)
{
	char in[4096];
	snprintf(in, sizeof(in),
	         "{\"time\":\"2026-01-01\",\"object\":\"a:1\",\"activity\":\"x\"}\n"
	         "%s\n"
	         "{\"time\":\"2026-01-02\",\"object\":\"a:1\",\"activity\":\"y\"}\n",
	         bad);
	tu_sink s;
	tu_sink_init(&s);
	warns w = { 0 };
	orgmri_error err;
	orgmri_error_clear(&err);
	assert_int_equal(read_text(in, strlen(in), 0, 0, &s, &w, &err), 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(w.n, 1);
	assert_string_equal(w.last.file, "in");
	assert_int_equal(w.last.line, line);
	if (!strstr(w.last.message, needle))
		fail_msg("message \"%s\" lacks \"%s\"", w.last.message, needle);
	if (path)
		assert_string_equal(w.last.path, path);
	tu_sink_free(&s);

	tu_sink_init(&s);
	orgmri_error_clear(&err);
	assert_true(read_text(in, strlen(in), 0, 1, &s, &w, &err) < 0);
	assert_int_equal(s.n, 1); /* the good line before the bad one */
	assert_int_equal(err.line, line);
	tu_sink_free(&s);
}

static void test_jsonl_bad(void **state)
{
	(void)state;
	expect_bad_jsonl("{\"time\":\"2026-01-01\",\"object\":\"a:1\",\"activ", 2,
	                 "invalid JSON", NULL);
	expect_bad_jsonl("{\"time\":true,\"object\":\"a:1\",\"activity\":\"x\"}", 2,
	                 "ISO-8601", "$.time");
	expect_bad_jsonl("{\"time\":\"03/02/2026\",\"object\":\"a:1\",\"activity\":\"x\"}",
	                 2, "bad timestamp", "$.time");
	expect_bad_jsonl("{\"time\":\"2026-01-01\",\"activity\":\"x\"}", 2,
	                 "missing", "$.object");
	expect_bad_jsonl("{\"time\":\"2026-01-01\",\"object\":\"nocolon\",\"activity\":\"x\"}",
	                 2, "TYPE:KEY", NULL);
	expect_bad_jsonl("{\"time\":\"2026-01-01\",\"object\":\"a:1\",\"activity\":7}", 2,
	                 "must be a string", "$.activity");
	expect_bad_jsonl("{\"time\":\"2026-01-01\",\"object\":\"a:1\",\"activity\":\"x\","
	                 "\"attrs\":{\"n\":[1]}}", 2, "string, number or boolean",
	                 "$.attrs.n");
	expect_bad_jsonl("{\"time\":\"2026-01-01\",\"object\":\"a:1\",\"activity\":\"x\","
	                 "\"related\":[\"b:2\",5]}", 2, "must be a string",
	                 "$.related[1]");
	expect_bad_jsonl("[1,2,3]", 2, "expected a JSON object", NULL);
	expect_bad_jsonl("{\"time\":\"2026-01-01\",\"object\":\"a:\xff\",\"activity\":\"x\"}",
	                 2, "UTF-8", NULL);
}

static void test_jsonl_huge_line(void **state)
{
	(void)state;
	size_t big = 10u * 1024 * 1024;
	char *in = malloc(big + 256);
	assert_non_null(in);
	size_t n = (size_t)sprintf(in, "{\"time\":\"2026-01-01\",\"object\":\"a:1\","
	                                "\"activity\":\"x\",\"attrs\":{\"t\":\"");
	memset(in + n, 'x', big);
	n += big;
	n += (size_t)sprintf(in + n, "\"}}\n{\"time\":\"2026-01-02\",\"object\":"
	                             "\"a:1\",\"activity\":\"y\"}\n");
	tu_sink s;
	tu_sink_init(&s);
	warns w = { 0 };
	orgmri_error err;
	assert_int_equal(read_text(in, n, 0, 0, &s, &w, &err), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.ev[0].activity, "y");
	assert_int_equal(w.n, 1);
	assert_int_equal(w.last.code, ORGMRI_ELIMIT);
	assert_int_equal(w.last.line, 1);
	tu_sink_free(&s);
	free(in);
}

static void test_empty(void **state)
{
	(void)state;
	tu_sink s;
	tu_sink_init(&s);
	warns w = { 0 };
	orgmri_error err;
	assert_int_equal(read_text("", 0, 0, 1, &s, &w, &err), 0);
	assert_int_equal(read_text("", 0, 1, 1, &s, &w, &err), 0);
	assert_int_equal(read_text("\n\n", 2, 0, 1, &s, &w, &err), 0);
	assert_int_equal(s.n, 0);
	tu_sink_free(&s);
}

static void test_csv_fields(void **state)
{
	(void)state;
	const char *in =
		"\xef\xbb\xbftime,object,activity,actor,related,id,team,additions,title\r\n"
		"2026-03-02T09:15:00Z,change:a#1,approved,sam,,r1,security,,\r\n"
		"1772442900000,change:a#1,opened,\"alice \"\"al\"\" smith\","
		"issue:X-1;commit:a@f00,,,120,\"two\nlines, and a comma\"\r\n";
	tu_sink s;
	tu_sink_init(&s);
	warns w = { 0 };
	orgmri_error err;
	orgmri_error_clear(&err);
	int rc = read_text(in, strlen(in), 1, 1, &s, &w, &err);
	if (rc)
		fail_msg("%s (line %ld)", err.message, err.line);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.ev[0].id, "r1");
	assert_int_equal(s.ev[0].nattrs, 1);
	assert_string_equal(tu_attr(&s, 0, "team"), "security");
	assert_string_equal(s.ev[1].actor, "alice \"al\" smith");
	assert_int_equal(s.ev[1].nrelated, 2);
	assert_string_equal(s.ev[1].related[1], "commit:a@f00");
	assert_string_equal(tu_attr(&s, 1, "additions"), "120");
	assert_int_equal(s.ev[1].attrs[0].type, ORGMRI_ATTR_INT);
	assert_string_equal(tu_attr(&s, 1, "title"), "two\nlines, and a comma");
	tu_sink_free(&s);
}

static void test_csv_bad(void **state)
{
	(void)state;
	tu_sink s;
	warns w;
	orgmri_error err;

	/* header without the required columns: the file is rejected */
	tu_sink_init(&s);
	memset(&w, 0, sizeof(w));
	const char *h = "when,object,activity\n2026-01-01,a:1,x\n";
	assert_int_equal(read_text(h, strlen(h), 1, 0, &s, &w, &err), ORGMRI_EPARSE);
	assert_true(strstr(err.message, "\"time\"") != NULL);
	assert_int_equal(s.n, 0);
	tu_sink_free(&s);

	/* bad records: wrong field count, stray quote, bad time, empty object */
	const char *in =
		"time,object,activity\n"
		"2026-01-01,a:1,x\n"
		"2026-01-01,a:1\n"
		"2026-01-01,a\"b:1,x\n"
		"2026-13-01,a:1,x\n"
		"2026-01-01,,x\n"
		"2026-01-02,a:1,y\n";
	tu_sink_init(&s);
	memset(&w, 0, sizeof(w));
	assert_int_equal(read_text(in, strlen(in), 1, 0, &s, &w, &err), 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(w.n, 4);
	assert_int_equal(w.first.line, 3);
	assert_true(strstr(w.first.message, "expected 3 fields") != NULL);
	assert_int_equal(w.last.line, 6);
	tu_sink_free(&s);

	/* strict: the time error names line 5 and the column of the month */
	const char *in2 = "time,object,activity\n2026-01-01,a:1,x\n\"x\",b:1,y\n";
	tu_sink_init(&s);
	memset(&w, 0, sizeof(w));
	assert_int_equal(read_text(in2, strlen(in2), 1, 1, &s, &w, &err),
	                 ORGMRI_EPARSE);
	assert_int_equal(err.line, 3);
	assert_int_equal(err.column, 1);
	tu_sink_free(&s);

	/* unterminated quote at end of file */
	const char *in3 = "time,object,activity\n2026-01-01,a:1,\"x\n";
	tu_sink_init(&s);
	memset(&w, 0, sizeof(w));
	assert_int_equal(read_text(in3, strlen(in3), 1, 0, &s, &w, &err), 0);
	assert_int_equal(w.n, 1);
	assert_int_equal(s.n, 0);
	tu_sink_free(&s);
}

/* Writers: JSONL and CSV output read back gives the same events. */
static void roundtrip(int csv)
{
	const char *in =
		"{\"time\":\"2026-03-02T09:15:00.250Z\",\"object\":\"change:a#1\","
		"\"activity\":\"opened\",\"actor\":\"al,ice\",\"id\":\"7\","
		"\"related\":[\"issue:X-1\",\"commit:a@1\"],"
		"\"attrs\":{\"title\":\"q\\\"uote\\nnl\",\"n\":3,\"ok\":false}}\n";
	tu_sink a, b;
	tu_sink_init(&a);
	tu_sink_init(&b);
	warns w = { 0 };
	orgmri_error err;
	assert_int_equal(read_text(in, strlen(in), 0, 1, &a, &w, &err), 0);
	char *out = NULL;
	size_t outlen = 0;
	FILE *fp = open_memstream(&out, &outlen);
	orgmri_writer *wr;
	const char *names[] = { "n", "ok", "title" };
	if (csv)
		assert_int_equal(orgmri_csv_writer_new(&wr, fp, names, 3, &err), 0);
	else
		assert_int_equal(orgmri_jsonl_writer_new(&wr, fp, &err), 0);
	orgmri_event ev = { a.ev[0].time, a.ev[0].object, a.ev[0].activity,
	                    a.ev[0].actor, a.ev[0].id,
	                    (const char *const *)a.ev[0].related, a.ev[0].nrelated,
	                    a.ev[0].attrs, a.ev[0].nattrs };
	assert_int_equal(orgmri_writer_sink(wr)->event(orgmri_writer_sink(wr), &ev,
	                                               &err), 0);
	assert_int_equal(orgmri_writer_close(wr, &err), 0);
	fclose(fp);
	assert_int_equal(read_text(out, outlen, csv, 1, &b, &w, &err), 0);
	assert_int_equal(b.n, 1);
	assert_int_equal(b.ev[0].time, a.ev[0].time);
	assert_string_equal(b.ev[0].actor, "al,ice");
	assert_string_equal(b.ev[0].id, "7");
	assert_int_equal(b.ev[0].nrelated, 2);
	assert_string_equal(b.ev[0].related[1], "commit:a@1");
	assert_string_equal(tu_attr(&b, 0, "title"), "q\"uote\nnl");
	assert_string_equal(tu_attr(&b, 0, "n"), "3");
	assert_string_equal(tu_attr(&b, 0, "ok"), "false");
	free(out);
	tu_sink_free(&a);
	tu_sink_free(&b);
}

static void test_roundtrip_jsonl(void **state)
{
	(void)state;
	roundtrip(0);
}

static void test_roundtrip_csv(void **state)
{
	(void)state;
	roundtrip(1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jsonl_fields),
		cmocka_unit_test(test_jsonl_bad),
		cmocka_unit_test(test_jsonl_huge_line),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_csv_fields),
		cmocka_unit_test(test_csv_bad),
		cmocka_unit_test(test_roundtrip_jsonl),
		cmocka_unit_test(test_roundtrip_csv),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
