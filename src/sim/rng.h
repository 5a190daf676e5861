/*
 * rng.h - the simulation's random numbers: xoshiro256** seeded through
 * splitmix64 (Blackman and Vigna, "Scrambled linear pseudorandom number
 * generators", 2021).  Inline because the event loop draws several numbers
 * per event.  Every replication gets its own stream derived from the run
 * seed and the replication index, which is what makes results independent
 * of the thread count.
 */
#ifndef ORGMRI_SIM_RNG_H
#define ORGMRI_SIM_RNG_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sim_rng {
	uint64_t s[4];
} sim_rng;

/* splitmix64: advances *x and returns the next output. */
uint64_t sim_splitmix64(uint64_t *x);
/* Seed a stream for (seed, stream index). */
void sim_rng_seed(sim_rng *r, uint64_t seed, uint64_t stream);

static inline uint64_t sim_rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static inline uint64_t sim_rng_next(sim_rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = sim_rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = sim_rotl(s[3], 45);
	return result;
}

/* Uniform in [0, 1) with 53 random bits. */
static inline double sim_rng_uniform(sim_rng *r)
{
	return (double)(sim_rng_next(r) >> 11) * 0x1.0p-53;
}

/* Uniform integer in [0, n), n > 0 (Lemire's multiply-shift; the bias is
 * below n / 2^64, far under anything a simulation can see). */
__extension__ typedef unsigned __int128 sim_u128;

static inline size_t sim_rng_below(sim_rng *r, size_t n)
{
	return (size_t)(((sim_u128)sim_rng_next(r) * n) >> 64);
}

/* Ziggurat tables for Exp(1) (Marsaglia and Tsang, "The ziggurat method
 * for generating random variables", 2000), 256 layers; filled once by
 * sim_rng_init() before any draw. */
extern uint32_t sim_zig_k[256];
extern double sim_zig_w[256], sim_zig_f[256];
/* Fill the tables (thread-safe, idempotent). */
void sim_rng_init(void);
/* The rare slow path of the ziggurat (the tail and layer edges). */
double sim_rng_exp_slow(sim_rng *r, uint64_t bits);

/* Exp(1) times mean.  The low 8 bits of a draw pick a layer and the top
 * 32 bits a position in it; about 98.9% of draws end at the first test. */
static inline double sim_rng_exp(sim_rng *r, double mean)
{
	uint64_t bits = sim_rng_next(r);
	unsigned layer = (unsigned)(bits & 255);
	uint32_t j = (uint32_t)(bits >> 32);
	if (j < sim_zig_k[layer])
		return mean * (double)j * sim_zig_w[layer];
	return mean * sim_rng_exp_slow(r, bits);
}

#endif
