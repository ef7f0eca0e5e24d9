/* SPDX-License-Identifier: MIT */
/* squeue - a bounded single-producer, single-consumer session queue. */
#include "squeue.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "xmem.h"

#define SQ_SLOTS 4096
#define SQ_BATCH 256     /* sessions handed to the store per call */

struct sq_item {
    int64_t source_id;
    struct hv_session s;
};

struct squeue {
    struct store *st;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t not_empty, not_full, drained;
    struct sq_item *items;
    size_t head, tail;        /* items[head..tail) mod SQ_SLOTS are queued */
    size_t busy;              /* items the writer has taken but not stored */
    int error;                /* first store error since the last drain */
    bool stop;
    bool writer_waiting;      /* the writer sleeps on not_empty */
    bool producer_waiting;    /* the parser sleeps on not_full */
    int64_t ids[SQ_BATCH];    /* writer's scratch: one batch */
    const struct hv_session *ptrs[SQ_BATCH];
};

/* count - queued items. */
static size_t count(const struct squeue *q)
{
    return q->tail - q->head;
}

/* writer - the thread: store batches of sessions until told to stop. */
static void *writer(void *arg)
{
    struct squeue *q = arg;
    pthread_mutex_lock(&q->mu);
    for (;;) {
        while (count(q) == 0 && !q->stop) {
            q->writer_waiting = true;
            pthread_cond_wait(&q->not_empty, &q->mu);
            q->writer_waiting = false;
        }
        if (count(q) == 0 && q->stop)
            break;
        /* take one batch, not everything: the parser refills the rest of
         * the ring while this batch is stored */
        size_t from = q->head, n = count(q);
        if (n > SQ_BATCH)
            n = SQ_BATCH;
        q->busy = n;
        pthread_mutex_unlock(&q->mu);
        int err = HV_OK;
        for (size_t i = 0; i < n;) {
            size_t k = 0;
            while (k < SQ_BATCH && i + k < n) {
                struct sq_item *it = &q->items[(from + i + k) % SQ_SLOTS];
                q->ids[k] = it->source_id;
                q->ptrs[k] = &it->s;
                k++;
            }
            int rc = store_put_sessions(q->st, q->ids, q->ptrs, k);
            if (rc != HV_OK && err == HV_OK)
                err = rc;
            i += k;
        }
        pthread_mutex_lock(&q->mu);
        q->head += n;
        q->busy = 0;
        if (err != HV_OK && q->error == HV_OK)
            q->error = err;
        if (q->producer_waiting && count(q) <= SQ_SLOTS - SQ_BATCH)
            pthread_cond_signal(&q->not_full);
        if (count(q) == 0)
            pthread_cond_broadcast(&q->drained);
    }
    pthread_mutex_unlock(&q->mu);
    return NULL;
}

struct squeue *squeue_new(struct store *st)
{
    struct squeue *q = xcalloc(1, sizeof(*q));
    q->st = st;
    q->items = xcalloc(SQ_SLOTS, sizeof(*q->items));
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->not_empty, NULL);
    pthread_cond_init(&q->not_full, NULL);
    pthread_cond_init(&q->drained, NULL);
    if (pthread_create(&q->thread, NULL, writer, q) != 0) {
        pthread_mutex_destroy(&q->mu);
        pthread_cond_destroy(&q->not_empty);
        pthread_cond_destroy(&q->not_full);
        pthread_cond_destroy(&q->drained);
        free(q->items);
        free(q);
        return NULL;
    }
    return q;
}

void squeue_push(struct squeue *q, int64_t source_id, const struct hv_session *s)
{
    pthread_mutex_lock(&q->mu);
    while (count(q) >= SQ_SLOTS) {
        if (q->writer_waiting)
            pthread_cond_signal(&q->not_empty);
        q->producer_waiting = true;
        pthread_cond_wait(&q->not_full, &q->mu);
        q->producer_waiting = false;
    }
    struct sq_item *it = &q->items[q->tail % SQ_SLOTS];
    it->source_id = source_id;
    it->s = *s;
    q->tail++;
    /* wake the writer only once a batch is worth it (or it would idle) */
    if (q->writer_waiting && count(q) >= 64)
        pthread_cond_signal(&q->not_empty);
    pthread_mutex_unlock(&q->mu);
}

int squeue_drain(struct squeue *q)
{
    pthread_mutex_lock(&q->mu);
    if (count(q) > 0)
        pthread_cond_signal(&q->not_empty);
    while (count(q) > 0)
        pthread_cond_wait(&q->drained, &q->mu);
    int rc = q->error;
    q->error = HV_OK;
    pthread_mutex_unlock(&q->mu);
    return rc;
}

void squeue_free(struct squeue *q)
{
    if (q == NULL)
        return;
    pthread_mutex_lock(&q->mu);
    q->stop = true;
    pthread_cond_signal(&q->not_empty);
    pthread_mutex_unlock(&q->mu);
    pthread_join(q->thread, NULL);
    pthread_mutex_destroy(&q->mu);
    pthread_cond_destroy(&q->not_empty);
    pthread_cond_destroy(&q->not_full);
    pthread_cond_destroy(&q->drained);
    free(q->items);
    free(q);
}
