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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rng.h"

/* The hook runs every this many instructions until the cap is hit. */
enum { HOOK_EVERY = 1000 };

/* math.random's stream: a stream id no customer block uses. */
static const uint64_t RANDOM_STREAM = UINT64_C(0x7fffffffffffffff);

typedef struct {
    size_t used, max_memory;
    bool memory_exceeded;
    uint64_t instructions, max_instructions;
    bool instructions_exceeded;
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
    s->instructions += s->instructions_exceeded ? 1 : HOOK_EVERY;
    if (s->instructions <= s->max_instructions)
        return;
    if (!s->instructions_exceeded) {
        s->instructions_exceeded = true;
        /* From now on every instruction fails, also right after a pcall. */
        lua_sethook(L, sbx_count_hook, LUA_MASKCOUNT, 1);
    }
    char where[512];
    current_where(L, 0, where, sizeof where);
    lua_pushfstring(L, "%sthe scenario ran more than %I Lua instructions", where,
                    (lua_Integer)s->max_instructions);
    lua_error(L);
}

/* print goes to stderr: stdout carries the run's summary. */
static int sbx_print(lua_State *L)
{
    int n = lua_gettop(L);
    for (int i = 1; i <= n; i++) {
        size_t len;
        const char *s = luaL_tolstring(L, i, &len);
        if (i > 1)
            fputc('\t', stderr);
        fwrite(s, 1, len, stderr);
        lua_pop(L, 1);
    }
    fputc('\n', stderr);
    return 0;
}

/* load(chunk [, name [, mode [, env]]]) for text chunks only. */
static int sbx_load(lua_State *L)
{
    size_t len;
    const char *chunk = luaL_checklstring(L, 1, &len);
    const char *name = luaL_optstring(L, 2, "=(load)");
    int has_env = !lua_isnone(L, 4);
    int status = luaL_loadbufferx(L, chunk, len, name, "t");
    if (status != LUA_OK) {
        lua_pushnil(L);
        lua_insert(L, -2);
        return 2;
    }
    if (has_env) {
        lua_pushvalue(L, 4);
        if (!lua_setupvalue(L, -2, 1))
            lua_pop(L, 1);
    }
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
    if (sbx_of(L)->instructions_exceeded || interrupted)
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
            return luaL_error(L, "__gc metamethods are not available in a scenario");
        lua_pop(L, 1);
    }
    if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL)
        return luaL_error(L, "cannot change a protected metatable");
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
        return luaL_error(L, "wrong number of arguments to 'random'");
    }
    luaL_argcheck(L, low <= high, lua_gettop(L), "interval is empty");
    uint64_t range = (uint64_t)high - (uint64_t)low + 1;
    uint64_t x = range ? random_below(rng, range) : ((uint64_t)rng_next(rng) << 32 | rng_next(rng));
    lua_pushinteger(L, (lua_Integer)((uint64_t)low + x));
    return 1;
}

static int sbx_randomseed(lua_State *L)
{
    return luaL_error(L, "math.randomseed is not available: math.random follows the run's "
                         "--seed");
}

static int sbx_dump_denied(lua_State *L)
{
    return luaL_error(L, "'string.dump' is not available in a scenario: binary chunks are "
                         "refused");
}

/* Only os.clock is left in os; the rest of os reaches processes and files. */
static int sbx_os_denied(lua_State *L)
{
    const char *name = lua_tostring(L, 2);
    return luaL_error(L, "'os.%s' is not available in a scenario: only os.clock is",
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
    lua_pushcfunction(L, sbx_print);
    lua_setglobal(L, "print");
    lua_pushcfunction(L, sbx_load);
    lua_setglobal(L, "load");
    lua_pushcfunction(L, sbx_xpcall);
    lua_setglobal(L, "xpcall");
    lua_pushcfunction(L, sbx_setmetatable);
    lua_setglobal(L, "setmetatable");
    set_field_function(L, LUA_STRLIBNAME, "dump", sbx_dump_denied);
    set_field_function(L, LUA_MATHLIBNAME, "random", sbx_random);
    set_field_function(L, LUA_MATHLIBNAME, "randomseed", sbx_randomseed);
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, sbx_clock);
    lua_setfield(L, -2, "clock");
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, sbx_os_denied);
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, -2);
    lua_setglobal(L, "os");
    return 0;
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

int sbx_load_file(lua_State *L, const char *path)
{
    return luaL_loadfilex(L, path, "t");
}

bool sbx_exhausted(lua_State *L)
{
    const sandbox *s = sbx_of(L);
    return s->memory_exceeded || s->instructions_exceeded || interrupted;
}

