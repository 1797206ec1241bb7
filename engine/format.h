/*
 * format — how numbers and paths are written for people: one place, so the
 * terminal summary, the report and `check` print them alike.
 */
#ifndef CJ_FORMAT_H
#define CJ_FORMAT_H

#include <stddef.h>
#include <stdio.h>

/* 1234567.8 -> "1,234,568": big numbers read better grouped. */
const char *fmt_grouped(char *buf, size_t size, double x);

/* Writes a path as one shell word (quoted when needed), for a command the
 * user may copy. */
void fmt_shell_word(FILE *f, const char *s);

#endif
