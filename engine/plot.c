/* posix_spawn_file_actions_addchdir_np (glibc 2.29, musl, macOS 10.15):
 * gnuplot starts in the plots folder. */
#define _GNU_SOURCE
#include "plot.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "datadir.h"
#include "format.h"
#include "monthly.h"
#include "sim.h"
#include "textwidth.h"
#include "util.h"
#include "i18n.h"

/* environ: declared by unistd.h under _GNU_SOURCE. */

/* Names longer than this are cut in the pictures, where they would push the
 * plot itself off the canvas. */
enum { LABEL_CHARS = 48 };

typedef void (*data_fn)(FILE *f, const rn_run *run);

typedef struct {
    const char *name;
    const char *caption;
    data_fn data;
    size_t min_variants; /* the uplift needs something to compare */
    data_fn vars;        /* more variables for the template, or NULL */
} plot_kind;

/* The group names of the pictures: the personas, then everyone. */
static const char *group_label(const rn_run *run, size_t g)
{
    return g == run->totals.n_personas ? _("all customers") : run->scn->personas[g].name;
}

static double percent(double x, double n)
{
    return 100 * st_ratio(x, n);
}

/* One row per stage: per variant the share of customers who reached it and
 * the conversion into it (-1 where there is none). */
static void funnel_data(FILE *f, const rn_run *run)
{
    const st_results *r = &run->results;
    const sim_totals *t = &run->totals;
    size_t n_stages = run->scn->n_stages;
    fputs("# The funnel: one row per stage, in the scenario's order (column 1 counts from 0).\n"
          "# Per variant (variant_name[v] in funnel.gp), two columns from 2 + 2(v-1):\n"
          "# % of customers who reached the stage; % conversion into it from the stage\n"
          "# most customers came from (-1: none, the entry stage).\n",
          f);
    for (size_t s = 0; s < n_stages; s++) {
        fprintf(f, "%zu", s);
        for (size_t v = 0; v < t->n_variants; v++) {
            const sim_cell *c = st_cell(r, v, t->n_personas);
            double conv = st_stage_conversion(r, c, s);
            fprintf(f, " %.4f %.4f", percent((double)c->reached[s], (double)t->customers),
                    conv < 0 ? -1.0 : 100 * conv);
        }
        fputc('\n', f);
    }
}

/* One row per day: per variant the cumulative buyers and repeat buyers. */
static void buyers_data(FILE *f, const rn_run *run)
{
    const st_results *r = &run->results;
    const sim_totals *t = &run->totals;
    int days = run->days;
    fputs("# Buyers by day: one row per day 0 ... days.\n"
          "# Per variant (variant_name[v] in buyers_by_day.gp), two columns from 2 + 2(v-1):\n"
          "# % of customers with 1 purchase or more by the end of the day; with 2 or more.\n",
          f);
    int64_t *buyers = xcalloc(t->n_variants, sizeof *buyers);
    int64_t *repeat = xcalloc(t->n_variants, sizeof *repeat);
    for (int d = 0; d <= days; d++) {
        fprintf(f, "%d", d);
        for (size_t v = 0; v < t->n_variants; v++) {
            const sim_cell *c = st_cell(r, v, t->n_personas);
            buyers[v] += c->first_purchase_day[d];
            repeat[v] += c->second_purchase_day[d];
            fprintf(f, " %.4f %.4f", percent((double)buyers[v], (double)t->customers),
                    percent((double)repeat[v], (double)t->customers));
        }
        fputc('\n', f);
    }
    free(buyers);
    free(repeat);
}

/* One row per variant but the baseline and group: the uplift in the run's
 * headline metric (repeat buyers, or buyers where nobody can buy twice) in
 * percentage points with its 95% interval, and the verdict's words. */
static void uplift_data(FILE *f, const rn_run *run)
{
    const st_results *r = &run->results;
    const sim_totals *t = &run->totals;
    fputs("# Uplift against the baseline, in percentage points.\n"
          "# Columns: variant (variant_name[v] in uplift.gp), group (group_name[g]: the personas,\n"
          "# then all customers), difference, low and high end of its 95% interval (the\n"
          "# simulation's precision), and the verdict in words.\n",
          f);
    for (size_t v = 1; v < t->n_variants; v++)
        for (size_t g = 0; g < r->n_groups; g++) {
            const st_group *gr = st_group_at(r, v, g);
            const st_uplift *u = &gr->uplift[r->headline];
            fprintf(f, "%zu %zu %.4f %.4f %.4f \"%s\"\n", v + 1, g + 1, 100 * u->diff, 100 * u->lo,
                    100 * u->hi, st_effect_words(gr->verdict.effect));
        }
}

/* One row per stage: the average mood on entering it, per group and
 * variant ('?' where nobody entered). */
