#define _GNU_SOURCE /* getrandom */
#include "serve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>

#include "datadir.h"
#include "i18n.h"
#include "param.h"
#include "progress.h"
#include "results.h"
#include "runner.h"
#include "sandbox.h"
#include "serve_text.h"
#include "sha256.h"
#include "sim.h"
#include "util.h"

/* Long URLs and slow clients: MHD refuses a request line or header larger
 * than its memory per connection (414/431); a connection idle this long is
 * closed; this many at once (tabs, pollers) are served, more wait. */
enum {
    SRV_POOL_THREADS = 4,
    SRV_CONNECTIONS = 64,
    SRV_IDLE_SECONDS = 15,
    SRV_MEMORY_PER_CONNECTION = 32 * 1024,
    SRV_POLL_MS = 50,
    SRV_TOKEN_BYTES = 16,
};

typedef struct {
    cli_options opts;
    const char *path;
    char token[2 * SRV_TOKEN_BYTES + 1];
    char cookie[48];            /* the cookie's name: one per port, as cookies ignore ports */
    pthread_mutex_t run_lock;   /* one simulation at a time: the sandbox's timer is global */
    pthread_mutex_t state_lock; /* what the page is told */
    uint64_t version;           /* grows with every new result or error */
    json_t *results;            /* the last good results (owned) */
    json_t *declared;           /* names of the parameters they declared */
    json_t *sliders;            /* the values the page set: name -> number */
    char *error;                /* the last run's error, or NULL when it succeeded */
    double elapsed_ms;          /* how long the last run took */
    /* The scenario file as last run: saving it changes these. */
    struct timespec mtime;
    off_t size;
    ino_t inode;
    char hash[65];
} server;

/* --- running the scenario ------------------------------------------------ */

/* The stages of the journey map: what the page draws beside the numbers. */
static json_t *texts_json(const scn_texts *texts)
{
    json_t *obj = json_object();
    for (size_t i = 0; i < texts->n; i++) {
        json_t *items = json_array();
        for (size_t k = 0; k < texts->items[i].n_items; k++) {
            char *clean = utf8_sanitized(texts->items[i].items[k]);
            json_array_append_new(items, json_string(clean));
            free(clean);
        }
        char *key = utf8_sanitized(texts->items[i].key);
        json_object_set_new(obj, key, items);
        free(key);
    }
    return obj;
}

static json_t *map_json(const scn_scenario *scn)
{
    json_t *stages = json_array();
    for (size_t i = 0; i < scn->n_stages; i++) {
        const scn_stage *st = &scn->stages[i];
        char *name = utf8_sanitized(st->name);
        json_array_append_new(stages,
                              json_pack("{sssbsbsbsiso}", "name", name, "entry", st->entry,
                                        "terminal", st->terminal, "purchase", st->purchase,
                                        "emotion", st->emotion, "texts", texts_json(&st->texts)));
        free(name);
    }
    return stages;
}

static json_t *params_json(const prm_list *list)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < list->n; i++) {
        const prm_param *p = &list->items[i];
        json_t *o = json_pack("{sssfsfsbsi}", "name", p->name, "default", p->def, "value", p->value,
                              "has_range", p->has_range, "line", p->line);
        if (p->has_range) {
            json_object_set_new(o, "low", json_real(p->low));
            json_object_set_new(o, "high", json_real(p->high));
        }
        json_array_append_new(arr, o);
    }
    return arr;
}

/* summary.json's content, as `run` writes it, plus the map and parameters. */
static json_t *results_json(const rn_run *r, cj_err *err)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) {
        cj_fail(err, CJ_ERR_RESOURCE, _("out of memory"));
        return NULL;
    }
    res_summary_json(f, r);
    fclose(f);
    json_t *root = json_loadb(text, len, 0, NULL);
    free(text);
    if (!root) {
        cj_fail(err, CJ_ERR_RESOURCE, _("the results could not be read back"));
        return NULL;
    }
    json_object_set_new(root, "map", map_json(r->scn));
    json_object_set_new(root, "param_list", params_json(&r->scn->params));
    json_object_set_new(root, "daily", srvt_daily_json(&r->results));
    return root;
}

static prm_set build_set(const server *s, json_t *sliders, cj_err *err)
{
    prm_set set = {0};
    if (prm_set_build(&set, s->opts.params_file, s->opts.sets, s->opts.n_sets, err) != CJ_OK)
        return set;
    const char *name;
    json_t *value;
    json_object_foreach(sliders, name, value)
        prm_set_put(&set, name, json_number_value(value), "the page");
    return set;
}

