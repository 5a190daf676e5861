/*
 * html.h - internals shared by the HTML report (html.c) and its SVG
 * charts (svg.c, svg_charts.c): the one escaping function, locale-free
 * number formatting, and the report's state.  Not public API.
 */
#ifndef ORGMRI_RENDER_HTML_H
#define ORGMRI_RENDER_HTML_H

#include <stddef.h>
#include <stdint.h>

#include "core/util.h"
#include "orgmri/report.h"

/*
 * Append s as HTML text that is also safe inside a double- or
 * single-quoted attribute value and well-formed XML: & < > " ' become
 * character references; invalid UTF-8, C0 controls other than tab, LF
 * and CR, DEL, C1 controls and U+FFFE/U+FFFF become U+FFFD.  At most
 * ORGMRI_REPORT_TEXT_MAX bytes and max_chars code points (0 = no limit)
 * of s are used; a cut string ends in U+2026 "...".  NULL s appends
 * nothing.  Returns 1 when s was cut, 0 when whole, ORGMRI_ENOMEM.
 *
 * Every string that comes from a caller goes through here: it is the
 * report's only way to put data into markup.
 */
int orgmri_html_escape(orgmri_buf *b, const char *s, size_t max_chars);

/* Code points in s (invalid bytes count one each); NULL is 0. */
size_t orgmri_html_text_chars(const char *s);

/*
 * Format v with exactly `decimals` (0-6) digits after the point, '.' as
 * the point whatever the locale, no "-0".  Not finite: "n/a".  buf should
 * hold 40 bytes.  Returns buf.
 */
char *orgmri_fmt_fixed(char *buf, size_t cap, double v, int decimals);
/* A table value: whole numbers without decimals; otherwise 0 decimals
 * from 100 up, 1 from 10 up, else 2. */
char *orgmri_fmt_value(char *buf, size_t cap, double v);
/* "2026-03-02" of a UTC time. */
char *orgmri_fmt_date(char *buf, size_t cap, int64_t ms);
/* Year, month (1-12), day of days since 1970-01-01. */
void orgmri_civil_from_days(int64_t days, int64_t *y, unsigned *m,
                            unsigned *d);

struct orgmri_report {
	orgmri_buf body;     /* the blocks appended so far */
	orgmri_buf toc;      /* <li> entries of the contents */
	orgmri_buf head;     /* escaped title and subtitle */
	orgmri_buf title;    /* escaped title alone, for <title> */
	int status;          /* sticky error code, 0 while fine */
	orgmri_error err;    /* its message */
	int in_section;
	int in_table;
	size_t table_cols;
	const char *table_align;  /* copied into table_align_buf */
	char table_align_buf[64];
	unsigned nsections;
	unsigned ncharts;
};

/* The sticky error: record the first failure and return its code. */
int orgmri_report_fail(orgmri_report *r, int code, const char *fmt, ...)
	ORGMRI_PRINTF(3, 4);
/* 0 when the report can take another block, else the sticky code (also
 * failing when a table is open or the document grew past its cap). */
int orgmri_report_ready(orgmri_report *r);
/* After appending to r->body: turn a buffer failure into the sticky
 * error.  Returns r->status. */
int orgmri_report_settle(orgmri_report *r);
/* Append an escaped caller string / a literal to the body. */
void orgmri_report_text(orgmri_report *r, const char *s);
void orgmri_report_raw(orgmri_report *r, const char *s);

/* The numbers of a chart: a folded <details> holding tables.  Cells and
 * headers are caller strings (escaped). */
void orgmri_report_details_open(orgmri_report *r, const char *summary);
void orgmri_report_subtable_begin(orgmri_report *r, const char *caption,
                                  const char *const *headers, size_t ncols,
                                  const char *align);
void orgmri_report_subtable_row(orgmri_report *r, const char *const *cells,
                                size_t ncols, const char *align);
void orgmri_report_subtable_end(orgmri_report *r);
void orgmri_report_details_close(orgmri_report *r);

#endif
