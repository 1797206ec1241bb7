#include "target_eval.h"

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "format.h"
#include "i18n.h"
#include "stats.h"
#include "textwidth.h"

static cj_status resolve_fail(cj_err *err, const tgt_target *t, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static cj_status resolve_fail(cj_err *err, const tgt_target *t, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return cj_fail(err, CJ_ERR_SCENARIO, "%s:%d: target \"%s\": %s", t->file, t->line, t->name,
                   msg);
}

/* "a, b, c" of the scenario's stage or persona names, cut short. */
static void name_list(char *buf, size_t size, const scn_scenario *scn, bool stages)
{
    size_t n = stages ? scn->n_stages : scn->n_personas, len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && len + 1 < size; i++) {
        const char *name = stages ? scn->stages[i].name : scn->personas[i].name;
        len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? ", " : "", name);
    }
}

cj_status tgt_resolve(scn_scenario *scn, cj_err *err)
{
    char names[400];
    for (size_t i = 0; i < scn->targets.n; i++) {
        tgt_target *t = &scn->targets.items[i];
        if (t->stage_name) {
            t->stage = scn_find_stage(scn, t->stage_name);
            if (t->stage < 0) {
                name_list(names, sizeof names, scn, true);
                return resolve_fail(err, t, _("unknown stage '%s' (stages: %s)"), t->stage_name,
                                    names);
            }
        }
        if (t->persona_name) {
            t->persona = scn_find_persona(scn, t->persona_name);
            if (t->persona < 0) {
                name_list(names, sizeof names, scn, false);
                return resolve_fail(err, t, _("unknown persona '%s' (personas: %s)"), t->persona_name,
                                    names);
            }
        }
        if (t->by_day > scn->days)
            return resolve_fail(err, t, _("by_day = %d is past the scenario's last day (days = %d)"),
                                t->by_day, scn->days);
        if (t->kind == TGT_REPEAT_WINDOW && scn->repeat_window <= 0)
            return resolve_fail(err, t,
                                _("repeat_buyers_in_window needs the scenario's repeat window: "
                                  "scenario { repeat_window = 90 } (the most days from the first "
                                  "purchase to the second)"));
        t->window = t->kind == TGT_REPEAT_WINDOW ? scn->repeat_window : 0;
    }
    return CJ_OK;
}

/* Σ_{d ≤ last} of one row of counts by day, expected or counted. */
static double sum_days(const double *expected, const int64_t *counted, size_t last)
{
    double sum = 0;
    for (size_t d = 0; d <= last; d++)
        sum += expected ? expected[d] : (double)counted[d];
    return sum;
}

/* The target's count in one cell, as a real number. By day, reached counts
 * the first entries into the stage on days 0 … by_day (sim.h reached_day),
 * buyers and repeat buyers the first and second purchases, the repeat
 * window the second purchases in the window; a run shorter than by_day
 * measures at its last day. */
static double cell_count(const tgt_target *t, const sim_cell *c, const sim_totals *totals)
{
    const sim_expected *x = c->expected;
    const sim_layout *l = &totals->layout;
    int days = totals->model->days;
    size_t last = (size_t)(t->by_day < days ? t->by_day : days);
    switch (t->kind) {
    case TGT_REACHED:
        if (!t->by_day)
            return st_reached(c, (size_t)t->stage);
        if (!l->reach_days)
            return 0; /* not counted: a model of other targets */
        if (last >= l->reach_days)
            last = l->reach_days - 1;
        size_t row = (size_t)t->stage * l->reach_days;
        return sum_days(x ? x->reached_day + row : NULL, c->reached_day + row, last);
    case TGT_REPEAT_WINDOW:
        if (!l->window)
            return 0;
        if (!t->by_day)
            return x ? x->k_sum[l->window] : (double)c->k_sum[l->window];
        if (!l->reach_days)
            return 0;
        if (last >= l->reach_days)
            last = l->reach_days - 1;
        return sum_days(x ? x->window_day : NULL, c->window_day, last);
    default:
        break;
    }
    size_t slot = t->kind == TGT_REPEAT_BUYERS ? SIM_K_REPEAT : SIM_K_BUYER;
    if (!t->by_day)
        return x ? x->k_sum[slot] : (double)c->k_sum[slot];
    return sum_days(x ? (slot == SIM_K_BUYER ? x->first_purchase_day : x->second_purchase_day)
                      : NULL,
                    slot == SIM_K_BUYER ? c->first_purchase_day : c->second_purchase_day, last);
}

