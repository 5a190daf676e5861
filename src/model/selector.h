/*
 * selector.h - compiled stage selectors (internal to src/model and
 * src/metrics; the text grammar is in include/orgmri/model.h).
 */
#ifndef ORGMRI_MODEL_SELECTOR_H
#define ORGMRI_MODEL_SELECTOR_H

#include <stdint.h>
#include "orgmri/model.h"

#define SEL_MAX_TERMS 8
#define SEL_MAX_ALTS 4
#define SEL_NAME_MAX 48

enum { VIA_SELF = 0, VIA_COMMITS = 1, VIA_DEPLOY = 2 };

typedef struct sel_term {
	char activity[SEL_NAME_MAX];
	char key[SEL_NAME_MAX];     /* "" = no attribute filter */
	char value[SEL_NAME_MAX];
	uint32_t act, akey;         /* resolved ids; ORGMRI_NONE = absent */
} sel_term;

typedef struct sel_any {
	sel_term terms[SEL_MAX_TERMS];
	int nterms;
} sel_any;

typedef struct selector {
	int last;        /* pick the last match instead of the first */
	int not_author;  /* skip events by the item's author or by bots */
	int via;         /* VIA_* */
	sel_any alts[SEL_MAX_ALTS];
	int nalts;
} selector;

/* Parse selector text; ORGMRI_EPARSE with a message on bad text. */
int selector_parse(const char *text, selector *out, orgmri_error *err);
/* Resolve activity and attribute names against a table. */
void selector_resolve(selector *s, const orgmri_table *t);
/*
 * Time of the selected event among the events [lo, hi) of table t, with
 * `author` the item's author (0 = unknown).  ORGMRI_NO_TIME when none.
 */
int64_t selector_match(const selector *s, const orgmri_table *t, size_t lo,
                       size_t hi, uint32_t author);

#endif
