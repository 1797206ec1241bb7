/* textwidth: the columns of ASCII, Cyrillic, combining, CJK and emoji text,
 * invalid UTF-8, the printf field that pads by them, and cutting. */
#include "textwidth.h"
#include "testutil.h"

static void widths(void **state)
{
    (void)state;
    assert_int_equal(tw_width(""), 0);
    assert_int_equal(tw_width("awareness"), 9);
    assert_int_equal(tw_width("осведомлённость"), 15);
    assert_int_equal(strlen("осведомлённость"), 30);
    assert_int_equal(tw_width("е\xCC\x81"), 1); /* е + U+0301 */
    assert_int_equal(tw_width("покупка\xCC\x81"), 7);
    assert_int_equal(tw_width("購買"), 4);
    assert_int_equal(tw_width("ｶﾞ"), 2);               /* halfwidth katakana: narrow */
    assert_int_equal(tw_width("ＡＢ"), 4);             /* fullwidth Latin */
    assert_int_equal(tw_width("\xF0\x9F\x98\x80"), 2); /* U+1F600 grinning face */
    assert_int_equal(tw_width("a\U0001F6D2b"), 4);     /* U+1F6D2 shopping cart */
    assert_int_equal(tw_width("구매"), 4);             /* Hangul */
}

/* Invalid UTF-8: one column per byte, and what follows still counts right. */
static void invalid_bytes(void **state)
{
    (void)state;
    assert_int_equal(tw_width("\xFF"), 1);
    assert_int_equal(tw_width("a\xC3"), 2);            /* cut sequence */
    assert_int_equal(tw_width("\xC0\xAF"), 2);         /* overlong '/' */
    assert_int_equal(tw_width("\xED\xA0\x80"), 3);     /* a surrogate */
    assert_int_equal(tw_width("\xF4\x90\x80\x80"), 4); /* above U+10FFFF */
    assert_int_equal(tw_width("\x80购"), 3);
}

/* The built-in table agrees with the C library on the ranges it covers. */
static void table(void **state)
{
    (void)state;
    static const uint32_t SAMPLES[] = {'a',     0x0416,  0x0301, 0x0483, 0x20D7, 0x200B,  0x4E00,
                                       0x8CFC,  0xAC00,  0xFF21, 0xFF76, 0x3042, 0x1F600, 0x1F6D2,
                                       0x1F923, 0x20000, 0x00E9, 0x05D0, 0x0627, 0x0E01};
    static const int EXPECTED[] = {1, 1, 0, 0, 0, 0, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 1, 1, 1, 1};
    for (size_t i = 0; i < sizeof SAMPLES / sizeof SAMPLES[0]; i++) {
        assert_int_equal(tw_codepoint_table(SAMPLES[i]), EXPECTED[i]);
        assert_int_equal(tw_codepoint(SAMPLES[i]), EXPECTED[i]);
    }
}

/* "%-*s" with tw_field pads every name to the same display column. */
static void padding(void **state)
{
    (void)state;
    static const char *const NAMES[] = {"awareness", "осведомлённость", "購買", "е\xCC\x81",
                                        "\xF0\x9F\x98\x80 ok"};
    for (size_t i = 0; i < sizeof NAMES / sizeof NAMES[0]; i++) {
        char line[128];
        snprintf(line, sizeof line, "%-*s|", tw_field(NAMES[i], 20), NAMES[i]);
        char *bar = strchr(line, '|');
        *bar = '\0';
        assert_int_equal(tw_width(line), 20);
        snprintf(line, sizeof line, "%*s|", tw_field(NAMES[i], 20), NAMES[i]);
        bar = strchr(line, '|');
        *bar = '\0';
        assert_int_equal(tw_width(line), 20);
        assert_string_equal(line + strlen(line) - strlen(NAMES[i]), NAMES[i]);
    }
    /* Wider than the field: printed whole, as printf does. */
    assert_int_equal(tw_field("осведомлённость", 4), 19);
}

static void cutting(void **state)
{
    (void)state;
    char *s = tw_truncated("осведомлённость", 15);
    assert_string_equal(s, "осведомлённость");
    free(s);
    s = tw_truncated("осведомлённость", 6);
    assert_string_equal(s, "освед…");
    assert_int_equal(tw_width(s), 6);
    free(s);
    /* A wide character that does not fit is left out whole. */
    s = tw_truncated("購買購買", 4);
    assert_string_equal(s, "購…");
    free(s);
    /* A combining accent stays with its letter. */
    s = tw_truncated("ае\xCC\x81ааа", 3);
    assert_string_equal(s, "ае\xCC\x81…");
    free(s);
    s = tw_truncated("abc", 0);
    assert_string_equal(s, "");
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(widths),  cmocka_unit_test(invalid_bytes), cmocka_unit_test(table),
        cmocka_unit_test(padding), cmocka_unit_test(cutting),
    };
    return cmocka_run_group_tests_name("textwidth", tests, NULL, NULL);
}
