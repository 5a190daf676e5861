/*
 * config.h - the .orgmri configuration file.
 *
 * One file in git-config syntax, parsed by libgit2 (see docs/config.md).
 * Every setting has a default, so a missing file is an empty
 * configuration, not an error.  Keys are "section.name" or
 * "section.subsection.name", as git spells them (case-insensitive section
 * and name).
 */
#ifndef ORGMRI_CONFIG_H
#define ORGMRI_CONFIG_H

#include <stdint.h>
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct orgmri_config orgmri_config;

/*
 * Load `path`, or when NULL the file named by $ORGMRI_CONFIG, else
 * ".orgmri" in the current folder if it exists.  A missing file gives an
 * empty configuration.  A malformed one is ORGMRI_EPARSE with file and line.
 */
int orgmri_config_load(orgmri_config **out, const char *path,
                       orgmri_error *err);
/* An empty configuration (all defaults). */
int orgmri_config_empty(orgmri_config **out, orgmri_error *err);
void orgmri_config_free(orgmri_config *cfg);

/* Value of `key`, or `def` when unset.  The string is owned by cfg. */
const char *orgmri_config_string(const orgmri_config *cfg, const char *key,
                                 const char *def);
long long orgmri_config_int(const orgmri_config *cfg, const char *key,
                            long long def);
int orgmri_config_bool(const orgmri_config *cfg, const char *key, int def);

/*
 * Every value of a multi-valued key (git's "key = a" repeated), in file
 * order.  Calls fn(value, ctx) for each; stops and returns fn's result if
 * non-zero.  Returns 0 when the key is unset.
 */
int orgmri_config_each(const orgmri_config *cfg, const char *key,
                       int (*fn)(const char *value, void *ctx), void *ctx);

/* Calls fn(name, value, ctx) for every key whose name starts with `prefix`
 * (e.g. "team." to list teams), in file order. */
int orgmri_config_each_prefix(const orgmri_config *cfg, const char *prefix,
                              int (*fn)(const char *name, const char *value,
                                        void *ctx),
                              void *ctx);

#ifdef __cplusplus
}
#endif
#endif
