/*
 * ocel.c - the OCEL 2.0 JSON reader and the "ocel" adapter.
 *
 * OCEL 2.0 (https://www.ocel-standard.org) is object-centric like orgmri:
 * events relate to objects (E2O), objects to objects (O2O), both with a
 * free-text qualifier, and objects carry time-stamped attribute values.
 * The mapping onto canonical events is in eventlog.h: one orgmri event
 * per E2O relationship (so that every object's history is complete, which
 * is what the process map per object type needs), the OCEL event id as
 * discriminator so the writer can merge them back, and one synthetic
 * ORGMRI_OCEL_OBJECT_ACTIVITY event per object and attribute time.
 *
 * The document is loaded whole with jansson (OCEL JSON has no streaming
 * order guarantee: objects may follow the events that use them), after
 * reading at most max_bytes (gzip is expanded on the way).  A record
 * (object, event, relationship) that is malformed is skipped and reported
 * with its JSON path, e.g. $.events[12].relationships[0].objectId.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "ingest/eventlog_common.h"
#include "ingest/gzinput.h"
#include "orgmri/time.h"

#define MAX_ATTRS 256
#define MAX_RELATED 4096

typedef struct ocel_state {
	const char *name;
	const orgmri_eventlog_options *opts;
	orgmri_sink *sink;
	orgmri_eventlog_stats st;
	orgmri_error *err;
	json_t *types;          /* object id -> type (borrowed strings) */
	orgmri_buf keys;        /* "TYPE:ID" strings, NUL-separated */
	const char *related[MAX_RELATED];
	size_t rel_off[MAX_RELATED];
	orgmri_attr attrs[MAX_ATTRS + 1];
	char num[MAX_ATTRS][32];
	orgmri_buf names;       /* "ocel:o2o:KEY" names */
} ocel_state;

/* Report a bad record at JSON path `path`: warn and count, or fail. */
static int bad(ocel_state *s, const char *path, const char *why)
{
	orgmri_error e;
	orgmri_error_clear(&e);
	orgmri_seterr(&e, ORGMRI_EPARSE, "%s", why);
	snprintf(e.file, sizeof(e.file), "%s", s->name);
	snprintf(e.path, sizeof(e.path), "%s", path);
	s->st.skipped++;
	if (s->opts->strict) {
		if (s->err)
			*s->err = e;
		return ORGMRI_EPARSE;
	}
	if (s->opts->warn)
		s->opts->warn(&e, s->opts->warn_ctx);
	return 0;
}

static int parse_time(ocel_state *s, json_t *v, int64_t *out)
{
	unsigned flags = 0;
	if (!json_is_string(v) ||
	    orgmri_time_parse(json_string_value(v), json_string_length(v),
	                      ORGMRI_TIME_LENIENT, out, &flags, NULL))
		return -1;
	if (!(flags & ORGMRI_TIME_HAD_OFFSET))
		s->st.naive_times++;
	return 0;
}

/* "TYPE:ID", or ID itself when it already starts with "TYPE:" (so that an
 * exported orgmri log reads back to the same keys).  A ':' in TYPE would
 * move the type/key boundary, so it is written as '.' ("ns:Order" ->
 * "ns.Order").  Appends to s->keys and returns the offset. */
static size_t object_key(ocel_state *s, const char *type, const char *id)
{
	size_t off = s->keys.len, tl = strlen(type);
	for (size_t i = 0; i < tl; i++)
		orgmri_buf_putc(&s->keys, type[i] == ':' ? '.' : type[i]);
	orgmri_buf_putc(&s->keys, ':');
	/* the id already carries this (cleaned) type as its prefix */
	if (s->keys.ptr && strncmp(id, s->keys.ptr + off, tl + 1) == 0 &&
	    id[tl + 1])
		s->keys.len = off;
	orgmri_buf_puts(&s->keys, id);
	orgmri_buf_putc(&s->keys, '\0');
	return off;
}

