/* fuzz_git_churn.c - the churn replay (src/ingest/git_churn.c) reads hunk
 * lists the diff pass writes; whatever bytes it is given it must refuse
 * a malformed list (ORGMRI_ECORRUPT) rather than read past it, and on a
 * well-formed one count no more rewritten lines than the hunks delete.
 *
 * Input: a sequence of commits, each "u8 days since the previous commit,
 * u16 length (little-endian), that many bytes of hunk list" (the format
 * in git_internal.h); the replay runs over them in order, as over a
 * first-parent line, with the forgetting bound of the last commit.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/git_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define DAY 86400000LL

/* The lines the list's hunks delete, when it is well formed; -1 if not. */
static long long deleted(const char *p, size_t len)
{
	long long n = 0;
	size_t at = 0;
	while (at < len) {
		git_hunk_file f;
		if (len - at < sizeof(f))
			return -1;
		memcpy(&f, p + at, sizeof(f));
		at += sizeof(f);
		size_t names = (size_t)f.path_len + f.from_len;
		if (names > len - at ||
		    f.nhunks > (len - at - names) / sizeof(git_hunk))
			return -1;
		at += names;
		for (uint32_t k = 0; k < f.nhunks; k++, at += sizeof(git_hunk)) {
			git_hunk h;
			memcpy(&h, p + at, sizeof(h));
			n += h.old_lines;
		}
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	git_churn *c;
	if (orgmri_git_churn_new(&c, GIT_CHURN_WINDOW_MS))
		return 0;
	int64_t t = 0;
	size_t at = 0;
	while (size - at >= 3) {
		t += (int64_t)data[at] * DAY;
		size_t len = (size_t)data[at + 1] | (size_t)data[at + 2] << 8;
		at += 3;
		if (len > size - at)
			len = size - at;
		char *list = malloc(len ? len : 1);
		if (!list)
			break;
		memcpy(list, data + at, len);
		at += len;
		long long rewritten = -1;
		int last = size - at < 3;
		int rc = orgmri_git_churn_apply(c, t, last ? INT64_MAX : INT64_MIN,
		                                list, len, &rewritten);
		long long most = deleted(list, len);
		free(list);
		if (rc == ORGMRI_ENOMEM)
			break;
		if (rc != 0 && rc != ORGMRI_ECORRUPT)
			abort();
		/* a list the oracle reads whole applies, bar a hunk that deletes
		 * from line 0 (refused); what it counts is within what the
		 * hunks delete */
		if (rc == 0 && (most < 0 || rewritten < 0 || rewritten > most))
			abort();
	}
	orgmri_git_churn_free(c);
	return 0;
}
