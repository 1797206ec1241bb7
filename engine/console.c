#include "console.h"

#include <string.h>

#include "format.h"
#include "monthly.h"
#include "target_eval.h"
#include "textwidth.h"

static size_t name_width(const st_results *r)
{
    const cmp_model *model = r->totals->model;
    size_t w = 20;
    for (size_t v = 0; v < model->n_variants; v++)
        if (tw_width(model->variants[v].name) + 2 > w)
            w = tw_width(model->variants[v].name) + 2;
    for (size_t s = 0; s < model->scn->n_stages; s++)
        if (tw_width(model->scn->stages[s].name) + 4 > w)
            w = tw_width(model->scn->stages[s].name) + 4;
    for (size_t p = 0; p < model->scn->n_personas; p++)
        if (tw_width(model->scn->personas[p].name) + 4 > w)
            w = tw_width(model->scn->personas[p].name) + 4;
    return w;
}

static void print_funnel(FILE *f, const st_results *r, int w)
{
    const scn_scenario *scn = r->totals->model->scn;
    const sim_cell *c = st_cell(r, 0, r->totals->n_personas);
    double n = (double)r->totals->customers;
    int conv_w = 0;
    for (size_t s = 0; s < scn->n_stages; s++)
        if ((int)tw_width(scn->stages[s].name) > conv_w)
            conv_w = (int)tw_width(scn->stages[s].name);
    conv_w += 11;
    fprintf(f, "Funnel (baseline): customers who reached each stage, the conversion into it\n"
               "from the stage most of them came from, and the average mood on entering it\n");
    fprintf(f, "  %-*s %12s %8s  %-*s %6s\n", w - 2, "stage", "reached", "of all", conv_w,
            "conversion", "mood");
    for (size_t s = 0; s < scn->n_stages; s++) {
        char num[32];
        fprintf(f, "  %-*s %12s %8.1f%%", tw_field(scn->stages[s].name, w - 2), scn->stages[s].name,
                fmt_grouped(num, sizeof num, (double)c->reached[s]),
                100 * st_ratio((double)c->reached[s], n));
        char conv[160] = "";
        int e = r->main_edge[s];
        if (e >= 0)
            snprintf(conv, sizeof conv, "%5.1f%% of %s", 100 * st_stage_conversion(r, c, s),
                     scn->stages[scn->edges[e].from].name);
        fprintf(f, "  %-*s", tw_field(conv, conv_w), conv);
        double mood;
        if (st_mood_on_entry(c, s, &mood))
            fprintf(f, " %+6.2f", mood);
        fputc('\n', f);
    }
    fputc('\n', f);
}

static void print_uplift_points(FILE *f, const st_uplift *u)
{
    char cell[64];
    snprintf(cell, sizeof cell, "%+.2f [%+.2f; %+.2f]", 100 * u->diff, 100 * u->lo, 100 * u->hi);
    fprintf(f, " %26s", cell);
}

/* Every variant's funnel stage by stage, with its ratio to the baseline's:
 * where "1.5 times the clicks, 1.5 times the deals" can be seen. */
static void print_variant_funnels(FILE *f, const st_results *r, int w)
{
    const sim_totals *t = r->totals;
    const scn_scenario *scn = t->model->scn;
    size_t all = t->n_personas;
    if (t->n_variants < 2)
        return;
    fprintf(f, "Funnel by variant: share of customers who reached each stage (× the baseline's)\n");
    fprintf(f, "  %-*s %9s", w - 2, "stage", "baseline");
    for (size_t v = 1; v < t->n_variants; v++) {
        const char *name = t->model->variants[v].name;
        int width = (int)tw_width(name) > 17 ? (int)tw_width(name) : 17;
        fprintf(f, " %*s", tw_field(name, width), name);
    }
    fputc('\n', f);
    const sim_cell *c0 = st_cell(r, 0, all);
    double n = (double)t->customers;
    for (size_t s = 0; s < scn->n_stages; s++) {
        fprintf(f, "  %-*s %8.2f%%", tw_field(scn->stages[s].name, w - 2), scn->stages[s].name,
                100 * st_ratio((double)c0->reached[s], n));
        for (size_t v = 1; v < t->n_variants; v++) {
            const char *name = t->model->variants[v].name;
            int width = (int)tw_width(name) > 17 ? (int)tw_width(name) : 17;
            const sim_cell *c = st_cell(r, v, all);
            char cell[48];
            if (c0->reached[s] > 0)
                snprintf(cell, sizeof cell, "%.2f%% ×%.2f", 100 * st_ratio((double)c->reached[s], n),
                         (double)c->reached[s] / (double)c0->reached[s]);
            else
                snprintf(cell, sizeof cell, "%.2f%%", 100 * st_ratio((double)c->reached[s], n));
            fprintf(f, " %*s", tw_field(cell, width), cell);
        }
        fputc('\n', f);
    }
    fputc('\n', f);
}

