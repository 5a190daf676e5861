/*
 * lines.h - a buffered reader of newline-terminated records with a hard
 * cap on record length (hostile input must not make us allocate without
 * bound), counting lines for error messages.
 */
#ifndef ORGMRI_CORE_LINES_H
#define ORGMRI_CORE_LINES_H

#include <stdio.h>
#include "core/util.h"

typedef struct orgmri_lines {
	FILE *fp;
	char *buf;
	size_t cap, start, end;  /* unread bytes are buf[start, end) */
	size_t max;              /* longest line accepted */
	long line;               /* 1-based number of the last line returned */
	int eof, error;
} orgmri_lines;

int orgmri_lines_init(orgmri_lines *r, FILE *fp, size_t max);
void orgmri_lines_free(orgmri_lines *r);

/*
 * Next line without its "\n" (and "\r\n"), valid until the next call.
 * Returns 1 with *line and *len set, 0 at end of input, ORGMRI_EIO on a read
 * error, or ORGMRI_ELIMIT when a line exceeds max (the rest of that line
 * is skipped, so the caller may report it and go on).
 */
int orgmri_lines_next(orgmri_lines *r, const char **line, size_t *len);

#endif
