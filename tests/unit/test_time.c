/* test_time.c - timestamp parsing and formatting. */
#include <string.h>

#include "testutil.h"

static int64_t parse_ok(const char *s, unsigned flags, unsigned *of)
{
	int64_t ms = 0;
	orgmri_error err;
	orgmri_error_clear(&err);
	int rc = orgmri_time_parse(s, strlen(s), flags, &ms, of, &err);
	if (rc)
		fail_msg("\"%s\": %s", s, err.message);
	return ms;
}

static void parse_bad(const char *s, long column)
{
	int64_t ms;
	orgmri_error err;
	orgmri_error_clear(&err);
	assert_int_equal(orgmri_time_parse(s, strlen(s), 0, &ms, NULL, &err),
	                 ORGMRI_EPARSE);
	assert_true(strstr(err.message, "bad timestamp") != NULL);
	if (column)
		assert_int_equal(err.column, column);
}

static void test_forms(void **state)
{
	(void)state;
	unsigned of;
	/* 2026-03-02T09:15:00Z = 1772442900 s (checked with `date -d`) */
	assert_int_equal(parse_ok("2026-03-02T09:15:00Z", 0, &of), 1772442900000LL);
	assert_true(of & ORGMRI_TIME_HAD_OFFSET);
	assert_int_equal(parse_ok("2026-03-02T11:15:00+02:00", 0, NULL),
	                 1772442900000LL);
	assert_int_equal(parse_ok("2026-03-02T11:15:00+0200", 0, NULL),
	                 1772442900000LL);
	assert_int_equal(parse_ok("2026-03-02T11:15:00+02", 0, NULL),
	                 1772442900000LL);
	assert_int_equal(parse_ok("2026-03-02T04:45:00-04:30", 0, NULL),
	                 1772442900000LL);
	assert_int_equal(parse_ok("2026-03-02 09:15:00.123456Z", 0, NULL),
	                 1772442900123LL);
	assert_int_equal(parse_ok("2026-03-02T09:15:00.5Z", 0, NULL),
	                 1772442900500LL);
	assert_int_equal(parse_ok("2026-03-02T09:15Z", 0, NULL), 1772442900000LL);
	assert_int_equal(parse_ok("2026-03-02T09:15:00", 0, &of), 1772442900000LL);
	assert_false(of & ORGMRI_TIME_HAD_OFFSET);
	assert_int_equal(parse_ok("2026-03-02", 0, &of), 1772409600000LL);
	assert_true(of & ORGMRI_TIME_DATE_ONLY);
	assert_int_equal(parse_ok("1970-01-01T00:00:00Z", 0, NULL), 0);
	assert_int_equal(parse_ok("1969-12-31T23:59:59Z", 0, NULL), -1000);
	assert_int_equal(parse_ok("2024-02-29", 0, NULL), 1709164800000LL);
	assert_int_equal(parse_ok("2000-02-29", 0, NULL), 951782400000LL);
	assert_int_equal(parse_ok("2026/03/02 09:15:00", ORGMRI_TIME_LENIENT, NULL),
	                 1772442900000LL);
	assert_int_equal(parse_ok(" 2026-03-02 ", 0, NULL), 1772409600000LL);
	assert_int_equal(parse_ok("2026-03-01T24:00:00Z", 0, NULL),
	                 1772409600000LL);
}

static void test_rejects(void **state)
{
	(void)state;
	parse_bad("2026-02-30", 0);
	parse_bad("2025-02-29", 0);
	parse_bad("1900-02-29", 0);
	parse_bad("2026-13-01", 0);
	parse_bad("2026-00-10", 0);
	parse_bad("2026-03-02T25:00:00Z", 0);
	parse_bad("2026-03-02T09:60:00Z", 0);
	parse_bad("2026-03-02T09:15:00+25:00", 0);
	parse_bad("2026-03-02T09:15:00 UTC", 20);
	parse_bad("26-03-02", 1);
	parse_bad("", 1);
	parse_bad("yesterday", 1);
	parse_bad("2026/03/02", 5);
	parse_bad("2026-03-02T09:15:00.Z", 0);
	parse_bad("2026-03-01T24:00:01Z", 0);
}

static void test_format(void **state)
{
	(void)state;
	char buf[ORGMRI_TIME_BUFSZ];
	assert_string_equal(orgmri_time_format(1772442900000LL, buf),
	                    "2026-03-02T09:15:00Z");
	assert_string_equal(orgmri_time_format(1772442900123LL, buf),
	                    "2026-03-02T09:15:00.123Z");
	assert_string_equal(orgmri_time_format(-1, buf),
	                    "1969-12-31T23:59:59.999Z");
	assert_string_equal(orgmri_time_format(0, buf), "1970-01-01T00:00:00Z");
	/* every day of four years round-trips */
	for (int64_t d = -800; d < 800; d++) {
		int64_t ms = d * 86400000LL + 3723004;
		orgmri_time_format(ms, buf);
		assert_int_equal(parse_ok(buf, 0, NULL), ms);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
