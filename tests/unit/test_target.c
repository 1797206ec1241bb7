/* target: declarations as the scenario makes them, the binomial figures
 * against a hand computation, a target measured on a run by persona and by
 * day; first entries by day into middle stages that customers come back to,
 * exact and sampled, against a day-by-day propagation written here; and
 * repeat_buyers_in_window against its closed form (the exact messages of
 * bad targets are tested end to end in tests/e2e/65_calibrate.t and
 * 66_targets.t). */
#include <math.h>

#include "exact.h"
#include "target_eval.h"
#include "testutil.h"

/* Persona "a" buys on day 1, goes home on day 2 and buys again on day 3;
 * persona "b" never buys: every share is known whatever the random
 * numbers. */
static const char SHOP[] =
    "scenario { days = 10, customers = 100 }\n"
    "persona \"a\" { share = 0.5 }\n"
    "persona \"b\" { share = 0.5 }\n"
    "stage \"visit\" { entry = true }\n"
    "stage \"buy\" { purchase = true, value = 10 }\n"
    "stage \"home\" { }\n"
    "transition(\"visit\", \"buy\", { a = 1, b = 0 })\n"
    "transition(\"buy\", \"home\", 1)\n"
    "transition(\"home\", \"buy\", function(c) return c.purchases < 2 and 1 or 0 end)\n"
    "target \"bought\" { buyers = 40, of = 100 }\n"
    "target \"a_again\" { repeat_buyers = 9, of = 10, persona = \"a\" }\n"
    "target \"a_by_1\" { stage = \"buy\", reached = 5, of = 10, by_day = 1, persona = \"a\" }\n"
    "target \"again_by_3\" { repeat_buyers = 5, of = 10, by_day = 3 }\n"
    "target \"homes\" { stage = \"home\", reached = 50, of = 100 }\n"
    "target \"again_by_2\" { repeat_buyers = 0, of = 10, by_day = 2 }\n";

static void declarations_are_recorded(void **state)
{
    (void)state;
    char *path = tu_write_scenario(SHOP);
    cj_err err = {0};
    scn_scenario *scn = scn_load(path, NULL, &err);
    if (!scn)
        fail_msg("%s", err.msg);
    const tgt_list *l = &scn->targets;
    assert_int_equal(l->n, 6);
    assert_string_equal(l->items[0].name, "bought");
    assert_int_equal(l->items[0].kind, TGT_BUYERS);
    assert_int_equal(l->items[0].persona, -1);
    assert_int_equal(l->items[0].observed, 40);
    assert_int_equal(l->items[0].of, 100);
    assert_int_equal(l->items[0].line, 10);
    assert_string_equal(l->items[0].file, path);
    assert_int_equal(l->items[1].kind, TGT_REPEAT_BUYERS);
    assert_int_equal(l->items[1].persona, 0);
    assert_int_equal(l->items[2].kind, TGT_REACHED);
    assert_int_equal(l->items[2].stage, 1);
    assert_int_equal(l->items[2].by_day, 1);
    assert_int_equal(l->items[4].stage, 2);
    char what[128];
    tgt_describe(&l->items[2], what, sizeof what);
    assert_string_equal(what, "reached 'buy' by day 1 (a)");
    tgt_describe(&l->items[3], what, sizeof what);
    assert_string_equal(what, "bought again by day 3");
    scn_free(scn);
    unlink(path);
    free(path);
}

static void binomial_figures_by_hand(void **state)
{
    (void)state;
    /* C(10, 3) = 120 */
    assert_float_equal(tgt_binomial_loglik(3, 10, 0.2), log(120) + 3 * log(0.2) + 7 * log(0.8),
                       1e-12);
    assert_float_equal(tgt_binomial_loglik(0, 5, 0.5), 5 * log(0.5), 1e-12);
    /* (30 - 100 * 0.2) / sqrt(100 * 0.2 * 0.8) = 10 / 4 */
    assert_float_equal(tgt_z(30, 100, 0.2), 2.5, 1e-12);
    assert_float_equal(tgt_z(10, 100, 0.2), -2.5, 1e-12);
    /* a share of 0 explains a count of 0, and no other */
    assert_float_equal(tgt_z(0, 100, 0), 0, 0);
    assert_true(isnan(tgt_z(1, 100, 0)));
    /* a share of 0 is a large penalty, not minus infinity */
    assert_true(isfinite(tgt_binomial_loglik(1, 100, 0)));
    assert_true(tgt_binomial_loglik(1, 100, 0) < tgt_binomial_loglik(1, 100, 0.01) - 20);
}

