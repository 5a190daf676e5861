/*
 * github_pages.c - streaming reader of paginated GitHub REST output.
 *
 * `gh api --paginate` writes each page's JSON array after the previous one
 * ("[...][...]" or one per line).  A whole export file may be gigabytes, so
 * we never load it as one document: a byte scanner finds where each array
 * element starts and ends (tracking strings, escapes and bracket depth),
 * and jansson parses just that slice.  Because element boundaries come
 * from the scanner, a syntax error inside one element costs that element
 * only; the reader reports it (line, column, $[i]) and carries on.  Memory
 * is bounded by the largest element (GH_MAX_ELEMENT).
 *
 * Top-level objects are pages of the endpoints that wrap their arrays
 * ({"total_count":N,"workflow_runs":[...]}) or single items (GET pulls/N).
 */
#include <stdlib.h>
#include <string.h>

#include "ingest/github.h"

/* Keys of the arrays that wrapping endpoints put their items under. */
static const char *const wrapper_keys[] = {
	"workflow_runs", "check_runs", "jobs", "deployments", "statuses",
	"check_suites", "items",
};

#define CHUNK (1u << 20)

int gh_pages_init(gh_pages *p, FILE *fp)
{
	memset(p, 0, sizeof(*p));
	p->fp = fp;
	p->cap = CHUNK;
	p->line = 1;
	p->col = 1;
	p->buf = malloc(p->cap);
	return p->buf ? 0 : ORGMRI_ENOMEM;
}

void gh_pages_free(gh_pages *p)
{
	free(p->buf);
	p->buf = NULL;
	json_decref(p->wrapper);
	p->wrapper = NULL;
}

/* Read more input after buf[end], keeping buf[start, end).  Returns the
 * bytes read (0 at end of file) or a negative code. */
static long fill(gh_pages *p)
{
	if (p->eof)
		return 0;
	if (p->start > 0) {
		memmove(p->buf, p->buf + p->start, p->end - p->start);
		p->end -= p->start;
		p->start = 0;
	}
	if (p->end == p->cap) {
		if (p->cap >= GH_MAX_ELEMENT + (size_t)CHUNK)
			return ORGMRI_ELIMIT;
		size_t cap = p->cap * 2;
		char *b = realloc(p->buf, cap);
		if (!b)
			return ORGMRI_ENOMEM;
		p->buf = b;
		p->cap = cap;
	}
	size_t n = fread(p->buf + p->end, 1, p->cap - p->end, p->fp);
	if (n == 0) {
		p->eof = 1;
		return ferror(p->fp) ? ORGMRI_EIO : 0;
	}
	p->end += n;
	return (long)n;
}

/* Move start forward by n bytes, keeping line and column. */
static void advance(gh_pages *p, size_t n)
{
	const char *s = p->buf + p->start;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n') {
			p->line++;
			p->col = 1;
		} else {
			p->col++;
		}
	}
	p->start += n;
	p->offset += (long long)n;
}

/* Skip whitespace; returns the next byte, or -1 at end of file or on a
 * read error (then *rc is the error code). */
static int peek_byte(gh_pages *p, int *rc)
{
	*rc = 0;
	for (;;) {
		while (p->start < p->end) {
			char c = p->buf[p->start];
			if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
				return (unsigned char)c;
			advance(p, 1);
		}
		long got = fill(p);
		if (got < 0) {
			*rc = (int)got;
			return -1;
		}
		if (got == 0)
			return -1;
	}
}

/*
 * Find the end of the JSON value starting at buf[start]: sets *len to its
 * length.  Returns 0, ORGMRI_ECORRUPT when the file ends inside it, or a
 * fill error.
 */
static int scan_value(gh_pages *p, size_t *len)
{
	size_t i = 0;
	int depth = 0, in_str = 0;
	char first = p->buf[p->start];
	int nested = first == '{' || first == '[';
	for (;;) {
		const char *s = p->buf + p->start;
		size_t n = p->end - p->start;
		while (i < n) {
			char c = s[i];
			if (in_str) {
				/* Fast path: run to the next quote or backslash. */
				while (i < n && s[i] != '"' && s[i] != '\\')
					i++;
				if (i >= n)
					break;
				if (s[i] == '\\') {
					if (i + 1 >= n)
						break; /* need the escaped byte */
					i += 2;
					continue;
				}
				in_str = 0;
				i++;
				if (!nested) {
					*len = i;
					return 0;
				}
				continue;
			}
			if (c == '"') {
				in_str = 1;
			} else if (c == '{' || c == '[') {
				depth++;
			} else if (c == '}' || c == ']') {
				if (!nested) {
					*len = i;
					return 0;
				}
				if (--depth == 0) {
					*len = i + 1;
					return 0;
				}
			} else if (!nested && (c == ',' || c == ' ' || c == '\n' ||
			                       c == '\t' || c == '\r')) {
				*len = i;
				return 0;
			}
			i++;
		}
		long got = fill(p);
		if (got < 0)
			return (int)got;
		if (got == 0) {
			if (!nested && !in_str && i > 0) {
				*len = i;
				return 0;
			}
			return ORGMRI_ECORRUPT;
		}
	}
}

