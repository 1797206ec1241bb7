/*
 * fuzz_scenario — libFuzzer target for everything a scenario file reaches:
 * the sandbox, the declaration functions and their checks, the compiler of
 * probability tables (twice, the second time with the first's memo), and a
 * tiny simulation of what compiled. Any input must
 * end in a clean result or a clean error: no crash, leak, hang or undefined
 * behaviour.
 *
 * The harness runs under the product's three limits on a scenario, scaled
 * down so that each input is quick: an instruction count, a memory cap, and
 * a deadline in place of the wall-clock watchdog (which ends the process,
 * as cjmsim must, but would end the fuzzing too). Without the deadline a
 * loop like `while true do s = #s .. s end` runs few instructions but copies
 * gigabytes, and the sanitizer's memory for the copies outgrows libFuzzer's
 * RSS limit.
 */
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "compile.h"
#include "memo.h"
#include "scenario.h"
#include "sim.h"
#include "stats.h"
#include "variant.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { FUZZ_DAYS = 20, FUZZ_CUSTOMERS = 40 };

/* A thousandth of the product's instructions, a sixteenth of its memory,
 * a tenth of its seconds (sandbox.h). */
static const sbx_limits FUZZ_LIMITS = {
    .max_instructions = SBX_DEFAULT_INSTRUCTIONS / 1000,
    .max_memory = (size_t)SBX_DEFAULT_MEMORY_MB / 16 << 20,
    .random_seed = 1,
};
enum { FUZZ_SECONDS = SBX_DEFAULT_SECONDS / 10 };

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    sbx_set_deadline(FUZZ_SECONDS);
    return 0;
}

/* scn_load reads a file: the input is written to one scratch file. */
static const char *scratch_file(const uint8_t *data, size_t size)
{
    static char path[] = "/tmp/cjmsim-fuzz-XXXXXX";
    static int fd = -1;
    if (fd < 0 && (fd = mkstemp(path)) < 0)
        abort();
    if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
        abort();
    return path;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = scratch_file(data, size);
    /* Small limits keep each input fast; the limits themselves are part of
     * what is tested. */
    cj_err err = {0};
    scn_scenario *scn = scn_load(path, &FUZZ_LIMITS, &err);
    if (!scn)
        return 0;
    var_list variants;
    var_default(scn, &variants);
    /* Compiled twice, as a sweep's sets are: keeping every function's key
     * and values (fnkey.h, memo.h), then taking them. */
    cmp_memo *memo = NULL;
    cmp_model *model = cmp_build_memo(scn, &variants, FUZZ_DAYS, NULL, &memo, &err);
    if (model) {
        cmp_free(model);
        model = cmp_build_memo(scn, &variants, FUZZ_DAYS, memo, NULL, &err);
    }
    memo_free(memo);
    if (model) {
        sim_totals totals;
        if (sim_run(model, FUZZ_CUSTOMERS, 1, 1, &totals, &err) == CJ_OK) {
            st_results results;
            st_compute(&totals, &results);
            st_free(&results);
        }
        sim_free(&totals);
    }
    cmp_free(model);
    var_free(&variants);
    scn_free(scn);
    return 0;
}
