/*
 * fuzz_cli — libFuzzer target for the command line: the input is split at
 * NUL bytes into arguments after "cjmsim". Parsing must accept or refuse
 * every argument vector cleanly, and a refusal must say something.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAX_ARGS = 32 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    char *argv[MAX_ARGS + 1];
    int argc = 0;
    argv[argc++] = (char *)(uintptr_t) "cjmsim";
    for (size_t i = 0; i <= size && argc < MAX_ARGS; i += strlen(text + i) + 1)
        argv[argc++] = text + i;
    argv[argc] = NULL;
    cli_options opts;
    cj_err err = {0};
    if (cli_parse(argc, argv, &opts, &err) != CJ_OK && err.msg[0] == '\0')
        abort(); /* a refusal without a message */
    uint64_t n;
    cj_err number_err = {0};
    if (!cli_number("--customers", text, 1, 1000000, &n, &number_err) &&
        number_err.status != CJ_ERR_USAGE)
        abort();
    free(text);
    return 0;
}
