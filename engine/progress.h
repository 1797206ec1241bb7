/*
 * progress — how far a run is: a progress bar on stderr for long
 * simulations, and the monotonic clock that times the run's phases.
 *
 * A run that has lasted about a second shows how far it is, redrawn a few
 * times a second on one line, and clears the line when it ends. Nothing is
 * drawn when stderr is not a terminal (a pipe, a file, a test) or the run
 * is quiet, so no output that a program reads ever holds it.
 */
#ifndef CJ_PROGRESS_H
#define CJ_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef struct {
    FILE *out;
    bool enabled;
    bool drawn;       /* a bar is on the line and must be cleared */
    double start;     /* monotonic seconds */
    double last_draw;
} prg_bar;

/* Seconds on a monotonic clock, for durations. */
double prg_clock(void);

/* Starts the clock; draws nothing unless `enabled` and `out` is a terminal. */
void prg_start(prg_bar *bar, FILE *out, bool enabled);

/* A sim_progress_fn: `arg` is the prg_bar. Cheap when there is nothing to
 * draw, so it may be called after every block of customers. */
void prg_update(void *arg, int64_t done, int64_t total);

/* Clears the bar, if one was drawn. */
void prg_finish(prg_bar *bar);

#endif
