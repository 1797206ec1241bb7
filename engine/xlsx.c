#include "xlsx.h"

#include <ctype.h>
#include <jansson.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <xlsxwriter.h>

#include "i18n.h"
#include "textwidth.h"
#include "util.h"

/* ---- reading the files the run wrote ---------------------------------- */

typedef struct {
    char **field;
    size_t n;
} csv_row;

typedef struct {
    csv_row *rows;
    size_t n_rows, n_cols;
} csv_table;

static void push_char(char **buf, size_t *len, size_t *cap, char c)
{
    if (*len + 2 > *cap)
        *buf = xrealloc(*buf, *cap = *cap * 2 + 16, 1);
    (*buf)[(*len)++] = c;
    (*buf)[*len] = '\0';
}

/* RFC 4180, as results_csv.c writes it: fields quoted when they hold a
 * comma, a quote or a line break, quotes doubled. */
static void csv_parse(const char *p, csv_table *t)
{
    while (*p) {
        csv_row row = {0};
        for (;;) {
            size_t len = 0, cap = 16;
            char *field = xmalloc(cap);
            field[0] = '\0';
            if (*p == '"') {
                for (p++; *p; p++) {
                    if (*p == '"' && p[1] != '"') {
                        p++;
                        break;
                    }
                    if (*p == '"')
                        p++;
                    push_char(&field, &len, &cap, *p);
                }
            }
            for (; *p && *p != ',' && *p != '\n' && *p != '\r'; p++)
                push_char(&field, &len, &cap, *p);
            *(char **)xgrow(&row.field, &row.n, sizeof *row.field) = field;
            if (*p != ',')
                break;
            p++;
        }
        if (*p == '\r')
            p++;
        if (*p == '\n')
            p++;
        if (row.n > t->n_cols)
            t->n_cols = row.n;
        *(csv_row *)xgrow(&t->rows, &t->n_rows, sizeof *t->rows) = row;
    }
}

static void csv_free(csv_table *t)
{
    for (size_t r = 0; r < t->n_rows; r++) {
        for (size_t c = 0; c < t->rows[r].n; c++)
            free(t->rows[r].field[c]);
        free(t->rows[r].field);
    }
    free(t->rows);
}

static const char *csv_cell(const csv_table *t, size_t r, size_t c)
{
    return c < t->rows[r].n ? t->rows[r].field[c] : "";
}

/* The C locale, made once, for reading numbers with a '.' whatever the
 * program's own locale says. */
static locale_t c_locale = (locale_t)0;
static pthread_once_t c_once = PTHREAD_ONCE_INIT;

static void free_c_locale(void)
{
    freelocale(c_locale);
}

static void make_c_locale(void)
{
    c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    if (c_locale)
        atexit(free_c_locale); /* every allocation returned, for leak checkers */
}

/* A whole field that is a decimal number as the CSV writers print it
 * ("12", "-0.25", "1e-07"); nothing else ("inf", "0x1F", " 3") is one. */
static bool parse_number(const char *s, double *x)
{
    const unsigned char *p = (const unsigned char *)s;
    if (*p == '-')
        p++;
    if (!isdigit(*p))
        return false;
    while (isdigit(*p))
        p++;
    if (*p == '.') {
        p++;
        if (!isdigit(*p))
            return false;
        while (isdigit(*p))
            p++;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!isdigit(*p))
            return false;
        while (isdigit(*p))
            p++;
    }
    if (*p)
        return false;
    pthread_once(&c_once, make_c_locale);
    locale_t old = c_locale ? uselocale(c_locale) : (locale_t)0;
    *x = strtod(s, NULL);
    if (c_locale)
        uselocale(old);
    return isfinite(*x);
}

/* ---- what a column holds ---------------------------------------------- */

/* KIND_ID: a whole number that is a name, not a quantity (the seed). */
typedef enum {
    KIND_TEXT,
    KIND_NUMBER,
    KIND_COUNT,
    KIND_ID,
    KIND_SHARE,
    KIND_MONEY,
    KIND_MOOD
} xl_kind;

static bool word_in(const char *name, const char *const *words)
{
    for (; *words; words++)
        if (strstr(name, *words))
            return true;
    return false;
}

/* What a column or a summary figure holds, from its name as the CSV
 * header or summary.json key says it (README.md documents them). */
