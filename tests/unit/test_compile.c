/* compile: probabilities become the right threshold rows, days in stage
 * are cut where they stop changing, and only reachable states are checked. */
#include <math.h>

#include "testutil.h"

typedef struct {
    char *path;
    scn_scenario *scn;
    var_list variants;
    cmp_model *model;
    cj_err err;
} compiled;

/* Compiles `text` over `days`; model is NULL and err filled on failure. */
static void compile_text(compiled *c, const char *text, int days)
{
    memset(c, 0, sizeof *c);
    c->path = tu_write_scenario(text);
    c->scn = scn_load(c->path, NULL, &c->err);
    if (!c->scn)
        fail_msg("%s", c->err.msg);
    var_default(c->scn, &c->variants);
    c->model = cmp_build(c->scn, &c->variants, days, &c->err);
}

static void compiled_free(compiled *c)
{
    cmp_free(c->model);
    var_free(&c->variants);
    scn_free(c->scn);
    unlink(c->path);
    free(c->path);
}

static const cmp_state *state_of(const compiled *c, size_t variant, size_t persona,
                                 const char *stage, int mood, int purchases)
{
    int s = scn_find_stage(c->scn, stage);
    return &c->model->variants[variant].plans[persona].states[cmp_state_index(s, mood, purchases)];
}

/* The thresholds a customer in that state reads on day `day` in stage. */
static const uint64_t *row_of(const compiled *c, size_t variant, size_t persona, const char *stage,
                              int mood, int purchases, uint32_t day)
{
    int s = scn_find_stage(c->scn, stage);
    const cmp_variant *v = &c->model->variants[variant];
    const cmp_state *st = state_of(c, variant, persona, stage, mood, purchases);
    assert_int_not_equal(st->thr_offset, CMP_UNREACHABLE);
    uint32_t k = v->out_start[s + 1] - v->out_start[s];
    uint32_t row = day < st->n_rows ? day : st->n_rows;
    return v->plans[persona].thr + st->thr_offset + (size_t)(row - 1) * k;
}

static void numbers_become_cumulative_thresholds(void **state)
{
    (void)state;
    compiled c;
    compile_text(&c,
                 "stage 'a' { entry = true }\n stage 'b' {}\n stage 'c' {}\n"
                 "transition('a', 'b', 0.25)\n transition('a', 'c', 0.5)\n",
                 30);
    assert_non_null(c.model);
    const cmp_state *st = state_of(&c, 0, 0, "a", 0, 0);
    assert_int_equal(st->n_rows, 1);
    const uint64_t *row = row_of(&c, 0, 0, "a", 0, 0, 1);
    assert_int_equal(row[0], CMP_ONE / 4);
    assert_int_equal(row[1], CMP_ONE / 4 * 3);
    /* b and c are absorbing: reachable, with no rows to read */
    assert_int_not_equal(state_of(&c, 0, 0, "b", 0, 0)->thr_offset, CMP_UNREACHABLE);
    /* a mood nobody has is never compiled */
    assert_int_equal(state_of(&c, 0, 0, "a", 2, 0)->thr_offset, CMP_UNREACHABLE);
    compiled_free(&c);
}

static void days_in_stage_rows_stop_where_values_stop_changing(void **state)
{
    (void)state;
    compiled c;
    compile_text(&c,
                 "stage 'ordered' { entry = true, purchase = true }\n stage 'home' {}\n"
                 "stage 'gone' {}\n"
                 "transition('ordered', 'home', function(c) return c.days_in_stage >= 3 and 1 "
                 "or 0 end)\n"
                 "transition('home', 'gone', function(c) return math.min(1, 0.01 * "
                 "c.days_in_stage) end)\n",
                 40);
    assert_non_null(c.model);
    const cmp_state *ordered = state_of(&c, 0, 0, "ordered", 0, 1);
    assert_int_equal(ordered->n_rows, 3);
    assert_int_equal(row_of(&c, 0, 0, "ordered", 0, 1, 1)[0], 0);
    assert_int_equal(row_of(&c, 0, 0, "ordered", 0, 1, 2)[0], 0);
    assert_int_equal(row_of(&c, 0, 0, "ordered", 0, 1, 3)[0], CMP_ONE);
    assert_int_equal(row_of(&c, 0, 0, "ordered", 0, 1, 40)[0], CMP_ONE);
    /* rises every day of the run: one row per day */
    const cmp_state *home = state_of(&c, 0, 0, "home", 0, 1);
    assert_int_equal(home->n_rows, 40);
    assert_int_equal(row_of(&c, 0, 0, "home", 0, 1, 7)[0],
                     (uint64_t)llround(0.07 * (double)CMP_ONE));
    compiled_free(&c);
}

/* A function that is wrong only where no customer can be is accepted; the
 * same mistake at a reachable mood is an error naming file and line. */
