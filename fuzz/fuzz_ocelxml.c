/* fuzz_ocelxml.c - the OCEL 2.0 XML reader on arbitrary bytes (plain or
 * gzip): no crash, no leak, caps hold, only valid events reach the sink. */
#include "fuzz_eventlog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_eventlog(data, size, orgmri_ocel_read_xml);
}
