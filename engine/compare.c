#include "compare.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "i18n.h"
#include "outdir.h"
#include "report.h"
#include "run.h"
#include "textwidth.h"
#include "util.h"

/* One side of the comparison: a results directory and its summary. */
typedef struct {
    char *dir;
    char *summary; /* dir/summary.json */
    json_t *root;
    const char *scenario;
} side;

typedef enum {
    ROW_SHARE,        /* a share of customers from counts: binomial precision */
    ROW_UPLIFT,       /* points of uplift with a 95% interval */
    ROW_MONEY,        /* a total: no precision in the summary */
    ROW_MONEY_UPLIFT, /* money per customer with a 95% interval */
} row_kind;

typedef struct {
    char label[256];
    char key[256]; /* the summary's name for it, e.g. reached.awareness */
    row_kind kind;
    bool has[2];
    double value[2];
    double se[2];
} row;

typedef enum { PREC_NONE, PREC_WITHIN, PREC_BEYOND } precision;

static const char WITHIN[] = N_("within the simulation's precision");
static const char BEYOND[] = N_("beyond the simulation's precision");

/* A name for the file name of the default output: the last path component
 * without ".lua" and without trailing slashes. */
static char *base_name(const char *path)
{
    size_t len = strlen(path);
    while (len > 1 && path[len - 1] == '/')
        len--;
    size_t start = len;
    while (start > 0 && path[start - 1] != '/')
        start--;
    size_t n = len - start;
    if (n > 4 && strncmp(path + start + n - 4, ".lua", 4) == 0)
        n -= 4;
    char *out = xmalloc(n + 1);
    memcpy(out, path + start, n);
    out[n] = '\0';
    if (strcmp(out, ".") == 0 || strcmp(out, "..") == 0 || n == 0) {
        free(out);
        out = xstrdup("results");
    }
    return out;
}

static bool is_scenario(const char *arg)
{
    size_t len = strlen(arg);
    return len > 4 && strcmp(arg + len - 4, ".lua") == 0;
}

static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *out = xmalloc(n);
    snprintf(out, n, "%s/%s", dir, name);
    return out;
}

/* A scenario is run first, into results/<file name> as `run` would, so that
 * what is compared stays on disk to look at. */
static cj_status run_scenario(const cli_options *opts, const char *scenario, char **dir,
                              cj_err *err)
{
    char *name = base_name(scenario);
    *dir = join("results", name);
    free(name);
    cli_options run = {0};
    run.command = CLI_RUN;
    run.scenario = scenario;
    run.out = *dir;
    run.quiet = true;
    run.threads = opts->threads;
    /* The command line the manifest records: one that makes the same run. */
    char prog[] = "cjmsim", cmd[] = "run", out[] = "--out", quiet[] = "--quiet";
    char *path = xstrdup(scenario);
    char *argv[] = {prog, cmd, path, out, *dir, quiet, NULL};
    if (!opts->quiet)
        fprintf(stderr, _("cjmsim: running %s into %s/\n"), scenario, *dir);
    run_command(&run, 6, argv, err);
    free(path);
    return err->status;
}

/* Reads and checks dir/summary.json: exit 4 naming the file when it is
 * missing, not JSON, or not a cjmsim summary. */
