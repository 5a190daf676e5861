/*
 * csv.c - reader of canonical events as CSV (docs/formats.md), and the
 * RFC 4180 record splitter it stands on.
 *
 * Why our own splitter rather than libcsv: the reader must name the line
 * and column of every bad field, cap record size, and hand fields to the
 * store without copying them one by one; the splitter is small and is
 * fuzzed with the rest of the reader.
 *
 * The header names the columns: time, object and activity are required;
 * actor, related (objects separated by ';') and id are optional; every
 * other column is an attribute, whose empty cells mean "absent".  A cell
 * that reads as an integer, a JSON number or true/false gets that type.
 */
#include <stdlib.h>
#include <string.h>

#include "core/attrs.h"
#include "core/util.h"
#include "ingest/canonical_common.h"
#include "ingest/csvsplit.h"
#include "orgmri/time.h"


static int refill(csv_reader *r)
{
	if (r->eof)
		return 0;
	if (r->pos == r->end)
		r->pos = r->end = 0;
	if (r->end == r->cap) {
		if (r->pos > 0) {
			memmove(r->buf, r->buf + r->pos, r->end - r->pos);
			r->end -= r->pos;
			r->pos = 0;
		} else {
			return ORGMRI_ELIMIT;
		}
	}
	size_t n = fread(r->buf + r->end, 1, r->cap - r->end, r->fp);
	if (n == 0) {
		r->eof = 1;
		return ferror(r->fp) ? ORGMRI_EIO : 0;
	}
	r->end += n;
	return 1;
}

/* After a bad record: resynchronise at the start of the next physical
 * line, so one bad record costs one line, not the rest of the file. */
static void skip_line(csv_reader *r)
{
	for (;;) {
		while (r->pos < r->end && r->buf[r->pos] != '\n')
			r->pos++;
		if (r->pos < r->end) {
			r->pos++;
			break;
		}
		if (refill(r) <= 0)
			break;
	}
	r->next_line++;
}

static int add_field(csv_reader *r, size_t start, long col)
{
	if (r->nfields == r->fcap) {
		size_t cap = r->fcap ? r->fcap * 2 : 32;
		size_t *o = orgmri_reallocarray(r->offs, cap, sizeof(*o));
		if (o)
			r->offs = o;
		long *c = orgmri_reallocarray(r->cols, cap, sizeof(*c));
		if (c)
			r->cols = c;
		if (!o || !c)
			return ORGMRI_ENOMEM;
		r->fcap = cap;
	}
	r->offs[r->nfields] = start;
	r->cols[r->nfields] = col;
	r->nfields++;
	return orgmri_buf_putc(&r->field, '\0');
}

/* Not a comma, quote or line end: no meaning outside quotes. */
static int plain_byte(char c)
{
	return c != ',' && c != '"' && c != '\n' && c != '\r';
}

/* Declared in csvsplit.h (the incident-CSV and DevLake readers use it). */
int csv_split_next(csv_reader *r, long *errcol)
{
	r->nfields = 0;
	orgmri_buf_clear(&r->field);
	r->line = r->next_line;
	int quoted = 0, after_quote = 0, any = 0;
	long col = 1, fcol = 1;
	size_t fstart = 0, total = 0;
	for (;;) {
		if (r->pos == r->end) {
			int f = refill(r);
			if (f < 0)
				return f;
			if (f == 0) {
				if (!any)
					return 0;
				if (quoted) {
					*errcol = fcol;
					return ORGMRI_EPARSE;
				}
				return add_field(r, fstart, fcol) ? ORGMRI_ENOMEM : 1;
			}
		}
		char c = r->buf[r->pos++];
		any = 1;
		if (++total > ORGMRI_CANONICAL_MAX_RECORD) {
			*errcol = col;
			skip_line(r);
			return ORGMRI_ELIMIT;
		}
		if (quoted) {
			if (c == '"') {
				if (r->pos == r->end && refill(r) < 0)
					return ORGMRI_EIO;
				if (r->pos < r->end && r->buf[r->pos] == '"') {
					r->pos++;
					col++;
					orgmri_buf_putc(&r->field, '"');
				} else {
					quoted = 0;
					after_quote = 1;
				}
			} else {
				if (c == '\n') {
					r->next_line++;
					col = 0;
				}
				orgmri_buf_putc(&r->field, c);
			}
			col++;
			continue;
		}
		if (c == ',') {
			if (add_field(r, fstart, fcol))
				return ORGMRI_ENOMEM;
			fstart = r->field.len;
			after_quote = 0;
			fcol = ++col;
			continue;
		}
		if (c == '\n' || c == '\r') {
			if (c == '\r') {
				if (r->pos == r->end && refill(r) < 0)
					return ORGMRI_EIO;
				if (r->pos < r->end && r->buf[r->pos] == '\n')
					r->pos++;
			}
			r->next_line++;
			return add_field(r, fstart, fcol) ? ORGMRI_ENOMEM : 1;
		}
		if (c == '"' && r->field.len == fstart && !after_quote) {
			quoted = 1;
			col++;
			continue;
		}
		if (after_quote || c == '"') {
			*errcol = col;
			skip_line(r);
			return ORGMRI_EPARSE;
		}
		/* c and the plain bytes after it in the buffer (up to a comma,
		 * quote or line end, and never past the record limit) go in
		 * with one copy: the byte-at-a-time loop above was the
		 * parser's largest cost. */
		size_t from = r->pos - 1, to = r->pos;
		size_t room = ORGMRI_CANONICAL_MAX_RECORD - total;
		while (to < r->end && to - r->pos < room && plain_byte(r->buf[to]))
			to++;
		orgmri_buf_put(&r->field, r->buf + from, to - from);
		total += to - r->pos;
		col += (long)(to - from);
		r->pos = to;
	}
}

