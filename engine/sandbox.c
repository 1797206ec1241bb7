#include "sandbox.h"

#include <errno.h>
#include <lauxlib.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <sys/time.h>
#include <unistd.h>
#include <lua.h>
#include <lualib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "format.h"
#include "rng.h"
#include "i18n.h"
#include "luamsg.h"

/* The hook runs every this many instructions until the cap is hit. */
enum { HOOK_EVERY = 1000 };

/* math.random's stream: a stream id no customer block uses. */
static const uint64_t RANDOM_STREAM = UINT64_C(0x7fffffffffffffff);

typedef struct {
    size_t used, max_memory;
    bool memory_exceeded;
    uint64_t instructions, max_instructions;
    bool instructions_exceeded;
    /* The deadline of sbx_set_deadline (max_seconds 0: none), checked with
     * the instructions; past it, late stops the scenario as the count does. */
    unsigned max_seconds;
    struct timespec deadline;
    bool late;
    lua_Integer objects; /* the last number tostring gave an object */
    rng_t random;
} sandbox;

static sandbox *sbx_of(lua_State *L)
{
    void *ud;
    lua_getallocf(L, &ud);
    return ud;
}

/* Lua's allocator contract (lua_Alloc) with a running total: past the cap
 * it returns NULL, which Lua turns into a "not enough memory" error. */
static void *sbx_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    sandbox *s = ud;
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        free(ptr);
        s->used -= old;
        return NULL;
    }
    if (nsize > old && nsize - old > s->max_memory - s->used) {
        s->memory_exceeded = true;
        return NULL;
    }
    void *p = realloc(ptr, nsize);
    if (!p)
        return NULL;
    s->used = s->used - old + nsize;
    return p;
}

/* "file:line:" of the running Lua function, or "" inside C. */
static void current_where(lua_State *L, int level, char *buf, size_t size)
{
    lua_Debug ar;
    buf[0] = '\0';
    for (; lua_getstack(L, level, &ar); level++) {
        lua_getinfo(L, "Sl", &ar);
        if (ar.currentline > 0) {
            snprintf(buf, size, "%s:%d: ", ar.short_src, ar.currentline);
            return;
        }
    }
}

/* Set from a signal handler by sbx_interrupt; read by the hook and the
 * watchdog. */
static volatile sig_atomic_t interrupted;

static bool past_deadline(const sandbox *s)
{
    if (!s->max_seconds)
        return false;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec > s->deadline.tv_sec ||
           (now.tv_sec == s->deadline.tv_sec && now.tv_nsec >= s->deadline.tv_nsec);
}

/* Has a limit stopped the scenario for good? */
static bool stopped(const sandbox *s)
{
    return s->instructions_exceeded || s->late;
}

static void sbx_count_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    if (interrupted) {
        /* Like the instruction limit: every instruction fails from now on. */
        lua_sethook(L, sbx_count_hook, LUA_MASKCOUNT, 1);
        lua_pushstring(L, "interrupted");
        lua_error(L);
    }
    sandbox *s = sbx_of(L);
    if (!stopped(s)) {
        s->instructions += HOOK_EVERY;
        if (s->instructions > s->max_instructions)
            s->instructions_exceeded = true;
        else if (past_deadline(s))
            s->late = true;
        else
            return;
        /* From now on every instruction fails, also right after a pcall. */
        lua_sethook(L, sbx_count_hook, LUA_MASKCOUNT, 1);
    }
    char where[512];
    current_where(L, 0, where, sizeof where);
    if (s->instructions_exceeded)
        lua_pushfstring(L, _("%sthe scenario ran more than %I Lua instructions"), where,
                        (lua_Integer)s->max_instructions);
    else
        lua_pushfstring(L,
                        ngettext("%sloading the scenario took more than %d second (a runaway "
                                 "loop?); raise the limit with --lua-seconds N",
                                 "%sloading the scenario took more than %d seconds (a runaway "
                                 "loop?); raise the limit with --lua-seconds N",
                                 (unsigned long)s->max_seconds),
                        where, (int)s->max_seconds);
    lua_error(L);
}

/*
 * Deterministic traversal. Lua 5.4 seeds its string hashes per process, so
 * the order lua_next visits a table's keys changes from run to run, and a
 * scenario that declares stages in a pairs loop would change with it. The
 * sandbox's next and pairs visit keys in a defined order instead: numbers in
 * numeric order (a list's 1..n after any zero or negative keys), then strings byte by byte,
 * then false and true. A table with another kind of key (a table, a
 * function) has no such order, and traversing it is an error.
 *
 * next(t, nil) finds the least key in one pass; next(t, k) sorts a snapshot
 * of t's keys the first time, kept in a weak table until the traversal
 * ends, and finds the first key after k in it by binary search, so a key
 * whose value was set to nil during the loop still leads on.
 */
#define ORDER_KEY "cjmsim.order"
/* Registry key of the set of files the scenario runs (sbx_load_file). */
#define SOURCES_KEY "cjmsim.sources"

typedef struct {
    int type;        /* LUA_TNUMBER, LUA_TSTRING or LUA_TBOOLEAN */
    bool is_integer;
    lua_Integer i;
    lua_Number n;
    const char *s;   /* anchored by the snapshot's key list */
    size_t len;
    int slot;        /* index of the key in that list */
} order_key;

typedef struct {
    size_t n;
    order_key keys[];
} order_snapshot;

static int type_rank(int type)
{
    return type == LUA_TNUMBER ? 0 : type == LUA_TSTRING ? 1 : 2;
}

