/*
 * luamsg — Lua's own error messages in the language of the interface. Lua's
 * lexer, parser and virtual machine write English ("'}' expected (to close
 * '{' at line 1) near 'stage'", "attempt to call a nil value (global
 * 'foo')"); this module rewrites the common ones through the catalog,
 * keeping the file:line, the quoted tokens, the names and the type names as
 * Lua wrote them. Text it does not recognise is left as it is.
 */
#ifndef CJ_LUAMSG_H
#define CJ_LUAMSG_H

#include <stddef.h>

/* Rewrites msg (a NUL-terminated string in a buffer of size bytes) in
 * place. A message is recognised where it starts: at the beginning of msg
 * or after a ": " (after "file:line: ", "include \"x\": " ...); after a
 * recognised message, the parts Lua appends to it (" near 'x'", " (to close
 * 'x' at line N)", " (global 'x')") are rewritten too. The result is cut at
 * a character boundary if it does not fit. */
void luamsg_translate(char *msg, size_t size);

#endif
