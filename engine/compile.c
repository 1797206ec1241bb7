#include "compile.h"

#include <lauxlib.h>
#include <lua.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fnkey.h"
#include "i18n.h"
#include "memo.h"
#include "sandbox.h"
#include "util.h"

/* The bytes of function keys one compile writes at most (fnkey.h): every
 * function reaching one huge table would otherwise cost a pass over it.
 * Past them the remaining functions are called as usual. */
enum { MEMO_KEYS_BUDGET = 4 << 20 };

/* A sum of probabilities up to this far above 1 is rounding, not a mistake. */
static const double SUM_TOLERANCE = 1e-9;

/* The probability of one edge for one persona in one variant: the scenario's
 * or an intervention's spec, times the product of the scale factors. */
typedef struct {
    const scn_prob *spec;
    int spec_id;      /* cache key: edge index, or n_edges + change number */
    double factor;
    int line;         /* where the spec was written */
    const char *changed_by; /* last intervention that changed it, or NULL */
} edge_prob;

/* What a probability function read of the customer, as bits. */
enum { READ_PERSONA = 1, READ_MOOD = 2, READ_PURCHASES = 4 };

/* Values of one spec for one (persona, mood, purchases), over days in stage. */
typedef struct {
    double *values; /* values[d - 1]; day d beyond n uses values[n - 1] */
    int n;          /* 0 while not evaluated */
    int reads;      /* functions: what the calls read (READ_*), over every day */
    bool called;    /* a function was called for this state (not copied) */
} eval_cache;

/* The customer that __index of the proxy table `c` describes. */
typedef struct {
    const scn_scenario *scn;
    int persona, mood, purchases, days_in_stage;
    int read_days; /* set when the function read c.days_in_stage */
    int reads;     /* READ_* of everything else read */
} customer_view;

typedef struct {
    const scn_scenario *scn;
    cmp_model *model;
    const var_list *variants;
    cj_err *err;
    customer_view view;
    int proxy_ref;
    int meta_ref, values_meta_ref; /* see make_proxy */
    double *day_values; /* a function's values over the days (call_function) */
    size_t n_specs;
    eval_cache *cache; /* [spec][persona][mood][purchases] */
    /* Per spec, the states of its function in the memo of an earlier
     * compile (`reused`) and in this compile's own (`kept`), or NULL. */
    const memo_values **reused;
    memo_values **kept;
} compile_ctx;

/* Returns the value on top after keeping it in the state's table of values
 * read (argument 1; see call_days), where the next reads of the field in
 * the same state find it without calling __index again. */
static int remember(lua_State *L)
{
    if (lua_type(L, 1) != LUA_TTABLE) /* __index called by hand */
        return 1;
    lua_pushvalue(L, 2);
    lua_pushvalue(L, -2);
    lua_rawset(L, 1);
    return 1;
}

static int customer_index(lua_State *L)
{
    customer_view *view = lua_touserdata(L, lua_upvalueindex(1));
    const scn_scenario *scn = view->scn;
    if (lua_type(L, 2) != LUA_TSTRING)
        return luaL_error(L, _("c[%s]: customer fields are names (c.mood)"), luaL_typename(L, 2));
    const char *key = lua_tostring(L, 2);
    if (strcmp(key, "persona") == 0) {
        view->reads |= READ_PERSONA;
        lua_pushstring(L, scn->personas[view->persona].name);
    } else if (strcmp(key, "mood") == 0) {
        view->reads |= READ_MOOD;
        lua_pushinteger(L, view->mood);
    } else if (strcmp(key, "purchases") == 0) {
        view->reads |= READ_PURCHASES;
        lua_pushinteger(L, view->purchases);
    } else if (strcmp(key, "days_in_stage") == 0) {
        view->read_days = 1;
        lua_pushinteger(L, view->days_in_stage);
    } else {
        view->reads |= READ_PERSONA; /* an attribute is the persona's */
        bool known = false;
        for (size_t p = 0; p < scn->n_personas; p++) {
            const scn_persona *persona = &scn->personas[p];
            for (size_t a = 0; a < persona->n_attrs; a++) {
                const scn_attr *attr = &persona->attrs[a];
                if (strcmp(attr->name, key) != 0)
                    continue;
                known = true;
                if ((int)p != view->persona)
                    continue;
                if (attr->lua_type == LUA_TNUMBER)
                    lua_pushnumber(L, attr->number);
                else if (attr->lua_type == LUA_TBOOLEAN)
                    lua_pushboolean(L, attr->boolean);
                else
                    lua_pushstring(L, attr->string);
                return remember(L);
            }
        }
        if (!known)
            return luaL_error(L,
                              _("c.%s: no persona has an attribute '%s'; a customer has "
                                "persona, mood, purchases, days_in_stage and its persona's "
                                "attributes"),
                              key, key);
        lua_pushnil(L); /* another persona's attribute: `c.team_size or 1` works */
        return 1;
    }
    return remember(L);
}

static int customer_newindex(lua_State *L)
{
    return luaL_error(L, _("c is read-only: a probability function cannot change the customer"));
}

/*
 * Creates the proxy `c` under protection (it allocates), and returns it,
 * its metatable and the metatable of the tables of values read. `c` stays
 * empty, so that every write meets __newindex. Its __index is a table of
 * the values the function has read in the current state (call_days gives
 * each state a new one), and that table's own __index, customer_index,
 * notes a field's first read and keeps its value there: the reads that
 * follow, on this and the next days, are a table lookup rather than a call
 * into C.
 */
static int make_proxy(lua_State *L)
{
    void *view = lua_touserdata(L, 1);
    lua_newtable(L);              /* 2: c */
    lua_createtable(L, 0, 2);     /* 3: its metatable */
    lua_pushcfunction(L, customer_newindex);
    lua_setfield(L, 3, "__newindex");
    lua_pushvalue(L, 3);
    lua_setmetatable(L, 2);
    lua_createtable(L, 0, 1);     /* 4: the metatable of the tables of values read */
    lua_pushlightuserdata(L, view);
    lua_pushcclosure(L, customer_index, 1);
    lua_setfield(L, 4, "__index");
    return 3;
}

