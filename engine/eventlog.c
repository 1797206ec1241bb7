#include "eventlog.h"

#include <csv.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "i18n.h"

/* What a scenario accepts (scnparse.c checks the same): names of 1 to 64
 * bytes, at most 64 personas, at most 36500 days. More than MAX_STAGES
 * distinct stages means the wrong column, not a journey. */
enum {
    NAME_MAX = 64,
    MAX_PERSONAS = 64,
    MAX_STAGES = 1000,
    MAX_SPAN = 36500,
    FIELD_MAX = 1 << 16,
    CHUNK = 1 << 16,
};

/* ---- interned strings: an arena and an open-addressing hash table ---- */

typedef struct {
    char *chars;
    size_t n_chars, cap_chars;
    size_t *offset; /* of string i in chars */
    uint32_t *hash;
    size_t n, cap;
    uint64_t *slots; /* hash << 32 | (index + 1); 0 is empty: one memory access a probe */
    size_t n_slots;  /* a power of two, at least twice n */
} strtab;

static uint32_t fnv1a(const char *s, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

static const char *strtab_get(const strtab *t, size_t i)
{
    return t->chars + t->offset[i];
}

static void strtab_rehash(strtab *t, size_t n_slots)
{
    free(t->slots);
    t->slots = xcalloc(n_slots, sizeof *t->slots);
    t->n_slots = n_slots;
    for (size_t i = 0; i < t->n; i++) {
        size_t j = t->hash[i] & (n_slots - 1);
        while (t->slots[j])
            j = (j + 1) & (n_slots - 1);
        t->slots[j] = (uint64_t)t->hash[i] << 32 | (uint32_t)(i + 1);
    }
}

/* The index of s (len bytes, no NUL inside), added when new. */
static size_t strtab_intern(strtab *t, const char *s, size_t len, bool *added)
{
    uint32_t h = fnv1a(s, len);
    if (t->n_slots) {
        for (size_t j = h & (t->n_slots - 1); t->slots[j]; j = (j + 1) & (t->n_slots - 1)) {
            if ((uint32_t)(t->slots[j] >> 32) != h)
                continue;
            size_t i = (uint32_t)t->slots[j] - 1;
            if (strncmp(strtab_get(t, i), s, len) == 0 &&
                strtab_get(t, i)[len] == '\0') {
                *added = false;
                return i;
            }
        }
    }
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 64;
        t->offset = xrealloc(t->offset, t->cap, sizeof *t->offset);
        t->hash = xrealloc(t->hash, t->cap, sizeof *t->hash);
    }
    if (t->n_chars + len + 1 > t->cap_chars) {
        while (t->n_chars + len + 1 > t->cap_chars)
            t->cap_chars = t->cap_chars ? 2 * t->cap_chars : 4096;
        t->chars = xrealloc(t->chars, t->cap_chars, 1);
    }
    memcpy(t->chars + t->n_chars, s, len);
    t->chars[t->n_chars + len] = '\0';
    t->offset[t->n] = t->n_chars;
    t->hash[t->n] = h;
    t->n_chars += len + 1;
    t->n++;
    if (2 * t->n > t->n_slots)
        strtab_rehash(t, t->n_slots ? 2 * t->n_slots : 128);
    else
        for (size_t j = h & (t->n_slots - 1);; j = (j + 1) & (t->n_slots - 1))
            if (!t->slots[j]) {
                t->slots[j] = (uint64_t)h << 32 | (uint32_t)t->n;
                break;
            }
    *added = true;
    return t->n - 1;
}

static char **strtab_export(const strtab *t)
{
    char **names = xcalloc(t->n + 1, sizeof *names);
    for (size_t i = 0; i < t->n; i++)
        names[i] = xstrdup(strtab_get(t, i));
    return names;
}

static void strtab_free(strtab *t)
{
    free(t->chars);
    free(t->offset);
    free(t->hash);
    free(t->slots);
    memset(t, 0, sizeof *t);
}

/* ---- dates ---- */

