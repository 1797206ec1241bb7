/*
 * i18n — the language cjmsim speaks to people (English or Russian), with
 * GNU gettext: the catalog po/ru.po, compiled to LOCALEDIR/ru/LC_MESSAGES/
 * cjmsim.mo. Files (CSV headers, JSON keys, file names) never change with
 * the language; only text printed for a person goes through _().
 *
 * The language: --lang ru|en if given, else the first non-empty of LC_ALL,
 * LC_MESSAGES and LANG ("ru..." means Russian, anything else English). It
 * works without a Russian locale installed: messages then come from the
 * catalog through LANGUAGE under C.UTF-8, and numbers are formatted by
 * cjmsim itself (format.h), never by the C library, so LC_NUMERIC stays "C"
 * and CSV, JSON and Lua read and write numbers the same in every language.
 */
#ifndef CJ_I18N_H
#define CJ_I18N_H

#include <libintl.h>
#include <stdbool.h>

#include "err.h"

#define _(s) gettext(s)
#define N_(s) s

#ifndef CJMSIM_LOCALEDIR
#define CJMSIM_LOCALEDIR "/usr/local/share/locale"
#endif

/* Picks the language: lang is --lang's value or NULL for the environment.
 * An unknown --lang is a usage error (the message in the environment's
 * language). */
cj_status i18n_init(const char *lang, cj_err *err);

/* True when people are spoken to in Russian. */
bool i18n_russian(void);

/* "ru" or "en", e.g. for <html lang="...">. */
const char *i18n_code(void);

#endif
