/*
 * testutil — what the unit tests share: cmocka, a scenario written to a
 * temporary file, and a whole run through the engine's C API.
 */
#ifndef CJ_TESTUTIL_H
#define CJ_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compile.h"
#include "runner.h"
#include "scenario.h"
#include "sim.h"
#include "stats.h"
#include "variant.h"

/* Writes `text` to a fresh temporary file; returns its malloc'd path. */
static inline char *tu_write_scenario(const char *text)
{
    char tmpl[] = "/tmp/cjmsim-test-XXXXXX";
    int fd = mkstemp(tmpl);
    assert_true(fd >= 0);
    size_t len = strlen(text);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    close(fd);
    char *path = malloc(sizeof tmpl);
    memcpy(path, tmpl, sizeof tmpl);
    return path;
}

/* Path of a file in tests/scenarios, from the directory make check runs in. */
static inline const char *tu_scenario_path(const char *name, char *buf, size_t size)
{
    snprintf(buf, size, "tests/scenarios/%s", name);
    return buf;
}

/* A whole run, as the commands make it (runner.h): load, default variants,
 * compile, simulate, compute. */
typedef rn_run tu_run;

static inline void tu_run_scenario(tu_run *run, const char *path, int64_t customers, int days,
                                   uint64_t seed, int threads)
{
    cj_err err = {0};
    memset(run, 0, sizeof *run);
    run->scn = scn_load(path, NULL, &err);
    if (!run->scn)
        fail_msg("%s", err.msg);
    var_default(run->scn, &run->variants);
    run->model = cmp_build(run->scn, &run->variants, days, &err);
    if (!run->model)
        fail_msg("%s", err.msg);
    run->days = days;
    run->customers = customers;
    run->seed = seed;
    run->version = "9.9.9";
    run->threads = threads;
    run->processes = 1;
    if (sim_run(run->model, customers, seed, threads, &run->totals, &err) != CJ_OK)
        fail_msg("%s", err.msg);
    rn_compute(run);
}

static inline void tu_run_free(tu_run *run)
{
    rn_free(run);
}

/* A scenario written from text, loaded and compiled with its default
 * variants; any error fails the test. */
typedef struct {
    char *path;
    scn_scenario *scn;
    var_list variants;
    cmp_model *model;
} tu_compiled;

static inline void tu_compile_text(tu_compiled *c, const char *text, int days)
{
    cj_err err = {0};
    memset(c, 0, sizeof *c);
    c->path = tu_write_scenario(text);
    c->scn = scn_load(c->path, NULL, &err);
    if (!c->scn)
        fail_msg("%s", err.msg);
    var_default(c->scn, &c->variants);
    c->model = cmp_build(c->scn, &c->variants, days, &err);
    if (!c->model)
        fail_msg("%s", err.msg);
}

static inline void tu_compiled_free(tu_compiled *c)
{
    cmp_free(c->model);
    var_free(&c->variants);
    scn_free(c->scn);
    unlink(c->path);
    free(c->path);
}

/* A whole file as a malloc'd string. */
static inline char *tu_slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *s = malloc((size_t)n + 1);
    assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = '\0';
    fclose(f);
    return s;
}

#endif
