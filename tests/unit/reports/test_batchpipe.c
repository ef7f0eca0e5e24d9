/* SPDX-License-Identifier: MIT */
/*
 * test_batchpipe - a producer numbering items 0, 1, 2, ... into batches:
 * for every number of batches from 1 to BATCHPIPE_MAX and totals of 0, 1,
 * a batch's size, a multiple of it and one more, the caller gets every
 * number once, in order, in batches that come back empty to fill; fill
 * runs in another thread with two or more batches and in the caller's
 * with one; a slow reader and a slow filler both get everything; freeing
 * the pipe early stops the filling with no hang and at most the batches'
 * worth filled past what was read.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "batchpipe.h"
#include "check.h"

#define PER 7 /* items a batch holds */

struct batch {
    long item[PER];
    size_t n;
};

struct source {
    long next, total;  /* the next number, how many in all */
    long fills;        /* fill calls */
    bool other_thread; /* fill ran in a thread other than main's */
    bool got_dirty;    /* fill was given a batch not emptied */
    pthread_t main;
    long delay_ns;     /* each fill sleeps this long */
};

static void nap(long ns)
{
    if (ns > 0) {
        struct timespec t = {0, ns};
        nanosleep(&t, NULL);
    }
}

/* fill - (batchpipe_fill) up to PER numbers into the batch. */
static bool fill(void *arg, void *bp)
{
    struct source *s = arg;
    struct batch *b = bp;
    s->fills++;
    if (!pthread_equal(pthread_self(), s->main))
        s->other_thread = true;
    if (b->n != 0)
        s->got_dirty = true;
    nap(s->delay_ns);
    while (b->n < PER && s->next < s->total)
        b->item[b->n++] = s->next++;
    return s->next < s->total;
}

/* run - a whole pass with nb batches over total numbers; the reader naps
 * read_ns per batch. */
static void run(size_t nb, long total, long fill_ns, long read_ns)
{
    struct batch bs[BATCHPIPE_MAX];
    void *slots[BATCHPIPE_MAX];
    memset(bs, 0, sizeof(bs));
    for (size_t i = 0; i < nb; i++)
        slots[i] = &bs[i];
    struct source s = {0, total, 0, false, false, pthread_self(), fill_ns};
    struct batchpipe *p = batchpipe_new(slots, nb, fill, &s);
    long want = 0;
    bool in_order = true, mine = true;
    struct batch *b;
    while ((b = batchpipe_next(p)) != NULL) {
        mine = mine && b >= bs && b < bs + nb;
        for (size_t k = 0; k < b->n; k++)
            in_order = in_order && b->item[k] == want++;
        b->n = 0;
        nap(read_ns);
        batchpipe_done(p, b);
    }
    CHECK_MSG(batchpipe_next(p) == NULL, "nb %zu total %ld: more after NULL",
              nb, total);
    batchpipe_free(p);
    CHECK_MSG(in_order && mine && want == total,
              "nb %zu total %ld: %ld read, in order %d, own batches %d", nb,
              total, want, in_order, mine);
    CHECK_MSG(!s.got_dirty, "nb %zu total %ld: fill got a batch not emptied",
              nb, total);
    CHECK_MSG(s.other_thread == (nb >= 2),
              "nb %zu total %ld: fill in another thread %d", nb, total,
              s.other_thread);
}

/* early - read two batches of a long source and free the pipe. */
static void early(size_t nb)
{
    struct batch bs[BATCHPIPE_MAX];
    void *slots[BATCHPIPE_MAX];
    memset(bs, 0, sizeof(bs));
    for (size_t i = 0; i < nb; i++)
        slots[i] = &bs[i];
    struct source s = {0, 1000000, 0, false, false, pthread_self(), 100000};
    struct batchpipe *p = batchpipe_new(slots, nb, fill, &s);
    long read = 0;
    for (int k = 0; k < 2; k++) {
        struct batch *b = batchpipe_next(p);
        CHECK(b != NULL);
        if (b == NULL)
            break;
        read += (long)b->n;
        b->n = 0;
        batchpipe_done(p, b);
    }
    batchpipe_free(p);
    /* what was read, the batches queued, and the one being filled */
    CHECK_MSG(read == 2 * PER && s.next <= read + (long)(nb + 1) * PER,
              "early free with %zu batches: %ld read, %ld filled", nb, read,
              s.next);
}

int main(void)
{
    static const long totals[] = {0, 1, PER, 5 * PER, 5 * PER + 1, 100003};
    for (size_t nb = 1; nb <= BATCHPIPE_MAX; nb++)
        for (size_t t = 0; t < sizeof(totals) / sizeof(totals[0]); t++)
            run(nb, totals[t], 0, 0);
    run(2, 200, 200000, 0); /* the reader waits for the filler */
    run(3, 200, 0, 200000); /* the filler waits for the reader */
    for (size_t nb = 1; nb <= 4; nb++)
        early(nb);
    return CHECK_DONE();
}
