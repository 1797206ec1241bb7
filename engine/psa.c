#include "psa.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "calibrate.h"
#include "cluster.h"
#include "decide.h"
#include "format.h"
#include "i18n.h"
#include "plot.h"
#include "rng.h"
#include "results.h"
#include "runner.h"
#include "sandbox.h"
#include "textwidth.h"
#include "util.h"

/* Streams of the draws, apart from the customers' streams of the seed. */
#define PSA_DRAW_STREAMS UINT64_C(0x7073612d64726177) /* "psa-draw" */
#define PSA_LHS_STREAMS UINT64_C(0x7073612d6c687321)  /* "psa-lhs!" */

/* Points of the acceptability curve. */
enum { PSA_LAMBDAS = 51 };

/* A uniform number in (0, 1), never 0 nor 1, from 53 random bits. */
static double open_uniform(rng_t *g)
{
    uint64_t hi = rng_next(g), lo = rng_next(g);
    uint64_t bits = ((hi << 32) | lo) >> 11;
    return ((double)bits + 0.5) * 0x1.0p-53;
}

void psa_uniforms(uint64_t seed, size_t n_draws, size_t n_params, bool lhs, double *u)
{
    for (size_t d = 0; d < n_draws; d++) {
        rng_t g;
        rng_block(&g, seed ^ PSA_DRAW_STREAMS, d);
        for (size_t j = 0; j < n_params; j++)
            u[d * n_params + j] = open_uniform(&g);
    }
    if (!lhs)
        return;
    size_t *perm = xcalloc(n_draws, sizeof *perm);
    for (size_t j = 0; j < n_params; j++) {
        rng_t g;
        rng_block(&g, seed ^ PSA_LHS_STREAMS, j);
        for (size_t d = 0; d < n_draws; d++)
            perm[d] = d;
        for (size_t d = n_draws; d > 1; d--) { /* Fisher-Yates */
            size_t k = (size_t)(open_uniform(&g) * (double)d);
            size_t t = perm[d - 1];
            perm[d - 1] = perm[k < d ? k : d - 1];
            perm[k < d ? k : d - 1] = t;
        }
        for (size_t d = 0; d < n_draws; d++)
            u[d * n_params + j] = ((double)perm[d] + u[d * n_params + j]) / (double)n_draws;
    }
    free(perm);
}

typedef struct {
    const cli_options *opts;
    const rn_run *base;
    prm_set base_set;
    const prm_param **params; /* the uncertain ones, in declaration order */
    size_t n_params;
    size_t n_draws;
    size_t n_variants;
    double *values;    /* [draw][param] */
    double *tornado_x; /* [param][low, high] */
    char (*contexts)[160];
    an_row *rows;        /* [draw][variant], everyone */
    double *tornado_inc; /* [param][low, high][variant]: incremental profit */
    cj_err *shape;
    /* What psa.json says. */
    double *uplift_mean, *uplift_lo, *uplift_hi;
    double *inc_mean, *inc_lo, *inc_hi;
    double *p_best, *p_pays;
    double evpi;
    double lambda_max;
    double *accept; /* [lambda][variant] */
    size_t headline_variant;
    char headline[512];    /* in English, for psa.json */
    char headline_ru[512]; /* in the reader's language, for the console */
    /* --calibrated: the fit's normal approximation, and where each of its
     * parameters is among params. */
    cal_normal calibrated;
    size_t *calibrated_index;
} psa;

static size_t n_sets(const psa *p)
{
    return p->n_draws + 2 * p->n_params;
}

static void make_set(void *arg, size_t i, prm_set *set)
{
    psa *p = arg;
    const char *names[1];
    double value[1];
    if (i < p->n_draws) {
        const char **all = xcalloc(p->n_params, sizeof *all);
        for (size_t j = 0; j < p->n_params; j++)
            all[j] = p->params[j]->name;
        snprintf(p->contexts[i], sizeof p->contexts[i], _("draw %zu"), i + 1);
        an_set_with(&p->base_set, set, all, p->values + i * p->n_params, p->n_params,
                    p->contexts[i]);
        free(all);
        return;
    }
    size_t t = i - p->n_draws, j = t / 2;
    names[0] = p->params[j]->name;
    value[0] = p->tornado_x[t];
    snprintf(p->contexts[i], sizeof p->contexts[i],
             t % 2 ? _("the tornado, %s at its high") : _("the tornado, %s at its low"), names[0]);
    an_set_with(&p->base_set, set, names, value, 1, p->contexts[i]);
}

