/*
 * err — how modules report failure. A function that can fail returns an
 * error code and fills a message; main() alone decides how to print it and
 * which exit status it becomes (documented in README.md).
 */
#ifndef CJ_ERR_H
#define CJ_ERR_H

#include <stddef.h>

typedef enum {
    CJ_OK = 0,
    CJ_ERR_USAGE = 2,    /* bad command line */
    CJ_ERR_SCENARIO = 3, /* the scenario file is missing, unreadable or wrong */
    CJ_ERR_OUTPUT = 4,   /* results could not be written */
    CJ_ERR_RESOURCE = 5, /* out of memory or another system failure */
    CJ_ERR_INTERRUPTED = 130
} cj_status;

enum { CJ_ERR_MSG_MAX = 2048 };

typedef struct {
    cj_status status;
    char msg[CJ_ERR_MSG_MAX];
} cj_err;

/* Records the first failure; later calls keep it, so the root cause wins. */
cj_status cj_fail(cj_err *err, cj_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
