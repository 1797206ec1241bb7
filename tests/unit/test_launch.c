/*
 * test_launch — launch dates (from_day, until_day) against exact
 * probabilities computed here.
 *
 * The scenario below is restated in C and one customer's state (stage,
 * mood, days in stage, purchases, exposed to `calm`) is carried day by day
 * with the daily rule of DESIGN.md, each day's chances those of the
 * interventions live that day, independently of compile.c, walk.c and
 * exact.c. `boost` launches on day 15 while customers sit in "wait" with
 * days in stage that matter (its chance changes on the third day there);
 * `calm` changes the mood on entering "buy" from day 5 to day 25 only.
 * boost also speeds up repeat purchases, so that repeat buyers within the
 * window (10 days) and lifetime value depend on the calendar too.
 * Exact mode must agree to 1e-9, the simulation within 5 standard errors
 * (binomial), for a cohort and for daily arrivals.
 */
#include "testutil.h"

#include <math.h>

#include "arrivals.h"
#include "exact.h"

enum { DAYS = 40, BOOST_FROM = 15, CALM_FROM = 5, CALM_UNTIL = 25 };
enum { WAIT, BUY, USE, GONE, N_STAGES };
enum { WINDOW = 10, MOODS = 7, DIS = 4, PUR = 3, FLAG = 2, SINCE = WINDOW + 2 };
#define N_STATES (N_STAGES * MOODS * DIS * PUR * FLAG * SINCE)
static const double RATE = 0.5; /* discount_rate */

static const double Z_BOUND = 5.0;

static const char *scenario_text(bool arrivals, int boost_from)
{
    static char text[2048];
    snprintf(text, sizeof text,
             "scenario { name = \"launch\", days = %d, %s, seed = 11, repeat_window = %d, "
             "discount_rate = %g }\n"
             "stage \"wait\" { entry = true }\n"
             "stage \"buy\" { purchase = true, value = 10 }\n"
             "stage \"use\" { }\n"
             "stage \"gone\" { terminal = true }\n"
             "transition(\"wait\", \"buy\", function(c) return c.days_in_stage >= 3 and 0.10 "
             "or 0.02 end)\n"
             "transition(\"wait\", \"gone\", 0.03)\n"
             "transition(\"buy\", \"use\", 0.5)\n"
             "transition(\"use\", \"buy\", function(c) return 0.02 + 0.02 * c.mood end)\n"
             "transition(\"use\", \"gone\", 0.02)\n"
             "intervention \"boost\" { scale = { [\"wait->buy\"] = 2, [\"use->buy\"] = 1.5 }, "
             "from_day = %d }\n"
             "intervention \"calm\" { at = \"buy\", mood = 1, from_day = %d, until_day = %d, "
             "cost_per_use = 1 }\n",
             DAYS, arrivals ? "arrivals = 2500" : "customers = 200000", WINDOW, RATE, boost_from,
             CALM_FROM, CALM_UNTIL);
    return text;
}

/* since: days from the first purchase to the end of yesterday, capped at
 * WINDOW + 1 (0 before the first purchase). */
static size_t key(int s, int m, int d, int p, int f, int since)
{
    return (((((size_t)s * MOODS + (size_t)(m + 3)) * DIS + (size_t)d) * PUR + (size_t)p) * FLAG +
            (size_t)f) *
               SINCE +
           (size_t)since;
}

/* One customer's chances, arriving on day `arrival`, in the variant `mask`
 * (bit 0 boost, bit 1 calm). */
typedef struct {
    double buyer, repeat, gone, exposed, window, purchases, uses;
    double clv_revenue, clv_cost; /* discounted to the arrival day */
} ref_result;

