/*
 * psa — `cjmsim psa S.lua --draws N`: probabilistic sensitivity analysis.
 *
 * Every uncertain parameter (one with a distribution, or a low..high range,
 * and no value given by --set or --params) is drawn N times: draw d takes
 * uniform numbers from the PCG stream of (seed, d), or a Latin hypercube
 * with --lhs, and turns them into values through the distributions'
 * quantiles. Every draw simulates every variant on the same customers with
 * the same seed (common random numbers), over threads, one draw per thread
 * at a time, so the bytes written do not depend on the threads. psa runs in
 * one process (an MPI job runs it on rank 0 alone).
 *
 * Writes psa.csv (one row per draw and variant), psa.json (the mean and the
 * 95% interval over draws of each variant's uplift and incremental profit,
 * the probability of being the most profitable and of paying back, the
 * expected value of perfect information), tornado.csv (one-way sensitivity:
 * each parameter at its low and its high, the others at their defaults) and
 * plots: the draws' scatter, the acceptability curve and the tornado.
 */
#ifndef CJ_PSA_H
#define CJ_PSA_H

#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "err.h"

/* The uniform numbers of n_draws draws of n_params parameters, into
 * u[d * n_params + j], each in (0, 1): independent draws from the stream of
 * (seed, d), or with lhs a Latin hypercube (each parameter's draws fall one
 * in each of n_draws equal strata, in an order shuffled per parameter). */
void psa_uniforms(uint64_t seed, size_t n_draws, size_t n_params, bool lhs, double *u);

cj_status psa_command(const cli_options *opts, int argc, char **argv, cj_err *err);

#endif
