#include "console.h"

#include <string.h>

#include "format.h"
#include "monthly.h"
#include "target_eval.h"
#include "textwidth.h"
#include "i18n.h"

/* A header in a column COLUMNS wide, by the width people see (a Cyrillic
 * letter is two bytes and one column): right-aligned, or left-aligned when
 * COLUMNS is negative. */
static void put_head(FILE *f, const char *text, int columns)
{
    if (columns < 0)
        fmt_printf(f, "%-*s", tw_field(text, -columns), text);
    else
        fmt_printf(f, "%*s", tw_field(text, columns), text);
}

static size_t name_width(const rn_run *run)
{
    const scn_scenario *scn = run->scn;
    size_t w = 20;
    for (size_t v = 0; v < run->variants.n; v++)
        if (tw_width(run->variants.items[v].name) + 2 > w)
            w = tw_width(run->variants.items[v].name) + 2;
    for (size_t s = 0; s < scn->n_stages; s++)
        if (tw_width(scn->stages[s].name) + 4 > w)
            w = tw_width(scn->stages[s].name) + 4;
    for (size_t p = 0; p < scn->n_personas; p++)
        if (tw_width(scn->personas[p].name) + 4 > w)
            w = tw_width(scn->personas[p].name) + 4;
    return w;
}

static void print_funnel(FILE *f, const rn_run *run, int w)
{
    const st_results *r = &run->results;
    const scn_scenario *scn = run->scn;
    const sim_cell *c = st_cell(r, 0, run->totals.n_personas);
    double n = (double)run->totals.customers;
    int conv_w = 0;
    for (size_t s = 0; s < scn->n_stages; s++)
        if ((int)tw_width(scn->stages[s].name) > conv_w)
            conv_w = (int)tw_width(scn->stages[s].name);
    conv_w += 11;
    fmt_printf(f,
               _("Funnel (baseline): customers who reached each stage, the conversion into it\n"
                 "from the stage most of them came from, and the average mood on entering it\n"));
    fputs("  ", f);
    put_head(f, _("stage"), -(w - 2));
    fputc(' ', f);
    put_head(f, _("reached"), 12);
    fputc(' ', f);
    put_head(f, _("of all"), 8);
    fputs("  ", f);
    put_head(f, _("conversion"), -conv_w);
    fputc(' ', f);
    /* a longer translated header widens the column of moods */
    int mood_w = (int)tw_width(_("mood")) > 6 ? (int)tw_width(_("mood")) : 6;
    put_head(f, _("mood"), mood_w);
    fputc('\n', f);
    for (size_t s = 0; s < scn->n_stages; s++) {
        char num[32];
        /* Grouped numbers hold no-break spaces in Russian: two bytes, one column. */
        fmt_grouped(num, sizeof num, (double)c->reached[s]);
        fmt_printf(f, "  %-*s %*s %8.1f%%", tw_field(scn->stages[s].name, w - 2),
                   scn->stages[s].name, tw_field(num, 12), num,
                   100 * st_ratio((double)c->reached[s], n));
        char conv[160] = "";
        int e = r->main_edge[s];
        if (e >= 0)
            fmt_snprintf(conv, sizeof conv, _("%5.1f%% of %s"), 100 * st_stage_conversion(r, c, s),
                         scn->stages[scn->edges[e].from].name);
        fmt_printf(f, "  %-*s", tw_field(conv, conv_w), conv);
        double mood;
        if (st_mood_on_entry(c, s, &mood))
            fmt_printf(f, " %+*.2f", mood_w, mood);
        fputc('\n', f);
    }
    fputc('\n', f);
}

static void print_uplift_points(FILE *f, const st_uplift *u)
{
    char cell[64];
    fmt_snprintf(cell, sizeof cell, "%+.2f [%+.2f; %+.2f]", 100 * u->diff, 100 * u->lo,
                 100 * u->hi);
    fmt_printf(f, " %26s", cell);
}

/* Every variant's funnel stage by stage, with its ratio to the baseline's:
 * where "1.5 times the clicks, 1.5 times the deals" can be seen. */
