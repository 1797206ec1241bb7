#include <jansson.h>
#include <stdlib.h>

#include "i18n.h"
#include "param.h"
#include "results.h"
#include "target_eval.h"
#include "util.h"

/* A JSON string of text that may not be UTF-8 (paths, arguments). */
static json_t *json_text(const char *s)
{
    json_t *j = json_string(s);
    if (j)
        return j;
    char *clean = utf8_sanitized(s);
    j = json_string(clean);
    free(clean);
    return j;
}

/* 15 significant digits print 0.1 as 0.1 and keep every count exact. */
#define JSON_FLAGS (JSON_INDENT(2) | JSON_REAL_PRECISION(15))

/* A count of customers, or in an exact run its expected value. */
static json_t *count_json(const st_results *r, double x)
{
    return r->exact ? json_real(x) : json_integer((json_int_t)x);
}

static json_t *stage_counts(const rn_run *run, const sim_cell *c)
{
    const st_results *r = &run->results;
    const scn_scenario *scn = run->scn;
    json_t *obj = json_object();
    for (size_t s = 0; s < scn->n_stages; s++)
        json_object_set_new(obj, scn->stages[s].name, count_json(r, st_reached(c, s)));
    return obj;
}

/* Average mood just after entering each stage; null where nobody entered. */
static json_t *stage_moods(const rn_run *run, const sim_cell *c)
{
    const scn_scenario *scn = run->scn;
    json_t *obj = json_object();
    for (size_t s = 0; s < scn->n_stages; s++) {
        double mood;
        json_object_set_new(obj, scn->stages[s].name,
                            st_mood_on_entry(c, s, &mood) ? json_real(mood) : json_null());
    }
    return obj;
}

static json_t *edge_stats(const rn_run *run, const sim_cell *c)
{
    const st_results *r = &run->results;
    const scn_scenario *scn = run->scn;
    json_t *obj = json_object();
    for (size_t e = 0; e < scn->n_edges; e++) {
        const scn_edge *edge = &scn->edges[e];
        char key[160];
        snprintf(key, sizeof key, "%s->%s", scn->stages[edge->from].name,
                 scn->stages[edge->to].name);
        json_object_set_new(
            obj, key,
            json_pack("{sososf}", "customers", count_json(r, st_edge_customers(c, e)), "moves",
                      count_json(r, st_edge_moves(c, e)), "conversion",
                      st_ratio(st_edge_customers(c, e), st_reached(c, (size_t)edge->from))));
    }
    return obj;
}

static json_t *uplift_json(const st_group *g)
{
    json_t *obj = json_object();
    for (int m = 0; m < ST_N_METRICS; m++) {
        if (m == ST_COST)
            continue; /* the cost of a variant is its own, not a difference */
        const st_uplift *u = &g->uplift[m];
        json_object_set_new(obj, st_metric_name((st_metric)m),
                            json_pack("{sfs[ff]sf}", "diff", u->diff, "ci95", u->lo, u->hi, "se",
                                      u->se));
    }
    return obj;
}

/* repeat_buyers_in_window (scenario repeat_window) and its uplift. */
static void window_fields(json_t *obj, const rn_run *run, size_t v, size_t group)
{
    const st_results *r = &run->results;
    const sim_totals *t = &run->totals;
    if (run->scn->repeat_window <= 0)
        return;
    st_uplift u;
    double total = st_counter_total(r, v, group, t->layout.window, &u);
    json_object_set_new(obj, "repeat_buyers_in_window", count_json(r, total));
    json_t *uplift = json_object_get(obj, "uplift");
    if (uplift)
        json_object_set_new(uplift, "repeat_buyers_in_window",
                            json_pack("{sfs[ff]sf}", "diff", u.diff, "ci95", u.lo, u.hi, "se",
                                      u.se));
}

/* Lifetime value (scenario discount_rate): discounted revenue and profit
 * per customer, with their uplifts. */
static void clv_fields(json_t *obj, const rn_run *run, size_t v, size_t group)
{
    const st_results *r = &run->results;
    const sim_totals *t = &run->totals;
    const scn_scenario *scn = run->scn;
    if (!scn->has_discount)
        return;
    size_t slots[2] = {t->layout.clv, t->layout.clv + 1};
    double revenue_w[2] = {0.01, 0}, profit_w[2] = {0.01 * scn->margin, -0.01};
    st_uplift ur, up;
    double revenue = st_linear_total(r, v, group, slots, revenue_w, 2, &ur);
    double profit = st_linear_total(r, v, group, slots, profit_w, 2, &up);
    double n = (double)st_group_at(r, v, group)->customers;
    json_object_set_new(obj, "clv_revenue", json_real(st_ratio(revenue, n)));
    json_object_set_new(obj, "clv_profit", json_real(st_ratio(profit, n)));
    json_t *uplift = json_object_get(obj, "uplift");
    if (!uplift)
        return;
    const st_uplift *u[2] = {&ur, &up};
    const char *key[2] = {"clv_revenue", "clv_profit"};
    for (int i = 0; i < 2; i++)
        json_object_set_new(uplift, key[i],
                            json_pack("{sfs[ff]sf}", "diff", u[i]->diff, "ci95", u[i]->lo,
                                      u[i]->hi, "se", u[i]->se));
}

