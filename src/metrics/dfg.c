/*
 * dfg.c - the process map (map.h): directly-follows graph, per-activity
 * frequency and working time, and variants, computed from the event table.
 *
 * One pass over the cases: each case's events are put in sequence order
 * (a small sort per case), then every consecutive pair is appended to one
 * flat array of (from, to, wait) and every start/complete pair to one of
 * (activity, work).  Sorting those arrays groups them, which gives counts,
 * means and exact medians without a hash table per edge.  Variants are
 * interned as byte strings of activity ids.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/util.h"
#include "orgmri/eventlog.h"
#include "orgmri/map.h"

typedef struct step {
	int64_t time, pos;      /* pos = -1 when the event has none */
	uint32_t ev;
} step;

typedef struct timed {
	uint32_t a, b;          /* activities (b unused for work records) */
	int64_t ms;
} timed;

typedef struct vec {
	void *v;
	size_t n, cap;
} vec;

static int vec_push(vec *x, const void *item, size_t size)
{
	if (x->n == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 1024;
		void *v = orgmri_reallocarray(x->v, cap, size);
		if (!v)
			return ORGMRI_ENOMEM;
		x->v = v;
		x->cap = cap;
	}
	memcpy((char *)x->v + x->n * size, item, size);
	x->n++;
	return 0;
}

typedef struct map_internal {
	orgmri_intern variants;
	long long *vcount;
	size_t vcount_cap;
	uint32_t *acts;         /* translated variant sequences */
} map_internal;

typedef struct builder {
	const orgmri_table *t;
	const orgmri_map_options *o;
	uint32_t type;          /* ORGMRI_NONE = any */
	uint32_t pos_key, life_key;
	uint8_t *excluded;      /* per table activity */
	long long *count, *starts, *ends;   /* per table activity */
	vec edges, work;        /* timed */
	vec seq;                /* step, the current case */
	int32_t *qhead, *qtail; /* per table activity: open starts (FIFO) */
	int32_t *qnext;         /* per case position */
	size_t qnext_cap;
	vec touched;            /* uint32 activities with an open queue */
	vec vbytes;             /* uint32 activity ids of the current case */
	orgmri_map *m;
	map_internal *in;
} builder;

static int cmp_time(const void *pa, const void *pb)
{
	const step *a = pa, *b = pb;
	if (a->time != b->time)
		return a->time < b->time ? -1 : 1;
	if (a->pos != b->pos)
		return a->pos < b->pos ? -1 : 1;
	return a->ev < b->ev ? -1 : a->ev > b->ev;
}

static int cmp_pos(const void *pa, const void *pb)
{
	const step *a = pa, *b = pb;
	if (a->pos != b->pos)
		return a->pos < b->pos ? -1 : 1;
	return a->ev < b->ev ? -1 : a->ev > b->ev;
}

static int64_t position_of(const builder *b, size_t ev)
{
	if (b->pos_key == ORGMRI_NONE)
		return -1;
	const char *v = orgmri_table_attr(b->t, ev, b->pos_key);
	if (!v)
		return -1;
	char *end;
	long long p = strtoll(v, &end, 10);
	return *end || p < 0 ? -1 : p;
}

/* 1 = start, 2 = complete, 0 = other/absent. */
static int transition_of(const builder *b, size_t ev)
{
	if (b->life_key == ORGMRI_NONE)
		return 0;
	const char *v = orgmri_table_attr(b->t, ev, b->life_key);
	if (!v)
		return 0;
	if (strcasecmp(v, "start") == 0)
		return 1;
	if (strcasecmp(v, "complete") == 0)
		return 2;
	return 0;
}

