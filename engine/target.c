#include "target.h"

#include <lauxlib.h>
#include <lua.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dsl.h"
#include "format.h"
#include "i18n.h"
#include "util.h"

/* Registry key of the list the running load records into. */
#define TGT_BINDING_KEY "cjmsim.targets"

enum { TGT_NAME_MAX = 64 };

static const char *const TARGET_KEYS[] = {
    "stage", "reached", "buyers", "repeat_buyers", "repeat_buyers_in_window", "of", "by_day",
    "persona", NULL};

/* The keys that say what was counted, one per kind (tgt_kind's order). */
static const char *const KINDS[] = {"reached", "buyers", "repeat_buyers",
                                    "repeat_buyers_in_window"};
enum { N_KINDS = sizeof KINDS / sizeof KINDS[0] };

static tgt_list *binding(lua_State *L)
{
    lua_getfield(L, LUA_REGISTRYINDEX, TGT_BINDING_KEY);
    tgt_list *list = lua_touserdata(L, -1);
    lua_pop(L, 1);
    return list;
}

/* A whole number under key (false when absent); raises on anything else. */
static bool count_field(lua_State *L, const char *owner, const char *key, int64_t *out)
{
    lua_pushstring(L, key);
    int t = lua_rawget(L, 1);
    if (t == LUA_TNIL) {
        lua_pop(L, 1);
        return false;
    }
    if (t != LUA_TNUMBER)
        dsl_error(L, _("%s: %s must be a whole number, not a %s"), owner, key, luaL_typename(L, -1));
    double x = lua_tonumber(L, -1);
    lua_pop(L, 1);
    if (!isfinite(x) || x != floor(x) || fabs(x) > 9e15)
        dsl_error(L, _("%s: %s must be a whole number (a count of customers), got %.17g"), owner, key,
                  x);
    if (x < 0)
        dsl_error(L, _("%s: %s must not be negative, got %.0f"), owner, key, x);
    *out = (int64_t)x;
    return true;
}

/* A string under key, or NULL; raises on anything else. */
static const char *string_field(lua_State *L, const char *owner, const char *key)
{
    lua_pushstring(L, key);
    int t = lua_rawget(L, 1);
    const char *s = NULL;
    if (t == LUA_TSTRING)
        s = lua_tostring(L, -1); /* the table keeps it alive */
    else if (t != LUA_TNIL)
        dsl_error(L, _("%s: %s must be a name in quotes, not a %s"), owner, key, luaL_typename(L, -1));
    lua_pop(L, 1);
    return s;
}

/* The first unknown key in sorted order, whatever Lua's traversal order. */
static void check_keys(lua_State *L, const char *owner)
{
    char unknown[TGT_NAME_MAX + 1] = "";
    bool found = false;
    lua_pushnil(L);
    while (lua_next(L, 1)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TSTRING) {
            lua_pop(L, 1);
            dsl_error(L, _("%s: every key must be a name (key = value), e.g. reached = 50, of = 1000"),
                      owner);
        }
        const char *key = lua_tostring(L, -1);
        bool known = false;
        for (const char *const *k = TARGET_KEYS; *k; k++)
            known = known || strcmp(*k, key) == 0;
        if (!known && (!found || strcmp(key, unknown) < 0)) {
            snprintf(unknown, sizeof unknown, "%s", key);
            found = true;
        }
    }
    if (!found)
        return;
    const char *best = closest_name(unknown, TARGET_KEYS);
    char hint[64] = "";
    if (best)
        snprintf(hint, sizeof hint, " (did you mean '%s'?)", best);
    dsl_error(L,
              _("%s: unknown key '%s'%s; known keys: stage, reached, buyers, repeat_buyers, "
              "repeat_buyers_in_window, of, by_day, persona"),
              owner, unknown, hint);
}

/* The second half of `target "name" { ... }`: checks what can be checked
 * before the file has run and records the target. */
