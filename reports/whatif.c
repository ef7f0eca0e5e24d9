/* SPDX-License-Identifier: MIT */
/* whatif - the pairs under other policy tables; see whatif.h. */
#include "whatif.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "keymap.h"
#include "policy.h"
#include "xmem.h"

/* a changed pair kept for the senders table (bytes owned) */
struct wsender {
    char *domain, *helo, *ip, *old;
    size_t dn, hn, in, on;
    const char *new_v; /* static (pairinfo_verdict of a policy action) */
    size_t nn;
    long long n, m;
};

/* the counts of one (file, old, new) */
struct wdelta {
    long long n, m, acc;
};

struct wfile {
    const char *name;      /* as given (borrowed) */
    struct policy pol;
    struct wsender *heap;  /* the best `top` so far, worst at the root */
    size_t nheap;
};

struct whatif {
    struct wfile *f;
    size_t nf;
    size_t top;
    struct keymap keys;    /* file index, old length, old, new -> d[] */
    struct wdelta *d;
    size_t dcap;
};

/* The verdicts in display order (the report's VERDICT_ORDER). */
static const char *const order[] = {
    "accept", "mark", "reject", "tempfail", "unresolved", "unevaluated",
};
#define NORDER (sizeof(order) / sizeof(order[0]))

/* ord - the place of verdict v in order[], NORDER for any other bytes. */
static size_t ord(const char *v, size_t n)
{
    for (size_t i = 0; i < NORDER; i++)
        if (strlen(order[i]) == n && memcmp(order[i], v, n) == 0)
            return i;
    return NORDER;
}

/* vcmp - verdicts in display order, others after by bytes. */
static int vcmp(const char *a, size_t an, const char *b, size_t bn)
{
    size_t oa = ord(a, an), ob = ord(b, bn);
    if (oa != ob)
        return oa < ob ? -1 : 1;
    return pairinfo_bincmp(a, an, b, bn);
}

int whatif_open(struct whatif **out, const char *const *files, size_t n,
                int top, char **err)
{
    struct whatif *w = xcalloc(1, sizeof(*w));
    w->f = xcalloc(n + 1, sizeof(*w->f));
    w->nf = n;
    w->top = top > 0 ? (size_t)top : 0;
    keymap_init(&w->keys);
    for (size_t i = 0; i < n; i++) {
        w->f[i].name = files[i];
        int rc = policy_load(files[i], &w->f[i].pol, err);
        if (rc != HV_OK) {
            whatif_free(w);
            *out = NULL;
            return rc;
        }
        w->f[i].heap = xcalloc(w->top + 1, sizeof(*w->f[i].heap));
    }
    *out = w;
    return HV_OK;
}

/* rank - a before b in the senders table: more messages, then more
 * sessions, then domain, HELO, IP by bytes. */
static int rank(const struct wsender *a, const struct wsender *b)
{
    if (a->m != b->m)
        return a->m > b->m ? -1 : 1;
    if (a->n != b->n)
        return a->n > b->n ? -1 : 1;
    int c = pairinfo_bincmp(a->domain, a->dn, b->domain, b->dn);
    if (c == 0)
        c = pairinfo_bincmp(a->helo, a->hn, b->helo, b->hn);
    if (c == 0)
        c = pairinfo_bincmp(a->ip, a->in, b->ip, b->in);
    return c;
}

/* rank_qsort - rank for qsort. */
static int rank_qsort(const void *a, const void *b)
{
    return rank(a, b);
}

/* sift_down - restore the heap (each parent ranks after its children)
 * below index i. */
static void sift_down(struct wsender *h, size_t nh, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, w = i;
        if (l < nh && rank(&h[l], &h[w]) > 0)
            w = l;
        if (r < nh && rank(&h[r], &h[w]) > 0)
            w = r;
        if (w == i)
            return;
        struct wsender t = h[i];
        h[i] = h[w];
        h[w] = t;
        i = w;
    }
}

/* sift_up - the same after a leaf was added at i. */
static void sift_up(struct wsender *h, size_t i)
{
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (rank(&h[i], &h[p]) <= 0)
            return;
        struct wsender t = h[i];
        h[i] = h[p];
        h[p] = t;
        i = p;
    }
}

/* sender_free - the bytes of s. */
static void sender_free(struct wsender *s)
{
    free(s->domain);
    free(s->helo);
    free(s->ip);
    free(s->old);
}

/* keep_sender - s (borrowed bytes) into f's top list when it ranks among
 * the best `top`: copied in. */
static void keep_sender(struct wfile *f, size_t top, const struct wsender *s)
{
    if (top == 0 || (f->nheap == top && rank(s, &f->heap[0]) >= 0))
        return;
    struct wsender c = *s;
    c.domain = xmemdup0(s->domain, s->dn);
    c.helo = xmemdup0(s->helo, s->hn);
    c.ip = xmemdup0(s->ip, s->in);
    c.old = xmemdup0(s->old, s->on);
    if (f->nheap < top) {
        f->heap[f->nheap] = c;
        sift_up(f->heap, f->nheap++);
        return;
    }
    sender_free(&f->heap[0]);
    f->heap[0] = c;
    sift_down(f->heap, f->nheap, 0);
}

