/* fuzz_time.c - the timestamp parser must reject or accept any bytes
 * without crashing, and what it accepts must format and parse back. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "orgmri/time.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int64_t ms, back;
	orgmri_error err;
	if (orgmri_time_parse((const char *)data, size, ORGMRI_TIME_LENIENT, &ms,
	                      NULL, &err) == 0) {
		char buf[ORGMRI_TIME_BUFSZ];
		orgmri_time_format(ms, buf);
		if (orgmri_time_parse(buf, strlen(buf), 0, &back, NULL, &err) == 0 &&
		    back != ms)
			abort();
	}
	return 0;
}
