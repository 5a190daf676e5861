/*
 * github.h - internals shared by the GitHub adapters: the export folder
 * (github.c), the webhook delivery file (github_webhooks.c), the element
 * reader for paginated REST output (github_pages.c) and the normaliser that
 * turns GitHub's JSON objects into canonical events (github_norm.c).
 *
 * Object keys (docs/github.md):
 *   change:OWNER/REPO#N         a pull request
 *   commit:OWNER/REPO@SHA       a commit (the git adapter uses the same key)
 *   issue:OWNER/REPO#N          an issue without an incident label
 *   issue:KEY                   a tracker key (ABC-123) named by a PR
 *   incident:OWNER/REPO#N       an issue with an incident label
 *   deployment:OWNER/REPO/ID    a deployment
 *   build:OWNER/REPO/run/ID     an Actions workflow run
 *   build:OWNER/REPO/check/ID   a check run of another CI app
 */
#ifndef ORGMRI_INGEST_GITHUB_H
#define ORGMRI_INGEST_GITHUB_H

#include <jansson.h>
#include <stdio.h>

#include "core/util.h"
#include "ingest/adapter.h"

/* Longest single JSON element (one PR, one delivery) we accept. */
#define GH_MAX_ELEMENT (64u * 1024u * 1024u)
/* Longest object key, JSON path, attribute text we build. */
#define GH_KEY_MAX 512
#define GH_PATH_MAX 200
#define GH_MAX_ATTRS 24
#define GH_MAX_RELATED 48
#define GH_MAX_LABELS_TEXT 1024
#define GH_MAX_INCIDENT_LABELS 16
/* Longest commit SHA accepted (SHA-256 object names are 64 hex digits);
 * buffers for one hold GH_SHA_MAX + 1 bytes. */
#define GH_SHA_MAX 64

/* ---- the element reader (github_pages.c) ----------------------------- */

/*
 * Reads what `gh api --paginate` writes: one or more JSON arrays one after
 * another (optionally separated by whitespace), yielding their elements one
 * at a time without loading the whole file.  A top-level object is either a
 * wrapper page ({"total_count":..,"workflow_runs":[...]}, likewise
 * check_runs, jobs, deployments, statuses), whose array elements are
 * yielded, or a single item (e.g. one PR from GET pulls/N), yielded as is.
 */
typedef struct gh_pages {
	FILE *fp;
	char *buf;
	size_t cap, start, end;     /* unread bytes are buf[start, end) */
	int eof, in_array;
	long line, col;             /* position of buf[start] (1-based) */
	long long offset;           /* file offset of buf[start] */
	size_t index;               /* index of the next element in its array */
	json_t *wrapper;            /* a wrapper page being yielded from */
	const char *wrapper_key;
	size_t widx;
} gh_pages;

/* Where the element just returned starts, for messages. */
typedef struct gh_where {
	long line, col;
	char path[64];              /* "$[3]" or "$.workflow_runs[3]" */
} gh_where;

int gh_pages_init(gh_pages *p, FILE *fp);
void gh_pages_free(gh_pages *p);
/*
 * Next element: 1 with *out (a new reference the caller decrefs) and *w
 * set; 0 at the end of the input; ORGMRI_EPARSE with err filled (line,
 * column, path) when one element is not valid JSON (the reader has moved
 * past it, so the caller may skip it and go on); ORGMRI_ECORRUPT when the
 * file is not a sequence of arrays or ends inside one (nothing after can be
 * read); ORGMRI_ELIMIT, ORGMRI_EIO, ORGMRI_ENOMEM likewise fatal.
 */
int gh_pages_next(gh_pages *p, json_t **out, gh_where *w, orgmri_error *err);

/* ---- the normaliser (github_norm.c) ---------------------------------- */

typedef struct gh_norm {
	orgmri_adapter_ctx *actx;
	const char *file;            /* name used in messages */
	char prefix[GH_PATH_MAX];    /* "$[3]" or "$.payload" */
	long line, col;
	const char *default_repo;    /* when an object does not say */
	const char *incident_labels[GH_MAX_INCIDENT_LABELS];
	size_t nincident_labels;
	long long ignored;           /* items read and deliberately not used */
	/* Attribution learnt from a PR's timeline (github.c sets these). */
	const char *merged_by, *closed_by;
} gh_norm;

/* Fill the incident labels from config github.incidentLabel (multi-valued,
 * default "incident"). */
void gh_norm_init(gh_norm *n, orgmri_adapter_ctx *actx);

/*
 * Each function below reads one GitHub object and sends its canonical
 * events to n->actx->sink.  They return 0, ORGMRI_EPARSE (err filled with
 * the JSON path under n->json_prefix) when the object is malformed, or a
 * fatal code from the sink.  `repo` may be NULL: it is then taken from the
 * object (full_name or its API url) or n->default_repo.
 */
/* A pull request (REST item or webhook .pull_request): opened, and merged
 * or closed from merged_at / closed_at when `final` is set. */
int gh_norm_pull(gh_norm *n, json_t *pr, const char *repo, int final,
                 char *repo_out, long long *number_out, orgmri_error *err);
/* A review of PR `number` (REST item or webhook .review). */
int gh_norm_review(gh_norm *n, json_t *rv, const char *repo,
                   long long number, orgmri_error *err);
/* A commit of PR `number` (REST pulls/N/commits item). */
int gh_norm_pr_commit(gh_norm *n, json_t *c, const char *repo,
                      long long number, orgmri_error *err);
/* One issues/N/timeline item; only the activities we use emit events. */
int gh_norm_timeline(gh_norm *n, json_t *t, const char *repo,
                     long long number, orgmri_error *err);
/* Collect merged/closed actors from a timeline item (no events). */
void gh_norm_timeline_actors(json_t *t, const char **merged_by,
                             const char **closed_by);
/* An issue (REST or webhook .issue); pull requests in the list are
 * counted as ignored. */
int gh_norm_issue(gh_norm *n, json_t *is, const char *repo,
                  orgmri_error *err);
/* A deployment, and one of its statuses.  sha_out (when not NULL) holds
 * GH_SHA_MAX + 1 bytes, repo_out GH_KEY_MAX. */
int gh_norm_deployment(gh_norm *n, json_t *d, const char *repo,
                       long long *id_out, char *sha_out, char *repo_out,
                       orgmri_error *err);
int gh_norm_deployment_status(gh_norm *n, json_t *s, const char *repo,
                              long long deployment_id, const char *sha,
                              const char *environment, orgmri_error *err);
/* An Actions workflow run, or a check run. */
int gh_norm_run(gh_norm *n, json_t *r, const char *repo, orgmri_error *err);
int gh_norm_check_run(gh_norm *n, json_t *c, const char *repo,
                      orgmri_error *err);
/* A webhook push: commit authored events for its commits. */
int gh_norm_push(gh_norm *n, json_t *payload, const char *repo,
                 orgmri_error *err);
/* The action-specific events of a pull_request delivery. */
int gh_norm_pull_action(gh_norm *n, json_t *payload, const char *action,
                        orgmri_error *err);

/* "owner/repo" of a payload's .repository.full_name into out (size
 * GH_KEY_MAX); 0 or ORGMRI_EPARSE. */
int gh_repo_of(gh_norm *n, json_t *obj, const char *field, char *out,
               orgmri_error *err);

/* Report a bad record per the run's policy (warn + count, or fail). */
int gh_bad(gh_norm *n, orgmri_error *rec, orgmri_error *err);

#endif