static void describe_state(char *buf, size_t size, const compile_ctx *ctx, int persona,
                           int mood, int purchases, int day)
{
    snprintf(buf, size, _("persona '%s', mood %d, purchases %d%s, day %d in stage"),
             ctx->scn->personas[persona].name, mood, purchases,
             purchases == SCN_PURCHASES_CAP ? _(" or more") : "", day);
}

/* The calls of one function for one state, day after day. */
typedef struct {
    compile_ctx *ctx;
    const scn_prob *spec;
    double *values;  /* values[d - 1] */
    int days;        /* called for days 1 … days, or day 1 alone */
    int n;           /* days called */
    bool not_number; /* the call of day n returned no number (left on the stack) */
} day_calls;

/*
 * Calls the function for the customer in ctx->view on days 1, 2, … in the
 * stage (once when the first call did not read the day), all in one
 * protected call: entering one costs more than a typical function. The
 * state gets a new table of values read (make_proxy); once the function
 * has read the day, the day is written there before each call.
 */
static int call_days(lua_State *L)
{
    day_calls *dc = lua_touserdata(L, 1);
    compile_ctx *ctx = dc->ctx;
    /* From the registry, not from c: the function may have changed c. */
    lua_rawgeti(L, LUA_REGISTRYINDEX, ctx->proxy_ref); /* 2: c */
    lua_rawgeti(L, LUA_REGISTRYINDEX, ctx->meta_ref);  /* 3: c's metatable */
    lua_createtable(L, 0, 4);                          /* 4: the state's values read */
    lua_rawgeti(L, LUA_REGISTRYINDEX, ctx->values_meta_ref);
    lua_setmetatable(L, 4);
    lua_pushliteral(L, "__index");
    lua_pushvalue(L, 4);
    lua_rawset(L, 3);
    lua_pushliteral(L, "days_in_stage"); /* 5 */
    for (int d = 1; d <= dc->days; d++) {
        ctx->view.days_in_stage = d;
        if (ctx->view.read_days) {
            lua_pushvalue(L, 5);
            lua_pushinteger(L, d);
            lua_rawset(L, 4);
        }
        lua_rawgeti(L, LUA_REGISTRYINDEX, dc->spec->func_ref);
        lua_pushvalue(L, 2);
        lua_call(L, 1, 1);
        dc->n = d;
        if (lua_type(L, -1) != LUA_TNUMBER) {
            dc->not_number = true;
            return 1;
        }
        dc->values[d - 1] = lua_tonumber(L, -1);
        lua_pop(L, 1);
        if (!ctx->view.read_days)
            break;
    }
    return 0;
}

/* The values of a probability function over the days in the stage for the
 * customer in ctx->view, into ctx->day_values: their number, or 0 after an
 * error. */
static int call_function(compile_ctx *ctx, const scn_prob *spec, const char *edge_name)
{
    lua_State *L = ctx->scn->L;
    day_calls dc = {ctx, spec, ctx->day_values, ctx->model->days > 1 ? ctx->model->days : 1, 0,
                    false};
    lua_pushcfunction(L, call_days);
    lua_pushlightuserdata(L, &dc);
    int status = sbx_pcall(L, 1, 1);
    /* Described only for an error: this runs for every state. */
    char state[256] = "";
    if (status != LUA_OK || dc.not_number)
        describe_state(state, sizeof state, ctx, ctx->view.persona, ctx->view.mood,
                       ctx->view.purchases, ctx->view.days_in_stage);
    if (status != LUA_OK) {
        char msg[CJ_ERR_MSG_MAX - 512];
        sbx_error_message(L, status, ctx->scn->path, msg, sizeof msg);
        cj_fail(ctx->err, CJ_ERR_SCENARIO, _("%s (in the probability of %s, for %s)"), msg,
                edge_name, state);
        lua_pop(L, 1);
        return 0;
    }
    if (dc.not_number) {
        cj_fail(ctx->err, CJ_ERR_SCENARIO,
                _("%s:%d: the probability function of %s returned a %s, not a number (for %s)"),
                ctx->scn->path, spec->func_line, edge_name, luaL_typename(L, -1), state);
        lua_pop(L, 1);
        return 0;
    }
    lua_pop(L, 1);
    return dc.n;
}

/* Gives a state its own copy of a function's values over the days and
 * what the function read. */
static void set_values(eval_cache *cache, const double *values, int n, int reads)
{
    cache->values = xmalloc((size_t)n * sizeof *cache->values);
    memcpy(cache->values, values, (size_t)n * sizeof *cache->values);
    cache->n = n;
    cache->reads = reads;
}

/*
 * A function called for another state of the same spec that read nothing
 * in which that state differs from this one (over all its days) ran the
 * same way it would run here: its values are this state's too, without
 * calling it again. A delivery time that reads only c.days_in_stage is then
 * called for one state instead of one per persona, mood and purchases,
 * which is most of the time of loading a scenario. (A function is taken to
 * depend on the customer and the scenario's values only, as the model
 * says.)
 */
static bool reuse(compile_ctx *ctx, const edge_prob *ep, int persona, int mood, int purchases,
                  eval_cache *cache)
{
    const scn_scenario *scn = ctx->scn;
    size_t base = (size_t)ep->spec_id * scn->n_personas * SCN_MOODS * CMP_PURCHASE_BUCKETS;
    for (int p = 0; p < (int)scn->n_personas; p++)
        for (int m = SCN_MOOD_MIN; m <= SCN_MOOD_MAX; m++)
            for (int k = 0; k < CMP_PURCHASE_BUCKETS; k++) {
                const eval_cache *other =
                    &ctx->cache[base + ((size_t)p * SCN_MOODS + (size_t)(m - SCN_MOOD_MIN)) *
                                           CMP_PURCHASE_BUCKETS +
                                (size_t)k];
                if (!other->called || other == cache)
                    continue;
                if (((other->reads & READ_PERSONA) && p != persona) ||
                    ((other->reads & READ_MOOD) && m != mood) ||
                    ((other->reads & READ_PURCHASES) && k != purchases))
                    continue;
                set_values(cache, other->values, other->n, other->reads);
                return true;
            }
    return false;
}

