/* SPDX-License-Identifier: MIT */
/*
 * test_i32select - i32_select against a sort: for arrays of every length
 * from 1 to 300 and some long ones, in orders that defeat simple pivots
 * (sorted, reversed, all equal, two values, organ pipe, sawtooth, the
 * extremes of int32_t, random), the k-th smallest is the sorted array's
 * element k for the first, the last, the median and random k, with no
 * larger element before it and no smaller one after it, and the array
 * still holds the same values; also when the partitions' budget runs out
 * at once or after one or two, and the rest is sorted.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "i32select.h"
#include "xmem.h"
#include "xorshift.h"

#define NPAT 9

static int cmp(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return x < y ? -1 : x > y;
}

/* fill - pattern p of n values into a. */
static void fill(int32_t *a, size_t n, int p, uint64_t *seed)
{
    for (size_t i = 0; i < n; i++) {
        switch (p) {
        case 0: a[i] = (int32_t)i; break;                     /* sorted */
        case 1: a[i] = (int32_t)(n - i); break;               /* reversed */
        case 2: a[i] = 7; break;                              /* all equal */
        case 3: a[i] = (int32_t)(i % 2); break;               /* two values */
        case 4: a[i] = (int32_t)(i < n / 2 ? i : n - i); break; /* organ pipe */
        case 5: a[i] = (int32_t)(i % 10); break;              /* sawtooth */
        case 6: a[i] = i % 3 == 0 ? INT32_MIN : i % 3 == 1 ? INT32_MAX : 0;
            break;
        case 7: a[i] = (int32_t)xorshift_below(seed, 5); break; /* few */
        default:
            a[i] = (int32_t)(xorshift_below(seed, UINT32_MAX) - INT32_MAX);
        }
    }
}

/* one - select k of pattern p (length n) and check it; budget < 0: the
 * default, else that many partitions before the sort. */
static void one(int p, size_t n, size_t k, uint64_t *seed, int32_t *a,
                int32_t *sorted, int32_t *copy, int budget)
{
    uint64_t s = *seed;
    fill(a, n, p, seed);
    memcpy(sorted, a, n * sizeof(*a));
    qsort(sorted, n, sizeof(*a), cmp);
    int32_t got = budget < 0 ? i32_select(a, n, k)
                             : i32_select_budget(a, n, k, budget);
    size_t bad = got != sorted[k] || a[k] != sorted[k];
    for (size_t i = 0; i < n; i++)
        bad += i < k ? a[i] > a[k] : i > k ? a[i] < a[k] : 0;
    memcpy(copy, a, n * sizeof(*a));
    qsort(copy, n, sizeof(*a), cmp);
    bad += memcmp(copy, sorted, n * sizeof(*a)) != 0;
    CHECK_MSG(bad == 0, "pattern %d, n %zu, k %zu (seed %llu)", p, n, k,
              (unsigned long long)s);
}

int main(void)
{
    enum { MAXN = 200000 };
    int32_t *a = xcalloc(MAXN, sizeof(*a));
    int32_t *sorted = xcalloc(MAXN, sizeof(*a));
    int32_t *copy = xcalloc(MAXN, sizeof(*a));
    uint64_t seed = XORSHIFT_SEED;
    for (int p = 0; p < NPAT; p++) {
        for (size_t n = 1; n <= 300; n++) {
            size_t ks[4] = {0, n - 1, (n - 1) / 2,
                            (size_t)xorshift_below(&seed, n)};
            for (int j = 0; j < 4; j++)
                one(p, n, ks[j], &seed, a, sorted, copy, -1);
            /* the sort a spent budget falls back to, from the start or
             * after one or two partitions */
            for (int budget = 0; budget <= 2; budget++)
                one(p, n, ks[3], &seed, a, sorted, copy, budget);
        }
        static const size_t big[] = {1000, 4097, 65536, MAXN};
        for (size_t j = 0; j < sizeof(big) / sizeof(big[0]); j++) {
            one(p, big[j], (big[j] - 1) / 2, &seed, a, sorted, copy, -1);
            one(p, big[j], big[j] / 3, &seed, a, sorted, copy, 1);
        }
    }
    free(a);
    free(sorted);
    free(copy);
    return CHECK_DONE();
}
