/*
 * load_mem.c - how much resident memory the in-memory event table costs:
 * opens a store, measures the process's resident set (VmRSS), loads the
 * whole store with orgmri_table_load, measures again, and prints one JSON
 * line for bench/run:
 *   {"events": N, "load_s": S, "rss_before_kb": A, "rss_after_kb": B,
 *    "bytes_per_event": (B - A) * 1024 / N,
 *    "snap_bytes_per_event": size of STORE.db.snap / N, or 0 without one}
 * The second is what a table mapped from the snapshot holds once every
 * page of it has been read (the loader releases the string pages after
 * checking them, docs/store.md).
 * Built by bench/run against the optimised library; not part of orgmri.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "orgmri/orgmri.h"

static long rss_kb(void)
{
	FILE *fp = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;
	while (fp && fgets(line, sizeof(line), fp))
		if (strncmp(line, "VmRSS:", 6) == 0)
			kb = strtol(line + 6, NULL, 10);
	if (fp)
		fclose(fp);
	return kb;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: load_mem STORE.db\n");
		return 2;
	}
	orgmri_error err;
	orgmri_error_clear(&err);
	orgmri_store *store;
	orgmri_table *t;
	if (orgmri_store_open(&store, argv[1], ORGMRI_STORE_READONLY, &err)) {
		fprintf(stderr, "load_mem: %s\n", err.message);
		return 1;
	}
	long before = rss_kb();
	double t0 = now();
	if (orgmri_table_load(store, &t, &err)) {
		fprintf(stderr, "load_mem: %s\n", err.message);
		orgmri_store_close(store);
		return 1;
	}
	double t1 = now();
	long after = rss_kb();
	char snap[4096];
	struct stat st;
	double snap_bytes = 0;
	if (snprintf(snap, sizeof(snap), "%s.snap", argv[1]) < (int)sizeof(snap) &&
	    stat(snap, &st) == 0)
		snap_bytes = (double)st.st_size;
	printf("{\"events\": %zu, \"load_s\": %.3f, \"rss_before_kb\": %ld, "
	       "\"rss_after_kb\": %ld, \"bytes_per_event\": %.1f, "
	       "\"snap_bytes_per_event\": %.1f}\n",
	       t->nevents, t1 - t0, before, after,
	       t->nevents ? (double)(after - before) * 1024.0 / (double)t->nevents
	                  : 0.0,
	       t->nevents ? snap_bytes / (double)t->nevents : 0.0);
	orgmri_table_free(t);
	orgmri_store_close(store);
	return 0;
}
