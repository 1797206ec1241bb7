#include "decide.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double dc_quantile(const double *x, size_t n, double p)
{
    if (n == 0)
        return NAN;
    double *s = xmalloc(n * sizeof *s);
    memcpy(s, x, n * sizeof *s);
    qsort(s, n, sizeof *s, compare_doubles);
    double h = (double)(n - 1) * p;
    size_t lo = (size_t)floor(h);
    if (lo >= n - 1) {
        double q = s[n - 1];
        free(s);
        return q;
    }
    double q = s[lo] + (h - (double)lo) * (s[lo + 1] - s[lo]);
    free(s);
    return q;
}

double dc_mean(const double *x, size_t n)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += x[i];
    return n ? sum / (double)n : NAN;
}

void dc_p_best(const double *value, size_t n_draws, size_t n_variants, double *best)
{
    memset(best, 0, n_variants * sizeof *best);
    for (size_t d = 0; d < n_draws; d++) {
        const double *row = value + d * n_variants;
        double top = row[0];
        for (size_t v = 1; v < n_variants; v++)
            if (row[v] > top)
                top = row[v];
        size_t ties = 0;
        for (size_t v = 0; v < n_variants; v++)
            ties += row[v] == top;
        for (size_t v = 0; v < n_variants; v++)
            if (row[v] == top)
                best[v] += 1.0 / (double)ties;
    }
    for (size_t v = 0; v < n_variants && n_draws; v++)
        best[v] /= (double)n_draws;
}

double dc_share_above_zero(const double *x, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += x[i] > 0;
    return n ? (double)k / (double)n : NAN;
}

double dc_evpi(const double *value, size_t n_draws, size_t n_variants)
{
    if (n_draws == 0 || n_variants == 0)
        return NAN;
    double mean_of_max = 0;
    double *mean = xcalloc(n_variants, sizeof *mean);
    for (size_t d = 0; d < n_draws; d++) {
        const double *row = value + d * n_variants;
        double top = row[0];
        for (size_t v = 0; v < n_variants; v++) {
            mean[v] += row[v];
            if (row[v] > top)
                top = row[v];
        }
        mean_of_max += top;
    }
    double max_of_mean = mean[0];
    for (size_t v = 1; v < n_variants; v++)
        if (mean[v] > max_of_mean)
            max_of_mean = mean[v];
    free(mean);
    double evpi = (mean_of_max - max_of_mean) / (double)n_draws;
    return evpi > 0 ? evpi : 0; /* rounding only: it cannot be below 0 */
}
