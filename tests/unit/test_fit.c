/* eventlog and fit: dates, reading a log into paths, the Jeffreys interval,
 * the dwell test, and the numbers a small hand-counted log must give. */
#include <gsl/gsl_cdf.h>
#include <math.h>

#include "cli.h"
#include "eventlog.h"
#include "fit.h"
#include "testutil.h"

static char *write_csv(const char *text)
{
    return tu_write_scenario(text);
}

/* The scenario fitted from `csv` with the log ending `days` after its first
 * day (0: its last event), as a malloc'd string. */
static char *fit_text(const char *csv, int days, const char *purchase)
{
    char *path = write_csv(csv);
    evl_log log;
    cj_err err = {0};
    if (evl_read(path, false, &log, &err) != CJ_OK)
        fail_msg("%s", err.msg);
    const char *const list[] = {purchase};
    fit_options o = {list, purchase ? 1 : 0, days, NULL};
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    fit_summary sum;
    if (fit_write(&log, &o, f, &sum, &err) != CJ_OK)
        fail_msg("%s", err.msg);
    fclose(f);
    evl_free(&log);
    unlink(path);
    free(path);
    return text;
}

static void dates(void **state)
{
    (void)state;
    int64_t d;
    assert_true(evl_parse_date("1970-01-01", &d));
    assert_int_equal(d, 0);
    assert_true(evl_parse_date("2000-03-01", &d));
    assert_int_equal(d, 11017);
    assert_true(evl_parse_date("2024-02-29", &d)); /* leap year */
    int64_t next;
    assert_true(evl_parse_date("2024-03-01", &next));
    assert_int_equal(next - d, 1);
    static const char *const bad[] = {"2023-02-29", "1900-02-29", "2024-13-01", "2024-00-10",
                                      "2024-04-31", "2024-1-01",  "24-01-01",   "2024-01-01x",
                                      "2024/01/01", "",           "0000-01-01"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(evl_parse_date(bad[i], &d));
}

static void log_grouped_by_customer(void **state)
{
    (void)state;
    /* Rows by day, customers interleaved, dates from 2024-01-30. */
    char *path = write_csv("Customer,Day,Stage,Persona,Amount\n"
                           "b,2024-01-30,ads,pro,\n"
                           "a,2024-01-31,ads,novice,\n"
                           "b,2024-02-01,order,pro,12.5\n"
                           "\"a\",2024-02-02,order,novice,7.5\n"
                           "a,2024-02-02,ads,novice,\n");
    evl_log log;
    cj_err err = {0};
    assert_int_equal(evl_read(path, false, &log, &err), CJ_OK);
    assert_int_equal(log.kind, EVL_EVENTS);
    assert_int_equal(log.n_customers, 2);
    assert_int_equal(log.n_events, 5);
    assert_int_equal(log.n_stages, 2);
    assert_string_equal(log.stages[0], "ads");
    assert_string_equal(log.stages[1], "order");
    assert_int_equal(log.n_personas, 2);
    assert_true(log.dates);
    assert_int_equal(log.last_day, 3);
    char buf[32];
    evl_format_day(&log, 3, buf, sizeof buf);
    assert_string_equal(buf, "2024-02-02");
    /* b first (first seen), its rows in order; then a's three. */
    assert_int_equal(log.first_event[1], 2);
    assert_int_equal(log.first_event[2], 5);
    assert_string_equal(log.personas[log.persona[0]], "pro");
    assert_string_equal(log.personas[log.persona[1]], "novice");
    assert_int_equal(log.events[0].day, 0);
    assert_int_equal(log.events[1].day, 2);
    assert_true(log.events[1].amount == 12.5);
    assert_true(isnan(log.events[0].amount));
    assert_int_equal(log.events[2].day, 1);
    assert_int_equal(log.events[3].stage, 1);
    assert_int_equal(log.events[3].line, 5);
    assert_int_equal(log.events[4].stage, 0);
    assert_int_equal(log.events[4].line, 6);
    evl_free(&log);
    unlink(path);
    free(path);
}

static void read_errors(void **state)
{
    (void)state;
    static const struct {
        const char *csv, *msg;
    } CASES[] = {
        {"customer,day,stage\nc1,0,a\nc1,zero,b\n",
         ":3:2: day 'zero' is neither a whole number nor a date YYYY-MM-DD"},
        {"customer,day,stage\nc1,5,a\nc1,4,b\n",
         ":3:2: time goes backwards for customer 'c1': day 4 comes after day 5 on line 2"},
        {"customer,day,stage,amount\nc1,0,a,\nc1,1,b,ten\n", ":3:4: amount 'ten' is not a number"},
        {"day,stage\n0,a\n", ":1: the header has no column 'customer'"},
        {"customer,day,stage\n", ":2: the log has a header but no rows"},
        {"stage,day,customer\r\na,0,c1\r\n\r\na,2024-01-01,c1\r\n",
         ":4:2: day '2024-01-01' is a date, but line 2 gives day numbers"},
        {"customer,day,stage\n\"c\n1\",0,a\nc1,1,a->b\n",
         ":4:3: stage name 'a->b' contains \"->\""},
    };
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        char *path = write_csv(CASES[i].csv);
        evl_log log;
        cj_err err = {0};
        assert_int_equal(evl_read(path, false, &log, &err), CJ_ERR_SCENARIO);
        char want[512];
        snprintf(want, sizeof want, "%s%s", path, CASES[i].msg);
        if (strncmp(err.msg, want, strlen(want)) != 0)
            fail_msg("case %zu: got '%s', want '%s...'", i, err.msg, want);
        unlink(path);
        free(path);
    }
}

