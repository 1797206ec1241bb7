/*
 * dsl — the functions a scenario calls: scenario, persona, stage,
 * transition, intervention.
 *
 * They only check their arguments' shape and record each declaration with
 * the line that made it, in declaration order; scnparse.c reads the record
 * once the file has run, so a declaration may refer to names declared later.
 * Each record also names the file that made it: a persona file pulled in
 * with include (include.c) reports its own mistakes.
 */
#ifndef CJ_DSL_H
#define CJ_DSL_H

typedef struct lua_State lua_State;

/* Registry key of the list of declarations: each entry is a table with
 * kind, file, line, name (or from/to) and value. */
#define DSL_DECLS_KEY "cjmsim.declarations"

/* Installs the declaration functions as globals. */
void dsl_open(lua_State *L);

/* The line of the Lua code that called the running C function, and its file
 * (the chunk's name without "@") in *file, or NULL when no Lua code did. */
int dsl_where(lua_State *L, const char **file);

/* Raises "file:line: message" at the Lua line dsl_where finds (the message
 * alone when no Lua code called); does not return. */
int dsl_error(lua_State *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
