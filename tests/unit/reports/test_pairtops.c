/* SPDX-License-Identifier: MIT */
/*
 * test_pairtops - the report's sums, distinct counts and top lists worked
 * out in C (pairtops.h) against a plain reference written here the way the
 * SQL they replace reads (GROUP BY verdict and key, HAVING sum(n) >=
 * min_n, ORDER BY sessions DESC, messages DESC, key, the first top rows
 * per verdict, count(DISTINCT value)), over random pairs chosen to tie
 * often: HELOs from a small pool (empty, mixed case, several names of one
 * registered domain, address literals, bare IPs, a NUL byte), client
 * addresses from a few /24s, non-canonical IPv4 texts, IPv6 and junk (one
 * the very text of a /24 the addresses make), with
 * every top from 0 to more than the groups and both min_n; with the
 * HELOs' classes and domains told in the pairs' sort order
 * (pairtops_helo) and not, and told short (one pair missing, or the first
 * not starting a HELO), which must fall back to working them out; and
 * pairtops_ip4_canonical against inet_pton/inet_ntop (canonical exactly
 * when the address written back is the same text).
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fmt.h"
#include "pairmap.h"
#include "pairsort.h"
#include "pairtops.h"
#include "regdomain.h"
#include "xmem.h"
#include "xorshift.h"

static const char *const helos[] = {
    "",           "mail.example.com", "MX1.Example.COM", "a.example.com.",
    "[192.0.2.1]", "192.0.2.7",        "localhost",       "x..bad",
    "relay.example.org", "b.example.org", "mail.example.co.uk",
};
/* the HELO with a NUL byte (its length given apart) */
static const char nul_helo[] = "evil\0.example.com";

static const char *const ips[] = {
    "192.0.2.1",  "192.0.2.7",  "192.0.2.200", "198.51.100.3",
    "198.51.100.4", "203.0.113.9", "010.0.0.1", "1.2.3.04",
    "2001:db8:1::5", "2001:db8:1:2::6", "2001:db8:9::1", "not-an-ip",
    "0.0.0.0",    "255.255.255.255", "::ffff:192.0.2.1",
    "192.0.2.0/24", /* a network's text where an address belongs */
};
#define NHELOS (sizeof(helos) / sizeof(helos[0]) + 1)
#define NIPS (sizeof(ips) / sizeof(ips[0]))

static const char *const verdicts[] = {
    "accept", "mark", "reject", "tempfail", "unresolved", "unevaluated",
};

/* helo_of - HELO number k of the pool (the last one has a NUL byte). */
static const char *helo_of(size_t k, size_t *n)
{
    if (k == NHELOS - 1) {
        *n = sizeof(nul_helo) - 1;
        return nul_helo;
    }
    *n = strlen(helos[k]);
    return helos[k];
}

/* a reference group */
struct rgroup {
    int ord;
    char key[128];
    size_t kn;
    long long n, m, x;
};

/* rgroup_cmp - the table's order: verdict, sessions and messages
 * descending, the key's bytes. */
static int rgroup_cmp(const void *pa, const void *pb)
{
    const struct rgroup *a = pa, *b = pb;
    if (a->ord != b->ord)
        return a->ord - b->ord;
    if (a->n != b->n)
        return a->n > b->n ? -1 : 1;
    if (a->m != b->m)
        return a->m > b->m ? -1 : 1;
    int c = memcmp(a->key, b->key, a->kn < b->kn ? a->kn : b->kn);
    return c != 0 ? c : (a->kn > b->kn) - (a->kn < b->kn);
}

/* key_of - pair i's domain (list 0) or network (list 1) into key. */
static size_t key_of(const struct pairmap *pm, size_t i, int list,
                     char *key)
{
    const char *h, *ip;
    size_t hn, in;
    pairmap_key(pm, i, &h, &hn, &ip, &in);
    if (list == PAIRTOPS_DOMAINS) {
        struct fmt_buf b;
        fmt_buf_init(&b);
        regdomain_of_helo(h, hn, &b);
        memcpy(key, b.len > 0 ? b.p : "", b.len);
        size_t n = b.len;
        fmt_buf_free(&b);
        return n;
    }
    char net[64];
    if (pairtops_net_of(ip, net, sizeof(net))) {
        memcpy(key, net, strlen(net));
        return strlen(net);
    }
    memcpy(key, ip, in);
    return in;
}