static void emotions_data(FILE *f, const rn_run *run)
{
    const st_results *r = &run->results;
    const sim_totals *t = &run->totals;
    size_t n_stages = run->scn->n_stages;
    fputs("# Average mood (-3 ... +3) of customers on entering each stage: one row per stage\n"
          "# (column 1 counts from 0). Group g (group_name[g] in emotions.gp) and variant v\n"
          "# are in column 2 + (g-1) * n_variants + (v-1); '?' where nobody entered.\n",
          f);
    for (size_t s = 0; s < n_stages; s++) {
        fprintf(f, "%zu", s);
        for (size_t g = 0; g < r->n_groups; g++)
            for (size_t v = 0; v < t->n_variants; v++) {
                double mood;
                if (st_mood_on_entry(st_cell(r, v, g), s, &mood))
                    fprintf(f, " %.4f", mood);
                else
                    fputs(" ?", f);
            }
        fputc('\n', f);
    }
}

/* One row per group: per variant the repeat buyers and the profit per
 * customer. */
static void personas_data(FILE *f, const rn_run *run)
{
    const st_results *r = &run->results;
    const sim_totals *t = &run->totals;
    fputs("# Personas compared: one row per group (group_name[g] in personas.gp: the personas,\n"
          "# then all customers). Per variant v, two columns from 2 + 2(v-1): % of the group's\n"
          "# customers who bought twice or more; profit per customer.\n",
          f);
    for (size_t g = 0; g < r->n_groups; g++) {
        fprintf(f, "%zu", g + 1);
        for (size_t v = 0; v < t->n_variants; v++) {
            const st_group *gr = st_group_at(r, v, g);
            double n = (double)gr->customers;
            fprintf(f, " %.4f %.4f", percent(gr->total[ST_REPEAT_BUYERS], n),
                    st_ratio(gr->total[ST_PROFIT], n));
        }
        fputc('\n', f);
    }
}

static void put_string(FILE *f, const char *var, const char *value);
static void put_label(FILE *f, const char *var, const char *value);

/* The metric the uplift plot shows, for its title and axis. */
static void uplift_vars(FILE *f, const rn_run *run)
{
    const char *metric = st_metric_words(run->results.headline);
    char text[512];
    put_string(f, "metric", metric);
    /* TRANSLATORS: the title of the uplift plot; %s is "repeat buyers" or "buyers" */
    snprintf(text, sizeof text, _("uplift in %s"), metric);
    put_label(f, "label_uplift_title", text);
    snprintf(text, sizeof text,
             _("more %s than in the baseline, percentage points of customers (95%% interval: "
               "the simulation's precision)"),
             metric);
    put_label(f, "label_uplift_x", text);
}

/* The words of the plots, in the reader's language: the templates read
 * these variables instead of holding English text. */
static const struct {
    const char *var, *text;
} LABELS[] = {
    {"label_day", N_("day")},
    {"label_buyers_by_day", N_("buyers by day")},
    {"label_buyers", N_("buyers (1 purchase or more)")},
    {"label_repeat_buyers", N_("repeat buyers (2 purchases or more)")},
    {"label_share_all", N_("share of all customers")},
    {"label_mood_on_entering", N_("mood on entering each stage")},
    {"label_reached", N_("customers who reached the stage")},
    {"label_funnel", N_("the funnel (labels: conversion from the previous stage)")},
    {"label_personas", N_("personas compared")},
    {"label_profit_per_customer", N_("profit per customer")},
    {"label_exact", N_("exact expected values, computed without sampling")},
    {"label_month", N_("month (30 days)")},
    {"label_month_by_month", N_("month by month")},
    {"label_revenue", N_("revenue")},
    {"label_new_repeat_buyers", N_("new repeat buyers (second purchase in the month)")},
    /* TRANSLATORS: the sweep plot's title, followed by the parameter's name */
    {"label_sweep_over", N_("sweep over")},
    {"label_extra_repeat_points", N_("extra repeat buyers, points of customers")},
    {"label_incremental_profit", N_("incremental profit")},
    /* TRANSLATORS: the tornado plot's axis: "incremental profit of VARIANT (each ...)" */
    {"label_incremental_profit_of", N_("incremental profit of")},
    {"label_low_to_high", N_("(each parameter from its low to its high)")},
    {"label_tornado", N_("what moves the answer most")},
    {"label_value_of_repeat_buyer", N_("value of one extra repeat buyer, besides its profit")},
    {"label_chance_best", N_("chance of being the best choice")},
    {"label_which_variant", N_("which variant to choose")},
    {"label_extra_repeat_customers", N_("extra repeat buyers (customers)")},
    {"label_every_draw", N_("every draw of the uncertain parameters")},
    {"label_share_of_customers", N_("share of customers")},
    {"label_targets_and_fit", N_("targets and the fitted model")},
    /* xgettext:no-c-format */
    {"label_observed_interval", N_("observed, 95% interval")},
    {"label_fitted_model", N_("fitted model")},
};

static void put_labels(FILE *f)
{
    for (size_t i = 0; i < sizeof LABELS / sizeof LABELS[0]; i++)
        put_label(f, LABELS[i].var, _(LABELS[i].text));
}

