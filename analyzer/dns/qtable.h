/* SPDX-License-Identifier: MIT */
/*
 * qtable - a hash table of DNS questions keyed by (name, qtype), shared by
 * the resolve stage's per-chunk answer map (resolve.c) and the resolver's
 * in-flight merge table (resolver.c). Intrusive: the caller embeds a
 * struct qtable_node in its own record and owns that record and the name
 * the node points to (it must outlive the node's stay in the table); the
 * table owns only its bucket array. Names are compared byte for byte (the
 * caller lower-cases them when case must not matter). Power-of-two
 * buckets, doubled when the count reaches the bucket count.
 */
#ifndef HV_QTABLE_H
#define HV_QTABLE_H

#include <stddef.h>

struct qtable_node {
    const char *name;            /* borrowed from the caller's record */
    int qtype;
    unsigned hash;               /* qtable_hash(name, qtype) */
    struct qtable_node *next;    /* bucket chain (or qtable_take_all list) */
};

struct qtable {
    struct qtable_node **bucket;
    size_t size, count;
};

/* QTABLE_ENTRY - the record of type that embeds node as member. */
#define QTABLE_ENTRY(node, type, member) \
    ((type *)(void *)((char *)(node) - offsetof(type, member)))

/* qtable_init - an empty table of size buckets (a power of two >= 1). */
void qtable_init(struct qtable *t, size_t size);

/* qtable_fini - free the bucket array; the nodes are the caller's. */
void qtable_fini(struct qtable *t);

/* qtable_hash - FNV-1a of name, then of qtype. */
unsigned qtable_hash(const char *name, int qtype);

/* qtable_find - the node of (name, qtype) whose hash is hash, or NULL. */
struct qtable_node *qtable_find(const struct qtable *t, const char *name, int qtype,
                                unsigned hash);

/* qtable_insert - add n as (name, qtype, hash); the caller has made sure
 * no node of that key is in t. */
void qtable_insert(struct qtable *t, struct qtable_node *n, const char *name,
                   int qtype, unsigned hash);

/* qtable_remove - unlink n when it is in t (else nothing). */
void qtable_remove(struct qtable *t, struct qtable_node *n);

/* qtable_take_all - empty t and return its nodes as one list linked by
 * next (for the caller to free), or NULL. */
struct qtable_node *qtable_take_all(struct qtable *t);

#endif
