/* calibrate: the normal approximation psa --calibrated draws from, read
 * from a calibration.json, against a hand computation (the fit itself is
 * tested end to end in tests/e2e/65_calibrate.t). */
#include <math.h>

#include "calibrate.h"
#include "testutil.h"

static char *write_text(const char *text)
{
    return tu_write_scenario(text);
}

/* cov = [[4, 2], [2, 5]]: L = [[2, 0], [1, 2]]. */
static const char CALIBRATION[] = "{ \"params\": { \"a\": 1, \"b\": 10 },\n"
                                  "  \"covariance\": { \"names\": [\"b\", \"a\"],\n"
                                  "                   \"matrix\": [[4, 2], [2, 5]] } }\n";

static void draws_follow_the_cholesky_factor(void **state)
{
    (void)state;
    char *path = write_text(CALIBRATION);
    cal_normal nrm;
    cj_err err = {0};
    if (cal_normal_read(path, &nrm, &err) != CJ_OK)
        fail_msg("%s", err.msg);
    assert_int_equal(nrm.n, 2);
    assert_string_equal(nrm.names[0], "b");
    assert_string_equal(nrm.names[1], "a");
    assert_float_equal(nrm.mean[0], 10, 0);
    assert_float_equal(nrm.mean[1], 1, 0);
    assert_float_equal(cal_normal_sd(&nrm, 0), 2, 1e-12);
    assert_float_equal(cal_normal_sd(&nrm, 1), sqrt(5), 1e-12);
    double x[2];
    /* the medians give the mean */
    double half[2] = {0.5, 0.5};
    cal_normal_draw(&nrm, half, x);
    assert_float_equal(x[0], 10, 1e-12);
    assert_float_equal(x[1], 1, 1e-12);
    /* z = (1, 0): x = mean + the first column of L = (10 + 2, 1 + 1) */
    double u[2] = {0.8413447460685429, 0.5};
    cal_normal_draw(&nrm, u, x);
    assert_float_equal(x[0], 12, 1e-9);
    assert_float_equal(x[1], 2, 1e-9);
    /* z = (0, -1): x = mean - the second column of L = (10, 1 - 2) */
    double w[2] = {0.5, 0.15865525393145707};
    cal_normal_draw(&nrm, w, x);
    assert_float_equal(x[0], 10, 1e-9);
    assert_float_equal(x[1], -1, 1e-9);
    cal_normal_free(&nrm);
    unlink(path);
    free(path);
}

static void a_file_without_a_usable_covariance_is_refused(void **state)
{
    (void)state;
    static const char *const BAD[] = {
        "{ \"params\": { \"a\": 1 } }",
        "{ \"params\": { \"a\": 1 }, \"covariance\": { \"names\": [\"a\"], \"matrix\": [[-1]] } }",
        "{ \"params\": { \"a\": 1 }, \"covariance\": { \"names\": [\"c\"], \"matrix\": [[1]] } }",
        "not json",
    };
    for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
        char *path = write_text(BAD[i]);
        cal_normal nrm;
        cj_err err = {0};
        assert_int_equal(cal_normal_read(path, &nrm, &err), CJ_ERR_USAGE);
        assert_non_null(strstr(err.msg, path));
        assert_int_equal(nrm.n, 0);
        assert_null(nrm.names);
        unlink(path);
        free(path);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(draws_follow_the_cholesky_factor),
        cmocka_unit_test(a_file_without_a_usable_covariance_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
