/* param: declarations as the scenario makes them, parameter sets from the
 * command line and from JSON, the quantiles uncertainty analysis draws, and
 * how errors name the values (the exact messages of bad declarations are
 * tested end to end in tests/e2e/50_params.t). */
#include <math.h>

#include "cli.h"
#include "param.h"
#include "testutil.h"

static const char DESIGN[] =
    "scenario { days = 30, customers = 100 }\n"
    "local effect = param \"consult_effect\" { 1.4, low = 1.0, high = 1.8 }\n"
    "local rebuy  = param \"p_rebuy\" { 0.012, low = 0.006, high = 0.02, dist = beta(12, 988) }\n"
    "local size = param \"team_size\" { 12 }\n"
    "local cost = param \"cost\" { 2, dist = gamma(4, 0.5) }\n"
    "persona \"coach\" { share = 1, team_size = size }\n"
    "stage \"usage\" { entry = true }\n"
    "stage \"purchase\" { purchase = true, value = 40 }\n"
    "transition(\"usage\", \"purchase\", function(c) return rebuy + 0.003 * c.mood end)\n"
    "intervention \"expert_consultation\" { scale = { [\"usage->purchase\"] = effect },\n"
    "  cost_per_customer = cost }\n";

static scn_scenario *load(const char *text, const prm_set *set, cj_err *err, char **path)
{
    *path = tu_write_scenario(text);
    return scn_load_params(*path, NULL, set, err);
}

static void unload(scn_scenario *scn, char *path)
{
    scn_free(scn);
    unlink(path);
    free(path);
}

static void declarations_are_recorded_with_defaults(void **state)
{
    (void)state;
    cj_err err = {0};
    char *path;
    scn_scenario *scn = load(DESIGN, NULL, &err, &path);
    if (!scn)
        fail_msg("%s", err.msg);
    const prm_list *l = &scn->params;
    assert_int_equal(l->n, 4);

    const prm_param *effect = &l->items[0];
    assert_string_equal(effect->name, "consult_effect");
    assert_string_equal(effect->file, path);
    assert_int_equal(effect->line, 2);
    assert_float_equal(effect->def, 1.4, 0);
    assert_float_equal(effect->value, 1.4, 0);
    assert_null(effect->source);
    assert_true(effect->has_range);
    assert_float_equal(effect->low, 1.0, 0);
    assert_float_equal(effect->high, 1.8, 0);
    /* a range without dist is uniform over it */
    assert_false(effect->dist_given);
    assert_int_equal(effect->dist.kind, PRM_UNIFORM);
    assert_float_equal(effect->dist.arg[0], 1.0, 0);
    assert_float_equal(effect->dist.arg[1], 1.8, 0);

    const prm_param *rebuy = prm_find(l, "p_rebuy");
    assert_non_null(rebuy);
    assert_true(rebuy->dist_given);
    assert_int_equal(rebuy->dist.kind, PRM_BETA);
    assert_float_equal(rebuy->dist.arg[0], 12, 0);
    assert_float_equal(rebuy->dist.arg[1], 988, 0);

    const prm_param *size = prm_find(l, "team_size");
    assert_false(size->has_range);
    assert_int_equal(size->dist.kind, PRM_FIXED);
    assert_false(prm_uncertain(size));
    assert_true(size->def_integer);

    /* a distribution without a range: uncertain, but nothing to sweep */
    const prm_param *cost = prm_find(l, "cost");
    assert_false(cost->has_range);
    assert_true(prm_uncertain(cost));
    assert_int_equal(cost->dist.kind, PRM_GAMMA);

    /* the values reached the places the scenario used them */
    assert_float_equal(scn->interventions[0].changes[0].factor, 1.4, 0);
    assert_float_equal(scn->interventions[0].cost_per_customer, 2, 0);
    assert_float_equal(scn->personas[0].attrs[0].number, 12, 0);
    assert_null(prm_find(l, "nothing"));
    unload(scn, path);
}

