/*
 * sweep — `cjmsim sweep S.lua --vary NAME=LO:HI:STEP | NAME=V1,V2,...`:
 * the scenario run at every point of a grid of parameter values (the
 * product of the --vary axes), every point on the same customers with the
 * same random numbers, written to sweep.csv with plots of each variant's
 * uplift and incremental profit against the first varied parameter.
 */
#ifndef CJ_SWEEP_H
#define CJ_SWEEP_H

#include <stddef.h>

#include "cli.h"
#include "err.h"

/* Points one sweep may have. */
enum { SWEEP_MAX_POINTS = 10000 };

/* One --vary axis: the parameter's name and its values in order. */
typedef struct {
    char name[65];
    double *values;
    size_t n;
} sweep_axis;

/* Parses "NAME=LO:HI:STEP" (LO, LO + STEP, ... up to HI, HI included when
 * it lies on the grid to within a millionth of a step) or "NAME=V1,V2,...".
 * A usage error quoting the text otherwise. */
cj_status sweep_parse_axis(const char *text, sweep_axis *axis, cj_err *err);
void sweep_axis_free(sweep_axis *axis);

cj_status sweep_command(const cli_options *opts, int argc, char **argv, cj_err *err);

#endif
