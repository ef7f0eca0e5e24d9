/* SPDX-License-Identifier: MIT */
/* sessionpairs - a number per session id; see sessionpairs.h. */
#include "sessionpairs.h"

#include <stdlib.h>
#include <string.h>

#include "xmem.h"

#define DIGIT_BITS 11
#define DIGITS ((64 + DIGIT_BITS - 1) / DIGIT_BITS)
#define BUCKETS (1u << DIGIT_BITS)

void sessionpairs_init(struct sessionpairs *sp)
{
    memset(sp, 0, sizeof(*sp));
}

void sessionpairs_reserve(struct sessionpairs *sp, size_t n)
{
    if (n <= sp->cap)
        return;
    sp->cap = n;
    sp->id = xrealloc(sp->id, sp->cap * sizeof(*sp->id));
    sp->num = xrealloc(sp->num, sp->cap * sizeof(*sp->num));
}

void sessionpairs_add(struct sessionpairs *sp, int64_t id, uint32_t num)
{
    if (sp->n == sp->cap)
        sessionpairs_reserve(sp, sp->cap ? 2 * sp->cap : 4096);
    sp->id[sp->n] = id;
    sp->num[sp->n] = num;
    sp->n++;
}

/* key - id as an unsigned number in the same order (sign bit flipped). */
static uint64_t key(int64_t id)
{
    return (uint64_t)id ^ ((uint64_t)1 << 63);
}

void sessionpairs_sort(struct sessionpairs *sp)
{
    size_t n = sp->n;
    if (n < 2)
        return;
    int64_t *id2 = xmalloc(n * sizeof(*id2));
    uint32_t *num2 = xmalloc(n * sizeof(*num2));
    size_t *count = xmalloc(BUCKETS * sizeof(*count));
    for (int d = 0; d < DIGITS; d++) {
        int shift = d * DIGIT_BITS;
        memset(count, 0, BUCKETS * sizeof(*count));
        for (size_t i = 0; i < n; i++)
            count[(key(sp->id[i]) >> shift) & (BUCKETS - 1)]++;
        size_t sum = 0, full = 0;
        for (size_t b = 0; b < BUCKETS; b++) {
            size_t c = count[b];
            full = c == n ? 1 : full;
            count[b] = sum;
            sum += c;
        }
        if (full) /* every id has this digit: the pass would move nothing */
            continue;
        for (size_t i = 0; i < n; i++) {
            size_t at = count[(key(sp->id[i]) >> shift) & (BUCKETS - 1)]++;
            id2[at] = sp->id[i];
            num2[at] = sp->num[i];
        }
        int64_t *ti = sp->id;
        uint32_t *tn = sp->num;
        sp->id = id2;
        sp->num = num2;
        id2 = ti;
        num2 = tn;
    }
    free(id2);
    free(num2);
    free(count);
    sp->next = 0;
}

bool sessionpairs_find(struct sessionpairs *sp, int64_t id, uint32_t *num)
{
    size_t at = sp->next;
    if (at >= sp->n || sp->id[at] != id) {
        size_t lo = 0, hi = sp->n; /* the first entry >= id */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (sp->id[mid] < id)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo >= sp->n || sp->id[lo] != id)
            return false;
        at = lo;
    }
    *num = sp->num[at];
    sp->next = at + 1;
    return true;
}

void sessionpairs_free(struct sessionpairs *sp)
{
    free(sp->id);
    free(sp->num);
    sessionpairs_init(sp);
}
