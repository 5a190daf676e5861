/*
 * sqlite.c - the SQLite backend of the store (see store.h, docs/store.md).
 *
 * Writes: names (objects, activities, people) are interned in memory and
 * mapped to row ids, so each event costs one INSERT into `events` through
 * a prepared statement, plus one per related object; batches of
 * BATCH_EVENTS events share a transaction.  The unique index on
 * (object_id, time, activity_id, actor_id, disc) makes re-ingestion a
 * no-op: a conflicting INSERT does nothing and is not counted as added.
 * Links are written only with their new event, repeats in its related
 * list dropped first, so (event, destination) stays unique without an
 * index (schema 2).  The ingest pipeline uses a second entry point,
 * orgmri_bulk_event_add (bulk.h), with the per-event preparation already
 * done on its parsing thread; both end in insert_event / insert_link,
 * except into a new store, where the events wait and each batch is
 * written sorted, one INSERT ... SELECT per table from the in-memory
 * rows (store/rows.h; "Sorted batches" below).
 *
 * The SQL is kept to what PostgreSQL also accepts (ON CONFLICT DO
 * NOTHING, no SQLite-only types) so a second backend can reuse it; the
 * sorted batches' INSERT OR FAIL ... SELECT FROM orgmri_rows is this
 * backend's own bulk path (a PostgreSQL one would use COPY).
 */
#include <dirent.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/attrs.h"
#include "core/util.h"
#include "orgmri/store.h"
#include "store/bulk.h"
#include "store/internal.h"

#define SCHEMA_VERSION 3
/* Events per transaction.  Real histories interleave many objects, so
 * each batch dirties pages all over the events B-tree; bigger batches
 * write each page fewer times (50k -> 500k: 7.9 s -> 6.0 s for 2.5M
 * generated events, bench/ingest.sh). */
#define BATCH_EVENTS 500000
/* Sorted batches: once IN_ORDER_CHUNK events wait and arrived in key
 * order, they are written at once (sorted_add). */
#define IN_ORDER_CHUNK 4096
/* SQLite's page cache during an ingest, KiB: large, as interleaved
 * events revisit pages all over the B-trees; small while the sorted path
 * writes events that arrived in key order, which touch only the
 * B-trees' right edges (10x BPIC 2012 XES: peak RSS 332 -> 87-103 MB,
 * the same CPU). */
#define INGEST_CACHE_KB 262144
#define IN_ORDER_CACHE_KB 32768
#define GENERATION_KEY "generation"

/* Forward migrations: migrations[i] takes the schema from version i to
 * i + 1.  Never edit a released step; append a new one. */
static const char *const migrations[] = {
	/* 0 -> 1: the initial schema */
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE objects(id INTEGER PRIMARY KEY, type TEXT NOT NULL,"
	"  key TEXT NOT NULL UNIQUE);"
	"CREATE TABLE activities(id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE);"
	"CREATE TABLE people(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
	"  bot INTEGER NOT NULL DEFAULT 0);"
	"INSERT INTO people(id, name) VALUES (0, '');"
	"CREATE TABLE ingest_runs(id INTEGER PRIMARY KEY, source TEXT NOT NULL,"
	"  kind TEXT NOT NULL, started INTEGER NOT NULL, finished INTEGER,"
	"  status TEXT NOT NULL, events_read INTEGER NOT NULL DEFAULT 0,"
	"  events_added INTEGER NOT NULL DEFAULT 0,"
	"  skipped INTEGER NOT NULL DEFAULT 0, message TEXT);"
	/* One B-tree for events, keyed by the uniqueness rule itself: an
	 * insert is a single ordered B-tree write, and a re-ingested event
	 * is a key conflict.  `id` is assigned by the writer from
	 * meta.next_event_id (read and saved inside each write transaction,
	 * which SQLite serialises) and names the event in `links`. */
	"CREATE TABLE events(object_id INTEGER NOT NULL,"
	"  time INTEGER NOT NULL, activity_id INTEGER NOT NULL,"
	"  actor_id INTEGER NOT NULL, disc TEXT NOT NULL DEFAULT '',"
	"  id INTEGER NOT NULL, attrs TEXT NOT NULL DEFAULT '',"
	"  run_id INTEGER,"
	"  PRIMARY KEY(object_id, time, activity_id, actor_id, disc))"
	"  WITHOUT ROWID;"
	"INSERT INTO meta(key, value) VALUES ('next_event_id', '1');"
	"CREATE TABLE links(id INTEGER PRIMARY KEY,"
	"  event_id INTEGER NOT NULL,"
	"  src_id INTEGER NOT NULL REFERENCES objects(id),"
	"  dst_id INTEGER NOT NULL REFERENCES objects(id),"
	"  relation TEXT NOT NULL);"
	"CREATE UNIQUE INDEX links_key ON links(event_id, dst_id);",
	/* 1 -> 2: (event, destination) pairs are kept unique by the writer
	 * (a link is only ever written with its new event, repeats in the
	 * event's related list dropped first), so the index only cost a
	 * second B-tree insert per link (bench/ingest.sh, docs/store.md). */
	"DROP INDEX links_key;",
	/* 2 -> 3: an object's key -> id map is a table of its own,
	 * object_keys, instead of the unique index on objects.key.  A new
	 * store's first ingest writes the objects in id order (appended
	 * at the B-tree's right edge) and their keys once, sorted, at its
	 * end; an index would take each batch's keys in the same statement
	 * as the rows, one of the two orders scattered (4.9M CSV events:
	 * 2.3 s of the store thread's ~5.5 s went to writing objects,
	 * docs/performance.md).  objects keeps the same columns. */
	"CREATE TABLE object_keys(key TEXT PRIMARY KEY,"
	"  id INTEGER NOT NULL) WITHOUT ROWID;"
	"INSERT INTO object_keys(key, id) SELECT key, id FROM objects;"
	"CREATE TABLE objects_v3(id INTEGER PRIMARY KEY, type TEXT NOT NULL,"
	"  key TEXT NOT NULL);"
	"INSERT INTO objects_v3(id, type, key) SELECT id, type, key FROM objects;"
	"DROP TABLE objects;"
	"ALTER TABLE objects_v3 RENAME TO objects;",
};

#define NMIGRATIONS ((int)(sizeof(migrations) / sizeof(migrations[0])))

/*
 * Sorted batches (the pipeline's door into a store that had no events
 * when the run's first batch began; see sorted_* below and docs/store.md).
 * The events of a batch wait here, already given their ids, and are
 * written in primary-key order when the batch is flushed; their links
 * follow in input order.
 */
typedef struct pend_event {
	int64_t obj, time, act, actor, id;
	uint32_t disc, disc_len, attrs, attrs_len; /* offsets into text */
	uint32_t prev;  /* 1 + index of the object's previous kept event, or 0 */
} pend_event;

typedef struct pend_link {
	int64_t evid, src, dst;
	uint32_t rel, rel_len;                     /* offset into text */
} pend_link;

typedef struct pend_object {
	int64_t id;
	uint32_t key, key_len, type_len;           /* offset into text */
} pend_object;

struct obj_sort {
	const char *key;
	uint32_t len, i;
};

typedef struct pend_key {
	int64_t obj, time;
	uint32_t i;                                /* index into ev */
} pend_key;

/* (obj, time) packed into one unsigned number (sort_keys) */
struct radix_key {
	uint64_t key;
	uint32_t i;
};

enum { SORT_UNDECIDED, SORT_ON, SORT_OFF };

typedef struct sorted_batch {
	int state;
	int64_t expect_next_id;  /* meta.next_event_id as our last commit left it */
	pend_event *ev;
	size_t nev, evcap;
	pend_link *ln;
	size_t nln, lncap;
	orgmri_buf text;
	pend_key *keys;
	size_t keycap;
	struct radix_key *rk;    /* scratch of sort_keys: 2 * rkcap */
	size_t rkcap;
	int unordered;           /* a waiting event is below the one before it */
	uint32_t gen;            /* advances each time what waits is written */
	sqlite3_stmt *exists;
	/* INSERT ... SELECT FROM orgmri_rows (store/rows.h), one per table */
	sqlite3_stmt *put_events, *put_links, *put_objects, *put_object_keys;
	/* objects: numbered here when the store had none (objects_here) */
	int objects_here;
	int64_t last_object_id;
	pend_object *obj;
	size_t nobj, objcap;
	struct obj_sort *objorder;
	size_t objordercap;
} sorted_batch;

/* An in-memory name -> row id map in front of one name table.  For
 * objects, `select` reads object_keys, and `insert_key` adds the key row
 * of a new object (schema 3). */
typedef struct idmap {
	orgmri_intern names;
	int64_t *ids;
	size_t cap;
	sqlite3_stmt *insert, *select, *insert_key;
} idmap;

/* A build's object keys (build_begin): each batch's new objects' keys,
 * sorted, one run per batch; merged and written to object_keys when the
 * build commits (keys_write). */
typedef struct build_key {
	size_t off;              /* into build_keys.text */
	uint32_t len;
	int64_t id;
} build_key;

typedef struct build_keys {
	orgmri_buf text;
	build_key *k;
	size_t n, cap;
	size_t *runs;            /* where each sorted run starts in k */
	size_t nruns, runcap;
	uint32_t *order;         /* k's indices in key order (keys_merge) */
} build_keys;

struct orgmri_ingest {
	orgmri_store *store;
	orgmri_sink sink;
	int64_t run_id;
	long pending, batch;
	int in_txn;
	orgmri_ingest_counts counts;
	idmap objects, activities, people;
	sqlite3_stmt *ins_event, *ins_link, *mark_bot;
	sqlite3_stmt *get_next_id, *set_next_id, *bump_generation;
	int64_t next_id;
	int changes_at_begin;   /* sqlite3_total_changes when the batch began */
	int64_t first_generation; /* random start of a new store's counter */
	orgmri_buf attrs;
	orgmri_attr sorted[256];
	uint32_t *seen, stamp;   /* repeated related objects (seen_in_event) */
	size_t seen_cap;
	orgmri_ingest_counts counts_at_begin; /* restored when a batch fails */
	int small_cache;         /* IN_ORDER_CACHE_KB set (set_cache) */
	/* Build mode (build_begin): the run's first ingest into an empty
	 * store, written as one transaction with a rollback journal. */
	int build_tried, build;
	int64_t wb_last;         /* build_writeback's last start, monotonic ms */
	int wb_fd;               /* SQLite's descriptor of the file; -1 none, -2 unknown */
	build_keys bk;           /* the build's object keys, for its end */
	int finishing;           /* orgmri_ingest_finish: flush commits */
	sorted_batch sb;
};

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}


int orgmri_store_schema_version(void)
{
	return SCHEMA_VERSION;
}

