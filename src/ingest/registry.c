/*
 * registry.c - the table of source adapters, kind detection, and the one
 * entry point that runs an adapter inside a recorded ingest run.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "core/util.h"
#include "ingest/adapter.h"
#include "ingest/canonical_common.h"

/* Adapters defined in their own files. */
extern const orgmri_adapter orgmri_adapter_jsonl;
extern const orgmri_adapter orgmri_adapter_csv;
extern const orgmri_adapter orgmri_adapter_xes;
extern const orgmri_adapter orgmri_adapter_ocel;
extern const orgmri_adapter orgmri_adapter_git;
extern const orgmri_adapter orgmri_adapter_gitlab;
extern const orgmri_adapter orgmri_adapter_jira;
extern const orgmri_adapter orgmri_adapter_incidents;
extern const orgmri_adapter orgmri_adapter_devlake;
extern const orgmri_adapter orgmri_adapter_github;
extern const orgmri_adapter orgmri_adapter_github_webhooks;
extern const orgmri_adapter orgmri_adapter_gitlab_webhooks;

static const orgmri_adapter *const adapters[] = {
	&orgmri_adapter_jsonl,
	&orgmri_adapter_csv,
	&orgmri_adapter_xes,
	&orgmri_adapter_ocel,
	&orgmri_adapter_git,
	&orgmri_adapter_gitlab,
	&orgmri_adapter_jira,
	&orgmri_adapter_incidents,
	&orgmri_adapter_devlake,
	&orgmri_adapter_github,
	&orgmri_adapter_github_webhooks,
	&orgmri_adapter_gitlab_webhooks,
};

#define NADAPTERS (sizeof(adapters) / sizeof(adapters[0]))

int orgmri_path_is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int orgmri_path_has_suffix(const char *path, const char *suffix)
{
	size_t pl = strlen(path), sl = strlen(suffix);
	return pl >= sl && strcasecmp(path + pl - sl, suffix) == 0;
}

static const orgmri_adapter *find_kind(const char *kind)
{
	for (size_t i = 0; i < NADAPTERS; i++)
		if (strcmp(adapters[i]->kind, kind) == 0)
			return adapters[i];
	return NULL;
}

const char *orgmri_ingest_detect(const char *path)
{
	const orgmri_adapter *best = NULL;
	int best_score = 0;
	for (size_t i = 0; i < NADAPTERS; i++) {
		int s = adapters[i]->detect ? adapters[i]->detect(path) : 0;
		if (s > best_score) {
			best_score = s;
			best = adapters[i];
		}
	}
	return best ? best->kind : NULL;
}

void orgmri_ingest_each_kind(void (*fn)(const char *, const char *, void *),
                             void *ctx)
{
	for (size_t i = 0; i < NADAPTERS; i++)
		fn(adapters[i]->kind, adapters[i]->description, ctx);
}

void orgmri_adapter_progress(orgmri_adapter_ctx *ctx, const char *unit,
                             long long done, long long total)
{
	if (!ctx->opts->progress)
		return;
	orgmri_progress p = { ctx->path, unit, done, total };
	ctx->opts->progress(&p, ctx->opts->progress_ctx);
}

/* Wraps the store's sink to report "events" progress every so often. */
typedef struct progress_sink {
	orgmri_sink sink;
	orgmri_sink *inner;
	orgmri_adapter_ctx *ctx;
	long long n;
} progress_sink;

static int progress_event(orgmri_sink *s, const orgmri_event *ev,
                          orgmri_error *err)
{
	progress_sink *ps = (progress_sink *)s;
	if ((++ps->n & 0x3fff) == 0)
		orgmri_adapter_progress(ps->ctx, "events", ps->n, 0);
	return ps->inner->event(ps->inner, ev, err);
}

static void count_skip(void *ctx)
{
	orgmri_ingest_note_skip(ctx);
}

int orgmri_adapter_bad_record(orgmri_adapter_ctx *ctx, orgmri_error *rec,
                              orgmri_error *err)
{
	return canon_bad_record(&ctx->read, rec, err);
}

int orgmri_ingest_source(orgmri_store *store, const char *path,
                         const orgmri_ingest_options *opts,
                         orgmri_ingest_counts *counts, orgmri_error *err)
{
	orgmri_ingest_options defaults = ORGMRI_INGEST_OPTIONS_INIT;
	if (!opts)
		opts = &defaults;
	if (counts)
		memset(counts, 0, sizeof(*counts));
	struct stat st;
	if (strcmp(path, "-") != 0 && stat(path, &st) != 0)
		return orgmri_seterr(err, ORGMRI_ENOTFOUND, "%s: no such file or "
		                     "folder", path);
	const orgmri_adapter *ad = NULL;
	if (opts->kind) {
		if (!(ad = find_kind(opts->kind)))
			return orgmri_seterr(err, ORGMRI_EINVAL,
			                     "unknown source kind \"%s\" (see "
			                     "`orgmri ingest --list-kinds`)", opts->kind);
	} else {
		const char *k = orgmri_ingest_detect(path);
		if (!k)
			return orgmri_seterr(err, ORGMRI_EUNSUPPORTED,
			                     "%s: cannot tell what kind of source this "
			                     "is; name it with --kind", path);
		ad = find_kind(k);
	}
	orgmri_config *owned = NULL;
	const orgmri_config *cfg = opts->config;
	if (!cfg) {
		int rc = orgmri_config_empty(&owned, err);
		if (rc)
			return rc;
		cfg = owned;
	}
	orgmri_ingest *ing;
	int rc = orgmri_ingest_begin(store, path, ad->kind, &ing, err);
	if (rc) {
		orgmri_config_free(owned);
		return rc;
	}
	orgmri_ingest_set_batch(ing, opts->batch);
	orgmri_adapter_ctx ctx;
	memset(&ctx, 0, sizeof(ctx));
	ctx.store = store;
	ctx.ingest = ing;
	ctx.sink = orgmri_ingest_sink(ing);
	ctx.opts = opts;
	ctx.config = cfg;
	ctx.path = path;
	ctx.read.strict = opts->strict;
	ctx.read.warn = opts->warn;
	ctx.read.warn_ctx = opts->warn_ctx;
	ctx.read.skipped = count_skip;
	ctx.read.skipped_ctx = ing;

	/* The pipeline reports its own progress (it may bypass the sink). */
	progress_sink ps = { { progress_event }, ctx.sink, &ctx, 0 };
	if (opts->progress &&
	    !(ad->flags & (ORGMRI_ADAPTER_STREAM | ORGMRI_ADAPTER_OWN_PIPELINE)))
		ctx.sink = &ps.sink;
	rc = (ad->flags & ORGMRI_ADAPTER_STREAM) ? orgmri_pipeline_run(ad, &ctx, err)
	                                         : ad->run(&ctx, err);
	char msg[ORGMRI_ERROR_MSG_MAX + 64] = "";
	if (rc && err)
		orgmri_error_format(err, msg, sizeof(msg));
	if (counts)
		*counts = *orgmri_ingest_get_counts(ing);
	orgmri_error ferr;
	int frc = orgmri_ingest_finish(ing, rc == 0, rc ? msg : NULL, &ferr);
	if (!rc && frc) {
		if (err)
			*err = ferr;
		rc = frc;
	}
	orgmri_config_free(owned);
	return rc;
}
