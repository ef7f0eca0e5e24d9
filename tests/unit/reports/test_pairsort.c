/* SPDX-License-Identifier: MIT */
/*
 * test_pairsort - pairsort_order gives every pair once, each before the
 * next by pairinfo_cmp (HELO, then IP, as SQLite's BINARY collation) or,
 * with an equal key (the same HELO and IP observed and not), by number;
 * for no pair, one, a few, below and above the two-thread threshold
 * (65,536), over HELOs that share their first 8 bytes or end inside
 * them, IPs that share their first 8 or 16 bytes or end inside them, both
 * with NUL and high bytes, or empty, and pairs already in order or in
 * reverse.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "pairinfo.h"
#include "pairmap.h"
#include "pairsort.h"
#include "xmem.h"
#include "xorshift.h"

/* text - a random text of up to max bytes into b: a shared stem (at most
 * max bytes) cut anywhere, then bytes from a small alphabet with NUL and
 * 0xff. */
static size_t text(uint64_t *seed, const char *stem, char *b, size_t max)
{
    static const char alpha[] = {'a', 'b', '.', '\0', (char)0xff, '9'};
    size_t n = (size_t)xorshift_below(seed, strlen(stem) + 1);
    memcpy(b, stem, n);
    size_t more = (size_t)xorshift_below(seed, max - n + 1);
    for (size_t i = 0; i < more; i++)
        b[n + i] = alpha[xorshift_below(seed, sizeof(alpha))];
    return n + more;
}

/* fill - np sessions of distinct or repeated pairs into pm; mode 0
 * random, 1 the keys made in ascending order, 2 in descending order (the
 * pivots' worst shapes). */
static void fill(struct pairmap *pm, size_t np, int mode, uint64_t *seed)
{
    char h[32], ip[32];
    for (size_t i = 0; i < np; i++) {
        struct psession s;
        memset(&s, 0, sizeof(s));
        if (mode == 0) {
            s.hn = text(seed, "mail.example", h, 20);
            /* IPs that end before, inside and past the sort's 8-byte
             * prefix, up to 20 bytes (an IPv6 text is longer still) */
            s.in = text(seed, "192.168.100.101", ip, 20);
        } else {
            size_t k = mode == 1 ? i : np - i;
            s.hn = (size_t)snprintf(h, sizeof(h), "h%09zu", k / 3);
            s.in = (size_t)snprintf(ip, sizeof(ip), "%zu", k % 3);
        }
        s.helo = h;
        s.ip = ip;
        s.unobs = xorshift_below(seed, 8) == 0;
        s.mta = "postfix";
        s.mn = 7;
        s.disposition = "accepted";
        s.dn = 8;
        pairmap_add(pm, &s, -1);
    }
}

/* check - the order of pm's pairs. */
static void check(const struct pairmap *pm, const char *what)
{
    size_t np = pairmap_count(pm);
    uint32_t *order = pairsort_order(pm);
    bool *seen = xcalloc(np + 1, sizeof(*seen));
    size_t bad_perm = 0, bad_order = 0;
    for (size_t k = 0; k < np; k++) {
        if (order[k] >= np || seen[order[k]])
            bad_perm++;
        else
            seen[order[k]] = true;
    }
    for (size_t k = 0; bad_perm == 0 && k + 1 < np; k++) {
        const char *ha, *ia, *hb, *ib;
        size_t hna, ina, hnb, inb;
        pairmap_key(pm, order[k], &ha, &hna, &ia, &ina);
        pairmap_key(pm, order[k + 1], &hb, &hnb, &ib, &inb);
        int c = pairinfo_cmp(ha, hna, ia, ina, hb, hnb, ib, inb);
        if (c > 0 || (c == 0 && order[k] > order[k + 1]))
            bad_order++;
    }
    CHECK_MSG(bad_perm == 0 && bad_order == 0,
              "%s: %zu pairs, %zu not a permutation, %zu out of order", what,
              np, bad_perm, bad_order);
    free(seen);
    free(order);
}

int main(void)
{
    uint64_t seed = XORSHIFT_SEED;
    static const size_t sizes[] = {0, 1, 2, 17, 5000, 65535, 65536, 200000};
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        for (int mode = 0; mode < 3; mode++) {
            struct pairmap pm;
            pairmap_init(&pm);
            fill(&pm, sizes[i], mode, &seed);
            pairmap_seal(&pm);
            char what[64];
            snprintf(what, sizeof(what), "%zu sessions, mode %d", sizes[i],
                     mode);
            check(&pm, what);
            pairmap_free(&pm);
        }
    }
    return CHECK_DONE();
}
