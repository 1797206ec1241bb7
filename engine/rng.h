/*
 * rng — the PCG32 random number generator (O'Neill, "PCG: A Family of Simple
 * Fast Space-Efficient Statistically Good Algorithms", pcg32 XSH-RR 64/32).
 *
 * cjmsim never shares a generator between threads: every block of customers
 * owns a stream derived from (seed, block), and every customer owns a
 * generator seeded from its block's stream. That makes results independent
 * of how blocks are spread over threads, processes and machines.
 */
#ifndef CJ_RNG_H
#define CJ_RNG_H

#include <stdint.h>

/* PCG's 64-bit LCG multiplier. */
#define RNG_MULTIPLIER UINT64_C(6364136223846793005)

typedef struct {
    uint64_t state;
    uint64_t inc; /* stream selector, always odd */
} rng_t;

/* The reference seeding of pcg32_srandom_r: initstate and stream id. */
void rng_seed(rng_t *rng, uint64_t initstate, uint64_t initseq);

/* pcg32_random_r; inline because it is the innermost call of the
 * simulation's loop. */
static inline uint32_t rng_next(rng_t *rng)
{
    uint64_t old = rng->state;
    rng->state = old * RNG_MULTIPLIER + rng->inc;
    uint32_t xorshifted = (uint32_t)(((old >> 18u) ^ old) >> 27u);
    uint32_t rot = (uint32_t)(old >> 59u);
    return (xorshifted >> rot) | (xorshifted << ((32u - rot) & 31u));
}

/* A uniform number in (0, 1] with 53 random bits, from two draws. Never 0,
 * so its logarithm is finite; fine enough that inverting a survival
 * function with it is exact to 2^-53. */
static inline double rng_uniform(rng_t *rng)
{
    uint64_t hi = rng_next(rng);
    uint64_t lo = rng_next(rng);
    uint64_t bits = ((hi << 32) | lo) >> 11;
    return (double)(bits + 1) * 0x1.0p-53;
}

/* The stream of customer block `block` for run seed `seed`. */
void rng_block(rng_t *rng, uint64_t seed, uint64_t block);

/* The generator of the next customer of a block: seeded from the block's
 * stream, so customers of a block are reproducible in order. */
void rng_customer(rng_t *block_rng, rng_t *customer_rng);

#endif