/* One simulation under the sandbox's limits. */
static json_t *simulate_once(server *s, json_t *sliders, cj_err *err)
{
    prm_set set = build_set(s, sliders, err);
    rn_run run = {0};
    json_t *out = NULL;
    if (err->status == CJ_OK) {
        sbx_watchdog_arm(s->path, s->opts.lua_seconds ? s->opts.lua_seconds : SBX_DEFAULT_SECONDS);
        rn_prepare_set(&run, &s->opts, &set, NULL, err);
        sbx_watchdog_disarm();
    }
    if (err->status == CJ_OK) {
        sim_options sim = {rn_threads(&s->opts), NULL, NULL, 0, 1, NULL};
        if (rn_simulate(&run, &sim, err) == CJ_OK) {
            rn_compute(&run);
            out = results_json(&run, err);
        }
    }
    rn_free(&run);
    prm_set_free(&set);
    return out;
}

static void fingerprint(server *s)
{
    struct stat st;
    if (stat(s->path, &st) == 0) {
        s->mtime = st.st_mtim;
        s->size = st.st_size;
        s->inode = st.st_ino;
    }
    if (sha256_file(s->path, s->hash) != 0)
        s->hash[0] = '\0';
}

/*
 * Runs the scenario with the page's slider values and publishes the result:
 * new numbers, or the error with the last good numbers kept. A file saved
 * without a parameter the page had set runs again without the page's values.
 */
static cj_status run_and_publish(server *s, json_t *sliders, cj_err *err)
{
    pthread_mutex_lock(&s->run_lock);
    double start = prg_clock();
    fingerprint(s);
    json_t *results = simulate_once(s, sliders, err);
    if (!results && err->status == CJ_ERR_USAGE && json_object_size(sliders) > 0) {
        memset(err, 0, sizeof *err);
        json_decref(sliders);
        sliders = json_object();
        results = simulate_once(s, sliders, err);
    }
    double elapsed = (prg_clock() - start) * 1e3;
    pthread_mutex_lock(&s->state_lock);
    s->version++;
    s->elapsed_ms = elapsed;
    free(s->error);
    s->error = results ? NULL : xstrdup(err->msg);
    if (results) {
        json_decref(s->results);
        s->results = results;
        json_decref(s->declared);
        s->declared = json_array();
        size_t i;
        json_t *p;
        json_array_foreach(json_object_get(results, "param_list"), i, p)
            json_array_append(s->declared, json_object_get(p, "name"));
        json_decref(s->sliders);
        s->sliders = json_incref(sliders);
    }
    pthread_mutex_unlock(&s->state_lock);
    pthread_mutex_unlock(&s->run_lock);
    json_decref(sliders);
    return err->status;
}

/* --- answering requests -------------------------------------------------- */

static bool same_token(const char *given, const char *token)
{
    if (!given || strlen(given) != strlen(token))
        return false;
    unsigned char diff = 0; /* constant time: every byte is compared */
    for (size_t i = 0; token[i]; i++)
        diff |= (unsigned char)(given[i] ^ token[i]);
    return diff == 0;
}

static enum MHD_Result respond(struct MHD_Connection *c, unsigned status, const char *type,
                               char *body, size_t len, const server *s, bool set_cookie)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(body);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", type);
    MHD_add_response_header(r, "Cache-Control", "no-store");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'self'; img-src 'self' data:; object-src 'none'; "
                            "base-uri 'none'; frame-ancestors 'none'");
    if (set_cookie) {
        char cookie[160];
        snprintf(cookie, sizeof cookie, "%s=%s; Path=/; HttpOnly; SameSite=Strict", s->cookie,
                 s->token);
        MHD_add_response_header(r, "Set-Cookie", cookie);
    }
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result respond_json(struct MHD_Connection *c, unsigned status, json_t *body,
                                    const server *s, bool set_cookie)
{
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    return respond(c, status, "application/json", text, strlen(text), s, set_cookie);
}

static enum MHD_Result respond_error(struct MHD_Connection *c, unsigned status, const char *msg,
                                     const server *s)
{
    char *clean = utf8_sanitized(msg);
    json_t *body = json_pack("{ss}", "error", clean);
    free(clean);
    return respond_json(c, status, body, s, false);
}

static json_t *state_json(server *s, uint64_t since, bool has_since)
{
    pthread_mutex_lock(&s->state_lock);
    json_t *o = json_pack("{sIsbsf}", "version", (json_int_t)s->version, "ok", s->error == NULL,
                          "elapsed_ms", s->elapsed_ms);
    json_object_set_new(o, "error", s->error ? json_string(s->error) : json_null());
    if (!has_since || since != s->version) {
        json_object_set(o, "results", s->results);
        json_object_set(o, "sliders", s->sliders);
        char *file = utf8_sanitized(s->path);
        json_object_set_new(o, "file", json_string(file));
        free(file);
    }
    pthread_mutex_unlock(&s->state_lock);
    return o;
}

