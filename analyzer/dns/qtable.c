/* SPDX-License-Identifier: MIT */
/* qtable - (name, qtype) hash table; see qtable.h. */
#include "qtable.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xmem.h"

void qtable_init(struct qtable *t, size_t size)
{
    t->size = size;
    t->count = 0;
    t->bucket = xcalloc(size, sizeof *t->bucket);
}

void qtable_fini(struct qtable *t)
{
    free(t->bucket);
    t->bucket = NULL;
    t->size = t->count = 0;
}

unsigned qtable_hash(const char *name, int qtype)
{
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        h ^= *p;
        h *= 16777619u;
    }
    h ^= (uint32_t)qtype;
    return h * 16777619u;
}

struct qtable_node *qtable_find(const struct qtable *t, const char *name, int qtype,
                                unsigned hash)
{
    for (struct qtable_node *n = t->bucket[hash & (t->size - 1)]; n; n = n->next)
        if (n->hash == hash && n->qtype == qtype && strcmp(n->name, name) == 0)
            return n;
    return NULL;
}

/* grow - double the bucket array, rehashing every node. */
static void grow(struct qtable *t)
{
    size_t size = t->size * 2;
    struct qtable_node **b = xcalloc(size, sizeof *b);
    for (size_t i = 0; i < t->size; i++) {
        struct qtable_node *n = t->bucket[i];
        while (n) {
            struct qtable_node *next = n->next;
            n->next = b[n->hash & (size - 1)];
            b[n->hash & (size - 1)] = n;
            n = next;
        }
    }
    free(t->bucket);
    t->bucket = b;
    t->size = size;
}

void qtable_insert(struct qtable *t, struct qtable_node *n, const char *name,
                   int qtype, unsigned hash)
{
    if (t->count >= t->size)
        grow(t);
    n->name = name;
    n->qtype = qtype;
    n->hash = hash;
    n->next = t->bucket[hash & (t->size - 1)];
    t->bucket[hash & (t->size - 1)] = n;
    t->count++;
}

void qtable_remove(struct qtable *t, struct qtable_node *n)
{
    struct qtable_node **pp = &t->bucket[n->hash & (t->size - 1)];
    while (*pp && *pp != n)
        pp = &(*pp)->next;
    if (*pp) {
        *pp = n->next;
        t->count--;
    }
}

struct qtable_node *qtable_take_all(struct qtable *t)
{
    struct qtable_node *all = NULL;
    for (size_t i = 0; i < t->size; i++) {
        struct qtable_node *n = t->bucket[i];
        while (n) {
            struct qtable_node *next = n->next;
            n->next = all;
            all = n;
            n = next;
        }
        t->bucket[i] = NULL;
    }
    t->count = 0;
    return all;
}
