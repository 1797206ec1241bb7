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
                                   "intervention 'i' { at = 'b', cost_per_customer = 2,\n"
                                   "  scale = { ['a->b'] = 1.5 } }\n"
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
    /* the score interval of 1 customer repeat in both, 2 in the variant
     * only, none in the baseline only, of 4 */
    double lo, hi;
    st_paired_interval(1, 2, 0, 4, &lo, &hi);
    assert_float_equal(u->lo, lo, 1e-12);
    assert_float_equal(u->hi, hi, 1e-12);
    assert_int_equal(g->gained[ST_REPEAT_BUYERS], 2);
    assert_int_equal(g->lost[ST_REPEAT_BUYERS], 0);
    /* money: revenue 9 * 30, cost 4 * 2, profit at margin 0.5 */
    assert_float_equal(g->total[ST_REVENUE], 270, 1e-9);
    assert_float_equal(g->total[ST_COST], 8, 1e-9);
    assert_float_equal(g->total[ST_PROFIT], 0.5 * 270 - 8, 1e-9);
    assert_float_equal(g->incremental_revenue, 270 - 150, 1e-9);
    assert_true(g->has_roi);
    assert_float_equal(g->incremental_profit, 0.5 * 120 - 8, 1e-9);
    assert_float_equal(g->roi, (0.5 * 120 - 8) / 8, 1e-12);
    /* no spread in the differences of money: the interval is the point */
    assert_float_equal(g->roi_lo, g->roi, 1e-12);
    assert_float_equal(g->roi_hi, g->roi, 1e-12);
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

/* Newcombe (1998), Statistics in Medicine 17, 2635-2650, Table II, method
 * 10: pairs (both, first only, second only, neither) and the published
 * intervals, to four decimals. */
static void paired_interval_newcombe_1998(void **state)
{
    (void)state;
    static const struct {
        int64_t both, b, c, neither;
        double lo, hi;
    } EXAMPLES[] = {
        {36, 12, 2, 0, 0.0569, 0.3404},
        {18, 12, 2, 18, 0.0562, 0.3290},
        {53, 0, 0, 1, -0.0729, 0.0729},
    };
    for (size_t i = 0; i < sizeof EXAMPLES / sizeof EXAMPLES[0]; i++) {
        double lo, hi;
        int64_t n = EXAMPLES[i].both + EXAMPLES[i].b + EXAMPLES[i].c + EXAMPLES[i].neither;
        st_paired_interval(EXAMPLES[i].both, EXAMPLES[i].b, EXAMPLES[i].c, n, &lo, &hi);
        assert_float_equal(lo, EXAMPLES[i].lo, 0.00005);
        assert_float_equal(hi, EXAMPLES[i].hi, 0.00005);
    }
}

/* Newcombe's hybrid score interval for paired proportions (method 10)
 * against the worked example of Fagerland, Lydersen and Laake, "Statistical
 * Analysis of Contingency Tables" (2017), section 8.5: complete response
 * before and after consolidation therapy (Cavo et al. 2012), 59 both, 6
 * before only, 16 after only, 80 neither: -0.0621 (-0.1186 to -0.0046). */
static void paired_interval_worked_example(void **state)
{
    (void)state;
    double lo, hi;
    st_paired_interval(59, 6, 16, 161, &lo, &hi);
    assert_float_equal(lo, -0.1186, 0.00005);
    assert_float_equal(hi, -0.0046, 0.00005);
    /* the same pairs read the other way round: the interval turns over */
    double lo2, hi2;
    st_paired_interval(59, 16, 6, 161, &lo2, &hi2);
    assert_float_equal(lo2, -hi, 1e-12);
    assert_float_equal(hi2, -lo, 1e-12);
    /* no pair discordant: not the Wald interval's [0, 0], and 0 inside */
    st_paired_interval(10, 0, 0, 40, &lo, &hi);
    assert_true(lo < -0.01 && hi > 0.01);
    /* a few discordant pairs, all one way: wider than Wald's [0.006, 0.194]
     * on both sides, which is what keeps its coverage */
    st_paired_interval(10, 4, 0, 40, &lo, &hi);
    assert_true(lo < 0.005 && hi > 0.2);
}

/* Student's t quantiles: the table, the expansion beyond it, the limit. */
static void t_quantiles(void **state)
{
    (void)state;
    assert_float_equal(st_t975(1), 12.706205, 1e-6);
    assert_float_equal(st_t975(10), 2.228139, 1e-6);
    assert_float_equal(st_t975(40), 2.021075, 1e-5);
    assert_float_equal(st_t975(100), 1.983972, 1e-6);
    assert_float_equal(st_t975(1e12), ST_Z95, 1e-9);
    assert_true(isinf(st_t975(0)));
}

/* The headline metric is repeat buyers where a customer can buy twice, and
 * buyers where nobody can; the verdict follows the intervals. */
