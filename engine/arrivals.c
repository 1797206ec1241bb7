#include "arrivals.h"

#include <lauxlib.h>
#include <lua.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "sandbox.h"
#include "sim.h"
#include "util.h"

/* As many customers as a run may have (the limit of customers). */
static const double MAX_ARRIVALS = 1e12;

/* Shares are written in decimal and summed in binary: quotas this close
 * are equal, priorities this close are a tie. */
static const double QUOTA_SLACK = 1e-9;
static const double PRIORITY_TIE = 1e-12;

/* f(day) of an arrivals function, checked. */
static cj_status call_arrivals(const scn_scenario *scn, int day, double *out, cj_err *err)
{
    lua_State *L = scn->L;
    lua_rawgeti(L, LUA_REGISTRYINDEX, scn->arrivals_ref);
    lua_pushinteger(L, day);
    int status = sbx_pcall(L, 1, 1);
    if (status != LUA_OK) {
        char msg[CJ_ERR_MSG_MAX - 128];
        sbx_error_message(L, status, scn->path, msg, sizeof msg);
        lua_pop(L, 1);
        return cj_fail(err, CJ_ERR_SCENARIO, _("%s (in arrivals, for day %d)"), msg, day);
    }
    if (lua_type(L, -1) != LUA_TNUMBER) {
        cj_fail(err, CJ_ERR_SCENARIO,
                _("%s:%d: the arrivals function returned a %s for day %d, not a number"), scn->path,
                scn->arrivals_line, luaL_typename(L, -1), day);
        lua_pop(L, 1);
        return err->status;
    }
    *out = lua_tonumber(L, -1);
    lua_pop(L, 1);
    if (isnan(*out))
        return cj_fail(err, CJ_ERR_SCENARIO,
                       _("%s:%d: the arrivals function returned NaN (not a number) for day %d; "
                         "check for 0/0"),
                       scn->path, scn->arrivals_line, day);
    if (!(*out >= 0) || isinf(*out))
        return cj_fail(err, CJ_ERR_SCENARIO,
                       _("%s:%d: the arrivals function returned %g for day %d: arrivals are a "
                         "finite number of customers, 0 or more"),
                       scn->path, scn->arrivals_line, *out, day);
    return CJ_OK;
}

/* Gives the day's n customers to personas one at a time (quota method). */
static void share_out(const scn_scenario *scn, int64_t before, int64_t n, int64_t *so_far,
                      int64_t *day_count)
{
    size_t k = scn->n_personas;
    for (int64_t i = 1; i <= n; i++) {
        double house = (double)(before + i);
        size_t best = SIZE_MAX;
        for (size_t p = 0; p < k; p++) {
            double share = scn->personas[p].share, quota = share * house;
            if (!((double)so_far[p] < quota - QUOTA_SLACK * (1.0 + quota)))
                continue; /* one more would put it a whole customer above its quota */
            if (best == SIZE_MAX ||
                share * (double)(so_far[best] + 1) >
                    scn->personas[best].share * (double)(so_far[p] + 1) * (1.0 + PRIORITY_TIE))
                best = p;
        }
        if (best == SIZE_MAX) /* only by rounding: the most behind its quota */
            best = 0;
        so_far[best]++;
        day_count[best]++;
    }
}

cj_status arr_build(const scn_scenario *scn, int days, int64_t customers, double per_day,
                    arr_plan *out, cj_err *err)
{
    if (arr_count(scn, days, customers, per_day, out, err) == CJ_OK)
        arr_share(scn, out);
    return err->status;
}

cj_status arr_count(const scn_scenario *scn, int days, int64_t customers, double per_day,
                    arr_plan *out, cj_err *err)
{
    memset(out, 0, sizeof *out);
    size_t k = scn->n_personas;
    out->n_personas = k;
    if (!scn->has_arrivals) {
        out->days = 1;
        out->total = customers;
        out->day_end = xcalloc(1, sizeof *out->day_end);
        out->count = xcalloc(k, sizeof *out->count);
        out->day_end[0] = customers;
        sim_allocate(scn, customers, out->count);
        return CJ_OK;
    }
    bool function = scn->arrivals_is_function && per_day < 0;
    double rate = per_day >= 0 ? per_day : scn->arrivals;
    out->days = days;
    out->day_end = xcalloc((size_t)days, sizeof *out->day_end);
    out->count = xcalloc((size_t)days * k, sizeof *out->count);
    double sum = 0;
    for (int d = 0; d < days; d++) {
        double a;
        if (function) {
            double today;
            if (call_arrivals(scn, d, &today, err) != CJ_OK)
                break;
            a = sum += today;
        } else {
            a = rate * (double)(d + 1);
        }
        if (a > MAX_ARRIVALS && per_day >= 0) {
            cj_fail(err, CJ_ERR_USAGE,
                    _("--arrivals %.0f: %.0f customers by day %d, more than the limit of "
                      "1000000000000"),
                    per_day, a, d);
            break;
        }
        if (a > MAX_ARRIVALS) {
            cj_fail(err, CJ_ERR_SCENARIO,
                    _("%s:%d: arrivals add up to %.0f customers by day %d, more than the limit of "
                      "1000000000000"),
                    scn->path, scn->arrivals_line, a, d);
            break;
        }
        out->day_end[d] = (int64_t)floor(a);
    }
    out->total = days > 0 ? out->day_end[days - 1] : 0;
    if (err->status == CJ_OK && out->total == 0)
        cj_fail(err, CJ_ERR_SCENARIO,
                ngettext("%s:%d: arrivals: nobody arrives in %d day",
                         "%s:%d: arrivals: nobody arrives in %d days", (unsigned long)days),
                scn->path, scn->arrivals_line, days);
    if (err->status != CJ_OK)
        arr_free(out);
    return err->status;
}

void arr_share(const scn_scenario *scn, arr_plan *plan)
{
    if (!scn->has_arrivals)
        return; /* a cohort is allocated by arr_count */
    size_t k = plan->n_personas;
    int64_t *so_far = xcalloc(k, sizeof *so_far);
    int64_t before = 0;
    for (int d = 0; d < plan->days; d++) {
        share_out(scn, before, plan->day_end[d] - before, so_far, plan->count + (size_t)d * k);
        before = plan->day_end[d];
    }
    free(so_far);
}

int arr_day_of(const arr_plan *plan, int64_t c)
{
    int lo = 0, hi = plan->days - 1;
    while (lo < hi) { /* the first day whose running total is above c */
        int mid = lo + (hi - lo) / 2;
        if (plan->day_end[mid] > c)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

void arr_free(arr_plan *plan)
{
    free(plan->day_end);
    free(plan->count);
    memset(plan, 0, sizeof *plan);
}
