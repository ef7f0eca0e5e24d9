/* SPDX-License-Identifier: MIT */
/* smap - the shared map of open sessions (see smap.h). */
#include "smap.h"

#include <stdlib.h>
#include <string.h>

#include "ascii.h"

#define NIL UINT32_MAX

struct smap_ent {
    struct hv_session s;       /* first: the session handed out */
    struct hv_smap_key key;
    int64_t last;              /* log time of the last line */
    uint32_t prev, next;       /* activity list, oldest first */
    uint32_t hnext;            /* hash chain */
    bool used;
};

struct hv_smap {
    struct smap_ent *e;        /* max entries, calloc'd once */
    uint32_t *bucket;          /* nbucket heads */
    size_t nbucket;            /* power of two */
    size_t max, n;
    uint32_t head, tail;       /* oldest, newest */
    uint32_t freelist;         /* unused entries chained by next */
    uint32_t fresh;            /* entries below this were ever used */
    int64_t idle;
    hv_emit_fn emit;
    void *arg;
};

/* key_hash - mix the key's words (multiply-xorshift). */
static uint32_t key_hash(const struct hv_smap_key *k)
{
    uint64_t a, b;
    memcpy(&a, k->addr, 8);
    memcpy(&b, k->addr + 8, 8);
    uint64_t h = a * 0x9e3779b97f4a7c15ull;
    h ^= (b + k->family) * 0xc2b2ae3d27d4eb4full;
    h ^= ((uint64_t)k->port << 32 | (k->pid & 0xffffffffu)) *
         0x165667b19e3779f9ull;
    h ^= (k->pid >> 32) * 0x27d4eb2f165667c5ull;
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 32;
    return (uint32_t)h;
}

/* key_eq - same key. */
static bool key_eq(const struct hv_smap_key *a, const struct hv_smap_key *b)
{
    return a->family == b->family && a->port == b->port && a->pid == b->pid &&
           memcmp(a->addr, b->addr, 16) == 0;
}

struct hv_smap *hv_smap_new(size_t max, int64_t idle, hv_emit_fn emit,
                            void *arg)
{
    if (max == 0)
        max = HV_SMAP_MAX;
    struct hv_smap *m = calloc(1, sizeof(*m));
    if (m == NULL)
        return NULL;
    m->nbucket = 16;
    while (m->nbucket < 2 * max)
        m->nbucket *= 2;
    m->e = calloc(max, sizeof(*m->e));
    m->bucket = malloc(m->nbucket * sizeof(*m->bucket));
    if (m->e == NULL || m->bucket == NULL) {
        hv_smap_free(m);
        return NULL;
    }
    for (size_t i = 0; i < m->nbucket; i++)
        m->bucket[i] = NIL;
    m->max = max;
    m->head = m->tail = m->freelist = NIL;
    m->idle = idle;
    m->emit = emit;
    m->arg = arg;
    return m;
}

void hv_smap_free(struct hv_smap *m)
{
    if (m == NULL)
        return;
    free(m->e);
    free(m->bucket);
    free(m);
}

size_t hv_smap_count(const struct hv_smap *m)
{
    return m->n;
}

/* ent_of - the entry holding session s. */
static uint32_t ent_of(const struct hv_smap *m, const struct hv_session *s)
{
    return (uint32_t)((const struct smap_ent *)(const void *)s - m->e);
}

/* list_unlink - take entry i out of the activity list. */
static void list_unlink(struct hv_smap *m, uint32_t i)
{
    struct smap_ent *e = &m->e[i];
    if (e->prev != NIL)
        m->e[e->prev].next = e->next;
    else
        m->head = e->next;
    if (e->next != NIL)
        m->e[e->next].prev = e->prev;
    else
        m->tail = e->prev;
    e->prev = e->next = NIL;
}

/* list_append - put entry i at the newest end. */
static void list_append(struct hv_smap *m, uint32_t i)
{
    struct smap_ent *e = &m->e[i];
    e->prev = m->tail;
    e->next = NIL;
    if (m->tail != NIL)
        m->e[m->tail].next = i;
    else
        m->head = i;
    m->tail = i;
}

/* forget - return entry i to the free list. */
static void forget(struct hv_smap *m, uint32_t i)
{
    struct smap_ent *e = &m->e[i];
    list_unlink(m, i);
    uint32_t *pp = &m->bucket[key_hash(&e->key) & (m->nbucket - 1)];
    while (*pp != NIL && *pp != i)
        pp = &m->e[*pp].hnext;
    if (*pp == i)
        *pp = e->hnext;
    e->used = false;
    e->next = m->freelist;
    m->freelist = i;
    m->n--;
}

