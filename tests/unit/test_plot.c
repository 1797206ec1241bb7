/*
 * plot: names reach gnuplot as single-quoted strings that gnuplot reads
 * back unchanged and never runs; tic() keeps a '%' of a name out of
 * gnuplot's formats; the data files and scripts of a run; a results path
 * with a line break or bytes that are not UTF-8 gets its pictures; a
 * missing gnuplot is an outcome, not an error; every plot not drawn is named.
 */
#include "testutil.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "outdir.h"
#include "plot.h"

extern char **environ;

static void quote_is(const char *in, size_t max, const char *expected)
{
    char *q = plot_quote(in, max);
    assert_string_equal(q, expected);
    free(q);
}

static void quoting(void **state)
{
    (void)state;
    quote_is("awareness", 0, "'awareness'");
    quote_is("it's", 0, "'it''s'");
    quote_is("'", 0, "''''");
    quote_is("a\" ; system(\"touch x\") ; \"", 0, "'a\" ; system(\"touch x\") ; \"'");
    quote_is("back\\", 0, "'back\\'"); /* a backslash is literal in single quotes */
    quote_is("`touch x` @macro $x", 0, "'`touch x` @macro $x'");
    quote_is("two\nlines\tand\rmore", 0, "'two lines and more'");
    quote_is("bad \xff byte", 0, "'bad ? byte'");
    quote_is("", 0, "''");
    quote_is("abcdef", 3, "'abc\xE2\x80\xA6'");
    quote_is("abc", 3, "'abc'");
    quote_is("\xD0\xB6\xD0\xB6\xD0\xB6", 2, "'\xD0\xB6\xD0\xB6\xE2\x80\xA6'"); /* жжж */
    quote_is("''''", 2, "'''''\xE2\x80\xA6'");
}

/* Runs gnuplot with argv in dir; returns its exit status, or -1 when it
 * cannot be started. */
