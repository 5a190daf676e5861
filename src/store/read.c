/*
 * read.c - reading the store back: the summary counts behind
 * `orgmri stats`, and a full ordered replay of the events into a sink
 * (used by `orgmri export`).
 */
#include <stdlib.h>
#include <string.h>

#include "core/attrs.h"
#include "core/util.h"
#include "store/internal.h"

static int count_query(orgmri_store *s, const char *sql, long long *out,
                       orgmri_error *err)
{
	sqlite3_stmt *st;
	int rc = orgmri_store_prepare(s, sql, &st, err);
	if (rc)
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	else
		rc = orgmri_store_sqlerr(s, err, "counting");
	sqlite3_finalize(st);
	return rc;
}

/* Run a "SELECT name, count ... ORDER BY ..." into a counts array whose
 * names live in the same allocation block list (strdup'ed). */
static int group_query(orgmri_store *s, const char *sql, orgmri_count **out,
                       size_t *n, orgmri_error *err)
{
	sqlite3_stmt *st;
	int rc = orgmri_store_prepare(s, sql, &st, err);
	if (rc)
		return rc;
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			orgmri_count *c = orgmri_reallocarray(*out, cap, sizeof(*c));
			if (!c) {
				rc = orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
				goto done;
			}
			*out = c;
		}
		const char *name = (const char *)sqlite3_column_text(st, 0);
		char *copy = strdup(name ? name : "");
		if (!copy) {
			rc = orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
			goto done;
		}
		(*out)[*n].name = copy;
		(*out)[*n].n = sqlite3_column_int64(st, 1);
		(*n)++;
	}
	if (step != SQLITE_DONE)
		rc = orgmri_store_sqlerr(s, err, "counting");
done:
	sqlite3_finalize(st);
	return rc;
}

int orgmri_store_stats(orgmri_store *s, orgmri_stats *st, orgmri_error *err)
{
	memset(st, 0, sizeof(*st));
	int rc;
	if ((rc = count_query(s, "SELECT count(*) FROM objects", &st->objects, err)) ||
	    (rc = count_query(s, "SELECT count(*) FROM events", &st->events, err)) ||
	    (rc = count_query(s, "SELECT count(*) FROM links", &st->links, err)) ||
	    (rc = count_query(s, "SELECT count(*) FROM people WHERE id > 0",
	                      &st->people, err)) ||
	    (rc = count_query(s, "SELECT count(*) FROM ingest_runs", &st->runs, err)))
		goto fail;
	if (st->events > 0) {
		long long lo = 0, hi = 0;
		if ((rc = count_query(s, "SELECT min(time) FROM events", &lo, err)) ||
		    (rc = count_query(s, "SELECT max(time) FROM events", &hi, err)))
			goto fail;
		st->first_time = lo;
		st->last_time = hi;
	}
	if ((rc = group_query(s,
		"SELECT type, count(*) FROM objects GROUP BY type ORDER BY type",
		&st->objects_by_type, &st->nobject_types, err)) ||
	    (rc = group_query(s,
		"SELECT a.name, n FROM (SELECT activity_id, count(*) AS n FROM events"
		" GROUP BY activity_id) c JOIN activities a ON a.id = c.activity_id"
		" ORDER BY a.name", &st->events_by_activity, &st->nactivities, err)) ||
	    (rc = group_query(s,
		"SELECT relation, count(*) FROM links GROUP BY relation"
		" ORDER BY relation", &st->links_by_relation, &st->nrelations, err)))
		goto fail;
	return 0;
fail:
	orgmri_stats_free(st);
	return rc;
}

static void free_counts(orgmri_count *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free((char *)c[i].name);
	free(c);
}

void orgmri_stats_free(orgmri_stats *st)
{
	free_counts(st->objects_by_type, st->nobject_types);
	free_counts(st->events_by_activity, st->nactivities);
	free_counts(st->links_by_relation, st->nrelations);
	memset(st, 0, sizeof(*st));
}

/* Related objects of every event that has any, sorted by event id and
 * then link order, so the replay can walk them alongside. */
typedef struct related_index {
	int64_t *event;
	size_t *first;   /* into keys */
	char **keys;
	size_t n;
	orgmri_arena arena;
} related_index;

