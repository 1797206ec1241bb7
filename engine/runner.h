/*
 * runner — one run of a scenario as a value, and many of them at once.
 *
 * A run holds what simulating one parameter set takes and gives: the
 * options it was asked with, the scenario loaded with that parameter set,
 * its variants, the compiled model, the integer totals, the statistics and
 * the scenario's hash. rn_prepare loads and compiles under the sandbox's
 * watchdog (`run` and `check` start with it); rn_simulate and rn_compute do
 * the rest. rn_batch_ranks runs many parameter sets (a sweep's points, the draws
 * of an uncertainty analysis) over threads, each set on the same seed and
 * the same customers (common random numbers), and hands every finished run
 * to the caller by its index, so what the caller writes does not depend on
 * the number of threads.
 *
 * The run is also what the writers of the results read (summary.json, the
 * CSV files, the manifest, the plots, the report, the console): its
 * scenario, variants, statistics, seed, hash and how it was made, from one
 * const pointer. A run owns its scenario, model and figures and shares the
 * options and the command line, so a sweep or a live page makes one per
 * parameter set without copying anything the sets have in common.
 */
#ifndef CJ_RUNNER_H
#define CJ_RUNNER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "arrivals.h"
#include "cli.h"
#include "compile.h"
#include "err.h"
#include "outdir.h"
#include "param.h"
#include "scenario.h"
#include "sim.h"
#include "stats.h"
#include "variant.h"

typedef struct {
    const cli_options *opts;
    scn_scenario *scn;
    var_list variants;
    cmp_model *model;
    /* The values of the probability functions, kept by rn_prepare_base
     * for the parameter sets compiled after it (memo.h); NULL otherwise. */
    cmp_memo *memo;
    char hash[65]; /* the scenario file's SHA-256 (rn_prepare only) */
    int days;
    int64_t customers; /* every customer of the run: one cohort, or all arrivals */
    uint64_t seed;
    arr_plan arrivals; /* who arrives when: one cohort on day 0, or calendar time */
    bool calendar;     /* customers arrive day by day */
    sim_totals totals;
    st_results results;
    /* How the run was made, for manifest.json and the report: version,
     * threads and processes are set by rn_prepare (one process), the
     * command line by the command that has it (NULL: none). */
    const char *version; /* cjmsim's */
    int threads;         /* --threads, or one per core */
    int processes;       /* MPI ranks that simulated */
    int argc;
    char **argv;
} rn_run;

/* Loads and compiles the scenario with the command line's parameter values
 * (--params, --set), under the watchdog; warns about values set outside a
 * parameter's range. */
cj_status rn_prepare(rn_run *r, const cli_options *opts, cj_err *err);

/* rn_prepare for a command that then compiles many parameter sets of the
 * file (rn_batch_ranks, rn_prepare_set): keeps the values of its probability
 * functions in r->memo, and the sets take them where nothing they change
 * could change them. */
cj_status rn_prepare_base(rn_run *r, const cli_options *opts, cj_err *err);

/* rn_prepare leaving the watchdog armed, for a caller that still waits for
 * the other ranks of an MPI job under it (and then disarms it). An error
 * after Ctrl-C becomes "interrupted". */
cj_status rn_prepare_armed(rn_run *r, const cli_options *opts, cj_err *err);

/* In calendar time, shares each day's arrivals out among the personas (no
 * Lua: after the watchdog). rn_prepare does it; a caller of
 * rn_prepare_armed does it once it has disarmed the watchdog. */
void rn_share_arrivals(rn_run *r);

/* The same for the parameter set `params` (its context names it in
 * errors), with no watchdog of its own and no warnings: rn_batch_ranks's step.
 * With `base` (from rn_prepare_base; may be NULL) it calls only the
 * probability functions whose values base's memo does not hold. */
cj_status rn_prepare_set(rn_run *r, const cli_options *opts, const prm_set *params,
                         const rn_run *base, cj_err *err);

/* Simulates the prepared model, or with --exact computes its expected
 * totals (exact.h) instead. */
cj_status rn_simulate(rn_run *r, const sim_options *sim_opts, cj_err *err);

/* The statistics of the simulated totals, into r->results. */
void rn_compute(rn_run *r);

void rn_free(rn_run *r);

/* --threads, or one per core. */
int rn_threads(const cli_options *opts);

/* results/<scenario file name without .lua>, or --out; free it. */
char *rn_out_path(const cli_options *opts);

/* Begins a results directory that may not hold what the run reads (the
 * scenario and the persona library). */
cj_status rn_begin_results(out_dir *dir, const char *out_path, const char *scenario, cj_err *err);

/* Ctrl-C, kill, a closed terminal and a closed pipe stop a run between
 * blocks (sim_interrupted). */
void rn_catch_interrupts(void);

/* For a plain run of a scenario with uncertain parameters: one note on f
 * saying that the run's intervals leave that uncertainty out. */
void rn_note_uncertainty(FILE *f, const scn_scenario *scn);

/* How many parameter sets a batch has, and the set of index i (filled into
 * an empty set, with its context such as "draw 17"). */
typedef void (*rn_set_fn)(void *arg, size_t i, prm_set *set);

/* Receives the simulated and computed run of set i; called from worker
 * threads, each index once: it may write only what belongs to index i. */
typedef void (*rn_take_fn)(void *arg, size_t i, const rn_run *run);

/*
 * Prepares, simulates and computes n parameter sets, each simulation
 * single-threaded, all with opts' customers, days and seed, taking what
 * they can from base's memo (rn_prepare_set). In an MPI job each rank runs
 * the indices i with i % ranks == rank over its `threads` threads and hands
 * only those to `take`; the caller brings the results to rank 0 with
 * cluster_merge (cluster.h). Each thread runs one set at a time from its
 * load to its hand-over; loading and compiling stay under the watchdog,
 * each load with --lua-seconds of its own.
 *
 * Every rank returns the same status: the error of the lowest failing
 * index over all ranks and threads (the one a single process gives), else
 * any rank's interrupt. Call it on every rank, with an agreed status (a
 * failed one runs nothing and agrees). Only rank 0 speaks: a load stuck in
 * C on another rank ends the job through that rank's silent watchdog
 * (sbx_watchdog_silent), with mpirun's notice of its exit status but no
 * message of its own.
 */
cj_status rn_batch_ranks(const cli_options *opts, const rn_run *base, size_t n, int threads,
                         rn_set_fn make_set, rn_take_fn take, void *arg, cj_err *err);

/*
 * Simulates a prepared run over the ranks, as `run` does: each rank its
 * share of the customer blocks over `threads`, the totals added up on rank
 * 0, which alone computes the statistics (with --exact every rank computes
 * the whole). Call it on every rank, with an agreed status; every rank
 * returns the same.
 */
cj_status rn_simulate_ranks(rn_run *r, int threads, cj_err *err);

#endif
