#include "scenario.h"

#include <errno.h>
#include <lauxlib.h>
#include <lua.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dsl.h"
#include "include.h"
#include "sandbox.h"
#include "scnparse.h"
#include "target_eval.h"
#include "util.h"
#include "i18n.h"

enum { DEFAULT_DAYS = 180 };
static const int64_t DEFAULT_CUSTOMERS = 10000;
static const uint64_t DEFAULT_SEED = 1;

/* "scripts/shop.lua" -> "shop": the name of a scenario that gives none. */
static char *default_name(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    char *name = utf8_sanitized(base);
    char *dot = strrchr(name, '.');
    if (dot && dot != name)
        *dot = '\0';
    return name;
}

static bool check_readable(const char *path, cj_err *err)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        cj_fail(err, CJ_ERR_SCENARIO, _("cannot open scenario '%s': %s"), path, strerror(errno));
        return false;
    }
    if (S_ISDIR(st.st_mode)) {
        cj_fail(err, CJ_ERR_SCENARIO, _("scenario '%s' is a directory, not a .lua file"), path);
        return false;
    }
    if (!S_ISREG(st.st_mode)) {
        cj_fail(err, CJ_ERR_SCENARIO, _("scenario '%s' is not a regular file"), path);
        return false;
    }
    return true;
}

scn_scenario *scn_load(const char *path, const sbx_limits *limits, cj_err *err)
{
    return scn_load_params(path, limits, NULL, err);
}

scn_scenario *scn_load_params(const char *path, const sbx_limits *limits, const prm_set *params,
                              cj_err *err)
{
    if (!check_readable(path, err))
        return NULL;
    scn_scenario *scn = xcalloc(1, sizeof *scn);
    scn->path = xstrdup(path);
    scn->name = default_name(path);
    scn->days = DEFAULT_DAYS;
    scn->customers = DEFAULT_CUSTOMERS;
    scn->seed = DEFAULT_SEED;
    scn->margin = 1.0;
    scn->entry = -1;
    static const sbx_limits DEFAULTS = {0};
    scn->L = sbx_new(limits ? limits : &DEFAULTS);
    if (!scn->L) {
        cj_fail(err, CJ_ERR_RESOURCE, _("cannot create the Lua state: out of memory"));
        scn_free(scn);
        return NULL;
    }
    lua_State *L = scn->L;
    dsl_open(L);
    prm_bind(L, params, &scn->params);
    tgt_bind(L, &scn->targets);
    inc_open(L, path);
    sbx_seal_globals(L);
    int status = sbx_load_file(L, path);
    if (status == LUA_OK)
        status = sbx_pcall(L, 0, 0);
    if (status == LUA_OK) {
        prm_close(L);
        tgt_bind(L, NULL);
        if (prm_check_unknown(params, &scn->params, err) != CJ_OK) {
            scn_free(scn);
            return NULL;
        }
    }
    if (status == LUA_OK) {
        lua_pushcfunction(L, scnparse_run);
        lua_pushlightuserdata(L, scn);
        status = sbx_pcall(L, 1, 0);
    }
    if (status == LUA_OK && tgt_resolve(scn, err) != CJ_OK) {
        prm_explain_error(err, &scn->params);
        scn_free(scn);
        return NULL;
    }
    if (status != LUA_OK) {
        char msg[CJ_ERR_MSG_MAX];
        sbx_error_message(L, status, path, msg, sizeof msg);
        cj_fail(err, CJ_ERR_SCENARIO, "%s", msg);
        prm_explain_error(err, &scn->params);
        scn_free(scn);
        return NULL;
    }
    return scn;
}

static void free_texts(scn_texts *texts)
{
    for (size_t i = 0; i < texts->n; i++) {
        for (size_t j = 0; j < texts->items[i].n_items; j++)
            free(texts->items[i].items[j]);
        free(texts->items[i].items);
        free(texts->items[i].key);
    }
    free(texts->items);
}

void scn_free(scn_scenario *scn)
{
    if (!scn)
        return;
    for (size_t p = 0; p < scn->n_personas; p++) {
        scn_persona *persona = &scn->personas[p];
        for (size_t a = 0; a < persona->n_attrs; a++) {
            free(persona->attrs[a].name);
            free(persona->attrs[a].string);
        }
        free(persona->attrs);
        free_texts(&persona->texts);
        free(persona->name);
    }
    for (size_t s = 0; s < scn->n_stages; s++) {
        free(scn->stages[s].name);
        free(scn->stages[s].value);
        free_texts(&scn->stages[s].texts);
    }
    for (size_t e = 0; e < scn->n_edges; e++)
        free(scn->edges[e].prob.per_persona);
    for (size_t i = 0; i < scn->n_interventions; i++) {
        scn_intervention *iv = &scn->interventions[i];
        for (size_t c = 0; c < iv->n_changes; c++)
            free(iv->changes[c].prob.per_persona);
        free(iv->changes);
        free(iv->touches);
        free_texts(&iv->texts);
        free(iv->name);
    }
    free(scn->personas);
    free(scn->stages);
    free(scn->edges);
    free(scn->interventions);
    free_texts(&scn->texts);
    prm_list_free(&scn->params);
    tgt_list_free(&scn->targets);
    free(scn->name);
    free(scn->path);
    sbx_close(scn->L);
    free(scn);
}

int scn_find_stage(const scn_scenario *scn, const char *name)
{
    for (size_t s = 0; s < scn->n_stages; s++)
        if (strcmp(scn->stages[s].name, name) == 0)
            return (int)s;
    return -1;
}

int scn_find_persona(const scn_scenario *scn, const char *name)
{
    for (size_t p = 0; p < scn->n_personas; p++)
        if (strcmp(scn->personas[p].name, name) == 0)
            return (int)p;
    return -1;
}

int scn_find_edge(const scn_scenario *scn, int from, int to)
{
    for (size_t e = 0; e < scn->n_edges; e++)
        if (scn->edges[e].from == from && scn->edges[e].to == to)
            return (int)e;
    return -1;
}

const scn_text *scn_text_get(const scn_texts *texts, const char *key)
{
    for (size_t i = 0; i < texts->n; i++)
        if (strcmp(texts->items[i].key, key) == 0)
            return &texts->items[i];
    return NULL;
}