static cj_status load_side(side *s, cj_err *err)
{
    s->summary = join(s->dir, "summary.json");
    FILE *f = fopen(s->summary, "rb");
    if (!f)
        return cj_fail(err, CJ_ERR_OUTPUT,
                       _("%s: cannot read it: %s (is '%s' a results directory?)"), s->summary,
                       strerror(errno), s->dir);
    json_error_t jerr;
    s->root = json_loadf(f, 0, &jerr);
    fclose(f);
    if (!s->root)
        return cj_fail(err, CJ_ERR_OUTPUT, _("%s:%d: not valid JSON: %s"), s->summary, jerr.line,
                       jerr.text);
    const json_t *variants = json_object_get(s->root, "variants");
    const json_t *stages = json_object_get(s->root, "stages");
    if (!json_is_object(s->root) || !json_is_array(variants) || !json_is_array(stages) ||
        json_array_size(variants) == 0)
        return cj_fail(err, CJ_ERR_OUTPUT,
                       _("%s: not a cjmsim summary (it needs \"stages\" and \"variants\" lists)"),
                       s->summary);
    size_t i;
    const json_t *v;
    json_array_foreach(variants, i, v)
    {
        if (!json_is_string(json_object_get(v, "name")) ||
            json_number_value(json_object_get(v, "customers")) <= 0 ||
            !json_is_object(json_object_get(v, "reached")))
            return cj_fail(err, CJ_ERR_OUTPUT,
                           _("%s: variant %zu is not a cjmsim variant (it needs \"name\", "
                             "\"customers\" and \"reached\")"),
                           s->summary, i + 1);
    }
    s->scenario = json_string_value(json_object_get(s->root, "scenario"));
    if (!s->scenario)
        s->scenario = s->dir;
    return CJ_OK;
}

static const json_t *find_variant(const side *s, const char *name)
{
    size_t i;
    const json_t *v;
    json_array_foreach(json_object_get(s->root, "variants"), i, v)
    {
        if (strcmp(json_string_value(json_object_get(v, "name")), name) == 0)
            return v;
    }
    return NULL;
}

/* Names in A's order, then B's that A lacks. */
static size_t union_names(const json_t *a, const json_t *b, const char *field, const char ***names)
{
    size_t n = 0;
    *names = NULL;
    const json_t *lists[2] = {a, b};
    for (int k = 0; k < 2; k++) {
        size_t i;
        const json_t *item;
        json_array_foreach(lists[k], i, item)
        {
            const char *name =
                field ? json_string_value(json_object_get(item, field)) : json_string_value(item);
            if (!name)
                continue;
            bool seen = false;
            for (size_t j = 0; j < n && !seen; j++)
                seen = strcmp((*names)[j], name) == 0;
            if (!seen) {
                const char **slot = xgrow(names, &n, sizeof **names);
                *slot = name;
            }
        }
    }
    return n;
}

static row *add_row(row **rows, size_t *n, row_kind kind, const char *key, const char *label)
{
    row *r = xgrow(rows, n, sizeof **rows);
    r->kind = kind;
    snprintf(r->key, sizeof r->key, "%s", key);
    snprintf(r->label, sizeof r->label, "%s", label);
    return r;
}

/* A share count/customers and its binomial standard error. */
static void share(row *r, int k, const json_t *v, const json_t *count)
{
    if (!json_is_number(count))
        return;
    double n = json_number_value(json_object_get(v, "customers"));
    double p = json_number_value(count) / n;
    r->has[k] = true;
    r->value[k] = p;
    r->se[k] = sqrt(p * (1 - p) / n);
}

/* An uplift's difference and the standard error its 95% interval implies. */
static void uplift(row *r, int k, const json_t *v, const char *metric)
{
    const json_t *u = json_object_get(json_object_get(v, "uplift"), metric);
    const json_t *ci = json_object_get(u, "ci95");
    if (!json_is_number(json_object_get(u, "diff")) || json_array_size(ci) != 2)
        return;
    r->has[k] = true;
    r->value[k] = json_number_value(json_object_get(u, "diff"));
    double half =
        (json_number_value(json_array_get(ci, 1)) - json_number_value(json_array_get(ci, 0))) / 2;
    r->se[k] = fabs(half) / 1.96;
}

static void money(row *r, int k, const json_t *v, const char *field)
{
    const json_t *x = json_object_get(v, field);
    if (!json_is_number(x))
        return;
    r->has[k] = true;
    r->value[k] = json_number_value(x);
}

