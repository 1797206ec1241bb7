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

typedef struct {
    uint64_t state;
    uint64_t inc; /* stream selector, always odd */
} rng_t;

/* The reference seeding of pcg32_srandom_r: initstate and stream id. */
void rng_seed(rng_t *rng, uint64_t initstate, uint64_t initseq);
uint32_t rng_next(rng_t *rng);

/* The stream of customer block `block` for run seed `seed`. */
void rng_block(rng_t *rng, uint64_t seed, uint64_t block);

/* The generator of the next customer of a block: seeded from the block's
 * stream, so customers of a block are reproducible in order. */
void rng_customer(rng_t *block_rng, rng_t *customer_rng);

#endif
