#include "fit.h"

#include <errno.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "format.h"
#include "util.h"
#include "i18n.h"

/* Stays are counted by their length in days up to TRACK (longer ones share
 * the last slot); probabilities by day in the stage go up to MAX_CAP days. */
enum { TRACK = 64, MAX_CAP = 28, MIN_EXPECTED = 10, MAX_LOCALS = 180 };
/* Parameter names have at most 64 characters: "p_" + stage (16, and "_N"
 * to tell two apart) + "_" + stage + "_N" + "_" + persona (12 + "_N"). */
enum { STAGE_TOKEN_MAX = 16, PERSONA_TOKEN_MAX = 12 };

/* One stage × group (persona, or everyone). */
typedef struct {
    double ends[TRACK + 1];   /* stays that lasted d days (moved or censored) */
    double leaves[TRACK + 1]; /* stays that ended with a move after d days */
    double days, moves;       /* customer-days at risk, moves out */
} cell;

typedef struct {
    int from, to;
    double *moves;  /* per group */
    double *by_day; /* per group: TRACK + 1 slots, moves after d days */
    char *param;    /* base name, p_from_to */
} fedge;

typedef struct {
    double lr_g;
    int lr_df;
    double lr_p;
    int cap; /* > 0: probabilities by day in stage 1 .. cap (cap: from then on) */
    bool terminal, purchase, has_value;
    double value, value_sd, value_n;
    double entered, started;
    double amounts; /* rows with an amount, purchase stage or not */
    char *token; /* the stage's name as a Lua identifier part */
    int *out;    /* its edges */
    size_t n_out;
} fstage;

typedef struct {
    const evl_log *log;
    bool paths;
    size_t n_stages, n_groups;
    const char **names;
    fstage *st;
    cell *cells;
    fedge *edges;
    size_t n_edges;
    int entry;
    int end;
    double customers;
    size_t same_day;
    char **ptoken; /* per persona: its name as a Lua identifier part */
    char **used;   /* Lua names given out */
    size_t n_used;
    bool table_mode; /* too many locals: the parameters live in a table P */
} model;

/* ---- statistics ---- */

/* The q quantile of beta(a, b) by bisection on GSL's distribution function:
 * gsl_cdf_beta_Pinv fails to converge for the large parameters of long
 * logs; 200 halvings reach any double. */
static double beta_quantile(double q, double a, double b)
{
    double lo = 0, hi = 1;
    for (int i = 0; i < 200 && lo < hi; i++) {
        double mid = lo + (hi - lo) / 2;
        if (mid <= lo || mid >= hi)
            break;
        if (gsl_cdf_beta_P(mid, a, b) < q)
            lo = mid;
        else
            hi = mid;
    }
    return lo + (hi - lo) / 2;
}

void fit_jeffreys(double k, double n, double *lo, double *hi)
{
    gsl_set_error_handler_off();
    *lo = k <= 0 ? 0.0 : beta_quantile(0.025, k + 0.5, n - k + 0.5);
    *hi = k >= n ? 1.0 : beta_quantile(0.975, k + 0.5, n - k + 0.5);
}

/* x log(y / z), 0 when x is 0. */
static double xlog(double x, double y, double z)
{
    return x > 0 ? x * log(y / z) : 0.0;
}

void fit_lr_add(const double *at_risk, const double *moves, size_t bins, double *g, int *df)
{
    double n = 0, k = 0;
    size_t used = 0;
    for (size_t i = 0; i < bins; i++) {
        n += at_risk[i];
        k += moves[i];
        used += at_risk[i] > 0;
    }
    if (used < 2)
        return;
    double h0 = k / n, sum = 0;
    for (size_t i = 0; i < bins; i++) {
        if (at_risk[i] <= 0)
            continue;
        double h = moves[i] / at_risk[i];
        sum += xlog(moves[i], h, h0) + xlog(at_risk[i] - moves[i], 1 - h, 1 - h0);
    }
    *g += 2 * sum;
    *df += (int)used - 1;
}

/* ---- counting stays ---- */

static cell *cell_of(model *m, int s, size_t g)
{
    return &m->cells[(size_t)s * m->n_groups + g];
}

static const cell *ccell(const model *m, int s, size_t g)
{
    return &m->cells[(size_t)s * m->n_groups + g];
}

static int edge_of(model *m, int from, int to)
{
    fstage *s = &m->st[from];
    for (size_t i = 0; i < s->n_out; i++)
        if (m->edges[s->out[i]].to == to)
            return s->out[i];
    fedge *e = xgrow(&m->edges, &m->n_edges, sizeof *m->edges);
    e->from = from;
    e->to = to;
    e->moves = xcalloc(m->n_groups, sizeof *e->moves);
    e->by_day = xcalloc(m->n_groups * (TRACK + 1), sizeof *e->by_day);
    int *slot = xgrow(&s->out, &s->n_out, sizeof *s->out);
    *slot = (int)(m->n_edges - 1);
    return *slot;
}

/* A stay of d days in stage s by a customer of group g, ended by a move to
 * `to` (-1: still there when the log ended), w customers alike. */
