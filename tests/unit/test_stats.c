/* stats: persona allocation, the paired uplift and its interval, money and
 * ROI, computed from integer totals set by hand and from a real run. */
#include <math.h>

#include "testutil.h"

static void largest_remainder_allocation(void **state)
{
    (void)state;
    cj_err err = {0};
    scn_scenario *scn = scn_load("tests/scenarios/design_core.lua", NULL, &err);
    assert_non_null(scn);
    int64_t counts[3];
    /* 5, 3.5, 1.5: both halves tie, the first declared wins */
    sim_allocate(scn, 10, counts);
    assert_int_equal(counts[0], 5);
    assert_int_equal(counts[1], 4);
    assert_int_equal(counts[2], 1);
    sim_allocate(scn, 1, counts); /* 0.5, 0.35, 0.15 */
    assert_int_equal(counts[0] + counts[1] + counts[2], 1);
    assert_int_equal(counts[0], 1);
    sim_allocate(scn, 100001, counts); /* 50000.5, 35000.35, 15000.15 */
    assert_int_equal(counts[0], 50001);
    assert_int_equal(counts[1], 35000);
    assert_int_equal(counts[2], 15000);
    scn_free(scn);
}

/* Four customers; the variant turns customers 1 and 4 into repeat buyers:
 * differences {1, 0, 0, 1}, mean 1/2, sample variance 1/3. */
static void uplift_from_paired_sums(void **state)
{
    (void)state;
    char *path = tu_write_scenario("stage 'a' { entry = true }\n stage 'b' { purchase = true, "
                                   "value = 30 }\n transition('a', 'b', 0.5)\n"
                                   "intervention 'i' { at = 'b', cost_per_customer = 2 }\n"
                                   "scenario { margin = 0.5 }\n");
    tu_run run;
    tu_run_scenario(&run, path, 4, 5, 1, 1);
    st_free(&run.results);
    size_t n_k = run.totals.layout.n_k;
    size_t buy = run.totals.layout.purchases, exposed = run.totals.layout.exposed;
    sim_cell *base = sim_at(&run.totals, 0, 0), *var = sim_at(&run.totals, 1, 0);
    memset(base->k_sum, 0, n_k * sizeof(int64_t));
    memset(var->k_sum, 0, n_k * sizeof(int64_t));
    memset(var->d_sum, 0, n_k * sizeof(int64_t));
    memset(var->dd_sum, 0, n_k * n_k * sizeof(int64_t));
    base->k_sum[SIM_K_REPEAT] = 1;
    base->k_sum[buy] = 5;
    var->k_sum[SIM_K_REPEAT] = 3;
    var->k_sum[buy] = 9;
    var->k_sum[exposed] = 4;
    var->d_sum[SIM_K_REPEAT] = 2;
    var->dd_sum[SIM_K_REPEAT * n_k + SIM_K_REPEAT] = 2;
    st_compute(&run.totals, &run.results);
    const st_group *g = st_group_at(&run.results, 1, 1); /* everyone */
    const st_uplift *u = &g->uplift[ST_REPEAT_BUYERS];
    double se = sqrt(1.0 / 3.0 / 4.0);
    assert_float_equal(u->diff, 0.5, 1e-12);
    assert_float_equal(u->se, se, 1e-12);
    assert_float_equal(u->lo, 0.5 - ST_Z95 * se, 1e-12);
    assert_float_equal(u->hi, 0.5 + ST_Z95 * se, 1e-12);
    /* money: revenue 9 * 30, cost 4 * 2, profit at margin 0.5 */
    assert_float_equal(g->total[ST_REVENUE], 270, 1e-9);
    assert_float_equal(g->total[ST_COST], 8, 1e-9);
    assert_float_equal(g->total[ST_PROFIT], 0.5 * 270 - 8, 1e-9);
    assert_float_equal(g->incremental_revenue, 270 - 150, 1e-9);
    assert_true(g->has_roi);
    assert_float_equal(g->incremental_profit, 0.5 * 120 - 8, 1e-9);
    assert_float_equal(g->roi, (0.5 * 120 - 8) / 8, 1e-12);
    assert_float_equal(g->payback, 0.5 * 120 / 8, 1e-12);
    assert_false(st_group_at(&run.results, 0, 1)->has_uplift);
    tu_run_free(&run);
    unlink(path);
    free(path);
}

/* On a real run the mean paired difference equals the difference of the
 * variant's and the baseline's totals, for every metric and persona, and
 * persona groups add up to everyone. */
static void uplift_agrees_with_totals(void **state)
{
    (void)state;
    tu_run run;
    tu_run_scenario(&run, "tests/scenarios/design_core.lua", 20000, 60, 7, 2);
    const st_results *r = &run.results;
    size_t everyone = run.totals.n_personas;
    for (size_t v = 1; v < run.totals.n_variants; v++) {
        for (size_t g = 0; g <= everyone; g++) {
            const st_group *var = st_group_at(r, v, g), *base = st_group_at(r, 0, g);
            for (int m = 0; m < ST_N_METRICS; m++) {
                if (m == ST_COST)
                    continue;
                double expected = (var->total[m] - base->total[m]) / (double)var->customers;
                assert_float_equal(var->uplift[m].diff, expected, 1e-9);
                assert_true(var->uplift[m].lo <= var->uplift[m].diff);
                assert_true(var->uplift[m].diff <= var->uplift[m].hi);
            }
        }
        double sum = 0;
        for (size_t p = 0; p < everyone; p++)
            sum += st_group_at(r, v, p)->total[ST_REPEAT_BUYERS];
        assert_float_equal(sum, st_group_at(r, v, everyone)->total[ST_REPEAT_BUYERS], 0);
    }
    /* expert_consultation is for beginners only: others have no difference */
    const st_group *athlete = st_group_at(r, 2, 1);
    assert_float_equal(athlete->uplift[ST_REPEAT_BUYERS].diff, 0, 0);
    assert_float_equal(athlete->uplift[ST_REPEAT_BUYERS].se, 0, 0);
    assert_float_equal(athlete->total[ST_COST], 0, 0);
    tu_run_free(&run);
}

/* Common random numbers: the paired interval is much tighter than the one
 * two independent samples of the same size would give. */
static void common_random_numbers_tighten_the_interval(void **state)
{
    (void)state;
    tu_run run;
    tu_run_scenario(&run, "tests/scenarios/design_core.lua", 20000, 60, 3, 2);
    const st_group *base = st_group_at(&run.results, 0, 3);
    const st_group *var = st_group_at(&run.results, 2, 3);
    double n = (double)base->customers;
    double p0 = base->total[ST_REPEAT_BUYERS] / n, p1 = var->total[ST_REPEAT_BUYERS] / n;
    double independent_se = sqrt(p0 * (1 - p0) / n + p1 * (1 - p1) / n);
    assert_true(var->uplift[ST_REPEAT_BUYERS].se < 0.6 * independent_se);
    tu_run_free(&run);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(largest_remainder_allocation),
        cmocka_unit_test(uplift_from_paired_sums),
        cmocka_unit_test(uplift_agrees_with_totals),
        cmocka_unit_test(common_random_numbers_tighten_the_interval),
    };
    return cmocka_run_group_tests_name("stats", tests, NULL, NULL);
}
