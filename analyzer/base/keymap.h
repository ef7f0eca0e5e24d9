/* SPDX-License-Identifier: MIT */
/*
 * keymap - a hash table of byte-string keys, each given a dense index
 * 0, 1, 2 ... in the order of first insertion, so that a caller keeps its
 * per-key data in its own array indexed the same way (report pairs,
 * interned strings, memoized look-ups). Keys are copied into one arena the
 * table owns (any bytes, NUL included; each copy is NUL-terminated) and
 * compared byte for byte; nothing is ever removed. Open addressing over a
 * power-of-two slot array kept under half full. Memory: the keys, plus 16
 * bytes per key and 8 bytes per slot (at most 4 * keys slots).
 * Not thread-safe; a map is used by one thread at a time.
 */
#ifndef HV_KEYMAP_H
#define HV_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct keymap_ent {
    size_t off;      /* of the key's copy in arena */
    uint32_t len;    /* key bytes (without the NUL added) */
    uint32_t hash;
};

struct keymap {
    uint32_t *slot;  /* cap slots: 0 free, else index + 1 */
    size_t cap;
    struct keymap_ent *ent;
    size_t n, ent_cap;
    char *arena;
    size_t used, arena_cap;
};

/* keymap_init - an empty map (allocates nothing yet). */
void keymap_init(struct keymap *m);

/* keymap_free - release the keys and the table; m is empty again. */
void keymap_free(struct keymap *m);

/* keymap_intern - the index of key (len bytes), inserted with the next
 * index when absent; *added (when not NULL) tells which. Keys are limited
 * to 4 GiB - 1 bytes and a map to 4,294,967,294 keys (a bug beyond). */
size_t keymap_intern(struct keymap *m, const void *key, size_t len,
                     bool *added);

/* keymap_hash - the hash of key (len bytes) keymap_prefetch and
 * keymap_intern_hashed take. */
uint32_t keymap_hash(const void *key, size_t len);

/* keymap_prefetch - start loading, without waiting, step `step` of the
 * look-up of a key of hash h: 0 the slot where it is looked for first,
 * 1 the entry that slot names, 2 that entry's key bytes. Each step reads
 * what the one before loaded, so a caller puts other work (the same step
 * of other keys) between them. Hints only: nothing changes. */
void keymap_prefetch(const struct keymap *m, uint32_t h, int step);

/* keymap_intern_hashed - keymap_intern of key, whose keymap_hash is h. */
size_t keymap_intern_hashed(struct keymap *m, const void *key, size_t len,
                            uint32_t h, bool *added);

/* keymap_find - true with *idx the index of key, false when absent. */
bool keymap_find(const struct keymap *m, const void *key, size_t len,
                 size_t *idx);

/* keymap_key_prefetch - start loading key idx: step 0 its entry, step 1
 * (once the entry is loaded, some steps later) its bytes. Only a hint. */
void keymap_key_prefetch(const struct keymap *m, size_t idx, int step);

/* keymap_key - the copy of key number idx (< keymap_count), NUL-terminated,
 * with its length in *len (when not NULL); valid until the next insertion. */
const char *keymap_key(const struct keymap *m, size_t idx, size_t *len);

/* keymap_drop_index - free the hash index (the keys stay): for a map that
 * is only read by number from now on (keymap_key, keymap_count); the next
 * keymap_intern rebuilds it, keymap_find must not be called before that. */
void keymap_drop_index(struct keymap *m);

/* keymap_count - the number of keys. */
size_t keymap_count(const struct keymap *m);

#endif