static int load_related(orgmri_store *s, related_index *ri, orgmri_error *err)
{
	memset(ri, 0, sizeof(*ri));
	orgmri_arena_init(&ri->arena, 1 << 20);
	sqlite3_stmt *st;
	int rc = orgmri_store_prepare(s,
		"SELECT l.event_id, o.key FROM links l JOIN objects o"
		" ON o.id = l.dst_id ORDER BY l.event_id, l.id", &st, err);
	if (rc)
		return rc;
	size_t cap = 0;
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (ri->n == cap) {
			cap = cap ? cap * 2 : 1024;
			int64_t *e = orgmri_reallocarray(ri->event, cap, sizeof(*e));
			if (e)
				ri->event = e;
			char **k = orgmri_reallocarray(ri->keys, cap, sizeof(*k));
			if (k)
				ri->keys = k;
			if (!e || !k) {
				rc = orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
				break;
			}
		}
		ri->event[ri->n] = sqlite3_column_int64(st, 0);
		ri->keys[ri->n] = orgmri_arena_strdup(&ri->arena,
			(const char *)sqlite3_column_text(st, 1));
		if (!ri->keys[ri->n]) {
			rc = orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
			break;
		}
		ri->n++;
	}
	if (!rc && step != SQLITE_DONE)
		rc = orgmri_store_sqlerr(s, err, "reading links");
	sqlite3_finalize(st);
	return rc;
}

static void free_related(related_index *ri)
{
	free(ri->event);
	free(ri->keys);
	orgmri_arena_free(&ri->arena);
}

/* First index in ri with event id >= id (binary search). */
static size_t related_lower(const related_index *ri, int64_t id)
{
	size_t lo = 0, hi = ri->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ri->event[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int orgmri_store_replay(orgmri_store *s, int64_t since, int64_t until,
                        orgmri_sink *sink, orgmri_error *err)
{
	related_index ri;
	int rc = load_related(s, &ri, err);
	if (rc) {
		free_related(&ri);
		return rc;
	}
	sqlite3_stmt *st = NULL;
	orgmri_buf scratch = ORGMRI_BUF_INIT;
	orgmri_attr attrs[256];
	if ((rc = orgmri_store_prepare(s,
		"SELECT e.id, o.key, a.name, e.time, p.name, e.disc, e.attrs"
		" FROM events e JOIN objects o ON o.id = e.object_id"
		" JOIN activities a ON a.id = e.activity_id"
		" JOIN people p ON p.id = e.actor_id"
		" WHERE e.time >= ? AND e.time <= ?"
		" ORDER BY o.key, e.time, a.name, p.name, e.disc", &st, err)))
		goto done;
	sqlite3_bind_int64(st, 1, since);
	sqlite3_bind_int64(st, 2, until);
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		orgmri_event ev;
		memset(&ev, 0, sizeof(ev));
		int64_t id = sqlite3_column_int64(st, 0);
		ev.object = (const char *)sqlite3_column_text(st, 1);
		ev.activity = (const char *)sqlite3_column_text(st, 2);
		ev.time = sqlite3_column_int64(st, 3);
		ev.actor = (const char *)sqlite3_column_text(st, 4);
		ev.discriminator = (const char *)sqlite3_column_text(st, 5);
		const char *at = (const char *)sqlite3_column_text(st, 6);
		long na = orgmri_attrs_decode(at, (size_t)sqlite3_column_bytes(st, 6),
		                              &scratch, attrs, 256);
		if (na < 0) {
			rc = orgmri_seterr(err, ORGMRI_ECORRUPT,
			                   "%s: event %lld has damaged attributes",
			                   s->path, (long long)id);
			goto done;
		}
		ev.attrs = attrs;
		ev.nattrs = (size_t)na;
		size_t lo = related_lower(&ri, id), hi = lo;
		while (hi < ri.n && ri.event[hi] == id)
			hi++;
		ev.related = (const char *const *)(ri.keys + lo);
		ev.nrelated = hi - lo;
		if ((rc = sink->event(sink, &ev, err)))
			goto done;
	}
	if (step != SQLITE_DONE)
		rc = orgmri_store_sqlerr(s, err, "reading events");
done:
	sqlite3_finalize(st);
	orgmri_buf_free(&scratch);
	free_related(&ri);
	return rc;
}
