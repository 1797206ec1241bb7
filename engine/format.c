#include "format.h"

#include <math.h>
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
