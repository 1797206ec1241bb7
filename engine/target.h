/*
 * target — what a shop observed, to hold a scenario against.
 *
 * Owns `target "name" { stage = S, reached = K, of = N, by_day = D,
 * persona = P }` (or buyers = K, repeat_buyers = K or
 * repeat_buyers_in_window = K, instead of stage and reached): K of N
 * customers reached a stage, bought, bought at least twice, or bought a
 * second time within the scenario's repeat_window days of the first, by the
 * end of the run or by day D, among everyone or one persona.
 * The declarations are checked as the file runs (keys, counts) and kept
 * in scn_scenario; target_eval.c resolves stages and personas once the
 * file has run, and holds targets against runs. The binomial figures of a
 * target are here: the log-likelihood of the observed count under a share,
 * and z = (K - N p) / sqrt(N p (1 - p)), how many binomial standard
 * deviations the observed count lies above the count the model expects.
 */
#ifndef CJ_TARGET_H
#define CJ_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"

typedef struct lua_State lua_State;
typedef enum {
    TGT_REACHED,       /* reached = K: entered `stage` at least once */
    TGT_BUYERS,        /* buyers = K: bought at least once */
    TGT_REPEAT_BUYERS, /* repeat_buyers = K: bought at least twice */
    TGT_REPEAT_WINDOW, /* repeat_buyers_in_window = K: the second purchase came
                        * at most repeat_window days after the first */
} tgt_kind;

typedef struct {
    char *name;
    char *file;
    int line;
    tgt_kind kind;
    char *stage_name;   /* TGT_REACHED */
    int stage;          /* resolved by tgt_resolve */
    char *persona_name; /* NULL: every customer */
    int persona;        /* -1: every customer */
    int by_day;         /* 0: by the end of the run */
    int64_t observed, of;
    int window; /* TGT_REPEAT_WINDOW: the scenario's repeat_window (tgt_resolve) */
} tgt_target;

typedef struct {
    tgt_target *items;
    size_t n;
} tgt_list;

/* Installs `target` as a global (dsl.c). */
void tgt_open(lua_State *L);

/* From now on `target` records into list. */
void tgt_bind(lua_State *L, tgt_list *list);

void tgt_list_free(tgt_list *list);

/* The targets for `check`: name, what was counted, K of N and the share;
 * nothing when the scenario declares none. */
void tgt_print_declared(FILE *f, const tgt_list *list);

/* What a target's count reads in words: "reached 'cart'", "bought twice or
 * more", with " by day 30" and " (beginner)" as given. */
void tgt_describe(const tgt_target *t, char *buf, size_t size);
/* The same in the reader's language, for the console and the report. */
void tgt_describe_local(const tgt_target *t, char *buf, size_t size);

/* The latest by_day of the targets that a run counts by day and stage
 * (reached) or by day alone (repeat_buyers_in_window), or 0 when none
 * does: a run keeps those counts for days 0 … this day only. */
int tgt_days_counted(const tgt_list *list);

/* Does a target count first entries into `stage` by day? */
bool tgt_counts_stage_by_day(const tgt_list *list, int stage);

/* The binomial log-likelihood of k of n at share p (ln C(n, k) included);
 * p is kept inside [1e-12, 1 - 1e-12] so that a zero share is a large
 * penalty, not minus infinity. */
double tgt_binomial_loglik(int64_t k, int64_t n, double p);

/* z of k of n under share p; NaN when p(1 - p) is 0 and k differs from np. */
double tgt_z(int64_t k, int64_t n, double p);

#endif
