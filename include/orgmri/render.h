/*
 * render.h - the diagnosis as text for a terminal, and as JSON.
 *
 * Renderers only format what the diagnosis holds; they compute nothing
 * and never touch the store.  The JSON shape is documented in docs/json.md
 * (schema "orgmri.scan/1").
 */
#ifndef ORGMRI_RENDER_H
#define ORGMRI_RENDER_H

#include <stdio.h>
#include "diagnose.h"
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ORGMRI_RENDER_COLOR 0x1  /* ANSI colours (callers decide: a terminal
                                    and no NO_COLOR) */
#define ORGMRI_RENDER_COMPARE_ONLY 0x2  /* the before/after part only */

/* Aligned tables with unicode bars; returns 0 or ORGMRI_EIO. */
int orgmri_render_diagnosis_text(FILE *fp, const orgmri_diagnosis *d,
                                 unsigned flags);
/* One JSON document, schema orgmri.scan/1; returns 0 or ORGMRI_EIO. */
int orgmri_render_diagnosis_json(FILE *fp, const orgmri_diagnosis *d,
                                 unsigned flags);

/*
 * The diagnosis as one self-contained HTML file at `path` (charts drawn
 * as inline SVG, docs/report.md), from the diagnosis and its series.
 * `title` names the organisation or data (escaped like all data).
 */
int orgmri_render_diagnosis_html(const orgmri_diagnosis *d,
                                 const orgmri_diag_series *s,
                                 const char *title, const char *path,
                                 orgmri_error *err);

/* "3.2 h", "4.1 d", "12%", "1.5 /week" — the one number style used
 * everywhere.  Writes into buf and returns it. */
char *orgmri_format_value(double v, const char *unit, char *buf, size_t size);

#ifdef __cplusplus
}
#endif
#endif
