#include "sim.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"
#include "util.h"

volatile sig_atomic_t sim_interrupted;

static const double REMAINDER_TIE = 1e-9;

void sim_allocate(const scn_scenario *scn, int64_t customers, int64_t *counts)
{
    size_t n = scn->n_personas;
    double *remainder = xcalloc(n, sizeof *remainder);
    int64_t given = 0;
    for (size_t p = 0; p < n; p++) {
        double exact = (double)customers * scn->personas[p].share;
        counts[p] = (int64_t)exact;
        remainder[p] = exact - (double)counts[p];
        given += counts[p];
    }
    while (given < customers) {
        /* customers × share is rounded in binary (90 × 0.35 = 31.4999…), so
         * remainders this close are the same remainder: a tie. */
        size_t best = 0;
        for (size_t p = 1; p < n; p++)
            if (remainder[p] > remainder[best] + REMAINDER_TIE)
                best = p;
        counts[best]++;
        remainder[best] = -1.0;
        given++;
    }
    free(remainder);
}

static sim_layout layout_of(const cmp_model *model)
{
    sim_layout l;
    l.purchases = SIM_K_PURCHASES;
    l.exposed = l.purchases + model->n_purchase_stages;
    l.uses = l.exposed + model->scn->n_interventions;
    l.n_k = l.uses + model->scn->n_interventions;
    return l;
}

void sim_cell_init(sim_cell *c, const cmp_model *model, const sim_layout *l)
{
    const scn_scenario *scn = model->scn;
    size_t days = (size_t)model->days + 1;
    c->reached = xcalloc(scn->n_stages, sizeof(int64_t));
    c->entries = xcalloc(scn->n_stages, sizeof(int64_t));
    c->mood_sum = xcalloc(scn->n_stages, sizeof(int64_t));
    c->edge_customers = xcalloc(scn->n_edges, sizeof(int64_t));
    c->edge_moves = xcalloc(scn->n_edges, sizeof(int64_t));
    c->k_sum = xcalloc(l->n_k, sizeof(int64_t));
    c->first_purchase_day = xcalloc(days, sizeof(int64_t));
    c->second_purchase_day = xcalloc(days, sizeof(int64_t));
    c->d_sum = xcalloc(l->n_k, sizeof(int64_t));
    c->dd_sum = xcalloc(l->n_k * l->n_k, sizeof(int64_t));
}

void sim_cell_free(sim_cell *c)
{
    free(c->reached);
    free(c->entries);
    free(c->mood_sum);
    free(c->edge_customers);
    free(c->edge_moves);
    free(c->k_sum);
    free(c->first_purchase_day);
    free(c->second_purchase_day);
    free(c->d_sum);
    free(c->dd_sum);
}

static void add_into(int64_t *dst, const int64_t *src, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dst[i] += src[i];
}

void sim_cell_add(sim_cell *dst, const sim_cell *src, const cmp_model *model,
                     const sim_layout *l)
{
    const scn_scenario *scn = model->scn;
    size_t days = (size_t)model->days + 1;
    dst->customers += src->customers;
    add_into(dst->reached, src->reached, scn->n_stages);
    add_into(dst->entries, src->entries, scn->n_stages);
    add_into(dst->mood_sum, src->mood_sum, scn->n_stages);
    add_into(dst->edge_customers, src->edge_customers, scn->n_edges);
    add_into(dst->edge_moves, src->edge_moves, scn->n_edges);
    add_into(dst->k_sum, src->k_sum, l->n_k);
    add_into(dst->first_purchase_day, src->first_purchase_day, days);
    add_into(dst->second_purchase_day, src->second_purchase_day, days);
    add_into(dst->d_sum, src->d_sum, l->n_k);
    add_into(dst->dd_sum, src->dd_sum, l->n_k * l->n_k);
}

/* Scratch space of one thread: per-customer marks, reset by generation. */
typedef struct {
    uint64_t generation;
    uint64_t *stage_mark; /* == generation: entered during this walk */
    uint64_t *edge_mark;
    int64_t *k;           /* this walk's counters */
    int64_t *k_baseline;  /* the same customer's baseline counters */
} walker;

typedef struct {
    const cmp_model *model;
    const sim_layout *layout;
    const cmp_variant *variant;
    const cmp_plan *plan;
    sim_cell *cell;
    walker *w;
    int mood, purchases;
} walk;

