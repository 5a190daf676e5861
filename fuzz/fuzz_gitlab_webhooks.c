/* fuzz_gitlab_webhooks.c - the GitLab webhook adapter
 * on arbitrary bytes laid out as files (fuzz_adapter.h): no crash, no
 * leak, no undefined behaviour, and only valid events reach the sink. */
#include <stdint.h>

#include "fuzz_adapter.h"

extern const orgmri_adapter orgmri_adapter_gitlab_webhooks;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_adapter(&orgmri_adapter_gitlab_webhooks,
	                    "hooks.jsonl", "hooks.jsonl", data, size);
}
