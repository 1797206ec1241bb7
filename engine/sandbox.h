/*
 * sandbox — the Lua state a scenario runs in.
 *
 * A scenario is untrusted input: it gets only the libraries that describe a
 * journey (base functions without file access, string, table, math, utf8)
 * and no io, os, package, debug or binary chunks.
 */
#ifndef CJ_SANDBOX_H
#define CJ_SANDBOX_H

typedef struct lua_State lua_State;

/* A new state with the safe libraries; NULL when out of memory. */
lua_State *sbx_new(void);

/* Loads a text-only chunk from a file, naming it "@path" so that errors
 * read "path:line:". Returns a lua status code; the error is on the stack. */
int sbx_load_file(lua_State *L, const char *path);

/* Calls the function below nargs arguments like lua_pcall, with a handler
 * that turns non-string errors into text. */
int sbx_pcall(lua_State *L, int nargs, int nresults);

#endif