static void enter_stage(walk *wk, int stage, int day)
{
    walker *w = wk->w;
    sim_cell *cell = wk->cell;
    const sim_layout *l = wk->layout;
    if (w->stage_mark[stage] != w->generation) {
        w->stage_mark[stage] = w->generation;
        cell->reached[stage]++;
    }
    wk->mood = cmp_clamp_mood(wk->mood + wk->plan->mood_delta[stage]);
    cell->entries[stage]++;
    cell->mood_sum[stage] += wk->mood;
    int slot = wk->model->purchase_slot[stage];
    if (slot >= 0) {
        wk->purchases++;
        w->k[l->purchases + (size_t)slot]++;
        if (wk->purchases == 1) {
            w->k[SIM_K_BUYER] = 1;
            cell->first_purchase_day[day]++;
        } else if (wk->purchases == 2) {
            w->k[SIM_K_REPEAT] = 1;
            cell->second_purchase_day[day]++;
        }
    }
    for (uint32_t mask = wk->plan->touch_mask[stage]; mask; mask &= mask - 1) {
        size_t i = (size_t)__builtin_ctz(mask);
        w->k[l->exposed + i] = 1;
        w->k[l->uses + i]++;
    }
}

/* One customer's journey in one variant, with its own copy of the
 * customer's generator: one draw per day spent in a stage it can leave. */
static void walk_customer(walk *wk, int persona_mood, rng_t rng)
{
    const cmp_model *model = wk->model;
    const cmp_variant *variant = wk->variant;
    const scn_scenario *scn = model->scn;
    walker *w = wk->w;
    memset(w->k, 0, wk->layout->n_k * sizeof *w->k);
    w->generation++;
    wk->mood = persona_mood;
    wk->purchases = 0;
    int stage = scn->entry;
    enter_stage(wk, stage, 0);
    int days_in_stage = 0;
    for (int day = 1; day <= model->days; day++) {
        uint32_t first = variant->out_start[stage];
        uint32_t k = variant->out_start[stage + 1] - first;
        if (k == 0)
            break;
        days_in_stage++;
        int bucket = wk->purchases < SCN_PURCHASES_CAP ? wk->purchases : SCN_PURCHASES_CAP;
        const cmp_state *st = &wk->plan->states[cmp_state_index(stage, wk->mood, bucket)];
        uint32_t row = (uint32_t)days_in_stage < st->n_rows ? (uint32_t)days_in_stage : st->n_rows;
        const uint64_t *thr = wk->plan->thr + st->thr_offset + (size_t)(row - 1) * k;
        uint64_t x = rng_next(&rng);
        if (x >= thr[k - 1])
            continue;
        uint32_t j = 0;
        while (x >= thr[j])
            j++;
        int e = variant->out_edge[first + j];
        wk->cell->edge_moves[e]++;
        if (w->edge_mark[e] != w->generation) {
            w->edge_mark[e] = w->generation;
            wk->cell->edge_customers[e]++;
        }
        stage = scn->edges[e].to;
        days_in_stage = 0;
        enter_stage(wk, stage, day);
    }
}

/* Adds this customer's paired difference from its baseline walk. */
static void add_difference(sim_cell *cell, const walker *w, size_t n_k)
{
    int64_t d[64];
    bool any = false;
    for (size_t i = 0; i < n_k; i++) {
        d[i] = w->k[i] - w->k_baseline[i];
        any |= d[i] != 0;
    }
    if (!any)
        return;
    for (size_t i = 0; i < n_k; i++) {
        if (!d[i])
            continue;
        cell->d_sum[i] += d[i];
        int64_t *row = cell->dd_sum + i * n_k;
        for (size_t j = 0; j < n_k; j++)
            row[j] += d[i] * d[j];
    }
}

typedef struct {
    const cmp_model *model;
    const sim_layout *layout;
    int64_t customers;
    uint64_t seed;
    const int64_t *persona_end; /* cumulative customer counts */
    atomic_llong next_block;
    int64_t n_blocks;
} run_shared;

typedef struct {
    run_shared *shared;
    sim_cell *cells; /* this thread's [variant * n_personas + persona] */
    walker w;
} run_thread;

static void run_block(run_thread *t, int64_t block)
{
    const run_shared *sh = t->shared;
    const cmp_model *model = sh->model;
    const scn_scenario *scn = model->scn;
    size_t n_personas = scn->n_personas;
    rng_t block_rng;
    rng_block(&block_rng, sh->seed, (uint64_t)block);
    int64_t first = block * SIM_BLOCK;
    int64_t last = first + SIM_BLOCK < sh->customers ? first + SIM_BLOCK : sh->customers;
    size_t persona = 0;
    for (int64_t c = first; c < last; c++) {
        while (c >= sh->persona_end[persona])
            persona++;
        rng_t customer_rng;
        rng_customer(&block_rng, &customer_rng);
        for (size_t v = 0; v < model->n_variants; v++) {
            const cmp_variant *variant = &model->variants[v];
            const cmp_plan *plan = &variant->plans[persona];
            walk wk = {model, sh->layout, variant, plan, &t->cells[v * n_personas + persona],
                       &t->w, 0, 0};
            wk.cell->customers++;
            walk_customer(&wk, scn->personas[persona].mood, customer_rng);
            add_into(wk.cell->k_sum, t->w.k, sh->layout->n_k);
            if (v == 0)
                memcpy(t->w.k_baseline, t->w.k, sh->layout->n_k * sizeof *t->w.k);
            else
                add_difference(wk.cell, &t->w, sh->layout->n_k);
        }
    }
}

