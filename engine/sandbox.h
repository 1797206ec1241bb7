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
 *
 * What a scenario can observe does not change from run to run, so that the
 * same file, seed and options give the same results: pairs and next visit
 * keys in a defined order (numbers in numeric order, then strings byte by
 * byte, then false and true; a table with a table or function as a key
 * cannot be traversed), tostring numbers objects ("table: 1") instead of
 * printing their addresses, and string.format has no %p. Chunks made by
 * load are named after the file and line that loads them, whatever name
 * they are given, so that no code can pass for another file.
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

/*
 * A deadline for the states sbx_new makes from now on: `seconds` after
 * sbx_new, running Lua code stops with an error that names its file and
 * line, like the instruction limit (a loop whose every step copies a long
 * string runs few instructions but takes long). 0, the default: none. For
 * a caller that runs many scenarios in one process and so cannot use the
 * watchdog below, which ends the process: the fuzzing harness.
 */
void sbx_set_deadline(unsigned seconds);

/* A new state with the safe libraries; NULL when out of memory. */
lua_State *sbx_new(const sbx_limits *limits);

/* Closes the state and frees the sandbox around it. */
void sbx_close(lua_State *L);

/* Loads a text-only chunk from a file, naming it "@path" so that errors
 * read "path:line:". Returns a lua status code; the error is on the stack. */
int sbx_load_file(lua_State *L, const char *path);

/* Calls the function below nargs arguments like lua_pcall, with a handler
 * that gives every error the file and line it was raised at (when it names
 * no file of the scenario already), and never lets an error object's
 * failing __tostring replace the error. */
int sbx_pcall(lua_State *L, int nargs, int nresults);

/* True once the scenario hit the memory or the instruction limit: its error
 * must then travel up unchanged, whoever catches it on the way. */
bool sbx_exhausted(lua_State *L);

/* Makes the globals strict: from now on reading an undefined global or
 * creating a new one is an error. */
void sbx_seal_globals(lua_State *L);

/*
 * Pushes a new environment for code that may use only the globals in
 * `names` (NULL-terminated): library tables are copied, so that nothing it
 * changes reaches the scenario; its _G and load's default are itself; its
 * globals are strict like the scenario's, and reading a global of the
 * scenario it was not given is an error that says `why` ("in a persona
 * file, which ..."). Raises a Lua
 * error when out of memory.
 */
void sbx_push_env(lua_State *L, const char *const *names, const char *why);

/*
 * Counts bytes that cjmsim copies out of the scenario into C (its texts)
 * against the memory limit, as if the scenario had allocated them; false,
 * and nothing counted, when they would break the limit.
 */
bool sbx_charge(lua_State *L, size_t bytes);

/* The memory limit in MB, for messages that name it. */
size_t sbx_memory_limit_mb(lua_State *L);

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

/*
 * The watchdog for loads on several threads at once (the parameter sets of
 * a batch), until sbx_watchdog_disarm: each load, from
 * sbx_watchdog_load_begin(slot) to sbx_watchdog_load_end(slot), one slot per
 * thread (0 … threads − 1), may take `seconds`; an interrupt ends the
 * process only while a load runs. A slot from SBX_WATCHDOG_SLOTS on is not
 * watched.
 */
enum { SBX_WATCHDOG_SLOTS = 1024 };
void sbx_watchdog_arm_loads(const char *path, unsigned seconds, size_t threads);
void sbx_watchdog_load_begin(size_t slot);
void sbx_watchdog_load_end(size_t slot);

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
