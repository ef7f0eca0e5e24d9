/* SPDX-License-Identifier: MIT */
/*
 * pairsort - the report's pairs in key order (contract in pairsort.h):
 * entries of 8-byte prefixes sorted in place by a quicksort (median of
 * three, heapsort past a depth, insertion sort below 16), the two parts of
 * the first partition on two threads.
 */
#include "pairsort.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "pairinfo.h"
#include "xmem.h"

/* the pairs pairsort_order orders, read by the comparisons of both
 * threads (set for the length of a sort: one sort at a time per process) */
static const struct pairmap *sort_pm;

/* a pair to sort: the first 8 bytes of its HELO and of its IP (each
 * big-endian, zero-padded: their order is memcmp's), the HELO's length
 * when it is all in pre (else 9) and its number */
struct sortent {
    uint64_t pre, ipre;
    uint32_t idx;
    uint8_t hshort;
};

/* pair_cmp - pairs by HELO, then IP (pairinfo_cmp); the prefixes decide
 * most comparisons without reading the keys: two HELOs wholly in pre are
 * equal when their lengths are, and then the IP decides. */
static int pair_cmp(const void *pa, const void *pb)
{
    const struct sortent *a = pa, *b = pb;
    if (a->pre != b->pre)
        return a->pre < b->pre ? -1 : 1;
    if (a->hshort <= 8 && b->hshort <= 8) {
        if (a->hshort != b->hshort) /* one is a prefix of the other */
            return a->hshort < b->hshort ? -1 : 1;
        if (a->ipre != b->ipre)
            return a->ipre < b->ipre ? -1 : 1;
    }
    const char *ha, *ia, *hb, *ib;
    size_t hna, ina, hnb, inb;
    pairmap_pair(sort_pm, a->idx, &ha, &hna, &ia, &ina);
    pairmap_pair(sort_pm, b->idx, &hb, &hnb, &ib, &inb);
    return pairinfo_cmp(ha, hna, ia, ina, hb, hnb, ib, inb);
}

/* ent_less - a before b: pair_cmp's order, equal keys by pair number (the
 * order a stable sort of the numbers gives). */
static bool ent_less(const struct sortent *a, const struct sortent *b)
{
    int c = pair_cmp(a, b);
    return c != 0 ? c < 0 : a->idx < b->idx;
}

/* ent_swap - exchange e[i] and e[j]. */
static void ent_swap(struct sortent *e, size_t i, size_t j)
{
    struct sortent t = e[i];
    e[i] = e[j];
    e[j] = t;
}

/* ent_sift - restore the max-heap of e[0..n) below root. */
static void ent_sift(struct sortent *e, size_t root, size_t n)
{
    for (;;) {
        size_t child = 2 * root + 1;
        if (child >= n)
            return;
        if (child + 1 < n && ent_less(&e[child], &e[child + 1]))
            child++;
        if (!ent_less(&e[root], &e[child]))
            return;
        ent_swap(e, root, child);
        root = child;
    }
}

/* ent_partition - e[0..n) (n > 16) split around a median of three:
 * returns left, with e[0..left) <= pivot <= e[left..n), both non-empty. */
static size_t ent_partition(struct sortent *e, size_t n)
{
    size_t mid = n / 2;
    if (ent_less(&e[mid], &e[0]))
        ent_swap(e, 0, mid);
    if (ent_less(&e[n - 1], &e[0]))
        ent_swap(e, 0, n - 1);
    if (ent_less(&e[n - 1], &e[mid]))
        ent_swap(e, mid, n - 1);
    struct sortent pivot = e[mid];
    /* Hoare: keys are distinct (ent_less is total), the pivot is not
     * the last one, so both parts are non-empty */
    size_t i = 0, j = n - 1;
    for (;;) {
        while (ent_less(&e[i], &pivot))
            i++;
        while (ent_less(&pivot, &e[j]))
            j--;
        if (i >= j)
            break;
        ent_swap(e, i, j);
        i++;
        j--;
    }
    return j + 1;
}

/* ent_sort - e[0..n) in ent_less order, in place (no buffer: the pairs
 * are the report's peak of memory): quicksort with a median of three,
 * heapsort past depth levels (no quadratic case, whatever the HELOs),
 * insertion sort below 16. */
static void ent_sort(struct sortent *e, size_t n, int depth)
{
    while (n > 16) {
        if (depth-- == 0) {
            for (size_t i = n / 2; i-- > 0;)
                ent_sift(e, i, n);
            for (size_t end = n; end > 1; end--) {
                ent_swap(e, 0, end - 1);
                ent_sift(e, 0, end - 1);
            }
            return;
        }
        size_t left = ent_partition(e, n);
        if (left < n - left) {
            ent_sort(e, left, depth);
            e += left;
            n -= left;
        } else {
            ent_sort(e + left, n - left, depth);
            n = left;
        }
    }
    for (size_t i = 1; i < n; i++)
        for (size_t k = i; k > 0 && ent_less(&e[k], &e[k - 1]); k--)
            ent_swap(e, k, k - 1);
}

/* a half of the pairs sorted in a thread of its own (sort_halves) */
struct sort_job {
    struct sortent *e;
    size_t n;
    int depth;
};

/* sort_job_run - (a thread) ent_sort of the job. */
static void *sort_job_run(void *arg)
{
    struct sort_job *j = arg;
    ent_sort(j->e, j->n, j->depth);
    return NULL;
}

/* sort_halves - ent_sort of e[0..n) on two cores: one partition, then
 * each part sorted in a thread (the same order: the parts are sorted
 * apart whatever the threads). No memory but the thread's. */
static void sort_halves(struct sortent *e, size_t n, int depth)
{
    if (n < 65536) {
        ent_sort(e, n, depth);
        return;
    }
    size_t left = ent_partition(e, n);
    struct sort_job job = {e, left, depth - 1};
    pthread_t th;
    bool threaded = pthread_create(&th, NULL, sort_job_run, &job) == 0;
    if (!threaded)
        sort_job_run(&job);
    ent_sort(e + left, n - left, depth - 1);
    if (threaded)
        pthread_join(th, NULL);
}

uint32_t *pairsort_order(const struct pairmap *pm)
{
    size_t np = pairmap_count(pm);
    struct sortent *e = xcalloc(np + 1, sizeof(*e));
    for (size_t i = 0; i < np; i++) {
        const char *h, *ip;
        size_t hn, in;
        pairmap_pair(pm, i, &h, &hn, &ip, &in);
        uint64_t pre = 0, ipre = 0;
        for (size_t k = 0; k < 8; k++) {
            pre = pre << 8 | (k < hn ? (unsigned char)h[k] : 0);
            ipre = ipre << 8 | (k < in ? (unsigned char)ip[k] : 0);
        }
        e[i].pre = pre;
        e[i].ipre = ipre;
        e[i].hshort = (uint8_t)(hn <= 8 ? hn : 9);
        e[i].idx = (uint32_t)i;
    }
    int depth = 2;
    for (size_t k = np; k > 1; k /= 2)
        depth += 2;
    sort_pm = pm;
    sort_halves(e, np, depth);
    sort_pm = NULL;
    uint32_t *order = xcalloc(np + 1, sizeof(*order));
    for (size_t i = 0; i < np; i++)
        order[i] = e[i].idx;
    free(e);
    return order;
}
