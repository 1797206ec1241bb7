#include "memo.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

typedef struct {
    fnkey key;
    uint64_t hash;
    memo_values *states;
} memo_function;

struct cmp_memo {
    fnkey context;
    size_t n_states;
    memo_function *functions;
    size_t n_functions;
};

cmp_memo *memo_new(const fnkey *context, size_t n_states)
{
    cmp_memo *memo = xcalloc(1, sizeof *memo);
    fnkey_append(&memo->context, context->bytes, context->len);
    memo->n_states = n_states;
    return memo;
}

void memo_free(cmp_memo *memo)
{
    if (!memo)
        return;
    for (size_t f = 0; f < memo->n_functions; f++) {
        for (size_t s = 0; s < memo->n_states; s++)
            free(memo->functions[f].states[s].values);
        free(memo->functions[f].states);
        fnkey_free(&memo->functions[f].key);
    }
    free(memo->functions);
    fnkey_free(&memo->context);
    free(memo);
}

bool memo_same_context(const cmp_memo *memo, const fnkey *context)
{
    return fnkey_equal(&memo->context, context);
}

/* A scenario has tens of functions: a scan with the hash first is enough. */
static memo_function *find(const cmp_memo *memo, const fnkey *key, uint64_t hash)
{
    for (size_t f = 0; f < memo->n_functions; f++)
        if (memo->functions[f].hash == hash && fnkey_equal(&memo->functions[f].key, key))
            return &memo->functions[f];
    return NULL;
}

memo_values *memo_keep(cmp_memo *memo, const fnkey *key)
{
    uint64_t hash = fnkey_hash(key);
    memo_function *found = find(memo, key, hash);
    if (found)
        return found->states;
    memo_function *f = xgrow(&memo->functions, &memo->n_functions, sizeof *f);
    fnkey_append(&f->key, key->bytes, key->len);
    f->hash = hash;
    f->states = xcalloc(memo->n_states, sizeof *f->states);
    return f->states;
}

const memo_values *memo_find(const cmp_memo *memo, const fnkey *key)
{
    const memo_function *f = find(memo, key, fnkey_hash(key));
    return f ? f->states : NULL;
}

void memo_put(memo_values *state, const double *values, int n, int reads)
{
    if (state->n || n <= 0)
        return;
    state->values = xmalloc((size_t)n * sizeof *state->values);
    memcpy(state->values, values, (size_t)n * sizeof *values);
    state->n = n;
    state->reads = reads;
}

size_t memo_functions(const cmp_memo *memo)
{
    return memo->n_functions;
}
