#include "analysis.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "results.h"
#include "util.h"

const char AN_COLUMNS[] = "variant,persona,customers,buyers,repeat_buyers,purchases,revenue,cost,"
                          "profit,uplift_repeat_buyers,uplift_repeat_buyers_lo,"
                          "uplift_repeat_buyers_hi,incremental_profit";

static void row_of(const rn_run *r, size_t v, size_t g, an_row *row)
{
    const st_group *grp = st_group_at(&r->results, v, g);
    double n = (double)grp->customers;
    row->customers = n;
    row->buyers = grp->total[ST_BUYERS];
    row->repeat_buyers = grp->total[ST_REPEAT_BUYERS];
    row->purchases = grp->total[ST_PURCHASES];
    row->revenue = grp->total[ST_REVENUE];
    row->cost = grp->total[ST_COST];
    row->profit = grp->total[ST_PROFIT];
    if (grp->has_uplift) {
        const st_uplift *u = &grp->uplift[ST_REPEAT_BUYERS];
        row->uplift = u->diff;
        row->uplift_lo = u->lo;
        row->uplift_hi = u->hi;
        row->incremental_profit = grp->incremental_profit;
        row->profit_lo = grp->uplift[ST_PROFIT].lo * n;
        row->profit_hi = grp->uplift[ST_PROFIT].hi * n;
    } else {
        row->uplift = row->uplift_lo = row->uplift_hi = 0;
        row->incremental_profit = row->profit_lo = row->profit_hi = 0;
    }
}

void an_rows_of(const rn_run *r, bool all_only, an_row *rows)
{
    size_t n_groups = r->results.n_groups;
    size_t n_variants = r->totals.n_variants;
    for (size_t v = 0; v < n_variants; v++) {
        if (all_only)
            row_of(r, v, n_groups - 1, &rows[v]);
        else
            for (size_t g = 0; g < n_groups; g++)
                row_of(r, v, g, &rows[v * n_groups + g]);
    }
}

cj_status an_same_shape(const rn_run *base, const rn_run *r, const char *context, cj_err *err)
{
    bool same = base->scn->n_personas == r->scn->n_personas && base->variants.n == r->variants.n;
    for (size_t p = 0; same && p < base->scn->n_personas; p++)
        same = strcmp(base->scn->personas[p].name, r->scn->personas[p].name) == 0;
    for (size_t v = 0; same && v < base->variants.n; v++)
        same = strcmp(base->variants.items[v].name, r->variants.items[v].name) == 0;
    if (same)
        return CJ_OK;
    return cj_fail(err, CJ_ERR_SCENARIO,
                   _("in %s: the scenario declares other personas or interventions than with its "
                     "parameters at their defaults; an analysis compares the same ones throughout"),
                   context);
}

void an_csv_number(FILE *f, double x)
{
    if (x == 0)
        x = 0; /* no "-0" */
    if (x == floor(x) && fabs(x) < 1e15)
        fprintf(f, "%.0f", x);
    else
        fprintf(f, "%.15g", x);
}

void an_csv_row(FILE *f, const char *variant, const char *persona, const an_row *row)
{
    res_csv_field(f, variant);
    fputc(',', f);
    res_csv_field(f, persona);
    const double x[] = {row->customers,
                        row->buyers,
                        row->repeat_buyers,
                        row->purchases,
                        row->revenue,
                        row->cost,
                        row->profit,
                        row->uplift,
                        row->uplift_lo,
                        row->uplift_hi,
                        row->incremental_profit};
    for (size_t i = 0; i < sizeof x / sizeof x[0]; i++) {
        fputc(',', f);
        an_csv_number(f, x[i]);
    }
    fputc('\n', f);
}

cj_status an_base_set(const cli_options *opts, prm_set *set, cj_err *err)
{
    return prm_set_build(set, opts->params_file, opts->sets, opts->n_sets, err);
}

void an_set_with(const prm_set *base, prm_set *set, const char *const *names, const double *values,
                 size_t n, const char *context)
{
    for (size_t i = 0; i < base->n; i++)
        prm_set_put(set, base->items[i].name, base->items[i].value, base->items[i].source);
    for (size_t i = 0; i < n; i++)
        prm_set_put(set, names[i], values[i], context);
    set->context = context;
}

const prm_param *an_find_param(const prm_list *params, const char *name, const char *what,
                               cj_err *err)
{
    const prm_param *p = prm_find(params, name);
    if (p)
        return p;
    if (params->n == 0) {
        cj_fail(err, CJ_ERR_USAGE,
                _("%s: unknown parameter '%s': the scenario declares no "
                  "parameters (declare one with param \"%s\" { default, low = L, high = H })"),
                what, name, name);
        return NULL;
    }
    char list[512] = "";
    size_t len = 0;
    for (size_t i = 0; i < params->n && len < sizeof list; i++)
        len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "",
                                params->items[i].name);
    cj_fail(err, CJ_ERR_USAGE, _("%s: unknown parameter '%s' (the scenario declares: %s)"), what,
            name, list);
    return NULL;
}

cj_status an_write(out_dir *dir, const char *name, an_write_fn fn, const void *arg, cj_err *err)
{
    FILE *f = out_open(dir, name, err);
    if (!f)
        return err->status;
    fn(f, arg);
    if (out_close(dir, f, name, err) != CJ_OK)
        return err->status;
    if (sim_interrupted)
        return cj_fail(err, CJ_ERR_INTERRUPTED, _("interrupted: no results were written"));
    return CJ_OK;
}

cj_status an_finish(out_dir *dir, const rn_run *base, cj_err *err)
{
    if (res_write_manifest(dir, base, err) == CJ_OK)
        out_commit(dir, err);
    return err->status;
}