const char *csv_split_field(const csv_reader *r, size_t i)
{
	return r->field.ptr + r->offs[i];
}

int csv_split_init(csv_reader *r, FILE *fp)
{
	memset(r, 0, sizeof(*r));
	r->fp = fp;
	r->cap = 1 << 20;
	r->next_line = 1;
	r->buf = malloc(r->cap);
	return r->buf ? 0 : ORGMRI_ENOMEM;
}

void csv_split_free(csv_reader *r)
{
	free(r->buf);
	free(r->offs);
	free(r->cols);
	orgmri_buf_free(&r->field);
	memset(r, 0, sizeof(*r));
}


enum { COL_TIME, COL_OBJECT, COL_ACTIVITY, COL_ACTOR, COL_RELATED, COL_ID,
       COL_ATTR };

typedef struct csv_state {
	int *role;          /* per column */
	char **names;       /* per column (attribute names) */
	size_t ncols;
	const char *related[CANON_MAX_RELATED];
	orgmri_attr attrs[CANON_MAX_ATTRS];
	orgmri_buf relbuf;
} csv_state;

static int read_header(csv_reader *r, csv_state *st, const char *name,
                       orgmri_error *err)
{
	long col = 0;
	int got = csv_split_next(r, &col);
	if (got == 0)
		return 0;
	if (got < 0) {
		orgmri_seterr(err, got, "bad CSV header");
		orgmri_seterr_at(err, name, r->line + 1, col);
		return got;
	}
	static const char *fixed[] = { "time", "object", "activity", "actor",
	                               "related", "id" };
	int seen[6] = { 0 };
	st->ncols = r->nfields;
	st->role = calloc(st->ncols, sizeof(*st->role));
	st->names = calloc(st->ncols, sizeof(*st->names));
	if (!st->role || !st->names)
		return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	size_t nattr = 0;
	for (size_t i = 0; i < st->ncols; i++) {
		const char *h = csv_split_field(r, i);
		/* tolerate a UTF-8 byte order mark on the first name */
		if (i == 0 && (unsigned char)h[0] == 0xef &&
		    (unsigned char)h[1] == 0xbb && (unsigned char)h[2] == 0xbf)
			h += 3;
		st->role[i] = COL_ATTR;
		for (int k = 0; k < 6; k++)
			if (strcmp(h, fixed[k]) == 0) {
				if (seen[k]++) {
					orgmri_seterr(err, ORGMRI_EPARSE,
					              "column \"%s\" appears twice", h);
					orgmri_seterr_at(err, name, 1, r->cols[i]);
					return ORGMRI_EPARSE;
				}
				st->role[i] = k;
			}
		if (st->role[i] == COL_ATTR) {
			if (!h[0] || ++nattr > CANON_MAX_ATTRS) {
				orgmri_seterr(err, ORGMRI_EPARSE, h[0] ?
				              "too many attribute columns" :
				              "empty column name");
				orgmri_seterr_at(err, name, 1, r->cols[i]);
				return ORGMRI_EPARSE;
			}
			if (!(st->names[i] = strdup(h)))
				return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
		}
	}
	for (int k = 0; k < 3; k++)
		if (!seen[k]) {
			orgmri_seterr(err, ORGMRI_EPARSE,
			              "header has no \"%s\" column (expected "
			              "time,object,activity,...)", fixed[k]);
			orgmri_seterr_at(err, name, 1, 0);
			return ORGMRI_EPARSE;
		}
	return 1;
}