/* value_of - pair i's value counted per group (list 0: its IP, list 1:
 * its HELO). */
static const char *value_of(const struct pairmap *pm, size_t i, int list,
                            size_t *n)
{
    const char *h, *ip;
    size_t hn, in;
    pairmap_key(pm, i, &h, &hn, &ip, &in);
    *n = list == PAIRTOPS_DOMAINS ? in : hn;
    return list == PAIRTOPS_DOMAINS ? ip : h;
}

/* reference - the rows of list over pm's pairs with verdicts ord1, as the
 * SQL computed them, into *out (malloc'ed); returns the row count. */
static size_t reference(const struct pairmap *pm, const unsigned char *ord1,
                        int list, long long top, long long min_n,
                        struct rgroup **out)
{
    size_t np = pairmap_count(pm), ng = 0;
    struct rgroup *g = xcalloc(np + 1, sizeof(*g));
    size_t *gi = xcalloc(np + 1, sizeof(*gi));
    for (size_t i = 0; i < np; i++) {
        gi[i] = SIZE_MAX;
        if (ord1[i] == 0)
            continue;
        char key[128];
        size_t kn = key_of(pm, i, list, key);
        size_t k = 0;
        while (k < ng && !(g[k].ord == ord1[i] - 1 && g[k].kn == kn &&
                           memcmp(g[k].key, key, kn) == 0))
            k++;
        if (k == ng) {
            g[ng].ord = ord1[i] - 1;
            memcpy(g[ng].key, key, kn);
            g[ng].kn = kn;
            ng++;
        }
        const char *h, *ip;
        size_t hn, in;
        const struct pagg *a = pairmap_pair(pm, i, &h, &hn, &ip, &in);
        g[k].n += a->n;
        g[k].m += a->m;
        gi[i] = k;
    }
    /* count(DISTINCT value) per group */
    for (size_t k = 0; k < ng; k++) {
        for (size_t i = 0; i < np; i++) {
            if (gi[i] != k)
                continue;
            size_t vn, wn;
            const char *v = value_of(pm, i, list, &vn);
            bool first = true;
            for (size_t j = 0; j < i && first; j++) {
                const char *w = value_of(pm, j, list, &wn);
                first = !(gi[j] == k && wn == vn && memcmp(v, w, vn) == 0);
            }
            g[k].x += first;
        }
    }
    qsort(g, ng, sizeof(*g), rgroup_cmp);
    size_t nshow = 0;
    long long rank = 0;
    int ord = -1;
    for (size_t k = 0; k < ng; k++) {
        if (g[k].n < min_n)
            continue;
        rank = g[k].ord == ord ? rank + 1 : 1;
        ord = g[k].ord;
        if (rank <= top)
            g[nshow++] = g[k];
    }
    free(gi);
    *out = g;
    return nshow;
}

/* add - a session of pair (helo k, ip j) into pm. */
static void add(struct pairmap *pm, size_t k, size_t j, bool unobs,
                long long messages, bool accepted, bool from)
{
    struct psession s;
    memset(&s, 0, sizeof(s));
    s.helo = unobs ? "" : helo_of(k, &s.hn);
    s.ip = ips[j];
    s.in = strlen(ips[j]);
    s.unobs = unobs;
    s.mta = "postfix";
    s.mn = 7;
    s.id = 1;
    s.messages = messages;
    s.disposition = accepted ? "accepted" : "rejected";
    s.dn = strlen(s.disposition);
    s.helo_from = from ? (messages % 2 ? "received" : "log") : NULL;
    s.fn = s.helo_from != NULL ? strlen(s.helo_from) : 0;
    pairmap_add(pm, &s, -1);
}

