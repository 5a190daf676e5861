/*
 * table.c - the loader: the store read once into the columnar event table
 * (table.h) that every analysis uses.
 *
 * Events come out of SQLite in row order and are bucketed by object with a
 * counting sort (objects are few compared to events), then each object's
 * short run is sorted by time, activity and actor.  Attribute objects are
 * interned by their stored text, so events sharing the same attributes
 * (most do) share one decoded set.  Object keys and the distinct attribute
 * values go into one string blob, referred to by 32-bit offsets; an
 * event's object is not stored (its position in obj_first says it).
 *
 * When a snapshot of the table at the store's current generation lies
 * beside the store (snapshot.c), the table is that file mapped instead,
 * and after a load from SQLite the snapshot is (re)written for the next
 * run.  Either way the caller gets the same table (tests/unit/
 * test_snapshot.c compares them member by member).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>  /* malloc_trim */
#endif

#include "core/attrs.h"
#include "core/util.h"
#include "model/snapshot.h"
#include "orgmri/table.h"
#include "store/internal.h"

/* A table loaded from SQLite owns its arrays (malloc'd, dictionary
 * strings in the arena and pools, object keys and attribute values in
 * `strings`).  A mapped table's arrays live in `map` (its dictionaries'
 * pointer arrays in map.ptrs); the pools then only serve the look-ups.
 * Objects are found by halving the sorted keys either way. */
typedef struct table_internal {
	orgmri_arena arena;
	orgmri_intern types, activities, attr_keys, relations;
	orgmri_buf strings;
	snapshot_map map;
	int mapped;
} table_internal;

static int oom(orgmri_error *err)
{
	return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory while loading");
}

/* Dictionaries numbered in 16-bit columns (table.h). */
static int too_many(orgmri_error *err, const char *path, const char *what)
{
	return orgmri_seterr(err, ORGMRI_ELIMIT, "%s: more than %u distinct %s; "
	                     "the in-memory table numbers them in 16 bits",
	                     path, ORGMRI_TABLE_MAX_NAMES, what);
}

/* Append `len` bytes of `s` and a NUL to the string blob; *off = where
 * they start.  The blob is addressed by 32-bit offsets. */
static int blob_add(orgmri_buf *b, const char *s, size_t len, uint32_t *off)
{
	if (b->len + len + 1 > UINT32_MAX)
		return ORGMRI_ELIMIT;
	*off = (uint32_t)b->len;
	if (orgmri_buf_put(b, s, len) || orgmri_buf_putc(b, '\0'))
		return ORGMRI_ENOMEM;
	return 0;
}

/* Grow-on-demand id -> index map for database row ids. */
typedef struct idx_map {
	uint32_t *v;
	size_t n;
} idx_map;

static int idx_set(idx_map *m, int64_t id, uint32_t idx)
{
	if (id < 0 || id > (int64_t)UINT32_MAX)
		return ORGMRI_ECORRUPT;
	if ((size_t)id >= m->n) {
		size_t n = m->n ? m->n : 1024;
		while (n <= (size_t)id)
			n *= 2;
		uint32_t *v = orgmri_reallocarray(m->v, n, sizeof(*v));
		if (!v)
			return ORGMRI_ENOMEM;
		for (size_t i = m->n; i < n; i++)
			v[i] = ORGMRI_NONE;
		m->v = v;
		m->n = n;
	}
	m->v[id] = idx;
	return 0;
}

static uint32_t idx_get(const idx_map *m, int64_t id)
{
	return id >= 0 && (size_t)id < m->n ? m->v[id] : ORGMRI_NONE;
}

typedef struct okey {
	const char *key;
	int64_t id;
	uint32_t type;
} okey;

static int cmp_okey(const void *a, const void *b)
{
	return strcmp(((const okey *)a)->key, ((const okey *)b)->key);
}