/* An integer against a float, exactly (no rounding of either). */
static int cmp_int_float(lua_Integer i, lua_Number f)
{
    if (f >= 0x1p63)
        return -1;
    if (f < -0x1p63)
        return 1;
    lua_Number fl = floor(f);
    lua_Integer fi = (lua_Integer)fl;
    if (i != fi)
        return i < fi ? -1 : 1;
    return f > fl ? -1 : 0;
}

static int cmp_keys(const order_key *a, const order_key *b)
{
    if (a->type != b->type)
        return type_rank(a->type) < type_rank(b->type) ? -1 : 1;
    switch (a->type) {
    case LUA_TNUMBER:
        if (a->is_integer && b->is_integer)
            return a->i < b->i ? -1 : a->i > b->i;
        if (a->is_integer)
            return cmp_int_float(a->i, b->n);
        if (b->is_integer)
            return -cmp_int_float(b->i, a->n);
        return a->n < b->n ? -1 : a->n > b->n;
    case LUA_TSTRING: {
        int c = memcmp(a->s, b->s, a->len < b->len ? a->len : b->len);
        if (c)
            return c < 0 ? -1 : 1;
        return a->len < b->len ? -1 : a->len > b->len;
    }
    default:
        return a->i < b->i ? -1 : a->i > b->i;
    }
}

static int cmp_keys_qsort(const void *a, const void *b)
{
    return cmp_keys(a, b);
}

/* Describes the key at idx; false when it has no defined order. */
static bool order_key_at(lua_State *L, int idx, order_key *k)
{
    memset(k, 0, sizeof *k);
    k->type = lua_type(L, idx);
    switch (k->type) {
    case LUA_TNUMBER:
        k->is_integer = lua_isinteger(L, idx);
        if (k->is_integer)
            k->i = lua_tointeger(L, idx);
        else
            k->n = lua_tonumber(L, idx);
        return true;
    case LUA_TSTRING:
        k->s = lua_tolstring(L, idx, &k->len);
        return true;
    case LUA_TBOOLEAN:
        k->i = lua_toboolean(L, idx);
        return true;
    default:
        return false;
    }
}

static int no_order(lua_State *L, int key)
{
    return luaL_error(L,
                      _("pairs/next: a table with a %s as a key has no defined order; a "
                        "scenario traverses tables whose keys are numbers, strings or booleans"),
                      luaL_typename(L, key));
}

/* Pushes a new snapshot of the keys of the table at t, sorted. */
static order_snapshot *order_snapshot_new(lua_State *L, int t)
{
    size_t n = 0;
    lua_newtable(L); /* the keys in lua_next order, anchoring the strings */
    int list = lua_gettop(L);
    lua_pushnil(L);
    while (lua_next(L, t)) {
        lua_pop(L, 1);
        int type = lua_type(L, -1);
        if (type != LUA_TNUMBER && type != LUA_TSTRING && type != LUA_TBOOLEAN)
            no_order(L, -1);
        lua_pushvalue(L, -1);
        lua_rawseti(L, list, (lua_Integer)++n);
    }
    order_snapshot *snap = lua_newuserdatauv(L, sizeof *snap + n * sizeof snap->keys[0], 1);
    snap->n = n;
    for (size_t i = 0; i < n; i++) {
        lua_rawgeti(L, list, (lua_Integer)i + 1);
        order_key_at(L, -1, &snap->keys[i]);
        snap->keys[i].slot = (int)i + 1;
        lua_pop(L, 1);
    }
    qsort(snap->keys, n, sizeof snap->keys[0], cmp_keys_qsort);
    lua_pushvalue(L, list);
    lua_setiuservalue(L, -2, 1);
    lua_remove(L, list);
    return snap;
}

/*
 * next(t, nil): the least key, found in one pass without a snapshot, so
 * that `next(t) == nil` stays cheap. A snapshot left by a traversal that
 * stopped early goes: the table may have changed since.
 */
static int first_key(lua_State *L, int cache)
{
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    lua_rawset(L, cache);
    lua_pushnil(L); /* the least key so far, which anchors min.s */
    int least = lua_gettop(L);
    order_key min, k;
    bool any = false;
    lua_pushnil(L);
    while (lua_next(L, 1)) {
        lua_pop(L, 1);
        if (!order_key_at(L, -1, &k))
            return no_order(L, -1);
        if (!any || cmp_keys(&k, &min) < 0) {
            lua_pushvalue(L, -1);
            lua_replace(L, least);
            order_key_at(L, least, &min);
            any = true;
        }
    }
    if (!any) {
        lua_pushnil(L);
        return 1;
    }
    lua_pushvalue(L, least);
    lua_pushvalue(L, least);
    lua_rawget(L, 1);
    return 2;
}

static int sbx_next(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 2);
    lua_getfield(L, LUA_REGISTRYINDEX, ORDER_KEY);
    int cache = lua_gettop(L);
    if (lua_isnil(L, 2))
        return first_key(L, cache);
    order_snapshot *snap = NULL;
    lua_pushvalue(L, 1);
    if (lua_rawget(L, cache) == LUA_TUSERDATA)
        snap = lua_touserdata(L, -1);
    else
        lua_pop(L, 1);
    if (!snap) {
        snap = order_snapshot_new(L, 1);
        lua_pushvalue(L, 1);
        lua_pushvalue(L, -2);
        lua_rawset(L, cache);
    }
    int record = lua_gettop(L);
    lua_getiuservalue(L, record, 1);
    int list = lua_gettop(L);
    order_key k;
    if (!order_key_at(L, 2, &k))
        return luaL_error(L, _("invalid key to 'next'"));
    size_t i = 0, hi = snap->n; /* the first key greater than k */
    while (i < hi) {
        size_t mid = i + (hi - i) / 2;
        if (cmp_keys(&snap->keys[mid], &k) <= 0)
            i = mid + 1;
        else
            hi = mid;
    }
    for (; i < snap->n; i++) {
        lua_rawgeti(L, list, snap->keys[i].slot);
        lua_pushvalue(L, -1);
        if (lua_rawget(L, 1) != LUA_TNIL)
            return 2;
        lua_pop(L, 2);
    }
    lua_pushvalue(L, 1); /* the traversal is over: its snapshot goes */
    lua_pushnil(L);
    lua_rawset(L, cache);
    lua_pushnil(L);
    return 1;
}

