#include "param.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <jansson.h>
#include <lauxlib.h>
#include <lua.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dsl.h"
#include "util.h"
#include "i18n.h"

/* Registry keys: the binding of the running load, and the metatable of the
 * distribution userdata. */
#define PRM_BINDING_KEY "cjmsim.params"
#define PRM_DIST_META "cjmsim.dist"

typedef struct {
    const prm_set *set;
    prm_list *list;
    bool closed;
} prm_binding;

static const char *const PARAM_KEYS[] = {"low", "high", "dist", NULL};

/* What the scenario writes for each distribution, and how many numbers. */
static const struct {
    const char *name;
    prm_dist_kind kind;
    int n_args;
    const char *signature;
} DISTS[] = {
    {"uniform", PRM_UNIFORM, 2, "uniform(a, b)"},
    {"triangular", PRM_TRIANGULAR, 3, "triangular(a, mode, b)"},
    {"normal", PRM_NORMAL, 2, "normal(mean, sd)"},
    {"lognormal", PRM_LOGNORMAL, 2, "lognormal(meanlog, sdlog)"},
    {"beta", PRM_BETA, 2, "beta(alpha, beta)"},
    {"gamma", PRM_GAMMA, 2, "gamma(shape, scale)"},
};
enum { N_DISTS = sizeof DISTS / sizeof DISTS[0] };

static int dist_index(prm_dist_kind kind)
{
    for (int i = 0; i < N_DISTS; i++)
        if (DISTS[i].kind == kind)
            return i;
    return -1;
}

bool prm_valid_name(const char *name)
{
    size_t len = strlen(name);
    if (len == 0 || len > PRM_NAME_MAX || (name[0] >= '0' && name[0] <= '9'))
        return false;
    return strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") == len;
}

/* %g with the fewest digits that round-trip; an exponent only for numbers
 * that need one (300 is "300", not "3e+02"). */
void prm_number_text(double x, char *buf, size_t size)
{
    bool plain = x == 0 || (fabs(x) >= 1e-5 && fabs(x) < 1e15);
    for (int digits = 1; digits <= 17; digits++) {
        snprintf(buf, size, "%.*g", digits, x);
        if (strtod(buf, NULL) == x && (!plain || !strchr(buf, 'e')))
            return;
    }
}

void prm_dist_text(const prm_dist *d, char *buf, size_t size)
{
    int i = dist_index(d->kind);
    if (i < 0) {
        snprintf(buf, size, "fixed");
        return;
    }
    size_t len = (size_t)snprintf(buf, size, "%s(", DISTS[i].name);
    for (int a = 0; a < DISTS[i].n_args && len < size; a++) {
        char num[32];
        prm_number_text(d->arg[a], num, sizeof num);
        len += (size_t)snprintf(buf + len, size - len, "%s%s", a ? ", " : "", num);
    }
    if (len < size)
        snprintf(buf + len, size - len, ")");
}

/* ---- the parameter set -------------------------------------------------- */

void prm_set_put(prm_set *set, const char *name, double value, const char *source)
{
    for (size_t i = 0; i < set->n; i++)
        if (strcmp(set->items[i].name, name) == 0) {
            set->items[i].value = value;
            free(set->items[i].source);
            set->items[i].source = xstrdup(source);
            return;
        }
    prm_override *o = xgrow(&set->items, &set->n, sizeof *o);
    o->name = xstrdup(name);
    o->value = value;
    o->source = xstrdup(source);
}

static const prm_override *set_find(const prm_set *set, const char *name)
{
    for (size_t i = 0; set && i < set->n; i++)
        if (strcmp(set->items[i].name, name) == 0)
            return &set->items[i];
    return NULL;
}

