#include "sim.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "arrivals.h"
#include "rng.h"
#include "util.h"
#include "walk.h"
#include "i18n.h"

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

/* Days 0 … D counted by day for targets, D the latest by_day of one that
 * needs it (within the run); 0 days when none does. */
static size_t reach_days_of(const cmp_model *model)
{
    int last = tgt_days_counted(&model->scn->targets);
    if (last <= 0)
        return 0;
    return (size_t)(last < model->days ? last : model->days) + 1;
}

static sim_layout layout_of(const cmp_model *model)
{
    sim_layout l;
    l.purchases = SIM_K_PURCHASES;
    l.exposed = l.purchases + model->n_purchase_stages;
    l.uses = l.exposed + model->scn->n_interventions;
    l.n_k = l.uses + model->scn->n_interventions;
    l.window = 0;
    if (model->scn->repeat_window > 0)
        l.window = l.n_k++;
    l.clv = 0;
    if (model->scn->has_discount) {
        l.clv = l.n_k;
        l.n_k += 2;
    }
    l.reach_days = reach_days_of(model);
    return l;
}

/* The integer arrays of a cell and their lengths, in one fixed order: what
 * is allocated, added up across threads, and sent between MPI ranks. */
enum { CELL_ARRAYS = 17 };

typedef struct {
    int64_t **data;
    size_t n;
} cell_array;

static void cell_arrays(sim_cell *c, const cmp_model *model, const sim_layout *l,
                        cell_array out[CELL_ARRAYS])
{
    size_t stages = model->scn->n_stages, edges = model->scn->n_edges;
    size_t days = (size_t)model->days + 1;
    cell_array arrays[CELL_ARRAYS] = {
        {&c->reached, stages},
        {&c->entries, stages},
        {&c->mood_sum, stages},
        {&c->edge_customers, edges},
        {&c->edge_moves, edges},
        {&c->k_sum, l->n_k},
        {&c->first_purchase_day, days},
        {&c->second_purchase_day, days},
        {&c->d_sum, l->n_k},
        {&c->dd_sum, l->n_k * l->n_k},
        {&c->changed, 1},
        {&c->arrivals_day, days},
        {&c->purchases_day, days * model->n_purchase_stages},
        {&c->exposed_day, days * model->scn->n_interventions},
        {&c->uses_day, days * model->scn->n_interventions},
        {&c->reached_day, stages * l->reach_days},
        {&c->window_day, l->reach_days},
    };
    memcpy(out, arrays, sizeof arrays);
}

void sim_cell_init(sim_cell *c, const cmp_model *model, const sim_layout *l)
{
    cell_array arrays[CELL_ARRAYS];
    c->customers = 0;
    c->expected = NULL;
    cell_arrays(c, model, l, arrays);
    for (size_t i = 0; i < CELL_ARRAYS; i++)
        *arrays[i].data = xcalloc(arrays[i].n, sizeof(int64_t));
}

/* The real arrays of expected values, in the order of cell_arrays. */
typedef struct {
    double **data;
    size_t n;
} expected_array;

enum { EXPECTED_ARRAYS = 14 };

static void expected_arrays(sim_expected *x, const cmp_model *model, const sim_layout *l,
                            expected_array out[EXPECTED_ARRAYS])
{
    size_t stages = model->scn->n_stages, edges = model->scn->n_edges;
    size_t days = (size_t)model->days + 1;
    expected_array arrays[EXPECTED_ARRAYS] = {
        {&x->reached, stages},       {&x->entries, stages},
        {&x->mood_sum, stages},      {&x->edge_customers, edges},
        {&x->edge_moves, edges},     {&x->k_sum, l->n_k},
        {&x->first_purchase_day, days}, {&x->second_purchase_day, days},
        {&x->arrivals_day, days},
        {&x->purchases_day, days * model->n_purchase_stages},
        {&x->exposed_day, days * model->scn->n_interventions},
        {&x->uses_day, days * model->scn->n_interventions},
        {&x->reached_day, stages * l->reach_days},
        {&x->window_day, l->reach_days},
    };
    memcpy(out, arrays, sizeof arrays);
}

