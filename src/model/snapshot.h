/*
 * snapshot.h - the event table's columnar snapshot file kept beside the
 * store (docs/store.md, "Table snapshot"); internal to the loader.
 */
#ifndef ORGMRI_MODEL_SNAPSHOT_H
#define ORGMRI_MODEL_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>
#include "orgmri/error.h"
#include "orgmri/table.h"

/* A mapped snapshot: the file's read-only mapping and one heap block
 * holding the dictionaries' string pointer arrays, which point into the
 * mapping (object keys and attribute values are offsets, table.h). */
typedef struct snapshot_map {
	void *base;
	size_t len;
	const char **ptrs;
} snapshot_map;

/* "<store path>.snap", malloc'd; NULL for an in-memory store or on out
 * of memory. */
char *snapshot_path(const char *store_path);

/*
 * Write table `t` loaded at store generation `generation` to `path`:
 * written to "<path>.tmp.<pid>", fsync'd and renamed over `path`, so a
 * reader sees the old file or the new one, never a part.
 */
int snapshot_write(const orgmri_table *t, uint64_t generation,
                   const char *path, orgmri_error *err);

/*
 * Map `path` and point t's arrays and counts into it when it is a valid
 * snapshot of `generation` (magic, version, byte order, header and body
 * checksums, section sizes and bounds, every index in range, CSR offsets
 * monotone, object keys strictly sorted).  Otherwise ORGMRI_ENOTFOUND
 * (no file), ORGMRI_ECORRUPT or ORGMRI_EUNSUPPORTED, and t is untouched.
 * On success the caller owns `m` and releases it with snapshot_unmap
 * after it stops using t's arrays.
 */
int snapshot_map_file(const char *path, uint64_t generation, orgmri_table *t,
                      snapshot_map *m, orgmri_error *err);
void snapshot_unmap(snapshot_map *m);

/* Recompute the header's checksums of a snapshot image in memory (a file
 * of `len` bytes), so that tests and the fuzz harness can reach the
 * checks behind them with crafted contents.  Does nothing to an image too
 * short for a header or whose body is not whole 8-byte words. */
void snapshot_seal(void *image, size_t len);

#endif
