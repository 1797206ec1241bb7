#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static const char *const METRIC_NAMES[ST_N_METRICS] = {
    "repeat_buyers", "buyers", "purchases", "revenue", "cost", "profit",
};

const char *st_metric_name(st_metric m)
{
    return METRIC_NAMES[m];
}

double st_ratio(double x, double y)
{
    return y != 0 ? x / y : 0.0;
}

/* The weights w such that a customer's metric is w · k (see sim_layout). */
static void metric_weights(const sim_totals *t, size_t persona, st_metric m, double *w)
{
    const sim_layout *l = &t->layout;
    const cmp_model *model = t->model;
    const scn_scenario *scn = model->scn;
    memset(w, 0, l->n_k * sizeof *w);
    double revenue_weight = m == ST_REVENUE ? 1.0 : m == ST_PROFIT ? scn->margin : 0.0;
    double cost_weight = m == ST_COST ? 1.0 : m == ST_PROFIT ? -1.0 : 0.0;
    switch (m) {
    case ST_REPEAT_BUYERS:
        w[SIM_K_REPEAT] = 1;
        return;
    case ST_BUYERS:
        w[SIM_K_BUYER] = 1;
        return;
    case ST_PURCHASES:
        for (size_t j = 0; j < model->n_purchase_stages; j++)
            w[l->purchases + j] = 1;
        return;
    default:
        break;
    }
    for (size_t s = 0; s < scn->n_stages; s++)
        if (model->purchase_slot[s] >= 0)
            w[l->purchases + (size_t)model->purchase_slot[s]] =
                revenue_weight * scn->stages[s].value[persona];
    for (size_t i = 0; i < scn->n_interventions; i++) {
        w[l->exposed + i] = cost_weight * scn->interventions[i].cost_per_customer;
        w[l->uses + i] = cost_weight * scn->interventions[i].cost_per_use;
    }
}

static double dot(const double *w, const int64_t *x, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += w[i] * (double)x[i];
    return s;
}

static double dot_real(const double *w, const double *x, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += w[i] * x[i];
    return s;
}

static double quadratic(const double *w, const int64_t *m, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        if (w[i] != 0)
            s += w[i] * dot(w, m + i * n, n);
    return s;
}

static st_uplift uplift_of(double sum, double sum_sq, int64_t n)
{
    st_uplift u = {0};
    if (n == 0)
        return u;
    u.diff = sum / (double)n;
    if (n > 1) {
        double var = (sum_sq - sum * sum / (double)n) / (double)(n - 1);
        u.se = sqrt(var > 0 ? var / (double)n : 0.0);
    }
    u.lo = u.diff - ST_Z95 * u.se;
    u.hi = u.diff + ST_Z95 * u.se;
    return u;
}

/* The figures of one variant over a set of personas (one, or all). */
static void compute_group(const sim_totals *t, size_t v, size_t first, size_t last,
                          st_group *g)
{
    size_t n_k = t->layout.n_k;
    double *w = xcalloc(n_k, sizeof *w);
    double sum[ST_N_METRICS] = {0}, sum_sq[ST_N_METRICS] = {0};
    double base[ST_N_METRICS] = {0};
    memset(g, 0, sizeof *g);
    for (size_t p = first; p < last; p++) {
        const sim_cell *c = sim_at(t, v, p);
        const sim_cell *c0 = sim_at(t, 0, p);
        g->customers += c->customers;
        for (int m = 0; m < ST_N_METRICS; m++) {
            metric_weights(t, p, (st_metric)m, w);
            g->total[m] += c->expected ? dot_real(w, c->expected->k_sum, n_k)
                                       : dot(w, c->k_sum, n_k);
            base[m] += c0->expected ? dot_real(w, c0->expected->k_sum, n_k)
                                    : dot(w, c0->k_sum, n_k);
            sum[m] += dot(w, c->d_sum, n_k);
            sum_sq[m] += quadratic(w, c->dd_sum, n_k);
        }
    }
    free(w);
    if (v == 0)
        return;
    g->has_uplift = true;
    for (int m = 0; m < ST_N_METRICS; m++)
        g->uplift[m] = uplift_of(sum[m], sum_sq[m], g->customers);
    if (t->exact) /* expected values: the difference is known, its interval a point */
        for (int m = 0; m < ST_N_METRICS; m++) {
            double diff = st_ratio(g->total[m] - base[m], (double)g->customers);
            g->uplift[m] = (st_uplift){diff, 0, diff, diff};
        }
    g->incremental_revenue = g->total[ST_REVENUE] - base[ST_REVENUE];
    g->incremental_profit = g->total[ST_PROFIT] - base[ST_PROFIT];
    double cost = g->total[ST_COST] - base[ST_COST];
    if (cost > 0) {
        g->has_roi = true;
        g->roi = g->incremental_profit / cost;
        g->payback = (g->incremental_profit + cost) / cost;
    }
}

