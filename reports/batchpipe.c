/* SPDX-License-Identifier: MIT */
/*
 * batchpipe - a producer thread filling the caller's batches (contract in
 * batchpipe.h). Two rings of batch indexes under one mutex: free (to be
 * filled) and full (to be used), both in order.
 */
#include "batchpipe.h"

#include <pthread.h>
#include <stdlib.h>

#include "msg.h"
#include "xmem.h"

struct batchpipe {
    void *batch[BATCHPIPE_MAX];
    size_t n;
    batchpipe_fill fill;
    void *arg;
    pthread_t thread;
    bool threaded;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    size_t free_q[BATCHPIPE_MAX], free_head, free_len; /* to fill */
    size_t full_q[BATCHPIPE_MAX], full_head, full_len; /* filled */
    bool last;  /* fill said there is no more (the last batch is queued) */
    bool stop;  /* batchpipe_free: fill no more */
};

/* ring_push - index i at the tail of the ring q (head h, length *len). */
static void ring_push(size_t *q, size_t h, size_t *len, size_t n, size_t i)
{
    q[(h + *len) % n] = i;
    (*len)++;
}

/* ring_pop - the index at the head of the ring q. */
static size_t ring_pop(const size_t *q, size_t *h, size_t *len, size_t n)
{
    size_t i = q[*h];
    *h = (*h + 1) % n;
    (*len)--;
    return i;
}

/* producer - the thread: take a free batch, fill it, queue it as full,
 * until fill says there is no more or batchpipe_free says stop. */
static void *producer(void *arg)
{
    struct batchpipe *p = arg;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (p->free_len == 0 && !p->stop)
            pthread_cond_wait(&p->cv, &p->mu);
        if (p->stop)
            break;
        size_t i = ring_pop(p->free_q, &p->free_head, &p->free_len, p->n);
        pthread_mutex_unlock(&p->mu);
        bool more = p->fill(p->arg, p->batch[i]);
        pthread_mutex_lock(&p->mu);
        ring_push(p->full_q, p->full_head, &p->full_len, p->n, i);
        p->last = !more;
        pthread_cond_broadcast(&p->cv);
        if (!more)
            break;
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

struct batchpipe *batchpipe_new(void *const *batches, size_t n,
                                batchpipe_fill fill, void *arg)
{
    if (n == 0)
        msg_panic("batchpipe_new: no batch");
    struct batchpipe *p = xcalloc(1, sizeof(*p));
    if (n > BATCHPIPE_MAX)
        n = BATCHPIPE_MAX;
    p->n = n;
    p->fill = fill;
    p->arg = arg;
    for (size_t i = 0; i < n; i++) {
        p->batch[i] = batches[i];
        ring_push(p->free_q, p->free_head, &p->free_len, n, i);
    }
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    p->threaded = n >= 2 && pthread_create(&p->thread, NULL, producer, p) == 0;
    return p;
}

/* index_of - the index of batch in p (n when it is none of p's). */
static size_t index_of(const struct batchpipe *p, const void *batch)
{
    size_t i = 0;
    while (i < p->n && p->batch[i] != batch)
        i++;
    return i;
}

void *batchpipe_next(struct batchpipe *p)
{
    if (!p->threaded) { /* fill here, one batch at a time */
        if (p->last || p->stop || p->free_len == 0)
            return NULL;
        size_t i = ring_pop(p->free_q, &p->free_head, &p->free_len, p->n);
        p->last = !p->fill(p->arg, p->batch[i]);
        return p->batch[i];
    }
    pthread_mutex_lock(&p->mu);
    while (p->full_len == 0 && !p->last)
        pthread_cond_wait(&p->cv, &p->mu);
    void *b = NULL;
    if (p->full_len > 0)
        b = p->batch[ring_pop(p->full_q, &p->full_head, &p->full_len, p->n)];
    pthread_mutex_unlock(&p->mu);
    return b;
}

void batchpipe_done(struct batchpipe *p, void *batch)
{
    size_t i = index_of(p, batch);
    if (i == p->n)
        return;
    if (!p->threaded) {
        ring_push(p->free_q, p->free_head, &p->free_len, p->n, i);
        return;
    }
    pthread_mutex_lock(&p->mu);
    ring_push(p->free_q, p->free_head, &p->free_len, p->n, i);
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

void batchpipe_free(struct batchpipe *p)
{
    if (p == NULL)
        return;
    if (p->threaded) {
        pthread_mutex_lock(&p->mu);
        p->stop = true;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
        pthread_join(p->thread, NULL);
    }
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    free(p);
}
