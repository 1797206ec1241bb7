#include "run.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cluster.h"
#include "compile.h"
#include "console.h"
#include "datadir.h"
#include "exact.h"
#include "outdir.h"
#include "plot.h"
#include "progress.h"
#include "report.h"
#include "results.h"
#include "scenario.h"
#include "sha256.h"
#include "sim.h"
#include "stats.h"
#include "util.h"
#include "i18n.h"

/* Stops the run where it is: loading (the sandbox), simulating (between
 * blocks) or writing. */
static void on_signal(int sig)
{
    (void)sig;
    sim_interrupted = 1;
    sbx_interrupt();
}

/* Ctrl-C, kill, a closed terminal (SIGHUP) and a closed pipe (SIGPIPE) all
 * stop a run the same way: between blocks, leaving nothing behind. */
static void catch_interrupts(void)
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

/* results/<file name without .lua> */
static char *default_out(const char *scenario)
{
    const char *base = strrchr(scenario, '/');
    base = base ? base + 1 : scenario;
    size_t len = strlen(base);
    if (len > 4 && strcmp(base + len - 4, ".lua") == 0)
        len -= 4;
    char *out = xmalloc(len + sizeof "results/");
    snprintf(out, len + sizeof "results/", "results/%.*s", (int)len, base);
    return out;
}

typedef void (*writer_fn)(FILE *f, const st_results *r, const void *arg);

static void write_summary(FILE *f, const st_results *r, const void *arg)
{
    res_summary_json(f, r, ((const res_run_info *)arg)->seed);
}
static void write_manifest(FILE *f, const st_results *r, const void *arg)
{
    res_manifest_json(f, r, arg);
}
static void write_funnel(FILE *f, const st_results *r, const void *arg)
{
    (void)arg;
    res_funnel_csv(f, r);
}
static void write_transitions(FILE *f, const st_results *r, const void *arg)
{
    (void)arg;
    res_transitions_csv(f, r);
}
static void write_daily(FILE *f, const st_results *r, const void *arg)
{
    (void)arg;
    res_daily_csv(f, r);
}

typedef struct {
    const char *name;
    writer_fn fn;
} result_file;

static const result_file RESULT_FILES[] = {
    {"summary.json", write_summary},       {"funnel.csv", write_funnel},
    {"transitions.csv", write_transitions}, {"daily.csv", write_daily},
    {"manifest.json", write_manifest},
};
enum { N_RESULT_FILES = sizeof RESULT_FILES / sizeof RESULT_FILES[0] };

static cj_status write_results(out_dir *dir, const st_results *r, const res_run_info *info,
                               cj_err *err)
{
    for (size_t i = 0; i < N_RESULT_FILES; i++) {
        FILE *f = out_open(dir, RESULT_FILES[i].name, err);
        if (!f)
            return err->status;
        RESULT_FILES[i].fn(f, r, info);
        if (out_close(dir, f, RESULT_FILES[i].name, err) != CJ_OK)
            return err->status;
        if (sim_interrupted)
            return cj_fail(err, CJ_ERR_INTERRUPTED, _("interrupted: no results were written"));
    }
    return CJ_OK;
}

/* The plots, drawn by gnuplot, and report.html, which embeds them: written
 * before the data files so that the manifest lists them. */
static cj_status write_pictures(out_dir *dir, const st_results *r, uint64_t seed,
                                plot_output *plots, cj_err *err)
{
    report_info info = {CJMSIM_VERSION, seed, plots};
    if (plot_write(dir, r, plots, err) != CJ_OK || plot_draw(dir, plots, err) != CJ_OK)
        return err->status;
    return report_write(dir, r, &info, err);
}

static int default_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

/* What the simulation needs, built under the sandbox's watchdog (which the
 * caller disarms). */
typedef struct {
    scn_scenario *scn;
    var_list variants;
    cmp_model *model;
    char hash[65];
    int days;
} prepared;

