#include "serve_text.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>

#include "compile.h"
#include "i18n.h"
#include "util.h"

/* The page's texts: the key the page asks for, and the English text that
 * gettext translates. */
static const struct {
    const char *key, *text;
} PAGE_TEXTS[] = {
    {"page_title", N_("cjmsim: live journey")},
    /* TRANSLATORS: the browser tab's title; {scenario} is the scenario's name */
    {"title", N_("{scenario}: live journey")},
    {"loading", N_("Loading…")},
    /* TRANSLATORS: {customers}, {days} and {seed} are numbers */
    {"facts", N_("{customers} customers over {days} days, seed {seed}")},
    {"file", N_("file {file}")},
    {"updated", N_("updated in {ms} ms")},
    {"refused", N_("the server refused the request")},
    {"unreachable", N_("the server cannot be reached: {error}")},
    {"error_head", N_("The scenario has an error")},
    {"error_tail", N_("(the numbers below are the last good ones):")},
    {"h_params", N_("Parameters")},
    {"params_help", N_("Move a slider to simulate again with that value; save the scenario file "
                       "to simulate what it says now.")},
    {"no_params", N_("This scenario declares no parameters.")},
    /* TRANSLATORS: under a slider: the parameter's declared value */
    {"default", N_("default {value}")},
    {"not_slider", N_("no low and high: not a slider")},
    {"h_map", N_("Journey map")},
    {"row_emotion", N_("emotion (declared)")},
    {"row_mood", N_("mood on entering, simulated")},
    /* TRANSLATORS: a row of the journey map: the variant's customers who reached each stage */
    {"row_reached", N_("reached: {variant}")},
    {"mood_title", N_("{variant}: mood on entering each stage")},
    {"h_variants", N_("Variants")},
    {"variant", N_("variant")},
    {"buyers", N_("buyers")},
    {"repeat_buyers", N_("repeat buyers")},
    {"uplift_col", N_("uplift, points [95% interval]")},
    {"verdict", N_("verdict")},
    {"pays_col", N_("pays back?")},
    {"reference", N_("(reference)")},
    {"h_uplift", N_("Uplift against the baseline")},
    /* xgettext:no-c-format */
    {"uplift_help", N_("{metric}: the variant's share of customers minus the baseline's, in "
                       "percentage points; the bar is the 95% interval of the simulation's "
                       "precision.")},
    {"uplift_axis", N_("points of customers")},
    {"only_baseline", N_("Only the baseline was simulated.")},
    /* TRANSLATORS: a point and its interval on the uplift chart */
    {"uplift_point", N_("{variant}: {diff} points [{lo}; {hi}]")},
    {"h_daily", N_("Buyers and repeat buyers by day")},
    {"daily_help", N_("Cumulative: the customers with at least one purchase and with at least "
                      "two by the end of each day, per variant.")},
    {"daily_buyers", N_("buyers, cumulative")},
    {"daily_repeat", N_("repeat buyers, cumulative")},
    {"day", N_("day")},
    /* TRANSLATORS: a point of a daily curve */
    {"daily_point", N_("{variant}, day {day}: {value}")},
    {"h_money", N_("Money")},
    {"revenue", N_("revenue")},
    {"cost", N_("cost")},
    {"profit", N_("profit")},
    {"vs_baseline", N_("vs baseline")},
    {"footer", N_("Served by cjmsim on this computer only. The same scenario and seed give the "
                  "same numbers.")},
};

json_t *srvt_strings_json(void)
{
    json_t *strings = json_object();
    for (size_t i = 0; i < sizeof PAGE_TEXTS / sizeof PAGE_TEXTS[0]; i++)
        json_object_set_new(strings, PAGE_TEXTS[i].key, json_string(_(PAGE_TEXTS[i].text)));
    /* The verdict in the words the console and the report use. */
    json_object_set_new(strings, "effect_gain", json_string(st_effect_words(ST_GAIN)));
    json_object_set_new(strings, "effect_loss", json_string(st_effect_words(ST_LOSS)));
    json_object_set_new(strings, "effect_unclear", json_string(st_effect_words(ST_UNCLEAR)));
    json_object_set_new(strings, "pays_yes", json_string(st_pays_words(ST_PAYS_YES)));
    json_object_set_new(strings, "pays_no", json_string(st_pays_words(ST_PAYS_NO)));
    json_object_set_new(strings, "pays_unclear", json_string(st_pays_words(ST_PAYS_UNCLEAR)));
    bool ru = i18n_russian();
    return json_pack("{ssssso}", "lang", i18n_code(), "locale", ru ? "ru-RU" : "en-US", "strings",
                     strings);
}

/* A count as the page reads it: an integer when simulated, a real number
 * (an expected value) in an exact run. */
static json_t *count(const st_results *r, double x)
{
    return r->exact ? json_real(round(x * 100) / 100) : json_integer((json_int_t)llround(x));
}

json_t *srvt_daily_json(const st_results *r)
{
    const sim_totals *t = r->totals;
    int days = t->model->days;
    int step = (days + SRVT_MAX_DAILY_POINTS) / SRVT_MAX_DAILY_POINTS; /* ceil((days + 1) / max) */
    json_t *day_list = json_array();
    for (int d = 0; d <= days; d++)
        if (d % step == 0 || d == days)
            json_array_append_new(day_list, json_integer(d));
    json_t *variants = json_array();
    for (size_t v = 0; v < t->n_variants; v++) {
        const sim_cell *c = st_cell(r, v, r->n_groups - 1);
        json_t *buyers = json_array(), *repeat = json_array();
        double b = 0, rb = 0;
        for (int d = 0; d <= days; d++) {
            b += st_first_purchases(c, (size_t)d);
            rb += st_second_purchases(c, (size_t)d);
            if (d % step == 0 || d == days) {
                json_array_append_new(buyers, count(r, b));
                json_array_append_new(repeat, count(r, rb));
            }
        }
        char *name = utf8_sanitized(t->model->variants[v].name);
        json_array_append_new(variants, json_pack("{sssoso}", "name", name, "buyers", buyers,
                                                  "repeat_buyers", repeat));
        free(name);
    }
    return json_pack("{soso}", "days", day_list, "variants", variants);
}
