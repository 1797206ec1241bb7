#include "scnparse.h"

#include <lauxlib.h>
#include <lua.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsl.h"
#include "sandbox.h"
#include "scenario.h"
#include "util.h"
#include "i18n.h"

enum { NAME_MAX_LEN = 64, MAX_EMOTION = 6 };

static const int64_t MAX_CUSTOMERS = INT64_C(1000000000000);
static const double SHARE_TOLERANCE = 1e-9;

typedef struct {
    lua_State *L;
    scn_scenario *scn;
    int decls; /* stack index of the declaration list */
    int scenario_line; /* where scenario { } was given, 0 before */
    /* The file of the declaration being read when it is not the scenario (a
     * persona file pulled in with include), so that errors name it. */
    const char *file;
    /* Where that persona file was included from the scenario, and the name
     * include was given: mistakes about the scenario as a whole (shares)
     * are reported there. NULL when the declaration is the scenario's own. */
    const char *site_file, *site_call;
    int site_line;
    const char *shares_file; /* where the last persona was declared or included */
    int shares_line;
    const char *persona_file[SCN_MAX_PERSONAS];
} parse_ctx;

static const char *const SCENARIO_KEYS[] = {"name", "days", "customers", "seed", "margin",
                                            "description", "question", "currency", "arrivals",
                                            "repeat_window", "discount_rate", NULL};
static const char *const SCENARIO_TEXTS[] = {"description", "question", "currency", NULL};
static const char *const PERSONA_TEXTS[] = {"description", "who",   "what",     "why",
                                            "when",        "where", "needs",    "pains",
                                            "goals",       "quote", "channels", NULL};
static const char *const STAGE_KEYS[] = {"entry",    "terminal", "purchase",      "value",
                                         "emotion",  "touchpoints", "actions",    "thoughts",
                                         "feelings", "pains",    "opportunities", "description",
                                         NULL};
static const char *const STAGE_TEXTS[] = {"touchpoints", "actions",       "thoughts",
                                          "feelings",    "pains",         "opportunities",
                                          "description", NULL};
static const char *const INTERVENTION_KEYS[] = {"personas",          "at",           "mood",
                                                "scale",             "set",          "cost_per_customer",
                                                "cost_per_use",      "description",  "channel",
                                                "once",              "from_day",     "until_day",
                                                NULL};
static const char *const INTERVENTION_TEXTS[] = {"description", "channel", NULL};
/* Fields of the customer table c that a persona attribute cannot shadow. */
static const char *const CUSTOMER_FIELDS[] = {"persona", "purchases", "days_in_stage", NULL};

/* Raises "file:line: message" (or "file: message" when line is 0). */
static int parse_fail(parse_ctx *ctx, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int parse_fail(parse_ctx *ctx, int line, const char *fmt, ...)
{
    char msg[1536];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const char *path = ctx->file ? ctx->file : ctx->scn->path;
    if (line > 0)
        lua_pushfstring(ctx->L, "%s:%d: %s", path, line, msg);
    else
        lua_pushfstring(ctx->L, "%s: %s", path, msg);
    return lua_error(ctx->L);
}

/* The string at idx; one holding a zero byte is refused, as C would cut
 * it there ("b\0x" would silently become "b"). */
static const char *get_lstring(parse_ctx *ctx, int line, const char *owner, const char *what,
                               int idx)
{
    size_t len;
    const char *s = lua_tolstring(ctx->L, idx, &len);
    if (memchr(s, '\0', len))
        parse_fail(ctx, line, _("%s%s%s \"%s\\0...\" holds a zero byte (\\0); write it without"),
                   owner ? owner : "", owner ? ": " : "", what, s);
    return s;
}

/*
 * A copy of s that cjmsim keeps, counted against the scenario's memory
 * limit: one long string used as many texts is copied each time, outside
 * the Lua allocator, and would otherwise escape the limit.
 */
static char *hold(parse_ctx *ctx, int line, const char *owner, const char *what, const char *s)
{
    if (!sbx_charge(ctx->L, strlen(s) + 1 + sizeof(char *)))
        parse_fail(ctx, line,
                   _("%s: %s: the text cjmsim keeps from the scenario exceeds the memory "
                     "limit (--lua-memory %zu MB); raise the limit with --lua-memory MB"),
                   owner, what, sbx_memory_limit_mb(ctx->L));
    return xstrdup(s);
}

static bool in_list(const char *const *list, const char *s)
{
    for (; *list; list++)
        if (strcmp(*list, s) == 0)
            return true;
    return false;
}

/* ", did you mean 'x'?" for a near miss among `candidates`, or "". */
static void suggest(char *buf, size_t size, const char *word, const char *const *candidates)
{
    const char *best = closest_name(word, candidates);
    if (best)
        snprintf(buf, size, _(" (did you mean '%s'?)"), best);
    else
        buf[0] = '\0';
}

static int cmp_cstr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * The string keys of the table at `idx`, sorted. Lua's traversal order
 * changes from run to run (string hashes are seeded), and sorting keeps the
 * first reported mistake and the attribute order the same every time.
 */
static size_t sorted_keys(parse_ctx *ctx, int line, const char *owner, int idx,
                          const char ***out)
{
    lua_State *L = ctx->L;
    idx = lua_absindex(L, idx);
    size_t n = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TSTRING)
            parse_fail(ctx, line, _("%s: every key must be a name (key = value), found a %s key"),
                       owner, luaL_typename(L, -1));
        lua_pushvalue(L, -1); /* get_lstring must not change the key lua_next reads */
        get_lstring(ctx, line, owner, _("the key"), -1);
        lua_pop(L, 1);
        n++;
    }
    /* The keys stay anchored by the table, which outlives this call. */
    const char **keys = lua_newuserdatauv(L, (n ? n : 1) * sizeof *keys, 0);
    size_t i = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        keys[i++] = lua_tostring(L, -1);
    }
    qsort(keys, n, sizeof *keys, cmp_cstr);
    *out = keys;
    return n; /* the userdata stays on the stack until the caller pops it */
}

