/* SPDX-License-Identifier: MIT */
/* pairmap - per-pair aggregates of the report's sessions; see pairmap.h. */
#include "pairmap.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "xmem.h"

void pairmap_init(struct pairmap *pm)
{
    memset(pm, 0, sizeof(*pm));
    keymap_init(&pm->keys);
    keymap_init(&pm->mtas);
}

/* text_less - a < b as SQLite's BINARY collation orders text. */
static bool text_less(const char *a, size_t an, const char *b, size_t bn)
{
    int c = memcmp(a, b, an < bn ? an : bn);
    return c < 0 || (c == 0 && an < bn);
}

/* is - the n bytes at v are exactly the word w (SQL text =). */
static bool is(const char *v, size_t n, const char *w)
{
    return strlen(w) == n && memcmp(v, w, n) == 0;
}

/* key_len - the length of s's pair key (pair_key). */
static size_t key_len(const struct psession *s)
{
    return 1 + sizeof(uint32_t) + s->hn + s->in;
}

/* pair_key - s's pair key at k (key_len bytes): whether the HELO is
 * unobserved, the HELO's length, the HELO, the IP (unambiguous whatever
 * the bytes). */
static void pair_key(char *k, const struct psession *s)
{
    uint32_t hlen = (uint32_t)s->hn;
    k[0] = s->unobs ? 1 : 0;
    memcpy(k + 1, &hlen, sizeof(hlen));
    memcpy(k + 1 + sizeof(hlen), s->helo, s->hn);
    memcpy(k + 1 + sizeof(hlen) + s->hn, s->ip, s->in);
}

_Static_assert(sizeof(struct pagg) == 80, "struct pagg grew (pairmap.h)");

/* NO_MTA - a new pair's MTA before its first session is counted (the
 * largest pagg.mta holds) */
#define NO_MTA ((1u << 30) - 1)

/* pair_of - the number of pair key k (kn bytes, hash h), a new pair's
 * aggregates zeroed. */
static size_t pair_of(struct pairmap *pm, const char *k, size_t kn,
                      uint32_t h, bool unobs)
{
    bool added;
    size_t i = keymap_intern_hashed(&pm->keys, k, kn, h, &added);
    if (added) {
        if (i >= pm->cap) {
            pm->cap = pm->cap ? 2 * pm->cap : 1024;
            pm->agg = xrealloc(pm->agg, pm->cap * sizeof(*pm->agg));
        }
        struct pagg *a = &pm->agg[i];
        memset(a, 0, sizeof(*a));
        a->ex_acc = a->ex_rej = LLONG_MAX;
        a->mta = NO_MTA;
        a->unobs = unobs;
    }
    return i;
}

/* count - session s (bucket) into pair i's aggregates and the series. */
static void count(struct pairmap *pm, const struct psession *s, long bucket,
                  size_t i)
{
    /* most sessions have the MTA of the one before */
    uint32_t mta = pm->last_mta;
    size_t ln = 0;
    const char *last = keymap_count(&pm->mtas) > 0
                           ? keymap_key(&pm->mtas, mta, &ln)
                           : NULL;
    if (last == NULL || ln != s->mn || memcmp(last, s->mta, ln) != 0) {
        size_t k = keymap_intern(&pm->mtas, s->mta, s->mn, NULL);
        if (k >= NO_MTA) /* pagg.mta's 30 bits: a billion MTA names */
            msg_panic("pairmap: more than %u MTA names", NO_MTA - 1);
        mta = (uint32_t)k;
        pm->last_mta = mta;
    }
    struct pagg *a = &pm->agg[i];
    a->n++;
    a->m += s->messages;
    if (s->label == PLABEL_SPAM) {
        a->n_spam++;
        a->m_spam += s->messages;
    } else if (s->label == PLABEL_HAM) {
        a->n_ham++;
        a->m_ham += s->messages;
    }
    if (a->mta == NO_MTA) {
        a->mta = mta;
    } else if (a->mta != mta) {
        size_t on, nn;
        const char *o = keymap_key(&pm->mtas, a->mta, &on);
        const char *nw = keymap_key(&pm->mtas, mta, &nn);
        if (text_less(nw, nn, o, on))
            a->mta = mta;
    }
    bool acc = is(s->disposition, s->dn, "accepted");
    if (acc) {
        a->n_acc++;
        if (s->id < a->ex_acc)
            a->ex_acc = s->id;
    } else if (is(s->disposition, s->dn, "rejected")) {
        a->n_rej++;
        if (s->id < a->ex_rej)
            a->ex_rej = s->id;
    } else if (is(s->disposition, s->dn, "deferred")) {
        a->n_def++;
    } else if (is(s->disposition, s->dn, "lost")) {
        a->n_lost++;
    }
    if (s->helo_from != NULL) {
        a->has_from = true;
        if (is(s->helo_from, s->fn, "received"))
            a->n_recv++;
        else if (is(s->helo_from, s->fn, "implied"))
            a->n_impl++;
    }
    if (bucket < 0 || bucket >= PAIRMAP_MAX_BUCKETS)
        return;
    if (pm->nsess == pm->sess_cap) {
        pm->sess_cap = pm->sess_cap ? 2 * pm->sess_cap : 4096;
        pm->sess_pair = xrealloc(pm->sess_pair,
                                 pm->sess_cap * sizeof(*pm->sess_pair));
        pm->sess_bucket = xrealloc(pm->sess_bucket,
                                   pm->sess_cap * sizeof(*pm->sess_bucket));
        pm->sess_msgs = xrealloc(pm->sess_msgs,
                                 pm->sess_cap * sizeof(*pm->sess_msgs));
        pm->sess_rem = xrealloc(pm->sess_rem,
                                pm->sess_cap * sizeof(*pm->sess_rem));
    }
    pm->sess_rem[pm->nsess] = s->rem;
    pm->sess_pair[pm->nsess] = (uint32_t)i;
    pm->sess_bucket[pm->nsess] =
        (uint16_t)((unsigned)bucket | (acc ? PAIRMAP_ACCEPTED : 0u));
    pm->sess_msgs[pm->nsess] = s->messages < 0            ? 0
                               : s->messages > UINT32_MAX ? UINT32_MAX
                                                          : (uint32_t)s->messages;
    pm->nsess++;
}

