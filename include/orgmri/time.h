/*
 * time.h - parsing and formatting timestamps.
 *
 * orgmri keeps every time as int64 milliseconds since the Unix epoch, UTC.
 * The parser accepts ISO 8601 / RFC 3339 as real exports write it:
 *
 *   2026-03-02                      date only (midnight UTC)
 *   2026-03-02T09:15Z               minutes only
 *   2026-03-02T09:15:00Z            seconds
 *   2026-03-02 09:15:00.123456+02:00  space separator, any fraction digits
 *   2026-03-02T09:15:00+0200        offset without colon, or +02
 *   2026/03/02 09:15:00             slashes (seen in real XES logs), with
 *                                   ORGMRI_TIME_LENIENT only
 *
 * Impossible dates (2026-02-30, hour 25, offset +25:00) are rejected.
 */
#ifndef ORGMRI_TIME_H
#define ORGMRI_TIME_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Flags for orgmri_time_parse. */
#define ORGMRI_TIME_LENIENT 0x1  /* also accept '/' date separators */

/* Result flags written to *outflags when non-NULL. */
#define ORGMRI_TIME_HAD_OFFSET 0x1 /* the text carried Z or an offset */
#define ORGMRI_TIME_DATE_ONLY 0x2  /* the text had no time of day */

/* Longest text orgmri_time_format writes, terminator included. */
#define ORGMRI_TIME_BUFSZ 32

/*
 * Parse `len` bytes of `s` into milliseconds since the epoch, UTC.
 * Text without an offset is read as UTC (outflags tells the caller so that
 * it can say so).  Sub-millisecond digits are truncated.  Returns 0, or
 * ORGMRI_EPARSE with err->column set to the 1-based offending character.
 */
int orgmri_time_parse(const char *s, size_t len, unsigned flags,
                      int64_t *out_ms, unsigned *outflags, orgmri_error *err);

/*
 * Format as RFC 3339 in UTC: "2026-03-02T09:15:00Z", or with ".123"
 * when the milliseconds are not zero.  `buf` must hold ORGMRI_TIME_BUFSZ
 * bytes.  Returns buf.
 */
char *orgmri_time_format(int64_t ms, char *buf);

/* Days since 1970-01-01 of a proleptic Gregorian date (y, m 1-12, d 1-31). */
int64_t orgmri_days_from_civil(int64_t y, unsigned m, unsigned d);

#ifdef __cplusplus
}
#endif
#endif
