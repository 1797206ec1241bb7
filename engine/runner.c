#include "runner.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cluster.h"
#include "datadir.h"
#include "exact.h"
#include "format.h"
#include "i18n.h"
#include "memo.h"
#include "sandbox.h"
#include "sha256.h"
#include "util.h"

#ifndef CJMSIM_VERSION
#define CJMSIM_VERSION "0.0.0-dev"
#endif

static sbx_limits limits_of(const cli_options *opts)
{
    sbx_limits limits = {opts->lua_instructions, (size_t)opts->lua_memory_mb * 1024 * 1024,
                         opts->has_seed ? opts->seed : 0};
    return limits;
}

static unsigned lua_seconds(const cli_options *opts)
{
    return opts->lua_seconds ? opts->lua_seconds : SBX_DEFAULT_SECONDS;
}

/* Who arrives on which day. --customers counts a cohort; it means nothing
 * when customers arrive day by day. An arrivals function runs here, under
 * the watchdog; rn_share_arrivals shares the arrivals out among the
 * personas afterwards, in C. */
static cj_status count_arrivals(rn_run *r, const cli_options *opts, cj_err *err)
{
    r->calendar = r->scn->has_arrivals || opts->has_arrivals;
    if (r->calendar && opts->has_customers)
        return cj_fail(err, CJ_ERR_USAGE,
                       _("--customers counts one cohort on day 0; with arrivals, customers "
                         "arrive each day: give --arrivals N (a day) instead"));
    scn_scenario calendar = *r->scn;
    calendar.has_arrivals = r->calendar;
    double per_day = opts->has_arrivals ? (double)opts->arrivals : -1;
    if (arr_count(&calendar, r->days, r->customers, per_day, &r->arrivals, err) == CJ_OK)
        r->customers = r->arrivals.total;
    return err->status;
}

void rn_share_arrivals(rn_run *r)
{
    if (!r->calendar || !r->scn)
        return;
    scn_scenario calendar = *r->scn;
    calendar.has_arrivals = true;
    arr_share(&calendar, &r->arrivals);
}

/* Load, variants, compile: the part of a run that runs Lua. For the
 * command line's own set (`command_line`), values outside a parameter's
 * range are warned about and the file's hash is taken. */
static cj_status load_and_compile(rn_run *r, const cli_options *opts, const prm_set *params,
                                  bool command_line, const rn_run *base, bool keep_memo,
                                  cj_err *err)
{
    sbx_limits limits = limits_of(opts);
    r->opts = opts;
    r->version = CJMSIM_VERSION;
    r->threads = rn_threads(opts);
    r->processes = 1;
    r->scn = scn_load_params(opts->scenario, &limits, params, err);
    if (!r->scn)
        return err->status;
    if (command_line && cluster_is_root())
        prm_warn_outside(stderr, &r->scn->params);
    if (command_line && sha256_file(opts->scenario, r->hash) != 0)
        return cj_fail(err, CJ_ERR_SCENARIO, _("cannot read scenario '%s'"), opts->scenario);
    if (opts->variants)
        var_parse(r->scn, opts->variants, &r->variants, err);
    else
        var_default(r->scn, &r->variants);
    if (err->status == CJ_OK) {
        r->days = opts->has_days ? opts->days : r->scn->days;
        r->customers = opts->has_customers ? opts->customers : r->scn->customers;
        r->seed = opts->has_seed ? opts->seed : r->scn->seed;
        r->model = cmp_build_memo(r->scn, &r->variants, r->days, base ? base->memo : NULL,
                                  keep_memo ? &r->memo : NULL, err);
        prm_explain_error(err, &r->scn->params);
    }
    if (err->status == CJ_OK)
        count_arrivals(r, opts, err);
    return err->status;
}

/* After Ctrl-C the scenario stops with whatever error it was raising on the
 * way up (a probability function's, a draw's): the run was interrupted. */
static cj_status settle_interrupt(cj_err *err)
{
    if (err->status != CJ_OK && sbx_interrupted()) {
        err->status = CJ_ERR_INTERRUPTED;
        snprintf(err->msg, sizeof err->msg, _("interrupted: no results were written"));
    }
    return err->status;
}

static cj_status prepare_armed(rn_run *r, const cli_options *opts, bool keep_memo, cj_err *err)
{
    sbx_watchdog_arm(opts->scenario, lua_seconds(opts));
    prm_set params = {0};
    if (prm_set_build(&params, opts->params_file, opts->sets, opts->n_sets, err) == CJ_OK)
        load_and_compile(r, opts, &params, true, NULL, keep_memo, err);
    prm_set_free(&params);
    return settle_interrupt(err);
}

cj_status rn_prepare_armed(rn_run *r, const cli_options *opts, cj_err *err)
{
    return prepare_armed(r, opts, false, err);
}