/* pairs(t): a __pairs metamethod as in Lua, else the ordered next. */
static int sbx_pairs(lua_State *L)
{
    luaL_checkany(L, 1);
    if (luaL_getmetafield(L, 1, "__pairs") == LUA_TNIL) {
        lua_pushcfunction(L, sbx_next);
        lua_pushvalue(L, 1);
        lua_pushnil(L);
    } else {
        lua_pushvalue(L, 1);
        lua_call(L, 1, 3);
    }
    return 3;
}

/*
 * tostring without addresses, which change from run to run: a table,
 * function or other object reads "table: 1", "function: 2", ..., numbered in
 * the order the scenario first turns each into text. __tostring and __name
 * work as in Lua.
 */
#define IDS_KEY "cjmsim.ids"

static lua_Integer object_id(lua_State *L, int idx)
{
    lua_getfield(L, LUA_REGISTRYINDEX, IDS_KEY);
    lua_pushvalue(L, idx);
    lua_Integer id;
    if (lua_rawget(L, -2) == LUA_TNUMBER) {
        id = lua_tointeger(L, -1);
    } else {
        id = ++sbx_of(L)->objects;
        lua_pushvalue(L, idx);
        lua_pushinteger(L, id);
        lua_rawset(L, -4);
    }
    lua_pop(L, 2);
    return id;
}

/* luaL_tolstring without addresses: pushes the text and returns it. */
static const char *sbx_tolstring(lua_State *L, int idx, size_t *len)
{
    idx = lua_absindex(L, idx);
    switch (lua_type(L, idx)) {
    case LUA_TNIL:
    case LUA_TBOOLEAN:
    case LUA_TNUMBER:
    case LUA_TSTRING:
        return luaL_tolstring(L, idx, len);
    default:
        break;
    }
    if (luaL_getmetafield(L, idx, "__tostring") != LUA_TNIL) {
        lua_pop(L, 1);
        return luaL_tolstring(L, idx, len); /* calls it and checks the result */
    }
    lua_Integer id = object_id(L, idx);
    int name = luaL_getmetafield(L, idx, "__name");
    if (name == LUA_TSTRING) {
        lua_pushfstring(L, "%s: %I", lua_tostring(L, -1), id);
    } else {
        lua_pushfstring(L, "%s: %I", luaL_typename(L, idx), id);
    }
    if (name != LUA_TNIL)
        lua_remove(L, -2);
    return lua_tolstring(L, -1, len);
}

static int sbx_tostring(lua_State *L)
{
    luaL_checkany(L, 1);
    sbx_tolstring(L, 1, NULL);
    return 1;
}

/*
 * string.format with %s written by the tostring above, and without %p,
 * whose addresses would change from run to run. Upvalue 1 is Lua's own.
 */
static int sbx_format(lua_State *L)
{
    size_t len;
    const char *fmt = luaL_checklstring(L, 1, &len);
    int top = lua_gettop(L), arg = 1;
    for (size_t i = 0; i < len; i++) {
        if (fmt[i] != '%')
            continue;
        if (++i < len && fmt[i] == '%')
            continue;
        while (i < len && strchr("-+ #0123456789.", fmt[i]))
            i++;
        if (i >= len)
            break; /* Lua's format reports the broken conversion */
        arg++;
        if (fmt[i] == 'p')
            return luaL_error(L, _("string.format: %%p is not available in a scenario: addresses "
                                   "change from run to run"));
        if (fmt[i] == 's' && arg <= top && lua_type(L, arg) != LUA_TSTRING &&
            lua_type(L, arg) != LUA_TNUMBER) {
            sbx_tolstring(L, arg, NULL);
            lua_replace(L, arg);
        }
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, top, 1);
    return 1;
}

/* print goes to stderr: stdout carries the run's summary. Control
 * characters are escaped (format.h); newlines and tabs stay. */
/* One line at a time: the scenarios of a sweep's or an uncertainty
 * analysis's threads print at once, and their lines must not mix. The
 * values become text first, because a __tostring may raise, which must not
 * happen while stderr is locked. */
static int sbx_print(lua_State *L)
{
    int n = lua_gettop(L);
    for (int i = 1; i <= n; i++) {
        sbx_tolstring(L, i, NULL);
        lua_replace(L, i);
    }
    flockfile(stderr);
    for (int i = 1; i <= n; i++) {
        size_t len;
        const char *s = lua_tolstring(L, i, &len);
        if (i > 1)
            fputc('\t', stderr);
        fmt_terminal_write(stderr, s, len, true);
    }
    fputc('\n', stderr);
    funlockfile(stderr);
    return 0;
}

/* The nearest Lua code read from a file (a chunk named "@path"), past the
 * code that load made; false when there is none. */
static bool file_where(lua_State *L, int level, const char **file, int *line)
{
    lua_Debug ar;
    for (; lua_getstack(L, level, &ar); level++) {
        lua_getinfo(L, "Sl", &ar);
        if (ar.source[0] == '@' && ar.currentline > 0) {
            *file = ar.source + 1;
            *line = ar.currentline;
            return true;
        }
    }
    return false;
}

/*
 * The name of a chunk made by load: "=path:12: load", after the file and
 * line that called load, so that its errors read "path:12: load:3: ...".
 * The "=" keeps Lua from reading it as a file name; a path too long for
 * Lua's LUA_IDSIZE keeps its tail after "...", as Lua shortens file names.
 */