static void choose_main_edges(st_results *r)
{
    const scn_scenario *scn = r->totals->model->scn;
    const sim_cell *base = &r->everyone[0];
    r->main_edge = xcalloc(scn->n_stages, sizeof *r->main_edge);
    for (size_t s = 0; s < scn->n_stages; s++) {
        r->main_edge[s] = -1;
        double best = 0;
        for (size_t e = 0; e < scn->n_edges; e++) {
            const scn_edge *edge = &scn->edges[e];
            if (edge->to == (int)s && edge->from != (int)s && st_edge_customers(base, e) > best) {
                best = st_edge_customers(base, e);
                r->main_edge[s] = (int)e;
            }
        }
    }
}

double st_stage_conversion(const st_results *r, const sim_cell *cell, size_t stage)
{
    int e = r->main_edge[stage];
    if (e < 0)
        return -1;
    int from = r->totals->model->scn->edges[e].from;
    return st_ratio(st_edge_customers(cell, (size_t)e), st_reached(cell, (size_t)from));
}

void st_compute(const sim_totals *t, st_results *out)
{
    size_t n_personas = t->n_personas;
    out->totals = t;
    out->exact = t->exact;
    out->method = t->exact ? "exact" : "monte_carlo";
    out->n_groups = n_personas + 1;
    out->groups = xcalloc(t->n_variants * out->n_groups, sizeof *out->groups);
    out->everyone = xcalloc(t->n_variants, sizeof *out->everyone);
    for (size_t v = 0; v < t->n_variants; v++) {
        for (size_t p = 0; p < n_personas; p++)
            compute_group(t, v, p, p + 1, &out->groups[v * out->n_groups + p]);
        compute_group(t, v, 0, n_personas, &out->groups[v * out->n_groups + n_personas]);
        sim_cell *all = &out->everyone[v];
        sim_cell_init(all, t->model, &t->layout);
        for (size_t p = 0; p < n_personas; p++)
            sim_cell_add(all, sim_at(t, v, p), t->model, &t->layout);
    }
    choose_main_edges(out);
}

const sim_cell *st_cell(const st_results *r, size_t variant, size_t group)
{
    if (group == r->totals->n_personas)
        return &r->everyone[variant];
    return sim_at(r->totals, variant, group);
}

void st_free(st_results *r)
{
    for (size_t v = 0; r->everyone && v < r->totals->n_variants; v++)
        sim_cell_free(&r->everyone[v]);
    free(r->everyone);
    free(r->groups);
    free(r->main_edge);
    memset(r, 0, sizeof *r);
}

double st_counter_total(const st_results *r, size_t v, size_t group, size_t slot,
                        st_uplift *uplift)
{
    const sim_totals *t = r->totals;
    size_t n_k = t->layout.n_k;
    size_t first = group == t->n_personas ? 0 : group;
    size_t last = group == t->n_personas ? t->n_personas : group + 1;
    double total = 0, base = 0, sum = 0, sum_sq = 0;
    int64_t n = 0;
    for (size_t p = first; p < last; p++) {
        const sim_cell *c = sim_at(t, v, p), *c0 = sim_at(t, 0, p);
        total += c->expected ? c->expected->k_sum[slot] : (double)c->k_sum[slot];
        base += c0->expected ? c0->expected->k_sum[slot] : (double)c0->k_sum[slot];
        sum += (double)c->d_sum[slot];
        sum_sq += (double)c->dd_sum[slot * n_k + slot];
        n += c->customers;
    }
    *uplift = uplift_of(sum, sum_sq, n);
    if (t->exact) {
        double diff = st_ratio(total - base, (double)n);
        *uplift = (st_uplift){diff, 0, diff, diff};
    }
    return total;
}

double st_linear_total(const st_results *r, size_t v, size_t group, const size_t *slots,
                       const double *w, size_t n_slots, st_uplift *uplift)
{
    const sim_totals *t = r->totals;
    size_t n_k = t->layout.n_k;
    size_t first = group == t->n_personas ? 0 : group;
    size_t last = group == t->n_personas ? t->n_personas : group + 1;
    double total = 0, base = 0, sum = 0, sum_sq = 0;
    int64_t n = 0;
    for (size_t p = first; p < last; p++) {
        const sim_cell *c = sim_at(t, v, p), *c0 = sim_at(t, 0, p);
        for (size_t a = 0; a < n_slots; a++) {
            size_t i = slots[a];
            total += w[a] * (c->expected ? c->expected->k_sum[i] : (double)c->k_sum[i]);
            base += w[a] * (c0->expected ? c0->expected->k_sum[i] : (double)c0->k_sum[i]);
            sum += w[a] * (double)c->d_sum[i];
            for (size_t b = 0; b < n_slots; b++)
                sum_sq += w[a] * w[b] * (double)c->dd_sum[i * n_k + slots[b]];
        }
        n += c->customers;
    }
    *uplift = uplift_of(sum, sum_sq, n);
    if (t->exact) {
        double diff = st_ratio(total - base, (double)n);
        *uplift = (st_uplift){diff, 0, diff, diff};
    }
    return total;
}
