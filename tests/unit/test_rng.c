/* rng: PCG32 against its published reference output, and the block and
 * customer streams that make results independent of threads. */
#include "rng.h"
#include "testutil.h"

/* pcg32-demo: pcg32_srandom_r(&rng, 42u, 54u), first six outputs. */
static void reference_output(void **state)
{
    (void)state;
    static const uint32_t expected[] = {0xa15c02b7, 0x7b47f409, 0xba1d3330,
                                        0x83d2f293, 0xbfa4784b, 0xcbed606e};
    rng_t rng;
    rng_seed(&rng, 42u, 54u);
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++)
        assert_int_equal(rng_next(&rng), expected[i]);
}

static void block_streams_are_reproducible_and_distinct(void **state)
{
    (void)state;
    rng_t a, b, c;
    rng_block(&a, 7, 3);
    rng_block(&b, 7, 3);
    rng_block(&c, 7, 4);
    int same_as_other_block = 0;
    for (int i = 0; i < 1000; i++) {
        uint32_t x = rng_next(&a);
        assert_int_equal(x, rng_next(&b));
        same_as_other_block += x == rng_next(&c);
    }
    assert_true(same_as_other_block < 5);
}

static void nearby_seeds_give_unrelated_streams(void **state)
{
    (void)state;
    rng_t a, b;
    rng_block(&a, 1, 0);
    rng_block(&b, 2, 0);
    int equal = 0;
    for (int i = 0; i < 1000; i++)
        equal += rng_next(&a) == rng_next(&b);
    assert_true(equal < 5);
}

/* Customers of a block are reproducible in order, and a customer's
 * generator copied for each variant gives every variant the same numbers. */
static void customer_generators(void **state)
{
    (void)state;
    rng_t block1, block2, c1, c2;
    rng_block(&block1, 99, 0);
    rng_block(&block2, 99, 0);
    for (int customer = 0; customer < 100; customer++) {
        rng_customer(&block1, &c1);
        rng_customer(&block2, &c2);
        rng_t copy = c1;
        for (int i = 0; i < 10; i++) {
            uint32_t x = rng_next(&c1);
            assert_int_equal(x, rng_next(&c2));
            assert_int_equal(x, rng_next(&copy));
        }
    }
}

/* Uniformity of the draws the simulation compares with thresholds:
 * counts in 16 bins of the top 4 bits, chi-square with 15 degrees of
 * freedom far below its 1e-6 tail (about 52). */
static void draws_are_uniform(void **state)
{
    (void)state;
    enum { N = 1 << 20, BINS = 16 };
    long count[BINS] = {0};
    rng_t rng;
    rng_block(&rng, 2024, 5);
    for (int i = 0; i < N; i++)
        count[rng_next(&rng) >> 28]++;
    double expected = (double)N / BINS, chi2 = 0;
    for (int b = 0; b < BINS; b++)
        chi2 += (count[b] - expected) * (count[b] - expected) / expected;
    assert_true(chi2 < 52.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reference_output),
        cmocka_unit_test(block_streams_are_reproducible_and_distinct),
        cmocka_unit_test(nearby_seeds_give_unrelated_streams),
        cmocka_unit_test(customer_generators),
        cmocka_unit_test(draws_are_uniform),
    };
    return cmocka_run_group_tests_name("rng", tests, NULL, NULL);
}
