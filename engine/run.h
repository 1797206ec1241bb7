/*
 * run — the `cjmsim run` command from start to end: load, compile,
 * simulate, compute, write the results directory, print the summary.
 */
#ifndef CJ_RUN_H
#define CJ_RUN_H

#include "cli.h"
#include "err.h"

#ifndef CJMSIM_VERSION
#define CJMSIM_VERSION "0.0.0-dev"
#endif

cj_status run_command(const cli_options *opts, int argc, char **argv, cj_err *err);

#endif