static void a_set_overrides_values_and_unknown_names_fail(void **state)
{
    (void)state;
    prm_set set = {0};
    prm_set_put(&set, "consult_effect", 1.6, "--set");
    prm_set_put(&set, "cost", 5, "calibration.json");
    prm_set_put(&set, "cost", 7, "--set"); /* a later value wins */
    assert_int_equal(set.n, 2);
    cj_err err = {0};
    char *path;
    scn_scenario *scn = load(DESIGN, &set, &err, &path);
    if (!scn)
        fail_msg("%s", err.msg);
    const prm_param *effect = prm_find(&scn->params, "consult_effect");
    assert_float_equal(effect->value, 1.6, 0);
    assert_float_equal(effect->def, 1.4, 0);
    assert_string_equal(effect->source, "--set");
    assert_float_equal(scn->interventions[0].changes[0].factor, 1.6, 0);
    assert_float_equal(scn->interventions[0].cost_per_customer, 7, 0);
    char text[128];
    assert_true(prm_describe_changed(&scn->params, text, sizeof text));
    assert_string_equal(text, "consult_effect = 1.6, cost = 7");
    unload(scn, path);

    prm_set_put(&set, "consult_efect", 1, "--set");
    memset(&err, 0, sizeof err);
    scn = load(DESIGN, &set, &err, &path);
    assert_null(scn);
    assert_int_equal(err.status, CJ_ERR_USAGE);
    assert_non_null(strstr(err.msg, "unknown parameter 'consult_efect' in --set"));
    assert_non_null(strstr(err.msg, "did you mean 'consult_effect'?"));
    unload(NULL, path);
    prm_set_free(&set);
    assert_int_equal(set.n, 0);
}

static void assignments_are_checked(void **state)
{
    (void)state;
    char name[PRM_NAME_MAX + 1];
    double v;
    cj_err err = {0};
    assert_int_equal(prm_parse_assignment("p_rebuy=0.015", name, &v, &err), CJ_OK);
    assert_string_equal(name, "p_rebuy");
    assert_float_equal(v, 0.015, 0);
    assert_int_equal(prm_parse_assignment("x=-2e-3", name, &v, &err), CJ_OK);
    assert_float_equal(v, -0.002, 0);
    static const char *const BAD[] = {"p_rebuy", "=1",    "1x=2",  "a b=1",   "x=",  "x=abc",
                                      "x=1.5kg", "x=inf", "x=nan", "x=1e400", "x= ", NULL};
    for (const char *const *bad = BAD; *bad; bad++) {
        memset(&err, 0, sizeof err);
        if (prm_parse_assignment(*bad, name, &v, &err) != CJ_ERR_USAGE)
            fail_msg("'%s' was accepted", *bad);
        assert_non_null(strstr(err.msg, "--set"));
    }
    assert_true(prm_valid_name("_a1"));
    assert_false(prm_valid_name(""));
    assert_false(prm_valid_name("a.b"));
    char long_name[PRM_NAME_MAX + 2];
    memset(long_name, 'a', sizeof long_name - 1);
    long_name[PRM_NAME_MAX + 1] = '\0';
    assert_false(prm_valid_name(long_name));
    long_name[PRM_NAME_MAX] = '\0';
    assert_true(prm_valid_name(long_name));
}

static char *write_json(const char *text)
{
    return tu_write_scenario(text); /* any text file will do */
}

static void params_files_are_read_and_set_wins(void **state)
{
    (void)state;
    char *path = write_json("{ \"params\": { \"a\": 1.5, \"b\": 2 }, \"loglik\": -3,\n"
                            "  \"intervals\": { \"a\": [1, 2] } }\n");
    const char *const sets[] = {"b=3"};
    prm_set set = {0};
    cj_err err = {0};
    assert_int_equal(prm_set_build(&set, path, sets, 1, &err), CJ_OK);
    assert_int_equal(set.n, 2);
    assert_string_equal(set.items[0].name, "a");
    assert_float_equal(set.items[0].value, 1.5, 0);
    assert_string_equal(set.items[0].source, path);
    assert_string_equal(set.items[1].name, "b");
    assert_float_equal(set.items[1].value, 3, 0);
    assert_string_equal(set.items[1].source, "--set");
    prm_set_free(&set);
    unlink(path);
    free(path);

    static const struct {
        const char *text, *says;
    } BAD[] = {
        {"{ \"a\": 1 }", "no top-level \"params\" object"},
        {"[1, 2]", "no top-level \"params\" object"},
        {"{ \"params\": [1] }", "no top-level \"params\" object"},
        {"{ \"params\": { \"a\": \"1\" } }", "the value of 'a' must be a number"},
        {"{ \"params\": { \"a b\": 1 } }", "'a b' is not a parameter name"},
        {"{ \"params\": ", "--params"},
    };
    for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
        path = write_json(BAD[i].text);
        memset(&err, 0, sizeof err);
        assert_int_equal(prm_set_build(&set, path, NULL, 0, &err), CJ_ERR_USAGE);
        if (!strstr(err.msg, BAD[i].says) || !strstr(err.msg, path))
            fail_msg("%s: %s", BAD[i].text, err.msg);
        prm_set_free(&set);
        unlink(path);
        free(path);
    }
    memset(&err, 0, sizeof err);
    assert_int_equal(prm_set_build(&set, "/nonexistent/calibration.json", NULL, 0, &err),
                     CJ_ERR_USAGE);
    assert_non_null(strstr(err.msg, "/nonexistent/calibration.json"));
    prm_set_free(&set);
}