static void measured_by_persona_and_day(void **state)
{
    (void)state;
    char *path = tu_write_scenario(SHOP);
    tu_run run;
    tu_run_scenario(&run, path, 1000, 10, 1, 2);
    const tgt_list *l = &run.scn->targets;
    double want[] = {0.5, 1, 1, 0.5, 0.5, 0};
    for (size_t i = 0; i < l->n; i++) {
        tgt_measure_t m = tgt_measure(&l->items[i], &run.totals);
        assert_float_equal(m.simulated, want[i], 1e-12);
        assert_float_equal(m.share, (double)l->items[i].observed / (double)l->items[i].of, 0);
        assert_float_equal(m.z, tgt_z(l->items[i].observed, l->items[i].of, want[i]), 1e-12);
    }
    double sum = 0;
    for (size_t i = 0; i < l->n; i++)
        sum += tgt_binomial_loglik(l->items[i].observed, l->items[i].of, want[i]);
    assert_float_equal(tgt_loglik(l, &run.totals), sum, 1e-9);
    tu_run_free(&run);
    unlink(path);
    free(path);
}

/* visit → browse ⇄ cart, every stage but "left" left for "left" too:
 * "browse" and "cart" are entered again and again, so first entries by day
 * are not entries by day. Persona "a" browses sooner than "b". */
static const char LOOP[] =
    "scenario { days = 30, customers = 40000 }\n"
    "persona \"a\" { share = 0.5 }\n"
    "persona \"b\" { share = 0.5 }\n"
    "stage \"visit\" { entry = true }\n"
    "stage \"browse\" { }\n"
    "stage \"cart\" { }\n"
    "stage \"left\" { terminal = true }\n"
    "transition(\"visit\", \"browse\", { a = 0.3, b = 0.1 })\n"
    "transition(\"visit\", \"left\", 0.05)\n"
    "transition(\"browse\", \"cart\", 0.2)\n"
    "transition(\"browse\", \"left\", 0.1)\n"
    "transition(\"cart\", \"browse\", 0.25)\n"
    "transition(\"cart\", \"left\", 0.05)\n"
    "target \"cart_by_3\" { stage = \"cart\", reached = 10, of = 100, by_day = 3 }\n"
    "target \"cart_by_12_a\" { stage = \"cart\", reached = 10, of = 100, by_day = 12, "
    "persona = \"a\" }\n"
    "target \"browse_by_20\" { stage = \"browse\", reached = 10, of = 100, by_day = 20 }\n"
    "target \"visit_by_1\" { stage = \"visit\", reached = 10, of = 100, by_day = 1 }\n";

enum { LOOP_DAYS = 30, LOOP_STAGES = 4, LOOP_REACH = 21 /* days 0 … 20, the latest by_day */ };

/* LOOP's daily chances of persona p, [from][to]. */
static void loop_chances(int p, double q[LOOP_STAGES][LOOP_STAGES])
{
    memset(q, 0, sizeof(double) * LOOP_STAGES * LOOP_STAGES);
    q[0][1] = p == 0 ? 0.3 : 0.1;
    q[0][3] = 0.05;
    q[1][2] = 0.2;
    q[1][3] = 0.1;
    q[2][1] = 0.25;
    q[2][3] = 0.05;
}

/* One customer of persona p carried day by day through LOOP: out[d] is the
 * chance of first entering `stage` on day d (the stage absorbs), or with
 * `every` the expected entries on day d (nothing absorbs). */
