/*
 * exitday: drawing the day a customer leaves a state and the edge it takes
 * from the compiled exit tables (cmp_exit_day, cmp_exit_edge) must give
 * the distribution of DESIGN.md's daily rule. The expected distribution is
 * computed here from the daily threshold rows alone (a coin every day: on
 * day t the customer leaves by edge j with probability p_j(t) after staying
 * every day before), and the draws are compared with it by a chi-square
 * test; the search in the survival table is also checked against a plain
 * scan, number by number.
 */
#include <float.h>
#include <math.h>

#include "rng.h"
#include "testutil.h"

enum { DRAWS = 400000, MAX_DAYS = 400, MAX_EDGES = 4 };

/* A chi-square statistic whose normal equivalent (Wilson and Hilferty) is
 * this far above 0 fails: far beyond chance. */
static const double CHI2_Z_BOUND = 5.0;
/* Bins with fewer expected draws are pooled, as chi-square needs. */
static const double MIN_EXPECTED = 20.0;

/* The plan and node of persona 0 in the baseline, in (stage, mood, purchases). */
static const cmp_plan *plan_of(const tu_compiled *c)
{
    return &c->model->variants[0].plans[0];
}

static const cmp_node *node_of(const tu_compiled *c, const char *stage, int mood, int purchases)
{
    const cmp_plan *plan = plan_of(c);
    size_t i = cmp_state_index(scn_find_stage(c->scn, stage), mood, purchases);
    assert_int_not_equal(plan->states[i].thr_offset, CMP_UNREACHABLE);
    return &plan->nodes[i];
}

/* p_j(t) as the daily rule reads it: from the cumulative thresholds. */
static double daily_p(const tu_compiled *c, const char *stage, int mood, int purchases, uint32_t t,
                      uint32_t j)
{
    const cmp_plan *plan = plan_of(c);
    int s = scn_find_stage(c->scn, stage);
    const cmp_state *st = &plan->states[cmp_state_index(s, mood, purchases)];
    const cmp_variant *v = &c->model->variants[0];
    uint32_t k = v->out_start[s + 1] - v->out_start[s];
    uint32_t row = t < st->n_rows ? t : st->n_rows;
    const uint64_t *thr = plan->thr + st->thr_offset + (size_t)(row - 1) * k;
    uint64_t below = j ? thr[j - 1] : 0;
    return (double)(thr[j] - below) / (double)CMP_ONE;
}

/* The chi-square statistic of counts against expectations, pooling
 * neighbouring bins until each expects enough; returns its z. */
static double chi2_z(const double *expected, const double *observed, size_t n_bins,
                     const char *what)
{
    double chi2 = 0, e_pool = 0, o_pool = 0;
    int df = -1;
    for (size_t b = 0; b < n_bins; b++) {
        e_pool += expected[b];
        o_pool += observed[b];
        if (e_pool >= MIN_EXPECTED || b == n_bins - 1) {
            if (e_pool > 0) {
                chi2 += (o_pool - e_pool) * (o_pool - e_pool) / e_pool;
                df++;
            }
            e_pool = o_pool = 0;
        }
    }
    assert_true(df >= 1);
    double a = 2.0 / (9.0 * df);
    double z = (cbrt(chi2 / df) - (1 - a)) / sqrt(a);
    print_message("# %s: chi-square %.1f on %d degrees of freedom (z %.2f)\n", what, chi2, df, z);
    return z;
}

/*
 * Draws DRAWS exits from a node over `horizon` days and compares the
 * counts of (day, edge) and of staying with the daily rule's probabilities.
 */