/* how tell tells */
enum tell_how { TELL_ALL, TELL_BUT_ONE, TELL_BAD_START };

/* tell - each pair's HELO class and domain to pt (pairtops_helo) in
 * pairsort's order, as the report's pairs phase does: all of them, all
 * but the last, or with the first not said to start a HELO. */
static void tell(struct pairtops *pt, const struct pairmap *pm,
                 enum tell_how how)
{
    size_t np = pairmap_count(pm);
    uint32_t *order = pairsort_order(pm);
    struct fmt_buf dom;
    fmt_buf_init(&dom);
    const char *last = NULL;
    size_t last_n = 0;
    for (size_t k = 0; k < np; k++) {
        if (how == TELL_BUT_ONE && k + 1 == np)
            break;
        const char *h, *ip;
        size_t hn, in;
        pairmap_key(pm, order[k], &h, &hn, &ip, &in);
        bool new_helo = last == NULL || last_n != hn ||
                        memcmp(last, h, hn) != 0;
        char *hz = xmemdup0(h, hn);
        const char *cls = regdomain_helo_class(hz, hn);
        regdomain_helo(hz, hn, cls, &dom);
        free(hz);
        pairtops_helo(pt, np, order[k],
                      how == TELL_BAD_START && k == 0 ? false : new_helo, hn,
                      cls, fmt_buf_str(&dom), dom.len);
        last = h;
        last_n = hn;
    }
    fmt_buf_free(&dom);
    free(order);
}

/* one_round - random pairs (seed), checked against the reference for
 * every top and both lists. */