cj_status prm_parse_assignment(const char *text, char *name, double *value, cj_err *err)
{
    const char *eq = strchr(text, '=');
    if (!eq)
        return cj_fail(err, CJ_ERR_USAGE,
                       _("--set needs NAME=VALUE, e.g. --set consult_effect=1.6; got '%s'"), text);
    size_t len = (size_t)(eq - text);
    char buf[PRM_NAME_MAX + 1] = "";
    if (len <= PRM_NAME_MAX) {
        memcpy(buf, text, len);
        buf[len] = '\0';
    }
    if (len > PRM_NAME_MAX || !prm_valid_name(buf))
        return cj_fail(err, CJ_ERR_USAGE,
                       _("--set %s: '%.*s' is not a parameter name (letters, digits and _, "
                         "not starting with a digit, at most %d characters)"),
                       text, (int)len, text, PRM_NAME_MAX);
    const char *v = eq + 1;
    char *end;
    double x = strtod(v, &end);
    if (!v[0] || *end != '\0' || end == v)
        return cj_fail(err, CJ_ERR_USAGE, _("--set %s: '%s' is not a number"), text, v);
    if (!isfinite(x))
        return cj_fail(err, CJ_ERR_USAGE, _("--set %s: the value must be a finite number"), text);
    memcpy(name, buf, strlen(buf) + 1);
    *value = x;
    return CJ_OK;
}

cj_status prm_set_read_file(prm_set *set, const char *path, cj_err *err)
{
    json_error_t jerr;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        if (jerr.line > 0)
            return cj_fail(err, CJ_ERR_USAGE, _("--params %s:%d: %s"), path, jerr.line, jerr.text);
        return cj_fail(err, CJ_ERR_USAGE, _("--params %s: %s"), path, jerr.text);
    }
    json_t *params = json_is_object(root) ? json_object_get(root, "params") : NULL;
    if (!json_is_object(params)) {
        json_decref(root);
        return cj_fail(err, CJ_ERR_USAGE,
                       _("--params %s: the file has no top-level \"params\" object "
                         "({ \"params\": { \"name\": value } }, as calibration.json has)"),
                       path);
    }
    const char *name;
    json_t *value;
    json_object_foreach(params, name, value)
    {
        if (!prm_valid_name(name)) {
            cj_fail(err, CJ_ERR_USAGE, _("--params %s: '%s' is not a parameter name"), path, name);
            break;
        }
        if (!json_is_number(value)) {
            cj_fail(err, CJ_ERR_USAGE, _("--params %s: the value of '%s' must be a number"), path,
                    name);
            break;
        }
        prm_set_put(set, name, json_number_value(value), path);
    }
    json_decref(root);
    return err->status;
}

cj_status prm_set_build(prm_set *set, const char *params_file, const char *const *assignments,
                        size_t n_assignments, cj_err *err)
{
    if (params_file && prm_set_read_file(set, params_file, err) != CJ_OK)
        return err->status;
    for (size_t i = 0; i < n_assignments; i++) {
        char name[PRM_NAME_MAX + 1];
        double value;
        if (prm_parse_assignment(assignments[i], name, &value, err) != CJ_OK)
            return err->status;
        prm_set_put(set, name, value, "--set");
    }
    return CJ_OK;
}

void prm_set_free(prm_set *set)
{
    for (size_t i = 0; i < set->n; i++) {
        free(set->items[i].name);
        free(set->items[i].source);
    }
    free(set->items);
    set->items = NULL;
    set->n = 0;
}

/* ---- the scenario's side ------------------------------------------------ */

static const char *type_name(lua_State *L, int idx)
{
    return luaL_testudata(L, idx, PRM_DIST_META) ? "distribution" : luaL_typename(L, idx);
}

static prm_binding *binding(lua_State *L)
{
    lua_getfield(L, LUA_REGISTRYINDEX, PRM_BINDING_KEY);
    prm_binding *b = lua_touserdata(L, -1);
    lua_pop(L, 1); /* the registry keeps it alive */
    return b;
}

/* Are the arguments of a distribution ones it is defined for? */
static bool dist_args_valid(const prm_dist *d, const char **need)
{
    const double *a = d->arg;
    switch (d->kind) {
    case PRM_UNIFORM:
        *need = "a < b";
        return a[0] < a[1];
    case PRM_TRIANGULAR:
        *need = "a < b and a <= mode <= b";
        return a[0] < a[2] && a[0] <= a[1] && a[1] <= a[2];
    case PRM_NORMAL:
        *need = "sd > 0";
        return a[1] > 0;
    case PRM_LOGNORMAL:
        *need = "sdlog > 0";
        return a[1] > 0;
    case PRM_BETA:
        *need = "alpha > 0 and beta > 0";
        return a[0] > 0 && a[1] > 0;
    case PRM_GAMMA:
        *need = "shape > 0 and scale > 0";
        return a[0] > 0 && a[1] > 0;
    case PRM_FIXED:
        break;
    }
    *need = "";
    return true;
}