static int load_objects(orgmri_store *s, orgmri_table *t, table_internal *in,
                        idx_map *om, orgmri_error *err)
{
	sqlite3_stmt *st;
	int rc = orgmri_store_prepare(s, "SELECT id, type, key FROM objects",
	                              &st, err);
	if (rc)
		return rc;
	okey *ks = NULL;
	size_t n = 0, cap = 0;
	int step;
	/* Keys are held here only until sorted and interned (the intern
	 * pool keeps the one lasting copy). */
	orgmri_arena tmp;
	orgmri_arena_init(&tmp, 1 << 20);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			okey *k = orgmri_reallocarray(ks, cap, sizeof(*k));
			if (!k) {
				rc = oom(err);
				goto done;
			}
			ks = k;
		}
		const char *type = (const char *)sqlite3_column_text(st, 1);
		int64_t tid = orgmri_intern_add(&in->types, type, strlen(type));
		ks[n].id = sqlite3_column_int64(st, 0);
		ks[n].key = orgmri_arena_strdup(&tmp,
		                                (const char *)sqlite3_column_text(st, 2));
		if (tid < 0 || !ks[n].key) {
			rc = oom(err);
			goto done;
		}
		ks[n].type = (uint32_t)tid;
		n++;
	}
	if (step != SQLITE_DONE) {
		rc = orgmri_store_sqlerr(s, err, "reading objects");
		goto done;
	}
	if (in->types.count > ORGMRI_TABLE_MAX_NAMES) {
		rc = too_many(err, s->path, "object types");
		goto done;
	}
	if (n)
		qsort(ks, n, sizeof(*ks), cmp_okey);
	t->nobjects = n;
	t->obj_type = calloc(n ? n : 1, sizeof(*t->obj_type));
	t->obj_key_off = calloc(n ? n : 1, sizeof(*t->obj_key_off));
	t->obj_first = calloc(n + 1, sizeof(*t->obj_first));
	if (!t->obj_type || !t->obj_key_off || !t->obj_first) {
		rc = oom(err);
		goto done;
	}
	/* Keys go into the blob in key order, so orgmri_table_object can
	 * halve them. */
	for (size_t i = 0; i < n; i++) {
		t->obj_type[i] = (uint16_t)ks[i].type;
		int brc = blob_add(&in->strings, ks[i].key, strlen(ks[i].key),
		                   &t->obj_key_off[i]);
		if (brc == ORGMRI_ELIMIT) {
			rc = orgmri_seterr(err, ORGMRI_ELIMIT, "%s: more than 4 GiB "
			                   "of object keys", s->path);
			goto done;
		}
		if (brc || idx_set(om, ks[i].id, (uint32_t)i)) {
			rc = oom(err);
			goto done;
		}
	}
done:
	orgmri_arena_free(&tmp);
	free(ks);
	sqlite3_finalize(st);
	return rc;
}

/* Read an id/name table into an intern pool and an id map. */
static int load_names(orgmri_store *s, const char *sql, orgmri_intern *pool,
                      idx_map *m, uint8_t **flags, orgmri_error *err)
{
	sqlite3_stmt *st;
	int rc = orgmri_store_prepare(s, sql, &st, err);
	if (rc)
		return rc;
	size_t fcap = 0;
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 1);
		int64_t k = orgmri_intern_add(pool, name ? name : "",
		                              name ? strlen(name) : 0);
		if (k < 0 || idx_set(m, sqlite3_column_int64(st, 0), (uint32_t)k)) {
			rc = oom(err);
			break;
		}
		if (flags) {
			if ((size_t)k >= fcap) {
				fcap = fcap ? fcap * 2 : 256;
				uint8_t *f = realloc(*flags, fcap);
				if (!f) {
					rc = oom(err);
					break;
				}
				*flags = f;
			}
			(*flags)[k] = (uint8_t)sqlite3_column_int(st, 2);
		}
	}
	if (!rc && step != SQLITE_DONE)
		rc = orgmri_store_sqlerr(s, err, "reading names");
	sqlite3_finalize(st);
	return rc;
}

/* aset_add's answer for an attribute key past ORGMRI_TABLE_MAX_NAMES
 * (positive: not one of the ORGMRI_E* codes it also returns). */
#define ASET_TOO_MANY_KEYS 1

/* Attribute sets: decoded once per distinct stored text; each distinct
 * value goes into the string blob once (values repeat a lot). */
typedef struct aset_builder {
	orgmri_intern raw;     /* stored text -> set id - 1 */
	orgmri_intern values;  /* value -> index into value_at */
	uint32_t *value_at;    /* its offset in the blob */
	size_t cap_values;
	uint32_t *first, *value;
	uint16_t *key;
	size_t nsets, npairs, cap_sets, cap_pairs;
	orgmri_buf scratch;
} aset_builder;

