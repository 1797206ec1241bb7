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

/* Builds `text`'s model over `days` days (NULL on an error, into err). */
static cmp_model *build(const char *text, int days, scn_scenario **scn, var_list *variants,
                        char **path, cj_err *err)
{
    *path = tu_write_scenario(text);
    *scn = scn_load(*path, NULL, err);
    assert_non_null(*scn);
    var_default(*scn, variants);
    return cmp_build(*scn, variants, days, err);
}

static void done(cmp_model *model, scn_scenario *scn, var_list *variants, char *path)
{
    cmp_free(model);
    var_free(variants);
    scn_free(scn);
    unlink(path);
    free(path);
}

/* A field's value, once read, is kept for the reads that follow in the same
 * state: the read still counts from the first day it happens on, the days
 * move on, and the next state starts afresh. s -> t reads the mood only
 * from day 4: a (mood -3) and b (mood 3) differ, which they would not if
 * the late read went unnoticed (b would copy a's values) or if a's mood
 * stayed for b. */
static void values_read_are_kept_per_state(void **state)
{
    (void)state;
    static const char text[] = "scenario { days = 30, customers = 10 }\n"
                               "persona \"a\" { share = 0.5, mood = -3, k = 1 }\n"
                               "persona \"b\" { share = 0.5, mood = 3, k = 2 }\n"
                               "stage \"s\" { entry = true }\n"
                               "stage \"t\" {}\n"
                               "stage \"u\" { terminal = true }\n"
                               "transition(\"s\", \"t\", function(c)\n"
                               "  if c.days_in_stage < 4 then return 0 end\n"
                               "  return 0.01 * (c.mood + 4) + 0 * c.mood\n"
                               "end)\n"
                               "transition(\"t\", \"u\", function(c)\n"
                               "  return 0.001 * c.k * math.min(c.days_in_stage, 10)\n"
                               "end)\n";
    scn_scenario *scn;
    var_list variants = {0};
    char *path;
    cj_err err = {0};
    cmp_model *model = build(text, 30, &scn, &variants, &path, &err);
    assert_non_null(model);
    const cmp_plan *a = &model->variants[0].plans[0], *b = &model->variants[0].plans[1];
    assert_float_equal(a->p_min[0], 0, 1e-12);
    assert_float_equal(a->p_max[0], 0.01, 1e-12);
    assert_float_equal(b->p_max[0], 0.07, 1e-12);
    /* t -> u: the day moves on (0.001 k on day 1 up to 0.01 k from day
     * 10), and the attribute is each persona's own. */
    assert_float_equal(a->p_min[1], 0.001, 1e-12);
    assert_float_equal(a->p_max[1], 0.01, 1e-12);
    assert_float_equal(b->p_min[1], 0.002, 1e-12);
    assert_float_equal(b->p_max[1], 0.02, 1e-12);
    done(model, scn, &variants, path);
}

/* c stays read-only and empty after its fields were read: writing a field
 * read before is an error that names the line, and c has no fields of its
 * own (next(c) is nil, rawget finds nothing). */
static void c_stays_read_only(void **state)
{
    (void)state;
    static const char head[] = "scenario { days = 10, customers = 10 }\n"
                               "persona \"a\" { share = 1, mood = 0, k = 1 }\n"
                               "stage \"s\" { entry = true }\n"
                               "stage \"u\" { terminal = true }\n";
    static const char *const bodies[] = {
        "transition(\"s\", \"u\", function(c)\n"
        "  local m = c.mood + c.k\n"
        "  if c.days_in_stage > 2 then c.mood = m end\n"
        "  return 0.1\n"
        "end)\n",
        "transition(\"s\", \"u\", function(c)\n"
        "  local m = c.mood + c.k + c.days_in_stage\n"
        "  if next(c) ~= nil or rawget(c, \"mood\") ~= nil then return 2 end\n"
        "  return 0.1\n"
        "end)\n",
    };
    for (size_t i = 0; i < sizeof bodies / sizeof *bodies; i++) {
        char text[1024];
        snprintf(text, sizeof text, "%s%s", head, bodies[i]);
        scn_scenario *scn;
        var_list variants = {0};
        char *path;
        cj_err err = {0};
        cmp_model *model = build(text, 10, &scn, &variants, &path, &err);
        if (i == 0) {
            assert_null(model);
            assert_non_null(strstr(err.msg, ":7: c is read-only"));
            assert_non_null(strstr(err.msg, "day 3 in stage"));
        } else {
            assert_non_null(model);
            assert_float_equal(model->variants[0].plans[0].p_max[0], 0.1, 1e-12);
        }
        done(model, scn, &variants, path);
    }
}

