#include "dsl.h"

#include <lauxlib.h>
#include <lua.h>
#include <stdarg.h>
#include <stdio.h>

#include "param.h"
#include "i18n.h"
#include "target.h"

/* The nearest Lua caller read from a file: a declaration made through
 * pcall(persona "x", t) still gets the line that wrote it, and one made by
 * code from load gets the line of the file that ran that code (load's
 * chunks cannot name files, see sandbox.h). */
int dsl_where(lua_State *L, const char **file)
{
    lua_Debug ar;
    int first = 0;
    *file = NULL;
    for (int level = 1; lua_getstack(L, level, &ar); level++) {
        if (!lua_getinfo(L, "Sl", &ar) || ar.currentline <= 0)
            continue;
        if (ar.source[0] == '@') {
            *file = ar.source + 1;
            return ar.currentline;
        }
        if (!first)
            first = ar.currentline;
    }
    return first;
}

int dsl_error(lua_State *L, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const char *file;
    int line = dsl_where(L, &file);
    if (file && line > 0)
        lua_pushfstring(L, "%s:%d: %s", file, line, msg);
    else
        lua_pushstring(L, msg);
    return lua_error(L);
}

/* Appends {kind, line, name, value} to the declaration list; the name and
 * the value are the stack slots name_index (0: none) and value_index. The
 * name is the Lua string itself: a copy through C would end at a zero
 * byte, which scnparse.c must see to refuse it. */
static void dsl_record(lua_State *L, const char *kind, int name_index, int value_index)
{
    value_index = lua_absindex(L, value_index);
    if (name_index)
        name_index = lua_absindex(L, name_index);
    const char *file;
    int line = dsl_where(L, &file);
    luaL_getsubtable(L, LUA_REGISTRYINDEX, DSL_DECLS_KEY);
    lua_createtable(L, 0, 5);
    lua_pushstring(L, kind);
    lua_setfield(L, -2, "kind");
    lua_pushinteger(L, line);
    lua_setfield(L, -2, "line");
    if (file) {
        lua_pushstring(L, file);
        lua_setfield(L, -2, "file");
    }
    if (name_index) {
        lua_pushvalue(L, name_index);
        lua_setfield(L, -2, "name");
    }
    lua_pushvalue(L, value_index);
    lua_setfield(L, -2, "value");
    lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
    lua_pop(L, 1);
}

static int dsl_scenario(lua_State *L)
{
    if (lua_type(L, 1) != LUA_TTABLE)
        return luaL_error(
            L, _("scenario expects a table: scenario { name = \"My shop\", days = 180 }"));
    dsl_record(L, "scenario", 0, 1);
    return 0;
}

/* The second half of `persona "name" { ... }`: receives the table. */
static int dsl_named_body(lua_State *L)
{
    const char *kind = lua_tostring(L, lua_upvalueindex(1));
    const char *name = lua_tostring(L, lua_upvalueindex(2));
    if (lua_type(L, 1) != LUA_TTABLE)
        return luaL_error(L, _("%s \"%s\" expects a table after the name: %s \"%s\" { ... }"), kind,
                          name, kind, name);
    dsl_record(L, kind, lua_upvalueindex(2), 1);
    return 0;
}

static int dsl_named(lua_State *L)
{
    const char *kind = lua_tostring(L, lua_upvalueindex(1));
    if (lua_type(L, 1) != LUA_TSTRING)
        return luaL_error(L, _("%s expects a name in quotes: %s \"name\" { ... }"), kind, kind);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushvalue(L, 1);
    lua_pushcclosure(L, dsl_named_body, 2);
    return 1;
}

static int dsl_transition(lua_State *L)
{
    if (lua_gettop(L) != 3)
        return luaL_error(L,
                          _("transition takes three arguments: transition(\"from\", \"to\", "
                            "probability), got %d"),
                          lua_gettop(L));
    if (lua_type(L, 1) != LUA_TSTRING || lua_type(L, 2) != LUA_TSTRING)
        return luaL_error(L, _("transition(from, to, probability): from and to must be stage "
                               "names in quotes"));
    int t = lua_type(L, 3);
    if (t != LUA_TNUMBER && t != LUA_TTABLE && t != LUA_TFUNCTION)
        return luaL_error(L,
                          _("transition(\"%s\", \"%s\", ...): the probability must be a "
                            "number, a table of persona = number, or a function(c), not a %s"),
                          lua_tostring(L, 1), lua_tostring(L, 2), luaL_typename(L, 3));
    dsl_record(L, "transition", 0, 3);
    /* from and to go into the record just made */
    luaL_getsubtable(L, LUA_REGISTRYINDEX, DSL_DECLS_KEY);
    lua_rawgeti(L, -1, (lua_Integer)lua_rawlen(L, -1));
    lua_pushvalue(L, 1);
    lua_setfield(L, -2, "from");
    lua_pushvalue(L, 2);
    lua_setfield(L, -2, "to");
    lua_pop(L, 2);
    return 0;
}

void dsl_open(lua_State *L)
{
    static const char *const NAMED[] = {"persona", "stage", "intervention", NULL};
    for (const char *const *kind = NAMED; *kind; kind++) {
        lua_pushstring(L, *kind);
        lua_pushcclosure(L, dsl_named, 1);
        lua_setglobal(L, *kind);
    }
    lua_pushcfunction(L, dsl_scenario);
    lua_setglobal(L, "scenario");
    lua_pushcfunction(L, dsl_transition);
    lua_setglobal(L, "transition");
    prm_open(L); /* param and the distributions (param.c) */
    tgt_open(L); /* target (target.c) */
    luaL_getsubtable(L, LUA_REGISTRYINDEX, DSL_DECLS_KEY);
    lua_pop(L, 1);
}
