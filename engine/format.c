#include "format.h"

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"

const char *fmt_grouped(char *buf, size_t size, double x)
{
    /* Russian groups with a no-break space (U+00A0), English with a comma. */
    const char *sep = i18n_russian() ? "\xC2\xA0" : ",";
    size_t sep_len = strlen(sep);
    char digits[64];
    snprintf(digits, sizeof digits, "%.0f", fabs(x));
    size_t len = strlen(digits), o = 0;
    if (x <= -0.5 && o + 1 < size)
        buf[o++] = '-';
    for (size_t i = 0; i < len && o + sep_len + 1 < size; i++) {
        if (i > 0 && (len - i) % 3 == 0) {
            memcpy(buf + o, sep, sep_len);
            o += sep_len;
        }
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
    return buf;
}

void fmt_shell_word(FILE *f, const char *s)
{
    static const char PLAIN[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                "0123456789_./-+,:=@";
    if (s[0] && strspn(s, PLAIN) == strlen(s)) {
        fputs(s, f);
        return;
    }
    fputc('\'', f);
    for (; *s; s++)
        if (*s == '\'')
            fputs("'\\''", f);
        else
            fputc(*s, f);
    fputc('\'', f);
}

/* The length of the valid UTF-8 sequence at p (no overlongs, surrogates or
 * code points above U+10FFFF), or 0. */
static size_t utf8_sequence(const unsigned char *p, size_t left)
{
    size_t n = p[0] < 0x80 ? 1 : p[0] >= 0xc2 && p[0] <= 0xdf ? 2
                             : p[0] >= 0xe0 && p[0] <= 0xef ? 3
                             : p[0] >= 0xf0 && p[0] <= 0xf4 ? 4
                                                            : 0;
    if (n == 0 || n > left)
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((p[i] & 0xc0) != 0x80)
            return 0;
    if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] > 0x9f) ||
        (p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] > 0x8f))
        return 0;
    return n;
}

/* Calls put(ctx, text, len) with s escaped piece by piece. */
static void escape(const char *s, size_t len, bool keep_lines,
                   void (*put)(void *ctx, const char *text, size_t n), void *ctx)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        size_t n = utf8_sequence(p + i, len - i);
        bool control = n == 1 ? (p[i] < 0x20 || p[i] == 0x7f) &&
                                    !(keep_lines && (p[i] == '\n' || p[i] == '\t'))
                              : n == 2 && p[i] == 0xc2 && p[i + 1] < 0xa0;
        if (n == 0 || control) {
            size_t k = n ? n : 1;
            for (size_t j = 0; j < k; j++) {
                char hex[5];
                snprintf(hex, sizeof hex, "\\x%02x", p[i + j]);
                put(ctx, hex, 4);
            }
            i += k;
        } else {
            put(ctx, s + i, n);
            i += n;
        }
    }
}

static void put_file(void *ctx, const char *text, size_t n)
{
    fwrite(text, 1, n, ctx);
}

void fmt_terminal_write(FILE *f, const char *s, size_t len, bool keep_lines)
{
    escape(s, len, keep_lines, put_file, f);
}

typedef struct {
    char *buf;
    size_t size, used;
    bool full; /* a piece did not fit: the text is cut there, not further on */
} text_sink;

static void put_buffer(void *ctx, const char *text, size_t n)
{
    text_sink *sink = ctx;
    if (!sink->full && sink->used + n < sink->size) {
        memcpy(sink->buf + sink->used, text, n);
        sink->used += n;
    } else {
        sink->full = true;
    }
}

const char *fmt_terminal(char *buf, size_t size, const char *s)
{
    text_sink sink = {buf, size, 0, false};
    if (size == 0)
        return buf;
    escape(s, strlen(s), false, put_buffer, &sink);
    buf[sink.used] = '\0';
    return buf;
}

/* A growing string for fmt_vformat. */
typedef struct {
    char *s;
    size_t len, cap;
    bool failed;
} strbuf;

static char *reserve(strbuf *b, size_t n)
{
    if (b->failed)
        return NULL;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *s = realloc(b->s, cap);
        if (!s) {
            b->failed = true;
            return NULL;
        }
        b->s = s;
        b->cap = cap;
    }
    return b->s + b->len;
}

