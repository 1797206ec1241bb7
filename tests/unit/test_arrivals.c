/* arrivals: the customers of each day and their personas, for hand-made
 * shares (awkward fractions, many personas, tiny shares), checked on every
 * day against the quota property of DESIGN.md: each persona's running count
 * within 1 of its share × ⌊A(d)⌋; and the block walk's day lookup. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "arrivals.h"

/* A scenario of n personas with these shares and `per_day` arrivals a day. */
static scn_scenario *make(const double *shares, size_t n, double per_day)
{
    scn_scenario *scn = calloc(1, sizeof *scn);
    scn->personas = calloc(n, sizeof *scn->personas);
    scn->n_personas = n;
    for (size_t p = 0; p < n; p++)
        scn->personas[p].share = shares[p];
    scn->has_arrivals = true;
    scn->arrivals = per_day;
    static char path[] = "t.lua";
    scn->path = path;
    scn->arrivals_line = 1;
    return scn;
}

static void destroy(scn_scenario *scn)
{
    free(scn->personas);
    free(scn);
}

/* Every day: the day's total is ⌊A(d)⌋ − ⌊A(d − 1)⌋ and every persona is
 * within 1 of its quota. */
static void check_plan(const scn_scenario *scn, const arr_plan *plan, double per_day)
{
    size_t k = scn->n_personas;
    int64_t *run = calloc(k, sizeof *run);
    int64_t before = 0;
    for (int d = 0; d < plan->days; d++) {
        int64_t total = (int64_t)floor(per_day * (double)(d + 1)), today = 0;
        for (size_t p = 0; p < k; p++) {
            int64_t n = plan->count[(size_t)d * k + p];
            assert_true(n >= 0);
            run[p] += n;
            today += n;
            assert_true(fabs((double)run[p] - scn->personas[p].share * (double)total) < 1.0);
        }
        assert_int_equal(today, total - before);
        assert_int_equal(plan->day_end[d], total);
        before = total;
    }
    assert_int_equal(plan->total, before);
    free(run);
}

static void quota_on_every_day(void **state)
{
    (void)state;
    static const double thirds[] = {1.0 / 3, 1.0 / 3, 1.0 / 3};
    static const double design[] = {0.50, 0.35, 0.15};
    static const double skewed[] = {0.7071613850670049,    0.027443698463902457,
                                    0.005094056590113869,  0.23067662886953869,
                                    0.0022282504562527138, 0.027395980553187448};
    const struct {
        const double *shares;
        size_t n;
        double per_day;
    } cases[] = {{thirds, 3, 1},   {thirds, 3, 0.3},  {design, 3, 37.5}, {design, 3, 0.7},
                 {skewed, 6, 2.9}, {skewed, 6, 17.3}, {skewed, 6, 0.13}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        double sum = 0;
        for (size_t p = 0; p < cases[c].n; p++)
            sum += cases[c].shares[p];
        double *shares = calloc(cases[c].n, sizeof *shares);
        for (size_t p = 0; p < cases[c].n; p++)
            shares[p] = cases[c].shares[p] / sum;
        scn_scenario *scn = make(shares, cases[c].n, cases[c].per_day);
        arr_plan plan;
        cj_err err = {0};
        assert_int_equal(arr_build(scn, 400, 0, -1, &plan, &err), CJ_OK);
        check_plan(scn, &plan, cases[c].per_day);
        arr_free(&plan);
        destroy(scn);
        free(shares);
    }
}

/* Random shares, many personas: the property holds whatever they are. */
static void quota_for_random_shares(void **state)
{
    (void)state;
    srand(7);
    for (int trial = 0; trial < 200; trial++) {
        size_t k = 2 + (size_t)(rand() % 11);
        double shares[12], sum = 0;
        for (size_t p = 0; p < k; p++) {
            double u = (rand() + 1.0) / ((double)RAND_MAX + 1.0);
            sum += shares[p] = u * u * u;
        }
        for (size_t p = 0; p < k; p++)
            shares[p] /= sum;
        double per_day = 0.1 + (rand() % 4000) / 100.0;
        scn_scenario *scn = make(shares, k, per_day);
        arr_plan plan;
        cj_err err = {0};
        assert_int_equal(arr_build(scn, 150, 0, -1, &plan, &err), CJ_OK);
        check_plan(scn, &plan, per_day);
        arr_free(&plan);
        destroy(scn);
    }
}

/* --arrivals replaces the scenario's; a cohort is one day of sim_allocate;
 * customer c's day is the first day whose running total is above c. */
static void override_cohort_and_day_lookup(void **state)
{
    (void)state;
    static const double design[] = {0.50, 0.35, 0.15};
    scn_scenario *scn = make(design, 3, 1000);
    arr_plan plan;
    cj_err err = {0};
    assert_int_equal(arr_build(scn, 10, 0, 2.5, &plan, &err), CJ_OK);
    assert_int_equal(plan.total, 25);
    assert_int_equal(plan.day_end[0], 2);
    assert_int_equal(arr_day_of(&plan, 0), 0);
    assert_int_equal(arr_day_of(&plan, 1), 0);
    assert_int_equal(arr_day_of(&plan, 2), 1);
    assert_int_equal(arr_day_of(&plan, 24), 9);
    arr_free(&plan);
    scn->has_arrivals = false;
    assert_int_equal(arr_build(scn, 10, 10, -1, &plan, &err), CJ_OK);
    assert_int_equal(plan.days, 1);
    assert_int_equal(plan.total, 10);
    assert_int_equal(plan.count[0], 5);
    assert_int_equal(plan.count[1], 4); /* 3.5 and 1.5 tie: the first declared */
    assert_int_equal(plan.count[2], 1);
    arr_free(&plan);
    destroy(scn);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(quota_on_every_day),
        cmocka_unit_test(quota_for_random_shares),
        cmocka_unit_test(override_cohort_and_day_lookup),
    };
    return cmocka_run_group_tests_name("arrivals", tests, NULL, NULL);
}
