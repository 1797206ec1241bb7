/*
 * compare — `cjmsim compare A B`: two results side by side.
 *
 * Reads the summary.json of two results directories (or runs two scenarios
 * first, each into results/<file name> as `run` does) and lines them up by
 * variant and stage name: the funnel, buyers, repeat buyers, the uplift and
 * the money of each variant, B - A, and whether that difference is beyond
 * the simulation's precision. Prints the comparison and writes compare.html
 * (with a manifest.json) into a results directory, through outdir.
 */
#ifndef CJ_COMPARE_H
#define CJ_COMPARE_H

#include "cli.h"
#include "err.h"

#define COMPARE_FILE "compare.html"

cj_status compare_command(const cli_options *opts, int argc, char **argv, cj_err *err);

#endif