/* The spec is built here from the caller's checked format, one conversion
 * at a time. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#define APPEND(type)                                                                               \
    do {                                                                                           \
        type value = va_arg(*ap, type);                                                            \
        int n_ = snprintf(NULL, 0, spec, value);                                                   \
        char *at_ = n_ >= 0 ? reserve(b, (size_t)n_) : NULL;                                       \
        if (at_) {                                                                                 \
            snprintf(at_, (size_t)n_ + 1, spec, value);                                            \
            if (comma)                                                                             \
                for (char *c_ = at_; *c_; c_++)                                                    \
                    if (*c_ == '.')                                                                \
                        *c_ = ',';                                                                 \
            b->len += (size_t)n_;                                                                  \
        }                                                                                          \
    } while (0)

/* vsnprintf with a decimal comma in every floating conversion (%f, %g, %e):
 * the arguments are formatted one by one, so text given by %s (names from
 * the scenario, paths) keeps its dots. */
static void vformat_comma(strbuf *b, const char *fmt, va_list *ap)
{
    const char *p = fmt;
    while (*p) {
        const char *pct = strchr(p, '%');
        size_t lit = pct ? (size_t)(pct - p) : strlen(p);
        char *at = reserve(b, lit);
        if (at) {
            memcpy(at, p, lit);
            b->len += lit;
        }
        if (!pct)
            break;
        p = pct + 1;
        if (*p == '%') {
            if ((at = reserve(b, 1)) != NULL)
                b->s[b->len++] = '%';
            p++;
            continue;
        }
        char spec[64] = "%";
        size_t n = 1;
        while (*p && !strchr("diouxXcspfFeEgGaA", *p) && n + 24 < sizeof spec) {
            if (*p == '*') { /* a width or precision given as an argument */
                int v = va_arg(*ap, int);
                n += (size_t)snprintf(spec + n, sizeof spec - n, "%d", v);
            } else {
                spec[n++] = *p;
            }
            p++;
        }
        if (!*p)
            break;
        char conv = *p++;
        spec[n++] = conv;
        spec[n] = '\0';
        bool comma = strchr("fFeEgGaA", conv) != NULL;
        bool ll = strstr(spec, "ll") != NULL, l = !ll && strchr(spec, 'l') != NULL;
        bool z = strchr(spec, 'z') != NULL, j = strchr(spec, 'j') != NULL;
        bool big = strchr(spec, 'L') != NULL;
        if (comma) {
            if (big)
                APPEND(long double);
            else
                APPEND(double);
        } else if (conv == 's') {
            APPEND(const char *);
        } else if (conv == 'p') {
            APPEND(void *);
        } else if (conv == 'c') {
            APPEND(int);
        } else if (conv == 'd' || conv == 'i') {
            if (ll)
                APPEND(long long);
            else if (l)
                APPEND(long);
            else if (z)
                APPEND(ptrdiff_t);
            else if (j)
                APPEND(intmax_t);
            else
                APPEND(int);
        } else {
            if (ll)
                APPEND(unsigned long long);
            else if (l)
                APPEND(unsigned long);
            else if (z)
                APPEND(size_t);
            else if (j)
                APPEND(uintmax_t);
            else
                APPEND(unsigned);
        }
    }
}
#undef APPEND

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    /* English, and formats with numbered arguments ("%2$s"), as printf has it. */
    if (!i18n_russian() || strchr(fmt, '$'))
        return vsnprintf(buf, size, fmt, ap);
    strbuf b = {0};
    va_list copy;
    va_copy(copy, ap);
    vformat_comma(&b, fmt, &copy);
    va_end(copy);
    if (b.failed || !b.s) {
        free(b.s);
        if (size)
            buf[0] = '\0';
        return b.failed ? -1 : 0;
    }
    if (size) {
        size_t n = b.len < size - 1 ? b.len : size - 1;
        memcpy(buf, b.s, n);
        buf[n] = '\0';
    }
    int len = (int)b.len;
    free(b.s);
    return len;
}
#pragma GCC diagnostic pop

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = fmt_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

int fmt_printf(FILE *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n;
    if (!i18n_russian() || strchr(fmt, '$')) {
        n = vfprintf(f, fmt, ap);
    } else {
        strbuf b = {0};
        vformat_comma(&b, fmt, &ap);
        n = b.failed ? -1 : (int)b.len;
        if (b.s && !b.failed)
            fwrite(b.s, 1, b.len, f);
        free(b.s);
    }
    va_end(ap);
    return n;
}
