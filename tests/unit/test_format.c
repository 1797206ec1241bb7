/* format: scenario text escaped for a terminal (fmt_terminal). */
#include "format.h"
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(escapes_controls),
        cmocka_unit_test(cuts_whole_pieces),
        cmocka_unit_test(keeps_lines_when_asked),
    };
    return cmocka_run_group_tests_name("format", tests, NULL, NULL);
}
