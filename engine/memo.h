/*
 * memo — the values of a scenario's probability functions, kept from one
 * compile for the compiles of the same file with other parameter values.
 *
 * A sweep, an uncertainty analysis, a break-even search or a calibration
 * compiles the same scenario once per parameter set, and most of a compile
 * is calling the probability functions. A function that reads nothing a
 * set changes gives the same values in every set. The memo of the run at
 * the command line's values holds each function's values in every state
 * it was evaluated for, under the function's key (fnkey.h); a later
 * compile takes the values of every function whose key it finds, and calls
 * the others. Every set is compared with the same memo, so what is called
 * does not depend on the order of the sets or on the threads.
 *
 * A memo is written by one compile and then only read, by any number of
 * threads at once.
 */
#ifndef CJ_MEMO_H
#define CJ_MEMO_H

#include <stdbool.h>
#include <stddef.h>

#include "fnkey.h"

/* A function's values over the days in the stage for one state, and what
 * it read of the customer (compile.c's READ_* bits). */
typedef struct {
    double *values;
    int n; /* 0: not kept */
    int reads;
} memo_values;

typedef struct cmp_memo cmp_memo;

/* An empty memo for compiles whose customers look alike (`context`: the
 * days, the personas and their attributes), with n_states states for each
 * function. */
cmp_memo *memo_new(const fnkey *context, size_t n_states);

void memo_free(cmp_memo *memo);

/* Does a compile with this context see the customers the memo's did? */
bool memo_same_context(const cmp_memo *memo, const fnkey *context);

/* The states of the function with this key: added (all empty) when new. */
memo_values *memo_keep(cmp_memo *memo, const fnkey *key);

/* The states of the function with this key, or NULL. */
const memo_values *memo_find(const cmp_memo *memo, const fnkey *key);

/* Keeps a state's values (copied), unless it has them already. */
void memo_put(memo_values *state, const double *values, int n, int reads);

/* How many functions the memo holds. */
size_t memo_functions(const cmp_memo *memo);

#endif
