/*
 * ocel.c - the OCEL 2.0 JSON writer (eventlog.h).
 *
 * OCEL wants objects and events as separate lists, and one OCEL event may
 * stand for several orgmri events (one per object; see the reader in
 * ingest/ocel.c), so everything is buffered and the document is built
 * with jansson at close.  Rules, in the reader's terms reversed:
 *
 * - Every object seen (event object or related) becomes an OCEL object
 *   with id = its orgmri key "TYPE:KEY" and type = TYPE; the reader keeps
 *   such an id as the key, so a round trip does not grow the keys.
 * - ORGMRI_OCEL_OBJECT_ACTIVITY events become the object's time-stamped
 *   attribute values, and their related objects its O2O relationships
 *   (qualifier from the "ocel:o2o:TARGET" attribute, else "related").
 * - Events carrying ORGMRI_OCEL_QUALIFIER and a discriminator came from
 *   an OCEL log: those with equal (discriminator, activity, time) are
 *   merged into one OCEL event with that id, relating all their objects.
 * - Any other event becomes its own OCEL event "orgmri:eN" (N counts from
 *   1 in time order) relating its object (qualifier "") and its related
 *   objects (qualifier "related"); its actor becomes "org:resource".
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "orgmri/time.h"
#include "render/eventlog_writer.h"

typedef struct orec {
	int64_t time;
	const char *object, *activity, *disc, *actor, *qual;
	const char **related;
	size_t nrelated;
	orgmri_attr *attrs;
	size_t nattrs;
	size_t seq;                 /* arrival order, for a stable sort */
} orec;

typedef struct ocel_buf {
	orgmri_arena arena;
	orec *r;
	size_t n, cap;
} ocel_buf;

static char *dup(ocel_buf *o, const char *s)
{
	return s ? orgmri_arena_strdup(&o->arena, s) : NULL;
}

static int ocel_event(orgmri_sink *s, const orgmri_event *ev, orgmri_error *err)
{
	orgmri_eventlog_writer *w = (orgmri_eventlog_writer *)s;
	ocel_buf *o = w->ocel_state;
	if (o->n == o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 1024;
		orec *r = orgmri_reallocarray(o->r, cap, sizeof(*r));
		if (!r)
			goto oom;
		o->r = r;
		o->cap = cap;
	}
	orec *r = &o->r[o->n];
	memset(r, 0, sizeof(*r));
	r->time = ev->time;
	r->seq = o->n;
	r->object = dup(o, ev->object);
	r->activity = dup(o, ev->activity);
	r->disc = dup(o, ev->discriminator ? ev->discriminator : "");
	r->actor = ev->actor && ev->actor[0] ? dup(o, ev->actor) : NULL;
	r->related = orgmri_arena_alloc(&o->arena, (ev->nrelated + 1) *
	                                sizeof(*r->related));
	r->attrs = orgmri_arena_alloc(&o->arena, (ev->nattrs + 1) *
	                              sizeof(*r->attrs));
	if (!r->object || !r->activity || !r->disc || !r->related || !r->attrs)
		goto oom;
	for (size_t i = 0; i < ev->nrelated; i++)
		if (!(r->related[i] = dup(o, ev->related[i])))
			goto oom;
	r->nrelated = ev->nrelated;
	for (size_t i = 0; i < ev->nattrs; i++) {
		if (strcmp(ev->attrs[i].name, ORGMRI_OCEL_QUALIFIER) == 0) {
			if (!(r->qual = dup(o, ev->attrs[i].value)))
				goto oom;
			continue;
		}
		orgmri_attr *a = &r->attrs[r->nattrs++];
		a->type = ev->attrs[i].type;
		a->name = dup(o, ev->attrs[i].name);
		a->value = dup(o, ev->attrs[i].value);
		if (!a->name || !a->value)
			goto oom;
	}
	o->n++;
	return 0;
oom:
	return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
}

int orgmri_ocel_writer_new(orgmri_eventlog_writer **out, FILE *fp,
                           orgmri_error *err)
{
	orgmri_eventlog_writer *w = calloc(1, sizeof(*w));
	ocel_buf *o = calloc(1, sizeof(*o));
	*out = NULL;
	if (!w || !o) {
		free(w);
		free(o);
		return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	}
	orgmri_arena_init(&o->arena, 64 * 1024);
	w->sink.event = ocel_event;
	w->fp = fp;
	w->ocel = 1;
	w->ocel_state = o;
	*out = w;
	return 0;
}

