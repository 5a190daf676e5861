/* fuzz_adapter.h - what the platform-adapter harnesses (GitLab, Jira,
 * incident CSV, GitHub webhooks) share: lay the fuzz input out as files in
 * a scratch folder and run one adapter's run() on it, with the checking
 * sink (only valid events may reach it) and no store.
 *
 * Input layout: the bytes up to the first line "=== REL\n" go to the
 * harness's default file; each such line starts a new file REL inside the
 * folder (REL: letters, digits, '_', '-', '.', '/'; no "..", at most 4
 * levels; anything else ends the input there).  A file named ".orgmri"
 * becomes the run's configuration (git-config syntax; when it does not
 * parse, the empty configuration is used).  Folder adapters thus see
 * several export files from one input, e.g.
 *
 *     [{"iid": 1, ...}]
 *     === merge_requests/1/notes.json
 *     [{"system": true, "body": "approved this merge request", ...}]
 */
#ifndef ORGMRI_FUZZ_ADAPTER_H
#define ORGMRI_FUZZ_ADAPTER_H

#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz_canonical.h"
#include "ingest/adapter.h"
#include "orgmri/config.h"

static int fuzz_rm_one(const char *path, const struct stat *st, int flag,
                       struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static char fuzz_dir[256];

static void fuzz_remove_scratch(void)
{
	if (fuzz_dir[0])
		nftw(fuzz_dir, fuzz_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* A scratch folder for this process, emptied before each input and
 * removed at exit. */
static const char *fuzz_scratch(void)
{
	if (!fuzz_dir[0]) {
		const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
		snprintf(fuzz_dir, sizeof(fuzz_dir), "%s/orgmri-fuzz-XXXXXX", base);
		if (!mkdtemp(fuzz_dir)) {
			fuzz_dir[0] = '\0';
			return NULL;
		}
		atexit(fuzz_remove_scratch);
	}
	return fuzz_dir;
}

static inline void fuzz_empty(const char *dir)
{
	/* FTW_DEPTH: children before their folder; the folder itself too */
	nftw(dir, fuzz_rm_one, 16, FTW_DEPTH | FTW_PHYS);
	mkdir(dir, 0700);
}

/* Is rel a safe relative path (see the header comment)? */
static inline int fuzz_safe_rel(const char *rel, size_t len)
{
	if (len == 0 || len > 200 || rel[0] == '/' || rel[len - 1] == '/')
		return 0;
	int depth = 0;
	for (size_t i = 0; i < len; i++) {
		char c = rel[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' ||
		      c == '/'))
			return 0;
		if (c == '/' && (++depth > 4 || rel[i + 1] == '/'))
			return 0;
		if (c == '.' && i + 1 < len && rel[i + 1] == '.')
			return 0;
	}
	return 1;
}

/* Write one file, making its folders. */
static inline void fuzz_put(const char *dir, const char *rel,
                            const uint8_t *data, size_t size)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	for (char *s = path + strlen(dir) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		mkdir(path, 0700);
		*s = '/';
	}
	FILE *fp = fopen(path, "wb");
	if (!fp)
		return;
	if (size)
		fwrite(data, 1, size, fp);
	fclose(fp);
}

/* Split data into files under dir (first section: default_rel). */
static inline void fuzz_layout(const char *dir, const char *default_rel,
                               const uint8_t *data, size_t size)
{
	static const char mark[] = "=== ";
	char rel[256];
	snprintf(rel, sizeof(rel), "%s", default_rel);
	size_t start = 0, i = 0;
	for (;;) {
		/* the next marker at a line start */
		size_t m = i;
		while (m < size && !((m == 0 || data[m - 1] == '\n') &&
		                     size - m >= 4 && memcmp(data + m, mark, 4) == 0))
			m++;
		fuzz_put(dir, rel, data + start, m - start);
		if (m >= size)
			return;
		const uint8_t *nl = memchr(data + m + 4, '\n', size - m - 4);
		size_t rlen = nl ? (size_t)(nl - (data + m + 4)) : size - m - 4;
		if (!nl || !fuzz_safe_rel((const char *)data + m + 4, rlen) ||
		    rlen >= sizeof(rel))
			return;
		memcpy(rel, data + m + 4, rlen);
		rel[rlen] = '\0';
		start = i = (size_t)(nl - data) + 1;
	}
}

/*
 * Run adapter `ad` on the input laid out in a scratch folder.  `target`
 * is what the adapter is given relative to that folder ("" = the folder
 * itself, else a file such as "deliveries.jsonl").
 */
static inline int fuzz_adapter(const orgmri_adapter *ad,
                               const char *default_rel, const char *target,
                               const uint8_t *data, size_t size)
{
	const char *dir = fuzz_scratch();
	if (!dir)
		return 0;
	fuzz_empty(dir);
	fuzz_layout(dir, default_rel, data, size);
	char cfgpath[512], path[512];
	snprintf(cfgpath, sizeof(cfgpath), "%s/.orgmri", dir);
	snprintf(path, sizeof(path), "%s%s%s", dir, target[0] ? "/" : "", target);
	orgmri_config *cfg = NULL;
	orgmri_error err;
	if (access(cfgpath, R_OK) != 0 ||
	    orgmri_config_load(&cfg, cfgpath, &err) != 0)
		cfg = NULL;
	if (!cfg && orgmri_config_empty(&cfg, &err) != 0)
		return 0;
	orgmri_sink sink = { check_event };
	orgmri_ingest_options opts = ORGMRI_INGEST_OPTIONS_INIT;
	orgmri_adapter_ctx ctx;
	memset(&ctx, 0, sizeof(ctx));
	ctx.sink = &sink;
	ctx.opts = &opts;
	ctx.config = cfg;
	ctx.path = path;
	/* detect must not crash either, whatever the files hold */
	if (ad->detect)
		(void)ad->detect(path);
	ad->run(&ctx, &err);
	orgmri_config_free(cfg);
	return 0;
}

#endif
