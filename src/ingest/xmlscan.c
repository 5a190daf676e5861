/*
 * xmlscan.c - the streaming XML reader of xmlscan.h.
 *
 * The input sits in one buffer that is refilled from the source.  A tag is
 * first located whole (its closing '>' found outside quotes); only then is
 * it decoded, in place (names and values NUL-terminated, entities decoded,
 * which only shrinks text), and reported.  When a tag runs past the end of
 * the buffer, the unread rest is moved to the front, the buffer grows if
 * needed (up to max_token) and more input is read.
 *
 * Line numbers are counted lazily with memchr, up to the start of each tag
 * reported, so they cost one pass over the newlines and nothing per byte.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ingest/xmlscan.h"

#define CHUNK (256 * 1024)
#define MAX_NAME 1024

struct xmlscan {
	gzinput *in;
	const char *name;
	orgmri_error *err;
	char *buf;
	size_t cap, len, pos;     /* unread bytes are buf[pos, len) */
	size_t max_token;
	uint64_t base;            /* absolute offset of buf[0] */
	int eof, stopped, seen_root, root_closed;
	int started, latin1;      /* encoding checked; input is ISO-8859-1 */
	/* line counting: newlines counted up to absolute offset `counted` */
	uint64_t counted, line_start;
	long line;
	uint64_t tag_at;          /* absolute offset of the current tag */
	long tag_line, tag_col;
	/* open elements: their names, NUL-separated, in `names` */
	size_t stack[XMLSCAN_MAX_DEPTH];   /* offset of each name */
	unsigned depth;
	char names[XMLSCAN_MAX_DEPTH * 32];
	char *more_names;                  /* used instead when names overflow */
	size_t names_len, names_cap;
	const char *atts[2 * XMLSCAN_MAX_ATTRS + 1];
};

void xmlscan_stop(xmlscan *x)
{
	x->stopped = 1;
}

long xmlscan_line(const xmlscan *x)
{
	return x->tag_line;
}

long xmlscan_column(const xmlscan *x)
{
	return x->tag_col;
}

/* Count newlines in the buffer up to absolute offset `upto`. */
static void count_lines(xmlscan *x, uint64_t upto)
{
	if (upto <= x->counted)
		return;
	const char *p = x->buf + (x->counted - x->base);
	const char *end = x->buf + (upto - x->base);
	while ((p = memchr(p, '\n', (size_t)(end - p)))) {
		x->line++;
		p++;
		x->line_start = x->base + (uint64_t)(p - x->buf);
	}
	x->counted = upto;
}

/* Set the reported position to absolute offset `at` (in the buffer). */
static void mark(xmlscan *x, uint64_t at)
{
	count_lines(x, at);
	x->tag_at = at;
	x->tag_line = x->line;
	x->tag_col = (long)(at - x->line_start) + 1;
}

static int fail_at(xmlscan *x, uint64_t at, int code, const char *what)
{
	mark(x, at);
	orgmri_seterr(x->err, code, "%s", what);
	orgmri_seterr_at(x->err, x->name, x->tag_line, x->tag_col);
	return code;
}

static int malformed(xmlscan *x, uint64_t at, const char *what)
{
	char msg[160];
	snprintf(msg, sizeof(msg), "malformed XML: %s", what);
	return fail_at(x, at, ORGMRI_EPARSE, msg);
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Latin-1 bytes [src, src + n) to UTF-8 at dst; dst may overlap src when
 * dst + 2k <= src + k for every k, i.e. dst + n <= src.  Returns the
 * bytes written. */
static size_t latin1_to_utf8(char *dst, const char *src, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)src[i];
		if (c < 0x80) {
			dst[o++] = (char)c;
		} else {
			dst[o++] = (char)(0xC0 | (c >> 6));
			dst[o++] = (char)(0x80 | (c & 0x3F));
		}
	}
	return o;
}

/* Encodings we read: UTF-8 (and its subset ASCII) as is, ISO-8859-1 (and
 * windows-1252, read as ISO-8859-1) converted to UTF-8. */
static const struct {
	const char *name;
	int latin1;
} encodings[] = {
	{ "utf-8", 0 }, { "utf8", 0 }, { "us-ascii", 0 }, { "ascii", 0 },
	{ "iso-8859-1", 1 }, { "latin1", 1 }, { "latin-1", 1 },
	{ "windows-1252", 1 }, { "cp1252", 1 },
};

/* Look at the start of the input (buf[0, n)): a UTF-16 byte-order mark or
 * the XML declaration's encoding.  Returns 0 or an error. */