static void only_reachable_states_are_checked(void **state)
{
    (void)state;
    compiled c;
    compile_text(&c,
                 "persona 'calm' { share = 1, mood = 0 }\n"
                 "stage 'a' { entry = true }\n stage 'b' {}\n"
                 "transition('a', 'b', function(c) return 0.1 - 0.1 * c.mood end)\n",
                 10);
    assert_non_null(c.model);
    compiled_free(&c);

    compile_text(&c,
                 "persona 'happy' { share = 1, mood = 2 }\n"
                 "stage 'a' { entry = true }\n stage 'b' {}\n"
                 "transition('a', 'b', function(c) return 0.1 - 0.1 * c.mood end)\n",
                 10);
    assert_null(c.model);
    assert_int_equal(c.err.status, CJ_ERR_SCENARIO);
    char expected[256];
    snprintf(expected, sizeof expected,
             "%s:4: transition a->b: probability -0.1 for persona "
             "'happy', mood 2, purchases 0, day 1 in stage; a daily probability must be from 0 "
             "to 1",
             c.path);
    assert_string_equal(c.err.msg, expected);
    compiled_free(&c);
}

/* Mood moves the state: a purchase stage with emotion -1 puts customers at
 * mood -1 there, and an intervention at that stage cancels it only for the
 * persona it names. */
static void interventions_change_moods_and_edges(void **state)
{
    (void)state;
    compiled c;
    compile_text(&c,
                 "persona 'x' { share = 0.5 }\n persona 'y' { share = 0.5 }\n"
                 "stage 'a' { entry = true }\n"
                 "stage 'buy' { purchase = true, value = 10, emotion = -1 }\n"
                 "stage 'b' {}\n"
                 "transition('a', 'buy', 0.5)\n"
                 "transition('buy', 'b', function(c) return 0.2 + 0.1 * c.mood end)\n"
                 "intervention 'calm' { personas = { 'x' }, at = 'buy', mood = 1 }\n"
                 "intervention 'push' { scale = { ['buy->b'] = 2 }, set = { ['a->b'] = 0.1 } }\n",
                 10);
    assert_non_null(c.model);
    assert_int_equal(c.model->n_variants, 4);
    assert_string_equal(c.model->variants[3].name, "calm+push");
    /* baseline: mood -1 at buy, p = 0.1 */
    assert_int_equal(row_of(&c, 0, 0, "buy", -1, 1, 1)[0],
                     (uint64_t)llround(0.1 * (double)CMP_ONE));
    /* calm: persona x at mood 0, y still at -1 */
    assert_int_equal(c.model->variants[1].plans[0].mood_delta[1], 0);
    assert_int_equal(c.model->variants[1].plans[1].mood_delta[1], -1);
    assert_int_equal(state_of(&c, 1, 0, "buy", -1, 1)->thr_offset, CMP_UNREACHABLE);
    assert_int_not_equal(state_of(&c, 1, 0, "buy", 0, 1)->thr_offset, CMP_UNREACHABLE);
    /* push: scaled to 0.2 and the new edge a->b exists only here */
    assert_int_equal(row_of(&c, 2, 1, "buy", -1, 1, 1)[0],
                     (uint64_t)llround(0.2 * (double)CMP_ONE));
    assert_int_equal(c.model->variants[0].out_start[1] - c.model->variants[0].out_start[0], 1);
    assert_int_equal(c.model->variants[2].out_start[1] - c.model->variants[2].out_start[0], 2);
    /* calm+push for x: mood 0, 2 * 0.2 */
    assert_int_equal(row_of(&c, 3, 0, "buy", 0, 1, 1)[0], (uint64_t)llround(0.4 * (double)CMP_ONE));
    compiled_free(&c);
}

static void scaled_sum_above_one_names_the_variant(void **state)
{
    (void)state;
    compiled c;
    compile_text(&c,
                 "stage 'a' { entry = true }\n stage 'b' {}\n stage 'c' {}\n"
                 "transition('a', 'b', 0.4)\n transition('a', 'c', 0.4)\n"
                 "intervention 'double' { scale = { ['a->b'] = 2 } }\n",
                 10);
    assert_null(c.model);
    char expected[512];
    snprintf(expected, sizeof expected,
             "%s:1: stage 'a': the daily probabilities of leaving sum to 1.2 for persona "
             "'everyone', mood 0, purchases 0, day 1 in stage in variant 'double' (a->b 0.8 + "
             "a->c 0.4); they must not exceed 1",
             c.path);
    assert_string_equal(c.err.msg, expected);
    compiled_free(&c);
}

/* Customers here buy every other day, far past the cap; functions still
 * never see more than SCN_PURCHASES_CAP. */
static void purchases_are_capped_for_functions(void **state)
{
    (void)state;
    compiled c;
    compile_text(&c,
                 "stage 'use' { entry = true }\n stage 'buy' { purchase = true }\n"
                 "transition('use', 'buy', function(c)\n"
                 "  if c.purchases > 5 then return 2 end\n"
                 "  return c.purchases == 0 and 1 or 0.1 * c.purchases end)\n"
                 "transition('buy', 'use', 1)\n",
                 60);
    assert_non_null(c.model);
    assert_int_equal(row_of(&c, 0, 0, "use", 0, SCN_PURCHASES_CAP, 1)[0],
                     (uint64_t)llround(0.1 * SCN_PURCHASES_CAP * (double)CMP_ONE));
    compiled_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(numbers_become_cumulative_thresholds),
        cmocka_unit_test(days_in_stage_rows_stop_where_values_stop_changing),
        cmocka_unit_test(only_reachable_states_are_checked),
        cmocka_unit_test(interventions_change_moods_and_edges),
        cmocka_unit_test(scaled_sum_above_one_names_the_variant),
        cmocka_unit_test(purchases_are_capped_for_functions),
    };
    return cmocka_run_group_tests_name("compile", tests, NULL, NULL);
}
