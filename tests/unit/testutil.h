/* testutil.h - helpers for the cmocka unit tests. */
#ifndef ORGMRI_TESTUTIL_H
#define ORGMRI_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "orgmri/orgmri.h"

/* A fresh empty folder under $TMPDIR; returns a malloc'ed path. */
char *tu_tempdir(void);
/* Remove a folder tree (best effort). */
void tu_rmtree(const char *path);
/* Write `text` to dir/name; returns the malloc'ed full path. */
char *tu_write(const char *dir, const char *name, const char *text);
/* $ORGMRI_SHARED/rel (the recorded data), malloc'ed. */
char *tu_shared(const char *rel);
/* Parse ISO time or fail the test. */
int64_t tu_time(const char *iso);

/* A sink that keeps a copy of every event, for assertions. */
typedef struct tu_event {
	int64_t time;
	char *object, *activity, *actor, *id;
	char **related;
	size_t nrelated;
	orgmri_attr *attrs;
	size_t nattrs;
} tu_event;

typedef struct tu_sink {
	orgmri_sink sink;
	tu_event *ev;
	size_t n, cap;
} tu_sink;

void tu_sink_init(tu_sink *s);
void tu_sink_free(tu_sink *s);
/* The value of attribute name on event i, or NULL. */
const char *tu_attr(const tu_sink *s, size_t i, const char *name);
/* Number of events with this activity (and object, when non-NULL). */
size_t tu_count(const tu_sink *s, const char *object, const char *activity);

/* A store in a fresh temporary folder holding JSONL `text` (ingested
 * strictly), its table and the model of value stream `stream`
 * (require_previous: orgmri_model_options.require_previous).  Any error
 * fails the test.  Free with tu_model_free. */
typedef struct tu_model {
	char *dir;
	orgmri_store *store;
	orgmri_table *table;
	orgmri_model *model;
} tu_model;

void tu_model_load(tu_model *f, const char *text, const char *stream,
                   int require_previous);
void tu_model_free(tu_model *f);

#endif
