#include "sweep.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "cluster.h"
#include "format.h"
#include "i18n.h"
#include "plot.h"
#include "results.h"
#include "runner.h"
#include "sandbox.h"
#include "textwidth.h"
#include "util.h"

static bool parse_number(const char *s, size_t len, double *x)
{
    char buf[64];
    if (len == 0 || len >= sizeof buf)
        return false;
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *end;
    *x = strtod(buf, &end);
    return *end == '\0' && isfinite(*x);
}

static cj_status bad_number(const char *text, const char *s, size_t len, cj_err *err)
{
    return cj_fail(err, CJ_ERR_USAGE, _("--vary %s: '%.*s' is not a number"), text, (int)len, s);
}

cj_status sweep_parse_axis(const char *text, sweep_axis *axis, cj_err *err)
{
    memset(axis, 0, sizeof *axis);
    const char *eq = strchr(text, '=');
    size_t name_len = eq ? (size_t)(eq - text) : 0;
    if (!eq || name_len == 0 || name_len >= sizeof axis->name || !eq[1])
        return cj_fail(err, CJ_ERR_USAGE,
                       _("--vary %s: write NAME=LO:HI:STEP (e.g. consult_cost=250:500:50) or "
                         "NAME=V1,V2,... (e.g. consult_cost=250,350,500)"),
                       text);
    memcpy(axis->name, text, name_len);
    axis->name[name_len] = '\0';
    if (!prm_valid_name(axis->name))
        return cj_fail(err, CJ_ERR_USAGE,
                       _("--vary %s: '%s' is not a parameter name (letters, digits and _)"), text,
                       axis->name);
    const char *spec = eq + 1;
    if (strchr(spec, ':')) {
        const char *c1 = strchr(spec, ':');
        const char *c2 = strchr(c1 + 1, ':');
        if (!c2 || strchr(c2 + 1, ':'))
            return cj_fail(err, CJ_ERR_USAGE,
                           _("--vary %s: a range is LO:HI:STEP, three numbers (e.g. "
                             "consult_cost=250:500:50)"),
                           text);
        double lo, hi, step;
        if (!parse_number(spec, (size_t)(c1 - spec), &lo))
            return bad_number(text, spec, (size_t)(c1 - spec), err);
        if (!parse_number(c1 + 1, (size_t)(c2 - c1 - 1), &hi))
            return bad_number(text, c1 + 1, (size_t)(c2 - c1 - 1), err);
        if (!parse_number(c2 + 1, strlen(c2 + 1), &step))
            return bad_number(text, c2 + 1, strlen(c2 + 1), err);
        if (hi < lo)
            return cj_fail(err, CJ_ERR_USAGE, _("--vary %s: LO must not be above HI"), text);
        if (!(step > 0))
            return cj_fail(err, CJ_ERR_USAGE, _("--vary %s: STEP must be above 0"), text);
        double count = floor((hi - lo) / step + 1e-6) + 1;
        if (!(count <= SWEEP_MAX_POINTS))
            return cj_fail(err, CJ_ERR_USAGE,
                           _("--vary %s: %.0f values; a sweep has at most %d points"), text, count,
                           SWEEP_MAX_POINTS);
        axis->n = (size_t)count;
        axis->values = xcalloc(axis->n, sizeof *axis->values);
        for (size_t i = 0; i < axis->n; i++)
            axis->values[i] = lo + (double)i * step;
        /* HI itself, not HI plus rounding, when the grid ends on it. */
        if (fabs(axis->values[axis->n - 1] - hi) <= 1e-6 * step)
            axis->values[axis->n - 1] = hi;
        return CJ_OK;
    }
    for (const char *s = spec;;) {
        size_t len = strcspn(s, ",");
        double x;
        if (!parse_number(s, len, &x)) {
            sweep_axis_free(axis);
            return bad_number(text, s, len, err);
        }
        if (axis->n == SWEEP_MAX_POINTS) {
            sweep_axis_free(axis);
            return cj_fail(err, CJ_ERR_USAGE, _("--vary %s: a sweep has at most %d points"), text,
                           SWEEP_MAX_POINTS);
        }
        double *slot = xgrow(&axis->values, &axis->n, sizeof *slot);
        *slot = x;
        if (!s[len])
            break;
        s += len + 1;
    }
    return CJ_OK;
}

