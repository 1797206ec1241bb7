#include "breakeven.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "cluster.h"
#include "format.h"
#include "i18n.h"
#include "runner.h"
#include "sandbox.h"
#include "util.h"

/* Brent's iterations at most; the bracket is narrowed to a millionth of the
 * range long before. */
enum { BREAKEVEN_ITERATIONS = 100 };

typedef struct {
    const cli_options *opts;
    const rn_run *base;
    const prm_param *param;
    size_t variant;
    prm_set base_set;
    double scan_x[BREAKEVEN_SCAN], scan_y[BREAKEVEN_SCAN];
    char contexts[BREAKEVEN_SCAN][96];
    cj_err shape[BREAKEVEN_SCAN];
    int threads;
    cj_err err; /* the first error of an evaluation during the search */
    size_t evaluations;
    /* The answer. */
    bool found;
    double value;
    int sign_changes;
    char reason[512];
    char reason_ru[512]; /* reason, in the reader's language */
} breakeven;

static double incremental_profit(const rn_run *r, size_t v)
{
    return st_group_at(&r->results, v, r->results.n_groups - 1)->incremental_profit;
}

static void make_set(void *arg, size_t i, prm_set *set)
{
    breakeven *b = arg;
    const char *name = b->param->name;
    snprintf(b->contexts[i], sizeof b->contexts[i], _("the break-even scan"));
    an_set_with(&b->base_set, set, &name, &b->scan_x[i], 1, b->contexts[i]);
}

static void take(void *arg, size_t i, const rn_run *run)
{
    breakeven *b = arg;
    if (an_same_shape(b->base, run, b->contexts[i], &b->shape[i]) == CJ_OK)
        b->scan_y[i] = incremental_profit(run, b->variant);
}

/* The curve at x for GSL: one run, all threads on it; in an MPI job every
 * rank runs the solver in step, simulates its share of the run's customer
 * blocks and gets rank 0's value, so every rank asks for the same next x.
 * An error, the same on every rank, is kept and stops the solver with a
 * NaN. */
static double curve(double x, void *arg)
{
    breakeven *b = arg;
    if (b->err.status != CJ_OK)
        return NAN;
    b->evaluations++;
    const char *name = b->param->name;
    prm_set set = {0};
    an_set_with(&b->base_set, &set, &name, &x, 1, _("the break-even search"));
    rn_run r = {0};
    double y = 0; /* rank 0's value to every rank: the others' bits stay zero */
    rn_prepare_set(&r, b->opts, &set, b->base, &b->err);
    if (cluster_agree(&b->err) == CJ_OK &&
        cluster_same_model(r.model, r.customers, r.seed, &b->err) == CJ_OK &&
        an_same_shape(b->base, &r, _("the break-even search"), &b->err) == CJ_OK &&
        rn_simulate_ranks(&r, b->threads, &b->err) == CJ_OK) {
        if (cluster_is_root())
            y = incremental_profit(&r, b->variant);
        cluster_merge(&y, sizeof y, true, &b->err);
    }
    rn_free(&r);
    prm_set_free(&set);
    return b->err.status == CJ_OK ? y : NAN;
}

static void fmt(double x, char *buf, size_t size)
{
    prm_number_text(x, buf, size);
}

/* Brent's method on [lo, hi], where the curve changes sign. */
static cj_status solve(breakeven *b, double lo, double hi, cj_err *err)
{
    gsl_set_error_handler_off();
    gsl_function F = {curve, b};
    gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    if (!s)
        return cj_fail(err, CJ_ERR_RESOURCE, _("out of memory"));
    int status = gsl_root_fsolver_set(s, &F, lo, hi);
    double root = 0.5 * (lo + hi);
    double tolerance = 1e-6 * (b->param->high - b->param->low);
    for (int i = 0; status == GSL_SUCCESS && i < BREAKEVEN_ITERATIONS; i++) {
        status = gsl_root_fsolver_iterate(s);
        if (status != GSL_SUCCESS)
            break;
        root = gsl_root_fsolver_root(s);
        double a = gsl_root_fsolver_x_lower(s), c = gsl_root_fsolver_x_upper(s);
        if (gsl_root_test_interval(a, c, tolerance, 0) == GSL_SUCCESS)
            break;
    }
    gsl_root_fsolver_free(s);
    if (b->err.status != CJ_OK) {
        *err = b->err;
        return err->status;
    }
    if (sim_interrupted)
        return cj_fail(err, CJ_ERR_INTERRUPTED, _("interrupted: no results were written"));
    b->found = true;
    b->value = root;
    return CJ_OK;
}

