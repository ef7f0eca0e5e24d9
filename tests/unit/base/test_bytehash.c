/* SPDX-License-Identifier: MIT */
/*
 * test_bytehash - the byte-string hashes of the in-memory tables: every
 * length from 0 to 80 reads only its own bytes (each key sits at the end
 * of a block of its exact size: ASan and valgrind see an over-read) and
 * hashes the same bytes the same wherever they lie; every byte counts (one
 * bit flipped anywhere in a key of any length changes the hash); keys that
 * differ only in a counter (what the report's HELOs and IPs look like)
 * spread over the low bits the tables index by as random values would.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytehash.h"
#include "check.h"

/* exact_copy - n bytes of src in a block of exactly n bytes (caller
 * frees). */
static unsigned char *exact_copy(const unsigned char *src, size_t n)
{
    unsigned char *p = malloc(n > 0 ? n : 1);
    if (p == NULL)
        abort();
    if (n > 0)
        memcpy(p, src, n);
    return p;
}

/* both - both hashes of p (n bytes), the words one seeded as the bytes
 * one seeds it, in h[0] and h[1]. */
static void both(const unsigned char *p, size_t n, uint32_t h[2])
{
    h[0] = hv_hash_words(HV_HASH_SEED, p, n);
    h[1] = hv_hash_bytes(p, n);
}

/* spread - of 65,536 keys "<prefix><i><suffix>" in 131,072 buckets by
 * the low 17 bits: the empty buckets and the largest bucket. */
static void spread(uint32_t (*fn)(const void *, size_t), const char *prefix,
                   const char *suffix, long *empty, int *largest)
{
    enum { KEYS = 65536, BUCKETS = 131072 };
    unsigned char *load = calloc(BUCKETS, 1);
    if (load == NULL)
        abort();
    char key[96];
    for (int i = 0; i < KEYS; i++) {
        int n = snprintf(key, sizeof(key), "%s%d%s", prefix, i, suffix);
        uint32_t b = fn(key, (size_t)n) & (BUCKETS - 1);
        if (load[b] < 255)
            load[b]++;
    }
    *empty = 0;
    *largest = 0;
    for (int b = 0; b < BUCKETS; b++) {
        *empty += load[b] == 0;
        if (load[b] > *largest)
            *largest = load[b];
    }
    free(load);
}

/* words_fn, bytes_fn - the two hashes as one signature for spread. */
static uint32_t words_fn(const void *p, size_t n)
{
    return hv_hash_words(HV_HASH_SEED, p, n);
}
static uint32_t bytes_fn(const void *p, size_t n)
{
    return hv_hash_bytes(p, n);
}

int main(void)
{
    unsigned char src[80];
    for (size_t i = 0; i < sizeof(src); i++)
        src[i] = (unsigned char)(i * 37 + 11);

    for (size_t n = 0; n <= sizeof(src); n++) {
        uint32_t h[2], again[2];
        unsigned char *p = exact_copy(src, n);
        both(p, n, h);
        both(src, n, again);
        CHECK_MSG(h[0] == again[0] && h[1] == again[1],
                  "length %zu: same bytes, other hash", n);
        /* every bit of every byte counts */
        for (size_t i = 0; i < n; i++)
            for (int bit = 0; bit < 8; bit++) {
                uint32_t f[2];
                p[i] ^= (unsigned char)(1u << bit);
                both(p, n, f);
                p[i] ^= (unsigned char)(1u << bit);
                CHECK_MSG(f[0] != h[0] && f[1] != h[1],
                          "length %zu: bit %d of byte %zu changes nothing",
                          n, bit, i);
            }
        free(p);
    }
    /* the length counts: a key and the same key with a NUL more */
    CHECK(hv_hash_bytes("ab", 2) != hv_hash_bytes("ab\0", 3));
    CHECK(hv_hash_bytes("", 0) != hv_hash_bytes("\0", 1));

    /* 65,536 keys in twice as many buckets: random values leave e^-0.5
     * (60.65%) of them empty and none above 8 (the chance of a 9 is
     * below 1e-4); a hash that ignores part of the key does far worse */
    static const char *const shapes[][2] = {
        {"host", ".example.com"},
        {"mail-out-", ".bulk.sender.example.net 192.0.2.1"},
        {"", ""},
        {"198.51.", ""},
    };
    for (size_t s = 0; s < sizeof(shapes) / sizeof(shapes[0]); s++)
        for (int f = 0; f < 2; f++) {
            long empty;
            int largest;
            spread(f == 0 ? words_fn : bytes_fn, shapes[s][0], shapes[s][1],
                   &empty, &largest);
            CHECK_MSG(empty > 78000 && empty < 81000 && largest <= 8,
                      "keys \"%s<i>%s\", %s: %ld empty buckets, largest %d",
                      shapes[s][0], shapes[s][1], f == 0 ? "words" : "bytes",
                      empty, largest);
        }
    return CHECK_DONE();
}