static prm_param with_dist(prm_dist_kind kind, double a, double b, double c)
{
    prm_param p = {0};
    p.def = 0.5;
    p.dist = (prm_dist){kind, {a, b, c}};
    return p;
}

/* Quantiles against closed forms and published values. */
static void quantiles(void **state)
{
    (void)state;
    prm_param p = with_dist(PRM_UNIFORM, 2, 4, 0);
    assert_float_equal(prm_draw(&p, 0.25), 2.5, 1e-12);
    /* triangular(0, 1, 2): F(x) = x^2 / 2 below the mode */
    p = with_dist(PRM_TRIANGULAR, 0, 1, 2);
    assert_float_equal(prm_draw(&p, 0.125), 0.5, 1e-12);
    assert_float_equal(prm_draw(&p, 0.5), 1.0, 1e-12);
    assert_float_equal(prm_draw(&p, 0.875), 1.5, 1e-12);
    /* a mode at an end */
    p = with_dist(PRM_TRIANGULAR, 0, 0, 1);
    assert_float_equal(prm_draw(&p, 0.75), 0.5, 1e-12);
    p = with_dist(PRM_NORMAL, 10, 2, 0);
    assert_float_equal(prm_draw(&p, 0.975), 10 + 2 * 1.959963984540054, 1e-9);
    assert_float_equal(prm_draw(&p, 0.5), 10, 1e-12);
    p = with_dist(PRM_LOGNORMAL, 0.5, 0.25, 0);
    assert_float_equal(prm_draw(&p, 0.025), exp(0.5 - 0.25 * 1.959963984540054), 1e-9);
    /* beta(2, 1): F(x) = x^2; beta(1, 3): F(x) = 1 - (1 - x)^3 */
    p = with_dist(PRM_BETA, 2, 1, 0);
    assert_float_equal(prm_draw(&p, 0.36), 0.6, 1e-9);
    p = with_dist(PRM_BETA, 1, 3, 0);
    assert_float_equal(prm_draw(&p, 0.875), 0.5, 1e-9);
    /* beta(12, 988): mean 0.012; its median lies a little below */
    p = with_dist(PRM_BETA, 12, 988, 0);
    double median = prm_draw(&p, 0.5);
    assert_true(median > 0.0110 && median < 0.0120);
    /* gamma(1, 2) is exponential with mean 2; gamma(2, 1)'s median is
     * 1.678346990016661 */
    p = with_dist(PRM_GAMMA, 1, 2, 0);
    assert_float_equal(prm_draw(&p, 0.5), 2 * log(2), 1e-9);
    p = with_dist(PRM_GAMMA, 2, 1, 0);
    assert_float_equal(prm_draw(&p, 0.5), 1.678346990016661, 1e-9);
    /* quantiles grow with u */
    double last = -INFINITY;
    for (double u = 0.01; u < 1; u += 0.01) {
        double x = prm_draw(&p, u);
        assert_true(x > last);
        last = x;
    }
    assert_true(isnan(prm_draw(&p, 0)));
    assert_true(isnan(prm_draw(&p, 1)));
    p = with_dist(PRM_FIXED, 0, 0, 0);
    assert_float_equal(prm_draw(&p, 0.3), 0.5, 0);
}

static void texts(void **state)
{
    (void)state;
    char buf[64];
    prm_number_text(300, buf, sizeof buf);
    assert_string_equal(buf, "300");
    prm_number_text(0.1, buf, sizeof buf);
    assert_string_equal(buf, "0.1");
    prm_number_text(0.1 + 0.2, buf, sizeof buf);
    assert_string_equal(buf, "0.30000000000000004");
    prm_number_text(1e-7, buf, sizeof buf);
    assert_string_equal(buf, "1e-07");
    prm_number_text(-3.1, buf, sizeof buf);
    assert_string_equal(buf, "-3.1");
    prm_dist d = {PRM_TRIANGULAR, {0.5, 0.7, 0.9}};
    prm_dist_text(&d, buf, sizeof buf);
    assert_string_equal(buf, "triangular(0.5, 0.7, 0.9)");
    d = (prm_dist){PRM_FIXED, {0, 0, 0}};
    prm_dist_text(&d, buf, sizeof buf);
    assert_string_equal(buf, "fixed");
}

