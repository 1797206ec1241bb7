/*
 * include — `include "name"` pulls a persona file into a scenario, from the
 * scenario's own folder or from the persona library (personas/ in cjmsim's
 * data directory, see datadir.h).
 *
 * A scenario is untrusted, so include takes a name, not a path: no "..", no
 * absolute path, no other folder, no link that leads out of its folder. The
 * file runs in the scenario's sandbox, under the same strict globals and
 * limits; its declarations carry its own file name (dsl.c), so its mistakes
 * read "persona-file:line:", and scnparse.c lets it declare personas only.
 * Each file is included once; a cycle is an error that shows the chain.
 *
 * include returns a function, so that `include "beginner" { share = 0.5 }`
 * sets keys of the persona the file declares, for this scenario only.
 */
#ifndef CJ_INCLUDE_H
#define CJ_INCLUDE_H

typedef struct lua_State lua_State;

/* Installs the global include for the scenario at scenario_path, whose
 * folder is the one a bare name is looked up in first. */
void inc_open(lua_State *L, const char *scenario_path);

#endif