void sweep_axis_free(sweep_axis *axis)
{
    free(axis->values);
    axis->values = NULL;
    axis->n = 0;
}

typedef struct {
    const cli_options *opts;
    const rn_run *base;
    prm_set base_set;
    sweep_axis axes[CLI_MAX_VARY];
    size_t n_axes;
    size_t n_points;
    size_t n_variants, n_groups;
    char (*contexts)[32];
    an_row *rows;  /* [point][variant][group] */
    cj_err *shape; /* per point: a run of another shape */
} sweep;

/* The value of axis k at point i: the first axis varies slowest. */
static double axis_value(const sweep *s, size_t i, size_t k)
{
    size_t stride = 1;
    for (size_t j = s->n_axes; j-- > k + 1;)
        stride *= s->axes[j].n;
    return s->axes[k].values[(i / stride) % s->axes[k].n];
}

static void make_set(void *arg, size_t i, prm_set *set)
{
    sweep *s = arg;
    const char *names[CLI_MAX_VARY];
    double values[CLI_MAX_VARY];
    for (size_t k = 0; k < s->n_axes; k++) {
        names[k] = s->axes[k].name;
        values[k] = axis_value(s, i, k);
    }
    snprintf(s->contexts[i], sizeof s->contexts[i], _("sweep point %zu"), i + 1);
    an_set_with(&s->base_set, set, names, values, s->n_axes, s->contexts[i]);
}

static void take(void *arg, size_t i, const rn_run *run)
{
    sweep *s = arg;
    if (an_same_shape(s->base, run, s->contexts[i], &s->shape[i]) == CJ_OK)
        an_rows_of(run, false, s->rows + i * s->n_variants * s->n_groups);
}

static const char *group_name(const sweep *s, size_t g)
{
    return g + 1 == s->n_groups ? "all" : s->base->scn->personas[g].name;
}

static void write_csv(FILE *f, const void *arg)
{
    const sweep *s = arg;
    for (size_t k = 0; k < s->n_axes; k++) {
        res_csv_field(f, s->axes[k].name);
        fputc(',', f);
    }
    fprintf(f, "%s\n", AN_COLUMNS);
    for (size_t i = 0; i < s->n_points; i++)
        for (size_t v = 0; v < s->n_variants; v++)
            for (size_t g = 0; g < s->n_groups; g++) {
                for (size_t k = 0; k < s->n_axes; k++) {
                    char num[32];
                    prm_number_text(axis_value(s, i, k), num, sizeof num);
                    fprintf(f, "%s,", num);
                }
                an_csv_row(f, s->base->variants.items[v].name, group_name(s, g),
                           &s->rows[(i * s->n_variants + v) * s->n_groups + g]);
            }
}

/* The plot's data: every variant but the baseline, everyone, against the
 * first axis; the other axes at their first values. Columns: variant,
 * value, uplift, its low and high (percentage points), incremental profit,
 * its low and high. A blank line between variants. */
static void write_plot_data(FILE *f, const void *arg)
{
    const sweep *s = arg;
    for (size_t v = 1; v < s->n_variants; v++) {
        for (size_t i = 0; i < s->n_points; i++) {
            bool first = true;
            for (size_t k = 1; k < s->n_axes; k++)
                first = first && axis_value(s, i, k) == s->axes[k].values[0];
            if (!first)
                continue;
            const an_row *r = &s->rows[(i * s->n_variants + v) * s->n_groups + s->n_groups - 1];
            fprintf(f, "%zu %.15g %.15g %.15g %.15g %.15g %.15g %.15g\n", v + 1,
                    axis_value(s, i, 0), 100 * r->uplift, 100 * r->uplift_lo, 100 * r->uplift_hi,
                    r->incremental_profit, r->profit_lo, r->profit_hi);
        }
        fputs("\n\n", f);
    }
}

