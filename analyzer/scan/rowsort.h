/* SPDX-License-Identifier: MIT */
/*
 * rowsort - puts session rows that arrive nearly in id order back into id
 * order before they are stored.
 *
 * A session's id is (source_id << 32) | its first line, but a parser emits
 * the session when it ends: sessions that overlap come out of order (in
 * mklog's logs half of Postfix's and nine in ten of Exim's), though rarely
 * by more than a few dozen rows. SQLite appends rows in id order to the
 * right edge of its b-tree cheaply; a row that goes before rows already
 * stored splits a full page instead (about a fifth of the writer's time,
 * and a file 15% larger). The writer passes rows through this window,
 * holds the newest few hundred, and stores the rest in order.
 *
 * Rows are copied in (text included), so the caller's buffers can be
 * reused at once. One thread at a time.
 */
#ifndef HV_ROWSORT_H
#define HV_ROWSORT_H

#include <stddef.h>

#include "store.h"

struct rowsort;

/* rowsort_new - an empty window. Freed by rowsort_free. */
struct rowsort *rowsort_new(void);

/* rowsort_add - copy r and its text into the window. */
void rowsort_add(struct rowsort *w, const struct store_row *r);

/* rowsort_count - the rows in the window. */
size_t rowsort_count(const struct rowsort *w);

/* rowsort_take - remove the k rows with the smallest ids (k at most
 * rowsort_count) and return them in id order, rows with equal ids in the
 * order they were added. The array and its text belong to the window and
 * stay valid until the next call on it. */
const struct store_row *rowsort_take(struct rowsort *w, size_t k);

/* rowsort_free - free the window and what it holds; NULL is a no-op. */
void rowsort_free(struct rowsort *w);

#endif
