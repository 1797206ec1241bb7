/*
 * walk — one customer's journeys through the compiled plans, one per
 * variant, counted into sim cells.
 *
 * A journey is not walked day by day: at each stage visit the day the
 * customer leaves and the edge it takes are drawn from the node's exit
 * tables (cmp_exit_day, cmp_exit_edge), which has the distribution of the
 * daily rule. The first variant's journey is drawn once and kept as a
 * trail of visits; the other variants follow it for as long as they meet
 * the same nodes left the same way, and draw anew only from where they
 * differ, from the generator state the trail recorded there. The counts are
 * those of drawing every journey in full, whatever is shared.
 */
#ifndef CJ_WALK_H
#define CJ_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "compile.h"
#include "rng.h"
#include "sim_counts.h"

/* What the walks of a run read, shared by all threads. */
typedef struct {
    const cmp_model *model;
    const sim_layout *layout;
    /* Per persona, over the first variant's plan: is this node entered and
     * left the same way in every variant, does this edge slot lead to the
     * same node in every variant, and do all variants start alike. A
     * journey that meets only such nodes and edges is every variant's. */
    bool **same_node;
    bool **same_next;
    bool *same_entry;
    /* Lifetime value: per day since arrival 0 … days, the factor
     * (1 + rate)^(-t / 365) a day-t amount is discounted by; NULL without
     * discount_rate. */
    double *discount;
} walk_run;

void walk_run_init(walk_run *run, const cmp_model *model, const sim_layout *layout);
void walk_run_free(walk_run *run);

/* One stage visit of the first variant's journey. */
typedef struct {
    uint64_t rng_state; /* the customer's generator before this visit's draws */
    uint32_t node;
    uint32_t day;       /* entered on */
    int32_t edge;       /* left by, or -1 */
    uint32_t j;         /* that edge among the node's */
} walk_visit;

/* A thread's scratch space; nothing in it grows with the customers. */
typedef struct {
    uint64_t generation;  /* marks equal to it were set during this journey */
    uint64_t *stage_mark;
    uint64_t *edge_mark;
    int64_t *k;           /* this journey's counters (sim_layout) */
    int64_t *k_first;     /* the first variant's counters, for the differences */
    bool k_dirty, k_first_dirty;
    walk_visit *trail;    /* at most days + 1 visits */
    uint32_t n_trail;
    uint32_t first_purchase_day; /* of this journey, for the repeat window */
    double clv_revenue, clv_cost; /* this journey's discounted payments (lifetime value) */
} walker;

void walker_init(walker *w, const cmp_model *model, const sim_layout *layout);
void walker_free(walker *w);

/*
 * Walks one customer of `persona` with the generator `rng` through every
 * variant. cells[v * stride] is the variant's cell for the persona; a
 * customer whose journey is the same in every variant is counted once,
 * into `shared`, which the caller adds to every variant's cell.
 */
void walk_customer(walker *w, const walk_run *run, size_t persona, rng_t rng, sim_cell *cells,
                   size_t stride, sim_cell *shared);

/* walk_customer for a customer who arrives on day `arrival`: it enters the
 * entry stage that day and moves on the days after (calendar time). */
void walk_customer_from(walker *w, const walk_run *run, size_t persona, rng_t rng,
                        sim_cell *cells, size_t stride, sim_cell *shared, uint32_t arrival);

#endif
