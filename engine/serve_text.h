/*
 * serve_text — the words of the live page of `cjmsim serve` in the reader's
 * language, and the journey's daily curves the page draws.
 *
 * The page (web/serve.html, web/serve.js) holds no text of its own that a
 * person reads: it asks GET /api/strings for a dictionary, key -> text, and
 * sets every heading, label, button, legend and status line from it. The
 * texts are written here, in C, so that `make pot` extracts them with the
 * rest of cjmsim's messages into the one catalogue (po/ru.po). A text may
 * hold placeholders in braces ({variant}), filled in by the page.
 */
#ifndef CJ_SERVE_TEXT_H
#define CJ_SERVE_TEXT_H

#include <jansson.h>

#include "stats.h"

/* { "lang": "ru"|"en", "locale": "ru-RU"|"en-US", "strings": { key: text } }
 * in the language cjmsim speaks (i18n.h). */
json_t *srvt_strings_json(void);

/* Most points a daily curve sends: a longer run sends every k-th day (and
 * the last one), which a chart a few hundred pixels wide cannot tell apart. */
enum { SRVT_MAX_DAILY_POINTS = 200 };

/* The cumulative buyers and repeat buyers of all customers by the end of
 * each day, per variant (daily.csv's curves for persona "all"):
 * { "days": [0, …], "variants": [ { "name", "buyers": […],
 *   "repeat_buyers": […] } ] }. */
json_t *srvt_daily_json(const st_results *r);

#endif
