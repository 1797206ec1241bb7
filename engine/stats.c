#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "util.h"
#include "i18n.h"

static const char *const METRIC_NAMES[ST_N_METRICS] = {
    "repeat_buyers", "buyers", "purchases", "revenue", "cost", "profit",
};

const char *st_metric_name(st_metric m)
{
    return METRIC_NAMES[m];
}

const char *st_metric_words(st_metric m)
{
    return m == ST_REPEAT_BUYERS ? _("repeat buyers")
           : m == ST_BUYERS      ? _("buyers")
                                 : METRIC_NAMES[m];
}

const char *st_effect_name(st_effect e)
{
    return e == ST_GAIN ? "gain" : e == ST_LOSS ? "loss" : "unclear";
}

const char *st_effect_words(st_effect e)
{
    return e == ST_GAIN   ? _("predicted gain")
           : e == ST_LOSS ? _("predicted loss")
                          : _("unclear at this number of customers");
}

const char *st_pays_words(st_pays p)
{
    return p == ST_PAYS_YES  ? _("pays back")
           : p == ST_PAYS_NO ? _("does not pay back")
                             : _("pays back or not: unclear at this number of customers");
}

void st_print_settle(FILE *f, const st_group *g)
{
    const st_verdict *vd = &g->verdict;
    char num[32];
    if (vd->few_changed)
        fmt_printf(f,
                   ngettext(" (only %lld customer bought differently: too few to tell)",
                            " (only %lld customers bought differently: too few to tell)",
                            (unsigned long)g->changed),
                   (long long)g->changed);
    else if (vd->customers_to_settle_pays > 0)
        fmt_printf(f, _(" (about %s customers would settle it)"),
                   fmt_grouped(num, sizeof num, st_rough(vd->customers_to_settle_pays)));
}

double st_rough(double x)
{
    if (x <= 0 || !isfinite(x))
        return x;
    double scale = pow(10, floor(log10(x)) - 1);
    return round(x / scale) * scale;
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

/* Student's t 97.5% quantiles for 1 … 30 degrees of freedom; beyond, the
 * Cornish-Fisher expansion (Abramowitz and Stegun 26.7.5) is exact to 1e-6. */
static const double T975[30] = {
    12.706205, 4.302653, 3.182446, 2.776445, 2.570582, 2.446912, 2.364624, 2.306004,
    2.262157,  2.228139, 2.200985, 2.178813, 2.160369, 2.144787, 2.131450, 2.119905,
    2.109816,  2.100922, 2.093024, 2.085963, 2.079614, 2.073873, 2.068658, 2.063899,
    2.059539,  2.055529, 2.051831, 2.048407, 2.045230, 2.042272,
};

double st_t975(double df)
{
    if (df < 1)
        return INFINITY;
    if (df <= 30 && df == floor(df))
        return T975[(int)df - 1];
    double z = ST_Z95, z2 = z * z;
    double g1 = (z2 + 1) * z / 4;
    double g2 = ((5 * z2 + 16) * z2 + 3) * z / 96;
    double g3 = (((3 * z2 + 19) * z2 + 17) * z2 - 15) * z / 384;
    double g4 = ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z / 92160;
    return z + g1 / df + g2 / (df * df) + g3 / (df * df * df) + g4 / (df * df * df * df);
}

/* The Wilson score interval of x successes in n. */
static void wilson(double x, double n, double *lo, double *hi)
{
    double z2 = ST_Z95 * ST_Z95, p = x / n;
    double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
    double half = ST_Z95 * sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n);
    *lo = centre - half;
    *hi = centre + half;
}

/*
 * Newcombe (1998), "Improved confidence intervals for the difference
 * between binomial proportions based on paired data", method 10: the Wilson
 * intervals of the two margins combined with the correlation of the pairs,
 * as in Fagerland, Lydersen and Laake (2017), section 8.5. Unlike the Wald
 * interval it does not collapse to [0, 0] when no pair is discordant, and it
 * keeps about 95% coverage when few are.
 */