static void one_round(unsigned seed, size_t sessions)
{
    struct pairmap pm;
    pairmap_init(&pm);
    srand(seed);
    for (size_t s = 0; s < sessions; s++)
        add(&pm, (size_t)rand() % NHELOS, (size_t)rand() % NIPS,
            rand() % 7 == 0, rand() % 4, rand() % 3 != 0, rand() % 2 == 0);
    size_t np = pairmap_count(&pm);
    unsigned char *ord1 = xcalloc(np + 1, 1);
    for (size_t i = 0; i < np; i++)
        ord1[i] = (unsigned char)(rand() % 7); /* 0: no verdict */
    const long long tops[] = {0, 1, 2, 3, 5, 1000};
    for (size_t t = 0; t < sizeof(tops) / sizeof(tops[0]); t++) {
        struct pairtops pt;
        bool lists[PAIRTOPS_NLISTS] = {true, true};
        long long min_n[PAIRTOPS_NLISTS] = {1 + (long long)(seed % 2), 2};
        pairtops_init(&pt, true, lists, tops[t], min_n);
        struct pairtops_sums want;
        memset(&want, 0, sizeof(want));
        for (size_t i = 0; i < np; i++) {
            const char *h, *ip;
            size_t hn, in;
            const struct pagg *a = pairmap_pair(&pm, i, &h, &hn, &ip, &in);
            bool resolved = !a->unobs && i % 3 != 0;
            pairtops_add(&pt, a, hn > 0, resolved);
            want.sessions += a->n;
            want.messages += a->m;
            want.helo_known += hn > 0 ? a->n : 0;
            want.helo_from_log +=
                hn > 0 && a->has_from ? a->n - a->n_recv - a->n_impl : 0;
            want.helo_from_received += hn > 0 && a->has_from ? a->n_recv : 0;
            want.helo_unknown += hn == 0 ? a->n : 0;
            want.helo_absent += hn == 0 && !a->unobs ? a->n : 0;
            want.helo_unobserved += a->unobs ? a->n : 0;
            want.accepted_unevaluated += a->unobs ? a->n_acc : 0;
            want.resolved_sessions += resolved ? a->n : 0;
        }
        CHECK(memcmp(&want, &pt.sums, sizeof(want)) == 0);
        if (t % 2 == 1)
            pairtops_take_counts(&pt, &pm);
        /* the HELOs told in the sort's order (all, all but one, or all
         * but the first said to start a HELO: the last two must be
         * worked out again), or not told */
        if (t % 3 != 0)
            tell(&pt, &pm, t % 3 == 1 ? TELL_ALL
                           : seed % 2 ? TELL_BUT_ONE : TELL_BAD_START);
        pairtops_finish(&pt, &pm, ord1);
        /* distinct IPs, non-empty HELOs, HELOs per class */
        long long dips = 0, dhelos = 0, dcls[PAIRTOPS_NCLS] = {0};
        for (size_t i = 0; i < np; i++) {
            const char *h, *ip, *h2, *ip2;
            size_t hn, in, hn2, in2;
            pairmap_key(&pm, i, &h, &hn, &ip, &in);
            bool ip_first = true, helo_first = hn > 0;
            for (size_t j = 0; j < i; j++) {
                pairmap_key(&pm, j, &h2, &hn2, &ip2, &in2);
                if (in2 == in && memcmp(ip, ip2, in) == 0)
                    ip_first = false;
                if (hn2 == hn && memcmp(h, h2, hn) == 0)
                    helo_first = false;
            }
            dips += ip_first;
            dhelos += helo_first;
            if (helo_first) {
                char *hz = xmemdup0(h, hn);
                const char *cls = regdomain_helo_class(hz, hn);
                for (int c = 0; c < PAIRTOPS_NCLS; c++)
                    dcls[c] += strcmp(cls, pairtops_classes[c]) == 0;
                free(hz);
            }
        }
        CHECK_MSG(pt.distinct_ips == dips, "ips %lld want %lld",
                  pt.distinct_ips, dips);
        CHECK_MSG(pt.distinct_helos == dhelos, "helos %lld want %lld",
                  pt.distinct_helos, dhelos);
        CHECK(memcmp(dcls, pt.distinct_cls, sizeof(dcls)) == 0);
        for (int list = 0; list < PAIRTOPS_NLISTS; list++) {
            struct rgroup *ref;
            size_t nref = reference(&pm, ord1, list, tops[t], min_n[list],
                                    &ref);
            struct rtable tab;
            memset(&tab, 0, sizeof(tab));
            tab.ncols = 5;
            pairtops_fill_top(&pt, (enum pairtops_list)list, verdicts, &tab);
            CHECK_MSG(tab.nrows == nref, "seed %u top %lld list %d: %zu rows,"
                      " want %zu", seed, tops[t], list, tab.nrows, nref);
            for (size_t r = 0; r < tab.nrows && r < nref; r++) {
                const struct rcell *c = tab.cells + r * 5;
                CHECK_STREQ(c[0].s, verdicts[ref[r].ord]);
                CHECK(c[1].n == ref[r].kn &&
                      memcmp(c[1].s, ref[r].key, ref[r].kn) == 0);
                CHECK_MSG(c[2].i == ref[r].n && c[3].i == ref[r].m &&
                              c[4].i == ref[r].x,
                          "seed %u top %lld list %d row %zu: %lld %lld %lld,"
                          " want %lld %lld %lld", seed, tops[t], list, r,
                          c[2].i, c[3].i, c[4].i, ref[r].n, ref[r].m,
                          ref[r].x);
            }
            for (size_t i = 0; i < tab.nrows * 5; i++)
                free(tab.cells[i].s);
            free(tab.cells);
            free(ref);
        }
        pairtops_free(&pt);
    }
    free(ord1);
    pairmap_free(&pm);
}

/* the canonical IPv4 fast path agrees with inet_ntop's network text */
static void test_networks(void)
{
    char net[64];
    CHECK(pairtops_net_of("192.0.2.200", net, sizeof(net)));
    CHECK_STREQ(net, "192.0.2.0/24");
    CHECK(pairtops_net_of("2001:db8:1:2::6", net, sizeof(net)));
    CHECK_STREQ(net, "2001:db8:1::/48");
    CHECK(!pairtops_net_of("010.0.0.1", net, sizeof(net)));
    CHECK(!pairtops_net_of("not-an-ip", net, sizeof(net)));
}

