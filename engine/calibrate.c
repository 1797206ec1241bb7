#include "calibrate.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_roots.h>
#include <jansson.h>
#include <math.h>
#include <nlopt.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "format.h"
#include "textwidth.h"
#include "i18n.h"
#include "plot.h"
#include "runner.h"
#include "target_eval.h"
#include "util.h"

/* Parameters one calibration fits at most. */
enum { CAL_MAX = 16 };

/* χ²₁(0.95) / 2: the profile's drop at the ends of a 95% interval. */
static const double CAL_DROP = 1.920729410347062;

/* An interval covering this share of [low, high] or more: the targets say
 * little about the parameter. */
static const double CAL_FLAT = 0.5;
/* |correlation| beyond this: the targets see the pair as one. */
static const double CAL_CORR = 0.95;
/* The smallest eigenvalue of the scaled information, relative to the
 * largest, below this: near-singular. */
static const double CAL_SINGULAR = 1e-6;

typedef struct {
    const cli_options *opts; /* the baseline only, exact unless --monte-carlo */
    bool exact;
    prm_set base_set;
    rn_run base; /* at the command line's values */
    size_t d;
    const prm_param *p[CAL_MAX];
    const char *names[CAL_MAX];
    double lo[CAL_MAX], hi[CAL_MAX];
    atomic_size_t evaluations;
    atomic_size_t *counter; /* &evaluations, counted from const calib */
    /* The answer. */
    double x[CAL_MAX];
    double loglik;
    const char *method;
    double ci_lo[CAL_MAX], ci_hi[CAL_MAX];
    bool lo_bound[CAL_MAX], hi_bound[CAL_MAX];
    double better_loglik;     /* the highest seen by the profiles */
    double better_x[CAL_MAX]; /* where */
    bool at_bound[CAL_MAX];
    bool have_cov;
    double cov[CAL_MAX * CAL_MAX];
    double corr[CAL_MAX * CAL_MAX];
    bool singular;
    char **warnings; /* in English, for calibration.json */
    size_t n_warnings;
    char **warnings_local; /* the same in the reader's language, for the console */
    size_t n_warnings_local;
    /* The run at the fitted values: targets, shares. */
    rn_run fitted;
    double fitted_share[64];
} calib;

/* ---- one evaluation ------------------------------------------------------ */

/* Loads, compiles and computes the model at the fitted parameters' values x
 * (natural units) into r; the caller frees r. */
static cj_status run_at(const calib *c, const double *x, rn_run *r, cj_err *err)
{
    prm_set set = {0};
    an_set_with(&c->base_set, &set, c->names, x, c->d, _("the calibration"));
    memset(r, 0, sizeof *r);
    if (sim_interrupted)
        cj_fail(err, CJ_ERR_INTERRUPTED, _("interrupted: no results were written"));
    else if (rn_prepare_set(r, c->opts, &set, &c->base, err) == CJ_OK) {
        /* exact (the options say so) or simulated, arrivals included */
        sim_options so = {1, NULL, NULL, 0, 1, NULL};
        rn_simulate(r, &so, err);
    }
    prm_set_free(&set);
    atomic_fetch_add(c->counter, 1);
    return err->status;
}

static double loglik_at(const calib *c, const double *x, cj_err *err)
{
    rn_run r;
    double ll = NAN;
    if (run_at(c, x, &r, err) == CJ_OK)
        ll = tgt_loglik(&r.scn->targets, &r.totals);
    rn_free(&r);
    return ll;
}

/* The baseline's share of everyone who reached each stage, and each
 * target's share. */
static cj_status shares_at(const calib *c, const double *x, double *stage, double *target,
                           cj_err *err)
{
    rn_run r;
    if (run_at(c, x, &r, err) == CJ_OK) {
        const sim_totals *t = &r.totals;
        double customers = 0;
        for (size_t p = 0; p < t->n_personas; p++)
            customers += (double)sim_at(t, 0, p)->customers;
        for (size_t s = 0; s < r.scn->n_stages; s++) {
            double sum = 0;
            for (size_t p = 0; p < t->n_personas; p++)
                sum += st_reached(sim_at(t, 0, p), s);
            stage[s] = customers > 0 ? sum / customers : 0;
        }
        for (size_t i = 0; i < r.scn->targets.n; i++)
            target[i] = tgt_measure(&r.scn->targets.items[i], t).simulated;
    }
    rn_free(&r);
    return err->status;
}

/* ---- the objective for NLopt --------------------------------------------- */

/* Minus the log-likelihood over the unit box of the free parameters; one
 * parameter (fixed) may be held at fixed_value for a profile. */
typedef struct {
    const calib *c;
    int fixed;
    double fixed_value;
    cj_err *err;
    nlopt_opt opt;
} objective;

static void to_natural(const objective *o, const double *u, double *x)
{
    const calib *c = o->c;
    for (size_t k = 0, j = 0; k < c->d; k++)
        x[k] = (int)k == o->fixed ? o->fixed_value : c->lo[k] + u[j++] * (c->hi[k] - c->lo[k]);
}

static double minus_loglik(unsigned n, const double *u, double *grad, void *arg)
{
    (void)n;
    (void)grad; /* derivative-free methods only */
    objective *o = arg;
    if (o->err->status != CJ_OK)
        return HUGE_VAL;
    double x[CAL_MAX];
    to_natural(o, u, x);
    double ll = loglik_at(o->c, x, o->err);
    if (o->err->status != CJ_OK) {
        nlopt_force_stop(o->opt);
        return HUGE_VAL;
    }
    return -ll;
}

