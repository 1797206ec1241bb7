#include "luamsg.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "util.h"

/* A pattern is Lua's English text with "%s" where Lua puts something of the
 * scenario's (a token, a name, a type, a line number), and "%%" for a
 * percent sign. The text matched by a hole is copied as it is, except a hole
 * written "(%s)", which holds a message of its own and is rewritten in turn.
 * A hole that opens or ends a pattern is one token: a word, 'quoted' or
 * <bracketed>; one in the middle runs to the first occurrence of the text
 * that follows it. A head is a message Lua starts with; a tail is a part
 * Lua appends after one. The more specific of two patterns comes first. */
typedef struct {
    const char *pattern;
    bool tail;
} luamsg_rule;

static const luamsg_rule RULES[] = {
    /* llex.c, lparser.c: syntax errors */
    /* TRANSLATORS: this and the messages below are Lua's own (its parser,
     * lexer, virtual machine and standard library). Every %s is copied as
     * Lua wrote it: a token in quotes ('}', 'end', <eof>, <name>), a name, a
     * type name (nil, number, table...) or a line number; keep them. */
    {N_("'=' or 'in' expected"), false},
    {N_("hexadecimal digit expected"), false},
    {N_("function arguments expected"), false},
    {N_("%s expected, got no value"), false},
    {N_("%s expected, got %s"), false},
    {N_("value expected"), false},
    {N_("%s expected"), false},
    {N_("unexpected symbol"), false},
    {N_("syntax error"), false},
    {N_("unfinished string"), false},
    {N_("unfinished long string (starting at line %s)"), false},
    {N_("unfinished long comment (starting at line %s)"), false},
    {N_("malformed number"), false},
    {N_("invalid escape sequence"), false},
    {N_("invalid long string delimiter"), false},
    {N_("decimal escape too large"), false},
    {N_("UTF-8 value too large"), false},
    /* lstrlib.c's, before the parser's more general one */
    {N_("missing '[' after '%%f' in pattern"), false},
    {N_("missing %s in %s"), false},
    {N_("unknown attribute '%s'"), false},
    {N_("no visible label '%s' for <goto> at line %s"), false},
    {N_("break outside loop at line %s"), false},
    {N_("label '%s' already defined on line %s"), false},
    {N_("attempt to assign to const variable '%s'"), false},
    {N_("cannot use '...' outside a vararg function"), false},
    /* ldebug.c, lvm.c, ltable.c, ldo.c: errors while running */
    {N_("attempt to call a %s value"), false},
    {N_("attempt to index a %s value"), false},
    {N_("attempt to perform arithmetic on a %s value"), false},
    {N_("attempt to perform bitwise operation on a %s value"), false},
    {N_("attempt to concatenate a %s value"), false},
    {N_("attempt to get length of a %s value"), false},
    {N_("attempt to compare two %s values"), false},
    {N_("attempt to compare %s with %s"), false},
    {N_("attempt to divide by zero"), false},
    {N_("attempt to perform 'n%%0'"), false},
    {N_("number has no integer representation"), false},
    {N_("bad 'for' initial value (%s)"), false},
    {N_("bad 'for' limit (%s)"), false},
    {N_("bad 'for' step (%s)"), false},
    {N_("'for' step is zero"), false},
    {N_("table index is nil"), false},
    {N_("table index is NaN"), false},
    {N_("C stack overflow"), false},
    {N_("stack overflow"), false},
    /* lauxlib.c: a library function's argument */
    {N_("bad argument #%s to '%s' (%s)"), false},
    {N_("calling '%s' on bad self (%s)"), false},
    /* lstrlib.c, ltablib.c, lmathlib.c, lutf8lib.c: the libraries' own
     * checks, alone or inside "bad argument" */
    {N_("invalid value (%s) at index %s in table for 'concat'"), false},
    {N_("wrong number of arguments to 'insert'"), false},
    {N_("position out of bounds"), false},
    {N_("interval is empty"), false},
    {N_("value out of range"), false},
    {N_("index out of range"), false},
    {N_("too many results to unpack"), false},
    {N_("invalid conversion '%s' to 'format'"), false},
    {N_("resulting string too large"), false},
    {N_("malformed pattern (missing ']')"), false},
    {N_("malformed pattern (ends with '%%')"), false},
    {N_("invalid capture index %%%s"), false},
    {N_("invalid pattern capture"), false},
    {N_("unfinished capture"), false},
    {N_("invalid use of '%%' in replacement string"), false},
    {N_("invalid replacement value (a %s)"), false},
    {N_("'__index' chain too long; possible loop"), false},
    {N_("'__newindex' chain too long; possible loop"), false},
    /* what Lua appends */
    {N_(" near %s"), true},
    {N_(" (to close %s at line %s)"), true},
    {N_(" (global '%s')"), true},
    {N_(" (local '%s')"), true},
    {N_(" (field '%s')"), true},
    {N_(" (upvalue '%s')"), true},
    {N_(" (method '%s')"), true},
    {N_(" (constant '%s')"), true},
    {N_(" (for iterator '%s')"), true},
};

enum { MAX_HOLES = 4, MAX_DEPTH = 3 };

typedef struct {
    const char *at;
    size_t len;
    bool nested; /* written "(%s)": a message of its own */
} hole;

typedef struct {
    char *buf;
    size_t size, len;
} out;