void ocel_writer_free(orgmri_eventlog_writer *w)
{
	ocel_buf *o = w->ocel_state;
	if (!o)
		return;
	orgmri_arena_free(&o->arena);
	free(o->r);
	free(o);
	w->ocel_state = NULL;
}

/* ---- building the document ---------------------------------------- */

static json_t *typed(const orgmri_attr *a)
{
	switch (a->type) {
	case ORGMRI_ATTR_INT: return json_integer(strtoll(a->value, NULL, 10));
	case ORGMRI_ATTR_REAL: return json_real(strtod(a->value, NULL));
	case ORGMRI_ATTR_BOOL: return json_boolean(strcmp(a->value, "true") == 0);
	default: return json_string(a->value);
	}
}

static const char *type_name(orgmri_attr_type t)
{
	static const char *const names[] = { "string", "integer", "float",
	                                     "boolean" };
	return (unsigned)t < 4 ? names[t] : "string";
}

static json_t *time_str(int64_t ms)
{
	char tb[ORGMRI_TIME_BUFSZ];
	return json_string(orgmri_time_format(ms, tb));
}

/* Declare attribute `name` on type `type` in types (name -> {attr: type}). */
static void declare(json_t *types, const char *type, const orgmri_attr *a)
{
	json_t *t = json_object_get(types, type);
	if (!t) {
		t = json_object();
		json_object_set_new(types, type, t);
	}
	if (a && !json_object_get(t, a->name))
		json_object_set_new(t, a->name, json_string(type_name(a->type)));
}

/* The OCEL object for key, created on first use. */
static json_t *object_for(json_t *objects, json_t *otypes, const char *key)
{
	json_t *o = json_object_get(objects, key);
	if (o)
		return o;
	size_t tl = orgmri_object_type_len(key);
	char *type = strndup(key, tl ? tl : strlen(key));
	o = json_pack("{s:s, s:s, s:[], s:[]}", "id", key, "type",
	              type ? type : "", "attributes", "relationships");
	if (type)
		declare(otypes, type, NULL);
	free(type);
	json_object_set_new(objects, key, o);
	return o;
}

static void object_record(const orec *r, json_t *objects, json_t *otypes)
{
	json_t *o = object_for(objects, otypes, r->object);
	json_t *attrs = json_object_get(o, "attributes");
	json_t *rels = json_object_get(o, "relationships");
	const char *type = json_string_value(json_object_get(o, "type"));
	for (size_t i = 0; i < r->nattrs; i++) {
		const orgmri_attr *a = &r->attrs[i];
		if (strncmp(a->name, "ocel:o2o:", 9) == 0)
			continue;
		declare(otypes, type, a);
		json_array_append_new(attrs, json_pack("{s:s, s:o, s:o}", "name",
		                      a->name, "time", time_str(r->time), "value",
		                      typed(a)));
	}
	for (size_t i = 0; i < r->nrelated; i++) {
		const char *q = "related";
		for (size_t k = 0; k < r->nattrs; k++)
			if (strncmp(r->attrs[k].name, "ocel:o2o:", 9) == 0 &&
			    strcmp(r->attrs[k].name + 9, r->related[i]) == 0)
				q = r->attrs[k].value;
		object_for(objects, otypes, r->related[i]);
		json_array_append_new(rels, json_pack("{s:s, s:s}", "objectId",
		                      r->related[i], "qualifier", q));
	}
}