static ref_result reference(unsigned mask, int arrival, int boost_from)
{
    static double now[N_STATES], next[N_STATES];
    memset(now, 0, sizeof now);
    now[key(WAIT, 0, 0, 0, 0, 0)] = 1.0;
    ref_result r = {0};
    for (int t = arrival + 1; t <= DAYS; t++) {
        bool boost = (mask & 1u) && t >= boost_from;
        bool calm = (mask & 2u) && t >= CALM_FROM && t <= CALM_UNTIL;
        double discount = pow(1.0 + RATE, -(double)(t - arrival) / 365.0);
        memset(next, 0, sizeof next);
        for (int s = 0; s < N_STAGES; s++)
            for (int m = -3; m <= 3; m++)
                for (int d = 0; d < DIS; d++)
                    for (int p = 0; p < PUR; p++)
                        for (int f = 0; f < FLAG; f++)
                            for (int since = 0; since < SINCE; since++) {
                                double mass = now[key(s, m, d, p, f, since)];
                                if (mass == 0)
                                    continue;
                                int in_stage = d + 1; /* c.days_in_stage today */
                                double to_buy = 0, to_use = 0, to_gone = 0;
                                if (s == WAIT) {
                                    to_buy = (in_stage >= 3 ? 0.10 : 0.02) * (boost ? 2 : 1);
                                    to_gone = 0.03;
                                } else if (s == BUY) {
                                    to_use = 0.5;
                                } else if (s == USE) {
                                    to_buy = (0.02 + 0.02 * m) * (boost ? 1.5 : 1);
                                    to_gone = 0.02;
                                }
                                double stay = 1 - to_buy - to_use - to_gone;
                                /* today is day since + 1 after the first purchase */
                                int later = p == 0 ? 0 : since + 1 < SINCE ? since + 1 : SINCE - 1;
                                next[key(s, m, d + 1 < DIS ? d + 1 : DIS - 1, p, f, later)] +=
                                    mass * stay;
                                if (to_buy > 0) {
                                    int m2 = m + (calm ? 1 : 0);
                                    m2 = m2 > 3 ? 3 : m2;
                                    double flow = mass * to_buy;
                                    next[key(BUY, m2, 0, p + 1 < PUR ? p + 1 : PUR - 1, f | calm,
                                             later)] += flow;
                                    r.purchases += flow;
                                    r.uses += calm ? flow : 0;
                                    if (p == 1 && since + 1 <= WINDOW)
                                        r.window += flow;
                                    r.clv_revenue += 10 * flow * discount;
                                    r.clv_cost += (calm ? 1 : 0) * flow * discount;
                                }
                                if (to_use > 0)
                                    next[key(USE, m, 0, p, f, later)] += mass * to_use;
                                if (to_gone > 0)
                                    next[key(GONE, m, 0, p, f, later)] += mass * to_gone;
                            }
        memcpy(now, next, sizeof now);
    }
    for (int s = 0; s < N_STAGES; s++)
        for (int m = -3; m <= 3; m++)
            for (int d = 0; d < DIS; d++)
                for (int p = 0; p < PUR; p++)
                    for (int f = 0; f < FLAG; f++)
                        for (int since = 0; since < SINCE; since++) {
                            double mass = now[key(s, m, d, p, f, since)];
                            r.buyer += p >= 1 ? mass : 0;
                            r.repeat += p >= 2 ? mass : 0;
                            r.gone += s == GONE ? mass : 0;
                            r.exposed += f ? mass : 0;
                        }
    return r;
}

/* Expected values and binomial variances of a run, over arrival days. */
typedef struct {
    /* buyer, repeat, gone, exposed, repeat within the window */
    double mean[5], var[5], purchases, uses, clv_revenue, clv_cost;
} ref_total;

static void add_ref(ref_total *tot, ref_result r, double n)
{
    double p[5] = {r.buyer, r.repeat, r.gone, r.exposed, r.window};
    for (int i = 0; i < 5; i++) {
        tot->mean[i] += n * p[i];
        tot->var[i] += n * p[i] * (1 - p[i]);
    }
    tot->purchases += n * r.purchases;
    tot->uses += n * r.uses;
    tot->clv_revenue += n * r.clv_revenue;
    tot->clv_cost += n * r.clv_cost;
}

/* The engine's figures of variant v, exact (x) or counted (cell). */
static void engine_values(const sim_totals *t, size_t v, bool exact, double out[9])
{
    const sim_cell *cell = sim_at(t, v, 0);
    const sim_layout *l = &t->layout;
    if (exact) {
        const sim_expected *x = cell->expected;
        double vals[9] = {
            x->k_sum[SIM_K_BUYER],    x->k_sum[SIM_K_REPEAT], x->reached[GONE],
            x->k_sum[l->exposed + 1], x->k_sum[l->window],    x->k_sum[l->purchases],
            x->k_sum[l->uses + 1],    x->k_sum[l->clv] / 100, x->k_sum[l->clv + 1] / 100};
        memcpy(out, vals, sizeof vals);
    } else {
        double vals[9] = {(double)cell->k_sum[SIM_K_BUYER],
                          (double)cell->k_sum[SIM_K_REPEAT],
                          (double)cell->reached[GONE],
                          (double)cell->k_sum[l->exposed + 1],
                          (double)cell->k_sum[l->window],
                          (double)cell->k_sum[l->purchases],
                          (double)cell->k_sum[l->uses + 1],
                          0,
                          0};
        memcpy(out, vals, sizeof vals);
    }
}

