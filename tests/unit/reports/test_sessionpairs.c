/* SPDX-License-Identifier: MIT */
/*
 * test_sessionpairs - after sessionpairs_sort, every id added is found with
 * its own number, in ascending order, descending order and at random, and
 * an id not added is not: sets of every size up to a few thousand and of
 * 200,000 entries, ids shaped as the store makes them (source << 32 | line,
 * several sources) and ids spread over the whole 64-bit range, negative
 * ones included, each checked against a qsort of the same entries.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "sessionpairs.h"
#include "xorshift.h"

struct entry {
    int64_t id;
    uint32_t num;
};

/* by_id - qsort order of entries. */
static int by_id(const void *a, const void *b)
{
    int64_t x = ((const struct entry *)a)->id, y = ((const struct entry *)b)->id;
    return x < y ? -1 : x > y;
}

/* make_ids - n distinct ids into e (shape 0: store-like, 1: anywhere),
 * numbered, in random order. */
static void make_ids(struct entry *e, size_t n, int shape, uint64_t *seed)
{
    for (size_t i = 0; i < n; i++) {
        int64_t id;
        if (shape == 0) /* distinct: a source and its i-th line, spread */
            id = ((int64_t)(1 + i % 5) << 32) | (int64_t)(i / 5 * 7 + 1);
        else /* distinct: i in the low bits, random above */
            id = (int64_t)((xorshift_below(seed, UINT64_MAX) << 24) | i);
        e[i].id = id;
        e[i].num = (uint32_t)xorshift_below(seed, UINT64_MAX);
    }
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)xorshift_below(seed, i);
        struct entry t = e[i - 1];
        e[i - 1] = e[j];
        e[j] = t;
    }
}

/* check_set - the entries e[0 .. n) through a sessionpairs. */
static void check_set(struct entry *e, size_t n, uint64_t *seed)
{
    struct sessionpairs sp;
    sessionpairs_init(&sp);
    for (size_t i = 0; i < n; i++)
        sessionpairs_add(&sp, e[i].id, e[i].num);
    sessionpairs_sort(&sp);
    qsort(e, n, sizeof(*e), by_id);
    CHECK_INTEQ(sp.n, n);
    bool sorted = true;
    for (size_t i = 0; i < n; i++)
        sorted = sorted && sp.id[i] == e[i].id && sp.num[i] == e[i].num;
    CHECK_MSG(sorted, "%zu entries not in qsort's order", n);
    bool found = true;
    uint32_t num;
    for (size_t i = 0; i < n; i++) /* ascending: the cursor */
        found = found && sessionpairs_find(&sp, e[i].id, &num) &&
                num == e[i].num;
    for (size_t i = n; i-- > 0;) /* descending: a search each */
        found = found && sessionpairs_find(&sp, e[i].id, &num) &&
                num == e[i].num;
    for (size_t k = 0; n > 0 && k < 1000; k++) {
        size_t i = (size_t)xorshift_below(seed, n);
        found = found && sessionpairs_find(&sp, e[i].id, &num) &&
                num == e[i].num;
    }
    CHECK_MSG(found, "an id of %zu not found with its number", n);
    bool absent = true;
    for (size_t i = 0; i < n; i++) {
        /* between two ids, below the first, above the last */
        if (e[i].id != INT64_MAX && (i + 1 == n || e[i + 1].id != e[i].id + 1))
            absent = absent && !sessionpairs_find(&sp, e[i].id + 1, &num);
        if (i == 0 && e[i].id != INT64_MIN)
            absent = absent && !sessionpairs_find(&sp, e[i].id - 1, &num);
    }
    absent = absent && !sessionpairs_find(&sp, 0x7fffffffffffffLL, &num);
    CHECK_MSG(absent, "an id not added was found among %zu", n);
    sessionpairs_free(&sp);
    CHECK(sp.n == 0 && sp.id == NULL);
}

int main(void)
{
    uint64_t seed = XORSHIFT_SEED;
    static struct entry e[200000];
    for (int shape = 0; shape < 2; shape++) {
        for (size_t n = 0; n <= 64; n++) {
            make_ids(e, n, shape, &seed);
            check_set(e, n, &seed);
        }
        for (size_t n = 100; n < 5000; n = n * 3 + 1) {
            make_ids(e, n, shape, &seed);
            check_set(e, n, &seed);
        }
        make_ids(e, 200000, shape, &seed);
        check_set(e, 200000, &seed);
    }
    /* the extremes of the range and a negative id */
    struct entry x[] = {{INT64_MAX, 1}, {INT64_MIN, 2}, {-5, 3}, {0, 4}, {5, 5}};
    check_set(x, sizeof(x) / sizeof(x[0]), &seed);
    return CHECK_DONE();
}
