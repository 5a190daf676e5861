/*
 * table.h - the in-memory event table every analysis reads.
 *
 * The loader reads the whole store once into columns: one array per event
 * field, events sorted by object then time (then activity, actor, id), so
 * that a work item's history is one contiguous slice.  Names are interned
 * into dictionaries and events refer to them by index; object keys and
 * attribute values are offsets into one string blob (read them with
 * orgmri_table_object_key and orgmri_table_aset_value).  Objects index
 * their events and links (both directions) in CSR form; an event's object
 * is implied by its position (walk objects, then their events).  The table
 * is read-only after loading and is freed with one call; all pointers into
 * it stay valid until then.  Memory: docs/store.md, "The in-memory event
 * table".
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

/* Activities, object types, relations and attribute keys are numbered in
 * 16-bit columns: a store with more distinct names of one kind than this
 * does not load (ORGMRI_ELIMIT, naming the kind). */
#define ORGMRI_TABLE_MAX_NAMES 65536u

typedef struct orgmri_table {
	/* events, sorted by (object, time, activity, actor, id); the
	 * object of event e is the o with obj_first[o] <= e <
	 * obj_first[o + 1] (orgmri_table_event_object) */
	size_t nevents;
	uint16_t *ev_activity;  /* index into activity_names */
	int64_t *ev_time;       /* ms since the epoch, UTC */
	uint32_t *ev_actor;     /* index into person_names, 0 = none */
	uint32_t *ev_attrs;     /* attribute set, 0 = none */

	/* objects, sorted by key; events of object o are
	 * [obj_first[o], obj_first[o + 1]) */
	size_t nobjects;
	uint32_t *obj_key_off;  /* "TYPE:KEY" at strings + obj_key_off[o]
	                         * (orgmri_table_object_key) */
	uint16_t *obj_type;     /* index into type_names */
	uint32_t *obj_first;    /* nobjects + 1 entries */

	/* links out of object o: [link_first[o], link_first[o + 1]) into
	 * link_dst/link_rel; into o: [rlink_first[o], rlink_first[o + 1])
	 * into rlink_src/rlink_rel */
	size_t nlinks;
	uint32_t *link_first, *link_dst;
	uint16_t *link_rel;          /* index into relation_names */
	uint32_t *rlink_first, *rlink_src;
	uint16_t *rlink_rel;

	/* dictionaries */
	size_t ntypes, nactivities, npeople, nrelations, nattr_keys;
	const char **type_names;
	const char **activity_names;
	const char **person_names;   /* [0] = "" */
	uint8_t *person_bot;         /* 1 when marked as automation */
	const char **relation_names;
	const char **attr_key_names;

	/* attribute sets: set s holds pairs [aset_first[s], aset_first[s+1])
	 * of aset_key (index into attr_key_names) and a value, the string
	 * at strings + aset_value_off[pair] (orgmri_table_aset_value) */
	size_t nasets;
	uint32_t *aset_first;
	uint16_t *aset_key;
	uint32_t *aset_value_off;

	/* object keys and attribute values, NUL-terminated, back to back
	 * (each distinct attribute value once); nstring_bytes bytes, the
	 * last one a NUL.  Every offset above is below nstring_bytes. */
	const char *strings;
	size_t nstring_bytes;

	void *internal;              /* arena and hash indexes */
} orgmri_table;

/* Key "TYPE:KEY" of object o (o < nobjects). */
static inline const char *orgmri_table_object_key(const orgmri_table *t,
                                                  size_t o)
{
	return t->strings + t->obj_key_off[o];
}

/* Value of attribute pair i (i < aset_first[nasets]). */
static inline const char *orgmri_table_aset_value(const orgmri_table *t,
                                                  size_t i)
{
	return t->strings + t->aset_value_off[i];
}

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

/* The object of event ev (ev < nevents), found by halving obj_first:
 * O(log objects).  Loops over all events walk the objects instead. */
uint32_t orgmri_table_event_object(const orgmri_table *t, size_t ev);

/* The value of attribute `key` (from orgmri_table_attr_key) on event `ev`,
 * or NULL. */
const char *orgmri_table_attr(const orgmri_table *t, size_t ev,
                              uint32_t key);

#ifdef __cplusplus
}
#endif
#endif
