/*
 * breakeven — `cjmsim breakeven S.lua --param NAME --variant V`: the value
 * of NAME in its [low, high] at which V's incremental profit over the
 * baseline is 0.
 *
 * Every value is simulated with the same seed on the same customers
 * (common random numbers), so incremental profit against NAME is one
 * deterministic curve, step-like at the scale of single customers. The
 * range is first scanned at BREAKEVEN_SCAN points (in parallel) to bracket
 * the first change of sign; GSL's Brent solver (gsl_root_fsolver_brent)
 * then narrows that bracket. Writes breakeven.json.
 */
#ifndef CJ_BREAKEVEN_H
#define CJ_BREAKEVEN_H

#include "cli.h"
#include "err.h"

/* Points of the first scan, low and high included. */
enum { BREAKEVEN_SCAN = 21 };

cj_status breakeven_command(const cli_options *opts, int argc, char **argv, cj_err *err);

#endif
