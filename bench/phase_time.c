/*
 * phase_time.c - where the time of a metric run goes: loading the store
 * into the event table, computing the value-stream model, and each metric
 * family, timed separately in one process.  Built by hand (bench only):
 *
 *   cc -O2 -Iinclude bench/phase_time.c build-rel/liborgmri.a \
 *      $(pkg-config --libs sqlite3 jansson libgit2 zlib expat) -lm -lpthread
 *   ./a.out STORE.db
 */
#include <stdio.h>
#include <time.h>

#include "orgmri/orgmri.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#define STEP(label, expr) do { double t0 = now(); \
	if ((expr) != 0) { fprintf(stderr, "%s failed: %s\n", label, err.message); \
	                    return 1; } \
	printf("%-14s %7.3f s\n", label, now() - t0); } while (0)

int main(int argc, char **argv)
{
	orgmri_error err;
	orgmri_store *s;
	orgmri_table *t;
	orgmri_model *m;
	orgmri_stream pr;
	if (argc < 2)
		return 2;
	orgmri_error_clear(&err);
	STEP("open", orgmri_store_open(&s, argv[1], ORGMRI_STORE_READONLY, &err));
	STEP("table load", orgmri_table_load(s, &t, &err));
	printf("  %zu events, %zu objects, %zu links\n", t->nevents, t->nobjects,
	       t->nlinks);
	STEP("stream", orgmri_stream_builtin(&pr, "pr", &err));
	STEP("model", orgmri_model_compute(t, &pr, NULL, &m, &err));
	orgmri_dora *d;
	orgmri_stages *st;
	orgmri_flow fl;
	orgmri_people *pe;
	orgmri_rework rw;
	STEP("dora", orgmri_dora_compute(m, NULL, &d, &err));
	STEP("stages", orgmri_stages_compute(m, NULL, 0, &st, &err));
	STEP("flow", orgmri_flow_compute(m, NULL, &fl, &err));
	STEP("people", orgmri_people_compute(m, NULL, 0, &pe, &err));
	STEP("rework", orgmri_rework_compute(m, NULL, &rw, &err));
	orgmri_dora_free(d);
	orgmri_stages_free(st);
	orgmri_people_free(pe);
	orgmri_model_free(m);
	orgmri_table_free(t);
	orgmri_store_close(s);
	return 0;
}
