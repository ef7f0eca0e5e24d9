/* SPDX-License-Identifier: MIT */
/*
 * test_keymap - the byte-string key table shared by the report's pairs and
 * the verdicts export: indexes are dense in insertion order, a key is
 * found byte for byte (embedded NULs, a key that is a prefix of another,
 * the empty key), growth past many thousands of keys keeps every index,
 * and key copies come back NUL-terminated with their length. The batch
 * API (keymap_hash, keymap_prefetch, keymap_intern_hashed) finds and adds
 * exactly as keymap_intern does, prefetching changes nothing, also on an
 * empty map, and keys that share a hash are told apart by their bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "keymap.h"

/* mkkey - "helo<i>.example" NUL digit: a key with an embedded NUL. */
static int mkkey(char *key, size_t size, int i)
{
    int n = snprintf(key, size, "helo%d.example", i);
    key[n] = '\0';
    key[n + 1] = (char)('0' + i % 7);
    return n + 2;
}

int main(void)
{
    struct keymap m;
    bool added;
    size_t idx, len;
    char key[32];

    keymap_init(&m);
    CHECK(!keymap_find(&m, "a", 1, &idx));
    CHECK_INTEQ((int)keymap_intern(&m, "a\0b", 3, &added), 0);
    CHECK(added);
    CHECK_INTEQ((int)keymap_intern(&m, "a", 1, &added), 1);
    CHECK(added);
    CHECK_INTEQ((int)keymap_intern(&m, "", 0, &added), 2);
    CHECK(added);
    CHECK_INTEQ((int)keymap_intern(&m, "a\0b", 3, &added), 0);
    CHECK(!added);
    CHECK(!keymap_find(&m, "a\0c", 3, &idx));
    CHECK(keymap_find(&m, "", 0, &idx) && idx == 2);
    const char *k = keymap_key(&m, 0, &len);
    CHECK(len == 3 && memcmp(k, "a\0b", 4) == 0);
    for (int i = 0; i < 50000; i++) {
        int n = mkkey(key, sizeof(key), i);
        size_t got = keymap_intern(&m, key, (size_t)n, &added);
        if (got != (size_t)i + 3 || !added)
            CHECK_MSG(0, "key %d got index %zu", i, got);
    }
    CHECK_INTEQ((int)keymap_count(&m), 50003);
    int bad = 0;
    for (int i = 0; i < 50000; i++) {
        int n = mkkey(key, sizeof(key), i);
        if (!keymap_find(&m, key, (size_t)n, &idx) || idx != (size_t)i + 3)
            bad++;
        k = keymap_key(&m, (size_t)i + 3, &len);
        if (len != (size_t)n || memcmp(k, key, len) != 0 || k[len] != '\0')
            bad++;
    }
    CHECK_INTEQ(bad, 0);
    CHECK(keymap_find(&m, "a", 1, &idx) && idx == 1);
    /* the batch API: prefetch (every step, keys present or not), then
     * intern with the caller's hash */
    for (int i = 49990; i < 50010; i++) {
        int n = mkkey(key, sizeof(key), i);
        uint32_t h = keymap_hash(key, (size_t)n);
        for (int step = 0; step <= 2; step++)
            keymap_prefetch(&m, h, step);
        size_t got = keymap_intern_hashed(&m, key, (size_t)n, h, &added);
        CHECK_MSG(got == (size_t)i + 3 && added == (i >= 50000),
                  "hashed key %d got %zu", i, got);
    }
    CHECK_INTEQ((int)keymap_count(&m), 50013);
    /* two keys given one hash: told apart by their bytes */
    size_t p1 = keymap_intern_hashed(&m, "p", 1, 7, &added);
    CHECK(added);
    size_t p2 = keymap_intern_hashed(&m, "q", 1, 7, &added);
    CHECK(added && p2 == p1 + 1);
    CHECK(keymap_intern_hashed(&m, "q", 1, 7, &added) == p2 && !added);
    keymap_free(&m);
    for (int step = 0; step <= 2; step++)
        keymap_prefetch(&m, 12345, step); /* empty: nothing to load */
    CHECK_INTEQ((int)keymap_count(&m), 0);
    CHECK(!keymap_find(&m, "a", 1, &idx));
    return CHECK_DONE();
}
