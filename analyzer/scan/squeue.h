/* SPDX-License-Identifier: MIT */
/*
 * squeue - hands sessions from the parsing thread to a writer thread that
 * stores them, so parsing and SQLite inserts use both cores. Bounded (the
 * parser waits when the writer is behind). The store handle is used by one
 * thread at a time: the caller must call squeue_drain() before touching the
 * store itself, and the writer only touches it between drains.
 *
 * The writer holds back the newest few hundred new sessions and stores
 * sessions in id order (rowsort.h); an update (again) is stored after every
 * session pushed before it. Everything pushed is stored by squeue_drain, and
 * by a squeue_commit's commit.
 */
#ifndef HV_SQUEUE_H
#define HV_SQUEUE_H

#include <stdint.h>

#include "session.h"
#include "store.h"

struct squeue;

/* squeue_new - start the writer thread for st; NULL when threads are not
 * available (the caller then stores directly). Freed by squeue_free. */
struct squeue *squeue_new(struct store *st);

/* squeue_push - queue a flattened copy of s for source_id; the writer gets
 * it with the next full chunk or squeue_drain (blocks when all are full). */
void squeue_push(struct squeue *q, int64_t source_id, const struct hv_session *s);

/* squeue_commit - have the writer commit the open transaction (and begin
 * the next) once what is queued so far is stored, without waiting for it;
 * a failure is returned by the next squeue_drain. */
void squeue_commit(struct squeue *q);

/* squeue_drain - wait until every queued session is stored. Returns HV_OK
 * or the first store error since the last drain. */
int squeue_drain(struct squeue *q);

/* squeue_free - drain, stop the thread, free; NULL is a no-op. */
void squeue_free(struct squeue *q);

#endif
