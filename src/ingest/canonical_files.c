/*
 * canonical_files.c - the "jsonl" and "csv" adapters: a canonical event
 * file on disk (or "-" for standard input) read into the store.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/util.h"
#include "ingest/adapter.h"
#include "ingest/canonical_common.h"

static int detect_jsonl(const char *path)
{
	return orgmri_path_has_suffix(path, ".jsonl") ||
	       orgmri_path_has_suffix(path, ".ndjson") ? 10 : 0;
}

static int detect_csv(const char *path)
{
	return orgmri_path_has_suffix(path, ".csv") ? 5 : 0;
}

typedef int (*reader_fn)(FILE *, const char *, const orgmri_read_options *,
                         orgmri_sink *, orgmri_error *);

static int run_file(orgmri_adapter_ctx *ctx, reader_fn read,
                    orgmri_error *err)
{
	FILE *fp = strcmp(ctx->path, "-") == 0 ? stdin : fopen(ctx->path, "rb");
	if (!fp)
		return orgmri_seterr(err, ORGMRI_EIO, "%s: cannot open: %s",
		                     ctx->path, strerror(errno));
	int rc = read(fp, ctx->path, &ctx->read, ctx->sink, err);
	if (fp != stdin)
		fclose(fp);
	return rc;
}

static int run_jsonl(orgmri_adapter_ctx *ctx, orgmri_error *err)
{
	return run_file(ctx, orgmri_canonical_read_jsonl, err);
}

static int run_csv(orgmri_adapter_ctx *ctx, orgmri_error *err)
{
	return run_file(ctx, orgmri_canonical_read_csv, err);
}

const orgmri_adapter orgmri_adapter_jsonl = {
	"jsonl", "canonical events, JSON Lines (docs/formats.md)",
	detect_jsonl, run_jsonl, ORGMRI_ADAPTER_STREAM | ORGMRI_ADAPTER_VALIDATED,
};

const orgmri_adapter orgmri_adapter_csv = {
	"csv", "canonical events, CSV (docs/formats.md)",
	detect_csv, run_csv, ORGMRI_ADAPTER_STREAM | ORGMRI_ADAPTER_VALIDATED,
};
