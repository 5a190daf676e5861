/*
 * table.h - the in-memory event table every analysis reads.
 *
 * The loader reads the whole store once into columns: one array per event
 * field, events sorted by object then time (then activity, actor, id), so
 * that a work item's history is one contiguous slice.  Strings are
 * interned into dictionaries and events refer to them by index.  Objects
 * index their events and links (both directions) in CSR form.  The table
 * is read-only after loading and is freed with one call; all pointers into
 * it stay valid until then.
 *
 * Index 0 of `people` and of attribute sets means "none".
 */
#ifndef ORGMRI_TABLE_H
#define ORGMRI_TABLE_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ORGMRI_NONE UINT32_MAX  /* "not found" for the find functions */

typedef struct orgmri_table {
	/* events, sorted by (object, time, activity, actor, id) */
	size_t nevents;
	uint32_t *ev_object;    /* index into objects */
	uint32_t *ev_activity;  /* index into activity_names */
	int64_t *ev_time;       /* ms since the epoch, UTC */
	uint32_t *ev_actor;     /* index into person_names, 0 = none */
	uint32_t *ev_attrs;     /* attribute set, 0 = none */

	/* objects, sorted by key; events of object o are
	 * [obj_first[o], obj_first[o + 1]) */
	size_t nobjects;
	const char **obj_key;   /* "TYPE:KEY" */
	uint32_t *obj_type;     /* index into type_names */
	uint32_t *obj_first;    /* nobjects + 1 entries */

	/* links out of object o: [link_first[o], link_first[o + 1]) into
	 * link_dst/link_rel; into o: [rlink_first[o], rlink_first[o + 1])
	 * into rlink_src/rlink_rel */
	size_t nlinks;
	uint32_t *link_first, *link_dst, *link_rel;
	uint32_t *rlink_first, *rlink_src, *rlink_rel;

	/* dictionaries */
	size_t ntypes, nactivities, npeople, nrelations, nattr_keys;
	const char **type_names;
	const char **activity_names;
	const char **person_names;   /* [0] = "" */
	uint8_t *person_bot;         /* 1 when marked as automation */
	const char **relation_names;
	const char **attr_key_names;

	/* attribute sets: set s holds pairs [aset_first[s], aset_first[s+1])
	 * of aset_key (index into attr_key_names) and aset_value */
	size_t nasets;
	uint32_t *aset_first;
	uint32_t *aset_key;
	const char **aset_value;

	void *internal;              /* arena and hash indexes */
} orgmri_table;

/* Load the whole store.  Free with orgmri_table_free.  When the table
 * snapshot beside the store ("<store path>.snap", docs/store.md) is
 * current and sound, the arrays are that file mapped read-only (writing
 * into them faults); otherwise the store is read and the snapshot
 * rewritten when the store is writable (best effort, silent).
 * ORGMRI_SNAPSHOT=0 in the environment turns snapshots off. */
int orgmri_table_load(orgmri_store *store, orgmri_table **out,
                      orgmri_error *err);
void orgmri_table_free(orgmri_table *t);

/* Dictionary look-ups; ORGMRI_NONE when the name does not occur. */
uint32_t orgmri_table_activity(const orgmri_table *t, const char *name);
uint32_t orgmri_table_type(const orgmri_table *t, const char *name);
uint32_t orgmri_table_attr_key(const orgmri_table *t, const char *name);
uint32_t orgmri_table_relation(const orgmri_table *t, const char *name);
uint32_t orgmri_table_object(const orgmri_table *t, const char *key);

/* The value of attribute `key` (from orgmri_table_attr_key) on event `ev`,
 * or NULL. */
const char *orgmri_table_attr(const orgmri_table *t, size_t ev,
                              uint32_t key);

#ifdef __cplusplus
}
#endif
#endif