/*
 * The values of a spec over days in stage for one (persona, mood,
 * purchases). A function that does not read c.days_in_stage is called once;
 * one that does is called for every day up to the run's length, and its
 * values are cut where they stop changing.
 */
static const eval_cache *evaluate(compile_ctx *ctx, const edge_prob *ep, const char *edge_name,
                                  int persona, int mood, int purchases)
{
    const scn_scenario *scn = ctx->scn;
    size_t state = ((size_t)persona * SCN_MOODS + (size_t)(mood - SCN_MOOD_MIN)) *
                       CMP_PURCHASE_BUCKETS +
                   (size_t)purchases;
    size_t slot = (size_t)ep->spec_id * scn->n_personas * SCN_MOODS * CMP_PURCHASE_BUCKETS + state;
    eval_cache *cache = &ctx->cache[slot];
    if (cache->n)
        return cache;
    const scn_prob *spec = ep->spec;
    if (spec->kind != SCN_PROB_FUNCTION) {
        cache->values = xmalloc(sizeof *cache->values);
        cache->values[0] = spec->kind == SCN_PROB_NUMBER ? spec->number : spec->per_persona[persona];
        cache->n = 1;
        return cache;
    }
    const memo_values *earlier = ctx->reused[ep->spec_id] ? &ctx->reused[ep->spec_id][state] : NULL;
    if (earlier && earlier->n) {
        /* The same function saw the same customer in an earlier compile:
         * these are the values a call would give, as if called here. */
        set_values(cache, earlier->values, earlier->n, earlier->reads);
        cache->called = true;
    } else if (!reuse(ctx, ep, persona, mood, purchases, cache)) {
        ctx->view = (customer_view){scn, persona, mood, purchases, 1, 0, 0};
        cache->called = true;
        int n = call_function(ctx, spec, edge_name);
        if (n == 0)
            return NULL;
        const double *values = ctx->day_values;
        while (n > 1 && (values[n - 1] == values[n - 2] ||
                         (isnan(values[n - 1]) && isnan(values[n - 2]))))
            n--;
        set_values(cache, values, n, ctx->view.reads);
    }
    if (ctx->kept[ep->spec_id])
        memo_put(&ctx->kept[ep->spec_id][state], cache->values, cache->n, cache->reads);
    return cache;
}

/* The spec and factor of edge e for persona p in a variant. */
static edge_prob effective_prob(const compile_ctx *ctx, uint32_t mask, int persona, int e)
{
    const scn_scenario *scn = ctx->scn;
    edge_prob ep = {&scn->edges[e].prob, e, 1.0, scn->edges[e].line, NULL};
    int change_id = (int)scn->n_edges;
    for (size_t i = 0; i < scn->n_interventions; i++) {
        const scn_intervention *iv = &scn->interventions[i];
        for (size_t c = 0; c < iv->n_changes; c++, change_id++) {
            const scn_edge_change *change = &iv->changes[c];
            if (change->edge != e || !(mask & (1u << i)) ||
                !(iv->personas & (UINT64_C(1) << persona)))
                continue;
            if (change->is_set) {
                ep.spec = &change->prob;
                ep.spec_id = change_id;
                ep.factor = 1.0;
            } else {
                ep.factor *= change->factor;
            }
            ep.line = iv->line;
            ep.changed_by = iv->name;
        }
    }
    return ep;
}

static void edge_name(char *buf, size_t size, const scn_scenario *scn, int e)
{
    snprintf(buf, size, "%s->%s", scn->stages[scn->edges[e].from].name,
             scn->stages[scn->edges[e].to].name);
}

static void variant_clause(char *buf, size_t size, const cmp_variant *variant,
                           const edge_prob *ep)
{
    if (ep && ep->changed_by)
        snprintf(buf, size, _(" in variant '%s' (changed by intervention '%s')"), variant->name,
                 ep->changed_by);
    else if (variant->mask)
        snprintf(buf, size, _(" in variant '%s'"), variant->name);
    else
        buf[0] = '\0';
}

typedef struct {
    edge_prob ep;
    const eval_cache *values;
} out_value;

static double value_at(const out_value *ov, int day)
{
    int i = day <= ov->values->n ? day - 1 : ov->values->n - 1;
    return ov->ep.factor * ov->values->values[i];
}

/* Appends n zeroed elements to a table of doubles or thresholds and
 * returns the offset of the first. */
static uint32_t append_rows(void *table_ptr, size_t *n, size_t count, size_t elem_size)
{
    void **table = table_ptr;
    size_t offset = *n;
    *table = xrealloc(*table, offset + count + 1, elem_size);
    memset((char *)*table + offset * elem_size, 0, count * elem_size);
    *n += count;
    return (uint32_t)offset;
}

/* Days of a constant tail tabled after the prefix, so that most exits are
 * found in the table rather than with a logarithm: enough for all but a
 * few percent of the exits of a daily hazard above 5%, at 12 bytes a day. */
enum { TAIL_TABLE_DAYS = 64 };

/* The guide of a node's table (see cmp_exit_day): bucket b covers u from
 * 1 − (b + 1) w to 1 − b w, w = (1 − S(n)) / n, and starts at the first day
 * whose survival is below its top. */
static void build_guide(cmp_plan *plan, cmp_node *x)
{
    uint32_t n = x->n_table;
    if (n == 0)
        return;
    const double *s = plan->surv + x->surv_offset;
    uint32_t *guide = plan->guide + x->surv_offset;
    double drop = 1.0 - s[n - 1];
    x->guide_scale = drop > 0 ? (double)n / drop : 0.0;
    uint32_t t = 1;
    for (uint32_t b = 0; b < n; b++) {
        double top = 1.0 - (double)b * drop / (double)n;
        while (t < n && s[t - 1] >= top)
            t++;
        guide[b] = t;
    }
}

/*
 * The exit tables of one checked state (see cmp_node): the survival of the
 * days before the hazard settles and of the first days of the tail, the
 * tail's hazard, and per row the edges' shares of that day's hazard as
 * cumulative 32-bit thresholds. The last edge that can be taken on a day
 * gets CMP_ONE, so an edge whose probability is 0 that day is never chosen,
 * whatever the rounding.
 */
