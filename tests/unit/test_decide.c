/* decide and psa's draws: type-7 percentiles against values worked by hand
 * (and by R's quantile() / numpy's percentile()), the probability of being
 * best with ties, the expected value of perfect information, the share that
 * pays back, and the uniform numbers of independent and Latin hypercube
 * draws; beta quantiles where GSL's own fail; sweep's grids. */
#include <gsl/gsl_cdf.h>
#include <math.h>

#include "decide.h"
#include "param.h"
#include "psa.h"
#include "sweep.h"
#include "testutil.h"

static void quantiles_are_type_7(void **state)
{
    (void)state;
    const double x[] = {4, 1, 3, 2}; /* unsorted on purpose */
    /* h = (n - 1) p: 0.075 -> 1 + 0.075; 2.925 -> 3 + 0.925 */
    assert_float_equal(dc_quantile(x, 4, 0.025), 1.075, 1e-12);
    assert_float_equal(dc_quantile(x, 4, 0.975), 3.925, 1e-12);
    assert_float_equal(dc_quantile(x, 4, 0.5), 2.5, 1e-12);
    assert_float_equal(dc_quantile(x, 4, 0), 1, 0);
    assert_float_equal(dc_quantile(x, 4, 1), 4, 0);
    assert_float_equal(x[0], 4, 0); /* left as it was */
    const double one[] = {7};
    assert_float_equal(dc_quantile(one, 1, 0.025), 7, 0);
    assert_true(isnan(dc_quantile(one, 0, 0.5)));
    /* 0..100: the p-quantile is 100 p exactly */
    double y[101];
    for (int i = 0; i < 101; i++)
        y[i] = 100 - i;
    assert_float_equal(dc_quantile(y, 101, 0.025), 2.5, 1e-12);
    assert_float_equal(dc_quantile(y, 101, 0.975), 97.5, 1e-12);
    assert_float_equal(dc_mean(y, 101), 50, 1e-12);
}

static void best_shares_ties(void **state)
{
    (void)state;
    /* three draws of three variants */
    const double v[] = {
        1, 2, 3, /* variant 2 best */
        5, 5, 0, /* a tie of 0 and 1: half each */
        0, 9, 1, /* variant 1 */
    };
    double best[3];
    dc_p_best(v, 3, 3, best);
    assert_float_equal(best[0], 0.5 / 3, 1e-12);
    assert_float_equal(best[1], 1.5 / 3, 1e-12);
    assert_float_equal(best[2], 1.0 / 3, 1e-12);
    assert_float_equal(best[0] + best[1] + best[2], 1, 1e-12);
    const double x[] = {-1, 0, 2, 3};
    assert_float_equal(dc_share_above_zero(x, 4), 0.5, 0);
}

static void evpi_is_mean_of_max_minus_max_of_means(void **state)
{
    (void)state;
    /* E[max] = (1 + 2) / 2 = 1.5; means (1, 0.5): max 1 -> 0.5 */
    const double v[] = {0, 1, 2, 0};
    assert_float_equal(dc_evpi(v, 2, 2), 0.5, 1e-12);
    /* one variant always best: nothing to learn */
    const double w[] = {3, 1, 5, 2, 4, 0};
    assert_float_equal(dc_evpi(w, 3, 2), 0, 0);
}

static void draws_are_uniform_and_reproducible(void **state)
{
    (void)state;
    enum { N = 200, P = 3 };
    double *u = malloc(N * P * sizeof *u), *again = malloc(N * P * sizeof *u);
    psa_uniforms(42, N, P, false, u);
    psa_uniforms(42, N, P, false, again);
    assert_memory_equal(u, again, N * P * sizeof *u);
    double sum = 0;
    for (int i = 0; i < N * P; i++) {
        assert_true(u[i] > 0 && u[i] < 1);
        sum += u[i];
    }
    /* mean of 600 uniforms: sd sqrt(1/12/600) = 0.0118 */
    assert_true(fabs(sum / (N * P) - 0.5) < 5 * 0.0118);
    psa_uniforms(43, N, P, false, again);
    assert_true(memcmp(u, again, N * P * sizeof *u) != 0);

    /* Latin hypercube: each parameter has one draw in each stratum */
    psa_uniforms(42, N, P, true, u);
    for (int j = 0; j < P; j++) {
        int seen[N] = {0};
        for (int d = 0; d < N; d++) {
            double x = u[d * P + j];
            assert_true(x > 0 && x < 1);
            seen[(int)(x * N)]++;
        }
        for (int s = 0; s < N; s++)
            assert_int_equal(seen[s], 1);
    }
    free(u);
    free(again);
}

/* A beta fitted to counts: GSL's own quantile fails at some u; the value
 * drawn is still the quantile (its CDF gives u back). */
static void large_beta_quantiles(void **state)
{
    (void)state;
    prm_param p = {0};
    p.dist.kind = PRM_BETA;
    p.dist.arg[0] = 120;
    p.dist.arg[1] = 11880;
    for (double u = 0.01; u < 1; u += 0.01) {
        double x = prm_draw(&p, u);
        assert_true(isfinite(x) && x > 0 && x < 1);
        assert_float_equal(gsl_cdf_beta_P(x, 120, 11880), u, 1e-9);
    }
    assert_true(isfinite(prm_draw(&p, 0.576963)));
}

static void grids_are_parsed(void **state)
{
    (void)state;
    cj_err err = {0};
    sweep_axis a;
    assert_int_equal(sweep_parse_axis("x=0.1:0.3:0.1", &a, &err), CJ_OK);
    assert_string_equal(a.name, "x");
    assert_int_equal(a.n, 3);
    assert_float_equal(a.values[2], 0.3, 0); /* HI itself, not 0.30000000000000004 */
    sweep_axis_free(&a);
    assert_int_equal(sweep_parse_axis("cost=5,1e1,-2", &a, &err), CJ_OK);
    assert_int_equal(a.n, 3);
    assert_float_equal(a.values[1], 10, 0);
    sweep_axis_free(&a);
    assert_int_equal(sweep_parse_axis("x=1:2:0", &a, &err), CJ_ERR_USAGE);
    assert_string_equal(err.msg, "--vary x=1:2:0: STEP must be above 0");
    memset(&err, 0, sizeof err);
    assert_int_equal(sweep_parse_axis("x=1,,2", &a, &err), CJ_ERR_USAGE);
    assert_string_equal(err.msg, "--vary x=1,,2: '' is not a number");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(quantiles_are_type_7),
        cmocka_unit_test(best_shares_ties),
        cmocka_unit_test(evpi_is_mean_of_max_minus_max_of_means),
        cmocka_unit_test(draws_are_uniform_and_reproducible),
        cmocka_unit_test(large_beta_quantiles),
        cmocka_unit_test(grids_are_parsed),
    };
    return cmocka_run_group_tests_name("decide", tests, NULL, NULL);
}
