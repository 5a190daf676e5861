/*
 * platform.h - what the delivery-platform adapters (GitLab, Jira, incident
 * CSV, DevLake tables) share: reading export files that hold one JSON
 * value or several concatenated ones (paginated API output), typed field
 * access that names the JSON path of a wrong field, an event builder whose
 * strings live in a per-record arena, and a lenient timestamp parser for
 * the text forms exports write ("2023-4-10 6:51:47").
 *
 * Error policy (docs/platforms.md): a record whose fields are wrong is
 * reported with file, record number and JSON path (or line and column),
 * then skipped and counted through orgmri_adapter_bad_record; a file that
 * is not valid JSON is one bad record that ends that file (what came
 * before it in the file stays); store failures end the run.
 */
#ifndef ORGMRI_INGEST_PLATFORM_H
#define ORGMRI_INGEST_PLATFORM_H

#include <jansson.h>
#include <stdint.h>

#include "core/util.h"
#include "ingest/adapter.h"

/* Largest export file read, in bytes (a cap on hostile input). */
#define PLAT_MAX_FILE ((size_t)1 << 30)
/* Most attributes / related objects one built event carries. */
#define PLAT_MAX_ATTRS 32
#define PLAT_MAX_RELATED 512

/* ---- JSON export files ------------------------------------------------ */

/* Where an item came from, for messages. */
typedef struct plat_where {
	const char *file;
	long page;            /* 1-based top-level value in the file */
	long line;            /* line where that value starts */
	size_t index;         /* index within the page's array */
	long long record;     /* 1-based item number across the file */
} plat_where;

/*
 * Called for each item.  Return 0 to go on, ORGMRI_EPARSE (with e's
 * message and e->path relative to the item, e.g. ".author.username") to
 * have the item reported and skipped per policy, or any other code to stop.
 * An ORGMRI_EPARSE whose e->file is set was already reported (a strict
 * failure in a nested file) and stops the read unchanged.
 */
typedef int (*plat_item_fn)(json_t *item, const plat_where *w, void *arg,
                            orgmri_error *e);

/*
 * Read `path` (missing: returns 0 without calling fn, *found = 0) and call
 * fn for every item: each element of each top-level array; for a
 * top-level object, the elements of its array member `member` when given
 * and present (Jira's {"issues": [...]}), else the object itself.
 */
int plat_json_each(orgmri_adapter_ctx *ctx, const char *path,
                   const char *member, plat_item_fn fn, void *arg,
                   int *found, orgmri_error *err);

/* Report a bad item at w with e's message and relative path; 0 = go on. */
int plat_bad_item(orgmri_adapter_ctx *ctx, const plat_where *w,
                  orgmri_error *e, orgmri_error *err);

/* The value at a dotted path ("author.username"); NULL when a step is
 * missing or JSON null. */
json_t *pj_get(json_t *obj, const char *dotted);
/* Typed optional fields: absent/null gives *out NULL / *present 0;
 * another JSON type is ORGMRI_EPARSE with e->path ".dotted". */
int pj_str(json_t *obj, const char *dotted, const char **out,
           orgmri_error *e);
int pj_int(json_t *obj, const char *dotted, long long *out, int *present,
           orgmri_error *e);
int pj_bool(json_t *obj, const char *dotted, int *out, orgmri_error *e);
/* A timestamp string (ISO 8601 with or without offset; see
 * plat_time_parse); absent/null gives *present 0. */
int pj_time(json_t *obj, const char *dotted, int64_t *out, int *present,
            orgmri_error *e);
/* Required variants: absent is ORGMRI_EPARSE "missing". */
int pj_need_str(json_t *obj, const char *dotted, const char **out,
                orgmri_error *e);
int pj_need_time(json_t *obj, const char *dotted, int64_t *out,
                 orgmri_error *e);
int pj_need_int(json_t *obj, const char *dotted, long long *out,
                orgmri_error *e);

/* ---- timestamps ------------------------------------------------------- */

/*
 * orgmri_time_parse, and when that fails, the unpadded form DevLake's
 * tables use ("2023-4-10 6:51:47", fields of one or two digits) with an
 * optional fraction and offset.  Text without an offset is UTC.
 */
