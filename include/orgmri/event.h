/*
 * event.h - the canonical, object-centric event model.
 *
 * Everything orgmri knows is an event that happened to an object at a time,
 * done by an actor (see docs/formats.md and ../shared/DESIGN.md).  Adapters
 * turn their sources into orgmri_event values and hand them, one at a time,
 * to an orgmri_sink; the store, the canonical writers and the tests are
 * sinks.  An event's `related` objects create links between objects; the
 * relation name follows from the two object types (orgmri_relation_name).
 *
 * All strings in an orgmri_event are borrowed: a sink copies what it keeps,
 * so an adapter may reuse its buffers as soon as the call returns.
 */
#ifndef ORGMRI_EVENT_H
#define ORGMRI_EVENT_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Object types with a fixed meaning.  Other types are kept as given. */
#define ORGMRI_OBJ_CHANGE "change"
#define ORGMRI_OBJ_COMMIT "commit"
#define ORGMRI_OBJ_ISSUE "issue"
#define ORGMRI_OBJ_DEPLOYMENT "deployment"
#define ORGMRI_OBJ_INCIDENT "incident"
#define ORGMRI_OBJ_BUILD "build"

/* Most attributes one event may carry; the store refuses more. */
#define ORGMRI_EVENT_MAX_ATTRS 256

typedef enum orgmri_attr_type {
	ORGMRI_ATTR_STRING = 0,
	ORGMRI_ATTR_INT,   /* decimal integer text, e.g. "120" */
	ORGMRI_ATTR_REAL,  /* decimal number text, e.g. "0.5" */
	ORGMRI_ATTR_BOOL   /* "true" or "false" */
} orgmri_attr_type;

/* One scalar attribute.  `value` is text whatever the type. */
typedef struct orgmri_attr {
	const char *name;
	const char *value;
	orgmri_attr_type type;
} orgmri_attr;

typedef struct orgmri_event {
	int64_t time;               /* ms since the epoch, UTC */
	const char *object;         /* "TYPE:KEY", e.g. "change:acme/api#412" */
	const char *activity;       /* e.g. "opened"; see docs/vocabulary.md */
	const char *actor;          /* who did it; NULL or "" when unknown */
	const char *discriminator;  /* tells apart events equal in all else;
	                               NULL = "" */
	const char *const *related; /* other "TYPE:KEY" objects involved */
	size_t nrelated;
	const orgmri_attr *attrs;
	size_t nattrs;
} orgmri_event;

/*
 * Where adapters send events.  `event` returns 0 or a negative ORGMRI_E*
 * code; a non-zero return stops the adapter, which returns that code.
 */
typedef struct orgmri_sink {
	int (*event)(struct orgmri_sink *self, const orgmri_event *ev,
	             orgmri_error *err);
} orgmri_sink;

/*
 * Check an event before it is stored: object has the form TYPE:KEY with
 * non-empty parts, activity non-empty, every related object well formed,
 * attribute names non-empty and distinct, all strings valid UTF-8.  Returns 0 or
 * ORGMRI_EPARSE with a message naming the field.
 */
int orgmri_event_validate(const orgmri_event *ev, orgmri_error *err);

/*
 * The relation a link from an object of type `from_type` to one of type
 * `to_type` has: change->commit "contains", deployment->commit "deploys",
 * deployment->change "deploys", incident->deployment "caused_by",
 * change->issue "implements", commit->commit "reverts", build->commit and
 * build->change "builds", anything else "related".  Never NULL.
 */
const char *orgmri_relation_name(const char *from_type, size_t from_len,
                                 const char *to_type, size_t to_len);

/* Length of the TYPE part of "TYPE:KEY", or 0 if there is no ':' or
 * either part is empty. */
size_t orgmri_object_type_len(const char *object);

/* Find an attribute by name in an event; NULL if absent. */
const orgmri_attr *orgmri_event_attr(const orgmri_event *ev,
                                     const char *name);

#ifdef __cplusplus
}
#endif
#endif
