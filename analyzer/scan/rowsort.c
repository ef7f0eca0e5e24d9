/* SPDX-License-Identifier: MIT */
/* rowsort - a reorder window for session rows (see rowsort.h). */
#include "rowsort.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xmem.h"

/* A held row: its copy and the text buffer it owns. */
struct slot {
    struct store_row r;
    char *text;
    size_t cap;
};

struct rowsort {
    struct slot *slots;        /* every slot made so far */
    size_t nslots;
    uint32_t *ord;             /* the window: slot numbers by id */
    uint64_t *ord_id;          /* ... and their ids */
    size_t n, ord_cap;
    uint32_t *spare;           /* slots free for rowsort_add */
    size_t nspare;
    struct store_row *out;     /* rowsort_take's result */
    size_t out_cap;
    uint32_t *spare_next;      /* its slots, spare from the next call on */
    size_t nspare_next;
};

struct rowsort *rowsort_new(void)
{
    return xcalloc(1, sizeof(struct rowsort));
}

/* release_taken - the slots of the last rowsort_take become spare. */
static void release_taken(struct rowsort *w)
{
    if (w->nspare_next == 0)
        return;
    memcpy(w->spare + w->nspare, w->spare_next, w->nspare_next * sizeof(*w->spare));
    w->nspare += w->nspare_next;
    w->nspare_next = 0;
}

/* copy_text - p[0..n) and a NUL at *at; returns where it went. */
static const char *copy_text(char **at, const char *p, int n)
{
    char *d = *at;
    memcpy(d, p, (size_t)n);
    d[n] = '\0';
    *at += n + 1;
    return d;
}

void rowsort_add(struct rowsort *w, const struct store_row *r)
{
    release_taken(w);
    if (w->nspare == 0) {
        /* a new slot: spare and spare_next have room for all of them */
        w->slots = xrealloc(w->slots, (w->nslots + 1) * sizeof(*w->slots));
        memset(&w->slots[w->nslots], 0, sizeof(*w->slots));
        w->spare = xrealloc(w->spare, (w->nslots + 1) * sizeof(*w->spare));
        w->spare_next = xrealloc(w->spare_next, (w->nslots + 1) * sizeof(*w->spare_next));
        w->spare[w->nspare++] = (uint32_t)w->nslots++;
    }
    uint32_t i = w->spare[--w->nspare];
    struct slot *s = &w->slots[i];
    size_t need = (size_t)r->ip_len + 1 + (size_t)r->rdns_len + 1 +
                  (r->helo != NULL ? (size_t)r->helo_len + 1 : 0) +
                  (r->qids != NULL ? (size_t)r->qids_len + 1 : 0);
    if (need > s->cap) {
        s->cap = need > 2 * s->cap ? need : 2 * s->cap;
        s->text = xrealloc(s->text, s->cap);
    }
    s->r = *r;
    char *at = s->text;
    s->r.ip = copy_text(&at, r->ip, r->ip_len);
    s->r.rdns = copy_text(&at, r->rdns, r->rdns_len);
    if (r->helo != NULL)
        s->r.helo = copy_text(&at, r->helo, r->helo_len);
    if (r->qids != NULL)
        s->r.qids = copy_text(&at, r->qids, r->qids_len);
    uint64_t id = (uint64_t)r->source_id << 32 | (uint64_t)r->line;

    if (w->n == w->ord_cap) {
        w->ord_cap = w->ord_cap ? 2 * w->ord_cap : 256;
        w->ord = xrealloc(w->ord, w->ord_cap * sizeof(*w->ord));
        w->ord_id = xrealloc(w->ord_id, w->ord_cap * sizeof(*w->ord_id));
    }
    /* after every row of the same or a lower id */
    size_t lo = 0, hi = w->n;
    if (hi > 0 && w->ord_id[hi - 1] <= id) {
        lo = hi;   /* in order: the common case */
    } else {
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (w->ord_id[mid] <= id)
                lo = mid + 1;
            else
                hi = mid;
        }
    }
    memmove(w->ord + lo + 1, w->ord + lo, (w->n - lo) * sizeof(*w->ord));
    memmove(w->ord_id + lo + 1, w->ord_id + lo, (w->n - lo) * sizeof(*w->ord_id));
    w->ord[lo] = i;
    w->ord_id[lo] = id;
    w->n++;
}

size_t rowsort_count(const struct rowsort *w)
{
    return w->n;
}

const struct store_row *rowsort_take(struct rowsort *w, size_t k)
{
    release_taken(w);
    if (k > w->n)
        k = w->n;
    if (k == 0)
        return w->out;
    if (k > w->out_cap) {
        w->out_cap = k;
        w->out = xrealloc(w->out, k * sizeof(*w->out));
    }
    for (size_t j = 0; j < k; j++) {
        w->out[j] = w->slots[w->ord[j]].r;
        w->spare_next[w->nspare_next++] = w->ord[j];
    }
    memmove(w->ord, w->ord + k, (w->n - k) * sizeof(*w->ord));
    memmove(w->ord_id, w->ord_id + k, (w->n - k) * sizeof(*w->ord_id));
    w->n -= k;
    return w->out;
}

void rowsort_free(struct rowsort *w)
{
    if (w == NULL)
        return;
    for (size_t i = 0; i < w->nslots; i++)
        free(w->slots[i].text);
    free(w->slots);
    free(w->ord);
    free(w->ord_id);
    free(w->spare);
    free(w->spare_next);
    free(w->out);
    free(w);
}
