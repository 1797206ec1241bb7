#include "report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <lua.h>

#include "datadir.h"
#include "format.h"
#include "pdf.h"
#include "monthly.h"
#include "target_eval.h"
#include "util.h"
#include "i18n.h"

/* The emotion curve's drawing box: one 100-unit column per stage. */
enum { CURVE_COLUMN = 200, CURVE_HEIGHT = 190, CURVE_PAD = 16 };

/* ---- the page's data files ------------------------------------------- */

/* The data files of the page (datadir.h): its style sheet, its explanatory
 * paragraphs in the reader's language, and the palette it shares with the
 * plots. All are read before the page is begun, so that a missing one
 * writes nothing. */
#define REPORT_CSS "report/report.css"
#define REPORT_PALETTE "plots/palette.gp"

enum { N_COLOURS = 8 };

typedef struct {
    char *css;   /* report.css without its comment lines */
    char *prose; /* prose.LANG.html */
    char prose_file[64];
    char variant[N_COLOURS][8], persona[N_COLOURS][8], all[8]; /* "#RRGGBB" */
} page_data;

/* The sections of the prose files, each a paragraph or a section of the page. */
static const char *const PROSE_SECTIONS[] = {"exact",     "in-short",       "funnel-by-variant",
                                             "targets",   "no-charts",      "charts-missing",
                                             "reading"};

/* report_write's data, while it writes (one page at a time). */
static const page_data *page;

static cj_status missing_file(const char *rel, cj_err *err)
{
    return cj_fail(err, CJ_ERR_RESOURCE,
                   _("the report's data file %s is missing (looked in $CJMSIM_DATADIR, beside "
                     "the program and in %s): set CJMSIM_DATADIR to the folder that holds it or "
                     "reinstall cjmsim"),
                   rel, CJMSIM_DATADIR);
}

/* The style sheet as the page holds it: comments that take whole lines
 * (they explain the file to whoever edits it) are left out. */
static char *strip_css_comments(const char *css)
{
    char *out = xmalloc(strlen(css) + 1), *o = out;
    bool in_comment = false;
    for (const char *line = css; *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) + 1 : strlen(line);
        size_t text = len - (end ? 1 : 0);
        if (!in_comment && text >= 2 && line[0] == '/' && line[1] == '*')
            in_comment = true;
        if (in_comment) {
            if (text >= 2 && line[text - 2] == '*' && line[text - 1] == '/')
                in_comment = false;
        } else {
            memcpy(o, line, len);
            o += len;
        }
        line += len;
    }
    *o = '\0';
    return out;
}

static const char *next_line(const char *s)
{
    const char *nl = strchr(s, '\n');
    return nl && nl[1] ? nl + 1 : NULL;
}

/* The n colours of palette.gp's line "array NAME[n] = [0xRRGGBB, ...]" or
 * "NAME = 0xRRGGBB" (n 0) as "#RRGGBB"; false when there is no such line. */
static bool palette_colours(const char *text, const char *name, size_t n, char (*out)[8])
{
    size_t name_len = strlen(name);
    for (const char *line = *text ? text : NULL; line; line = next_line(line)) {
        const char *p = line;
        if (n) {
            if (strncmp(p, "array ", 6) != 0)
                continue;
            p += 6;
        }
        if (strncmp(p, name, name_len) != 0)
            continue;
        p += name_len;
        if (n) {
            char *end;
            if (*p != '[' || strtoul(p + 1, &end, 10) != n || strncmp(end, "] = [", 5) != 0)
                return false;
            p = end + 5;
        } else {
            if (strncmp(p, " = ", 3) != 0)
                continue;
            p += 3;
        }
        for (size_t i = 0; i < (n ? n : 1); i++) {
            char *end;
            if (strncmp(p, "0x", 2) != 0 || strspn(p + 2, "0123456789abcdefABCDEF") != 6)
                return false;
            unsigned long rgb = strtoul(p + 2, &end, 16);
            snprintf(out[i], sizeof out[i], "#%06lX", rgb);
            p = end;
            const char *sep = !n ? "" : i + 1 < n ? ", " : "]";
            if (strncmp(p, sep, strlen(sep)) != 0)
                return false;
            p += strlen(sep);
        }
        return *p == '\n' || *p == '\0';
    }
    return false;
}

/* Section `name` of the prose: the lines after its marker line
 * "<!-- @name -->" up to the next marker; NULL when there is none. */
static const char *prose_section(const char *prose, const char *name, size_t *len)
{
    char marker[64];
    snprintf(marker, sizeof marker, "<!-- @%s -->\n", name);
    for (const char *p = strstr(prose, marker); p; p = strstr(p + 1, marker)) {
        if (p != prose && p[-1] != '\n')
            continue;
        const char *start = p + strlen(marker), *next = strstr(start, "\n<!-- @");
        *len = next ? (size_t)(next - start) + 1 : strlen(start);
        return start;
    }
    return NULL;
}

static void page_free(page_data *d)
{
    free(d->css);
    free(d->prose);
    memset(d, 0, sizeof *d);
}

static cj_status page_load(page_data *d, cj_err *err)
{
    memset(d, 0, sizeof *d);
    char path[4096];
    char *css = datadir_read(REPORT_CSS, path, sizeof path);
    if (!css)
        return missing_file(REPORT_CSS, err);
    d->css = strip_css_comments(css);
    free(css);
    char *palette = datadir_read(REPORT_PALETTE, path, sizeof path);
    if (!palette) {
        page_free(d);
        return missing_file(REPORT_PALETTE, err);
    }
    bool ok = palette_colours(palette, "variant_colour", N_COLOURS, d->variant) &&
              palette_colours(palette, "persona_colour", N_COLOURS, d->persona) &&
              palette_colours(palette, "all_customers_colour", 0, &d->all);
    free(palette);
    if (!ok) {
        page_free(d);
        return cj_fail(err, CJ_ERR_RESOURCE,
                       _("%s: the colours variant_colour[8], persona_colour[8] and "
                         "all_customers_colour are not all there as 0xRRGGBB"),
                       path);
    }
    snprintf(d->prose_file, sizeof d->prose_file, "report/prose.%s.html", i18n_code());
    if (!(d->prose = datadir_read(d->prose_file, path, sizeof path))) {
        missing_file(d->prose_file, err);
        page_free(d);
        return err->status;
    }
    for (size_t i = 0; i < sizeof PROSE_SECTIONS / sizeof PROSE_SECTIONS[0]; i++) {
        size_t len;
        if (!prose_section(d->prose, PROSE_SECTIONS[i], &len)) {
            cj_fail(err, CJ_ERR_RESOURCE, _("%s has no section <!-- @%s -->"), path,
                    PROSE_SECTIONS[i]);
            page_free(d);
            return err->status;
        }
    }
    return CJ_OK;
}

