/* SPDX-License-Identifier: MIT */
/* pairtops - the tables that read every pair, in C; see pairtops.h. */
#include "pairtops.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "keymap.h"
#include "netaddr.h"
#include "regdomain.h"
#include "xmem.h"

const char *const pairtops_classes[PAIRTOPS_NCLS] = {
    "fqdn", "address-literal", "bare-ip", "bare-name", "invalid", "none",
};

/* each pair's sessions and messages, copied out of the pairmap */
struct pairtops_counts {
    uint32_t *n;
    long long *m;
    size_t np;
};

/* the HELOs' classes and domains as the caller told them (pairtops_helo) */
struct pairtops_told {
    size_t np, n;               /* pairs in all, pairs told */
    bool off;                   /* told out of turn: not used */
    long long distinct;         /* distinct non-empty HELOs */
    long long cls[PAIRTOPS_NCLS];
    struct keymap domains;      /* the domains' texts (top domains only) */
    uint32_t *dom;              /* each pair's domain number, or NULL */
    uint32_t cur;               /* the domain of the HELO told last */
};

/* told_free - drop pt's told HELOs (none is a no-op). */
static void told_free(struct pairtops *pt)
{
    if (pt->told == NULL)
        return;
    keymap_free(&pt->told->domains);
    free(pt->told->dom);
    free(pt->told);
    pt->told = NULL;
}

/* counts_free - drop pt's counts (none is a no-op). */
static void counts_free(struct pairtops *pt)
{
    if (pt->counts == NULL)
        return;
    free(pt->counts->n);
    free(pt->counts->m);
    free(pt->counts);
    pt->counts = NULL;
}

/* a pair in no group (its verdict is in no top list) */
#define NO_GROUP UINT32_MAX

void pairtops_init(struct pairtops *pt, bool distinct,
                   const bool list[PAIRTOPS_NLISTS], long long top,
                   const long long min_n[PAIRTOPS_NLISTS])
{
    memset(pt, 0, sizeof(*pt));
    pt->want_distinct = distinct;
    pt->top = top;
    for (int k = 0; k < PAIRTOPS_NLISTS; k++) {
        pt->want_list[k] = list[k];
        pt->min_n[k] = min_n[k];
    }
}

void pairtops_add(struct pairtops *pt, const struct pagg *a, bool has_helo,
                  bool resolved)
{
    struct pairtops_sums *s = &pt->sums;
    s->sessions += a->n;
    s->messages += a->m;
    if (has_helo) {
        s->helo_known += a->n;
        if (a->has_from) { /* n_recv, n_impl are NULL without it */
            s->helo_from_log += (long long)a->n - a->n_recv - a->n_impl;
            s->helo_implied += a->n_impl;
            s->helo_from_received += a->n_recv;
        }
    } else {
        s->helo_unknown += a->n;
        if (!a->unobs)
            s->helo_absent += a->n;
    }
    if (a->unobs) {
        s->helo_unobserved += a->n;
        s->accepted_unevaluated += a->n_acc;
    }
    if (resolved)
        s->resolved_sessions += a->n;
}

/* count_class - a distinct HELO of hn bytes and class cls into counts
 * (by pairtops_classes; the empty HELO is in no class's count). */
static void count_class(long long counts[PAIRTOPS_NCLS], const char *cls,
                        size_t hn)
{
    for (int k = 0; hn > 0 && k < PAIRTOPS_NCLS; k++)
        if (strcmp(cls, pairtops_classes[k]) == 0)
            counts[k]++;
}