static cj_status prepare(const cli_options *opts, prepared *p, cj_err *err)
{
    sbx_limits limits = {opts->lua_instructions, (size_t)opts->lua_memory_mb * 1024 * 1024,
                         opts->has_seed ? opts->seed : 0};
    sbx_watchdog_arm(opts->scenario, opts->lua_seconds ? opts->lua_seconds : SBX_DEFAULT_SECONDS);
    prm_set params = {0};
    if (prm_set_build(&params, opts->params_file, opts->sets, opts->n_sets, err) == CJ_OK)
        p->scn = scn_load_params(opts->scenario, &limits, &params, err);
    prm_set_free(&params);
    if (p->scn && cluster_is_root())
        prm_warn_outside(stderr, &p->scn->params);
    if (p->scn && sha256_file(opts->scenario, p->hash) != 0)
        cj_fail(err, CJ_ERR_SCENARIO, _("cannot read scenario '%s'"), opts->scenario);
    if (err->status == CJ_OK) {
        if (opts->variants)
            var_parse(p->scn, opts->variants, &p->variants, err);
        else
            var_default(p->scn, &p->variants);
    }
    if (err->status == CJ_OK) {
        p->days = opts->has_days ? opts->days : p->scn->days;
        p->model = cmp_build(p->scn, &p->variants, p->days, err);
        prm_explain_error(err, &p->scn->params);
    }
    /* Whatever the scenario's error became on the way up. */
    if (err->status != CJ_OK && sbx_interrupted()) {
        err->status = CJ_ERR_INTERRUPTED;
        snprintf(err->msg, sizeof err->msg, _("interrupted: no results were written"));
    }
    return err->status;
}

/* The results directory may not hold what the run reads: the scenario and
 * the persona library. One that holds the scenario's folder, where its own
 * persona files lie, holds the scenario too. */
static cj_status begin_results(out_dir *dir, const char *out_path, const char *scenario,
                               cj_err *err)
{
    char library[4096];
    const char *reads[] = {scenario, datadir_find("personas", library, sizeof library)};
    return out_begin_reading(dir, out_path, reads, reads[1] ? 2 : 1, err);
}

/* In an MPI job, rank 0 waits under its watchdog for the others to load:
 * should one of them stall, the message rank 0 prints is about them. */
static void speak_for_the_ranks(const cli_options *opts, const cj_err *err)
{
    if (!cluster_is_root() || cluster_size() == 1)
        return;
    if (err->status != CJ_OK) {
        sbx_watchdog_reword(err->msg, err->status);
        return;
    }
    char msg[256];
    snprintf(msg, sizeof msg,
             _("another rank of the MPI job took more than %u seconds to load the scenario (a "
               "runaway string pattern or loop?); raise the limit with --lua-seconds N"),
             opts->lua_seconds ? opts->lua_seconds : SBX_DEFAULT_SECONDS);
    sbx_watchdog_reword(msg, CJ_ERR_SCENARIO);
}

/* The simulation, with a progress bar when it is long and stderr is a
 * terminal. */
static cj_status simulate(const prepared *p, int64_t customers, uint64_t seed, int threads,
                          bool quiet, sim_totals *totals, cj_err *err)
{
    prg_bar bar;
    prg_start(&bar, stderr, !quiet && cluster_is_root());
    sim_options sim_opts = {threads, prg_update, &bar, cluster_rank(), cluster_size()};
    cj_status status = sim_run_with(p->model, customers, seed, &sim_opts, totals, err);
    prg_finish(&bar);
    return status;
}

/* With CJMSIM_TIMINGS set, how long each phase took, on stderr. */
static void print_timings(double start, double prepared_at, double simulated_at)
{
    if (!getenv("CJMSIM_TIMINGS"))
        return;
    double end = prg_clock();
    fprintf(stderr,
            "cjmsim: timings: load and compile %.1f ms, simulate %.1f ms, results %.1f ms\n",
            (prepared_at - start) * 1e3, (simulated_at - prepared_at) * 1e3,
            (end - simulated_at) * 1e3);
}

