#include "err.h"

#include <stdarg.h>
#include <stdio.h>

cj_status cj_fail(cj_err *err, cj_status status, const char *fmt, ...)
{
    if (err->status != CJ_OK)
        return err->status;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    err->status = status;
    return status;
}