static const plot_kind PLOTS[] = {
    {"funnel",
     N_("The funnel: the share of customers who reached each stage, per variant; above each bar, "
        "the conversion into the stage from the stage most customers came from."),
     funnel_data, 1, NULL},
    {"buyers_by_day",
     N_("Buyers and repeat buyers by day: the share of all customers who had bought once or more, "
        "and twice or more, by each day of the run, per variant."),
     buyers_data, 1, NULL},
    {"uplift",
     /* xgettext:no-c-format */
     N_("Uplift: how many percentage points of customers more than in the baseline are repeat "
        "buyers (buyers, in a journey where nobody can buy twice), per variant and persona; the "
        "bars are 95% intervals of the simulation's precision."),
     uplift_data, 2, uplift_vars},
    {"emotions",
     N_("The emotion curve: the average mood (-3 ... +3) of customers on entering each stage, per "
        "persona, the baseline against the variants."),
     emotions_data, 1, NULL},
    {"personas",
     N_("Personas compared: the share of each persona's customers who bought twice or more, and "
        "the profit per customer, per variant."),
     personas_data, 1, NULL},
    {"monthly",
     N_("Month by month: the revenue of each 30-day month from day 0 and its new repeat buyers "
        "(customers whose second purchase fell in it), per variant; drawn in calendar time."),
     mon_plot_data, 1, NULL},
};
enum { N_PLOTS = sizeof PLOTS / sizeof PLOTS[0] };

/* Appends n bytes of s to the growing string *buf. */
static void append(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
    if (*len + n + 1 > *cap) {
        *cap = (*len + n + 1) * 2;
        *buf = xrealloc(*buf, *cap, 1);
    }
    memcpy(*buf + *len, s, n);
    *len += n;
    (*buf)[*len] = '\0';
}

char *plot_quote(const char *s, size_t max_chars)
{
    char *clean = utf8_sanitized(s);
    size_t len = 0, cap = strlen(clean) * 2 + 8, chars = 0;
    char *q = xmalloc(cap);
    append(&q, &len, &cap, "'", 1);
    for (const unsigned char *p = (const unsigned char *)clean; *p;) {
        size_t n = 1; /* bytes of this character: the text is valid UTF-8 now */
        if (*p >= 0xF0)
            n = 4;
        else if (*p >= 0xE0)
            n = 3;
        else if (*p >= 0xC0)
            n = 2;
        if (max_chars && chars == max_chars) {
            append(&q, &len, &cap, "\xE2\x80\xA6", 3); /* … */
            break;
        }
        if (*p == '\'')
            append(&q, &len, &cap, "''", 2);
        else if (*p < 0x20 || *p == 0x7F)
            append(&q, &len, &cap, " ", 1); /* a line break would end the command */
        else
            append(&q, &len, &cap, (const char *)p, n);
        p += n;
        chars++;
    }
    append(&q, &len, &cap, "'", 1);
    free(clean);
    return q;
}

static void put_string(FILE *f, const char *var, const char *value)
{
    char *q = plot_quote(value, LABEL_CHARS);
    fprintf(f, "%s = %s\n", var, q);
    free(q);
}

/* The plot's own words are never cut: only names from the scenario are. */
static void put_label(FILE *f, const char *var, const char *value)
{
    char *q = plot_quote(value, 0);
    fprintf(f, "%s = %s\n", var, q);
    free(q);
}

static void put_array_item(FILE *f, const char *array, size_t i, const char *value)
{
    char *q = plot_quote(value, LABEL_CHARS);
    fprintf(f, "%s[%zu] = %s\n", array, i, q);
    free(q);
}

/* A variant's name for an axis: one line per intervention, so that
 * "notify+consult" stays narrow. */
static void put_variant_label(FILE *f, size_t i, const char *name)
{
    fprintf(f, "variant_label[%zu] = ", i);
    const char *part = name;
    for (;;) {
        const char *plus = strchr(part, '+');
        size_t n = plus ? (size_t)(plus - part) + 1 : strlen(part);
        char *piece = xmalloc(n + 1);
        memcpy(piece, part, n);
        piece[n] = '\0';
        char *q = plot_quote(piece, LABEL_CHARS);
        fputs(q, f);
        free(q);
        free(piece);
        if (!plus)
            break;
        fputs(" . \"\\n\" . ", f);
        part = plus + 1;
    }
    fputc('\n', f);
}

/* The display columns of a name as a label shows it (cut at LABEL_CHARS
 * characters, of up to two columns each). */
static size_t label_width(const char *s)
{
    size_t w = tw_width(s);
    return w < 2 * LABEL_CHARS ? w : 2 * LABEL_CHARS;
}

/* The widest names in display columns, by which the templates make room for
 * the labels: a Cyrillic name is half as many columns as bytes, a CJK one
 * two columns a character. */
static void write_label_widths(FILE *f, const rn_run *run)
{
    const st_results *r = &run->results;
    const scn_scenario *scn = run->scn;
    size_t stage = 0, from = 0, variant = 0, group = 0;
    for (size_t s = 0; s < scn->n_stages; s++) {
        size_t w = label_width(scn->stages[s].name);
        stage = w > stage ? w : stage;
        int e = r->main_edge[s];
        w = e >= 0 ? label_width(scn->stages[scn->edges[e].from].name) : 0;
        from = w > from ? w : from;
    }
    for (size_t v = 0; v < run->totals.n_variants; v++) {
        size_t w = label_width(run->variants.items[v].name);
        variant = w > variant ? w : variant;
    }
    for (size_t g = 0; g < r->n_groups; g++) {
        size_t w = label_width(group_label(run, g));
        group = w > group ? w : group;
    }
    fprintf(f,
            "# The widest names, in the columns they take (for the room the labels need).\n"
            "stage_width = %zu\nfrom_width = %zu\nvariant_width = %zu\ngroup_width = %zu\n",
            stage, from, variant, group);
}