/* A page's file from the data directory (web/). */
static enum MHD_Result serve_file(struct MHD_Connection *c, const server *s, const char *name,
                                  const char *type, bool set_cookie)
{
    char rel[64], path[4096];
    snprintf(rel, sizeof rel, "web/%s", name);
    size_t len = 0;
    char *body = datadir_find(rel, path, sizeof path) ? read_whole_file(path, &len) : NULL;
    if (!body)
        return respond_error(c, 500, _("the page's files are missing (web/ in the data directory)"),
                             s);
    /* <html lang="en"> says the language the page will speak. */
    static const char marker[] = "<html lang=\"en\">";
    char *at = len >= sizeof marker ? memmem(body, len, marker, sizeof marker - 1) : NULL;
    if (at)
        memcpy(at + strlen("<html lang=\""), i18n_code(), 2);
    return respond(c, 200, type, body, len, s, set_cookie);
}

typedef struct {
    server *s;
    json_t *sliders;
    char error[512];
} run_args;

/* Each argument of /api/run: token, or set.NAME=VALUE with NAME declared and
 * VALUE a finite number. */
static enum MHD_Result run_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *value)
{
    (void)kind;
    run_args *a = cls;
    if (strcmp(key, "token") == 0)
        return MHD_YES;
    if (strncmp(key, "set.", 4) != 0) {
        snprintf(a->error, sizeof a->error, _("unknown argument '%.64s': give set.NAME=VALUE"),
                 key);
        return MHD_NO;
    }
    const char *name = key + 4;
    bool known = false;
    size_t i;
    const json_t *d;
    json_array_foreach(a->s->declared, i, d)
    {
        if (strcmp(json_string_value(d), name) == 0)
            known = true;
    }
    if (!known) {
        snprintf(a->error, sizeof a->error, _("unknown parameter '%.64s'"), name);
        return MHD_NO;
    }
    char *end = NULL;
    errno = 0;
    double x = value && value[0] ? strtod(value, &end) : NAN;
    if (!end || *end || errno == ERANGE || !isfinite(x)) {
        snprintf(a->error, sizeof a->error, _("set.%.64s: '%.32s' is not a finite number"), name,
                 value ? value : "");
        return MHD_NO;
    }
    json_object_set_new(a->sliders, name, json_real(x));
    return MHD_YES;
}

static enum MHD_Result api_run(struct MHD_Connection *c, server *s, bool set_cookie)
{
    run_args a = {s, json_object(), ""};
    pthread_mutex_lock(&s->state_lock);
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, run_arg, &a);
    pthread_mutex_unlock(&s->state_lock);
    if (a.error[0]) {
        json_decref(a.sliders);
        return respond_error(c, 400, a.error, s);
    }
    cj_err err = {0};
    run_and_publish(s, a.sliders, &err);
    return respond_json(c, 200, state_json(s, 0, false), s, set_cookie);
}

static enum MHD_Result api_state(struct MHD_Connection *c, server *s, bool set_cookie)
{
    const char *since = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "since");
    uint64_t v = 0;
    bool has = false;
    if (since) {
        char *end;
        errno = 0;
        unsigned long long n = strtoull(since, &end, 10);
        if (!since[0] || *end || errno)
            return respond_error(c, 400, _("since: not a version number"), s);
        v = n;
        has = true;
    }
    return respond_json(c, 200, state_json(s, v, has), s, set_cookie);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **con_cls)
{
    (void)version;
    (void)upload;
    (void)con_cls;
    server *s = cls;
    if (*upload_size) /* a body we do not read */
        *upload_size = 0;
    const char *query_token = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "token");
    bool by_query = same_token(query_token, s->token);
    if (!by_query &&
        !same_token(MHD_lookup_connection_value(c, MHD_COOKIE_KIND, s->cookie), s->token))
        return respond_error(c, 403,
                             _("forbidden: this page needs the token printed by cjmsim serve"), s);
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        return respond_error(c, 405, _("only GET"), s);
    if (strcmp(url, "/") == 0 || strcmp(url, "/index.html") == 0)
        return serve_file(c, s, "serve.html", "text/html; charset=utf-8", by_query);
    if (strcmp(url, "/serve.js") == 0)
        return serve_file(c, s, "serve.js", "text/javascript; charset=utf-8", by_query);
    if (strcmp(url, "/serve.css") == 0)
        return serve_file(c, s, "serve.css", "text/css; charset=utf-8", by_query);
    if (strcmp(url, "/api/state") == 0)
        return api_state(c, s, by_query);
    if (strcmp(url, "/api/run") == 0)
        return api_run(c, s, by_query);
    if (strcmp(url, "/api/strings") == 0)
        return respond_json(c, 200, srvt_strings_json(), s, by_query);
    return respond_error(c, 404, _("no such page"), s);
}

