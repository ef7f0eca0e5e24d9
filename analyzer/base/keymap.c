/* SPDX-License-Identifier: MIT */
/* keymap - byte-string keys to dense indexes; see keymap.h. */
#include "keymap.h"

#include <stdlib.h>
#include <string.h>

#include "bytehash.h"
#include "msg.h"
#include "xmem.h"

void keymap_init(struct keymap *m)
{
    memset(m, 0, sizeof(*m));
}

void keymap_free(struct keymap *m)
{
    free(m->slot);
    free(m->ent);
    free(m->arena);
    keymap_init(m);
}

/* lookup - the slot holding key, or the free slot where it belongs
 * (cap > 0). */
static uint32_t *lookup(const struct keymap *m, const void *key, size_t len,
                        uint32_t h)
{
    size_t mask = m->cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        uint32_t *s = &m->slot[i];
        if (*s == 0)
            return s;
        const struct keymap_ent *e = &m->ent[*s - 1];
        if (e->hash == h && e->len == len &&
            memcmp(m->arena + e->off, key, len) == 0)
            return s;
    }
}

/* grow - double the slot array (1024 at first) and re-place every key. */
static void grow(struct keymap *m)
{
    size_t cap = m->cap ? 2 * m->cap : 1024;
    free(m->slot);
    m->slot = xcalloc(cap, sizeof(*m->slot));
    m->cap = cap;
    for (size_t i = 0; i < m->n; i++) {
        size_t j = m->ent[i].hash & (cap - 1);
        while (m->slot[j] != 0)
            j = (j + 1) & (cap - 1);
        m->slot[j] = (uint32_t)(i + 1);
    }
}

uint32_t keymap_hash(const void *key, size_t len)
{
    return hv_hash_bytes(key, len);
}

void keymap_prefetch(const struct keymap *m, uint32_t h, int step)
{
    if (m->cap == 0)
        return;
    const uint32_t *s = &m->slot[h & (m->cap - 1)];
    if (step == 0)
        __builtin_prefetch(s);
    else if (*s != 0 && step == 1)
        __builtin_prefetch(&m->ent[*s - 1]);
    else if (*s != 0)
        __builtin_prefetch(m->arena + m->ent[*s - 1].off);
}

size_t keymap_intern(struct keymap *m, const void *key, size_t len,
                     bool *added)
{
    return keymap_intern_hashed(m, key, len, hv_hash_bytes(key, len), added);
}

size_t keymap_intern_hashed(struct keymap *m, const void *key, size_t len,
                            uint32_t h, bool *added)
{
    if (len > UINT32_MAX - 1 || m->n >= UINT32_MAX - 1)
        msg_panic("keymap_intern: key or map too large");
    if (2 * (m->n + 1) > m->cap)
        grow(m);
    uint32_t *s = lookup(m, key, len, h);
    if (*s != 0) {
        if (added != NULL)
            *added = false;
        return *s - 1;
    }
    if (m->n == m->ent_cap) {
        m->ent_cap = m->ent_cap ? 2 * m->ent_cap : 256;
        m->ent = xrealloc(m->ent, m->ent_cap * sizeof(*m->ent));
    }
    if (m->arena_cap - m->used < len + 1) {
        size_t cap = m->arena_cap ? m->arena_cap : 4096;
        while (cap - m->used < len + 1)
            cap *= 2;
        m->arena = xrealloc(m->arena, cap);
        m->arena_cap = cap;
    }
    memcpy(m->arena + m->used, key, len);
    m->arena[m->used + len] = '\0';
    m->ent[m->n].off = m->used;
    m->ent[m->n].len = (uint32_t)len;
    m->ent[m->n].hash = h;
    m->used += len + 1;
    *s = (uint32_t)(m->n + 1);
    if (added != NULL)
        *added = true;
    return m->n++;
}

bool keymap_find(const struct keymap *m, const void *key, size_t len,
                 size_t *idx)
{
    if (m->cap == 0) {
        if (m->n > 0)
            msg_panic("keymap_find: the index was dropped");
        return false;
    }
    uint32_t *s = lookup(m, key, len, hv_hash_bytes(key, len));
    if (*s == 0)
        return false;
    *idx = *s - 1;
    return true;
}

void keymap_key_prefetch(const struct keymap *m, size_t idx, int step)
{
    if (step == 0)
        __builtin_prefetch(&m->ent[idx]);
    else
        __builtin_prefetch(m->arena + m->ent[idx].off);
}

const char *keymap_key(const struct keymap *m, size_t idx, size_t *len)
{
    if (len != NULL)
        *len = m->ent[idx].len;
    return m->arena + m->ent[idx].off;
}

void keymap_drop_index(struct keymap *m)
{
    free(m->slot);
    m->slot = NULL;
    m->cap = 0;
}

size_t keymap_count(const struct keymap *m)
{
    return m->n;
}
