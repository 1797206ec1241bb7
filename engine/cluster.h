/*
 * cluster — running one simulation across the processes of an MPI job.
 *
 * Every rank loads and compiles the scenario, simulates its share of the
 * customer blocks and sends its integer totals to rank 0, which alone
 * writes the results. Because totals are integers and blocks draw from
 * streams of (seed, block), the results are the same bytes as a
 * single-process run. The analyses (sweep, psa, breakeven) split their
 * parameter sets among the ranks instead and gather each set's figures on
 * rank 0 (cluster_agree_index, cluster_merge). Built without MPI (the
 * default), this is a job of one rank and every function is trivial.
 */
#ifndef CJ_CLUSTER_H
#define CJ_CLUSTER_H

#include <stdbool.h>
#include <stddef.h>

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

/*
 * For a batch of parameter sets split among the ranks (index i on rank
 * i % ranks): every rank gets the error of the lowest index that failed on
 * any rank, sent by the rank that ran it, so the message is the one a
 * single process gives. `index` is this rank's lowest failing index
 * (SIZE_MAX: none) and err its error; when no index failed, cluster_agree
 * settles any other failure (an interrupt). Ranks that finished early wait
 * asleep, leaving the cores to those still working.
 */
cj_status cluster_agree_index(size_t index, cj_err *err);

/*
 * Brings together a buffer of `bytes` that every rank filled in its own
 * parts and left zero elsewhere (a batch's results by index): each byte
 * becomes the bitwise OR of the ranks' bytes, so every part arrives bit for
 * bit, on rank 0 (the others' are left as they were) or with to_all on
 * every rank. Call it on every rank.
 */
cj_status cluster_merge(void *buf, size_t bytes, bool to_all, cj_err *err);

/*
 * Rank 0's outcome of a step it does alone (the results directory, a
 * refinement), to every rank, so that the job ends with one status; the
 * others wait asleep meanwhile. Call it on every rank.
 */
cj_status cluster_from_root(cj_err *err);

#endif
