/*
 * xes.c - the XES writer (eventlog.h): orgmri events out as an XES 1849
 * log that ProM, pm4py, Disco and Celonis open.
 *
 * Events arrive object by object (the store's replay order).  One object's
 * events are buffered and written as one <trace> when the next object
 * begins: in ORGMRI_XES_POSITION order when every event has one (so an XES
 * file read in and written out keeps its document order), else in the
 * order received (time).  Related objects have no place in XES and are
 * left out; "case:KEY" attributes go back onto the trace.
 */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "orgmri/eventlog.h"
#include "orgmri/time.h"

#include "render/eventlog_writer.h"

/* XML attribute-value escaping; characters XML 1.0 cannot carry become
 * U+FFFD. */
static void xml_escaped(orgmri_buf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		switch (c) {
		case '&': orgmri_buf_puts(b, "&amp;"); break;
		case '<': orgmri_buf_puts(b, "&lt;"); break;
		case '>': orgmri_buf_puts(b, "&gt;"); break;
		case '"': orgmri_buf_puts(b, "&quot;"); break;
		case '\n': orgmri_buf_puts(b, "&#10;"); break;
		case '\r': orgmri_buf_puts(b, "&#13;"); break;
		case '\t': orgmri_buf_puts(b, "&#9;"); break;
		default:
			if (c < 0x20)
				orgmri_buf_puts(b, "\xEF\xBF\xBD");
			else
				orgmri_buf_putc(b, (char)c);
		}
	}
}

static void xml_attr(orgmri_buf *b, const char *indent, const char *tag,
                     const char *key, const char *value)
{
	orgmri_buf_printf(b, "%s<%s key=\"", indent, tag);
	xml_escaped(b, key);
	orgmri_buf_puts(b, "\" value=\"");
	xml_escaped(b, value);
	orgmri_buf_puts(b, "\"/>\n");
}

static const char *tag_of(orgmri_attr_type t)
{
	static const char *const tags[] = { "string", "int", "float", "boolean" };
	return (unsigned)t < 4 ? tags[t] : "string";
}

static int cmp_pos(const void *pa, const void *pb)
{
	const wevent *a = pa, *b = pb;
	return a->pos < b->pos ? -1 : a->pos > b->pos;
}

static int flush_out(orgmri_eventlog_writer *w, orgmri_error *err)
{
	if (w->out.oom)
		return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	if (w->out.len && fwrite(w->out.ptr, 1, w->out.len, w->fp) != w->out.len)
		return orgmri_seterr(err, ORGMRI_EIO, "write failed");
	orgmri_buf_clear(&w->out);
	return 0;
}

/* The trace name: NAME of "case:LOG/NAME", else the whole key. */
static const char *trace_name(const char *object)
{
	size_t tl = strlen(ORGMRI_XES_CASE_TYPE);
	if (strncmp(object, ORGMRI_XES_CASE_TYPE ":", tl + 1) == 0) {
		const char *slash = strchr(object + tl + 1, '/');
		if (slash && slash[1])
			return slash + 1;
	}
	return object;
}

static int write_trace(orgmri_eventlog_writer *w, orgmri_error *err)
{
	if (!w->object)
		return 0;
	orgmri_buf *b = &w->out;
	char tb[ORGMRI_TIME_BUFSZ];
	if (w->all_pos)
		qsort(w->ev, w->n, sizeof(*w->ev), cmp_pos);
	orgmri_buf_puts(b, "\t<trace>\n");
	xml_attr(b, "\t\t", "string", "concept:name", trace_name(w->object));
	/* case attributes from the first event */
	for (size_t a = 0; w->n && a < w->ev[0].nattrs; a++) {
		const orgmri_attr *x = &w->ev[0].attrs[a];
		if (strncmp(x->name, "case:", 5) == 0 && x->name[5])
			xml_attr(b, "\t\t", tag_of(x->type), x->name + 5, x->value);
	}
	for (size_t i = 0; i < w->n; i++) {
		const wevent *e = &w->ev[i];
		orgmri_buf_puts(b, "\t\t<event>\n");
		xml_attr(b, "\t\t\t", "string", "concept:name", e->activity);
		xml_attr(b, "\t\t\t", "date", "time:timestamp",
		         orgmri_time_format(e->time, tb));
		if (e->actor && e->actor[0])
			xml_attr(b, "\t\t\t", "string", "org:resource", e->actor);
		for (size_t a = 0; a < e->nattrs; a++) {
			const orgmri_attr *x = &e->attrs[a];
			if (strncmp(x->name, "case:", 5) == 0 ||
			    strcmp(x->name, ORGMRI_XES_POSITION) == 0)
				continue;
			xml_attr(b, "\t\t\t", tag_of(x->type), x->name, x->value);
		}
		orgmri_buf_puts(b, "\t\t</event>\n");
		if (b->len > (1u << 20) && flush_out(w, err))
			return ORGMRI_EIO;
	}
	orgmri_buf_puts(b, "\t</trace>\n");
	orgmri_arena_free(&w->arena);
	w->object = NULL;
	w->n = 0;
	return flush_out(w, err);
}

