/*
 * xes.c - the XES (IEEE 1849) event-log reader and the "xes" adapter.
 *
 * A streaming parse (ingest/xmlscan.c): memory is O(one trace), because a
 * trace's events are buffered until </trace> (its name and attributes may
 * follow its events in real files) and then handed to the sink.  The
 * mapping onto canonical events is in eventlog.h and docs/eventlogs.md.
 *
 * What real files contain and we accept: no namespace or a prefixed one
 * (element prefixes are ignored), timestamps without an offset (read as
 * UTC, counted, reported once), "YYYY/MM/DD hh:mm:ss" dates and a space
 * for 'T' (ORGMRI_TIME_LENIENT), time:timestamp written as a <string>,
 * lifecycle values in any case or outside the standard model (kept as
 * written), traces without a name (numbered "#N"), events without a
 * timestamp (time 0, counted, reported once; the position attribute keeps
 * their order), nested, list and container attributes (skipped; only
 * direct children of an event are read).
 *
 * Hostile input: the expanded size is capped (gzinput), one tag's size is
 * capped (4 x max_value + 1 MiB), nesting deeper than max_depth and DTD
 * entity declarations stop the parse, an attribute value longer than
 * max_value or of the wrong type (an int that is not a number, a date that
 * is not a date) makes its event a bad record.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/attrs.h"
#include "core/util.h"
#include "ingest/adapter.h"
#include "ingest/eventlog_common.h"
#include "ingest/gzinput.h"
#include "ingest/xmlscan.h"
#include "orgmri/eventlog.h"
#include "orgmri/time.h"

#define READ_CHUNK (256 * 1024)
/* An emitted event's own and its trace's attributes, leaving one for
 * ORGMRI_XES_POSITION: the store keeps ORGMRI_EVENT_MAX_ATTRS. */
#define MAX_EVENT_ATTRS (ORGMRI_EVENT_MAX_ATTRS - 1)

/* Element kinds, looked up by local name. */
typedef enum ekind {
	E_OTHER = 0, E_LOG, E_TRACE, E_EVENT, E_GLOBAL,
	E_STRING, E_DATE, E_INT, E_FLOAT, E_BOOLEAN, E_ID, E_LIST, E_CONTAINER
} ekind;

static const struct {
	const char *name;
	ekind kind;
} element_kinds[] = {
	{ "log", E_LOG }, { "trace", E_TRACE }, { "event", E_EVENT },
	{ "global", E_GLOBAL }, { "string", E_STRING }, { "date", E_DATE },
	{ "int", E_INT }, { "float", E_FLOAT }, { "boolean", E_BOOLEAN },
	{ "id", E_ID }, { "list", E_LIST }, { "container", E_CONTAINER },
};

static ekind kind_of(const char *name)
{
	/* the common unprefixed names first, without scanning for ':' */
	switch (name[0]) {
	case 'e': if (strcmp(name, "event") == 0) return E_EVENT; break;
	case 's': if (strcmp(name, "string") == 0) return E_STRING; break;
	case 'd': if (strcmp(name, "date") == 0) return E_DATE; break;
	case 't': if (strcmp(name, "trace") == 0) return E_TRACE; break;
	default: break;
	}
	const char *colon = strrchr(name, ':');
	if (colon)
		name = colon + 1;
	for (size_t i = 0; i < sizeof(element_kinds) / sizeof(element_kinds[0]);
	     i++)
		if (strcmp(element_kinds[i].name, name) == 0)
			return element_kinds[i].kind;
	return E_OTHER;
}

/* One buffered event of the current trace. */
typedef struct xevent {
	const char *activity, *actor;
	int64_t time;
	int has_time;
	size_t first_attr, nattrs;   /* into xes_state.attrs */
	long line, column;
	const char *bad;             /* why the event is skipped, or NULL */
} xevent;