static void jeffreys_interval(void **state)
{
    (void)state;
    /* Quantiles of beta(k + 0.5, n - k + 0.5), also where gsl_cdf_beta_Pinv
     * does not converge (large n). */
    static const double KN[][2] = {{12, 975}, {1, 7}, {600, 5432}, {5000, 1e6}, {3, 2e6}};
    for (size_t i = 0; i < sizeof KN / sizeof KN[0]; i++) {
        double k = KN[i][0], n = KN[i][1], lo, hi;
        fit_jeffreys(k, n, &lo, &hi);
        assert_true(lo < k / n && k / n < hi);
        assert_true(fabs(gsl_cdf_beta_P(lo, k + 0.5, n - k + 0.5) - 0.025) < 1e-9);
        assert_true(fabs(gsl_cdf_beta_P(hi, k + 0.5, n - k + 0.5) - 0.975) < 1e-9);
    }
    double lo, hi;
    fit_jeffreys(0, 100, &lo, &hi);
    assert_true(lo == 0 && hi > 0 && hi < 0.05);
    fit_jeffreys(50, 50, &lo, &hi);
    assert_true(hi == 1 && lo > 0.9);
}

static void dwell_test(void **state)
{
    (void)state;
    /* Geometric: 10% of those still there leave each day: G = 0. */
    double r1[] = {1000, 900, 810}, m1[] = {100, 90, 81}, g = 0;
    int df = 0;
    fit_lr_add(r1, m1, 3, &g, &df);
    assert_int_equal(df, 2);
    assert_true(fabs(g) < 1e-9);
    /* By hand: 2 (5 ln 2 + 5 ln (2/3) + 10 ln (4/3)) = 8.63046. */
    double r2[] = {10, 10}, m2[] = {5, 0};
    g = 0;
    df = 0;
    fit_lr_add(r2, m2, 2, &g, &df);
    assert_int_equal(df, 1);
    assert_true(fabs(g - 8.630462173553425) < 1e-9);
    /* Groups add up; a bin nobody was in counts no degree of freedom. */
    double r3[] = {10, 0, 10}, m3[] = {5, 0, 0};
    fit_lr_add(r3, m3, 3, &g, &df);
    assert_int_equal(df, 2);
    assert_true(fabs(g - 2 * 8.630462173553425) < 1e-9);
}

static void hand_counted_log(void **state)
{
    (void)state;
    /* a: c1 2 days then b, c2 1 day then x, c3 4 days censored (the log
     * ends on day 4): 1 move to b and 1 to x in 7 customer-days. */
    char *text = fit_text("customer,day,stage,amount\n"
                          "c1,0,a,\nc2,0,a,\nc3,0,a,\nc2,1,x,\nc1,2,b,30\nc4,3,b,50\n",
                          4, "b");
    if (!strstr(text, "-- a -> b: 1 moves in 7 customer-days at risk = 0.1429 a day") ||
        !strstr(text, "local p_a_b = param \"p_a_b\" { 0.142857, low = ") ||
        !strstr(text, "dist = beta(1.5, 6.5) }") ||
        !strstr(text, "local p_a_x = param \"p_a_x\" { 0.142857,") ||
        !strstr(text, "local k_a = at_most_one(p_a_x, p_a_b)") ||
        !strstr(text, "transition(\"a\", \"b\", p_a_b * k_a)") ||
        !strstr(text, "stage \"b\" { purchase = true, value = 40 }") ||
        !strstr(text, "customers = 4, days = 4,") ||
        /* c4 starts in b: a is the entry, chosen as the most common first stage */
        !strstr(text, "stage \"a\" { entry = true }") ||
        !strstr(text, "-- 3 of 4 customers started in 'a'") ||
        /* b and x: nobody left, too few days to call them terminal */
        !strstr(text, "stage \"x\" {}") || strstr(text, "terminal = true"))
        fail_msg("unexpected fit:\n%s", text + strlen(text) / 2);
    free(text);
}