/* Blob offset of attribute value v (added when new). */
static int aset_value(aset_builder *b, orgmri_buf *blob, const char *v,
                      uint32_t *off)
{
	size_t len = strlen(v);
	uint32_t before = b->values.count;
	int64_t id = orgmri_intern_add(&b->values, v, len);
	if (id < 0)
		return ORGMRI_ENOMEM;
	if ((uint32_t)id < before) {
		*off = b->value_at[id];
		return 0;
	}
	if ((size_t)id >= b->cap_values) {
		size_t cap = b->cap_values ? b->cap_values * 2 : 1024;
		uint32_t *at = orgmri_reallocarray(b->value_at, cap, sizeof(*at));
		if (!at)
			return ORGMRI_ENOMEM;
		b->value_at = at;
		b->cap_values = cap;
	}
	int rc = blob_add(blob, v, len, off);
	if (!rc)
		b->value_at[id] = *off;
	return rc;
}

static int aset_add(aset_builder *b, table_internal *in, const char *text,
                    size_t len, uint32_t *out)
{
	if (len == 0) {
		*out = 0;
		return 0;
	}
	uint32_t before = b->raw.count;
	int64_t k = orgmri_intern_add(&b->raw, text, len);
	if (k < 0)
		return ORGMRI_ENOMEM;
	*out = (uint32_t)k + 1;
	if ((uint32_t)k < before)
		return 0;
	orgmri_attr attrs[256];
	long na = orgmri_attrs_decode(text, len, &b->scratch, attrs, 256);
	if (na < 0)
		return na == ORGMRI_ENOMEM ? ORGMRI_ENOMEM : ORGMRI_ECORRUPT;
	if (b->nsets + 3 > b->cap_sets) {
		size_t cap = b->cap_sets ? b->cap_sets * 2 : 1024;
		uint32_t *f = orgmri_reallocarray(b->first, cap, sizeof(*f));
		if (!f)
			return ORGMRI_ENOMEM;
		b->first = f;
		b->cap_sets = cap;
	}
	if (b->npairs + (size_t)na > b->cap_pairs) {
		size_t cap = b->cap_pairs ? b->cap_pairs * 2 : 4096;
		while (cap < b->npairs + (size_t)na)
			cap *= 2;
		uint16_t *kk = orgmri_reallocarray(b->key, cap, sizeof(*kk));
		if (kk)
			b->key = kk;
		uint32_t *vv = orgmri_reallocarray(b->value, cap, sizeof(*vv));
		if (vv)
			b->value = vv;
		if (!kk || !vv)
			return ORGMRI_ENOMEM;
		b->cap_pairs = cap;
	}
	/* set ids start at 1; first[s] for s >= 1 */
	size_t s = (size_t)k + 1;
	b->first[s] = (uint32_t)b->npairs;
	for (long i = 0; i < na; i++) {
		int64_t kid = orgmri_intern_add(&in->attr_keys, attrs[i].name,
		                                strlen(attrs[i].name));
		if (kid < 0)
			return ORGMRI_ENOMEM;
		if (kid >= (int64_t)ORGMRI_TABLE_MAX_NAMES)
			return ASET_TOO_MANY_KEYS;
		int vrc = aset_value(b, &in->strings, attrs[i].value,
		                     &b->value[b->npairs]);
		if (vrc)
			return vrc;
		b->key[b->npairs] = (uint16_t)kid;
		b->npairs++;
	}
	b->nsets = s;
	b->first[s + 1] = (uint32_t)b->npairs;
	return 0;
}

/* Ties in time are broken by activity name, then actor name, then row:
 * ranks of the names are computed once so comparisons stay on integers. */
typedef struct sort_ctx {
	const orgmri_table *t;
	uint32_t *act_rank, *person_rank;
} sort_ctx;

static int cmp_event(const void *a, const void *b, void *arg)
{
	const sort_ctx *c = arg;
	const orgmri_table *t = c->t;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	if (t->ev_time[x] != t->ev_time[y])
		return t->ev_time[x] < t->ev_time[y] ? -1 : 1;
	uint32_t ax = c->act_rank[t->ev_activity[x]];
	uint32_t ay = c->act_rank[t->ev_activity[y]];
	if (ax != ay)
		return ax < ay ? -1 : 1;
	uint32_t px = c->person_rank[t->ev_actor[x]];
	uint32_t py = c->person_rank[t->ev_actor[y]];
	if (px != py)
		return px < py ? -1 : 1;
	return x < y ? -1 : x > y;
}

static int cmp_name_idx(const void *a, const void *b, void *arg)
{
	const char *const *names = arg;
	return strcmp(names[*(const uint32_t *)a], names[*(const uint32_t *)b]);
}