typedef struct xes_state {
	xmlscan *scan;
	const char *name;
	const orgmri_eventlog_options *opts;
	orgmri_sink *sink;
	orgmri_eventlog_stats st;
	orgmri_error *err;
	int fatal;                  /* err holds a fatal error */

	ekind stack[ORGMRI_EVENTLOG_MAX_DEPTH + 1];
	unsigned depth, max_depth;
	size_t max_value;
	int global_event;           /* inside <global scope="event"> */

	const char *log_name;
	char *default_activity;     /* from <global scope="event">, malloc'ed */

	/* the current trace, in its own arena */
	orgmri_arena arena;
	const char *trace_name;
	orgmri_attr *tattrs;        /* trace attributes, named "case:KEY" */
	size_t ntattrs, tattrs_cap;
	xevent *events;
	size_t nevents, events_cap;
	orgmri_attr *attrs;         /* event attributes, all events */
	size_t nattrs, attrs_cap;
	int in_event;

	orgmri_buf key;             /* object key being built */
	orgmri_attr emit[MAX_EVENT_ATTRS + 1];
} xes_state;

/* ---- errors ------------------------------------------------------- */

static void where(xes_state *s, long *line, long *col)
{
	*line = xmlscan_line(s->scan);
	*col = xmlscan_column(s->scan);
}

/* Stop the parse with a fatal error at the current position. */
static void fatal(xes_state *s, int code, const char *fmt, ...)
	ORGMRI_PRINTF(3, 4);
