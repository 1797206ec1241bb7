/*
 * scenario — a scenario file turned into plain C data.
 *
 * scn_load runs the Lua file once; the declarations it makes (scenario,
 * persona, stage, transition, intervention) are collected here with the line
 * that made them, checked for every mistake that can be seen without
 * evaluating probabilities, and resolved from names to indices. Probability
 * functions stay in the Lua state as references for compile.c to evaluate.
 */
#ifndef CJ_SCENARIO_H
#define CJ_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "param.h"
#include "sandbox.h"
#include "target.h"

typedef struct lua_State lua_State;

enum {
    SCN_MOOD_MIN = -3,
    SCN_MOOD_MAX = 3,
    SCN_MOODS = SCN_MOOD_MAX - SCN_MOOD_MIN + 1,
    /* c.purchases is reported up to this bound: functions see 5 for 5 or more. */
    SCN_PURCHASES_CAP = 5,
    SCN_MAX_PERSONAS = 64,
    SCN_MAX_INTERVENTIONS = 16,
    SCN_MAX_DAYS = 36500,
};

/* A descriptive field of a journey map: one string or a list of them. */
typedef struct {
    char *key;
    char **items;
    size_t n_items;
} scn_text;

typedef struct {
    scn_text *items;
    size_t n;
} scn_texts;

/* A persona attribute that probability functions can read (c.team_size). */
typedef struct {
    char *name;
    int lua_type; /* LUA_TNUMBER, LUA_TBOOLEAN or LUA_TSTRING */
    double number;
    bool boolean;
    char *string;
} scn_attr;

typedef struct {
    char *name;
    int line;
    double share;
    int mood;
    scn_attr *attrs;
    size_t n_attrs;
    scn_texts texts; /* needs, pains, goals, the 5W … */
} scn_persona;

typedef struct {
    char *name;
    int line;
    bool entry, terminal, purchase;
    int emotion;
    double *value; /* order value per persona (purchase stages) */
    scn_texts texts; /* touchpoints, actions, thoughts, pains, opportunities … */
} scn_stage;

typedef enum { SCN_PROB_NUMBER, SCN_PROB_PERSONA, SCN_PROB_FUNCTION } scn_prob_kind;

/* A daily transition probability as written in the scenario. */
typedef struct {
    scn_prob_kind kind;
    double number;
    double *per_persona; /* SCN_PROB_PERSONA: one value per persona */
    int func_ref;        /* SCN_PROB_FUNCTION: registry reference */
    int func_line;       /* where the function was defined */
} scn_prob;

typedef struct {
    int from, to;
    int line;
    scn_prob prob;
} scn_edge;

/* A change to one edge made by an intervention. */
typedef struct {
    int edge; /* index into scn_scenario.edges (set may add edges) */
    bool is_set; /* set replaces the probability; otherwise it is scaled */
    double factor;
    scn_prob prob;
} scn_edge_change;

typedef struct {
    char *name;
    int line;
    uint64_t personas; /* bit per persona it applies to */
    int at;            /* stage whose entry it changes, or -1 */
    int mood;
    bool once; /* mood and use on the customer's first purchase only (`at` is a purchase stage) */
    scn_edge_change *changes;
    size_t n_changes;
    double cost_per_customer, cost_per_use;
    /* Launch window: live on days from_day … until_day (until_day -1: to
     * the end of the run); outside it the variant runs without it. */
    int from_day, until_day;
    /* Per stage: entering it counts as a use of the intervention (its `at`
     * stage, or the stages its changed edges leave). */
    bool *touches;
    scn_texts texts;
} scn_intervention;

typedef struct {
    char *path; /* the file as given on the command line */
    char *name;
    int days;
    int64_t customers;
    uint64_t seed;
    double margin;
    scn_texts texts;

    scn_persona *personas;
    size_t n_personas;
    scn_stage *stages;
    size_t n_stages;
    int entry;
    /* Edges of the baseline first (n_base_edges), then edges that only
     * interventions add with `set`. */
    scn_edge *edges;
    size_t n_edges, n_base_edges;
    scn_intervention *interventions;
    size_t n_interventions;

    lua_State *L; /* kept open: compile.c evaluates the functions */

    prm_list params; /* declared with param, with the values in force */

    /* Calendar time (arrivals.h): customers who arrive day by day instead
     * of one cohort on day 0. */
    bool has_arrivals;
    bool arrivals_is_function; /* arrivals = function(day) */
    double arrivals;           /* customers a day, when a number */
    int arrivals_ref;          /* the function's registry reference */
    int arrivals_line;         /* where arrivals was given (the function's line) */
    bool customers_given;      /* the scenario set customers */
    int repeat_window;         /* days; 0: repeat_buyers_in_window is not counted */
    /* Lifetime value: discounted revenue and profit per customer over the
     * run, at this annual rate; not counted without discount_rate. */
    bool has_discount;
    double discount_rate;
    tgt_list targets; /* declared with target (target.h), resolved */
} scn_scenario;

/* Loads and checks a scenario file in a sandbox with the given limits (NULL:
 * the defaults); on failure returns NULL and fills err with a message that
 * starts with "file:line:" wherever there is a line. */
scn_scenario *scn_load(const char *path, const sbx_limits *limits, cj_err *err);

/* scn_load with a parameter set (NULL: every parameter at its default). A
 * name the scenario does not declare is a usage error; a scenario error
 * names the parameter values that are not the defaults (prm_explain_error). */
scn_scenario *scn_load_params(const char *path, const sbx_limits *limits, const prm_set *params,
                              cj_err *err);
void scn_free(scn_scenario *scn);

int scn_find_stage(const scn_scenario *scn, const char *name);
int scn_find_persona(const scn_scenario *scn, const char *name);
int scn_find_edge(const scn_scenario *scn, int from, int to);

/* Looks a descriptive field up by key; NULL when absent. */
const scn_text *scn_text_get(const scn_texts *texts, const char *key);

#endif