/* Pair starts and completes of one case (FIFO per activity). */
static int working_times(builder *b, const step *s, size_t n)
{
	const orgmri_table *t = b->t;
	if (n > b->qnext_cap) {
		int32_t *q = orgmri_reallocarray(b->qnext, n, sizeof(*q));
		if (!q)
			return ORGMRI_ENOMEM;
		b->qnext = q;
		b->qnext_cap = n;
	}
	b->touched.n = 0;
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		uint32_t a = t->ev_activity[s[i].ev];
		int tr = transition_of(b, s[i].ev);
		if (tr == 1) {
			b->qnext[i] = -1;
			if (b->qhead[a] < 0) {
				b->qhead[a] = (int32_t)i;
				rc = vec_push(&b->touched, &a, sizeof(a));
			} else {
				b->qnext[b->qtail[a]] = (int32_t)i;
			}
			b->qtail[a] = (int32_t)i;
		} else if (tr == 2 && b->qhead[a] >= 0) {
			int32_t j = b->qhead[a];
			b->qhead[a] = b->qnext[j];
			timed w = { a, 0, s[i].time - s[j].time };
			rc = vec_push(&b->work, &w, sizeof(w));
		}
	}
	uint32_t *tv = b->touched.v;
	for (size_t i = 0; i < b->touched.n; i++)
		b->qhead[tv[i]] = -1;
	return rc;
}

static int one_case(builder *b, uint32_t o)
{
	const orgmri_table *t = b->t;
	b->seq.n = 0;
	int all_pos = 1, rc;
	for (uint32_t e = t->obj_first[o]; e < t->obj_first[o + 1]; e++) {
		if (b->excluded[t->ev_activity[e]] || t->ev_time[e] < b->o->since ||
		    t->ev_time[e] > b->o->until)
			continue;
		step s = { t->ev_time[e], position_of(b, e), e };
		if (s.pos < 0)
			all_pos = 0;
		if ((rc = vec_push(&b->seq, &s, sizeof(s))))
			return rc;
	}
	size_t n = b->seq.n;
	if (n == 0)
		return 0;
	step *s = b->seq.v;
	qsort(s, n, sizeof(*s), b->o->document_order && all_pos ? cmp_pos
	                                                       : cmp_time);
	orgmri_map *m = b->m;
	m->cases++;
	b->vbytes.n = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t a = t->ev_activity[s[i].ev];
		if (m->events == 0 || s[i].time < m->first_time)
			m->first_time = s[i].time;
		if (m->events == 0 || s[i].time > m->last_time)
			m->last_time = s[i].time;
		m->events++;
		b->count[a]++;
		if ((rc = vec_push(&b->vbytes, &a, sizeof(a))))
			return rc;
		if (i > 0) {
			int64_t w = s[i].time - s[i - 1].time;
			timed x = { t->ev_activity[s[i - 1].ev], a, w > 0 ? w : 0 };
			if ((rc = vec_push(&b->edges, &x, sizeof(x))))
				return rc;
		}
	}
	b->starts[t->ev_activity[s[0].ev]]++;
	b->ends[t->ev_activity[s[n - 1].ev]]++;

	map_internal *in = b->in;
	int64_t id = orgmri_intern_add(&in->variants, b->vbytes.v,
	                               n * sizeof(uint32_t));
	if (id < 0)
		return ORGMRI_ENOMEM;
	if ((size_t)id >= in->vcount_cap) {
		size_t cap = in->vcount_cap ? in->vcount_cap * 2 : 256;
		long long *c = orgmri_reallocarray(in->vcount, cap, sizeof(*c));
		if (!c)
			return ORGMRI_ENOMEM;
		memset(c + in->vcount_cap, 0, (cap - in->vcount_cap) * sizeof(*c));
		in->vcount = c;
		in->vcount_cap = cap;
	}
	in->vcount[id]++;
	return working_times(b, s, n);
}

static int cmp_timed(const void *pa, const void *pb)
{
	const timed *a = pa, *b = pb;
	if (a->a != b->a)
		return a->a < b->a ? -1 : 1;
	if (a->b != b->b)
		return a->b < b->b ? -1 : 1;
	return a->ms < b->ms ? -1 : a->ms > b->ms;
}

/* Mean and median of the sorted values x[0..n). */
static void mean_median(const timed *x, size_t n, double *mean,
                        double *median)
{
	double sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += (double)x[i].ms;
	*mean = sum / (double)n;
	*median = n % 2 ? (double)x[n / 2].ms
	                : ((double)x[n / 2 - 1].ms + (double)x[n / 2].ms) / 2;
}

