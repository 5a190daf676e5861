/* fuzz_selector.c - the stage-selector parser (model.h's grammar, read
 * from .orgmri) must accept or reject any text without crashing, and what
 * it accepts must evaluate over an empty table without crashing. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/selector.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[1024];
	orgmri_error err;
	selector s;
	if (size >= sizeof(text))
		size = sizeof(text) - 1;
	memcpy(text, data, size);
	text[size] = '\0';
	if (selector_parse(text, &s, &err) == 0 &&
	    (s.nalts < 1 || s.nalts > SEL_MAX_ALTS))
		abort();
	return 0;
}
