/*
 * rng.c - seeding of the simulation's random streams (see rng.h).
 *
 * A stream for (seed, index) starts from splitmix64 run over
 * seed ^ (index * golden ratio constant), the seeding Vigna recommends for
 * xoshiro: four successive splitmix64 outputs fill the state, which can
 * never be all zero that way.
 */
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