sim_expected *sim_expected_new(const cmp_model *model, const sim_layout *l)
{
    sim_expected *x = xcalloc(1, sizeof *x);
    expected_array arrays[EXPECTED_ARRAYS];
    expected_arrays(x, model, l, arrays);
    for (size_t i = 0; i < EXPECTED_ARRAYS; i++)
        *arrays[i].data = xcalloc(arrays[i].n, sizeof(double));
    return x;
}

static void expected_free(sim_expected *x)
{
    if (!x)
        return;
    double **arrays[] = {&x->reached,        &x->entries,
                         &x->mood_sum,       &x->edge_customers,
                         &x->edge_moves,     &x->k_sum,
                         &x->first_purchase_day, &x->second_purchase_day,
                         &x->arrivals_day, &x->purchases_day, &x->exposed_day, &x->uses_day,
                         &x->reached_day, &x->window_day};
    for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++)
        free(*arrays[i]);
    free(x);
}

void sim_cell_free(sim_cell *c)
{
    expected_free(c->expected);
    c->expected = NULL;
    int64_t **arrays[] = {&c->reached,    &c->entries, &c->mood_sum,           &c->edge_customers,
                          &c->edge_moves, &c->k_sum,   &c->first_purchase_day, &c->second_purchase_day,
                          &c->d_sum,      &c->dd_sum,  &c->changed,            &c->arrivals_day,
                          &c->purchases_day, &c->exposed_day, &c->uses_day,
                          &c->reached_day, &c->window_day};
    for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++) {
        free(*arrays[i]);
        *arrays[i] = NULL;
    }
}

void sim_cell_add(sim_cell *dst, const sim_cell *src, const cmp_model *model,
                  const sim_layout *l)
{
    cell_array to[CELL_ARRAYS], from[CELL_ARRAYS];
    cell_arrays(dst, model, l, to);
    cell_arrays((sim_cell *)(uintptr_t)src, model, l, from);
    dst->customers += src->customers;
    for (size_t i = 0; i < CELL_ARRAYS; i++)
        for (size_t j = 0; j < to[i].n; j++)
            (*to[i].data)[j] += (*from[i].data)[j];
    if (!src->expected)
        return;
    if (!dst->expected)
        dst->expected = sim_expected_new(model, l);
    expected_array xto[EXPECTED_ARRAYS], xfrom[EXPECTED_ARRAYS];
    expected_arrays(dst->expected, model, l, xto);
    expected_arrays(src->expected, model, l, xfrom);
    for (size_t i = 0; i < EXPECTED_ARRAYS; i++)
        for (size_t j = 0; j < xto[i].n; j++)
            (*xto[i].data)[j] += (*xfrom[i].data)[j];
}

size_t sim_totals_count(const sim_totals *t)
{
    cell_array arrays[CELL_ARRAYS];
    cell_arrays(&t->cells[0], t->model, &t->layout, arrays);
    size_t per_cell = 1;
    for (size_t i = 0; i < CELL_ARRAYS; i++)
        per_cell += arrays[i].n;
    return per_cell * t->n_variants * t->n_personas;
}

void sim_totals_pack(const sim_totals *t, int64_t *buf)
{
    for (size_t c = 0; c < t->n_variants * t->n_personas; c++) {
        cell_array arrays[CELL_ARRAYS];
        cell_arrays(&t->cells[c], t->model, &t->layout, arrays);
        *buf++ = t->cells[c].customers;
        for (size_t i = 0; i < CELL_ARRAYS; i++) {
            memcpy(buf, *arrays[i].data, arrays[i].n * sizeof *buf);
            buf += arrays[i].n;
        }
    }
}

void sim_totals_unpack(sim_totals *t, const int64_t *buf)
{
    for (size_t c = 0; c < t->n_variants * t->n_personas; c++) {
        cell_array arrays[CELL_ARRAYS];
        cell_arrays(&t->cells[c], t->model, &t->layout, arrays);
        t->cells[c].customers = *buf++;
        for (size_t i = 0; i < CELL_ARRAYS; i++) {
            memcpy(*arrays[i].data, buf, arrays[i].n * sizeof *buf);
            buf += arrays[i].n;
        }
    }
}