static int tgt_body(lua_State *L)
{
    const char *name = lua_tostring(L, lua_upvalueindex(1));
    char owner[TGT_NAME_MAX * 4 + 16];
    snprintf(owner, sizeof owner, "target \"%s\"", name);
    if (lua_gettop(L) != 1 || lua_type(L, 1) != LUA_TTABLE)
        return dsl_error(L,
                         _("%s expects a table after the name: %s { stage = \"cart\", reached = 50, "
                         "of = 1000 }"),
                         owner, owner);
    tgt_list *list = binding(L);
    if (!list)
        return dsl_error(L,
                         _("%s is declared while probabilities are computed: declare targets "
                         "when the file runs, outside functions"),
                         owner);
    for (size_t i = 0; i < list->n; i++)
        if (strcmp(list->items[i].name, name) == 0)
            return dsl_error(L, _("%s is declared twice: first at %s:%d"), owner, list->items[i].file,
                             list->items[i].line);
    check_keys(L, owner);

    int kind = -1;
    int64_t k = 0, n = 0, by_day = 0;
    for (int i = 0; i < N_KINDS; i++) {
        int64_t x;
        if (!count_field(L, owner, KINDS[i], &x))
            continue;
        if (kind >= 0)
            return dsl_error(L,
                             _("%s: give one of reached, buyers, repeat_buyers and "
                             "repeat_buyers_in_window, not both %s and %s"),
                             owner, KINDS[kind], KINDS[i]);
        kind = i;
        k = x;
    }
    if (kind < 0)
        return dsl_error(L,
                         _("%s: say what was counted: reached = K (with stage), buyers = K, "
                         "repeat_buyers = K or repeat_buyers_in_window = K"),
                         owner);
    if (!count_field(L, owner, "of", &n))
        return dsl_error(L, _("%s: of = N is missing: how many customers the count is out of"), owner);
    if (n == 0)
        return dsl_error(L, _("%s: of must be at least 1"), owner);
    if (k > n)
        return dsl_error(L, _("%s: %s = %lld is more than of = %lld"), owner, KINDS[kind],
                         (long long)k, (long long)n);
    const char *stage = string_field(L, owner, "stage");
    if (kind == TGT_REACHED && !stage)
        return dsl_error(L, _("%s: reached needs stage = \"name\": the stage they reached"), owner);
    if (kind != TGT_REACHED && stage)
        return dsl_error(L, _("%s: stage goes with reached, not with %s"), owner, KINDS[kind]);
    if (count_field(L, owner, "by_day", &by_day) && by_day < 1)
        return dsl_error(L, _("%s: by_day must be a day from 1 on, got %lld"), owner,
                         (long long)by_day);
    if (by_day > 36500)
        return dsl_error(L, _("%s: by_day %lld is past the longest run (36500 days)"), owner,
                         (long long)by_day);
    const char *persona = string_field(L, owner, "persona");

    /* Everything is checked: nothing below raises, so nothing leaks. */
    const char *file;
    int line = dsl_where(L, &file);
    tgt_target *t = xgrow(&list->items, &list->n, sizeof *t);
    t->name = xstrdup(name);
    t->file = xstrdup(file ? file : "?");
    t->line = line;
    t->kind = (tgt_kind)kind;
    t->stage_name = stage ? xstrdup(stage) : NULL;
    t->stage = -1;
    t->persona_name = persona ? xstrdup(persona) : NULL;
    t->persona = -1;
    t->by_day = (int)by_day;
    t->observed = k;
    t->of = n;
    t->window = 0;
    return 0;
}

static int tgt_named(lua_State *L)
{
    if (lua_type(L, 1) != LUA_TSTRING)
        return dsl_error(L, _("target expects a name in quotes: target \"ordered\" { stage = "
                            "\"purchase\", reached = 600, of = 10000 }"));
    const char *name = lua_tostring(L, 1);
    size_t len = strlen(name);
    bool control = false;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        control = control || *p < 0x20 || *p == 0x7f;
    if (len == 0 || len > TGT_NAME_MAX * 4 || control || !utf8_valid(name) ||
        lua_rawlen(L, 1) != len)
        return dsl_error(L,
                         _("target \"%.80s\": a target name is 1 to %d characters of text, "
                         "without control characters"),
                         name, TGT_NAME_MAX);
    lua_pushvalue(L, 1);
    lua_pushcclosure(L, tgt_body, 1);
    return 1;
}