/* The rows of one variant, from whichever sides have it. */
static size_t variant_rows(const side s[2], const char *name, const char **stages, size_t n_stages,
                           row **rows)
{
    size_t n = 0;
    *rows = NULL;
    const json_t *v[2] = {find_variant(&s[0], name), find_variant(&s[1], name)};
    char key[256], label[256];
    for (size_t st = 0; st < n_stages; st++) {
        snprintf(key, sizeof key, "reached.%s", stages[st]);
        /* TRANSLATORS: a row of cjmsim compare: the share who reached stage %s */
        snprintf(label, sizeof label, _("reached %s"), stages[st]);
        row *r = add_row(rows, &n, ROW_SHARE, key, label);
        for (int k = 0; k < 2; k++)
            if (v[k])
                share(r, k, v[k], json_object_get(json_object_get(v[k], "reached"), stages[st]));
    }
    static const struct {
        row_kind kind;
        const char *key, *field, *label;
    } ROWS[] = {
        {ROW_SHARE, "buyers", "buyers", N_("buyers")},
        {ROW_SHARE, "repeat_buyers", "repeat_buyers", N_("repeat buyers")},
        {ROW_UPLIFT, "uplift.repeat_buyers", "repeat_buyers", N_("uplift of repeat buyers")},
        {ROW_UPLIFT, "uplift.buyers", "buyers", N_("uplift of buyers")},
        {ROW_MONEY, "revenue", "revenue", N_("revenue")},
        {ROW_MONEY, "cost", "cost", N_("cost")},
        {ROW_MONEY, "profit", "profit", N_("profit")},
        {ROW_MONEY, "incremental_profit", "incremental_profit", N_("profit vs baseline")},
        {ROW_MONEY_UPLIFT, "uplift.profit", "profit", N_("profit vs baseline per customer")},
    };
    for (size_t i = 0; i < sizeof ROWS / sizeof ROWS[0]; i++) {
        row *r = add_row(rows, &n, ROWS[i].kind, ROWS[i].key, _(ROWS[i].label));
        for (int k = 0; k < 2; k++) {
            if (!v[k])
                continue;
            switch (ROWS[i].kind) {
            case ROW_SHARE:
                share(r, k, v[k], json_object_get(v[k], ROWS[i].field));
                break;
            case ROW_UPLIFT:
            case ROW_MONEY_UPLIFT:
                uplift(r, k, v[k], ROWS[i].field);
                break;
            case ROW_MONEY:
                money(r, k, v[k], ROWS[i].field);
                break;
            }
        }
    }
    return n;
}

/* B - A against the precision of two independent runs: their standard errors
 * add in squares; beyond it when the difference exceeds 1.96 of them. */
static precision judge(const row *r, double *diff)
{
    if (!r->has[0] || !r->has[1])
        return PREC_NONE;
    *diff = r->value[1] - r->value[0];
    if (r->kind == ROW_MONEY)
        return PREC_NONE;
    double se = sqrt(r->se[0] * r->se[0] + r->se[1] * r->se[1]);
    if (se == 0)
        return *diff == 0 ? PREC_WITHIN : PREC_BEYOND;
    return fabs(*diff) > 1.96 * se ? PREC_BEYOND : PREC_WITHIN;
}

/* A value as people read it: shares in %, uplifts in points, money grouped. */
static const char *show(char *buf, int size, const row *r, double x, bool signed_)
{
    switch (r->kind) {
    case ROW_SHARE:
        if (signed_)
            fmt_snprintf(buf, (size_t)size, _("%+.2f pts"), x * 100);
        else
            fmt_snprintf(buf, (size_t)size, "%.2f%%", x * 100);
        break;
    case ROW_UPLIFT:
        fmt_snprintf(buf, (size_t)size, _("%+.2f pts"), x * 100);
        break;
    case ROW_MONEY_UPLIFT:
        fmt_snprintf(buf, (size_t)size, "%+.2f", x);
        break;
    case ROW_MONEY: {
        char g[64];
        fmt_grouped(g, sizeof g, fabs(x));
        snprintf(buf, (size_t)size, "%s%.60s", signed_ ? (x < 0 ? "-" : "+") : (x < 0 ? "-" : ""),
                 g);
        break;
    }
    }
    return buf;
}

typedef struct {
    size_t within, beyond;
} tally;