typedef struct {
    const cmp_model *model;
    const sim_layout *layout;
    walk_run walks;
    int64_t customers;
    uint64_t seed;
    const int64_t *persona_end; /* cumulative customer counts */
    const arr_plan *arrivals;   /* or NULL: persona_end's one cohort */
    atomic_llong next_block;
    atomic_llong done_blocks;
    int64_t n_blocks;
    int part, parts; /* this process simulates blocks part, part + parts, ... */
    sim_progress_fn progress;
    void *progress_arg;
} run_shared;

/* What the main thread knows of a worker: written when it starts. The
 * walker, written at every stage visit, is on the worker's own stack. */
typedef struct {
    run_shared *shared;
    sim_cell *cells;  /* this thread's [variant * n_personas + persona] */
    sim_cell *common; /* per persona: customers whose journey all variants share */
    bool reports;     /* the one thread that calls the progress function */
} run_thread;

/* A block of customers arriving over the calendar: numbered day by day,
 * persona by persona within a day. */
static void run_block_arrivals(run_thread *t, walker *w, int64_t block)
{
    const run_shared *sh = t->shared;
    const arr_plan *plan = sh->arrivals;
    size_t n_personas = plan->n_personas;
    rng_t block_rng;
    rng_block(&block_rng, sh->seed, (uint64_t)block);
    int64_t first = block * SIM_BLOCK;
    int64_t last = first + SIM_BLOCK < sh->customers ? first + SIM_BLOCK : sh->customers;
    int day = arr_day_of(plan, first);
    size_t persona = 0;
    int64_t persona_end = (day > 0 ? plan->day_end[day - 1] : 0) +
                          plan->count[(size_t)day * n_personas];
    for (int64_t c = first; c < last; c++) {
        while (c >= persona_end) {
            if (++persona == n_personas) {
                day++;
                persona = 0;
            }
            persona_end += plan->count[(size_t)day * n_personas + persona];
        }
        rng_t customer_rng;
        rng_customer(&block_rng, &customer_rng);
        walk_customer_from(w, &sh->walks, persona, customer_rng, &t->cells[persona], n_personas,
                           &t->common[persona], (uint32_t)day);
    }
}

static void run_block(run_thread *t, walker *w, int64_t block)
{
    if (t->shared->arrivals) {
        run_block_arrivals(t, w, block);
        return;
    }
    const run_shared *sh = t->shared;
    size_t n_personas = sh->model->scn->n_personas;
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
        walk_customer(w, &sh->walks, persona, customer_rng, &t->cells[persona], n_personas,
                      &t->common[persona]);
    }
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
    sim_options opts = {threads, NULL, NULL, 0, 1, NULL};
    return sim_run_with(model, customers, seed, &opts, totals, err);
}

/* Per thread: cells for every variant and persona, and per persona a cell
 * of the customers all variants share. Allocated by the thread itself, so
 * that its counters, written at every stage visit, lie in its own arena and
 * share no cache line with another thread's. */
static void thread_init(run_thread *t)
{
    const run_shared *shared = t->shared;
    const cmp_model *model = shared->model;
    t->cells = cells_new(model, shared->layout);
    t->common = xcalloc(model->scn->n_personas, sizeof *t->common);
    for (size_t p = 0; p < model->scn->n_personas; p++)
        sim_cell_init(&t->common[p], model, shared->layout);
}

static void *run_worker(void *arg)
{
    run_thread *t = arg;
    run_shared *sh = t->shared;
    thread_init(t);
    walker w;
    walker_init(&w, sh->model, sh->layout);
    for (;;) {
        if (sim_interrupted)
            break;
        int64_t block = atomic_fetch_add(&sh->next_block, 1) * sh->parts + sh->part;
        if (block >= sh->n_blocks)
            break;
        run_block(t, &w, block);
        int64_t done = atomic_fetch_add(&sh->done_blocks, 1) + 1;
        if (t->reports && sh->progress) {
            int64_t customers = done * sh->parts * SIM_BLOCK;
            sh->progress(sh->progress_arg,
                         customers < sh->customers ? customers : sh->customers, sh->customers);
        }
    }
    walker_free(&w);
    return NULL;
}

