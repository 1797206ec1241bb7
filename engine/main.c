/*
 * cjmsim — a Monte Carlo simulator of customer journeys.
 * main() turns a command line into a command and a status into an exit code.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "breakeven.h"
#include "calibrate.h"
#include "check.h"
#include "cli.h"
#include "cluster.h"
#include "format.h"
#include "fit.h"
#include "compare.h"
#include "i18n.h"
#include "newscn.h"
#include "psa.h"
#include "run.h"
#include "sweep.h"
#include "serve.h"

/* Output that did not reach standard output (a full disk, a closed pipe)
 * is a failed command, not a silent success: exit 4 with a message. A
 * command that failed already keeps its own status. */
static int check_stdout(int code)
{
    errno = 0;
    bool flushed = fflush(stdout) == 0;
    int saved = errno;
    if (flushed && !ferror(stdout))
        return code;
    if (saved)
        fprintf(stderr, _("cjmsim: cannot write standard output: %s\n"), strerror(saved));
    else
        fputs(_("cjmsim: cannot write standard output\n"), stderr);
    return code ? code : CJ_ERR_OUTPUT;
}

/* Messages quote the scenario, whose text must not drive the terminal. */
static void print_error(const cj_err *err)
{
    fputs("cjmsim: ", stderr);
    fmt_terminal_write(stderr, err->msg, strlen(err->msg), false);
    fputc('\n', stderr);
}

/* In an MPI job every rank runs `run`, `sweep`, `psa` and `breakeven`
 * (the analyses split their parameter sets among the ranks); the other
 * commands, and every message, belong to rank 0 alone. */
static int finish(int code)
{
    code = check_stdout(code);
    if (code == CJ_ERR_INTERRUPTED && cluster_size() > 1)
        cluster_abandon(code);
    cluster_finalize();
    return code;
}

int main(int argc, char **argv)
{
    cluster_init(&argc, &argv);
    bool root = cluster_is_root();
    cli_options opts;
    cj_err err = {0};
    /* The environment's language first, so that a bad --lang is told in it. */
    const char *lang;
    i18n_init(NULL, &err);
    if (cli_lang(argc, argv, &lang, &err) != CJ_OK || (lang && i18n_init(lang, &err) != CJ_OK)) {
        if (root)
            print_error(&err);
        return finish(err.status);
    }
    if (cli_parse(argc, argv, &opts, &err) != CJ_OK) {
        if (root)
            print_error(&err);
        return finish(err.status);
    }
    if (!root && opts.command != CLI_RUN && opts.command != CLI_SWEEP && opts.command != CLI_PSA &&
        opts.command != CLI_BREAKEVEN)
        return finish(0);
    cj_status status = CJ_OK;
    switch (opts.command) {
    case CLI_HELP:
        cli_help(stdout, opts.help_topic);
        return finish(0);
    case CLI_VERSION:
        printf("cjmsim %s\n", CJMSIM_VERSION);
        return finish(0);
    case CLI_CHECK:
        status = check_command(&opts, &err);
        break;
    case CLI_NEW:
        status = new_command(&opts, &err);
        break;
    case CLI_RUN:
        status = run_command(&opts, argc, argv, &err);
        break;
    case CLI_FIT:
        status = fit_command(&opts, argc, argv, &err);
        break;
    case CLI_SWEEP:
        status = sweep_command(&opts, argc, argv, &err);
        break;
    case CLI_PSA:
        status = psa_command(&opts, argc, argv, &err);
        break;
    case CLI_BREAKEVEN:
        status = breakeven_command(&opts, argc, argv, &err);
        break;
    case CLI_CALIBRATE:
        status = calibrate_command(&opts, argc, argv, &err);
        break;
    case CLI_COMPARE:
        status = compare_command(&opts, argc, argv, &err);
        break;
    case CLI_SERVE:
        status = serve_command(&opts, &err);
        break;
    }
    if (status != CJ_OK) {
        if (root)
            print_error(&err);
        return finish(err.status);
    }
    return finish(0);
}
