/* fuzz_jsonl.c - the canonical jsonl reader on arbitrary bytes: no crash, no
 * leak, and only valid events reach the sink. */
#include <stdint.h>
#include <stdio.h>

#include "fuzz_canonical.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	FILE *fp = fmemopen((void *)data, size, "rb");
	if (!fp)
		return 0;
	orgmri_sink sink = { check_event };
	orgmri_read_options opts = { 0 };
	orgmri_error err;
	orgmri_canonical_read_jsonl(fp, "fuzz", &opts, &sink, &err);
	fclose(fp);
	return 0;
}
