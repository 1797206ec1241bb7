/* format: scenario text escaped for a terminal (fmt_terminal), and numbers
 * written for people in the reader's language. */
#include "format.h"
#include "i18n.h"
#include "testutil.h"

static void escapes_controls(void **state)
{
    (void)state;
    char buf[256];
    assert_string_equal(fmt_terminal(buf, sizeof buf, "plain, caf\xc3\xa9 \xe2\x82\xac"),
                        "plain, caf\xc3\xa9 \xe2\x82\xac");
    assert_string_equal(fmt_terminal(buf, sizeof buf, "a\x1b[31mb\x07"), "a\\x1b[31mb\\x07");
    assert_string_equal(fmt_terminal(buf, sizeof buf, "tab\there\nline\x7f"),
                        "tab\\x09here\\x0aline\\x7f");
    /* C1 controls (U+0080..U+009F) as UTF-8, and bytes that are not UTF-8 */
    assert_string_equal(fmt_terminal(buf, sizeof buf, "\xc2\x9b" "2J \xc2\xa0"),
                        "\\xc2\\x9b" "2J \xc2\xa0");
    assert_string_equal(fmt_terminal(buf, sizeof buf, "\xff\xc3(\xed\xa0\x80"),
                        "\\xff\\xc3(\\xed\\xa0\\x80");
}

static void cuts_whole_pieces(void **state)
{
    (void)state;
    char buf[8];
    /* "ab" fits, the escape \x1b does not: it is left out whole. */
    assert_string_equal(fmt_terminal(buf, sizeof buf, "abcd\x1b"), "abcd");
    assert_string_equal(fmt_terminal(buf, 6, "ab\xe2\x82\xac\xe2\x82\xac"), "ab\xe2\x82\xac");
}

static void keeps_lines_when_asked(void **state)
{
    (void)state;
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    assert_non_null(f);
    fmt_terminal_write(f, "one\ttwo\nthree\x1b\0four", 19, true);
    fclose(f);
    assert_int_equal(size, strlen("one\ttwo\nthree\\x1b\\x00four"));
    assert_memory_equal(text, "one\ttwo\nthree\\x1b\\x00four", size);
    free(text);
}

/* Numbers for people follow the language: grouping and the decimal
 * separator; text given by %s keeps its dots, and English is unchanged. */
static void numbers_follow_the_language(void **state)
{
    (void)state;
    cj_err err = {0};
    char buf[64];
    assert_int_equal(i18n_init("en", &err), CJ_OK);
    assert_string_equal(fmt_grouped(buf, sizeof buf, 1234567.4), "1,234,567");
    fmt_snprintf(buf, sizeof buf, "%s %.2f %d%% %5.1f|%-*s|", "v1.2", 1.5, 7, 12.25, 4, "ab");
    assert_string_equal(buf, "v1.2 1.50 7%  12.2|ab  |");
    assert_int_equal(i18n_init("ru", &err), CJ_OK);
    assert_string_equal(fmt_grouped(buf, sizeof buf, -1234567.4), "-1\xC2\xA0"
                                                                  "234\xC2\xA0"
                                                                  "567");
    assert_string_equal(fmt_grouped(buf, sizeof buf, 999), "999");
    fmt_snprintf(buf, sizeof buf, "%s %.2f %d%% %5.1f|%-*s|", "v1.2", 1.5, 7, 12.25, 4, "ab");
    assert_string_equal(buf, "v1.2 1,50 7%  12,2|ab  |");
    fmt_snprintf(buf, sizeof buf, "%zu %llu %+.0f %g %.*f", (size_t)3, 10ULL, 2.0, 0.015, 1, 2.25);
    assert_string_equal(buf, "3 10 +2 0,015 2,2");
    /* Cut to the buffer like snprintf, returning the full length. */
    assert_int_equal(fmt_snprintf(buf, 5, "%.3f", 3.14159), 5);
    assert_string_equal(buf, "3,14");
    assert_int_equal(i18n_init("en", &err), CJ_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(escapes_controls),
        cmocka_unit_test(cuts_whole_pieces),
        cmocka_unit_test(keeps_lines_when_asked),
        cmocka_unit_test(numbers_follow_the_language),
    };
    return cmocka_run_group_tests_name("format", tests, NULL, NULL);
}
