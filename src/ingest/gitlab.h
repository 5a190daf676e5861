/*
 * gitlab.h - what the GitLab export adapter (gitlab.c) shares with the
 * GitLab webhook adapter (gitlab_webhooks.c): the outcome each GitLab
 * pipeline and deployment status means, so both give the same events for
 * the same facts.
 */
#ifndef ORGMRI_INGEST_GITLAB_H
#define ORGMRI_INGEST_GITLAB_H

#include <jansson.h>

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

#endif