static void add_stay(model *m, int s, size_t g, int64_t d, int to, double w)
{
    if (d <= 0)
        return;
    size_t slot = d < TRACK ? (size_t)d : TRACK;
    cell *c = cell_of(m, s, g);
    c->ends[slot] += w;
    c->days += (double)d * w;
    if (to < 0)
        return;
    c->leaves[slot] += w;
    c->moves += w;
    int ei = edge_of(m, s, to); /* may move m->edges */
    fedge *e = &m->edges[ei];
    e->moves[g] += w;
    e->by_day[g * (TRACK + 1) + slot] += w;
}

static void count_events(model *m)
{
    const evl_log *log = m->log;
    for (size_t c = 0; c < log->n_customers; c++) {
        size_t g = (size_t)log->persona[c];
        const evl_event *ev = log->events + log->first_event[c];
        size_t n = log->first_event[c + 1] - log->first_event[c];
        m->st[ev[0].stage].started += 1;
        for (size_t i = 0; i < n; i++) {
            fstage *s = &m->st[ev[i].stage];
            s->entered += 1;
            s->amounts += !isnan(ev[i].amount);
            if (!isnan(ev[i].amount) && s->purchase) {
                s->value_n += 1;
                s->value += ev[i].amount;
                s->value_sd += ev[i].amount * ev[i].amount;
            }
            if (i + 1 < n) {
                int64_t d = ev[i + 1].day - ev[i].day;
                if (d == 0) {
                    m->same_day++;
                    d = 1; /* at most one move a day: a same-day move counts one day */
                }
                add_stay(m, ev[i].stage, g, d, ev[i + 1].stage, 1);
            } else {
                add_stay(m, ev[i].stage, g, m->end - ev[i].day, -1, 1);
            }
        }
    }
}

/* Path data: each step is a day; a run of one channel is a stay as long. */
static void count_paths(model *m)
{
    const evl_log *log = m->log;
    int start = (int)log->n_stages, conv = start + 1, lost = start + 2;
    for (size_t i = 0; i < log->n_paths; i++) {
        const evl_path *p = &log->paths[i];
        double w = p->conversions + p->nulls;
        if (w <= 0)
            continue;
        const int32_t *steps = log->steps + p->first;
        m->st[start].started += w;
        m->st[start].entered += w;
        add_stay(m, start, 0, 1, steps[0], w);
        int64_t length = 1;
        for (size_t j = 0; j < p->n_steps; j++) {
            int64_t run = 1;
            while (j + 1 < p->n_steps && steps[j + 1] == steps[j]) {
                run++;
                j++;
            }
            length += run;
            m->st[steps[j]].entered += w;
            if (j + 1 < p->n_steps) {
                add_stay(m, steps[j], 0, run, steps[j + 1], w);
            } else {
                add_stay(m, steps[j], 0, run, conv, p->conversions);
                add_stay(m, steps[j], 0, run, lost, p->nulls);
            }
        }
        m->st[conv].entered += p->conversions;
        m->st[lost].entered += p->nulls;
        if (!isnan(p->value)) {
            m->st[conv].value += p->value;
            m->st[conv].value_n += p->conversions;
        }
        m->customers += w;
        if (length + 1 > m->end)
            m->end = (int)(length + 1);
    }
    m->st[conv].purchase = true;
    m->st[conv].terminal = true;
    m->st[lost].terminal = true;
    m->entry = start;
}

/* ---- deciding ---- */

/* Customers still in stage s (all groups, or group g) on day d of a stay. */
static double at_risk_on(const model *m, int s, size_t g, bool all, int d)
{
    double r = 0;
    for (size_t k = all ? 0 : g; k < (all ? m->n_groups : g + 1); k++)
        for (int b = d; b <= TRACK; b++)
            r += m->cells[(size_t)s * m->n_groups + k].ends[b];
    return r;
}

/* Is the time spent in s before leaving clearly not geometric? The test
 * compares, for every persona, one constant daily probability of leaving
 * with one per day in the stage (days 1 .. cap - 1, then one from cap on). */
static void test_dwell(model *m, int s)
{
    fstage *st = &m->st[s];
    /* Each day of its own must expect MIN_EXPECTED moves and stays under one
     * constant probability, or the test's chi-square approximation fails
     * (too many false alarms on sparse days). */
    double days = 0, left = 0;
    for (size_t k = 0; k < m->n_groups; k++) {
        days += cell_of(m, s, k)->days;
        left += cell_of(m, s, k)->moves;
    }
    double h0 = left / days, before = 0;
    int cap = 1;
    for (int d = 2; d <= MAX_CAP; d++) {
        double last = at_risk_on(m, s, 0, true, d - 1), tail = days - before - last;
        if (fmin(last, tail) * fmin(h0, 1 - h0) < MIN_EXPECTED)
            break;
        before += last;
        cap = d;
    }
    if (cap < 2)
        return;
    double g = 0;
    int df = 0;
    for (size_t k = 0; k < m->n_groups; k++) {
        const cell *c = cell_of(m, s, k);
        double risk[MAX_CAP + 1], moves[MAX_CAP + 1];
        double risk_before = 0, moves_before = 0;
        for (int d = 1; d < cap; d++) {
            risk[d - 1] = at_risk_on(m, s, k, false, d);
            moves[d - 1] = c->leaves[d];
            risk_before += risk[d - 1];
            moves_before += moves[d - 1];
        }
        risk[cap - 1] = c->days - risk_before;
        moves[cap - 1] = c->moves - moves_before;
        fit_lr_add(risk, moves, (size_t)cap, &g, &df);
    }
    if (df <= 0)
        return;
    st->lr_g = g;
    st->lr_df = df;
    gsl_set_error_handler_off();
    st->lr_p = gsl_cdf_chisq_Q(g, df);
    if (st->lr_p < FIT_TEST_ALPHA)
        st->cap = cap;
}

