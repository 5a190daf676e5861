/* fuzz_devlake.c - the DevLake adapter (domain tables as CSV: repos,
 * pull_requests, pull_request_commits, pull_request_comments,
 * cicd_deployment_commits, commits_diffs, issues, issue_changelogs) on
 * arbitrary bytes laid out as files (fuzz_adapter.h): no crash, no leak,
 * no undefined behaviour, and only valid events reach the sink. */
#include <stdint.h>

#include "fuzz_adapter.h"

extern const orgmri_adapter orgmri_adapter_devlake;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_adapter(&orgmri_adapter_devlake,
	                    "pull_requests.csv", "", data, size);
}