/* The run's names and sizes as gnuplot variables: what the templates read. */
/* The run's --png: PNG besides SVG. */
static bool run_png(const rn_run *run)
{
    return run->opts && run->opts->png;
}

static void write_preamble(FILE *f, const rn_run *run, const char *name)
{
    const st_results *r = &run->results;
    const sim_totals *t = &run->totals;
    const scn_scenario *scn = run->scn;
    const scn_text *currency = scn_text_get(&scn->texts, "currency");
    fprintf(f,
            "# Drawn by cjmsim from its templates plots/palette.gp, plots/style.gp and\n"
            "# plots/%s.gp.\n"
            "# To draw it again, in this directory: gnuplot %s.gp\n"
            "# (or gnuplot plots.gp for every plot). Edit freely.\n\n"
            "set encoding utf8\n"
            "name = '%s'\n"
            "data = '%s.dat'\n",
            name, name, name, name);
    put_string(f, "scenario", scn->name);
    put_string(f, "currency", currency && currency->n_items ? currency->items[0] : "");
    put_string(f, "method", r->method); /* "exact": expected values, no sampling */
    /* What gnuplot draws (style.gp's term()); the comment says how to change it. */
    fprintf(f, "# 'svg', or 'png svg' to draw PNG too (cjmsim --png)\nformats = '%s'\n",
            run_png(run) ? "png svg" : "svg");
    put_labels(f);
    fprintf(f, "customers = %lld\ndays = %d\n", (long long)t->customers, run->days);
    fprintf(f, "n_stages = %zu\narray stage_name[%zu]\narray from_stage[%zu]\n", scn->n_stages,
            scn->n_stages, scn->n_stages);
    for (size_t s = 0; s < scn->n_stages; s++) {
        put_array_item(f, "stage_name", s + 1, scn->stages[s].name);
        int e = r->main_edge[s];
        put_array_item(f, "from_stage", s + 1, e >= 0 ? scn->stages[scn->edges[e].from].name : "");
    }
    fprintf(f, "n_variants = %zu\narray variant_name[%zu]\narray variant_label[%zu]\n",
            t->n_variants, t->n_variants, t->n_variants);
    for (size_t v = 0; v < t->n_variants; v++) {
        put_array_item(f, "variant_name", v + 1, run->variants.items[v].name);
        put_variant_label(f, v + 1, run->variants.items[v].name);
    }
    fprintf(f, "n_groups = %zu\narray group_name[%zu]\n", r->n_groups, r->n_groups);
    for (size_t g = 0; g < r->n_groups; g++)
        put_array_item(f, "group_name", g + 1, group_label(run, g));
    write_label_widths(f, run);
    fputc('\n', f);
}

/* The text of template plots/NAME.gp, or NULL with out->problem set. */
static char *load_template(const char *name, plot_output *out)
{
    char rel[64], path[4096];
    snprintf(rel, sizeof rel, "plots/%s.gp", name);
    char *text = datadir_read(rel, path, sizeof path);
    if (!text) {
        out->outcome = PLOT_NOT_WRITTEN;
        snprintf(out->problem, sizeof out->problem,
                 _("the plot template %s was not found (looked in $CJMSIM_DATADIR, beside the "
                   "program and in %s): plots not written"),
                 rel, CJMSIM_DATADIR);
    }
    return text;
}

/* The look every script starts with: plots/palette.gp, the colours the
 * report reads too, then plots/style.gp; NULL with out->problem set. */
static char *load_look(plot_output *out)
{
    char *palette = load_template("palette", out);
    char *style = palette ? load_template("style", out) : NULL;
    char *look = NULL;
    if (style) {
        const char *between = "\n# ---- plots/style.gp\n";
        look = xmalloc(strlen(palette) + strlen(between) + strlen(style) + 1);
        sprintf(look, "%s%s%s", palette, between, style);
    }
    free(palette);
    free(style);
    return look;
}

static cj_status write_data(out_dir *dir, const rn_run *run, const plot_kind *kind, cj_err *err)
{
    char rel[64];
    snprintf(rel, sizeof rel, "%s/%s.dat", PLOT_DIR, kind->name);
    FILE *f = out_open(dir, rel, err);
    if (!f)
        return err->status;
    kind->data(f, run);
    return out_close(dir, f, rel, err);
}

