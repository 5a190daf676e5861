/* testutil.c - helpers for the unit tests (see testutil.h). */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

char *tu_tempdir(void)
{
	const char *base = getenv("TMPDIR");
	char *path;
	if (asprintf(&path, "%s/orgmri-test-XXXXXX", base ? base : "/tmp") < 0)
		return NULL;
	if (!mkdtemp(path)) {
		free(path);
		return NULL;
	}
	return path;
}

static int rm_one(const char *p, const struct stat *sb, int flag,
                  struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

void tu_rmtree(const char *path)
{
	if (path)
		nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

char *tu_write(const char *dir, const char *name, const char *text)
{
	char *path;
	if (asprintf(&path, "%s/%s", dir, name) < 0)
		return NULL;
	FILE *fp = fopen(path, "wb");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	return path;
}

char *tu_shared(const char *rel)
{
	const char *base = getenv("ORGMRI_SHARED");
	char *path;
	if (asprintf(&path, "%s/%s", base ? base : "../shared", rel) < 0)
		return NULL;
	return path;
}

int64_t tu_time(const char *iso)
{
	int64_t t;
	assert_int_equal(orgmri_time_parse(iso, strlen(iso), 0, &t, NULL, NULL), 0);
	return t;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static int keep(orgmri_sink *sink, const orgmri_event *ev, orgmri_error *err)
{
	(void)err;
	tu_sink *s = (tu_sink *)sink;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->ev = realloc(s->ev, s->cap * sizeof(*s->ev));
		assert_non_null(s->ev);
	}
	tu_event *e = &s->ev[s->n++];
	e->time = ev->time;
	e->object = strdup(ev->object);
	e->activity = strdup(ev->activity);
	e->actor = dup_or_null(ev->actor);
	e->id = dup_or_null(ev->discriminator);
	e->nrelated = ev->nrelated;
	e->related = calloc(ev->nrelated + 1, sizeof(char *));
	for (size_t i = 0; i < ev->nrelated; i++)
		e->related[i] = strdup(ev->related[i]);
	e->nattrs = ev->nattrs;
	e->attrs = calloc(ev->nattrs + 1, sizeof(orgmri_attr));
	for (size_t i = 0; i < ev->nattrs; i++) {
		e->attrs[i].name = strdup(ev->attrs[i].name);
		e->attrs[i].value = strdup(ev->attrs[i].value);
		e->attrs[i].type = ev->attrs[i].type;
	}
	return 0;
}

void tu_sink_init(tu_sink *s)
{
	memset(s, 0, sizeof(*s));
	s->sink.event = keep;
}

void tu_sink_free(tu_sink *s)
{
	for (size_t i = 0; i < s->n; i++) {
		tu_event *e = &s->ev[i];
		free(e->object);
		free(e->activity);
		free(e->actor);
		free(e->id);
		for (size_t k = 0; k < e->nrelated; k++)
			free(e->related[k]);
		free(e->related);
		for (size_t k = 0; k < e->nattrs; k++) {
			free((char *)e->attrs[k].name);
			free((char *)e->attrs[k].value);
		}
		free(e->attrs);
	}
	free(s->ev);
	memset(s, 0, sizeof(*s));
}

const char *tu_attr(const tu_sink *s, size_t i, const char *name)
{
	for (size_t k = 0; k < s->ev[i].nattrs; k++)
		if (strcmp(s->ev[i].attrs[k].name, name) == 0)
			return s->ev[i].attrs[k].value;
	return NULL;
}

size_t tu_count(const tu_sink *s, const char *object, const char *activity)
{
	size_t n = 0;
	for (size_t i = 0; i < s->n; i++)
		if ((!object || strcmp(s->ev[i].object, object) == 0) &&
		    (!activity || strcmp(s->ev[i].activity, activity) == 0))
			n++;
	return n;
}

void tu_model_load(tu_model *f, const char *text, const char *stream,
                   int require_previous)
{
	orgmri_error err;
	orgmri_error_clear(&err);
	f->dir = tu_tempdir();
	char *events = tu_write(f->dir, "e.jsonl", text);
	char db[512];
	snprintf(db, sizeof(db), "%s/s.db", f->dir);
	assert_int_equal(orgmri_store_open(&f->store, db, 0, &err), 0);
	orgmri_ingest_options io = ORGMRI_INGEST_OPTIONS_INIT;
	io.strict = 1;
	if (orgmri_ingest_source(f->store, events, &io, NULL, &err))
		fail_msg("ingest: %s", err.message);
	free(events);
	assert_int_equal(orgmri_table_load(f->store, &f->table, &err), 0);
	orgmri_stream s;
	assert_int_equal(orgmri_stream_builtin(&s, stream, &err), 0);
	orgmri_model_options mo = ORGMRI_MODEL_OPTIONS_INIT;
	mo.require_previous = require_previous;
	assert_int_equal(orgmri_model_compute(f->table, &s, &mo, &f->model, &err),
	                 0);
}

void tu_model_free(tu_model *f)
{
	orgmri_model_free(f->model);
	orgmri_table_free(f->table);
	orgmri_store_close(f->store);
	tu_rmtree(f->dir);
	free(f->dir);
}
