/* sha256: the FIPS 180-4 example vectors, and hashing in pieces. */
#include "sha256.h"
#include "testutil.h"

static void hex_of(const uint8_t digest[32], char hex[65])
{
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", digest[i]);
}

static void digest_of(const char *msg, char hex[65])
{
    sha256_ctx ctx;
    uint8_t digest[32];
    sha256_init(&ctx);
    sha256_update(&ctx, msg, strlen(msg));
    sha256_final(&ctx, digest);
    hex_of(digest, hex);
}

static void fips_vectors(void **state)
{
    (void)state;
    char hex[65];
    digest_of("abc", hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    digest_of("", hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    digest_of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", hex);
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

/* One million 'a', fed in uneven pieces that cross block boundaries. */
static void million_a_in_pieces(void **state)
{
    (void)state;
    static char chunk[997];
    memset(chunk, 'a', sizeof chunk);
    sha256_ctx ctx;
    sha256_init(&ctx);
    size_t left = 1000000;
    while (left) {
        size_t n = left < sizeof chunk ? left : sizeof chunk;
        sha256_update(&ctx, chunk, n);
        left -= n;
    }
    uint8_t digest[32];
    char hex[65];
    sha256_final(&ctx, digest);
    hex_of(digest, hex);
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void file_digest(void **state)
{
    (void)state;
    char *path = tu_write_scenario("abc");
    char hex[65];
    assert_int_equal(sha256_file(path, hex), 0);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    unlink(path);
    free(path);
    assert_int_equal(sha256_file("/nonexistent/cjmsim", hex), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fips_vectors),
        cmocka_unit_test(million_a_in_pieces),
        cmocka_unit_test(file_digest),
    };
    return cmocka_run_group_tests_name("sha256", tests, NULL, NULL);
}
