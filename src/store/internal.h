/*
 * internal.h - what the SQLite store's files share; not public API.
 */
#ifndef ORGMRI_STORE_INTERNAL_H
#define ORGMRI_STORE_INTERNAL_H

#include <sqlite3.h>
#include "orgmri/store.h"
#include "store/rows.h"

struct orgmri_store {
	sqlite3 *db;
	char *path;
	int readonly;
	orgmri_rows *rows;   /* what `orgmri_rows` shows (store/rows.h) */
	int rows_known;      /* orgmri_rows_register done on db */
};

int orgmri_store_sqlerr(orgmri_store *s, orgmri_error *err, const char *what);
int orgmri_store_exec(orgmri_store *s, const char *sql, orgmri_error *err);
int orgmri_store_prepare(orgmri_store *s, const char *sql,
                         sqlite3_stmt **stmt, orgmri_error *err);

#endif
