/*
 * results — the machine-readable results: summary.json (the contract other
 * tools read, documented in README.md), manifest.json (how to reproduce the
 * run, and every file of the directory), funnel.csv, transitions.csv and
 * daily.csv. Each is written from the run value (runner.h).
 */
#ifndef CJ_RESULTS_H
#define CJ_RESULTS_H

#include <stdio.h>

#include "err.h"
#include "outdir.h"
#include "runner.h"

/* One file's content, written to f; the caller checks f for errors. Every
 * writer of a run's files has this shape. */
typedef void (*res_writer)(FILE *f, const rn_run *run);

void res_summary_json(FILE *f, const rn_run *run);
void res_funnel_csv(FILE *f, const rn_run *run);
void res_transitions_csv(FILE *f, const rn_run *run);
void res_daily_csv(FILE *f, const rn_run *run);

/* manifest.json's content: the run, and `files` as the directory's files. */
void res_manifest_json(FILE *f, const rn_run *run, const char *const *files, size_t n_files);

/* Writes `name` into the results directory with `write`, recorded there;
 * stops with "interrupted" after Ctrl-C. */
cj_status res_write(out_dir *dir, const char *name, res_writer write, const rn_run *run,
                    cj_err *err);

/* Writes manifest.json, listing every file recorded in dir and itself:
 * the last file of a directory. Stops with "interrupted" after Ctrl-C. */
cj_status res_write_manifest(out_dir *dir, const rn_run *run, cj_err *err);

/* A CSV field, quoted when it holds a separator, a quote or a line break
 * (RFC 4180), so that any stage or persona name reads back unchanged. */
void res_csv_field(FILE *f, const char *s);

#endif
