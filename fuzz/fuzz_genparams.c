/* fuzz_genparams.c - the generator's parameter parser, and the simulation
 * on whatever parameters it accepts.  Input: lines KEY=VALUE, applied to a
 * small organisation with orgmri_gen_params_set.  Whatever is accepted must
 * simulate without crashing (when small enough to be quick), and the
 * ground truth must hold its invariants: utilisation within [0, 1], every
 * stage count at most the period's changes, events counted. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "orgmri/gen.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const orgmri_gen_truth *t)
{
	for (int per = 0; per < 2; per++) {
		const orgmri_gen_period_truth *pt = &t->period[per];
		for (int s = 0; s < ORGMRI_GEN_NSTAGES; s++) {
			double u = pt->stage[s].utilisation;
			if (u != -1 && (u < 0 || u > 1.000001))
				abort();
			if (pt->stage[s].n > pt->changes || pt->stage[s].median_h < 0)
				abort();
		}
		if (pt->deployed > pt->changes)
			abort();
	}
	if (t->events < t->changes)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return 0;
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	orgmri_gen_params p;
	orgmri_error err;
	orgmri_gen_params_default(&p);
	orgmri_gen_params_set(&p, "gen.days", "20", &err);
	orgmri_gen_params_set(&p, "ai.rollout", "2026-01-15", &err);
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char *eq = strchr(line, '=');
		if (!eq)
			continue;
		*eq = '\0';
		orgmri_gen_params_set(&p, line, eq + 1, &err);
	}
	free(text);
	/* only simulate what stays small: few arrivals, few units */
	double items = p.days * p.arrivals_per_day * p.ai_arrival_factor * p.units;
	if (items > 3000 || p.units > 4)
		return 0;
	orgmri_gen_truth t;
	if (orgmri_gen_run(&p, NULL, &t, &err) == 0)
		check(&t);
	return 0;
}