static void chunk_name(lua_State *L, char *buf, size_t size)
{
    const char *file;
    int line;
    if (!file_where(L, 1, &file, &line)) {
        snprintf(buf, size, "=load");
        return;
    }
    char tail[40];
    int n = snprintf(tail, sizeof tail, ":%d: load", line);
    size_t len = strlen(file), room = size - 2 - (size_t)n; /* "=" and the NUL */
    if (len <= room)
        snprintf(buf, size, "=%s%s", file, tail);
    else
        snprintf(buf, size, "=...%s%s", file + len - (room - 3), tail);
}

/*
 * load(chunk [, name [, mode [, env]]]) for text chunks only. The chunk is
 * named by chunk_name whatever name it is given: code cannot pass for
 * another file, and its errors name the scenario. Without env it runs in
 * upvalue 1 when there is one (a persona file's environment), else in the
 * globals.
 */
static int sbx_load(lua_State *L)
{
    size_t len;
    const char *chunk = luaL_checklstring(L, 1, &len);
    luaL_optstring(L, 2, NULL);
    int has_env = !lua_isnone(L, 4);
    char name[LUA_IDSIZE];
    chunk_name(L, name, sizeof name);
    int status = luaL_loadbufferx(L, chunk, len, name, "t");
    if (status != LUA_OK) {
        lua_pushnil(L);
        lua_insert(L, -2);
        return 2;
    }
    if (has_env)
        lua_pushvalue(L, 4);
    else if (!lua_isnone(L, lua_upvalueindex(1)))
        lua_pushvalue(L, lua_upvalueindex(1));
    else
        return 1;
    if (!lua_setupvalue(L, -2, 1))
        lua_pop(L, 1);
    return 1;
}

/*
 * The message handler of the scenario's xpcall. An error raised by the
 * instruction limit comes from inside the count hook, where Lua runs any
 * message handler with hooks off: a handler that loops would then never be
 * stopped. So past the limit the scenario's handler is not called at all.
 */
static int sbx_xpcall_handler(lua_State *L)
{
    if (stopped(sbx_of(L)) || interrupted)
        return 1;
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

static int sbx_xpcall_finish(lua_State *L, int status, lua_KContext extra)
{
    if (status != LUA_OK && status != LUA_YIELD) {
        lua_pushboolean(L, 0);
        lua_pushvalue(L, -2);
        return 2;
    }
    return lua_gettop(L) - (int)extra;
}

/* xpcall(f, handler, ...) with the handler wrapped as above. */
static int sbx_xpcall(lua_State *L)
{
    int n = lua_gettop(L);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_pushvalue(L, 2);
    lua_pushcclosure(L, sbx_xpcall_handler, 1);
    lua_replace(L, 2);
    lua_pushboolean(L, 1);
    lua_pushvalue(L, 1);
    lua_rotate(L, 3, 2);
    int status = lua_pcallk(L, n - 2, LUA_MULTRET, 2, 2, sbx_xpcall_finish);
    return sbx_xpcall_finish(L, status, 2);
}

/* setmetatable without __gc: finalizers run with hooks off, out of the
 * instruction limit's reach. */
static int sbx_setmetatable(lua_State *L)
{
    int type = lua_type(L, 2);
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_argexpected(L, type == LUA_TNIL || type == LUA_TTABLE, 2, "nil or table");
    if (type == LUA_TTABLE) {
        lua_pushstring(L, "__gc");
        if (lua_rawget(L, 2) != LUA_TNIL)
            return luaL_error(L, _("__gc metamethods are not available in a scenario"));
        lua_pop(L, 1);
    }
    if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL)
        return luaL_error(L, _("cannot change a protected metatable"));
    lua_settop(L, 2);
    lua_setmetatable(L, 1);
    return 1;
}

/* A uniform integer in [0, range) by rejection, so no value is favoured. */
static uint64_t random_below(rng_t *rng, uint64_t range)
{
    uint64_t limit = UINT64_MAX - UINT64_MAX % range;
    for (;;) {
        uint64_t x = (uint64_t)rng_next(rng) << 32 | rng_next(rng);
        if (x < limit)
            return x % range;
    }
}

/* math.random with Lua's signature, drawing from cjmsim's generator. */
static int sbx_random(lua_State *L)
{
    rng_t *rng = &sbx_of(L)->random;
    lua_Integer low, high;
    switch (lua_gettop(L)) {
    case 0: {
        uint64_t bits = ((uint64_t)rng_next(rng) << 32 | rng_next(rng)) >> 11;
        lua_pushnumber(L, (lua_Number)bits * 0x1.0p-53);
        return 1;
    }
    case 1:
        low = 1;
        high = luaL_checkinteger(L, 1);
        break;
    case 2:
        low = luaL_checkinteger(L, 1);
        high = luaL_checkinteger(L, 2);
        break;
    default:
        return luaL_error(L, _("wrong number of arguments to 'random'"));
    }
    luaL_argcheck(L, low <= high, lua_gettop(L), "interval is empty");
    uint64_t range = (uint64_t)high - (uint64_t)low + 1;
    uint64_t x = range ? random_below(rng, range) : ((uint64_t)rng_next(rng) << 32 | rng_next(rng));
    lua_pushinteger(L, (lua_Integer)((uint64_t)low + x));
    return 1;
}

static int sbx_randomseed(lua_State *L)
{
    return luaL_error(L, _("math.randomseed is not available: math.random follows the run's "
                           "--seed"));
}

static int sbx_dump_denied(lua_State *L)
{
    return luaL_error(L, _("'string.dump' is not available in a scenario: binary chunks are "
                           "refused"));
}

