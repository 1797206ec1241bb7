/*
 * variant — which combinations of interventions a run compares.
 *
 * A variant is a set of interventions (a bit mask in declaration order).
 * By default a run has the baseline, each intervention alone and, when there
 * are two or more, all of them together; --variants picks others.
 */
#ifndef CJ_VARIANT_H
#define CJ_VARIANT_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "scenario.h"

typedef struct {
    uint32_t mask;
    char *name; /* "baseline", "notify", "notify+consult" */
} var_variant;

typedef struct {
    var_variant *items; /* items[0] is always the baseline */
    size_t n;
} var_list;

void var_default(const scn_scenario *scn, var_list *out);

/* Parses "baseline,notify,notify+consult"; the baseline is added first when
 * the list leaves it out. */
cj_status var_parse(const scn_scenario *scn, const char *spec, var_list *out, cj_err *err);

void var_free(var_list *list);

#endif