static int xes_event(orgmri_sink *s, const orgmri_event *ev, orgmri_error *err)
{
	orgmri_eventlog_writer *w = (orgmri_eventlog_writer *)s;
	int rc;
	if (w->object && strcmp(w->object, ev->object) != 0 &&
	    (rc = write_trace(w, err)))
		return rc;
	if (!w->object) {
		if (!(w->object = orgmri_arena_strdup(&w->arena, ev->object)))
			goto oom;
		w->all_pos = 1;
	}
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 64;
		wevent *v = orgmri_reallocarray(w->ev, cap, sizeof(*v));
		if (!v)
			goto oom;
		w->ev = v;
		w->cap = cap;
	}
	wevent *e = &w->ev[w->n];
	memset(e, 0, sizeof(*e));
	e->time = ev->time;
	e->pos = -1;
	e->activity = orgmri_arena_strdup(&w->arena, ev->activity);
	e->actor = ev->actor ? orgmri_arena_strdup(&w->arena, ev->actor) : NULL;
	e->attrs = orgmri_arena_alloc(&w->arena, (ev->nattrs + 1) * sizeof(*e->attrs));
	if (!e->activity || !e->attrs || (ev->actor && !e->actor))
		goto oom;
	for (size_t a = 0; a < ev->nattrs; a++) {
		orgmri_attr *x = &e->attrs[a];
		x->type = ev->attrs[a].type;
		x->name = orgmri_arena_strdup(&w->arena, ev->attrs[a].name);
		x->value = orgmri_arena_strdup(&w->arena, ev->attrs[a].value);
		if (!x->name || !x->value)
			goto oom;
		if (strcmp(x->name, ORGMRI_XES_POSITION) == 0)
			e->pos = strtoll(x->value, NULL, 10);
	}
	e->nattrs = ev->nattrs;
	if (e->pos < 0)
		w->all_pos = 0;
	w->n++;
	return 0;
oom:
	return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
}

int orgmri_xes_writer_new(orgmri_eventlog_writer **out, FILE *fp,
                          const char *log_name, orgmri_error *err)
{
	orgmri_eventlog_writer *w = calloc(1, sizeof(*w));
	*out = NULL;
	if (!w)
		return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	w->sink.event = xes_event;
	w->fp = fp;
	orgmri_arena_init(&w->arena, 16 * 1024);
	orgmri_buf *b = &w->out;
	orgmri_buf_puts(b,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<!-- written by orgmri -->\n"
		"<log xes.version=\"1849-2016\" xes.features=\"\" "
		"xmlns=\"http://www.xes-standard.org/\">\n"
		"\t<extension name=\"Concept\" prefix=\"concept\" "
		"uri=\"http://www.xes-standard.org/concept.xesext\"/>\n"
		"\t<extension name=\"Time\" prefix=\"time\" "
		"uri=\"http://www.xes-standard.org/time.xesext\"/>\n"
		"\t<extension name=\"Lifecycle\" prefix=\"lifecycle\" "
		"uri=\"http://www.xes-standard.org/lifecycle.xesext\"/>\n"
		"\t<extension name=\"Organizational\" prefix=\"org\" "
		"uri=\"http://www.xes-standard.org/org.xesext\"/>\n"
		"\t<classifier name=\"Activity\" keys=\"concept:name\"/>\n");
	xml_attr(b, "\t", "string", "concept:name", log_name ? log_name : "orgmri");
	int rc = flush_out(w, err);
	if (rc) {
		orgmri_eventlog_writer_close(w, NULL);
		return rc;
	}
	*out = w;
	return 0;
}

orgmri_sink *orgmri_eventlog_writer_sink(orgmri_eventlog_writer *w)
{
	return &w->sink;
}

int orgmri_eventlog_writer_close(orgmri_eventlog_writer *w, orgmri_error *err)
{
	if (!w)
		return 0;
	orgmri_error local;
	if (!err)
		err = &local;
	int rc = 0;
	if (w->ocel) {
		rc = ocel_writer_finish(w, err);
		ocel_writer_free(w);
	} else {
		rc = write_trace(w, err);
		if (!rc) {
			orgmri_buf_puts(&w->out, "</log>\n");
			rc = flush_out(w, err);
		}
	}
	if (!rc && (fflush(w->fp) != 0 || ferror(w->fp)))
		rc = orgmri_seterr(err, ORGMRI_EIO, "write failed");
	orgmri_arena_free(&w->arena);
	orgmri_buf_free(&w->out);
	free(w->ev);
	free(w);
	return rc;
}