/* A scenario error names the values that are not the defaults; with a
 * context (a draw of uncertainty analysis) it says which draw. */
static void errors_name_the_values(void **state)
{
    (void)state;
    const char *text = "local d = param \"d\" { 10, low = 1, high = 20 }\n"
                       "local e = param \"e\" { 1 }\n"
                       "scenario { days = d }\n"
                       "stage \"a\" { entry = true }\n";
    prm_set set = {0};
    prm_set_put(&set, "d", 0, "--set");
    cj_err err = {0};
    char *path;
    scn_scenario *scn = load(text, &set, &err, &path);
    assert_null(scn);
    assert_int_equal(err.status, CJ_ERR_SCENARIO);
    assert_non_null(strstr(err.msg, ":3: "));
    size_t len = strlen(err.msg), tail = strlen(" (with d = 0)");
    assert_true(len > tail);
    assert_string_equal(err.msg + len - tail, " (with d = 0)");
    unload(NULL, path);

    set.context = "draw 17";
    memset(&err, 0, sizeof err);
    scn = load(text, &set, &err, &path);
    assert_null(scn);
    char want[256];
    snprintf(want, sizeof want, "in draw 17 (d = 0): %s:3: ", path);
    assert_memory_equal(err.msg, want, strlen(want));
    unload(NULL, path);

    /* at the defaults the message is left as it is */
    prm_list list = {0};
    cj_err plain = {CJ_ERR_SCENARIO, "S.lua:1: wrong"};
    prm_explain_error(&plain, &list);
    assert_string_equal(plain.msg, "S.lua:1: wrong");
    prm_set_free(&set);
}

/* --set and --params on the command line of run and check, in both forms. */
static void command_line_options(void **state)
{
    (void)state;
    const char *argv[] = {"cjmsim",      "check",    "s.lua",      "--set", "a=1",
                          "--set=b=2.5", "--params", "calib.json", "--set", "a=3"};
    cli_options o;
    cj_err err = {0};
    assert_int_equal(cli_parse(10, (char **)(uintptr_t)argv, &o, &err), CJ_OK);
    assert_int_equal(o.command, CLI_CHECK);
    assert_int_equal(o.n_sets, 3);
    assert_string_equal(o.sets[0], "a=1");
    assert_string_equal(o.sets[1], "b=2.5");
    assert_string_equal(o.sets[2], "a=3");
    assert_string_equal(o.params_file, "calib.json");
    prm_set set = {0};
    /* the file is read first; no file here */
    assert_int_equal(prm_set_build(&set, NULL, o.sets, o.n_sets, &err), CJ_OK);
    assert_int_equal(set.n, 2);
    assert_float_equal(set.items[0].value, 3, 0); /* the last --set a wins */
    prm_set_free(&set);

    const char *bad[] = {"cjmsim", "run", "s.lua", "--set", "a=x"};
    memset(&err, 0, sizeof err);
    assert_int_equal(cli_parse(5, (char **)(uintptr_t)bad, &o, &err), CJ_ERR_USAGE);
    assert_string_equal(err.msg, "--set a=x: 'x' is not a number");
    const char *missing[] = {"cjmsim", "run", "s.lua", "--params"};
    memset(&err, 0, sizeof err);
    assert_int_equal(cli_parse(4, (char **)(uintptr_t)missing, &o, &err), CJ_ERR_USAGE);
    assert_string_equal(err.msg, "--params needs a value");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(declarations_are_recorded_with_defaults),
        cmocka_unit_test(a_set_overrides_values_and_unknown_names_fail),
        cmocka_unit_test(assignments_are_checked),
        cmocka_unit_test(params_files_are_read_and_set_wins),
        cmocka_unit_test(quantiles),
        cmocka_unit_test(texts),
        cmocka_unit_test(errors_name_the_values),
        cmocka_unit_test(command_line_options),
    };
    return cmocka_run_group_tests_name("param", tests, NULL, NULL);
}
