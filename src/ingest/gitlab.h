/*
 * gitlab.h - what the GitLab export adapter (gitlab.c) shares with the
 * GitLab webhook adapter (gitlab_webhooks.c): the outcome each GitLab
 * pipeline and deployment status means, and the events of a pipeline and
 * of an opened issue, so both give the same events for the same facts.
 */
#ifndef ORGMRI_INGEST_GITLAB_H
#define ORGMRI_INGEST_GITLAB_H

#include <jansson.h>

#include "ingest/platform.h"
#include "orgmri/config.h"

/*
 * The activity a pipeline status ends in (case-insensitive): "ci_passed",
 * "ci_failed", "ci_skipped"; "" for a status with no outcome yet (created,
 * pending, running, ...); NULL for a status GitLab does not have.
 */
const char *gl_pipeline_outcome(const char *status);
/* Likewise for deployments: "deployed", "deploy_failed", "" or NULL. */
const char *gl_deployment_outcome(const char *status);

/*
 * Is this GitLab issue (REST item or hook object_attributes) an incident?
 * GitLab says so (issue_type or type "incident"), or `labels` ("a,b")
 * holds a configured gitlab.incidentLabel (repeatable; default
 * "incident"), case-insensitively.
 */
int gl_is_incident(const orgmri_config *cfg, json_t *is, const char *labels);

/* One pipeline as both sources describe it. */
typedef struct gl_pipeline {
	const char *project;
	long long id;
	const char *status, *ref, *sha, *source, *user;  /* NULL = unknown */
	const char *change;      /* its merge request's key, or NULL */
	const char *outcome;     /* gl_pipeline_outcome(status): NULL or "" =
	                            no outcome event */
	int64_t started, ended;  /* times of ci_started and of the outcome */
} gl_pipeline;

/*
 * Emit `ci_started` and the outcome of pipeline p on its build object
 * (build:PROJECT/pipelines/ID) and, when known, on its merge request
 * (discriminator: the pipeline id), each related to the pipeline's commit
 * and to the other object.  0 or the sink's error.
 */
int gl_pipeline_events(orgmri_adapter_ctx *ctx, plat_event *pe,
                       const gl_pipeline *p, orgmri_error *e);

/*
 * The key of issue IID of `project` (incident:P#IID when `incident`,
 * else issue:P#IID, in pe's arena), and its `created` / `incident_opened`
 * event with title, state, labels, type, severity (incidents, when known)
 * and repo.  gl_issue_opened returns 0 or the sink's error.
 */
const char *gl_issue_key(plat_event *pe, const char *project, long long iid,
                         int incident);
typedef struct gl_issue {
	const char *key, *project;
	int incident;
	int64_t created;
	const char *author, *title, *state, *labels, *type, *severity;
} gl_issue;
int gl_issue_opened(orgmri_adapter_ctx *ctx, plat_event *pe,
                    const gl_issue *is, orgmri_error *e);

#endif
