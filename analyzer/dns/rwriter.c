/* SPDX-License-Identifier: MIT */
/*
 * rwriter - the resolve stage's writer thread. See rwriter.h.
 *
 * Items are appended to a list under `mu`; the thread takes the whole list
 * at once (when RWRITER_BATCH items are waiting, or on a drain), writes it
 * holding `db`, and signals `idle` when the list is empty again. When the
 * event loop asks for `db` (rwriter_lock: a cache read) while a batch is
 * being written, the thread hands `db` over after the item it is writing
 * and waits until the loop has it, so the loop waits for one insert, not
 * for a batch (`want` counts the askers; `yielding` says the thread waits
 * for them on `handoff`; both are seq_cst atomics, so the asker that takes
 * `want` to 0 sees `yielding` set, or the thread sees `want` at 0).
 */
#include "rwriter.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "xmem.h"

#define RWRITER_BATCH 256 /* items that wake the thread */

enum item_kind { ITEM_CACHE, ITEM_CSA };

/* One queued write, made by one malloc: its strings and message are
 * stored after the struct (the writer frees items the event loop made, and
 * a free across threads costs more than one in the same thread). */
struct item {
    enum item_kind kind;
    struct item *next;
    /* ITEM_CACHE */
    const char *qname;
    int qtype, rcode;
    enum dnsq_status st;
    const unsigned char *msg; /* NULL when len is 0 */
    size_t len;
    int64_t ttl, now;
    /* ITEM_CSA */
    struct resolvedb_csa csa;
    char data[];              /* the texts and the message */
};

struct rwriter {
    struct store *st;
    struct dnscache *cache;
    struct resolvedb *rdb;
    pthread_t th;
    pthread_mutex_t mu;   /* the list, the flags */
    pthread_mutex_t db;   /* the SQLite handle */
    pthread_cond_t work, idle;
    pthread_cond_t handoff;   /* (with mu) `want` fell to 0 */
    atomic_int want;          /* threads waiting in rwriter_lock */
    atomic_bool yielding;     /* the writer waits on handoff */
    struct item *head, **tail;
    struct item *done, **done_tail; /* written, for the putter to free */
    size_t n;
    bool busy;            /* the thread is writing a batch */
    bool flush;           /* a drain waits: write whatever is queued */
    bool stop;
    int rc;               /* first failure since the last drain */
};

/* item_free - an item, its copies included. */
static void item_free(struct item *it)
{
    free(it);
}

/* write_item - one queued write (caller holds db). HV_OK or HV_EDB. */
static int write_item(struct rwriter *w, const struct item *it)
{
    if (it->kind == ITEM_CACHE) {
        if (dnscache_put(w->cache, it->qname, it->qtype, it->st, it->rcode,
                         it->msg, it->len, it->ttl, it->now) != 0)
            return store_fail(w->st, "writing the DNS cache");
        return HV_OK;
    }
    return resolvedb_put_csa(w->rdb, &it->csa);
}

/* hand_over - (the thread, holding db) let the threads waiting in
 * rwriter_lock have db, and take it back once they all had it. */
static void hand_over(struct rwriter *w)
{
    pthread_mutex_unlock(&w->db);
    pthread_mutex_lock(&w->mu);
    atomic_store(&w->yielding, true);
    while (atomic_load(&w->want) > 0)
        pthread_cond_wait(&w->handoff, &w->mu);
    atomic_store(&w->yielding, false);
    pthread_mutex_unlock(&w->mu);
    pthread_mutex_lock(&w->db);
}