void pairtops_helo(struct pairtops *pt, size_t np, size_t i, bool new_helo,
                   size_t hn, const char *cls, const char *domain, size_t dn)
{
    if (!pt->want_distinct && !pt->want_list[PAIRTOPS_DOMAINS])
        return;
    struct pairtops_told *t = pt->told;
    if (t == NULL) {
        t = pt->told = xcalloc(1, sizeof(*t));
        t->np = np;
        keymap_init(&t->domains);
        if (pt->want_list[PAIRTOPS_DOMAINS])
            t->dom = xcalloc(np + 1, sizeof(*t->dom));
    }
    /* the first pair told must start a HELO: one that does not, like a
     * pair out of range or a telling for another np, is out of turn */
    if (t->off || t->np != np || i >= np || (t->n == 0 && !new_helo)) {
        t->off = true;
        return;
    }
    t->n++;
    if (new_helo) {
        t->distinct += hn > 0;
        count_class(t->cls, cls, hn);
        if (t->dom != NULL)
            t->cur = (uint32_t)keymap_intern(&t->domains, domain, dn, NULL);
    }
    if (t->dom != NULL)
        t->dom[i] = t->cur;
}

bool pairtops_net_of(const char *ip, char *txt, size_t size)
{
    unsigned char b[16];
    if (inet_pton(AF_INET, ip, b) == 1) {
        b[3] = 0;
        if (inet_ntop(AF_INET, b, txt, (socklen_t)size) != NULL) {
            size_t n = strlen(txt);
            snprintf(txt + n, size - n, "/24");
            return true;
        }
    } else if (inet_pton(AF_INET6, ip, b) == 1) {
        memset(b + 6, 0, 10);
        if (inet_ntop(AF_INET6, b, txt, (socklen_t)size) != NULL) {
            size_t n = strlen(txt);
            snprintf(txt + n, size - n, "/48");
            return true;
        }
    }
    return false;
}

/* helos - one pass over the distinct HELOs of pm's np pairs: the
 * non-empty ones and their classes counted (when wanted), and each pair's
 * domain numbered in domains (when dom is not NULL), the domain worked out
 * once per HELO. */
static void helos(struct pairtops *pt, const struct pairmap *pm, size_t np,
                  struct keymap *domains, uint32_t *dom)
{
    struct keymap set;
    struct fmt_buf b;
    uint32_t *helo_dom = NULL;
    size_t cap = 0;
    bool empty = false;
    keymap_init(&set);
    fmt_buf_init(&b);
    for (size_t i = 0; i < np; i++) {
        const char *helo, *ip;
        size_t hn, in;
        bool added;
        pairmap_key(pm, i, &helo, &hn, &ip, &in);
        size_t h = keymap_intern(&set, helo, hn, &added);
        if (added) {
            char *hz = xmemdup0(helo, hn);
            const char *cls = regdomain_helo_class(hz, hn);
            empty |= hn == 0;
            count_class(pt->distinct_cls, cls, hn);
            if (dom != NULL) {
                if (h >= cap) {
                    cap = cap ? 2 * cap : 1024;
                    helo_dom = xrealloc(helo_dom, cap * sizeof(*helo_dom));
                }
                regdomain_helo(hz, hn, cls, &b);
                helo_dom[h] =
                    (uint32_t)keymap_intern(domains, b.p != NULL ? b.p : "",
                                            b.len, NULL);
            }
            free(hz);
        }
        if (dom != NULL)
            dom[i] = helo_dom[h];
    }
    pt->distinct_helos = (long long)keymap_count(&set) - (empty ? 1 : 0);
    free(helo_dom);
    fmt_buf_free(&b);
    keymap_free(&set);
}

