/*
 * canonical_common.h - what the JSONL and CSV readers of the canonical
 * format share: the per-record skip-or-fail policy and attribute typing.
 */
#ifndef ORGMRI_INGEST_CANONICAL_COMMON_H
#define ORGMRI_INGEST_CANONICAL_COMMON_H

#include "orgmri/canonical.h"

/* Most attributes or related objects one record may carry. */
#define CANON_MAX_ATTRS 256
#define CANON_MAX_RELATED 4096

/*
 * A record failed with `rec_err` (location filled in).  In strict mode
 * copy it to err and return its code; otherwise warn, count, return 0.
 */
int canon_bad_record(const orgmri_read_options *opts, orgmri_error *rec_err,
                     orgmri_error *err);

#endif
