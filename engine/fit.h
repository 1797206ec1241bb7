/*
 * fit — `cjmsim fit`: a runnable scenario estimated from what a shop
 * observed (an event log or path data, read by eventlog.c).
 *
 * Owns the estimates (moves / customer-days at risk, censored at the log's
 * end, per persona), their Jeffreys intervals and beta distributions, the
 * test that switches a stage to probabilities by day in the stage, the
 * choice of the entry and terminal stages, and writing the scenario file
 * (to a temporary file renamed into place, so an error writes nothing).
 */
#ifndef CJ_FIT_H
#define CJ_FIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "cli.h"
#include "err.h"
#include "eventlog.h"

/* A stage nobody left is terminal when it was observed for at least this
 * many customer-days: with no move in n days, the exact 95% upper bound of
 * the daily probability of leaving, 1 - 0.025^(1/n), is below 1%. */
#define FIT_TERMINAL_DAYS 368.0
/* A dwell is "clearly not geometric" below this p-value. */
#define FIT_TEST_ALPHA 0.001

typedef struct {
    const char *const *purchase; /* purchase stages, names (comma lists allowed) */
    size_t n_purchase;
    int days; /* the log ends this many days after its earliest; 0: its last day */
    const char *command; /* the command line, for the comment that says how to redo it */
} fit_options;

/* What a fit found, for the console. */
typedef struct {
    size_t stages, transitions, by_day, params, terminal;
    double customers;
    int days;
    const char *entry;
    double started_elsewhere; /* customers whose first row is not the entry stage */
    size_t same_day;          /* moves on the day of the previous one */
    const char *unmarked;     /* a stage with amounts not marked --purchase, or NULL */
} fit_summary;

/* The Jeffreys interval of k moves in n days at risk: the 2.5% and 97.5%
 * quantiles of beta(k + 0.5, n - k + 0.5) (0 when k = 0, 1 when k = n). */
void fit_jeffreys(double k, double n, double *lo, double *hi);

/* The likelihood-ratio test of one constant daily probability against one
 * per bin: bins of at_risk[i] customer-days with moves[i] moves. Adds to
 * *g and *df; returns nothing (the caller sums groups, then takes
 * gsl_cdf_chisq_Q). */
void fit_lr_add(const double *at_risk, const double *moves, size_t bins, double *g, int *df);

/* Writes the scenario fitted from `log` to f. */
cj_status fit_write(const evl_log *log, const fit_options *o, FILE *f, fit_summary *sum,
                    cj_err *err);

/* `cjmsim fit`: reads opts->events, writes opts->out. */
cj_status fit_command(const cli_options *opts, int argc, char **argv, cj_err *err);

#endif