static void unknown_key(parse_ctx *ctx, int line, const char *owner, const char *key,
                        const char *const *known)
{
    char hint[128];
    suggest(hint, sizeof hint, key, known);
    char list[512] = "";
    for (const char *const *k = known; *k; k++) {
        strncat(list, *k, sizeof list - strlen(list) - 1);
        if (k[1])
            strncat(list, ", ", sizeof list - strlen(list) - 1);
    }
    parse_fail(ctx, line, _("%s: unknown key '%s'%s; known keys: %s"), owner, key, hint, list);
}

/* Characters, not bytes: a Cyrillic letter is two bytes and one character. */
static size_t utf8_characters(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        n += (*p & 0xc0) != 0x80;
    return n;
}

static void check_name(parse_ctx *ctx, int line, const char *kind, const char *name)
{
    size_t len = utf8_characters(name);
    if (len == 0 || len > NAME_MAX_LEN)
        parse_fail(ctx, line, _("%s name must have 1 to %d characters, got %zu"), kind,
                   NAME_MAX_LEN, len);
    /* C0, DEL and C1 (U+0080..U+009F): names are printed everywhere. */
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        if (*p < 0x20 || *p == 0x7f || (p[0] == 0xc2 && p[1] >= 0x80 && p[1] < 0xa0))
            parse_fail(ctx, line, _("%s name \"%s\" contains a control character"), kind, name);
    if (!utf8_valid(name))
        parse_fail(ctx, line, _("%s name is not valid UTF-8; save the file as UTF-8"), kind);
}

static double get_number(parse_ctx *ctx, int line, const char *owner, const char *key, int idx,
                         double min, double max)
{
    if (lua_type(ctx->L, idx) != LUA_TNUMBER)
        parse_fail(ctx, line, _("%s: %s must be a number, not a %s"), owner, key,
                   luaL_typename(ctx->L, idx));
    double v = lua_tonumber(ctx->L, idx);
    if (isnan(v))
        parse_fail(ctx, line, _("%s: %s is not a number (NaN); check for 0/0"), owner, key);
    if (!(v >= min && v <= max))
        parse_fail(ctx, line, _("%s: %s = %g is out of range: it must be from %g to %g"), owner,
                   key, v, min, max);
    return v;
}

/*
 * A whole number in [min, max]. Compared as integers: min and max as
 * doubles may round outward (INT64_MAX becomes 2^63), which would let a
 * float such as 2^63 in and wrap it around on conversion.
 */
static int64_t get_integer(parse_ctx *ctx, int line, const char *owner, const char *key,
                           int idx, int64_t min, int64_t max)
{
    lua_State *L = ctx->L;
    if (lua_type(L, idx) != LUA_TNUMBER)
        parse_fail(ctx, line, _("%s: %s must be a number, not a %s"), owner, key,
                   luaL_typename(L, idx));
    if (lua_isinteger(L, idx)) {
        lua_Integer v = lua_tointeger(L, idx);
        if (v < min || v > max)
            parse_fail(ctx, line, _("%s: %s = %lld is out of range: it must be from %lld to %lld"),
                       owner, key, (long long)v, (long long)min, (long long)max);
        return v;
    }
    double v = lua_tonumber(L, idx);
    if (isnan(v))
        parse_fail(ctx, line, _("%s: %s is not a number (NaN); check for 0/0"), owner, key);
    bool in_range = v >= -0x1p63 && v < 0x1p63 && (int64_t)v >= min && (int64_t)v <= max;
    if (!in_range)
        parse_fail(ctx, line, _("%s: %s = %.15g is out of range: it must be from %lld to %lld"),
                   owner, key, v, (long long)min, (long long)max);
    if (v != floor(v))
        parse_fail(ctx, line, _("%s: %s = %g must be a whole number"), owner, key, v);
    return (int64_t)v;
}

static bool get_boolean(parse_ctx *ctx, int line, const char *owner, const char *key, int idx)
{
    if (lua_type(ctx->L, idx) != LUA_TBOOLEAN)
        parse_fail(ctx, line, _("%s: %s must be true or false, not a %s"), owner, key,
                   luaL_typename(ctx->L, idx));
    return lua_toboolean(ctx->L, idx);
}

static const char *get_string(parse_ctx *ctx, int line, const char *owner, const char *key,
                              int idx)
{
    if (lua_type(ctx->L, idx) != LUA_TSTRING)
        parse_fail(ctx, line, _("%s: %s must be a string in quotes, not a %s"), owner, key,
                   luaL_typename(ctx->L, idx));
    return get_lstring(ctx, line, owner, key, idx);
}