static cj_status write_script(out_dir *dir, const rn_run *run, const plot_kind *kind,
                              const char *style, const char *tmpl, cj_err *err)
{
    char rel[64];
    snprintf(rel, sizeof rel, "%s/%s.gp", PLOT_DIR, kind->name);
    FILE *f = out_open(dir, rel, err);
    if (!f)
        return err->status;
    write_preamble(f, run, kind->name);
    if (kind->vars)
        kind->vars(f, run);
    fprintf(f, "# ---- plots/palette.gp\n%s\n# ---- plots/%s.gp\n%s", style, kind->name, tmpl);
    return out_close(dir, f, rel, err);
}

/* plots/plots.gp: every plot in one command. */
static cj_status write_all_script(out_dir *dir, plot_output *out, cj_err *err)
{
    const char *rel = PLOT_DIR "/plots.gp";
    FILE *f = out_open(dir, rel, err);
    if (!f)
        return err->status;
    fprintf(f,
            "# Draws every plot of this run as %s (each script's `formats`). In this\n"
            "# directory:\n"
            "#   gnuplot plots.gp\n",
            out->png ? "SVG and PNG" : "SVG");
    for (size_t i = 0; i < out->n_pictures; i++)
        fprintf(f, "reset session\nload '%s.gp'\n", out->pictures[i].name);
    return out_close(dir, f, rel, err);
}

/* --threads N is the cores the whole command uses: N gnuplot processes at
 * most draw the pictures (run.c's write_files gives one of them to its own
 * writers when gnuplot has only SVG to draw). */
static size_t run_lanes(const rn_run *run)
{
    int threads = run->threads > 0 ? run->threads : run->opts ? rn_threads(run->opts) : 1;
    return (size_t)threads;
}

/* The results directory's plots/, where the scripts and pictures go. */
static void make_plot_dir(out_dir *dir, cj_err *err)
{
    char *sub = out_path(dir, PLOT_DIR);
    if (mkdir(sub, 0755) != 0 && errno != EEXIST)
        cj_fail(err, CJ_ERR_OUTPUT, _("cannot write %s/%s: %s"), dir->final_path, PLOT_DIR,
                strerror(errno));
    free(sub);
}

/* The monthly plot is drawn when customers arrive over the calendar. */
static bool plot_wanted(const rn_run *run, const plot_kind *kind)
{
    return strcmp(kind->name, "monthly") != 0 || run->totals.calendar;
}

cj_status plot_write(out_dir *dir, const rn_run *run, plot_output *out, cj_err *err)
{
    memset(out, 0, sizeof *out);
    out->outcome = PLOT_DRAWN;
    out->lanes = run_lanes(run);
    out->png = run_png(run);
    /* Every template first: a half-installed data directory writes nothing. */
    char *style = load_look(out);
    char *tmpl[N_PLOTS] = {NULL};
    for (size_t i = 0; i < N_PLOTS && out->outcome == PLOT_DRAWN; i++)
        if (run->totals.n_variants >= PLOTS[i].min_variants && plot_wanted(run, &PLOTS[i]))
            tmpl[i] = load_template(PLOTS[i].name, out);
    if (out->outcome == PLOT_DRAWN)
        make_plot_dir(dir, err);
    for (size_t i = 0; i < N_PLOTS && out->outcome == PLOT_DRAWN && err->status == CJ_OK; i++) {
        if (!tmpl[i])
            continue;
        if (write_data(dir, run, &PLOTS[i], err) == CJ_OK &&
            write_script(dir, run, &PLOTS[i], style, tmpl[i], err) == CJ_OK) {
            plot_picture *pic = xgrow(&out->pictures, &out->n_pictures, sizeof *pic);
            pic->name = PLOTS[i].name;
            pic->caption = _(PLOTS[i].caption);
        }
    }
    if (out->outcome == PLOT_DRAWN && err->status == CJ_OK)
        write_all_script(dir, out, err);
    for (size_t i = 0; i < N_PLOTS; i++)
        free(tmpl[i]);
    free(style);
    return err->status;
}

/* ---- running gnuplot
 *
 * The plots are shared out among a few gnuplot processes, as many as the
 * run's --threads and at most one per plot (plot i to lane i % lanes):
 * each draws its plots one after the other,
 * `gnuplot --default-settings a.gp -e CMD b.gp -e CMD ...`, where CMD prints
 * a line saying the plot before it is drawn and starts the next one afresh
 * (reset session, which under --default-settings reads no ~/.gnuplot). A
 * process costs more to start than most plots cost to draw, and the
 * pictures are the same bytes as when each plot has its own process. gnuplot
 * stops at a script's first error: that plot failed with the complaint
 * printed since the last line, and a new process draws the rest of the
 * lane, so one failing plot costs no other. */

/* The line gnuplot prints when it is done with NAME.gp. */
#define DRAWN_MARK "cjmsim: drawn "

typedef struct {
    pid_t pid;
    FILE *log; /* its stderr */
    int status;
    bool running, timed_out;
} child;

/* The outcome of one plot's script. */
typedef struct {
    bool tried; /* a gnuplot got to it */
    int status; /* its exit status (0 for a plot drawn before a failing one) */
    bool timed_out;
    char *complaint; /* what gnuplot printed while on it */
} plot_run;

/* Plots lane, lane + lanes, lane + 2 lanes ... in turn; next: the first
 * that the running process was given. */
