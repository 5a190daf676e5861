/* version.c - the library's version, for the CLI and for callers. */
#include "orgmri/orgmri.h"

const char *orgmri_version(void)
{
	return ORGMRI_VERSION;
}
