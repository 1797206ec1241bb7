/*
 * fnkey — what a probability function can read, as bytes.
 *
 * A probability function is a function of the customer and of the values
 * it can reach: its code, its upvalues, and through them tables, other
 * functions and the scenario's environment. fnkey writes all of that down
 * as canonical bytes, so that two functions in two Lua states (the same
 * file run with two parameter sets) have equal keys exactly when no call
 * could tell them apart: the same bytecode, the same numbers, strings and
 * booleans, the same table shapes and the same C functions. Tables are
 * written with their keys in a fixed order, whatever Lua's hash seed.
 *
 * Values it cannot see into (userdata, threads) and graphs too large to be
 * worth comparing give no key: such a function is computed every time.
 */
#ifndef CJ_FNKEY_H
#define CJ_FNKEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct lua_State lua_State;

typedef struct {
    unsigned char *bytes;
    size_t len, cap;
} fnkey;

/* The key of the value at `index` into key (emptied first); false when it
 * has none. */
bool fnkey_of(lua_State *L, int index, fnkey *key);

/* A 64-bit digest of the key, to find a key among many quickly. */
uint64_t fnkey_hash(const fnkey *key);

bool fnkey_equal(const fnkey *a, const fnkey *b);

/* Appends raw bytes: for the caller's own part of a key. */
void fnkey_append(fnkey *key, const void *bytes, size_t n);

void fnkey_free(fnkey *key);

#endif