void pairmap_add(struct pairmap *pm, const struct psession *s, long bucket)
{
    pairmap_add_many(pm, s, &bucket, 1);
}

void pairmap_add_many(struct pairmap *pm, const struct psession *s,
                      const long *bucket, size_t n)
{
    for (size_t done = 0; done < n;) {
        size_t b = n - done < PAIRMAP_BATCH ? n - done : PAIRMAP_BATCH;
        const struct psession *bs = s + done;
        size_t off[PAIRMAP_BATCH + 1], pair[PAIRMAP_BATCH];
        uint32_t h[PAIRMAP_BATCH];
        char small[4096];
        off[0] = 0;
        for (size_t j = 0; j < b; j++)
            off[j + 1] = off[j] + key_len(&bs[j]);
        char *keys = off[b] <= sizeof(small) ? small : xmalloc(off[b]);
        /* the look-ups in steps, each over the whole batch, so that the
         * loads of one session's step overlap the others' (the pairs'
         * table is far larger than the caches) */
        for (size_t j = 0; j < b; j++) {
            pair_key(keys + off[j], &bs[j]);
            h[j] = keymap_hash(keys + off[j], off[j + 1] - off[j]);
            keymap_prefetch(&pm->keys, h[j], 0);
        }
        for (int step = 1; step <= 2; step++)
            for (size_t j = 0; j < b; j++)
                keymap_prefetch(&pm->keys, h[j], step);
        for (size_t j = 0; j < b; j++) {
            pair[j] = pair_of(pm, keys + off[j], off[j + 1] - off[j], h[j],
                              bs[j].unobs);
            __builtin_prefetch(&pm->agg[pair[j]]);
        }
        for (size_t j = 0; j < b; j++)
            count(pm, &bs[j], bucket[done + j], pair[j]);
        if (keys != small)
            free(keys);
        done += b;
    }
}

void pairmap_seal(struct pairmap *pm)
{
    keymap_drop_index(&pm->keys);
}

size_t pairmap_count(const struct pairmap *pm)
{
    return keymap_count(&pm->keys);
}

void pairmap_key(const struct pairmap *pm, size_t i, const char **helo,
                 size_t *hn, const char **ip, size_t *in)
{
    size_t kn;
    uint32_t hlen;
    const char *k = keymap_key(&pm->keys, i, &kn);
    memcpy(&hlen, k + 1, sizeof(hlen));
    *helo = k + 1 + sizeof(hlen);
    *hn = hlen;
    *ip = k + 1 + sizeof(hlen) + hlen;
    *in = kn - 1 - sizeof(hlen) - hlen;
}

void pairmap_prefetch(const struct pairmap *pm, size_t i, int step)
{
    keymap_key_prefetch(&pm->keys, i, step);
    if (step == 0)
        __builtin_prefetch(&pm->agg[i]);
}

const struct pagg *pairmap_pair(const struct pairmap *pm, size_t i,
                                const char **helo, size_t *hn,
                                const char **ip, size_t *in)
{
    pairmap_key(pm, i, helo, hn, ip, in);
    return &pm->agg[i];
}

/* drop_sessions - free the sessions' series data. */
static void drop_sessions(struct pairmap *pm)
{
    free(pm->sess_pair);
    free(pm->sess_bucket);
    free(pm->sess_msgs);
    free(pm->sess_rem);
    pm->sess_pair = NULL;
    pm->sess_bucket = NULL;
    pm->sess_msgs = NULL;
    pm->sess_rem = NULL;
    pm->nsess = pm->sess_cap = 0;
}

void pairmap_drop_counts(struct pairmap *pm)
{
    free(pm->agg);
    pm->agg = NULL;
    pm->cap = 0;
    drop_sessions(pm);
}

const char *pairmap_mta(const struct pairmap *pm, uint32_t k, size_t *n)
{
    return keymap_key(&pm->mtas, k, n);
}

void pairmap_free(struct pairmap *pm)
{
    keymap_free(&pm->keys);
    keymap_free(&pm->mtas);
    pairmap_drop_counts(pm);
    pairmap_init(pm);
}
