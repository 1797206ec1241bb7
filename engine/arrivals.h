/*
 * arrivals — who arrives on which day in calendar time.
 *
 * With `arrivals` in the scenario, customers arrive on days 0 … days − 1
 * instead of all on day 0. A(d), the running total of arrivals through day
 * d, is N·(d + 1) for a number N, or the sum of f(0) … f(d) for a
 * function f, added up in double precision in day order; ⌊A(d)⌋ − ⌊A(d − 1)⌋
 * customers arrive on day d. They are given to personas one at a time by
 * Balinski and Young's quota method: the next customer goes to the persona
 * with the largest share / (arrived so far + 1) among those still below
 * their share of the customers counted so far (ties to the persona declared
 * first), which keeps every persona's running count within 1 of its
 * share × arrivals, on every day. Customers are numbered day by day and,
 * within a day, persona by persona; the blocks of the simulation follow that
 * numbering. A cohort run is the plan of one day, day 0.
 */
#ifndef CJ_ARRIVALS_H
#define CJ_ARRIVALS_H

#include <stdint.h>

#include "err.h"
#include "scenario.h"

typedef struct arr_plan_s {
    int days; /* arrival days: 0 … days − 1 (1 for a cohort) */
    size_t n_personas;
    int64_t total;    /* every arrival */
    int64_t *day_end; /* per day: customers arrived through the end of that day */
    int64_t *count;   /* [day * n_personas + persona]: arrivals of the day */
} arr_plan;

/* The arrivals of the scenario over a run of `days` days. `per_day` >= 0
 * replaces a number of arrivals a day (--arrivals); a function is then
 * replaced too. A cohort scenario gets the one-day plan of `customers`
 * allocated by share (sim_allocate). Mistakes name file:line and the day. */
cj_status arr_build(const scn_scenario *scn, int days, int64_t customers, double per_day,
                    arr_plan *out, cj_err *err);

/* arr_build in two steps: the running totals, which calls the scenario's
 * function (under the sandbox's watchdog), then the personas of each day's
 * customers, one pass over them that calls no Lua. */
cj_status arr_count(const scn_scenario *scn, int days, int64_t customers, double per_day,
                    arr_plan *out, cj_err *err);
void arr_share(const scn_scenario *scn, arr_plan *plan);

/* The day on which customer number `c` (0-based, in arrival order) arrives. */
int arr_day_of(const arr_plan *plan, int64_t c);

void arr_free(arr_plan *plan);

#endif