static void put(out *o, const char *s, size_t n)
{
    size_t room = o->size - 1 - o->len;
    if (n > room)
        n = room;
    memcpy(o->buf + o->len, s, n);
    o->len += n;
    o->buf[o->len] = '\0';
}

static bool word_char(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

/* One token at s, as Lua writes it in a message: its length, 0 if none. */
static size_t token_len(const char *s)
{
    if (*s == '\'' || *s == '<') {
        const char *end = strchr(s + 1, *s == '<' ? '>' : '\'');
        return end ? (size_t)(end - s) + 1 : 0;
    }
    size_t n = 0;
    while (word_char(s[n]))
        n++;
    return n;
}

/* The first place after s where the n bytes of lit stand, or NULL. */
static const char *find(const char *s, const char *lit, size_t n)
{
    for (; *s; s++)
        if (strncmp(s, lit, n) == 0)
            return s;
    return NULL;
}

/* Does pattern match at s? Its length then (never 0), with the holes. */
static size_t match(const char *pattern, const char *s, hole *holes, int *n_holes)
{
    const char *p = pattern, *t = s;
    *n_holes = 0;
    while (*p) {
        if (p[0] == '%' && p[1] == 's') {
            bool nested = p > pattern && p[-1] == '(' && p[2] == ')';
            p += 2;
            size_t lit = strcspn(p, "%");
            size_t len = 0;
            if (p == pattern + 2 || lit == 0) {
                len = token_len(t);
            } else if (*t) {
                const char *end = find(t + 1, p, lit);
                len = end ? (size_t)(end - t) : 0;
            }
            if (len == 0 || *n_holes == MAX_HOLES)
                return 0;
            holes[(*n_holes)++] = (hole){t, len, nested};
            t += len;
        } else {
            if (p[0] == '%' && p[1] == '%')
                p++;
            if (*t != *p)
                return 0;
            p++;
            t++;
        }
    }
    /* A message ends where a word does: "syntax error" is not "syntax errors". */
    if (t > s && word_char(t[-1]) && word_char(*t))
        return 0;
    return (size_t)(t - s);
}

static void rewrite(const char *s, out *o, int depth);

/* A hole's text: as it is, or rewritten when it is a message of its own. */
static void put_hole(out *o, const hole *h, int depth)
{
    if (!h->nested || depth >= MAX_DEPTH) {
        put(o, h->at, h->len);
        return;
    }
    char *text = xmalloc(h->len + 1);
    memcpy(text, h->at, h->len);
    text[h->len] = '\0';
    rewrite(text, o, depth + 1);
    free(text);
}

/* The translation of a matched pattern, its "%s" (or "%N$s", numbered by
 * the English order) filled with the holes. */
static void put_translation(out *o, const char *pattern, const hole *holes, int n_holes, int depth)
{
    const char *tr = _(pattern);
    int next = 0;
    while (*tr) {
        if (tr[0] == '%' && tr[1] == '%') {
            put(o, "%", 1);
            tr += 2;
            continue;
        }
        if (tr[0] == '%') {
            int k = next++;
            const char *q = tr + 1;
            if (isdigit((unsigned char)*q)) {
                char *end;
                long num = strtol(q, &end, 10);
                if (*end == '$') {
                    k = (int)num - 1;
                    q = end + 1;
                }
            }
            if (*q == 's' && k >= 0 && k < n_holes) {
                put_hole(o, &holes[k], depth);
                tr = q + 1;
                continue;
            }
        }
        put(o, tr, 1);
        tr++;
    }
}

/* Rewrites the first rule of the kind that matches at s: its length, or 0. */
static size_t apply(const char *s, bool tail, out *o, int depth)
{
    for (size_t i = 0; i < sizeof RULES / sizeof RULES[0]; i++) {
        if (RULES[i].tail != tail)
            continue;
        hole holes[MAX_HOLES];
        int n_holes;
        size_t len = match(RULES[i].pattern, s, holes, &n_holes);
        if (len) {
            put_translation(o, RULES[i].pattern, holes, n_holes, depth);
            return len;
        }
    }
    return 0;
}

static void rewrite(const char *s, out *o, int depth)
{
    const char *t = s;
    while (*t) {
        if (t == s || (t - s >= 2 && t[-2] == ':' && t[-1] == ' ')) {
            size_t len = apply(t, false, o, depth);
            if (len) {
                t += len;
                while ((len = apply(t, true, o, depth)) > 0)
                    t += len;
                continue;
            }
        }
        put(o, t, 1);
        t++;
    }
}

/* A cut may fall inside a character: the last one then goes whole. */
static void trim_partial_utf8(out *o)
{
    size_t i = o->len;
    while (i > 0 && ((unsigned char)o->buf[i - 1] & 0xC0) == 0x80)
        i--;
    if (i == 0)
        return;
    unsigned char lead = (unsigned char)o->buf[i - 1];
    size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    if (o->len - (i - 1) < need) {
        o->len = i - 1;
        o->buf[o->len] = '\0';
    }
}

void luamsg_translate(char *msg, size_t size)
{
    if (size == 0)
        return;
    char *copy = xstrdup(msg);
    out o = {msg, size, 0};
    msg[0] = '\0';
    rewrite(copy, &o, 0);
    if (o.len == size - 1)
        trim_partial_utf8(&o);
    free(copy);
}