void st_paired_interval(int64_t both, int64_t b, int64_t c, int64_t n, double *lo, double *hi)
{
    if (n <= 0) {
        *lo = *hi = 0;
        return;
    }
    double N = (double)n, first = (double)(both + b), second = (double)(both + c);
    double p1 = first / N, p2 = second / N, diff = p1 - p2;
    double l1, u1, l2, u2;
    wilson(first, N, &l1, &u1);
    wilson(second, N, &l2, &u2);
    double neither = N - (double)both - (double)b - (double)c;
    double margins = first * (N - first) * second * (N - second);
    double phi = 0;
    if (margins > 0) {
        double a = (double)both * neither - (double)b * (double)c;
        phi = a > N / 2 ? (a - N / 2) / sqrt(margins) : a >= 0 ? 0 : a / sqrt(margins);
    }
    double dl = (p1 - l1) * (p1 - l1) + (u2 - p2) * (u2 - p2) - 2 * phi * (p1 - l1) * (u2 - p2);
    double du = (p2 - l2) * (p2 - l2) + (u1 - p1) * (u1 - p1) - 2 * phi * (p2 - l2) * (u1 - p1);
    *lo = diff - sqrt(dl > 0 ? dl : 0);
    *hi = diff + sqrt(du > 0 ? du : 0);
}

/* Mean and standard error of n paired differences from their sums. */
static st_uplift mean_of(double sum, double sum_sq, int64_t n)
{
    st_uplift u = {0};
    if (n == 0)
        return u;
    u.diff = sum / (double)n;
    if (n > 1) {
        double var = (sum_sq - sum * sum / (double)n) / (double)(n - 1);
        u.se = sqrt(var > 0 ? var / (double)n : 0.0);
    }
    return u;
}

/* A t interval on the paired differences. */
static void t_interval(st_uplift *u, int64_t n)
{
    double t = n > 1 ? st_t975((double)(n - 1)) : 0;
    u->lo = u->diff - t * u->se;
    u->hi = u->diff + t * u->se;
}

/* n · (z·se / |diff|)²: the customers at which the interval would just
 * exclude 0, if the difference and the spread stay as they are. */
static double customers_to_settle(const st_uplift *u, int64_t n)
{
    if (u->diff == 0 || u->se == 0)
        return 0;
    double k = ST_Z95 * u->se / fabs(u->diff);
    return (double)n * k * k;
}

/* Do the persona's customers walk the same journeys in variant v as in the
 * baseline? Then every difference but cost is exactly 0. */
static bool same_journeys(const cmp_model *model, size_t v, size_t persona)
{
    const scn_scenario *scn = model->scn;
    const cmp_plan *a = &model->variants[0].plans[persona], *b = &model->variants[v].plans[persona];
    if (a->entry_node != b->entry_node)
        return false;
    if (model->variants[v].n_periods)
        return false; /* launch dates: the plans above are not every day's */
    for (size_t s = 0; s < scn->n_stages; s++)
        if (a->mood_delta[s] != b->mood_delta[s] ||
            a->first_mood_delta[s] != b->first_mood_delta[s])
            return false;
    size_t n_states = scn->n_stages * SCN_MOODS * CMP_PURCHASE_BUCKETS;
    for (size_t n = 0; n < n_states; n++) {
        bool ra = a->states[n].thr_offset != CMP_UNREACHABLE;
        bool rb = b->states[n].thr_offset != CMP_UNREACHABLE;
        if (ra != rb || (ra && !b->same_as_first[n]))
            return false;
    }
    return true;
}

/* Can a customer of any variant buy twice? */
static bool repeat_possible(const cmp_model *model)
{
    const scn_scenario *scn = model->scn;
    /* The parts: the plans of the periods of variants with launch dates. */
    for (size_t v = 0; v < model->n_variants + model->n_parts; v++)
        for (size_t p = 0; p < scn->n_personas; p++) {
            const cmp_plan *plan = v < model->n_variants
                                       ? &model->variants[v].plans[p]
                                       : &model->parts[v - model->n_variants].plans[p];
            for (size_t s = 0; s < scn->n_stages; s++) {
                if (!scn->stages[s].purchase)
                    continue;
                for (int m = SCN_MOOD_MIN; m <= SCN_MOOD_MAX; m++)
                    for (int k = 2; k < CMP_PURCHASE_BUCKETS; k++)
                        if (plan->states[cmp_state_index((int)s, m, k)].thr_offset !=
                            CMP_UNREACHABLE)
                            return true;
            }
        }
    return false;
}