/* Writes section `name` of the prose (checked by page_load). */
static void prose(FILE *f, const char *name)
{
    size_t len = 0;
    const char *text = prose_section(page->prose, name, &len);
    if (text)
        fwrite(text, 1, len, f);
}

void report_escape(FILE *f, const char *s)
{
    char *clean = utf8_sanitized(s);
    for (const unsigned char *p = (const unsigned char *)clean; *p; p++) {
        switch (*p) {
        case '&':
            fputs("&amp;", f);
            break;
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        case '\'':
            fputs("&#39;", f);
            break;
        default:
            fputc((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7F ? ' ' : *p, f);
        }
    }
    free(clean);
}

/* A name as people say it: "order_notifications+expert_consultation" reads
 * "order notifications + expert consultation". */
static void say_name(FILE *f, const char *name)
{
    size_t len = strlen(name);
    char *s = xmalloc(3 * len + 1), *o = s;
    for (const char *p = name; *p; p++) {
        if (*p == '_') {
            *o++ = ' ';
        } else if (*p == '+') {
            memcpy(o, " + ", 3);
            o += 3;
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
    report_escape(f, s);
    free(s);
}

static void money(FILE *f, const scn_scenario *scn, double x)
{
    char num[40];
    fputs(fmt_grouped(num, sizeof num, x), f);
    const scn_text *currency = scn_text_get(&scn->texts, "currency");
    if (currency && currency->n_items) {
        fputc(' ', f);
        report_escape(f, currency->items[0]);
    }
}

static const char *group_name(const rn_run *run, size_t g)
{
    return g == run->totals.n_personas ? _("all customers") : run->scn->personas[g].name;
}

static const char *persona_colour(const st_results *r, size_t g)
{
    return g == r->totals->n_personas ? page->all : page->persona[g % N_COLOURS];
}

/* A descriptive field: one paragraph, or a list when it has several items. */
static void text_items(FILE *f, const scn_text *t)
{
    if (!t || t->n_items == 0)
        return;
    if (t->n_items == 1) {
        fputs("<p class=\"pre\">", f);
        report_escape(f, t->items[0]);
        fputs("</p>", f);
        return;
    }
    fputs("<ul>", f);
    for (size_t i = 0; i < t->n_items; i++) {
        fputs("<li>", f);
        report_escape(f, t->items[i]);
        fputs("</li>", f);
    }
    fputs("</ul>", f);
}

static void chips(FILE *f, const scn_text *t)
{
    for (size_t i = 0; t && i < t->n_items; i++) {
        fputs("<span class=\"chip\">", f);
        report_escape(f, t->items[i]);
        fputs("</span>", f);
    }
}

/* Uplift in points with the precision it needs: "+7.1 [6.8; 7.4]", but
 * "+2.35 [2.26; 2.45]" where one decimal would blur the interval. */
static int uplift_decimals(const st_uplift *u)
{
    return fabs(100 * u->diff) >= 1 && 100 * (u->hi - u->lo) >= 0.4 ? 1 : 2;
}

/* "order notifications: the model predicts +2.3 points of repeat buyers,
 * simulation precision [2.2; 2.4]: predicted gain; pays back: ROI +140%
 * [+120%; +160%]; most for coach (+3.3, 1.2 [0.4; 2.0] more than athlete)." */
static void sentence(FILE *f, const rn_run *run, size_t v)
{
    const st_results *r = &run->results;
    const sim_totals *t = &run->totals;
    const scn_scenario *scn = run->scn;
    const st_group *g = st_group_at(r, v, t->n_personas);
    const st_verdict *vd = &g->verdict;
    st_metric m = r->headline;
    const st_uplift *u = &g->uplift[m];
    int d = uplift_decimals(u);
    char num[40];
    fputs("<strong>", f);
    say_name(f, run->variants.items[v].name);
    fmt_printf(f,
               _("</strong>: the model predicts %+.*f points of %s, simulation precision "
                 "[%.*f; %.*f]: <span class=\"verdict %s\">%s</span>"),
               d, 100 * u->diff, st_metric_words(m), d, 100 * u->lo, d, 100 * u->hi,
               st_effect_name(vd->effect), st_effect_words(vd->effect));
    if (vd->customers_to_settle_effect > 0)
        fmt_printf(f, _(" (about %s customers would settle it)"),
                   fmt_grouped(num, sizeof num, st_rough(vd->customers_to_settle_effect)));
    fmt_printf(f, "; <span class=\"verdict %s\">%s</span>",
               vd->pays == ST_PAYS_YES  ? "gain"
               : vd->pays == ST_PAYS_NO ? "loss"
                                        : "unclear",
               st_pays_words(vd->pays));
    if (g->has_roi) {
        fmt_printf(f, _(": ROI %+.0f%% [%+.0f%%; %+.0f%%] on an extra cost of "), 100 * g->roi,
                   100 * g->roi_lo, 100 * g->roi_hi);
        money(f, scn, g->incremental_cost);
    } else {
        fputs(g->incremental_cost == 0 ? _(": no extra cost, extra profit ") : _(": extra profit "),
              f);
        money(f, scn, g->profit.diff);
        fmt_printf(f, " [%s; ", fmt_grouped(num, sizeof num, g->profit.lo));
        fmt_printf(f, "%s]", fmt_grouped(num, sizeof num, g->profit.hi));
    }
    st_print_settle(f, g);
    const st_lead *lead = &r->leads[v];
    if (t->n_personas > 1 && lead->distinguishable) {
        const st_uplift *b = &st_group_at(r, v, (size_t)lead->top)->uplift[m];
        fputs(_("; most for "), f);
        report_escape(f, scn->personas[lead->top].name);
        fmt_printf(f, _(" (%+.*f, %.*f [%.*f; %.*f] more than "), uplift_decimals(b), 100 * b->diff,
                   2, 100 * lead->lead, 2, 100 * lead->lead_lo, 2, 100 * lead->lead_hi);
        report_escape(f, scn->personas[lead->runner_up].name);
        fputc(')', f);
    }
    fputc('.', f);
}

static void write_head(FILE *f, const rn_run *run)
{
    const st_results *r = &run->results;
    const sim_totals *t = &run->totals;
    const scn_scenario *scn = run->scn;
    fmt_printf(f, "<!DOCTYPE html>\n<html lang=\"%s\">\n", i18n_code());
    fputs("<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<meta name=\"generator\" content=\"cjmsim ",
          f);
    report_escape(f, run->version);
    fputs("\">\n<title>", f);
    report_escape(f, scn->name);
    fmt_printf(f, _(": customer journey map</title>\n<style>\n%s%s</style>\n</head>\n<body>\n"),
               page->css, "");

    fputs("<header>\n<h1>", f);
    report_escape(f, scn->name);
    fputs("</h1>\n", f);
    const scn_text *question = scn_text_get(&scn->texts, "question");
    if (question && question->n_items) {
        fputs("<p class=\"question\">", f);
        report_escape(f, question->items[0]);
        fputs("</p>\n", f);
    }
    const scn_text *description = scn_text_get(&scn->texts, "description");
    if (description)
        text_items(f, description);
    if (r->exact)
        prose(f, "exact");
    char num[40], days[64], variants[64];
    fmt_grouped(num, sizeof num, (double)t->customers);
    snprintf(days, sizeof days, ngettext("%d day", "%d days", (unsigned long)run->days), run->days);
    snprintf(variants, sizeof variants, ngettext("%zu variant", "%zu variants", t->n_variants),
             t->n_variants);
    fmt_printf(f,
               ngettext("<p class=\"facts\">%s customer over %s, seed %llu; %s on the same "
                        "customers; gross margin %.0f%% of revenue.</p>\n</header>\n",
                        "<p class=\"facts\">%s customers over %s, seed %llu; %s on the same "
                        "customers; gross margin %.0f%% of revenue.</p>\n</header>\n",
                        (unsigned long)t->customers),
               num, days, (unsigned long long)run->seed, variants, 100 * scn->margin);
}

static void write_in_short(FILE *f, const rn_run *run)
{
    const st_results *r = &run->results;
    const sim_totals *t = &run->totals;
    const st_group *base = st_group_at(r, 0, t->n_personas);
    double n = (double)base->customers;
    fputs(_("<section class=\"short\">\n<h3>In short</h3>\n<ul>\n"), f);
    fmt_printf(f,
               _("<li><strong>Baseline</strong>: %.1f%% of customers buy, %.2f%% buy twice or more "
                 "(%.1f%% of buyers come back).</li>\n"),
               100 * st_ratio(base->total[ST_BUYERS], n),
               100 * st_ratio(base->total[ST_REPEAT_BUYERS], n),
               100 * st_ratio(base->total[ST_REPEAT_BUYERS], base->total[ST_BUYERS]));
    for (size_t v = 1; v < t->n_variants; v++) {
        fputs("<li>", f);
        sentence(f, run, v);
        fputs("</li>\n", f);
    }
    fputs("</ul>\n", f);
    prose(f, "in-short");
    fputs("</section>\n", f);
}

static bool any_stage_has(const scn_scenario *scn, const char *key)
{
    for (size_t s = 0; s < scn->n_stages; s++)
        if (scn_text_get(&scn->stages[s].texts, key))
            return true;
    return false;
}

static void row_head(FILE *f, const char *title, const char *note)
{
    fprintf(f, "<th class=\"row\" scope=\"row\">%s", title);
    if (note)
        fprintf(f, "<small>%s</small>", note);
    fputs("</th>", f);
}

/* A row of descriptive fields; left out when no stage has the field. */
static void text_row(FILE *f, const scn_scenario *scn, const char *key, const char *title)
{
    if (!any_stage_has(scn, key))
        return;
    fprintf(f, "<tr class=\"%s\">", key);
    row_head(f, title, NULL);
    for (size_t s = 0; s < scn->n_stages; s++) {
        fputs("<td>", f);
        const scn_text *t = scn_text_get(&scn->stages[s].texts, key);
        if (strcmp(key, "touchpoints") == 0)
            chips(f, t);
        else
            text_items(f, t);
        fputs("</td>", f);
    }
    fputs("</tr>\n", f);
}

static double curve_y(double mood)
{
    return CURVE_PAD + (SCN_MOOD_MAX - mood) * (CURVE_HEIGHT - 2.0 * CURVE_PAD) / (SCN_MOODS - 1);
}

/* One line of the emotion curve: the average mood on entering each stage,
 * broken where nobody entered. */
static void curve_line(FILE *f, const rn_run *run, const sim_cell *c, const char *colour,
                       double width, bool dashed, bool labels)
{
    size_t n_stages = run->scn->n_stages;
    bool open = false;
    for (size_t s = 0; s < n_stages; s++) {
        double mood;
        if (!st_mood_on_entry(c, s, &mood)) {
            if (open)
                fputs("\"/>\n", f);
            open = false;
            continue;
        }
        if (!open)
            fprintf(f,
                    "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"%.1f\"%s "
                    "stroke-linejoin=\"round\" points=\"",
                    colour, width, dashed ? " stroke-dasharray=\"7 5\"" : "");
        open = true;
        fprintf(f, "%.1f,%.1f ", (s + 0.5) * CURVE_COLUMN, curve_y(mood));
    }
    if (open)
        fputs("\"/>\n", f);
    for (size_t s = 0; s < n_stages; s++) {
        double mood;
        if (!st_mood_on_entry(c, s, &mood))
            continue;
        double x = (s + 0.5) * CURVE_COLUMN, y = curve_y(mood);
        fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\"/>\n", x, y, width + 1.2,
                colour);
        if (labels)
            fprintf(f,
                    "<text x=\"%.1f\" y=\"%.1f\" font-size=\"14\" text-anchor=\"start\" "
                    "fill=\"#000\">%+.2f</text>\n",
                    x + 6, y - 6, mood);
    }
}

static void legend_key(FILE *f, const char *colour, bool dashed, const char *name, const char *what)
{
    fprintf(f, "<span class=\"key\"><i%s style=\"border-color:%s\"></i>",
            dashed ? " class=\"dash\"" : "", colour);
    report_escape(f, name);
    fprintf(f, "%s</span>", what);
}

/* The emotion row of the map: the simulated curve under the stages' columns,
 * for all customers: the baseline (black, with its values) and each variant
 * (dashed). The personas' moods are in the numbers below and the emotions
 * chart, where their colours cannot be confused with the variants'. */
static void curve_row(FILE *f, const rn_run *run)
{
    const st_results *r = &run->results;
    const sim_totals *t = &run->totals;
    size_t n_stages = run->scn->n_stages, all = t->n_personas;
    fputs("<tr class=\"curve\">", f);
    row_head(f, _("Emotion curve"),
             _("all customers' average mood on entering, −3 … +3, simulated"));
    fprintf(f,
            _("<td colspan=\"%zu\">\n<svg viewBox=\"0 0 %zu "
              "%d\" role=\"img\" aria-label=\"average mood on entering each stage\">\n"),
            n_stages, n_stages * CURVE_COLUMN, CURVE_HEIGHT);
    for (int m = SCN_MOOD_MIN; m <= SCN_MOOD_MAX; m++)
        fprintf(f,
                "<line x1=\"0\" x2=\"%zu\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                "stroke-width=\"1\"/><text x=\"4\" y=\"%.1f\" font-size=\"11\" "
                "fill=\"#8c959f\">%s%d</text>\n",
                n_stages * CURVE_COLUMN, curve_y(m), curve_y(m), m == 0 ? "#afb8c1" : "#eaeef2",
                curve_y(m) - 2, m > 0 ? "+" : "", m);
    for (size_t v = 1; v < t->n_variants; v++)
        curve_line(f, run, st_cell(r, v, all), page->variant[v % N_COLOURS], 2, true, false);
    curve_line(f, run, st_cell(r, 0, all), page->all, 3, false, true);
    fputs("</svg>\n<div class=\"legend\">", f);
    legend_key(f, page->all, false, run->variants.items[0].name, "");
    for (size_t v = 1; v < t->n_variants; v++)
        legend_key(f, page->variant[v % N_COLOURS], true, run->variants.items[v].name, "");
    fputs("</div></td></tr>\n", f);
}

/* The stage's own emotion and the changes of interventions there. */
static void feelings_row(FILE *f, const rn_run *run)
{
    const scn_scenario *scn = run->scn;
    fputs("<tr class=\"feelings\">", f);
    row_head(f, _("Feelings"), _("and the mood change on entering"));
    for (size_t s = 0; s < scn->n_stages; s++) {
        const scn_stage *st = &scn->stages[s];
        fputs("<td>", f);
        text_items(f, scn_text_get(&st->texts, "feelings"));
        if (st->emotion)
            fprintf(f, _("<span class=\"chip\">mood %+d</span>"), st->emotion);
        fputs("</td>", f);
    }
    fputs("</tr>\n", f);
}

static bool intervention_touches(const scn_scenario *scn, const scn_intervention *iv, size_t s)
{
    if (iv->at == (int)s || (iv->touches && iv->touches[s]))
        return true;
    for (size_t c = 0; c < iv->n_changes; c++)
        if (scn->edges[iv->changes[c].edge].from == (int)s)
            return true;
    return false;
}

/* What an intervention changes at stage s: "mood +1", "usage → churned × 0.7". */
static void intervention_effects(FILE *f, const scn_scenario *scn, const scn_intervention *iv,
                                 size_t s)
{
    if (iv->at == (int)s && iv->mood)
        fprintf(f, _(": mood %+d%s"), iv->mood, iv->once ? _(" on the first purchase only") : "");
    for (size_t c = 0; c < iv->n_changes; c++) {
        const scn_edge_change *ch = &iv->changes[c];
        const scn_edge *e = &scn->edges[ch->edge];
        if (e->from != (int)s)
            continue;
        fputs(iv->at == (int)s && iv->mood ? ", " : ": ", f);
        report_escape(f, scn->stages[e->from].name);
        fputs(" → ", f);
        report_escape(f, scn->stages[e->to].name);
        if (ch->is_set)
            fputs(_(" replaced"), f);
        else
            fmt_printf(f, " × %g", ch->factor);
    }
}

static void interventions_row(FILE *f, const rn_run *run)
{
    const scn_scenario *scn = run->scn;
    if (scn->n_interventions == 0)
        return;
    fputs("<tr class=\"changes\">", f);
    row_head(f, _("Changes tested"), _("the scenario's interventions"));
    for (size_t s = 0; s < scn->n_stages; s++) {
        fputs("<td>", f);
        for (size_t i = 0; i < scn->n_interventions; i++) {
            const scn_intervention *iv = &scn->interventions[i];
            if (!intervention_touches(scn, iv, s))
                continue;
            fputs("<span class=\"chip change\">", f);
            report_escape(f, iv->name);
            intervention_effects(f, scn, iv, s);
            fputs("</span>", f);
        }
        fputs("</td>", f);
    }
    fputs("</tr>\n", f);
}

/* The simulated funnel of one group under the map. */
static void numbers_row(FILE *f, const rn_run *run, size_t g)
{
    const st_results *r = &run->results;
    const scn_scenario *scn = run->scn;
    const sim_cell *c = st_cell(r, 0, g);
    double n = (double)st_group_at(r, 0, g)->customers;
    char num[40];
    fputs("<tr class=\"numbers\"><th class=\"row\" scope=\"row\">", f);
    report_escape(f, group_name(run, g));
    fprintf(f, _("<small>%s customers</small></th>"), fmt_grouped(num, sizeof num, n));
    for (size_t s = 0; s < scn->n_stages; s++) {
        double share = 100 * st_ratio((double)c->reached[s], n);
        /* The share in the reader's language; the bar's width in CSS's. */
        fmt_printf(f, "<td><div class=\"num\">%s<span class=\"pct\">%.1f%%</span></div>",
                   fmt_grouped(num, sizeof num, (double)c->reached[s]), share);
        fprintf(f, "<div class=\"bar\"><span style=\"width:%.1f%%;background:%s\"></span></div>",
                share, persona_colour(r, g));
        int e = r->main_edge[s];
        if (e >= 0) {
            fmt_printf(f, _("<div class=\"conv\">%.1f%% of "), 100 * st_stage_conversion(r, c, s));
            report_escape(f, scn->stages[scn->edges[e].from].name);
            fputs("</div>", f);
        } else if ((int)s == scn->entry) {
            fputs(_("<div class=\"conv\">everyone starts here</div>"), f);
        }
        double mood;
        if (st_mood_on_entry(c, s, &mood))
            fmt_printf(f, _("<div class=\"conv\">mood on entering %+.2f</div>"), mood);
        fputs("</td>", f);
    }
    fputs("</tr>\n", f);
}

static void stage_head(FILE *f, const scn_scenario *scn, size_t s)
{
    const scn_stage *st = &scn->stages[s];
    fputs("<th class=\"stage\" scope=\"col\"><span class=\"name\">", f);
    report_escape(f, st->name);
    fputs("</span><br>", f);
    if ((int)s == scn->entry)
        fputs(_("<span class=\"badge\">entry</span>"), f);
    if (st->purchase) {
        double lo = st->value[0], hi = st->value[0];
        for (size_t p = 1; p < scn->n_personas; p++) {
            lo = fmin(lo, st->value[p]);
            hi = fmax(hi, st->value[p]);
        }
        char a[40], b[40];
        fprintf(f, _("<span class=\"badge\">purchase: %s"), fmt_grouped(a, sizeof a, lo));
        if (hi > lo)
            fprintf(f, "–%s", fmt_grouped(b, sizeof b, hi));
        fputs("</span>", f);
    }
    if (st->terminal)
        fputs(_("<span class=\"badge\">end</span>"), f);
    fputs("</th>", f);
}

static void write_map(FILE *f, const rn_run *run)
{
    const st_results *r = &run->results;
    const sim_totals *t = &run->totals;
    const scn_scenario *scn = run->scn;
    /* A long journey scrolls sideways on screen rather than squeezing its
     * columns; print fits it to the page. */
    fprintf(f,
            _("<section>\n<h2>Customer journey map</h2>\n<div class=\"wide\"><table class=\"map\" "
              "style=\"min-width:%zupx\">\n<thead><tr><th class=\"row corner\"></th>"),
            170 + 150 * scn->n_stages);
    for (size_t s = 0; s < scn->n_stages; s++)
        stage_head(f, scn, s);
    fputs("</tr></thead>\n<tbody>\n", f);
    text_row(f, scn, "description", _("Stage"));
    text_row(f, scn, "touchpoints", _("Touchpoints"));
    text_row(f, scn, "actions", _("Actions"));
    text_row(f, scn, "thoughts", _("Thoughts"));
    feelings_row(f, run);
    curve_row(f, run);
    text_row(f, scn, "pains", _("Pain points"));
    text_row(f, scn, "opportunities", _("Opportunities"));
    interventions_row(f, run);
    fprintf(f,
            _("<tr class=\"simhead\"><th colspan=\"%zu\">Simulated, baseline: customers who "
              "reached each stage (share of the persona's customers), the conversion into it "
              "from the stage most customers came from, and their average mood on "
              "entering</th></tr>\n"),
            scn->n_stages + 1);
    /* With one persona, its row is everyone's. */
    for (size_t g = 0; g < r->n_groups; g++)
        if (g < t->n_personas || t->n_personas > 1)
            numbers_row(f, run, g);
    fputs("</tbody></table></div>\n</section>\n", f);
}

static void card_field(FILE *f, const scn_persona *p, const char *key, const char *title)
{
    const scn_text *t = scn_text_get(&p->texts, key);
    if (!t)
        return;
    fprintf(f, "<dt>%s</dt><dd>", title);
    text_items(f, t);
    fputs("</dd>", f);
}

static void persona_card(FILE *f, const rn_run *run, size_t p)
{
    const st_results *r = &run->results;
    const sim_totals *t = &run->totals;
    const scn_persona *pe = &run->scn->personas[p];
    char num[40];
    fprintf(f, "<article class=\"card\" style=\"border-top-color:%s\">\n<h3>",
            persona_colour(r, p));
    report_escape(f, pe->name);
    fmt_printf(
        f, _("</h3>\n<p class=\"meta\">%.0f%% of customers (%s), arrives with mood %+d</p>\n"),
        100 * pe->share, fmt_grouped(num, sizeof num, (double)t->persona_customers[p]), pe->mood);
    const scn_text *quote = scn_text_get(&pe->texts, "quote");
    if (quote && quote->n_items) {
        fputs("<blockquote>", f);
        report_escape(f, quote->items[0]);
        fputs("</blockquote>\n", f);
    }
    text_items(f, scn_text_get(&pe->texts, "description"));
    fputs("<dl>", f);
    card_field(f, pe, "who", _("Who"));
    card_field(f, pe, "what", _("What"));
    card_field(f, pe, "why", _("Why"));
    card_field(f, pe, "when", _("When"));
    card_field(f, pe, "where", _("Where"));
    card_field(f, pe, "needs", _("Needs"));
    card_field(f, pe, "pains", _("Pains"));
    card_field(f, pe, "goals", _("Goals"));
    card_field(f, pe, "channels", _("Channels"));
    if (pe->n_attrs) {
        fputs(_("<dt>Attributes</dt><dd>"), f);
        for (size_t a = 0; a < pe->n_attrs; a++) {
            const scn_attr *at = &pe->attrs[a];
            fputs(a ? ", " : "", f);
            report_escape(f, at->name);
            fputs(" = ", f);
            if (at->lua_type == LUA_TSTRING)
                report_escape(f, at->string);
            else if (at->lua_type == LUA_TBOOLEAN)
                fputs(at->boolean ? "true" : "false", f);
            else
                fmt_printf(f, "%g", at->number);
        }
        fputs("</dd>", f);
    }
    fputs(_("</dl>\n<table class=\"grid\"><tr><th class=\"l\">variant</th><th>buyers</th>"
            "<th>repeat buyers</th><th>uplift, points</th></tr>\n"),
          f);
    /* the uplift column is the run's headline metric (write_variants says which) */
    /* Names as words here, so that a narrow card can wrap them. */
    for (size_t v = 0; v < t->n_variants; v++) {
        const st_group *g = st_group_at(r, v, p);
        double n = (double)g->customers;
        fputs("<tr><td class=\"l\">", f);
        say_name(f, run->variants.items[v].name);
        fmt_printf(f, "</td><td>%.1f%%</td><td>%.2f%%</td>", 100 * st_ratio(g->total[ST_BUYERS], n),
                   100 * st_ratio(g->total[ST_REPEAT_BUYERS], n));
        if (g->has_uplift)
            fmt_printf(f, "<td>%+.2f</td></tr>\n", 100 * g->uplift[r->headline].diff);
        else
            fputs("<td>—</td></tr>\n", f);
    }
    fputs("</table>\n</article>\n", f);
}

static void write_personas(FILE *f, const rn_run *run)
{
    fputs(_("<section>\n<h2>Personas</h2>\n<div class=\"cards\">\n"), f);
    for (size_t p = 0; p < run->totals.n_personas; p++)
        persona_card(f, run, p);
    fputs("</div>\n</section>\n", f);
}

static const char *uplift_class(const st_uplift *u)
{
    return u->lo > 0 ? "good" : u->hi < 0 ? "bad" : "";
}

static void uplift_cell(FILE *f, const st_group *g, st_metric m)
{
    if (!g->has_uplift) {
        fputs(_("<td>reference</td>"), f);
        return;
    }
    const st_uplift *u = &g->uplift[m];
    int d = uplift_decimals(u);
    fmt_printf(f, "<td class=\"%s\">%+.*f [%.*f; %.*f]</td>", uplift_class(u), d, 100 * u->diff, d,
               100 * u->lo, d, 100 * u->hi);
}

/* Every variant's funnel, stage by stage, with its ratio to the
 * baseline's: a change at one stage followed to the end result. */
static void write_variant_funnels(FILE *f, const rn_run *run)
{
    const st_results *r = &run->results;
    const sim_totals *t = &run->totals;
    const scn_scenario *scn = run->scn;
    size_t all = t->n_personas;
    if (t->n_variants < 2)
        return;
    fputs(_("<h3 style=\"margin-top:18px\">Funnel by variant</h3>\n"), f);
    prose(f, "funnel-by-variant");
    fputs(_("<div class=\"wide\"><table class=\"grid funnels\">\n<tr><th class=\"l\">stage</th>"),
          f);
    for (size_t v = 0; v < t->n_variants; v++) {
        fprintf(f, "<th style=\"border-top:4px solid %s\">", page->variant[v % N_COLOURS]);
        report_escape(f, run->variants.items[v].name);
        fputs("</th>", f);
    }
    fputs("</tr>\n", f);
    const sim_cell *c0 = st_cell(r, 0, all);
    double n = (double)t->customers;
    for (size_t s = 0; s < scn->n_stages; s++) {
        fputs("<tr><td class=\"l\">", f);
        report_escape(f, scn->stages[s].name);
        fmt_printf(f, "</td><td>%.2f%%</td>", 100 * st_ratio((double)c0->reached[s], n));
        for (size_t v = 1; v < t->n_variants; v++) {
            const sim_cell *c = st_cell(r, v, all);
            fmt_printf(f, "<td>%.2f%%", 100 * st_ratio((double)c->reached[s], n));
            if (c0->reached[s] > 0)
                fmt_printf(f, " <span class=\"pct\">×%.2f</span>",
                           (double)c->reached[s] / (double)c0->reached[s]);
            fputs("</td>", f);
        }
        fputs("</tr>\n", f);
    }
    fputs("</table></div>\n", f);
}

/* The variants side by side: the numbers a decision is made on. */
static void write_variants(FILE *f, const rn_run *run)
{
    const st_results *r = &run->results;
    const sim_totals *t = &run->totals;
    const scn_scenario *scn = run->scn;
    size_t all = t->n_personas;
    fputs(
        _("<section>\n<h2>Variants side by side</h2>\n<div class=\"wide\"><table class=\"grid\">\n"
          "<tr><th class=\"l\"></th>"),
        f);
    for (size_t v = 0; v < t->n_variants; v++) {
        fprintf(f, "<th style=\"border-top:4px solid %s\">", page->variant[v % N_COLOURS]);
        report_escape(f, run->variants.items[v].name);
        fputs("</th>", f);
    }
    fputs("</tr>\n", f);
    static const struct {
        const char *title;
        int kind;
    } ROWS[] = {
        {N_("buyers (1 purchase or more)"), 0},
        {N_("repeat buyers (2 or more)"), 1},
        {N_("repeat buyers of buyers"), 2},
        /* xgettext:no-c-format */
        {N_("uplift, points [95% interval]"), 3},
        {N_("verdict"), 10},
        {N_("revenue"), 4},
        {N_("cost of the changes"), 5},
        {N_("gross profit"), 6},
        /* xgettext:no-c-format */
        {N_("extra profit over the baseline [95% interval]"), 7},
        /* xgettext:no-c-format */
        {N_("ROI (extra profit / extra cost) [95% interval]"), 8},
        {N_("pays back"), 9},
    };
    char num[40];
    for (size_t i = 0; i < sizeof ROWS / sizeof ROWS[0]; i++) {
        if (ROWS[i].kind == 3)
            fprintf(f, _("<tr><th class=\"l\">uplift in %s, points [95%% interval]</th>"),
                    st_metric_words(r->headline));
        else
            fprintf(f, "<tr><th class=\"l\">%s</th>", _(ROWS[i].title));
        for (size_t v = 0; v < t->n_variants; v++) {
            const st_group *g = st_group_at(r, v, all);
            double n = (double)g->customers;
            switch (ROWS[i].kind) {
            case 0:
                fmt_printf(f, "<td>%.2f%%</td>", 100 * st_ratio(g->total[ST_BUYERS], n));
                break;
            case 1:
                fmt_printf(f, "<td>%.2f%%</td>", 100 * st_ratio(g->total[ST_REPEAT_BUYERS], n));
                break;
            case 2:
                fmt_printf(f, "<td>%.1f%%</td>",
                           100 * st_ratio(g->total[ST_REPEAT_BUYERS], g->total[ST_BUYERS]));
                break;
            case 3:
                uplift_cell(f, g, r->headline);
                break;
            case 10:
                if (g->has_uplift)
                    fprintf(f, "<td class=\"%s\">%s</td>",
                            g->verdict.effect == ST_GAIN   ? "good"
                            : g->verdict.effect == ST_LOSS ? "bad"
                                                           : "",
                            st_effect_words(g->verdict.effect));
                else
                    fputs("<td>—</td>", f);
                break;
            case 4:
            case 5:
            case 6:
                fputs("<td>", f);
                money(f, scn,
                      g->total[ROWS[i].kind == 4   ? ST_REVENUE
                               : ROWS[i].kind == 5 ? ST_COST
                                                   : ST_PROFIT]);
                fputs("</td>", f);
                break;
            case 7:
                if (g->has_uplift) {
                    fprintf(f, "<td>%s%s", g->incremental_profit >= 0.5 ? "+" : "",
                            fmt_grouped(num, sizeof num, g->incremental_profit));
                    fprintf(f, " [%s; ", fmt_grouped(num, sizeof num, g->profit.lo));
                    fprintf(f, "%s]</td>", fmt_grouped(num, sizeof num, g->profit.hi));
                } else {
                    fputs("<td>—</td>", f);
                }
                break;
            case 8:
                if (g->has_roi)
                    fmt_printf(f, "<td>%+.0f%% [%+.0f%%; %+.0f%%]</td>", 100 * g->roi,
                               100 * g->roi_lo, 100 * g->roi_hi);
                else
                    fputs("<td>—</td>", f);
                break;
            default:
                if (g->has_uplift)
                    fprintf(f, "<td class=\"%s\">%s</td>",
                            g->verdict.pays == ST_PAYS_YES  ? "good"
                            : g->verdict.pays == ST_PAYS_NO ? "bad"
                                                            : "",
                            st_pays_words(g->verdict.pays));
                else
                    fputs("<td>—</td>", f);
            }
        }
        fputs("</tr>\n", f);
    }
    fputs("</table></div>\n", f);
    write_variant_funnels(f, run);

    if (t->n_variants > 1) {
        fputs(_("<h3 style=\"margin-top:18px\">In plain words</h3>\n<ul>\n"), f);
        for (size_t v = 1; v < t->n_variants; v++) {
            fputs("<li>", f);
            sentence(f, run, v);
            fputs("</li>\n", f);
        }
        fputs("</ul>\n", f);
        fprintf(f,
                _("<h3>Uplift in %s per persona, points [95%% interval]</h3>\n"
                  "<div class=\"wide\"><table class=\"grid\">\n<tr><th class=\"l\">persona</th>"),
                st_metric_words(r->headline));
        for (size_t v = 1; v < t->n_variants; v++) {
            fputs("<th>", f);
            report_escape(f, run->variants.items[v].name);
            fputs("</th>", f);
        }
        fputs("</tr>\n", f);
        for (size_t g = 0; g < r->n_groups; g++) {
            fputs("<tr><td class=\"l\">", f);
            report_escape(f, group_name(run, g));
            fputs("</td>", f);
            for (size_t v = 1; v < t->n_variants; v++)
                uplift_cell(f, st_group_at(r, v, g), r->headline);
            fputs("</tr>\n", f);
        }
        fputs("</table></div>\n", f);
    }
    fputs("</section>\n", f);
}

static void write_interventions(FILE *f, const rn_run *run)
{
    const scn_scenario *scn = run->scn;
    if (scn->n_interventions == 0)
        return;
    fputs(_("<section>\n<h2>The changes tested</h2>\n<div class=\"cards\">\n"), f);
    for (size_t i = 0; i < scn->n_interventions; i++) {
        const scn_intervention *iv = &scn->interventions[i];
        fprintf(f, "<article class=\"card\" style=\"border-top-color:%s\">\n<h3>",
                page->variant[1]);
        report_escape(f, iv->name);
        fputs("</h3>\n", f);
        text_items(f, scn_text_get(&iv->texts, "description"));
        fputs("<dl>", f);
        const scn_text *channel = scn_text_get(&iv->texts, "channel");
        if (channel) {
            fputs(_("<dt>Channel</dt><dd>"), f);
            text_items(f, channel);
            fputs("</dd>", f);
        }
        fputs(_("<dt>For</dt><dd>"), f);
        size_t shown = 0;
        for (size_t p = 0; p < scn->n_personas; p++)
            if (iv->personas & (UINT64_C(1) << p)) {
                fputs(shown++ ? ", " : "", f);
                report_escape(f, scn->personas[p].name);
            }
        if (shown == scn->n_personas)
            fputs(_(" (everyone)"), f);
        fputs(_("</dd><dt>Changes</dt><dd>"), f);
        shown = 0;
        for (size_t s = 0; s < scn->n_stages; s++)
            if (intervention_touches(scn, iv, s)) {
                fputs(shown++ ? "; " : "", f);
                report_escape(f, scn->stages[s].name);
                intervention_effects(f, scn, iv, s);
            }
        /* A launch date changes what the totals mean: say it where the
         * change is described, as check does. */
        if (iv->until_day >= 0)
            fmt_printf(f, _("</dd><dt>Live</dt><dd>on days %d to %d only"), iv->from_day,
                       iv->until_day);
        else if (iv->from_day > 0)
            fmt_printf(f, _("</dd><dt>Live</dt><dd>from day %d to the end of the run"),
                       iv->from_day);
        fputs(_("</dd><dt>Cost</dt><dd>"), f);
        if (iv->cost_per_customer > 0 || iv->cost_per_use > 0) {
            if (iv->cost_per_customer > 0) {
                money(f, scn, iv->cost_per_customer);
                fputs(_(" per customer who gets it"), f);
            }
            if (iv->cost_per_use > 0) {
                fputs(iv->cost_per_customer > 0 ? ", " : "", f);
                money(f, scn, iv->cost_per_use);
                fputs(_(" each time it is used"), f);
            }
        } else {
            fputs(_("none given"), f);
        }
        fputs("</dd></dl>\n</article>\n", f);
    }
    fputs("</div>\n</section>\n", f);
}

static void base64(FILE *f, const unsigned char *data, size_t n)
{
    static const char ABC[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)data[i] << 16;
        if (i + 1 < n)
            v |= (unsigned)data[i + 1] << 8;
        if (i + 2 < n)
            v |= data[i + 2];
        fputc(ABC[v >> 18 & 63], f);
        fputc(ABC[v >> 12 & 63], f);
        fputc(i + 1 < n ? ABC[v >> 6 & 63] : '=', f);
        fputc(i + 2 < n ? ABC[v & 63] : '=', f);
    }
}

/* Copies a plot's SVG into the page as a data: URI. An <img> keeps each
 * picture apart: gnuplot gives every SVG the same element ids, which one
 * page holding several inline would confuse, and an image runs no script.
 * It stays sharp at any zoom and in report.pdf. */
static bool embed_svg(FILE *f, const out_dir *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s/%s.svg", dir->tmp_path, PLOT_DIR, name);
    size_t len = 0;
    char *data = read_whole_file(path, &len);
    bool ok = data && len > 0;
    if (ok) {
        fputs("<img src=\"data:image/svg+xml;base64,", f);
        base64(f, (const unsigned char *)data, len);
        fputs("\" alt=\"", f);
    }
    free(data);
    return ok;
}

static void write_charts(FILE *f, const out_dir *dir, const plot_output *plots)
{
    fputs(_("<section>\n<h2>Charts</h2>\n"), f);
    size_t drawn = 0;
    for (size_t i = 0; plots && i < plots->n_pictures; i++) {
        const plot_picture *pic = &plots->pictures[i];
        if (!pic->drawn)
            continue;
        fputs("<figure>", f);
        if (!embed_svg(f, dir, pic->name)) {
            fputs("</figure>\n", f);
            continue;
        }
        report_escape(f, pic->caption);
        fputs("\"><figcaption>", f);
        report_escape(f, pic->caption);
        fprintf(f, " <span class=\"muted\">(plots/%s.svg%s)</span></figcaption></figure>\n",
                pic->name, plots->png ? ", .png" : "");
        drawn++;
    }
    if (!plots || plots->n_pictures == 0 || plots->outcome == PLOT_NOT_WRITTEN)
        prose(f, "no-charts");
    else if (drawn < plots->n_pictures)
        prose(f, "charts-missing");
    /* Each missing chart by name, so that nobody mistakes the report for whole. */
    for (size_t i = 0; plots && plots->outcome != PLOT_NOT_WRITTEN && i < plots->n_pictures; i++)
        if (!plots->pictures[i].drawn)
            fprintf(f, _("<p class=\"muted\">Missing: <code>plots/%s.svg</code>.</p>\n"),
                    plots->pictures[i].name);
    fputs("</section>\n", f);
}

static void write_footer(FILE *f, const rn_run *run)
{
    const scn_scenario *scn = run->scn;
    prose(f, "reading");
    fputs(_("<footer>Simulated by cjmsim "), f);
    report_escape(f, run->version);
    fputs(_(" from "), f);
    report_escape(f, scn->path);
    fprintf(f,
            _(" with seed %llu: the same scenario and seed give the same numbers. The data "
              "behind this page are in summary.json and the CSV files beside it.</footer>\n"
              "</body>\n</html>\n"),
            (unsigned long long)run->seed);
}

/* A run at the parameters' best guesses: its intervals leave out how
 * uncertain those guesses are, which `cjmsim psa` measures. */
static void write_uncertainty_note(FILE *f, const rn_run *run)
{
    const prm_list *params = &run->scn->params;
    size_t n = 0;
    for (size_t i = 0; i < params->n; i++)
        n += prm_uncertain(&params->items[i]) && !params->items[i].source;
    if (n == 0)
        return;
    fmt_printf(f,
               ngettext("<p class=\"muted\">These 95%% intervals measure the simulation's own "
                        "noise only: they leave out how uncertain the scenario's %zu parameter "
                        "is. <code>cjmsim psa</code> draws them and says how likely each variant "
                        "is to be the best choice and to pay back.</p>\n",
                        "<p class=\"muted\">These 95%% intervals measure the simulation's own "
                        "noise only: they leave out how uncertain the scenario's %zu parameters "
                        "are. <code>cjmsim psa</code> draws them and says how likely each variant "
                        "is to be the best choice and to pay back.</p>\n",
                        (unsigned long)n),
               n);
}

/* The scenario's targets beside the baseline's figures (target_eval.h). */
static void write_targets(FILE *f, const rn_run *run)
{
    const tgt_list *targets = &run->scn->targets;
    if (targets->n == 0)
        return;
    fputs(_("<section>\n<h2>Targets</h2>\n"), f);
    prose(f, "targets");
    fputs(_("<div class=\"wide\"><table class=\"grid\">\n<tr><th>target</th><th>what</th>"
            "<th>observed</th><th>simulated</th><th>z</th></tr>\n"),
          f);
    for (size_t i = 0; i < targets->n; i++) {
        const tgt_target *t = &targets->items[i];
        tgt_measure_t m = tgt_measure(t, &run->totals);
        char what[160];
        tgt_describe_local(t, what, sizeof what);
        fputs("<tr><td>", f);
        report_escape(f, t->name);
        fputs("</td><td>", f);
        report_escape(f, what);
        fputs("</td><td>", f);
        fmt_printf(f, _("%lld of %lld (%.1f%%)"), (long long)t->observed, (long long)t->of,
                   100 * m.share);
        fmt_printf(f, "</td><td>%.1f%%</td>", 100 * m.simulated);
        if (isnan(m.z))
            fputs("<td>&ndash;</td></tr>\n", f);
        else
            fmt_printf(f, "<td>%+.1f</td></tr>\n", m.z);
    }
    fputs("</table></div>\n</section>\n", f);
}

cj_status report_pdf(out_dir *dir, cj_err *err)
{
    if (pdf_print(dir, REPORT_FILE, REPORT_PDF, err) == CJ_OK)
        out_record(dir, REPORT_PDF); /* Chromium wrote it */
    return err->status;
}

cj_status report_check(cj_err *err)
{
    page_data data;
    if (page_load(&data, err) == CJ_OK)
        page_free(&data);
    return err->status;
}

cj_status report_write(out_dir *dir, const rn_run *run, const plot_output *plots, cj_err *err)
{
    page_data data;
    if (page_load(&data, err) != CJ_OK)
        return err->status;
    page = &data;
    FILE *f = out_open(dir, REPORT_FILE, err);
    if (!f) {
        page_free(&data);
        return err->status;
    }
    write_head(f, run);
    if (run->totals.n_variants > 1)
        write_in_short(f, run);
    write_map(f, run);
    write_personas(f, run);
    write_variants(f, run);
    write_uncertainty_note(f, run);
    write_targets(f, run);
    write_interventions(f, run);
    if (run->totals.calendar)
        mon_report(f, run);
    write_charts(f, dir, plots);
    write_footer(f, run);
    page = NULL;
    page_free(&data);
    return out_close(dir, f, REPORT_FILE, err);
}
