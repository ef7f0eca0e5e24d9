/* SPDX-License-Identifier: MIT */
/*
 * bytehash - fast 32-bit hashes of byte strings for in-memory tables (the
 * Postfix parser's open sessions and queue IDs, keymap.h): words of 8
 * bytes mixed by multiply-xorshift, never a byte at a time. Not stable
 * across builds or byte orders, not for anything stored or compared
 * outside one process, and no defence against chosen collisions (the
 * tables probe linearly and stay at most half full). Header-only so that
 * the hot loops inline it.
 */
#ifndef HV_BYTEHASH_H
#define HV_BYTEHASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* hv_hash_words - hash of n bytes at p, eight at a time, continuing from
 * seed (any n; the last 1-7 bytes in at most two loads). */
static inline uint32_t hv_hash_words(uint32_t seed, const void *p, size_t n)
{
    const unsigned char *b = p;
    uint64_t x = seed ^ (n * 0x9E3779B97F4A7C15ull);
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, b, 8);
        x = (x ^ w) * 0xff51afd7ed558ccdull;
        x ^= x >> 29;
        b += 8;
        n -= 8;
    }
    if (n > 0) {
        /* the last 1-7 bytes in two loads that may overlap */
        uint64_t w;
        if (n >= 4) {
            uint32_t lo, hi;
            memcpy(&lo, b, 4);
            memcpy(&hi, b + n - 4, 4);
            w = (uint64_t)hi << 32 | lo;
        } else {
            w = (uint64_t)b[0] | (uint64_t)b[n / 2] << 8 |
                (uint64_t)b[n - 1] << 16;
        }
        x = (x ^ w) * 0xc4ceb9fe1a85ec53ull;
        x ^= x >> 29;
    }
    x *= 0xff51afd7ed558ccdull;
    return (uint32_t)(x >> 32);
}

/* HV_HASH_SEED - the seed hv_hash_bytes starts from. */
#define HV_HASH_SEED 2166136261u

/* hv_hash_bytes - hash of n bytes at p: keys under 16 bytes through
 * hv_hash_words, longer ones 16 bytes at a time in two independent lanes
 * (the last 16 may overlap the block before them). */
static inline uint32_t hv_hash_bytes(const void *p, size_t n)
{
    if (n < 16)
        return hv_hash_words(HV_HASH_SEED, p, n);
    const unsigned char *b = p;
    uint64_t x = (uint64_t)n * 0x9E3779B97F4A7C15ull, y = ~x, u, v;
    for (size_t i = 0; i + 16 < n; i += 16) {
        memcpy(&u, b + i, 8);
        memcpy(&v, b + i + 8, 8);
        x = (x ^ u) * 0xff51afd7ed558ccdull;
        y = (y ^ v) * 0xc4ceb9fe1a85ec53ull;
        x ^= x >> 29;
        y ^= y >> 31;
    }
    memcpy(&u, b + n - 16, 8);
    memcpy(&v, b + n - 8, 8);
    x = (x ^ u) * 0xff51afd7ed558ccdull;
    y = (y ^ v) * 0xc4ceb9fe1a85ec53ull;
    x ^= y ^ (y >> 29);
    x *= 0x9E3779B97F4A7C15ull;
    return (uint32_t)(x >> 32);
}

#endif
