/* realpath: the file behind a link, to keep include inside its folders. */
#define _XOPEN_SOURCE 700

#include "include.h"

#include <dirent.h>
#include <lauxlib.h>
#include <lua.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "datadir.h"
#include "dsl.h"
#include "err.h"
#include "sandbox.h"
#include "util.h"
#include "i18n.h"

/* Registry key of the include state: { dir = scenario folder, files =
 * { realpath = "file:line" it was included at }, open = { realpath = true
 * while it runs }, chain = { display paths of the files running } }. */
#define INC_STATE_KEY "cjmsim.include"

enum { NAME_MAX_LEN = 100, PATH_LEN = 4096, MAX_LISTED = 40 };

static const char READS_ONLY[] =
    N_("include reads only the persona library (include \"personas/NAME\") and the scenario's "
       "own folder (include \"NAME\")");

/* Raises "where: include "NAME": message" at the Lua line that called. */
static int inc_fail(lua_State *L, const char *shown, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int inc_fail(lua_State *L, const char *shown, const char *fmt, ...)
{
    char msg[CJ_ERR_MSG_MAX / 2];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return luaL_error(L, _("include \"%s\": %s"), shown, msg);
}

/* The name as given, safe to print: control bytes become '?'. */
static void shown_name(const char *name, size_t len, char *buf, size_t size)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        if (o + 4 >= size) {
            memcpy(buf + o, "...", 3);
            o += 3;
            break;
        }
        unsigned char c = (unsigned char)name[i];
        buf[o++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
    }
    buf[o] = '\0';
}

typedef struct {
    char base[NAME_MAX_LEN + 1]; /* "beginner" */
    bool library_only;           /* written "personas/beginner" */
} inc_name;

/* Checks a name and splits it; returns NULL or what is wrong with it. */
static const char *parse_name(const char *name, size_t len, inc_name *out, char *why,
                              size_t why_size)
{
    if (len == 0)
        return _("the name is empty: write a persona name, e.g. include \"beginner\"");
    if (strlen(name) != len)
        return _("the name holds a zero byte");
    if (len > NAME_MAX_LEN)
        return _("the name is too long");
    for (const char *p = name; *p; p++) {
        unsigned char c = (unsigned char)*p;
        bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                       (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' || c == '/' ||
                       c >= 0x80;
        if (!allowed)
            return _("a persona name has only letters, digits, '_', '-' and '.'");
    }
    if (!utf8_valid(name))
        return _("the name is not valid UTF-8");
    if (name[0] == '/') {
        snprintf(why, why_size, _("an absolute path is not allowed; %s"), _(READS_ONLY));
        return why;
    }
    if (strstr(name, "..")) {
        snprintf(why, why_size, _("\"..\" is not allowed; %s"), _(READS_ONLY));
        return why;
    }
    const char *rest = name;
    out->library_only = false;
    if (strncmp(name, "personas/", 9) == 0) {
        out->library_only = true;
        rest = name + 9;
    }
    if (strchr(rest, '/')) {
        snprintf(why, why_size, _("a file in another folder is not allowed; %s"), _(READS_ONLY));
        return why;
    }
    size_t n = strlen(rest);
    if (n > 4 && strcmp(rest + n - 4, ".lua") == 0)
        n -= 4;
    if (n == 0 || rest[0] == '.')
        return _("not a persona name: write e.g. include \"beginner\"");
    snprintf(out->base, sizeof out->base, "%.*s", (int)n, rest);
    return NULL;
}

/* "scripts/shop.lua" -> "scripts"; "shop.lua" -> "."; "/shop.lua" -> "/". */
static void folder_of(const char *path, char *buf, size_t size)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(buf, size, ".");
    else if (slash == path)
        snprintf(buf, size, "/");
    else
        snprintf(buf, size, "%.*s", (int)(slash - path), path);
}

/* Is the real file behind `path` directly inside the real `folder`? A link
 * in the folder must not lead a scenario anywhere else. */
static bool inside(const char *path, const char *folder)
{
    char *real = realpath(path, NULL), *real_folder = realpath(folder, NULL);
    bool ok = false;
    if (real && real_folder) {
        char parent[PATH_LEN];
        folder_of(real, parent, sizeof parent);
        ok = strcmp(parent, real_folder) == 0;
    }
    free(real);
    free(real_folder);
    return ok;
}

