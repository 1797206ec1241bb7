/*
 * textwidth — how many terminal columns a UTF-8 text takes, so that tables
 * of names in any language line up: a Cyrillic letter is one column but two
 * bytes, a CJK character or an emoji two columns, a combining accent none.
 *
 * The widths are the C library's (wcwidth) under a UTF-8 locale made for
 * the purpose, which leaves the program's own locale alone; where no UTF-8
 * locale exists a built-in table of the common combining and wide ranges
 * stands in. An invalid UTF-8 byte counts one column, as a terminal shows a
 * replacement for it.
 */
#ifndef CJ_TEXTWIDTH_H
#define CJ_TEXTWIDTH_H

#include <stddef.h>
#include <stdint.h>

/* The columns s takes on a terminal. */
size_t tw_width(const char *s);

/* The printf field width ("%-*s" or "%*s") that pads s to `columns`
 * display columns: printf counts bytes, so the field grows by the bytes
 * that take no column of their own. */
int tw_field(const char *s, int columns);

/* A malloc'd copy of s cut to at most `columns` display columns at a
 * character boundary, ending with "…" when something was cut. */
char *tw_truncated(const char *s, size_t columns);

/* The columns of one Unicode code point (0, 1 or 2). */
int tw_codepoint(uint32_t cp);

/* The same from the built-in table alone (what tw_codepoint falls back on
 * without a UTF-8 locale); exposed for the tests. */
int tw_codepoint_table(uint32_t cp);

#endif
