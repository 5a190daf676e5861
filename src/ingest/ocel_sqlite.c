/*
 * ocel_sqlite.c - the OCEL 2.0 SQLite form, read into the JSON form's
 * document shape and handed to ocel.c, so that both forms map onto
 * canonical events by the same code.
 *
 * The SQLite layout (OCEL 2.0 specification; pm4py writes it): event(ocel_id,
 * ocel_type), object(ocel_id, ocel_type), event_object(ocel_event_id,
 * ocel_object_id, ocel_qualifier), object_object(ocel_source_id,
 * ocel_target_id, ocel_qualifier), event_map_type / object_map_type
 * (ocel_type -> ocel_type_map, the table suffix), and per type
 * event_<map>(ocel_id, ocel_time, attributes...) and object_<map>(ocel_id,
 * ocel_time, ocel_changed_field, attributes...).  An object row with an
 * empty ocel_changed_field gives the initial value of every attribute; a
 * row naming a field gives that field's new value at ocel_time.
 *
 * Table names come from the file, so they are quoted as identifiers; the
 * file is opened read-only and its size is capped by max_bytes.
 */
#include <jansson.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>

#include "core/util.h"
#include "ingest/eventlog_common.h"

typedef struct sq {
	sqlite3 *db;
	const char *path;
	orgmri_error *err;
} sq;

static int sqerr(sq *q, const char *what)
{
	return orgmri_seterr(q->err, ORGMRI_EPARSE, "%s: %s: %s", q->path, what,
	                     sqlite3_errmsg(q->db));
}

/* "name" quoted as an SQL identifier into b. */
static void ident(orgmri_buf *b, const char *name)
{
	orgmri_buf_putc(b, '"');
	for (; *name; name++) {
		if (*name == '"')
			orgmri_buf_putc(b, '"');
		orgmri_buf_putc(b, *name);
	}
	orgmri_buf_putc(b, '"');
}

static json_t *value_json(sqlite3_stmt *st, int col)
{
	switch (sqlite3_column_type(st, col)) {
	case SQLITE_INTEGER: return json_integer(sqlite3_column_int64(st, col));
	case SQLITE_FLOAT: return json_real(sqlite3_column_double(st, col));
	case SQLITE_NULL: return NULL;
	default: {
		const char *t = (const char *)sqlite3_column_text(st, col);
		return t ? json_stringn_nocheck(t, (size_t)sqlite3_column_bytes(st,
		                                col)) : NULL;
	}
	}
}

static const char *text(sqlite3_stmt *st, int col)
{
	const char *t = (const char *)sqlite3_column_text(st, col);
	return t ? t : "";
}

/* map: OCEL type -> table suffix, from event_map_type / object_map_type */
static int type_map(sq *q, const char *table, json_t *map)
{
	sqlite3_stmt *st;
	char sql[96];
	snprintf(sql, sizeof(sql), "SELECT ocel_type, ocel_type_map FROM %s",
	         table);
	if (sqlite3_prepare_v2(q->db, sql, -1, &st, NULL) != SQLITE_OK)
		return sqerr(q, "not an OCEL 2.0 SQLite log");
	while (sqlite3_step(st) == SQLITE_ROW)
		json_object_set_new(map, text(st, 0), json_string(text(st, 1)));
	sqlite3_finalize(st);
	return 0;
}

/* Relationships (objectId, qualifier) grouped by their source column. */
static int relations(sq *q, const char *sql, json_t *by_source)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(q->db, sql, -1, &st, NULL) != SQLITE_OK)
		return sqerr(q, "not an OCEL 2.0 SQLite log");
	int r;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		const char *src = text(st, 0);
		json_t *list = json_object_get(by_source, src);
		if (!list) {
			list = json_array();
			json_object_set_new(by_source, src, list);
		}
		json_array_append_new(list, json_pack("{s:s, s:s}", "objectId",
		                      text(st, 1), "qualifier", text(st, 2)));
	}
	sqlite3_finalize(st);
	return r == SQLITE_DONE ? 0 : sqerr(q, "reading relationships");
}

/*
 * Rows of the per-type table `prefix<map>` for every type: attributes by
 * ocel_id.  Events: {"time", "attributes": [{name, value}]}; objects:
 * "attributes": [{name, time, value}] per the changed-field rule.
 */