static int run_gnuplot(char *const argv[])
{
    pid_t pid;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    int rc = posix_spawnp(&pid, "gnuplot", &actions, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0)
        return -1;
    int status;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* The real test of the quoting: gnuplot prints every quoted name back
 * exactly, and nothing in them runs. */
static void gnuplot_reads_quoted_names_back(void **state)
{
    (void)state;
    static const char *const NAMES[] = {
        "a\" ; system(\"touch x\") ; \"",
        "b' . system('touch y') . '",
        "`touch z`",
        "@macro",
        "tail\\",
        "<script>alert(1)</script> & more",
        "\xD0\xBF\xD0\xBE\xD0\xBA\xD1\x83\xD0\xBF\xD0\xBA\xD0\xB0", /* покупка */
    };
    enum { N = sizeof NAMES / sizeof NAMES[0] };
    char dir[] = "/tmp/cjmsim-test-plot-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char script[256], printed[256];
    snprintf(script, sizeof script, "%s/names.gp", dir);
    snprintf(printed, sizeof printed, "%s/printed.txt", dir);
    FILE *f = fopen(script, "w");
    assert_non_null(f);
    char *out = plot_quote(printed, 0);
    fprintf(f, "set print %s\n", out);
    free(out);
    for (size_t i = 0; i < N; i++) {
        char *q = plot_quote(NAMES[i], 0);
        fprintf(f, "print %s\nname = %s\nprint name\n", q, q);
        free(q);
    }
    fclose(f);
    char a0[] = "gnuplot", a1[] = "--default-settings", a2[] = "-e";
    char cd[300];
    snprintf(cd, sizeof cd, "cd '%s'", dir);
    char *argv[] = {a0, a1, a2, cd, script, NULL};
    int rc = run_gnuplot(argv);
    if (rc == -1) {
        rmdir(dir);
        skip(); /* gnuplot is not installed; CI installs it */
    }
    assert_int_equal(rc, 0);
    f = fopen(printed, "r");
    assert_non_null(f);
    char line[512];
    for (size_t i = 0; i < N; i++)
        for (int twice = 0; twice < 2; twice++) {
            assert_non_null(fgets(line, sizeof line, f));
            line[strcspn(line, "\n")] = '\0';
            assert_string_equal(line, NAMES[i]);
        }
    fclose(f);
    static const char *const TRAPS[] = {"x", "y", "z"};
    for (size_t i = 0; i < 3; i++) {
        char path[300];
        snprintf(path, sizeof path, "%s/%s", dir, TRAPS[i]);
        assert_int_equal(access(path, F_OK), -1);
        assert_int_equal(access(TRAPS[i], F_OK), -1);
    }
    remove(script);
    remove(printed);
    assert_int_equal(rmdir(dir), 0);
}

/* style.gp's tic() doubles every '%', so that gnuplot, which reads a tic
 * label as a format, shows the name as written. gnuplot prints what tic()
 * makes of each name. */
static void tic_doubles_every_percent(void **state)
{
    (void)state;
    static const char *const CASES[][2] = {
        {"10% off", "10%% off"}, {"50%", "50%%"},   {"%%", "%%%%"},
        {"%s %d %n", "%%s %%d %%n"}, {"no sign", "no sign"}, {"", ""},
        {"\xC3\xBC%\xC3\xB6", "\xC3\xBC%%\xC3\xB6"}, /* ü%ö */
    };
    enum { N = sizeof CASES / sizeof CASES[0] };
    char dir[] = "/tmp/cjmsim-test-plot-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char script[256], printed[256], cwd[4096];
    snprintf(script, sizeof script, "%s/tic.gp", dir);
    snprintf(printed, sizeof printed, "%s/printed.txt", dir);
    assert_non_null(getcwd(cwd, sizeof cwd));
    FILE *f = fopen(script, "w");
    assert_non_null(f);
    fprintf(f,
            "set encoding utf8\nmethod = 'monte_carlo'\nload '%s/plots/style.gp'\nset print '%s'\n",
            cwd, printed);
    for (size_t i = 0; i < N; i++) {
        char *q = plot_quote(CASES[i][0], 0);
        fprintf(f, "print '[' . tic(%s) . ']'\n", q);
        free(q);
    }
    fclose(f);
    char a0[] = "gnuplot", a1[] = "--default-settings";
    char *argv[] = {a0, a1, script, NULL};
    int rc = run_gnuplot(argv);
    if (rc == -1) {
        remove(script);
        rmdir(dir);
        skip(); /* gnuplot is not installed; CI installs it */
    }
    assert_int_equal(rc, 0);
    f = fopen(printed, "r");
    assert_non_null(f);
    char line[512], want[512];
    for (size_t i = 0; i < N; i++) {
        assert_non_null(fgets(line, sizeof line, f));
        line[strcspn(line, "\n")] = '\0';
        snprintf(want, sizeof want, "[%s]", CASES[i][1]);
        assert_string_equal(line, want);
    }
    fclose(f);
    remove(script);
    remove(printed);
    assert_int_equal(rmdir(dir), 0);
}

/* Was `name` recorded in the results directory (outdir.h)? */
static bool has_file(const out_dir *dir, const char *name)
{
    for (size_t i = 0; i < dir->n_files; i++)
        if (strcmp(dir->files[i], name) == 0)
            return true;
    return false;
}

/* The templates of the source tree, whatever else is installed. */
static void use_source_templates(void)
{
    char cwd[4096];
    assert_non_null(getcwd(cwd, sizeof cwd));
    setenv("CJMSIM_DATADIR", cwd, 1);
}

static void begin_results(out_dir *dir)
{
    cj_err err = {0};
    char path[] = "/tmp/cjmsim-test-plot-XXXXXX";
    assert_non_null(mkdtemp(path));
    rmdir(path);
    assert_int_equal(out_begin(dir, path, &err), CJ_OK);
}

/* Data and scripts for every plot, the scenario's names quoted in them. */
static void writes_data_and_scripts(void **state)
{
    (void)state;
    use_source_templates();
    tu_run run;
    tu_run_scenario(&run, "tests/scenarios/hostile.lua", 2000, 30, 7, 1);
    out_dir dir;
    begin_results(&dir);
    plot_output out;
    cj_err err = {0};
    assert_int_equal(plot_write(&dir, &run, &out, &err), CJ_OK);
    assert_int_equal(out.outcome, PLOT_DRAWN);
    static const char *const PLOTS[] = {"funnel", "buyers_by_day", "uplift", "emotions",
                                        "personas"};
    assert_int_equal(out.n_pictures, 5);
    for (size_t i = 0; i < 5; i++) {
        char name[64];
        assert_string_equal(out.pictures[i].name, PLOTS[i]);
        assert_false(out.pictures[i].drawn);
        snprintf(name, sizeof name, "plots/%s.dat", PLOTS[i]);
        assert_true(has_file(&dir, name));
        snprintf(name, sizeof name, "plots/%s.gp", PLOTS[i]);
        assert_true(has_file(&dir, name));
    }
    assert_true(has_file(&dir, "plots/plots.gp"));

    char path[4096];
    snprintf(path, sizeof path, "%s/plots/funnel.gp", dir.tmp_path);
    char *gp = tu_slurp(path);
    assert_non_null(strstr(gp, "stage_name[1] = 'a\" ; system(\"touch x\") ; \"'\n"));
    assert_non_null(strstr(gp, "stage_name[2] = '<buy> & ''pay'''\n"));
    assert_non_null(strstr(gp, "stage_name[4] = 'gone\\'\n"));
    assert_non_null(strstr(gp, "group_name[2] = 'b'' . system(''touch y'') . '''\n"));
    assert_non_null(strstr(gp, "variant_label[4] = 'i\" ; system(\"touch v\") ; \"+' . \"\\n\" . "
                               "'<j> & ''k'''\n"));
    assert_non_null(strstr(gp, "# ---- plots/funnel.gp\n"));
    free(gp);

    /* numbers only in the data: the funnel's entry stage is everyone */
    snprintf(path, sizeof path, "%s/plots/funnel.dat", dir.tmp_path);
    char *dat = tu_slurp(path);
    assert_non_null(strstr(dat, "\n0 100.0000 -1.0000 100.0000 -1.0000"));
    free(dat);
    plot_output_free(&out);
    out_abort(&dir);
    tu_run_free(&run);
}

/* Without a variant to compare there is no uplift plot. */
static void no_uplift_without_variants(void **state)
{
    (void)state;
    use_source_templates();
    tu_run run;
    tu_run_scenario(&run, "tests/scenarios/minimal.lua", 100, 10, 1, 1);
    out_dir dir;
    begin_results(&dir);
    plot_output out;
    cj_err err = {0};
    assert_int_equal(plot_write(&dir, &run, &out, &err), CJ_OK);
    assert_int_equal(out.n_pictures, 4);
    assert_false(has_file(&dir, "plots/uplift.gp"));
    plot_output_free(&out);
    out_abort(&dir);
    tu_run_free(&run);
}

/* No gnuplot on PATH: the scripts stay, the outcome says so, and the
 * warning names the command that draws them later. */
static void missing_gnuplot_is_an_outcome(void **state)
{
    (void)state;
    use_source_templates();
    tu_run run;
    tu_run_scenario(&run, "tests/scenarios/shop.lua", 500, 20, 1, 1);
    out_dir dir;
    begin_results(&dir);
    plot_output out;
    cj_err err = {0};
    assert_int_equal(plot_write(&dir, &run, &out, &err), CJ_OK);
    char *path = strdup(getenv("PATH"));
    setenv("PATH", "/nonexistent", 1);
    cj_status st = plot_draw(&dir, &out, &err);
    setenv("PATH", path, 1);
    free(path);
    assert_int_equal(st, CJ_OK);
    assert_int_equal(out.outcome, PLOT_NO_GNUPLOT);
    for (size_t i = 0; i < out.n_pictures; i++)
        assert_false(out.pictures[i].drawn);
    for (size_t i = 0; i < dir.n_files; i++) {
        assert_null(strstr(dir.files[i], ".png"));
        assert_null(strstr(dir.files[i], ".svg"));
    }

    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    plot_warning(f, &out, "results/it's here");
    fclose(f);
    assert_string_equal(text, "cjmsim: gnuplot not found: plots not drawn; draw them later "
                              "with: cd 'results/it'\\''s here/plots' && gnuplot plots.gp\n");
    free(text);
    plot_output_free(&out);
    out_abort(&dir);
    tu_run_free(&run);
}

/* gnuplot is started in the plots folder and told file names only: a
 * results path it could not be told (a line break, bytes that are not
 * UTF-8) gets every picture. */
static void odd_results_path_is_drawn(void **state)
{
    (void)state;
    use_source_templates();
    tu_run run;
    tu_run_scenario(&run, "tests/scenarios/shop.lua", 300, 10, 1, 1);
    char parent[] = "/tmp/cjmsim-test-plot-XXXXXX";
    assert_non_null(mkdtemp(parent));
    char path[256];
    snprintf(path, sizeof path, "%s/line\nbreak \xff\xfe '%%s'", parent);
    out_dir dir;
    cj_err err = {0};
    assert_int_equal(out_begin(&dir, path, &err), CJ_OK);
    plot_output out;
    assert_int_equal(plot_write(&dir, &run, &out, &err), CJ_OK);
    assert_int_equal(plot_draw(&dir, &out, &err), CJ_OK);
    if (out.outcome == PLOT_NO_GNUPLOT) {
        plot_output_free(&out);
        out_abort(&dir);
        rmdir(parent);
        tu_run_free(&run);
        skip(); /* gnuplot is not installed; CI installs it */
    }
    assert_string_equal(out.problem, "");
    assert_int_equal(out.outcome, PLOT_DRAWN);
    for (size_t i = 0; i < out.n_pictures; i++)
        assert_true(out.pictures[i].drawn);
    assert_true(has_file(&dir, "plots/funnel.svg"));
    assert_false(has_file(&dir, "plots/funnel.png")); /* PNG with --png only */
    plot_output_free(&out);
    out_abort(&dir);
    assert_int_equal(rmdir(parent), 0);
    tu_run_free(&run);
}

/* A plot gnuplot failed on is never silent: the warning names every
 * picture that is missing, not only the first failure. */
static void failed_plots_are_named(void **state)
{
    (void)state;
    plot_picture pictures[] = {
        {"funnel", "", true}, {"uplift", "", false}, {"emotions", "", true}, {"personas", "", false}};
    plot_output out = {0};
    out.pictures = pictures;
    out.n_pictures = 4;
    out.outcome = PLOT_FAILED;
    snprintf(out.problem, sizeof out.problem, "gnuplot failed on uplift.gp: boom");
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    plot_warning(f, &out, "results/shop");
    fclose(f);
    assert_string_equal(text, "cjmsim: gnuplot failed on uplift.gp: boom; not drawn: uplift, "
                              "personas; the data and scripts are in results/shop/plots\n");
    free(text);
}

/* Templates that cannot be found write nothing and say which is missing. */
static void missing_templates(void **state)
{
    (void)state;
    char installed[4096];
    snprintf(installed, sizeof installed, "%s/plots/palette.gp", CJMSIM_DATADIR);
    if (access(installed, F_OK) == 0)
        skip(); /* an installed copy would be found: nothing is missing */
    char empty[] = "/tmp/cjmsim-test-plot-XXXXXX";
    assert_non_null(mkdtemp(empty));
    setenv("CJMSIM_DATADIR", empty, 1);
    tu_run run;
    tu_run_scenario(&run, "tests/scenarios/minimal.lua", 100, 10, 1, 1);
    out_dir dir;
    begin_results(&dir);
    plot_output out;
    cj_err err = {0};
    assert_int_equal(plot_write(&dir, &run, &out, &err), CJ_OK);
    assert_int_equal(out.outcome, PLOT_NOT_WRITTEN);
    assert_int_equal(dir.n_files, 0);
    /* The first template every script needs: the palette. */
    assert_non_null(strstr(out.problem, "plots/palette.gp was not found"));
    plot_output_free(&out);
    out_abort(&dir);
    tu_run_free(&run);
    rmdir(empty);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(quoting),
        cmocka_unit_test(gnuplot_reads_quoted_names_back),
        cmocka_unit_test(tic_doubles_every_percent),
        cmocka_unit_test(writes_data_and_scripts),
        cmocka_unit_test(no_uplift_without_variants),
        cmocka_unit_test(missing_gnuplot_is_an_outcome),
        cmocka_unit_test(odd_results_path_is_drawn),
        cmocka_unit_test(failed_plots_are_named),
        cmocka_unit_test(missing_templates),
    };
    return cmocka_run_group_tests_name("plot", tests, NULL, NULL);
}
