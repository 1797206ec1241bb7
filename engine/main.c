/*
 * cjmsim — a Monte Carlo simulator of customer journeys.
 * main() turns a command line into a command and a status into an exit code.
 */
#include <stdbool.h>
#include <stdio.h>

#include "check.h"
#include "cli.h"
#include "cluster.h"
#include "fit.h"
#include "newscn.h"
#include "run.h"

/* In an MPI job every rank runs `run`; the other commands, and every
 * message, belong to rank 0 alone. */
static int finish(int code)
{
    cluster_finalize();
    return code;
}

int main(int argc, char **argv)
{
    cluster_init(&argc, &argv);
    bool root = cluster_is_root();
    cli_options opts;
    cj_err err = {0};
    if (cli_parse(argc, argv, &opts, &err) != CJ_OK) {
        if (root)
            fprintf(stderr, "cjmsim: %s\n", err.msg);
        return finish(err.status);
    }
    if (!root && opts.command != CLI_RUN)
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
    }
    if (status != CJ_OK) {
        if (root)
            fprintf(stderr, "cjmsim: %s\n", err.msg);
        return finish(err.status);
    }
    return finish(0);
}
