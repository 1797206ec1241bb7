/*
 * check — the `cjmsim check` command: loads and compiles a scenario as run
 * does, simulates nothing, writes nothing, and prints what the file means:
 * the personas, the stages, every transition's daily probability per persona
 * (its range over the states customers can reach), where customers end up
 * from stages whose probabilities are constant, stages nobody reaches,
 * stages nobody can leave, and what each variant changes. It is how a
 * student sees the model cjmsim built from the file.
 */
#ifndef CJ_CHECK_H
#define CJ_CHECK_H

#include <stdio.h>

#include "cli.h"
#include "compile.h"
#include "err.h"

cj_status check_command(const cli_options *opts, cj_err *err);

/* The report itself, for a compiled model; variant 0 is the baseline. */
void check_print(FILE *f, const cmp_model *model);

#endif