/* One NLopt search from u (updated in place) over n free dimensions. */
static double search(objective *o, nlopt_algorithm algo, unsigned n, double *u, int maxeval)
{
    nlopt_opt opt = nlopt_create(algo, n);
    if (!opt) {
        cj_fail(o->err, CJ_ERR_RESOURCE, _("out of memory"));
        return HUGE_VAL;
    }
    o->opt = opt;
    nlopt_set_lower_bounds1(opt, 0);
    nlopt_set_upper_bounds1(opt, 1);
    nlopt_set_min_objective(opt, minus_loglik, o);
    nlopt_set_maxeval(opt, maxeval);
    if (algo != NLOPT_GN_DIRECT_L) {
        nlopt_set_xtol_abs1(opt, 1e-7);
        nlopt_set_ftol_abs(opt, 1e-9);
        nlopt_set_initial_step1(opt, 0.05);
    }
    double f = HUGE_VAL;
    nlopt_optimize(opt, u, &f);
    nlopt_destroy(opt);
    return f;
}

/* The best of a local search from each start; u gets the best point. */
static double local_best(objective *o, unsigned n, const double *starts, size_t n_starts, double *u)
{
    double best = HUGE_VAL;
    for (size_t s = 0; s < n_starts && o->err->status == CJ_OK; s++) {
        double v[CAL_MAX];
        memcpy(v, starts + s * n, n * sizeof *v);
        double f = search(o, n >= 2 ? NLOPT_LN_BOBYQA : NLOPT_LN_SBPLX, n, v, 400 * (int)n + 200);
        if (f < best) {
            best = f;
            memcpy(u, v, n * sizeof *v);
        }
    }
    return best;
}

static cj_status fit(calib *c, cj_err *err)
{
    unsigned n = (unsigned)c->d;
    objective o = {c, -1, 0, err, NULL};
    double u[CAL_MAX];
    for (unsigned k = 0; k < n; k++)
        u[k] = 0.5;
    search(&o, NLOPT_GN_DIRECT_L, n, u, 60 * (int)n + 40);
    if (err->status != CJ_OK)
        return err->status;
    /* Local searches from the global search's best point, the centre and
     * two opposite corners' midpoints: a ridge or a second peak shows. */
    double starts[4 * CAL_MAX];
    for (unsigned k = 0; k < n; k++) {
        starts[k] = u[k];
        starts[n + k] = 0.5;
        starts[2 * n + k] = 0.25;
        starts[3 * n + k] = 0.75;
    }
    double f = local_best(&o, n, starts, 4, u);
    if (err->status != CJ_OK)
        return err->status;
    to_natural(&o, u, c->x);
    c->loglik = -f;
    c->better_loglik = c->loglik;
    return CJ_OK;
}

/* A local search again from x, where a profile found more than the fit. */
static cj_status refit(calib *c, const double *x, cj_err *err)
{
    unsigned n = (unsigned)c->d;
    objective o = {c, -1, 0, err, NULL};
    double start[CAL_MAX], u[CAL_MAX];
    for (unsigned k = 0; k < n; k++)
        start[k] = (x[k] - c->lo[k]) / (c->hi[k] - c->lo[k]);
    double f = local_best(&o, n, start, 1, u);
    if (err->status == CJ_OK && -f > c->loglik) {
        to_natural(&o, u, c->x);
        c->loglik = -f;
    }
    c->better_loglik = c->loglik;
    return err->status;
}

/* ---- the likelihood profile ---------------------------------------------- */

typedef struct {
    calib *c;
    size_t param;
    int side; /* -1: towards low, +1: towards high */
    /* Starts of the profile's local search: the free parameters' best
     * values at the last point (a warm start), then at the fit. */
    double others[2 * CAL_MAX];
    double best_seen;
    double best_x[CAL_MAX]; /* where */
    double end;
    bool at_bound;
    cj_err err;
} side_task;

/* The profile at v minus the level of the interval's end. */
static double profile_gap(double v, void *arg)
{
    side_task *t = arg;
    calib *c = t->c;
    if (t->err.status != CJ_OK)
        return NAN;
    objective o = {c, (int)t->param, v, &t->err, NULL};
    unsigned n = (unsigned)c->d - 1;
    double ll, x[CAL_MAX];
    if (n == 0) {
        to_natural(&o, NULL, x);
        ll = loglik_at(c, x, &t->err);
    } else {
        double u[CAL_MAX];
        bool same = memcmp(t->others, t->others + n, n * sizeof *u) == 0;
        ll = -local_best(&o, n, t->others, same ? 1 : 2, u);
        memcpy(t->others, u, n * sizeof *u);
        to_natural(&o, u, x);
    }
    if (t->err.status != CJ_OK)
        return NAN;
    if (ll > t->best_seen) {
        t->best_seen = ll;
        memcpy(t->best_x, x, c->d * sizeof *x);
    }
    return ll - (c->loglik - CAL_DROP);
}

static void profile_side(side_task *t)
{
    calib *c = t->c;
    size_t i = t->param;
    double from = c->x[i], bound = t->side < 0 ? c->lo[i] : c->hi[i];
    t->best_seen = -HUGE_VAL;
    for (size_t k = 0, j = 0; k < c->d; k++)
        if (k != i) {
            t->others[j] = t->others[c->d - 1 + j] = (c->x[k] - c->lo[k]) / (c->hi[k] - c->lo[k]);
            j++;
        }
    double range = c->hi[i] - c->lo[i];
    if (fabs(bound - from) < 1e-9 * range) {
        t->end = bound;
        t->at_bound = true;
        return;
    }
    double at_bound = profile_gap(bound, t);
    if (t->err.status != CJ_OK)
        return;
    if (at_bound >= 0) {
        t->end = bound;
        t->at_bound = true;
        return;
    }
    /* The warm start walks from the optimum out to the bound's side. */
    for (size_t k = 0, j = 0; k < c->d; k++)
        if (k != i) {
            t->others[j] = t->others[c->d - 1 + j] = (c->x[k] - c->lo[k]) / (c->hi[k] - c->lo[k]);
            j++;
        }
    gsl_function F = {profile_gap, t};
    gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    if (!s) {
        cj_fail(&t->err, CJ_ERR_RESOURCE, _("out of memory"));
        return;
    }
    double a = t->side < 0 ? bound : from, b = t->side < 0 ? from : bound;
    int status = gsl_root_fsolver_set(s, &F, a, b);
    /* Both ends were measured just before; a failure here means the
     * surface changed under the solver (noise): the end stays at the fit. */
    double root = status == GSL_SUCCESS ? 0.5 * (a + b) : from;
    for (int it = 0; status == GSL_SUCCESS && it < 60; it++) {
        if (gsl_root_fsolver_iterate(s) != GSL_SUCCESS)
            break;
        root = gsl_root_fsolver_root(s);
        if (gsl_root_test_interval(gsl_root_fsolver_x_lower(s), gsl_root_fsolver_x_upper(s),
                                   1e-8 * range, 0) == GSL_SUCCESS)
            break;
    }
    gsl_root_fsolver_free(s);
    t->end = root;
}