static void print_variants(FILE *f, const st_results *r, int w)
{
    const sim_totals *t = r->totals;
    size_t all = t->n_personas;
    char head[64];
    snprintf(head, sizeof head, "(%s)", st_metric_words(r->headline));
    fprintf(f, "Purchases by variant (shares of all customers)\n");
    fprintf(f, "  %-*s %8s %9s %12s %26s\n", w - 2, "variant", "buyers", "repeat", "repeat rate",
            "uplift, points [95% CI]");
    fprintf(f, "  %-*s %8s %9s %12s %26s\n", w - 2, "", "", "buyers", "of buyers", head);
    for (size_t v = 0; v < t->n_variants; v++) {
        const st_group *g = st_group_at(r, v, all);
        double n = (double)g->customers;
        fprintf(f, "  %-*s %7.2f%% %8.2f%% %11.1f%%", tw_field(t->model->variants[v].name, w - 2),
                t->model->variants[v].name, 100 * st_ratio(g->total[ST_BUYERS], n),
                100 * st_ratio(g->total[ST_REPEAT_BUYERS], n),
                100 * st_ratio(g->total[ST_REPEAT_BUYERS], g->total[ST_BUYERS]));
        if (g->has_uplift)
            print_uplift_points(f, &g->uplift[r->headline]);
        else
            fprintf(f, " %26s", "(reference)");
        fputc('\n', f);
    }
    fputc('\n', f);
}

static void print_money(FILE *f, const st_results *r, int w)
{
    const sim_totals *t = r->totals;
    size_t all = t->n_personas;
    const scn_text *currency = scn_text_get(&t->model->scn->texts, "currency");
    char unit[64];
    fprintf(f, "Money%s%s (profit = %.0f%% margin on revenue - cost; ROI = extra profit / extra cost)\n",
            currency ? ", " : "",
            currency ? fmt_terminal(unit, sizeof unit, currency->items[0]) : "",
            100 * t->model->scn->margin);
    fprintf(f, "  %-*s %13s %11s %13s %13s %22s\n", w - 2, "variant", "revenue", "cost", "profit",
            "vs baseline", "ROI [95% CI]");
    for (size_t v = 0; v < t->n_variants; v++) {
        const st_group *g = st_group_at(r, v, all);
        char a[32], b[32], c[32], d[32];
        fprintf(f, "  %-*s %13s %11s %13s", tw_field(t->model->variants[v].name, w - 2),
                t->model->variants[v].name, fmt_grouped(a, sizeof a, g->total[ST_REVENUE]),
                fmt_grouped(b, sizeof b, g->total[ST_COST]),
                fmt_grouped(c, sizeof c, g->total[ST_PROFIT]));
        if (g->has_uplift) {
            char delta[40];
            snprintf(delta, sizeof delta, "%s%s", g->incremental_profit >= 0.5 ? "+" : "",
                     fmt_grouped(d, sizeof d, g->incremental_profit));
            fprintf(f, " %13s", delta);
            if (g->has_roi) {
                char roi[64];
                snprintf(roi, sizeof roi, "%+.0f%% [%+.0f%%; %+.0f%%]", 100 * g->roi,
                         100 * g->roi_lo, 100 * g->roi_hi);
                fprintf(f, " %22s", roi);
            }
        }
        fputc('\n', f);
    }
    fputc('\n', f);
}

static void print_personas(FILE *f, const st_results *r, int w)
{
    const sim_totals *t = r->totals;
    const scn_scenario *scn = t->model->scn;
    st_metric m = r->headline;
    fprintf(f, "%s by persona (share of the persona's customers; uplift, points [95%% CI])\n",
            m == ST_REPEAT_BUYERS ? "Repeat buyers" : "Buyers");
    fprintf(f, "  %-*s %10s", w - 2, "persona", "customers");
    for (size_t v = 0; v < t->n_variants; v++)
        fprintf(f, " %*s", tw_field(t->model->variants[v].name, v == 0 ? 9 : 32),
                t->model->variants[v].name);
    fputc('\n', f);
    for (size_t p = 0; p < t->n_personas; p++) {
        char num[32];
        const st_group *g0 = st_group_at(r, 0, p);
        fprintf(f, "  %-*s %10s %8.2f%%", tw_field(scn->personas[p].name, w - 2),
                scn->personas[p].name, fmt_grouped(num, sizeof num, (double)g0->customers),
                100 * st_ratio(g0->total[m], (double)g0->customers));
        for (size_t v = 1; v < t->n_variants; v++) {
            const st_group *g = st_group_at(r, v, p);
            char cell[80];
            snprintf(cell, sizeof cell, "%.2f%% (%+.2f [%+.2f; %+.2f])",
                     100 * st_ratio(g->total[m], (double)g->customers), 100 * g->uplift[m].diff,
                     100 * g->uplift[m].lo, 100 * g->uplift[m].hi);
            fprintf(f, " %*s", tw_field(cell, 32), cell);
        }
        fputc('\n', f);
    }
    fputc('\n', f);
}

