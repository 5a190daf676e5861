/*
 * ocel_xml.c - the OCEL 2.0 XML form, read with xmlscan into the JSON
 * form's document shape and handed to ocel.c (like ocel_sqlite.c).
 *
 * The layout (ocel2-validation.xsd):
 *
 *   <log>
 *     <object-types><object-type name=T><attributes>
 *       <attribute name=A type=string|integer|float|boolean|time/>...
 *     <event-types> (the same with event-type)
 *     <objects><object id= type=>
 *       <attributes><attribute name= time=>VALUE</attribute>...</attributes>
 *       <objects><relationship object-id= qualifier=/>...</objects>
 *     <events><event id= type= time=>
 *       <attributes><attribute name=>VALUE</attribute>...</attributes>
 *       <objects><relationship object-id= qualifier=/>...</objects>
 *
 * Values are element text, typed by the declaration of their attribute on
 * the object or event type (integer, float, boolean; anything that does
 * not parse as declared stays text).
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "ingest/eventlog_common.h"
#include "ingest/gzinput.h"
#include "ingest/xmlscan.h"

typedef struct ox {
	json_t *root, *objects, *events;
	json_t *types;            /* "o:TYPE" / "e:TYPE" -> {attr: type} */
	json_t *decl;             /* the type being declared, or NULL */
	json_t *cur;              /* the object or event being read */
	const char *cur_kind;     /* "o:" or "e:" */
	json_t *attr;             /* the attribute being read */
	orgmri_buf text;
	int in_attr, oom;
	int ocel2;                /* saw <object-types> or <event-types> */
} ox;

/* Local name (after any prefix). */
static const char *local(const char *name)
{
	const char *c = strrchr(name, ':');
	return c ? c + 1 : name;
}

static const char *att(const char **atts, const char *name)
{
	for (size_t i = 0; atts[i]; i += 2)
		if (strcmp(atts[i], name) == 0)
			return atts[i + 1];
	return NULL;
}

/* A JSON string, or null when absent or not valid UTF-8 (the mapping
 * then reports the record as bad). */
static json_t *str_or_null(const char *s)
{
	json_t *v = s ? json_string(s) : NULL;
	return v ? v : json_null();
}

static void declare_type(ox *x, const char *kind, const char **atts)
{
	const char *name = att(atts, "name");
	if (!name)
		return;
	orgmri_buf k = ORGMRI_BUF_INIT;
	orgmri_buf_puts(&k, kind);
	orgmri_buf_puts(&k, name);
	x->decl = json_object();
	if (k.oom || json_object_set_new(x->types, orgmri_buf_cstr(&k), x->decl))
		x->oom = 1;
	orgmri_buf_free(&k);
}

static void start_entity(ox *x, const char *kind, const char **atts,
                         json_t *list)
{
	x->cur_kind = kind;
	x->cur = json_pack("{s:o, s:o, s:[], s:[]}", "id",
	                   str_or_null(att(atts, "id")), "type",
	                   str_or_null(att(atts, "type")), "attributes",
	                   "relationships");
	const char *t = att(atts, "time");
	if (x->cur && t)
		json_object_set_new(x->cur, "time", str_or_null(t));
	if (!x->cur || json_array_append_new(list, x->cur))
		x->oom = 1;
}

static void on_start(void *p, const char *name, const char **atts)
{
	ox *x = p;
	const char *n = local(name);
	if (strcmp(n, "object-types") == 0 || strcmp(n, "event-types") == 0)
		x->ocel2 = 1;
	if (strcmp(n, "object-type") == 0) {
		declare_type(x, "o:", atts);
	} else if (strcmp(n, "event-type") == 0) {
		declare_type(x, "e:", atts);
	} else if (strcmp(n, "object") == 0 && !x->cur) {
		start_entity(x, "o:", atts, x->objects);
	} else if (strcmp(n, "event") == 0 && !x->cur) {
		start_entity(x, "e:", atts, x->events);
	} else if (strcmp(n, "attribute") == 0 && x->decl && !x->cur) {
		const char *an = att(atts, "name"), *at = att(atts, "type");
		if (an && at)
			json_object_set_new(x->decl, an, json_string(at));
	} else if (strcmp(n, "attribute") == 0 && x->cur) {
		json_decref(x->attr);  /* an <attribute> nested in one: dropped */
		x->attr = json_pack("{s:o}", "name", str_or_null(att(atts, "name")));
		const char *t = att(atts, "time");
		if (x->attr && t)
			json_object_set_new(x->attr, "time", str_or_null(t));
		x->in_attr = 1;
		orgmri_buf_clear(&x->text);
	} else if (strcmp(n, "relationship") == 0 && x->cur) {
		json_t *r = json_pack("{s:o, s:o}", "objectId",
		                      str_or_null(att(atts, "object-id")), "qualifier",
		                      str_or_null(att(atts, "qualifier")));
		if (!r || json_array_append_new(json_object_get(x->cur,
		                                "relationships"), r))
			x->oom = 1;
	}
}

