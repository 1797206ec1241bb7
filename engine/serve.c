#include "serve.h"

cj_status serve_command(const cli_options *opts, cj_err *err)
{
    (void)opts;
    return cj_fail(err, CJ_ERR_USAGE, "serve is not available");
}
