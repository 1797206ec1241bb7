/*
 * fuzz_scenario — libFuzzer target for everything a scenario file reaches:
 * the sandbox, the declaration functions and their checks, the compiler of
 * probability tables, and a tiny simulation of what compiled. Any input must
 * end in a clean result or a clean error: no crash, leak, hang or undefined
 * behaviour.
 */
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "compile.h"
#include "scenario.h"
#include "sim.h"
#include "stats.h"
#include "variant.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { FUZZ_DAYS = 20, FUZZ_CUSTOMERS = 40 };

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
    sbx_limits limits = {.max_instructions = 200000, .max_memory = 32u << 20, .random_seed = 1};
    cj_err err = {0};
    scn_scenario *scn = scn_load(path, &limits, &err);
    if (!scn)
        return 0;
    var_list variants;
    var_default(scn, &variants);
    cmp_model *model = cmp_build(scn, &variants, FUZZ_DAYS, &err);
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