/* A function that returns no number on a later day is named with that day,
 * and a function's error with the state and day it was raised for. */
static void errors_name_the_day(void **state)
{
    (void)state;
    static const char head[] = "scenario { days = 10, customers = 10 }\n"
                               "persona \"a\" { share = 1, mood = 0 }\n"
                               "stage \"s\" { entry = true }\n"
                               "stage \"u\" { terminal = true }\n";
    static const char *const bodies[] = {
        "transition(\"s\", \"u\", function(c)\n"
        "  if c.days_in_stage == 4 then return \"x\" end\n"
        "  return 0.1\n"
        "end)\n",
        "transition(\"s\", \"u\", function(c)\n"
        "  if c.days_in_stage == 5 then error(\"boom\") end\n"
        "  return 0.1\n"
        "end)\n",
    };
    static const char *const expected[][2] = {
        {":5: the probability function of s->u returned a string, not a number",
         "day 4 in stage"},
        {":6: boom (in the probability of s->u", "day 5 in stage"},
    };
    for (size_t i = 0; i < 2; i++) {
        char text[1024];
        snprintf(text, sizeof text, "%s%s", head, bodies[i]);
        scn_scenario *scn;
        var_list variants = {0};
        char *path;
        cj_err err = {0};
        cmp_model *model = build(text, 10, &scn, &variants, &path, &err);
        assert_null(model);
        assert_int_equal(err.status, CJ_ERR_SCENARIO);
        assert_non_null(strstr(err.msg, expected[i][0]));
        assert_non_null(strstr(err.msg, expected[i][1]));
        done(model, scn, &variants, path);
    }
}

/* A function that takes c's metatables apart breaks its own scenario, not
 * the compiler: each gives a scenario error or a model, never a crash. */
static void tampering_with_c_is_harmless(void **state)
{
    (void)state;
    static const char head[] = "scenario { days = 10, customers = 10 }\n"
                               "persona \"a\" { share = 0.5, mood = 0 }\n"
                               "persona \"b\" { share = 0.5, mood = 1 }\n"
                               "stage \"s\" { entry = true }\n"
                               "stage \"u\" { terminal = true }\n";
    static const char *const bodies[] = {
        "transition(\"s\", \"u\", function(c)\n"
        "  local m = c.mood + c.days_in_stage\n"
        "  getmetatable(c).__index = 5\n"
        "  return 0.1\n"
        "end)\n",
        "transition(\"s\", \"u\", function(c)\n"
        "  local m = c.mood + c.days_in_stage\n"
        "  setmetatable(c, nil)\n"
        "  return 0.1\n"
        "end)\n",
        "transition(\"s\", \"u\", function(c)\n"
        "  local m = c.days_in_stage\n"
        "  local read = getmetatable(getmetatable(c).__index).__index\n"
        "  getmetatable(getmetatable(c).__index).__index = nil\n"
        "  return 0.01 * read(\"x\", \"mood\") + 0.01 * read({}, \"purchases\") + 0.1\n"
        "end)\n",
    };
    for (size_t i = 0; i < sizeof bodies / sizeof *bodies; i++) {
        char text[1024];
        snprintf(text, sizeof text, "%s%s", head, bodies[i]);
        scn_scenario *scn;
        var_list variants = {0};
        char *path;
        cj_err err = {0};
        cmp_model *model = build(text, 10, &scn, &variants, &path, &err);
        assert_true(model ? err.status == CJ_OK : err.status == CJ_ERR_SCENARIO);
        done(model, scn, &variants, path);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(functions_run_once_per_distinct_customer),
        cmocka_unit_test(values_read_are_kept_per_state),
        cmocka_unit_test(c_stays_read_only),
        cmocka_unit_test(errors_name_the_day),
        cmocka_unit_test(tampering_with_c_is_harmless),
    };
    return cmocka_run_group_tests_name("compile_reuse", tests, NULL, NULL);
}