/* A descriptive field: one string, or a list of strings. */
static void get_text(parse_ctx *ctx, int line, const char *owner, const char *key, int idx,
                     scn_texts *texts)
{
    lua_State *L = ctx->L;
    idx = lua_absindex(L, idx);
    scn_text *text = xgrow(&texts->items, &texts->n, sizeof *texts->items);
    text->key = xstrdup(key);
    if (lua_type(L, idx) == LUA_TSTRING) {
        const char *s = get_lstring(ctx, line, owner, key, idx);
        if (!utf8_valid(s))
            parse_fail(ctx, line, _("%s: %s is not valid UTF-8; save the file as UTF-8"), owner,
                       key);
        text->items = xmalloc(sizeof *text->items);
        text->items[0] = hold(ctx, line, owner, key, s);
        text->n_items = 1;
        return;
    }
    if (lua_type(L, idx) != LUA_TTABLE)
        parse_fail(ctx, line, _("%s: %s must be a string or a list of strings, not a %s"), owner,
                   key, luaL_typename(L, idx));
    size_t n = lua_rawlen(L, idx);
    text->items = xcalloc(n, sizeof *text->items);
    for (size_t i = 1; i <= n; i++) {
        if (lua_rawgeti(L, idx, (lua_Integer)i) != LUA_TSTRING)
            parse_fail(ctx, line, _("%s: item %zu of %s must be a string, not a %s"), owner, i, key,
                       luaL_typename(L, -1));
        char what[128];
        snprintf(what, sizeof what, _("item %zu of %s"), i, key);
        const char *s = get_lstring(ctx, line, owner, what, -1);
        if (!utf8_valid(s))
            parse_fail(ctx, line, _("%s: item %zu of %s is not valid UTF-8"), owner, i, key);
        text->items[text->n_items++] = hold(ctx, line, owner, what, s);
        lua_pop(L, 1);
    }
}

/* Pushes field `key` of the table at `idx` without metamethods. */
static int raw_field(lua_State *L, int idx, const char *key)
{
    idx = lua_absindex(L, idx);
    lua_pushstring(L, key);
    return lua_rawget(L, idx);
}

static void unknown_persona(parse_ctx *ctx, int line, const char *owner, const char *name)
{
    const scn_scenario *scn = ctx->scn;
    const char **names = lua_newuserdatauv(ctx->L, (scn->n_personas + 1) * sizeof *names, 0);
    for (size_t p = 0; p < scn->n_personas; p++)
        names[p] = scn->personas[p].name;
    names[scn->n_personas] = NULL;
    char hint[128];
    suggest(hint, sizeof hint, name, names);
    parse_fail(ctx, line, _("%s: unknown persona '%s'%s"), owner, name, hint);
}

/*
 * A table { persona = number, ... } naming every persona exactly once;
 * values go into out[] in persona order.
 */
static void get_per_persona(parse_ctx *ctx, int line, const char *owner, int idx, double min,
                            double max, double *out)
{
    lua_State *L = ctx->L;
    scn_scenario *scn = ctx->scn;
    idx = lua_absindex(L, idx);
    const char **keys;
    size_t n = sorted_keys(ctx, line, owner, idx, &keys);
    for (size_t i = 0; i < n; i++)
        if (scn_find_persona(scn, keys[i]) < 0)
            unknown_persona(ctx, line, owner, keys[i]);
    lua_pop(L, 1);
    for (size_t p = 0; p < scn->n_personas; p++) {
        const char *persona = scn->personas[p].name;
        char what[256];
        snprintf(what, sizeof what, _("value for persona '%s'"), persona);
        if (raw_field(L, idx, persona) == LUA_TNIL)
            parse_fail(ctx, line,
                       _("%s: no value for persona '%s' (write %s = 0 if it does not "
                         "apply)"),
                       owner, persona, persona);
        out[p] = get_number(ctx, line, owner, what, -1, min, max);
        lua_pop(L, 1);
    }
}

/* A probability: a number in [0,1], a per-persona table or a function. */
static void get_prob(parse_ctx *ctx, int line, const char *owner, int idx, scn_prob *prob)
{
    lua_State *L = ctx->L;
    switch (lua_type(L, idx)) {
    case LUA_TNUMBER:
        prob->kind = SCN_PROB_NUMBER;
        prob->number = get_number(ctx, line, owner, _("the probability"), idx, 0.0, 1.0);
        break;
    case LUA_TTABLE:
        prob->kind = SCN_PROB_PERSONA;
        prob->per_persona = xcalloc(ctx->scn->n_personas, sizeof *prob->per_persona);
        get_per_persona(ctx, line, owner, idx, 0.0, 1.0, prob->per_persona);
        break;
    case LUA_TFUNCTION: {
        lua_Debug ar;
        lua_pushvalue(L, idx);
        lua_getinfo(L, ">S", &ar);
        prob->kind = SCN_PROB_FUNCTION;
        prob->func_line = ar.linedefined > 0 ? ar.linedefined : line;
        lua_pushvalue(L, idx);
        prob->func_ref = luaL_ref(L, LUA_REGISTRYINDEX);
        break;
    }
    default:
        parse_fail(ctx, line,
                   _("%s: the probability must be a number, a table of persona = number "
                     "or a function(c), not a %s"),
                   owner, luaL_typename(L, idx));
    }
}

/* Walks the declarations of one kind, calling fn with the value on top. */
typedef void (*decl_fn)(parse_ctx *ctx, int line, const char *name);

