/*
 * results — the machine-readable results: summary.json (the contract other
 * tools read, documented in README.md), manifest.json (how to reproduce the
 * run), funnel.csv, transitions.csv and daily.csv.
 */
#ifndef CJ_RESULTS_H
#define CJ_RESULTS_H

#include <stdio.h>

#include "err.h"
#include "stats.h"

typedef struct {
    const char *version;
    const char *scenario_sha256;
    uint64_t seed;
    int threads;
    int argc;
    char **argv;
    const char *const *files; /* the files of the results directory */
    size_t n_files;
    int processes; /* MPI ranks that simulated (1 without MPI) */
} res_run_info;

/* Each writes one file's content to f; the caller checks f for errors. */
void res_summary_json(FILE *f, const st_results *r, uint64_t seed);
void res_manifest_json(FILE *f, const st_results *r, const res_run_info *info);
void res_funnel_csv(FILE *f, const st_results *r);
void res_transitions_csv(FILE *f, const st_results *r);
void res_daily_csv(FILE *f, const st_results *r);

/* A CSV field, quoted when it holds a separator, a quote or a line break
 * (RFC 4180), so that any stage or persona name reads back unchanged. */
void res_csv_field(FILE *f, const char *s);

#endif