typedef struct {
    size_t first, next;
    child proc;
} lane;

struct plot_drawing {
    out_dir *dir; /* where the drawn pictures are recorded */
    char *plots_dir;
    lane *lanes;
    size_t n_lanes, n;
    plot_run *runs; /* one per picture */
    time_t deadline;
};

/* The line of gnuplot's complaint that says what and where:
 * "funnel.gp" line 12: undefined variable: x. */
static void describe_failure(const plot_run *run, const char *script, char *buf, size_t size)
{
    char text[4096];
    snprintf(text, sizeof text, "%s", run->complaint ? run->complaint : "");
    const char *best = NULL;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        while (*line == ' ')
            line++;
        if (!*line || *line == '^')
            continue;
        if (strstr(line, " line ") || !best)
            best = line;
    }
    if (run->timed_out)
        snprintf(buf, size, _("gnuplot took more than %d s on %s and was stopped"),
                 PLOT_TIMEOUT_SECONDS, script);
    else if (WIFSIGNALED(run->status))
        snprintf(buf, size, _("gnuplot was killed by signal %d on %s"), WTERMSIG(run->status),
                 script);
    else if (best)
        snprintf(buf, size, _("gnuplot failed on %s: %.300s"), script, best);
    else
        snprintf(buf, size, _("gnuplot failed on %s (exit status %d)"), script,
                 WIFEXITED(run->status) ? WEXITSTATUS(run->status) : -1);
}

/* gnuplot --default-settings A.gp -e CMD B.gp -e CMD ..., started in the
 * plots folder, with no shell between: its user's ~/.gnuplot cannot change
 * the pictures, no text of the scenario is ever a command, and the results
 * path (which may hold a line break or bytes that are not UTF-8) never
 * reaches gnuplot: every file it reads and writes is named relative to the
 * plots folder. */
static int spawn_gnuplot(const char *plots_dir, const plot_output *out, const plot_drawing *d,
                         lane *l)
{
    size_t n_scripts = (d->n - l->next + d->n_lanes - 1) / d->n_lanes, argc = 0;
    /* posix_spawn takes char *const argv[]: writable copies of the words. */
    char **argv = xcalloc(3 * n_scripts + 3, sizeof *argv);
    argv[argc++] = xstrdup("gnuplot");
    argv[argc++] = xstrdup("--default-settings");
    for (size_t i = l->next; i < d->n; i += d->n_lanes) {
        char word[128];
        snprintf(word, sizeof word, "%s.gp", out->pictures[i].name);
        argv[argc++] = xstrdup(word);
        snprintf(word, sizeof word, "print '" DRAWN_MARK "%s.gp'; reset session",
                 out->pictures[i].name);
        argv[argc++] = xstrdup("-e");
        argv[argc++] = xstrdup(word);
    }
    child *c = &l->proc;
    memset(c, 0, sizeof *c);
    c->log = tmpfile();
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addchdir_np(&actions, plots_dir);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    if (c->log)
        posix_spawn_file_actions_adddup2(&actions, fileno(c->log), 2);
    int rc = posix_spawnp(&c->pid, "gnuplot", &actions, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    for (size_t i = 0; i < argc; i++)
        free(argv[i]);
    free(argv);
    c->running = rc == 0;
    if (rc != 0) {
        c->pid = 0;
        if (c->log)
            fclose(c->log);
        c->log = NULL;
    }
    return rc;
}

/* Is prog an executable file in a directory of PATH? Asked before
 * spawning, because where posix_spawnp runs as fork and exec (under
 * valgrind, in some C libraries) a missing program only shows as a child
 * that exits with status 127, like a failing one. */
static bool on_path(const char *prog)
{
    const char *path = getenv("PATH");
    if (!path)
        path = "/usr/bin:/bin";
    for (const char *p = path;; p++) {
        const char *end = strchr(p, ':');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char file[4096];
        /* an empty entry is the current directory */
        snprintf(file, sizeof file, "%.*s%s%s", (int)len, p, len ? "/" : "", prog);
        struct stat st;
        if (stat(file, &st) == 0 && S_ISREG(st.st_mode) && access(file, X_OK) == 0)
            return true;
        if (!end)
            return false;
        p = end;
    }
}

/* Between two looks at the lanes. The last plot's end waits for the next
 * look, and the report waits for the last plot: short, as a look costs a
 * few system calls and a whole drawing lasts about 0.1 s. */
static void sleep_briefly(void)
{
    struct timespec ts = {0, 2 * 1000 * 1000};
    nanosleep(&ts, NULL);
}

static char *read_log(FILE *log)
{
    char *text = xmalloc(1);
    text[0] = '\0';
    if (!log)
        return text;
    size_t len = 0, cap = 1, n;
    rewind(log);
    char chunk[4096];
    while ((n = fread(chunk, 1, sizeof chunk, log)) > 0) {
        text = xrealloc(text, cap = len + n + 1, 1);
        memcpy(text + len, chunk, n);
        text[len += n] = '\0';
    }
    return text;
}

/* Starts a gnuplot on the lane's plots from l->next on, recording in out
 * why it cannot. */
static void start_lane(plot_drawing *d, plot_output *out, lane *l)
{
    int rc = spawn_gnuplot(d->plots_dir, out, d, l);
    if (rc == ENOENT || rc == EACCES || rc == ENOTDIR) {
        out->outcome = PLOT_NO_GNUPLOT;
        snprintf(out->problem, sizeof out->problem, _("gnuplot not found: plots not drawn"));
    } else if (rc != 0 && out->outcome == PLOT_DRAWN) {
        out->outcome = PLOT_FAILED;
        snprintf(out->problem, sizeof out->problem, _("gnuplot could not be started: %s"),
                 strerror(rc));
    }
}

/* The lane's process has ended (status in l->proc): the plots it printed
 * the line of are done, the next one is where it stopped. Returns true when
 * the lane has plots left. */
static bool settle_lane(plot_drawing *d, const plot_output *out, lane *l)
{
    char *log = read_log(l->proc.log);
    if (l->proc.log)
        fclose(l->proc.log);
    l->proc.log = NULL;
    const char *since = log; /* the complaint of the plot it stopped on */
    for (; l->next < d->n; l->next += d->n_lanes) {
        char mark[128];
        snprintf(mark, sizeof mark, DRAWN_MARK "%s.gp\n", out->pictures[l->next].name);
        const char *at = strstr(since, mark);
        if (!at)
            break;
        d->runs[l->next].tried = true;
        since = at + strlen(mark);
    }
    if (l->next < d->n) {
        plot_run *run = &d->runs[l->next];
        run->tried = true;
        run->status = l->proc.status;
        run->timed_out = l->proc.timed_out;
        run->complaint = xstrdup(since);
        l->next += d->n_lanes;
    }
    free(log);
    return l->next < d->n;
}

/* Drives the lanes to their end: each process that ends is settled and the
 * rest of its lane started again; past the timeout or on a Ctrl-C the
 * running ones are stopped and nothing more is started. */
static void drive(plot_drawing *d, plot_output *out)
{
    for (;;) {
        size_t running = 0;
        bool stop = sim_interrupted || time(NULL) > d->deadline;
        for (size_t i = 0; i < d->n_lanes; i++) {
            lane *l = &d->lanes[i];
            if (!l->proc.running)
                continue;
            pid_t got = waitpid(l->proc.pid, &l->proc.status, WNOHANG);
            if (got == 0 && stop) {
                l->proc.timed_out = !sim_interrupted;
                kill(l->proc.pid, SIGKILL);
                while ((got = waitpid(l->proc.pid, &l->proc.status, 0)) < 0 && errno == EINTR)
                    ;
            }
            if (got == 0 || (got < 0 && errno == EINTR)) {
                running++;
                continue;
            }
            l->proc.running = false;
            if (settle_lane(d, out, l) && !stop && out->outcome != PLOT_NO_GNUPLOT) {
                start_lane(d, out, l);
                running += l->proc.running;
            }
        }
        if (!running)
            return;
        sleep_briefly();
    }
}

static bool nonempty_file(const char *dir, const char *name, const char *ext)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.%s", dir, name, ext);
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;
}