static void for_each_decl(parse_ctx *ctx, const char *kind, decl_fn fn)
{
    lua_State *L = ctx->L;
    size_t n = lua_rawlen(L, ctx->decls);
    for (size_t i = 1; i <= n; i++) {
        lua_rawgeti(L, ctx->decls, (lua_Integer)i);
        raw_field(L, -1, "kind");
        bool match = strcmp(lua_tostring(L, -1), kind) == 0;
        lua_pop(L, 1);
        if (match) {
            raw_field(L, -1, "line");
            int line = (int)lua_tointeger(L, -1);
            raw_field(L, -2, "name");
            const char *name = lua_tostring(L, -1); /* anchored by the record */
            lua_pop(L, 2);
            /* The strings below stay anchored by the record too. */
            raw_field(L, -1, "file");
            ctx->file = lua_tostring(L, -1);
            if (ctx->file && strcmp(ctx->file, ctx->scn->path) == 0)
                ctx->file = NULL;
            raw_field(L, -2, "site_file");
            ctx->site_file = lua_tostring(L, -1);
            raw_field(L, -3, "site_line");
            ctx->site_line = (int)lua_tointeger(L, -1);
            raw_field(L, -4, "site_call");
            ctx->site_call = lua_tostring(L, -1);
            lua_pop(L, 4);
            if (name) {
                char what[64];
                snprintf(what, sizeof what, _("%s name"), kind);
                raw_field(L, -1, "name");
                get_lstring(ctx, line, NULL, what, -1);
                lua_pop(L, 1);
            }
            if (ctx->file && strcmp(kind, "persona") != 0)
                parse_fail(ctx, line,
                           _("an included file may declare only personas: move this %s "
                             "into the scenario"),
                           kind);
            raw_field(L, -1, "value");
            fn(ctx, line, name);
            lua_pop(L, 1);
            ctx->file = ctx->site_file = ctx->site_call = NULL;
            ctx->site_line = 0;
        }
        lua_pop(L, 1);
    }
}

/* arrivals = a number of customers a day, or a function(day) giving them;
 * the function is called when the run's days are known (arrivals.c). */
static void get_arrivals(parse_ctx *ctx, int line, int idx)
{
    lua_State *L = ctx->L;
    scn_scenario *scn = ctx->scn;
    scn->has_arrivals = true;
    scn->arrivals_line = line;
    if (lua_type(L, idx) == LUA_TFUNCTION) {
        lua_Debug ar;
        lua_pushvalue(L, idx);
        lua_getinfo(L, ">S", &ar);
        scn->arrivals_is_function = true;
        scn->arrivals_line = ar.linedefined > 0 ? ar.linedefined : line;
        lua_pushvalue(L, idx);
        scn->arrivals_ref = luaL_ref(L, LUA_REGISTRYINDEX);
        return;
    }
    if (lua_type(L, idx) != LUA_TNUMBER)
        parse_fail(ctx, line, "scenario: arrivals must be a number of customers a day or a "
                              "function(day), not a %s",
                   luaL_typename(L, idx));
    scn->arrivals = get_number(ctx, line, "scenario", "arrivals", idx, 0.0, 1e12);
}