tgt_measure_t tgt_measure(const tgt_target *t, const sim_totals *totals)
{
    double count = 0, customers = 0;
    for (size_t p = 0; p < totals->n_personas; p++) {
        if (t->persona >= 0 && (size_t)t->persona != p)
            continue;
        const sim_cell *c = sim_at(totals, 0, p);
        customers += (double)c->customers;
        count += cell_count(t, c, totals);
    }
    tgt_measure_t m;
    m.share = (double)t->observed / (double)t->of;
    m.simulated = customers > 0 ? count / customers : 0;
    if (m.simulated > 1)
        m.simulated = 1;
    m.z = tgt_z(t->observed, t->of, m.simulated);
    m.loglik = tgt_binomial_loglik(t->observed, t->of, m.simulated);
    return m;
}

double tgt_loglik(const tgt_list *list, const sim_totals *totals)
{
    double sum = 0;
    for (size_t i = 0; i < list->n; i++)
        sum += tgt_measure(&list->items[i], totals).loglik;
    return sum;
}

void tgt_print(FILE *f, const tgt_list *list, const sim_totals *totals)
{
    if (list->n == 0)
        return;
    int w = 6;
    for (size_t i = 0; i < list->n; i++) {
        int len = (int)tw_width(list->items[i].name);
        w = len > w ? len : w;
    }
    fmt_printf(f, _("Targets (observed; simulated: the baseline; z = (observed − expected count) / "
                    "binomial sd)\n"));
    const char *what_h = _("what");
    int what_w = (int)tw_width(what_h) > 34 ? (int)tw_width(what_h) : 34;
    for (size_t i = 0; i < list->n; i++) {
        char what[160];
        tgt_describe_local(&list->items[i], what, sizeof what);
        what_w = (int)tw_width(what) > what_w ? (int)tw_width(what) : what_w;
    }
    const char *target_h = _("target"), *observed_h = _("observed"), *simulated_h = _("simulated");
    w = (int)tw_width(target_h) > w ? (int)tw_width(target_h) : w;
    fmt_printf(f, "  %-*s  %-*s  %*s  %*s  %6s\n", tw_field(target_h, w), target_h,
               tw_field(what_h, what_w), what_h, tw_field(observed_h, 19), observed_h,
               tw_field(simulated_h, 9), simulated_h, "z");
    for (size_t i = 0; i < list->n; i++) {
        const tgt_target *t = &list->items[i];
        tgt_measure_t m = tgt_measure(t, totals);
        char what[160], k[32], n[32], obs[80], z[32];
        tgt_describe_local(t, what, sizeof what);
        fmt_snprintf(obs, sizeof obs, "%s/%s %5.1f%%", fmt_grouped(k, sizeof k, (double)t->observed),
                 fmt_grouped(n, sizeof n, (double)t->of), 100 * m.share);
        if (isnan(m.z))
            snprintf(z, sizeof z, "-");
        else
            fmt_snprintf(z, sizeof z, "%+.1f", m.z);
        fmt_printf(f, "  %-*s  %-*s  %*s  %8.1f%%  %6s%s\n", tw_field(t->name, w), t->name,
                   tw_field(what, what_w), what, tw_field(obs, 19), obs, 100 * m.simulated, z,
                   !isnan(m.z) && fabs(m.z) > 3 ? _("  far off") : "");
    }
    fputs("\n", f);
}

json_t *tgt_json(const tgt_list *list, const sim_totals *totals)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < list->n; i++) {
        const tgt_target *t = &list->items[i];
        tgt_measure_t m = tgt_measure(t, totals);
        char what[160];
        tgt_describe(t, what, sizeof what);
        json_t *o = json_object();
        json_object_set_new(o, "name", json_string(t->name));
        json_object_set_new(o, "what", json_string(what));
        json_object_set_new(o, "observed", json_integer(t->observed));
        json_object_set_new(o, "of", json_integer(t->of));
        json_object_set_new(o, "observed_share", json_real(m.share));
        json_object_set_new(o, "simulated", json_real(m.simulated));
        json_object_set_new(o, "z", isnan(m.z) ? json_null() : json_real(m.z));
        json_array_append_new(arr, o);
    }
    return arr;
}