static cj_status search(breakeven *b, cj_err *err)
{
    const prm_param *q = b->param;
    for (size_t i = 0; i < BREAKEVEN_SCAN; i++)
        b->scan_x[i] = q->low + (q->high - q->low) * (double)i / (BREAKEVEN_SCAN - 1);
    b->scan_x[BREAKEVEN_SCAN - 1] = q->high;
    /* Each rank scans its own points (zero elsewhere) and every rank gets
     * them all, to bracket the crossing and refine it in step. */
    if (rn_batch_ranks(b->opts, b->base, BREAKEVEN_SCAN, b->threads, make_set, take, b, err) !=
            CJ_OK ||
        cluster_merge(b->shape, sizeof b->shape, true, err) != CJ_OK ||
        cluster_merge(b->scan_y, sizeof b->scan_y, true, err) != CJ_OK)
        return err->status;
    for (size_t i = 0; i < BREAKEVEN_SCAN; i++)
        if (b->shape[i].status != CJ_OK) {
            *err = b->shape[i];
            return err->status;
        }
    int first = -1;
    for (size_t i = 0; i < BREAKEVEN_SCAN; i++) {
        if (b->scan_y[i] == 0 && first < 0) {
            b->found = true;
            b->value = b->scan_x[i];
            first = (int)i;
        }
        if (i > 0 && (b->scan_y[i - 1] < 0) != (b->scan_y[i] < 0) && b->scan_y[i - 1] != 0 &&
            b->scan_y[i] != 0) {
            b->sign_changes++;
            if (first < 0)
                first = (int)i;
        }
    }
    if (b->found)
        return CJ_OK;
    if (first < 0) {
        char lo[32], hi[32], ylo[32], yhi[32];
        fmt(q->low, lo, sizeof lo);
        fmt(q->high, hi, sizeof hi);
        snprintf(ylo, sizeof ylo, "%.0f", b->scan_y[0]);
        snprintf(yhi, sizeof yhi, "%.0f", b->scan_y[BREAKEVEN_SCAN - 1]);
        snprintf(b->reason, sizeof b->reason,
                 "%s's incremental profit stays %s 0 for %s from %s to %s (%s at %s, %s at %s)",
                 b->base->variants.items[b->variant].name, b->scan_y[0] > 0 ? "above" : "below",
                 q->name, lo, hi, ylo, lo, yhi, hi);
        fmt_snprintf(b->reason_ru, sizeof b->reason_ru,
                     b->scan_y[0] > 0 ? _("%s's incremental profit stays above 0 for %s from %s to "
                                          "%s (%s at %s, %s at %s)")
                                      : _("%s's incremental profit stays below 0 for %s from %s to "
                                          "%s (%s at %s, %s at %s)"),
                     b->base->variants.items[b->variant].name, q->name, lo, hi, ylo, lo, yhi, hi);
        return CJ_OK;
    }
    return solve(b, b->scan_x[first - 1], b->scan_x[first], err);
}