static void build_exit(cmp_variant *variant, cmp_plan *plan, cmp_node *x, int stage,
                       const out_value *outs, uint32_t k, int rows, int days)
{
    x->k = k;
    x->first_edge = variant->out_start[stage];
    x->n_prefix = (uint32_t)rows - 1;
    x->n_table = 0;
    x->log_surv = 0.0;
    x->tail_scale = -INFINITY;
    if (k == 0)
        return;
    x->cond_offset = append_rows(&plan->cond, &plan->n_cond, (size_t)rows * k, sizeof *plan->cond);
    x->prob_offset = append_rows(&plan->prob, &plan->n_prob, (size_t)rows * k, sizeof *plan->prob);
    for (int day = 1; day <= rows; day++)
        for (uint32_t j = 0; j < k; j++)
            plan->prob[x->prob_offset + (size_t)(day - 1) * k + j] = value_at(&outs[j], day);
    double *hazards = xcalloc((size_t)rows, sizeof *hazards);
    for (int day = 1; day <= rows; day++) {
        double hazard = 0;
        int last = -1;
        for (uint32_t j = 0; j < k; j++) {
            double p = value_at(&outs[j], day);
            hazard += p;
            if (p > 0)
                last = (int)j;
        }
        hazard = fmin(hazard, 1.0);
        hazards[day - 1] = hazard;
        uint64_t *c = plan->cond + x->cond_offset + (size_t)(day - 1) * k;
        double cum = 0;
        for (uint32_t j = 0; j < k; j++) {
            cum += value_at(&outs[j], day);
            c[j] = (int)j >= last ? CMP_ONE
                                  : (uint64_t)llround(fmin(cum / hazard, 1.0) * (double)CMP_ONE);
        }
    }
    double tail = hazards[rows - 1];
    x->n_table = x->n_prefix;
    /* A tail of 0 or 1 needs no table: nobody leaves, or all on its first day. */
    if (tail > 0 && tail < 1) {
        uint32_t left = (uint32_t)days - x->n_prefix;
        x->n_table += left < TAIL_TABLE_DAYS ? left : TAIL_TABLE_DAYS;
    }
    size_t n_surv = plan->n_surv;
    x->surv_offset = append_rows(&plan->surv, &plan->n_surv, x->n_table, sizeof *plan->surv);
    append_rows(&plan->guide, &n_surv, x->n_table, sizeof *plan->guide);
    double survival = 1.0;
    for (uint32_t t = 1; t <= x->n_table; t++) {
        survival *= 1.0 - (t <= x->n_prefix ? hazards[t - 1] : tail);
        plan->surv[x->surv_offset + t - 1] = survival;
    }
    x->log_surv = log(survival);
    x->tail_scale = tail > 0 ? 1.0 / log1p(-tail) : -INFINITY;
    free(hazards);
    build_guide(plan, x);
}

/* Checks one state's exit probabilities and appends its threshold rows. */
static bool compile_state(compile_ctx *ctx, cmp_variant *variant, cmp_plan *plan, int persona,
                          int stage, int mood, int purchases, bool *edge_possible)
{
    const scn_scenario *scn = ctx->scn;
    uint32_t k = variant->out_start[stage + 1] - variant->out_start[stage];
    cmp_state *state = &plan->states[cmp_state_index(stage, mood, purchases)];
    plan->stage_reached[stage] = true;
    out_value *outs = xcalloc(k, sizeof *outs);
    int rows = 1;
    for (uint32_t j = 0; j < k; j++) {
        int e = variant->out_edge[variant->out_start[stage] + j];
        char name[160];
        edge_name(name, sizeof name, scn, e);
        outs[j].ep = effective_prob(ctx, variant->mask, persona, e);
        outs[j].values = evaluate(ctx, &outs[j].ep, name, persona, mood, purchases);
        if (!outs[j].values) {
            free(outs);
            return false;
        }
        if (outs[j].values->n > rows)
            rows = outs[j].values->n;
    }
    if (plan->n_thr + (size_t)rows * k >= CMP_UNREACHABLE ||
        plan->n_surv + (size_t)rows + TAIL_TABLE_DAYS >= CMP_UNREACHABLE) {
        free(outs);
        cj_fail(ctx->err, CJ_ERR_RESOURCE,
                _("%s: the probability tables are too large: fewer "
                  "days or fewer functions of days_in_stage would help"),
                scn->path);
        return false;
    }
    state->thr_offset = (uint32_t)plan->n_thr;
    state->n_rows = (uint32_t)rows;
    plan->thr = xrealloc(plan->thr, plan->n_thr + (size_t)rows * k, sizeof *plan->thr);
    for (int day = 1; day <= rows; day++) {
        double sum = 0;
        for (uint32_t j = 0; j < k; j++) {
            double p = value_at(&outs[j], day);
            int e = variant->out_edge[variant->out_start[stage] + j];
            if (!(p >= 0.0 && p <= 1.0)) {
                char name[160], where[256], clause[256];
                edge_name(name, sizeof name, scn, e);
                describe_state(where, sizeof where, ctx, persona, mood, purchases, day);
                variant_clause(clause, sizeof clause, variant, &outs[j].ep);
                if (isnan(p))
                    cj_fail(ctx->err, CJ_ERR_SCENARIO,
                            _("%s:%d: transition %s: the probability is not a number (NaN) for "
                              "%s%s; check for 0/0 or math.huge - math.huge"),
                            scn->path, outs[j].ep.line, name, where, clause);
                else
                    cj_fail(ctx->err, CJ_ERR_SCENARIO,
                            _("%s:%d: transition %s: probability %g for %s%s; a daily "
                              "probability must be from 0 to 1"),
                            scn->path, outs[j].ep.line, name, p, where, clause);
                free(outs);
                return false;
            }
            if (p > 0)
                edge_possible[j] = true;
            if (!(p >= plan->p_min[e])) /* NAN at first */
                plan->p_min[e] = p;
            if (!(p <= plan->p_max[e]))
                plan->p_max[e] = p;
            sum += p;
            uint64_t thr = (uint64_t)llround(fmin(sum, 1.0) * (double)CMP_ONE);
            plan->thr[plan->n_thr + (size_t)(day - 1) * k + j] = thr;
        }
        if (sum > 1.0 + SUM_TOLERANCE) {
            char where[256], clause[256], terms[1024] = "";
            describe_state(where, sizeof where, ctx, persona, mood, purchases, day);
            variant_clause(clause, sizeof clause, variant, NULL);
            for (uint32_t j = 0; j < k; j++) {
                char term[256], name[160];
                edge_name(name, sizeof name, scn, variant->out_edge[variant->out_start[stage] + j]);
                snprintf(term, sizeof term, "%s%s %g", j ? " + " : "", name,
                         value_at(&outs[j], day));
                strncat(terms, term, sizeof terms - strlen(terms) - 1);
            }
            cj_fail(ctx->err, CJ_ERR_SCENARIO,
                    _("%s:%d: stage '%s': the daily probabilities of leaving sum to %g for %s%s "
                      "(%s); they must not exceed 1"),
                    scn->path, scn->stages[stage].line, scn->stages[stage].name, sum, where, clause,
                    terms);
            free(outs);
            return false;
        }
    }
    plan->n_thr += (size_t)rows * k;
    cmp_node *node = &plan->nodes[cmp_state_index(stage, mood, purchases)];
    node->stage = stage;
    node->mood = (int8_t)mood;
    node->purchases = (uint8_t)purchases;
    node->purchase_slot = (int16_t)ctx->model->purchase_slot[stage];
    /* A node of a purchase stage with one purchase is entered by the first. */
    node->touch_mask = plan->touch_mask[stage] & (purchases == 1 ? UINT32_MAX : ~plan->once_mask[stage]);
    build_exit(variant, plan, node, stage, outs, k, rows, ctx->model->days);
    free(outs);
    return true;
}

