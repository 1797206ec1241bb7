/*
 * compile — the scenario's probabilities turned into dense C tables.
 *
 * Every probability (number, per-persona table or Lua function) is evaluated
 * once per variant, persona and reachable customer state (stage, mood,
 * purchases so far, days in stage), checked (each in [0,1], their sum at
 * most 1) and stored as cumulative 32-bit thresholds. The simulation then
 * chooses a day's transition with one random number and a few comparisons,
 * and never calls Lua.
 */
#ifndef CJ_COMPILE_H
#define CJ_COMPILE_H

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

/* What one persona meets in one variant. */
typedef struct {
    int8_t *mood_delta;   /* per stage: emotion plus the variant's interventions */
    uint32_t *touch_mask; /* per stage: interventions used on entering */
    cmp_state *states;    /* per cmp_state_index() */
    uint64_t *thr;        /* rows of out-degree cumulative thresholds */
    size_t n_thr;
} cmp_plan;

typedef struct {
    uint32_t mask;
    const char *name;
    uint32_t *out_start; /* per stage, into out_edge; n_stages + 1 entries */
    int *out_edge;       /* edge indices, in declaration order per stage */
    cmp_plan *plans;     /* per persona */
} cmp_variant;

typedef struct {
    const scn_scenario *scn;
    int days;
    cmp_variant *variants;
    size_t n_variants;
    int *purchase_slot; /* per stage: its index among purchase stages, or -1 */
    size_t n_purchase_stages;
} cmp_model;

static inline size_t cmp_state_index(int stage, int mood, int purchases)
{
    return ((size_t)stage * SCN_MOODS + (size_t)(mood - SCN_MOOD_MIN)) * CMP_PURCHASE_BUCKETS +
           (size_t)purchases;
}

static inline int cmp_clamp_mood(int mood)
{
    return mood < SCN_MOOD_MIN ? SCN_MOOD_MIN : mood > SCN_MOOD_MAX ? SCN_MOOD_MAX : mood;
}

/* Builds the tables for the given variants over `days` days. Probability
 * mistakes are reported as "file:line: ..." in err. */
cmp_model *cmp_build(const scn_scenario *scn, const var_list *variants, int days, cj_err *err);
void cmp_free(cmp_model *model);

#endif
