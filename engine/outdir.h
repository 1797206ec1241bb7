/*
 * outdir — a results directory that appears whole or not at all.
 *
 * Files are written into a temporary directory beside the destination and
 * renamed into place only when every one of them is complete, so an error
 * or Ctrl-C never leaves half-written results. An existing destination is
 * replaced only if it is empty or a previous cjmsim result (it holds
 * manifest.json); anything else is left untouched and reported.
 */
#ifndef CJ_OUTDIR_H
#define CJ_OUTDIR_H

#include <stdio.h>

#include "err.h"

typedef struct {
    char *final_path;
    char *tmp_path;
    char **made_parents; /* directories above final_path that this run made */
    size_t n_made_parents;
} out_dir;

cj_status out_begin(out_dir *dir, const char *path, cj_err *err);

/* Opens `name` inside the temporary directory for writing. */
FILE *out_open(out_dir *dir, const char *name, cj_err *err);

/* Closes a file opened by out_open, reporting write errors (a full disk). */
cj_status out_close(out_dir *dir, FILE *f, const char *name, cj_err *err);

/* Moves the complete results into place. */
cj_status out_commit(out_dir *dir, cj_err *err);

/* Removes the temporary directory and everything in it. */
void out_abort(out_dir *dir);

#endif
