/*
 * calibrate — `cjmsim calibrate S.lua [--fit NAME,...]`: the parameter
 * values under which the scenario's targets are most likely.
 *
 * The log-likelihood of a parameter set is the sum over targets of the
 * binomial log-probability of the observed K of N under the baseline's
 * share (target.h). Each evaluation loads and compiles the scenario with
 * the set (rn_prepare_set) and computes the exact expected values (ex_run),
 * or, with --monte-carlo, simulates on the same seed and customers every
 * time. NLopt searches the box [low, high] of the fitted parameters:
 * DIRECT-L globally, then BOBYQA locally from several starts. Each 95%
 * interval is where the profile log-likelihood (the others re-fitted at
 * every point) falls 1.92 = χ²₁(0.95)/2 below the maximum, found by GSL's
 * Brent solver on each side, the sides over threads. The observed
 * information (a numerical Hessian at the optimum) gives the covariance and
 * the correlations; a flat profile, a correlation beyond 0.95 or a
 * near-singular Hessian is reported with the stage whose count would
 * separate the parameters (the one whose share moves least like what the
 * targets already see). Writes calibration.json, plots/calibration.* and
 * manifest.json; nothing on an error.
 */
#ifndef CJ_CALIBRATE_H
#define CJ_CALIBRATE_H

#include "cli.h"
#include "err.h"

cj_status calibrate_command(const cli_options *opts, int argc, char **argv, cj_err *err);

/* The normal approximation of a calibration, for `psa --calibrated FILE`:
 * calibration.json's fitted "params" as the mean and its "covariance"
 * (the inverse of the observed information) through its Cholesky factor. */
typedef struct {
    size_t n;
    char **names;
    double *mean;
    double *chol; /* n x n, lower triangle */
} cal_normal;

/* A usage error naming the file when it has no covariance or a bad one. */
cj_status cal_normal_read(const char *path, cal_normal *out, cj_err *err);

/* x = mean + L z, z_i the standard normal quantile of u[i] in (0, 1). */
void cal_normal_draw(const cal_normal *nrm, const double *u, double *x);

/* The standard deviation of parameter i. */
double cal_normal_sd(const cal_normal *nrm, size_t i);

void cal_normal_free(cal_normal *nrm);

#endif
