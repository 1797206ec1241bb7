/*
 * eventlog — reading what a shop observed, for `cjmsim fit`.
 *
 * Two kinds of CSV file (the header says which): an event log, one row per
 * customer entering a stage on a day (columns customer, day, stage and
 * optionally persona and amount), read into per-customer paths; and path
 * data in the attribution format (columns path, total_conversions and
 * optionally total_null, total_conversion_value), one row per sequence of
 * channels "ads > site > order" with its counts. Every mistake in the data
 * is an error naming FILE:LINE:FIELD (the field counted from 1) and the
 * column. Parsing is libcsv's, streamed; customer ids go into a hash table.
 */
#ifndef CJ_EVENTLOG_H
#define CJ_EVENTLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

typedef enum { EVL_EVENTS, EVL_PATHS } evl_kind;

/* A customer entered `stage` on `day` (days from the log's earliest day). */
typedef struct {
    int32_t stage;
    int32_t day;
    uint32_t line;
    double amount; /* NAN: no amount on that row */
} evl_event;

/* One row of path data: the channels in order and its counts. */
typedef struct {
    size_t first, n_steps; /* steps[first .. first + n_steps - 1] of the log */
    double conversions, nulls;
    double value; /* total_conversion_value; NAN without that column */
    uint32_t line;
} evl_path;

typedef struct {
    char *path; /* the file, as given */
    evl_kind kind;
    char **stages; /* in order of first appearance */
    size_t n_stages;

    /* EVL_EVENTS */
    size_t n_customers, n_events;
    evl_event *events;   /* grouped by customer, each customer's rows in file order */
    size_t *first_event; /* customer c: events[first_event[c] .. first_event[c + 1] - 1] */
    int *persona;        /* per customer; all 0 when the log has no personas */
    char **personas;
    size_t n_personas; /* 0: no persona column */
    bool has_amount;
    bool dates;      /* days were dates YYYY-MM-DD */
    int64_t day0;    /* the earliest day: days since 1970-01-01 for dates */
    int32_t last_day; /* the latest day, from day0 */

    /* EVL_PATHS */
    evl_path *paths;
    size_t n_paths;
    int32_t *steps;
    size_t n_steps;
    bool has_value;
} evl_log;

/* Reads `path`; force_paths reads it as path data whatever its header.
 * Data errors are CJ_ERR_SCENARIO (exit status 3). */
cj_status evl_read(const char *path, bool force_paths, evl_log *log, cj_err *err);
void evl_free(evl_log *log);

/* Writes day d of the log (from day0) as the file wrote it: a number or a
 * date. */
void evl_format_day(const evl_log *log, int64_t d, char *buf, size_t size);

/* Days since 1970-01-01 of a date "YYYY-MM-DD" (exactly that form, a real
 * date); false when it is not one. */
bool evl_parse_date(const char *s, int64_t *days);

#endif
