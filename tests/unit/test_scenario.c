/* scenario: what a correct file turns into (the errors are tested end to
 * end in tests/e2e, with their exact messages). */
#include "testutil.h"

static scn_scenario *load_ok(const char *path)
{
    cj_err err = {0};
    scn_scenario *scn = scn_load(path, NULL, &err);
    if (!scn)
        fail_msg("%s", err.msg);
    return scn;
}

static void design_core_scenario(void **state)
{
    (void)state;
    scn_scenario *scn = load_ok("tests/scenarios/design_core.lua");
    assert_string_equal(scn->name, "Sports nutrition shop");
    assert_int_equal(scn->days, 180);
    assert_int_equal(scn->customers, 100000);
    assert_int_equal(scn->seed, 42);

    assert_int_equal(scn->n_personas, 3);
    assert_string_equal(scn->personas[0].name, "beginner");
    assert_float_equal(scn->personas[1].share, 0.35, 1e-12);
    assert_int_equal(scn->personas[2].mood, 1);
    assert_int_equal(scn->personas[2].n_attrs, 1);
    assert_string_equal(scn->personas[2].attrs[0].name, "team_size");
    assert_float_equal(scn->personas[2].attrs[0].number, 12, 0);
    const scn_text *needs = scn_text_get(&scn->personas[0].texts, "needs");
    assert_non_null(needs);
    assert_string_equal(needs->items[0], "simple guidance");

    assert_int_equal(scn->n_stages, 5);
    assert_int_equal(scn->entry, 0);
    const scn_stage *purchase = &scn->stages[scn_find_stage(scn, "purchase")];
    assert_true(purchase->purchase);
    assert_int_equal(purchase->emotion, -1);
    assert_float_equal(purchase->value[2], 40, 0);
    assert_true(scn->stages[scn_find_stage(scn, "churned")].terminal);
    const scn_text *touch = scn_text_get(&scn->stages[0].texts, "touchpoints");
    assert_int_equal(touch->n_items, 3);
    assert_string_equal(touch->items[2], "telegram");

    assert_int_equal(scn->n_edges, 5);
    assert_int_equal(scn->n_base_edges, 5);
    assert_int_equal(scn->edges[0].prob.kind, SCN_PROB_PERSONA);
    assert_float_equal(scn->edges[0].prob.per_persona[2], 0.20, 1e-12);
    assert_int_equal(scn->edges[1].prob.kind, SCN_PROB_NUMBER);
    assert_int_equal(scn->edges[2].prob.kind, SCN_PROB_FUNCTION);
    assert_int_equal(scn->edges[2].line, 17);

    assert_int_equal(scn->n_interventions, 2);
    const scn_intervention *notify = &scn->interventions[0];
    assert_int_equal(notify->at, scn_find_stage(scn, "purchase"));
    assert_int_equal(notify->mood, 1);
    assert_int_equal(notify->personas, 7);
    assert_true(notify->touches[notify->at]);
    const scn_intervention *consult = &scn->interventions[1];
    assert_int_equal(consult->personas, 1);
    assert_int_equal(consult->n_changes, 1);
    assert_false(consult->changes[0].is_set);
    assert_float_equal(consult->changes[0].factor, 1.4, 1e-12);
    assert_true(consult->touches[scn_find_stage(scn, "usage")]);
    assert_float_equal(consult->cost_per_customer, 2.0, 0);
    scn_free(scn);
}

/* A lesson-one scenario: no scenario{}, no personas, only a funnel. */
static void defaults_and_implicit_persona(void **state)
{
    (void)state;
    char *path = tu_write_scenario("stage 'ad' { entry = true }\n"
                                   "stage 'site' {}\n"
                                   "transition('ad', 'site', 0.05)\n");
    scn_scenario *scn = load_ok(path);
    assert_int_equal(scn->n_personas, 1);
    assert_string_equal(scn->personas[0].name, "everyone");
    assert_float_equal(scn->personas[0].share, 1.0, 0);
    assert_int_equal(scn->days, 180);
    assert_int_equal(scn->customers, 10000);
    assert_int_equal(scn->seed, 1);
    assert_float_equal(scn->margin, 1.0, 0);
    assert_int_equal(scn->n_interventions, 0);
    scn_free(scn);
    unlink(path);
    free(path);
}

/* Attributes come out sorted whatever order Lua's hash gives them, and a
 * set adds an edge that only the intervention's variants have. */
static void attributes_sorted_and_set_adds_edges(void **state)
{
    (void)state;
    char *path = tu_write_scenario(
        "persona 'p' { share = 1, zeta = 1, alpha = true, middle = 'x', quote = 'hi' }\n"
        "stage 'a' { entry = true }\n"
        "stage 'b' {}\n"
        "stage 'c' {}\n"
        "transition('a', 'b', 0.1)\n"
        "intervention 'shortcut' { set = { ['a -> c'] = 0.2 }, cost_per_use = 1 }\n");
    scn_scenario *scn = load_ok(path);
    const scn_persona *p = &scn->personas[0];
    assert_int_equal(p->n_attrs, 3);
    assert_string_equal(p->attrs[0].name, "alpha");
    assert_string_equal(p->attrs[1].name, "middle");
    assert_string_equal(p->attrs[2].name, "zeta");
    assert_string_equal(p->attrs[1].string, "x");
    assert_non_null(scn_text_get(&p->texts, "quote"));
    assert_int_equal(scn->n_base_edges, 1);
    assert_int_equal(scn->n_edges, 2);
    assert_int_equal(scn_find_edge(scn, 0, 2), 1);
    assert_true(scn->interventions[0].changes[0].is_set);
    assert_true(scn->interventions[0].touches[0]);
    scn_free(scn);
    unlink(path);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(design_core_scenario),
        cmocka_unit_test(defaults_and_implicit_persona),
        cmocka_unit_test(attributes_sorted_and_set_adds_edges),
    };
    return cmocka_run_group_tests_name("scenario", tests, NULL, NULL);
}
