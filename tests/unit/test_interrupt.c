/* sandbox interrupts: once sbx_interrupt is called (by the SIGINT handler),
 * Lua code stops with "interrupted" whatever it catches, and a stall in C
 * is ended by the armed watchdog with status 130 and one message. */
#include <pthread.h>
#include <sys/wait.h>
#include <time.h>

#include "sandbox.h"
#include "testutil.h"

static void *interrupt_later(void *arg)
{
    (void)arg;
    struct timespec pause = {0, 100 * 1000 * 1000};
    nanosleep(&pause, NULL);
    sbx_interrupt();
    return NULL;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* A stall inside one C call, the pattern matcher's backtracking. */
static const char STALL[] = "string.find(string.rep('a', 30000), '.-.-.-.-.-.-.-.-.-b')\n";

/* Runs STALL in a child with the watchdog armed for 5 s and interrupts it
 * after 0.1 s: the child must end with 130 and the message, on its own. */
static void a_stall_in_c_is_ended_by_the_watchdog(void **state)
{
    (void)state;
    char *path = tu_write_scenario(STALL);
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    double start = now();
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(fds[1], STDERR_FILENO);
        cj_err err = {0};
        sbx_limits limits = {UINT64_C(1000000000000000), 0, 0};
        pthread_t t;
        pthread_create(&t, NULL, interrupt_later, NULL);
        sbx_watchdog_arm(path, 5);
        scn_load(path, &limits, &err);
        _exit(99); /* the stall ended by itself: not what is tested */
    }
    close(fds[1]);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    double took = now() - start;
    char buf[256] = "";
    ssize_t n = read(fds[0], buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = '\0';
    close(fds[0]);
    unlink(path);
    free(path);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 130);
    assert_string_equal(buf, "cjmsim: interrupted: no results were written\n");
    assert_true(took < 1.5);
}

/* Lua code that catches every error still stops (last: the flag stays set). */
static void lua_code_stops_whatever_it_catches(void **state)
{
    (void)state;
    char *path = tu_write_scenario("local function spin() while true do end end\n"
                                   "while true do\n"
                                   "  xpcall(spin, spin)\n"
                                   "  pcall(spin)\n"
                                   "end\n");
    cj_err err = {0};
    sbx_limits limits = {UINT64_C(1000000000000000), 0, 0};
    pthread_t t;
    assert_false(sbx_interrupted());
    pthread_create(&t, NULL, interrupt_later, NULL);
    double start = now();
    /* As in a run; should the hook fail to stop the loop, the watchdog ends
     * this test program with 130, which fails it. */
    sbx_watchdog_arm(path, 60);
    scn_scenario *scn = scn_load(path, &limits, &err);
    sbx_watchdog_disarm();
    pthread_join(t, NULL);
    assert_null(scn);
    assert_true(sbx_interrupted());
    assert_non_null(strstr(err.msg, "interrupted"));
    assert_true(now() - start < 1.5);
    unlink(path);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_stall_in_c_is_ended_by_the_watchdog),
        cmocka_unit_test(lua_code_stops_whatever_it_catches),
    };
    return cmocka_run_group_tests_name("interrupt", tests, NULL, NULL);
}
