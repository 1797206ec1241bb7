/*
 * compile — the scenario's probabilities turned into dense C tables.
 *
 * Every probability (number, per-persona table or Lua function) is evaluated
 * once per variant, persona and reachable customer state (stage, mood,
 * purchases so far, days in stage), checked (each in [0,1], their sum at
 * most 1) and stored twice: as the day's cumulative 32-bit thresholds (the
 * daily rule of DESIGN.md, as written) and as exit tables from which the day
 * a customer leaves the state and the edge it takes are drawn directly
 * (cmp_exit_day, cmp_exit_edge), with the same distribution as tossing a
 * coin every day. The simulation never calls Lua.
 */
#ifndef CJ_COMPILE_H
#define CJ_COMPILE_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "scenario.h"
#include "variant.h"

enum { CMP_PURCHASE_BUCKETS = SCN_PURCHASES_CAP + 1 };

/* Threshold for probability 1: a 32-bit draw x takes edge i when
 * x < thr[i], so probabilities are multiples of 2^-32. */
#define CMP_ONE (UINT64_C(1) << 32)
#define CMP_UNREACHABLE UINT32_MAX

/* The exit rows of one (stage, mood, purchases) state. Day d in the stage
 * uses row min(d, n_rows) - 1: after n_rows days nothing changes any more. */
typedef struct {
    uint32_t thr_offset; /* into thr; CMP_UNREACHABLE for states no customer is in */
    uint32_t n_rows;
} cmp_state;

/*
 * One reachable (stage, mood, purchases) state of a persona in a variant:
 * what entering it counts, and how a customer leaves it. While a customer
 * stays, only its days in the stage change, so day t in the stage has the
 * exit hazard h(t) = Σ p_i(t), the same for every t > n_prefix (the tail).
 * The survival S(t) = Π_{j≤t} (1 − h(j)) is tabled for the prefix and the
 * first days of the tail (n_table days in all); beyond, it is geometric.
 * The node a customer enters by edge j is next[next_offset + j], so the
 * simulation never recomputes moods and purchase counts.
 */
typedef struct {
    int32_t stage;
    int8_t mood;          /* just after entering */
    uint8_t purchases;    /* 0 … SCN_PURCHASES_CAP, as functions see them */
    int16_t purchase_slot; /* the stage's index among purchase stages, or -1 */
    uint32_t touch_mask;  /* interventions used on entering */
    uint32_t k;           /* outgoing edges; 0: nobody leaves (absorbing) */
    uint32_t first_edge;  /* into the variant's out_edge */
    uint32_t n_prefix;    /* days with a hazard of their own: n_rows - 1 */
    uint32_t n_table;     /* days whose survival is tabled, n_prefix or more */
    uint32_t surv_offset; /* into surv and guide: S(1) … S(n_table) */
    uint32_t cond_offset; /* into cond: n_prefix + 1 rows of k thresholds */
    uint32_t next_offset; /* into next: the node entered by each edge */
    uint32_t prob_offset; /* into prob: n_prefix + 1 rows of k daily probabilities */
    double log_surv;      /* log S(n_table), 0 without a table */
    double tail_scale;    /* 1 / log(1 − h_tail): −0 when h_tail = 1, −inf when 0 */
    double guide_scale;   /* n_table / (1 − S(n_table)): u to a guide bucket */
} cmp_node;

