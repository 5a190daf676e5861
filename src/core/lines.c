/*
 * lines.c - capped line reader (see lines.h).
 */
#include <stdlib.h>
#include <string.h>

#include "core/lines.h"

int orgmri_lines_init(orgmri_lines *r, FILE *fp, size_t max)
{
	memset(r, 0, sizeof(*r));
	r->fp = fp;
	r->max = max;
	r->cap = 256 * 1024;
	r->buf = malloc(r->cap);
	return r->buf ? 0 : ORGMRI_ENOMEM;
}

void orgmri_lines_free(orgmri_lines *r)
{
	free(r->buf);
	r->buf = NULL;
}

/* Make room and read more; returns bytes read, 0 at EOF, -1 on error. */
static long fill(orgmri_lines *r)
{
	if (r->eof)
		return 0;
	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	if (r->end == r->cap) {
		size_t cap = r->cap * 2;
		char *b = realloc(r->buf, cap);
		if (!b)
			return -1;
		r->buf = b;
		r->cap = cap;
	}
	size_t n = fread(r->buf + r->end, 1, r->cap - r->end, r->fp);
	if (n == 0) {
		if (ferror(r->fp))
			r->error = 1;
		r->eof = 1;
		return r->error ? -1 : 0;
	}
	r->end += n;
	return (long)n;
}

int orgmri_lines_next(orgmri_lines *r, const char **line, size_t *len)
{
	size_t scanned = 0;
	for (;;) {
		char *nl = memchr(r->buf + r->start + scanned, '\n',
		                  r->end - r->start - scanned);
		if (nl) {
			size_t l = (size_t)(nl - (r->buf + r->start));
			*line = r->buf + r->start;
			r->start += l + 1;
			r->line++;
			if (l && (*line)[l - 1] == '\r')
				l--;
			*len = l;
			return 1;
		}
		scanned = r->end - r->start;
		if (scanned > r->max) {
			/* Too long: discard through the next newline. */
			r->line++;
			for (;;) {
				r->start = r->end;
				long n = fill(r);
				if (n <= 0)
					return n < 0 ? ORGMRI_EIO : ORGMRI_ELIMIT;
				nl = memchr(r->buf + r->start, '\n', r->end - r->start);
				if (nl) {
					r->start = (size_t)(nl - r->buf) + 1;
					return ORGMRI_ELIMIT;
				}
			}
		}
		long n = fill(r);
		if (n < 0)
			return r->error ? ORGMRI_EIO : ORGMRI_ENOMEM;
		if (n == 0) {
			if (r->end == r->start)
				return 0;
			/* last line without a newline */
			*line = r->buf + r->start;
			*len = r->end - r->start;
			r->start = r->end;
			r->line++;
			if (*len && (*line)[*len - 1] == '\r')
				(*len)--;
			return 1;
		}
		scanned = scanned > 0 ? scanned : 0;
	}
}