/* uniform(a, b) and the others: upvalue 1 is the index into DISTS. */
static int prm_dist_new(lua_State *L)
{
    int i = (int)lua_tointeger(L, lua_upvalueindex(1));
    int n = lua_gettop(L);
    if (n != DISTS[i].n_args)
        return dsl_error(L, _("%s takes %d numbers, got %d"), DISTS[i].signature, DISTS[i].n_args,
                         n);
    prm_dist d = {DISTS[i].kind, {0, 0, 0}};
    for (int a = 0; a < n; a++) {
        if (lua_type(L, a + 1) != LUA_TNUMBER)
            return dsl_error(L, _("%s: argument %d must be a number, not a %s"), DISTS[i].signature,
                             a + 1, type_name(L, a + 1));
        d.arg[a] = lua_tonumber(L, a + 1);
        if (!isfinite(d.arg[a]))
            return dsl_error(L, _("%s: argument %d must be a finite number"), DISTS[i].signature,
                             a + 1);
    }
    const char *need;
    if (!dist_args_valid(&d, &need)) {
        char text[160];
        prm_dist_text(&d, text, sizeof text);
        return dsl_error(L, _("%s needs %s, got %s"), DISTS[i].signature, need, text);
    }
    prm_dist *ud = lua_newuserdatauv(L, sizeof *ud, 0);
    *ud = d;
    luaL_setmetatable(L, PRM_DIST_META);
    return 1;
}

static int prm_dist_tostring(lua_State *L)
{
    char text[160];
    prm_dist_text(luaL_checkudata(L, 1, PRM_DIST_META), text, sizeof text);
    lua_pushstring(L, text);
    return 1;
}

/* Where a distribution can draw: [lo, hi]; lo_open when lo itself is not. */
static void dist_support(const prm_dist *d, double *lo, double *hi, bool *lo_open)
{
    *lo = -INFINITY;
    *hi = INFINITY;
    *lo_open = false;
    switch (d->kind) {
    case PRM_UNIFORM:
        *lo = d->arg[0];
        *hi = d->arg[1];
        break;
    case PRM_TRIANGULAR:
        *lo = d->arg[0];
        *hi = d->arg[2];
        break;
    case PRM_BETA:
        *lo = 0;
        *hi = 1;
        break;
    case PRM_LOGNORMAL:
        *lo = 0;
        *lo_open = true;
        break;
    case PRM_GAMMA:
        *lo = 0;
        break;
    case PRM_NORMAL:
    case PRM_FIXED:
        break;
    }
}

/* The number under `key` of the table at 1, if any; raises on anything
 * else. */
static bool number_field(lua_State *L, const char *owner, const char *key, double *out)
{
    lua_pushstring(L, key);
    int t = lua_rawget(L, 1);
    if (t == LUA_TNIL) {
        lua_pop(L, 1);
        return false;
    }
    if (t != LUA_TNUMBER)
        dsl_error(L, _("%s: %s must be a number, not a %s"), owner, key, type_name(L, -1));
    *out = lua_tonumber(L, -1);
    lua_pop(L, 1);
    if (!isfinite(*out))
        dsl_error(L, _("%s: %s must be a finite number"), owner, key);
    return true;
}

/* Every key of the table at 1 is the default (key 1) or a known name; the
 * first unknown one in sorted order is reported, whatever Lua's traversal
 * order. */