/* What one persona meets in one variant. */
typedef struct {
    int8_t *mood_delta;   /* per stage: emotion plus the variant's interventions */
    /* Per stage: the mood change of the variant's `once` interventions,
     * added on the customer's first purchase there, and those interventions. */
    int8_t *first_mood_delta;
    uint32_t *once_mask;
    uint32_t *touch_mask; /* per stage: interventions used on entering */
    cmp_state *states;    /* per cmp_state_index() */
    uint64_t *thr;        /* rows of out-degree cumulative thresholds */
    size_t n_thr;
    cmp_node *nodes;      /* per cmp_state_index() */
    uint32_t entry_node;  /* where every customer of the persona starts */
    double *surv;         /* survival of the tabled days, per node */
    uint32_t *guide;      /* per tabled day: where to start looking (cmp_exit_day) */
    size_t n_surv;
    uint64_t *cond;       /* per exit row: cumulative thresholds of p_i(t) / h(t) */
    size_t n_cond;
    uint32_t *next;       /* per node and edge: the node entered */
    size_t n_next;
    /* Per exit row: each edge's daily probability p_i(t) as a real number,
     * for computing expectations exactly (exact.h) rather than drawing. */
    double *prob;
    size_t n_prob;
    /* Per node: true when the day a customer leaves it and the edge it
     * takes are drawn as in the first variant's plan, from the same tables,
     * so that the other variants can follow the first one's walk. */
    bool *same_as_first;
    /* What `cjmsim check` shows; the simulation does not use it. Per stage:
     * can a customer be there; per edge of the scenario: the smallest and
     * largest daily probability over the reachable states (NAN: none). */
    bool *stage_reached;
    double *p_min, *p_max;
} cmp_plan;

typedef struct {
    uint32_t mask;
    const char *name;
    uint32_t *out_start; /* per stage, into out_edge; n_stages + 1 entries */
    int *out_edge;       /* edge indices, in declaration order per stage */
    cmp_plan *plans;     /* per persona: every intervention of mask live */
    /* Launch dates (from_day, until_day): the days of the run cut into
     * periods, each with the interventions live in it and their plans, a
     * part of the model (cmp_model.parts). n_periods is 0 when the mask's
     * interventions are live every day: then `plans` hold on every day.
     * Every part of a variant has a node for each state any of them can
     * reach, so that a customer keeps its node when the period changes. */
    uint32_t n_periods;
    int *period_from;    /* per period: its first day; the first is 0 */
    size_t *period_part; /* per period: index into cmp_model.parts */
} cmp_variant;

typedef struct {
    const scn_scenario *scn;
    int days;
    cmp_variant *variants;
    size_t n_variants;
    int *purchase_slot; /* per stage: its index among purchase stages, or -1 */
    size_t n_purchase_stages;
    /* The plans of the sets of interventions live in some period of a
     * variant with launch dates, one per set (mask), shared by the variants. */
    cmp_variant *parts;
    size_t n_parts;
} cmp_model;

/* The plans in force on `day` in a variant: its own, or its period's part. */
static inline const cmp_variant *cmp_variant_on(const cmp_model *model, const cmp_variant *variant,
                                                uint32_t day)
{
    if (variant->n_periods == 0)
        return variant;
    uint32_t q = 0;
    while (q + 1 < variant->n_periods && (uint32_t)variant->period_from[q + 1] <= day)
        q++;
    return &model->parts[variant->period_part[q]];
}

/* The last day of the period that `day` is in (the run's last day at most). */
static inline uint32_t cmp_period_end(const cmp_model *model, const cmp_variant *variant,
                                      uint32_t day)
{
    for (uint32_t q = 1; q < variant->n_periods; q++)
        if ((uint32_t)variant->period_from[q] > day)
            return (uint32_t)variant->period_from[q] - 1;
    return (uint32_t)model->days;
}

/* Is an intervention live on `day`? */
static inline bool cmp_live(const scn_intervention *iv, int day)
{
    return day >= iv->from_day && (iv->until_day < 0 || day <= iv->until_day);
}

static inline size_t cmp_state_index(int stage, int mood, int purchases)
{
    return ((size_t)stage * SCN_MOODS + (size_t)(mood - SCN_MOOD_MIN)) * CMP_PURCHASE_BUCKETS +
           (size_t)purchases;
}

static inline int cmp_clamp_mood(int mood)
{
    return mood < SCN_MOOD_MIN ? SCN_MOOD_MIN : mood > SCN_MOOD_MAX ? SCN_MOOD_MAX : mood;
}

