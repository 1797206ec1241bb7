/*
 * plot — the pictures of a run, drawn by gnuplot.
 *
 * For every plot, the results directory gets plots/NAME.dat (numbers only)
 * and plots/NAME.gp: the scenario's names as gnuplot variables, then the
 * templates plots/palette.gp (the colours, which report.html reads too),
 * plots/style.gp and plots/NAME.gp of the data directory, copied
 * in so that the script draws again anywhere. plots/plots.gp draws them all.
 * gnuplot is then run on each script as a program with an argument vector,
 * never through a shell, and every name from the scenario reaches it as a
 * single-quoted gnuplot string, where nothing is interpreted (the templates
 * put names on an axis through style.gp's tic(), as gnuplot reads a tic
 * label as a format). gnuplot starts in the plots folder and is told file
 * names only, so the results path, whatever its bytes, never reaches it. A
 * missing or failing gnuplot costs the pictures, not the run: plot_draw
 * reports it for a warning naming every plot not drawn, and leaves the data
 * and scripts for drawing later.
 */
#ifndef CJ_PLOT_H
#define CJ_PLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "err.h"
#include "outdir.h"
#include "runner.h"

/* The folder of the results directory that holds the plots. */
#define PLOT_DIR "plots"

/* How long one gnuplot may take before it is stopped. */
enum { PLOT_TIMEOUT_SECONDS = 120 };

typedef enum {
    PLOT_DRAWN,       /* every plot is drawn, as SVG (and PNG with --png) */
    PLOT_NOT_WRITTEN, /* the templates were not found: nothing to draw */
    PLOT_NO_GNUPLOT,  /* gnuplot is not installed (not on PATH) */
    PLOT_FAILED       /* gnuplot ran and failed on some plot */
} plot_outcome;

/* One picture: plots/NAME.svg (and plots/NAME.png with --png) once drawn. */
typedef struct {
    const char *name;
    const char *caption; /* one sentence saying how to read it */
    bool drawn;
} plot_picture;

typedef struct {
    plot_picture *pictures;
    size_t n_pictures;
    plot_outcome outcome;
    char problem[CJ_ERR_MSG_MAX]; /* what went wrong, for one warning line */
    size_t lanes; /* gnuplot processes at most: the run's --threads (plot_write sets it) */
    bool png;     /* PNG besides SVG: the run's --png (plot_write sets it) */
} plot_output;

/* Writes the data files and scripts into the results directory (recorded
 * there, as plot_draw records the pictures it draws). Templates
 * that cannot be found leave out->outcome == PLOT_NOT_WRITTEN; only a file
 * that cannot be written is an error. */
cj_status plot_write(out_dir *dir, const rn_run *run, plot_output *out, cj_err *err);

/* Runs gnuplot (found on PATH) on each script with the plots folder as its
 * working directory. Its failures are recorded in out, not returned: only an
 * interruption (Ctrl-C) is an error. */
cj_status plot_draw(out_dir *dir, plot_output *out, cj_err *err);

/* plot_draw in two halves, so that other files are written while gnuplot
 * draws: plot_start starts min(out->lanes, plots) gnuplot processes, each
 * drawing its share of the scripts, and returns at once
 * (NULL when there is nothing to draw); plot_finish waits, stopping gnuplot
 * on Ctrl-C or past the timeout, records in out what was drawn and frees
 * the handle. plot_abandon stops and frees it, for a run that failed
 * meanwhile. Each started drawing ends in exactly one of the two. */
typedef struct plot_drawing plot_drawing;
plot_drawing *plot_start(out_dir *dir, plot_output *out);
cj_status plot_finish(plot_drawing *d, plot_output *out, cj_err *err);
void plot_abandon(plot_drawing *d);

/* Writes one warning line to f when the pictures are missing, naming the
 * one command that draws them later ("cd DIR/plots && gnuplot plots.gp");
 * nothing when they are drawn. results_dir is where the results now are. */
void plot_warning(FILE *f, const plot_output *out, const char *results_dir);

void plot_output_free(plot_output *out);

/* A picture of an analysis (sweep, psa): `data` writes plots/NAME.dat from
 * the analysis' own figures, and plots/NAME.gp is the template's, after the
 * names of a run (scenario, variants, personas) and the analysis' string
 * variables. */
typedef struct {
    const char *name;
    const char *caption;
    void (*data)(FILE *f, const void *arg);
} plot_extra;

/* plot_write for analysis pictures: vars holds n_vars pairs of a gnuplot
 * variable's name and its text (quoted as every name is). Draw them with
 * plot_draw. */
cj_status plot_write_extra(out_dir *dir, const rn_run *run, const plot_extra *plots, size_t n_plots,
                           const void *arg, const char *const *vars, size_t n_vars,
                           plot_output *out, cj_err *err);

/* s as a gnuplot single-quoted string literal, quotes included: a quote is
 * doubled, control characters become spaces, invalid UTF-8 bytes become '?',
 * and text past max_chars characters is cut with an ellipsis (0: no limit). */
char *plot_quote(const char *s, size_t max_chars);

#endif
