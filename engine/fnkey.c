#include "fnkey.h"

#include <lua.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Beyond these the comparison would cost more than it could save. */
enum { MAX_BYTES = 1 << 20, MAX_DEPTH = 64, MAX_OBJECTS = 1 << 16, MAX_KEYS = 1 << 12 };

/* Tags: one byte before every value, so that no two values share bytes. */
enum {
    TAG_NIL = 'n',
    TAG_FALSE = 'f',
    TAG_TRUE = 't',
    TAG_INTEGER = 'i',
    TAG_FLOAT = 'd',
    TAG_STRING = 's',
    TAG_TABLE = 'T',
    TAG_METATABLE = 'm',
    TAG_NO_METATABLE = 'M',
    TAG_LUA_FUNCTION = 'L',
    TAG_C_FUNCTION = 'C',
    TAG_SEEN = 'r', /* a table or function met before: its number */
};

/* Tables and functions already written, numbered in the order met, so that
 * shared ones and cycles are written once and referred to after. */
typedef struct {
    const void **ptr;
    uint32_t *number;
    size_t cap, n;
} seen_set;

typedef struct {
    lua_State *L;
    fnkey *key;
    seen_set seen;
    bool failed;
} writer;

void fnkey_append(fnkey *key, const void *bytes, size_t n)
{
    if (key->len + n > key->cap) {
        size_t cap = key->cap ? key->cap : 256;
        while (cap < key->len + n)
            cap *= 2;
        key->bytes = xrealloc(key->bytes, cap, 1);
        key->cap = cap;
    }
    memcpy(key->bytes + key->len, bytes, n);
    key->len += n;
}

static void put_tag(writer *w, unsigned char tag)
{
    fnkey_append(w->key, &tag, 1);
}

static void put_u64(writer *w, uint64_t x)
{
    fnkey_append(w->key, &x, sizeof x);
}

static size_t slot_of(const void *p, size_t cap)
{
    uint64_t h = (uint64_t)(uintptr_t)p * UINT64_C(0x9e3779b97f4a7c15);
    return (size_t)(h >> 20) & (cap - 1);
}

/* The number of p if met before (true), else numbers it (false). */
static bool seen_before(seen_set *s, const void *p, uint32_t *number)
{
    if (2 * (s->n + 1) > s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 64;
        const void **ptr = xcalloc(cap, sizeof *ptr);
        uint32_t *num = xcalloc(cap, sizeof *num);
        for (size_t i = 0; i < s->cap; i++)
            if (s->ptr[i]) {
                size_t j = slot_of(s->ptr[i], cap);
                while (ptr[j])
                    j = (j + 1) & (cap - 1);
                ptr[j] = s->ptr[i];
                num[j] = s->number[i];
            }
        free(s->ptr);
        free(s->number);
        s->ptr = ptr;
        s->number = num;
        s->cap = cap;
    }
    size_t j = slot_of(p, s->cap);
    for (; s->ptr[j]; j = (j + 1) & (s->cap - 1))
        if (s->ptr[j] == p) {
            *number = s->number[j];
            return true;
        }
    s->ptr[j] = p;
    s->number[j] = (uint32_t)s->n;
    *number = (uint32_t)s->n++;
    return false;
}

static void put_value(writer *w, int index, int depth);

/* A table's key: booleans, numbers and strings only (what a scenario's
 * tables hold); another kind makes the table keyless. The key itself waits
 * on the stack at `slot`, so that reading its value allocates nothing. */
typedef struct {
    int slot;
    int type;
    bool is_integer;
    lua_Integer i;
    lua_Number d;
    const char *s;
    size_t len;
} table_key;

static int compare_keys(const void *pa, const void *pb)
{
    const table_key *a = pa, *b = pb;
    if (a->type != b->type)
        return a->type < b->type ? -1 : 1;
    switch (a->type) {
    case LUA_TBOOLEAN:
        return (int)a->i - (int)b->i;
    case LUA_TNUMBER: {
        if (a->is_integer && b->is_integer)
            return a->i < b->i ? -1 : a->i > b->i;
        double x = a->is_integer ? (double)a->i : a->d, y = b->is_integer ? (double)b->i : b->d;
        if (x != y)
            return x < y ? -1 : 1;
        return (int)a->is_integer - (int)b->is_integer;
    }
    default: {
        size_t n = a->len < b->len ? a->len : b->len;
        int c = memcmp(a->s, b->s, n);
        return c ? c : (a->len > b->len) - (a->len < b->len);
    }
    }
}

/* The keys of the table at `index` (absolute), sorted, into *out, each
 * left on the stack; false when one of them is of another kind or there
 * are too many. Nothing here allocates in Lua: a key is a copy of one the
 * table holds, so no Lua error can interrupt a key half written. */
static bool sorted_keys(writer *w, int index, table_key **out, size_t *n_keys)
{
    lua_State *L = w->L;
    table_key *keys = NULL;
    size_t n = 0, cap = 0;
    lua_pushnil(L);
    while (lua_next(L, index)) {
        lua_pop(L, 1);
        int type = lua_type(L, -1);
        if ((type != LUA_TBOOLEAN && type != LUA_TNUMBER && type != LUA_TSTRING) || n == MAX_KEYS ||
            !lua_checkstack(L, 4)) {
            lua_pop(L, 1);
            free(keys);
            return false;
        }
        lua_pushvalue(L, -1); /* the kept copy below, the iteration's key on top */
        lua_insert(L, -2);
        if (n == cap) {
            cap = cap ? 2 * cap : 16;
            keys = xrealloc(keys, cap, sizeof *keys);
        }
        table_key *k = &keys[n++];
        memset(k, 0, sizeof *k);
        k->slot = lua_gettop(L) - 1;
        k->type = type;
        if (type == LUA_TBOOLEAN) {
            k->i = lua_toboolean(L, -1);
        } else if (type == LUA_TNUMBER) {
            k->is_integer = lua_isinteger(L, -1);
            if (k->is_integer)
                k->i = lua_tointeger(L, -1);
            else
                k->d = lua_tonumber(L, -1);
        } else {
            k->s = lua_tolstring(L, -1, &k->len);
        }
    }
    if (n > 1)
        qsort(keys, n, sizeof *keys, compare_keys);
    *out = keys;
    *n_keys = n;
    return true;
}