/* Days from 1970-01-01 (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

bool evl_parse_date(const char *s, int64_t *days)
{
    static const char FORM[] = "dddd-dd-dd";
    for (size_t i = 0; i < sizeof FORM - 1; i++)
        if (FORM[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') : s[i] != FORM[i])
            return false;
    if (s[sizeof FORM - 1] != '\0')
        return false;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    unsigned m = (unsigned)((s[5] - '0') * 10 + (s[6] - '0'));
    unsigned d = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
    static const unsigned MDAYS[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (y < 1 || m < 1 || m > 12 || d < 1 || d > MDAYS[m - 1] + (m == 2 && leap))
        return false;
    *days = days_from_civil(y, m, d);
    return true;
}

void evl_format_day(const evl_log *log, int64_t d, char *buf, size_t size)
{
    if (log->dates) {
        int64_t y;
        unsigned m, dd;
        civil_from_days(log->day0 + d, &y, &m, &dd);
        snprintf(buf, size, "%04lld-%02u-%02u", (long long)y, m, dd);
    } else {
        snprintf(buf, size, "%lld", (long long)(log->day0 + d));
    }
}

/* ---- the streaming reader ---- */

enum { COL_CUSTOMER, COL_DAY, COL_STAGE, COL_PERSONA, COL_AMOUNT, COL_PATH, COL_CONV, COL_NULL,
       COL_VALUE, N_COLS };
static const char *const COL_NAMES[N_COLS] = {"customer", "day", "stage", "persona", "amount",
                                              "path", "total_conversions", "total_null",
                                              "total_conversion_value"};

typedef struct {
    evl_log *log;
    cj_err *err;
    bool force_paths;
    bool failed;
    bool header_done;
    int col[N_COLS]; /* field index of each known column, -1 when absent */
    size_t n_header;
    char **header; /* the header's names, for messages */

    /* the row being read: its fields, NUL-separated */
    char *row;
    size_t row_len, row_cap;
    size_t *field_off;
    size_t n_fields, cap_fields;
    bool row_too_long;
    uint32_t line;          /* the line the current row starts on */
    uint32_t row_newlines;  /* newlines inside its quoted fields */
    bool row_started;

    strtab customers, stages, personas;
    bool day_kind_set;
    bool dates;
    uint32_t day_kind_line;

    /* per event, in file order */
    evl_event *events;
    int32_t *event_customer;
    size_t n_events, cap_events;
    /* per customer */
    int32_t *cust_last_day;
    uint32_t *cust_last_line, *cust_count;
    int *cust_persona;
    size_t cap_customers;

    /* path data */
    evl_path *paths;
    size_t n_paths, cap_paths;
    int32_t *steps;
    size_t n_steps, cap_steps;
} reader;

