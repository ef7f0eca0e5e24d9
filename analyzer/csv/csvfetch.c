/* SPDX-License-Identifier: MIT */
/*
 * csvfetch - one DNS answer for the CSA and DNA evaluators. See csvfetch.h.
 */
#include "csvfetch.h"

#include <string.h>

void csv_fetch_init(struct csv_fetch *f, dns_lookup_fn lookup, void *arg,
                    uint32_t *ttl)
{
    f->lookup = lookup;
    f->arg = arg;
    f->ttl = ttl;
    f->have_ttl = false;
}

/* fold_ttl - take an answer's TTL into the fetcher's smallest one. */
static void fold_ttl(struct csv_fetch *f, uint32_t t, enum dnsq_status st)
{
    if (t == 0 && st != DNSQ_OK)
        return; /* nothing to go by */
    if (!f->have_ttl || t < *f->ttl)
        *f->ttl = t;
    f->have_ttl = true;
}

bool csv_fetch(struct csv_fetch *f, const char *qname, int qtype,
               enum dnsq_status *st, struct dnsmsg *m, uint32_t *ttl)
{
    struct dns_result r;
    uint32_t t = 0;

    memset(m, 0, sizeof(*m));
    memset(&r, 0, sizeof(r));
    if (ttl != NULL)
        *ttl = 0;
    if (!f->lookup(f->arg, qname, qtype, &r))
        return false;
    *st = r.status;
    if (r.msg != NULL && r.len > 0 && dnsmsg_parse(r.msg, r.len, m) == 0) {
        if (*st == DNSQ_OK && dnsmsg_status(m, qname, qtype) != DNSQ_OK)
            *st = DNSQ_ERROR; /* says OK, holds no such answer */
        t = dnsmsg_cache_ttl(m, *st);
        fold_ttl(f, t, *st);
    } else if (*st == DNSQ_OK) {
        *st = DNSQ_ERROR;
    }
    if (ttl != NULL)
        *ttl = t;
    return true;
}
