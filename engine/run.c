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
#include "runner.h"
#include "sandbox.h"
#include "scenario.h"
#include "sha256.h"
#include "sim.h"
#include "stats.h"
#include "util.h"
#include "xlsx.h"
#include "i18n.h"

/*
 * Every file of the results directory. With --threads N of 2 or more,
 * gnuplot draws the pictures while this process writes the data files and
 * the workbook (made from the data files; neither needs the pictures); with
 * --threads 1 the command keeps to one core and gnuplot draws after them.
 * Beside the writers, gnuplot gets N - 1 processes for SVG: the workbook
 * costs more than the SVGs, and a third process on two cores would slow
 * it. With --png the pictures cost several times the workbook, and
 * gnuplot gets all N. Then report.html, which embeds the pictures
 * (report.pdf prints it); last the manifest, which lists every file the
 * writers recorded.
 */
static cj_status write_files(const cli_options *opts, out_dir *dir, const rn_run *run,
                             plot_output *plots, cj_err *err)
{
    if (plot_write(dir, run, plots, err) != CJ_OK)
        return err->status;
    bool beside = run->threads >= 2;
    if (beside && !plots->png && plots->lanes > 1)
        plots->lanes--;
    plot_drawing *drawing = beside ? plot_start(dir, plots) : NULL;
    if (res_write(dir, "summary.json", res_summary_json, run, err) != CJ_OK ||
        res_write(dir, "funnel.csv", res_funnel_csv, run, err) != CJ_OK ||
        res_write(dir, "transitions.csv", res_transitions_csv, run, err) != CJ_OK ||
        res_write(dir, "daily.csv", res_daily_csv, run, err) != CJ_OK ||
        xl_write(dir, err) != CJ_OK) {
        plot_abandon(drawing);
        return err->status;
    }
    if (!beside)
        drawing = plot_start(dir, plots);
    if (plot_finish(drawing, plots, err) != CJ_OK || report_write(dir, run, plots, err) != CJ_OK ||
        (opts->pdf && report_pdf(dir, err) != CJ_OK))
        return err->status;
    return res_write_manifest(dir, run, err);
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
    unsigned seconds = opts->lua_seconds ? opts->lua_seconds : SBX_DEFAULT_SECONDS;
    snprintf(msg, sizeof msg,
             ngettext("another rank of the MPI job took more than %u second to load the scenario "
                      "(a runaway string pattern or loop?); raise the limit with --lua-seconds N",
                      "another rank of the MPI job took more than %u seconds to load the scenario "
                      "(a runaway string pattern or loop?); raise the limit with --lua-seconds N",
                      seconds),
             seconds);
    sbx_watchdog_reword(msg, CJ_ERR_SCENARIO);
}

/* The simulation, with a progress bar when it is long and stderr is a
 * terminal. */
static cj_status simulate(rn_run *p, int threads, bool quiet, cj_err *err)
{
    prg_bar bar;
    prg_start(&bar, stderr, !quiet && cluster_is_root());
    sim_options sim_opts = {threads, prg_update, &bar, cluster_rank(), cluster_size(), NULL};
    cj_status status = rn_simulate(p, &sim_opts, err);
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

/* Rank 0's part of a run: statistics, the results directory and the
 * summary. Other ranks only simulated. */
static void write_everything(const cli_options *opts, rn_run *p, out_dir *dir, const char *out_path,
                             cj_err *err)
{
    rn_compute(p);
    plot_output plots = {0};
    if (write_files(opts, dir, p, &plots, err) == CJ_OK && out_commit(dir, err) == CJ_OK) {
        if (!opts->quiet)
            con_print(stdout, p, out_path);
        if (!opts->quiet)
            rn_note_uncertainty(stdout, p->scn);
        plot_warning(stderr, &plots, out_path);
    }
    plot_output_free(&plots);
}

/*
 * Every step ends with cluster_agree: in an MPI job a failure on any rank
 * (a scenario error, a full disk on rank 0, Ctrl-C) stops all of them with
 * the same message and status. A single process agrees with itself.
 */
cj_status run_command(const cli_options *opts, int argc, char **argv, cj_err *err)
{
    rn_catch_interrupts();
    sbx_watchdog_silent(!cluster_is_root());
    double start = prg_clock();
    rn_run p = {0};
    rn_prepare_armed(&p, opts, err);
    speak_for_the_ranks(opts, err);
    /* Still under the watchdog: a rank stuck loading or interrupted ends the
     * job, and rank 0, waiting here, says so once. */
    cluster_agree(err);
    sbx_watchdog_disarm();
    if (err->status == CJ_OK)
        rn_share_arrivals(&p);
    if (err->status != CJ_OK) {
        rn_free(&p);
        return err->status;
    }
    double prepared_at = prg_clock(), simulated_at = prepared_at;
    uint64_t seed = p.seed;
    int threads = p.threads;
    p.processes = cluster_size();
    p.argc = argc;
    p.argv = argv;
    char *out_path = rn_out_path(opts);
    out_dir dir = {0};
    sim_totals *totals = &p.totals;
    bool root = cluster_is_root();
    /* The report's data files are read before anything is simulated: a
     * missing one stops the run at once (exit 5), not after the work. */
    if (cluster_same_model(p.model, p.customers, seed, err) == CJ_OK && root &&
        report_check(err) == CJ_OK)
        rn_begin_results(&dir, out_path, opts->scenario, err);
    if (cluster_agree(err) == CJ_OK) {
        if (opts->exact) /* every rank computes the same; rank 0 writes it */
            ex_run_calendar(p.model, p.customers, p.calendar ? &p.arrivals : NULL, threads,
                            totals, err);
        else
            simulate(&p, threads, opts->quiet, err);
    }
    if (cluster_agree(err) == CJ_OK && !opts->exact)
        cluster_reduce(totals, err);
    if (cluster_agree(err) == CJ_OK) {
        simulated_at = prg_clock();
        totals->calendar = p.calendar;
        if (root)
            write_everything(opts, &p, &dir, out_path, err);
        cluster_agree(err);
    }
    out_abort(&dir);
    if (err->status == CJ_OK && root)
        print_timings(start, prepared_at, simulated_at);
    free(out_path);
    rn_free(&p);
    return err->status;
}