static int type_rows(sq *q, const char *prefix, json_t *map, int objects,
                     json_t *by_id)
{
	const char *type;
	json_t *suffix;
	orgmri_buf sql = ORGMRI_BUF_INIT, tbl = ORGMRI_BUF_INIT;
	int rc = 0;
	json_object_foreach(map, type, suffix) {
		orgmri_buf_clear(&tbl);
		orgmri_buf_puts(&tbl, prefix);
		orgmri_buf_puts(&tbl, json_string_value(suffix));
		orgmri_buf_clear(&sql);
		orgmri_buf_puts(&sql, "SELECT * FROM ");
		ident(&sql, orgmri_buf_cstr(&tbl));
		orgmri_buf_puts(&sql, " ORDER BY rowid");
		sqlite3_stmt *st;
		if (sql.oom || sqlite3_prepare_v2(q->db, orgmri_buf_cstr(&sql), -1, &st,
		                                  NULL) != SQLITE_OK) {
			rc = sqerr(q, "reading a type table");
			break;
		}
		int ncol = sqlite3_column_count(st), c_id = -1, c_time = -1, c_chg = -1;
		for (int c = 0; c < ncol; c++) {
			const char *n = sqlite3_column_name(st, c);
			if (strcmp(n, "ocel_id") == 0)
				c_id = c;
			else if (strcmp(n, "ocel_time") == 0)
				c_time = c;
			else if (strcmp(n, "ocel_changed_field") == 0)
				c_chg = c;
		}
		while (c_id >= 0 && c_time >= 0 && sqlite3_step(st) == SQLITE_ROW) {
			const char *id = text(st, c_id), *chg = c_chg >= 0 ? text(st, c_chg)
			                                                  : "";
			json_t *rec = json_object_get(by_id, id), *time = value_json(st, c_time);
			if (!rec) {
				rec = json_pack("{s:[]}", "attributes");
				json_object_set_new(by_id, id, rec);
			}
			json_t *attrs = json_object_get(rec, "attributes");
			if (!objects && time)
				json_object_set(rec, "time", time);
			for (int c = 0; c < ncol; c++) {
				const char *n = sqlite3_column_name(st, c);
				if (c == c_id || c == c_time || c == c_chg ||
				    (chg[0] && strcmp(n, chg) != 0))
					continue;
				json_t *v = value_json(st, c);
				if (!v)
					continue;
				json_t *a = json_pack("{s:s, s:o}", "name", n, "value", v);
				if (objects && time)
					json_object_set(a, "time", time);
				json_array_append_new(attrs, a);
			}
			json_decref(time);
		}
		sqlite3_finalize(st);
	}
	orgmri_buf_free(&sql);
	orgmri_buf_free(&tbl);
	return rc;
}

/* Rows of `event` or `object` as documents in the JSON form. */
static int entities(sq *q, const char *table, json_t *rows, json_t *rels,
                    json_t *out)
{
	sqlite3_stmt *st;
	char sql[96];
	snprintf(sql, sizeof(sql), "SELECT ocel_id, ocel_type FROM %s ORDER BY "
	         "rowid", table);
	if (sqlite3_prepare_v2(q->db, sql, -1, &st, NULL) != SQLITE_OK)
		return sqerr(q, "not an OCEL 2.0 SQLite log");
	int r;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		const char *id = text(st, 0);
		json_t *rec = json_object_get(rows, id);
		json_t *rel = json_object_get(rels, id);
		json_t *doc = json_pack("{s:s, s:s}", "id", id, "type", text(st, 1));
		json_object_set_new(doc, "attributes", rec ? json_incref(
		                    json_object_get(rec, "attributes")) : json_array());
		if (rec && json_object_get(rec, "time"))
			json_object_set(doc, "time", json_object_get(rec, "time"));
		json_object_set_new(doc, "relationships", rel ? json_incref(rel)
		                                              : json_array());
		json_array_append_new(out, doc);
	}
	sqlite3_finalize(st);
	return r == SQLITE_DONE ? 0 : sqerr(q, "reading rows");
}

int orgmri_ocel_read_sqlite(const char *path,
                            const orgmri_eventlog_options *opts,
                            orgmri_sink *sink, orgmri_eventlog_stats *stats,
                            orgmri_error *err)
{
	orgmri_error local;
	sq q = { NULL, path, err ? err : &local };
	struct stat sb;
	uint64_t max = opts && opts->max_bytes ? opts->max_bytes
	                                       : ORGMRI_EVENTLOG_MAX_BYTES;
	if (stats)
		memset(stats, 0, sizeof(*stats));
	if (stat(path, &sb) != 0)
		return orgmri_seterr(q.err, ORGMRI_EIO, "%s: cannot open", path);
	if ((uint64_t)sb.st_size > max)
		return orgmri_seterr(q.err, ORGMRI_ELIMIT, "%s: larger than %llu "
		                     "bytes", path, (unsigned long long)max);
	if (sqlite3_open_v2(path, &q.db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		int rc = sqerr(&q, "cannot open");
		sqlite3_close(q.db);
		return rc;
	}
	json_t *emap = json_object(), *omap = json_object();
	json_t *erows = json_object(), *orows = json_object();
	json_t *e2o = json_object(), *o2o = json_object();
	json_t *root = json_pack("{s:[], s:[]}", "objects", "events");
	int rc;
	if (!emap || !omap || !erows || !orows || !e2o || !o2o || !root)
		rc = orgmri_seterr(q.err, ORGMRI_ENOMEM, "out of memory");
	else if (!(rc = type_map(&q, "event_map_type", emap)) &&
	         !(rc = type_map(&q, "object_map_type", omap)) &&
	         !(rc = relations(&q, "SELECT ocel_event_id, ocel_object_id, "
	                          "ocel_qualifier FROM event_object", e2o)) &&
	         !(rc = relations(&q, "SELECT ocel_source_id, ocel_target_id, "
	                          "ocel_qualifier FROM object_object", o2o)) &&
	         !(rc = type_rows(&q, "event_", emap, 0, erows)) &&
	         !(rc = type_rows(&q, "object_", omap, 1, orows)) &&
	         !(rc = entities(&q, "object", orows, o2o,
	                         json_object_get(root, "objects"))) &&
	         !(rc = entities(&q, "event", erows, e2o,
	                         json_object_get(root, "events"))))
		rc = ocel_emit_document(root, path, opts, sink, stats, err);
	json_decref(emap);
	json_decref(omap);
	json_decref(erows);
	json_decref(orows);
	json_decref(e2o);
	json_decref(o2o);
	json_decref(root);
	sqlite3_close(q.db);
	return rc;
}
