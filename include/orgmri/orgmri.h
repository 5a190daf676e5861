/*
 * orgmri.h - the whole public API of liborgmri in one include.
 */
#ifndef ORGMRI_H
#define ORGMRI_H

#define ORGMRI_VERSION "0.1.0"

#include "orgmri/error.h"
#include "orgmri/time.h"
#include "orgmri/event.h"
#include "orgmri/config.h"
#include "orgmri/store.h"
#include "orgmri/ingest.h"
#include "orgmri/canonical.h"
#include "orgmri/table.h"
#include "orgmri/model.h"
#include "orgmri/metrics.h"
#include "orgmri/gen.h"
#include "orgmri/sim.h"
#include "orgmri/report.h"
#include "orgmri/eventlog.h"
#include "orgmri/map.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The library's version string, e.g. "0.1.0". */
const char *orgmri_version(void);

#ifdef __cplusplus
}
#endif
#endif