/* The plan's tables before any state is compiled: mood changes and uses
 * per stage. */
static void plan_init(compile_ctx *ctx, cmp_variant *variant, int persona)
{
    const scn_scenario *scn = ctx->scn;
    cmp_plan *plan = &variant->plans[persona];
    size_t n_states = scn->n_stages * SCN_MOODS * CMP_PURCHASE_BUCKETS;
    plan->mood_delta = xcalloc(scn->n_stages, sizeof *plan->mood_delta);
    plan->first_mood_delta = xcalloc(scn->n_stages, sizeof *plan->first_mood_delta);
    plan->once_mask = xcalloc(scn->n_stages, sizeof *plan->once_mask);
    plan->touch_mask = xcalloc(scn->n_stages, sizeof *plan->touch_mask);
    plan->states = xcalloc(n_states, sizeof *plan->states);
    plan->stage_reached = xcalloc(scn->n_stages, sizeof *plan->stage_reached);
    plan->p_min = xcalloc(scn->n_edges, sizeof *plan->p_min);
    plan->p_max = xcalloc(scn->n_edges, sizeof *plan->p_max);
    for (size_t e = 0; e < scn->n_edges; e++)
        plan->p_min[e] = plan->p_max[e] = NAN;
    plan->nodes = xcalloc(n_states, sizeof *plan->nodes);
    for (size_t i = 0; i < n_states; i++)
        plan->states[i].thr_offset = CMP_UNREACHABLE;
    for (size_t s = 0; s < scn->n_stages; s++) {
        int delta = scn->stages[s].emotion, first = 0;
        for (size_t i = 0; i < scn->n_interventions; i++) {
            const scn_intervention *iv = &scn->interventions[i];
            if (!(variant->mask & (1u << i)) || !(iv->personas & (UINT64_C(1) << persona)))
                continue;
            if (iv->at == (int)s && iv->once) {
                first += iv->mood;
                plan->once_mask[s] |= 1u << i;
            } else if (iv->at == (int)s) {
                delta += iv->mood;
            }
            if (iv->touches[s])
                plan->touch_mask[s] |= 1u << i;
        }
        plan->mood_delta[s] = (int8_t)delta;
        plan->first_mood_delta[s] = (int8_t)first;
    }
    int entry = scn->entry;
    int mood0 = cmp_clamp_mood(scn->personas[persona].mood + plan->mood_delta[entry] +
                               (scn->stages[entry].purchase ? plan->first_mood_delta[entry] : 0));
    plan->entry_node = (uint32_t)cmp_state_index(entry, mood0, scn->stages[entry].purchase ? 1 : 0);
}

/* Compiles the states a persona can reach from `from` (n of them) that the
 * plan does not have yet. */
static bool plan_explore(compile_ctx *ctx, cmp_variant *variant, int persona, const size_t *from,
                         size_t n_from)
{
    const scn_scenario *scn = ctx->scn;
    cmp_plan *plan = &variant->plans[persona];
    size_t n_states = scn->n_stages * SCN_MOODS * CMP_PURCHASE_BUCKETS;
    size_t *queue = xcalloc(n_states, sizeof *queue);
    bool *seen = xcalloc(n_states, sizeof *seen);
    size_t head = 0, tail = 0;
    for (size_t i = 0; i < n_states; i++)
        seen[i] = plan->states[i].thr_offset != CMP_UNREACHABLE;
    for (size_t i = 0; i < n_from; i++)
        if (!seen[from[i]]) {
            seen[from[i]] = true;
            queue[tail++] = from[i];
        }
    bool ok = true;
    while (ok && head < tail) {
        size_t idx = queue[head++];
        int purchases = (int)(idx % CMP_PURCHASE_BUCKETS);
        int mood = (int)(idx / CMP_PURCHASE_BUCKETS % SCN_MOODS) + SCN_MOOD_MIN;
        int stage = (int)(idx / CMP_PURCHASE_BUCKETS / SCN_MOODS);
        uint32_t k = variant->out_start[stage + 1] - variant->out_start[stage];
        bool *possible = xcalloc(k, sizeof *possible);
        ok = compile_state(ctx, variant, plan, persona, stage, mood, purchases, possible);
        if (ok)
            plan->nodes[idx].next_offset =
                append_rows(&plan->next, &plan->n_next, k, sizeof *plan->next);
        for (uint32_t j = 0; ok && j < k; j++) {
            int to = scn->edges[variant->out_edge[variant->out_start[stage] + j]].to;
            int next_purchases = purchases + (scn->stages[to].purchase ? 1 : 0);
            if (next_purchases > SCN_PURCHASES_CAP)
                next_purchases = SCN_PURCHASES_CAP;
            int delta = plan->mood_delta[to] +
                        (scn->stages[to].purchase && purchases == 0 ? plan->first_mood_delta[to] : 0);
            size_t next = cmp_state_index(to, cmp_clamp_mood(mood + delta), next_purchases);
            /* An edge that is never possible here is never drawn either, so
             * the node it would lead to need not be compiled. */
            plan->next[plan->nodes[idx].next_offset + j] = (uint32_t)next;
            if (!possible[j])
                continue;
            if (!seen[next]) {
                seen[next] = true;
                queue[tail++] = next;
            }
        }
        free(possible);
    }
    free(queue);
    free(seen);
    return ok;
}