/* One typed value into attrs[n]; NULL when fine, else why not. */
static const char *value_of(ocel_state *s, json_t *v, size_t n)
{
	orgmri_attr *a = &s->attrs[n];
	if (!v)
		return "value missing";
	switch (json_typeof(v)) {
	case JSON_STRING:
		if (strlen(json_string_value(v)) != json_string_length(v))
			return "string value contains a NUL character";
		if (json_string_length(v) > (s->opts->max_value ? s->opts->max_value
		                             : ORGMRI_EVENTLOG_MAX_VALUE))
			return "value longer than the cap";
		a->type = ORGMRI_ATTR_STRING;
		a->value = json_string_value(v);
		return NULL;
	case JSON_INTEGER:
		a->type = ORGMRI_ATTR_INT;
		snprintf(s->num[n], 32, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		a->value = s->num[n];
		return NULL;
	case JSON_REAL:
		a->type = ORGMRI_ATTR_REAL;
		snprintf(s->num[n], 32, "%.17g", json_real_value(v));
		if (!strpbrk(s->num[n], ".eE"))
			strcat(s->num[n], ".0");
		a->value = s->num[n];
		return NULL;
	case JSON_TRUE:
	case JSON_FALSE:
		a->type = ORGMRI_ATTR_BOOL;
		a->value = json_is_true(v) ? "true" : "false";
		return NULL;
	default:
		return "value must be a string, number or boolean";
	}
}

static int emit(ocel_state *s, orgmri_event *ev, const char *path)
{
	orgmri_error e;
	orgmri_error_clear(&e);
	/* checked here too: text from the SQLite form is not UTF-8-checked */
	int rc = orgmri_event_validate(ev, &e);
	if (!rc)
		rc = s->sink->event(s->sink, ev, &e);
	if (rc == ORGMRI_EPARSE)
		return bad(s, path, e.message);
	if (rc) {
		if (s->err)
			*s->err = e;
		return rc;
	}
	s->st.emitted++;
	return 0;
}

/* ---- objects ------------------------------------------------------ */

static int cmp_int64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* O2O relationships of object i as related keys and qualifier attrs
 * (starting at attrs[n]); returns the new attribute count. */
static size_t o2o(ocel_state *s, json_t *rels, size_t i, size_t n,
                  size_t *nrel)
{
	size_t k;
	json_t *r;
	char path[96];
	*nrel = 0;
	orgmri_buf_clear(&s->names);
	size_t name_off[MAX_ATTRS];
	size_t first = n;
	json_array_foreach(rels, k, r) {
		const char *id = json_string_value(json_object_get(r, "objectId"));
		const char *q = json_string_value(json_object_get(r, "qualifier"));
		const char *type = id ? json_string_value(json_object_get(s->types, id))
		                      : NULL;
		snprintf(path, sizeof(path), "$.objects[%zu].relationships[%zu]", i, k);
		if (!type) {
			bad(s, path, id ? "objectId names no object" : "objectId missing");
			continue;
		}
		if (*nrel >= MAX_RELATED || n >= MAX_ATTRS)
			break;
		s->rel_off[(*nrel)++] = object_key(s, type, id);
		if (q && q[0]) {
			name_off[n - first] = s->names.len;
			orgmri_buf_puts(&s->names, "ocel:o2o:");
			orgmri_buf_puts(&s->names, s->keys.ptr ? s->keys.ptr +
			                s->rel_off[*nrel - 1] : "");
			orgmri_buf_putc(&s->names, '\0');
			s->attrs[n].type = ORGMRI_ATTR_STRING;
			s->attrs[n].value = q;
			n++;
		}
	}
	for (size_t a = first; a < n; a++)
		s->attrs[a].name = s->names.ptr + name_off[a - first];
	return n;
}

/*
 * The synthetic events of object i: one per distinct attribute time (at
 * least one), carrying the values set at that time; the first also
 * carries the O2O relationships.  `fallback` is the time used when the
 * object has no attribute values (its earliest event, or 0).
 */
static int one_object(ocel_state *s, json_t *o, size_t i, int64_t fallback)
{
	char path[96];
	snprintf(path, sizeof(path), "$.objects[%zu]", i);
	const char *id = json_string_value(json_object_get(o, "id"));
	const char *type = json_string_value(json_object_get(o, "type"));
	if (!id || !type || !id[0] || !type[0])
		return bad(s, path, "object needs a string id and type");
	json_t *attrs = json_object_get(o, "attributes");
	json_t *rels = json_object_get(o, "relationships");
	size_t na = json_is_array(attrs) ? json_array_size(attrs) : 0;
	int64_t *times = malloc((na + 1) * sizeof(*times));
	if (!times)
		return orgmri_seterr(s->err, ORGMRI_ENOMEM, "out of memory");
	size_t nt = 0, k;
	json_t *a;
	for (k = 0; k < na; k++) {
		a = json_array_get(attrs, k);
		if (parse_time(s, json_object_get(a, "time"), &times[nt]) == 0)
			nt++;
	}
	if (nt == 0)
		times[nt++] = fallback;
	qsort(times, nt, sizeof(*times), cmp_int64);
	int rc = 0;
	s->st.traces++;
	for (size_t t = 0; t < nt && !rc; t++) {
		if (t && times[t] == times[t - 1])
			continue;
		orgmri_buf_clear(&s->keys);
		size_t self = object_key(s, type, id);
		size_t n = 0, nrel = 0;
		for (k = 0; k < na && n < MAX_ATTRS; k++) {
			a = json_array_get(attrs, k);
			int64_t at = INT64_MIN;
			json_t *nm = json_object_get(a, "name"), *tv;
			tv = json_object_get(a, "time");
			if ((!json_is_string(tv) ||
			     orgmri_time_parse(json_string_value(tv),
			                       json_string_length(tv),
			                       ORGMRI_TIME_LENIENT, &at, NULL, NULL)) &&
			    t == 0)
				at = times[0];  /* a value without a time: initial */
			if (at != times[t])
				continue;
			const char *why = json_is_string(nm) && json_string_value(nm)[0]
			                  ? value_of(s, json_object_get(a, "value"), n)
			                  : "attribute needs a non-empty name";
			if (why) {
				char ap[128];
				snprintf(ap, sizeof(ap), "%s.attributes[%zu]", path, k);
				if ((rc = bad(s, ap, why)))
					break;
				continue;
			}
			s->attrs[n++].name = json_string_value(nm);
		}
		if (t == 0 && json_is_array(rels))
			n = o2o(s, rels, i, n, &nrel);
		if (s->keys.oom || s->names.oom) {
			rc = orgmri_seterr(s->err, ORGMRI_ENOMEM, "out of memory");
			break;
		}
		for (size_t r = 0; r < nrel; r++)
			s->related[r] = s->keys.ptr + s->rel_off[r];
		orgmri_event ev = { times[t], s->keys.ptr + self,
		                    ORGMRI_OCEL_OBJECT_ACTIVITY, NULL, NULL,
		                    s->related, nrel, s->attrs, n };
		if (!rc)
			rc = emit(s, &ev, path);
	}
	free(times);
	return rc;
}

/* ---- events ------------------------------------------------------- */

/* Fill related keys for event i; returns how many, skipping bad ones. */
static size_t event_objects(ocel_state *s, json_t *rels, size_t i,
                            const char **quals, int *rc)
{
	size_t k, n = 0;
	json_t *r;
	char path[96];
	json_array_foreach(rels, k, r) {
		const char *id = json_string_value(json_object_get(r, "objectId"));
		const char *type = id ? json_string_value(json_object_get(s->types, id))
		                      : NULL;
		if (!type) {
			snprintf(path, sizeof(path), "$.events[%zu].relationships[%zu]",
			         i, k);
			if ((*rc = bad(s, path, id ? "objectId names no object"
			                           : "objectId missing")))
				return 0;
			continue;
		}
		if (n == MAX_RELATED)
			break;
		const char *q = json_string_value(json_object_get(r, "qualifier"));
		quals[n] = q ? q : "";
		s->rel_off[n++] = object_key(s, type, id);
	}
	return n;
}

static int one_event(ocel_state *s, json_t *e, size_t i, const char **quals)
{
	char path[96];
	snprintf(path, sizeof(path), "$.events[%zu]", i);
	const char *id = json_string_value(json_object_get(e, "id"));
	const char *type = json_string_value(json_object_get(e, "type"));
	int64_t time;
	if (!id || !type || !id[0] || !type[0])
		return bad(s, path, "event needs a string id and type");
	if (parse_time(s, json_object_get(e, "time"), &time))
		return bad(s, path, "event time missing or not a date");
	s->st.events++;
	size_t n = 0, k;
	json_t *a;
	const char *actor = NULL;
	json_array_foreach(json_object_get(e, "attributes"), k, a) {
		json_t *nm = json_object_get(a, "name");
		if (n == MAX_ATTRS)
			break;
		const char *why = json_is_string(nm) && json_string_value(nm)[0]
		                  ? value_of(s, json_object_get(a, "value"), n)
		                  : "attribute needs a non-empty name";
		if (why) {
			char ap[128];
			snprintf(ap, sizeof(ap), "%s.attributes[%zu]", path, k);
			return bad(s, ap, why);
		}
		/* org:resource (as orgmri's OCEL export writes the actor) is
		 * the actor again */
		if (strcmp(json_string_value(nm), "org:resource") == 0 &&
		    s->attrs[n].type == ORGMRI_ATTR_STRING) {
			actor = s->attrs[n].value;
			continue;
		}
		s->attrs[n++].name = json_string_value(nm);
	}
	int rc = 0;
	orgmri_buf_clear(&s->keys);
	size_t nobj = event_objects(s, json_object_get(e, "relationships"), i,
	                            quals, &rc);
	if (rc)
		return rc;
	if (nobj == 0) {
		/* Keep an event without objects on an object of its own. */
		s->rel_off[0] = object_key(s, "ocel-event", id);
		quals[0] = "";
		nobj = 1;
	}
	if (s->keys.oom)
		return orgmri_seterr(s->err, ORGMRI_ENOMEM, "out of memory");
	for (size_t j = 0; j < nobj && !rc; j++) {
		/* the other objects, in order, without this one */
		size_t nrel = 0;
		for (size_t r = 0; r < nobj; r++)
			if (r != j && strcmp(s->keys.ptr + s->rel_off[r],
			                     s->keys.ptr + s->rel_off[j]))
				s->related[nrel++] = s->keys.ptr + s->rel_off[r];
		s->attrs[n] = (orgmri_attr){ ORGMRI_OCEL_QUALIFIER, quals[j],
		                             ORGMRI_ATTR_STRING };
		orgmri_event ev = { time, s->keys.ptr + s->rel_off[j], type, actor,
		                    id, s->related, nrel, s->attrs, n + 1 };
		rc = emit(s, &ev, path);
	}
	return rc;
}

/* ---- driver ------------------------------------------------------- */

static int load(ocel_state *s, FILE *fp, json_t **root)
{
	gzinput in;
	uint64_t max = s->opts->max_bytes ? s->opts->max_bytes
	                                  : ORGMRI_EVENTLOG_MAX_BYTES;
	int rc = gzinput_open(&in, fp, s->name, max, s->err);
	if (rc)
		return rc;
	orgmri_buf b = ORGMRI_BUF_INIT;
	for (;;) {
		if (orgmri_buf_grow(&b, 1 << 16)) {
			rc = orgmri_seterr(s->err, ORGMRI_ENOMEM, "out of memory");
			break;
		}
		long got = gzinput_read(&in, b.ptr + b.len, b.cap - b.len, s->err);
		if (got < 0) {
			rc = (int)got;
			break;
		}
		if (got == 0)
			break;
		b.len += (size_t)got;
	}
	gzinput_close(&in);
	if (!rc) {
		json_error_t je;
		*root = json_loadb(b.ptr ? b.ptr : "", b.len, 0, &je);
		if (!*root) {
			rc = orgmri_seterr(s->err, ORGMRI_EPARSE, "invalid JSON: %s",
			                   je.text);
			orgmri_seterr_at(s->err, s->name, je.line > 0 ? je.line : 0,
			                 je.column > 0 ? je.column : 0);
		}
	}
	orgmri_buf_free(&b);
	return rc;
}

/* Object id -> type, and each object's earliest event time. */
static int index_objects(ocel_state *s, json_t *objects, json_t *events,
                         json_t *first_time)
{
	size_t i, k;
	json_t *o, *e, *r;
	json_array_foreach(objects, i, o) {
		json_t *id = json_object_get(o, "id"), *type = json_object_get(o, "type");
		/* only objects that one_object accepts can be referred to */
		if (json_is_string(id) && json_is_string(type) &&
		    json_string_value(id)[0] && json_string_value(type)[0] &&
		    json_object_set(s->types, json_string_value(id), type))
			return orgmri_seterr(s->err, ORGMRI_ENOMEM, "out of memory");
	}
	json_array_foreach(events, i, e) {
		int64_t t;
		unsigned flags;
		json_t *tv = json_object_get(e, "time");
		if (!json_is_string(tv) ||
		    orgmri_time_parse(json_string_value(tv), json_string_length(tv),
		                      ORGMRI_TIME_LENIENT, &t, &flags, NULL))
			continue;
		json_array_foreach(json_object_get(e, "relationships"), k, r) {
			const char *id = json_string_value(json_object_get(r, "objectId"));
			if (!id)
				continue;
			json_t *cur = json_object_get(first_time, id);
			if (!cur || json_integer_value(cur) > t)
				json_object_set_new(first_time, id, json_integer(t));
		}
	}
	return 0;
}

/* Emit the canonical events of an OCEL 2.0 document (JSON form, or built
 * from the SQLite form by ocel_sqlite.c). */
int ocel_emit_document(json_t *root, const char *name,
                       const orgmri_eventlog_options *opts, orgmri_sink *sink,
                       orgmri_eventlog_stats *stats, orgmri_error *err)
{
	orgmri_eventlog_options defaults = ORGMRI_EVENTLOG_OPTIONS_INIT;
	orgmri_error local;
	ocel_state *s = calloc(1, sizeof(*s));
	json_t *first_time = json_object();
	const char **quals = malloc(MAX_RELATED * sizeof(*quals));
	int rc = 0;
	if (!s || !first_time || !quals) {
		rc = orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
		goto done;
	}
	s->name = name;
	s->opts = opts ? opts : &defaults;
	s->sink = sink;
	s->err = err ? err : &local;
	json_t *objects = json_object_get(root, "objects");
	json_t *events = json_object_get(root, "events");
	if (!json_is_object(root) || !json_is_array(objects) ||
	    !json_is_array(events)) {
		rc = orgmri_seterr(s->err, ORGMRI_EUNSUPPORTED, "%s: not an OCEL 2.0 "
		                   "JSON log (no \"objects\" and \"events\" arrays; "
		                   "OCEL 1.0 is not read)", name);
		goto done;
	}
	if (!(s->types = json_object()) ||
	    (rc = index_objects(s, objects, events, first_time)))
		goto done;
	size_t i;
	json_t *x;
	json_array_foreach(objects, i, x) {
		const char *id = json_string_value(json_object_get(x, "id"));
		json_t *ft = id ? json_object_get(first_time, id) : NULL;
		if ((rc = one_object(s, x, i, ft ? json_integer_value(ft) : 0)))
			goto done;
	}
	json_array_foreach(events, i, x)
		if ((rc = one_event(s, x, i, quals)))
			goto done;
	eventlog_note_times(s->opts, name, s->st.naive_times);
done:
	if (s && stats)
		*stats = s->st;
	if (s) {
		json_decref(s->types);
		orgmri_buf_free(&s->keys);
		orgmri_buf_free(&s->names);
	}
	json_decref(first_time);
	free(quals);
	free(s);
	return rc;
}

int orgmri_ocel_read(FILE *fp, const char *name,
                     const orgmri_eventlog_options *opts, orgmri_sink *sink,
                     orgmri_eventlog_stats *stats, orgmri_error *err)
{
	orgmri_eventlog_options defaults = ORGMRI_EVENTLOG_OPTIONS_INIT;
	ocel_state ls;
	orgmri_error local;
	memset(&ls, 0, sizeof(ls));
	ls.name = name;
	ls.opts = opts ? opts : &defaults;
	ls.err = err ? err : &local;
	json_t *root = NULL;
	if (stats)
		memset(stats, 0, sizeof(*stats));
	int rc = load(&ls, fp, &root);
	if (!rc)
		rc = ocel_emit_document(root, name, opts, sink, stats, err);
	json_decref(root);
	return rc;
}

/* The SQLite form is told by its header, whatever the file is called. */
static int is_sqlite(const char *path)
{
	char head[16];
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return 0;
	int yes = fread(head, 1, 16, fp) == 16 &&
	          memcmp(head, "SQLite format 3", 16) == 0;
	fclose(fp);
	return yes;
}

static int detect_ocel(const char *path)
{
	if (orgmri_path_has_suffix(path, ".jsonocel") ||
	    orgmri_path_has_suffix(path, ".jsonocel.gz") ||
	    orgmri_path_has_suffix(path, ".ocel.json") ||
	    orgmri_path_has_suffix(path, ".xmlocel") ||
	    orgmri_path_has_suffix(path, ".xmlocel.gz"))
		return 10;
	/* any SQLite file named .sqlite/.sqliteocel is taken for OCEL 2.0; the
	 * reader says so clearly when its tables are missing */
	return (orgmri_path_has_suffix(path, ".sqlite") ||
	        orgmri_path_has_suffix(path, ".sqliteocel")) &&
	       is_sqlite(path) ? 5 : 0;
}

static int read_sqlite(FILE *fp, const char *name,
                       const orgmri_eventlog_options *opts, orgmri_sink *sink,
                       orgmri_eventlog_stats *stats, orgmri_error *err)
{
	(void)fp;
	return orgmri_ocel_read_sqlite(name, opts, sink, stats, err);
}

/* The XML form: named .xmlocel, or its first non-blank byte is '<'. */
static int is_xml(const char *path)
{
	if (orgmri_path_has_suffix(path, ".xmlocel") ||
	    orgmri_path_has_suffix(path, ".xmlocel.gz"))
		return 1;
	FILE *fp = fopen(path, "rb");
	int c = EOF;
	if (fp) {
		while ((c = getc(fp)) == ' ' || c == '\t' || c == '\n' || c == '\r')
			;
		fclose(fp);
	}
	return c == '<';
}

static int run_ocel(orgmri_adapter_ctx *ctx, orgmri_error *err)
{
	eventlog_reader read = is_sqlite(ctx->path) ? read_sqlite
	                       : is_xml(ctx->path) ? orgmri_ocel_read_xml
	                       : orgmri_ocel_read;
	return orgmri_eventlog_run(ctx, read, err);
}

const orgmri_adapter orgmri_adapter_ocel = {
	"ocel", "object-centric event log, OCEL 2.0 JSON, XML or SQLite "
	"(.jsonocel, .xmlocel, .sqlite; docs/eventlogs.md)",
	detect_ocel, run_ocel, ORGMRI_ADAPTER_STREAM | ORGMRI_ADAPTER_VALIDATED,
};
