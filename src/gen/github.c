/* github.c - placeholder, replaced below */
#include <stdlib.h>
#include "core/util.h"
#include "orgmri/gen.h"
struct orgmri_gen_github { orgmri_sink sink; };
int orgmri_gen_github_new(orgmri_gen_github **out, const char *dir,
                          FILE *webhooks, orgmri_error *err)
{ (void)dir; (void)webhooks; *out = NULL; return orgmri_seterr(err, ORGMRI_EUNSUPPORTED, "not yet"); }
orgmri_sink *orgmri_gen_github_sink(orgmri_gen_github *g) { return &g->sink; }
int orgmri_gen_github_close(orgmri_gen_github *g, orgmri_error *err) { (void)err; free(g); return 0; }