/* Only os.clock is left in os; the rest of os reaches processes and files. */
static int sbx_os_denied(lua_State *L)
{
    const char *name = lua_tostring(L, 2);
    return luaL_error(L, _("'os.%s' is not available in a scenario: only os.clock is"),
                      name ? name : "?");
}

static int sbx_clock(lua_State *L)
{
    lua_pushnumber(L, (lua_Number)clock() / (lua_Number)CLOCKS_PER_SEC);
    return 1;
}

static const luaL_Reg SAFE_LIBS[] = {
    {LUA_GNAME, luaopen_base},       {LUA_TABLIBNAME, luaopen_table},
    {LUA_STRLIBNAME, luaopen_string}, {LUA_MATHLIBNAME, luaopen_math},
    {LUA_UTF8LIBNAME, luaopen_utf8},  {NULL, NULL},
};

/* Base functions that reach files or the collector (sbx_undefined_global
 * says why they are missing). */
static const char *const DENIED_BASE[] = {"dofile", "loadfile", "collectgarbage", NULL};

static void set_field_function(lua_State *L, const char *table, const char *name,
                               lua_CFunction fn)
{
    lua_getglobal(L, table);
    lua_pushcfunction(L, fn);
    lua_setfield(L, -2, name);
    lua_pop(L, 1);
}

/* A registry table with weak keys, for what the sandbox notes about the
 * scenario's objects. */
static void weak_registry_table(lua_State *L, const char *key)
{
    lua_newtable(L);
    lua_createtable(L, 0, 1);
    lua_pushliteral(L, "k");
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
    lua_setfield(L, LUA_REGISTRYINDEX, key);
}

/* Hides the metatable at the top of the stack from getmetatable, so that
 * code cannot change what it holds (the string library behind ("x"):upper
 * is shared by every environment). */
static void protect_metatable(lua_State *L)
{
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
}

static int sbx_open(lua_State *L)
{
    for (const luaL_Reg *lib = SAFE_LIBS; lib->func; lib++) {
        luaL_requiref(L, lib->name, lib->func, 1);
        lua_pop(L, 1);
    }
    for (const char *const *name = DENIED_BASE; *name; name++) {
        lua_pushnil(L);
        lua_setglobal(L, *name);
    }
    weak_registry_table(L, ORDER_KEY);
    weak_registry_table(L, IDS_KEY);
    lua_newtable(L);
    lua_setfield(L, LUA_REGISTRYINDEX, SOURCES_KEY);
    lua_pushcfunction(L, sbx_print);
    lua_setglobal(L, "print");
    lua_pushcfunction(L, sbx_load);
    lua_setglobal(L, "load");
    lua_pushcfunction(L, sbx_xpcall);
    lua_setglobal(L, "xpcall");
    lua_pushcfunction(L, sbx_setmetatable);
    lua_setglobal(L, "setmetatable");
    lua_pushcfunction(L, sbx_next);
    lua_setglobal(L, "next");
    lua_pushcfunction(L, sbx_pairs);
    lua_setglobal(L, "pairs");
    lua_pushcfunction(L, sbx_tostring);
    lua_setglobal(L, "tostring");
    lua_getglobal(L, LUA_STRLIBNAME);
    lua_getfield(L, -1, "format");
    lua_pushcclosure(L, sbx_format, 1);
    lua_setfield(L, -2, "format");
    lua_pop(L, 1);
    lua_pushliteral(L, "");
    lua_getmetatable(L, -1);
    protect_metatable(L);
    lua_pop(L, 2);
    set_field_function(L, LUA_STRLIBNAME, "dump", sbx_dump_denied);
    set_field_function(L, LUA_MATHLIBNAME, "random", sbx_random);
    set_field_function(L, LUA_MATHLIBNAME, "randomseed", sbx_randomseed);
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, sbx_clock);
    lua_setfield(L, -2, "clock");
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, sbx_os_denied);
    lua_setfield(L, -2, "__index");
    protect_metatable(L);
    lua_setmetatable(L, -2);
    lua_setglobal(L, "os");
    return 0;
}

static unsigned deadline_seconds;

void sbx_set_deadline(unsigned seconds)
{
    deadline_seconds = seconds;
}

lua_State *sbx_new(const sbx_limits *limits)
{
    sandbox *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->max_memory = limits->max_memory ? limits->max_memory
                                       : (size_t)SBX_DEFAULT_MEMORY_MB * 1024 * 1024;
    s->max_instructions =
        limits->max_instructions ? limits->max_instructions : SBX_DEFAULT_INSTRUCTIONS;
    rng_seed(&s->random, limits->random_seed, RANDOM_STREAM);
    s->max_seconds = deadline_seconds;
    clock_gettime(CLOCK_MONOTONIC, &s->deadline);
    s->deadline.tv_sec += (time_t)s->max_seconds;
    lua_State *L = lua_newstate(sbx_alloc, s);
    if (!L) {
        free(s);
        return NULL;
    }
    lua_sethook(L, sbx_count_hook, LUA_MASKCOUNT, HOOK_EVERY);
    lua_pushcfunction(L, sbx_open);
    if (lua_pcall(L, 0, 0, 0) != LUA_OK) {
        sbx_close(L);
        return NULL;
    }
    return L;
}

void sbx_close(lua_State *L)
{
    if (!L)
        return;
    sandbox *s = sbx_of(L);
    lua_close(L);
    free(s);
}

/* Notes path as a file the scenario runs: an error message that starts
 * with it already names its place. */
static int register_source(lua_State *L)
{
    lua_getfield(L, LUA_REGISTRYINDEX, SOURCES_KEY);
    lua_pushstring(L, lua_touserdata(L, 1));
    lua_pushboolean(L, 1);
    lua_rawset(L, -3);
    return 0;
}

