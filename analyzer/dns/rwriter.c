/* SPDX-License-Identifier: MIT */
/*
 * rwriter - the resolve stage's writer thread. See rwriter.h.
 *
 * Items are appended to a list under `mu`; the thread takes the whole list
 * at once (when RWRITER_BATCH items are waiting, or on a drain), writes it
 * holding `db`, and signals `idle` when the list is empty again.
 */
#include "rwriter.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "xmem.h"

#define RWRITER_BATCH 256 /* items that wake the thread */

enum item_kind { ITEM_CACHE, ITEM_CSA };

struct item {
    enum item_kind kind;
    struct item *next;
    /* ITEM_CACHE */
    char *qname;
    int qtype, rcode;
    enum dnsq_status st;
    unsigned char *msg;
    size_t len;
    int64_t ttl, now;
    /* ITEM_CSA (strings owned) */
    struct resolvedb_csa csa;
};

struct rwriter {
    struct store *st;
    struct dnscache *cache;
    struct resolvedb *rdb;
    pthread_t th;
    pthread_mutex_t mu;   /* the list, the flags */
    pthread_mutex_t db;   /* the SQLite handle */
    pthread_cond_t work, idle;
    struct item *head, **tail;
    size_t n;
    bool busy;            /* the thread is writing a batch */
    bool flush;           /* a drain waits: write whatever is queued */
    bool stop;
    int rc;               /* first failure since the last drain */
};

/* item_free - an item and its copies. */
static void item_free(struct item *it)
{
    free(it->qname);
    free(it->msg);
    free((char *)it->csa.helo);
    free((char *)it->csa.ip);
    free((char *)it->csa.status);
    free((char *)it->csa.reason);
    free((char *)it->csa.record);
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

/* run - the thread: write batches until stopped. */
static void *run(void *arg)
{
    struct rwriter *w = arg;

    pthread_mutex_lock(&w->mu);
    for (;;) {
        struct item *batch;
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
        while (batch != NULL) {
            struct item *next = batch->next;
            if (rc == HV_OK)
                rc = write_item(w, batch);
            item_free(batch);
            batch = next;
        }
        pthread_mutex_unlock(&w->db);

        pthread_mutex_lock(&w->mu);
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
    w->rc = HV_OK;
    pthread_mutex_init(&w->mu, NULL);
    pthread_mutex_init(&w->db, NULL);
    pthread_cond_init(&w->work, NULL);
    pthread_cond_init(&w->idle, NULL);
    if (pthread_create(&w->th, NULL, run, w) != 0) {
        pthread_mutex_destroy(&w->mu);
        pthread_mutex_destroy(&w->db);
        pthread_cond_destroy(&w->work);
        pthread_cond_destroy(&w->idle);
        free(w);
        return NULL;
    }
    return w;
}

/* push - append an item; wake the thread when a batch is full. */
static void push(struct rwriter *w, struct item *it)
{
    pthread_mutex_lock(&w->mu);
    *w->tail = it;
    w->tail = &it->next;
    if (++w->n >= RWRITER_BATCH)
        pthread_cond_signal(&w->work);
    pthread_mutex_unlock(&w->mu);
}

void rwriter_put_cache(struct rwriter *w, const char *qname, int qtype,
                       enum dnsq_status st, int rcode,
                       const unsigned char *msg, size_t len, int64_t ttl,
                       int64_t now)
{
    struct item *it = xcalloc(1, sizeof *it);

    it->kind = ITEM_CACHE;
    it->qname = xstrdup(qname);
    it->qtype = qtype;
    it->st = st;
    it->rcode = rcode;
    if (msg != NULL && len > 0) {
        it->msg = xmalloc(len);
        memcpy(it->msg, msg, len);
        it->len = len;
    }
    it->ttl = ttl;
    it->now = now;
    push(w, it);
}

/* dup_or_null - a copy of s, NULL stays NULL. */
static const char *dup_or_null(const char *s)
{
    return s != NULL ? xstrdup(s) : NULL;
}

void rwriter_put_csa(struct rwriter *w, const struct resolvedb_csa *row)
{
    struct item *it = xcalloc(1, sizeof *it);

    it->kind = ITEM_CSA;
    it->csa.helo = dup_or_null(row->helo);
    it->csa.ip = dup_or_null(row->ip);
    it->csa.status = dup_or_null(row->status);
    it->csa.reason = dup_or_null(row->reason);
    it->csa.record = dup_or_null(row->record);
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
    pthread_mutex_lock(&w->db);
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
    free(w);
}
