/* fuzz_scenario.c - the what-if scenario parser on arbitrary bytes: no
 * crash; a scenario that parses applies to a model without breaking it
 * (at least one person per station, finite factors). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "orgmri/sim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return 0;
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	orgmri_sim_scenario sc;
	orgmri_error err;
	if (orgmri_sim_scenario_parse(text, &sc, &err) == 0) {
		orgmri_sim_model m;
		memset(&m, 0, sizeof(m));
		for (int s = 0; s < ORGMRI_SIM_NSTAGES; s++) {
			m.stage[s].servers = 2;
			m.stage[s].time_scale = 1;
			m.stage[s].skip_tier = -1;
		}
		m.arrival_scale = m.cadence_scale = 1;
		if (orgmri_sim_scenario_apply(&sc, &m, &err) == 0) {
			for (int s = 0; s < ORGMRI_SIM_NSTAGES; s++)
				if (m.stage[s].servers < 1 || !isfinite(m.stage[s].time_scale))
					abort();
			if (!(m.cadence_scale > 0) || m.arrival_scale < 0)
				abort();
		}
	}
	free(text);
	return 0;
}