int sbx_load_file(lua_State *L, const char *path)
{
    lua_pushcfunction(L, register_source);
    lua_pushlightuserdata(L, (void *)(uintptr_t)path); /* only read */
    if (lua_pcall(L, 1, 0, 0) != LUA_OK)
        lua_pop(L, 1); /* out of memory: loading the file reports it next */
    return luaL_loadfilex(L, path, "t");
}

bool sbx_exhausted(lua_State *L)
{
    const sandbox *s = sbx_of(L);
    return s->memory_exceeded || stopped(s) || interrupted;
}

/* Names a scenario may reach for, and why it cannot have them. */
static const struct {
    const char *name;
    const char *reason;
} DENIED_GLOBALS[] = {
    {"io", N_("a scenario cannot read or write files")},
    {"dofile", N_("a scenario cannot read other files")},
    {"loadfile", N_("a scenario cannot read other files")},
    {"require", N_("a scenario cannot load modules")},
    {"package", N_("a scenario cannot load modules")},
    {"debug", N_("the debug library could break out of the sandbox")},
    {"collectgarbage", N_("cjmsim manages the scenario's memory")},
    {"coroutine", N_("probabilities are plain functions of the customer")},
};

static int sbx_undefined_global(lua_State *L)
{
    const char *name = lua_tostring(L, 2);
    if (!name)
        return luaL_error(L, _("undefined global"));
    for (size_t i = 0; i < sizeof DENIED_GLOBALS / sizeof DENIED_GLOBALS[0]; i++)
        if (strcmp(name, DENIED_GLOBALS[i].name) == 0)
            return luaL_error(L, _("'%s' is not available in a scenario: %s"), name,
                              _(DENIED_GLOBALS[i].reason));
    return luaL_error(L, _("undefined global '%s' (a typo, or a local declared further down?)"),
                      name);
}

static int sbx_new_global(lua_State *L)
{
    const char *name = lua_tostring(L, 2);
    return luaL_error(L, _("cannot create the global '%s': declare it local (local %s = ...)"),
                      name ? name : "?", name ? name : "x");
}

void sbx_seal_globals(lua_State *L)
{
    lua_pushglobaltable(L);
    lua_createtable(L, 0, 3);
    lua_pushcfunction(L, sbx_undefined_global);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, sbx_new_global);
    lua_setfield(L, -2, "__newindex");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
    lua_pop(L, 1);
}

/* Does msg start with "P:N:" or "...tail-of-P:N:" for a file P the
 * scenario runs? Then it already says where it comes from. */
static bool names_a_file(lua_State *L, const char *msg)
{
    bool found = false;
    lua_getfield(L, LUA_REGISTRYINDEX, SOURCES_KEY);
    lua_pushnil(L);
    while (!found && lua_next(L, -2)) {
        lua_pop(L, 1);
        size_t len;
        const char *path = lua_tolstring(L, -1, &len);
        const char *rest = NULL;
        if (strncmp(msg, path, len) == 0) {
            rest = msg + len;
        } else if (strncmp(msg, "...", 3) == 0) {
            size_t k = strcspn(msg + 3, ":");
            if (k > 0 && k < len && memcmp(msg + 3, path + len - k, k) == 0)
                rest = msg + 3 + k;
        }
        found = rest && rest[0] == ':' && rest[1] >= '0' && rest[1] <= '9';
    }
    lua_pop(L, found ? 2 : 1);
    return found;
}

static int call_tostring(lua_State *L)
{
    luaL_tolstring(L, 1, NULL);
    return 1;
}

/*
 * The handler of every sbx_pcall: the error gets the file and line it was
 * raised at when it does not name one (error("...", 0), an error object). An
 * object's __tostring runs protected, as it may fail in turn; past a broken
 * limit it does not run at all.
 */
static int sbx_message_handler(lua_State *L)
{
    char where[512];
    current_where(L, 1, where, sizeof where);
    if (lua_type(L, 1) == LUA_TSTRING) {
        if (where[0] && !names_a_file(L, lua_tostring(L, 1)))
            lua_pushfstring(L, "%s%s", where, lua_tostring(L, 1));
        return 1;
    }
    if (!sbx_exhausted(L) && luaL_getmetafield(L, 1, "__tostring") != LUA_TNIL) {
        lua_pop(L, 1);
        lua_pushcfunction(L, call_tostring);
        lua_pushvalue(L, 1);
        int status = lua_pcall(L, 1, 1, 0);
        if (status == LUA_OK) {
            lua_pushfstring(L, "%s%s", where, lua_tostring(L, -1));
            return 1;
        }
        if (sbx_exhausted(L) && lua_type(L, -1) == LUA_TSTRING)
            return 1; /* the limit's own message */
        lua_pop(L, 1);
        lua_pushfstring(L, _("%serror raised with a %s value whose __tostring failed"), where,
                        luaL_typename(L, 1));
        return 1;
    }
    lua_pushfstring(L, _("%serror raised with a %s value instead of a message"), where,
                    luaL_typename(L, 1));
    return 1;
}

int sbx_pcall(lua_State *L, int nargs, int nresults)
{
    int base = lua_gettop(L) - nargs;
    lua_pushcfunction(L, sbx_message_handler);
    lua_insert(L, base);
    int status = lua_pcall(L, nargs, nresults, base);
    lua_remove(L, base);
    return status;
}

/* Lua writes a chunk name longer than LUA_IDSIZE as "..." and its tail:
 * the message gets path back in full wherever one of its tails stands. */
