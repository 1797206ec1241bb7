/*
 * report: every text of a scenario is escaped, so hostile names stay text
 * and the page keeps its structure; the numbers and sentences agree with
 * the statistics; missing charts are explained.
 */
#include "testutil.h"

#include <ctype.h>
#include <math.h>

#include "outdir.h"
#include "plot.h"
#include "report.h"

static char *escaped(const char *s)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    report_escape(f, s);
    fclose(f);
    return text;
}

static void escape_is(const char *in, const char *expected)
{
    char *out = escaped(in);
    assert_string_equal(out, expected);
    free(out);
}

static void escaping(void **state)
{
    (void)state;
    escape_is("plain text", "plain text");
    escape_is("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;");
    escape_is("a & b", "a &amp; b");
    escape_is("&amp;", "&amp;amp;");
    escape_is("\"double\" 'single'", "&quot;double&quot; &#39;single&#39;");
    escape_is("`tick` $(x) @m \\", "`tick` $(x) @m \\");
    escape_is("bell\a and \x7f", "bell  and  ");
    escape_is("lines\nand\ttabs", "lines\nand\ttabs");
    escape_is("bad \xc3 byte", "bad ? byte");
    escape_is("\xD0\xB6", "\xD0\xB6");
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

static bool contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (const char *p = hay; *p; p++) {
        size_t i = 0;
        while (i < n && p[i] && tolower((unsigned char)p[i]) == tolower((unsigned char)needle[i]))
            i++;
        if (i == n)
            return true;
    }
    return false;
}

/* Writes the report of a run (no plots) and returns its text. The page's
 * data files (style sheet, prose, palette) are the source tree's. */
static char *report_of(tu_run *run, const plot_output *plots)
{
    char cwd[4096];
    assert_non_null(getcwd(cwd, sizeof cwd));
    setenv("CJMSIM_DATADIR", cwd, 1);
    cj_err err = {0};
    out_dir dir;
    char path[] = "/tmp/cjmsim-test-report-XXXXXX";
    assert_non_null(mkdtemp(path));
    rmdir(path);
    assert_int_equal(out_begin(&dir, path, &err), CJ_OK);
    assert_int_equal(report_write(&dir, run, plots, &err), CJ_OK);
    char file[4096];
    snprintf(file, sizeof file, "%s/%s", dir.tmp_path, REPORT_FILE);
    char *html = tu_slurp(file);
    out_abort(&dir);
    return html;
}

/* Hostile names and texts are text: no tag of theirs survives, and every
 * element the page opens it closes. */
static void hostile_texts_stay_text(void **state)
{
    (void)state;
    tu_run run;
    tu_run_scenario(&run, "tests/scenarios/hostile.lua", 2000, 30, 7, 1);
    char *html = report_of(&run, NULL);
    assert_false(contains_ci(html, "<script"));
    assert_false(contains_ci(html, "<img"));
    assert_false(contains_ci(html, "<h1>broken"));
    assert_false(contains_ci(html, "<!--"));
    assert_false(contains_ci(html, "<b>"));
    assert_non_null(strstr(html, "<title>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#39;q&#39; "
                                 "&quot;d&quot; `touch k` @m \\: customer journey map</title>"));
    assert_non_null(strstr(html, "a&quot; ; system(&quot;touch x&quot;) ; &quot;"));
    assert_non_null(strstr(html, "b&#39; . system(&#39;touch y&#39;) . &#39;"));
    assert_non_null(strstr(html, "&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&lt;h1&gt;broken"));
    assert_non_null(strstr(html, "&amp;amp; stays literal"));
    assert_non_null(strstr(html, "&lt;!-- comment --&gt;"));
    static const char *const TAGS[] = {"table", "tr",      "td", "th",  "section", "ul",
                                       "li",    "article", "dl", "svg", "p"};
    for (size_t i = 0; i < sizeof TAGS / sizeof TAGS[0]; i++) {
        char open1[32], open2[32], close[32];
        snprintf(open1, sizeof open1, "<%s>", TAGS[i]);
        snprintf(open2, sizeof open2, "<%s ", TAGS[i]);
        snprintf(close, sizeof close, "</%s>", TAGS[i]);
        assert_int_equal(count(html, open1) + count(html, open2), count(html, close));
    }
    free(html);
    tu_run_free(&run);
}