static int cmp_cstr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The persona names in the library folder, sorted; NULL-terminated. */
static char **library_names(const char *library)
{
    size_t n = 0;
    char **names = xcalloc(MAX_LISTED + 1, sizeof *names);
    DIR *dir = library ? opendir(library) : NULL;
    if (!dir)
        return names;
    struct dirent *ent;
    while (n < MAX_LISTED && (ent = readdir(dir))) {
        size_t len = strlen(ent->d_name);
        if (len > 4 && ent->d_name[0] != '.' && strcmp(ent->d_name + len - 4, ".lua") == 0) {
            names[n] = xstrdup(ent->d_name);
            names[n++][len - 4] = '\0';
        }
    }
    closedir(dir);
    qsort(names, n, sizeof *names, cmp_cstr);
    return names;
}

/* The error for a name found nowhere, with a near miss and the library's
 * contents, because a student's first include is often a typo. */
static int not_found(lua_State *L, const char *shown, const inc_name *nm, const char *dir)
{
    char library[PATH_LEN];
    bool has_library = datadir_find("personas", library, sizeof library) != NULL;
    char **names = library_names(has_library ? library : NULL);
    char best[NAME_MAX_LEN + 1] = "", list[1024] = "";
    size_t best_d = 3;
    for (char **p = names; *p; p++) {
        size_t d = edit_distance(nm->base, *p);
        if (d < best_d) {
            best_d = d;
            snprintf(best, sizeof best, "%s", *p);
        }
        if (list[0])
            strncat(list, ", ", sizeof list - strlen(list) - 1);
        strncat(list, *p, sizeof list - strlen(list) - 1);
        free(*p);
    }
    free(names); /* before any Lua call, which may raise an error */
    /* Built on the Lua stack: the parts are of any length. */
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    lua_pushfstring(L, _("no %s.lua "), nm->base);
    luaL_addvalue(&b);
    if (!nm->library_only) {
        lua_pushfstring(L, _("next to the scenario (in %s/) nor "), dir);
        luaL_addvalue(&b);
    }
    if (has_library)
        lua_pushfstring(L, _("in the persona library (%s)"), library);
    else
        lua_pushstring(L, _("in a persona library (none found: set CJMSIM_DATADIR)"));
    luaL_addvalue(&b);
    if (best[0]) {
        lua_pushfstring(L, _(" (did you mean '%s'?)"), best);
        luaL_addvalue(&b);
    }
    if (list[0]) {
        lua_pushfstring(L, _("; the library has: %s"), list);
        luaL_addvalue(&b);
    }
    luaL_pushresult(&b);
    return luaL_error(L, _("include \"%s\": %s"), shown, lua_tostring(L, -1));
}

static lua_Integer decl_count(lua_State *L)
{
    luaL_getsubtable(L, LUA_REGISTRYINDEX, DSL_DECLS_KEY);
    lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
    lua_pop(L, 1);
    return n;
}

/* Does declaration i (in the list at decls) declare a persona? */
static bool is_persona(lua_State *L, int decls, lua_Integer i)
{
    lua_rawgeti(L, decls, i);
    lua_getfield(L, -1, "kind");
    bool yes = lua_type(L, -1) == LUA_TSTRING && strcmp(lua_tostring(L, -1), "persona") == 0;
    lua_pop(L, 2);
    return yes;
}

/* Sets a string field, or clears it when s is NULL. */
static void set_string(lua_State *L, int table, const char *key, const char *s)
{
    table = lua_absindex(L, table);
    if (s)
        lua_pushstring(L, s);
    else
        lua_pushnil(L);
    lua_setfield(L, table, key);
}

/*
 * The persona record on top of the stack gets the keys of the table at
 * `changes` over its own, and the place of the change as its place: a share
 * out of range is then reported where it was written.
 */
