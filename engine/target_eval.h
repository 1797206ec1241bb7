/*
 * target_eval — a scenario's targets held against the scenario and a run.
 *
 * Resolves each target's stage and persona once the file has run, and
 * measures a target on a run: the baseline's share of customers who did
 * what the target counts (targets describe the shop as it is today), from
 * the expected values of an exact run or the counts of a sampled one. The
 * console table, summary.json's "targets" array and the report's table are
 * made from the same measures.
 *
 * `by_day` needs counts by day: buyers and repeat buyers are counted by the
 * day of the first and second purchase, so a target by day counts those;
 * `reached` by day is accepted for the scenario's only purchase stage
 * (reaching it is buying) and for the entry stage (everyone, from day 0).
 * A run shorter than by_day measures at its last day.
 */
#ifndef CJ_TARGET_EVAL_H
#define CJ_TARGET_EVAL_H

#include <stdio.h>

#include "err.h"
#include "scenario.h"
#include "sim.h"
#include "target.h"

struct json_t;

cj_status tgt_resolve(scn_scenario *scn, cj_err *err);

typedef struct {
    double share;     /* observed K / N */
    double simulated; /* p: the model's share of the baseline */
    double z;         /* tgt_z: NaN when p is 0 or 1 and K differs */
    double loglik;    /* tgt_binomial_loglik */
} tgt_measure_t;

/* The baseline's (variant 0) share for t, and the figures that follow. */
tgt_measure_t tgt_measure(const tgt_target *t, const sim_totals *totals);

/* The sum of the targets' log-likelihoods on a run. */
double tgt_loglik(const tgt_list *list, const sim_totals *totals);

/* The console table: target, what, observed, simulated, z; nothing when
 * there are no targets. */
void tgt_print(FILE *f, const tgt_list *list, const sim_totals *totals);

/* [ { name, what, observed, of, observed_share, simulated, z } ]. */
struct json_t *tgt_json(const tgt_list *list, const sim_totals *totals);

#endif