static void check_keys(lua_State *L, const char *owner)
{
    char unknown[PRM_NAME_MAX + 1] = "";
    bool found = false;
    lua_pushnil(L);
    while (lua_next(L, 1)) {
        lua_pop(L, 1);
        int t = lua_type(L, -1);
        if (t == LUA_TNUMBER) {
            if (lua_isinteger(L, -1) && lua_tointeger(L, -1) == 1)
                continue;
            lua_pop(L, 1);
            dsl_error(L,
                      _("%s: only the default comes without a name; write the others as "
                        "low = ..., high = ..., dist = ..."),
                      owner);
        }
        if (t != LUA_TSTRING) {
            lua_pop(L, 1);
            dsl_error(L, _("%s: every key must be a name (key = value), found a %s key"), owner,
                      lua_typename(L, t));
        }
        const char *key = lua_tostring(L, -1);
        bool known = false;
        for (const char *const *k = PARAM_KEYS; *k; k++)
            known = known || strcmp(*k, key) == 0;
        if (!known && (!found || strcmp(key, unknown) < 0)) {
            snprintf(unknown, sizeof unknown, "%s", key);
            found = true;
        }
    }
    if (!found)
        return;
    const char *best = closest_name(unknown, PARAM_KEYS);
    char hint[64] = "";
    if (best)
        snprintf(hint, sizeof hint, _(" (did you mean '%s'?)"), best);
    dsl_error(L, _("%s: unknown key '%s'%s; known keys: the default first, then low, high, dist"),
              owner, unknown, hint);
}

/* The second half of `param "name" { ... }`: checks the declaration,
 * records it and returns the value in force. */
static int prm_body(lua_State *L)
{
    const char *name = lua_tostring(L, lua_upvalueindex(1));
    char owner[PRM_NAME_MAX + 16];
    snprintf(owner, sizeof owner, "param \"%s\"", name);
    if (lua_gettop(L) != 1 || lua_type(L, 1) != LUA_TTABLE)
        return dsl_error(L,
                         _("%s expects a table after the name: %s { 1.4, low = 1.0, high = 1.8 }"),
                         owner, owner);
    prm_binding *b = binding(L);
    if (b && b->closed)
        return dsl_error(L,
                         _("%s is declared while probabilities are computed: declare "
                           "parameters when the file runs, outside functions"),
                         owner);
    const prm_param *prev = b && b->list ? prm_find(b->list, name) : NULL;
    if (prev)
        return dsl_error(L, _("%s is declared twice: first at %s:%d"), owner, prev->file,
                         prev->line);
    check_keys(L, owner);

    prm_param p = {0};
    int t = lua_rawgeti(L, 1, 1);
    if (t == LUA_TNIL)
        return dsl_error(L,
                         _("%s needs its default value first: %s { 1.4, low = 1.0, high = 1.8 }"),
                         owner, owner);
    if (t != LUA_TNUMBER)
        return dsl_error(L, _("%s: the default must be a number, not a %s"), owner,
                         type_name(L, -1));
    p.def = lua_tonumber(L, -1);
    p.def_integer = lua_isinteger(L, -1);
    lua_pop(L, 1);
    if (!isfinite(p.def))
        return dsl_error(L, _("%s: the default must be a finite number"), owner);

    bool has_low = number_field(L, owner, "low", &p.low);
    bool has_high = number_field(L, owner, "high", &p.high);
    if (has_low != has_high)
        return dsl_error(L, _("%s: give both low and high, or neither (%s is missing)"), owner,
                         has_low ? "high" : "low");
    char a[32], c[32], d[32];
    prm_number_text(p.def, a, sizeof a);
    if (has_low) {
        p.has_range = true;
        prm_number_text(p.low, c, sizeof c);
        prm_number_text(p.high, d, sizeof d);
        if (!(p.low < p.high))
            return dsl_error(L, _("%s: low = %s must be below high = %s"), owner, c, d);
        if (p.def < p.low || p.def > p.high)
            return dsl_error(L, _("%s: the default %s lies outside low..high = %s..%s"), owner, a,
                             c, d);
        p.dist = (prm_dist){PRM_UNIFORM, {p.low, p.high, 0}};
    }
    lua_pushliteral(L, "dist");
    t = lua_rawget(L, 1);
    if (t != LUA_TNIL) {
        const prm_dist *dist = luaL_testudata(L, -1, PRM_DIST_META);
        if (!dist)
            return dsl_error(L,
                             _("%s: dist must be a distribution such as beta(12, 988) or "
                               "normal(1.4, 0.2), not a %s"),
                             owner, type_name(L, -1));
        p.dist = *dist;
        p.dist_given = true;
        double lo, hi;
        bool lo_open;
        dist_support(dist, &lo, &hi, &lo_open);
        if (p.def < lo || p.def > hi || (lo_open && p.def == lo)) {
            char text[160], from[32], to[32], where[96];
            prm_dist_text(dist, text, sizeof text);
            prm_number_text(lo, from, sizeof from);
            prm_number_text(hi, to, sizeof to);
            if (!isinf(hi))
                snprintf(where, sizeof where, _("from %s to %s"), from, to);
            else
                snprintf(where, sizeof where, "%s %s", lo_open ? _("above") : _("from"), from);
            return dsl_error(L, _("%s: the default %s is a value %s never draws (it draws %s%s)"),
                             owner, a, text, where, isinf(hi) && !lo_open ? " up" : "");
        }
    }
    lua_pop(L, 1);

    /* Everything is checked: nothing below raises, so nothing leaks. */
    const prm_override *o = b ? set_find(b->set, name) : NULL;
    p.value = o ? o->value : p.def;
    if (b && b->list) {
        const char *file;
        int line = dsl_where(L, &file);
        prm_param *rec = xgrow(&b->list->items, &b->list->n, sizeof *rec);
        *rec = p;
        rec->name = xstrdup(name);
        rec->file = xstrdup(file ? file : "?");
        rec->line = line;
        rec->source = o ? xstrdup(o->source) : NULL;
    }
    if (p.def_integer && p.value == floor(p.value) && fabs(p.value) < 0x1p53)
        lua_pushinteger(L, (lua_Integer)p.value);
    else
        lua_pushnumber(L, p.value);
    return 1;
}

