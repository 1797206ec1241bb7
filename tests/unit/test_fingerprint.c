/* fingerprint: two compilations agree exactly when their models and run
 * options do, so the ranks of an MPI job can tell that they built the same
 * model before they add up their totals. */
#include "fingerprint.h"
#include "testutil.h"

static const char SHOP[] =
    "scenario { name = 'shop', customers = 100, days = 30, seed = 7 }\n"
    "persona 'a' { share = 0.4 }\n"
    "persona 'b' { share = 0.6, mood = 1 }\n"
    "stage 'visit' { entry = true }\n"
    "stage 'cart' {}\n"
    "stage 'buy' { purchase = true, value = 10 }\n"
    "transition('visit', 'cart', 0.2)\n"
    "transition('cart', 'buy', function(c) return 0.1 + 0.05 * c.mood end)\n"
    "intervention 'coupon' { at = 'buy', mood = 1, cost_per_customer = 0.5 }\n";

/* The fingerprint of `text` compiled over `days`, for these options. */
static void fingerprint_of(const char *text, int days, int64_t customers, uint64_t seed,
                           uint8_t digest[FP_SIZE])
{
    tu_compiled c;
    tu_compile_text(&c, text, days);
    fp_model(c.model, customers, seed, digest);
    tu_compiled_free(&c);
}

/* `text` with the first occurrence of `from` replaced by `to`. */
static char *edited(const char *text, const char *from, const char *to)
{
    const char *hit = strstr(text, from);
    assert_non_null(hit);
    size_t n = strlen(text) - strlen(from) + strlen(to) + 1;
    char *out = malloc(n);
    snprintf(out, n, "%.*s%s%s", (int)(hit - text), text, to, hit + strlen(from));
    return out;
}

static void differs_after_edit(const char *from, const char *to)
{
    uint8_t base[FP_SIZE], other[FP_SIZE];
    char *text = edited(SHOP, from, to);
    fingerprint_of(SHOP, 30, 1000, 7, base);
    fingerprint_of(text, 30, 1000, 7, other);
    if (memcmp(base, other, FP_SIZE) == 0)
        fail_msg("same fingerprint after replacing \"%s\" with \"%s\"", from, to);
    free(text);
}

static void same_model_same_fingerprint(void **state)
{
    (void)state;
    uint8_t a[FP_SIZE], b[FP_SIZE];
    fingerprint_of(SHOP, 30, 1000, 7, a);
    fingerprint_of(SHOP, 30, 1000, 7, b);
    assert_memory_equal(a, b, FP_SIZE);
    /* The model counts, not the text: a comment changes nothing. */
    char *text = edited(SHOP, "stage 'cart' {}\n", "stage 'cart' {} -- the basket\n");
    fingerprint_of(text, 30, 1000, 7, b);
    assert_memory_equal(a, b, FP_SIZE);
    free(text);
}

static void stage_order_changes_it(void **state)
{
    (void)state;
    differs_after_edit("stage 'cart' {}\nstage 'buy' { purchase = true, value = 10 }\n",
                       "stage 'buy' { purchase = true, value = 10 }\nstage 'cart' {}\n");
}

static void declarations_change_it(void **state)
{
    (void)state;
    differs_after_edit("persona 'a' { share = 0.4 }\npersona 'b' { share = 0.6, mood = 1 }\n",
                       "persona 'b' { share = 0.6, mood = 1 }\npersona 'a' { share = 0.4 }\n");
    differs_after_edit("persona 'a'", "persona 'x'");
    differs_after_edit("'cart', 0.2)", "'cart', 0.21)");
    differs_after_edit("0.05 * c.mood", "0.06 * c.mood");
    differs_after_edit("value = 10", "value = 11");
    differs_after_edit("cost_per_customer = 0.5", "cost_per_customer = 0.6");
    differs_after_edit("intervention 'coupon'", "intervention 'voucher'");
}

static void options_change_it(void **state)
{
    (void)state;
    uint8_t base[FP_SIZE], other[FP_SIZE];
    fingerprint_of(SHOP, 30, 1000, 7, base);
    fingerprint_of(SHOP, 31, 1000, 7, other);
    assert_memory_not_equal(base, other, FP_SIZE);
    fingerprint_of(SHOP, 30, 1001, 7, other);
    assert_memory_not_equal(base, other, FP_SIZE);
    fingerprint_of(SHOP, 30, 1000, 8, other);
    assert_memory_not_equal(base, other, FP_SIZE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_model_same_fingerprint),
        cmocka_unit_test(stage_order_changes_it),
        cmocka_unit_test(declarations_change_it),
        cmocka_unit_test(options_change_it),
    };
    return cmocka_run_group_tests_name("fingerprint", tests, NULL, NULL);
}
