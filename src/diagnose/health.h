/*
 * health.h - what the diagnosis (diagnose.c) and the file-based health
 * rows (health.c) share: appending one health row.  Not public API.
 */
#ifndef ORGMRI_DIAGNOSE_HEALTH_H
#define ORGMRI_DIAGNOSE_HEALTH_H

#include <stddef.h>

#include "orgmri/diagnose.h"

/*
 * Append row *n of rows (at most max) with its figure and threshold; it
 * is a concern when value is past threshold in the bad direction (NaN
 * never is).  Returns the row for its detail text, or NULL when full.
 */
orgmri_health_row *diag_health_row(orgmri_health_row *rows, size_t max,
                                   size_t *n, const char *name,
                                   const char *unit, double value,
                                   double threshold, int higher_is_worse);

#endif