static int prm_named(lua_State *L)
{
    if (lua_type(L, 1) != LUA_TSTRING)
        return dsl_error(L, _("param expects a name in quotes: param \"consult_effect\" { 1.4, "
                              "low = 1.0, high = 1.8 }"));
    const char *name = lua_tostring(L, 1);
    if (!prm_valid_name(name))
        return dsl_error(L,
                         _("param \"%.80s\": a parameter name is letters, digits and _, not "
                           "starting with a digit, at most %d characters"),
                         name, PRM_NAME_MAX);
    lua_pushvalue(L, 1);
    lua_pushcclosure(L, prm_body, 1);
    return 1;
}

void prm_open(lua_State *L)
{
    luaL_newmetatable(L, PRM_DIST_META);
    lua_pushcfunction(L, prm_dist_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable"); /* getmetatable cannot reach it */
    lua_pop(L, 1);
    for (int i = 0; i < N_DISTS; i++) {
        lua_pushinteger(L, i);
        lua_pushcclosure(L, prm_dist_new, 1);
        lua_setglobal(L, DISTS[i].name);
    }
    lua_pushcfunction(L, prm_named);
    lua_setglobal(L, "param");
}

void prm_bind(lua_State *L, const prm_set *set, prm_list *list)
{
    prm_binding *b = lua_newuserdatauv(L, sizeof *b, 0);
    b->set = set;
    b->list = list;
    b->closed = false;
    lua_setfield(L, LUA_REGISTRYINDEX, PRM_BINDING_KEY);
    if (list && set && set->context && !list->context)
        list->context = xstrdup(set->context);
}

void prm_close(lua_State *L)
{
    prm_binding *b = binding(L);
    if (b) {
        b->closed = true;
        b->set = NULL; /* the caller's set need not outlive the load */
    }
}

const prm_param *prm_find(const prm_list *list, const char *name)
{
    for (size_t i = 0; i < list->n; i++)
        if (strcmp(list->items[i].name, name) == 0)
            return &list->items[i];
    return NULL;
}

cj_status prm_check_unknown(const prm_set *set, const prm_list *list, cj_err *err)
{
    for (size_t i = 0; set && i < set->n; i++) {
        const prm_override *o = &set->items[i];
        if (prm_find(list, o->name))
            continue;
        char known[512] = "";
        const char *best = NULL;
        size_t best_d = 3;
        for (size_t j = 0; j < list->n; j++) {
            const char *name = list->items[j].name;
            size_t len = strlen(known);
            snprintf(known + len, sizeof known - len, "%s%s", j ? ", " : "", name);
            size_t d = edit_distance(o->name, name);
            if (d < best_d) {
                best_d = d;
                best = name;
            }
        }
        char hint[PRM_NAME_MAX + 64] = ""; /* room for a translation */
        if (best)
            snprintf(hint, sizeof hint, _(" (did you mean '%s'?)"), best);
        bool cli = strcmp(o->source, "--set") == 0;
        return cj_fail(err, CJ_ERR_USAGE,
                       _("unknown parameter '%s' in %s%s: the scenario declares no parameter of "
                         "that name%s; %s%s"),
                       o->name, cli ? "--set" : "--params ", cli ? "" : o->source, hint,
                       list->n ? _("its parameters: ") : _("it declares no parameters"), known);
    }
    return CJ_OK;
}

bool prm_uncertain(const prm_param *p)
{
    return p->dist.kind != PRM_FIXED;
}

/* The triangular distribution has no GSL quantile; its inverse CDF is
 * closed-form. */
static double triangular_quantile(double a, double mode, double b, double u)
{
    double at_mode = (mode - a) / (b - a);
    if (u < at_mode)
        return a + sqrt(u * (b - a) * (mode - a));
    return b - sqrt((1 - u) * (b - a) * (b - mode));
}

/* GSL's beta quantile gives up (NaN) for some u when alpha and beta are
 * large, as a beta fitted to counts is (beta(120, 11880)); the CDF itself is
 * fine, and it rises, so halving [0, 1] finds the quantile to the last bit. */
static double beta_quantile_by_bisection(double u, double alpha, double beta)
{
    double lo = 0, hi = 1;
    for (int i = 0; i < 200 && hi - lo > 0; i++) {
        double mid = 0.5 * (lo + hi);
        if (mid <= lo || mid >= hi)
            break;
        if (gsl_cdf_beta_P(mid, alpha, beta) < u)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

double prm_draw(const prm_param *p, double u)
{
    if (p->dist.kind == PRM_FIXED)
        return p->def;
    if (!(u > 0 && u < 1))
        return NAN;
    /* GSL's default handler aborts; its Pinv functions report through the
     * return value as well. */
    gsl_set_error_handler_off();
    const double *a = p->dist.arg;
    switch (p->dist.kind) {
    case PRM_UNIFORM:
        return gsl_cdf_flat_Pinv(u, a[0], a[1]);
    case PRM_TRIANGULAR:
        return triangular_quantile(a[0], a[1], a[2], u);
    case PRM_NORMAL:
        return a[0] + gsl_cdf_gaussian_Pinv(u, a[1]);
    case PRM_LOGNORMAL:
        return gsl_cdf_lognormal_Pinv(u, a[0], a[1]);
    case PRM_BETA: {
        double x = gsl_cdf_beta_Pinv(u, a[0], a[1]);
        return isfinite(x) ? x : beta_quantile_by_bisection(u, a[0], a[1]);
    }
    case PRM_GAMMA:
        return gsl_cdf_gamma_Pinv(u, a[0], a[1]);
    case PRM_FIXED:
        break;
    }
    return p->def;
}

/* ---- telling people ----------------------------------------------------- */

bool prm_describe_changed(const prm_list *list, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < list->n && len < size; i++) {
        const prm_param *p = &list->items[i];
        if (p->value == p->def)
            continue;
        char num[32];
        prm_number_text(p->value, num, sizeof num);
        len += (size_t)snprintf(buf + len, size - len, "%s%s = %s", len ? ", " : "", p->name, num);
    }
    return buf[0] != '\0';
}

void prm_explain_error(cj_err *err, const prm_list *list)
{
    if (err->status != CJ_ERR_SCENARIO || !list)
        return;
    char values[512];
    bool changed = prm_describe_changed(list, values, sizeof values);
    char msg[CJ_ERR_MSG_MAX + sizeof values + 64]; /* cut to the error's size below */
    if (list->context && changed)
        snprintf(msg, sizeof msg, _("in %s (%s): %s"), list->context, values, err->msg);
    else if (list->context)
        snprintf(msg, sizeof msg, _("in %s: %s"), list->context, err->msg);
    else if (changed)
        snprintf(msg, sizeof msg, _("%s (with %s)"), err->msg, values);
    else
        return;
    size_t len = strlen(msg);
    if (len >= sizeof err->msg)
        len = sizeof err->msg - 1;
    memcpy(err->msg, msg, len);
    err->msg[len] = '\0';
}

void prm_warn_outside(FILE *f, const prm_list *list)
{
    for (size_t i = 0; i < list->n; i++) {
        const prm_param *p = &list->items[i];
        if (!p->source || !p->has_range || (p->value >= p->low && p->value <= p->high))
            continue;
        char v[32], lo[32], hi[32];
        prm_number_text(p->value, v, sizeof v);
        prm_number_text(p->low, lo, sizeof lo);
        prm_number_text(p->high, hi, sizeof hi);
        fprintf(f,
                _("cjmsim: warning: %s = %s (from %s) lies outside its range %s..%s (%s:%d); "
                  "it is used as given\n"),
                p->name, v, p->source, lo, hi, p->file, p->line);
    }
}

void prm_print(FILE *f, const prm_list *list)
{
    if (!list->n)
        return;
    int wn = 10, wd = 7, wr = 5, wdist = 12;
    char def[32], range[72], dist[160];
    for (size_t i = 0; i < list->n; i++) {
        const prm_param *p = &list->items[i];
        char lo[32], hi[32];
        prm_number_text(p->def, def, sizeof def);
        prm_number_text(p->low, lo, sizeof lo);
        prm_number_text(p->high, hi, sizeof hi);
        snprintf(range, sizeof range, "%s..%s", lo, hi);
        prm_dist_text(&p->dist, dist, sizeof dist);
        if ((int)strlen(p->name) > wn)
            wn = (int)strlen(p->name);
        if ((int)strlen(def) > wd)
            wd = (int)strlen(def);
        if (p->has_range && (int)strlen(range) > wr)
            wr = (int)strlen(range);
        if ((int)strlen(dist) > wdist)
            wdist = (int)strlen(dist);
    }
    fprintf(f, _("\nParameters: the default, the range (low..high) that sweeps and calibration\n"
                 "search, the distribution that uncertainty analysis draws from, and the value\n"
                 "in force where --set or --params gives one\n"));
    for (size_t i = 0; i < list->n; i++) {
        const prm_param *p = &list->items[i];
        char lo[32], hi[32], line[512];
        prm_number_text(p->def, def, sizeof def);
        prm_number_text(p->low, lo, sizeof lo);
        prm_number_text(p->high, hi, sizeof hi);
        snprintf(range, sizeof range, "%s..%s", lo, hi);
        prm_dist_text(&p->dist, dist, sizeof dist);
        int len = snprintf(line, sizeof line, "  %-*s  %-*s  %-*s  %-*s", wn, p->name, wd, def, wr,
                           p->has_range ? range : "-", wdist, dist);
        if (p->source && len > 0 && (size_t)len < sizeof line) {
            char v[32];
            prm_number_text(p->value, v, sizeof v);
            snprintf(line + len, sizeof line - (size_t)len, "  = %s (%s)", v, p->source);
        }
        for (size_t n = strlen(line); n > 0 && line[n - 1] == ' ';)
            line[--n] = '\0';
        fprintf(f, "%s\n", line);
    }
}

json_t *prm_values_json(const prm_list *list)
{
    json_t *obj = json_object();
    for (size_t i = 0; i < list->n; i++) {
        const prm_param *p = &list->items[i];
        /* a whole number stays one, as the scenario saw it */
        bool whole = p->def_integer && p->value == floor(p->value) && fabs(p->value) < 0x1p53;
        json_object_set_new(obj, p->name,
                            whole ? json_integer((json_int_t)p->value) : json_real(p->value));
    }
    return obj;
}

void prm_list_free(prm_list *list)
{
    for (size_t i = 0; i < list->n; i++) {
        free(list->items[i].name);
        free(list->items[i].file);
        free(list->items[i].source);
    }
    free(list->items);
    free(list->context);
    memset(list, 0, sizeof *list);
}
