/* target: declarations as the scenario makes them, the binomial figures
 * against a hand computation, and a target measured on a run by persona and
 * by day (the exact messages of bad targets are tested end to end in
 * tests/e2e/65_calibrate.t). */
#include <math.h>

#include "target_eval.h"
#include "testutil.h"

/* Persona "a" buys on day 1, goes home on day 2 and buys again on day 3;
 * persona "b" never buys: every share is known whatever the random
 * numbers. */
static const char SHOP[] =
    "scenario { days = 10, customers = 100 }\n"
    "persona \"a\" { share = 0.5 }\n"
    "persona \"b\" { share = 0.5 }\n"
    "stage \"visit\" { entry = true }\n"
    "stage \"buy\" { purchase = true, value = 10 }\n"
    "stage \"home\" { }\n"
    "transition(\"visit\", \"buy\", { a = 1, b = 0 })\n"
    "transition(\"buy\", \"home\", 1)\n"
    "transition(\"home\", \"buy\", function(c) return c.purchases < 2 and 1 or 0 end)\n"
    "target \"bought\" { buyers = 40, of = 100 }\n"
    "target \"a_again\" { repeat_buyers = 9, of = 10, persona = \"a\" }\n"
    "target \"a_by_1\" { stage = \"buy\", reached = 5, of = 10, by_day = 1, persona = \"a\" }\n"
    "target \"again_by_3\" { repeat_buyers = 5, of = 10, by_day = 3 }\n"
    "target \"homes\" { stage = \"home\", reached = 50, of = 100 }\n"
    "target \"again_by_2\" { repeat_buyers = 0, of = 10, by_day = 2 }\n";

static void declarations_are_recorded(void **state)
{
    (void)state;
    char *path = tu_write_scenario(SHOP);
    cj_err err = {0};
    scn_scenario *scn = scn_load(path, NULL, &err);
    if (!scn)
        fail_msg("%s", err.msg);
    const tgt_list *l = &scn->targets;
    assert_int_equal(l->n, 6);
    assert_string_equal(l->items[0].name, "bought");
    assert_int_equal(l->items[0].kind, TGT_BUYERS);
    assert_int_equal(l->items[0].persona, -1);
    assert_int_equal(l->items[0].observed, 40);
    assert_int_equal(l->items[0].of, 100);
    assert_int_equal(l->items[0].line, 10);
    assert_string_equal(l->items[0].file, path);
    assert_int_equal(l->items[1].kind, TGT_REPEAT_BUYERS);
    assert_int_equal(l->items[1].persona, 0);
    assert_int_equal(l->items[2].kind, TGT_REACHED);
    assert_int_equal(l->items[2].stage, 1);
    assert_int_equal(l->items[2].by_day, 1);
    assert_int_equal(l->items[4].stage, 2);
    char what[128];
    tgt_describe(&l->items[2], what, sizeof what);
    assert_string_equal(what, "reached 'buy' by day 1 (a)");
    tgt_describe(&l->items[3], what, sizeof what);
    assert_string_equal(what, "bought again by day 3");
    scn_free(scn);
    unlink(path);
    free(path);
}

static void binomial_figures_by_hand(void **state)
{
    (void)state;
    /* C(10, 3) = 120 */
    assert_float_equal(tgt_binomial_loglik(3, 10, 0.2), log(120) + 3 * log(0.2) + 7 * log(0.8),
                       1e-12);
    assert_float_equal(tgt_binomial_loglik(0, 5, 0.5), 5 * log(0.5), 1e-12);
    /* (30 - 100 * 0.2) / sqrt(100 * 0.2 * 0.8) = 10 / 4 */
    assert_float_equal(tgt_z(30, 100, 0.2), 2.5, 1e-12);
    assert_float_equal(tgt_z(10, 100, 0.2), -2.5, 1e-12);
    /* a share of 0 explains a count of 0, and no other */
    assert_float_equal(tgt_z(0, 100, 0), 0, 0);
    assert_true(isnan(tgt_z(1, 100, 0)));
    /* a share of 0 is a large penalty, not minus infinity */
    assert_true(isfinite(tgt_binomial_loglik(1, 100, 0)));
    assert_true(tgt_binomial_loglik(1, 100, 0) < tgt_binomial_loglik(1, 100, 0.01) - 20);
}

static void measured_by_persona_and_day(void **state)
{
    (void)state;
    char *path = tu_write_scenario(SHOP);
    tu_run run;
    tu_run_scenario(&run, path, 1000, 10, 1, 2);
    const tgt_list *l = &run.scn->targets;
    double want[] = {0.5, 1, 1, 0.5, 0.5, 0};
    for (size_t i = 0; i < l->n; i++) {
        tgt_measure_t m = tgt_measure(&l->items[i], &run.totals);
        assert_float_equal(m.simulated, want[i], 1e-12);
        assert_float_equal(m.share, (double)l->items[i].observed / (double)l->items[i].of, 0);
        assert_float_equal(m.z, tgt_z(l->items[i].observed, l->items[i].of, want[i]), 1e-12);
    }
    double sum = 0;
    for (size_t i = 0; i < l->n; i++)
        sum += tgt_binomial_loglik(l->items[i].observed, l->items[i].of, want[i]);
    assert_float_equal(tgt_loglik(l, &run.totals), sum, 1e-9);
    tu_run_free(&run);
    unlink(path);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(declarations_are_recorded),
        cmocka_unit_test(binomial_figures_by_hand),
        cmocka_unit_test(measured_by_persona_and_day),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
