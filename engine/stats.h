/*
 * stats — the figures a marketer reads, derived from the integer totals.
 *
 * Uplift is measured on paired per-customer differences (variant minus
 * baseline on the same customer with the same random numbers): its mean is
 * the difference of the two rates and its standard error comes from the
 * variance of the differences, which common random numbers keep small.
 *
 * The intervals measure the simulation's precision only: they shrink to
 * nothing as customers grow, however unsure the scenario's assumptions are.
 * For the 0/1 metrics (buyers, repeat buyers) the interval is Newcombe's
 * hybrid score interval for paired proportions (method 10), which keeps its
 * coverage when few customers differ between the variants; for the others
 * it is a t interval on the paired differences.
 *
 * The verdict of each variant (gain, loss or unclear on the headline
 * metric; pays back, does not, or unclear) is decided here, once, and read
 * by the console, the report, the plots and summary.json, which say it with
 * the words of st_effect_words and st_pays_words.
 */
#ifndef CJ_STATS_H
#define CJ_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sim.h"

/* Two-sided 95% normal quantile. */
#define ST_Z95 1.959963984540054

typedef enum {
    ST_REPEAT_BUYERS,
    ST_BUYERS,
    ST_PURCHASES,
    ST_REVENUE,
    ST_COST,
    ST_PROFIT,
    ST_N_METRICS
} st_metric;

/* Below this many customers whose purchases differ from the baseline's, a
 * money interval is not trusted: pays back stays unclear. */
enum { ST_FEW_CHANGED = 20 };

/* Per-customer mean difference from the baseline with its 95% interval. se
 * is the standard error of the mean paired difference. */
typedef struct {
    double diff, se, lo, hi;
} st_uplift;

typedef enum { ST_UNCLEAR, ST_GAIN, ST_LOSS } st_effect;
typedef enum { ST_PAYS_UNCLEAR, ST_PAYS_YES, ST_PAYS_NO } st_pays;

/* What a variant's numbers allow to say against the baseline. */
typedef struct {
    st_metric metric; /* the run's headline metric */
    st_effect effect; /* gain or loss only when M's interval excludes 0 */
    st_pays pays;     /* only when the incremental profit's interval excludes 0 */
    /* Roughly how many customers would settle an unclear effect or pay-back
     * (n · (z·se / |diff|)²), 0 when it is settled or cannot be said. */
    double customers_to_settle_effect, customers_to_settle_pays;
    bool few_changed; /* too few customers bought differently to trust the money interval */
} st_verdict;

/* One variant for one persona, or for everyone. */
typedef struct {
    int64_t customers;
    double total[ST_N_METRICS]; /* repeat buyers, buyers, purchases, revenue, cost, profit */
    bool has_uplift;            /* every variant but the baseline */
    st_uplift uplift[ST_N_METRICS];
    /* Discordant customers of the 0/1 metrics: 1 in the variant and 0 in
     * the baseline (gained), and the reverse (lost). */
    int64_t gained[ST_N_METRICS], lost[ST_N_METRICS];
    int64_t changed; /* customers whose purchases differ from the baseline's */
    bool same_journeys; /* nothing the variant changes reaches these customers */
    bool has_roi;       /* the variant costs more than the baseline */
    /* roi: incremental profit per unit of incremental cost, with its 95%
     * interval (delta method; the profit interval / cost when cost is fixed). */
    double incremental_revenue, incremental_profit, incremental_cost, roi, roi_lo, roi_hi;
    st_uplift profit; /* incremental profit in total (not per customer) */
    st_verdict verdict;
} st_group;

/* Which persona a variant helps most, said only when the lead over the
 * runner-up is distinguishable (their customers are disjoint, so the
 * difference's standard error is sqrt(se1² + se2²)). */
typedef struct {
    int top, runner_up; /* personas, or -1 */
    double lead, lead_lo, lead_hi;
    bool distinguishable;
} st_lead;

typedef struct {
    st_metric headline; /* repeat buyers, or buyers when nobody can buy twice */
    st_lead *leads;     /* per variant, on the headline metric */
    const sim_totals *totals;
    /* How the figures were obtained: "monte_carlo" (counts of simulated
     * customers) or "exact" (expected values, exact.h). */
    const char *method;
    bool exact;
    size_t n_groups;   /* personas + 1: the last group is everyone */
    st_group *groups;  /* [variant * n_groups + group] */
    sim_cell *everyone; /* per variant: the persona cells summed */
    /* Per stage: the edge that brings most of the baseline's customers into
     * it from another stage, or -1 (the entry stage, or nobody came). The
     * funnel's stage-to-stage conversion is measured along it. */
    int *main_edge;
} st_results;