/* Names a scenario may reach for, and why it cannot have them. */
static const struct {
    const char *name;
    const char *reason;
} DENIED_GLOBALS[] = {
    {"io", "a scenario cannot read or write files"},
    {"dofile", "a scenario cannot read other files"},
    {"loadfile", "a scenario cannot read other files"},
    {"require", "a scenario cannot load modules"},
    {"package", "a scenario cannot load modules"},
    {"debug", "the debug library could break out of the sandbox"},
    {"collectgarbage", "cjmsim manages the scenario's memory"},
    {"coroutine", "probabilities are plain functions of the customer"},
};

static int sbx_undefined_global(lua_State *L)
{
    const char *name = lua_tostring(L, 2);
    if (!name)
        return luaL_error(L, "undefined global");
    for (size_t i = 0; i < sizeof DENIED_GLOBALS / sizeof DENIED_GLOBALS[0]; i++)
        if (strcmp(name, DENIED_GLOBALS[i].name) == 0)
            return luaL_error(L, "'%s' is not available in a scenario: %s", name,
                              DENIED_GLOBALS[i].reason);
    return luaL_error(L, "undefined global '%s' (a typo, or a local declared further down?)",
                      name);
}

static int sbx_new_global(lua_State *L)
{
    const char *name = lua_tostring(L, 2);
    return luaL_error(L, "cannot create the global '%s': declare it local (local %s = ...)",
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

static int sbx_message_handler(lua_State *L)
{
    if (lua_type(L, 1) == LUA_TSTRING)
        return 1;
    char where[512];
    current_where(L, 1, where, sizeof where);
    if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) {
        lua_pushfstring(L, "%s%s", where, lua_tostring(L, -1));
        return 1;
    }
    lua_pushfstring(L, "%serror raised with a %s value instead of a message", where,
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

/* Lua writes "@path" longer than LUA_IDSIZE as "..." and the path's tail. */
static void shortened_path(const char *path, char *buf, size_t size)
{
    size_t len = strlen(path), keep = LUA_IDSIZE - 1 - 3;
    if (len <= LUA_IDSIZE - 1)
        snprintf(buf, size, "%s", path);
    else
        snprintf(buf, size, "...%s", path + len - keep);
}

void sbx_error_message(lua_State *L, int status, const char *path, char *buf, size_t size)
{
    sandbox *s = sbx_of(L);
    const char *msg = lua_tostring(L, -1);
    if (!msg)
        msg = "unknown error";
    if (s->memory_exceeded && status == LUA_ERRMEM) {
        snprintf(buf, size, "%s: the scenario needs more than %zu MB of memory; raise the limit "
                 "with --lua-memory MB",
                 path, s->max_memory / (1024 * 1024));
        return;
    }
    char shortened[LUA_IDSIZE + 4];
    shortened_path(path, shortened, sizeof shortened);
    const char *rest = msg;
    size_t out = 0;
    buf[0] = '\0';
    if (strcmp(shortened, path) != 0) {
        const char *hit;
        while ((hit = strstr(rest, shortened)) && out < size) {
            out += (size_t)snprintf(buf + out, size - out, "%.*s%s", (int)(hit - rest), rest, path);
            rest = hit + strlen(shortened);
        }
    }
    if (out < size)
        snprintf(buf + out, size - out, "%s", rest);
    if (strncmp(buf, path, strlen(path)) != 0 && status == LUA_ERRSYNTAX) {
        char *copy = strdup(buf);
        if (copy) {
            snprintf(buf, size, "%s: %s", path, copy);
            free(copy);
        }
    }
    if (s->instructions_exceeded && strstr(buf, "Lua instructions")) {
        size_t len = strlen(buf);
        snprintf(buf + len, size - len, " (an endless loop?); raise the limit with "
                 "--lua-instructions N");
    }
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

static const char INTERRUPTED_MESSAGE[] = "cjmsim: interrupted: no results were written\n";
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

static void watchdog_tick(int sig)
{
    (void)sig;
    if (!watchdog_armed)
        return;
    if (interrupted) {
        if (++interrupt_ticks >= INTERRUPT_GRACE_TICKS)
            watchdog_end(INTERRUPTED_MESSAGE, sizeof INTERRUPTED_MESSAGE - 1, 130);
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
    set_watchdog_message(3,
                         "cjmsim: %s: loading the scenario took more than %u seconds (a runaway "
                         "string pattern or loop?); raise the limit with --lua-seconds N\n",
                         path, seconds);
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
}
