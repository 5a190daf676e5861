/*
 * xes_parse.c - parse-only speed of the XES reader: the file is read into
 * memory first, then orgmri_xes_read runs into a sink that only counts, so
 * the figure excludes disk and the store.  Built and run by bench/xes.sh.
 *
 *   xes_parse FILE [REPEAT]     prints: events seconds events/s
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "orgmri/orgmri.h"

static int count(orgmri_sink *s, const orgmri_event *ev, orgmri_error *err)
{
	(void)s;
	(void)ev;
	(void)err;
	return 0;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: xes_parse FILE [REPEAT]\n");
		return 2;
	}
	int repeat = argc > 2 ? atoi(argv[2]) : 1;
	FILE *fp = fopen(argv[1], "rb");
	if (!fp) {
		perror(argv[1]);
		return 1;
	}
	fseek(fp, 0, SEEK_END);
	long n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	char *buf = malloc((size_t)n);
	if (!buf || fread(buf, 1, (size_t)n, fp) != (size_t)n)
		return 1;
	fclose(fp);
	double best = 1e9;
	long long events = 0;
	for (int r = 0; r < repeat; r++) {
		FILE *m = fmemopen(buf, (size_t)n, "rb");
		orgmri_sink sink = { count };
		orgmri_eventlog_stats st;
		orgmri_error err;
		double t0 = now();
		if (orgmri_xes_read(m, argv[1], NULL, &sink, &st, &err)) {
			char msg[1024];
			fprintf(stderr, "%s\n", orgmri_error_format(&err, msg, sizeof(msg)));
			return 1;
		}
		double t = now() - t0;
		fclose(m);
		if (t < best)
			best = t;
		events = st.events;
	}
	printf("%lld %.3f %.0f\n", events, best, events / best);
	free(buf);
	return 0;
}