static int check_encoding(xmlscan *x, size_t n)
{
	const unsigned char *u = (const unsigned char *)x->buf;
	if (n >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) ||
	               (u[0] == 0xFE && u[1] == 0xFF)))
		return fail_at(x, 0, ORGMRI_EUNSUPPORTED,
		               "UTF-16 input is not read; convert it to UTF-8");
	if (n < 5 || strncmp(x->buf, "<?xml", 5) != 0)
		return 0;
	const char *end = memmem(x->buf, n, "?>", 2);
	const char *enc = end ? memmem(x->buf, (size_t)(end - x->buf),
	                               "encoding", 8) : NULL;
	if (!enc)
		return 0;
	const char *q = enc + 8;
	while (q < end && (is_space(*q) || *q == '='))
		q++;
	if (q >= end || (*q != '"' && *q != '\''))
		return 0;
	const char *v = q + 1, *ve = memchr(v, *q, (size_t)(end - v));
	if (!ve)
		return 0;
	for (size_t i = 0; i < sizeof(encodings) / sizeof(encodings[0]); i++)
		if (strlen(encodings[i].name) == (size_t)(ve - v) &&
		    strncasecmp(v, encodings[i].name, (size_t)(ve - v)) == 0) {
			x->latin1 = encodings[i].latin1;
			return 0;
		}
	char msg[120];
	snprintf(msg, sizeof(msg), "encoding \"%.*s\" is not read (UTF-8 and "
	         "ISO-8859-1 are)", (int)(ve - v > 40 ? 40 : ve - v), v);
	return fail_at(x, (uint64_t)(v - x->buf), ORGMRI_EUNSUPPORTED, msg);
}

/*
 * Make more input available: drop what was read, grow when the buffer is
 * full, read a chunk (converted to UTF-8 when the input is Latin-1).
 * Returns 1 if bytes were added, 0 at the end of input, or a negative
 * error.
 */
static int refill(xmlscan *x)
{
	if (x->eof)
		return 0;
	if (x->pos > 0) {
		count_lines(x, x->base + x->pos);
		memmove(x->buf, x->buf + x->pos, x->len - x->pos);
		x->len -= x->pos;
		x->base += x->pos;
		x->pos = 0;
	}
	if (x->cap - x->len < 2 * CHUNK) {
		if (x->len > x->max_token)
			return fail_at(x, x->base, ORGMRI_ELIMIT,
			               "one tag is longer than the cap on tag size");
		size_t cap = x->cap ? x->cap * 2 : 4 * CHUNK;
		char *b = realloc(x->buf, cap + 1);
		if (!b)
			return orgmri_seterr(x->err, ORGMRI_ENOMEM, "out of memory");
		x->buf = b;
		x->cap = cap;
	}
	/* Latin-1 (or not known yet): at most half the free space, so that it
	 * can double in place; its raw bytes go to the top of the buffer and
	 * expand downwards.  UTF-8 is read where it stays. */
	int halve = x->latin1 || !x->started;
	size_t room = halve ? (x->cap - x->len) / 2 : x->cap - x->len;
	char *top = x->buf + x->cap - room;
	char *raw = x->latin1 ? top : x->buf + x->len;
	long got = gzinput_read(x->in, raw, room, x->err);
	if (got < 0)
		return (int)got;
	if (got == 0) {
		x->eof = 1;
		return 0;
	}
	if (!x->started) {
		x->started = 1;
		int rc = check_encoding(x, (size_t)got);
		if (rc)
			return rc;
		if (x->latin1) {
			memmove(top, raw, (size_t)got);
			raw = top;
		}
	}
	if (x->latin1)
		x->len += latin1_to_utf8(x->buf + x->len, raw, (size_t)got);
	else
		x->len += (size_t)got;
	x->buf[x->len] = '\0';
	return 1;
}

/* Offset (from buf) just past `pat` at or after `from`, or 0 if absent. */
static size_t find(const xmlscan *x, size_t from, const char *pat)
{
	size_t pl = strlen(pat);
	if (x->len < from + pl)
		return 0;
	const char *p = memmem(x->buf + from, x->len - from, pat, pl);
	return p ? (size_t)(p - x->buf) + pl : 0;
}

/* End (just past '>') of the tag starting at pos, quotes respected; 0 if
 * not in the buffer yet. */
