/* fuzz_eventlog.h - what the XES and OCEL harnesses share: run a reader on
 * arbitrary bytes (plain or gzip) into the checking sink, with a small
 * expansion cap so gzip bombs stay quick. */
#ifndef ORGMRI_FUZZ_EVENTLOG_H
#define ORGMRI_FUZZ_EVENTLOG_H

#include <stdint.h>
#include <stdio.h>

#include "fuzz_canonical.h"
#include "orgmri/eventlog.h"

typedef int (*fuzz_reader)(FILE *, const char *,
                           const orgmri_eventlog_options *, orgmri_sink *,
                           orgmri_eventlog_stats *, orgmri_error *);

static int fuzz_eventlog(const uint8_t *data, size_t size, fuzz_reader read)
{
	if (size == 0)
		return 0;
	FILE *fp = fmemopen((void *)data, size, "rb");
	if (!fp)
		return 0;
	orgmri_sink sink = { check_event };
	orgmri_eventlog_options opts = ORGMRI_EVENTLOG_OPTIONS_INIT;
	opts.max_bytes = 16u << 20;
	orgmri_error err;
	read(fp, "fuzz", &opts, &sink, NULL, &err);
	fclose(fp);
	return 0;
}

#endif