plot_drawing *plot_start(out_dir *dir, plot_output *out)
{
    if (out->outcome != PLOT_DRAWN || out->n_pictures == 0)
        return NULL;
    plot_drawing *d = xcalloc(1, sizeof *d);
    d->dir = dir;
    d->plots_dir = out_path(dir, PLOT_DIR);
    d->n = out->n_pictures;
    d->runs = xcalloc(d->n, sizeof *d->runs);
    size_t lanes = out->lanes ? out->lanes : 1;
    d->n_lanes = lanes < d->n ? lanes : d->n;
    d->lanes = xcalloc(d->n_lanes, sizeof *d->lanes);
    d->deadline = time(NULL) + PLOT_TIMEOUT_SECONDS;
    if (!on_path("gnuplot")) {
        out->outcome = PLOT_NO_GNUPLOT;
        snprintf(out->problem, sizeof out->problem, _("gnuplot not found: plots not drawn"));
    }
    for (size_t i = 0; i < d->n_lanes && out->outcome != PLOT_NO_GNUPLOT; i++) {
        d->lanes[i].first = d->lanes[i].next = i;
        start_lane(d, out, &d->lanes[i]);
    }
    return d;
}

static void drawing_free(plot_drawing *d)
{
    for (size_t i = 0; i < d->n_lanes; i++)
        if (d->lanes[i].proc.log)
            fclose(d->lanes[i].proc.log);
    for (size_t i = 0; i < d->n; i++)
        free(d->runs[i].complaint);
    free(d->runs);
    free(d->lanes);
    free(d->plots_dir);
    free(d);
}

