/*
 * console — the summary a person reads in the terminal: the funnel, the
 * repeat purchases of every variant with the uplift and its interval, the
 * money, the same per persona, and one plain sentence per intervention.
 */
#ifndef CJ_CONSOLE_H
#define CJ_CONSOLE_H

#include <stdio.h>

#include "stats.h"

void con_print(FILE *f, const st_results *r, uint64_t seed, const char *out_dir);

#endif