typedef struct {
    side_task *tasks;
    size_t n;
    atomic_size_t next;
} side_pool;

static void *side_worker(void *arg)
{
    side_pool *pool = arg;
    for (;;) {
        size_t i = atomic_fetch_add(&pool->next, 1);
        if (i >= pool->n)
            return NULL;
        profile_side(&pool->tasks[i]);
    }
}

static cj_status profiles(calib *c, int threads, cj_err *err)
{
    size_t n = 2 * c->d;
    side_task *tasks = xcalloc(n, sizeof *tasks);
    for (size_t k = 0; k < n; k++) {
        tasks[k].c = c;
        tasks[k].param = k / 2;
        tasks[k].side = k % 2 ? 1 : -1;
    }
    side_pool pool = {tasks, n, 0};
    gsl_set_error_handler_off();
    size_t workers = (size_t)threads < n ? (size_t)threads : n;
    pthread_t *ids = xcalloc(workers, sizeof *ids);
    size_t started = 0;
    for (size_t w = 1; w < workers; w++)
        if (pthread_create(&ids[w], NULL, side_worker, &pool) == 0)
            started = w;
        else
            break;
    side_worker(&pool);
    for (size_t w = 1; w <= started; w++)
        pthread_join(ids[w], NULL);
    free(ids);
    for (size_t k = 0; k < n && err->status == CJ_OK; k++) {
        side_task *t = &tasks[k];
        if (t->err.status != CJ_OK) {
            *err = t->err;
            break;
        }
        if (t->side < 0) {
            c->ci_lo[t->param] = t->end;
            c->lo_bound[t->param] = t->at_bound;
        } else {
            c->ci_hi[t->param] = t->end;
            c->hi_bound[t->param] = t->at_bound;
        }
        if (t->best_seen > c->better_loglik) {
            c->better_loglik = t->best_seen;
            memcpy(c->better_x, t->best_x, c->d * sizeof *t->best_x);
        }
    }
    free(tasks);
    return err->status;
}

/* ---- the observed information -------------------------------------------- */

/* A warning is written twice: in English for calibration.json (a file) and,
 * with local set, in the reader's language for the console. */
