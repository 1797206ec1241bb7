/*
 * xlsx — results.xlsx, the results directory as one workbook for people who
 * open spreadsheets: a "summary" sheet (the run, then each variant's
 * figures for all customers, verdicts included when the summary has them),
 * then one sheet per CSV file of the directory, cell for cell.
 *
 * It is made from the files the run has just written into the temporary
 * results directory (summary.json and every *.csv the directory recorded),
 * so a column or a CSV file added to the results appears in the workbook
 * without a change here.
 * Numbers are stored as numbers with a format that says what they are
 * (counts grouped, shares as percentages, money with two decimals); names
 * are always stored as text, so a name like "=1+1" is never a formula.
 */
#ifndef CJ_XLSX_H
#define CJ_XLSX_H

#include "err.h"
#include "outdir.h"

/* The workbook's file name in the results directory. */
#define XL_FILE "results.xlsx"

/* Writes XL_FILE into dir's temporary directory from the summary.json and
 * CSV files recorded there, and records it. */
cj_status xl_write(out_dir *dir, cj_err *err);

#endif
