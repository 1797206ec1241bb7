/*
 * sim_counts — what a run counts: where each customer counter sits
 * (sim_layout), the counts of one persona in one variant (sim_cell), the
 * totals of a run (sim_totals), and the customers each persona gets.
 *
 * Counts are integers added in any order with the same result to the last
 * bit, so the threads of sim.h, the ranks of cluster.h and the walks of
 * walk.h can each fill their own cells and sum them. An exact run (exact.h)
 * fills the same cells with expected values.
 */
#ifndef CJ_SIM_COUNTS_H
#define CJ_SIM_COUNTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "compile.h"

/* Positions in a customer's counter vector (sim_layout). */
enum { SIM_K_BUYER = 0, SIM_K_REPEAT = 1, SIM_K_PURCHASES = 2 };

/* Where each counter sits in the per-customer vector k:
 * [buyer, repeat buyer, purchases per purchase stage…, exposed per
 * intervention…, uses per intervention…]. Every money figure is a linear
 * function of k, so sums of k and of k·kᵀ differences give exact totals and
 * variances of any of them. */
typedef struct {
    size_t n_k;
    size_t purchases; /* first purchase-stage slot */
    size_t exposed;   /* first intervention-exposure slot */
    size_t uses;      /* first intervention-use slot */
    /* repeat_buyers_in_window's slot (scenario repeat_window), or 0 when the
     * scenario does not count it. */
    size_t window;
    /* Lifetime value (scenario discount_rate): the customer's discounted
     * revenue at clv and cost at clv + 1, in hundredths of the currency;
     * clv is 0 when the scenario does not count it. */
    size_t clv;
    /* Counts by day for targets (target.h): days 0 … reach_days − 1 of the
     * cells' reached_day and window_day; 0 when no target needs them, so a
     * run without such targets keeps nothing by day and stage. */
    size_t reach_days;
} sim_layout;

/* The expected values of an exact run (exact.h): the same figures as a
 * cell's counts, at the same positions, as real numbers. */
typedef struct {
    double *reached, *entries, *mood_sum, *edge_customers, *edge_moves, *k_sum;
    double *first_purchase_day, *second_purchase_day;
    /* Calendar time: as the cell's arrays of the same names; NULL when the
     * exact run did not compute them. */
    double *arrivals_day, *purchases_day, *exposed_day, *uses_day;
    /* As the cell's; an exact run fills reached_day for the stages a target
     * counts by day only. */
    double *reached_day, *window_day;
} sim_expected;

/* Everything counted for one persona in one variant. */
typedef struct {
    int64_t customers;
    int64_t *reached;        /* per stage: customers who ever entered it */
    int64_t *entries;        /* per stage: times entered */
    int64_t *mood_sum;       /* per stage: sum of mood just after entering */
    int64_t *edge_customers; /* per edge: customers who took it at least once */
    int64_t *edge_moves;     /* per edge: times taken */
    int64_t *k_sum;          /* per counter: sum over customers */
    int64_t *first_purchase_day;  /* per day 0..days: customers whose 1st purchase it was */
    int64_t *second_purchase_day; /* per day: customers whose 2nd purchase it was */
    int64_t *d_sum;  /* per counter: sum of (variant − baseline) per customer */
    int64_t *dd_sum; /* n_k × n_k: sum of the products of those differences */
    /* [0]: customers whose purchases differ from the baseline's; a money
     * interval needs enough of them to be trusted. For a 0/1 counter the
     * discordant pairs are in d_sum and dd_sum: Σd = b − c, Σd² = b + c. */
    int64_t *changed;
    /* An exact run's expected values, of which the counts above are the
     * rounded copies (and d_sum, dd_sum zeros); NULL in a sampled run. */
    sim_expected *expected;
    /* Calendar time, per day 0..days: customers who arrived that day; and
     * per day and purchase stage (intervention), [day * n + i], the
     * purchases, the customers first exposed and the uses: the day's own
     * money is a linear function of them. */
    int64_t *arrivals_day;
    int64_t *purchases_day;
    int64_t *exposed_day;
    int64_t *uses_day;
    /* For targets by day (sim_layout.reach_days, R): per stage and day,
     * [stage * R + day], the customers who first entered the stage that day
     * (calendar day, whatever their arrival); per day, the customers whose
     * second purchase that day came within the repeat window. */
    int64_t *reached_day;
    int64_t *window_day;
} sim_cell;

typedef struct {
    const cmp_model *model;
    sim_layout layout;
    int64_t customers;
    int64_t *persona_customers; /* exact allocation by share */
    size_t n_variants, n_personas;
    sim_cell *cells; /* [variant * n_personas + persona] */
    bool exact;      /* expected values computed exactly (exact.h), not sampled */
    bool calendar;   /* customers arrived day by day (arrivals.h) */
} sim_totals;

/* A cell of zeros sized for the model; cells add up exactly. */
void sim_cell_init(sim_cell *cell, const cmp_model *model, const sim_layout *layout);
void sim_cell_add(sim_cell *dst, const sim_cell *src, const cmp_model *model,
                  const sim_layout *layout);
void sim_cell_free(sim_cell *cell);

/* Zeroed arrays of expected values for a cell of the model. */
sim_expected *sim_expected_new(const cmp_model *model, const sim_layout *layout);

/* Totals of zeros for the model: the layout, the customers allocated to
 * each persona, a cell per variant and persona. */
void sim_totals_init(sim_totals *totals, const cmp_model *model, int64_t customers);

/* All the integers of the totals as one flat array (to sum them across
 * processes): how many, and copies out and back in the same order. */
size_t sim_totals_count(const sim_totals *totals);
void sim_totals_pack(const sim_totals *totals, int64_t *buf);
void sim_totals_unpack(sim_totals *totals, const int64_t *buf);

/* Largest-remainder allocation of customers × share; ties go to the persona
 * declared first. */
void sim_allocate(const scn_scenario *scn, int64_t customers, int64_t *counts);

/* A run's cells, [variant * n_personas + persona], each of zeros. */
sim_cell *sim_cells_new(const cmp_model *model, const sim_layout *layout);
void sim_cells_free(sim_cell *cells, size_t n);

void sim_free(sim_totals *totals);

/* The cell of a variant and persona. */
static inline sim_cell *sim_at(const sim_totals *t, size_t variant, size_t persona)
{
    return &t->cells[variant * t->n_personas + persona];
}

#endif