static void expand_path(const char *msg, const char *path, char *buf, size_t size)
{
    size_t len = strlen(path), out = 0;
    while (*msg && out + 1 < size) {
        if (strncmp(msg, "...", 3) == 0) {
            size_t k = strcspn(msg + 3, ":");
            if (k > 0 && k < len && msg[3 + k] == ':' &&
                memcmp(msg + 3, path + len - k, k) == 0) {
                int n = snprintf(buf + out, size - out, "%s", path);
                out = n < 0 ? out : out + (size_t)n < size ? out + (size_t)n : size - 1;
                msg += 3 + k;
                continue;
            }
        }
        buf[out++] = *msg++;
    }
    buf[out] = '\0';
}

void sbx_error_message(lua_State *L, int status, const char *path, char *buf, size_t size)
{
    sandbox *s = sbx_of(L);
    const char *msg = lua_tostring(L, -1);
    if (!msg)
        msg = _("unknown error");
    if (s->memory_exceeded && status == LUA_ERRMEM) {
        snprintf(buf, size,
                 _("%s: the scenario needs more than %zu MB of memory; raise the limit "
                   "with --lua-memory MB"),
                 path, s->max_memory / (1024 * 1024));
        return;
    }
    expand_path(msg, path, buf, size);
    if (strncmp(buf, path, strlen(path)) != 0 && status == LUA_ERRSYNTAX) {
        char *copy = strdup(buf);
        if (copy) {
            snprintf(buf, size, "%s: %s", path, copy);
            free(copy);
        }
    }
    if (s->instructions_exceeded && strstr(buf, _("Lua instructions"))) {
        size_t len = strlen(buf);
        snprintf(buf + len, size - len,
                 _(" (an endless loop?); raise the limit with "
                   "--lua-instructions N"));
    }
    /* Lua's own English (syntax, "attempt to call ..."), in Russian too. */
    if (i18n_russian())
        luamsg_translate(buf, size);
}

/* Reading a name an environment made by sbx_push_env lacks: upvalue 1 says
 * why a global of the scenario is not there. */
static int env_undefined(lua_State *L)
{
    const char *name = lua_tostring(L, 2);
    if (name) {
        lua_pushglobaltable(L);
        lua_pushvalue(L, 2);
        if (lua_rawget(L, -2) != LUA_TNIL)
            return luaL_error(L, _("'%s' is not available %s"), name,
                              lua_tostring(L, lua_upvalueindex(1)));
    }
    return sbx_undefined_global(L);
}

/* Setting a global there: one of the scenario's names says why not. */
static int env_new_global(lua_State *L)
{
    const char *name = lua_tostring(L, 2);
    if (name) {
        lua_pushglobaltable(L);
        lua_pushvalue(L, 2);
        if (lua_rawget(L, -2) != LUA_TNIL)
            return luaL_error(L, _("cannot set '%s' %s"), name,
                              lua_tostring(L, lua_upvalueindex(1)));
    }
    return sbx_new_global(L);
}

void sbx_push_env(lua_State *L, const char *const *names, const char *why)
{
    lua_newtable(L);
    int env = lua_gettop(L);
    lua_pushglobaltable(L);
    for (; *names; names++) {
        lua_pushstring(L, *names);
        if (lua_rawget(L, env + 1) == LUA_TTABLE) {
            /* A copy, so that changing string.format here changes it here only. */
            int lib = lua_gettop(L);
            lua_newtable(L);
            lua_pushnil(L);
            while (lua_next(L, lib)) {
                lua_pushvalue(L, -2);
                lua_insert(L, -2);
                lua_rawset(L, lib + 1);
            }
            if (lua_getmetatable(L, lib))
                lua_setmetatable(L, lib + 1);
            lua_remove(L, lib);
        }
        lua_setfield(L, env, *names);
    }
    lua_pop(L, 1);
    lua_pushvalue(L, env);
    lua_setfield(L, env, "_G");
    lua_pushvalue(L, env);
    lua_pushcclosure(L, sbx_load, 1);
    lua_setfield(L, env, "load");
    lua_createtable(L, 0, 3);
    lua_pushstring(L, why);
    lua_pushcclosure(L, env_undefined, 1);
    lua_setfield(L, -2, "__index");
    lua_pushstring(L, why);
    lua_pushcclosure(L, env_new_global, 1);
    lua_setfield(L, -2, "__newindex");
    protect_metatable(L);
    lua_setmetatable(L, env);
}

bool sbx_charge(lua_State *L, size_t bytes)
{
    sandbox *s = sbx_of(L);
    if (bytes > s->max_memory - s->used) {
        s->memory_exceeded = true;
        return false;
    }
    s->used += bytes;
    return true;
}

size_t sbx_memory_limit_mb(lua_State *L)
{
    return sbx_of(L)->max_memory / (1024 * 1024);
}

/*
 * The watchdog is a timer that ticks every WATCHDOG_TICK_MS while a scenario
 * loads. A tick ends the process (async-signal-safely: write and _exit) when
 * the time limit is past, or when an interrupt has been pending for
 * INTERRUPT_GRACE_TICKS ticks: long enough for the hook to stop Lua code
 * cleanly, short enough to end a stall in C (string.rep, a pattern) well
 * within a second. Between arm and disarm the handler stays installed but
 * idle, so that a tick already on its way is harmless.
 */
enum { WATCHDOG_TICK_MS = 100, INTERRUPT_GRACE_TICKS = 2, SILENT_GRACE_SECONDS = 1 };

/* Written by the signal handler, so translated beforehand, when armed. */
static char interrupted_message[256];
static size_t interrupted_length;
static char watchdog_message[2200];
static size_t watchdog_length;
static volatile sig_atomic_t watchdog_status;
static struct timespec watchdog_deadline;
static volatile sig_atomic_t watchdog_armed, watchdog_silent, interrupt_ticks;

