/*
 * files.h - the files each commit changed, indexed once from the commit
 * events' `paths` attribute (docs/metrics.md, "Files changed").  Shared by
 * churn (rework.c), the truck factor (people.c), CODEOWNERS coverage and
 * integration pain (files.c, health.c).  Not public API.
 */
#ifndef ORGMRI_METRICS_FILES_H
#define ORGMRI_METRICS_FILES_H

#include <stddef.h>
#include <stdint.h>

#include "core/util.h"
#include "orgmri/metrics.h"
#include "orgmri/model.h"

/* One commit that carries a `paths` attribute. */
typedef struct files_commit {
	uint32_t object;    /* commit object index */
	int64_t time;       /* its `authored` time, else the event's time */
	uint32_t author;    /* actor of `authored`, else of the paths event */
	uint32_t repo;      /* index into repos */
	uint8_t merge;      /* parents >= 2 or merge=true */
	int64_t churn_lines; /* its `churn_lines`, -1 when it has none */
	int64_t additions;   /* its `additions`, 0 when none */
	uint8_t truncated;  /* paths_truncated=true: the list is capped */
	uint32_t first, n;  /* its file ids: file[first .. first + n) */
} files_commit;

typedef struct files_index {
	size_t ncommits;
	files_commit *commit;      /* in table object order */
	uint32_t *file;            /* file ids, sorted within a commit */
	size_t nfile;
	uint32_t *commit_of;       /* per table object: index into commit, or
	                              ORGMRI_NONE */
	orgmri_intern files;       /* "REPO\nPATH" -> file id */
	orgmri_intern repos;       /* repository names -> repo id */
	uint32_t *file_repo;       /* file id -> repo id */
	size_t truncated;          /* commits whose list was capped */
	int64_t last_time;         /* latest commit time, INT64_MIN if none */
} files_index;

/* Build the index over the model's table.  With no `paths` attribute in
 * the data the index is empty (ncommits 0), not an error.  Returns 0 or
 * ORGMRI_ENOMEM.  Free with files_free (also after a failure). */
int files_build(const orgmri_model *m, files_index *fx);
void files_free(files_index *fx);

/* The computations behind orgmri_truck_factor_of,
 * orgmri_owner_coverage_compute and orgmri_integration_compute (same
 * arguments, same results) over an index built once; each returns 0 or
 * ORGMRI_ENOMEM and sets no error text. */
int files_truck_factor(const orgmri_model *m, const files_index *fx,
                       int64_t until, const char *repo, int *tf,
                       long long *nfiles);
int files_owner_coverage(const orgmri_model *m, const files_index *fx,
                         int64_t from, int64_t to,
                         orgmri_owner_coverage *out);
int files_integration(const orgmri_model *m, const files_index *fx,
                      const uint8_t *pick, int64_t open_end,
                      orgmri_integration *out);

/* The repository part of an object key "TYPE:REPO@..." / "TYPE:REPO#..."
 * / "TYPE:REPO": writes its length, returns its start. */
const char *files_key_repo(const char *key, size_t *len);

#endif
