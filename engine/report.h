/*
 * report — report.html, the journey map a person opens: stages across;
 * touchpoints, actions, thoughts, feelings with the simulated emotion curve,
 * pain points and opportunities down; the simulated funnel per persona under
 * them; persona cards; the variants side by side with their uplift, money
 * and a plain sentence each; the plots, embedded.
 *
 * One self-contained file: no script, no network, styles inline, pictures
 * as data: URIs, printable. Every text that comes from the scenario is
 * HTML-escaped, so a scenario cannot put markup into the page.
 *
 * Its look (report/report.css), its explanatory paragraphs in the reader's
 * language (report/prose.LANG.html) and its colours (plots/palette.gp, the
 * plots' palette too) are files of the data directory (datadir.h); without
 * one of them report_write fails with CJ_ERR_RESOURCE and writes nothing.
 */
#ifndef CJ_REPORT_H
#define CJ_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "err.h"
#include "outdir.h"
#include "plot.h"
#include "runner.h"

#define REPORT_FILE "report.html"
#define REPORT_PDF "report.pdf"

/* Writes report.html of a computed run into the results directory; the
 * SVG files of `plots` (NULL: none) are read from it to be embedded. */
cj_status report_write(out_dir *dir, const rn_run *run, const plot_output *plots, cj_err *err);

/* Reads the report's data files as report_write does and fails as it would
 * (CJ_ERR_RESOURCE, naming the file) when one is missing or incomplete; a
 * run asks before it simulates. */
cj_status report_check(cj_err *err);

/* Prints report.html into report.pdf beside it, for handouts (pdf.h), and
 * records it. */
cj_status report_pdf(out_dir *dir, cj_err *err);

/* Writes s as HTML text: & < > " ' escaped, invalid UTF-8 bytes as '?', control
 * characters but line breaks and tabs as spaces. */
void report_escape(FILE *f, const char *s);

#endif
