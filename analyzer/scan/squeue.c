/* SPDX-License-Identifier: MIT */
/* squeue - a bounded single-producer, single-consumer queue of chunks of
 * flattened sessions (see squeue.h). */
#include "squeue.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "rowsort.h"
#include "xmem.h"

#define SQ_CHUNKS 8                 /* chunks in the ring */
#define SQ_HOLD 512                 /* newest rows the writer holds back to
                                       store them in id order (rowsort.h) */
#define SQ_ROWS 256                 /* sessions per chunk */
#define SQ_TEXT (64 * 1024)         /* text bytes per chunk */

/* A chunk: rows whose strings point into its own text buffer. */
struct sq_chunk {
    struct store_row rows[SQ_ROWS];
    size_t n;
    char text[SQ_TEXT];
    size_t used;
    bool commit_after;      /* then commit and open the next transaction */
};

struct squeue {
    struct store *st;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t not_empty, not_full, drained;
    struct sq_chunk *chunks;
    size_t head, tail;        /* chunks[head..tail) mod SQ_CHUNKS are queued;
                                 the producer fills chunks[tail] */
    int error;                /* first store error since the last drain */
    unsigned stored_chunks;   /* writer's count, for store_writeback */
    struct rowsort *window;   /* the writer's: rows held back */
    bool flush;               /* a drain waits: store the held rows too */
    bool stop;
};

/* store_held - store the k lowest rows of the window, in id order. */
static int store_held(struct squeue *q, size_t k)
{
    if (k == 0)
        return HV_OK;
    const struct store_row *rows = rowsort_take(q->window, k);
    return store_put_rows(q->st, rows, k);
}

/* store_chunk - pass a chunk's rows through the window and store what
 * falls out of it: all but the newest SQ_HOLD, in whole statements. An
 * update (again) may concern a row still held: the window is emptied
 * before it. */
static int store_chunk(struct squeue *q, const struct sq_chunk *c)
{
    int err = HV_OK;
    for (size_t i = 0; i < c->n && err == HV_OK; i++) {
        if (!c->rows[i].again) {
            rowsort_add(q->window, &c->rows[i]);
            continue;
        }
        err = store_held(q, rowsort_count(q->window));
        if (err == HV_OK)
            err = store_put_rows(q->st, &c->rows[i], 1);
    }
    size_t n = rowsort_count(q->window);
    if (err == HV_OK && n > SQ_HOLD)
        err = store_held(q, (n - SQ_HOLD) / STORE_PUT_BATCH * STORE_PUT_BATCH);
    if (err == HV_OK && c->commit_after) {
        err = store_held(q, rowsort_count(q->window));
        if (err == HV_OK)
            err = store_commit(q->st);
        if (err == HV_OK)
            err = store_begin(q->st);
    }
    return err;
}

/* writer - the thread: store queued chunks until told to stop; the held
 * rows when the queue is empty and a drain (or the stop) waits. */
static void *writer(void *arg)
{
    struct squeue *q = arg;
    pthread_mutex_lock(&q->mu);
    for (;;) {
        while (q->head == q->tail && !q->stop && !q->flush)
            pthread_cond_wait(&q->not_empty, &q->mu);
        if (q->head == q->tail) {
            pthread_mutex_unlock(&q->mu);
            int err = store_held(q, rowsort_count(q->window));
            pthread_mutex_lock(&q->mu);
            if (err != HV_OK && q->error == HV_OK)
                q->error = err;
            q->flush = false;
            pthread_cond_broadcast(&q->drained);
            if (q->stop)
                break;
            continue;
        }
        struct sq_chunk *c = &q->chunks[q->head % SQ_CHUNKS];
        pthread_mutex_unlock(&q->mu);
        int err = store_chunk(q, c);
        if ((++q->stored_chunks & 63) == 0)
            store_writeback(q->st);
        pthread_mutex_lock(&q->mu);
        c->n = 0;
        c->used = 0;
        c->commit_after = false;
        q->head++;
        if (err != HV_OK && q->error == HV_OK)
            q->error = err;
        pthread_cond_signal(&q->not_full);
    }
    pthread_mutex_unlock(&q->mu);
    return NULL;
}

/* destroy - free what squeue_new made (the thread is not running). */
static void destroy(struct squeue *q)
{
    pthread_mutex_destroy(&q->mu);
    pthread_cond_destroy(&q->not_empty);
    pthread_cond_destroy(&q->not_full);
    pthread_cond_destroy(&q->drained);
    rowsort_free(q->window);
    free(q->chunks);
    free(q);
}

struct squeue *squeue_new(struct store *st)
{
    struct squeue *q = xcalloc(1, sizeof(*q));
    q->st = st;
    q->chunks = xcalloc(SQ_CHUNKS, sizeof(*q->chunks));
    q->window = rowsort_new();
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->not_empty, NULL);
    pthread_cond_init(&q->not_full, NULL);
    pthread_cond_init(&q->drained, NULL);
    if (pthread_create(&q->thread, NULL, writer, q) != 0) {
        destroy(q);
        return NULL;
    }
    return q;
}

/* publish - hand the chunk being filled to the writer and wait until the
 * next one is free. */
static void publish(struct squeue *q)
{
    pthread_mutex_lock(&q->mu);
    q->tail++;
    pthread_cond_signal(&q->not_empty);
    while (q->tail - q->head >= SQ_CHUNKS)
        pthread_cond_wait(&q->not_full, &q->mu);
    pthread_mutex_unlock(&q->mu);
}

void squeue_push(struct squeue *q, int64_t source_id, const struct hv_session *s)
{
    /* chunks[tail] belongs to this thread until publish() */
    struct sq_chunk *c = &q->chunks[q->tail % SQ_CHUNKS];
    c->used += store_row_pack(&c->rows[c->n], source_id, s, c->text + c->used);
    c->n++;
    if (c->n == SQ_ROWS || SQ_TEXT - c->used < STORE_ROW_TEXT_MAX)
        publish(q);
}

void squeue_commit(struct squeue *q)
{
    q->chunks[q->tail % SQ_CHUNKS].commit_after = true;
    publish(q);
}

int squeue_drain(struct squeue *q)
{
    if (q->chunks[q->tail % SQ_CHUNKS].n > 0)
        publish(q);
    pthread_mutex_lock(&q->mu);
    q->flush = true;
    pthread_cond_signal(&q->not_empty);
    while (q->head != q->tail || q->flush)
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
    if (q->chunks[q->tail % SQ_CHUNKS].n > 0)
        publish(q);
    pthread_mutex_lock(&q->mu);
    q->stop = true;
    pthread_cond_signal(&q->not_empty);
    pthread_mutex_unlock(&q->mu);
    pthread_join(q->thread, NULL);
    destroy(q);
}
