/*
 * sandbox — the Lua state a scenario runs in.
 *
 * A scenario is untrusted input. It gets only what describing a journey
 * needs: the base functions without file access (load takes text only),
 * string without dump, table, math with cjmsim's seeded generator, utf8, and
 * os.clock. Reading an undefined global or creating a new one is an error
 * naming it. A counting allocator caps memory and a count hook caps the
 * instructions run; once the cap is hit the hook fires on every instruction,
 * so a pcall in the scenario cannot swallow it.
 */
#ifndef CJ_SANDBOX_H
#define CJ_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct lua_State lua_State;

typedef struct {
    uint64_t max_instructions; /* 0: the default */
    size_t max_memory;         /* bytes; 0: the default */
    uint64_t random_seed;      /* seeds math.random */
} sbx_limits;

#define SBX_DEFAULT_INSTRUCTIONS UINT64_C(200000000)
#define SBX_DEFAULT_MEMORY_MB 512
#define SBX_DEFAULT_SECONDS 10

/* A new state with the safe libraries; NULL when out of memory. */
lua_State *sbx_new(const sbx_limits *limits);

/* Closes the state and frees the sandbox around it. */
void sbx_close(lua_State *L);

/* Loads a text-only chunk from a file, naming it "@path" so that errors
 * read "path:line:". Returns a lua status code; the error is on the stack. */
int sbx_load_file(lua_State *L, const char *path);

/* Calls the function below nargs arguments like lua_pcall, with a handler
 * that gives non-string errors the position they were raised at. */
int sbx_pcall(lua_State *L, int nargs, int nresults);

/* True once the scenario hit the memory or the instruction limit: its error
 * must then travel up unchanged, whoever catches it on the way. */
bool sbx_exhausted(lua_State *L);

/* Makes the globals strict: from now on reading an undefined global or
 * creating a new one is an error. */
void sbx_seal_globals(lua_State *L);

/*
 * The error on top of the stack as text for a person: file names that Lua
 * shortened to "...tail" are written out in full, a load error that names no
 * file gets "path: " in front, and a broken limit says which limit and the
 * option that raises it. The result is copied into buf.
 */
void sbx_error_message(lua_State *L, int status, const char *path, char *buf, size_t size);

/*
 * A wall-clock bound on loading and compiling, for what the instruction
 * count cannot see: a library function stuck in C (a pathological string
 * pattern). When it expires the process prints "cjmsim: path: ..." and exits
 * with the scenario status; nothing has been written by then. It may stay
 * armed while the ranks of an MPI job wait for each other after loading.
 */
void sbx_watchdog_arm(const char *path, unsigned seconds);
void sbx_watchdog_disarm(void);

/* In an MPI job only rank 0 speaks: the other ranks' watchdogs end them
 * without a message (rank 0's, armed as long, says it once). */
void sbx_watchdog_silent(bool silent);

/* What an expiry prints ("cjmsim: message") and the status it exits with
 * from now on: rank 0, done loading and waiting for the other ranks, then
 * speaks for them. */
void sbx_watchdog_reword(const char *message, int status);

/*
 * Called from a SIGINT or SIGTERM handler (async-signal-safe): the
 * scenario's Lua code stops at its next instructions with the error
 * "interrupted", which no pcall can catch, and sbx_interrupted() becomes
 * true; if it is stuck in C instead, an armed watchdog ends the process
 * within a fraction of a second with "cjmsim: interrupted: ..." and status
 * 130.
 */
void sbx_interrupt(void);
bool sbx_interrupted(void);

#endif