static orgmri_attr_type infer(const char *v, size_t len)
{
	if (orgmri_is_int_text(v, len))
		return ORGMRI_ATTR_INT;
	if ((len == 4 && memcmp(v, "true", 4) == 0) ||
	    (len == 5 && memcmp(v, "false", 5) == 0))
		return ORGMRI_ATTR_BOOL;
	if (orgmri_is_number_text(v, len))
		return ORGMRI_ATTR_REAL;
	return ORGMRI_ATTR_STRING;
}

/* Build the event of the current record; on error sets e (column). */
static int convert(csv_reader *r, csv_state *st, orgmri_event *ev,
                   orgmri_error *e)
{
	memset(ev, 0, sizeof(*ev));
	if (r->nfields != st->ncols) {
		orgmri_seterr(e, ORGMRI_EPARSE, "expected %zu fields, found %zu",
		              st->ncols, r->nfields);
		return ORGMRI_EPARSE;
	}
	const char *timetext = NULL;
	long timecol = 0;
	size_t nattr = 0;
	for (size_t i = 0; i < st->ncols; i++) {
		const char *v = csv_split_field(r, i);
		switch (st->role[i]) {
		case COL_TIME: timetext = v; timecol = r->cols[i]; break;
		case COL_OBJECT: ev->object = v; break;
		case COL_ACTIVITY: ev->activity = v; break;
		case COL_ACTOR: ev->actor = v; break;
		case COL_ID: ev->discriminator = v; break;
		case COL_RELATED: {
			if (!v[0])
				break;
			/* split on ';' in place: the field buffer is ours */
			char *p = (char *)v;
			size_t n = 0;
			for (;;) {
				if (n == CANON_MAX_RELATED) {
					e->column = r->cols[i];
					return orgmri_seterr(e, ORGMRI_EPARSE,
					                     "too many related objects");
				}
				st->related[n++] = p;
				char *semi = strchr(p, ';');
				if (!semi)
					break;
				*semi = '\0';
				p = semi + 1;
			}
			ev->related = st->related;
			ev->nrelated = n;
			break;
		}
		default:
			if (!v[0])
				break;
			st->attrs[nattr].name = st->names[i];
			st->attrs[nattr].value = v;
			st->attrs[nattr].type = infer(v, strlen(v));
			nattr++;
		}
	}
	ev->attrs = st->attrs;
	ev->nattrs = nattr;
	size_t tl = strlen(timetext);
	int rc;
	if (orgmri_is_int_text(timetext, tl)) {
		ev->time = strtoll(timetext, NULL, 10);
	} else if ((rc = orgmri_time_parse(timetext, tl, 0, &ev->time, NULL, e))) {
		e->column = timecol + (e->column > 0 ? e->column - 1 : 0);
		return rc;
	}
	return orgmri_event_validate(ev, e);
}

int orgmri_canonical_read_csv(FILE *in, const char *name,
                              const orgmri_read_options *opts,
                              orgmri_sink *sink, orgmri_error *err)
{
	csv_reader r;
	csv_state st;
	memset(&st, 0, sizeof(st));
	int rc = 0;
	if (csv_split_init(&r, in)) {
		rc = orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
		goto done;
	}
	rc = read_header(&r, &st, name, err);
	if (rc <= 0)
		goto done; /* error, or an empty file: nothing to read */
	rc = 0;
	for (;;) {
		long col = 0;
		orgmri_error e;
		orgmri_error_clear(&e);
		int got = csv_split_next(&r, &col);
		if (got == 0)
			break;
		if (got == ORGMRI_EIO || got == ORGMRI_ENOMEM) {
			rc = orgmri_seterr(err, got, "%s: %s", name,
			                   got == ORGMRI_EIO ? "read failed"
			                                     : "out of memory");
			goto done;
		}
		if (got < 0) {
			orgmri_seterr(&e, got, got == ORGMRI_ELIMIT ?
			              "record longer than the size cap" :
			              "stray '\"' in a field");
			orgmri_seterr_at(&e, name, r.line, col);
			if ((rc = canon_bad_record(opts, &e, err)))
				goto done;
			continue;
		}
		if (r.nfields == 1 && csv_split_field(&r, 0)[0] == '\0')
			continue; /* blank line */
		orgmri_event ev;
		int crc = convert(&r, &st, &ev, &e);
		if (!crc) {
			crc = sink->event(sink, &ev, &e);
			if (crc && crc != ORGMRI_EPARSE) {
				if (err)
					*err = e;
				rc = crc;
				goto done;
			}
		}
		if (crc) {
			orgmri_seterr_at(&e, name, r.line, e.column);
			if ((rc = canon_bad_record(opts, &e, err)))
				goto done;
		}
	}
done:
	for (size_t i = 0; i < st.ncols; i++)
		free(st.names ? st.names[i] : NULL);
	free(st.names);
	free(st.role);
	orgmri_buf_free(&st.relbuf);
	csv_split_free(&r);
	return rc;
}