/* --- the server's life --------------------------------------------------- */

static cj_status make_token(server *s, cj_err *err)
{
    unsigned char bytes[SRV_TOKEN_BYTES];
    size_t got = 0;
    while (got < sizeof bytes) {
        ssize_t n = getrandom(bytes + got, sizeof bytes - got, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return cj_fail(err, CJ_ERR_RESOURCE, _("no random numbers for the token: %s"),
                           strerror(errno));
        got += (size_t)n;
    }
    for (size_t i = 0; i < sizeof bytes; i++)
        snprintf(s->token + 2 * i, 3, "%02x", bytes[i]);
    return CJ_OK;
}

/* Has the scenario file been saved since it last ran? Size, time and inode
 * say it may have; the hash says whether its content changed. */
static bool file_changed(server *s)
{
    struct stat st;
    if (stat(s->path, &st) != 0)
        return false; /* an editor replacing it: look again next time */
    if (st.st_mtim.tv_sec == s->mtime.tv_sec && st.st_mtim.tv_nsec == s->mtime.tv_nsec &&
        st.st_size == s->size && st.st_ino == s->inode)
        return false;
    char hash[65];
    if (sha256_file(s->path, hash) != 0)
        return false;
    if (strcmp(hash, s->hash) == 0) {
        s->mtime = st.st_mtim;
        s->size = st.st_size;
        s->inode = st.st_ino;
        return false;
    }
    return true;
}

static void server_free(server *s)
{
    json_decref(s->results);
    json_decref(s->declared);
    json_decref(s->sliders);
    free(s->error);
    pthread_mutex_destroy(&s->run_lock);
    pthread_mutex_destroy(&s->state_lock);
}

cj_status serve_command(const cli_options *opts, cj_err *err)
{
    static server s; /* shared with the server's threads until they stop */
    memset(&s, 0, sizeof s);
    s.opts = *opts;
    s.path = opts->scenario;
    pthread_mutex_init(&s.run_lock, NULL);
    pthread_mutex_init(&s.state_lock, NULL);
    s.sliders = json_object();
    s.declared = json_array();

    /* Ctrl-C, SIGTERM and SIGHUP are taken by the main thread with
     * sigtimedwait; every thread started from here on blocks them. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    char web[4096];
    if (!datadir_find("web/serve.html", web, sizeof web)) {
        server_free(&s);
        return cj_fail(err, CJ_ERR_RESOURCE,
                       _("the page's files (web/serve.html) are not in the data directory; "
                         "set CJMSIM_DATADIR or reinstall cjmsim"));
    }
    if (make_token(&s, err) != CJ_OK || run_and_publish(&s, json_incref(s.sliders), err) != CJ_OK) {
        server_free(&s);
        return err->status;
    }

    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)opts->port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO, (uint16_t)opts->port, NULL, NULL, handle,
        &s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr, MHD_OPTION_THREAD_POOL_SIZE,
        (unsigned)SRV_POOL_THREADS, MHD_OPTION_CONNECTION_LIMIT, (unsigned)SRV_CONNECTIONS,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)SRV_IDLE_SECONDS,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)SRV_MEMORY_PER_CONNECTION, MHD_OPTION_END);
    if (!d) {
        server_free(&s);
        return cj_fail(err, CJ_ERR_RESOURCE,
                       _("cannot listen on 127.0.0.1:%u (is the port taken?)"), opts->port);
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    unsigned port = info ? info->port : opts->port;
    snprintf(s.cookie, sizeof s.cookie, "cjmsim_token_%u", port);
    const char *name = json_string_value(json_object_get(s.results, "scenario"));
    printf(_("Serving %s on this computer only. Open:\n"
             "  http://127.0.0.1:%u/?token=%s\n"
             "The page follows the sliders and every save of %s. Ctrl-C stops.\n"),
           name ? name : s.path, port, s.token, s.path);
    fflush(stdout);

    for (;;) {
        struct timespec tick = {0, SRV_POLL_MS * 1000L * 1000L};
        int sig = sigtimedwait(&stop, NULL, &tick);
        if (sig > 0)
            break;
        if (file_changed(&s)) {
            cj_err run_err = {0};
            pthread_mutex_lock(&s.state_lock);
            json_t *sliders = json_deep_copy(s.sliders);
            pthread_mutex_unlock(&s.state_lock);
            if (run_and_publish(&s, sliders, &run_err) != CJ_OK)
                fprintf(stderr, "cjmsim: %s\n", run_err.msg);
        }
    }
    sim_interrupted = 1; /* a simulation under way stops between blocks */
    MHD_stop_daemon(d);
    server_free(&s);
    fputs(_("cjmsim: stopped\n"), stderr);
    return CJ_OK;
}
