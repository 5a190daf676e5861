/*
 * rng.c - xoshiro256** (Blackman and Vigna, 2018) and distributions; see
 * rng.h.  The algorithm is the published one, written out here.
 */
#include <math.h>

#include "gen/rng.h"

uint64_t gen_splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void gen_rng_seed(gen_rng *r, uint64_t seed)
{
	uint64_t st = seed;
	for (int i = 0; i < 4; i++)
		r->s[i] = gen_splitmix64(&st);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t gen_rng_next(gen_rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

double gen_rng_uniform(gen_rng *r)
{
	return (double)(gen_rng_next(r) >> 11) * 0x1.0p-53;
}

uint32_t gen_rng_below(gen_rng *r, uint32_t n)
{
	return (uint32_t)(((gen_rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

int gen_rng_chance(gen_rng *r, double p)
{
	return gen_rng_uniform(r) < p;
}

double gen_rng_normal(gen_rng *r)
{
	double u1 = 1.0 - gen_rng_uniform(r);  /* (0, 1] */
	double u2 = gen_rng_uniform(r);
	return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

double gen_rng_lognormal(gen_rng *r, double median, double sigma)
{
	return median * exp(sigma * gen_rng_normal(r));
}

double gen_rng_exponential(gen_rng *r, double mean)
{
	return -log(1.0 - gen_rng_uniform(r)) * mean;
}