static void print_variant_funnels(FILE *f, const rn_run *run, int w)
{
    const st_results *r = &run->results;
    const sim_totals *t = &run->totals;
    const scn_scenario *scn = run->scn;
    size_t all = t->n_personas;
    if (t->n_variants < 2)
        return;
    fmt_printf(
        f, _("Funnel by variant: share of customers who reached each stage (× the baseline's)\n"));
    fputs("  ", f);
    put_head(f, _("stage"), -(w - 2));
    fmt_printf(f, " %9s", "baseline");
    for (size_t v = 1; v < t->n_variants; v++) {
        const char *name = run->variants.items[v].name;
        int width = (int)tw_width(name) > 17 ? (int)tw_width(name) : 17;
        fmt_printf(f, " %*s", tw_field(name, width), name);
    }
    fputc('\n', f);
    const sim_cell *c0 = st_cell(r, 0, all);
    double n = (double)t->customers;
    for (size_t s = 0; s < scn->n_stages; s++) {
        fmt_printf(f, "  %-*s %8.2f%%", tw_field(scn->stages[s].name, w - 2), scn->stages[s].name,
                   100 * st_ratio((double)c0->reached[s], n));
        for (size_t v = 1; v < t->n_variants; v++) {
            const char *name = run->variants.items[v].name;
            int width = (int)tw_width(name) > 17 ? (int)tw_width(name) : 17;
            const sim_cell *c = st_cell(r, v, all);
            char cell[48];
            if (c0->reached[s] > 0)
                fmt_snprintf(cell, sizeof cell, "%.2f%% ×%.2f",
                             100 * st_ratio((double)c->reached[s], n),
                             (double)c->reached[s] / (double)c0->reached[s]);
            else
                fmt_snprintf(cell, sizeof cell, "%.2f%%", 100 * st_ratio((double)c->reached[s], n));
            fmt_printf(f, " %*s", tw_field(cell, width), cell);
        }
        fputc('\n', f);
    }
    fputc('\n', f);
}

static void print_variants(FILE *f, const rn_run *run, int w)
{
    const st_results *r = &run->results;
    const sim_totals *t = &run->totals;
    size_t all = t->n_personas;
    char head[64];
    fmt_snprintf(head, sizeof head, "(%s)", st_metric_words(r->headline));
    fmt_printf(f, _("Purchases by variant (shares of all customers)\n"));
    fputs("  ", f);
    put_head(f, _("variant"), -(w - 2));
    fputc(' ', f);
    put_head(f, _("buyers"), 8);
    fputc(' ', f);
    put_head(f, _("repeat"), 9);
    fputc(' ', f);
    put_head(f, _("repeat rate"), 12);
    fputc(' ', f);
    /* xgettext:no-c-format */
    put_head(f, _("uplift, points [95% CI]"), 26);
    fmt_printf(f, "\n  %-*s %8s ", w - 2, "", "");
    put_head(f, _("buyers"), 9);
    fputc(' ', f);
    put_head(f, _("of buyers"), 12);
    fputc(' ', f);
    put_head(f, head, 26);
    fputc('\n', f);
    for (size_t v = 0; v < t->n_variants; v++) {
        const st_group *g = st_group_at(r, v, all);
        double n = (double)g->customers;
        fmt_printf(f, "  %-*s %7.2f%% %8.2f%% %11.1f%%",
                   tw_field(run->variants.items[v].name, w - 2), run->variants.items[v].name,
                   100 * st_ratio(g->total[ST_BUYERS], n),
                   100 * st_ratio(g->total[ST_REPEAT_BUYERS], n),
                   100 * st_ratio(g->total[ST_REPEAT_BUYERS], g->total[ST_BUYERS]));
        if (g->has_uplift)
            print_uplift_points(f, &g->uplift[r->headline]);
        else {
            fputc(' ', f);
            put_head(f, _("(reference)"), 26);
        }
        fputc('\n', f);
    }
    fputc('\n', f);
}

