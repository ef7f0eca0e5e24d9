/* SPDX-License-Identifier: MIT */
/*
 * batchpipe - fills batches in a thread of its own while the caller uses
 * the ones filled before, so that reading rows (SQLite) and working on
 * them take one core each. The caller owns the batches (a few, made
 * before) and the fill function; the pipe owns the thread and hands the
 * batches back and forth in the order they were filled.
 *
 * Whatever fill touches (the statement, its connection, the state in
 * arg) belongs to the pipe's thread from batchpipe_new until
 * batchpipe_next has returned NULL or batchpipe_free has returned: the
 * caller must not touch it in between. Without threads (pthread_create
 * fails) fill runs in the caller's thread inside batchpipe_next: the same
 * batches in the same order.
 */
#ifndef HV_BATCHPIPE_H
#define HV_BATCHPIPE_H

#include <stdbool.h>
#include <stddef.h>

/* fill - fill batch for the caller (the batch comes back empty as the
 * caller left it); false once there is nothing more to read: that batch
 * (which may hold the last rows) is still handed over, and fill is not
 * called again. */
typedef bool (*batchpipe_fill)(void *arg, void *batch);

struct batchpipe;

#define BATCHPIPE_MAX 8 /* batches a pipe can hold */

/* batchpipe_new - a pipe over the n batches (1 .. BATCHPIPE_MAX, the
 * array copied; the first BATCHPIPE_MAX of more) that starts filling them
 * now, in a thread when there are two or more. Freed by batchpipe_free. */
struct batchpipe *batchpipe_new(void *const *batches, size_t n,
                                batchpipe_fill fill, void *arg);

/* batchpipe_next - the next filled batch, in the order they were filled,
 * waiting for it; NULL after the last one. Give each back with
 * batchpipe_done before asking for more than n - 1 more. */
void *batchpipe_next(struct batchpipe *p);

/* batchpipe_done - batch (from batchpipe_next), emptied by the caller,
 * back to be filled again. */
void batchpipe_done(struct batchpipe *p, void *batch);

/* batchpipe_free - stop filling (the batch being filled is finished
 * first), wait for the thread and free the pipe, not the batches; NULL
 * is a no-op. */
void batchpipe_free(struct batchpipe *p);

#endif