/* Table activities by name (qsort_r with the table as context). */
static int cmp_act_name(const void *pa, const void *pb, void *ctx)
{
	const orgmri_table *t = ctx;
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	return strcmp(t->activity_names[a], t->activity_names[b]);
}

static int cmp_variant(const void *pa, const void *pb)
{
	const orgmri_map_variant *a = pa, *b = pb;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	for (size_t i = 0; i < a->len && i < b->len; i++)
		if (a->acts[i] != b->acts[i])
			return a->acts[i] < b->acts[i] ? -1 : 1;
	return a->len < b->len ? -1 : a->len > b->len;
}

/* Turn the per-table-activity counts and the flat arrays into the map. */
static int finish(builder *b)
{
	const orgmri_table *t = b->t;
	orgmri_map *m = b->m;
	map_internal *in = b->in;
	uint32_t *order = malloc((t->nactivities + 1) * sizeof(*order));
	uint32_t *to_map = malloc((t->nactivities + 1) * sizeof(*to_map));
	int rc = ORGMRI_ENOMEM;
	if (!order || !to_map)
		goto done;
	size_t na = 0;
	for (uint32_t a = 0; a < t->nactivities; a++)
		if (b->count[a])
			order[na++] = a;
	qsort_r(order, na, sizeof(*order), cmp_act_name, (void *)t);
	m->activities = calloc(na ? na : 1, sizeof(*m->activities));
	if (!m->activities)
		goto done;
	m->nactivities = na;
	for (size_t i = 0; i < na; i++) {
		uint32_t a = order[i];
		to_map[a] = (uint32_t)i;
		orgmri_map_activity *x = &m->activities[i];
		x->name = t->activity_names[a];
		x->count = b->count[a];
		x->starts = b->starts[a];
		x->ends = b->ends[a];
	}

	timed *e = b->edges.v;
	for (size_t i = 0; i < b->edges.n; i++) {
		e[i].a = to_map[e[i].a];
		e[i].b = to_map[e[i].b];
	}
	if (b->edges.n)  /* e is NULL when empty */
		qsort(e, b->edges.n, sizeof(*e), cmp_timed);
	m->edges = calloc(b->edges.n ? b->edges.n : 1, sizeof(*m->edges));
	if (!m->edges)
		goto done;
	for (size_t i = 0, j; i < b->edges.n; i = j) {
		for (j = i; j < b->edges.n && e[j].a == e[i].a && e[j].b == e[i].b;)
			j++;
		orgmri_map_edge *x = &m->edges[m->nedges++];
		x->from = e[i].a;
		x->to = e[i].b;
		x->count = (long long)(j - i);
		mean_median(e + i, j - i, &x->wait_mean_ms, &x->wait_median_ms);
	}

	timed *w = b->work.v;
	for (size_t i = 0; i < b->work.n; i++)
		w[i].a = to_map[w[i].a];
	if (b->work.n)
		qsort(w, b->work.n, sizeof(*w), cmp_timed);
	for (size_t i = 0, j; i < b->work.n; i = j) {
		for (j = i; j < b->work.n && w[j].a == w[i].a;)
			j++;
		orgmri_map_activity *x = &m->activities[w[i].a];
		x->work_pairs = (long long)(j - i);
		mean_median(w + i, j - i, &x->work_mean_ms, &x->work_median_ms);
	}

	size_t nv = in->variants.count, total = 0;
	for (size_t v = 0; v < nv; v++)
		total += in->variants.lens[v] / sizeof(uint32_t);
	m->variants = calloc(nv ? nv : 1, sizeof(*m->variants));
	in->acts = malloc((total ? total : 1) * sizeof(*in->acts));
	if (!m->variants || !in->acts)
		goto done;
	size_t off = 0;
	for (size_t v = 0; v < nv; v++) {
		size_t len = in->variants.lens[v] / sizeof(uint32_t);
		const uint32_t *src = (const uint32_t *)in->variants.names[v];
		for (size_t i = 0; i < len; i++)
			in->acts[off + i] = to_map[src[i]];
		m->variants[v] = (orgmri_map_variant){ in->acts + off, len,
		                                       in->vcount[v] };
		off += len;
	}
	m->nvariants = nv;
	qsort(m->variants, nv, sizeof(*m->variants), cmp_variant);
	rc = 0;
done:
	free(order);
	free(to_map);
	return rc;
}