static void print_side_line(FILE *f, const char *letter, const side *s)
{
    fmt_printf(f, _("  %s: %s (%s/, %.0f customers, seed %.0f)\n"), letter, s->scenario, s->dir,
               json_number_value(json_object_get(s->root, "customers")),
               json_number_value(json_object_get(s->root, "seed")));
}

/* Prints one variant's rows on f (NULL: prints nothing) and counts them. */
static void print_variant(FILE *f, const char *name, const row *rows, size_t n, tally *t)
{
    if (f) {
        fmt_printf(f, _("\nVariant %s\n"), name);
        fprintf(f, "  %-34s %14s %14s %14s  %s\n", "", "A", "B", "B - A", "");
    }
    for (size_t i = 0; i < n; i++) {
        const row *r = &rows[i];
        char a[64] = "—", b[64] = "—", d[64] = "—";
        double diff = 0;
        precision p = judge(r, &diff);
        if (r->has[0])
            show(a, (int)sizeof a, r, r->value[0], r->kind == ROW_UPLIFT);
        if (r->has[1])
            show(b, (int)sizeof b, r, r->value[1], r->kind == ROW_UPLIFT);
        if (r->has[0] && r->has[1])
            show(d, (int)sizeof d, r, diff, true);
        if (!r->has[0] && !r->has[1])
            continue;
        /* "—" is three bytes and one column wide. */
        if (f)
            fmt_printf(f, "  %-*s %*s %*s %*s  %s\n", tw_field(r->label, 34), r->label,
                       tw_field(a, 14), a, tw_field(b, 14), b, tw_field(d, 14), d,
                       p == PREC_WITHIN   ? _(WITHIN)
                       : p == PREC_BEYOND ? _(BEYOND)
                                          : "");
        if (p == PREC_WITHIN)
            t->within++;
        else if (p == PREC_BEYOND)
            t->beyond++;
    }
}

static const char HTML_STYLE[] =
    "body{font:15px/1.45 'DejaVu Sans',Arial,sans-serif;color:#1f2328;margin:28px auto;"
    "padding:0 24px;max-width:1200px}\n"
    "h1{font-size:26px;margin:0 0 6px}h2{font-size:19px;margin:28px 0 8px;"
    "border-bottom:2px solid #0072B2}\n"
    "table{border-collapse:collapse;width:100%}th,td{border:1px solid #d8dee4;padding:4px 8px;"
    "text-align:right}th{background:#f6f8fa}td.l,th.l{text-align:left}\n"
    "table{table-layout:fixed}tr>:first-child{width:30%}tr>:last-child{width:28%}\n"
    "td.beyond{color:#c62828;font-weight:600}td.within{color:#5f6b76}\n"
    ".muted{color:#5f6b76}\n"
    "@media print{body{margin:0;padding:0;font-size:11px;max-width:none}"
    "h2{break-after:avoid}tr{break-inside:avoid}th{background:none}"
    "@page{size:A4;margin:12mm}}\n";

static void html_number(FILE *f, const row *r, int k)
{
    const char *letter = k ? "b" : "a";
    if (!r->has[k]) {
        fprintf(f, "<td class=\"%s\" data-side=\"%s\">—</td>", letter, letter);
        return;
    }
    char buf[64];
    const char *text = show(buf, (int)sizeof buf, r, r->value[k], r->kind == ROW_UPLIFT);
    fprintf(f, "<td class=\"%s\" data-side=\"%s\" data-value=\"%.17g\">%s</td>", letter, letter,
            r->value[k], text);
}