/* rank[i] = position of names[i] in sorted order. */
static uint32_t *name_ranks(const char *const *names, size_t n)
{
	uint32_t *idx = malloc((n ? n : 1) * sizeof(*idx));
	uint32_t *rank = malloc((n ? n : 1) * sizeof(*rank));
	if (!idx || !rank) {
		free(idx);
		free(rank);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		idx[i] = (uint32_t)i;
	qsort_r(idx, n, sizeof(*idx), cmp_name_idx, (void *)names);
	for (size_t i = 0; i < n; i++)
		rank[idx[i]] = (uint32_t)i;
	free(idx);
	return rank;
}

/* new[j] = old[perm[j]] for a column of `width`-byte elements (2, 4, 8),
 * gathered into `scratch` (room for n elements of 8 bytes) and copied
 * back.  The reads are random but independent, so the processor overlaps
 * their cache misses; following the permutation's cycles in place instead
 * (the first version) makes each read wait for the one before and took
 * 37% of a 5-million-event load (perf), for one column of scratch less. */
static void permute(void *column, size_t width, const uint32_t *perm,
                    void *scratch, size_t n)
{
	if (width == 8) {
		const int64_t *src = column;
		int64_t *dst = scratch;
		for (size_t j = 0; j < n; j++)
			dst[j] = src[perm[j]];
	} else if (width == 4) {
		const uint32_t *src = column;
		uint32_t *dst = scratch;
		for (size_t j = 0; j < n; j++)
			dst[j] = src[perm[j]];
	} else {
		const uint16_t *src = column;
		uint16_t *dst = scratch;
		for (size_t j = 0; j < n; j++)
			dst[j] = src[perm[j]];
	}
	memcpy(column, scratch, n * width);
}

/* Put events in (object, time, activity, actor, row) order; ev_object
 * (the loader's own column, not kept) gives each event's object. */
static int sort_events(orgmri_table *t, const uint32_t *ev_object,
                       orgmri_error *err)
{
	size_t n = t->nevents;
	uint32_t *count = t->obj_first;  /* nobjects + 1, zeroed */
	for (size_t i = 0; i < n; i++)
		count[ev_object[i] + 1]++;
	for (size_t o = 0; o < t->nobjects; o++)
		count[o + 1] += count[o];
	uint32_t *perm = malloc((n ? n : 1) * sizeof(*perm));
	uint32_t *pos = malloc((t->nobjects + 1) * sizeof(*pos));
	if (!perm || !pos) {
		free(perm);
		free(pos);
		return oom(err);
	}
	memcpy(pos, count, (t->nobjects + 1) * sizeof(*pos));
	for (size_t i = 0; i < n; i++)
		perm[pos[ev_object[i]]++] = (uint32_t)i;
	free(pos);
	sort_ctx sc = { t, name_ranks(t->activity_names, t->nactivities),
	                name_ranks(t->person_names, t->npeople) };
	if (!sc.act_rank || !sc.person_rank) {
		free(sc.act_rank);
		free(sc.person_rank);
		free(perm);
		return oom(err);
	}
	for (size_t o = 0; o < t->nobjects; o++) {
		size_t lo = count[o], hi = count[o + 1];
		if (hi - lo > 1)
			qsort_r(perm + lo, hi - lo, sizeof(*perm), cmp_event, &sc);
	}
	free(sc.act_rank);
	free(sc.person_rank);
	/* Apply the permutation column by column through one scratch
	 * column (freed before the load returns). */
	int64_t *scratch = malloc((n ? n : 1) * sizeof(int64_t));
	if (!scratch) {
		free(perm);
		return oom(err);
	}
	permute(t->ev_time, sizeof(int64_t), perm, scratch, n);
	permute(t->ev_activity, sizeof(uint16_t), perm, scratch, n);
	permute(t->ev_actor, sizeof(uint32_t), perm, scratch, n);
	permute(t->ev_attrs, sizeof(uint32_t), perm, scratch, n);
	free(scratch);
	free(perm);
	return 0;
}

/* Reads the events in row order; *ev_object (malloc'd, the caller frees)
 * receives each one's object for sort_events. */
static int load_events(orgmri_store *s, orgmri_table *t, table_internal *in,
                       const idx_map *om, const idx_map *am,
                       const idx_map *pm, aset_builder *ab,
                       uint32_t **ev_object, orgmri_error *err)
{
	long long total = 0;
	sqlite3_stmt *st;
	int rc = orgmri_store_prepare(s, "SELECT count(*) FROM events", &st, err);
	if (rc)
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW)
		total = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (total >= (long long)UINT32_MAX)
		return orgmri_seterr(err, ORGMRI_ELIMIT, "more than 4 billion events");
	size_t cap = (size_t)total + 1;
	uint32_t *evo = *ev_object = malloc(cap * sizeof(uint32_t));
	t->ev_activity = malloc(cap * sizeof(uint16_t));
	t->ev_time = malloc(cap * sizeof(int64_t));
	t->ev_actor = malloc(cap * sizeof(uint32_t));
	t->ev_attrs = malloc(cap * sizeof(uint32_t));
	if (!evo || !t->ev_activity || !t->ev_time || !t->ev_actor ||
	    !t->ev_attrs)
		return oom(err);
	if ((rc = orgmri_store_prepare(s,
		"SELECT object_id, activity_id, time, actor_id, attrs FROM events",
		&st, err)))
		return rc;
	size_t n = 0;
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (n + 1 >= cap)
			break; /* rows appeared since the count; ignore them */
		uint32_t o = idx_get(om, sqlite3_column_int64(st, 0));
		uint32_t a = idx_get(am, sqlite3_column_int64(st, 1));
		uint32_t p = idx_get(pm, sqlite3_column_int64(st, 3));
		if (o == ORGMRI_NONE || a == ORGMRI_NONE || p == ORGMRI_NONE) {
			rc = orgmri_seterr(err, ORGMRI_ECORRUPT,
			                   "%s: an event refers to a missing object, "
			                   "activity or person", s->path);
			break;
		}
		evo[n] = o;
		t->ev_activity[n] = (uint16_t)a;  /* < 65536: load_sqlite */
		t->ev_time[n] = sqlite3_column_int64(st, 2);
		t->ev_actor[n] = p;
		const char *at = (const char *)sqlite3_column_text(st, 4);
		int arc = aset_add(ab, in, at ? at : "",
		                   (size_t)sqlite3_column_bytes(st, 4), &t->ev_attrs[n]);
		if (arc) {
			if (arc == ORGMRI_ENOMEM)
				rc = oom(err);
			else if (arc == ASET_TOO_MANY_KEYS)
				rc = too_many(err, s->path, "attribute keys");
			else if (arc == ORGMRI_ELIMIT)
				rc = orgmri_seterr(err, ORGMRI_ELIMIT, "%s: more than "
				                   "4 GiB of object keys and attribute "
				                   "values", s->path);
			else
				rc = orgmri_seterr(err, ORGMRI_ECORRUPT,
				                   "%s: damaged event attributes", s->path);
			break;
		}
		n++;
	}
	if (!rc && step != SQLITE_DONE && step != SQLITE_ROW)
		rc = orgmri_store_sqlerr(s, err, "reading events");
	sqlite3_finalize(st);
	t->nevents = n;
	return rc;
}

