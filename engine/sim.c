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
    t->cells = sim_cells_new(model, shared->layout);
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
        sim_cells_free(t->cells, n_cells);
    }
    if (t->common) {
        for (size_t c = 0; c < n_cells; c++)
            sim_cell_add(&totals->cells[c], &t->common[c % n_personas], model, &totals->layout);
        sim_cells_free(t->common, n_personas);
    }
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

