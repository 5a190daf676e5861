/* fuzz_gitmsg.c - what the git adapter reads from a commit message
 * (change styles, revert, title, AI trailers) must hold for any bytes:
 * no crash, titles valid UTF-8 within their buffer, numbers within 9
 * digits, a revert SHA of 40 lower-case hex digits. */
#include <git2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "ingest/git_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static git_ai_rules rules;
	static int ready;
	if (!ready) {
		git_libgit2_init();
		if (orgmri_git_ai_load(&rules, NULL, NULL))
			abort();
		ready = 1;
	}
	char *msg = malloc(size + 1);
	if (!msg)
		return 0;
	memcpy(msg, data, size);
	msg[size] = '\0'; /* commit messages reach us NUL-terminated */
	for (unsigned parents = 0; parents < 3; parents++) {
		git_change_ref ch;
		orgmri_git_parse_change(msg, parents, &ch);
		if (ch.number < 0 || ch.number > 999999999 ||
		    strlen(ch.project) >= GIT_PROJECT_MAX)
			abort();
	}
	char title[64], sha[41], which[128];
	size_t n = orgmri_git_title(msg, title, sizeof(title));
	if (n >= sizeof(title) || strlen(title) != n ||
	    orgmri_utf8_valid_prefix(title, n) != n)
		abort();
	orgmri_git_body_first_line(msg, title, sizeof(title));
	if (orgmri_git_parse_revert(msg, sha))
		for (int i = 0; i < 40; i++)
			if (!strchr("0123456789abcdef", sha[i]))
				abort();
	orgmri_git_ai_marker(&rules, msg, which, sizeof(which));
	free(msg);
	return 0;
}