static cj_status prepare(rn_run *r, const cli_options *opts, bool keep_memo, cj_err *err)
{
    prepare_armed(r, opts, keep_memo, err);
    sbx_watchdog_disarm();
    if (err->status == CJ_OK) /* no Lua: no watchdog */
        rn_share_arrivals(r);
    return err->status;
}

cj_status rn_prepare(rn_run *r, const cli_options *opts, cj_err *err)
{
    return prepare(r, opts, false, err);
}

cj_status rn_prepare_base(rn_run *r, const cli_options *opts, cj_err *err)
{
    return prepare(r, opts, true, err);
}

cj_status rn_prepare_set(rn_run *r, const cli_options *opts, const prm_set *params,
                         const rn_run *base, cj_err *err)
{
    if (load_and_compile(r, opts, params, false, base, false, err) == CJ_OK)
        rn_share_arrivals(r);
    return settle_interrupt(err);
}

cj_status rn_simulate(rn_run *r, const sim_options *sim_opts, cj_err *err)
{
    const arr_plan *plan = r->calendar ? &r->arrivals : NULL;
    if (r->opts && r->opts->exact) { /* --exact: expected values, no sampling */
        ex_run_calendar(r->model, r->customers, plan, sim_opts->threads, &r->totals, err);
    } else {
        sim_options with_arrivals = *sim_opts;
        with_arrivals.arrivals = plan;
        sim_run_with(r->model, r->customers, r->seed, &with_arrivals, &r->totals, err);
    }
    r->totals.calendar = r->calendar;
    return err->status;
}

void rn_compute(rn_run *r)
{
    st_compute(&r->totals, &r->results);
}

void rn_free(rn_run *r)
{
    if (r->results.groups)
        st_free(&r->results);
    if (r->totals.cells)
        sim_free(&r->totals);
    arr_free(&r->arrivals);
    cmp_free(r->model);
    memo_free(r->memo);
    var_free(&r->variants);
    scn_free(r->scn);
    memset(r, 0, sizeof *r);
}

int rn_threads(const cli_options *opts)
{
    if (opts->threads)
        return opts->threads;
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

char *rn_out_path(const cli_options *opts)
{
    if (opts->out)
        return xstrdup(opts->out);
    const char *scenario = opts->scenario;
    const char *base = strrchr(scenario, '/');
    base = base ? base + 1 : scenario;
    size_t len = strlen(base);
    if (len > 4 && strcmp(base + len - 4, ".lua") == 0)
        len -= 4;
    char *out = xmalloc(len + sizeof "results/");
    snprintf(out, len + sizeof "results/", "results/%.*s", (int)len, base);
    return out;
}

/* The results directory may not hold what the run reads: the scenario and
 * the persona library. One that holds the scenario's folder, where its own
 * persona files lie, holds the scenario too. */
cj_status rn_begin_results(out_dir *dir, const char *out_path, const char *scenario, cj_err *err)
{
    char library[4096];
    const char *reads[] = {scenario, datadir_find("personas", library, sizeof library)};
    return out_begin_reading(dir, out_path, reads, reads[1] ? 2 : 1, err);
}

/* Stops the run where it is: loading (the sandbox), simulating (between
 * blocks) or writing. */
static void on_signal(int sig)
{
    (void)sig;
    sim_interrupted = 1;
    sbx_interrupt();
}

void rn_catch_interrupts(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGPIPE, &sa, NULL);
}

void rn_note_uncertainty(FILE *f, const scn_scenario *scn)
{
    size_t n = 0;
    for (size_t i = 0; i < scn->params.n; i++)
        n += prm_uncertain(&scn->params.items[i]) && !scn->params.items[i].source;
    if (n == 0)
        return;
    fmt_printf(f,
               ngettext("Note: the 95%% intervals above measure the simulation's own noise only; "
                        "they\nleave out how uncertain the scenario's %zu parameter is. To see "
                        "that:\n  cjmsim psa ",
                        "Note: the 95%% intervals above measure the simulation's own noise only; "
                        "they\nleave out how uncertain the scenario's %zu parameters are. To see "
                        "that:\n  cjmsim psa ",
                        (unsigned long)n),
               n);
    fmt_shell_word(f, scn->path);
    fputs(" --draws 1000\n", f);
}

/* ---- many runs at once ---- */

/* Each thread takes the next set, loads, compiles, simulates and hands it
 * over, with no wait for the other threads: one run per thread in memory,
 * its tables still in the cache when simulated. */
typedef struct {
    const cli_options *opts;
    const rn_run *base;
    rn_set_fn make_set;
    rn_take_fn take;
    void *arg;
    size_t n;
    size_t rank, ranks; /* this process's indices: rank, rank + ranks, ... */
    size_t mine;        /* how many */
    atomic_size_t next;
    atomic_size_t slots; /* the watchdog's slot of each thread */
    atomic_bool failed;
    pthread_mutex_t lock; /* guards the lowest failure */
    size_t failed_index;
    cj_err failure;
} batch;