static void put_table(writer *w, int index, int depth)
{
    lua_State *L = w->L;
    int top = lua_gettop(L);
    size_t n = 0;
    table_key *keys = NULL;
    if (!sorted_keys(w, index, &keys, &n)) {
        lua_settop(L, top);
        w->failed = true;
        return;
    }
    put_tag(w, TAG_TABLE);
    put_u64(w, n);
    for (size_t i = 0; i < n && !w->failed; i++) {
        put_value(w, keys[i].slot, depth + 1);
        lua_pushvalue(L, keys[i].slot);
        lua_rawget(L, index);
        put_value(w, lua_gettop(L), depth + 1);
        lua_pop(L, 1);
    }
    free(keys);
    lua_settop(L, top);
    if (!w->failed && lua_getmetatable(L, index)) {
        put_tag(w, TAG_METATABLE);
        put_value(w, lua_gettop(L), depth + 1);
        lua_pop(L, 1);
    } else {
        put_tag(w, TAG_NO_METATABLE);
    }
}

static int dump_writer(lua_State *L, const void *p, size_t size, void *ud)
{
    (void)L;
    fnkey_append(ud, p, size);
    return 0;
}

static void put_function(writer *w, int index, int depth)
{
    lua_State *L = w->L;
    if (lua_iscfunction(L, index)) {
        /* The same C function in every Lua state of this process. */
        lua_CFunction f = lua_tocfunction(L, index);
        put_tag(w, TAG_C_FUNCTION);
        fnkey_append(w->key, &f, sizeof f);
    } else {
        /* The code without its debug information: what the calls do. */
        fnkey code = {0};
        lua_pushvalue(L, index);
        int rc = lua_dump(L, dump_writer, &code, 1);
        lua_pop(L, 1);
        if (rc != 0) {
            fnkey_free(&code);
            w->failed = true;
            return;
        }
        put_tag(w, TAG_LUA_FUNCTION);
        put_u64(w, code.len);
        fnkey_append(w->key, code.bytes, code.len);
        fnkey_free(&code);
    }
    int n = 0;
    while (!w->failed && lua_getupvalue(L, index, n + 1)) {
        n++;
        put_value(w, lua_gettop(L), depth + 1);
        lua_pop(L, 1);
    }
    put_u64(w, (uint64_t)n);
}

static void put_value(writer *w, int index, int depth)
{
    lua_State *L = w->L;
    if (w->failed)
        return;
    if (depth > MAX_DEPTH || w->key->len > MAX_BYTES || w->seen.n > MAX_OBJECTS ||
        !lua_checkstack(L, 4)) {
        w->failed = true;
        return;
    }
    switch (lua_type(L, index)) {
    case LUA_TNIL:
        put_tag(w, TAG_NIL);
        return;
    case LUA_TBOOLEAN:
        put_tag(w, lua_toboolean(L, index) ? TAG_TRUE : TAG_FALSE);
        return;
    case LUA_TNUMBER:
        if (lua_isinteger(L, index)) {
            put_tag(w, TAG_INTEGER);
            put_u64(w, (uint64_t)lua_tointeger(L, index));
        } else {
            /* Bit for bit: 0.0 and -0.0 divide differently. */
            double d = lua_tonumber(L, index);
            uint64_t bits;
            memcpy(&bits, &d, sizeof bits);
            put_tag(w, TAG_FLOAT);
            put_u64(w, bits);
        }
        return;
    case LUA_TSTRING: {
        size_t len;
        const char *s = lua_tolstring(L, index, &len);
        put_tag(w, TAG_STRING);
        put_u64(w, len);
        fnkey_append(w->key, s, len);
        return;
    }
    case LUA_TTABLE:
    case LUA_TFUNCTION: {
        uint32_t number;
        if (seen_before(&w->seen, lua_topointer(L, index), &number)) {
            put_tag(w, TAG_SEEN);
            put_u64(w, number);
            return;
        }
        if (lua_type(L, index) == LUA_TTABLE)
            put_table(w, index, depth);
        else
            put_function(w, index, depth);
        return;
    }
    default: /* userdata, threads: what they hold cannot be compared */
        w->failed = true;
        return;
    }
}

bool fnkey_of(lua_State *L, int index, fnkey *key)
{
    key->len = 0;
    writer w = {L, key, {0}, false};
    int top = lua_gettop(L);
    put_value(&w, lua_absindex(L, index), 0);
    lua_settop(L, top);
    free(w.seen.ptr);
    free(w.seen.number);
    return !w.failed;
}

uint64_t fnkey_hash(const fnkey *key)
{
    /* FNV-1a: only to tell keys apart before comparing them byte by byte. */
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (size_t i = 0; i < key->len; i++)
        h = (h ^ key->bytes[i]) * UINT64_C(0x100000001b3);
    return h;
}

bool fnkey_equal(const fnkey *a, const fnkey *b)
{
    return a->len == b->len && (a->len == 0 || memcmp(a->bytes, b->bytes, a->len) == 0);
}

void fnkey_free(fnkey *key)
{
    free(key->bytes);
    *key = (fnkey){0};
}