static void headline_and_verdict(void **state)
{
    (void)state;
    char *once = tu_write_scenario("stage 'a' { entry = true }\n stage 'b' { purchase = true, "
                                   "value = 100 }\n transition('a', 'b', 0.05)\n"
                                   "intervention 'cheap' { scale = { ['a->b'] = 2 }, "
                                   "cost_per_customer = 0.01 }\n"
                                   "intervention 'dear' { scale = { ['a->b'] = 2 }, "
                                   "cost_per_customer = 50 }\n"
                                   "intervention 'idle' { at = 'b', cost_per_customer = 1 }\n");
    tu_run run;
    tu_run_scenario(&run, once, 20000, 30, 3, 2);
    const st_results *r = &run.results;
    assert_int_equal(r->headline, ST_BUYERS);
    assert_string_equal(r->method, "monte_carlo");
    for (size_t v = 1; v < run.totals.n_variants; v++) {
        const st_group *g = st_group_at(r, v, run.totals.n_personas);
        const st_uplift *u = &g->uplift[ST_BUYERS];
        st_effect e = u->lo > 0 ? ST_GAIN : u->hi < 0 ? ST_LOSS : ST_UNCLEAR;
        assert_int_equal(g->verdict.effect, e);
        assert_int_equal(g->verdict.metric, ST_BUYERS);
    }
    const char *name[] = {"cheap", "dear", "idle"};
    for (size_t v = 1; v <= 3; v++)
        assert_string_equal(run.model->variants[v].name, name[v - 1]);
    /* doubling a 5% daily chance is a clear gain that pays at 0.01 a head,
     * and does not at 50 a head */
    const st_group *cheap = st_group_at(r, 1, 1), *dear = st_group_at(r, 2, 1);
    const st_group *idle = st_group_at(r, 3, 1);
    assert_int_equal(cheap->verdict.effect, ST_GAIN);
    assert_int_equal(cheap->verdict.pays, ST_PAYS_YES);
    assert_true(cheap->profit.lo > 0);
    assert_int_equal(dear->verdict.pays, ST_PAYS_NO);
    assert_true(dear->profit.hi < 0);
    /* a change no journey feels: exactly no difference, its cost certain */
    assert_true(idle->same_journeys);
    assert_float_equal(idle->uplift[ST_BUYERS].lo, 0, 0);
    assert_float_equal(idle->uplift[ST_BUYERS].hi, 0, 0);
    assert_int_equal(idle->verdict.effect, ST_UNCLEAR);
    assert_int_equal(idle->verdict.pays, ST_PAYS_NO);
    tu_run_free(&run);
    unlink(once);
    free(once);

    tu_run_scenario(&run, "tests/scenarios/design_core.lua", 2000, 60, 3, 2);
    assert_int_equal(run.results.headline, ST_REPEAT_BUYERS);
    tu_run_free(&run);
}

/* Pays back or not is unclear while the profit interval holds 0; the
 * customers said to settle it are n · (z·se / |diff|)². */
static void unclear_says_how_many_would_settle(void **state)
{
    (void)state;
    char *path = tu_write_scenario("stage 'a' { entry = true }\n stage 'b' { purchase = true, "
                                   "value = 10 }\n transition('a', 'b', 0.05)\n"
                                   "intervention 'i' { scale = { ['a->b'] = 1.02 }, "
                                   "cost_per_customer = 0.03 }\n scenario { margin = 0.5 }\n");
    tu_run run;
    tu_run_scenario(&run, path, 4000, 10, 1, 1);
    const st_group *g = st_group_at(&run.results, 1, 1);
    assert_true(g->profit.lo < 0 && g->profit.hi > 0);
    assert_int_equal(g->verdict.pays, ST_PAYS_UNCLEAR);
    const st_uplift *p = &g->uplift[ST_PROFIT];
    double k = ST_Z95 * p->se / fabs(p->diff);
    double settle = 4000 * k * k;
    assert_true(fabs(g->verdict.customers_to_settle_pays - settle) < 1e-9 * settle);
    assert_true(g->verdict.customers_to_settle_pays > 4000);
    tu_run_free(&run);
    unlink(path);
    free(path);
}

/* Two personas with the same journey and the same change: neither gains
 * more, so "most for" must name one only by the chance of an interval (2.5%
 * a run), not whenever the small, noisy persona's estimate comes out on top. */
static void most_for_needs_a_distinguishable_lead(void **state)
{
    (void)state;
    char *path = tu_write_scenario("persona 'big' { share = 0.9 }\n persona 'small' { share = 0.1 }\n"
                                   "stage 'a' { entry = true }\n stage 'b' { purchase = true, "
                                   "value = 10 }\n transition('a', 'b', 0.02)\n"
                                   "intervention 'i' { scale = { ['a->b'] = 1.5 } }\n");
    int named = 0, small_on_top = 0;
    for (uint64_t seed = 1; seed <= 20; seed++) {
        tu_run run;
        tu_run_scenario(&run, path, 2000, 20, seed, 1);
        const st_lead *lead = &run.results.leads[1];
        const st_uplift *top = &st_group_at(&run.results, 1, (size_t)lead->top)->uplift[ST_BUYERS];
        const st_uplift *next =
            &st_group_at(&run.results, 1, (size_t)lead->runner_up)->uplift[ST_BUYERS];
        assert_true(top->diff >= next->diff);
        double gap = top->diff - next->diff;
        assert_true(fabs(lead->lead - gap) < 1e-12);
        assert_int_equal(lead->distinguishable, top->diff > 0 && lead->lead_lo > 0);
        named += lead->distinguishable;
        small_on_top += lead->top == 1;
        tu_run_free(&run);
    }
    /* the largest point estimate is the small persona's about half the time */
    assert_true(small_on_top >= 3);
    assert_true(named <= 3);
    unlink(path);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(largest_remainder_allocation),
        cmocka_unit_test(uplift_from_paired_sums),
        cmocka_unit_test(uplift_agrees_with_totals),
        cmocka_unit_test(common_random_numbers_tighten_the_interval),
        cmocka_unit_test(paired_interval_newcombe_1998),
        cmocka_unit_test(paired_interval_worked_example),
        cmocka_unit_test(t_quantiles),
        cmocka_unit_test(headline_and_verdict),
        cmocka_unit_test(unclear_says_how_many_would_settle),
        cmocka_unit_test(most_for_needs_a_distinguishable_lead),
    };
    return cmocka_run_group_tests_name("stats", tests, NULL, NULL);
}
