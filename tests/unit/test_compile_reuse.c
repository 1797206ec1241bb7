/* compile: a probability function is called once for the customers it cannot
 * tell apart (by what it read), and only for those: a function of days in
 * stage alone runs once per day, not once per persona; one that reads the
 * persona and the mood keeps each persona's own values. */
#include <lauxlib.h>
#include <lua.h>

#include "testutil.h"

static const char SCENARIO[] = "scenario { days = 30, customers = 10 }\n"
                               "persona \"a\" { share = 0.5, mood = -3 }\n"
                               "persona \"b\" { share = 0.5, mood = 3 }\n"
                               "stage \"s\" { entry = true }\n"
                               "stage \"t\" {}\n"
                               "stage \"u\" { terminal = true }\n"
                               "local calls = 0\n"
                               "transition(\"s\", \"t\", function(c)\n"
                               "  calls = calls + 1\n"
                               "  if c.days_in_stage < 3 then return 0 end\n"
                               "  return 0.1\n"
                               "end)\n"
                               "transition(\"t\", \"u\", function(c)\n"
                               "  if c.persona == \"a\" then return 0.01 * (c.mood + 4) end\n"
                               "  return 0.05\n"
                               "end)\n";

static void functions_run_once_per_distinct_customer(void **state)
{
    (void)state;
    char *path = tu_write_scenario(SCENARIO);
    cj_err err = {0};
    scn_scenario *scn = scn_load(path, NULL, &err);
    assert_non_null(scn);
    var_list variants = {0};
    var_default(scn, &variants);
    cmp_model *model = cmp_build(scn, &variants, 30, &err);
    assert_non_null(model);

    /* s -> t read only c.days_in_stage: called on each of 30 days once,
     * although personas a (mood -3) and b (mood 3) both are in s. */
    lua_State *L = scn->L;
    lua_rawgeti(L, LUA_REGISTRYINDEX, scn->edges[0].prob.func_ref);
    assert_string_equal(lua_getupvalue(L, -1, 1), "calls");
    assert_int_equal(lua_tointeger(L, -1), 30);
    lua_pop(L, 2);

    /* t -> u: a's value from its mood, b's its own */
    const cmp_plan *a = &model->variants[0].plans[0], *b = &model->variants[0].plans[1];
    assert_float_equal(a->p_min[1], 0.01, 1e-12);
    assert_float_equal(a->p_max[1], 0.01, 1e-12);
    assert_float_equal(b->p_min[1], 0.05, 1e-12);
    assert_float_equal(b->p_max[1], 0.05, 1e-12);
    /* and s -> t the same for both */
    assert_float_equal(b->p_max[0], 0.1, 1e-12);
    assert_float_equal(a->p_min[0], 0, 1e-12);

    cmp_free(model);
    var_free(&variants);
    scn_free(scn);
    unlink(path);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(functions_run_once_per_distinct_customer),
    };
    return cmocka_run_group_tests_name("compile_reuse", tests, NULL, NULL);
}