/* Walks the states a persona can reach in a variant, compiling each. */
static bool compile_plan(compile_ctx *ctx, cmp_variant *variant, int persona)
{
    plan_init(ctx, variant, persona);
    size_t start = variant->plans[persona].entry_node;
    return plan_explore(ctx, variant, persona, &start, 1);
}

/* The variant's outgoing edges per stage: the baseline's plus those its
 * interventions add with `set`. */
static void build_out_edges(const scn_scenario *scn, cmp_variant *variant)
{
    bool *present = xcalloc(scn->n_edges, sizeof *present);
    for (size_t e = 0; e < scn->n_base_edges; e++)
        present[e] = true;
    for (size_t i = 0; i < scn->n_interventions; i++) {
        if (!(variant->mask & (1u << i)))
            continue;
        const scn_intervention *iv = &scn->interventions[i];
        for (size_t c = 0; c < iv->n_changes; c++)
            if (iv->changes[c].is_set)
                present[iv->changes[c].edge] = true;
    }
    variant->out_start = xcalloc(scn->n_stages + 1, sizeof *variant->out_start);
    variant->out_edge = xcalloc(scn->n_edges, sizeof *variant->out_edge);
    uint32_t n = 0;
    for (size_t s = 0; s < scn->n_stages; s++) {
        variant->out_start[s] = n;
        for (size_t e = 0; e < scn->n_edges; e++)
            if (present[e] && scn->edges[e].from == (int)s)
                variant->out_edge[n++] = (int)e;
    }
    variant->out_start[scn->n_stages] = n;
    free(present);
}

static bool same_doubles(const double *a, const double *b, size_t n)
{
    return n == 0 || memcmp(a, b, n * sizeof *a) == 0;
}

/* Is node n left in plan b (variant vb) as in plan a (variant va)? The same
 * edges and the same exit tables: a customer there draws the same day and
 * edge from the same random numbers. */
static bool same_node(const cmp_variant *va, const cmp_plan *a, const cmp_variant *vb,
                      const cmp_plan *b, size_t n)
{
    if (a->states[n].thr_offset == CMP_UNREACHABLE || b->states[n].thr_offset == CMP_UNREACHABLE)
        return false;
    const cmp_node *x = &a->nodes[n], *y = &b->nodes[n];
    if (x->k != y->k || x->n_prefix != y->n_prefix || x->n_table != y->n_table ||
        memcmp(&x->log_surv, &y->log_surv, sizeof x->log_surv) ||
        memcmp(&x->tail_scale, &y->tail_scale, sizeof x->tail_scale))
        return false;
    for (uint32_t j = 0; j < x->k; j++)
        if (va->out_edge[x->first_edge + j] != vb->out_edge[y->first_edge + j])
            return false;
    size_t n_cond = (size_t)(x->n_prefix + 1) * x->k;
    return x->k == 0 ||
           (same_doubles(a->surv + x->surv_offset, b->surv + y->surv_offset, x->n_table) &&
            memcmp(a->cond + x->cond_offset, b->cond + y->cond_offset,
                   n_cond * sizeof *a->cond) == 0);
}

/* Marks, in every plan (the parts' too: the periods of variants with launch
 * dates), the nodes that are left as in the first variant. */
static void mark_shared(cmp_model *model)
{
    const scn_scenario *scn = model->scn;
    size_t n_states = scn->n_stages * SCN_MOODS * CMP_PURCHASE_BUCKETS;
    const cmp_variant *first = &model->variants[0];
    for (size_t v = 0; v < model->n_variants + model->n_parts; v++) {
        const cmp_variant *variant =
            v < model->n_variants ? &model->variants[v] : &model->parts[v - model->n_variants];
        for (size_t p = 0; p < scn->n_personas; p++) {
            cmp_plan *plan = &variant->plans[p];
            plan->same_as_first = xcalloc(n_states, sizeof *plan->same_as_first);
            for (size_t n = 0; n < n_states; n++)
                plan->same_as_first[n] =
                    same_node(first, &first->plans[p], variant, plan, n);
        }
    }
}

/* The index among the model's parts of the plans with the interventions
 * of `mask` live, compiled the first time a period asks for them. */
static size_t part_for(compile_ctx *ctx, uint32_t mask, const char *name, bool *ok)
{
    cmp_model *model = ctx->model;
    const scn_scenario *scn = ctx->scn;
    for (size_t i = 0; i < model->n_parts; i++)
        if (model->parts[i].mask == mask)
            return i;
    model->parts = xrealloc(model->parts, model->n_parts + 1, sizeof *model->parts);
    size_t index = model->n_parts++;
    cmp_variant *part = &model->parts[index];
    memset(part, 0, sizeof *part);
    part->mask = mask;
    part->name = name; /* errors name the variant that runs these plans */
    part->plans = xcalloc(scn->n_personas, sizeof *part->plans);
    build_out_edges(scn, part);
    for (size_t p = 0; *ok && p < scn->n_personas; p++)
        *ok = compile_plan(ctx, part, (int)p);
    return index;
}