/* no pair: zero sums and counts, no row, nothing held */
static void test_empty(void)
{
    struct pairmap pm;
    struct pairtops pt;
    bool lists[PAIRTOPS_NLISTS] = {true, true};
    long long min_n[PAIRTOPS_NLISTS] = {1, 2};
    pairmap_init(&pm);
    pairtops_init(&pt, true, lists, 10, min_n);
    pairtops_take_counts(&pt, &pm);
    pairtops_finish(&pt, &pm, NULL);
    CHECK(pt.distinct_ips == 0 && pt.distinct_helos == 0);
    CHECK(pt.nrows[0] == 0 && pt.nrows[1] == 0 && pt.sums.sessions == 0);
    pairtops_free(&pt);
    pairmap_free(&pm);
}

/* add_n - n sessions of one message of pair (helo, ip) into pm. */
static void add_n(struct pairmap *pm, const char *helo, const char *ip,
                  int n)
{
    struct psession ps;
    memset(&ps, 0, sizeof(ps));
    ps.helo = helo;
    ps.hn = strlen(helo);
    ps.ip = ip;
    ps.in = strlen(ip);
    ps.mta = "postfix";
    ps.mn = 7;
    ps.id = 1;
    ps.messages = 1;
    ps.disposition = "accepted";
    ps.dn = strlen(ps.disposition);
    for (int s = 0; s < n; s++)
        pairmap_add(pm, &ps, -1);
}

/* thousands of IPv4 clients, each seen with two HELOs of one domain: the
 * sets of distinct addresses grow far past their first size and meet each
 * address twice (the distinct IPs, sized from the pair count, and the
 * domain's row of the top list, which grows as it goes) */
static void test_many_addresses(void)
{
    enum { N = 5000 };
    struct pairmap pm;
    struct pairtops pt;
    bool lists[PAIRTOPS_NLISTS] = {true, true};
    long long min_n[PAIRTOPS_NLISTS] = {1, 2};
    pairmap_init(&pm);
    for (int i = 0; i < 2 * N; i++) {
        char ip[32];
        int a = i % N;
        snprintf(ip, sizeof(ip), "10.%d.%d.%d", a / 65536, a / 256 % 256,
                 a % 256);
        add_n(&pm, i < N ? "a.example.com" : "b.example.com", ip, 1);
    }
    size_t np = pairmap_count(&pm);
    CHECK_INTEQ(np, 2 * N);
    unsigned char *ord1 = xcalloc(np + 1, 1);
    pairtops_init(&pt, true, lists, 10, min_n);
    for (size_t i = 0; i < np; i++) {
        const char *h, *ip;
        size_t hn, in;
        pairtops_add(&pt, pairmap_pair(&pm, i, &h, &hn, &ip, &in), true, true);
        ord1[i] = 1;
    }
    pairtops_finish(&pt, &pm, ord1);
    CHECK_INTEQ(pt.distinct_ips, N);
    CHECK_INTEQ(pt.nrows[PAIRTOPS_DOMAINS], 1);
    if (pt.nrows[PAIRTOPS_DOMAINS] == 1) {
        CHECK_STREQ(pt.rows[PAIRTOPS_DOMAINS][0].key, "example.com");
        CHECK_INTEQ(pt.rows[PAIRTOPS_DOMAINS][0].n, 2 * N);
        CHECK_INTEQ(pt.rows[PAIRTOPS_DOMAINS][0].x, N);
    }
    /* 20 networks of 256 clients (the last of 136), two HELOs each */
    CHECK_INTEQ(pt.nrows[PAIRTOPS_NETWORKS], 10);
    if (pt.nrows[PAIRTOPS_NETWORKS] > 0)
        CHECK_INTEQ(pt.rows[PAIRTOPS_NETWORKS][0].x, 2);
    pairtops_free(&pt);
    free(ord1);
    pairmap_free(&pm);
}

