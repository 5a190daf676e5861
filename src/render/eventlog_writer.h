/*
 * eventlog_writer.h - the writer struct shared by the XES and OCEL
 * writers (render/xes.c, render/ocel.c), which share one public handle
 * type and one close function.
 */
#ifndef ORGMRI_RENDER_EVENTLOG_WRITER_H
#define ORGMRI_RENDER_EVENTLOG_WRITER_H

#include "core/util.h"
#include "orgmri/eventlog.h"

typedef struct wevent {
	int64_t time;
	long long pos;
	const char *activity, *actor;
	orgmri_attr *attrs;
	size_t nattrs;
} wevent;

struct orgmri_eventlog_writer {
	orgmri_sink sink;       /* first: the sink pointer is the writer */
	FILE *fp;
	int ocel;
	void *ocel_state;       /* render/ocel.c's buffers */
	/* XES: the current trace */
	orgmri_arena arena;
	char *object;
	wevent *ev;
	size_t n, cap;
	int all_pos;
	orgmri_buf out;
};

/* render/ocel.c: write the buffered document / free its buffers. */
int ocel_writer_finish(orgmri_eventlog_writer *w, orgmri_error *err);
void ocel_writer_free(orgmri_eventlog_writer *w);

#endif