static const plot_extra SWEEP_PLOTS[] = {
    {"sweep",
     /* xgettext:no-c-format */
     N_("Each variant's uplift in repeat buyers (top) and incremental profit (bottom) against "
        "the varied parameter, with the 95% interval of the simulation as a band."),
     write_plot_data},
};

static cj_status check_axes(sweep *s, cj_err *err)
{
    const prm_list *params = &s->base->scn->params;
    for (size_t k = 0; k < s->n_axes; k++) {
        const prm_param *p = an_find_param(params, s->axes[k].name, "--vary", err);
        if (!p)
            return err->status;
        if (p->source && strcmp(p->source, "--set") == 0)
            return cj_fail(err, CJ_ERR_USAGE,
                           _("--vary %s: %s is also given a value by %s; vary it or set it, not "
                             "both"),
                           s->opts->vary[k], p->name, p->source);
        for (size_t j = 0; j < k; j++)
            if (strcmp(s->axes[j].name, s->axes[k].name) == 0)
                return cj_fail(err, CJ_ERR_USAGE,
                               _("--vary: %s is varied twice; give all its values in one --vary"),
                               p->name);
    }
    size_t n = 1;
    for (size_t k = 0; k < s->n_axes; k++) {
        n *= s->axes[k].n;
        if (n > SWEEP_MAX_POINTS)
            return cj_fail(err, CJ_ERR_USAGE,
                           _("--vary: the grid has more than %d points; vary fewer parameters "
                             "or use coarser steps"),
                           SWEEP_MAX_POINTS);
    }
    s->n_points = n;
    return CJ_OK;
}

static void sweep_free(sweep *s)
{
    for (size_t k = 0; k < s->n_axes; k++)
        sweep_axis_free(&s->axes[k]);
    prm_set_free(&s->base_set);
    free(s->contexts);
    free(s->rows);
    free(s->shape);
}

/* Points printed on the console; sweep.csv has them all. */
enum { SWEEP_PRINTED = 40 };

/* Every variant but the baseline at every point (everyone): its uplift
 * and incremental profit. */
static void print_summary(FILE *f, const sweep *s, const char *out_path)
{
    char points[64], variants[64];
    fmt_snprintf(points, sizeof points,
                 ngettext("%zu point", "%zu points", (unsigned long)s->n_points), s->n_points);
    fmt_snprintf(variants, sizeof variants,
                 ngettext("%zu variant", "%zu variants", (unsigned long)s->n_variants),
                 s->n_variants);
    /* TRANSLATORS: "Shop: 6 points x 4 variants" */
    fmt_printf(f, _("%s: %s x %s\n\n"), s->base->scn->name, points, variants);
    if (s->n_variants == 1) {
        fmt_printf(f,
                   _("  The scenario has no intervention to compare with the baseline: "
                     "sweep.csv holds\n  the baseline's figures at every point.\n\nResults: %s/ "
                     "(sweep.csv)\n"),
                   out_path);
        return;
    }
    fputs("  ", f);
    for (size_t k = 0; k < s->n_axes; k++)
        fmt_printf(f, "%-*s ", tw_field(s->axes[k].name, 14), s->axes[k].name);
    fmt_printf(f, "%-*s ", tw_field(_("variant"), 32), _("variant"));
    fmt_printf(f, "%*s ", tw_field(_("uplift in repeat buyers"), 26), _("uplift in repeat buyers"));
    fmt_printf(f, "%*s\n", tw_field(_("incr. profit"), 16), _("incr. profit"));
    size_t printed = 0;
    for (size_t i = 0; i < s->n_points && printed < SWEEP_PRINTED; i++)
        for (size_t v = 1; v < s->n_variants && printed < SWEEP_PRINTED; v++, printed++) {
            const an_row *r = &s->rows[(i * s->n_variants + v) * s->n_groups + s->n_groups - 1];
            fputs("  ", f);
            for (size_t k = 0; k < s->n_axes; k++) {
                char num[32];
                prm_number_text(axis_value(s, i, k), num, sizeof num);
                fmt_printf(f, "%-14s ", num);
            }
            char up[64];
            fmt_snprintf(up, sizeof up, "%+.2f [%+.2f; %+.2f]", 100 * r->uplift, 100 * r->uplift_lo,
                         100 * r->uplift_hi);
            const char *name = s->base->variants.items[v].name;
            fmt_printf(f, "%-*s %26s %+16.0f\n", tw_field(name, 32), name, up,
                       r->incremental_profit);
        }
    if (printed == SWEEP_PRINTED)
        fputs("  ...\n", f);
    fmt_printf(f,
               _("\n  Uplift in percentage points of customers [the simulation's 95%% "
                 "interval].\n\nResults: %s/ (sweep.csv, plots/sweep.svg)\n"),
               out_path);
}