static void decide(st_group *g, st_metric headline)
{
    st_verdict *vd = &g->verdict;
    const st_uplift *u = &g->uplift[headline];
    vd->metric = headline;
    vd->effect = u->lo > 0 ? ST_GAIN : u->hi < 0 ? ST_LOSS : ST_UNCLEAR;
    if (vd->effect == ST_UNCLEAR)
        vd->customers_to_settle_effect = customers_to_settle(u, g->customers);
    vd->few_changed = g->changed > 0 && g->changed < ST_FEW_CHANGED;
    const st_uplift *p = &g->uplift[ST_PROFIT];
    if (!vd->few_changed)
        vd->pays = p->lo > 0 ? ST_PAYS_YES : p->hi < 0 ? ST_PAYS_NO : ST_PAYS_UNCLEAR;
    if (vd->pays == ST_PAYS_UNCLEAR)
        vd->customers_to_settle_pays = customers_to_settle(p, g->customers);
    /* Enough customers, too, for ST_FEW_CHANGED of them to buy differently. */
    if (vd->few_changed)
        vd->customers_to_settle_pays =
            fmax(vd->customers_to_settle_pays,
                 (double)g->customers * ST_FEW_CHANGED / (double)g->changed);
}

/* The figures of one variant over a set of personas (one, or all). */
static void compute_group(const st_results *r, size_t v, size_t first, size_t last, st_group *g)
{
    const sim_totals *t = r->totals;
    size_t n_k = t->layout.n_k;
    double *w = xcalloc(n_k, sizeof *w), *w_cost = xcalloc(n_k, sizeof *w_cost);
    double sum[ST_N_METRICS] = {0}, sum_sq[ST_N_METRICS] = {0};
    double base[ST_N_METRICS] = {0}, cross = 0; /* Σ d_profit · d_cost */
    memset(g, 0, sizeof *g);
    g->same_journeys = true;
    for (size_t p = first; p < last; p++) {
        const sim_cell *c = sim_at(t, v, p);
        const sim_cell *c0 = sim_at(t, 0, p);
        g->customers += c->customers;
        g->changed += c->changed[0];
        if (v > 0 && !same_journeys(t->model, v, p))
            g->same_journeys = false;
        metric_weights(t, p, ST_COST, w_cost);
        for (int m = 0; m < ST_N_METRICS; m++) {
            metric_weights(t, p, (st_metric)m, w);
            g->total[m] += c->expected ? dot_real(w, c->expected->k_sum, n_k)
                                       : dot(w, c->k_sum, n_k);
            base[m] += c0->expected ? dot_real(w, c0->expected->k_sum, n_k)
                                    : dot(w, c0->k_sum, n_k);
            sum[m] += dot(w, c->d_sum, n_k);
            sum_sq[m] += quadratic(w, c->dd_sum, n_k);
            if (m == ST_PROFIT)
                for (size_t i = 0; i < n_k; i++)
                    if (w[i] != 0)
                        cross += w[i] * dot(w_cost, c->dd_sum + i * n_k, n_k);
        }
    }
    free(w);
    free(w_cost);
    if (v == 0)
        return;
    g->has_uplift = true;
    for (int m = 0; m < ST_N_METRICS; m++) {
        st_uplift *u = &g->uplift[m];
        *u = mean_of(sum[m], sum_sq[m], g->customers);
        if (m == ST_BUYERS || m == ST_REPEAT_BUYERS) {
            /* d is -1, 0 or 1 per customer: Σd = b − c, Σd² = b + c. */
            g->gained[m] = ((int64_t)sum_sq[m] + (int64_t)sum[m]) / 2;
            g->lost[m] = ((int64_t)sum_sq[m] - (int64_t)sum[m]) / 2;
            int64_t both = (int64_t)g->total[m] - g->gained[m];
            if (g->same_journeys)
                u->lo = u->hi = 0;
            else
                st_paired_interval(both, g->gained[m], g->lost[m], g->customers, &u->lo, &u->hi);
        } else {
            t_interval(u, g->customers);
        }
    }
    if (t->exact) /* expected values: the difference is known, its interval a point */
        for (int m = 0; m < ST_N_METRICS; m++) {
            double diff = st_ratio(g->total[m] - base[m], (double)g->customers);
            g->uplift[m] = (st_uplift){diff, 0, diff, diff};
        }
    double n = (double)g->customers;
    g->incremental_revenue = g->total[ST_REVENUE] - base[ST_REVENUE];
    g->incremental_profit = g->total[ST_PROFIT] - base[ST_PROFIT];
    g->incremental_cost = g->total[ST_COST] - base[ST_COST];
    g->profit = g->uplift[ST_PROFIT];
    g->profit.diff = g->incremental_profit;
    g->profit.se *= n;
    g->profit.lo *= n;
    g->profit.hi *= n;
    if (g->incremental_cost > 0) {
        /* R = P / C; its delta-method variance is that of the residuals
         * d_P − R d_C (whose sum is 0) over the mean cost squared. */
        double roi = g->incremental_profit / g->incremental_cost;
        double ss = sum_sq[ST_PROFIT] - 2 * roi * cross + roi * roi * sum_sq[ST_COST];
        double se = n > 1 ? sqrt((ss > 0 ? ss : 0) / (n - 1) / n) / (g->incremental_cost / n) : 0;
        double tq = n > 1 ? st_t975(n - 1) : 0;
        g->has_roi = true;
        g->roi = roi;
        g->roi_lo = roi - tq * se;
        g->roi_hi = roi + tq * se;
    }
    decide(g, r->headline);
}