static void loop_by_day(int p, int stage, bool every, double out[LOOP_DAYS + 1])
{
    double q[LOOP_STAGES][LOOP_STAGES], m[LOOP_STAGES] = {1, 0, 0, 0};
    loop_chances(p, q);
    memset(out, 0, sizeof(double) * (LOOP_DAYS + 1));
    out[0] = stage == 0;
    if (stage == 0 && !every)
        return;
    for (int d = 1; d <= LOOP_DAYS; d++) {
        double next[LOOP_STAGES] = {0};
        for (int i = 0; i < LOOP_STAGES; i++) {
            double leave = 0;
            for (int j = 0; j < LOOP_STAGES; j++) {
                leave += q[i][j];
                next[j] += m[i] * q[i][j];
            }
            next[i] += m[i] * (1 - leave);
        }
        /* Entries of the day: what moved in, not what stayed. */
        double entered = 0;
        for (int i = 0; i < LOOP_STAGES; i++)
            entered += i == stage ? 0 : m[i] * q[i][stage];
        out[d] = entered;
        if (!every)
            next[stage] = 0;
        memcpy(m, next, sizeof m);
    }
}

/* The share of persona p (or everyone, p < 0) that first entered `stage`
 * by day `by`. */
static double loop_share_by(int p, int stage, int by)
{
    double sum = 0, first[LOOP_DAYS + 1];
    for (int q = 0; q < 2; q++) {
        if (p >= 0 && q != p)
            continue;
        loop_by_day(q, stage, false, first);
        for (int d = 0; d <= by; d++)
            sum += first[d];
    }
    return p >= 0 ? sum : sum / 2;
}

static void loop_compile(tu_compiled *c)
{
    tu_compile_text(c, LOOP, LOOP_DAYS);
}

static void middle_stage_by_day_exact(void **state)
{
    (void)state;
    tu_compiled c;
    loop_compile(&c);
    sim_totals t;
    cj_err err = {0};
    if (ex_run(c.model, 40000, 2, &t, &err) != CJ_OK)
        fail_msg("%s", err.msg);
    assert_int_equal(t.layout.reach_days, LOOP_REACH);
    double first[LOOP_DAYS + 1], every[LOOP_DAYS + 1];
    int stages[] = {1, 2};
    for (int p = 0; p < 2; p++) {
        const sim_cell *cell = sim_at(&t, 0, (size_t)p);
        double n = (double)cell->customers;
        assert_true(n == 20000);
        for (size_t i = 0; i < 2; i++) {
            int s = stages[i];
            loop_by_day(p, s, false, first);
            loop_by_day(p, s, true, every);
            double differ = 0;
            for (int d = 0; d < LOOP_REACH; d++) {
                double got = cell->expected->reached_day[(size_t)s * LOOP_REACH + (size_t)d] / n;
                assert_float_equal(got, first[d], 1e-9);
                assert_int_equal(cell->reached_day[(size_t)s * LOOP_REACH + (size_t)d],
                                 llround(n * first[d]));
                differ = fmax(differ, fabs(every[d] - first[d]));
            }
            /* Customers come back: entries by day would be another answer. */
            assert_true(differ > 1e-3);
        }
    }
    const tgt_list *l = &c.scn->targets;
    double want[] = {loop_share_by(-1, 2, 3), loop_share_by(0, 2, 12), loop_share_by(-1, 1, 20),
                     1};
    assert_int_equal(l->n, 4);
    for (size_t i = 0; i < l->n; i++) {
        tgt_measure_t m = tgt_measure(&l->items[i], &t);
        assert_float_equal(m.simulated, want[i], 1e-9);
        assert_float_equal(m.z, tgt_z(l->items[i].observed, l->items[i].of, want[i]), 1e-6);
    }
    /* by day 3 is not by the end of the run */
    assert_true(want[0] < 0.9 * st_reached(sim_at(&t, 0, 0), 2) / 20000);
    sim_free(&t);
    tu_compiled_free(&c);
}

