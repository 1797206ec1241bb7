/*
 * cluster — running one simulation across the processes of an MPI job.
 *
 * Every rank loads and compiles the scenario, simulates its share of the
 * customer blocks and sends its integer totals to rank 0, which alone
 * writes the results. Because totals are integers and blocks draw from
 * streams of (seed, block), the results are the same bytes as a
 * single-process run. Built without MPI (the default), this is a job of one
 * rank and every function is trivial.
 */
#ifndef CJ_CLUSTER_H
#define CJ_CLUSTER_H

#include <stdbool.h>

#include "err.h"
#include "sim.h"

/* Starts MPI when built with it; harmless otherwise. */
void cluster_init(int *argc, char ***argv);
void cluster_finalize(void);

/*
 * Ends an interrupted job's process with `code`, once every rank has got
 * this far (so rank 0's message is out before any rank's end takes the job
 * down), without MPI_Finalize: mpirun is taking the job down and would not
 * answer it.
 */
_Noreturn void cluster_abandon(int code);

int cluster_rank(void);
int cluster_size(void);

static inline bool cluster_is_root(void)
{
    return cluster_rank() == 0;
}

/*
 * Makes every rank agree on the outcome of a step: if any rank failed, all
 * get the status and message of the lowest failing rank, so the job ends
 * with one clear message and the same exit status everywhere.
 */
cj_status cluster_agree(cj_err *err);

/*
 * Makes every rank check that it built the same model, with the same
 * customers, days and seed, as rank 0 (fingerprint.h), before any totals
 * are added up: ranks that loaded different files, were given different
 * options or ran a scenario whose declarations depend on the process would
 * otherwise add counts into the wrong cells. On a mismatch every rank gets
 * the same scenario error. Call it on every rank, after cluster_agree.
 */
cj_status cluster_same_model(const cmp_model *model, int64_t customers, uint64_t seed,
                             cj_err *err);

/* Sums every rank's totals into rank 0's (the others' are left as sent). */
cj_status cluster_reduce(sim_totals *totals, cj_err *err);

#endif