/* The fields shared by a variant and each of its personas. */
static void group_fields(json_t *obj, const rn_run *run, size_t v, size_t group)
{
    const st_results *r = &run->results;
    const st_group *g = st_group_at(r, v, group);
    const sim_cell *c = st_cell(r, v, group);
    double n = (double)g->customers;
    json_object_set_new(obj, "customers", json_integer(g->customers));
    json_object_set_new(obj, "reached", stage_counts(run, c));
    json_object_set_new(obj, "buyers", count_json(r, g->total[ST_BUYERS]));
    json_object_set_new(obj, "repeat_buyers", count_json(r, g->total[ST_REPEAT_BUYERS]));
    json_object_set_new(obj, "purchases", count_json(r, g->total[ST_PURCHASES]));
    json_object_set_new(obj, "revenue", json_real(g->total[ST_REVENUE]));
    json_object_set_new(obj, "cost", json_real(g->total[ST_COST]));
    json_object_set_new(obj, "profit", json_real(g->total[ST_PROFIT]));
    json_object_set_new(obj, "buyer_rate", json_real(st_ratio(g->total[ST_BUYERS], n)));
    json_object_set_new(obj, "repeat_rate", json_real(st_ratio(g->total[ST_REPEAT_BUYERS], n)));
    json_object_set_new(obj, "repeat_rate_of_buyers",
                        json_real(st_ratio(g->total[ST_REPEAT_BUYERS], g->total[ST_BUYERS])));
    json_object_set_new(obj, "revenue_per_customer",
                        json_real(st_ratio(g->total[ST_REVENUE], n)));
    json_object_set_new(obj, "mood_on_entry", stage_moods(run, c));
    if (g->has_uplift) {
        json_object_set_new(obj, "uplift", uplift_json(g));
        json_object_set_new(obj, "incremental_revenue", json_real(g->incremental_revenue));
        json_object_set_new(obj, "incremental_profit", json_real(g->incremental_profit));
        json_object_set_new(obj, "incremental_profit_ci95",
                            json_pack("[ff]", g->profit.lo, g->profit.hi));
        json_object_set_new(obj, "roi", g->has_roi ? json_real(g->roi) : json_null());
        json_object_set_new(obj, "roi_ci95", g->has_roi ? json_pack("[ff]", g->roi_lo, g->roi_hi)
                                                        : json_null());
        json_object_set_new(obj, "discordant",
                            json_pack("{s{sIsI}s{sIsI}sI}", "buyers", "gained",
                                      (json_int_t)g->gained[ST_BUYERS], "lost",
                                      (json_int_t)g->lost[ST_BUYERS], "repeat_buyers", "gained",
                                      (json_int_t)g->gained[ST_REPEAT_BUYERS], "lost",
                                      (json_int_t)g->lost[ST_REPEAT_BUYERS], "purchases_changed",
                                      (json_int_t)g->changed));
        const st_verdict *vd = &g->verdict;
        json_object_set_new(obj, "verdict",
                            json_pack("{sssssoso*so*}", "metric", st_metric_name(vd->metric),
                                      "effect", st_effect_name(vd->effect), "pays_back",
                                      vd->pays == ST_PAYS_UNCLEAR ? json_null()
                                                                  : json_boolean(vd->pays == ST_PAYS_YES),
                                      "customers_to_settle_effect",
                                      vd->customers_to_settle_effect > 0
                                          ? json_real(st_rough(vd->customers_to_settle_effect))
                                          : NULL,
                                      "customers_to_settle_pays_back",
                                      vd->customers_to_settle_pays > 0
                                          ? json_real(st_rough(vd->customers_to_settle_pays))
                                          : NULL));
    }
    window_fields(obj, run, v, group);
    clv_fields(obj, run, v, group);
}

static json_t *interventions_of(const scn_scenario *scn, uint32_t mask)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < scn->n_interventions; i++)
        if (mask & (1u << i))
            json_array_append_new(arr, json_string(scn->interventions[i].name));
    return arr;
}