static void merge_into(lua_State *L, int changes, const char *shown, const char *file, int line)
{
    int record = lua_gettop(L);
    lua_newtable(L);
    int copy = lua_gettop(L);
    lua_getfield(L, record, "value");
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, copy);
    }
    lua_pop(L, 1);
    lua_pushnil(L);
    while (lua_next(L, changes)) {
        if (lua_type(L, -2) != LUA_TSTRING)
            luaL_error(L, _("include \"%s\" { ... }: every key must be a name (share = 0.5)"),
                       shown);
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, copy);
    }
    lua_setfield(L, record, "value");
    set_string(L, record, "file", file);
    lua_pushinteger(L, line);
    lua_setfield(L, record, "line");
}

/* include "x" { ... }: upvalues are the first and last declaration the
 * file made, the name as given and the file's display path. */
static int inc_override(lua_State *L)
{
    lua_Integer first = lua_tointeger(L, lua_upvalueindex(1));
    lua_Integer last = lua_tointeger(L, lua_upvalueindex(2));
    const char *shown = lua_tostring(L, lua_upvalueindex(3));
    const char *display = lua_tostring(L, lua_upvalueindex(4));
    if (lua_type(L, 1) != LUA_TTABLE)
        return luaL_error(L,
                          _("include \"%s\" expects a table of changes after the name: "
                            "include \"%s\" { share = 0.5 }"),
                          shown, shown);
    lua_settop(L, 1);
    const char *file;
    int line = dsl_where(L, &file);
    luaL_getsubtable(L, LUA_REGISTRYINDEX, DSL_DECLS_KEY);
    int decls = lua_gettop(L);
    lua_Integer only = 0, count = 0;
    char names[512] = "", first_name[128] = "";
    for (lua_Integer i = first; i <= last; i++) {
        if (!is_persona(L, decls, i))
            continue;
        only = i;
        count++;
        lua_rawgeti(L, decls, i);
        lua_getfield(L, -1, "name");
        if (names[0])
            strncat(names, ", ", sizeof names - strlen(names) - 1);
        else
            snprintf(first_name, sizeof first_name, "%s", lua_tostring(L, -1));
        strncat(names, lua_tostring(L, -1), sizeof names - strlen(names) - 1);
        lua_pop(L, 2);
    }
    if (count == 0)
        return luaL_error(L, _("include \"%s\" { ... }: %s declares no persona to change"), shown,
                          display);
    if (count == 1) {
        lua_rawgeti(L, decls, only);
        merge_into(L, 1, shown, file, line);
        return 0;
    }
    /* Several personas: { beginner = { share = 0.5 }, coach = { ... } }. */
    lua_pushnil(L);
    while (lua_next(L, 1)) {
        bool found = false;
        if (lua_type(L, -2) == LUA_TSTRING && lua_type(L, -1) == LUA_TTABLE) {
            int changes = lua_gettop(L);
            for (lua_Integer i = first; i <= last && !found; i++) {
                if (!is_persona(L, decls, i))
                    continue;
                lua_rawgeti(L, decls, i);
                lua_getfield(L, -1, "name");
                /* the stack ends: key, changes, record, its name */
                found = strcmp(lua_tostring(L, -1), lua_tostring(L, -4)) == 0;
                lua_pop(L, 1);
                if (found)
                    merge_into(L, changes, shown, file, line);
                lua_pop(L, 1);
            }
        }
        if (!found)
            return luaL_error(L,
                              _("include \"%s\" { ... }: %s declares several personas (%s): "
                                "give the changes of each by its name, e.g. include \"%s\" "
                                "{ %s = { share = 0.5 } }"),
                              shown, display, names, shown, first_name);
        lua_pop(L, 1);
    }
    return 0;
}

/* Pushes the include state table. */
static int push_state(lua_State *L)
{
    lua_getfield(L, LUA_REGISTRYINDEX, INC_STATE_KEY);
    return lua_gettop(L);
}

