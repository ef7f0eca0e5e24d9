/* SPDX-License-Identifier: MIT */
/*
 * pairmap - the report's one pass over the sessions in range: each session
 * is added to its pair (HELO as COALESCE(helo,''), client IP, whether the
 * HELO is unobserved: the key of the report's work table, so a NULL and an
 * '' HELO of the same kind meet), whose counts it updates exactly as the
 * SQL aggregates they replace would (sum, min, count; NULL where SQL gives
 * NULL), and the session's time bucket, pair, messages, whether the MTA
 * accepted it and its exact time are remembered (14 bytes a session) so
 * that the time series and the DNS answer ages are counted once the pairs'
 * verdicts are known, without a second pass. Pairs are numbered 0, 1, ...
 * in the order
 * of their first session (keymap.h). Owns everything it holds.
 * Per pair also the sessions and messages labelled spam and ham (the
 * unlabelled ones are n and m less those).
 * Memory: per pair its HELO and IP bytes and about 120 bytes; per session
 * in the series 14 bytes.
 */
#ifndef HV_PAIRMAP_H
#define HV_PAIRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "keymap.h"

/* a session's spam/ham label (sessions.label: 'spam', 'ham' or NULL) */
enum plabel { PLABEL_UNKNOWN = 0, PLABEL_SPAM = 1, PLABEL_HAM = 2 };

/* what a pair is told of one session */
struct psession {
    const char *helo;        /* COALESCE(helo,'') */
    size_t hn;
    const char *ip;
    size_t in;
    bool unobs;              /* helo IS NULL AND helo_from IS NULL */
    const char *mta;
    size_t mn;
    long long id, messages;
    const char *disposition;
    size_t dn;
    const char *helo_from;   /* NULL: SQL NULL */
    size_t fn;
    enum plabel label;       /* sessions.label */
    int32_t rem;             /* the time less its bucket's start (the
                              * caller's series: time = b0 + bucket * step
                              * + rem), kept with the bucket */
};

/* a pair's aggregates (the work table's columns); 80 bytes, the flags
 * packed beside the MTA: the pass touches a pair's memory page by page as
 * it grows, and a page fault on fresh memory costs 14-17 us on the
 * machines heloval is measured on (README "Page faults") */
struct pagg {
    long long m;             /* sum(messages) */
    long long ex_acc, ex_rej;/* min(id) of accepted / rejected, or LLONG_MAX */
    uint32_t n, n_acc, n_rej, n_def, n_lost;
    uint32_t n_recv, n_impl; /* NULL in SQL unless has_from */
    uint32_t mta : 30;       /* index of min(mta) in pairmap.mtas */
    uint32_t unobs : 1;      /* the key's unobserved flag */
    uint32_t has_from : 1;   /* a session had helo_from */
    uint32_t n_spam, n_ham;  /* sessions labelled spam / ham */
    long long m_spam, m_ham; /* and their sum(messages) */
};

struct pairmap {
    struct keymap keys;      /* unobs, HELO length, HELO, IP */
    struct pagg *agg;
    size_t cap;
    struct keymap mtas;      /* distinct MTA names */
    uint32_t last_mta;       /* the last session's MTA */
    uint32_t *sess_pair;     /* per series session: its pair */
    uint16_t *sess_bucket;   /* and its bucket, | PAIRMAP_ACCEPTED when the
                              * MTA accepted the session */
    uint32_t *sess_msgs;     /* and its messages (clamped to UINT32_MAX) */
    int32_t *sess_rem;       /* and its psession.rem (free for the caller
                              * to reuse once the series is counted) */
    size_t nsess, sess_cap;
};

/* PAIRMAP_MAX_BUCKETS - buckets are below this (the low 15 bits of
 * sess_bucket); PAIRMAP_ACCEPTED - the bit of an accepted session. */
#define PAIRMAP_MAX_BUCKETS 32767
#define PAIRMAP_ACCEPTED 0x8000u

/* pairmap_init - empty. */
void pairmap_init(struct pairmap *pm);

/* pairmap_add - count s in its pair; bucket (0 .. PAIRMAP_MAX_BUCKETS-1)
 * remembers it for the series, -1 leaves it out of the series. */
void pairmap_add(struct pairmap *pm, const struct psession *s, long bucket);

/* pairmap_add_many - pairmap_add of the n sessions s[i] with bucket[i], in
 * that order; the same counts and pair numbers, but their pairs are looked
 * up PAIRMAP_BATCH at a time, the memory loads of one overlapping the
 * others' (the report's pass over a large range). */
#define PAIRMAP_BATCH 32
void pairmap_add_many(struct pairmap *pm, const struct psession *s,
                      const long *bucket, size_t n);

/* pairmap_seal - no more sessions: the pairs' hash index is freed (memory
 * for what follows); pairmap_pair still reads every pair, and a later
 * pairmap_add would rebuild the index. */
void pairmap_seal(struct pairmap *pm);

/* pairmap_count - the number of pairs. */
size_t pairmap_count(const struct pairmap *pm);

/* pairmap_prefetch - start loading pair i for pairmap_pair: step 0 its
 * aggregates and key entry, step 1 (some pairs later) its key. A hint. */
void pairmap_prefetch(const struct pairmap *pm, size_t i, int step);

/* pairmap_pair - pair i's aggregates, HELO and IP (borrowed, valid until
 * the next pairmap_add; the IP is NUL-terminated, the HELO is not). */
const struct pagg *pairmap_pair(const struct pairmap *pm, size_t i,
                                const char **helo, size_t *hn,
                                const char **ip, size_t *in);

/* pairmap_key - pair i's HELO and IP only, as pairmap_pair gives them. */
void pairmap_key(const struct pairmap *pm, size_t i, const char **helo,
                 size_t *hn, const char **ip, size_t *in);

/* pairmap_drop_counts - free the pairs' aggregates and the sessions'
 * series data (memory for what follows): only pairmap_count, pairmap_key
 * and pairmap_free may follow. */
void pairmap_drop_counts(struct pairmap *pm);

/* pairmap_mta - the MTA name of index k. */
const char *pairmap_mta(const struct pairmap *pm, uint32_t k, size_t *n);

/* pairmap_free - release everything; pm is empty again. */
void pairmap_free(struct pairmap *pm);

#endif
