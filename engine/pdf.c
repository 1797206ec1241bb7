#define _XOPEN_SOURCE 700
#include "pdf.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "i18n.h"
#include "sim.h"
#include "util.h"

extern char **environ;

/* Chromium gets this long to print one page before it is stopped. */
enum { PDF_SECONDS = 120 };

/* The browser's path: $CJMSIM_CHROMIUM, or chromium / chromium-browser on
 * the PATH; NULL when there is none. */
static char *find_chromium(void)
{
    const char *given = getenv("CJMSIM_CHROMIUM");
    if (given && given[0])
        return access(given, X_OK) == 0 ? xstrdup(given) : NULL;
    static const char *const NAMES[] = {"chromium", "chromium-browser"};
    const char *path = getenv("PATH");
    if (!path)
        path = "/usr/bin:/bin";
    for (size_t k = 0; k < sizeof NAMES / sizeof NAMES[0]; k++) {
        const char *p = path;
        while (*p) {
            size_t len = strcspn(p, ":");
            char buf[PATH_MAX];
            if (len > 0 &&
                snprintf(buf, sizeof buf, "%.*s/%s", (int)len, p, NAMES[k]) < (int)sizeof buf &&
                access(buf, X_OK) == 0)
                return xstrdup(buf);
            p += len;
            if (*p == ':')
                p++;
        }
    }
    return NULL;
}

/* file:// and the path with every byte but letters, digits, "/-._~"
 * percent-encoded: a results path with spaces, '#' or '?' stays one file. */
static void file_url(char *buf, size_t size, const char *dir, const char *name)
{
    static const char SAFE[] = "/-._~";
    size_t n = (size_t)snprintf(buf, size, "file://");
    const char *parts[] = {dir, "/", name};
    for (size_t p = 0; p < 3; p++)
        for (const unsigned char *c = (const unsigned char *)parts[p]; *c && n + 4 < size; c++) {
            bool plain = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
                         (*c >= '0' && *c <= '9') || strchr(SAFE, *c);
            n += (size_t)snprintf(buf + n, size - n, plain ? "%c" : "%%%02X", *c);
        }
}

bool pdf_available(void)
{
    char *c = find_chromium();
    free(c);
    return c != NULL;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

static bool starts_with_pdf(const char *path)
{
    FILE *f = fopen(path, "rb");
    char magic[5] = {0};
    bool ok = f && fread(magic, 1, 4, f) == 4 && memcmp(magic, "%PDF", 4) == 0;
    if (f)
        fclose(f);
    return ok;
}

/* Waits for the browser, stopping it on Ctrl-C or after PDF_SECONDS. */
static int wait_browser(pid_t pid)
{
    struct timespec tick = {0, 50 * 1000 * 1000};
    for (long waited = 0;; waited += 50) {
        int status;
        pid_t got = waitpid(pid, &status, WNOHANG);
        if (got == pid)
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        if (got < 0 && errno != EINTR)
            return -1;
        if (sim_interrupted || waited > PDF_SECONDS * 1000L) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            return -1;
        }
        nanosleep(&tick, NULL);
    }
}

cj_status pdf_print(out_dir *dir, const char *html, const char *pdf, cj_err *err)
{
    char *chromium = find_chromium();
    if (!chromium)
        return cj_fail(err, CJ_ERR_USAGE,
                       _("--pdf needs Chromium to print report.html (install the chromium "
                         "package, set CJMSIM_CHROMIUM, or leave --pdf out)"));
    char tmp_abs[PATH_MAX];
    if (!realpath(dir->tmp_path, tmp_abs)) {
        free(chromium);
        return cj_fail(err, CJ_ERR_OUTPUT, _("cannot find '%s': %s"), dir->tmp_path,
                       strerror(errno));
    }
    const char *tmp = getenv("TMPDIR");
    char profile[PATH_MAX];
    snprintf(profile, sizeof profile, "%s/cjmsim-chromium-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    if (!mkdtemp(profile)) {
        free(chromium);
        return cj_fail(err, CJ_ERR_RESOURCE, _("cannot make a temporary directory: %s"),
                       strerror(errno));
    }
    char a_profile[PATH_MAX + 32], a_pdf[PATH_MAX + 32], a_url[3 * PATH_MAX + 32];
    char pdf_path[PATH_MAX + 2];
    snprintf(pdf_path, sizeof pdf_path, "%s/%s", tmp_abs, pdf);
    snprintf(a_profile, sizeof a_profile, "--user-data-dir=%s", profile);
    snprintf(a_pdf, sizeof a_pdf, "--print-to-pdf=%s", pdf_path);
    file_url(a_url, sizeof a_url, tmp_abs, html);
    char *argv[] = {chromium,
                    (char[]){"--headless"},
                    (char[]){"--no-sandbox"},
                    (char[]){"--disable-gpu"},
                    (char[]){"--disable-quic"},
                    (char[]){"--no-first-run"},
                    (char[]){"--disable-background-networking"},
                    (char[]){"--disable-component-update"},
                    (char[]){"--disable-sync"},
                    (char[]){"--no-pdf-header-footer"},
                    a_profile,
                    a_pdf,
                    a_url,
                    NULL};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    int rc = posix_spawn(&pid, chromium, &actions, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    int code = rc == 0 ? wait_browser(pid) : -1;
    nftw(profile, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    if (rc != 0)
        cj_fail(err, CJ_ERR_RESOURCE, _("cannot start %s: %s"), chromium, strerror(rc));
    else if (sim_interrupted)
        cj_fail(err, CJ_ERR_INTERRUPTED, _("interrupted: no results were written"));
    else if (code != 0 || !starts_with_pdf(pdf_path))
        cj_fail(err, CJ_ERR_OUTPUT, _("%s could not print %s to PDF (exit status %d)"), chromium,
                html, code);
    free(chromium);
    return err->status;
}