static void take(void *arg, size_t i, const rn_run *run)
{
    psa *p = arg;
    if (an_same_shape(p->base, run, p->contexts[i], &p->shape[i]) != CJ_OK)
        return;
    if (i < p->n_draws) {
        an_rows_of(run, true, p->rows + i * p->n_variants);
        return;
    }
    an_row *rows = xcalloc(p->n_variants, sizeof *rows);
    an_rows_of(run, true, rows);
    for (size_t v = 0; v < p->n_variants; v++)
        p->tornado_inc[(i - p->n_draws) * p->n_variants + v] = rows[v].incremental_profit;
    free(rows);
}

/* --calibrated: the fitted parameters' values of every draw from the
 * normal approximation of the fit, with their own uniforms (so --lhs
 * stratifies them too), kept within [low, high]. */
static void draw_calibrated(psa *p, const double *u)
{
    size_t n = p->calibrated.n;
    double *uc = xcalloc(n, sizeof *uc), *x = xcalloc(n, sizeof *x);
    for (size_t d = 0; d < p->n_draws; d++) {
        for (size_t c = 0; c < n; c++)
            uc[c] = u[d * p->n_params + p->calibrated_index[c]];
        cal_normal_draw(&p->calibrated, uc, x);
        for (size_t c = 0; c < n; c++) {
            const prm_param *q = p->params[p->calibrated_index[c]];
            p->values[d * p->n_params + p->calibrated_index[c]] = fmin(fmax(x[c], q->low), q->high);
        }
    }
    free(uc);
    free(x);
}

/* The fitted parameters of --calibrated FILE among the drawn ones. */
static cj_status read_calibrated(psa *p, cj_err *err)
{
    if (!p->opts->calibrated)
        return CJ_OK;
    if (cal_normal_read(p->opts->calibrated, &p->calibrated, err) != CJ_OK)
        return err->status;
    p->calibrated_index = xcalloc(p->calibrated.n, sizeof *p->calibrated_index);
    for (size_t c = 0; c < p->calibrated.n; c++) {
        const char *name = p->calibrated.names[c];
        const prm_param *q = an_find_param(&p->base->scn->params, name, "--calibrated", err);
        if (!q)
            return err->status;
        size_t j = 0;
        while (j < p->n_params && p->params[j] != q)
            j++;
        if (j == p->n_params || !q->has_range)
            return cj_fail(err, CJ_ERR_USAGE,
                           _("--calibrated %s: %s is not drawn (%s); leave it out of --set and "
                             "--params to draw it from the fit"),
                           p->opts->calibrated, name,
                           q->source ? q->source : _("it has no low and high"));
        p->calibrated_index[c] = j;
    }
    return CJ_OK;
}

/* The values to draw from, checked: a quantile can fail (NaN) for odd
 * arguments. */
static cj_status draw_values(psa *p, cj_err *err)
{
    double *u = xcalloc(p->n_draws * p->n_params, sizeof *u);
    psa_uniforms(p->base->seed, p->n_draws, p->n_params, p->opts->lhs, u);
    p->values = xcalloc(p->n_draws * p->n_params, sizeof *p->values);
    for (size_t d = 0; d < p->n_draws && err->status == CJ_OK; d++)
        for (size_t j = 0; j < p->n_params && err->status == CJ_OK; j++) {
            double x = prm_draw(p->params[j], u[d * p->n_params + j]);
            if (!isfinite(x))
                cj_fail(err, CJ_ERR_SCENARIO,
                        _("in draw %zu: %s:%d: parameter %s: its "
                          "distribution gave no finite value at u = %g"),
                        d + 1, p->params[j]->file, p->params[j]->line, p->params[j]->name,
                        u[d * p->n_params + j]);
            p->values[d * p->n_params + j] = x;
        }
    if (p->calibrated.n)
        draw_calibrated(p, u);
    free(u);
    /* The tornado's ends: the range, else the central 95% of the
     * distribution. */
    p->tornado_x = xcalloc(2 * p->n_params, sizeof *p->tornado_x);
    for (size_t j = 0; j < p->n_params; j++) {
        const prm_param *q = p->params[j];
        p->tornado_x[2 * j] = q->has_range ? q->low : prm_draw(q, 0.025);
        p->tornado_x[2 * j + 1] = q->has_range ? q->high : prm_draw(q, 0.975);
    }
    for (size_t c = 0; c < p->calibrated.n; c++) { /* the fit's 95% */
        size_t j = p->calibrated_index[c];
        double mean = p->calibrated.mean[c], sd = cal_normal_sd(&p->calibrated, c);
        p->tornado_x[2 * j] = fmax(mean - 1.96 * sd, p->params[j]->low);
        p->tornado_x[2 * j + 1] = fmin(mean + 1.96 * sd, p->params[j]->high);
    }
    return err->status;
}