static xl_kind kind_of(const char *name)
{
    static const char *const NAMES[] = {"variant",    "persona", "stage",  "from",   "to",
                                        "from_stage", "name",    "metric", "effect", NULL};
    static const char *const MONEY[] = {"revenue", "cost", "profit", "value", NULL};
    static const char *const SHARES[] = {"share", "conversion", "rate", "roi", "margin", NULL};
    for (const char *const *n = NAMES; *n; n++)
        if (strcmp(name, *n) == 0)
            return KIND_TEXT;
    if (strcmp(name, "seed") == 0)
        return KIND_ID;
    if (word_in(name, MONEY))
        return KIND_MONEY;
    if (word_in(name, SHARES))
        return KIND_SHARE;
    if (strstr(name, "mood"))
        return KIND_MOOD;
    return KIND_NUMBER;
}

/* Spreadsheet formats, one per kind: counts grouped, shares as
 * percentages, money with two decimals, moods signed. */
typedef struct {
    lxw_format *header, *kind[KIND_MOOD + 1];
} xl_formats;

static void make_formats(lxw_workbook *wb, xl_formats *fmt)
{
    static const char *const CODES[KIND_MOOD + 1] = {
        [KIND_COUNT] = "#,##0",           [KIND_ID] = "0",
        [KIND_SHARE] = "0.00%",           [KIND_MONEY] = "#,##0.00",
        [KIND_MOOD] = "+0.00;-0.00;0.00",
    };
    fmt->header = workbook_add_format(wb);
    format_set_bold(fmt->header);
    for (int k = 0; k <= KIND_MOOD; k++) {
        fmt->kind[k] = NULL;
        if (CODES[k]) {
            fmt->kind[k] = workbook_add_format(wb);
            format_set_num_format(fmt->kind[k], CODES[k]);
        }
    }
}

/* ---- writing cells ---------------------------------------------------- */

/* The first error wins; later writes are skipped. */
typedef struct {
    lxw_error error;
} xl_status;

/* Always a string cell, never a formula, whatever the text starts with. */
static void put_text(xl_status *st, lxw_worksheet *ws, size_t r, size_t c, const char *s,
                     lxw_format *fmt)
{
    if (st->error != LXW_NO_ERROR || !s[0])
        return;
    char *clean = utf8_sanitized(s);
    st->error = worksheet_write_string(ws, (lxw_row_t)r, (lxw_col_t)c, clean, fmt);
    free(clean);
}

static void put_number(xl_status *st, lxw_worksheet *ws, size_t r, size_t c, double x,
                       lxw_format *fmt)
{
    if (st->error == LXW_NO_ERROR)
        st->error = worksheet_write_number(ws, (lxw_row_t)r, (lxw_col_t)c, x, fmt);
}

/* Column widths in characters, from the widest text people will see. */
static void widen(double *width, const char *s, double extra)
{
    double w = (double)tw_width(s) + extra;
    if (w > *width)
        *width = w > 60 ? 60 : w;
}

/* ---- a sheet per CSV file --------------------------------------------- */

static void csv_sheet(xl_status *st, lxw_workbook *wb, const xl_formats *fmt, const char *sheet,
                      const csv_table *t)
{
    lxw_worksheet *ws = workbook_add_worksheet(wb, sheet);
    if (!ws) {
        st->error = LXW_ERROR_PARAMETER_VALIDATION;
        return;
    }
    size_t nc = t->n_cols, nr = t->n_rows;
    /* A sheet holds LXW_ROW_MAX rows: a longer file is cut, with a note. */
    bool cut = nr > LXW_ROW_MAX;
    if (cut)
        nr = LXW_ROW_MAX - 1;
    xl_kind *kind = xcalloc(nc ? nc : 1, sizeof *kind);
    double *width = xcalloc(nc ? nc : 1, sizeof *width);
    for (size_t c = 0; c < nc; c++) {
        const char *name = nr ? csv_cell(t, 0, c) : "";
        kind[c] = kind_of(name);
        widen(&width[c], name, 4); /* room for the filter button */
        bool integral = true;
        for (size_t r = 1; r < nr && kind[c] != KIND_TEXT; r++) {
            const char *s = csv_cell(t, r, c);
            double x;
            if (!s[0])
                continue;
            if (!parse_number(s, &x))
                kind[c] = KIND_TEXT;
            else if (strpbrk(s, ".eE"))
                integral = false;
        }
        if (kind[c] == KIND_NUMBER && integral)
            kind[c] = KIND_COUNT;
        for (size_t r = 1; r < nr; r++)
            widen(&width[c], csv_cell(t, r, c), kind[c] == KIND_TEXT ? 1 : 4);
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, width[c] < 8 ? 8 : width[c], NULL);
    }
    for (size_t r = 0; r < nr; r++)
        for (size_t c = 0; c < nc; c++) {
            const char *s = csv_cell(t, r, c);
            double x;
            if (r > 0 && kind[c] != KIND_TEXT && parse_number(s, &x))
                put_number(st, ws, r, c, x, fmt->kind[kind[c]]);
            else
                put_text(st, ws, r, c, s, r == 0 ? fmt->header : NULL);
        }
    if (cut) {
        char note[128];
        snprintf(note, sizeof note, "... cut here: the CSV file has all %zu rows", t->n_rows - 1);
        put_text(st, ws, nr, 0, note, NULL);
    }
    if (nr > 0 && nc > 0) {
        worksheet_freeze_panes(ws, 1, 0);
        worksheet_autofilter(ws, 0, 0, (lxw_row_t)(nr - 1), (lxw_col_t)(nc - 1));
    }
    free(kind);
    free(width);
}