static void write_json(FILE *f, const void *arg)
{
    const breakeven *b = arg;
    json_t *root = json_object();
    json_object_set_new(root, "param", json_string(b->param->name));
    json_object_set_new(root, "variant", json_string(b->base->variants.items[b->variant].name));
    json_object_set_new(root, "value", b->found ? json_real(b->value) : json_null());
    if (!b->found)
        json_object_set_new(root, "reason", json_string(b->reason));
    json_object_set_new(root, "low", json_real(b->param->low));
    json_object_set_new(root, "high", json_real(b->param->high));
    json_object_set_new(root, "sign_changes", json_integer(b->sign_changes));
    json_t *scan = json_array();
    for (size_t i = 0; i < BREAKEVEN_SCAN; i++) {
        json_t *pt = json_array();
        json_array_append_new(pt, json_real(b->scan_x[i]));
        json_array_append_new(pt, json_real(b->scan_y[i]));
        json_array_append_new(scan, pt);
    }
    json_object_set_new(root, "scan", scan);
    json_dumpf(root, f, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
    fputc('\n', f);
    json_decref(root);
}

static void print_answer(FILE *f, const breakeven *b, const char *out_path)
{
    const char *v = b->base->variants.items[b->variant].name;
    if (b->found) {
        char x[32];
        fmt_snprintf(x, sizeof x, "%.4g", b->value);
        bool rising = b->scan_y[BREAKEVEN_SCAN - 1] > b->scan_y[0];
        const char *note = b->sign_changes > 1 ? _(" (the profit changes sign more than once in "
                                                   "the range; this is the lowest crossing)")
                                               : "";
        fmt_printf(f,
                   rising ? _("%s breaks even at %s = %s: it pays back above that%s.\n")
                          : _("%s breaks even at %s = %s: it pays back below that%s.\n"),
                   v, b->param->name, x, note);
    } else {
        fmt_printf(f, _("%s has no break-even point in [%g, %g]: %s.\n"), v, b->param->low,
                   b->param->high, b->reason_ru);
    }
    fmt_printf(f, _("Results: %s/breakeven.json\n"), out_path);
}

static cj_status check_request(breakeven *b, cj_err *err)
{
    const cli_options *o = b->opts;
    b->param = an_find_param(&b->base->scn->params, o->param, "--param", err);
    if (!b->param)
        return err->status;
    if (!b->param->has_range)
        return cj_fail(err, CJ_ERR_USAGE,
                       _("--param %s: the parameter has no low and high to search between "
                         "(%s:%d: declare it with low = ..., high = ...)"),
                       o->param, b->param->file, b->param->line);
    if (b->param->source && strcmp(b->param->source, "--set") == 0)
        return cj_fail(err, CJ_ERR_USAGE,
                       _("--param %s: the parameter is also given a value by %s; search it or set "
                         "it, not both"),
                       o->param, b->param->source);
    if (!(b->param->high > b->param->low))
        return cj_fail(err, CJ_ERR_USAGE, _("--param %s: its low and high are the same value"),
                       o->param);
    if (strcmp(o->variant, "baseline") == 0)
        return cj_fail(err, CJ_ERR_USAGE,
                       _("--variant baseline: the baseline is what a variant is compared with; "
                         "name a variant with interventions"));
    b->variant = b->base->variants.n - 1; /* the baseline, then V */
    return CJ_OK;
}

cj_status breakeven_command(const cli_options *opts, int argc, char **argv, cj_err *err)
{
    rn_catch_interrupts();
    cli_options o = *opts;
    o.variants = opts->variant; /* the baseline and V */
    breakeven b = {.opts = &o, .threads = rn_threads(opts)};
    rn_run base = {0};
    b.base = &base;
    if (strchr(opts->variant, ','))
        return cj_fail(err, CJ_ERR_USAGE,
                       _("--variant %s: one variant (for several, run breakeven "
                         "once for each)"),
                       opts->variant);
    sbx_watchdog_silent(!cluster_is_root()); /* in an MPI job rank 0 speaks */
    /* The variant is asked for with --variant: say so in its errors. */
    if (rn_prepare_base(&base, &o, err) != CJ_OK && strncmp(err->msg, "--variants:", 11) == 0)
        memmove(err->msg + 9, err->msg + 10, strlen(err->msg + 10) + 1);
    if (cluster_agree(err) == CJ_OK &&
        cluster_same_model(base.model, base.customers, base.seed, err) == CJ_OK &&
        check_request(&b, err) == CJ_OK)
        an_base_set(&o, &b.base_set, err);
    if (cluster_agree(err) == CJ_OK && rn_simulate_ranks(&base, b.threads, err) == CJ_OK)
        search(&b, err);
    /* In an MPI job the scan's points, and the customers of each run of the
     * refinement, are split among the ranks; rank 0 alone writes. */
    if (err->status == CJ_OK && cluster_is_root()) {
        char *out_path = rn_out_path(&o);
        out_dir dir = {0};
        base.argc = argc;
        base.argv = argv;
        base.processes = cluster_size();
        if (rn_begin_results(&dir, out_path, o.scenario, err) == CJ_OK &&
            an_write(&dir, "breakeven.json", write_json, &b, err) == CJ_OK &&
            an_finish(&dir, &base, err) == CJ_OK && !o.quiet)
            print_answer(stdout, &b, out_path);
        out_abort(&dir);
        free(out_path);
    }
    cluster_from_root(err);
    prm_set_free(&b.base_set);
    rn_free(&base);
    return err->status;
}
