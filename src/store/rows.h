/*
 * rows.h - rows held in memory, readable by SQL as the table
 * `orgmri_rows(c0, c1, ..., c7)`; not public API (store/rows.c).
 *
 * The sorted batches (sqlite.c, docs/store.md) write a whole batch with
 * one `INSERT INTO events(...) SELECT c0, ... FROM orgmri_rows` instead
 * of one statement per row: the per-statement work (reset, eight binds,
 * starting and halting the VDBE program) was about half of the store
 * thread's time per event (docs/performance.md, "Ingest", round 3).
 */
#ifndef ORGMRI_STORE_ROWS_H
#define ORGMRI_STORE_ROWS_H

#include <sqlite3.h>
#include <stddef.h>

#define ORGMRI_ROWS_COLUMNS 8

/* What `orgmri_rows` shows: n rows; column(ctx, row, col, out) sets the
 * value of one cell with sqlite3_result_* (text must stay valid until
 * the statement reading it is reset). */
typedef struct orgmri_rows {
	size_t n;
	void *ctx;
	void (*column)(void *ctx, size_t row, int col, sqlite3_context *out);
} orgmri_rows;

/* Make `orgmri_rows` known to db, showing *slot's rows (no rows while
 * *slot is NULL).  The caller sets *slot before stepping a statement
 * that reads the table, and keeps slot alive while db may use it. */
int orgmri_rows_register(sqlite3 *db, orgmri_rows **slot);

#endif
