/* cli and variant: strict numbers, option forms, and --variants lists. */
#include "cli.h"
#include "testutil.h"

static void strict_whole_numbers(void **state)
{
    (void)state;
    static const char *const bad[] = {"", "abc", "-5", "+5", "1e30", "1.5", " 7", "7 ", "0x10"};
    uint64_t n = 0;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cj_err err = {0};
        assert_false(cli_number("--customers", bad[i], 1, 1000, &n, &err));
        assert_int_equal(err.status, CJ_ERR_USAGE);
        assert_non_null(strstr(err.msg, "is not a whole number"));
    }
    cj_err err = {0};
    assert_false(cli_number("--customers", "0", 1, 1000, &n, &err));
    assert_string_equal(err.msg, "--customers: 0 is out of range: it must be from 1 to 1000");
    memset(&err, 0, sizeof err);
    assert_false(cli_number("--seed", "99999999999999999999999", 0, UINT64_MAX / 2, &n, &err));
    assert_non_null(strstr(err.msg, "out of range"));
    memset(&err, 0, sizeof err);
    assert_true(cli_number("--days", "365", 1, 36500, &n, &err));
    assert_int_equal(n, 365);
}

static void run_options_in_both_forms(void **state)
{
    (void)state;
    const char *argv[] = {"cjmsim",   "run",       "s.lua", "--customers", "500", "--days=30",
                          "--seed=0", "--threads", "3",     "--out",       "dir", "--variants=a+b",
                          "--quiet"};
    cli_options o;
    cj_err err = {0};
    assert_int_equal(cli_parse(13, (char **)(uintptr_t)argv, &o, &err), CJ_OK);
    assert_int_equal(o.command, CLI_RUN);
    assert_string_equal(o.scenario, "s.lua");
    assert_true(o.has_customers && o.has_days && o.has_seed);
    assert_int_equal(o.customers, 500);
    assert_int_equal(o.days, 30);
    assert_int_equal(o.seed, 0);
    assert_int_equal(o.threads, 3);
    assert_string_equal(o.out, "dir");
    assert_string_equal(o.variants, "a+b");
    assert_true(o.quiet);
}

/* compare takes two results and --out; serve a scenario, --port and run's
 * simulation options; run takes --pdf. */
