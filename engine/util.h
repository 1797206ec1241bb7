/*
 * util — allocation that cannot return NULL unnoticed, and small string helpers
 * shared by every module.
 */
#ifndef CJ_UTIL_H
#define CJ_UTIL_H

#include <stdbool.h>
#include <stddef.h>

/* These abort with a message on exhaustion: cjmsim's allocations are small
 * and few, and there is nothing sensible to continue with. */
void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *ptr, size_t n, size_t size);
char *xstrdup(const char *s);

/* Registers fn(arg) to run once when an allocation fails, just before cjmsim
 * exits with status 5: a run takes away what it has created on disk (its
 * temporary results directory). fn must not allocate through these
 * functions; a reserve is released for it first. NULL unregisters. One
 * cleanup at a time: a later call replaces the earlier one. */
void util_on_exhaustion(void (*fn)(void *), void *arg);

/* Appends one zeroed element to a growing array, returns its address. */
void *xgrow(void *array_ptr, size_t *n, size_t elem_size);

/* The Levenshtein distance of two short names, for "did you mean" hints. */
size_t edit_distance(const char *a, const char *b);

/* The name of the NULL-terminated `candidates` nearest to `word`, if it is
 * a near miss (fewer than 3 edits away), else NULL. */
const char *closest_name(const char *word, const char *const *candidates);

/* The whole content of the file at `path`, NUL-terminated (malloc'd), its
 * length in *len when len is not NULL; NULL when it cannot be opened or read. */
char *read_whole_file(const char *path, size_t *len);

/* Is s valid UTF-8 (no overlongs, no surrogates)? JSON needs it. */
bool utf8_valid(const char *s);

/* A copy of s with every invalid UTF-8 byte replaced by '?'. */
char *utf8_sanitized(const char *s);

#endif