static int prepare(builder *b, orgmri_error *err)
{
	const orgmri_table *t = b->t;
	size_t na = t->nactivities ? t->nactivities : 1;
	b->excluded = calloc(na, 1);
	b->count = calloc(na, sizeof(long long));
	b->starts = calloc(na, sizeof(long long));
	b->ends = calloc(na, sizeof(long long));
	b->qhead = malloc(na * sizeof(int32_t));
	b->qtail = malloc(na * sizeof(int32_t));
	if (!b->excluded || !b->count || !b->starts || !b->ends || !b->qhead ||
	    !b->qtail)
		return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	for (size_t a = 0; a < na; a++)
		b->qhead[a] = -1;
	for (size_t i = 0; i < b->o->nexclude; i++) {
		uint32_t a = orgmri_table_activity(t, b->o->exclude[i]);
		if (a != ORGMRI_NONE)
			b->excluded[a] = 1;
	}
	b->type = ORGMRI_NONE;
	if (b->o->object_type) {
		b->type = orgmri_table_type(t, b->o->object_type);
		if (b->type == ORGMRI_NONE)
			return orgmri_seterr(err, ORGMRI_ENOTFOUND,
			                     "no objects of type \"%s\" in the store",
			                     b->o->object_type);
	}
	b->pos_key = orgmri_table_attr_key(t, ORGMRI_XES_POSITION);
	b->life_key = orgmri_table_attr_key(t, "lifecycle:transition");
	return 0;
}

static void builder_free(builder *b)
{
	free(b->excluded);
	free(b->count);
	free(b->starts);
	free(b->ends);
	free(b->qhead);
	free(b->qtail);
	free(b->qnext);
	free(b->edges.v);
	free(b->work.v);
	free(b->seq.v);
	free(b->touched.v);
	free(b->vbytes.v);
}

int orgmri_map_build(const orgmri_table *t, const orgmri_map_options *opts,
                     orgmri_map **out, orgmri_error *err)
{
	orgmri_map_options defaults = ORGMRI_MAP_OPTIONS_INIT;
	builder b;
	memset(&b, 0, sizeof(b));
	b.t = t;
	b.o = opts ? opts : &defaults;
	*out = NULL;
	orgmri_map *m = calloc(1, sizeof(*m));
	map_internal *in = calloc(1, sizeof(*in));
	int rc;
	if (!m || !in) {
		free(m);
		free(in);
		return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	}
	orgmri_intern_init(&in->variants);
	m->internal = in;
	b.m = m;
	b.in = in;
	if ((rc = prepare(&b, err)))
		goto done;
	/* a version-1 caller's struct ends before `objects` */
	int listed = b.o->version >= 2 && b.o->objects;
	size_t n = listed ? b.o->nobjects : t->nobjects;
	for (size_t i = 0; i < n; i++) {
		uint32_t o = listed ? b.o->objects[i] : (uint32_t)i;
		if (o >= t->nobjects ||
		    (b.type != ORGMRI_NONE && t->obj_type[o] != b.type))
			continue;
		if ((rc = one_case(&b, o)))
			goto nomem;
	}
	if ((rc = finish(&b)))
		goto nomem;
	*out = m;
	goto done;
nomem:
	orgmri_seterr(err, rc, "out of memory while building the map");
done:
	builder_free(&b);
	if (!*out)
		orgmri_map_free(m);
	return rc;
}

void orgmri_map_free(orgmri_map *m)
{
	if (!m)
		return;
	map_internal *in = m->internal;
	if (in) {
		orgmri_intern_free(&in->variants);
		free(in->vcount);
		free(in->acts);
		free(in);
	}
	free(m->activities);
	free(m->edges);
	free(m->variants);
	free(m);
}
