/*
 * gzinput.h - a byte source over a FILE that transparently gunzips
 * (detected by the magic bytes 1f 8b, several members allowed) and stops
 * with ORGMRI_ELIMIT once more than `max` bytes came out, so that a gzip
 * bomb cannot make a reader run for ever or allocate without bound.
 */
#ifndef ORGMRI_INGEST_GZINPUT_H
#define ORGMRI_INGEST_GZINPUT_H

#include <stdint.h>
#include <stdio.h>
#include <zlib.h>

#include "core/util.h"

typedef struct gzinput {
	FILE *fp;
	const char *name;
	int gzip, eof, zdone;
	unsigned char peek[2];
	size_t npeek, peekpos;  /* first bytes, read to sniff the magic */
	z_stream z;
	unsigned char *in;
	uint64_t total, max;
} gzinput;

int gzinput_open(gzinput *g, FILE *fp, const char *name, uint64_t max,
                 orgmri_error *err);
/* Read up to n bytes; returns the count (0 at the end) or a negative
 * ORGMRI_E* code with err set. */
long gzinput_read(gzinput *g, void *buf, size_t n, orgmri_error *err);
void gzinput_close(gzinput *g);

#endif