typedef struct lrow {
	uint32_t src, dst, rel;
} lrow;

static int cmp_lrow_src(const void *a, const void *b)
{
	const lrow *x = a, *y = b;
	if (x->src != y->src)
		return x->src < y->src ? -1 : 1;
	if (x->dst != y->dst)
		return x->dst < y->dst ? -1 : 1;
	return x->rel < y->rel ? -1 : x->rel > y->rel;
}

static int cmp_lrow_dst(const void *a, const void *b)
{
	const lrow *x = a, *y = b;
	if (x->dst != y->dst)
		return x->dst < y->dst ? -1 : 1;
	if (x->src != y->src)
		return x->src < y->src ? -1 : 1;
	return x->rel < y->rel ? -1 : x->rel > y->rel;
}

static int load_links(orgmri_store *s, orgmri_table *t, table_internal *in,
                      const idx_map *om, orgmri_error *err)
{
	sqlite3_stmt *st;
	int rc = orgmri_store_prepare(s,
		"SELECT DISTINCT src_id, dst_id, relation FROM links", &st, err);
	if (rc)
		return rc;
	lrow *rows = NULL;
	size_t n = 0, cap = 0;
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			lrow *r = orgmri_reallocarray(rows, cap, sizeof(*r));
			if (!r) {
				rc = oom(err);
				goto done;
			}
			rows = r;
		}
		const char *rel = (const char *)sqlite3_column_text(st, 2);
		int64_t rid = orgmri_intern_add(&in->relations, rel, strlen(rel));
		rows[n].src = idx_get(om, sqlite3_column_int64(st, 0));
		rows[n].dst = idx_get(om, sqlite3_column_int64(st, 1));
		if (rid < 0) {
			rc = oom(err);
			goto done;
		}
		if (rid >= (int64_t)ORGMRI_TABLE_MAX_NAMES) {
			rc = too_many(err, s->path, "link relations");
			goto done;
		}
		if (rows[n].src == ORGMRI_NONE || rows[n].dst == ORGMRI_NONE) {
			rc = orgmri_seterr(err, ORGMRI_ECORRUPT,
			                   "%s: a link refers to a missing object",
			                   s->path);
			goto done;
		}
		rows[n].rel = (uint32_t)rid;
		n++;
	}
	if (step != SQLITE_DONE) {
		rc = orgmri_store_sqlerr(s, err, "reading links");
		goto done;
	}
	t->nlinks = n;
	size_t no = t->nobjects;
	t->link_first = calloc(no + 1, sizeof(uint32_t));
	t->rlink_first = calloc(no + 1, sizeof(uint32_t));
	t->link_dst = malloc((n ? n : 1) * sizeof(uint32_t));
	t->link_rel = malloc((n ? n : 1) * sizeof(uint16_t));
	t->rlink_src = malloc((n ? n : 1) * sizeof(uint32_t));
	t->rlink_rel = malloc((n ? n : 1) * sizeof(uint16_t));
	if (!t->link_first || !t->rlink_first || !t->link_dst || !t->link_rel ||
	    !t->rlink_src || !t->rlink_rel) {
		rc = oom(err);
		goto done;
	}
	/* qsort(NULL, 0, ...) is undefined behaviour: a store without links */
	if (n)
		qsort(rows, n, sizeof(*rows), cmp_lrow_src);
	for (size_t i = 0; i < n; i++) {
		t->link_first[rows[i].src + 1]++;
		t->link_dst[i] = rows[i].dst;
		t->link_rel[i] = (uint16_t)rows[i].rel;
	}
	if (n)
		qsort(rows, n, sizeof(*rows), cmp_lrow_dst);
	for (size_t i = 0; i < n; i++) {
		t->rlink_first[rows[i].dst + 1]++;
		t->rlink_src[i] = rows[i].src;
		t->rlink_rel[i] = (uint16_t)rows[i].rel;
	}
	for (size_t o = 0; o < no; o++) {
		t->link_first[o + 1] += t->link_first[o];
		t->rlink_first[o + 1] += t->rlink_first[o];
	}