void res_summary_json(FILE *f, const rn_run *run)
{
    const st_results *r = &run->results;
    const sim_totals *t = &run->totals;
    const scn_scenario *scn = run->scn;
    json_t *root = json_object();
    json_object_set_new(root, "scenario", json_string(scn->name));
    json_object_set_new(root, "method", json_string(r->method));
    json_object_set_new(root, "headline", json_string(st_metric_name(r->headline)));
    json_object_set_new(root, "seed", json_integer((json_int_t)run->seed));
    json_object_set_new(root, "customers", json_integer(t->customers));
    json_object_set_new(root, "days", json_integer(run->days));
    json_object_set_new(root, "margin", json_real(scn->margin));
    json_object_set_new(root, "params", prm_values_json(&scn->params));
    json_t *stages = json_array(), *personas = json_array();
    for (size_t s = 0; s < scn->n_stages; s++)
        json_array_append_new(stages, json_string(scn->stages[s].name));
    for (size_t p = 0; p < scn->n_personas; p++)
        json_array_append_new(personas, json_string(scn->personas[p].name));
    json_object_set_new(root, "stages", stages);
    json_object_set_new(root, "personas", personas);
    json_t *variants = json_array();
    for (size_t v = 0; v < t->n_variants; v++) {
        json_t *var = json_object();
        json_object_set_new(var, "name", json_string(run->variants.items[v].name));
        json_object_set_new(var, "interventions",
                            interventions_of(scn, run->model->variants[v].mask));
        group_fields(var, run, v, t->n_personas);
        json_object_set_new(var, "transitions", edge_stats(run, st_cell(r, v, t->n_personas)));
        json_t *per = json_object();
        for (size_t p = 0; p < t->n_personas; p++) {
            json_t *obj = json_object();
            group_fields(obj, run, v, p);
            json_object_set_new(per, scn->personas[p].name, obj);
        }
        json_object_set_new(var, "personas", per);
        json_array_append_new(variants, var);
    }
    json_object_set_new(root, "variants", variants);
    if (scn->targets.n)
        json_object_set_new(root, "targets", tgt_json(&scn->targets, t));
    json_dumpf(root, f, JSON_FLAGS);
    fputc('\n', f);
    json_decref(root);
}

void res_manifest_json(FILE *f, const rn_run *run, const char *const *files, size_t n_files)
{
    const sim_totals *t = &run->totals;
    const scn_scenario *scn = run->scn;
    json_t *root = json_object();
    json_object_set_new(root, "program", json_string("cjmsim"));
    json_object_set_new(root, "version", json_string(run->version));
    json_object_set_new(root, "scenario", json_string(scn->name));
    json_object_set_new(root, "scenario_file", json_text(scn->path));
    json_object_set_new(root, "scenario_sha256", json_string(run->hash));
    json_object_set_new(root, "seed", json_integer((json_int_t)run->seed));
    json_object_set_new(root, "customers", json_integer(t->customers));
    json_object_set_new(root, "days", json_integer(run->days));
    json_object_set_new(root, "threads", json_integer(run->threads));
    json_object_set_new(root, "processes", json_integer(run->processes));
    json_object_set_new(root, "block_size", json_integer(SIM_BLOCK));
    json_object_set_new(root, "params", prm_values_json(&scn->params));
    json_t *variants = json_array();
    for (size_t v = 0; v < t->n_variants; v++)
        json_array_append_new(variants, json_string(run->variants.items[v].name));
    json_object_set_new(root, "variants", variants);
    json_t *argv = json_array();
    for (int i = 0; i < run->argc; i++)
        json_array_append_new(argv, json_text(run->argv[i]));
    json_object_set_new(root, "command_line", argv);
    json_t *listed = json_array();
    for (size_t i = 0; i < n_files; i++)
        json_array_append_new(listed, json_text(files[i]));
    json_object_set_new(root, "files", listed);
    json_dumpf(root, f, JSON_FLAGS);
    fputc('\n', f);
    json_decref(root);
}

cj_status res_write(out_dir *dir, const char *name, res_writer write, const rn_run *run,
                    cj_err *err)
{
    FILE *f = out_open(dir, name, err);
    if (!f)
        return err->status;
    write(f, run);
    if (out_close(dir, f, name, err) != CJ_OK)
        return err->status;
    if (sim_interrupted)
        return cj_fail(err, CJ_ERR_INTERRUPTED, _("interrupted: no results were written"));
    return CJ_OK;
}

cj_status res_write_manifest(out_dir *dir, const rn_run *run, cj_err *err)
{
    out_record(dir, "manifest.json"); /* it lists itself */
    FILE *f = out_open(dir, "manifest.json", err);
    if (!f)
        return err->status;
    res_manifest_json(f, run, (const char *const *)dir->files, dir->n_files);
    if (out_close(dir, f, "manifest.json", err) == CJ_OK && sim_interrupted)
        cj_fail(err, CJ_ERR_INTERRUPTED, _("interrupted: no results were written"));
    return err->status;
}