static void on_text(void *p, const char *text, size_t len)
{
	ox *x = p;
	if (x->in_attr)
		orgmri_buf_put(&x->text, text, len);
}

/* The value as its declared type says, else as text. */
static json_t *typed_value(ox *x, const char *name, const char *v)
{
	json_t *t = NULL;
	if (name && x->cur) {
		const char *type = json_string_value(json_object_get(x->cur, "type"));
		orgmri_buf k = ORGMRI_BUF_INIT;
		orgmri_buf_puts(&k, x->cur_kind);
		orgmri_buf_puts(&k, type ? type : "");
		t = json_object_get(json_object_get(x->types, orgmri_buf_cstr(&k)),
		                    name);
		orgmri_buf_free(&k);
	}
	const char *ts = json_string_value(t);
	char *end;
	if (ts && strcmp(ts, "integer") == 0) {
		long long i = strtoll(v, &end, 10);
		if (*v && !*end)
			return json_integer(i);
	} else if (ts && strcmp(ts, "float") == 0) {
		double d = strtod(v, &end);
		if (*v && !*end && d == d && d - d == 0)
			return json_real(d);
	} else if (ts && strcmp(ts, "boolean") == 0) {
		if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
			return json_true();
		if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
			return json_false();
	}
	return json_string(v);
}

static void on_end(void *p, const char *name)
{
	ox *x = p;
	const char *n = local(name);
	if (strcmp(n, "attribute") == 0 && x->in_attr) {
		x->in_attr = 0;
		const char *v = orgmri_buf_cstr(&x->text);
		json_t *val = x->text.oom ? NULL
		              : typed_value(x, json_string_value(json_object_get(
		                            x->attr, "name")), v ? v : "");
		/* invalid UTF-8 gives no string: the reader reports the value */
		if (x->attr && val)
			json_object_set_new(x->attr, "value", val);
		if (!x->attr || json_array_append_new(json_object_get(x->cur,
		                                      "attributes"), x->attr))
			x->oom = 1;
		x->attr = NULL;
	} else if (strcmp(n, "object") == 0 || strcmp(n, "event") == 0) {
		x->cur = NULL;
	} else if (strcmp(n, "object-type") == 0 || strcmp(n, "event-type") == 0) {
		x->decl = NULL;
	}
}

int orgmri_ocel_read_xml(FILE *fp, const char *name,
                         const orgmri_eventlog_options *opts, orgmri_sink *sink,
                         orgmri_eventlog_stats *stats, orgmri_error *err)
{
	static const xmlscan_handlers handlers = { on_start, on_end, on_text };
	orgmri_error local_err;
	ox x;
	memset(&x, 0, sizeof(x));
	if (!err)
		err = &local_err;
	if (stats)
		memset(stats, 0, sizeof(*stats));
	x.root = json_pack("{s:[], s:[]}", "objects", "events");
	x.types = json_object();
	if (!x.root || !x.types) {
		json_decref(x.root);
		json_decref(x.types);
		return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	}
	x.objects = json_object_get(x.root, "objects");
	x.events = json_object_get(x.root, "events");
	uint64_t max = opts && opts->max_bytes ? opts->max_bytes
	                                       : ORGMRI_EVENTLOG_MAX_BYTES;
	size_t max_value = opts && opts->max_value ? opts->max_value
	                                           : ORGMRI_EVENTLOG_MAX_VALUE;
	gzinput in;
	xmlscan *scan;
	int rc = gzinput_open(&in, fp, name, max, err);
	if (!rc) {
		rc = xmlscan_run(&in, name, 4 * max_value + (1u << 20), &handlers, &x,
		                 &scan, err);
		gzinput_close(&in);
	}
	if (!rc && x.oom)
		rc = orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	if (!rc && !x.ocel2)
		rc = orgmri_seterr(err, ORGMRI_EUNSUPPORTED, "%s: not an OCEL 2.0 XML "
		                   "log (no <object-types> or <event-types>; OCEL 1.0 "
		                   "is not read)", name);
	json_decref(x.attr);
	if (!rc)
		rc = ocel_emit_document(x.root, name, opts, sink, stats, err);
	orgmri_buf_free(&x.text);
	json_decref(x.root);
	json_decref(x.types);
	return rc;
}
