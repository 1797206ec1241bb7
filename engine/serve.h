/*
 * serve — `cjmsim serve S.lua`: a live page of a scenario on 127.0.0.1.
 *
 * An HTTP server (libmicrohttpd) that only answers requests carrying the
 * random token printed with its address, serves the page's files from the
 * data directory (web/), runs the scenario again when a slider moves
 * (GET /api/run) or when the file is saved, and tells the page (GET
 * /api/state) the latest results as JSON, with a version number that
 * grows with every new result.
 */
#ifndef CJ_SERVE_H
#define CJ_SERVE_H

#include "cli.h"
#include "err.h"

cj_status serve_command(const cli_options *opts, cj_err *err);

#endif