int plat_time_parse(const char *s, int64_t *out, orgmri_error *e);

/* ---- event builder ---------------------------------------------------- */

typedef struct plat_event {
	orgmri_event ev;
	orgmri_attr attrs[PLAT_MAX_ATTRS];
	const char *related[PLAT_MAX_RELATED];
	orgmri_arena arena;   /* strings made by plat_fmt; freed by reset */
	int oom;
} plat_event;

void plat_event_init(plat_event *pe);
/* Free the arena's strings (call between records). */
void plat_event_reset(plat_event *pe);
void plat_event_free(plat_event *pe);
/* A string formatted into the arena; NULL on out of memory (sticky). */
char *plat_fmt(plat_event *pe, const char *fmt, ...) ORGMRI_PRINTF(2, 3);

/* Start a new event (attributes and related objects cleared). */
void plat_begin(plat_event *pe, const char *object, const char *activity,
                int64_t time, const char *actor, const char *discriminator);
/* Add an attribute; NULL or "" values are left out. */
void plat_attr(plat_event *pe, const char *name, const char *value);
void plat_attr_int(plat_event *pe, const char *name, long long v);
void plat_attr_bool(plat_event *pe, const char *name, int v);
/* Add a related object; NULL is left out. */
void plat_rel(plat_event *pe, const char *object);
/*
 * Send the event to the run's sink (events before opts->since are
 * dropped).  Returns 0, ORGMRI_EPARSE when the event is invalid (the
 * caller's record is bad), or the sink's fatal code.
 */
int plat_emit(orgmri_adapter_ctx *ctx, plat_event *pe, orgmri_error *e);

/* ---- deployments: the commits they shipped (platform_deploys.c) ------- */

/*
 * Wraps an adapter's sink for one run: `deployed` events of deployments
 * whose repository has a clone configured (repo.<NAME>.path) are held and,
 * at finish, sent on with the commits of `git rev-list PREV..CUR` added
 * (PREV: the previous successful deployment of the same repository and
 * environment in the run).  Other events pass straight through.
 */
typedef struct plat_deploys {
	orgmri_sink sink;             /* first member: the adapter writes here */
	orgmri_sink *inner;
	const orgmri_config *config;
	orgmri_store *store;          /* for the git adapter's clone paths */
	void *items;                  /* the held events */
	size_t n, cap;
	orgmri_arena arena;
	long long missing, unopened;  /* SHAs not in the clone; bad paths */
} plat_deploys;

/* Point ctx->sink at d (remembering the adapter's sink). */
void plat_deploys_begin(plat_deploys *d, orgmri_adapter_ctx *ctx);
/* Restore ctx->sink and send the held events on, with their commits;
 * 0 or the sink's error.  Call plat_deploys_free afterwards in any case. */
int plat_deploys_finish(plat_deploys *d, orgmri_adapter_ctx *ctx,
                        orgmri_error *err);
void plat_deploys_free(plat_deploys *d);
/* Run `read` (an adapter's reader) with the deployments it emits held and
 * given their commits: begin, read, finish, free.  read's error first. */
int plat_deploys_run(orgmri_adapter_ctx *ctx,
                     int (*read)(orgmri_adapter_ctx *, orgmri_error *),
                     orgmri_error *err);

/* The first line (at most size - 1 bytes) of a .jsonl / .ndjson file
 * into head: 1 when it is such a readable file, else 0 (for detect()). */
int plat_jsonl_head(const char *path, char *head, size_t size);

/* ---- small helpers ---------------------------------------------------- */

/* Look `key` up in a {name, value} table (case-insensitive); NULL if
 * absent. */
typedef struct plat_map {
	const char *name;
	const char *value;
} plat_map;
const char *plat_lookup(const plat_map *table, const char *key);

/* dir + "/" + name, malloc'ed; NULL on out of memory. */
char *plat_join(const char *dir, const char *name);
int plat_file_exists(const char *path);
/* Does the file start (after whitespace, first 64 KiB) with '[' or '{'
 * and contain `needle` in that window? */
int plat_sniff_json(const char *path, const char *needle);

#endif