static void summarise(psa *p)
{
    size_t n = p->n_draws, nv = p->n_variants;
    double *x = xcalloc(n, sizeof *x);
    double *profit = xcalloc(n * nv, sizeof *profit);
    p->uplift_mean = xcalloc(nv, sizeof(double));
    p->uplift_lo = xcalloc(nv, sizeof(double));
    p->uplift_hi = xcalloc(nv, sizeof(double));
    p->inc_mean = xcalloc(nv, sizeof(double));
    p->inc_lo = xcalloc(nv, sizeof(double));
    p->inc_hi = xcalloc(nv, sizeof(double));
    p->p_best = xcalloc(nv, sizeof(double));
    p->p_pays = xcalloc(nv, sizeof(double));
    for (size_t v = 0; v < nv; v++) {
        for (size_t d = 0; d < n; d++)
            x[d] = p->rows[d * nv + v].uplift;
        p->uplift_mean[v] = dc_mean(x, n);
        p->uplift_lo[v] = dc_quantile(x, n, 0.025);
        p->uplift_hi[v] = dc_quantile(x, n, 0.975);
        for (size_t d = 0; d < n; d++)
            x[d] = p->rows[d * nv + v].incremental_profit;
        p->inc_mean[v] = dc_mean(x, n);
        p->inc_lo[v] = dc_quantile(x, n, 0.025);
        p->inc_hi[v] = dc_quantile(x, n, 0.975);
        p->p_pays[v] = dc_share_above_zero(x, n);
    }
    for (size_t d = 0; d < n; d++)
        for (size_t v = 0; v < nv; v++)
            profit[d * nv + v] = p->rows[d * nv + v].profit;
    dc_p_best(profit, n, nv, p->p_best);
    /* Per customer: each draw's profit over its customers. */
    for (size_t d = 0; d < n; d++)
        for (size_t v = 0; v < nv; v++)
            profit[d * nv + v] /=
                p->rows[d * nv + v].customers > 0 ? p->rows[d * nv + v].customers : 1;
    p->evpi = dc_evpi(profit, n, nv);

    /* The acceptability curve: the chance of being the best choice when one
     * more repeat buyer is worth lambda, from 0 to twice the largest price
     * per extra repeat buyer any variant's means imply. */
    double top = 0;
    for (size_t v = 1; v < nv; v++) {
        double extra = p->uplift_mean[v] * p->rows[v].customers;
        if (fabs(extra) > 0.5)
            top = fmax(top, fabs(p->inc_mean[v] / extra));
    }
    p->lambda_max = top > 0 ? 2 * top : 1;
    p->accept = xcalloc(PSA_LAMBDAS * nv, sizeof *p->accept);
    for (size_t l = 0; l < PSA_LAMBDAS; l++) {
        double lambda = p->lambda_max * (double)l / (PSA_LAMBDAS - 1);
        for (size_t d = 0; d < n; d++)
            for (size_t v = 0; v < nv; v++) {
                const an_row *r = &p->rows[d * nv + v];
                profit[d * nv + v] = lambda * r->repeat_buyers + r->profit;
            }
        dc_p_best(profit, n, nv, p->accept + l * nv);
    }
    free(profit);
    free(x);

    size_t best = 0;
    for (size_t v = 1; v < nv; v++)
        if (p->p_best[v] > p->p_best[best])
            best = v;
    size_t payer = nv > 1 ? 1 : 0;
    for (size_t v = 2; v < nv; v++)
        if (p->p_pays[v] > p->p_pays[payer])
            payer = v;
    const var_list *vl = &p->base->variants;
    /* The file's sentence stays English; the console's is translated. */
    if (best != 0) {
        snprintf(p->headline, sizeof p->headline,
                 "%s is the most profitable choice in %.0f%% of plausible worlds; it pays back "
                 "in %.0f%%.",
                 vl->items[best].name, 100 * p->p_best[best], 100 * p->p_pays[best]);
        fmt_snprintf(p->headline_ru, sizeof p->headline_ru,
                     _("%s is the most profitable choice in %.0f%% of plausible worlds; it pays "
                       "back in %.0f%%."),
                     vl->items[best].name, 100 * p->p_best[best], 100 * p->p_pays[best]);
    } else if (nv > 1) {
        snprintf(p->headline, sizeof p->headline,
                 "Changing nothing (the baseline) is the most profitable choice in %.0f%% of "
                 "plausible worlds; the change most likely to pay back, %s, pays back in "
                 "%.0f%%.",
                 100 * p->p_best[0], vl->items[payer].name, 100 * p->p_pays[payer]);
        fmt_snprintf(p->headline_ru, sizeof p->headline_ru,
                     _("Changing nothing (the baseline) is the most profitable choice in %.0f%% "
                       "of plausible worlds; the change most likely to pay back, %s, pays back "
                       "in %.0f%%."),
                     100 * p->p_best[0], vl->items[payer].name, 100 * p->p_pays[payer]);
    } else {
        snprintf(p->headline, sizeof p->headline, "Only the baseline was simulated.");
        snprintf(p->headline_ru, sizeof p->headline_ru, "%s",
                 _("Only the baseline was simulated."));
    }
    p->headline_variant = best != 0 ? best : payer;
}