static void print_money(FILE *f, const rn_run *run, int w)
{
    const st_results *r = &run->results;
    const sim_totals *t = &run->totals;
    size_t all = t->n_personas;
    const scn_text *currency = scn_text_get(&run->scn->texts, "currency");
    char unit[64];
    fmt_printf(f,
               _("Money%s%s (profit = %.0f%% margin on revenue - cost; ROI = extra profit / extra "
                 "cost)\n"),
               currency ? ", " : "",
               currency ? fmt_terminal(unit, sizeof unit, currency->items[0]) : "",
               100 * run->scn->margin);
    fputs("  ", f);
    put_head(f, _("variant"), -(w - 2));
    fputc(' ', f);
    put_head(f, _("revenue"), 13);
    fputc(' ', f);
    put_head(f, _("cost"), 11);
    fputc(' ', f);
    put_head(f, _("profit"), 13);
    fputc(' ', f);
    put_head(f, _("vs baseline"), 13);
    fputc(' ', f);
    /* xgettext:no-c-format */
    put_head(f, _("ROI [95% CI]"), 22);
    fputc('\n', f);
    for (size_t v = 0; v < t->n_variants; v++) {
        const st_group *g = st_group_at(r, v, all);
        char a[32], b[32], c[32], d[32];
        fmt_grouped(a, sizeof a, g->total[ST_REVENUE]);
        fmt_grouped(b, sizeof b, g->total[ST_COST]);
        fmt_grouped(c, sizeof c, g->total[ST_PROFIT]);
        fmt_printf(f, "  %-*s %*s %*s %*s", tw_field(run->variants.items[v].name, w - 2),
                   run->variants.items[v].name, tw_field(a, 13), a, tw_field(b, 11), b,
                   tw_field(c, 13), c);
        if (g->has_uplift) {
            char delta[40];
            fmt_snprintf(delta, sizeof delta, "%s%s", g->incremental_profit >= 0.5 ? "+" : "",
                         fmt_grouped(d, sizeof d, g->incremental_profit));
            fmt_printf(f, " %*s", tw_field(delta, 13), delta);
            if (g->has_roi) {
                char roi[64];
                fmt_snprintf(roi, sizeof roi, "%+.0f%% [%+.0f%%; %+.0f%%]", 100 * g->roi,
                             100 * g->roi_lo, 100 * g->roi_hi);
                fmt_printf(f, " %22s", roi);
            }
        }
        fputc('\n', f);
    }
    fputc('\n', f);
}

static void print_personas(FILE *f, const rn_run *run, int w)
{
    const st_results *r = &run->results;
    const sim_totals *t = &run->totals;
    const scn_scenario *scn = run->scn;
    st_metric m = r->headline;
    fmt_printf(f, _("%s by persona (share of the persona's customers; uplift, points [95%% CI])\n"),
               m == ST_REPEAT_BUYERS ? _("Repeat buyers") : _("Buyers"));
    fputs("  ", f);
    put_head(f, _("persona"), -(w - 2));
    fputc(' ', f);
    put_head(f, _("customers"), 10);
    for (size_t v = 0; v < t->n_variants; v++)
        fmt_printf(f, " %*s", tw_field(run->variants.items[v].name, v == 0 ? 9 : 32),
                   run->variants.items[v].name);
    fputc('\n', f);
    for (size_t p = 0; p < t->n_personas; p++) {
        char num[32];
        const st_group *g0 = st_group_at(r, 0, p);
        fmt_grouped(num, sizeof num, (double)g0->customers);
        fmt_printf(f, "  %-*s %*s %8.2f%%", tw_field(scn->personas[p].name, w - 2),
                   scn->personas[p].name, tw_field(num, 10), num,
                   100 * st_ratio(g0->total[m], (double)g0->customers));
        for (size_t v = 1; v < t->n_variants; v++) {
            const st_group *g = st_group_at(r, v, p);
            char cell[80];
            fmt_snprintf(cell, sizeof cell, "%.2f%% (%+.2f [%+.2f; %+.2f])",
                         100 * st_ratio(g->total[m], (double)g->customers), 100 * g->uplift[m].diff,
                         100 * g->uplift[m].lo, 100 * g->uplift[m].hi);
            fmt_printf(f, " %*s", tw_field(cell, 32), cell);
        }
        fputc('\n', f);
    }
    fputc('\n', f);
}

/* "order_notifications: the model predicts +0.93 points of repeat buyers,
 * simulation precision [+0.85; +1.01]: predicted gain; ..." */