static cj_status write_results(sweep *s, const rn_run *base, const char *out_path, cj_err *err)
{
    out_dir dir = {0};
    plot_output plots = {0};
    const char *vars[] = {"xname", s->axes[0].name};
    if (rn_begin_results(&dir, out_path, s->opts->scenario, err) == CJ_OK &&
        an_write(&dir, "sweep.csv", write_csv, s, err) == CJ_OK &&
        /* uplift and incremental profit are against the baseline: without a
         * variant there is nothing to draw */
        plot_write_extra(&dir, base, SWEEP_PLOTS, s->n_variants > 1 ? 1 : 0, s, vars, 1, &plots,
                         err) == CJ_OK &&
        plot_draw(&dir, &plots, err) == CJ_OK) {
        if (an_finish(&dir, base, err) == CJ_OK) {
            if (!s->opts->quiet)
                print_summary(stdout, s, out_path);
            plot_warning(stderr, &plots, out_path);
        }
    }
    out_abort(&dir);
    plot_output_free(&plots);
    return err->status;
}

cj_status sweep_command(const cli_options *opts, int argc, char **argv, cj_err *err)
{
    rn_catch_interrupts();
    sweep s = {.opts = opts, .n_axes = opts->n_vary};
    for (size_t k = 0; k < opts->n_vary; k++)
        if (sweep_parse_axis(opts->vary[k], &s.axes[k], err) != CJ_OK) {
            sweep_free(&s);
            return err->status;
        }
    /* In an MPI job every rank simulates its share of the base run's
     * customers and of the points; rank 0 gathers the rows and alone writes
     * and prints: the same bytes as one process, one status everywhere. */
    sbx_watchdog_silent(!cluster_is_root());
    rn_run base = {0};
    int threads = rn_threads(opts);
    s.base = &base;
    rn_prepare_base(&base, opts, err);
    if (cluster_agree(err) == CJ_OK &&
        cluster_same_model(base.model, base.customers, base.seed, err) == CJ_OK &&
        check_axes(&s, err) == CJ_OK)
        an_base_set(opts, &s.base_set, err);
    if (cluster_agree(err) == CJ_OK && rn_simulate_ranks(&base, threads, err) == CJ_OK) {
        s.n_variants = base.totals.n_variants;
        s.n_groups = base.totals.n_personas + 1; /* the personas, then everyone */
        s.contexts = xcalloc(s.n_points, sizeof *s.contexts);
        s.rows = xcalloc(s.n_points * s.n_variants * s.n_groups, sizeof *s.rows);
        s.shape = xcalloc(s.n_points, sizeof *s.shape);
        /* Each rank fills its own points of these, the rest stays zero. */
        if (rn_batch_ranks(opts, &base, s.n_points, threads, make_set, take, &s, err) == CJ_OK &&
            cluster_merge(s.shape, s.n_points * sizeof *s.shape, true, err) == CJ_OK)
            cluster_merge(s.rows, s.n_points * s.n_variants * s.n_groups * sizeof *s.rows, false,
                          err);
        for (size_t i = 0; i < s.n_points && err->status == CJ_OK; i++)
            if (s.shape[i].status != CJ_OK)
                *err = s.shape[i];
    }
    if (err->status == CJ_OK && cluster_is_root()) {
        char *out_path = rn_out_path(opts);
        base.argc = argc;
        base.argv = argv;
        base.processes = cluster_size();
        write_results(&s, &base, out_path, err);
        free(out_path);
    }
    cluster_from_root(err);
    sweep_free(&s);
    rn_free(&base);
    return err->status;
}