static void watchdog_end(const char *msg, size_t len, int status)
{
    if (watchdog_silent) {
        /* A rank's end takes the whole job down: wait for rank 0, whose
         * watchdog is due as well, to say why first. */
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += SILENT_GRACE_SECONDS;
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL) == EINTR)
            continue;
    } else {
        ssize_t ignored = write(STDERR_FILENO, msg, len);
        (void)ignored;
    }
    _exit(status);
}

/* sbx_watchdog_arm_loads: per thread, the deadline of the load it runs in
 * nanoseconds of CLOCK_MONOTONIC (0: none), and how many threads. */
static atomic_llong load_deadline[SBX_WATCHDOG_SLOTS];
static volatile sig_atomic_t load_slots;
static unsigned load_seconds;

static long long monotonic_ns(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long long)now.tv_sec * 1000000000LL + now.tv_nsec;
}

/* A tick of sbx_watchdog_arm_loads: a load past its deadline ends the
 * process, and so does an interrupt while a load runs (between loads the
 * batch stops by itself). */
static void watchdog_tick_loads(void)
{
    long long now = monotonic_ns();
    bool loading = false, late = false;
    for (sig_atomic_t i = 0; i < load_slots; i++) {
        long long deadline = atomic_load(&load_deadline[i]);
        loading |= deadline != 0;
        late |= deadline != 0 && now >= deadline;
    }
    if (interrupted) {
        if (loading && ++interrupt_ticks >= INTERRUPT_GRACE_TICKS)
            watchdog_end(interrupted_message, interrupted_length, 130);
        return;
    }
    if (late)
        watchdog_end(watchdog_message, watchdog_length, watchdog_status);
}

static void watchdog_tick(int sig)
{
    (void)sig;
    if (!watchdog_armed)
        return;
    if (load_slots) {
        watchdog_tick_loads();
        return;
    }
    if (interrupted) {
        if (++interrupt_ticks >= INTERRUPT_GRACE_TICKS)
            watchdog_end(interrupted_message, interrupted_length, 130);
        return;
    }
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (now.tv_sec > watchdog_deadline.tv_sec ||
        (now.tv_sec == watchdog_deadline.tv_sec && now.tv_nsec >= watchdog_deadline.tv_nsec))
        watchdog_end(watchdog_message, watchdog_length, watchdog_status);
}

void sbx_interrupt(void)
{
    interrupted = 1;
}

bool sbx_interrupted(void)
{
    return interrupted;
}

void sbx_watchdog_silent(bool silent)
{
    watchdog_silent = silent;
}

/* Sets what an expiry prints; the timer must not be armed meanwhile. */
static void set_watchdog_message(int status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void set_watchdog_message(int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(watchdog_message, sizeof watchdog_message, fmt, ap);
    va_end(ap);
    watchdog_length = n < 0 ? 0 : (size_t)n < sizeof watchdog_message ? (size_t)n
                                                                       : sizeof watchdog_message - 1;
    watchdog_status = status;
}

void sbx_watchdog_reword(const char *message, int status)
{
    sig_atomic_t armed = watchdog_armed;
    watchdog_armed = 0;
    atomic_signal_fence(memory_order_seq_cst);
    set_watchdog_message(status, "cjmsim: %s\n", message);
    atomic_signal_fence(memory_order_seq_cst);
    watchdog_armed = armed;
}

void sbx_watchdog_arm(const char *path, unsigned seconds)
{
    watchdog_armed = 0;
    atomic_signal_fence(memory_order_seq_cst);
    load_slots = 0;
    set_watchdog_message(3,
                         ngettext("cjmsim: %s: loading the scenario took more than %u second (a "
                                  "runaway string pattern or loop?); raise the limit with "
                                  "--lua-seconds N\n",
                                  "cjmsim: %s: loading the scenario took more than %u seconds (a "
                                  "runaway string pattern or loop?); raise the limit with "
                                  "--lua-seconds N\n",
                                  seconds),
                         path, seconds);
    int n = snprintf(interrupted_message, sizeof interrupted_message, "cjmsim: %s\n",
                     _("interrupted: no results were written"));
    interrupted_length = n < 0                                    ? 0
                         : (size_t)n < sizeof interrupted_message ? (size_t)n
                                                                  : sizeof interrupted_message - 1;
    clock_gettime(CLOCK_MONOTONIC, &watchdog_deadline);
    watchdog_deadline.tv_sec += (time_t)seconds;
    interrupt_ticks = 0;
    atomic_signal_fence(memory_order_seq_cst);
    watchdog_armed = 1;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = watchdog_tick;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, NULL);
    struct timeval tick = {0, WATCHDOG_TICK_MS * 1000};
    struct itimerval timer = {tick, tick};
    setitimer(ITIMER_REAL, &timer, NULL);
}

void sbx_watchdog_disarm(void)
{
    struct itimerval off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &off, NULL);
    watchdog_armed = 0;
    load_slots = 0;
}

void sbx_watchdog_arm_loads(const char *path, unsigned seconds, size_t threads)
{
    for (size_t i = 0; i < SBX_WATCHDOG_SLOTS; i++)
        atomic_store(&load_deadline[i], 0);
    load_seconds = seconds;
    sbx_watchdog_arm(path, seconds);
    /* Armed, but idle until the slots are counted: no load runs yet. */
    load_slots = (sig_atomic_t)(threads < SBX_WATCHDOG_SLOTS ? threads : SBX_WATCHDOG_SLOTS);
}

void sbx_watchdog_load_begin(size_t slot)
{
    if (slot < SBX_WATCHDOG_SLOTS)
        atomic_store(&load_deadline[slot], monotonic_ns() + (long long)load_seconds * 1000000000LL);
}

void sbx_watchdog_load_end(size_t slot)
{
    if (slot < SBX_WATCHDOG_SLOTS)
        atomic_store(&load_deadline[slot], 0);
}
