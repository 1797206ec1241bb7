#define _XOPEN_SOURCE 700
#include "outdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "util.h"
#include "i18n.h"

enum {
    MAX_OPEN_FDS = 16,
    MAX_DEPTH = 4,      /* of a previous result's folders (it has plots/) */
    LOCK_ATTEMPTS = 20, /* a lock file whose folder a failing run took away */
};

static char *join(const char *a, const char *b)
{
    size_t len = strlen(a) + strlen(b) + 2;
    char *s = xmalloc(len);
    snprintf(s, len, "%s/%s", a, b);
    return s;
}

static char *with_suffix(const char *a, const char *suffix)
{
    size_t len = strlen(a) + strlen(suffix) + 1;
    char *s = xmalloc(len);
    snprintf(s, len, "%s%s", a, suffix);
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
            rmdir(dir->made_parents[i]); /* only if empty: another run may use it */
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

/* ---- taking turns on one destination */

/* Waits for the lock file beside the destination. A run that ends removes
 * the file while it holds it, so a waiter that wakes on a removed file tries
 * again on the current one: two runs never both hold the lock. */
static cj_status take_lock(out_dir *dir, cj_err *err)
{
    int saved = ENOENT;
    for (int attempt = 0; attempt < LOCK_ATTEMPTS; attempt++) {
        if (make_parents(dir, dir->final_path) != 0)
            return cj_fail(err, CJ_ERR_OUTPUT, _("cannot create the directories of '%s': %s"),
                           dir->final_path, strerror(errno));
        int fd = open(dir->lock_path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd < 0) {
            saved = errno;
            if (saved == ENOENT)
                continue; /* the folder was just taken away by a run that failed */
            break;
        }
        struct stat held, named;
        if (fstat(fd, &held) != 0 || !S_ISREG(held.st_mode) || held.st_size != 0) {
            close(fd);
            return cj_fail(err, CJ_ERR_OUTPUT,
                           _("'%s' is in the way: cjmsim uses this name for an empty lock file "
                             "while it replaces '%s'; remove it or choose another --out"),
                           dir->lock_path, dir->final_path);
        }
        struct flock whole = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
        int rc;
        while ((rc = fcntl(fd, F_SETLKW, &whole)) != 0 && errno == EINTR)
            ;
        if (rc != 0) {
            saved = errno;
            close(fd);
            break;
        }
        if (stat(dir->lock_path, &named) == 0 && named.st_dev == held.st_dev &&
            named.st_ino == held.st_ino) {
            dir->lock_fd = fd;
            dir->locked = true;
            return CJ_OK;
        }
        close(fd);
    }
    return cj_fail(err, CJ_ERR_OUTPUT, _("cannot write results next to '%s': %s"), dir->final_path,
                   strerror(saved));
}

static void release_lock(out_dir *dir)
{
    if (!dir->locked)
        return;
    unlink(dir->lock_path); /* while held: see take_lock */
    close(dir->lock_fd);
    dir->locked = false;
}

/* ---- what may be replaced */

/* Is `path` `folder` or inside it? Both are real paths. */
static bool within(const char *path, const char *folder)
{
    size_t n = strlen(folder);
    if (n == 1 && folder[0] == '/')
        return true;
    return strncmp(path, folder, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

static bool lists(const json_t *files, const char *name)
{
    size_t i;
    json_t *f;
    json_array_foreach(files, i, f)
    {
        const char *s = json_string_value(f);
        if (s && strcmp(s, name) == 0)
            return true;
    }
    return false;
}

static bool lists_under(const json_t *files, const char *folder)
{
    size_t n = strlen(folder), i;
    json_t *f;
    json_array_foreach(files, i, f)
    {
        const char *s = json_string_value(f);
        if (s && strncmp(s, folder, n) == 0 && s[n] == '/')
            return true;
    }
    return false;
}

/* The first entry (in name order) under root/rel that is not a file the
 * manifest lists nor a folder of such files, as "rel/name"; NULL if none.
 * Links, pipes and the like are never cjmsim's. */
static char *first_foreign(const char *root, const char *rel, const json_t *files, int depth)
{
    char *path = *rel ? join(root, rel) : xstrdup(root);
    struct dirent **ents;
    int n = scandir(path, &ents, NULL, alphasort);
    free(path);
    if (n < 0)
        return xstrdup(*rel ? rel : "."); /* unreadable: not known to be ours */
    char *found = NULL;
    for (int i = 0; i < n; i++) {
        const char *name = ents[i]->d_name;
        if (!found && strcmp(name, ".") != 0 && strcmp(name, "..") != 0) {
            char *entry = *rel ? join(rel, name) : xstrdup(name);
            char *full = join(root, entry);
            struct stat st;
            if (lstat(full, &st) != 0) {
                free(entry); /* gone meanwhile */
            } else if (S_ISREG(st.st_mode) && lists(files, entry)) {
                free(entry);
            } else if (S_ISDIR(st.st_mode) && depth < MAX_DEPTH && lists_under(files, entry)) {
                found = first_foreign(root, entry, files, depth + 1);
                free(entry);
            } else {
                found = entry;
            }
            free(full);
        }
        free(ents[i]);
    }
    free(ents);
    return found;
}

/* Is the existing directory `path` (not empty) a previous cjmsim result
 * and nothing more? Another program's manifest.json (a web app's) does not
 * make its directory replaceable, nor does a file added beside the results. */
static cj_status check_own_files(const char *path, cj_err *err)
{
    char *manifest = join(path, "manifest.json");
    bool has_manifest = access(manifest, F_OK) == 0;
    json_t *root = has_manifest ? json_load_file(manifest, 0, NULL) : NULL;
    free(manifest);
    const char *program = json_string_value(json_object_get(root, "program"));
    if (!program || strcmp(program, "cjmsim") != 0) {
        json_decref(root);
        return cj_fail(err, CJ_ERR_OUTPUT,
                       _("'%s' exists and is not a cjmsim results directory (%s); cjmsim replaces "
                         "only its own results: choose another --out or remove it"),
                       path,
                       has_manifest ? _("its manifest.json was not written by cjmsim")
                                    : _("it has no manifest.json"));
    }
    const json_t *files = json_object_get(root, "files");
    if (!json_is_array(files)) {
        json_decref(root);
        return cj_fail(err, CJ_ERR_OUTPUT,
                       _("'%s' holds cjmsim results whose manifest.json does not list their files; "
                         "cjmsim replaces only files it knows it wrote: choose another --out or "
                         "remove it"),
                       path);
    }
    char *foreign = first_foreign(path, "", files, 0);
    json_decref(root);
    if (!foreign)
        return CJ_OK;
    cj_fail(err, CJ_ERR_OUTPUT,
            _("'%s' holds %s, which cjmsim did not write (its manifest.json does not list it); "
              "cjmsim replaces only its own results: move it away or choose another --out"),
            path, foreign);
    free(foreign);
    return err->status;
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

/* Replacing a directory that holds the current directory would leave the
 * user's shell in a deleted one; replacing one that holds the scenario would
 * delete the run's own input. */
static cj_status check_not_in_use(const out_dir *dir, const char *real, cj_err *err)
{
    char cwd[PATH_MAX];
    char *real_cwd = getcwd(cwd, sizeof cwd) ? realpath(cwd, NULL) : NULL;
    bool holds_cwd = real_cwd && within(real_cwd, real);
    free(real_cwd);
    if (holds_cwd)
        return cj_fail(err, CJ_ERR_OUTPUT,
                       _("'%s' holds the current directory, which cjmsim does not replace: run "
                         "from outside it or choose another --out"),
                       dir->final_path);
    for (size_t i = 0; i < dir->n_reads; i++) {
        char *r = realpath(dir->reads[i], NULL);
        bool inside = r && within(r, real);
        free(r);
        if (inside)
            return cj_fail(err, CJ_ERR_OUTPUT,
                           _("'%s' holds %s, which this run reads; results never replace their "
                             "own input: choose another --out"),
                           dir->final_path, dir->reads[i]);
    }
    return CJ_OK;
}

/* May the destination be replaced by new results? */
static cj_status check_destination(const out_dir *dir, cj_err *err)
{
    const char *path = dir->final_path;
    struct stat st;
    if (lstat(path, &st) != 0)
        return errno == ENOENT
                   ? CJ_OK
                   : cj_fail(err, CJ_ERR_OUTPUT, _("cannot use results directory '%s': %s"), path,
                             strerror(errno));
    if (S_ISLNK(st.st_mode))
        return cj_fail(err, CJ_ERR_OUTPUT,
                       _("results path '%s' is a symbolic link; cjmsim neither follows nor "
                         "replaces links: choose another --out"),
                       path);
    if (!S_ISDIR(st.st_mode))
        return cj_fail(err, CJ_ERR_OUTPUT,
                       _("results path '%s' exists and is not a directory; choose another --out"),
                       path);
    char *real = realpath(path, NULL);
    if (!real)
        return cj_fail(err, CJ_ERR_OUTPUT, _("cannot use results directory '%s': %s"), path,
                       strerror(errno));
    cj_status status = check_not_in_use(dir, real, err);
    free(real);
    if (status != CJ_OK || is_empty_dir(path))
        return status;
    return check_own_files(path, err);
}

/* ---- the run's side */

/* Run when memory runs out: nothing may allocate here. */
static void out_emergency(void *arg)
{
    out_dir *dir = arg;
    if (dir->tmp_path)
        remove_tree(dir->tmp_path);
    if (dir->locked)
        unlink(dir->lock_path);
    for (size_t i = dir->n_made_parents; i-- > 0;)
        rmdir(dir->made_parents[i]);
}

/* The destination without trailing slashes; one that ends in "." or ".."
 * by its real path, so that NAME.tmp-* and the swap land beside it. */
static cj_status set_final_path(out_dir *dir, const char *path, cj_err *err)
{
    size_t len = strlen(path);
    while (len > 1 && path[len - 1] == '/')
        len--;
    dir->final_path = xmalloc(len + 1);
    memcpy(dir->final_path, path, len);
    dir->final_path[len] = '\0';
    const char *base = strrchr(dir->final_path, '/');
    base = base ? base + 1 : dir->final_path;
    if (strcmp(base, ".") != 0 && strcmp(base, "..") != 0)
        return CJ_OK;
    char *real = realpath(dir->final_path, NULL);
    if (!real)
        return cj_fail(err, CJ_ERR_OUTPUT, _("cannot use results directory '%s': %s"),
                       dir->final_path, strerror(errno));
    free(dir->final_path);
    dir->final_path = real;
    return CJ_OK;
}

cj_status out_begin_reading(out_dir *dir, const char *path, const char *const *reads,
                            size_t n_reads, cj_err *err)
{
    memset(dir, 0, sizeof *dir);
    dir->lock_fd = -1;
    dir->reads = xcalloc(n_reads, sizeof *dir->reads);
    for (size_t i = 0; i < n_reads; i++)
        dir->reads[dir->n_reads++] = xstrdup(reads[i]);
    if (set_final_path(dir, path, err) != CJ_OK)
        return err->status;
    dir->lock_path = with_suffix(dir->final_path, ".cjmsim-lock");
    /* Once before waiting for the lock, for a prompt refusal; again under it. */
    if (check_destination(dir, err) != CJ_OK || take_lock(dir, err) != CJ_OK ||
        check_destination(dir, err) != CJ_OK) {
        release_lock(dir);
        return err->status;
    }
    dir->tmp_path = with_suffix(dir->final_path, ".tmp-XXXXXX");
    if (!mkdtemp(dir->tmp_path)) {
        int saved = errno;
        free(dir->tmp_path);
        dir->tmp_path = NULL;
        release_lock(dir);
        return cj_fail(err, CJ_ERR_OUTPUT, _("cannot write results next to '%s': %s"),
                       dir->final_path, strerror(saved));
    }
    util_on_exhaustion(out_emergency, dir);
    release_lock(dir);
    chmod(dir->tmp_path, 0755);
    return CJ_OK;
}

cj_status out_begin(out_dir *dir, const char *path, cj_err *err)
{
    return out_begin_reading(dir, path, NULL, 0, err);
}

/* One lock for every directory's list: recording is rare and quick. */
static pthread_mutex_t record_lock = PTHREAD_MUTEX_INITIALIZER;

void out_record(out_dir *dir, const char *name)
{
    pthread_mutex_lock(&record_lock);
    size_t lo = 0, hi = dir->n_files;
    while (lo < hi) { /* kept in name order: the manifest's order whatever the writers' */
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(dir->files[mid], name);
        if (c == 0) {
            pthread_mutex_unlock(&record_lock);
            return;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    xgrow(&dir->files, &dir->n_files, sizeof *dir->files);
    memmove(dir->files + lo + 1, dir->files + lo, (dir->n_files - 1 - lo) * sizeof *dir->files);
    dir->files[lo] = xstrdup(name);
    pthread_mutex_unlock(&record_lock);
}

char *out_path(const out_dir *dir, const char *name)
{
    return join(dir->tmp_path, name);
}

FILE *out_open(out_dir *dir, const char *name, cj_err *err)
{
    char *path = join(dir->tmp_path, name);
    FILE *f = fopen(path, "w");
    if (!f)
        cj_fail(err, CJ_ERR_OUTPUT, _("cannot write %s/%s: %s"), dir->final_path, name,
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
        return cj_fail(err, CJ_ERR_OUTPUT, _("cannot write %s/%s: %s"), dir->final_path, name,
                       strerror(saved ? saved : EIO));
    out_record(dir, name);
    return CJ_OK;
}

/* The swap itself, under the lock: the previous result is set aside, the
 * new one renamed into place, the previous one removed. */
static cj_status swap_in(out_dir *dir, cj_err *err)
{
    char *old = with_suffix(dir->final_path, ".old-XXXXXX"); /* allocated before any rename */
    struct stat st;
    bool replacing = lstat(dir->final_path, &st) == 0;
    if (replacing) {
        if (!mkdtemp(old)) {
            int saved = errno;
            free(old);
            return cj_fail(err, CJ_ERR_OUTPUT, _("cannot replace '%s': %s"), dir->final_path,
                           strerror(saved));
        }
        if (rename(dir->final_path, old) != 0) {
            int saved = errno;
            rmdir(old);
            free(old);
            return cj_fail(err, CJ_ERR_OUTPUT, _("cannot replace '%s': %s"), dir->final_path,
                           strerror(saved));
        }
    }
    if (rename(dir->tmp_path, dir->final_path) != 0) {
        int saved = errno;
        if (replacing)
            rename(old, dir->final_path);
        free(old);
        return cj_fail(err, CJ_ERR_OUTPUT, _("cannot move results into '%s': %s"), dir->final_path,
                       strerror(saved));
    }
    if (replacing)
        remove_tree(old);
    free(old);
    return CJ_OK;
}

static void free_paths(out_dir *dir)
{
    for (size_t i = 0; i < dir->n_files; i++)
        free(dir->files[i]);
    free(dir->files);
    for (size_t i = 0; i < dir->n_reads; i++)
        free(dir->reads[i]);
    free(dir->reads);
    free(dir->tmp_path);
    free(dir->final_path);
    free(dir->lock_path);
    memset(dir, 0, sizeof *dir);
    dir->lock_fd = -1;
}

cj_status out_commit(out_dir *dir, cj_err *err)
{
    if (take_lock(dir, err) != CJ_OK)
        return err->status;
    if (check_destination(dir, err) != CJ_OK || swap_in(dir, err) != CJ_OK) {
        release_lock(dir);
        return err->status;
    }
    release_lock(dir);
    util_on_exhaustion(NULL, NULL);
    forget_parents(dir, false);
    free_paths(dir);
    return CJ_OK;
}

void out_abort(out_dir *dir)
{
    if (dir->tmp_path) {
        util_on_exhaustion(NULL, NULL);
        remove_tree(dir->tmp_path);
    }
    release_lock(dir);
    forget_parents(dir, true);
    free_paths(dir);
}