static int corrupt(gh_pages *p, orgmri_error *err, const char *why)
{
	orgmri_seterr(err, ORGMRI_ECORRUPT, "%s", why);
	orgmri_seterr_at(err, NULL, p->line, p->col);
	return ORGMRI_ECORRUPT;
}

static int fatal(gh_pages *p, int rc, orgmri_error *err)
{
	if (rc == ORGMRI_ECORRUPT)
		return corrupt(p, err, "truncated: the file ends inside a JSON "
		               "value");
	if (rc == ORGMRI_ELIMIT) {
		orgmri_seterr(err, rc, "a JSON element is larger than %u bytes",
		              GH_MAX_ELEMENT);
		orgmri_seterr_at(err, NULL, p->line, p->col);
		return rc;
	}
	if (rc == ORGMRI_EIO)
		return orgmri_seterr(err, rc, "read failed");
	return orgmri_seterr(err, rc, "out of memory");
}

/* Parse buf[start, start+len) and move past it.  *out NULL on a syntax
 * error, reported in err. */
static int parse_slice(gh_pages *p, size_t len, json_t **out,
                       orgmri_error *err)
{
	json_error_t je;
	long line = p->line, col = p->col;
	*out = json_loadb(p->buf + p->start, len, JSON_DECODE_ANY, &je);
	advance(p, len);
	if (*out)
		return 0;
	orgmri_seterr(err, ORGMRI_EPARSE, "invalid JSON: %s", je.text);
	/* jansson counts lines from the slice's start. */
	if (je.line > 1)
		orgmri_seterr_at(err, NULL, line + je.line - 1, je.column);
	else
		orgmri_seterr_at(err, NULL, line, col + (je.column > 0 ?
		                 je.column - 1 : 0));
	return ORGMRI_EPARSE;
}

static int next_from_wrapper(gh_pages *p, json_t **out, gh_where *w)
{
	json_t *arr = json_object_get(p->wrapper, p->wrapper_key);
	if (p->widx < json_array_size(arr)) {
		*out = json_incref(json_array_get(arr, p->widx));
		snprintf(w->path, sizeof(w->path), "$.%s[%zu]", p->wrapper_key,
		         p->widx);
		p->widx++;
		return 1;
	}
	json_decref(p->wrapper);
	p->wrapper = NULL;
	return 0;
}

/* A top-level object: a wrapper page or one item. */
static int top_object(gh_pages *p, json_t **out, gh_where *w,
                      orgmri_error *err)
{
	size_t len;
	int rc = scan_value(p, &len);
	if (rc)
		return fatal(p, rc, err);
	json_t *obj;
	if ((rc = parse_slice(p, len, &obj, err)))
		return rc;
	for (size_t k = 0; k < sizeof(wrapper_keys) / sizeof(*wrapper_keys);
	     k++) {
		if (json_is_array(json_object_get(obj, wrapper_keys[k]))) {
			p->wrapper = obj;
			p->wrapper_key = wrapper_keys[k];
			p->widx = 0;
			return 2; /* caller loops into next_from_wrapper */
		}
	}
	*out = obj;
	snprintf(w->path, sizeof(w->path), "$");
	return 1;
}

int gh_pages_next(gh_pages *p, json_t **out, gh_where *w, orgmri_error *err)
{
	*out = NULL;
	for (;;) {
		if (p->wrapper) {
			w->line = p->line;
			w->col = p->col;
			if (next_from_wrapper(p, out, w))
				return 1;
			continue;
		}
		int rc;
		int c = peek_byte(p, &rc);
		if (rc)
			return fatal(p, rc, err);
		if (!p->in_array) {
			if (c < 0)
				return 0;
			if (c == '[') {
				advance(p, 1);
				p->in_array = 1;
				p->index = 0;
				continue;
			}
			if (c == '{') {
				w->line = p->line;
				w->col = p->col;
				int r = top_object(p, out, w, err);
				if (r == 2)
					continue;
				return r;
			}
			return corrupt(p, err, "expected a JSON array (the output "
			               "of `gh api --paginate`)");
		}
		if (c < 0)
			return corrupt(p, err, "truncated: the file ends inside a "
			               "JSON array");
		if (c == ']') {
			advance(p, 1);
			p->in_array = 0;
			continue;
		}
		if (c == ',') {
			if (p->index == 0)
				return corrupt(p, err, "unexpected ',' in a JSON array");
			advance(p, 1);
			c = peek_byte(p, &rc);
			if (rc)
				return fatal(p, rc, err);
			if (c < 0)
				return corrupt(p, err, "truncated: the file ends inside "
				               "a JSON array");
			if (c == ']' || c == ',')
				return corrupt(p, err, "unexpected ',' in a JSON array");
		} else if (p->index > 0) {
			return corrupt(p, err, "expected ',' or ']' between array "
			               "elements");
		}
		w->line = p->line;
		w->col = p->col;
		snprintf(w->path, sizeof(w->path), "$[%zu]", p->index);
		p->index++;
		size_t len;
		if ((rc = scan_value(p, &len)))
			return fatal(p, rc, err);
		if (len == 0)
			return corrupt(p, err, "expected a JSON value");
		if ((rc = parse_slice(p, len, out, err))) {
			if (err)
				snprintf(err->path, sizeof(err->path), "%s", w->path);
			return rc;
		}
		return 1;
	}
}
