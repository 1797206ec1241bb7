/* fnkey and memo: a probability function's key changes exactly when
 * something it can reach changes, and a compile with an earlier compile's
 * memo calls only the functions whose key changed, with the very tables a
 * compile from scratch would build. */
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "fingerprint.h"
#include "fnkey.h"
#include "memo.h"
#include "param.h"
#include "sandbox.h"
#include "testutil.h"

/* The key of the function that `chunk` returns, run in a fresh sandbox
 * like a scenario (each state with its own hash seed, so tables are laid
 * out differently), or with `all_libraries` in a plain Lua state. */
static bool key_of(const char *chunk, bool all_libraries, fnkey *key)
{
    sbx_limits limits = {0}; /* the defaults */
    lua_State *L = all_libraries ? luaL_newstate() : sbx_new(&limits);
    assert_non_null(L);
    if (all_libraries)
        luaL_openlibs(L);
    assert_int_equal(luaL_loadstring(L, chunk), LUA_OK);
    assert_int_equal(lua_pcall(L, 0, 1, 0), LUA_OK);
    assert_int_equal(lua_type(L, -1), LUA_TFUNCTION);
    bool ok = fnkey_of(L, -1, key);
    assert_int_equal(lua_gettop(L), 1); /* the stack is left as it was */
    if (all_libraries)
        lua_close(L);
    else
        sbx_close(L);
    return ok;
}

static bool key_of_chunk(const char *chunk, fnkey *key)
{
    return key_of(chunk, false, key);
}

static bool same_key(const char *a, const char *b)
{
    fnkey ka = {0}, kb = {0};
    assert_true(key_of_chunk(a, &ka));
    assert_true(key_of_chunk(b, &kb));
    bool same = fnkey_equal(&ka, &kb);
    assert_int_equal(same, fnkey_hash(&ka) == fnkey_hash(&kb));
    fnkey_free(&ka);
    fnkey_free(&kb);
    return same;
}

static void upvalues_and_code_make_the_key(void **state)
{
    (void)state;
    const char *f2 = "local k = 2; return function(c) return k * 0.1 end";
    assert_true(same_key(f2, f2));
    assert_false(same_key(f2, "local k = 3; return function(c) return k * 0.1 end"));
    assert_false(same_key(f2, "local k = 2; return function(c) return k * 0.2 end"));
    /* 2 and 2.0 print and divide differently; so do 0.0 and -0.0 */
    assert_false(same_key(f2, "local k = 2.0; return function(c) return k * 0.1 end"));
    assert_false(same_key("local k = 0.0; return function(c) return 1 / k end",
                          "local k = -0.0; return function(c) return 1 / k end"));
    /* a value two functions and a table away */
#define DEEP(b)                                                                                    \
    "local t = { a = { b = " b " } }\n"                                                            \
    "local function g() return t.a.b end\n"                                                        \
    "return function(c) return g() end"
    assert_true(same_key(DEEP("0.25"), DEEP("0.25")));
    assert_false(same_key(DEEP("0.25"), DEEP("0.5")));
    assert_false(same_key(DEEP("0.25"), DEEP("'0.25'")));
#undef DEEP
}

