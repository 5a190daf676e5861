/*
 * csvsplit.h - the RFC 4180 record splitter of csv.c, shared with the
 * readers of other CSV files (incident exports, DevLake tables).  It caps
 * record size at ORGMRI_CANONICAL_MAX_RECORD, counts lines for messages
 * and keeps a field's starting column.
 */
#ifndef ORGMRI_INGEST_CSVSPLIT_H
#define ORGMRI_INGEST_CSVSPLIT_H

#include <stdio.h>
#include "core/util.h"

typedef struct csv_reader {
	FILE *fp;
	char *buf;
	size_t cap, pos, end;
	int eof;
	long line;          /* line where the current record starts */
	long next_line;     /* line the next record starts on */
	orgmri_buf field;   /* decoded fields, NUL-separated */
	size_t *offs;       /* field start offsets in `field` */
	long *cols;         /* 1-based byte column of each field */
	size_t nfields, fcap;
} csv_reader;

/* Start reading `fp` (not closed by the reader).  0 or ORGMRI_ENOMEM. */
int csv_split_init(csv_reader *r, FILE *fp);
void csv_split_free(csv_reader *r);

/*
 * Split the next record into fields.  Returns 1, 0 at end of input, or a
 * negative code with *errcol set (ORGMRI_EPARSE for a stray quote,
 * ORGMRI_ELIMIT for an oversized record, ORGMRI_EIO, ORGMRI_ENOMEM).
 * After EPARSE or ELIMIT the reader has skipped to the next line.
 */
int csv_split_next(csv_reader *r, long *errcol);

/* Field i (0-based, < r->nfields) of the current record, NUL-terminated,
 * valid until the next csv_split_next. */
const char *csv_split_field(const csv_reader *r, size_t i);

#endif
