#include "progress.h"
#include "i18n.h"

#include <time.h>
#include <unistd.h>

/* A run shorter than this shows nothing: a bar that flashes is noise. */
static const double SHOW_AFTER_SECONDS = 1.0;
/* Redrawing more often than this costs time and shows nothing more. */
static const double REDRAW_SECONDS = 0.1;
enum { BAR_WIDTH = 30 };

double prg_clock(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void prg_start(prg_bar *bar, FILE *out, bool enabled)
{
    bar->out = out;
    bar->enabled = enabled && isatty(fileno(out));
    bar->drawn = false;
    bar->start = prg_clock();
    bar->last_draw = 0;
}

void prg_update(void *arg, int64_t done, int64_t total)
{
    prg_bar *bar = arg;
    if (!bar->enabled || total <= 0)
        return;
    double now = prg_clock(), elapsed = now - bar->start;
    if (elapsed < SHOW_AFTER_SECONDS || now - bar->last_draw < REDRAW_SECONDS)
        return;
    bar->last_draw = now;
    double share = (double)done / (double)total;
    int filled = (int)(share * BAR_WIDTH);
    char line[BAR_WIDTH + 1];
    for (int i = 0; i < BAR_WIDTH; i++)
        line[i] = i < filled ? '#' : '.';
    line[BAR_WIDTH] = '\0';
    /* The time left, once enough is done to guess it. */
    char left[32] = "";
    if (share > 0.02)
        snprintf(left, sizeof left, _(", %.0f s left"), elapsed / share - elapsed);
    fputc('\r', bar->out);
    fprintf(bar->out, _("simulating [%s] %3.0f%% (%.0f s%s)"), line, share * 100.0, elapsed, left);
    fputs("\033[K", bar->out);
    fflush(bar->out);
    bar->drawn = true;
}

void prg_finish(prg_bar *bar)
{
    if (!bar->drawn)
        return;
    fputs("\r\033[K", bar->out);
    fflush(bar->out);
    bar->drawn = false;
}
