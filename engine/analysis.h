/*
 * analysis — what sweep, psa and breakeven share: the figures of one run
 * reduced to rows (per variant and persona, "all" for everyone), the CSV
 * columns they are written in, the parameter sets they run, and the
 * results directory they finish (its manifest lists every file recorded).
 */
#ifndef CJ_ANALYSIS_H
#define CJ_ANALYSIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli.h"
#include "err.h"
#include "outdir.h"
#include "param.h"
#include "runner.h"

/* The figures of one variant for one persona (or everyone) in one run. */
typedef struct {
    double customers, buyers, repeat_buyers, purchases, revenue, cost, profit;
    /* Share of customers with two or more purchases, variant minus
     * baseline, with its 95% interval (0 for the baseline). */
    double uplift, uplift_lo, uplift_hi;
    double incremental_profit;   /* profit minus the baseline's */
    double profit_lo, profit_hi; /* 95% interval of incremental_profit */
} an_row;

/* The CSV columns after the parameters and before nothing: variant,
 * persona, then the figures of an_row in sweep.csv's order. */
extern const char AN_COLUMNS[];

/* Rows of a run: n_variants × groups, group n_personas being everyone;
 * with all_only, one row per variant (everyone). */
void an_rows_of(const rn_run *r, bool all_only, an_row *rows);

/* Does a run have the variants and personas of the run at the defaults?
 * A parameter could change them; a usage error naming the set otherwise. */
cj_status an_same_shape(const rn_run *base, const rn_run *r, const char *context, cj_err *err);

void an_csv_number(FILE *f, double x);
void an_csv_row(FILE *f, const char *variant, const char *persona, const an_row *row);

/* The parameter set of the command line (--params, then --set), for the
 * values an analysis does not vary. */
cj_status an_base_set(const cli_options *opts, prm_set *set, cj_err *err);

/* A copy of set with name = value put on top and the given context. */
void an_set_with(const prm_set *base, prm_set *set, const char *const *names, const double *values,
                 size_t n, const char *context);

/* A parameter the scenario declares, or a usage error for `what` naming it
 * and listing the declared names. */
const prm_param *an_find_param(const prm_list *params, const char *name, const char *what,
                               cj_err *err);

typedef void (*an_write_fn)(FILE *f, const void *arg);

/* Writes one file through the results directory, which records it. */
cj_status an_write(out_dir *dir, const char *name, an_write_fn fn, const void *arg, cj_err *err);

/* Writes manifest.json (the run at the defaults, every file recorded in
 * dir) and moves the directory into place. */
cj_status an_finish(out_dir *dir, const rn_run *base, cj_err *err);

#endif