static void parse_scenario(parse_ctx *ctx, int line, const char *name)
{
    (void)name;
    lua_State *L = ctx->L;
    scn_scenario *scn = ctx->scn;
    if (ctx->scenario_line)
        parse_fail(ctx, line, _("scenario { ... } is given twice (first on line %d)"),
                   ctx->scenario_line);
    ctx->scenario_line = line;
    const char **keys;
    size_t n = sorted_keys(ctx, line, "scenario", -1, &keys);
    for (size_t i = 0; i < n; i++) {
        const char *key = keys[i];
        raw_field(L, -2, key);
        if (strcmp(key, "name") == 0) {
            /* checked before the old name goes: a failed check jumps away */
            const char *title = get_string(ctx, line, "scenario", key, -1);
            check_name(ctx, line, "scenario", title);
            free(scn->name);
            scn->name = xstrdup(title);
        } else if (strcmp(key, "days") == 0) {
            scn->days = (int)get_integer(ctx, line, "scenario", key, -1, 1, SCN_MAX_DAYS);
        } else if (strcmp(key, "customers") == 0) {
            scn->customers = get_integer(ctx, line, "scenario", key, -1, 1, MAX_CUSTOMERS);
            scn->customers_given = true;
        } else if (strcmp(key, "arrivals") == 0) {
            get_arrivals(ctx, line, -1);
        } else if (strcmp(key, "discount_rate") == 0) {
            scn->discount_rate = get_number(ctx, line, "scenario", key, -1, 0.0, 10.0);
            scn->has_discount = true;
        } else if (strcmp(key, "repeat_window") == 0) {
            scn->repeat_window =
                (int)get_integer(ctx, line, "scenario", key, -1, 1, SCN_MAX_DAYS);
        } else if (strcmp(key, "seed") == 0) {
            scn->seed = (uint64_t)get_integer(ctx, line, "scenario", key, -1, 0, INT64_MAX);
        } else if (strcmp(key, "margin") == 0) {
            scn->margin = get_number(ctx, line, "scenario", key, -1, 0.0, 1.0);
        } else if (in_list(SCENARIO_TEXTS, key)) {
            get_text(ctx, line, "scenario", key, -1, &scn->texts);
        } else {
            unknown_key(ctx, line, "scenario", key, SCENARIO_KEYS);
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    if (scn->has_arrivals && scn->customers_given)
        parse_fail(ctx, line, "scenario: give either customers (one cohort on day 0) or "
                              "arrivals (customers arriving each day), not both");
}

static void add_attr(parse_ctx *ctx, int line, const char *owner, scn_persona *persona,
                     const char *key, int idx)
{
    lua_State *L = ctx->L;
    int type = lua_type(L, idx);
    if (type != LUA_TNUMBER && type != LUA_TBOOLEAN && type != LUA_TSTRING) {
        char hint[128];
        suggest(hint, sizeof hint, key, PERSONA_TEXTS);
        parse_fail(ctx, line,
                   _("%s: '%s' holds a %s; an attribute is a number, true/false or a string%s"),
                   owner, key, luaL_typename(L, idx), hint);
    }
    if (in_list(CUSTOMER_FIELDS, key))
        parse_fail(ctx, line,
                   _("%s: '%s' is a field of every customer (c.%s) and cannot be an "
                     "attribute; choose another name"),
                   owner, key, key);
    const char *string = type == LUA_TSTRING ? get_lstring(ctx, line, owner, key, idx) : NULL;
    scn_attr *attr = xgrow(&persona->attrs, &persona->n_attrs, sizeof *persona->attrs);
    attr->name = hold(ctx, line, owner, key, key);
    attr->lua_type = type;
    if (type == LUA_TNUMBER)
        attr->number = lua_tonumber(L, idx);
    else if (type == LUA_TBOOLEAN)
        attr->boolean = lua_toboolean(L, idx);
    else
        attr->string = hold(ctx, line, owner, key, string);
}

static void parse_persona(parse_ctx *ctx, int line, const char *name)
{
    lua_State *L = ctx->L;
    scn_scenario *scn = ctx->scn;
    check_name(ctx, line, "persona", name);
    if (strcmp(name, "all") == 0)
        parse_fail(ctx, line, _("persona name 'all' is reserved for totals; choose another name"));
    int dup = scn_find_persona(scn, name);
    if (dup >= 0) {
        const char *first = ctx->persona_file[dup];
        if (first == ctx->file || (first && ctx->file && strcmp(first, ctx->file) == 0))
            parse_fail(ctx, line, _("persona '%s' is declared twice (first on line %d)"), name,
                       scn->personas[dup].line);
        parse_fail(ctx, line, _("persona '%s' is declared twice (first at %s:%d)"), name,
                   first ? first : scn->path, scn->personas[dup].line);
    }
    if (scn->n_personas == SCN_MAX_PERSONAS)
        parse_fail(ctx, line, _("too many personas: at most %d"), SCN_MAX_PERSONAS);
    ctx->persona_file[scn->n_personas] = ctx->file;
    ctx->shares_file = ctx->site_file ? ctx->site_file : ctx->file;
    ctx->shares_line = ctx->site_file ? ctx->site_line : line;
    scn_persona *persona = xgrow(&scn->personas, &scn->n_personas, sizeof *scn->personas);
    persona->name = xstrdup(name);
    persona->line = line;
    persona->share = -1;
    char owner[128];
    snprintf(owner, sizeof owner, _("persona '%s'"), name);
    const char **keys;
    size_t n = sorted_keys(ctx, line, owner, -1, &keys);
    for (size_t i = 0; i < n; i++) {
        const char *key = keys[i];
        raw_field(L, -2, key);
        if (strcmp(key, "share") == 0)
            persona->share = get_number(ctx, line, owner, key, -1, 0.0, 1.0);
        else if (strcmp(key, "mood") == 0)
            persona->mood = (int)get_integer(ctx, line, owner, key, -1, SCN_MOOD_MIN, SCN_MOOD_MAX);
        else if (in_list(PERSONA_TEXTS, key))
            get_text(ctx, line, owner, key, -1, &persona->texts);
        else
            add_attr(ctx, line, owner, persona, key, -1);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    if (persona->share < 0 && ctx->site_file) {
        /* A library persona leaves the share to the scenario that includes it. */
        ctx->file = strcmp(ctx->site_file, scn->path) == 0 ? NULL : ctx->site_file;
        parse_fail(ctx, ctx->site_line,
                   _("%s has no share: give it one where it is included: "
                     "include \"%s\" { share = 0.25 }"),
                   owner, ctx->site_call ? ctx->site_call : name);
    }
    if (persona->share < 0)
        parse_fail(ctx, line, _("%s has no share: give it share = a fraction of customers (0.25)"),
                   owner);
}

static void parse_stage(parse_ctx *ctx, int line, const char *name)
{
    lua_State *L = ctx->L;
    scn_scenario *scn = ctx->scn;
    check_name(ctx, line, "stage", name);
    if (strstr(name, "->"))
        parse_fail(ctx, line, _("stage name \"%s\" must not contain \"->\""), name);
    int dup = scn_find_stage(scn, name);
    if (dup >= 0)
        parse_fail(ctx, line, _("stage '%s' is declared twice (first on line %d)"), name,
                   scn->stages[dup].line);
    scn_stage *stage = xgrow(&scn->stages, &scn->n_stages, sizeof *scn->stages);
    stage->name = xstrdup(name);
    stage->line = line;
    stage->value = xcalloc(scn->n_personas, sizeof *stage->value);
    char owner[128];
    snprintf(owner, sizeof owner, _("stage '%s'"), name);
    const char **keys;
    size_t n = sorted_keys(ctx, line, owner, -1, &keys);
    int value_slot = 0;
    for (size_t i = 0; i < n; i++) {
        const char *key = keys[i];
        raw_field(L, -2, key);
        if (strcmp(key, "entry") == 0) {
            stage->entry = get_boolean(ctx, line, owner, key, -1);
        } else if (strcmp(key, "terminal") == 0) {
            stage->terminal = get_boolean(ctx, line, owner, key, -1);
        } else if (strcmp(key, "purchase") == 0) {
            stage->purchase = get_boolean(ctx, line, owner, key, -1);
        } else if (strcmp(key, "emotion") == 0) {
            stage->emotion = (int)get_integer(ctx, line, owner, key, -1, -MAX_EMOTION, MAX_EMOTION);
        } else if (strcmp(key, "value") == 0) {
            value_slot = 1;
            if (lua_type(L, -1) == LUA_TTABLE) {
                get_per_persona(ctx, line, owner, -1, 0.0, 1e12, stage->value);
            } else {
                double v = get_number(ctx, line, owner, key, -1, 0.0, 1e12);
                for (size_t p = 0; p < scn->n_personas; p++)
                    stage->value[p] = v;
            }
        } else if (in_list(STAGE_TEXTS, key)) {
            get_text(ctx, line, owner, key, -1, &stage->texts);
        } else {
            unknown_key(ctx, line, owner, key, STAGE_KEYS);
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    if (value_slot && !stage->purchase)
        parse_fail(ctx, line,
                   _("%s has a value but is not a purchase stage: add purchase = true "
                     "or remove value"),
                   owner);
    if (stage->entry && stage->terminal)
        parse_fail(ctx, line, _("%s cannot be both the entry and terminal"), owner);
    if (stage->entry) {
        if (scn->entry >= 0)
            parse_fail(ctx, line,
                       _("%s is a second entry stage (the first is '%s' on line %d): a "
                         "journey has exactly one entry stage"),
                       owner, scn->stages[scn->entry].name, scn->stages[scn->entry].line);
        scn->entry = (int)(scn->n_stages - 1);
    }
}

static int resolve_stage(parse_ctx *ctx, int line, const char *what, const char *name)
{
    int s = scn_find_stage(ctx->scn, name);
    if (s >= 0)
        return s;
    const char **names = lua_newuserdatauv(ctx->L, (ctx->scn->n_stages + 1) * sizeof *names, 0);
    for (size_t i = 0; i < ctx->scn->n_stages; i++)
        names[i] = ctx->scn->stages[i].name;
    names[ctx->scn->n_stages] = NULL;
    char hint[128];
    suggest(hint, sizeof hint, name, names);
    return parse_fail(ctx, line, _("%s: unknown stage '%s'%s"), what, name, hint);
}

/* Adds edge from->to after checking it may exist; returns its index. */
static int add_edge(parse_ctx *ctx, int line, const char *what, int from, int to)
{
    scn_scenario *scn = ctx->scn;
    if (scn->stages[from].terminal)
        parse_fail(ctx, line,
                   _("%s: stage '%s' is terminal, customers cannot leave it (remove "
                     "terminal = true or this transition)"),
                   what, scn->stages[from].name);
    scn_edge *edge = xgrow(&scn->edges, &scn->n_edges, sizeof *scn->edges);
    edge->from = from;
    edge->to = to;
    edge->line = line;
    return (int)(scn->n_edges - 1);
}

static void parse_transition(parse_ctx *ctx, int line, const char *name)
{
    (void)name;
    lua_State *L = ctx->L;
    scn_scenario *scn = ctx->scn;
    /* The record is just below the value on the stack. */
    raw_field(L, -2, "from");
    raw_field(L, -3, "to");
    char what[256];
    snprintf(what, sizeof what, _("transition %s->%s"), lua_tostring(L, -2), lua_tostring(L, -1));
    get_lstring(ctx, line, what, _("the stage name"), -2);
    get_lstring(ctx, line, what, _("the stage name"), -1);
    int from = resolve_stage(ctx, line, what, lua_tostring(L, -2));
    int to = resolve_stage(ctx, line, what, lua_tostring(L, -1));
    lua_pop(L, 2);
    int dup = scn_find_edge(scn, from, to);
    if (dup >= 0)
        parse_fail(ctx, line, _("%s is declared twice (first on line %d)"), what,
                   scn->edges[dup].line);
    int e = add_edge(ctx, line, what, from, to);
    get_prob(ctx, line, what, -1, &scn->edges[e].prob);
}

/* "from->to" (spaces allowed around the arrow) to an edge index; with
 * may_add, an edge that does not exist yet is added. */
static int resolve_edge_key(parse_ctx *ctx, int line, const char *owner, const char *key,
                            bool may_add)
{
    const char *arrow = strstr(key, "->");
    if (!arrow)
        parse_fail(ctx, line, _("%s: '%s' is not an edge; write [\"from->to\"]"), owner, key);
    /* A name is at most NAME_MAX_LEN characters of up to 4 bytes each. */
    char from[NAME_MAX_LEN * 4 * 2 + 1], to[NAME_MAX_LEN * 4 * 2 + 1];
    const char *a = key, *b = arrow;
    while (*a == ' ')
        a++;
    while (b > a && b[-1] == ' ')
        b--;
    snprintf(from, sizeof from, "%.*s", (int)(b - a), a);
    a = arrow + 2;
    while (*a == ' ')
        a++;
    snprintf(to, sizeof to, "%s", a);
    for (char *end = to + strlen(to); end > to && end[-1] == ' ';)
        *--end = '\0';
    char what[512];
    snprintf(what, sizeof what, _("%s, edge %s"), owner, key);
    int f = resolve_stage(ctx, line, what, from);
    int t = resolve_stage(ctx, line, what, to);
    int e = scn_find_edge(ctx->scn, f, t);
    if (e >= 0)
        return e;
    if (!may_add)
        parse_fail(ctx, line, _("%s: there is no transition %s->%s to scale (use set to add one)"),
                   owner, from, to);
    return add_edge(ctx, line, what, f, t);
}

static void parse_edge_changes(parse_ctx *ctx, int line, const char *owner,
                               scn_intervention *iv, bool is_set)
{
    lua_State *L = ctx->L;
    char sub[160];
    snprintf(sub, sizeof sub, "%s, %s", owner, is_set ? "set" : "scale");
    if (lua_type(L, -1) != LUA_TTABLE)
        parse_fail(ctx, line, _("%s must be a table { [\"from->to\"] = %s }"), sub,
                   is_set ? "probability" : "factor");
    const char **keys;
    size_t n = sorted_keys(ctx, line, sub, -1, &keys);
    for (size_t i = 0; i < n; i++) {
        int e = resolve_edge_key(ctx, line, sub, keys[i], is_set);
        for (size_t c = 0; c < iv->n_changes; c++)
            if (iv->changes[c].edge == e)
                parse_fail(ctx, line, _("%s: edge %s is both scaled and set"), owner, keys[i]);
        scn_edge_change *change = xgrow(&iv->changes, &iv->n_changes, sizeof *iv->changes);
        change->edge = e;
        change->is_set = is_set;
        raw_field(L, -2, keys[i]);
        char what[256];
        snprintf(what, sizeof what, "%s[\"%s\"]", sub, keys[i]);
        if (is_set)
            get_prob(ctx, line, what, -1, &change->prob);
        else
            change->factor = get_number(ctx, line, what, _("the factor"), -1, 0.0, 1e6);
        lua_pop(L, 1);
    }
    lua_pop(L, 1); /* the sorted keys; the caller pops the table */
}

static void parse_personas_list(parse_ctx *ctx, int line, const char *owner,
                                scn_intervention *iv)
{
    lua_State *L = ctx->L;
    int idx = lua_absindex(L, -1);
    size_t n = 1;
    if (lua_type(L, idx) == LUA_TTABLE)
        n = lua_rawlen(L, idx);
    else if (lua_type(L, idx) != LUA_TSTRING)
        parse_fail(ctx, line, _("%s: personas must be a list of persona names"), owner);
    if (n == 0)
        parse_fail(ctx, line, _("%s: personas is empty; leave it out to apply to everyone"), owner);
    iv->personas = 0;
    for (size_t i = 1; i <= n; i++) {
        if (lua_type(L, idx) == LUA_TTABLE)
            lua_rawgeti(L, idx, (lua_Integer)i);
        else
            lua_pushvalue(L, idx);
        if (lua_type(L, -1) != LUA_TSTRING)
            parse_fail(ctx, line, _("%s: personas must be a list of persona names"), owner);
        const char *name = get_lstring(ctx, line, owner, _("the persona name"), -1);
        int p = scn_find_persona(ctx->scn, name);
        if (p < 0)
            unknown_persona(ctx, line, owner, name);
        iv->personas |= UINT64_C(1) << p;
        lua_pop(L, 1);
    }
}

static void parse_intervention(parse_ctx *ctx, int line, const char *name)
{
    lua_State *L = ctx->L;
    scn_scenario *scn = ctx->scn;
    check_name(ctx, line, "intervention", name);
    if (strchr(name, '+') || strchr(name, ','))
        parse_fail(ctx, line, _("intervention name \"%s\" must not contain '+' or ','"), name);
    if (strcmp(name, "baseline") == 0)
        parse_fail(ctx, line,
                   _("intervention name 'baseline' is reserved for the run without "
                     "interventions"));
    for (size_t i = 0; i < scn->n_interventions; i++)
        if (strcmp(scn->interventions[i].name, name) == 0)
            parse_fail(ctx, line, _("intervention '%s' is declared twice (first on line %d)"), name,
                       scn->interventions[i].line);
    if (scn->n_interventions == SCN_MAX_INTERVENTIONS)
        parse_fail(ctx, line, _("too many interventions: at most %d"), SCN_MAX_INTERVENTIONS);
    scn_intervention *iv =
        xgrow(&scn->interventions, &scn->n_interventions, sizeof *scn->interventions);
    iv->name = xstrdup(name);
    iv->line = line;
    iv->at = -1;
    iv->until_day = -1;
    iv->personas = scn->n_personas == 64 ? UINT64_MAX : (UINT64_C(1) << scn->n_personas) - 1;
    iv->touches = xcalloc(scn->n_stages, sizeof *iv->touches);
    char owner[128];
    snprintf(owner, sizeof owner, _("intervention '%s'"), name);
    const char **keys;
    size_t n = sorted_keys(ctx, line, owner, -1, &keys);
    bool has_mood = false;
    for (size_t i = 0; i < n; i++) {
        const char *key = keys[i];
        raw_field(L, -2, key);
        if (strcmp(key, "personas") == 0) {
            parse_personas_list(ctx, line, owner, iv);
        } else if (strcmp(key, "at") == 0) {
            iv->at = resolve_stage(ctx, line, owner, get_string(ctx, line, owner, key, -1));
        } else if (strcmp(key, "mood") == 0) {
            has_mood = true;
            iv->mood = (int)get_integer(ctx, line, owner, key, -1, -MAX_EMOTION, MAX_EMOTION);
        } else if (strcmp(key, "scale") == 0 || strcmp(key, "set") == 0) {
            parse_edge_changes(ctx, line, owner, iv, strcmp(key, "set") == 0);
        } else if (strcmp(key, "cost_per_customer") == 0) {
            iv->cost_per_customer = get_number(ctx, line, owner, key, -1, 0.0, 1e12);
        } else if (strcmp(key, "cost_per_use") == 0) {
            iv->cost_per_use = get_number(ctx, line, owner, key, -1, 0.0, 1e12);
        } else if (strcmp(key, "once") == 0) {
            iv->once = get_boolean(ctx, line, owner, key, -1);
        } else if (strcmp(key, "from_day") == 0) {
            iv->from_day = (int)get_integer(ctx, line, owner, key, -1, 0, scn->days);
        } else if (strcmp(key, "until_day") == 0) {
            iv->until_day = (int)get_integer(ctx, line, owner, key, -1, 0, scn->days);
        } else if (in_list(INTERVENTION_TEXTS, key)) {
            get_text(ctx, line, owner, key, -1, &iv->texts);
        } else {
            unknown_key(ctx, line, owner, key, INTERVENTION_KEYS);
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    if (has_mood && iv->at < 0)
        parse_fail(ctx, line, _("%s: mood needs at = \"stage\" to say where the mood changes"),
                   owner);
    /* A customer's state counts purchases, not visits: the first entry it
     * can tell apart is the first purchase. */
    if (iv->once && (iv->at < 0 || !scn->stages[iv->at].purchase))
        parse_fail(ctx, line,
                   _("%s: once = true applies the change on the customer's first purchase only, "
                     "so at must name a purchase stage%s%s%s"),
                   owner, iv->at < 0 ? "" : _(" ('"), iv->at < 0 ? "" : scn->stages[iv->at].name,
                   iv->at < 0 ? "" : _("' is not one)"));
    if (iv->until_day >= 0 && iv->until_day < iv->from_day)
        parse_fail(ctx, line,
                   _("%s: until_day = %d is before from_day = %d: the change would never be "
                     "live"),
                   owner, iv->until_day, iv->from_day);
    if (iv->at >= 0) {
        iv->touches[iv->at] = true;
    } else {
        for (size_t c = 0; c < iv->n_changes; c++)
            iv->touches[scn->edges[iv->changes[c].edge].from] = true;
    }
    if (iv->at < 0 && iv->n_changes == 0)
        parse_fail(ctx, line,
                   _("%s changes nothing: give it at = \"stage\" with mood = ..., or "
                     "scale / set of an edge"),
                   owner);
}

static void check_shares(parse_ctx *ctx)
{
    scn_scenario *scn = ctx->scn;
    double sum = 0;
    char parts[1024] = "";
    for (size_t p = 0; p < scn->n_personas; p++) {
        sum += scn->personas[p].share;
        char part[128];
        snprintf(part, sizeof part, "%s%s %g", p ? " + " : "", scn->personas[p].name,
                 scn->personas[p].share);
        strncat(parts, part, sizeof parts - strlen(parts) - 1);
    }
    if (fabs(sum - 1.0) > SHARE_TOLERANCE) {
        ctx->file = ctx->shares_file && strcmp(ctx->shares_file, scn->path) != 0
                        ? ctx->shares_file
                        : NULL;
        parse_fail(ctx, ctx->shares_line, _("persona shares sum to %g, they must sum to 1 (%s)"),
                   sum, parts);
    }
}

static void add_everyone(scn_scenario *scn)
{
    scn_persona *persona = xgrow(&scn->personas, &scn->n_personas, sizeof *scn->personas);
    persona->name = xstrdup("everyone");
    persona->share = 1.0;
}

int scnparse_run(lua_State *L)
{
    parse_ctx ctx = {.L = L, .scn = lua_touserdata(L, 1)};
    luaL_getsubtable(L, LUA_REGISTRYINDEX, DSL_DECLS_KEY);
    ctx.decls = lua_gettop(L);
    for_each_decl(&ctx, "scenario", parse_scenario);
    for_each_decl(&ctx, "persona", parse_persona);
    if (ctx.scn->n_personas == 0)
        add_everyone(ctx.scn);
    check_shares(&ctx);
    for_each_decl(&ctx, "stage", parse_stage);
    if (ctx.scn->n_stages == 0)
        parse_fail(&ctx, 0, _("no stages: declare the journey with stage \"name\" { ... }"));
    if (ctx.scn->entry < 0)
        parse_fail(&ctx, 0,
                   _("no entry stage: mark the stage where customers start with "
                     "entry = true"));
    for_each_decl(&ctx, "transition", parse_transition);
    ctx.scn->n_base_edges = ctx.scn->n_edges;
    for_each_decl(&ctx, "intervention", parse_intervention);
    return 0;
}