/* The CSV files of the directory, in the order the README lists them, then
 * any other in name order. */
static int csv_rank(const char *name)
{
    static const char *const ORDER[] = {"funnel.csv", "transitions.csv", "daily.csv"};
    for (int i = 0; i < 3; i++)
        if (strcmp(name, ORDER[i]) == 0)
            return i;
    return 3;
}

static int csv_order(const void *a, const void *b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    int rx = csv_rank(x), ry = csv_rank(y);
    return rx != ry ? rx - ry : strcmp(x, y);
}

/* The CSV files recorded in the directory (not in a folder of it). */
static char **csv_files(const out_dir *dir, size_t *n)
{
    char **names = NULL;
    *n = 0;
    for (size_t i = 0; i < dir->n_files; i++) {
        const char *name = dir->files[i];
        size_t len = strlen(name);
        if (len > 4 && strcmp(name + len - 4, ".csv") == 0 && !strchr(name, '/'))
            *(char **)xgrow(&names, n, sizeof *names) = xstrdup(name);
    }
    if (*n)
        qsort(names, *n, sizeof *names, csv_order);
    return names;
}

/* "funnel.csv" -> "funnel": what Excel allows in a sheet's name. */
static void sheet_name(char *buf, size_t size, const char *file)
{
    size_t len = strlen(file) - 4, o = 0;
    for (size_t i = 0; i < len && o + 1 < size && o < 31; i++)
        buf[o++] = strchr("[]:*?/\\'", file[i]) ? '_' : file[i];
    buf[o] = '\0';
    if (strcmp(buf, "summary") == 0)
        snprintf(buf, size, "summary.csv");
}

/* ---- the summary sheet ------------------------------------------------ */

/* A variant's figures as (name, value) pairs: "buyers", "uplift.buyers.diff",
 * "verdict.effect"... The per-stage and per-persona tables are left to the
 * CSV sheets. */
typedef struct {
    char *name;
    json_t *value;
} figure;

typedef struct {
    figure *items;
    size_t n;
} figures;

static void add_figure(figures *f, const char *name, json_t *value)
{
    figure *item = xgrow(&f->items, &f->n, sizeof *f->items);
    item->name = xstrdup(name);
    item->value = value;
}

static void flatten(figures *f, const char *prefix, json_t *obj, bool top)
{
    static const char *const LEFT_TO_CSV[] = {"name",        "reached",  "mood_on_entry",
                                              "transitions", "personas", NULL};
    const char *key;
    json_t *value;
    json_object_foreach(obj, key, value)
    {
        bool skip = false;
        for (const char *const *k = LEFT_TO_CSV; top && *k; k++)
            skip = skip || strcmp(key, *k) == 0;
        if (skip)
            continue;
        size_t n = strlen(prefix) + strlen(key) + 16;
        char *name = xmalloc(n);
        snprintf(name, n, "%s%s%s", prefix, prefix[0] ? "." : "", key);
        if (json_is_object(value)) {
            flatten(f, name, value, false);
        } else if (json_is_array(value) && json_array_size(value) == 2 &&
                   json_is_number(json_array_get(value, 0))) {
            /* ci95: [low, high] */
            snprintf(name + strlen(name), 16, ".low");
            add_figure(f, name, json_array_get(value, 0));
            name[strlen(name) - 4] = '\0';
            snprintf(name + strlen(name), 16, ".high");
            add_figure(f, name, json_array_get(value, 1));
        } else {
            add_figure(f, name, value);
        }
        free(name);
    }
}