/* Binomial z of a count of n customers at share p. */
static double binomial_z(double count, double n, double p)
{
    return (count - n * p) / sqrt(n * p * (1 - p));
}

static void middle_stage_by_day_sampled(void **state)
{
    (void)state;
    tu_compiled c;
    loop_compile(&c);
    sim_totals t;
    cj_err err = {0};
    if (sim_run(c.model, 40000, 7, 2, &t, &err) != CJ_OK)
        fail_msg("%s", err.msg);
    assert_int_equal(t.layout.reach_days, LOOP_REACH);
    double first[LOOP_DAYS + 1];
    int stages[] = {1, 2};
    int checks = 0;
    for (int p = 0; p < 2; p++) {
        const sim_cell *cell = sim_at(&t, 0, (size_t)p);
        double n = (double)cell->customers;
        for (size_t i = 0; i < 2; i++) {
            int s = stages[i];
            loop_by_day(p, s, false, first);
            double count = 0, share = 0;
            for (int d = 0; d < LOOP_REACH; d++) {
                /* Each customer first enters at most once: a day's count
                 * and a running count are binomial. */
                double day = (double)cell->reached_day[(size_t)s * LOOP_REACH + (size_t)d];
                count += day;
                share += first[d];
                if (first[d] > 0) {
                    double z = binomial_z(day, n, first[d]);
                    if (fabs(z) >= 5)
                        fail_msg("persona %d stage %d day %d: %.0f of %.0f, expected %.6f: z %.2f",
                                 p, s, d, day, n, first[d], z);
                    checks++;
                } else {
                    assert_true(day == 0);
                }
                if (share > 0) {
                    double z = binomial_z(count, n, share);
                    if (fabs(z) >= 5)
                        fail_msg("persona %d stage %d by day %d: %.0f, expected %.6f: z %.2f", p,
                                 s, d, count, share, z);
                }
            }
            /* The stage's first entries all fall on some day. */
            assert_true(count <= (double)cell->reached[s]);
        }
        /* everyone is in the entry stage on day 0 */
        assert_true(cell->reached_day[0] == cell->customers);
    }
    assert_true(checks > 60);
    const tgt_list *l = &c.scn->targets;
    for (size_t i = 0; i < l->n; i++) {
        const tgt_target *tg = &l->items[i];
        tgt_measure_t m = tgt_measure(tg, &t);
        double n = tg->persona >= 0 ? 20000 : 40000;
        double want = tg->stage == 0 ? 1 : loop_share_by(tg->persona, tg->stage, tg->by_day);
        if (want >= 1)
            assert_float_equal(m.simulated, 1, 0);
        else
            assert_true(fabs(binomial_z(m.simulated * n, n, want)) < 5);
    }
    sim_free(&t);
    tu_compiled_free(&c);
}

/* Without a target by day nothing is kept by day and stage. */
static void nothing_by_day_without_such_targets(void **state)
{
    (void)state;
    tu_compiled c;
    tu_compile_text(&c,
                    "scenario { days = 30 }\n"
                    "stage \"visit\" { entry = true }\n"
                    "stage \"buy\" { purchase = true, value = 1 }\n"
                    "transition(\"visit\", \"buy\", 0.1)\n"
                    "target \"b\" { buyers = 1, of = 10, by_day = 5 }\n"
                    "target \"r\" { stage = \"buy\", reached = 1, of = 10 }\n",
                    30);
    sim_totals t;
    cj_err err = {0};
    if (sim_run(c.model, 2000, 1, 1, &t, &err) != CJ_OK)
        fail_msg("%s", err.msg);
    assert_int_equal(t.layout.reach_days, 0);
    sim_free(&t);
    tu_compiled_free(&c);
}

/* Bought on day f with chance a a day from day 1, home the next day, and
 * from the day after with chance r a day again: in a window of W days the
 * second purchase has W - 1 days to come. */