static void write_csv(FILE *f, const void *arg)
{
    const psa *p = arg;
    fputs("draw,", f);
    for (size_t j = 0; j < p->n_params; j++) {
        res_csv_field(f, p->params[j]->name);
        fputc(',', f);
    }
    fprintf(f, "%s\n", AN_COLUMNS);
    for (size_t d = 0; d < p->n_draws; d++)
        for (size_t v = 0; v < p->n_variants; v++) {
            fprintf(f, "%zu,", d + 1);
            for (size_t j = 0; j < p->n_params; j++) {
                an_csv_number(f, p->values[d * p->n_params + j]);
                fputc(',', f);
            }
            an_csv_row(f, p->base->variants.items[v].name, "all", &p->rows[d * p->n_variants + v]);
        }
}

static json_t *interval(double lo, double hi)
{
    json_t *a = json_array();
    json_array_append_new(a, json_real(lo));
    json_array_append_new(a, json_real(hi));
    return a;
}

static void write_json(FILE *f, const void *arg)
{
    const psa *p = arg;
    json_t *root = json_object();
    json_object_set_new(root, "draws", json_integer((json_int_t)p->n_draws));
    json_object_set_new(root, "sampling",
                        json_string(p->opts->lhs ? "latin_hypercube" : "independent"));
    json_t *params = json_array();
    for (size_t j = 0; j < p->n_params; j++) {
        char dist[128];
        prm_dist_text(&p->params[j]->dist, dist, sizeof dist);
        json_t *o = json_object();
        json_object_set_new(o, "name", json_string(p->params[j]->name));
        json_object_set_new(o, "dist", json_string(dist));
        json_array_append_new(params, o);
    }
    json_object_set_new(root, "params", params);
    json_t *variants = json_array();
    for (size_t v = 0; v < p->n_variants; v++) {
        json_t *o = json_object();
        json_object_set_new(o, "name", json_string(p->base->variants.items[v].name));
        json_t *rb = json_object();
        json_object_set_new(rb, "mean", json_real(p->uplift_mean[v]));
        json_object_set_new(rb, "interval95", interval(p->uplift_lo[v], p->uplift_hi[v]));
        json_t *uplift = json_object();
        json_object_set_new(uplift, "repeat_buyers", rb);
        json_object_set_new(o, "uplift", uplift);
        json_t *inc = json_object();
        json_object_set_new(inc, "mean", json_real(p->inc_mean[v]));
        json_object_set_new(inc, "interval95", interval(p->inc_lo[v], p->inc_hi[v]));
        json_object_set_new(o, "incremental_profit", inc);
        json_object_set_new(o, "p_best", json_real(p->p_best[v]));
        json_object_set_new(o, "p_pays_back", json_real(p->p_pays[v]));
        json_array_append_new(variants, o);
    }
    json_object_set_new(root, "variants", variants);
    json_object_set_new(root, "evpi", json_real(p->evpi));
    if (p->opts->calibrated)
        json_object_set_new(root, "calibrated", json_string(p->opts->calibrated));
    json_object_set_new(root, "headline", json_string(p->headline));
    json_dumpf(root, f, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
    fputc('\n', f);
    json_decref(root);
}

static void write_tornado(FILE *f, const void *arg)
{
    const psa *p = arg;
    fputs("parameter,low,high,variant,incremental_profit_at_low,incremental_profit_at_high,"
          "incremental_profit_at_default\n",
          f);
    for (size_t j = 0; j < p->n_params; j++)
        for (size_t v = 1; v < p->n_variants; v++) {
            res_csv_field(f, p->params[j]->name);
            fputc(',', f);
            an_csv_number(f, p->tornado_x[2 * j]);
            fputc(',', f);
            an_csv_number(f, p->tornado_x[2 * j + 1]);
            fputc(',', f);
            res_csv_field(f, p->base->variants.items[v].name);
            fputc(',', f);
            an_csv_number(f, p->tornado_inc[(2 * j) * p->n_variants + v]);
            fputc(',', f);
            an_csv_number(f, p->tornado_inc[(2 * j + 1) * p->n_variants + v]);
            fputc(',', f);
            an_csv_number(f, st_group_at(&p->base->results, v, p->base->results.n_groups - 1)
                                 ->incremental_profit);
            fputc('\n', f);
        }
}

/* Plot data. scatter: variant, extra repeat buyers, incremental profit,
 * one block per variant but the baseline. */
static void scatter_data(FILE *f, const void *arg)
{
    const psa *p = arg;
    for (size_t v = 1; v < p->n_variants; v++) {
        for (size_t d = 0; d < p->n_draws; d++) {
            const an_row *r = &p->rows[d * p->n_variants + v];
            fprintf(f, "%zu %.15g %.15g\n", v + 1, r->uplift * r->customers, r->incremental_profit);
        }
        fputs("\n\n", f);
    }
}

/* acceptability: lambda, then the chance of each variant to be best. */
static void accept_data(FILE *f, const void *arg)
{
    const psa *p = arg;
    for (size_t l = 0; l < PSA_LAMBDAS; l++) {
        fprintf(f, "%.15g", p->lambda_max * (double)l / (PSA_LAMBDAS - 1));
        for (size_t v = 0; v < p->n_variants; v++)
            fprintf(f, " %.15g", p->accept[l * p->n_variants + v]);
        fputc('\n', f);
    }
}

/* tornado: rank, low end's profit, high end's profit, the parameter's
 * name, its low and high values; widest swing first, for the headline
 * variant. */
static void tornado_data(FILE *f, const void *arg)
{
    const psa *p = arg;
    size_t v = p->headline_variant;
    size_t *order = xcalloc(p->n_params, sizeof *order);
    for (size_t j = 0; j < p->n_params; j++)
        order[j] = j;
    for (size_t a = 1; a < p->n_params; a++) /* insertion sort by swing, stable */
        for (size_t b = a; b > 0; b--) {
            size_t x = order[b - 1], y = order[b];
            double sx = fabs(p->tornado_inc[(2 * x + 1) * p->n_variants + v] -
                             p->tornado_inc[2 * x * p->n_variants + v]);
            double sy = fabs(p->tornado_inc[(2 * y + 1) * p->n_variants + v] -
                             p->tornado_inc[2 * y * p->n_variants + v]);
            if (sy <= sx)
                break;
            order[b - 1] = y;
            order[b] = x;
        }
    for (size_t r = 0; r < p->n_params; r++) {
        size_t j = order[r];
        char lo[32], hi[32];
        prm_number_text(p->tornado_x[2 * j], lo, sizeof lo);
        prm_number_text(p->tornado_x[2 * j + 1], hi, sizeof hi);
        fprintf(f, "%zu %.15g %.15g \"%s\" \"%s\" \"%s\"\n", r + 1,
                p->tornado_inc[2 * j * p->n_variants + v],
                p->tornado_inc[(2 * j + 1) * p->n_variants + v], p->params[j]->name, lo, hi);
    }
    free(order);
}

static const plot_extra PSA_PLOTS[] = {
    {"psa_scatter",
     N_("Each dot is one plausible world (one draw of the parameters): extra repeat buyers "
        "against incremental profit, per variant."),
     scatter_data},
    {"psa_acceptability",
     N_("The chance that each variant is the best choice when one extra repeat buyer is worth "
        "the amount on the horizontal axis besides its profit."),
     accept_data},
    {"tornado",
     N_("One parameter at a time at its low and high, the others at their defaults: how far "
        "the incremental profit of the headline variant moves."),
     tornado_data},
};

static void print_summary(FILE *f, const psa *p, const char *out_path)
{
    char draws[64];
    fmt_snprintf(draws, sizeof draws, ngettext("%zu draw", "%zu draws", (unsigned long)p->n_draws),
                 p->n_draws);
    /* TRANSLATORS: "Shop: 1000 draws of 3 uncertain parameters (Latin hypercube)" */
    fmt_printf(f,
               ngettext("%s: %s of %zu uncertain parameter%s\n\n",
                        "%s: %s of %zu uncertain parameters%s\n\n", (unsigned long)p->n_params),
               p->base->scn->name, draws, p->n_params, p->opts->lhs ? _(" (Latin hypercube)") : "");
    fputs("  ", f);
    fmt_printf(f, "%-*s ", tw_field(_("variant"), 32), _("variant"));
    fmt_printf(f, "%-*s ", tw_field(_("uplift in repeat buyers"), 28),
               _("uplift in repeat buyers"));
    fmt_printf(f, "%-*s ", tw_field(_("incremental profit"), 32), _("incremental profit"));
    /* TRANSLATORS: psa's table: the share of draws in which a variant is the most profitable */
    fmt_printf(f, "%*s ", tw_field(_("best"), 6), _("best"));
    /* TRANSLATORS: psa's table: the share of draws in which a variant pays back */
    fmt_printf(f, "%*s\n", tw_field(_("pays"), 6), _("pays"));
    for (size_t v = 0; v < p->n_variants; v++) {
        char up[64], inc[64];
        fmt_snprintf(up, sizeof up, "%+.2f [%+.2f; %+.2f]", 100 * p->uplift_mean[v],
                     100 * p->uplift_lo[v], 100 * p->uplift_hi[v]);
        fmt_snprintf(inc, sizeof inc, "%+.0f [%+.0f; %+.0f]", p->inc_mean[v], p->inc_lo[v],
                     p->inc_hi[v]);
        const char *name = p->base->variants.items[v].name;
        fmt_printf(f, "  %-*s %-28s %-32s %5.0f%% %5.0f%%\n", tw_field(name, 32), name, v ? up : "",
                   v ? inc : "", 100 * p->p_best[v], 100 * p->p_pays[v]);
    }
    fmt_printf(f,
               _("\n  Uplift in percentage points of customers, profit in money; [95%% of the "
                 "draws].\n"
                 "  Knowing the parameters for sure would be worth %.4g per customer (EVPI).\n\n"
                 "%s\n\nResults: %s/ (psa.csv, psa.json, tornado.csv, plots/)\n"),
               p->evpi, p->headline_ru, out_path);
}

static void psa_free(psa *p)
{
    prm_set_free(&p->base_set);
    cal_normal_free(&p->calibrated);
    free(p->calibrated_index);
    free(p->params);
    free(p->values);
    free(p->tornado_x);
    free(p->contexts);
    free(p->rows);
    free(p->tornado_inc);
    free(p->shape);
    free(p->uplift_mean);
    free(p->uplift_lo);
    free(p->uplift_hi);
    free(p->inc_mean);
    free(p->inc_lo);
    free(p->inc_hi);
    free(p->p_best);
    free(p->p_pays);
    free(p->accept);
}

static cj_status write_results(psa *p, const rn_run *base, const char *out_path, cj_err *err)
{
    out_dir dir = {0};
    plot_output plots = {0};
    if (rn_begin_results(&dir, out_path, p->opts->scenario, err) == CJ_OK &&
        an_write(&dir, "psa.csv", write_csv, p, err) == CJ_OK &&
        an_write(&dir, "psa.json", write_json, p, err) == CJ_OK &&
        an_write(&dir, "tornado.csv", write_tornado, p, err) == CJ_OK &&
        plot_write_extra(&dir, base, PSA_PLOTS, p->n_variants > 1 ? 3 : 0, p,
                         (const char *const[]){"headline_variant",
                                               base->variants.items[p->headline_variant].name},
                         1, &plots, err) == CJ_OK &&
        plot_draw(&dir, &plots, err) == CJ_OK) {
        if (an_finish(&dir, base, err) == CJ_OK) {
            if (!p->opts->quiet)
                print_summary(stdout, p, out_path);
            plot_warning(stderr, &plots, out_path);
        }
    }
    out_abort(&dir);
    plot_output_free(&plots);
    return err->status;
}

static cj_status choose_params(psa *p, cj_err *err)
{
    const prm_list *list = &p->base->scn->params;
    p->params = xcalloc(list->n ? list->n : 1, sizeof *p->params);
    for (size_t j = 0; j < list->n; j++)
        if (prm_uncertain(&list->items[j]) && !list->items[j].source)
            p->params[p->n_params++] = &list->items[j];
    if (p->n_params > 0)
        return CJ_OK;
    if (list->n)
        return cj_fail(err, CJ_ERR_USAGE,
                       _("psa: %s has no uncertain parameter to draw that --set or --params "
                         "leaves free (declare one with param \"name\" { default, low = L, "
                         "high = H } or dist = ...)"),
                       p->opts->scenario);
    return cj_fail(err, CJ_ERR_USAGE,
                   _("psa: %s has no uncertain parameter to draw (declare one with "
                     "param \"name\" { default, low = L, high = H } or dist = ...)"),
                   p->opts->scenario);
}

/*
 * In an MPI job every rank loads the scenario and draws the same values,
 * simulates its share of the base run's customers and of the parameter
 * sets, and rank 0 gathers the rows and alone writes and prints: the same
 * bytes as one process. Every step ends agreed, so every rank ends with
 * the same status.
 */
cj_status psa_command(const cli_options *opts, int argc, char **argv, cj_err *err)
{
    rn_catch_interrupts();
    sbx_watchdog_silent(!cluster_is_root());
    psa p = {.opts = opts, .n_draws = opts->draws ? (size_t)opts->draws : 1000};
    rn_run base = {0};
    int threads = rn_threads(opts);
    p.base = &base;
    rn_prepare_base(&base, opts, err);
    if (cluster_agree(err) == CJ_OK &&
        cluster_same_model(base.model, base.customers, base.seed, err) == CJ_OK &&
        choose_params(&p, err) == CJ_OK && read_calibrated(&p, err) == CJ_OK &&
        an_base_set(opts, &p.base_set, err) == CJ_OK)
        draw_values(&p, err);
    if (cluster_agree(err) == CJ_OK && rn_simulate_ranks(&base, threads, err) == CJ_OK) {
        p.n_variants = base.totals.n_variants;
        p.contexts = xcalloc(n_sets(&p), sizeof *p.contexts);
        p.rows = xcalloc(p.n_draws * p.n_variants, sizeof *p.rows);
        p.tornado_inc = xcalloc(2 * p.n_params * p.n_variants, sizeof *p.tornado_inc);
        p.shape = xcalloc(n_sets(&p), sizeof *p.shape);
        /* Each rank fills its own indices of these, the rest stays zero. */
        if (rn_batch_ranks(opts, &base, n_sets(&p), threads, make_set, take, &p, err) == CJ_OK &&
            cluster_merge(p.shape, n_sets(&p) * sizeof *p.shape, true, err) == CJ_OK &&
            cluster_merge(p.rows, p.n_draws * p.n_variants * sizeof *p.rows, false, err) == CJ_OK)
            cluster_merge(p.tornado_inc, 2 * p.n_params * p.n_variants * sizeof *p.tornado_inc,
                          false, err);
        for (size_t i = 0; i < n_sets(&p) && err->status == CJ_OK; i++)
            if (p.shape[i].status != CJ_OK)
                *err = p.shape[i];
    }
    if (err->status == CJ_OK && cluster_is_root()) {
        summarise(&p);
        char *out_path = rn_out_path(opts);
        base.argc = argc;
        base.argv = argv;
        base.processes = cluster_size();
        write_results(&p, &base, out_path, err);
        free(out_path);
    }
    cluster_from_root(err);
    psa_free(&p);
    rn_free(&base);
    return err->status;
}