static void tables_are_compared_by_content_not_layout(void **state)
{
    (void)state;
    /* The same keys and values inserted in other orders, in tables of
     * other sizes, in states with other hash seeds. */
    assert_true(same_key("local t = {}\n"
                         "for i = 1, 200 do t['k' .. i] = i end\n"
                         "t[1], t[2.5], t[true] = 'a', 'b', 'c'\n"
                         "return function(c) return t.k7 end",
                         "local t = {[true] = 'c', [2.5] = 'b'}\n"
                         "for i = 200, 1, -1 do t['k' .. i] = i end\n"
                         "t.extra = 1; t.extra = nil; t[1] = 'a'\n"
                         "return function(c) return t.k7 end"));
    assert_false(same_key("local t = {a = 1, b = 2}; return function(c) return t.a end",
                          "local t = {a = 1, b = 3}; return function(c) return t.a end"));
    assert_false(same_key("local t = {a = 1}; return function(c) return t.a end",
                          "local t = {a = 1, b = 2}; return function(c) return t.a end"));
    /* a metatable is part of what a table is */
    assert_false(same_key("local t = setmetatable({}, {__index = {a = 1}})\n"
                          "return function(c) return t.a end",
                          "local t = setmetatable({}, {__index = {a = 2}})\n"
                          "return function(c) return t.a end"));
    /* cycles end */
    assert_true(same_key("local t = {}; t.self = t; return function(c) return t.self end",
                         "local t = {}; t.self = t; return function(c) return t.self end"));
    /* a table shared and two equal tables are not the same thing */
    assert_false(same_key("local s = {1}; local t = {s, s}; return function(c) return t end",
                          "local t = {{1}, {1}}; return function(c) return t end"));
}

static void globals_are_reached_through_the_environment(void **state)
{
    (void)state;
    assert_true(same_key("math.lift = 2; return function(c) return math.lift end",
                         "math.lift = 2; return function(c) return math.lift end"));
    assert_false(same_key("math.lift = 2; return function(c) return math.lift end",
                          "math.lift = 3; return function(c) return math.lift end"));
}

static void what_cannot_be_compared_has_no_key(void **state)
{
    (void)state;
    fnkey key = {0};
    /* io.stdout is a userdata: what it holds is out of sight */
    assert_false(key_of("local f = io.stdout; return function(c) return f end", true, &key));
    assert_false(key_of_chunk("local t = {[{}] = 1}; return function(c) return t end", &key));
    /* nesting deeper than any scenario's tables */
    assert_false(key_of_chunk("local t = {}\n"
                              "for i = 1, 100 do t = {t} end\n"
                              "return function(c) return t end",
                              &key));
    fnkey_free(&key);
}

/* ---- compiling with a memo ---- */

static const char SCENARIO[] = "scenario { days = 40, customers = 10 }\n"
                               "local lift = param \"lift\" { 1, low = 0.5, high = 2 }\n"
                               "persona \"a\" { share = 0.5, mood = -1 }\n"
                               "persona \"b\" { share = 0.5, mood = 2 }\n"
                               "stage \"s\" { entry = true }\n"
                               "stage \"t\" { purchase = true, value = 10 }\n"
                               "stage \"u\" { terminal = true }\n"
                               "local fixed_calls, lifted_calls = 0, 0\n"
                               "transition(\"s\", \"t\", function(c)\n"
                               "  fixed_calls = fixed_calls + 1\n"
                               "  return math.min(0.2, 0.01 * c.days_in_stage)\n"
                               "end)\n"
                               "transition(\"t\", \"u\", function(c)\n"
                               "  lifted_calls = lifted_calls + 1\n"
                               "  return 0.02 * lift * (c.mood + 4) / 4\n"
                               "end)\n"
                               "transition(\"t\", \"s\", 0.3)\n";

typedef struct {
    scn_scenario *scn;
    var_list variants;
    cmp_model *model;
} compiled;

static compiled compile_at(const char *path, const char *assignment, const cmp_memo *reuse,
                           cmp_memo **keep)
{
    compiled c = {0};
    cj_err err = {0};
    prm_set set = {0};
    const char *assignments[1] = {assignment};
    assert_int_equal(prm_set_build(&set, NULL, assignments, assignment ? 1 : 0, &err), CJ_OK);
    c.scn = scn_load_params(path, NULL, &set, &err);
    assert_non_null(c.scn);
    var_default(c.scn, &c.variants);
    c.model = cmp_build_memo(c.scn, &c.variants, 40, reuse, keep, &err);
    assert_non_null(c.model);
    prm_set_free(&set);
    return c;
}

static void compiled_free(compiled *c)
{
    cmp_free(c->model);
    var_free(&c->variants);
    scn_free(c->scn);
}