/* The kind of a summary figure: its last word, except in the uplifts,
 * which are differences per customer: of shares of customers (buyers,
 * repeat buyers), of money, or of a count (purchases). */
static xl_kind figure_kind(const char *name, const json_t *value)
{
    const char *last = strrchr(name, '.');
    xl_kind k = kind_of(last ? last + 1 : name);
    if (strncmp(name, "uplift.", 7) == 0) {
        char metric[64];
        snprintf(metric, sizeof metric, "%.*s", (int)strcspn(name + 7, "."), name + 7);
        k = kind_of(metric) == KIND_MONEY ? KIND_MONEY
            : strstr(metric, "buyers")    ? KIND_SHARE
                                          : KIND_NUMBER;
        return k;
    }
    if (k == KIND_NUMBER && json_is_integer(value))
        k = KIND_COUNT;
    return k;
}

static void put_json(xl_status *st, lxw_worksheet *ws, const xl_formats *fmt, size_t r, size_t c,
                     const char *name, json_t *value, double *width)
{
    if (json_is_string(value)) {
        put_text(st, ws, r, c, json_string_value(value), NULL);
        widen(width, json_string_value(value), 1);
    } else if (json_is_integer(value) && (json_integer_value(value) > (1LL << 53) ||
                                          json_integer_value(value) < -(1LL << 53))) {
        /* Beyond a double's integers (a large seed): kept exact as text. */
        char buf[32];
        snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, json_integer_value(value));
        put_text(st, ws, r, c, buf, NULL);
        widen(width, buf, 1);
    } else if (json_is_number(value)) {
        put_number(st, ws, r, c, json_number_value(value), fmt->kind[figure_kind(name, value)]);
    } else if (json_is_boolean(value)) {
        if (st->error == LXW_NO_ERROR)
            st->error =
                worksheet_write_boolean(ws, (lxw_row_t)r, (lxw_col_t)c, json_is_true(value), NULL);
    } else if (json_is_array(value)) {
        /* A list of names (the interventions): one text. */
        size_t i;
        json_t *item;
        char *text = xstrdup("");
        json_array_foreach(value, i, item)
        {
            const char *s = json_is_string(item) ? json_string_value(item) : "?";
            char *more = xmalloc(strlen(text) + strlen(s) + 3);
            sprintf(more, "%s%s%s", text, i ? ", " : "", s);
            free(text);
            text = more;
        }
        put_text(st, ws, r, c, text, NULL);
        widen(width, text, 1);
        free(text);
    }
    /* null: an empty cell. */
}