/* Where the file at `real` runs or ran: a cycle or a repeat is an error. */
static void check_once(lua_State *L, int state, const char *real, const char *display,
                       const char *shown)
{
    lua_getfield(L, state, "open");
    bool running = lua_getfield(L, -1, real) != LUA_TNIL;
    lua_pop(L, 2);
    if (running) {
        luaL_Buffer b;
        lua_getfield(L, state, "chain");
        int chain = lua_gettop(L);
        luaL_buffinit(L, &b);
        for (lua_Integer i = 1; i <= (lua_Integer)lua_rawlen(L, chain); i++) {
            lua_rawgeti(L, chain, i);
            luaL_addvalue(&b);
            luaL_addstring(&b, " -> ");
        }
        luaL_addstring(&b, display);
        luaL_pushresult(&b);
        inc_fail(L, shown, _("the files include each other: %s"), lua_tostring(L, -1));
    }
    lua_getfield(L, state, "files");
    if (lua_getfield(L, -1, real) == LUA_TSTRING)
        inc_fail(L, shown, _("%s is already included (at %s); a persona file is included once"),
                 display, lua_tostring(L, -1));
    lua_pop(L, 2);
}

/* Marks `real` as running, or as done when running is false. */
static void mark(lua_State *L, int state, const char *real, const char *display, bool running)
{
    lua_getfield(L, state, "open");
    if (running)
        lua_pushboolean(L, 1);
    else
        lua_pushnil(L);
    lua_setfield(L, -2, real);
    lua_pop(L, 1);
    lua_getfield(L, state, "chain");
    lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
    if (running)
        lua_pushstring(L, display);
    else
        lua_pushnil(L);
    lua_rawseti(L, -2, running ? n + 1 : n);
    lua_pop(L, 1);
}

/*
 * What a persona file may use: the libraries, and of the declaring
 * functions only persona and include. It runs in an environment of its own
 * (sbx_push_env), so the globals it sets stay there and it cannot redefine
 * transition or anything else the scenario uses.
 */
static const char *const PERSONA_FILE_GLOBALS[] = {
    "assert", "error",    "getmetatable", "ipairs", "next",     "pairs", "pcall",
    "print",  "rawequal", "rawget",       "rawlen", "rawset",   "select", "setmetatable",
    "tonumber", "tostring", "type",       "xpcall", "_VERSION", "math",  "string",
    "table",  "utf8",     "os",           "persona", "include", NULL,
};

/* Runs the persona file; on error raises its message, naming the file and
 * where it was included. */
static void run_file(lua_State *L, int state, const char *real, const char *display,
                     const char *shown, const char *from, int from_line)
{
    int status = sbx_load_file(L, display);
    if (status == LUA_ERRFILE) {
        const char *msg = lua_tostring(L, -1);
        inc_fail(L, shown, "%s", msg ? msg : _("cannot read the file"));
    }
    if (status == LUA_OK) {
        sbx_push_env(L, PERSONA_FILE_GLOBALS,
                     "in a persona file, which declares personas and nothing else");
        lua_setupvalue(L, -2, 1);
        mark(L, state, real, display, true);
        status = sbx_pcall(L, 0, 0);
        mark(L, state, real, display, false);
    }
    if (status == LUA_OK)
        return;
    if (status == LUA_ERRMEM || sbx_exhausted(L))
        lua_error(L); /* a broken limit travels up unchanged */
    char msg[CJ_ERR_MSG_MAX];
    sbx_error_message(L, status, display, msg, sizeof msg);
    lua_pop(L, 1);
    if (strstr(msg, " (included at ") || !from)
        lua_pushstring(L, msg);
    else
        lua_pushfstring(L, _("%s (included at %s:%d)"), msg, from, from_line);
    lua_error(L);
}