static size_t tag_end(const xmlscan *x, size_t from)
{
	const char *b = x->buf;
	for (size_t i = from; i < x->len; i++) {
		char c = b[i];
		if (c == '>')
			return i + 1;
		if (c == '"' || c == '\'') {
			const char *q = memchr(b + i + 1, c, x->len - i - 1);
			if (!q)
				return 0;
			i = (size_t)(q - b);
		}
	}
	return 0;
}

static void put_utf8(char **out, unsigned long cp)
{
	unsigned char *o = (unsigned char *)*out;
	if (cp < 0x80) {
		*o++ = (unsigned char)cp;
	} else if (cp < 0x800) {
		*o++ = (unsigned char)(0xC0 | (cp >> 6));
		*o++ = (unsigned char)(0x80 | (cp & 0x3F));
	} else if (cp < 0x10000) {
		*o++ = (unsigned char)(0xE0 | (cp >> 12));
		*o++ = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		*o++ = (unsigned char)(0x80 | (cp & 0x3F));
	} else {
		*o++ = (unsigned char)(0xF0 | (cp >> 18));
		*o++ = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
		*o++ = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		*o++ = (unsigned char)(0x80 | (cp & 0x3F));
	}
	*out = (char *)o;
}

static const struct {
	const char *name;
	char c;
} entities[] = {
	{ "lt;", '<' }, { "gt;", '>' }, { "amp;", '&' }, { "quot;", '"' },
	{ "apos;", '\'' },
};

/* Decode the text [v, end) in place (it only shrinks); *out_end = the end
 * of the decoded text, not terminated (the caller may not own *end).
 * `normalise`: attribute-value normalisation.
 * Returns NULL or why it is malformed (with *bad at the offending '&' or
 * '<'). */
static const char *decode(char *v, char *end, int normalise, char **bad,
                          char **out_end)
{
	/* Most values hold none of the bytes below: skip ahead without
	 * copying to the first one (or the end). */
	char *p = v;
	if (normalise)
		while (p < end && *p != '<' && *p != '&' && *p != '\t' &&
		       *p != '\n' && *p != '\r')
			p++;
	else
		while (p < end && *p != '<' && *p != '&')
			p++;
	char *o = p;
	while (p < end) {
		char c = *p;
		if (c == '<') {
			*bad = p;
			return "'<' in an attribute value";
		}
		if (normalise && (c == '\t' || c == '\n' || c == '\r')) {
			/* attribute-value normalisation (XML 1.0 3.3.3) */
			p += c == '\r' && p + 1 < end && p[1] == '\n' ? 2 : 1;
			*o++ = ' ';
			continue;
		}
		if (c != '&') {
			*o++ = c;
			p++;
			continue;
		}
		*bad = p;
		char *semi = memchr(p, ';', (size_t)(end - p));
		if (!semi)
			return "'&' without ';'";
		if (p[1] == '#') {
			int hex = p[2] == 'x';
			char *num = p + 2 + hex, *stop;
			unsigned long cp = strtoul(num, &stop, hex ? 16 : 10);
			if (stop != semi || num == semi || cp == 0 || cp > 0x10FFFF ||
			    (cp >= 0xD800 && cp <= 0xDFFF))
				return "bad character reference";
			put_utf8(&o, cp);
			p = semi + 1;
			continue;
		}
		size_t i = 0, n = sizeof(entities) / sizeof(entities[0]);
		while (i < n && strncmp(p + 1, entities[i].name,
		                        strlen(entities[i].name)))
			i++;
		if (i == n)
			return "undefined entity";
		*o++ = entities[i].c;
		p = semi + 1;
	}
	*out_end = o;
	return NULL;
}

/* The stack of open element names (no allocation while names fit in
 * the fixed buffer, which they do in every real log). */
static char *name_buf(xmlscan *x)
{
	return x->more_names ? x->more_names : x->names;
}

static int push_name(xmlscan *x, const char *name, size_t len)
{
	size_t need = x->names_len + len + 1;
	size_t cap = x->more_names ? x->names_cap : sizeof(x->names);
	if (need > cap) {
		size_t ncap = cap * 2 > need ? cap * 2 : need;
		char *b = realloc(x->more_names, ncap);
		if (!b)
			return ORGMRI_ENOMEM;
		if (!x->more_names)
			memcpy(b, x->names, x->names_len);
		x->more_names = b;
		x->names_cap = ncap;
	}
	char *b = name_buf(x);
	memcpy(b + x->names_len, name, len + 1);
	x->stack[x->depth++] = x->names_len;
	x->names_len = need;
	return 0;
}