done:
	free(rows);
	sqlite3_finalize(st);
	return rc;
}

static orgmri_table *table_new(void)
{
	orgmri_table *t = calloc(1, sizeof(*t));
	table_internal *in = calloc(1, sizeof(*in));
	if (!t || !in) {
		free(t);
		free(in);
		return NULL;
	}
	t->internal = in;
	orgmri_arena_init(&in->arena, 1 << 20);
	orgmri_intern_init(&in->types);
	orgmri_intern_init(&in->activities);
	orgmri_intern_init(&in->attr_keys);
	orgmri_intern_init(&in->relations);
	return t;
}

/* The whole store read from SQLite; *gen is the store's generation in the
 * same read transaction (0 when it keeps none). */
static int load_sqlite(orgmri_store *s, orgmri_table **out, uint64_t *gen,
                       orgmri_error *err)
{
	*out = NULL;
	*gen = 0;
	orgmri_table *t = table_new();
	if (!t)
		return oom(err);
	table_internal *in = t->internal;
	orgmri_intern people;
	orgmri_intern_init(&people);
	idx_map om = { 0 }, am = { 0 }, pm = { 0 };
	aset_builder ab;
	memset(&ab, 0, sizeof(ab));
	orgmri_intern_init(&ab.raw);
	orgmri_intern_init(&ab.values);
	uint8_t *bot = NULL;
	uint32_t *ev_object = NULL;
	int rc;

	/* Offset 0 of the blob is "": the blob is never empty and ends
	 * with a NUL, as in a snapshot. */
	if (orgmri_buf_putc(&in->strings, '\0')) {
		rc = oom(err);
		goto fail;
	}
	/* One read transaction: a consistent snapshot even while an ingest
	 * runs in another process (WAL). */
	if ((rc = orgmri_store_exec(s, "BEGIN", err)))
		goto fail;
	if (orgmri_store_generation(s, gen, NULL))
		*gen = 0;
	if ((rc = load_objects(s, t, in, &om, err)) ||
	    (rc = load_names(s, "SELECT id, name FROM activities ORDER BY id",
	                     &in->activities, &am, NULL, err)) ||
	    (in->activities.count > ORGMRI_TABLE_MAX_NAMES &&
	     (rc = too_many(err, s->path, "activities"))) ||
	    (rc = load_names(s, "SELECT id, name, bot FROM people ORDER BY id",
	                     &people, &pm, &bot, err)) ||
	    (rc = load_events(s, t, in, &om, &am, &pm, &ab, &ev_object, err)) ||
	    (rc = load_links(s, t, in, &om, err))) {
		orgmri_store_exec(s, "ROLLBACK", NULL);
		goto fail;
	}
	orgmri_store_exec(s, "COMMIT", NULL);

	/* People: person 0 must be "" (the store's row 0). */
	t->npeople = people.count;
	t->person_names = calloc(people.count + 1, sizeof(char *));
	t->person_bot = calloc(people.count + 1, 1);
	if (!t->person_names || !t->person_bot) {
		rc = oom(err);
		goto fail;
	}
	for (uint32_t i = 0; i < people.count; i++) {
		t->person_names[i] = orgmri_arena_strdup(&in->arena, people.names[i]);
		if (!t->person_names[i]) {
			rc = oom(err);
			goto fail;
		}
		t->person_bot[i] = bot ? bot[i] : 0;
	}
	t->ntypes = in->types.count;
	t->type_names = in->types.names;
	t->nactivities = in->activities.count;
	t->activity_names = in->activities.names;
	t->nrelations = in->relations.count;
	t->relation_names = in->relations.names;
	t->nattr_keys = in->attr_keys.count;
	t->attr_key_names = in->attr_keys.names;
	t->nasets = ab.nsets + 1;
	t->aset_first = ab.first ? ab.first : calloc(2, sizeof(uint32_t));
	ab.first = NULL;
	if (!t->aset_first) {
		rc = oom(err);
		goto fail;
	}
	t->aset_first[0] = 0;
	if (ab.nsets == 0)
		t->aset_first[1] = 0;
	t->aset_key = ab.key;
	t->aset_value_off = ab.value;
	ab.key = NULL;
	ab.value = NULL;
	t->strings = in->strings.ptr;
	t->nstring_bytes = in->strings.len;
	if ((rc = sort_events(t, ev_object, err)))
		goto fail;
	*out = t;
	goto cleanup;
fail:
	orgmri_table_free(t);
cleanup:
	free(om.v);
	free(am.v);
	free(pm.v);
	free(bot);
	free(ev_object);
	orgmri_intern_free(&people);
	orgmri_intern_free(&ab.raw);
	orgmri_intern_free(&ab.values);
	free(ab.value_at);
	free(ab.first);
	free(ab.key);
	free(ab.value);
	orgmri_buf_free(&ab.scratch);
	return rc;
}

