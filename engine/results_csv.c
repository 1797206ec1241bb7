#include <stdbool.h>
#include <string.h>

#include "results.h"

/* A CSV field, quoted when it holds a separator, a quote or a line break
 * (RFC 4180), so that any stage or persona name reads back unchanged. */
static void csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static void csv_names(FILE *f, const char *variant, const char *persona)
{
    csv_field(f, variant);
    fputc(',', f);
    csv_field(f, persona);
}

/* A count, or in an exact run its expected value (15 significant digits,
 * as in summary.json). */
static void csv_count(FILE *f, const st_results *r, double x)
{
    if (r->exact)
        fprintf(f, "%.15g", x);
    else
        fprintf(f, "%lld", (long long)x);
}

static const char *group_name(const st_results *r, size_t group)
{
    const scn_scenario *scn = r->totals->model->scn;
    return group == r->totals->n_personas ? "all" : scn->personas[group].name;
}

void res_funnel_csv(FILE *f, const st_results *r)
{
    const sim_totals *t = r->totals;
    const scn_scenario *scn = t->model->scn;
    fputs("variant,persona,stage,reached,share_of_customers,from_stage,conversion_from_stage,"
          "mood_on_entry\n",
          f);
    for (size_t v = 0; v < t->n_variants; v++) {
        for (size_t g = 0; g < r->n_groups; g++) {
            const sim_cell *c = st_cell(r, v, g);
            int64_t n = st_group_at(r, v, g)->customers;
            for (size_t s = 0; s < scn->n_stages; s++) {
                csv_names(f, t->model->variants[v].name, group_name(r, g));
                fputc(',', f);
                csv_field(f, scn->stages[s].name);
                fputc(',', f);
                csv_count(f, r, st_reached(c, s));
                fprintf(f, ",%.6f,", st_ratio(st_reached(c, s), (double)n));
                int e = r->main_edge[s];
                if (e >= 0) {
                    csv_field(f, scn->stages[scn->edges[e].from].name);
                    fprintf(f, ",%.6f", st_stage_conversion(r, c, s));
                } else {
                    fputc(',', f);
                }
                fputc(',', f);
                double mood;
                if (st_mood_on_entry(c, s, &mood))
                    fprintf(f, "%.4f", mood);
                fputc('\n', f);
            }
        }
    }
}

void res_transitions_csv(FILE *f, const st_results *r)
{
    const sim_totals *t = r->totals;
    const scn_scenario *scn = t->model->scn;
    fputs("variant,persona,from,to,customers,moves,conversion\n", f);
    for (size_t v = 0; v < t->n_variants; v++) {
        for (size_t g = 0; g < r->n_groups; g++) {
            const sim_cell *c = st_cell(r, v, g);
            for (size_t e = 0; e < scn->n_edges; e++) {
                const scn_edge *edge = &scn->edges[e];
                csv_names(f, t->model->variants[v].name, group_name(r, g));
                fputc(',', f);
                csv_field(f, scn->stages[edge->from].name);
                fputc(',', f);
                csv_field(f, scn->stages[edge->to].name);
                fputc(',', f);
                csv_count(f, r, st_edge_customers(c, e));
                fputc(',', f);
                csv_count(f, r, st_edge_moves(c, e));
                fprintf(f, ",%.6f\n",
                        st_ratio(st_edge_customers(c, e), st_reached(c, (size_t)edge->from)));
            }
        }
    }
}

/* The day's own arrivals, purchases, revenue and cost of a group (one
 * persona, or everyone): order values differ by persona, so money is added
 * up persona by persona. */
typedef struct {
    double arrivals, purchases, revenue, cost;
} day_money;

static double cell_day(const sim_cell *c, const int64_t *counts, const double *expected,
                       size_t at)
{
    return c->expected && expected ? expected[at] : (double)counts[at];
}

static day_money money_of_day(const st_results *r, size_t v, size_t g, size_t d)
{
    const sim_totals *t = r->totals;
    const cmp_model *model = t->model;
    const scn_scenario *scn = model->scn;
    size_t first = g == t->n_personas ? 0 : g, last = g == t->n_personas ? t->n_personas : g + 1;
    size_t n_slots = model->n_purchase_stages, n_int = scn->n_interventions;
    day_money m = {0};
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
            m.cost += in->cost_per_customer *
                          cell_day(c, c->exposed_day, x ? x->exposed_day : NULL, d * n_int + i) +
                      in->cost_per_use *
                          cell_day(c, c->uses_day, x ? x->uses_day : NULL, d * n_int + i);
        }
    }
    return m;
}

void res_daily_csv(FILE *f, const st_results *r)
{
    const sim_totals *t = r->totals;
    int days = t->model->days;
    fputs("variant,persona,day,buyers,repeat_buyers,arrivals,purchases,revenue,cost\n", f);
    for (size_t v = 0; v < t->n_variants; v++) {
        for (size_t g = 0; g < r->n_groups; g++) {
            const sim_cell *c = st_cell(r, v, g);
            double buyers = 0, repeat = 0;
            for (int d = 0; d <= days; d++) {
                buyers += st_first_purchases(c, (size_t)d);
                repeat += st_second_purchases(c, (size_t)d);
                csv_names(f, t->model->variants[v].name, group_name(r, g));
                fprintf(f, ",%d,", d);
                csv_count(f, r, buyers);
                fputc(',', f);
                csv_count(f, r, repeat);
                day_money m = money_of_day(r, v, g, (size_t)d);
                fputc(',', f);
                csv_count(f, r, m.arrivals);
                fputc(',', f);
                csv_count(f, r, m.purchases);
                fprintf(f, ",%.15g,%.15g\n", m.revenue, m.cost);
            }
        }
    }
}
