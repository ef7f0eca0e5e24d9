/* SPDX-License-Identifier: MIT */
/*
 * csvfetch - the one way CSA (csa.c) and DNA (dna.c) take a DNS answer:
 * ask the lookup callback for (qname, qtype), parse the raw message,
 * settle the status (NXDOMAIN, NODATA, SERVFAIL, timeout as the transport
 * said; an OK without an answer for the question is an error) and keep the
 * smallest cache TTL of the answers used. Pure: no SQLite, no c-ares.
 */
#ifndef HV_CSVFETCH_H
#define HV_CSVFETCH_H

#include <stdbool.h>
#include <stdint.h>

#include "dnsmsg.h"

/* The answers one evaluation has used. */
struct csv_fetch {
    dns_lookup_fn lookup;
    void *arg;
    uint32_t *ttl;   /* the result's TTL: the smallest cache TTL of the
                        answers used, 0 until one is known (borrowed) */
    bool have_ttl;   /* *ttl holds an answer's TTL */
};

/* csv_fetch_init - a fetcher over lookup/arg folding TTLs into *ttl (which
 * the caller has zeroed). */
void csv_fetch_init(struct csv_fetch *f, dns_lookup_fn lookup, void *arg,
                    uint32_t *ttl);

/* csv_fetch - ask for (qname, qtype). Returns false when the answer is not
 * known yet (the caller returns EVAL_PENDING; *m zeroed). When known: *st
 * is the transport's status, except that DNSQ_OK becomes DNSQ_ERROR when
 * the message does not parse or holds no answer for (qname, qtype)
 * (dnsmsg_status); *m the parsed message, zeroed when there is none (the
 * caller frees it with dnsmsg_free); *ttl (may be NULL) the answer's cache
 * TTL for that final status (dnsmsg_cache_ttl; 0: nothing to go by). A TTL
 * is folded into the fetcher's when it is > 0 or the status is DNSQ_OK. */
bool csv_fetch(struct csv_fetch *f, const char *qname, int qtype,
               enum dnsq_status *st, struct dnsmsg *m, uint32_t *ttl);

#endif