static const char *top_name(xmlscan *x)
{
	return name_buf(x) + x->stack[x->depth - 1];
}

static void pop_name(xmlscan *x)
{
	x->names_len = x->stack[--x->depth];
	x->root_closed = x->depth == 0;
}

/* Parse the start tag buf[pos, end) ('<' at pos) in place and report it. */
static int start_tag(xmlscan *x, size_t pos, size_t end,
                     const xmlscan_handlers *h, void *ctx)
{
	char *b = x->buf, *p = b + pos + 1, *stop = b + end - 1; /* at '>' */
	int empty = stop > p && stop[-1] == '/';
	if (empty)
		stop--;
	char *name = p;
	while (p < stop && !is_space(*p))
		p++;
	if (p == name)
		return malformed(x, x->base + pos, "not well-formed (invalid token)");
	char *name_end = p;
	size_t na = 0;
	for (;;) {
		while (p < stop && is_space(*p))
			p++;
		if (p >= stop)
			break;
		char *an = p;
		while (p < stop && *p != '=' && !is_space(*p))
			p++;
		char *an_end = p;
		while (p < stop && is_space(*p))
			p++;
		if (p >= stop || *p != '=' || an == an_end)
			return malformed(x, x->base + (size_t)(an - b),
			                 "not well-formed (attribute without value)");
		p++;
		while (p < stop && is_space(*p))
			p++;
		if (p >= stop || (*p != '"' && *p != '\''))
			return malformed(x, x->base + (size_t)(p - b),
			                 "not well-formed (unquoted attribute value)");
		char q = *p++, *v = p, *bad = NULL;
		char *vend = memchr(v, q, (size_t)(stop - v));
		if (!vend)
			return malformed(x, x->base + (size_t)(v - b),
			                 "not well-formed (unterminated value)");
		p = vend + 1;
		if (p < stop && !is_space(*p))
			return malformed(x, x->base + (size_t)(p - b),
			                 "not well-formed (no space between attributes)");
		*an_end = '\0';
		char *dend;
		const char *why = decode(v, vend, 1, &bad, &dend);
		if (why)
			return malformed(x, x->base + (size_t)(bad - b), why);
		*dend = '\0';  /* at most at the closing quote */
		if (na < XMLSCAN_MAX_ATTRS) {
			x->atts[2 * na] = an;
			x->atts[2 * na + 1] = v;
			na++;
		}
	}
	*name_end = '\0';
	x->atts[2 * na] = NULL;
	if (x->root_closed)
		return malformed(x, x->base + pos, "junk after document element");
	if (x->depth == XMLSCAN_MAX_DEPTH)
		return fail_at(x, x->base + pos, ORGMRI_ELIMIT,
		               "elements nested too deep");
	if ((size_t)(name_end - name) > MAX_NAME)
		return fail_at(x, x->base + pos, ORGMRI_ELIMIT,
		               "element name too long");
	if (push_name(x, name, (size_t)(name_end - name)))
		return orgmri_seterr(x->err, ORGMRI_ENOMEM, "out of memory");
	x->seen_root = 1;
	mark(x, x->base + pos);
	h->start(ctx, name, x->atts);
	if (empty && !x->stopped) {
		h->end(ctx, name);
		pop_name(x);
	}
	return 0;
}

static int end_tag(xmlscan *x, size_t pos, size_t end,
                   const xmlscan_handlers *h, void *ctx)
{
	char *b = x->buf, *name = b + pos + 2, *p = name;
	while (p < b + end - 1 && !is_space(*p))
		p++;
	char *q = p;
	while (q < b + end - 1 && is_space(*q))
		q++;
	if (q != b + end - 1)
		return malformed(x, x->base + (size_t)(q - b),
		                 "not well-formed (invalid token)");
	*p = '\0';
	if (x->depth == 0 || strcmp(top_name(x), name) != 0)
		return malformed(x, x->base + pos + 2, "mismatched tag");
	mark(x, x->base + pos);
	h->end(ctx, name);
	pop_name(x);
	return 0;
}

/* A DOCTYPE: skipped, unless it declares entities. */
static size_t doctype_end(const xmlscan *x, size_t pos, int *entity)
{
	int bracket = 0;
	*entity = 0;
	for (size_t i = pos + 2; i < x->len; i++) {
		char c = x->buf[i];
		if (c == '[')
			bracket++;
		else if (c == ']')
			bracket--;
		else if (c == '<' && strncmp(x->buf + i, "<!ENTITY", 8) == 0)
			*entity = 1;
		else if (c == '>' && bracket <= 0)
			return i + 1;
	}
	return 0;
}

