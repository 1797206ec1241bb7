/*
 * cjmsim — a Monte Carlo simulator of customer journeys.
 * main() turns a command line into a command and a status into an exit code.
 */
#include <stdio.h>

#include "check.h"
#include "cli.h"
#include "newscn.h"
#include "run.h"

int main(int argc, char **argv)
{
    cli_options opts;
    cj_err err = {0};
    if (cli_parse(argc, argv, &opts, &err) != CJ_OK) {
        fprintf(stderr, "cjmsim: %s\n", err.msg);
        return err.status;
    }
    cj_status status = CJ_OK;
    switch (opts.command) {
    case CLI_HELP:
        cli_help(stdout, opts.help_topic);
        return 0;
    case CLI_VERSION:
        printf("cjmsim %s\n", CJMSIM_VERSION);
        return 0;
    case CLI_CHECK:
        status = check_command(&opts, &err);
        break;
    case CLI_NEW:
        status = new_command(&opts, &err);
        break;
    case CLI_RUN:
        status = run_command(&opts, argc, argv, &err);
        break;
    }
    if (status != CJ_OK) {
        fprintf(stderr, "cjmsim: %s\n", err.msg);
        return err.status;
    }
    return 0;
}
