/*
 * format — how numbers and paths are written for people: one place, so the
 * terminal summary, the report and `check` print them alike.
 */
#ifndef CJ_FORMAT_H
#define CJ_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>

/* 1234567.8 -> "1,234,568" (in Russian "1 234 568", with no-break spaces):
 * big numbers read better grouped. For people only: files never use it. */
const char *fmt_grouped(char *buf, size_t size, double x);

/* printf and snprintf for text people read: in Russian every floating
 * conversion (%f, %g, %e) gets a decimal comma ("12,5"); text given by %s
 * keeps its dots. Never for files. */
int fmt_printf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/* Writes a path as one shell word (quoted when needed), for a command the
 * user may copy. */
void fmt_shell_word(FILE *f, const char *s);

/*
 * Text from a scenario as a terminal may show it: control characters (C0,
 * DEL and the C1 range U+0080..U+009F, which terminals obey as commands)
 * and bytes that are not UTF-8 become "\x1b"-style escapes, so a scenario
 * cannot move the cursor, retitle the window or fake lines. Every place that
 * prints scenario text to a terminal goes through these.
 */
/* Writes len bytes of s; with keep_lines, newlines and tabs stay. */
void fmt_terminal_write(FILE *f, const char *s, size_t len, bool keep_lines);
/* An escaped copy of s in buf, cut to size; returns buf. */
const char *fmt_terminal(char *buf, size_t size, const char *s);

#endif
