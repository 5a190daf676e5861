/*
 * eventlog_common.c - what the XES and OCEL adapters share: running a
 * reader on the adapter's file with the run's skip policy, and the notes
 * they give about a log (eventlog_common.h).
 */
#include <stdarg.h>
#include <stdio.h>

#include "ingest/eventlog_common.h"

void eventlog_note(const orgmri_eventlog_options *opts, const char *file,
                   const char *fmt, ...)
{
	if (!opts->warn)
		return;
	orgmri_error e;
	orgmri_error_clear(&e);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e.message, sizeof(e.message), fmt, ap);
	va_end(ap);
	snprintf(e.file, sizeof(e.file), "%s", file);
	opts->warn(&e, opts->warn_ctx);
}

void eventlog_note_times(const orgmri_eventlog_options *opts,
                         const char *file, long long naive)
{
	if (naive)
		eventlog_note(opts, file, "note: %lld timestamps have no UTC offset; "
		              "read as UTC", naive);
}

/* Reader warnings into the run: skipped records (code != 0) are counted,
 * notes only passed on. */
static void skipped(const orgmri_error *what, void *p)
{
	orgmri_adapter_ctx *ctx = p;
	if (what->code && ctx->read.skipped)
		ctx->read.skipped(ctx->read.skipped_ctx);
	if (ctx->read.warn)
		ctx->read.warn(what, ctx->read.warn_ctx);
}

int orgmri_eventlog_run(orgmri_adapter_ctx *ctx, eventlog_reader read,
                        orgmri_error *err)
{
	FILE *fp = fopen(ctx->path, "rb");
	if (!fp)
		return orgmri_seterr(err, ORGMRI_EIO, "%s: cannot open", ctx->path);
	orgmri_eventlog_options o = ORGMRI_EVENTLOG_OPTIONS_INIT;
	o.strict = ctx->opts->strict;
	o.warn = skipped;
	o.warn_ctx = ctx;
	int rc = read(fp, ctx->path, &o, ctx->sink, NULL, err);
	fclose(fp);
	return rc;
}