/*
 * The day in the state (1, 2, …) on which a customer who has just entered
 * it leaves, or 0 if it is still there after `horizon` days. u is uniform
 * in (0, 1]. The customer leaves on the first day t with S(t) < u, which
 * happens with probability S(t − 1) − S(t) = S(t − 1) h(t): exactly the law
 * of tossing day t's coin after surviving the days before. In the table, a
 * guide (Chen and Asau's indexed search) says where to start looking: the
 * range of u over the table is cut into n_table equal buckets, and bucket b
 * starts at the first day whose survival is below the bucket's top, so that
 * the search takes a step or two on average. Beyond the table,
 * S(n + m) = S(n) (1 − h)^m is solved for m with one logarithm.
 */
static inline uint32_t cmp_exit_day(const cmp_plan *plan, const cmp_node *x, double u,
                                    uint32_t horizon)
{
    uint32_t n = x->n_table < horizon ? x->n_table : horizon;
    const double *s = plan->surv + x->surv_offset; /* s[t - 1] = S(t) */
    if (n > 0 && s[n - 1] < u) {
        double bucket = (1.0 - u) * x->guide_scale;
        uint32_t b = bucket < (double)(x->n_table - 1) ? (uint32_t)bucket : x->n_table - 1;
        uint32_t t = plan->guide[x->surv_offset + b];
        if (t > n)
            t = n;
        /* The guide is a hint, exact but for rounding at the buckets'
         * edges: these loops make the answer exact whatever it says. */
        while (t > 1 && s[t - 2] < u)
            t--;
        while (s[t - 1] >= u)
            t++;
        return t;
    }
    if (x->n_table >= horizon || x->tail_scale == -INFINITY) /* h_tail = 0 */
        return 0;
    if (x->tail_scale == 0) /* h_tail = 1: no logarithm needed */
        return x->n_table + 1;
    /* u <= S(n_table), so the logarithm is <= 0 but for rounding. */
    double log_ratio = log(u) - x->log_surv;
    if (log_ratio > 0)
        log_ratio = 0;
    double m = log_ratio * x->tail_scale;
    if (!(m < (double)(horizon - x->n_table)))
        return 0;
    return x->n_table + (uint32_t)m + 1;
}

/* The edge (0 … k − 1 among the state's) taken on day t in the state, given
 * v uniform over 32 bits: edge i with probability p_i(t) / h(t). */
static inline uint32_t cmp_exit_edge(const cmp_plan *plan, const cmp_node *x, uint32_t t,
                                     uint32_t v)
{
    if (x->k == 1)
        return 0;
    uint32_t row = t <= x->n_prefix ? t - 1 : x->n_prefix;
    const uint64_t *c = plan->cond + x->cond_offset + (size_t)row * x->k;
    /* Thresholds rise, and from the last edge that can be taken on they
     * are CMP_ONE, above any v: the edge is the count of those <= v. A
     * count, not a search, because the branch would be a coin toss. */
    uint32_t j = 0;
    for (uint32_t i = 0; i + 1 < x->k; i++)
        j += v >= c[i];
    return j;
}

/* Builds the tables for the given variants over `days` days. Probability
 * mistakes are reported as "file:line: ..." in err. */
cmp_model *cmp_build(const scn_scenario *scn, const var_list *variants, int days, cj_err *err);

/* cmp_build for one of many parameter sets of the same file (memo.h): it
 * takes the values of every probability function that `reuse` (NULL:
 * none) holds under the same key, calls the others, and with `keep`
 * non-NULL returns in *keep a new memo of every function's values. */
typedef struct cmp_memo cmp_memo;
cmp_model *cmp_build_memo(const scn_scenario *scn, const var_list *variants, int days,
                          const cmp_memo *reuse, cmp_memo **keep, cj_err *err);

void cmp_free(cmp_model *model);

#endif
