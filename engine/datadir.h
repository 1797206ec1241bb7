/*
 * datadir — where cjmsim finds the product's data files (gnuplot templates
 * and the palette in plots/, the persona library in personas/, templates for
 * new scenarios, the report's style sheet and prose in report/, the live
 * page in web/).
 *
 * They are real files a person edits, not strings in the binary. Looked up,
 * in order: $CJMSIM_DATADIR; the source tree the binary was built in (the
 * binary's directory or its parent holding plots/); the installed
 * PREFIX/share/cjmsim.
 */
#ifndef CJ_DATADIR_H
#define CJ_DATADIR_H

#include <limits.h>
#include <stddef.h>

#ifndef CJMSIM_DATADIR
#define CJMSIM_DATADIR "/usr/local/share/cjmsim"
#endif

/* Writes the path of `relative` (e.g. "plots/funnel.gp") into buf and
 * returns buf, or NULL when no data directory holds it. */
const char *datadir_find(const char *relative, char *buf, size_t size);

/* The whole text of data file `relative` (malloc'd, NUL-terminated), with
 * its path in path; NULL when no data directory holds it or it cannot be
 * read (path then holds the last place looked at). */
char *datadir_read(const char *relative, char *path, size_t size);

/* The directory holding the running binary and its parent, in dirs[0] and
 * dirs[1]: how many of them are known. */
size_t datadir_program_dirs(char dirs[2][PATH_MAX]);

/* The data directory itself (the first that exists), or NULL. */
const char *datadir_root(char *buf, size_t size);

#endif