/* thousands of domains and networks, each in two verdicts: more groups
 * than the map of domain groups starts with (one per domain), so that it
 * grows on the way, and groups met again after it grew; every row
 * checked. Domain k has pairs mail.dk.com [10.a.b.1] in verdict k % 3 and
 * mx.dk.com [10.a.b.2] in verdict (k + 1) % 3, k + 1 sessions each; after
 * all of those, relay.dk.com [10.a.b.3] in verdict k % 3 again, with as
 * many. So the group (k % 3, dk.com) and the group of its /24 hold two
 * pairs, 2k + 2 sessions and two IPs or HELOs, the other group one. */
static void test_many_groups(void)
{
    enum { N = 3000, TOP = 10 };
    struct pairmap pm;
    struct pairtops pt;
    bool lists[PAIRTOPS_NLISTS] = {true, true};
    long long min_n[PAIRTOPS_NLISTS] = {1, 2};
    char helo[64], ip[32];
    pairmap_init(&pm);
    for (int pass = 0; pass < 2; pass++)
        for (int k = 0; k < N; k++)
            for (int c = pass * 2; c < (pass == 0 ? 2 : 3); c++) {
                static const char *const host[] = {"mail", "mx", "relay"};
                snprintf(helo, sizeof(helo), "%s.d%d.com", host[c], k);
                snprintf(ip, sizeof(ip), "10.%d.%d.%d", k / 256, k % 256,
                         c + 1);
                add_n(&pm, helo, ip, k + 1);
            }
    size_t np = pairmap_count(&pm);
    CHECK_INTEQ(np, 3 * N);
    unsigned char *ord1 = xcalloc(np + 1, 1);
    pairtops_init(&pt, true, lists, TOP, min_n);
    for (size_t i = 0; i < np; i++) {
        const char *h, *a;
        size_t hn, an;
        pairtops_add(&pt, pairmap_pair(&pm, i, &h, &hn, &a, &an), true, true);
        /* pairs come as 0's mail, 0's mx, 1's mail ... then 0's relay */
        size_t k = i < 2 * N ? i / 2 : i - 2 * N;
        size_t c = i < 2 * N ? i % 2 : 0;
        ord1[i] = (unsigned char)(1 + (k + c) % 3);
    }
    pairtops_finish(&pt, &pm, ord1);
    CHECK_INTEQ(pt.distinct_ips, 3 * N);
    /* the expected groups of each list, in the table's order */
    struct rgroup *want = xcalloc(2 * N, sizeof(*want));
    for (int list = 0; list < PAIRTOPS_NLISTS; list++) {
        for (int k = 0; k < N; k++)
            for (int c = 0; c < 2; c++) {
                struct rgroup *w = &want[2 * k + c];
                w->ord = (k + c) % 3;
                if (list == PAIRTOPS_DOMAINS)
                    w->kn = (size_t)snprintf(w->key, sizeof(w->key),
                                             "d%d.com", k);
                else
                    w->kn = (size_t)snprintf(w->key, sizeof(w->key),
                                             "10.%d.%d.0/24", k / 256,
                                             k % 256);
                w->n = w->m = (c == 0 ? 2 : 1) * (long long)(k + 1);
                w->x = c == 0 ? 2 : 1;
            }
        qsort(want, 2 * N, sizeof(*want), rgroup_cmp);
        size_t nwant = 0;
        int rank = 0, ord = -1;
        for (size_t g = 0; g < 2 * N; g++) {
            if (want[g].n < min_n[list])
                continue;
            rank = want[g].ord == ord ? rank + 1 : 1;
            ord = want[g].ord;
            if (rank <= TOP)
                want[nwant++] = want[g];
        }
        CHECK_INTEQ(pt.nrows[list], nwant);
        for (size_t r = 0; r < pt.nrows[list] && r < nwant; r++) {
            const struct pairtops_row *row = &pt.rows[list][r];
            CHECK_INTEQ(row->ord, want[r].ord);
            CHECK(row->kn == want[r].kn &&
                  memcmp(row->key, want[r].key, row->kn) == 0);
            CHECK_MSG(row->n == want[r].n && row->m == want[r].m &&
                          row->x == want[r].x,
                      "list %d row %zu (%s): %lld %lld %lld, want %lld %lld"
                      " %lld", list, r, want[r].key, row->n, row->m, row->x,
                      want[r].n, want[r].m, want[r].x);
        }
    }
    free(want);
    pairtops_free(&pt);
    free(ord1);
    pairmap_free(&pm);
}