/* The lead of the persona the variant helps most over the runner-up. */
static void find_lead(const st_results *r, size_t v, st_lead *lead)
{
    size_t n = r->totals->n_personas;
    lead->top = lead->runner_up = -1;
    for (size_t p = 0; p < n; p++) {
        double d = st_group_at(r, v, p)->uplift[r->headline].diff;
        if (lead->top < 0 || d > st_group_at(r, v, (size_t)lead->top)->uplift[r->headline].diff) {
            lead->runner_up = lead->top;
            lead->top = (int)p;
        } else if (lead->runner_up < 0 ||
                   d > st_group_at(r, v, (size_t)lead->runner_up)->uplift[r->headline].diff) {
            lead->runner_up = (int)p;
        }
    }
    if (lead->runner_up < 0)
        return;
    const st_uplift *a = &st_group_at(r, v, (size_t)lead->top)->uplift[r->headline];
    const st_uplift *b = &st_group_at(r, v, (size_t)lead->runner_up)->uplift[r->headline];
    /* The half-widths of the intervals stand for z·se: the score intervals
     * of small groups are wider than their Wald se says. */
    double ha = fmax(a->hi - a->diff, a->diff - a->lo), hb = fmax(b->hi - b->diff, b->diff - b->lo);
    double half = sqrt(ha * ha + hb * hb);
    lead->lead = a->diff - b->diff;
    lead->lead_lo = lead->lead - half;
    lead->lead_hi = lead->lead + half;
    lead->distinguishable = a->diff > 0 && lead->lead_lo > 0;
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
    out->headline = repeat_possible(t->model) ? ST_REPEAT_BUYERS : ST_BUYERS;
    out->leads = xcalloc(t->n_variants, sizeof *out->leads);
    for (size_t v = 0; v < t->n_variants; v++) {
        for (size_t p = 0; p < n_personas; p++)
            compute_group(out, v, p, p + 1, &out->groups[v * out->n_groups + p]);
        compute_group(out, v, 0, n_personas, &out->groups[v * out->n_groups + n_personas]);
        if (v > 0)
            find_lead(out, v, &out->leads[v]);
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
    free(r->leads);
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
    /* A 0/1 counter per customer: the score interval of paired proportions,
     * as for buyers (d is -1, 0 or 1: Σd = b − c, Σd² = b + c). */
    *uplift = mean_of(sum, sum_sq, n);
    int64_t gained = ((int64_t)sum_sq + (int64_t)sum) / 2, lost = ((int64_t)sum_sq - (int64_t)sum) / 2;
    st_paired_interval((int64_t)total - gained, gained, lost, n, &uplift->lo, &uplift->hi);
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
    *uplift = mean_of(sum, sum_sq, n); /* money: a t interval */
    t_interval(uplift, n);
    if (t->exact) {
        double diff = st_ratio(total - base, (double)n);
        *uplift = (st_uplift){diff, 0, diff, diff};
    }
    return total;
}
