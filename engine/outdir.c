#define _XOPEN_SOURCE 700
#include "outdir.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "util.h"

enum { MAX_OPEN_FDS = 16 };

static char *join(const char *a, const char *b)
{
    size_t len = strlen(a) + strlen(b) + 2;
    char *s = xmalloc(len);
    snprintf(s, len, "%s/%s", a, b);
    return s;
}

/* mkdir -p of the directories above `path`, remembering the ones it made
 * so that a failed run can take them away again. */
static int make_parents(out_dir *dir, const char *path)
{
    char *copy = xstrdup(path);
    for (char *p = copy + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(copy, 0777) == 0) {
            char **slot = xgrow(&dir->made_parents, &dir->n_made_parents, sizeof(char *));
            *slot = xstrdup(copy);
        } else if (errno != EEXIST) {
            free(copy);
            return -1;
        }
        *p = '/';
    }
    free(copy);
    return 0;
}

static void forget_parents(out_dir *dir, bool remove_them)
{
    for (size_t i = dir->n_made_parents; i-- > 0;) {
        if (remove_them)
            rmdir(dir->made_parents[i]);
        free(dir->made_parents[i]);
    }
    free(dir->made_parents);
    dir->made_parents = NULL;
    dir->n_made_parents = 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static int remove_tree(const char *path)
{
    return nftw(path, remove_entry, MAX_OPEN_FDS, FTW_DEPTH | FTW_PHYS);
}

static bool is_empty_dir(const char *path)
{
    DIR *d = opendir(path);
    if (!d)
        return false;
    bool empty = true;
    for (struct dirent *ent; empty && (ent = readdir(d));)
        empty = strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0;
    closedir(d);
    return empty;
}

/* Did cjmsim write this manifest? Another program's manifest.json (a web
 * app's) must not make its directory replaceable. */
static bool is_cjmsim_manifest(const char *path)
{
    json_t *root = json_load_file(path, 0, NULL);
    if (!root)
        return false;
    const char *program = json_string_value(json_object_get(root, "program"));
    bool ours = program && strcmp(program, "cjmsim") == 0;
    json_decref(root);
    return ours;
}

/* May `path` be replaced by new results? */
static cj_status check_destination(const char *path, cj_err *err)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return errno == ENOENT ? CJ_OK
                               : cj_fail(err, CJ_ERR_OUTPUT, "cannot use results directory '%s': "
                                                             "%s",
                                         path, strerror(errno));
    if (S_ISLNK(st.st_mode))
        return cj_fail(err, CJ_ERR_OUTPUT,
                       "results path '%s' is a symbolic link; cjmsim neither follows nor "
                       "replaces links: choose another --out",
                       path);
    if (!S_ISDIR(st.st_mode))
        return cj_fail(err, CJ_ERR_OUTPUT,
                       "results path '%s' exists and is not a directory; choose another --out",
                       path);
    if (is_empty_dir(path))
        return CJ_OK;
    char *manifest = join(path, "manifest.json");
    bool has_manifest = access(manifest, F_OK) == 0;
    bool ours = has_manifest && is_cjmsim_manifest(manifest);
    free(manifest);
    if (!ours)
        return cj_fail(err, CJ_ERR_OUTPUT,
                       "'%s' exists and is not a cjmsim results directory (%s); cjmsim replaces "
                       "only its own results: choose another --out or remove it",
                       path,
                       has_manifest ? "its manifest.json was not written by cjmsim"
                                    : "it has no manifest.json");
    return CJ_OK;
}

cj_status out_begin(out_dir *dir, const char *path, cj_err *err)
{
    memset(dir, 0, sizeof *dir);
    size_t len = strlen(path);
    while (len > 1 && path[len - 1] == '/')
        len--;
    dir->final_path = xmalloc(len + 1);
    memcpy(dir->final_path, path, len);
    dir->final_path[len] = '\0';
    if (check_destination(dir->final_path, err) != CJ_OK)
        return err->status;
    if (make_parents(dir, dir->final_path) != 0)
        return cj_fail(err, CJ_ERR_OUTPUT, "cannot create the directories of '%s': %s",
                       dir->final_path, strerror(errno));
    size_t tlen = len + sizeof ".tmp-XXXXXX";
    dir->tmp_path = xmalloc(tlen);
    snprintf(dir->tmp_path, tlen, "%s.tmp-XXXXXX", dir->final_path);
    if (!mkdtemp(dir->tmp_path)) {
        int saved = errno;
        free(dir->tmp_path);
        dir->tmp_path = NULL;
        return cj_fail(err, CJ_ERR_OUTPUT, "cannot write results next to '%s': %s",
                       dir->final_path, strerror(saved));
    }
    chmod(dir->tmp_path, 0755);
    return CJ_OK;
}

FILE *out_open(out_dir *dir, const char *name, cj_err *err)
{
    char *path = join(dir->tmp_path, name);
    FILE *f = fopen(path, "w");
    if (!f)
        cj_fail(err, CJ_ERR_OUTPUT, "cannot write %s/%s: %s", dir->final_path, name,
                strerror(errno));
    free(path);
    return f;
}

cj_status out_close(out_dir *dir, FILE *f, const char *name, cj_err *err)
{
    bool failed = ferror(f) != 0;
    int saved = errno;
    if (fclose(f) != 0 && !failed) {
        failed = true;
        saved = errno;
    }
    if (failed)
        return cj_fail(err, CJ_ERR_OUTPUT, "cannot write %s/%s: %s", dir->final_path, name,
                       strerror(saved ? saved : EIO));
    return CJ_OK;
}

cj_status out_commit(out_dir *dir, cj_err *err)
{
    if (check_destination(dir->final_path, err) != CJ_OK)
        return err->status;
    char *old = NULL;
    struct stat st;
    if (lstat(dir->final_path, &st) == 0) {
        size_t olen = strlen(dir->final_path) + sizeof ".old-XXXXXX";
        old = xmalloc(olen);
        snprintf(old, olen, "%s.old-XXXXXX", dir->final_path);
        if (!mkdtemp(old) || rename(dir->final_path, old) != 0) {
            int saved = errno;
            free(old);
            return cj_fail(err, CJ_ERR_OUTPUT, "cannot replace '%s': %s", dir->final_path,
                           strerror(saved));
        }
    }
    if (rename(dir->tmp_path, dir->final_path) != 0) {
        int saved = errno;
        if (old)
            rename(old, dir->final_path);
        free(old);
        return cj_fail(err, CJ_ERR_OUTPUT, "cannot move results into '%s': %s",
                       dir->final_path, strerror(saved));
    }
    if (old)
        remove_tree(old);
    free(old);
    forget_parents(dir, false);
    free(dir->tmp_path);
    dir->tmp_path = NULL;
    free(dir->final_path);
    dir->final_path = NULL;
    return CJ_OK;
}

void out_abort(out_dir *dir)
{
    if (dir->tmp_path)
        remove_tree(dir->tmp_path);
    forget_parents(dir, true);
    free(dir->tmp_path);
    free(dir->final_path);
    memset(dir, 0, sizeof *dir);
}