static void check_law(const tu_compiled *c, const char *stage, int mood, int purchases,
                      uint32_t horizon, uint64_t seed)
{
    const cmp_plan *plan = plan_of(c);
    const cmp_node *node = node_of(c, stage, mood, purchases);
    uint32_t k = node->k;
    assert_true(k >= 1 && k <= MAX_EDGES && horizon <= MAX_DAYS);

    /* Bins: (t - 1) * k + j for leaving on day t by edge j, then staying. */
    size_t n_bins = (size_t)horizon * k + 1;
    double *expected = calloc(n_bins, sizeof *expected);
    double *observed = calloc(n_bins, sizeof *observed);
    double stay = 1.0;
    for (uint32_t t = 1; t <= horizon; t++) {
        double leave = 0;
        for (uint32_t j = 0; j < k; j++) {
            double p = daily_p(c, stage, mood, purchases, t, j);
            expected[(t - 1) * k + j] = stay * p * DRAWS;
            leave += p;
        }
        stay *= 1.0 - leave;
    }
    expected[n_bins - 1] = stay * DRAWS;

    rng_t rng;
    rng_seed(&rng, seed, 7);
    for (int i = 0; i < DRAWS; i++) {
        double u = rng_uniform(&rng);
        uint32_t v = rng_next(&rng);
        uint32_t t = cmp_exit_day(plan, node, u, horizon);
        assert_true(t <= horizon);
        if (t == 0) {
            observed[n_bins - 1]++;
            continue;
        }
        uint32_t j = cmp_exit_edge(plan, node, t, v);
        assert_true(j < k);
        size_t bin = (size_t)(t - 1) * k + j;
        /* Never a day or an edge the daily rule cannot give. */
        if (expected[bin] == 0)
            fail_msg("%s: drew day %u, edge %u, which has probability 0", stage, t, j);
        observed[bin]++;
    }

    /* The whole law, then the edge taken whatever the day: an error in
     * choosing edges spreads thin over the days but not over the edges. */
    char what[64];
    snprintf(what, sizeof what, "%s, day and edge", stage);
    assert_true(chi2_z(expected, observed, n_bins, what) < CHI2_Z_BOUND);
    double e_edge[MAX_EDGES + 1] = {0}, o_edge[MAX_EDGES + 1] = {0};
    for (size_t b = 0; b < n_bins; b++) {
        size_t j = b == n_bins - 1 ? k : b % k;
        e_edge[j] += expected[b];
        o_edge[j] += observed[b];
    }
    snprintf(what, sizeof what, "%s, edge", stage);
    assert_true(chi2_z(e_edge, o_edge, k + 1, what) < CHI2_Z_BOUND);
    free(expected);
    free(observed);
}

/* Hazards that change every day to the horizon, one that stops, a spike. */
static const char *DAYS_SCENARIO =
    "stage 'home' { entry = true }\n stage 'buy' { purchase = true }\n stage 'gone' {}\n"
    "stage 'ship' {}\n stage 'never' {}\n"
    "transition('home', 'buy', function(c) return math.min(0.5, 0.0001 * c.days_in_stage ^ 2) "
    "end)\n"
    "transition('home', 'gone', function(c)\n"
    "  if c.days_in_stage <= 5 then return 0.03 elseif c.days_in_stage <= 25 then return 0.01 end\n"
    "  return 0.03 end)\n"
    "transition('buy', 'ship', function(c) return c.days_in_stage == 1 and 0.05 or 0 end)\n"
    "transition('buy', 'gone', function(c) return c.days_in_stage >= 3 and 1 or 0 end)\n"
    "transition('ship', 'never', function(c) return 0 end)\n"
    "transition('gone', 'home', 0.004)\n"
    "transition('gone', 'buy', function(c) return c.days_in_stage < 40 and 0 or 0.002 end)\n";

static void days_in_stage_laws(void **state)
{
    (void)state;
    tu_compiled c;
    tu_compile_text(&c, DAYS_SCENARIO, 80);
    check_law(&c, "home", 0, 0, 80, 1);   /* hazard rising to the horizon */
    check_law(&c, "home", 0, 0, 17, 2);   /* a horizon inside the prefix */
    check_law(&c, "buy", 0, 1, 80, 3);    /* a spike, then certain on day 3 */
    check_law(&c, "gone", 0, 1, 80, 4);   /* zero for 39 days, then a geometric tail */
    tu_compiled_free(&c);
}