/* Adds a thread's counts into the totals and frees them. */
static void thread_merge(run_thread *t, sim_totals *totals)
{
    const cmp_model *model = totals->model;
    size_t n_personas = model->scn->n_personas, n_cells = model->n_variants * n_personas;
    if (t->cells) {
        for (size_t c = 0; c < n_cells; c++)
            sim_cell_add(&totals->cells[c], &t->cells[c], model, &totals->layout);
        cells_free(t->cells, n_cells);
    }
    if (t->common) {
        for (size_t c = 0; c < n_cells; c++)
            sim_cell_add(&totals->cells[c], &t->common[c % n_personas], model, &totals->layout);
        cells_free(t->common, n_personas);
    }
}

void sim_totals_init(sim_totals *totals, const cmp_model *model, int64_t customers)
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
}

cj_status sim_run_with(const cmp_model *model, int64_t customers, uint64_t seed,
                       const sim_options *opts, sim_totals *totals, cj_err *err)
{
    const scn_scenario *scn = model->scn;
    sim_totals_init(totals, model, customers);
    if (opts->arrivals) {
        const arr_plan *plan = opts->arrivals;
        memset(totals->persona_customers, 0, scn->n_personas * sizeof(int64_t));
        for (int d = 0; d < plan->days; d++)
            for (size_t p = 0; p < scn->n_personas; p++)
                totals->persona_customers[p] += plan->count[(size_t)d * scn->n_personas + p];
    }
    if (totals->layout.n_k > 64)
        return cj_fail(err, CJ_ERR_SCENARIO,
                       _("%s: too many purchase stages and interventions "
                         "together (at most 64 counters)"),
                       scn->path);

    int64_t *persona_end = xcalloc(scn->n_personas, sizeof *persona_end);
    int64_t sum = 0;
    for (size_t p = 0; p < scn->n_personas; p++)
        persona_end[p] = sum += totals->persona_customers[p];
    run_shared shared = {.model = model,
                         .layout = &totals->layout,
                         .customers = customers,
                         .seed = seed,
                         .persona_end = persona_end,
                         .n_blocks = (customers + SIM_BLOCK - 1) / SIM_BLOCK,
                         .part = opts->parts > 1 ? opts->part : 0,
                         .parts = opts->parts > 1 ? opts->parts : 1,
                         .progress = opts->progress,
                         .progress_arg = opts->progress_arg,
                         .arrivals = opts->arrivals};
    atomic_init(&shared.next_block, 0);
    atomic_init(&shared.done_blocks, 0);
    walk_run_init(&shared.walks, model, &totals->layout);
    int threads = opts->threads < 1 ? 1 : opts->threads;
    if (threads > shared.n_blocks)
        threads = (int)shared.n_blocks;
    run_thread *ts = xcalloc((size_t)threads, sizeof *ts);
    pthread_t *ids = xcalloc((size_t)threads, sizeof *ids);
    int started = 1;
    for (int i = 0; i < threads; i++)
        ts[i].shared = &shared;
    ts[0].reports = true;
    for (int i = 1; i < threads; i++) {
        if (pthread_create(&ids[i], NULL, run_worker, &ts[i]) != 0)
            break; /* fewer threads; the blocks still all get done */
        started++;
    }
    run_worker(&ts[0]);
    for (int i = 1; i < started; i++)
        pthread_join(ids[i], NULL);
    for (int i = 0; i < threads; i++)
        thread_merge(&ts[i], totals);
    walk_run_free(&shared.walks);
    free(ts);
    free(ids);
    free(persona_end);
    if (sim_interrupted)
        return cj_fail(err, CJ_ERR_INTERRUPTED, _("interrupted: no results were written"));
    return CJ_OK;
}

void sim_free(sim_totals *totals)
{
    cells_free(totals->cells, totals->n_variants * totals->n_personas);
    free(totals->persona_customers);
    memset(totals, 0, sizeof *totals);
}
