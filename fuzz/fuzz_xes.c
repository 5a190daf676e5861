/* fuzz_xes.c - the XES reader on arbitrary bytes (plain or gzip): no crash,
 * no leak, caps hold, and only valid events reach the sink. */
#include <stdint.h>
#include <stdio.h>

#include "fuzz_canonical.h"
#include "orgmri/eventlog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	FILE *fp = fmemopen((void *)data, size, "rb");
	if (!fp)
		return 0;
	orgmri_sink sink = { check_event };
	orgmri_eventlog_options opts = ORGMRI_EVENTLOG_OPTIONS_INIT;
	opts.max_bytes = 16u << 20;  /* keep gzip bombs quick */
	orgmri_error err;
	orgmri_xes_read(fp, "fuzz", &opts, &sink, NULL, &err);
	fclose(fp);
	return 0;
}