/* The daily probability of edge e for group g (all: every group) on day d
 * of a stay (d = cap: from then on); -1 when nobody of the group was there. */
static double hazard(const model *m, const fedge *e, size_t g, bool all, int d, int cap,
                     double *k_out, double *n_out)
{
    double k = 0, n = 0;
    for (size_t q = all ? 0 : g; q < (all ? m->n_groups : g + 1); q++) {
        const cell *c = ccell(m, e->from, q);
        const double *by_day = e->by_day + q * (TRACK + 1);
        if (d < cap) {
            k += by_day[d];
            n += at_risk_on(m, e->from, q, false, d);
        } else {
            double kk = e->moves[q], nn = c->days;
            for (int b = 1; b < cap; b++) {
                kk -= by_day[b];
                nn -= at_risk_on(m, e->from, q, false, b);
            }
            k += kk;
            n += nn;
        }
    }
    if (k_out)
        *k_out = k;
    if (n_out)
        *n_out = n;
    return n > 0 ? k / n : -1;
}

/* ---- names ---- */

static bool lua_identifier(const char *s)
{
    static const char *const KEYWORDS[] = {
        "and",   "break", "do",  "else", "elseif", "end",    "false", "for",  "function",
        "goto",  "if",    "in",  "local", "nil",   "not",    "or",    "repeat", "return",
        "then",  "true",  "until", "while", NULL};
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_' ||
              (*p >= '0' && *p <= '9')))
            return false;
    for (const char *const *k = KEYWORDS; *k; k++)
        if (strcmp(s, *k) == 0)
            return false;
    return true;
}

/* A name as part of a Lua identifier: ASCII letters and digits lowercased,
 * anything else one '_'; fallback when nothing is left. */
static char *token_of(const char *name, const char *fallback, size_t max)
{
    size_t len = strlen(name);
    char *t = xmalloc(len + 32);
    size_t n = 0;
    for (const char *p = name; *p; p++) {
        char ch = *p;
        if (ch >= 'A' && ch <= 'Z')
            ch = (char)(ch - 'A' + 'a');
        if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))
            t[n++] = ch;
        else if (n && t[n - 1] != '_')
            t[n++] = '_';
        if (n >= max)
            break;
    }
    while (n && t[n - 1] == '_')
        n--;
    t[n] = '\0';
    if (!n)
        snprintf(t, len + 32, "%s", fallback);
    return t;
}

/* base, or base_2, base_3 ... : the first not in names yet (then added). */
static char *unique_in(char ***names, size_t *n, const char *base)
{
    size_t len = strlen(base) + 16;
    char *name = xmalloc(len);
    snprintf(name, len, "%s", base);
    for (int i = 2;; i++) {
        bool taken = false;
        for (size_t u = 0; u < *n && !taken; u++)
            taken = strcmp((*names)[u], name) == 0;
        if (!taken)
            break;
        snprintf(name, len, "%s_%d", base, i);
    }
    char **slot = xgrow(names, n, sizeof **names);
    *slot = xstrdup(name);
    return name;
}

/* A Lua name of the file, unique among them. */
static char *unique_name(model *m, const char *base)
{
    return unique_in(&m->used, &m->n_used, base);
}

/* ---- writing ---- */

