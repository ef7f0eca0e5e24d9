/* SPDX-License-Identifier: MIT */
/*
 * pairtops - the report's tables that read every pair, worked out in C
 * from the pairs in memory instead of in SQL over the TEMP work table: the
 * summary's sums over the pairs, the distinct client IPs and HELOs (and
 * HELOs per class), and the top domains and top networks per verdict with
 * their distinct IPs or HELOs. The figures are those of the SQL they
 * replace, to the byte (tests/golden, tests/report.test.sh).
 *
 * Use: pairtops_init; pairtops_add once per pair as the report classifies
 * it (the sums); optionally pairtops_take_counts; pairtops_finish once,
 * with the pairs and their verdicts;
 * then pairtops_fill_top and the figures as often as needed;
 * pairtops_free. Owns everything it holds.
 * Memory: nothing per pair until pairtops_take_counts (12 bytes a pair)
 * or pairtops_helo (4 bytes a pair and the distinct domains when the top
 * domains are wanted); pairtops_finish holds 8 bytes a pair more, the
 * distinct HELOs with their domains unless they were told, and one more
 * hash set at a time (the IPs, then a list's groups), each freed before
 * the next.
 */
#ifndef HV_PAIRTOPS_H
#define HV_PAIRTOPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pairmap.h"
#include "report.h"

/* the lists: top domains (distinct IPs), top networks (distinct HELOs) */
enum pairtops_list { PAIRTOPS_DOMAINS = 0, PAIRTOPS_NETWORKS = 1 };
#define PAIRTOPS_NLISTS 2

/* the HELO classes in the HELO quality table's order */
#define PAIRTOPS_NCLS 6
extern const char *const pairtops_classes[PAIRTOPS_NCLS];

/* the summary's sums over the pairs (COALESCE(sum(...), 0) of the work
 * table's rows) */
struct pairtops_sums {
    long long sessions, messages, helo_known, helo_from_log, helo_implied,
        helo_from_received, helo_unknown, helo_absent, helo_unobserved,
        accepted_unevaluated, resolved_sessions;
};

struct pairtops_counts;

/* a shown row of a top list */
struct pairtops_row {
    int ord;                 /* the verdict's place in the caller's list */
    char *key;               /* domain or network, malloc'ed */
    size_t kn;
    long long n, m, x;       /* sessions, messages, distinct values */
};

struct pairtops {
    struct pairtops_sums sums;
    long long distinct_ips, distinct_helos;  /* HELOs: non-empty ones */
    long long distinct_cls[PAIRTOPS_NCLS];   /* distinct HELOs per class */
    bool want_distinct, want_list[PAIRTOPS_NLISTS];
    long long top, min_n[PAIRTOPS_NLISTS];
    struct pairtops_row *rows[PAIRTOPS_NLISTS];
    size_t nrows[PAIRTOPS_NLISTS];
    struct pairtops_counts *counts;  /* pairtops.c's own: each pair's
                                        sessions and messages */
    struct pairtops_told *told;      /* pairtops.c's own: the HELOs'
                                        classes and domains as told
                                        (pairtops_helo) */
};

/* pairtops_init - empty; distinct: count the distinct IPs and HELOs;
 * list[k]: make top list k, top rows per verdict among the groups of at
 * least min_n[k] sessions. */
void pairtops_init(struct pairtops *pt, bool distinct,
                   const bool list[PAIRTOPS_NLISTS], long long top,
                   const long long min_n[PAIRTOPS_NLISTS]);

/* pairtops_add - a pair's aggregates into the sums; has_helo: its HELO is
 * not empty; resolved: its CSA status is known and its HELO observed. */
void pairtops_add(struct pairtops *pt, const struct pagg *a, bool has_helo,
                  bool resolved);

/* pairtops_take_counts - each pair's sessions and messages copied out of
 * pm (12 bytes a pair), so that its aggregates (pairmap_drop_counts) can go
 * before pairtops_finish. */
void pairtops_take_counts(struct pairtops *pt, const struct pairmap *pm);

/* pairtops_helo - pair i (of np) has a HELO of hn bytes of class cls
 * (regdomain_helo_class) and domain (regdomain_helo, dn bytes): told by a
 * caller that works these out anyway, once per pair, in an order where a
 * HELO's pairs come one after another (pairsort.h's); new_helo: i's HELO
 * is not that of the pair told before it. When every pair was told,
 * pairtops_finish takes the distinct HELOs, their classes and the
 * domains from what was told instead of working them out again;
 * otherwise (fewer told, or told for another np) it works them out. */
void pairtops_helo(struct pairtops *pt, size_t np, size_t i, bool new_helo,
                   size_t hn, const char *cls, const char *domain, size_t dn);

/* pairtops_finish - the distinct counts and the top lists of the pairs of
 * pm, ord1[i] being pair i's verdict's place + 1 in the caller's list (0:
 * none, not in the top lists); reads pm's keys, and its aggregates unless
 * pairtops_take_counts came first. */
void pairtops_finish(struct pairtops *pt, const struct pairmap *pm,
                     const unsigned char *ord1);

/* pairtops_fill_top - the rows of list k into t (columns verdict, key,
 * sessions, messages, distinct values); verdicts[ord] names a verdict. */
void pairtops_fill_top(const struct pairtops *pt, enum pairtops_list k,
                       const char *const *verdicts, struct rtable *t);

/* pairtops_ip4_canonical - the address of the n bytes at s in *out, as a
 * number, when they are an IPv4 address in its one canonical text
 * (hv_ip4_dotted_quad): two such texts are equal exactly when their
 * addresses are. False for any other bytes. */
bool pairtops_ip4_canonical(const char *s, size_t n, uint32_t *out);

/* pairtops_net_of - the client network of ip (NUL-terminated):
 * "192.0.2.0/24" or "2001:db8:1::/48" into txt (size: INET6_ADDRSTRLEN + 8
 * suffices); false when ip is not an address (the network is then ip). */
bool pairtops_net_of(const char *ip, char *txt, size_t size);

/* pairtops_free - release everything; pt must be initialised again. */
void pairtops_free(struct pairtops *pt);

#endif
