#include "i18n.h"

#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "datadir.h"

#define DOMAIN "cjmsim"

static bool russian;

bool i18n_russian(void)
{
    return russian;
}

const char *i18n_code(void)
{
    return russian ? "ru" : "en";
}

/* The environment's choice, as gettext itself reads it. */
static const char *env_language(void)
{
    static const char *const VARS[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
    for (size_t i = 0; i < sizeof VARS / sizeof VARS[0]; i++) {
        const char *v = getenv(VARS[i]);
        if (v && v[0])
            return v;
    }
    return "";
}

/* Where the catalogs are: $CJMSIM_LOCALEDIR, the build tree the binary sits
 * in (build/locale next to build/cjmsim, or below ./cjmsim's directory), the
 * installed PREFIX/share/locale. The first holding our Russian catalog wins. */
static void find_localedir(char *buf, size_t size)
{
    char dirs[5][PATH_MAX];
    size_t n = 0;
    const char *env = getenv("CJMSIM_LOCALEDIR");
    if (env && env[0])
        snprintf(dirs[n++], PATH_MAX, "%s", env);
    char program[2][PATH_MAX];
    size_t n_program = datadir_program_dirs(program);
    if (n_program > 0) {
        snprintf(dirs[n++], PATH_MAX, "%.*s/locale", PATH_MAX - 8, program[0]);
        snprintf(dirs[n++], PATH_MAX, "%.*s/build/locale", PATH_MAX - 16, program[0]);
    }
    if (n_program > 1)
        snprintf(dirs[n++], PATH_MAX, "%.*s/build/locale", PATH_MAX - 16, program[1]);
    snprintf(dirs[n++], PATH_MAX, "%s", CJMSIM_LOCALEDIR);
    for (size_t i = 0; i < n; i++) {
        char probe[PATH_MAX + 32];
        snprintf(probe, sizeof probe, "%.*s/ru/LC_MESSAGES/" DOMAIN ".mo", PATH_MAX, dirs[i]);
        if (access(probe, R_OK) == 0) {
            snprintf(buf, size, "%.*s", PATH_MAX - 1, dirs[i]);
            return;
        }
    }
    snprintf(buf, size, "%s", CJMSIM_LOCALEDIR);
}

cj_status i18n_init(const char *lang, cj_err *err)
{
    /* Only the message category follows the language: LC_NUMERIC stays "C"
     * (files and Lua need the decimal point) and so does LC_CTYPE (the
     * catalog is delivered in UTF-8 whatever it says). */
    if (lang && strcmp(lang, "ru") != 0 && strcmp(lang, "en") != 0)
        return cj_fail(err, CJ_ERR_USAGE, _("--lang: unknown language '%s' (ru or en)"), lang);
    const char *want = lang ? lang : env_language();
    russian = want[0] == 'r' && want[1] == 'u';
    if (!russian) {
        setlocale(LC_MESSAGES, "C");
        return CJ_OK;
    }
    /* Without a Russian locale installed, setlocale fails and gettext would
     * ignore the catalog; C.UTF-8 (not "C") lets it follow LANGUAGE. */
    static const char *const LOCALES[] = {"ru_RU.UTF-8", "ru_RU.utf8", "C.UTF-8", "C.utf8"};
    for (size_t i = 0; i < sizeof LOCALES / sizeof LOCALES[0]; i++)
        if (setlocale(LC_MESSAGES, LOCALES[i]))
            break;
    setenv("LANGUAGE", "ru", 1);
    char dir[PATH_MAX];
    find_localedir(dir, sizeof dir);
    bindtextdomain(DOMAIN, dir);
    bind_textdomain_codeset(DOMAIN, "UTF-8");
    /* strerror()'s texts too, which would otherwise be transliterated to
     * ASCII under LC_CTYPE "C". */
    bind_textdomain_codeset("libc", "UTF-8");
    textdomain(DOMAIN);
    return CJ_OK;
}
