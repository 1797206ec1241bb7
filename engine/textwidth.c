/* wcwidth is an X/Open function. */
#define _XOPEN_SOURCE 700

#include "textwidth.h"

#include <locale.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "util.h"

/* Code point ranges, inclusive. */
typedef struct {
    uint32_t lo, hi;
} tw_range;

/*
 * Zero columns: the combining marks of the scripts cjmsim's users write in
 * (Latin, Cyrillic, Greek accents; Hebrew, Arabic, Devanagari and Thai
 * vowel signs), the variation selectors, and the invisible format
 * characters (zero-width space and joiners, direction marks, BOM).
 */
static const tw_range ZERO[] = {
    {0x0300, 0x036F}, {0x0483, 0x0489},   {0x0591, 0x05BD}, {0x05BF, 0x05BF}, {0x05C1, 0x05C2},
    {0x05C4, 0x05C5}, {0x05C7, 0x05C7},   {0x0610, 0x061A}, {0x064B, 0x065F}, {0x0670, 0x0670},
    {0x06D6, 0x06DC}, {0x06DF, 0x06E4},   {0x06E7, 0x06E8}, {0x06EA, 0x06ED}, {0x0900, 0x0902},
    {0x093A, 0x093A}, {0x093C, 0x093C},   {0x0941, 0x0948}, {0x094D, 0x094D}, {0x0951, 0x0957},
    {0x0962, 0x0963}, {0x0E31, 0x0E31},   {0x0E34, 0x0E3A}, {0x0E47, 0x0E4E}, {0x1160, 0x11FF},
    {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF},   {0x200B, 0x200F}, {0x202A, 0x202E}, {0x2060, 0x2064},
    {0x20D0, 0x20FF}, {0x302A, 0x302D},   {0x3099, 0x309A}, {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F},
    {0xFEFF, 0xFEFF}, {0xE0100, 0xE01EF},
};

/*
 * Two columns: East Asian Wide and Fullwidth (Hangul, CJK, kana,
 * fullwidth forms) and the emoji blocks, which terminals draw double.
 */
static const tw_range WIDE[] = {
    {0x1100, 0x115F},   {0x231A, 0x231B},   {0x2329, 0x232A},   {0x23E9, 0x23EC},
    {0x23F0, 0x23F0},   {0x23F3, 0x23F3},   {0x25FD, 0x25FE},   {0x2614, 0x2615},
    {0x2648, 0x2653},   {0x267F, 0x267F},   {0x2693, 0x2693},   {0x26A1, 0x26A1},
    {0x26AA, 0x26AB},   {0x26BD, 0x26BE},   {0x26C4, 0x26C5},   {0x26CE, 0x26CE},
    {0x26D4, 0x26D4},   {0x26EA, 0x26EA},   {0x26F2, 0x26F3},   {0x26F5, 0x26F5},
    {0x26FA, 0x26FA},   {0x26FD, 0x26FD},   {0x2705, 0x2705},   {0x270A, 0x270B},
    {0x2728, 0x2728},   {0x274C, 0x274C},   {0x274E, 0x274E},   {0x2753, 0x2755},
    {0x2757, 0x2757},   {0x2795, 0x2797},   {0x27B0, 0x27B0},   {0x27BF, 0x27BF},
    {0x2B1B, 0x2B1C},   {0x2B50, 0x2B50},   {0x2B55, 0x2B55},   {0x2E80, 0x303E},
    {0x3041, 0x33FF},   {0x3400, 0x4DBF},   {0x4E00, 0x9FFF},   {0xA000, 0xA4CF},
    {0xA960, 0xA97F},   {0xAC00, 0xD7A3},   {0xF900, 0xFAFF},   {0xFE10, 0xFE19},
    {0xFE30, 0xFE6F},   {0xFF00, 0xFF60},   {0xFFE0, 0xFFE6},   {0x16FE0, 0x16FE4},
    {0x17000, 0x18AFF}, {0x1B000, 0x1B2FF}, {0x1F004, 0x1F004}, {0x1F0CF, 0x1F0CF},
    {0x1F18E, 0x1F18E}, {0x1F191, 0x1F19A}, {0x1F200, 0x1F202}, {0x1F210, 0x1F23B},
    {0x1F240, 0x1F248}, {0x1F250, 0x1F251}, {0x1F260, 0x1F265}, {0x1F300, 0x1F320},
    {0x1F32D, 0x1F335}, {0x1F337, 0x1F37C}, {0x1F37E, 0x1F393}, {0x1F3A0, 0x1F3CA},
    {0x1F3CF, 0x1F3D3}, {0x1F3E0, 0x1F3F0}, {0x1F3F4, 0x1F3F4}, {0x1F3F8, 0x1F43E},
    {0x1F440, 0x1F440}, {0x1F442, 0x1F4FC}, {0x1F4FF, 0x1F53D}, {0x1F54B, 0x1F54E},
    {0x1F550, 0x1F567}, {0x1F57A, 0x1F57A}, {0x1F595, 0x1F596}, {0x1F5A4, 0x1F5A4},
    {0x1F5FB, 0x1F64F}, {0x1F680, 0x1F6C5}, {0x1F6CC, 0x1F6CC}, {0x1F6D0, 0x1F6D2},
    {0x1F6D5, 0x1F6D7}, {0x1F6EB, 0x1F6EC}, {0x1F6F4, 0x1F6FC}, {0x1F7E0, 0x1F7EB},
    {0x1F90C, 0x1F93A}, {0x1F93C, 0x1F945}, {0x1F947, 0x1F9FF}, {0x1FA70, 0x1FAFF},
    {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD},
};

