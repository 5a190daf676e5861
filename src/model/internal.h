/*
 * internal.h - what src/model shares with src/metrics beyond the public
 * model.h: look-ups over the model's private indexes.  Not public API.
 */
#ifndef ORGMRI_MODEL_INTERNAL_H
#define ORGMRI_MODEL_INTERNAL_H

#include "orgmri/model.h"

/* The first successful production deployment shipping object `obj` (a
 * change: itself or its commits; an issue: also the changes implementing
 * it), honouring the model's require_previous option; ORGMRI_NONE if
 * none.  Index into m->deployments. */
uint32_t model_first_deployment(const orgmri_model *m, uint32_t obj);
/* The deployment index of deployment object `obj`, or ORGMRI_NONE. */
uint32_t model_deployment_of(const orgmri_model *m, uint32_t obj);
/* Whether object `obj` itself carries an AI-assisted marker. */
int model_object_ai(const orgmri_model *m, uint32_t obj);
/* The commits of object `obj` (contains / belongs_to links); returns the
 * count and points *list at them. */
size_t model_commits(const orgmri_model *m, uint32_t obj,
                     const uint32_t **list);
/* Time of the first event of activity `act` on object `o`, or
 * ORGMRI_NO_TIME (also when act is ORGMRI_NONE). */
int64_t model_first_time(const orgmri_table *t, uint32_t o, uint32_t act);
/* Relation ids of the loaded table (ORGMRI_NONE when absent). */
uint32_t model_rel(const orgmri_model *m, const char *name);

#endif