static int cmp_rec(const void *pa, const void *pb)
{
	const orec *a = *(const orec *const *)pa, *b = *(const orec *const *)pb;
	if (a->time != b->time)
		return a->time < b->time ? -1 : 1;
	int ga = a->qual && a->disc[0], gb = b->qual && b->disc[0];
	if (ga != gb)
		return ga ? -1 : 1;
	if (ga) {
		int c = strcmp(a->disc, b->disc);
		if (c)
			return c;
		if ((c = strcmp(a->activity, b->activity)))
			return c;
	}
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int same_event(const orec *a, const orec *b)
{
	return a->qual && b->qual && a->disc[0] && a->time == b->time &&
	       strcmp(a->disc, b->disc) == 0 &&
	       strcmp(a->activity, b->activity) == 0;
}

/* One OCEL event from the records g[0..n). */
static json_t *event_of(orec **g, size_t n, size_t *counter, json_t *etypes,
                        json_t *objects, json_t *otypes)
{
	const orec *r = g[0];
	char id[40];
	if (!(r->qual && r->disc[0]))
		snprintf(id, sizeof(id), "orgmri:e%zu", ++*counter);
	json_t *attrs = json_array(), *rels = json_array();
	declare(etypes, r->activity, NULL);
	for (size_t i = 0; i < r->nattrs; i++) {
		declare(etypes, r->activity, &r->attrs[i]);
		json_array_append_new(attrs, json_pack("{s:s, s:o}", "name",
		                      r->attrs[i].name, "value", typed(&r->attrs[i])));
	}
	if (r->actor) {
		orgmri_attr a = { "org:resource", r->actor, ORGMRI_ATTR_STRING };
		declare(etypes, r->activity, &a);
		json_array_append_new(attrs, json_pack("{s:s, s:s}", "name",
		                      "org:resource", "value", r->actor));
	}
	for (size_t k = 0; k < n; k++) {
		object_for(objects, otypes, g[k]->object);
		json_array_append_new(rels, json_pack("{s:s, s:s}", "objectId",
		                      g[k]->object, "qualifier",
		                      g[k]->qual ? g[k]->qual : ""));
	}
	if (!(r->qual && r->disc[0]))
		for (size_t i = 0; i < r->nrelated; i++) {
			object_for(objects, otypes, r->related[i]);
			json_array_append_new(rels, json_pack("{s:s, s:s}", "objectId",
			                      r->related[i], "qualifier", "related"));
		}
	return json_pack("{s:s, s:s, s:o, s:o, s:o}", "id",
	                 r->qual && r->disc[0] ? r->disc : id, "type", r->activity,
	                 "time", time_str(r->time), "attributes", attrs,
	                 "relationships", rels);
}

/* {name: {attr: type}} -> [{"name", "attributes": [{"name", "type"}]}] */
static json_t *type_list(json_t *types)
{
	json_t *out = json_array();
	const char *name, *an;
	json_t *attrs, *t;
	json_object_foreach(types, name, attrs) {
		json_t *list = json_array();
		json_object_foreach(attrs, an, t)
			json_array_append_new(list, json_pack("{s:s, s:O}", "name", an,
			                                      "type", t));
		json_array_append_new(out, json_pack("{s:s, s:o}", "name", name,
		                                     "attributes", list));
	}
	return out;
}

int ocel_writer_finish(orgmri_eventlog_writer *w, orgmri_error *err)
{
	ocel_buf *o = w->ocel_state;
	int rc = 0;
	orec **order = malloc((o->n + 1) * sizeof(*order));
	json_t *objects = json_object(), *otypes = json_object();
	json_t *etypes = json_object(), *events = json_array(), *doc = NULL;
	if (!order || !objects || !otypes || !etypes || !events) {
		rc = orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
		goto done;
	}
	size_t ne = 0, counter = 0;
	for (size_t i = 0; i < o->n; i++) {
		if (strcmp(o->r[i].activity, ORGMRI_OCEL_OBJECT_ACTIVITY) == 0)
			object_record(&o->r[i], objects, otypes);
		else
			order[ne++] = &o->r[i];
	}
	qsort(order, ne, sizeof(*order), cmp_rec);
	for (size_t i = 0, j; i < ne; i = j) {
		for (j = i + 1; j < ne && same_event(order[i], order[j]);)
			j++;
		json_array_append_new(events, event_of(order + i, j - i, &counter,
		                                       etypes, objects, otypes));
	}
	json_t *olist = json_array();
	const char *key;
	json_t *v;
	json_object_foreach(objects, key, v)
		json_array_append(olist, v);
	doc = json_pack("{s:o, s:o, s:o, s:O}", "objectTypes", type_list(otypes),
	                "eventTypes", type_list(etypes), "objects", olist,
	                "events", events);
	if (!doc || json_dumpf(doc, w->fp, JSON_INDENT(1) | JSON_PRESERVE_ORDER |
	                       JSON_ENSURE_ASCII) != 0 ||
	    fputc('\n', w->fp) == EOF)
		rc = orgmri_seterr(err, doc ? ORGMRI_EIO : ORGMRI_ENOMEM,
		                   doc ? "write failed" : "out of memory");
done:
	free(order);
	json_decref(doc);
	json_decref(objects);
	json_decref(otypes);
	json_decref(etypes);
	json_decref(events);
	return rc;
}
