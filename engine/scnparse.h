/*
 * scnparse — turns the recorded declarations (dsl.h) into a checked
 * scn_scenario. Every mistake becomes "file:line: what is wrong and what to
 * do", raised as a Lua error: scnparse_run is called under lua_pcall.
 */
#ifndef CJ_SCNPARSE_H
#define CJ_SCNPARSE_H

typedef struct lua_State lua_State;

/* A lua_CFunction: its one argument is a light userdata scn_scenario whose
 * path and L are set; it fills the rest. */
int scnparse_run(lua_State *L);

#endif