static void fatal(xes_state *s, int code, const char *fmt, ...)
{
	if (s->fatal)
		return;
	char msg[ORGMRI_ERROR_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	long line, col;
	where(s, &line, &col);
	orgmri_seterr(s->err, code, "%s", msg);
	orgmri_seterr_at(s->err, s->name, line, col);
	s->fatal = 1;
	xmlscan_stop(s->scan);
}

/* A bad record (event, attribute): warn and count, or fatal if strict. */
static void bad_record(xes_state *s, const char *why, long line, long col)
{
	orgmri_error e;
	orgmri_error_clear(&e);
	orgmri_seterr(&e, ORGMRI_EPARSE, "%s", why);
	orgmri_seterr_at(&e, s->name, line, col);
	s->st.skipped++;
	if (s->opts->strict) {
		if (s->err)
			*s->err = e;
		s->fatal = 1;
		xmlscan_stop(s->scan);
		return;
	}
	if (s->opts->warn)
		s->opts->warn(&e, s->opts->warn_ctx);
}

static char *keep(xes_state *s, const char *text)
{
	char *p = orgmri_arena_strdup(&s->arena, text);
	if (!p)
		fatal(s, ORGMRI_ENOMEM, "out of memory");
	return p;
}

/* ---- attribute values --------------------------------------------- */

typedef struct xattr_in {
	const char *key, *value;
} xattr_in;

/* strcmp(s, lit) == 0, the first byte compared inline: most names
 * differ there, and these run several times per XML element. */
static int is(const char *s, const char *lit)
{
	return s[0] == lit[0] && strcmp(s, lit) == 0;
}

static void xml_attrs(const char **atts, xattr_in *out)
{
	out->key = out->value = NULL;
	for (size_t i = 0; atts[i]; i += 2) {
		if (is(atts[i], "key"))
			out->key = atts[i + 1];
		else if (is(atts[i], "value"))
			out->value = atts[i + 1];
	}
}

static const char *xml_attr(const char **atts, const char *name)
{
	for (size_t i = 0; atts[i]; i += 2)
		if (strcmp(atts[i], name) == 0)
			return atts[i + 1];
	return NULL;
}

/*
 * Check and normalise a typed XES value.  Returns NULL when fine (with
 * *type and *value set; *value may point into `num`), else why not.
 */
static const char *typed_value(ekind k, const char *v, orgmri_attr_type *type,
                               const char **value, char num[64])
{
	size_t len = strlen(v);
	*value = v;
	*type = ORGMRI_ATTR_STRING;
	switch (k) {
	case E_INT: {
		char *end;
		long long x = strtoll(v, &end, 10);
		if (len == 0 || *end || len > 40)
			return "int attribute value is not an integer";
		if (!orgmri_is_int_text(v, len)) {
			snprintf(num, 64, "%lld", x);
			*value = num;
		}
		*type = ORGMRI_ATTR_INT;
		return NULL;
	}
	case E_FLOAT: {
		char *end;
		double d = strtod(v, &end);
		if (len == 0 || *end || d != d || d - d != 0)
			return "float attribute value is not a finite number";
		if (!orgmri_is_number_text(v, len)) {
			snprintf(num, 64, "%.17g", d);
			*value = num;
		}
		*type = ORGMRI_ATTR_REAL;
		return NULL;
	}
	case E_BOOLEAN:
		if (strcasecmp(v, "true") == 0)
			*value = "true";
		else if (strcasecmp(v, "false") == 0)
			*value = "false";
		else
			return "boolean attribute value is not true or false";
		*type = ORGMRI_ATTR_BOOL;
		return NULL;
	case E_DATE: {
		int64_t ms;
		if (orgmri_time_parse(v, len, ORGMRI_TIME_LENIENT, &ms, NULL, NULL))
			return "date attribute value is not a date";
		return NULL;
	}
	default:
		return NULL;
	}
}

/* ---- element handlers --------------------------------------------- */

static int is_attribute(ekind k)
{
	return k >= E_STRING && k <= E_ID;
}

/* An attribute that is a direct child of an event. */
static void event_attribute(xes_state *s, ekind k, const char **atts)
{
	xevent *ev = &s->events[s->nevents - 1];
	if (ev->bad)
		return;
	xattr_in a;
	xml_attrs(atts, &a);
	if (!a.key || !a.key[0] || !a.value) {
		ev->bad = "attribute without key or value";
		return;
	}
	size_t vlen = strlen(a.value);
	if (vlen > s->max_value) {
		ev->bad = "attribute value longer than the cap";
		return;
	}
	/* Some writers put the timestamp in a <string>; accept any type. */
	if (is(a.key, "time:timestamp") &&
	    (k == E_DATE || k == E_STRING)) {
		unsigned flags = 0;
		if (orgmri_time_parse(a.value, vlen, ORGMRI_TIME_LENIENT, &ev->time,
		                      &flags, NULL)) {
			ev->bad = "time:timestamp is not a date";
			return;
		}
		ev->has_time = 1;
		if (!(flags & ORGMRI_TIME_HAD_OFFSET))
			s->st.naive_times++;
		return;
	}
	if (is(a.key, "concept:name")) {
		ev->activity = keep(s, a.value);
		return;
	}
	if (is(a.key, "org:resource")) {
		ev->actor = keep(s, a.value);
		return;
	}
	char num[64];
	orgmri_attr at;
	const char *why = typed_value(k, a.value, &at.type, &at.value, num);
	if (why) {
		ev->bad = why;
		return;
	}
	if (ev->nattrs >= MAX_EVENT_ATTRS) {
		ev->bad = "more than 255 attributes (the store keeps 256 per "
		          "event, one of them the XES position)";
		return;
	}
	if (orgmri_array_grow((void **)&s->attrs, &s->attrs_cap, s->nattrs + 1,
	                      sizeof(*s->attrs), 64, 0)) {
		fatal(s, ORGMRI_ENOMEM, "out of memory");
		return;
	}
	at.name = keep(s, a.key);
	at.value = keep(s, at.value);
	/* A repeated key keeps its last value (the store wants unique names). */
	for (size_t i = ev->first_attr; i < s->nattrs; i++)
		if (is(s->attrs[i].name, at.name)) {
			s->attrs[i] = at;
			return;
		}
	s->attrs[s->nattrs++] = at;
	ev->nattrs++;
}

/* An attribute that is a direct child of a trace. */
static void trace_attribute(xes_state *s, ekind k, const char **atts)
{
	xattr_in a;
	xml_attrs(atts, &a);
	long line, col;
	where(s, &line, &col);
	if (!a.key || !a.key[0] || !a.value) {
		bad_record(s, "trace attribute without key or value", line, col);
		return;
	}
	if (strlen(a.value) > s->max_value) {
		bad_record(s, "trace attribute value longer than the cap", line, col);
		return;
	}
	if (strcmp(a.key, "concept:name") == 0) {
		s->trace_name = keep(s, a.value);
		return;
	}
	char num[64];
	orgmri_attr at;
	const char *why = typed_value(k, a.value, &at.type, &at.value, num);
	if (why) {
		bad_record(s, why, line, col);
		return;
	}
	if (s->ntattrs >= MAX_EVENT_ATTRS / 2)
		return;
	if (orgmri_array_grow((void **)&s->tattrs, &s->tattrs_cap, s->ntattrs + 1,
	                      sizeof(*s->tattrs), 64, 0)) {
		fatal(s, ORGMRI_ENOMEM, "out of memory");
		return;
	}
	char *name = orgmri_arena_alloc(&s->arena, strlen(a.key) + 6);
	if (!name) {
		fatal(s, ORGMRI_ENOMEM, "out of memory");
		return;
	}
	strcpy(name, "case:");
	strcpy(name + 5, a.key);
	at.name = name;
	at.value = keep(s, at.value);
	for (size_t i = 0; i < s->ntattrs; i++)
		if (strcmp(s->tattrs[i].name, name) == 0) {
			s->tattrs[i] = at;
			return;
		}
	s->tattrs[s->ntattrs++] = at;
}

static void global_attribute(xes_state *s, const char **atts)
{
	xattr_in a;
	xml_attrs(atts, &a);
	if (s->global_event && a.key && a.value &&
	    strcmp(a.key, "concept:name") == 0 && a.value[0] &&
	    strlen(a.value) <= s->max_value) {
		free(s->default_activity);
		if (!(s->default_activity = strdup(a.value)))
			fatal(s, ORGMRI_ENOMEM, "out of memory");
	}
}

static void start_trace(xes_state *s)
{
	orgmri_arena_free(&s->arena);
	s->trace_name = NULL;
	s->ntattrs = s->nevents = s->nattrs = 0;
	s->st.traces++;
}

static void start_event(xes_state *s)
{
	if (orgmri_array_grow((void **)&s->events, &s->events_cap, s->nevents + 1,
	                      sizeof(*s->events), 64, 0)) {
		fatal(s, ORGMRI_ENOMEM, "out of memory");
		return;
	}
	xevent *ev = &s->events[s->nevents++];
	memset(ev, 0, sizeof(*ev));
	ev->first_attr = s->nattrs;
	where(s, &ev->line, &ev->column);
	s->st.events++;
}

static void on_start(void *p, const char *name,
                             const char **atts)
{
	xes_state *s = p;
	if (s->depth >= s->max_depth) {
		fatal(s, ORGMRI_ELIMIT, "elements nested deeper than %u levels",
		      s->max_depth);
		return;
	}
	ekind k = kind_of(name);
	ekind parent = s->depth ? s->stack[s->depth - 1] : E_OTHER;
	/* Only the first level inside a trace/event/global counts: nested
	 * attributes have an attribute as parent. */
	if (s->depth == 0 && k != E_LOG) {
		fatal(s, ORGMRI_EPARSE, "not an XES log: the root element is <%.100s>, "
		      "not <log>", name);
		return;
	}
	s->stack[s->depth++] = k;
	if (k == E_TRACE && parent == E_LOG) {
		start_trace(s);
	} else if (k == E_EVENT && parent == E_TRACE) {
		start_event(s);
	} else if (k == E_GLOBAL && parent == E_LOG) {
		const char *scope = xml_attr(atts, "scope");
		s->global_event = scope && strcmp(scope, "event") == 0;
	} else if (is_attribute(k)) {
		if (parent == E_EVENT && s->depth >= 3 &&
		    s->stack[s->depth - 3] == E_TRACE)
			event_attribute(s, k, atts);
		else if (parent == E_TRACE && s->depth == 3)
			trace_attribute(s, k, atts);
		else if (parent == E_GLOBAL)
			global_attribute(s, atts);
	}
}

static const char *activity_of(xes_state *s, const xevent *ev)
{
	if (ev->activity && ev->activity[0])
		return ev->activity;
	return s->default_activity ? s->default_activity : "UNKNOWN";
}

/* Hand the buffered trace to the sink. */
static void end_trace(xes_state *s)
{
	orgmri_buf *k = &s->key;
	orgmri_buf_clear(k);
	orgmri_buf_puts(k, ORGMRI_XES_CASE_TYPE ":");
	orgmri_buf_puts(k, s->log_name);
	orgmri_buf_putc(k, '/');
	if (s->trace_name && s->trace_name[0])
		orgmri_buf_puts(k, s->trace_name);
	else
		orgmri_buf_printf(k, "#%lld", s->st.traces);
	const char *object = orgmri_buf_cstr(k);
	if (k->oom) {
		fatal(s, ORGMRI_ENOMEM, "out of memory");
		return;
	}
	for (size_t i = 0; i < s->nevents && !s->fatal; i++) {
		xevent *ev = &s->events[i];
		if (ev->bad) {
			bad_record(s, ev->bad, ev->line, ev->column);
			continue;
		}
		char pos[24], *pp = pos + sizeof(pos) - 1;
		*pp = '\0';
		for (size_t v = i + 1; v; v /= 10)
			*--pp = (char)('0' + v % 10);
		size_t n = 0;
		for (size_t a = 0; a < ev->nattrs; a++)
			s->emit[n++] = s->attrs[ev->first_attr + a];
		for (size_t a = 0; a < s->ntattrs && n < MAX_EVENT_ATTRS; a++)
			s->emit[n++] = s->tattrs[a];
		s->emit[n++] = (orgmri_attr){ ORGMRI_XES_POSITION, pp,
		                              ORGMRI_ATTR_INT };
		if (!ev->has_time)
			s->st.no_time++;
		orgmri_event oe = { ev->has_time ? ev->time : 0, object,
		                    activity_of(s, ev), ev->actor, pp, NULL, 0,
		                    s->emit, n };
		orgmri_error e;  /* cleared only in part: it is read on failure */
		e.code = 0;
		e.message[0] = '\0';
		/* The store checks again, but checking here (UTF-8, names)
		 * keeps the promise that only valid events reach any sink. */
		int rc = orgmri_event_validate(&oe, &e);
		if (!rc)
			rc = s->sink->event(s->sink, &oe, &e);
		if (rc == ORGMRI_EPARSE) {
			bad_record(s, e.message, ev->line, ev->column);
		} else if (rc) {
			/* the sink (store) failed: only code and message are set */
			orgmri_error_clear(s->err);
			orgmri_seterr(s->err, rc, "%s", e.message);
			s->fatal = 1;
			xmlscan_stop(s->scan);
		} else {
			s->st.emitted++;
		}
	}
}

static void on_end(void *p, const char *name)
{
	(void)name;
	xes_state *s = p;
	if (s->depth == 0)
		return;
	ekind k = s->stack[--s->depth];
	ekind parent = s->depth ? s->stack[s->depth - 1] : E_OTHER;
	if (k == E_TRACE && parent == E_LOG)
		end_trace(s);
	else if (k == E_GLOBAL)
		s->global_event = 0;
}

/* ---- driver ------------------------------------------------------- */

/* "dir/bpic2012.xes.gz" -> "bpic2012" */
static char *log_name_from(const char *path)
{
	const char *b = strrchr(path, '/');
	b = b ? b + 1 : path;
	size_t n = strlen(b);
	static const char *const suffixes[] = { ".gz", ".xes" };
	for (size_t i = 0; i < 2; i++) {
		size_t sl = strlen(suffixes[i]);
		if (n > sl && strncasecmp(b + n - sl, suffixes[i], sl) == 0)
			n -= sl;
	}
	char *out = strndup(b, n);
	return out;
}

static void final_notes(xes_state *s)
{
	eventlog_note_times(s->opts, s->name, s->st.naive_times);
	if (s->st.no_time)
		eventlog_note(s->opts, s->name, "note: %lld events have no "
		              "time:timestamp; stored at 1970-01-01T00:00:00Z, in "
		              "document order (" ORGMRI_XES_POSITION ")",
		              s->st.no_time);
}

static int parse_stream(xes_state *s, gzinput *in)
{
	static const xmlscan_handlers handlers = { on_start, on_end, NULL };
	/* a tag may hold several attribute values at the cap */
	size_t max_token = 4 * s->max_value + (1u << 20);
	int rc = xmlscan_run(in, s->name, max_token, &handlers, s, &s->scan,
	                     s->err);
	if (s->fatal)
		return s->err->code ? s->err->code : ORGMRI_EPARSE;
	return rc;
}

int orgmri_xes_read(FILE *fp, const char *name,
                    const orgmri_eventlog_options *opts, orgmri_sink *sink,
                    orgmri_eventlog_stats *stats, orgmri_error *err)
{
	orgmri_eventlog_options defaults = ORGMRI_EVENTLOG_OPTIONS_INIT;
	orgmri_error local;
	if (!opts)
		opts = &defaults;
	if (!err)
		err = &local;
	xes_state *s = calloc(1, sizeof(*s));
	char *owned_name = NULL;
	gzinput in;
	int have_in = 0, rc;
	if (!s)
		return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	s->name = name;
	s->opts = opts;
	s->sink = sink;
	s->err = err;
	s->max_depth = opts->max_depth && opts->max_depth < ORGMRI_EVENTLOG_MAX_DEPTH
	               ? opts->max_depth : ORGMRI_EVENTLOG_MAX_DEPTH;
	s->max_value = opts->max_value ? opts->max_value : ORGMRI_EVENTLOG_MAX_VALUE;
	orgmri_arena_init(&s->arena, 64 * 1024);
	s->log_name = opts->log_name;
	if (!s->log_name)
		s->log_name = owned_name = log_name_from(name);
	if (!s->log_name) {
		rc = orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
		goto done;
	}
	if ((rc = gzinput_open(&in, fp, name, opts->max_bytes ? opts->max_bytes
	                       : ORGMRI_EVENTLOG_MAX_BYTES, err)))
		goto done;
	have_in = 1;
	rc = parse_stream(s, &in);
	if (!rc && s->st.traces == 0 && s->depth == 0 && !s->fatal)
		eventlog_note(s->opts, s->name, "note: the log holds no traces");
	final_notes(s);
done:
	if (stats)
		*stats = s->st;
	if (have_in)
		gzinput_close(&in);
	orgmri_arena_free(&s->arena);
	orgmri_buf_free(&s->key);
	free(s->tattrs);
	free(s->events);
	free(s->attrs);
	free(s->default_activity);
	free(owned_name);
	free(s);
	return rc;
}

/* ---- the adapter -------------------------------------------------- */

static int detect_xes(const char *path)
{
	return orgmri_path_has_suffix(path, ".xes") ||
	       orgmri_path_has_suffix(path, ".xes.gz") ? 10 : 0;
}

static int run_xes(orgmri_adapter_ctx *ctx, orgmri_error *err)
{
	return orgmri_eventlog_run(ctx, orgmri_xes_read, err);
}

const orgmri_adapter orgmri_adapter_xes = {
	"xes", "process-mining event log, XES (.xes, .xes.gz; docs/eventlogs.md)",
	detect_xes, run_xes, ORGMRI_ADAPTER_STREAM | ORGMRI_ADAPTER_VALIDATED,
};
