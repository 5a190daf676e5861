/* fuzz_canonical.h - a sink that checks every event it receives is valid,
 * shared by the canonical-format harnesses. */
#ifndef ORGMRI_FUZZ_CANONICAL_H
#define ORGMRI_FUZZ_CANONICAL_H

#include <stdlib.h>
#include "orgmri/canonical.h"

static int check_event(orgmri_sink *s, const orgmri_event *ev,
                       orgmri_error *err)
{
	(void)s;
	/* Readers must only pass on events that validate. */
	if (orgmri_event_validate(ev, err) != 0)
		abort();
	return 0;
}

#endif