static int in_ranges(uint32_t cp, const tw_range *r, size_t n)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (cp < r[mid].lo)
            hi = mid;
        else if (cp > r[mid].hi)
            lo = mid + 1;
        else
            return 1;
    }
    return 0;
}

int tw_codepoint_table(uint32_t cp)
{
    if (in_ranges(cp, ZERO, sizeof ZERO / sizeof ZERO[0]))
        return 0;
    if (in_ranges(cp, WIDE, sizeof WIDE / sizeof WIDE[0]))
        return 2;
    return 1;
}

/* A UTF-8 C locale of our own, made once: uselocale switches to it for one
 * thread only, so the program's locale (the language of its messages) stays
 * as it is. */
static locale_t utf8_locale = (locale_t)0;
static pthread_once_t utf8_once = PTHREAD_ONCE_INIT;

/* Freed at exit, so that leak checkers see every allocation returned. */
static void free_utf8_locale(void)
{
    freelocale(utf8_locale);
}

static void make_utf8_locale(void)
{
    static const char *const NAMES[] = {"C.UTF-8", "C.utf8", "en_US.UTF-8"};
    for (size_t i = 0; i < sizeof NAMES / sizeof NAMES[0] && !utf8_locale; i++)
        utf8_locale = newlocale(LC_CTYPE_MASK, NAMES[i], (locale_t)0);
    if (utf8_locale)
        atexit(free_utf8_locale);
}

/* wcwidth under the UTF-8 locale, or -2 where that cannot answer: wchar_t
 * holds the code point itself only where the C library says so. */
static int libc_width(uint32_t cp)
{
#if defined(__STDC_ISO_10646__)
    pthread_once(&utf8_once, make_utf8_locale);
    if (!utf8_locale)
        return -2;
    locale_t old = uselocale(utf8_locale);
    int w = wcwidth((wchar_t)cp);
    uselocale(old);
    return w;
#else
    (void)cp;
    return -2;
#endif
}

int tw_codepoint(uint32_t cp)
{
    if (cp >= 0x20 && cp < 0x7F)
        return 1; /* printable ASCII, the common case, without a locale switch */
    int w = libc_width(cp);
    if (w == -2)
        return tw_codepoint_table(cp);
    /* A control character (-1) is shown as one column by the tables'
     * readers, like an invalid byte. */
    return w < 0 ? 1 : w;
}

/* Decodes the character at s: its code point in *cp and its length, or 0
 * when the byte at s does not start a valid UTF-8 sequence (overlongs and
 * surrogates included). */
static size_t decode(const unsigned char *s, uint32_t *cp)
{
    size_t n;
    uint32_t c, min;
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    } else if (s[0] >= 0xC2 && s[0] <= 0xDF) {
        n = 2, c = s[0] & 0x1F, min = 0x80;
    } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        n = 3, c = s[0] & 0x0F, min = 0x800;
    } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        n = 4, c = s[0] & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return n;
}

size_t tw_width(const char *s)
{
    size_t w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        uint32_t cp;
        size_t n = decode(p, &cp);
        if (n == 0) {
            w++;
            p++;
            continue;
        }
        w += (size_t)tw_codepoint(cp);
        p += n;
    }
    return w;
}

int tw_field(const char *s, int columns)
{
    size_t bytes = strlen(s), width = tw_width(s);
    long field = (long)columns + (long)bytes - (long)width;
    return field < 0 ? 0 : field > 1 << 20 ? 1 << 20 : (int)field;
}

char *tw_truncated(const char *s, size_t columns)
{
    size_t len = strlen(s);
    char *out = xmalloc(len + 4);
    if (tw_width(s) <= columns) {
        memcpy(out, s, len + 1);
        return out;
    }
    /* Room for the ellipsis, which takes one column. */
    size_t room = columns > 0 ? columns - 1 : 0, w = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        uint32_t cp;
        size_t n = decode(p, &cp);
        size_t cw = n ? (size_t)tw_codepoint(cp) : 1;
        if (w + cw > room)
            break;
        w += cw;
        p += n ? n : 1;
    }
    /* Combining marks that follow belong to the last character kept. */
    for (uint32_t cp; *p;) {
        size_t n = decode(p, &cp);
        if (n == 0 || tw_codepoint(cp) != 0)
            break;
        p += n;
    }
    size_t keep = (size_t)((const char *)p - s);
    memcpy(out, s, keep);
    if (columns > 0) {
        memcpy(out + keep, "\xE2\x80\xA6", 3); /* … */
        keep += 3;
    }
    out[keep] = '\0';
    return out;
}