/* The plain sentence of each variant carries the numbers of the statistics. */
static void sentences_agree_with_statistics(void **state)
{
    (void)state;
    tu_run run;
    tu_run_scenario(&run, "tests/scenarios/shop.lua", 3000, 40, 5, 2);
    char *html = report_of(&run, NULL);
    const st_results *r = &run.results;
    size_t all = run.totals.n_personas;
    for (size_t v = 1; v < run.totals.n_variants; v++) {
        const st_group *g = st_group_at(r, v, all);
        const st_uplift *u = &g->uplift[r->headline];
        int d = fabs(100 * u->diff) >= 1 && 100 * (u->hi - u->lo) >= 0.4 ? 1 : 2;
        char expected[512];
        snprintf(expected, sizeof expected,
                 ": the model predicts %+.*f points of %s, simulation precision [%.*f; %.*f]: "
                 "<span class=\"verdict %s\">%s</span>",
                 d, 100 * u->diff, st_metric_words(r->headline), d, 100 * u->lo, d, 100 * u->hi,
                 st_effect_name(g->verdict.effect), st_effect_words(g->verdict.effect));
        assert_non_null(strstr(html, expected));
        assert_non_null(strstr(html, st_pays_words(g->verdict.pays)));
        if (g->has_roi) {
            snprintf(expected, sizeof expected, "ROI %+.0f%% [%+.0f%%; %+.0f%%]", 100 * g->roi,
                     100 * g->roi_lo, 100 * g->roi_hi);
            assert_non_null(strstr(html, expected));
        }
    }
    /* the funnel under the map: everyone reached the entry stage */
    char reached[64];
    snprintf(reached, sizeof reached, "<div class=\"num\">3,000<span class=\"pct\">100.0%%</span>");
    assert_non_null(strstr(html, reached));
    assert_non_null(strstr(html, "<strong>coupon + loyalty + newsletter</strong>"));
    free(html);
    tu_run_free(&run);
}

/* The map's rows come from the scenario's descriptive fields, in the order
 * of a journey map. */
static void map_rows_in_order(void **state)
{
    (void)state;
    tu_run run;
    tu_run_scenario(&run, "scripts/sport_nutrition.lua", 2000, 60, 1, 2);
    char *html = report_of(&run, NULL);
    static const char *const ROWS[] = {
        "<tr class=\"touchpoints\">",   "<tr class=\"actions\">", "<tr class=\"thoughts\">",
        "<tr class=\"feelings\">",      "<tr class=\"curve\">",   "<tr class=\"pains\">",
        "<tr class=\"opportunities\">", "<tr class=\"changes\">", "<tr class=\"numbers\">",
    };
    const char *at = html;
    for (size_t i = 0; i < sizeof ROWS / sizeof ROWS[0]; i++) {
        const char *next = strstr(at, ROWS[i]);
        if (!next)
            fail_msg("row %s missing or out of order", ROWS[i]);
        at = next;
    }
    assert_non_null(strstr(html, "<dt>Who</dt><dd><p class=\"pre\">Started going to the gym"));
    assert_non_null(strstr(html, "<span class=\"chip\">Telegram channel</span>"));
    free(html);
    tu_run_free(&run);
}

/* Charts that gnuplot could not draw are explained, with the command. */
static void missing_charts_are_explained(void **state)
{
    (void)state;
    tu_run run;
    tu_run_scenario(&run, "tests/scenarios/minimal.lua", 100, 10, 1, 1);
    plot_picture pictures[] = {{"funnel", "The funnel.", false}};
    plot_output plots = {.pictures = pictures,
                         .n_pictures = 1,
                         .outcome = PLOT_NO_GNUPLOT,
                         .problem = "gnuplot not found"};
    char *html = report_of(&run, &plots);
    assert_non_null(strstr(html, "<code>cd plots &amp;&amp; gnuplot plots.gp</code>"));
    assert_null(strstr(html, "data:image/"));
    free(html);
    tu_run_free(&run);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(escaping),
        cmocka_unit_test(hostile_texts_stay_text),
        cmocka_unit_test(sentences_agree_with_statistics),
        cmocka_unit_test(map_rows_in_order),
        cmocka_unit_test(missing_charts_are_explained),
    };
    return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}