/* Constant hazards: a geometric law over a long horizon, reaching far into
 * the tail, and tiny and large hazards. */
static void geometric_laws(void **state)
{
    (void)state;
    tu_compiled c;
    tu_compile_text(&c,
                 "stage 'a' { entry = true }\n stage 'b' {}\n stage 'c' {}\n stage 'd' {}\n"
                 "transition('a', 'b', 0.004)\n transition('a', 'c', 0.0065)\n"
                 "transition('b', 'c', 0.7)\n transition('b', 'd', 0.25)\n"
                 "transition('c', 'd', 1e-4)\n",
                 365);
    check_law(&c, "a", 0, 0, 365, 5);
    check_law(&c, "b", 0, 0, 365, 6);
    check_law(&c, "c", 0, 0, 365, 7);
    tu_compiled_free(&c);
}

/* Certain and impossible exits need no randomness: exactly the day. */
static void certain_and_impossible(void **state)
{
    (void)state;
    tu_compiled c;
    tu_compile_text(&c, DAYS_SCENARIO, 80);
    const cmp_plan *plan = plan_of(&c);
    const cmp_node *ship = node_of(&c, "ship", 0, 1);
    const double us[] = {DBL_MIN, 1e-300, 0.25, 0.5, 1.0 - DBL_EPSILON, 1.0};
    for (size_t i = 0; i < sizeof us / sizeof us[0]; i++)
        assert_int_equal(cmp_exit_day(plan, ship, us[i], 80), 0); /* p = 0 forever */
    const cmp_node *buy = node_of(&c, "buy", 0, 1);
    for (size_t i = 0; i < sizeof us / sizeof us[0]; i++) {
        uint32_t t = cmp_exit_day(plan, buy, us[i], 80);
        /* leaves on day 1 with 5%, else on day 3 */
        assert_true(t == 1 || t == 3);
        assert_int_equal(cmp_exit_day(plan, buy, us[i], 2), t == 1 ? 1 : 0);
        /* the day says the edge: buy->ship on day 1, buy->gone on day 3 */
        assert_int_equal(cmp_exit_edge(plan, buy, t, (uint32_t)i * 0x2f2f2f2fu), t == 1 ? 0 : 1);
    }
    tu_compiled_free(&c);
}

/* The guided search in the table finds the first day with S(t) < u, as a
 * plain scan does, for every u near every step of the survival table. */
static void search_matches_a_scan(void **state)
{
    (void)state;
    tu_compiled c;
    tu_compile_text(&c, DAYS_SCENARIO, 300);
    const cmp_plan *plan = plan_of(&c);
    const char *stages[] = {"home", "gone"};
    for (size_t s = 0; s < 2; s++) {
        const cmp_node *node = node_of(&c, stages[s], 0, s == 0 ? 0 : 1);
        const double *surv = plan->surv + node->surv_offset;
        uint32_t n = node->n_table;
        assert_true(n > 10);
        for (uint32_t i = 0; i < n; i++) {
            double near[] = {surv[i], nextafter(surv[i], 0), nextafter(surv[i], 2),
                             (surv[i] + (i ? surv[i - 1] : 1.0)) / 2};
            for (size_t m = 0; m < 4; m++) {
                double u = near[m];
                if (!(u > 0 && u <= 1) || !(u > surv[n - 1]))
                    continue;
                uint32_t expect = 1;
                while (surv[expect - 1] >= u)
                    expect++;
                assert_int_equal(cmp_exit_day(plan, node, u, 300), expect);
            }
        }
    }
    tu_compiled_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(days_in_stage_laws),
        cmocka_unit_test(geometric_laws),
        cmocka_unit_test(certain_and_impossible),
        cmocka_unit_test(search_matches_a_scan),
    };
    return cmocka_run_group_tests_name("exitday", tests, NULL, NULL);
}
