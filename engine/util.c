#include "util.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Room for the cleanup to work in when memory has run out (opendir and
 * nftw allocate). Large enough to be given back to the system when freed. */
enum { EXHAUSTION_RESERVE = 1 << 20 };

static void (*exhaustion_fn)(void *);
static void *exhaustion_arg;
static void *exhaustion_reserve;
static atomic_flag exhausted = ATOMIC_FLAG_INIT;

void util_on_exhaustion(void (*fn)(void *), void *arg)
{
    exhaustion_fn = fn;
    exhaustion_arg = arg;
    if (fn && !exhaustion_reserve)
        exhaustion_reserve = malloc(EXHAUSTION_RESERVE);
    if (!fn) {
        free(exhaustion_reserve);
        exhaustion_reserve = NULL;
    }
}

/* Any thread may run out; the first one cleans up and exits, the others
 * wait for the process to end rather than race it through exit(). */
static void out_of_memory(void)
{
    if (atomic_flag_test_and_set(&exhausted))
        for (;;)
            pause();
    free(exhaustion_reserve);
    exhaustion_reserve = NULL;
    fputs("cjmsim: out of memory\n", stderr);
    if (exhaustion_fn)
        exhaustion_fn(exhaustion_arg);
    exit(5);
}

void *xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        out_of_memory();
    return p;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        out_of_memory();
    return p;
}

void *xrealloc(void *ptr, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        out_of_memory();
    size_t bytes = n * size;
    void *p = realloc(ptr, bytes ? bytes : 1);
    if (!p)
        out_of_memory();
    return p;
}

char *xstrdup(const char *s)
{
    size_t len = strlen(s) + 1;
    return memcpy(xmalloc(len), s, len);
}

void *xgrow(void *array_ptr, size_t *n, size_t elem_size)
{
    void **array = array_ptr;
    *array = xrealloc(*array, *n + 1, elem_size);
    char *elem = (char *)*array + *n * elem_size;
    memset(elem, 0, elem_size);
    (*n)++;
    return elem;
}

size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return SIZE_MAX;
    size_t row[65];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

const char *closest_name(const char *word, const char *const *candidates)
{
    const char *best = NULL;
    size_t best_d = 3;
    for (; *candidates; candidates++) {
        size_t d = edit_distance(word, *candidates);
        if (d < best_d) {
            best_d = d;
            best = *candidates;
        }
    }
    return best;
}

/* Length of the valid UTF-8 sequence at s, or 0. */
static size_t utf8_sequence(const unsigned char *s)
{
    if (s[0] < 0x80)
        return 1;
    size_t len = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;
    if (len == 0 || s[0] > 0xf4)
        return 0;
    uint32_t cp = s[0] & (0x7f >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3f);
    }
    static const uint32_t MIN_FOR_LEN[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < MIN_FOR_LEN[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

bool utf8_valid(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        size_t len = utf8_sequence(p);
        if (!len)
            return false;
        p += len;
    }
    return true;
}

char *utf8_sanitized(const char *s)
{
    char *out = xstrdup(s);
    unsigned char *p = (unsigned char *)out;
    while (*p) {
        size_t len = utf8_sequence(p);
        if (!len) {
            *p++ = '?';
            continue;
        }
        p += len;
    }
    return out;
}

char *read_whole_file(const char *path, size_t *len_out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t len = 0, cap = 4096, n;
    char *text = xmalloc(cap);
    while ((n = fread(text + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (len + 1 == cap)
            text = xrealloc(text, cap *= 2, 1);
    }
    bool failed = ferror(f) != 0;
    fclose(f);
    if (failed) {
        free(text);
        return NULL;
    }
    text[len] = '\0';
    if (len_out)
        *len_out = len;
    return text;
}
