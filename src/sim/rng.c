/*
 * rng.c - seeding of the simulation's random streams (see rng.h).
 *
 * A stream for (seed, index) starts from splitmix64 run over
 * seed ^ (index * golden ratio constant), the seeding Vigna recommends for
 * xoshiro: four successive splitmix64 outputs fill the state, which can
 * never be all zero that way.
 */
#include <pthread.h>

#include "sim/rng.h"

uint64_t sim_splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void sim_rng_seed(sim_rng *r, uint64_t seed, uint64_t stream)
{
	uint64_t x = seed ^ (stream * 0xd1b54a32d192ed03ULL);
	/* mix once more so that nearby (seed, stream) pairs diverge */
	x = sim_splitmix64(&x);
	for (int i = 0; i < 4; i++)
		r->s[i] = sim_splitmix64(&x);
}

/* ---- ziggurat for the exponential ------------------------------------ */

uint32_t sim_zig_k[256];
double sim_zig_w[256], sim_zig_f[256];

/* Marsaglia and Tsang's table set-up for 256 layers: de is the start of
 * the tail, ve the area of each layer. */
static void init_tables(void)
{
	const double m2 = 4294967296.0, ve = 3.949659822581572e-3;
	double de = 7.697117470131487, tde = de;
	double q = ve / exp(-de);
	sim_zig_k[0] = (uint32_t)((de / q) * m2);
	sim_zig_k[1] = 0;
	sim_zig_w[0] = q / m2;
	sim_zig_w[255] = de / m2;
	sim_zig_f[0] = 1.0;
	sim_zig_f[255] = exp(-de);
	for (int i = 254; i >= 1; i--) {
		de = -log(ve / de + exp(-de));
		sim_zig_k[i + 1] = (uint32_t)((de / tde) * m2);
		tde = de;
		sim_zig_f[i] = exp(-de);
		sim_zig_w[i] = de / m2;
	}
}

static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

void sim_rng_init(void)
{
	pthread_once(&tables_once, init_tables);
}

double sim_rng_exp_slow(sim_rng *r, uint64_t bits)
{
	for (;;) {
		unsigned layer = (unsigned)(bits & 255);
		uint32_t j = (uint32_t)(bits >> 32);
		if (j < sim_zig_k[layer])
			return (double)j * sim_zig_w[layer];
		if (layer == 0)   /* the tail beyond de: de + Exp(1) */
			return 7.69711747013104972 - log1p(-sim_rng_uniform(r));
		double x = (double)j * sim_zig_w[layer];
		double u = sim_rng_uniform(r);
		if (sim_zig_f[layer] + u * (sim_zig_f[layer - 1] - sim_zig_f[layer]) <
		    exp(-x))
			return x;
		bits = sim_rng_next(r);
	}
}