/* Snapshots are on unless ORGMRI_SNAPSHOT=0 (benchmarks compare both). */
static int snapshots_enabled(void)
{
	const char *v = getenv("ORGMRI_SNAPSHOT");
	return !v || strcmp(v, "0") != 0;
}

/* Look-up pools for the small dictionaries of a mapped table; each name
 * must come back with its own index (names are unique). */
static int intern_all(orgmri_intern *pool, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (orgmri_intern_add(pool, names[i], strlen(names[i])) != (int64_t)i)
			return -1;
	return 0;
}

static int load_mapped(const char *path, uint64_t gen, orgmri_table **out)
{
	orgmri_table *t = table_new();
	if (!t)
		return ORGMRI_ENOMEM;
	table_internal *in = t->internal;
	int rc = snapshot_map_file(path, gen, t, &in->map, NULL);
	if (rc) {
		orgmri_table_free(t);
		return rc;
	}
	in->mapped = 1;
	if (intern_all(&in->types, t->type_names, t->ntypes) ||
	    intern_all(&in->activities, t->activity_names, t->nactivities) ||
	    intern_all(&in->attr_keys, t->attr_key_names, t->nattr_keys) ||
	    intern_all(&in->relations, t->relation_names, t->nrelations)) {
		orgmri_table_free(t);
		return ORGMRI_ECORRUPT;
	}
	*out = t;
	return 0;
}

/* Give freed heap pages back to the system after a load from SQLite:
 * the loader's scratch (row id maps, the sort's permutation, the decoded
 * attribute pool) and, when the snapshot replaced it, the heap table were
 * malloc'd in pieces, and glibc keeps freed heap memory for reuse. */
static void release_free_memory(void)
{
#ifdef __GLIBC__
	malloc_trim(0);
#endif
}

/* A store we may write may have its snapshot written beside it (also when
 * this process opened it read-only, as the analyses do). */
