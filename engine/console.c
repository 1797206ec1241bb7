#include "console.h"

#include <string.h>

#include "format.h"
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

static void print_variants(FILE *f, const st_results *r, int w)
{
    const sim_totals *t = r->totals;
    size_t all = t->n_personas;
    fprintf(f, "Repeat purchases by variant (shares of all customers)\n");
    fprintf(f, "  %-*s %8s %9s %12s %26s\n", w - 2, "variant", "buyers", "repeat", "repeat rate",
            "uplift, points [95% CI]");
    fprintf(f, "  %-*s %8s %9s %12s %26s\n", w - 2, "", "", "buyers", "of buyers",
            "(repeat buyers)");
    for (size_t v = 0; v < t->n_variants; v++) {
        const st_group *g = st_group_at(r, v, all);
        double n = (double)g->customers;
        fprintf(f, "  %-*s %7.2f%% %8.2f%% %11.1f%%", tw_field(t->model->variants[v].name, w - 2),
                t->model->variants[v].name, 100 * st_ratio(g->total[ST_BUYERS], n),
                100 * st_ratio(g->total[ST_REPEAT_BUYERS], n),
                100 * st_ratio(g->total[ST_REPEAT_BUYERS], g->total[ST_BUYERS]));
        if (g->has_uplift)
            print_uplift_points(f, &g->uplift[ST_REPEAT_BUYERS]);
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
    fprintf(f, "Money%s%s (profit = %.0f%% margin on revenue - cost; ROI = extra profit / cost)\n",
            currency ? ", " : "", currency ? currency->items[0] : "", 100 * t->model->scn->margin);
    fprintf(f, "  %-*s %13s %11s %13s %13s %8s\n", w - 2, "variant", "revenue", "cost", "profit",
            "vs baseline", "ROI");
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
            if (g->has_roi)
                fprintf(f, " %+7.0f%%", 100 * g->roi);
        }
        fputc('\n', f);
    }
    fputc('\n', f);
}

static void print_personas(FILE *f, const st_results *r, int w)
{
    const sim_totals *t = r->totals;
    const scn_scenario *scn = t->model->scn;
    fprintf(f, "Repeat buyers by persona (share of the persona's customers)\n");
    fprintf(f, "  %-*s %10s", w - 2, "persona", "customers");
    for (size_t v = 0; v < t->n_variants; v++)
        fprintf(f, " %*s", tw_field(t->model->variants[v].name, v == 0 ? 9 : 26),
                t->model->variants[v].name);
    fputc('\n', f);
    for (size_t p = 0; p < t->n_personas; p++) {
        char num[32];
        const st_group *g0 = st_group_at(r, 0, p);
        fprintf(f, "  %-*s %10s %8.2f%%", tw_field(scn->personas[p].name, w - 2),
                scn->personas[p].name, fmt_grouped(num, sizeof num, (double)g0->customers),
                100 * st_ratio(g0->total[ST_REPEAT_BUYERS], (double)g0->customers));
        for (size_t v = 1; v < t->n_variants; v++) {
            const st_group *g = st_group_at(r, v, p);
            char cell[64];
            snprintf(cell, sizeof cell, "%.2f%% (%+.2f ±%.2f)",
                     100 * st_ratio(g->total[ST_REPEAT_BUYERS], (double)g->customers),
                     100 * g->uplift[ST_REPEAT_BUYERS].diff,
                     100 * ST_Z95 * g->uplift[ST_REPEAT_BUYERS].se);
            fprintf(f, " %*s", tw_field(cell, 26), cell);
        }
        fputc('\n', f);
    }
    fputc('\n', f);
}

/* "order_notifications: +0.93 points of repeat buyers [+0.85; +1.01], ..." */
static void print_sentences(FILE *f, const st_results *r)
{
    const sim_totals *t = r->totals;
    size_t all = t->n_personas;
    if (t->n_variants < 2)
        return;
    /* Repeat buyers are the headline; in a journey where nobody can buy
     * twice (an advertising funnel) the buyers are. */
    st_metric m = ST_BUYERS;
    for (size_t v = 0; v < t->n_variants; v++)
        if (st_group_at(r, v, all)->total[ST_REPEAT_BUYERS] > 0)
            m = ST_REPEAT_BUYERS;
    const char *what = m == ST_REPEAT_BUYERS ? "repeat buyers" : "buyers";
    fprintf(f, "In short\n");
    for (size_t v = 1; v < t->n_variants; v++) {
        const st_group *g = st_group_at(r, v, all);
        const st_uplift *u = &g->uplift[m];
        const st_group *base = st_group_at(r, 0, all);
        fprintf(f, "  %s: %+.2f points of %s [%+.2f; %+.2f]", t->model->variants[v].name,
                100 * u->diff, what, 100 * u->lo, 100 * u->hi);
        if (base->total[m] > 0)
            fprintf(f, " (%+.0f%%)", 100 * (g->total[m] / base->total[m] - 1));
        if (u->lo > 0)
            fprintf(f, ", a real gain");
        else if (u->hi < 0)
            fprintf(f, ", a real loss");
        else
            fprintf(f, ", not distinguishable from no change");
        char a[32], b[32];
        if (g->has_roi && g->payback >= 1)
            fprintf(f, "; costs %s, pays back %.1f times\n", fmt_grouped(a, sizeof a, g->total[ST_COST]),
                    g->payback);
        else if (g->has_roi)
            fprintf(f, "; costs %s and brings back %s: it does not pay\n",
                    fmt_grouped(a, sizeof a, g->total[ST_COST]),
                    fmt_grouped(b, sizeof b, g->incremental_profit + g->total[ST_COST]));
        else
            fprintf(f, "; no cost given\n");
    }
    fputc('\n', f);
}

void con_print(FILE *f, const st_results *r, uint64_t seed, const char *out_dir)
{
    const sim_totals *t = r->totals;
    const scn_scenario *scn = t->model->scn;
    int w = (int)name_width(r);
    char num[32];
    fprintf(f, "%s\n", scn->name);
    fprintf(f, "%s customers over %d days, seed %llu, %zu variant%s on the same customers\n\n",
            fmt_grouped(num, sizeof num, (double)t->customers), t->model->days,
            (unsigned long long)seed, t->n_variants, t->n_variants == 1 ? "" : "s");
    print_funnel(f, r, w);
    print_variants(f, r, w);
    print_money(f, r, w);
    if (t->n_personas > 1)
        print_personas(f, r, w);
    print_sentences(f, r);
    if (out_dir)
        fprintf(f,
                "Results: %s/ (summary.json, funnel.csv, transitions.csv, daily.csv, "
                "manifest.json)\nReport:  %s/report.html (open it in a browser; the plots are in "
                "plots/)\n",
                out_dir, out_dir);
}
