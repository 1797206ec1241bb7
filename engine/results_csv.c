#include <stdbool.h>
#include <string.h>

#include "monthly.h"
#include "results.h"

void res_csv_field(FILE *f, const char *s)
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
    res_csv_field(f, variant);
    fputc(',', f);
    res_csv_field(f, persona);
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

static const char *group_name(const rn_run *run, size_t group)
{
    return group == run->totals.n_personas ? "all" : run->scn->personas[group].name;
}

void res_funnel_csv(FILE *f, const rn_run *run)
{
    const st_results *r = &run->results;
    const sim_totals *t = &run->totals;
    const scn_scenario *scn = run->scn;
    fputs("variant,persona,stage,reached,share_of_customers,from_stage,conversion_from_stage,"
          "mood_on_entry\n",
          f);
    for (size_t v = 0; v < t->n_variants; v++) {
        for (size_t g = 0; g < r->n_groups; g++) {
            const sim_cell *c = st_cell(r, v, g);
            int64_t n = st_group_at(r, v, g)->customers;
            for (size_t s = 0; s < scn->n_stages; s++) {
                csv_names(f, run->variants.items[v].name, group_name(run, g));
                fputc(',', f);
                res_csv_field(f, scn->stages[s].name);
                fputc(',', f);
                csv_count(f, r, st_reached(c, s));
                fprintf(f, ",%.6f,", st_ratio(st_reached(c, s), (double)n));
                int e = r->main_edge[s];
                if (e >= 0) {
                    res_csv_field(f, scn->stages[scn->edges[e].from].name);
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

void res_transitions_csv(FILE *f, const rn_run *run)
{
    const st_results *r = &run->results;
    const sim_totals *t = &run->totals;
    const scn_scenario *scn = run->scn;
    fputs("variant,persona,from,to,customers,moves,conversion\n", f);
    for (size_t v = 0; v < t->n_variants; v++) {
        for (size_t g = 0; g < r->n_groups; g++) {
            const sim_cell *c = st_cell(r, v, g);
            for (size_t e = 0; e < scn->n_edges; e++) {
                const scn_edge *edge = &scn->edges[e];
                csv_names(f, run->variants.items[v].name, group_name(run, g));
                fputc(',', f);
                res_csv_field(f, scn->stages[edge->from].name);
                fputc(',', f);
                res_csv_field(f, scn->stages[edge->to].name);
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

void res_daily_csv(FILE *f, const rn_run *run)
{
    const st_results *r = &run->results;
    const sim_totals *t = &run->totals;
    int days = run->days;
    fputs("variant,persona,day,buyers,repeat_buyers,arrivals,purchases,revenue,cost\n", f);
    for (size_t v = 0; v < t->n_variants; v++) {
        for (size_t g = 0; g < r->n_groups; g++) {
            const sim_cell *c = st_cell(r, v, g);
            double buyers = 0, repeat = 0;
            for (int d = 0; d <= days; d++) {
                buyers += st_first_purchases(c, (size_t)d);
                repeat += st_second_purchases(c, (size_t)d);
                csv_names(f, run->variants.items[v].name, group_name(run, g));
                fprintf(f, ",%d,", d);
                csv_count(f, r, buyers);
                fputc(',', f);
                csv_count(f, r, repeat);
                mon_money m = mon_day(run, v, g, (size_t)d);
                fputc(',', f);
                csv_count(f, r, m.arrivals);
                fputc(',', f);
                csv_count(f, r, m.purchases);
                fprintf(f, ",%.15g,%.15g\n", m.revenue, m.cost);
            }
        }
    }
}