static int compare_ints(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/*
 * A variant's periods: the days its set of live interventions changes
 * (from_day, and the day after until_day), the plans of each set, and in
 * every part of the variant the states any of them reaches, so that a
 * customer who is in a state when the period changes finds it compiled.
 */
static bool build_periods(compile_ctx *ctx, cmp_variant *variant)
{
    const scn_scenario *scn = ctx->scn;
    int days = ctx->model->days;
    int *from = xcalloc(2 * scn->n_interventions + 1, sizeof *from);
    size_t n = 0;
    from[n++] = 0;
    for (size_t i = 0; i < scn->n_interventions; i++) {
        const scn_intervention *iv = &scn->interventions[i];
        if (!(variant->mask & (1u << i)))
            continue;
        if (iv->from_day > 0 && iv->from_day <= days)
            from[n++] = iv->from_day;
        if (iv->until_day >= 0 && iv->until_day < days)
            from[n++] = iv->until_day + 1;
    }
    qsort(from, n, sizeof *from, compare_ints);
    uint32_t *mask = xcalloc(n, sizeof *mask);
    size_t m = 0;
    for (size_t q = 0; q < n; q++) {
        uint32_t live = 0;
        for (size_t i = 0; i < scn->n_interventions; i++)
            if ((variant->mask & (1u << i)) && cmp_live(&scn->interventions[i], from[q]))
                live |= 1u << i;
        if (m > 0 && mask[m - 1] == live)
            continue;
        from[m] = from[q];
        mask[m++] = live;
    }
    bool ok = true;
    if (m == 1 && mask[0] == variant->mask) {
        free(from);
        free(mask);
        return true; /* live every day: the variant's own plans */
    }
    variant->n_periods = (uint32_t)m;
    variant->period_from = from;
    variant->period_part = xcalloc(m, sizeof *variant->period_part);
    for (size_t q = 0; ok && q < m; q++)
        variant->period_part[q] = part_for(ctx, mask[q], variant->name, &ok);
    free(mask);
    return ok;
}

/* Compiles, in every part of a variant, the states the other parts reach;
 * sets *grew when a part got a new state. */
static bool unite_parts(compile_ctx *ctx, const cmp_variant *variant, bool *grew_any)
{
    const scn_scenario *scn = ctx->scn;
    size_t m = variant->n_periods;
    bool ok = true;
    size_t n_states = scn->n_stages * SCN_MOODS * CMP_PURCHASE_BUCKETS;
    size_t *missing = xcalloc(n_states, sizeof *missing);
    for (size_t p = 0; ok && p < scn->n_personas; p++) {
        for (bool grew = true; ok && grew;) {
            grew = false;
            for (size_t q = 0; ok && q < m; q++) {
                cmp_variant *part = &ctx->model->parts[variant->period_part[q]];
                const cmp_state *mine = part->plans[p].states;
                size_t n_missing = 0;
                for (size_t i = 0; i < n_states; i++) {
                    if (mine[i].thr_offset != CMP_UNREACHABLE)
                        continue;
                    for (size_t r = 0; r < m; r++) {
                        const cmp_variant *part_r = &ctx->model->parts[variant->period_part[r]];
                        const cmp_plan *other = &part_r->plans[p];
                        if (other->states[i].thr_offset != CMP_UNREACHABLE) {
                            missing[n_missing++] = i;
                            break;
                        }
                    }
                }
                if (n_missing) {
                    grew = *grew_any = true;
                    ok = plan_explore(ctx, part, (int)p, missing, n_missing);
                }
            }
        }
    }
    free(missing);
    return ok;
}

static void append_text(fnkey *key, const char *s)
{
    size_t len = s ? strlen(s) : 0;
    fnkey_append(key, &len, sizeof len);
    fnkey_append(key, s ? s : "", len);
}

/* What a function sees of the customers besides their state: the days it
 * is called for and the personas with their attributes (c.team_size). */
static void context_key(const scn_scenario *scn, int days, fnkey *key)
{
    fnkey_append(key, &days, sizeof days);
    fnkey_append(key, &scn->n_personas, sizeof scn->n_personas);
    for (size_t p = 0; p < scn->n_personas; p++) {
        const scn_persona *persona = &scn->personas[p];
        append_text(key, persona->name);
        fnkey_append(key, &persona->n_attrs, sizeof persona->n_attrs);
        for (size_t a = 0; a < persona->n_attrs; a++) {
            const scn_attr *attr = &persona->attrs[a];
            append_text(key, attr->name);
            fnkey_append(key, &attr->lua_type, sizeof attr->lua_type);
            if (attr->lua_type == LUA_TNUMBER)
                fnkey_append(key, &attr->number, sizeof attr->number);
            else if (attr->lua_type == LUA_TBOOLEAN)
                fnkey_append(key, &attr->boolean, sizeof attr->boolean);
            else
                append_text(key, attr->string);
        }
    }
}

/* The spec of cache key `id` (edge_prob.spec_id). */
static const scn_prob *spec_of(const scn_scenario *scn, size_t id)
{
    if (id < scn->n_edges)
        return &scn->edges[id].prob;
    id -= scn->n_edges;
    for (size_t i = 0; i < scn->n_interventions; i++) {
        if (id < scn->interventions[i].n_changes)
            return &scn->interventions[i].changes[id].prob;
        id -= scn->interventions[i].n_changes;
    }
    return NULL;
}

/* Finds each probability function in the earlier memo and gives it its
 * place in this compile's own. A function without a key (it reaches a
 * userdata, say) is called as usual and kept nowhere. */
static void attach_memo(compile_ctx *ctx, const cmp_memo *reuse, cmp_memo **keep)
{
    const scn_scenario *scn = ctx->scn;
    ctx->reused = xcalloc(ctx->n_specs, sizeof *ctx->reused);
    ctx->kept = xcalloc(ctx->n_specs, sizeof *ctx->kept);
    if (!reuse && !keep)
        return;
    size_t n_states = scn->n_personas * SCN_MOODS * CMP_PURCHASE_BUCKETS;
    fnkey context = {0}, key = {0};
    context_key(scn, ctx->model->days, &context);
    if (reuse && !memo_same_context(reuse, &context))
        reuse = NULL;
    if (keep)
        *keep = memo_new(&context, n_states);
    lua_State *L = scn->L;
    size_t spent = 0;
    for (size_t id = 0; id < ctx->n_specs && spent < MEMO_KEYS_BUDGET; id++) {
        const scn_prob *spec = spec_of(scn, id);
        if (!spec || spec->kind != SCN_PROB_FUNCTION)
            continue;
        lua_rawgeti(L, LUA_REGISTRYINDEX, spec->func_ref);
        bool has_key = fnkey_of(L, -1, &key);
        lua_pop(L, 1);
        spent += key.len;
        if (!has_key)
            continue;
        if (reuse)
            ctx->reused[id] = memo_find(reuse, &key);
        if (keep)
            ctx->kept[id] = memo_keep(*keep, &key);
    }
    fnkey_free(&key);
    fnkey_free(&context);
}

cmp_model *cmp_build(const scn_scenario *scn, const var_list *variants, int days, cj_err *err)
{
    return cmp_build_memo(scn, variants, days, NULL, NULL, err);
}

cmp_model *cmp_build_memo(const scn_scenario *scn, const var_list *variants, int days,
                          const cmp_memo *reuse, cmp_memo **keep, cj_err *err)
{
    cmp_model *model = xcalloc(1, sizeof *model);
    model->scn = scn;
    model->days = days;
    model->purchase_slot = xcalloc(scn->n_stages, sizeof *model->purchase_slot);
    for (size_t s = 0; s < scn->n_stages; s++)
        model->purchase_slot[s] =
            scn->stages[s].purchase ? (int)model->n_purchase_stages++ : -1;

    compile_ctx ctx = {.scn = scn, .model = model, .variants = variants, .err = err};
    size_t n_changes = 0;
    for (size_t i = 0; i < scn->n_interventions; i++)
        n_changes += scn->interventions[i].n_changes;
    ctx.n_specs = scn->n_edges + n_changes;
    size_t n_cache = ctx.n_specs * scn->n_personas * SCN_MOODS * CMP_PURCHASE_BUCKETS;
    ctx.cache = xcalloc(n_cache, sizeof *ctx.cache);
    ctx.day_values = xcalloc(days > 1 ? (size_t)days : 1, sizeof *ctx.day_values);

    lua_State *L = scn->L;
    lua_pushcfunction(L, make_proxy);
    lua_pushlightuserdata(L, &ctx.view);
    if (sbx_pcall(L, 1, 3) != LUA_OK) {
        cj_fail(err, CJ_ERR_RESOURCE, _("cannot prepare the customer table: %s"),
                lua_tostring(L, -1));
        lua_pop(L, 1);
        free(ctx.cache);
        free(ctx.day_values);
        cmp_free(model);
        return NULL;
    }
    ctx.values_meta_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    ctx.meta_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    ctx.proxy_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    attach_memo(&ctx, reuse, keep);

    model->variants = xcalloc(variants->n, sizeof *model->variants);
    model->n_variants = variants->n;
    bool ok = true;
    for (size_t v = 0; ok && v < variants->n; v++) {
        cmp_variant *variant = &model->variants[v];
        variant->mask = variants->items[v].mask;
        variant->name = variants->items[v].name;
        variant->plans = xcalloc(scn->n_personas, sizeof *variant->plans);
        build_out_edges(scn, variant);
        for (size_t p = 0; ok && p < scn->n_personas; p++)
            ok = compile_plan(&ctx, variant, (int)p);
    }
    for (size_t v = 0; ok && v < variants->n; v++)
        ok = build_periods(&ctx, &model->variants[v]);
    /* Parts are shared: until no part grows, so that all the parts of a
     * variant have the same states, which exact.c numbers alike. */
    for (bool grew = true; ok && grew;) {
        grew = false;
        for (size_t v = 0; ok && v < variants->n; v++)
            ok = unite_parts(&ctx, &model->variants[v], &grew);
    }
    luaL_unref(L, LUA_REGISTRYINDEX, ctx.proxy_ref);
    luaL_unref(L, LUA_REGISTRYINDEX, ctx.meta_ref);
    luaL_unref(L, LUA_REGISTRYINDEX, ctx.values_meta_ref);
    for (size_t i = 0; i < n_cache; i++)
        free(ctx.cache[i].values);
    free(ctx.cache);
    free(ctx.day_values);
    free(ctx.reused);
    free(ctx.kept);
    if (!ok) {
        if (keep) {
            memo_free(*keep);
            *keep = NULL;
        }
        cmp_free(model);
        return NULL;
    }
    mark_shared(model);
    return model;
}

static void free_variant(const cmp_model *model, cmp_variant *variant)
{
    if (variant->plans) {
        for (size_t p = 0; p < model->scn->n_personas; p++) {
            free(variant->plans[p].mood_delta);
            free(variant->plans[p].first_mood_delta);
            free(variant->plans[p].once_mask);
            free(variant->plans[p].touch_mask);
            free(variant->plans[p].states);
            free(variant->plans[p].stage_reached);
            free(variant->plans[p].p_min);
            free(variant->plans[p].p_max);
            free(variant->plans[p].thr);
            free(variant->plans[p].nodes);
            free(variant->plans[p].same_as_first);
            free(variant->plans[p].next);
            free(variant->plans[p].surv);
            free(variant->plans[p].guide);
            free(variant->plans[p].cond);
            free(variant->plans[p].prob);
        }
    }
    free(variant->plans);
    free(variant->out_start);
    free(variant->out_edge);
    free(variant->period_from);
    free(variant->period_part);
}

void cmp_free(cmp_model *model)
{
    if (!model)
        return;
    for (size_t v = 0; v < model->n_variants; v++)
        free_variant(model, &model->variants[v]);
    for (size_t i = 0; i < model->n_parts; i++)
        free_variant(model, &model->parts[i]);
    free(model->parts);
    free(model->variants);
    free(model->purchase_slot);
    free(model);
}