/* drop - emit entry i and forget it. */
static void drop(struct hv_smap *m, uint32_t i)
{
    m->emit(m->arg, &m->e[i].s);
    forget(m, i);
}

void hv_smap_discard(struct hv_smap *m, struct hv_session *s)
{
    forget(m, ent_of(m, s));
}

struct hv_session *hv_smap_find(struct hv_smap *m, const struct hv_smap_key *k)
{
    uint32_t i = m->bucket[key_hash(k) & (m->nbucket - 1)];
    while (i != NIL) {
        if (key_eq(&m->e[i].key, k))
            return &m->e[i].s;
        i = m->e[i].hnext;
    }
    return NULL;
}

struct hv_session *hv_smap_find_addr(struct hv_smap *m, const uint8_t addr[16],
                                     uint8_t family)
{
    for (uint32_t i = m->tail; i != NIL; i = m->e[i].prev) {
        const struct hv_smap_key *k = &m->e[i].key;
        if (k->port != 0 && k->family == family &&
            memcmp(k->addr, addr, 16) == 0)
            return &m->e[i].s;
    }
    return NULL;
}

/* session_clear - hv_session_reset without writing the whole 1.7 KB text
 * buffers: every field zero, every string empty (bytes after a string's
 * NUL are left as they were; the entries are calloc'd, never garbage). */
static void session_clear(struct hv_session *s)
{
    memset(s, 0, offsetof(struct hv_session, helo));
    s->helo[0] = '\0';
    s->rdns[0] = '\0';
    memset(&s->messages, 0,
           offsetof(struct hv_session, qids) -
               offsetof(struct hv_session, messages));
    for (int i = 0; i < HV_SESSION_QIDS; i++)
        s->qids[i][0] = '\0';
}

struct hv_session *hv_smap_open(struct hv_smap *m, const struct hv_smap_key *k,
                                int64_t ts)
{
    if (m->n >= m->max)
        drop(m, m->head);
    uint32_t i;
    if (m->freelist != NIL) {
        i = m->freelist;
        m->freelist = m->e[i].next;
    } else {
        i = m->fresh++;
    }
    struct smap_ent *e = &m->e[i];
    session_clear(&e->s);
    e->key = *k;
    e->last = ts;
    e->used = true;
    uint32_t b = key_hash(k) & (m->nbucket - 1);
    e->hnext = m->bucket[b];
    m->bucket[b] = i;
    list_append(m, i);
    m->n++;
    return &e->s;
}

void hv_smap_touch(struct hv_smap *m, struct hv_session *s, int64_t ts)
{
    uint32_t i = ent_of(m, s);
    if (ts > m->e[i].last)
        m->e[i].last = ts;
    if (m->tail != i) {
        list_unlink(m, i);
        list_append(m, i);
    }
}

void hv_smap_close(struct hv_smap *m, struct hv_session *s)
{
    drop(m, ent_of(m, s));
}

void hv_smap_expire(struct hv_smap *m, int64_t now)
{
    while (m->head != NIL && m->e[m->head].last + m->idle < now)
        drop(m, m->head);
}

void hv_smap_flush(struct hv_smap *m)
{
    while (m->head != NIL)
        drop(m, m->head);
}

/* ==== Addresses ==== */

bool hv_smap_addr_parse(const char *p, size_t len, struct hv_addr *a)
{
    uint8_t q[4];
    if (hv_ip4_dotted_quad(p, len, q)) {
        memset(a, 0, sizeof(*a));
        a->family = 4;
        memcpy(a->b, q, 4);
        return true;
    }
    return hv_addr_parse(p, len, a);
}

void hv_smap_addr_format(const struct hv_addr *a, char out[46])
{
    if (a->family != 4) {
        hv_addr_format(a, out);
        return;
    }
    size_t o = 0;
    for (int i = 0; i < 4; i++) {
        unsigned v = a->b[i];
        if (v >= 100)
            out[o++] = (char)('0' + v / 100);
        if (v >= 10)
            out[o++] = (char)('0' + v / 10 % 10);
        out[o++] = (char)('0' + v % 10);
        out[o++] = i < 3 ? '.' : '\0';
    }
}