static bool fail_at(reader *r, size_t field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* FILE:LINE:FIELD: message (FIELD counted from 1; 0 leaves it out). */
static bool fail_at(reader *r, size_t field, const char *fmt, ...)
{
    if (r->failed)
        return false;
    r->failed = true;
    char msg[CJ_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (field)
        cj_fail(r->err, CJ_ERR_SCENARIO, _("%s:%u:%zu: %s"), r->log->path, r->line, field, msg);
    else
        cj_fail(r->err, CJ_ERR_SCENARIO, _("%s:%u: %s"), r->log->path, r->line, msg);
    return false;
}

static const char *field(const reader *r, size_t i)
{
    return r->row + r->field_off[i];
}

static void on_field(void *s, size_t len, void *data)
{
    reader *r = data;
    if (r->failed)
        return;
    r->row_started = true;
    for (size_t i = 0; i < len; i++)
        if (((const char *)s)[i] == '\n')
            r->row_newlines++;
    if (len > FIELD_MAX) {
        r->row_too_long = true;
        len = 0;
    }
    if (r->n_fields == r->cap_fields) {
        r->cap_fields = r->cap_fields ? 2 * r->cap_fields : 16;
        r->field_off = xrealloc(r->field_off, r->cap_fields, sizeof *r->field_off);
    }
    if (r->row_len + len + 1 > r->row_cap) {
        while (r->row_len + len + 1 > r->row_cap)
            r->row_cap = r->row_cap ? 2 * r->row_cap : 1024;
        r->row = xrealloc(r->row, r->row_cap, 1);
    }
    r->field_off[r->n_fields++] = r->row_len;
    if (len)
        memcpy(r->row + r->row_len, s, len);
    r->row[r->row_len + len] = '\0';
    r->row_len += len + 1;
}

/* Is a name usable in a scenario? Returns a reason when not. */
static const char *bad_name(const char *name, bool stage)
{
    size_t len = strlen(name);
    if (len == 0)
        return _("is empty");
    if (len > NAME_MAX)
        return _("is longer than 64 bytes, the longest name a scenario accepts");
    for (const char *p = name; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return _("contains a control character");
    if (!utf8_valid(name))
        return _("is not valid UTF-8 (save the file as UTF-8)");
    if (stage && strstr(name, "->"))
        return _("contains \"->\", which a stage name must not");
    if (!stage && strcmp(name, "all") == 0)
        return _("is 'all', which cjmsim uses for the totals; rename the persona");
    return NULL;
}

static bool header_row(reader *r)
{
    for (int c = 0; c < N_COLS; c++)
        r->col[c] = -1;
    r->n_header = r->n_fields;
    r->header = xcalloc(r->n_fields + 1, sizeof *r->header);
    for (size_t i = 0; i < r->n_fields; i++) {
        char *name = utf8_sanitized(field(r, i));
        name[strcspn(name, "\r\n")] = '\0';
        if (strlen(name) > 40)
            name[40] = '\0';
        r->header[i] = name;
    }
    for (size_t i = 0; i < r->n_fields; i++) {
        char name[64];
        const char *f = field(r, i);
        if (i == 0 && strncmp(f, "\xEF\xBB\xBF", 3) == 0) /* a UTF-8 byte order mark */
            f += 3;
        size_t len = 0;
        for (; f[len] && len < sizeof name - 1; len++)
            name[len] = (char)(f[len] >= 'A' && f[len] <= 'Z' ? f[len] - 'A' + 'a' : f[len]);
        name[len] = '\0';
        for (int c = 0; c < N_COLS; c++)
            if (strcmp(name, COL_NAMES[c]) == 0) {
                if (r->col[c] >= 0)
                    return fail_at(r, i + 1, _("column '%s' appears twice (also field %d)"),
                                   COL_NAMES[c], r->col[c] + 1);
                r->col[c] = (int)i;
            }
    }
    bool paths = r->force_paths || (r->col[COL_PATH] >= 0 && r->col[COL_CUSTOMER] < 0);
    r->log->kind = paths ? EVL_PATHS : EVL_EVENTS;
    static const int EVENT_COLS[] = {COL_CUSTOMER, COL_DAY, COL_STAGE};
    static const int PATH_COLS[] = {COL_PATH, COL_CONV};
    const int *need = paths ? PATH_COLS : EVENT_COLS;
    size_t n_need = paths ? 2 : 3;
    for (size_t k = 0; k < n_need; k++)
        if (r->col[need[k]] < 0)
            return fail_at(r, 0,
                           paths ? _("the header has no column '%s': path data needs the columns "
                                     "path and total_conversions (and optionally total_null and "
                                     "total_conversion_value)")
                                 : _("the header has no column '%s': an event log needs the "
                                     "columns customer, day and stage (and optionally persona "
                                     "and amount); path data needs path and total_conversions"),
                           COL_NAMES[need[k]]);
    r->log->n_personas = 0;
    r->log->has_amount = !paths && r->col[COL_AMOUNT] >= 0;
    r->log->has_value = paths && r->col[COL_VALUE] >= 0;
    return true;
}

/* A non-negative finite number, or empty (NAN) when may_be_empty. */
static bool number_field(reader *r, int col, bool may_be_empty, double *out)
{
    const char *s = field(r, (size_t)r->col[col]);
    if (!*s) {
        if (may_be_empty) {
            *out = NAN;
            return true;
        }
        fail_at(r, (size_t)r->col[col] + 1, _("%s is empty: write a number"), COL_NAMES[col]);
        return false;
    }
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno == ERANGE || !isfinite(v)) {
        fail_at(r, (size_t)r->col[col] + 1, _("%s '%s' is not a number"), COL_NAMES[col], s);
        return false;
    }
    if (v < 0) {
        fail_at(r, (size_t)r->col[col] + 1, _("%s %s is negative: it must be 0 or more"),
                COL_NAMES[col], s);
        return false;
    }
    *out = v;
    return true;
}

static int32_t intern_stage(reader *r, const char *name, size_t len, size_t col)
{
    bool added;
    size_t s = strtab_intern(&r->stages, name, len, &added);
    if (added) {
        const char *why = bad_name(strtab_get(&r->stages, s), true);
        if (why) {
            fail_at(r, col, _("stage name '%s' %s"), strtab_get(&r->stages, s), why);
            return -1;
        }
        if (r->stages.n > MAX_STAGES) {
            fail_at(r, col, _("more than %d different stages: is this the stage column?"),
                    MAX_STAGES);
            return -1;
        }
    }
    return (int32_t)s;
}

static void grow_customers(reader *r, size_t n)
{
    if (n <= r->cap_customers)
        return;
    r->cap_customers = r->cap_customers ? 2 * r->cap_customers : 1024;
    r->cust_last_day = xrealloc(r->cust_last_day, r->cap_customers, sizeof *r->cust_last_day);
    r->cust_last_line = xrealloc(r->cust_last_line, r->cap_customers, sizeof *r->cust_last_line);
    r->cust_count = xrealloc(r->cust_count, r->cap_customers, sizeof *r->cust_count);
    r->cust_persona = xrealloc(r->cust_persona, r->cap_customers, sizeof *r->cust_persona);
}

static void day_text(const reader *r, int32_t raw, char *buf, size_t size)
{
    evl_log tmp = {.dates = r->dates, .day0 = raw};
    evl_format_day(&tmp, 0, buf, size);
}

static bool event_row(reader *r)
{
    /* customer */
    size_t ccol = (size_t)r->col[COL_CUSTOMER];
    const char *cust = field(r, ccol);
    if (!*cust)
        return fail_at(r, ccol + 1, _("customer is empty"));
    /* day */
    size_t dcol = (size_t)r->col[COL_DAY];
    const char *ds = field(r, dcol);
    int64_t day;
    bool is_date;
    size_t nd = strspn(ds, "0123456789");
    if (*ds && !ds[nd]) {
        if (nd > 9)
            return fail_at(r, dcol + 1, _("day %s is too large (at most 999999999)"), ds);
        day = strtoll(ds, NULL, 10);
        is_date = false;
    } else if (evl_parse_date(ds, &day)) {
        is_date = true;
    } else if (strlen(ds) == 10 && ds[4] == '-' && ds[7] == '-' && strspn(ds, "0123456789-") == 10) {
        return fail_at(r, dcol + 1, _("day '%s' is not a real date (YYYY-MM-DD)"), ds);
    } else if (!*ds) {
        return fail_at(r, dcol + 1, _("day is empty: write a day number or a date YYYY-MM-DD"));
    } else {
        return fail_at(r, dcol + 1, _("day '%s' is neither a whole number nor a date YYYY-MM-DD"),
                       ds);
    }
    if (!r->day_kind_set) {
        r->day_kind_set = true;
        r->dates = is_date;
        r->day_kind_line = r->line;
    } else if (is_date != r->dates) {
        return fail_at(r, dcol + 1,
                       _("day '%s' is a %s, but line %u gives %s: use one or the other"), ds,
                       is_date ? _("date") : _("day number"), r->day_kind_line,
                       r->dates ? _("dates") : _("day numbers"));
    }
    /* stage */
    size_t scol = (size_t)r->col[COL_STAGE];
    const char *sname = field(r, scol);
    int32_t stage = intern_stage(r, sname, strlen(sname), scol + 1);
    if (stage < 0)
        return false;
    /* persona */
    int persona = 0;
    if (r->col[COL_PERSONA] >= 0) {
        size_t pcol = (size_t)r->col[COL_PERSONA];
        const char *pname = field(r, pcol);
        bool added;
        persona = (int)strtab_intern(&r->personas, pname, strlen(pname), &added);
        if (added) {
            const char *why = bad_name(pname, false);
            if (why)
                return fail_at(r, pcol + 1, _("persona%s%s%s %s"), *pname ? " '" : "", pname,
                               *pname ? "'" : "", why);
            if (r->personas.n > MAX_PERSONAS)
                return fail_at(r, pcol + 1,
                               _("more than %d different personas: a scenario "
                                 "holds at most %d"),
                               MAX_PERSONAS, MAX_PERSONAS);
        }
    }
    /* amount */
    double amount = NAN;
    if (r->col[COL_AMOUNT] >= 0 && !number_field(r, COL_AMOUNT, true, &amount))
        return false;

    bool added;
    size_t c = strtab_intern(&r->customers, cust, strlen(cust), &added);
    if (c >= UINT32_MAX / 2)
        return fail_at(r, ccol + 1, _("too many customers"));
    grow_customers(r, c + 1);
    if (added) {
        r->cust_count[c] = 0;
        r->cust_persona[c] = persona;
    } else {
        if ((int64_t)r->cust_last_day[c] > day) {
            char now[32], before[32];
            day_text(r, (int32_t)day, now, sizeof now);
            day_text(r, r->cust_last_day[c], before, sizeof before);
            return fail_at(r, dcol + 1,
                           _("time goes backwards for customer '%s': day %s comes after day %s "
                             "on line %u (a customer's rows must be in the order they happened)"),
                           cust, now, before, r->cust_last_line[c]);
        }
        if (r->cust_persona[c] != persona)
            return fail_at(r, (size_t)r->col[COL_PERSONA] + 1,
                           _("customer '%s' is persona '%s' here but '%s' on line %u: a "
                             "customer's persona must not change"),
                           cust, strtab_get(&r->personas, (size_t)persona),
                           strtab_get(&r->personas, (size_t)r->cust_persona[c]),
                           r->cust_last_line[c]);
    }
    r->cust_last_day[c] = (int32_t)day;
    r->cust_last_line[c] = r->line;
    r->cust_count[c]++;
    if (r->n_events == r->cap_events) {
        r->cap_events = r->cap_events ? 2 * r->cap_events : 4096;
        r->events = xrealloc(r->events, r->cap_events, sizeof *r->events);
        r->event_customer = xrealloc(r->event_customer, r->cap_events,
                                     sizeof *r->event_customer);
    }
    r->events[r->n_events] = (evl_event){stage, (int32_t)day, r->line, amount};
    r->event_customer[r->n_events++] = (int32_t)c;
    return true;
}

static bool path_row(reader *r)
{
    size_t pcol = (size_t)r->col[COL_PATH];
    const char *p = field(r, pcol);
    evl_path path = {.first = r->n_steps, .line = r->line, .value = NAN};
    while (true) {
        const char *end = strchr(p, '>');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *a = p, *b = p + len;
        while (a < b && (*a == ' ' || *a == '\t'))
            a++;
        while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
            b--;
        if (a == b)
            return fail_at(r, pcol + 1,
                           _("path '%s' has an empty step: write channels "
                             "separated by '>', e.g. ads > site > order"),
                           field(r, pcol));
        int32_t stage = intern_stage(r, a, (size_t)(b - a), pcol + 1);
        if (stage < 0)
            return false;
        if (r->n_steps == r->cap_steps) {
            r->cap_steps = r->cap_steps ? 2 * r->cap_steps : 4096;
            r->steps = xrealloc(r->steps, r->cap_steps, sizeof *r->steps);
        }
        r->steps[r->n_steps++] = stage;
        path.n_steps++;
        if (!end)
            break;
        p = end + 1;
    }
    if (!number_field(r, COL_CONV, false, &path.conversions))
        return false;
    path.nulls = 0;
    if (r->col[COL_NULL] >= 0 && !number_field(r, COL_NULL, false, &path.nulls))
        return false;
    if (r->col[COL_VALUE] >= 0 && !number_field(r, COL_VALUE, true, &path.value))
        return false;
    if (r->n_paths == r->cap_paths) {
        r->cap_paths = r->cap_paths ? 2 * r->cap_paths : 256;
        r->paths = xrealloc(r->paths, r->cap_paths, sizeof *r->paths);
    }
    r->paths[r->n_paths++] = path;
    return true;
}

static void on_row(int c, void *data)
{
    reader *r = data;
    if (r->failed)
        return;
    if (r->row_started) {
        if (r->row_too_long)
            fail_at(r, 0, _("a field is longer than %d bytes"), FIELD_MAX);
        else if (!r->header_done) {
            header_row(r);
            r->header_done = true;
        } else if (r->n_fields < r->n_header) {
            fail_at(r, r->n_fields + 1,
                    ngettext("the row has %zu field but the header has %zu: "
                             "column %zu (%s) is missing",
                             "the row has %zu fields but the header has %zu: "
                             "column %zu (%s) is missing",
                             r->n_fields),
                    r->n_fields, r->n_header, r->n_fields + 1, r->header[r->n_fields]);
        } else if (r->n_fields > r->n_header) {
            fail_at(r, r->n_header + 1, _("the row has %zu fields but the header has %zu"),
                    r->n_fields, r->n_header);
        } else if (r->log->kind == EVL_EVENTS) {
            event_row(r);
        } else {
            path_row(r);
        }
    }
    r->line += r->row_newlines + (c == '\n');
    r->row_newlines = 0;
    r->row_started = false;
    r->row_too_long = false;
    r->n_fields = 0;
    r->row_len = 0;
}

/* Groups the events by customer (a counting sort keeps each customer's rows
 * in file order) and makes days count from the earliest. */
static void finish_events(reader *r)
{
    evl_log *log = r->log;
    size_t nc = r->customers.n;
    int32_t lo = INT32_MAX, hi = INT32_MIN;
    uint32_t lo_line = 0, hi_line = 0;
    for (size_t i = 0; i < r->n_events; i++) {
        if (r->events[i].day < lo) {
            lo = r->events[i].day;
            lo_line = r->events[i].line;
        }
        if (r->events[i].day > hi) {
            hi = r->events[i].day;
            hi_line = r->events[i].line;
        }
    }
    if ((int64_t)hi - lo > MAX_SPAN) {
        char a[32], b[32];
        day_text(r, lo, a, sizeof a);
        day_text(r, hi, b, sizeof b);
        cj_fail(r->err, CJ_ERR_SCENARIO,
                _("%s: the log spans %lld days, from %s (line %u) to %s (line %u): a scenario "
                  "covers at most %d days"),
                log->path, (long long)hi - lo, a, lo_line, b, hi_line, MAX_SPAN);
        r->failed = true;
        return;
    }
    log->dates = r->dates;
    log->day0 = lo;
    log->last_day = hi - lo;
    log->n_customers = nc;
    log->n_events = r->n_events;
    log->first_event = xcalloc(nc + 1, sizeof *log->first_event);
    for (size_t c = 0; c < nc; c++)
        log->first_event[c + 1] = log->first_event[c] + r->cust_count[c];
    size_t *next = xmalloc((nc + 1) * sizeof *next);
    memcpy(next, log->first_event, (nc + 1) * sizeof *next);
    log->events = xmalloc((r->n_events ? r->n_events : 1) * sizeof *log->events);
    for (size_t i = 0; i < r->n_events; i++) {
        evl_event e = r->events[i];
        e.day -= lo;
        log->events[next[r->event_customer[i]]++] = e;
    }
    free(next);
    log->persona = xcalloc(nc ? nc : 1, sizeof *log->persona);
    if (r->col[COL_PERSONA] >= 0)
        memcpy(log->persona, r->cust_persona, nc * sizeof *log->persona);
    log->n_personas = r->col[COL_PERSONA] >= 0 ? r->personas.n : 0;
    log->personas = strtab_export(&r->personas);
}

static void reader_free(reader *r)
{
    for (size_t i = 0; r->header && i < r->n_header; i++)
        free(r->header[i]);
    free(r->header);
    free(r->row);
    free(r->field_off);
    strtab_free(&r->customers);
    strtab_free(&r->stages);
    strtab_free(&r->personas);
    free(r->events);
    free(r->event_customer);
    free(r->cust_last_day);
    free(r->cust_last_line);
    free(r->cust_count);
    free(r->cust_persona);
    free(r->paths);
    free(r->steps);
}

cj_status evl_read(const char *path, bool force_paths, evl_log *log, cj_err *err)
{
    memset(log, 0, sizeof *log);
    log->path = xstrdup(path);
    FILE *f = fopen(path, "rb");
    if (!f)
        return cj_fail(err, CJ_ERR_SCENARIO, _("cannot read %s: %s"), path, strerror(errno));
    reader r = {.log = log, .err = err, .force_paths = force_paths, .line = 1};
    struct csv_parser p;
    if (csv_init(&p, CSV_REPALL_NL | CSV_STRICT | CSV_STRICT_FINI) != 0) {
        fclose(f);
        return cj_fail(err, CJ_ERR_RESOURCE, _("out of memory"));
    }
    char *buf = xmalloc(CHUNK);
    size_t n;
    bool read_error = false;
    while (!r.failed && (n = fread(buf, 1, CHUNK, f)) > 0) {
        if (csv_parse(&p, buf, n, on_field, on_row, &r) != n && !r.failed) {
            r.line += r.row_newlines;
            fail_at(&r, 0, "%s",
                    csv_error(&p) == CSV_EPARSE
                        ? _("malformed CSV: a quote inside an unquoted field, or "
                            "text after a closing quote")
                        : csv_strerror(csv_error(&p)));
        }
    }
    read_error = ferror(f) != 0;
    if (!r.failed && !read_error && csv_fini(&p, on_field, on_row, &r) != 0 && !r.failed)
        fail_at(&r, 0, _("malformed CSV: a quoted field is not closed at the end of the file"));
    csv_free(&p);
    free(buf);
    fclose(f);
    if (read_error && !r.failed) {
        cj_fail(err, CJ_ERR_SCENARIO, _("cannot read %s: %s"), path, strerror(errno));
        r.failed = true;
    }
    if (!r.failed && !r.header_done) {
        cj_fail(err, CJ_ERR_SCENARIO,
                _("%s:1: the file is empty: an event log needs a header "
                  "customer,day,stage and a row per event"),
                path);
        r.failed = true;
    }
    if (!r.failed && (log->kind == EVL_EVENTS ? r.n_events == 0 : r.n_paths == 0)) {
        cj_fail(err, CJ_ERR_SCENARIO, _("%s:%u: the %s has a header but no rows: nothing to fit"),
                path, r.line, log->kind == EVL_EVENTS ? _("log") : _("path data"));
        r.failed = true;
    }
    if (!r.failed && log->kind == EVL_EVENTS)
        finish_events(&r);
    if (!r.failed) {
        log->n_stages = r.stages.n;
        log->stages = strtab_export(&r.stages);
        if (log->kind == EVL_PATHS) {
            log->paths = r.paths;
            log->n_paths = r.n_paths;
            log->steps = r.steps;
            log->n_steps = r.n_steps;
            r.paths = NULL;
            r.steps = NULL;
        }
    }
    reader_free(&r);
    if (r.failed) {
        evl_free(log);
        return err->status;
    }
    return CJ_OK;
}

static void free_names(char **names)
{
    if (names)
        for (char **p = names; *p; p++)
            free(*p);
    free(names);
}

void evl_free(evl_log *log)
{
    free(log->path);
    free_names(log->stages);
    free_names(log->personas);
    free(log->events);
    free(log->first_event);
    free(log->persona);
    free(log->paths);
    free(log->steps);
    memset(log, 0, sizeof *log);
}
