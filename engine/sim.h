/*
 * sim — the Monte Carlo run: blocks of customers spread over threads.
 *
 * Customers are numbered persona by persona (in calendar time day by day,
 * persona by persona within a day: arrivals.h) and cut into blocks of
 * SIM_BLOCK. Block b draws from the PCG stream (seed, b); each customer gets
 * a generator seeded from its block's stream and walks every variant with
 * it (walk.h), so all variants see the same customers and the same random
 * numbers (common random numbers). Everything counted is an integer, so
 * blocks can be summed in any order, by any number of threads, with the same
 * result to the last bit. Memory grows with threads and the model, never
 * with the customers.
 */
#ifndef CJ_SIM_H
#define CJ_SIM_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "compile.h"
#include "err.h"
#include "sim_counts.h"

enum { SIM_BLOCK = 1024 };

/* Set by a signal handler to stop a run between blocks. */
extern volatile sig_atomic_t sim_interrupted;

/* Runs the simulation; totals must be released with sim_free (sim_counts.h). */
cj_status sim_run(const cmp_model *model, int64_t customers, uint64_t seed, int threads,
                  sim_totals *totals, cj_err *err);

/* Called from one thread between blocks with the customers simulated so
 * far; it must be quick (a progress bar throttles itself). */
typedef void (*sim_progress_fn)(void *arg, int64_t done, int64_t total);

typedef struct {
    int threads;              /* worker threads, at least 1 */
    sim_progress_fn progress; /* or NULL */
    void *progress_arg;
    /* This process's share of a job of `parts` processes (MPI ranks): the
     * blocks part, part + parts, part + 2 parts, ... 0 or 1 part: all. */
    int part, parts;
    /* Who arrives on which day (arrivals.h); NULL: one cohort on day 0, as
     * allocated by sim_allocate. */
    const struct arr_plan_s *arrivals;
} sim_options;

/* sim_run with more to say. */
cj_status sim_run_with(const cmp_model *model, int64_t customers, uint64_t seed,
                       const sim_options *opts, sim_totals *totals, cj_err *err);

#endif