static void print_sentences(FILE *f, const rn_run *run)
{
    const st_results *r = &run->results;
    const sim_totals *t = &run->totals;
    const scn_scenario *scn = run->scn;
    size_t all = t->n_personas;
    if (t->n_variants < 2)
        return;
    st_metric m = r->headline;
    fmt_printf(f, _("In short\n"));
    for (size_t v = 1; v < t->n_variants; v++) {
        const st_group *g = st_group_at(r, v, all);
        const st_verdict *vd = &g->verdict;
        const st_uplift *u = &g->uplift[m];
        const st_group *base = st_group_at(r, 0, all);
        char a[32], b[32], c[32];
        fmt_printf(f, _("  %s: the model predicts %+.2f points of %s"), run->variants.items[v].name,
                   100 * u->diff, st_metric_words(m));
        if (base->total[m] > 0)
            fmt_printf(f, " (%+.0f%%)", 100 * (g->total[m] / base->total[m] - 1));
        fmt_printf(f, _(", simulation precision [%+.2f; %+.2f]: %s"), 100 * u->lo, 100 * u->hi,
                   st_effect_words(vd->effect));
        if (vd->customers_to_settle_effect > 0)
            fmt_printf(f, _(" (about %s customers would settle it)"),
                       fmt_grouped(a, sizeof a, st_rough(vd->customers_to_settle_effect)));
        fmt_printf(f, ";\n    %s", st_pays_words(vd->pays));
        if (g->has_roi)
            fmt_printf(f, _(": ROI %+.0f%% [%+.0f%%; %+.0f%%] on an extra cost of %s"),
                       100 * g->roi, 100 * g->roi_lo, 100 * g->roi_hi,
                       fmt_grouped(a, sizeof a, g->incremental_cost));
        else
            fmt_printf(f, _(": %sextra profit %s [%s; %s]"),
                       g->incremental_cost == 0 ? _("no extra cost, ") : "",
                       fmt_grouped(a, sizeof a, g->profit.diff),
                       fmt_grouped(b, sizeof b, g->profit.lo),
                       fmt_grouped(c, sizeof c, g->profit.hi));
        st_print_settle(f, g);
        const st_lead *lead = &r->leads[v];
        if (t->n_personas > 1 && lead->distinguishable) {
            const st_group *top = st_group_at(r, v, (size_t)lead->top);
            fmt_printf(f, _("; most for %s (%+.2f, %.2f [%.2f; %.2f] more than %s)"),
                       scn->personas[lead->top].name, 100 * top->uplift[m].diff, 100 * lead->lead,
                       100 * lead->lead_lo, 100 * lead->lead_hi,
                       scn->personas[lead->runner_up].name);
        }
        fputs("\n", f);
    }
    fmt_printf(
        f, _("  The intervals are the simulation's precision (95%%), not the uncertainty of the\n"
             "  scenario's assumptions: they shrink as customers grow, however unsure the assumed\n"
             "  effects are. Uncertainty analysis (cjmsim psa) answers for the assumptions.\n\n"));
}

void con_print(FILE *f, const rn_run *run, const char *results_dir)
{
    const st_results *r = &run->results;
    const sim_totals *t = &run->totals;
    const scn_scenario *scn = run->scn;
    int w = (int)name_width(run);
    char num[32];
    fmt_printf(f, "%s\n", scn->name);
    char days[64], variants[64];
    fmt_grouped(num, sizeof num, (double)t->customers);
    fmt_snprintf(days, sizeof days, ngettext("%d day", "%d days", (unsigned long)run->days),
                 run->days);
    fmt_snprintf(variants, sizeof variants, ngettext("%zu variant", "%zu variants", t->n_variants),
                 t->n_variants);
    if (r->exact)
        /* TRANSLATORS: "10,000 customers over 180 days, 4 variants: ..." */
        fmt_printf(f,
                   ngettext("%s customer over %s, %s: exact expected values, computed without "
                            "sampling\n(the intervals have no width)\n\n",
                            "%s customers over %s, %s: exact expected values, computed without "
                            "sampling\n(the intervals have no width)\n\n",
                            (unsigned long)t->customers),
                   num, days, variants);
    else
        /* TRANSLATORS: "10,000 customers over 180 days, seed 1, 4 variants on ..." */
        fmt_printf(f,
                   ngettext("%s customer over %s, seed %llu, %s on the same customers\n\n",
                            "%s customers over %s, seed %llu, %s on the same customers\n\n",
                            (unsigned long)t->customers),
                   num, days, (unsigned long long)run->seed, variants);
    print_funnel(f, run, w);
    print_variant_funnels(f, run, w);
    print_variants(f, run, w);
    print_money(f, run, w);
    if (t->n_personas > 1)
        print_personas(f, run, w);
    tgt_print(f, &scn->targets, t);
    if (t->calendar)
        mon_console(f, run, w);
    print_sentences(f, run);
    if (results_dir)
        fmt_printf(f,
                   _("Results: %s/ (summary.json, funnel.csv, transitions.csv, daily.csv, "
                     "results.xlsx, manifest.json)\nReport:  %s/report.html (open it in a browser; "
                     "the plots are in plots/)\n"),
                   results_dir, results_dir);
}