/* run - the thread: write batches until stopped. */
static void *run(void *arg)
{
    struct rwriter *w = arg;

    pthread_mutex_lock(&w->mu);
    for (;;) {
        struct item *batch, *last = NULL;
        int rc = HV_OK;

        while (!w->stop && !(w->n >= RWRITER_BATCH || (w->flush && w->n)))
            pthread_cond_wait(&w->work, &w->mu);
        if (w->n == 0 && w->stop)
            break;
        batch = w->head;
        w->head = NULL;
        w->tail = &w->head;
        w->n = 0;
        w->busy = true;
        pthread_mutex_unlock(&w->mu);

        pthread_mutex_lock(&w->db);
        for (struct item *it = batch; it != NULL; it = it->next) {
            if (rc == HV_OK)
                rc = write_item(w, it);
            last = it;
            if (it->next != NULL && atomic_load(&w->want) > 0)
                hand_over(w);
        }
        pthread_mutex_unlock(&w->db);

        pthread_mutex_lock(&w->mu);
        /* The written items go back to the thread that made them. */
        if (batch != NULL) {
            *w->done_tail = batch;
            w->done_tail = &last->next;
        }
        if (rc != HV_OK && w->rc == HV_OK)
            w->rc = rc;
        w->busy = false;
        if (w->n == 0)
            pthread_cond_broadcast(&w->idle);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

struct rwriter *rwriter_new(struct store *st, struct dnscache *cache,
                            struct resolvedb *rdb)
{
    struct rwriter *w = xcalloc(1, sizeof *w);

    w->st = st;
    w->cache = cache;
    w->rdb = rdb;
    w->tail = &w->head;
    w->done_tail = &w->done;
    w->rc = HV_OK;
    pthread_mutex_init(&w->mu, NULL);
    pthread_mutex_init(&w->db, NULL);
    pthread_cond_init(&w->work, NULL);
    pthread_cond_init(&w->idle, NULL);
    pthread_cond_init(&w->handoff, NULL);
    atomic_init(&w->want, 0);
    atomic_init(&w->yielding, false);
    if (pthread_create(&w->th, NULL, run, w) != 0) {
        pthread_mutex_destroy(&w->mu);
        pthread_mutex_destroy(&w->db);
        pthread_cond_destroy(&w->work);
        pthread_cond_destroy(&w->idle);
        pthread_cond_destroy(&w->handoff);
        free(w);
        return NULL;
    }
    return w;
}

/* free_list - free a list of items linked by next. */
static void free_list(struct item *it)
{
    while (it != NULL) {
        struct item *next = it->next;
        item_free(it);
        it = next;
    }
}

/* push - append an item; wake the thread when a batch is full; free the
 * items written since the last push (here, in the thread that made them:
 * a free in another thread costs a lock of this thread's malloc arena). */
static void push(struct rwriter *w, struct item *it)
{
    struct item *done;

    pthread_mutex_lock(&w->mu);
    *w->tail = it;
    w->tail = &it->next;
    if (++w->n >= RWRITER_BATCH)
        pthread_cond_signal(&w->work);
    done = w->done;
    w->done = NULL;
    w->done_tail = &w->done;
    pthread_mutex_unlock(&w->mu);
    free_list(done);
}

void rwriter_put_cache(struct rwriter *w, const char *qname, int qtype,
                       enum dnsq_status st, int rcode,
                       const unsigned char *msg, size_t len, int64_t ttl,
                       int64_t now)
{
    size_t qlen = strlen(qname) + 1;
    size_t mlen = msg != NULL ? len : 0;
    struct item *it = xmalloc(sizeof *it + qlen + mlen);

    memset(it, 0, sizeof *it);
    it->kind = ITEM_CACHE;
    memcpy(it->data, qname, qlen);
    it->qname = it->data;
    it->qtype = qtype;
    it->st = st;
    it->rcode = rcode;
    if (mlen > 0) {
        memcpy(it->data + qlen, msg, mlen);
        it->msg = (const unsigned char *)(it->data + qlen);
        it->len = mlen;
    }
    it->ttl = ttl;
    it->now = now;
    push(w, it);
}

/* text_size - bytes copy_text needs for s (0 for NULL). */
static size_t text_size(const char *s)
{
    return s != NULL ? strlen(s) + 1 : 0;
}

/* copy_text - s copied at *p (advanced), NULL stays NULL. */
static const char *copy_text(char **p, const char *s)
{
    char *d = *p;
    size_t n = text_size(s);

    if (s == NULL)
        return NULL;
    memcpy(d, s, n);
    *p = d + n;
    return d;
}

void rwriter_put_csa(struct rwriter *w, const struct resolvedb_csa *row)
{
    size_t n = text_size(row->helo) + text_size(row->ip) +
               text_size(row->status) + text_size(row->reason) +
               text_size(row->record);
    struct item *it = xmalloc(sizeof *it + n);
    char *p = it->data;

    memset(it, 0, sizeof *it);
    it->kind = ITEM_CSA;
    it->csa.helo = copy_text(&p, row->helo);
    it->csa.ip = copy_text(&p, row->ip);
    it->csa.status = copy_text(&p, row->status);
    it->csa.reason = copy_text(&p, row->reason);
    it->csa.record = copy_text(&p, row->record);
    it->csa.evaluated_at = row->evaluated_at;
    it->csa.expires_at = row->expires_at;
    push(w, it);
}

int rwriter_drain(struct rwriter *w)
{
    int rc;

    pthread_mutex_lock(&w->mu);
    w->flush = true;
    pthread_cond_signal(&w->work);
    while (w->n > 0 || w->busy)
        pthread_cond_wait(&w->idle, &w->mu);
    w->flush = false;
    rc = w->rc;
    w->rc = HV_OK;
    pthread_mutex_unlock(&w->mu);
    return rc;
}

void rwriter_lock(struct rwriter *w)
{
    atomic_fetch_add(&w->want, 1);
    pthread_mutex_lock(&w->db);
    if (atomic_fetch_sub(&w->want, 1) == 1 && atomic_load(&w->yielding)) {
        pthread_mutex_lock(&w->mu);
        pthread_cond_broadcast(&w->handoff);
        pthread_mutex_unlock(&w->mu);
    }
}

void rwriter_unlock(struct rwriter *w)
{
    pthread_mutex_unlock(&w->db);
}

void rwriter_free(struct rwriter *w)
{
    if (w == NULL)
        return;
    rwriter_drain(w);
    pthread_mutex_lock(&w->mu);
    w->stop = true;
    pthread_cond_signal(&w->work);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->th, NULL);
    pthread_mutex_destroy(&w->mu);
    pthread_mutex_destroy(&w->db);
    pthread_cond_destroy(&w->work);
    pthread_cond_destroy(&w->idle);
    pthread_cond_destroy(&w->handoff);
    free_list(w->done);
    free(w);
}
