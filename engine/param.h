/*
 * param — the parameters of a scenario.
 *
 * Owns `param "name" { default, low = L, high = H, dist = D }` and the
 * distributions D a scenario writes (uniform, triangular, normal, lognormal,
 * beta, gamma); the parameter set a load runs with (name -> value, from
 * --params FILE and --set NAME=VALUE); the list of parameters a scenario
 * declared, with the value in force, kept in scn_scenario; and the quantiles
 * that uncertainty analysis draws from (GSL).
 *
 * A parameter is a plain number to the scenario: `param` returns the value
 * in force, so the file runs once per parameter set and a parameter may
 * stand wherever a number may.
 */
#ifndef CJ_PARAM_H
#define CJ_PARAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "err.h"

typedef struct lua_State lua_State;
struct json_t;

enum { PRM_NAME_MAX = 64 };

typedef enum {
    PRM_FIXED,      /* neither a range nor a distribution: nothing to draw */
    PRM_UNIFORM,    /* uniform(a, b) */
    PRM_TRIANGULAR, /* triangular(a, mode, b) */
    PRM_NORMAL,     /* normal(mean, sd) */
    PRM_LOGNORMAL,  /* lognormal(meanlog, sdlog) */
    PRM_BETA,       /* beta(alpha, beta) */
    PRM_GAMMA,      /* gamma(shape, scale) */
} prm_dist_kind;

/* A distribution with its arguments in the order the scenario writes them. */
typedef struct {
    prm_dist_kind kind;
    double arg[3];
} prm_dist;

typedef struct {
    char *name;
    char *file; /* where it was declared */
    int line;
    double def;
    bool def_integer; /* the default was a whole Lua integer */
    bool has_range;
    double low, high;
    prm_dist dist;   /* uniform(low, high) when only the range was given */
    bool dist_given; /* dist = ... was written */
    double value;    /* in force in this load */
    char *source;    /* NULL: the default; else "--set" or the --params file */
} prm_param;

/* The parameters a scenario declared, in declaration order. */
typedef struct {
    prm_param *items;
    size_t n;
    char *context; /* see prm_set.context */
} prm_list;

typedef struct {
    char *name;
    double value;
    char *source; /* "--set" or the file it came from */
} prm_override;

/* The values a load runs with; names not given keep their default. */
typedef struct {
    prm_override *items;
    size_t n;
    /* What this set is among several ("draw 17"): a scenario error then
     * reads "in draw 17 (name = value): file:line: ...". NULL for a single
     * run, where it reads "file:line: ... (with name = value)". */
    const char *context;
} prm_set;

/* Letters, digits and '_', not starting with a digit, 1 to PRM_NAME_MAX
 * characters: a name that a CSV column and a command line carry as is. */
bool prm_valid_name(const char *name);

/* Sets name to value; a later call for the same name wins. */
void prm_set_put(prm_set *set, const char *name, double value, const char *source);

/* Splits "name=value" into its name (copied into name, PRM_NAME_MAX + 1
 * bytes) and a finite number; a usage error otherwise. */
cj_status prm_parse_assignment(const char *text, char *name, double *value, cj_err *err);

/* The "params" object of a JSON file (calibration.json): every value a
 * finite number; a usage error naming the file otherwise. */
cj_status prm_set_read_file(prm_set *set, const char *path, cj_err *err);

/* The set of a command line: the file's values first, then every --set in
 * order, so that --set wins. params_file may be NULL. */
cj_status prm_set_build(prm_set *set, const char *params_file, const char *const *assignments,
                        size_t n_assignments, cj_err *err);
void prm_set_free(prm_set *set);

/* Installs param and the distribution constructors as globals. */
void prm_open(lua_State *L);

/* From now on param takes its values from set (may be NULL: every default)
 * and records each declaration into list. */
void prm_bind(lua_State *L, const prm_set *set, prm_list *list);

/* Once the file has run: a param declared later (inside a probability
 * function) is an error. */
void prm_close(lua_State *L);

/* A usage error for every name of set that the scenario did not declare. */
cj_status prm_check_unknown(const prm_set *set, const prm_list *list, cj_err *err);

const prm_param *prm_find(const prm_list *list, const char *name);

/* Is there anything to draw (a distribution, or a range)? */
bool prm_uncertain(const prm_param *p);

/* The quantile of p's distribution at u in (0, 1); the default for a fixed
 * parameter, NaN for u outside (0, 1). */
double prm_draw(const prm_param *p, double u);

/* "beta(12, 988)"; "fixed" for PRM_FIXED. */
void prm_dist_text(const prm_dist *d, char *buf, size_t size);

/* The shortest text that reads back as exactly x ("3.1", "0.012"). */
void prm_number_text(double x, char *buf, size_t size);

/* "a = 1.2, b = 3": the parameters whose value in force is not their
 * default; false (and "") when every one is at its default. */
bool prm_describe_changed(const prm_list *list, char *buf, size_t size);

/* Says in a scenario error which parameter values caused it, as
 * prm_set.context describes; nothing when all are at their defaults. */
void prm_explain_error(cj_err *err, const prm_list *list);

/* A warning on f for every value set outside the parameter's [low, high]. */
void prm_warn_outside(FILE *f, const prm_list *list);

/* The parameters for `check`: default, range, distribution, value in force;
 * nothing when the scenario declares none. */
void prm_print(FILE *f, const prm_list *list);

/* { name: value in force } for summary.json and manifest.json. */
struct json_t *prm_values_json(const prm_list *list);

void prm_list_free(prm_list *list);

#endif
