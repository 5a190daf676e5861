/* fuzz_platform_deploys.c - the wrapper that gives deployments the commits
 * they shipped (src/ingest/platform_deploys.c) must hold for any events an
 * adapter may send: no crash, every event passed on exactly once and
 * valid, a deployment's added `commits` within the cap, and only SHAs of
 * the clone added.
 *
 * Once per process a small repository is built with libgit2 (a line of
 * six commits, a side branch and its merge) and configured as the clone of
 * repository "o/r"; "o/x" is configured with a path that is no
 * repository.  Each input line is one event, "R ENV SHA TIME":
 *   R    'r' = o/r, 'x' = o/x, 'n' = a repository without a clone,
 *        anything else is taken as the repository name itself;
 *   ENV  the environment attribute ("-": none);
 *   SHA  a digit k: the k-th commit of the clone; anything else as given;
 *   TIME seconds (any integer text; atoll).
 * A line starting with '#' sends an unrelated event (it must pass
 * through untouched); a short line is a deployment without a commit.
 */
#include <git2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_adapter.h"
#include "ingest/platform.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NCOMMITS 8
static char shas[NCOMMITS][GIT_OID_HEXSZ + 1];
static orgmri_config *cfg;
static long long passed;

/* Make the clone and the configuration naming it; 0 or -1. */
static int setup(void)
{
	/* in the harnesses' scratch folder (removed at exit), which nothing
	 * here empties */
	const char *scratch = fuzz_scratch();
	if (!scratch)
		return -1;
	char base[300];
	snprintf(base, sizeof(base), "%s/repo", scratch);
	git_libgit2_init();
	git_repository *repo = NULL;
	git_signature *sig = NULL;
	git_treebuilder *tb = NULL;
	git_tree *tree = NULL;
	git_oid tree_id, ids[NCOMMITS];
	int rc = -1;
	if (git_repository_init(&repo, base, 1) ||
	    git_signature_new(&sig, "F", "f@example.com", 1700000000, 0) ||
	    git_treebuilder_new(&tb, repo, NULL) ||
	    git_treebuilder_write(&tree_id, tb) ||
	    git_tree_lookup(&tree, repo, &tree_id))
		goto done;
	for (int i = 0; i < NCOMMITS; i++) {
		git_commit *parents[2] = { NULL, NULL };
		size_t np = 0;
		/* 0..5 a line; 6 off commit 2; 7 merges 5 and 6 */
		int p1 = i == 0 ? -1 : i == 6 ? 2 : i == 7 ? 5 : i - 1;
		if (p1 >= 0 && git_commit_lookup(&parents[np++], repo, &ids[p1]))
			goto done;
		if (i == 7 && git_commit_lookup(&parents[np++], repo, &ids[6]))
			goto done;
		char msg[32];
		snprintf(msg, sizeof(msg), "c%d", i);
		int e = git_commit_create(&ids[i], repo, NULL, sig, sig, NULL, msg,
		                          tree, np, (const git_commit **)parents);
		for (size_t k = 0; k < np; k++)
			git_commit_free(parents[k]);
		if (e)
			goto done;
		git_oid_tostr(shas[i], sizeof(shas[i]), &ids[i]);
	}
	char cfgpath[400], text[800];
	snprintf(cfgpath, sizeof(cfgpath), "%s/.orgmri", base);
	int n = snprintf(text, sizeof(text), "[repo \"o/r\"]\n\tpath = %s\n"
	                 "[repo \"o/x\"]\n\tpath = %s/nothing\n", base, base);
	FILE *fp = fopen(cfgpath, "w");
	if (!fp)
		goto done;
	fwrite(text, 1, (size_t)n, fp);
	fclose(fp);
	orgmri_error err;
	rc = orgmri_config_load(&cfg, cfgpath, &err) ? -1 : 0;
done:
	git_tree_free(tree);
	git_treebuilder_free(tb);
	git_signature_free(sig);
	git_repository_free(repo);
	return rc;
}

/* Counts what passes; aborts on an invalid event or a deployment given
 * commits the clone does not have. */
static int count_event(orgmri_sink *s, const orgmri_event *ev,
                       orgmri_error *err)
{
	check_event(s, ev, err);
	const orgmri_attr *c = orgmri_event_attr(ev, "commits");
	if (c && (atoll(c->value) < 0 || atoll(c->value) > NCOMMITS))
		abort();
	for (size_t i = 1; c && i < ev->nrelated; i++) {
		const char *at = strrchr(ev->related[i], '@');
		int known = 0;
		for (int k = 0; at && k < NCOMMITS; k++)
			known |= strcmp(at + 1, shas[k]) == 0;
		if (strncmp(ev->related[i], "commit:", 7) == 0 && !known)
			abort();
	}
	passed++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	if (!ready) {
		if (setup())
			abort();
		ready = 1;
	}
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	orgmri_sink sink = { count_event };
	orgmri_ingest_options opts = ORGMRI_INGEST_OPTIONS_INIT;
	orgmri_adapter_ctx ctx;
	memset(&ctx, 0, sizeof(ctx));
	ctx.sink = &sink;
	ctx.opts = &opts;
	ctx.config = cfg;
	plat_deploys d;
	plat_deploys_begin(&d, &ctx);
	long long sent = 0;
	passed = 0;
	char *save = NULL;
	int line = 0;
	for (char *l = strtok_r(text, "\n", &save); l && line < 1000;
	     l = strtok_r(NULL, "\n", &save), line++) {
		char object[300], commit[300], repo[128] = "";
		char env[64] = "", sha[80] = "", when[32] = "0";
		int unrelated = l[0] == '#';
		sscanf(l + unrelated, "%127s %63s %79s %31s", repo, env, sha, when);
		const char *r = strcmp(repo, "r") == 0 ? "o/r"
		              : strcmp(repo, "x") == 0 ? "o/x"
		              : strcmp(repo, "n") == 0 ? "o/n" : repo;
		const char *s = sha[0] >= '0' && sha[0] <= '9' && !sha[1]
		              ? shas[(sha[0] - '0') % NCOMMITS] : sha;
		snprintf(object, sizeof(object), "%s:%s/%d",
		         unrelated ? "change" : "deployment", r, line);
		snprintf(commit, sizeof(commit), "commit:%s@%s", r, s);
		const char *rel[1] = { commit };
		orgmri_attr at[1] = { { "environment", env, ORGMRI_ATTR_STRING } };
		long long secs = atoll(when);
		if (secs > 4000000000LL || secs < -4000000000LL)
			secs = 0; /* adapters' times are parsed dates */
		orgmri_event ev = { secs * 1000, object,
		                    unrelated ? "merged" : "deployed", "ci", NULL,
		                    rel, sha[0] ? 1 : 0, at,
		                    env[0] && strcmp(env, "-") ? 1 : 0 };
		orgmri_error err;
		if (orgmri_event_validate(&ev, &err))
			continue; /* adapters send only valid events */
		if (ctx.sink->event(ctx.sink, &ev, &err))
			abort(); /* holding or passing on cannot fail here */
		sent++;
	}
	orgmri_error err;
	if (plat_deploys_finish(&d, &ctx, &err) || passed != sent)
		abort();
	plat_deploys_free(&d);
	free(text);
	return 0;
}
