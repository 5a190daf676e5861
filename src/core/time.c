/*
 * time.c - ISO 8601 / RFC 3339 timestamps to epoch milliseconds and back.
 *
 * Hand-written rather than strptime/timegm: those depend on the locale and
 * the TZ environment, accept impossible dates, and cannot report where the
 * text went wrong.  Date arithmetic is Howard Hinnant's days_from_civil
 * algorithm (public-domain description), valid for the proleptic Gregorian
 * calendar.
 */
#include <stdio.h>
#include <string.h>

#include "core/util.h"
#include "orgmri/time.h"

int64_t orgmri_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t yy = (int64_t)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yy + (*m <= 2);
}

static int days_in_month(int64_t y, unsigned m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

typedef struct cursor {
	const char *s;
	size_t len, pos;
} cursor;

/* Read exactly n digits; -1 if not there. */
static long digits(cursor *c, int n)
{
	long v = 0;
	if (c->pos + (size_t)n > c->len)
		return -1;
	for (int i = 0; i < n; i++) {
		char ch = c->s[c->pos + (size_t)i];
		if (ch < '0' || ch > '9')
			return -1;
		v = v * 10 + (ch - '0');
	}
	c->pos += (size_t)n;
	return v;
}

static int peek(const cursor *c)
{
	return c->pos < c->len ? (unsigned char)c->s[c->pos] : -1;
}

static int fail(orgmri_error *err, const cursor *c, const char *what)
{
	orgmri_seterr(err, ORGMRI_EPARSE, "bad timestamp \"%.*s\": %s",
	              (int)(c->len > 64 ? 64 : c->len), c->s, what);
	if (err)
		err->column = (long)c->pos + 1;
	return ORGMRI_EPARSE;
}

int orgmri_time_parse(const char *s, size_t len, unsigned flags,
                      int64_t *out_ms, unsigned *outflags, orgmri_error *err)
{
	cursor c = { s, len, 0 };
	unsigned of = 0;
	long hh = 0, mi = 0, ss = 0, ms = 0, off_min = 0;

	/* Trim surrounding blanks, which CSV exports often carry. */
	while (c.len > 0 && (s[c.len - 1] == ' ' || s[c.len - 1] == '\t'))
		c.len--;
	while (c.pos < c.len && (s[c.pos] == ' ' || s[c.pos] == '\t'))
		c.pos++;

	long y = digits(&c, 4);
	if (y < 0)
		return fail(err, &c, "expected a four-digit year");
	int sep = peek(&c);
	if (sep != '-' && !(sep == '/' && (flags & ORGMRI_TIME_LENIENT)))
		return fail(err, &c, "expected '-' after the year");
	c.pos++;
	long mo = digits(&c, 2);
	if (mo < 1 || mo > 12)
		return fail(err, &c, "month must be 01-12");
	if (peek(&c) != sep)
		return fail(err, &c, "expected the same separator after the month");
	c.pos++;
	long d = digits(&c, 2);
	if (d < 1 || d > days_in_month(y, (unsigned)mo))
		return fail(err, &c, "no such day in that month");

	if (c.pos == c.len) {
		of |= ORGMRI_TIME_DATE_ONLY;
		goto done;
	}
	int t = peek(&c);
	if (t != 'T' && t != 't' && t != ' ')
		return fail(err, &c, "expected 'T' or a space before the time");
	c.pos++;
	hh = digits(&c, 2);
	if (hh < 0 || hh > 24)
		return fail(err, &c, "hour must be 00-23");
	if (peek(&c) != ':')
		return fail(err, &c, "expected ':' after the hour");
	c.pos++;
	mi = digits(&c, 2);
	if (mi < 0 || mi > 59)
		return fail(err, &c, "minute must be 00-59");
	if (peek(&c) == ':') {
		c.pos++;
		ss = digits(&c, 2);
		/* 60 is a leap second; fold it into the next minute. */
		if (ss < 0 || ss > 60)
			return fail(err, &c, "second must be 00-60");
		if (peek(&c) == '.' || peek(&c) == ',') {
			c.pos++;
			int nd = 0;
			while (peek(&c) >= '0' && peek(&c) <= '9') {
				if (nd < 3)
					ms = ms * 10 + (s[c.pos] - '0');
				nd++;
				c.pos++;
			}
			if (nd == 0)
				return fail(err, &c, "expected digits after the decimal point");
			for (; nd < 3; nd++)
				ms *= 10;
		}
	}
	if (hh == 24 && (mi || ss || ms))
		return fail(err, &c, "hour 24 is only valid as 24:00:00");

	int z = peek(&c);
	if (z == 'Z' || z == 'z') {
		c.pos++;
		of |= ORGMRI_TIME_HAD_OFFSET;
	} else if (z == '+' || z == '-') {
		c.pos++;
		long oh = digits(&c, 2), om = 0;
		if (oh < 0 || oh > 23)
			return fail(err, &c, "offset hours must be 00-23");
		if (peek(&c) == ':') {
			c.pos++;
			if ((om = digits(&c, 2)) < 0)
				return fail(err, &c, "expected offset minutes");
		} else if (peek(&c) >= '0' && peek(&c) <= '9') {
			if ((om = digits(&c, 2)) < 0)
				return fail(err, &c, "expected offset minutes");
		}
		if (om > 59)
			return fail(err, &c, "offset minutes must be 00-59");
		off_min = (oh * 60 + om) * (z == '-' ? -1 : 1);
		of |= ORGMRI_TIME_HAD_OFFSET;
	}
	if (c.pos != c.len)
		return fail(err, &c, "unexpected text after the time");

done:;
	int64_t days = orgmri_days_from_civil(y, (unsigned)mo, (unsigned)d);
	int64_t secs = days * 86400 + hh * 3600 + mi * 60 + ss - off_min * 60;
	*out_ms = secs * 1000 + ms;
	if (outflags)
		*outflags = of;
	return 0;
}

char *orgmri_time_format(int64_t ms, char *buf)
{
	int64_t secs = ms / 1000, rem = ms % 1000;
	if (rem < 0) {
		rem += 1000;
		secs--;
	}
	int64_t days = secs / 86400, sod = secs % 86400;
	if (sod < 0) {
		sod += 86400;
		days--;
	}
	int64_t y;
	unsigned m, d;
	civil_from_days(days, &y, &m, &d);
	int n = snprintf(buf, ORGMRI_TIME_BUFSZ, "%04lld-%02u-%02uT%02d:%02d:%02d",
	                 (long long)y, m, d, (int)(sod / 3600),
	                 (int)(sod / 60 % 60), (int)(sod % 60));
	if (n < 0 || n >= ORGMRI_TIME_BUFSZ - 6)
		n = (int)strlen(buf);
	if (rem)
		snprintf(buf + n, (size_t)(ORGMRI_TIME_BUFSZ - n), ".%03dZ", (int)rem);
	else
		snprintf(buf + n, (size_t)(ORGMRI_TIME_BUFSZ - n), "Z");
	return buf;
}
