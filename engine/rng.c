#include "rng.h"

static void rng_step(rng_t *rng)
{
    rng->state = rng->state * RNG_MULTIPLIER + rng->inc;
}

void rng_seed(rng_t *rng, uint64_t initstate, uint64_t initseq)
{
    rng->state = 0;
    rng->inc = (initseq << 1u) | 1u;
    rng_step(rng);
    rng->state += initstate;
    rng_step(rng);
}

/*
 * SplitMix64's finaliser spreads nearby seeds (1, 2, 3 …) over the whole
 * state space, so runs with consecutive seeds do not start from states that
 * differ in a few low bits.
 */
static uint64_t rng_mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

void rng_block(rng_t *rng, uint64_t seed, uint64_t block)
{
    rng_seed(rng, rng_mix64(seed), block);
}

void rng_customer(rng_t *block_rng, rng_t *customer_rng)
{
    uint64_t hi = rng_next(block_rng);
    uint64_t lo = rng_next(block_rng);
    customer_rng->state = rng_mix64((hi << 32) | lo);
    customer_rng->inc = block_rng->inc;
}
