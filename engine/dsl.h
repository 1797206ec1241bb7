/*
 * dsl — the functions a scenario calls: scenario, persona, stage,
 * transition, intervention.
 *
 * They only check their arguments' shape and record each declaration with
 * the line that made it, in declaration order; scnparse.c reads the record
 * once the file has run, so a declaration may refer to names declared later.
 */
#ifndef CJ_DSL_H
#define CJ_DSL_H

typedef struct lua_State lua_State;

/* Registry key of the list of declarations: each entry is a table with
 * kind, line, name (or from/to) and value. */
#define DSL_DECLS_KEY "cjmsim.declarations"

/* Installs the declaration functions as globals. */
void dsl_open(lua_State *L);

#endif