bool pairtops_ip4_canonical(const char *s, size_t n, uint32_t *out)
{
    uint8_t q[4];
    if (!hv_ip4_dotted_quad(s, n, q))
        return false;
    *out = (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 | (uint32_t)q[2] << 8 | q[3];
    return true;
}

/* ip4_net_text - whether the n bytes at s are the text an IPv4 /24's
 * network has (its address canonical, ending in 0, then "/24"): a client
 * "IP" that reads so is in that network's group, as its text is the same. */
static bool ip4_net_text(const char *s, size_t n, uint32_t *out)
{
    return n > 3 && memcmp(s + n - 3, "/24", 3) == 0 &&
           pairtops_ip4_canonical(s, n - 3, out) && (*out & 255) == 0;
}

/* a set of 32-bit values: open addressing, 0 kept aside */
struct u32set {
    uint32_t *slot;
    size_t cap, n;
    bool zero;
};

/* u32set_grow - room for at least want values (no rehash before), or
 * double the room when want is 0. */
static void u32set_grow(struct u32set *s, size_t want)
{
    size_t cap = s->cap ? 2 * s->cap : 1024;
    while (2 * want > cap)
        cap *= 2;
    uint32_t *slot = xcalloc(cap, sizeof(*slot));
    for (size_t i = 0; i < s->cap; i++) {
        uint32_t w = s->slot[i];
        size_t j = (w * 2654435761u) & (cap - 1);
        while (w != 0 && slot[j] != 0)
            j = (j + 1) & (cap - 1);
        if (w != 0)
            slot[j] = w;
    }
    free(s->slot);
    s->slot = slot;
    s->cap = cap;
}

/* u32set_add - add v. */
static void u32set_add(struct u32set *s, uint32_t v)
{
    if (v == 0) {
        s->n += !s->zero;
        s->zero = true;
        return;
    }
    if (2 * (s->n + 1) > s->cap)
        u32set_grow(s, 0);
    size_t j = (v * 2654435761u) & (s->cap - 1);
    while (s->slot[j] != 0 && s->slot[j] != v)
        j = (j + 1) & (s->cap - 1);
    if (s->slot[j] == 0) {
        s->slot[j] = v;
        s->n++;
    }
}

/* ips - the distinct client IPs of pm's np pairs: canonical IPv4 texts as
 * numbers, any other text as bytes (the two sets cannot meet). */
static void ips(struct pairtops *pt, const struct pairmap *pm, size_t np)
{
    struct keymap set;
    struct u32set v4 = {NULL, 0, 0, false};
    keymap_init(&set);
    /* at most one address per pair: sized once, never rehashed */
    u32set_grow(&v4, np);
    for (size_t i = 0; i < np; i++) {
        const char *helo, *ip;
        size_t hn, in;
        uint32_t a;
        pairmap_key(pm, i, &helo, &hn, &ip, &in);
        if (pairtops_ip4_canonical(ip, in, &a))
            u32set_add(&v4, a);
        else
            keymap_intern(&set, ip, in, NULL);
    }
    pt->distinct_ips = (long long)(keymap_count(&set) + v4.n);
    free(v4.slot);
    keymap_free(&set);
}

/* a group of a top list: one verdict's domain or network (32 bytes: a
 * list may have a group per pair) */
struct group {
    long long n, m;          /* sessions, messages */
    uint32_t gi;             /* its number in the list's groupmap */
    uint32_t num;            /* its domain's or network's number (net_num) */
    int ord;
};

/* A network's number: an IPv4 /24's is its address's top 24 bits, whose
 * text group_text makes (inet_ntop's text of it is the canonical
 * address's first three parts and "0/24"); any other network's is
 * NET_TEXT_BIT | the number of its text. NET_TXT_MAX: room for the text
 * of a /24. */
#define NET_TEXT_BIT 0x80000000u
#define NET_TXT_MAX sizeof("255.255.255.0/24")

/* what group_cmp reads (qsort has no context argument; one list at a
 * time per process is ranked) */
static int cmp_list;
static const struct keymap *cmp_texts;

/* group_text - the text of the domain or network number num of list k
 * (texts: the domains', or the networks' not made in buf). */
static const char *group_text(int k, const struct keymap *texts,
                              uint32_t num, char buf[NET_TXT_MAX], size_t *n)
{
    if (k == PAIRTOPS_DOMAINS)
        return keymap_key(texts, num, n);
    if (num & NET_TEXT_BIT)
        return keymap_key(texts, num & ~NET_TEXT_BIT, n);
    int w = snprintf(buf, NET_TXT_MAX, "%u.%u.%u.0/24", num >> 16,
                     num >> 8 & 255, num & 255);
    *n = w > 0 ? (size_t)w : 0;
    return buf;
}

/* group_cmp - verdict order, then sessions and messages descending, then
 * the text as SQLite's BINARY collation orders text (two groups of one
 * verdict have different texts). */
static int group_cmp(const void *pa, const void *pb)
{
    const struct group *a = pa, *b = pb;
    if (a->ord != b->ord)
        return a->ord < b->ord ? -1 : 1;
    if (a->n != b->n)
        return a->n > b->n ? -1 : 1;
    if (a->m != b->m)
        return a->m > b->m ? -1 : 1;
    size_t an, bn;
    char abuf[NET_TXT_MAX], bbuf[NET_TXT_MAX];
    const char *at = group_text(cmp_list, cmp_texts, a->num, abuf, &an);
    const char *bt = group_text(cmp_list, cmp_texts, b->num, bbuf, &bn);
    int c = memcmp(at, bt, an < bn ? an : bn);
    if (c != 0)
        return c;
    return an < bn ? -1 : an > bn ? 1 : 0;
}

/* net_num - the number of the network of client ip (in bytes,
 * NUL-terminated), any text one interned in texts: an IPv4 /24, or the
 * text of any other network (pairtops_net_of, or the IP's text when it is
 * not an address). A text that reads as an IPv4 /24's is that /24: the
 * same text is the same network. */
static uint32_t net_num(const char *ip, size_t in, struct keymap *texts)
{
    uint32_t a;
    char net[INET6_ADDRSTRLEN + 8];
    if (pairtops_ip4_canonical(ip, in, &a))
        return a >> 8;
    const char *t = ip;
    size_t tn = in;
    if (pairtops_net_of(ip, net, sizeof(net))) {
        t = net;
        tn = strlen(net);
    }
    if (ip4_net_text(t, tn, &a))
        return a >> 8;
    return NET_TEXT_BIT | (uint32_t)keymap_intern(texts, t, tn, NULL);
}

/* The groups of a list by (verdict, number): a hash table of 64-bit keys
 * (the verdict's place + 1, ord1's byte, above the number: never 0, the
 * free slot's) to group numbers, open addressing, kept under half full. */
struct groupmap {
    uint64_t *key;
    uint32_t *val;
    size_t cap, n;
};

/* groupmap_slot - the slot of key in m, or the free one where it goes. */
static size_t groupmap_slot(const struct groupmap *m, uint64_t key)
{
    size_t j = (size_t)((key * 0x9E3779B97F4A7C15ull) >> 32) & (m->cap - 1);
    while (m->key[j] != 0 && m->key[j] != key)
        j = (j + 1) & (m->cap - 1);
    return j;
}

/* groupmap_init - an empty map with room for want groups (more only grow
 * it). */
static void groupmap_init(struct groupmap *m, size_t want)
{
    m->n = 0;
    m->cap = 1024;
    while (m->cap < 2 * want)
        m->cap *= 2;
    m->key = xcalloc(m->cap, sizeof(*m->key));
    m->val = xcalloc(m->cap, sizeof(*m->val));
}

/* groupmap_intern - the group number of key, the next one (m->n) when it
 * is new. */
static uint32_t groupmap_intern(struct groupmap *m, uint64_t key)
{
    if (2 * (m->n + 1) > m->cap) {
        struct groupmap old = *m;
        m->cap = 2 * old.cap;
        m->key = xcalloc(m->cap, sizeof(*m->key));
        m->val = xcalloc(m->cap, sizeof(*m->val));
        for (size_t i = 0; i < old.cap; i++) {
            if (old.key[i] == 0)
                continue;
            size_t j = groupmap_slot(m, old.key[i]);
            m->key[j] = old.key[i];
            m->val[j] = old.val[i];
        }
        free(old.key);
        free(old.val);
    }
    size_t j = groupmap_slot(m, key);
    if (m->key[j] == 0) {
        m->key[j] = key;
        m->val[j] = (uint32_t)m->n++;
    }
    return m->val[j];
}

/* heap_sift - restore the heap h[0..n) of group numbers below root, the
 * group that ranks last at the root (group_cmp). */
static void heap_sift(const struct group *g, uint32_t *h, size_t root,
                      size_t n)
{
    for (;;) {
        size_t c = 2 * root + 1;
        if (c >= n)
            return;
        if (c + 1 < n && group_cmp(&g[h[c + 1]], &g[h[c]]) > 0)
            c++;
        if (group_cmp(&g[h[c]], &g[h[root]]) <= 0)
            return;
        uint32_t t = h[root];
        h[root] = h[c];
        h[c] = t;
        root = c;
    }
}

/* select_shown - the shown groups of g[0..ng) to the front, in the order
 * of the table (group_cmp, with cmp_list and cmp_texts set): per verdict
 * the first top of those with min_n sessions or more ("HAVING sum(n) >=
 * min_n" and a rank per verdict). Keeps the top of each verdict in a
 * heap, so that only the shown groups are sorted. Returns how many are
 * shown. */
static size_t select_shown(struct group *g, size_t ng, long long min_n,
                           long long top)
{
    size_t nc = 0;
    for (size_t i = 0; i < ng; i++)
        if (g[i].n >= min_n)
            g[nc++] = g[i];
    if (top <= 0 || nc == 0)
        return 0;
    size_t cap = (unsigned long long)top < nc ? (size_t)top : nc;
    /* one verdict at a time (a verdict's place is a byte): its groups are
     * the candidates of its heap */
    enum { NV = 256 };
    bool seen[NV] = {false};
    size_t nv = 0;
    for (size_t i = 0; i < nc; i++) {
        nv += !seen[(unsigned char)g[i].ord];
        seen[(unsigned char)g[i].ord] = true;
    }
    uint32_t *heap = xcalloc(cap + 1, sizeof(*heap));
    struct group *out = xcalloc(cap < nc / nv ? cap * nv : nc, sizeof(*out));
    size_t kept = 0;
    for (int v = 0; v < NV; v++) {
        if (!seen[v])
            continue;
        size_t hn = 0;
        for (size_t i = 0; i < nc; i++) {
            if (g[i].ord != v)
                continue;
            if (hn < cap) {
                heap[hn] = (uint32_t)i;
                hn++;
                for (size_t c = hn - 1; c > 0;) {
                    size_t p = (c - 1) / 2;
                    if (group_cmp(&g[heap[c]], &g[heap[p]]) <= 0)
                        break;
                    uint32_t t = heap[c];
                    heap[c] = heap[p];
                    heap[p] = t;
                    c = p;
                }
            } else if (group_cmp(&g[i], &g[heap[0]]) < 0) {
                heap[0] = (uint32_t)i;
                heap_sift(g, heap, 0, hn);
            }
        }
        for (size_t j = 0; j < hn; j++)
            out[kept++] = g[heap[j]];
    }
    qsort(out, kept, sizeof(*out), group_cmp);
    memcpy(g, out, kept * sizeof(*out));
    free(out);
    free(heap);
    return kept;
}

/* top_list - list k: the sums per (verdict, key), the top pt->top groups
 * per verdict among those of min_n sessions or more, then the distinct
 * values (IPs for domains, HELOs for networks) of the shown groups only
 * (no set of every value is held). */
static void top_list(struct pairtops *pt, const struct pairmap *pm,
                     size_t np, const unsigned char *ord1, int k,
                     const struct keymap *domains, const uint32_t *dom)
{
    struct groupmap groups;
    struct keymap nets; /* the networks' texts that are not an IPv4 /24 */
    struct fmt_buf key;
    /* networks: sized once for a group per pair, about what there is of
     * them when clients are spread (room made as the map fills is paid
     * twice over); domains: a group per domain to start with, as there
     * are far fewer (every slot of a map is touched, and fresh memory
     * costs a page fault a page) */
    size_t gcap = np + 1, nshow = 0;
    if (k == PAIRTOPS_DOMAINS && keymap_count(domains) < gcap)
        gcap = keymap_count(domains) + 1;
    groupmap_init(&groups, gcap);
    struct group *g = xcalloc(gcap, sizeof(*g));
    uint32_t *gid = xcalloc(np + 1, sizeof(*gid));
    keymap_init(&nets);
    fmt_buf_init(&key);
    for (size_t i = 0; i < np; i++) {
        gid[i] = NO_GROUP;
        if (ord1[i] == 0)
            continue;
        uint32_t num;
        if (k == PAIRTOPS_DOMAINS) {
            num = dom[i];
        } else {
            const char *helo, *ip;
            size_t hn, in;
            pairmap_key(pm, i, &helo, &hn, &ip, &in);
            num = net_num(ip, in, &nets);
        }
        size_t gi = gid[i] =
            groupmap_intern(&groups, (uint64_t)ord1[i] << 32 | num);
        if (gi >= gcap) {
            size_t old = gcap;
            gcap = gcap ? 2 * gcap : 1024;
            g = xrealloc(g, gcap * sizeof(*g));
            memset(g + old, 0, (gcap - old) * sizeof(*g));
        }
        g[gi].ord = ord1[i] - 1;
        g[gi].gi = (uint32_t)gi;
        g[gi].num = num;
        g[gi].n += pt->counts->n[i];
        g[gi].m += pt->counts->m[i];
    }
    size_t ng = groups.n;
    free(groups.key);
    free(groups.val);
    const struct keymap *texts = k == PAIRTOPS_DOMAINS ? domains : &nets;
    cmp_list = k;
    cmp_texts = texts;
    nshow = select_shown(g, ng, pt->min_n[k], pt->top);
    cmp_texts = NULL;
    /* group number -> its place among the shown + 1 (0: not shown) */
    uint32_t *shown = xcalloc(ng + 1, sizeof(*shown));
    long long *x = xcalloc(nshow + 1, sizeof(*x));
    for (size_t i = 0; i < nshow; i++)
        shown[g[i].gi] = (uint32_t)i + 1;
    /* the distinct values: texts in seen, prefixed by the shown group;
     * a domain's canonical IPv4 addresses as numbers in its v4 set (as
     * ips() counts them) */
    struct keymap seen;
    struct u32set *v4 = xcalloc(nshow + 1, sizeof(*v4));
    keymap_init(&seen);
    for (size_t i = 0; nshow > 0 && i < np; i++) {
        if (gid[i] == NO_GROUP || shown[gid[i]] == 0)
            continue;
        const char *helo, *ip;
        size_t hn, in;
        uint32_t a;
        pairmap_key(pm, i, &helo, &hn, &ip, &in);
        uint32_t s32 = shown[gid[i]] - 1;
        if (k == PAIRTOPS_DOMAINS && pairtops_ip4_canonical(ip, in, &a)) {
            u32set_add(&v4[s32], a);
            continue;
        }
        fmt_buf_reset(&key);
        fmt_buf_add(&key, (const char *)&s32, sizeof(s32));
        if (k == PAIRTOPS_DOMAINS)
            fmt_buf_add(&key, ip, in);
        else
            fmt_buf_add(&key, helo, hn);
        bool added;
        keymap_intern(&seen, key.p, key.len, &added);
        if (added)
            x[s32]++;
    }
    keymap_free(&seen);
    for (size_t i = 0; i < nshow; i++) {
        x[i] += (long long)v4[i].n;
        free(v4[i].slot);
    }
    free(v4);
    pt->rows[k] = xcalloc(nshow + 1, sizeof(*pt->rows[k]));
    for (size_t i = 0; i < nshow; i++) {
        struct pairtops_row *r = &pt->rows[k][i];
        r->ord = g[i].ord;
        char buf[NET_TXT_MAX];
        const char *text = group_text(k, texts, g[i].num, buf, &r->kn);
        r->key = xmemdup0(text, r->kn);
        r->n = g[i].n;
        r->m = g[i].m;
        r->x = x[i];
    }
    pt->nrows[k] = nshow;
    free(x);
    free(shown);
    free(gid);
    free(g);
    fmt_buf_free(&key);
    keymap_free(&nets);
}

void pairtops_take_counts(struct pairtops *pt, const struct pairmap *pm)
{
    size_t np = pairmap_count(pm);
    counts_free(pt);
    struct pairtops_counts *c = xcalloc(1, sizeof(*c));
    c->n = xcalloc(np + 1, sizeof(*c->n));
    c->m = xcalloc(np + 1, sizeof(*c->m));
    for (size_t i = 0; i < np; i++) {
        const char *helo, *ip;
        size_t hn, in;
        const struct pagg *a = pairmap_pair(pm, i, &helo, &hn, &ip, &in);
        c->n[i] = a->n;
        c->m[i] = a->m;
    }
    c->np = np;
    pt->counts = c;
}

void pairtops_finish(struct pairtops *pt, const struct pairmap *pm,
                     const unsigned char *ord1)
{
    size_t np = pairmap_count(pm);
    if (pt->counts == NULL || pt->counts->np != np)
        pairtops_take_counts(pt, pm);
    struct keymap domains;
    uint32_t *dom = NULL;
    keymap_init(&domains);
    struct pairtops_told *t = pt->told;
    if (t != NULL && !t->off && t->n == np && t->np == np) {
        /* told: the HELOs' figures as given, the domains taken over */
        pt->distinct_helos = t->distinct;
        memcpy(pt->distinct_cls, t->cls, sizeof(t->cls));
        domains = t->domains;
        dom = t->dom;
        keymap_init(&t->domains);
        t->dom = NULL;
    } else {
        if (pt->want_list[PAIRTOPS_DOMAINS])
            dom = xcalloc(np + 1, sizeof(*dom));
        if (pt->want_distinct || dom != NULL)
            helos(pt, pm, np, &domains, dom);
    }
    told_free(pt);
    if (pt->want_distinct)
        ips(pt, pm, np);
    for (int k = 0; k < PAIRTOPS_NLISTS; k++)
        if (pt->want_list[k])
            top_list(pt, pm, np, ord1, k, &domains, dom);
    free(dom);
    keymap_free(&domains);
    counts_free(pt);
}

void pairtops_fill_top(const struct pairtops *pt, enum pairtops_list k,
                       const char *const *verdicts, struct rtable *t)
{
    for (size_t i = 0; i < pt->nrows[k]; i++) {
        const struct pairtops_row *r = &pt->rows[k][i];
        struct rcell *row = report_row_add(t);
        const char *v = verdicts[r->ord];
        report_cell_text(&row[0], v, strlen(v));
        report_cell_text(&row[1], r->key, r->kn);
        row[2].type = row[3].type = row[4].type = RCOL_INT;
        row[2].i = r->n;
        row[3].i = r->m;
        row[4].i = r->x;
    }
}

void pairtops_free(struct pairtops *pt)
{
    for (int k = 0; k < PAIRTOPS_NLISTS; k++) {
        for (size_t i = 0; i < pt->nrows[k]; i++)
            free(pt->rows[k][i].key);
        free(pt->rows[k]);
    }
    counts_free(pt);
    told_free(pt);
    memset(pt, 0, sizeof(*pt));
}
