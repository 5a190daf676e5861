/*
 * canonical.h - orgmri's own interchange format, JSON Lines and CSV.
 *
 * The format is defined in docs/formats.md.  Readers stream a file into a
 * sink; writers are sinks that write a file.  Export from the store and
 * ingest of the result give back the same events, so
 * export -> ingest into a new store -> export is byte-identical.
 */
#ifndef ORGMRI_CANONICAL_H
#define ORGMRI_CANONICAL_H

#include <stdio.h>
#include "error.h"
#include "event.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Longest line or CSV record accepted, in bytes (a cap on hostile input). */
#define ORGMRI_CANONICAL_MAX_RECORD (1024u * 1024u)

typedef struct orgmri_read_options {
	int strict;  /* stop at the first bad record */
	/* Called for each skipped record (with file, line, column, message). */
	void (*warn)(const orgmri_error *what, void *ctx);
	void *warn_ctx;
	/* Called after each skipped record so the caller can count it. */
	void (*skipped)(void *ctx);
	void *skipped_ctx;
} orgmri_read_options;

/*
 * Read a canonical JSONL or CSV stream.  `name` is used in messages.
 * Returns 0 when the stream was read to its end (bad records skipped per
 * opts), or the first error in strict mode or from the sink.
 */
int orgmri_canonical_read_jsonl(FILE *in, const char *name,
                                const orgmri_read_options *opts,
                                orgmri_sink *sink, orgmri_error *err);
int orgmri_canonical_read_csv(FILE *in, const char *name,
                              const orgmri_read_options *opts,
                              orgmri_sink *sink, orgmri_error *err);

typedef struct orgmri_writer orgmri_writer;

/* A JSONL writer on `out` (not closed by the writer). */
int orgmri_jsonl_writer_new(orgmri_writer **out, FILE *fp, orgmri_error *err);
/*
 * A CSV writer on `out` whose columns after time,object,activity,actor,
 * related,id are the `nattrs` attribute names given (copied), in order.
 * Attributes not among them are an error (ORGMRI_EINVAL).
 */
int orgmri_csv_writer_new(orgmri_writer **out, FILE *fp,
                          const char *const *attr_names, size_t nattrs,
                          orgmri_error *err);
orgmri_sink *orgmri_writer_sink(orgmri_writer *w);
/* Flush and free; returns ORGMRI_EIO if any write failed. */
int orgmri_writer_close(orgmri_writer *w, orgmri_error *err);

#ifdef __cplusplus
}
#endif
#endif
