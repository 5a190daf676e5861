/*
 * rows.c - the eponymous virtual table `orgmri_rows` (rows.h): rows held
 * in memory by the store's writer, read by an INSERT ... SELECT.
 *
 * It only supports a full scan in row order: xBestIndex accepts no
 * constraint, so SQLite reads every row through xColumn and applies any
 * WHERE itself.  Read-only (no xUpdate).  One connection, one thread.
 */
#include <stdlib.h>

#include "store/rows.h"

typedef struct rows_vtab {
	sqlite3_vtab base;
	orgmri_rows **slot;
} rows_vtab;

typedef struct rows_cursor {
	sqlite3_vtab_cursor base;
	const orgmri_rows *rows;
	size_t at;
} rows_cursor;

static int rows_connect(sqlite3 *db, void *aux, int argc,
                        const char *const *argv, sqlite3_vtab **out,
                        char **errmsg)
{
	(void)argc;
	(void)argv;
	(void)errmsg;
	int rc = sqlite3_declare_vtab(db, "CREATE TABLE x(c0, c1, c2, c3, c4,"
	                                  " c5, c6, c7)");
	if (rc != SQLITE_OK)
		return rc;
	rows_vtab *v = sqlite3_malloc(sizeof(*v));
	if (!v)
		return SQLITE_NOMEM;
	v->base.pModule = NULL;
	v->base.nRef = 0;
	v->base.zErrMsg = NULL;
	v->slot = aux;
	*out = &v->base;
	return SQLITE_OK;
}

static int rows_disconnect(sqlite3_vtab *v)
{
	sqlite3_free(v);
	return SQLITE_OK;
}

static int rows_best_index(sqlite3_vtab *v, sqlite3_index_info *info)
{
	(void)v;
	info->estimatedCost = 1e6;
	info->estimatedRows = 1000000;
	return SQLITE_OK;
}

static int rows_open(sqlite3_vtab *v, sqlite3_vtab_cursor **out)
{
	rows_cursor *c = sqlite3_malloc(sizeof(*c));
	if (!c)
		return SQLITE_NOMEM;
	c->base.pVtab = v;
	c->rows = NULL;
	c->at = 0;
	*out = &c->base;
	return SQLITE_OK;
}

static int rows_close(sqlite3_vtab_cursor *c)
{
	sqlite3_free(c);
	return SQLITE_OK;
}

static int rows_filter(sqlite3_vtab_cursor *cur, int idx, const char *idxstr,
                       int argc, sqlite3_value **argv)
{
	(void)idx;
	(void)idxstr;
	(void)argc;
	(void)argv;
	rows_cursor *c = (rows_cursor *)cur;
	c->rows = *((rows_vtab *)cur->pVtab)->slot;
	c->at = 0;
	return SQLITE_OK;
}

static int rows_next(sqlite3_vtab_cursor *cur)
{
	((rows_cursor *)cur)->at++;
	return SQLITE_OK;
}

static int rows_eof(sqlite3_vtab_cursor *cur)
{
	const rows_cursor *c = (const rows_cursor *)cur;
	return !c->rows || c->at >= c->rows->n;
}

static int rows_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col)
{
	const rows_cursor *c = (const rows_cursor *)cur;
	c->rows->column(c->rows->ctx, c->at, col, ctx);
	return SQLITE_OK;
}

static int rows_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *out)
{
	*out = (sqlite3_int64)((const rows_cursor *)cur)->at;
	return SQLITE_OK;
}

/* xCreate NULL: eponymous-only, usable as `orgmri_rows` without a
 * CREATE VIRTUAL TABLE (which would be written into the store). */
static const sqlite3_module rows_module = {
	.iVersion = 0,
	.xCreate = NULL,
	.xConnect = rows_connect,
	.xBestIndex = rows_best_index,
	.xDisconnect = rows_disconnect,
	.xDestroy = rows_disconnect,
	.xOpen = rows_open,
	.xClose = rows_close,
	.xFilter = rows_filter,
	.xNext = rows_next,
	.xEof = rows_eof,
	.xColumn = rows_column,
	.xRowid = rows_rowid,
};

int orgmri_rows_register(sqlite3 *db, orgmri_rows **slot)
{
	return sqlite3_create_module_v2(db, "orgmri_rows", &rows_module, slot,
	                                NULL);
}
