/*
 * outdir: what the writers record is the list a manifest gives — every
 * file closed through out_close and every file recorded with out_record,
 * each once, in name order, whatever the order or the threads that wrote
 * them; a results directory given up records nothing.
 */
#include "testutil.h"

#include <pthread.h>

#include "outdir.h"

static void begin(out_dir *dir)
{
    cj_err err = {0};
    char path[] = "/tmp/cjmsim-test-outdir-XXXXXX";
    assert_non_null(mkdtemp(path));
    rmdir(path);
    assert_int_equal(out_begin(dir, path, &err), CJ_OK);
}

static void write_file(out_dir *dir, const char *name)
{
    cj_err err = {0};
    FILE *f = out_open(dir, name, &err);
    assert_non_null(f);
    fputs("x\n", f);
    assert_int_equal(out_close(dir, f, name, &err), CJ_OK);
}

static void records_closed_and_named_files_in_name_order(void **state)
{
    (void)state;
    out_dir dir;
    begin(&dir);
    assert_int_equal(dir.n_files, 0);
    write_file(&dir, "summary.json");
    write_file(&dir, "funnel.csv");
    out_record(&dir, "plots/funnel.svg"); /* drawn by another program */
    out_record(&dir, "daily.csv");
    write_file(&dir, "daily.csv"); /* recorded before and written after: once */
    out_record(&dir, "funnel.csv");
    static const char *const WANT[] = {"daily.csv", "funnel.csv", "plots/funnel.svg",
                                       "summary.json"};
    assert_int_equal(dir.n_files, 4);
    for (size_t i = 0; i < 4; i++)
        assert_string_equal(dir.files[i], WANT[i]);
    char *path = out_path(&dir, "funnel.csv");
    assert_int_equal(access(path, F_OK), 0);
    free(path);
    out_abort(&dir);
    assert_int_equal(dir.n_files, 0);
    assert_null(dir.files);
}

enum { N_THREADS = 4, PER_THREAD = 250 };

typedef struct {
    out_dir *dir;
    int id;
} recorder;

static void *record_many(void *arg)
{
    const recorder *r = arg;
    for (int i = 0; i < PER_THREAD; i++) {
        char name[32];
        snprintf(name, sizeof name, "plots/p%03d-%d.svg", i, r->id);
        out_record(r->dir, name);
        out_record(r->dir, "shared.csv"); /* every thread records it: still once */
    }
    return NULL;
}

static void writers_on_threads_record_at_once(void **state)
{
    (void)state;
    out_dir dir;
    begin(&dir);
    pthread_t ids[N_THREADS];
    recorder rs[N_THREADS];
    for (int t = 0; t < N_THREADS; t++) {
        rs[t] = (recorder){&dir, t};
        assert_int_equal(pthread_create(&ids[t], NULL, record_many, &rs[t]), 0);
    }
    for (int t = 0; t < N_THREADS; t++)
        pthread_join(ids[t], NULL);
    assert_int_equal(dir.n_files, N_THREADS * PER_THREAD + 1);
    for (size_t i = 1; i < dir.n_files; i++)
        assert_true(strcmp(dir.files[i - 1], dir.files[i]) < 0);
    assert_string_equal(dir.files[dir.n_files - 1], "shared.csv");
    out_abort(&dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(records_closed_and_named_files_in_name_order),
        cmocka_unit_test(writers_on_threads_record_at_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
