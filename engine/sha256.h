/*
 * sha256 — SHA-256 (FIPS 180-4), for the scenario hash in manifest.json:
 * a result can be traced to the exact file that produced it.
 */
#ifndef CJ_SHA256_H
#define CJ_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint32_t h[8];
    uint64_t length; /* bytes hashed so far */
    uint8_t block[64];
    size_t used;
} sha256_ctx;

void sha256_init(sha256_ctx *ctx);
void sha256_update(sha256_ctx *ctx, const void *data, size_t len);
void sha256_final(sha256_ctx *ctx, uint8_t digest[32]);

/* Hex digest of a whole file; returns 0, or -1 with errno set. */
int sha256_file(const char *path, char hex[65]);

#endif