const char *orgmri_store_default_path(void)
{
	const char *env = getenv("ORGMRI_DB");
	return env && *env ? env : ".orgmri.db";
}

int orgmri_store_sqlerr(orgmri_store *s, orgmri_error *err, const char *what)
{
	return orgmri_seterr(err, ORGMRI_ESTORE, "%s: %s: %s", s->path, what,
	                     sqlite3_errmsg(s->db));
}

int orgmri_store_exec(orgmri_store *s, const char *sql, orgmri_error *err)
{
	char *msg = NULL;
	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		orgmri_seterr(err, ORGMRI_ESTORE, "%s: %s", s->path,
		              msg ? msg : sqlite3_errmsg(s->db));
		sqlite3_free(msg);
		return ORGMRI_ESTORE;
	}
	return 0;
}

int orgmri_store_prepare(orgmri_store *s, const char *sql,
                         sqlite3_stmt **stmt, orgmri_error *err)
{
	if (sqlite3_prepare_v2(s->db, sql, -1, stmt, NULL) != SQLITE_OK)
		return orgmri_store_sqlerr(s, err, "preparing a statement");
	return 0;
}

static int user_version(orgmri_store *s, int *out, orgmri_error *err)
{
	sqlite3_stmt *st;
	int rc = orgmri_store_prepare(s, "PRAGMA user_version", &st, err);
	if (rc)
		return rc;
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return orgmri_store_sqlerr(s, err, "reading the schema version");
	}
	*out = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return 0;
}

static int migrate(orgmri_store *s, orgmri_error *err)
{
	int v = 0, rc;
	if ((rc = user_version(s, &v, err)))
		return rc;
	if (v > SCHEMA_VERSION)
		return orgmri_seterr(err, ORGMRI_EUNSUPPORTED,
		                     "%s: schema version %d is newer than this "
		                     "orgmri understands (%d); upgrade orgmri",
		                     s->path, v, SCHEMA_VERSION);
	if (v == SCHEMA_VERSION)
		return 0;
	if (s->readonly)
		return orgmri_seterr(err, ORGMRI_EUNSUPPORTED,
		                     "%s: schema version %d needs migrating; "
		                     "open it for writing once", s->path, v);
	/* All pending steps and the version bump commit together, so a
	 * crash leaves the store at its old version or the newest, never
	 * between (a new store is version 0 with no tables, or complete). */
	char bump[64];
	snprintf(bump, sizeof(bump), "PRAGMA user_version = %d", SCHEMA_VERSION);
	if ((rc = orgmri_store_exec(s, "BEGIN IMMEDIATE", err)))
		return rc;
	/* another process may have migrated while we waited for the lock */
	if ((rc = user_version(s, &v, err)) || v >= SCHEMA_VERSION) {
		orgmri_store_exec(s, rc ? "ROLLBACK" : "COMMIT", NULL);
		return rc;
	}
	for (; v < NMIGRATIONS; v++)
		if ((rc = orgmri_store_exec(s, migrations[v], err)))
			break;
	if (rc || (rc = orgmri_store_exec(s, bump, err))) {
		orgmri_store_exec(s, "ROLLBACK", NULL);
		return rc;
	}
	return orgmri_store_exec(s, "COMMIT", err);
}

/* Version of the store at `path` (0 for a file whose creation never
 * committed), or -1 when it cannot be read. */
static int file_version(const char *path)
{
	sqlite3 *db = NULL;
	int v = -1;
	sqlite3_stmt *st = NULL;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) ==
	    SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static int store_open(orgmri_store **out, const char *path, unsigned flags,
                      orgmri_error *err);

/*
 * A read-only open of a store older than this orgmri's schema is first
 * opened for writing once, when this process may write the file, so that
 * it is migrated (one transaction, migrate()): a user who upgrades orgmri
 * and runs `orgmri scan` on the old store gets the scan, not an error.
 * That includes version 0, a store whose creation was cut short (a
 * process killed between creating the file and committing the schema):
 * nothing was ever stored in it, and it opens as the empty store it is
 * (an ingest killed at any moment leaves a store that opens;
 * tests/cli/test_kill.sh).  A file this process cannot write keeps its
 * version, and the read-only open says it needs migrating.  The same
 * for a store with a hot journal (a killed build): the open for writing
 * rolls it back.
 */
/* Whether `path` has a rollback journal with something in it: a build
 * (build_begin) was killed, and the first open for writing rolls the
 * store back to what it held before; a read-only one cannot. */
static int hot_journal(const char *path)
{
	char j[4096];
	struct stat st;
	return snprintf(j, sizeof(j), "%s-journal", path) < (int)sizeof(j) &&
	       stat(j, &st) == 0 && st.st_size > 0;
}

int orgmri_store_open(orgmri_store **out, const char *path, unsigned flags,
                      orgmri_error *err)
{
	if (!path)
		path = orgmri_store_default_path();
	int v;
	if ((flags & ORGMRI_STORE_READONLY) && access(path, W_OK) == 0 &&
	    (hot_journal(path) ||
	     ((v = file_version(path)) >= 0 && v < SCHEMA_VERSION))) {
		orgmri_store *w;
		if (store_open(&w, path, flags & ~(unsigned)ORGMRI_STORE_READONLY,
		               NULL) == 0)
			orgmri_store_close(w);
	}
	return store_open(out, path, flags, err);
}