/* A Lua string literal. */
static void lua_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20 || *p == 0x7f)
            fprintf(f, "\\%03u", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

/* A table key: beginner = ..., or ["first time"] = ... */
static void lua_key(FILE *f, const char *s)
{
    if (lua_identifier(s)) {
        fputs(s, f);
    } else {
        fputc('[', f);
        lua_string(f, s);
        fputc(']', f);
    }
}

/* Text in a comment: no line breaks. */
static void comment_text(FILE *f, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        fputc(*p < 0x20 || *p == 0x7f ? '?' : *p, f);
}

static const char *group_name(const model *m, size_t g)
{
    return m->log->n_personas ? m->log->personas[g] : NULL;
}

/* The parameter of edge e for group g: p_from_to, or p_from_to_persona. */
static void param_name(const model *m, const fedge *e, size_t g, char *buf, size_t size)
{
    if (m->log->n_personas)
        snprintf(buf, size, "%s_%s", e->param, m->ptoken[g]);
    else
        snprintf(buf, size, "%s", e->param);
}

static void param_ref(const model *m, FILE *f, const char *name)
{
    fprintf(f, m->table_mode ? "P.%s" : "%s", name);
}

/* The parameter of edge e for group g; the pooled estimate as a number when
 * the group never was in the stage. */
static void write_estimate_ref(const model *m, FILE *f, const fedge *e, size_t g)
{
    if (ccell(m, e->from, g)->days <= 0) {
        double k = 0, n = 0;
        for (size_t q = 0; q < m->n_groups; q++) {
            k += e->moves[q];
            n += ccell(m, e->from, q)->days;
        }
        fprintf(f, "%.6g", k / n);
        return;
    }
    char name[512];
    param_name(m, e, g, name, sizeof name);
    param_ref(m, f, name);
}

static void write_param(model *m, FILE *f, const fedge *e, size_t g, size_t *n_params)
{
    const cell *c = cell_of(m, e->from, g);
    const char *persona = group_name(m, g);
    double k = e->moves[g], n = c->days;
    fprintf(f, "-- %s -> %s", m->names[e->from], m->names[e->to]);
    if (persona) {
        fputs(", ", f);
        comment_text(f, persona);
    }
    if (n <= 0) {
        fputs(": never observed in the stage; the estimate of all personas stands in\n", f);
        return;
    }
    double lo, hi, p = k / n;
    fit_jeffreys(k, n, &lo, &hi);
    lo = fmin(lo, p);
    hi = fmax(hi, p);
    fprintf(f, ": %.10g moves in %.10g customer-days at risk = %.4g a day, 95%% interval "
               "%.4g to %.4g\n",
            k, n, p, lo, hi);
    char name[512];
    param_name(m, e, g, name, sizeof name);
    fputs(m->table_mode ? "" : "local ", f);
    param_ref(m, f, name);
    fprintf(f, " = param \"%s\" { %.6g, low = %.6g, high = %.6g, dist = beta(%.10g, %.10g) }\n",
            name, p, lo, hi, k + 0.5, n - k + 0.5);
    (*n_params)++;
}

/* The day-in-stage table of edge e for one group: { h1, h2, ..., h_cap }. */
static void write_hazards(const model *m, FILE *f, const fedge *e, size_t g, bool all, int cap)
{
    fputs("{ ", f);
    for (int d = 1; d <= cap; d++) {
        double h = hazard(m, e, g, all, d, cap, NULL, NULL);
        if (h < 0)
            h = hazard(m, e, 0, true, d, cap, NULL, NULL);
        if (h < 0)
            h = 0;
        fprintf(f, "%.12g%s", h, d < cap ? ", " : " }");
    }
}

static void write_by_day(model *m, FILE *f, int s)
{
    fstage *st = &m->st[s];
    for (size_t i = 0; i < st->n_out; i++) {
        fedge *e = &m->edges[st->out[i]];
        fprintf(f, "-- %s -> %s, moves / customers there, all personas:", m->names[e->from],
                m->names[e->to]);
        for (int d = 1; d <= st->cap; d++) {
            double k, n;
            hazard(m, e, 0, true, d, st->cap, &k, &n);
            fprintf(f, " day %d%s %.10g/%.10g", d, d == st->cap ? "+:" : ":", k, n);
            fputs(d < st->cap ? "," : "\n", f);
        }
        char base[512];
        snprintf(base, sizeof base, "h_%s", e->param + 2);
        char *h = unique_name(m, base);
        fprintf(f, "local %s = ", h);
        if (m->log->n_personas) {
            fputs("{\n", f);
            for (size_t g = 0; g < m->n_groups; g++) {
                fputs("  ", f);
                lua_key(f, m->log->personas[g]);
                fputs(" = ", f);
                write_hazards(m, f, e, g, false, st->cap);
                fputs(",\n", f);
            }
            fputs("}\n", f);
        } else {
            write_hazards(m, f, e, 0, true, st->cap);
            fputs("\n", f);
        }
        fputs("transition(", f);
        lua_string(f, m->names[e->from]);
        fputs(", ", f);
        lua_string(f, m->names[e->to]);
        fprintf(f, ", function(c) return %s%s[math.min(c.days_in_stage, %d)] end)\n", h,
                m->log->n_personas ? "[c.persona]" : "", st->cap);
        free(h);
    }
}

/* The transitions out of stage s with constant probabilities. */
static void write_constant(model *m, FILE *f, int s)
{
    fstage *st = &m->st[s];
    char *k = NULL;
    if (st->n_out >= 2) {
        char base[256];
        snprintf(base, sizeof base, "k_%s", st->token);
        k = unique_name(m, base);
        fprintf(f, "local %s = ", k);
        if (m->log->n_personas)
            fputs("{", f);
        for (size_t g = 0; g < m->n_groups; g++) {
            if (m->log->n_personas) {
                fputs(g ? ", " : " ", f);
                lua_key(f, m->log->personas[g]);
                fputs(" = ", f);
            }
            fputs("at_most_one(", f);
            for (size_t i = 0; i < st->n_out; i++) {
                if (i)
                    fputs(", ", f);
                write_estimate_ref(m, f, &m->edges[st->out[i]], g);
            }
            fputs(")", f);
        }
        fputs(m->log->n_personas ? " }\n" : "\n", f);
    }
    for (size_t i = 0; i < st->n_out; i++) {
        fedge *e = &m->edges[st->out[i]];
        fputs("transition(", f);
        lua_string(f, m->names[e->from]);
        fputs(", ", f);
        lua_string(f, m->names[e->to]);
        fputs(", ", f);
        if (m->log->n_personas)
            fputs("{", f);
        for (size_t g = 0; g < m->n_groups; g++) {
            if (m->log->n_personas) {
                fputs(g ? ", " : " ", f);
                lua_key(f, m->log->personas[g]);
                fputs(" = ", f);
            }
            write_estimate_ref(m, f, e, g);
            if (k) {
                fprintf(f, " * %s", k);
                if (m->log->n_personas) {
                    if (lua_identifier(m->log->personas[g])) {
                        fprintf(f, ".%s", m->log->personas[g]);
                    } else {
                        fputc('[', f);
                        lua_string(f, m->log->personas[g]);
                        fputc(']', f);
                    }
                }
            }
        }
        fputs(m->log->n_personas ? " })\n" : ")\n", f);
    }
    free(k);
}

static void write_header(const model *m, const fit_options *o, FILE *f)
{
    const evl_log *log = m->log;
    fputs("-- Fitted by `cjmsim fit` from ", f);
    comment_text(f, log->path);
    if (m->paths) {
        fprintf(f, ": %zu paths of %.10g customers.\n", log->n_paths, m->customers);
    } else {
        char a[32], b[32];
        evl_format_day(log, 0, a, sizeof a);
        evl_format_day(log, m->end, b, sizeof b);
        fprintf(f, ": %zu customers, %zu events, days %s to %s%s.\n", log->n_customers,
                log->n_events, a, b, o->days ? " (--days)" : "");
    }
    if (o->command) {
        fputs("-- Made with: ", f);
        comment_text(f, o->command);
        fputs("\n", f);
    }
    fputs("--\n"
          "-- Each daily probability of moving from stage A to stage B is k / n: k moves\n"
          "-- from A to B in n customer-days at risk in A (a customer who entered A on\n"
          "-- day t and left on day u was at risk u - t days; one still in A when the log\n"
          "-- ends counts until its end: censored).",
          f);
    if (log->n_personas)
        fputs(" Estimated per persona.", f);
    fputs("\n"
          "-- Each is a parameter for `cjmsim psa`: dist = beta(k + 0.5, n - k + 0.5), the\n"
          "-- Jeffreys posterior; low and high, and the 95% interval in each comment, are\n"
          "-- its 2.5% and 97.5% quantiles (0 when k = 0, 1 when k = n).\n",
          f);
    if (m->paths)
        fputs("--\n"
              "-- Path data has no time: each step of a path is taken to happen on the next\n"
              "-- day, so a daily probability is the share of the moves out of a stage that\n"
              "-- go to the next one (a channel repeated in a row is a stay of that many\n"
              "-- days). The days and anything measured by day are this convention's, not\n"
              "-- the shop's: read the funnel and the conversions, not the timing.\n",
              f);
    else
        fputs("--\n"
              "-- A stage where the time spent before leaving is clearly not geometric (a\n"
              "-- likelihood-ratio test of one constant daily probability against one per day\n"
              "-- in the stage, p < 0.001) gets probabilities by c.days_in_stage instead: the\n"
              "-- moves of each day in the stage over the customers still there, up to a\n"
              "-- cap, then one constant. A stage nobody left that was observed for 368\n"
              "-- customer-days or more is terminal (its daily probability of leaving is\n"
              "-- below 1% with 95% confidence).\n",
              f);
}

/* The i-th stage to write: for path data, "start" first. */
static size_t stage_at(const model *m, size_t i)
{
    if (!m->paths)
        return i;
    return i == 0 ? m->log->n_stages : i <= m->log->n_stages ? i - 1 : i;
}

static void write_stages(const model *m, FILE *f)
{
    for (size_t at = 0; at < m->n_stages; at++) {
        size_t s = stage_at(m, at);
        const fstage *st = &m->st[s];
        fputs("stage ", f);
        lua_string(f, m->names[s]);
        fputs(" {", f);
        const char *sep = " ";
        if ((int)s == m->entry) {
            fputs(" entry = true", f);
            sep = ", ";
        }
        if (st->terminal) {
            fprintf(f, "%sterminal = true", sep);
            sep = ", ";
        }
        if (st->purchase) {
            fprintf(f, "%spurchase = true", sep);
            if (st->has_value)
                fprintf(f, ", value = %.6g", st->value);
            sep = ", ";
        }
        fputs(*sep == ',' ? " }" : "}", f);
        fprintf(f, "  -- entered %.10g times", st->entered);
        if ((int)s == m->entry)
            fprintf(f, "; %.10g customers started here", st->started);
        if (st->purchase) {
            if (st->has_value && m->paths)
                fprintf(f, "; value: total_conversion_value / total_conversions");
            else if (st->has_value)
                fprintf(f, "; value: mean amount of %.10g rows (sd %.4g)", st->value_n,
                        st->value_sd);
            else
                fputs("; no amount in the data: value 0", f);
        }
        if (st->n_out == 0 && !st->terminal && (int)s != m->entry && !m->paths) {
            double n = 0;
            for (size_t g = 0; g < m->n_groups; g++)
                n += ccell(m, (int)s, g)->days;
            fprintf(f, "; nobody was seen leaving it, but in only %.10g customer-days: not "
                       "called terminal",
                    n);
        } else if (st->terminal && !m->paths) {
            double n = 0;
            for (size_t g = 0; g < m->n_groups; g++)
                n += ccell(m, (int)s, g)->days;
            fprintf(f, "; nobody left it in %.10g customer-days", n);
        }
        fputs("\n", f);
    }
}

static const char *const RESERVED_PATH_STAGES[] = {"start", "conversion", "lost"};

static cj_status build(model *m, const evl_log *log, const fit_options *o, cj_err *err)
{
    memset(m, 0, sizeof *m);
    m->log = log;
    m->paths = log->kind == EVL_PATHS;
    m->n_stages = log->n_stages + (m->paths ? 3 : 0);
    m->n_groups = log->n_personas ? log->n_personas : 1;
    m->names = xcalloc(m->n_stages, sizeof *m->names);
    for (size_t s = 0; s < log->n_stages; s++) {
        m->names[s] = log->stages[s];
        if (m->paths)
            for (int r = 0; r < 3; r++)
                if (strcmp(log->stages[s], RESERVED_PATH_STAGES[r]) == 0)
                    return cj_fail(err, CJ_ERR_SCENARIO,
                                   _("%s: a channel is called '%s', the name the fitted scenario "
                                     "gives %s; rename the channel"),
                                   log->path, log->stages[s],
                                   r == 0   ? _("the stage every path starts from")
                                   : r == 1 ? _("the stage of conversions")
                                            : _("the stage of paths without conversion"));
    }
    if (m->paths)
        for (int r = 0; r < 3; r++)
            m->names[log->n_stages + (size_t)r] = RESERVED_PATH_STAGES[r];
    m->st = xcalloc(m->n_stages, sizeof *m->st);
    m->cells = xcalloc(m->n_stages * m->n_groups, sizeof *m->cells);
    for (size_t i = 0; i < o->n_purchase; i++) {
        const char *p = o->purchase[i];
        while (true) {
            size_t len = strcspn(p, ",");
            bool found = false;
            for (size_t s = 0; s < log->n_stages; s++)
                if (strlen(log->stages[s]) == len && strncmp(log->stages[s], p, len) == 0) {
                    m->st[s].purchase = found = true;
                }
            if (!found) {
                char list[512] = "";
                for (size_t s = 0; s < log->n_stages && strlen(list) < 400; s++) {
                    strcat(list, s ? ", " : "");
                    strncat(list, log->stages[s], 64);
                }
                return cj_fail(err, CJ_ERR_USAGE,
                               _("--purchase: %s has no stage '%.*s'; its stages are %s"),
                               log->path, (int)len, p, list);
            }
            if (!p[len])
                break;
            p += len + 1;
        }
    }
    if (m->paths) {
        count_paths(m);
        if (m->customers < 0.5 || m->customers > 1e12)
            return cj_fail(err, CJ_ERR_SCENARIO,
                           _("%s: the paths count %.10g customers in all; a scenario needs 1 to "
                             "10^12"),
                           log->path, m->customers);
    } else {
        m->end = o->days ? o->days : log->last_day;
        if (o->days && o->days < log->last_day) {
            char day[32];
            evl_format_day(log, log->last_day, day, sizeof day);
            return cj_fail(err, CJ_ERR_USAGE,
                           _("--days %d ends the log before its last event (day %s, %d days "
                             "after its first)"),
                           o->days, day, log->last_day);
        }
        if (m->end < 1)
            return cj_fail(err, CJ_ERR_SCENARIO,
                           _("%s: every event is on the same day: a log must span at least one "
                             "day to show daily probabilities"),
                           log->path);
        m->customers = (double)log->n_customers;
        count_events(m);
        /* The entry: the stage most customers start in (the first seen on a tie). */
        m->entry = 0;
        for (size_t s = 1; s < m->n_stages; s++)
            if (m->st[s].started > m->st[m->entry].started)
                m->entry = (int)s;
    }
    if (m->end > 36500)
        return cj_fail(err, CJ_ERR_SCENARIO,
                       _("%s: the paths are %d steps long; a scenario "
                         "covers at most 36500 days"),
                       log->path, m->end);
    /* Names, purchase values, terminal stages, the dwell test. */
    for (size_t s = 0; s < m->n_stages; s++) {
        char fallback[32];
        snprintf(fallback, sizeof fallback, "s%zu", s + 1);
        char *t = token_of(m->names[s], fallback, STAGE_TOKEN_MAX);
        m->st[s].token = unique_name(m, t);
        free(t);
    }
    for (size_t s = 0; s < m->n_stages; s++) {
        fstage *st = &m->st[s];
        if (st->value_n > 0) {
            double mean = st->value / st->value_n;
            st->value_sd = st->value_n > 1 ? sqrt(fmax(0, (st->value_sd - st->value_n * mean *
                                                                              mean) /
                                                              (st->value_n - 1)))
                                           : 0;
            st->value = mean;
            st->has_value = true;
        }
        if (!m->paths && st->n_out == 0 && (int)s != m->entry) {
            double n = 0;
            for (size_t g = 0; g < m->n_groups; g++)
                n += cell_of(m, (int)s, g)->days;
            st->terminal = n >= FIT_TERMINAL_DAYS;
        }
        if (!m->paths && st->n_out > 0)
            test_dwell(m, (int)s);
    }
    /* Edges in the order of their stages, then of their destinations. */
    for (size_t s = 0; s < m->n_stages; s++) {
        fstage *st = &m->st[s];
        for (size_t i = 1; i < st->n_out; i++)
            for (size_t j = i; j > 0 && m->edges[st->out[j]].to < m->edges[st->out[j - 1]].to;
                 j--) {
                int t = st->out[j];
                st->out[j] = st->out[j - 1];
                st->out[j - 1] = t;
            }
        for (size_t i = 0; i < st->n_out; i++) {
            fedge *e = &m->edges[st->out[i]];
            char base[256];
            snprintf(base, sizeof base, "p_%s_%s", st->token, m->st[e->to].token);
            e->param = unique_name(m, base);
        }
    }
    m->ptoken = xcalloc(m->n_groups, sizeof *m->ptoken);
    char **pused = NULL; /* persona tokens are told apart among themselves */
    size_t n_pused = 0;
    for (size_t g = 0; g < log->n_personas; g++) {
        char fallback[32];
        snprintf(fallback, sizeof fallback, "persona%zu", g + 1);
        char *t = token_of(log->personas[g], fallback, PERSONA_TOKEN_MAX);
        m->ptoken[g] = unique_in(&pused, &n_pused, t);
        free(t);
    }
    for (size_t u = 0; u < n_pused; u++)
        free(pused[u]);
    free(pused);
    size_t locals = 2;
    for (size_t i = 0; i < m->n_edges; i++)
        locals += m->n_groups + 1;
    m->table_mode = locals > MAX_LOCALS;
    return CJ_OK;
}

static void model_free(model *m)
{
    for (size_t s = 0; s < m->n_stages && m->st; s++) {
        free(m->st[s].token);
        free(m->st[s].out);
    }
    for (size_t i = 0; i < m->n_edges; i++) {
        free(m->edges[i].moves);
        free(m->edges[i].by_day);
        free(m->edges[i].param);
    }
    for (size_t g = 0; g < m->n_groups && m->ptoken; g++)
        free(m->ptoken[g]);
    free(m->ptoken);
    for (size_t u = 0; u < m->n_used; u++)
        free(m->used[u]);
    free(m->used);
    free(m->edges);
    free(m->st);
    free(m->cells);
    free(m->names);
}

cj_status fit_write(const evl_log *log, const fit_options *o, FILE *f, fit_summary *sum,
                    cj_err *err)
{
    model m;
    memset(sum, 0, sizeof *sum);
    if (build(&m, log, o, err) != CJ_OK) {
        model_free(&m);
        return err->status;
    }
    write_header(&m, o, f);

    /* scenario and personas */
    const char *base = strrchr(log->path, '/');
    base = base ? base + 1 : log->path;
    char title[80];
    snprintf(title, sizeof title, "Fitted from %.40s", base);
    char *clean = utf8_sanitized(title);
    fputs("\nscenario { name = ", f);
    lua_string(f, clean);
    free(clean);
    fprintf(f, ", customers = %.0f, days = %d, seed = 1 }\n", m.customers, m.end);
    if (log->n_personas) {
        fputs("\n-- Shares: each persona's customers in the log.\n", f);
        double *count = xcalloc(log->n_personas, sizeof *count);
        for (size_t c = 0; c < log->n_customers; c++)
            count[log->persona[c]] += 1;
        for (size_t g = 0; g < log->n_personas; g++) {
            fputs("persona ", f);
            lua_string(f, log->personas[g]);
            fprintf(f, " { share = %.0f / %zu }\n", count[g], log->n_customers);
        }
        free(count);
    }

    /* stages */
    fputs("\n", f);
    write_stages(&m, f);
    if (!m.paths && m.st[m.entry].started < m.customers) {
        fprintf(f, "-- %.10g of %.10g customers started in '%s', the most common first stage, "
                   "which is\n-- the entry; the others (",
                m.st[m.entry].started, m.customers, m.names[m.entry]);
        bool first = true;
        for (size_t s = 0; s < m.n_stages; s++)
            if ((int)s != m.entry && m.st[s].started > 0) {
                fprintf(f, "%s%s %.10g", first ? "" : ", ", m.names[s], m.st[s].started);
                first = false;
            }
        fputs(") start there in the simulation;\n-- their moves still count in the "
              "estimates.\n",
              f);
    }
    if (m.same_day)
        fprintf(f, "-- %zu moves came on the same day as the customer's previous one; the "
                   "model moves a\n-- customer at most once a day, so each counts as one day "
                   "at risk.\n",
                m.same_day);

    /* parameters */
    size_t n_params = 0;
    fputs("\n-- Daily probabilities estimated from the data\n", f);
    if (m.table_mode)
        fputs("local P = {} -- the parameters (too many for local variables)\n", f);
    for (size_t at = 0; at < m.n_stages; at++) {
        size_t s = stage_at(&m, at);
        fstage *st = &m.st[s];
        if (!st->n_out || st->cap)
            continue;
        for (size_t i = 0; i < st->n_out; i++)
            for (size_t g = 0; g < m.n_groups; g++)
                write_param(&m, f, &m.edges[st->out[i]], g, &n_params);
    }

    /* transitions */
    fputs("\n-- The estimates of one stage are drawn independently by psa (or swept one at\n"
          "-- a time), so they may sum above 1: at_most_one gives the factor that scales\n"
          "-- such a set down to sum 1 (1 for the estimates themselves).\n"
          "local function at_most_one(...)\n"
          "  local sum = 0\n"
          "  for _, p in ipairs({ ... }) do sum = sum + p end\n"
          "  return sum > 1 and 1 / sum or 1\n"
          "end\n",
          f);
    size_t by_day = 0;
    for (size_t at = 0; at < m.n_stages; at++) {
        size_t s = stage_at(&m, at);
        fstage *st = &m.st[s];
        if (!st->n_out)
            continue;
        fputs("\n", f);
        if (st->cap) {
            fprintf(f, "-- %s: the time spent before leaving is not geometric (likelihood "
                       "ratio test\n-- against one constant daily probability: G = %.1f on "
                       "%d df, p = %.2g < 0.001),\n-- so its probabilities depend on the day in "
                       "the stage: moves / customers there,\n-- day by day up to day %d, then "
                       "constant.\n",
                    m.names[s], st->lr_g, st->lr_df, st->lr_p, st->cap);
            write_by_day(&m, f, (int)s);
            by_day += st->n_out;
        } else {
            if (st->lr_df > 0)
                fprintf(f, "-- %s: geometric time before leaving fits (likelihood ratio test: "
                           "G = %.1f on %d df, p = %.2g)\n",
                        m.names[s], st->lr_g, st->lr_df, st->lr_p);
            write_constant(&m, f, (int)s);
        }
    }
    sum->stages = m.n_stages;
    sum->transitions = m.n_edges;
    sum->by_day = by_day;
    sum->params = n_params;
    for (size_t s = 0; s < m.n_stages; s++)
        sum->terminal += m.st[s].terminal;
    sum->customers = m.customers;
    sum->days = m.end;
    sum->entry = m.names[m.entry];
    sum->started_elsewhere = m.paths ? 0 : m.customers - m.st[m.entry].started;
    sum->same_day = m.same_day;
    for (size_t s = 0; s < m.n_stages && !sum->unmarked; s++)
        if (m.st[s].amounts > 0 && !m.st[s].purchase)
            sum->unmarked = log->stages[s];
    model_free(&m);
    return CJ_OK;
}

/* ---- the command ---- */

static char *command_line(int argc, char **argv)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return NULL;
    fputs("cjmsim", f);
    for (int i = 1; i < argc; i++) {
        fputc(' ', f);
        fmt_shell_word(f, argv[i]);
    }
    fclose(f);
    return text;
}

