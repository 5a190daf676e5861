/*
 * attrs.h - the stored form of an event's attributes.
 *
 * A flat JSON object, names and values in the order given:
 *   {"title":"Add export","additions":120,"ai_assisted":true}
 * Numbers are written from their text unchanged, so what was ingested is
 * what comes back out; strings are JSON-escaped.  The decoder accepts only
 * this flat shape (it reads what the encoder wrote), which keeps it small
 * and fast enough for the loader's hot path.
 */
#ifndef ORGMRI_CORE_ATTRS_H
#define ORGMRI_CORE_ATTRS_H

#include "core/util.h"
#include "orgmri/event.h"

/* Sort attrs by name (strcmp order), in place: an insertion sort, as
 * events carry a handful of attributes, often already in order, and
 * qsort's merge sort with a comparison callback cost more (3% of the XES
 * reader's thread).  Equal names keep their order. */
void orgmri_attrs_sort(orgmri_attr *attrs, size_t n);

/* Append the encoding of attrs to b ("" for none). */
int orgmri_attrs_encode(orgmri_buf *b, const orgmri_attr *attrs, size_t n);

/*
 * Decode `len` bytes into attrs (at most `max`); names and values point
 * into `scratch`, which is overwritten.  Returns the number decoded, or a
 * negative ORGMRI_E* code.
 */
long orgmri_attrs_decode(const char *s, size_t len, orgmri_buf *scratch,
                         orgmri_attr *attrs, size_t max);

/* Is `s` a canonical JSON integer ("0", "-12", no leading zeros)? */
int orgmri_is_int_text(const char *s, size_t len);
/* Is `s` a JSON number (integer, fraction or exponent)? */
int orgmri_is_number_text(const char *s, size_t len);

#endif