static int store_open(orgmri_store **out, const char *path, unsigned flags,
                      orgmri_error *err)
{
	*out = NULL;
	/* SQLite's allocation statistics take a global mutex on every
	 * malloc; we never read them.  This only works before SQLite is
	 * initialised and is harmlessly refused afterwards. */
	static int configured;
	if (!configured) {
		configured = 1;
		sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	}
	if (!path)
		path = orgmri_store_default_path();
	orgmri_store *s = calloc(1, sizeof(*s));
	if (!s || !(s->path = strdup(path))) {
		free(s);
		return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	}
	s->readonly = (flags & ORGMRI_STORE_READONLY) != 0;
	/* One connection is only ever used by one thread at a time. */
	int oflags = (s->readonly ? SQLITE_OPEN_READONLY
	                          : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
	             SQLITE_OPEN_NOMUTEX;
	int rc;
	if (sqlite3_open_v2(path, &s->db, oflags, NULL) != SQLITE_OK) {
		rc = orgmri_seterr(err, s->readonly ? ORGMRI_ENOTFOUND : ORGMRI_ESTORE,
		                   "%s: cannot open the store: %s", path,
		                   s->db ? sqlite3_errmsg(s->db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(s->db, 10000);
	/* page_size only takes effect on a new file: 16 KiB pages cut the
	 * per-page overhead of bulk ingest by about 10% against 4 KiB
	 * (bench/ingest.sh) without hurting point reads much.
	 * WAL: readers do not block the writer, and a killed writer loses
	 * at most its open transaction.  synchronous=NORMAL is durable
	 * against process death (the case we test); an OS crash may lose
	 * the last transactions but never corrupts the file. */
	if (!s->readonly &&
	    (rc = orgmri_store_exec(s, "PRAGMA page_size=16384;PRAGMA journal_mode=WAL;"
	                               "PRAGMA synchronous=NORMAL;", err)))
		goto fail;
	/* A small page cache for reading (the loader scans once); ingest
	 * raises it while it writes, where index pages are revisited. */
	if ((rc = orgmri_store_exec(s, "PRAGMA foreign_keys=OFF;"
	                               "PRAGMA cache_size=-8192;"
	                               "PRAGMA temp_store=MEMORY;", err)))
		goto fail;
	if ((rc = migrate(s, err)))
		goto fail;
	*out = s;
	return 0;
fail:
	if (rc == ORGMRI_ESTORE && s->db &&
	    sqlite3_errcode(s->db) == SQLITE_NOTADB)
		rc = err ? (err->code = ORGMRI_ECORRUPT) : ORGMRI_ECORRUPT;
	orgmri_store_close(s);
	return rc;
}

void orgmri_store_close(orgmri_store *s)
{
	if (!s)
		return;
	sqlite3_close(s->db);
	free(s->path);
	free(s);
}

int orgmri_store_meta_get(orgmri_store *s, const char *key, char *buf,
                          size_t size, orgmri_error *err)
{
	sqlite3_stmt *st;
	int rc = orgmri_store_prepare(s, "SELECT value FROM meta WHERE key = ?",
	                              &st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 0);
		snprintf(buf, size, "%s", v ? v : "");
		rc = 0;
	} else if (step == SQLITE_DONE) {
		rc = ORGMRI_ENOTFOUND;
		if (size)
			buf[0] = '\0';
	} else {
		rc = orgmri_store_sqlerr(s, err, "reading a setting");
	}
	sqlite3_finalize(st);
	return rc;
}

int orgmri_store_meta_set(orgmri_store *s, const char *key, const char *value,
                          orgmri_error *err)
{
	sqlite3_stmt *st;
	int rc = orgmri_store_prepare(s,
		"INSERT INTO meta(key, value) VALUES (?, ?) "
		"ON CONFLICT(key) DO UPDATE SET value = excluded.value", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = orgmri_store_sqlerr(s, err, "saving a setting");
	sqlite3_finalize(st);
	return rc;
}

/* ---- ingest ------------------------------------------------------------ */

static int idmap_init(orgmri_store *s, idmap *m, const char *table,
                      const char *col, orgmri_error *err)
{
	char sql[256];
	orgmri_intern_init(&m->names);
	snprintf(sql, sizeof(sql),
	         "INSERT INTO %s(%s) VALUES (?) ON CONFLICT(%s) DO NOTHING",
	         table, col, col);
	int rc = orgmri_store_prepare(s, sql, &m->insert, err);
	if (rc)
		return rc;
	snprintf(sql, sizeof(sql), "SELECT id FROM %s WHERE %s = ?", table, col);
	return orgmri_store_prepare(s, sql, &m->select, err);
}

static void idmap_free(idmap *m)
{
	orgmri_intern_free(&m->names);
	free(m->ids);
	sqlite3_finalize(m->insert);
	sqlite3_finalize(m->select);
	sqlite3_finalize(m->insert_key);
}

/* Row id for name from the database, inserting the row when new.  For
 * objects, `type_len` > 0 also binds the type column (parameter 2 of the
 * insert). */
static int idmap_db(orgmri_store *s, idmap *m, const char *name, size_t len,
                    size_t type_len, int64_t *out, orgmri_error *err)
{
	if (m->insert_key) {
		/* objects: the key's row, else a new object and its key row
		 * (the write transaction keeps anyone else from adding it
		 * between the two) */
		sqlite3_reset(m->select);
		sqlite3_bind_text(m->select, 1, name, (int)len, SQLITE_STATIC);
		int step = sqlite3_step(m->select);
		if (step == SQLITE_ROW) {
			*out = sqlite3_column_int64(m->select, 0);
			sqlite3_reset(m->select);
			return 0;
		}
		sqlite3_reset(m->select);
		if (step != SQLITE_DONE)
			return orgmri_store_sqlerr(s, err, "looking up a name");
		sqlite3_reset(m->insert);
		sqlite3_bind_text(m->insert, 1, name, (int)len, SQLITE_STATIC);
		sqlite3_bind_text(m->insert, 2, name, (int)type_len, SQLITE_STATIC);
		if (sqlite3_step(m->insert) != SQLITE_DONE)
			return orgmri_store_sqlerr(s, err, "storing a name");
		*out = sqlite3_last_insert_rowid(s->db);
		sqlite3_reset(m->insert_key);
		sqlite3_bind_text(m->insert_key, 1, name, (int)len, SQLITE_STATIC);
		sqlite3_bind_int64(m->insert_key, 2, *out);
		if (sqlite3_step(m->insert_key) != SQLITE_DONE)
			return orgmri_store_sqlerr(s, err, "storing a name");
		return 0;
	}
	sqlite3_reset(m->insert);
	sqlite3_bind_text(m->insert, 1, name, (int)len, SQLITE_STATIC);
	if (type_len)
		sqlite3_bind_text(m->insert, 2, name, (int)type_len, SQLITE_STATIC);
	if (sqlite3_step(m->insert) != SQLITE_DONE)
		return orgmri_store_sqlerr(s, err, "storing a name");
	if (sqlite3_changes(s->db) == 1) {
		*out = sqlite3_last_insert_rowid(s->db);
		return 0;
	}
	sqlite3_reset(m->select);
	sqlite3_bind_text(m->select, 1, name, (int)len, SQLITE_STATIC);
	if (sqlite3_step(m->select) != SQLITE_ROW)
		return orgmri_store_sqlerr(s, err, "looking up a name");
	*out = sqlite3_column_int64(m->select, 0);
	return 0;
}

/* Row id for name, from memory when seen before in this run.  Row ids of
 * these tables start at 1, so 0 in `ids` means "not known yet" (a failed
 * earlier attempt), and the database is asked again. */
static int idmap_get(orgmri_store *s, idmap *m, const char *name,
                     size_t type_len, int64_t *out, uint32_t *index,
                     orgmri_error *err)
{
	size_t len = strlen(name);
	if (m->names.count >= m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 1024;
		int64_t *ids = orgmri_reallocarray(m->ids, cap, sizeof(*ids));
		if (!ids)
			return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
		m->ids = ids;
		m->cap = cap;
	}
	uint32_t before = m->names.count;
	int64_t k = orgmri_intern_add(&m->names, name, len);
	if (k < 0)
		return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	if (index)
		*index = (uint32_t)k;
	if ((uint32_t)k < before && m->ids[k] > 0) {
		*out = m->ids[k];
		return 0;
	}
	m->ids[k] = 0;
	int rc = idmap_db(s, m, name, len, type_len, &m->ids[k], err);
	*out = m->ids[k];
	return rc;
}

static void sorted_off(orgmri_ingest *ing);
static int sorted_write(orgmri_ingest *ing, orgmri_error *err);
static void fail_batch(orgmri_ingest *ing);
static int keys_write(orgmri_ingest *ing, orgmri_error *err);

/* Whether the store holds any event and any object (0 or 1 each). */
static int store_holds(orgmri_store *s, int *events, int *objects,
                       orgmri_error *err)
{
	sqlite3_stmt *st;
	int rc = orgmri_store_prepare(s,
		"SELECT EXISTS(SELECT 1 FROM events), EXISTS(SELECT 1 FROM objects)",
		&st, err);
	if (rc)
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW) {
		*events = sqlite3_column_int(st, 0);
		*objects = sqlite3_column_int(st, 1);
	} else {
		rc = orgmri_store_sqlerr(s, err, "reading the events");
	}
	sqlite3_finalize(st);
	return rc;
}

/*
 * Build mode: the first ingest into an empty store is written as one
 * transaction with a rollback journal instead of the WAL.  A rollback
 * journal keeps only the pages that existed when the transaction began
 * (a few: the empty schema), so each page of the new store is written
 * once; through the WAL every page is written twice (the log, then the
 * checkpoint), and a commit per batch would journal the pages that the
 * earlier batches wrote.  Crash safety is SQLite's: a killed build
 * leaves a hot journal, and the next open rolls the store back to empty.
 *
 * SQLite changes a store out of WAL mode only when no other connection
 * has it open; when it cannot (PRAGMA journal_mode answers "wal"), the
 * run is written as before.  The build ends (commit, back to WAL) when
 * the run finishes, when its input stalls (orgmri_bulk_stalled: the
 * pipeline waited ORGMRI_BULK_STALL_MS for events; input slower than
 * the store gains nothing from a build, and readers should see it), or
 * when a batch fails.  While it runs, other processes cannot open the store (their
 * switch to WAL waits for the lock) and readers wait once SQLite spills
 * pages to the file: the store had nothing to read yet.
 * ORGMRI_BUILD=0 turns it off (for measuring).
 */
static void build_begin(orgmri_ingest *ing)
{
	ing->build_tried = 1;
	ing->wb_fd = -2;
	const char *env = getenv("ORGMRI_BUILD");
	int events = 1, objects = 1; /* as if full, should the query fail */
	if ((env && strcmp(env, "0") == 0) ||
	    store_holds(ing->store, &events, &objects, NULL) || events || objects)
		return;
	sqlite3_stmt *st;
	if (orgmri_store_prepare(ing->store, "PRAGMA journal_mode=DELETE", &st,
	                         NULL))
		return;
	ing->build = sqlite3_step(st) == SQLITE_ROW &&
	             sqlite3_column_text(st, 0) &&
	             strcmp((const char *)sqlite3_column_text(st, 0),
	                    "delete") == 0;
	sqlite3_finalize(st);
	/* FULL: syncs the journal before the store's first page is
	 * overwritten; with a journal of a few pages this costs nothing. */
	if (ing->build)
		orgmri_store_exec(ing->store, "PRAGMA synchronous=FULL", NULL);
}

/*
 * During a build SQLite writes pages to the file only when its cache is
 * full, and the kernel keeps them until the commit's fsync (its own
 * writeback starts at 10% of memory dirty): the whole store's I/O came
 * after the last event, the commit taking 0.14-0.85 s.  Starting the
 * writeback as the build goes (sync_file_range, which does not wait) lets
 * the disk work while the threads do; at most every 200 ms.  Linux only,
 * and only a hint: a failure changes nothing.
 *
 * The descriptor is SQLite's own, found among the process's open files
 * by device and inode: opening one of our own would be unsafe, as
 * closing any descriptor of a file drops every POSIX lock the process
 * holds on it, SQLite's included.
 */
#ifdef __linux__
static int store_fd(const orgmri_store *s)
{
	struct stat want, st;
	DIR *d;
	if (stat(s->path, &want) != 0 || !(d = opendir("/proc/self/fd")))
		return -1;
	int found = -1;
	struct dirent *e;
	while (found < 0 && (e = readdir(d))) {
		char *end;
		long fd = strtol(e->d_name, &end, 10);
		if (*end || end == e->d_name || fd == dirfd(d))
			continue;
		if (fstat((int)fd, &st) == 0 && S_ISREG(st.st_mode) &&
		    st.st_dev == want.st_dev && st.st_ino == want.st_ino)
			found = (int)fd;
	}
	closedir(d);
	return found;
}
#endif

static void build_writeback(orgmri_ingest *ing)
{
#ifdef __linux__
	if (!ing->build || ing->wb_fd == -1)
		return;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	int64_t now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	if (now - ing->wb_last < 200)
		return;
	ing->wb_last = now;
	if (ing->wb_fd == -2)
		ing->wb_fd = store_fd(ing->store);
	if (ing->wb_fd >= 0)
		sync_file_range(ing->wb_fd, 0, 0, SYNC_FILE_RANGE_WRITE);
#else
	(void)ing;
#endif
}

/* Leave build mode: back to the WAL (best effort: if another process
 * opened the store meanwhile, the next open switches it). */
static void build_leave(orgmri_ingest *ing)
{
	if (!ing->build)
		return;
	ing->build = 0;
	orgmri_store_exec(ing->store, "PRAGMA journal_mode=WAL;"
	                              "PRAGMA synchronous=NORMAL", NULL);
}

/* End the build: commit what it wrote, then back to the WAL. */
static int build_end(orgmri_ingest *ing, orgmri_error *err)
{
	if (!ing->build)
		return 0;
	ing->finishing = 1;
	int rc = orgmri_ingest_flush(ing, err);
	ing->finishing = 0;
	if (!rc)
		build_leave(ing);
	return rc;
}

static int begin_txn(orgmri_ingest *ing, orgmri_error *err)
{
	if (ing->in_txn)
		return 0;
	if (!ing->build_tried)
		build_begin(ing);
	int rc = orgmri_store_exec(ing->store, "BEGIN IMMEDIATE", err);
	if (rc)
		return rc;
	ing->in_txn = 1;
	ing->changes_at_begin = sqlite3_total_changes(ing->store->db);
	/* Another writer may have committed since our last batch. */
	sqlite3_reset(ing->get_next_id);
	if (sqlite3_step(ing->get_next_id) != SQLITE_ROW)
		return orgmri_store_sqlerr(ing->store, err, "reading the event id");
	ing->next_id = sqlite3_column_int64(ing->get_next_id, 0);
	/* Reset now: a statement left at a row keeps the connection's read
	 * snapshot from the batch's start, and checkpoints cannot pass it
	 * (the WAL grew to the size of the whole ingest). */
	sqlite3_reset(ing->get_next_id);
	ing->counts_at_begin = ing->counts;
	/* Another writer committed since our last batch: its events are not
	 * in the run's key set, so only the B-tree can tell repeats now. */
	if (ing->sb.state == SORT_ON && ing->next_id != ing->sb.expect_next_id)
		sorted_off(ing);
	return 0;
}

int orgmri_ingest_flush(orgmri_ingest *ing, orgmri_error *err)
{
	if (!ing->in_txn)
		return 0;
	int rc;
	if ((rc = sorted_write(ing, err)) ||
	    (ing->build && ing->finishing && (rc = keys_write(ing, err)))) {
		fail_batch(ing);
		return rc;
	}
	char sql[160];
	snprintf(sql, sizeof(sql),
	         "UPDATE ingest_runs SET events_read = %lld, events_added = %lld,"
	         " skipped = %lld WHERE id = %lld", ing->counts.read,
	         ing->counts.added, ing->counts.skipped, (long long)ing->run_id);
	/* Only rows written by this batch count as a change: a batch of
	 * re-ingested duplicates leaves the generation (and so a table
	 * snapshot) as it was.  Measured before the run-counts update. */
	int changed = sqlite3_total_changes(ing->store->db) !=
	              ing->changes_at_begin;
	rc = orgmri_store_exec(ing->store, sql, err);
	if (!rc && changed) {
		sqlite3_reset(ing->bump_generation);
		sqlite3_bind_text(ing->bump_generation, 1, GENERATION_KEY, -1,
		                  SQLITE_STATIC);
		sqlite3_bind_int64(ing->bump_generation, 2, ing->first_generation);
		if (sqlite3_step(ing->bump_generation) != SQLITE_DONE)
			rc = orgmri_store_sqlerr(ing->store, err,
			                         "advancing the generation");
	}
	if (!rc) {
		sqlite3_reset(ing->set_next_id);
		sqlite3_bind_int64(ing->set_next_id, 1, ing->next_id);
		if (sqlite3_step(ing->set_next_id) != SQLITE_DONE)
			rc = orgmri_store_sqlerr(ing->store, err, "saving the event id");
	}
	if (rc)
		return rc;
	/* A build commits once, at its end (build_begin). */
	if (ing->build && !ing->finishing) {
		ing->pending = 0;
		build_writeback(ing);
		return 0;
	}
	if ((rc = orgmri_store_exec(ing->store, "COMMIT", err)))
		return rc;
	ing->in_txn = 0;
	ing->pending = 0;
	ing->sb.expect_next_id = ing->next_id;
	return 0;
}

/*
 * The generation: meta row GENERATION_KEY, advanced by one in the same
 * transaction as every ingest batch that wrote a row (event, object,
 * link, name or bot mark).  A store's first value is random in
 * [1, 2^62) rather than 1, so that a store deleted and rebuilt at the same
 * path does not repeat the numbers of the old one (a snapshot beside it
 * would otherwise look current).
 */
static int64_t random_generation(void)
{
	uint64_t r = 0;
	FILE *fp = fopen("/dev/urandom", "rb");
	if (!fp || fread(&r, sizeof(r), 1, fp) != 1)
		r = (uint64_t)now_ms() * 0x9E3779B97F4A7C15ull ^ (uint64_t)clock();
	if (fp)
		fclose(fp);
	return (int64_t)(r >> 2 | 1);
}

int orgmri_store_generation(orgmri_store *s, uint64_t *out, orgmri_error *err)
{
	char buf[32], *end;
	*out = 0;
	int rc = orgmri_store_meta_get(s, GENERATION_KEY, buf, sizeof(buf), err);
	if (rc)
		return rc;
	unsigned long long v = strtoull(buf, &end, 10);
	if (end == buf || *end || v == 0)
		return orgmri_seterr(err, ORGMRI_ECORRUPT, "%s: meta %s = \"%s\" "
		                     "is not a generation number", s->path,
		                     GENERATION_KEY, buf);
	*out = v;
	return 0;
}

/* Attributes are stored sorted by name, so the same event stores the same
 * bytes whatever order its source listed them in (validation has already
 * refused duplicate names). */
static int sorted_attrs(orgmri_ingest *ing, const orgmri_event *ev)
{
	if (ev->nattrs > 256)
		return ORGMRI_ELIMIT;
	if (ev->nattrs == 0)
		return 0;
	memcpy(ing->sorted, ev->attrs, ev->nattrs * sizeof(*ev->attrs));
	orgmri_attrs_sort(ing->sorted, ev->nattrs);
	return 0;
}

/* Insert one event row; *evid = its new id, or 0 when the store already
 * had it (then its links came with it and nothing else is written).
 * Counts the event as read and, when new, as added. */
static int insert_event(orgmri_ingest *ing, int64_t obj, int64_t act,
                        int64_t time, int64_t actor, const char *disc,
                        const char *attrs, size_t attrs_len, int bot,
                        int64_t *evid, orgmri_error *err)
{
	orgmri_store *s = ing->store;
	sqlite3_stmt *st = ing->ins_event;
	*evid = 0;
	ing->counts.read++;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, obj);
	sqlite3_bind_int64(st, 2, act);
	sqlite3_bind_int64(st, 3, time);
	sqlite3_bind_int64(st, 4, actor);
	sqlite3_bind_text(st, 5, disc, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, attrs, (int)attrs_len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, ing->run_id);
	sqlite3_bind_int64(st, 8, ing->next_id);
	if (sqlite3_step(st) != SQLITE_DONE)
		return orgmri_store_sqlerr(s, err, "storing an event");
	if (sqlite3_changes(s->db) == 0)
		return 0;
	ing->counts.added++;
	*evid = ing->next_id++;
	if (actor && bot) {
		sqlite3_reset(ing->mark_bot);
		sqlite3_bind_int64(ing->mark_bot, 1, actor);
		if (sqlite3_step(ing->mark_bot) != SQLITE_DONE)
			return orgmri_store_sqlerr(s, err, "marking a bot");
	}
	return 0;
}

static int step_link(orgmri_ingest *ing, int64_t evid, int64_t src,
                     int64_t dst, const char *relation, int rel_len,
                     orgmri_error *err)
{
	sqlite3_stmt *ls = ing->ins_link;
	sqlite3_reset(ls);
	sqlite3_bind_int64(ls, 1, evid);
	sqlite3_bind_int64(ls, 2, src);
	sqlite3_bind_int64(ls, 3, dst);
	sqlite3_bind_text(ls, 4, relation, rel_len, SQLITE_STATIC);
	if (sqlite3_step(ls) != SQLITE_DONE)
		return orgmri_store_sqlerr(ing->store, err, "storing a link");
	return 0;
}

static int insert_link(orgmri_ingest *ing, int64_t evid, int64_t src,
                       int64_t dst, const char *relation, orgmri_error *err)
{
	int rc = step_link(ing, evid, src, dst, relation, -1, err);
	if (!rc)
		ing->counts.links += sqlite3_changes(ing->store->db);
	return rc;
}

static int end_event(orgmri_ingest *ing, orgmri_error *err)
{
	if (++ing->pending >= ing->batch)
		return orgmri_ingest_flush(ing, err);
	return 0;
}

/* Repeated related objects of one event: seen[k] holds the stamp of the
 * last event that named object k (its index in ing->objects.names). */
static void next_stamp(orgmri_ingest *ing)
{
	if (++ing->stamp == 0) { /* wrapped: forget every stamp */
		memset(ing->seen, 0, ing->seen_cap * sizeof(*ing->seen));
		ing->stamp = 1;
	}
}

/* 1 when object k was already named by the current event, else 0 (and
 * now it was); negative on out of memory. */
static int seen_in_event(orgmri_ingest *ing, uint32_t k, orgmri_error *err)
{
	if (orgmri_array_grow((void **)&ing->seen, &ing->seen_cap, (size_t)k + 1,
	                      sizeof(*ing->seen), 1024, 1))
		return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	if (ing->seen[k] == ing->stamp)
		return 1;
	ing->seen[k] = ing->stamp;
	return 0;
}

static int ingest_event(orgmri_sink *sink, const orgmri_event *ev,
                        orgmri_error *err)
{
	orgmri_ingest *ing = (orgmri_ingest *)((char *)sink -
	                                       offsetof(orgmri_ingest, sink));
	orgmri_store *s = ing->store;
	int rc;
	if ((rc = orgmri_event_validate(ev, err)))
		return rc;
	if ((rc = begin_txn(ing, err)))
		return rc;

	int64_t obj, act, actor = 0;
	size_t tl = orgmri_object_type_len(ev->object);
	if ((rc = idmap_get(s, &ing->objects, ev->object, tl, &obj, NULL,
	                    err)) ||
	    (rc = idmap_get(s, &ing->activities, ev->activity, 0, &act, NULL,
	                    err)))
		return rc;
	if (ev->actor && ev->actor[0] &&
	    (rc = idmap_get(s, &ing->people, ev->actor, 0, &actor, NULL, err)))
		return rc;

	orgmri_buf_clear(&ing->attrs);
	if ((rc = sorted_attrs(ing, ev)))
		return orgmri_seterr(err, rc, "%s", rc == ORGMRI_ELIMIT ?
		                     "more than 256 attributes" : "out of memory");
	if (orgmri_attrs_encode(&ing->attrs, ing->sorted, ev->nattrs))
		return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	const orgmri_attr *bot = actor ? orgmri_event_attr(ev, "bot") : NULL;
	int64_t evid;
	if ((rc = insert_event(ing, obj, act, ev->time, actor,
	                       ev->discriminator ? ev->discriminator : "",
	                       orgmri_buf_cstr(&ing->attrs), ing->attrs.len,
	                       bot && strcmp(bot->value, "true") == 0, &evid,
	                       err)))
		return rc;
	next_stamp(ing);
	for (size_t i = 0; evid && i < ev->nrelated; i++) {
		const char *dst = ev->related[i];
		size_t dl = orgmri_object_type_len(dst);
		int64_t dst_id;
		uint32_t k;
		if ((rc = idmap_get(s, &ing->objects, dst, dl, &dst_id, &k, err)))
			return rc;
		if ((rc = seen_in_event(ing, k, err)) < 0)
			return rc;
		if (rc)
			continue; /* (event, dst) is stored once: the first */
		if ((rc = insert_link(ing, evid, obj, dst_id,
		                      orgmri_relation_name(ev->object, tl, dst, dl),
		                      err)))
			return rc;
	}
	return end_event(ing, err);
}

/* ---- the pipeline's door (bulk.h) --------------------------------------- */

/* dense number -> row id (0 = not known yet) */
typedef struct densemap {
	int64_t *rowid;
	size_t cap;
} densemap;

/* What the run has sent to each object (by dense number), for sorted
 * batches: the greatest key so far in the order (time, activity number,
 * actor number, hash of the discriminator) -- an order in which equal
 * keys compare equal, so a key above it is new to the object -- and where
 * its kept events are. */
typedef struct objstate {
	int64_t max_time;
	uint32_t max_act, max_actor, max_dh;
	uint32_t last;       /* 1 + index of its latest event waiting, or 0 */
	uint32_t last_gen;   /* sorted_batch.gen that `last` belongs to */
	uint32_t first_gen;  /* gen of its first event; 0: none yet */
} objstate;

struct orgmri_bulk {
	orgmri_ingest *ing;
	densemap objects, activities, people;
	objstate *os;
	size_t oscap;
};

int orgmri_bulk_new(orgmri_ingest *ing, orgmri_bulk **out, orgmri_error *err)
{
	*out = calloc(1, sizeof(**out));
	if (!*out)
		return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	(*out)->ing = ing;
	return 0;
}

void orgmri_bulk_free(orgmri_bulk *b)
{
	if (!b)
		return;
	free(b->objects.rowid);
	free(b->activities.rowid);
	free(b->people.rowid);
	free(b->os);
	free(b);
}

/* Row id of dense number `n` named `name`: the array, else the database. */
static int dense_get(orgmri_ingest *ing, densemap *d, idmap *m, uint32_t n,
                     const char *name, int is_object, int64_t *out,
                     orgmri_error *err)
{
	if (n < d->cap && d->rowid[n] > 0) {
		*out = d->rowid[n];
		return 0;
	}
	if (orgmri_array_grow((void **)&d->rowid, &d->cap, (size_t)n + 1,
	                      sizeof(*d->rowid), 1024, 1))
		return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	int rc = idmap_db(ing->store, m, name, strlen(name),
	                  is_object ? orgmri_object_type_len(name) : 0,
	                  &d->rowid[n], err);
	*out = d->rowid[n];
	return rc;
}

/*
 * Sorted batches.  Real histories interleave many objects, so events
 * arrive in an order that sends each insert to a different place of the
 * events B-tree (keyed by object, time, ...), and each new object's key
 * to a different place of the object_keys B-tree: finding those places
 * was most of the store thread's time.  When the store held no events
 * and no objects as the run's first batch began (checked inside that
 * batch's transaction), the pipeline's events instead wait until the
 * batch is flushed: then the batch's new objects are written in id order
 * (appended) and their keys in key order (in a build, all of the run's
 * keys at its end, merged: keys_write), its events in (object row id,
 * time, input) order -- left to right through the B-trees once per
 * batch -- and its links in input order.
 *
 * What is stored stays exactly what the plain path stores, because every
 * decision is still taken when the event arrives, in input order:
 *  - a new object takes the next row id at first sight (max(id) + 1,
 *    which is what SQLite gives: the run is the only source of objects);
 *  - whether the event is new: its key is compared with the greatest key
 *    its object has had in this run (objstate).  Above it, the key is new.
 *    Otherwise the object's waiting events are compared (a chain through
 *    pend_event.prev) and, when the object had events in an earlier
 *    batch, the B-tree is asked (one look-up).  Generated histories send
 *    an object's events in time order, so the look-up is rare.
 *  - a new event takes the next event id and its related objects their
 *    row ids; a repeat is counted as read, as a key conflict is.
 * That the B-tree holds only this run's events stays true while no other
 * process writes: begin_txn compares meta.next_event_id with what our last
 * commit left, and a difference ends sorting for the rest of the run (as
 * do a failed batch and ORGMRI_SORTED=0; ORGMRI_SORTED_OBJECTS=0 keeps
 * the objects on the plain path, for measuring).
 *
 * Memory: the waiting batch (88 bytes an event with its sort key, plus
 * its attributes and discriminator; 32 a link; 40 a new object) and 32
 * bytes per object of the run.  A failure while writing what waits rolls the whole batch back
 * (the plain path commits the complete events before a failure).
 */
/* The page cache for in-order writes (small = 1) or any other (0).
 * A build's sorted batches take the small one too: pages it lets go
 * are in the file, one pread away, and the 256 MB were dirty pages
 * that all waited to be written at the commit (4.9M CSV events, four
 * alternating runs each: 4.37-4.47 s with 256 MB, 4.28-4.35 s with 32
 * MB; peak RSS 791 -> 569 MB).  Only a hint: a failure to set it
 * changes nothing stored. */
static void set_cache(orgmri_ingest *ing, int small)
{
	if (ing->build && ing->sb.state == SORT_ON)
		small = 1;
	if (ing->small_cache == small)
		return;
	char sql[64];
	snprintf(sql, sizeof(sql), "PRAGMA cache_size=-%d",
	         small ? IN_ORDER_CACHE_KB : INGEST_CACHE_KB);
	if (orgmri_store_exec(ing->store, sql, NULL) == 0)
		ing->small_cache = small;
}

static void sorted_off(orgmri_ingest *ing)
{
	ing->sb.state = SORT_OFF;
	set_cache(ing, 0);
}

static void keys_clear(build_keys *bk);

static void sorted_free(sorted_batch *sb)
{
	free(sb->ev);
	free(sb->ln);
	free(sb->keys);
	free(sb->rk);
	free(sb->obj);
	free(sb->objorder);
	sqlite3_finalize(sb->exists);
	sqlite3_finalize(sb->put_events);
	sqlite3_finalize(sb->put_links);
	sqlite3_finalize(sb->put_objects);
	sqlite3_finalize(sb->put_object_keys);
	orgmri_buf_free(&sb->text);
}

/* A failed batch is rolled back whole: what waits was given ids in a
 * transaction that is gone. */
static void fail_batch(orgmri_ingest *ing)
{
	if (ing->in_txn)
		orgmri_store_exec(ing->store, "ROLLBACK", NULL);
	ing->in_txn = 0;
	ing->pending = 0;
	keys_clear(&ing->bk);
	build_leave(ing);
	int64_t skipped = ing->counts.skipped;
	ing->counts = ing->counts_at_begin;
	ing->counts.skipped = skipped;
	ing->sb.nev = ing->sb.nln = ing->sb.nobj = 0;
	ing->sb.unordered = 0;
	ing->sb.text.len = 0;
	ing->sb.gen++;
	/* the per-object state no longer matches the store */
	sorted_off(ing);
}

static int cmp_pend_key(const void *a, const void *b)
{
	const pend_key *x = a, *y = b;
	if (x->obj != y->obj)
		return x->obj < y->obj ? -1 : 1;
	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* Bits needed for the numbers 0..x. */
static int bits_for(uint64_t x)
{
	int b = 0;
	while (x) {
		b++;
		x >>= 1;
	}
	return b;
}

/*
 * Sort the batch's keys[0, n) (built in index order) by (obj, time),
 * equal pairs in index order: the order cmp_pend_key gives.  An LSD
 * radix sort, 11 bits a pass, on (obj - min obj) << tbits | (time - min
 * time), which fits in 64 bits whenever the batch's object and time
 * ranges together need at most 64 (always, for real data: millions of
 * objects and centuries in milliseconds take 62); it is stable, so
 * index order among equal pairs stays.  A pass whose digit is the same
 * for every key is skipped.  Otherwise, or without memory for the
 * scratch (16 bytes a key, twice), qsort with cmp_pend_key.  qsort's
 * merge sort with its comparison callback was 4% of all samples of a
 * 4.9M-event CSV ingest, in the store's thread, the slower one.
 * Only keys[].i is meaningful afterwards.
 */
static void sort_keys(sorted_batch *sb, size_t n)
{
	pend_key *k = sb->keys;
	if (n < 2)
		return;
	int64_t omin = k[0].obj, omax = omin, tmin = k[0].time, tmax = tmin;
	for (size_t j = 1; j < n; j++) {
		omin = k[j].obj < omin ? k[j].obj : omin;
		omax = k[j].obj > omax ? k[j].obj : omax;
		tmin = k[j].time < tmin ? k[j].time : tmin;
		tmax = k[j].time > tmax ? k[j].time : tmax;
	}
	int tbits = bits_for((uint64_t)tmax - (uint64_t)tmin);
	int obits = bits_for((uint64_t)omax - (uint64_t)omin);
	if (tbits + obits > 64 || n > SIZE_MAX / 2) {
		qsort(k, n, sizeof(*k), cmp_pend_key);
		return;
	}
	if (n > sb->rkcap) {
		struct radix_key *r = orgmri_reallocarray(sb->rk, 2 * n,
		                                          sizeof(*r));
		if (!r) {
			qsort(k, n, sizeof(*k), cmp_pend_key);
			return;
		}
		sb->rk = r;
		sb->rkcap = n;
	}
	struct radix_key *a = sb->rk, *b = sb->rk + n;
	for (size_t j = 0; j < n; j++) {
		uint64_t t = (uint64_t)k[j].time - (uint64_t)tmin;
		uint64_t o = (uint64_t)k[j].obj - (uint64_t)omin;
		a[j].key = tbits == 64 ? t : o << tbits | t;
		a[j].i = k[j].i;
	}
	enum { RBITS = 11, RSIZE = 1 << RBITS };
	size_t cnt[RSIZE];
	for (int shift = 0; shift < tbits + obits; shift += RBITS) {
		memset(cnt, 0, sizeof(cnt));
		for (size_t j = 0; j < n; j++)
			cnt[(a[j].key >> shift) & (RSIZE - 1)]++;
		if (cnt[(a[0].key >> shift) & (RSIZE - 1)] == n)
			continue; /* every key has this digit */
		size_t sum = 0;
		for (size_t d = 0; d < RSIZE; d++) {
			size_t c = cnt[d];
			cnt[d] = sum;
			sum += c;
		}
		for (size_t j = 0; j < n; j++)
			b[cnt[(a[j].key >> shift) & (RSIZE - 1)]++] = a[j];
		struct radix_key *t = a;
		a = b;
		b = t;
	}
	for (size_t j = 0; j < n; j++)
		k[j].i = a[j].i;
}

/* The keys of objects numbered here go to object_keys in key order (its
 * primary key's), each with the row id it was given at first sight.
 * TEXT's order in SQLite (BINARY): bytes, then the shorter first. */
static int key_cmp(const char *x, size_t xl, const char *y, size_t yl)
{
	int c = memcmp(x, y, xl < yl ? xl : yl);
	if (c)
		return c;
	return xl < yl ? -1 : xl > yl;
}

static int cmp_object_key(const void *a, const void *b)
{
	const struct obj_sort *x = a, *y = b;
	return key_cmp(x->key, x->len, y->key, y->len);
}

/* Write the rows of `rows` with the statement *st (prepared from `sql`
 * at first use), which reads them from orgmri_rows; *written = rows
 * changed.  The statements say INSERT OR FAIL: a row that breaks a
 * constraint stops the statement without undoing its earlier rows, so
 * SQLite keeps no statement journal (a copy of every page the statement
 * changes that existed before it: +60 MB peak RSS on 4.9M CSV events);
 * the caller rolls the whole batch back on any failure anyway.  Nothing
 * waiting can conflict with the store (the rows were decided new when
 * they arrived), except when another process wrote meanwhile. */
static int put_rows(orgmri_ingest *ing, sqlite3_stmt **st, const char *sql,
                    orgmri_rows *rows, int *written, const char *what,
                    orgmri_error *err)
{
	orgmri_store *s = ing->store;
	int rc;
	if (!s->rows_known) {
		if (orgmri_rows_register(s->db, &s->rows) != SQLITE_OK)
			return orgmri_store_sqlerr(s, err, "registering orgmri_rows");
		s->rows_known = 1;
	}
	if (!*st && (rc = orgmri_store_prepare(s, sql, st, err)))
		return rc;
	s->rows = rows;
	int step = sqlite3_step(*st);
	s->rows = NULL;
	sqlite3_reset(*st);
	if (step != SQLITE_DONE)
		return orgmri_store_sqlerr(s, err, what);
	*written = sqlite3_changes(s->db);
	return 0;
}

/* Row `row` of the objects waiting, in id order. */
static void object_column(void *ctx, size_t row, int col, sqlite3_context *out)
{
	const sorted_batch *sb = ctx;
	const pend_object *o = &sb->obj[row];
	const char *text = sb->text.ptr;
	switch (col) {
	case 0: sqlite3_result_int64(out, o->id); break;
	case 1: sqlite3_result_text(out, text + o->key, (int)o->key_len,
	                            SQLITE_STATIC); break;
	case 2: sqlite3_result_text(out, text + o->key, (int)o->type_len,
	                            SQLITE_STATIC); break;
	default: sqlite3_result_null(out);
	}
}

/* Row `row` of the waiting objects' keys, in key order (objorder). */
static void object_key_column(void *ctx, size_t row, int col,
                              sqlite3_context *out)
{
	const sorted_batch *sb = ctx;
	const pend_object *o = &sb->obj[sb->objorder[row].i];
	if (col == 0)
		sqlite3_result_text(out, sb->text.ptr + o->key, (int)o->key_len,
		                    SQLITE_STATIC);
	else
		sqlite3_result_int64(out, o->id);
}

static void keys_clear(build_keys *bk)
{
	bk->text.len = 0;
	bk->n = bk->nruns = 0;
}

static void keys_free(build_keys *bk)
{
	orgmri_buf_free(&bk->text);
	free(bk->k);
	free(bk->runs);
	free(bk->order);
	memset(bk, 0, sizeof(*bk));
}

/* A build keeps the batch's keys, sorted (objorder), as one more run. */
static int keys_keep(orgmri_ingest *ing, orgmri_error *err)
{
	sorted_batch *sb = &ing->sb;
	build_keys *bk = &ing->bk;
	if (orgmri_array_grow((void **)&bk->k, &bk->cap, bk->n + sb->nobj,
	                      sizeof(*bk->k), 4096, 0) ||
	    orgmri_array_grow((void **)&bk->runs, &bk->runcap, bk->nruns + 1,
	                      sizeof(*bk->runs), 64, 0))
		return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	bk->runs[bk->nruns++] = bk->n;
	for (size_t i = 0; i < sb->nobj; i++) {
		const pend_object *o = &sb->obj[sb->objorder[i].i];
		build_key *k = &bk->k[bk->n++];
		k->off = bk->text.len;
		k->len = o->key_len;
		k->id = o->id;
		if (orgmri_buf_put(&bk->text, sb->text.ptr + o->key, o->key_len))
			return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	}
	return 0;
}

static int bkey_cmp(const build_keys *bk, size_t a, size_t b)
{
	const build_key *x = &bk->k[a], *y = &bk->k[b];
	return key_cmp(bk->text.ptr + x->off, x->len, bk->text.ptr + y->off,
	               y->len);
}

/* bk->order = the kept keys in key order: a k-way merge of the runs with
 * a binary heap of the runs' next keys (no two keys are equal: each
 * object was new once). */
static int keys_merge(build_keys *bk)
{
	size_t nr = bk->nruns;
	free(bk->order);
	bk->order = orgmri_reallocarray(NULL, bk->n ? bk->n : 1,
	                                sizeof(*bk->order));
	size_t *pos = orgmri_reallocarray(NULL, nr, 3 * sizeof(size_t));
	if (!bk->order || !pos) {
		free(pos);
		return ORGMRI_ENOMEM;
	}
	size_t *end = pos + nr, *heap = end + nr, hn = 0;
	for (size_t r = 0; r < nr; r++) {
		pos[r] = bk->runs[r];
		end[r] = r + 1 < nr ? bk->runs[r + 1] : bk->n;
		if (pos[r] == end[r])
			continue;
		/* sift up */
		size_t i = hn++;
		while (i > 0 && bkey_cmp(bk, pos[r], pos[heap[(i - 1) / 2]]) < 0) {
			heap[i] = heap[(i - 1) / 2];
			i = (i - 1) / 2;
		}
		heap[i] = r;
	}
	for (size_t out = 0; hn > 0; out++) {
		size_t r = heap[0];
		bk->order[out] = (uint32_t)pos[r]++;
		if (pos[r] == end[r])
			r = heap[--hn];
		/* sift r down from the root */
		size_t i = 0;
		for (;;) {
			size_t c = 2 * i + 1;
			if (c >= hn)
				break;
			if (c + 1 < hn &&
			    bkey_cmp(bk, pos[heap[c + 1]], pos[heap[c]]) < 0)
				c++;
			if (bkey_cmp(bk, pos[heap[c]], pos[r]) >= 0)
				break;
			heap[i] = heap[c];
			i = c;
		}
		if (hn > 0)
			heap[i] = r;
	}
	free(pos);
	return 0;
}

static void build_key_column(void *ctx, size_t row, int col,
                             sqlite3_context *out)
{
	const build_keys *bk = ctx;
	const build_key *k = &bk->k[bk->order[row]];
	if (col == 0)
		sqlite3_result_text(out, bk->text.ptr + k->off, (int)k->len,
		                    SQLITE_STATIC);
	else
		sqlite3_result_int64(out, k->id);
}

static int put_rows(orgmri_ingest *ing, sqlite3_stmt **st, const char *sql,
                    orgmri_rows *rows, int *written, const char *what,
                    orgmri_error *err);

/* The end of a build: its object keys, merged, appended to the empty
 * object_keys B-tree in one pass. */
static int keys_write(orgmri_ingest *ing, orgmri_error *err)
{
	build_keys *bk = &ing->bk;
	if (!bk->n)
		return 0;
	if (keys_merge(bk))
		return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	orgmri_rows rows = { bk->n, bk, build_key_column };
	sqlite3_stmt *st = NULL;
	int written;
	int rc = put_rows(ing, &st, "INSERT OR FAIL INTO object_keys(key, id)"
	                  " SELECT c0, c1 FROM orgmri_rows", &rows, &written,
	                  "storing names", err);
	sqlite3_finalize(st);
	keys_free(bk);
	return rc;
}

/* The batch's new objects: the rows in id order (appended: their ids
 * are the greatest), their keys in key order, now or, in a build, at its
 * end (keys_write). */
static int write_objects(orgmri_ingest *ing, orgmri_error *err)
{
	sorted_batch *sb = &ing->sb;
	int rc;
	if (!sb->nobj)
		return 0;
	orgmri_rows rows = { sb->nobj, sb, object_column };
	int written;
	if ((rc = put_rows(ing, &sb->put_objects,
	                   "INSERT OR FAIL INTO objects(id, key, type)"
	                   " SELECT c0, c1, c2 FROM orgmri_rows",
	                   &rows, &written, "storing names", err)))
		return rc;
	if (sb->nobj > sb->objordercap) {
		struct obj_sort *o = orgmri_reallocarray(sb->objorder, sb->objcap,
		                                         sizeof(*o));
		if (!o)
			return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
		sb->objorder = o;
		sb->objordercap = sb->objcap;
	}
	const char *text = orgmri_buf_cstr(&sb->text);
	for (size_t i = 0; i < sb->nobj; i++) {
		sb->objorder[i].key = text + sb->obj[i].key;
		sb->objorder[i].len = sb->obj[i].key_len;
		sb->objorder[i].i = (uint32_t)i;
	}
	qsort(sb->objorder, sb->nobj, sizeof(*sb->objorder), cmp_object_key);
	if (ing->build)
		rc = keys_keep(ing, err);
	else {
		orgmri_rows keys = { sb->nobj, sb, object_key_column };
		rc = put_rows(ing, &sb->put_object_keys,
		              "INSERT OR FAIL INTO object_keys(key, id)"
		              " SELECT c0, c1 FROM orgmri_rows",
		              &keys, &written, "storing names", err);
	}
	if (rc)
		return rc;
	sb->nobj = 0;
	return 0;
}

/* Row id of the object with dense number n: as dense_get, except that
 * while objects are numbered here a new one takes the next id and waits
 * for the flush. */
static int object_get(orgmri_bulk *b, uint32_t n, const char *key,
                      int64_t *out, orgmri_error *err)
{
	orgmri_ingest *ing = b->ing;
	sorted_batch *sb = &ing->sb;
	densemap *d = &b->objects;
	if (!(sb->state == SORT_ON && sb->objects_here) ||
	    (n < d->cap && d->rowid[n] > 0))
		return dense_get(ing, d, &ing->objects, n, key, 1, out, err);
	if (orgmri_array_grow((void **)&d->rowid, &d->cap, (size_t)n + 1,
	                      sizeof(*d->rowid), 1024, 1))
		return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	if (sb->nobj == sb->objcap) {
		size_t cap = sb->objcap ? sb->objcap * 2 : 4096;
		pend_object *o = orgmri_reallocarray(sb->obj, cap, sizeof(*o));
		if (!o)
			return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
		sb->obj = o;
		sb->objcap = cap;
	}
	size_t kl = strlen(key);
	pend_object *o = &sb->obj[sb->nobj];
	o->id = sb->last_object_id + 1;
	o->key = (uint32_t)sb->text.len;
	o->key_len = (uint32_t)kl;
	o->type_len = (uint32_t)orgmri_object_type_len(key);
	if (orgmri_buf_put(&sb->text, key, kl))
		return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	sb->nobj++;
	*out = d->rowid[n] = ++sb->last_object_id;
	return 0;
}

/* Row `row` of the events waiting, in key order (sb->keys). */
static void event_column(void *ctx, size_t row, int col, sqlite3_context *out)
{
	const orgmri_ingest *ing = ctx;
	const sorted_batch *sb = &ing->sb;
	const pend_event *e = &sb->ev[sb->keys[row].i];
	const char *text = sb->text.ptr;
	switch (col) {
	case 0:
#ifdef __GNUC__
		/* the events are read in key order, scattered in memory */
		if (row + 8 < sb->nev) {
			const pend_event *f = &sb->ev[sb->keys[row + 8].i];
			__builtin_prefetch(f);
			__builtin_prefetch(text + f->attrs);
		}
#endif
		sqlite3_result_int64(out, e->obj); break;
	case 1: sqlite3_result_int64(out, e->act); break;
	case 2: sqlite3_result_int64(out, e->time); break;
	case 3: sqlite3_result_int64(out, e->actor); break;
	case 4: sqlite3_result_text(out, text + e->disc, (int)e->disc_len,
	                            SQLITE_STATIC); break;
	case 5: sqlite3_result_text(out, text + e->attrs, (int)e->attrs_len,
	                            SQLITE_STATIC); break;
	case 6: sqlite3_result_int64(out, ing->run_id); break;
	case 7: sqlite3_result_int64(out, e->id); break;
	default: sqlite3_result_null(out);
	}
}

/* Row `row` of the links waiting, in input order. */
static void link_column(void *ctx, size_t row, int col, sqlite3_context *out)
{
	const sorted_batch *sb = ctx;
	const pend_link *l = &sb->ln[row];
	switch (col) {
	case 0: sqlite3_result_int64(out, l->evid); break;
	case 1: sqlite3_result_int64(out, l->src); break;
	case 2: sqlite3_result_int64(out, l->dst); break;
	case 3: sqlite3_result_text(out, sb->text.ptr + l->rel, (int)l->rel_len,
	                            SQLITE_STATIC); break;
	default: sqlite3_result_null(out);
	}
}

/* Write what waits: events in key order, then links in input order, each
 * table with one INSERT ... SELECT from orgmri_rows.  The caller rolls
 * the batch back on failure. */
static int sorted_write(orgmri_ingest *ing, orgmri_error *err)
{
	build_writeback(ing);
	sorted_batch *sb = &ing->sb;
	orgmri_store *s = ing->store;
	if (!sb->nev && !sb->nln && !sb->nobj)
		return 0;
	int rc;
	if ((rc = write_objects(ing, err)))
		return rc;
	if (sb->nev > sb->keycap) {
		pend_key *k = orgmri_reallocarray(sb->keys, sb->evcap,
		                                  sizeof(*k));
		if (!k)
			return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
		sb->keys = k;
		sb->keycap = sb->evcap;
	}
	for (size_t i = 0; i < sb->nev; i++) {
		sb->keys[i].obj = sb->ev[i].obj;
		sb->keys[i].time = sb->ev[i].time;
		sb->keys[i].i = (uint32_t)i;
	}
	/* input grouped by object in time order (XES traces) is in order */
	if (sb->unordered) {
		set_cache(ing, 0);
		sort_keys(sb, sb->nev);
	}
	orgmri_buf_cstr(&sb->text);
	orgmri_rows rows = { sb->nev, ing, event_column };
	int written = 0;
	if (sb->nev &&
	    (rc = put_rows(ing, &sb->put_events,
	                   "INSERT OR FAIL INTO events(object_id, activity_id, time,"
	                   " actor_id, disc, attrs, run_id, id)"
	                   " SELECT c0, c1, c2, c3, c4, c5, c6, c7 FROM orgmri_rows",
	                   &rows, &written, "storing events (one taken for new "
	                   "was stored already: another writer?)", err)))
		return rc;
	if ((size_t)written != sb->nev)
		return orgmri_seterr(err, ORGMRI_ESTORE, "%s: an event taken "
		                     "for new was already stored (another "
		                     "writer?)", s->path);
	rows = (orgmri_rows){ sb->nln, sb, link_column };
	if (sb->nln &&
	    (rc = put_rows(ing, &sb->put_links,
	                   "INSERT OR FAIL INTO links(event_id, src_id, dst_id, relation)"
	                   " SELECT c0, c1, c2, c3 FROM orgmri_rows",
	                   &rows, &written, "storing links", err)))
		return rc;
	sb->nev = sb->nln = 0;
	sb->unordered = 0;
	sb->text.len = 0;
	sb->gen++;
	return 0;
}

/* Keep one new event (its key is new to the run) until the flush. */
static int sorted_keep(orgmri_bulk *b, const orgmri_bulk_event *be,
                       int64_t obj, int64_t act, int64_t actor,
                       const char *disc, size_t dl, orgmri_error *err)
{
	orgmri_ingest *ing = b->ing;
	sorted_batch *sb = &ing->sb;
	int rc;
	if (sb->nev == sb->evcap) {
		size_t cap = sb->evcap ? sb->evcap * 2 : 4096;
		pend_event *e = orgmri_reallocarray(sb->ev, cap, sizeof(*e));
		if (!e)
			return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
		sb->ev = e;
		sb->evcap = cap;
	}
	pend_event *e = &sb->ev[sb->nev];
	if (sb->nev && (e[-1].obj > obj ||
	                (e[-1].obj == obj && e[-1].time > be->ev->time)))
		sb->unordered = 1;
	e->obj = obj;
	e->time = be->ev->time;
	e->act = act;
	e->actor = actor;
	e->id = ing->next_id;
	e->disc = (uint32_t)sb->text.len;
	e->disc_len = (uint32_t)dl;
	if (orgmri_buf_put(&sb->text, disc, dl))
		return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	e->attrs = (uint32_t)sb->text.len;
	e->attrs_len = (uint32_t)be->attrs_len;
	if (orgmri_buf_put(&sb->text, be->attrs, be->attrs_len))
		return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	sb->nev++;
	ing->counts.read++;
	ing->counts.added++;
	ing->next_id++;
	if (actor && be->bot) {
		sqlite3_reset(ing->mark_bot);
		sqlite3_bind_int64(ing->mark_bot, 1, actor);
		if (sqlite3_step(ing->mark_bot) != SQLITE_DONE)
			return orgmri_store_sqlerr(ing->store, err, "marking a bot");
	}
	for (size_t i = 0; i < be->nrelated; i++) {
		int64_t dst_id;
		if ((rc = object_get(b, be->related[i], be->related_key[i],
		                     &dst_id, err)))
			return rc;
		if (sb->nln == sb->lncap) {
			size_t cap = sb->lncap ? sb->lncap * 2 : 4096;
			pend_link *l = orgmri_reallocarray(sb->ln, cap, sizeof(*l));
			if (!l)
				return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
			sb->ln = l;
			sb->lncap = cap;
		}
		size_t rl = strlen(be->relation[i]);
		pend_link *l = &sb->ln[sb->nln];
		l->evid = e->id;
		l->src = obj;
		l->dst = dst_id;
		l->rel = (uint32_t)sb->text.len;
		l->rel_len = (uint32_t)rl;
		if (orgmri_buf_put(&sb->text, be->relation[i], rl))
			return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
		sb->nln++;
		ing->counts.links++;
	}
	return 0;
}

/* At the run's first batch: sort only into a store without events. */
static int sorted_decide(orgmri_ingest *ing, orgmri_error *err)
{
	const char *env = getenv("ORGMRI_SORTED");
	ing->sb.state = SORT_OFF;
	if (env && strcmp(env, "0") == 0)
		return 0;
	int events = 1, objects = 1; /* as if full, should the query fail */
	int rc = store_holds(ing->store, &events, &objects, err);
	if (!rc && !events) {
		/* no objects either: every object of the run is new, and
		 * takes max(id) + 1 = the next number, as SQLite would give */
		ing->sb.objects_here = !objects &&
		                       !(getenv("ORGMRI_SORTED_OBJECTS") &&
		                         strcmp(getenv("ORGMRI_SORTED_OBJECTS"),
		                                "0") == 0);
		ing->sb.last_object_id = 0;
		ing->sb.state = SORT_ON;
		ing->sb.expect_next_id = ing->next_id;
		ing->sb.gen = 1; /* objstate.first_gen 0 means "none yet" */
	}
	return rc;
}

static int objstate_at(orgmri_bulk *b, uint32_t n, objstate **out,
                       orgmri_error *err)
{
	if (orgmri_array_grow((void **)&b->os, &b->oscap, (size_t)n + 1,
	                      sizeof(*b->os), 1024, 1))
		return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	*out = &b->os[n];
	return 0;
}

/* Whether the event's key is stored already: by the store (written in an
 * earlier round of this run) or among the events waiting. */
static int sorted_repeat(orgmri_ingest *ing, const objstate *o, int64_t obj,
                         int64_t time, int64_t act, int64_t actor,
                         const char *disc, size_t dl, orgmri_error *err)
{
	sorted_batch *sb = &ing->sb;
	const char *text = sb->text.ptr;
	for (uint32_t j = o->last_gen == sb->gen ? o->last : 0; j;
	     j = sb->ev[j - 1].prev) {
		const pend_event *e = &sb->ev[j - 1];
		if (e->time == time && e->act == act && e->actor == actor &&
		    e->disc_len == dl && memcmp(text + e->disc, disc, dl) == 0)
			return 1;
	}
	if (o->first_gen == sb->gen)
		return 0; /* all its events are still waiting */
	sqlite3_stmt *st = sb->exists;
	if (!st) {
		int rc = orgmri_store_prepare(ing->store,
			"SELECT 1 FROM events WHERE object_id = ? AND time = ?"
			" AND activity_id = ? AND actor_id = ? AND disc = ?",
			&sb->exists, err);
		if (rc)
			return rc;
		st = sb->exists;
	}
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, obj);
	sqlite3_bind_int64(st, 2, time);
	sqlite3_bind_int64(st, 3, act);
	sqlite3_bind_int64(st, 4, actor);
	sqlite3_bind_text(st, 5, disc, (int)dl, SQLITE_STATIC);
	int step = sqlite3_step(st);
	sqlite3_reset(st);
	if (step == SQLITE_ROW)
		return 1;
	if (step != SQLITE_DONE)
		return orgmri_store_sqlerr(ing->store, err, "looking up an event");
	return 0;
}

/* The sorted path of one event: 0 or an error. */
static int sorted_add(orgmri_bulk *b, const orgmri_bulk_event *be,
                      int64_t obj, int64_t act, int64_t actor,
                      const char *disc, orgmri_error *err)
{
	orgmri_ingest *ing = b->ing;
	sorted_batch *sb = &ing->sb;
	const orgmri_event *ev = be->ev;
	size_t dl = strlen(disc);
	objstate *o = NULL;
	int rc;
	/* offsets into text are 32 bits: write what waits early */
	if (sb->text.len >= UINT32_MAX / 2 && (rc = sorted_write(ing, err)))
		return rc;
	if ((rc = objstate_at(b, be->object, &o, err)))
		return rc;
	uint32_t dh = dl ? (uint32_t)orgmri_hash(disc, dl) : 0;
	int above = !o->first_gen || ev->time > o->max_time ||
	            (ev->time == o->max_time &&
	             (be->activity != o->max_act ? be->activity > o->max_act :
	              be->actor != o->max_actor ? be->actor > o->max_actor :
	              dh > o->max_dh));
	if (!above) {
		rc = sorted_repeat(ing, o, obj, ev->time, act, actor, disc, dl, err);
		if (rc < 0)
			return rc;
		if (rc) { /* a repeat: read, not stored, as the plain path */
			ing->counts.read++;
			return 0;
		}
	} else {
		o->max_time = ev->time;
		o->max_act = be->activity;
		o->max_actor = be->actor;
		o->max_dh = dh;
	}
	if (!o->first_gen)
		o->first_gen = sb->gen;
	uint32_t prev = o->last_gen == sb->gen ? o->last : 0;
	if ((rc = sorted_keep(b, be, obj, act, actor, disc, dl, err)))
		return rc;
	sb->ev[sb->nev - 1].prev = prev;
	o = &b->os[be->object];
	o->last = (uint32_t)sb->nev;
	o->last_gen = sb->gen;
	/* Arriving in key order (XES traces), the events gain nothing by
	 * waiting for the batch's end, and writing in bursts would leave the
	 * parsing thread waiting for the queue: write what waits now, in
	 * one INSERT ... SELECT per table (about half the CPU per event of
	 * the plain path's statement per row), and go on sorting. */
	if (!sb->unordered && sb->nev >= IN_ORDER_CHUNK) {
		set_cache(ing, 1);
		return sorted_write(ing, err);
	}
	return 0;
}

int orgmri_bulk_event_add(orgmri_bulk *b, const orgmri_bulk_event *be,
                          orgmri_error *err)
{
	orgmri_ingest *ing = b->ing;
	const orgmri_event *ev = be->ev;
	int rc;
	if ((rc = begin_txn(ing, err)))
		goto fail;
	if (ing->sb.state == SORT_UNDECIDED && (rc = sorted_decide(ing, err)))
		goto fail;
	int64_t obj, act, actor = 0;
	if ((rc = object_get(b, be->object, ev->object, &obj, err)) ||
	    (rc = dense_get(ing, &b->activities, &ing->activities, be->activity,
	                    ev->activity, 0, &act, err)))
		goto fail;
	if (be->actor != ORGMRI_BULK_NO_ACTOR &&
	    (rc = dense_get(ing, &b->people, &ing->people, be->actor, ev->actor,
	                    0, &actor, err)))
		goto fail;
	const char *disc = ev->discriminator ? ev->discriminator : "";
	if (ing->sb.state == SORT_ON) {
		if ((rc = sorted_add(b, be, obj, act, actor, disc, err)))
			goto fail;
		return end_event(ing, err);
	}
	int64_t evid;
	if ((rc = insert_event(ing, obj, act, ev->time, actor, disc,
	                       be->attrs, be->attrs_len, be->bot, &evid, err)))
		goto fail;
	for (size_t i = 0; evid && i < be->nrelated; i++) {
		const char *dst = be->related_key[i];
		int64_t dst_id;
		if ((rc = dense_get(ing, &b->objects, &ing->objects, be->related[i],
		                    dst, 1, &dst_id, err)) ||
		    (rc = insert_link(ing, evid, obj, dst_id, be->relation[i], err)))
			goto fail;
	}
	return end_event(ing, err);
fail:
	/* With events waiting, what the transaction holds is not a prefix
	 * of the input: drop the batch.  Otherwise keep the old behaviour
	 * (the run's end commits the complete events before the failure). */
	if (ing->sb.nev || ing->sb.nln)
		fail_batch(ing);
	return rc;
}

int orgmri_bulk_sorting(const orgmri_bulk *b)
{
	/* events in key order are written every IN_ORDER_CHUNK: no burst */
	return b->ing->sb.state == SORT_ON && b->ing->sb.unordered;
}

int orgmri_bulk_end(orgmri_bulk *b, orgmri_error *err)
{
	orgmri_ingest *ing = b->ing;
	if (!ing->in_txn)
		return 0;
	int rc = sorted_write(ing, err);
	if (rc)
		fail_batch(ing);
	return rc;
}

int orgmri_bulk_idle(orgmri_bulk *b, orgmri_error *err)
{
	orgmri_ingest *ing = b->ing;
	int rc = orgmri_bulk_end(b, err);
	if (rc || !ing->in_txn)
		return rc;
	/* A build goes on through short waits (a bulk load's parser is
	 * briefly behind now and then, and always at the start, while the
	 * sorted path only keeps events); orgmri_bulk_stalled ends it
	 * after a long one. */
	if (ing->build || ing->pending < ORGMRI_BULK_IDLE_COMMIT)
		return 0;
	if ((rc = orgmri_ingest_flush(ing, err)))
		return rc;
	/* Best effort: a checkpoint that cannot run now (a reader holds an
	 * old snapshot) runs at a later one or at close. */
	sqlite3_wal_checkpoint_v2(ing->store->db, NULL,
	                          SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	return 0;
}

int orgmri_bulk_stalled(orgmri_bulk *b, orgmri_error *err)
{
	return build_end(b->ing, err);
}

int orgmri_ingest_begin(orgmri_store *s, const char *source, const char *kind,
                        orgmri_ingest **out, orgmri_error *err)
{
	*out = NULL;
	if (s->readonly)
		return orgmri_seterr(err, ORGMRI_EINVAL, "%s: opened read-only",
		                     s->path);
	orgmri_ingest *ing = calloc(1, sizeof(*ing));
	if (!ing)
		return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	ing->store = s;
	ing->batch = BATCH_EVENTS;
	ing->sink.event = ingest_event;
	int rc;
	sqlite3_stmt *st = NULL;
	if ((rc = idmap_init(s, &ing->activities, "activities", "name", err)) ||
	    (rc = idmap_init(s, &ing->people, "people", "name", err)))
		goto fail;
	/* objects need the type column too */
	orgmri_intern_init(&ing->objects.names);
	if ((rc = orgmri_store_prepare(s,
		"INSERT INTO objects(key, type) VALUES (?, ?)",
		&ing->objects.insert, err)) ||
	    (rc = orgmri_store_prepare(s,
		"INSERT INTO object_keys(key, id) VALUES (?, ?)",
		&ing->objects.insert_key, err)) ||
	    (rc = orgmri_store_prepare(s,
		"SELECT id FROM object_keys WHERE key = ?",
		&ing->objects.select, err)) ||
	    (rc = orgmri_store_prepare(s,
		"INSERT INTO events(object_id, activity_id, time, actor_id, disc,"
		" attrs, run_id, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
		"ON CONFLICT(object_id, time, activity_id, actor_id, disc) "
		"DO NOTHING", &ing->ins_event, err)) ||
	    (rc = orgmri_store_prepare(s,
		"INSERT INTO links(event_id, src_id, dst_id, relation) "
		"VALUES (?, ?, ?, ?)",
		&ing->ins_link, err)) ||
	    (rc = orgmri_store_prepare(s,
		"UPDATE people SET bot = 1 WHERE id = ? AND bot = 0",
		&ing->mark_bot, err)) ||
	    (rc = orgmri_store_prepare(s,
		"SELECT CAST(value AS INTEGER) FROM meta"
		" WHERE key = 'next_event_id'", &ing->get_next_id, err)) ||
	    (rc = orgmri_store_prepare(s,
		"UPDATE meta SET value = CAST(? AS TEXT)"
		" WHERE key = 'next_event_id'", &ing->set_next_id, err)) ||
	    (rc = orgmri_store_prepare(s,
		"INSERT INTO meta(key, value) VALUES (?, CAST(? AS TEXT)) "
		"ON CONFLICT(key) DO UPDATE SET"
		" value = CAST(CAST(meta.value AS INTEGER) + 1 AS TEXT)",
		&ing->bump_generation, err)))
		goto fail;
	ing->first_generation = random_generation();
	if ((rc = orgmri_store_prepare(s,
		"INSERT INTO ingest_runs(source, kind, started, status) "
		"VALUES (?, ?, ?, 'running')", &st, err)))
		goto fail;
	sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now_ms());
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = orgmri_store_sqlerr(s, err, "recording the ingest run");
		goto fail;
	}
	ing->run_id = sqlite3_last_insert_rowid(s->db);
	sqlite3_finalize(st);
	char pragmas[96];
	snprintf(pragmas, sizeof(pragmas), "PRAGMA cache_size=-%d;"
	         "PRAGMA wal_autocheckpoint=8192", INGEST_CACHE_KB);
	if ((rc = orgmri_store_exec(s, pragmas, err))) {
		st = NULL;
		goto fail;
	}
	*out = ing;
	return 0;
fail:
	sqlite3_finalize(st);
	orgmri_ingest_finish(ing, 0, NULL, NULL);
	return rc;
}

void orgmri_ingest_set_batch(orgmri_ingest *ing, long events)
{
	ing->batch = events > 0 ? events : BATCH_EVENTS;
}

orgmri_sink *orgmri_ingest_sink(orgmri_ingest *ing)
{
	return &ing->sink;
}

void orgmri_ingest_note_skip(orgmri_ingest *ing)
{
	ing->counts.skipped++;
}

const orgmri_ingest_counts *orgmri_ingest_get_counts(const orgmri_ingest *ing)
{
	return &ing->counts;
}

int orgmri_ingest_finish(orgmri_ingest *ing, int ok, const char *message,
                         orgmri_error *err)
{
	if (!ing)
		return 0;
	orgmri_store *s = ing->store;
	int rc = 0;
	/* A failed run still commits its complete events: each one was
	 * validated, and keeping them is what "nothing stored is lost" and
	 * idempotent re-runs need. */
	ing->finishing = 1;
	if (ing->in_txn && (rc = orgmri_ingest_flush(ing, err))) {
		orgmri_store_exec(s, "ROLLBACK", NULL);
		ing->in_txn = 0;
		ok = 0;
	}
	build_leave(ing);
	if (ing->run_id) {
		sqlite3_stmt *st;
		if (!orgmri_store_prepare(s,
			"UPDATE ingest_runs SET finished = ?, status = ?,"
			" events_read = ?, events_added = ?, skipped = ?,"
			" message = ? WHERE id = ?", &st, rc ? NULL : err)) {
			sqlite3_bind_int64(st, 1, now_ms());
			sqlite3_bind_text(st, 2, ok ? "ok" : "failed", -1,
			                  SQLITE_STATIC);
			sqlite3_bind_int64(st, 3, ing->counts.read);
			sqlite3_bind_int64(st, 4, ing->counts.added);
			sqlite3_bind_int64(st, 5, ing->counts.skipped);
			sqlite3_bind_text(st, 6, message, -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 7, ing->run_id);
			if (sqlite3_step(st) != SQLITE_DONE && !rc)
				rc = orgmri_store_sqlerr(s, err, "recording the run");
			sqlite3_finalize(st);
		}
	}
	orgmri_store_exec(s, "PRAGMA cache_size=-8192;"
	                     "PRAGMA wal_autocheckpoint=1000", NULL);
	idmap_free(&ing->objects);
	idmap_free(&ing->activities);
	idmap_free(&ing->people);
	sqlite3_finalize(ing->ins_event);
	sqlite3_finalize(ing->ins_link);
	sqlite3_finalize(ing->mark_bot);
	sqlite3_finalize(ing->get_next_id);
	sqlite3_finalize(ing->set_next_id);
	sqlite3_finalize(ing->bump_generation);
	orgmri_buf_free(&ing->attrs);
	sorted_free(&ing->sb);
	keys_free(&ing->bk);
	free(ing->seen);
	free(ing);
	return rc;
}