static void check_run(bool arrivals)
{
    tu_compiled c;
    tu_compile_text(&c, scenario_text(arrivals, BOOST_FROM), DAYS);
    assert_int_equal(c.model->n_variants, 4); /* baseline, boost, calm, boost+calm */
    cj_err err = {0};
    arr_plan plan;
    assert_int_equal(arr_build(c.scn, DAYS, c.scn->customers, -1, &plan, &err), CJ_OK);
    sim_totals exact = {0}, mc = {0};
    assert_int_equal(ex_run_calendar(c.model, plan.total, arrivals ? &plan : NULL, 2, &exact, &err),
                     CJ_OK);
    sim_options opts = {.threads = 2, .arrivals = arrivals ? &plan : NULL};
    assert_int_equal(sim_run_with(c.model, plan.total, 11, &opts, &mc, &err), CJ_OK);
    static const char *const what[] = {"buyers", "repeat buyers", "reached gone", "exposed calm",
                                       "repeat buyers in the window"};
    for (size_t v = 0; v < 4; v++) {
        unsigned mask = c.model->variants[v].mask;
        ref_total ref = {0}, always = {0};
        for (int a = 0; a < (arrivals ? DAYS : 1); a++) {
            double n = (double)plan.count[a];
            add_ref(&ref, reference(mask, a, BOOST_FROM), n);
            add_ref(&always, reference(mask, a, 0), n);
        }
        double x[9], k[9];
        engine_values(&exact, v, true, x);
        engine_values(&mc, v, false, k);
        double n = (double)plan.total;
        for (int i = 0; i < 5; i++) {
            if (i == 3 && !(mask & 2u))
                continue;
            if (fabs(x[i] - ref.mean[i]) > 1e-9 * n)
                fail_msg("%s, variant %zu: exact %.12g, expected %.12g", what[i], v, x[i],
                         ref.mean[i]);
            double z = (k[i] - ref.mean[i]) / sqrt(ref.var[i]);
            if (!(fabs(z) < Z_BOUND))
                fail_msg("%s, variant %zu: counted %.0f, expected %.1f (z = %.2f)", what[i], v,
                         k[i], ref.mean[i], z);
        }
        assert_true(fabs(x[5] - ref.purchases) < 1e-9 * n);
        if (mask & 2u)
            assert_true(fabs(x[6] - ref.uses) < 1e-9 * n);
        /* Lifetime value: every payment discounted from the arrival day. */
        if (fabs(x[7] - ref.clv_revenue) > 1e-9 * n || fabs(x[8] - ref.clv_cost) > 1e-9 * n)
            fail_msg("lifetime value, variant %zu: exact %.12g and %.12g, expected %.12g and %.12g",
                     v, x[7], x[8], ref.clv_revenue, ref.clv_cost);
        /* Power: with boost live from day 0 the buyers move by far more
         * than 10 standard errors, so a launch date ignored is caught. */
        if (mask & 1u)
            assert_true(fabs(always.mean[0] - ref.mean[0]) > 10 * sqrt(ref.var[0]));
    }
    sim_free(&exact);
    sim_free(&mc);
    arr_free(&plan);
    tu_compiled_free(&c);
}

static void cohort_with_launch_dates(void **state)
{
    (void)state;
    check_run(false);
}

static void arrivals_with_launch_dates(void **state)
{
    (void)state;
    check_run(true);
}

/* A launch on day 0 is no launch date at all: the same plans every day. */
static void launch_on_day_zero_is_always(void **state)
{
    (void)state;
    tu_compiled c;
    tu_compile_text(&c, scenario_text(false, 0), DAYS);
    assert_int_equal(c.model->variants[1].n_periods, 0); /* boost */
    assert_true(c.model->variants[2].n_periods >= 2);    /* calm: 0-4, 5-25, 26- */
    assert_int_equal(c.model->variants[2].n_periods, 3);
    tu_compiled_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cohort_with_launch_dates),
        cmocka_unit_test(arrivals_with_launch_dates),
        cmocka_unit_test(launch_on_day_zero_is_always),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
