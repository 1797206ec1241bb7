#include "run.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compile.h"
#include "console.h"
#include "outdir.h"
#include "results.h"
#include "scenario.h"
#include "sha256.h"
#include "sim.h"
#include "stats.h"
#include "util.h"

static void on_signal(int sig)
{
    (void)sig;
    sim_interrupted = 1;
}

static void catch_interrupts(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
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

static cj_status write_results(out_dir *dir, const st_results *r, const res_run_info *info,
                               cj_err *err)
{
    static const struct {
        const char *name;
        writer_fn fn;
    } FILES[] = {
        {"summary.json", write_summary},       {"funnel.csv", write_funnel},
        {"transitions.csv", write_transitions}, {"daily.csv", write_daily},
        {"manifest.json", write_manifest},
    };
    for (size_t i = 0; i < sizeof FILES / sizeof FILES[0]; i++) {
        FILE *f = out_open(dir, FILES[i].name, err);
        if (!f)
            return err->status;
        FILES[i].fn(f, r, info);
        if (out_close(dir, f, FILES[i].name, err) != CJ_OK)
            return err->status;
        if (sim_interrupted)
            return cj_fail(err, CJ_ERR_INTERRUPTED, "interrupted: no results were written");
    }
    return CJ_OK;
}

static int default_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

cj_status run_command(const cli_options *opts, int argc, char **argv, cj_err *err)
{
    scn_scenario *scn = scn_load(opts->scenario, err);
    if (!scn)
        return err->status;
    char hash[65];
    if (sha256_file(opts->scenario, hash) != 0) {
        scn_free(scn);
        return cj_fail(err, CJ_ERR_SCENARIO, "cannot read scenario '%s'", opts->scenario);
    }
    int64_t customers = opts->has_customers ? opts->customers : scn->customers;
    int days = opts->has_days ? opts->days : scn->days;
    uint64_t seed = opts->has_seed ? opts->seed : scn->seed;
    int threads = opts->threads ? opts->threads : default_threads();

    var_list variants;
    if (opts->variants) {
        if (var_parse(scn, opts->variants, &variants, err) != CJ_OK) {
            scn_free(scn);
            return err->status;
        }
    } else {
        var_default(scn, &variants);
    }
    char *out_path = opts->out ? xstrdup(opts->out) : default_out(opts->scenario);
    cmp_model *model = cmp_build(scn, &variants, days, err);
    out_dir dir = {0};
    sim_totals totals = {0};
    st_results results = {0};
    if (model && out_begin(&dir, out_path, err) == CJ_OK) {
        catch_interrupts();
        if (sim_run(model, customers, seed, threads, &totals, err) == CJ_OK) {
            st_compute(&totals, &results);
            res_run_info info = {CJMSIM_VERSION, hash, seed, threads, argc, argv};
            if (write_results(&dir, &results, &info, err) == CJ_OK &&
                out_commit(&dir, err) == CJ_OK && !opts->quiet)
                con_print(stdout, &results, seed, out_path);
        }
    }
    out_abort(&dir);
    st_free(&results);
    if (totals.cells)
        sim_free(&totals);
    cmp_free(model);
    var_free(&variants);
    free(out_path);
    scn_free(scn);
    return err->status;
}
