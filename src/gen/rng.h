/*
 * rng.h - the generator's pseudo-random numbers: xoshiro256** seeded
 * through splitmix64, and the few distributions the simulation draws
 * from.  Our own generator (not rand()) so that the same seed gives the
 * same organisation on every platform and C library.
 */
#ifndef ORGMRI_GEN_RNG_H
#define ORGMRI_GEN_RNG_H

#include <stdint.h>

typedef struct gen_rng {
	uint64_t s[4];
} gen_rng;

uint64_t gen_splitmix64(uint64_t *state);
void gen_rng_seed(gen_rng *r, uint64_t seed);
uint64_t gen_rng_next(gen_rng *r);
/* Uniform in [0, 1), 53 bits. */
double gen_rng_uniform(gen_rng *r);
/* Uniform integer in [0, n), n > 0. */
uint32_t gen_rng_below(gen_rng *r, uint32_t n);
/* 1 with probability p. */
int gen_rng_chance(gen_rng *r, double p);
/* Standard normal (Box-Muller, one value per call). */
double gen_rng_normal(gen_rng *r);
/* Log-normal with the given median and shape: median * exp(sigma * Z). */
double gen_rng_lognormal(gen_rng *r, double median, double sigma);
/* Exponential with the given mean. */
double gen_rng_exponential(gen_rng *r, double mean);

#endif