static const char WINDOW[] =
    "scenario { days = 40, customers = 40000, repeat_window = 10 }\n"
    "persona \"a\" { share = 0.5 }\n"
    "persona \"b\" { share = 0.5 }\n"
    "stage \"visit\" { entry = true }\n"
    "stage \"buy\" { purchase = true, value = 10 }\n"
    "stage \"home\" { }\n"
    "transition(\"visit\", \"buy\", 0.1)\n"
    "transition(\"buy\", \"home\", 1)\n"
    "transition(\"home\", \"buy\", { a = 0.08, b = 0.03 })\n"
    "target \"w\" { repeat_buyers_in_window = 10, of = 100 }\n"
    "target \"w_a\" { repeat_buyers_in_window = 10, of = 100, persona = \"a\" }\n"
    "target \"w_by_25\" { repeat_buyers_in_window = 10, of = 100, by_day = 25 }\n"
    "target \"w_b_by_15\" { repeat_buyers_in_window = 10, of = 100, by_day = 15, "
    "persona = \"b\" }\n";

/* The share of persona p (everyone, p < 0) whose second purchase came at
 * most `window` days after the first, by day `by`. */
static double window_share(int p, int window, int by)
{
    double sum = 0;
    for (int q = 0; q < 2; q++) {
        if (p >= 0 && q != p)
            continue;
        double a = 0.1, r = q == 0 ? 0.08 : 0.03;
        for (int f = 1; f <= by; f++) {
            int last = f + window < by ? f + window : by; /* the last day it may come */
            int chances = last - f - 1;
            if (chances > 0)
                sum += a * pow(1 - a, f - 1) * (1 - pow(1 - r, chances));
        }
    }
    return p >= 0 ? sum : sum / 2;
}

static void repeat_window_against_its_closed_form(void **state)
{
    (void)state;
    tu_compiled c;
    tu_compile_text(&c, WINDOW, 40);
    double want[] = {window_share(-1, 10, 40), window_share(0, 10, 40), window_share(-1, 10, 25),
                     window_share(1, 10, 15)};
    const tgt_list *l = &c.scn->targets;
    assert_int_equal(l->n, 4);
    assert_int_equal(l->items[0].kind, TGT_REPEAT_WINDOW);
    assert_int_equal(l->items[0].window, 10);
    char what[128];
    tgt_describe(&l->items[3], what, sizeof what);
    assert_string_equal(what, "bought again within 10 days by day 15 (b)");
    for (int exact = 1; exact >= 0; exact--) {
        sim_totals t;
        cj_err err = {0};
        cj_status st = exact ? ex_run(c.model, 40000, 2, &t, &err)
                             : sim_run(c.model, 40000, 3, 2, &t, &err);
        if (st != CJ_OK)
            fail_msg("%s", err.msg);
        for (size_t i = 0; i < l->n; i++) {
            tgt_measure_t m = tgt_measure(&l->items[i], &t);
            double n = l->items[i].persona >= 0 ? 20000 : 40000;
            if (exact)
                assert_float_equal(m.simulated, want[i], 1e-9);
            else if (fabs(binomial_z(m.simulated * n, n, want[i])) >= 5)
                fail_msg("%s: %.5f, expected %.5f", l->items[i].name, m.simulated, want[i]);
        }
        /* The window holds back: everyone who bought twice is more. */
        const sim_cell *cell = sim_at(&t, 0, 1);
        double twice = cell->expected ? cell->expected->k_sum[SIM_K_REPEAT]
                                      : (double)cell->k_sum[SIM_K_REPEAT];
        assert_true(window_share(1, 10, 40) * 20000 < 0.8 * twice);
        sim_free(&t);
    }
    tu_compiled_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(declarations_are_recorded),
        cmocka_unit_test(binomial_figures_by_hand),
        cmocka_unit_test(measured_by_persona_and_day),
        cmocka_unit_test(middle_stage_by_day_exact),
        cmocka_unit_test(middle_stage_by_day_sampled),
        cmocka_unit_test(nothing_by_day_without_such_targets),
        cmocka_unit_test(repeat_window_against_its_closed_form),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
