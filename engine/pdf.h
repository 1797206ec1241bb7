/*
 * pdf — prints an HTML file of a results directory to PDF with headless
 * Chromium (report.html -> report.pdf for `cjmsim run --pdf`).
 *
 * Chromium is spawned with an argument vector, never through a shell, with a
 * fresh profile in a temporary directory that is removed afterwards, and
 * writes into the results' temporary directory, so the PDF appears with the
 * other results or not at all. $CJMSIM_CHROMIUM names the browser; else
 * chromium, then chromium-browser, on the PATH.
 */
#ifndef CJ_PDF_H
#define CJ_PDF_H

#include <stdbool.h>

#include "err.h"
#include "outdir.h"

/* Is there a Chromium to print with? */
bool pdf_available(void);

/* Prints dir's `html` into dir's `pdf`. Exit 2 when Chromium is missing
 * (--pdf cannot be honoured), 4 when it fails or writes no PDF. */
cj_status pdf_print(out_dir *dir, const char *html, const char *pdf, cj_err *err);

#endif