static void warn(calib *c, bool local, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void warn(calib *c, bool local, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    if (local)
        fmt_vsnprintf(msg, sizeof msg, fmt, ap);
    else
        vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    char **slot = local ? xgrow(&c->warnings_local, &c->n_warnings_local, sizeof *slot)
                        : xgrow(&c->warnings, &c->n_warnings, sizeof *slot);
    *slot = xstrdup(msg);
}

/* A message of a warning: translated when it is for the console. */
static const char *tr(bool local, const char *msgid) __attribute__((format_arg(2)));
static const char *tr(bool local, const char *msgid)
{
    return local ? _(msgid) : msgid;
}

/* The Hessian of the log-likelihood at the optimum by central differences,
 * over the parameters that are not at a bound; covariance and correlations
 * from its inverse. */
static cj_status information(calib *c, size_t *idx, size_t *m, double *H, cj_err *err)
{
    *m = 0;
    for (size_t k = 0; k < c->d; k++) {
        double range = c->hi[k] - c->lo[k];
        c->at_bound[k] = c->x[k] - c->lo[k] < 1e-4 * range || c->hi[k] - c->x[k] < 1e-4 * range;
        if (!c->at_bound[k])
            idx[(*m)++] = k;
    }
    double h[CAL_MAX];
    for (size_t a = 0; a < *m; a++) {
        size_t k = idx[a];
        double range = c->hi[k] - c->lo[k];
        h[a] = 1e-3 * range;
        double room = fmin(c->x[k] - c->lo[k], c->hi[k] - c->x[k]);
        if (h[a] > room)
            h[a] = room;
    }
    double x[CAL_MAX];
    for (size_t a = 0; a < *m; a++)
        for (size_t b = a; b < *m; b++) {
            size_t i = idx[a], j = idx[b];
            double v;
            if (a == b) {
                memcpy(x, c->x, c->d * sizeof *x);
                x[i] = c->x[i] + h[a];
                double fp = loglik_at(c, x, err);
                x[i] = c->x[i] - h[a];
                double fm = loglik_at(c, x, err);
                v = (fp - 2 * c->loglik + fm) / (h[a] * h[a]);
            } else {
                double f[4];
                for (int q = 0; q < 4; q++) {
                    memcpy(x, c->x, c->d * sizeof *x);
                    x[i] += (q & 1) ? -h[a] : h[a];
                    x[j] += (q & 2) ? -h[b] : h[b];
                    f[q] = loglik_at(c, x, err);
                }
                v = (f[0] - f[1] - f[2] + f[3]) / (4 * h[a] * h[b]);
            }
            if (err->status != CJ_OK)
                return err->status;
            H[a * *m + b] = H[b * *m + a] = v;
        }
    if (*m == 0)
        return CJ_OK;
    /* Scaled information: unit diagonal, so that parameters of any size
     * compare. */
    size_t n = *m;
    gsl_matrix *I = gsl_matrix_alloc(n, n), *S = gsl_matrix_alloc(n, n);
    gsl_vector *eval = gsl_vector_alloc(n);
    gsl_eigen_symm_workspace *ws = gsl_eigen_symm_alloc(n);
    bool positive = true;
    for (size_t a = 0; a < n; a++)
        positive = positive && -H[a * n + a] > 0;
    if (positive) {
        for (size_t a = 0; a < n; a++)
            for (size_t b = 0; b < n; b++) {
                double v = -H[a * n + b];
                gsl_matrix_set(I, a, b, v);
                gsl_matrix_set(S, a, b, v / sqrt(H[a * n + a] * H[b * n + b]));
            }
        gsl_eigen_symm(S, eval, ws);
        double lo = gsl_vector_min(eval), hi = gsl_vector_max(eval);
        c->singular = !(lo > CAL_SINGULAR * hi);
        if (!c->singular && gsl_linalg_cholesky_decomp1(I) == GSL_SUCCESS &&
            gsl_linalg_cholesky_invert(I) == GSL_SUCCESS) {
            c->have_cov = n == c->d;
            for (size_t a = 0; a < n; a++)
                for (size_t b = 0; b < n; b++) {
                    double v = gsl_matrix_get(I, a, b);
                    c->cov[idx[a] * c->d + idx[b]] = v;
                }
            for (size_t a = 0; a < n; a++)
                for (size_t b = 0; b < n; b++) {
                    size_t i = idx[a], j = idx[b];
                    c->corr[i * c->d + j] =
                        c->cov[i * c->d + j] / sqrt(c->cov[i * c->d + i] * c->cov[j * c->d + j]);
                }
        } else {
            c->singular = true;
        }
    } else {
        c->singular = true;
    }
    gsl_eigen_symm_free(ws);
    gsl_vector_free(eval);
    gsl_matrix_free(S);
    gsl_matrix_free(I);
    return CJ_OK;
}

/* ---- which observation would separate them ------------------------------- */

/* Is stage s already the subject of a plain target? */
static bool stage_targeted(const scn_scenario *scn, size_t s)
{
    for (size_t i = 0; i < scn->targets.n; i++) {
        const tgt_target *t = &scn->targets.items[i];
        if (t->kind == TGT_REACHED && (size_t)t->stage == s && t->persona < 0)
            return true;
    }
    return false;
}

typedef struct {
    size_t n_stages, n_targets;
    double *stage_grad;  /* [param][stage], per unit of the parameter's range */
    double *target_grad; /* [param][target] */
    double *stage_share; /* [stage] near the optimum */
} gradients;

static cj_status gradients_at(calib *c, gradients *g, cj_err *err)
{
    const scn_scenario *scn = c->fitted.scn;
    g->n_stages = scn->n_stages;
    g->n_targets = scn->targets.n;
    g->stage_grad = xcalloc(c->d * g->n_stages, sizeof(double));
    g->target_grad = xcalloc(c->d * g->n_targets, sizeof(double));
    g->stage_share = xcalloc(g->n_stages, sizeof(double));
    double *s1 = xcalloc(g->n_stages, sizeof(double)), *s2 = xcalloc(g->n_stages, sizeof(double));
    double *t1 = xcalloc(g->n_targets + 1, sizeof(double)),
           *t2 = xcalloc(g->n_targets + 1, sizeof(double));
    for (size_t k = 0; k < c->d && err->status == CJ_OK; k++) {
        double range = c->hi[k] - c->lo[k], h = 1e-3 * range;
        double x[CAL_MAX];
        memcpy(x, c->x, c->d * sizeof *x);
        double up = fmin(c->x[k] + h, c->hi[k]), down = fmax(c->x[k] - h, c->lo[k]);
        x[k] = up;
        if (shares_at(c, x, s1, t1, err) != CJ_OK)
            break;
        x[k] = down;
        if (shares_at(c, x, s2, t2, err) != CJ_OK)
            break;
        double step = (up - down) / range;
        for (size_t s = 0; s < g->n_stages; s++) {
            g->stage_grad[k * g->n_stages + s] = (s1[s] - s2[s]) / step;
            g->stage_share[s] = 0.5 * (s1[s] + s2[s]);
        }
        for (size_t t = 0; t < g->n_targets; t++)
            g->target_grad[k * g->n_targets + t] = (t1[t] - t2[t]) / step;
    }
    free(s1);
    free(s2);
    free(t1);
    free(t2);
    return err->status;
}

/* The stage whose count would tell most about the direction in the (i, j)
 * plane that the targets do not see (j == i: about parameter i): the most
 * Fisher information per observed customer, (g . v)^2 / (p (1 - p)), with g
 * the stage's share gradient and v that direction. -1 when no untargeted
 * stage tells anything about it. */
static int separating_stage(const calib *c, const gradients *g, size_t i, size_t j)
{
    const scn_scenario *scn = c->fitted.scn;
    /* What the targets see: the leading eigenvector of their information
     * in the (i, j) plane; v is across it. */
    double m00 = 0, m01 = 0, m11 = 0;
    for (size_t t = 0; t < g->n_targets; t++) {
        const tgt_target *tg = &scn->targets.items[t];
        double p = c->fitted_share[t < 64 ? t : 63];
        double w = (double)tg->of / fmax(p * (1 - p), 1e-12);
        double a = g->target_grad[i * g->n_targets + t], b = g->target_grad[j * g->n_targets + t];
        m00 += w * a * a;
        m01 += w * a * b;
        m11 += w * b * b;
    }
    double theta = 0.5 * atan2(2 * m01, m00 - m11);
    double vx = i == j ? 1 : -sin(theta), vy = i == j ? 0 : cos(theta);
    int best = -1;
    double best_info = 0, max_info = 0;
    for (size_t s = 0; s < g->n_stages; s++) {
        double a = g->stage_grad[i * g->n_stages + s], b = g->stage_grad[j * g->n_stages + s];
        double p = g->stage_share[s], var = fmax(p * (1 - p), 1e-9);
        max_info = fmax(max_info, (a * a + b * b) / var);
        if (stage_targeted(scn, s) || (int)s == scn->entry)
            continue;
        double along = a * vx + b * vy, info = along * along / var;
        if (info > best_info * (1 + 1e-9)) {
            best_info = info;
            best = (int)s;
        }
    }
    return best_info > 1e-3 * max_info ? best : -1;
}

static void identifiability(calib *c, const size_t *idx, size_t m, const double *H, cj_err *err)
{
    bool flagged[CAL_MAX] = {false};
    bool paired[CAL_MAX] = {false};
    size_t pairs[CAL_MAX * CAL_MAX][2];
    size_t n_pairs = 0;
    double pair_r[CAL_MAX * CAL_MAX];
    if (c->have_cov || !c->singular) {
        for (size_t a = 0; a < c->d; a++)
            for (size_t b = a + 1; b < c->d; b++) {
                double r = c->corr[a * c->d + b];
                if (!c->at_bound[a] && !c->at_bound[b] && fabs(r) > CAL_CORR) {
                    pairs[n_pairs][0] = a;
                    pairs[n_pairs][1] = b;
                    pair_r[n_pairs++] = r;
                }
            }
    } else if (m >= 2) {
        /* Near-singular: the pair that weighs most in the direction the
         * targets do not see (the smallest eigenvalue's vector). */
        gsl_matrix *S = gsl_matrix_alloc(m, m), *V = gsl_matrix_alloc(m, m);
        gsl_vector *eval = gsl_vector_alloc(m);
        gsl_eigen_symmv_workspace *ws = gsl_eigen_symmv_alloc(m);
        for (size_t a = 0; a < m; a++)
            for (size_t b = 0; b < m; b++) {
                double da = fmax(fabs(H[a * m + a]), 1e-300), db = fmax(fabs(H[b * m + b]), 1e-300);
                gsl_matrix_set(S, a, b, -H[a * m + b] / sqrt(da * db));
            }
        gsl_eigen_symmv(S, eval, V, ws);
        gsl_eigen_symmv_sort(eval, V, GSL_EIGEN_SORT_VAL_ASC);
        size_t first = 0, second = 1;
        for (size_t a = 0; a < m; a++) {
            double v = fabs(gsl_matrix_get(V, a, 0));
            if (v > fabs(gsl_matrix_get(V, first, 0))) {
                second = first;
                first = a;
            } else if (a != first && (second == first || v > fabs(gsl_matrix_get(V, second, 0)))) {
                second = a;
            }
        }
        if (first == second)
            second = first == 0 ? 1 : 0;
        pairs[n_pairs][0] = idx[first < second ? first : second];
        pairs[n_pairs][1] = idx[first < second ? second : first];
        pair_r[n_pairs++] = NAN;
        gsl_eigen_symmv_free(ws);
        gsl_vector_free(eval);
        gsl_matrix_free(V);
        gsl_matrix_free(S);
    }
    for (size_t k = 0; k < c->d; k++) {
        double width = c->ci_hi[k] - c->ci_lo[k];
        flagged[k] = width >= CAL_FLAT * (c->hi[k] - c->lo[k]);
    }
    for (size_t q = 0; q < n_pairs; q++)
        paired[pairs[q][0]] = paired[pairs[q][1]] = true;
    bool any = n_pairs > 0;
    for (size_t k = 0; k < c->d; k++)
        any = any || flagged[k];
    if (!any)
        return;
    /* A normal approximation of a fit the targets cannot pin down would
     * draw a ridge or a plateau as a narrow ellipse: psa gets none. */
    c->have_cov = false;
    gradients g = {0};
    if (gradients_at(c, &g, err) != CJ_OK) {
        free(g.stage_grad);
        free(g.target_grad);
        free(g.stage_share);
        return;
    }
    const scn_scenario *scn = c->fitted.scn;
    for (int local = 0; local < 2; local++) {
        for (size_t q = 0; q < n_pairs; q++) {
            size_t i = pairs[q][0], j = pairs[q][1];
            char r[128] = "";
            if (!isnan(pair_r[q]) && local)
                fmt_snprintf(r, sizeof r, _(" (correlation %+.3f)"), pair_r[q]);
            else if (!isnan(pair_r[q]))
                snprintf(r, sizeof r, " (correlation %+.3f)", pair_r[q]);
            else
                snprintf(r, sizeof r, "%s",
                         tr(local, N_(" (the information matrix is near-singular)")));
            int s = separating_stage(c, &g, i, j);
            char advice[256];
            if (s >= 0)
                snprintf(advice, sizeof advice,
                         tr(local, N_("add a target on '%s' (how many reached it) to separate "
                                      "them")),
                         scn->stages[s].name);
            else
                snprintf(advice, sizeof advice, "%s",
                         tr(local, N_("no stage's count separates them: fix one of them, or "
                                      "narrow its range")));
            warn(c, local,
                 tr(local, N_("the targets cannot tell %s and %s apart%s: they see only a "
                              "combination of the two; %s")),
                 c->names[i], c->names[j], r, advice);
        }
        for (size_t k = 0; k < c->d; k++) {
            if (!flagged[k])
                continue;
            double share = (c->ci_hi[k] - c->ci_lo[k]) / (c->hi[k] - c->lo[k]);
            char advice[256] = "";
            if (!paired[k]) {
                int s = separating_stage(c, &g, k, k);
                if (s >= 0)
                    snprintf(advice, sizeof advice,
                             tr(local, N_("; add a target on '%s' (how many reached it)")),
                             scn->stages[s].name);
            }
            warn(c, local,
                 tr(local, N_("the targets say little about %s: its 95%% interval covers %.0f%% "
                              "of its range (a flat likelihood profile)%s")),
                 c->names[k], 100 * share, advice);
        }
    }
    free(g.stage_grad);
    free(g.target_grad);
    free(g.stage_share);
}

/* ---- the request --------------------------------------------------------- */

static cj_status choose_params(calib *c, cj_err *err)
{
    const prm_list *params = &c->base.scn->params;
    const cli_options *o = c->opts;
    if (o->fit) {
        const char *s = o->fit;
        while (*s) {
            size_t len = strcspn(s, ",");
            char name[PRM_NAME_MAX * 4 + 1];
            snprintf(name, sizeof name, "%.*s",
                     (int)(len < sizeof name - 1 ? len : sizeof name - 1), s);
            if (!name[0])
                return cj_fail(err, CJ_ERR_USAGE, _("--fit %s: an empty name"), o->fit);
            const prm_param *p = an_find_param(params, name, "--fit", err);
            if (!p)
                return err->status;
            if (!p->has_range)
                return cj_fail(err, CJ_ERR_USAGE,
                               _("--fit %s: the parameter has no low and high to search between "
                               "(%s:%d: declare it with low = ..., high = ...)"),
                               name, p->file, p->line);
            for (size_t k = 0; k < c->d; k++)
                if (c->p[k] == p)
                    return cj_fail(err, CJ_ERR_USAGE, _("--fit: '%s' is named twice"), name);
            if (c->d == CAL_MAX)
                return cj_fail(err, CJ_ERR_USAGE, _("--fit: at most %d parameters at once"), CAL_MAX);
            c->p[c->d++] = p;
            s += len + (s[len] == ',');
        }
    } else {
        for (size_t i = 0; i < params->n && c->d < CAL_MAX; i++)
            if (params->items[i].has_range)
                c->p[c->d++] = &params->items[i];
        if (c->d == 0)
            return cj_fail(err, CJ_ERR_USAGE,
                           _("calibrate: %s declares no parameter with low and high to fit "
                           "(param \"p\" { 0.05, low = 0.01, high = 0.2 })"),
                           o->scenario);
    }
    for (size_t k = 0; k < c->d; k++) {
        const prm_param *p = c->p[k];
        if (p->source && strcmp(p->source, "--set") == 0)
            return cj_fail(err, CJ_ERR_USAGE,
                           _("--set %s: the parameter is fitted; fit it or set it, not both "
                           "(leave it out of --fit)"),
                           p->name);
        c->names[k] = p->name;
        c->lo[k] = p->low;
        c->hi[k] = p->high;
    }
    if (c->base.scn->targets.n == 0)
        return cj_fail(err, CJ_ERR_SCENARIO,
                       _("%s declares no targets: calibrate fits parameters to observed counts, "
                       "e.g. target \"ordered\" { stage = \"order\", reached = 600, of = 10000 }"),
                       o->scenario);
    return CJ_OK;
}

/* ---- the files ----------------------------------------------------------- */

static json_t *number(double x)
{
    return isfinite(x) ? json_real(x) : json_null();
}

static void write_json(FILE *f, const void *arg)
{
    const calib *c = arg;
    const scn_scenario *scn = c->fitted.scn;
    json_t *root = json_object(), *params = json_object(), *intervals = json_object(),
           *bounds = json_object();
    for (size_t k = 0; k < c->d; k++) {
        json_object_set_new(params, c->names[k], json_real(c->x[k]));
        json_t *iv = json_array(), *b = json_array();
        json_array_append_new(iv, json_real(c->ci_lo[k]));
        json_array_append_new(iv, json_real(c->ci_hi[k]));
        json_array_append_new(b, json_boolean(c->lo_bound[k]));
        json_array_append_new(b, json_boolean(c->hi_bound[k]));
        json_object_set_new(intervals, c->names[k], iv);
        json_object_set_new(bounds, c->names[k], b);
    }
    json_object_set_new(root, "params", params);
    json_object_set_new(root, "intervals", intervals);
    json_object_set_new(root, "interval_at_bound", bounds);
    json_object_set_new(root, "targets", tgt_json(&scn->targets, &c->fitted.totals));
    json_object_set_new(root, "loglik", json_real(c->loglik));
    json_object_set_new(root, "method", json_string(c->method));
    if (c->have_cov) {
        json_t *cov = json_object(), *names = json_array(), *matrix = json_array(),
               *corr = json_array();
        for (size_t a = 0; a < c->d; a++) {
            json_array_append_new(names, json_string(c->names[a]));
            json_t *row = json_array(), *crow = json_array();
            for (size_t b = 0; b < c->d; b++) {
                json_array_append_new(row, number(c->cov[a * c->d + b]));
                json_array_append_new(crow, number(c->corr[a * c->d + b]));
            }
            json_array_append_new(matrix, row);
            json_array_append_new(corr, crow);
        }
        json_object_set_new(cov, "names", names);
        json_object_set_new(cov, "matrix", matrix);
        json_object_set_new(cov, "correlation", corr);
        json_object_set_new(root, "covariance", cov);
    }
    json_t *warnings = json_array();
    for (size_t i = 0; i < c->n_warnings; i++)
        json_array_append_new(warnings, json_string(c->warnings[i]));
    json_object_set_new(root, "warnings", warnings);
    json_object_set_new(root, "evaluations", json_integer((json_int_t)atomic_load(c->counter)));
    json_dumpf(root, f, JSON_INDENT(2) | JSON_REAL_PRECISION(12));
    fputc('\n', f);
    json_decref(root);
}

/* plots/calibration.dat: per target its number, name, observed share with
 * its exact (Clopper-Pearson) 95% interval, and the fitted share. */
static void write_plot_data(FILE *f, const void *arg)
{
    const calib *c = arg;
    const tgt_list *targets = &c->fitted.scn->targets;
    fputs("# target name observed low high fitted\n", f);
    for (size_t i = 0; i < targets->n; i++) {
        const tgt_target *t = &targets->items[i];
        double k = (double)t->observed, n = (double)t->of;
        double lo = k > 0 ? gsl_cdf_beta_Pinv(0.025, k, n - k + 1) : 0;
        double hi = k < n ? gsl_cdf_beta_Pinv(0.975, k + 1, n - k) : 1;
        /* A data file's string is in double quotes, which a name may not
         * close early. */
        char *name = plot_quote(t->name, 24);
        for (char *q = name; *q; q++)
            if (*q == '"')
                *q = '\'';
        name[0] = name[strlen(name) - 1] = '"';
        fprintf(f, "%zu %s %.10g %.10g %.10g %.10g\n", i, name, k / n, lo, hi,
                tgt_measure(t, &c->fitted.totals).simulated);
        free(name);
    }
}

static const plot_extra CALIBRATION_PLOTS[] = {
    {"calibration",
     /* xgettext:no-c-format */
     N_("Each target's observed share with its exact 95% interval, and the share of the fitted "
        "model."),
     write_plot_data},
};

static void print_answer(FILE *f, const calib *c, const char *out_path)
{
    const scn_scenario *scn = c->fitted.scn;
    char targets[64];
    fmt_snprintf(targets, sizeof targets,
                 /* TRANSLATORS: "fitted to 3 targets": the count the parameters are fitted to */
                 ngettext("%zu target", "%zu targets", scn->targets.n), scn->targets.n);
    fmt_printf(f,
               ngettext("%s: %zu parameter fitted to %s (%s), log-likelihood %.2f\n\n",
                        "%s: %zu parameters fitted to %s (%s), log-likelihood %.2f\n\n", c->d),
               scn->name, c->d, targets,
               c->exact ? _("exact expected values")
                        : _("Monte Carlo, the same customers every time"),
               c->loglik);
    const char *param_h = _("parameter"), *fitted_h = _("fitted"), *range_h = _("range");
    /* xgettext:no-c-format */
    const char *interval_h = _("95% interval");
    int w = (int)tw_width(param_h);
    for (size_t k = 0; k < c->d; k++)
        w = (int)tw_width(c->names[k]) > w ? (int)tw_width(c->names[k]) : w;
    fmt_printf(f, "  %-*s  %*s  %*s  %s\n", tw_field(param_h, w), param_h,
               tw_field(fitted_h, 12), fitted_h, tw_field(interval_h, 27), interval_h, range_h);
    for (size_t k = 0; k < c->d; k++) {
        char iv[128];
        fmt_snprintf(iv, sizeof iv, "[%.4g%s, %.4g%s]", c->ci_lo[k],
                     c->lo_bound[k] ? _(" (low)") : "", c->ci_hi[k],
                     c->hi_bound[k] ? _(" (high)") : "");
        fmt_printf(f, "  %-*s  %12.6g  %*s  %g..%g\n", tw_field(c->names[k], w), c->names[k],
                   c->x[k], tw_field(iv, 27), iv, c->lo[k], c->hi[k]);
    }
    bool bound = false;
    for (size_t k = 0; k < c->d; k++)
        bound = bound || c->lo_bound[k] || c->hi_bound[k];
    if (bound)
        fputs(_("  An end marked (low) or (high) is the parameter's bound: the targets allow the\n"
                "  whole way there.\n"),
              f);
    fputs("\n", f);
    tgt_print(f, &scn->targets, &c->fitted.totals);
    for (size_t i = 0; i < c->n_warnings_local; i++)
        fprintf(f, _("Warning: %s.\n"), c->warnings_local[i]);
    if (c->n_warnings_local)
        fputs("\n", f);
    fprintf(f,
            _("Results: %s/calibration.json (plots/calibration.svg)\nRun the fitted model: "
              "cjmsim run "),
            out_path);
    fmt_shell_word(f, c->opts->scenario);
    fputs(" --params ", f);
    char path[4096];
    snprintf(path, sizeof path, "%s/calibration.json", out_path);
    fmt_shell_word(f, path);
    fputs("\n", f);
}

/* ---- the normal approximation for psa ------------------------------------ */

cj_status cal_normal_read(const char *path, cal_normal *out, cj_err *err)
{
    memset(out, 0, sizeof *out);
    json_error_t jerr;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (!root)
        return cj_fail(err, CJ_ERR_USAGE, _("--calibrated %s: %s"), path, jerr.text);
    json_t *params = json_object_get(root, "params"), *cov = json_object_get(root, "covariance");
    json_t *names = json_object_get(cov, "names"), *matrix = json_object_get(cov, "matrix");
    size_t n = json_array_size(names);
    if (!json_is_object(params) || !json_is_array(names) || !json_is_array(matrix) || n == 0 ||
        json_array_size(matrix) != n || n > CAL_MAX) {
        json_decref(root);
        return cj_fail(err, CJ_ERR_USAGE,
                       _("--calibrated %s: the file has no \"covariance\" of its \"params\" (a "
                       "calibration.json whose fit is inside the ranges and tells the parameters "
                       "apart has one)"),
                       path);
    }
    out->n = n;
    out->names = xcalloc(n, sizeof *out->names);
    out->mean = xcalloc(n, sizeof *out->mean);
    out->chol = xcalloc(n * n, sizeof *out->chol);
    gsl_matrix *m = gsl_matrix_alloc(n, n);
    for (size_t i = 0; i < n && err->status == CJ_OK; i++) {
        const char *name = json_string_value(json_array_get(names, i));
        json_t *mean = name ? json_object_get(params, name) : NULL;
        json_t *row = json_array_get(matrix, i);
        if (!json_is_number(mean) || json_array_size(row) != n) {
            cj_fail(err, CJ_ERR_USAGE,
                    _("--calibrated %s: covariance row %zu does not match \"params\""), path, i + 1);
            break;
        }
        out->names[i] = xstrdup(name);
        out->mean[i] = json_number_value(mean);
        for (size_t j = 0; j < n; j++)
            gsl_matrix_set(m, i, j, json_number_value(json_array_get(row, j)));
    }
    gsl_set_error_handler_off();
    if (err->status == CJ_OK && gsl_linalg_cholesky_decomp1(m) != GSL_SUCCESS)
        cj_fail(err, CJ_ERR_USAGE, _("--calibrated %s: the covariance is not positive definite"),
                path);
    for (size_t i = 0; i < n && err->status == CJ_OK; i++)
        for (size_t j = 0; j <= i; j++)
            out->chol[i * n + j] = gsl_matrix_get(m, i, j);
    gsl_matrix_free(m);
    json_decref(root);
    if (err->status != CJ_OK)
        cal_normal_free(out);
    return err->status;
}

void cal_normal_draw(const cal_normal *nrm, const double *u, double *x)
{
    double z[CAL_MAX * 4];
    size_t n = nrm->n < CAL_MAX * 4 ? nrm->n : CAL_MAX * 4;
    for (size_t i = 0; i < n; i++)
        z[i] = gsl_cdf_ugaussian_Pinv(u[i]);
    for (size_t i = 0; i < n; i++) {
        x[i] = nrm->mean[i];
        for (size_t j = 0; j <= i; j++)
            x[i] += nrm->chol[i * nrm->n + j] * z[j];
    }
}

double cal_normal_sd(const cal_normal *nrm, size_t i)
{
    double s = 0;
    for (size_t j = 0; j <= i; j++)
        s += nrm->chol[i * nrm->n + j] * nrm->chol[i * nrm->n + j];
    return sqrt(s);
}

void cal_normal_free(cal_normal *nrm)
{
    for (size_t i = 0; i < nrm->n; i++)
        free(nrm->names ? nrm->names[i] : NULL);
    free(nrm->names);
    free(nrm->mean);
    free(nrm->chol);
    memset(nrm, 0, sizeof *nrm);
}

/* results/<name>-calibration, or --out: a run of the fitted model writes
 * results/<name> without replacing the calibration it reads. */
static char *out_path_of(const cli_options *opts)
{
    if (opts->out)
        return xstrdup(opts->out);
    char *run = rn_out_path(opts);
    char *out = xmalloc(strlen(run) + sizeof "-calibration");
    sprintf(out, "%s-calibration", run);
    free(run);
    return out;
}

cj_status calibrate_command(const cli_options *opts, int argc, char **argv, cj_err *err)
{
    rn_catch_interrupts();
    cli_options o = *opts;
    o.variants = "baseline"; /* targets describe the shop as it is */
    o.exact = !opts->monte_carlo;
    calib c = {.opts = &o, .exact = o.exact};
    c.counter = &c.evaluations;
    c.method = c.exact ? "exact" : "monte-carlo";
    int threads = rn_threads(opts);
    if (rn_prepare_base(&c.base, &o, err) == CJ_OK && choose_params(&c, err) == CJ_OK &&
        an_base_set(&o, &c.base_set, err) == CJ_OK) {
        sim_options so = {1, NULL, NULL, 0, 1, NULL};
        rn_simulate(&c.base, &so, err);
    }
    if (err->status == CJ_OK) {
        rn_compute(&c.base);
        fit(&c, err);
    }
    /* A profile that finds more than the fit (a noisy Monte Carlo surface,
     * a second peak) moves the fit there, once, and the profiles again. */
    for (int round = 0; err->status == CJ_OK && round < 2; round++) {
        if (profiles(&c, threads, err) != CJ_OK || !(c.better_loglik > c.loglik + 1e-3) ||
            round == 1)
            break;
        refit(&c, c.better_x, err);
    }
    if (err->status == CJ_OK && c.better_loglik > c.loglik + 1e-3)
        for (int local = 0; local < 2; local++)
            warn(&c, local,
                 tr(local, N_("the likelihood profile found a higher log-likelihood (%.3f) than "
                              "the fit (%.3f): the fit may be a local optimum; narrow the ranges "
                              "and calibrate again")),
                 c.better_loglik, c.loglik);
    size_t idx[CAL_MAX], m = 0;
    double H[CAL_MAX * CAL_MAX];
    if (err->status == CJ_OK && run_at(&c, c.x, &c.fitted, err) == CJ_OK) {
        for (size_t t = 0; t < c.fitted.scn->targets.n && t < 64; t++)
            c.fitted_share[t] =
                tgt_measure(&c.fitted.scn->targets.items[t], &c.fitted.totals).simulated;
        information(&c, idx, &m, H, err);
    }
    if (err->status == CJ_OK)
        identifiability(&c, idx, m, H, err);
    if (err->status == CJ_OK && sim_interrupted)
        cj_fail(err, CJ_ERR_INTERRUPTED, _("interrupted: no results were written"));
    if (err->status == CJ_OK) {
        char *out_path = out_path_of(&o);
        out_dir dir = {0};
        plot_output plots = {0};
        c.base.argc = argc;
        c.base.argv = argv;
        if (rn_begin_results(&dir, out_path, o.scenario, err) == CJ_OK &&
            an_write(&dir, "calibration.json", write_json, &c, err) == CJ_OK &&
            plot_write_extra(&dir, &c.base, CALIBRATION_PLOTS, 1, &c, NULL, 0, &plots, err) ==
                CJ_OK &&
            plot_draw(&dir, &plots, err) == CJ_OK) {
            if (an_finish(&dir, &c.base, err) == CJ_OK) {
                if (!o.quiet)
                    print_answer(stdout, &c, out_path);
                plot_warning(stderr, &plots, out_path);
            }
        }
        out_abort(&dir);
        plot_output_free(&plots);
        free(out_path);
    }
    for (size_t i = 0; i < c.n_warnings; i++)
        free(c.warnings[i]);
    free(c.warnings);
    for (size_t i = 0; i < c.n_warnings_local; i++)
        free(c.warnings_local[i]);
    free(c.warnings_local);
    prm_set_free(&c.base_set);
    rn_free(&c.fitted);
    rn_free(&c.base);
    return err->status;
}
