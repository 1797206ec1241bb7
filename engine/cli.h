/*
 * cli — the command line: `cjmsim run S.lua [options]`, `cjmsim check
 * S.lua [options]`, `cjmsim new NAME`, `cjmsim compare A B`, `cjmsim serve
 * S.lua`, help for each, --version.
 * Parsing and the help texts only; main.c acts on the result.
 */
#ifndef CJ_CLI_H
#define CJ_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"

/* --set options one command line may give. */
enum { CLI_MAX_SETS = 256 };

/* --vary options of one sweep; draws of one psa. */
enum { CLI_MAX_VARY = 8, CLI_MAX_DRAWS = 1000000 };

typedef enum {
    CLI_RUN,
    CLI_CHECK,
    CLI_NEW,
    CLI_HELP,
    CLI_VERSION,
    CLI_FIT,
    CLI_SWEEP,
    CLI_PSA,
    CLI_BREAKEVEN,
    CLI_COMPARE,
    CLI_SERVE,
    CLI_CALIBRATE
} cli_command;

/* fit: the most --purchase options one command takes. */
enum { CLI_MAX_PURCHASE = 64 };

typedef struct {
    cli_command command;
    cli_command help_topic; /* CLI_HELP: the general usage; else that command's */
    const char *scenario;   /* run and check */
    const char *name;       /* new: the file to write */
    const char *out; /* NULL: results/<scenario file name> */
    bool has_customers, has_days, has_seed;
    int64_t customers;
    int days;
    uint64_t seed;
    int threads; /* 0: one per core */
    const char *variants; /* NULL: the default variants */
    bool quiet;
    bool exact; /* expected values computed exactly instead of simulated */
    uint64_t lua_instructions; /* 0: the sandbox's defaults */
    uint64_t lua_memory_mb;
    unsigned lua_seconds;
    /* Parameter values: --set NAME=VALUE in order (each checked to be a name
     * and a finite number), and --params FILE; see param.h. */
    const char *sets[CLI_MAX_SETS];
    size_t n_sets;
    const char *params_file;
    /* fit */
    const char *events; /* the event log or path data to fit */
    const char *purchase[CLI_MAX_PURCHASE];
    size_t n_purchase;
    bool force, paths;
    /* sweep: --vary NAME=LO:HI:STEP or NAME=V1,V2,... in order (checked by
     * the sweep itself, which knows the parameters). */
    const char *vary[CLI_MAX_VARY];
    size_t n_vary;
    /* psa: --draws N (0: not given), --lhs */
    uint64_t draws;
    bool lhs;
    /* breakeven: --param NAME, --variant V */
    const char *param;
    const char *variant;
    const char *compare_a, *compare_b; /* compare: two results directories or scenarios */
    unsigned port;                     /* serve: 0 picks a free port */
    bool pdf;                          /* run: also report.pdf */
    bool png; /* run, sweep, psa, calibrate: the plots as PNG besides SVG */
    /* --arrivals N: N customers arrive each day (calendar time, arrivals.h),
     * replacing the scenario's arrivals or its one cohort. */
    bool has_arrivals;
    int64_t arrivals;
    /* calibrate: --fit NAME,... (NULL: every parameter with low and high),
     * --monte-carlo (simulate instead of the exact expected values) */
    const char *fit;
    bool monte_carlo;
    const char *calibrated; /* psa: draw calibration.json's fit from its covariance */
} cli_options;

/* The value of the global option --lang (anywhere on the line; the last
 * wins), or NULL. Read before cli_parse so its messages are in that
 * language; cli_parse then skips it. */
cj_status cli_lang(int argc, char **argv, const char **lang, cj_err *err);

cj_status cli_parse(int argc, char **argv, cli_options *opts, cj_err *err);
void cli_usage(FILE *f);

/* The help of one command (CLI_RUN, CLI_CHECK, CLI_NEW, CLI_SWEEP, CLI_PSA,
 * CLI_BREAKEVEN); the general usage for any other. */
void cli_help(FILE *f, cli_command topic);

/* Parses a whole number in [min, max] written with digits only; returns
 * false with a message naming `what` otherwise. */
bool cli_number(const char *what, const char *text, uint64_t min, uint64_t max,
                uint64_t *out, cj_err *err);

#endif