/* count_delta - add a changed pair to the (file i, old, new) counts. */
static void count_delta(struct whatif *w, size_t i, struct pval old,
                        struct pval nv, long long n, long long m,
                        long long acc)
{
    /* the key: file index, old length, old bytes, new bytes */
    size_t kn = sizeof(uint32_t) * 2 + old.n + nv.n;
    char *k = xmalloc(kn);
    uint32_t fi = (uint32_t)i, on = (uint32_t)old.n;
    memcpy(k, &fi, sizeof(fi));
    memcpy(k + sizeof(fi), &on, sizeof(on));
    memcpy(k + 2 * sizeof(fi), old.s, old.n);
    memcpy(k + 2 * sizeof(fi) + old.n, nv.s, nv.n);
    bool added;
    size_t d = keymap_intern(&w->keys, k, kn, &added);
    free(k);
    if (added) {
        if (d >= w->dcap) {
            w->dcap = w->dcap ? 2 * w->dcap : 64;
            w->d = xrealloc(w->d, w->dcap * sizeof(*w->d));
        }
        memset(&w->d[d], 0, sizeof(w->d[d]));
    }
    w->d[d].n += n;
    w->d[d].m += m;
    w->d[d].acc += acc;
}

void whatif_pair(struct whatif *w, bool unobs, const struct pair_csv *pc,
                 struct pval old, struct pval helo, struct pval ip,
                 struct pval domain, long long n, long long m,
                 long long n_acc)
{
    for (size_t i = 0; i < w->nf; i++) {
        struct pval nv =
            pairinfo_verdict(unobs, pc, pairinfo_action_in(&w->f[i].pol, pc));
        if (nv.n == old.n && memcmp(nv.s, old.s, old.n) == 0)
            continue;
        count_delta(w, i, old, nv, n, m, n_acc);
        struct wsender s = {
            (char *)domain.s, (char *)helo.s, (char *)ip.s, (char *)old.s,
            domain.n,         helo.n,         ip.n,         old.n,
            nv.s,             nv.n,           n,            m,
        };
        keep_sender(&w->f[i], w->top, &s);
    }
}

/* num - an integer cell. */
static void num(struct rcell *c, long long v)
{
    c->type = RCOL_INT;
    c->i = v;
}

/* a delta row to sort: its key's parts */
struct drow {
    uint32_t file;
    const char *old, *nv;
    size_t on, nn;
    const struct wdelta *d;
};

/* drow_cmp - file, then old, then new verdict (vcmp). */
static int drow_cmp(const void *pa, const void *pb)
{
    const struct drow *a = pa, *b = pb;
    if (a->file != b->file)
        return a->file < b->file ? -1 : 1;
    int c = vcmp(a->old, a->on, b->old, b->on);
    return c != 0 ? c : vcmp(a->nv, a->nn, b->nv, b->nn);
}

void whatif_fill_delta(const struct whatif *w, struct rtable *t)
{
    size_t nd = keymap_count(&w->keys);
    struct drow *rows = xcalloc(nd + 1, sizeof(*rows));
    for (size_t i = 0; i < nd; i++) {
        size_t kn;
        const char *k = keymap_key(&w->keys, i, &kn);
        uint32_t on;
        memcpy(&rows[i].file, k, sizeof(uint32_t));
        memcpy(&on, k + sizeof(uint32_t), sizeof(on));
        rows[i].old = k + 2 * sizeof(uint32_t);
        rows[i].on = on;
        rows[i].nv = rows[i].old + on;
        rows[i].nn = kn - 2 * sizeof(uint32_t) - on;
        rows[i].d = &w->d[i];
    }
    if (nd > 0)
        qsort(rows, nd, sizeof(*rows), drow_cmp);
    for (size_t i = 0; i < nd; i++) {
        struct rcell *c = report_row_add(t);
        const char *name = w->f[rows[i].file].name;
        report_cell_text(&c[0], name, strlen(name));
        report_cell_text(&c[1], rows[i].old, rows[i].on);
        report_cell_text(&c[2], rows[i].nv, rows[i].nn);
        num(&c[3], rows[i].d->n);
        num(&c[4], rows[i].d->m);
        num(&c[5], rows[i].d->acc);
    }
    free(rows);
}

void whatif_fill_senders(const struct whatif *w, struct rtable *t)
{
    for (size_t i = 0; i < w->nf; i++) {
        const struct wfile *f = &w->f[i];
        struct wsender *s = xcalloc(f->nheap + 1, sizeof(*s));
        if (f->nheap > 0) {
            memcpy(s, f->heap, f->nheap * sizeof(*s));
            qsort(s, f->nheap, sizeof(*s), rank_qsort);
        }
        for (size_t k = 0; k < f->nheap; k++) {
            struct rcell *c = report_row_add(t);
            report_cell_text(&c[0], f->name, strlen(f->name));
            report_cell_text(&c[1], s[k].domain, s[k].dn);
            report_cell_text(&c[2], s[k].helo, s[k].hn);
            report_cell_text(&c[3], s[k].ip, s[k].in);
            num(&c[4], s[k].n);
            num(&c[5], s[k].m);
            report_cell_text(&c[6], s[k].old, s[k].on);
            report_cell_text(&c[7], s[k].new_v, s[k].nn);
        }
        free(s); /* the bytes stay the heap's */
    }
}

void whatif_free(struct whatif *w)
{
    if (w == NULL)
        return;
    for (size_t i = 0; i < w->nf; i++) {
        for (size_t k = 0; k < w->f[i].nheap; k++)
            sender_free(&w->f[i].heap[k]);
        free(w->f[i].heap);
    }
    free(w->f);
    free(w->d);
    keymap_free(&w->keys);
    free(w);
}
