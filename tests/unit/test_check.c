/* check: the ranges and reachability that compile records for
 * `cjmsim check`, and the report printed from them. */
#include <math.h>

#include "check.h"
#include "testutil.h"

static const cmp_plan *plan_of(const tu_compiled *c, size_t variant, const char *persona)
{
    return &c->model->variants[variant].plans[scn_find_persona(c->scn, persona)];
}

static int edge_of(const tu_compiled *c, const char *from, const char *to)
{
    return scn_find_edge(c->scn, scn_find_stage(c->scn, from), scn_find_stage(c->scn, to));
}

static const char SCENARIO[] =
    "persona 'a' { share = 0.5, mood = -1 }\n"
    "persona 'b' { share = 0.5, mood = 2 }\n"
    "stage 'visit' { entry = true }\n"
    "stage 'buy' { purchase = true, emotion = 1 }\n"
    "stage 'use' { }\n"
    "stage 'island' { }\n"
    "stage 'gone' { terminal = true }\n"
    "transition('visit', 'buy', { a = 0.1, b = 0.3 })\n"
    "transition('buy', 'use', function(c) return c.days_in_stage >= 2 and 1 or 0 end)\n"
    "transition('use', 'buy', function(c) return 0.02 + 0.01 * c.mood end)\n"
    "transition('use', 'gone', 0.05)\n"
    "transition('island', 'gone', 0.5)\n"
    "intervention 'bridge' { set = { ['use->island'] = 0.1 } }\n";

static void ranges_cover_the_reachable_states(void **state)
{
    (void)state;
    tu_compiled c;
    tu_compile_text(&c, SCENARIO, 30);
    int visit_buy = edge_of(&c, "visit", "buy"), use_buy = edge_of(&c, "use", "buy");
    int buy_use = edge_of(&c, "buy", "use");
    const cmp_plan *a = plan_of(&c, 0, "a"), *b = plan_of(&c, 0, "b");
    assert_true(a->p_min[visit_buy] == 0.1 && a->p_max[visit_buy] == 0.1);
    assert_true(b->p_min[visit_buy] == 0.3 && b->p_max[visit_buy] == 0.3);
    /* a enters buy at 0 and climbs a point a purchase up to 3; b is at 3. */
    assert_true(fabs(a->p_min[use_buy] - 0.02) < 1e-12 && fabs(a->p_max[use_buy] - 0.05) < 1e-12);
    assert_true(fabs(b->p_min[use_buy] - 0.05) < 1e-12 && fabs(b->p_max[use_buy] - 0.05) < 1e-12);
    assert_true(a->p_min[buy_use] == 0 && a->p_max[buy_use] == 1);
    tu_compiled_free(&c);
}

static void unreachable_stages_and_added_edges(void **state)
{
    (void)state;
    tu_compiled c;
    tu_compile_text(&c, SCENARIO, 30);
    int island = scn_find_stage(c.scn, "island"), use_island = edge_of(&c, "use", "island");
    int island_gone = edge_of(&c, "island", "gone");
    const cmp_plan *base = plan_of(&c, 0, "a"), *bridge = plan_of(&c, 1, "a");
    assert_false(base->stage_reached[island]);
    assert_true(isnan(base->p_min[island_gone]) && isnan(base->p_min[use_island]));
    assert_true(bridge->stage_reached[island]);
    assert_true(bridge->p_min[use_island] == 0.1 && bridge->p_max[island_gone] == 0.5);
    assert_true(bridge->stage_reached[scn_find_stage(c.scn, "gone")]);
    tu_compiled_free(&c);
}

static void the_report_names_what_it_found(void **state)
{
    (void)state;
    tu_compiled c;
    tu_compile_text(&c, SCENARIO, 30);
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    assert_non_null(f);
    check_print(f, c.model);
    fclose(f);
    assert_non_null(strstr(text, "\n  use -> buy      a 0.02..0.05  b 0.05\n"));
    assert_non_null(strstr(text, "\n  island (reached in: bridge)\n"));
    assert_non_null(strstr(text, "\n  island -> gone  never used: nobody gets to island\n"));
    assert_non_null(strstr(text, "Stages nobody can leave, though not terminal: none\n"));
    free(text);
    tu_compiled_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ranges_cover_the_reachable_states),
        cmocka_unit_test(unreachable_stages_and_added_edges),
        cmocka_unit_test(the_report_names_what_it_found),
    };
    return cmocka_run_group_tests_name("check", tests, NULL, NULL);
}