static int inc_include(lua_State *L)
{
    if (lua_type(L, 1) != LUA_TSTRING)
        return luaL_error(L, _("include expects a persona name in quotes: include \"beginner\""));
    size_t len;
    const char *name = lua_tolstring(L, 1, &len);
    char shown[NAME_MAX_LEN + 8], why[512];
    shown_name(name, len, shown, sizeof shown);
    inc_name nm;
    const char *bad = parse_name(name, len, &nm, why, sizeof why);
    if (bad)
        return inc_fail(L, shown, "%s", bad);

    int state = push_state(L);
    lua_getfield(L, state, "dir");
    char dir[PATH_LEN], path[PATH_LEN + NAME_MAX_LEN + 8], folder[PATH_LEN];
    snprintf(dir, sizeof dir, "%s", lua_tostring(L, -1));
    lua_pop(L, 1);
    bool found = false;
    struct stat st;
    if (!nm.library_only) {
        if (strcmp(dir, ".") == 0)
            snprintf(path, sizeof path, "%s.lua", nm.base);
        else
            snprintf(path, sizeof path, "%s%s%s.lua", dir, strcmp(dir, "/") ? "/" : "", nm.base);
        found = lstat(path, &st) == 0;
        snprintf(folder, sizeof folder, "%s", dir);
    }
    if (!found) {
        char relative[NAME_MAX_LEN + 16];
        snprintf(relative, sizeof relative, "personas/%s.lua", nm.base);
        found = datadir_find(relative, path, sizeof path) != NULL;
        if (found)
            folder_of(path, folder, sizeof folder);
    }
    if (!found)
        return not_found(L, shown, &nm, dir);
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return inc_fail(L, shown, _("%s is not a regular file"), path);
    if (!inside(path, folder))
        return inc_fail(L, shown, _("%s is a link to a file outside its folder; %s"), path,
                        _(READS_ONLY));
    /* The real path identifies the file, whatever name led to it; copied
     * before Lua may raise an error, so that nothing leaks. */
    char *real = realpath(path, NULL), key_buf[PATH_LEN];
    if (!real)
        return inc_fail(L, shown, _("cannot read %s"), path);
    snprintf(key_buf, sizeof key_buf, "%s", real);
    free(real);
    lua_pushstring(L, key_buf); /* anchors the key below */
    const char *key = lua_tostring(L, -1);
    check_once(L, state, key, path, shown);

    const char *from;
    int from_line = dsl_where(L, &from);
    lua_getfield(L, state, "files");
    lua_pushfstring(L, "%s:%d", from ? from : "?", from_line);
    lua_setfield(L, -2, key);
    lua_pop(L, 1);

    lua_Integer before = decl_count(L);
    run_file(L, state, key, path, shown, from, from_line);
    lua_Integer after = decl_count(L);

    /* Mistakes about the scenario as a whole (the shares) are reported where
     * the scenario included the persona; an outer include writes last. */
    luaL_getsubtable(L, LUA_REGISTRYINDEX, DSL_DECLS_KEY);
    int decls = lua_gettop(L);
    for (lua_Integer i = before + 1; i <= after; i++) {
        if (!is_persona(L, decls, i))
            continue;
        lua_rawgeti(L, decls, i);
        set_string(L, -1, "site_file", from);
        lua_pushinteger(L, from_line);
        lua_setfield(L, -2, "site_line");
        set_string(L, -1, "site_call", shown);
        lua_pop(L, 1);
    }
    lua_pushinteger(L, before + 1);
    lua_pushinteger(L, after);
    lua_pushstring(L, shown);
    lua_pushstring(L, path);
    lua_pushcclosure(L, inc_override, 4);
    return 1;
}

/* Sets up the state under protection: it allocates. */
static int inc_setup(lua_State *L)
{
    const char *scenario = lua_tostring(L, 1);
    char dir[PATH_LEN];
    folder_of(scenario, dir, sizeof dir);
    lua_createtable(L, 0, 4);
    lua_pushstring(L, dir);
    lua_setfield(L, -2, "dir");
    char *real = realpath(scenario, NULL);
    lua_pushstring(L, real ? real : scenario);
    free(real);
    const char *key = lua_tostring(L, -1);
    lua_newtable(L);
    lua_pushstring(L, _("the scenario itself"));
    lua_setfield(L, -2, key);
    lua_setfield(L, -3, "files");
    lua_newtable(L);
    lua_pushboolean(L, 1);
    lua_setfield(L, -2, key);
    lua_setfield(L, -3, "open");
    lua_pop(L, 1);
    lua_newtable(L);
    lua_pushstring(L, scenario);
    lua_rawseti(L, -2, 1);
    lua_setfield(L, -2, "chain");
    lua_setfield(L, LUA_REGISTRYINDEX, INC_STATE_KEY);
    lua_pushcfunction(L, inc_include);
    lua_setglobal(L, "include");
    return 0;
}

void inc_open(lua_State *L, const char *scenario_path)
{
    lua_pushcfunction(L, inc_setup);
    lua_pushstring(L, scenario_path);
    if (sbx_pcall(L, 1, 0) != LUA_OK)
        lua_pop(L, 1); /* out of memory: loading the scenario reports it next */
}
