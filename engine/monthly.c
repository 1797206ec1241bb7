#include "monthly.h"

#include "format.h"
#include "i18n.h"
#include "report.h"
#include "textwidth.h"

static double cell_day(const sim_cell *c, const int64_t *counts, const double *expected, size_t at)
{
    return c->expected && expected ? expected[at] : (double)counts[at];
}

mon_money mon_day(const rn_run *run, size_t v, size_t g, size_t d)
{
    const sim_totals *t = &run->totals;
    const cmp_model *model = run->model;
    const scn_scenario *scn = run->scn;
    size_t first = g == t->n_personas ? 0 : g, last = g == t->n_personas ? t->n_personas : g + 1;
    size_t n_slots = model->n_purchase_stages, n_int = scn->n_interventions;
    mon_money m = {0};
    for (size_t p = first; p < last; p++) {
        const sim_cell *c = sim_at(t, v, p);
        const sim_expected *x = c->expected;
        m.arrivals += cell_day(c, c->arrivals_day, x ? x->arrivals_day : NULL, d);
        for (size_t s = 0; s < scn->n_stages; s++) {
            int slot = model->purchase_slot[s];
            if (slot < 0)
                continue;
            double n = cell_day(c, c->purchases_day, x ? x->purchases_day : NULL,
                                d * n_slots + (size_t)slot);
            m.purchases += n;
            m.revenue += n * scn->stages[s].value[p];
        }
        for (size_t i = 0; i < n_int; i++) {
            const scn_intervention *in = &scn->interventions[i];
            m.cost +=
                in->cost_per_customer *
                    cell_day(c, c->exposed_day, x ? x->exposed_day : NULL, d * n_int + i) +
                in->cost_per_use * cell_day(c, c->uses_day, x ? x->uses_day : NULL, d * n_int + i);
        }
    }
    return m;
}

int mon_count(int days)
{
    return days <= MON_DAYS ? 1 : (days + MON_DAYS - 1) / MON_DAYS;
}

void mon_span(int days, int month, int *first, int *last)
{
    *first = month == 1 ? 0 : MON_DAYS * (month - 1) + 1;
    *last = MON_DAYS * month < days ? MON_DAYS * month : days;
}

void mon_month(const rn_run *run, size_t v, int month, double *revenue, double *repeat_buyers)
{
    const st_results *r = &run->results;
    const sim_totals *t = &run->totals;
    int first, last;
    mon_span(run->days, month, &first, &last);
    const sim_cell *all = st_cell(r, v, t->n_personas);
    *revenue = *repeat_buyers = 0;
    for (int d = first; d <= last; d++) {
        *revenue += mon_day(run, v, t->n_personas, (size_t)d).revenue;
        *repeat_buyers += st_second_purchases(all, (size_t)d);
    }
}

void mon_console(FILE *f, const rn_run *run, int w)
{
    const st_results *r = &run->results;
    const sim_totals *t = &run->totals;
    int days = run->days, month = mon_count(days), first, last;
    mon_span(days, month, &first, &last);
    if (month > 1 && last - first + 1 < MON_DAYS) /* a few days left over: the month before */
        mon_span(days, --month, &first, &last);
    fmt_printf(f, _("The last month (month %d, days %d-%d) beside the whole run\n"), month, first,
               last);
    /* The headers, padded by the width people see (Cyrillic letters are
     * two bytes and one column). */
    const char *head[] = {_("variant"), _("revenue"), _("in the run"), _("repeat buyers"),
                          _("in the run")};
    int cw[5] = {0, 14, 14, 14, 14}; /* a longer translated header widens its column */
    for (int i = 1; i < 5; i++)
        if ((int)tw_width(head[i]) > cw[i])
            cw[i] = (int)tw_width(head[i]);
    fmt_printf(f, "  %-*s", tw_field(head[0], w - 2), head[0]);
    for (int i = 1; i < 5; i++)
        fmt_printf(f, " %*s", tw_field(head[i], cw[i]), head[i]);
    fputc('\n', f);
    for (size_t v = 0; v < t->n_variants; v++) {
        double revenue, repeat;
        mon_month(run, v, month, &revenue, &repeat);
        const st_group *g = st_group_at(r, v, t->n_personas);
        char a[40], b[40], c[40], d[40];
        const char *name = run->variants.items[v].name;
        fmt_grouped(a, sizeof a, revenue);
        fmt_grouped(b, sizeof b, g->total[ST_REVENUE]);
        fmt_grouped(c, sizeof c, repeat);
        fmt_grouped(d, sizeof d, g->total[ST_REPEAT_BUYERS]);
        fmt_printf(f, "  %-*s %*s %*s %*s %*s\n", tw_field(name, w - 2), name, tw_field(a, cw[1]),
                   a, tw_field(b, cw[2]), b, tw_field(c, cw[3]), c, tw_field(d, cw[4]), d);
    }
    fputc('\n', f);
}

void mon_report(FILE *f, const rn_run *run)
{
    const sim_totals *t = &run->totals;
    int days = run->days, months = mon_count(days);
    fprintf(f,
            "<section>\n<h2>%s</h2>\n<p>%s</p>\n<div class=\"wide\"><table class=\"grid\">\n"
            "<thead><tr><th>%s</th><th>%s</th>",
            _("Month by month"),
            _("Revenue and new repeat buyers (customers whose second purchase fell in the month) "
              "per 30-day month from day 0; the last month ends with the run."),
            _("month"), _("days"));
    for (size_t v = 0; v < t->n_variants; v++) {
        fputs("<th>", f);
        report_escape(f, run->variants.items[v].name);
        /* TRANSLATORS: a column of the report's monthly table, after a variant's name */
        fprintf(f, ": %s</th><th>", _("revenue"));
        report_escape(f, run->variants.items[v].name);
        fprintf(f, ": %s</th>", _("repeat buyers"));
    }
    fputs("</tr></thead>\n<tbody>\n", f);
    for (int m = 1; m <= months; m++) {
        int first, last;
        mon_span(days, m, &first, &last);
        fprintf(f, "<tr><td>%d</td><td>%d-%d</td>", m, first, last);
        for (size_t v = 0; v < t->n_variants; v++) {
            double revenue, repeat;
            char a[40], b[40];
            mon_month(run, v, m, &revenue, &repeat);
            fprintf(f, "<td>%s</td><td>%s</td>", fmt_grouped(a, sizeof a, revenue),
                    fmt_grouped(b, sizeof b, repeat));
        }
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table></div>\n</section>\n", f);
}

void mon_plot_data(FILE *f, const rn_run *run)
{
    const sim_totals *t = &run->totals;
    int days = run->days, months = mon_count(days);
    fputs("# Month by month: one row per 30-day month from day 0 (column 1: the month,\n"
          "# 1 = days 0-30). Per variant (variant_name[v] in monthly.gp), two columns from\n"
          "# 2 + 2(v-1): revenue in the month; new repeat buyers (second purchase in it).\n",
          f);
    for (int m = 1; m <= months; m++) {
        fprintf(f, "%d", m);
        for (size_t v = 0; v < t->n_variants; v++) {
            double revenue, repeat;
            mon_month(run, v, m, &revenue, &repeat);
            fprintf(f, " %.6g %.6g", revenue, repeat);
        }
        fputc('\n', f);
    }
}
