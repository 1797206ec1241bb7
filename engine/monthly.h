/*
 * monthly — money and repeat buyers over the calendar.
 *
 * A day's own figures (arrivals, purchases, revenue, cost) are linear in a
 * cell's per-day counts; money is added up persona by persona, as order
 * values differ by persona. Months are 30 days counted from day 0: month 1
 * is days 0 … 30 (day 0 holds only the entries of the first arrivals), month
 * m ≥ 2 is days 30(m − 1) + 1 … 30m, and the last month ends with the run,
 * so it may be shorter. daily.csv, the monthly plot, the report's table and
 * the console's last month all read them here.
 */
#ifndef CJ_MONTHLY_H
#define CJ_MONTHLY_H

#include <stddef.h>
#include <stdio.h>

#include "runner.h"

enum { MON_DAYS = 30 };

typedef struct {
    double arrivals, purchases, revenue, cost;
} mon_money;

/* The day's own figures of one variant for one group (a persona, or
 * everyone when group == number of personas). */
mon_money mon_day(const rn_run *run, size_t variant, size_t group, size_t day);

/* Months in a run of `days` days, and the days of month m (1-based). */
int mon_count(int days);
void mon_span(int days, int month, int *first, int *last);

/* Everyone's revenue and new repeat buyers (customers whose second
 * purchase fell in it) of one variant in month m. */
void mon_month(const rn_run *run, size_t variant, int month, double *revenue,
               double *repeat_buyers);

/* The console's lines on the last month, beside the run's totals: the last
 * whole month when the run ends with a shorter one. */
void mon_console(FILE *f, const rn_run *run, int name_width);

/* The report's section: revenue and new repeat buyers per month by variant. */
void mon_report(FILE *f, const rn_run *run);

/* The monthly plot's data: one row per month, per variant its revenue and
 * new repeat buyers. */
void mon_plot_data(FILE *f, const rn_run *run);

#endif
