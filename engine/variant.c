#include "variant.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "i18n.h"

/* The name of a mask: its interventions in declaration order, joined by '+'. */
static char *var_name(const scn_scenario *scn, uint32_t mask)
{
    if (mask == 0)
        return xstrdup("baseline");
    size_t len = 1;
    for (size_t i = 0; i < scn->n_interventions; i++)
        if (mask & (1u << i))
            len += strlen(scn->interventions[i].name) + 1;
    char *name = xcalloc(len, 1);
    for (size_t i = 0; i < scn->n_interventions; i++) {
        if (!(mask & (1u << i)))
            continue;
        if (name[0])
            strcat(name, "+");
        strcat(name, scn->interventions[i].name);
    }
    return name;
}

static void var_add(const scn_scenario *scn, var_list *list, uint32_t mask)
{
    for (size_t v = 0; v < list->n; v++)
        if (list->items[v].mask == mask)
            return;
    var_variant *variant = xgrow(&list->items, &list->n, sizeof *list->items);
    variant->mask = mask;
    variant->name = var_name(scn, mask);
}

void var_default(const scn_scenario *scn, var_list *out)
{
    *out = (var_list){0};
    var_add(scn, out, 0);
    uint32_t all = 0;
    for (size_t i = 0; i < scn->n_interventions; i++) {
        var_add(scn, out, 1u << i);
        all |= 1u << i;
    }
    if (scn->n_interventions >= 2)
        var_add(scn, out, all);
}

static int var_find_intervention(const scn_scenario *scn, const char *name, size_t len)
{
    for (size_t i = 0; i < scn->n_interventions; i++)
        if (strlen(scn->interventions[i].name) == len &&
            strncmp(scn->interventions[i].name, name, len) == 0)
            return (int)i;
    return -1;
}

static void var_known(const scn_scenario *scn, char *buf, size_t size)
{
    buf[0] = '\0';
    for (size_t i = 0; i < scn->n_interventions; i++) {
        strncat(buf, i ? ", " : "", size - strlen(buf) - 1);
        strncat(buf, scn->interventions[i].name, size - strlen(buf) - 1);
    }
    if (!buf[0])
        strncat(buf, _("none: the scenario declares no intervention"), size - 1);
}

/* One item of the list: "baseline" or names joined by '+'. */
#define EMPTY_NAME                                                                                 \
    _("--variants: empty name in '%s'; write names separated by commas, interventions of one "     \
      "variant joined by '+'")

static cj_status var_parse_item(const scn_scenario *scn, const char *spec, const char *item,
                                size_t len, uint32_t *mask, cj_err *err)
{
    *mask = 0;
    if (len == strlen("baseline") && strncmp(item, "baseline", len) == 0)
        return CJ_OK;
    const char *end = item + len;
    while (item <= end) {
        const char *plus = memchr(item, '+', (size_t)(end - item));
        size_t part = (size_t)((plus ? plus : end) - item);
        if (part == 0)
            return cj_fail(err, CJ_ERR_USAGE, EMPTY_NAME, spec);
        int i = var_find_intervention(scn, item, part);
        if (i < 0) {
            char known[1024];
            var_known(scn, known, sizeof known);
            return cj_fail(err, CJ_ERR_USAGE,
                           _("--variants: unknown intervention '%.*s'; the scenario's "
                             "interventions are: %s"),
                           (int)part, item, known);
        }
        *mask |= 1u << i;
        item += part + 1;
    }
    return CJ_OK;
}

cj_status var_parse(const scn_scenario *scn, const char *spec, var_list *out, cj_err *err)
{
    *out = (var_list){0};
    var_add(scn, out, 0);
    const char *item = spec;
    for (;;) {
        const char *comma = strchr(item, ',');
        size_t len = comma ? (size_t)(comma - item) : strlen(item);
        if (len == 0) {
            var_free(out);
            return cj_fail(err, CJ_ERR_USAGE, EMPTY_NAME, spec);
        }
        uint32_t mask;
        if (var_parse_item(scn, spec, item, len, &mask, err) != CJ_OK) {
            var_free(out);
            return err->status;
        }
        var_add(scn, out, mask);
        if (!comma)
            break;
        item = comma + 1;
    }
    return CJ_OK;
}

void var_free(var_list *list)
{
    for (size_t v = 0; v < list->n; v++)
        free(list->items[v].name);
    free(list->items);
    *list = (var_list){0};
}