/*
 * One markup construct at buf[pos] == '<'.  Returns 0 and sets *next past
 * it, 1 when it is not complete in the buffer, or an error.
 */
static int markup(xmlscan *x, size_t pos, size_t *next,
                  const xmlscan_handlers *h, void *ctx)
{
	const char *b = x->buf + pos;
	size_t end, avail = x->len - pos;
	if (avail < 9 && !x->eof)
		return 1;   /* too short to tell "<![CDATA[" and friends apart */
	if (avail < 2)
		return x->eof ? malformed(x, x->base + pos, "unclosed token") : 1;
	if (b[1] != '?' && b[1] != '!') {
		if (!(end = tag_end(x, pos + 1)))
			return 1;
		*next = end;
		return b[1] == '/' ? end_tag(x, pos, end, h, ctx)
		                   : start_tag(x, pos, end, h, ctx);
	}
	if (b[1] == '?') {
		end = find(x, pos + 2, "?>");
	} else if (avail >= 4 && strncmp(b, "<!--", 4) == 0) {
		end = find(x, pos + 4, "-->");
	} else if (avail >= 9 && strncmp(b, "<![CDATA[", 9) == 0) {
		end = find(x, pos + 9, "]]>");
	} else {
		int entity;
		end = doctype_end(x, pos, &entity);
		if (end && entity)
			return fail_at(x, x->base + pos, ORGMRI_EUNSUPPORTED,
			               "entity declarations are not accepted");
	}
	if (!end)
		return 1;
	*next = end;
	return 0;
}

static int scan(xmlscan *x, const xmlscan_handlers *h, void *ctx)
{
	int rc;
	for (;;) {
		/* text up to the next '<' is skipped (checked outside the root) */
		char *lt = memchr(x->buf + x->pos, '<', x->len - x->pos);
		size_t upto = lt ? (size_t)(lt - x->buf) : x->len;
		int inside = x->seen_root && !x->root_closed;
		if (!inside)
			for (size_t i = x->pos; i < upto; i++)
				if (!is_space(x->buf[i]) &&
				    !(x->base + i < 3 && (unsigned char)x->buf[i] >= 0xBB))
					return malformed(x, x->base + i, x->root_closed
					                 ? "junk after document element"
					                 : "syntax error");
		if (inside && h->text && upto > x->pos) {
			if (!lt) {
				/* keep the text whole: read on from where it starts */
				if (x->eof)
					break;
				if ((rc = refill(x)) < 0)
					return rc;
				continue;
			}
			char *bad = NULL, *dend;
			const char *why = decode(x->buf + x->pos, lt, 0, &bad, &dend);
			if (why)
				return malformed(x, x->base + (size_t)(bad - x->buf), why);
			mark(x, x->base + x->pos);
			h->text(ctx, x->buf + x->pos, (size_t)(dend - (x->buf + x->pos)));
			if (x->stopped)
				return -1;
		}
		x->pos = upto;
		if (!lt) {
			if ((rc = refill(x)) < 0)
				return rc;
			if (rc == 0)
				break;
			continue;
		}
		size_t next = 0;
		rc = markup(x, x->pos, &next, h, ctx);
		if (rc == 1) {
			/* incomplete: read more and try again, unless the input
			 * had already ended */
			if (x->eof)
				return malformed(x, x->base + x->pos, "unclosed token");
			if ((rc = refill(x)) < 0)
				return rc;
			continue;
		}
		if (rc)
			return rc;
		x->pos = next;
		if (x->stopped)
			return -1;
	}
	if (!x->seen_root)
		return malformed(x, x->base + x->len, "no element found");
	if (x->depth)
		return malformed(x, x->base + x->len, "unclosed element");
	return 0;
}

int xmlscan_run(gzinput *in, const char *name, size_t max_token,
                const xmlscan_handlers *h, void *ctx, xmlscan **handle,
                orgmri_error *err)
{
	xmlscan *x = calloc(1, sizeof(*x));
	if (!x)
		return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	x->in = in;
	x->name = name;
	x->err = err;
	x->max_token = max_token;
	x->line = 1;
	*handle = x;
	x->cap = 4 * CHUNK;
	int rc = (x->buf = malloc(x->cap + 1)) ? scan(x, h, ctx)
	         : orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	free(x->more_names);
	free(x->buf);
	free(x);
	*handle = NULL;
	return rc;
}