static int may_write_beside(const orgmri_store *s)
{
	return !s->readonly || access(s->path, W_OK) == 0;
}

int orgmri_table_load(orgmri_store *s, orgmri_table **out, orgmri_error *err)
{
	*out = NULL;
	char *snap = snapshots_enabled() ? snapshot_path(s->path) : NULL;
	uint64_t gen = 0;
	if (snap && orgmri_store_generation(s, &gen, NULL) == 0 &&
	    load_mapped(snap, gen, out) == 0) {
		free(snap);
		return 0;
	}
	int rc = load_sqlite(s, out, &gen, err);
	/* Best effort: without a snapshot the next load reads SQLite again,
	 * which is slower but right, so a failure here is not the load's.
	 * Once written, the snapshot replaces the heap table: the same
	 * table (checked like any other snapshot, at this generation) in
	 * fewer resident bytes and shared with other processes.  The heap
	 * table goes first, so that the two are never resident together;
	 * in the rare case that the file cannot be mapped after all
	 * (replaced meanwhile by a newer one, out of memory) the store is
	 * read again. */
	if (!rc && snap && gen && may_write_beside(s) &&
	    snapshot_write(*out, gen, snap, NULL) == 0) {
		orgmri_table_free(*out);
		*out = NULL;
		release_free_memory();
		if (load_mapped(snap, gen, out) != 0)
			rc = load_sqlite(s, out, &gen, err);
	}
	release_free_memory();
	free(snap);
	return rc;
}

void orgmri_table_free(orgmri_table *t)
{
	if (!t)
		return;
	table_internal *in = t->internal;
	if (in && in->mapped) {
		snapshot_unmap(&in->map);
		goto pools;
	}
	free(t->ev_activity);
	free(t->ev_time);
	free(t->ev_actor);
	free(t->ev_attrs);
	free(t->obj_type);
	free(t->obj_key_off);
	free(t->obj_first);
	free(t->link_first);
	free(t->link_dst);
	free(t->link_rel);
	free(t->rlink_first);
	free(t->rlink_src);
	free(t->rlink_rel);
	free((void *)t->person_names);
	free(t->person_bot);
	free(t->aset_first);
	free(t->aset_key);
	free(t->aset_value_off);
pools:
	if (in) {
		orgmri_buf_free(&in->strings);
		orgmri_arena_free(&in->arena);
		orgmri_intern_free(&in->types);
		orgmri_intern_free(&in->activities);
		orgmri_intern_free(&in->attr_keys);
		orgmri_intern_free(&in->relations);
		free(in);
	}
	free(t);
}

static uint32_t find(const orgmri_intern *pool, const char *name)
{
	return orgmri_intern_find(pool, name, strlen(name));
}

uint32_t orgmri_table_activity(const orgmri_table *t, const char *name)
{
	return find(&((table_internal *)t->internal)->activities, name);
}

uint32_t orgmri_table_type(const orgmri_table *t, const char *name)
{
	return find(&((table_internal *)t->internal)->types, name);
}

uint32_t orgmri_table_attr_key(const orgmri_table *t, const char *name)
{
	return find(&((table_internal *)t->internal)->attr_keys, name);
}

uint32_t orgmri_table_relation(const orgmri_table *t, const char *name)
{
	return find(&((table_internal *)t->internal)->relations, name);
}

uint32_t orgmri_table_object(const orgmri_table *t, const char *key)
{
	/* the keys are sorted by strcmp (by the loader; checked when
	 * mapped) */
	size_t lo = 0, hi = t->nobjects;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(orgmri_table_object_key(t, mid), key);
		if (c == 0)
			return (uint32_t)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return ORGMRI_NONE;
}

const char *orgmri_table_attr(const orgmri_table *t, size_t ev, uint32_t key)
{
	uint32_t s = t->ev_attrs[ev];
	if (s == 0 || key == ORGMRI_NONE)
		return NULL;
	for (uint32_t i = t->aset_first[s]; i < t->aset_first[s + 1]; i++)
		if (t->aset_key[i] == key)
			return orgmri_table_aset_value(t, i);
	return NULL;
}

uint32_t orgmri_table_event_object(const orgmri_table *t, size_t ev)
{
	/* the last o with obj_first[o] <= ev; objects without events
	 * share their obj_first with the next one, so the last wins */
	size_t lo = 0, hi = t->nobjects;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->obj_first[mid] <= ev)
			lo = mid;
		else
			hi = mid;
	}
	return (uint32_t)lo;
}
