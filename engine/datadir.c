#include "datadir.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

enum { MAX_CANDIDATES = 4 };

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

size_t datadir_program_dirs(char dirs[2][PATH_MAX])
{
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len <= 0)
        return 0;
    exe[len] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return 0;
    *slash = '\0';
    snprintf(dirs[0], PATH_MAX, "%s", exe);
    slash = strrchr(exe, '/');
    if (!slash)
        return 1;
    *slash = '\0';
    snprintf(dirs[1], PATH_MAX, "%s", exe[0] ? exe : "/");
    return 2;
}

/* The candidate data directories, most specific first. */
static size_t candidates(char dirs[MAX_CANDIDATES][PATH_MAX])
{
    size_t n = 0;
    const char *env = getenv("CJMSIM_DATADIR");
    if (env && env[0])
        snprintf(dirs[n++], PATH_MAX, "%s", env);
    /* ./cjmsim in the source tree, then build/cjmsim */
    n += datadir_program_dirs(dirs + n);
    snprintf(dirs[n++], PATH_MAX, "%s", CJMSIM_DATADIR);
    return n;
}

const char *datadir_find(const char *relative, char *buf, size_t size)
{
    char dirs[MAX_CANDIDATES][PATH_MAX];
    size_t n = candidates(dirs);
    for (size_t i = 0; i < n; i++) {
        snprintf(buf, size, "%s/%s", dirs[i], relative);
        if (access(buf, R_OK) == 0)
            return buf;
    }
    return NULL;
}

const char *datadir_root(char *buf, size_t size)
{
    char dirs[MAX_CANDIDATES][PATH_MAX];
    size_t n = candidates(dirs);
    for (size_t i = 0; i < n; i++) {
        char probe[PATH_MAX + 16];
        snprintf(probe, sizeof probe, "%s/plots", dirs[i]);
        if (is_dir(probe) || i + 1 == n) {
            snprintf(buf, size, "%s", dirs[i]);
            return is_dir(buf) ? buf : NULL;
        }
    }
    return NULL;
}

char *datadir_read(const char *relative, char *path, size_t size)
{
    return datadir_find(relative, path, size) ? read_whole_file(path, NULL) : NULL;
}