static void *run_worker(void *arg)
{
    run_thread *t = arg;
    run_shared *sh = t->shared;
    for (;;) {
        if (sim_interrupted)
            break;
        int64_t block = atomic_fetch_add(&sh->next_block, 1);
        if (block >= sh->n_blocks)
            break;
        run_block(t, block);
    }
    return NULL;
}

static sim_cell *cells_new(const cmp_model *model, const sim_layout *l)
{
    size_t n = model->n_variants * model->scn->n_personas;
    sim_cell *cells = xcalloc(n, sizeof *cells);
    for (size_t i = 0; i < n; i++)
        sim_cell_init(&cells[i], model, l);
    return cells;
}

static void cells_free(sim_cell *cells, size_t n)
{
    if (!cells)
        return;
    for (size_t i = 0; i < n; i++)
        sim_cell_free(&cells[i]);
    free(cells);
}

cj_status sim_run(const cmp_model *model, int64_t customers, uint64_t seed, int threads,
                  sim_totals *totals, cj_err *err)
{
    const scn_scenario *scn = model->scn;
    memset(totals, 0, sizeof *totals);
    totals->model = model;
    totals->layout = layout_of(model);
    totals->customers = customers;
    totals->n_variants = model->n_variants;
    totals->n_personas = scn->n_personas;
    totals->persona_customers = xcalloc(scn->n_personas, sizeof(int64_t));
    sim_allocate(scn, customers, totals->persona_customers);
    totals->cells = cells_new(model, &totals->layout);
    if (totals->layout.n_k > 64)
        return cj_fail(err, CJ_ERR_SCENARIO, "%s: too many purchase stages and interventions "
                       "together (at most 64 counters)", scn->path);

    int64_t *persona_end = xcalloc(scn->n_personas, sizeof *persona_end);
    int64_t sum = 0;
    for (size_t p = 0; p < scn->n_personas; p++)
        persona_end[p] = sum += totals->persona_customers[p];
    run_shared shared = {model, &totals->layout, customers, seed, persona_end, 0,
                         (customers + SIM_BLOCK - 1) / SIM_BLOCK};
    if (threads < 1)
        threads = 1;
    if (threads > shared.n_blocks)
        threads = (int)shared.n_blocks;
    run_thread *ts = xcalloc((size_t)threads, sizeof *ts);
    pthread_t *ids = xcalloc((size_t)threads, sizeof *ids);
    size_t n_cells = model->n_variants * scn->n_personas;
    int started = 0;
    for (int i = 0; i < threads; i++) {
        ts[i].shared = &shared;
        ts[i].cells = cells_new(model, &totals->layout);
        ts[i].w.stage_mark = xcalloc(scn->n_stages, sizeof(uint64_t));
        ts[i].w.edge_mark = xcalloc(scn->n_edges, sizeof(uint64_t));
        ts[i].w.k = xcalloc(totals->layout.n_k, sizeof(int64_t));
        ts[i].w.k_baseline = xcalloc(totals->layout.n_k, sizeof(int64_t));
        if (i == 0 || pthread_create(&ids[i], NULL, run_worker, &ts[i]) == 0)
            started++;
        else
            break; /* fewer threads; the blocks still all get done */
    }
    run_worker(&ts[0]);
    for (int i = 1; i < started; i++)
        pthread_join(ids[i], NULL);
    for (int i = 0; i < threads; i++) {
        if (ts[i].cells) {
            for (size_t c = 0; c < n_cells; c++)
                sim_cell_add(&totals->cells[c], &ts[i].cells[c], model, &totals->layout);
            cells_free(ts[i].cells, n_cells);
        }
        free(ts[i].w.stage_mark);
        free(ts[i].w.edge_mark);
        free(ts[i].w.k);
        free(ts[i].w.k_baseline);
    }
    free(ts);
    free(ids);
    free(persona_end);
    if (sim_interrupted)
        return cj_fail(err, CJ_ERR_INTERRUPTED, "interrupted: no results were written");
    return CJ_OK;
}

void sim_free(sim_totals *totals)
{
    cells_free(totals->cells, totals->n_variants * totals->n_personas);
    free(totals->persona_customers);
    memset(totals, 0, sizeof *totals);
}
