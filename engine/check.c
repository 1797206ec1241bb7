#include "check.h"

#include <lua.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "param.h"
#include "runner.h"
#include "sandbox.h"
#include "scenario.h"
#include "textwidth.h"
#include "util.h"
#include "variant.h"
#include "i18n.h"
#include "target.h"

/* TEXT holds a range ("0.002..0.048") or a change of two ranges. */
enum { NUMBER = 24, TEXT = 112, LINE = 4096 };

/* Appends to a line buffer; a line longer than the buffer is cut. */
static void add(char *line, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(char *line, const char *fmt, ...)
{
    size_t len = strlen(line);
    va_list ap;
    va_start(ap, fmt);
    fmt_vsnprintf(line + len, LINE - len, fmt, ap);
    va_end(ap);
}

/* The personas from p on whose line of texts is p's, not yet shown (has
 * and not done): named in who, marked done; how many. Personas with the same
 * outcome share a line. */
static size_t same_text_personas(const scn_scenario *scn, char (*texts)[LINE], const bool *has,
                                 bool *done, size_t p, char *who)
{
    size_t n_same = 0;
    for (size_t q = p; q < scn->n_personas; q++)
        if (has[q] && !done[q] && strcmp(texts[q], texts[p]) == 0) {
            add(who, "%s%s", who[0] ? ", " : "", scn->personas[q].name);
            done[q] = true;
            n_same++;
        }
    return n_same;
}

/*
 * A daily probability as a person reads it: "0.05", or "0.002..0.048" when
 * it depends on the customer, or "" when no customer of the persona ever
 * uses the edge. Four significant digits hide the 2^-32 steps of the tables.
 */
static void range_text(char *buf, size_t size, const cmp_plan *plan, int e)
{
    double lo = plan->p_min[e], hi = plan->p_max[e];
    if (isnan(lo)) {
        buf[0] = '\0';
        return;
    }
    char a[NUMBER], b[NUMBER];
    fmt_snprintf(a, sizeof a, "%.4g", lo);
    fmt_snprintf(b, sizeof b, "%.4g", hi);
    if (strcmp(a, b) == 0)
        fmt_snprintf(buf, size, "%s", a);
    else
        fmt_snprintf(buf, size, "%s..%s", a, b);
}

static bool constant(const cmp_plan *plan, int e)
{
    char text[TEXT];
    range_text(text, sizeof text, plan, e);
    return text[0] && !strstr(text, "..");
}

/* The edges leaving stage s in a variant. */
static uint32_t out_degree(const cmp_variant *v, int s)
{
    return v->out_start[s + 1] - v->out_start[s];
}

static int out_edge(const cmp_variant *v, int s, uint32_t j)
{
    return v->out_edge[v->out_start[s] + j];
}

static void edge_label(char *buf, size_t size, const scn_scenario *scn, int e)
{
    fmt_snprintf(buf, size, "%s -> %s", scn->stages[scn->edges[e].from].name,
                 scn->stages[scn->edges[e].to].name);
}

static int edge_width(const scn_scenario *scn)
{
    int w = 10;
    for (size_t e = 0; e < scn->n_edges; e++) {
        char label[2 * TEXT + 8];
        edge_label(label, sizeof label, scn, (int)e);
        if ((int)tw_width(label) > w)
            w = (int)tw_width(label);
    }
    return w;
}

static int stage_width(const scn_scenario *scn)
{
    int w = 10;
    for (size_t s = 0; s < scn->n_stages; s++)
        if ((int)tw_width(scn->stages[s].name) > w)
            w = (int)tw_width(scn->stages[s].name);
    return w;
}

/* Beyond this width a per-persona row is written one persona a line. */
enum { ROW_WIDTH = 100 };

/*
 * A row "label  texts": one text when every persona has the same, else
 * "beginner 0.03  athlete 0.04  coach -", or, when that is too long, one
 * persona a line under each other.
 */
static void print_row(FILE *f, int indent, const char *label, int w, const scn_scenario *scn,
                      char texts[][TEXT])
{
    size_t np = scn->n_personas;
    bool same = true;
    for (size_t p = 1; p < np; p++)
        if (strcmp(texts[p], texts[0]) != 0)
            same = false;
    if (same) {
        fmt_printf(f, "%*s%-*s  %s\n", indent, "", tw_field(label, w), label,
                   texts[0][0] ? texts[0] : "-");
        return;
    }
    char line[LINE] = "";
    int pw = 0;
    for (size_t p = 0; p < np; p++) {
        add(line, "%s%s %s", p ? "  " : "", scn->personas[p].name, texts[p][0] ? texts[p] : "-");
        if ((int)tw_width(scn->personas[p].name) > pw)
            pw = (int)tw_width(scn->personas[p].name);
    }
    if (indent + w + 2 + (int)tw_width(line) <= ROW_WIDTH) {
        fmt_printf(f, "%*s%-*s  %s\n", indent, "", tw_field(label, w), label, line);
        return;
    }
    for (size_t p = 0; p < np; p++)
        fmt_printf(f, "%*s%-*s  %-*s  %s\n", indent, "", tw_field(p ? "" : label, w),
                   p ? "" : label, tw_field(scn->personas[p].name, pw), scn->personas[p].name,
                   texts[p][0] ? texts[p] : "-");
}

static void print_header(FILE *f, const cmp_model *model)
{
    const scn_scenario *scn = model->scn;
    char n[32];
    fmt_printf(f, _("%s: a valid scenario, \"%s\"\n"), scn->path, scn->name);
    const scn_text *question = scn_text_get(&scn->texts, "question");
    if (question && question->n_items) {
        char text[LINE];
        fmt_printf(f, _("  Question: %s\n"), fmt_terminal(text, sizeof text, question->items[0]));
    }
    if (scn->has_arrivals) { /* calendar time: the arrivals are counted when a run starts */
        if (scn->arrivals_is_function)
            fmt_printf(f,
                       _("  %d days, customers arriving each day as the function of line %d "
                         "says, seed %llu, margin %g\n"),
                       model->days, scn->arrivals_line, (unsigned long long)scn->seed, scn->margin);
        else
            fmt_printf(f, _("  %d days, %g new customers a day, seed %llu, margin %g\n"),
                       model->days, scn->arrivals, (unsigned long long)scn->seed, scn->margin);
        return;
    }
    fmt_printf(f, _("  %d days, %s customers, seed %llu, margin %g\n"), model->days,
               fmt_grouped(n, sizeof n, (double)(scn->customers)), (unsigned long long)scn->seed,
               scn->margin);
}

static void print_personas(FILE *f, const scn_scenario *scn)
{
    int w = 10;
    for (size_t p = 0; p < scn->n_personas; p++)
        if ((int)tw_width(scn->personas[p].name) > w)
            w = (int)tw_width(scn->personas[p].name);
    fmt_printf(f, _("\nPersonas: share of the customers, starting mood, attributes (c.name), and\n"
                    "the 5W description (what, who, why, when, where) where there is one\n"));
    for (size_t p = 0; p < scn->n_personas; p++) {
        const scn_persona *persona = &scn->personas[p];
        char line[LINE] = "", escaped[LINE];
        char mood[8];
        fmt_snprintf(mood, sizeof mood, persona->mood ? "%+d" : "%d", persona->mood);
        add(line, _("  %-*s  %6.4g%%  mood %-2s"), tw_field(persona->name, w), persona->name,
            100 * persona->share, mood);
        for (size_t a = 0; a < persona->n_attrs; a++) {
            const scn_attr *attr = &persona->attrs[a];
            add(line, "%s%s = ", a ? ", " : "   ", attr->name);
            if (attr->lua_type == LUA_TNUMBER)
                add(line, "%g", attr->number);
            else if (attr->lua_type == LUA_TBOOLEAN)
                add(line, "%s", attr->boolean ? "true" : "false");
            else
                add(line, "\"%s\"", fmt_terminal(escaped, sizeof escaped, attr->string));
        }
        for (size_t len = strlen(line); len > 0 && line[len - 1] == ' ';)
            line[--len] = '\0';
        fmt_printf(f, "%s\n", line);
        /* The 5W description, when the persona has one: who the numbers are. */
        static const char *const FIVE_W[] = {"what", "who", "why", "when", "where", NULL};
        for (const char *const *key = FIVE_W; *key; key++) {
            const scn_text *text = scn_text_get(&persona->texts, *key);
            if (!text || !text->n_items)
                continue;
            line[0] = '\0';
            char item[LINE];
            for (size_t i = 0; i < text->n_items; i++)
                add(line, "%s%s", i ? "; " : "", fmt_terminal(item, sizeof item, text->items[i]));
            fmt_printf(f, "      %-5s  %s\n", *key, line);
        }
    }
}

static void print_stages(FILE *f, const scn_scenario *scn)
{
    int w = stage_width(scn);
    fmt_printf(f, _("\nStages\n"));
    for (size_t s = 0; s < scn->n_stages; s++) {
        const scn_stage *stage = &scn->stages[s];
        char line[LINE] = "";
        const char *sep = "";
        if (stage->entry) {
            add(line, _("entry"));
            sep = ", ";
        }
        if (stage->terminal) {
            add(line, _("%sterminal"), sep);
            sep = ", ";
        }
        if (stage->purchase) {
            add(line, _("%spurchase worth "), sep);
            bool same = true;
            for (size_t p = 1; p < scn->n_personas; p++)
                if (stage->value[p] != stage->value[0])
                    same = false;
            for (size_t p = 0; p < (same ? 1 : scn->n_personas); p++)
                add(line, same ? "%s%g" : "%s%g (%s)", p ? ", " : "", stage->value[p],
                    scn->personas[p].name);
            sep = ", ";
        }
        if (stage->emotion)
            add(line, _("%semotion %+d"), sep, stage->emotion);
        if (line[0])
            fmt_printf(f, "  %-*s  %s\n", tw_field(stage->name, w), stage->name, line);
        else
            fmt_printf(f, "  %s\n", stage->name);
    }
}

static void print_transitions(FILE *f, const cmp_model *model)
{
    const scn_scenario *scn = model->scn;
    const cmp_variant *base = &model->variants[0];
    int w = edge_width(scn);
    char(*texts)[TEXT] = xcalloc(scn->n_personas, sizeof *texts);
    fmt_printf(f,
               _("\nTransitions: the daily probability for each persona; lo..hi where it depends\n"
                 "on the customer (mood, purchases, days in the stage); - where no customer of\n"
                 "the persona gets to the stage\n"));
    if (scn->n_base_edges == 0)
        fmt_printf(f, _("  none: every customer stays in the entry stage\n"));
    for (size_t e = 0; e < scn->n_base_edges; e++) {
        char label[2 * TEXT + 8];
        edge_label(label, sizeof label, scn, (int)e);
        bool used = false;
        for (size_t p = 0; p < scn->n_personas; p++) {
            range_text(texts[p], TEXT, &base->plans[p], (int)e);
            used = used || texts[p][0];
        }
        if (used)
            print_row(f, 2, label, w, scn, texts);
        else
            fmt_printf(f, _("  %-*s  never used: nobody gets to %s\n"), tw_field(label, w), label,
                       scn->stages[scn->edges[e].from].name);
    }
    free(texts);
}

/* "consideration 45.5%, lost 54.5%, after 9.1 days on average" for one
 * persona at a stage whose exits are constant; false otherwise. */
static bool outcome_text(char *buf, const cmp_model *model, const cmp_plan *plan, int s)
{
    const scn_scenario *scn = model->scn;
    const cmp_variant *base = &model->variants[0];
    uint32_t k = out_degree(base, s);
    double sum = 0;
    for (uint32_t j = 0; j < k; j++) {
        if (!constant(plan, out_edge(base, s, j)))
            return false;
        sum += plan->p_min[out_edge(base, s, j)];
    }
    if (!(sum > 0))
        return false;
    buf[0] = '\0';
    for (uint32_t j = 0; j < k; j++) {
        int e = out_edge(base, s, j);
        add(buf, "%s%s %.1f%%", j ? ", " : "", scn->stages[scn->edges[e].to].name,
            100 * plan->p_min[e] / sum);
    }
    add(buf, _(", after %.1f days on average"), 1 / sum);
    return true;
}

static void print_outcomes(FILE *f, const cmp_model *model)
{
    const scn_scenario *scn = model->scn;
    const cmp_variant *base = &model->variants[0];
    int w = stage_width(scn);
    size_t np = scn->n_personas;
    char(*texts)[LINE] = xcalloc(np, sizeof *texts);
    bool *has = xcalloc(np, sizeof *has), *done = xcalloc(np, sizeof *done);
    bool any = false;
    for (size_t s = 0; s < scn->n_stages; s++) {
        if (out_degree(base, (int)s) == 0)
            continue;
        size_t n_has = 0, n_there = 0;
        for (size_t p = 0; p < np; p++) {
            has[p] = base->plans[p].stage_reached[s] &&
                     outcome_text(texts[p], model, &base->plans[p], (int)s);
            n_has += has[p];
            n_there += base->plans[p].stage_reached[s];
            done[p] = false;
        }
        if (n_has == 0)
            continue;
        if (!any)
            fmt_printf(
                f, _("\nWhere customers go from the stages whose probabilities are constant: each\n"
                     "way out gets its probability / the sum of the stage's probabilities, once\n"
                     "the run is long enough\n"));
        any = true;
        bool first = true;
        /* Personas with the same outcome share a line; when every persona
         * does, the line names none. */
        for (size_t p = 0; p < np; p++) {
            if (!has[p] || done[p])
                continue;
            char who[LINE] = "";
            size_t n_same = same_text_personas(scn, texts, has, done, p, who);
            bool everyone = n_same == np;
            const char *name = first ? scn->stages[s].name : "";
            fmt_printf(f, "  %-*s  %s%s%s\n", tw_field(name, w), name, everyone ? "" : who,
                       everyone ? "" : ": ", texts[p]);
            first = false;
        }
        if (n_has < n_there) {
            char who[LINE] = "";
            for (size_t p = 0; p < np; p++)
                if (base->plans[p].stage_reached[s] && !has[p])
                    add(who, "%s%s", who[0] ? ", " : "", scn->personas[p].name);
            const char *name = first ? scn->stages[s].name : "";
            fmt_printf(f, _("  %-*s  %s: depends on the customer\n"), tw_field(name, w), name, who);
        }
    }
    free(texts);
    free(has);
    free(done);
}

static bool reached_by_anyone(const cmp_variant *v, size_t n_personas, int s)
{
    for (size_t p = 0; p < n_personas; p++)
        if (v->plans[p].stage_reached[s])
            return true;
    return false;
}

static void print_unreachable(FILE *f, const cmp_model *model)
{
    const scn_scenario *scn = model->scn;
    char line[LINE] = "";
    for (size_t s = 0; s < scn->n_stages; s++) {
        if (reached_by_anyone(&model->variants[0], scn->n_personas, (int)s))
            continue;
        add(line, "\n  %s", scn->stages[s].name);
        const char *sep = _(" (reached in: ");
        for (size_t v = 1; v < model->n_variants; v++)
            if (reached_by_anyone(&model->variants[v], scn->n_personas, (int)s)) {
                add(line, "%s%s", sep, model->variants[v].name);
                sep = ", ";
            }
        if (sep[0] == ',')
            add(line, ")");
    }
    if (line[0])
        fmt_printf(
            f,
            _("\nStages nobody reaches in the baseline (no transition with a probability above\n"
              "0 leads there from a stage customers get to):%s\n"),
            line);
    else
        fmt_printf(f, _("\nStages nobody reaches: none\n"));
}

/* Can a customer of plan's persona who is in stage s ever leave it? */
static bool can_leave(const cmp_variant *v, const cmp_plan *plan, int s)
{
    for (uint32_t j = 0; j < out_degree(v, s); j++) {
        int e = out_edge(v, s, j);
        if (plan->p_max[e] > 0)
            return true;
    }
    return false;
}

static void print_traps(FILE *f, const cmp_model *model)
{
    const scn_scenario *scn = model->scn;
    const cmp_variant *base = &model->variants[0];
    char line[LINE] = "";
    for (size_t s = 0; s < scn->n_stages; s++) {
        if (scn->stages[s].terminal)
            continue;
        char who[LINE] = "";
        size_t n_there = 0, n_stuck = 0;
        for (size_t p = 0; p < scn->n_personas; p++) {
            if (!base->plans[p].stage_reached[s])
                continue;
            n_there++;
            if (!can_leave(base, &base->plans[p], (int)s)) {
                n_stuck++;
                add(who, "%s%s", who[0] ? ", " : "", scn->personas[p].name);
            }
        }
        if (n_stuck == 0)
            continue;
        if (out_degree(base, (int)s) == 0)
            add(line, _("\n  %s: no transition leaves it"), scn->stages[s].name);
        else if (n_stuck == n_there)
            add(line, _("\n  %s: its transitions are 0 for every customer who gets there"),
                scn->stages[s].name);
        else
            add(line, _("\n  %s: its transitions are 0 for every customer of %s who gets there"),
                scn->stages[s].name, who);
    }
    if (line[0])
        fmt_printf(
            f,
            _("\nStages nobody can leave, though not terminal (customers who get there stay\n"
              "for good; mark a stage terminal = true when that is what you mean):%s\n"),
            line);
    else
        fmt_printf(f, _("\nStages nobody can leave, though not terminal: none\n"));
}

/* A probability as written: "0.05", "a table per persona", "a function (line 12)". */
static void prob_text(char *line, const scn_scenario *scn, const scn_prob *prob)
{
    if (prob->kind == SCN_PROB_NUMBER) {
        add(line, "%g", prob->number);
    } else if (prob->kind == SCN_PROB_PERSONA) {
        for (size_t p = 0; p < scn->n_personas; p++)
            add(line, "%s%s %g", p ? ", " : "", scn->personas[p].name, prob->per_persona[p]);
    } else {
        add(line, _("a function (line %d)"), prob->func_line);
    }
}

static void print_interventions(FILE *f, const scn_scenario *scn)
{
    if (scn->n_interventions == 0)
        return;
    fmt_printf(f, _("\nInterventions\n"));
    uint64_t everyone = scn->n_personas == 64 ? UINT64_MAX : (UINT64_C(1) << scn->n_personas) - 1;
    for (size_t i = 0; i < scn->n_interventions; i++) {
        const scn_intervention *iv = &scn->interventions[i];
        char line[LINE] = "";
        add(line, "  %s", iv->name);
        if (iv->personas != everyone) {
            const char *sep = _(" (for ");
            for (size_t p = 0; p < scn->n_personas; p++)
                if (iv->personas & (UINT64_C(1) << p)) {
                    add(line, "%s%s", sep, scn->personas[p].name);
                    sep = ", ";
                }
            add(line, ")");
        }
        fmt_printf(f, "%s\n", line);
        if (iv->at >= 0 && iv->mood)
            fmt_printf(f, _("    entering %s: mood %+d%s\n"), scn->stages[iv->at].name, iv->mood,
                       iv->once ? _(", on the customer's first purchase only (once = true)") : "");
        else if (iv->at >= 0 && iv->once)
            fmt_printf(f, _("    used on the customer's first purchase only (once = true)\n"));
        for (size_t c = 0; c < iv->n_changes; c++) {
            const scn_edge_change *change = &iv->changes[c];
            char label[2 * TEXT + 8];
            edge_label(label, sizeof label, scn, change->edge);
            line[0] = '\0';
            if (change->is_set) {
                add(line, _("    %s: set to "), label);
                prob_text(line, scn, &change->prob);
            } else {
                add(line, _("    %s: x%g"), label, change->factor);
            }
            fmt_printf(f, "%s\n", line);
        }
        if (iv->cost_per_customer > 0)
            fmt_printf(f, _("    costs %g per customer who uses it\n"), iv->cost_per_customer);
        if (iv->cost_per_use > 0)
            fmt_printf(f, _("    costs %g per use\n"), iv->cost_per_use);
        /* The launch window (from_day, until_day); none: live every day. */
        if (iv->until_day >= 0)
            fmt_printf(f, _("    live on days %d to %d only\n"), iv->from_day, iv->until_day);
        else if (iv->from_day > 0)
            fmt_printf(f, _("    live from day %d to the end of the run\n"), iv->from_day);
    }
}

/* The eventual share of each way out of stage s (share[e] per edge of the
 * scenario) and the mean days there, for a persona whose ways out all have
 * constant probabilities in variant v; false otherwise. */
static bool eventual_shares(const cmp_variant *v, const cmp_plan *plan, int s, double *share,
                            double *days)
{
    uint32_t k = out_degree(v, s);
    double sum = 0;
    for (uint32_t j = 0; j < k; j++) {
        if (!constant(plan, out_edge(v, s, j)))
            return false;
        sum += plan->p_min[out_edge(v, s, j)];
    }
    if (k == 0 || !(sum > 0))
        return false;
    for (uint32_t j = 0; j < k; j++)
        share[out_edge(v, s, j)] = plan->p_min[out_edge(v, s, j)] / sum;
    *days = 1 / sum;
    return true;
}

/*
 * Where the variant sends the customers of a stage whose probabilities are
 * constant, against the baseline: "request 18.2% -> 25.0% (x1.37)". Scaling
 * one of two competing daily probabilities by 1.5 does not scale the share
 * that takes it by 1.5, and this is where that shows.
 */
static void print_variant_outcomes(FILE *f, const cmp_model *model, size_t v)
{
    const scn_scenario *scn = model->scn;
    const cmp_variant *base = &model->variants[0], *var = &model->variants[v];
    size_t np = scn->n_personas;
    double *sb = xcalloc(scn->n_edges, sizeof *sb), *sv = xcalloc(scn->n_edges, sizeof *sv);
    char(*texts)[LINE] = xcalloc(np, sizeof *texts);
    bool *has = xcalloc(np, sizeof *has), *done = xcalloc(np, sizeof *done);
    bool any = false;
    for (size_t s = 0; s < scn->n_stages; s++) {
        size_t n_has = 0;
        for (size_t p = 0; p < np; p++) {
            double db, dv;
            memset(sb, 0, scn->n_edges * sizeof *sb);
            memset(sv, 0, scn->n_edges * sizeof *sv);
            has[p] = done[p] = false;
            texts[p][0] = '\0';
            if (!eventual_shares(base, &base->plans[p], (int)s, sb, &db) ||
                !eventual_shares(var, &var->plans[p], (int)s, sv, &dv))
                continue;
            bool differs = false;
            for (size_t e = 0; e < scn->n_edges; e++)
                differs = differs || fabs(sb[e] - sv[e]) > 1e-9;
            if (!differs)
                continue;
            has[p] = true;
            n_has++;
            for (size_t e = 0; e < scn->n_edges; e++) {
                if (scn->edges[e].from != (int)s || (sb[e] == 0 && sv[e] == 0))
                    continue;
                add(texts[p], "%s%s %.1f%% -> %.1f%%", texts[p][0] ? ", " : "",
                    scn->stages[scn->edges[e].to].name, 100 * sb[e], 100 * sv[e]);
                if (sb[e] > 0)
                    add(texts[p], " (x%.2f)", sv[e] / sb[e]);
            }
            add(texts[p], _("; %.1f -> %.1f days there on average"), db, dv);
        }
        if (n_has == 0)
            continue;
        if (!any)
            fmt_printf(f, var->n_periods
                              ? _("    where customers end up from stages whose probabilities are "
                                  "constant, while every change of the variant is live:\n")
                              : _("    where customers end up from stages whose probabilities are "
                                  "constant:\n"));
        any = true;
        for (size_t p = 0; p < np; p++) {
            if (!has[p] || done[p])
                continue;
            char who[LINE] = "";
            size_t n_same = same_text_personas(scn, texts, has, done, p, who);
            fmt_printf(f, _("      from %s%s%s%s: %s\n"), scn->stages[s].name,
                       n_same == np ? "" : " (", n_same == np ? "" : who, n_same == np ? "" : ")",
                       texts[p]);
        }
    }
    free(sb);
    free(sv);
    free(texts);
    free(has);
    free(done);
}

/* One variant's differences from the baseline: edge ranges and stages. */
static void print_variant(FILE *f, const cmp_model *model, size_t v)
{
    const scn_scenario *scn = model->scn;
    const cmp_variant *base = &model->variants[0], *var = &model->variants[v];
    int w = edge_width(scn);
    size_t np = scn->n_personas;
    char(*before)[TEXT] = xcalloc(np, sizeof *before);
    char(*after)[TEXT] = xcalloc(np, sizeof *after);
    char(*texts)[TEXT] = xcalloc(np, sizeof *texts);
    bool changed = false;
    fmt_printf(f, "  %s\n", var->name);
    for (size_t e = 0; e < scn->n_edges; e++) {
        bool differs = false;
        for (size_t p = 0; p < np; p++) {
            range_text(before[p], TEXT, &base->plans[p], (int)e);
            range_text(after[p], TEXT, &var->plans[p], (int)e);
            differs = differs || strcmp(before[p], after[p]) != 0;
        }
        if (!differs)
            continue;
        changed = true;
        for (size_t p = 0; p < np; p++) {
            if (strcmp(before[p], after[p]) == 0)
                fmt_snprintf(texts[p], TEXT, "%s", _("unchanged"));
            else
                fmt_snprintf(texts[p], TEXT, "%.50s -> %.50s", before[p][0] ? before[p] : "-",
                             after[p][0] ? after[p] : "-");
        }
        char label[2 * TEXT + 8];
        edge_label(label, sizeof label, scn, (int)e);
        print_row(f, 4, label, w, scn, texts);
    }
    for (size_t s = 0; s < scn->n_stages; s++) {
        bool was = reached_by_anyone(base, np, (int)s), is = reached_by_anyone(var, np, (int)s);
        if (was != is) {
            changed = true;
            fmt_printf(f, "    %s is %s\n", scn->stages[s].name,
                       is ? _("reached (nobody gets there in the baseline)")
                          : _("no longer reached"));
        }
    }
    if (!changed)
        fmt_printf(f, _("    no probability changes: only moods on entering a stage, or costs\n"));
    else
        print_variant_outcomes(f, model, v);
    free(before);
    free(after);
    free(texts);
}

void check_print(FILE *f, const cmp_model *model)
{
    print_header(f, model);
    prm_print(f, &model->scn->params);
    tgt_print_declared(f, &model->scn->targets);
    print_personas(f, model->scn);
    print_stages(f, model->scn);
    print_transitions(f, model);
    print_outcomes(f, model);
    print_unreachable(f, model);
    print_traps(f, model);
    print_interventions(f, model->scn);
    if (model->n_variants > 1) {
        fmt_printf(f, _("\nVariants: the transitions each changes, baseline -> variant, over the\n"
                        "states customers can reach\n"));
        for (size_t v = 1; v < model->n_variants; v++)
            print_variant(f, model, v);
    }
}

cj_status check_command(const cli_options *opts, cj_err *err)
{
    rn_run r = {0};
    if (rn_prepare(&r, opts, err) == CJ_OK)
        check_print(stdout, r.model);
    rn_free(&r);
    return err->status;
}