static void classroom_commands(void **state)
{
    (void)state;
    cli_options o;
    cj_err err = {0};
    const char *compare[] = {"cjmsim", "compare", "results/a", "b.lua", "--out=cmp", "-q"};
    assert_int_equal(cli_parse(6, (char **)(uintptr_t)compare, &o, &err), CJ_OK);
    assert_int_equal(o.command, CLI_COMPARE);
    assert_string_equal(o.compare_a, "results/a");
    assert_string_equal(o.compare_b, "b.lua");
    assert_string_equal(o.out, "cmp");
    assert_true(o.quiet);
    const char *serve[] = {"cjmsim",      "serve", "s.lua", "--port", "8123",
                           "--customers", "2000",  "--set", "p=0.5"};
    assert_int_equal(cli_parse(9, (char **)(uintptr_t)serve, &o, &err), CJ_OK);
    assert_int_equal(o.command, CLI_SERVE);
    assert_string_equal(o.scenario, "s.lua");
    assert_int_equal(o.port, 8123);
    assert_int_equal(o.customers, 2000);
    assert_int_equal(o.n_sets, 1);
    const char *pdf[] = {"cjmsim", "run", "s.lua", "--pdf"};
    assert_int_equal(cli_parse(4, (char **)(uintptr_t)pdf, &o, &err), CJ_OK);
    assert_true(o.pdf);
    const char *help[] = {"cjmsim", "help", "serve"};
    assert_int_equal(cli_parse(3, (char **)(uintptr_t)help, &o, &err), CJ_OK);
    assert_int_equal(o.help_topic, CLI_SERVE);

    static const struct {
        int argc;
        const char *argv[5];
        const char *message;
    } cases[] = {
        {3,
         {"cjmsim", "compare", "a"},
         "compare needs two results directories or scenarios: cjmsim compare results/a results/b"},
        {5, {"cjmsim", "compare", "a", "b", "c"}, "compare takes two results: got a third, 'c'"},
        {5,
         {"cjmsim", "compare", "a", "b", "--seed"},
         "unknown option '--seed' (see cjmsim compare --help)"},
        {4,
         {"cjmsim", "serve", "s.lua", "--quiet"},
         "serve takes no --quiet: it writes no results (see cjmsim serve --help)"},
        {4,
         {"cjmsim", "serve", "s.lua", "--port=65536"},
         "--port: 65536 is out of range: it must be from 0 to 65535"},
        {4, {"cjmsim", "run", "s.lua", "--port=1"}, "--port is an option of cjmsim serve"},
        {4,
         {"cjmsim", "check", "s.lua", "--pdf"},
         "check takes no --pdf (see cjmsim check --help)"},
        {4,
         {"cjmsim", "serve", "s.lua", "--fast"},
         "unknown option '--fast' (see cjmsim serve --help)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memset(&err, 0, sizeof err);
        assert_int_equal(cli_parse(cases[i].argc, (char **)(uintptr_t)cases[i].argv, &o, &err),
                         CJ_ERR_USAGE);
        assert_string_equal(err.msg, cases[i].message);
    }
}

static void command_line_mistakes(void **state)
{
    (void)state;
    static const struct {
        int argc;
        const char *argv[4];
        const char *message;
    } cases[] = {
        {1, {"cjmsim"}, "no command given (try: cjmsim run scenario.lua, or cjmsim --help)"},
        {2, {"cjmsim", "walk"}, "unknown command 'walk' (try: cjmsim run scenario.lua)"},
        {2, {"cjmsim", "run"}, "run needs a scenario file: cjmsim run scenario.lua"},
        {3, {"cjmsim", "run", "--fast"}, "unknown option '--fast' (see cjmsim --help)"},
        {3, {"cjmsim", "run", "--days"}, "--days needs a value"},
        {4, {"cjmsim", "run", "a.lua", "b.lua"}, "one scenario at a time: got 'a.lua' and 'b.lua'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cli_options o;
        cj_err err = {0};
        assert_int_equal(cli_parse(cases[i].argc, (char **)(uintptr_t)cases[i].argv, &o, &err),
                         CJ_ERR_USAGE);
        assert_string_equal(err.msg, cases[i].message);
    }
}

static void variant_lists(void **state)
{
    (void)state;
    cj_err err = {0};
    scn_scenario *scn = scn_load("tests/scenarios/design_core.lua", NULL, &err);
    assert_non_null(scn);
    var_list list;
    var_default(scn, &list);
    assert_int_equal(list.n, 4);
    assert_string_equal(list.items[0].name, "baseline");
    assert_string_equal(list.items[3].name, "order_notifications+expert_consultation");
    var_free(&list);

    /* order inside a variant does not matter; the baseline comes first */
    assert_int_equal(var_parse(scn, "expert_consultation+order_notifications", &list, &err), CJ_OK);
    assert_int_equal(list.n, 2);
    assert_string_equal(list.items[0].name, "baseline");
    assert_int_equal(list.items[1].mask, 3);
    assert_string_equal(list.items[1].name, "order_notifications+expert_consultation");
    var_free(&list);

    assert_int_equal(var_parse(scn, "baseline,baseline,order_notifications", &list, &err), CJ_OK);
    assert_int_equal(list.n, 2);
    var_free(&list);

    assert_int_equal(var_parse(scn, "order_notification", &list, &err), CJ_ERR_USAGE);
    assert_string_equal(err.msg, "--variants: unknown intervention 'order_notification'; the "
                                 "scenario's interventions are: order_notifications, "
                                 "expert_consultation");
    memset(&err, 0, sizeof err);
    assert_int_equal(var_parse(scn, "baseline,", &list, &err), CJ_ERR_USAGE);
    assert_non_null(strstr(err.msg, "empty name"));
    scn_free(scn);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(strict_whole_numbers),  cmocka_unit_test(run_options_in_both_forms),
        cmocka_unit_test(command_line_mistakes), cmocka_unit_test(classroom_commands),
        cmocka_unit_test(variant_lists),
    };
    return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