void tgt_open(lua_State *L)
{
    lua_pushcfunction(L, tgt_named);
    lua_setglobal(L, "target");
}

void tgt_bind(lua_State *L, tgt_list *list)
{
    lua_pushlightuserdata(L, list);
    lua_setfield(L, LUA_REGISTRYINDEX, TGT_BINDING_KEY);
}

void tgt_list_free(tgt_list *list)
{
    for (size_t i = 0; i < list->n; i++) {
        free(list->items[i].name);
        free(list->items[i].file);
        free(list->items[i].stage_name);
        free(list->items[i].persona_name);
    }
    free(list->items);
    list->items = NULL;
    list->n = 0;
}

/* English for the files (results.json), the reader's language for people. */
static void describe(const tgt_target *t, char *buf, size_t size, int local)
{
    size_t len;
    switch (t->kind) {
    case TGT_REACHED:
        len = (size_t)snprintf(buf, size, local ? _("reached '%s'") : "reached '%s'",
                               t->stage_name);
        break;
    case TGT_BUYERS:
        len = (size_t)snprintf(buf, size, "%s", local ? _("bought") : "bought");
        break;
    case TGT_REPEAT_WINDOW:
        len = (size_t)snprintf(buf, size,
                               local ? ngettext("bought again within %d day",
                                                "bought again within %d days",
                                                (unsigned long)t->window)
                                     : "bought again within %d days",
                               t->window);
        break;
    default:
        len = (size_t)snprintf(buf, size, "%s", local ? _("bought again") : "bought again");
        break;
    }
    if (t->by_day && len < size)
        len += (size_t)snprintf(buf + len, size - len, local ? _(" by day %d") : " by day %d",
                                t->by_day);
    if (t->persona_name && len < size)
        snprintf(buf + len, size - len, " (%s)", t->persona_name);
}

void tgt_describe(const tgt_target *t, char *buf, size_t size)
{
    describe(t, buf, size, 0);
}

void tgt_describe_local(const tgt_target *t, char *buf, size_t size)
{
    describe(t, buf, size, 1);
}

void tgt_print_declared(FILE *f, const tgt_list *list)
{
    if (!list->n)
        return;
    fputs(_("\nTargets: what was observed, held against the baseline by run and fitted by "
            "calibrate\n"),
          f);
    for (size_t i = 0; i < list->n; i++) {
        const tgt_target *t = &list->items[i];
        char what[160];
        tgt_describe_local(t, what, sizeof what);
        fmt_printf(f, _("  %s: %s, %lld of %lld (%.1f%%)\n"), t->name, what, (long long)t->observed,
                (long long)t->of, 100.0 * (double)t->observed / (double)t->of);
    }
}

int tgt_days_counted(const tgt_list *list)
{
    int last = 0;
    for (size_t i = 0; i < list->n; i++) {
        const tgt_target *t = &list->items[i];
        if ((t->kind == TGT_REACHED || t->kind == TGT_REPEAT_WINDOW) && t->by_day > last)
            last = t->by_day;
    }
    return last;
}

bool tgt_counts_stage_by_day(const tgt_list *list, int stage)
{
    for (size_t i = 0; i < list->n; i++) {
        const tgt_target *t = &list->items[i];
        if (t->kind == TGT_REACHED && t->by_day && t->stage == stage)
            return true;
    }
    return false;
}

static double clamp_share(double p)
{
    const double eps = 1e-12;
    return p < eps ? eps : p > 1 - eps ? 1 - eps : p;
}

double tgt_binomial_loglik(int64_t k, int64_t n, double p)
{
    p = clamp_share(p);
    double kk = (double)k, nn = (double)n;
    return lgamma(nn + 1) - lgamma(kk + 1) - lgamma(nn - kk + 1) + kk * log(p) +
           (nn - kk) * log1p(-p);
}

double tgt_z(int64_t k, int64_t n, double p)
{
    double expected = (double)n * p, var = (double)n * p * (1 - p);
    if (!(var > 0))
        return fabs((double)k - expected) < 1e-9 ? 0 : NAN;
    return ((double)k - expected) / sqrt(var);
}
