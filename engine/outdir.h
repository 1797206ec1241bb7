/*
 * outdir — a results directory that appears whole or not at all, and that
 * never costs its user a file cjmsim did not write.
 *
 * Files are written into a temporary directory beside the destination
 * (NAME.tmp-XXXXXX) and swapped into place only when every one of them is
 * complete, so an error, a signal or running out of memory never leaves
 * half-written results, nor the temporary directory. An existing destination
 * is replaced only when it is empty or holds nothing but a previous cjmsim
 * result: every entry in it is a file its manifest.json lists (plots/
 * included). A directory that holds the current directory, the scenario or a
 * file the run reads is never replaced. Anything else is left untouched and
 * the run stops with exit 4, naming the first file in the way.
 *
 * Every file written into the results is recorded here (out_close records
 * what out_open opened; out_record what another program or library made),
 * and manifest.json lists exactly what was recorded: the list of a
 * directory's files is never typed by hand.
 *
 * Runs into the same destination at once take turns: the check and the swap
 * happen under an flock'd lock file beside it (NAME.cjmsim-lock), removed
 * when the turn ends, so the last run to finish leaves one whole result.
 */
#ifndef CJ_OUTDIR_H
#define CJ_OUTDIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "err.h"

typedef struct {
    char *final_path;
    char *tmp_path;
    char *lock_path;     /* NAME.cjmsim-lock beside final_path */
    int lock_fd;         /* the lock, while `locked` */
    bool locked;
    char **reads;        /* files the run reads: never inside the destination */
    size_t n_reads;
    char **made_parents; /* directories above final_path that this run made */
    size_t n_made_parents;
    char **files; /* recorded files, relative to the directory, in name order */
    size_t n_files;
} out_dir;

/* Checks the destination and makes the temporary directory. */
cj_status out_begin(out_dir *dir, const char *path, cj_err *err);

/* out_begin for a run that reads the files `reads` (its scenario, the
 * persona library): a destination that holds one of them is refused. */
cj_status out_begin_reading(out_dir *dir, const char *path, const char *const *reads,
                            size_t n_reads, cj_err *err);

/* Opens `name` inside the temporary directory for writing. */
FILE *out_open(out_dir *dir, const char *name, cj_err *err);

/* Closes a file opened by out_open, reporting write errors (a full disk),
 * and records it. */
cj_status out_close(out_dir *dir, FILE *f, const char *name, cj_err *err);

/* Records `name` (relative, such as "plots/funnel.svg") as a file of the
 * results: one that gnuplot, Chromium or a library wrote at out_path. Once
 * is enough; writers on several threads may record at once. */
void out_record(out_dir *dir, const char *name);

/* Where `name` is written inside the temporary directory; free it. */
char *out_path(const out_dir *dir, const char *name);

/* Checks the destination again and moves the complete results into place. */
cj_status out_commit(out_dir *dir, cj_err *err);

/* Removes the temporary directory and everything in it. */
void out_abort(out_dir *dir);

#endif