cj_status fit_command(const cli_options *opts, int argc, char **argv, cj_err *err)
{
    const char *out = opts->out;
    struct stat sb;
    if (!opts->force && lstat(out, &sb) == 0)
        return cj_fail(err, CJ_ERR_OUTPUT,
                       _("'%s' already exists: choose another --out, or add "
                         "--force to replace it"),
                       out);
    evl_log log;
    if (evl_read(opts->events, opts->paths, &log, err) != CJ_OK)
        return err->status;
    char *command = command_line(argc, argv);
    fit_options fo = {opts->purchase, opts->n_purchase, opts->has_days ? opts->days : 0,
                      command};
    if (log.kind == EVL_PATHS && opts->has_days) {
        free(command);
        evl_free(&log);
        return cj_fail(err, CJ_ERR_USAGE,
                       _("--days does not apply to path data, which has no "
                         "time"));
    }
    size_t len = strlen(out);
    char *tmp = xmalloc(len + 16);
    snprintf(tmp, len + 16, "%s.tmp-XXXXXX", out);
    int fd = mkstemp(tmp);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    fit_summary sum;
    if (!f) {
        cj_fail(err, CJ_ERR_OUTPUT, _("cannot create a file next to '%s': %s"), out,
                strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
        goto done;
    }
    if (fit_write(&log, &fo, f, &sum, err) != CJ_OK) {
        fclose(f);
        unlink(tmp);
        goto done;
    }
    bool failed = ferror(f) != 0;
    if (fclose(f) != 0 || failed) {
        cj_fail(err, CJ_ERR_OUTPUT, _("cannot write '%s': %s"), out, strerror(errno));
        unlink(tmp);
        goto done;
    }
    mode_t mask = umask(0); /* mkstemp makes it private: give it the usual mode */
    umask(mask);
    chmod(tmp, 0666 & ~mask);
    /* link() fails when out exists: nothing is replaced without --force. */
    if (opts->force ? rename(tmp, out) != 0 : link(tmp, out) != 0) {
        if (errno == EEXIST)
            cj_fail(err, CJ_ERR_OUTPUT,
                    _("'%s' already exists: choose another --out, or add "
                      "--force to replace it"),
                    out);
        else
            cj_fail(err, CJ_ERR_OUTPUT, _("cannot write '%s': %s"), out, strerror(errno));
        unlink(tmp);
        goto done;
    }
    if (!opts->force)
        unlink(tmp);
    if (sum.started_elsewhere > 0)
        fprintf(stderr,
                _("cjmsim: warning: %.10g of %.10g customers did not start in '%s', the "
                  "most common first stage; the scenario starts everyone there (see "
                  "the comment in %s)\n"),
                sum.started_elsewhere, sum.customers, sum.entry, out);
    if (sum.unmarked)
        fprintf(stderr,
                _("cjmsim: note: rows of stage '%s' carry amounts, but it is not a "
                  "purchase stage; --purchase %s would make it one, worth their mean\n"),
                sum.unmarked, sum.unmarked);
    if (!opts->quiet) {
        char a[32];
        printf(_("Wrote %s: %zu stages, %zu transitions (%zu by day in the stage), %zu "
                 "parameters,\nfitted from %s customers over %d days. Next:\n  cjmsim check "),
               out, sum.stages, sum.transitions, sum.by_day, sum.params,
               fmt_grouped(a, sizeof a, sum.customers), sum.days);
        fmt_shell_word(stdout, out);
        printf(_("    see the journey it describes\n  cjmsim run "));
        fmt_shell_word(stdout, out);
        printf(_("      simulate it\n"));
    }
done:
    free(tmp);
    free(command);
    evl_free(&log);
    return err->status;
}