/* The value of upvalue `name` of edge e's function. */
static lua_Integer calls(const compiled *c, int e, const char *name)
{
    lua_State *L = c->scn->L;
    lua_rawgeti(L, LUA_REGISTRYINDEX, c->scn->edges[e].prob.func_ref);
    for (int i = 1;; i++) {
        const char *up = lua_getupvalue(L, -1, i);
        assert_non_null(up);
        if (strcmp(up, name) == 0) {
            lua_Integer n = lua_tointeger(L, -1);
            lua_pop(L, 2);
            return n;
        }
        lua_pop(L, 1);
    }
}

static bool same_model(const compiled *a, const compiled *b)
{
    uint8_t da[FP_SIZE], db[FP_SIZE];
    fp_model(a->model, 10, 1, da);
    fp_model(b->model, 10, 1, db);
    return memcmp(da, db, FP_SIZE) == 0;
}

static void a_compile_calls_only_what_the_parameters_change(void **state)
{
    (void)state;
    char *path = tu_write_scenario(SCENARIO);
    cmp_memo *memo = NULL;
    compiled base = compile_at(path, NULL, NULL, &memo);
    assert_non_null(memo);
    assert_int_equal(memo_functions(memo), 2);
    assert_true(calls(&base, 0, "fixed_calls") > 0);

    /* Another value of lift: s -> t reads nothing of it and is not called;
     * t -> u is; the tables are those of a compile from scratch. */
    compiled changed = compile_at(path, "lift=1.5", memo, NULL);
    compiled scratch = compile_at(path, "lift=1.5", NULL, NULL);
    assert_int_equal(calls(&changed, 0, "fixed_calls"), 0);
    assert_true(calls(&changed, 1, "lifted_calls") > 0);
    assert_int_equal(calls(&changed, 1, "lifted_calls"), calls(&scratch, 1, "lifted_calls"));
    assert_true(same_model(&changed, &scratch));
    assert_false(same_model(&changed, &base));

    /* The same value as the memo's: nothing is called, nothing differs. */
    compiled again = compile_at(path, "lift=1", memo, NULL);
    assert_int_equal(calls(&again, 0, "fixed_calls"), 0);
    assert_int_equal(calls(&again, 1, "lifted_calls"), 0);
    assert_true(same_model(&again, &base));

    compiled_free(&again);
    compiled_free(&scratch);
    compiled_free(&changed);
    compiled_free(&base);
    memo_free(memo);
    unlink(path);
    free(path);
}

/* A persona attribute is part of what every function sees: a parameter
 * that changes one makes every function run again. */
static void persona_attributes_are_part_of_the_context(void **state)
{
    (void)state;
    char *path = tu_write_scenario(
        "scenario { days = 10, customers = 10 }\n"
        "local size = param \"size\" { 3, low = 1, high = 9 }\n"
        "persona \"a\" { share = 1, size = size }\n"
        "stage \"s\" { entry = true }\n"
        "stage \"u\" { terminal = true }\n"
        "local calls = 0\n"
        "transition(\"s\", \"u\", function(c) calls = calls + 1; return 0.01 * c.size end)\n");
    cmp_memo *memo = NULL;
    compiled base = compile_at(path, NULL, NULL, &memo);
    compiled changed = compile_at(path, "size=5", memo, NULL);
    compiled scratch = compile_at(path, "size=5", NULL, NULL);
    assert_true(calls(&changed, 0, "calls") > 0);
    assert_true(same_model(&changed, &scratch));
    assert_false(same_model(&changed, &base));
    compiled_free(&scratch);
    compiled_free(&changed);
    compiled_free(&base);
    memo_free(memo);
    unlink(path);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(upvalues_and_code_make_the_key),
        cmocka_unit_test(tables_are_compared_by_content_not_layout),
        cmocka_unit_test(globals_are_reached_through_the_environment),
        cmocka_unit_test(what_cannot_be_compared_has_no_key),
        cmocka_unit_test(a_compile_calls_only_what_the_parameters_change),
        cmocka_unit_test(persona_attributes_are_part_of_the_context),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
