/*
 * exact — the expected results of a run, computed without sampling.
 *
 * For each variant and persona, the distribution of one customer's state is
 * carried day by day through the compiled plan (compile.h): the node it is
 * in (stage, mood, purchases as functions see them) and its days in the
 * stage. A node keeps the mass that entered it on each of the days whose
 * probabilities are its own (n_prefix); on day D the mass that entered on
 * day a leaves by edge j with S(D - a - 1) p_j(D - a), and from the day the
 * probabilities stop changing every customer left there shares one hazard,
 * so they are carried as one sum. The state never grows with the customers,
 * nor beyond where the tables stop changing.
 *
 * Entries, moves, purchases, uses of interventions and purchases by day are
 * sums of that mass. What is about a customer's whole path is a first
 * passage: the chance of ever entering a stage, taking an edge or being
 * exposed to an intervention is the expected number of times where the path
 * cannot come back to it, and else one more pass measures the mass that
 * ever gets in, with the stage (or edge) made absorbing. Buyers and repeat
 * buyers are read from the purchase counts of the nodes, exact below the
 * cap.
 *
 * A persona's expected counts are its customers times these probabilities.
 * They fill the cells' expected values (sim.h), and their rounded copies the
 * counts, so that every reader of sim_totals works on them unchanged.
 */
#ifndef CJ_EXACT_H
#define CJ_EXACT_H

#include <stdint.h>

#include "compile.h"
#include "err.h"
#include "sim.h"

/*
 * The expected results of `customers` customers (allocated to personas as
 * in a sampled run) for every variant and persona of the model, into
 * totals, which sim_free releases; totals->exact is set. `threads` pairs of
 * variant and persona are computed at once (at least one).
 */
cj_status ex_run(const cmp_model *model, int64_t customers, int threads, sim_totals *totals,
                 cj_err *err);

/* ex_run in calendar time: the customers of `plan` (arrivals.h) enter on
 * their arrival days, which is the sum of cohort runs shifted by their
 * arrival days: the propagation is linear, so each day's share of the
 * persona is added to the entry node on that day. plan NULL: ex_run. */
struct arr_plan_s;
cj_status ex_run_calendar(const cmp_model *model, int64_t customers,
                          const struct arr_plan_s *plan, int threads, sim_totals *totals,
                          cj_err *err);

#endif