void st_compute(const sim_totals *totals, st_results *out);
void st_free(st_results *results);

static inline const st_group *st_group_at(const st_results *r, size_t variant, size_t group)
{
    return &r->groups[variant * r->n_groups + group];
}

/* The counts of a group: a persona's cell, or everyone's when
 * group == number of personas. */
const sim_cell *st_cell(const st_results *r, size_t variant, size_t group);

const char *st_metric_name(st_metric m);

/* "repeat buyers", "buyers": the metric as a person reads it. */
const char *st_metric_words(st_metric m);
/* "gain", "loss", "unclear" (summary.json). */
const char *st_effect_name(st_effect e);
/* The verdict's words, the same wherever it is shown. */
const char *st_effect_words(st_effect e);
const char *st_pays_words(st_pays p);
/* What a variant's unclear money verdict lacks, the same wherever it is
 * shown: " (only N customers bought differently: too few to tell)" or
 * " (about N customers would settle it)"; nothing when neither applies. */
void st_print_settle(FILE *f, const st_group *g);

/* Newcombe's hybrid score interval (method 10) for the difference of two
 * paired proportions: n pairs, `both` with 1 in each, b with 1 only in the
 * first, c with 1 only in the second; into *lo, *hi. */
void st_paired_interval(int64_t both, int64_t b, int64_t c, int64_t n, double *lo, double *hi);

/* x rounded to two significant digits: "about 240,000 customers". */
double st_rough(double x);

/* The 97.5% quantile of Student's t with df degrees of freedom. */
double st_t975(double df);

/* Share of the customers who reached the main edge's source stage that took
 * the main edge into `stage`; -1 when the stage has no main edge. */
double st_stage_conversion(const st_results *r, const sim_cell *cell, size_t stage);

/* The average mood just after entering `stage`, into *mood; false when
 * nobody entered it. */
static inline bool st_mood_on_entry(const sim_cell *cell, size_t stage, double *mood)
{
    if (cell->expected) {
        if (!(cell->expected->entries[stage] > 0))
            return false;
        *mood = cell->expected->mood_sum[stage] / cell->expected->entries[stage];
        return true;
    }
    if (!cell->entries[stage])
        return false;
    *mood = (double)cell->mood_sum[stage] / (double)cell->entries[stage];
    return true;
}

/* A cell's figures as real numbers: the expected value in an exact run, the
 * count in a sampled one. */
static inline double st_reached(const sim_cell *c, size_t stage)
{
    return c->expected ? c->expected->reached[stage] : (double)c->reached[stage];
}
static inline double st_edge_customers(const sim_cell *c, size_t edge)
{
    return c->expected ? c->expected->edge_customers[edge] : (double)c->edge_customers[edge];
}
static inline double st_edge_moves(const sim_cell *c, size_t edge)
{
    return c->expected ? c->expected->edge_moves[edge] : (double)c->edge_moves[edge];
}
/* Customers whose first (second) purchase was on `day`. */
static inline double st_first_purchases(const sim_cell *c, size_t day)
{
    return c->expected ? c->expected->first_purchase_day[day] : (double)c->first_purchase_day[day];
}
static inline double st_second_purchases(const sim_cell *c, size_t day)
{
    return c->expected ? c->expected->second_purchase_day[day]
                       : (double)c->second_purchase_day[day];
}

/* One counter of the customers' vector (sim_layout), such as the repeat
 * window's 0/1: its total over a group (one persona, or everyone when group
 * == number of personas) and, for variants other than the baseline, the
 * uplift of its per-customer mean from the paired differences (a point in
 * an exact run). */
double st_counter_total(const st_results *r, size_t variant, size_t group, size_t slot,
                        st_uplift *uplift);

/* A weighted sum of counters, w[0] k[slots[0]] + w[1] k[slots[1]] + …:
 * its total over a group and, for variants other than the baseline, the
 * uplift of its per-customer mean (a point in an exact run). */
double st_linear_total(const st_results *r, size_t variant, size_t group, const size_t *slots,
                       const double *w, size_t n, st_uplift *uplift);

/* x / y, or 0 when y is 0: rates of groups nobody is in. */
double st_ratio(double x, double y);

#endif
