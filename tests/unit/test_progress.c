/* progress: the bar is drawn only on a terminal, only after about a second,
 * and is cleared at the end; a pseudo-terminal stands in for the user's. */
#define _XOPEN_SOURCE 700
#include <fcntl.h>
#include <stdlib.h>

#include "progress.h"
#include "testutil.h"

/* A pseudo-terminal: the bar writes to `out`, the test reads `master`. */
typedef struct {
    int master;
    FILE *out;
} pty;

static void pty_open(pty *p)
{
    p->master = posix_openpt(O_RDWR | O_NOCTTY);
    assert_true(p->master >= 0);
    assert_int_equal(grantpt(p->master), 0);
    assert_int_equal(unlockpt(p->master), 0);
    int slave = open(ptsname(p->master), O_RDWR | O_NOCTTY);
    assert_true(slave >= 0);
    p->out = fdopen(slave, "w");
    assert_non_null(p->out);
    fcntl(p->master, F_SETFL, O_NONBLOCK);
}

/* What was written to the terminal since the last call. */
static void pty_read(pty *p, char *buf, size_t size)
{
    fflush(p->out);
    ssize_t n = read(p->master, buf, size - 1);
    buf[n > 0 ? n : 0] = '\0';
}

static void pty_close(pty *p)
{
    fclose(p->out);
    close(p->master);
}

static void drawn_on_a_terminal_after_a_second(void **state)
{
    (void)state;
    pty p;
    pty_open(&p);
    char buf[512];
    prg_bar bar;
    prg_start(&bar, p.out, true);
    prg_update(&bar, 10, 100); /* a fresh run: too early */
    pty_read(&p, buf, sizeof buf);
    assert_string_equal(buf, "");
    bar.start -= 2; /* as if it had run for two seconds */
    prg_update(&bar, 50, 100);
    pty_read(&p, buf, sizeof buf);
    assert_non_null(strstr(buf, "simulating ["));
    assert_non_null(strstr(buf, " 50%"));
    prg_update(&bar, 60, 100); /* redrawn at most ten times a second */
    pty_read(&p, buf, sizeof buf);
    assert_string_equal(buf, "");
    prg_finish(&bar);
    pty_read(&p, buf, sizeof buf);
    assert_string_equal(buf, "\r\033[K");
    pty_close(&p);
}

static void nothing_when_quiet_or_not_a_terminal(void **state)
{
    (void)state;
    pty p;
    pty_open(&p);
    char buf[512];
    prg_bar bar;
    prg_start(&bar, p.out, false); /* --quiet */
    bar.start -= 2;
    prg_update(&bar, 50, 100);
    prg_finish(&bar);
    pty_read(&p, buf, sizeof buf);
    assert_string_equal(buf, "");
    pty_close(&p);

    FILE *file = tmpfile(); /* a pipe or a file: what tests capture */
    assert_non_null(file);
    prg_start(&bar, file, true);
    bar.start -= 2;
    prg_update(&bar, 50, 100);
    prg_finish(&bar);
    assert_int_equal(ftell(file), 0);
    fclose(file);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(drawn_on_a_terminal_after_a_second),
        cmocka_unit_test(nothing_when_quiet_or_not_a_terminal),
    };
    return cmocka_run_group_tests_name("progress", tests, NULL, NULL);
}
