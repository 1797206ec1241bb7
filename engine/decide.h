/*
 * decide — the decision figures of an uncertainty analysis, from the
 * outcomes of every variant in every draw of the parameters: percentiles
 * (the 95% interval over draws), the probability that each variant is the
 * best choice, the probability that it pays back, and the expected value of
 * perfect information. Plain arithmetic on arrays, no simulation.
 */
#ifndef CJ_DECIDE_H
#define CJ_DECIDE_H

#include <stddef.h>

/* The p-quantile (0 <= p <= 1) of n values by linear interpolation between
 * order statistics, Hyndman and Fan's type 7 (R's and numpy's default):
 * with the values sorted as x[0] <= ... <= x[n-1], h = (n − 1) p and the
 * quantile is x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋]). NaN for n = 0. The
 * values are not changed. */
double dc_quantile(const double *x, size_t n, double p);

double dc_mean(const double *x, size_t n);

/*
 * value[d * n_variants + v] is what variant v is worth in draw d (profit,
 * or a net benefit). best[v] receives the share of draws in which v is
 * worth the most. A tie between k variants gives each 1/k of that draw, so
 * the shares add up to 1 and variants that cannot differ share alike.
 */
void dc_p_best(const double *value, size_t n_draws, size_t n_variants, double *best);

/* The share of x above 0. */
double dc_share_above_zero(const double *x, size_t n);

/* E[max_v value_v] − max_v E[value_v]: what knowing the true parameter
 * values before choosing would be worth, in value's unit. 0 when one
 * variant is the best in every draw. */
double dc_evpi(const double *value, size_t n_draws, size_t n_variants);

#endif