/* ip4_oracle - what pairtops_ip4_canonical must say of the n bytes at
 * s: an IPv4 address that inet_ntop writes back as the same text. */
static bool ip4_oracle(const char *s, size_t n, uint32_t *a)
{
    char z[32], back[INET_ADDRSTRLEN];
    struct in_addr in;
    if (n >= sizeof(z) || memchr(s, '\0', n) != NULL)
        return false;
    memcpy(z, s, n);
    z[n] = '\0';
    if (inet_pton(AF_INET, z, &in) != 1 || inet_ntop(AF_INET, &in, back, sizeof(back)) == NULL ||
        strcmp(back, z) != 0)
        return false;
    *a = ntohl(in.s_addr);
    return true;
}

/* test_ip4_canonical - fixed texts and 200,000 random ones over digits,
 * dots and a few other bytes, against the oracle. */
static void test_ip4_canonical(void)
{
    static const char *const fixed[] = {
        "0.0.0.0", "255.255.255.255", "256.0.0.1", "1.2.3.4", "01.2.3.4", "1.2.3.04",
        "1.2.3", "1.2.3.4.", ".1.2.3.4", "1..2.3", "1.2.3.4.5", "1234.1.1.1",
        "192.0.2.1", "192.000.2.1", "300.1.1.1", "199.255.255.255", " 1.2.3.4",
        "1.2.3.4 ", "1.2.3.a", "", "10.0.0.10", "100.100.100.100", "1.2.3.255",
        "1.2.3.256", "9.9.9.9", "0.0.0.00",
    };
    uint32_t a, b;
    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
        size_t n = strlen(fixed[i]);
        bool want = ip4_oracle(fixed[i], n, &a), got = pairtops_ip4_canonical(fixed[i], n, &b);
        CHECK_MSG(got == want && (!got || a == b), "'%s': got %d, want %d", fixed[i], got,
                  want);
    }
    static const char bytes[] = "0123456789012345678901259....x /\0";
    uint64_t rng = XORSHIFT_SEED;
    char s[20];
    long canonical = 0;
    for (int round = 0; round < 200000; round++) {
        size_t n = 0;
        if (round % 2 == 0) {
            /* four parts of 1-4 digits (leading zeros, values above
             * 255, too many digits), mostly dot-separated */
            for (int part = 0; part < 4; part++) {
                if (part > 0)
                    s[n++] = xorshift_below(&rng, 20) == 0 ? 'x' : '.';
                size_t digits = 1 + (size_t)xorshift_below(&rng, round % 8 == 0 ? 4 : 3);
                for (size_t k = 0; k < digits; k++)
                    s[n++] = (char)('0' + xorshift_below(&rng, 10));
            }
        } else {
            n = 5 + (size_t)xorshift_below(&rng, 12);
            for (size_t k = 0; k < n; k++)
                s[k] = bytes[xorshift_below(&rng, sizeof(bytes) - 1)];
        }
        bool want = ip4_oracle(s, n, &a), got = pairtops_ip4_canonical(s, n, &b);
        canonical += want;
        if (got != want || (got && a != b)) {
            CHECK_MSG(false, "'%.*s': got %d, want %d", (int)n, s, got, want);
            break;
        }
    }
    CHECK_MSG(canonical > 1000, "%ld canonical texts met", canonical);
}

int main(void)
{
    test_ip4_canonical();
    test_networks();
    test_empty();
    test_many_addresses();
    test_many_groups();
    for (unsigned seed = 1; seed <= 40; seed++)
        one_round(seed, 20 + seed * 15);
    return CHECK_DONE();
}
