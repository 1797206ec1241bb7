#include "newscn.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "datadir.h"
#include "format.h"
#include "util.h"
#include "i18n.h"

#define TEMPLATE "templates/scenario.lua"

/* A scenario name is 1 to 64 characters (scnparse.c checks the same). */
enum { TITLE_MAX = 64, TEMPLATE_MAX = 1 << 20 };

/* The file to write and the scenario's name: "shops/my_shop" gives
 * "shops/my_shop.lua" and "my_shop". */
static cj_status names_of(const char *arg, char **path, char **title, cj_err *err)
{
    size_t len = strlen(arg);
    bool has_ext = len >= 4 && strcmp(arg + len - 4, ".lua") == 0;
    const char *base = strrchr(arg, '/');
    base = base ? base + 1 : arg;
    size_t title_len = strlen(base) - (has_ext ? 4 : 0);
    if (title_len == 0)
        return cj_fail(err, CJ_ERR_USAGE,
                       _("new: '%s' has no file name: write one, e.g. "
                         "cjmsim new my_shop"),
                       arg);
    for (const char *p = arg; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return cj_fail(err, CJ_ERR_USAGE, _("new: the name contains a control character"));
    if (!utf8_valid(arg))
        return cj_fail(err, CJ_ERR_USAGE, _("new: the name is not valid UTF-8"));
    if (title_len > TITLE_MAX)
        return cj_fail(err, CJ_ERR_USAGE,
                       _("new: the name '%.*s' is too long: a scenario name has "
                         "at most %d characters"),
                       (int)title_len, base, TITLE_MAX);
    *title = xmalloc(title_len + 1);
    memcpy(*title, base, title_len);
    (*title)[title_len] = '\0';
    *path = xmalloc(len + 5);
    snprintf(*path, len + 5, "%s%s", arg, has_ext ? "" : ".lua");
    return CJ_OK;
}

static char *read_template(const char *path, cj_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        cj_fail(err, CJ_ERR_RESOURCE, _("cannot read the scenario template %s: %s"), path,
                strerror(errno));
        return NULL;
    }
    char *text = xmalloc(TEMPLATE_MAX + 1);
    size_t n = fread(text, 1, TEMPLATE_MAX + 1, f);
    bool failed = ferror(f) != 0;
    fclose(f);
    if (failed || n > TEMPLATE_MAX) {
        cj_fail(err, CJ_ERR_RESOURCE, _("cannot read the scenario template %s%s"), path,
                failed ? "" : _(": it is larger than 1 MB"));
        free(text);
        return NULL;
    }
    text[n] = '\0';
    return text;
}

/* Writes the template with @NAME@ as the scenario's name (inside a Lua
 * string, so '"' and '\' are escaped) and @FILE@ as the file's path. */
static void fill(FILE *f, const char *text, const char *title, const char *path)
{
    for (const char *p = text; *p;) {
        if (strncmp(p, "@NAME@", 6) == 0) {
            for (const char *t = title; *t; t++) {
                if (*t == '"' || *t == '\\')
                    fputc('\\', f);
                fputc(*t, f);
            }
            p += 6;
        } else if (strncmp(p, "@FILE@", 6) == 0) {
            fputs(path, f);
            p += 6;
        } else {
            fputc(*p++, f);
        }
    }
}

cj_status new_command(const cli_options *opts, cj_err *err)
{
    char *path = NULL, *title = NULL, *text = NULL;
    char template_path[PATH_MAX];
    FILE *f = NULL;
    if (names_of(opts->name, &path, &title, err) != CJ_OK)
        goto done;
    if (!datadir_find(TEMPLATE, template_path, sizeof template_path)) {
        cj_fail(err, CJ_ERR_RESOURCE,
                _("cannot find the scenario template %s in cjmsim's data "
                  "folder; set CJMSIM_DATADIR to the folder that holds "
                  "templates/"),
                TEMPLATE);
        goto done;
    }
    if (!(text = read_template(template_path, err)))
        goto done;
    /* "x": create, never replace, so a student's work cannot be lost. */
    f = fopen(path, "wx");
    if (!f) {
        if (errno == EEXIST)
            cj_fail(err, CJ_ERR_OUTPUT,
                    _("'%s' already exists: choose another name, or remove it "
                      "first"),
                    path);
        else
            cj_fail(err, CJ_ERR_OUTPUT, _("cannot create '%s': %s"), path, strerror(errno));
        goto done;
    }
    fill(f, text, title, path);
    bool failed = ferror(f) != 0;
    if (fclose(f) != 0 || failed) {
        cj_fail(err, CJ_ERR_OUTPUT, _("cannot write '%s': %s"), path, strerror(errno));
        remove(path);
        goto done;
    }
    printf(_("Wrote %s: a scenario that runs as is. Next:\n  cjmsim check "), path);
    fmt_shell_word(stdout, path);
    printf(_("    see the journey it describes\n  cjmsim run "));
    fmt_shell_word(stdout, path);
    printf(_("      simulate it\nThen make it yours: the comments in it explain every line.\n"));
done:
    free(text);
    free(title);
    free(path);
    return err->status;
}