static void batch_one(batch *b, size_t slot, size_t i)
{
    rn_run r = {0};
    cj_err err = {0};
    prm_set set = {0};
    b->make_set(b->arg, i, &set);
    sbx_watchdog_load_begin(slot);
    rn_prepare_set(&r, b->opts, &set, b->base, &err);
    sbx_watchdog_load_end(slot);
    prm_set_free(&set);
    if (err.status == CJ_OK) {
        sim_options so = {1, NULL, NULL, 0, 1, NULL};
        if (rn_simulate(&r, &so, &err) == CJ_OK) {
            rn_compute(&r);
            b->take(b->arg, i, &r);
        }
    }
    rn_free(&r);
    if (err.status != CJ_OK) {
        pthread_mutex_lock(&b->lock);
        if (i < b->failed_index) {
            b->failed_index = i;
            b->failure = err;
        }
        pthread_mutex_unlock(&b->lock);
        atomic_store(&b->failed, true);
    }
}

static void *batch_worker(void *p)
{
    batch *b = p;
    size_t slot = atomic_fetch_add(&b->slots, 1);
    for (;;) {
        /* Indices are taken in order, and a taken one is finished, so
         * every index below a failing one is tried: the lowest failure is
         * the same whatever the threads. */
        if (atomic_load(&b->failed) || sim_interrupted)
            break;
        size_t k = atomic_fetch_add(&b->next, 1);
        if (k >= b->mine)
            break;
        size_t i = b->rank + k * b->ranks;
        batch_one(b, slot, i);
    }
    return NULL;
}

/* The indices rank, rank + ranks, ... below n; the lowest failing one is
 * *failed (SIZE_MAX: none). */
static cj_status batch_share(const cli_options *opts, const rn_run *base, size_t n, int threads,
                             rn_set_fn make_set, rn_take_fn take, void *arg, size_t rank,
                             size_t ranks, size_t *failed, cj_err *err)
{
    if (threads < 1)
        threads = 1;
    size_t mine = rank < n ? (n - rank + ranks - 1) / ranks : 0;
    size_t n_threads = (size_t)threads < mine ? (size_t)threads : mine;
    batch b = {.opts = opts,
               .base = base,
               .make_set = make_set,
               .take = take,
               .arg = arg,
               .n = n,
               .rank = rank,
               .ranks = ranks,
               .mine = mine};
    atomic_init(&b.next, 0);
    atomic_init(&b.slots, 0);
    atomic_init(&b.failed, false);
    pthread_mutex_init(&b.lock, NULL);
    b.failed_index = SIZE_MAX;
    /* Every load is bounded in time, each on its own. */
    sbx_watchdog_arm_loads(opts->scenario, lua_seconds(opts), n_threads);
    pthread_t *ids = xcalloc(n_threads ? n_threads : 1, sizeof *ids);
    size_t started = 0;
    for (size_t t = 1; t < n_threads; t++, started++)
        if (pthread_create(&ids[t], NULL, batch_worker, &b) != 0)
            break;
    batch_worker(&b);
    for (size_t t = 1; t <= started; t++)
        pthread_join(ids[t], NULL);
    free(ids);
    sbx_watchdog_disarm();
    pthread_mutex_destroy(&b.lock);
    *failed = b.failed_index;
    if (b.failed_index != SIZE_MAX && err->status == CJ_OK)
        *err = b.failure;
    if (err->status == CJ_OK && sim_interrupted)
        cj_fail(err, CJ_ERR_INTERRUPTED, _("interrupted: no results were written"));
    return err->status;
}

cj_status rn_batch_ranks(const cli_options *opts, const rn_run *base, size_t n, int threads,
                         rn_set_fn make_set, rn_take_fn take, void *arg, cj_err *err)
{
    size_t failed = SIZE_MAX;
    if (err->status == CJ_OK)
        batch_share(opts, base, n, threads, make_set, take, arg, (size_t)cluster_rank(),
                    (size_t)cluster_size(), &failed, err);
    return cluster_agree_index(failed, err);
}

cj_status rn_simulate_ranks(rn_run *r, int threads, cj_err *err)
{
    sim_options so = {threads, NULL, NULL, cluster_rank(), cluster_size(), NULL};
    bool exact = r->opts && r->opts->exact; /* every rank computes it all */
    if (err->status == CJ_OK)
        rn_simulate(r, &so, err);
    if (cluster_agree(err) == CJ_OK && !exact)
        cluster_reduce(&r->totals, err);
    if (cluster_agree(err) == CJ_OK && cluster_is_root())
        rn_compute(r);
    return err->status;
}