static void html_variant(FILE *f, const char *name, const row *rows, size_t n)
{
    fputs("<section class=\"variant\" data-variant=\"", f);
    report_escape(f, name);
    fputs("\">\n<h2>", f);
    report_escape(f, name);
    fputs("</h2>\n<table>\n<thead><tr><th class=\"l\"></th><th>A</th><th>B</th><th>B − A</th>"
          "<th class=\"l\">",
          f);
    fputs(_("precision"), f);
    fputs("</th></tr></thead>\n<tbody>\n", f);
    for (size_t i = 0; i < n; i++) {
        const row *r = &rows[i];
        if (!r->has[0] && !r->has[1])
            continue;
        double diff = 0;
        precision p = judge(r, &diff);
        fputs("<tr data-key=\"", f);
        report_escape(f, r->key);
        fputs("\"><td class=\"l\">", f);
        report_escape(f, r->label);
        fputs("</td>", f);
        html_number(f, r, 0);
        html_number(f, r, 1);
        char buf[64];
        if (r->has[0] && r->has[1])
            fprintf(f, "<td class=\"diff\" data-value=\"%.17g\">%s</td>", diff,
                    show(buf, (int)sizeof buf, r, diff, true));
        else
            fputs("<td class=\"diff\">—</td>", f);
        fprintf(f, "<td class=\"l %s\">%s</td></tr>\n",
                p == PREC_WITHIN   ? "within"
                : p == PREC_BEYOND ? "beyond"
                                   : "none",
                p == PREC_WITHIN   ? _(WITHIN)
                : p == PREC_BEYOND ? _(BEYOND)
                                   : "");
    }
    fputs("</tbody>\n</table>\n</section>\n", f);
}

static void html_side(FILE *f, const char *letter, const side *s)
{
    fprintf(f, "<li><b>%s</b>: ", letter);
    report_escape(f, s->scenario);
    fputs(" — <code>", f);
    report_escape(f, s->dir);
    fmt_printf(f, _("</code>, %.0f customers, seed %.0f</li>\n"),
               json_number_value(json_object_get(s->root, "customers")),
               json_number_value(json_object_get(s->root, "seed")));
}

static cj_status write_html(out_dir *dir, const side s[2], const char **variants, size_t n_variants,
                            const char **stages, size_t n_stages, const tally *t, cj_err *err)
{
    FILE *f = out_open(dir, COMPARE_FILE, err);
    if (!f)
        return err->status;
    fprintf(f,
            "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<title>%s</title>\n<style>\n",
            i18n_code(), _("Comparison"));
    fputs(HTML_STYLE, f);
    fprintf(f, "</style>\n</head>\n<body>\n<h1>%s</h1>\n<ul>\n", _("Two results side by side"));
    html_side(f, "A", &s[0]);
    html_side(f, "B", &s[1]);
    fmt_printf(f,
               _("</ul>\n<p class=\"muted\">Shares are of all customers of the variant. A "
                 "difference is beyond the simulation's precision when it exceeds 1.96 standard "
                 "errors of the difference of two independent runs; within it, it may be chance. "
                 "<span class=\"tally\" data-within=\"%zu\" data-beyond=\"%zu\">%zu "
                 "differences within, %zu beyond.</span></p>\n"),
               t->within, t->beyond, t->within, t->beyond);
    for (size_t i = 0; i < n_variants; i++) {
        row *rows;
        size_t n = variant_rows(s, variants[i], stages, n_stages, &rows);
        html_variant(f, variants[i], rows, n);
        free(rows);
    }
    fputs("</body>\n</html>\n", f);
    return out_close(dir, f, COMPARE_FILE, err);
}

static cj_status write_manifest(out_dir *dir, const side s[2], int argc, char **argv, cj_err *err)
{
    /* Paths need not be UTF-8; JSON strings must be. */
    char *a = utf8_sanitized(s[0].dir), *b = utf8_sanitized(s[1].dir);
    json_t *root = json_pack("{sssssss[ss]}", "program", "cjmsim", "version", CJMSIM_VERSION,
                             "command", "compare", "compared", a, b);
    free(a);
    free(b);
    json_t *cmd = json_array();
    for (int i = 0; i < argc; i++) {
        char *arg = utf8_sanitized(argv[i]);
        json_array_append_new(cmd, json_string(arg));
        free(arg);
    }
    json_object_set_new(root, "command_line", cmd);
    out_record(dir, "manifest.json"); /* it lists itself */
    json_t *files = json_array();
    for (size_t i = 0; i < dir->n_files; i++)
        json_array_append_new(files, json_string(dir->files[i]));
    json_object_set_new(root, "files", files);
    FILE *f = out_open(dir, "manifest.json", err);
    if (f) {
        json_dumpf(root, f, JSON_INDENT(2));
        fputc('\n', f);
        out_close(dir, f, "manifest.json", err);
    }
    json_decref(root);
    return err->status;
}

