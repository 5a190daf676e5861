/* fuzz_jira.c - the Jira adapter (search.json, statuses.json)
 * on arbitrary bytes laid out as files (fuzz_adapter.h): no crash, no
 * leak, no undefined behaviour, and only valid events reach the sink. */
#include <stdint.h>

#include "fuzz_adapter.h"

extern const orgmri_adapter orgmri_adapter_jira;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_adapter(&orgmri_adapter_jira,
	                    "search.json", "", data, size);
}
