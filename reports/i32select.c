/* SPDX-License-Identifier: MIT */
/* i32select - the k-th smallest without a sort; see i32select.h. */
#include "i32select.h"

#include <stdlib.h>

/* cmp_i32 - qsort's order of two int32_t. */
static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return x < y ? -1 : x > y;
}

/* median3 - the middle value of x, y and z. */
static int32_t median3(int32_t x, int32_t y, int32_t z)
{
    if (x > y) {
        int32_t t = x;
        x = y;
        y = t;
    }
    return z <= x ? x : z >= y ? y : z;
}

int32_t i32_select(int32_t *a, size_t n, size_t k)
{
    /* a partition that keeps most of the range (a crafted order) spends
     * the budget, and the rest is sorted */
    int budget = 16;
    for (size_t m = n; m > 1; m /= 2)
        budget += 2;
    return i32_select_budget(a, n, k, budget);
}

int32_t i32_select_budget(int32_t *a, size_t n, size_t k, int budget)
{
    size_t lo = 0, hi = n;
    while (hi - lo > 16) {
        if (budget-- == 0) {
            qsort(a + lo, hi - lo, sizeof(*a), cmp_i32);
            return a[k];
        }
        int32_t p = median3(a[lo], a[lo + (hi - lo) / 2], a[hi - 1]);
        /* [lo, lt) < p, [lt, i) == p, [gt, hi) > p */
        size_t lt = lo, i = lo, gt = hi;
        while (i < gt) {
            int32_t v = a[i];
            if (v < p) {
                a[i++] = a[lt];
                a[lt++] = v;
            } else if (v > p) {
                a[i] = a[--gt];
                a[gt] = v;
            } else {
                i++;
            }
        }
        if (k < lt)
            hi = lt;
        else if (k >= gt)
            lo = gt;
        else
            return a[k];
    }
    for (size_t i = lo + 1; i < hi; i++) /* a short range: insertion */
        for (size_t j = i; j > lo && a[j] < a[j - 1]; j--) {
            int32_t t = a[j];
            a[j] = a[j - 1];
            a[j - 1] = t;
        }
    return a[k];
}