static char *default_out(const side s[2])
{
    char *a = base_name(s[0].dir), *b = base_name(s[1].dir);
    size_t n = strlen(a) + strlen(b) + sizeof "results/compare--";
    char *out = xmalloc(n);
    snprintf(out, n, "results/compare-%s-%s", a, b);
    free(a);
    free(b);
    return out;
}

cj_status compare_command(const cli_options *opts, int argc, char **argv, cj_err *err)
{
    side s[2] = {{0}, {0}};
    const char *args[2] = {opts->compare_a, opts->compare_b};
    if (is_scenario(args[0]) && is_scenario(args[1])) {
        char *a = base_name(args[0]), *b = base_name(args[1]);
        bool same = strcmp(a, b) == 0;
        free(a);
        free(b);
        if (same)
            return cj_fail(err, CJ_ERR_USAGE,
                           _("'%s' and '%s' would both run into the same results directory; "
                             "run them with cjmsim run --out and compare the directories"),
                           args[0], args[1]);
    }
    for (int k = 0; k < 2 && err->status == CJ_OK; k++) {
        if (is_scenario(args[k]))
            run_scenario(opts, args[k], &s[k].dir, err);
        else {
            s[k].dir = xstrdup(args[k]);
            size_t len = strlen(s[k].dir); /* results/a/ reads as results/a */
            while (len > 1 && s[k].dir[len - 1] == '/')
                s[k].dir[--len] = '\0';
        }
        if (err->status == CJ_OK)
            load_side(&s[k], err);
    }
    char *out_path = NULL;
    out_dir dir = {0};
    if (err->status == CJ_OK) {
        const char **variants, **stages;
        size_t n_variants = union_names(json_object_get(s[0].root, "variants"),
                                        json_object_get(s[1].root, "variants"), "name", &variants);
        size_t n_stages = union_names(json_object_get(s[0].root, "stages"),
                                      json_object_get(s[1].root, "stages"), NULL, &stages);
        tally t = {0, 0};
        if (!opts->quiet) {
            fmt_printf(stdout,
                       _("Comparing two results (B - A; shares of all customers, uplifts in "
                         "points)\n"));
            print_side_line(stdout, "A", &s[0]);
            print_side_line(stdout, "B", &s[1]);
        }
        FILE *sink = opts->quiet ? NULL : stdout;
        for (size_t i = 0; i < n_variants; i++) {
            row *rows;
            size_t n = variant_rows(s, variants[i], stages, n_stages, &rows);
            print_variant(sink, variants[i], rows, n, &t);
            free(rows);
        }
        out_path = opts->out ? xstrdup(opts->out) : default_out(s);
        const char *reads[] = {s[0].summary, s[1].summary};
        if (out_begin_reading(&dir, out_path, reads, 2, err) == CJ_OK &&
            write_html(&dir, s, variants, n_variants, stages, n_stages, &t, err) == CJ_OK &&
            write_manifest(&dir, s, argc, argv, err) == CJ_OK && out_commit(&dir, err) == CJ_OK &&
            !opts->quiet)
            fmt_printf(stdout,
                       _("\n%zu differences within the simulation's precision, %zu beyond it.\n"
                         "Side by side: %s/%s\n"),
                       t.within, t.beyond, out_path, COMPARE_FILE);
        out_abort(&dir);
        free(variants);
        free(stages);
    }
    free(out_path);
    for (int k = 0; k < 2; k++) {
        free(s[k].dir);
        free(s[k].summary);
        json_decref(s[k].root);
    }
    return err->status;
}