static void by_day_when_not_geometric(void **state)
{
    (void)state;
    /* 40 orders, each delivered exactly 3 days later; the log ends on day
     * 40. The terminal "delivered" is observed for 37 days x 40. */
    char csv[8192] = "customer,day,stage\n";
    for (int c = 0; c < 40; c++)
        snprintf(csv + strlen(csv), sizeof csv - strlen(csv), "c%d,0,order\nc%d,3,delivered\n",
                 c, c);
    char *text = fit_text(csv, 40, NULL);
    if (!strstr(text, "local h_order_delivered = { 0, 0, 1 }") ||
        !strstr(text, "transition(\"order\", \"delivered\", function(c) return "
                      "h_order_delivered[math.min(c.days_in_stage, 3)] end)") ||
        !strstr(text, "stage \"delivered\" { terminal = true }") || strstr(text, "param \""))
        fail_msg("unexpected fit:\n%s", text + strlen(text) / 2);
    free(text);
}

static void per_persona(void **state)
{
    (void)state;
    char *text = fit_text("customer,day,stage,persona\n"
                          "c1,0,a,slow\nc2,0,a,fast\nc3,0,a,\"odd one\"\n"
                          "c2,1,b,fast\nc1,4,b,slow\n",
                          5, NULL);
    if (!strstr(text, "persona \"slow\" { share = 1 / 3 }") ||
        !strstr(text, "-- a -> b, slow: 1 moves in 4 customer-days") ||
        !strstr(text, "-- a -> b, fast: 1 moves in 1 customer-days at risk = 1 a day") ||
        !strstr(text, "-- a -> b, odd one: 0 moves in 5 customer-days") ||
        !strstr(text, "local p_a_b_odd_one = param \"p_a_b_odd_one\" { 0, low = 0,") ||
        !strstr(text, "transition(\"a\", \"b\", { slow = p_a_b_slow, fast = p_a_b_fast, "
                      "[\"odd one\"] = p_a_b_odd_one })"))
        fail_msg("unexpected fit:\n%s", text + strlen(text) / 2);
    free(text);
}

static void command_line(void **state)
{
    (void)state;
    const char *argv[] = {"cjmsim",   "fit",     "ev.csv",      "--purchase", "order",
                          "--purchase=renewal,upgrade", "--days=30", "--paths", "--force",
                          "--out",    "s.lua"};
    cli_options o;
    cj_err err = {0};
    assert_int_equal(cli_parse(11, (char **)(uintptr_t)argv, &o, &err), CJ_OK);
    assert_int_equal(o.command, CLI_FIT);
    assert_string_equal(o.events, "ev.csv");
    assert_string_equal(o.out, "s.lua");
    assert_int_equal(o.n_purchase, 2);
    assert_string_equal(o.purchase[1], "renewal,upgrade");
    assert_true(o.has_days && o.days == 30 && o.paths && o.force);
    const char *no_out[] = {"cjmsim", "fit", "ev.csv"};
    assert_int_equal(cli_parse(3, (char **)(uintptr_t)no_out, &o, &err), CJ_ERR_USAGE);
    assert_string_equal(err.msg, "fit needs --out: the scenario file to write, e.g. --out shop.lua");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dates),
        cmocka_unit_test(log_grouped_by_customer),
        cmocka_unit_test(read_errors),
        cmocka_unit_test(jeffreys_interval),
        cmocka_unit_test(dwell_test),
        cmocka_unit_test(hand_counted_log),
        cmocka_unit_test(by_day_when_not_geometric),
        cmocka_unit_test(per_persona),
        cmocka_unit_test(command_line),
    };
    return cmocka_run_group_tests_name("fit", tests, NULL, NULL);
}