/* "order_notifications: the model predicts +0.93 points of repeat buyers,
 * simulation precision [+0.85; +1.01]: predicted gain; ..." */
static void print_sentences(FILE *f, const st_results *r)
{
    const sim_totals *t = r->totals;
    const scn_scenario *scn = t->model->scn;
    size_t all = t->n_personas;
    if (t->n_variants < 2)
        return;
    st_metric m = r->headline;
    fprintf(f, "In short\n");
    for (size_t v = 1; v < t->n_variants; v++) {
        const st_group *g = st_group_at(r, v, all);
        const st_verdict *vd = &g->verdict;
        const st_uplift *u = &g->uplift[m];
        const st_group *base = st_group_at(r, 0, all);
        char a[32], b[32], c[32];
        fprintf(f, "  %s: the model predicts %+.2f points of %s", t->model->variants[v].name,
                100 * u->diff, st_metric_words(m));
        if (base->total[m] > 0)
            fprintf(f, " (%+.0f%%)", 100 * (g->total[m] / base->total[m] - 1));
        fprintf(f, ", simulation precision [%+.2f; %+.2f]: %s", 100 * u->lo, 100 * u->hi,
                st_effect_words(vd->effect));
        if (vd->customers_to_settle_effect > 0)
            fprintf(f, " (about %s customers would settle it)",
                    fmt_grouped(a, sizeof a, st_rough(vd->customers_to_settle_effect)));
        fprintf(f, ";\n    %s", st_pays_words(vd->pays));
        if (g->has_roi)
            fprintf(f, ": ROI %+.0f%% [%+.0f%%; %+.0f%%] on an extra cost of %s", 100 * g->roi,
                    100 * g->roi_lo, 100 * g->roi_hi, fmt_grouped(a, sizeof a, g->incremental_cost));
        else
            fprintf(f, ": %sextra profit %s [%s; %s]", g->incremental_cost == 0 ? "no extra cost, " : "",
                    fmt_grouped(a, sizeof a, g->profit.diff), fmt_grouped(b, sizeof b, g->profit.lo),
                    fmt_grouped(c, sizeof c, g->profit.hi));
        if (vd->few_changed)
            fprintf(f, " (only %lld customers bought differently: too few to tell)",
                    (long long)g->changed);
        else if (vd->customers_to_settle_pays > 0)
            fprintf(f, " (about %s customers would settle it)",
                    fmt_grouped(a, sizeof a, st_rough(vd->customers_to_settle_pays)));
        const st_lead *lead = &r->leads[v];
        if (t->n_personas > 1 && lead->distinguishable) {
            const st_group *top = st_group_at(r, v, (size_t)lead->top);
            fprintf(f, "; most for %s (%+.2f, %.2f [%.2f; %.2f] more than %s)",
                    scn->personas[lead->top].name, 100 * top->uplift[m].diff, 100 * lead->lead,
                    100 * lead->lead_lo, 100 * lead->lead_hi, scn->personas[lead->runner_up].name);
        }
        fputs("\n", f);
    }
    fprintf(f, "  The intervals are the simulation's precision (95%%), not the uncertainty of the\n"
               "  scenario's assumptions: they shrink as customers grow, however unsure the assumed\n"
               "  effects are. Uncertainty analysis (cjmsim psa) answers for the assumptions.\n\n");
}

void con_print(FILE *f, const st_results *r, uint64_t seed, const char *out_dir)
{
    const sim_totals *t = r->totals;
    const scn_scenario *scn = t->model->scn;
    int w = (int)name_width(r);
    char num[32];
    fprintf(f, "%s\n", scn->name);
    if (r->exact)
        fprintf(f, "%s customers over %d days, %zu variant%s: exact expected values, computed "
                   "without sampling\n(the intervals have no width)\n\n",
                fmt_grouped(num, sizeof num, (double)t->customers), t->model->days,
                t->n_variants, t->n_variants == 1 ? "" : "s");
    else
        fprintf(f, "%s customers over %d days, seed %llu, %zu variant%s on the same customers\n\n",
                fmt_grouped(num, sizeof num, (double)t->customers), t->model->days,
                (unsigned long long)seed, t->n_variants, t->n_variants == 1 ? "" : "s");
    print_funnel(f, r, w);
    print_variant_funnels(f, r, w);
    print_variants(f, r, w);
    print_money(f, r, w);
    if (t->n_personas > 1)
        print_personas(f, r, w);
    tgt_print(f, &scn->targets, t);
    if (t->calendar)
        mon_console(f, r, w);
    print_sentences(f, r);
    if (out_dir)
        fprintf(f,
                "Results: %s/ (summary.json, funnel.csv, transitions.csv, daily.csv, "
                "results.xlsx, manifest.json)\nReport:  %s/report.html (open it in a browser; the plots are in "
                "plots/)\n",
                out_dir, out_dir);
}