cj_status plot_finish(plot_drawing *d, plot_output *out, cj_err *err)
{
    if (!d)
        return CJ_OK;
    drive(d, out);
    for (size_t i = 0; i < out->n_pictures; i++) {
        plot_picture *pic = &out->pictures[i];
        const plot_run *run = &d->runs[i];
        bool ok = run->tried && WIFEXITED(run->status) && WEXITSTATUS(run->status) == 0 &&
                  (!out->png || nonempty_file(d->plots_dir, pic->name, "png")) &&
                  nonempty_file(d->plots_dir, pic->name, "svg");
        if (ok && out->outcome != PLOT_NO_GNUPLOT) {
            pic->drawn = true;
            char rel[64];
            if (out->png) {
                snprintf(rel, sizeof rel, "%s/%s.png", PLOT_DIR, pic->name);
                out_record(d->dir, rel);
            }
            snprintf(rel, sizeof rel, "%s/%s.svg", PLOT_DIR, pic->name);
            out_record(d->dir, rel);
        } else if (run->tried && out->outcome == PLOT_DRAWN) {
            out->outcome = PLOT_FAILED;
            char script[64];
            snprintf(script, sizeof script, "%s.gp", pic->name);
            describe_failure(run, script, out->problem, sizeof out->problem);
        }
    }
    drawing_free(d);
    if (sim_interrupted)
        return cj_fail(err, CJ_ERR_INTERRUPTED, _("interrupted: no results were written"));
    return CJ_OK;
}

void plot_abandon(plot_drawing *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n_lanes; i++) {
        child *c = &d->lanes[i].proc;
        if (!c->running)
            continue;
        kill(c->pid, SIGKILL);
        while (waitpid(c->pid, &c->status, 0) < 0 && errno == EINTR)
            ;
        c->running = false;
    }
    drawing_free(d);
}

cj_status plot_draw(out_dir *dir, plot_output *out, cj_err *err)
{
    return plot_finish(plot_start(dir, out), out, err);
}

void plot_warning(FILE *f, const plot_output *out, const char *results_dir)
{
    if (out->outcome == PLOT_DRAWN)
        return;
    fprintf(f, "cjmsim: %s", out->problem);
    if (out->outcome == PLOT_FAILED) {
        /* Every missing picture by name: one failure is not the only one. */
        const char *sep = "; not drawn: ";
        for (size_t i = 0; i < out->n_pictures; i++)
            if (!out->pictures[i].drawn) {
                fprintf(f, "%s%s", sep, out->pictures[i].name);
                sep = ", ";
            }
    }
    if (out->outcome != PLOT_NOT_WRITTEN) {
        char *dir = xmalloc(strlen(results_dir) + sizeof "/" PLOT_DIR);
        sprintf(dir, "%s/%s", results_dir, PLOT_DIR);
        fputs(out->outcome == PLOT_NO_GNUPLOT ? "; draw them later with: cd "
                                              : "; the data and scripts are in ",
              f);
        fmt_shell_word(f, dir);
        if (out->outcome == PLOT_NO_GNUPLOT)
            fputs(" && gnuplot plots.gp", f);
        free(dir);
    }
    fputc('\n', f);
}

void plot_output_free(plot_output *out)
{
    free(out->pictures);
    memset(out, 0, sizeof *out);
}

cj_status plot_write_extra(out_dir *dir, const rn_run *run, const plot_extra *plots, size_t n_plots,
                           const void *arg, const char *const *vars, size_t n_vars,
                           plot_output *out, cj_err *err)
{
    memset(out, 0, sizeof *out);
    out->outcome = PLOT_DRAWN;
    out->lanes = run_lanes(run);
    out->png = run_png(run);
    char *style = load_look(out);
    char **tmpl = xcalloc(n_plots, sizeof *tmpl);
    for (size_t i = 0; i < n_plots && out->outcome == PLOT_DRAWN; i++)
        tmpl[i] = load_template(plots[i].name, out);
    if (out->outcome == PLOT_DRAWN)
        make_plot_dir(dir, err);
    for (size_t i = 0; i < n_plots && out->outcome == PLOT_DRAWN && err->status == CJ_OK; i++) {
        char rel[64];
        snprintf(rel, sizeof rel, "%s/%s.dat", PLOT_DIR, plots[i].name);
        FILE *f = out_open(dir, rel, err);
        if (!f)
            break;
        plots[i].data(f, arg);
        if (out_close(dir, f, rel, err) != CJ_OK)
            break;
        snprintf(rel, sizeof rel, "%s/%s.gp", PLOT_DIR, plots[i].name);
        if (!(f = out_open(dir, rel, err)))
            break;
        write_preamble(f, run, plots[i].name);
        for (size_t v = 0; v < n_vars; v++)
            put_string(f, vars[2 * v], vars[2 * v + 1]);
        fprintf(f, "\n# ---- plots/palette.gp\n%s\n# ---- plots/%s.gp\n%s", style, plots[i].name,
                tmpl[i]);
        if (out_close(dir, f, rel, err) != CJ_OK)
            break;
        plot_picture *pic = xgrow(&out->pictures, &out->n_pictures, sizeof *pic);
        pic->name = plots[i].name;
        pic->caption = _(plots[i].caption);
    }
    if (out->outcome == PLOT_DRAWN && err->status == CJ_OK)
        write_all_script(dir, out, err);
    for (size_t i = 0; i < n_plots; i++)
        free(tmpl[i]);
    free(tmpl);
    free(style);
    return err->status;
}
