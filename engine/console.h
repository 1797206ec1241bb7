/*
 * console — the summary a person reads in the terminal: the funnel, the
 * repeat purchases of every variant with the uplift and its interval, the
 * money, the same per persona, and one plain sentence per intervention.
 */
#ifndef CJ_CONSOLE_H
#define CJ_CONSOLE_H

#include <stdio.h>

#include "runner.h"

/* The summary of a computed run; results_dir: where its results now are,
 * or NULL. */
void con_print(FILE *f, const rn_run *run, const char *results_dir);

#endif
