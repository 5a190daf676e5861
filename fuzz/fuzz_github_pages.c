/* fuzz_github_pages.c - the reader of paginated GitHub REST output on
 * arbitrary bytes: every element it yields is a JSON value, errors are
 * reported, nothing crashes or leaks. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "ingest/github.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	FILE *fp = fmemopen((void *)data, size, "rb");
	if (!fp)
		return 0;
	gh_pages p;
	if (gh_pages_init(&p, fp) == 0) {
		for (int i = 0; i < 100000; i++) {
			json_t *el = NULL;
			gh_where w;
			orgmri_error err;
			int rc = gh_pages_next(&p, &el, &w, &err);
			if (rc == 1) {
				if (!el)
					abort();
				json_decref(el);
				continue;
			}
			if (rc != ORGMRI_EPARSE)
				break;  /* the end, or a fatal error */
		}
		gh_pages_free(&p);
	}
	fclose(fp);
	return 0;
}