static void summary_sheet(xl_status *st, lxw_workbook *wb, const xl_formats *fmt, json_t *root)
{
    lxw_worksheet *ws = workbook_add_worksheet(wb, "summary");
    if (!ws) {
        st->error = LXW_ERROR_PARAMETER_VALIDATION;
        return;
    }
    double width_a = 12, width_b = 12;
    size_t r = 0;
    /* The run: scenario, seed, customers... (the lists are in the tables). */
    const char *key;
    json_t *value;
    json_object_foreach(root, key, value)
    {
        if (json_is_object(value) || json_is_array(value))
            continue;
        put_text(st, ws, r, 0, key, fmt->header);
        widen(&width_a, key, 2);
        put_json(st, ws, fmt, r, 1, key, value, &width_b);
        r++;
    }
    /* Then one column per variant, one row per figure, in the order of
     * summary.json, the figures a variant lacks (the baseline's uplift)
     * left empty. */
    json_t *variants = json_object_get(root, "variants");
    size_t nv = json_array_size(variants);
    figures *per = xcalloc(nv ? nv : 1, sizeof *per);
    char **rows = NULL;
    size_t n_rows = 0;
    for (size_t v = 0; v < nv; v++) {
        flatten(&per[v], "", json_array_get(variants, v), true);
        for (size_t i = 0; i < per[v].n; i++) {
            bool known = false;
            for (size_t j = 0; j < n_rows && !known; j++)
                known = strcmp(rows[j], per[v].items[i].name) == 0;
            if (!known)
                *(char **)xgrow(&rows, &n_rows, sizeof *rows) = per[v].items[i].name;
        }
    }
    if (r > 0)
        r++;
    size_t head = r;
    double *width = xcalloc(nv + 2, sizeof *width);
    put_text(st, ws, head, 0, "variant", fmt->header);
    for (size_t v = 0; v < nv; v++) {
        const char *name = json_string_value(json_object_get(json_array_get(variants, v), "name"));
        put_text(st, ws, head, v + 1, name ? name : "", fmt->header);
        width[v + 1] = 12;
        widen(&width[v + 1], name ? name : "", 2);
    }
    for (size_t j = 0; j < n_rows; j++) {
        put_text(st, ws, head + 1 + j, 0, rows[j], NULL);
        widen(&width_a, rows[j], 1);
        for (size_t v = 0; v < nv; v++)
            for (size_t i = 0; i < per[v].n; i++)
                if (strcmp(per[v].items[i].name, rows[j]) == 0)
                    put_json(st, ws, fmt, head + 1 + j, v + 1, rows[j], per[v].items[i].value,
                             &width[v + 1]);
    }
    worksheet_set_column(ws, 0, 0, width_a, NULL);
    for (size_t v = 0; v < nv; v++)
        worksheet_set_column(ws, (lxw_col_t)(v + 1), (lxw_col_t)(v + 1),
                             v == 0 && width_b > width[1] ? width_b : width[v + 1], NULL);
    if (nv == 0)
        worksheet_set_column(ws, 1, 1, width_b, NULL);
    worksheet_freeze_panes(ws, (lxw_row_t)(head + 1), 1);
    for (size_t v = 0; v < nv; v++) {
        for (size_t i = 0; i < per[v].n; i++)
            free(per[v].items[i].name);
        free(per[v].items);
    }
    free(per);
    free(rows);
    free(width);
}

/* ---- the workbook ----------------------------------------------------- */

cj_status xl_write(out_dir *dir, cj_err *err)
{
    char *summary_path = out_path(dir, "summary.json");
    json_error_t jerr;
    json_t *summary = json_load_file(summary_path, 0, &jerr);
    free(summary_path);
    if (!summary)
        return cj_fail(err, CJ_ERR_OUTPUT, _("cannot read %s/summary.json for %s: %s"),
                       dir->tmp_path, XL_FILE, jerr.text);
    char *path = out_path(dir, XL_FILE);
    /* Its temporary files go beside it, on the disk that holds the results. */
    lxw_workbook_options options = {.constant_memory = LXW_TRUE, .tmpdir = dir->tmp_path};
    lxw_workbook *wb = workbook_new_opt(path, &options);
    if (!wb) {
        json_decref(summary);
        free(path);
        return cj_fail(err, CJ_ERR_OUTPUT, _("cannot create %s/%s"), dir->final_path, XL_FILE);
    }
    /* A fixed date: the same run gives the same bytes, like every other
     * file of the results. */
    static char title[] = "cjmsim results";
    lxw_doc_properties props = {.title = title, .created = 946684800}; /* 2000-01-01 */
    workbook_set_properties(wb, &props);
    xl_formats fmt;
    make_formats(wb, &fmt);
    xl_status st = {LXW_NO_ERROR};
    summary_sheet(&st, wb, &fmt, summary);
    json_decref(summary);

    size_t n_files;
    char **files = csv_files(dir, &n_files);
    for (size_t i = 0; i < n_files; i++) {
        char *file = out_path(dir, files[i]);
        char *text = read_whole_file(file, NULL);
        free(file);
        if (!text) {
            cj_fail(err, CJ_ERR_OUTPUT, _("cannot read %s/%s for %s"), dir->tmp_path, files[i],
                    XL_FILE);
            break;
        }
        csv_table table = {0};
        csv_parse(text, &table);
        free(text);
        char sheet[40];
        sheet_name(sheet, sizeof sheet, files[i]);
        csv_sheet(&st, wb, &fmt, sheet, &table);
        csv_free(&table);
    }
    for (size_t i = 0; i < n_files; i++)
        free(files[i]);
    free(files);

    lxw_error closed = workbook_close(wb);
    if (st.error == LXW_NO_ERROR)
        st.error = closed;
    if (st.error != LXW_NO_ERROR)
        cj_fail(err, CJ_ERR_OUTPUT, _("cannot write %s/%s: %s"), dir->final_path, XL_FILE,
                lxw_strerror(st.error));
    else if (err->status == CJ_OK)
        out_record(dir, XL_FILE);
    free(path);
    return err->status;
}