static void prepared_free(prepared *p)
{
    cmp_free(p->model);
    var_free(&p->variants);
    scn_free(p->scn);
}

/* Rank 0's part of a run: statistics, pictures, the results directory and
 * the summary. Other ranks only simulated. */
static void write_everything(const cli_options *opts, const prepared *p, out_dir *dir,
                             const sim_totals *totals, uint64_t seed, int threads,
                             const char *out_path, int argc, char **argv, cj_err *err)
{
    st_results results = {0};
    st_compute(totals, &results);
    plot_output plots = {0};
    if (write_pictures(dir, &results, seed, &plots, err) == CJ_OK) {
        size_t n_names = N_RESULT_FILES + 1 + plots.n_files;
        const char **names = xcalloc(n_names, sizeof *names);
        for (size_t i = 0; i < N_RESULT_FILES; i++)
            names[i] = RESULT_FILES[i].name;
        names[N_RESULT_FILES] = REPORT_FILE;
        for (size_t i = 0; i < plots.n_files; i++)
            names[N_RESULT_FILES + 1 + i] = plots.files[i];
        res_run_info info = {CJMSIM_VERSION, p->hash, seed,    threads, argc,
                             argv,           names,   n_names, cluster_size()};
        if (write_results(dir, &results, &info, err) == CJ_OK && out_commit(dir, err) == CJ_OK) {
            if (!opts->quiet)
                con_print(stdout, &results, seed, out_path);
            plot_warning(stderr, &plots, out_path);
        }
        free(names);
    }
    plot_output_free(&plots);
    st_free(&results);
}

/*
 * Every step ends with cluster_agree: in an MPI job a failure on any rank
 * (a scenario error, a full disk on rank 0, Ctrl-C) stops all of them with
 * the same message and status. A single process agrees with itself.
 */
cj_status run_command(const cli_options *opts, int argc, char **argv, cj_err *err)
{
    catch_interrupts();
    sbx_watchdog_silent(!cluster_is_root());
    double start = prg_clock();
    prepared p = {0};
    prepare(opts, &p, err);
    speak_for_the_ranks(opts, err);
    /* Still under the watchdog: a rank stuck loading or interrupted ends the
     * job, and rank 0, waiting here, says so once. */
    cluster_agree(err);
    sbx_watchdog_disarm();
    if (err->status != CJ_OK) {
        prepared_free(&p);
        return err->status;
    }
    double prepared_at = prg_clock(), simulated_at = prepared_at;
    int64_t customers = opts->has_customers ? opts->customers : p.scn->customers;
    uint64_t seed = opts->has_seed ? opts->seed : p.scn->seed;
    int threads = opts->threads ? opts->threads : default_threads();
    char *out_path = opts->out ? xstrdup(opts->out) : default_out(opts->scenario);
    out_dir dir = {0};
    sim_totals totals = {0};
    bool root = cluster_is_root();
    if (cluster_same_model(p.model, customers, seed, err) == CJ_OK && root)
        begin_results(&dir, out_path, opts->scenario, err);
    if (cluster_agree(err) == CJ_OK) {
        if (opts->exact) /* every rank computes the same; rank 0 writes it */
            ex_run(p.model, customers, threads, &totals, err);
        else
            simulate(&p, customers, seed, threads, opts->quiet, &totals, err);
    }
    if (cluster_agree(err) == CJ_OK && !opts->exact)
        cluster_reduce(&totals, err);
    if (cluster_agree(err) == CJ_OK) {
        simulated_at = prg_clock();
        if (root)
            write_everything(opts, &p, &dir, &totals, seed, threads, out_path, argc, argv, err);
        cluster_agree(err);
    }
    out_abort(&dir);
    if (err->status == CJ_OK && root)
        print_timings(start, prepared_at, simulated_at);
    if (totals.cells)
        sim_free(&totals);
    free(out_path);
    prepared_free(&p);
    return err->status;
}
